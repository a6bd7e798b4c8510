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

use crate::json::Json;

use super::{error_event, get_u64, parse_object, provider_error, push_nonempty, take_str, wrong_framing};
use super::{Dialect, StreamEvent};
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
        let mut data = match parse_object(&event.data, "an event") {
            Ok(value) => value,
            Err(malformed) => return out.push(malformed),
        };
        let kind = take_str(&mut data, "type").unwrap_or_else(|| event.event.clone());
        match kind.as_str() {
            "message_start" => {
                let usage = data.get("message").and_then(|m| m.get("usage"));
                if let Some(usage) = usage.filter(|u| u.is_object()) {
                    self.input_tokens = get_u64(usage, "input_tokens");
                    out.push(StreamEvent::Usage {
                        input_tokens: self.input_tokens,
                        output_tokens: get_u64(usage, "output_tokens"),
                    });
                }
            }
            "content_block_start" => on_block_start(&mut data, out),
            "content_block_delta" => on_block_delta(&mut data, out),
            "content_block_stop" | "ping" => {}
            "message_delta" => {
                if let Some(reason) = data.get_mut("delta").and_then(|d| take_str(d, "stop_reason")) {
                    self.stop_reason = Some(reason);
                }
                if let Some(usage) = data.get("usage").filter(|u| u.is_object()) {
                    if let Some(input) = get_u64(usage, "input_tokens") {
                        self.input_tokens = Some(input);
                    }
                    out.push(StreamEvent::Usage {
                        input_tokens: self.input_tokens,
                        output_tokens: get_u64(usage, "output_tokens"),
                    });
                }
            }
            "message_stop" => {
                self.ended = true;
                out.push(StreamEvent::Finish { reason: self.stop_reason.take() });
            }
            "error" => {
                let error = data.get_mut("error").map(Json::take).unwrap_or(data);
                self.fail(provider_error(error), out);
            }
            _ => out.push(StreamEvent::Unknown(kind)),
        }
    }
}

impl Anthropic {
    fn fail(&mut self, error: super::ProviderError, out: &mut Vec<StreamEvent>) {
        self.ended = true;
        out.push(StreamEvent::Error(error));
    }
}

/// The block's index, saturated: an index is only a label, and a hostile one must not panic or wrap.
fn block_index(data: &Json<'_>) -> u32 {
    data.get("index").and_then(Json::as_u64).unwrap_or(0).min(u64::from(u32::MAX)) as u32
}

fn on_block_start(data: &mut Json<'_>, out: &mut Vec<StreamEvent>) {
    let index = block_index(data);
    let Some(block) = data.get_mut("content_block") else {
        return out.push(StreamEvent::Malformed("content_block_start without a content_block".into()));
    };
    let kind = take_str(block, "type").unwrap_or_default();
    match kind.as_str() {
        // The start usually carries an empty string, but nothing forbids initial text.
        "text" => push_nonempty(out, take_str(block, "text"), StreamEvent::Text),
        "thinking" => push_nonempty(out, take_str(block, "thinking"), StreamEvent::Reasoning),
        // `server_tool_use` (web search, code execution) and `mcp_tool_use` are tool calls too, run by the server.
        "tool_use" | "server_tool_use" | "mcp_tool_use" => {
            // Streaming sends `input: {}` and the arguments as deltas; a non-empty input is the whole call.
            let arguments = match block.get("input") {
                Some(input) if input.as_object().is_some_and(|m| !m.is_empty()) => input.to_json(),
                _ => String::new(),
            };
            out.push(StreamEvent::ToolCall {
                index,
                id: take_str(block, "id"),
                name: take_str(block, "name"),
                arguments,
            });
        }
        // Encrypted reasoning and server-side tool results have no text for the answer.
        "redacted_thinking" => {}
        k if k.ends_with("_tool_result") => {}
        _ => out.push(StreamEvent::Unknown(format!("content_block_start/{kind}"))),
    }
}

fn on_block_delta(data: &mut Json<'_>, out: &mut Vec<StreamEvent>) {
    let index = block_index(data);
    let Some(delta) = data.get_mut("delta") else {
        return out.push(StreamEvent::Malformed("content_block_delta without a delta".into()));
    };
    let kind = take_str(delta, "type").unwrap_or_default();
    match kind.as_str() {
        "text_delta" => push_nonempty(out, take_str(delta, "text"), StreamEvent::Text),
        "thinking_delta" => push_nonempty(out, take_str(delta, "thinking"), StreamEvent::Reasoning),
        "input_json_delta" => {
            let arguments = take_str(delta, "partial_json").unwrap_or_default();
            if !arguments.is_empty() {
                out.push(StreamEvent::ToolCall { index, id: None, name: None, arguments });
            }
        }
        // The thinking block's signature and citations matter to the API, not to the rendered answer.
        "signature_delta" | "citations_delta" => {}
        _ => out.push(StreamEvent::Unknown(format!("content_block_delta/{kind}"))),
    }
}
