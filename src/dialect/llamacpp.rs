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

use crate::json::Json;

use super::{error_event, get_u64, parse_object, provider_error, push_nonempty, quote, take_str};
use super::{Dialect, ProviderError, StreamEvent};
use crate::frame::Frame;

/// Reader for llama.cpp `/completion` streams.
#[derive(Debug, Default)]
pub struct LlamaCpp {
    /// A terminal event (`Finish` or `Error`) was emitted; later frames are ignored.
    ended: bool,
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
        let mut chunk = match parse_object(data, "a chunk") {
            Ok(value) => value,
            Err(malformed) => return out.push(malformed),
        };
        match chunk.get_mut("error").map(Json::take) {
            None | Some(Json::Null) => {}
            Some(error) => return self.fail(provider_error(error), out),
        }
        // A missing index means a single-prompt request, i.e. prompt 0.
        if chunk.get("index").and_then(Json::as_u64).unwrap_or(0) != 0 {
            return;
        }
        push_nonempty(out, take_str(&mut chunk, "content"), StreamEvent::Text);
        if chunk.get("stop").and_then(Json::as_bool) == Some(true) {
            let timings = chunk.get("timings");
            let from_timings = |key| timings.and_then(|t| get_u64(t, key));
            let input_tokens = get_u64(&chunk, "tokens_evaluated").or_else(|| from_timings("prompt_n"));
            let output_tokens = get_u64(&chunk, "tokens_predicted").or_else(|| from_timings("predicted_n"));
            if input_tokens.is_some() || output_tokens.is_some() {
                out.push(StreamEvent::Usage { input_tokens, output_tokens });
            }
            self.ended = true;
            out.push(StreamEvent::Finish { reason: stop_reason(&mut chunk) });
        }
    }

    fn fail(&mut self, error: ProviderError, out: &mut Vec<StreamEvent>) {
        self.ended = true;
        out.push(StreamEvent::Error(error));
    }
}

/// The finish reason of a final chunk: `stop_type`, or the older `stopped_*` flags under the same names.
fn stop_reason(chunk: &mut Json<'_>) -> Option<String> {
    if let Some(kind) = take_str(chunk, "stop_type").filter(|k| !k.is_empty() && k != "none") {
        return Some(kind);
    }
    [("stopped_eos", "eos"), ("stopped_word", "word"), ("stopped_limit", "limit")]
        .into_iter()
        .find(|(key, _)| chunk.get(key).and_then(Json::as_bool) == Some(true))
        .map(|(_, reason)| reason.to_owned())
}
