//! The host's plug-ins (issue 16): `highlight`, `math`, `blocks`, `codeActions` and `onBlock`.
//!
//! The engine emits the same ops with or without them. For a code block (`pre > code`) or a math span
//! (`span[data-math-style]`) the applier hands the ops that target its text to this module instead of the DOM: the
//! text is kept here as the engine's view of the node (the *model*), and the element shows a *view* built from it:
//! one `span.rillmark-line` per complete line (highlighted, or plain until its tokens arrive) and the line still
//! arriving as plain text; a fresh element the host typesets math into; or, for a finished fence with a block
//! renderer, the host's element in place of the `<pre>`. The view's nodes are made here with `createElement` and
//! `createTextNode` only: a token's text is text, its colour and class pass `html_policy::token_color_allowed` and
//! `html_policy::token_class_names` or are dropped. The highlight views are [`highlight_view`]; their line logic is
//! plain Rust in [`crate::highlight`].
//!
//! Host functions run after an op batch is applied ([`run`]), never inside it, with this state borrowed and the
//! applier free: a call back into the renderer from a plug-in queues its ops for the running drain. An async result
//! (a promise) comes back through [`Weak`] state: a renderer freed, or cancelled, before it settles drops it; a
//! result for lines that changed since the call is dropped too.

use std::cell::RefCell;
use std::ops::Range;
use std::rc::{Rc, Weak};

use js_sys::{Array, Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Document, Element, Node, Text};

use crate::highlight;
use crate::patch::NodeId;

mod highlight_view;

/// The plug-in options, as `new Renderer()` read them.
#[derive(Default)]
pub struct PluginOptions {
    pub highlight: Option<Function>,
    pub math: Option<Function>,
    pub blocks: Vec<(String, Function)>,
    pub code_actions: bool,
    pub on_block: Option<Function>,
}

impl PluginOptions {
    pub fn any(&self) -> bool {
        self.highlight.is_some()
            || self.math.is_some()
            || !self.blocks.is_empty()
            || self.code_actions
            || self.on_block.is_some()
    }

    fn plugs_code(&self) -> bool {
        self.highlight.is_some() || !self.blocks.is_empty() || self.code_actions || self.on_block.is_some()
    }

    fn block_renderer(&self, lang: &str) -> Option<&Function> {
        self.blocks.iter().find(|(name, _)| name == lang).map(|(_, f)| f)
    }
}

pub type SharedPlugins = Rc<RefCell<Plugins>>;

/// A top-level block the engine made final, as the applier found it in the page.
pub struct FinalBlock {
    pub id: NodeId,
    pub node: Node,
    pub kind: &'static str,
}

/// One token of a highlighted line: Shiki's `codeToTokensBase` shape, checked.
#[derive(Clone, PartialEq)]
struct Token {
    content: String,
    color: Option<String>,
    font_style: u32,
    class: Option<String>,
}

/// A complete line as the view shows it.
struct LineView {
    text: String,
    /// `None`: shown plain.
    tokens: Option<Vec<Token>>,
    /// Whether a `\n` ends it (all but a last line the code does not end with a newline).
    newline: bool,
    /// The byte offset in the model just after it (and its newline).
    end: usize,
    node: Element,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Finality {
    /// The fence may still grow.
    Open,
    /// Final: the final highlight pass is wanted (or done, when no highlight runs).
    Final,
    /// A block renderer's element stands in the page for the `<pre>`.
    Replaced,
}

struct Request {
    generation: u64,
    window: Range<usize>,
    code: String,
    /// The block's last call: its lines are final (the whole block, or the lines a stateful highlighter had left).
    final_pass: bool,
}

struct CodeView {
    code: Element,
    pre_id: NodeId,
    pre: Element,
    model: String,
    /// Leading shown lines still equal to the model's (edits lower it; a sync brings it back up).
    valid: usize,
    lang: String,
    lines: Vec<LineView>,
    tail: Text,
    tail_text: String,
    /// Complete lines highlighted while the fence streams.
    done: usize,
    /// Whether the highlighter gave a grammar state back (unknown before its first answer).
    stateful: Option<bool>,
    /// `(lines highlighted, the state after them)`.
    states: Vec<(usize, JsValue)>,
    request: Option<Request>,
    /// The highlighter failed on this block: it stays plain.
    failed: bool,
    finality: Finality,
    /// The final highlight pass is done.
    final_done: bool,
    /// The block renderer's element, while it stands in the page for the `<pre>`.
    stand_in: Option<Element>,
}

struct MathView {
    model: String,
    shown: Option<String>,
    display: bool,
    host: Element,
    element: Option<Element>,
}

/// Values by node id, in a vector: ids are small and dense (the applier's own table is a vector too), and this is
/// smaller in the module than a hash map per value type.
struct Slots<T>(Vec<Option<T>>);

impl<T> Slots<T> {
    fn get(&self, id: &NodeId) -> Option<&T> {
        self.0.get(*id as usize)?.as_ref()
    }

    fn get_mut(&mut self, id: &NodeId) -> Option<&mut T> {
        self.0.get_mut(*id as usize)?.as_mut()
    }

    fn contains_key(&self, id: &NodeId) -> bool {
        self.get(id).is_some()
    }

    /// Sets the value of `id`; the one it had, if any.
    fn insert(&mut self, id: NodeId, value: T) -> Option<T> {
        let index = id as usize;
        if self.0.len() <= index {
            self.0.resize_with(index + 1, || None);
        }
        self.0[index].replace(value)
    }

    fn remove(&mut self, id: &NodeId) -> Option<T> {
        self.0.get_mut(*id as usize)?.take()
    }
}

/// What draws a finished fence: a `blocks` renderer, or `math` for a ```` ```math ```` fence.
enum BlockCall {
    Renderer(Function),
    Math(Function),
}

/// The plug-in state of one renderer.
pub struct Plugins {
    opts: PluginOptions,
    document: Document,
    weak: Weak<RefCell<Plugins>>,
    codes: Slots<Box<CodeView>>,
    maths: Slots<Box<MathView>>,
    /// A plugged text id → the code or math element id it is the text of.
    texts: Slots<NodeId>,
    /// The last text appended to a `code` element not (yet) in a `pre`: plugged if the element goes into one.
    code_texts: Slots<NodeId>,
    dirty: Vec<NodeId>,
    /// `(pre id, element)`: a block renderer's element now stands for the `<pre>` (or the `<pre>` again), for the
    /// applier's id table.
    swaps: Vec<(NodeId, Node)>,
    seen_blocks: Slots<()>,
    /// The code views that may still be open (final ones are dropped from it as blocks are finished).
    open: Vec<NodeId>,
    errors: u64,
    stopped: bool,
    ended: bool,
    generation: u64,
}

impl Plugins {
    pub fn new(document: Document, opts: PluginOptions) -> SharedPlugins {
        Rc::new_cyclic(|weak| {
            RefCell::new(Plugins {
                opts,
                document,
                weak: weak.clone(),
                codes: Slots(Vec::new()),
                maths: Slots(Vec::new()),
                texts: Slots(Vec::new()),
                code_texts: Slots(Vec::new()),
                dirty: Vec::new(),
                swaps: Vec::new(),
                seen_blocks: Slots(Vec::new()),
                open: Vec::new(),
                errors: 0,
                stopped: false,
                ended: false,
                generation: 0,
            })
        })
    }

    /// Plug-in calls that threw, rejected or answered in the wrong shape (`stats.pluginErrors`).
    pub fn errors(&self) -> u64 {
        self.errors
    }

    /// Cancelled: no host call from now on, and async results are dropped.
    pub fn stop(&mut self) {
        self.stopped = true;
    }

    pub fn take_swaps(&mut self) -> Vec<(NodeId, Node)> {
        std::mem::take(&mut self.swaps)
    }

    fn mark(&mut self, owner: NodeId) {
        if !self.dirty.contains(&owner) {
            self.dirty.push(owner);
        }
    }

    // --- ops (called by the applier; no host code runs here) ------------------------------------------------------

    /// `Append { parent, child }`: `true` when it was taken here (the child's text became a model); a code element
    /// going into a `pre` is plugged here and still appended by the applier.
    pub fn append(&mut self, parent_id: NodeId, parent: &Node, child_id: NodeId, child: &Node) -> bool {
        if let Some(text) = child.dyn_ref::<Text>() {
            if self.codes.contains_key(&parent_id) || self.maths.contains_key(&parent_id) {
                self.plug_text(parent_id, child_id, &text.data());
                return true;
            }
            let Some(element) = parent.dyn_ref::<Element>() else { return false };
            if element.local_name() == "code" && (self.opts.plugs_code() || self.opts.math.is_some()) {
                self.code_texts.insert(parent_id, child_id);
            } else if element.local_name() == "span" && self.opts.math.is_some() {
                if let Some(style) = element.get_attribute("data-math-style") {
                    let view = MathView {
                        model: String::new(),
                        shown: None,
                        display: style == "display",
                        host: element.clone(),
                        element: None,
                    };
                    self.maths.insert(parent_id, Box::new(view));
                    self.plug_text(parent_id, child_id, &text.data());
                    return true;
                }
            }
            return false;
        }
        let (Some(pre), Some(code)) = (parent.dyn_ref::<Element>(), child.dyn_ref::<Element>()) else { return false };
        if pre.local_name() != "pre" || code.local_name() != "code" {
            return false;
        }
        let lang = highlight::language_of(&code.get_attribute("class").unwrap_or_default()).to_owned();
        let math_fence = self.opts.math.is_some() && lang == "math";
        if !(self.opts.plugs_code() || math_fence) {
            self.code_texts.remove(&child_id);
            return false;
        }
        // A code block: its text (appended before the code went into the `pre`) becomes the model.
        let model = code.text_content().unwrap_or_default();
        while let Some(first) = code.first_child() {
            if code.remove_child(&first).is_err() {
                return false;
            }
        }
        let tail = self.document.create_text_node("");
        if code.append_child(&tail).is_err() {
            return false;
        }
        let view = CodeView {
            code: code.clone(),
            pre_id: parent_id,
            pre: pre.clone(),
            model: String::new(),
            valid: 0,
            lang,
            lines: Vec::new(),
            tail,
            tail_text: String::new(),
            done: 0,
            stateful: None,
            states: Vec::new(),
            request: None,
            failed: false,
            finality: Finality::Open,
            final_done: false,
            stand_in: None,
        };
        self.codes.insert(child_id, Box::new(view));
        self.open.push(child_id);
        match self.code_texts.remove(&child_id) {
            Some(text_id) => self.plug_text(child_id, text_id, &model),
            None => self.mark(child_id),
        }
        false // the code element itself still goes into its `pre`
    }

    fn plug_text(&mut self, owner: NodeId, text_id: NodeId, text: &str) {
        self.texts.insert(text_id, owner);
        if let Some(view) = self.codes.get_mut(&owner) {
            view.valid = 0;
            view.model = text.to_owned();
        } else if let Some(view) = self.maths.get_mut(&owner) {
            view.model = text.to_owned();
        }
        self.mark(owner);
    }

    /// The model of plugged text `id`, and its owner.
    fn model(&mut self, id: NodeId) -> Option<(NodeId, &mut String, Option<&mut usize>)> {
        let owner = *self.texts.get(&id)?;
        if let Some(view) = self.codes.get_mut(&owner) {
            return Some((owner, &mut view.model, Some(&mut view.valid)));
        }
        let view = self.maths.get_mut(&owner)?;
        Some((owner, &mut view.model, None))
    }

    pub fn append_text(&mut self, id: NodeId, text: &str) -> bool {
        let Some((owner, model, _)) = self.model(id) else { return false };
        model.push_str(text);
        self.mark(owner);
        true
    }

    pub fn replace_text(&mut self, id: NodeId, start: u32, delete: u32, text: &str) -> bool {
        let Some((owner, model, valid)) = self.model(id) else { return false };
        let at = highlight::replace_utf16(model, start, delete, text);
        if let Some(valid) = valid {
            *valid = (*valid).min(highlight::lines_before(model, at));
        }
        self.mark(owner);
        true
    }

    /// `Remove { id }` of a plugged text: the element shows no text.
    pub fn remove(&mut self, id: NodeId) -> bool {
        let Some((owner, model, valid)) = self.model(id) else { return false };
        model.clear();
        if let Some(valid) = valid {
            *valid = 0;
        }
        self.texts.remove(&id);
        self.mark(owner);
        true
    }

    /// `Replace { old, new }` of a plugged text by a text.
    pub fn replace(&mut self, old: NodeId, new: NodeId, new_node: &Node) -> bool {
        let Some(owner) = self.texts.get(&old).copied() else { return false };
        let Some(text) = new_node.dyn_ref::<Text>() else { return self.remove(old) };
        self.texts.remove(&old);
        self.plug_text(owner, new, &text.data());
        true
    }

    /// `Release { id }`: forget what the id named.
    pub fn release(&mut self, id: NodeId) {
        self.texts.remove(&id);
        self.code_texts.remove(&id);
        self.codes.remove(&id);
        self.maths.remove(&id);
        self.seen_blocks.remove(&id);
    }

    /// Whether the host wants final blocks.
    pub fn wants_final_blocks(&self) -> bool {
        self.opts.plugs_code() || self.opts.math.is_some()
    }

    // --- views (host code runs from here on) ---------------------------------------------------------------------

    fn sync_math(&mut self, id: NodeId) {
        let Some(math) = self.opts.math.clone() else { return };
        let Some(view) = self.maths.get_mut(&id) else { return };
        if view.shown.as_deref() == Some(view.model.as_str()) || self.stopped {
            return;
        }
        let Ok(element) = self.document.create_element("span") else { return };
        let _ = element.set_attribute("class", "rillmark-math");
        let placed = match &view.element {
            Some(old) => view.host.replace_child(&element, old).is_ok(),
            None => view.host.append_child(&element).is_ok(),
        };
        if !placed {
            return;
        }
        view.element = Some(element.clone());
        view.shown = Some(view.model.clone());
        let (tex, display) = (view.model.clone(), view.display);
        let options = Object::new();
        let _ = Reflect::set(&options, &"display".into(), &display.into());
        if math.call3(&JsValue::NULL, &tex.as_str().into(), &options, &element).is_err() {
            self.errors += 1;
            while let Some(child) = element.first_child() {
                let _ = element.remove_child(&child);
            }
            let _ = element.set_attribute("class", "rillmark-math rillmark-math-error");
            element.set_text_content(Some(&tex));
        }
    }

    /// The fence is final: its block renderer, else the final highlight pass and the code actions.
    fn finalize_code(&mut self, id: NodeId) {
        let Some(view) = self.codes.get_mut(&id) else { return };
        if view.finality != Finality::Open {
            return;
        }
        view.finality = Finality::Final;
        let renderer = match (self.opts.block_renderer(&view.lang), &self.opts.math) {
            (Some(renderer), _) => Some(BlockCall::Renderer(renderer.clone())),
            // A ```` ```math ```` fence is display math (comrak marks it so): typeset as `$$…$$` is.
            (None, Some(math)) if view.lang == "math" => Some(BlockCall::Math(math.clone())),
            _ => None,
        };
        if let Some(renderer) = renderer.filter(|_| !self.stopped) {
            if self.render_block(id, &renderer) {
                return;
            }
        }
        self.add_code_actions(id);
        self.advance(id);
    }

    /// Calls a block renderer with an element put in place of the `<pre>`; `false` (the `<pre>` back) if it threw.
    fn render_block(&mut self, id: NodeId, renderer: &BlockCall) -> bool {
        let Some(view) = self.codes.get_mut(&id) else { return false };
        let Ok(element) = self.document.create_element("div") else { return false };
        let _ = element.set_attribute("class", "rillmark-block");
        let _ = element.set_attribute("data-lang", &view.lang);
        let Some(parent) = view.pre.parent_node() else { return false };
        if parent.replace_child(&element, &view.pre).is_err() {
            return false;
        }
        view.finality = Finality::Replaced;
        view.stand_in = Some(element.clone());
        let (pre_id, pre, code) = (view.pre_id, view.pre.clone(), view.model.clone());
        self.swaps.push((pre_id, element.clone().into()));
        let called = match renderer {
            BlockCall::Renderer(renderer) => renderer.call2(&JsValue::NULL, &code.into(), &element),
            BlockCall::Math(math) => {
                let options = Object::new();
                let _ = Reflect::set(&options, &"display".into(), &true.into());
                let tex = code.strip_suffix('\n').unwrap_or(&code);
                math.call3(&JsValue::NULL, &tex.into(), &options, &element)
            }
        };
        match called {
            Err(_) => {
                self.unrender_block(id, &element);
                false
            }
            Ok(value) if is_thenable(&value) => {
                let weak = self.weak.clone();
                let promise = Promise::resolve(&value);
                wasm_bindgen_futures::spawn_local(async move {
                    if JsFuture::from(promise).await.is_ok() {
                        return;
                    }
                    let Some(plugins) = weak.upgrade() else { return };
                    let Ok(mut plugins) = plugins.try_borrow_mut() else { return };
                    if !plugins.stopped && plugins.codes.get(&id).is_some_and(|v| v.pre == pre) {
                        plugins.unrender_block(id, &element);
                        plugins.add_code_actions(id);
                        plugins.advance(id);
                    }
                });
                true
            }
            Ok(_) => true,
        }
    }

    /// A block renderer failed: the code block goes back where its element is.
    fn unrender_block(&mut self, id: NodeId, element: &Element) {
        self.errors += 1;
        let Some(view) = self.codes.get_mut(&id) else { return };
        if let Some(parent) = element.parent_node() {
            let _ = parent.replace_child(&view.pre, element);
        }
        view.finality = Finality::Final;
        view.stand_in = None;
        self.swaps.push((view.pre_id, view.pre.clone().into()));
    }

    /// `codeActions`: a language label and a copy button at the top of a finished code block.
    fn add_code_actions(&mut self, id: NodeId) {
        if !self.opts.code_actions {
            return;
        }
        let Some(view) = self.codes.get(&id) else { return };
        let build = || -> Result<Element, JsValue> {
            let actions = self.document.create_element("span")?;
            actions.set_attribute("class", "rillmark-code-actions")?;
            if !view.lang.is_empty() {
                let label = self.document.create_element("span")?;
                label.set_attribute("class", "rillmark-lang")?;
                label.set_text_content(Some(&view.lang));
                actions.append_child(&label)?;
            }
            let button = self.document.create_element("button")?;
            button.set_attribute("class", "rillmark-copy")?;
            button.set_attribute("type", "button")?;
            button.set_attribute("aria-label", "Copy code")?;
            button.set_text_content(Some("Copy"));
            COPY_LISTENER.with(|listener| {
                let add = Reflect::get(&button, &"addEventListener".into())?.dyn_into::<Function>()?;
                add.call2(&button, &"click".into(), listener.as_ref().unchecked_ref())
            })?;
            actions.append_child(&button)?;
            Ok(actions)
        };
        if let Ok(actions) = build() {
            let _ = view.pre.insert_before(&actions, view.pre.first_child().as_ref());
        }
    }

    fn call_on_block(&mut self, kind: &str, element: &JsValue, lang: Option<&str>) {
        let Some(on_block) = self.opts.on_block.clone() else { return };
        if self.stopped {
            return;
        }
        let info = Object::new();
        let _ = Reflect::set(&info, &"type".into(), &kind.into());
        let _ = Reflect::set(&info, &"element".into(), element);
        if let Some(lang) = lang {
            let _ = Reflect::set(&info, &"lang".into(), &lang.into());
        }
        if on_block.call1(&JsValue::NULL, &info).is_err() {
            self.errors += 1;
        }
    }

    /// Final blocks: the code views in them are finished (a nested fence gets an `onBlock` of its own), then the
    /// block's `onBlock`.
    fn finalize_block(&mut self, block: FinalBlock) {
        if self.seen_blocks.insert(block.id, ()).is_some() {
            return;
        }
        // `open` is in the order the views were made, which is the document's (sorting by document position instead
        // linked 3.5 KB of sort code into the module).
        let codes = &self.codes;
        self.open.retain(|id| codes.get(id).is_some_and(|v| v.finality == Finality::Open));
        let inside: Vec<(NodeId, bool)> = (self.open.iter())
            .filter_map(|&id| {
                let v = self.codes.get(&id)?;
                let top = v.pre.unchecked_ref::<Node>() == &block.node;
                (top || block.node.contains(Some(&v.pre))).then_some((id, top))
            })
            .collect();
        let mut element: JsValue = block.node.clone().into();
        let mut lang = None;
        for (id, top) in inside {
            self.finalize_code(id);
            let Some(view) = self.codes.get(&id) else { continue };
            let shown: JsValue = match (&view.stand_in, view.finality) {
                (Some(stand_in), Finality::Replaced) => stand_in.clone().into(),
                _ => view.pre.clone().into(),
            };
            let view_lang = view.lang.clone();
            if top {
                element = shown;
                lang = Some(view_lang);
            } else {
                self.call_on_block("code", &shown, Some(&view_lang));
            }
        }
        if block.kind == "code" && lang.is_none() {
            lang = Some(String::new());
        }
        self.call_on_block(block.kind, &element, lang.as_deref());
    }
}

thread_local! {
    /// The copy buttons' click listener: one for the whole instance (it lives as long as the page's buttons may be
    /// clicked, whatever happens to the renderers), reading the code from the button's `pre`.
    static COPY_LISTENER: Closure<dyn Fn(JsValue)> = Closure::new(|event: JsValue| {
        let Some(button) = Reflect::get(&event, &"currentTarget".into()).ok().and_then(|t| t.dyn_into::<Element>().ok())
        else {
            return;
        };
        let code = button.closest("pre").ok().flatten().and_then(|pre| pre.query_selector("code").ok().flatten());
        let Some(text) = code.and_then(|code| code.text_content()) else { return };
        let clipboard = web_sys::window()
            .and_then(|w| Reflect::get(&w, &"navigator".into()).ok())
            .and_then(|n| Reflect::get(&n, &"clipboard".into()).ok())
            .filter(|c| c.is_object());
        let Some(clipboard) = clipboard else { return };
        if let Some(write) = Reflect::get(&clipboard, &"writeText".into()).ok().and_then(|f| f.dyn_into::<Function>().ok()) {
            if let Ok(promise) = write.call1(&clipboard, &text.into()) {
                // A refused permission is the page's business; the rejection must not be unhandled.
                if let Ok(promise) = promise.dyn_into::<Promise>() {
                    IGNORE.with(|ignore| {
                        let _ = promise.catch(ignore);
                    });
                }
            }
        }
        let _ = button.set_attribute("data-copied", "");
    });
    /// Handles a refused clipboard write.
    static IGNORE: Closure<dyn FnMut(JsValue)> = Closure::new(|_: JsValue| {});
}

/// Runs the plug-ins after an op batch: math to typeset, code views to sync and highlight, blocks made final (and,
/// at the end of the answer, every code view left).
pub fn run(plugins: &SharedPlugins, finals: Vec<FinalBlock>, ending: bool) {
    let Ok(mut plugins) = plugins.try_borrow_mut() else { return };
    let dirty = std::mem::take(&mut plugins.dirty);
    for id in dirty {
        if plugins.maths.contains_key(&id) {
            plugins.sync_math(id);
        } else {
            plugins.sync_code(id);
        }
    }
    for block in finals {
        plugins.finalize_block(block);
    }
    if ending && !plugins.ended {
        plugins.ended = true;
        for id in std::mem::take(&mut plugins.open) {
            plugins.finalize_code(id);
        }
    }
}

fn is_thenable(value: &JsValue) -> bool {
    value.is_object()
        && !Array::is_array(value)
        && Reflect::get(value, &"then".into()).is_ok_and(|then| then.is_function())
}
