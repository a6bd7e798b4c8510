//! The incremental engine on generated markdown shaped like models write it (`support::llm_markdown`): each
//! document streamed character by character, in tokenizer-like pieces and at a seeded random split, with the default,
//! trusted and CommonMark-only options, and checked at every render by `support::states`.
//!
//! `cargo test --test generated` runs seeded documents for about 10 s (up to 100). Longer runs:
//!
//! ```sh
//! RILLMARK_GENERATED_ROUNDS=20000 cargo test --release --test generated -- --nocapture
//! ```
//!
//! `RILLMARK_SEED=<n>` starts from another base seed (document `i` uses seed `base + i`); `RILLMARK_MINIMISE=1`
//! shrinks each failure and prints it as a Rust string literal. Documents of the default run that still fail are
//! listed in `tests/data/corpus/generated-known-differences.txt`, checked both ways as the corpus's list is.
// Native tests: the wasm32 build of the test suite runs only the browser files (tests/web*.rs).
#![cfg(not(target_arch = "wasm32"))]

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use rillmark::options::RenderOptions;
use rillmark::patch::{Element, Node};
use support::llm_markdown::{generate, Seeded};
use support::minimise::minimise;
use support::states::{
    matching_words, shown_text, shown_text_by_block, stream_checked, token_pieces, Checks, ProblemKind,
};
use support::{char_pieces, random_char_pieces};

/// The default run streams documents `0..DEFAULT_ROUNDS` (from the base seed) for about [`DEFAULT_SECONDS`], and at
/// least [`MIN_ROUNDS`] of them; every one of them that differs is listed, so the machine's speed changes what is
/// covered, never whether the test passes.
const DEFAULT_ROUNDS: u64 = 100;
const DEFAULT_SECONDS: f64 = 10.0;
const MIN_ROUNDS: u64 = 3;
/// Top-level blocks per document, at most.
const MAX_BLOCKS: usize = 5;

fn option_sets() -> [(&'static str, RenderOptions); 3] {
    [
        ("default", RenderOptions::default()),
        ("trusted", RenderOptions { trusted: true, ..RenderOptions::default() }),
        ("commonmark", RenderOptions { gfm: false, trusted: true, ..RenderOptions::default() }),
    ]
}

/// The pieces of `text` in chunking `which` (0: characters, 1: tokens, 2: random 1–16 characters from `seed`).
fn pieces(text: &str, which: usize, seed: u64) -> Vec<&str> {
    match which {
        0 => char_pieces(text),
        1 => token_pieces(text),
        _ => random_char_pieces(text, seed, 16),
    }
}

const CHUNKINGS: [&str; 3] = ["chars", "tokens", "random-1-16"];

fn known_differences() -> BTreeMap<u64, String> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/corpus/generated-known-differences.txt");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("should read {}: {e}", path.display()));
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(|line| {
            let seed = line.split_whitespace().next().and_then(|s| s.parse().ok());
            (seed.unwrap_or_else(|| panic!("each listed line should start with a seed: {line}")), line.to_owned())
        })
        .collect()
}

#[test]
fn generated_llm_shaped_markdown_streams_exactly_like_the_one_shot_render_at_every_render() {
    let started = std::time::Instant::now();
    let base = support::base_seed();
    let asked: Option<u64> = std::env::var("RILLMARK_GENERATED_ROUNDS")
        .ok()
        .map(|r| r.trim().parse().expect("RILLMARK_GENERATED_ROUNDS should be a number"));
    let mut rounds = asked.unwrap_or(DEFAULT_ROUNDS);
    let minimising = std::env::var("RILLMARK_MINIMISE").is_ok();
    let mut failures: BTreeMap<u64, String> = BTreeMap::new();
    let (mut bytes, mut streams, mut renders) = (0usize, 0usize, 0usize);
    let mut by_kind: BTreeMap<ProblemKind, usize> = BTreeMap::new();
    for round in 0..rounds {
        if asked.is_none() && round >= MIN_ROUNDS && started.elapsed().as_secs_f64() > DEFAULT_SECONDS {
            rounds = round;
            break;
        }
        let seed = base.wrapping_add(round);
        let text = generate(&mut Seeded(seed), MAX_BLOCKS);
        bytes += text.len();
        for (options, opts) in option_sets() {
            for (which, chunking) in CHUNKINGS.iter().enumerate() {
                let report = stream_checked(&text, pieces(&text, which, seed), &opts, Checks::ALL);
                streams += 1;
                renders += report.renders;
                let Some(problem) = report.worst() else { continue };
                *by_kind.entry(problem.kind).or_default() += 1;
                if failures.contains_key(&seed) {
                    continue;
                }
                let kind = problem.kind;
                let mut line = format!("{seed} {} {chunking} {options}", kind.name());
                if minimising {
                    let fails = |candidate: &str| {
                        let report = stream_checked(candidate, pieces(candidate, which, seed), &opts, Checks::ALL);
                        report.worst().is_some_and(|p| p.kind == kind)
                    };
                    let small = minimise(&text, 3000, fails);
                    let report = stream_checked(&small, pieces(&small, which, seed), &opts, Checks::ALL);
                    line.push_str(&format!(
                        "\n  minimised: {small:?}\n  one-shot {:?}\n  streamed {:?}\n  {}",
                        report.expected_html,
                        report.streamed_html,
                        report.worst().map_or(String::new(), |p| p.detail.clone())
                    ));
                } else {
                    line.push_str(&format!("\n  input: {text:?}\n  {}", problem.detail));
                }
                failures.insert(seed, line);
            }
        }
    }
    let known = known_differences();
    let new: Vec<&String> = failures.iter().filter(|(seed, _)| !known.contains_key(seed)).map(|(_, l)| l).collect();
    let seeds: BTreeSet<u64> = (0..rounds).map(|r| base.wrapping_add(r)).collect();
    let fixed: Vec<&String> =
        known.iter().filter(|(seed, _)| seeds.contains(seed) && !failures.contains_key(seed)).map(|(_, l)| l).collect();
    let kinds: Vec<String> =
        ProblemKind::ALL.iter().map(|k| format!("{} {}", k.name(), by_kind.get(k).copied().unwrap_or(0))).collect();
    println!(
        "generated: {rounds} documents from seed {base}, {bytes} bytes; {streams} streams, {renders} renders, in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    println!("generated: streams with each problem: {}", kinds.join(", "));
    println!(
        "generated: {} documents differ ({} new); {} listed documents now pass",
        failures.len(),
        new.len(),
        fixed.len()
    );
    if minimising || std::env::var("RILLMARK_GENERATED_PRINT").is_ok() {
        for line in failures.values() {
            println!("{line}");
        }
    }
    let new: Vec<&str> = new.iter().map(|l| l.as_str()).collect();
    assert!(
        new.is_empty(),
        "every generated document should stream exactly like its one-shot render; these did not (add \
         RILLMARK_MINIMISE=1 to shrink them):\n{}",
        new.join("\n")
    );
    let fixed: Vec<&str> = fixed.iter().map(|l| l.as_str()).collect();
    assert!(
        fixed.is_empty(),
        "these documents listed in generated-known-differences.txt now stream cleanly: remove them:\n{}",
        fixed.join("\n")
    );
}

#[test]
fn the_generator_writes_the_shapes_models_write() {
    let docs: Vec<String> = (0..300).map(|seed| generate(&mut Seeded(seed), MAX_BLOCKS)).collect();
    let all = docs.concat();
    for (shape, needle) in [
        ("a nested bullet under a numbered item", "\n   - "),
        ("a fence", "```"),
        ("display math in brackets", "\\["),
        ("display math in dollars", "$$"),
        ("a table delimiter row", "| --- |"),
        ("a quote holding a list", "> - "),
        ("a footnote definition", "[^1]: "),
        ("a reference definition", "[ref]: https://"),
        ("a setext underline", "\n===\n"),
        ("block HTML", "<details>"),
        ("inline HTML", "<b>"),
        ("a CRLF", "\r\n"),
        ("a tab", "\t"),
        ("bold", "**"),
        ("a code span", "`"),
        ("a link", "](https://"),
        ("inline math", "\\("),
    ] {
        assert!(all.contains(needle), "300 generated documents should hold {shape} ({needle:?})");
    }
    assert_eq!(generate(&mut Seeded(7), MAX_BLOCKS), generate(&mut Seeded(7), MAX_BLOCKS), "a seed should replay");
    assert!(docs.iter().map(String::len).sum::<usize>() > 100_000, "documents should be answer-sized");
}

// The word reading of `support::states`, on trees built by hand.

fn text(t: &str) -> Node {
    Node::Text(t.to_owned())
}

fn element(tag: &'static str, children: Vec<Node>) -> Node {
    Node::Element(Element { tag, attrs: Vec::new(), children })
}

#[test]
fn shown_text_reads_words_without_markup_punctuation() {
    let doc = [
        element("p", vec![text("A **b"), element("em", vec![text("c")]), text("d.")]),
        element("ul", vec![element("li", vec![text("one")]), element("li", vec![text("two  three")])]),
        Node::RawHtml("<div>raw <b>html</b></div>".to_owned()),
    ];
    assert_eq!(shown_text(&doc), "A bcd one two three raw html", "words should follow the DOM's text");
    let blocks: Vec<&Node> = doc.iter().collect();
    let (all, marks) = shown_text_by_block(&blocks);
    assert_eq!(all, shown_text(&doc), "by block should read the same words");
    assert_eq!(marks, [(0, 0), (6, 2), (20, 5), (all.len(), 7)], "each block's words should start at its mark");
}

#[test]
fn matching_words_counts_whole_words_only() {
    assert_eq!(matching_words("a b c", "a b c d"), (3, 3), "equal words should all match");
    assert_eq!(matching_words("a b th", "a b theory"), (2, 3), "a word typed halfway should not match");
    assert_eq!(matching_words("a x", "a b"), (1, 2), "a different word should stop the match");
    assert_eq!(matching_words("", "a"), (0, 0), "nothing shown should match nothing");
}
