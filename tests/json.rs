//! The JSON reader (`rillmark::json`): RFC 8259 conformance cases, then differential tests against serde_json (the
//! reader the dialects used before) on every JSON frame of the recorded streams, on the JSON test data and on
//! generated values and mutations, then seeded random input that must never panic (`RILLMARK_SEED=<n>` replays).
// Native tests: the wasm32 build of the test suite runs only the browser files (tests/web*.rs).
#![cfg(not(target_arch = "wasm32"))]

mod support;

use rillmark::json::{Json, MAX_DEPTH};
use support::Rng;

#[track_caller]
fn parse(text: &str) -> Json<'_> {
    Json::parse(text).unwrap_or_else(|e| panic!("should accept {text:?}, got {e}"))
}

#[track_caller]
fn reject(text: &str, why: &str) {
    if let Ok(v) = Json::parse(text) {
        panic!("should reject {text:?} ({why}), got {v:?}");
    }
}

#[track_caller]
fn roundtrip(text: &str, expected: &str) {
    assert_eq!(parse(text).to_json(), expected, "should re-serialise {text:?} as serde_json does");
}

// ------------------------------------------------------------------------------------------------------------
// Conformance

#[test]
fn scalars_and_whitespace() {
    assert_eq!(parse("null"), Json::Null);
    assert_eq!(parse(" \t\r\ntrue \n"), Json::Bool(true));
    assert_eq!(parse("false"), Json::Bool(false));
    assert_eq!(parse("\"\"").as_str(), Some(""));
    assert_eq!(parse("0"), Json::Num("0"));
    assert_eq!(parse("[ 1 , { \"a\" : [ ] } ]").to_json(), r#"[1,{"a":[]}]"#);
    reject("", "empty input");
    reject("   ", "only whitespace");
    reject("\u{feff}{}", "a BOM is not whitespace");
    reject("{}\u{feff}", "a BOM after the value");
    reject("\u{a0}1", "no-break space is not whitespace");
    reject("\u{b}1", "vertical tab is not whitespace");
    reject("nul", "a cut literal");
    reject("nulL", "a misspelt literal");
    reject("True", "capitalised literal");
    reject("NaN", "NaN");
    reject("Infinity", "Infinity");
    reject("1 2", "two values");
    reject("{}x", "trailing characters");
    reject("// c\n1", "comments");
}

#[test]
fn strings_and_escapes() {
    assert_eq!(parse(r#""a\"b\\c\/d\b\f\n\r\t""#).as_str(), Some("a\"b\\c/d\u{8}\u{c}\n\r\t"));
    assert_eq!(parse(r#""\u0041\u00e9\u20AC\u0000""#).as_str(), Some("Aé€\0"));
    assert_eq!(parse(r#""\uD83D\uDE00 \ud83d\ude00""#).as_str(), Some("😀 😀"), "should join surrogate pairs");
    assert_eq!(parse("\"é😀\u{7f}\"").as_str(), Some("é😀\u{7f}"), "should pass raw UTF-8 and DEL through");
    assert!(matches!(parse(r#""plain""#), Json::Str(std::borrow::Cow::Borrowed("plain"))), "should not copy");
    reject(r#""\uD83D""#, "a lone leading surrogate");
    reject(r#""\uDE00""#, "a lone trailing surrogate");
    reject(r#""\uDE00\uD83D""#, "a reversed pair");
    reject(r#""\uD83D\u0041""#, "a leading surrogate followed by a non-surrogate");
    reject(r#""\uD83Dx""#, "a leading surrogate followed by text");
    reject(r#""\uD83D\n""#, "a leading surrogate followed by another escape");
    reject(r#""\x41""#, "an unknown escape");
    reject(r#""\'""#, "an escaped single quote");
    reject(r#""\u12G4""#, "a bad hex digit");
    reject(r#""\u12""#, "a short \\u escape");
    reject("\"a\nb\"", "a raw newline");
    reject("\"a\tb\"", "a raw tab");
    reject("\"\u{1f}\"", "a raw control character");
    reject("'a'", "single quotes");
    reject("\"abc", "an unterminated string");
}

#[test]
fn numbers() {
    for ok in ["0", "-0", "1", "-1", "10", "1.5", "-0.0", "0e0", "1E+2", "1e-2", "123456789012345678901234567890"] {
        assert_eq!(parse(ok), Json::Num(ok), "should keep {ok} as its source text");
    }
    for (bad, why) in [
        ("01", "a leading zero"),
        ("-01", "a leading zero after the sign"),
        ("+1", "a plus sign"),
        (".5", "no integer part"),
        ("1.", "no fraction digits"),
        ("1.e5", "no fraction digits before the exponent"),
        ("1e", "no exponent digits"),
        ("1e+", "no exponent digits after the sign"),
        ("-", "a lone minus"),
        ("- 1", "a space after the minus"),
        ("0x10", "hex"),
        ("1e400", "a magnitude beyond f64 (as serde_json)"),
        ("-1e400", "a negative magnitude beyond f64"),
        ("1.8e308", "just beyond f64::MAX"),
    ] {
        reject(bad, why);
    }
    assert_eq!(parse("1e-400").to_json(), "0.0", "should read an underflow as zero");
    assert_eq!(parse("1.7976931348623157e308").to_json(), "1.7976931348623157e+308", "should accept f64::MAX");
    assert_eq!(parse("0e99999999999999999999").to_json(), "0.0", "should read a zero with a huge exponent");
    reject("1e99999999999999999999", "a huge exponent");

    let n = |t| Json::Num(t);
    assert_eq!(n("18446744073709551615").as_u64(), Some(u64::MAX));
    assert_eq!(n("18446744073709551616").as_u64(), None, "should not wrap past u64::MAX");
    assert_eq!(n("-1").as_u64(), None);
    assert_eq!(n("1.0").as_u64(), None, "a fraction is not an integer (as serde_json)");
    assert_eq!(n("1e2").as_u64(), None, "an exponent is not an integer (as serde_json)");
    assert_eq!(n("-9223372036854775808").as_i64(), Some(i64::MIN));
    assert_eq!(n("-9223372036854775809").as_i64(), None);
    assert_eq!(n("-0").as_i64(), None, "-0 is a float (as serde_json)");
    assert_eq!(n("2.5e-3").as_f64(), Some(0.0025));
    assert_eq!(Json::Str("1".into()).as_u64(), None, "a string is not a number");
}

#[test]
fn number_layout_matches_serde_json() {
    for (text, expected) in [
        ("-0", "-0.0"),
        ("-0.0", "-0.0"),
        ("0.0", "0.0"),
        ("1.50", "1.5"),
        ("1E2", "100.0"),
        ("1e15", "1000000000000000.0"),
        ("1e16", "1e+16"),
        ("1.234e+16", "1.234e+16"),
        ("1e-5", "0.00001"),
        ("1e-6", "1e-6"),
        ("1.5e-7", "1.5e-7"),
        ("0.00123", "0.00123"),
        ("123456.789", "123456.789"),
        ("12345678901234567890", "12345678901234567890"),
        ("-9223372036854775808", "-9223372036854775808"),
        ("0.30000000000000004", "0.30000000000000004"),
        ("5e-324", "5e-324"),
        ("-1e-400", "-0.0"),
    ] {
        roundtrip(text, expected);
        let serde = serde_json::from_str::<serde_json::Value>(text).map(|v| v.to_string()).ok();
        assert_eq!(serde.as_deref(), Some(expected), "the expectation for {text} should be serde_json's");
    }
}

#[test]
fn numbers_serde_json_rounds_keep_their_digits() {
    // Without its `float_roundtrip` feature serde_json scales the digits by an inexact power of ten beyond 1e±22
    // and truncates long digit strings, then prints the double it got; the digits from the source are kept instead,
    // so a JSON reader gets the double the sender meant.
    for (text, ours, serde) in [
        ("54277.40484e+31", "5.427740484e+35", "5.4277404840000006e+35"),
        ("123456789012345678901234", "1.23456789012345678901234e+23", "1.2345678901234567e+23"),
        ("-9223372036854775809", "-9.223372036854775809e+18", "-9.223372036854776e+18"),
    ] {
        assert_eq!(parse(text).to_json(), ours, "should keep the digits of {text}");
        let theirs = serde_json::from_str::<serde_json::Value>(text).map(|v| v.to_string()).ok();
        assert_eq!(theirs.as_deref(), Some(serde), "serde_json's reading of {text} should be as documented");
        let exact: f64 = text.parse().expect("a number");
        assert_eq!(Json::Num(ours).as_f64(), Some(exact), "{ours} should denote the double nearest to {text}");
    }
}

#[test]
fn arrays_objects_and_lookups() {
    let v = parse(r#"{"a":1,"b":[true,{"c":"d"}],"a":2,"e\u0031":null}"#);
    assert_eq!(v.get("a").and_then(Json::as_u64), Some(2), "the last duplicate should win");
    assert_eq!(v.get("e1"), Some(&Json::Null), "keys should be unescaped");
    assert_eq!(v.get("b").and_then(|b| b.at(1)).and_then(|o| o.get("c")).and_then(Json::as_str), Some("d"));
    assert_eq!(v.get("b").and_then(|b| b.at(2)), None);
    assert_eq!(v.get("zz"), None);
    assert_eq!(v.at(0), None, "an object is not an array");
    assert_eq!(parse("[1]").get("a"), None, "an array has no members");
    assert_eq!(v.to_json(), r#"{"a":2,"b":[true,{"c":"d"}],"e1":null}"#, "keys sorted, last duplicate kept");

    let mut v = parse(r#"{"k":"v","n":3}"#);
    let taken = v.get_mut("k").map(Json::take);
    assert_eq!(taken.as_ref().and_then(Json::as_str), Some("v"));
    assert_eq!(v.to_json(), r#"{"k":null,"n":3}"#, "take should leave null behind");

    roundtrip(
        r#"{"b":"\u0001\u001f\"\\/\b\f\n\r\t\u007f\u2028é"}"#,
        "{\"b\":\"\\u0001\\u001f\\\"\\\\/\\b\\f\\n\\r\\t\u{7f}\u{2028}é\"}",
    );
    roundtrip(r#"{"é":1,"z":2,"Z":3,"":4}"#, r#"{"":4,"Z":3,"z":2,"é":1}"#);

    for (bad, why) in [
        ("[1,]", "a trailing comma in an array"),
        ("[,1]", "a leading comma"),
        ("[1 2]", "a missing comma"),
        (r#"{"a":1,}"#, "a trailing comma in an object"),
        ("{a:1}", "an unquoted key"),
        ("{'a':1}", "a single-quoted key"),
        (r#"{"a" 1}"#, "a missing colon"),
        (r#"{"a":}"#, "a missing value"),
        (r#"{"a":1 "b":2}"#, "a missing comma between members"),
        ("{1:2}", "a number key"),
        ("[", "an unclosed array"),
        (r#"{"a":1"#, "an unclosed object"),
        ("]", "a stray bracket"),
    ] {
        reject(bad, why);
    }
}

#[test]
fn nesting_is_bounded_like_serde_json() {
    let deepest_ok = MAX_DEPTH as usize - 1;
    let nested = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
    assert!(Json::parse(&nested(deepest_ok)).is_ok(), "should accept {deepest_ok} levels");
    reject(&nested(deepest_ok + 1), "one level too deep");
    assert!(serde_json::from_str::<serde_json::Value>(&nested(deepest_ok)).is_ok());
    assert!(serde_json::from_str::<serde_json::Value>(&nested(deepest_ok + 1)).is_err());
    // Hostile depth must be an error, not a stack overflow.
    reject(&"[".repeat(1_000_000), "a million open brackets");
    reject(&"{\"a\":".repeat(1_000_000), "a million open objects");
    let err = Json::parse(&"[".repeat(1_000_000)).unwrap_err();
    assert!(!err.is_eof(), "too deep should not read as merely cut off");
}

#[test]
fn errors_tell_eof_apart_and_say_where() {
    for cut in [
        "",
        "[",
        "[1,",
        "{",
        r#"{"a""#,
        r#"{"a":"#,
        r#"{"a":1"#,
        "\"ab",
        "\"\\",
        "\"\\u12",
        "\"\\uD83D",
        "tr",
        "-",
        "1.",
        "1e",
        "1e-",
    ] {
        let err = Json::parse(cut).unwrap_err();
        assert!(err.is_eof(), "should call {cut:?} cut off, got {err}");
    }
    for bad in ["[1,]", "x", "\"\\x\"", "01", "1.x", "{1}", "[1e400]"] {
        let err = Json::parse(bad).unwrap_err();
        assert!(!err.is_eof(), "should call {bad:?} invalid, not cut off");
    }
    let err = Json::parse("{\n  \"a\": tru,\n}").unwrap_err();
    assert_eq!(err.to_string(), "expected ident at line 2 column 11");
}

#[test]
fn parse_prefix_returns_the_rest() {
    let (v, rest) = Json::parse_prefix(r#""a" {"b":1}"#).expect("should read the first value");
    assert_eq!(v.as_str(), Some("a"));
    assert_eq!(rest, r#" {"b":1}"#);
}

// ------------------------------------------------------------------------------------------------------------
// Differential tests against serde_json

/// Parses `text` with both readers: both must accept it with the same serialisation, or both reject it with the
/// same end-of-input verdict.
#[track_caller]
fn same_as_serde(text: &str, context: &str) {
    same_as_serde_for(text, context, true);
}

/// [`same_as_serde`], or with `exact` false only the same verdict: mutants have numbers serde_json does not read
/// exactly (see `numbers_serde_json_rounds_keep_their_digits`), so there the serialisation need only be stable.
#[track_caller]
fn same_as_serde_for(text: &str, context: &str, exact: bool) {
    let ours = Json::parse(text);
    let theirs = serde_json::from_str::<serde_json::Value>(text);
    match (&ours, &theirs) {
        (Ok(ours), Ok(theirs)) if exact => {
            assert_eq!(ours.to_json(), theirs.to_string(), "{context}: should serialise {text:?} as serde_json does")
        }
        (Ok(ours), Ok(_)) => {
            let once = ours.to_json();
            let twice = Json::parse(&once).map(|v| v.to_json()).ok();
            assert_eq!(twice.as_deref(), Some(once.as_str()), "{context}: should re-read its serialisation of {text:?}")
        }
        (Err(ours), Err(theirs)) => assert_eq!(
            ours.is_eof(),
            theirs.is_eof(),
            "{context}: should agree on whether {text:?} is cut off (ours: {ours}; serde_json: {theirs})"
        ),
        _ => panic!("{context}: should agree on {text:?}: ours {ours:?}, serde_json {theirs:?}"),
    }
}

/// The JSON payloads of a recorded body: SSE `data:`/`error:` values, NDJSON lines, `X:` data stream parts.
fn json_payloads(body: &str) -> Vec<&str> {
    body.lines()
        .filter_map(|line| {
            let line = line.trim_end_matches('\r');
            let payload = ["data:", "error:"]
                .iter()
                .find_map(|field| line.strip_prefix(field))
                .map(|v| v.strip_prefix(' ').unwrap_or(v))
                .or_else(|| line.get(2..).filter(|_| line.as_bytes().get(1) == Some(&b':')))
                .unwrap_or(line);
            payload.starts_with(['{', '[', '"']).then_some(payload)
        })
        .collect()
}

#[test]
fn every_recorded_frame_reads_as_serde_json_reads_it() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut frames = 0;
    for dir in ["real-streams", "docs"] {
        let mut entries: Vec<_> = std::fs::read_dir(root.join(dir)).expect("fixtures dir").flatten().collect();
        entries.sort_by_key(|e| e.path());
        for entry in entries {
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "md") {
                continue;
            }
            let body = std::fs::read_to_string(&path).expect("fixture should be UTF-8");
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            if name == "manifest.json" {
                same_as_serde(&body, &name);
                continue;
            }
            for (i, payload) in json_payloads(&body).into_iter().enumerate() {
                frames += 1;
                let context = format!("{name} frame {i}");
                same_as_serde(payload, &context);
                // Cut points: the start of a frame is what auto-detection sees of a long first part.
                for cut in (1..payload.len()).step_by(97) {
                    if let Some(prefix) = payload.get(..cut) {
                        same_as_serde(prefix, &context);
                    }
                }
            }
        }
    }
    assert!(frames > 2000, "should find the recorded JSON frames, found {frames}");
}

#[test]
fn test_data_files_read_as_serde_json_reads_them() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    for file in
        ["commonmark-0.31.2.json", "gfm-0.29-extensions.json", "sse-vectors.json", "wpt-eventsource-vectors.json"]
    {
        let text = std::fs::read_to_string(dir.join(file)).expect("test data should be readable");
        same_as_serde(&text, file);
    }
}

/// A random JSON text: nested values, strings with every kind of escape and raw Unicode, numbers of every form
/// that serde_json reads exactly (see `numbers_serde_json_rounds_keep_their_digits`): integers up to 18 digits,
/// others with at most 15 significant digits and a power of ten within 1e±22.
fn random_json(rng: &mut Rng, depth: usize, out: &mut String) {
    let ws = |rng: &mut Rng, out: &mut String| {
        for _ in 0..rng.below(3).saturating_sub(1) {
            out.push([' ', '\n', '\t', '\r'][rng.below(4)]);
        }
    };
    ws(rng, out);
    match rng.below(if depth > 6 { 4 } else { 6 }) {
        0 => out.push_str(["null", "true", "false"][rng.below(3)]),
        1 => random_number(rng, out),
        2 | 3 => random_string(rng, out),
        4 => {
            out.push('[');
            for i in 0..rng.below(5) {
                if i > 0 {
                    out.push(',');
                }
                random_json(rng, depth + 1, out);
            }
            ws(rng, out);
            out.push(']');
        }
        _ => {
            out.push('{');
            for i in 0..rng.below(5) {
                if i > 0 {
                    out.push(',');
                }
                ws(rng, out);
                // Few distinct keys, so duplicates and ordering are exercised.
                if rng.below(4) == 0 {
                    random_string(rng, out);
                } else {
                    out.push_str(["\"a\"", "\"b\"", "\"B\"", "\"\\u0061\"", "\"é\"", "\"\""][rng.below(6)]);
                }
                ws(rng, out);
                out.push(':');
                random_json(rng, depth + 1, out);
            }
            ws(rng, out);
            out.push('}');
        }
    }
    ws(rng, out);
}

fn random_number(rng: &mut Rng, out: &mut String) {
    if rng.below(2) == 0 {
        out.push('-');
    }
    let digits = |rng: &mut Rng, n: usize, out: &mut String| {
        for _ in 0..n {
            out.push(char::from(b'0' + rng.below(10) as u8));
        }
    };
    match rng.below(3) {
        // Integers of any length up to and past u64.
        0 => {
            out.push(char::from(b'1' + rng.below(9) as u8));
            let n = rng.below(18);
            digits(rng, n, out);
        }
        _ => {
            let int = rng.below(8);
            if int == 0 {
                out.push('0');
            } else {
                out.push(char::from(b'1' + rng.below(9) as u8));
                digits(rng, int - 1, out);
            }
            let frac = rng.below(15 - int.min(14));
            if frac > 0 {
                out.push('.');
                digits(rng, frac, out);
            }
            if rng.below(2) == 0 {
                // serde_json scales the digits by 10^(exponent - frac), exactly while that stays within 1e±22.
                let exponent = rng.below(23 + frac) as i64 - 22 + frac as i64;
                out.push(['e', 'E'][rng.below(2)]);
                if exponent < 0 {
                    out.push('-');
                } else {
                    out.push_str(["", "+"][rng.below(2)]);
                }
                out.push_str(&exponent.unsigned_abs().to_string());
            }
        }
    }
}

fn random_string(rng: &mut Rng, out: &mut String) {
    out.push('"');
    for _ in 0..rng.below(8) {
        match rng.below(10) {
            0 => out.push_str(["\\\"", "\\\\", "\\/", "\\b", "\\f", "\\n", "\\r", "\\t"][rng.below(8)]),
            1 => out.push_str(&format!("\\u{:04x}", rng.below(0xD800))),
            2 => {
                let c = 0x10000 + rng.below(0x100000) as u32;
                let (hi, lo) = (0xD800 + ((c - 0x10000) >> 10), 0xDC00 + ((c - 0x10000) & 0x3FF));
                out.push_str(&format!("\\u{hi:04X}\\u{lo:04x}"));
            }
            3 => out.push(['é', '€', '😀', '\u{7f}', '\u{2028}', '中'][rng.below(6)]),
            _ => out.push(char::from(b' ' + rng.below(95) as u8)),
        }
    }
    out.push('"');
}

#[test]
fn generated_values_and_mutations_read_as_serde_json_reads_them() {
    let mut rng = Rng::from_env();
    const MUTANTS: &[&str] = &["", ",", "]", "}", "[", "{", "\"", "\\", ":", "0", "-", ".", "e", " ", "\n", "\u{1}"];
    for round in 0..3000 {
        let mut text = String::new();
        random_json(&mut rng, 0, &mut text);
        same_as_serde(&text, &format!("generated value {round}"));
        // One edit (a byte dropped, replaced or inserted, at a char boundary) and a cut.
        let mut mutant = text.clone();
        let at = rng.below(mutant.len() + 1);
        if mutant.is_char_boundary(at) {
            let end = (at + 1..=mutant.len()).find(|&e| mutant.is_char_boundary(e)).unwrap_or(at);
            let end = if rng.below(2) == 0 { end } else { at };
            mutant.replace_range(at..end, MUTANTS[rng.below(MUTANTS.len())]);
            same_as_serde_for(&mutant, &format!("mutant of generated value {round}"), false);
            same_as_serde(&text[..at], &format!("cut of generated value {round}"));
        }
    }
}

// ------------------------------------------------------------------------------------------------------------
// Robustness

#[test]
fn random_input_never_panics() {
    let mut rng = Rng::from_env();
    const ALPHABET: &[u8] = b"{}[]\",:\\/ubfnrt0123456789-+.eEaltsxuD8E \t\r\n";
    for _ in 0..20_000 {
        let len = rng.below(64);
        let bytes: Vec<u8> = (0..len)
            .map(|_| if rng.below(4) == 0 { rng.below(256) as u8 } else { ALPHABET[rng.below(ALPHABET.len())] })
            .collect();
        let text = String::from_utf8_lossy(&bytes);
        if let Ok(v) = Json::parse(&text) {
            let again = v.to_json();
            assert_eq!(parse(&again).to_json(), again, "should re-read its own output of {text:?} unchanged");
        }
        let _ = Json::parse_prefix(&text);
    }
}
