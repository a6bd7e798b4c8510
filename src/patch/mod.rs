//! Stage ⑤: rendered trees in, data-only DOM patch ops out.
//!
//! [`Node`] is the rendered form of markdown: elements whose tag and attribute names are `&'static str` (so only
//! names written in this crate can ever reach the DOM), text, and — only in trusted mode — raw HTML.
//! [`PatchOp`]s name DOM nodes by small integer ids; a [`PatchSink`] applies them: [`html::HtmlRecorder`] builds
//! HTML natively (tests, SSR), the web applier builds real DOM nodes.

pub mod diff;
pub mod html;
pub mod recorder;
pub mod shown_words;

/// A rendered node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    Element(Element),
    Text(String),
    /// Raw HTML, emitted only when the content is trusted (`RenderOptions::trusted`).
    RawHtml(String),
}

/// A rendered element. Names are static: they come from this crate's allowlist, never from the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Element {
    pub tag: &'static str,
    pub attrs: Vec<(&'static str, String)>,
    pub children: Vec<Node>,
}

impl Element {
    pub fn new(tag: &'static str) -> Element {
        Element { tag, attrs: Vec::new(), children: Vec::new() }
    }
    pub fn attr(mut self, name: &'static str, value: impl Into<String>) -> Element {
        self.attrs.push((name, value.into()));
        self
    }
    pub fn child(mut self, node: Node) -> Element {
        self.children.push(node);
        self
    }
}

/// Identifies a DOM node across ops. Ids are reused after [`PatchOp::Release`].
pub type NodeId = u32;

/// The container the renderer draws into. Always present, never created or removed by ops.
pub const ROOT: NodeId = 0;

/// One DOM change, as data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PatchOp {
    /// Create a detached element.
    CreateElement {
        id: NodeId,
        tag: &'static str,
    },
    /// Create a detached text node.
    CreateText {
        id: NodeId,
        text: String,
    },
    /// Create detached nodes from trusted raw HTML (only ever emitted in trusted mode).
    CreateRawHtml {
        id: NodeId,
        html: String,
    },
    SetAttribute {
        id: NodeId,
        name: &'static str,
        value: String,
    },
    RemoveAttribute {
        id: NodeId,
        name: &'static str,
    },
    /// Extend an existing text node (keeps the node, so a selection inside it survives).
    AppendText {
        id: NodeId,
        text: String,
    },
    /// Replace `delete` UTF-16 code units at UTF-16 offset `start` of a text node with `text` (the DOM's
    /// `replaceData`): only the part that changed, so a selection in the unchanged part survives.
    ReplaceText {
        id: NodeId,
        start: u32,
        delete: u32,
        text: String,
    },
    /// Append `child` as the last child of `parent`.
    Append {
        parent: NodeId,
        child: NodeId,
    },
    /// Insert `child` as the first child of `parent`.
    Prepend {
        parent: NodeId,
        child: NodeId,
    },
    /// Insert `child` into `parent` just before its child `before`.
    InsertBefore {
        parent: NodeId,
        child: NodeId,
        before: NodeId,
    },
    /// Put `new` where `old` is; `old` is detached (and released by later ops).
    Replace {
        old: NodeId,
        new: NodeId,
    },
    /// Detach a node from its parent.
    Remove {
        id: NodeId,
    },
    /// Forget an id: the node is detached and will never be referenced again; the id may be reused.
    Release {
        id: NodeId,
    },
}

/// Where patch ops go.
pub trait PatchSink {
    fn apply(&mut self, ops: &[PatchOp]);
}

impl PatchSink for Vec<PatchOp> {
    fn apply(&mut self, ops: &[PatchOp]) {
        self.extend_from_slice(ops);
    }
}
