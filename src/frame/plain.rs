//! (Being implemented.)
use super::{Frame, FrameError, Framer};
#[derive(Default)]
pub struct PlainFramer {}
impl Framer for PlainFramer {
    fn push(&mut self, _text: &str, _out: &mut Vec<Frame>) -> Result<(), FrameError> {
        todo!()
    }
    fn finish(&mut self, _out: &mut Vec<Frame>) -> Result<(), FrameError> {
        todo!()
    }
}
