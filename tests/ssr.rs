//! Server-side rendering, natively (issue 17, item 4): `rillmark::ssr::render_to_string` gives the container's final
//! `innerHTML` — the DOM the renderer builds, serialised as browsers serialise it — with the page's URL, image and
//! raw-HTML policies. Equality with a real browser's DOM is checked in Chromium by tests/web_ssr.rs; here: the shape of
//! the output, the policies on hostile input, the typed refusal without the HTML parser, and no panic on real answers.
//! Raw HTML needs the cargo feature `server` (`cargo test --features server --test ssr`).
#![cfg(not(target_arch = "wasm32"))]

use rillmark::options::{HtmlMode, ImagePolicy, RenderOptions};
use rillmark::ssr::{render_to_string, rendered_nodes};

fn mode(html: HtmlMode) -> RenderOptions {
    RenderOptions { html, trusted: html == HtmlMode::Trusted, ..RenderOptions::default() }
}

#[track_caller]
fn ssr(text: &str, opts: &RenderOptions) -> String {
    render_to_string(text, opts).unwrap_or_else(|error| panic!("{text:?} should render: {error}"))
}

#[test]
fn text_mode_writes_the_dom_without_layout_newlines_and_escapes_as_inner_html() {
    let html = ssr(
        "# Title\n\nA & b < c > d\u{a0}e \"q\"\n\n- one\n- two\n\n```rust\nfn main() {}\n```\n",
        &RenderOptions::default(),
    );
    assert_eq!(
        html,
        "<h1>Title</h1><p>A &amp; b &lt; c &gt; d&nbsp;e \"q\"</p><ul><li>one</li><li>two</li></ul>\
         <pre><code class=\"language-rust\">fn main() {}\n</code></pre>",
        "blocks should follow each other with no newline, text escaped as innerHTML escapes it (quotes stay)"
    );
}

#[test]
fn void_elements_and_attributes_are_written_as_browsers_write_them() {
    let html =
        ssr("a  \nb\n\n---\n\n- [x] done\n\n[l](https://x.test/?a=1&b=\"2\" \"t<i>\")\n", &RenderOptions::default());
    assert_eq!(
        html,
        "<p>a<br>\nb</p><hr><ul><li><input type=\"checkbox\" checked=\"\" disabled=\"\"> done</li></ul>\
         <p><a href=\"https://x.test/?a=1&amp;b=%222%22\" title=\"t&lt;i&gt;\" rel=\"noopener noreferrer\">l</a></p>",
        "void elements have no end tag or slash, empty attributes are =\"\", and < > & \" are escaped in attributes"
    );
}

#[test]
fn the_image_and_url_policies_apply_as_in_the_page() {
    let text = "![cat](https://cdn.test/c.png \"T\") ![x](https://evil.test/x.png) [j](javascript:alert(1))\n";
    let blocked = ssr(text, &RenderOptions::default());
    assert!(
        blocked.contains("<span class=\"rillmark-image\" data-src=\"https://cdn.test/c.png\" title=\"T\">cat</span>"),
        "{blocked}"
    );
    assert!(!blocked.contains("<img"), "no image is fetched by default: {blocked}");
    assert!(blocked.contains("<a>j</a>"), "a script URL leaves a link without href: {blocked}");
    let origins =
        RenderOptions { images: ImagePolicy::Origins(vec!["https://cdn.test".into()]), ..RenderOptions::default() };
    let some = ssr(text, &origins);
    assert!(some.contains("<img src=\"https://cdn.test/c.png\" alt=\"cat\" title=\"T\">"), "{some}");
    assert!(some.contains("<span class=\"rillmark-image\" data-src=\"https://evil.test/x.png\">x</span>"), "{some}");
}

#[test]
fn the_output_is_the_one_shot_render_of_the_whole_text() {
    // An open tail streams speculatively (`**bold` shows bold); the server renders the final text, as finish() does.
    assert_eq!(ssr("Hello **wor", &RenderOptions::default()), "<p>Hello **wor</p>");
    assert_eq!(ssr("", &RenderOptions::default()), "", "no text, no HTML");
    let nodes = rendered_nodes("# a\n\nb[^1]\n\n[^1]: note\n", &RenderOptions::default());
    assert_eq!(nodes.len(), 3, "heading, paragraph and the footnotes section should be the container's children");
}

#[cfg(not(feature = "server"))]
#[test]
fn without_the_html_parser_raw_html_is_a_typed_error_not_an_approximation() {
    use rillmark::ssr::SsrError;
    for html in [HtmlMode::Sanitize, HtmlMode::Trusted] {
        assert_eq!(render_to_string("a <b>b</b>\n", &mode(html)), Err(SsrError::NeedsHtmlParser), "{html:?}");
        assert!(render_to_string("no tags here\n", &mode(html)).is_ok(), "{html:?}: text without raw HTML renders");
    }
    assert_eq!(ssr("a <b>b</b>", &mode(HtmlMode::Text)), "<p>a &lt;b&gt;b&lt;/b&gt;</p>", "text mode needs no parser");
}

#[cfg(feature = "server")]
mod with_the_html_parser {
    use super::*;

    const HOSTILE: &str = "x <b onclick=\"steal()\">b</b> <img src=x onerror=alert(1)> <a href=\"javascript:alert(2)\">a</a>\n\n\
                           <script>alert(3)</script>\n\n<iframe srcdoc=\"<script>alert(4)</script>\"></iframe>\n\n\
                           <svg><animate attributeName=href to=javascript:alert(5) /><a xlink:href=\"javascript:alert(6)\">s</a></svg>\n\n\
                           <details open><summary>S</summary>\n\n**in**\n\n</details>\n\n<div style=\"position:fixed\" class=\"btn\">d</div>\n";

    #[test]
    fn no_mode_ever_writes_a_script_a_handler_or_a_script_url() {
        let shown = ssr(HOSTILE, &mode(HtmlMode::Text));
        assert!(shown.contains("&lt;script&gt;alert(3)&lt;/script&gt;"), "text mode shows the source as text: {shown}");
        assert!(!shown.contains("<b ") && !shown.contains("<svg"), "text mode builds no raw HTML: {shown}");
        for html in [HtmlMode::Sanitize, HtmlMode::Trusted] {
            let out = ssr(HOSTILE, &mode(html));
            for needle in ["<script", "<iframe", "onclick=", "onerror=", "href=\"javascript", "<animate"] {
                assert!(!out.contains(needle), "{html:?} should never write {needle}: {out}");
            }
        }
    }

    #[test]
    fn sanitize_mode_keeps_githubs_subset() {
        let out = ssr(HOSTILE, &mode(HtmlMode::Sanitize));
        assert!(out.contains("<b>b</b>"), "{out}");
        assert!(
            out.contains("<span class=\"rillmark-image\" data-src=\"x\">image</span>"),
            "a raw image is a placeholder: {out}"
        );
        assert!(out.contains("<details open=\"\"><summary>S</summary>"), "{out}");
        assert!(out.contains("<strong>in</strong>"), "markdown inside an HTML block still renders: {out}");
        assert!(out.contains("<div>d</div>"), "no style, no host class: {out}");
        assert!(!out.contains("<svg"), "svg goes with its content: {out}");
    }

    #[test]
    fn trusted_mode_keeps_the_html_as_written_minus_scripts() {
        let out = ssr(HOSTILE, &mode(HtmlMode::Trusted));
        assert!(out.contains("<div style=\"position:fixed\" class=\"btn\">d</div>"), "{out}");
        assert!(out.contains("<svg><a>s</a></svg>"), "svg stays, its script URL and animation go: {out}");
        assert!(out.contains("<img src=\"x\">"), "{out}");
    }

    #[test]
    fn real_answers_render_in_every_mode_without_a_panic_or_a_script() {
        use std::io::Read;
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/corpus/arena-hard-answers.jsonl.gz");
        let mut text = String::new();
        flate2::read::GzDecoder::new(std::fs::File::open(path).unwrap()).read_to_string(&mut text).unwrap();
        let answers: Vec<String> = text
            .lines()
            .map(|line| serde_json::from_str::<serde_json::Value>(line).unwrap()["text"].as_str().unwrap().to_owned())
            .filter(|t| t.contains('<'))
            .take(150)
            .collect();
        for html in [HtmlMode::Sanitize, HtmlMode::Trusted] {
            for answer in &answers {
                let out = ssr(answer, &mode(html));
                assert!(!out.contains("<script"), "{html:?} wrote a script for {answer:?}");
            }
        }
    }
}
