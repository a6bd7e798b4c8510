//! Anthropic Messages streaming (`stream: true`).
//!
//! Grammar (SSE; each event's `data` is a JSON object whose `type` repeats the event name):
//!
//! ```text
//! message_start        {message:{usage:{input_tokens,output_tokens}}}        → Usage
//! content_block_start  {index, content_block:{type:"text",text}}             → Text (when non-empty)
//!                      {index, content_block:{type:"thinking",thinking}}     → Reasoning (when non-empty)
//!                      {index, content_block:{type:"tool_use",id,name}}      → ToolCall{index, id, name}
//! content_block_delta  {index, delta:{type:"text_delta",text}}               → Text
//!                      {index, delta:{type:"thinking_delta",thinking}}       → Reasoning
//!                      {index, delta:{type:"input_json_delta",partial_json}} → ToolCall{index, arguments}
//!                      signature_delta, citations_delta                      (ignored: nothing to render)
//! content_block_stop, ping                                                   (ignored)
//! message_delta        {delta:{stop_reason}, usage:{output_tokens,…}}        → Usage (stop_reason remembered)
//! message_stop                                                               → Finish{reason: stop_reason}
//! error                {type:"error", error:{type, message}}                 → Error (terminal)
//! ```
//!
//! The JSON `type` decides, not the SSE event name: they agree on Anthropic's API, and proxies that drop the
//! `event:` lines (several do) still send the `type`. Tool calls are numbered by their content-block index, which
//! is what `input_json_delta` refers to. Anthropic pads some `data` lines with trailing spaces; JSON allows that.

use serde::Deserialize;
use serde_json::value::RawValue;

use super::{error_event, provider_error, push_nonempty, raw_text, read, usage, wrong_framing, Count, Tag};
use super::{Dialect, StreamEvent, TokenUsage};
use crate::frame::Frame;

/// Reader for Anthropic Messages events.
#[derive(Debug, Default)]
pub struct Anthropic {
    /// `stop_reason` from the last `message_delta`, carried by `Finish`.
    stop_reason: Option<String>,
    /// `input_tokens` from `message_start`: `message_delta` usage is cumulative for output but may omit input.
    input_tokens: Option<u64>,
    /// A terminal event (`Finish` or `Error`) was emitted; later frames are ignored.
    ended: bool,
}

/// One event's data: the fields of every event type this dialect reads, each present only in its own types.
#[derive(Deserialize)]
#[serde(expecting = "an Anthropic event (a JSON object)")]
struct Event<'a> {
    #[serde(borrow, rename = "type")]
    kind: Option<Tag<'a>>,
    /// The content block a `content_block_*` event is about.
    #[serde(default)]
    index: Count,
    /// `message_start`'s message, for its usage.
    message: Option<Message>,
    #[serde(borrow)]
    content_block: Option<Block<'a>>,
    /// A `content_block_delta`'s delta, or a `message_delta`'s (which holds `stop_reason`).
    #[serde(borrow)]
    delta: Option<Delta<'a>>,
    usage: Option<TokenUsage>,
    #[serde(borrow)]
    error: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct Message {
    usage: Option<TokenUsage>,
}

#[derive(Deserialize)]
struct Block<'a> {
    #[serde(borrow, rename = "type")]
    kind: Option<Tag<'a>>,
    text: Option<String>,
    thinking: Option<String>,
    id: Option<String>,
    name: Option<String>,
    #[serde(borrow)]
    input: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct Delta<'a> {
    #[serde(borrow, rename = "type")]
    kind: Option<Tag<'a>>,
    text: Option<String>,
    thinking: Option<String>,
    partial_json: Option<String>,
    stop_reason: Option<String>,
}

impl Dialect for Anthropic {
    fn on_frame(&mut self, frame: &Frame, out: &mut Vec<StreamEvent>) {
        if self.ended {
            return;
        }
        let Frame::Event(event) = frame else {
            out.push(wrong_framing("the Anthropic dialect", frame));
            return;
        };
        if event.event == "error" {
            return self.fail(error_event(&event.data), out);
        }
        let data: Event<'_> = match read(&event.data, "an event") {
            Ok(data) => data,
            Err(malformed) => return out.push(malformed),
        };
        let kind = data.kind.as_ref().map_or(event.event.as_str(), Tag::as_str);
        match kind {
            "message_start" => {
                if let Some(counts) = data.message.and_then(|m| m.usage) {
                    self.input_tokens = counts.input_tokens.0;
                    out.push(usage(counts.input_tokens, counts.output_tokens));
                }
            }
            "content_block_start" => on_block_start(data.index, data.content_block, out),
            "content_block_delta" => on_block_delta(data.index, data.delta, out),
            "content_block_stop" | "ping" => {}
            "message_delta" => {
                if let Some(reason) = data.delta.and_then(|d| d.stop_reason) {
                    self.stop_reason = Some(reason);
                }
                if let Some(counts) = data.usage {
                    if counts.input_tokens.0.is_some() {
                        self.input_tokens = counts.input_tokens.0;
                    }
                    out.push(StreamEvent::Usage {
                        input_tokens: self.input_tokens,
                        output_tokens: counts.output_tokens.0,
                    });
                }
            }
            "message_stop" => {
                self.ended = true;
                out.push(StreamEvent::Finish { reason: self.stop_reason.take() });
            }
            "error" => {
                let error = match data.error {
                    Some(error) => provider_error(error),
                    // No `error` object: the event itself is all there is to report.
                    None => super::ProviderError { code: None, message: event.data.trim().to_owned() },
                };
                self.fail(error, out);
            }
            other => out.push(StreamEvent::Unknown(other.to_owned())),
        }
    }
}

impl Anthropic {
    fn fail(&mut self, error: super::ProviderError, out: &mut Vec<StreamEvent>) {
        self.ended = true;
        out.push(StreamEvent::Error(error));
    }
}

fn on_block_start(index: Count, block: Option<Block<'_>>, out: &mut Vec<StreamEvent>) {
    let Some(block) = block else {
        return out.push(StreamEvent::Malformed("content_block_start without a content_block".into()));
    };
    let kind = block.kind.as_ref().map_or("", Tag::as_str);
    match kind {
        // The start usually carries an empty string, but nothing forbids initial text.
        "text" => push_nonempty(out, block.text, StreamEvent::Text),
        "thinking" => push_nonempty(out, block.thinking, StreamEvent::Reasoning),
        // `server_tool_use` (web search, code execution) and `mcp_tool_use` are tool calls too, run by the server.
        "tool_use" | "server_tool_use" | "mcp_tool_use" => {
            // Streaming sends `input: {}` and the arguments as deltas; a non-empty input is the whole call, passed
            // on as sent.
            let input = block.input.filter(|input| is_nonempty_object(input.get()));
            out.push(StreamEvent::ToolCall {
                index: index.index().unwrap_or(0),
                id: block.id,
                name: block.name,
                arguments: raw_text(input),
            });
        }
        // Encrypted reasoning and server-side tool results have no text for the answer.
        "redacted_thinking" => {}
        k if k.ends_with("_tool_result") => {}
        _ => out.push(StreamEvent::Unknown(format!("content_block_start/{kind}"))),
    }
}

/// Whether a JSON value's text is an object with at least one member.
fn is_nonempty_object(json: &str) -> bool {
    json.strip_prefix('{').and_then(|rest| rest.strip_suffix('}')).is_some_and(|members| !members.trim().is_empty())
}

fn on_block_delta(index: Count, delta: Option<Delta<'_>>, out: &mut Vec<StreamEvent>) {
    let Some(delta) = delta else {
        return out.push(StreamEvent::Malformed("content_block_delta without a delta".into()));
    };
    let kind = delta.kind.as_ref().map_or("", Tag::as_str);
    match kind {
        "text_delta" => push_nonempty(out, delta.text, StreamEvent::Text),
        "thinking_delta" => push_nonempty(out, delta.thinking, StreamEvent::Reasoning),
        "input_json_delta" => {
            if let Some(arguments) = delta.partial_json.filter(|a| !a.is_empty()) {
                out.push(StreamEvent::ToolCall { index: index.index().unwrap_or(0), id: None, name: None, arguments });
            }
        }
        // The thinking block's signature and citations matter to the API, not to the rendered answer.
        "signature_delta" | "citations_delta" => {}
        _ => out.push(StreamEvent::Unknown(format!("content_block_delta/{kind}"))),
    }
}
