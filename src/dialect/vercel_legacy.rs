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

use crate::dialect::ToolIds;
use crate::json::Json;

use super::{get_u64, parse_json, push_nonempty, quote, take_str, wrong_framing};
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
        let mut value = match parse_json(payload) {
            Ok(value) => value,
            Err(why) => return out.push(StreamEvent::Malformed(why)),
        };
        match code {
            '0' | 'g' => {
                let make = if code == '0' { StreamEvent::Text } else { StreamEvent::Reasoning };
                match value {
                    Json::Str(text) => push_nonempty(out, Some(text.into_owned()), make),
                    _ => out.push(StreamEvent::Malformed(format!("a text part is not a string: {}", quote(payload)))),
                }
            }
            '3' => {
                // The SDK sends the error's message as a JSON string; anything else is kept verbatim.
                let message = match value {
                    Json::Str(message) => message.into_owned(),
                    other => other.to_json(),
                };
                self.fail(ProviderError { code: None, message }, out);
            }
            'b' => self.tools.on_start(&mut value, out),
            'c' => self.tools.on_delta(&mut value, "argsTextDelta", out),
            '9' => self.tools.on_whole(&mut value, "args", out),
            'e' => self.step_finish = Some(take_str(&mut value, "finishReason")),
            'd' => {
                if let Some(usage) = value.get("usage").filter(|u| u.is_object()) {
                    let input_tokens = get_u64(usage, "promptTokens");
                    let output_tokens = get_u64(usage, "completionTokens");
                    if input_tokens.is_some() || output_tokens.is_some() {
                        out.push(StreamEvent::Usage { input_tokens, output_tokens });
                    }
                }
                self.ended = true;
                out.push(StreamEvent::Finish { reason: take_str(&mut value, "finishReason") });
            }
            '2' | '8' | 'a' | 'f' | 'h' | 'i' | 'j' | 'k' => {}
            other => out.push(StreamEvent::Unknown(format!("data stream part {other}:"))),
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
