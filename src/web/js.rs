//! The JavaScript edge: options in, outcomes, events and patch ops out, and reading page objects that may throw.
//!
//! Options are deserialised with serde-wasm-bindgen into [`RendererOptions`] (`#[derive(Deserialize)]`, camelCase,
//! unknown keys refused); what the host receives is serialised from `#[derive(Serialize)]` types into plain objects.
//! The shapes are declared for TypeScript in `rillmark.d.ts` (next to this file), and `tests/web_types.rs` checks
//! that every serialised value matches them.
//!
//! Page objects are untrusted: an `Error` whose `message` getter throws, a `Proxy`, a `RequestInit` with a throwing
//! getter. Everything read from them goes through bindings that catch (`Reflect.get`, `JSON.stringify`), so a throw
//! becomes a value here instead of an exception unwinding through Rust frames.

use js_sys::{Function, JsString, Object, Reflect};
use serde::de::{self, DeserializeOwned};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::dialect::{DialectKind, StreamEvent};
use crate::error::{ErrorKind, StreamError};
use crate::options::{HtmlMode, ImagePolicy, RenderOptions};
use crate::patch::PatchOp;
use crate::pipeline::{DialectChoice, Outcome, StreamStats};

use super::plugins::PluginOptions;

// -------------------------------------------------------------------------------------------------------------------
// Options

/// `new Renderer(container, options)`'s options, as the `.d.ts` declares them. Each field is read by its own
/// deserialiser ([`option`]) so an error names the option; `undefined` is "not given", `null` is a wrong type.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields, expecting = "an options object")]
pub struct RendererOptions {
    #[serde(default, deserialize_with = "fields::gfm")]
    gfm: Option<bool>,
    #[serde(default, deserialize_with = "fields::math")]
    math: Option<MathOption>,
    #[serde(default, rename = "unsafe", deserialize_with = "fields::unsafe_")]
    unsafe_: Option<bool>,
    #[serde(default, deserialize_with = "fields::html")]
    html: Option<Html>,
    #[serde(default, deserialize_with = "fields::images")]
    images: Option<Images>,
    #[serde(default, deserialize_with = "fields::links")]
    links: Option<Links>,
    #[serde(default, deserialize_with = "fields::dialect")]
    dialect: Option<DialectName>,
    #[serde(default, deserialize_with = "fields::on_event")]
    on_event: Option<Callback>,
    #[serde(default, deserialize_with = "fields::on_patch")]
    on_patch: Option<Callback>,
    #[serde(default, deserialize_with = "fields::highlight")]
    highlight: Option<Callback>,
    #[serde(default, deserialize_with = "fields::blocks")]
    blocks: Option<Blocks>,
    #[serde(default, deserialize_with = "fields::code_actions")]
    code_actions: Option<bool>,
    #[serde(default, deserialize_with = "fields::on_block")]
    on_block: Option<Callback>,
}

/// `math`: a boolean (math on or off), or the host's `(tex, { display }, element) => void`, which turns it on.
enum MathOption {
    Flag(bool),
    Render(Function),
}

impl<'de> Deserialize<'de> for MathOption {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value: JsValue = serde_wasm_bindgen::preserve::deserialize(deserializer)?;
        if let Some(flag) = value.as_bool() {
            return Ok(MathOption::Flag(flag));
        }
        value.dyn_into::<Function>().map(MathOption::Render).map_err(|_| de::Error::custom("expected a function"))
    }
}

/// `blocks`: an object of functions by language, `{ mermaid(code, element) { … } }`.
struct Blocks(Vec<(String, Function)>);

impl<'de> Deserialize<'de> for Blocks {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value: JsValue = serde_wasm_bindgen::preserve::deserialize(deserializer)?;
        if !value.is_object() || value.is_function() || js_sys::Array::is_array(&value) {
            return Err(de::Error::custom("expected an object"));
        }
        let keys = object_keys(&value).map_err(|_| de::Error::custom("unreadable keys"))?;
        let mut renderers = Vec::new();
        for key in keys.iter() {
            let renderer = Reflect::get(&value, &key).ok().and_then(|f| f.dyn_into::<Function>().ok());
            match (key.as_string(), renderer) {
                (Some(lang), Some(renderer)) => renderers.push((lang, renderer)),
                _ => return Err(de::Error::custom("expected functions")),
            }
        }
        Ok(Blocks(renderers))
    }
}

/// `stream(source, options)`'s options.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields, expecting = "a stream options object")]
pub struct StreamOptions {
    #[serde(default, deserialize_with = "fields::dialect")]
    dialect: Option<DialectName>,
}

/// `"block"`, `"allow"` or an array of origins. Read by a visitor of its own: an untagged enum would buffer the
/// value into serde's generic `Content` first, which links a large deserialiser for this one option.
enum Images {
    Block,
    Allow,
    Origins(Vec<String>),
}

impl<'de> Deserialize<'de> for Images {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ImagesVisitor;
        impl<'de> de::Visitor<'de> for ImagesVisitor {
            type Value = Images;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("\"block\", \"allow\" or an array of origin strings")
            }
            fn visit_str<E: de::Error>(self, value: &str) -> Result<Images, E> {
                match value {
                    "block" => Ok(Images::Block),
                    "allow" => Ok(Images::Allow),
                    _ => Err(E::invalid_value(de::Unexpected::Str(value), &self)),
                }
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Images, A::Error> {
                let mut origins = Vec::new();
                while let Some(origin) = seq.next_element::<String>()? {
                    origins.push(origin);
                }
                Ok(Images::Origins(origins))
            }
        }
        deserializer.deserialize_any(ImagesVisitor)
    }
}

/// What raw HTML becomes: [`HtmlMode`].
#[derive(Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "kebab-case", expecting = "\"text\", \"sanitize\" or \"trusted\"")]
enum Html {
    Text,
    Sanitize,
    Trusted,
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case", expecting = "\"same-tab\" or \"new-tab\"")]
enum Links {
    SameTab,
    NewTab,
}

/// A dialect name: `"auto"` or one of [`DialectKind::ALL`] (aliases too), checked by [`DialectChoice::from_name`].
struct DialectName(DialectChoice);

impl<'de> Deserialize<'de> for DialectName {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        DialectChoice::from_name(&name)
            .map(DialectName)
            .ok_or_else(|| de::Error::invalid_value(de::Unexpected::Str(&name), &"\"auto\" or a dialect name"))
    }
}

/// A host callback (`onEvent`, `onPatch`): a function, kept as the JS value it is.
struct Callback(Function);

impl<'de> Deserialize<'de> for Callback {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value: JsValue = serde_wasm_bindgen::preserve::deserialize(deserializer)?;
        value.dyn_into::<Function>().map(Callback).map_err(|_| de::Error::custom("expected a function"))
    }
}

/// One deserialiser per option, so that its error names it and says what it expects.
mod fields {
    use super::*;

    macro_rules! option_fields {
        ($($field:ident: $ty:ty = $name:literal, $expects:literal;)*) => {$(
            pub fn $field<'de, D: de::Deserializer<'de>>(deserializer: D) -> Result<Option<$ty>, D::Error> {
                option(deserializer, $name, $expects)
            }
        )*};
    }

    option_fields! {
        gfm: bool = "gfm", "a boolean";
        math: MathOption = "math", "a boolean or a function";
        unsafe_: bool = "unsafe", "a boolean";
        html: Html = "html", "\"text\", \"sanitize\" or \"trusted\"";
        images: Images = "images", "\"block\", \"allow\" or an array of origin strings";
        links: Links = "links", "\"same-tab\" or \"new-tab\"";
        dialect: DialectName = "dialect", "\"auto\" or a dialect name";
        on_event: Callback = "onEvent", "a function";
        on_patch: Callback = "onPatch", "a function";
        highlight: Callback = "highlight", "a function";
        blocks: Blocks = "blocks", "an object of functions by language";
        code_actions: bool = "codeActions", "a boolean";
        on_block: Callback = "onBlock", "a function";
    }
}

/// Reads option `name` as a `T`: `undefined` is "not given"; any other value must be a `T`, or the error says
/// `option "name" must be <expects>` and what serde saw.
fn option<'de, D: de::Deserializer<'de>, T: DeserializeOwned>(
    deserializer: D,
    name: &str,
    expects: &str,
) -> Result<Option<T>, D::Error> {
    let value: JsValue = serde_wasm_bindgen::preserve::deserialize(deserializer)?;
    if value.is_undefined() {
        return Ok(None);
    }
    let mut shown = value_summary(&value);
    if name == "dialect" && value.is_string() {
        // The one list too long for `expects`: every dialect name, built once, only for this error.
        shown.push_str("; use \"auto\" or one of ");
        for (i, kind) in DialectKind::ALL.iter().enumerate() {
            shown.push_str(if i == 0 { "\"" } else { ", \"" });
            shown.push_str(kind.name());
            shown.push('"');
        }
    }
    serde_wasm_bindgen::from_value(value)
        .map(Some)
        .map_err(|_| de::Error::custom(format_args!("option \"{name}\" must be {expects}, got {shown}")))
}

/// A short description of a value for an error message: `42`, `null`, `"foo"`, `an object`.
fn value_summary(value: &JsValue) -> String {
    if let Some(text) = value.as_string() {
        return crate::error::quoted(&text);
    }
    if value.is_object() && !value.is_function() {
        return if js_sys::Array::is_array(value) { "an array".into() } else { "an object".into() };
    }
    if value.is_function() {
        return "a function".into();
    }
    json_text(value).unwrap_or_else(|| "an unprintable value".into())
}

/// The options a renderer runs with, read from the host's options object.
pub struct Parsed {
    pub opts: RenderOptions,
    pub dialect: DialectChoice,
    pub on_event: Option<Function>,
    pub on_patch: Option<Function>,
    pub plugins: PluginOptions,
}

/// Reads `new Renderer()`'s options: `undefined` for the defaults, or an object. The error is a `TypeError`
/// naming the option.
pub fn renderer_options(options: &JsValue) -> Result<Parsed, JsValue> {
    let parsed: RendererOptions = read_options(options)?;
    let mut opts = RenderOptions::default();
    if let Some(gfm) = parsed.gfm {
        opts.gfm = gfm;
    }
    let mut plugins = PluginOptions::default();
    match parsed.math {
        None => {}
        Some(MathOption::Flag(math)) => opts.math = math,
        Some(MathOption::Render(render)) => {
            opts.math = true;
            plugins.math = Some(render);
        }
    }
    plugins.highlight = parsed.highlight.map(|c| c.0);
    plugins.blocks = parsed.blocks.map_or_else(Vec::new, |b| b.0);
    plugins.code_actions = parsed.code_actions.unwrap_or(false);
    plugins.on_block = parsed.on_block.map(|c| c.0);
    if let Some(trusted) = parsed.unsafe_ {
        opts.trusted = trusted;
    }
    // `unsafe: true` is `html: "trusted"` (and more: no URL or image policy for markdown links either); saying both
    // ways differently is a mistake worth a TypeError rather than a guess.
    if let (Some(trusted), Some(html)) = (parsed.unsafe_, parsed.html) {
        if trusted != (html == Html::Trusted) {
            return Err(type_error(&format!(
                "options \"unsafe\" and \"html\" disagree: unsafe: {trusted} with html: \"{}\"",
                match html {
                    Html::Text => "text",
                    Html::Sanitize => "sanitize",
                    Html::Trusted => "trusted",
                }
            )));
        }
    }
    match parsed.html {
        None | Some(Html::Text) => {}
        Some(Html::Sanitize) => opts.html = HtmlMode::Sanitize,
        Some(Html::Trusted) => {
            opts.html = HtmlMode::Trusted;
            opts.trusted = true;
        }
    }
    opts.images = match parsed.images {
        None | Some(Images::Block) => ImagePolicy::Block,
        Some(Images::Allow) => ImagePolicy::Allow,
        Some(Images::Origins(origins)) => ImagePolicy::Origins(origins),
    };
    opts.links_new_tab = matches!(parsed.links, Some(Links::NewTab));
    Ok(Parsed {
        opts,
        dialect: parsed.dialect.map_or(DialectChoice::Auto, |d| d.0),
        on_event: parsed.on_event.map(|c| c.0),
        on_patch: parsed.on_patch.map(|c| c.0),
        plugins,
    })
}

/// Reads `stream()`'s options: the dialect it overrides, if any.
pub fn stream_options(options: &JsValue) -> Result<Option<DialectChoice>, JsValue> {
    let parsed: StreamOptions = read_options(options)?;
    Ok(parsed.dialect.map(|d| d.0))
}

/// Deserialises an options object. It is first copied into a plain object through catching bindings, so a `Proxy`
/// or a throwing getter is a `TypeError` here rather than an exception inside the deserialiser; the copy is read as
/// a map (`Object.entries`), so an unknown key reaches `deny_unknown_fields`.
fn read_options<T: DeserializeOwned + Default>(options: &JsValue) -> Result<T, JsValue> {
    if options.is_undefined() {
        return Ok(T::default());
    }
    if !options.is_object() || options.is_function() || js_sys::Array::is_array(options) {
        return Err(type_error(&format!("options must be an object, got {}", value_summary(options))));
    }
    let copy = plain_copy(options)
        .map_err(|error| type_error(&format!("options could not be read: {}", error_message(&error))))?;
    let deserializer = serde_wasm_bindgen::Deserializer::from(JsValue::from(copy));
    T::deserialize(AsMap(deserializer)).map_err(|error| type_error(&error_message(&error.into())))
}

/// The own enumerable string-keyed properties of `object`, copied into a fresh plain object.
fn plain_copy(object: &JsValue) -> Result<Object, JsValue> {
    let copy = Object::new();
    for key in object_keys(object)?.iter() {
        let value = Reflect::get(object, &key)?;
        Reflect::set(&copy, &key, &value)?;
    }
    Ok(copy)
}

/// serde-wasm-bindgen reads a struct by looking up its declared fields, which never sees an unknown key; read as a
/// map (every entry) instead, so the derived `deny_unknown_fields` can refuse one.
struct AsMap(serde_wasm_bindgen::Deserializer);

impl<'de> de::Deserializer<'de> for AsMap {
    type Error = serde_wasm_bindgen::Error;

    fn deserialize_any<V: de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        self.0.deserialize_any(visitor)
    }

    fn deserialize_struct<V: de::Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0.deserialize_map(visitor)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option unit unit_struct
        newtype_struct seq tuple tuple_struct map enum identifier ignored_any
    }
}

pub fn type_error(message: &str) -> JsValue {
    js_sys::TypeError::new(message).into()
}

// -------------------------------------------------------------------------------------------------------------------
// What the host receives

/// `stats` and the counters of every outcome. Counters are numbers (`f64`): exact up to 2^53.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StatsJs {
    bytes: f64,
    frames: f64,
    malformed: f64,
    unknown: f64,
    /// Blocks the verified finish had to repair (0 unless streaming went wrong somewhere).
    finish_repairs: f64,
    /// Server HTML that `hydrate()` replaced instead of adopting (0 or 1).
    hydration_replaced: f64,
    /// Renders that took a shown word off the screen (0 unless streaming went wrong somewhere).
    shown_text_losses: f64,
    /// Plug-in calls (`highlight`, `math`, `blocks`, `onBlock`) that threw, rejected or answered in the wrong shape.
    plugin_errors: f64,
}

impl StatsJs {
    /// With the plug-in failures counted so far.
    pub fn with_plugin_errors(mut self, errors: u64) -> StatsJs {
        self.plugin_errors = errors as f64;
        self
    }

    pub fn new(stats: StreamStats, finish_repairs: u64, hydration_replaced: u64, shown_text_losses: u64) -> StatsJs {
        StatsJs {
            bytes: stats.bytes as f64,
            frames: stats.frames as f64,
            malformed: stats.malformed as f64,
            unknown: stats.unknown as f64,
            finish_repairs: finish_repairs as f64,
            hydration_replaced: hydration_replaced as f64,
            shown_text_losses: shown_text_losses as f64,
            plugin_errors: 0.0,
        }
    }
}

/// An outcome: `{ status, reason (done) | error (error), bytes, frames, malformed, unknown, finishRepairs,
/// hydrationReplaced, shownTextLosses, text }`.
/// One flat struct rather than a flattened enum: `#[serde(flatten)]` links serde's buffering serialiser.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OutcomeJs<'a> {
    status: &'static str,
    /// `Some(None)` is `reason: null` (a `done` without one); `None` leaves the field out (other statuses).
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<Option<&'a str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<ErrorJs<'a>>,
    bytes: f64,
    frames: f64,
    malformed: f64,
    unknown: f64,
    finish_repairs: f64,
    hydration_replaced: f64,
    shown_text_losses: f64,
    plugin_errors: f64,
    text: &'a str,
}

#[derive(Serialize)]
struct ErrorJs<'a> {
    kind: &'static str,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    code: Option<&'a str>,
}

impl<'a> ErrorJs<'a> {
    fn new(error: &'a StreamError) -> ErrorJs<'a> {
        ErrorJs {
            kind: error.kind.as_str(),
            message: &error.message,
            status: error.status,
            code: error.code.as_deref(),
        }
    }
}

impl<'a> OutcomeJs<'a> {
    pub fn new(outcome: &'a Outcome, stats: StatsJs, text: &'a str) -> OutcomeJs<'a> {
        let (reason, error) = match outcome {
            Outcome::Done { reason } => (Some(reason.as_deref()), None),
            Outcome::Error(error) => (None, Some(ErrorJs::new(error))),
            Outcome::Incomplete | Outcome::Aborted => (None, None),
        };
        OutcomeJs {
            status: outcome.status(),
            reason,
            error,
            bytes: stats.bytes,
            frames: stats.frames,
            malformed: stats.malformed,
            unknown: stats.unknown,
            finish_repairs: stats.finish_repairs,
            hydration_replaced: stats.hydration_replaced,
            shown_text_losses: stats.shown_text_losses,
            plugin_errors: stats.plugin_errors,
            text,
        }
    }
}

/// A stream event as `onEvent` receives it.
#[derive(Serialize)]
#[serde(tag = "type", rename_all = "camelCase")]
enum EventJs<'a> {
    Text {
        text: &'a str,
    },
    Reasoning {
        text: &'a str,
    },
    #[serde(rename_all = "camelCase")]
    ToolCall {
        index: u32,
        #[serde(skip_serializing_if = "Option::is_none")]
        id: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        name: Option<&'a str>,
        arguments: &'a str,
    },
    #[serde(rename_all = "camelCase")]
    Usage {
        #[serde(skip_serializing_if = "Option::is_none")]
        input_tokens: Option<f64>,
        #[serde(skip_serializing_if = "Option::is_none")]
        output_tokens: Option<f64>,
    },
    Finish {
        reason: Option<&'a str>,
    },
    Error {
        message: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        code: Option<&'a str>,
    },
    Unknown {
        name: &'a str,
    },
    Malformed {
        detail: &'a str,
    },
}

impl<'a> EventJs<'a> {
    fn new(event: &'a StreamEvent) -> EventJs<'a> {
        match event {
            StreamEvent::Text(text) => EventJs::Text { text },
            StreamEvent::Reasoning(text) => EventJs::Reasoning { text },
            StreamEvent::ToolCall { index, id, name, arguments } => {
                EventJs::ToolCall { index: *index, id: id.as_deref(), name: name.as_deref(), arguments }
            }
            StreamEvent::Usage { input_tokens, output_tokens } => EventJs::Usage {
                input_tokens: input_tokens.map(|n| n as f64),
                output_tokens: output_tokens.map(|n| n as f64),
            },
            StreamEvent::Finish { reason } => EventJs::Finish { reason: reason.as_deref() },
            StreamEvent::Error(error) => EventJs::Error { message: &error.message, code: error.code.as_deref() },
            StreamEvent::Unknown(name) => EventJs::Unknown { name },
            StreamEvent::Malformed(detail) => EventJs::Malformed { detail },
        }
    }
}

/// A headless patch op as `onPatch` receives it: `{ op, ...fields }`.
#[derive(Serialize)]
#[serde(tag = "op", rename_all = "camelCase")]
enum OpJs<'a> {
    CreateElement { id: u32, tag: &'a str },
    CreateText { id: u32, text: &'a str },
    CreateRawHtml { id: u32, html: &'a str },
    SetAttribute { id: u32, name: &'a str, value: &'a str },
    RemoveAttribute { id: u32, name: &'a str },
    AppendText { id: u32, text: &'a str },
    ReplaceText { id: u32, start: u32, delete: u32, text: &'a str },
    Append { parent: u32, child: u32 },
    Prepend { parent: u32, child: u32 },
    InsertBefore { parent: u32, child: u32, before: u32 },
    Replace { old: u32, new: u32 },
    Remove { id: u32 },
    Release { id: u32 },
}

impl<'a> OpJs<'a> {
    fn new(op: &'a PatchOp) -> OpJs<'a> {
        match op {
            PatchOp::CreateElement { id, tag } => OpJs::CreateElement { id: *id, tag },
            PatchOp::CreateText { id, text } => OpJs::CreateText { id: *id, text },
            PatchOp::CreateRawHtml { id, html } => OpJs::CreateRawHtml { id: *id, html },
            PatchOp::SetAttribute { id, name, value } => OpJs::SetAttribute { id: *id, name, value },
            PatchOp::RemoveAttribute { id, name } => OpJs::RemoveAttribute { id: *id, name },
            PatchOp::AppendText { id, text } => OpJs::AppendText { id: *id, text },
            PatchOp::ReplaceText { id, start, delete, text } => {
                OpJs::ReplaceText { id: *id, start: *start, delete: *delete, text }
            }
            PatchOp::Append { parent, child } => OpJs::Append { parent: *parent, child: *child },
            PatchOp::Prepend { parent, child } => OpJs::Prepend { parent: *parent, child: *child },
            PatchOp::InsertBefore { parent, child, before } => {
                OpJs::InsertBefore { parent: *parent, child: *child, before: *before }
            }
            PatchOp::Replace { old, new } => OpJs::Replace { old: *old, new: *new },
            PatchOp::Remove { id } => OpJs::Remove { id: *id },
            PatchOp::Release { id } => OpJs::Release { id: *id },
        }
    }
}

/// Plain objects, `None` as `null` where a field is declared `T | null` (the others skip it).
fn to_js(value: &impl Serialize) -> JsValue {
    let serializer = serde_wasm_bindgen::Serializer::new().serialize_missing_as_null(true);
    // These types hold only strings, numbers, options and nested structs: serialising them cannot fail.
    value.serialize(&serializer).unwrap_or(JsValue::UNDEFINED)
}

pub fn outcome_js(outcome: &Outcome, stats: StatsJs, text: &str) -> JsValue {
    to_js(&OutcomeJs::new(outcome, stats, text))
}

pub fn stats_js(stats: StatsJs) -> JsValue {
    to_js(&stats)
}

pub fn event_js(event: &StreamEvent) -> JsValue {
    to_js(&EventJs::new(event))
}

/// The ops `onPatch` receives: an array of plain objects.
pub fn ops_js(ops: &[PatchOp]) -> JsValue {
    let ops: Vec<OpJs<'_>> = ops.iter().map(OpJs::new).collect();
    to_js(&ops)
}

// -------------------------------------------------------------------------------------------------------------------
// Reading page objects that may throw

#[wasm_bindgen]
extern "C" {
    /// `Object.keys(value)`, catching what a `Proxy`'s `ownKeys` trap throws.
    #[wasm_bindgen(catch, js_namespace = Object, js_name = keys)]
    fn object_keys(value: &JsValue) -> Result<js_sys::Array, JsValue>;
}

/// `JSON.stringify(value)` as text, `None` when it throws or gives `undefined`.
fn json_text(value: &JsValue) -> Option<String> {
    js_sys::JSON::stringify(value).ok().and_then(|json| json.as_string())
}

/// The message of a JS exception or rejection value: an `Error`'s `message`, a string as it is, anything else as
/// JSON (`42`, `{"code":1}`), and what none of these can show (a throwing getter, a `Proxy`, `undefined`) as
/// "unknown error". Never throws.
pub fn error_message(error: &JsValue) -> String {
    if let Some(text) = error.as_string() {
        return text;
    }
    if error.is_object() {
        if let Some(message) = Reflect::get(error, &JsValue::from_str("message")).ok().and_then(|m| m.as_string()) {
            let name = Reflect::get(error, &JsValue::from_str("name")).ok().and_then(|n| n.as_string());
            return match name {
                Some(name) if name != "Error" && !name.is_empty() && !message.is_empty() => {
                    format!("{name}: {message}")
                }
                _ => message,
            };
        }
    }
    json_text(error).filter(|json| json != "{}").unwrap_or_else(|| "unknown error".into())
}

/// Whether `value` is a DOM element by its `nodeType` (1), read without throwing: an element of another realm fails
/// `instanceof Element`.
pub fn is_element_node(value: &JsValue) -> bool {
    value.is_object() && Reflect::get(value, &JsValue::from_str("nodeType")).ok().and_then(|t| t.as_f64()) == Some(1.0)
}

/// Whether a rejection is the `AbortError` of an aborted fetch or body (its `name`, read without throwing).
pub fn is_abort_error(error: &JsValue) -> bool {
    error.is_object()
        && Reflect::get(error, &JsValue::from_str("name")).ok().and_then(|n| n.as_string()).as_deref()
            == Some("AbortError")
}

/// A failed body read: an abort the host made (its own signal) is `None` (the outcome is `aborted`); anything else
/// is a network error.
pub fn read_failure(error: &JsValue) -> Option<StreamError> {
    (!is_abort_error(error)).then(|| StreamError::new(ErrorKind::Network, error_message(error)))
}

/// A chunk of a body or host-made stream.
pub enum Chunk {
    Bytes(Vec<u8>),
    Text(JsString),
}

/// Reads a stream chunk: a string, an `ArrayBuffer`, or any `ArrayBufferView` (`Uint8Array`, `DataView`,
/// `Int16Array`…) as the bytes it views. Anything else is a usage error: silently dropping it would lose text.
pub fn chunk(value: JsValue) -> Result<Chunk, StreamError> {
    if value.is_string() {
        return Ok(Chunk::Text(value.unchecked_into()));
    }
    if let Some(bytes) = value.dyn_ref::<js_sys::Uint8Array>() {
        return Ok(Chunk::Bytes(bytes.to_vec()));
    }
    if let Some(buffer) = value.dyn_ref::<js_sys::ArrayBuffer>() {
        return Ok(Chunk::Bytes(js_sys::Uint8Array::new(buffer).to_vec()));
    }
    if js_sys::ArrayBuffer::is_view(&value) {
        let view: &js_sys::Uint8Array = value.unchecked_ref(); // only its `buffer`, offset and length are read
        let bytes =
            js_sys::Uint8Array::new_with_byte_offset_and_length(&view.buffer(), view.byte_offset(), view.byte_length());
        return Ok(Chunk::Bytes(bytes.to_vec()));
    }
    let kind = if value.is_null() { "null".into() } else { value.js_typeof().as_string().unwrap_or_default() };
    Err(StreamError::new(
        ErrorKind::Usage,
        format!("a stream chunk must be a string, an ArrayBuffer or an ArrayBufferView (e.g. Uint8Array), got {kind}"),
    ))
}

/// Joins UTF-16 surrogate pairs split across string chunks: a chunk ending in a high surrogate keeps it back until
/// the next one (a pair converted half by half would be two U+FFFD).
#[derive(Default)]
pub struct SurrogateCarry {
    high: Option<u32>,
}

impl SurrogateCarry {
    /// The text of `chunk` with a held high surrogate in front, less a high surrogate at its end (held back).
    pub fn take(&mut self, chunk: &JsString) -> String {
        let mut chunk = match self.high.take() {
            Some(high) => JsString::from_char_code1(high).concat(chunk),
            None => chunk.clone(),
        };
        let length = chunk.length();
        if length > 0 {
            let last = chunk.char_code_at(length - 1) as u32;
            if (0xD800..0xDC00).contains(&last) {
                self.high = Some(last);
                chunk = chunk.slice(0, length - 1);
            }
        }
        String::from(chunk)
    }

    /// At the end: a high surrogate still held had no pair (U+FFFD, as a lone one converts).
    pub fn finish(&mut self) -> &'static str {
        if self.high.take().is_some() {
            "\u{FFFD}"
        } else {
            ""
        }
    }
}
