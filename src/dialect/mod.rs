//! Stage ③: dialects. Frames in, [`StreamEvent`]s out.
//!
//! Each provider wraps its tokens differently; a dialect knows one wire vocabulary and its terminal marker.
//! A dialect never fails: a frame it cannot read becomes [`StreamEvent::Malformed`] (counted, the stream goes on),
//! and an event type it does not know becomes [`StreamEvent::Unknown`].

pub mod anthropic;
pub mod gemini;
pub mod llamacpp;
mod objects;
pub mod ollama;
pub mod openai;
pub mod plain;
pub mod responses;
pub mod vercel;
pub mod vercel_legacy;

use std::borrow::Cow;
use std::fmt;

use serde::de::{Deserializer, IgnoredAny, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::frame::{Frame, Framing};
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
    match from_json::<IgnoredAny>(payload) {
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
// Helpers shared by the JSON dialects. Each dialect reads a frame's payload with serde_json ([`from_json`]: every
// struct from a JSON object) into its own `#[derive(Deserialize)]` structs, which borrow from the frame: strings
// that are only looked at ([`Tag`]) and JSON values passed on as they are (`&RawValue`: tool-call arguments, error
// bodies) stay slices of the frame; strings that become events (`String`) are copied once, into the event. Fields a
// dialect does not declare are skipped without allocating.
//
// A field of the wrong JSON type makes the frame [`StreamEvent::Malformed`] (serde_json's message says which
// and where); a number outside a count's domain reads as absent ([`Count`]).

/// How much of an unreadable payload a [`StreamEvent::Malformed`] description quotes: enough to recognise it,
/// never enough to hold a large frame twice.
const QUOTE_LIMIT: usize = 80;

/// Reads one frame's JSON payload into `T`; on failure, the [`StreamEvent::Malformed`] describing it, `what`
/// naming the frame in the description (`"a chunk"`).
pub(crate) fn read<'a, T: Deserialize<'a>>(payload: &'a str, what: &str) -> Result<T, StreamEvent> {
    from_json(payload).map_err(|e| {
        let problem = if e.is_data() { "has an unexpected shape" } else { "is not valid JSON" };
        StreamEvent::Malformed(format!("{what} {problem} ({e}): {}", quote(payload)))
    })
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

/// A string of a frame that is only compared, never kept (an event type, a part kind): borrowed from the frame
/// unless it holds an escape.
#[derive(Debug, Default, Deserialize)]
#[serde(transparent)]
pub(crate) struct Tag<'a>(#[serde(borrow)] Cow<'a, str>);

impl Tag<'_> {
    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }

    pub(crate) fn into_string(self) -> String {
        self.0.into_owned()
    }
}

/// A token count or an index: a JSON number that is a non-negative integer. Another number (`-1`, `1.5`, `1e99`)
/// or `null` reads as absent rather than making the frame, and the text it carries, unreadable; a value that is
/// not a number is still an error of the frame's shape.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Count(pub(crate) Option<u64>);

impl Count {
    /// The count as a `u32` label (a tool-call or block index), saturated: a hostile one must not wrap.
    pub(crate) fn index(self) -> Option<u32> {
        self.0.map(|n| u32::try_from(n).unwrap_or(u32::MAX))
    }
}

impl<'de> Deserialize<'de> for Count {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Count, D::Error> {
        deserializer.deserialize_any(CountVisitor)
    }
}

struct CountVisitor;

impl Visitor<'_> for CountVisitor {
    type Value = Count;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a count (a number)")
    }

    fn visit_u64<E>(self, n: u64) -> Result<Count, E> {
        Ok(Count(Some(n)))
    }

    fn visit_i64<E>(self, n: i64) -> Result<Count, E> {
        Ok(Count(u64::try_from(n).ok()))
    }

    fn visit_f64<E>(self, _: f64) -> Result<Count, E> {
        Ok(Count(None))
    }

    fn visit_unit<E>(self) -> Result<Count, E> {
        Ok(Count(None))
    }
}

/// A [`StreamEvent::Usage`] of two counts.
pub(crate) fn usage(input_tokens: Count, output_tokens: Count) -> StreamEvent {
    StreamEvent::Usage { input_tokens: input_tokens.0, output_tokens: output_tokens.0 }
}

/// Pushes `Text`/`Reasoning` built by `make`, skipping empty deltas: providers pad streams with `""` content
/// (role-only first chunks, empty thinking deltas) that would otherwise reach the renderer as no-op events.
pub(crate) fn push_nonempty(out: &mut Vec<StreamEvent>, text: Option<String>, make: fn(String) -> StreamEvent) {
    if let Some(text) = text.filter(|t| !t.is_empty()) {
        out.push(make(text));
    }
}

/// Whether `raw` is a JSON string (the only kind of value that starts with a quote).
fn is_string(raw: &RawValue) -> bool {
    raw.get().starts_with('"')
}

/// A JSON value as text: a string's contents, anything else exactly as the provider wrote it. For tool arguments,
/// which one API sends as JSON text in a string (OpenAI's `function.arguments`) and another as the JSON value
/// itself (Ollama's, though some models put a string there too), so that neither form is quoted twice.
pub(crate) fn string_or_raw(raw: Option<&RawValue>) -> String {
    match raw {
        Some(raw) if is_string(raw) => from_json(raw.get()).unwrap_or_default(),
        Some(raw) => raw.get().to_owned(),
        None => String::new(),
    }
}

/// A JSON value exactly as the provider wrote it (whitespace and key order included); `null` or absent is empty.
/// Tool-call arguments sent whole (Gemini's `args`, Vercel's `input`) reach the host this way, never
/// re-serialised.
pub(crate) fn raw_text(raw: Option<&RawValue>) -> String {
    raw.map(|raw| raw.get().to_owned()).unwrap_or_default()
}

/// The members of a provider's error object, or of a frame or body that wraps one in `error`, that rillmark
/// reports; each is used only if it has the expected type. One type for every error shape: HTTP error bodies
/// (`src/error.rs`) read it too.
#[derive(Deserialize)]
pub(crate) struct ErrorFields<'a> {
    /// The error object of a frame or body that wraps it (`{"error":{…}}`).
    #[serde(borrow)]
    pub(crate) error: Option<&'a RawValue>,
    #[serde(borrow)]
    pub(crate) message: Option<&'a RawValue>,
    #[serde(borrow)]
    pub(crate) code: Option<&'a RawValue>,
    #[serde(borrow, rename = "type")]
    pub(crate) kind: Option<&'a RawValue>,
}

/// Token counts under the names Anthropic and the OpenAI Responses API both use.
#[derive(Deserialize)]
pub(crate) struct TokenUsage {
    #[serde(default)]
    pub(crate) input_tokens: Count,
    #[serde(default)]
    pub(crate) output_tokens: Count,
}

/// A JSON string's contents, or a number as written (OpenRouter and Gemini send HTTP statuses as codes).
pub(crate) fn string_or_number(raw: Option<&RawValue>) -> Option<String> {
    let raw = raw?;
    match raw.get().as_bytes().first() {
        Some(b'"') => from_json(raw.get()).ok(),
        Some(b'-' | b'0'..=b'9') => Some(raw.get().to_owned()),
        _ => None,
    }
}

/// Reads a provider's error value, whatever shape it came in: an object with `message` and `code`/`type`
/// (OpenAI, Anthropic, Groq, OpenRouter), a bare string (Ollama), or anything else (kept verbatim as the message).
pub(crate) fn provider_error(error: &RawValue) -> ProviderError {
    if is_string(error) {
        return ProviderError { code: None, message: string_or_raw(Some(error)) };
    }
    match from_json::<ErrorFields<'_>>(error.get()) {
        Ok(fields) => error_from_fields(fields.message, fields.code, fields.kind, error.get()),
        Err(_) => ProviderError { code: None, message: error.get().to_owned() },
    }
}

/// A [`ProviderError`] from an error object's `message`, `code` and `type` members; `whole` (the object's text)
/// is the message when there is no string `message`.
pub(crate) fn error_from_fields(
    message: Option<&RawValue>,
    code: Option<&RawValue>,
    kind: Option<&RawValue>,
    whole: &str,
) -> ProviderError {
    // `type` is the fallback because Anthropic puts its machine-readable kind there and OpenAI sends both.
    let code = string_or_number(code).or_else(|| kind.filter(|k| is_string(k)).map(|k| string_or_raw(Some(k))));
    let message = match message.filter(|m| is_string(m)) {
        Some(message) => string_or_raw(Some(message)),
        None => whole.trim().to_owned(),
    };
    ProviderError { code, message }
}

/// An `event: error` frame: its data is usually JSON (`{"error":{…}}` or `{"type":"error","error":{…}}`), but a
/// server in trouble may send plain text, which is then the message.
pub(crate) fn error_event(data: &str) -> ProviderError {
    let data = data.trim();
    let Ok(whole) = from_json::<&RawValue>(data) else {
        return ProviderError { code: None, message: data.to_owned() };
    };
    let inner = from_json::<ErrorFields<'_>>(whole.get()).ok().and_then(|e| e.error);
    provider_error(inner.unwrap_or(whole))
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

    /// A part that starts a call whose arguments follow as deltas.
    pub(crate) fn on_start(&mut self, id: Option<String>, name: Option<String>, out: &mut Vec<StreamEvent>) {
        let id = id.unwrap_or_default();
        let index = self.index(&id, true);
        out.push(StreamEvent::ToolCall { index, id: Some(id), name, arguments: String::new() });
    }

    /// A part with a delta of a call's arguments text.
    pub(crate) fn on_delta(&mut self, id: Option<&str>, delta: Option<String>, out: &mut Vec<StreamEvent>) {
        let index = self.index(id.unwrap_or_default(), true);
        if let Some(delta) = delta.filter(|d| !d.is_empty()) {
            out.push(StreamEvent::ToolCall { index, id: None, name: None, arguments: delta });
        }
    }

    /// A part with a whole call, its arguments a JSON value passed on as sent; skipped if the call was streamed
    /// (its arguments arrived as deltas already).
    pub(crate) fn on_whole(
        &mut self,
        id: Option<String>,
        name: Option<String>,
        arguments: Option<&RawValue>,
        out: &mut Vec<StreamEvent>,
    ) {
        let id = id.unwrap_or_default();
        if self.was_streamed(&id) {
            return;
        }
        let index = self.index(&id, false);
        out.push(StreamEvent::ToolCall { index, id: Some(id), name, arguments: raw_text(arguments) });
    }
}
