//! Stage ①: incremental UTF-8 decoding.
//!
//! Bytes arrive split at arbitrary points (a `fetch` body reader hands out whatever the network delivered), so a code
//! point may straddle two or more chunks. [`Utf8Decoder`] turns such a byte stream into text exactly as the WHATWG
//! Encoding Standard's "UTF-8 decode" does on the whole stream, whatever the split:
//!
//! - one leading byte order mark (`EF BB BF`) is removed, even when it arrives one byte per chunk; a second one, or
//!   one later in the stream, is content and stays as U+FEFF;
//! - each ill-formed subsequence becomes one U+FFFD following the "maximal subpart" rule, so the output equals
//!   [`String::from_utf8_lossy`] (and the browser's `TextDecoder`) on the concatenated input;
//! - an incomplete sequence at the end of the stream becomes one U+FFFD at [`Utf8Decoder::finish`].
//!
//! ```
//! use rillmark::decode::Utf8Decoder;
//!
//! let mut decoder = Utf8Decoder::default();
//! let mut text = String::new();
//! decoder.push(b"\xEF\xBB\xBFcaf\xC3", &mut text); // BOM, then "café" cut inside the é
//! decoder.push(b"\xA9 \xFF", &mut text);
//! decoder.finish(&mut text);
//! assert_eq!(text, "café \u{FFFD}");
//! ```
//!
//! Work is linear in the input: every byte is validated once by the standard library's UTF-8 validator, and the only
//! state carried between chunks is at most three bytes of an unfinished code point.

/// Where the decoder stands with respect to the stream's optional leading byte order mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum BomPhase {
    /// Nothing has been decoded yet: if the first code point is a well-formed U+FEFF, it is the BOM and is dropped.
    #[default]
    AtStart,
    /// The first code point (or replacement character) has been produced; U+FEFF from here on is content.
    Streaming,
}

/// Bytes of a code point that the previous chunk began but did not finish.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Carry {
    /// The previous chunk ended on a code-point boundary.
    #[default]
    Empty,
    /// The previous chunk ended with `len` (1 to 3) bytes that are a well-formed prefix of a longer sequence.
    Partial { bytes: [u8; 3], len: u8 },
}

/// Decodes a byte stream split at arbitrary points.
///
/// After [`finish`](Self::finish) the decoder is back in its initial state and may decode a new stream (for example
/// the body of a reconnection), whose leading BOM is again removed.
#[derive(Debug, Default)]
pub struct Utf8Decoder {
    bom: BomPhase,
    carry: Carry,
}

impl Utf8Decoder {
    /// Decodes `bytes`, appending text to `out`.
    pub fn push(&mut self, bytes: &[u8], out: &mut String) {
        let rest = self.complete_carry(bytes, out);
        // The chunk is now aligned on a code-point boundary. `utf8_chunks` yields runs of valid text, each followed by
        // one maximal ill-formed subpart (the same rule `from_utf8_lossy` applies), validating every byte once.
        let mut chunks = rest.utf8_chunks().peekable();
        while let Some(chunk) = chunks.next() {
            self.emit(chunk.valid(), out);
            let invalid = chunk.invalid();
            if invalid.is_empty() {
                continue;
            }
            // The last subpart may be a prefix that the next chunk completes rather than garbage: hold it back.
            if chunks.peek().is_none() && is_incomplete_prefix(invalid) {
                self.carry = carry_from(invalid);
            } else {
                self.emit_replacement(out);
            }
        }
    }

    /// End of input: an incomplete trailing sequence becomes U+FFFD.
    pub fn finish(&mut self, out: &mut String) {
        if let Carry::Partial { .. } = self.carry {
            self.emit_replacement(out);
        }
        *self = Self::default();
    }

    /// Feeds the bytes the carried prefix still needs from the front of `bytes`; returns the unconsumed rest.
    fn complete_carry<'a>(&mut self, bytes: &'a [u8], out: &mut String) -> &'a [u8] {
        let Carry::Partial { bytes: held, len } = self.carry else {
            return bytes;
        };
        let held_len = usize::from(len);
        let width = sequence_width(held[0]);
        let wanted = width.saturating_sub(held_len).min(bytes.len());
        let mut seq = [0u8; 4];
        seq[..held_len].copy_from_slice(&held[..held_len]);
        seq[held_len..held_len + wanted].copy_from_slice(&bytes[..wanted]);
        let seq = &seq[..held_len + wanted];
        match std::str::from_utf8(seq) {
            Ok(text) => {
                self.carry = Carry::Empty;
                self.emit(text, out);
                &bytes[wanted..]
            }
            // Still a well-formed prefix: the chunk was too short to finish it (so all of it was taken).
            Err(e) if e.error_len().is_none() => {
                self.carry = carry_from(seq);
                &bytes[wanted..]
            }
            // The new bytes broke the sequence. The carried bytes were a valid prefix, so the maximal subpart is at
            // least as long as them; the byte that broke it is not part of it and is decoded afresh.
            Err(e) => {
                self.carry = Carry::Empty;
                self.emit_replacement(out);
                let subpart = e.error_len().unwrap_or(held_len).max(held_len);
                let from_chunk = (subpart - held_len).min(bytes.len());
                &bytes[from_chunk..]
            }
        }
    }

    fn emit(&mut self, text: &str, out: &mut String) {
        if text.is_empty() {
            return;
        }
        let text = match self.bom {
            BomPhase::AtStart => {
                self.bom = BomPhase::Streaming;
                text.strip_prefix('\u{FEFF}').unwrap_or(text)
            }
            BomPhase::Streaming => text,
        };
        out.push_str(text);
    }

    fn emit_replacement(&mut self, out: &mut String) {
        // A replacement character is a decoded code point: a BOM can no longer follow.
        self.bom = BomPhase::Streaming;
        out.push(char::REPLACEMENT_CHARACTER);
    }
}

/// Total length of the sequence a lead byte starts (1 for bytes that cannot lead a longer sequence).
fn sequence_width(lead: u8) -> usize {
    match lead {
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => 1,
    }
}

/// Whether `bytes` (at most 3) could still become a well-formed code point if more bytes followed.
fn is_incomplete_prefix(bytes: &[u8]) -> bool {
    bytes.len() < 4 && matches!(std::str::from_utf8(bytes), Err(e) if e.error_len().is_none())
}

fn carry_from(prefix: &[u8]) -> Carry {
    let mut bytes = [0u8; 3];
    let len = prefix.len().min(3);
    bytes[..len].copy_from_slice(&prefix[..len]);
    Carry::Partial { bytes, len: len as u8 }
}
