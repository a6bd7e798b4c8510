//! Where a renderer is in its life, each state holding what it needs. A renderer draws one answer: written or
//! streamed, then ended, and an ended renderer stays ended.
//!
//! ```text
//! Idle ──write() / update()──▶ Writing ──finish() / cancel()───────────▶ Ended { outcome }
//!   └──fetch() / stream()──▶ Streaming ──EOF, marker, error, cancel()──▶ Ended { outcome }
//! ```

use futures::future::AbortHandle;
use web_sys::AbortController;

use super::js::SurrogateCarry;
use crate::pipeline::{Outcome, Pipeline};

pub enum Lifecycle {
    Idle,
    /// `write()` or `update()` was called: the host hands text in.
    Writing {
        pipeline: Pipeline,
        /// A high surrogate that ended the last `write()`, waiting for its pair.
        carry: SurrogateCarry,
    },
    /// `fetch()` or `stream()` runs.
    Streaming {
        /// Made once the response's headers are known (they help `dialect: "auto"`).
        pipeline: Option<Pipeline>,
        /// Stops the stream routine: it is dropped at its next await, and with it the body reader, which cancels
        /// the body.
        routine: AbortHandle,
        /// `fetch()`'s request: aborting it closes the connection.
        request: Option<AbortController>,
    },
    /// The answer ended with exactly one outcome; the pipeline keeps the text and counters (its render state is
    /// released).
    Ended {
        pipeline: Option<Pipeline>,
        outcome: Outcome,
    },
}

/// What must be stopped outside the borrow of the lifecycle once a stream ended (aborting calls into JS).
pub struct Stop {
    routine: AbortHandle,
    request: Option<AbortController>,
}

impl Stop {
    pub fn run(self) {
        if let Some(request) = self.request {
            request.abort();
        }
        self.routine.abort();
    }
}

impl Lifecycle {
    /// The `status` getter: `"idle"`, `"writing"`, `"streaming"`, or the outcome's status.
    pub fn status(&self) -> &'static str {
        match self {
            Lifecycle::Idle => "idle",
            Lifecycle::Writing { .. } => "writing",
            Lifecycle::Streaming { .. } => "streaming",
            Lifecycle::Ended { outcome, .. } => outcome.status(),
        }
    }

    pub fn pipeline(&self) -> Option<&Pipeline> {
        match self {
            Lifecycle::Idle => None,
            Lifecycle::Writing { pipeline, .. } => Some(pipeline),
            Lifecycle::Streaming { pipeline, .. } | Lifecycle::Ended { pipeline, .. } => pipeline.as_ref(),
        }
    }

    /// The pipeline while the answer is still being rendered (not after it ended).
    pub fn live_pipeline(&mut self) -> Option<&mut Pipeline> {
        match self {
            Lifecycle::Writing { pipeline, .. } => Some(pipeline),
            Lifecycle::Streaming { pipeline, .. } => pipeline.as_mut(),
            Lifecycle::Idle | Lifecycle::Ended { .. } => None,
        }
    }

    /// The stream's pipeline, while the stream runs.
    pub fn streaming_pipeline(&mut self) -> Option<&mut Pipeline> {
        match self {
            Lifecycle::Streaming { pipeline, .. } => pipeline.as_mut(),
            _ => None,
        }
    }

    pub fn is_streaming(&self) -> bool {
        matches!(self, Lifecycle::Streaming { .. })
    }

    /// Ends a running answer (writing, or streaming when `streams` is set) with the outcome `settle` makes from
    /// its pipeline; `None` if there was none to end. The returned [`Stop`] (for a stream) must be run once the
    /// borrow of `self` is released.
    pub fn end(
        &mut self,
        writes: bool,
        streams: bool,
        settle: impl FnOnce(Option<&mut Pipeline>) -> Outcome,
    ) -> Option<Option<Stop>> {
        let (mut pipeline, stop) = match std::mem::replace(self, Lifecycle::Idle) {
            Lifecycle::Writing { pipeline, .. } if writes => (Some(pipeline), None),
            Lifecycle::Streaming { pipeline, routine, request } if streams => {
                (pipeline, Some(Stop { routine, request }))
            }
            other => {
                *self = other;
                return None;
            }
        };
        let outcome = settle(pipeline.as_mut());
        if let Some(pipeline) = pipeline.as_mut() {
            pipeline.release_render_state();
        }
        *self = Lifecycle::Ended { pipeline, outcome };
        Some(stop)
    }
}
