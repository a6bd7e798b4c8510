//! OpenAI Chat Completions streaming (`stream: true`), and the many servers that copy it (DeepSeek, Azure AI
//! Foundry, OpenRouter, Groq, vLLM, llama.cpp, Ollama's `/v1`).
//!
//! Grammar (SSE, one JSON chunk per `message` event):
//!
//! ```text
//! data: {"choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}]}     → Text("Hi")
//! data: {"choices":[{"delta":{"reasoning_content":"…"}}]}                           → Reasoning  (DeepSeek)
//! data: {"choices":[{"delta":{"reasoning":"…"}}]}                                   → Reasoning  (OpenRouter, Groq)
//! data: {"choices":[{"delta":{"tool_calls":[{"index":0,"id":"…","function":{…}}]}}]} → ToolCall
//! data: {"choices":[{"delta":{},"finish_reason":"stop"}]}                           (remembered)
//! data: {"choices":[],"usage":{"prompt_tokens":16,"completion_tokens":300}}         → Usage
//! data: [DONE]                                                                      → Finish{reason: "stop"}
//! data: {"error":{"message":"…","code":…}}   or   event: error                      → Error (terminal)
//! ```
//!
//! Only choice 0 is read: interleaving `n > 1` alternatives into one rendered answer would garble all of them.
//!
//! **`finish_reason` without `[DONE]`.** `[DONE]` is the terminal marker, so `Finish` waits for it: OpenRouter sends
//! `finish_reason: "length"` and *then* an error chunk (see the `error-openrouter-token-limit` fixture), and
//! finishing early would hide that error. But some OpenAI-compatible servers and proxies end the body without
//! `[DONE]`; when the stream ends after a `finish_reason` (and no error), the model has said it is done, so
//! [`Dialect::on_eof`] emits the `Finish` then. EOF with neither is left to the caller as "incomplete".

use serde::Deserialize;
use serde_json::value::RawValue;

use super::{error_event, provider_error, push_nonempty, read, string_or_raw, usage, wrong_framing, Count};
use super::{Dialect, StreamEvent};
use crate::frame::Frame;

/// Reader for OpenAI Chat Completions chunks.
#[derive(Debug, Default)]
pub struct OpenAiChat {
    /// The last `finish_reason` seen on choice 0, carried by the eventual `Finish`.
    finish_reason: Option<String>,
    /// Tool calls announced so far, so a provider repeating `id`/`name` in every delta (OpenRouter → Novita does)
    /// still yields them once.
    tools: Vec<ToolSeen>,
    /// A terminal event (`Finish` or `Error`) was emitted; later frames are ignored.
    ended: bool,
}

#[derive(Debug)]
struct ToolSeen {
    index: u32,
    id: Option<String>,
    name: Option<String>,
}

/// One `data:` chunk. `usage` arrives on its own chunk (`choices: []`) from OpenAI, or on the last content chunk
/// (OpenRouter); an `error` may ride on an otherwise ordinary chunk (OpenRouter adds it next to `choices`).
#[derive(Deserialize)]
#[serde(expecting = "an OpenAI chat chunk (a JSON object)")]
struct Chunk<'a> {
    #[serde(borrow)]
    error: Option<&'a RawValue>,
    #[serde(borrow)]
    choices: Option<Vec<Choice<'a>>>,
    usage: Option<Usage>,
}

#[derive(Deserialize)]
struct Choice<'a> {
    #[serde(default)]
    index: Count,
    #[serde(borrow)]
    delta: Option<Delta<'a>>,
    /// Legacy completions (`/v1/completions`, llama.cpp's `/completion` in OpenAI mode) stream `text`.
    text: Option<String>,
    finish_reason: Option<String>,
}

#[derive(Deserialize)]
struct Delta<'a> {
    /// DeepSeek's name for the reasoning text.
    reasoning_content: Option<String>,
    /// OpenRouter's and Groq's name for it.
    reasoning: Option<String>,
    content: Option<String>,
    /// A refusal is what the user gets to read instead of an answer.
    refusal: Option<String>,
    #[serde(borrow)]
    tool_calls: Option<Vec<ToolCall<'a>>>,
}

/// A tool call (a delta of one, here); Ollama's `/api/chat` sends whole calls of the same shape.
#[derive(Deserialize)]
pub(super) struct ToolCall<'a> {
    /// The call's index in OpenAI chat (Ollama puts it in `function`).
    #[serde(default)]
    pub(super) index: Count,
    pub(super) id: Option<String>,
    #[serde(borrow)]
    pub(super) function: Option<Function<'a>>,
}

#[derive(Deserialize)]
pub(super) struct Function<'a> {
    /// Ollama's index of the call.
    #[serde(default)]
    pub(super) index: Count,
    pub(super) name: Option<String>,
    /// The arguments' JSON text in a string (a delta of it, in OpenAI chat), or the JSON value itself (Ollama, and
    /// servers that deviate): kept as sent either way.
    #[serde(borrow)]
    pub(super) arguments: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct Usage {
    #[serde(default)]
    prompt_tokens: Count,
    #[serde(default)]
    completion_tokens: Count,
}

impl Dialect for OpenAiChat {
    fn on_frame(&mut self, frame: &Frame, out: &mut Vec<StreamEvent>) {
        if self.ended {
            return;
        }
        let Frame::Event(event) = frame else {
            out.push(wrong_framing("the OpenAI chat dialect", frame));
            return;
        };
        match event.event.as_str() {
            "message" => self.on_data(&event.data, out),
            // Groq and others report mid-stream failures as a named event instead of an error chunk.
            "error" => self.fail(error_event(&event.data), out),
            other => out.push(StreamEvent::Unknown(other.to_owned())),
        }
    }

    fn on_eof(&mut self, out: &mut Vec<StreamEvent>) {
        if !self.ended && self.finish_reason.is_some() {
            self.ended = true;
            out.push(StreamEvent::Finish { reason: self.finish_reason.take() });
        }
    }
}

impl OpenAiChat {
    fn on_data(&mut self, data: &str, out: &mut Vec<StreamEvent>) {
        if data.trim() == "[DONE]" {
            self.ended = true;
            out.push(StreamEvent::Finish { reason: self.finish_reason.take() });
            return;
        }
        let chunk: Chunk<'_> = match read(data, "a chunk") {
            Ok(chunk) => chunk,
            Err(malformed) => return out.push(malformed),
        };
        // An error wins over the rest of its chunk, because it says the answer will not complete.
        if let Some(error) = chunk.error {
            return self.fail(provider_error(error), out);
        }
        let first = chunk.choices.into_iter().flatten().find(|c| c.index.0.unwrap_or(0) == 0);
        if let Some(choice) = first {
            self.on_choice(choice, out);
        }
        if let Some(counts) = chunk.usage {
            out.push(usage(counts.prompt_tokens, counts.completion_tokens));
        }
    }

    fn on_choice(&mut self, choice: Choice<'_>, out: &mut Vec<StreamEvent>) {
        if let Some(delta) = choice.delta {
            // A server sending both reasoning fields sends the same text twice, so the first non-empty one is taken.
            let reasoning = delta.reasoning_content.filter(|r| !r.is_empty()).or(delta.reasoning);
            push_nonempty(out, reasoning, StreamEvent::Reasoning);
            push_nonempty(out, delta.content, StreamEvent::Text);
            push_nonempty(out, delta.refusal, StreamEvent::Text);
            for (position, call) in delta.tool_calls.into_iter().flatten().enumerate() {
                self.on_tool_call(position, call, out);
            }
        }
        push_nonempty(out, choice.text, StreamEvent::Text);
        if let Some(reason) = choice.finish_reason {
            self.finish_reason = Some(reason);
        }
    }

    fn on_tool_call(&mut self, position: usize, call: ToolCall<'_>, out: &mut Vec<StreamEvent>) {
        // `index` is required by OpenAI; servers that omit it send one whole call per array slot.
        let index = call.index.index().unwrap_or_else(|| u32::try_from(position).unwrap_or(u32::MAX));
        let id = call.id.filter(|s| !s.is_empty());
        let (name, arguments) = match call.function {
            Some(function) => (function.name.filter(|s| !s.is_empty()), string_or_raw(function.arguments)),
            None => (None, String::new()),
        };
        let slot = match self.tools.iter().position(|t| t.index == index) {
            Some(slot) => slot,
            None => {
                self.tools.push(ToolSeen { index, id: None, name: None });
                self.tools.len() - 1
            }
        };
        let seen = &mut self.tools[slot];
        let id = id.filter(|id| seen.id.as_ref() != Some(id));
        let name = name.filter(|name| seen.name.as_ref() != Some(name));
        if id.is_none() && name.is_none() && arguments.is_empty() {
            return;
        }
        if id.is_some() {
            seen.id.clone_from(&id);
        }
        if name.is_some() {
            seen.name.clone_from(&name);
        }
        out.push(StreamEvent::ToolCall { index, id, name, arguments });
    }

    fn fail(&mut self, error: super::ProviderError, out: &mut Vec<StreamEvent>) {
        self.ended = true;
        out.push(StreamEvent::Error(error));
    }
}
