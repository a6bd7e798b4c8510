//! The JavaScript API: `new Renderer(container, options)`, `write`, `flush`, `finish`, `fetch`, `stream`, `cancel`.
//!
//! Re-entrancy rules (a JS callback or `cancel()` may run whenever we yield to JS):
//! - every method takes `&self`; async work runs in a spawned future holding an `Rc` of the state, so the JS object
//!   is never borrowed across an await and `cancel()` or `free()` during a read cannot throw;
//! - the `RefCell` of the state is borrowed only between awaits, and never while calling into host JS (events are
//!   collected first and dispatched after the borrow ends).

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use js_sys::{Array, Function, Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{future_to_promise, JsFuture};
use web_sys::{AbortController, Element, Response};

use super::apply::DomApplier;
use super::source::{is_abort_error, js_error_message, BodyReader, CancelSignal};
use crate::dialect::{DialectKind, StreamEvent};
use crate::error::{ErrorKind, StreamError};
use crate::options::{ImagePolicy, RenderOptions};
use crate::pipeline::{DialectChoice, Outcome, Pipeline, ResponseHeaders, StreamStats};

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
/** Options of `new Renderer(container, options)`. Every field is optional. */
export interface RendererOptions {
  /** GFM extensions: tables, strikethrough, autolink literals, task lists, footnotes (default `true`). */
  gfm?: boolean;
  /** Trusted content: raw HTML passes through, no URL or image policy (default `false`). */
  unsafe?: boolean;
  /** External images: `"block"` (default: a placeholder, nothing is fetched), `"allow"`, or allowed origins. */
  images?: "block" | "allow" | string[];
  /** `"new-tab"` adds `target="_blank"` to links (they always get `rel="noopener noreferrer"`). */
  links?: "same-tab" | "new-tab";
  /** Wire format for `fetch`/`stream` (default `"auto"`: from the content type and the first frame). */
  dialect?: Dialect;
  /** Receives every stream event (text and reasoning deltas, tool calls, usage, finish, error). */
  onEvent?: (event: StreamEvent) => void;
}

export type Dialect = "auto" | "openai" | "openai-responses" | "anthropic" | "gemini" | "ollama" | "vercel" | "plain";

/** Options of `stream(source, options)`. */
export interface StreamOptions {
  dialect?: Dialect;
}

/** Counters shared by every outcome. */
export interface OutcomeStats {
  /** Body bytes received. */
  bytes: number;
  /** Frames (SSE events, NDJSON lines, text runs) received. */
  frames: number;
  /** Frames that could not be read (counted; the stream went on). */
  malformed: number;
  /** Frames of a type the dialect does not know. */
  unknown: number;
  /** The answer's markdown source received so far. */
  text: string;
}

/** How a stream ended: exactly one per stream. */
export type Outcome =
  | ({ status: "done"; reason: string | null } & OutcomeStats)
  | ({ status: "incomplete" } & OutcomeStats)
  | ({ status: "error"; error: StreamError } & OutcomeStats)
  | ({ status: "aborted" } & OutcomeStats);

export interface StreamError {
  kind: "http" | "provider" | "network" | "overflow" | "usage";
  message: string;
  /** HTTP status, for `kind: "http"`. */
  status?: number;
  /** The provider's error type or code, when it gave one. */
  code?: string;
}

export type StreamEvent =
  | { type: "text"; text: string }
  | { type: "reasoning"; text: string }
  | { type: "toolCall"; index: number; id?: string; name?: string; arguments: string }
  | { type: "usage"; inputTokens?: number; outputTokens?: number }
  | { type: "finish"; reason: string | null }
  | { type: "error"; message: string; code?: string }
  | { type: "unknown"; name: string }
  | { type: "malformed"; detail: string };
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
    applier: DomApplier,
    /// The handle of the requested animation frame, if one is pending.
    frame_request: Option<i32>,
    /// The running stream's cancel signal and fetch controller.
    cancel: Option<CancelSignal>,
    controller: Option<AbortController>,
    outcome: Option<Outcome>,
}

struct Inner {
    opts: RenderOptions,
    dialect: DialectChoice,
    on_event: Option<Function>,
    state: RefCell<State>,
    /// Created once; holds only a `Weak` back to `Inner`, so no cycle keeps a dropped renderer alive.
    frame_callback: RefCell<Option<Closure<dyn FnMut()>>>,
}

/// Renders streamed markdown into a container element.
#[wasm_bindgen]
pub struct Renderer {
    inner: Rc<Inner>,
}

#[wasm_bindgen]
impl Renderer {
    /// Renders into `container` (its existing children are left alone; rendered blocks are appended).
    #[wasm_bindgen(constructor)]
    pub fn new(
        container: Element,
        #[wasm_bindgen(unchecked_param_type = "RendererOptions | undefined")] options: JsValue,
    ) -> Result<Renderer, JsError> {
        let (opts, dialect, on_event) = parse_options(&options)?;
        let document = container.owner_document().ok_or_else(|| JsError::new("the container has no document"))?;
        let applier = DomApplier::new(document, &container, opts.trusted);
        let state = State {
            lifecycle: Lifecycle::Idle,
            pipeline: None,
            applier,
            frame_request: None,
            cancel: None,
            controller: None,
            outcome: None,
        };
        let inner =
            Rc::new(Inner { opts, dialect, on_event, state: RefCell::new(state), frame_callback: RefCell::new(None) });
        Ok(Renderer { inner })
    }

    /// Appends markdown text; it is rendered on the next animation frame (or by `flush()`).
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

    /// Ends written input: the final DOM equals the one-shot render of everything written.
    #[wasm_bindgen(unchecked_return_type = "Outcome | undefined")]
    pub fn finish(&self) -> JsValue {
        let outcome = {
            let mut state = self.inner.state.borrow_mut();
            if state.lifecycle != Lifecycle::Writing {
                return state_outcome_js(&state);
            }
            let state = &mut *state;
            let outcome = state.pipeline.as_mut().map(|p| p.finish(&mut state.applier));
            state.lifecycle = Lifecycle::Ended;
            state.outcome = outcome;
            state_outcome_js(state)
        };
        dispatch_events(&self.inner);
        outcome
    }

    /// `fetch(url, init)` and render the streamed response. Resolves with the outcome; never rejects for stream
    /// failures (those are `{ status: "error" }`), only for misuse.
    #[wasm_bindgen(unchecked_return_type = "Promise<Outcome>")]
    pub fn fetch(
        &self,
        url: String,
        #[wasm_bindgen(unchecked_param_type = "RequestInit")] init: JsValue,
    ) -> js_sys::Promise {
        // Enter `Streaming` now, not when the spawned task first runs (a microtask later), so a `cancel()` in the
        // same task as this call aborts the stream instead of finding the renderer idle.
        let cancel = match begin_stream(&self.inner) {
            Ok(cancel) => cancel,
            Err(error) => return js_sys::Promise::reject(&error.into()),
        };
        let inner = self.inner.clone();
        future_to_promise(async move {
            if cancel.is_cancelled() {
                // Cancelled before the task ran: never send the request.
                return Ok(end_stream(&inner));
            }
            let controller = AbortController::new().map_err(|e| JsError::new(&js_error_message(&e)))?;
            inner.state.borrow_mut().controller = Some(controller.clone());
            let init = with_signal(&init, &controller.signal());
            let window = web_sys::window().ok_or_else(|| JsError::new("fetch() needs a window"))?;
            let request = window.fetch_with_str_and_init(&url, init.unchecked_ref());
            match cancel.guard(JsFuture::from(request)).await {
                None => {}
                Some(Ok(response)) => read_response(&inner, &cancel, response.unchecked_into()).await,
                Some(Err(error)) if is_abort_error(&error) => abort(&inner),
                Some(Err(error)) => fail(&inner, None, StreamError::new(ErrorKind::Network, js_error_message(&error))),
            }
            Ok(end_stream(&inner))
        })
    }

    /// Render a `Response` or a `ReadableStream` (of bytes, or of strings) the host already has.
    #[wasm_bindgen(unchecked_return_type = "Promise<Outcome>")]
    pub fn stream(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Response | ReadableStream")] source: JsValue,
        #[wasm_bindgen(unchecked_param_type = "StreamOptions | undefined")] options: JsValue,
    ) -> js_sys::Promise {
        let dialect = match get(&options, "dialect").as_string().map(|name| parse_dialect(&name)).transpose() {
            Ok(dialect) => dialect,
            Err(error) => return js_sys::Promise::reject(&error.into()),
        };
        // Synchronously, as in `fetch`: a `cancel()` right after this call must find the stream. If it comes before
        // the task runs, `read_body` locks the stream, sees the signal and drops the reader, which cancels the source.
        let cancel = match begin_stream(&self.inner) {
            Ok(cancel) => cancel,
            Err(error) => return js_sys::Promise::reject(&error.into()),
        };
        let inner = self.inner.clone();
        future_to_promise(async move {
            if source.is_instance_of::<Response>() {
                read_response_as(&inner, &cancel, source.unchecked_into(), dialect).await;
            } else if source.is_instance_of::<web_sys::ReadableStream>() {
                start_pipeline(&inner, dialect, ResponseHeaders::default());
                read_body(&inner, &cancel, source.unchecked_into()).await;
            } else {
                let error = StreamError::new(ErrorKind::Usage, "stream() takes a Response or a ReadableStream");
                fail(&inner, None, error);
            }
            Ok(end_stream(&inner))
        })
    }

    /// Stops the stream now: aborts the fetch (the server sees the connection close), cancels the body reader,
    /// keeps everything rendered (pending text is flushed first) and makes the pending promise resolve with
    /// `{ status: "aborted" }`. Synchronous and idempotent; no DOM mutation happens after it returns.
    pub fn cancel(&self) {
        let (cancel, controller) = {
            let mut state = self.inner.state.borrow_mut();
            if state.lifecycle == Lifecycle::Idle || state.lifecycle == Lifecycle::Ended {
                return;
            }
            let state = &mut *state;
            let outcome = state.pipeline.as_mut().map(|p| p.abort(&mut state.applier)).unwrap_or(Outcome::Aborted);
            state.outcome = Some(outcome);
            state.lifecycle = Lifecycle::Ended;
            (state.cancel.take(), state.controller.take())
        };
        if let Some(controller) = controller {
            controller.abort();
        }
        if let Some(cancel) = cancel {
            cancel.cancel();
        }
        dispatch_events(&self.inner);
    }

    /// The answer's markdown source received so far.
    #[wasm_bindgen(getter)]
    pub fn text(&self) -> String {
        let state = self.inner.state.borrow();
        state.pipeline.as_ref().map(|p| p.answer().text().to_owned()).unwrap_or_default()
    }

    /// DOM mutations made so far (creations, insertions, text and attribute changes).
    #[wasm_bindgen(getter)]
    pub fn mutations(&self) -> f64 {
        self.inner.state.borrow().applier.mutations() as f64
    }

    /// The status so far: `"idle"`, `"writing"`, `"streaming"` or the final outcome's status.
    #[wasm_bindgen(getter)]
    pub fn status(&self) -> String {
        let state = self.inner.state.borrow();
        match (state.lifecycle, &state.outcome) {
            (Lifecycle::Idle, _) => "idle".into(),
            (Lifecycle::Writing, _) => "writing".into(),
            (Lifecycle::Streaming, _) => "streaming".into(),
            (Lifecycle::Ended, Some(outcome)) => outcome.status().into(),
            (Lifecycle::Ended, None) => "done".into(),
        }
    }
}

/// Moves an idle renderer to streaming; misuse rejects the promise with a clear error.
fn begin_stream(inner: &Rc<Inner>) -> Result<CancelSignal, JsError> {
    let mut state = inner.state.borrow_mut();
    match state.lifecycle {
        Lifecycle::Idle => {}
        Lifecycle::Writing => return Err(JsError::new("fetch()/stream() on a renderer that was written to")),
        Lifecycle::Streaming => return Err(JsError::new("fetch()/stream() while another stream is rendering")),
        Lifecycle::Ended => return Err(JsError::new("fetch()/stream() after the answer ended; use a new Renderer")),
    }
    let cancel = CancelSignal::default();
    state.lifecycle = Lifecycle::Streaming;
    state.cancel = Some(cancel.clone());
    Ok(cancel)
}

fn start_pipeline(inner: &Inner, dialect: Option<DialectChoice>, headers: ResponseHeaders) {
    let mut pipeline = Pipeline::with_headers(inner.opts.clone(), dialect.unwrap_or(inner.dialect), headers);
    pipeline.keep_events(inner.on_event.is_some());
    inner.state.borrow_mut().pipeline = Some(pipeline);
}

async fn read_response(inner: &Rc<Inner>, cancel: &CancelSignal, response: Response) {
    read_response_as(inner, cancel, response, None).await
}

async fn read_response_as(
    inner: &Rc<Inner>,
    cancel: &CancelSignal,
    response: Response,
    dialect: Option<DialectChoice>,
) {
    let header = |name: &str| response.headers().get(name).ok().flatten();
    let headers = ResponseHeaders {
        content_type: header("content-type"),
        vercel_data_stream: header("x-vercel-ai-data-stream"),
        vercel_ui_message_stream: header("x-vercel-ai-ui-message-stream"),
    };
    start_pipeline(inner, dialect, headers);
    if !response.ok() {
        let body = match response.text() {
            Ok(text) => match cancel.guard(JsFuture::from(text)).await {
                None => return,
                Some(text) => text.ok().and_then(|t| t.as_string()).unwrap_or_default(),
            },
            Err(_) => String::new(),
        };
        let error = StreamError::from_http(response.status(), &response.status_text(), &body);
        return fail(inner, Some(cancel), error);
    }
    match response.body() {
        Some(body) => read_body(inner, cancel, body).await,
        None => finish_stream(inner, cancel),
    }
}

/// Pulls the body chunk by chunk into the pipeline until EOF, the terminal marker, an error or cancel.
async fn read_body(inner: &Rc<Inner>, cancel: &CancelSignal, body: web_sys::ReadableStream) {
    let mut reader = match BodyReader::new(body) {
        Ok(reader) => reader,
        Err(error) => return fail(inner, Some(cancel), error),
    };
    loop {
        match cancel.guard(reader.next()).await {
            None => return, // cancelled: `cancel()` already settled the outcome; dropping `reader` cancels it
            Some(None) => return finish_stream(inner, cancel),
            Some(Some(Err(error))) => return fail(inner, Some(cancel), error),
            Some(Some(Ok(bytes))) => {
                let ended = {
                    let mut state = inner.state.borrow_mut();
                    let Some(pipeline) = state.pipeline.as_mut() else { return };
                    pipeline.feed(&bytes);
                    pipeline.is_ended()
                };
                dispatch_events(inner);
                if ended {
                    // Terminal marker or provider error: stop reading now rather than wait for the socket.
                    return finish_stream(inner, cancel);
                }
                request_frame(inner);
            }
        }
    }
}

/// EOF or terminal marker: final render, outcome from the pipeline.
fn finish_stream(inner: &Inner, cancel: &CancelSignal) {
    if cancel.is_cancelled() {
        return;
    }
    {
        let mut state = inner.state.borrow_mut();
        let state = &mut *state;
        state.outcome = state.pipeline.as_mut().map(|p| p.finish(&mut state.applier));
        state.lifecycle = Lifecycle::Ended;
    }
    dispatch_events(inner);
}

/// A failure outside the pipeline (HTTP, network, usage): keep what was rendered, report the error.
fn fail(inner: &Inner, cancel: Option<&CancelSignal>, error: StreamError) {
    if cancel.is_some_and(CancelSignal::is_cancelled) {
        return;
    }
    {
        let mut state = inner.state.borrow_mut();
        let state = &mut *state;
        state.outcome = Some(match state.pipeline.as_mut() {
            Some(pipeline) => pipeline.fail(error, &mut state.applier),
            None => Outcome::Error(error),
        });
        state.lifecycle = Lifecycle::Ended;
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
    state.lifecycle = Lifecycle::Ended;
}

/// The promise's value: the settled outcome.
fn end_stream(inner: &Inner) -> JsValue {
    let mut state = inner.state.borrow_mut();
    state.cancel = None;
    state.controller = None;
    if state.lifecycle != Lifecycle::Ended {
        // Every path above settles the outcome; this keeps "exactly one outcome" true even if one did not.
        state.outcome.get_or_insert(Outcome::Incomplete);
        state.lifecycle = Lifecycle::Ended;
    }
    state_outcome_js(&state)
}

fn render_now(inner: &Inner) {
    {
        let mut state = inner.state.borrow_mut();
        if let Some(handle) = state.frame_request.take() {
            if let Some(window) = web_sys::window() {
                let _ = window.cancel_animation_frame(handle);
            }
        }
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
    let Some(window) = web_sys::window() else { return render_now(inner) };
    if inner.state.borrow().frame_request.is_some() {
        return;
    }
    let mut callback = inner.frame_callback.borrow_mut();
    let callback = callback.get_or_insert_with(|| {
        let weak: Weak<Inner> = Rc::downgrade(inner);
        Closure::new(move || {
            if let Some(inner) = weak.upgrade() {
                inner.state.borrow_mut().frame_request = None;
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
    let Some(callback) = &inner.on_event else { return };
    let events: Vec<JsValue> = {
        let mut state = inner.state.borrow_mut();
        let Some(pipeline) = state.pipeline.as_mut() else { return };
        pipeline.drain_events().map(|event| event_js(&event)).collect()
    };
    for event in events {
        // A throwing host callback must not break rendering.
        let _ = callback.call1(&JsValue::NULL, &event);
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
    set(&object, "bytes", stats.bytes as f64);
    set(&object, "frames", stats.frames as f64);
    set(&object, "malformed", stats.malformed as f64);
    set(&object, "unknown", stats.unknown as f64);
    set(&object, "text", text);
    object.into()
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
    let _ = Reflect::set(object, &JsValue::from_str(key), &value.into());
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
        let known: Vec<String> = DialectKind::ALL.iter().map(|kind| format!("{:?}", kind.name())).collect();
        JsError::new(&format!("unknown dialect {name:?}: use \"auto\" or one of {}", known.join(", ")))
    })
}

type ParsedOptions = (RenderOptions, DialectChoice, Option<Function>);

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
        let origins: Option<Vec<String>> = Array::from(&images).iter().map(|origin| origin.as_string()).collect();
        ImagePolicy::Origins(origins.ok_or_else(|| JsError::new("option images: every origin must be a string"))?)
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
    let on_event = get(options, "onEvent");
    let on_event = match on_event.dyn_into::<Function>() {
        Ok(function) => Some(function),
        Err(value) if value.is_undefined() || value.is_null() => None,
        Err(_) => return Err(JsError::new("option onEvent must be a function")),
    };
    Ok((opts, dialect, on_event))
}
