//! Stage ②: framing. Decoded text in, frames out.
//!
//! Three framings: Server-Sent Events per the WHATWG HTML "event stream" rules ([`sse`]), newline-delimited JSON
//! ([`ndjson`]) and plain text ([`plain`]). Every framer is chunk-invariant: any split of the same text yields the
//! same frames. Every buffer is bounded; overflow is a typed, terminal [`FrameError`].

// SSE and NDJSON, only with the `wire` feature (on by default); plain text is what `write()` needs.
#[cfg(feature = "wire")]
pub mod lines;
#[cfg(feature = "wire")]
pub mod ndjson;
pub mod plain;
#[cfg(feature = "wire")]
pub mod sse;

/// One unit of the wire protocol, handed to a dialect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frame {
    /// A dispatched server-sent event.
    Event(SseEvent),
    /// One non-blank NDJSON line (not yet parsed: parsing is the dialect's job).
    Line(String),
    /// A run of plain text.
    Text(String),
}

/// A dispatched server-sent event (WHATWG HTML §9.2.6).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SseEvent {
    /// The `event:` field, or `"message"` when the block had none.
    pub event: String,
    /// The `data:` lines joined with `\n`.
    pub data: String,
    /// The last event id committed so far (the `id:` field persists across events).
    pub last_event_id: String,
}

/// Which framing a stream uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    Sse,
    Ndjson,
    Plain,
}

/// Why framing stopped. Terminal: a framer that returned an error produces nothing more.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FrameError {
    /// A single line (SSE field or NDJSON value) grew past the configured bound without ending.
    LineTooLong { limit: usize },
    /// The data of one pending SSE event (its `data:` lines before the blank line) grew past the same bound.
    EventTooLong { limit: usize },
}

impl std::fmt::Display for FrameError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FrameError::LineTooLong { limit } => {
                write!(f, "a line of the stream exceeded {limit} bytes")
            }
            FrameError::EventTooLong { limit } => {
                write!(f, "the data of one event exceeded {limit} bytes")
            }
        }
    }
}

impl std::error::Error for FrameError {}

/// Default bound on one line of SSE or NDJSON: far above any real provider frame, far below memory trouble.
pub const DEFAULT_MAX_LINE: usize = 4 * 1024 * 1024;

/// A framer: text in (any split), frames out.
pub trait Framer {
    /// Feeds the next piece of decoded text; complete frames are pushed onto `out`.
    fn push(&mut self, text: &str, out: &mut Vec<Frame>) -> Result<(), FrameError>;
    /// End of input: flushes whatever the framing's rules say survives EOF.
    fn finish(&mut self, out: &mut Vec<Frame>) -> Result<(), FrameError>;
}

/// Makes the framer for `framing` with the default line bound, for text produced by [`crate::decode::Utf8Decoder`].
///
/// The decoder has already removed the stream's one byte order mark, so the SSE framer made here keeps a further
/// U+FEFF as content, as the standard requires (see [`sse`], "The byte order mark"). For text of unknown origin use
/// [`sse::SseFramer::new`], which strips one.
#[cfg(feature = "wire")]
pub fn framer_for(framing: Framing) -> Box<dyn Framer> {
    match framing {
        Framing::Sse => Box::new(sse::SseFramer::after_decoder(DEFAULT_MAX_LINE)),
        Framing::Ndjson => Box::new(ndjson::NdjsonFramer::new(DEFAULT_MAX_LINE)),
        Framing::Plain => Box::new(plain::PlainFramer::default()),
    }
}
