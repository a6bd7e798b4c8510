//! The line splitter shared by the SSE and NDJSON framers.
//!
//! A line ends at CR, at LF or at a CRLF pair (the WHATWG event-stream grammar's `end-of-line`; NDJSON producers use
//! LF or CRLF). Text arrives in arbitrary pieces, so two states carry over between pieces:
//!
//! - the **partial line**: text after the last line end, held until its end arrives;
//! - **`pending_cr`**: the previous piece ended with a CR. The line already ended there (a lone CR is a line end), but
//!   if the next piece starts with LF, that LF completes a CRLF pair and must not end a second, empty line.
//!
//! The splitter is bounded: a line whose content (without its terminator) exceeds `max_line` bytes is a terminal
//! [`FrameError::LineTooLong`], raised as soon as the held part exceeds the bound, and also for a line that arrived
//! whole in one piece, so the outcome does not depend on how the text was split.
//!
//! Work is linear: every byte is examined once for a terminator ([`LineSplitter::bytes_scanned`] counts them, so tests
//! can assert it) and copied at most once into the partial-line buffer; a line that lies inside one piece is handed
//! out without copying.

use super::FrameError;

/// Capacity kept for the partial-line buffer after a line completes. One huge line must not pin its memory for the
/// rest of the stream; the value is tiny under `cfg(test)` so unit tests run the release path on short lines.
const RETAINED_CAPACITY: usize = if cfg!(test) { 8 } else { 64 * 1024 };

/// Splits text into lines across arbitrary chunk boundaries.
#[derive(Debug)]
pub struct LineSplitter {
    max_line: usize,
    /// The partial line: text after the last line end of the previous pieces.
    partial: String,
    /// The previous piece ended with CR, so an LF at the start of the next piece belongs to it.
    pending_cr: bool,
    /// Set once a bound was exceeded: the splitter yields nothing more.
    failed: Option<FrameError>,
    scanned: u64,
}

impl LineSplitter {
    /// A splitter that rejects lines longer than `max_line` bytes.
    pub fn new(max_line: usize) -> Self {
        LineSplitter { max_line, partial: String::new(), pending_cr: false, failed: None, scanned: 0 }
    }

    /// The configured bound on one line, in bytes.
    pub fn max_line(&self) -> usize {
        self.max_line
    }

    /// Bytes examined for line terminators since creation. Equals the number of bytes pushed: the held partial line
    /// is never scanned again, whatever the chunking.
    pub fn bytes_scanned(&self) -> u64 {
        self.scanned
    }

    /// Splits `text`, calling `on_line` with each completed line (without its terminator), in order.
    ///
    /// Stops at the first error, from the bound or from `on_line`; the error is terminal and is returned again by
    /// every later call.
    pub fn push(
        &mut self,
        text: &str,
        mut on_line: impl FnMut(&str) -> Result<(), FrameError>,
    ) -> Result<(), FrameError> {
        if let Some(error) = &self.failed {
            return Err(error.clone());
        }
        // `split` takes a trait object: one copy for every framer, not one per caller's closure.
        let result = self.split(text, &mut on_line);
        if let Err(error) = &result {
            self.fail(error.clone());
        }
        result
    }

    /// End of input: returns the unterminated last line, if any text followed the last line end.
    pub fn finish(&mut self) -> Result<Option<String>, FrameError> {
        if let Some(error) = &self.failed {
            return Err(error.clone());
        }
        self.pending_cr = false;
        if self.partial.is_empty() {
            return Ok(None);
        }
        Ok(Some(std::mem::take(&mut self.partial)))
    }

    /// Forgets the partial line and any pending CR (not the scan counter or a terminal error): a new stream starts.
    pub fn reset(&mut self) {
        self.partial = String::new();
        self.pending_cr = false;
    }

    fn split(&mut self, text: &str, on_line: &mut dyn FnMut(&str) -> Result<(), FrameError>) -> Result<(), FrameError> {
        let bytes = text.as_bytes();
        let mut start = 0;
        if self.pending_cr && !bytes.is_empty() {
            self.pending_cr = false;
            if bytes[0] == b'\n' {
                self.scanned += 1;
                start = 1;
            }
        }
        while start < bytes.len() {
            let rest = &bytes[start..];
            let Some(offset) = rest.iter().position(|&b| b == b'\n' || b == b'\r') else {
                self.scanned += rest.len() as u64;
                break;
            };
            self.scanned += offset as u64 + 1;
            let end = start + offset;
            // CR and LF are ASCII, so `start` and `end` are always on char boundaries.
            let piece = text.get(start..end).unwrap_or_default();
            self.check_len(self.partial.len() + piece.len())?;
            if self.partial.is_empty() {
                on_line(piece)?;
            } else {
                self.partial.push_str(piece);
                let line = std::mem::take(&mut self.partial);
                let outcome = on_line(&line);
                self.recycle(line);
                outcome?;
            }
            start = end + 1;
            if bytes[end] == b'\r' {
                match bytes.get(start) {
                    Some(b'\n') => {
                        self.scanned += 1;
                        start += 1;
                    }
                    Some(_) => {}
                    // The LF of a CRLF pair may open the next piece.
                    None => self.pending_cr = true,
                }
            }
        }
        if start < bytes.len() {
            let tail = text.get(start..).unwrap_or_default();
            self.check_len(self.partial.len() + tail.len())?;
            self.partial.push_str(tail);
        }
        Ok(())
    }

    fn check_len(&self, len: usize) -> Result<(), FrameError> {
        if len > self.max_line {
            return Err(FrameError::LineTooLong { limit: self.max_line });
        }
        Ok(())
    }

    /// Reuses a completed line's allocation for the next partial line, within the retained-capacity bound.
    fn recycle(&mut self, mut line: String) {
        line.clear();
        if line.capacity() > RETAINED_CAPACITY {
            line.shrink_to(RETAINED_CAPACITY);
        }
        self.partial = line;
    }

    /// Makes `error` terminal: every later call returns it.
    pub(crate) fn fail(&mut self, error: FrameError) {
        self.failed = Some(error);
        self.partial = String::new();
        self.pending_cr = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines_of(splitter: &mut LineSplitter, pieces: &[&str]) -> Vec<String> {
        let mut lines = Vec::new();
        for piece in pieces {
            let pushed = splitter.push(piece, |line| {
                lines.push(line.to_owned());
                Ok(())
            });
            assert!(pushed.is_ok(), "should accept short lines");
        }
        lines
    }

    #[test]
    fn should_release_the_memory_of_a_long_line_once_it_ends() {
        let mut splitter = LineSplitter::new(1024);
        let long = "x".repeat(200);
        let lines = lines_of(&mut splitter, &[&long[..100], &long[100..], "\nab"]);
        assert_eq!(lines, vec![long.clone()], "should hand out the joined line");
        assert!(splitter.partial.capacity() <= RETAINED_CAPACITY.max(2), "should not keep the long line's allocation");
        assert_eq!(splitter.partial, "ab", "should hold the next partial line");
    }

    #[test]
    fn should_keep_a_pending_cr_across_an_empty_piece() {
        let mut splitter = LineSplitter::new(64);
        let lines = lines_of(&mut splitter, &["a\r", "", "\nb\n"]);
        assert_eq!(lines, vec!["a", "b"], "should count CR, empty piece, LF as one line end");
    }
}
