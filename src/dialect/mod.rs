//! Stage ③: dialects. Frames in, [`StreamEvent`]s out.
//!
//! Each provider wraps its tokens differently; a dialect knows one wire vocabulary and its terminal marker.
//! A dialect never fails: a frame it cannot read becomes [`StreamEvent::Malformed`] (counted, the stream goes on),
//! and an event type it does not know becomes [`StreamEvent::Unknown`].

// The JSON dialects and what they share, only with the `wire` feature (on by default): a host that only
// `write()`s text needs the plain dialect alone, and a build without them links no serde_json.
#[cfg(feature = "wire")]
pub mod anthropic;
#[cfg(feature = "wire")]
pub mod gemini;
#[cfg(feature = "wire")]
mod json;
#[cfg(feature = "wire")]
pub mod llamacpp;
#[cfg(feature = "wire")]
mod objects;
#[cfg(feature = "wire")]
pub mod ollama;
#[cfg(feature = "wire")]
pub mod openai;
pub mod plain;
#[cfg(feature = "wire")]
pub mod responses;
#[cfg(feature = "wire")]
pub mod vercel;
#[cfg(feature = "wire")]
pub mod vercel_legacy;

#[cfg(feature = "wire")]
use serde::de::IgnoredAny;

use crate::frame::{Frame, Framing};
#[cfg(feature = "wire")]
pub(crate) use json::*;
#[cfg(feature = "wire")]
pub(crate) use objects::from_json;

/// What a stream says, independent of who said it.
#[derive(Debug, Clone, PartialEq)]
pub enum StreamEvent {
    /// Answer text to render.
    Text(String),
    /// Reasoning ("thinking") text, rendered apart from the answer.
    Reasoning(String),
    /// A piece of a tool call; `arguments` is a delta of the JSON arguments text.
    ToolCall { index: u32, id: Option<String>, name: Option<String>, arguments: String },
    /// Token usage as the provider reported it (cumulative where the provider is).
    Usage { input_tokens: Option<u64>, output_tokens: Option<u64> },
    /// The dialect's terminal marker arrived: the answer is complete. `reason` is the provider's finish/stop reason.
    Finish { reason: Option<String> },
    /// The provider reported an error inside the stream. Terminal.
    Error(ProviderError),
    /// A frame of a kind this dialect does not know (counted, not fatal).
    Unknown(String),
    /// A frame that should have been readable but was not (bad JSON, wrong shape). Counted, not fatal.
    Malformed(String),
}

/// An error reported by the provider in the stream (or in a non-2xx body).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ProviderError {
    /// The provider's error type or code, e.g. `"rate_limit_error"`, when it gave one.
    pub code: Option<String>,
    /// The provider's human-readable message.
    pub message: String,
}

/// Which wire vocabulary to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DialectKind {
    OpenAiChat,
    Anthropic,
    Ollama,
    Plain,
    Gemini,
    OpenAiResponses,
    Vercel,
    /// llama.cpp's native `/completion` stream (its `/v1` endpoints are [`DialectKind::OpenAiChat`]).
    LlamaCpp,
    /// The Vercel AI SDK 3.x–4.x data stream protocol (`0:"text"` lines).
    VercelLegacy,
}

impl DialectKind {
    /// Every dialect, for tests and option validation.
    pub const ALL: [DialectKind; 9] = [
        DialectKind::OpenAiChat,
        DialectKind::Anthropic,
        DialectKind::Ollama,
        DialectKind::Plain,
        DialectKind::Gemini,
        DialectKind::OpenAiResponses,
        DialectKind::Vercel,
        DialectKind::LlamaCpp,
        DialectKind::VercelLegacy,
    ];

    /// Parses the JS-facing name (`"openai"`, `"anthropic"`, `"ollama"`, `"plain"`, `"gemini"`,
    /// `"openai-responses"`, `"vercel"`, `"llamacpp"`, `"vercel-legacy"`, and a few aliases). `"auto"` is not a dialect: see [`DialectKind::detect`].
    pub fn from_name(name: &str) -> Option<DialectKind> {
        Some(match name {
            "openai" | "openai-chat" => DialectKind::OpenAiChat,
            "anthropic" => DialectKind::Anthropic,
            "ollama" => DialectKind::Ollama,
            "plain" | "text" => DialectKind::Plain,
            "gemini" => DialectKind::Gemini,
            "openai-responses" | "responses" => DialectKind::OpenAiResponses,
            "vercel" | "ai-sdk" => DialectKind::Vercel,
            "llamacpp" | "llama.cpp" => DialectKind::LlamaCpp,
            "vercel-legacy" => DialectKind::VercelLegacy,
            _ => return None,
        })
    }

    /// The canonical JS-facing name; `from_name(kind.name()) == Some(kind)`.
    pub fn name(self) -> &'static str {
        match self {
            DialectKind::OpenAiChat => "openai",
            DialectKind::Anthropic => "anthropic",
            DialectKind::Ollama => "ollama",
            DialectKind::Plain => "plain",
            DialectKind::Gemini => "gemini",
            DialectKind::OpenAiResponses => "openai-responses",
            DialectKind::Vercel => "vercel",
            DialectKind::LlamaCpp => "llamacpp",
            DialectKind::VercelLegacy => "vercel-legacy",
        }
    }

    /// The framing this dialect is carried in.
    pub fn framing(self) -> Framing {
        match self {
            DialectKind::OpenAiChat
            | DialectKind::Anthropic
            | DialectKind::Gemini
            | DialectKind::OpenAiResponses
            | DialectKind::Vercel => Framing::Sse,
            // llama.cpp is SSE in form but is read line by line, so that its old `error:` field (which an SSE
            // parser must drop) still reaches the dialect: see `llamacpp`.
            DialectKind::Ollama | DialectKind::LlamaCpp | DialectKind::VercelLegacy => Framing::Ndjson,
            DialectKind::Plain => Framing::Plain,
        }
    }

    /// Makes a fresh reader for this dialect.
    #[cfg(feature = "wire")]
    pub fn reader(self) -> Box<dyn Dialect> {
        match self {
            DialectKind::OpenAiChat => Box::<openai::OpenAiChat>::default(),
            DialectKind::Anthropic => Box::<anthropic::Anthropic>::default(),
            DialectKind::Ollama => Box::<ollama::Ollama>::default(),
            DialectKind::Plain => Box::<plain::Plain>::default(),
            DialectKind::Gemini => Box::<gemini::Gemini>::default(),
            DialectKind::OpenAiResponses => Box::<responses::Responses>::default(),
            DialectKind::Vercel => Box::<vercel::Vercel>::default(),
            DialectKind::LlamaCpp => Box::<llamacpp::LlamaCpp>::default(),
            DialectKind::VercelLegacy => Box::<vercel_legacy::VercelLegacy>::default(),
        }
    }

    /// Picks the dialect for `dialect: "auto"` from the response's `Content-Type` and the start of its body.
    ///
    /// The same as [`DialectKind::detect_with`] with only the content type known; a caller that can read the
    /// response's other headers should use that and pass them as [`Hints`].
    #[cfg(feature = "wire")]
    pub fn detect(content_type: Option<&str>, first_bytes: &str) -> DialectKind {
        DialectKind::detect_with(Hints { content_type, ..Hints::default() }, first_bytes)
    }

    /// Picks the dialect for `dialect: "auto"` from the response's headers and the start of its body.
    ///
    /// `first_bytes` is the decoded start of the body; pass at least the first complete frame (for SSE, up to the
    /// first blank line after a `data:` line — comment lines such as OpenRouter's `: OPENROUTER PROCESSING` may come
    /// first). Only the first [`DETECT_WINDOW`] bytes are looked at. The rules, in order:
    ///
    /// 1. A header that names its protocol decides: `x-vercel-ai-data-stream` → Vercel legacy data stream;
    ///    `x-vercel-ai-ui-message-stream` → Vercel UI message stream.
    /// 2. `application/x-ndjson`, `application/ndjson`, `application/jsonl` → Ollama.
    /// 3. The body speaks for itself (JSON whitespace ignored):
    ///    a first line `X:` + JSON string, object or array, `X` one digit or lowercase letter → Vercel legacy;
    ///    a first line `error: …` (llama.cpp's non-standard SSE field) → llama.cpp;
    ///    `"type":"message_start"` or `event: message_start` → Anthropic;
    ///    `"type":"response.` → OpenAI Responses;
    ///    `"candidates"` → Gemini;
    ///    a UI-message-stream part (`"type":"start"`, `"type":"text-start"`, `"type":"start-step"`, …) → Vercel;
    ///    `"stop":false` or `"stop":true` without `"choices"` → llama.cpp (`/completion`);
    ///    `"choices"` or `"object":"chat.completion.chunk"` → OpenAI chat;
    ///    a line starting with `{` containing `"done":` → Ollama (NDJSON served with another content type).
    /// 4. Otherwise the content type decides: `text/event-stream` → OpenAI chat (the most copied SSE dialect),
    ///    anything else (including none) → plain text.
    ///
    /// SSE body markers are checked only where the framing allows them: they need the body to look like SSE
    /// (a line starting with `data:`, `event:`, `id:` or `:`), so a plain-text answer that *mentions* `"choices"`
    /// stays plain.
    #[cfg(feature = "wire")]
    pub fn detect_with(hints: Hints<'_>, first_bytes: &str) -> DialectKind {
        if hints.vercel_data_stream.is_some_and(|v| !v.trim().is_empty()) {
            return DialectKind::VercelLegacy;
        }
        if hints.vercel_ui_message_stream.is_some_and(|v| !v.trim().is_empty()) {
            return DialectKind::Vercel;
        }
        let mime = hints.content_type.and_then(|ct| ct.split(';').next()).map(str::trim).unwrap_or_default();
        let is_mime = |name: &str| mime.eq_ignore_ascii_case(name);
        if is_mime("application/x-ndjson") || is_mime("application/ndjson") || is_mime("application/jsonl") {
            return DialectKind::Ollama;
        }
        let window = match first_bytes.char_indices().nth(DETECT_WINDOW) {
            Some((cut, _)) => &first_bytes[..cut],
            None => first_bytes,
        };
        let first_line = window.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or_default();
        if looks_like_data_stream_part(first_line) {
            return DialectKind::VercelLegacy;
        }
        if first_line.starts_with("error:") {
            return DialectKind::LlamaCpp;
        }
        let looks_sse = window
            .lines()
            .any(|l| l.starts_with("data:") || l.starts_with("event:") || l.starts_with("id:") || l.starts_with(':'));
        if looks_sse {
            // Compacting once per stream makes the markers independent of each server's JSON spacing.
            let mut compact = String::with_capacity(window.len());
            for c in window.chars().filter(|c| !c.is_ascii_whitespace()) {
                compact.push(c);
            }
            let has = |marker: &str| compact.contains(marker);
            if has(r#""type":"message_start""#) || has("event:message_start") {
                return DialectKind::Anthropic;
            }
            if has(r#""type":"response."#) || has("event:response.") {
                return DialectKind::OpenAiResponses;
            }
            if has(r#""candidates""#) {
                return DialectKind::Gemini;
            }
            const VERCEL_PARTS: [&str; 6] = [
                r#"data:{"type":"start""#,
                r#"data:{"type":"start-step""#,
                r#"data:{"type":"text-start""#,
                r#"data:{"type":"text-delta""#,
                r#"data:{"type":"reasoning-start""#,
                r#"data:{"type":"message-metadata""#,
            ];
            if VERCEL_PARTS.iter().any(|part| has(part)) {
                return DialectKind::Vercel;
            }
            // llama.cpp's own chunks carry a boolean `stop`; its OpenAI-compatible ones carry `choices` instead.
            if (has(r#""stop":false"#) || has(r#""stop":true"#)) && !has(r#""choices""#) {
                return DialectKind::LlamaCpp;
            }
            if has(r#""choices""#) || has(r#""object":"chat.completion.chunk""#) {
                return DialectKind::OpenAiChat;
            }
        } else if window.lines().any(|l| l.trim_start().starts_with('{') && l.contains("\"done\":")) {
            return DialectKind::Ollama;
        }
        if is_mime("text/event-stream") || (looks_sse && mime.is_empty()) {
            DialectKind::OpenAiChat
        } else {
            DialectKind::Plain
        }
    }
}

/// What a response's headers say about its dialect, for [`DialectKind::detect_with`]. Every field is optional:
/// `Hints::default()` knows nothing.
#[cfg(feature = "wire")]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Hints<'a> {
    /// The `Content-Type` header.
    pub content_type: Option<&'a str>,
    /// The `x-vercel-ai-data-stream` header (`"v1"`), which AI SDK 3.x–4.x data streams are required to send.
    pub vercel_data_stream: Option<&'a str>,
    /// The `x-vercel-ai-ui-message-stream` header (`"v1"`), sent with AI SDK 5 UI message streams.
    pub vercel_ui_message_stream: Option<&'a str>,
}

/// Whether `line` looks like a Vercel legacy data stream part: a type id, a colon, then the start of a JSON string,
/// object or array that is valid as far as it goes (the detection window may cut a long first part).
#[cfg(feature = "wire")]
fn looks_like_data_stream_part(line: &str) -> bool {
    let Some((_, payload)) = vercel_legacy::split_part(line) else { return false };
    if !matches!(payload.as_bytes().first(), Some(b'"' | b'{' | b'[')) {
        return false;
    }
    // A complete part parses whole (JSON whitespace after it allowed); a cut one fails only at the end of the text.
    match from_json::<IgnoredAny>(payload) {
        Ok(_) => true,
        Err(e) => e.is_eof(),
    }
}

/// How many characters of the body [`DialectKind::detect`] looks at: enough for any provider's first frame (a
/// Responses `response.created` event is about 1.5 KB), small enough that sniffing stays cheap.
#[cfg(feature = "wire")]
pub const DETECT_WINDOW: usize = 8 * 1024;

/// Reads one provider's frames.
pub trait Dialect {
    /// Translates one frame into zero or more events.
    fn on_frame(&mut self, frame: &Frame, out: &mut Vec<StreamEvent>);
    /// End of input. Dialects whose end *is* EOF (plain text), and those whose provider gave its finish reason but
    /// no end marker (OpenAI chat without `[DONE]`, Gemini, Responses, Vercel), emit their [`StreamEvent::Finish`]
    /// here; a stream cut before either stays without an outcome ("incomplete" for the caller).
    fn on_eof(&mut self, _out: &mut Vec<StreamEvent>) {}
}

/// Describes a frame of the wrong framing (a dialect paired with a framer it does not speak).
pub(crate) fn wrong_framing(dialect: &str, frame: &Frame) -> StreamEvent {
    let got = match frame {
        Frame::Event(_) => "an SSE event",
        Frame::Line(_) => "an NDJSON line",
        Frame::Text(_) => "plain text",
    };
    StreamEvent::Malformed(format!("{dialect} cannot read {got}"))
}
