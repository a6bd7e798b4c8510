//! Headless mode: the patch ops as plain JavaScript objects, for hosts that own their DOM (React, Vue, Svelte).
//!
//! A host passes `onPatch(ops)` and gets arrays of objects such as `{ op: "createElement", id: 3, tag: "p" }`;
//! id 0 is the host's container. The full list is in the TypeScript types (`PatchOp`) and the README.

use js_sys::{Array, Object};
use wasm_bindgen::JsValue;

use super::api::set_value;
use crate::patch::PatchOp;

/// Converts ops to the plain objects `onPatch` receives.
pub fn ops_to_js(ops: &[PatchOp]) -> Array {
    let array = Array::new();
    for op in ops {
        array.push(&op_to_js(op));
    }
    array
}

fn op_to_js(op: &PatchOp) -> JsValue {
    use Field::{Id, Text};
    // Plain data per op (no allocation), turned into JS values in one place, `object`.
    match op {
        PatchOp::CreateElement { id, tag } => object("createElement", &[("id", Id(*id)), ("tag", Text(tag))]),
        PatchOp::CreateText { id, text } => object("createText", &[("id", Id(*id)), ("text", Text(text))]),
        PatchOp::CreateRawHtml { id, html } => object("createRawHtml", &[("id", Id(*id)), ("html", Text(html))]),
        PatchOp::SetAttribute { id, name, value } => {
            object("setAttribute", &[("id", Id(*id)), ("name", Text(name)), ("value", Text(value))])
        }
        PatchOp::RemoveAttribute { id, name } => object("removeAttribute", &[("id", Id(*id)), ("name", Text(name))]),
        PatchOp::AppendText { id, text } => object("appendText", &[("id", Id(*id)), ("text", Text(text))]),
        PatchOp::ReplaceText { id, start, delete, text } => object(
            "replaceText",
            &[("id", Id(*id)), ("start", Id(*start)), ("delete", Id(*delete)), ("text", Text(text))],
        ),
        PatchOp::Append { parent, child } => object("append", &[("parent", Id(*parent)), ("child", Id(*child))]),
        PatchOp::Prepend { parent, child } => object("prepend", &[("parent", Id(*parent)), ("child", Id(*child))]),
        PatchOp::InsertBefore { parent, child, before } => {
            object("insertBefore", &[("parent", Id(*parent)), ("child", Id(*child)), ("before", Id(*before))])
        }
        PatchOp::Replace { old, new } => object("replace", &[("old", Id(*old)), ("new", Id(*new))]),
        PatchOp::Remove { id } => object("remove", &[("id", Id(*id))]),
        PatchOp::Release { id } => object("release", &[("id", Id(*id))]),
    }
}

/// A field of an op object: a number (node ids, offsets) or a string.
enum Field<'a> {
    Id(u32),
    Text(&'a str),
}

/// `{ op: name, ...fields }`, with `op` first, as hosts see it.
fn object(name: &str, fields: &[(&str, Field<'_>)]) -> JsValue {
    let object = Object::new();
    set_value(&object, "op", &JsValue::from_str(name));
    for (key, value) in fields {
        let value = match value {
            Field::Id(n) => JsValue::from(*n),
            Field::Text(text) => JsValue::from_str(text),
        };
        set_value(&object, key, &value);
    }
    object.into()
}
