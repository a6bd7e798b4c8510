//! The open paragraph: its settledness scan, where its next parse resumes (after its last settled word, or at a
//! line break), and its segments.

use crate::markdown::paragraph::{self, SEGMENT_BYTES};
use crate::markdown::scan::{is_plain, starts_plainly};
use crate::markdown::settle;
use crate::markdown::tail::ParagraphSettle;
use crate::markdown::IncrementalMarkdown;
use crate::patch::diff::{Mounted, MountedKind};

impl IncrementalMarkdown {
    /// The open paragraph (starting at `start`, or `None` when a resumed parse continues its scan): where its next
    /// parse may resume, and whether it is cut into segments.
    pub(super) fn paragraph_plan(
        &mut self,
        start: Option<usize>,
        open_defs: String,
        speculated: bool,
        shows_all_text: bool,
    ) {
        let paragraph_start = start.or(self.tail.settle.as_ref().map(|s| s.start));
        if !speculated {
            self.paragraph_candidate(start, open_defs.clone());
        }
        if shows_all_text {
            self.cut_paragraph_segment(paragraph_start, open_defs);
        }
    }

    /// Scans the open paragraph's new text for settledness. `start` is where the paragraph starts (a new scan
    /// begins there unless one for that start exists); `None` continues the current scan (a resumed parse starts
    /// mid-paragraph). Returns the paragraph's pre-block definitions when everything so far is settled.
    pub(super) fn scan_settled(&mut self, start: Option<usize>, defs: String, quote: bool) -> Option<String> {
        if let Some(start) = start {
            if self.tail.settle.as_ref().is_none_or(|s| s.start != start || s.quote != quote) {
                let state = settle::InlineSettle::new(self.opts.gfm, self.opts.gfm && self.opts.math);
                self.tail.settle = Some(ParagraphSettle {
                    start,
                    defs,
                    scanned: start,
                    has_pipe: false,
                    state,
                    quote,
                    line_start: true,
                    line_has_text: false,
                    after_cr: false,
                });
            }
        }
        let scan = self.tail.settle.as_mut()?;
        let new_text = &self.src[scan.scanned..];
        // A line with a pipe may yet become a table header when a delimiter row follows: that needs the whole line.
        scan.has_pipe |= self.opts.gfm && new_text.contains('|');
        if scan.quote {
            // Quote markers are not inline text (a `>` would end a `<…>` the scan thinks open), and a line of markers
            // alone ends the paragraph: what follows starts afresh.
            for c in new_text.chars() {
                let after_cr = std::mem::replace(&mut scan.after_cr, c == '\r');
                if c == '\n' && after_cr {
                    continue; // the second half of a CRLF
                }
                if c == '\n' || c == '\r' {
                    if scan.line_has_text {
                        scan.state.feed("\n");
                    } else {
                        scan.state = scan.state.fresh();
                    }
                    scan.line_start = true;
                    scan.line_has_text = false;
                    continue;
                }
                if scan.line_start && matches!(c, '>' | ' ' | '\t') {
                    continue;
                }
                scan.line_start = false;
                scan.line_has_text = true;
                let mut buf = [0u8; 4];
                scan.state.feed(c.encode_utf8(&mut buf));
            }
        } else {
            scan.state.feed(new_text);
        }
        scan.scanned = self.src.len();
        (!scan.has_pipe && scan.state.is_settled()).then(|| scan.defs.clone())
    }

    /// Scans the open paragraph's new text; when everything so far is settled and the text ends with one space, the
    /// next parse resumes at that space (behind a dummy word, so the rest never starts a block), or else at the start
    /// of a plain last word.
    pub(super) fn paragraph_candidate(&mut self, start: Option<usize>, defs: String) {
        let Some(defs) = self.scan_settled(start, defs, false) else { return };
        let Some(Mounted { kind: MountedKind::Element { tag: "p", children, .. }, .. }) = self.blocks.last() else {
            return;
        };
        let starts_with_bracket =
            self.tail.settle.as_ref().is_some_and(|s| self.src[s.start..].trim_start().starts_with('['));
        if starts_with_bracket
            || matches!(children.first(), Some(Mounted { kind: MountedKind::Text(t), .. }) if t.starts_with('['))
        {
            return; // may still turn out to be a link reference definition, which parses only as a whole
        }
        let last_text = match children.last() {
            Some(Mounted { kind: MountedKind::Text(text), .. }) => Some(text.as_str()),
            _ => None,
        };
        let line_start = self.line_start(self.src.len());
        let src = self.src.as_str();
        let paragraph_start = self.tail.settle.as_ref().map_or(0, |s| s.start);
        // The children kept before a resume, and the length of the last one's text before the resume point (the
        // resume reads it from the mounted node: it may be the whole paragraph).
        let kept = children.len() - usize::from(last_text.is_some());
        let boundary = || last_text.map(str::len);
        let single_space_at = |at: usize| src[..at].ends_with(' ') && !src[..at - 1].ends_with(char::is_whitespace);
        if src.ends_with('\n') {
            // At a line break: the next line parses after the dummy word as it does in place.
            let at = paragraph::line_break_at(src, paragraph_start);
            if let Some(at) = at.filter(|&at| self.tail.resume.as_ref().is_none_or(|r| r.at < at)) {
                self.tail.resume = Some(paragraph::lead_word_resume(at, kept, boundary(), defs));
                self.tail.candidate = None;
            }
            return;
        }
        // A continuation line whose start may be a block marker (`1. `, `- `) may yet interrupt the paragraph.
        if line_start > paragraph_start && starts_plainly(&src[line_start..]) != Some(true) {
            return;
        }
        if single_space_at(src.len()) {
            // Resume at the space.
            let at = src.len() - 1;
            if self.tail.resume.as_ref().is_none_or(|r| r.at < at) {
                self.tail.resume = Some(paragraph::lead_word_resume(at, kept, boundary(), defs));
                self.tail.candidate = None;
            }
            return;
        }
        // Resume at the start of the last word when it is plain text that ends the last text node (only after the
        // current resume point: a search back through a word of megabytes with every chunk would be quadratic).
        let lower = self.tail.resume.as_ref().map_or(paragraph_start, |r| r.at).min(src.len());
        let Some(word_at) = src[lower..].rfind(' ').map(|at| lower + at + 1) else { return };
        let word = &src[word_at..];
        let Some(text) = last_text else { return };
        if word_at < 2
            || !single_space_at(word_at)
            || !word.chars().all(is_plain)
            || starts_plainly(word) != Some(true)
            || !text.ends_with(word)
            || self.tail.resume.as_ref().is_some_and(|r| r.at >= word_at)
        {
            return;
        }
        self.tail.resume = Some(paragraph::word_resume(word_at, children.len() - 1, text.len() - word.len(), defs));
        self.tail.candidate = None;
    }

    /// Bounds how far back the open paragraph's parses reach. A paragraph resumes after its last settled word, but a
    /// construct that stays open (`[` never closed, a lone `_`, a word of 100 KB with no space) keeps it unsettled,
    /// and every render would parse it again from its start: quadratic work. Once the text since the resume point
    /// (or the paragraph's start) passes [`SEGMENT_BYTES`], what is shown is kept as it is, and later parses start at
    /// the end of the text, behind a dummy word (so nothing there starts a block) and a space: the paragraph is shown
    /// as segments parsed apart. CommonMark would let a late closer reach back into a kept segment (`*a [b ... c*`),
    /// so this is display only: a stitched paragraph never resumes its final parse, it ends with one parse of it
    /// whole (a blank line, an interrupting block, the end of input), which is the one-shot render. The work per
    /// render is bounded by the segment, plus one whole parse per paragraph.
    ///
    /// A segment is cut only where the last render showed every character it had (nothing held back that a later
    /// one would reveal), preferably after a space (a word split in two shows as two words until the end; a segment
    /// without any space is cut where it stands), never
    /// where a footnote reference or a table row is being typed (their parses need their whole text), and never
    /// inside a word that may be a URL (a tail of a URL parsed alone could become a link).
    pub(super) fn cut_paragraph_segment(&mut self, paragraph_start: Option<usize>, defs: String) {
        let Some(from) = self.tail.resume.as_ref().map(|r| r.at).or(paragraph_start) else { return };
        let src = self.src.as_str();
        let reach = src.len().saturating_sub(from);
        if reach < SEGMENT_BYTES || self.finished || self.blocks.len() != self.commit.blocks + 1 {
            return;
        }
        let at_space = src.ends_with(' ') && !src.ends_with("  ");
        let segment = &src[from..];
        let word_start = segment.rfind(char::is_whitespace).map_or(from, |at| from + at + 1);
        // After a space, or anywhere in a segment with none; else a space is waited for, for a while.
        let spaceless = word_start == from;
        if !at_space && !spaceless && reach < 2 * SEGMENT_BYTES {
            return;
        }
        let Some(Mounted { kind: MountedKind::Element { tag: "p", children, .. }, .. }) = self.blocks.last() else {
            return;
        };
        let line = &src[self.line_start(src.len()).max(from)..];
        let word = &src[word_start..];
        let url_like = word.contains("://") || word.contains("www.") || word.contains('@');
        let odd_url = url_like && word.contains(['[', ']', '(', ')', '<', '`', '\\']);
        if segment.contains("[^") || line.contains('|') || (!at_space && odd_url) {
            return;
        }
        let at = from + segment.trim_end_matches([' ', '\t', '\r', '\n']).len();
        if at <= from {
            return;
        }
        self.tail.resume = Some(paragraph::segment_resume(at, children.len(), defs));
        self.tail.candidate = None;
        self.tail.stitched = true;
        // The cut keeps every child shown, the last text node too: text appended in place to it would be parsed again
        // after the cut and shown twice. The next render parses, and later text continues the segment's own node.
        self.tail.exact = false;
        if let Some(scan) = self.tail.settle.as_mut() {
            // What the segments before hold open is given up on until the whole parse: the scan starts afresh.
            scan.state = scan.state.fresh();
            scan.scanned = at;
            scan.has_pipe = false;
        }
    }
}
