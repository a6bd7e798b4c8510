//! (Being implemented.)
use super::{Frame, FrameError, Framer};
pub struct SseFramer {}
impl SseFramer {
    pub fn new(_max_line: usize) -> Self {
        SseFramer {}
    }
}
impl Framer for SseFramer {
    fn push(&mut self, _text: &str, _out: &mut Vec<Frame>) -> Result<(), FrameError> {
        todo!()
    }
    fn finish(&mut self, _out: &mut Vec<Frame>) -> Result<(), FrameError> {
        todo!()
    }
}
