//! Headless mode in a real browser: `onPatch` receives plain-object patch ops that a host applies to its own DOM.
#![cfg(target_arch = "wasm32")]

use js_sys::{Array, Function, Object, Reflect};
use rillmark::web::Renderer;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(module = "/tests/js/headless_applier.js")]
extern "C" {
    #[wasm_bindgen(js_name = makeApplier)]
    fn make_applier(container: &web_sys::Element) -> Function;
    #[wasm_bindgen(js_name = collectInto)]
    fn collect_into(list: &Array) -> Function;
    #[wasm_bindgen(js_name = watchErrors)]
    fn watch_errors() -> Array;
    #[wasm_bindgen(js_name = afterFrames)]
    fn after_frames(n: u32) -> js_sys::Promise;
}

fn div() -> web_sys::Element {
    let document = web_sys::window().and_then(|w| w.document()).expect("a browser test has a document");
    let el = document.create_element("div").expect("should create a div");
    document.body().expect("a body").append_child(&el).expect("should attach the div");
    el
}

fn options(key: &str, value: &JsValue) -> JsValue {
    let object = Object::new();
    Reflect::set(&object, &JsValue::from_str(key), value).expect("should set the option");
    object.into()
}

const ANSWER: &[&str] = &[
    "# Tit",
    "le\n\nSome **bo",
    "ld** and `co",
    "de`, a [li",
    "nk](https://example.com).\n\n- one\n- t",
    "wo\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```rust\nfn main() {}\n```\n\nSee [late].\n\n[late]: /x\n",
];

#[wasm_bindgen_test]
fn headless_ops_build_the_same_dom_as_the_dom_mode() {
    let host = div();
    let applier = make_applier(&host);
    let headless = Renderer::new(JsValue::NULL, options("onPatch", &applier)).expect("headless renderer");
    let direct_el = div();
    let direct = Renderer::new(direct_el.clone().into(), JsValue::UNDEFINED).expect("DOM renderer");
    for piece in ANSWER {
        headless.write(piece).expect("write");
        headless.flush();
        direct.write(piece).expect("write");
        direct.flush();
        assert_eq!(host.inner_html(), direct_el.inner_html(), "the host's DOM should match after {piece:?}");
    }
    headless.finish().expect("finish() should end the written answer");
    direct.finish().expect("finish() should end the written answer");
    assert_eq!(host.inner_html(), direct_el.inner_html(), "the host's final DOM should match the DOM mode's");
    assert!(host.inner_html().contains("<table>"), "the answer should have rendered: {}", host.inner_html());
}

#[wasm_bindgen_test]
fn ops_are_plain_objects_with_an_op_name() {
    let list = Array::new();
    let renderer = Renderer::new(JsValue::NULL, options("onPatch", &collect_into(&list))).expect("headless renderer");
    renderer.write("Hello **world**").expect("write");
    renderer.flush();
    assert!(list.length() > 0, "onPatch should have received ops");
    let first = list.get(0);
    let op = Reflect::get(&first, &JsValue::from_str("op")).ok().and_then(|v| v.as_string());
    assert_eq!(op.as_deref(), Some("createElement"), "the first op should create the paragraph");
    assert!(renderer.mutations() > 0.0, "mutations should count the ops handed to the host");
}

#[wasm_bindgen_test]
fn a_renderer_needs_a_container_or_on_patch() {
    assert!(
        Renderer::new(JsValue::NULL, JsValue::UNDEFINED).is_err(),
        "no container and no onPatch should be an error"
    );
}

#[wasm_bindgen_test]
async fn freeing_a_renderer_right_after_finish_leaves_no_frame_behind() {
    let errors = watch_errors();
    for _ in 0..5 {
        let renderer = Renderer::new(div().into(), JsValue::UNDEFINED).expect("renderer");
        renderer.write("# Done\n\nText that would render on the next frame").expect("write");
        renderer.finish().expect("finish() should end the written answer");
        drop(renderer); // what `free()` does from JavaScript
    }
    wasm_bindgen_futures::JsFuture::from(after_frames(3)).await.expect("frames");
    assert_eq!(errors.length(), 0, "no queued frame should call a freed renderer: {:?}", errors.to_vec());
}
