//! Serialises [`Node`] trees as HTML, byte for byte as comrak prints the same document.
//!
//! The trees hold no layout whitespace: the newlines comrak puts between block tags are generated here from per-tag
//! rules, with comrak's two primitives — *cr* (start a new line unless the output already ends with one) and *lf*
//! (write a newline). Newlines that are real inline text (soft breaks, the `\n` after `<br />`) are text nodes.
//!
//! Escaping follows comrak: text and attribute values escape `"&<>` (NUL becomes U+FFFD); the URL-carrying attributes
//! (`href`, `src`, `id`), whose values are already percent-encoded, also escape `'` as `&#x27;`; an empty `data-*`
//! attribute is written bare (`data-footnotes`), every other empty attribute as `name=""`.

use super::{Element, Node};

/// Serialises rendered nodes as comrak would print them.
pub fn to_html(nodes: &[Node]) -> String {
    to_html_iter(nodes)
}

/// Like [`to_html`], for nodes that are not in one slice (a document's blocks followed by its footnotes).
pub fn to_html_iter<'a>(nodes: impl IntoIterator<Item = &'a Node>) -> String {
    let mut w = Writer::default();
    for node in nodes {
        w.node(node);
    }
    w.out
}

/// Writes `text` with comrak's text escaping (`"&<>`, NUL as U+FFFD) onto `out`.
pub fn escape_text(out: &mut String, text: &str) {
    escape_into(out, text, false);
}

fn escape_into(out: &mut String, text: &str, apostrophe: bool) {
    let mut last = 0;
    for (i, b) in text.bytes().enumerate() {
        let rep = match b {
            b'"' => "&quot;",
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'\'' if apostrophe => "&#x27;",
            0 => "\u{FFFD}",
            _ => continue,
        };
        // `i` is at an ASCII byte, so both slices end on character boundaries.
        out.push_str(&text[last..i]);
        out.push_str(rep);
        last = i + 1;
    }
    out.push_str(&text[last..]);
}

/// Layout rules of a tag: where comrak starts a new line (cr) or writes one (lf) around its open and close tags.
#[derive(Clone, Copy, Default)]
struct Layout {
    cr_before_open: bool,
    lf_after_open: bool,
    cr_before_close: bool,
    lf_after_close: bool,
}

fn layout(tag: &str) -> Layout {
    let l = |a, b, c, d| Layout { cr_before_open: a, lf_after_open: b, cr_before_close: c, lf_after_close: d };
    match tag {
        "blockquote" | "table" => l(true, true, true, true),
        "ul" | "ol" | "section" => l(true, true, false, true),
        "p" | "li" | "pre" | "hr" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => l(true, false, false, true),
        "thead" => l(true, true, true, false),
        "tbody" => l(true, true, true, true),
        "tr" => l(true, false, true, false),
        "th" | "td" => l(true, false, false, false),
        _ => Layout::default(),
    }
}

fn is_void(tag: &str) -> bool {
    matches!(tag, "br" | "hr" | "img" | "input")
}

#[derive(Default)]
struct Writer {
    out: String,
}

impl Writer {
    /// Starts a new line unless at the start of the output or of a line (comrak's `cr`).
    fn cr(&mut self) {
        if !self.out.is_empty() && !self.out.ends_with('\n') {
            self.out.push('\n');
        }
    }

    fn node(&mut self, node: &Node) {
        match node {
            Node::Text(t) => escape_text(&mut self.out, t),
            Node::RawHtml(h) => {
                // The renderer ends an HTML block's literal with a newline, and inline HTML never ends with one (it
                // ends with `>`): that tells them apart. comrak puts an HTML block on lines of its own.
                let block = h.ends_with('\n');
                if block {
                    self.cr();
                }
                self.out.push_str(h);
                if block {
                    self.cr();
                }
            }
            Node::Element(e) => self.element(e),
        }
    }

    fn element(&mut self, e: &Element) {
        let lay = layout(e.tag);
        if lay.cr_before_open {
            self.cr();
        }
        self.out.push('<');
        self.out.push_str(e.tag);
        for (name, value) in &e.attrs {
            self.out.push(' ');
            self.out.push_str(name);
            if value.is_empty() && name.starts_with("data-") {
                continue;
            }
            self.out.push_str("=\"");
            escape_into(&mut self.out, value, matches!(*name, "href" | "src" | "id"));
            self.out.push('"');
        }
        if is_void(e.tag) {
            self.out.push_str(" />");
            if lay.lf_after_close {
                self.out.push('\n');
            }
            return;
        }
        self.out.push('>');
        if lay.lf_after_open {
            self.out.push('\n');
        }
        for child in &e.children {
            self.node(child);
        }
        // A footnote whose last block is not a paragraph ends with its back-references, on a line of their own.
        if e.tag == "li" && e.children.last().is_some_and(is_backref) {
            self.out.push('\n');
        }
        if lay.cr_before_close {
            self.cr();
        }
        self.out.push_str("</");
        self.out.push_str(e.tag);
        self.out.push('>');
        if lay.lf_after_close {
            self.out.push('\n');
        }
    }
}

fn is_backref(node: &Node) -> bool {
    matches!(node, Node::Element(e) if e.tag == "a" && e.attrs.iter().any(|(n, _)| *n == "data-footnote-backref"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::patch::Element;

    fn text(s: &str) -> Node {
        Node::Text(s.into())
    }

    #[test]
    fn escapes_text_and_attributes() {
        let a =
            Element::new("a").attr("href", "/a?b=1&c='x'").attr("title", "say \"hi\" & 'bye'").child(text("<&>\"'\0"));
        let p = Node::Element(Element::new("p").child(Node::Element(a)));
        assert_eq!(
            to_html(&[p]),
            "<p><a href=\"/a?b=1&amp;c=&#x27;x&#x27;\" title=\"say &quot;hi&quot; &amp; 'bye'\">&lt;&amp;&gt;&quot;'\u{FFFD}</a></p>\n",
            "should escape like comrak"
        );
    }

    #[test]
    fn lays_out_blocks_like_comrak() {
        let li = |s: &str| Node::Element(Element::new("li").child(text(s)));
        let ul = Node::Element(Element::new("ul").child(li("a")).child(li("b")));
        let quote = Node::Element(Element::new("blockquote").child(ul));
        let hr = Node::Element(Element::new("hr"));
        assert_eq!(to_html(&[quote, hr]), "<blockquote>\n<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n</blockquote>\n<hr />\n");
    }

    #[test]
    fn writes_bare_data_flags() {
        let s = Node::Element(Element::new("section").attr("class", "footnotes").attr("data-footnotes", ""));
        assert_eq!(to_html(&[s]), "<section class=\"footnotes\" data-footnotes>\n</section>\n");
        let input = Node::Element(Element::new("input").attr("type", "checkbox").attr("disabled", ""));
        assert_eq!(to_html(&[input]), "<input type=\"checkbox\" disabled=\"\" />");
    }
}
