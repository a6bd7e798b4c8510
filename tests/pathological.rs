//! Linear work for every block shape and every inline shape: streaming a document made of one huge block (or one huge
//! paragraph whose constructs never settle), token by token with a render after every token, parses a number of bytes
//! proportional to the document (asserted on the engine's counter, never the clock). Doubling the document must not
//! double the work per byte.
// Native tests: the wasm32 build of the test suite runs only the browser files (tests/web*.rs).
#![cfg(not(target_arch = "wasm32"))]

use rillmark::markdown::render::render;
use rillmark::markdown::{IncrementalMarkdown, MarkdownStats};
use rillmark::options::RenderOptions;
use rillmark::patch::diff::IdAllocator;
use rillmark::patch::recorder::HtmlRecorder;
use rillmark::patch::{PatchSink, ROOT};

/// One huge block of each shape, `n` units long.
fn shapes(n: usize) -> Vec<(&'static str, String)> {
    vec![
        (
            "fence",
            format!("```rust\n{}```\n", (0..n).map(|i| format!("let x{i} = {i}; // line\n")).collect::<String>()),
        ),
        ("list", (0..n).map(|i| format!("- item {i} with some **bold** text\n")).collect()),
        (
            "table",
            format!(
                "| a | b | c |\n|---|---|---|\n{}",
                (0..n).map(|i| format!("| {i} | cell *{i}* | x |\n")).collect::<String>()
            ),
        ),
        ("paragraph", (0..n).map(|i| format!("word{i} and **b{i}** then more ")).collect()),
        ("quotes", (0..n).map(|i| format!("> > quoted line {i} with `code`\n")).collect()),
        ("footnotes", (0..n).map(|i| format!("Claim {i}.[^{i}]\n\n[^{i}]: Source {i}.\n\n")).collect()),
        (
            "late-footnotes",
            format!(
                "{}{}",
                (0..n).map(|i| format!("Claim {i} cites a note.[^n{i}]\n\n")).collect::<String>(),
                (0..n).map(|i| format!("[^n{i}]: Footnote {i} with *text*.\n\n")).collect::<String>()
            ),
        ),
        (
            "late-refs",
            format!(
                "{}\n{}",
                (0..n).map(|i| format!("See [r{i}].\n\n")).collect::<String>(),
                (0..n).map(|i| format!("[r{i}]: https://e.com/{i}\n")).collect::<String>()
            ),
        ),
    ]
}

/// One huge paragraph of each inline shape that streams quadratically when every render parses the paragraph from its
/// start (issue 13): constructs that open and never close, words with no space to resume at, a closer for every
/// opener arriving only at the end. About `n` bytes each; `chunk` is the size of the pieces it streams in.
fn inline_shapes(n: usize) -> Vec<(&'static str, String, Option<usize>)> {
    let times = |unit: &str| n / unit.len();
    vec![
        ("open-mix", "*a **b `c [d ".repeat(times("*a **b `c [d ")), None),
        ("brackets-then-closers", format!("{}{}", "[".repeat(n / 2), "]".repeat(n / 2)), None),
        ("open-stars", "*a ".repeat(times("*a ")), None),
        ("open-brackets", "[".repeat(n), None),
        ("guillemets", "‹".repeat(times("‹")), None),
        ("entities", "&amp;".repeat(times("&amp;")), None),
        ("snake-runs", "a_".repeat(times("a_")), None),
        ("underscore-words", " _a".repeat(times(" _a")), None),
        ("urls-without-spaces", "http://a.b/".repeat(times("http://a.b/")), None),
        ("nested-images", format!("{}a{}", "![".repeat(n / 6), "](u)".repeat(n / 6)), None),
        (
            "prose-with-underscores",
            "call foo_bar_baz and _private now. ".repeat(times("call foo_bar_baz and _private now. ")),
            Some(4),
        ),
        ("one-long-line", (0..n / 24).map(|i| format!("w{i} *e{i}* `c` [l](u) ")).collect(), None),
        ("crlf-lines", "line\r\n".repeat(times("line\r\n")), None),
    ]
}

struct Run {
    /// Bytes handed to comrak while streaming and at the end, per byte of the document.
    work_per_byte: f64,
    html: String,
    stats: MarkdownStats,
}

/// Streams `doc` in token-sized pieces (1–6 bytes, cycling), rendering after each.
fn stream(doc: &str) -> Run {
    stream_in(doc, None)
}

/// Streams `doc` in pieces of `chunk` characters, or token-sized ones (1–6 bytes, cycling) for `None`, rendering
/// after each.
fn stream_in(doc: &str, chunk: Option<usize>) -> Run {
    let opts = RenderOptions::default();
    let mut engine = IncrementalMarkdown::new(opts, ROOT);
    let (mut ids, mut ops, mut recorder) = (IdAllocator::default(), Vec::new(), HtmlRecorder::new());
    let (mut at, mut n) = (0, 0);
    while at < doc.len() {
        let mut end = (at + chunk.unwrap_or(1 + n % 6)).min(doc.len());
        while !doc.is_char_boundary(end) {
            end += 1;
        }
        engine.push(&doc[at..end]);
        engine.render(&mut ids, &mut ops);
        recorder.apply(&ops);
        ops.clear();
        at = end;
        n += 1;
    }
    engine.finish(&mut ids, &mut ops);
    recorder.apply(&ops);
    let stats = engine.stats();
    Run { work_per_byte: stats.bytes_parsed as f64 / doc.len() as f64, html: recorder.html(), stats }
}

#[test]
fn work_grows_linearly_for_every_block_shape() {
    for ((name, small), (_, large)) in shapes(250).into_iter().zip(shapes(500)) {
        let (a, b) = (stream(&small), stream(&large));
        eprintln!(
            "{name:>10}: {:5.1} bytes parsed per byte at n=250, {:5.1} at n=500",
            a.work_per_byte, b.work_per_byte
        );
        assert!(
            b.work_per_byte <= a.work_per_byte * 1.25 + 0.5,
            "{name}: work per byte should not grow with the block ({:.1} → {:.1}): quadratic",
            a.work_per_byte,
            b.work_per_byte
        );
        assert!(b.work_per_byte <= 30.0, "{name}: work per byte should stay bounded, got {:.1}", b.work_per_byte);
        assert_eq!(b.html, render(&large, &RenderOptions::default()).to_html(), "{name}: should end as one-shot");
    }
}

#[test]
fn every_block_shape_costs_at_most_three_one_shot_parses() {
    for (name, doc) in shapes(500) {
        let run = stream(&doc);
        assert!(
            run.work_per_byte <= 3.0,
            "{name}: streamed work should be ≤ ~3× one-shot, got {:.2}×",
            run.work_per_byte
        );
    }
}

#[test]
fn work_grows_linearly_for_every_inline_shape() {
    const N: usize = 1200;
    let sizes = [inline_shapes(N), inline_shapes(2 * N), inline_shapes(4 * N)];
    let [small, medium, large] = sizes;
    for (((name, a, chunk), (_, b, _)), (_, c, _)) in small.into_iter().zip(medium).zip(large) {
        let runs = [stream_in(&a, chunk), stream_in(&b, chunk), stream_in(&c, chunk)];
        let [x, y, z] = runs.each_ref().map(|run| run.work_per_byte);
        eprintln!("{name:>22}: {x:6.1} {y:6.1} {z:6.1} bytes parsed per byte at {N}, {}, {} bytes", 2 * N, 4 * N);
        // Quadratic work doubles the work per byte with each doubling; linear work keeps it (a segment is cut
        // every 512–1024 bytes, so the smallest size may still be below its steady state).
        assert!(
            z <= y * 1.25 + 5.0 && z <= x * 2.0 + 5.0,
            "{name}: work per byte should not grow with the paragraph ({x:.1} → {y:.1} → {z:.1}): quadratic"
        );
        for (run, doc) in runs.iter().zip([&a, &b, &c]) {
            assert_eq!(run.html, render(doc, &RenderOptions::default()).to_html(), "{name}: should end as one-shot");
            assert_eq!(run.stats.finish_repairs, 0, "{name}: streaming should leave the verified finish nothing to do");
        }
    }
}

/// One document of each block shape that streams quadratically when every render parses the open block from its
/// start (issue 13): a block inside a container, or a block waiting for its end. About `n` lines each.
fn nested_block_shapes(n: usize) -> Vec<(&'static str, String)> {
    let lines = |f: &dyn Fn(usize) -> String| (0..n).map(f).collect::<String>();
    vec![
        (
            "fence-in-list-item",
            format!(
                "1. Install it:\n\n   ```bash\n{}   ```\n",
                lines(&|i| format!("   pip install package-{i} --upgrade\n"))
            ),
        ),
        ("quote-list", lines(&|i| format!("> - item {i} with some text\n"))),
        ("nested-quote-list", format!("> Steps:\n>\n{}", lines(&|i| format!("> > {i}. step {i} with `code`\n")))),
        ("math-block", format!("$$\n{}$$\n", lines(&|i| format!("a_{{{i}}} + b^{{{i}}} = c \\\\\n")))),
        (
            "math-block-in-list",
            format!("1. The sum:\n\n   $$\n{}   $$\n", lines(&|i| format!("   a_{{{i}}} + b^{{{i}}} = c \\\\\n"))),
        ),
        ("lazy-list-lines", format!("- item\n{}", lines(&|i| format!("lazy line {i} goes on here\n")))),
        ("indented-item-lines", format!("1. Step:\n{}", lines(&|i| format!("   line {i} of the step, with `code`\n")))),
        ("crlf-lines", lines(&|_| "line\r\n".to_owned())),
        ("lf-lines", lines(&|_| "line\n".to_owned())),
        ("html-block", format!("<div>\n{}</div>\n", lines(&|i| format!("<span>line {i} of html</span>\n")))),
    ]
}

#[test]
fn work_grows_linearly_for_every_block_in_a_container_or_awaiting_its_end() {
    const N: usize = 100;
    let [small, medium, large] = [nested_block_shapes(N), nested_block_shapes(2 * N), nested_block_shapes(4 * N)];
    let mut failures = Vec::new();
    for (((name, a), (_, b)), (_, c)) in small.into_iter().zip(medium).zip(large) {
        let runs = [stream(&a), stream(&b), stream(&c)];
        let [x, y, z] = runs.each_ref().map(|run| run.work_per_byte);
        eprintln!("{name:>22}: {x:6.1} {y:6.1} {z:6.1} bytes parsed per byte at {N}, {}, {} lines", 2 * N, 4 * N);
        for (run, doc) in runs.iter().zip([&a, &b, &c]) {
            assert_eq!(run.html, render(doc, &RenderOptions::default()).to_html(), "{name}: should end as one-shot");
            assert_eq!(run.stats.finish_repairs, 0, "{name}: streaming should leave the verified finish nothing to do");
        }
        // Quadratic work doubles the work per byte with each doubling; linear work keeps it (give or take a whole
        // parse of the block where it ends: a closing fence split across chunks is parsed with its block).
        if z > y * 1.25 + 1.5 || z > x * 1.5 + 1.5 {
            failures.push(format!("{name}: work per byte should not grow with the block ({x:.1} → {y:.1} → {z:.1})"));
        } else if z > 12.0 {
            // (A line with inline code is parsed again with each token until its end: a few times its length.)
            failures.push(format!("{name}: streamed work should stay within ~12× one-shot, got {z:.1}×"));
        }
    }
    assert!(failures.is_empty(), "quadratic or costly shapes:\n{}", failures.join("\n"));
}
