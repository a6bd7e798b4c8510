//! Native throughput of stages ①–⑤, with comrak's one-shot parse + render as the physical reference.
//!
//! `cargo bench --bench pipeline` (release profile; a plain `harness = false` main, no bench crates). Filters:
//! `cargo bench --bench pipeline -- markdown` runs only rows whose name contains "markdown";
//! `cargo bench --bench pipeline -- markdown path/to/doc.md …` runs the document rows on those files instead.
//!
//! - ①–③ run over every recorded provider stream in `tests/fixtures/real-streams/` (1.4 MB), fed in 256-byte network
//!   chunks; throughput is wire bytes per second.
//! - ④ runs the incremental engine over the benchmark documents in `benches/docs/` (see `benches/docs.mjs`), fed in
//!   token-like chunks of 1–6 characters (the same shape as `examples/work_ratio.rs`), rendering after every chunk;
//!   throughput is document bytes per second. It also prints µs per chunk, the engine's work ratio
//!   (`MarkdownStats::bytes_parsed` / document size) and `MarkdownStats::shown_text_losses` (renders that took a shown
//!   word away: 0 when streaming is right).
//!   The same again in 64-byte chunks (a network read's size), and a summary table of both against the one-shot
//!   render of the same run (`×one-shot`: streamed time / one-shot time, so the machine's speed cancels out).
//! - ⑤ diffs the one-shot trees of each document against an empty DOM (every create/append op), and applies the op
//!   stream to the `HtmlRecorder` sink.
//! - comrak: `comrak::markdown_to_html` of the whole document with rillmark's options (GFM on): the cost of one parse.
//! - ④ one-shot: `render::render` (comrak parse + rillmark's safe tree conversion) of the whole document.
//!
//! Each row is the median of 5 timed repetitions after one warm-up.

use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use rillmark::decode::Utf8Decoder;
use rillmark::dialect::{DialectKind, StreamEvent};
use rillmark::frame::{framer_for, Frame};
use rillmark::markdown::{render, IncrementalMarkdown};
use rillmark::options::RenderOptions;
use rillmark::patch::diff::{Differ, IdAllocator, Mounted};
use rillmark::patch::recorder::HtmlRecorder;
use rillmark::patch::{Node, PatchOp, PatchSink, ROOT};
use rillmark::pipeline::{DialectChoice, Pipeline};

const NET_CHUNK: usize = 256;
const REPS: usize = 5;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

struct Fixture {
    bytes: Vec<u8>,
    content_type: Option<String>,
}

fn fixtures() -> Vec<Fixture> {
    let dir = root().join("tests/fixtures/real-streams");
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).expect("manifest.json")).unwrap();
    manifest
        .as_array()
        .expect("manifest is an array")
        .iter()
        .map(|entry| Fixture {
            bytes: std::fs::read(dir.join(entry["file"].as_str().unwrap())).unwrap(),
            content_type: entry["contentType"].as_str().map(str::to_owned),
        })
        .collect()
}

/// Every document `benches/docs.mjs` wrote to benches/docs/ (the browser benchmark reads the same files): the answers
/// by size, then the pathological shapes by name.
fn docs() -> Vec<(String, String)> {
    let dir = root().join("benches/docs");
    let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let mut docs: Vec<(String, String)> = entries
        .map(|entry| entry.expect("a readable directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "md"))
        .map(|path| {
            let name = path.file_stem().unwrap_or_default().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            (name, text)
        })
        .collect();
    docs.sort_by_key(|(name, text)| {
        let answer = name.starts_with("answer-");
        (!answer, if answer { text.len() } else { 0 }, name.clone())
    });
    docs
}

/// Token-like chunks: 1–6 characters, cycling (deterministic), never splitting a code point. With
/// `RILLMARK_BENCH_CHUNK=char`, one character per chunk instead.
fn token_chunks(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    if std::env::var("RILLMARK_BENCH_CHUNK").as_deref() == Ok("char") {
        let mut at = 0;
        for c in text.chars() {
            out.push(&text[at..at + c.len_utf8()]);
            at += c.len_utf8();
        }
        return out;
    }
    let (mut at, mut n) = (0, 0usize);
    while at < text.len() {
        let mut end = (at + 1 + (n * 7 + 3) % 6).min(text.len());
        while !text.is_char_boundary(end) {
            end += 1;
        }
        out.push(&text[at..end]);
        at = end;
        n += 1;
    }
    out
}

/// `text` in pieces of `size` bytes (on character boundaries): what a network read hands over.
fn byte_chunks(text: &str, size: usize) -> Vec<&str> {
    let mut out = Vec::new();
    let mut at = 0;
    while at < text.len() {
        let mut end = (at + size).min(text.len());
        while !text.is_char_boundary(end) {
            end += 1;
        }
        out.push(&text[at..end]);
        at = end;
    }
    out
}

/// Median time of `REPS` runs of `f` after a warm-up; `f` returns something to keep the optimiser honest.
fn time<T>(mut f: impl FnMut() -> T) -> Duration {
    black_box(f());
    let mut times: Vec<Duration> = (0..REPS)
        .map(|_| {
            let start = Instant::now();
            black_box(f());
            start.elapsed()
        })
        .collect();
    times.sort();
    times[REPS / 2]
}

struct Row {
    stage: String,
    input: String,
    bytes: usize,
    time: Duration,
    note: String,
}

fn mbps(bytes: usize, time: Duration) -> f64 {
    bytes as f64 / time.as_secs_f64() / 1e6
}

fn decoded(fixture: &Fixture) -> String {
    let mut text = String::new();
    let mut decoder = Utf8Decoder::default();
    decoder.push(&fixture.bytes, &mut text);
    decoder.finish(&mut text);
    text
}

fn kind_of(fixture: &Fixture, text: &str) -> DialectKind {
    DialectKind::detect(fixture.content_type.as_deref(), text)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with('-')).collect();
    let filter = args.iter().find(|a| !a.ends_with(".md")).cloned().unwrap_or_default();
    let doc_files: Vec<(String, String)> = args
        .iter()
        .filter(|a| a.ends_with(".md"))
        .map(|path| (path.clone(), std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"))))
        .collect();
    let wanted = |name: &str| filter.is_empty() || name.contains(&filter);
    let opts = RenderOptions::default();
    let fixtures = fixtures();
    let wire_bytes: usize = fixtures.iter().map(|f| f.bytes.len()).sum();
    let texts: Vec<String> = fixtures.iter().map(decoded).collect();
    let kinds: Vec<DialectKind> = fixtures.iter().zip(&texts).map(|(f, t)| kind_of(f, t)).collect();
    let frames: Vec<Vec<Frame>> = texts
        .iter()
        .zip(&kinds)
        .map(|(text, kind)| {
            let mut framer = framer_for(kind.framing());
            let mut out = Vec::new();
            framer.push(text, &mut out).unwrap();
            framer.finish(&mut out).unwrap();
            out
        })
        .collect();
    let mut rows = Vec::new();
    let all = format!("{} recorded streams", fixtures.len());

    if wanted("① decode") {
        let t = time(|| {
            let mut total = 0;
            let mut out = String::new();
            for f in &fixtures {
                let mut decoder = Utf8Decoder::default();
                for chunk in f.bytes.chunks(NET_CHUNK) {
                    out.clear();
                    decoder.push(chunk, &mut out);
                    total += out.len();
                }
            }
            total
        });
        rows.push(Row {
            stage: "① decode".into(),
            input: all.clone(),
            bytes: wire_bytes,
            time: t,
            note: "256 B chunks".into(),
        });
    }
    if wanted("② frame") {
        let t = time(|| {
            let mut n = 0;
            let mut out = Vec::new();
            for (text, kind) in texts.iter().zip(&kinds) {
                let mut framer = framer_for(kind.framing());
                let mut at = 0;
                while at < text.len() {
                    let mut end = (at + NET_CHUNK).min(text.len());
                    while !text.is_char_boundary(end) {
                        end += 1;
                    }
                    framer.push(&text[at..end], &mut out).unwrap();
                    n += out.len();
                    out.clear();
                    at = end;
                }
                framer.finish(&mut out).unwrap();
            }
            n
        });
        rows.push(Row {
            stage: "② frame".into(),
            input: all.clone(),
            bytes: wire_bytes,
            time: t,
            note: "256 B chunks".into(),
        });
    }
    if wanted("③ dialect") {
        let frame_count: usize = frames.iter().map(Vec::len).sum();
        let t = time(|| {
            let mut n = 0;
            let mut events: Vec<StreamEvent> = Vec::new();
            for (frames, kind) in frames.iter().zip(&kinds) {
                let mut dialect = kind.reader();
                for frame in frames {
                    dialect.on_frame(frame, &mut events);
                    n += events.len();
                    events.clear();
                }
            }
            n
        });
        let per_frame = t.as_secs_f64() * 1e6 / frame_count as f64;
        rows.push(Row {
            stage: "③ dialect".into(),
            input: all.clone(),
            bytes: wire_bytes,
            time: t,
            note: format!("{frame_count} frames, {per_frame:.2} µs/frame (serde_json)"),
        });
    }
    if wanted("①–⑤ pipeline") {
        let t = time(|| {
            let mut ops = 0;
            for f in &fixtures {
                let mut pipeline = Pipeline::new(opts.clone(), DialectChoice::Auto, f.content_type.as_deref());
                let mut sink: Vec<PatchOp> = Vec::new();
                for chunk in f.bytes.chunks(NET_CHUNK) {
                    pipeline.feed(chunk);
                    pipeline.render(&mut sink);
                }
                pipeline.finish(&mut sink);
                ops += sink.len();
            }
            ops
        });
        rows.push(Row {
            stage: "①–⑤ pipeline".into(),
            input: all.clone(),
            bytes: wire_bytes,
            time: t,
            note: "256 B chunks, render per chunk".into(),
        });
    }

    // Per document: (name, token-chunk time, 64-byte-chunk time, one-shot time).
    type Times = (String, Option<Duration>, Option<Duration>, Option<Duration>);
    let mut ratios: Vec<Times> = Vec::new();
    for (name, doc) in if doc_files.is_empty() { docs() } else { doc_files } {
        let mut ratio = (name.clone(), None, None, None);
        for (mode, chunks) in [("token", token_chunks(&doc)), ("64 B", byte_chunks(&doc, 64))] {
            let stage =
                if mode == "token" { "④ markdown streamed".to_owned() } else { format!("④ markdown {mode}") };
            if !wanted(&format!("{stage} {name}")) {
                continue;
            }
            let mut stats = None;
            let t = time(|| {
                let mut engine = IncrementalMarkdown::new(opts.clone(), ROOT);
                let (mut ids, mut ops) = (IdAllocator::default(), Vec::new());
                for chunk in &chunks {
                    engine.push(chunk);
                    engine.render(&mut ids, &mut ops);
                    ops.clear();
                }
                engine.finish(&mut ids, &mut ops);
                stats = Some(engine.stats());
                ops.len()
            });
            let stats = stats.unwrap();
            if mode == "token" {
                ratio.1 = Some(t);
            } else {
                ratio.2 = Some(t);
            }
            rows.push(Row {
                stage,
                input: name.clone(),
                bytes: doc.len(),
                time: t,
                note: format!(
                    "{} chunks, {:.1} µs/chunk, parsed {:.1}× the text in {} parses, {} resumes abandoned, {} shown-text \
                     losses",
                    chunks.len(),
                    t.as_secs_f64() * 1e6 / chunks.len() as f64,
                    stats.bytes_parsed as f64 / doc.len() as f64,
                    stats.parses,
                    stats.resumes_abandoned,
                    stats.shown_text_losses
                ),
            });
        }
        if wanted(&format!("④ one-shot {name}")) || ratio.1.is_some() || ratio.2.is_some() {
            let t = time(|| render::render(&doc, &opts).blocks.len());
            ratio.3 = Some(t);
            rows.push(Row {
                stage: "④ one-shot".into(),
                input: name.clone(),
                bytes: doc.len(),
                time: t,
                note: "parse + safe trees".into(),
            });
        }
        ratios.push(ratio);
        if wanted(&format!("⑤ patch {name}")) {
            let rendered = render::render(&doc, &opts);
            let nodes: Vec<Node> = rendered.nodes().cloned().collect();
            let mut op_count = 0;
            let t = time(|| {
                let mut ids = IdAllocator::default();
                let mut ops = Vec::new();
                let mut mounted: Vec<Mounted> = Vec::new();
                Differ::new(&mut ids, &mut ops).sync_children(ROOT, &mut mounted, &nodes, None);
                op_count = ops.len();
                let mut recorder = HtmlRecorder::new();
                recorder.apply(&ops);
                recorder.ops_applied()
            });
            rows.push(Row {
                stage: "⑤ patch (diff + recorder)".into(),
                input: name.clone(),
                bytes: doc.len(),
                time: t,
                note: format!("{op_count} ops"),
            });
        }
        if wanted(&format!("comrak {name}")) {
            let options = render::comrak_options(&opts);
            let t = time(|| comrak::markdown_to_html(&doc, &options).len());
            rows.push(Row {
                stage: "comrak one-shot".into(),
                input: name.clone(),
                bytes: doc.len(),
                time: t,
                note: "markdown_to_html".into(),
            });
        }
    }

    println!("| stage | input | bytes | time | MB/s | notes |");
    println!("|---|---|---|---|---|---|");
    for row in &rows {
        println!(
            "| {} | {} | {} | {:.3} ms | {:.1} | {} |",
            row.stage,
            row.input,
            row.bytes,
            row.time.as_secs_f64() * 1e3,
            mbps(row.bytes, row.time),
            row.note
        );
    }
    if ratios.iter().any(|(_, token, bytes, _)| token.is_some() || bytes.is_some()) {
        println!();
        println!("| document | token chunks ×one-shot | 64 B chunks ×one-shot |");
        println!("|---|---|---|");
        let ratio = |t: Option<Duration>, anchor: Duration| {
            t.map_or("–".to_owned(), |t| format!("{:.1}", t.as_secs_f64() / anchor.as_secs_f64()))
        };
        for (name, token, bytes, anchor) in &ratios {
            if let Some(anchor) = anchor {
                println!("| {name} | {} | {} |", ratio(*token, *anchor), ratio(*bytes, *anchor));
            }
        }
    }
}
