//! `cargo run --release` (in this folder): lists every scalar value where the local crates answer differently from
//! the crates.io originals they replace, and fails unless each difference is a character the other side's Unicode
//! version does not know: case folding only where the original caseless 0.2.2 (Unicode 16) leaves a character
//! unchanged (new case pairs of Unicode 17), categories only where the local tables (Unicode 17) put a character in
//! none of them (characters new in Unicode 18, which finl_unicode 1.5.1 implements).

use finl_unicode::categories::CharacterCategories as Real;
use local_finl_unicode::categories::CharacterCategories as Local;

fn main() {
    let (mut fold_diffs, mut category_diffs, mut unexplained) = (0, 0, 0);
    for c in (0..=0x10FFFF).filter_map(char::from_u32) {
        let s = c.to_string();
        let (real, local) = (caseless::default_case_fold_str(&s), local_caseless::default_case_fold_str(&s));
        if real != local {
            fold_diffs += 1;
            if real != s {
                unexplained += 1;
            }
            println!("fold U+{:04X}: crates.io {real:?}, local {local:?}", c as u32);
        }
        let real = [
            Real::is_punctuation(c),
            Real::is_symbol(c),
            Real::is_letter(c),
            Real::is_mark(c),
            Real::is_number(c),
            Real::is_punctuation_connector(c),
        ];
        let local = [
            Local::is_punctuation(c),
            Local::is_symbol(c),
            Local::is_letter(c),
            Local::is_mark(c),
            Local::is_number(c),
            Local::is_punctuation_connector(c),
        ];
        if real != local {
            category_diffs += 1;
            if local.contains(&true) {
                unexplained += 1;
            }
            println!("category U+{:04X} [P S L M N Pc]: crates.io {real:?}, local {local:?}", c as u32);
        }
    }
    println!("{fold_diffs} case-folding differences, {category_diffs} category differences, {unexplained} unexplained");
    assert_eq!(unexplained, 0, "every difference should be a character new in the newer Unicode version");
}
