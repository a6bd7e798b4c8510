//! OpenAI Responses API streaming (`/v1/responses`, `stream: true`), also served by OpenRouter and Azure.
//!
//! Grammar (SSE; every event's JSON `type` names it, the `event:` line repeats it):
//!
//! ```text
//! response.output_text.delta            {delta}                                   → Text
//! response.refusal.delta                {delta}                                   → Text
//! response.reasoning_summary_text.delta {delta, summary_index}                    → Reasoning
//! response.reasoning_text.delta         {delta}                                   → Reasoning (raw chain of thought)
//! response.output_item.added            {output_index, item:{type:"function_call", call_id, name}}
//!                                       {output_index, item:{type:"web_search_call", id}}  → ToolCall{index: output_index}
//! response.function_call_arguments.delta {output_index, delta}                    → ToolCall arguments
//! response.output_item.done             {item:{type:"web_search_call", action}}   → ToolCall arguments (the action)
//! response.completed                    {response:{status, usage}}                → Usage (reason "completed" remembered)
//! response.incomplete                   {response:{incomplete_details:{reason}}}  → Usage (reason remembered)
//! response.failed                       {response:{error:{code, message}}}        → Error
//! [DONE]                                (OpenRouter only)                         → Finish
//! error                                 {error:{type, code, message}} or {code, message} → Error
//! ```
//!
//! Lifecycle and bookkeeping events (`response.created`, `…content_part.added`, `…output_text.done`, annotations,
//! server-tool progress such as `response.web_search_call.searching`) carry nothing new to render and are ignored
//! knowingly; any other type is `Unknown`. Summary parts after the first are separated by a blank line, because
//! each starts with its own bold title and concatenating them would run the title into the previous paragraph.
//!
//! **One body, several responses.** An agent loop relaying each step's events (the recorded
//! `responses-reasoning-summary-tools` stream holds four `response.created … response.completed` runs) would be
//! cut short if `response.completed` ended the stream. So `response.completed`/`response.incomplete` only
//! remember the reason, a later `response.created` clears it, and [`Dialect::on_eof`] emits `Finish` when the last
//! response completed (the Responses API has no `[DONE]`; the server closes the body right after). Tool-call
//! indices are `output_index` offset past every index of the earlier responses, so calls of different steps never
//! share an index.

use crate::json::Json;

use super::{error_event, get_u64, parse_object, provider_error, push_nonempty, take_str, wrong_framing};
use super::{Dialect, ProviderError, StreamEvent};
use crate::frame::Frame;

/// Reader for OpenAI Responses events.
#[derive(Debug, Default)]
pub struct Responses {
    /// A reasoning summary part already produced text, so the next part needs a separator.
    summary_text_seen: bool,
    /// The current response completed with this reason; `Finish` follows at EOF unless another response starts.
    completed: Option<Option<String>>,
    /// Added to `output_index`: one past the highest index of the earlier responses of this body.
    index_base: u32,
    /// One past the highest tool-call index used so far.
    index_end: u32,
    /// An `Error` was emitted (or `Finish`, at EOF); later frames are ignored.
    ended: bool,
}

/// Lifecycle events with nothing to render.
const IGNORED: &[&str] = &[
    "response.in_progress",
    "response.queued",
    "response.content_part.added",
    "response.content_part.done",
    "response.output_text.done",
    "response.output_text.annotation.added",
    "response.refusal.done",
    "response.reasoning_summary_part.done",
    "response.reasoning_summary_text.done",
    "response.reasoning_text.done",
    "response.function_call_arguments.done",
];

/// Progress events of tools the server runs itself; their results arrive in `response.output_item.done`.
const IGNORED_PREFIXES: &[&str] = &[
    "response.web_search_call.",
    "response.file_search_call.",
    "response.code_interpreter_call",
    "response.image_generation_call.",
    "response.mcp_",
    "response.custom_tool_call_input.",
];

impl Dialect for Responses {
    fn on_frame(&mut self, frame: &Frame, out: &mut Vec<StreamEvent>) {
        if self.ended {
            return;
        }
        let Frame::Event(event) = frame else {
            out.push(wrong_framing("the OpenAI Responses dialect", frame));
            return;
        };
        if event.event == "error" {
            return self.fail(error_event(&event.data), out);
        }
        // OpenRouter's Responses endpoint ends with chat-style `[DONE]`: a real end marker, so it finishes now.
        if event.data.trim() == "[DONE]" {
            self.ended = true;
            let reason = self.completed.take().flatten();
            return out.push(StreamEvent::Finish { reason });
        }
        let mut data = match parse_object(&event.data, "an event") {
            Ok(value) => value,
            Err(malformed) => return out.push(malformed),
        };
        let kind = take_str(&mut data, "type").unwrap_or_else(|| event.event.clone());
        let output_index = data.get("output_index").and_then(Json::as_u64).unwrap_or(0);
        let index = self.index_base.saturating_add(output_index.min(u64::from(u32::MAX)) as u32);
        match kind.as_str() {
            "response.created" => {
                self.completed = None;
                self.index_base = self.index_end;
            }
            "response.output_text.delta" | "response.refusal.delta" => {
                push_nonempty(out, take_str(&mut data, "delta"), StreamEvent::Text)
            }
            "response.reasoning_text.delta" => push_nonempty(out, take_str(&mut data, "delta"), StreamEvent::Reasoning),
            "response.reasoning_summary_text.delta" => {
                if let Some(delta) = take_str(&mut data, "delta").filter(|d| !d.is_empty()) {
                    self.summary_text_seen = true;
                    out.push(StreamEvent::Reasoning(delta));
                }
            }
            "response.reasoning_summary_part.added" => {
                if self.summary_text_seen {
                    self.summary_text_seen = false;
                    out.push(StreamEvent::Reasoning("\n\n".to_owned()));
                }
            }
            "response.output_item.added" => {
                if let Some(item) = data.get_mut("item") {
                    if on_item_added(index, item, out) {
                        self.index_end = self.index_end.max(index.saturating_add(1));
                    }
                }
            }
            "response.output_item.done" => {
                // A server-run tool's call is only known once done: its `action` (the query) is the arguments.
                let item = data.get("item");
                if item.and_then(|i| i.get("type")).and_then(Json::as_str) == Some("web_search_call") {
                    if let Some(action) = item.and_then(|i| i.get("action")).filter(|a| !a.is_null()) {
                        out.push(StreamEvent::ToolCall { index, id: None, name: None, arguments: action.to_json() });
                    }
                }
            }
            "response.function_call_arguments.delta" => {
                if let Some(delta) = take_str(&mut data, "delta").filter(|d| !d.is_empty()) {
                    out.push(StreamEvent::ToolCall { index, id: None, name: None, arguments: delta });
                }
            }
            "response.completed" | "response.incomplete" => {
                let mut response = data.get_mut("response").map(Json::take).unwrap_or_default();
                push_usage(&response, out);
                let reason = response
                    .get_mut("incomplete_details")
                    .and_then(|d| take_str(d, "reason"))
                    .or_else(|| take_str(&mut response, "status"))
                    .or_else(|| kind.strip_prefix("response.").map(str::to_owned));
                self.completed = Some(reason);
            }
            "response.failed" => {
                let error = data.get_mut("response").and_then(|r| r.get_mut("error")).map(Json::take);
                let error = match error {
                    Some(error) if !error.is_null() => provider_error(error),
                    _ => ProviderError { code: None, message: "the response failed".to_owned() },
                };
                self.fail(error, out);
            }
            "error" => {
                let error = match data.get_mut("error").map(Json::take) {
                    Some(error) if !error.is_null() => error,
                    _ => data,
                };
                self.fail(provider_error(error), out);
            }
            k if IGNORED.contains(&k) || IGNORED_PREFIXES.iter().any(|p| k.starts_with(p)) => {}
            _ => out.push(StreamEvent::Unknown(kind)),
        }
    }

    fn on_eof(&mut self, out: &mut Vec<StreamEvent>) {
        if let Some(reason) = self.completed.take().filter(|_| !self.ended) {
            self.ended = true;
            out.push(StreamEvent::Finish { reason });
        }
    }
}

impl Responses {
    fn fail(&mut self, error: ProviderError, out: &mut Vec<StreamEvent>) {
        self.ended = true;
        out.push(StreamEvent::Error(error));
    }
}

/// Emits the tool call an added item announces; returns whether it was one.
fn on_item_added(index: u32, item: &mut Json<'_>, out: &mut Vec<StreamEvent>) -> bool {
    let kind = item.get("type").and_then(Json::as_str).unwrap_or_default().to_owned();
    let (id, name) = match kind.as_str() {
        "function_call" | "custom_tool_call" => (take_str(item, "call_id"), take_str(item, "name")),
        // Server-run tools are named by their item type.
        "web_search_call" | "file_search_call" | "code_interpreter_call" | "image_generation_call" => {
            // Every kind of this arm ends with `_call`; `strip_suffix` spares the wasm the reverse substring search that
            // `trim_end_matches` with a `&str` pattern instantiates.
            let name = kind.strip_suffix("_call").unwrap_or(&kind).to_owned();
            (take_str(item, "id"), Some(name))
        }
        "mcp_call" => (take_str(item, "id"), take_str(item, "name")),
        // Messages and reasoning items announce text that follows as deltas.
        _ => return false,
    };
    // Arguments normally stream as deltas; an item announced with them already (rare) keeps them.
    let arguments = take_str(item, "arguments").unwrap_or_default();
    out.push(StreamEvent::ToolCall { index, id, name, arguments });
    true
}

fn push_usage(response: &Json<'_>, out: &mut Vec<StreamEvent>) {
    if let Some(usage) = response.get("usage").filter(|u| u.is_object()) {
        out.push(StreamEvent::Usage {
            input_tokens: get_u64(usage, "input_tokens"),
            output_tokens: get_u64(usage, "output_tokens"),
        });
    }
}
