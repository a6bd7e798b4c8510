//! The words one patch takes off the screen and the words it puts on: the runtime check that shown text never
//! vanishes (`MarkdownStats::shown_text_losses`).
//!
//! [`super::diff::Differ`] reports to a [`ShownWords`] what each op removes (a text edit's old words, a replaced or
//! removed subtree) and what it adds (a text edit's new words, an appended or created subtree); appends cost a few
//! words and no walk of what stays, so the check costs about what the patch does. After the patch, a removed word is
//! lost unless the patch also put it on screen somewhere, whole or inside a longer word (`www.exa` grows into
//! `www.example.com`; `ab` may come back as `a` and an emphasised `b`). Words are read as a reader sees them:
//! split at whitespace, without ASCII punctuation (markup that speculation shows and takes back, `*a` → *a*, is no
//! word), footnote reference labels left out (`[^2]` becomes a number that later definitions may change).

use std::collections::HashSet;

use super::diff::{Mounted, MountedKind};
use super::Node;

/// The text one patch removed and added (read as words only when something was removed: most patches only add).
#[derive(Debug, Default)]
pub struct ShownWords {
    /// `[^label]` is a footnote reference (GFM), not words.
    footnotes: bool,
    removed: String,
    added: String,
}

impl ShownWords {
    pub fn new(footnotes: bool) -> ShownWords {
        ShownWords { footnotes, ..ShownWords::default() }
    }

    /// Ready for the next patch (keeps the buffers).
    pub fn clear(&mut self) {
        self.removed.clear();
        self.added.clear();
    }

    /// A text node's `old` text became `new`, the two sharing `prefix` leading and `suffix` trailing bytes: the
    /// words the edit touched (widened to whole words on both sides) were removed and added.
    pub fn text_edit(&mut self, old: &str, new: &str, prefix: usize, suffix: usize) {
        let (from, to) = word_span(old, prefix, old.len() - suffix);
        self.removed.push_str(&old[from..to]);
        self.removed.push(' ');
        let (from, to) = word_span(new, prefix, new.len() - suffix);
        self.added.push_str(&new[from..to]);
        self.added.push(' ');
    }

    /// Text appended to a text node that held `old`: the word it continues and the words after it were added.
    pub fn appended(&mut self, old: &str, new: &str) {
        let (from, _) = word_span(new, old.len(), old.len());
        self.added.push_str(&new[from..]);
        self.added.push(' ');
    }

    /// A subtree left the DOM.
    pub fn removed(&mut self, mounted: &Mounted) {
        mounted_text(mounted, &mut self.removed);
        self.removed.push(' ');
    }

    /// A subtree entered the DOM.
    pub fn added(&mut self, node: &Node) {
        node_text(node, &mut self.added);
        self.added.push(' ');
    }

    /// Whether a removed word is not on screen again: not added whole, nor inside an added run of text (added words
    /// joined without spaces, so a word split over nodes or grown longer is found).
    pub fn lost_a_word(&self) -> bool {
        let mut removed = Vec::new();
        read_words(&self.removed, self.footnotes, &mut removed);
        if removed.is_empty() {
            return false;
        }
        let mut added = Vec::new();
        read_words(&self.added, self.footnotes, &mut added);
        let whole: HashSet<&str> = added.iter().map(String::as_str).collect();
        let mut joined: Option<String> = None;
        removed.iter().filter(|word| !whole.contains(word.as_str())).any(|word| {
            let joined = joined.get_or_insert_with(|| added.concat());
            !joined.contains(word.as_str())
        })
    }
}

/// `from..to` of `text` widened to the whitespace (or the ends) around it.
fn word_span(text: &str, from: usize, to: usize) -> (usize, usize) {
    let from = text[..from].char_indices().rfind(|(_, c)| c.is_whitespace()).map_or(0, |(at, c)| at + c.len_utf8());
    let to = text[to..].find(char::is_whitespace).map_or(text.len(), |at| to + at);
    (from, to.max(from))
}

/// Appends the words of `text` to `out`: split at whitespace, ASCII punctuation dropped, footnote reference labels
/// (`[^label]`, with `footnotes`) skipped, empty words dropped.
fn read_words(text: &str, footnotes: bool, out: &mut Vec<String>) {
    let mut word = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if footnotes && c == '[' && chars.peek() == Some(&'^') {
            // The label, up to `]` or a space.
            while chars.next_if(|&c| c != ']' && !c.is_whitespace()).is_some() {}
            continue;
        }
        if c.is_whitespace() {
            if !word.is_empty() {
                out.push(std::mem::take(&mut word));
            }
        } else if !c.is_ascii_punctuation() {
            word.push(c);
        }
    }
    if !word.is_empty() {
        out.push(word);
    }
}

/// Whether an element is a footnote reference (`<sup class="footnote-ref">`): its number is no word.
fn is_footnote_reference(tag: &str, attrs: &[(&'static str, String)]) -> bool {
    tag == "sup" && attrs.iter().any(|(name, value)| *name == "class" && value == "footnote-ref")
}

/// Whether an element is inline (no word boundary at its edges).
fn is_inline(tag: &str) -> bool {
    matches!(tag, "a" | "em" | "strong" | "del" | "code" | "span" | "sup" | "sub" | "s" | "mark" | "ins" | "kbd")
}

/// An image shows its alt text in place of the picture (and it is the text of the image placeholder's pending
/// link before it): the same words.
fn push_alt(attrs: &[(&'static str, String)], out: &mut String) {
    if let Some((_, alt)) = attrs.iter().find(|(name, _)| *name == "alt") {
        out.push_str(alt);
    }
}

fn node_text(node: &Node, out: &mut String) {
    match node {
        Node::Text(text) => out.push_str(text),
        Node::RawHtml(html) => raw_html_text(html, out),
        Node::Element(el) if is_footnote_reference(el.tag, &el.attrs) => {}
        Node::Element(el) if el.tag == "img" => push_alt(&el.attrs, out),
        Node::Element(el) => {
            let boundary = !is_inline(el.tag);
            if boundary {
                out.push(' ');
            }
            el.children.iter().for_each(|child| node_text(child, out));
            if boundary {
                out.push(' ');
            }
        }
    }
}

fn mounted_text(mounted: &Mounted, out: &mut String) {
    match &mounted.kind {
        MountedKind::Text(text) => out.push_str(text),
        MountedKind::RawHtml(html) => raw_html_text(html, out),
        MountedKind::Element { tag, attrs, .. } if is_footnote_reference(tag, attrs) => {}
        MountedKind::Element { tag: "img", attrs, .. } => push_alt(attrs, out),
        MountedKind::Element { tag, children, .. } => {
            let boundary = !is_inline(tag);
            if boundary {
                out.push(' ');
            }
            children.iter().for_each(|child| mounted_text(child, out));
            if boundary {
                out.push(' ');
            }
        }
    }
}

/// The text of raw HTML between its tags; a character reference (`&gt;`) is punctuation or a space to a reader, so
/// it is read as a space when it is `&nbsp;` and dropped otherwise.
fn raw_html_text(html: &str, out: &mut String) {
    let mut in_tag = false;
    let mut reference = false;
    // Inside a footnote reference rendered into the raw HTML (its number is no word).
    let mut in_reference = false;
    for (at, c) in html.char_indices() {
        match c {
            '<' => {
                in_tag = true;
                let tag = &html[at..];
                if tag.starts_with("<sup class=\"footnote-ref\"") {
                    in_reference = true;
                } else if tag.starts_with("</sup>") {
                    in_reference = false;
                }
            }
            _ if in_reference && !in_tag => {}
            '>' if in_tag => in_tag = false,
            _ if in_tag => {}
            '&' => reference = true,
            ';' if reference => reference = false,
            c if reference && (c.is_ascii_alphanumeric() || c == '#') => {}
            c => {
                reference = false;
                out.push(c);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::patch::Element;

    fn text(t: &str) -> Node {
        Node::Text(t.to_owned())
    }

    #[test]
    fn a_word_removed_and_not_added_back_is_lost() {
        let mut words = ShownWords::new(true);
        words.text_edit("See the docs here", "See the ", 8, 0);
        assert!(words.lost_a_word(), "`docs here` went away and nothing brought it back");
    }

    #[test]
    fn a_word_that_moves_into_another_node_is_not_lost() {
        let mut words = ShownWords::new(true);
        // `a *b` shown as text, then as `a ` and an emphasised `b`.
        words.text_edit("a *b", "a ", 2, 0);
        words.added(&Node::Element(Element::new("em").child(text("b"))));
        assert!(!words.lost_a_word(), "`b` is still shown, in the emphasis");
    }

    #[test]
    fn a_word_that_grows_or_splits_over_nodes_is_not_lost() {
        let mut words = ShownWords::new(true);
        words.removed(&Mounted { id: 9, kind: MountedKind::Text("www.exa".into()) });
        words.added(&Node::Element(Element::new("a").child(text("www.example.com"))));
        words.removed(&Mounted { id: 10, kind: MountedKind::Text("ab".into()) });
        words.added(&text("a"));
        words.added(&Node::Element(Element::new("em").child(text("b"))));
        assert!(!words.lost_a_word(), "a grown word and a word split over nodes are still shown");
    }

    #[test]
    fn footnote_labels_and_numbers_are_no_words() {
        let mut words = ShownWords::new(true);
        words.text_edit("a claim[^2] more", "a claim", 7, 0);
        words.added(&Node::Element(Element::new("sup").attr("class", "footnote-ref").child(text("1"))));
        words.added(&text(" more"));
        assert!(!words.lost_a_word(), "the label `2` became a number; `more` is still shown");
        let mut commonmark = ShownWords::new(false);
        commonmark.text_edit("a [^2]", "a ", 2, 0);
        assert!(commonmark.lost_a_word(), "without footnotes `[^2]` is text");
    }

    #[test]
    fn appends_and_punctuation_lose_nothing() {
        let mut words = ShownWords::new(true);
        words.appended("the", "theory and");
        words.text_edit("**bo", "bo", 0, 2);
        assert!(!words.lost_a_word(), "markup punctuation is no word, and appends add");
        assert_eq!(words.added, "theory and bo ", "an append adds the word it continues");
    }

    #[test]
    fn edits_next_to_wide_whitespace_read_whole_words() {
        let mut words = ShownWords::new(true);
        // An em space (3 bytes) before the edit.
        let (old, new) = ("N =\u{2003}3530113 ×", "N =\u{2003}3530113 × 2");
        words.text_edit(old, new, old.len(), 0);
        assert!(!words.lost_a_word(), "nothing was removed");
        assert_eq!(words.added, "× 2 ", "the edit read the word it continues and the new one");
    }

    #[test]
    fn raw_html_is_read_between_its_tags() {
        let mut words = ShownWords::new(true);
        words.removed(&Mounted { id: 3, kind: MountedKind::RawHtml("<p>a &gt; <b>bold</b></p>".into()) });
        words.added(&text("a > bold"));
        assert!(!words.lost_a_word(), "the raw HTML showed `a` and `bold`");
        assert_eq!(
            words.removed.split_whitespace().collect::<Vec<_>>(),
            ["a", "bold"],
            "tags and references are no words"
        );
    }
}
