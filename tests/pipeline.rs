//! Stages ①–⑤ wired: every recorded stream through [`Pipeline`] into an [`HtmlRecorder`], whole, byte by byte and at
//! seeded random splits (`RILLMARK_SEED=<n>` replays other splits), with a `render` after every chunk as the browser
//! does once per frame; then the outcome semantics of DESIGN.md §2.6 and §2.7 on hand-built streams, and `auto`
//! dialect detection.
// Native tests: the wasm32 build of the test suite runs only the browser files (tests/web*.rs).
#![cfg(not(target_arch = "wasm32"))]

mod support;

use rillmark::error::{ErrorKind, StreamError};
use rillmark::frame::DEFAULT_MAX_LINE;
use rillmark::markdown::render::render;
use rillmark::options::{HtmlMode, RenderOptions};
use rillmark::patch::html::to_html;
use rillmark::patch::recorder::HtmlRecorder;
use rillmark::patch::{Element, Node};
use rillmark::pipeline::{DialectChoice, Outcome, Pipeline, StreamStats};
use serde_json::json;

use support::{may_define_links_or_footnotes, Fixture, Split};

// ------------------------------------------------------------------------------------------------------------
// Running a pipeline

/// Safe (the default), sanitized-HTML and trusted rendering: every fixture is checked under each.
fn option_sets() -> [(&'static str, RenderOptions); 3] {
    [
        ("safe", RenderOptions::default()),
        ("sanitize", RenderOptions { html: HtmlMode::Sanitize, ..RenderOptions::default() }),
        ("trusted", RenderOptions { trusted: true, ..RenderOptions::default() }),
    ]
}

/// What one stream through the pipeline gave.
struct Run {
    outcome: Outcome,
    recorder: HtmlRecorder,
    stats: StreamStats,
    /// The answer text the pipeline received.
    answer_text: String,
    reconcile_ops: u64,
}

impl Run {
    fn html(&self) -> String {
        self.recorder.html()
    }

    /// The reasoning `<details>` element, when the first child of the root is one.
    fn reasoning(&self) -> Option<Element> {
        match self.recorder.root_nodes().into_iter().next() {
            Some(Node::Element(details)) if details.tag == "details" => Some(details),
            _ => None,
        }
    }

    /// The HTML of the answer: every child of the root but the reasoning `<details>`.
    fn answer_html(&self) -> String {
        let nodes = self.recorder.root_nodes();
        let skip = usize::from(self.reasoning().is_some());
        to_html(&nodes[skip..])
    }
}

/// Feeds `chunks` with a render after each, then finishes.
fn run_chunks(chunks: &[&[u8]], opts: &RenderOptions, choice: DialectChoice, content_type: Option<&str>) -> Run {
    let mut pipeline = Pipeline::new(opts.clone(), choice, content_type);
    let mut recorder = HtmlRecorder::new();
    for chunk in chunks {
        pipeline.feed(chunk);
        pipeline.render(&mut recorder);
    }
    let outcome = pipeline.finish(&mut recorder);
    finished(pipeline, recorder, outcome)
}

fn finished(pipeline: Pipeline, recorder: HtmlRecorder, outcome: Outcome) -> Run {
    Run {
        outcome,
        recorder,
        stats: pipeline.stats(),
        answer_text: pipeline.answer().text().to_owned(),
        reconcile_ops: pipeline.answer().stats().reconcile_ops_on_committed,
    }
}

fn run_split(
    bytes: &[u8],
    split: Split,
    opts: &RenderOptions,
    choice: DialectChoice,
    content_type: Option<&str>,
) -> Run {
    run_chunks(&split.chunks(bytes), opts, choice, content_type)
}

fn one_shot_html(text: &str, opts: &RenderOptions) -> String {
    render(text, opts).to_html()
}

fn attr<'a>(element: &'a Element, name: &str) -> Option<&'a str> {
    element.attrs.iter().find(|(n, _)| *n == name).map(|(_, v)| v.as_str())
}

#[track_caller]
fn assert_no_violations(run: &Run, context: &str) {
    assert!(
        run.recorder.violations().is_empty(),
        "{context}: the ops should follow the sink protocol, got violations {:?}",
        run.recorder.violations()
    );
}

/// The answer shown is the one-shot render of `text`, and the recorder saw only valid ops.
#[track_caller]
fn assert_renders(run: &Run, text: &str, opts: &RenderOptions, context: &str) {
    assert_eq!(run.answer_text, text, "{context}: should have received exactly this answer text");
    assert_eq!(run.answer_html(), one_shot_html(text, opts), "{context}: should show the one-shot render of the text");
    assert_no_violations(run, context);
}

// ------------------------------------------------------------------------------------------------------------
// Every recorded stream

/// What the manifest says reading a fixture gives.
struct Expected<'a> {
    status: &'a str,
    /// `answer`, or for an error stream its `partial` answer, or nothing.
    answer: &'a str,
    reasoning: Option<&'a str>,
    message: Option<&'a str>,
}

fn expected(fixture: &Fixture) -> Expected<'_> {
    let expect = &fixture.expect;
    Expected {
        status: expect["status"].as_str().unwrap_or("?"),
        answer: expect["answer"].as_str().or(expect["partial"].as_str()).unwrap_or_default(),
        reasoning: expect["reasoning"].as_str(),
        message: expect["message"].as_str(),
    }
}

/// Checks one run of a fixture against the manifest; returns every disagreement as a sentence.
fn check_fixture_run(fixture: &Fixture, run: &Run, opts: &RenderOptions) -> Vec<String> {
    let want = expected(fixture);
    let mut problems = Vec::new();
    if run.outcome.status() != want.status {
        problems.push(format!("should end {}, ended {:?}", want.status, run.outcome));
    }
    if let Some(message) = want.message {
        match &run.outcome {
            Outcome::Error(error) if error.kind == ErrorKind::Provider && error.message.contains(message) => {}
            other => problems.push(format!("should end with the provider error {message:?}, ended {other:?}")),
        }
    }
    if run.answer_text != want.answer {
        problems.push(format!("should receive the answer {:?}, got {:?}", want.answer, run.answer_text));
    }
    let answer_html = run.answer_html();
    let expected_html = one_shot_html(want.answer, opts);
    if answer_html != expected_html {
        problems.push(format!(
            "should show the one-shot render of the answer\n      expected: {expected_html:?}\n      got:      {answer_html:?}"
        ));
    }
    match (want.reasoning, run.reasoning()) {
        (None, None) => {}
        (None, Some(_)) => problems.push("should show no reasoning block: the stream has no reasoning".to_owned()),
        (Some(_), None) => problems.push(format!(
            "should show the reasoning first in a <details class=\"rillmark-reasoning\">, got {:?}",
            run.html().chars().take(200).collect::<String>()
        )),
        (Some(reasoning), Some(details)) => problems.extend(check_reasoning(&details, reasoning, want.answer, opts)),
    }
    if !run.recorder.violations().is_empty() {
        problems.push(format!("should follow the sink protocol, got violations {:?}", run.recorder.violations()));
    }
    if run.reconcile_ops != 0 && !may_define_links_or_footnotes(want.answer) {
        problems.push(format!(
            "should commit only final blocks (the answer has no definitions or footnotes), but the final reconcile \
             patched committed blocks with {} ops",
            run.reconcile_ops
        ));
    }
    if run.stats.malformed != 0 {
        problems.push(format!("should read every frame of a real stream, {} were malformed", run.stats.malformed));
    }
    problems
}

/// `<details class="rillmark-reasoning"><summary>Reasoning</summary><div class="rillmark-reasoning-body">…</div>`,
/// holding the one-shot render of the reasoning, closed once an answer followed.
fn check_reasoning(details: &Element, reasoning: &str, answer: &str, opts: &RenderOptions) -> Vec<String> {
    let mut problems = Vec::new();
    if attr(details, "class") != Some("rillmark-reasoning") {
        problems.push(format!(
            "should mark the reasoning <details> with class rillmark-reasoning, got {:?}",
            details.attrs
        ));
    }
    let open = attr(details, "open").is_some();
    if !answer.is_empty() && open {
        problems.push("should close the reasoning <details> (no `open` attribute) once the answer followed".to_owned());
    }
    if answer.is_empty() && !open {
        problems.push("should leave the reasoning <details> open when no answer followed".to_owned());
    }
    let body = details.children.iter().find_map(|child| match child {
        Node::Element(e) if e.tag == "div" && attr(e, "class") == Some("rillmark-reasoning-body") => Some(e),
        _ => None,
    });
    match body {
        None => problems.push("should hold the reasoning in a <div class=\"rillmark-reasoning-body\">".to_owned()),
        Some(body) => {
            let got = to_html(&body.children);
            let want = one_shot_html(reasoning, opts);
            if got != want {
                problems.push(format!(
                    "should show the one-shot render of the reasoning\n      expected: {want:?}\n      got:      {got:?}"
                ));
            }
        }
    }
    problems
}

/// Feeds every fixture of `dialect` with its dialect name and with `auto` (plus the recorded content type), under
/// safe and trusted options, whole, byte by byte and at seeded random splits; fails naming every fixture, option
/// set, dialect choice and split that disagrees with the manifest, and every chunking whose final HTML differs.
#[track_caller]
fn assert_fixtures_render(dialect: &str) {
    let fixtures: Vec<Fixture> = support::real_streams().into_iter().filter(|f| f.dialect == dialect).collect();
    assert!(!fixtures.is_empty(), "should have {dialect} fixtures to render");
    let named = DialectChoice::from_name(dialect).expect("every fixture's dialect should have a name");
    let mut failures = Vec::new();
    for fixture in &fixtures {
        let mut problems = Vec::new();
        for (opts_name, opts) in option_sets() {
            let mut reference: Option<(String, String)> = None;
            for (choice_name, choice) in [(dialect, named), ("auto", DialectChoice::Auto)] {
                for split in Split::standard(3) {
                    let run = run_split(&fixture.bytes, split, &opts, choice, Some(&fixture.content_type));
                    let context = format!("[{opts_name}, {choice_name}, {split}]");
                    problems
                        .extend(check_fixture_run(fixture, &run, &opts).into_iter().map(|p| format!("{context} {p}")));
                    let html = run.html();
                    match &reference {
                        None => reference = Some((context, html)),
                        Some((first, first_html)) if *first_html != html => problems.push(format!(
                            "{context} should give the same final HTML as {first}\n      {first}: {first_html:?}\n      \
                             here: {html:?}"
                        )),
                        Some(_) => {}
                    }
                }
            }
        }
        if problems.is_empty() {
            println!("pass {dialect}: {}", fixture.name);
        } else {
            failures.push(format!("fixture {}:\n    {}", fixture.name, problems.join("\n    ")));
        }
    }
    assert!(
        failures.is_empty(),
        "every {dialect} fixture should render through the pipeline as the manifest says; {} of {} did not:\n{}",
        failures.len(),
        fixtures.len(),
        failures.join("\n")
    );
}

const DIALECTS: [&str; 6] = ["openai", "responses", "anthropic", "gemini", "ollama", "vercel"];

#[test]
fn openai_fixtures_render() {
    assert_fixtures_render("openai");
}

#[test]
fn responses_fixtures_render() {
    assert_fixtures_render("responses");
}

#[test]
fn anthropic_fixtures_render() {
    assert_fixtures_render("anthropic");
}

#[test]
fn gemini_fixtures_render() {
    assert_fixtures_render("gemini");
}

#[test]
fn ollama_fixtures_render() {
    assert_fixtures_render("ollama");
}

#[test]
fn vercel_fixtures_render() {
    assert_fixtures_render("vercel");
}

#[test]
fn every_fixture_is_rendered_by_one_of_the_tests() {
    for fixture in support::real_streams() {
        assert!(
            DIALECTS.contains(&fixture.dialect.as_str()),
            "fixture {}: should belong to a dialect these tests render, not {:?}",
            fixture.name,
            fixture.dialect
        );
    }
}

/// A body cut at a third (before its terminal marker: a half would not do, `responses-reasoning-summary-tools` holds
/// four responses and the first one's `response.completed` is a legitimate end) ends `incomplete`, with everything
/// received rendered.
#[test]
fn every_successful_fixture_cut_at_a_third_is_incomplete_with_its_partial_text_rendered() {
    let opts = RenderOptions::default();
    for fixture in support::real_streams() {
        let want = expected(&fixture);
        if want.status != "done" {
            continue;
        }
        let cut = &fixture.bytes[..fixture.bytes.len() / 3];
        let choice = DialectChoice::from_name(&fixture.dialect).expect("every fixture's dialect should have a name");
        for split in Split::standard(1) {
            let context = format!("fixture {} cut at byte {} [{split}]", fixture.name, cut.len());
            let run = run_split(cut, split, &opts, choice, Some(&fixture.content_type));
            assert_eq!(run.outcome, Outcome::Incomplete, "{context}: should end incomplete");
            assert!(
                want.answer.starts_with(&run.answer_text),
                "{context}: should have received a prefix of the answer, got {:?}",
                run.answer_text
            );
            let shown = run.answer_text.clone();
            assert_renders(&run, &shown, &opts, &context);
        }
    }
}

// ------------------------------------------------------------------------------------------------------------
// Hand-built streams

/// An OpenAI chat-completions chunk carrying `text`.
fn openai_delta(text: &str) -> String {
    let chunk = json!({"object": "chat.completion.chunk", "choices": [{"index": 0, "delta": {"content": text}, "finish_reason": null}]});
    format!("data: {chunk}\n\n")
}

fn openai_finish(reason: &str) -> String {
    let chunk =
        json!({"object": "chat.completion.chunk", "choices": [{"index": 0, "delta": {}, "finish_reason": reason}]});
    format!("data: {chunk}\n\n")
}

const OPENAI_DONE: &str = "data: [DONE]\n\n";

/// An OpenAI body streaming `pieces`, optionally ended by a finish chunk and `[DONE]`.
fn openai_body(pieces: &[&str], done: bool) -> String {
    let mut body: String = pieces.iter().map(|p| openai_delta(p)).collect();
    if done {
        body.push_str(&openai_finish("stop"));
        body.push_str(OPENAI_DONE);
    }
    body
}

/// An Ollama `/api/chat` NDJSON line.
fn ollama_line(text: &str, done: bool) -> String {
    let mut line = json!({"model": "m", "message": {"role": "assistant", "content": text}, "done": done});
    if done {
        line["done_reason"] = json!("stop");
    }
    format!("{line}\n")
}

const OPENAI: DialectChoice = DialectChoice::Fixed(rillmark::dialect::DialectKind::OpenAiChat);

const ANSWER_PIECES: [&str; 6] =
    ["# Ti", "tle\n\nSome **bo", "ld** text", "\n\n- one\n- t", "wo\n\n```rust\nfn ", "main() {}\n"];

#[test]
fn a_body_cut_before_the_terminal_marker_is_incomplete_and_keeps_its_text() {
    let body = openai_body(&ANSWER_PIECES, false);
    let text = ANSWER_PIECES.concat();
    for (opts_name, opts) in option_sets() {
        for split in Split::standard(4) {
            let context = format!("[{opts_name}, {split}] an OpenAI body without finish_reason or [DONE]");
            let run = run_split(body.as_bytes(), split, &opts, OPENAI, None);
            assert_eq!(run.outcome, Outcome::Incomplete, "{context}: should end incomplete");
            assert_renders(&run, &text, &opts, &context);
        }
    }
}

#[test]
fn a_complete_body_is_done_with_its_finish_reason() {
    let body = openai_body(&ANSWER_PIECES, true);
    let run = run_split(body.as_bytes(), Split::Whole, &RenderOptions::default(), OPENAI, None);
    assert_eq!(run.outcome, Outcome::Done { reason: Some("stop".into()) }, "should end done with the finish reason");
    assert_renders(&run, &ANSWER_PIECES.concat(), &RenderOptions::default(), "a complete OpenAI body");
}

/// Feeds `body[..cut]` with a render after each byte, then hands the pipeline back for the end under test.
fn started(body: &[u8], cut: usize, opts: &RenderOptions, choice: DialectChoice) -> (Pipeline, HtmlRecorder) {
    let mut pipeline = Pipeline::new(opts.clone(), choice, None);
    let mut recorder = HtmlRecorder::new();
    for byte in body[..cut].chunks(1) {
        pipeline.feed(byte);
        pipeline.render(&mut recorder);
    }
    (pipeline, recorder)
}

/// After the outcome, nothing the host does emits an op, and every call repeats the same outcome.
#[track_caller]
fn assert_silent_after_end(pipeline: &mut Pipeline, recorder: &mut HtmlRecorder, outcome: &Outcome, more: &[u8]) {
    let ops = recorder.ops_applied();
    let html = recorder.html();
    pipeline.render(recorder);
    assert_eq!(pipeline.finish(recorder), *outcome, "a second finish should repeat the outcome");
    assert_eq!(pipeline.abort(recorder), *outcome, "an abort after the end should repeat the outcome");
    let failure = StreamError::new(ErrorKind::Network, "late failure");
    assert_eq!(pipeline.fail(failure, recorder), *outcome, "a failure after the end should repeat the outcome");
    pipeline.feed(more);
    pipeline.feed_text("more *text*\n\n");
    pipeline.render(recorder);
    assert_eq!(pipeline.finish(recorder), *outcome, "a finish after late bytes should repeat the outcome");
    assert_eq!(recorder.ops_applied(), ops, "should emit no op after the outcome");
    assert_eq!(recorder.html(), html, "should not change the DOM after the outcome");
    assert!(pipeline.is_ended(), "should report the stream as ended");
}

#[test]
fn abort_mid_stream_keeps_the_text_so_far_and_emits_nothing_afterwards() {
    let body = openai_body(&ANSWER_PIECES, true);
    let opts = RenderOptions::default();
    // Cut inside the fourth delta's frame: three deltas have arrived.
    let cut = body.find(&openai_delta(ANSWER_PIECES[3])).expect("the body should hold the fourth delta") + 10;
    let (mut pipeline, mut recorder) = started(body.as_bytes(), cut, &opts, OPENAI);
    let outcome = pipeline.abort(&mut recorder);
    assert_eq!(outcome, Outcome::Aborted, "should end aborted");
    let so_far = ANSWER_PIECES[..3].concat();
    assert_silent_after_end(&mut pipeline, &mut recorder, &outcome, &body.as_bytes()[cut..]);
    let run = finished(pipeline, recorder, outcome);
    assert_renders(&run, &so_far, &opts, "an OpenAI stream aborted after three deltas");
}

#[test]
fn abort_renders_text_that_arrived_since_the_last_frame() {
    let body = openai_body(&ANSWER_PIECES, true);
    let opts = RenderOptions::default();
    let mut pipeline = Pipeline::new(opts.clone(), OPENAI, None);
    let mut recorder = HtmlRecorder::new();
    let cut = body.find(&openai_delta(ANSWER_PIECES[5])).expect("the body should hold the last delta");
    pipeline.feed(&body.as_bytes()[..cut]);
    assert!(pipeline.needs_render(), "should have text the DOM does not show yet");
    let outcome = pipeline.abort(&mut recorder);
    assert_eq!(outcome, Outcome::Aborted, "should end aborted");
    let run = finished(pipeline, recorder, outcome);
    assert_renders(&run, &ANSWER_PIECES[..5].concat(), &opts, "an abort before any render");
}

#[test]
fn abort_before_any_byte_is_aborted_and_empty() {
    let mut pipeline = Pipeline::new(RenderOptions::default(), DialectChoice::Auto, None);
    let mut recorder = HtmlRecorder::new();
    let outcome = pipeline.abort(&mut recorder);
    assert_eq!(outcome, Outcome::Aborted, "should end aborted");
    assert_eq!(recorder.ops_applied(), 0, "should emit no op for an empty stream");
    assert_silent_after_end(&mut pipeline, &mut recorder, &outcome, b"data: {}\n\n");
}

#[test]
fn abort_after_done_keeps_the_done_outcome() {
    let body = openai_body(&ANSWER_PIECES, true);
    let opts = RenderOptions::default();
    let (mut pipeline, mut recorder) = started(body.as_bytes(), body.len(), &opts, OPENAI);
    let outcome = pipeline.finish(&mut recorder);
    assert_eq!(outcome, Outcome::Done { reason: Some("stop".into()) }, "should end done");
    assert_silent_after_end(&mut pipeline, &mut recorder, &outcome, b"");
    let run = finished(pipeline, recorder, outcome);
    assert_renders(&run, &ANSWER_PIECES.concat(), &opts, "a finished stream cancelled late");
}

#[test]
fn fail_keeps_the_text_and_reports_the_error() {
    let body = openai_body(&ANSWER_PIECES, true);
    let opts = RenderOptions::default();
    let cut = body.find(&openai_delta(ANSWER_PIECES[4])).expect("the body should hold the fifth delta") + 3;
    let (mut pipeline, mut recorder) = started(body.as_bytes(), cut, &opts, OPENAI);
    let error = StreamError::new(ErrorKind::Network, "connection reset");
    let outcome = pipeline.fail(error.clone(), &mut recorder);
    assert_eq!(outcome, Outcome::Error(error), "should end with the network error");
    assert_silent_after_end(&mut pipeline, &mut recorder, &outcome, &body.as_bytes()[cut..]);
    let run = finished(pipeline, recorder, outcome);
    assert_renders(&run, &ANSWER_PIECES[..4].concat(), &opts, "an OpenAI stream failing in its fifth delta");
}

#[test]
fn bytes_after_the_terminal_marker_are_ignored() {
    let mut body = openai_body(&["Hello *world*"], true);
    body.push_str(&openai_delta(" — and more"));
    body.push_str("data: {broken\n\n");
    body.push_str(&openai_finish("length"));
    body.push_str(OPENAI_DONE);
    let ollama = [ollama_line("Hi **there**", false), ollama_line("", true), ollama_line(" again", false)].concat();
    let cases = [
        ("OpenAI", OPENAI, body.as_str(), "Hello *world*", Some("stop")),
        ("Ollama", DialectChoice::from_name("ollama").unwrap(), ollama.as_str(), "Hi **there**", Some("stop")),
    ];
    for (name, choice, body, text, reason) in cases {
        for split in Split::standard(4) {
            let context = format!("[{split}] an {name} body with frames after its terminal marker");
            let run = run_split(body.as_bytes(), split, &RenderOptions::default(), choice, None);
            let done = Outcome::Done { reason: reason.map(str::to_owned) };
            assert_eq!(run.outcome, done, "{context}: should end done with the first finish reason");
            assert_eq!(run.stats.malformed, 0, "{context}: should not read the frames after the end");
            assert_renders(&run, text, &RenderOptions::default(), &context);
        }
    }
}

#[test]
fn a_malformed_frame_is_counted_and_the_stream_goes_on() {
    let body = [
        openai_delta("Hello "),
        "data: {\"choices\": [\n\n".to_owned(),
        openai_delta("**world**"),
        "data: not json at all\n\n".to_owned(),
        openai_delta("!"),
        openai_finish("stop"),
        OPENAI_DONE.to_owned(),
    ]
    .concat();
    for split in Split::standard(4) {
        let context = format!("[{split}] an OpenAI body with two malformed frames");
        let run = run_split(body.as_bytes(), split, &RenderOptions::default(), OPENAI, None);
        assert_eq!(run.outcome, Outcome::Done { reason: Some("stop".into()) }, "{context}: should end done");
        assert_eq!(run.stats.malformed, 2, "{context}: should count both malformed frames");
        assert_renders(&run, "Hello **world**!", &RenderOptions::default(), &context);
    }
}

#[test]
fn a_huge_line_ends_the_stream_with_an_overflow_error_and_keeps_the_text() {
    let ollama = DialectChoice::from_name("ollama").unwrap();
    let openai_head = openai_delta("Kept *text*");
    let ollama_head = ollama_line("Kept *text*", false);
    let cases =
        [("OpenAI SSE", OPENAI, openai_head, "data: "), ("Ollama NDJSON", ollama, ollama_head, "{\"message\":")];
    for (name, choice, head, line_start) in cases {
        let context = format!("an {name} body with a line longer than {DEFAULT_MAX_LINE} bytes");
        let mut pipeline = Pipeline::new(RenderOptions::default(), choice, None);
        let mut recorder = HtmlRecorder::new();
        pipeline.feed(head.as_bytes());
        pipeline.render(&mut recorder);
        pipeline.feed(line_start.as_bytes());
        let block = vec![b'x'; 64 * 1024];
        let mut fed = 0;
        while !pipeline.is_ended() && fed <= DEFAULT_MAX_LINE + block.len() {
            pipeline.feed(&block);
            pipeline.render(&mut recorder);
            fed += block.len();
        }
        assert!(pipeline.is_ended(), "{context}: should end the stream as soon as the line passes the bound");
        pipeline.feed(b"\n\n");
        pipeline.feed(openai_delta(" lost").as_bytes());
        let outcome = pipeline.finish(&mut recorder);
        match &outcome {
            Outcome::Error(error) => assert_eq!(error.kind, ErrorKind::Overflow, "{context}: should fail as overflow"),
            other => panic!("{context}: should end with an overflow error, ended {other:?}"),
        }
        let run = finished(pipeline, recorder, outcome);
        assert_renders(&run, "Kept *text*", &RenderOptions::default(), &context);
    }
}

#[test]
fn a_provider_error_mid_stream_keeps_the_text() {
    let body = [
        openai_delta("Partial *answer*"),
        "data: {\"error\":{\"message\":\"Upstream overloaded\",\"code\":\"overloaded\"}}\n\n".to_owned(),
        openai_delta(" never shown"),
    ]
    .concat();
    for split in Split::standard(4) {
        let context = format!("[{split}] an OpenAI body with an error chunk");
        let run = run_split(body.as_bytes(), split, &RenderOptions::default(), OPENAI, None);
        match &run.outcome {
            Outcome::Error(error) => {
                assert_eq!(error.kind, ErrorKind::Provider, "{context}: should report a provider error");
                assert_eq!(error.message, "Upstream overloaded", "{context}: should keep the provider's message");
                assert_eq!(error.code.as_deref(), Some("overloaded"), "{context}: should keep the provider's code");
            }
            other => panic!("{context}: should end with the provider error, ended {other:?}"),
        }
        assert_renders(&run, "Partial *answer*", &RenderOptions::default(), &context);
    }
}

// ------------------------------------------------------------------------------------------------------------
// HTTP errors

#[track_caller]
fn assert_http_error(body: &str, status: u16, message: &str, code: Option<&str>, provider: &str) {
    let error = StreamError::from_http(status, "Status Text", body);
    assert_eq!(error.kind, ErrorKind::Http, "a {provider} error body should give an http error");
    assert_eq!(error.status, Some(status), "a {provider} error should keep the status");
    assert_eq!(error.message, message, "a {provider} error should carry the provider's message");
    assert_eq!(error.code.as_deref(), code, "a {provider} error should carry the provider's code");
}

#[test]
fn http_errors_carry_the_providers_message() {
    assert_http_error(
        r#"{"error":{"message":"Incorrect API key provided: sk-abc.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}"#,
        401,
        "HTTP 401: Incorrect API key provided: sk-abc.",
        Some("invalid_request_error"),
        "OpenAI",
    );
    assert_http_error(
        r#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#,
        529,
        "HTTP 529: Overloaded",
        Some("overloaded_error"),
        "Anthropic",
    );
    assert_http_error(
        r#"{"error":"model 'llama9' not found"}"#,
        404,
        "HTTP 404: model 'llama9' not found",
        None,
        "Ollama",
    );
    assert_http_error(
        "[{\n  \"error\": {\n    \"code\": 429,\n    \"message\": \"Resource has been exhausted (e.g. check quota).\",\n    \"status\": \"RESOURCE_EXHAUSTED\"\n  }\n}\n]",
        429,
        "HTTP 429: Resource has been exhausted (e.g. check quota).",
        Some("429"),
        "Gemini (streaming, wrapped in an array)",
    );
    assert_http_error(
        r#"{"error":{"code":400,"message":"API key not valid.","status":"INVALID_ARGUMENT"}}"#,
        400,
        "HTTP 400: API key not valid.",
        Some("400"),
        "Gemini",
    );
    assert_http_error(
        r#"{"message":"Bad gateway","type":"proxy"}"#,
        502,
        "HTTP 502: Bad gateway",
        Some("proxy"),
        "flat JSON",
    );
}

#[test]
fn http_errors_without_a_json_message_fall_back_to_the_status_or_the_body() {
    let empty = StreamError::from_http(503, "Service Unavailable", "  \n");
    assert_eq!(empty.message, "HTTP 503 Service Unavailable", "an empty body should give the status line");
    let no_text = StreamError::from_http(500, "", "");
    assert_eq!(no_text.message, "HTTP 500", "an empty body without status text should give the status alone");
    let html = format!("<html><body>{}</body></html>", "é".repeat(600));
    let long = StreamError::from_http(502, "Bad Gateway", &html);
    assert!(
        long.message.starts_with("HTTP 502: <html><body>é"),
        "a non-JSON body should be shown, got {:?}",
        long.message
    );
    assert_eq!(long.message.chars().count(), "HTTP 502: ".len() + 500, "a long body should be cut to 500 characters");
    let odd = StreamError::from_http(400, "Bad Request", r#"{"error":{"detail":"no message here"}}"#);
    assert_eq!(
        odd.message, "HTTP 400: {\"error\":{\"detail\":\"no message here\"}}",
        "JSON without a message should be shown as is"
    );
}

#[test]
fn an_http_error_through_fail_keeps_whatever_was_rendered() {
    let opts = RenderOptions::default();
    let mut pipeline = Pipeline::new(opts.clone(), DialectChoice::Auto, Some("application/json"));
    let mut recorder = HtmlRecorder::new();
    let error = StreamError::from_http(
        429,
        "Too Many Requests",
        r#"{"error":{"message":"Rate limit reached","type":"requests"}}"#,
    );
    let outcome = pipeline.fail(error.clone(), &mut recorder);
    assert_eq!(outcome, Outcome::Error(error), "should end with the HTTP error");
    assert_eq!(recorder.ops_applied(), 0, "should emit no op when no byte arrived");
    assert_silent_after_end(&mut pipeline, &mut recorder, &outcome, b"{}");
}

// ------------------------------------------------------------------------------------------------------------
// Auto detection

const PLAIN: &str = "# Plain answer\n\nWith **bold**, a list:\n\n- a\n- b\n\nand a \"choices\" mention.\n";

#[test]
fn auto_reads_plain_text_with_a_text_content_type_or_none() {
    let content_types = [Some("text/plain; charset=utf-8"), Some("text/markdown"), None];
    for content_type in content_types {
        for (opts_name, opts) in option_sets() {
            for split in Split::standard(4) {
                let context = format!("[{opts_name}, {split}] plain text with content type {content_type:?}");
                let run = run_split(PLAIN.as_bytes(), split, &opts, DialectChoice::Auto, content_type);
                assert_eq!(run.outcome, Outcome::Done { reason: None }, "{context}: should end done at EOF");
                assert_renders(&run, PLAIN, &opts, &context);
            }
        }
    }
}

#[test]
fn auto_reads_plain_text_shorter_than_one_line() {
    for content_type in [Some("text/plain"), None] {
        for split in Split::standard(2) {
            let context = format!("[{split}] a one-line plain body with content type {content_type:?}");
            let run =
                run_split(b"Just *one* line", split, &RenderOptions::default(), DialectChoice::Auto, content_type);
            assert_eq!(run.outcome, Outcome::Done { reason: None }, "{context}: should end done at EOF");
            assert_renders(&run, "Just *one* line", &RenderOptions::default(), &context);
        }
    }
}

#[test]
fn auto_reads_a_plain_body_longer_than_the_detection_window() {
    let long: String = (0..400).map(|i| format!("Sentence {i} of one long paragraph. ")).collect();
    for split in Split::standard(2) {
        let context = format!("[{split}] a plain body whose first line is {} bytes long", long.len());
        let run = run_split(long.as_bytes(), split, &RenderOptions::default(), DialectChoice::Auto, Some("text/plain"));
        assert_eq!(run.outcome, Outcome::Done { reason: None }, "{context}: should end done at EOF");
        assert_renders(&run, &long, &RenderOptions::default(), &context);
    }
}

#[test]
fn auto_reads_ndjson_with_or_without_its_content_type() {
    let body = ["Hello ", "**NDJSON**", "\n\n- x"].iter().map(|t| ollama_line(t, false)).collect::<String>()
        + &ollama_line("", true);
    for content_type in [Some("application/x-ndjson"), Some("application/json"), None] {
        for split in Split::standard(4) {
            let context = format!("[{split}] an Ollama body with content type {content_type:?}");
            let run = run_split(body.as_bytes(), split, &RenderOptions::default(), DialectChoice::Auto, content_type);
            assert_eq!(run.outcome, Outcome::Done { reason: Some("stop".into()) }, "{context}: should end done");
            assert_renders(&run, "Hello **NDJSON**\n\n- x", &RenderOptions::default(), &context);
        }
    }
}

#[test]
fn auto_reads_openai_sse_without_a_content_type_and_after_comments() {
    let body = format!(": OPENROUTER PROCESSING\n\n: OPENROUTER PROCESSING\n\n{}", openai_body(&ANSWER_PIECES, true));
    for content_type in [Some("text/event-stream"), None] {
        for split in Split::standard(4) {
            let context = format!("[{split}] an OpenAI body after comments with content type {content_type:?}");
            let run = run_split(body.as_bytes(), split, &RenderOptions::default(), DialectChoice::Auto, content_type);
            assert_eq!(run.outcome, Outcome::Done { reason: Some("stop".into()) }, "{context}: should end done");
            assert_renders(&run, &ANSWER_PIECES.concat(), &RenderOptions::default(), &context);
        }
    }
}

/// Everything received before the end is rendered and kept (DESIGN.md §2.6), also while `auto` is still holding
/// the body back to decide on a dialect.
#[test]
fn auto_keeps_undecided_text_on_abort_and_fail() {
    let opts = RenderOptions::default();
    for end in ["abort", "fail"] {
        for content_type in [Some("text/plain"), None] {
            let context =
                format!("a plain body cut by {end} before its first line ended (content type {content_type:?})");
            let mut pipeline = Pipeline::new(opts.clone(), DialectChoice::Auto, content_type);
            let mut recorder = HtmlRecorder::new();
            pipeline.feed(b"Partial **first** li");
            pipeline.render(&mut recorder);
            let outcome = match end {
                "abort" => pipeline.abort(&mut recorder),
                _ => pipeline.fail(StreamError::new(ErrorKind::Network, "reset"), &mut recorder),
            };
            assert_eq!(
                outcome.status(),
                if end == "abort" { "aborted" } else { "error" },
                "{context}: should end {end}"
            );
            let run = finished(pipeline, recorder, outcome);
            assert_renders(&run, "Partial **first** li", &opts, &context);
        }
    }
}

/// The contrast to the test above: with the dialect named, the same text survives an abort.
#[test]
fn fixed_plain_keeps_text_on_abort() {
    let opts = RenderOptions::default();
    let mut pipeline = Pipeline::new(opts.clone(), DialectChoice::from_name("plain").unwrap(), Some("text/plain"));
    let mut recorder = HtmlRecorder::new();
    pipeline.feed(b"Partial **first** li");
    pipeline.render(&mut recorder);
    let outcome = pipeline.abort(&mut recorder);
    assert_eq!(outcome, Outcome::Aborted, "should end aborted");
    let run = finished(pipeline, recorder, outcome);
    assert_renders(&run, "Partial **first** li", &opts, "a plain body aborted mid-line");
}
