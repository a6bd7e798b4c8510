//! The JavaScript edge under misuse and hostile pages (issue 14's defects), in a real browser (headless Chromium and
//! Firefox through build.sh): option errors, `free()` mid-stream, calls back into the renderer from inside its own
//! DOM changes, the first token of `dialect: "auto"`, surrogate pairs split across chunks, page objects that throw,
//! byte views of every kind, a host-aborted body, and the serialised values against the `.d.ts`.
//!
//! Everything is called through the renderer's JS object, as a page calls it. Fixtures: `tests/js/fixtures.js`
//! (sources, waiting) and `tests/js/edge_fixtures.js` (hostile objects, DOM hooks, the `.d.ts` checker).

#![cfg(target_arch = "wasm32")]

use js_sys::{Array, Object, Promise, Reflect, Uint8Array};
use rillmark::web::Renderer;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use web_sys::{Element, ReadableStream};

wasm_bindgen_test_configure!(run_in_browser);

mod web_support;
use web_support::*;

#[wasm_bindgen(module = "/tests/js/edge_fixtures.js")]
extern "C" {
    fn construct(class: &JsValue, container: &JsValue, options: &JsValue) -> JsValue;
    #[wasm_bindgen(js_name = throwingOptions)]
    fn throwing_options() -> JsValue;
    #[wasm_bindgen(js_name = throwingInit)]
    fn throwing_init() -> JsValue;
    #[wasm_bindgen(js_name = bytesAs)]
    fn bytes_as(kind: &str, text: &str) -> JsValue;
    #[wasm_bindgen(js_name = proxiedResponse)]
    fn proxied_response(text: &str) -> JsValue;
    #[wasm_bindgen(js_name = surrogateHalves)]
    fn surrogate_halves() -> Array;
    #[wasm_bindgen(js_name = removalFiresFocusout)]
    fn removal_fires_focusout() -> bool;
    #[wasm_bindgen(js_name = disposeIfSupported)]
    fn dispose_if_supported(renderer: &JsValue) -> bool;
    #[wasm_bindgen(js_name = checkAgainstDts)]
    fn check_against_dts(dts: &str, name: &str, value: &JsValue) -> Array;

    type OddSource;
    #[wasm_bindgen(constructor)]
    fn new(chunks: &Array, how: &str) -> OddSource;
    #[wasm_bindgen(method, getter)]
    fn stream(this: &OddSource) -> ReadableStream;
    #[wasm_bindgen(method, getter, js_name = cancelCalls)]
    fn cancel_calls(this: &OddSource) -> u32;

    type DomHook;
    #[wasm_bindgen(constructor)]
    fn new() -> DomHook;
    #[wasm_bindgen(method)]
    fn arm(this: &DomHook, target: &JsValue, member: &str, args: &Array);
    #[wasm_bindgen(method, getter)]
    fn calls(this: &DomHook) -> u32;
    #[wasm_bindgen(method, getter, js_name = lastResult)]
    fn last_result(this: &DomHook) -> JsValue;
    #[wasm_bindgen(method)]
    fn restore(this: &DomHook);

    type FocusoutProbe;
    #[wasm_bindgen(constructor)]
    fn new(container: &Element, target: &JsValue, member: &str, args: &Array) -> FocusoutProbe;
    #[wasm_bindgen(method, getter)]
    fn fired(this: &FocusoutProbe) -> bool;
    #[wasm_bindgen(method, getter)]
    fn focused(this: &FocusoutProbe) -> bool;
    #[wasm_bindgen(method, getter)]
    fn result(this: &FocusoutProbe) -> JsValue;
}

/// The declarations the package ships, checked against what the renderer really hands out.
const DTS: &str = include_str!("../src/web/rillmark.d.ts");

const SETTLE_MS: u32 = 30_000;

// ----------------------------------------------------------------------------------------------------------------
// Helpers

fn prop(value: &JsValue, key: &str) -> JsValue {
    Reflect::get(value, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn prop_str(value: &JsValue, key: &str) -> Option<String> {
    prop(value, key).as_string()
}

fn object(pairs: &[(&str, JsValue)]) -> JsValue {
    let object = Object::new();
    for (key, value) in pairs {
        Reflect::set(&object, &JsValue::from_str(key), value).unwrap();
    }
    object.into()
}

fn dialect(name: &str) -> JsValue {
    object(&[("dialect", name.into())])
}

fn renderer_class() -> JsValue {
    // The class object, as a page imports it: the constructor of any instance.
    let probe: JsValue = Renderer::new(make_container().into(), JsValue::UNDEFINED).unwrap().into();
    let class = prop(&probe, "constructor");
    call(&probe, "free", &[]);
    class
}

/// A renderer's JS object (as a page holds it), drawing into a fresh container, with `options`.
fn js_renderer_with(options: JsValue) -> (Element, JsValue) {
    let container = make_container();
    let renderer = Renderer::new(container.clone().into(), options).expect("new Renderer() should succeed");
    (container, renderer.into())
}

fn js_renderer() -> (Element, JsValue) {
    js_renderer_with(JsValue::UNDEFINED)
}

fn call(target: &JsValue, method: &str, args: &[JsValue]) -> JsValue {
    try_call(target, method, &args.iter().collect())
}

fn call_promise(target: &JsValue, method: &str, args: &[JsValue]) -> Promise {
    let call = call(target, method, args);
    assert_eq!(prop(&call, "threw").as_bool(), Some(false), "{method}() should return a promise, not throw: {call:?}");
    prop(&call, "value").dyn_into().expect("the value should be a promise")
}

async fn wait(promise: Promise) -> JsValue {
    JsFuture::from(promise).await.expect("a fixture promise should not reject")
}

/// The outcome `promise` fulfils with (within [`SETTLE_MS`]); checks it against the `.d.ts` and that the verified
/// finish repaired nothing and no render took a shown word away.
async fn outcome_of(promise: &Promise) -> JsValue {
    let settled = wait(settle_js(promise, SETTLE_MS)).await;
    assert_eq!(
        prop_str(&settled, "state").as_deref(),
        Some("fulfilled"),
        "the outcome promise should fulfil (got {settled:?})"
    );
    let outcome = prop(&settled, "value");
    assert_matches_dts("Outcome", &outcome);
    assert_eq!(prop(&outcome, "finishRepairs").as_f64(), Some(0.0), "the verified finish should repair nothing");
    assert_eq!(prop(&outcome, "shownTextLosses").as_f64(), Some(0.0), "no render should take a shown word away");
    outcome
}

fn status(outcome: &JsValue) -> String {
    prop_str(outcome, "status").unwrap_or_else(|| format!("<no status in {outcome:?}>"))
}

fn error_field(outcome: &JsValue, key: &str) -> Option<String> {
    prop(&prop(outcome, "error"), key).as_string()
}

async fn settle_frames() {
    wait(quiesce(3, 50)).await;
}

#[track_caller]
fn assert_matches_dts(type_name: &str, value: &JsValue) {
    let problems: Vec<String> = check_against_dts(DTS, type_name, value).iter().filter_map(|p| p.as_string()).collect();
    assert!(problems.is_empty(), "the value should match the .d.ts type {type_name}: {problems:#?}");
}

/// A thrown value that is a JS `TypeError` (not a trap) whose message contains every needle.
#[track_caller]
fn assert_type_error(thrown: &JsValue, needles: &[&str], what: &str) {
    assert!(thrown.is_instance_of::<js_sys::TypeError>(), "{what} should throw a TypeError, got {thrown:?}");
    let message = prop_str(thrown, "message").unwrap_or_default();
    for needle in needles {
        assert!(message.contains(needle), "{what}: the message should contain {needle:?}, got {message:?}");
    }
}

#[track_caller]
fn assert_no_trap(result: &JsValue, what: &str) {
    assert!(!prop(result, "isTrap").as_bool().unwrap_or(false), "{what} should never trap: {result:?}");
}

fn bytes(text: &str) -> JsValue {
    Uint8Array::from(text.as_bytes()).into()
}

fn chunks(values: &[JsValue]) -> Array {
    values.iter().collect()
}

// ----------------------------------------------------------------------------------------------------------------
// 1. Options: a wrong type, an unknown value or an unknown key throws a TypeError naming the option

#[wasm_bindgen_test]
fn every_bad_option_throws_a_type_error_that_names_it_and_what_it_expects() {
    let container = make_container();
    let cases: [(&str, JsValue, &[&str]); 10] = [
        ("dialect: 42", object(&[("dialect", 42.into())]), &["option \"dialect\"", "\"auto\" or a dialect name", "42"]),
        ("dialect: null", object(&[("dialect", JsValue::NULL)]), &["option \"dialect\"", "null"]),
        ("dialect: \"klingon\"", dialect("klingon"), &["option \"dialect\"", "\"klingon\"", "\"openai\""]),
        ("gfm: \"yes\"", object(&[("gfm", "yes".into())]), &["option \"gfm\"", "a boolean"]),
        ("math: 1", object(&[("math", 1.into())]), &["option \"math\"", "a boolean"]),
        ("unsafe: null", object(&[("unsafe", JsValue::NULL)]), &["option \"unsafe\"", "a boolean"]),
        ("images: 42", object(&[("images", 42.into())]), &["option \"images\"", "\"block\", \"allow\" or an array"]),
        (
            "links: \"nowhere\"",
            object(&[("links", "nowhere".into())]),
            &["option \"links\"", "\"same-tab\" or \"new-tab\""],
        ),
        ("onEvent: 5", object(&[("onEvent", 5.into())]), &["option \"onEvent\"", "a function"]),
        ("dialekt: \"openai\"", object(&[("dialekt", "openai".into())]), &["dialekt", "dialect"]),
    ];
    for (name, options, needles) in cases {
        match Renderer::new(container.clone().into(), options) {
            Ok(_) => panic!("new Renderer(el, {{ {name} }}) should throw"),
            Err(thrown) => assert_type_error(&thrown, needles, &format!("new Renderer(el, {{ {name} }})")),
        }
    }
    let images = object(&[("images", Array::of2(&"https://a.example".into(), &7.into()).into())]);
    let thrown =
        Renderer::new(container.clone().into(), images).err().expect("an origin that is a number should throw");
    assert_type_error(&thrown, &["option \"images\""], "images with a number among the origins");
}

#[wasm_bindgen_test]
fn options_that_are_undefined_take_their_defaults_and_good_options_are_accepted() {
    let container = make_container();
    let good = object(&[
        ("dialect", JsValue::UNDEFINED),
        ("gfm", false.into()),
        ("images", Array::of1(&"https://cdn.example".into()).into()),
        ("links", "new-tab".into()),
        ("onEvent", js_sys::Function::new_no_args("").into()),
    ]);
    assert!(Renderer::new(container.into(), good).is_ok(), "well-typed options and undefined ones should be accepted");
}

#[wasm_bindgen_test]
fn options_that_throw_when_read_are_a_type_error_not_a_trap() {
    let container: JsValue = make_container().into();
    let result = construct(&renderer_class(), &container, &throwing_options());
    assert_no_trap(&result, "new Renderer() with a Proxy of options whose traps throw");
    assert_eq!(prop(&result, "isTypeError").as_bool(), Some(true), "it should throw a TypeError: {result:?}");
    let result = construct(&renderer_class(), &container, &JsValue::from("gfm"));
    assert_eq!(prop(&result, "isTypeError").as_bool(), Some(true), "options that are a string should be a TypeError");
}

#[wasm_bindgen_test]
async fn a_bad_stream_option_rejects_with_a_type_error_naming_it() {
    let (_container, r) = js_renderer();
    let source = ScriptedSource::new(&chunks(&[bytes("x")]), "close");
    let promise = call_promise(&r, "stream", &[source.stream().into(), object(&[("dialect", 42.into())])]);
    let settled = wait(settle_js(&promise, SETTLE_MS)).await;
    assert_eq!(prop_str(&settled, "state").as_deref(), Some("rejected"), "stream() with dialect: 42 should reject");
    assert_type_error(&prop(&settled, "error"), &["option \"dialect\""], "stream(source, { dialect: 42 })");
    assert_eq!(prop_str(&r, "status").as_deref(), Some("idle"), "a rejected stream() should leave the renderer idle");
}

// ----------------------------------------------------------------------------------------------------------------
// 2. free() and [Symbol.dispose] mid-stream stop the stream

#[wasm_bindgen_test]
async fn free_during_a_stream_cancels_it_and_the_promise_settles_aborted() {
    let (container, r) = js_renderer_with(dialect("plain"));
    let source = ScriptedSource::new(&chunks(&[bytes("Shown before free.")]), "hang");
    let promise = call_promise(&r, "stream", &[source.stream().into()]);
    wait(wait_until_at_least(&source, "pulls", 2.0, 5_000)).await;
    settle_frames().await;
    let log = MutationLog::new(&container);
    let freed = call(&r, "free", &[]);
    assert_eq!(prop(&freed, "threw").as_bool(), Some(false), "free() mid-stream should not throw: {freed:?}");
    let outcome = outcome_of(&promise).await;
    assert_eq!(status(&outcome), "aborted", "the promise of a freed renderer should settle aborted");
    assert_eq!(outline(&container), r#"p("Shown before free.")"#, "what arrived should stay rendered");
    settle_frames().await;
    log.take();
    settle_frames().await;
    assert_eq!(log.take(), 0, "nothing should change in the DOM after free()");
    assert_eq!(source.cancel_calls(), 1, "the source should be cancelled when the renderer is freed");
}

#[wasm_bindgen_test]
async fn free_from_inside_on_event_cancels_the_stream() {
    let recorder = EventRecorder::new(false);
    let (container, r) = js_renderer_with(object(&[("onEvent", recorder.callback().into())]));
    recorder.call_on("text", &r, "free");
    let source =
        ScriptedSource::new(&chunks(&[bytes("data: {\"choices\":[{\"delta\":{\"content\":\"One\"}}]}\n\n")]), "hang");
    let promise = call_promise(&r, "stream", &[source.stream().into(), dialect("openai")]);
    let outcome = outcome_of(&promise).await;
    assert!(!recorder.hook_threw(), "free() from inside onEvent should not throw");
    assert_eq!(status(&outcome), "aborted", "free() from onEvent should settle the promise aborted");
    assert_eq!(outline(&container), r#"p("One")"#, "the text before free() should be rendered");
    settle_frames().await;
    assert_eq!(source.cancel_calls(), 1, "the source should be cancelled");
}

#[wasm_bindgen_test]
async fn symbol_dispose_during_a_stream_cancels_it_where_the_runtime_has_it() {
    let (_container, r) = js_renderer_with(dialect("plain"));
    let source = ScriptedSource::new(&chunks(&[bytes("Disposed.")]), "hang");
    let promise = call_promise(&r, "stream", &[source.stream().into()]);
    wait(wait_until_at_least(&source, "pulls", 2.0, 5_000)).await;
    if dispose_if_supported(&r) {
        assert_eq!(status(&outcome_of(&promise).await), "aborted", "[Symbol.dispose]() should settle aborted");
        settle_frames().await;
        assert_eq!(source.cancel_calls(), 1, "the source should be cancelled on dispose");
    } else {
        // No Symbol.dispose in this runtime: free() is the only way, tested above.
        call(&r, "free", &[]);
        assert_eq!(status(&outcome_of(&promise).await), "aborted", "free() should settle aborted");
    }
}

#[wasm_bindgen_test]
async fn free_from_inside_the_sources_pull_cancels_the_stream() {
    let (container, r) = js_renderer_with(dialect("plain"));
    let source = ScriptedSource::new(&chunks(&[bytes("Before free. "), bytes("never shown")]), "hang");
    source.call_on_pull(2, &r, "free");
    let outcome = outcome_of(&call_promise(&r, "stream", &[source.stream().into()])).await;
    assert!(!source.hook_threw(), "free() from inside pull should not throw");
    assert_eq!(status(&outcome), "aborted", "free() from pull should settle the promise aborted, got {outcome:?}");
    assert_eq!(outline(&container), r#"p("Before free.")"#, "the text before free() should be rendered, no more");
}

#[wasm_bindgen_test]
async fn cancel_or_free_from_inside_on_patch_ends_the_stream_aborted() {
    for member in ["cancel", "free"] {
        let calls = std::rc::Rc::new(std::cell::Cell::new(0u32));
        let target: std::rc::Rc<std::cell::RefCell<JsValue>> = Default::default();
        let on_patch = Closure::<dyn FnMut(JsValue)>::new({
            let (calls, target) = (calls.clone(), target.clone());
            move |_ops: JsValue| {
                calls.set(calls.get() + 1);
                if calls.get() == 1 {
                    let result = call(&target.borrow(), member, &[]);
                    assert_eq!(prop(&result, "threw").as_bool(), Some(false), "{member}() from onPatch should work");
                }
            }
        });
        let options = object(&[("onPatch", on_patch.as_ref().clone()), ("dialect", "plain".into())]);
        let r: JsValue = Renderer::new(JsValue::NULL, options).unwrap().into();
        *target.borrow_mut() = r.clone();
        let source = ScriptedSource::new(&chunks(&[bytes("First batch."), bytes(" More.")]), "hang");
        let outcome = outcome_of(&call_promise(&r, "stream", &[source.stream().into()])).await;
        assert_eq!(status(&outcome), "aborted", "{member}() from onPatch should end aborted, got {outcome:?}");
        settle_frames().await;
        assert_eq!(source.cancel_calls(), 1, "{member}() from onPatch should cancel the source");
    }
}

// ----------------------------------------------------------------------------------------------------------------
// 3. Calls back into the renderer from inside its own DOM changes

const FIRST: &str = "- [ ] task [link](http://a.example/) more";
const SECOND: &str = "\n\n  para\n- second";

/// Every public member a page might touch from inside a patch, with its arguments.
fn reentry_members() -> Vec<(&'static str, Array)> {
    vec![
        ("status", Array::new()),
        ("text", Array::new()),
        ("stats", Array::new()),
        ("mutations", Array::new()),
        ("flush", Array::new()),
        ("write", Array::of1(&" extra".into())),
        ("finish", Array::new()),
        ("cancel", Array::new()),
        ("free", Array::new()),
    ]
}

#[wasm_bindgen_test]
async fn page_code_run_by_a_dom_change_may_call_any_member_without_trapping() {
    for (member, args) in reentry_members() {
        let (container, r) = js_renderer();
        call(&r, "write", &[FIRST.into()]);
        call(&r, "flush", &[]);
        let hook = DomHook::new();
        hook.arm(&r, member, &args);
        call(&r, "write", &[SECOND.into()]);
        let flushed = call(&r, "flush", &[]);
        hook.restore();
        assert_eq!(hook.calls(), 1, "{member}: the content script should have run inside the patch");
        let inner = hook.last_result();
        assert_no_trap(&inner, &format!("{member} from inside a DOM change"));
        if member != "free" {
            // free() throws by wasm-bindgen's design while a method of the object runs (the renderer is freed, and
            // its stream cancelled, when that call returns); every other member answers.
            assert_eq!(
                prop(&inner, "threw").as_bool(),
                Some(false),
                "{member} from inside a DOM change should work: {inner:?}"
            );
        }
        assert_no_trap(&flushed, &format!("the flush() around {member}"));
        assert_eq!(prop(&flushed, "threw").as_bool(), Some(false), "{member}: the outer flush() should not throw");
        if member == "free" {
            continue; // the object is gone (or goes once the outer call returns); nothing more to ask it
        }
        let finished = call(&r, "finish", &[]);
        assert_eq!(prop(&finished, "threw").as_bool(), Some(false), "{member}: finish() should still answer");
        let state = prop_str(&r, "status").unwrap_or_default();
        let expected = if member == "cancel" { "aborted" } else { "done" };
        assert_eq!(state, expected, "{member}: the renderer should end {expected}");
        if member != "cancel" {
            let mut text = format!("{FIRST}{SECOND}");
            if member == "write" {
                text.push_str(" extra");
            }
            let one_shot = make_container();
            let reference = Renderer::new(one_shot.clone().into(), JsValue::UNDEFINED).unwrap();
            reference.write(&text).unwrap();
            reference.finish().unwrap();
            assert_eq!(outline(&container), outline(&one_shot), "{member}: the DOM should equal the one-shot render");
        }
    }
}

#[wasm_bindgen_test]
async fn cancel_from_a_dom_change_leaves_no_mutation_after_the_update_returns() {
    let (container, r) = js_renderer();
    call(&r, "write", &[FIRST.into()]);
    call(&r, "flush", &[]);
    let hook = DomHook::new();
    hook.arm(&r, "cancel", &Array::new());
    call(&r, "write", &[SECOND.into()]);
    call(&r, "flush", &[]);
    hook.restore();
    assert_eq!(prop_str(&r, "status").as_deref(), Some("aborted"), "cancel() from inside the patch should abort");
    let log = MutationLog::new(&container);
    call(&r, "flush", &[]);
    settle_frames().await;
    assert_eq!(log.take(), 0, "no DOM mutation should happen once the update that cancelled returned");
    let text = container.text_content().unwrap_or_default();
    assert!(text.contains("second"), "the text written before cancel() should be rendered, got {text:?}");
}

/// The issue's scenario: a focused link removed by the update fires `focusout` (in browsers that fire it on
/// removal), whose listener reads `status` or calls `cancel()`.
#[wasm_bindgen_test]
async fn a_focusout_listener_fired_by_the_update_may_read_status_or_cancel() {
    let fires = removal_fires_focusout();
    for member in ["status", "cancel", "text"] {
        let (container, r) = js_renderer();
        call(&r, "write", &[FIRST.into()]);
        call(&r, "flush", &[]);
        let probe = FocusoutProbe::new(&container, &r, member, &Array::new());
        call(&r, "write", &[SECOND.into()]);
        let flushed = call(&r, "flush", &[]);
        assert_no_trap(&flushed, &format!("flush() with a focusout listener calling {member}"));
        if fires {
            assert!(probe.focused(), "{member}: the link should have taken focus");
            assert!(probe.fired(), "{member}: this browser fires focusout on removal, so the listener should run");
            let result = probe.result();
            assert_eq!(prop(&result, "threw").as_bool(), Some(false), "{member} from focusout should work: {result:?}");
        }
        let status = prop_str(&r, "status").unwrap_or_default();
        assert!(!status.is_empty(), "{member}: the renderer should still answer after the update");
        call(&r, "finish", &[]);
    }
}

#[wasm_bindgen_test]
async fn a_content_script_calling_cancel_during_a_streamed_patch_ends_the_stream_aborted() {
    let (container, r) = js_renderer_with(dialect("plain"));
    let source = ScriptedSource::new(&chunks(&[bytes(FIRST), bytes(SECOND)]), "hang");
    let hook = DomHook::new();
    // The first DOM change of the stream's first render calls cancel().
    hook.arm(&r, "cancel", &Array::new());
    let promise = call_promise(&r, "stream", &[source.stream().into()]);
    let outcome = outcome_of(&promise).await;
    hook.restore();
    assert_eq!(status(&outcome), "aborted", "cancel() from a DOM change mid-stream should abort, got {outcome:?}");
    assert!(hook.calls() >= 1, "the content script should have run");
    assert_no_trap(&hook.last_result(), "cancel() from a DOM change mid-stream");
    assert!(container.text_content().unwrap_or_default().contains("task"), "the first chunk should stay rendered");
}

// ----------------------------------------------------------------------------------------------------------------
// 4. dialect: "auto" renders the first text at once

#[wasm_bindgen_test]
async fn auto_renders_the_first_plain_text_before_any_newline_and_tells_on_event() {
    let recorder = EventRecorder::new(false);
    for source_kind in ["stream", "text/plain response"] {
        let (container, r) = js_renderer_with(object(&[("onEvent", recorder.callback().into())]));
        let source = ScriptedSource::new(&chunks(&[bytes("An eight-hundred character paragraph begins")]), "hang");
        let given: JsValue = match source_kind {
            "stream" => source.stream().into(),
            _ => make_response(&source.stream().into(), 200, "text/plain; charset=utf-8").into(),
        };
        let promise = call_promise(&r, "stream", &[given]);
        wait(wait_until_at_least(&source, "pulls", 2.0, 5_000)).await;
        settle_frames().await;
        assert_eq!(
            container.text_content().unwrap_or_default(),
            "An eight-hundred character paragraph begins",
            "[{source_kind}] the first text should show before any newline arrives"
        );
        assert!(
            recorder.log().contains("text:An eight"),
            "[{source_kind}] onEvent should have the text: {}",
            recorder.log()
        );
        call(&r, "cancel", &[]);
        assert_eq!(status(&outcome_of(&promise).await), "aborted", "[{source_kind}] cancel() should end it");
    }
}

// ----------------------------------------------------------------------------------------------------------------
// 5. Surrogate pairs split across string chunks

#[wasm_bindgen_test]
fn a_surrogate_pair_split_across_two_writes_is_joined() {
    let (container, r) = js_renderer();
    let halves = surrogate_halves();
    call(&r, "write", &["smile ".into()]);
    call(&r, "write", &[halves.get(0)]);
    call(&r, "flush", &[]);
    call(&r, "write", &[halves.get(1)]);
    call(&r, "write", &[" done".into()]);
    call(&r, "finish", &[]);
    assert_eq!(outline(&container), "p(\"smile \u{1F600} done\")", "the pair should render as one character");
    assert_eq!(prop_str(&r, "text").as_deref(), Some("smile \u{1F600} done"), "the text should hold the pair");
}

#[wasm_bindgen_test]
fn a_high_surrogate_left_unpaired_at_the_end_shows_as_a_replacement_character() {
    let (container, r) = js_renderer();
    call(&r, "write", &["end ".into()]);
    call(&r, "write", &[surrogate_halves().get(0)]);
    call(&r, "finish", &[]);
    assert_eq!(outline(&container), "p(\"end \u{FFFD}\")", "an unpaired half should not vanish silently");
}

#[wasm_bindgen_test]
async fn a_surrogate_pair_split_across_string_chunks_of_a_stream_is_joined() {
    let (container, r) = js_renderer_with(dialect("plain"));
    let halves = surrogate_halves();
    let source = ScriptedSource::new(
        &chunks(&[JsValue::from("a "), halves.get(0), halves.get(1), JsValue::from(" b")]),
        "close",
    );
    let outcome = outcome_of(&call_promise(&r, "stream", &[source.stream().into()])).await;
    assert_eq!(status(&outcome), "done", "a plain string stream should end done");
    assert_eq!(outline(&container), "p(\"a \u{1F600} b\")", "the pair split across chunks should be joined");
}

// ----------------------------------------------------------------------------------------------------------------
// 6. Page objects that throw

#[wasm_bindgen_test]
async fn a_stream_errored_with_a_hostile_value_settles_as_a_network_error() {
    for how in ["throwing-message", "proxy"] {
        let (container, r) = js_renderer_with(dialect("plain"));
        let source = OddSource::new(&chunks(&[bytes("Kept text.")]), how);
        let outcome = outcome_of(&call_promise(&r, "stream", &[source.stream().into()])).await;
        assert_eq!(status(&outcome), "error", "[{how}] the stream should end with error, got {outcome:?}");
        assert_eq!(error_field(&outcome, "kind").as_deref(), Some("network"), "[{how}] the kind should be network");
        assert_eq!(outline(&container), r#"p("Kept text.")"#, "[{how}] what arrived should stay rendered");
        let again = call(&r, "cancel", &[]);
        assert_no_trap(&again, &format!("[{how}] cancel() afterwards"));
    }
}

#[wasm_bindgen_test]
async fn a_fetch_init_with_a_throwing_getter_settles_as_a_usage_error() {
    let (_container, r) = js_renderer();
    let promise = call_promise(&r, "fetch", &["data:text/plain,hello".into(), throwing_init()]);
    let outcome = outcome_of(&promise).await;
    assert_eq!(status(&outcome), "error", "fetch() with a throwing init should end with error, got {outcome:?}");
    assert_eq!(error_field(&outcome, "kind").as_deref(), Some("usage"), "the kind should be usage");
    let message = error_field(&outcome, "message").unwrap_or_default();
    assert!(message.contains("init getter (scripted)"), "the message should carry the page's error, got {message:?}");
}

#[wasm_bindgen_test]
async fn a_proxy_of_a_response_settles_as_a_usage_error() {
    let (_container, r) = js_renderer();
    let outcome = outcome_of(&call_promise(&r, "stream", &[proxied_response("hi")])).await;
    assert_eq!(status(&outcome), "error", "a proxied Response should end with error, got {outcome:?}");
}

// ----------------------------------------------------------------------------------------------------------------
// 7. Byte chunks of every ArrayBufferView type; anything else is a usage error

#[wasm_bindgen_test]
async fn chunks_of_every_byte_view_are_read_as_bytes() {
    for kind in ["DataView", "Int16Array", "Uint8ClampedArray", "ArrayBuffer"] {
        let (container, r) = js_renderer_with(dialect("plain"));
        let source =
            ScriptedSource::new(&chunks(&[bytes_as(kind, "Bytes *in* é "), bytes_as(kind, "views.")]), "close");
        let outcome = outcome_of(&call_promise(&r, "stream", &[source.stream().into()])).await;
        assert_eq!(status(&outcome), "done", "[{kind}] the stream should end done, got {outcome:?}");
        let text = prop_str(&outcome, "text").unwrap_or_default();
        assert!(text.starts_with("Bytes *in* é views."), "[{kind}] every byte should be read, got {text:?}");
        assert!(
            outline(&container).contains("em(\"in\")"),
            "[{kind}] the markdown should render: {}",
            outline(&container)
        );
    }
}

#[wasm_bindgen_test]
async fn a_chunk_that_is_neither_bytes_nor_text_is_a_usage_error_that_cancels_the_source() {
    for (name, chunk) in
        [("a number", JsValue::from(42)), ("an object", object(&[("length", 3.into())])), ("null", JsValue::NULL)]
    {
        let (container, r) = js_renderer_with(dialect("plain"));
        let source = ScriptedSource::new(&chunks(&[bytes("Before. "), chunk, bytes("never")]), "hang");
        let outcome = outcome_of(&call_promise(&r, "stream", &[source.stream().into()])).await;
        assert_eq!(status(&outcome), "error", "[{name}] the stream should end with error, got {outcome:?}");
        assert_eq!(error_field(&outcome, "kind").as_deref(), Some("usage"), "[{name}] the kind should be usage");
        assert_eq!(outline(&container), r#"p("Before.")"#, "[{name}] the bytes before should stay rendered");
        settle_frames().await;
        assert_eq!(source.cancel_calls(), 1, "[{name}] the source should be cancelled");
    }
}

// ----------------------------------------------------------------------------------------------------------------
// 8. A body the host aborted ends aborted

#[wasm_bindgen_test]
async fn a_response_body_aborted_by_the_host_ends_aborted() {
    let (container, r) = js_renderer();
    let source = OddSource::new(&chunks(&[bytes("Partial answer")]), "abort");
    let response = make_response(&source.stream().into(), 200, "text/plain");
    let outcome = outcome_of(&call_promise(&r, "stream", &[response.into()])).await;
    assert_eq!(status(&outcome), "aborted", "a body errored with AbortError should end aborted, got {outcome:?}");
    assert_eq!(outline(&container), r#"p("Partial answer")"#, "what arrived should stay rendered");
}

// ----------------------------------------------------------------------------------------------------------------
// 9. What the host receives matches the .d.ts

#[wasm_bindgen_test]
async fn events_ops_stats_and_outcomes_match_their_typescript_declarations() {
    // Events of every kind a stream gives: text, reasoning, tool call, usage, unknown, malformed, finish.
    let events = Array::new();
    let collect = Closure::<dyn FnMut(JsValue)>::new({
        let events = events.clone();
        move |event: JsValue| {
            events.push(&event);
        }
    });
    let ops = Array::new();
    let collect_ops = Closure::<dyn FnMut(JsValue)>::new({
        let ops = ops.clone();
        move |batch: JsValue| {
            for op in Array::from(&batch).iter() {
                ops.push(&op);
            }
        }
    });
    let container = make_container();
    let options = object(&[
        ("onEvent", collect.as_ref().clone()),
        ("onPatch", collect_ops.as_ref().clone()),
        ("dialect", "openai".into()),
    ]);
    let r: JsValue = Renderer::new(container.into(), options).unwrap().into();
    let body = [
        r#"data: {"choices":[{"delta":{"reasoning_content":"Think."}}]}"#,
        r##"data: {"choices":[{"delta":{"content":"# Title\n\n*A* [l](http://x.example) `c`\n\n| a |\n|---|\n| b |"}}]}"##,
        r#"data: {"choices":[{"delta":{"tool_calls":[{"index":0,"id":"call_1","function":{"name":"f","arguments":"{\"a\":"}}]}}]}"#,
        r#"data: {"choices":[{"delta":{"tool_calls":[{"index":0,"function":{"arguments":"1}"}}]}}]}"#,
        r#"data: not json"#,
        r#"data: {"choices":[{"delta":{},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":5}}"#,
        r#"data: [DONE]"#,
    ]
    .map(|frame| format!("{frame}\n\n"))
    .concat();
    let source = ScriptedSource::new(&chunks(&[bytes(&body)]), "close");
    let promise = call_promise(&r, "stream", &[source.stream().into()]);
    let live = prop(&r, "stats");
    assert_matches_dts("LiveStats", &live);
    let outcome = outcome_of(&promise).await;
    assert_eq!(status(&outcome), "done", "the stream should end done, got {outcome:?}");
    assert_matches_dts("LiveStats", &prop(&r, "stats"));
    assert_matches_dts("RendererOptions", &object(&[("dialect", "openai".into()), ("links", "new-tab".into())]));
    let mut types = Vec::new();
    for event in events.iter() {
        assert_matches_dts("StreamEvent", &event);
        types.push(prop_str(&event, "type").unwrap_or_default());
    }
    for expected in ["reasoning", "text", "toolCall", "malformed", "usage", "finish"] {
        assert!(types.iter().any(|t| t == expected), "a {expected} event should have been seen, got {types:?}");
    }
    let mut op_names = Vec::new();
    for op in ops.iter() {
        assert_matches_dts("PatchOp", &op);
        op_names.push(prop_str(&op, "op").unwrap_or_default());
    }
    for expected in ["createElement", "createText", "setAttribute", "append"] {
        assert!(op_names.iter().any(|o| o == expected), "a {expected} op should have been seen");
    }
    // An error outcome, with its nested error object.
    let (_container, failing) = js_renderer();
    let response = make_response(
        &"{\"error\":{\"message\":\"slow down\",\"type\":\"rate_limit_error\"}}".into(),
        429,
        "application/json",
    );
    let outcome = outcome_of(&call_promise(&failing, "stream", &[response.into()])).await;
    assert_eq!(status(&outcome), "error", "a 429 should end with error");
    assert_matches_dts("StreamError", &prop(&outcome, "error"));
}
