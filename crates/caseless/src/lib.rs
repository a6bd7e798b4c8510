//! Unicode full case folding (`CaseFolding.txt`, statuses C + F, as the Unicode standard's *default case folding*),
//! the one thing comrak 0.59 uses the `caseless` crate for: normalising link labels (`[ẞ]` matches `[SS]`).
//!
//! A local stand-in for crates.io's `caseless`, wired in with `[patch.crates-io]` to keep its 25 KB folding table
//! out of the wasm. A character folds to its full lowercase mapping (`char::to_lowercase`, whose table core links
//! anyway for comrak's `str::to_lowercase`) except for the ~300 code points where case folding differs from
//! lowercasing (ß → ss, ẞ → ss, ſ → s, ς → σ, Cherokee, ligatures, Greek iota subscripts, …), which
//! `src/tables.rs` lists. `scripts/gen_unicode_tables.py` generates that table; `tests/unicode_patches.rs` in
//! the repository checks every scalar value against the expected folding.

mod tables;

pub use tables::UNICODE_VERSION;

/// Returns the default (full) case folding of `s`, as crates.io's `caseless::default_case_fold_str`.
///
/// ```
/// assert_eq!(caseless::default_case_fold_str("Straẞe ΣΑΣ"), "strasse σασ");
/// ```
pub fn default_case_fold_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else {
            match exception(c) {
                Some(Fold::Char(f)) => out.push(f),
                Some(Fold::Str(f)) => out.push_str(f),
                None => out.extend(c.to_lowercase()),
            }
        }
    }
    out
}

enum Fold {
    Char(char),
    Str(&'static str),
}

/// The folding of `c` where it differs from `c.to_lowercase()`.
fn exception(c: char) -> Option<Fold> {
    let cp = c as u32;
    if cp < tables::FIRST {
        return None;
    }
    if let Ok(i) = tables::SINGLES.binary_search_by_key(&cp, |&(k, _, _)| k) {
        let (_, start, end) = tables::SINGLES[i];
        return Some(Fold::Str(&tables::FOLDED[usize::from(start)..usize::from(end)]));
    }
    let &(_, _, delta) = tables::RUNS.iter().find(|&&(first, last, _)| (first..=last).contains(&cp))?;
    char::from_u32(cp.wrapping_add_signed(delta)).map(Fold::Char)
}
