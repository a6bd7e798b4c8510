//! The host's plug-ins (issue 16) in a real browser (headless Chromium and Firefox through build.sh): `highlight`,
//! `math`, `blocks`, `codeActions` and `onBlock`, with highlighters written for the tests in
//! `tests/js/plugin_fixtures.js` (deterministic, stateful, throwing, async, hostile). Streamed char by char or in
//! seeded random chunks, the final DOM is the one-shot one; complete lines are highlighted once; `code.textContent`
//! is the code exactly; nothing a plug-in returns becomes markup.

#![cfg(target_arch = "wasm32")]

use js_sys::{Function, Object, Reflect};
use rillmark::web::Renderer;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use web_sys::Element;

wasm_bindgen_test_configure!(run_in_browser);

mod web_support;
use web_support::{make_container, quiesce};

#[wasm_bindgen(module = "/tests/js/plugin_fixtures.js")]
extern "C" {
    #[wasm_bindgen(js_name = resetCounts)]
    fn reset_counts();
    fn calls() -> u32;
    #[wasm_bindgen(js_name = linesHighlighted)]
    fn lines_highlighted() -> u32;
    fn fixture(name: &str) -> Function;
    #[wasm_bindgen(js_name = pluginHits)]
    fn plugin_hits() -> u32;
    #[wasm_bindgen(js_name = expectedDescription)]
    fn expected_description(code: &str) -> String;
    #[wasm_bindgen(js_name = describeCode)]
    fn describe_code(code: &Element) -> String;
    #[wasm_bindgen(js_name = attributesIn)]
    fn attributes_in(root: &Element) -> String;
    #[wasm_bindgen(js_name = mathCalls)]
    fn math_calls() -> String;
    #[wasm_bindgen(js_name = blockCalls)]
    fn block_calls() -> String;
    #[wasm_bindgen(js_name = onBlockLog)]
    fn on_block_log(container: &Element) -> String;
}

/// Rust-like code with a comment over two lines, and one over twelve: longer than a stateless highlighter's context
/// window, so only the final whole-block pass of a stateless highlighter colours its last line as the one-shot
/// highlight does (a stateful one carries the comment across lines itself).
const CODE: &str =
    "fn main() {\n    let x = 42;\n    /* a comment\n       over lines */\n    if x { return 7; }\n\n    \
                    let y = 1;\n    /* long\n1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n    */ let z = 5;\n}\n";

fn document_with_code() -> String {
    format!("Some *text* first.\n\n```rust\n{CODE}```\n\nAfter the code.\n")
}

fn options(pairs: &[(&str, JsValue)]) -> JsValue {
    let object = Object::new();
    for (key, value) in pairs {
        Reflect::set(&object, &(*key).into(), value).unwrap();
    }
    object.into()
}

fn renderer(container: &Element, options: JsValue) -> Renderer {
    Renderer::new(container.clone().into(), options).unwrap_or_else(|e| panic!("options should be accepted: {e:?}"))
}

async fn settle() {
    JsFuture::from(quiesce(3, 30)).await.expect("quiesce should not reject");
}

/// Writes `text` in pieces of the given sizes (cycled), rendering after each, then finishes.
fn stream(r: &Renderer, text: &str, sizes: &[usize]) {
    let chars: Vec<char> = text.chars().collect();
    let (mut at, mut i) = (0, 0);
    while at < chars.len() {
        let size = sizes[i % sizes.len()].max(1);
        let end = (at + size).min(chars.len());
        r.write(&chars[at..end].iter().collect::<String>()).unwrap();
        r.flush();
        at = end;
        i += 1;
    }
    r.finish().unwrap();
}

/// Seeded chunk sizes from 1 to 9 (a small linear congruential generator: the same splits on every run).
fn random_sizes(seed: u64) -> Vec<usize> {
    let mut state = seed;
    (0..64)
        .map(|_| {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (state >> 33) as usize % 9 + 1
        })
        .collect()
}

fn code_of(container: &Element) -> Element {
    container.query_selector("pre > code").unwrap().expect("the document should show a code block")
}

/// The container's code block shows `code` exactly, in the spans a one-shot highlight of the whole code gives.
#[track_caller]
fn assert_one_shot_highlight(container: &Element, code: &str, sizes: &[usize]) {
    let element = code_of(container);
    assert_eq!(element.text_content().unwrap(), code, "code.textContent should be the code exactly");
    assert_eq!(
        describe_code(&element),
        expected_description(code),
        "the final spans should be a one-shot highlight of the whole code (chunks {sizes:?})"
    );
}

fn stat(r: &Renderer, name: &str) -> f64 {
    Reflect::get(&r.stats().unwrap(), &name.into()).unwrap().as_f64().unwrap()
}

#[wasm_bindgen_test]
async fn the_final_spans_equal_a_one_shot_highlight_however_the_code_streams() {
    for highlighter in [fixture("simple"), fixture("stateful")] {
        let mut shown = Vec::new();
        for sizes in [vec![1], random_sizes(7), random_sizes(19), vec![10_000]] {
            let container = make_container();
            let r = renderer(&container, options(&[("highlight", highlighter.clone().into())]));
            stream(&r, &document_with_code(), &sizes);
            assert_one_shot_highlight(&container, CODE, &sizes);
            assert_eq!(stat(&r, "pluginErrors"), 0.0, "a good highlighter should cause no plug-in error");
            shown.push(container.inner_html());
        }
        assert!(shown.windows(2).all(|w| w[0] == w[1]), "every split should end in the same DOM: {shown:#?}");
    }
}

#[wasm_bindgen_test]
async fn complete_lines_are_highlighted_once_and_the_last_line_shows_plain_until_it_ends() {
    let lines: String = (0..200).map(|i| format!("let v{i} = {i};\n")).collect();
    let text = format!("```js\n{lines}```\n");
    for (highlighter, bound) in
        [(fixture("stateful"), 1), (fixture("simple"), 1 + rillmark::highlight::CONTEXT_LINES as u32)]
    {
        reset_counts();
        let container = make_container();
        let r = renderer(&container, options(&[("highlight", highlighter.clone().into())]));
        r.write("```js\nlet a = 1;\nlet b").unwrap();
        r.flush();
        let code = code_of(&container);
        assert_eq!(code.query_selector_all("span.rillmark-line").unwrap().length(), 1, "one complete line so far");
        assert_eq!(code.last_child().unwrap().text_content().unwrap(), "let b", "the open line should show plain");
        r.finish().unwrap();
        reset_counts();
        let container = make_container();
        let r = renderer(&container, options(&[("highlight", highlighter.clone().into())]));
        let chars: Vec<char> = text.chars().collect();
        for piece in chars.chunks(3) {
            r.write(&piece.iter().collect::<String>()).unwrap();
            r.flush();
        }
        let streamed = lines_highlighted();
        assert!(
            streamed <= 200 * bound,
            "while streaming, 200 lines should cost at most {} highlighted lines, not {streamed}",
            200 * bound
        );
        if bound == 1 {
            assert_eq!(streamed, 200, "a stateful highlighter should see each complete line exactly once");
        }
        r.finish().unwrap();
        if bound == 1 {
            assert_eq!(
                lines_highlighted(),
                streamed,
                "a stateful highlighter has seen every line of a block that ends in a newline: no final pass"
            );
        } else {
            assert_eq!(lines_highlighted(), streamed + 200, "the final pass should highlight the whole block once");
        }
        assert_eq!(code_of(&container).text_content().unwrap(), lines);
    }
}

#[wasm_bindgen_test]
async fn a_stateful_highlighter_finishes_a_block_with_only_its_last_line_and_its_state() {
    // The last line has no newline (the answer ends inside the fence) and continues a comment opened two lines up:
    // only the state carried from the line before colours it as one pass over the whole code does.
    let code = "let a = 1;\n/* open\nstill */ let b = 2;\nfn end";
    for sizes in [vec![1], random_sizes(5), vec![10_000]] {
        reset_counts();
        let container = make_container();
        let r = renderer(&container, options(&[("highlight", fixture("stateful").into())]));
        stream(&r, &format!("```rust\n{code}"), &sizes);
        assert_one_shot_highlight(&container, code, &sizes);
        assert_eq!(
            lines_highlighted(),
            4,
            "each line should be highlighted once: the three complete ones while streaming, the last one at the end"
        );
    }
}

#[wasm_bindgen_test]
async fn a_throwing_highlighter_leaves_the_code_plain_and_is_counted() {
    reset_counts();
    let container = make_container();
    let r = renderer(&container, options(&[("highlight", fixture("throwing").into())]));
    stream(&r, &document_with_code(), &[4]);
    let code = code_of(&container);
    assert_eq!(code.text_content().unwrap(), CODE);
    assert_eq!(
        code.query_selector_all("span.rillmark-line > span").unwrap().length(),
        0,
        "no token span should be made"
    );
    assert_eq!(calls(), 1, "after a throw the block is not highlighted again");
    assert!(stat(&r, "pluginErrors") >= 1.0, "the throw should be counted in stats.pluginErrors");
    assert!(container.text_content().unwrap().contains("After the code."), "rendering should go on");
}

#[wasm_bindgen_test]
async fn an_async_highlighter_colours_the_code_when_its_promises_settle() {
    let container = make_container();
    let r = renderer(&container, options(&[("highlight", fixture("async").into())]));
    stream(&r, &document_with_code(), &random_sizes(3));
    for _ in 0..20 {
        settle().await;
        if describe_code(&code_of(&container)) == expected_description(CODE) {
            break;
        }
    }
    let code = code_of(&container);
    assert_eq!(describe_code(&code), expected_description(CODE), "the async final highlight should land");
    assert_eq!(code.text_content().unwrap(), CODE);
}

#[wasm_bindgen_test]
async fn a_late_async_result_after_cancel_changes_nothing() {
    let container = make_container();
    let r = renderer(&container, options(&[("highlight", fixture("async").into())]));
    r.write("```js\nlet a = 1;\nlet b = 2;\n").unwrap();
    r.flush();
    r.cancel();
    let before = container.inner_html();
    settle().await;
    assert_eq!(container.inner_html(), before, "no DOM mutation should happen after cancel() returns");
}

#[wasm_bindgen_test]
async fn a_hostile_highlighter_cannot_inject_markup_styles_or_classes() {
    let code = "let a = \"<img src=x onerror=alert(1)>\";\nBAD line\nlet c = 3;\n";
    let container = make_container();
    let r = renderer(&container, options(&[("highlight", fixture("hostile").into())]));
    stream(&r, &format!("```js\n{code}```\n"), &[1]);
    settle().await;
    assert_eq!(code_of(&container).text_content().unwrap(), code, "the code text should be exactly the code");
    assert_eq!(
        container.query_selector_all("img, script, b").unwrap().length(),
        0,
        "no element should come from a token"
    );
    assert_eq!(plugin_hits(), 0, "no handler should have run");
    for line in attributes_in(&container).lines() {
        let allowed = line.starts_with("code class=language-js")
            || line == "span class=rillmark-line"
            || line.starts_with("span class=ok-name")
            || line.starts_with("span class=also_ok");
        assert!(allowed, "only allowed classes and no style should be set, found: {line}");
    }
    assert!(stat(&r, "pluginErrors") >= 1.0, "tokens that do not spell their line should be counted");
}

#[wasm_bindgen_test]
async fn math_is_typeset_once_per_span_and_an_error_shows_the_tex() {
    reset_counts();
    let container = make_container();
    let r = renderer(&container, options(&[("math", fixture("math").into())]));
    stream(&r, "Inline $a+b$ and $\\bad{x}$ here.\n\n$$\nx^2\n$$\n", &[1]);
    let error = container.query_selector(".rillmark-math-error").unwrap().expect("the failing span should show");
    assert_eq!(error.text_content().unwrap(), "\\bad{x}", "a math error should show the TeX source as text");
    let good = container.query_selector("[data-math-style=inline] > .rillmark-math").unwrap().unwrap();
    assert_eq!(good.text_content().unwrap(), "I:a+b");
    let display = container.query_selector("[data-math-style=display] > .rillmark-math").unwrap().unwrap();
    assert!(display.text_content().unwrap().starts_with("D:"), "display math should be typeset with display: true");
    let calls: Vec<String> = serde_json_like(&math_calls());
    assert_eq!(calls.len(), 3, "each complete span once: {calls:?}");
    assert!(stat(&r, "pluginErrors") >= 1.0);
}

/// Parses the fixtures' JSON array of strings.
fn serde_json_like(json: &str) -> Vec<String> {
    let array: js_sys::Array = js_sys::JSON::parse(json).unwrap().unchecked_into();
    array.iter().map(|v| v.as_string().unwrap()).collect()
}

#[wasm_bindgen_test]
async fn a_block_renderer_runs_once_per_fence_when_the_fence_is_final() {
    reset_counts();
    let container = make_container();
    let blocks = options(&[("mermaid", fixture("mermaid").into())]);
    let r = renderer(&container, options(&[("blocks", blocks)]));
    let diagram = "graph TD\n  A --> B\n";
    let text = format!("```mermaid\n{diagram}```\n\nBetween.\n\n```mermaid\n{diagram}  B --> C\n```\n");
    let chars: Vec<char> = text.chars().collect();
    let open_until = text.find("```\n\nBetween").unwrap();
    for (at, c) in chars.iter().enumerate() {
        r.write(&c.to_string()).unwrap();
        r.flush();
        if at < open_until {
            assert_eq!(block_calls(), "[]", "no block renderer call while the fence is open (at {at})");
        }
    }
    r.finish().unwrap();
    let calls = serde_json_like(&block_calls());
    assert_eq!(calls, vec![diagram.to_owned(), format!("{diagram}  B --> C\n")], "once per fence, with its code");
    assert_eq!(container.query_selector_all("pre").unwrap().length(), 0, "each fence's pre should be replaced");
    assert_eq!(container.query_selector_all("div.rillmark-block[data-lang=mermaid]").unwrap().length(), 2);
}

#[wasm_bindgen_test]
async fn on_block_fires_once_per_block_with_its_type() {
    reset_counts();
    let container = make_container();
    let r = renderer(&container, options(&[("onBlock", fixture("onBlock").into())]));
    let text = "# Title\n\nA paragraph[^1].\n\n```py\nx = 1\n```\n\n- a\n- b\n\n> quote\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n\
                ---\n\nLast.\n\n[^1]: A note.\n";
    stream(&r, text, &random_sizes(11));
    assert_eq!(
        on_block_log(&container),
        r#"[["heading",null,"top"],["paragraph",null,"top"],["code","py","top"],["list",null,"top"],["quote",null,"top"],["table",null,"top"],["rule",null,"top"],["paragraph",null,"top"],["footnotes",null,"top"]]"#,
        "each block once, in order, with its type and element"
    );
}

#[wasm_bindgen_test]
async fn code_actions_label_and_copy_finished_code_blocks() {
    let container = make_container();
    let r = renderer(&container, options(&[("codeActions", true.into())]));
    r.write("```rust\nfn a() {}\n").unwrap();
    r.flush();
    assert_eq!(
        container.query_selector_all(".rillmark-code-actions").unwrap().length(),
        0,
        "not while the fence is open"
    );
    r.write("```\n\nText.\n").unwrap();
    r.finish().unwrap();
    let actions = container.query_selector("pre > .rillmark-code-actions").unwrap().expect("actions once final");
    assert_eq!(actions.query_selector(".rillmark-lang").unwrap().unwrap().text_content().unwrap(), "rust");
    assert!(actions.query_selector("button.rillmark-copy").unwrap().is_some());
    assert_eq!(code_of(&container).text_content().unwrap(), "fn a() {}\n", "the code text stays exact");
}

#[wasm_bindgen_test]
fn plugin_options_of_the_wrong_type_throw_a_type_error_naming_them() {
    let container = make_container();
    for (key, value, expects) in [
        ("highlight", JsValue::from(1), "a function"),
        ("math", JsValue::from("katex"), "a boolean or a function"),
        ("blocks", options(&[("mermaid", 1.into())]), "an object of functions by language"),
        ("codeActions", JsValue::from("yes"), "a boolean"),
        ("onBlock", JsValue::from(true), "a function"),
    ] {
        let error = match Renderer::new(container.clone().into(), options(&[(key, value)])) {
            Ok(_) => panic!("option {key} of the wrong type should throw"),
            Err(error) => error,
        };
        assert!(error.is_instance_of::<js_sys::TypeError>(), "{key}: should be a TypeError");
        let message = Reflect::get(&error, &"message".into()).unwrap().as_string().unwrap();
        assert!(message.contains(&format!("option \"{key}\" must be {expects}")), "{key}: {message}");
    }
}

#[wasm_bindgen_test]
async fn a_math_fence_is_typeset_as_display_math_once_it_is_final() {
    reset_counts();
    let container = make_container();
    let r = renderer(&container, options(&[("math", fixture("math").into()), ("onBlock", fixture("onBlock").into())]));
    stream(&r, "```math\nE = mc^2\n```\n\nText.\n", &[1]);
    let block = container.query_selector("div.rillmark-block[data-lang=math]").unwrap().expect("the fence typeset");
    assert_eq!(block.text_content().unwrap(), "D:E = mc^2", "the TeX without its final newline, display: true");
    assert_eq!(serde_json_like(&math_calls()), vec!["E = mc^2".to_owned()], "typeset once");
    assert_eq!(on_block_log(&container), r#"[["math","math","top"],["paragraph",null,"top"]]"#);
}

#[wasm_bindgen_test]
async fn a_fence_in_a_list_item_is_finished_before_its_list() {
    reset_counts();
    let container = make_container();
    let r = renderer(&container, options(&[("onBlock", fixture("onBlock").into()), ("codeActions", true.into())]));
    stream(&r, "- item\n\n  ```sh\n  ls\n  ```\n- next\n\nAfter.\n", &random_sizes(5));
    assert_eq!(
        on_block_log(&container),
        r#"[["code","sh","nested"],["list",null,"top"],["paragraph",null,"top"]]"#,
        "the nested fence gets its own call, just before its list's"
    );
    assert_eq!(container.query_selector_all("li pre > .rillmark-code-actions").unwrap().length(), 1);
}

#[wasm_bindgen_test]
async fn a_block_renderer_that_rejects_puts_the_code_block_back() {
    reset_counts();
    let container = make_container();
    let r = renderer(&container, options(&[("blocks", options(&[("mermaid", fixture("rejecting").into())]))]));
    stream(&r, "```mermaid\ngraph TD\n```\n\nText.\n", &[3]);
    for _ in 0..10 {
        settle().await;
        if container.query_selector("pre").unwrap().is_some() {
            break;
        }
    }
    assert_eq!(code_of(&container).text_content().unwrap(), "graph TD\n", "the code block should be back");
    assert_eq!(container.query_selector_all(".rillmark-block").unwrap().length(), 0, "the failed element should go");
    assert_eq!(stat(&r, "pluginErrors"), 1.0, "the rejection should be counted once");
}

#[wasm_bindgen_test]
async fn the_final_pass_corrects_what_a_stateless_window_could_not_see() {
    let container = make_container();
    let r = renderer(&container, options(&[("highlight", fixture("simple").into())]));
    let before_close = CODE.rfind("}\n").unwrap();
    let shown = &CODE[..before_close];
    let text = document_with_code();
    let open_part = &text[..text.find(CODE).unwrap() + before_close];
    for c in open_part.chars() {
        r.write(&c.to_string()).unwrap();
        r.flush();
    }
    assert_ne!(
        describe_code(&code_of(&container)),
        expected_description(shown),
        "while open, the line after a comment longer than the window should be coloured without that context"
    );
    r.write(&text[open_part.len()..]).unwrap();
    r.finish().unwrap();
    assert_eq!(describe_code(&code_of(&container)), expected_description(CODE), "the final pass should fix it");
}

#[wasm_bindgen_test]
async fn an_edited_answer_shows_its_new_code_highlighted_as_one_shot() {
    let container = make_container();
    let r = renderer(&container, options(&[("highlight", fixture("stateful").into())]));
    let first = document_with_code();
    r.update(JsValue::from(first.as_str())).unwrap();
    r.flush();
    // The edit changes a line in the middle of the code (a replaceText on the code's text) and the text after it.
    let edited_code = CODE.replace("let x = 42;", "let x = 7; // edited");
    let edited = first.replace(CODE, &edited_code).replace("After the code.", "Then this.");
    r.update(JsValue::from(edited.as_str())).unwrap();
    r.flush();
    r.finish().unwrap();
    let code = code_of(&container);
    assert_eq!(code.text_content().unwrap(), edited_code, "code.textContent should be the edited code exactly");
    assert_eq!(describe_code(&code), expected_description(&edited_code), "the edited code highlighted as one-shot");
}

#[wasm_bindgen_test]
async fn a_highlighter_answering_the_wrong_number_of_lines_leaves_the_code_plain() {
    let container = make_container();
    let r = renderer(&container, options(&[("highlight", fixture("short").into())]));
    stream(&r, &document_with_code(), &[5]);
    let code = code_of(&container);
    assert_eq!(code.text_content().unwrap(), CODE);
    assert_eq!(code.query_selector_all("span.rillmark-line > span").unwrap().length(), 0, "no token span");
    assert!(stat(&r, "pluginErrors") >= 1.0, "the wrong shape should be counted");
}
