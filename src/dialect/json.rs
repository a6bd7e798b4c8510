//! Helpers shared by the JSON dialects. Each dialect reads a frame's payload with serde_json ([`from_json`]: every
//! struct from a JSON object) into its own `#[derive(Deserialize)]` structs, which borrow from the frame: strings
//! that are only looked at ([`Tag`]) and JSON values passed on as they are (`&RawValue`: tool-call arguments, error
//! bodies) stay slices of the frame; strings that become events (`String`) are copied once, into the event. Fields a
//! dialect does not declare are skipped without allocating.
//!
//! A field of the wrong JSON type makes the frame [`StreamEvent::Malformed`] (serde_json's message says which
//! and where); a number outside a count's domain reads as absent ([`Count`]).
//!
//! Only with the `wire` feature (on by default), like the JSON dialects themselves.

use std::borrow::Cow;
use std::fmt;

use serde::de::{Deserializer, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;

use super::objects::from_json;
use super::{ProviderError, StreamEvent};

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
