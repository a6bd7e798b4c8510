//! Stage ③: dialects. Frames in, [`StreamEvent`]s out.
//!
//! Each provider wraps its tokens differently; a dialect knows one wire vocabulary and its terminal marker.
//! A dialect never fails: a frame it cannot read becomes [`StreamEvent::Malformed`] (counted, the stream goes on),
//! and an event type it does not know becomes [`StreamEvent::Unknown`].

pub mod anthropic;
pub mod ollama;
pub mod openai;
pub mod plain;

use serde_json::Value;

use crate::frame::{Frame, Framing};

/// What a stream says, independent of who said it.
#[derive(Debug, Clone, PartialEq)]
pub enum StreamEvent {
    /// Answer text to render.
    Text(String),
    /// Reasoning ("thinking") text, rendered apart from the answer.
    Reasoning(String),
    /// A piece of a tool call; `arguments` is a delta of the JSON arguments text.
    ToolCall {
        index: u32,
        id: Option<String>,
        name: Option<String>,
        arguments: String,
    },
    /// Token usage as the provider reported it (cumulative where the provider is).
    Usage {
        input_tokens: Option<u64>,
        output_tokens: Option<u64>,
    },
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
}

impl DialectKind {
    /// Parses the JS-facing name (`"openai"`, `"anthropic"`, `"ollama"`, `"plain"`).
    pub fn from_name(name: &str) -> Option<DialectKind> {
        Some(match name {
            "openai" | "openai-chat" => DialectKind::OpenAiChat,
            "anthropic" => DialectKind::Anthropic,
            "ollama" => DialectKind::Ollama,
            "plain" | "text" => DialectKind::Plain,
            _ => return None,
        })
    }

    /// The framing this dialect is carried in.
    pub fn framing(self) -> Framing {
        match self {
            DialectKind::OpenAiChat | DialectKind::Anthropic => Framing::Sse,
            DialectKind::Ollama => Framing::Ndjson,
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
        }
    }
}

/// Reads one provider's frames.
pub trait Dialect {
    /// Translates one frame into zero or more events.
    fn on_frame(&mut self, frame: &Frame, out: &mut Vec<StreamEvent>);
    /// End of input. Dialects whose end *is* EOF (plain text) emit their [`StreamEvent::Finish`] here.
    fn on_eof(&mut self, _out: &mut Vec<StreamEvent>) {}
}

// ---------------------------------------------------------------------------------------------------------------
// Helpers shared by the JSON dialects. Every dialect owns the `Value` it parsed, so strings are *moved* out of it
// (`Value::take`) instead of cloned: the per-frame cost is one parse and no copies of the token text.

/// How much of an unreadable payload a [`StreamEvent::Malformed`] description quotes: enough to recognise it,
/// never enough to hold a large frame twice.
const QUOTE_LIMIT: usize = 80;

/// Parses one frame's JSON payload; on failure, describes the frame for [`StreamEvent::Malformed`].
pub(crate) fn parse_json(payload: &str) -> Result<Value, String> {
    serde_json::from_str(payload).map_err(|e| format!("invalid JSON ({e}): {}", quote(payload)))
}

/// A short, char-boundary-safe excerpt of `text` for diagnostics.
pub(crate) fn quote(text: &str) -> String {
    let text = text.trim();
    match text.char_indices().nth(QUOTE_LIMIT) {
        Some((cut, _)) => format!("{:?}…", &text[..cut]),
        None => format!("{text:?}"),
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
pub(crate) fn take_str(value: &mut Value, key: &str) -> Option<String> {
    match value.get_mut(key).map(Value::take) {
        Some(Value::String(s)) => Some(s),
        _ => None,
    }
}

/// The unsigned integer at `key`, if it is one.
pub(crate) fn get_u64(value: &Value, key: &str) -> Option<u64> {
    value.get(key).and_then(Value::as_u64)
}

/// Pushes `Text`/`Reasoning` built by `make`, skipping empty deltas: providers pad streams with `""` content
/// (role-only first chunks, empty thinking deltas) that would otherwise reach the renderer as no-op events.
pub(crate) fn push_nonempty(
    out: &mut Vec<StreamEvent>,
    text: Option<String>,
    make: fn(String) -> StreamEvent,
) {
    if let Some(text) = text.filter(|t| !t.is_empty()) {
        out.push(make(text));
    }
}

/// Reads a provider's error value, whatever shape it came in: an object with `message` and `code`/`type`
/// (OpenAI, Anthropic, Groq, OpenRouter), a bare string (Ollama), or anything else (kept verbatim as the message).
pub(crate) fn provider_error(mut error: Value) -> ProviderError {
    match error {
        Value::String(message) => ProviderError {
            code: None,
            message,
        },
        Value::Object(_) => {
            // A numeric code (OpenRouter sends HTTP statuses) is still a code; `type` is the fallback because
            // Anthropic puts its machine-readable kind there and OpenAI sends both.
            let code = match error.get("code") {
                Some(Value::String(s)) => Some(s.clone()),
                Some(Value::Number(n)) => Some(n.to_string()),
                _ => error.get("type").and_then(Value::as_str).map(str::to_owned),
            };
            let message = take_str(&mut error, "message").unwrap_or_else(|| error.to_string());
            ProviderError { code, message }
        }
        other => ProviderError {
            code: None,
            message: other.to_string(),
        },
    }
}

/// An `event: error` frame: its data is usually JSON (`{"error":{…}}` or `{"type":"error","error":{…}}`), but a
/// server in trouble may send plain text, which is then the message.
pub(crate) fn error_event(data: &str) -> ProviderError {
    match serde_json::from_str::<Value>(data) {
        Ok(mut v) => match v.get_mut("error").map(Value::take) {
            Some(inner) if !inner.is_null() => provider_error(inner),
            _ => provider_error(v),
        },
        Err(_) => ProviderError {
            code: None,
            message: data.trim().to_owned(),
        },
    }
}
