//! Turning "what the DOM shows" plus "what it should show" into the fewest ops that get there.
//!
//! [`Mounted`] mirrors a DOM subtree with the id of every node. [`Differ`] patches a mounted tree towards a new
//! [`Node`] tree position by position: same tag → attributes and children are patched in place; text that grew is
//! extended with [`PatchOp::AppendText`] (the DOM text node survives, and with it a user's selection); anything
//! else is replaced. Streaming appends at the end, so positional matching is the right shape: the common case is
//! "the last text node grew" or "one child was added", each a single op.
//!
//! Every op the markdown engine and the pipeline emit comes from here: besides the diff, [`Differ::append_text`] extends a text node
//! the engine knows grew without a render to compare (plain text appended in place), and [`Differ::append_new`]
//! appends a new subtree (the footnotes section and its items). The pipeline's reasoning block is built the same way:
//! its scaffold is a [`Node`] tree put in with [`Differ::prepend_new`] and closed with [`Differ::update`].

use super::shown_words::ShownWords;
use super::{Node, NodeId, PatchOp};

/// A rendered node as it stands in the DOM, with the id the sink knows it by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mounted {
    pub id: NodeId,
    pub kind: MountedKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MountedKind {
    Element { tag: &'static str, attrs: Vec<(&'static str, String)>, children: Vec<Mounted> },
    Text(String),
    RawHtml(String),
}

impl Mounted {
    /// The rendered node this mounted tree shows.
    pub fn to_node(&self) -> Node {
        match &self.kind {
            MountedKind::Text(text) => Node::Text(text.clone()),
            MountedKind::RawHtml(html) => Node::RawHtml(html.clone()),
            MountedKind::Element { tag, attrs, children } => Node::Element(super::Element {
                tag,
                attrs: attrs.clone(),
                children: children.iter().map(Mounted::to_node).collect(),
            }),
        }
    }

    /// Whether this mounted tree shows exactly `node` (a diff against it would emit nothing).
    pub fn shows(&self, node: &Node) -> bool {
        match (&self.kind, node) {
            (MountedKind::Text(a), Node::Text(b)) | (MountedKind::RawHtml(a), Node::RawHtml(b)) => a == b,
            (MountedKind::Element { tag, attrs, children }, Node::Element(el)) => {
                *tag == el.tag
                    && *attrs == el.attrs
                    && children.len() == el.children.len()
                    && children.iter().zip(&el.children).all(|(child, node)| child.shows(node))
            }
            _ => false,
        }
    }
}

/// Hands out node ids, reusing released ones so a sink's id table stays as small as the live DOM.
#[derive(Debug, Clone)]
pub struct IdAllocator {
    next: NodeId,
    free: Vec<NodeId>,
}

impl IdAllocator {
    /// Ids start above `reserved` (ids up to it are containers the host owns, such as [`super::ROOT`]).
    pub fn new(reserved: NodeId) -> IdAllocator {
        IdAllocator { next: reserved + 1, free: Vec::new() }
    }

    pub fn alloc(&mut self) -> NodeId {
        if let Some(id) = self.free.pop() {
            return id;
        }
        let id = self.next;
        self.next += 1;
        id
    }

    fn free(&mut self, id: NodeId) {
        self.free.push(id);
    }
}

impl Default for IdAllocator {
    fn default() -> Self {
        IdAllocator::new(super::ROOT)
    }
}

/// Emits the ops that move mounted trees to new rendered trees.
pub struct Differ<'a> {
    pub ids: &'a mut IdAllocator,
    pub ops: &'a mut Vec<PatchOp>,
    /// When set, the words each op takes off the screen and puts on it (see `shown_words.rs`).
    pub watch: Option<ShownWords>,
}

impl<'a> Differ<'a> {
    pub fn new(ids: &'a mut IdAllocator, ops: &'a mut Vec<PatchOp>) -> Differ<'a> {
        Differ { ids, ops, watch: None }
    }

    /// Creates the DOM for `node` (detached) and returns its mirror.
    pub fn create(&mut self, node: &Node) -> Mounted {
        if let Some(watch) = &mut self.watch {
            watch.added(node);
        }
        self.create_detached(node)
    }

    fn create_detached(&mut self, node: &Node) -> Mounted {
        let id = self.ids.alloc();
        let kind = match node {
            Node::Text(text) => {
                self.ops.push(PatchOp::CreateText { id, text: text.clone() });
                MountedKind::Text(text.clone())
            }
            Node::RawHtml(html) => {
                self.ops.push(PatchOp::CreateRawHtml { id, html: html.clone() });
                MountedKind::RawHtml(html.clone())
            }
            Node::Element(el) => {
                self.ops.push(PatchOp::CreateElement { id, tag: el.tag });
                for (name, value) in &el.attrs {
                    self.ops.push(PatchOp::SetAttribute { id, name, value: value.clone() });
                }
                let mut children = Vec::with_capacity(el.children.len());
                for child in &el.children {
                    let mounted = self.create_detached(child);
                    self.ops.push(PatchOp::Append { parent: id, child: mounted.id });
                    children.push(mounted);
                }
                MountedKind::Element { tag: el.tag, attrs: el.attrs.clone(), children }
            }
        };
        Mounted { id, kind }
    }

    /// Creates the DOM for `node` and appends it to `parent`'s children; returns its mirror.
    pub fn append_new(&mut self, parent: NodeId, node: &Node) -> Mounted {
        let created = self.create(node);
        self.ops.push(PatchOp::Append { parent, child: created.id });
        created
    }

    /// Creates the DOM for `node` and puts it before `parent`'s first child; returns its mirror.
    pub fn prepend_new(&mut self, parent: NodeId, node: &Node) -> Mounted {
        let created = self.create(node);
        self.ops.push(PatchOp::Prepend { parent, child: created.id });
        created
    }

    /// Extends the text node `mounted` by `text` in place ([`PatchOp::AppendText`]): text that continues what the
    /// node shows, known without a render to diff against (the open block's plain text, appended as it arrives).
    pub fn append_text(&mut self, mounted: &mut Mounted, text: &str) {
        let MountedKind::Text(current) = &mut mounted.kind else { return };
        if text.is_empty() {
            return;
        }
        if let Some(watch) = &mut self.watch {
            watch.appended(current, &format!("{current}{text}"));
        }
        self.ops.push(PatchOp::AppendText { id: mounted.id, text: text.to_owned() });
        current.push_str(text);
    }

    /// Releases the ids of a detached subtree.
    pub fn release(&mut self, mounted: Mounted) {
        if let MountedKind::Element { children, .. } = mounted.kind {
            for child in children {
                self.release(child);
            }
        }
        self.ops.push(PatchOp::Release { id: mounted.id });
        self.ids.free(mounted.id);
    }

    /// Detaches and releases a mounted subtree.
    pub fn remove(&mut self, mounted: Mounted) {
        if let Some(watch) = &mut self.watch {
            watch.removed(&mounted);
        }
        self.ops.push(PatchOp::Remove { id: mounted.id });
        self.release(mounted);
    }

    /// Patches `mounted` (attached somewhere) until it shows `node`: in place when the kinds agree, else replaced.
    pub fn update(&mut self, mounted: &mut Mounted, node: &Node) {
        match (&mut mounted.kind, node) {
            (MountedKind::Text(old), Node::Text(new)) => {
                if old != new {
                    let id = mounted.id;
                    match new.strip_prefix(old.as_str()) {
                        Some(suffix) => {
                            if let Some(watch) = &mut self.watch {
                                watch.appended(old, new);
                            }
                            self.ops.push(PatchOp::AppendText { id, text: suffix.to_owned() })
                        }
                        None => {
                            let (op, prefix, suffix) = text_edit(id, old, new);
                            if let Some(watch) = &mut self.watch {
                                watch.text_edit(old, new, prefix, suffix);
                            }
                            self.ops.push(op)
                        }
                    }
                    old.clone_from(new);
                }
            }
            (MountedKind::RawHtml(old), Node::RawHtml(new)) if old == new => {}
            (MountedKind::Element { tag, attrs, children }, Node::Element(el)) if *tag == el.tag => {
                let id = mounted.id;
                self.sync_attrs(id, attrs, &el.attrs);
                self.sync_children(id, children, &el.children, None);
            }
            _ => {
                if let Some(watch) = &mut self.watch {
                    watch.removed(mounted);
                }
                let replacement = self.create(node);
                self.ops.push(PatchOp::Replace { old: mounted.id, new: replacement.id });
                let old = std::mem::replace(mounted, replacement);
                self.release(old);
            }
        }
    }

    /// Brings attributes in line, keeping their order equal to the new render's (the DOM keeps insertion order, so
    /// attributes after the first difference in names are removed and set again).
    fn sync_attrs(&mut self, id: NodeId, old: &mut Vec<(&'static str, String)>, new: &[(&'static str, String)]) {
        if old.as_slice() == new {
            return;
        }
        let same_names = old.iter().zip(new).take_while(|((a, _), (b, _))| a == b).count();
        for (name, _) in &old[same_names..] {
            self.ops.push(PatchOp::RemoveAttribute { id, name });
        }
        for (index, (name, value)) in new.iter().enumerate() {
            if index >= same_names || old[index].1 != *value {
                self.ops.push(PatchOp::SetAttribute { id, name, value: value.clone() });
            }
        }
        *old = new.to_vec();
    }

    /// Patches the children of `parent` position by position. New children are appended, or inserted before
    /// `before` when the parent has a trailing child that is not part of this list (the footnotes section).
    pub fn sync_children(&mut self, parent: NodeId, old: &mut Vec<Mounted>, new: &[Node], before: Option<NodeId>) {
        let common = old.len().min(new.len());
        for (mounted, node) in old.iter_mut().zip(new) {
            self.update(mounted, node);
        }
        for surplus in old.drain(common..).collect::<Vec<_>>() {
            self.remove(surplus);
        }
        for node in &new[common..] {
            let mounted = self.create(node);
            let child = mounted.id;
            self.ops.push(match before {
                Some(before) => PatchOp::InsertBefore { parent, child, before },
                None => PatchOp::Append { parent, child },
            });
            old.push(mounted);
        }
    }
}

/// The smallest `ReplaceText` that turns `old` into `new`: keep their common prefix and suffix (returned too, in
/// bytes).
fn text_edit(id: NodeId, old: &str, new: &str) -> (PatchOp, usize, usize) {
    let prefix: usize = old.chars().zip(new.chars()).take_while(|(a, b)| a == b).map(|(c, _)| c.len_utf8()).sum();
    let (old_rest, new_rest) = (&old[prefix..], &new[prefix..]);
    let suffix: usize =
        old_rest.chars().rev().zip(new_rest.chars().rev()).take_while(|(a, b)| a == b).map(|(c, _)| c.len_utf8()).sum();
    let utf16 = |text: &str| text.encode_utf16().count() as u32;
    let op = PatchOp::ReplaceText {
        id,
        start: utf16(&old[..prefix]),
        delete: utf16(&old_rest[..old_rest.len() - suffix]),
        text: new_rest[..new_rest.len() - suffix].to_owned(),
    };
    (op, prefix, suffix)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn edit(old: &str, new: &str) -> (u32, u32, String) {
        match text_edit(7, old, new).0 {
            PatchOp::ReplaceText { start, delete, text, .. } => (start, delete, text),
            other => panic!("should be a text edit: {other:?}"),
        }
    }

    #[test]
    fn an_in_place_append_extends_the_text_node_with_one_op() {
        let (mut ids, mut ops) = (IdAllocator::default(), Vec::new());
        let mut differ = Differ::new(&mut ids, &mut ops);
        let mut text = differ.create(&Node::Text("Hello".into()));
        let id = text.id;
        differ.ops.clear();
        differ.append_text(&mut text, ", world");
        differ.append_text(&mut text, "");
        assert_eq!(ops, vec![PatchOp::AppendText { id, text: ", world".into() }], "one op, none for empty text");
        assert!(text.shows(&Node::Text("Hello, world".into())), "the mirror should show the appended text");
    }

    #[test]
    fn text_edits_touch_only_what_changed() {
        assert_eq!(edit("See the [docs] for more.", "See the "), (8, 16, String::new()));
        assert_eq!(edit("abcXdef", "abcYdef"), (3, 1, "Y".into()));
        assert_eq!(edit("aaa", "aa"), (2, 1, String::new()));
        // Offsets count UTF-16 code units, as the DOM does: 😀 is two.
        assert_eq!(edit("😀 x", "😀 y"), (3, 1, "y".into()));
    }
}
