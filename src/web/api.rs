//! The JavaScript API: `new Renderer(container, options)`, `write`, `flush`, `finish`, `fetch`, `stream`, `cancel`.
//!
//! Re-entrancy rules (a JS callback or `cancel()` may run whenever we yield to JS):
//! - every method takes `&self`; async work runs in a spawned future holding an `Rc` of the state, so the JS object
//!   is never borrowed across an await and `cancel()` or `free()` during a read cannot throw;
//! - the `RefCell` of the state is borrowed only between awaits, and never while calling into host JS (events are
//!   collected first and dispatched after the borrow ends).

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use js_sys::{Array, Function, Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{AbortController, Element, Response};

use super::apply::DomApplier;
use super::pace::{yield_to_browser, Pacer, BUDGET_MS, SLICE};
use super::source::{is_abort_error, js_error_message, BodyReader, Task};
use crate::dialect::{DialectKind, StreamEvent};
use crate::error::{ErrorKind, StreamError};
use crate::options::{ImagePolicy, RenderOptions};
use crate::patch::{PatchOp, PatchSink};
use crate::pipeline::{DialectChoice, Outcome, Pipeline, ResponseHeaders, StreamStats};

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
/**
 * Options of `new Renderer(container, options)`. Every field is optional; an unknown value of a known field throws
 * from the constructor.
 */
export interface RendererOptions {
  /**
   * GFM extensions: tables, strikethrough, autolink literals, task lists, footnotes and the tag filter
   * (default `true`). `false` renders pure CommonMark.
   */
  gfm?: boolean;
  /**
   * `$…$` and `$$…$$` math (default `true`; only with `gfm`): rendered as `<span data-math-style="inline|display">` holding
   * the TeX source, for KaTeX or MathJax to render.
   */
  math?: boolean;
  /**
   * Declares the content trusted (default `false`): raw HTML passes through and no URL or image policy applies.
   * Leave it off for model output.
   */
  unsafe?: boolean;
  /**
   * External images: `"block"` (default: a `<span class="rillmark-image">` placeholder, nothing is fetched),
   * `"allow"`, or the origins allowed to load, e.g. `["https://cdn.example.com"]`.
   */
  images?: ImagePolicy;
  /** `"same-tab"` (default) or `"new-tab"` (adds `target="_blank"`); links always get `rel="noopener noreferrer"`. */
  links?: "same-tab" | "new-tab";
  /** Wire format of `fetch`/`stream` bodies (default `"auto"`: from the content type and the first frame). */
  dialect?: Dialect;
  /** Receives every stream event, in order; an exception it throws is ignored (rendering goes on). */
  onEvent?: (event: StreamEvent) => void;
  /**
   * Headless mode: receives the DOM patch ops as plain objects, in order, a batch per render (once per animation
   * frame while streaming), for hosts that own their DOM (React, Vue, Svelte, a worker). With a `null` container the
   * ops go only here; with a container they are applied to it and also handed here. An exception it throws is
   * ignored.
   */
  onPatch?: (ops: PatchOp[]) => void;
}

/**
 * A DOM patch op of headless mode (`onPatch`). Nodes are named by small integer ids; id `0` is the container. An id
 * is never reused before a `release` op for it. Apply them in order:
 */
export type PatchOp =
  /** Create a detached element (tag names come from a fixed allowlist). */
  | { op: "createElement"; id: number; tag: string }
  /** Create a detached text node. */
  | { op: "createText"; id: number; text: string }
  /** Create detached nodes from trusted raw HTML: only with `unsafe: true`. */
  | { op: "createRawHtml"; id: number; html: string }
  /** `setAttribute(name, value)` (names come from a fixed allowlist; URLs are already checked). */
  | { op: "setAttribute"; id: number; name: string; value: string }
  | { op: "removeAttribute"; id: number; name: string }
  /** Extend a text node (`appendData`): the node stays, so a selection in it survives. */
  | { op: "appendText"; id: number; text: string }
  /** `replaceData(start, delete, text)` on a text node; offsets in UTF-16 code units. */
  | { op: "replaceText"; id: number; start: number; delete: number; text: string }
  /** Append `child` as the last child of `parent`. */
  | { op: "append"; parent: number; child: number }
  /** Insert `child` as the first child of `parent`. */
  | { op: "prepend"; parent: number; child: number }
  /** Insert `child` into `parent` just before its child `before`. */
  | { op: "insertBefore"; parent: number; child: number; before: number }
  /** Put `new` where `old` is; `old` is detached. */
  | { op: "replace"; old: number; new: number }
  /** Detach a node from its parent. */
  | { op: "remove"; id: number }
  /** Forget an id: its node is detached and never referenced again; the id may be reused afterwards. */
  | { op: "release"; id: number };

/** Which external images may load: all, none (placeholder), or those from the listed origins. */
export type ImagePolicy = "block" | "allow" | readonly string[];

/**
 * Wire formats. `"auto"` detects from the content type and the first frame. Also accepted as aliases:
 * `"openai-chat"`, `"responses"`, `"ai-sdk"`, `"llama.cpp"`, `"text"`.
 */
export type Dialect =
  | "auto"
  /** OpenAI chat completions SSE (and compatible servers). */
  | "openai"
  /** OpenAI Responses API SSE. */
  | "openai-responses"
  /** Anthropic Messages SSE. */
  | "anthropic"
  /** Gemini `streamGenerateContent?alt=sse`. */
  | "gemini"
  /** Ollama NDJSON (`/api/chat`, `/api/generate`). */
  | "ollama"
  /** Vercel AI SDK UI message stream (SSE). */
  | "vercel"
  /** Vercel AI SDK 4 data stream (`0:"text"` lines). */
  | "vercel-legacy"
  /** llama.cpp server `/completion` SSE. */
  | "llamacpp"
  /** The body is the markdown itself. */
  | "plain";

/** Options of `stream(source, options)`. */
export interface StreamOptions {
  /** Overrides the renderer's `dialect` option for this stream. */
  dialect?: Dialect;
}

/** What `stream()` reads: a `Response`, or a `ReadableStream` of bytes (UTF-8) or of strings. */
export type StreamSource = Response | ReadableStream<Uint8Array | ArrayBuffer | string>;

/** Counters and text shared by every outcome. */
/** Live counters of a stream (`renderer.stats`). */
export interface LiveStats {
  /** Body bytes received. */
  bytes: number;
  /** Frames (SSE events, NDJSON lines, text runs) received. */
  frames: number;
  /** Frames that could not be read (counted; the stream went on). */
  malformed: number;
  /** Frames of a type the dialect does not know. */
  unknown: number;
}

export interface OutcomeStats {
  /** Body bytes received. */
  bytes: number;
  /** Frames (SSE events, NDJSON lines, text runs) received. */
  frames: number;
  /** Frames that could not be read (counted; the stream went on). */
  malformed: number;
  /** Frames of a type the dialect does not know (counted; the stream went on). */
  unknown: number;
  /** The answer's markdown source received. */
  text: string;
}

/** The dialect's terminal marker arrived: the answer is complete. */
export interface DoneOutcome extends OutcomeStats {
  status: "done";
  /** The provider's finish reason (`"stop"`, `"end_turn"`, `"length"`, …), or `null` when it gave none. */
  reason: string | null;
}

/** The body ended without the dialect's terminal marker: the answer may be cut off. */
export interface IncompleteOutcome extends OutcomeStats {
  status: "incomplete";
}

/** HTTP error, provider error in the stream, network failure, overflow or misuse. What arrived stays rendered. */
export interface ErrorOutcome extends OutcomeStats {
  status: "error";
  error: StreamError;
}

/** `cancel()` was called (or the host aborted the request). What arrived stays rendered. */
export interface AbortedOutcome extends OutcomeStats {
  status: "aborted";
}

/** How a stream or written answer ended: exactly one per renderer. Switch on `status`. */
export type Outcome = DoneOutcome | IncompleteOutcome | ErrorOutcome | AbortedOutcome;

/** Why a stream failed. */
export interface StreamError {
  /**
   * `"http"`: a non-2xx response; `"provider"`: an error event inside the stream; `"network"`: the request or the
   * body read failed; `"overflow"`: a line or frame exceeded the size limit; `"usage"`: the API was misused (e.g.
   * `stream()` given something that is neither a `Response` nor a `ReadableStream`).
   */
  kind: "http" | "provider" | "network" | "overflow" | "usage";
  /** Human-readable; for HTTP errors, the provider's message from the body when it has one. */
  message: string;
  /** The HTTP status, for `kind: "http"`. */
  status?: number;
  /** The provider's error type or code (e.g. `"rate_limit_error"`), when it gave one. */
  code?: string;
}

/** A piece of the answer text (markdown). */
export interface TextStreamEvent { type: "text"; text: string }
/** A piece of reasoning ("thinking") text; rendered in `<details class="rillmark-reasoning">`. */
export interface ReasoningStreamEvent { type: "reasoning"; text: string }
/** A piece of a tool call: `arguments` is a delta of its JSON arguments text; `id`/`name` come with the first piece. */
export interface ToolCallStreamEvent { type: "toolCall"; index: number; id?: string; name?: string; arguments: string }
/** Token usage as the provider reported it (cumulative where the provider's is). */
export interface UsageStreamEvent { type: "usage"; inputTokens?: number; outputTokens?: number }
/** The terminal marker, with the provider's finish reason. */
export interface FinishStreamEvent { type: "finish"; reason: string | null }
/** An error reported by the provider inside the stream (terminal). */
export interface ErrorStreamEvent { type: "error"; message: string; code?: string }
/** A frame of a kind the dialect does not know; `name` is its event type. */
export interface UnknownStreamEvent { type: "unknown"; name: string }
/** A frame that could not be read (bad JSON, wrong shape); `detail` says why. */
export interface MalformedStreamEvent { type: "malformed"; detail: string }

/** Everything `onEvent` receives. Switch on `type`. */
export type StreamEvent =
  | TextStreamEvent
  | ReasoningStreamEvent
  | ToolCallStreamEvent
  | UsageStreamEvent
  | FinishStreamEvent
  | ErrorStreamEvent
  | UnknownStreamEvent
  | MalformedStreamEvent;

/** `Renderer.status`: before, during, or (the outcome's status) after the answer. */
export type RendererStatus = "idle" | "writing" | "streaming" | Outcome["status"];
"#;

/// Where a renderer is in its life. A renderer draws one answer: written or streamed, then ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lifecycle {
    Idle,
    Writing,
    Streaming,
    Ended,
}

struct State {
    lifecycle: Lifecycle,
    pipeline: Option<Pipeline>,
    applier: Sink,
    /// The handle of the requested animation frame, if one is pending.
    frame_request: Option<i32>,
    /// The running stream's task (its cancel signal) and fetch controller.
    task: Option<Task>,
    controller: Option<AbortController>,
    outcome: Option<Outcome>,
}

impl State {
    /// The answer ended: no frame may run after this (the host may `free()` the renderer at once), and what only
    /// rendering needed is dropped so a finished renderer holds little more than its text.
    fn end(&mut self) {
        self.lifecycle = Lifecycle::Ended;
        if let Some(handle) = self.frame_request.take() {
            if let Some(window) = web_sys::window() {
                let _ = window.cancel_animation_frame(handle);
            }
        }
        if let Some(pipeline) = self.pipeline.as_mut() {
            pipeline.release_render_state();
        }
        if let Some(dom) = self.applier.dom.as_mut() {
            dom.forget_nodes();
        }
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        // A frame still queued would call the closure this drop frees.
        if let Some(handle) = self.state.get_mut().frame_request.take() {
            if let Some(window) = web_sys::window() {
                let _ = window.cancel_animation_frame(handle);
            }
        }
    }
}

struct Inner {
    opts: RenderOptions,
    dialect: DialectChoice,
    on_event: Option<Function>,
    /// Headless mode: receives the patch ops instead of (or as well as) the DOM.
    on_patch: Option<Function>,
    state: RefCell<State>,
    /// Created once; holds only a `Weak` back to `Inner`, so no cycle keeps a dropped renderer alive.
    frame_callback: RefCell<Option<Closure<dyn FnMut()>>>,
    /// Animation frames rendered so far: the stream reader's [`Pacer`] starts a fresh budget after each.
    frames: Cell<u32>,
    /// The stream reader's own work per frame, in ms ([`BUDGET_MS`]; tests lower it).
    budget_ms: Cell<f64>,
}

/// Renders one answer (streamed or written) as markdown into a container element. Create a new one per answer.
///
/// Call `init()` (the package's default export) once before constructing one.
#[wasm_bindgen]
pub struct Renderer {
    inner: Rc<Inner>,
}

#[wasm_bindgen]
impl Renderer {
    /// Renders into `container` (its existing children are left alone; rendered blocks are appended). With
    /// `onPatch` in the options, `container` may be `null`: the patch ops go to the host instead (headless mode).
    /// Throws for an option of the wrong type or value, or a `null` container without `onPatch`.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "Element | null")] container: Option<Element>,
        #[wasm_bindgen(unchecked_optional_param_type = "RendererOptions")] options: JsValue,
    ) -> Result<Renderer, JsError> {
        let parsed = parse_options(&options)?;
        let dom = match &container {
            Some(container) => {
                let document =
                    container.owner_document().ok_or_else(|| JsError::new("the container has no document"))?;
                Some(DomApplier::new(document, container, parsed.opts.trusted))
            }
            None if parsed.on_patch.is_some() => None,
            None => return Err(JsError::new("new Renderer() needs a container element, or onPatch for headless mode")),
        };
        let host = parsed.on_patch.is_some().then(Vec::new);
        let state = State {
            lifecycle: Lifecycle::Idle,
            pipeline: None,
            applier: Sink { dom, host, host_ops: 0 },
            frame_request: None,
            task: None,
            controller: None,
            outcome: None,
        };
        let inner = Rc::new(Inner {
            opts: parsed.opts,
            dialect: parsed.dialect,
            on_event: parsed.on_event,
            on_patch: parsed.on_patch,
            state: RefCell::new(state),
            frame_callback: RefCell::new(None),
            frames: Cell::new(0),
            budget_ms: Cell::new(BUDGET_MS),
        });
        Ok(Renderer { inner })
    }

    /// Appends markdown text; it is rendered on the next animation frame (or by `flush()`). Throws after `finish()`,
    /// or on a renderer that is streaming or has streamed.
    pub fn write(&self, text: &str) -> Result<(), JsError> {
        {
            let mut state = self.inner.state.borrow_mut();
            match state.lifecycle {
                Lifecycle::Idle => {
                    let mut pipeline = Pipeline::for_text(self.inner.opts.clone());
                    pipeline.keep_events(self.inner.on_event.is_some());
                    state.pipeline = Some(pipeline);
                    state.lifecycle = Lifecycle::Writing;
                }
                Lifecycle::Writing => {}
                Lifecycle::Streaming => return Err(JsError::new("write() while a stream is rendering")),
                Lifecycle::Ended => return Err(JsError::new("write() after the answer ended; use a new Renderer")),
            }
            if let Some(pipeline) = &mut state.pipeline {
                pipeline.feed_text(text);
            }
        }
        request_frame(&self.inner);
        Ok(())
    }

    /// Applies pending text to the DOM now instead of on the next animation frame.
    pub fn flush(&self) {
        render_now(&self.inner);
    }

    /// Ends written input: the final DOM equals the one-shot render of everything written. Returns the outcome
    /// (`status: "done"`); the existing outcome if the answer already ended; `undefined` if nothing was written (or a
    /// stream is still running).
    #[wasm_bindgen(unchecked_return_type = "Outcome | undefined")]
    pub fn finish(&self) -> JsValue {
        let outcome = {
            let mut state = self.inner.state.borrow_mut();
            if state.lifecycle != Lifecycle::Writing {
                return state_outcome_js(&state);
            }
            let state = &mut *state;
            let outcome = state.pipeline.as_mut().map(|p| p.finish(&mut state.applier));
            state.end();
            state.outcome = outcome;
            state_outcome_js(state)
        };
        dispatch_events(&self.inner);
        outcome
    }

    /// `fetch(url, init)` and render the streamed response. Resolves with the outcome; never rejects for stream
    /// failures (HTTP, provider, network errors are `{ status: "error" }`), only for misuse (a second stream, a
    /// renderer that was written to). `init.signal` is replaced by the renderer's own: use `cancel()` to stop.
    #[wasm_bindgen(unchecked_return_type = "Promise<Outcome>")]
    pub fn fetch(
        &self,
        url: String,
        #[wasm_bindgen(unchecked_optional_param_type = "RequestInit")] init: JsValue,
    ) -> js_sys::Promise {
        spawn_stream(&self.inner, Source::Request { url, init })
    }

    /// Renders a `Response` (its status and content type are used as by `fetch`) or a `ReadableStream` of bytes
    /// or strings the host already has. `options.dialect` overrides the renderer's. Resolves like `fetch`.
    #[wasm_bindgen(unchecked_return_type = "Promise<Outcome>")]
    pub fn stream(
        &self,
        #[wasm_bindgen(unchecked_param_type = "StreamSource")] source: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "StreamOptions")] options: JsValue,
    ) -> js_sys::Promise {
        let dialect = match get(&options, "dialect").as_string().map(|name| parse_dialect(&name)).transpose() {
            Ok(dialect) => dialect,
            Err(error) => return js_sys::Promise::reject(&error.into()),
        };
        spawn_stream(&self.inner, Source::Given { source, dialect })
    }

    /// Stops the stream now: aborts the fetch (the server sees the connection close), cancels the body reader,
    /// keeps everything rendered (pending text is flushed first) and makes the pending promise resolve with
    /// `{ status: "aborted" }`. Synchronous and idempotent; no DOM mutation happens after it returns.
    pub fn cancel(&self) {
        let (task, controller) = {
            let mut state = self.inner.state.borrow_mut();
            if state.lifecycle == Lifecycle::Idle || state.lifecycle == Lifecycle::Ended {
                return;
            }
            let state = &mut *state;
            let outcome = state.pipeline.as_mut().map(|p| p.abort(&mut state.applier)).unwrap_or(Outcome::Aborted);
            state.outcome = Some(outcome);
            state.end();
            (state.task.take(), state.controller.take())
        };
        if let Some(controller) = controller {
            controller.abort();
        }
        if let Some(task) = task {
            task.cancel();
        }
        dispatch_events(&self.inner);
    }

    /// The answer's markdown source received so far.
    // A `JsValue` made from the borrowed text: a returned `String` would be copied twice (to a Rust allocation, then
    // to JS). Rust callers have `text()`.
    #[wasm_bindgen(getter = text, unchecked_return_type = "string")]
    pub fn text_js(&self) -> JsValue {
        let state = self.inner.state.borrow();
        JsValue::from_str(state.pipeline.as_ref().map_or("", |p| p.answer().text()))
    }

    /// Live counters of the stream so far: `{ bytes, frames, malformed, unknown }`.
    #[wasm_bindgen(getter, unchecked_return_type = "LiveStats")]
    pub fn stats(&self) -> JsValue {
        let state = self.inner.state.borrow();
        let stats = state.pipeline.as_ref().map(Pipeline::stats).unwrap_or_default();
        let object = Object::new();
        put_stats(&object, stats);
        object.into()
    }

    /// DOM mutations made so far (creations, insertions, text and attribute changes).
    #[wasm_bindgen(getter)]
    pub fn mutations(&self) -> f64 {
        self.inner.state.borrow().applier.mutations() as f64
    }

    /// The status so far: `"idle"`, `"writing"`, `"streaming"` or the final outcome's status.
    // A `JsValue`, not a `String`: the name is a static string, with nothing to allocate. Rust callers have `status()`.
    #[wasm_bindgen(getter = status, unchecked_return_type = "RendererStatus")]
    pub fn status_js(&self) -> JsValue {
        JsValue::from_str(self.status_name())
    }
}

/// Rust-only (not exported to JavaScript).
impl Renderer {
    /// The answer's markdown source received so far (JavaScript's `text` getter).
    pub fn text(&self) -> String {
        let state = self.inner.state.borrow();
        state.pipeline.as_ref().map(|p| p.answer().text().to_owned()).unwrap_or_default()
    }

    /// The status so far (JavaScript's `status` getter): `"idle"`, `"writing"`, `"streaming"` or the final outcome's
    /// status.
    pub fn status(&self) -> String {
        self.status_name().into()
    }

    fn status_name(&self) -> &'static str {
        let state = self.inner.state.borrow();
        match (state.lifecycle, &state.outcome) {
            (Lifecycle::Idle, _) => "idle",
            (Lifecycle::Writing, _) => "writing",
            (Lifecycle::Streaming, _) => "streaming",
            (Lifecycle::Ended, Some(outcome)) => outcome.status(),
            (Lifecycle::Ended, None) => "done",
        }
    }

    /// Sets the stream reader's budget of own work per animation frame (default [`BUDGET_MS`]); `0.0` makes it yield
    /// to the browser after every slice, which tests use to make the pacing deterministic.
    #[doc(hidden)]
    pub fn set_frame_budget_ms(&self, ms: f64) {
        self.inner.budget_ms.set(ms);
    }
}

/// What a stream reads: `fetch()`'s request, or what the host gave `stream()`.
enum Source {
    Request { url: String, init: JsValue },
    Given { source: JsValue, dialect: Option<DialectChoice> },
}

/// Starts a stream for `fetch()` or `stream()`: the promise of its outcome. One routine serves both, so the async
/// state machine is linked once.
fn spawn_stream(inner: &Rc<Inner>, source: Source) -> js_sys::Promise {
    // Enter `Streaming` now, not when the routine first runs (a microtask later), so a `cancel()` in the same task as
    // the call aborts the stream instead of finding the renderer idle. If it comes before the routine runs, a request
    // is never sent, and a given stream is locked, sees the signal and is cancelled by dropping its reader.
    let task = match begin_stream(inner) {
        Ok(task) => task,
        Err(error) => return js_sys::Promise::reject(&error.into()),
    };
    let mut settle = None;
    let promise = js_sys::Promise::new(&mut |resolve, reject| settle = Some((resolve, reject)));
    if let Some((resolve, reject)) = settle {
        let (inner, routine_task) = (inner.clone(), task.clone());
        task.spawn(async move {
            let (settle, value) = match run_stream(&inner, &routine_task, source).await {
                Ok(()) => (resolve, end_stream(&inner)),
                Err(error) => (reject, error.into()),
            };
            let _ = settle.call1(&JsValue::UNDEFINED, &value);
        });
    }
    promise
}

/// Moves an idle renderer to streaming; misuse rejects the promise with a clear error.
fn begin_stream(inner: &Rc<Inner>) -> Result<Task, JsError> {
    let mut state = inner.state.borrow_mut();
    match state.lifecycle {
        Lifecycle::Idle => {}
        Lifecycle::Writing => return Err(JsError::new("fetch()/stream() on a renderer that was written to")),
        Lifecycle::Streaming => return Err(JsError::new("fetch()/stream() while another stream is rendering")),
        Lifecycle::Ended => return Err(JsError::new("fetch()/stream() after the answer ended; use a new Renderer")),
    }
    let task = Task::default();
    state.lifecycle = Lifecycle::Streaming;
    state.task = Some(task.clone());
    Ok(task)
}

fn start_pipeline(inner: &Inner, dialect: Option<DialectChoice>, headers: ResponseHeaders) {
    let mut pipeline = Pipeline::with_headers(inner.opts.clone(), dialect.unwrap_or(inner.dialect), headers);
    pipeline.keep_events(inner.on_event.is_some());
    inner.state.borrow_mut().pipeline = Some(pipeline);
}

/// The whole stream in one async routine (each `async fn` would be a state machine of its own): the request, the
/// response's status and headers, then the body, pulled chunk by chunk into the pipeline until EOF, the terminal
/// marker, an error or cancel, in slices paced by a [`Pacer`] (see [`super::pace`]): over the frame's budget, it
/// renders what it has and yields to the browser before feeding or reading more. An `Err` (no window, no abort
/// controller) rejects the promise.
async fn run_stream(inner: &Rc<Inner>, task: &Task, source: Source) -> Result<(), JsError> {
    let body: web_sys::ReadableStream = 'body: {
        let (response, dialect) = match source {
            Source::Request { url, init } => {
                if task.is_cancelled() {
                    return Ok(()); // cancelled before the task ran: never send the request
                }
                let controller = AbortController::new().map_err(|e| JsError::new(&js_error_message(&e)))?;
                inner.state.borrow_mut().controller = Some(controller.clone());
                let init = with_signal(&init, &controller.signal());
                let window = web_sys::window().ok_or_else(|| JsError::new("fetch() needs a window"))?;
                let request = window.fetch_with_str_and_init(&url, init.unchecked_ref());
                match task.wait(request).await {
                    None => return Ok(()),
                    Some(Ok(response)) => (response.unchecked_into::<Response>(), None),
                    Some(Err(error)) if is_abort_error(&error) => {
                        abort(inner);
                        return Ok(());
                    }
                    Some(Err(error)) => {
                        let error = StreamError::new(ErrorKind::Network, js_error_message(&error));
                        fail(inner, None, error);
                        return Ok(());
                    }
                }
            }
            Source::Given { source, dialect } if source.is_instance_of::<Response>() => {
                (source.unchecked_into(), dialect)
            }
            Source::Given { source, dialect } if source.is_instance_of::<web_sys::ReadableStream>() => {
                start_pipeline(inner, dialect, ResponseHeaders::default());
                break 'body source.unchecked_into();
            }
            Source::Given { .. } => {
                let error = StreamError::new(ErrorKind::Usage, "stream() takes a Response or a ReadableStream");
                fail(inner, None, error);
                return Ok(());
            }
        };
        let header = |name: &str| response.headers().get(name).ok().flatten();
        let headers = ResponseHeaders {
            content_type: header("content-type"),
            vercel_data_stream: header("x-vercel-ai-data-stream"),
            vercel_ui_message_stream: header("x-vercel-ai-ui-message-stream"),
        };
        start_pipeline(inner, dialect, headers);
        if !response.ok() {
            let body = match response.text() {
                Ok(text) => match task.wait(text).await {
                    None => return Ok(()),
                    Some(text) => text.ok().and_then(|t| t.as_string()).unwrap_or_default(),
                },
                Err(_) => String::new(),
            };
            let error = StreamError::from_http(response.status(), &response.status_text(), &body);
            fail(inner, Some(task), error);
            return Ok(());
        }
        match response.body() {
            Some(body) => body,
            None => {
                finish_stream(inner, task);
                return Ok(());
            }
        }
    };
    let mut reader = match BodyReader::new(body) {
        Ok(reader) => reader,
        Err(error) => {
            fail(inner, Some(task), error);
            return Ok(());
        }
    };
    let mut pacer = Pacer::default();
    'read: loop {
        // Cancelled: `cancel()` already settled the outcome; dropping `reader` cancels the body.
        let Some(read) = task.wait(reader.read()).await else { return Ok(()) };
        let bytes = match reader.chunk(read) {
            None => break,
            Some(Err(error)) => {
                fail(inner, Some(task), error);
                return Ok(());
            }
            Some(Ok(bytes)) => bytes,
        };
        // Any split is valid: the decoder carries a code point cut between slices over.
        for slice in bytes.chunks(SLICE) {
            if task.is_cancelled() {
                return Ok(()); // a host callback (`onEvent`, `onPatch`) called `cancel()`
            }
            let started = pacer.start(inner.frames.get());
            let (ended, backlog) = {
                let mut state = inner.state.borrow_mut();
                let Some(pipeline) = state.pipeline.as_mut() else { return Ok(()) };
                pipeline.feed(slice);
                (pipeline.is_ended(), pipeline.backlog())
            };
            dispatch_events(inner);
            if ended {
                // Terminal marker or provider error: stop reading now rather than wait for the socket.
                pacer.stop(started);
                break 'read;
            }
            if task.is_cancelled() {
                return Ok(());
            }
            if backlog >= SLICE {
                // Input arrives faster than frames: render in slices rather than all at the next frame.
                render_now(inner);
            } else {
                request_frame(inner);
            }
            pacer.stop(started);
            if pacer.over_budget(inner.budget_ms.get()) {
                // This frame's budget is spent: show what arrived, let the browser draw it and handle input, and
                // read nothing meanwhile (backpressure). The render is own work: timed, so that what the pacer
                // sees between its end and the next frame is the browser's.
                let started = pacer.start(inner.frames.get());
                render_now(inner);
                pacer.stop(started);
                let Some(seen) = yield_to_browser(task).await else { return Ok(()) };
                pacer.yielded(seen);
            }
        }
    }
    // EOF or the terminal marker. The final render re-reads the whole answer, so it gets a frame of its own when this
    // one already has the reader's work in it.
    if pacer.worked(inner.frames.get()) {
        render_now(inner);
        if yield_to_browser(task).await.is_none() {
            return Ok(());
        }
    }
    finish_stream(inner, task);
    Ok(())
}

/// EOF or terminal marker: final render, outcome from the pipeline.
fn finish_stream(inner: &Inner, task: &Task) {
    if task.is_cancelled() {
        return;
    }
    {
        let mut state = inner.state.borrow_mut();
        let state = &mut *state;
        state.outcome = state.pipeline.as_mut().map(|p| p.finish(&mut state.applier));
        state.end();
    }
    dispatch_events(inner);
}

/// A failure outside the pipeline (HTTP, network, usage): keep what was rendered, report the error.
fn fail(inner: &Inner, task: Option<&Task>, error: StreamError) {
    if task.is_some_and(Task::is_cancelled) {
        return;
    }
    {
        let mut state = inner.state.borrow_mut();
        let state = &mut *state;
        state.outcome = Some(match state.pipeline.as_mut() {
            Some(pipeline) => pipeline.fail(error, &mut state.applier),
            None => Outcome::Error(error),
        });
        state.end();
    }
    dispatch_events(inner);
}

/// The fetch rejected with `AbortError` without our `cancel()` (the host aborted its own signal).
fn abort(inner: &Inner) {
    let mut state = inner.state.borrow_mut();
    if state.lifecycle == Lifecycle::Ended {
        return;
    }
    let state = &mut *state;
    state.outcome = Some(state.pipeline.as_mut().map(|p| p.abort(&mut state.applier)).unwrap_or(Outcome::Aborted));
    state.end();
}

/// The promise's value: the settled outcome.
fn end_stream(inner: &Inner) -> JsValue {
    let mut state = inner.state.borrow_mut();
    state.task = None;
    state.controller = None;
    if state.lifecycle != Lifecycle::Ended {
        // Every path above settles the outcome; this keeps "exactly one outcome" true even if one did not.
        state.outcome.get_or_insert(Outcome::Incomplete);
        state.end();
    }
    state_outcome_js(&state)
}

fn render_now(inner: &Inner) {
    {
        let mut state = inner.state.borrow_mut();
        if state.lifecycle == Lifecycle::Ended {
            return; // everything was rendered when it ended; the render state is gone
        }
        // A frame still requested stays requested: a host that calls `flush()` after every `write()` would otherwise
        // pay a cancel and a new request per chunk. When it comes and nothing new is there, it renders nothing.
        let state = &mut *state;
        if let Some(pipeline) = state.pipeline.as_mut() {
            pipeline.render(&mut state.applier);
        }
    }
    dispatch_events(inner);
}

/// Renders on the next animation frame (once per frame however many chunks arrive). Without a window (workers,
/// Node), renders at once.
fn request_frame(inner: &Rc<Inner>) {
    if inner.state.borrow().frame_request.is_some() {
        return;
    }
    let Some(window) = web_sys::window() else { return render_now(inner) };
    let mut callback = inner.frame_callback.borrow_mut();
    let callback = callback.get_or_insert_with(|| {
        let weak: Weak<Inner> = Rc::downgrade(inner);
        Closure::new(move || {
            if let Some(inner) = weak.upgrade() {
                inner.state.borrow_mut().frame_request = None;
                inner.frames.set(inner.frames.get().wrapping_add(1));
                render_now(&inner);
            }
        })
    });
    if let Ok(handle) = window.request_animation_frame(callback.as_ref().unchecked_ref()) {
        inner.state.borrow_mut().frame_request = Some(handle);
    }
}

/// Hands collected stream events to the host's `onEvent`, outside any borrow of the state.
fn dispatch_events(inner: &Inner) {
    dispatch_patches(inner);
    let Some(callback) = &inner.on_event else { return };
    let events = {
        let mut state = inner.state.borrow_mut();
        let Some(pipeline) = state.pipeline.as_mut() else { return };
        pipeline.take_events()
    };
    for event in &events {
        // A throwing host callback must not break rendering.
        let _ = callback.call1(&JsValue::NULL, &event_js(event));
    }
}

/// Hands the ops applied since the last call to the host's `onPatch`, outside any borrow of the state.
fn dispatch_patches(inner: &Inner) {
    let Some(callback) = &inner.on_patch else { return };
    let ops = {
        let mut state = inner.state.borrow_mut();
        match state.applier.host.as_mut() {
            Some(ops) if !ops.is_empty() => std::mem::take(ops),
            _ => return,
        }
    };
    let _ = callback.call1(&JsValue::NULL, &super::headless::ops_to_js(&ops));
}

/// Where a renderer's patch ops go: the DOM, the host's `onPatch`, or both.
struct Sink {
    dom: Option<DomApplier>,
    /// Ops waiting to be handed to `onPatch`.
    host: Option<Vec<PatchOp>>,
    host_ops: u64,
}

impl Sink {
    fn mutations(&self) -> u64 {
        self.dom.as_ref().map_or(self.host_ops, DomApplier::mutations)
    }
}

impl PatchSink for Sink {
    fn apply(&mut self, ops: &[PatchOp]) {
        if let Some(dom) = self.dom.as_mut() {
            dom.apply(ops);
        }
        if let Some(host) = self.host.as_mut() {
            host.extend_from_slice(ops);
            self.host_ops += ops.iter().filter(|op| !matches!(op, PatchOp::Release { .. })).count() as u64;
        }
    }
}

fn state_outcome_js(state: &State) -> JsValue {
    match (&state.outcome, &state.pipeline) {
        (Some(outcome), Some(pipeline)) => outcome_js(outcome, pipeline.stats(), pipeline.answer().text()),
        (Some(outcome), None) => outcome_js(outcome, StreamStats::default(), ""),
        (None, _) => JsValue::UNDEFINED,
    }
}

fn outcome_js(outcome: &Outcome, stats: StreamStats, text: &str) -> JsValue {
    let object = Object::new();
    set(&object, "status", outcome.status());
    match outcome {
        Outcome::Done { reason } => set(&object, "reason", reason.as_deref().map_or(JsValue::NULL, JsValue::from)),
        Outcome::Error(error) => {
            let js_error = Object::new();
            set(&js_error, "kind", error.kind.as_str());
            set(&js_error, "message", error.message.as_str());
            if let Some(status) = error.status {
                set(&js_error, "status", status);
            }
            if let Some(code) = &error.code {
                set(&js_error, "code", code.as_str());
            }
            set(&object, "error", js_error);
        }
        Outcome::Incomplete | Outcome::Aborted => {}
    }
    put_stats(&object, stats);
    set(&object, "text", text);
    object.into()
}

/// The live counters `stats` and every outcome carry.
fn put_stats(object: &Object, stats: StreamStats) {
    set(object, "bytes", stats.bytes as f64);
    set(object, "frames", stats.frames as f64);
    set(object, "malformed", stats.malformed as f64);
    set(object, "unknown", stats.unknown as f64);
}

fn event_js(event: &StreamEvent) -> JsValue {
    let object = Object::new();
    let put_opt = |name: &str, value: &Option<String>| {
        if let Some(value) = value {
            set(&object, name, value.as_str());
        }
    };
    match event {
        StreamEvent::Text(text) => {
            set(&object, "type", "text");
            set(&object, "text", text.as_str());
        }
        StreamEvent::Reasoning(text) => {
            set(&object, "type", "reasoning");
            set(&object, "text", text.as_str());
        }
        StreamEvent::ToolCall { index, id, name, arguments } => {
            set(&object, "type", "toolCall");
            set(&object, "index", *index);
            put_opt("id", id);
            put_opt("name", name);
            set(&object, "arguments", arguments.as_str());
        }
        StreamEvent::Usage { input_tokens, output_tokens } => {
            set(&object, "type", "usage");
            if let Some(n) = input_tokens {
                set(&object, "inputTokens", *n as f64);
            }
            if let Some(n) = output_tokens {
                set(&object, "outputTokens", *n as f64);
            }
        }
        StreamEvent::Finish { reason } => {
            set(&object, "type", "finish");
            set(&object, "reason", reason.as_deref().map_or(JsValue::NULL, JsValue::from));
        }
        StreamEvent::Error(error) => {
            set(&object, "type", "error");
            set(&object, "message", error.message.as_str());
            put_opt("code", &error.code);
        }
        StreamEvent::Unknown(name) => {
            set(&object, "type", "unknown");
            set(&object, "name", name.as_str());
        }
        StreamEvent::Malformed(detail) => {
            set(&object, "type", "malformed");
            set(&object, "detail", detail.as_str());
        }
    }
    object.into()
}

fn set(object: &Object, key: &str, value: impl Into<JsValue>) {
    set_value(object, key, &value.into());
}

/// [`set`] past the conversion: linked once, not once per value type (and shared with the headless ops).
#[inline(never)]
pub(super) fn set_value(object: &Object, key: &str, value: &JsValue) {
    let _ = Reflect::set(object, &JsValue::from_str(key), value);
}

fn get(object: &JsValue, key: &str) -> JsValue {
    if !object.is_object() {
        return JsValue::UNDEFINED;
    }
    Reflect::get(object, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// A copy of the host's `RequestInit` with our abort signal (the host's own signal, if any, is replaced: use
/// `cancel()` to stop).
fn with_signal(init: &JsValue, signal: &web_sys::AbortSignal) -> Object {
    let copy = Object::new();
    if init.is_object() {
        Object::assign(&copy, init.unchecked_ref());
    }
    set(&copy, "signal", signal.clone());
    copy
}

fn parse_dialect(name: &str) -> Result<DialectChoice, JsError> {
    DialectChoice::from_name(name).ok_or_else(|| {
        // Built by hand: a `join` over `String`s would link a second copy of the join routine (~1 KB).
        let mut message = format!("unknown dialect {}: use \"auto\" or one of ", crate::error::quoted(name));
        for (i, kind) in DialectKind::ALL.iter().enumerate() {
            message.push_str(if i == 0 { "\"" } else { ", \"" });
            message.push_str(kind.name());
            message.push('"');
        }
        JsError::new(&message)
    })
}

struct ParsedOptions {
    opts: RenderOptions,
    dialect: DialectChoice,
    on_event: Option<Function>,
    on_patch: Option<Function>,
}

fn parse_options(options: &JsValue) -> Result<ParsedOptions, JsError> {
    let mut opts = RenderOptions::default();
    let flag = |name: &str, default: bool| -> Result<bool, JsError> {
        let value = get(options, name);
        if value.is_undefined() {
            return Ok(default);
        }
        value.as_bool().ok_or_else(|| JsError::new(&format!("option {name} must be a boolean")))
    };
    opts.gfm = flag("gfm", true)?;
    opts.math = flag("math", true)?;
    opts.trusted = flag("unsafe", false)?;
    let images = get(options, "images");
    opts.images = if images.is_undefined() {
        ImagePolicy::Block
    } else if let Some(policy) = images.as_string() {
        match policy.as_str() {
            "block" => ImagePolicy::Block,
            "allow" => ImagePolicy::Allow,
            _ => return Err(JsError::new("option images must be \"block\", \"allow\" or an array of origins")),
        }
    } else if Array::is_array(&images) {
        // A plain loop: collecting into `Option<Vec<_>>` links a generic adapter stack (~1 KB) for this one use.
        let mut origins = Vec::new();
        let images = Array::from(&images);
        for index in 0..images.length() {
            let origin = images
                .get(index)
                .as_string()
                .ok_or_else(|| JsError::new("option images: every origin must be a string"))?;
            origins.push(origin);
        }
        ImagePolicy::Origins(origins)
    } else {
        return Err(JsError::new("option images must be \"block\", \"allow\" or an array of origins"));
    };
    let links = get(options, "links");
    opts.links_new_tab = match links.as_string().as_deref() {
        None if links.is_undefined() => false,
        Some("same-tab") => false,
        Some("new-tab") => true,
        _ => return Err(JsError::new("option links must be \"same-tab\" or \"new-tab\"")),
    };
    let dialect = match get(options, "dialect").as_string() {
        Some(name) => parse_dialect(&name)?,
        None => DialectChoice::Auto,
    };
    let callback = |name: &str| match get(options, name).dyn_into::<Function>() {
        Ok(function) => Ok(Some(function)),
        Err(value) if value.is_undefined() || value.is_null() => Ok(None),
        Err(_) => Err(JsError::new(&format!("option {name} must be a function"))),
    };
    Ok(ParsedOptions { opts, dialect, on_event: callback("onEvent")?, on_patch: callback("onPatch")? })
}
