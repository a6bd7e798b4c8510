//! Server-side rendering against the browser (issue 17, item 4), in headless Chromium (and Firefox through build.sh):
//! `rillmark::ssr::render_to_string` (what `renderToString` of `rillmark/server` returns) equals the container's
//! `innerHTML` after a `Renderer` with the same options drew the same text and finished, on real answers of the
//! corpus in every html mode and image policy; and a `Renderer` hydrating that HTML adopts it without a DOM mutation,
//! then streams on to the same final DOM as a fresh render.
//!
//! Needs the cargo features `web` and `server` (the server build's HTML parser, html5ever, in the test's wasm).

#![cfg(target_arch = "wasm32")]

use std::io::Read;

use js_sys::{Array, Object, Reflect};
use rillmark::options::{HtmlMode, ImagePolicy, RenderOptions};
use rillmark::ssr::render_to_string;
use rillmark::web::Renderer;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use web_sys::Element;

wasm_bindgen_test_configure!(run_in_browser);

/// How many real answers each check renders (half of them hold raw HTML tags).
const SAMPLE: usize = 200;

/// The corpus of real answers (tests/data/corpus/README.md), built into the test.
const CORPUS_GZ: &[u8] = include_bytes!("data/corpus/arena-hard-answers.jsonl.gz");

/// `SAMPLE` answers in corpus order: the first `SAMPLE / 2` holding something that looks like an HTML tag, and
/// every n-th of the others.
fn sample() -> Vec<String> {
    let mut text = String::new();
    flate2::read::GzDecoder::new(CORPUS_GZ).read_to_string(&mut text).expect("the corpus should be gzipped UTF-8");
    let answers: Vec<String> = text
        .lines()
        .map(|line| {
            let row: serde_json::Value = serde_json::from_str(line).expect("each corpus line should be JSON");
            row["text"].as_str().expect("each answer should have a text").to_owned()
        })
        .collect();
    let looks_like_html = |text: &str| {
        text.as_bytes().windows(2).any(|w| w[0] == b'<' && (w[1].is_ascii_alphabetic() || matches!(w[1], b'/' | b'!')))
    };
    let (html, other): (Vec<String>, Vec<String>) = answers.into_iter().partition(|t| looks_like_html(t));
    let stride = other.len() / (SAMPLE / 2);
    let mut picked: Vec<String> = html.into_iter().take(SAMPLE / 2).collect();
    picked.extend(other.into_iter().step_by(stride.max(1)).take(SAMPLE - picked.len()));
    assert_eq!(picked.len(), SAMPLE, "the corpus should have enough answers");
    picked
}

/// An option set: its name, the JS options object and the same options in Rust.
struct Case {
    name: &'static str,
    js: Vec<(&'static str, JsValue)>,
    opts: RenderOptions,
}

fn origins() -> Vec<String> {
    vec!["https://i.imgur.com".to_owned(), "https://example.com".to_owned()]
}

fn origins_js() -> JsValue {
    origins().iter().map(|o| JsValue::from_str(o)).collect::<Array>().into()
}

fn cases() -> Vec<Case> {
    let default = RenderOptions::default;
    vec![
        Case { name: "text", js: vec![], opts: default() },
        Case {
            name: "sanitize",
            js: vec![("html", "sanitize".into())],
            opts: RenderOptions { html: HtmlMode::Sanitize, ..default() },
        },
        Case {
            name: "trusted",
            js: vec![("html", "trusted".into())],
            opts: RenderOptions { html: HtmlMode::Trusted, trusted: true, ..default() },
        },
        Case {
            name: "sanitize, images allowed",
            js: vec![("html", "sanitize".into()), ("images", "allow".into())],
            opts: RenderOptions { html: HtmlMode::Sanitize, images: ImagePolicy::Allow, ..default() },
        },
        Case {
            name: "text, image origins, links in a new tab",
            js: vec![("images", origins_js()), ("links", "new-tab".into())],
            opts: RenderOptions { images: ImagePolicy::Origins(origins()), links_new_tab: true, ..default() },
        },
        Case {
            name: "sanitize, image origins, no gfm",
            js: vec![("html", "sanitize".into()), ("images", origins_js()), ("gfm", false.into())],
            opts: RenderOptions {
                html: HtmlMode::Sanitize,
                images: ImagePolicy::Origins(origins()),
                gfm: false,
                ..default()
            },
        },
    ]
}

impl Case {
    fn options(&self) -> JsValue {
        let object = Object::new();
        for (key, value) in &self.js {
            Reflect::set(&object, &(*key).into(), value).unwrap();
        }
        object.into()
    }

    fn renderer(&self, container: &Element) -> Renderer {
        Renderer::new(container.clone().into(), self.options())
            .unwrap_or_else(|error| panic!("{}: options should be accepted: {error:?}", self.name))
    }

    #[track_caller]
    fn ssr(&self, text: &str) -> String {
        render_to_string(text, &self.opts).unwrap_or_else(|error| panic!("{}: SSR should render: {error}", self.name))
    }
}

/// Lets the page breathe (a macrotask): the test runner talks to the page while a test runs, and a long synchronous
/// loop on a loaded machine would starve it.
async fn breathe() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window().unwrap().set_timeout_with_callback(&resolve).unwrap();
    });
    JsFuture::from(promise).await.unwrap();
}

fn container() -> Element {
    let document = web_sys::window().unwrap().document().unwrap();
    let element = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&element).unwrap();
    element
}

/// The container's `innerHTML` after `write(text)` and `finish()`: the client's final DOM.
fn client_html(case: &Case, text: &str) -> String {
    let element = container();
    let r = case.renderer(&element);
    r.write(text).expect("write() should accept the text");
    r.finish().expect("finish() should end the answer");
    let html = element.inner_html();
    element.remove();
    html
}

/// The first differing character and what surrounds it, for failure messages.
fn first_difference(a: &str, b: &str) -> String {
    let at = a.bytes().zip(b.bytes()).position(|(x, y)| x != y).unwrap_or(a.len().min(b.len()));
    let window = |s: &str| {
        let chars = s.char_indices().filter(|(i, _)| i + 80 >= at && *i <= at + 80);
        chars.map(|(_, c)| c).collect::<String>()
    };
    format!("at byte {at}:\n  ssr:    {:?}\n  client: {:?}", window(a), window(b))
}

async fn assert_ssr_equals_client(case: &Case) {
    let mut differences = Vec::new();
    for (index, text) in sample().iter().enumerate() {
        breathe().await;
        let (ssr, client) = (case.ssr(text), client_html(case, text));
        if ssr != client {
            differences.push(format!("answer {index}: {}", first_difference(&ssr, &client)));
        }
    }
    assert!(
        differences.is_empty(),
        "{}: SSR should equal the client's final innerHTML on all {SAMPLE} answers; {} differ:\n{}",
        case.name,
        differences.len(),
        differences.iter().take(5).cloned().collect::<Vec<_>>().join("\n")
    );
}

#[wasm_bindgen_test]
async fn ssr_equals_the_clients_final_dom_in_text_mode() {
    assert_ssr_equals_client(&cases()[0]).await;
}

#[wasm_bindgen_test]
async fn ssr_equals_the_clients_final_dom_in_sanitize_mode() {
    assert_ssr_equals_client(&cases()[1]).await;
}

#[wasm_bindgen_test]
async fn ssr_equals_the_clients_final_dom_in_trusted_mode() {
    assert_ssr_equals_client(&cases()[2]).await;
}

#[wasm_bindgen_test]
async fn ssr_equals_the_clients_final_dom_with_other_image_and_link_policies() {
    for case in &cases()[3..] {
        assert_ssr_equals_client(case).await;
    }
}

/// Raw HTML of every kind the policy walk handles: the corpus has little of it.
const HOSTILE: &str = "Intro <sup>1</sup> <kbd>K</kbd> <b onclick=\"x()\">b</b> <font color=red>f</font>.\n\n\
                       <details open>\n<summary>More</summary>\n\nBody **bold** <img src=x onerror=alert(1)>.\n\n</details>\n\n\
                       | a | b |\n|---|---|\n| x<br>y | <em>z</em> |\n\n<div><script/x>alert(1)//</div>\n\n\
                       <table><td>cell</table>\n\n<svg viewBox=\"0 0 2 2\"><a xlink:href=\"javascript:x\"><circle r=1 /></a></svg>\n\n\
                       <a href=\"javascript:alert(4)\" rel=opener>a</a> <a href=\"https://x.test/?a=1&b=2\">ok</a> ![i](https://evil.test/i.png)\n\n\
                       <img src=\"https://i.imgur.com/a.png\" alt=\"A\" title=\"T\"> <img src=\"https://evil.test/b.png\">\n\n\
                       <!-- comment --> <span style=\"color:red\" class=\"btn language-x\">s</span> <input type=checkbox checked> <input>\n\n\
                       <p>a<div>b</div> <noscript><i>n</i></noscript> <style>a>b{}</style> <a:b>pfx</a:b> <svg><c:d>q</c:d></svg> <x\"y>z</x\"y> &nbsp;&amp;\u{a0}\n\n\
                       <math><mi>x</mi></math> <template><b>t</b></template> <select><option>o</select> <textarea>t</textarea>\n";

#[wasm_bindgen_test]
fn ssr_equals_the_clients_final_dom_on_hostile_raw_html() {
    for case in cases() {
        let (ssr, client) = (case.ssr(HOSTILE), client_html(&case, HOSTILE));
        assert_eq!(
            ssr,
            client,
            "{}: SSR should equal the client's final innerHTML: {}",
            case.name,
            first_difference(&ssr, &client)
        );
    }
}

/// The node tree under `node`, one line per node (name, and a text's first characters), for failure messages.
fn outline(node: &web_sys::Node, depth: usize, out: &mut Vec<String>) {
    let list = node.child_nodes();
    for i in 0..list.length() {
        let child = list.item(i).unwrap();
        let value = child.node_value().map(|v| v.chars().take(40).collect::<String>());
        out.push(format!("{}{} {value:?}", "  ".repeat(depth), child.node_name()));
        outline(&child, depth + 1, out);
    }
}

/// Where the node trees under `a` and `b` first differ.
fn structural_difference(a: &web_sys::Node, b: &web_sys::Node) -> String {
    let (mut x, mut y) = (Vec::new(), Vec::new());
    outline(a, 0, &mut x);
    outline(b, 0, &mut y);
    let at = x.iter().zip(&y).position(|(p, q)| p != q).unwrap_or(x.len().min(y.len()));
    let around = |v: &[String]| v[at.saturating_sub(2)..(at + 3).min(v.len())].join(" | ");
    format!("node {at}: rendered [{}] vs parsed [{}]", around(&x), around(&y))
}

/// Where to cut an answer for hydration: after the blank line nearest its middle (or at its end).
fn cut(text: &str) -> usize {
    let middle = text.len() / 2;
    text.match_indices("\n\n").map(|(at, _)| at + 2).min_by_key(|at| at.abs_diff(middle)).unwrap_or(text.len())
}

/// Hydration of the sample in html mode `case` (cut twice each); returns (adopted, replaced open tails, replaced trees
/// HTML cannot carry).
async fn hydrate_the_sample(case: &Case) -> (u32, u32, u32) {
    let (mut adopted, mut replaced, mut uncarried) = (0, 0, 0);
    {
        let answers = sample();
        // Each answer cut after a blank line (closed blocks: hydration adopts) and at a third of its length (often
        // an open tail, whose streaming render is not the final one the server sends: hydration replaces it).
        let cuts = answers.iter().enumerate().flat_map(|(index, text)| {
            let third = (0..=text.len() / 3).rev().find(|&at| text.is_char_boundary(at)).unwrap_or(0);
            [(index, text, cut(text)), (index, text, third)]
        });
        for (index, text, at) in cuts {
            breathe().await;
            let (prefix, rest) = text.split_at(at);
            let server = case.ssr(prefix);
            // What the renderer shows after `write(prefix)` and a render: the state hydration must find.
            let rendered = container();
            let streaming = case.renderer(&rendered);
            streaming.write(prefix).unwrap();
            streaming.flush();
            let streamed = rendered.inner_html();
            let element = container();
            element.set_inner_html(&server);
            // HTML cannot carry every node tree: adjacent text nodes (two raw HTML blocks that each end in text) come
            // back as one. Hydration must adopt whatever the parsed HTML carries exactly.
            let carried = rendered.is_equal_node(Some(&element));
            let difference = structural_difference(&rendered, &element);
            let r = case.renderer(&element);
            let result = r.hydrate(prefix.into()).expect("hydrate() should accept the text").as_string().unwrap();
            let context = format!("{}, answer {index} cut at {}", case.name, prefix.len());
            let counted = Reflect::get(&r.stats().unwrap(), &"hydrationReplaced".into()).unwrap().as_f64();
            let want = if result == "adopted" { 0.0 } else { 1.0 };
            assert_eq!(counted, Some(want), "{context}: stats.hydrationReplaced should count a {result} hydration");
            if streamed == server {
                if result == "adopted" {
                    assert_eq!(r.mutations(), 0.0, "{context}: adopting should mutate nothing");
                    adopted += 1;
                } else {
                    assert!(!carried, "{context}: the parsed HTML is the rendered tree: adopt it ({difference})");
                    uncarried += 1;
                }
            } else {
                assert_eq!(result, "replaced", "{context}: the server's final HTML is not the open tail's render");
                replaced += 1;
            }
            assert_eq!(
                element.inner_html(),
                streamed,
                "{context}: after hydrate() the DOM shows the render of the text"
            );
            let before = r.mutations();
            r.write(rest).unwrap();
            r.finish().expect("finish() should end the answer");
            let finished = element.inner_html();
            assert_eq!(finished, case.ssr(text), "{context}: streaming on should end at the whole text's final DOM");
            if rest.is_empty() && streamed == server {
                assert_eq!(r.mutations(), before, "{context}: finishing an adopted final render should mutate nothing");
            }
            element.remove();
            rendered.remove();
        }
    }
    (adopted, replaced, uncarried)
}

#[wasm_bindgen_test]
async fn hydration_adopts_server_html_without_mutations_and_streams_on_to_the_final_dom() {
    let (mut adopted, mut replaced, mut uncarried) = (0, 0, 0);
    for case in &cases()[..3] {
        let (a, r, u) = hydrate_the_sample(case).await;
        (adopted, replaced, uncarried) = (adopted + a, replaced + r, uncarried + u);
    }
    web_sys::console::log_1(
        &format!("hydration: {adopted} adopted; replaced: {replaced} open tails, {uncarried} trees HTML cannot carry")
            .into(),
    );
    assert!(
        adopted >= 9 * (replaced + uncarried),
        "most cuts should hydrate in place: {adopted} vs {replaced} + {uncarried}"
    );
}

#[wasm_bindgen_test]
async fn hydration_of_whole_answers_adopts_them_and_finishes_without_mutations() {
    let case = &cases()[1];
    let mut adopted = 0;
    for text in sample().iter().take(50) {
        breathe().await;
        let element = container();
        element.set_inner_html(&case.ssr(text));
        let r = case.renderer(&element);
        if r.hydrate(text.as_str().into()).unwrap().as_string().as_deref() == Some("adopted") {
            adopted += 1;
            r.finish().unwrap();
            assert_eq!(r.mutations(), 0.0, "an adopted whole answer should finish without a mutation");
        }
        element.remove();
    }
    web_sys::console::log_1(&format!("whole answers: {adopted} of 50 adopted").into());
    assert!(adopted >= 40, "most whole answers end in closed blocks and should hydrate in place: {adopted} of 50");
}

#[wasm_bindgen_test]
fn hydration_replaces_other_content_and_counts_it() {
    let case = &cases()[0];
    let element = container();
    element.set_inner_html("<p>something else</p><p>two</p>");
    let r = case.renderer(&element);
    let result = r.hydrate("# Title\n\nBody.\n\n".into()).unwrap();
    assert_eq!(result.as_string().as_deref(), Some("replaced"), "other content should be replaced");
    assert!(r.mutations() >= 2.0, "the removals and the render should count as mutations: {}", r.mutations());
    let outcome = r.finish().unwrap();
    let counted = Reflect::get(&outcome, &"hydrationReplaced".into()).unwrap().as_f64();
    assert_eq!(counted, Some(1.0), "the outcome should count the replaced hydration");
    assert_eq!(element.inner_html(), "<h1>Title</h1><p>Body.</p>");
    element.remove();
}

#[wasm_bindgen_test]
fn hydrate_is_the_first_call_and_needs_a_container_and_a_string() {
    let case = &cases()[0];
    let element = container();
    let r = case.renderer(&element);
    r.write("x").unwrap();
    let error = r.hydrate("x".into()).expect_err("hydrate() after write() should throw");
    assert!(error.is_instance_of::<js_sys::Error>(), "misuse should be a JS Error: {error:?}");
    let r = case.renderer(&element);
    let error = r.hydrate(JsValue::from_f64(1.0)).expect_err("hydrate(1) should throw");
    assert!(error.is_instance_of::<js_sys::TypeError>(), "a non-string should be a TypeError: {error:?}");
    let on_patch = js_sys::Function::new_no_args("");
    let options = Object::new();
    Reflect::set(&options, &"onPatch".into(), &on_patch).unwrap();
    let headless = Renderer::new(JsValue::NULL, options.into()).unwrap();
    let error = headless.hydrate("x".into()).expect_err("a headless renderer has no DOM to hydrate");
    assert!(error.is_instance_of::<js_sys::TypeError>(), "headless hydrate should be a TypeError: {error:?}");
    element.remove();
}
