//! `renderer.update(fullText)` in a real browser: the whole answer text so far, as a framework component or the AI
//! SDK's `useChat` hands it over on every change. Growing text ends as the one-shot render; a replaced text resets;
//! an edit keeps the blocks before it (same nodes, counted mutations); update after finish; the status.
//!
//! Runs in headless Chromium and Firefox (`wasm_bindgen_test_configure!(run_in_browser)`); fixtures in
//! `tests/js/fixtures.js`.

#![cfg(target_arch = "wasm32")]

use js_sys::Reflect;
use rillmark::web::Renderer;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;
use web_sys::{Element, Node};

wasm_bindgen_test_configure!(run_in_browser);

mod web_support;
use web_support::*;

const ANSWER: &str =
    "# Release notes\n\nThis release adds **streaming** of `update()` text, with a [link](https://example.com).\n\n\
- first item\n- second item with *emphasis*\n\n```rust\nfn main() {\n    println!(\"hi\");\n}\n```\n\n\
| a | b |\n|---|---|\n| 1 | 2 |\n\nA footnote[^n] and a last paragraph.\n\n[^n]: The note.\n";

fn renderer() -> (Element, Renderer) {
    let container = make_container();
    let renderer = Renderer::new(container.clone().into(), JsValue::UNDEFINED).expect("new Renderer() should succeed");
    (container, renderer)
}

/// The HTML a new renderer ends with for `text` written at once and finished.
fn one_shot(text: &str) -> String {
    let (container, r) = renderer();
    r.write(text).unwrap();
    r.finish().unwrap();
    let html = container.inner_html();
    container.remove();
    html
}

/// The HTML a new renderer shows for `text` written at once, after one render (not finished).
fn shown_by_a_new_renderer(text: &str) -> String {
    let (container, r) = renderer();
    r.write(text).unwrap();
    r.flush();
    let html = container.inner_html();
    r.cancel();
    container.remove();
    html
}

fn update(r: &Renderer, text: &str) {
    r.update(text.into()).unwrap_or_else(|e| panic!("update() should accept the text, threw {e:?}"));
}

fn error_message(error: JsValue) -> String {
    Reflect::get(&error, &"message".into()).ok().and_then(|m| m.as_string()).unwrap_or_default()
}

fn child(container: &Element, index: u32) -> Node {
    container.child_nodes().item(index).unwrap_or_else(|| panic!("the container should have a child {index}"))
}

#[wasm_bindgen_test]
fn growing_text_given_whole_ends_as_the_one_shot_render_and_shows_every_step() {
    let (container, r) = renderer();
    let chars: Vec<(usize, char)> = ANSWER.char_indices().collect();
    let mut seen_words = 0;
    for (step, &(at, c)) in chars.iter().enumerate() {
        let end = at + c.len_utf8();
        update(&r, &ANSWER[..end]);
        if step % 7 == 0 {
            r.flush();
            assert_eq!(r.status(), "writing", "the status while text is given should be writing");
            let text = container.text_content().unwrap_or_default();
            let words = text.split_whitespace().count();
            assert!(words + 3 >= seen_words, "shown words should not vanish as the text grows: {text:?}");
            seen_words = seen_words.max(words);
        }
    }
    assert_eq!(r.text(), ANSWER, "the text getter should hold the whole text given");
    let outcome = r.finish().unwrap();
    assert_eq!(Reflect::get(&outcome, &"status".into()).unwrap().as_string().as_deref(), Some("done"));
    assert_eq!(Reflect::get(&outcome, &"finishRepairs".into()).unwrap().as_f64(), Some(0.0), "no repair at the end");
    assert_eq!(container.inner_html(), one_shot(ANSWER), "the final DOM should equal the one-shot render");
    assert_eq!(r.status(), "done");
}

#[wasm_bindgen_test]
fn a_replaced_text_resets_to_what_a_new_renderer_shows() {
    let (container, r) = renderer();
    update(&r, "# An old answer\n\nWith a paragraph that **will go**");
    r.flush();
    update(&r, "A different answer, regenerated:\n\n1. one\n2. tw");
    r.flush();
    assert_eq!(
        container.inner_html(),
        shown_by_a_new_renderer("A different answer, regenerated:\n\n1. one\n2. tw"),
        "a text that does not extend the shown one should show what a new renderer given it shows"
    );
    assert_eq!(r.text(), "A different answer, regenerated:\n\n1. one\n2. tw");
    update(&r, "A different answer, regenerated:\n\n1. one\n2. two\n");
    r.finish().unwrap();
    assert_eq!(container.inner_html(), one_shot("A different answer, regenerated:\n\n1. one\n2. two\n"));

    let (container, r) = renderer();
    update(&r, "Some text");
    r.flush();
    update(&r, "");
    r.flush();
    assert_eq!(container.inner_html(), "", "an empty text should clear what was shown");
}

#[wasm_bindgen_test]
fn an_edited_last_paragraph_keeps_the_earlier_blocks_nodes_and_costs_one_mutation() {
    let (container, r) = renderer();
    let before = "# Title\n\nFirst paragraph, unchanged.\n\n- one\n- two\n\nThe last paragraph as first written";
    update(&r, before);
    r.flush();
    let kept: Vec<Node> = (0..3).map(|i| child(&container, i)).collect();
    let log = MutationLog::new(&container);
    let mutations_before = r.mutations();
    update(&r, "# Title\n\nFirst paragraph, unchanged.\n\n- one\n- two\n\nThe last paragraph, edited");
    r.flush();
    for (i, node) in kept.iter().enumerate() {
        assert!(
            child(&container, i as u32).is_same_node(Some(node)),
            "block {i} is unchanged: it should be the same DOM node after the edit"
        );
    }
    let observed = log.take();
    log.disconnect();
    assert!(observed <= 2, "only the last paragraph's text should change ({observed} mutations observed)");
    assert!(r.mutations() - mutations_before <= 2.0, "the renderer's own count agrees: {}", r.mutations());
    assert!(container.inner_html().contains("<p>The last paragraph, edited</p>"), "{}", container.inner_html());
}

#[wasm_bindgen_test]
fn update_after_finish_accepts_the_same_text_and_refuses_another() {
    let (container, r) = renderer();
    update(&r, "Done **text**.");
    r.finish().unwrap();
    let html = container.inner_html();
    update(&r, "Done **text**."); // a component re-rendering with the same text
    assert_eq!(r.status(), "done");
    let error = r.update("Another text".into()).expect_err("a new text after the end should throw");
    assert!(error_message(error).contains("after the answer ended"), "the error should say why");
    assert_eq!(container.inner_html(), html, "the finished DOM should stay as it was");
    assert_eq!(r.text(), "Done **text**.");
    let error = r.update(JsValue::from(42)).expect_err("a non-string should throw");
    assert!(error.is_instance_of::<js_sys::TypeError>(), "a wrong type is a TypeError");
}

#[wasm_bindgen_test]
fn status_goes_idle_writing_done_and_a_split_surrogate_pair_is_joined() {
    let (container, r) = renderer();
    assert_eq!(r.status(), "idle");
    let half: JsValue = js_sys::JsString::from("Smile ").concat(&js_sys::JsString::from_char_code1(0xD83D)).into();
    r.update(half.clone()).unwrap();
    let whole = js_sys::JsString::from("Smile ").concat(&js_sys::JsString::from_char_code2(0xD83D, 0xDE00));
    r.update(whole.into()).unwrap();
    assert_eq!(r.status(), "writing");
    r.finish().unwrap();
    assert_eq!(r.status(), "done");
    assert_eq!(container.text_content().unwrap_or_default(), "Smile 😀", "the pair split between two texts is joined");
}

#[wasm_bindgen_test]
fn write_then_update_with_the_whole_text_appends_the_rest() {
    let (container, r) = renderer();
    r.write("Written first, ").unwrap();
    update(&r, "Written first, then given whole.");
    r.finish().unwrap();
    assert_eq!(container.inner_html(), one_shot("Written first, then given whole."));
}
