//! The fuzz targets' properties (`fuzz/src/properties.rs`) on stable: minimal regressions for what fuzzing found,
//! then a bounded, seeded random run of each property over inputs built from the wire's and markdown's own
//! vocabulary (`RILLMARK_SEED=<n>` replays a run; `RILLMARK_FUZZ_ROUNDS=<n>` runs longer).
//!
//! The real fuzzing is `cargo +nightly fuzz run wire` / `markdown` in `fuzz/` (see its README).
// Native tests: the wasm32 build of the test suite runs only the browser files (tests/web*.rs).
#![cfg(not(target_arch = "wasm32"))]

// properties.rs includes the generator and the state checks of tests/support/ (the fuzz crate has no other way to
// reach them), which `mod support` below includes again: two copies, both only read.
#[allow(clippy::duplicate_mod)]
#[path = "../fuzz/src/properties.rs"]
mod properties;
mod support;

use properties::{check_generated_markdown, check_markdown, check_wire};
use support::Rng;

// ------------------------------------------------------------------------------------------------------------
// Regressions found by fuzzing (each is the minimised input; the split is the one that exposed it)
//
// The first cargo-fuzz runs (wire: 30,687 inputs in 200 s; markdown: 27,352 inputs in 200 s; seeded from the
// recorded streams and their answers) found no crash and no mismatch. Finds of the seeded runs below go here too.

/// The markdown property on every text, each cut every way of `cuts` (an empty cut: byte by byte), under `options`.
#[track_caller]
fn assert_markdown_property(texts: &[&str], cuts: &[&[usize]], options: &[u8]) {
    for text in texts {
        for lengths in cuts {
            for &option in options {
                if let Err(why) = check_markdown(text, lengths, option) {
                    panic!("{why}");
                }
            }
        }
    }
}

/// Seeded run, seed 1 round 1390 (minimised): a link definition is no paragraph of its own; the line after it
/// continues the paragraph it is read from, where `2)` starts no list. Committing the definition before that line
/// was decided rendered a list.
#[test]
fn a_definition_is_not_committed_before_a_line_that_would_continue_its_paragraph() {
    let texts = ["[r]: /url \"t\"\n2) x\n", "[r]: /u\n2) x\n\n[r]\n", "[r]: /u\n    code\n"];
    assert_markdown_property(&texts, &[&[], &[2], &[3, 1]], &[0, 1, 2, 3]);
}

/// Seeded run, seed 1 round 860 (minimised): the `\n` of a fence line's CRLF, arriving alone, was appended to the
/// code as text.
#[test]
fn a_crlf_split_after_a_fence_line_adds_no_code_line() {
    let texts = ["```x\r\nab\n", "```\r\n\r\ncode\r\n```\r\n", "para\r\nmore\r\n"];
    assert_markdown_property(&texts, &[&[], &[2], &[3, 1]], &[0]);
}

/// Seeded run, seed 1 round 3774 (minimised): a footnote definition goes on after a blank line with an indented
/// line; committing it without that line left its section item short once `finish` no longer re-parsed everything.
#[test]
fn a_footnote_definition_keeps_its_indented_paragraphs() {
    let texts = ["A[^1]\n\n[^1]: note\n\n    * more\n- b\n", "A[^1]\n\n[^1]: note\n\n    second\n\nEnd\n"];
    assert_markdown_property(&texts, &[&[], &[4], &[4, 4, 43, 24]], &[3]);
}

/// Seeded run: a nested list item typed after its parent item (a loose parent list, then a blank line and another
/// parent item) must leave the parent items loose.
#[test]
fn nested_items_resumed_mid_line_keep_their_parents_loose() {
    let texts = ["- First parent:\n  - one two three\n  - four five six\n\n- Second parent.\n"];
    assert_markdown_property(&texts, &[&[], &[3], &[1, 2, 3, 4, 5, 6]], &[0]);
}

/// Known since session 2: a quote line ending in a backslash (or two spaces) breaks the line; the next line, parsed
/// alone after its quote markers, was joined without the break.
#[test]
fn a_hard_break_at_the_end_of_a_quote_line_survives_the_next_line() {
    let texts = ["> a\\\n> b\n", "> a  \n> b\n", "> > a\\\n> > b c d\n"];
    assert_markdown_property(&texts, &[&[], &[2], &[5, 1]], &[0]);
}

/// llm_markdown, session 9 (all 42 finds of a 25-minute run were this case): `[step][ref] …` commits as a heading,
/// and the text ends with `[ref]: https://example.com/ref\n`. The engine reads that definition only at the end (a
/// title could still follow on the next line), so the heading shows `[step][ref]` as text until then: the state
/// check must wait for the definition's commit, not for its line end. The generator's decisions, as the fuzzer
/// found them (byte 0: two cut lengths follow).
#[test]
fn a_definition_on_the_last_line_is_awaited_by_the_committed_block_check() {
    for data in [
        &[2u8, 120, 109, 109, 109, 109, 109, 109, 255, 9, 245, 249, 7, 249][..],
        &[1, 255, 255, 255, 255, 255, 255, 255, 255, 141, 0, 0, 172, 249][..],
    ] {
        if let Err(why) = check_generated_markdown(data) {
            panic!("{why}");
        }
    }
}

/// llm_markdown, session 9, after 2,300 s (minimised from a CRLF document of empty nested ordered items): typed
/// char by char, `2.` under an item nested one column deeper than its parent's content showed `2` and then took it
/// away. Fixed by speculation's stack of open items' columns (tests/corpus_regressions.rs has the class).
#[test]
fn an_item_marker_typed_under_a_nested_item_is_never_taken_back() {
    let text = "1.\n   1.\n    2. ";
    let report = support::states::stream_checked(
        text,
        support::char_pieces(text),
        &rillmark::options::RenderOptions::default(),
        support::states::Checks::ALL,
    );
    assert!(report.worst().is_none(), "no shown word should vanish: {:?}", report.worst().map(|p| &p.detail));
}

// ------------------------------------------------------------------------------------------------------------
// Seeded random runs

/// Pieces of every wire vocabulary: SSE fields and line ends, each dialect's JSON markers, NDJSON, the legacy data
/// stream, a BOM, split and invalid UTF-8, and a run longer than the tiny line bound the property also uses.
const WIRE_PIECES: &[&[u8]] = &[
    b"data: ",
    b"data:",
    b"event: error\n",
    b"event: message_start\n",
    b"id: 7\n",
    b"retry: 10\n",
    b": ping\n",
    b"\n",
    b"\n\n",
    b"\r\n",
    b"\r",
    b"[DONE]",
    br#"{"choices":[{"index":0,"delta":{"content":"Hi","reasoning_content":"r"},"finish_reason":"stop"}]}"#,
    br#"{"choices":[{"delta":{"tool_calls":[{"index":0,"id":"c","function":{"name":"f","arguments":"{"}}]}}]}"#,
    br#"{"error":{"message":"boom","code":429}}"#,
    br#"{"type":"message_start","message":{"usage":{"input_tokens":1}}}"#,
    br#"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"x"}}"#,
    br#"{"type":"message_stop"}"#,
    br#"{"type":"response.output_text.delta","delta":"y"}"#,
    br#"{"type":"response.completed","response":{"status":"completed"}}"#,
    br#"{"candidates":[{"content":{"parts":[{"text":"g","thought":true}]},"finishReason":"STOP"}]}"#,
    br#"{"type":"text-delta","id":"0","delta":"v"}"#,
    br#"{"type":"finish","finishReason":"stop"}"#,
    br#"{"message":{"content":"o","thinking":"t"},"done":false}"#,
    br#"{"response":"","done":true,"done_reason":"stop","eval_count":3}"#,
    br#"{"index":0,"content":"l","stop":false}"#,
    br#"{"content":"","stop":true,"stop_type":"eos","tokens_predicted":2}"#,
    br#"error: {"code":500,"message":"m"}"#,
    b"0:\"t\"\n",
    b"g:\"r\"\n",
    b"3:\"e\"\n",
    br#"b:{"toolCallId":"c","toolName":"n"}"#,
    br#"c:{"toolCallId":"c","argsTextDelta":"{}"}"#,
    br#"d:{"finishReason":"stop","usage":{"promptTokens":1,"completionTokens":2}}"#,
    br#"e:{"finishReason":"length"}"#,
    b"\xEF\xBB\xBF",
    "é€😀".as_bytes(),
    b"\xF0\x9F",
    b"\xFF",
    b"\x00",
    b" \t",
    b"{",
    b"}",
    b"\"",
    b"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
];

/// Pieces of markdown: every block and inline construct the renderer has a special case for, and the characters
/// that change their meaning.
const MARKDOWN_PIECES: &[&str] = &[
    "# ",
    "## ",
    "**",
    "*",
    "_",
    "__",
    "~~",
    "`",
    "``",
    "```",
    "```rust\n",
    "~~~\n",
    "> ",
    ">",
    "- ",
    "* ",
    "1. ",
    "2) ",
    "- [ ] ",
    "- [x] ",
    "\n  - ",
    "\n    * ",
    "\n   2. ",
    "more plain words ",
    "|",
    "| a | b |\n",
    "|---|:-:|\n",
    "| 1 | 2 |\n",
    "[",
    "]",
    "(",
    ")",
    "[t](http://a.b/c)",
    "[t](http://exa",
    "![i](http://e.x/i.png)",
    "![",
    "[^1]",
    "[^1]: note\n",
    "[r]: /url \"t\"\n",
    "[r]",
    "<",
    ">",
    "<div>\n",
    "</div>",
    "<script>",
    "<!-- c -->",
    "&amp;",
    "&#x41;",
    "\\",
    "\\*",
    "www.example.com",
    "https://x.y/z",
    "a@b.co",
    "---\n",
    "===\n",
    "***",
    "$$",
    "$x$",
    "    code\n",
    "\t",
    "  \n",
    "\n",
    "\n\n",
    "\r\n",
    "text",
    " ",
    "word_with_underscores",
    "é",
    "😀",
    "\u{0}",
];

fn rounds(default: u64) -> u64 {
    std::env::var("RILLMARK_FUZZ_ROUNDS").ok().and_then(|r| r.trim().parse().ok()).unwrap_or(default)
}

fn random_lengths(rng: &mut Rng) -> Vec<usize> {
    let count = rng.next_u64() % 6; // 0 means byte by byte
    (0..count)
        .map(|_| {
            let max = if rng.next_u64() % 2 == 0 { 4 } else { 64 };
            rng.between_1_and(max)
        })
        .collect()
}

#[test]
fn wire_property_holds_on_seeded_random_bodies() {
    let base = support::base_seed();
    for round in 0..rounds(300) {
        let mut rng = Rng::new(base.wrapping_add(round));
        let mut body = Vec::new();
        for _ in 0..rng.between_1_and(24) {
            body.extend_from_slice(WIRE_PIECES[(rng.next_u64() % WIRE_PIECES.len() as u64) as usize]);
        }
        let lengths = random_lengths(&mut rng);
        if let Err(why) = check_wire(&body, &lengths) {
            panic!("round {round} (RILLMARK_SEED={base}): body {:?}: {why}", String::from_utf8_lossy(&body));
        }
    }
}

#[test]
fn wire_property_holds_on_every_fixture_at_random_splits() {
    let base = support::base_seed();
    for (i, fixture) in support::real_streams().iter().enumerate() {
        // The first kilobytes hold every frame shape of a stream; the whole files are read in tests/dialect.rs.
        let body = &fixture.bytes[..fixture.bytes.len().min(3000)];
        let mut rng = Rng::new(base.wrapping_add(i as u64));
        let lengths = random_lengths(&mut rng);
        if let Err(why) = check_wire(body, &lengths) {
            panic!("fixture {} (RILLMARK_SEED={base}): {why}", fixture.name);
        }
    }
}

#[test]
fn markdown_property_holds_on_seeded_random_texts() {
    let base = support::base_seed();
    for round in 0..rounds(150) {
        let mut rng = Rng::new(base.wrapping_add(round));
        let mut text = String::new();
        for _ in 0..rng.between_1_and(30) {
            text.push_str(MARKDOWN_PIECES[(rng.next_u64() % MARKDOWN_PIECES.len() as u64) as usize]);
        }
        let lengths = random_lengths(&mut rng);
        let options = (rng.next_u64() % 4) as u8;
        if let Err(why) = check_markdown(&text, &lengths, options) {
            panic!("round {round} (RILLMARK_SEED={base}): {why}");
        }
    }
}

/// The generated-markdown property (the `llm_markdown` fuzz target) reads the fuzzer's bytes as chunk lengths, an
/// option byte and the generator's decisions: the same bytes give the same document, and bytes that run out end it.
#[test]
fn the_generated_markdown_property_reads_bytes_as_generator_decisions() {
    use properties::llm_markdown::{generate, FromBytes};
    assert_eq!(properties::check_generated_markdown(&[]), Ok(()), "no bytes should be no document");
    let decisions: Vec<u8> = (0..400u32).map(|i| (i * 37 % 251) as u8).collect();
    let document = generate(&mut FromBytes(&decisions), properties::GENERATED_MAX_BLOCKS);
    assert_eq!(
        document,
        generate(&mut FromBytes(&decisions), properties::GENERATED_MAX_BLOCKS),
        "the same bytes should give the same document"
    );
    assert!(!document.is_empty(), "bytes should make a document");
    let exhausted = generate(&mut FromBytes(&[]), properties::GENERATED_MAX_BLOCKS);
    assert!(exhausted.len() < 100, "no decisions should give the smallest document, got {exhausted:?}");
}

#[test]
fn cuts_cover_the_input_in_order() {
    let data: Vec<u8> = (0..=255).collect();
    let (lengths, rest) = properties::cuts_and_rest(&data);
    assert_eq!(properties::chunks(rest, &lengths).concat(), rest, "should cut every byte, in order");
    let text = "aé😀b";
    for lengths in [vec![], vec![1], vec![2, 3]] {
        assert_eq!(properties::text_pieces(text, &lengths).concat(), text, "should cut text at char boundaries");
    }
}
