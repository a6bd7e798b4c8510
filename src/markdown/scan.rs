//! The character checks that decide what an inline delimiter can do, in one place: the settledness scan
//! ([`super::settle`]) and speculation ([`super::speculate`]) both read delimiter runs through these, so that they
//! cannot disagree with each other (or drift apart from comrak) on what opens and what closes. Line checks shared
//! by the engine, speculation and the renderer live here too (line starts, a definition's first characters, whether a
//! line's start may begin a block, indentation, blank lines).
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

/// The first line of `text`, without its ending.
pub(super) fn first_line(text: &str) -> &str {
    text.split(['\n', '\r']).next().unwrap_or("")
}

/// At most the first `n` bytes of `text`, on a character boundary (less decides nothing that more would not: a
/// line cut short reads as incomplete).
pub(super) fn first_chars(text: &str, n: usize) -> &str {
    let mut end = n.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// At most the last `n` bytes of `text`, on a character boundary.
pub(super) fn last_chars(text: &str, n: usize) -> &str {
    let mut start = text.len().saturating_sub(n);
    while !text.is_char_boundary(start) {
        start += 1;
    }
    &text[start..]
}

/// Whether `text` has a complete blank line (only spaces or tabs) after a line break; CR, LF and CRLF end lines.
pub(super) fn has_blank_line(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut line_start = None; // the start of the current line, once a break came before it
    let mut i = 0;
    while i < bytes.len() {
        if matches!(bytes[i], b'\n' | b'\r') {
            if line_start.is_some_and(|start| text[start..i].trim().is_empty()) {
                return true;
            }
            if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
                i += 1;
            }
            line_start = Some(i + 1);
        }
        i += 1;
    }
    false
}

/// Characters that cannot open, close or change any markdown construct when they continue a line of plain text.
pub(super) fn is_plain(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, ' ' | ',' | '.' | '?' | '\'' | '"' | '(' | ')' | '-' | '/' | '%' | '+' | '=')
}

/// Whether paragraph text resumed at the start of `rest` parses alone as it does in place: `Some(true)` when its
/// first line cannot start a block (a list item, heading, quote, fence, rule, HTML block or link definition),
/// `Some(false)` when it may, `None` when too little has arrived to tell.
pub(super) fn starts_plainly(rest: &str) -> Option<bool> {
    if rest.starts_with(char::is_alphabetic) {
        // A letter starts no block: decided without looking for the line's end (the most common case, asked about
        // the open line with every chunk).
        return Some(true);
    }
    // The answer lies in the line's first characters (a marker, a run, a label of at most 999): only they are read,
    // so asking about a line of 50 KB costs no more than about a short one (it is asked with every chunk).
    let mut window = rest.len().min(1024);
    while !rest.is_char_boundary(window) {
        window -= 1;
    }
    // (By bytes: a line break is ASCII, never inside a character, and a byte search does not decode each character.)
    let line_len = rest.as_bytes()[..window].iter().position(|&b| b == b'\n' || b == b'\r').unwrap_or(window);
    let line = &rest[..line_len];
    // Complete: a line break follows, or the line goes on past what is read (its start is known either way).
    let complete = line.len() < rest.len();
    let mut chars = line.chars();
    let Some(first) = chars.next() else { return if complete { Some(false) } else { None } };
    let run = 1 + chars.clone().take_while(|&c| c == first).count();
    let after_run = line.chars().nth(run);
    let decide = |ok: bool| Some(ok);
    let need = |next: Option<char>| if next.is_none() && !complete { None } else { Some(next) };
    match first {
        c if c.is_alphabetic() => decide(true),
        ' ' | '\t' | '>' | '<' | '|' => decide(false),
        // A line of `=` alone underlines the paragraph above as a heading.
        '=' => match line[run..].trim_end_matches([' ', '\t']) {
            "" if complete => decide(false),
            "" => None,
            _ => decide(true),
        },
        '0'..='9' => {
            let digits = line.chars().take_while(char::is_ascii_digit).count();
            match need(line.chars().nth(digits))? {
                Some('.' | ')') => decide(!matches!(need(line.chars().nth(digits + 1))?, None | Some(' ' | '\t'))),
                _ => decide(true),
            }
        }
        '*' | '_' | '~' | '`' | '-' | '+' | '#' => {
            let next = need(after_run)?;
            let block_marker = match first {
                '*' | '-' | '+' => run >= 2 || matches!(next, None | Some(' ' | '\t')),
                '#' => run <= 6 && matches!(next, None | Some(' ' | '\t')),
                _ => run >= 3 || (first == '_' && next.is_none()),
            };
            decide(!block_marker)
        }
        '[' => match line.find(']') {
            // `[label]:` at the start of a paragraph is a link reference definition.
            Some(close) => decide(need(line[close + 1..].chars().next())? != Some(':')),
            None if line.len() > 200 || complete => decide(false),
            None => None,
        },
        _ => decide(true),
    }
}

/// Whether text resumed inside a nested leaf (after container markers as context) parses as it does in place: it
/// must start plainly, and with a letter or digit (`[ ] x` after a list marker would make a task item).
pub(super) fn resumes_nested(rest: &str) -> bool {
    rest.starts_with(|c: char| c.is_alphanumeric()) && starts_plainly(rest) == Some(true)
}

/// The quote markers that start `line` (`> > `, at the margin, spaces only): their length, the context that rebuilds
/// them (`> ` per level) and their count.
pub(super) fn quote_prefix(line: &str) -> Option<(usize, String, usize)> {
    if !line.starts_with('>') {
        return None;
    }
    let len = line.len() - line.trim_start_matches(['>', ' ']).len();
    let depth = line[..len].matches('>').count();
    Some((len, "> ".repeat(depth), depth))
}

/// How many columns of indentation start `line` (tabs to the next multiple of 4).
pub(super) fn indent_columns(line: &str) -> usize {
    let mut columns = 0;
    for c in line.chars() {
        match c {
            ' ' => columns += 1,
            '\t' => columns += 4 - columns % 4,
            _ => break,
        }
    }
    columns
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
