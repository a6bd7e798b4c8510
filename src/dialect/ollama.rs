//! (Being implemented.)
use super::{Dialect, StreamEvent};
use crate::frame::Frame;
#[derive(Default)]
pub struct Ollama {}
impl Dialect for Ollama {
    fn on_frame(&mut self, _frame: &Frame, _out: &mut Vec<StreamEvent>) {
        todo!()
    }
}
