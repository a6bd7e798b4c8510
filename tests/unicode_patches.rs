//! The local crates that `[patch.crates-io]` puts under comrak (`crates/caseless`, `crates/finl_unicode`): checked
//! over every Unicode scalar value against data generated independently of their tables
//! (`scripts/gen_unicode_tables.py`), and through comrak itself.

use caseless::default_case_fold_str;

/// Every scalar value, as a `char`.
fn scalars() -> impl Iterator<Item = char> {
    (0..=0x10FFFF).filter_map(char::from_u32)
}

fn hex(s: &str) -> u32 {
    u32::from_str_radix(s, 16).unwrap_or_else(|_| panic!("should be a hex code point: {s:?}"))
}

/// The expected full case folding of every scalar value that does not fold to itself, from
/// `crates/caseless/tests/casefold.txt` (Python's `str.casefold()`, Node's `toLowerCase()` for later characters).
fn expected_folding() -> std::collections::HashMap<char, String> {
    let mut map = std::collections::HashMap::new();
    for line in include_str!("../crates/caseless/tests/casefold.txt").lines().filter(|l| !l.starts_with('#')) {
        if let Some((cp, fold)) = line.split_once('=') {
            let fold = fold.split(' ').map(|h| char::from_u32(hex(h)).expect("should be a scalar value")).collect();
            map.insert(char::from_u32(hex(cp)).expect("should be a scalar value"), fold);
        } else {
            let fields: Vec<&str> = line.split(' ').collect();
            let [first, last, step, delta] = fields[..] else { panic!("should be a run line: {line:?}") };
            let (first, last) = (hex(first), hex(last));
            let step: usize = step.parse().expect("step should be a number");
            let delta: i32 = delta.parse().expect("delta should be a number");
            for cp in (first..=last).step_by(step) {
                let folded = char::from_u32(cp.wrapping_add_signed(delta)).expect("should be a scalar value");
                map.insert(char::from_u32(cp).expect("should be a scalar value"), folded.to_string());
            }
        }
    }
    map
}

#[test]
fn case_folding_matches_the_unicode_data_for_every_scalar_value() {
    let expected = expected_folding();
    assert!(expected.len() > 1500, "the expectations should list every folding code point, got {}", expected.len());
    let mut wrong = Vec::new();
    for c in scalars() {
        let want = expected.get(&c).cloned().unwrap_or_else(|| c.to_string());
        let got = default_case_fold_str(c.encode_utf8(&mut [0; 4]));
        if got != want {
            wrong.push(format!("U+{:04X}: got {got:?}, want {want:?}", c as u32));
        }
    }
    assert!(
        wrong.is_empty(),
        "case folding should match the Unicode data; {} differ:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

#[test]
fn case_folding_handles_the_cases_lowercasing_gets_wrong() {
    let cases = [
        ("Straẞe", "strasse"),
        ("Straße", "strasse"),
        ("SS", "ss"),
        ("ſ", "s"),
        ("ΣΑΣ ς σ", "σασ σ σ"),
        ("µ", "μ"),
        ("ﬃ ﬆ", "ffi st"),
        ("ᾈ ᾳ ᾼ", "ἀι αι αι"),
        ("Ꭰ ꭰ ᏸ", "Ꭰ Ꭰ Ᏸ"),
        ("İ", "i\u{307}"),
        ("K Å", "k å"),
        ("ǅ", "ǆ"),
        ("Ⓐ", "ⓐ"),
        ("𐐀", "𐐨"),
        ("ABC def 123 -_", "abc def 123 -_"),
        ("", ""),
    ];
    for (input, want) in cases {
        assert_eq!(default_case_fold_str(input), want, "{input:?} should fold to {want:?}");
    }
}

#[test]
fn link_labels_match_by_unicode_case_folding_through_comrak() {
    let options = comrak::Options::default();
    for (label, reference) in [("ẞ", "SS"), ("Straße", "STRASSE"), ("ΑΣ", "ας"), ("ﬀ", "FF"), ("ꭰ", "Ꭰ")] {
        let html = comrak::markdown_to_html(&format!("[{label}]\n\n[{reference}]: /url\n"), &options);
        assert!(html.contains("href=\"/url\""), "[{label}] should match the definition [{reference}], got {html}");
    }
    let html = comrak::markdown_to_html("[a]\n\n[b]: /url\n", &options);
    assert!(!html.contains("href"), "[a] should not match the definition [b], got {html}");
}

mod categories {
    use finl_unicode::categories::CharacterCategories;

    use super::scalars;

    #[test]
    fn numbers_are_exactly_what_core_calls_numeric() {
        // core's `char::is_numeric` is general category N (Nd, Nl, No), from its own tables (Unicode 17 in Rust 1.95).
        for c in scalars() {
            assert_eq!(c.is_number(), c.is_numeric(), "U+{:04X} should be N exactly when core says numeric", c as u32);
        }
    }

    #[test]
    fn letters_are_alphabetic_and_categories_do_not_overlap() {
        for c in scalars() {
            let (l, m, n, p, s) = (c.is_letter(), c.is_mark(), c.is_number(), c.is_punctuation(), c.is_symbol());
            let at = c as u32;
            assert!(!l || c.is_alphabetic(), "letter U+{at:04X} should be Alphabetic to core");
            assert!([l, m, n, p, s].iter().filter(|&&b| b).count() <= 1, "U+{at:04X} should be in one category");
            assert!(!c.is_punctuation_connector() || p, "Pc U+{at:04X} should be punctuation");
            if c.is_alphabetic() && !l {
                // Alphabetic = L + Nl + Other_Alphabetic (marks, a few symbols and letter-like numbers).
                assert!(m || n || s, "Alphabetic U+{at:04X} should be L, M, N or S");
            }
            if c.is_whitespace() || c.is_control() {
                assert!(!(l || m || n || p || s), "space or control U+{at:04X} should be in none of L, M, N, P, S");
            }
        }
    }

    #[test]
    fn ascii_punctuation_and_symbols_are_commonmarks_ascii_punctuation() {
        for c in (0u8..0x80).map(char::from) {
            assert_eq!(c.is_punctuation() || c.is_symbol(), c.is_ascii_punctuation(), "{c:?}");
            assert_eq!(c.is_letter(), c.is_ascii_alphabetic(), "{c:?}");
            assert_eq!(c.is_punctuation_connector(), c == '_', "{c:?}");
        }
    }

    #[test]
    fn known_characters_have_their_categories() {
        for c in
            ['¡', '§', '¶', '«', '»', '‐', '—', '‘', '’', '“', '”', '…', '、', '。', '「', '」', '！', '・', '𑁇', '‿']
        {
            assert!(c.is_punctuation(), "{c:?} (U+{:04X}) should be punctuation", c as u32);
        }
        for c in ['¢', '£', '©', '®', '°', '±', '×', '÷', '€', '→', '∑', '█', '☃', '♥', '〒', '😀', '🫠', '𝈀', '¨']
        {
            assert!(c.is_symbol(), "{c:?} (U+{:04X}) should be a symbol", c as u32);
        }
        for c in ['é', 'ß', 'Ж', 'ω', 'א', 'ع', 'क', '中', '𠀀', 'ª', 'ǅ', 'ʰ', '𐐀'] {
            assert!(c.is_letter(), "{c:?} (U+{:04X}) should be a letter", c as u32);
        }
        for c in ['\u{300}', '\u{20DD}', '\u{93F}', '\u{E0100}'] {
            assert!(c.is_mark(), "U+{:04X} should be a mark", c as u32);
        }
        for c in ['٣', '½', 'Ⅻ', '①', '𝟚'] {
            assert!(c.is_number(), "{c:?} should be a number");
        }
        for c in ['‿', '⁀', '⁔', '︳', '︴', '﹍', '﹎', '﹏', '＿'] {
            assert!(c.is_punctuation_connector(), "{c:?} should be connector punctuation");
        }
        for c in [' ', '\u{A0}', '\u{3000}', '\u{E000}', '\u{10FFFF}', '\u{378}', '\u{FFFF}'] {
            assert!(!(c.is_punctuation() || c.is_symbol() || c.is_letter()), "U+{:04X} should be none", c as u32);
        }
    }

    #[test]
    fn unicode_punctuation_flanks_emphasis_through_comrak() {
        let options = comrak::Options::default();
        // CommonMark: `*` after a letter and before Unicode punctuation or a symbol is right-flanking only.
        for (md, want) in [("a*«b»*", "<p>a*«b»*</p>\n"), ("«*b*»", "<p>«<em>b</em>»</p>\n"), ("*€*a", "<p>*€*a</p>\n")]
        {
            assert_eq!(comrak::markdown_to_html(md, &options), want, "{md:?}");
        }
    }
}
