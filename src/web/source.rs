//! Response bodies as chunks of bytes, and the task that runs a stream's routine: its promise waits and its cancel
//! signal.
//!
//! The body is read through a `ReadableStreamDefaultReader` (pull-based: the next chunk is requested only after the
//! previous one was fed, which is the backpressure). Dropping the reader before the end cancels the underlying
//! `ReadableStream`, so the source — or, for `fetch`, the connection — learns the client is gone.

use std::cell::{Cell, RefCell};
use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use wasm_bindgen::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{ReadableStreamDefaultReader, ReadableStreamReadResult};

use crate::error::{ErrorKind, StreamError};

/// A stream's routine (one `async` block) and its cancel signal. The routine is driven by the promises it waits for:
/// each calls back into it when it settles, and `cancel()` wakes it in a microtask. One routine per stream needs
/// neither a task queue nor wakers, and one pair of callbacks serves every promise it waits for (wasm-bindgen's
/// executor and `JsFuture`, which make two closures per promise, were 2.4 KB of the module gzipped).
#[derive(Clone, Default)]
pub struct Task(Rc<TaskState>);

#[derive(Default)]
struct TaskState {
    cancelled: Cell<bool>,
    /// The routine, until it completes. Borrowed only while it is polled, which never happens re-entrantly: it is
    /// polled from promise callbacks, and those run as microtasks.
    routine: RefCell<Option<Pin<Box<dyn Future<Output = ()>>>>>,
    /// What the promise the routine waits for settled with, until [`Task::wait`] takes it.
    settled: RefCell<Option<Result<JsValue, JsValue>>>,
    /// Promises handed `callbacks` that have not called back yet: a promise the routine stopped waiting for (it was
    /// cancelled) may still settle, so the callbacks live until the last one has and the routine has completed.
    pending: Cell<u32>,
    /// Fulfilled and rejected callbacks; they hold the task, a cycle that ends when they are dropped.
    callbacks: RefCell<Option<(Callback, Callback)>>,
}

type Callback = Closure<dyn FnMut(JsValue)>;

impl Task {
    /// Sets the signal: the routine's current or next [`wait`](Self::wait) returns `None`, and a routine that waits
    /// is woken in a microtask to see it.
    pub fn cancel(&self) {
        self.0.cancelled.set(true);
        self.listen(&js_sys::Promise::resolve(&JsValue::UNDEFINED));
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.cancelled.get()
    }

    /// Runs `routine`, from a microtask (as a spawned future would: a `cancel()` in the same task as the call finds
    /// the routine not started yet).
    pub fn spawn(&self, routine: impl Future<Output = ()> + 'static) {
        *self.0.routine.borrow_mut() = Some(Box::pin(routine));
        let (fulfilled, rejected) = (self.clone(), self.clone());
        *self.0.callbacks.borrow_mut() = Some((
            Closure::new(move |value| fulfilled.settle(Ok(value))),
            Closure::new(move |error| rejected.settle(Err(error))),
        ));
        self.listen(&js_sys::Promise::resolve(&JsValue::UNDEFINED));
    }

    /// Waits for `promise` to settle: `None` when the signal is set first (or already was), and also when it is set
    /// while the promise settles (a source's `pull` may call the host, which may call `cancel()`). The promise is
    /// listened to in any case, so a rejection after a cancel is handled, not reported as uncaught.
    pub fn wait(&self, promise: js_sys::Promise) -> impl Future<Output = Option<Result<JsValue, JsValue>>> + '_ {
        let mut listening = false;
        poll_fn(move |_| {
            if !listening {
                listening = true;
                self.0.settled.take(); // the wake that started the routine
                self.listen(&promise);
            }
            if self.is_cancelled() {
                return Poll::Ready(None);
            }
            match self.0.settled.take() {
                Some(result) => Poll::Ready(Some(result)),
                None => Poll::Pending,
            }
        })
    }

    /// Has `promise` call the routine back when it settles.
    fn listen(&self, promise: &js_sys::Promise) {
        if let Some((fulfilled, rejected)) = self.0.callbacks.borrow().as_ref() {
            self.0.pending.set(self.0.pending.get() + 1);
            let _ = promise.then2(fulfilled, rejected);
        }
    }

    /// A promise called back: hand its result to the routine and poll it; once the routine has completed and no
    /// promise is left to call back, drop the callbacks (wasm-bindgen frees the running one when it returns).
    fn settle(&self, result: Result<JsValue, JsValue>) {
        self.0.pending.set(self.0.pending.get() - 1);
        let completed = {
            let mut routine = self.0.routine.borrow_mut();
            if let Some(future) = routine.as_mut() {
                *self.0.settled.borrow_mut() = Some(result);
                if future.as_mut().poll(&mut Context::from_waker(Waker::noop())).is_ready() {
                    routine.take()
                } else {
                    None
                }
            } else {
                None
            }
        };
        // Dropped outside the borrow: dropping a body reader cancels its stream, which may call into the host.
        drop(completed);
        if self.0.pending.get() == 0 && self.0.routine.borrow().is_none() {
            drop(self.0.callbacks.take());
        }
    }
}

/// Reads a `ReadableStream` of bytes (or of strings, for host-made streams) chunk by chunk: [`read`](Self::read)
/// asks for the next chunk and [`chunk`](Self::chunk) takes what it settled with. The wait between them is the
/// caller's, through its [`Task::wait`].
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
    pub fn read(&self) -> js_sys::Promise {
        self.reader.read()
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
