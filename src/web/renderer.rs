//! The JavaScript API: `new Renderer(container, options)`, `write`, `flush`, `finish`, `fetch`, `stream`, `cancel`,
//! `free` / `[Symbol.dispose]`, and the `text`, `stats`, `mutations` and `status` getters.
//!
//! Re-entrancy (page code may call any method from any callback, and from DOM events the renderer's own DOM changes
//! fire synchronously, such as `focusout` when a focused link is removed):
//! - every method takes `&self`; the stream routine holds an `Rc` of the [`Shared`] state, never the JS object, so
//!   `cancel()` or `free()` during a stream works;
//! - the [`Lifecycle`] is borrowed only by Rust code that calls no JavaScript: ops are queued under the borrow and
//!   applied after it ([`Sink`]), events and ops are handed to the host after it, fetches are aborted after it;
//! - a borrow that is busy all the same is a thrown JS error ([`busy`]), never a panic (which would trap the
//!   instance).

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

#[cfg(feature = "wire")]
use futures::future::{AbortHandle, Abortable};
use js_sys::{Function, JsString};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
#[cfg(feature = "wire")]
use web_sys::AbortController;
use web_sys::Element;

use super::apply::{DomApplier, Sink};
use super::frames::Frames;
use super::headless::HostOps;
use super::js::{self, StatsJs};
use super::lifecycle::Lifecycle;
use super::pace::BUDGET_MS;
use super::plugins::Plugins;
#[cfg(feature = "wire")]
use super::stream::{self, Source};
use crate::error::StreamError;
use crate::options::RenderOptions;
#[cfg(feature = "wire")]
use crate::pipeline::ResponseHeaders;
use crate::pipeline::{DialectChoice, Outcome, Pipeline};

// The TypeScript declarations of everything the API takes and gives, kept as a real .d.ts file.
#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = include_str!("rillmark.d.ts");

/// A renderer's state, shared by its JS object, its stream routine and its animation frame callback.
pub(super) struct Shared {
    opts: RenderOptions,
    dialect: DialectChoice,
    on_event: Option<Function>,
    lifecycle: RefCell<Lifecycle>,
    sink: Sink,
    frames: Frames,
    /// Set while events are handed to `onEvent`: a nested hand-over (from a call `onEvent` makes) leaves its events
    /// to the running one, which keeps them in order.
    dispatching: Cell<bool>,
    /// The stream reader's own work per frame, in ms ([`BUDGET_MS`]; tests lower it).
    budget_ms: Cell<f64>,
    /// The text the last `update()` was given (cleared by `write()`): a text that extends it hands only the rest to
    /// wasm, so growing text costs what writes of the deltas cost, not a copy of the whole text per call.
    updated: RefCell<Option<JsString>>,
    /// 1 once `hydrate()` replaced the container's content instead of adopting it (`stats.hydrationReplaced`).
    hydration_replaced: Cell<u64>,
}

impl Drop for Shared {
    fn drop(&mut self) {
        // A frame still requested would call the closure this drop frees.
        self.frames.cancel();
    }
}

/// How an answer ends: `finish()` or the end of a stream (the outcome given is for when there is no pipeline yet),
/// an abort (`cancel()`, `free()`, the host's signal), or a failure outside the pipeline.
enum End {
    Finish(Outcome),
    Abort,
    Fail(StreamError),
}

/// The error a method throws when it finds the renderer's state borrowed (a call from inside a call that should
/// not have reached page code). A JS error, never a panic.
fn busy() -> JsValue {
    js_sys::Error::new("the renderer is busy: called back while it updates (try again from a microtask)").into()
}

impl Shared {
    /// Runs `f` on the lifecycle; [`busy`] if it is borrowed.
    fn with<R>(&self, f: impl FnOnce(&mut Lifecycle) -> R) -> Result<R, JsValue> {
        let mut lifecycle = self.lifecycle.try_borrow_mut().map_err(|_| busy())?;
        Ok(f(&mut lifecycle))
    }

    fn read<R>(&self, f: impl FnOnce(&Lifecycle) -> R) -> Result<R, JsValue> {
        let lifecycle = self.lifecycle.try_borrow().map_err(|_| busy())?;
        Ok(f(&lifecycle))
    }

    pub fn is_streaming(&self) -> bool {
        self.read(Lifecycle::is_streaming).unwrap_or(false)
    }

    pub fn frames(&self) -> &Frames {
        &self.frames
    }

    pub fn budget_ms(&self) -> f64 {
        self.budget_ms.get()
    }

    /// Applies queued ops, then hands ops and events to the host: always after the lifecycle's borrow.
    fn after_work(&self) {
        self.sink.drain();
        self.dispatch_events();
    }

    /// Hands collected stream events to `onEvent`, outside any borrow; an exception it throws is ignored.
    fn dispatch_events(&self) {
        let Some(callback) = &self.on_event else { return };
        if self.dispatching.replace(true) {
            return;
        }
        let cancelled =
            || self.read(|l| matches!(l, Lifecycle::Ended { outcome: Outcome::Aborted, .. })).unwrap_or(true);
        let was_cancelled = cancelled();
        'dispatch: loop {
            let events = self.with(|l| l.pipeline_events()).unwrap_or_default();
            if events.is_empty() {
                break;
            }
            for event in &events {
                // The host cancelled (or freed the renderer) from a callback: no event after that.
                if !was_cancelled && cancelled() {
                    let _ = self.with(|l| l.pipeline_events()); // dropped, not handed over later either
                    break 'dispatch;
                }
                let _ = callback.call1(&JsValue::NULL, &js::event_js(event));
            }
        }
        self.dispatching.set(false);
    }

    /// Renders what arrived since the last render.
    pub fn render_now(&self) {
        let _ = self.with(|l| {
            if let Some(pipeline) = l.live_pipeline() {
                pipeline.render(&mut self.sink.queue());
                if self.sink.wants_final_blocks() {
                    self.sink.blocks_final(pipeline.take_final_blocks());
                }
            }
        });
        self.after_work();
    }

    /// Renders on the next animation frame (once per frame however many chunks arrive); at once without a window.
    pub fn request_frame(self: &Rc<Self>) {
        let weak: Weak<Shared> = Rc::downgrade(self);
        let requested = self.frames.request(|| {
            Closure::new(move || {
                if let Some(shared) = weak.upgrade() {
                    shared.frames.arrived();
                    shared.render_now();
                }
            })
        });
        if !requested {
            self.render_now();
        }
    }

    /// Ends the answer as `end` says (its pipeline makes the outcome; ops are queued), then stops what ran (frame,
    /// routine, request) and applies the last ops. Which running states it may end: `writes`, `streams`. Returns
    /// whether it ended the answer. One function, not one per way of ending: the pipeline's final render is large.
    #[inline(never)]
    fn end(&self, writes: bool, streams: bool, end: End) -> bool {
        let stop = self
            .with(|l| {
                l.end(writes, streams, |mut pipeline| {
                    let mut queue = self.sink.queue();
                    let outcome = match (end, pipeline.as_deref_mut()) {
                        (End::Abort, Some(p)) => p.abort(&mut queue),
                        (End::Abort, None) => Outcome::Aborted,
                        (End::Finish(_), Some(p)) => p.finish(&mut queue),
                        (End::Finish(without_pipeline), None) => without_pipeline,
                        (End::Fail(error), Some(p)) => p.fail(error, &mut queue),
                        (End::Fail(error), None) => Outcome::Error(error),
                    };
                    if let Some(p) = pipeline.filter(|_| self.sink.wants_final_blocks()) {
                        self.sink.blocks_final(p.take_final_blocks());
                    }
                    outcome
                })
            })
            .ok()
            .flatten();
        let Some(stop) = stop else { return false };
        let aborted = self.read(|l| matches!(l, Lifecycle::Ended { outcome: Outcome::Aborted, .. })).unwrap_or(false);
        // No frame may run after the end (the host may free the renderer at once).
        self.frames.cancel();
        self.sink.forget_nodes();
        if let Some(stop) = stop {
            stop.run();
        }
        self.after_work();
        if aborted {
            // Cancelled: no DOM mutation after this returns, so no plug-in result lands later either.
            self.sink.stop_plugins();
        }
        true
    }

    /// `cancel()`: renders what arrived (nothing received is lost) and ends `aborted`.
    pub fn cancel(&self) {
        self.end(true, true, End::Abort);
    }

    /// The stream's body ended, or its terminal marker came: the final render and the pipeline's outcome.
    pub fn finish_stream(&self) {
        self.end(false, true, End::Finish(Outcome::Incomplete));
    }

    /// A failure outside the pipeline (HTTP, network, usage): what was rendered stays; the outcome is the error.
    pub fn fail_stream(&self, error: StreamError) {
        self.end(false, true, End::Fail(error));
    }

    /// The host aborted the request or the body (its own signal): ends `aborted`, as `cancel()` would.
    pub fn abort_stream(&self) {
        self.end(false, true, End::Abort);
    }

    /// Makes the stream's pipeline once its headers are known.
    #[cfg(feature = "wire")]
    pub fn start_pipeline(&self, dialect: Option<DialectChoice>, headers: ResponseHeaders) {
        let mut pipeline = Pipeline::with_headers(self.opts.clone(), dialect.unwrap_or(self.dialect), headers);
        pipeline.keep_events(self.on_event.is_some());
        let _ = self.with(|l| {
            if let Lifecycle::Streaming { pipeline: slot, .. } = l {
                *slot = Some(pipeline);
            }
        });
    }

    /// Feeds a slice of the body: `(ended, backlog)`, or `None` when the stream no longer runs (cancelled).
    pub fn feed(&self, bytes: &[u8]) -> Option<(bool, usize)> {
        let fed = self
            .with(|l| {
                let pipeline = l.streaming_pipeline()?;
                pipeline.feed(bytes);
                Some((pipeline.is_ended(), pipeline.backlog()))
            })
            .ok()
            .flatten();
        self.dispatch_events();
        fed.filter(|_| self.is_streaming())
    }

    /// The outcome as the host sees it, or `undefined` before the end.
    fn outcome_js(&self) -> Result<JsValue, JsValue> {
        self.read(|l| match l {
            Lifecycle::Ended { pipeline, outcome } => {
                let (stats, text) = match pipeline {
                    Some(p) => {
                        let replaced = self.hydration_replaced.get();
                        (
                            StatsJs::new(p.stats(), p.finish_repairs(), replaced, p.shown_text_losses())
                                .with_plugin_errors(self.sink.plugin_errors()),
                            p.answer().text(),
                        )
                    }
                    None => (StatsJs::new(Default::default(), 0, 0, 0), ""),
                };
                js::outcome_js(outcome, stats, text)
            }
            _ => JsValue::UNDEFINED,
        })
    }
}

impl Lifecycle {
    /// The events collected since the last call (when the host listens).
    fn pipeline_events(&mut self) -> Vec<crate::dialect::StreamEvent> {
        match self {
            Lifecycle::Writing { pipeline, .. } => pipeline.take_events(),
            Lifecycle::Streaming { pipeline: Some(pipeline), .. }
            | Lifecycle::Ended { pipeline: Some(pipeline), .. } => pipeline.take_events(),
            _ => Vec::new(),
        }
    }
}

/// Whether `text` starts with `previous` (both JS strings: compared by the JS engine, with no copy into wasm).
fn extends(text: &JsString, previous: &JsString) -> bool {
    text.length() >= previous.length()
        && JsValue::from(text.slice(0, previous.length())) == *AsRef::<JsValue>::as_ref(previous)
}

/// Renders one answer (streamed or written) as markdown into a container element. Create a new one per answer.
///
/// Call `init()` (the package's default export) once before constructing one.
#[wasm_bindgen]
pub struct Renderer {
    shared: Rc<Shared>,
}

/// `free()` (or `[Symbol.dispose]`, or dropping it in Rust) stops a running stream first: the request is aborted,
/// the body cancelled, and the pending promise settles `aborted`. wasm-bindgen's finalizer frees a renderer that was
/// garbage-collected the same way (it cannot tell the two apart), so a page keeps a reference while it streams.
impl Drop for Renderer {
    fn drop(&mut self) {
        self.shared.cancel();
    }
}

#[wasm_bindgen]
impl Renderer {
    /// Renders into `container` (its existing children are left alone; rendered blocks are appended). With
    /// `onPatch` in the options, `container` may be `null`: the patch ops go to the host instead (headless mode).
    /// Throws a `TypeError` naming the option for an unknown option or a wrong type or value, or for a `null`
    /// container without `onPatch`.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "Element | null")] container: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "RendererOptions")] options: JsValue,
    ) -> Result<Renderer, JsValue> {
        let parsed = js::renderer_options(&options)?;
        let container = if container.is_null() || container.is_undefined() {
            None
        } else {
            // `instanceof Element` fails for an element of another frame's realm: its node type says it is one.
            if !container.is_instance_of::<Element>() && !js::is_element_node(&container) {
                return Err(js::type_error("container must be an Element or null"));
            }
            Some(container.unchecked_into::<Element>())
        };
        let dom = match container {
            Some(container) => {
                let document =
                    container.owner_document().ok_or_else(|| js::type_error("container must belong to a document"))?;
                let plugins = parsed.plugins.any().then(|| Plugins::new(document.clone(), parsed.plugins));
                Some(DomApplier::new(document, &container, &parsed.opts).with_plugins(plugins))
            }
            None if parsed.on_patch.is_some() => None,
            None => return Err(js::type_error("container is null: pass an Element, or onPatch for headless mode")),
        };
        let host = parsed.on_patch.map(HostOps::new);
        let shared = Rc::new(Shared {
            opts: parsed.opts,
            dialect: parsed.dialect,
            on_event: parsed.on_event,
            lifecycle: RefCell::new(Lifecycle::Idle),
            sink: Sink::new(dom, host),
            frames: Frames::default(),
            dispatching: Cell::new(false),
            budget_ms: Cell::new(BUDGET_MS),
            updated: RefCell::new(None),
            hydration_replaced: Cell::new(0),
        });
        Ok(Renderer { shared })
    }

    /// Appends markdown text; it is rendered on the next animation frame (or by `flush()`). A surrogate pair split
    /// between two calls is joined. Throws a `TypeError` for a non-string, and an `Error` after `finish()` or on a
    /// renderer that is streaming or has streamed.
    #[wasm_bindgen(js_name = write)]
    pub fn write_js(&self, #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue) -> Result<(), JsValue> {
        let text: js_sys::JsString = text.dyn_into().map_err(|_| js::type_error("write() takes a string"))?;
        self.shared.updated.replace(None);
        self.write_with(|carry| carry.take(&text))
    }

    /// Sets the whole answer text so far, for hosts that hold it whole (a framework component's `text` prop, the
    /// AI SDK's `useChat` message). A text that extends the current one appends the rest, exactly as `write(rest)`
    /// (only the rest is copied into wasm); any other text (edited, regenerated, replaced) starts the answer over
    /// with it, and the next render changes only the blocks that differ from the shown ones (equal blocks keep their
    /// nodes). Rendered on the next animation frame (or by `flush()`). After the end, the same text again is a no-op
    /// and another text throws (use a new Renderer); throws while a stream renders and for a non-string.
    pub fn update(&self, #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue) -> Result<(), JsValue> {
        let text: JsString = text.dyn_into().map_err(|_| js::type_error("update() takes a string"))?;
        let shared = &self.shared;
        let previous = shared.updated.replace(None);
        let rest = previous.filter(|previous| extends(&text, previous)).map(|p| text.slice(p.length(), text.length()));
        shared.with(|l| {
            if matches!(l, Lifecycle::Idle) {
                let mut pipeline = Pipeline::for_text(shared.opts.clone());
                pipeline.keep_events(shared.on_event.is_some());
                *l = Lifecycle::Writing { pipeline, carry: js::SurrogateCarry::default() };
            }
            match l {
                Lifecycle::Writing { pipeline, carry } => {
                    match &rest {
                        Some(rest) => pipeline.feed_text(&carry.take(rest)),
                        None => {
                            // The whole text: the pipeline tells an extension (of text written) from a replacement.
                            // A high surrogate held from the last text is in this one, if it extends it.
                            *carry = js::SurrogateCarry::default();
                            pipeline.update_text(&carry.take(&text));
                        }
                    }
                    Ok::<(), JsValue>(())
                }
                Lifecycle::Streaming { .. } => Err(js_sys::Error::new("update() while a stream is rendering").into()),
                Lifecycle::Ended { pipeline, .. } => {
                    let same = rest.as_ref().is_some_and(|rest| rest.length() == 0)
                        || pipeline.as_ref().is_some_and(|p| text == p.answer().text());
                    if same {
                        Ok(())
                    } else {
                        Err(js_sys::Error::new("update() with a new text after the answer ended; use a new Renderer")
                            .into())
                    }
                }
                Lifecycle::Idle => Ok(()),
            }
        })??;
        shared.updated.replace(Some(text));
        shared.request_frame();
        Ok(())
    }

    /// Adopts the container's existing children (HTML that `renderToString(text)` made on a server) as the render of
    /// `text`, without re-rendering it: when they show exactly what this renderer draws for `text`, its node ids are
    /// mapped onto them and nothing in the page changes (`mutations` stays 0); otherwise they are removed and `text`
    /// is rendered (`"replaced"`). Then `write()` and `finish()` go on as after `write(text)` and `flush()`. Throws a
    /// `TypeError` for a non-string or a headless renderer, and an `Error` unless it is the renderer's first call.
    #[wasm_bindgen(unchecked_return_type = "\"adopted\" | \"replaced\"")]
    pub fn hydrate(&self, #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue) -> Result<JsValue, JsValue> {
        let text: js_sys::JsString = text.dyn_into().map_err(|_| js::type_error("hydrate() takes a string"))?;
        let shared = &self.shared;
        if !shared.sink.has_dom() {
            return Err(js::type_error("hydrate() needs a container: a headless renderer has no DOM to adopt"));
        }
        shared.with(|l| {
            if !matches!(l, Lifecycle::Idle) {
                return Err(JsValue::from(js_sys::Error::new("hydrate() must be the renderer's first call")));
            }
            let mut pipeline = Pipeline::for_text(shared.opts.clone());
            pipeline.keep_events(shared.on_event.is_some());
            let mut carry = js::SurrogateCarry::default();
            pipeline.feed_text(&carry.take(&text));
            pipeline.render(&mut shared.sink.queue());
            *l = Lifecycle::Writing { pipeline, carry };
            Ok(())
        })??;
        let adopted = shared.sink.hydrate();
        if !adopted {
            shared.hydration_replaced.set(1);
        }
        shared.dispatch_events();
        Ok(JsValue::from_str(if adopted { "adopted" } else { "replaced" }))
    }

    /// Applies pending text to the DOM now instead of on the next animation frame.
    pub fn flush(&self) {
        self.shared.render_now();
    }

    /// Ends written input: the final DOM equals the one-shot render of everything written. Returns the outcome
    /// (`status: "done"`); the existing outcome if the answer already ended; `undefined` if nothing was written (or a
    /// stream is still running).
    #[wasm_bindgen(unchecked_return_type = "Outcome | undefined")]
    pub fn finish(&self) -> Result<JsValue, JsValue> {
        self.shared.with(|l| {
            if let Lifecycle::Writing { pipeline, carry } = l {
                pipeline.feed_text(carry.finish());
            }
        })?;
        self.shared.end(true, false, End::Finish(Outcome::Done { reason: None }));
        self.shared.outcome_js()
    }

    /// `fetch(url, init)` and render the streamed response. Resolves with the outcome; never rejects for stream
    /// failures (HTTP, provider, network errors are `{ status: "error" }`), only for misuse (a second stream, a
    /// renderer that was written to). `init.signal` is replaced by the renderer's own: use `cancel()` to stop.
    #[cfg(feature = "wire")]
    #[wasm_bindgen(unchecked_return_type = "Promise<Outcome>")]
    pub fn fetch(
        &self,
        url: String,
        #[wasm_bindgen(unchecked_optional_param_type = "RequestInit")] init: JsValue,
    ) -> js_sys::Promise {
        self.spawn_stream(Source::Request { url, init }, true)
    }

    /// Renders a `Response` (its status and content type are used as by `fetch`) or a `ReadableStream` of bytes
    /// (any `ArrayBufferView` or `ArrayBuffer`) or strings the host already has. `options.dialect` overrides the
    /// renderer's. Resolves like `fetch`.
    #[cfg(feature = "wire")]
    #[wasm_bindgen(unchecked_return_type = "Promise<Outcome>")]
    pub fn stream(
        &self,
        #[wasm_bindgen(unchecked_param_type = "StreamSource")] source: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "StreamOptions")] options: JsValue,
    ) -> js_sys::Promise {
        match js::stream_options(&options) {
            Ok(dialect) => self.spawn_stream(Source::Given { source, dialect }, false),
            Err(error) => js_sys::Promise::reject(&error),
        }
    }

    /// Stops the stream now: aborts the fetch (the server sees the connection close), cancels the body reader,
    /// keeps everything rendered (pending text is flushed first) and makes the pending promise resolve with
    /// `{ status: "aborted" }`. Synchronous and idempotent; no DOM mutation happens after it returns (called from a
    /// DOM event the renderer's own update fired, the update in progress completes first).
    pub fn cancel(&self) {
        self.shared.cancel();
    }

    /// The answer's markdown source received so far.
    // A `JsValue` made from the borrowed text: a returned `String` would be copied twice (to a Rust allocation, then
    // to JS). Rust callers have `text()`.
    #[wasm_bindgen(getter = text, unchecked_return_type = "string")]
    pub fn text_js(&self) -> Result<JsValue, JsValue> {
        self.shared.read(|l| JsValue::from_str(l.pipeline().map_or("", |p| p.answer().text())))
    }

    /// Live counters of the stream so far: `{ bytes, frames, malformed, unknown, finishRepairs, hydrationReplaced,
    /// shownTextLosses }`.
    #[wasm_bindgen(getter, unchecked_return_type = "LiveStats")]
    pub fn stats(&self) -> Result<JsValue, JsValue> {
        self.shared.read(|l| {
            let stats = l.pipeline().map_or(StatsJs::new(Default::default(), 0, 0, 0), |p| {
                StatsJs::new(p.stats(), p.finish_repairs(), self.shared.hydration_replaced.get(), p.shown_text_losses())
            });
            let stats = stats.with_plugin_errors(self.shared.sink.plugin_errors());
            js::stats_js(stats)
        })
    }

    /// DOM mutations made so far (creations, insertions, text and attribute changes).
    #[wasm_bindgen(getter)]
    pub fn mutations(&self) -> f64 {
        self.shared.sink.mutations() as f64
    }

    /// The status so far: `"idle"`, `"writing"`, `"streaming"` or the final outcome's status.
    // A `JsValue`, not a `String`: the name is a static string, with nothing to allocate. Rust callers have `status()`.
    #[wasm_bindgen(getter = status, unchecked_return_type = "RendererStatus")]
    pub fn status_js(&self) -> Result<JsValue, JsValue> {
        self.shared.read(|l| JsValue::from_str(l.status()))
    }
}

/// Rust-only (not exported to JavaScript).
impl Renderer {
    /// Appends markdown text (JavaScript's `write`).
    pub fn write(&self, text: &str) -> Result<(), JsValue> {
        self.write_with(|_| text.to_owned())
    }

    fn write_with(&self, text: impl FnOnce(&mut js::SurrogateCarry) -> String) -> Result<(), JsValue> {
        let shared = &self.shared;
        shared.with(|l| {
            if matches!(l, Lifecycle::Idle) {
                let mut pipeline = Pipeline::for_text(shared.opts.clone());
                pipeline.keep_events(shared.on_event.is_some());
                *l = Lifecycle::Writing { pipeline, carry: js::SurrogateCarry::default() };
            }
            match l {
                Lifecycle::Writing { pipeline, carry } => {
                    pipeline.feed_text(&text(carry));
                    Ok::<(), JsValue>(())
                }
                Lifecycle::Streaming { .. } => Err(js_sys::Error::new("write() while a stream is rendering").into()),
                _ => Err(js_sys::Error::new("write() after the answer ended; use a new Renderer").into()),
            }
        })??;
        shared.request_frame();
        Ok(())
    }

    /// The answer's markdown source received so far (JavaScript's `text` getter).
    pub fn text(&self) -> String {
        self.shared.read(|l| l.pipeline().map(|p| p.answer().text().to_owned())).ok().flatten().unwrap_or_default()
    }

    /// The status so far (JavaScript's `status` getter): `"idle"`, `"writing"`, `"streaming"` or the final outcome's
    /// status.
    pub fn status(&self) -> String {
        self.shared.read(|l| l.status()).unwrap_or("busy").into()
    }

    /// Sets the stream reader's budget of own work per animation frame (default [`BUDGET_MS`]); `0.0` makes it yield
    /// to the browser after every slice, which tests use to make the pacing deterministic.
    #[doc(hidden)]
    pub fn set_frame_budget_ms(&self, ms: f64) {
        self.shared.budget_ms.set(ms);
    }

    /// Starts a stream for `fetch()` or `stream()`: the promise of its outcome. The renderer is `streaming` from
    /// now on, so a `cancel()` in the same task as the call stops it: a request is then never sent, and a given
    /// stream is cancelled.
    #[cfg(feature = "wire")]
    fn spawn_stream(&self, source: Source, request: bool) -> js_sys::Promise {
        let shared = &self.shared;
        let controller = match request.then(AbortController::new).transpose() {
            Ok(controller) => controller,
            Err(error) => return js_sys::Promise::reject(&error),
        };
        let (routine, registration) = AbortHandle::new_pair();
        let began = shared.with(|l| match l {
            Lifecycle::Idle => {
                *l = Lifecycle::Streaming { pipeline: None, routine, request: controller.clone() };
                Ok(())
            }
            Lifecycle::Writing { .. } => Err("fetch()/stream() on a renderer that was written to"),
            Lifecycle::Streaming { .. } => Err("fetch()/stream() while another stream is rendering"),
            Lifecycle::Ended { .. } => Err("fetch()/stream() after the answer ended; use a new Renderer"),
        });
        match began {
            Ok(Ok(())) => {}
            Ok(Err(message)) => return js_sys::Promise::reject(&js_sys::Error::new(message)),
            Err(error) => return js_sys::Promise::reject(&error),
        }
        let signal = controller.map(|c| c.signal());
        let given = match &source {
            Source::Given { source, .. } => Some(source.clone()),
            Source::Request { .. } => None,
        };
        let routine = Abortable::new(stream::run(shared.clone(), source, signal), registration);
        let shared = shared.clone();
        wasm_bindgen_futures::future_to_promise(async move {
            // Aborted (cancel, free) or not, the outcome is settled by now, except if the routine returned early
            // without one: exactly one outcome all the same.
            if routine.await.is_err() {
                if let Some(given) = given {
                    stream::cancel_unread(&given);
                }
            }
            shared.finish_stream();
            shared.outcome_js()
        })
    }
}
