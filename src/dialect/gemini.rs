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

use crate::json::Json;

use super::{get_u64, parse_object, provider_error, push_nonempty, take_str, wrong_framing};
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
        let mut chunk = match parse_object(&event.data, "a chunk") {
            Ok(value) => value,
            Err(malformed) => return out.push(malformed),
        };
        match chunk.get_mut("error").map(Json::take) {
            None | Some(Json::Null) => {}
            Some(error) => return self.fail(provider_error(error), out),
        }
        if let Some(reason) = chunk.get_mut("promptFeedback").and_then(|f| take_str(f, "blockReason")) {
            let message = format!("the prompt was blocked ({reason})");
            return self.fail(ProviderError { code: Some(reason), message }, out);
        }
        if let Some(Json::Arr(candidates)) = chunk.get_mut("candidates") {
            let first = candidates.iter_mut().find(|c| c.get("index").and_then(Json::as_u64).unwrap_or(0) == 0);
            if let Some(candidate) = first {
                self.on_candidate(candidate, out);
            }
        }
        if let Some(usage) = chunk.get("usageMetadata").filter(|u| u.is_object()) {
            // Thinking tokens are billed as output but counted apart; the output is their sum.
            let candidates = get_u64(usage, "candidatesTokenCount");
            let thoughts = get_u64(usage, "thoughtsTokenCount");
            let output_tokens = match (candidates, thoughts) {
                (None, None) => None,
                (c, t) => Some(c.unwrap_or(0).saturating_add(t.unwrap_or(0))),
            };
            out.push(StreamEvent::Usage { input_tokens: get_u64(usage, "promptTokenCount"), output_tokens });
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
    fn on_candidate(&mut self, candidate: &mut Json<'_>, out: &mut Vec<StreamEvent>) {
        let parts = candidate.get_mut("content").and_then(|c| c.get_mut("parts"));
        if let Some(Json::Arr(parts)) = parts {
            for part in parts {
                let thought = part.get("thought").and_then(Json::as_bool) == Some(true);
                let make = if thought { StreamEvent::Reasoning } else { StreamEvent::Text };
                push_nonempty(out, take_str(part, "text"), make);
                if let Some(call) = part.get_mut("functionCall") {
                    let args = match call.get("args") {
                        Some(args) if !args.is_null() => args.to_json(),
                        _ => String::new(),
                    };
                    out.push(StreamEvent::ToolCall {
                        index: self.next_tool,
                        id: take_str(call, "id"),
                        name: take_str(call, "name"),
                        arguments: args,
                    });
                    self.next_tool = self.next_tool.saturating_add(1);
                }
            }
        }
        if let Some(reason) = take_str(candidate, "finishReason") {
            self.finish_reason = Some(reason);
        }
    }

    fn fail(&mut self, error: ProviderError, out: &mut Vec<StreamEvent>) {
        self.ended = true;
        out.push(StreamEvent::Error(error));
    }
}
