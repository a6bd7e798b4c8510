//! The cheapest render: plain text appended in place to the text node that ends the open block, with no parse.

use crate::markdown::leaf::{leaf_text, quote_line_ends_node, Leaf};
use crate::markdown::list::is_empty_item_marker;
use crate::markdown::resume::mounted_tag;
use crate::markdown::scan::{first_chars, is_plain, last_chars, starts_plainly};
use crate::markdown::IncrementalMarkdown;
use crate::patch::diff::{Differ, IdAllocator, MountedKind};
use crate::patch::PatchOp;

impl IncrementalMarkdown {
    /// The cheapest render: when the last render was exact and the new text is plain (it cannot start, end or change
    /// any construct), it is appended to the text node that ends the open block — no parse at all. Code in a fence
    /// takes any text whose lines cannot close the fence; inline text takes letters, digits, spaces and harmless
    /// punctuation, with trailing spaces held back (a paragraph's trailing spaces are not shown).
    pub(in crate::markdown) fn append_in_place(&mut self, ids: &mut IdAllocator, ops: &mut Vec<PatchOp>) -> bool {
        if !self.tail.exact || self.rendered_len >= self.src.len() || self.blocks.len() <= self.commit.blocks {
            return false;
        }
        let shown_line_start = self.line_start(self.rendered_len);
        let shown = &self.src[..self.rendered_len];
        let new_text = &self.src[self.rendered_len..];
        let Some((leaf, text_node)) = self.blocks.last_mut().and_then(leaf_text) else { return false };
        let MountedKind::Text(current) = &text_node.kind else { return false };
        // The text node must end where the source ends (it does not after a setext underline, an entity, …).
        let tail_of_node = last_chars(current, 48);
        let append = match leaf {
            Leaf::Code => match self.tail.open_fence.as_mut().and_then(|plan| plan.append(&self.src)) {
                Some(code) => {
                    // A held partial line of fence characters would show in a parse: the next render parses.
                    self.tail.exact = !self.tail.open_fence.as_ref().is_some_and(|plan| plan.holds_text(&self.src));
                    code
                }
                None => return false,
            },
            Leaf::Inline if self.tail.open_html.is_some() => {
                match self.tail.open_html.as_mut().and_then(|plan| plan.append(&self.src)) {
                    Some(text) => text,
                    None => return false,
                }
            }
            Leaf::Inline => {
                let before = shown.trim_end_matches(' ');
                let held = &shown[before.len()..];
                let last_shown = before.chars().next_back();
                if !new_text.chars().all(is_plain)
                    || !last_shown.is_some_and(is_plain)
                    || !(before.ends_with(tail_of_node) || quote_line_ends_node(&before[shown_line_start..], current))
                {
                    return false;
                }
                // From the start of the word the new text continues: every word it touches.
                // (Not before the resume point: a paragraph cut into segments shows a word's start apart from its end,
                // and a search through a word of megabytes with every chunk would be quadratic.)
                let lower = self.tail.resume.as_ref().map_or(self.commit.len, |r| r.at).min(shown.len());
                let word_start = shown[lower..]
                    .char_indices()
                    .rfind(|(_, c)| c.is_whitespace())
                    .map_or(lower, |(at, c)| lower + at + c.len_utf8());
                // The start of the line the text continues must be decided: `1` + `. ` makes a list item.
                let line_start = shown_line_start.max(self.commit.len);
                // An empty item's marker (`1. `) does not interrupt the paragraph it is in, but with text it does.
                // After its indentation and quote markers too: `   1` + `. ` makes an item just the same (only the
                // line's first characters decide: a long line is not read again for it).
                let line = &shown[line_start..];
                let content = line.trim_start_matches([' ', '\t', '>']);
                let content_undecided =
                    content.len() != line.len() && starts_plainly(first_chars(content, 64)).is_none();
                if starts_plainly(line).is_none() || content_undecided || is_empty_item_marker(line) {
                    return false;
                }
                // A `)` may close a link destination or title opened before it in the open text.
                if new_text.contains(')') {
                    let from = self.tail.resume.as_ref().map_or(self.commit.len, |r| r.at.max(self.commit.len));
                    if self.src[from..].contains("](") {
                        return false;
                    }
                }
                let word = self.src[word_start..].to_ascii_lowercase();
                if word.contains("www.") || word.contains("://") || word.contains('@') {
                    return false; // may become or extend an autolink
                }
                if word.contains(['<', '&']) {
                    // May become a tag (`</b` + `>`) or a character reference (`&amp` + `;`), which speculation
                    // hides while they are typed.
                    return false;
                }
                format!("{held}{new_text}").trim_end_matches(' ').to_owned()
            }
        };
        // (Not watched for lost words: an append takes nothing away.)
        Differ::new(ids, ops).append_text(text_node, &append);
        self.stats.appended_in_place += 1;
        self.tail.last_parse_key = None; // the DOM no longer shows what that parse read
        if leaf == Leaf::Inline && self.tail.open_html.is_none() {
            // After a commit the open paragraph has no scan yet: it starts at the commit point.
            let start = self.tail.settle.is_none().then_some(self.tail.paragraph_after_commit).flatten();
            let paragraph_start = start.or(self.tail.settle.as_ref().map(|s| s.start));
            self.paragraph_candidate(start, String::new());
            if self.blocks.last().is_some_and(|b| mounted_tag(b) == "p") {
                self.cut_paragraph_segment(paragraph_start, String::new());
            }
            match self.blocks.last().map(mounted_tag) {
                Some("blockquote") => self.nested_candidate(None, String::new(), false),
                Some("ul" | "ol") => self.nested_candidate(None, String::new(), true),
                _ => {}
            }
        }
        true
    }
}
