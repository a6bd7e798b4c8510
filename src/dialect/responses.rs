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

use serde::Deserialize;
use serde_json::value::RawValue;

use super::{error_event, error_from_fields, provider_error, push_nonempty, raw_text, read, usage, wrong_framing};
use super::{Count, Dialect, ProviderError, StreamEvent, Tag, TokenUsage};
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

/// One event's data: the fields of every event type this dialect reads, each present only in its own types.
#[derive(Deserialize)]
#[serde(expecting = "an OpenAI Responses event (a JSON object)")]
struct Event<'a> {
    #[serde(borrow, rename = "type")]
    kind: Option<Tag<'a>>,
    #[serde(default)]
    output_index: Count,
    /// The text of a `….delta` event.
    delta: Option<String>,
    #[serde(borrow)]
    item: Option<Item<'a>>,
    #[serde(borrow)]
    response: Option<Response<'a>>,
    /// An `error` event's error: nested under `error`, or flat in the event (`code`, `message`).
    #[serde(borrow)]
    error: Option<&'a RawValue>,
    #[serde(borrow)]
    code: Option<&'a RawValue>,
    #[serde(borrow)]
    message: Option<&'a RawValue>,
}

/// An output item: a message, reasoning, or a tool call of some kind.
#[derive(Deserialize)]
struct Item<'a> {
    #[serde(borrow, rename = "type")]
    kind: Option<Tag<'a>>,
    call_id: Option<String>,
    id: Option<String>,
    name: Option<String>,
    /// A function call's arguments, as JSON text in a string; normally empty when announced.
    arguments: Option<String>,
    /// What a server-run tool did (a web search's query), passed on as sent.
    #[serde(borrow)]
    action: Option<&'a RawValue>,
}

/// The response of `response.completed`, `response.incomplete` and `response.failed`.
#[derive(Deserialize)]
struct Response<'a> {
    status: Option<String>,
    incomplete_details: Option<IncompleteDetails>,
    usage: Option<TokenUsage>,
    #[serde(borrow)]
    error: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct IncompleteDetails {
    reason: Option<String>,
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
        let data: Event<'_> = match read(&event.data, "an event") {
            Ok(data) => data,
            Err(malformed) => return out.push(malformed),
        };
        let kind = data.kind.as_ref().map_or(event.event.as_str(), Tag::as_str);
        let index = self.index_base.saturating_add(data.output_index.index().unwrap_or(0));
        match kind {
            "response.created" => {
                self.completed = None;
                self.index_base = self.index_end;
            }
            "response.output_text.delta" | "response.refusal.delta" => {
                push_nonempty(out, data.delta, StreamEvent::Text)
            }
            "response.reasoning_text.delta" => push_nonempty(out, data.delta, StreamEvent::Reasoning),
            "response.reasoning_summary_text.delta" => {
                if let Some(delta) = data.delta.filter(|d| !d.is_empty()) {
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
                if let Some(item) = data.item {
                    if on_item_added(index, item, out) {
                        self.index_end = self.index_end.max(index.saturating_add(1));
                    }
                }
            }
            "response.output_item.done" => {
                // A server-run tool's call is only known once done: its `action` (the query) is the arguments.
                if let Some(item) = data.item.filter(|i| i.kind.as_ref().map(Tag::as_str) == Some("web_search_call")) {
                    if let Some(action) = item.action {
                        out.push(StreamEvent::ToolCall {
                            index,
                            id: None,
                            name: None,
                            arguments: raw_text(Some(action)),
                        });
                    }
                }
            }
            "response.function_call_arguments.delta" => {
                if let Some(delta) = data.delta.filter(|d| !d.is_empty()) {
                    out.push(StreamEvent::ToolCall { index, id: None, name: None, arguments: delta });
                }
            }
            "response.completed" | "response.incomplete" => {
                let reason = match data.response {
                    Some(response) => {
                        if let Some(counts) = response.usage {
                            out.push(usage(counts.input_tokens, counts.output_tokens));
                        }
                        response.incomplete_details.and_then(|d| d.reason).or(response.status)
                    }
                    None => None,
                };
                self.completed = Some(reason.or_else(|| kind.strip_prefix("response.").map(str::to_owned)));
            }
            "response.failed" => {
                let error = match data.response.and_then(|r| r.error) {
                    Some(error) => provider_error(error),
                    None => ProviderError { code: None, message: "the response failed".to_owned() },
                };
                self.fail(error, out);
            }
            "error" => {
                let error = match data.error {
                    Some(error) => provider_error(error),
                    None => error_from_fields(data.message, data.code, None, &event.data),
                };
                self.fail(error, out);
            }
            k if IGNORED.contains(&k) || IGNORED_PREFIXES.iter().any(|p| k.starts_with(p)) => {}
            other => out.push(StreamEvent::Unknown(other.to_owned())),
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
fn on_item_added(index: u32, item: Item<'_>, out: &mut Vec<StreamEvent>) -> bool {
    let kind = item.kind.as_ref().map_or("", Tag::as_str);
    let (id, name) = match kind {
        "function_call" | "custom_tool_call" => (item.call_id, item.name),
        // Server-run tools are named by their item type.
        "web_search_call" | "file_search_call" | "code_interpreter_call" | "image_generation_call" => {
            // Every kind of this arm ends with `_call`; `strip_suffix` spares the wasm the reverse substring search that
            // `trim_end_matches` with a `&str` pattern instantiates.
            (item.id, Some(kind.strip_suffix("_call").unwrap_or(kind).to_owned()))
        }
        "mcp_call" => (item.id, item.name),
        // Messages and reasoning items announce text that follows as deltas.
        _ => return false,
    };
    // Arguments normally stream as deltas; an item announced with them already (rare) keeps them.
    out.push(StreamEvent::ToolCall { index, id, name, arguments: item.arguments.unwrap_or_default() });
    true
}
