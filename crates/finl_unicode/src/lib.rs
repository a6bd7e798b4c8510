//! General-category tests on `char`, the part of crates.io's `finl_unicode` that comrak 0.59 uses: `is_punctuation`
//! and `is_symbol` (emphasis flanking and autolink host characters) and `is_letter`, `is_mark`, `is_number` and
//! `is_punctuation_connector` (heading anchors).
//!
//! A local stand-in wired in with `[patch.crates-io]`: sorted range tables searched by binary search (about 6.6 KB)
//! instead of the original's 47 KB page tables. `scripts/gen_unicode_tables.py` generates them (`src/tables.rs`
//! names the Unicode version); `tests/unicode_patches.rs` in the repository checks them.

#[cfg(feature = "categories")]
pub mod categories;

#[cfg(feature = "categories")]
mod tables;

#[cfg(feature = "categories")]
pub use tables::UNICODE_VERSION;
