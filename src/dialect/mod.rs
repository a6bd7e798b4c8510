//! Stage ③: dialects. Frames in, [`StreamEvent`]s out.
//!
//! Each provider wraps its tokens differently; a dialect knows one wire vocabulary and its terminal marker.
//! A dialect never fails: a frame it cannot read becomes [`StreamEvent::Malformed`] (counted, the stream goes on),
//! and an event type it does not know becomes [`StreamEvent::Unknown`].

pub mod anthropic;
pub mod ollama;
pub mod openai;
pub mod plain;

use crate::frame::{Frame, Framing};

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
