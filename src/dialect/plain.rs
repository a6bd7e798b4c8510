//! Plain text: the body *is* the answer. There is no terminal marker, so the end of the body is the end of the
//! answer and [`Dialect::on_eof`] emits `Finish{reason: None}`.

use super::{wrong_framing, Dialect, StreamEvent};
use crate::frame::Frame;

/// Reader for an unframed text body.
#[derive(Debug, Default)]
pub struct Plain {
    /// `Finish` was emitted; EOF reported twice still finishes once.
    ended: bool,
}

impl Dialect for Plain {
    fn on_frame(&mut self, frame: &Frame, out: &mut Vec<StreamEvent>) {
        if self.ended {
            return;
        }
        match frame {
            Frame::Text(text) if text.is_empty() => {}
            Frame::Text(text) => out.push(StreamEvent::Text(text.clone())),
            other => out.push(wrong_framing("the plain-text dialect", other)),
        }
    }

    fn on_eof(&mut self, out: &mut Vec<StreamEvent>) {
        if !self.ended {
            self.ended = true;
            out.push(StreamEvent::Finish { reason: None });
        }
    }
}
