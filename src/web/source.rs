//! Response bodies as chunks of bytes, and the cancel signal that interrupts waiting for them.
//!
//! The body is read through a `ReadableStreamDefaultReader` (pull-based: the next chunk is requested only after the
//! previous one was fed, which is the backpressure). Dropping the reader before the end cancels the underlying
//! `ReadableStream`, so the source — or, for `fetch`, the connection — learns the client is gone.

use std::cell::{Cell, RefCell};
use std::future::{poll_fn, Future};
use std::pin::pin;
use std::rc::Rc;
use std::task::{ready, Poll, Waker};

use wasm_bindgen::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{ReadableStreamDefaultReader, ReadableStreamReadResult};

use crate::error::{ErrorKind, StreamError};

/// Set once by `cancel()`; wakes whatever [`CancelSignal::guard`] waits on.
#[derive(Clone, Default)]
pub struct CancelSignal(Rc<CancelState>);

#[derive(Default)]
struct CancelState {
    cancelled: Cell<bool>,
    // Borrowed only inside `cancel` and `guard`'s poll, never across an await or a call into JS.
    waker: RefCell<Option<Waker>>,
}

impl CancelSignal {
    pub fn cancel(&self) {
        self.0.cancelled.set(true);
        let waker = self.0.waker.borrow_mut().take();
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.cancelled.get()
    }

    /// Runs `work` until it completes (`Some`) or the signal fires first (`None`; `work` is dropped). A cancel that
    /// happens while `work` is polled (a source's `pull` may call the host, which may call `cancel()`) wins too.
    pub async fn guard<F: Future>(&self, work: F) -> Option<F::Output> {
        let mut work = pin!(work);
        poll_fn(|cx| {
            // The waker is in place before `work` runs any JS, so a re-entrant `cancel()` wakes this task.
            *self.0.waker.borrow_mut() = Some(cx.waker().clone());
            if self.is_cancelled() {
                return Poll::Ready(None);
            }
            let output = ready!(work.as_mut().poll(cx));
            self.0.waker.borrow_mut().take();
            Poll::Ready((!self.is_cancelled()).then_some(output))
        })
        .await
    }
}

/// Reads a `ReadableStream` of bytes (or of strings, for host-made streams) chunk by chunk: [`read`](Self::read)
/// asks for the next chunk and [`chunk`](Self::chunk) takes what it settled with. The wait between them is the
/// caller's, under its [`CancelSignal::guard`], so one guard routine serves every wait of a stream.
pub struct BodyReader {
    reader: ReadableStreamDefaultReader,
    /// Set once the body ended or failed: nothing left to cancel.
    done: bool,
}

impl BodyReader {
    /// Locks `stream`; a stream another reader holds is a usage error, not a panic.
    pub fn new(stream: web_sys::ReadableStream) -> Result<BodyReader, StreamError> {
        match ReadableStreamDefaultReader::new(&stream) {
            Ok(reader) => Ok(BodyReader { reader, done: false }),
            Err(_) => Err(StreamError::new(ErrorKind::Usage, "the stream is already locked to another reader")),
        }
    }

    /// Requests the next chunk.
    pub fn read(&self) -> JsFuture {
        JsFuture::from(self.reader.read())
    }

    /// The chunk a [`read`](Self::read) settled with, `None` at the end of the body.
    pub fn chunk(&mut self, read: Result<JsValue, JsValue>) -> Option<Result<Vec<u8>, StreamError>> {
        match read {
            Ok(result) => {
                let result: ReadableStreamReadResult = result.unchecked_into();
                if result.get_done().unwrap_or_default() {
                    self.done = true;
                    return None;
                }
                Some(Ok(chunk_bytes(result.get_value())))
            }
            Err(error) => {
                self.done = true;
                Some(Err(StreamError::new(ErrorKind::Network, js_error_message(&error))))
            }
        }
    }
}

impl Drop for BodyReader {
    /// Dropped before the end (cancel): cancel the stream so its source stops producing.
    fn drop(&mut self) {
        if !self.done {
            IGNORE_REJECTION.with(|ignore| {
                let _ = self.reader.cancel().catch(ignore);
            });
        }
    }
}

thread_local! {
    /// A rejection handler that does nothing, shared by every cancelled reader (no closure leaked per stream).
    static IGNORE_REJECTION: Closure<dyn FnMut(JsValue)> = Closure::new(|_| {});
}

fn chunk_bytes(chunk: JsValue) -> Vec<u8> {
    if let Some(text) = chunk.as_string() {
        return text.into_bytes();
    }
    if let Some(bytes) = chunk.dyn_ref::<js_sys::Uint8Array>() {
        return bytes.to_vec();
    }
    if let Some(buffer) = chunk.dyn_ref::<js_sys::ArrayBuffer>() {
        return js_sys::Uint8Array::new(buffer).to_vec();
    }
    Vec::new()
}

/// The message of a JS exception or rejection value: an `Error`'s message, a string as it is, anything else as JSON
/// (`42`, `{"code":1}`), and a value JSON cannot show (`undefined`, a function) as "unknown error".
pub fn js_error_message(error: &JsValue) -> String {
    if let Some(error) = error.dyn_ref::<js_sys::Error>() {
        return String::from(error.message());
    }
    error
        .as_string()
        .or_else(|| js_sys::JSON::stringify(error).ok().and_then(|json| json.as_string()))
        .unwrap_or_else(|| "unknown error".into())
}

/// Whether a rejection is the `AbortError` an aborted fetch rejects with.
pub fn is_abort_error(error: &JsValue) -> bool {
    error.dyn_ref::<web_sys::DomException>().is_some_and(|e| e.name() == "AbortError")
}
