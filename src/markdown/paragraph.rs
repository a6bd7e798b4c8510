//! The open paragraph's resume plan: where the next parse of a paragraph may start inside it, and the context that
//! makes the isolated parse read as the paragraph does in place. Whether the text before a resume point is settled
//! (no construct open that later text may close) is `settle.rs`'s; the engine asks it first.
//!
//! - **After a plain last word** ([`word_resume`]): the parse starts at the word, which continues the last text node.
//! - **At a single space or a line break** ([`lead_word_resume`], [`line_break_at`]): the parse starts there behind
//!   the dummy word `x`, which keeps the rest from starting a block (at a line break, a block that interrupts the
//!   paragraph starts after it, as in place). A line that changes the paragraph itself (a setext underline, a table's
//!   delimiter row) makes the parse's first block no paragraph: it does not fit, and the paragraph is parsed whole.
//! - **At a segment cut** ([`segment_resume`], [`SEGMENT_BYTES`]): a paragraph that stays unsettled is shown as
//!   segments parsed apart, and ends with one parse of it whole.
//!
//! The splice of each is the resume's: the parsed children follow the kept ones, the first parsed text joined to the
//! kept text the resume point split (see `resume.rs`).

use super::resume::{Boundary, Resume, Target, STITCH_CONTEXT};

/// How much of an open paragraph a render may parse again before what is shown is kept as a segment (see
/// `IncrementalMarkdown::cut_paragraph_segment`).
pub(super) const SEGMENT_BYTES: usize = 512;

/// The resume at the start of a plain last word at byte `at`, which continues the first `boundary_len` bytes of the
/// paragraph's last text node (child `kept`).
pub(super) fn word_resume(at: usize, kept: usize, boundary_len: usize, defs: String) -> Resume {
    Resume {
        at,
        defs,
        context: String::new(),
        block_tag: "p",
        target: Target::Block,
        kept,
        boundary: Some(Boundary::Mounted(boundary_len)),
        drop_first: 0,
        tight: None,
        lead_word: false,
    }
}

/// The resume at byte `at` (a single space, or a line break), behind the dummy word `x`; the parsed text continues the
/// paragraph's last text node (child `kept`), of `boundary_len` bytes (`None` when its last child is no text).
pub(super) fn lead_word_resume(at: usize, kept: usize, boundary_len: Option<usize>, defs: String) -> Resume {
    Resume {
        boundary: boundary_len.map(Boundary::Mounted),
        context: "x".to_owned(),
        lead_word: true,
        ..word_resume(at, kept, 0, defs)
    }
}

/// The resume at a segment cut at byte `at`, after all `kept` children shown.
pub(super) fn segment_resume(at: usize, kept: usize, defs: String) -> Resume {
    Resume { boundary: None, context: STITCH_CONTEXT.to_owned(), lead_word: true, ..word_resume(at, kept, 0, defs) }
}

/// Where a paragraph resumes when `src` ends with a line break: at the break (its CR too), unless it is a hard one (two
/// spaces, a backslash), it ends a blank line, or it is not past the paragraph's start.
pub(super) fn line_break_at(src: &str, paragraph_start: usize) -> Option<usize> {
    let line = src.strip_suffix('\n')?;
    let line = line.strip_suffix('\r').unwrap_or(line);
    let hard_break = line.ends_with([' ', '\t', '\\', '\n', '\r']);
    (!hard_break && line.len() > paragraph_start).then_some(line.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_paragraph_resumes_at_a_soft_line_break_only() {
        assert_eq!(line_break_at("a\nb\n", 0), Some(3));
        assert_eq!(line_break_at("a\r\nb\r\n", 0), Some(4), "before the CR of a CRLF");
        assert_eq!(line_break_at("a  \n", 0), None, "two spaces make a hard break");
        assert_eq!(line_break_at("a\\\n", 0), None, "so does a backslash");
        assert_eq!(line_break_at("a\n\n", 0), None, "a blank line ends the paragraph");
        assert_eq!(line_break_at("a\nb", 0), None, "no line break at the end");
    }
}
