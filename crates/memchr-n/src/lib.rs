//! The items of crates.io's `memchr-n` 0.1 that comrak 0.59 calls, as plain scalar code: a [`MemchrN`] is a set of
//! byte values; [`MemchrN::find`] and [`MemchrN::iter`] report the offsets of the haystack bytes in the set.
//!
//! A local stand-in wired in with `[patch.crates-io]` to keep the original's SIMD kernels (and `fearless_simd`) out
//! of the wasm; `tests/dependency_patches.rs` in the repository checks it against a naive search.

#![no_std]

/// A set of byte values to search for.
///
/// ```
/// let finder = memchr_n::MemchrN::new(b"aeiou");
/// assert_eq!(finder.find(b"rhythm and"), Some(7));
/// assert_eq!(finder.iter(b"hello").collect::<Vec<_>>(), [1, 4]);
/// ```
#[derive(Clone)]
pub struct MemchrN {
    set: [u32; 8],
}

impl MemchrN {
    /// A finder for every byte value in `bytes` (duplicates are fine).
    pub fn new(bytes: &[u8]) -> Self {
        let mut set = [0; 8];
        for &b in bytes {
            set[usize::from(b >> 5)] |= 1 << (b & 31);
        }
        MemchrN { set }
    }

    #[inline]
    fn contains(&self, b: u8) -> bool {
        self.set[usize::from(b >> 5)] & (1 << (b & 31)) != 0
    }

    /// The offset of the first byte of `haystack` in the set.
    #[inline]
    pub fn find(&self, haystack: &[u8]) -> Option<usize> {
        haystack.iter().position(|&b| self.contains(b))
    }

    /// The offsets of all bytes of `haystack` in the set, in order.
    pub fn iter<'a>(&'a self, haystack: &'a [u8]) -> Iter<'a> {
        Iter { finder: self, haystack, pos: 0 }
    }
}

/// The offsets of the bytes matched by a [`MemchrN`], from [`MemchrN::iter`].
#[must_use = "iterators do nothing unless consumed"]
#[derive(Clone)]
pub struct Iter<'a> {
    finder: &'a MemchrN,
    haystack: &'a [u8],
    /// Where the next search starts: one past the last offset yielded, or where `advance_to` moved it.
    pos: usize,
}

impl Iter<'_> {
    /// Skips the matches before offset `idx`: the next call to `next` yields the first match at or after `idx`. An
    /// index at or before the last yielded offset has no effect (the iterator never rewinds); one at or past the
    /// end exhausts it.
    ///
    /// ```
    /// let finder = memchr_n::MemchrN::new(b"aeiou");
    /// let mut matches = finder.iter(b"hello world");
    /// assert_eq!(matches.next(), Some(1));
    /// matches.advance_to(4);
    /// assert_eq!(matches.next(), Some(4));
    /// matches.advance_to(1);
    /// assert_eq!(matches.next(), Some(7));
    /// ```
    #[inline]
    pub fn advance_to(&mut self, idx: usize) {
        self.pos = self.pos.max(idx.min(self.haystack.len()));
    }
}

impl Iterator for Iter<'_> {
    type Item = usize;

    #[inline]
    fn next(&mut self) -> Option<usize> {
        let rest = self.haystack.get(self.pos..)?;
        match self.finder.find(rest) {
            Some(i) => {
                let found = self.pos + i;
                self.pos = found + 1;
                Some(found)
            }
            None => {
                self.pos = self.haystack.len();
                None
            }
        }
    }
}

impl core::iter::FusedIterator for Iter<'_> {}
