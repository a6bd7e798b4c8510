//! The stream routine of `fetch()` and `stream()`: the request, the response's status and headers, then the body,
//! read through wasm-streams and fed to the pipeline until EOF, the terminal marker, an error or cancel.
//!
//! - The body is `wasm_streams::ReadableStream::from_raw(body).into_stream()`, polled with `StreamExt::next`: a
//!   chunk is requested only when the previous one was fed (pull-based backpressure reaches the source, and for
//!   `fetch` the socket).
//! - The routine runs under `wasm_bindgen_futures` inside `futures`' `Abortable` ([`super::renderer`]): `cancel()`
//!   aborts it, and it is dropped at its next await. Dropping the body stream cancels its reader, so the source (or
//!   the connection) learns the client is gone. Code after a host callback (`onEvent`, `onPatch`, which may call
//!   `cancel()`) checks that the stream still runs before it goes on.
//! - Feeding is paced ([`Pacer`], [`yield_to_browser`]): at most [`SLICE`] bytes at a time, and once the frame's
//!   budget is spent, render and yield to the browser before reading more.

use std::rc::Rc;

use futures::StreamExt;
use js_sys::Reflect;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortSignal, Response};

use super::frames::yield_to_browser;
use super::js::{self, Chunk, SurrogateCarry};
use super::pace::{Pacer, SLICE};
use super::renderer::Shared;
use crate::error::{ErrorKind, StreamError};
use crate::pipeline::{DialectChoice, ResponseHeaders};

/// What a stream reads: `fetch()`'s request, or what the host gave `stream()`.
pub enum Source {
    Request { url: String, init: JsValue },
    Given { source: JsValue, dialect: Option<DialectChoice> },
}

/// The whole stream. Every way it ends settles the outcome through `shared` (which ignores a second one, e.g.
/// after `cancel()`).
pub async fn run(shared: Rc<Shared>, source: Source, signal: Option<AbortSignal>) {
    if let Some(body) = open(&shared, source, signal).await {
        read(&shared, body).await;
    }
}

/// What the host gave `stream()`, when `cancel()` came before the routine began: its body is cancelled all the same,
/// so the source learns nobody will read it (a routine that began cancels it by dropping its reader).
pub fn cancel_unread(given: &JsValue) {
    let body = if given.is_instance_of::<web_sys::ReadableStream>() {
        given.clone()
    } else if given.is_instance_of::<Response>() {
        property(given, "body")
    } else {
        return;
    };
    let Ok(body) = body.dyn_into::<web_sys::ReadableStream>() else { return };
    if !body.locked() {
        IGNORE_REJECTION.with(|ignore| {
            let _ = body.cancel().catch(ignore);
        });
    }
}

thread_local! {
    /// A rejection handler that does nothing, shared by every cancel (no closure leaked per stream).
    static IGNORE_REJECTION: wasm_bindgen::closure::Closure<dyn FnMut(JsValue)> =
        wasm_bindgen::closure::Closure::new(|_| {});
}

fn usage(message: impl Into<String>) -> StreamError {
    StreamError::new(ErrorKind::Usage, message)
}

/// A property of a page object, read without throwing (a `Proxy` or a throwing getter gives `undefined`).
fn property(object: &JsValue, name: &str) -> JsValue {
    Reflect::get(object, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
}

/// `fetch(url, init)` with our abort signal. The host's init is read by `new Request(url, init)` first, which
/// reports a throwing getter or a bad value as an exception (a usage error here) instead of throwing through us.
fn request(url: &str, init: &JsValue, signal: &AbortSignal) -> Result<js_sys::Promise, StreamError> {
    let window = web_sys::window().ok_or_else(|| usage("fetch() needs a window"))?;
    let request = if init.is_undefined() || init.is_null() {
        web_sys::Request::new_with_str(url)
    } else {
        web_sys::Request::new_with_str_and_init(url, init.unchecked_ref())
    }
    .map_err(|error| usage(format!("fetch(): the request could not be made: {}", js::error_message(&error))))?;
    let ours = web_sys::RequestInit::new();
    ours.set_signal(Some(signal));
    Ok(window.fetch_with_request_and_init(&request, &ours))
}

/// The request and the response's head: the body to read, or `None` when the stream already ended (settled).
async fn open(shared: &Shared, source: Source, signal: Option<AbortSignal>) -> Option<web_sys::ReadableStream> {
    let (response, dialect): (JsValue, _) = match source {
        Source::Request { url, init } => {
            let Some(signal) = signal else {
                shared.fail_stream(usage("fetch() has no abort signal"));
                return None;
            };
            let fetched = match request(&url, &init, &signal) {
                Ok(fetched) => fetched,
                Err(error) => {
                    shared.fail_stream(error);
                    return None;
                }
            };
            match JsFuture::from(fetched).await {
                Ok(response) => (response, None),
                Err(error) => {
                    match js::read_failure(&error) {
                        Some(error) => shared.fail_stream(error),
                        None => shared.abort_stream(),
                    }
                    return None;
                }
            }
        }
        Source::Given { source, dialect } if source.is_instance_of::<Response>() => (source, dialect),
        Source::Given { source, dialect } if source.is_instance_of::<web_sys::ReadableStream>() => {
            shared.start_pipeline(dialect, ResponseHeaders::default());
            return Some(source.unchecked_into());
        }
        Source::Given { .. } => {
            shared.fail_stream(usage("stream() takes a Response or a ReadableStream"));
            return None;
        }
    };
    // Read through `Reflect`: a `Proxy` of a `Response` passes `instanceof` but throws from every getter.
    let headers = property(&response, "headers").dyn_into::<web_sys::Headers>().ok();
    let header = |name: &str| headers.as_ref().and_then(|h| h.get(name).ok().flatten());
    let head = ResponseHeaders {
        content_type: header("content-type"),
        vercel_data_stream: header("x-vercel-ai-data-stream"),
        vercel_ui_message_stream: header("x-vercel-ai-ui-message-stream"),
    };
    shared.start_pipeline(dialect, head);
    let ok = property(&response, "ok");
    if ok.as_bool() != Some(true) {
        let Some(status) = property(&response, "status").as_f64() else {
            shared.fail_stream(usage("stream(): the Response could not be read"));
            return None;
        };
        let status_text = property(&response, "statusText").as_string().unwrap_or_default();
        let response: Response = response.unchecked_into();
        let body = match response.text() {
            Ok(text) => JsFuture::from(text).await.ok().and_then(|t| t.as_string()).unwrap_or_default(),
            Err(_) => String::new(),
        };
        shared.fail_stream(StreamError::from_http(status as u16, &status_text, &body));
        return None;
    }
    match property(&response, "body").dyn_into::<web_sys::ReadableStream>() {
        Ok(body) => Some(body),
        Err(_) => {
            shared.finish_stream(); // no body: an empty answer
            None
        }
    }
}

/// Reads the body chunk by chunk into the pipeline, in paced slices, to its end.
async fn read(shared: &Rc<Shared>, body: web_sys::ReadableStream) {
    let mut chunks = match wasm_streams::ReadableStream::from_raw(body).try_into_stream() {
        Ok(chunks) => chunks,
        Err(_) => {
            shared.fail_stream(usage("the stream is already locked to another reader"));
            return;
        }
    };
    let mut carry = SurrogateCarry::default();
    let mut pacer = Pacer::default();
    'read: while let Some(chunk) = chunks.next().await {
        let bytes = match chunk.map_err(|error| js::read_failure(&error)).and_then(|v| js::chunk(v).map_err(Some)) {
            Ok(Chunk::Bytes(bytes)) => bytes,
            Ok(Chunk::Text(text)) => carry.take(&text).into_bytes(),
            // Returning drops `chunks`: its reader cancels the source.
            Err(Some(error)) => return shared.fail_stream(error),
            Err(None) => return shared.abort_stream(),
        };
        // Any split is valid: the decoder carries a code point cut between slices over.
        for slice in bytes.chunks(SLICE) {
            let started = pacer.start(shared.frames().count());
            // `None`: a host callback (`onEvent`, `onPatch`) called `cancel()` or `free()`.
            let Some((ended, backlog)) = shared.feed(slice) else { return };
            if ended {
                // Terminal marker or provider error: stop reading now rather than wait for the socket.
                pacer.stop(started);
                break 'read;
            }
            if backlog >= SLICE {
                // Input arrives faster than frames: render in slices rather than all at the next frame.
                shared.render_now();
            } else {
                shared.request_frame();
            }
            pacer.stop(started);
            if !shared.is_streaming() {
                return;
            }
            if pacer.over_budget(shared.budget_ms()) {
                // This frame's budget is spent: show what arrived, let the browser draw it and handle input, and
                // read nothing meanwhile (backpressure). The render is own work: timed, so that what the pacer
                // sees between its end and the next frame is the browser's.
                let started = pacer.start(shared.frames().count());
                shared.render_now();
                pacer.stop(started);
                let seen = yield_to_browser().await;
                if !shared.is_streaming() {
                    return;
                }
                pacer.yielded(seen);
            }
        }
    }
    // A high surrogate the last string chunk held back had no pair.
    let unpaired = carry.finish();
    if !unpaired.is_empty() && shared.feed(unpaired.as_bytes()).is_none() {
        return;
    }
    // EOF or the terminal marker. The final render re-reads the whole answer, so it gets a frame of its own when this
    // one already has the reader's work in it.
    if pacer.worked(shared.frames().count()) {
        shared.render_now();
        yield_to_browser().await;
    }
    shared.finish_stream();
}
