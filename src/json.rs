//! A small, strict JSON reader for the dialects: one frame's payload in, a borrowed [`Json`] tree out.
//!
//! Grammar: RFC 8259 exactly — no trailing commas, no comments, no unquoted keys, no leading `+` or zeros, no `NaN`,
//! whitespace only `' '`, `\t`, `\n`, `\r` (a BOM is not whitespace). Strings stay borrowed from the source unless
//! they contain an escape; numbers stay as their source text ([`Json::as_u64`], [`Json::as_i64`], [`Json::as_f64`]
//! read them on demand). The reader never panics, whatever the input, and bounds nesting at [`MAX_DEPTH`] so that
//! hostile input cannot exhaust the stack.
//!
//! It agrees with `serde_json` (which the dialects used before) on what it accepts and on what it re-serialises,
//! because tool-call arguments and odd error bodies reach the host through [`Json::to_json`]:
//!
//! - escapes: `\uD83D\uDE00` pairs decode to one character; a lone or reversed surrogate is an error;
//! - numbers: one whose magnitude overflows `f64` (`1e400`) is an error, one that underflows reads as zero;
//! - duplicate keys: the last one wins ([`Json::get`], [`Json::to_json`]);
//! - [`Json::to_json`] writes compact JSON with object keys sorted by their bytes, strings escaped as `serde_json`
//!   escapes them, integers as written, and other numbers in `serde_json`'s layout (`1.5`, `100.0`, `-0.0`,
//!   `0.00001`, `1e-6`, `1e+16`). Digits are copied from the source rather than round-tripped through `f64`, so
//!   the output differs from `serde_json`'s only for a number written with more than 17 significant digits (which
//!   `serde_json` rounds) — the value a JSON reader gets from either is the same double.
//!
//! ```
//! use rillmark::json::Json;
//! let v = Json::parse(r#"{"choices":[{"delta":{"content":"Hi \ud83d\ude00"}}],"n":3}"#).unwrap();
//! let delta = v.get("choices").and_then(|c| c.at(0)).and_then(|c| c.get("delta"));
//! assert_eq!(delta.and_then(|d| d.get("content")).and_then(Json::as_str), Some("Hi 😀"));
//! assert_eq!(v.get("n").and_then(Json::as_u64), Some(3));
//! assert_eq!(Json::parse(r#"{"b":1e2,"a":[true,null]}"#).unwrap().to_json(), r#"{"a":[true,null],"b":100.0}"#);
//! ```

use std::borrow::Cow;
use std::fmt;

/// How deep arrays and objects may nest: the 128th level is an error (as in `serde_json`).
pub const MAX_DEPTH: u32 = 128;

/// A parsed JSON value, borrowing from the text it was parsed from.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Json<'a> {
    #[default]
    Null,
    Bool(bool),
    /// A number, as its (validated) source text.
    Num(&'a str),
    Str(Cow<'a, str>),
    Arr(Vec<Json<'a>>),
    /// Members in source order, duplicates included; lookups see the last of equal keys.
    Obj(Vec<(Cow<'a, str>, Json<'a>)>),
}

/// Why a text is not JSON, and where.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Error {
    code: Code,
    line: usize,
    column: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Code {
    EofList,
    EofObject,
    EofString,
    EofValue,
    ExpectedColon,
    ExpectedListCommaOrEnd,
    ExpectedObjectCommaOrEnd,
    ExpectedIdent,
    ExpectedValue,
    InvalidEscape,
    InvalidNumber,
    NumberOutOfRange,
    ControlCharacter,
    KeyMustBeAString,
    LoneSurrogate,
    UnexpectedEndOfHexEscape,
    TrailingComma,
    TrailingCharacters,
    RecursionLimit,
}

impl Error {
    /// Whether the text ended too early: it may be the start of valid JSON.
    pub fn is_eof(&self) -> bool {
        matches!(self.code, Code::EofList | Code::EofObject | Code::EofString | Code::EofValue)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.code {
            Code::EofList => "EOF while parsing a list",
            Code::EofObject => "EOF while parsing an object",
            Code::EofString => "EOF while parsing a string",
            Code::EofValue => "EOF while parsing a value",
            Code::ExpectedColon => "expected `:`",
            Code::ExpectedListCommaOrEnd => "expected `,` or `]`",
            Code::ExpectedObjectCommaOrEnd => "expected `,` or `}`",
            Code::ExpectedIdent => "expected ident",
            Code::ExpectedValue => "expected value",
            Code::InvalidEscape => "invalid escape",
            Code::InvalidNumber => "invalid number",
            Code::NumberOutOfRange => "number out of range",
            Code::ControlCharacter => "control character (\\u0000-\\u001F) found while parsing a string",
            Code::KeyMustBeAString => "key must be a string",
            Code::LoneSurrogate => "lone surrogate in hex escape",
            Code::UnexpectedEndOfHexEscape => "unexpected end of hex escape",
            Code::TrailingComma => "trailing comma",
            Code::TrailingCharacters => "trailing characters",
            Code::RecursionLimit => "recursion limit exceeded",
        };
        write!(f, "{what} at line {} column {}", self.line, self.column)
    }
}

impl std::error::Error for Error {}

impl<'a> Json<'a> {
    /// Parses `text`, which must hold exactly one JSON value (whitespace around it allowed).
    pub fn parse(text: &'a str) -> Result<Json<'a>, Error> {
        let mut parser = Parser { src: text, pos: 0, depth: 0 };
        let value = parser.value()?;
        parser.skip_ws();
        if parser.pos < text.len() {
            return Err(parser.error(Code::TrailingCharacters));
        }
        Ok(value)
    }

    /// Parses the JSON value at the start of `text`; returns it and the text after it.
    pub fn parse_prefix(text: &'a str) -> Result<(Json<'a>, &'a str), Error> {
        let mut parser = Parser { src: text, pos: 0, depth: 0 };
        let value = parser.value()?;
        Ok((value, text.get(parser.pos..).unwrap_or_default()))
    }

    /// The member `key` of an object (the last one, if the key repeats).
    pub fn get(&self, key: &str) -> Option<&Json<'a>> {
        match self {
            Json::Obj(members) => members.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The member `key` of an object, mutably (the last one, if the key repeats).
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Json<'a>> {
        match self {
            Json::Obj(members) => members.iter_mut().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The element `index` of an array.
    pub fn at(&self, index: usize) -> Option<&Json<'a>> {
        match self {
            Json::Arr(items) => items.get(index),
            _ => None,
        }
    }

    /// Moves the value out, leaving `null` behind.
    pub fn take(&mut self) -> Json<'a> {
        std::mem::take(self)
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Json::Null)
    }

    pub fn is_object(&self) -> bool {
        matches!(self, Json::Obj(_))
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Json::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The number, if it is written as an integer (no fraction, no exponent) that fits a `u64`.
    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Json::Num(text) => digits_u64(text),
            _ => None,
        }
    }

    /// The number, if it is written as an integer (no fraction, no exponent) that fits an `i64`.
    pub fn as_i64(&self) -> Option<i64> {
        let Json::Num(text) = self else { return None };
        match text.strip_prefix('-') {
            Some(magnitude) => {
                let m = digits_u64(magnitude)?;
                if m == 0 {
                    None // `-0` is a float, as in serde_json
                } else {
                    0i64.checked_sub_unsigned(m)
                }
            }
            None => digits_u64(text).and_then(|n| i64::try_from(n).ok()),
        }
    }

    /// The number as the nearest `f64`.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Json::Num(text) => text.parse().ok(),
            _ => None,
        }
    }

    /// The elements of an array.
    pub fn as_array(&self) -> Option<&[Json<'a>]> {
        match self {
            Json::Arr(items) => Some(items),
            _ => None,
        }
    }

    /// The members of an object, in source order (duplicates included).
    pub fn as_object(&self) -> Option<&[(Cow<'a, str>, Json<'a>)]> {
        match self {
            Json::Obj(members) => Some(members),
            _ => None,
        }
    }

    /// Compact JSON text, as `serde_json` writes its `Value` (see the [module documentation](self)).
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    fn write(&self, out: &mut String) {
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(true) => out.push_str("true"),
            Json::Bool(false) => out.push_str("false"),
            Json::Num(text) => write_number(text, out),
            Json::Str(s) => write_string(s, out),
            Json::Arr(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write(out);
                }
                out.push(']');
            }
            Json::Obj(members) => {
                // Sorted by key, the last of equal keys kept: the order and contents of serde_json's `BTreeMap`.
                let mut order: Vec<(&str, usize)> = Vec::with_capacity(members.len());
                for (i, (key, _)) in members.iter().enumerate() {
                    order.push((key, i));
                }
                heapsort(&mut order);
                out.push('{');
                let mut first = true;
                for (n, &(key, i)) in order.iter().enumerate() {
                    if order.get(n + 1).is_some_and(|next| next.0 == key) {
                        continue;
                    }
                    if !first {
                        out.push(',');
                    }
                    first = false;
                    write_string(key, out);
                    out.push(':');
                    if let Some((_, value)) = members.get(i) {
                        value.write(out);
                    }
                }
                out.push('}');
            }
        }
    }
}

/// Sorts `(key, position)` pairs, which are all distinct. Hand-written because `sort_unstable` would instantiate the
/// standard library's sort machinery (several KB of wasm) for this one element type; a heapsort is one small
/// function and still O(n log n) for a hostile object with many keys.
fn heapsort(items: &mut [(&str, usize)]) {
    /// Moves `items[node]` down the max-heap `items[..end]` until neither child is larger.
    fn sift_down(items: &mut [(&str, usize)], mut node: usize, end: usize) {
        loop {
            let mut child = 2 * node + 1;
            if child >= end {
                return;
            }
            if child + 1 < end && items[child].cmp(&items[child + 1]).is_lt() {
                child += 1;
            }
            if items[node].cmp(&items[child]).is_ge() {
                return;
            }
            items.swap(node, child);
            node = child;
        }
    }
    let len = items.len();
    for node in (0..len / 2).rev() {
        sift_down(items, node, len);
    }
    // The heap's maximum goes to the end of the unsorted part, which then shrinks by one.
    for end in (1..len).rev() {
        items.swap(0, end);
        sift_down(items, 0, end);
    }
}

/// A run of ASCII digits as a `u64`, if it is one and fits.
fn digits_u64(text: &str) -> Option<u64> {
    if text.is_empty() {
        return None;
    }
    text.bytes().try_fold(0u64, |n, b| {
        let digit = b.wrapping_sub(b'0');
        if digit > 9 {
            return None;
        }
        n.checked_mul(10)?.checked_add(u64::from(digit))
    })
}

fn write_string(s: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    let mut plain = 0;
    for (i, b) in s.bytes().enumerate() {
        let escape = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(s.get(plain..i).unwrap_or_default());
        plain = i + 1;
        if escape.is_empty() {
            out.push_str("\\u00");
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        } else {
            out.push_str(escape);
        }
    }
    out.push_str(s.get(plain..).unwrap_or_default());
    out.push('"');
}

/// A number's decimal digits and scale: `0.DIGITS × 10^point`, `digits` without leading or trailing zeros (empty
/// for zero).
struct Decimal {
    negative: bool,
    digits: String,
    point: i64,
}

impl Decimal {
    /// Splits a validated JSON number.
    fn of(text: &str) -> Decimal {
        let negative = text.starts_with('-');
        let unsigned = text.strip_prefix('-').unwrap_or(text);
        let (mantissa, exp) = unsigned.split_once(['e', 'E']).unwrap_or((unsigned, ""));
        let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        let exp_negative = exp.starts_with('-');
        let exp = exp.trim_start_matches(['+', '-']).bytes().fold(0i64, |n, b| {
            // Saturates far beyond any exponent that matters (and far below overflow of `point` below).
            (n * 10 + i64::from(b.wrapping_sub(b'0'))).min(1 << 40)
        });
        let exp = if exp_negative { -exp } else { exp };
        let mut all = String::from(int);
        all.push_str(frac);
        let significant = all.trim_start_matches('0');
        let leading_zeros = all.len() - significant.len();
        let point = int.len() as i64 - leading_zeros as i64 + exp;
        Decimal { negative, digits: significant.trim_end_matches('0').to_owned(), point }
    }

    /// Whether the value is too large for an `f64`.
    fn overflows(&self) -> bool {
        // f64::MAX is 1.7976931348623157e308; from halfway to the next power of two on, a number rounds to infinity.
        const HALFWAY: &[u8] = b"1797693134862315807937";
        !self.digits.is_empty() && (self.point > 309 || self.point == 309 && self.digits.as_bytes() >= HALFWAY)
    }
}

/// Writes a validated JSON number as serde_json writes the value it reads from it.
fn write_number(text: &str, out: &mut String) {
    // An integer that fits a `u64` or an `i64` (not `-0`, a float to serde_json) is written as it came.
    let negative = text.starts_with('-');
    let magnitude = digits_u64(text.strip_prefix('-').unwrap_or(text));
    if magnitude.is_some_and(|m| !negative || (1..=1 << 63).contains(&m)) {
        out.push_str(text);
        return;
    }
    let Decimal { negative, digits, point } = Decimal::of(text);
    if negative {
        out.push('-');
    }
    // Below half the smallest subnormal the value is zero.
    if digits.is_empty() || point < -323 {
        out.push_str("0.0");
        return;
    }
    let exponent = point - 1;
    if (-5..=15).contains(&exponent) {
        if point <= 0 {
            out.push_str("0.");
            push_zeros(out, point.unsigned_abs());
            out.push_str(&digits);
        } else {
            match digits.split_at_checked(point as usize) {
                Some((int, frac)) if !frac.is_empty() => {
                    out.push_str(int);
                    out.push('.');
                    out.push_str(frac);
                }
                _ => {
                    out.push_str(&digits);
                    push_zeros(out, point.unsigned_abs() - digits.len() as u64);
                    out.push_str(".0");
                }
            }
        }
    } else {
        // The digits are ASCII, so splitting after the first byte splits after the first digit.
        let (first, rest) = digits.split_at_checked(1).unwrap_or_default();
        out.push_str(first);
        if !rest.is_empty() {
            out.push('.');
            out.push_str(rest);
        }
        out.push_str(if exponent > 0 { "e+" } else { "e-" });
        // Written by hand rather than with `to_string`, which would bring in the formatting machinery.
        let magnitude = exponent.unsigned_abs();
        let mut divisor = 1;
        while divisor * 10 <= magnitude {
            divisor *= 10;
        }
        while divisor > 0 {
            out.push(char::from(b'0' + (magnitude / divisor % 10) as u8));
            divisor /= 10;
        }
    }
}

fn push_zeros(out: &mut String, count: u64) {
    for _ in 0..count {
        out.push('0');
    }
}

struct Parser<'a> {
    src: &'a str,
    pos: usize,
    depth: u32,
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<u8> {
        self.src.as_bytes().get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    /// The error `code` at the current position (1-based line and column of the byte there, as serde_json counts).
    #[cold]
    fn error(&self, code: Code) -> Error {
        let before = self.src.as_bytes().get(..self.pos).unwrap_or_default();
        let (mut line, mut line_start) = (1, 0);
        for (i, &b) in before.iter().enumerate() {
            if b == b'\n' {
                line += 1;
                line_start = i + 1;
            }
        }
        let column = before.len() - line_start + 1;
        Error { code, line, column }
    }

    fn value(&mut self) -> Result<Json<'a>, Error> {
        self.skip_ws();
        let Some(b) = self.peek() else { return Err(self.error(Code::EofValue)) };
        match b {
            b'"' => {
                self.pos += 1;
                self.string().map(Json::Str)
            }
            b'{' => self.object(),
            b'[' => self.array(),
            b't' => self.ident("true", Json::Bool(true)),
            b'f' => self.ident("false", Json::Bool(false)),
            b'n' => self.ident("null", Json::Null),
            b'-' | b'0'..=b'9' => self.number(),
            _ => Err(self.error(Code::ExpectedValue)),
        }
    }

    fn ident(&mut self, word: &str, value: Json<'a>) -> Result<Json<'a>, Error> {
        for expected in word.bytes() {
            match self.peek() {
                None => return Err(self.error(Code::EofValue)),
                Some(b) if b == expected => self.pos += 1,
                Some(_) => return Err(self.error(Code::ExpectedIdent)),
            }
        }
        Ok(value)
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
        self.pos - start
    }

    fn number(&mut self) -> Result<Json<'a>, Error> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            None => return Err(self.error(Code::EofValue)),
            Some(b'0') => {
                self.pos += 1;
                if let Some(b'0'..=b'9') = self.peek() {
                    return Err(self.error(Code::InvalidNumber));
                }
            }
            Some(b'1'..=b'9') => {
                self.digits();
            }
            Some(_) => return Err(self.error(Code::InvalidNumber)),
        }
        let int_len = self.pos - start;
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if self.digits() == 0 {
                return Err(self.error(if self.peek().is_none() { Code::EofValue } else { Code::InvalidNumber }));
            }
        }
        let has_exponent = matches!(self.peek(), Some(b'e' | b'E'));
        if has_exponent {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return Err(self.error(if self.peek().is_none() { Code::EofValue } else { Code::InvalidNumber }));
            }
        }
        let text = self.src.get(start..self.pos).unwrap_or_default();
        // Only a number with an exponent or a very long integer part can be out of range.
        if (has_exponent || int_len > 300) && Decimal::of(text).overflows() {
            return Err(self.error(Code::NumberOutOfRange));
        }
        Ok(Json::Num(text))
    }

    /// Four hex digits of a `\u` escape. Fewer than four bytes left is the end of input, whatever they are (as in
    /// serde_json).
    fn hex4(&mut self) -> Result<u32, Error> {
        let Some(hex) = self.src.as_bytes().get(self.pos..self.pos + 4) else {
            self.pos = self.src.len();
            return Err(self.error(Code::EofString));
        };
        let mut n = 0;
        for &b in hex {
            let digit = match b {
                b'0'..=b'9' => b - b'0',
                b'a'..=b'f' => b - b'a' + 10,
                b'A'..=b'F' => b - b'A' + 10,
                _ => {
                    self.pos += 4;
                    return Err(self.error(Code::InvalidEscape));
                }
            };
            n = n * 16 + u32::from(digit);
        }
        self.pos += 4;
        Ok(n)
    }

    /// The rest of a string whose opening quote was read.
    fn string(&mut self) -> Result<Cow<'a, str>, Error> {
        let bytes = self.src.as_bytes();
        let mut owned: Option<String> = None;
        let mut run = self.pos;
        loop {
            // The run of plain bytes: everything up to a quote, a backslash or a control character.
            while let Some(&b) = bytes.get(self.pos) {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            // Every delimiter is ASCII, so `run..pos` lies on character boundaries.
            let plain = self.src.get(run..self.pos).unwrap_or_default();
            let Some(b) = self.peek() else { return Err(self.error(Code::EofString)) };
            self.pos += 1;
            match b {
                b'"' => {
                    return Ok(match owned {
                        None => Cow::Borrowed(plain),
                        Some(mut s) => {
                            s.push_str(plain);
                            Cow::Owned(s)
                        }
                    })
                }
                b'\\' => {
                    owned.get_or_insert_with(String::new).push_str(plain);
                    let Some(e) = self.peek() else { return Err(self.error(Code::EofString)) };
                    self.pos += 1;
                    let c = match e {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => self.unicode_escape()?,
                        _ => return Err(self.error(Code::InvalidEscape)),
                    };
                    if let Some(s) = owned.as_mut() {
                        s.push(c);
                    }
                    run = self.pos;
                }
                _ => {
                    self.pos -= 1;
                    return Err(self.error(Code::ControlCharacter));
                }
            }
        }
    }

    /// The character of a `\u` escape whose `\u` was read; a surrogate must be a leading one followed by `\u` and a
    /// trailing one.
    fn unicode_escape(&mut self) -> Result<char, Error> {
        let n = self.hex4()?;
        if (0xDC00..=0xDFFF).contains(&n) {
            return Err(self.error(Code::LoneSurrogate));
        }
        let code = if (0xD800..=0xDBFF).contains(&n) {
            for expected in [b'\\', b'u'] {
                match self.peek() {
                    None => return Err(self.error(Code::EofString)),
                    Some(b) => {
                        self.pos += 1;
                        if b != expected {
                            return Err(self.error(Code::UnexpectedEndOfHexEscape));
                        }
                    }
                }
            }
            let low = self.hex4()?;
            if !(0xDC00..=0xDFFF).contains(&low) {
                return Err(self.error(Code::LoneSurrogate));
            }
            0x10000 + ((n - 0xD800) << 10) + (low - 0xDC00)
        } else {
            n
        };
        // Never fails: surrogates were handled above and a pair is at most U+10FFFF.
        char::from_u32(code).ok_or_else(|| self.error(Code::InvalidEscape))
    }

    fn enter(&mut self) -> Result<(), Error> {
        self.depth += 1;
        if self.depth >= MAX_DEPTH {
            return Err(self.error(Code::RecursionLimit));
        }
        self.pos += 1;
        Ok(())
    }

    fn array(&mut self) -> Result<Json<'a>, Error> {
        self.enter()?;
        let mut items = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            self.depth -= 1;
            return Ok(Json::Arr(items));
        }
        loop {
            items.push(self.value()?);
            self.skip_ws();
            match self.peek() {
                Some(b',') => {
                    self.pos += 1;
                    self.skip_ws();
                    if self.peek() == Some(b']') {
                        return Err(self.error(Code::TrailingComma));
                    }
                }
                Some(b']') => {
                    self.pos += 1;
                    self.depth -= 1;
                    return Ok(Json::Arr(items));
                }
                None => return Err(self.error(Code::EofList)),
                Some(_) => return Err(self.error(Code::ExpectedListCommaOrEnd)),
            }
        }
    }

    fn object(&mut self) -> Result<Json<'a>, Error> {
        self.enter()?;
        let mut members = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            self.depth -= 1;
            return Ok(Json::Obj(members));
        }
        loop {
            match self.peek() {
                Some(b'"') => self.pos += 1,
                Some(b'}') => return Err(self.error(Code::TrailingComma)),
                None => return Err(self.error(Code::EofObject)),
                Some(_) => return Err(self.error(Code::KeyMustBeAString)),
            }
            let key = self.string()?;
            self.skip_ws();
            match self.peek() {
                Some(b':') => self.pos += 1,
                None => return Err(self.error(Code::EofObject)),
                Some(_) => return Err(self.error(Code::ExpectedColon)),
            }
            members.push((key, self.value()?));
            self.skip_ws();
            match self.peek() {
                Some(b',') => {
                    self.pos += 1;
                    self.skip_ws();
                }
                Some(b'}') => {
                    self.pos += 1;
                    self.depth -= 1;
                    return Ok(Json::Obj(members));
                }
                None => return Err(self.error(Code::EofObject)),
                Some(_) => return Err(self.error(Code::ExpectedObjectCommaOrEnd)),
            }
        }
    }
}
