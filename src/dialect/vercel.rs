//! Vercel AI SDK UI message stream (ai@5+, `toUIMessageStreamResponse()`, header `x-vercel-ai-ui-message-stream: v1`).
//!
//! Grammar (SSE, one JSON part per `data:`):
//!
//! ```text
//! {"type":"text-delta","id":"0","delta":"Hi"}                               → Text
//! {"type":"reasoning-delta","id":"r","delta":"…"}                           → Reasoning
//! {"type":"tool-input-start","toolCallId":"t1","toolName":"search"}         → ToolCall{id, name}
//! {"type":"tool-input-delta","toolCallId":"t1","inputTextDelta":"{\"q"}    → ToolCall arguments
//! {"type":"tool-input-available","toolCallId":"t1","toolName":…,"input":{…}} → ToolCall (only if not streamed)
//! {"type":"finish","finishReason":"stop"}                                   (reason remembered)
//! [DONE]                                                                    → Finish
//! {"type":"error","errorText":"…"}                                          → Error
//! {"type":"abort"}                                                          → Error{code: "aborted"}
//! ```
//!
//! Tool calls are keyed by `toolCallId` and numbered in order of first appearance. As with OpenAI chat, `[DONE]` is
//! the terminal marker and a `finish` part followed by EOF also finishes. Parts that only structure the message
//! (`start`, `*-start`/`*-end`, steps, sources, files, tool outputs, metadata, `data-*`, `custom`) are ignored.

use serde::Deserialize;
use serde_json::value::RawValue;

use super::{provider_error, push_nonempty, read, wrong_framing, Tag, ToolIds};
use super::{Dialect, ProviderError, StreamEvent};
use crate::frame::Frame;

/// Reader for AI SDK UI message stream parts.
#[derive(Debug, Default)]
pub struct Vercel {
    finish_reason: Option<String>,
    /// `toolCallId`s in order of first appearance (their position is the tool-call index), and whether their
    /// input was streamed (then `tool-input-available` repeats it and is skipped).
    tools: ToolIds,
    saw_finish_part: bool,
    ended: bool,
}

/// One part: the fields of every part type this dialect reads, each present only in its own types.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", expecting = "a UI message stream part (a JSON object)")]
struct Part<'a> {
    #[serde(borrow, rename = "type")]
    kind: Option<Tag<'a>>,
    delta: Option<String>,
    #[serde(borrow)]
    tool_call_id: Option<Tag<'a>>,
    tool_name: Option<String>,
    input_text_delta: Option<String>,
    /// A whole call's input, passed on as sent.
    #[serde(borrow)]
    input: Option<&'a RawValue>,
    finish_reason: Option<String>,
    error_text: Option<String>,
    /// A provider error relayed verbatim in a part without a `type`.
    #[serde(borrow)]
    error: Option<&'a RawValue>,
}

/// Parts that structure the message but carry no text, reasoning or tool input.
const IGNORED: &[&str] = &[
    "start",
    "start-step",
    "finish-step",
    "text-start",
    "text-end",
    "reasoning-start",
    "reasoning-end",
    "source-url",
    "source-document",
    "file",
    "message-metadata",
    "custom",
    "tool-output-available",
    "tool-output-error",
    "tool-output-denied",
    "tool-input-error",
    "tool-approval-request",
];

impl Dialect for Vercel {
    fn on_frame(&mut self, frame: &Frame, out: &mut Vec<StreamEvent>) {
        if self.ended {
            return;
        }
        let Frame::Event(event) = frame else {
            out.push(wrong_framing("the Vercel UI message stream dialect", frame));
            return;
        };
        if event.event != "message" {
            return out.push(StreamEvent::Unknown(event.event.clone()));
        }
        if event.data.trim() == "[DONE]" {
            self.ended = true;
            return out.push(StreamEvent::Finish { reason: self.finish_reason.take() });
        }
        let part: Part<'_> = match read(&event.data, "a part") {
            Ok(part) => part,
            Err(malformed) => return out.push(malformed),
        };
        let kind = part.kind.as_ref().map_or("", Tag::as_str);
        let tool_call_id = part.tool_call_id;
        match kind {
            "text-delta" => push_nonempty(out, part.delta, StreamEvent::Text),
            "reasoning-delta" => push_nonempty(out, part.delta, StreamEvent::Reasoning),
            "tool-input-start" => self.tools.on_start(tool_call_id.map(Tag::into_string), part.tool_name, out),
            "tool-input-delta" => {
                self.tools.on_delta(tool_call_id.as_ref().map(Tag::as_str), part.input_text_delta, out)
            }
            "tool-input-available" => {
                self.tools.on_whole(tool_call_id.map(Tag::into_string), part.tool_name, part.input, out)
            }
            "finish" => {
                self.saw_finish_part = true;
                self.finish_reason = part.finish_reason;
            }
            "error" => {
                let message = part.error_text.unwrap_or_else(|| "the stream reported an error".to_owned());
                self.fail(ProviderError { code: None, message }, out);
            }
            "abort" => {
                let error = ProviderError {
                    code: Some("aborted".to_owned()),
                    message: "the server aborted the stream".to_owned(),
                };
                self.fail(error, out);
            }
            k if IGNORED.contains(&k) || k.starts_with("data-") => {}
            // A part without a `type` may still be a provider error relayed verbatim.
            "" if part.error.is_some() => {
                if let Some(error) = part.error {
                    self.fail(provider_error(error), out);
                }
            }
            other => out.push(StreamEvent::Unknown(other.to_owned())),
        }
    }

    fn on_eof(&mut self, out: &mut Vec<StreamEvent>) {
        if !self.ended && self.saw_finish_part {
            self.ended = true;
            out.push(StreamEvent::Finish { reason: self.finish_reason.take() });
        }
    }
}

impl Vercel {
    fn fail(&mut self, error: ProviderError, out: &mut Vec<StreamEvent>) {
        self.ended = true;
        out.push(StreamEvent::Error(error));
    }
}
