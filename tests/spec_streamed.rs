//! Spec conformance under streaming (DESIGN.md §2.2): every CommonMark 0.31.2 example and every GFM extension example
//! fed through [`IncrementalMarkdown`] one-shot, character by character and at three seeded random splittings, with a
//! render after every piece (as the browser renders once per frame), compared with the spec's HTML the way
//! `tests/spec.rs` compares the one-shot renderer.
//!
//! Also measures how often the commit logic guessed wrong: `reconcile_ops_on_committed` must be 0 for every example
//! without link reference definitions or footnotes (those are settled by the final reconcile by design).
//!
//! A failure names the example number, its section and the chunking. `RILLMARK_SEED=<n>` replays other random splits;
//! `RILLMARK_SPEC_VERBOSE=1` prints every failing example even when the test passes.
// Native tests: the wasm32 build of the test suite runs only the browser files (tests/web*.rs).
#![cfg(not(target_arch = "wasm32"))]

mod support;

use rillmark::options::RenderOptions;

use support::{base_seed, char_pieces, may_define_links_or_footnotes, normalise_attributes, random_char_pieces};
use support::{spec_examples, SpecExample};

/// A way of cutting an example's markdown, named for failure messages.
#[derive(Debug, Clone, Copy)]
enum Chunking {
    OneShot,
    CharByChar,
    /// Pieces of `1..=max` characters from `seed`.
    Random {
        seed: u64,
        max: usize,
    },
}

impl Chunking {
    /// One-shot, char by char, and three random splittings (small, medium and large pieces).
    fn all() -> Vec<Chunking> {
        let base = base_seed();
        let mut chunkings = vec![Chunking::OneShot, Chunking::CharByChar];
        chunkings.extend(
            [2, 5, 17]
                .iter()
                .enumerate()
                .map(|(round, &max)| Chunking::Random { seed: base.wrapping_add(round as u64), max }),
        );
        chunkings
    }

    fn pieces<'a>(&self, text: &'a str) -> Vec<&'a str> {
        match *self {
            Chunking::OneShot => vec![text],
            Chunking::CharByChar => char_pieces(text),
            Chunking::Random { seed, max } => random_char_pieces(text, seed, max),
        }
    }
}

impl std::fmt::Display for Chunking {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Chunking::OneShot => write!(f, "one-shot"),
            Chunking::CharByChar => write!(f, "char by char"),
            Chunking::Random { seed, max } => {
                write!(f, "random pieces of 1..={max} chars (seed {seed}; replay with RILLMARK_SEED={})", base_seed())
            }
        }
    }
}

/// What streaming one example gave.
struct Streamed {
    html: String,
    reconcile_ops: u64,
    finish_repairs: u64,
    violations: Vec<String>,
}

/// Streams `pieces` through the incremental engine into a recorder, rendering after each piece, then finishes.
fn stream(pieces: &[&str], opts: &RenderOptions) -> Streamed {
    let (recorder, stats) = support::stream_into_recorder(pieces.iter().copied(), opts);
    Streamed {
        html: recorder.html(),
        reconcile_ops: stats.reconcile_ops_on_committed,
        finish_repairs: stats.finish_repairs,
        violations: recorder.violations().to_vec(),
    }
}

/// Results of one chunking over a suite.
#[derive(Default)]
struct Tally {
    /// Matches the spec byte for byte.
    exact: usize,
    /// Matches only with attribute order and void-tag slashes normalised (allowed where `tests/spec.rs` allows it).
    normalised: usize,
    /// Examples (of any kind) whose committed blocks needed ops at the final reconcile.
    reconciled: Vec<u64>,
    failures: Vec<String>,
}

/// Runs every example (but `skip`) under `chunking`; `allow_normalised` mirrors `tests/spec.rs` (GFM only).
fn run(
    suite: &str,
    examples: &[SpecExample],
    opts: &RenderOptions,
    skip: &[u64],
    chunking: Chunking,
    allow_normalised: bool,
) -> Tally {
    let mut tally = Tally::default();
    for ex in examples.iter().filter(|e| !skip.contains(&e.number)) {
        let pieces = chunking.pieces(&ex.markdown);
        let got = stream(&pieces, opts);
        let name = format!("{suite} example {} ({}), {chunking}, {} pieces", ex.number, ex.section, pieces.len());
        let mut problems = Vec::new();
        if got.html == ex.html {
            tally.exact += 1;
        } else if allow_normalised && normalise_attributes(&got.html) == normalise_attributes(&ex.html) {
            tally.normalised += 1;
        } else {
            problems.push(format!(
                "should render as the spec says\n    expected: {:?}\n    got:      {:?}",
                ex.html, got.html
            ));
        }
        if got.finish_repairs > 0 {
            problems.push(format!(
                "should stream exactly, but the verified finish repaired the DOM with {} ops",
                got.finish_repairs
            ));
        }
        if !got.violations.is_empty() {
            problems.push(format!("should emit only valid ops, got violations {:?}", got.violations));
        }
        if got.reconcile_ops > 0 {
            tally.reconciled.push(ex.number);
            if !may_define_links_or_footnotes(&ex.markdown) {
                problems.push(format!(
                    "should commit only final blocks (no definitions or footnotes here), but the final reconcile \
                     patched committed blocks with {} ops",
                    got.reconcile_ops
                ));
            }
        }
        if !problems.is_empty() {
            tally.failures.push(format!("{name}\n  markdown: {:?}\n  {}", ex.markdown, problems.join("\n  ")));
        }
    }
    tally
}

/// Runs every chunking, prints the pass counts, and fails listing every failing example under every chunking.
#[track_caller]
fn assert_suite_streams(suite: &str, examples: &[SpecExample], opts: &RenderOptions, skip: &[u64], gfm: bool) {
    let total = examples.iter().filter(|e| !skip.contains(&e.number)).count();
    let with_definitions =
        examples.iter().filter(|e| !skip.contains(&e.number) && may_define_links_or_footnotes(&e.markdown)).count();
    let mut failures = Vec::new();
    for chunking in Chunking::all() {
        let tally = run(suite, examples, opts, skip, chunking, gfm);
        let unexpected_reconciles = tally
            .reconciled
            .iter()
            .filter(|n| examples.iter().any(|e| e.number == **n && !may_define_links_or_footnotes(&e.markdown)))
            .count();
        eprintln!(
            "{suite} [{chunking}]: {} of {total} pass ({} byte for byte, {} with attributes normalised); \
             {} examples needed reconcile ops on committed blocks ({} of them without definitions or footnotes; \
             {with_definitions} examples may define links or footnotes){}",
            tally.exact + tally.normalised,
            tally.exact,
            tally.normalised,
            tally.reconciled.len(),
            unexpected_reconciles,
            if tally.reconciled.is_empty() { String::new() } else { format!(": {:?}", tally.reconciled) },
        );
        if std::env::var_os("RILLMARK_SPEC_VERBOSE").is_some() {
            for failure in &tally.failures {
                eprintln!("{failure}");
            }
        }
        failures.extend(tally.failures);
    }
    assert!(
        failures.is_empty(),
        "every {suite} example should stream to the spec's HTML under every chunking; {} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn commonmark_examples_stream_to_the_spec_html() {
    let examples = spec_examples("commonmark-0.31.2.json");
    assert_eq!(examples.len(), 652, "should vendor all 652 CommonMark 0.31.2 examples");
    let opts = RenderOptions { gfm: false, trusted: true, ..RenderOptions::default() };
    assert_suite_streams("CommonMark 0.31.2", &examples, &opts, &[], false);
}

/// GFM examples not required: `xmpp:` autolinks, which cmark-gfm does not implement either (DESIGN.md §3, as in
/// `tests/spec.rs`).
const GFM_NOT_REQUIRED: &[u64] = &[634, 635];

#[test]
fn gfm_extension_examples_stream_to_the_spec_html() {
    let examples = spec_examples("gfm-0.29-extensions.json");
    assert_eq!(examples.len(), 28, "should vendor all 28 GFM extension examples");
    for n in GFM_NOT_REQUIRED {
        assert!(
            examples.iter().any(|e| e.number == *n && e.markdown.contains("xmpp:")),
            "should skip only the xmpp: autolink examples, not example {n}"
        );
    }
    let opts = RenderOptions { trusted: true, ..RenderOptions::default() };
    assert_suite_streams("GFM 0.29 extensions (xmpp: examples skipped)", &examples, &opts, GFM_NOT_REQUIRED, true);
}

#[test]
fn char_pieces_and_random_pieces_cover_the_text() {
    let text = "a é 😀\r\n| b |\t→";
    for chunking in Chunking::all() {
        let pieces = chunking.pieces(text);
        assert_eq!(pieces.concat(), text, "[{chunking}] should cover every character in order");
        assert!(pieces.iter().all(|p| !p.is_empty()), "[{chunking}] should produce no empty piece");
    }
    assert_eq!(char_pieces(text).len(), text.chars().count(), "char by char should give one piece per character");
}
