//! The open HTML block's plan, in the `text` html mode (the block is shown as a paragraph holding its source): an
//! HTML block that only a blank line ends (CommonMark's kinds 6 and 7: `<div>`, `<table>`, a lone tag…) takes every
//! later line as written, so its lines append to the shown source with no parse at all.
//!
//! - **Context**: where the block's source starts and how far the shown text reaches.
//! - **Fit check** ([`OpenHtmlBlock::append`]): no complete blank line (it ends the block), no CR (the parse decides
//!   how a line ending shows) and no NUL. A partial line of spaces alone shows nothing until it is known not to be
//!   blank.
//! - **Splice**: the new source is appended to the paragraph's text node (the block's source without its final line
//!   breaks, as the parse shows it).

/// The open HTML block that is the open block, and how much of its source the shown text holds.
#[derive(Debug, Clone)]
pub(super) struct OpenHtmlBlock {
    /// The shown text is the source up to this byte (from the block's start).
    shown_to: usize,
}

impl OpenHtmlBlock {
    /// The plan after a parse of `src` (the whole text so far) whose open block is an HTML block ended only by a blank
    /// line, starting at byte `start`, which the DOM shows as `shown`. `None` unless `shown` is the block's source as
    /// this plan reads it.
    pub(super) fn after_parse(src: &str, start: usize, shown: &str) -> Option<OpenHtmlBlock> {
        let source = src.get(start..)?;
        // A lone tag starts a block only once its line ends with nothing else on it (CommonMark's kind 7): while its
        // first line is typed, more text on it makes the block a paragraph.
        if !source.contains('\n') && !super::speculate::html_block_start(source.trim_start_matches(' '), false) {
            return None;
        }
        let shown_to = start + shown_len(source)?;
        (src[start..shown_to] == *shown).then_some(OpenHtmlBlock { shown_to })
    }

    /// The text that the source after what is shown adds (possibly nothing), or `None` when it does not fit (the block
    /// needs a parse; the plan is spent).
    pub(super) fn append(&mut self, src: &str) -> Option<String> {
        // The line that holds the end of the shown text has text before it: it is not blank, whatever follows.
        let new = src.get(self.shown_to..)?;
        let len = shown_len(new)?;
        let added = new[..len].to_owned();
        self.shown_to += len;
        Some(added)
    }
}

/// How much of `source` (a block's source from its start, or what follows a shown part that ends inside a line with
/// text) an HTML block ended by a blank line shows: all of it but its final line breaks and a partial last line of
/// spaces alone. `None` when a complete line in it is blank (the block ended there) or it holds a CR or NUL.
fn shown_len(source: &str) -> Option<usize> {
    if source.contains(['\r', '\0']) {
        return None;
    }
    let mut lines = source.split('\n');
    let partial = lines.next_back().unwrap_or("");
    // The first piece continues a line with text before it (or is the block's first line, which has text).
    if lines.skip(1).any(|line| line.trim_matches([' ', '\t']).is_empty()) {
        return None;
    }
    let mut len = source.len();
    if partial.trim_matches([' ', '\t']).is_empty() {
        len -= partial.len();
        // The line breaks before a blank partial line are not shown either (the parse trims them off the source).
        len = source[..len].trim_end_matches('\n').len();
    }
    Some(len)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::render::render;
    use crate::options::RenderOptions;

    /// The text of a one-shot render's first block (a paragraph holding an HTML block's source).
    fn shown(doc: &str) -> String {
        let html = render(doc, &RenderOptions::default()).to_html();
        let text = html.trim_start_matches("<p>").split("</p>").next().unwrap_or_default();
        text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&amp;", "&")
    }

    #[test]
    fn lines_of_an_html_block_append_as_comrak_shows_them() {
        let start = "<div>\n<span>a</span>\n";
        for more in ["<b>x", "  <i>y</i>\n", "  ", "  \t", "# not a heading\n```\n", "z  \n  w"] {
            let mut plan = OpenHtmlBlock::after_parse(start, 0, &shown(start)).expect("the plan should fit the parse");
            let whole = format!("{start}{more}");
            let added = plan.append(&whole).expect("the lines should fit");
            assert_eq!(format!("{}{added}", shown(start)), shown(&whole), "appending {more:?} should show the parse");
        }
    }

    #[test]
    fn a_lone_tag_whose_line_is_still_typed_needs_a_parse() {
        assert!(OpenHtmlBlock::after_parse("<b>", 0, "<b>").is_none(), "`<b>(` would be a paragraph");
        assert!(OpenHtmlBlock::after_parse("<div>", 0, "<div>").is_some(), "`<div>` starts a block whatever follows");
        assert!(OpenHtmlBlock::after_parse("<b>\nx", 0, "<b>\nx").is_some(), "a whole first line decided it");
    }

    #[test]
    fn a_blank_line_ends_the_html_block_and_needs_a_parse() {
        let start = "<div>\n<span>a</span>\n";
        for more in ["\n", "  \nx", "a\r\nb"] {
            let mut plan = OpenHtmlBlock::after_parse(start, 0, &shown(start)).unwrap();
            assert_eq!(plan.append(&format!("{start}{more}")), None, "{more:?} should need a parse");
        }
    }
}
