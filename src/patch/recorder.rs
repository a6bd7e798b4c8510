//! A [`PatchSink`] that keeps the DOM as plain data: native tests assert on it, and it serialises to HTML (SSR).
//!
//! It checks the op protocol as it goes (ids must be live, created before use, never attached twice): a violation
//! is recorded, not panicked on, and tests assert there were none.

use super::{html, Element, Node, NodeId, PatchOp, PatchSink, ROOT};

#[derive(Debug, Clone)]
enum Entry {
    Element { tag: &'static str, attrs: Vec<(&'static str, String)>, children: Vec<NodeId> },
    Text(String),
    RawHtml(String),
}

#[derive(Debug, Clone)]
struct Slot {
    entry: Entry,
    parent: Option<NodeId>,
}

/// Records ops into an in-memory tree rooted at [`ROOT`].
#[derive(Debug, Clone)]
pub struct HtmlRecorder {
    slots: Vec<Option<Slot>>,
    violations: Vec<String>,
    ops_applied: usize,
}

impl Default for HtmlRecorder {
    fn default() -> Self {
        let root = Slot { entry: Entry::Element { tag: "div", attrs: Vec::new(), children: Vec::new() }, parent: None };
        HtmlRecorder { slots: vec![Some(root)], violations: Vec::new(), ops_applied: 0 }
    }
}

impl HtmlRecorder {
    pub fn new() -> HtmlRecorder {
        HtmlRecorder::default()
    }

    /// The children of the root, serialised as comrak prints HTML.
    pub fn html(&self) -> String {
        html::to_html(&self.root_nodes())
    }

    /// The children of the root as rendered nodes.
    pub fn root_nodes(&self) -> Vec<Node> {
        self.children(ROOT).iter().filter_map(|&id| self.node(id)).collect()
    }

    /// Protocol violations seen so far (empty when every op was valid).
    pub fn violations(&self) -> &[String] {
        &self.violations
    }

    /// How many ops were applied.
    pub fn ops_applied(&self) -> usize {
        self.ops_applied
    }

    /// How many text nodes are attached under the root.
    pub fn text_node_count(&self) -> usize {
        fn count(recorder: &HtmlRecorder, id: NodeId) -> usize {
            match recorder.slot(id).map(|slot| &slot.entry) {
                Some(Entry::Text(_)) => 1,
                Some(Entry::Element { children, .. }) => children.iter().map(|&child| count(recorder, child)).sum(),
                _ => 0,
            }
        }
        count(self, ROOT)
    }

    fn node(&self, id: NodeId) -> Option<Node> {
        Some(match &self.slot(id)?.entry {
            Entry::Text(text) => Node::Text(text.clone()),
            Entry::RawHtml(html) => Node::RawHtml(html.clone()),
            Entry::Element { tag, attrs, children } => Node::Element(Element {
                tag,
                attrs: attrs.clone(),
                children: children.iter().filter_map(|&child| self.node(child)).collect(),
            }),
        })
    }

    fn children(&self, id: NodeId) -> &[NodeId] {
        match self.slot(id).map(|slot| &slot.entry) {
            Some(Entry::Element { children, .. }) => children,
            _ => &[],
        }
    }

    fn slot(&self, id: NodeId) -> Option<&Slot> {
        self.slots.get(id as usize).and_then(Option::as_ref)
    }

    fn slot_mut(&mut self, id: NodeId) -> Option<&mut Slot> {
        self.slots.get_mut(id as usize).and_then(Option::as_mut)
    }

    fn create(&mut self, id: NodeId, entry: Entry) {
        let index = id as usize;
        if self.slots.len() <= index {
            self.slots.resize(index + 1, None);
        }
        if self.slots[index].is_some() {
            self.violations.push(format!("id {id} created while still live"));
        }
        self.slots[index] = Some(Slot { entry, parent: None });
    }

    fn detach(&mut self, id: NodeId) {
        let Some(parent) = self.slot(id).and_then(|slot| slot.parent) else { return };
        if let Some(Slot { entry: Entry::Element { children, .. }, .. }) = self.slot_mut(parent) {
            children.retain(|&child| child != id);
        }
        if let Some(slot) = self.slot_mut(id) {
            slot.parent = None;
        }
    }

    /// Inserts `child` into `parent` at `position(children)`.
    fn attach(&mut self, parent: NodeId, child: NodeId, position: impl FnOnce(&[NodeId]) -> Option<usize>) {
        if self.slot(child).is_none() {
            self.violations.push(format!("attach of unknown node {child}"));
            return;
        }
        if self.slot(child).and_then(|slot| slot.parent).is_some() {
            self.violations.push(format!("node {child} attached while already attached"));
            self.detach(child);
        }
        match self.slot_mut(parent) {
            Some(Slot { entry: Entry::Element { children, .. }, .. }) => match position(children) {
                Some(at) => children.insert(at, child),
                None => return self.violations.push(format!("insert into {parent} before a node it does not hold")),
            },
            _ => return self.violations.push(format!("attach into {parent}, which is not a live element")),
        }
        if let Some(slot) = self.slot_mut(child) {
            slot.parent = Some(parent);
        }
    }

    fn with_text(&mut self, id: NodeId, edit: impl FnOnce(&mut String)) {
        match self.slot_mut(id) {
            Some(Slot { entry: Entry::Text(text), .. }) => edit(text),
            _ => self.violations.push(format!("text edit of {id}, which is not a live text node")),
        }
    }

    fn with_attrs(&mut self, id: NodeId, edit: impl FnOnce(&mut Vec<(&'static str, String)>)) {
        match self.slot_mut(id) {
            Some(Slot { entry: Entry::Element { attrs, .. }, .. }) => edit(attrs),
            _ => self.violations.push(format!("attribute edit of {id}, which is not a live element")),
        }
    }
}

impl PatchSink for HtmlRecorder {
    fn apply(&mut self, ops: &[PatchOp]) {
        for op in ops {
            self.ops_applied += 1;
            match op {
                PatchOp::CreateElement { id, tag } => {
                    self.create(*id, Entry::Element { tag, attrs: Vec::new(), children: Vec::new() })
                }
                PatchOp::CreateText { id, text } => self.create(*id, Entry::Text(text.clone())),
                PatchOp::CreateRawHtml { id, html } => self.create(*id, Entry::RawHtml(html.clone())),
                PatchOp::SetAttribute { id, name, value } => {
                    self.with_attrs(*id, |attrs| match attrs.iter_mut().find(|(n, _)| n == name) {
                        Some(existing) => existing.1.clone_from(value),
                        None => attrs.push((name, value.clone())),
                    })
                }
                PatchOp::RemoveAttribute { id, name } => self.with_attrs(*id, |attrs| attrs.retain(|(n, _)| n != name)),
                PatchOp::AppendText { id, text } => self.with_text(*id, |t| t.push_str(text)),
                PatchOp::ReplaceText { id, start, delete, text } => {
                    let (start, delete) = (*start as usize, *delete as usize);
                    let mut fits = true;
                    self.with_text(*id, |t| {
                        // Offsets are UTF-16 code units, as in the DOM.
                        let byte_at = |units: usize| {
                            let mut seen = 0;
                            for (at, c) in t.char_indices() {
                                if seen >= units {
                                    return (seen == units).then_some(at);
                                }
                                seen += c.len_utf16();
                            }
                            (seen == units).then_some(t.len())
                        };
                        match (byte_at(start), byte_at(start + delete)) {
                            (Some(from), Some(to)) => t.replace_range(from..to, text),
                            _ => fits = false,
                        }
                    });
                    if !fits {
                        self.violations.push(format!("text edit of {id} outside its text"));
                    }
                }
                PatchOp::Append { parent, child } => self.attach(*parent, *child, |children| Some(children.len())),
                PatchOp::Prepend { parent, child } => self.attach(*parent, *child, |_| Some(0)),
                PatchOp::InsertBefore { parent, child, before } => {
                    self.attach(*parent, *child, |children| children.iter().position(|c| c == before))
                }
                PatchOp::Replace { old, new } => match self.slot(*old).and_then(|slot| slot.parent) {
                    Some(parent) => {
                        self.attach(parent, *new, |children| children.iter().position(|c| c == old));
                        self.detach(*old);
                    }
                    None => self.violations.push(format!("replace of {old}, which is not attached")),
                },
                PatchOp::Remove { id } => self.detach(*id),
                PatchOp::Release { id } => {
                    self.detach(*id);
                    match self.slots.get_mut(*id as usize) {
                        Some(slot @ Some(_)) => *slot = None,
                        _ => self.violations.push(format!("release of {id}, which is not live")),
                    }
                }
            }
        }
    }
}
