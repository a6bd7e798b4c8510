//! Vercel AI SDK data stream protocol, the format of ai@3.x–4.x (`toDataStreamResponse()`, `pipeDataStreamToResponse`,
//! header `x-vercel-ai-data-stream: v1`, served as `text/plain`). ai@5 replaced it with the UI message stream
//! ([`super::vercel`]), but many custom backends (FastAPI, Rails, Go) still speak it.
//!
//! Grammar: one part per line, `TYPE_ID:CONTENT_JSON\n`, where `TYPE_ID` is one character:
//!
//! ```text
//! 0:"Hi"                                                                   → Text
//! g:"Let me think"                                                         → Reasoning
//! b:{"toolCallId":"c1","toolName":"search"}                                → ToolCall{id, name}
//! c:{"toolCallId":"c1","argsTextDelta":"{\"q\""}                           → ToolCall arguments
//! 9:{"toolCallId":"c1","toolName":"search","args":{"q":"x"}}               → ToolCall (only if not streamed)
//! e:{"finishReason":"stop","usage":{…},"isContinued":false}                (step finished; reason remembered)
//! d:{"finishReason":"stop","usage":{"promptTokens":10,"completionTokens":20}} → Usage, Finish
//! 3:"error message"                                                        → Error
//! ```
//!
//! Parts that carry nothing to render are known and skipped: `2:` data, `8:` message annotations, `a:` tool results,
//! `f:` step start, `h:` sources, `k:` files, `i:` redacted reasoning, `j:` reasoning signatures.
//!
//! `d:` (finish message) is the terminal marker; the protocol requires it to be the last part. Hand-written backends
//! sometimes end with only the step's `e:` part, so, as with OpenAI chat's `finish_reason` without `[DONE]`, EOF
//! after an `e:` part finishes with that step's reason. Tool calls are keyed by `toolCallId` and numbered in order of
//! first appearance.
//!
//! The lines come from the NDJSON framing (which trims spaces and tabs and skips blank lines); a line is not JSON
//! itself, so splitting off the type id is this dialect's job.

use serde::de::IgnoredAny;
use serde::Deserialize;
use serde_json::value::RawValue;

use super::{push_nonempty, quote, read, string_or_raw, usage, wrong_framing, Count, Tag, ToolIds};
use super::{Dialect, ProviderError, StreamEvent};
use crate::frame::Frame;

/// Reader for AI SDK data stream parts.
#[derive(Debug, Default)]
pub struct VercelLegacy {
    /// The `finishReason` of the last finish-step (`e:`) part, used if the stream ends without `d:`.
    step_finish: Option<Option<String>>,
    /// `toolCallId`s in order of first appearance (the position is the tool-call index), and whether their arguments
    /// were streamed (then the complete `9:` part repeats them and is skipped).
    tools: ToolIds,
    /// A terminal event (`Finish` or `Error`) was emitted; later frames are ignored.
    ended: bool,
}

/// The payload of an object part: a tool call (`b:`, `c:`, `9:`) or a finish (`e:` for a step, `d:` for the
/// message); each kind has only its own fields. One struct for both keeps one reader in the module.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", expecting = "a data stream part (a JSON object)")]
struct ObjectPart<'a> {
    #[serde(borrow)]
    tool_call_id: Option<Tag<'a>>,
    tool_name: Option<String>,
    args_text_delta: Option<String>,
    /// A whole call's arguments, passed on as sent.
    #[serde(borrow)]
    args: Option<&'a RawValue>,
    finish_reason: Option<String>,
    usage: Option<Usage>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Usage {
    #[serde(default)]
    prompt_tokens: Count,
    #[serde(default)]
    completion_tokens: Count,
}

impl Dialect for VercelLegacy {
    fn on_frame(&mut self, frame: &Frame, out: &mut Vec<StreamEvent>) {
        if self.ended {
            return;
        }
        let Frame::Line(line) = frame else {
            return out.push(wrong_framing("the Vercel data stream dialect", frame));
        };
        let Some((code, payload)) = split_part(line) else {
            return out.push(StreamEvent::Malformed(format!("not a data stream part: {}", quote(line))));
        };
        if let Err(malformed) = self.on_part(code, payload, out) {
            out.push(malformed);
        }
    }

    fn on_eof(&mut self, out: &mut Vec<StreamEvent>) {
        if self.ended {
            return;
        }
        if let Some(reason) = self.step_finish.take() {
            self.ended = true;
            out.push(StreamEvent::Finish { reason });
        }
    }
}

impl VercelLegacy {
    /// Reads one part's payload; a payload that is not JSON of its part's shape is the error.
    fn on_part(&mut self, code: char, payload: &str, out: &mut Vec<StreamEvent>) -> Result<(), StreamEvent> {
        match code {
            '0' | 'g' => {
                let make = if code == '0' { StreamEvent::Text } else { StreamEvent::Reasoning };
                push_nonempty(out, Some(read::<String>(payload, "a text part")?), make);
            }
            '3' => {
                // The SDK sends the error's message as a JSON string; anything else is kept as sent.
                let message = string_or_raw(Some(read::<&RawValue>(payload, "an error part")?));
                self.fail(ProviderError { code: None, message }, out);
            }
            'b' | 'c' | '9' => {
                let part: ObjectPart<'_> = read(payload, "a tool call part")?;
                let id = part.tool_call_id;
                match code {
                    'b' => self.tools.on_start(id.map(Tag::into_string), part.tool_name, out),
                    'c' => self.tools.on_delta(id.as_ref().map(Tag::as_str), part.args_text_delta, out),
                    _ => self.tools.on_whole(id.map(Tag::into_string), part.tool_name, part.args, out),
                }
            }
            'e' => self.step_finish = Some(read::<ObjectPart<'_>>(payload, "a finish part")?.finish_reason),
            'd' => {
                let part: ObjectPart<'_> = read(payload, "a finish part")?;
                if let Some(counts) = part.usage {
                    if counts.prompt_tokens.0.is_some() || counts.completion_tokens.0.is_some() {
                        out.push(usage(counts.prompt_tokens, counts.completion_tokens));
                    }
                }
                self.ended = true;
                out.push(StreamEvent::Finish { reason: part.finish_reason });
            }
            // Parts with nothing to render are still checked to be JSON, like every other part.
            '2' | '8' | 'a' | 'f' | 'h' | 'i' | 'j' | 'k' => {
                read::<IgnoredAny>(payload, "a part")?;
            }
            other => {
                read::<IgnoredAny>(payload, "a part")?;
                out.push(StreamEvent::Unknown(format!("data stream part {other}:")));
            }
        }
        Ok(())
    }

    fn fail(&mut self, error: ProviderError, out: &mut Vec<StreamEvent>) {
        self.ended = true;
        out.push(StreamEvent::Error(error));
    }
}

/// Splits `X:payload` into its type id and payload. The id is one ASCII digit or lowercase letter: that is the whole
/// alphabet the protocol has used (`0`–`9`, `a`–`k`), with room for parts added later.
pub(crate) fn split_part(line: &str) -> Option<(char, &str)> {
    let mut chars = line.chars();
    let code = chars.next().filter(|c| c.is_ascii_digit() || c.is_ascii_lowercase())?;
    let payload = chars.as_str().strip_prefix(':')?;
    Some((code, payload))
}
