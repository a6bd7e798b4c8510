//! Raw HTML in the three `html` modes through the whole native pipeline (issue 15): streamed equals one-shot, in one
//! piece, character by character and at seeded random splits (`RILLMARK_SEED=<n>` replays other splits), with a
//! render after every piece as the browser does once per frame. The DOM-side policy is tested in src/html_policy.rs
//! and, in Chromium and Firefox, in tests/web_html.rs.
#![cfg(not(target_arch = "wasm32"))]

mod support;

use rillmark::dialect::DialectKind;
use rillmark::markdown::render::render;
use rillmark::options::{HtmlMode, RenderOptions};
use rillmark::patch::recorder::HtmlRecorder;
use rillmark::pipeline::{DialectChoice, Pipeline};

use support::{base_seed, char_pieces, random_char_pieces};

/// Markdown mixing raw HTML of every kind with markdown: inline tags, an HTML block holding markdown blocks open
/// (`<details>` … `</details>`), a table with `<br>`, script and handler payloads, a tag cut across pieces.
const MIXED: &str = "Intro with <sup>1</sup>, <kbd>Ctrl</kbd> and <b onclick=\"x()\">bold</b>.\n\n\
                     <details open>\n<summary>More</summary>\n\nBody **bold** <img src=x onerror=alert(1)>.\n\n\
                     - item <i>i</i>\n- two\n\n</details>\n\n\
                     | a | b |\n|---|---|\n| x<br>y | <em>z</em> |\n\n\
                     <div><script/x>alert(1)//</div>\n\n\
                     <script>alert(2)</script>\n\n\
                     [j](javascript:alert(3)) <a href=\"javascript:alert(4)\">a</a> ![i](https://evil.test/i.png)\n\n\
                     <!-- comment --> <span style=\"color:red\">s</span>\n\nEnd.\n";

fn modes() -> [(&'static str, RenderOptions); 3] {
    [
        ("text", RenderOptions::default()),
        ("sanitize", RenderOptions { html: HtmlMode::Sanitize, ..RenderOptions::default() }),
        ("trusted", RenderOptions { html: HtmlMode::Trusted, trusted: true, ..RenderOptions::default() }),
    ]
}

/// Streams `pieces` as plain text with a render after each; the final HTML.
fn streamed(pieces: &[&str], opts: &RenderOptions) -> String {
    let mut pipeline = Pipeline::new(opts.clone(), DialectChoice::Fixed(DialectKind::Plain), None);
    let mut recorder = HtmlRecorder::new();
    for piece in pieces {
        pipeline.feed(piece.as_bytes());
        pipeline.render(&mut recorder);
    }
    pipeline.finish(&mut recorder);
    recorder.html()
}

#[test]
fn raw_html_streamed_equals_one_shot_in_every_mode() {
    for (name, opts) in modes() {
        let one_shot = render(MIXED, &opts).to_html();
        assert_eq!(streamed(&[MIXED], &opts), one_shot, "{name}: one piece should equal the one-shot render");
        assert_eq!(streamed(&char_pieces(MIXED), &opts), one_shot, "{name}: char by char should equal one-shot");
        for round in 0..16 {
            let seed = base_seed() + round;
            let pieces = random_char_pieces(MIXED, seed, 24);
            assert_eq!(streamed(&pieces, &opts), one_shot, "{name}: split with seed {seed} should equal one-shot");
        }
    }
}

#[test]
fn raw_html_reaches_the_dom_builder_only_in_sanitize_and_trusted_modes() {
    let [(_, text), (_, sanitize), (_, trusted)] = modes();
    let shown = render(MIXED, &text).to_html();
    assert!(shown.contains("&lt;sup&gt;1&lt;/sup&gt;"), "text mode shows the tags: {shown}");
    for (name, opts) in [("sanitize", sanitize), ("trusted", trusted)] {
        let html = render(MIXED, &opts).to_html();
        assert!(html.contains("<sup>1</sup>"), "{name}: raw HTML passes on to the policy walk: {html}");
        assert!(html.contains("&lt;script/x>"), "{name}: the GFM tag filter disarms <script/x>: {html}");
        assert!(html.contains("&lt;script>alert(2)"), "{name}: and <script>: {html}");
    }
}
