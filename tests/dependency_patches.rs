//! The local crates that `[patch.crates-io]` puts under comrak besides the Unicode ones (`tests/unicode_patches.rs`):
//! `crates/memchr-n` checked against a naive search.

use memchr_n::MemchrN;

/// The byte sets comrak 0.59 builds, and a few edge cases.
fn sets() -> Vec<Vec<u8>> {
    let href_unsafe = (0..=u8::MAX).filter(|b| !b.is_ascii_alphanumeric() && !b"-_.+!*(),#@?=;:/$~".contains(b));
    vec![
        b"\r\n".to_vec(),
        b"`".to_vec(),
        b"$".to_vec(),
        b"\\".to_vec(),
        b"@".to_vec(),
        b"@[]".to_vec(),
        b"\"&<>\0".to_vec(),
        href_unsafe.collect(),
        Vec::new(),
        (0..=u8::MAX).collect(),
        vec![0, 31, 32, 63, 64, 127, 128, 255],
    ]
}

/// Haystacks of every length up to 300 with pseudo-random bytes, biased to the bytes the sets hold.
fn haystacks() -> Vec<Vec<u8>> {
    let mut state = 0x2545_f491_u32;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        state
    };
    let alphabet = b"ab \r\n`$\\@[]\"&<>\0\xff\x80%";
    (0..300)
        .map(|len| {
            (0..len)
                .map(|_| {
                    let r = next();
                    if r % 3 == 0 {
                        (r >> 8) as u8
                    } else {
                        alphabet[(r >> 8) as usize % alphabet.len()]
                    }
                })
                .collect()
        })
        .collect()
}

#[test]
fn memchr_n_find_and_iter_match_a_naive_search() {
    for set in sets() {
        let finder = MemchrN::new(&set);
        for hay in haystacks() {
            let expected: Vec<usize> = (0..hay.len()).filter(|&i| set.contains(&hay[i])).collect();
            assert_eq!(finder.find(&hay), expected.first().copied(), "find {set:?} in {hay:?}");
            assert_eq!(finder.iter(&hay).collect::<Vec<_>>(), expected, "iter {set:?} in {hay:?}");
        }
    }
}

#[test]
fn memchr_n_advance_to_skips_forward_only() {
    let finder = MemchrN::new(b"\r\n");
    for hay in haystacks() {
        let all: Vec<usize> = (0..hay.len()).filter(|&i| matches!(hay[i], b'\r' | b'\n')).collect();
        // As comrak's count_newlines does: after a "\r", skip a following "\n" by advancing past it.
        for skip in 0..4 {
            let mut it = finder.iter(&hay);
            let mut got = Vec::new();
            let mut expected = Vec::new();
            while let Some(i) = it.next() {
                got.push(i);
                let target = (i + skip).saturating_sub(1);
                it.advance_to(target);
            }
            // Replay with the naive list: after each yielded i, the next is the first match >= max(i + 1, target).
            let mut low = 0;
            for &m in &all {
                if m >= low {
                    expected.push(m);
                    low = (m + 1).max((m + skip).saturating_sub(1));
                }
            }
            assert_eq!(got, expected, "skip {skip} in {hay:?}");
        }
        let mut it = finder.iter(&hay);
        it.advance_to(hay.len() + 5);
        assert_eq!(it.next(), None);
        assert_eq!(it.next(), None);
    }
}

#[test]
fn comrak_through_the_patched_scanner() {
    let html = comrak::markdown_to_html("a\r\nb\rc\n`x` <&> [l](/a b\"c)\n", &comrak::Options::default());
    assert_eq!(html, "<p>a\nb\nc\n<code>x</code> &lt;&amp;&gt; [l](/a b&quot;c)</p>\n");
}

/// What comrak renders for a paragraph holding only the text `value`.
fn paragraph(value: &str) -> String {
    let mut escaped = String::new();
    for c in value.chars() {
        match c {
            '"' => escaped.push_str("&quot;"),
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            c => escaped.push(c),
        }
    }
    format!("<p>{escaped}</p>\n")
}

/// The named references with a trailing `;` (the ones comrak resolves), as (name, value).
fn named_references() -> Vec<(&'static str, &'static str)> {
    let list: Vec<_> = entities::ENTITIES
        .iter()
        .filter_map(|e| Some((e.entity.strip_prefix('&')?.strip_suffix(';')?, e.characters)))
        .collect();
    assert_eq!(list.len(), 2125, "the WHATWG list has 2125 names with a semicolon");
    list
}

/// `crates/phf` + `crates/phf_codegen` (comrak's HTML entity table): every name of the `entities` crate resolves
/// to its characters, as with the original perfect-hash map built from the same list.
#[test]
fn every_named_entity_resolves_to_its_characters() {
    let options = comrak::Options::default();
    for (name, value) in named_references() {
        // In the middle of a word, so a value that is whitespace (&Tab;, &NewLine;) is not trimmed.
        let html = comrak::markdown_to_html(&format!("a&{name};b"), &options);
        assert_eq!(html, paragraph(&format!("a{value}b")), "&{name};");
    }
}

/// Names that are not in the table stay text: every proper prefix of every name that is not a name itself, every
/// name with a letter appended or its case changed, names without the `;`, and a few odd ones.
#[test]
fn names_not_in_the_table_stay_text() {
    let options = comrak::Options::default();
    let references = named_references();
    let names: std::collections::HashSet<&str> = references.iter().map(|&(name, _)| name).collect();
    let mut tried = 0;
    let mut check = |name: &str| {
        if name.len() >= 2 && !names.contains(name) {
            let html = comrak::markdown_to_html(&format!("a&{name};b"), &options);
            assert_eq!(html, paragraph(&format!("a&{name};b")), "&{name};");
            tried += 1;
        }
    };
    for &(name, _) in &references {
        for end in 2..name.len() {
            check(&name[..end]);
        }
        check(&format!("{name}x"));
        check(&format!("{name}Z"));
        check(&name.to_uppercase());
        check(&name.to_lowercase());
    }
    for odd in ["zz", "zzzz", "AA", "aa", "Ab", "{}", "_amp", "9amp", "amp9x", "é", "aé", "ampé"] {
        check(odd);
    }
    assert!(tried > 10_000, "only {tried} names tried");
    let html = comrak::markdown_to_html("&amp &lt &copy;&copy", &options);
    assert_eq!(html, "<p>&amp;amp &amp;lt ©&amp;copy</p>\n");
}
