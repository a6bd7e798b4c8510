//! The character checks that decide what an inline delimiter can do, in one place: the settledness scan
//! ([`super::settle`]) and speculation ([`super::speculate`]) both read delimiter runs through these, so that they
//! cannot disagree with each other (or drift apart from comrak) on what opens and what closes. Line checks shared
//! by the engine, speculation and the renderer live here too (line starts, a definition's first characters).
//!
//! - Emphasis and strikethrough runs (`*`, `_`, `~`): CommonMark's left- and right-flanking rules (spec 0.31, 6.2),
//!   with `_`'s stricter rule inside words.
//! - Inline math runs (`$`, `$$`, with comrak's `math_dollars`): comrak follows pandoc's heuristics. A run of more
//!   than two `$` is text; a single `$` followed by whitespace opens nothing. While math is open, the first closing
//!   candidate decides: for `$…$` the next `$` that is not escaped closes it unless whitespace comes before it or a
//!   digit after it, which makes the opener text instead (and the text after it is read afresh); `$$…$$` closes at
//!   the next `$$`.

/// What a character next to a delimiter run is, for the flanking rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CharClass {
    /// Whitespace, or the start or end of the text.
    #[default]
    Space,
    /// ASCII punctuation, or any other character that is neither a letter nor a digit (Unicode punctuation and
    /// symbols).
    Punct,
    Other,
}

/// The class of the character next to a delimiter run; `None` (the start or end of the text) counts as whitespace.
pub fn class_of(c: Option<char>) -> CharClass {
    match c {
        None => CharClass::Space,
        Some(c) if c.is_whitespace() => CharClass::Space,
        Some(c) if c.is_ascii_punctuation() || (!c.is_ascii() && !c.is_alphanumeric()) => CharClass::Punct,
        Some(_) => CharClass::Other,
    }
}

/// What a run of `ch` (`*`, `_` or `~`) between a character of class `before` and one of class `after` can do:
/// `(can_open, can_close)`.
pub fn delimiter_run(ch: u8, before: CharClass, after: CharClass) -> (bool, bool) {
    let left = after != CharClass::Space && (after != CharClass::Punct || before != CharClass::Other);
    let right = before != CharClass::Space && (before != CharClass::Punct || after != CharClass::Other);
    if ch == b'_' {
        // Inside a word `_` neither opens nor closes (`snake_case`).
        (left && (!right || before == CharClass::Punct), right && (!left || after == CharClass::Punct))
    } else {
        (left, right)
    }
}

/// CommonMark's "rule of 3" (6.2, rules 9 and 10): whether a closing run of `closer_len` (`closer_both`: it may also
/// open) may close an opening run of `opener_len` (`opener_both`: it may also close). Lengths are the runs' original
/// lengths. comrak applies it to every delimiter character, `~` included.
pub fn may_match(opener_len: usize, opener_both: bool, closer_len: usize, closer_both: bool) -> bool {
    let odd = (opener_both || closer_both)
        && (opener_len + closer_len) % 3 == 0
        && !(opener_len % 3 == 0 && closer_len % 3 == 0);
    !odd
}

/// comrak's `isspace` (ASCII whitespace), which its `$` rules use.
pub fn is_math_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0b' | '\x0c')
}

/// Whether a run of `len` dollars followed by `next` may open inline math (it opens when its closer follows).
pub fn dollars_may_open(len: usize, next: char) -> bool {
    match len {
        1 => !is_math_space(next),
        2 => true,
        _ => false,
    }
}

/// What a `$` seen inside open `$…$` math does, given the character before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SingleDollar {
    /// Escaped (`\$`): part of the math.
    Skipped,
    /// After whitespace: the math never opened; its opener is text.
    Fails,
    /// Closes the math, unless a digit follows (then the opener is text after all).
    ClosesUnlessDigit,
}

/// A `$` inside open `$…$` math, after `before`.
pub fn single_dollar(before: char) -> SingleDollar {
    if is_math_space(before) {
        SingleDollar::Fails
    } else if before == '\\' {
        SingleDollar::Skipped
    } else {
        SingleDollar::ClosesUnlessDigit
    }
}

/// Byte offsets at which each line of `text` starts (CR, LF and CRLF end lines, as in CommonMark); the last entry
/// is `text.len()` when the text ends with a line ending, so `len() - 1` complete lines precede it.
pub(super) fn line_starts(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut starts = vec![0];
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => starts.push(i + 1),
            b'\r' if bytes.get(i + 1) == Some(&b'\n') => {
                i += 1;
                starts.push(i + 1);
            }
            b'\r' => starts.push(i + 1),
            _ => {}
        }
        i += 1;
    }
    starts
}

/// A line that starts a link or footnote definition, as far as its first characters tell: `[…]:` within 3 columns.
pub(super) fn starts_definition(line: &str) -> bool {
    let trimmed = line.trim_start_matches(' ');
    line.len() - trimmed.len() <= 3 && trimmed.starts_with('[') && trimmed.contains("]:")
}

#[cfg(test)]
mod tests {
    use super::*;
    use CharClass::{Other, Punct, Space};

    #[test]
    fn flanking_follows_commonmark() {
        assert_eq!(delimiter_run(b'*', Space, Other), (true, false), "`*a` after a space opens");
        assert_eq!(delimiter_run(b'*', Other, Space), (false, true), "`a*` before a space closes");
        assert_eq!(delimiter_run(b'*', Other, Other), (true, true), "`a*b` may do both");
        assert_eq!(delimiter_run(b'_', Other, Other), (false, false), "`a_b` does neither");
        assert_eq!(delimiter_run(b'_', Punct, Other), (true, false), "`._a` opens");
        assert_eq!(delimiter_run(b'*', Space, Space), (false, false), "` * ` is text");
        assert_eq!(delimiter_run(b'*', Other, Punct), (false, true), "`a*.` closes");
    }

    #[test]
    fn the_rule_of_three_keeps_odd_runs_apart() {
        assert!(!may_match(1, true, 2, false), "`*` that may also close does not open for `**` (1 + 2 = 3)");
        assert!(may_match(1, false, 2, false), "a plain opener matches");
        assert!(may_match(3, true, 3, true), "both multiples of 3 match");
        assert!(!may_match(2, false, 1, true), "`**` is not closed by a `*` that may also open");
    }

    #[test]
    fn dollars_follow_comrak() {
        assert!(!dollars_may_open(1, ' '), "`$ ` opens nothing");
        assert!(dollars_may_open(1, 'a'));
        assert!(dollars_may_open(2, ' '), "`$$ ` may open display math");
        assert!(!dollars_may_open(3, 'a'), "three dollars are text");
        assert_eq!(single_dollar(' '), SingleDollar::Fails);
        assert_eq!(single_dollar('\\'), SingleDollar::Skipped);
        assert_eq!(single_dollar('a'), SingleDollar::ClosesUnlessDigit);
    }
}
