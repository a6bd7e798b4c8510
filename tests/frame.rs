//! Stage ②: framing (SSE, NDJSON, plain), fed whole, byte by byte and at seeded random splits.
// Native tests: the wasm32 build of the test suite runs only the browser files (tests/web*.rs).
#![cfg(not(target_arch = "wasm32"))]

mod support;

use support::Rng;

use rillmark::decode::Utf8Decoder;
use rillmark::frame::ndjson::NdjsonFramer;
use rillmark::frame::plain::PlainFramer;
use rillmark::frame::sse::SseFramer;
use rillmark::frame::{framer_for, Frame, FrameError, Framer, Framing, SseEvent};
use serde_json::Value;

/// Outcome of one run: the frames, then the first error (if any).
type Run = (Vec<Frame>, Option<FrameError>);

fn run(framer: &mut dyn Framer, pieces: &[&str]) -> Run {
    let mut frames = Vec::new();
    for piece in pieces {
        if let Err(e) = framer.push(piece, &mut frames) {
            return (frames, Some(e));
        }
    }
    let end = framer.finish(&mut frames).err();
    (frames, end)
}

/// Splits text at char boundaries: whole, char by char, and `n` seeded random splittings.
fn splittings<'t>(text: &'t str, rng: &mut Rng, n: usize) -> Vec<Vec<&'t str>> {
    let mut all = vec![vec![text]];
    let bounds: Vec<usize> = text.char_indices().map(|(i, _)| i).skip(1).collect();
    let mut by_char = Vec::new();
    let mut start = 0;
    for &b in &bounds {
        by_char.push(&text[start..b]);
        start = b;
    }
    by_char.push(&text[start..]);
    all.push(by_char);
    for _ in 0..n {
        let mut cuts: Vec<usize> =
            (0..rng.below(8)).filter_map(|_| bounds.get(rng.below(bounds.len())).copied()).collect();
        cuts.sort_unstable();
        cuts.dedup();
        let mut pieces = Vec::new();
        let mut start = 0;
        for c in cuts {
            pieces.push(&text[start..c]);
            start = c;
        }
        pieces.push(&text[start..]);
        all.push(pieces);
    }
    all
}

/// Runs `text` under every splitting; asserts they agree and returns the common outcome.
#[track_caller]
fn run_all(make: impl Fn() -> Box<dyn Framer>, text: &str) -> Run {
    let mut rng = Rng::from_env();
    let whole = run(make().as_mut(), &[text]);
    for pieces in splittings(text, &mut rng, 50) {
        let got = run(make().as_mut(), &pieces);
        assert_eq!(got, whole, "should give the same frames for the split {pieces:?} as for the whole text");
    }
    whole
}

fn sse() -> Box<dyn Framer> {
    Box::new(SseFramer::new(1024))
}

fn ndjson() -> Box<dyn Framer> {
    Box::new(NdjsonFramer::new(1024))
}

fn event(event: &str, data: &str, id: &str) -> Frame {
    Frame::Event(SseEvent { event: event.into(), data: data.into(), last_event_id: id.into() })
}

fn msg(data: &str) -> Frame {
    event("message", data, "")
}

#[track_caller]
fn assert_sse(text: &str, expected: &[Frame], what: &str) {
    let (frames, error) = run_all(sse, text);
    assert_eq!(error, None, "should not fail on {what}");
    assert_eq!(frames, expected, "should frame {what} per the event-stream rules");
}

#[test]
fn should_end_lines_at_cr_lf_and_crlf_even_split_across_chunks() {
    assert_sse("data: a\rdata: b\r\ndata: c\n\r\n", &[msg("a\nb\nc")], "mixed line ends");
    assert_sse("data: a\r\r", &[msg("a")], "a lone CR then a CR blank line");
    assert_sse("data: a\r\n\r\n", &[msg("a")], "CRLF pairs");
    // The exact boundary: CR ends one piece, LF opens the next; it must not make an extra blank line.
    let (frames, _) = run(sse().as_mut(), &["data: a\r", "\ndata: b\r", "\n\r", "\n"]);
    assert_eq!(frames, vec![msg("a\nb")], "should count a CR and the next piece's LF as one line end");
    let (frames, _) = run(sse().as_mut(), &["data: a\r", "data: b\n\n"]);
    assert_eq!(frames, vec![msg("a\nb")], "should treat a chunk-final CR before a non-LF as a line end");
}

#[test]
fn should_ignore_comments() {
    assert_sse(": keep-alive\n\n:\ndata: x\n: inside\n\n", &[msg("x")], "comments");
}

#[test]
fn should_join_multi_line_data_with_lf() {
    assert_sse("data: one\ndata:two\ndata:  three\n\n", &[msg("one\ntwo\n three")], "multi-line data");
}

#[test]
fn should_dispatch_the_empty_string_for_data_alone() {
    assert_sse("data:\n\ndata\n\n", &[msg(""), msg("")], "`data:` and `data` alone");
}

#[test]
fn should_commit_the_id_of_a_block_without_data_but_not_dispatch_it() {
    let mut framer = SseFramer::new(1024);
    let (frames, _) = run(&mut framer, &["id: 7\nevent: ping\n\ndata: x\n\n"]);
    assert_eq!(frames, vec![event("message", "x", "7")], "should dispatch only the data block, with the committed id");
    assert_eq!(framer.last_event_id(), "7", "should keep the committed id after the stream");
}

#[test]
fn should_ignore_an_id_containing_nul() {
    assert_sse(
        "id: 1\ndata: a\n\nid: x\0y\ndata: b\n\n",
        &[event("message", "a", "1"), event("message", "b", "1")],
        "an id with NUL",
    );
}

#[test]
fn should_keep_nul_in_data_and_ignore_unknown_fields() {
    assert_sse("data: a\0b\nDATA: no\nfoo: bar\nfoo\n\n", &[msg("a\0b")], "NUL in data and unknown fields");
}

#[test]
fn should_split_at_the_first_colon_and_strip_one_space_only() {
    assert_sse(
        "data: a:b: c\n\ndata:\tx\n\nevent\ndata\n\n",
        &[msg("a:b: c"), msg("\tx"), msg("")],
        "colons and spaces",
    );
}

#[test]
fn should_accept_retry_only_when_all_ascii_digits() {
    let cases: &[(&str, Option<u64>)] = &[
        ("retry: 3000\n", Some(3000)),
        ("retry: 0100\n", Some(100)),
        ("retry: 3000\nretry: 30x0\n", Some(3000)),
        ("retry: 12 \n", None),
        ("retry: -1\n", None),
        ("retry:\n", None),
        ("retry: ٣\n", None),
        ("retry: 99999999999999999999999\n", Some(u64::MAX)),
    ];
    for &(text, expected) in cases {
        let mut framer = SseFramer::new(1024);
        let (frames, error) = run(&mut framer, &[text]);
        assert!(frames.is_empty() && error.is_none(), "should dispatch nothing for {text:?}");
        assert_eq!(framer.retry(), expected, "should read the reconnection time of {text:?}");
    }
}

#[test]
fn should_dispatch_a_final_done_without_a_blank_line() {
    assert_sse("data: a\n\ndata: [DONE]", &[msg("a"), msg("[DONE]")], "[DONE] with no line end");
    assert_sse("data: a\n\ndata: [DONE]\n", &[msg("a"), msg("[DONE]")], "[DONE] with no blank line");
    assert_sse("data: a\n\ndata: [DONE]\r", &[msg("a"), msg("[DONE]")], "[DONE] ended by CR");
    assert_sse("event: end\nid: 9\ndata: [DONE]", &[event("end", "[DONE]", "9")], "a typed [DONE] with an id");
}

#[test]
fn should_discard_any_other_event_pending_at_eof() {
    assert_sse("data: kept\n\ndata: lost\n", &[msg("kept")], "an unterminated block");
    assert_sse("data: kept\n\ndata: ha", &[msg("kept")], "a partial line");
    assert_sse("data: x\ndata: [DONE]\n", &[], "[DONE] after other pending data");
    assert_sse("data: [DONE]\nevent: x", &[msg("[DONE]")], "[DONE] then a partial non-data line");
    assert_sse("data: [DONE] \n", &[], "[DONE] with a trailing space");
    let mut framer = SseFramer::new(1024);
    let _ = run(&mut framer, &["id: 5\ndata: lost\n"]);
    assert_eq!(framer.last_event_id(), "", "should not commit the id of a discarded block");
}

#[test]
fn should_strip_one_leading_bom_only_when_asked() {
    assert_sse("\u{FEFF}data: a\n\n", &[msg("a")], "a leading U+FEFF for a text framer");
    assert_sse("\u{FEFF}\u{FEFF}data: a\n\ndata: b\n\n", &[msg("b")], "two leading U+FEFF for a text framer");
    let (frames, _) = run(SseFramer::new(1024).borrow_mut_dyn(), &["", "\u{FEFF}data: a\n\n"]);
    assert_eq!(frames, vec![msg("a")], "should still see the stream start after an empty piece");
    let (frames, _) = run(SseFramer::after_decoder(1024).borrow_mut_dyn(), &["\u{FEFF}data: a\n\ndata: b\n\n"]);
    assert_eq!(frames, vec![msg("b")], "should keep U+FEFF after the decoder removed the BOM");
    let (frames, _) = run(framer_for(Framing::Sse).as_mut(), &["\u{FEFF}data: a\n\ndata: b\n\n"]);
    assert_eq!(frames, vec![msg("b")], "should make framer_for spec-exact behind the decoder");
}

trait BorrowDyn {
    fn borrow_mut_dyn(&mut self) -> &mut dyn Framer;
}

impl<F: Framer> BorrowDyn for F {
    fn borrow_mut_dyn(&mut self) -> &mut dyn Framer {
        self
    }
}

#[test]
fn should_give_the_same_frames_for_every_split_of_a_provider_stream() {
    let text = concat!(
        ": OPENROUTER PROCESSING\r\n\r\n",
        "event: message_start\ndata: {\"type\":\"message_start\",\"é\":\"😀\"}\n\n",
        "id: 1\rdata: {\"delta\":\"Hel\"}\r\rdata: {\"delta\":\"lo\"}\r\n\r\n",
        "retry: 1500\nid\ndata: line one\ndata: line two\n\n",
        "data: [DONE]\n"
    );
    let (frames, error) = run_all(sse, text);
    assert_eq!(error, None, "should not fail on a provider stream");
    assert_eq!(
        frames,
        vec![
            event("message_start", "{\"type\":\"message_start\",\"é\":\"😀\"}", ""),
            event("message", "{\"delta\":\"Hel\"}", "1"),
            event("message", "{\"delta\":\"lo\"}", "1"),
            event("message", "line one\nline two", ""),
            event("message", "[DONE]", ""),
        ],
        "should frame the provider stream"
    );
}

#[test]
fn should_scan_a_64_kib_line_fed_byte_by_byte_in_linear_time() {
    let text = format!("data: {}\n\n", "a".repeat(64 * 1024));
    let mut sse = SseFramer::new(1 << 20);
    let mut ndjson = NdjsonFramer::new(1 << 20);
    let mut frames = Vec::new();
    for i in 0..text.len() {
        let piece = &text[i..i + 1];
        assert!(sse.push(piece, &mut frames).is_ok(), "should accept a 64 KiB line under a 1 MiB bound");
        assert!(ndjson.push(piece, &mut frames).is_ok(), "should accept a 64 KiB NDJSON line");
    }
    assert_eq!(sse.bytes_scanned(), text.len() as u64, "should examine each SSE byte exactly once");
    assert_eq!(ndjson.bytes_scanned(), text.len() as u64, "should examine each NDJSON byte exactly once");
    assert_eq!(frames.len(), 2, "should emit one event and one line");
}

#[test]
fn should_fail_terminally_on_a_line_over_the_bound_whatever_the_split() {
    let long = format!("data: ok\n\ndata: {}\n\ndata: never\n\n", "x".repeat(100));
    for make in [(|| Box::new(SseFramer::new(64)) as Box<dyn Framer>) as fn() -> Box<dyn Framer>, || {
        Box::new(NdjsonFramer::new(64))
    }] {
        let (frames, error) = run_all(make, &long);
        assert_eq!(error, Some(FrameError::LineTooLong { limit: 64 }), "should report the overflow as a typed error");
        assert!(
            frames.len() <= 1 && !frames.iter().any(|f| format!("{f:?}").contains("never")),
            "should emit nothing after the overflow"
        );
    }
    let mut framer = SseFramer::new(64);
    let mut frames = Vec::new();
    assert!(framer.push(&"x".repeat(65), &mut frames).is_err(), "should fail once the held line passes the bound");
    assert_eq!(
        framer.push("\n\ndata: a\n\n", &mut frames),
        Err(FrameError::LineTooLong { limit: 64 }),
        "should stay failed"
    );
    assert_eq!(
        framer.finish(&mut frames),
        Err(FrameError::LineTooLong { limit: 64 }),
        "should report the error at finish too"
    );
    assert!(frames.is_empty(), "should produce nothing more after the error");
}

#[test]
fn should_bound_the_data_of_one_event() {
    let text = "data: 0123456789\n".repeat(10);
    let (frames, error) = run_all(|| Box::new(SseFramer::new(64)), &text);
    assert!(frames.is_empty(), "should dispatch nothing from an oversized event");
    assert_eq!(error, Some(FrameError::EventTooLong { limit: 64 }), "should report the oversized event");
}

#[test]
fn should_frame_ndjson_lines_trimmed_and_skip_blank_ones() {
    let text = "{\"a\":1}\n\n  \t \r\n {\"b\":2} \r{\"c\":\"é\"}\r\n\n{\"d\":4}";
    let (frames, error) = run_all(ndjson, text);
    assert_eq!(error, None, "should not fail on NDJSON");
    let lines: Vec<Frame> =
        ["{\"a\":1}", "{\"b\":2}", "{\"c\":\"é\"}", "{\"d\":4}"].iter().map(|l| Frame::Line((*l).to_owned())).collect();
    assert_eq!(frames, lines, "should emit one frame per non-blank line, the last at finish");
    let (frames, _) = run(ndjson().as_mut(), &["not json\n", "   "]);
    assert_eq!(frames, vec![Frame::Line("not json".into())], "should pass malformed lines on and drop a blank tail");
}

#[test]
fn should_pass_plain_text_through_unbuffered() {
    let mut framer = PlainFramer::default();
    let mut frames = Vec::new();
    for piece in ["Hel", "", "lo\r\n", "😀"] {
        assert!(framer.push(piece, &mut frames).is_ok(), "should accept any text");
    }
    assert!(framer.finish(&mut frames).is_ok(), "should finish cleanly");
    let expected: Vec<Frame> = ["Hel", "lo\r\n", "😀"].iter().map(|t| Frame::Text((*t).into())).collect();
    assert_eq!(frames, expected, "should emit each non-empty piece as it came");
}

#[test]
fn should_start_a_new_stream_after_finish_keeping_id_and_retry() {
    let mut framer = SseFramer::new(1024);
    let mut frames = Vec::new();
    let ok =
        framer.push("retry: 10\nid: 3\ndata: a\n\ndata: cut", &mut frames).and_then(|()| framer.finish(&mut frames));
    assert!(ok.is_ok(), "should end the first stream cleanly");
    let ok = framer.push("\u{FEFF}data: b\n\n", &mut frames).and_then(|()| framer.finish(&mut frames));
    assert!(ok.is_ok(), "should end the second stream cleanly");
    assert_eq!(
        frames,
        vec![event("message", "a", "3"), event("message", "b", "3")],
        "should drop the partial line and keep the id"
    );
    assert_eq!(framer.retry(), Some(10), "should keep the reconnection time");
}

// ---- Conformance vectors (tests/data, see its README.md) ----

struct Vector {
    name: String,
    bytes: Vec<u8>,
    declared: Vec<Vec<u8>>,
    events: Vec<Frame>,
    final_id: String,
    retry: Option<u64>,
}

fn hex(s: &str) -> Vec<u8> {
    (0..s.len() / 2).filter_map(|i| u8::from_str_radix(s.get(2 * i..2 * i + 2)?, 16).ok()).collect()
}

#[track_caller]
fn load(file: &str, json: &str) -> Vec<Vector> {
    let root: Value = serde_json::from_str(json).unwrap_or_else(|e| panic!("should parse {file}: {e}"));
    let mut out = Vec::new();
    for v in root["vectors"].as_array().into_iter().flatten() {
        let name = format!("{file}#{}", v["id"].as_str().unwrap_or("?"));
        let str_of = |x: &Value| x.as_str().unwrap_or_default().to_owned();
        let (bytes, declared, events) = if let Some(g) = v.get("generator") {
            let bytes = match g["kind"].as_str() {
                Some("repeat_stream") => str_of(&g["unit_text"]).repeat(g["count"].as_u64().unwrap_or(0) as usize),
                Some("long_line") => format!(
                    "{}{}{}",
                    str_of(&g["prefix"]),
                    str_of(&g["fill_char"]).repeat(g["fill_count"].as_u64().unwrap_or(0) as usize),
                    str_of(&g["suffix"])
                ),
                other => panic!("should know generator kind {other:?} of {name}"),
            }
            .into_bytes();
            let e = &v["expected"]["events"];
            let events = match e["kind"].as_str() {
                Some("repeat") => {
                    let one = &e["event"];
                    let f = event(
                        one["event"].as_str().unwrap_or(""),
                        one["data"].as_str().unwrap_or(""),
                        one["id"].as_str().unwrap_or(""),
                    );
                    vec![f; e["count"].as_u64().unwrap_or(0) as usize]
                }
                Some("single_fill_event") => {
                    vec![msg(&str_of(&e["fill_char"]).repeat(e["fill_count"].as_u64().unwrap_or(0) as usize))]
                }
                other => panic!("should know expected kind {other:?} of {name}"),
            };
            let size = g["chunk_bytes"].as_u64().unwrap_or(1).max(1) as usize;
            let declared = bytes.chunks(size).map(<[u8]>::to_vec).collect();
            (bytes, declared, events)
        } else {
            let declared: Vec<Vec<u8>> = v["chunks"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|c| match (c.get("text"), c.get("hex")) {
                    (Some(t), _) => str_of(t).into_bytes(),
                    (_, Some(h)) => hex(h.as_str().unwrap_or_default()),
                    _ => panic!("should have text or hex chunks in {name}"),
                })
                .collect();
            let events = v["expected"]["events"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|e| event(&str_of(&e["event"]), &str_of(&e["data"]), &str_of(&e["id"])))
                .collect();
            (declared.concat(), declared, events)
        };
        out.push(Vector {
            name,
            bytes,
            declared,
            events,
            final_id: str_of(&v["expected"]["final_last_event_id"]),
            retry: v["expected"]["retry_updates"].as_array().and_then(|r| r.last()).and_then(Value::as_u64),
        });
    }
    out
}

/// Bytes → `Utf8Decoder` → `SseFramer::after_decoder`, as the pipeline runs them.
fn replay(chunks: &[&[u8]]) -> (Vec<Frame>, Option<FrameError>, String, Option<u64>) {
    let mut decoder = Utf8Decoder::default();
    let mut framer = SseFramer::after_decoder(1 << 20);
    let mut frames = Vec::new();
    let mut text = String::new();
    let mut error = None;
    for chunk in chunks {
        text.clear();
        decoder.push(chunk, &mut text);
        if let Err(e) = framer.push(&text, &mut frames) {
            error = Some(e);
            break;
        }
    }
    if error.is_none() {
        text.clear();
        decoder.finish(&mut text);
        error = framer.push(&text, &mut frames).and_then(|()| framer.finish(&mut frames)).err();
    }
    (frames, error, framer.last_event_id().to_owned(), framer.retry())
}

#[test]
fn should_pass_every_conformance_vector_under_every_split() {
    let mut vectors = load("sse-vectors.json", include_str!("data/sse-vectors.json"));
    vectors.extend(load("wpt-eventsource-vectors.json", include_str!("data/wpt-eventsource-vectors.json")));
    assert!(vectors.len() >= 48, "should load all 36 sse-parse and 12 WPT vectors, got {}", vectors.len());
    let mut rng = Rng::from_env();
    let mut failures = Vec::new();
    for v in &vectors {
        let mut splits: Vec<(String, Vec<&[u8]>)> = vec![
            ("declared chunks".into(), v.declared.iter().map(Vec::as_slice).collect()),
            ("whole".into(), vec![v.bytes.as_slice()]),
            ("byte by byte".into(), v.bytes.chunks(1).collect()),
        ];
        let rounds = if v.bytes.len() > 4096 { 2 } else { 20 };
        for round in 0..rounds {
            let mut cuts: Vec<usize> = (0..1 + rng.below(8)).map(|_| rng.below(v.bytes.len() + 1)).collect();
            cuts.sort_unstable();
            let mut pieces = Vec::new();
            let mut start = 0;
            for c in cuts {
                pieces.push(&v.bytes[start..c]);
                start = c;
            }
            pieces.push(&v.bytes[start..]);
            splits.push((
                format!(
                    "random split {round} at {pieces:?}",
                    pieces = pieces.iter().map(|p| p.len()).collect::<Vec<_>>()
                ),
                pieces,
            ));
        }
        for (how, chunks) in splits {
            let (frames, error, final_id, retry) = replay(&chunks);
            let mut problems = Vec::new();
            if error.is_some() {
                problems.push(format!("error {error:?}"));
            }
            if frames != v.events {
                let shown: Vec<String> = frames.iter().take(4).map(|f| format!("{f:?}")).collect();
                problems.push(format!("{} events, expected {}; first: {shown:?}", frames.len(), v.events.len()));
            }
            if final_id != v.final_id {
                problems.push(format!("last event id {final_id:?}, expected {:?}", v.final_id));
            }
            if retry != v.retry {
                problems.push(format!("retry {retry:?}, expected {:?}", v.retry));
            }
            if !problems.is_empty() {
                failures.push(format!("{} ({how}): {}", v.name, problems.join("; ")));
                break;
            }
        }
    }
    let passed = vectors.len() - failures.len();
    println!("conformance: {passed} passed, {} failed", failures.len());
    assert!(
        failures.is_empty(),
        "should pass every vector; {passed}/{} passed; failures:\n{}",
        vectors.len(),
        failures.join("\n")
    );
}

#[test]
fn should_agree_across_splits_on_random_streams() {
    let mut rng = Rng::from_env();
    let atoms = [
        "data",
        "data:",
        "data: ",
        "event:",
        "id:",
        "id: 1",
        "retry:",
        "12",
        "x",
        ":",
        " ",
        "\r",
        "\n",
        "\r\n",
        "\0",
        "\u{FEFF}",
        "é",
        "[DONE]",
        "{\"k\":1}",
    ];
    for case in 0..400 {
        let text: String = (0..rng.below(40)).map(|_| atoms[rng.below(atoms.len())]).collect();
        for (name, make) in [
            ("sse", (|| Box::new(SseFramer::new(16)) as Box<dyn Framer>) as fn() -> Box<dyn Framer>),
            ("ndjson", || Box::new(NdjsonFramer::new(16))),
        ] {
            let whole = run(make().as_mut(), &[&text]);
            for pieces in splittings(&text, &mut rng, 4) {
                let got = run(make().as_mut(), &pieces);
                assert_eq!(got, whole, "should agree on {name} random case {case} split as {pieces:?}");
            }
        }
    }
}
