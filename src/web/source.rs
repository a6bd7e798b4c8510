//! Response bodies as chunks of bytes, and the cancel signal that interrupts waiting for them.
//!
//! The body is read with wasm-streams' `into_stream()` (pull-based: the next chunk is requested only after the
//! previous one was fed, which is the backpressure). Dropping the reader cancels the underlying `ReadableStream`,
//! so the source — or, for `fetch`, the connection — learns the client is gone.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use futures::future::{select, Either};
use futures::StreamExt;
use wasm_bindgen::{JsCast, JsValue};
use wasm_streams::readable::IntoStream;

use crate::error::{ErrorKind, StreamError};

/// Set once by `cancel()`; wakes whatever waits on [`CancelSignal::cancelled`].
#[derive(Clone, Default)]
pub struct CancelSignal(Rc<CancelState>);

#[derive(Default)]
struct CancelState {
    cancelled: Cell<bool>,
    // Borrowed only inside `cancel` and `poll`, never across an await.
    waker: RefCell<Option<Waker>>,
}

impl CancelSignal {
    pub fn cancel(&self) {
        self.0.cancelled.set(true);
        if let Some(waker) = self.0.waker.borrow_mut().take() {
            waker.wake();
        }
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.cancelled.get()
    }

    /// Completes once [`cancel`](Self::cancel) has been called.
    pub fn cancelled(&self) -> Cancelled {
        Cancelled(self.clone())
    }

    /// Runs `work` until it completes (`Some`) or the signal fires first (`None`; `work` is dropped).
    pub async fn guard<F: Future>(&self, work: F) -> Option<F::Output> {
        if self.is_cancelled() {
            return None;
        }
        let work = Box::pin(work);
        match select(work, self.cancelled()).await {
            Either::Left((output, _)) => Some(output),
            Either::Right(((), _)) => None,
        }
    }
}

/// The future of [`CancelSignal::cancelled`].
pub struct Cancelled(CancelSignal);

impl Future for Cancelled {
    type Output = ();
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let state = &(self.0).0;
        if state.cancelled.get() {
            return Poll::Ready(());
        }
        *state.waker.borrow_mut() = Some(cx.waker().clone());
        Poll::Pending
    }
}

/// Reads a `ReadableStream` of bytes (or of strings, for host-made streams) chunk by chunk.
pub struct BodyReader {
    chunks: IntoStream<'static>,
}

impl BodyReader {
    /// Locks `stream`; a stream another reader holds is a usage error, not a panic.
    pub fn new(stream: web_sys::ReadableStream) -> Result<BodyReader, StreamError> {
        match wasm_streams::ReadableStream::from_raw(stream).try_into_stream() {
            Ok(chunks) => Ok(BodyReader { chunks }),
            Err(_) => Err(StreamError::new(ErrorKind::Usage, "the stream is already locked to another reader")),
        }
    }

    /// The next chunk, `None` at the end of the body.
    pub async fn next(&mut self) -> Option<Result<Vec<u8>, StreamError>> {
        Some(match self.chunks.next().await? {
            Ok(chunk) => Ok(chunk_bytes(chunk)),
            Err(error) => Err(StreamError::new(ErrorKind::Network, js_error_message(&error))),
        })
    }
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

/// The message of a JS exception or rejection value.
pub fn js_error_message(error: &JsValue) -> String {
    if let Some(error) = error.dyn_ref::<js_sys::Error>() {
        return String::from(error.message());
    }
    error.as_string().unwrap_or_else(|| format!("{error:?}"))
}

/// Whether a rejection is the `AbortError` an aborted fetch rejects with.
pub fn is_abort_error(error: &JsValue) -> bool {
    error.dyn_ref::<web_sys::DomException>().is_some_and(|e| e.name() == "AbortError")
}
