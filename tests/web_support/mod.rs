//! The browser tests' shared fixtures (`tests/js/fixtures.js`): containers, outlines, the mutation log, scripted
//! sources, responses and waiting helpers, bound once for every `tests/web*.rs` that says `mod web_support;`.
//!
//! Each test binary compiles this file on its own, so not every binding is used by every binary.
#![allow(dead_code)]

use js_sys::{Array, Promise};
use wasm_bindgen::prelude::*;
use web_sys::{Element, ReadableStream, Response};

#[wasm_bindgen(module = "/tests/js/fixtures.js")]
extern "C" {
    #[wasm_bindgen(js_name = makeContainer)]
    pub fn make_container() -> Element;
    #[wasm_bindgen(js_name = installHtmlWriteSpy)]
    pub fn install_html_write_spy();
    #[wasm_bindgen(js_name = htmlWritesInto)]
    pub fn html_writes_into(container: &Element) -> u32;
    pub fn outline(node: &Element) -> String;
    #[wasm_bindgen(js_name = countSelector)]
    pub fn count_selector(container: &Element, selector: &str) -> u32;
    #[wasm_bindgen(js_name = resourcesMatching)]
    pub fn resources_matching(needle: &str) -> u32;

    pub type MutationLog;
    #[wasm_bindgen(constructor)]
    pub fn new(target: &Element) -> MutationLog;
    #[wasm_bindgen(method)]
    pub fn take(this: &MutationLog) -> u32;
    #[wasm_bindgen(method)]
    pub fn disconnect(this: &MutationLog);

    pub type ScriptedSource;
    #[wasm_bindgen(constructor)]
    pub fn new(chunks: &Array, end: &str) -> ScriptedSource;
    #[wasm_bindgen(method, getter)]
    pub fn stream(this: &ScriptedSource) -> ReadableStream;
    #[wasm_bindgen(method, getter)]
    pub fn pulls(this: &ScriptedSource) -> u32;
    #[wasm_bindgen(method, getter)]
    pub fn delivered(this: &ScriptedSource) -> u32;
    #[wasm_bindgen(method, getter, js_name = cancelCalls)]
    pub fn cancel_calls(this: &ScriptedSource) -> u32;
    #[wasm_bindgen(method, js_name = callOnPull)]
    pub fn call_on_pull(this: &ScriptedSource, n: u32, target: &JsValue, method: &str);
    #[wasm_bindgen(method, getter, js_name = hookCalled)]
    pub fn hook_called(this: &ScriptedSource) -> bool;
    #[wasm_bindgen(method, getter, js_name = hookThrew)]
    pub fn hook_threw(this: &ScriptedSource) -> bool;
    #[wasm_bindgen(method, getter, js_name = hookErrorMessage)]
    pub fn hook_error_message(this: &ScriptedSource) -> String;

    pub type EventRecorder;
    #[wasm_bindgen(constructor)]
    pub fn new(throwing: bool) -> EventRecorder;
    #[wasm_bindgen(method, getter)]
    pub fn callback(this: &EventRecorder) -> js_sys::Function;
    #[wasm_bindgen(method, js_name = callOn)]
    pub fn call_on(this: &EventRecorder, event_type: &str, target: &JsValue, method: &str);
    #[wasm_bindgen(method, getter)]
    pub fn log(this: &EventRecorder) -> String;
    #[wasm_bindgen(method, getter, js_name = hookThrew)]
    pub fn hook_threw(this: &EventRecorder) -> bool;

    #[wasm_bindgen(js_name = makeResponse)]
    pub fn make_response(body: &JsValue, status: u16, content_type: &str) -> Response;
    #[wasm_bindgen(js_name = lockedStream)]
    pub fn locked_stream() -> ReadableStream;
    #[wasm_bindgen(js_name = dataUrl)]
    pub fn data_url(text: &str, content_type: &str) -> String;
    #[wasm_bindgen(js_name = blobUrl)]
    pub fn blob_url(text: &str, content_type: &str) -> String;
    #[wasm_bindgen(js_name = revokedBlobUrl)]
    pub fn revoked_blob_url() -> String;

    pub type BurstSource;
    #[wasm_bindgen(constructor)]
    pub fn new(text: &str, piece_bytes: u32) -> BurstSource;
    #[wasm_bindgen(method, getter)]
    pub fn stream(this: &BurstSource) -> ReadableStream;
    #[wasm_bindgen(method, getter)]
    pub fn pulls(this: &BurstSource) -> u32;
    #[wasm_bindgen(method, getter, js_name = pieceCount)]
    pub fn piece_count(this: &BurstSource) -> u32;
    #[wasm_bindgen(method, getter, js_name = cancelCalls)]
    pub fn cancel_calls(this: &BurstSource) -> u32;

    pub type FrameProbe;
    #[wasm_bindgen(constructor)]
    pub fn new(container: &Element, source: &BurstSource) -> FrameProbe;
    #[wasm_bindgen(method)]
    pub fn stop(this: &FrameProbe);
    #[wasm_bindgen(method, js_name = callAtFrame)]
    pub fn call_at_frame(this: &FrameProbe, n: u32, target: &JsValue, method: &str);
    #[wasm_bindgen(method, getter)]
    pub fn frames(this: &FrameProbe) -> u32;
    #[wasm_bindgen(method, js_name = partialFrames)]
    pub fn partial_frames(this: &FrameProbe, final_text: u32) -> u32;
    #[wasm_bindgen(method, js_name = piecesFollowedByAFrame)]
    pub fn pieces_followed_by_a_frame(this: &FrameProbe, total: u32) -> u32;
    #[wasm_bindgen(method, js_name = framesMidBody)]
    pub fn frames_mid_body(this: &FrameProbe, total: u32) -> u32;
    #[wasm_bindgen(method, getter, js_name = textAtCancel)]
    pub fn text_at_cancel(this: &FrameProbe) -> i32;
    #[wasm_bindgen(method, getter, js_name = mutationsAtCancel)]
    pub fn mutations_at_cancel(this: &FrameProbe) -> f64;

    #[wasm_bindgen(js_name = tryCall)]
    pub fn try_call(target: &JsValue, method: &str, args: &Array) -> JsValue;
    #[wasm_bindgen(js_name = settle)]
    pub fn settle_js(promise: &Promise, ms: u32) -> Promise;
    pub fn quiesce(frames: u32, ms: u32) -> Promise;
    #[wasm_bindgen(js_name = waitUntilAtLeast)]
    pub fn wait_until_at_least(object: &JsValue, property: &str, value: f64, ms: u32) -> Promise;
}
