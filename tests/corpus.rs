//! The incremental engine on real model answers: thousands of answers from `lmarena/arena-hard-auto` (see
//! `tests/data/corpus/README.md`), each streamed character by character, in tokenizer-like pieces, in pieces of 1–6
//! bytes cycling and at a seeded random split, with the default and the trusted options, and checked at every
//! render by `support::states` (the end equals the one-shot render, the verified finish repaired nothing, committed
//! blocks are final, shown words never vanish).
//!
//! `cargo test --test corpus` runs a seeded sample for about 20 s (25 answers at least; a debug build on a busy
//! 2-core machine streams about 25–50, a release build 50–200). The whole corpus, with a summary:
//!
//! ```sh
//! RILLMARK_CORPUS=all cargo test --release --test corpus -- --nocapture
//! ```
//!
//! Other knobs: `RILLMARK_CORPUS=<id>,<id>` runs those answers; `RILLMARK_CORPUS_SECONDS=<s>` sets the sample's time;
//! `RILLMARK_MINIMISE=1` shrinks the first difference of each answer and prints it as a Rust string literal;
//! `RILLMARK_CORPUS_REPORT=<file>` writes every difference there; `RILLMARK_SEED=<n>` changes the random splits (then a
//! listed difference that passes is not reported as fixed, since another split may not reach it).
//!
//! Answers that still differ are listed in `tests/data/corpus/known-differences.txt`; the test checks the list both
//! ways: a difference not listed fails it, and so does a listed answer that now streams cleanly (shrink the list).
// Native tests: the wasm32 build of the test suite runs only the browser files (tests/web*.rs).
#![cfg(not(target_arch = "wasm32"))]

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::PathBuf;

use rillmark::options::RenderOptions;
use support::minimise::minimise;
use support::states::{cycling_pieces, stream_checked, token_pieces, Checks, ProblemKind, Report};
use support::{char_pieces, random_char_pieces};

/// One answer of the corpus.
struct Answer {
    id: String,
    source: String,
    text: String,
}

fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/corpus")
}

/// Every answer of the vendored corpus, in file (id) order.
fn corpus() -> Vec<Answer> {
    let path = corpus_dir().join("arena-hard-answers.jsonl.gz");
    let file = std::fs::File::open(&path).unwrap_or_else(|e| panic!("should open {}: {e}", path.display()));
    let mut text = String::new();
    flate2::read::GzDecoder::new(file).read_to_string(&mut text).expect("the corpus should be gzipped UTF-8");
    text.lines()
        .map(|line| {
            let row: serde_json::Value = serde_json::from_str(line).expect("each corpus line should be JSON");
            let field =
                |key: &str| row[key].as_str().unwrap_or_else(|| panic!("each answer should have {key}")).to_owned();
            Answer { id: field("id"), source: field("source"), text: field("text") }
        })
        .collect()
}

/// A way of cutting an answer into the pieces that arrive between two renders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Chunking {
    Chars,
    Tokens,
    Cycling,
    /// Pieces of 1..=16 characters from this seed.
    Random(u64),
}

impl Chunking {
    fn pieces<'a>(&self, text: &'a str) -> Vec<&'a str> {
        match *self {
            Chunking::Chars => char_pieces(text),
            Chunking::Tokens => token_pieces(text),
            Chunking::Cycling => cycling_pieces(text),
            Chunking::Random(seed) => random_char_pieces(text, seed, 16),
        }
    }

    fn name(&self) -> String {
        match self {
            Chunking::Chars => "chars".to_owned(),
            Chunking::Tokens => "tokens".to_owned(),
            Chunking::Cycling => "cycling-1-6".to_owned(),
            Chunking::Random(seed) => format!("random-1-16-seed-{seed}"),
        }
    }
}

fn option_sets() -> [(&'static str, RenderOptions); 2] {
    [("default", RenderOptions::default()), ("trusted", RenderOptions { trusted: true, ..RenderOptions::default() })]
}

/// The answer's id as a number (its first 12 hex digits are a SHA-256 prefix of its text: uniformly spread).
fn id_number(id: &str) -> u64 {
    u64::from_str_radix(id, 16).expect("corpus ids should be hex")
}

/// The chunkings every answer is streamed in; the random split's seed comes from the answer and the base seed.
fn chunkings(id: &str) -> [Chunking; 4] {
    let seed = id_number(id) ^ support::base_seed();
    [Chunking::Chars, Chunking::Tokens, Chunking::Cycling, Chunking::Random(seed)]
}

/// How long the default run streams sampled answers (`RILLMARK_CORPUS_SECONDS` changes it).
const DEFAULT_SECONDS: f64 = 20.0;
/// The default run streams at least this many answers, however slow the machine.
const MIN_SAMPLE: usize = 25;

/// Which answers run, and until when: `RILLMARK_CORPUS=all`, a list of ids, or (unset) a seeded sample in a seeded
/// order, as many as fit in the time budget (at least [`MIN_SAMPLE`]). Since every answer of the corpus that
/// differs is listed, the sample's size changes what is covered, never whether the test passes.
fn selected(answers: Vec<Answer>) -> (String, Vec<Answer>, Option<f64>) {
    match std::env::var("RILLMARK_CORPUS").ok().as_deref().map(str::trim) {
        Some("all") => ("the whole corpus".to_owned(), answers, None),
        Some(ids) if !ids.is_empty() => {
            let wanted: BTreeSet<&str> = ids.split(',').map(str::trim).collect();
            let chosen: Vec<Answer> = answers.into_iter().filter(|a| wanted.contains(a.id.as_str())).collect();
            assert_eq!(chosen.len(), wanted.len(), "every id in RILLMARK_CORPUS should be in the corpus");
            ("the answers asked for".to_owned(), chosen, None)
        }
        _ => {
            let base = support::base_seed();
            let seconds = std::env::var("RILLMARK_CORPUS_SECONDS")
                .ok()
                .map(|s| s.trim().parse().expect("RILLMARK_CORPUS_SECONDS should be a number"))
                .unwrap_or(DEFAULT_SECONDS);
            let mut answers = answers;
            answers.sort_by_key(|a| (id_number(&a.id) ^ base).wrapping_mul(0x9E37_79B9_7F4A_7C15));
            (format!("a sample for {seconds} s (RILLMARK_SEED={base})"), answers, Some(seconds))
        }
    }
}

/// The known differences: id → the line that lists it.
fn known_differences() -> BTreeMap<String, String> {
    let path = corpus_dir().join("known-differences.txt");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("should read {}: {e}", path.display()));
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(|line| (line.split_whitespace().next().unwrap_or_default().to_owned(), line.to_owned()))
        .collect()
}

/// One answer that did not stream cleanly in one chunking and option set.
struct Difference {
    id: String,
    source: String,
    chunking: Chunking,
    options: &'static str,
    report: Report,
}

impl Difference {
    /// The line for `known-differences.txt`.
    fn listing(&self) -> String {
        let worst = self.report.worst().map_or("?", |p| p.kind.name());
        format!("{} {worst} {} {} ({})", self.id, self.chunking.name(), self.options, self.source)
    }

    fn describe(&self) -> String {
        let problems: Vec<String> = self
            .report
            .problems
            .iter()
            .map(|p| {
                let at = p.render.map_or("at the end".to_owned(), |r| format!("at render {r}"));
                format!("  {} {at}: {}", p.kind.name(), p.detail)
            })
            .collect();
        format!("{}\n{}", self.listing(), problems.join("\n"))
    }
}

#[derive(Default)]
struct Totals {
    answers: usize,
    bytes: usize,
    streams: usize,
    renders: usize,
    text_losses: usize,
    by_kind: BTreeMap<ProblemKind, usize>,
}

#[test]
fn real_answers_stream_exactly_like_the_one_shot_render_at_every_render() {
    let started = std::time::Instant::now();
    let (what, mut answers, budget) = selected(corpus());
    assert!(!answers.is_empty(), "the selection should hold answers");
    let mut totals = Totals::default();
    let mut differences: Vec<Difference> = Vec::new();
    for (n, answer) in answers.iter().enumerate() {
        if budget.is_some_and(|seconds| n >= MIN_SAMPLE && started.elapsed().as_secs_f64() > seconds) {
            break;
        }
        totals.answers += 1;
        totals.bytes += answer.text.len();
        for (options, opts) in option_sets() {
            for chunking in chunkings(&answer.id) {
                let report = stream_checked(&answer.text, chunking.pieces(&answer.text), &opts, Checks::ALL);
                totals.streams += 1;
                totals.renders += report.renders;
                totals.text_losses += report.text_losses;
                for problem in &report.problems {
                    *totals.by_kind.entry(problem.kind).or_default() += 1;
                }
                if !report.is_clean() {
                    differences.push(Difference {
                        id: answer.id.clone(),
                        source: answer.source.clone(),
                        chunking,
                        options,
                        report,
                    });
                }
            }
        }
    }

    answers.truncate(totals.answers);
    let known = known_differences();
    let failing: BTreeSet<&str> = differences.iter().map(|d| d.id.as_str()).collect();
    let new: Vec<&Difference> = differences.iter().filter(|d| !known.contains_key(&d.id)).collect();
    let run: BTreeSet<&str> = answers.iter().map(|a| a.id.as_str()).collect();
    let seeded_default = std::env::var("RILLMARK_SEED").is_err();
    let fixed: Vec<&String> = known
        .iter()
        .filter(|(id, _)| run.contains(id.as_str()) && !failing.contains(id.as_str()))
        .map(|(_, l)| l)
        .collect();

    println!(
        "corpus: {what}: {} answers, {} bytes; {} streams ({} option sets × 4 chunkings), {} renders, in {:.1} s",
        totals.answers,
        totals.bytes,
        totals.streams,
        option_sets().len(),
        totals.renders,
        started.elapsed().as_secs_f64()
    );
    let kinds: Vec<String> = ProblemKind::ALL
        .iter()
        .map(|k| format!("{} {}", k.name(), totals.by_kind.get(k).copied().unwrap_or(0)))
        .collect();
    println!(
        "corpus: streams with each problem: {}; renders that lost shown words: {}",
        kinds.join(", "),
        totals.text_losses
    );
    println!(
        "corpus: {} answers differ ({} listed as known, {} new); {} listed answers in this run now stream cleanly",
        failing.len(),
        failing.iter().filter(|id| known.contains_key(**id)).count(),
        new.iter().map(|d| &d.id).collect::<BTreeSet<_>>().len(),
        fixed.len()
    );
    if let Ok(path) = std::env::var("RILLMARK_CORPUS_REPORT") {
        let all: Vec<String> = differences.iter().map(Difference::describe).collect();
        std::fs::write(&path, all.join("\n\n")).expect("should write the report");
        println!("corpus: every difference written to {path}");
    }
    if std::env::var("RILLMARK_MINIMISE").is_ok() {
        let texts: BTreeMap<&str, &str> = answers.iter().map(|a| (a.id.as_str(), a.text.as_str())).collect();
        let mut done = BTreeSet::new();
        for difference in &differences {
            if done.insert(&difference.id) {
                print_minimised(difference, texts[difference.id.as_str()]);
            }
        }
    }

    let new_listing: Vec<String> = new.iter().map(|d| d.describe()).collect();
    assert!(
        new.is_empty(),
        "every answer should stream exactly like its one-shot render; {} streams of answers not in \
         known-differences.txt did not:\n{}",
        new.len(),
        new_listing.join("\n\n")
    );
    if seeded_default {
        let fixed: Vec<&str> = fixed.iter().map(|l| l.as_str()).collect();
        assert!(
            fixed.is_empty(),
            "these answers listed in known-differences.txt now stream cleanly: remove them from the list:\n{}",
            fixed.join("\n")
        );
    }
}

/// Shrinks one difference (same chunking, options and worst problem kind) and prints it for finds-corpus.md.
fn print_minimised(difference: &Difference, text: &str) {
    let Some(kind) = difference.report.worst().map(|p| p.kind) else { return };
    let opts = option_sets().into_iter().find(|(name, _)| *name == difference.options).expect("known options").1;
    let chunking = difference.chunking;
    let fails = |candidate: &str| {
        let report = stream_checked(candidate, chunking.pieces(candidate), &opts, Checks::ALL);
        report.worst().is_some_and(|p| p.kind == kind)
    };
    let small = minimise(text, 4000, fails);
    let report = stream_checked(&small, chunking.pieces(&small), &opts, Checks::ALL);
    println!(
        "\nminimised {} ({} {} {}): {small:?}\n  one-shot {:?}\n  streamed {:?}\n  {}",
        difference.id,
        kind.name(),
        chunking.name(),
        difference.options,
        report.expected_html,
        report.streamed_html,
        report.worst().map_or(String::new(), |p| p.detail.clone())
    );
}

#[test]
fn the_corpus_holds_thousands_of_distinct_answers_with_unique_ids() {
    let answers = corpus();
    assert!(answers.len() >= 3000, "the corpus should hold thousands of answers, has {}", answers.len());
    let ids: BTreeSet<&str> = answers.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids.len(), answers.len(), "ids should be unique");
    let texts: BTreeSet<&str> = answers.iter().map(|a| a.text.as_str()).collect();
    assert_eq!(texts.len(), answers.len(), "answers should be distinct");
    let known = known_differences();
    for id in known.keys() {
        assert!(ids.contains(id.as_str()), "known difference {id} should name an answer of the corpus");
    }
}

#[test]
fn every_chunking_cuts_the_whole_text_in_order_at_char_boundaries() {
    let text =
        "## Title\r\n\n1. **Bold** `code` and\ttabs — é😀 verylongword_with_underscores\n   ```rust\n   x\n   ```\n";
    for chunking in [Chunking::Chars, Chunking::Tokens, Chunking::Cycling, Chunking::Random(7)] {
        let pieces = chunking.pieces(text);
        assert_eq!(pieces.concat(), text, "{} pieces should add up to the text", chunking.name());
        assert!(pieces.iter().all(|p| !p.is_empty()), "{} pieces should not be empty", chunking.name());
    }
    let tokens = token_pieces("Hello world **bold**\n\n```");
    assert_eq!(
        tokens,
        ["Hello", " world", " ", "**", "bold", "**", "\n\n", "```"],
        "tokens should look like a tokenizer's"
    );
}
