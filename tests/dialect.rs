//! Stage ③: dialects. Unit tests on hand-built frames, one module per dialect, then every recorded stream of a
//! supported dialect through decode → frame → dialect, whole, byte by byte and at seeded random splits
//! (`RILLMARK_SEED=<n>` replays a run).
// Native tests: the wasm32 build of the test suite runs only the browser files (tests/web*.rs).
#![cfg(not(target_arch = "wasm32"))]

mod support;

use rillmark::decode::Utf8Decoder;
use rillmark::dialect::{DialectKind, Hints, ProviderError, StreamEvent};
use rillmark::frame::{framer_for, Frame, SseEvent};
use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::Value;

use support::{Fixture, Split};

// ------------------------------------------------------------------------------------------------------------
// Frame builders and readers

/// An SSE event with a name.
fn event(name: &str, data: &str) -> Frame {
    Frame::Event(SseEvent { event: name.to_owned(), data: data.to_owned(), last_event_id: String::new() })
}

/// An SSE event without an `event:` field (the framer names it `message`).
fn data(data: &str) -> Frame {
    event("message", data)
}

fn line(line: &str) -> Frame {
    Frame::Line(line.to_owned())
}

/// Feeds `frames` to a fresh reader of `kind`, without EOF.
fn read(kind: DialectKind, frames: &[Frame]) -> Vec<StreamEvent> {
    let mut dialect = kind.reader();
    let mut out = Vec::new();
    for frame in frames {
        dialect.on_frame(frame, &mut out);
    }
    out
}

/// Feeds `frames`, then EOF.
fn read_to_eof(kind: DialectKind, frames: &[Frame]) -> Vec<StreamEvent> {
    let mut dialect = kind.reader();
    let mut out = Vec::new();
    for frame in frames {
        dialect.on_frame(frame, &mut out);
    }
    dialect.on_eof(&mut out);
    out
}

fn text(s: &str) -> StreamEvent {
    StreamEvent::Text(s.to_owned())
}

fn reasoning(s: &str) -> StreamEvent {
    StreamEvent::Reasoning(s.to_owned())
}

fn finish(reason: Option<&str>) -> StreamEvent {
    StreamEvent::Finish { reason: reason.map(str::to_owned) }
}

fn usage(input: Option<u64>, output: Option<u64>) -> StreamEvent {
    StreamEvent::Usage { input_tokens: input, output_tokens: output }
}

fn tool(index: u32, id: Option<&str>, name: Option<&str>, arguments: &str) -> StreamEvent {
    StreamEvent::ToolCall {
        index,
        id: id.map(str::to_owned),
        name: name.map(str::to_owned),
        arguments: arguments.to_owned(),
    }
}

fn error(code: Option<&str>, message: &str) -> StreamEvent {
    StreamEvent::Error(ProviderError { code: code.map(str::to_owned), message: message.to_owned() })
}

#[track_caller]
fn assert_events(actual: &[StreamEvent], expected: &[StreamEvent], should: &str) {
    assert_eq!(actual, expected, "should {should}");
}

#[track_caller]
fn assert_malformed(actual: &[StreamEvent], should: &str) {
    assert!(matches!(actual, [StreamEvent::Malformed(_)]), "should {should}, got {actual:?}");
}

/// Finish and Error end a stream: at most one of them, and nothing after it.
#[track_caller]
fn assert_one_outcome_at_most(events: &[StreamEvent], context: &str) {
    let terminal: Vec<usize> = events
        .iter()
        .enumerate()
        .filter(|(_, e)| matches!(e, StreamEvent::Finish { .. } | StreamEvent::Error(_)))
        .map(|(i, _)| i)
        .collect();
    assert!(terminal.len() <= 1, "{context}: should end at most once, got {events:?}");
    if let Some(&i) = terminal.first() {
        assert_eq!(i + 1, events.len(), "{context}: should emit nothing after the end, got {events:?}");
    }
}

// ------------------------------------------------------------------------------------------------------------
// OpenAI Chat Completions

mod openai {
    use super::*;

    const K: DialectKind = DialectKind::OpenAiChat;

    fn delta(delta: &str) -> Frame {
        data(&format!(r#"{{"choices":[{{"index":0,"delta":{delta},"finish_reason":null}}]}}"#))
    }

    fn finish_chunk(reason: &str) -> Frame {
        data(&format!(r#"{{"choices":[{{"index":0,"delta":{{}},"finish_reason":"{reason}"}}]}}"#))
    }

    #[test]
    fn content_deltas_become_text() {
        let out = read(K, &[delta(r#"{"role":"assistant","content":""}"#), delta(r#"{"content":"**Hi"}"#)]);
        assert_events(&out, &[text("**Hi")], "turn content into text and skip the empty role-only delta");
    }

    #[test]
    fn done_finishes_with_the_remembered_reason() {
        let out = read(K, &[delta(r#"{"content":"a"}"#), finish_chunk("length"), data("[DONE]")]);
        assert_events(
            &out,
            &[text("a"), finish(Some("length"))],
            "finish at [DONE] carrying the earlier finish_reason",
        );
    }

    #[test]
    fn done_without_a_finish_reason_finishes_without_reason() {
        assert_events(&read(K, &[data("[DONE]")]), &[finish(None)], "finish with no reason");
    }

    #[test]
    fn finish_reason_alone_does_not_finish_before_eof() {
        let out = read(K, &[delta(r#"{"content":"a"}"#), finish_chunk("stop")]);
        assert_events(&out, &[text("a")], "wait for [DONE] (an error may still follow)");
    }

    #[test]
    fn eof_after_a_finish_reason_finishes() {
        let out = read_to_eof(K, &[delta(r#"{"content":"a"}"#), finish_chunk("stop")]);
        assert_events(&out, &[text("a"), finish(Some("stop"))], "treat a finish_reason followed by EOF as done");
    }

    #[test]
    fn eof_without_finish_reason_or_done_is_incomplete() {
        let out = read_to_eof(K, &[delta(r#"{"content":"a"}"#)]);
        assert_events(&out, &[text("a")], "not finish a stream cut before any finish_reason");
    }

    #[test]
    fn finishes_exactly_once() {
        let out =
            read_to_eof(K, &[finish_chunk("stop"), data("[DONE]"), data("[DONE]"), delta(r#"{"content":"late"}"#)]);
        assert_events(&out, &[finish(Some("stop"))], "finish once and ignore everything after [DONE]");
    }

    #[test]
    fn reasoning_content_and_reasoning_become_reasoning() {
        let out = read(
            K,
            &[
                delta(r#"{"reasoning_content":"deep","content":null}"#),
                delta(r#"{"reasoning":"router"}"#),
                delta(r#"{"reasoning_content":"same","reasoning":"same"}"#),
                delta(r#"{"reasoning_content":null,"content":"answer"}"#),
            ],
        );
        assert_events(
            &out,
            &[reasoning("deep"), reasoning("router"), reasoning("same"), text("answer")],
            "read both reasoning spellings and not repeat text sent under both",
        );
    }

    #[test]
    fn reasoning_comes_before_content_of_the_same_chunk() {
        let out = read(K, &[delta(r#"{"content":"b","reasoning":"a"}"#)]);
        assert_events(&out, &[reasoning("a"), text("b")], "emit the reasoning first");
    }

    #[test]
    fn tool_calls_stream_by_index() {
        let out = read(
            K,
            &[
                delta(
                    r#"{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"search","arguments":""}}]}"#,
                ),
                delta(r#"{"tool_calls":[{"index":0,"function":{"arguments":"{\"q\":"}}]}"#),
                delta(r#"{"tool_calls":[{"index":1,"id":"call_2","function":{"name":"calc","arguments":"{}"}}]}"#),
                delta(r#"{"tool_calls":[{"index":0,"function":{"arguments":"\"x\"}"}}]}"#),
            ],
        );
        assert_events(
            &out,
            &[
                tool(0, Some("call_1"), Some("search"), ""),
                tool(0, None, None, r#"{"q":"#),
                tool(1, Some("call_2"), Some("calc"), "{}"),
                tool(0, None, None, r#""x"}"#),
            ],
            "announce each call once by index and pass argument deltas through",
        );
    }

    #[test]
    fn repeated_tool_id_and_name_are_announced_once() {
        let call = |args: &str| {
            delta(&format!(
                r#"{{"role":"assistant","content":null,"tool_calls":[{{"index":0,"id":"0","type":"function","function":{{"name":"llm_version","arguments":"{args}"}}}}]}}"#
            ))
        };
        let out = read(K, &[call(""), call("{}")]);
        assert_events(
            &out,
            &[tool(0, Some("0"), Some("llm_version"), ""), tool(0, None, None, "{}")],
            "not announce the same id and name twice (OpenRouter repeats them in every delta)",
        );
    }

    #[test]
    fn usage_chunks_become_usage() {
        let out = read(
            K,
            &[
                data(r#"{"choices":[{"index":0,"delta":{"content":"a"}}],"usage":null}"#),
                data(r#"{"choices":[],"usage":{"prompt_tokens":16,"completion_tokens":300,"total_tokens":316}}"#),
                data(r#"{"choices":null,"usage":{"prompt_tokens":1}}"#),
            ],
        );
        assert_events(
            &out,
            &[text("a"), usage(Some(16), Some(300)), usage(Some(1), None)],
            "read usage with empty or null choices and skip usage: null",
        );
    }

    #[test]
    fn only_the_first_choice_is_read() {
        let out = read(
            K,
            &[data(r#"{"choices":[{"index":1,"delta":{"content":"B"}},{"index":0,"delta":{"content":"A"}}]}"#)],
        );
        assert_events(&out, &[text("A")], "render choice 0 only");
    }

    #[test]
    fn legacy_completion_text_becomes_text() {
        let out = read(K, &[data(r#"{"choices":[{"text":"old","index":0,"finish_reason":null}]}"#)]);
        assert_events(&out, &[text("old")], "read the completions API's text field");
    }

    #[test]
    fn error_chunks_are_terminal() {
        let out = read_to_eof(
            K,
            &[
                finish_chunk("length"),
                data(
                    r#"{"error":{"code":400,"message":"Token limit reached"},"choices":[{"index":0,"delta":{"content":""}}]}"#,
                ),
                data("[DONE]"),
            ],
        );
        assert_events(
            &out,
            &[error(Some("400"), "Token limit reached")],
            "end with the error and ignore the [DONE] after it",
        );
    }

    #[test]
    fn error_events_are_terminal() {
        let out = read_to_eof(
            K,
            &[
                delta(r#"{"content":"maybe"}"#),
                event(
                    "error",
                    r#"{"error":{"message":"Tool choice is required","type":"invalid_request_error","code":"tool_use_failed"}}"#,
                ),
                delta(r#"{"content":"late"}"#),
            ],
        );
        assert_events(
            &out,
            &[text("maybe"), error(Some("tool_use_failed"), "Tool choice is required")],
            "end with the provider's code and message",
        );
    }

    #[test]
    fn error_type_is_the_code_when_there_is_no_code() {
        let out = read(K, &[data(r#"{"error":{"message":"slow down","type":"rate_limit_error","code":null}}"#)]);
        assert_events(&out, &[error(Some("rate_limit_error"), "slow down")], "fall back to the error type");
    }

    #[test]
    fn error_event_with_plain_text_keeps_the_text() {
        let out = read(K, &[event("error", "upstream timed out\n")]);
        assert_events(&out, &[error(None, "upstream timed out")], "use the raw data as the message");
    }

    #[test]
    fn null_error_is_not_an_error() {
        let out = read(K, &[data(r#"{"error":null,"choices":[{"delta":{"content":"ok"}}]}"#)]);
        assert_events(&out, &[text("ok")], "ignore error: null");
    }

    #[test]
    fn unknown_event_names_are_reported() {
        let out = read(K, &[event("keepalive", "{}")]);
        assert_events(&out, &[StreamEvent::Unknown("keepalive".into())], "report the event name");
    }

    #[test]
    fn unreadable_chunks_are_malformed_and_the_stream_goes_on() {
        let out = read(K, &[data("{\"choices\":[{"), data("42"), delta(r#"{"content":"still here"}"#)]);
        assert!(matches!(out[0], StreamEvent::Malformed(_)), "should report bad JSON, got {out:?}");
        assert!(matches!(out[1], StreamEvent::Malformed(_)), "should report a non-object, got {out:?}");
        assert_eq!(out[2..], [text("still here")], "should go on reading after malformed chunks");
    }

    #[test]
    fn malformed_description_is_bounded() {
        let out = read(K, &[data(&format!("{{{}", "x".repeat(100_000)))]);
        let [StreamEvent::Malformed(why)] = out.as_slice() else {
            panic!("should report one malformed chunk, got {out:?}");
        };
        assert!(why.len() < 400, "should quote only the start of a big frame, got {} bytes", why.len());
    }

    #[test]
    fn wrong_framing_is_malformed() {
        assert_malformed(&read(K, &[line("{}")]), "reject an NDJSON line");
    }

    #[test]
    fn odd_shapes_do_not_panic() {
        let frames = [
            data(r#"{"choices":"no"}"#),
            data(r#"{"choices":[null,1,"x",{"delta":null},{"delta":[]},{"delta":{"content":5}}]}"#),
            data(r#"{"choices":[{"delta":{"tool_calls":[null,{"index":-1},{"index":99999999999,"function":7}]}}]}"#),
            data(r#"{"choices":[{"delta":{"tool_calls":{"index":0}}}],"usage":{"prompt_tokens":-3}}"#),
            data(r#"{"usage":"lots","error":false}"#),
            data(""),
            data("[DONE"),
        ];
        let out = read_to_eof(K, &frames);
        assert_one_outcome_at_most(&out, "odd shapes");
    }

    #[test]
    fn a_field_of_the_wrong_type_is_reported_with_its_place() {
        let out = read(K, &[data(r#"{"choices":[{"delta":{"content":5}}]}"#), delta(r#"{"content":"next"}"#)]);
        let [StreamEvent::Malformed(why), rest @ ..] = out.as_slice() else {
            panic!("should report the chunk as malformed, got {out:?}");
        };
        assert!(
            why.starts_with(
                "a chunk has an unexpected shape (invalid type: integer `5`, expected a string at line 1 column"
            ),
            "should say what was wrong and where, got {why:?}"
        );
        assert_eq!(rest, [text("next")], "should go on reading after the malformed chunk");
        let out = read(K, &[data(r#"{"choices":[{"delta":{"content":"a"#)]);
        let [StreamEvent::Malformed(why)] = out.as_slice() else { panic!("should report cut JSON, got {out:?}") };
        assert!(
            why.starts_with("a chunk is not valid JSON (EOF while parsing"),
            "should say the JSON was cut, got {why:?}"
        );
    }

    #[test]
    fn a_repeated_member_counts_once_the_last_copy_as_json_parse_reads_it() {
        // NVIDIA's OpenAI-compatible endpoint repeats `reasoning_content` in one delta for some models; a derived
        // struct alone would reject the frame ("duplicate field") and lose its text.
        let out = read(
            K,
            &[
                delta(r#"{"reasoning_content":"Let me","reasoning_content":"Let me"}"#),
                delta(r#"{"content":null,"role":"assistant","content":"Hi","role":"assistant"}"#),
                data(
                    r#"{"choices":[{"index":0,"delta":{"content":"!"}}],"usage":null,"usage":{"prompt_tokens":3,"completion_tokens":2}}"#,
                ),
                delta(
                    r#"{"tool_calls":[{"index":0,"id":"c","function":{"name":"f","arguments":{"a":1, "a":2}}}],"tool_calls":[{"index":0,"id":"c","function":{"name":"f","arguments":{"b":1, "b":2}}}]}"#,
                ),
            ],
        );
        assert_events(
            &out,
            &[
                reasoning("Let me"),
                text("Hi"),
                text("!"),
                usage(Some(3), Some(2)),
                tool(0, Some("c"), Some("f"), r#"{"b":1, "b":2}"#),
            ],
            "read the last copy of each repeated member, and pass raw arguments through with their own repeats",
        );
    }

    #[test]
    fn an_array_is_never_read_as_a_chunk() {
        for body in ["[]", r#"[null,[{"delta":{"content":"x"}}]]"#] {
            let out = read(K, &[data(body)]);
            let [StreamEvent::Malformed(why)] = out.as_slice() else {
                panic!("should report the array {body} as malformed, not read it by position, got {out:?}");
            };
            assert!(
                why.contains("expected an OpenAI chat chunk (a JSON object)"),
                "should say a chunk is an object, got {why:?}"
            );
        }
        let out = read(K, &[delta(r#"{"tool_calls":[["0","call_1"]]}"#)]);
        assert_malformed(&out, "not read a tool call from an array either");
    }

    #[test]
    fn counts_out_of_range_read_as_absent_without_losing_the_text() {
        let out = read(
            K,
            &[data(
                r#"{"choices":[{"index":0,"delta":{"content":"kept"}}],"usage":{"prompt_tokens":-3,"completion_tokens":2.5}}"#,
            )],
        );
        assert_events(&out, &[text("kept"), usage(None, None)], "keep the text and read odd counts as absent");
    }

    #[test]
    fn tool_arguments_sent_as_a_value_pass_through_as_written() {
        let out = read(
            K,
            &[delta(
                r#"{"tool_calls":[{"index":0,"id":"c","function":{"name":"f","arguments":{"z": 1.50, "a":[1e2]}}}]}"#,
            )],
        );
        assert_events(
            &out,
            &[tool(0, Some("c"), Some("f"), r#"{"z": 1.50, "a":[1e2]}"#)],
            "pass a JSON value given instead of a string through exactly as written",
        );
    }
}

// ------------------------------------------------------------------------------------------------------------
// Anthropic Messages

mod anthropic {
    use super::*;

    const K: DialectKind = DialectKind::Anthropic;

    fn ev(name: &str, json: &str) -> Frame {
        event(name, json)
    }

    fn text_delta(index: u32, s: &str) -> Frame {
        ev(
            "content_block_delta",
            &format!(
                r#"{{"type":"content_block_delta","index":{index},"delta":{{"type":"text_delta","text":{s:?}}}}}"#
            ),
        )
    }

    fn message_start() -> Frame {
        ev(
            "message_start",
            r#"{"type":"message_start","message":{"id":"msg_1","content":[],"stop_reason":null,"usage":{"input_tokens":465,"output_tokens":1}}}"#,
        )
    }

    fn stop() -> Frame {
        ev("message_stop", r#"{"type":"message_stop"}"#)
    }

    #[test]
    fn a_text_message_reads_start_to_stop() {
        let out = read(
            K,
            &[
                message_start(),
                ev(
                    "content_block_start",
                    r#"{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"#,
                ),
                ev("ping", r#"{"type": "ping"}"#),
                text_delta(0, "Hello"),
                text_delta(0, " there"),
                ev("content_block_stop", r#"{"type":"content_block_stop","index":0      }"#),
                ev(
                    "message_delta",
                    r#"{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":44}}   "#,
                ),
                stop(),
            ],
        );
        assert_events(
            &out,
            &[
                usage(Some(465), Some(1)),
                text("Hello"),
                text(" there"),
                usage(Some(465), Some(44)),
                finish(Some("end_turn")),
            ],
            "read usage, text, cumulative usage and finish with the stop reason",
        );
    }

    #[test]
    fn thinking_becomes_reasoning_and_signatures_are_ignored() {
        let out = read(
            K,
            &[
                ev(
                    "content_block_start",
                    r#"{"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":"","signature":""}}"#,
                ),
                ev(
                    "content_block_delta",
                    r#"{"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"Let me"}}"#,
                ),
                ev(
                    "content_block_delta",
                    r#"{"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":""}}"#,
                ),
                ev(
                    "content_block_delta",
                    r#"{"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"EtAB"}}"#,
                ),
                ev(
                    "content_block_start",
                    r#"{"type":"content_block_start","index":1,"content_block":{"type":"redacted_thinking","data":"xyz"}}"#,
                ),
            ],
        );
        assert_events(&out, &[reasoning("Let me")], "emit thinking as reasoning and nothing for signatures");
    }

    #[test]
    fn initial_block_text_is_not_lost() {
        let out = read(
            K,
            &[ev(
                "content_block_start",
                r#"{"type":"content_block_start","index":0,"content_block":{"type":"text","text":"Hi"}}"#,
            )],
        );
        assert_events(&out, &[text("Hi")], "emit text carried by the block start");
    }

    #[test]
    fn tool_use_streams_its_input_by_block_index() {
        let out = read(
            K,
            &[
                ev(
                    "content_block_start",
                    r#"{"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_01","name":"search","input":{}}}"#,
                ),
                ev(
                    "content_block_delta",
                    r#"{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":""}}"#,
                ),
                ev(
                    "content_block_delta",
                    r#"{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\"query\": \"Tig"}}"#,
                ),
                ev(
                    "content_block_delta",
                    r#"{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"ers\"}"}}"#,
                ),
                ev("message_delta", r#"{"type":"message_delta","delta":{"stop_reason":"tool_use"}}"#),
                stop(),
            ],
        );
        assert_events(
            &out,
            &[
                tool(1, Some("toolu_01"), Some("search"), ""),
                tool(1, None, None, r#"{"query": "Tig"#),
                tool(1, None, None, r#"ers"}"#),
                finish(Some("tool_use")),
            ],
            "announce the call, stream its arguments and finish with tool_use",
        );
    }

    #[test]
    fn a_whole_tool_input_passes_through_as_written() {
        let out = read(
            K,
            &[ev(
                "content_block_start",
                r#"{"type":"content_block_start","index":2,"content_block":{"type":"server_tool_use","id":"srv","name":"web_search","input":{"query": "b", "allowed":["a"]}}}"#,
            )],
        );
        assert_events(
            &out,
            &[tool(2, Some("srv"), Some("web_search"), r#"{"query": "b", "allowed":["a"]}"#)],
            "give a non-empty input as the provider wrote it",
        );
    }

    #[test]
    fn message_delta_input_tokens_update_usage() {
        let out = read(
            K,
            &[
                message_start(),
                ev(
                    "message_delta",
                    r#"{"type":"message_delta","delta":{},"usage":{"input_tokens":500,"output_tokens":9}}"#,
                ),
            ],
        );
        assert_events(
            &out,
            &[usage(Some(465), Some(1)), usage(Some(500), Some(9))],
            "prefer the input tokens of the later, cumulative usage",
        );
    }

    #[test]
    fn error_events_are_terminal() {
        let out = read_to_eof(
            K,
            &[
                text_delta(0, "part"),
                ev("error", r#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#),
                text_delta(0, "late"),
                stop(),
            ],
        );
        assert_events(
            &out,
            &[text("part"), error(Some("overloaded_error"), "Overloaded")],
            "end with the error type and message",
        );
    }

    #[test]
    fn error_typed_data_without_an_event_name_is_an_error() {
        let out = read(K, &[data(r#"{"type":"error","error":{"type":"api_error","message":"Internal"}}"#)]);
        assert_events(&out, &[error(Some("api_error"), "Internal")], "read the JSON type");
    }

    #[test]
    fn events_without_event_lines_are_read_by_type() {
        let out = read(
            K,
            &[
                data(r#"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"x"}}"#),
                data(r#"{"type":"message_stop"}"#),
            ],
        );
        assert_events(&out, &[text("x"), finish(None)], "not depend on the event: line");
    }

    #[test]
    fn finishes_exactly_once() {
        let out = read_to_eof(K, &[stop(), stop(), text_delta(0, "late")]);
        assert_events(&out, &[finish(None)], "finish once and ignore what follows");
    }

    #[test]
    fn eof_without_message_stop_is_incomplete() {
        let out = read_to_eof(K, &[text_delta(0, "cut")]);
        assert_events(&out, &[text("cut")], "not finish at EOF");
    }

    #[test]
    fn unknown_types_are_reported() {
        let out = read(
            K,
            &[
                ev("future_event", r#"{"type":"future_event"}"#),
                ev("content_block_delta", r#"{"type":"content_block_delta","index":0,"delta":{"type":"audio_delta"}}"#),
                ev(
                    "content_block_start",
                    r#"{"type":"content_block_start","index":0,"content_block":{"type":"hologram"}}"#,
                ),
            ],
        );
        assert_events(
            &out,
            &[
                StreamEvent::Unknown("future_event".into()),
                StreamEvent::Unknown("content_block_delta/audio_delta".into()),
                StreamEvent::Unknown("content_block_start/hologram".into()),
            ],
            "name the unknown event or delta type",
        );
    }

    #[test]
    fn server_tool_results_and_citations_are_known() {
        let out = read(
            K,
            &[
                ev(
                    "content_block_start",
                    r#"{"type":"content_block_start","index":2,"content_block":{"type":"web_search_tool_result","content":[]}}"#,
                ),
                ev(
                    "content_block_delta",
                    r#"{"type":"content_block_delta","index":3,"delta":{"type":"citations_delta","citation":{}}}"#,
                ),
            ],
        );
        assert_events(&out, &[], "ignore blocks with nothing to render");
    }

    #[test]
    fn unreadable_events_are_malformed() {
        assert_malformed(&read(K, &[ev("content_block_delta", "{not json")]), "report bad JSON");
        assert_malformed(&read(K, &[ev("content_block_delta", "[1]")]), "report a non-object");
        assert_malformed(
            &read(K, &[ev("content_block_delta", r#"{"type":"content_block_delta"}"#)]),
            "report a delta without delta",
        );
        assert_malformed(&read(K, &[line("{}")]), "reject an NDJSON line");
    }

    #[test]
    fn odd_shapes_do_not_panic() {
        let frames = [
            data(r#"{"type":7}"#),
            data(r#"{"type":"content_block_start","index":-1,"content_block":"x"}"#),
            data(r#"{"type":"content_block_start","index":1e99,"content_block":{"type":"tool_use","input":[1]}}"#),
            data(r#"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":null}}"#),
            data(r#"{"type":"message_start","message":null}"#),
            data(r#"{"type":"message_delta","delta":"x","usage":[]}"#),
            data(r#"{"type":"error"}"#),
        ];
        let out = read_to_eof(K, &frames);
        assert_one_outcome_at_most(&out, "odd shapes");
    }
}

// ------------------------------------------------------------------------------------------------------------
// Ollama

mod ollama {
    use super::*;

    const K: DialectKind = DialectKind::Ollama;

    #[test]
    fn chat_lines_read_to_done() {
        let out = read(
            K,
            &[
                line(
                    r#"{"model":"gpt-oss","message":{"role":"assistant","content":"","thinking":"The"},"done":false}"#,
                ),
                line(r#"{"model":"gpt-oss","message":{"role":"assistant","content":"Sure"},"done":false}"#),
                line(
                    r#"{"model":"gpt-oss","message":{"role":"assistant","content":""},"done_reason":"stop","done":true,"prompt_eval_count":69,"eval_count":76}"#,
                ),
            ],
        );
        assert_events(
            &out,
            &[reasoning("The"), text("Sure"), usage(Some(69), Some(76)), finish(Some("stop"))],
            "read thinking, content, then usage and finish on done",
        );
    }

    #[test]
    fn generate_lines_read_response_and_thinking() {
        let out = read(
            K,
            &[
                line(r#"{"response":"","thinking":"hm","done":false}"#),
                line(r#"{"response":"Hi","done":false}"#),
                line(r#"{"response":"!","done":true,"done_reason":"length"}"#),
            ],
        );
        assert_events(
            &out,
            &[reasoning("hm"), text("Hi"), text("!"), finish(Some("length"))],
            "read the generate API and text on the final line",
        );
    }

    #[test]
    fn tool_calls_come_whole() {
        let out = read(
            K,
            &[
                line(
                    r#"{"message":{"role":"assistant","content":"","tool_calls":[{"function":{"name":"weather","arguments":{"city":"Detroit"}}}]},"done":false}"#,
                ),
                line(
                    r#"{"message":{"content":"","tool_calls":[{"id":"call_9","function":{"index":1,"name":"search","arguments":{"query":"Tigers"}}}]},"done":false}"#,
                ),
                line(r#"{"message":{"tool_calls":[{"function":{"name":"now","arguments":"{}"}}]},"done":false}"#),
            ],
        );
        assert_events(
            &out,
            &[
                tool(0, None, Some("weather"), r#"{"city":"Detroit"}"#),
                tool(1, Some("call_9"), Some("search"), r#"{"query":"Tigers"}"#),
                tool(2, None, Some("now"), "{}"),
            ],
            "emit each call once with serialised arguments, numbered by index or arrival",
        );
    }

    #[test]
    fn error_lines_are_terminal() {
        let out = read_to_eof(
            K,
            &[
                line(r#"{"message":{"content":"pa"}}"#),
                line(r#"{"error":"model 'x' not found"}"#),
                line(r#"{"done":true}"#),
            ],
        );
        assert_events(
            &out,
            &[text("pa"), error(None, "model 'x' not found")],
            "end with the error string and ignore what follows",
        );
    }

    #[test]
    fn finishes_exactly_once() {
        let out = read_to_eof(K, &[line(r#"{"done":true}"#), line(r#"{"done":true}"#)]);
        assert_events(&out, &[finish(None)], "finish once, without usage when there are no counts");
    }

    #[test]
    fn eof_without_done_is_incomplete() {
        let out = read_to_eof(K, &[line(r#"{"message":{"content":"cut"},"done":false}"#)]);
        assert_events(&out, &[text("cut")], "not finish at EOF");
    }

    #[test]
    fn unreadable_lines_are_malformed() {
        assert_malformed(&read(K, &[line("{\"done\":")]), "report bad JSON");
        assert_malformed(&read(K, &[line("\"done\"")]), "report a non-object");
        assert_malformed(&read(K, &[data("{}")]), "reject an SSE event");
    }

    #[test]
    fn odd_shapes_do_not_panic() {
        let frames = [
            line(r#"{"message":null,"done":"yes"}"#),
            line(r#"{"message":{"tool_calls":[null,{"function":null},{"function":{"index":-5,"arguments":null}}]}}"#),
            line(r#"{"message":{"tool_calls":[{"function":{"index":4294967295}},{"function":{}}]}}"#),
            line(r#"{"error":{"nested":true}}"#),
        ];
        let out = read_to_eof(K, &frames);
        assert_one_outcome_at_most(&out, "odd shapes");
    }
}

// ------------------------------------------------------------------------------------------------------------
// Plain text

mod plain {
    use super::*;

    const K: DialectKind = DialectKind::Plain;

    #[test]
    fn text_passes_through_and_eof_finishes() {
        let out =
            read_to_eof(K, &[Frame::Text("# Hi".into()), Frame::Text(String::new()), Frame::Text("\nthere".into())]);
        assert_events(&out, &[text("# Hi"), text("\nthere"), finish(None)], "pass text through and finish at EOF");
    }

    #[test]
    fn eof_finishes_once() {
        let mut dialect = K.reader();
        let mut out = Vec::new();
        dialect.on_eof(&mut out);
        dialect.on_eof(&mut out);
        dialect.on_frame(&Frame::Text("late".into()), &mut out);
        assert_events(&out, &[finish(None)], "finish once and ignore text after the end");
    }

    #[test]
    fn other_frames_are_malformed() {
        assert_malformed(&read(K, &[data("x")]), "reject an SSE event");
    }
}

// ------------------------------------------------------------------------------------------------------------
// Gemini

mod gemini {
    use super::*;

    const K: DialectKind = DialectKind::Gemini;

    #[test]
    fn parts_become_text_reasoning_and_tool_calls() {
        let out = read_to_eof(
            K,
            &[
                data(
                    r#"{"candidates": [{"content": {"parts": [{"text": "**Plan**","thought": true}],"role": "model"},"index": 0}]}"#,
                ),
                data(
                    r#"{"candidates":[{"content":{"parts":[{"text":"Hi"},{"functionCall":{"name":"weather","args":{"city":"SF"}},"thoughtSignature":"abc"}]}}]}"#,
                ),
                data(
                    r#"{"candidates":[{"content":{"parts":[{"text":"","thoughtSignature":"xyz"}]},"finishReason":"STOP","index":0}],"usageMetadata":{"promptTokenCount":9,"candidatesTokenCount":29,"thoughtsTokenCount":256}}"#,
                ),
            ],
        );
        assert_events(
            &out,
            &[
                reasoning("**Plan**"),
                text("Hi"),
                tool(0, None, Some("weather"), r#"{"city":"SF"}"#),
                usage(Some(9), Some(285)),
                finish(Some("STOP")),
            ],
            "read thoughts, text, calls and usage, and finish at EOF after finishReason",
        );
    }

    #[test]
    fn function_call_args_pass_through_as_written() {
        let args = r#"{ "zeta": 1.50, "alpha": {"b": [1e2, -0.0], "a": "\u00e9\n"} }"#;
        let out = read(
            K,
            &[data(&format!(
                r#"{{"candidates":[{{"content":{{"parts":[{{"functionCall":{{"name":"f","args":{args}}}}}]}}}}]}}"#
            ))],
        );
        assert_events(
            &out,
            &[tool(0, None, Some("f"), args)],
            "keep the arguments' spacing, key order, numbers and escapes",
        );
    }

    #[test]
    fn eof_without_finish_reason_is_incomplete() {
        let out = read_to_eof(K, &[data(r#"{"candidates":[{"content":{"parts":[{"text":"cut"}]}}]}"#)]);
        assert_events(&out, &[text("cut")], "not finish a body cut before finishReason");
    }

    #[test]
    fn errors_and_blocked_prompts_are_terminal() {
        let out = read_to_eof(
            K,
            &[
                data(r#"{"error":{"code":429,"message":"Resource exhausted","status":"RESOURCE_EXHAUSTED"}}"#),
                data("{}"),
            ],
        );
        assert_events(&out, &[error(Some("429"), "Resource exhausted")], "end with the error");
        let out = read_to_eof(K, &[data(r#"{"promptFeedback":{"blockReason":"SAFETY"}}"#)]);
        assert_events(
            &out,
            &[error(Some("SAFETY"), "the prompt was blocked (SAFETY)")],
            "report a blocked prompt as an error",
        );
    }

    #[test]
    fn odd_shapes_do_not_panic() {
        let frames = [
            data("[]"),
            data("{bad"),
            data(
                r#"{"candidates":[{"content":{"parts":[null,{"text":1},{"functionCall":null}]}}],"usageMetadata":[]}"#,
            ),
            data(r#"{"candidates":{"x":1},"promptFeedback":{"blockReason":5}}"#),
        ];
        let out = read_to_eof(K, &frames);
        assert_one_outcome_at_most(&out, "odd shapes");
        assert_malformed(&read(K, &[line("{}")]), "reject an NDJSON line");
    }
}

// ------------------------------------------------------------------------------------------------------------
// OpenAI Responses

mod responses {
    use super::*;

    const K: DialectKind = DialectKind::OpenAiResponses;

    fn ev(json: &str) -> Frame {
        let name =
            serde_json::from_str::<Value>(json).expect("test JSON")["type"].as_str().unwrap_or("message").to_owned();
        event(&name, json)
    }

    #[test]
    fn a_response_reads_to_completed() {
        let out = read_to_eof(
            K,
            &[
                ev(r#"{"type":"response.created","response":{"status":"in_progress"}}"#),
                ev(r#"{"type":"response.output_item.added","output_index":0,"item":{"type":"reasoning","id":"rs_1"}}"#),
                ev(r#"{"type":"response.reasoning_summary_part.added","output_index":0,"summary_index":0}"#),
                ev(r#"{"type":"response.reasoning_summary_text.delta","output_index":0,"delta":"**One**"}"#),
                ev(r#"{"type":"response.reasoning_summary_part.added","output_index":0,"summary_index":1}"#),
                ev(r#"{"type":"response.reasoning_summary_text.delta","output_index":0,"delta":"**Two**"}"#),
                ev(
                    r#"{"type":"response.output_item.added","output_index":1,"item":{"type":"function_call","call_id":"call_1","name":"calculator","arguments":""}}"#,
                ),
                ev(r#"{"type":"response.function_call_arguments.delta","output_index":1,"delta":"{\"a\":1}"}"#),
                ev(r#"{"type":"response.output_text.delta","output_index":2,"delta":"The answer"}"#),
                ev(r#"{"type":"response.output_text.annotation.added","output_index":2}"#),
                ev(
                    r#"{"type":"response.completed","response":{"status":"completed","usage":{"input_tokens":10,"output_tokens":127}}}"#,
                ),
            ],
        );
        assert_events(
            &out,
            &[
                reasoning("**One**"),
                reasoning("\n\n"),
                reasoning("**Two**"),
                tool(1, Some("call_1"), Some("calculator"), ""),
                tool(1, None, None, r#"{"a":1}"#),
                text("The answer"),
                usage(Some(10), Some(127)),
                finish(Some("completed")),
            ],
            "read summaries apart, calls by output index, text, usage and finish",
        );
    }

    #[test]
    fn incomplete_finishes_with_its_reason() {
        let out = read_to_eof(
            K,
            &[ev(
                r#"{"type":"response.incomplete","response":{"status":"incomplete","incomplete_details":{"reason":"max_output_tokens"}}}"#,
            )],
        );
        assert_events(&out, &[finish(Some("max_output_tokens"))], "carry the incomplete reason");
    }

    #[test]
    fn several_responses_in_one_body_finish_after_the_last() {
        let call = |i: u32| {
            ev(&format!(
                r#"{{"type":"response.output_item.added","output_index":{i},"item":{{"type":"function_call","call_id":"c{i}","name":"calc"}}}}"#
            ))
        };
        let created = || ev(r#"{"type":"response.created","response":{}}"#);
        let completed = || ev(r#"{"type":"response.completed","response":{"status":"completed"}}"#);
        let mut frames = vec![created(), call(1), completed(), created(), call(0), completed(), created()];
        frames.push(ev(r#"{"type":"response.output_text.delta","output_index":0,"delta":"570"}"#));
        assert_events(
            &read_to_eof(K, &frames),
            &[tool(1, Some("c1"), Some("calc"), ""), tool(2, Some("c0"), Some("calc"), ""), text("570")],
            "keep reading after response.completed, give later calls fresh indices, and stay incomplete when the last response never completed",
        );
        frames.push(completed());
        assert_events(
            &read_to_eof(K, &frames)[3..],
            &[finish(Some("completed"))],
            "finish at EOF after the last response completed",
        );
    }

    #[test]
    fn done_finishes_with_the_completion_reason() {
        let out = read(
            K,
            &[ev(r#"{"type":"response.completed","response":{"status":"completed"}}"#), data("[DONE]"), data("[DONE]")],
        );
        assert_events(&out, &[finish(Some("completed"))], "finish once at OpenRouter's [DONE]");
    }

    #[test]
    fn errors_are_terminal() {
        let out = read_to_eof(
            K,
            &[
                ev(
                    r#"{"type":"error","sequence_number":2,"error":{"type":"tokens","code":"rate_limit_exceeded","message":"Request too large"}}"#,
                ),
                ev(
                    r#"{"type":"response.failed","response":{"error":{"code":"rate_limit_exceeded","message":"Request too large"}}}"#,
                ),
            ],
        );
        assert_events(
            &out,
            &[error(Some("rate_limit_exceeded"), "Request too large")],
            "end at the error event and ignore response.failed after it",
        );
        let out = read(
            K,
            &[ev(r#"{"type":"response.failed","response":{"error":{"code":"server_error","message":"boom"}}}"#)],
        );
        assert_events(&out, &[error(Some("server_error"), "boom")], "read response.failed on its own");
        let out = read(K, &[ev(r#"{"type":"error","code":"x","message":"flat"}"#)]);
        assert_events(&out, &[error(Some("x"), "flat")], "read the flat error shape");
    }

    #[test]
    fn server_tools_are_tool_calls() {
        let out = read(
            K,
            &[
                ev(
                    r#"{"type":"response.output_item.added","output_index":0,"item":{"type":"web_search_call","id":"ws_1","status":"in_progress"}}"#,
                ),
                ev(r#"{"type":"response.web_search_call.searching","output_index":0}"#),
                ev(
                    r#"{"type":"response.output_item.done","output_index":0,"item":{"type":"web_search_call","id":"ws_1","action":{"type":"search","query":"q"}}}"#,
                ),
            ],
        );
        assert_events(
            &out,
            &[tool(0, Some("ws_1"), Some("web_search"), ""), tool(0, None, None, r#"{"type":"search","query":"q"}"#)],
            "announce the search and give its action as arguments, as sent",
        );
    }

    #[test]
    fn unknown_and_malformed_events_are_reported() {
        let out = read(K, &[ev(r#"{"type":"response.teleport.delta"}"#), event("message", "nope")]);
        assert!(
            matches!(out.as_slice(), [StreamEvent::Unknown(name), StreamEvent::Malformed(_)] if name == "response.teleport.delta"),
            "should report the unknown type and the bad JSON, got {out:?}"
        );
    }
}

// ------------------------------------------------------------------------------------------------------------
// Vercel AI SDK UI message stream

mod vercel {
    use super::*;

    const K: DialectKind = DialectKind::Vercel;

    #[test]
    fn parts_read_to_done() {
        let out = read_to_eof(
            K,
            &[
                data(r#"{"type":"start"}"#),
                data(r#"{"type":"reasoning-start","id":"r"}"#),
                data(r#"{"type":"reasoning-delta","id":"r","delta":"hm"}"#),
                data(r#"{"type":"text-delta","id":"0","delta":"Hi"}"#),
                data(r#"{"type":"tool-input-start","toolCallId":"t1","toolName":"search"}"#),
                data(r#"{"type":"tool-input-delta","toolCallId":"t1","inputTextDelta":"{}"}"#),
                data(r#"{"type":"tool-input-available","toolCallId":"t1","toolName":"search","input":{}}"#),
                data(r#"{"type":"tool-input-available","toolCallId":"t2","toolName":"web_search","input":{"q":1}}"#),
                data(r#"{"type":"data-weather","data":{}}"#),
                data(r#"{"type":"finish","finishReason":"tool-calls"}"#),
                data("[DONE]"),
            ],
        );
        assert_events(
            &out,
            &[
                reasoning("hm"),
                text("Hi"),
                tool(0, Some("t1"), Some("search"), ""),
                tool(0, None, None, "{}"),
                tool(1, Some("t2"), Some("web_search"), r#"{"q":1}"#),
                finish(Some("tool-calls")),
            ],
            "read reasoning, text, streamed and whole tool calls, and finish at [DONE]",
        );
    }

    #[test]
    fn finish_part_then_eof_finishes() {
        let out = read_to_eof(K, &[data(r#"{"type":"finish"}"#)]);
        assert_events(&out, &[finish(None)], "finish at EOF after a finish part");
        assert_events(
            &read_to_eof(K, &[data(r#"{"type":"text-delta","delta":"x"}"#)]),
            &[text("x")],
            "stay incomplete",
        );
    }

    #[test]
    fn error_and_abort_parts_are_terminal() {
        let out = read_to_eof(K, &[data(r#"{"type":"error","errorText":"Overloaded"}"#), data("[DONE]")]);
        assert_events(&out, &[error(None, "Overloaded")], "end with the error text");
        let out = read(K, &[data(r#"{"type":"abort"}"#)]);
        assert_events(&out, &[error(Some("aborted"), "the server aborted the stream")], "report an abort");
    }

    #[test]
    fn unknown_and_malformed_parts_are_reported() {
        let out = read(K, &[data(r#"{"type":"hologram"}"#), data("[1]")]);
        assert!(
            matches!(out.as_slice(), [StreamEvent::Unknown(name), StreamEvent::Malformed(_)] if name == "hologram"),
            "should report the unknown part and the non-object, got {out:?}"
        );
    }
}

// ------------------------------------------------------------------------------------------------------------
// llama.cpp native /completion

mod llamacpp {
    use super::*;

    const K: DialectKind = DialectKind::LlamaCpp;

    fn chunk(content: &str) -> Frame {
        line(&format!(r#"data: {{"index":0,"content":"{content}","tokens":[],"stop":false,"id_slot":-1}}"#))
    }

    #[test]
    fn content_lines_read_to_stop() {
        let out = read_to_eof(
            K,
            &[
                chunk("# Hi"),
                chunk(""),
                chunk("\\n\\nthere"),
                line(
                    r#"data: {"index":0,"content":"","stop":true,"stop_type":"eos","stopping_word":"","tokens_predicted":3,"tokens_evaluated":7,"timings":{"prompt_n":7,"predicted_n":3}}"#,
                ),
            ],
        );
        assert_events(
            &out,
            &[text("# Hi"), text("\n\nthere"), usage(Some(7), Some(3)), finish(Some("eos"))],
            "read content deltas, skip empty ones, then usage and finish with stop_type",
        );
    }

    #[test]
    fn older_servers_give_the_reason_as_flags_and_usage_in_timings() {
        let out = read(
            K,
            &[line(
                r#"data: {"content":"x","stop":true,"stopped_eos":false,"stopped_word":false,"stopped_limit":true,"timings":{"prompt_n":5,"predicted_n":9}}"#,
            )],
        );
        assert_events(
            &out,
            &[text("x"), usage(Some(5), Some(9)), finish(Some("limit"))],
            "map stopped_limit to \"limit\" and read usage from timings",
        );
        let out = read(K, &[line(r#"data: {"content":"","stop":true,"stop_type":"none"}"#)]);
        assert_events(&out, &[finish(None)], "treat stop_type \"none\" as no reason");
    }

    #[test]
    fn eof_before_stop_is_incomplete() {
        let out = read_to_eof(K, &[chunk("cut")]);
        assert_events(&out, &[text("cut")], "not finish at EOF without a stop chunk");
    }

    #[test]
    fn finishes_exactly_once() {
        let stop = line(r#"data: {"content":"","stop":true}"#);
        let out = read_to_eof(K, &[stop.clone(), stop, chunk("late")]);
        assert_events(&out, &[finish(None)], "finish once and ignore what follows");
    }

    #[test]
    fn error_fields_of_older_servers_are_terminal() {
        let out = read_to_eof(
            K,
            &[
                chunk("pa"),
                line(
                    r#"error: {"code":400,"message":"the request exceeds the available context size","type":"exceed_context_size_error"}"#,
                ),
                chunk("late"),
            ],
        );
        assert_events(
            &out,
            &[text("pa"), error(Some("400"), "the request exceeds the available context size")],
            "read the non-standard error field and stop there",
        );
    }

    #[test]
    fn error_chunks_of_current_servers_are_terminal() {
        let out =
            read(K, &[line(r#"data: {"error":{"code":500,"message":"failed to decode","type":"server_error"}}"#)]);
        assert_events(&out, &[error(Some("500"), "failed to decode")], "read the error object");
    }

    #[test]
    fn comments_other_fields_and_other_prompts_are_skipped() {
        let out = read(
            K,
            &[
                line(": ping"),
                line("event: message"),
                line("id: 4"),
                line("retry: 100"),
                line(r#"data: {"index":1,"content":"other prompt","stop":false}"#),
                line(r#"data: {"index":1,"content":"","stop":true}"#),
                chunk("mine"),
            ],
        );
        assert_events(&out, &[text("mine")], "skip keep-alives, payload-free fields and prompts other than 0");
    }

    #[test]
    fn bare_json_lines_and_sse_events_are_read_too() {
        let out = read(K, &[line(r#"{"content":"a","stop":false}"#), data(r#"{"content":"b","stop":false}"#)]);
        assert_events(&out, &[text("a"), text("b")], "read NDJSON-served chunks and SSE-framed events");
        let out = read(K, &[event("error", r#"{"code":503,"message":"Loading model"}"#)]);
        assert_events(&out, &[error(Some("503"), "Loading model")], "read an SSE error event");
    }

    #[test]
    fn unreadable_lines_are_reported() {
        assert_malformed(&read(K, &[line("data: {\"content\":")]), "report bad JSON");
        assert_malformed(&read(K, &[line("data: [1]")]), "report a non-object");
        assert_malformed(&read(K, &[Frame::Text("x".into())]), "reject plain text");
        let out = read(K, &[line("warning: x")]);
        assert!(matches!(out.as_slice(), [StreamEvent::Unknown(_)]), "should report an unknown field, got {out:?}");
    }

    #[test]
    fn odd_shapes_do_not_panic() {
        let frames = [
            line("data:"),
            line("data"),
            line(":"),
            line(r#"data: {"content":null,"stop":"yes","index":-1}"#),
            line(r#"data: {"content":5,"stop":true,"stop_type":7,"stopped_eos":"true","timings":null}"#),
            line("error:"),
        ];
        assert_one_outcome_at_most(&read_to_eof(K, &frames), "odd shapes");
    }
}

// ------------------------------------------------------------------------------------------------------------
// llama.cpp OpenAI-compatible endpoints (read by the OpenAI chat dialect)

mod llamacpp_openai_compatible {
    use super::*;

    /// Reads a body through the real decode → SSE frame → OpenAI chat path.
    fn read_body(body: &str) -> Vec<StreamEvent> {
        let kind = DialectKind::OpenAiChat;
        run_pipeline(kind, body.as_bytes(), Split::Whole).expect("the body should frame")
    }

    #[test]
    fn chat_completions_with_keepalives_read_to_done() {
        // The shape llama-server sends for `/v1/chat/completions`: a role-only first delta with `content: null`,
        // reasoning split out as `reasoning_content`, a final `choices: []` chunk with usage and llama.cpp's own
        // `timings`, then `[DONE]`; keep-alive comments may come between events.
        let body = concat!(
            ": keep-alive\n\n",
            "data: {\"choices\":[{\"finish_reason\":null,\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":null}}],\"created\":1,\"id\":\"chatcmpl-x\",\"model\":\"qwen\",\"system_fingerprint\":\"b1-abc\",\"object\":\"chat.completion.chunk\"}\n\n",
            "data: {\"choices\":[{\"finish_reason\":null,\"index\":0,\"delta\":{\"reasoning_content\":\"Think\"}}],\"object\":\"chat.completion.chunk\"}\n\n",
            ": keep-alive\n\n",
            "data: {\"choices\":[{\"finish_reason\":null,\"index\":0,\"delta\":{\"content\":\"**Hi**\"}}],\"object\":\"chat.completion.chunk\"}\n\n",
            "data: {\"choices\":[{\"finish_reason\":\"stop\",\"index\":0,\"delta\":{}}],\"object\":\"chat.completion.chunk\"}\n\n",
            "data: {\"choices\":[],\"usage\":{\"completion_tokens\":4,\"prompt_tokens\":9,\"total_tokens\":13},\"timings\":{\"prompt_n\":9,\"predicted_n\":4}}\n\n",
            "data: [DONE]\n\n",
        );
        assert_events(
            &read_body(body),
            &[reasoning("Think"), text("**Hi**"), usage(Some(9), Some(4)), finish(Some("stop"))],
            "read llama.cpp's OpenAI-compatible stream through the OpenAI reader",
        );
    }

    #[test]
    fn legacy_completions_text_reads_to_done() {
        let body = concat!(
            "data: {\"choices\":[{\"text\":\"Once\",\"index\":0,\"logprobs\":null,\"finish_reason\":null}],\"object\":\"text_completion\"}\n\n",
            "data: {\"choices\":[{\"text\":\"\",\"index\":0,\"logprobs\":null,\"finish_reason\":\"length\"}],\"object\":\"text_completion\"}\n\n",
            "data: [DONE]\n\n",
        );
        assert_events(
            &read_body(body),
            &[text("Once"), finish(Some("length"))],
            "read /v1/completions text through the OpenAI reader",
        );
    }

    #[test]
    fn error_chunks_of_current_servers_are_terminal() {
        let body = "data: {\"error\":{\"code\":400,\"message\":\"context exceeded\",\"type\":\"exceed_context_size_error\"}}\n\ndata: [DONE]\n\n";
        assert_events(
            &read_body(body),
            &[error(Some("400"), "context exceeded")],
            "report the error that current servers send as a data chunk",
        );
    }

    #[test]
    fn an_error_field_at_the_start_is_detected_as_llamacpp() {
        // Older servers send `error: {…}` on their /v1 endpoints too. Behind the SSE framer that field is dropped (as
        // the SSE standard requires), so auto-detection routes a body that starts with it to the line-reading
        // llama.cpp dialect, which reports it.
        let body = "error: {\"code\":500,\"message\":\"boom\",\"type\":\"server_error\"}\n\n";
        let kind = DialectKind::detect(Some("text/event-stream"), body);
        assert_eq!(kind, DialectKind::LlamaCpp, "should route a leading error field to the llama.cpp dialect");
        let events = run_pipeline(kind, body.as_bytes(), Split::ByteByByte).expect("the body should frame");
        assert_events(&events, &[error(Some("500"), "boom")], "report the leading error");
    }
}

// ------------------------------------------------------------------------------------------------------------
// Vercel AI SDK legacy data stream (ai@3–4)

mod vercel_legacy {
    use super::*;

    const K: DialectKind = DialectKind::VercelLegacy;

    #[test]
    fn parts_read_to_finish_message() {
        let out = read_to_eof(
            K,
            &[
                line(r#"f:{"messageId":"step_123"}"#),
                line(r#"g:"I will open with banter.""#),
                line(r#"i:{"data": "redacted"}"#),
                line(r#"j:{"signature": "abc123xyz"}"#),
                line(r#"0:"Hello""#),
                line(r#"0:", **world**\n""#),
                line(r#"2:[{"key":"object1"}]"#),
                line(r#"8:[{"id":"message-123"}]"#),
                line(r#"h:{"sourceType":"url","id":"s","url":"https://example.com","title":"Example"}"#),
                line(r#"k:{"data":"AAAA","mimeType":"image/png"}"#),
                line(
                    r#"e:{"finishReason":"stop","usage":{"promptTokens":10,"completionTokens":20},"isContinued":false}"#,
                ),
                line(r#"d:{"finishReason":"stop","usage":{"promptTokens":10,"completionTokens":20}}"#),
            ],
        );
        assert_events(
            &out,
            &[
                reasoning("I will open with banter."),
                text("Hello"),
                text(", **world**\n"),
                usage(Some(10), Some(20)),
                finish(Some("stop")),
            ],
            "read reasoning and text, skip the structural parts, finish at d:",
        );
    }

    #[test]
    fn tool_calls_stream_or_come_whole() {
        let out = read(
            K,
            &[
                line(r#"b:{"toolCallId":"call-456","toolName":"streaming-tool"}"#),
                line(r#"c:{"toolCallId":"call-456","argsTextDelta":"{\"q\":"}"#),
                line(r#"c:{"toolCallId":"call-456","argsTextDelta":""}"#),
                line(r#"c:{"toolCallId":"call-456","argsTextDelta":"1}"}"#),
                line(r#"9:{"toolCallId":"call-456","toolName":"streaming-tool","args":{"q":1}}"#),
                line(r#"9:{"toolCallId":"call-123","toolName":"my-tool","args":{"some":"argument"}}"#),
                line(r#"a:{"toolCallId":"call-123","result":"tool output"}"#),
            ],
        );
        assert_events(
            &out,
            &[
                tool(0, Some("call-456"), Some("streaming-tool"), ""),
                tool(0, None, None, "{\"q\":"),
                tool(0, None, None, "1}"),
                tool(1, Some("call-123"), Some("my-tool"), r#"{"some":"argument"}"#),
            ],
            "stream deltas, skip the repeat of a streamed call, and read a whole call",
        );
    }

    #[test]
    fn error_parts_are_terminal() {
        let out =
            read_to_eof(K, &[line(r#"0:"pa""#), line(r#"3:"error message""#), line(r#"d:{"finishReason":"error"}"#)]);
        assert_events(&out, &[text("pa"), error(None, "error message")], "end with the error and ignore what follows");
    }

    #[test]
    fn eof_after_a_finished_step_finishes() {
        let out = read_to_eof(K, &[line(r#"0:"a""#), line(r#"e:{"finishReason":"length","isContinued":false}"#)]);
        assert_events(&out, &[text("a"), finish(Some("length"))], "finish at EOF with the step's reason");
        let out = read_to_eof(K, &[line(r#"0:"a""#)]);
        assert_events(&out, &[text("a")], "stay incomplete without any finish part");
    }

    #[test]
    fn finishes_exactly_once() {
        let done = line(r#"d:{"finishReason":"stop"}"#);
        let out = read_to_eof(K, &[done.clone(), done, line(r#"0:"late""#)]);
        assert_events(&out, &[finish(Some("stop"))], "finish once, without usage when there is none");
    }

    #[test]
    fn unknown_and_malformed_parts_are_reported() {
        let out = read(K, &[line(r#"z:{"future":true}"#)]);
        assert!(matches!(out.as_slice(), [StreamEvent::Unknown(_)]), "should report an unknown part, got {out:?}");
        assert_malformed(&read(K, &[line("0:\"unterminated")]), "report bad JSON");
        assert_malformed(&read(K, &[line("0:42")]), "report a text part that is not a string");
        assert_malformed(&read(K, &[line("hello")]), "report a line without a type id");
        assert_malformed(&read(K, &[line("Z:\"x\"")]), "report an uppercase type id");
        assert_malformed(&read(K, &[data("0:\"x\"")]), "reject an SSE event");
    }

    #[test]
    fn odd_shapes_do_not_panic() {
        let frames = [
            line("0:"),
            line(":"),
            line("é:\"x\""),
            line(r#"b:{"toolCallId":null,"toolName":5}"#),
            line(r#"c:[]"#),
            line(r#"9:{"args":null}"#),
            line(r#"3:{"message":"object error"}"#),
            line(r#"d:{"usage":{"promptTokens":-1,"completionTokens":1.5}}"#),
        ];
        assert_one_outcome_at_most(&read_to_eof(K, &frames), "odd shapes");
    }
}

// ------------------------------------------------------------------------------------------------------------
// Names and auto-detection

mod kind {
    use super::*;

    #[test]
    fn names_round_trip() {
        for kind in DialectKind::ALL {
            assert_eq!(DialectKind::from_name(kind.name()), Some(kind), "should parse its own name {}", kind.name());
        }
        assert_eq!(DialectKind::from_name("auto"), None, "should leave auto to detect");
    }

    #[track_caller]
    fn assert_detects(content_type: Option<&str>, body: &str, expected: DialectKind) {
        assert_eq!(
            DialectKind::detect(content_type, body),
            expected,
            "should detect {expected:?} from {content_type:?}, {body:?}"
        );
    }

    #[test]
    fn detects_from_the_first_frame() {
        let sse = Some("text/event-stream; charset=utf-8");
        assert_detects(sse, "event: message_start\ndata: {\"type\":\"message_start\"}\n\n", DialectKind::Anthropic);
        assert_detects(
            sse,
            "event: response.created\ndata: {\"type\":\"response.created\"}\n\n",
            DialectKind::OpenAiResponses,
        );
        assert_detects(sse, "data: {\"candidates\": [{\"content\": {}}]}\r\n\r\n", DialectKind::Gemini);
        assert_detects(sse, "data: {\"type\":\"start\"}\n\n", DialectKind::Vercel);
        assert_detects(
            sse,
            ": OPENROUTER PROCESSING\n\n: OPENROUTER PROCESSING\n\ndata: {\"id\":\"gen\",\"choices\":[]}\n\n",
            DialectKind::OpenAiChat,
        );
        assert_detects(sse, ": keep-alive\n\n", DialectKind::OpenAiChat);
        assert_detects(Some("application/x-ndjson"), "{\"model\":\"x\"", DialectKind::Ollama);
        assert_detects(None, "{\"model\":\"x\",\"message\":{},\"done\":false}\n", DialectKind::Ollama);
        assert_detects(None, "data: {\"choices\":[]}\n\n", DialectKind::OpenAiChat);
        assert_detects(Some("text/plain"), "The API returns \"choices\" and \"done\": true.", DialectKind::Plain);
        assert_detects(None, "# Hello", DialectKind::Plain);
    }

    #[test]
    fn detects_llamacpp_native_streams() {
        let sse = Some("text/event-stream");
        assert_detects(
            sse,
            "data: {\"index\":0,\"content\":\"Hi\",\"tokens\":[],\"stop\":false,\"id_slot\":-1}\n\n",
            DialectKind::LlamaCpp,
        );
        assert_detects(
            sse,
            "data: {\"content\": \" They\", \"multimodal\": true, \"slot_id\": 0, \"stop\": false}\n\n",
            DialectKind::LlamaCpp,
        );
        assert_detects(sse, "data: {\"content\":\"\",\"stop\":true,\"stop_type\":\"eos\"}\n\n", DialectKind::LlamaCpp);
        assert_detects(sse, "error: {\"code\":500,\"message\":\"x\"}\n\n", DialectKind::LlamaCpp);
        assert_detects(
            sse,
            "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"},\"finish_reason\":\"stop\"}]}\n\n",
            DialectKind::OpenAiChat,
        );
    }

    #[test]
    fn detects_vercel_legacy_data_streams_from_the_body() {
        let text = Some("text/plain; charset=utf-8");
        assert_detects(text, "f:{\"messageId\":\"step_123\"}\n0:\"Hi\"\n", DialectKind::VercelLegacy);
        assert_detects(text, "0:\"Hi\"\n", DialectKind::VercelLegacy);
        assert_detects(None, "\n2:[{\"key\":\"object1\"}]\n", DialectKind::VercelLegacy);
        assert_detects(text, "0:\"a first part cut by the detection win", DialectKind::VercelLegacy);
        assert_detects(text, "3:\"error message\"\n", DialectKind::VercelLegacy);
        assert_detects(text, "a: an answer that starts like a part\n", DialectKind::Plain);
        assert_detects(text, "0:00 is midnight.\n", DialectKind::Plain);
        assert_detects(text, "1:\"quoted\" and then prose\n", DialectKind::Plain);
        assert_detects(text, "A:\"upper case is not a type id\"\n", DialectKind::Plain);
    }

    #[test]
    fn protocol_headers_decide_before_the_body() {
        let legacy = Hints {
            content_type: Some("text/plain; charset=utf-8"),
            vercel_data_stream: Some("v1"),
            ..Hints::default()
        };
        assert_eq!(
            DialectKind::detect_with(legacy, "# Hello"),
            DialectKind::VercelLegacy,
            "should trust x-vercel-ai-data-stream"
        );
        let ui =
            Hints { content_type: Some("text/event-stream"), vercel_ui_message_stream: Some("v1"), ..Hints::default() };
        assert_eq!(
            DialectKind::detect_with(ui, ": ping\n\n"),
            DialectKind::Vercel,
            "should trust x-vercel-ai-ui-message-stream"
        );
        let empty = Hints { vercel_data_stream: Some(" "), ..Hints::default() };
        assert_eq!(DialectKind::detect_with(empty, "# Hello"), DialectKind::Plain, "should ignore an empty header");
        assert_eq!(
            DialectKind::detect_with(Hints { content_type: Some("text/event-stream"), ..Hints::default() }, ": x\n\n"),
            DialectKind::detect(Some("text/event-stream"), ": x\n\n"),
            "should agree with detect when only the content type is known"
        );
    }

    #[test]
    fn detects_every_fixture() {
        for fixture in support::real_streams() {
            let Some(expected) = DialectKind::from_name(&fixture.dialect) else {
                continue;
            };
            let body = String::from_utf8_lossy(&fixture.bytes);
            let detected = DialectKind::detect(Some(&fixture.content_type), &body);
            assert_eq!(detected, expected, "fixture {}: should be detected as {expected:?}", fixture.name);
        }
    }
}

// ------------------------------------------------------------------------------------------------------------
// Real recorded streams

/// What the whole stream amounted to.
#[derive(Debug, Default, PartialEq)]
struct Outcome {
    answer: String,
    reasoning: String,
    tools: Vec<String>,
    /// `"done"`, `"error"` or `"incomplete"`.
    status: &'static str,
    error_message: Option<String>,
}

fn outcome_of(events: &[StreamEvent]) -> Outcome {
    let mut outcome = Outcome { status: "incomplete", ..Outcome::default() };
    for event in events {
        match event {
            StreamEvent::Text(t) => outcome.answer.push_str(t),
            StreamEvent::Reasoning(t) => outcome.reasoning.push_str(t),
            StreamEvent::ToolCall { name: Some(name), .. } => outcome.tools.push(name.clone()),
            StreamEvent::Finish { .. } => outcome.status = "done",
            StreamEvent::Error(e) => {
                outcome.status = "error";
                outcome.error_message = Some(e.message.clone());
            }
            _ => {}
        }
    }
    outcome
}

/// Runs bytes through ① decode → ② frame → ③ dialect, cut by `split`.
fn run_pipeline(kind: DialectKind, bytes: &[u8], split: Split) -> Result<Vec<StreamEvent>, String> {
    let mut decoder = Utf8Decoder::default();
    let mut framer = framer_for(kind.framing());
    let mut dialect = kind.reader();
    let (mut text, mut frames, mut events) = (String::new(), Vec::new(), Vec::new());
    let mut pass_on = |frames: &mut Vec<Frame>, events: &mut Vec<StreamEvent>| {
        for frame in frames.drain(..) {
            dialect.on_frame(&frame, events);
        }
    };
    for chunk in split.chunks(bytes) {
        decoder.push(chunk, &mut text);
        framer.push(&text, &mut frames).map_err(|e| format!("framing failed: {e}"))?;
        text.clear();
        pass_on(&mut frames, &mut events);
    }
    decoder.finish(&mut text);
    framer.push(&text, &mut frames).map_err(|e| format!("framing failed: {e}"))?;
    framer.finish(&mut frames).map_err(|e| format!("framing failed at EOF: {e}"))?;
    pass_on(&mut frames, &mut events);
    dialect.on_eof(&mut events);
    Ok(events)
}

/// Checks one read of a fixture against the manifest; returns every disagreement as a sentence.
fn check_against_manifest(fixture: &Fixture, events: &[StreamEvent]) -> Vec<String> {
    let mut problems = Vec::new();
    let expect = &fixture.expect;
    let got = outcome_of(events);
    let status = expect["status"].as_str().unwrap_or("?");
    if got.status != status {
        problems.push(format!("should end {status}, ended {} ({:?})", got.status, got.error_message));
    }
    // An error stream's answer is its `partial`.
    let answer = expect["answer"].as_str().or(expect["partial"].as_str());
    if let Some(answer) = answer {
        if got.answer != answer {
            problems.push(format!("should have the answer {answer:?}, got {:?}", got.answer));
        }
    }
    if let Some(reasoning) = expect["reasoning"].as_str() {
        if got.reasoning != reasoning {
            problems.push(format!("should have the reasoning {reasoning:?}, got {:?}", got.reasoning));
        }
    }
    if let Some(message) = expect["message"].as_str() {
        if !got.error_message.as_deref().is_some_and(|m| m.contains(message)) {
            problems.push(format!("should report the error {message:?}, got {:?}", got.error_message));
        }
    }
    if let Some(tools) = expect["tools"].as_array() {
        let tools: Vec<&str> = tools.iter().filter_map(Value::as_str).collect();
        if got.tools != tools {
            problems.push(format!("should call the tools {tools:?}, got {:?}", got.tools));
        }
    }
    // Optional keys of the documentation fixtures' manifest.
    if let Some(reason) = expect.get("reason") {
        let got_reason = events.iter().find_map(|e| match e {
            StreamEvent::Finish { reason } => Some(reason.clone()),
            _ => None,
        });
        if got_reason != Some(reason.as_str().map(str::to_owned)) {
            problems.push(format!("should finish with the reason {reason}, got {got_reason:?}"));
        }
    }
    if let Some(expected) = expect.get("usage") {
        let want = usage(expected["input"].as_u64(), expected["output"].as_u64());
        let got = events.iter().rfind(|e| matches!(e, StreamEvent::Usage { .. }));
        if got != Some(&want) {
            problems.push(format!("should report the usage {want:?}, got {got:?}"));
        }
    }
    let odd: Vec<&StreamEvent> =
        events.iter().filter(|e| matches!(e, StreamEvent::Malformed(_) | StreamEvent::Unknown(_))).collect();
    if !odd.is_empty() {
        problems.push(format!("should read every frame of a real stream, got {odd:?}"));
    }
    let ends = events.iter().filter(|e| matches!(e, StreamEvent::Finish { .. } | StreamEvent::Error(_))).count();
    let last_ends = matches!(events.last(), Some(StreamEvent::Finish { .. } | StreamEvent::Error(_)));
    if ends > 1 || (ends == 1 && !last_ends) {
        problems.push("should end exactly once, with nothing after the end".to_owned());
    }
    problems
}

/// Reads every recorded fixture whose manifest dialect is `dialect` under every standard split; fails naming each
/// fixture (and split) that disagrees with the manifest or with its own whole read.
#[track_caller]
fn assert_fixtures_pass(dialect: &str) {
    let fixtures: Vec<Fixture> = support::real_streams().into_iter().filter(|f| f.dialect == dialect).collect();
    assert_these_fixtures_pass(dialect, &fixtures);
}

/// Like [`assert_fixtures_pass`], for the streams from providers' documentation.
#[track_caller]
fn assert_doc_fixtures_pass(dialect: &str) {
    let fixtures: Vec<Fixture> =
        doc_streams().into_iter().map(|d| d.fixture).filter(|f| f.dialect == dialect).collect();
    assert_these_fixtures_pass(dialect, &fixtures);
}

#[track_caller]
fn assert_these_fixtures_pass(dialect: &str, fixtures: &[Fixture]) {
    let kind = DialectKind::from_name(dialect).expect("the dialect under test should have a name");
    assert!(!fixtures.is_empty(), "should have {dialect} fixtures to read");
    let mut failures = Vec::new();
    for fixture in fixtures {
        let mut reference: Option<Vec<StreamEvent>> = None;
        let mut problems = Vec::new();
        for split in Split::standard(6) {
            let events = match run_pipeline(kind, &fixture.bytes, split) {
                Ok(events) => events,
                Err(why) => {
                    problems.push(format!("[{split}] {why}"));
                    continue;
                }
            };
            match &reference {
                None => {
                    problems
                        .extend(check_against_manifest(fixture, &events).into_iter().map(|p| format!("[{split}] {p}")));
                    reference = Some(events);
                }
                Some(whole) if *whole != events => {
                    let at =
                        whole.iter().zip(&events).position(|(a, b)| a != b).unwrap_or(whole.len().min(events.len()));
                    problems.push(format!(
                        "[{split}] should give the same events as the whole read; first difference at event {at}: {:?} vs {:?}",
                        whole.get(at),
                        events.get(at)
                    ));
                }
                Some(_) => {}
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
        "every {dialect} fixture should read as the manifest says; {} of {} did not:\n{}",
        failures.len(),
        fixtures.len(),
        failures.join("\n")
    );
}

#[test]
fn openai_fixtures() {
    assert_fixtures_pass("openai");
}

#[test]
fn anthropic_fixtures() {
    assert_fixtures_pass("anthropic");
}

#[test]
fn ollama_fixtures() {
    assert_fixtures_pass("ollama");
}

#[test]
fn gemini_fixtures() {
    assert_fixtures_pass("gemini");
}

#[test]
fn responses_fixtures() {
    assert_fixtures_pass("responses");
}

#[test]
fn vercel_fixtures() {
    assert_fixtures_pass("vercel");
}

// ------------------------------------------------------------------------------------------------------------
// Streams from providers' documentation (tests/fixtures/docs)

/// A documentation stream and the response headers its manifest records.
struct DocFixture {
    fixture: Fixture,
    headers: Value,
}

/// Every stream in `tests/fixtures/docs/manifest.json`, in manifest order. Panics (test setup) if a file is
/// missing or its size or hash disagrees with the manifest.
fn doc_streams() -> Vec<DocFixture> {
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/docs");
    let manifest = std::fs::read_to_string(dir.join("manifest.json")).expect("docs/manifest.json should be readable");
    let manifest: Value = serde_json::from_str(&manifest).expect("docs/manifest.json should be JSON");
    let entries = manifest.as_array().expect("docs/manifest.json should be an array");
    entries
        .iter()
        .map(|entry| {
            let field = |key: &str| entry[key].as_str().unwrap_or_default().to_owned();
            let name = field("name");
            let bytes = std::fs::read(dir.join(field("file")))
                .unwrap_or_else(|e| panic!("doc fixture {name}: the file should be readable ({e})"));
            assert_eq!(
                Some(bytes.len() as u64),
                entry["bytes"].as_u64(),
                "doc fixture {name}: the file should have the manifest's size"
            );
            let fixture = Fixture {
                dialect: field("dialect"),
                content_type: field("contentType"),
                bytes,
                expect: entry["expect"].clone(),
                name,
            };
            DocFixture { fixture, headers: entry["headers"].clone() }
        })
        .collect()
}

#[test]
fn llamacpp_doc_fixtures() {
    assert_doc_fixtures_pass("llamacpp");
}

#[test]
fn ollama_doc_fixtures() {
    assert_doc_fixtures_pass("ollama");
}

#[test]
fn vercel_legacy_doc_fixtures() {
    assert_doc_fixtures_pass("vercel-legacy");
}

#[test]
fn doc_fixtures_are_detected_with_and_without_their_headers() {
    for doc in doc_streams() {
        let fixture = &doc.fixture;
        let expected = DialectKind::from_name(&fixture.dialect).expect("a doc fixture should name a dialect");
        let body = String::from_utf8_lossy(&fixture.bytes);
        let header = |name: &str| doc.headers.get(name).and_then(Value::as_str);
        let hints = Hints {
            content_type: Some(&fixture.content_type),
            vercel_data_stream: header("x-vercel-ai-data-stream"),
            vercel_ui_message_stream: header("x-vercel-ai-ui-message-stream"),
        };
        assert_eq!(
            DialectKind::detect_with(hints, &body),
            expected,
            "doc fixture {}: should be detected from its headers and body",
            fixture.name
        );
        assert_eq!(
            DialectKind::detect(Some(&fixture.content_type), &body),
            expected,
            "doc fixture {}: should be detected from its content type and body alone",
            fixture.name
        );
    }
}

#[test]
fn every_fixture_has_a_dialect() {
    for fixture in support::real_streams().into_iter().chain(doc_streams().into_iter().map(|d| d.fixture)) {
        assert!(
            DialectKind::from_name(&fixture.dialect).is_some(),
            "fixture {}: should name a supported dialect, not {:?}",
            fixture.name,
            fixture.dialect
        );
    }
}

/// The members of a JSON object in their order, each value as written.
struct Members(Vec<(String, Box<RawValue>)>);

impl<'de> Deserialize<'de> for Members {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Members, D::Error> {
        struct MembersVisitor;
        impl<'de> Visitor<'de> for MembersVisitor {
            type Value = Members;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Members, A::Error> {
                let mut members = Vec::new();
                while let Some(member) = map.next_entry::<String, Box<RawValue>>()? {
                    members.push(member);
                }
                Ok(Members(members))
            }
        }
        deserializer.deserialize_map(MembersVisitor)
    }
}

/// `json` (an object) with a `null` decoy before every member: `{"a":1}` becomes `{"a":null,"a":1}`.
fn with_null_decoys(json: &str) -> Option<String> {
    let Members(members) = serde_json::from_str(json).ok()?;
    let members: Vec<String> = members
        .iter()
        .map(|(key, value)| {
            let key = serde_json::to_string(key).expect("a key serialises");
            format!("{key}:null,{key}:{}", value.get())
        })
        .collect();
    Some(format!("{{{}}}", members.join(",")))
}

#[test]
fn every_recorded_frame_reads_the_same_with_a_decoy_before_each_member() {
    for fixture in support::real_streams().into_iter().chain(doc_streams().into_iter().map(|d| d.fixture)) {
        let kind = DialectKind::from_name(&fixture.dialect).expect("the fixture should name a dialect");
        let mut framer = framer_for(kind.framing());
        let mut frames = Vec::new();
        let text = String::from_utf8_lossy(&fixture.bytes);
        framer.push(&text, &mut frames).expect("the fixture should frame");
        framer.finish(&mut frames).expect("the fixture should frame to its end");
        let mut decoyed = 0;
        let mutated: Vec<Frame> = frames
            .iter()
            .map(|frame| match frame {
                Frame::Event(event) => match with_null_decoys(&event.data) {
                    Some(data) => {
                        decoyed += 1;
                        Frame::Event(SseEvent { data, ..event.clone() })
                    }
                    None => frame.clone(),
                },
                Frame::Line(line) => match with_null_decoys(line) {
                    Some(line) => {
                        decoyed += 1;
                        Frame::Line(line)
                    }
                    None => frame.clone(),
                },
                Frame::Text(_) => frame.clone(),
            })
            .collect();
        assert_eq!(
            read_to_eof(kind, &mutated),
            read_to_eof(kind, &frames),
            "fixture {}: should read the last copy of every repeated member ({decoyed} frames with decoys)",
            fixture.name
        );
    }
}

#[test]
fn split_is_deterministic_and_covers_the_bytes() {
    let bytes: Vec<u8> = (0..=255).collect();
    for split in Split::standard(4) {
        let chunks = split.chunks(&bytes);
        assert_eq!(chunks.concat(), bytes, "[{split}] should cover every byte in order");
        assert!(chunks.iter().all(|c| !c.is_empty()), "[{split}] should not produce empty chunks");
        assert_eq!(chunks, split.chunks(&bytes), "[{split}] should cut the same way twice");
    }
}
