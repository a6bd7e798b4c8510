//! Stage ⑥ in a real browser: the DOM applier, `stream()` over host-made `ReadableStream`s and `Response`s, `fetch()`,
//! `cancel()` and misuse, through `rillmark::web::Renderer` (design §2 promises 5–7, §3 API).
//!
//! Runs in headless Chromium (`wasm_bindgen_test_configure!(run_in_browser)`). Browser-side fixtures — scripted
//! sources, a `MutationObserver` log, a spy on HTML-string parsing — live in `tests/js/fixtures.js`. Tests that check
//! what a page sees (thrown errors, rejected promises) call the renderer through its JS object, exactly as a page does.

#![cfg(target_arch = "wasm32")]

use js_sys::{Array, Object, Promise, Reflect, Uint8Array};
use rillmark::web::Renderer;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use web_sys::Element;

wasm_bindgen_test_configure!(run_in_browser);

mod web_support;
use web_support::*;

// ----------------------------------------------------------------------------------------------------------------
// Helpers

/// How long any stream in these tests may take to settle: they are all in-memory, but a paced 256 KB burst renders
/// in ~1 KB slices over hundreds of frames, seconds on a loaded machine (this bounds a hang; it times nothing).
const SETTLE_MS: u32 = 30_000;

fn prop(value: &JsValue, key: &str) -> JsValue {
    Reflect::get(value, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn prop_str(value: &JsValue, key: &str) -> Option<String> {
    prop(value, key).as_string()
}

/// A plain JS object from string-valued pairs.
fn object(pairs: &[(&str, &str)]) -> JsValue {
    let object = Object::new();
    for (key, value) in pairs {
        Reflect::set(&object, &JsValue::from_str(key), &JsValue::from_str(value)).unwrap();
    }
    object.into()
}

fn dialect(name: &str) -> JsValue {
    object(&[("dialect", name)])
}

async fn wait(promise: Promise) -> JsValue {
    JsFuture::from(promise).await.expect("a fixture promise should not reject")
}

/// Settles `promise` (bounded by [`SETTLE_MS`]) into `{ state, value | message, isError, isTrap }`.
async fn settle(promise: &Promise) -> JsValue {
    wait(settle_js(promise, SETTLE_MS)).await
}

/// The outcome `promise` fulfils with; fails the test if it rejects or never settles.
async fn outcome_of(promise: &Promise) -> JsValue {
    let settled = settle(promise).await;
    let state = prop_str(&settled, "state").unwrap_or_default();
    assert_eq!(
        state,
        "fulfilled",
        "the outcome promise should fulfil (rejection message: {:?})",
        prop_str(&settled, "message")
    );
    let outcome = prop(&settled, "value");
    let repairs = prop(&outcome, "finishRepairs").as_f64();
    assert_eq!(repairs, Some(0.0), "the verified finish should repair nothing (outcome {outcome:?})");
    outcome
}

fn status(outcome: &JsValue) -> String {
    prop_str(outcome, "status").unwrap_or_else(|| format!("<no status in {outcome:?}>"))
}

fn error_field(outcome: &JsValue, key: &str) -> JsValue {
    prop(&prop(outcome, "error"), key)
}

async fn settle_frames() {
    wait(quiesce(3, 50)).await;
}

/// One OpenAI chat-completions SSE event carrying a content delta (non-ASCII stays raw UTF-8 in the JSON).
fn openai_delta(content: &str) -> String {
    let chunk = serde_json::json!({ "choices": [{ "index": 0, "delta": { "content": content } }] });
    format!("data: {chunk}\n\n")
}

const OPENAI_STOP: &str = "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n";
const SSE_DONE: &str = "data: [DONE]\n\n";

/// A complete OpenAI SSE body: the deltas, a `finish_reason`, then `[DONE]`.
fn openai_body(deltas: &[&str]) -> String {
    let mut body: String = deltas.iter().map(|d| openai_delta(d)).collect();
    body.push_str(OPENAI_STOP);
    body.push_str(SSE_DONE);
    body
}

fn byte_chunks(chunks: &[&[u8]]) -> Array {
    chunks.iter().map(|chunk| JsValue::from(Uint8Array::from(*chunk))).collect()
}

fn text_chunks(chunks: &[&str]) -> Array {
    byte_chunks(&chunks.iter().map(|c| c.as_bytes()).collect::<Vec<_>>())
}

/// Splits `body` inside every multi-byte character: after its first byte, and for 4-byte ones after the third too,
/// so every chunk boundary near a non-ASCII character falls mid-sequence.
fn split_inside_multibyte(body: &str) -> Vec<Vec<u8>> {
    let bytes = body.as_bytes();
    let mut cuts = Vec::new();
    for (at, ch) in body.char_indices() {
        match ch.len_utf8() {
            1 => {}
            4 => cuts.extend([at + 1, at + 3]),
            _ => cuts.push(at + 1),
        }
    }
    let mut chunks = Vec::new();
    let mut start = 0;
    for cut in cuts {
        chunks.push(bytes[start..cut].to_vec());
        start = cut;
    }
    chunks.push(bytes[start..].to_vec());
    chunks
}

fn chunks_js(chunks: &[Vec<u8>]) -> Array {
    byte_chunks(&chunks.iter().map(Vec::as_slice).collect::<Vec<_>>())
}

/// `new Renderer(container, options)`, which should succeed.
fn new_renderer(container: &Element, options: JsValue) -> Renderer {
    Renderer::new(container.clone().into(), options)
        .unwrap_or_else(|error| panic!("new Renderer() should succeed, got {:?}", js_error_message(error)))
}

/// A renderer with default options drawing into a fresh container.
fn renderer() -> (Element, Renderer) {
    let container = make_container();
    let renderer = new_renderer(&container, JsValue::UNDEFINED);
    (container, renderer)
}

fn js_error_message(error: JsValue) -> String {
    prop_str(&error, "message").unwrap_or_default()
}

// ----------------------------------------------------------------------------------------------------------------
// 1. The DOM applier

#[wasm_bindgen_test]
fn applier_builds_the_expected_elements_node_by_node() {
    install_html_write_spy();
    let (container, r) = renderer();
    r.write("# Title\n\nSome **bold** and `code`.\n\n- a\n- b\n").expect("write() should accept markdown");
    let outcome = r.finish().expect("finish() should end the written answer");

    assert_eq!(status(&outcome), "done", "finish() after write() should report a done outcome");
    assert_eq!(
        outline(&container),
        r#"h1("Title") p("Some " strong("bold") " and " code("code") ".") ul(li("a") li("b"))"#,
        "the container should hold exactly a heading, a paragraph with strong and code, and a two-item list"
    );
    assert_eq!(
        container.inner_html().replace('\n', ""),
        "<h1>Title</h1><p>Some <strong>bold</strong> and <code>code</code>.</p><ul><li>a</li><li>b</li></ul>",
        "the container's HTML should be comrak's one-shot HTML (newlines aside)"
    );
    assert_eq!(html_writes_into(&container), 0, "the applier should never hand an HTML string to the parser");
    assert!(r.mutations() > 0.0, "the mutations counter should count the DOM operations made");
    assert_eq!(r.status(), "done", "the status getter should say done after finish()");
    assert_eq!(
        r.text(),
        "# Title\n\nSome **bold** and `code`.\n\n- a\n- b\n",
        "the text getter should return the source"
    );
}

#[wasm_bindgen_test]
async fn written_text_renders_on_the_next_animation_frame_or_on_flush() {
    let (container, r) = renderer();
    r.write("Hello *wor").unwrap();
    assert_eq!(outline(&container), "", "write() should not touch the DOM synchronously");
    r.flush();
    assert!(
        container.text_content().unwrap_or_default().contains("Hello"),
        "flush() should apply pending text at once, got {:?}",
        outline(&container)
    );
    r.write("ld* and more").unwrap();
    settle_frames().await;
    assert_eq!(
        outline(&container),
        r#"p("Hello " em("world") " and more")"#,
        "an animation frame should render the text written since the last render"
    );
    r.finish().expect("finish() should end the written answer");
    assert_eq!(outline(&container), r#"p("Hello " em("world") " and more")"#, "finish() should keep the final DOM");
}

#[wasm_bindgen_test]
fn raw_script_in_markdown_is_shown_as_text_and_never_becomes_an_element() {
    install_html_write_spy();
    let (container, r) = renderer();
    let pieces = [
        "Before\n\n<scr",
        "ipt>window.__rillmarkPwned = 1</script>\n\n",
        "Inline <script>window.__rillmarkPwned = 2</script> and <img src=x onerror=\"window.__rillmarkPwned = 3\">",
        " end\n",
    ];
    for piece in pieces {
        r.write(piece).unwrap();
        r.flush();
        assert_eq!(count_selector(&container, "script"), 0, "no intermediate state should contain a script element");
        assert_eq!(count_selector(&container, "img"), 0, "raw HTML should never create an img element");
    }
    r.finish().expect("finish() should end the written answer");
    assert_eq!(count_selector(&container, "script"), 0, "the final DOM should contain no script element");
    assert_eq!(count_selector(&container, "img"), 0, "the final DOM should contain no img element");
    let text = container.text_content().unwrap_or_default();
    assert!(
        text.contains("<script>window.__rillmarkPwned = 1</script>"),
        "the raw script block should be shown as text, got {text:?}"
    );
    assert!(
        text.contains("<script>window.__rillmarkPwned = 2</script>"),
        "the inline raw script should be shown as text, got {text:?}"
    );
    let pwned = Reflect::get(&js_sys::global(), &"__rillmarkPwned".into()).unwrap();
    assert!(pwned.is_undefined(), "no script from the markdown should have run");
    assert_eq!(html_writes_into(&container), 0, "raw HTML should never reach the HTML parser by default");
}

#[wasm_bindgen_test]
async fn images_are_blocked_by_default_at_every_intermediate_state() {
    let (container, r) = renderer();
    let url = "https://exfil.invalid/leak?secret=42";
    let markdown = format!("See ![the chart]({url}) here.\n");
    // Byte by byte (on char boundaries), so every partial form of the image is rendered once.
    for (at, ch) in markdown.char_indices() {
        r.write(&markdown[at..at + ch.len_utf8()]).unwrap();
        r.flush();
        assert_eq!(
            count_selector(&container, "img"),
            0,
            "no img should exist after {:?} was written",
            &markdown[..at + ch.len_utf8()]
        );
    }
    r.finish().expect("finish() should end the written answer");
    assert_eq!(count_selector(&container, "img"), 0, "the final DOM should contain no img with images blocked");
    let text = container.text_content().unwrap_or_default();
    assert!(text.contains("the chart"), "the blocked image should leave a visible placeholder with its alt text");
    settle_frames().await;
    assert_eq!(resources_matching("exfil.invalid"), 0, "the page should never have requested the image URL");
}

// ----------------------------------------------------------------------------------------------------------------
// 2. stream() over ReadableStreams and Responses

const MULTIBYTE_DELTAS: [&str; 6] = ["Caf", "é au lait", " — 中文", "字 ", "😀", " fin"];
const MULTIBYTE_TEXT: &str = "Café au lait — 中文字 😀 fin";

#[wasm_bindgen_test]
async fn stream_decodes_multibyte_characters_split_across_chunks() {
    let body = openai_body(&MULTIBYTE_DELTAS);
    let targeted = split_inside_multibyte(&body);
    assert!(
        targeted.iter().filter(|c| std::str::from_utf8(c).is_err()).count() >= 6,
        "the fixture should cut é, 中, 文, 字, — and 😀 mid-sequence"
    );
    let bytewise: Vec<Vec<u8>> = body.as_bytes().iter().map(|b| vec![*b]).collect();
    for (split_name, chunks) in [("inside each character", &targeted), ("byte by byte", &bytewise)] {
        for dialect_name in ["openai", "auto"] {
            let (container, r) = renderer();
            let source = ScriptedSource::new(&chunks_js(chunks), "close");
            let outcome = outcome_of(&r.stream(source.stream().into(), dialect(dialect_name))).await;
            let case = format!("dialect {dialect_name:?}, split {split_name}");
            assert_eq!(status(&outcome), "done", "{case}: the stream should end done, got {outcome:?}");
            assert_eq!(prop_str(&outcome, "reason").as_deref(), Some("stop"), "{case}: reason should be stop");
            assert_eq!(
                prop_str(&outcome, "text").as_deref(),
                Some(MULTIBYTE_TEXT),
                "{case}: outcome.text should be the decoded answer"
            );
            assert_eq!(
                prop(&outcome, "bytes").as_f64(),
                Some(body.len() as f64),
                "{case}: outcome.bytes should count every body byte"
            );
            assert_eq!(prop(&outcome, "malformed").as_f64(), Some(0.0), "{case}: no frame should be malformed");
            assert_eq!(
                outline(&container),
                format!("p({})", serde_json::to_string(MULTIBYTE_TEXT).unwrap()),
                "{case}: the DOM should show the answer exactly"
            );
            assert!(
                !container.text_content().unwrap_or_default().contains('\u{FFFD}'),
                "{case}: no replacement character should appear"
            );
            assert_eq!(r.text(), MULTIBYTE_TEXT, "{case}: the text getter should match");
            assert_eq!(r.status(), "done", "{case}: the status getter should say done");
        }
    }
}

#[wasm_bindgen_test]
async fn stream_reads_a_response_with_an_event_stream_content_type() {
    let body = openai_body(&["# Heading\n\n", "Para with **b", "old** text.", "\n\n- one\n- tw", "o\n"]);
    let chunks: Vec<Vec<u8>> = body.as_bytes().chunks(7).map(<[u8]>::to_vec).collect();
    let source = ScriptedSource::new(&chunks_js(&chunks), "close");
    let response = make_response(&source.stream().into(), 200, "text/event-stream; charset=utf-8");
    let (container, r) = renderer();
    let outcome = outcome_of(&r.stream(response.into(), JsValue::UNDEFINED)).await;
    assert_eq!(status(&outcome), "done", "a Response with an OpenAI SSE body should end done, got {outcome:?}");
    assert_eq!(
        outline(&container),
        r#"h1("Heading") p("Para with " strong("bold") " text.") ul(li("one") li("two"))"#,
        "the DOM should show the whole rendered answer"
    );
}

#[wasm_bindgen_test]
async fn stream_accepts_a_readable_stream_of_strings() {
    let source = ScriptedSource::new(
        &Array::of3(&openai_delta("Hi ").into(), &openai_delta("there").into(), &SSE_DONE.into()),
        "close",
    );
    let (container, r) = renderer();
    let outcome = outcome_of(&r.stream(source.stream().into(), dialect("openai"))).await;
    assert_eq!(status(&outcome), "done", "a stream of strings should be read like one of bytes, got {outcome:?}");
    assert_eq!(outline(&container), r#"p("Hi there")"#, "the DOM should show the answer");
}

#[wasm_bindgen_test]
async fn stream_renders_progressively_before_the_end() {
    let chunks = text_chunks(&[&openai_delta("First paragraph.\n\n"), &openai_delta("Second")]);
    let source = ScriptedSource::new(&chunks, "hang");
    let (container, r) = renderer();
    let promise = r.stream(source.stream().into(), dialect("openai"));
    assert!(
        wait(wait_until_at_least(&source, "pulls", 3.0, SETTLE_MS)).await.as_bool().unwrap_or(false),
        "the renderer should keep reading while chunks arrive"
    );
    settle_frames().await;
    assert_eq!(r.status(), "streaming", "the status getter should say streaming while the body is open");
    assert_eq!(
        outline(&container),
        r#"p("First paragraph.") p("Second")"#,
        "text received so far should be on screen before the stream ends"
    );
    r.cancel();
    assert_eq!(status(&outcome_of(&promise).await), "aborted", "cancel() should end the open stream as aborted");
}

// ----------------------------------------------------------------------------------------------------------------
// 3–4. cancel()

/// Two OpenAI deltas, then a read that never completes.
fn hanging_source() -> ScriptedSource {
    ScriptedSource::new(&text_chunks(&[&openai_delta("Hello "), &openai_delta("world")]), "hang")
}

async fn wait_for_pulls(source: &ScriptedSource, n: u32) {
    let reached = wait(wait_until_at_least(source, "pulls", n as f64, SETTLE_MS)).await;
    assert_eq!(reached.as_bool(), Some(true), "the renderer should have issued read number {n}");
}

#[wasm_bindgen_test]
async fn cancel_mid_stream_while_a_read_is_pending() {
    let (container, r) = renderer();
    let log = MutationLog::new(&container);
    let source = hanging_source();
    let promise = r.stream(source.stream().into(), dialect("openai"));
    wait_for_pulls(&source, 3).await; // two chunks delivered, the third read is pending
    assert_eq!(source.delivered(), 2, "both chunks should have been delivered before cancel()");

    r.cancel();
    log.take(); // everything up to and including cancel() itself
    assert_eq!(outline(&container), r#"p("Hello world")"#, "the text received so far should be in the DOM");
    assert_eq!(r.status(), "aborted", "the status getter should say aborted right after cancel()");
    let mutations_at_cancel = r.mutations();

    let outcome = outcome_of(&promise).await;
    assert_eq!(status(&outcome), "aborted", "the promise should resolve aborted, got {outcome:?}");
    assert_eq!(prop_str(&outcome, "text").as_deref(), Some("Hello world"), "outcome.text should keep what arrived");
    settle_frames().await;
    assert_eq!(source.cancel_calls(), 1, "the source's cancel callback should have been called once");
    assert_eq!(log.take(), 0, "no DOM mutation should happen after cancel() returned");
    assert_eq!(r.mutations(), mutations_at_cancel, "the applier should make no mutation after cancel()");
    assert_eq!(outline(&container), r#"p("Hello world")"#, "the rendered text should stay");
    log.disconnect();
}

#[wasm_bindgen_test]
async fn cancel_from_inside_the_sources_pull_is_safe_and_final() {
    // The chunk delivered by pull 2 is fed and waits for an animation frame; pull 3 (issued synchronously by the
    // next read) calls cancel() re-entrantly, before that frame has rendered anything.
    let container = make_container();
    let r: JsValue = new_renderer(&container, JsValue::UNDEFINED).into();
    let log = MutationLog::new(&container);
    let source = hanging_source();
    source.call_on_pull(3, &r, "cancel");
    let call = try_call(&r, "stream", &Array::of2(&source.stream().into(), &dialect("openai")));
    assert_eq!(prop(&call, "threw").as_bool(), Some(false), "stream() should not throw");
    let promise: Promise = prop(&call, "value").dyn_into().expect("stream() should return a promise");

    let outcome = outcome_of(&promise).await;
    assert!(source.hook_called(), "the source should have called cancel() from pull 3");
    assert!(!source.hook_threw(), "a re-entrant cancel() should not throw: {}", source.hook_error_message());
    assert_eq!(status(&outcome), "aborted", "the promise should resolve aborted, got {outcome:?}");
    log.take();
    assert_eq!(outline(&container), r#"p("Hello world")"#, "cancel() should flush the text that had arrived");
    settle_frames().await;
    assert_eq!(log.take(), 0, "the pending animation frame should not mutate the DOM after cancel()");
    assert_eq!(source.cancel_calls(), 1, "the source should have been cancelled once");
    log.disconnect();
}

#[wasm_bindgen_test]
async fn cancel_before_the_first_byte() {
    let (container, r) = renderer();
    let log = MutationLog::new(&container);
    let source = ScriptedSource::new(&Array::new(), "hang");
    let promise = r.stream(source.stream().into(), dialect("openai"));
    wait_for_pulls(&source, 1).await;
    r.cancel();
    let outcome = outcome_of(&promise).await;
    assert_eq!(status(&outcome), "aborted", "cancel() before any byte should resolve aborted, got {outcome:?}");
    assert_eq!(prop(&outcome, "bytes").as_f64(), Some(0.0), "no byte should have been counted");
    settle_frames().await;
    assert_eq!(source.cancel_calls(), 1, "the source's cancel callback should have been called");
    assert_eq!(log.take(), 0, "an answer cancelled before its first byte should leave the container untouched");
    log.disconnect();
}

#[wasm_bindgen_test]
async fn cancel_twice_is_a_no_op_the_second_time() {
    let container = make_container();
    let r: JsValue = new_renderer(&container, JsValue::UNDEFINED).into();
    let source = hanging_source();
    let promise: Promise =
        prop(&try_call(&r, "stream", &Array::of2(&source.stream().into(), &dialect("openai"))), "value").into();
    wait_for_pulls(&source, 3).await;
    let first = try_call(&r, "cancel", &Array::new());
    let mutations = prop(&r, "mutations");
    let log = MutationLog::new(&container);
    let second = try_call(&r, "cancel", &Array::new());
    assert_eq!(prop(&first, "threw").as_bool(), Some(false), "the first cancel() should not throw");
    assert_eq!(prop(&second, "threw").as_bool(), Some(false), "the second cancel() should not throw");
    assert_eq!(log.take(), 0, "the second cancel() should not touch the DOM");
    assert_eq!(prop(&r, "mutations"), mutations, "the second cancel() should make no mutation");
    let outcome = outcome_of(&promise).await;
    assert_eq!(status(&outcome), "aborted", "the promise should resolve aborted once, got {outcome:?}");
    settle_frames().await;
    assert_eq!(source.cancel_calls(), 1, "the source should be cancelled exactly once");
    assert_eq!(prop_str(&r, "status").as_deref(), Some("aborted"), "the status should stay aborted");
    assert_eq!(
        prop(&try_call(&r, "cancel", &Array::new()), "threw").as_bool(),
        Some(false),
        "cancel() after the promise settled should not throw either"
    );
    log.disconnect();
}

#[wasm_bindgen_test]
async fn cancel_right_after_stream_returns_aborts_it() {
    // A page's stop button can fire in the same task as the call that started the stream.
    let (container, r) = renderer();
    let source = ScriptedSource::new(&text_chunks(&[&openai_body(&["should not render"])]), "close");
    let promise = r.stream(source.stream().into(), dialect("openai"));
    r.cancel();
    assert_eq!(r.status(), "aborted", "the status getter should say aborted right after cancel()");
    let outcome = outcome_of(&promise).await;
    assert_eq!(status(&outcome), "aborted", "cancel() in the same task as stream() should abort it, got {outcome:?}");
    settle_frames().await;
    assert_eq!(outline(&container), "", "nothing should render after cancel()");
    assert_eq!(source.cancel_calls(), 1, "the source should be cancelled, so its producer can stop");
}

#[wasm_bindgen_test]
async fn cancel_after_done_changes_nothing() {
    let (container, r) = renderer();
    let source = ScriptedSource::new(&text_chunks(&[&openai_body(&["All done."])]), "close");
    let outcome = outcome_of(&r.stream(source.stream().into(), dialect("openai"))).await;
    assert_eq!(status(&outcome), "done", "the stream should end done, got {outcome:?}");
    let log = MutationLog::new(&container);
    r.cancel();
    r.cancel();
    assert_eq!(r.status(), "done", "cancel() after done should not change the status");
    settle_frames().await;
    assert_eq!(log.take(), 0, "cancel() after done should not touch the DOM");
    assert_eq!(outline(&container), r#"p("All done.")"#, "the answer should stay");
    log.disconnect();
}

#[wasm_bindgen_test]
async fn cancel_on_an_idle_renderer_does_not_throw() {
    let (container, r) = renderer();
    r.cancel();
    r.cancel();
    assert_eq!(outline(&container), "", "cancel() on an idle renderer should not touch the DOM");
}

// ----------------------------------------------------------------------------------------------------------------
// Host callbacks (onEvent)

fn with_on_event(recorder: &EventRecorder) -> JsValue {
    let options = object(&[]);
    Reflect::set(&options, &"onEvent".into(), &recorder.callback()).unwrap();
    options
}

#[wasm_bindgen_test]
async fn on_event_receives_the_stream_events_in_order() {
    let recorder = EventRecorder::new(false);
    let container = make_container();
    let r = new_renderer(&container, with_on_event(&recorder));
    let source = ScriptedSource::new(&text_chunks(&[&openai_body(&["One ", "two"])]), "close");
    let outcome = outcome_of(&r.stream(source.stream().into(), dialect("openai"))).await;
    assert_eq!(status(&outcome), "done", "the stream should end done, got {outcome:?}");
    assert_eq!(recorder.log(), "text:One  | text:two | finish", "onEvent should see each delta, then finish");
}

#[wasm_bindgen_test]
async fn a_throwing_on_event_callback_does_not_break_rendering() {
    let recorder = EventRecorder::new(true);
    let container = make_container();
    let r = new_renderer(&container, with_on_event(&recorder));
    let source = ScriptedSource::new(&text_chunks(&[&openai_body(&["Still ", "rendered."])]), "close");
    let outcome = outcome_of(&r.stream(source.stream().into(), dialect("openai"))).await;
    assert_eq!(status(&outcome), "done", "a throwing host callback should not fail the stream, got {outcome:?}");
    assert_eq!(outline(&container), r#"p("Still rendered.")"#, "the answer should render in full");
}

#[wasm_bindgen_test]
async fn cancel_from_inside_on_event_aborts_without_later_mutations() {
    let recorder = EventRecorder::new(false);
    let container = make_container();
    let r: JsValue = new_renderer(&container, with_on_event(&recorder)).into();
    recorder.call_on("text", &r, "cancel");
    let log = MutationLog::new(&container);
    let source = ScriptedSource::new(&text_chunks(&[&openai_delta("First"), &openai_body(&[" second"])]), "close");
    let promise = call_promise(&r, "stream", &[source.stream().into(), dialect("openai")]);
    let outcome = outcome_of(&promise).await;
    assert!(!recorder.hook_threw(), "cancel() from inside onEvent should not throw");
    assert_eq!(status(&outcome), "aborted", "cancel() from onEvent should abort the stream, got {outcome:?}");
    log.take();
    assert_eq!(outline(&container), r#"p("First")"#, "the text before cancel() should be rendered, and no more");
    settle_frames().await;
    assert_eq!(log.take(), 0, "no DOM mutation should happen after the re-entrant cancel()");
    assert_eq!(source.cancel_calls(), 1, "the source should be cancelled");
    assert_eq!(recorder.log(), "text:First", "no event should reach the host after it cancelled");
}

// ----------------------------------------------------------------------------------------------------------------
// 5. Outcomes other than done

#[wasm_bindgen_test]
async fn a_stream_cut_before_its_terminal_marker_is_incomplete() {
    let (container, r) = renderer();
    let source = ScriptedSource::new(&text_chunks(&[&openai_delta("Cut "), &openai_delta("off *mid")]), "close");
    let outcome = outcome_of(&r.stream(source.stream().into(), dialect("openai"))).await;
    assert_eq!(status(&outcome), "incomplete", "EOF without [DONE] should be incomplete, got {outcome:?}");
    assert_eq!(
        prop_str(&outcome, "text").as_deref(),
        Some("Cut off *mid"),
        "outcome.text should keep the partial answer"
    );
    assert_eq!(outline(&container), r#"p("Cut off *mid")"#, "the partial answer should be rendered as final text");
}

#[wasm_bindgen_test]
async fn a_provider_error_event_mid_stream_is_an_error_that_keeps_the_partial_answer() {
    let (container, r) = renderer();
    let error = r#"data: {"error":{"message":"overloaded","type":"server_error"}}"#.to_owned() + "\n\n";
    let chunks =
        text_chunks(&[&openai_delta("Partial "), &openai_delta("answer"), &error, &openai_delta(" NOT SHOWN")]);
    let source = ScriptedSource::new(&chunks, "hang");
    let outcome = outcome_of(&r.stream(source.stream().into(), dialect("openai"))).await;
    assert_eq!(status(&outcome), "error", "a provider error event should end the stream with error, got {outcome:?}");
    assert_eq!(error_field(&outcome, "kind").as_string().as_deref(), Some("provider"), "the kind should be provider");
    let message = error_field(&outcome, "message").as_string().unwrap_or_default();
    assert!(message.contains("overloaded"), "the message should be the provider's, got {message:?}");
    assert_eq!(error_field(&outcome, "code").as_string().as_deref(), Some("server_error"), "code should be its type");
    assert_eq!(outline(&container), r#"p("Partial answer")"#, "the partial answer should stay rendered");
    settle_frames().await;
    assert_eq!(source.cancel_calls(), 1, "the renderer should stop reading (cancel the source) after the error");
}

#[wasm_bindgen_test]
async fn done_stops_reading_even_if_the_body_stays_open() {
    let (container, r) = renderer();
    let source = ScriptedSource::new(&text_chunks(&[&openai_body(&["Finished."])]), "hang");
    let outcome = outcome_of(&r.stream(source.stream().into(), dialect("openai"))).await;
    assert_eq!(status(&outcome), "done", "[DONE] should end the stream without waiting for EOF, got {outcome:?}");
    assert_eq!(outline(&container), r#"p("Finished.")"#, "the answer should be rendered");
    settle_frames().await;
    assert_eq!(source.cancel_calls(), 1, "the still-open source should be cancelled after [DONE]");
}

#[wasm_bindgen_test]
async fn a_network_failure_mid_stream_is_an_error_that_keeps_the_partial_answer() {
    let (container, r) = renderer();
    let source = ScriptedSource::new(&text_chunks(&[&openai_delta("Half an "), &openai_delta("answer")]), "error");
    let outcome = outcome_of(&r.stream(source.stream().into(), dialect("openai"))).await;
    assert_eq!(status(&outcome), "error", "an errored body should end with error, got {outcome:?}");
    assert_eq!(error_field(&outcome, "kind").as_string().as_deref(), Some("network"), "the kind should be network");
    assert_eq!(outline(&container), r#"p("Half an answer")"#, "the partial answer should stay rendered");
}

#[wasm_bindgen_test]
async fn a_body_failing_with_a_plain_value_reports_the_value_as_json() {
    let (_container, r) = renderer();
    let source = ScriptedSource::new(&text_chunks(&[&openai_delta("Half")]), "error-value");
    let outcome = outcome_of(&r.stream(source.stream().into(), dialect("openai"))).await;
    assert_eq!(status(&outcome), "error", "an errored body should end with error, got {outcome:?}");
    assert_eq!(error_field(&outcome, "kind").as_string().as_deref(), Some("network"));
    assert_eq!(
        error_field(&outcome, "message").as_string().as_deref(),
        Some(r#"{"code":7,"reason":"scripted"}"#),
        "a rejection that is not an Error should be shown as JSON"
    );
}

#[wasm_bindgen_test]
async fn a_non_2xx_response_with_a_json_error_body_is_an_http_error() {
    let (container, r) = renderer();
    let body =
        r#"{"error":{"message":"Rate limit reached for requests","type":"requests","code":"rate_limit_exceeded"}}"#;
    let response = make_response(&body.into(), 429, "application/json");
    let outcome = outcome_of(&r.stream(response.into(), JsValue::UNDEFINED)).await;
    assert_eq!(status(&outcome), "error", "a 429 should end with error, got {outcome:?}");
    assert_eq!(error_field(&outcome, "kind").as_string().as_deref(), Some("http"), "the kind should be http");
    assert_eq!(error_field(&outcome, "status").as_f64(), Some(429.0), "the HTTP status should be reported");
    let message = error_field(&outcome, "message").as_string().unwrap_or_default();
    assert!(
        message.contains("Rate limit reached for requests"),
        "the message should carry the provider's, got {message:?}"
    );
    assert_eq!(outline(&container), "", "an error body should not be rendered as the answer");
}

// ----------------------------------------------------------------------------------------------------------------
// 6. Misuse is a JS error, never a panic

/// Asserts a settled promise rejected with an ordinary `Error` (not a wasm trap) whose message contains `needle`.
fn assert_rejected_with(settled: &JsValue, needle: &str, what: &str) {
    assert_eq!(prop_str(settled, "state").as_deref(), Some("rejected"), "{what} should reject, got {settled:?}");
    assert_eq!(prop(settled, "isTrap").as_bool(), Some(false), "{what} should not be a panic (wasm trap)");
    assert_eq!(prop(settled, "isError").as_bool(), Some(true), "{what} should reject with an Error");
    let message = prop_str(settled, "message").unwrap_or_default();
    assert!(message.contains(needle), "{what}: the message should mention {needle:?}, got {message:?}");
}

fn assert_threw(call: &JsValue, needle: &str, what: &str) {
    assert_eq!(prop(call, "threw").as_bool(), Some(true), "{what} should throw");
    assert_eq!(prop(call, "isTrap").as_bool(), Some(false), "{what} should not be a panic (wasm trap)");
    assert_eq!(prop(call, "isError").as_bool(), Some(true), "{what} should throw an Error");
    let message = prop_str(call, "message").unwrap_or_default();
    assert!(message.contains(needle), "{what}: the message should mention {needle:?}, got {message:?}");
}

fn js_renderer() -> (Element, JsValue) {
    let container = make_container();
    let r = new_renderer(&container, JsValue::UNDEFINED);
    (container, r.into())
}

fn call(target: &JsValue, method: &str, args: &[JsValue]) -> JsValue {
    try_call(target, method, &args.iter().collect())
}

fn call_promise(target: &JsValue, method: &str, args: &[JsValue]) -> Promise {
    let call = call(target, method, args);
    assert_eq!(prop(&call, "threw").as_bool(), Some(false), "{method}() should return a promise, not throw");
    prop(&call, "value").dyn_into().expect("the value should be a promise")
}

#[wasm_bindgen_test]
async fn a_second_concurrent_stream_rejects_and_the_first_completes() {
    let (container, r) = js_renderer();
    let first = ScriptedSource::new(&text_chunks(&[&openai_body(&["First wins."])]), "close");
    let second = ScriptedSource::new(&text_chunks(&[&openai_body(&["Second loses."])]), "close");
    let p1 = call_promise(&r, "stream", &[first.stream().into(), dialect("openai")]);
    let p2 = call_promise(&r, "stream", &[second.stream().into(), dialect("openai")]);
    assert_rejected_with(&settle(&p2).await, "another stream", "a second concurrent stream()");
    let outcome = outcome_of(&p1).await;
    assert_eq!(status(&outcome), "done", "the first stream should finish undisturbed, got {outcome:?}");
    assert_eq!(outline(&container), r#"p("First wins.")"#, "only the first stream should render");
    assert_rejected_with(
        &settle(&call_promise(&r, "stream", &[second.stream().into(), dialect("openai")])).await,
        "after the answer ended",
        "stream() on a finished renderer",
    );
}

#[wasm_bindgen_test]
fn write_after_finish_throws_a_js_error() {
    let (_container, r) = js_renderer();
    assert_eq!(prop(&call(&r, "write", &["Some text".into()]), "threw").as_bool(), Some(false), "write() should work");
    assert_eq!(prop(&call(&r, "finish", &[]), "threw").as_bool(), Some(false), "finish() should work");
    assert_threw(&call(&r, "write", &["more".into()]), "after the answer ended", "write() after finish()");
    assert_eq!(prop(&call(&r, "finish", &[]), "threw").as_bool(), Some(false), "a second finish() should not throw");
    assert_eq!(prop_str(&r, "status").as_deref(), Some("done"), "the status should stay done");
}

#[wasm_bindgen_test]
async fn write_and_stream_do_not_mix() {
    let (_container, r) = js_renderer();
    let source = hanging_source();
    let promise = call_promise(&r, "stream", &[source.stream().into(), dialect("openai")]);
    wait_for_pulls(&source, 1).await;
    assert_threw(&call(&r, "write", &["x".into()]), "while a stream is rendering", "write() during a stream");
    call(&r, "cancel", &[]);
    assert_eq!(status(&outcome_of(&promise).await), "aborted", "the stream should still be cancellable");

    let (_container, written) = js_renderer();
    call(&written, "write", &["x".into()]);
    let source = hanging_source();
    assert_rejected_with(
        &settle(&call_promise(&written, "stream", &[source.stream().into(), dialect("openai")])).await,
        "written to",
        "stream() on a renderer that was written to",
    );
}

#[wasm_bindgen_test]
async fn a_locked_stream_is_a_usage_error_outcome() {
    let (container, r) = renderer();
    let outcome = outcome_of(&r.stream(locked_stream().into(), dialect("openai"))).await;
    assert_eq!(status(&outcome), "error", "a locked stream should end with error, got {outcome:?}");
    assert_eq!(error_field(&outcome, "kind").as_string().as_deref(), Some("usage"), "the kind should be usage");
    assert_eq!(outline(&container), "", "nothing should render");
}

#[wasm_bindgen_test]
async fn a_source_that_is_not_a_stream_is_a_usage_error_outcome() {
    let (_container, r) = renderer();
    let outcome = outcome_of(&r.stream(JsValue::from(42), JsValue::UNDEFINED)).await;
    assert_eq!(status(&outcome), "error", "stream(42) should end with error, got {outcome:?}");
    assert_eq!(error_field(&outcome, "kind").as_string().as_deref(), Some("usage"), "the kind should be usage");
}

#[wasm_bindgen_test]
async fn an_unknown_dialect_rejects_or_throws() {
    let (container, r) = js_renderer();
    let source = ScriptedSource::new(&text_chunks(&[SSE_DONE]), "close");
    let settled = settle(&call_promise(&r, "stream", &[source.stream().into(), dialect("klingon")])).await;
    assert_rejected_with(&settled, "option \"dialect\"", "stream() with an unknown dialect");
    assert_eq!(prop_str(&r, "status").as_deref(), Some("idle"), "a rejected stream() should leave the renderer idle");

    match Renderer::new(container.clone().into(), dialect("klingon")) {
        Ok(_) => panic!("new Renderer(el, {{ dialect: \"klingon\" }}) should fail"),
        Err(error) => {
            let message = js_error_message(error);
            assert!(message.contains("option \"dialect\""), "the error should name the option, got {message:?}");
        }
    }
    let images_42 = object(&[]);
    Reflect::set(&images_42, &"images".into(), &42.into()).unwrap();
    let bad_options = [
        ("images: 42", images_42),
        ("links: \"nowhere\"", object(&[("links", "nowhere")])),
        ("gfm: \"yes\"", object(&[("gfm", "yes")])),
    ];
    for (name, options) in bad_options {
        assert!(
            Renderer::new(container.clone().into(), options).is_err(),
            "option {name} should be rejected with an error"
        );
    }
}

// ----------------------------------------------------------------------------------------------------------------
// 7. fetch()

#[wasm_bindgen_test]
async fn fetch_a_blob_url_to_completion() {
    let body = openai_body(&MULTIBYTE_DELTAS);
    let url = blob_url(&body, "text/event-stream");
    let (container, r) = renderer();
    let outcome = outcome_of(&r.fetch(url, JsValue::UNDEFINED)).await;
    assert_eq!(status(&outcome), "done", "fetch() of an SSE blob should end done, got {outcome:?}");
    assert_eq!(prop(&outcome, "bytes").as_f64(), Some(body.len() as f64), "every byte should be counted");
    assert_eq!(
        outline(&container),
        format!("p({})", serde_json::to_string(MULTIBYTE_TEXT).unwrap()),
        "the DOM should show the answer exactly"
    );
}

#[wasm_bindgen_test]
async fn fetch_a_data_url_to_completion_with_a_request_init() {
    let url = data_url(&openai_body(&["From a ", "data: URL"]), "text/event-stream");
    let (container, r) = renderer();
    let outcome = outcome_of(&r.fetch(url, object(&[("method", "GET")]))).await;
    assert_eq!(status(&outcome), "done", "fetch() of an SSE data: URL should end done, got {outcome:?}");
    assert_eq!(outline(&container), r#"p("From a data: URL")"#, "the DOM should show the answer");
}

#[wasm_bindgen_test]
async fn fetch_failure_is_a_network_error_outcome() {
    let url = revoked_blob_url();
    let (_container, r) = renderer();
    let outcome = outcome_of(&r.fetch(url, JsValue::UNDEFINED)).await;
    assert_eq!(status(&outcome), "error", "fetch() of a revoked blob URL should end with error, got {outcome:?}");
    assert_eq!(error_field(&outcome, "kind").as_string().as_deref(), Some("network"), "the kind should be network");
}

#[wasm_bindgen_test]
async fn cancel_right_after_fetch_returns_aborts_it() {
    let url = blob_url(&openai_body(&["should not render"]), "text/event-stream");
    let (container, r) = renderer();
    let promise = r.fetch(url, JsValue::UNDEFINED);
    r.cancel();
    let outcome = outcome_of(&promise).await;
    assert_eq!(status(&outcome), "aborted", "cancel() in the same task as fetch() should abort it, got {outcome:?}");
    settle_frames().await;
    assert_eq!(outline(&container), "", "nothing should render after cancel()");
}

// ----------------------------------------------------------------------------------------------------------------
// 8. Bursts: a body that arrives faster than it can be rendered is read and rendered in frame-sized slices

/// About `bytes` of varied markdown: headings, paragraphs with inline markup and multi-byte characters (so slice
/// boundaries fall inside code points), lists, quotes, code fences and tables.
fn burst_document(bytes: usize) -> String {
    let mut doc = String::new();
    let mut section = 0;
    while doc.len() < bytes {
        section += 1;
        doc.push_str(&format!("## Section {section}: café 🦀\n\n"));
        doc.push_str(&format!(
            "Paragraph {section} with **bold**, *emphasis*, `code`, a [link](https://example.com/{section}) and \
             naïve “quotes” — enough words to wrap over a few lines of the container. Ünïcödé 😀 text.\n\n"
        ));
        doc.push_str(&format!("- item one of {section}\n- item *two*\n  - nested 🦀\n- item three\n\n"));
        doc.push_str("> quoted line one\n> quoted *line* two\n\n");
        doc.push_str(&format!("```rust\nfn section_{section}() -> &'static str {{\n    \"é🦀\"\n}}\n```\n\n"));
        doc.push_str(&format!("| a | b |\n|---|---|\n| {section} | ü |\n| x | 🦀 |\n\n"));
    }
    doc
}

/// JS `textContent.length` (UTF-16 code units) of the container.
fn text_length(container: &Element) -> u32 {
    container.text_content().unwrap_or_default().encode_utf16().count() as u32
}

#[wasm_bindgen_test]
async fn a_burst_is_read_and_rendered_across_animation_frames_and_ends_as_the_one_shot_render() {
    // 256 KB available at once in 16 KB pieces: fed back to back, it would take the main thread for many frames.
    let text = burst_document(256 * 1024);
    let source = BurstSource::new(&text, 16 * 1024);
    let (container, r) = renderer();
    let probe = FrameProbe::new(&container, &source);
    let outcome = outcome_of(&r.stream(source.stream().into(), dialect("plain"))).await;
    probe.stop();
    assert_eq!(status(&outcome), "done", "the burst should be read to the end, got {outcome:?}");
    assert_eq!(prop(&outcome, "bytes").as_f64(), Some(text.len() as f64), "every byte should have been fed");

    let (reference, one_shot) = renderer();
    one_shot.write(&text).expect("write");
    one_shot.finish().expect("finish() should end the written answer");
    assert!(outline(&container) == outline(&reference), "the final DOM should equal the one-shot render");

    assert!(probe.frames() >= 2, "the page should draw frames while the burst is rendered, drew {}", probe.frames());
    assert!(
        probe.partial_frames(text_length(&container)) >= 1,
        "a frame should have shown part of the answer (rendered in slices, not all at the end)"
    );
    assert!(
        probe.frames_mid_body(source.piece_count()) >= 1,
        "a frame should have come while pieces were still unread (reading pauses while rendering catches up)"
    );
}

#[wasm_bindgen_test]
async fn with_no_budget_the_reader_yields_a_frame_after_every_slice_and_reads_nothing_meanwhile() {
    // A zero budget makes the pacing independent of the machine's speed: every slice of at most 1 KB is followed by
    // a wait for an animation frame, so every 16 KB piece is followed by frames before the next one is read.
    let text = burst_document(100 * 1024);
    let source = BurstSource::new(&text, 16 * 1024);
    let (container, r) = renderer();
    r.set_frame_budget_ms(0.0);
    let probe = FrameProbe::new(&container, &source);
    let outcome = outcome_of(&r.stream(source.stream().into(), dialect("plain"))).await;
    probe.stop();
    assert_eq!(status(&outcome), "done", "the burst should be read to the end, got {outcome:?}");
    let pieces = source.piece_count();
    assert_eq!(
        probe.pieces_followed_by_a_frame(pieces),
        pieces,
        "after each piece was read, a frame should have run before the next read ({} frames)",
        probe.frames()
    );
    // Not one per slice: the wait for a frame gives up after 100 ms (frames throttled), which a loaded machine may hit.
    assert!(
        probe.partial_frames(text_length(&container)) + 1 >= pieces,
        "the answer should have grown on screen piece by piece: {} partial frames for {pieces} pieces",
        probe.partial_frames(text_length(&container))
    );
    let (reference, one_shot) = renderer();
    one_shot.write(&text).expect("write");
    one_shot.finish().expect("finish() should end the written answer");
    assert!(outline(&container) == outline(&reference), "the final DOM should equal the one-shot render");
}

#[wasm_bindgen_test]
async fn cancel_between_the_slices_of_a_burst_is_final() {
    let text = burst_document(256 * 1024);
    let source = BurstSource::new(&text, 16 * 1024);
    let container = make_container();
    let renderer = new_renderer(&container, JsValue::UNDEFINED);
    renderer.set_frame_budget_ms(0.0); // one slice per frame: frame 3 comes mid-stream on any machine
    let r: JsValue = renderer.into();
    let probe = FrameProbe::new(&container, &source);
    probe.call_at_frame(3, &r, "cancel");
    let promise: Promise =
        prop(&try_call(&r, "stream", &Array::of2(&source.stream().into(), &dialect("plain"))), "value").into();
    let outcome = outcome_of(&promise).await;
    settle_frames().await;
    probe.stop();
    assert_eq!(status(&outcome), "aborted", "cancel() from an animation frame should abort the burst, got {outcome:?}");
    assert!(probe.text_at_cancel() > 0, "the answer should have been partly on screen when cancel() ran");
    let received = prop(&outcome, "bytes").as_f64().unwrap_or(f64::NAN);
    assert!(received < text.len() as f64, "cancel() should have stopped the burst before its end ({received} bytes)");
    assert_eq!(text_length(&container), probe.text_at_cancel() as u32, "the DOM should stay as cancel() left it");
    assert_eq!(prop(&r, "mutations").as_f64(), Some(probe.mutations_at_cancel()), "no mutation after cancel()");
    assert_eq!(source.cancel_calls(), 1, "the source should have been cancelled once");
}

#[wasm_bindgen_test]
async fn an_sse_burst_is_sliced_inside_events_and_ends_done_at_its_terminal_marker() {
    // Slices cut SSE events and UTF-8 sequences anywhere; the terminal marker arrives in the last slice.
    let text = burst_document(64 * 1024);
    let deltas: Vec<&str> = text.split_inclusive('\n').collect();
    let source = BurstSource::new(&openai_body(&deltas), 16 * 1024);
    let (container, r) = renderer();
    r.set_frame_budget_ms(0.0);
    let probe = FrameProbe::new(&container, &source);
    let outcome = outcome_of(&r.stream(source.stream().into(), dialect("openai"))).await;
    probe.stop();
    assert_eq!(status(&outcome), "done", "the burst should end done at [DONE], got {outcome:?}");
    assert_eq!(prop_str(&outcome, "text").as_deref(), Some(text.as_str()), "outcome.text should be every delta");
    assert!(
        probe.pieces_followed_by_a_frame(source.piece_count()) >= 2,
        "frames should have come between the pieces of the body"
    );
    let (reference, one_shot) = renderer();
    one_shot.write(&text).expect("write");
    one_shot.finish().expect("finish() should end the written answer");
    assert!(outline(&container) == outline(&reference), "the final DOM should equal the one-shot render");
}
