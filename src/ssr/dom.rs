//! The DOM the browser ends with, as plain data, and its serialisation as `Element.innerHTML` writes it.
//!
//! Three steps mirror what `src/web/apply.rs` does in the page:
//! - [`from_rendered`]: the renderer's [`Node`] trees become elements (HTML namespace, attributes in the order the ops
//!   set them) and text; raw HTML goes to a parser (the caller's: the browser's `DOMParser` there, html5ever here);
//! - [`build_allowed`]: the parsed nodes are rebuilt through [`crate::html_policy`] exactly as `apply.rs`'s walk
//!   (`build_children` / `build_element`) rebuilds them, image placeholders included;
//! - [`serialize`]: the HTML fragment serialisation algorithm of the HTML standard (what `innerHTML` returns).

use crate::html_policy::{self, ElementAction, Namespace};
use crate::options::{HtmlMode, ImagePolicy};
use crate::patch::Node;

/// A DOM node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DomNode {
    Element(DomElement),
    Text(String),
    Comment(String),
}

/// A DOM element: namespace, local name, attributes in order, children.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DomElement {
    pub ns: Namespace,
    /// The local name (the DOM's `localName`).
    pub name: String,
    pub attrs: Vec<DomAttr>,
    pub children: Vec<DomNode>,
}

/// An attribute: its namespace URI (`None` for the usual un-namespaced ones), local name and value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DomAttr {
    pub ns: Option<String>,
    pub name: String,
    pub value: String,
}

impl DomAttr {
    pub fn plain(name: &str, value: &str) -> DomAttr {
        DomAttr { ns: None, name: name.to_owned(), value: value.to_owned() }
    }
}

impl DomElement {
    pub fn html(name: &str) -> DomElement {
        DomElement { ns: Namespace::Html, name: name.to_owned(), attrs: Vec::new(), children: Vec::new() }
    }

    /// `getAttribute(name)` for an un-namespaced attribute.
    pub fn get_attribute(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|a| a.ns.is_none() && a.name == name).map(|a| a.value.as_str())
    }

    /// `setAttribute(name, value)`: replaces the value in place, or appends the attribute.
    pub fn set_attribute(&mut self, name: &str, value: &str) {
        match self.attrs.iter_mut().find(|a| a.ns.is_none() && a.name == name) {
            Some(existing) => value.clone_into(&mut existing.value),
            None => self.attrs.push(DomAttr::plain(name, value)),
        }
    }
}

/// The DOM the renderer's `nodes` build in the page, with `parse` reading raw HTML into the nodes of a parsed
/// `<body>` (before any policy: [`build_allowed`] applies it, as the page's walk does).
pub fn from_rendered(
    nodes: &[Node],
    mode: HtmlMode,
    images: &ImagePolicy,
    parse: &mut dyn FnMut(&str) -> Vec<DomNode>,
) -> Vec<DomNode> {
    let mut out = Vec::new();
    for node in nodes {
        match node {
            Node::Text(text) => out.push(DomNode::Text(text.clone())),
            Node::Element(e) => {
                let mut element = DomElement::html(e.tag);
                for (name, value) in &e.attrs {
                    element.set_attribute(name, value);
                }
                element.children = from_rendered(&e.children, mode, images, parse);
                out.push(DomNode::Element(element));
            }
            // The page shows raw HTML as text where it may not parse it; in text mode the renderer emits none.
            Node::RawHtml(html) if mode == HtmlMode::Text => out.push(DomNode::Text(html.clone())),
            Node::RawHtml(html) => out.extend(build_allowed(&parse(html), mode, images)),
        }
    }
    out
}

/// What the page's walk builds from parsed nodes under `mode` (see `DomApplier::build_children`).
pub fn build_allowed(parsed: &[DomNode], mode: HtmlMode, images: &ImagePolicy) -> Vec<DomNode> {
    let mut out = Vec::new();
    for node in parsed {
        match node {
            DomNode::Text(text) => out.push(DomNode::Text(text.clone())),
            // Comments are harmless and the one-shot HTML keeps them; sanitize mode drops them as GitHub does.
            DomNode::Comment(text) if mode == HtmlMode::Trusted => out.push(DomNode::Comment(text.clone())),
            DomNode::Comment(_) => {}
            DomNode::Element(element) => {
                let mut action = html_policy::element_action(mode, element.ns, &element.name);
                if element.ns == Namespace::Html
                    && element.name == "input"
                    && !html_policy::input_allowed(mode, element.get_attribute("type"))
                {
                    action = ElementAction::Drop;
                }
                match action {
                    ElementAction::Drop => {}
                    ElementAction::Unwrap => out.extend(build_allowed(&element.children, mode, images)),
                    ElementAction::Keep => {
                        let Some((mut copy, walk)) = build_element(element, mode, images) else { continue };
                        if walk {
                            copy.children = build_allowed(&element.children, mode, images);
                        }
                        out.push(DomNode::Element(copy));
                    }
                }
            }
        }
    }
    out
}

/// The element the page's walk makes for parsed `element` (see `DomApplier::build_element`) and whether its
/// children are walked into it; `None` when `createElementNS` would refuse the name.
fn build_element(element: &DomElement, mode: HtmlMode, images: &ImagePolicy) -> Option<(DomElement, bool)> {
    let name = element.name.as_str();
    if element.ns == Namespace::Html && name == "img" {
        let src = element.get_attribute("src");
        let allowed_src = src.and_then(|src| html_policy::attribute_value(mode, "img", "src", src));
        let fetch = allowed_src.as_deref().is_some_and(|src| html_policy::image_fetch_allowed(mode, src, images));
        if !fetch && mode == HtmlMode::Sanitize {
            let (attrs, label) =
                html_policy::image_placeholder(src, element.get_attribute("alt"), element.get_attribute("title"));
            let mut span = DomElement::html("span");
            for (name, value) in attrs {
                span.set_attribute(name, &value);
            }
            span.children.push(DomNode::Text(label));
            // The placeholder's only child is its label: nothing of the image is walked into it.
            return Some((span, false));
        }
    }
    // As the page's walk: an HTML element keeps its whole name (`createElement`); a foreign one with a colon in its
    // name is skipped with its content (`createElementNS` would split it, and browsers serialise that differently).
    if element.ns != Namespace::Html && name.contains(':') {
        return None;
    }
    let mut copy = DomElement { ns: element.ns, name: name.to_owned(), attrs: Vec::new(), children: Vec::new() };
    for attribute in &element.attrs {
        let Some(value) = html_policy::attribute_value(mode, name, &attribute.name, &attribute.value) else {
            continue;
        };
        match &attribute.ns {
            // `setAttribute` skips (throws on) a name it refuses.
            None if valid_attribute_name(&attribute.name) => copy.set_attribute(&attribute.name, &value),
            None => {}
            Some(uri) => {
                let existing = copy.attrs.iter_mut().find(|a| a.ns.as_deref() == Some(uri) && a.name == attribute.name);
                match existing {
                    Some(existing) => existing.value = value,
                    None => copy.attrs.push(DomAttr { ns: Some(uri.clone()), name: attribute.name.clone(), value }),
                }
            }
        }
    }
    let has_href = copy.get_attribute("href").is_some();
    if let Some(rel) = html_policy::forced_link_rel(mode, name, has_href) {
        copy.set_attribute("rel", rel);
    }
    Some((copy, true))
}

/// Whether `setAttribute` accepts `name` (the DOM standard's "valid attribute local name": not empty, and no ASCII
/// whitespace, NULL, `/`, `=` or `>`).
fn valid_attribute_name(name: &str) -> bool {
    !name.is_empty() && !name.chars().any(|c| matches!(c, '\t' | '\n' | '\x0c' | '\r' | ' ' | '\0' | '/' | '=' | '>'))
}

/// Elements written without children or an end tag (the HTML namespace only).
const VOID_ELEMENTS: &[&str] = &[
    "area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "img", "input", "keygen", "link",
    "meta", "param", "source", "track", "wbr",
];

/// Elements whose text is written unescaped (in a page with scripting on, `noscript` too).
const RAW_TEXT_PARENTS: &[&str] = &["style", "script", "xmp", "iframe", "noembed", "noframes", "plaintext", "noscript"];

const XML_URI: &str = "http://www.w3.org/XML/1998/namespace";
const XMLNS_URI: &str = "http://www.w3.org/2000/xmlns/";
const XLINK_URI: &str = "http://www.w3.org/1999/xlink";

/// The children `nodes` of a container, as its `innerHTML` returns them.
pub fn serialize(nodes: &[DomNode]) -> String {
    let mut out = String::new();
    serialize_children(&mut out, nodes, false);
    out
}

fn serialize_children(out: &mut String, nodes: &[DomNode], raw_text: bool) {
    for node in nodes {
        match node {
            DomNode::Text(text) if raw_text => out.push_str(text),
            DomNode::Text(text) => escape(out, text, false),
            DomNode::Comment(text) => {
                out.push_str("<!--");
                out.push_str(text);
                out.push_str("-->");
            }
            DomNode::Element(element) => serialize_element(out, element),
        }
    }
}

fn serialize_element(out: &mut String, element: &DomElement) {
    // Elements of the HTML, SVG and MathML namespaces are written by local name (the only namespaces built).
    let tag = &element.name;
    out.push('<');
    out.push_str(tag);
    for attribute in &element.attrs {
        out.push(' ');
        match attribute.ns.as_deref() {
            None => {}
            Some(XML_URI) => out.push_str("xml:"),
            Some(XMLNS_URI) if attribute.name == "xmlns" => {}
            Some(XMLNS_URI) => out.push_str("xmlns:"),
            Some(XLINK_URI) => out.push_str("xlink:"),
            // The HTML parser makes no other namespaced attribute.
            Some(_) => {}
        }
        out.push_str(&attribute.name);
        out.push_str("=\"");
        escape(out, &attribute.value, true);
        out.push('"');
    }
    out.push('>');
    let html = element.ns == Namespace::Html;
    if html && VOID_ELEMENTS.contains(&element.name.as_str()) {
        return;
    }
    let raw_text = html && RAW_TEXT_PARENTS.contains(&element.name.as_str());
    serialize_children(out, &element.children, raw_text);
    out.push_str("</");
    out.push_str(tag);
    out.push('>');
}

/// The standard's "escaping a string": `&`, U+00A0, `<` and `>`, and `"` in attribute mode (browsers escape `<` and
/// `>` in attribute values too since 2025: Chromium 138, Firefox 140).
fn escape(out: &mut String, text: &str, attribute: bool) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '\u{a0}' => out.push_str("&nbsp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn element(name: &str, attrs: &[(&str, &str)], children: Vec<DomNode>) -> DomNode {
        let mut e = DomElement::html(name);
        for (n, v) in attrs {
            e.set_attribute(n, v);
        }
        e.children = children;
        DomNode::Element(e)
    }

    #[test]
    fn serializes_as_inner_html_does() {
        let nodes = vec![
            element("p", &[("title", "a\"b<c>&\u{a0}")], vec![DomNode::Text("x < y & z > w\u{a0}".into())]),
            element("br", &[], vec![]),
            element("style", &[], vec![DomNode::Text("a > b { }".into())]),
            DomNode::Comment(" c ".into()),
        ];
        assert_eq!(
            serialize(&nodes),
            "<p title=\"a&quot;b&lt;c&gt;&amp;&nbsp;\">x &lt; y &amp; z &gt; w&nbsp;</p><br><style>a > b { }</style><!-- c -->",
            "should escape text and attributes, write void elements bare and style text raw"
        );
    }

    #[test]
    fn sanitize_walk_unwraps_drops_and_forces_rel() {
        let parsed = vec![element(
            "font",
            &[],
            vec![
                element("a", &[("href", "https://x.test/"), ("onclick", "x()"), ("rel", "opener")], vec![]),
                element("script", &[], vec![DomNode::Text("alert(1)".into())]),
                element("img", &[("src", "https://evil.test/i.png"), ("alt", "cat")], vec![]),
            ],
        )];
        let built = build_allowed(&parsed, HtmlMode::Sanitize, &ImagePolicy::Block);
        assert_eq!(
            serialize(&built),
            "<a href=\"https://x.test/\" rel=\"noopener noreferrer\"></a>\
             <span class=\"rillmark-image\" data-src=\"https://evil.test/i.png\">cat</span>",
            "font is unwrapped, the handler and the script dropped, rel forced in place, the image a placeholder"
        );
    }
}
