//! Time slicing of the stream reader, so a burst of input never blocks the page for more than a frame.
//!
//! A fast network (or a proxy that buffers) can hand the reader many kilobytes at once, and reads of chunks that are
//! already queued resolve as microtasks: fed back to back, they would keep the main thread until the whole burst is
//! rendered. Instead the reader feeds at most [`SLICE`] bytes at a time, renders once [`SLICE`] bytes are waiting, and
//! measures its own work with `performance.now()`: once the next slice would take the work since the last frame past
//! [`BUDGET_MS`], it renders what it has and [yields](yield_to_browser) until the next animation frame. It reads no
//! chunk while it waits, so the pull-based reader's backpressure reaches the source (for `fetch`, the socket): what is
//! pending in the renderer is bounded by one chunk.

use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// Bytes fed to the pipeline at a time, and unrendered bytes that trigger a render in the reader loop.
pub const SLICE: usize = 4 * 1024;

/// The reader's own work (feed + render) per animation frame, in ms: half of a 60 Hz frame, the rest is left for
/// style, layout, paint and the page's own scripts.
pub const BUDGET_MS: f64 = 8.0;

/// Main-thread idle time after which a frame surely had its chance (60 Hz), so the budget starts afresh.
const FRAME_MS: f64 = 16.0;

/// How long a yield waits for an animation frame before going on anyway (frames throttled, e.g. in an iframe out of
/// view, or the page hidden while waiting).
const FRAME_TIMEOUT_MS: i32 = 100;

#[wasm_bindgen]
extern "C" {
    /// `performance.now()`: in windows and workers alike.
    #[wasm_bindgen(js_namespace = performance, js_name = now)]
    fn performance_now() -> f64;
}

/// The reader's own work since the browser last had a chance to draw a frame.
#[derive(Default)]
pub struct Pacer {
    /// Work since the last frame, in ms.
    spent: f64,
    /// The last piece of work, in ms: the estimate of the next one.
    last: f64,
    /// When the last piece of work ended.
    idle_since: f64,
    /// The renderer's frame count when the budget last started afresh.
    frame: u32,
}

impl Pacer {
    /// Starts timing a piece of work; `frame` is the renderer's count of animation frames rendered so far. The budget
    /// starts afresh when a frame was rendered or the main thread was idle for a frame's time since the last piece.
    pub fn start(&mut self, frame: u32) -> f64 {
        let now = performance_now();
        if frame != self.frame || now - self.idle_since >= FRAME_MS {
            self.frame = frame;
            self.spent = 0.0;
        }
        now
    }

    /// Ends the piece of work begun at `started`.
    pub fn stop(&mut self, started: f64) {
        let now = performance_now();
        self.last = now - started;
        self.spent += self.last;
        self.idle_since = now;
    }

    /// Whether the reader has worked since the browser last had a chance to draw a frame.
    pub fn worked(&mut self, frame: u32) -> bool {
        self.start(frame);
        self.spent > 0.0
    }

    /// Whether another piece of work like the last one would overrun this frame's budget of `budget_ms` (normally
    /// [`BUDGET_MS`]; 0 yields after every slice).
    pub fn over_budget(&self, budget_ms: f64) -> bool {
        self.spent + self.last >= budget_ms
    }

    /// The reader has yielded: the next frame's budget is whole.
    pub fn yielded(&mut self) {
        self.spent = 0.0;
        self.idle_since = performance_now();
    }
}

/// Gives the main thread back to the browser: resolves at the next animation frame, so the page draws what was
/// rendered before more work starts. A hidden page draws no frames, and there is no frame outside a window (a worker):
/// there it resolves at the next macrotask (a `MessageChannel` message, which background tabs do not throttle). A
/// timer bounds the wait for a frame, in case frames stop while waiting.
pub async fn yield_to_browser() {
    let window = web_sys::window();
    let visible = window.as_ref().and_then(|w| w.document()).is_some_and(|d| !d.hidden());
    match window {
        Some(window) if visible => {
            let (mut frame, mut timer) = (None, None);
            let promise = js_sys::Promise::new(&mut |resolve, _reject| {
                frame = window.request_animation_frame(&resolve).ok();
                timer = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, FRAME_TIMEOUT_MS).ok();
            });
            let _ = JsFuture::from(promise).await;
            // Whichever fired, the other is not needed any more.
            if let Some(frame) = frame {
                let _ = window.cancel_animation_frame(frame);
            }
            if let Some(timer) = timer {
                window.clear_timeout_with_handle(timer);
            }
        }
        _ => {
            let Ok(channel) = web_sys::MessageChannel::new() else { return };
            let promise = js_sys::Promise::new(&mut |resolve, _reject| {
                channel.port1().set_onmessage(Some(&resolve));
                let _ = channel.port2().post_message(&JsValue::UNDEFINED);
            });
            let _ = JsFuture::from(promise).await;
            channel.port1().close();
        }
    }
}
