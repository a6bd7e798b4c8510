//! Server-Sent Events, per the WHATWG HTML Standard, §9.2.6 "Interpreting an event stream".
//!
//! Grammar (after UTF-8 decoding, which removes one leading BOM):
//!
//! ```text
//! stream        = [ bom ] *event
//! event         = *( comment / field ) end-of-line
//! comment       = colon *any-char end-of-line
//! field         = 1*name-char [ colon [ space ] *any-char ] end-of-line
//! end-of-line   = ( cr lf / cr / lf )
//! ```
//!
//! Each line is handled as the standard says:
//!
//! - an empty line **dispatches**: the last event id becomes the id buffer (even when nothing is dispatched); if the
//!   data buffer is empty, the data and event-type buffers are reset and nothing is dispatched; otherwise one trailing
//!   LF is removed from the data and [`Frame::Event`] is emitted with the type (or `"message"`), the data and the last
//!   event id, and the data and type buffers are reset;
//! - a line starting with `:` is a comment and is ignored;
//! - otherwise the field name is the text before the first `:` and the value the text after it, less one leading
//!   U+0020 SPACE (a tab is kept); a line with no colon is a field name with an empty value;
//! - `data` appends the value and an LF to the data buffer (NUL characters are kept); `event` sets the type buffer;
//!   `id` sets the id buffer unless the value contains U+0000 NULL; `retry` sets the reconnection time
//!   ([`SseFramer::retry`]) when the value is non-empty and all ASCII digits, at once and not at dispatch; any other
//!   field name (compared case-sensitively) is ignored.
//!
//! ```
//! use rillmark::frame::{sse::SseFramer, Frame, Framer, SseEvent};
//!
//! let mut framer = SseFramer::new(1024);
//! let mut frames = Vec::new();
//! framer.push(": keep-alive\nevent: delta\ndata: {\"t\":\"Hel", &mut frames)?;
//! framer.push("lo\"}\r\n\r\n", &mut frames)?;
//! framer.finish(&mut frames)?;
//! assert_eq!(
//!     frames,
//!     vec![Frame::Event(SseEvent {
//!         event: "delta".into(),
//!         data: "{\"t\":\"Hello\"}".into(),
//!         last_event_id: String::new(),
//!     })]
//! );
//! # Ok::<(), rillmark::frame::FrameError>(())
//! ```
//!
//! # End of stream and the `[DONE]` policy
//!
//! The standard discards an event that is still pending at end of stream (no blank line followed it), and this
//! framer does too, with one exception. Some servers (OpenAI-compatible proxies among them) end with `data: [DONE]`
//! and close the connection without the blank line; discarding that would turn a clean end into an `incomplete`
//! outcome. So at [`finish`](Framer::finish): if the pending data, counting an unterminated final `data` line as if
//! it had ended, is exactly `[DONE]`, the event is dispatched as a blank line would have dispatched it. Anything else
//! pending (other data, an unterminated line of another field) is discarded.
//!
//! # The byte order mark
//!
//! The standard strips one BOM, as part of UTF-8 decoding of the byte stream. [`crate::decode::Utf8Decoder`] does
//! exactly that, so text it produced must not lose a second U+FEFF: a stream starting `EF BB BF EF BB BF data:1`
//! has the field name `\u{FEFF}data`, which is unknown, and the web-platform-tests (`eventsource/format-bom-2`)
//! check that such an event is *not* dispatched. Text from elsewhere (a host string, a decoder that keeps the BOM)
//! may still start with the BOM. Hence:
//!
//! - [`SseFramer::new`] is for text of unknown origin and strips one leading U+FEFF ([`LeadingBom::Strip`]);
//! - [`SseFramer::after_decoder`] is for text from `Utf8Decoder` (or a BOM-stripping `TextDecoder`) and keeps it
//!   ([`LeadingBom::Keep`]); [`crate::frame::framer_for`] uses it, since the pipeline always decodes first.
//!
//! # Bounds
//!
//! A line longer than the bound is [`FrameError::LineTooLong`]; pending data longer than the same bound (many data
//! lines without a blank line) is [`FrameError::EventTooLong`]. Both are terminal.
//!
//! After `finish` the framer starts a new stream (as after a reconnection); the last event id and the reconnection
//! time persist, as the standard requires across reconnections.

use super::lines::LineSplitter;
use super::{Frame, FrameError, Framer, SseEvent};

/// What a framer does with a U+FEFF at the very start of its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeadingBom {
    /// Remove one: the text was not decoded by a BOM-stripping decoder.
    Strip,
    /// Keep it as content: the decoder already removed the stream's one BOM.
    Keep,
}

/// Whether the next text is the start of the stream, where a BOM may appear.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StreamPhase {
    AtStart,
    Streaming,
}

/// The buffers of the event being built, and the connection state that outlives events.
#[derive(Debug, Default)]
struct EventState {
    data: String,
    event_type: String,
    /// The id buffer: set by `id` fields, committed to `last_event_id` at every blank line.
    id_buffer: String,
    last_event_id: String,
    retry: Option<u64>,
    max_data: usize,
}

/// Frames a `text/event-stream` body. See the [module documentation](self) for the rules and policies.
#[derive(Debug)]
pub struct SseFramer {
    lines: LineSplitter,
    state: EventState,
    leading_bom: LeadingBom,
    phase: StreamPhase,
}

impl SseFramer {
    /// A framer for text of unknown origin: strips one leading U+FEFF. Lines and pending data are bounded by
    /// `max_line` bytes.
    pub fn new(max_line: usize) -> Self {
        Self::with_leading_bom(max_line, LeadingBom::Strip)
    }

    /// A framer for text produced by [`crate::decode::Utf8Decoder`], which has already removed the stream's BOM.
    pub fn after_decoder(max_line: usize) -> Self {
        Self::with_leading_bom(max_line, LeadingBom::Keep)
    }

    /// A framer with an explicit leading-BOM policy.
    pub fn with_leading_bom(max_line: usize, leading_bom: LeadingBom) -> Self {
        SseFramer {
            lines: LineSplitter::new(max_line),
            state: EventState { max_data: max_line, ..EventState::default() },
            leading_bom,
            phase: StreamPhase::AtStart,
        }
    }

    /// Starts from a known last event id, as a reconnecting client does (it sent it as `Last-Event-ID`).
    pub fn with_last_event_id(mut self, id: impl Into<String>) -> Self {
        self.state.last_event_id = id.into();
        self.state.id_buffer = self.state.last_event_id.clone();
        self
    }

    /// The reconnection time in milliseconds from the last valid `retry` field, if any (saturates at `u64::MAX`).
    pub fn retry(&self) -> Option<u64> {
        self.state.retry
    }

    /// The last event id committed so far (what a reconnecting client sends as `Last-Event-ID`).
    pub fn last_event_id(&self) -> &str {
        &self.state.last_event_id
    }

    /// Bytes examined for line ends so far; equals the bytes pushed (the linearity witness for tests).
    pub fn bytes_scanned(&self) -> u64 {
        self.lines.bytes_scanned()
    }
}

impl Framer for SseFramer {
    fn push(&mut self, text: &str, out: &mut Vec<Frame>) -> Result<(), FrameError> {
        let mut text = text;
        if self.phase == StreamPhase::AtStart && !text.is_empty() {
            self.phase = StreamPhase::Streaming;
            if self.leading_bom == LeadingBom::Strip {
                text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
            }
        }
        let state = &mut self.state;
        self.lines.push(text, |line| state.line(line, out))
    }

    fn finish(&mut self, out: &mut Vec<Frame>) -> Result<(), FrameError> {
        let tail = self.lines.finish()?;
        if let Some(line) = tail {
            if parse_field(&line).is_some_and(|(name, _)| name == "data") {
                if let Err(error) = self.state.line(&line, out) {
                    self.lines.fail(error.clone());
                    return Err(error);
                }
            }
        }
        if self.state.data == "[DONE]\n" {
            self.state.dispatch(out);
        }
        // The incomplete event is discarded; the connection state (last event id, retry) survives.
        self.state.data.clear();
        self.state.event_type.clear();
        self.state.id_buffer.clone_from(&self.state.last_event_id);
        self.lines.reset();
        self.phase = StreamPhase::AtStart;
        Ok(())
    }
}

impl EventState {
    fn line(&mut self, line: &str, out: &mut Vec<Frame>) -> Result<(), FrameError> {
        if line.is_empty() {
            self.dispatch(out);
            return Ok(());
        }
        let Some((name, value)) = parse_field(line) else {
            return Ok(()); // a comment
        };
        match name {
            "data" => {
                if self.data.len() + value.len() + 1 > self.max_data {
                    return Err(FrameError::EventTooLong { limit: self.max_data });
                }
                self.data.push_str(value);
                self.data.push('\n');
            }
            "event" => value.clone_into(&mut self.event_type),
            // An id with NUL is ignored wholesale: it could not be sent back as a `Last-Event-ID` header.
            "id" if !value.contains('\0') => value.clone_into(&mut self.id_buffer),
            "retry" => {
                if let Some(ms) = parse_retry(value) {
                    self.retry = Some(ms);
                }
            }
            // Unknown fields, and an `id` containing NUL, are ignored.
            _ => {}
        }
        Ok(())
    }

    fn dispatch(&mut self, out: &mut Vec<Frame>) {
        self.last_event_id.clone_from(&self.id_buffer);
        if self.data.is_empty() {
            self.event_type.clear();
            return;
        }
        if self.data.ends_with('\n') {
            self.data.pop();
        }
        let event =
            if self.event_type.is_empty() { "message".to_owned() } else { std::mem::take(&mut self.event_type) };
        out.push(Frame::Event(SseEvent {
            event,
            data: std::mem::take(&mut self.data),
            last_event_id: self.last_event_id.clone(),
        }));
    }
}

/// Splits a non-empty line into field name and value; `None` for a comment.
fn parse_field(line: &str) -> Option<(&str, &str)> {
    match line.split_once(':') {
        Some(("", _)) => None,
        Some((name, value)) => Some((name, value.strip_prefix(' ').unwrap_or(value))),
        None => Some((line, "")),
    }
}

/// A `retry` value: one or more ASCII digits, read as a base-ten integer of milliseconds.
fn parse_retry(value: &str) -> Option<u64> {
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(value.bytes().fold(0u64, |ms, digit| ms.saturating_mul(10).saturating_add(u64::from(digit - b'0'))))
}
