//! Applies patch ops to the real DOM with `createElement` / `createTextNode` / `setAttribute` — never `innerHTML`.
//! Tag and attribute names arrive as `&'static str` from the renderer's allowlist; text goes through text nodes.
//!
//! The text of a code element that the ops extend again and again (a long code block arriving token by token) is kept
//! in segments: once the segment being extended holds [`SEGMENT_UNITS`] UTF-16 code units, further text goes into a
//! new text node right after it. Blink redoes the whole text of the block's inline layout on every `appendData`, and
//! for code, shorter nodes make that cheaper (benches/results/blink-floor.md: a 64 KB code block streams 12% faster,
//! and rillmark's fence-2000 in half the time, findings.md 1). Not for prose: the same split makes an append into a
//! long paragraph about twice as slow there (a plain 50 KB paragraph by 64 bytes: 1,142 → 521 ms without it). The
//! ops still name one text: the segments are this module's business.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;

use crate::html_policy::{self, ElementAction, Namespace};
use crate::options::{HtmlMode, ImagePolicy, RenderOptions};
use crate::patch::{NodeId, PatchOp, PatchSink, ROOT};
use wasm_bindgen::JsCast;
use web_sys::{CharacterData, Document, DomParser, Element, Node, SupportedType, Text};

use super::headless::HostOps;
use super::plugins::{self, FinalBlock, SharedPlugins};

/// Where a renderer's patch ops go: the DOM, the host's `onPatch`, or both, through a queue.
///
/// A DOM call can run page code synchronously: removing a focused link fires `focusout`, and its listener may call
/// back into the renderer (`status`, `flush()`, `cancel()`). So the pipeline never applies ops itself: it queues
/// them ([`queue`](Sink::queue)) under the borrow of the renderer's state, and [`drain`](Sink::drain) applies them
/// once that borrow is released. A call that comes in while ops are being applied finds the state free; ops it
/// makes are queued and applied by the drain already running, right after the op in progress, in order.
pub struct Sink {
    queue: RefCell<Vec<PatchOp>>,
    dom: RefCell<Option<DomApplier>>,
    host: Option<HostOps>,
    draining: Cell<bool>,
    /// The answer ended: forget the id table once the last ops are applied.
    forget: Cell<bool>,
    /// DOM mutations (or, headless, ops handed to the host other than `release`), for the `mutations` getter.
    mutations: Cell<u64>,
    /// The host's plug-ins (only with a DOM), and the ids of blocks the engine made final, handled after the ops
    /// queued with them.
    plugins: Option<SharedPlugins>,
    finals: RefCell<Vec<NodeId>>,
}

impl Sink {
    pub fn new(dom: Option<DomApplier>, host: Option<HostOps>) -> Sink {
        let plugins = dom.as_ref().and_then(|dom| dom.plugins.clone());
        Sink {
            plugins,
            finals: RefCell::new(Vec::new()),
            queue: RefCell::new(Vec::new()),
            dom: RefCell::new(dom),
            host,
            draining: Cell::new(false),
            forget: Cell::new(false),
            mutations: Cell::new(0),
        }
    }

    /// The [`PatchSink`] a pipeline renders into: it queues the ops.
    pub fn queue(&self) -> Queue<'_> {
        Queue(&self.queue)
    }

    pub fn mutations(&self) -> u64 {
        self.mutations.get()
    }

    /// Whether the plug-ins want the ids of blocks that became final ([`blocks_final`](Self::blocks_final)).
    pub fn wants_final_blocks(&self) -> bool {
        self.plugins.as_ref().is_some_and(|p| p.try_borrow().is_ok_and(|p| p.wants_final_blocks()))
    }

    /// Blocks the engine made final in the render whose ops were just queued.
    pub fn blocks_final(&self, ids: Vec<NodeId>) {
        if !ids.is_empty() && self.plugins.is_some() {
            self.finals.borrow_mut().extend(ids);
        }
    }

    /// Plug-in calls that failed, for `stats.pluginErrors`.
    pub fn plugin_errors(&self) -> u64 {
        self.plugins.as_ref().and_then(|p| p.try_borrow().ok().map(|p| p.errors())).unwrap_or(0)
    }

    /// The answer was cancelled: no plug-in call from now on.
    pub fn stop_plugins(&self) {
        if let Some(Ok(mut plugins)) = self.plugins.as_ref().map(|p| p.try_borrow_mut()) {
            plugins.stop();
        }
    }

    /// Drops the id table once the queued ops are applied: no more ops will come.
    pub fn forget_nodes(&self) {
        self.forget.set(true);
    }

    /// Whether ops go to a DOM container (not headless only).
    pub fn has_dom(&self) -> bool {
        self.dom.try_borrow().is_ok_and(|dom| dom.is_some())
    }

    /// Hydration: the queued ops (a first render) are taken as already applied when the container's children show
    /// exactly what they build ([`DomApplier::adopt`]): the ids then name those nodes and nothing is mutated.
    /// Otherwise the container's children are removed and the ops applied (each removal counts as a mutation).
    /// Returns whether the existing nodes were adopted.
    pub fn hydrate(&self) -> bool {
        let ops = std::mem::take(&mut *self.queue.borrow_mut());
        let planned = FirstRender::from_ops(&ops);
        let adopted = match self.dom.try_borrow_mut() {
            Ok(mut dom) => match dom.as_mut() {
                Some(dom) => {
                    let adopted = planned.is_some_and(|planned| dom.adopt(&planned));
                    if !adopted {
                        dom.clear_container();
                    }
                    adopted
                }
                None => false,
            },
            Err(_) => false,
        };
        if adopted {
            // The DOM already shows them: only the host (if any) still needs the ops.
            if let Some(host) = &self.host {
                host.push(ops);
                host.dispatch();
            }
        } else {
            self.queue.borrow_mut().splice(0..0, ops);
            self.drain();
        }
        adopted
    }

    /// Applies the queued ops to the DOM and hands them to the host; re-entrant calls return at once (the running
    /// drain applies what they queued).
    pub fn drain(&self) {
        if self.draining.replace(true) {
            return;
        }
        loop {
            let ops = std::mem::take(&mut *self.queue.borrow_mut());
            let finals = std::mem::take(&mut *self.finals.borrow_mut());
            if ops.is_empty() && finals.is_empty() {
                break;
            }
            let mut final_blocks = Vec::new();
            if let Ok(mut dom) = self.dom.try_borrow_mut() {
                if let Some(dom) = dom.as_mut() {
                    dom.apply(&ops);
                    self.mutations.set(dom.mutations());
                    final_blocks = dom.final_blocks(&finals);
                }
            }
            // Host code runs here, with the applier free: what it makes the renderer queue is applied next round.
            if let Some(plugins) = &self.plugins {
                plugins::run(plugins, final_blocks, false);
                if let Ok(mut dom) = self.dom.try_borrow_mut() {
                    if let Some(dom) = dom.as_mut() {
                        dom.take_swaps();
                    }
                }
            }
            if let Some(host) = &self.host {
                if self.dom.borrow().is_none() {
                    let counted = ops.iter().filter(|op| !matches!(op, PatchOp::Release { .. })).count() as u64;
                    self.mutations.set(self.mutations.get() + counted);
                }
                host.push(ops);
            }
        }
        if self.forget.get() {
            // The answer ended: every code view left is final (a fence in the reasoning, an unclosed one).
            if let Some(plugins) = &self.plugins {
                plugins::run(plugins, Vec::new(), true);
            }
            if let Some(dom) = self.dom.borrow_mut().as_mut() {
                dom.forget_nodes();
            }
        }
        self.draining.set(false);
        if let Some(host) = &self.host {
            host.dispatch();
        }
    }
}

/// A pipeline's [`PatchSink`]: appends to the [`Sink`]'s queue.
pub struct Queue<'a>(&'a RefCell<Vec<PatchOp>>);

impl PatchSink for Queue<'_> {
    fn apply(&mut self, ops: &[PatchOp]) {
        self.0.borrow_mut().extend_from_slice(ops);
    }
}

/// The length (UTF-16 code units) at which the text of a code element stops being extended in place and continues
/// in a new text node.
pub const SEGMENT_UNITS: u32 = 1024;

/// The DOM side of the id protocol: id → live DOM node.
pub struct DomApplier {
    document: Document,
    nodes: Vec<Option<Node>>,
    /// For a text id, the text nodes after its first one that continue it (empty for almost every id).
    segments: Vec<Vec<Text>>,
    /// DOM mutations made (ops that touched attached or detached nodes), for metrics.
    mutations: u64,
    /// What raw HTML may become ([`html_policy`]); in [`HtmlMode::Text`] the renderer emits none.
    html_mode: HtmlMode,
    /// The image policy, for `<img>` in sanitize mode.
    images: ImagePolicy,
    /// Parses raw HTML inertly; made on first use.
    parser: Option<DomParser>,
    /// For a raw HTML id, the top-level nodes built from its parse, in order (never empty: an empty text node stands
    /// for HTML that built nothing, so ops can still place things next to it). The id names them all: appending,
    /// inserting, replacing or removing it does so to each, so the nodes sit in the page with no holder between
    /// them and their parent, as the one-shot HTML would put them (a `<table>` right in the container).
    raw_parts: HashMap<NodeId, Vec<Node>>,
    /// The host's plug-ins, which take the ops on the text of code blocks and math ([`plugins`]).
    plugins: Option<SharedPlugins>,
}

impl DomApplier {
    /// An applier drawing into `container` (id [`ROOT`]) of `document`.
    pub fn new(document: Document, container: &Element, opts: &RenderOptions) -> DomApplier {
        DomApplier {
            plugins: None,
            document,
            nodes: vec![Some(container.clone().into())],
            segments: Vec::new(),
            mutations: 0,
            html_mode: opts.html_mode(),
            images: opts.images.clone(),
            parser: None,
            raw_parts: HashMap::new(),
        }
    }

    /// Points the ids of `<pre>`s a block renderer's element stands for (or no longer does) at what is in the page.
    fn take_swaps(&mut self) {
        let swaps = match self.plugins.as_ref().map(|p| p.try_borrow_mut()) {
            Some(Ok(mut plugins)) => plugins.take_swaps(),
            _ => return,
        };
        for (id, node) in swaps {
            if self.get(id).is_some() {
                self.put(id, node);
            }
        }
    }

    /// The page nodes of the blocks `ids` (the engine made them final), with their `onBlock` type.
    fn final_blocks(&self, ids: &[NodeId]) -> Vec<FinalBlock> {
        let mut blocks = Vec::with_capacity(ids.len());
        for &id in ids {
            let raw = self.raw_parts.get(&id);
            let node = match raw {
                Some(parts) => parts.iter().find(|p| p.node_type() == Node::ELEMENT_NODE).or(parts.first()).cloned(),
                None => self.get(id).cloned(),
            };
            let Some(node) = node else { continue };
            let kind = match (raw, node.dyn_ref::<Element>().map(Element::local_name).as_deref()) {
                (Some(_), _) => "html",
                (_, Some("p")) => "paragraph",
                (_, Some("h1" | "h2" | "h3" | "h4" | "h5" | "h6")) => "heading",
                (_, Some("pre")) => match node.dyn_ref::<Element>().and_then(|pre| pre.query_selector("code").ok()?) {
                    Some(code) if code.has_attribute("data-math-style") => "math",
                    _ => "code",
                },
                (_, Some("ul" | "ol")) => "list",
                (_, Some("blockquote")) => "quote",
                (_, Some("table")) => "table",
                (_, Some("hr")) => "rule",
                (_, Some("section")) => "footnotes",
                _ => "html",
            };
            blocks.push(FinalBlock { id, node, kind });
        }
        blocks
    }

    /// Hands an op on the text of a plugged code block or math span to the plug-ins; `true` when they took it.
    fn plugged(&self, op: &PatchOp) -> bool {
        let Some(Ok(mut plugins)) = self.plugins.as_ref().map(|p| p.try_borrow_mut()) else { return false };
        match op {
            PatchOp::AppendText { id, text } => plugins.append_text(*id, text),
            PatchOp::ReplaceText { id, start, delete, text } => plugins.replace_text(*id, *start, *delete, text),
            PatchOp::Append { parent, child } => match (self.get(*parent), self.get(*child)) {
                (Some(parent_node), Some(child_node)) => plugins.append(*parent, parent_node, *child, child_node),
                _ => false,
            },
            PatchOp::Remove { id } => plugins.remove(*id),
            PatchOp::Replace { old, new } => self.get(*new).is_some_and(|node| plugins.replace(*old, *new, node)),
            PatchOp::Release { id } => {
                plugins.release(*id);
                false
            }
            _ => false,
        }
    }

    /// The applier with the host's plug-ins.
    pub(super) fn with_plugins(mut self, plugins: Option<SharedPlugins>) -> DomApplier {
        self.plugins = plugins;
        self
    }

    /// Drops the id table once no more ops will come (the DOM nodes stay in the page).
    pub fn forget_nodes(&mut self) {
        self.nodes.truncate(1);
        self.nodes.shrink_to_fit();
        self.segments = Vec::new();
        self.raw_parts = HashMap::new();
    }

    pub fn mutations(&self) -> u64 {
        self.mutations
    }

    /// Maps the ids of `planned` (a first render, not applied) onto the container's existing children when they show
    /// exactly that tree: same elements (HTML namespace, tag, attributes in order), same text, and for raw HTML the
    /// nodes this applier would build from it (`isEqualNode`). Nothing in the page is touched; on `false` the id
    /// table is as before.
    fn adopt(&mut self, planned: &FirstRender<'_>) -> bool {
        let Some(container) = self.get(ROOT).cloned() else { return false };
        let mut pairs = Vec::new();
        let mut raw = Vec::new();
        if !self.adopt_children(planned, ROOT, &container, &mut pairs, &mut raw) {
            return false;
        }
        for (id, node) in pairs {
            self.put(id, node);
        }
        for (id, parts) in raw {
            self.raw_parts.insert(id, parts);
        }
        true
    }

    /// Matches the children of planned `id` with the children of `live`, collecting `(id, node)` pairs and raw HTML
    /// parts. Iterative over siblings, recursive over depth (the renderer's trees are at most `MAX_DEPTH` deep).
    fn adopt_children(
        &mut self,
        planned: &FirstRender<'_>,
        id: NodeId,
        live: &Node,
        pairs: &mut Vec<(NodeId, Node)>,
        raw: &mut Vec<(NodeId, Vec<Node>)>,
    ) -> bool {
        let list = live.child_nodes();
        let live_children: Vec<Node> = (0..list.length()).filter_map(|i| list.item(i)).collect();
        let mut at = 0;
        let Some(node) = planned.get(id) else { return false };
        for &child in &node.children {
            let Some(planned_child) = planned.get(child) else { return false };
            match &planned_child.shape {
                Shape::Element(tag) => {
                    let Some(node) = live_children.get(at) else { return false };
                    let attrs = &planned_child.attrs;
                    if !element_shows(node, tag, attrs) || !self.adopt_children(planned, child, node, pairs, raw) {
                        return false;
                    }
                    pairs.push((child, node.clone()));
                    at += 1;
                }
                Shape::Text(text) => {
                    let Some(node) = live_children.get(at) else { return false };
                    let same = node.node_type() == Node::TEXT_NODE && node.node_value().as_deref() == Some(text);
                    if !same {
                        return false;
                    }
                    pairs.push((child, node.clone()));
                    at += 1;
                }
                Shape::Raw(html) => {
                    let fragment: Node = self.document.create_document_fragment().into();
                    if self.parse_html(&fragment, html).is_none() {
                        fragment.set_text_content(Some(html));
                    }
                    // The walk leaves adjacent text nodes where it unwraps an element (`a <x>b</x>`); HTML carries
                    // them as one. Only this detached copy is normalised: the ids name the raw HTML's top-level
                    // nodes, and later changes to them go through `morph_list`, which compares structure.
                    fragment.normalize();
                    let built = fragment.child_nodes();
                    let count = built.length() as usize;
                    // HTML that built nothing has an empty text node in a page that rendered it, which HTML cannot
                    // carry: no match.
                    if count == 0 || at + count > live_children.len() {
                        return false;
                    }
                    let parts = live_children[at..at + count].to_vec();
                    let equal =
                        parts.iter().enumerate().all(|(i, part)| part.is_equal_node(built.item(i as u32).as_ref()));
                    if !equal {
                        return false;
                    }
                    pairs.push((child, parts[0].clone()));
                    raw.push((child, parts));
                    at += count;
                }
            }
        }
        at == live_children.len()
    }

    /// Removes the container's children (a hydration that found other content), counting each as a mutation.
    fn clear_container(&mut self) {
        let Some(container) = self.get(ROOT).cloned() else { return };
        while let Some(child) = container.first_child() {
            if container.remove_child(&child).is_err() {
                break;
            }
            self.mutations += 1;
        }
    }

    fn get(&self, id: NodeId) -> Option<&Node> {
        self.nodes.get(id as usize).and_then(Option::as_ref)
    }

    fn put(&mut self, id: NodeId, node: Node) {
        let index = id as usize;
        if self.nodes.len() <= index {
            self.nodes.resize(index + 1, None);
        }
        self.nodes[index] = Some(node);
    }

    /// The page nodes id `id` names: its raw HTML parts, or its one node.
    fn nodes_of(&self, id: NodeId) -> Vec<Node> {
        match self.raw_parts.get(&id) {
            Some(parts) => parts.clone(),
            None => self.get(id).cloned().into_iter().collect(),
        }
    }

    /// The first page node id `id` names (what an insertion before it goes before).
    fn first_node(&self, id: NodeId) -> Option<Node> {
        match self.raw_parts.get(&id) {
            Some(parts) => parts.first().cloned(),
            None => self.get(id).cloned(),
        }
    }

    /// The text nodes after the first that continue text `id`.
    fn more_segments(&self, id: NodeId) -> &[Text] {
        self.segments.get(id as usize).map_or(&[], Vec::as_slice)
    }

    /// Extends text `id`: its last segment while that is short or not code, else a new segment placed right after it.
    fn append_text(&mut self, id: NodeId, text: &str) -> Option<()> {
        let last: CharacterData = match self.more_segments(id).last() {
            Some(segment) => segment.clone().into(),
            None => self.get(id)?.dyn_ref::<CharacterData>()?.clone(),
        };
        let parent = last.parent_node().filter(|parent| last.length() >= SEGMENT_UNITS && parent.node_name() == "CODE");
        let Some(parent) = parent else { return last.append_data(text).ok() };
        let segment = self.document.create_text_node(text);
        parent.insert_before(&segment, last.next_sibling().as_ref()).ok()?;
        let index = id as usize;
        if self.segments.len() <= index {
            self.segments.resize_with(index + 1, Vec::new);
        }
        self.segments[index].push(segment);
        Some(())
    }

    /// `replaceData` over the segments of text `id`: `start` and `delete` count UTF-16 code units of the whole text.
    fn replace_text(&self, id: NodeId, start: u32, delete: u32, text: &str) -> Option<()> {
        let first = self.get(id)?.dyn_ref::<CharacterData>()?.clone();
        let more = self.more_segments(id);
        if more.is_empty() {
            return first.replace_data(start, delete, text).ok();
        }
        let end = start + delete;
        let mut offset = 0;
        let mut inserted = false;
        for segment in std::iter::once(&first).chain(more.iter().map(|t| t.unchecked_ref::<CharacterData>())) {
            let length = segment.length();
            let (from, to) = (start.max(offset) - offset, end.min(offset + length).saturating_sub(offset));
            if !inserted && start <= offset + length {
                segment.replace_data(from, to.saturating_sub(from), text).ok()?;
                inserted = true;
            } else if to > from {
                segment.delete_data(from, to - from).ok()?;
            }
            offset += length;
            if offset >= end && inserted {
                break;
            }
        }
        Some(())
    }

    /// Detaches the segments after the first of text `id` and forgets them.
    fn drop_segments(&mut self, id: NodeId) {
        if let Some(more) = self.segments.get_mut(id as usize) {
            for segment in std::mem::take(more) {
                segment.remove();
            }
        }
    }

    /// Parses `html` inertly and builds into `holder` (a fragment) what [`html_policy`] allows; `None` when the
    /// page does not allow parsing (Trusted Types) or in text mode.
    ///
    /// A `DOMParser` document has no browsing context and scripting off: nothing in it runs or loads (no `<script>`,
    /// no `onerror` on an `<img>` that never fetches). Its nodes are never moved into the page: every node the page
    /// gets is made here with `createElementNS`, `setAttribute(NS)` and `createTextNode`, so a script element or an
    /// event handler can only reach the page through this walk, and the walk never makes one. The `<body>` prefix
    /// keeps leading `<style>`, `<meta>` or `<title>` out of the parsed `<head>`; the doctype keeps the parser out of
    /// quirks mode, which nests `<p>` and `<table>` differently.
    fn parse_html(&mut self, holder: &Node, html: &str) -> Option<()> {
        if self.html_mode == HtmlMode::Text {
            return None;
        }
        if self.parser.is_none() {
            self.parser = Some(DomParser::new().ok()?);
        }
        let mut source = String::with_capacity(html.len() + 21);
        source.push_str("<!DOCTYPE html><body>");
        source.push_str(html);
        let parsed = self.parser.as_ref()?.parse_from_string(&source, SupportedType::TextHtml).ok()?;
        let body = parsed.body()?;
        self.build_children(&body, holder);
        Some(())
    }

    /// Builds the allowed copies of `source`'s children into `target`, depth first, without recursion (the parser
    /// nests up to 512 deep).
    fn build_children(&self, source: &Node, target: &Node) {
        let mut stack: Vec<(Option<Node>, Node)> = vec![(source.first_child(), target.clone())];
        while let Some((cursor, parent)) = stack.last_mut() {
            let Some(node) = cursor.take() else {
                stack.pop();
                continue;
            };
            *cursor = node.next_sibling();
            let parent = parent.clone();
            match node.node_type() {
                Node::TEXT_NODE => {
                    let text = self.document.create_text_node(&node.node_value().unwrap_or_default());
                    let _ = parent.append_child(&text);
                }
                // Comments are harmless and the one-shot HTML keeps them; sanitize mode drops them as GitHub does.
                Node::COMMENT_NODE if self.html_mode == HtmlMode::Trusted => {
                    let comment = self.document.create_comment(&node.node_value().unwrap_or_default());
                    let _ = parent.append_child(&comment);
                }
                Node::ELEMENT_NODE => {
                    let Some(element) = node.dyn_ref::<Element>() else { continue };
                    let ns = Namespace::from_uri(element.namespace_uri().as_deref());
                    let name = element.local_name();
                    let mut action = html_policy::element_action(self.html_mode, ns, &name);
                    if ns == Namespace::Html
                        && name == "input"
                        && !html_policy::input_allowed(self.html_mode, element.get_attribute("type").as_deref())
                    {
                        action = ElementAction::Drop;
                    }
                    match action {
                        ElementAction::Drop => {}
                        ElementAction::Unwrap => stack.push((node.first_child(), parent)),
                        ElementAction::Keep => {
                            let Some(copy) = self.build_element(element, ns, &name) else { continue };
                            let _ = parent.append_child(&copy);
                            if copy.local_name() == name {
                                stack.push((node.first_child(), copy.into()));
                            }
                        }
                    }
                }
                _ => {}
            }
        }
    }

    /// A new element in the page's document for parsed `element`, with the attributes the policy allows; an `<img>`
    /// the image policy refuses becomes a placeholder `<span>` (no children are walked into it).
    fn build_element(&self, element: &Element, ns: Namespace, name: &str) -> Option<Element> {
        if ns == Namespace::Html && name == "img" {
            let src = element.get_attribute("src");
            let allowed_src =
                src.as_deref().and_then(|src| html_policy::attribute_value(self.html_mode, "img", "src", src));
            let fetch = allowed_src
                .as_deref()
                .is_some_and(|src| html_policy::image_fetch_allowed(self.html_mode, src, &self.images));
            if !fetch && self.html_mode == HtmlMode::Sanitize {
                let (attrs, label) = html_policy::image_placeholder(
                    src.as_deref(),
                    element.get_attribute("alt").as_deref(),
                    element.get_attribute("title").as_deref(),
                );
                let span = self.document.create_element("span").ok()?;
                for (name, value) in attrs {
                    span.set_attribute(name, &value).ok()?;
                }
                span.append_child(&self.document.create_text_node(&label)).ok()?;
                return Some(span);
            }
        }
        // A name with a colon (`<a:b>`, which the parser makes with local name `a:b`): `createElementNS` would split
        // it into a prefix and another local name, which Chromium and Firefox then serialise differently. An HTML
        // element is made as the parser makes it (`createElement` keeps the name whole); a foreign one cannot be, so
        // it is skipped with its content (a server's `renderToString` does the same: src/ssr/dom.rs).
        let copy = match ns {
            Namespace::Html => self.document.create_element(name).ok()?,
            _ if name.contains(':') => return None,
            _ => self.document.create_element_ns(ns.uri(), name).ok()?,
        };
        let attributes = element.attributes();
        for index in 0..attributes.length() {
            let Some(attribute) = attributes.item(index) else { continue };
            let local = attribute.local_name();
            let Some(value) = html_policy::attribute_value(self.html_mode, name, &local, &attribute.value()) else {
                continue;
            };
            // A name the DOM refuses (`<a "x"=1>` parses, `setAttribute` throws) is skipped, not fatal.
            let _ = match attribute.namespace_uri() {
                None => copy.set_attribute(&attribute.name(), &value),
                Some(uri) => copy.set_attribute_ns(Some(&uri), &attribute.name(), &value),
            };
        }
        if let Some(rel) = html_policy::forced_link_rel(self.html_mode, name, copy.has_attribute("href")) {
            copy.set_attribute("rel", rel).ok()?;
        }
        Some(copy)
    }

    /// Applies one op. DOM calls that throw (a broken op stream, a page script that moved our nodes) are skipped:
    /// rendering degrades, the wasm instance stays healthy.
    fn apply_one(&mut self, op: &PatchOp) -> Option<()> {
        self.mutations += 1;
        if self.plugins.is_some() && self.plugged(op) {
            return Some(());
        }
        match op {
            PatchOp::CreateElement { id, tag } => {
                let element = self.document.create_element(tag).ok()?;
                self.put(*id, element.into());
            }
            PatchOp::CreateText { id, text } => {
                let text = self.document.create_text_node(text);
                self.put(*id, text.into());
            }
            PatchOp::CreateRawHtml { id, html } => {
                let fragment: Node = self.document.create_document_fragment().into();
                // Raw HTML is parsed inertly and rebuilt through the policy. Where the page forbids parsing (Trusted
                // Types), or in text mode (never reached: the renderer then emits no raw HTML), it is shown as text:
                // content never silently disappears.
                if self.parse_html(&fragment, html).is_none() {
                    fragment.set_text_content(Some(html));
                }
                let children = fragment.child_nodes();
                let mut parts: Vec<Node> = (0..children.length()).filter_map(|i| children.item(i)).collect();
                if parts.is_empty() {
                    parts.push(self.document.create_text_node("").into());
                }
                self.put(*id, parts[0].clone());
                self.raw_parts.insert(*id, parts);
            }
            PatchOp::SetAttribute { id, name, value } => {
                self.get(*id)?.dyn_ref::<Element>()?.set_attribute(name, value).ok()?;
            }
            PatchOp::RemoveAttribute { id, name } => {
                self.get(*id)?.dyn_ref::<Element>()?.remove_attribute(name).ok()?;
            }
            PatchOp::AppendText { id, text } => self.append_text(*id, text)?,
            PatchOp::ReplaceText { id, start, delete, text } => self.replace_text(*id, *start, *delete, text)?,
            PatchOp::Append { parent, child } => {
                let parent = self.get(*parent)?;
                for node in self.nodes_of(*child) {
                    parent.append_child(&node).ok()?;
                }
            }
            PatchOp::Prepend { parent, child } => {
                let parent = self.get(*parent)?;
                let first = parent.first_child();
                for node in self.nodes_of(*child) {
                    parent.insert_before(&node, first.as_ref()).ok()?;
                }
            }
            PatchOp::InsertBefore { parent, child, before } => {
                let parent = self.get(*parent)?;
                let before = self.first_node(*before);
                for node in self.nodes_of(*child) {
                    parent.insert_before(&node, before.as_ref()).ok()?;
                }
            }
            PatchOp::Replace { old, new } if self.raw_parts.contains_key(old) && self.raw_parts.contains_key(new) => {
                // The open block's raw HTML changed (more of it arrived): patch the nodes in the page into the new
                // parse rather than swapping them, so what was there stays (a growing paragraph keeps its `<b>`, an
                // image is not fetched again) and only the difference is applied.
                let old_nodes = self.nodes_of(*old);
                let parent = old_nodes.first()?.parent_node()?;
                let kept = morph_list(&parent, &old_nodes, &self.nodes_of(*new), MORPH_DEPTH)?;
                self.put(*new, kept.first()?.clone());
                self.raw_parts.insert(*new, kept);
            }
            PatchOp::Replace { old, new } => {
                self.drop_segments(*old);
                let old_nodes = self.nodes_of(*old);
                let anchor = old_nodes.first()?;
                let parent = anchor.parent_node()?;
                for node in self.nodes_of(*new) {
                    parent.insert_before(&node, Some(anchor)).ok()?;
                }
                for node in &old_nodes {
                    parent.remove_child(node).ok()?;
                }
            }
            PatchOp::Remove { id } => {
                self.drop_segments(*id);
                for node in self.nodes_of(*id) {
                    node.parent_node()?.remove_child(&node).ok()?;
                }
            }
            PatchOp::Release { id } => {
                self.mutations -= 1; // bookkeeping only: the DOM is not touched
                if *id != ROOT {
                    if let Some(slot) = self.nodes.get_mut(*id as usize) {
                        *slot = None;
                    }
                    if let Some(more) = self.segments.get_mut(*id as usize) {
                        *more = Vec::new();
                    }
                    self.raw_parts.remove(id);
                }
            }
        }
        Some(())
    }
}

/// The tree a renderer's first ops build from nothing, by id: what hydration expects to find in the container. An op
/// this does not follow (a `replaceText`, which a first render does not make) leaves no plan, and hydration replaces
/// the container's content.
struct FirstRender<'a> {
    nodes: Vec<Option<Planned<'a>>>,
}

struct Planned<'a> {
    shape: Shape<'a>,
    attrs: Vec<(&'static str, &'a str)>,
    children: Vec<NodeId>,
    parent: Option<NodeId>,
}

enum Shape<'a> {
    Element(&'static str),
    Text(String),
    Raw(&'a str),
}

impl<'a> FirstRender<'a> {
    fn from_ops(ops: &'a [PatchOp]) -> Option<FirstRender<'a>> {
        let mut plan = FirstRender { nodes: Vec::new() };
        plan.create(ROOT, Shape::Element(""));
        for op in ops {
            match op {
                PatchOp::CreateElement { id, tag } => plan.create(*id, Shape::Element(tag)),
                PatchOp::CreateText { id, text } => plan.create(*id, Shape::Text(text.clone())),
                PatchOp::CreateRawHtml { id, html } => plan.create(*id, Shape::Raw(html)),
                PatchOp::SetAttribute { id, name, value } => {
                    let attrs = &mut plan.nodes.get_mut(*id as usize)?.as_mut()?.attrs;
                    match attrs.iter_mut().find(|(n, _)| n == name) {
                        Some(existing) => existing.1 = value,
                        None => attrs.push((name, value)),
                    }
                }
                PatchOp::RemoveAttribute { id, name } => {
                    plan.nodes.get_mut(*id as usize)?.as_mut()?.attrs.retain(|(n, _)| n != name);
                }
                PatchOp::AppendText { id, text } => match &mut plan.nodes.get_mut(*id as usize)?.as_mut()?.shape {
                    Shape::Text(existing) => existing.push_str(text),
                    _ => return None,
                },
                PatchOp::Append { parent, child } => plan.insert(*parent, *child, |children| Some(children.len()))?,
                PatchOp::Prepend { parent, child } => plan.insert(*parent, *child, |_| Some(0))?,
                PatchOp::InsertBefore { parent, child, before } => {
                    plan.insert(*parent, *child, |children| children.iter().position(|c| c == before))?
                }
                PatchOp::Replace { old, new } => {
                    let parent = plan.get(*old)?.parent?;
                    plan.insert(parent, *new, |children| children.iter().position(|c| c == old))?;
                    plan.detach(*old);
                }
                PatchOp::Remove { id } => plan.detach(*id),
                PatchOp::Release { id } => {
                    plan.detach(*id);
                    *plan.nodes.get_mut(*id as usize)? = None;
                }
                PatchOp::ReplaceText { .. } => return None,
            }
        }
        Some(plan)
    }

    fn create(&mut self, id: NodeId, shape: Shape<'a>) {
        let index = id as usize;
        if self.nodes.len() <= index {
            self.nodes.resize_with(index + 1, || None);
        }
        self.nodes[index] = Some(Planned { shape, attrs: Vec::new(), children: Vec::new(), parent: None });
    }

    fn get(&self, id: NodeId) -> Option<&Planned<'a>> {
        self.nodes.get(id as usize)?.as_ref()
    }

    /// Puts `child` into `parent`'s children at `position(children)`.
    fn insert(
        &mut self,
        parent: NodeId,
        child: NodeId,
        position: impl FnOnce(&[NodeId]) -> Option<usize>,
    ) -> Option<()> {
        self.get(child)?;
        self.detach(child);
        let children = &mut self.nodes.get_mut(parent as usize)?.as_mut()?.children;
        let at = position(children)?;
        children.insert(at, child);
        self.nodes.get_mut(child as usize)?.as_mut()?.parent = Some(parent);
        Some(())
    }

    /// Takes `id` out of its parent's children.
    fn detach(&mut self, id: NodeId) {
        let Some(parent) = self.nodes.get_mut(id as usize).and_then(Option::as_mut).and_then(|n| n.parent.take())
        else {
            return;
        };
        if let Some(Some(parent)) = self.nodes.get_mut(parent as usize) {
            parent.children.retain(|c| *c != id);
        }
    }
}

/// Whether `node` is an HTML element named `tag` with exactly the attributes `attrs`, in order.
fn element_shows(node: &Node, tag: &str, attrs: &[(&'static str, &str)]) -> bool {
    let Some(element) = node.dyn_ref::<Element>() else { return false };
    if element.namespace_uri().as_deref() != Some(Namespace::HTML_URI) || element.local_name() != tag {
        return false;
    }
    let live = element.attributes();
    live.length() as usize == attrs.len()
        && attrs.iter().enumerate().all(|(i, (name, value))| {
            live.item(i as u32).is_some_and(|a| a.namespace_uri().is_none() && a.name() == *name && a.value() == *value)
        })
}

/// How deep [`morph_list`] patches in place; deeper subtrees are swapped whole (the parser nests up to 512).
const MORPH_DEPTH: usize = 64;

/// Patches `old` (consecutive children of `parent`, in the page) until they show `new` (detached nodes built by the
/// walk), keeping every old node that has the same kind, name and attribute names in the same order (so the result
/// serialises exactly like `new`); returns the nodes now standing for `new`. `None` when the DOM refuses a call.
fn morph_list(parent: &Node, old: &[Node], new: &[Node], depth: usize) -> Option<Vec<Node>> {
    let mut result = Vec::with_capacity(new.len());
    for (index, fresh) in new.iter().enumerate() {
        match old.get(index) {
            Some(live) if depth > 0 && morph_node(live, fresh, depth)? => result.push(live.clone()),
            Some(live) => {
                parent.replace_child(fresh, live).ok()?;
                result.push(fresh.clone());
            }
            None => {
                let after = result.last().and_then(Node::next_sibling);
                parent.insert_before(fresh, after.as_ref()).ok()?;
                result.push(fresh.clone());
            }
        }
    }
    for live in old.iter().skip(new.len()) {
        parent.remove_child(live).ok()?;
    }
    if result.is_empty() {
        // Nothing was built: keep a placeholder where the parts were, as CreateRawHtml does.
        let anchor: Node = parent.owner_document()?.create_text_node("").into();
        let after = old.first().and_then(|first| first.is_connected().then(|| first.clone()));
        parent.insert_before(&anchor, after.as_ref()).ok()?;
        result.push(anchor);
    }
    Some(result)
}

/// Patches `live` into `fresh` when they are the same kind of node with the same name and attribute names; `false`
/// (nothing touched) when they are not.
fn morph_node(live: &Node, fresh: &Node, depth: usize) -> Option<bool> {
    let kind = live.node_type();
    if kind != fresh.node_type() {
        return Some(false);
    }
    match kind {
        Node::TEXT_NODE | Node::COMMENT_NODE => {
            let (live, fresh) = (live.dyn_ref::<CharacterData>()?, fresh.dyn_ref::<CharacterData>()?);
            let (was, now) = (live.data(), fresh.data());
            if was != now {
                match now.strip_prefix(was.as_str()) {
                    Some(suffix) => live.append_data(suffix).ok()?,
                    None => live.set_data(&now),
                }
            }
            Some(true)
        }
        Node::ELEMENT_NODE => {
            let (live_el, fresh_el) = (live.dyn_ref::<Element>()?, fresh.dyn_ref::<Element>()?);
            if live_el.namespace_uri() != fresh_el.namespace_uri() || live_el.local_name() != fresh_el.local_name() {
                return Some(false);
            }
            let (was, now) = (live_el.attributes(), fresh_el.attributes());
            if was.length() != now.length() {
                return Some(false);
            }
            for index in 0..now.length() {
                let (a, b) = (was.item(index)?, now.item(index)?);
                if a.name() != b.name() || a.namespace_uri() != b.namespace_uri() {
                    return Some(false);
                }
            }
            for index in 0..now.length() {
                let (a, b) = (was.item(index)?, now.item(index)?);
                if a.value() != b.value() {
                    a.set_value(&b.value());
                }
            }
            let children = |node: &Node| {
                let list = node.child_nodes();
                (0..list.length()).filter_map(|i| list.item(i)).collect::<Vec<Node>>()
            };
            let (old_children, new_children) = (children(live), children(fresh));
            if old_children.is_empty() {
                for child in &new_children {
                    live.append_child(child).ok()?;
                }
            } else {
                morph_list(live, &old_children, &new_children, depth - 1)?;
                // morph_list keeps a placeholder text node when `fresh` has no children; an element holds none.
                if new_children.is_empty() {
                    while let Some(child) = live.first_child() {
                        live.remove_child(&child).ok()?;
                    }
                }
            }
            Some(true)
        }
        _ => Some(false),
    }
}

impl PatchSink for DomApplier {
    fn apply(&mut self, ops: &[PatchOp]) {
        if self.plugins.is_some() {
            self.take_swaps(); // an async block renderer that failed put its `<pre>` back
        }
        for op in ops {
            let _ = self.apply_one(op);
        }
    }
}
