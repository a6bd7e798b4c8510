//! How a stream can fail, as types. Every failure keeps what was already rendered.

use std::fmt;

#[cfg(feature = "wire")]
use serde_json::value::RawValue;

#[cfg(feature = "wire")]
use crate::dialect::{from_json, string_or_number, ErrorFields};

/// What kind of failure ended a stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The server answered with a non-2xx status.
    Http,
    /// The provider reported an error inside the stream.
    Provider,
    /// The connection failed or the body could not be read.
    Network,
    /// A line of the stream exceeded the framing bound.
    Overflow,
    /// The host misused the API (e.g. a second stream on a busy renderer).
    Usage,
}

impl ErrorKind {
    /// The name the JavaScript API reports (`error.kind`).
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Http => "http",
            ErrorKind::Provider => "provider",
            ErrorKind::Network => "network",
            ErrorKind::Overflow => "overflow",
            ErrorKind::Usage => "usage",
        }
    }
}

/// A failure that ended a stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamError {
    pub kind: ErrorKind,
    pub message: String,
    /// The HTTP status, for [`ErrorKind::Http`].
    pub status: Option<u16>,
    /// The provider's error type or code, when it gave one.
    pub code: Option<String>,
}

impl StreamError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> StreamError {
        StreamError { kind, message: message.into(), status: None, code: None }
    }

    /// An error for a non-2xx response, with the provider's message pulled out of the body when it has one.
    #[cfg(feature = "wire")]
    pub fn from_http(status: u16, status_text: &str, body: &str) -> StreamError {
        let (message, code) = provider_message(body);
        let message = match message {
            Some(message) => format!("HTTP {status}: {message}"),
            None if body.trim().is_empty() => format!("HTTP {status} {status_text}").trim_end().to_owned(),
            None => format!("HTTP {status}: {}", truncate(body.trim(), 500)),
        };
        StreamError { kind: ErrorKind::Http, message, status: Some(status), code }
    }
}

impl fmt::Display for StreamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} error: {}", self.kind.as_str(), self.message)
    }
}

impl std::error::Error for StreamError {}

/// The message and code of an error body or object: `type` before `code` (OpenAI sends both; its `type` is the
/// more telling).
#[cfg(feature = "wire")]
fn message_and_code(fields: &ErrorFields<'_>) -> (Option<String>, Option<String>) {
    (string_or_number(fields.message), string_or_number(fields.kind).or_else(|| string_or_number(fields.code)))
}

/// Finds the human-readable message and code in the JSON error bodies providers send:
/// `{"error":{"message","type"|"code"}}` (OpenAI, Anthropic, Gemini), `{"error":"…"}` (Ollama), `{"message":"…"}`.
#[cfg(feature = "wire")]
pub fn provider_message(body: &str) -> (Option<String>, Option<String>) {
    let body = body.trim();
    // Gemini wraps errors in a one-element array when streaming.
    let body = match from_json::<[&RawValue; 1]>(body) {
        Ok([only]) => only.get(),
        Err(_) => body,
    };
    let Ok(fields) = from_json::<ErrorFields<'_>>(body) else { return (None, None) };
    match fields.error {
        Some(error) if error.get().starts_with('"') => (string_or_number(Some(error)), None),
        Some(error) if error.get().starts_with('{') => match from_json::<ErrorFields<'_>>(error.get()) {
            Ok(inner) => message_and_code(&inner),
            Err(_) => (None, None),
        },
        _ => message_and_code(&fields),
    }
}

#[cfg(feature = "wire")]
fn truncate(text: &str, max_chars: usize) -> &str {
    match text.char_indices().nth(max_chars) {
        Some((at, _)) => &text[..at],
        None => text,
    }
}

/// `text` in double quotes, with the escapes `{:?}` writes for quotes, backslashes and control characters, for
/// diagnostics that quote input. Written out because `{:?}` on a `str` links core's escaping routines and its table
/// of printable characters (about 3 KB of wasm) for messages alone; unlike `{:?}`, other invisible characters
/// (a zero-width space, a lone combining mark) are kept as they are.
pub fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\0' => out.push_str("\\0"),
            c if c.is_control() => {
                out.push_str("\\u{");
                let code = c as u32;
                let digits = (32 - code.leading_zeros()).div_ceil(4).max(1);
                for shift in (0..digits).rev() {
                    out.push(char::from_digit((code >> (shift * 4)) & 0xF, 16).unwrap_or('0'));
                }
                out.push('}');
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::quoted;

    #[test]
    fn quoting_matches_debug_for_text_and_control_characters() {
        for text in [
            "",
            "plain",
            "{\"a\": \"b\\c\"}",
            "tab\there\nline\r\0end",
            "bell \u{7} esc \u{1b} del \u{7f}",
            "Grüße, 日本, 😀",
            "\u{85}",
        ] {
            assert_eq!(quoted(text), format!("{text:?}"), "quoting {text:?}");
        }
    }
}
