//! Applies patch ops to the real DOM with `createElement` / `createTextNode` / `setAttribute` — never `innerHTML`.
//! Tag and attribute names arrive as `&'static str` from the renderer's allowlist; text goes through text nodes.

use crate::patch::{NodeId, PatchOp, PatchSink, ROOT};
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, Node};

/// The DOM side of the id protocol: id → live DOM node.
pub struct DomApplier {
    document: Document,
    nodes: Vec<Option<Node>>,
    /// DOM mutations made (ops that touched attached or detached nodes), for metrics.
    mutations: u64,
    /// Raw HTML is parsed by the browser only when the host declared its content trusted.
    trusted: bool,
}

impl DomApplier {
    /// An applier drawing into `container` (id [`ROOT`]) of `document`.
    pub fn new(document: Document, container: &Element, trusted: bool) -> DomApplier {
        DomApplier { document, nodes: vec![Some(container.clone().into())], mutations: 0, trusted }
    }

    /// Drops the id table once no more ops will come (the DOM nodes stay in the page).
    pub fn forget_nodes(&mut self) {
        self.nodes.truncate(1);
        self.nodes.shrink_to_fit();
    }

    pub fn mutations(&self) -> u64 {
        self.mutations
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

    /// Parses `html` in the context of `holder` and appends the result; `None` when the page does not allow it.
    fn parse_html(&self, holder: &Element, html: &str) -> Option<()> {
        let range = self.document.create_range().ok()?;
        range.select_node_contents(holder).ok()?;
        let fragment = range.create_contextual_fragment(html).ok()?;
        holder.append_child(&fragment).ok()?;
        Some(())
    }

    /// Applies one op. DOM calls that throw (a broken op stream, a page script that moved our nodes) are skipped:
    /// rendering degrades, the wasm instance stays healthy.
    fn apply_one(&mut self, op: &PatchOp) -> Option<()> {
        self.mutations += 1;
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
                let holder = self.document.create_element("rillmark-html").ok()?;
                // Through the CSSOM, not a `style` attribute: allowed under a strict `style-src`.
                if let Some(styled) = holder.dyn_ref::<web_sys::HtmlElement>() {
                    let _ = styled.style().set_property("display", "contents");
                }
                // Trusted mode parses raw HTML with the browser. Where the page forbids that (Trusted Types), or in
                // safe mode (never reached: the renderer emits raw HTML only when trusted), it is shown as text:
                // content never silently disappears.
                let parsed = self.trusted.then(|| self.parse_html(&holder, html)).flatten();
                if parsed.is_none() {
                    holder.set_text_content(Some(html));
                }
                self.put(*id, holder.into());
            }
            PatchOp::SetAttribute { id, name, value } => {
                self.get(*id)?.dyn_ref::<Element>()?.set_attribute(name, value).ok()?;
            }
            PatchOp::RemoveAttribute { id, name } => {
                self.get(*id)?.dyn_ref::<Element>()?.remove_attribute(name).ok()?;
            }
            PatchOp::AppendText { id, text } => {
                self.get(*id)?.dyn_ref::<web_sys::CharacterData>()?.append_data(text).ok()?;
            }
            PatchOp::ReplaceText { id, start, delete, text } => {
                self.get(*id)?.dyn_ref::<web_sys::CharacterData>()?.replace_data(*start, *delete, text).ok()?;
            }
            PatchOp::Append { parent, child } => {
                self.get(*parent)?.append_child(self.get(*child)?).ok()?;
            }
            PatchOp::Prepend { parent, child } => {
                let parent = self.get(*parent)?;
                parent.insert_before(self.get(*child)?, parent.first_child().as_ref()).ok()?;
            }
            PatchOp::InsertBefore { parent, child, before } => {
                self.get(*parent)?.insert_before(self.get(*child)?, self.get(*before)).ok()?;
            }
            PatchOp::Replace { old, new } => {
                let old = self.get(*old)?;
                old.parent_node()?.replace_child(self.get(*new)?, old).ok()?;
            }
            PatchOp::Remove { id } => {
                let node = self.get(*id)?;
                node.parent_node()?.remove_child(node).ok()?;
            }
            PatchOp::Release { id } => {
                self.mutations -= 1; // bookkeeping only: the DOM is not touched
                if *id != ROOT {
                    if let Some(slot) = self.nodes.get_mut(*id as usize) {
                        *slot = None;
                    }
                }
            }
        }
        Some(())
    }
}

impl PatchSink for DomApplier {
    fn apply(&mut self, ops: &[PatchOp]) {
        for op in ops {
            let _ = self.apply_one(op);
        }
    }
}
