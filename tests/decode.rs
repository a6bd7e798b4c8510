//! Stage ①: incremental UTF-8 decoding, checked against `String::from_utf8_lossy` on the whole input.
// Native tests: the wasm32 build of the test suite runs only the browser files (tests/web*.rs).
#![cfg(not(target_arch = "wasm32"))]

mod support;

use support::Rng;

use rillmark::decode::Utf8Decoder;

fn decode_chunks(chunks: &[&[u8]]) -> String {
    let mut decoder = Utf8Decoder::default();
    let mut out = String::new();
    for chunk in chunks {
        decoder.push(chunk, &mut out);
    }
    decoder.finish(&mut out);
    out
}

fn split_at_points(bytes: &[u8], points: &[usize]) -> Vec<Vec<u8>> {
    let mut chunks = Vec::new();
    let mut start = 0;
    for &p in points {
        chunks.push(bytes[start..p].to_vec());
        start = p;
    }
    chunks.push(bytes[start..].to_vec());
    chunks
}

#[track_caller]
fn assert_decodes(chunks: &[Vec<u8>], expected: &str, what: &str) {
    let refs: Vec<&[u8]> = chunks.iter().map(Vec::as_slice).collect();
    assert_eq!(decode_chunks(&refs), expected, "should decode {what} split as {chunks:02X?} like the whole input");
}

/// What the WHATWG decoder gives for a whole input: lossy decoding, less one leading BOM.
fn reference(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    text.strip_prefix('\u{FEFF}').unwrap_or(&text).to_owned()
}

#[test]
fn should_decode_every_code_point_width_split_at_every_offset() {
    for c in ['a', 'é', '€', '\u{FEFF}', '😀', '\u{10FFFF}', '\u{7FF}', '\u{800}', '\u{FFFF}'] {
        let text = format!("<{c}{c}>");
        let bytes = text.as_bytes();
        for cut in 0..=bytes.len() {
            assert_decodes(&split_at_points(bytes, &[cut]), &text, &format!("{c:?}"));
            for cut2 in cut..=bytes.len() {
                assert_decodes(&split_at_points(bytes, &[cut, cut2]), &text, &format!("{c:?}"));
            }
        }
        let bytewise: Vec<Vec<u8>> = bytes.iter().map(|&b| vec![b]).collect();
        assert_decodes(&bytewise, &text, &format!("{c:?} byte by byte"));
    }
}

#[test]
fn should_strip_one_leading_bom_even_byte_by_byte() {
    let bytes = b"\xEF\xBB\xBFdata";
    for cut in 0..=bytes.len() {
        assert_decodes(&split_at_points(bytes, &[cut]), "data", "a BOM");
    }
    let bytewise: Vec<Vec<u8>> = bytes.iter().map(|&b| vec![b]).collect();
    assert_decodes(&bytewise, "data", "a BOM byte by byte");
}

#[test]
fn should_keep_a_second_bom_as_content() {
    let bytes = b"\xEF\xBB\xBF\xEF\xBB\xBFx";
    let bytewise: Vec<Vec<u8>> = bytes.iter().map(|&b| vec![b]).collect();
    assert_decodes(&bytewise, "\u{FEFF}x", "two BOMs");
    assert_decodes(&[bytes.to_vec()], "\u{FEFF}x", "two BOMs");
}

#[test]
fn should_keep_a_bom_that_is_not_at_the_start() {
    assert_decodes(&[b"a".to_vec(), b"\xEF\xBB\xBF".to_vec()], "a\u{FEFF}", "a late BOM");
    assert_decodes(&[b"\xFF".to_vec(), b"\xEF\xBB\xBF".to_vec()], "\u{FFFD}\u{FEFF}", "a BOM after garbage");
}

#[test]
fn should_not_mistake_a_bom_prefix_for_a_bom() {
    // EF BB 80 is U+FEC0; EF BB alone is truncated; EF 41 is invalid then 'A'.
    assert_decodes(&[b"\xEF".to_vec(), b"\xBB".to_vec(), b"\x80".to_vec()], "\u{FEC0}", "U+FEC0");
    assert_decodes(&[b"\xEF".to_vec(), b"\xBB".to_vec()], "\u{FFFD}", "a truncated BOM");
    assert_decodes(&[b"\xEF".to_vec(), b"A".to_vec()], "\u{FFFD}A", "a broken BOM");
}

#[test]
fn should_replace_invalid_sequences_by_maximal_subparts() {
    let cases: &[(&[u8], &str)] = &[
        (b"\x80", "lone continuation"),
        (b"a\xBF\x80b", "two continuations"),
        (b"\xC0\xAF", "overlong 2-byte"),
        (b"\xE0\x80\xAF", "overlong 3-byte"),
        (b"\xF0\x80\x80\xAF", "overlong 4-byte"),
        (b"\xED\xA0\x80", "high surrogate"),
        (b"\xED\xBF\xBF", "low surrogate"),
        (b"\xF4\x90\x80\x80", "above U+10FFFF"),
        (b"\xF5\x80", "invalid lead F5"),
        (b"\xFE\xFF", "bytes FE FF"),
        (b"\xE2\x82", "truncated at end"),
        (b"\xF0\x9F\x98", "truncated 4-byte at end"),
        (b"\xE2\x82A", "truncated then ASCII"),
        (b"\xF0\x9F\xE2\x82\xAC", "truncated 4-byte then euro"),
        (b"\xC3", "lone lead at end"),
    ];
    for &(bytes, what) in cases {
        let expected = reference(bytes);
        for cut in 0..=bytes.len() {
            for cut2 in cut..=bytes.len() {
                assert_decodes(&split_at_points(bytes, &[cut, cut2]), &expected, what);
            }
        }
    }
}

#[test]
fn should_turn_an_incomplete_tail_into_one_replacement_at_finish() {
    let mut decoder = Utf8Decoder::default();
    let mut out = String::new();
    decoder.push(b"ok\xF0\x9F", &mut out);
    assert_eq!(out, "ok", "should hold the incomplete tail back until more bytes or the end");
    decoder.push(b"\x98", &mut out);
    assert_eq!(out, "ok", "should still hold a 3-byte prefix of a 4-byte sequence");
    decoder.finish(&mut out);
    assert_eq!(out, "ok\u{FFFD}", "should emit exactly one U+FFFD for the truncated sequence");
}

#[test]
fn should_start_a_new_stream_after_finish() {
    let mut decoder = Utf8Decoder::default();
    let mut out = String::new();
    decoder.push(b"\xEF\xBB\xBFa\xC3", &mut out);
    decoder.finish(&mut out);
    decoder.push(b"\xEF\xBB\xBFb", &mut out);
    decoder.finish(&mut out);
    assert_eq!(out, "a\u{FFFD}b", "should strip the next stream's BOM and carry nothing over");
}

#[test]
fn should_match_from_utf8_lossy_on_random_bytes_at_random_splits() {
    let mut rng = Rng::from_env();
    // Bytes biased towards UTF-8 structure so that valid, truncated and broken sequences all occur often.
    let alphabet: &[u8] =
        &[b'a', b'\n', 0x80, 0x8F, 0x9F, 0xA0, 0xBF, 0xC0, 0xC2, 0xDF, 0xE0, 0xED, 0xEF, 0xBB, 0xF0, 0xF4, 0xF5, 0xFF];
    for case in 0..3000 {
        let len = rng.below(24);
        let mut bytes: Vec<u8> = (0..len)
            .map(|_| if rng.below(4) == 0 { rng.next_u64() as u8 } else { alphabet[rng.below(alphabet.len())] })
            .collect();
        if case % 5 == 0 {
            bytes.splice(0..0, [0xEF, 0xBB, 0xBF]);
        }
        let mut points: Vec<usize> = (0..rng.below(6)).map(|_| rng.below(bytes.len() + 1)).collect();
        points.sort_unstable();
        assert_decodes(
            &split_at_points(&bytes, &points),
            &reference(&bytes),
            &format!("random case {case} (set RILLMARK_SEED to vary)"),
        );
    }
}

#[test]
fn should_decode_a_long_input_byte_by_byte() {
    let text = "héllo wörld €😀 ".repeat(4096);
    let mut decoder = Utf8Decoder::default();
    let mut out = String::new();
    for b in text.as_bytes() {
        decoder.push(std::slice::from_ref(b), &mut out);
    }
    decoder.finish(&mut out);
    assert!(out == text, "should reproduce a 100 KiB text fed one byte at a time");
}
