//! llama.cpp's native streaming endpoint (`llama-server` `POST /completion` with `"stream": true`, also `/infill`).
//!
//! Its OpenAI-compatible endpoints (`/v1/chat/completions`, `/v1/completions`) are read by
//! [`super::openai::OpenAiChat`]; this dialect is for the server's own format, which is SSE in form with one JSON
//! object per `data:` line:
//!
//! ```text
//! data: {"index":0,"content":"Hi","tokens":[],"stop":false,"id_slot":-1,…}          → Text("Hi")
//! data: {"index":0,"content":"","stop":true,"stop_type":"eos","tokens_predicted":12,
//!        "tokens_evaluated":7,"timings":{…},…}                                       → Usage, Finish{reason: "eos"}
//! data: {"error":{"code":500,"message":"…","type":"server_error"}}                    → Error (current servers)
//! error: {"code":400,"message":"…","type":"exceed_context_size_error"}                → Error (older servers)
//! ```
//!
//! The finish reason is `stop_type` (`"eos"`, `"word"`, `"limit"`); servers from before `stop_type` existed send the
//! booleans `stopped_eos`, `stopped_word` and `stopped_limit` instead, which map to the same three names. Usage is
//! `tokens_evaluated` (prompt) and `tokens_predicted` (answer), or `timings.prompt_n`/`timings.predicted_n` when
//! those are missing. With several prompts in one request every chunk carries its prompt's `index`; as with OpenAI's
//! `n > 1`, only index 0 is read. There is no `[DONE]` on this endpoint: the chunk with `"stop": true` is the
//! terminal marker, so EOF before it is left to the caller as "incomplete".
//!
//! # Why this dialect reads lines, not SSE events
//!
//! Older servers report a failure mid-stream as a non-standard `error:` *field*. A WHATWG SSE parser must ignore
//! unknown fields, so behind the SSE framer that error would vanish and a failed generation would look merely cut
//! off. llama.cpp writes every event as exactly one field line followed by a blank line (its JSON is serialised
//! without newlines), so nothing is lost by reading the body line by line: [`super::DialectKind::LlamaCpp`] uses
//! the NDJSON framing, which hands over each non-blank line, and this dialect splits `field: value` itself. Comment
//! lines (`: …`, keep-alives) and the other SSE fields are skipped. A bare JSON line is read as data too, for proxies
//! that re-serve the chunks as NDJSON. Paired with the SSE framer instead, the dialect reads `message` events the
//! same way (losing only what that framer drops).

use serde::Deserialize;
use serde_json::value::RawValue;

use super::{error_event, provider_error, push_nonempty, quote, read, usage, Count};
use super::{Dialect, ProviderError, StreamEvent};
use crate::frame::Frame;

/// Reader for llama.cpp `/completion` streams.
#[derive(Debug, Default)]
pub struct LlamaCpp {
    /// A terminal event (`Finish` or `Error`) was emitted; later frames are ignored.
    ended: bool,
}

/// One `/completion` chunk (only the fields rillmark reads).
#[derive(Deserialize)]
#[serde(expecting = "a llama.cpp chunk (a JSON object)")]
struct Chunk<'a> {
    #[serde(borrow)]
    error: Option<&'a RawValue>,
    /// The prompt this chunk answers; absent for a single-prompt request, i.e. prompt 0.
    #[serde(default)]
    index: Count,
    content: Option<String>,
    stop: Option<bool>,
    stop_type: Option<String>,
    stopped_eos: Option<bool>,
    stopped_word: Option<bool>,
    stopped_limit: Option<bool>,
    #[serde(default)]
    tokens_evaluated: Count,
    #[serde(default)]
    tokens_predicted: Count,
    timings: Option<Timings>,
}

#[derive(Default, Deserialize)]
struct Timings {
    #[serde(default)]
    prompt_n: Count,
    #[serde(default)]
    predicted_n: Count,
}

impl Dialect for LlamaCpp {
    fn on_frame(&mut self, frame: &Frame, out: &mut Vec<StreamEvent>) {
        if self.ended {
            return;
        }
        match frame {
            Frame::Line(line) => self.on_line(line, out),
            Frame::Event(event) => match event.event.as_str() {
                "message" => self.on_data(&event.data, out),
                "error" => self.fail(error_event(&event.data), out),
                other => out.push(StreamEvent::Unknown(other.to_owned())),
            },
            Frame::Text(_) => out.push(super::wrong_framing("the llama.cpp dialect", frame)),
        }
    }
}

impl LlamaCpp {
    /// One line of the body, already trimmed of spaces and tabs by the framer.
    fn on_line(&mut self, line: &str, out: &mut Vec<StreamEvent>) {
        if line.starts_with(':') {
            return; // an SSE comment: a keep-alive
        }
        if line.starts_with('{') {
            return self.on_data(line, out);
        }
        // SSE field syntax: the name runs to the first colon, and one space after it is not part of the value.
        let (field, value) = match line.split_once(':') {
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (line, ""),
        };
        match field {
            "data" => self.on_data(value, out),
            "error" => self.fail(error_event(value), out),
            // Fields that carry no payload for this dialect.
            "event" | "id" | "retry" => {}
            other => out.push(StreamEvent::Unknown(quote(other))),
        }
    }

    fn on_data(&mut self, data: &str, out: &mut Vec<StreamEvent>) {
        // Not sent by `/completion`, but a proxy that normalises llama.cpp to OpenAI habits may add it.
        if data.trim() == "[DONE]" {
            self.ended = true;
            return out.push(StreamEvent::Finish { reason: None });
        }
        let chunk: Chunk<'_> = match read(data, "a chunk") {
            Ok(chunk) => chunk,
            Err(malformed) => return out.push(malformed),
        };
        if let Some(error) = chunk.error {
            return self.fail(provider_error(error), out);
        }
        if chunk.index.0.unwrap_or(0) != 0 {
            return;
        }
        push_nonempty(out, chunk.content, StreamEvent::Text);
        if chunk.stop == Some(true) {
            let timings = chunk.timings.unwrap_or_default();
            let input_tokens = Count(chunk.tokens_evaluated.0.or(timings.prompt_n.0));
            let output_tokens = Count(chunk.tokens_predicted.0.or(timings.predicted_n.0));
            if input_tokens.0.is_some() || output_tokens.0.is_some() {
                out.push(usage(input_tokens, output_tokens));
            }
            self.ended = true;
            let reason = stop_reason(chunk.stop_type, [chunk.stopped_eos, chunk.stopped_word, chunk.stopped_limit]);
            out.push(StreamEvent::Finish { reason });
        }
    }

    fn fail(&mut self, error: ProviderError, out: &mut Vec<StreamEvent>) {
        self.ended = true;
        out.push(StreamEvent::Error(error));
    }
}

/// The finish reason of a final chunk: `stop_type`, or the older `stopped_eos`/`stopped_word`/`stopped_limit`
/// flags under the same names.
fn stop_reason(stop_type: Option<String>, flags: [Option<bool>; 3]) -> Option<String> {
    if let Some(kind) = stop_type.filter(|k| !k.is_empty() && k != "none") {
        return Some(kind);
    }
    let names = ["eos", "word", "limit"];
    flags.iter().zip(names).find(|(flag, _)| **flag == Some(true)).map(|(_, name)| name.to_owned())
}
