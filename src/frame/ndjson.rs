//! Newline-delimited JSON (NDJSON / JSON Lines), as Ollama and llama.cpp stream it.
//!
//! One JSON value per line; a line ends at LF, CRLF or CR (the shared [`LineSplitter`]). Each line is trimmed of JSON
//! whitespace (space and tab, RFC 8259 §2: CR and LF already end lines) and, if anything is left, emitted as
//! [`Frame::Line`]; blank and whitespace-only lines are skipped. The line is not parsed here: that is the dialect's
//! job, so a malformed line reaches it intact and becomes a counted, typed error there. A last line without a
//! line end is emitted at [`finish`](Framer::finish), since NDJSON writers often omit the final newline.
//!
//! ```
//! use rillmark::frame::{ndjson::NdjsonFramer, Frame, Framer};
//!
//! let mut framer = NdjsonFramer::new(1024);
//! let mut frames = Vec::new();
//! framer.push("{\"a\":1}\r\n\n  {\"b\"", &mut frames)?;
//! framer.push(":2}", &mut frames)?;
//! framer.finish(&mut frames)?;
//! assert_eq!(frames, vec![Frame::Line("{\"a\":1}".into()), Frame::Line("{\"b\":2}".into())]);
//! # Ok::<(), rillmark::frame::FrameError>(())
//! ```
//!
//! A line longer than the bound is the terminal [`FrameError::LineTooLong`]. After `finish` a new stream may start.

use super::lines::LineSplitter;
use super::{Frame, FrameError, Framer};

/// Frames an `application/x-ndjson` body. See the [module documentation](self).
#[derive(Debug)]
pub struct NdjsonFramer {
    lines: LineSplitter,
}

impl NdjsonFramer {
    /// A framer that rejects lines longer than `max_line` bytes.
    pub fn new(max_line: usize) -> Self {
        NdjsonFramer { lines: LineSplitter::new(max_line) }
    }

    /// Bytes examined for line ends so far; equals the bytes pushed (the linearity witness for tests).
    pub fn bytes_scanned(&self) -> u64 {
        self.lines.bytes_scanned()
    }
}

impl Framer for NdjsonFramer {
    fn push(&mut self, text: &str, out: &mut Vec<Frame>) -> Result<(), FrameError> {
        self.lines.push(text, |line| {
            emit(line, out);
            Ok(())
        })
    }

    fn finish(&mut self, out: &mut Vec<Frame>) -> Result<(), FrameError> {
        if let Some(line) = self.lines.finish()? {
            emit(&line, out);
        }
        self.lines.reset();
        Ok(())
    }
}

fn emit(line: &str, out: &mut Vec<Frame>) {
    let value = line.trim_matches([' ', '\t']);
    if !value.is_empty() {
        out.push(Frame::Line(value.to_owned()));
    }
}
