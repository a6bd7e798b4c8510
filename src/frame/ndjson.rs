//! (Being implemented.)
use super::{Frame, FrameError, Framer};
pub struct NdjsonFramer {}
impl NdjsonFramer {
    pub fn new(_max_line: usize) -> Self {
        NdjsonFramer {}
    }
}
impl Framer for NdjsonFramer {
    fn push(&mut self, _text: &str, _out: &mut Vec<Frame>) -> Result<(), FrameError> {
        todo!()
    }
    fn finish(&mut self, _out: &mut Vec<Frame>) -> Result<(), FrameError> {
        todo!()
    }
}
