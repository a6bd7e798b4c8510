//! Headless mode: the patch ops as plain JavaScript objects, for hosts that own their DOM (React, Vue, Svelte).
//!
//! A host passes `onPatch(ops)` and gets arrays of objects such as `{ op: "createElement", id: 3, tag: "p" }`;
//! id 0 is the host's container. The full list is in the TypeScript types (`PatchOp`) and the README.

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::JsValue;

use crate::patch::PatchOp;

/// Converts ops to the plain objects `onPatch` receives.
pub fn ops_to_js(ops: &[PatchOp]) -> Array {
    ops.iter().map(op_to_js).collect()
}

fn op_to_js(op: &PatchOp) -> JsValue {
    let object = Object::new();
    let set = |key: &str, value: JsValue| {
        let _ = Reflect::set(&object, &JsValue::from_str(key), &value);
    };
    let id = |n: u32| JsValue::from(n);
    let text = |s: &str| JsValue::from_str(s);
    let (name, fields): (&str, Vec<(&str, JsValue)>) = match op {
        PatchOp::CreateElement { id: i, tag } => ("createElement", vec![("id", id(*i)), ("tag", text(tag))]),
        PatchOp::CreateText { id: i, text: t } => ("createText", vec![("id", id(*i)), ("text", text(t))]),
        PatchOp::CreateRawHtml { id: i, html } => ("createRawHtml", vec![("id", id(*i)), ("html", text(html))]),
        PatchOp::SetAttribute { id: i, name, value } => {
            ("setAttribute", vec![("id", id(*i)), ("name", text(name)), ("value", text(value))])
        }
        PatchOp::RemoveAttribute { id: i, name } => ("removeAttribute", vec![("id", id(*i)), ("name", text(name))]),
        PatchOp::AppendText { id: i, text: t } => ("appendText", vec![("id", id(*i)), ("text", text(t))]),
        PatchOp::ReplaceText { id: i, start, delete, text: t } => {
            ("replaceText", vec![("id", id(*i)), ("start", id(*start)), ("delete", id(*delete)), ("text", text(t))])
        }
        PatchOp::Append { parent, child } => ("append", vec![("parent", id(*parent)), ("child", id(*child))]),
        PatchOp::Prepend { parent, child } => ("prepend", vec![("parent", id(*parent)), ("child", id(*child))]),
        PatchOp::InsertBefore { parent, child, before } => {
            ("insertBefore", vec![("parent", id(*parent)), ("child", id(*child)), ("before", id(*before))])
        }
        PatchOp::Replace { old, new } => ("replace", vec![("old", id(*old)), ("new", id(*new))]),
        PatchOp::Remove { id: i } => ("remove", vec![("id", id(*i))]),
        PatchOp::Release { id: i } => ("release", vec![("id", id(*i))]),
    };
    set("op", text(name));
    for (key, value) in fields {
        set(key, value);
    }
    object.into()
}
