//! Raw HTML parsed as the browser's `DOMParser` parses it (cargo feature `server`): html5ever runs the HTML
//! standard's tokenizer and tree construction into a small tree of our own (`Sink`), and the `<body>`'s children
//! come out as [`DomNode`]s.
//!
//! The input is what `src/web/apply.rs` hands `DOMParser.parseFromString(…, "text/html")`: `<!DOCTYPE html><body>`
//! and the raw HTML (no quirks mode; leading `<style>` or `<title>` stay in the body). A `DOMParser` document has
//! scripting off, so `<noscript>` content parses as markup there, and here.

use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use html5ever::interface::{ElementFlags, NodeOrText, QuirksMode, TreeSink};
use html5ever::tendril::{StrTendril, TendrilSink};
use html5ever::tree_builder::TreeBuilderOpts;
use html5ever::{ns, Attribute, ParseOpts, QualName};

use super::dom::{DomAttr, DomElement, DomNode};
use crate::html_policy::Namespace;

/// The nodes of the parsed `<body>` for `html`, as the page's `DOMParser` builds them.
pub fn parse_body(html: &str) -> Vec<DomNode> {
    let mut source = String::with_capacity(html.len() + 21);
    source.push_str("<!DOCTYPE html><body>");
    source.push_str(html);
    let opts = ParseOpts {
        tree_builder: TreeBuilderOpts { scripting_enabled: false, ..TreeBuilderOpts::default() },
        ..ParseOpts::default()
    };
    let document = html5ever::parse_document(Sink::default(), opts).one(source);
    let html_element = document.children.borrow().iter().find(|n| n.is_element_named("html")).cloned();
    let body =
        html_element.and_then(|html| html.children.borrow().iter().find(|n| n.is_element_named("body")).cloned());
    body.map_or_else(Vec::new, |body| to_dom_children(&body))
}

/// The children of `node` as [`DomNode`]s, without recursion (the parser nests deeply).
fn to_dom_children(node: &Handle) -> Vec<DomNode> {
    // Each frame: the source nodes left to convert, and the converted siblings so far.
    struct Frame {
        pending: std::vec::IntoIter<Handle>,
        done: Vec<DomNode>,
        element: Option<DomElement>,
    }
    let mut stack =
        vec![Frame { pending: node.children.borrow().clone().into_iter(), done: Vec::new(), element: None }];
    loop {
        let top = stack.last_mut().expect("the root frame is popped last");
        match top.pending.next() {
            Some(child) => match &child.data {
                Data::Text(text) => top.done.push(DomNode::Text(text.borrow().to_string())),
                Data::Comment(text) => top.done.push(DomNode::Comment(text.to_string())),
                Data::Document => {}
                Data::Element { name, attrs, template_contents } => {
                    let element = DomElement {
                        ns: match name.ns {
                            ns!(html) => Namespace::Html,
                            ns!(svg) => Namespace::Svg,
                            ns!(mathml) => Namespace::MathMl,
                            _ => Namespace::Other,
                        },
                        name: name.local.to_string(),
                        attrs: attrs
                            .borrow()
                            .iter()
                            .map(|a| DomAttr {
                                ns: (!a.name.ns.is_empty()).then(|| a.name.ns.to_string()),
                                name: a.name.local.to_string(),
                                value: a.value.to_string(),
                            })
                            .collect(),
                        children: Vec::new(),
                    };
                    // A template's children are its content (dropped by every policy; walked for completeness).
                    let source = template_contents.as_ref().unwrap_or(&child);
                    let pending = source.children.borrow().clone().into_iter();
                    stack.push(Frame { pending, done: Vec::new(), element: Some(element) });
                }
            },
            None => {
                let frame = stack.pop().expect("a frame is on the stack");
                match (frame.element, stack.last_mut()) {
                    (Some(mut element), Some(parent)) => {
                        element.children = frame.done;
                        parent.done.push(DomNode::Element(element));
                    }
                    _ => return frame.done,
                }
            }
        }
    }
}

type Handle = Rc<SinkNode>;

enum Data {
    Document,
    Element { name: QualName, attrs: RefCell<Vec<Attribute>>, template_contents: Option<Handle> },
    Text(RefCell<StrTendril>),
    Comment(StrTendril),
}

struct SinkNode {
    data: Data,
    parent: Cell<Option<Weak<SinkNode>>>,
    children: RefCell<Vec<Handle>>,
}

impl SinkNode {
    fn new(data: Data) -> Handle {
        Rc::new(SinkNode { data, parent: Cell::new(None), children: RefCell::new(Vec::new()) })
    }

    fn is_element_named(&self, local: &str) -> bool {
        matches!(&self.data, Data::Element { name, .. } if name.ns == ns!(html) && &*name.local == local)
    }

    fn parent(&self) -> Option<Handle> {
        let weak = self.parent.take();
        let parent = weak.as_ref().and_then(Weak::upgrade);
        self.parent.set(weak);
        parent
    }
}

/// Detaches `node` from its parent.
fn detach(node: &Handle) {
    if let Some(parent) = node.parent() {
        parent.children.borrow_mut().retain(|c| !Rc::ptr_eq(c, node));
    }
    node.parent.set(None);
}

/// Appends `child` to `parent`; text merges into a text node that ends `parent` (as the standard inserts text).
fn append_to(parent: &Handle, child: NodeOrText<Handle>) {
    match child {
        NodeOrText::AppendText(text) => {
            if let Some(last) = parent.children.borrow().last() {
                if let Data::Text(existing) = &last.data {
                    existing.borrow_mut().push_tendril(&text);
                    return;
                }
            }
            let node = SinkNode::new(Data::Text(RefCell::new(text)));
            node.parent.set(Some(Rc::downgrade(parent)));
            parent.children.borrow_mut().push(node);
        }
        NodeOrText::AppendNode(node) => {
            detach(&node);
            node.parent.set(Some(Rc::downgrade(parent)));
            parent.children.borrow_mut().push(node);
        }
    }
}

struct Sink {
    document: Handle,
}

impl Default for Sink {
    fn default() -> Self {
        Sink { document: SinkNode::new(Data::Document) }
    }
}

impl TreeSink for Sink {
    type Handle = Handle;
    type Output = Handle;
    type ElemName<'a> = &'a QualName;

    fn finish(self) -> Handle {
        self.document
    }

    fn parse_error(&self, _msg: Cow<'static, str>) {}

    fn get_document(&self) -> Handle {
        self.document.clone()
    }

    fn elem_name<'a>(&'a self, target: &'a Handle) -> &'a QualName {
        match &target.data {
            Data::Element { name, .. } => name,
            // The tree builder asks only for elements' names.
            _ => unreachable!("elem_name of a node that is not an element"),
        }
    }

    fn create_element(&self, name: QualName, attrs: Vec<Attribute>, flags: ElementFlags) -> Handle {
        let template_contents = flags.template.then(|| SinkNode::new(Data::Document));
        SinkNode::new(Data::Element { name, attrs: RefCell::new(attrs), template_contents })
    }

    fn create_comment(&self, text: StrTendril) -> Handle {
        SinkNode::new(Data::Comment(text))
    }

    fn create_pi(&self, _target: StrTendril, data: StrTendril) -> Handle {
        // The HTML parser never makes processing instructions (`<?x?>` is a bogus comment).
        SinkNode::new(Data::Comment(data))
    }

    fn append(&self, parent: &Handle, child: NodeOrText<Handle>) {
        append_to(parent, child);
    }

    fn append_based_on_parent_node(&self, element: &Handle, prev_element: &Handle, child: NodeOrText<Handle>) {
        if element.parent().is_some() {
            self.append_before_sibling(element, child);
        } else {
            append_to(prev_element, child);
        }
    }

    fn append_doctype_to_document(&self, _name: StrTendril, _public_id: StrTendril, _system_id: StrTendril) {}

    fn get_template_contents(&self, target: &Handle) -> Handle {
        match &target.data {
            Data::Element { template_contents: Some(contents), .. } => contents.clone(),
            _ => target.clone(),
        }
    }

    fn same_node(&self, x: &Handle, y: &Handle) -> bool {
        Rc::ptr_eq(x, y)
    }

    fn set_quirks_mode(&self, _mode: QuirksMode) {}

    fn append_before_sibling(&self, sibling: &Handle, new_node: NodeOrText<Handle>) {
        let Some(parent) = sibling.parent() else { return };
        let position = parent.children.borrow().iter().position(|c| Rc::ptr_eq(c, sibling));
        let Some(mut at) = position else { return };
        let node = match new_node {
            NodeOrText::AppendText(text) => {
                // Text merges into a text node right before the sibling.
                if at > 0 {
                    if let Data::Text(existing) = &parent.children.borrow()[at - 1].data {
                        existing.borrow_mut().push_tendril(&text);
                        return;
                    }
                }
                SinkNode::new(Data::Text(RefCell::new(text)))
            }
            NodeOrText::AppendNode(node) => {
                if let Some(old_parent) = node.parent() {
                    if Rc::ptr_eq(&old_parent, &parent) {
                        let old = parent.children.borrow().iter().position(|c| Rc::ptr_eq(c, &node));
                        if old.is_some_and(|old| old < at) {
                            at -= 1;
                        }
                    }
                }
                detach(&node);
                node
            }
        };
        node.parent.set(Some(Rc::downgrade(&parent)));
        parent.children.borrow_mut().insert(at, node);
    }

    fn add_attrs_if_missing(&self, target: &Handle, attrs: Vec<Attribute>) {
        let Data::Element { attrs: existing, .. } = &target.data else { return };
        let mut existing = existing.borrow_mut();
        for attr in attrs {
            if !existing.iter().any(|e| e.name == attr.name) {
                existing.push(attr);
            }
        }
    }

    fn remove_from_parent(&self, target: &Handle) {
        detach(target);
    }

    fn reparent_children(&self, node: &Handle, new_parent: &Handle) {
        let children = std::mem::take(&mut *node.children.borrow_mut());
        for child in children {
            child.parent.set(Some(Rc::downgrade(new_parent)));
            new_parent.children.borrow_mut().push(child);
        }
    }

    fn is_mathml_annotation_xml_integration_point(&self, handle: &Handle) -> bool {
        // Recomputed from the attributes instead of kept from the creation flags (the same test the flag records).
        match &handle.data {
            Data::Element { name, attrs, .. } => {
                name.ns == ns!(mathml)
                    && &*name.local == "annotation-xml"
                    && attrs.borrow().iter().any(|a| {
                        a.name.ns.is_empty()
                            && &*a.name.local == "encoding"
                            && (a.value.eq_ignore_ascii_case("text/html")
                                || a.value.eq_ignore_ascii_case("application/xhtml+xml"))
                    })
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::dom::serialize;
    use super::*;

    #[track_caller]
    fn assert_parses(html: &str, want: &str) {
        assert_eq!(serialize(&parse_body(html)), want, "{html:?} should parse as the browser's DOMParser does");
    }

    #[test]
    fn parses_by_the_html_standard() {
        assert_parses("<b>x<i>y</b>z</i>", "<b>x<i>y</i></b><i>z</i>");
        assert_parses("<table><td>a</td></table>", "<table><tbody><tr><td>a</td></tr></tbody></table>");
        assert_parses("<table>x<tr><td>1</td></tr></table>", "x<table><tbody><tr><td>1</td></tr></tbody></table>");
        assert_parses("<p>a<div>b</div>", "<p>a</p><div>b</div>");
        assert_parses("<style>a>b{}</style><title>t</title>", "<style>a>b{}</style><title>t</title>");
        assert_parses(
            "<svg viewbox=\"0 0 1 1\"><a xlink:href=\"#x\"/></svg>",
            "<svg viewBox=\"0 0 1 1\"><a xlink:href=\"#x\"></a></svg>",
        );
        assert_parses("<noscript><b>x</b></noscript>", "<noscript><b>x</b></noscript>");
        assert_parses("a &amp; &lt;b&gt; &nbsp;", "a &amp; &lt;b&gt; &nbsp;");
    }
}
