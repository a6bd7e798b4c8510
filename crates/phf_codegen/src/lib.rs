//! The part of crates.io's `phf_codegen` 0.14 that comrak 0.59's build script uses: `Map::new()`,
//! `.entry(key, value)` with `&str` keys and values given as Rust string literals (`format!("{:?}", s)`), and
//! `.build()`, whose `Display` is the expression of a `phf::Map<&'static str, &'static str>`.
//!
//! A local stand-in wired in with `[patch.crates-io]`, together with `crates/phf`: instead of a perfect-hash table
//! it writes `::phf::Map::from_packed("…", &[…])`, the packed form described in `crates/phf/src/lib.rs`.

use std::borrow::Cow;
use std::fmt;

/// Every this many records a restart point (a whole key): the most records a lookup scans after its binary search.
const RESTART_INTERVAL: usize = 16;

/// A map to write as Rust source.
pub struct Map<'a, K> {
    path: Cow<'a, str>,
    entries: Vec<(K, Cow<'a, str>)>,
}

impl<K: AsRef<str>> Default for Map<'_, K> {
    fn default() -> Self {
        Self::new()
    }
}

impl<'a, K: AsRef<str>> Map<'a, K> {
    /// An empty map.
    pub fn new() -> Self {
        Map { path: Cow::Borrowed("::phf"), entries: Vec::new() }
    }

    /// The path of the `phf` crate in the generated code (default `::phf`).
    pub fn phf_path(&mut self, path: impl Into<Cow<'a, str>>) -> &mut Self {
        self.path = path.into();
        self
    }

    /// Adds `key` with `value`, a Rust string literal (as `format!("{:?}", s)` writes it).
    pub fn entry(&mut self, key: K, value: impl Into<Cow<'a, str>>) -> &mut Self {
        self.entries.push((key, value.into()));
        self
    }

    /// The map as a Rust expression (its `Display`). Panics on what the packed form cannot hold: a duplicate or
    /// empty key, a key that holds a `;` or is 128 bytes or longer, a value that is not a plain string literal or
    /// holds a NUL, or more than 64 KiB in all.
    pub fn build(&self) -> DisplayMap {
        let mut entries: Vec<(&str, String)> =
            self.entries.iter().map(|(k, v)| (k.as_ref(), unquote(v))).collect();
        entries.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
        let mut packed = String::new();
        let mut restarts = Vec::new();
        let mut previous = "";
        for (n, (key, value)) in entries.iter().enumerate() {
            assert!(n == 0 || *key != previous, "phf_codegen: duplicate key {key:?}");
            assert!(!key.is_empty() && key.len() < 128 && !key.contains(';'), "phf_codegen: key {key:?}");
            assert!(!value.contains('\0'), "phf_codegen: NUL in the value of {key:?}");
            let shared = if n % RESTART_INTERVAL == 0 {
                restarts.push(u16::try_from(packed.len()).expect("phf_codegen: map over 64 KiB"));
                0
            } else {
                key.bytes().zip(previous.bytes()).take_while(|(a, b)| a == b).count()
            };
            packed.push(char::from(shared as u8));
            packed.push_str(&key[shared..]);
            packed.push(';');
            packed.push_str(value);
            packed.push('\0');
            previous = key;
        }
        assert!(packed.len() <= usize::from(u16::MAX), "phf_codegen: map over 64 KiB");
        DisplayMap { path: self.path.to_string(), packed, restarts }
    }
}

/// The generated expression, from [`Map::build`].
pub struct DisplayMap {
    path: String,
    packed: String,
    restarts: Vec<u16>,
}

impl fmt::Display for DisplayMap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}::Map::from_packed(\n    {:?},\n    &{:?},\n)", self.path, self.packed, self.restarts)
    }
}

/// The string a Rust string literal written by `{:?}` stands for (the escapes `Debug` for `str` uses).
fn unquote(literal: &str) -> String {
    let inner = literal
        .strip_prefix('"')
        .and_then(|l| l.strip_suffix('"'))
        .unwrap_or_else(|| panic!("phf_codegen: not a string literal: {literal}"));
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        out.push(match chars.next() {
            Some('n') => '\n',
            Some('r') => '\r',
            Some('t') => '\t',
            Some('0') => '\0',
            Some(c @ ('\\' | '"' | '\'')) => c,
            Some('u') => {
                let hex: String = chars.by_ref().take_while(|&c| c != '}').collect();
                let code = hex.strip_prefix('{').and_then(|h| u32::from_str_radix(h, 16).ok());
                code.and_then(char::from_u32).unwrap_or_else(|| panic!("phf_codegen: bad escape in {literal}"))
            }
            _ => panic!("phf_codegen: unsupported escape in {literal}"),
        });
    }
    out
}
