//! The line being typed inside block quotes (`> > text`) or a list item (`- text`): parsed alone after its container
//! markers, which rebuild the nesting.

use crate::markdown::leaf::{nested_leaf_point, quote_spine, LeafPoint};
use crate::markdown::list::{self, item_prefix, list_marker, loose_list_context};
use crate::markdown::resume::{mounted_tag, Boundary, Resume, Target};
use crate::markdown::scan::{quote_prefix, starts_plainly};
use crate::markdown::IncrementalMarkdown;
use crate::patch::diff::{Mounted, MountedKind};

impl IncrementalMarkdown {
    /// At the end of a line inside block quotes whose last block is a settled paragraph (`> > text`), the next line
    /// can be parsed alone: its quote markers rebuild the nesting, and its text continues the paragraph.
    pub(super) fn quote_candidate(&mut self, start: Option<usize>, defs: String) -> Option<Resume> {
        let defs = self.scan_settled(start, defs, true)?;
        // The paragraph must reach the last line: a line of quote markers alone ended it.
        let complete = self.src.trim_end_matches(['\n', '\r']);
        let last_line = &complete[self.line_start(complete.len())..];
        if last_line.trim_start_matches(['>', ' ', '\t']).is_empty() {
            return None;
        }
        // A line ending in a backslash or two spaces breaks the line before the next one: that is no plain join.
        if last_line.ends_with('\\') || last_line.ends_with("  ") || last_line.ends_with('\t') {
            return None;
        }
        let mut path = Vec::new();
        let mut level = self.blocks.last()?;
        loop {
            let MountedKind::Element { children, .. } = &level.kind else { return None };
            let index = children.len().checked_sub(1)?;
            let last = &children[index];
            path.push((index, 0));
            match mounted_tag(last) {
                "blockquote" => level = last,
                "p" => {
                    let MountedKind::Element { children, .. } = &last.kind else { return None };
                    let (kept, boundary) = match children.last() {
                        Some(Mounted { kind: MountedKind::Text(text), .. }) => {
                            (children.len() - 1, format!("{text}\n"))
                        }
                        _ => (children.len(), "\n".to_owned()),
                    };
                    return Some(Resume {
                        at: self.src.len(),
                        defs,
                        context: String::new(),
                        block_tag: "blockquote",
                        target: Target::Spine(path),
                        kept,
                        boundary: Some(Boundary::Copied(boundary)),
                        drop_first: 0,
                        tight: None,
                        lead_word: false,
                    });
                }
                _ => return None,
            }
        }
    }

    /// Inside the line being typed of a block quote's paragraph (`> > text`) or of a tight list's last item (`- text`),
    /// the rest of the line can be parsed alone after its last settled word, with the line's container markers as
    /// context: they rebuild the nesting, and the text continues the leaf (the quote's `<p>`, the item's `<li>`).
    /// `start` begins a quote's scan as in [`Self::quote_candidate`]; a list item's scan begins at its text, and only
    /// a render that parsed (`start` given) may begin one. Sets the resume point or a candidate, like
    /// [`Self::paragraph_candidate`].
    pub(super) fn nested_candidate(&mut self, start: Option<usize>, defs: String, list: bool) {
        let line_start = self.line_start(self.src.len());
        if line_start < self.commit.len {
            return;
        }
        let line = &self.src[line_start..];
        let Some((prefix_len, context, depth)) = (if list { item_prefix(line) } else { quote_prefix(line) }) else {
            return;
        };
        let content_start = line_start + prefix_len;
        if starts_plainly(&self.src[content_start..]) != Some(true) {
            return;
        }
        let scan_start = if list { start.map(|_| content_start) } else { start };
        let Some(defs) = self.scan_settled(scan_start, defs, !list) else { return };
        // A list item's text is scanned from its own start: an earlier item's open code span ended with that item.
        if list && self.tail.settle.as_ref().is_none_or(|s| s.start != content_start || s.quote) {
            return;
        }
        if !list && self.tail.settle.as_ref().is_none_or(|s| !s.quote) {
            return;
        }
        // The spine: through the quotes to their last paragraph, or to the list's last item — in a loose list its
        // paragraph (the item's first line, so its only child), in a nested list the last item of the last list.
        let Some(level) = self.blocks.last() else { return };
        let block_tag = mounted_tag(level);
        let (mut path, quotes, leaf_children, mut loose, nested) = if list {
            let Some(spine) = list::item_spine(level, self.tail.open_list_tight) else { return };
            (spine.path, 0, spine.leaf, spine.loose, spine.nested)
        } else {
            let Some(spine) = quote_spine(level) else { return };
            (spine.path, spine.quotes, spine.leaf, false, 0)
        };
        if !list && quotes != depth {
            return; // a lazy line, or markers that open a new quote
        }
        // A nested item parses under its parent items' markers, each with a dummy word (from the source: the nearest
        // item lines above with less indentation); a top-level item's marker starts within 3 columns.
        let context = if list && nested > 0 {
            let Some(ancestors) = self.ancestor_items(line_start, depth, nested) else { return };
            // A loose top-level list parses loose too, after a dummy first item.
            let Some(top_tight) = self.tail.open_list_tight else { return };
            let top_loose = !top_tight;
            match list_marker(&ancestors).filter(|_| top_loose) {
                Some(marker) => {
                    loose = true;
                    path[0].1 = 1;
                    format!("{}{ancestors}{context}", loose_list_context(marker))
                }
                None => format!("{ancestors}{context}"),
            }
        } else if list && depth > 3 {
            return;
        } else {
            context
        };
        // A loose item parses after a dummy first item that makes the list loose too.
        let context = match list_marker(&context).filter(|_| loose && nested == 0) {
            Some(marker) => format!("{}{context}", loose_list_context(marker)),
            None => context,
        };
        let resume_from = self.tail.resume.as_ref().map(|r| r.at);
        let Some(point) = nested_leaf_point(&self.src, content_start, leaf_children, resume_from) else { return };
        let resume_at = |at: usize, kept: usize, boundary: String| Resume {
            at,
            defs,
            context,
            block_tag,
            target: Target::Spine(path),
            kept,
            boundary: Some(Boundary::Copied(boundary)),
            drop_first: 0,
            tight: list.then_some(!loose),
            lead_word: false,
        };
        match point {
            LeafPoint::Candidate { at, kept, boundary } => self.tail.candidate = Some(resume_at(at, kept, boundary)),
            LeafPoint::Resume { at, kept, boundary } => {
                self.tail.resume = Some(resume_at(at, kept, boundary));
                self.tail.candidate = None;
            }
        }
    }
}
