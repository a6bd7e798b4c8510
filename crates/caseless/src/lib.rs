//! Unicode full case folding (`CaseFolding.txt`, statuses C + F, as the Unicode standard's *default case folding*),
//! the one thing comrak 0.59 uses the `caseless` crate for: normalising link labels (`[ẞ]` matches `[SS]`).
//!
//! A local stand-in for crates.io's `caseless`, wired in with `[patch.crates-io]` to keep its 25 KB folding table
//! out of the wasm. `src/tables.rs` holds the folding of every non-ASCII code point that does not fold to itself: runs
//! of one-character foldings with a common delta (A–Z style and alternating upper/lower pairs) and a list of the ~100
//! multi-character ones (ß → ss, ŉ → ʼn, ligatures, Greek iota subscripts, …), about 2.5 KB. It does not call
//! `char::to_lowercase`, so core's 11.7 KB lowercase table is not linked. `scripts/gen_unicode_tables.py` generates the
//! table; `tests/unicode_patches.rs` in the repository checks every scalar value against the expected folding.

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
            match fold(c) {
                Fold::Char(f) => out.push(f),
                Fold::Str(f) => out.push_str(f),
            }
        }
    }
    out
}

enum Fold {
    Char(char),
    Str(&'static str),
}

/// The full case folding of the non-ASCII `c`.
fn fold(c: char) -> Fold {
    let cp = c as u32;
    // The last run that starts at or before `cp`.
    let i = tables::RUNS.partition_point(|&(key, _)| key >> 11 <= cp);
    if let Some(&(key, packed)) = i.checked_sub(1).and_then(|i| tables::RUNS.get(i)) {
        let (first, count, step) = (key >> 11, (key & 0x7FF) + 1, (packed & 1) as u32 + 1);
        let offset = cp - first;
        if offset % step == 0 && offset / step < count {
            if let Some(f) = char::from_u32(cp.wrapping_add_signed(packed >> 1)) {
                return Fold::Char(f);
            }
        }
    }
    match tables::MULTI.binary_search_by_key(&cp, |&(k, _, _)| k) {
        Ok(i) => {
            let (_, start, end) = tables::MULTI[i];
            Fold::Str(&tables::FOLDED[usize::from(start)..usize::from(end)])
        }
        Err(_) => Fold::Char(c),
    }
}
