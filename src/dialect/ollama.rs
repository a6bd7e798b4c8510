//! Ollama's native streaming APIs, one JSON object per NDJSON line.
//!
//! ```text
//! /api/chat:     {"message":{"content":"Hi","thinking":"…","tool_calls":[…]},"done":false}  → Reasoning, Text, ToolCall
//! /api/generate: {"response":"Hi","thinking":"…","done":false}                               → Reasoning, Text
//! final line:    {…,"done":true,"done_reason":"stop","prompt_eval_count":37,"eval_count":37}
//!                                                                  → Usage, then Finish{reason: done_reason}
//! failure:       {"error":"model 'x' not found"}                                             → Error (terminal)
//! ```
//!
//! Ollama sends each tool call whole (arguments as a JSON object, not a string delta), so each becomes one
//! `ToolCall` with the arguments serialised. Calls are numbered by `function.index` when Ollama gives it and in
//! arrival order otherwise.

use crate::json::Json;

use super::{get_u64, parse_object, provider_error, push_nonempty, take_str, wrong_framing};
use super::{Dialect, StreamEvent};
use crate::frame::Frame;

/// Reader for Ollama `/api/chat` and `/api/generate` lines.
#[derive(Debug, Default)]
pub struct Ollama {
    /// Index for the next tool call that arrives without `function.index`.
    next_tool: u32,
    /// A terminal event (`Finish` or `Error`) was emitted; later frames are ignored.
    ended: bool,
}

impl Dialect for Ollama {
    fn on_frame(&mut self, frame: &Frame, out: &mut Vec<StreamEvent>) {
        if self.ended {
            return;
        }
        let Frame::Line(line) = frame else {
            out.push(wrong_framing("the Ollama dialect", frame));
            return;
        };
        let mut chunk = match parse_object(line, "a line") {
            Ok(value) => value,
            Err(malformed) => return out.push(malformed),
        };
        match chunk.get_mut("error").map(Json::take) {
            None | Some(Json::Null) => {}
            Some(error) => {
                self.ended = true;
                return out.push(StreamEvent::Error(provider_error(error)));
            }
        }
        if let Some(message) = chunk.get_mut("message") {
            push_nonempty(out, take_str(message, "thinking"), StreamEvent::Reasoning);
            push_nonempty(out, take_str(message, "content"), StreamEvent::Text);
            if let Some(Json::Arr(calls)) = message.get_mut("tool_calls") {
                for call in calls {
                    self.on_tool_call(call, out);
                }
            }
        }
        push_nonempty(out, take_str(&mut chunk, "thinking"), StreamEvent::Reasoning);
        push_nonempty(out, take_str(&mut chunk, "response"), StreamEvent::Text);
        if chunk.get("done").and_then(Json::as_bool) == Some(true) {
            let input_tokens = get_u64(&chunk, "prompt_eval_count");
            let output_tokens = get_u64(&chunk, "eval_count");
            if input_tokens.is_some() || output_tokens.is_some() {
                out.push(StreamEvent::Usage { input_tokens, output_tokens });
            }
            self.ended = true;
            out.push(StreamEvent::Finish { reason: take_str(&mut chunk, "done_reason") });
        }
    }
}

impl Ollama {
    fn on_tool_call(&mut self, call: &mut Json<'_>, out: &mut Vec<StreamEvent>) {
        let id = take_str(call, "id").filter(|s| !s.is_empty());
        let Some(function) = call.get_mut("function") else {
            return out.push(StreamEvent::Malformed("a tool call without a function".into()));
        };
        let index = match function.get("index").and_then(Json::as_u64) {
            Some(index) => index.min(u64::from(u32::MAX)) as u32,
            None => self.next_tool,
        };
        self.next_tool = index.saturating_add(1);
        let arguments = match function.get_mut("arguments").map(Json::take) {
            // Some models put already-serialised JSON here; keep it as is rather than quoting it twice.
            Some(Json::Str(s)) => s.into_owned(),
            Some(Json::Null) | None => String::new(),
            Some(other) => other.to_json(),
        };
        out.push(StreamEvent::ToolCall { index, id, name: take_str(function, "name"), arguments });
    }
}
