//! Google Gemini `streamGenerateContent?alt=sse` (Gemini API and Vertex AI).
//!
//! Grammar (SSE, one `GenerateContentResponse` per `data:`; Google ends lines with CRLF, which the framer handles):
//!
//! ```text
//! {"candidates":[{"content":{"parts":[{"text":"Hi"}]}}]}                       → Text
//! {"candidates":[{"content":{"parts":[{"text":"…","thought":true}]}}]}        → Reasoning (thought summaries)
//! {"candidates":[{"content":{"parts":[{"functionCall":{"name","args"}}]}}]}   → ToolCall (whole)
//! {"candidates":[{…,"finishReason":"STOP"}],"usageMetadata":{…}}              → Usage (finishReason remembered)
//! {"promptFeedback":{"blockReason":"SAFETY"}}                                  → Error (the prompt was refused)
//! {"error":{"code":429,"message":"…","status":"RESOURCE_EXHAUSTED"}}           → Error
//! ```
//!
//! Gemini has no end-of-stream marker: the chunk carrying `finishReason` is the last one, and the body ends after
//! it. So, like OpenAI's `finish_reason` without `[DONE]`, the reason is remembered and [`Dialect::on_eof`] emits
//! `Finish` — a body cut before any `finishReason` stays incomplete. `thoughtSignature` parts (sometimes with an
//! empty `text`) carry nothing to render. Only candidate 0 is read.

use serde::Deserialize;
use serde_json::value::RawValue;

use super::{provider_error, push_nonempty, raw_text, read, wrong_framing, Count};
use super::{Dialect, ProviderError, StreamEvent};
use crate::frame::Frame;

/// Reader for Gemini `alt=sse` chunks.
#[derive(Debug, Default)]
pub struct Gemini {
    finish_reason: Option<String>,
    /// Gemini sends function calls whole and unnumbered; they are numbered in arrival order.
    next_tool: u32,
    ended: bool,
}

/// One `GenerateContentResponse` (only the fields rillmark reads).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", expecting = "a Gemini chunk (a JSON object)")]
struct Chunk<'a> {
    #[serde(borrow)]
    error: Option<&'a RawValue>,
    prompt_feedback: Option<PromptFeedback>,
    #[serde(borrow)]
    candidates: Option<Vec<Candidate<'a>>>,
    usage_metadata: Option<UsageMetadata>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PromptFeedback {
    block_reason: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Candidate<'a> {
    #[serde(default)]
    index: Count,
    #[serde(borrow)]
    content: Option<Content<'a>>,
    finish_reason: Option<String>,
}

#[derive(Deserialize)]
struct Content<'a> {
    #[serde(borrow)]
    parts: Option<Vec<Part<'a>>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Part<'a> {
    text: Option<String>,
    /// A thought summary rather than answer text.
    thought: Option<bool>,
    #[serde(borrow)]
    function_call: Option<FunctionCall<'a>>,
}

#[derive(Deserialize)]
struct FunctionCall<'a> {
    id: Option<String>,
    name: Option<String>,
    #[serde(borrow)]
    args: Option<&'a RawValue>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct UsageMetadata {
    #[serde(default)]
    prompt_token_count: Count,
    #[serde(default)]
    candidates_token_count: Count,
    #[serde(default)]
    thoughts_token_count: Count,
}

impl Dialect for Gemini {
    fn on_frame(&mut self, frame: &Frame, out: &mut Vec<StreamEvent>) {
        if self.ended {
            return;
        }
        let Frame::Event(event) = frame else {
            out.push(wrong_framing("the Gemini dialect", frame));
            return;
        };
        if event.event != "message" {
            return out.push(StreamEvent::Unknown(event.event.clone()));
        }
        // A proxy may relay the non-SSE form, an array of responses; it is not this dialect's wire format.
        let chunk: Chunk<'_> = match read(&event.data, "a chunk") {
            Ok(chunk) => chunk,
            Err(malformed) => return out.push(malformed),
        };
        if let Some(error) = chunk.error {
            return self.fail(provider_error(error), out);
        }
        if let Some(reason) = chunk.prompt_feedback.and_then(|f| f.block_reason) {
            let message = format!("the prompt was blocked ({reason})");
            return self.fail(ProviderError { code: Some(reason), message }, out);
        }
        let first = chunk.candidates.into_iter().flatten().find(|c| c.index.0.unwrap_or(0) == 0);
        if let Some(candidate) = first {
            self.on_candidate(candidate, out);
        }
        if let Some(usage) = chunk.usage_metadata {
            // Thinking tokens are billed as output but counted apart; the output is their sum.
            let output_tokens = match (usage.candidates_token_count.0, usage.thoughts_token_count.0) {
                (None, None) => None,
                (c, t) => Some(c.unwrap_or(0).saturating_add(t.unwrap_or(0))),
            };
            out.push(StreamEvent::Usage { input_tokens: usage.prompt_token_count.0, output_tokens });
        }
    }

    fn on_eof(&mut self, out: &mut Vec<StreamEvent>) {
        if !self.ended && self.finish_reason.is_some() {
            self.ended = true;
            out.push(StreamEvent::Finish { reason: self.finish_reason.take() });
        }
    }
}

impl Gemini {
    fn on_candidate(&mut self, candidate: Candidate<'_>, out: &mut Vec<StreamEvent>) {
        let parts = candidate.content.and_then(|c| c.parts).unwrap_or_default();
        for part in parts {
            let make = if part.thought == Some(true) { StreamEvent::Reasoning } else { StreamEvent::Text };
            push_nonempty(out, part.text, make);
            if let Some(call) = part.function_call {
                out.push(StreamEvent::ToolCall {
                    index: self.next_tool,
                    id: call.id,
                    name: call.name,
                    arguments: raw_text(call.args),
                });
                self.next_tool = self.next_tool.saturating_add(1);
            }
        }
        if let Some(reason) = candidate.finish_reason {
            self.finish_reason = Some(reason);
        }
    }

    fn fail(&mut self, error: ProviderError, out: &mut Vec<StreamEvent>) {
        self.ended = true;
        out.push(StreamEvent::Error(error));
    }
}
