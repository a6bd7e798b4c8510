//! Footnote numbers across the whole answer while it streams.
//!
//! comrak numbers footnotes within one parse, but the engine parses the open tail alone: left as they are, the tail's
//! footnotes would count from 1 and its section would list only them. The book keeps the numbers the one-shot render
//! gives — in the order of the first reference, counted over the committed blocks — and the section of every
//! footnote so far. A tail parse is renumbered before it is shown; a block is numbered for good as it commits (an
//! attribute and a text patch where the tail's numbers were provisional). When the order cannot be the one-shot
//! order (a definition arrives after a later footnote was numbered, references inside footnotes, raw HTML around a
//! reference, a footnote whose content was only ever seen speculated), the book says so and `finish` reconciles with
//! one whole parse as before.

use super::render::{footnote_reference_attrs, footnote_reference_key, FootnoteItem};
use super::speculate::PENDING_URL;
use crate::patch::diff::{Differ, Mounted, MountedKind};
use crate::patch::{Element, Node, NodeId};
use std::collections::HashMap;

/// What the book knows of one footnote.
#[derive(Debug, Default)]
struct Footnote {
    /// Its number, once a committed block references it.
    number: Option<usize>,
    /// References in committed blocks, and in the open tail as of its last whole parse.
    committed_refs: u32,
    tail_refs: u32,
    /// References seen so far in the parse being numbered.
    seen: u32,
    /// In the book's list of changed entries.
    dirty: bool,
    /// The section item, whether it was read from text that is final, and its version (for the section's patching).
    item: Option<FootnoteItem>,
    exact: bool,
    version: u64,
}

#[derive(Debug, Default)]
pub struct FootnoteBook {
    /// Footnote (percent-encoded name) → its entry. (One map type for every footnote field keeps the wasm small.)
    index: HashMap<String, usize>,
    entries: Vec<Footnote>,
    /// Number − 1 → footnote.
    order: Vec<String>,
    /// The committed block holding the last-numbered footnote's first reference.
    last_first_reference: Option<usize>,
    /// The open tail's footnotes not numbered yet, in order of reference.
    provisional: Vec<String>,
    versions: u64,
    /// What the section shows: per item, its footnote's entry, number, references and item version.
    shown: Vec<(usize, usize, u32, u64)>,
    /// Entries with references in the open tail (so a recount resets only those, not every footnote).
    tail_keys: Vec<usize>,
    /// Entries changed since the section was last brought in line, and how many leading shown items are the
    /// numbered footnotes in order.
    dirty: Vec<usize>,
    stable: usize,
    /// The numbers may differ from the one-shot render's: `finish` must reconcile.
    unordered: bool,
    /// Something the section shows may have changed since it was last brought in line.
    changed: bool,
    /// The footnotes section as mounted: the root's last child, after every block.
    section: Option<Mounted>,
}

impl FootnoteBook {
    /// Whether the numbers and the section are the one-shot render's once every block is committed.
    pub fn is_exact(&self) -> bool {
        !self.unordered && self.order.iter().all(|key| self.get(key).is_some_and(|f| f.item.is_some() && f.exact))
    }

    fn get(&self, key: &str) -> Option<&Footnote> {
        self.index.get(key).map(|&at| &self.entries[at])
    }

    /// The entry of `key` (made if new), marked as changed.
    fn entry(&mut self, key: &str) -> &mut Footnote {
        let at = match self.index.get(key) {
            Some(&at) => at,
            None => {
                self.index.insert(key.to_owned(), self.entries.len());
                self.entries.push(Footnote::default());
                self.entries.len() - 1
            }
        };
        self.touch(at)
    }

    fn touch(&mut self, at: usize) -> &mut Footnote {
        if !self.entries[at].dirty {
            self.entries[at].dirty = true;
            self.dirty.push(at);
        }
        &mut self.entries[at]
    }

    fn number_of(&self, key: &str) -> Option<usize> {
        self.get(key).and_then(|f| f.number)
    }

    /// Something the book cannot follow happened (see the module docs).
    pub fn give_up(&mut self) {
        self.unordered = true;
    }

    /// Numbers the references of a tail parse for display: numbered footnotes keep their number, new ones follow in
    /// order. A whole parse of the tail (`whole`) also recounts the tail's references.
    pub fn number_tail(&mut self, nodes: &mut [&mut Node], whole: bool) {
        if whole {
            self.clear_tail();
        }
        let mut touched: Vec<String> = Vec::new();
        let raw = for_each_reference(nodes, |a| {
            let Some(key) = footnote_reference_key(&a.attrs).map(str::to_owned) else { return };
            let ix = match self.number_of(&key) {
                Some(ix) => ix,
                None => {
                    let at = match self.provisional.iter().position(|k| *k == key) {
                        Some(at) => at,
                        None => {
                            self.provisional.push(key.clone());
                            self.provisional.len() - 1
                        }
                    };
                    self.order.len() + 1 + at
                }
            };
            if whole {
                self.count_tail_reference(&key);
            }
            let footnote = self.entry(&key);
            footnote.seen += 1;
            let n = footnote.committed_refs + footnote.seen;
            set_reference(a, &key, ix, n);
            touched.push(key);
        });
        self.changed |= !touched.is_empty();
        for key in touched {
            self.entry(&key).seen = 0;
        }
        if raw {
            self.unordered = true;
        }
    }

    /// Keeps the section items a parse rendered; `exact`: the parse read final text (no speculation).
    pub fn capture(&mut self, items: Vec<FootnoteItem>, exact: bool) {
        for item in items {
            if contains_reference(&item.li.children) {
                self.unordered = true; // references inside footnotes are numbered after the body's
            }
            self.versions += 1;
            let version = self.versions;
            let footnote = self.entry(&item.key.clone());
            if footnote.item.as_ref() == Some(&item) {
                footnote.exact |= exact;
            } else {
                footnote.item = Some(item);
                footnote.exact = exact;
                footnote.version = version;
                self.changed = true;
            }
        }
    }

    /// Numbers the references of blocks as they commit (`first` is the index of the first of them among all
    /// committed blocks), patching those whose provisional numbers differ.
    pub fn number_committed(&mut self, blocks: &mut [Mounted], first: usize, differ: &mut Differ<'_>) {
        for (offset, block) in blocks.iter_mut().enumerate() {
            let index = first + offset;
            let raw = for_each_mounted_reference(block, &mut |anchor, key| {
                let ix = match self.number_of(key) {
                    Some(ix) => ix,
                    None => self.number(key, index),
                };
                let footnote = self.entry(key);
                footnote.committed_refs += 1;
                fix_reference(differ, anchor, key, ix, footnote.committed_refs);
                self.changed = true;
            });
            if raw {
                self.unordered = true;
            }
        }
        let provisional = std::mem::take(&mut self.provisional);
        self.provisional = provisional.into_iter().filter(|key| self.number_of(key).is_none()).collect();
    }

    /// Numbers a committed block re-rendered because a definition arrived after it (`node`, before it is patched in
    /// over `old`, block number `index`): references it showed before keep their numbers, the new footnote is
    /// numbered now. Blocks must come in document order.
    pub fn number_late(&mut self, node: &mut Node, old: &Mounted, index: usize, fresh: &mut Vec<String>) {
        let mut before: Vec<ShownReference> = Vec::new();
        let mut old = old.clone();
        for_each_mounted_reference(&mut old, &mut |anchor, key| {
            if let MountedKind::Element { attrs, children, .. } = &anchor.kind {
                let text = match children.first().map(|c| &c.kind) {
                    Some(MountedKind::Text(t)) => t.clone(),
                    _ => String::new(),
                };
                before.push(ShownReference { key: key.to_owned(), attrs: attrs.clone(), text });
            }
        });
        let mut next_old = 0;
        let raw = for_each_reference(&mut [node], |a| {
            let Some(key) = footnote_reference_key(&a.attrs).map(str::to_owned) else { return };
            let known = self.number_of(&key).is_some() && !fresh.contains(&key);
            if known {
                // The same reference as before, if the block's references line up; else the order is lost.
                match before.get(next_old) {
                    Some(shown) if shown.key == key => {
                        a.attrs = shown.attrs.clone();
                        a.children = vec![Node::Text(shown.text.clone())];
                        next_old += 1;
                    }
                    _ => self.unordered = true,
                }
                return;
            }
            let ix = match self.number_of(&key) {
                Some(ix) => ix,
                None => {
                    fresh.push(key.clone());
                    self.number(&key, index)
                }
            };
            let footnote = self.entry(&key);
            footnote.committed_refs += 1;
            let n = footnote.committed_refs;
            set_reference(a, &key, ix, n);
            self.changed = true;
        });
        if raw || next_old != before.len() {
            self.unordered = true;
        }
        let provisional = std::mem::take(&mut self.provisional);
        self.provisional = provisional.into_iter().filter(|key| self.number_of(key).is_none()).collect();
    }

    /// Gives `key`, first referenced in committed block `index`, the next number.
    fn number(&mut self, key: &str, index: usize) -> usize {
        if self.last_first_reference.is_some_and(|last| last >= index) {
            // A footnote referenced later was numbered first (its definition came earlier): one-shot numbers differ.
            self.unordered = true;
        }
        self.last_first_reference = Some(index);
        self.order.push(key.to_owned());
        let number = self.order.len();
        self.entry(key).number = Some(number);
        number
    }

    /// Brings the section (the root's last child) in line with the book: items whose number, references or content
    /// changed are patched, new ones appended, gone ones removed.
    pub fn sync_section(&mut self, differ: &mut Differ<'_>, root: NodeId) {
        let mut section = self.section.take();
        self.sync_section_into(differ, root, &mut section);
        self.section = section;
    }

    fn sync_section_into(&mut self, differ: &mut Differ<'_>, root: NodeId, section: &mut Option<Mounted>) {
        if !std::mem::take(&mut self.changed) {
            return; // nothing it shows changed
        }
        // The shown items up to `stable` are the numbered footnotes 1..=stable in order: there only the entries
        // that changed are looked at; from `stable` on (footnotes numbered since, and the open tail's) all are.
        let stable = self.stable.min(self.shown.len());
        let mut updates: Vec<(usize, (usize, usize, u32, u64))> = Vec::new();
        for at in std::mem::take(&mut self.dirty) {
            self.entries[at].dirty = false;
            if let Some(ix) = self.entries[at].number.filter(|&ix| ix <= stable) {
                let want = self.shown_as(at, ix);
                if self.shown[ix - 1] != want {
                    updates.push((ix - 1, want));
                }
            }
        }
        let mut region: Vec<(usize, usize, u32, u64)> = Vec::new();
        let mut placed = stable;
        let mut contiguous = true;
        for (offset, key) in self.order[stable..].iter().chain(&self.provisional).enumerate() {
            let Some(&at) = self.index.get(key) else { continue };
            if self.entries[at].item.is_none() {
                contiguous = false; // a numbered footnote whose content is not known yet: nothing to show for it
                continue;
            }
            if contiguous && stable + offset < self.order.len() {
                placed += 1;
            } else {
                contiguous = false;
            }
            region.push(self.shown_as(at, stable + offset + 1));
        }
        if stable == 0 && region.is_empty() {
            if let Some(gone) = section.take() {
                differ.remove(gone);
            }
            self.shown.clear();
            self.stable = 0;
            return;
        }
        if section.is_none() {
            let node = Element::new("section")
                .attr("class", "footnotes")
                .attr("data-footnotes", "")
                .child(Node::Element(Element::new("ol")));
            *section = Some(differ.append_new(root, &Node::Element(node)));
            self.shown.clear();
        }
        let Some(Mounted { kind: MountedKind::Element { children, .. }, .. }) = section.as_mut() else { return };
        let Some(Mounted { id: list_id, kind: MountedKind::Element { children: items, .. } }) = children.first_mut()
        else {
            return;
        };
        let list_id = *list_id;
        let wanted = updates.into_iter().chain(region.into_iter().enumerate().map(|(i, want)| (stable + i, want)));
        let mut end = stable;
        for (position, want) in wanted {
            end = end.max(position + 1);
            if self.shown.get(position) == Some(&want) && position < items.len() {
                continue;
            }
            let Some(item) = self.entries[want.0].item.as_ref() else { continue };
            let node = item.render(want.1, want.2);
            match items.get_mut(position) {
                Some(mounted) => differ.update(mounted, &node),
                None => items.push(differ.append_new(list_id, &node)),
            }
            if position < self.shown.len() {
                self.shown[position] = want;
            } else {
                self.shown.push(want);
            }
        }
        for gone in items.drain(end.min(items.len())..).collect::<Vec<_>>() {
            differ.remove(gone);
        }
        self.shown.truncate(end);
        self.stable = placed;
    }

    /// What the section shows for entry `at` as footnote number `ix`.
    fn shown_as(&self, at: usize, ix: usize) -> (usize, usize, u32, u64) {
        let footnote = &self.entries[at];
        (at, ix, (footnote.committed_refs + footnote.tail_refs).max(1), footnote.version)
    }

    /// After a commit: the references of the blocks still open (already numbered for display) are the tail's.
    pub fn recount_tail(&mut self, open: &mut [Mounted]) {
        self.clear_tail();
        for block in open {
            for_each_mounted_reference(block, &mut |_, key| {
                self.count_tail_reference(key);
                if self.number_of(key).is_none() && !self.provisional.iter().any(|k| k == key) {
                    self.provisional.push(key.to_owned());
                }
            });
        }
    }

    /// Forgets the open tail's references (they are counted again).
    fn clear_tail(&mut self) {
        self.changed |= !self.provisional.is_empty() || !self.tail_keys.is_empty();
        self.provisional.clear();
        for at in std::mem::take(&mut self.tail_keys) {
            self.touch(at).tail_refs = 0;
        }
    }

    /// One more reference to `key` in the open tail.
    fn count_tail_reference(&mut self, key: &str) {
        self.changed = true;
        let footnote = self.entry(key);
        footnote.tail_refs += 1;
        if footnote.tail_refs == 1 {
            let at = self.index[key];
            self.tail_keys.push(at);
        }
    }

    /// The id of the mounted section, if one is shown (new blocks go before it).
    pub fn section_id(&self) -> Option<NodeId> {
        self.section.as_ref().map(|section| section.id)
    }

    /// Brings the section in line with `node`, a whole render's section (the final reconcile, the verified finish):
    /// what it shows is then that render's, and the book no longer knows it item by item.
    pub fn show_section(&mut self, differ: &mut Differ<'_>, root: NodeId, node: Option<&Node>) {
        show_section(differ, root, &mut self.section, node);
    }

    /// Gives up the mounted section (to the document that replaces this one, or to be dropped).
    pub fn take_section(&mut self) -> Option<Mounted> {
        self.section.take()
    }

    /// Takes over `section` as the mounted one (it shows what this book's own section showed).
    pub fn set_section(&mut self, section: Option<Mounted>) {
        self.section = section;
    }

    /// The section was replaced by a whole render (the final reconcile): what it shows is no longer known.
    pub fn forget_section(&mut self) {
        self.shown.clear();
        self.stable = 0;
        self.changed = true;
    }
}

/// Brings a footnotes section (always the root's last child) in line with a whole render's, `new`.
pub fn show_section(differ: &mut Differ<'_>, root: NodeId, mounted: &mut Option<Mounted>, new: Option<&Node>) {
    match (mounted.as_mut(), new) {
        (Some(current), Some(node)) => differ.update(current, node),
        (Some(_), None) => {
            if let Some(gone) = mounted.take() {
                differ.remove(gone);
            }
        }
        (None, Some(node)) => *mounted = Some(differ.append_new(root, node)),
        (None, None) => {}
    }
}

/// The label of a footnote definition line (`[^label]: …`).
pub fn footnote_label(line: &str) -> Option<&str> {
    let rest = line.trim_start_matches(' ').strip_prefix("[^")?;
    let close = rest.find(']')?;
    rest[close + 1..].starts_with(':').then(|| &rest[..close])
}

/// The footnote labels `text` references (`[^label]`), in order, without repeats.
pub fn footnote_references(text: &str) -> Vec<&str> {
    let mut labels: Vec<&str> = Vec::new();
    for (at, _) in text.match_indices("[^") {
        let rest = &text[at + 2..];
        let label = rest.find([']', '\n']).filter(|&close| rest[close..].starts_with(']'));
        // A label still being typed is shown as a pending link: it references nothing yet.
        let pending = label.is_some_and(|close| rest[close + 1..].starts_with(&format!("({PENDING_URL})")));
        if let Some(label) = label.filter(|_| !pending).map(|close| &rest[..close]) {
            if !labels.contains(&label) {
                labels.push(label);
            }
        }
    }
    labels
}

/// A footnote reference as a committed block shows it.
struct ShownReference {
    key: String,
    attrs: Vec<(&'static str, String)>,
    text: String,
}

/// Sets a rendered reference to footnote `key` to number `ix`, as its `n`-th reference.
fn set_reference(a: &mut Element, key: &str, ix: usize, n: u32) {
    a.attrs = footnote_reference_attrs(key, n);
    a.children = vec![Node::Text(ix.to_string())];
}

/// Patches a mounted reference to footnote `key` to show number `ix` as its `n`-th reference, if it does not.
fn fix_reference(differ: &mut Differ<'_>, anchor: &mut Mounted, key: &str, ix: usize, n: u32) {
    let mut wanted = Element::new("a");
    set_reference(&mut wanted, key, ix, n);
    let same = match &anchor.kind {
        MountedKind::Element { attrs, children, .. } => {
            *attrs == wanted.attrs
                && matches!(children.as_slice(), [Mounted { kind: MountedKind::Text(t), .. }] if *t == ix.to_string())
        }
        _ => false,
    };
    if !same {
        differ.update(anchor, &Node::Element(wanted));
    }
}

/// Calls `f` on every footnote reference (`<a data-footnote-ref>`) in document order; returns whether raw HTML
/// may hide one.
fn for_each_reference(nodes: &mut [&mut Node], mut f: impl FnMut(&mut Element)) -> bool {
    let mut raw = false;
    let mut stack: Vec<&mut Node> = Vec::new();
    for node in nodes.iter_mut().rev() {
        stack.push(&mut **node);
    }
    while let Some(node) = stack.pop() {
        match node {
            Node::Element(el) if el.tag == "a" && footnote_reference_key(&el.attrs).is_some() => f(el),
            Node::Element(el) => stack.extend(el.children.iter_mut().rev()),
            Node::RawHtml(html) => raw |= html.contains("data-footnote-ref"),
            Node::Text(_) => {}
        }
    }
    raw
}

/// Like [`for_each_reference`], over a mounted tree; `f` gets the anchor and its footnote.
fn for_each_mounted_reference(block: &mut Mounted, f: &mut impl FnMut(&mut Mounted, &str)) -> bool {
    let mut raw = false;
    let mut stack: Vec<&mut Mounted> = vec![block];
    while let Some(node) = stack.pop() {
        let key = match &node.kind {
            MountedKind::Element { tag: "a", attrs, .. } => footnote_reference_key(attrs).map(str::to_owned),
            _ => None,
        };
        if let Some(key) = key {
            f(node, &key);
            continue;
        }
        match &mut node.kind {
            MountedKind::Element { children, .. } => stack.extend(children.iter_mut().rev()),
            MountedKind::RawHtml(html) => raw |= html.contains("data-footnote-ref"),
            MountedKind::Text(_) => {}
        }
    }
    raw
}

/// Whether `nodes` hold a footnote reference.
fn contains_reference(nodes: &[Node]) -> bool {
    let mut stack: Vec<&Node> = nodes.iter().collect();
    while let Some(node) = stack.pop() {
        match node {
            Node::Element(el) if el.tag == "a" && footnote_reference_key(&el.attrs).is_some() => return true,
            Node::Element(el) => stack.extend(&el.children),
            Node::RawHtml(html) if html.contains("data-footnote-ref") => return true,
            _ => {}
        }
    }
    false
}
