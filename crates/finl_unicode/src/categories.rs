//! The [`CharacterCategories`] trait: general-category tests on `char`.

use crate::tables;

/// General-category tests, implemented for `char` (the subset of the original trait that comrak calls).
// `char` is `Copy`: taking `self` by value matches the original crate's signatures.
#[allow(clippy::wrong_self_convention)]
pub trait CharacterCategories {
    /// Letter (L: Lu, Ll, Lt, Lm, Lo).
    fn is_letter(self) -> bool;
    /// Mark (M: Mn, Mc, Me).
    fn is_mark(self) -> bool;
    /// Number (N: Nd, Nl, No).
    fn is_number(self) -> bool;
    /// Punctuation (P: Pc, Pd, Ps, Pe, Pi, Pf, Po).
    fn is_punctuation(self) -> bool;
    /// Connector punctuation (Pc), such as `_`.
    fn is_punctuation_connector(self) -> bool;
    /// Symbol (S: Sm, Sc, Sk, So).
    fn is_symbol(self) -> bool;
}

impl CharacterCategories for char {
    fn is_letter(self) -> bool {
        if self.is_ascii() {
            return self.is_ascii_alphabetic();
        }
        contains(tables::L, self)
    }

    fn is_mark(self) -> bool {
        !self.is_ascii() && contains(tables::M, self)
    }

    fn is_number(self) -> bool {
        if self.is_ascii() {
            return self.is_ascii_digit();
        }
        contains(tables::N, self)
    }

    fn is_punctuation(self) -> bool {
        contains(tables::P, self)
    }

    fn is_punctuation_connector(self) -> bool {
        contains(tables::PC, self)
    }

    fn is_symbol(self) -> bool {
        contains(tables::S, self)
    }
}

/// Whether `c` lies in one of `table`'s ranges, each packed as `start << 11 | (len - 1)`, sorted by start.
fn contains(table: &[u32], c: char) -> bool {
    let cp = c as u32;
    let i = table.partition_point(|&range| range >> 11 <= cp);
    i > 0 && cp - (table[i - 1] >> 11) <= table[i - 1] & 0x7FF
}
