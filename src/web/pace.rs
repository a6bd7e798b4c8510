//! Time slicing of the stream reader, so a burst of input never blocks the page for more than a frame.
//!
//! A fast network (or a proxy that buffers) can hand the reader many kilobytes at once, and reads of chunks that are
//! already queued resolve as microtasks: fed back to back, they would keep the main thread until the whole burst is
//! rendered. Instead the reader feeds at most [`SLICE`] bytes at a time, renders once [`SLICE`] bytes are waiting, and
//! measures its own work with `performance.now()`: once the next slice would take the work since the last frame past
//! this frame's budget, it renders what it has and [yields](super::frames::yield_to_browser) until the next animation frame. It reads
//! no chunk while it waits, so the pull-based reader's backpressure reaches the source (for `fetch`, the socket): what
//! is pending in the renderer is bounded by one chunk.
//!
//! The budget adapts to what the browser does with the DOM rendered in a frame. A frame costs the reader's own work
//! plus the style, layout and paint of what it added, and the second part is often the larger (a list or table that
//! grows is laid out again; a 20 KB piece of an answer takes 2–4 times its own work to lay out). After each yield the
//! [`Pacer`] learns when the browser was done rendering the frame (a message posted at the yield runs right after it),
//! and the ratio of that rendering to its own work sizes the next budget so that both fit in [`TARGET_MS`].

use wasm_bindgen::prelude::*;

/// Bytes fed to the pipeline at a time, and unrendered bytes that trigger a render in the reader loop. Small enough that
/// one slice of the costliest shapes (footnote definitions re-rendering their users) stays a fraction of a frame.
pub const SLICE: usize = 1024;

/// The most own work (feed + render) per animation frame, in ms: half of a 60 Hz frame, the rest is left for style,
/// layout, paint and the page's own scripts. The adaptive budget stays at or below it.
pub const BUDGET_MS: f64 = 8.0;

/// The least own work per frame, in ms, however costly the browser's rendering: the stream always moves on.
const MIN_BUDGET_MS: f64 = 1.0;

/// Own work plus the browser's rendering of it that a frame should hold, in ms: a 60 Hz frame less room for the page's
/// own scripts and for misestimates (a slice can cost several times the last one: a garbage collection, a re-render).
/// 12 ms left frames of 18–20 ms on lists and tables; 10 ms brought them to 17–18 ms for 0–40% longer bursts.
const TARGET_MS: f64 = 10.0;

/// The initial estimate of the browser's rendering per ms of own work (measured: 1–4 on answers, lists and tables), so
/// the first frame of a burst gets a budget of 3.3 ms.
const INITIAL_RENDER_RATIO: f64 = 2.0;

/// Main-thread idle time after which a frame surely had its chance (60 Hz), so the budget starts afresh.
const FRAME_MS: f64 = 16.0;

#[wasm_bindgen]
extern "C" {
    /// `performance.now()`: in windows and workers alike.
    #[wasm_bindgen(js_namespace = performance, js_name = now)]
    fn performance_now() -> f64;
}

/// The reader's own work since the browser last had a chance to draw a frame, and the budget for it.
pub struct Pacer {
    /// Work since the last frame, in ms.
    spent: f64,
    /// The last piece of work, in ms: the estimate of the next one.
    last: f64,
    /// When the last piece of work ended.
    idle_since: f64,
    /// The renderer's frame count when the budget last started afresh.
    frame: u32,
    /// Whether this frame's work runs in an animation frame callback (after a yield), so that the browser lays it out
    /// right after it, in the same frame; otherwise (the first slices of a stream, read in a task of their own) its
    /// rendering falls into the next frame, with that frame's work.
    in_frame: bool,
    /// Own work of the previous frame whose rendering this frame pays too (see `in_frame`), in ms.
    carried: f64,
    /// The browser's style, layout and paint per ms of the reader's own work, as the last frames showed it.
    render_ratio: f64,
}

impl Default for Pacer {
    fn default() -> Pacer {
        Pacer {
            spent: 0.0,
            last: 0.0,
            idle_since: 0.0,
            frame: 0,
            in_frame: false,
            carried: 0.0,
            render_ratio: INITIAL_RENDER_RATIO,
        }
    }
}

/// What a yield saw: whether an animation frame ended it, and when the browser was done with the frame it yielded to.
pub struct Yielded {
    /// An animation frame resumed the reader (not the timeout, not a hidden page's macrotask).
    pub framed: bool,
    /// When a task posted at the yield ran, if it ran before the reader resumed: the browser had rendered the frame
    /// (style, layout, paint run right after the animation frame callbacks, in the same task) by then.
    pub rendered_at: Option<f64>,
}

impl Pacer {
    /// Starts timing a piece of work; `frame` is the renderer's count of animation frames rendered so far. The budget
    /// starts afresh when a frame was rendered or the main thread was idle for a frame's time since the last piece.
    pub fn start(&mut self, frame: u32) -> f64 {
        let now = performance_now();
        if frame != self.frame || now - self.idle_since >= FRAME_MS {
            self.frame = frame;
            self.spent = 0.0;
            self.carried = 0.0;
            self.in_frame = false;
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

    /// This frame's own-work budget in ms: what leaves room, within [`TARGET_MS`], for the browser to render it and
    /// what the previous frame carried over; at least [`MIN_BUDGET_MS`], at most [`BUDGET_MS`].
    pub fn budget(&self) -> f64 {
        let room = TARGET_MS - self.carried * self.render_ratio;
        (room / (1.0 + self.render_ratio)).clamp(MIN_BUDGET_MS, BUDGET_MS)
    }

    /// Whether another piece of work like the last one would overrun this frame's budget: the adaptive one, at most
    /// `budget_ms` (normally [`BUDGET_MS`]; 0 yields after every slice).
    pub fn over_budget(&self, budget_ms: f64) -> bool {
        self.spent + self.last >= self.budget().min(budget_ms)
    }

    /// The reader yielded and is resumed: learn from the frame that ended what the browser's rendering of the
    /// reader's work cost per ms of it, for the budget of the frame that begins.
    pub fn yielded(&mut self, seen: Yielded) {
        let now = performance_now();
        let work = self.spent + self.carried;
        if self.in_frame && work > 0.25 {
            // Rendered right after the work: the time from its end to the probe task is the browser's. Without a
            // probe, an overrun frame still bounds it (until the next frame began).
            let rendered = match seen.rendered_at {
                Some(at) => Some(at - self.idle_since),
                None if seen.framed => Some(now - self.idle_since),
                None => None,
            };
            if let Some(rendered) = rendered {
                let sample = rendered.max(0.0) / work;
                // Up at once (layout grows with the DOM: a growing table), down halfway (one cheap frame is noise).
                self.render_ratio =
                    if sample >= self.render_ratio { sample } else { (self.render_ratio + sample) / 2.0 };
            }
        }
        // Work done outside an animation frame is rendered in the next one, after that frame's work; not when no
        // frame came (a hidden page draws nothing, and the yield resumed at the next macrotask or the timeout).
        self.carried = if self.in_frame || !seen.framed { 0.0 } else { self.spent };
        self.spent = 0.0;
        self.idle_since = now;
        self.in_frame = seen.framed;
    }
}
