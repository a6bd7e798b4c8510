//! Plain text: the body is the answer itself (`text/plain`, or a host that streams raw model output).
//!
//! Every non-empty piece of text becomes one [`Frame::Text`] as it arrives; nothing is buffered, so there is nothing
//! to bound and nothing to flush at [`finish`](Framer::finish). Chunk boundaries show up as frame boundaries, which
//! is harmless: the next stages treat a run of `Text` frames as one growing text.

use super::{Frame, FrameError, Framer};

/// Passes text through as [`Frame::Text`].
#[derive(Debug, Default)]
pub struct PlainFramer {}

impl Framer for PlainFramer {
    fn push(&mut self, text: &str, out: &mut Vec<Frame>) -> Result<(), FrameError> {
        if !text.is_empty() {
            out.push(Frame::Text(text.to_owned()));
        }
        Ok(())
    }

    fn finish(&mut self, _out: &mut Vec<Frame>) -> Result<(), FrameError> {
        Ok(())
    }
}
