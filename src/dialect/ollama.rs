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
//! `ToolCall` with the arguments as Ollama wrote them. Calls are numbered by `function.index` when Ollama gives it and in
//! arrival order otherwise.

use serde::Deserialize;
use serde_json::value::RawValue;

use super::openai::ToolCall;
use super::{provider_error, push_nonempty, read, string_or_raw, usage, wrong_framing, Count};
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

/// One line of `/api/chat` (`message`) or `/api/generate` (`response`, `thinking`).
#[derive(Deserialize)]
#[serde(expecting = "an Ollama line (a JSON object)")]
struct Line<'a> {
    #[serde(borrow)]
    error: Option<&'a RawValue>,
    #[serde(borrow)]
    message: Option<Message<'a>>,
    thinking: Option<String>,
    response: Option<String>,
    done: Option<bool>,
    done_reason: Option<String>,
    #[serde(default)]
    prompt_eval_count: Count,
    #[serde(default)]
    eval_count: Count,
}

#[derive(Deserialize)]
struct Message<'a> {
    thinking: Option<String>,
    content: Option<String>,
    #[serde(borrow)]
    tool_calls: Option<Vec<ToolCall<'a>>>,
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
        let chunk: Line<'_> = match read(line, "a line") {
            Ok(chunk) => chunk,
            Err(malformed) => return out.push(malformed),
        };
        if let Some(error) = chunk.error {
            self.ended = true;
            return out.push(StreamEvent::Error(provider_error(error)));
        }
        if let Some(message) = chunk.message {
            push_nonempty(out, message.thinking, StreamEvent::Reasoning);
            push_nonempty(out, message.content, StreamEvent::Text);
            for call in message.tool_calls.into_iter().flatten() {
                self.on_tool_call(call, out);
            }
        }
        push_nonempty(out, chunk.thinking, StreamEvent::Reasoning);
        push_nonempty(out, chunk.response, StreamEvent::Text);
        if chunk.done == Some(true) {
            if chunk.prompt_eval_count.0.is_some() || chunk.eval_count.0.is_some() {
                out.push(usage(chunk.prompt_eval_count, chunk.eval_count));
            }
            self.ended = true;
            out.push(StreamEvent::Finish { reason: chunk.done_reason });
        }
    }
}

impl Ollama {
    fn on_tool_call(&mut self, call: ToolCall<'_>, out: &mut Vec<StreamEvent>) {
        let id = call.id.filter(|s| !s.is_empty());
        let Some(function) = call.function else {
            return out.push(StreamEvent::Malformed("a tool call without a function".into()));
        };
        let index = function.index.index().unwrap_or(self.next_tool);
        self.next_tool = index.saturating_add(1);
        let arguments = string_or_raw(function.arguments);
        out.push(StreamEvent::ToolCall { index, id, name: function.name, arguments });
    }
}
