//! The `highlight` half of the plug-ins: a code view's lines (plain until their tokens arrive), the incremental
//! highlight calls while the fence streams and the final one (the lines left, or the whole block for a highlighter
//! without state), and the checked tokens turned into spans. The line arithmetic is plain Rust in [`crate::highlight`].

use js_sys::{Array, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Document, Element, HtmlElement};

use super::{is_thenable, CodeView, Finality, LineView, Plugins, Request, Token};
use crate::highlight::{self, split_lines};
use crate::html_policy;
use crate::patch::NodeId;

impl Plugins {
    /// Brings a code view's DOM in line with its model (plain lines for new ones), then asks for highlights.
    pub(super) fn sync_code(&mut self, id: NodeId) {
        let document = self.document.clone();
        let Some(view) = self.codes.get_mut(&id) else { return };
        if view.finality == Finality::Replaced {
            return;
        }
        let lang = highlight::language_of(&view.code.get_attribute("class").unwrap_or_default()).to_owned();
        if lang != view.lang {
            view.lang = lang;
            view.done = 0;
            view.states.clear();
            view.stateful = None;
            view.failed = false;
        }
        let promoted = view.lines.last().filter(|line| !line.newline).map(|line| line.end);
        if view.valid == view.lines.len() && promoted == Some(view.model.len()) {
            return self.advance(id); // final, and nothing changed
        }
        // Only the text after the lines known to be valid is split (a frame's work is the new text, not the block).
        let mut keep = view.valid.min(view.lines.len());
        while keep > 0 && !view.lines[keep - 1].newline {
            keep -= 1; // a final last line without a newline may have grown
        }
        let offset = keep.checked_sub(1).map_or(0, |last| view.lines[last].end);
        let (new_lines, tail) = split_lines(view.model.get(offset..).unwrap_or(""));
        if keep < view.lines.len() || !new_lines.is_empty() || tail != view.tail_text {
            // Lines the text no longer has, or a final last line that turned back into the line still arriving.
            for line in view.lines.drain(keep..) {
                line.node.remove();
            }
            let mut end = offset;
            for text in new_lines {
                end += text.len() + 1;
                let Some(node) = line_node(&document, text, None, true) else { continue };
                let _ = view.code.insert_before(&node, Some(&view.tail));
                view.lines.push(LineView { text: text.to_owned(), tokens: None, newline: true, end, node });
            }
            if view.tail_text != tail {
                view.tail.set_data(tail);
                view.tail_text = tail.to_owned();
            }
            if view.finality == Finality::Final {
                view.finality = Finality::Open; // changed after it was final (a replaced answer): final again later
                view.final_done = false;
                self.open.push(id);
            }
        }
        view.valid = view.lines.len();
        if view.done > keep {
            view.done = keep;
            view.states.retain(|(lines, _)| *lines <= keep);
            if view.stateful == Some(true) {
                view.done = view.states.last().map_or(0, |(lines, _)| *lines);
            }
        }
        self.advance(id);
    }

    /// Starts the next highlight call of a code view if none is running: the new complete lines while it streams,
    /// the final pass once it is final.
    pub(super) fn advance(&mut self, id: NodeId) {
        let Some(highlight) = self.opts.highlight.clone() else { return };
        if self.stopped {
            return;
        }
        let generation = self.generation + 1;
        let Some(view) = self.codes.get_mut(&id) else { return };
        if view.request.is_some() || view.failed || view.finality == Finality::Replaced {
            return;
        }
        let (window, final_pass, previous) = match view.finality {
            Finality::Final if view.final_done => return,
            Finality::Final => {
                promote_tail(&self.document, view);
                // A highlighter that returns state has seen every line before `done` once, in order, from the state
                // the line before left: only the lines after (the last one, shown plain while it arrived) are left.
                // A stateless one saw windows with a few lines of context: it highlights the whole block again.
                match view.states.last() {
                    Some((lines, state)) if view.stateful == Some(true) && *lines == view.done => {
                        (view.done..view.lines.len(), true, state.clone())
                    }
                    _ => (0..view.lines.len(), true, JsValue::UNDEFINED),
                }
            }
            _ => {
                let stateful = view.stateful == Some(true);
                let Some(window) = highlight::next_window(view.done, view.lines.len(), stateful) else { return };
                let previous = match view.states.last() {
                    Some((lines, state)) if stateful && *lines == window.start => state.clone(),
                    _ if stateful && window.start > 0 => return, // no state at `done`: cannot continue
                    _ => JsValue::UNDEFINED,
                };
                (window, false, previous)
            }
        };
        if window.is_empty() {
            view.final_done = final_pass;
            return;
        }
        let code = join_lines(&view.lines[window.clone()]);
        self.generation = generation;
        view.request = Some(Request { generation, window, code: code.clone(), final_pass });
        let lang = view.lang.clone();
        let answer = highlight.call3(&JsValue::NULL, &code.into(), &lang.into(), &previous);
        match answer {
            Err(_) => self.failed(id),
            Ok(value) if is_thenable(&value) => {
                let weak = self.weak.clone();
                let promise = Promise::resolve(&value);
                wasm_bindgen_futures::spawn_local(async move {
                    let settled = JsFuture::from(promise).await;
                    let Some(plugins) = weak.upgrade() else { return };
                    let Ok(mut plugins) = plugins.try_borrow_mut() else { return };
                    plugins.answered(id, generation, settled.ok());
                });
            }
            Ok(value) => self.answered(id, generation, Some(value)),
        }
    }

    /// A highlight answer (`None`: it threw or rejected) for request `generation` of code view `id`.
    fn answered(&mut self, id: NodeId, generation: u64, value: Option<JsValue>) {
        let document = self.document.clone();
        let Some(view) = self.codes.get_mut(&id) else { return };
        let Some(request) = view.request.take_if(|r| r.generation == generation) else { return };
        if self.stopped {
            return;
        }
        let Some(value) = value else { return self.failed(id) };
        let current = view.lines.get(request.window.clone()).map(join_lines);
        if current.as_deref() != Some(request.code.as_str()) {
            // The lines changed while an async answer was on its way: drop it, ask again.
            return self.advance(id);
        }
        let (lines, state) = if Array::is_array(&value) {
            (value, None)
        } else if value.is_object() {
            let get = |key: &str| Reflect::get(&value, &key.into()).ok().filter(|v| !v.is_undefined());
            (get("lines").unwrap_or(JsValue::UNDEFINED), get("state"))
        } else {
            (JsValue::UNDEFINED, None)
        };
        // Context lines a stateless highlighter was given again are not read (their shown tokens stay).
        let skip = if request.final_pass { 0 } else { view.done.saturating_sub(request.window.start) };
        let Some(tokens) = read_lines(&lines, request.window.len(), skip) else { return self.failed(id) };
        if !request.final_pass && view.stateful.is_none() {
            view.stateful = Some(state.is_some());
        }
        let mut mismatched = false;
        for (index, tokens) in request.window.clone().zip(tokens) {
            if !request.final_pass && index < view.done {
                continue; // context for a stateless highlighter: shown lines stay as they are
            }
            let line = &mut view.lines[index];
            // The tokens must spell the line exactly, or `code.textContent` would not be the code.
            let text_matches = tokens.iter().map(|t| t.content.len()).sum::<usize>() == line.text.len()
                && tokens.iter().fold(String::with_capacity(line.text.len()), |s, t| s + &t.content) == line.text;
            let tokens = if text_matches {
                Some(tokens)
            } else {
                mismatched = true;
                None
            };
            if line.tokens != tokens {
                if let Some(node) = line_node(&document, &line.text, tokens.as_deref(), line.newline) {
                    let _ = view.code.replace_child(&node, &line.node);
                    line.node = node;
                    line.tokens = tokens;
                }
            }
        }
        if request.final_pass {
            view.final_done = true;
        } else {
            view.done = request.window.end;
            if let Some(state) = state.filter(|_| view.stateful == Some(true)) {
                view.states.push((request.window.end, state));
            }
        }
        if mismatched {
            self.errors += 1;
        }
        self.advance(id);
    }

    /// The highlighter threw, rejected or answered in the wrong shape: the block is shown plain.
    fn failed(&mut self, id: NodeId) {
        self.errors += 1;
        let document = self.document.clone();
        let Some(view) = self.codes.get_mut(&id) else { return };
        view.failed = true;
        view.request = None;
        for line in &mut view.lines {
            if line.tokens.is_some() {
                if let Some(node) = line_node(&document, &line.text, None, line.newline) {
                    let _ = view.code.replace_child(&node, &line.node);
                    line.node = node;
                    line.tokens = None;
                }
            }
        }
    }
}

/// The last line of a final block, if the code does not end with a newline, becomes a line of its own.
fn promote_tail(document: &Document, view: &mut CodeView) {
    if view.tail_text.is_empty() {
        return;
    }
    let text = std::mem::take(&mut view.tail_text);
    view.tail.set_data("");
    if let Some(node) = line_node(document, &text, None, false) {
        let _ = view.code.insert_before(&node, Some(&view.tail));
        let end = view.model.len();
        view.lines.push(LineView { text, tokens: None, newline: false, end, node });
    }
}

fn join_lines(lines: &[LineView]) -> String {
    let mut code = String::new();
    for (i, line) in lines.iter().enumerate() {
        if i > 0 {
            code.push('\n');
        }
        code.push_str(&line.text);
    }
    code
}

/// A highlighter's `lines`: `expected` arrays of tokens, each `{ content: string, color?, fontStyle?, className? }`;
/// `None` for any other shape. Colours and class names that fail the policy are dropped here. The first `skip` lines
/// are only checked to be arrays (their tokens are not wanted).
fn read_lines(lines: &JsValue, expected: usize, skip: usize) -> Option<Vec<Vec<Token>>> {
    if !Array::is_array(lines) {
        return None;
    }
    let lines: &Array = lines.unchecked_ref();
    if lines.length() as usize != expected {
        return None;
    }
    let mut read = Vec::with_capacity(expected);
    for (index, line) in lines.iter().enumerate() {
        if !Array::is_array(&line) {
            return None;
        }
        let mut tokens = Vec::new();
        if index < skip {
            read.push(tokens);
            continue;
        }
        for token in line.unchecked_into::<Array>().iter() {
            if !token.is_object() {
                return None;
            }
            let get = |key: &str| Reflect::get(&token, &key.into()).ok();
            let content = get("content")?.as_string()?;
            let color = get("color").and_then(|c| c.as_string()).filter(|c| html_policy::token_color_allowed(c));
            let font_style = get("fontStyle").and_then(|f| f.as_f64()).filter(|f| f.fract() == 0.0 && *f >= 0.0);
            let class = get("className").and_then(|c| c.as_string()).and_then(|c| html_policy::token_class_names(&c));
            tokens.push(Token { content, color, font_style: font_style.map_or(0, |f| (f as u32) & 15), class });
        }
        read.push(tokens);
    }
    Some(read)
}

/// A `span.rillmark-line` for `text`: its tokens as spans (a token with nothing to style as bare text), or the text
/// plain; a `\n` at its end when `newline`.
fn line_node(document: &Document, text: &str, tokens: Option<&[Token]>, newline: bool) -> Option<Element> {
    let line = document.create_element("span").ok()?;
    line.set_attribute("class", "rillmark-line").ok()?;
    match tokens {
        Some(tokens) => {
            for token in tokens {
                if token.content.is_empty() {
                    continue;
                }
                let text = document.create_text_node(&token.content);
                if token.color.is_none() && token.font_style == 0 && token.class.is_none() {
                    line.append_child(&text).ok()?;
                    continue;
                }
                let span = document.create_element("span").ok()?;
                if let Some(class) = &token.class {
                    span.set_attribute("class", class).ok()?;
                }
                let style = span.unchecked_ref::<HtmlElement>().style();
                if let Some(color) = &token.color {
                    style.set_property("color", color).ok()?;
                }
                if token.font_style & 1 != 0 {
                    style.set_property("font-style", "italic").ok()?;
                }
                if token.font_style & 2 != 0 {
                    style.set_property("font-weight", "bold").ok()?;
                }
                let decoration = match token.font_style & 12 {
                    4 => Some("underline"),
                    8 => Some("line-through"),
                    12 => Some("underline line-through"),
                    _ => None,
                };
                if let Some(decoration) = decoration {
                    style.set_property("text-decoration", decoration).ok()?;
                }
                span.append_child(&text).ok()?;
                line.append_child(&span).ok()?;
            }
            if newline {
                line.append_child(&document.create_text_node("\n")).ok()?;
            }
        }
        None => {
            let mut plain = String::with_capacity(text.len() + 1);
            plain.push_str(text);
            if newline {
                plain.push('\n');
            }
            line.append_child(&document.create_text_node(&plain)).ok()?;
        }
    }
    Some(line)
}
