//! When rendering happens: once per animation frame however many chunks arrive ([`Frames`]), and the stream
//! reader's yields to the browser ([`yield_to_browser`]) once its own work fills a frame's budget (the budget itself
//! is [`super::pace`]'s).

use std::cell::{Cell, RefCell};

use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use super::pace::Yielded;

/// How long a yield waits for an animation frame before going on anyway (frames throttled, e.g. in an iframe out of
/// view, or the page hidden while waiting).
const FRAME_TIMEOUT_MS: i32 = 100;

/// A renderer's animation frame: at most one requested at a time.
#[derive(Default)]
pub struct Frames {
    /// The handle of the requested frame, if one is pending.
    requested: Cell<Option<i32>>,
    /// Made on first use; the renderer's closure holds only a weak reference back, so no cycle keeps a dropped
    /// renderer alive.
    callback: RefCell<Option<Closure<dyn FnMut()>>>,
    /// Animation frames rendered so far: the stream reader's pacer starts a fresh budget after each.
    count: Cell<u32>,
}

impl Frames {
    /// Requests a frame that runs `render` (made once, by `make`); `false` without a window (workers, Node), where
    /// the caller renders at once.
    pub fn request(&self, make: impl FnOnce() -> Closure<dyn FnMut()>) -> bool {
        if self.requested.get().is_some() {
            return true;
        }
        let Some(window) = web_sys::window() else { return false };
        let Ok(mut callback) = self.callback.try_borrow_mut() else { return false };
        let callback = callback.get_or_insert_with(make);
        match window.request_animation_frame(callback.as_ref().unchecked_ref()) {
            Ok(handle) => {
                self.requested.set(Some(handle));
                true
            }
            Err(_) => false,
        }
    }

    /// The frame came: it is no longer pending, and one more was rendered.
    pub fn arrived(&self) {
        self.requested.set(None);
        self.count.set(self.count.get().wrapping_add(1));
    }

    pub fn count(&self) -> u32 {
        self.count.get()
    }

    /// Cancels a pending frame (the answer ended, or the renderer is dropped: the frame would call a freed closure).
    pub fn cancel(&self) {
        if let Some(handle) = self.requested.take() {
            if let Some(window) = web_sys::window() {
                let _ = window.cancel_animation_frame(handle);
            }
        }
    }
}

/// What a yield left behind in the page: the frame request, the timer and the probe's channel. Dropped when the yield
/// ends or when the stream routine is dropped mid-yield (cancel), so nothing outlives it.
struct YieldGuard {
    window: Option<web_sys::Window>,
    frame: Option<i32>,
    timer: Option<i32>,
    channel: Option<web_sys::MessageChannel>,
}

impl Drop for YieldGuard {
    fn drop(&mut self) {
        if let Some(window) = &self.window {
            if let Some(frame) = self.frame {
                let _ = window.cancel_animation_frame(frame);
            }
            if let Some(timer) = self.timer {
                window.clear_timeout_with_handle(timer);
            }
        }
        if let Some(channel) = &self.channel {
            channel.port1().set_onmessage(None);
            channel.port1().close();
        }
    }
}

/// A promise resolved by a message posted now on `channel` (a macrotask, which background tabs do not throttle).
fn posted_message(channel: &web_sys::MessageChannel) -> js_sys::Promise {
    js_sys::Promise::new(&mut |resolve, _reject| {
        channel.port1().set_onmessage(Some(&resolve));
        let _ = channel.port2().post_message(&JsValue::UNDEFINED);
    })
}

/// Gives the main thread back to the browser: resolves at the next animation frame, so the page draws what was
/// rendered before more work starts. A hidden page draws no frames, and there is no frame outside a window (a worker):
/// there it resolves at the next macrotask (a `MessageChannel` message). A timer bounds the wait for a frame, in case
/// frames stop while waiting. In a frame, a message posted now tells when the browser finished rendering what the
/// reader did (see [`Yielded`]). Cancelling is dropping this future.
pub async fn yield_to_browser() -> Yielded {
    let window = web_sys::window();
    let visible = window.as_ref().and_then(|w| w.document()).is_some_and(|d| !d.hidden());
    let mut guard = YieldGuard { window, frame: None, timer: None, channel: web_sys::MessageChannel::new().ok() };
    let not_seen = Yielded { framed: false, rendered_at: None };
    match (&guard.window, visible) {
        (Some(window), true) => {
            let probe = guard.channel.as_ref().map(posted_message);
            let (mut frame, mut timer) = (None, None);
            let promise = js_sys::Promise::new(&mut |resolve, _reject| {
                frame = window.request_animation_frame(&resolve).ok();
                timer = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, FRAME_TIMEOUT_MS).ok();
            });
            (guard.frame, guard.timer) = (frame, timer);
            // The animation frame passes its timestamp; the timer nothing.
            let framed = JsFuture::from(promise).await.is_ok_and(|value| value.as_f64().is_some());
            // Whether the probe ran before this frame: a race with a promise that is already resolved, which the
            // probe wins only if it resolved first. Its event's timeStamp is when it was dispatched.
            let mut rendered_at = None;
            if let Some(probe) = probe {
                let race =
                    js_sys::Promise::race(&js_sys::Array::of2(&probe, &js_sys::Promise::resolve(&JsValue::NULL)));
                if let Ok(event) = JsFuture::from(race).await {
                    rendered_at =
                        js_sys::Reflect::get(&event, &JsValue::from_str("timeStamp")).ok().and_then(|t| t.as_f64());
                }
            }
            Yielded { framed, rendered_at }
        }
        _ => {
            if let Some(channel) = &guard.channel {
                let _ = JsFuture::from(posted_message(channel)).await;
            }
            not_seen
        }
    }
}
