//! (Being implemented.)
use super::{Dialect, StreamEvent};
use crate::frame::Frame;
#[derive(Default)]
pub struct OpenAiChat {}
impl Dialect for OpenAiChat {
    fn on_frame(&mut self, _frame: &Frame, _out: &mut Vec<StreamEvent>) {
        todo!()
    }
}
