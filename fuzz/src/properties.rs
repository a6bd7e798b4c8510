//! The properties the fuzz targets check, shared with the stable, seeded `tests/fuzz_regressions.rs` (which includes
//! this file with `#[path]`), so a crash found by either is replayed by the same code.
//!
//! Input layout (both targets): byte 0 says how many of the following bytes are chunk lengths (`0..=15`); each is a
//! length of `1..=64`, used in turn, cycling, to cut the rest. No length bytes means byte-by-byte. A fuzzer can so
//! reach any split pattern without a second input channel, and a regression test states its split explicitly.
#![allow(dead_code)]

// The LLM-shaped markdown generator and the intermediate-state checks, shared with the stable tests
// (`tests/generated.rs`, `tests/corpus.rs`).
#[path = "../../tests/support/llm_markdown.rs"]
pub mod llm_markdown;
#[path = "../../tests/support/states.rs"]
pub mod states;

use rillmark::decode::Utf8Decoder;
use rillmark::dialect::{DialectKind, StreamEvent};
use rillmark::frame::ndjson::NdjsonFramer;
use rillmark::frame::plain::PlainFramer;
use rillmark::frame::sse::SseFramer;
use rillmark::frame::{Frame, FrameError, Framer, Framing, DEFAULT_MAX_LINE};
use rillmark::markdown::render::render;
use rillmark::markdown::IncrementalMarkdown;
use rillmark::options::{ImagePolicy, RenderOptions};
use rillmark::patch::diff::IdAllocator;
use rillmark::patch::recorder::HtmlRecorder;
use rillmark::patch::{PatchSink, ROOT};

/// Splits fuzzer input into chunk lengths and the payload they cut.
pub fn cuts_and_rest(data: &[u8]) -> (Vec<usize>, &[u8]) {
    let Some((&count, rest)) = data.split_first() else { return (Vec::new(), data) };
    let count = usize::from(count % 16).min(rest.len());
    let (lengths, rest) = rest.split_at(count);
    (lengths.iter().map(|&b| 1 + usize::from(b % 64)).collect(), rest)
}

/// Cuts `bytes` with `lengths` used in turn (byte by byte when empty).
pub fn chunks<'a>(bytes: &'a [u8], lengths: &[usize]) -> Vec<&'a [u8]> {
    let mut out = Vec::new();
    let mut rest = bytes;
    let mut i = 0;
    while !rest.is_empty() {
        let len = lengths.get(i % lengths.len().max(1)).copied().unwrap_or(1).clamp(1, rest.len());
        let (chunk, tail) = rest.split_at(len);
        out.push(chunk);
        rest = tail;
        i += 1;
    }
    out
}

/// What one framing made of a body: its frames, and the terminal error if framing stopped.
#[derive(Debug, PartialEq)]
struct Framed {
    frames: Vec<Frame>,
    error: Option<FrameError>,
}

fn framer(framing: Framing, max_line: usize) -> Box<dyn Framer> {
    match framing {
        Framing::Sse => Box::new(SseFramer::after_decoder(max_line)),
        Framing::Ndjson => Box::new(NdjsonFramer::new(max_line)),
        Framing::Plain => Box::new(PlainFramer::default()),
    }
}

/// Decodes and frames `pieces` (each decoded piece is pushed as soon as it is decoded, as the pipeline does).
fn decode_and_frame(pieces: &[&[u8]], framing: Framing, max_line: usize) -> (String, Framed) {
    let mut decoder = Utf8Decoder::default();
    let mut framer = framer(framing, max_line);
    let mut all_text = String::new();
    let mut frames = Vec::new();
    let mut error = None;
    let mut text = String::new();
    let mut push = |text: &str, frames: &mut Vec<Frame>, error: &mut Option<FrameError>| {
        if error.is_none() {
            if let Err(e) = framer.push(text, frames) {
                *error = Some(e);
            }
        }
    };
    for piece in pieces {
        text.clear();
        decoder.push(piece, &mut text);
        all_text.push_str(&text);
        push(&text, &mut frames, &mut error);
    }
    text.clear();
    decoder.finish(&mut text);
    all_text.push_str(&text);
    push(&text, &mut frames, &mut error);
    if error.is_none() {
        if let Err(e) = framer.finish(&mut frames) {
            error = Some(e);
        }
    }
    (all_text, Framed { frames, error })
}

/// Plain text frames follow the chunking by design (each piece is a frame); what must not depend on it is the text.
fn plain_text(frames: &[Frame]) -> String {
    frames
        .iter()
        .map(|f| match f {
            Frame::Text(t) => t.as_str(),
            _ => "",
        })
        .collect()
}

fn read_events(kind: DialectKind, frames: &[Frame]) -> Vec<StreamEvent> {
    let mut dialect = kind.reader();
    let mut events = Vec::new();
    for frame in frames {
        dialect.on_frame(frame, &mut events);
    }
    dialect.on_eof(&mut events);
    events
}

/// Merges adjacent text events: a plain-text body arrives as one frame per piece, so its events are compared as the
/// text they add up to.
fn merge_text(events: Vec<StreamEvent>) -> Vec<StreamEvent> {
    let mut out: Vec<StreamEvent> = Vec::new();
    for event in events {
        match (out.last_mut(), event) {
            (Some(StreamEvent::Text(acc)), StreamEvent::Text(t)) => acc.push_str(&t),
            (_, event) => out.push(event),
        }
    }
    out
}

/// The wire property: for `body` cut by `lengths`, decoding gives the same text as decoding it whole, every framer
/// (at the default and at a tiny line bound, so overflow paths run) gives the same frames and error, and every
/// dialect, fed each framer's frames, gives the same events and never panics.
pub fn check_wire(body: &[u8], lengths: &[usize]) -> Result<(), String> {
    let split = chunks(body, lengths);
    let whole: [&[u8]; 1] = [body];
    for framing in [Framing::Sse, Framing::Ndjson, Framing::Plain] {
        for max_line in [DEFAULT_MAX_LINE, 24] {
            let (text_whole, framed_whole) = decode_and_frame(&whole, framing, max_line);
            let (text_split, framed_split) = decode_and_frame(&split, framing, max_line);
            if text_whole != text_split {
                return Err(format!("decode: split {lengths:?} gave {text_split:?}, whole gave {text_whole:?}"));
            }
            if framing == Framing::Plain {
                if plain_text(&framed_split.frames) != text_whole || plain_text(&framed_whole.frames) != text_whole {
                    return Err("plain framing: the frames should add up to the decoded text".to_owned());
                }
            } else if framed_whole != framed_split {
                return Err(format!(
                    "{framing:?} framing (max line {max_line}): split {lengths:?} gave {framed_split:?}, whole gave {framed_whole:?}"
                ));
            }
            for kind in DialectKind::ALL {
                let whole_events = read_events(kind, &framed_whole.frames);
                let split_events = read_events(kind, &framed_split.frames);
                let (whole_events, split_events) = if framing == Framing::Plain {
                    if kind != DialectKind::Plain {
                        continue; // only "cannot read plain text" per piece: nothing split-independent to compare
                    }
                    (merge_text(whole_events), merge_text(split_events))
                } else {
                    (whole_events, split_events)
                };
                if whole_events != split_events {
                    return Err(format!(
                        "{kind:?} over {framing:?}: split {lengths:?} gave {split_events:?}, whole gave {whole_events:?}"
                    ));
                }
                let ends = whole_events
                    .iter()
                    .filter(|e| matches!(e, StreamEvent::Finish { .. } | StreamEvent::Error(_)))
                    .count();
                let ends_last = matches!(whole_events.last(), Some(StreamEvent::Finish { .. } | StreamEvent::Error(_)));
                if ends > 1 || (ends == 1 && !ends_last) {
                    return Err(format!("{kind:?} over {framing:?}: should end at most once, last: {whole_events:?}"));
                }
            }
        }
    }
    Ok(())
}

/// The option sets the markdown property runs under, picked by one input byte.
pub fn markdown_options(selector: u8) -> RenderOptions {
    match selector % 4 {
        0 => RenderOptions::default(),
        1 => RenderOptions { gfm: false, trusted: true, ..RenderOptions::default() },
        2 => RenderOptions { trusted: true, ..RenderOptions::default() },
        _ => RenderOptions { images: ImagePolicy::Allow, links_new_tab: true, ..RenderOptions::default() },
    }
}

/// Cuts `text` with `lengths` in turn, moving each cut forward to the next char boundary.
pub fn text_pieces<'a>(text: &'a str, lengths: &[usize]) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while start < text.len() {
        let len = lengths.get(i % lengths.len().max(1)).copied().unwrap_or(1).max(1);
        let mut end = (start + len).min(text.len());
        while !text.is_char_boundary(end) {
            end += 1;
        }
        out.push(&text[start..end]);
        start = end;
        i += 1;
    }
    out
}

/// The markdown property: `text` cut by `lengths`, rendered after each piece and finished, into a recorder: the
/// final HTML equals the one-shot render and every op was valid.
pub fn check_markdown(text: &str, lengths: &[usize], options: u8) -> Result<(), String> {
    let opts = markdown_options(options);
    let mut engine = IncrementalMarkdown::new(opts.clone(), ROOT);
    let mut ids = IdAllocator::default();
    let mut recorder = HtmlRecorder::new();
    let mut ops = Vec::new();
    for piece in text_pieces(text, lengths) {
        engine.push(piece);
        engine.render(&mut ids, &mut ops);
        recorder.apply(&ops);
        ops.clear();
    }
    engine.finish(&mut ids, &mut ops);
    recorder.apply(&ops);
    let expected = render(text, &opts).to_html();
    let got = recorder.html();
    if got != expected {
        return Err(format!(
            "markdown (options {}): {text:?} cut {lengths:?} rendered\n{got:?}\nbut one-shot is\n{expected:?}",
            options % 4
        ));
    }
    if !recorder.violations().is_empty() {
        return Err(format!("markdown: {text:?} cut {lengths:?}: op violations {:?}", recorder.violations()));
    }
    Ok(())
}

/// Top-level blocks of a generated document, at most.
pub const GENERATED_MAX_BLOCKS: usize = 8;

/// The generated-markdown property: after the chunk lengths (as for the other targets), one byte picks the options
/// and the rest are the decisions of the LLM-shaped generator (`llm_markdown`), so the fuzzer mutates document
/// structure (nested lists, fences in items, tables, footnotes…) instead of characters. The document, cut by the
/// lengths, must stream exactly like its one-shot render with every intermediate state checked (`states`: committed
/// blocks final, shown words never vanish, the verified finish repairs nothing).
pub fn check_generated_markdown(data: &[u8]) -> Result<(), String> {
    let (lengths, rest) = cuts_and_rest(data);
    let Some((&options, decisions)) = rest.split_first() else { return Ok(()) };
    let text = llm_markdown::generate(&mut llm_markdown::FromBytes(decisions), GENERATED_MAX_BLOCKS);
    let opts = markdown_options(options);
    let report = states::stream_checked(&text, text_pieces(&text, &lengths), &opts, states::Checks::ALL);
    match report.worst() {
        None => Ok(()),
        Some(problem) => Err(format!(
            "generated markdown (options {}): {text:?} cut {lengths:?}: {} at render {:?}: {}",
            options % 4,
            problem.kind.name(),
            problem.render,
            problem.detail
        )),
    }
}
