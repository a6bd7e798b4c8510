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

use crate::json::Json;

use super::{error_event, parse_object, provider_error, push_nonempty, take_str, wrong_framing};
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
        let mut chunk = match parse_object(data, "a chunk") {
            Ok(value) => value,
            Err(malformed) => return out.push(malformed),
        };
        // An error may ride on an otherwise ordinary chunk (OpenRouter adds `error` next to `choices`); it wins,
        // because it says the answer will not complete.
        match chunk.get_mut("error").map(Json::take) {
            None | Some(Json::Null) => {}
            Some(error) => return self.fail(provider_error(error), out),
        }
        if let Some(Json::Arr(choices)) = chunk.get_mut("choices") {
            let first = choices.iter_mut().find(|c| c.get("index").and_then(Json::as_u64).unwrap_or(0) == 0);
            if let Some(choice) = first {
                self.on_choice(choice, out);
            }
        }
        // Usage arrives on its own chunk (`choices: []`) from OpenAI, or on the last content chunk (OpenRouter).
        if let Some(usage) = chunk.get("usage").filter(|u| u.is_object()) {
            out.push(StreamEvent::Usage {
                input_tokens: super::get_u64(usage, "prompt_tokens"),
                output_tokens: super::get_u64(usage, "completion_tokens"),
            });
        }
    }

    fn on_choice(&mut self, choice: &mut Json<'_>, out: &mut Vec<StreamEvent>) {
        if let Some(delta) = choice.get_mut("delta") {
            // DeepSeek names it `reasoning_content`, OpenRouter/Groq `reasoning`; a server sending both sends the
            // same text twice, so the first non-empty one is taken.
            let reasoning =
                take_str(delta, "reasoning_content").filter(|r| !r.is_empty()).or_else(|| take_str(delta, "reasoning"));
            push_nonempty(out, reasoning, StreamEvent::Reasoning);
            push_nonempty(out, take_str(delta, "content"), StreamEvent::Text);
            // A refusal is what the user gets to read instead of an answer.
            push_nonempty(out, take_str(delta, "refusal"), StreamEvent::Text);
            if let Some(Json::Arr(calls)) = delta.get_mut("tool_calls") {
                for (position, call) in calls.iter_mut().enumerate() {
                    self.on_tool_call(position, call, out);
                }
            }
        }
        // Legacy completions (`/v1/completions`, llama.cpp's `/completion` in OpenAI mode) stream `text`.
        push_nonempty(out, take_str(choice, "text"), StreamEvent::Text);
        if let Some(reason) = take_str(choice, "finish_reason") {
            self.finish_reason = Some(reason);
        }
    }

    fn on_tool_call(&mut self, position: usize, call: &mut Json<'_>, out: &mut Vec<StreamEvent>) {
        // `index` is required by OpenAI; servers that omit it send one whole call per array slot.
        let index = call.get("index").and_then(Json::as_u64).unwrap_or(position as u64).min(u64::from(u32::MAX)) as u32;
        let id = take_str(call, "id").filter(|s| !s.is_empty());
        let (name, arguments) = match call.get_mut("function") {
            Some(function) => (
                take_str(function, "name").filter(|s| !s.is_empty()),
                take_str(function, "arguments").unwrap_or_default(),
            ),
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
