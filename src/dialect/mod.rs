//! Stage ③: dialects. Frames in, [`StreamEvent`]s out.
//!
//! Each provider wraps its tokens differently; a dialect knows one wire vocabulary and its terminal marker.
//! A dialect never fails: a frame it cannot read becomes [`StreamEvent::Malformed`] (counted, the stream goes on),
//! and an event type it does not know becomes [`StreamEvent::Unknown`].

pub mod anthropic;
pub mod gemini;
pub mod llamacpp;
pub mod ollama;
pub mod openai;
pub mod plain;
pub mod responses;
pub mod vercel;
pub mod vercel_legacy;

use crate::frame::{Frame, Framing};
use crate::json::Json;

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
fn looks_like_data_stream_part(line: &str) -> bool {
    let Some((_, payload)) = vercel_legacy::split_part(line) else { return false };
    if !matches!(payload.as_bytes().first(), Some(b'"' | b'{' | b'[')) {
        return false;
    }
    // A complete part parses whole (JSON whitespace after it allowed); a cut one fails only at the end of the text.
    match Json::parse(payload) {
        Ok(_) => true,
        Err(e) => e.is_eof(),
    }
}

/// How many characters of the body [`DialectKind::detect`] looks at: enough for any provider's first frame (a
/// Responses `response.created` event is about 1.5 KB), small enough that sniffing stays cheap.
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

// ---------------------------------------------------------------------------------------------------------------
// Helpers shared by the JSON dialects. A frame's `Json` borrows its strings from the frame (an escaped one is
// unescaped into its own buffer) and strings are *moved* out of it (`Json::take`): the per-frame cost is one parse
// and one copy of the token text, into the event.

/// How much of an unreadable payload a [`StreamEvent::Malformed`] description quotes: enough to recognise it,
/// never enough to hold a large frame twice.
const QUOTE_LIMIT: usize = 80;

/// Parses one frame's JSON payload; on failure, describes the frame for [`StreamEvent::Malformed`].
pub(crate) fn parse_json(payload: &str) -> Result<Json<'_>, String> {
    Json::parse(payload).map_err(|e| format!("invalid JSON ({e}): {}", quote(payload)))
}

/// Parses a payload that must be a JSON object; otherwise the [`StreamEvent::Malformed`] describing it, `what`
/// naming the frame in the description (`"a chunk"`).
pub(crate) fn parse_object<'a>(payload: &'a str, what: &str) -> Result<Json<'a>, StreamEvent> {
    match parse_json(payload) {
        Ok(value @ Json::Obj(_)) => Ok(value),
        Ok(_) => Err(StreamEvent::Malformed(format!("{what} is not an object: {}", quote(payload)))),
        Err(why) => Err(StreamEvent::Malformed(why)),
    }
}

/// A short, char-boundary-safe excerpt of `text` for diagnostics.
pub(crate) fn quote(text: &str) -> String {
    let text = text.trim();
    match text.char_indices().nth(QUOTE_LIMIT) {
        Some((cut, _)) => crate::error::quoted(&text[..cut]) + "…",
        None => crate::error::quoted(text),
    }
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

/// Moves the string at `key` out of `value`, if it is one.
pub(crate) fn take_str(value: &mut Json<'_>, key: &str) -> Option<String> {
    match value.get_mut(key).map(Json::take) {
        Some(Json::Str(s)) => Some(s.into_owned()),
        _ => None,
    }
}

/// The unsigned integer at `key`, if it is one.
pub(crate) fn get_u64(value: &Json<'_>, key: &str) -> Option<u64> {
    value.get(key).and_then(Json::as_u64)
}

/// Pushes `Text`/`Reasoning` built by `make`, skipping empty deltas: providers pad streams with `""` content
/// (role-only first chunks, empty thinking deltas) that would otherwise reach the renderer as no-op events.
pub(crate) fn push_nonempty(out: &mut Vec<StreamEvent>, text: Option<String>, make: fn(String) -> StreamEvent) {
    if let Some(text) = text.filter(|t| !t.is_empty()) {
        out.push(make(text));
    }
}

/// Reads a provider's error value, whatever shape it came in: an object with `message` and `code`/`type`
/// (OpenAI, Anthropic, Groq, OpenRouter), a bare string (Ollama), or anything else (kept verbatim as the message).
pub(crate) fn provider_error(mut error: Json<'_>) -> ProviderError {
    match error {
        Json::Str(message) => ProviderError { code: None, message: message.into_owned() },
        Json::Obj(_) => {
            // A numeric code (OpenRouter sends HTTP statuses) is still a code; `type` is the fallback because
            // Anthropic puts its machine-readable kind there and OpenAI sends both.
            let code = match error.get("code") {
                Some(Json::Str(s)) => Some(s.to_string()),
                Some(n @ Json::Num(_)) => Some(n.to_json()),
                _ => error.get("type").and_then(Json::as_str).map(str::to_owned),
            };
            let message = take_str(&mut error, "message").unwrap_or_else(|| error.to_json());
            ProviderError { code, message }
        }
        other => ProviderError { code: None, message: other.to_json() },
    }
}

/// An `event: error` frame: its data is usually JSON (`{"error":{…}}` or `{"type":"error","error":{…}}`), but a
/// server in trouble may send plain text, which is then the message.
pub(crate) fn error_event(data: &str) -> ProviderError {
    match Json::parse(data) {
        Ok(mut v) => match v.get_mut("error").map(Json::take) {
            Some(inner) if !inner.is_null() => provider_error(inner),
            _ => provider_error(v),
        },
        Err(_) => ProviderError { code: None, message: data.trim().to_owned() },
    }
}

/// Tool calls identified by string ids (Vercel streams), numbered in order of first sight; remembers which ones
/// streamed their input as deltas (so a later complete copy is not announced twice).
#[derive(Debug, Default)]
pub(crate) struct ToolIds(Vec<(String, bool)>);

impl ToolIds {
    /// The index of `id`, registering it on first sight; `streamed` marks that its input arrives as deltas.
    pub(crate) fn index(&mut self, id: &str, streamed: bool) -> u32 {
        let slot = match self.0.iter().position(|(known, _)| known == id) {
            Some(slot) => slot,
            None => {
                self.0.push((id.to_owned(), streamed));
                self.0.len() - 1
            }
        };
        self.0[slot].1 |= streamed;
        u32::try_from(slot).unwrap_or(u32::MAX)
    }

    /// Whether `id` streamed its input as deltas.
    pub(crate) fn was_streamed(&self, id: &str) -> bool {
        self.0.iter().any(|(known, streamed)| known == id && *streamed)
    }

    /// A part that starts a call (`toolCallId`, `toolName`) whose arguments follow as deltas.
    pub(crate) fn on_start(&mut self, part: &mut Json<'_>, out: &mut Vec<StreamEvent>) {
        let id = take_str(part, "toolCallId").unwrap_or_default();
        let index = self.index(&id, true);
        let name = take_str(part, "toolName");
        out.push(StreamEvent::ToolCall { index, id: Some(id), name, arguments: String::new() });
    }

    /// A part with a delta of a call's arguments text at `delta_key`.
    pub(crate) fn on_delta(&mut self, part: &mut Json<'_>, delta_key: &str, out: &mut Vec<StreamEvent>) {
        let id = take_str(part, "toolCallId").unwrap_or_default();
        let index = self.index(&id, true);
        if let Some(delta) = take_str(part, delta_key).filter(|d| !d.is_empty()) {
            out.push(StreamEvent::ToolCall { index, id: None, name: None, arguments: delta });
        }
    }

    /// A part with a whole call, its arguments a JSON value at `arguments_key`; skipped if the call was streamed
    /// (its arguments arrived as deltas already).
    pub(crate) fn on_whole(&mut self, part: &mut Json<'_>, arguments_key: &str, out: &mut Vec<StreamEvent>) {
        let id = take_str(part, "toolCallId").unwrap_or_default();
        if self.was_streamed(&id) {
            return;
        }
        let index = self.index(&id, false);
        let arguments = match part.get(arguments_key) {
            Some(arguments) if !arguments.is_null() => arguments.to_json(),
            _ => String::new(),
        };
        let name = take_str(part, "toolName");
        out.push(StreamEvent::ToolCall { index, id: Some(id), name, arguments });
    }
}
