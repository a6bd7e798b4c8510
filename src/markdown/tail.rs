//! What the engine knows of the open tail between renders: where the next parse may resume inside the open block
//! ([`Resume`], and a candidate waiting for the next characters to confirm it), the settledness scan of its open
//! paragraph, the fast paths its last parse allowed (plain text appended in place, an open fence's or HTML block's
//! lines), and the last parse itself (a parse of the same text from the same place would change nothing).

use super::fence::OpenFence;
use super::html_block::OpenHtmlBlock;
use super::resume::Resume;
use super::settle::InlineSettle;
use std::cell::RefCell;

#[derive(Debug, Default)]
pub(super) struct OpenTail {
    /// Where the next parse resumes inside the open block (see [`Resume`]).
    pub(super) resume: Option<Resume>,
    /// A resume point inside a quote line or list item, waiting for the next character to confirm it.
    pub(super) candidate: Option<Resume>,
    /// Settledness of the open paragraph's inline text.
    pub(super) settle: Option<ParagraphSettle>,
    /// The open paragraph is shown as segments parsed apart (see `IncrementalMarkdown::cut_paragraph_segment`): the
    /// DOM is not its parse as a whole, so it ends with a whole parse, never by a resumed one.
    pub(super) stitched: bool,
    /// The last render showed the source as it is (no speculation), so plain text may be appended in place.
    pub(super) exact: bool,
    /// The open block ends in an open fenced code block whose lines append in place (see `fence.rs`).
    pub(super) open_fence: Option<OpenFence>,
    /// The open block is an HTML block shown as text whose lines append in place (see `html_block.rs`).
    pub(super) open_html: Option<OpenHtmlBlock>,
    /// The looseness of the open list as its last parse showed it (`Some(true)`: tight). An item's DOM does not always
    /// show it (an item whose first line is empty holds no paragraph either way), so resumes inside the list take it
    /// from here.
    pub(super) open_list_tight: Option<bool>,
    /// The last parse committed blocks and left one open paragraph (not an HTML block shown as text), starting here.
    pub(super) paragraph_after_commit: Option<usize>,
    /// The last parse's last block is a paragraph (not an HTML block shown as text, which is a `<p>` too).
    pub(super) last_parse_ends_in_paragraph: bool,
    /// The text the last parse read, and where it started and whether it resumed inside the open block.
    pub(super) last_parse_text: String,
    pub(super) last_parse_key: Option<(usize, bool)>,
    /// The last `ancestor_items` answer, by (line start, indentation, depth, commit point).
    pub(super) ancestors: RefCell<Option<AncestorsAnswer>>,
}

impl OpenTail {
    /// Forgets where the next parse may resume (the open block changed under it, or was committed).
    pub(super) fn forget_resume_points(&mut self) {
        self.resume = None;
        self.candidate = None;
        self.settle = None;
    }

    /// Committed definitions reach later parses through the committed maps, not as text: the resume points' own
    /// definitions are dropped.
    pub(super) fn drop_own_definitions(&mut self) {
        for defs in [self.resume.as_mut().map(|r| &mut r.defs), self.candidate.as_mut().map(|r| &mut r.defs)]
            .into_iter()
            .chain([self.settle.as_mut().map(|s| &mut s.defs)])
            .flatten()
        {
            defs.clear();
        }
    }
}

/// An answer of `ancestor_items` and the question it answered.
pub(super) type AncestorsAnswer = ((usize, usize, usize, usize), Option<String>);

/// The settledness scan of the open paragraph, from its start.
#[derive(Debug, Clone)]
pub(super) struct ParagraphSettle {
    pub(super) start: usize,
    /// The open tail's own definitions before the paragraph (see [`Resume::defs`]).
    pub(super) defs: String,
    pub(super) scanned: usize,
    /// The paragraph has a `|`: it never resumes mid-line (see `paragraph_candidate`).
    pub(super) has_pipe: bool,
    pub(super) state: InlineSettle,
    /// The text is a block quote's: quote markers at line starts are skipped, a line of markers alone resets.
    pub(super) quote: bool,
    /// (Quote scans) at a line start, before its text; the line has text; the last character was a CR.
    pub(super) line_start: bool,
    pub(super) line_has_text: bool,
    pub(super) after_cr: bool,
}
