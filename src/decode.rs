//! Stage ①: incremental UTF-8 decoding. (Being implemented.)

/// Decodes a byte stream split at arbitrary points.
#[derive(Debug, Default)]
pub struct Utf8Decoder {}

impl Utf8Decoder {
    /// Decodes `bytes`, appending text to `out`.
    pub fn push(&mut self, _bytes: &[u8], _out: &mut String) {
        todo!()
    }
    /// End of input: an incomplete trailing sequence becomes U+FFFD.
    pub fn finish(&mut self, _out: &mut String) {
        todo!()
    }
}
