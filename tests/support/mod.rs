//! Helpers shared by integration tests: the recorded fixtures and the chunkings every stage is fed with.
//!
//! Each test binary that says `mod support;` compiles this file on its own, so not every helper is used by every
//! binary.
#![allow(dead_code)]

use std::path::PathBuf;

use rillmark::markdown::{IncrementalMarkdown, MarkdownStats};
use rillmark::options::RenderOptions;
use rillmark::patch::diff::IdAllocator;
use rillmark::patch::recorder::HtmlRecorder;
use rillmark::patch::{PatchSink, ROOT};
use serde_json::Value;

/// Where the recorded streams live (copied into the repository: tests never read outside it).
pub fn real_streams_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/real-streams")
}

/// One recorded stream and what reading it should give.
#[derive(Debug)]
pub struct Fixture {
    /// The manifest's `name`, used in every failure message.
    pub name: String,
    /// The manifest's `dialect` (`"openai"`, `"anthropic"`, `"ollama"`, …).
    pub dialect: String,
    /// The response's `Content-Type` as recorded.
    pub content_type: String,
    /// The body, byte for byte.
    pub bytes: Vec<u8>,
    /// The manifest's `expect` object (`status`, `answer`, `reasoning`, `partial`, `message`, `tools`, …).
    pub expect: Value,
}

/// Every fixture in `manifest.json`, in manifest order. Panics (this is test setup) if a file is missing or its
/// size disagrees with the manifest, which would mean the copy is damaged.
pub fn real_streams() -> Vec<Fixture> {
    let dir = real_streams_dir();
    let manifest = std::fs::read_to_string(dir.join("manifest.json")).expect("manifest.json should be readable");
    let manifest: Value = serde_json::from_str(&manifest).expect("manifest.json should be JSON");
    let entries = manifest.as_array().expect("manifest.json should be an array");
    entries
        .iter()
        .map(|entry| {
            let field = |key: &str| entry[key].as_str().unwrap_or_default().to_owned();
            let name = field("name");
            let bytes = std::fs::read(dir.join(field("file")))
                .unwrap_or_else(|e| panic!("fixture {name}: the file should be readable ({e})"));
            assert_eq!(
                Some(bytes.len() as u64),
                entry["bytes"].as_u64(),
                "fixture {name}: the copied file should have the manifest's size"
            );
            Fixture {
                dialect: field("dialect"),
                content_type: field("contentType"),
                bytes,
                expect: entry["expect"].clone(),
                name,
            }
        })
        .collect()
}

/// SplitMix64: a tiny deterministic PRNG, so a failing split can be replayed from its seed.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A generator seeded from [`base_seed`] (`RILLMARK_SEED` replays a run).
    pub fn from_env() -> Self {
        Rng(base_seed())
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    /// A number in `1..=max`.
    pub fn between_1_and(&mut self, max: usize) -> usize {
        1 + (self.next_u64() % max.max(1) as u64) as usize
    }
}

/// The base seed for random splits: `RILLMARK_SEED` when set (to replay a failure), a fixed default otherwise.
pub fn base_seed() -> u64 {
    match std::env::var("RILLMARK_SEED") {
        Ok(seed) => seed.trim().parse().expect("RILLMARK_SEED should be an unsigned integer"),
        Err(_) => 0x5EED_2026,
    }
}

/// A way of cutting a body into chunks, named for failure messages.
#[derive(Debug, Clone, Copy)]
pub enum Split {
    Whole,
    ByteByByte,
    /// Random chunk sizes in `1..=max`, from `seed` (derived from the base seed `base`).
    Random {
        base: u64,
        seed: u64,
        max: usize,
    },
}

impl Split {
    /// Whole, byte by byte, and `rounds` random splits alternating small chunks (most boundaries land inside
    /// tokens and code points) and large ones (boundaries land anywhere in a frame).
    pub fn standard(rounds: u64) -> Vec<Split> {
        let base = base_seed();
        let mut splits = vec![Split::Whole, Split::ByteByByte];
        splits.extend((0..rounds).map(|round| Split::Random {
            base,
            seed: base.wrapping_add(round),
            max: if round % 2 == 0 { 7 } else { 700 },
        }));
        splits
    }

    /// Cuts `bytes` into chunks.
    pub fn chunks<'a>(&self, bytes: &'a [u8]) -> Vec<&'a [u8]> {
        match *self {
            Split::Whole => vec![bytes],
            Split::ByteByByte => bytes.chunks(1).collect(),
            Split::Random { seed, max, .. } => {
                let mut rng = Rng::new(seed);
                let mut rest = bytes;
                let mut chunks = Vec::new();
                while !rest.is_empty() {
                    let (chunk, tail) = rest.split_at(rng.between_1_and(max).min(rest.len()));
                    chunks.push(chunk);
                    rest = tail;
                }
                chunks
            }
        }
    }
}

impl std::fmt::Display for Split {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Split::Whole => write!(f, "whole"),
            Split::ByteByByte => write!(f, "byte by byte"),
            Split::Random { base, seed, max } => {
                write!(f, "random chunks of 1..={max} bytes (seed {seed}; replay with RILLMARK_SEED={base})")
            }
        }
    }
}

/// Cuts `text` into pieces of `1..=max` characters (never inside a code point), from `seed`.
pub fn random_char_pieces(text: &str, seed: u64, max: usize) -> Vec<&str> {
    let mut rng = Rng::new(seed);
    let mut pieces = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let chars = rng.between_1_and(max);
        let cut = rest.char_indices().nth(chars).map_or(rest.len(), |(at, _)| at);
        let (piece, tail) = rest.split_at(cut);
        pieces.push(piece);
        rest = tail;
    }
    pieces
}

/// `text` one character per piece.
pub fn char_pieces(text: &str) -> Vec<&str> {
    text.char_indices().map(|(at, c)| &text[at..at + c.len_utf8()]).collect()
}

/// One example of a spec file in `tests/data/` (see `tests/data/README-spec.md`).
#[derive(Debug, Clone)]
pub struct SpecExample {
    pub number: u64,
    pub section: String,
    pub markdown: String,
    pub html: String,
}

/// Every example of `tests/data/<file>`, in file order.
#[track_caller]
pub fn spec_examples(file: &str) -> Vec<SpecExample> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("should read {}: {e}", path.display()));
    let json: Value = serde_json::from_str(&text).expect("should parse the spec examples as JSON");
    let field = |v: &Value, k: &str| v[k].as_str().map(str::to_owned);
    json.as_array()
        .expect("should hold an array of examples")
        .iter()
        .map(|v| SpecExample {
            number: v["example"].as_u64().expect("should have an example number"),
            section: field(v, "section").expect("should have a section"),
            markdown: field(v, "markdown").expect("should have markdown"),
            html: field(v, "html").expect("should have html"),
        })
        .collect()
}

/// Sorts the attributes inside every tag and drops the `/` of self-closing tags, as `tests/spec.rs` does before its
/// tolerant comparison (the GFM task-list examples print sorted attributes without the slash; comrak prints them in
/// another order, with it).
pub fn normalise_attributes(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let Some(len) = rest[start..].find('>') else {
            break;
        };
        let tag = &rest[start..start + len + 1];
        rest = &rest[start + len + 1..];
        let inner = tag.trim_start_matches('<').trim_end_matches('>').trim_end_matches('/').trim_end();
        let mut parts = split_attributes(inner);
        if parts.len() > 2 {
            parts[1..].sort();
        }
        out.push('<');
        out.push_str(&parts.join(" "));
        out.push('>');
    }
    out.push_str(rest);
    out
}

fn split_attributes(inner: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in inner.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                current.push(c);
            }
            ' ' if !quoted => {
                if !current.is_empty() {
                    parts.push(std::mem::take(&mut current));
                }
            }
            _ => current.push(c),
        }
    }
    if !current.is_empty() {
        parts.push(current);
    }
    parts
}

/// Whether markdown text may hold link reference definitions or footnotes, which the incremental engine settles in
/// its final reconcile by design (a definition can arrive after its use). Over-approximates: any `]:` counts.
pub fn may_define_links_or_footnotes(markdown: &str) -> bool {
    markdown.contains("]:") || markdown.contains("[^")
}

pub mod llm_markdown;
pub mod minimise;
pub mod states;

/// Streams `pieces` through the incremental engine into a recorder, rendering after each piece, then finishes: the
/// recorder (its HTML and violations) and the engine's counters.
pub fn stream_into_recorder<'a>(
    pieces: impl IntoIterator<Item = &'a str>,
    opts: &RenderOptions,
) -> (HtmlRecorder, MarkdownStats) {
    let mut engine = IncrementalMarkdown::new(opts.clone(), ROOT);
    let (mut ids, mut ops, mut recorder) = (IdAllocator::default(), Vec::new(), HtmlRecorder::new());
    for piece in pieces {
        engine.push(piece);
        engine.render(&mut ids, &mut ops);
        recorder.apply(&ops);
        ops.clear();
    }
    engine.finish(&mut ids, &mut ops);
    recorder.apply(&ops);
    (recorder, engine.stats())
}
