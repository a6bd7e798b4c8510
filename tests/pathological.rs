//! Linear work for every block shape: streaming a document made of one huge block, token by token with a render after
//! every token, parses a number of bytes proportional to the document (asserted on the engine's counter, never the
//! clock). Doubling the document must not double the work per byte.
// Native tests: the wasm32 build of the test suite runs only the browser files (tests/web*.rs).
#![cfg(not(target_arch = "wasm32"))]

use rillmark::markdown::render::render;
use rillmark::markdown::IncrementalMarkdown;
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

struct Run {
    /// Bytes handed to comrak while streaming and at the end, per byte of the document.
    work_per_byte: f64,
    html: String,
}

/// Streams `doc` in token-sized pieces (1–6 bytes, cycling), rendering after each.
fn stream(doc: &str) -> Run {
    let opts = RenderOptions::default();
    let mut engine = IncrementalMarkdown::new(opts, ROOT);
    let (mut ids, mut ops, mut recorder) = (IdAllocator::default(), Vec::new(), HtmlRecorder::new());
    let (mut at, mut n) = (0, 0);
    while at < doc.len() {
        let mut end = (at + 1 + n % 6).min(doc.len());
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
    Run { work_per_byte: engine.stats().bytes_parsed as f64 / doc.len() as f64, html: recorder.html() }
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
