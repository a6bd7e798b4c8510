//! The open fenced code block's plan: its lines go into the code text as they arrive, with no parse at all, as long
//! as none of them can close the fence or leave the containers it is in; and where one may, the next parse resumes at
//! the fence's last line.
//!
//! - **Context**: the fence's [`FenceShape`] from the last parse (the list items' content column, the fence's own
//!   indentation, its character and length), and how far the code text shows the source.
//! - **Fit check** ([`OpenFence::append`]): every line after that point is read as comrak reads it in place. A line
//!   indented less than its list items (it ends them), one that may be a closing fence, a tab in the indentation, a
//!   lone CR or a NUL does not fit: the engine parses instead. A partial line whose start is not known yet (spaces
//!   only, or fence characters only) shows nothing until it is.
//! - **Splice**: the code the lines add is appended to the text node that ends the code block.
//!
//! A fence at the top level also resumes at its last complete line ([`line_resume`]) when a parse is needed.

use super::render::FenceShape;
use super::resume::{Boundary, Resume, Target};

/// What a line of the source is to the open fence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LineFit {
    /// Code from this byte of the line on (the containers' and the fence's indentation come off).
    Code(usize),
    /// Not known yet: a partial line of spaces, or of spaces and fence characters.
    Undecided,
    /// It may close the fence or end a container, or the plan does not follow it: the block needs a parse.
    Leaves,
}

/// The open fence that ends the open block, and how much of the source its code text shows.
#[derive(Debug, Clone)]
pub(super) struct OpenFence {
    shape: FenceShape,
    /// The code text shows the source up to this byte.
    shown_to: usize,
    /// `shown_to` is inside a line already known to be code: the rest of that line is code as written.
    in_line: bool,
}

impl OpenFence {
    /// The plan after a parse of `src` (the whole text so far) whose open block ends in the open fence `shape`, whose
    /// opening line is `fence_line`, and whose code text the DOM now shows as `code`. `None` when the plan cannot
    /// vouch that appending to `code` shows what a parse would (the fence's indentation has a tab, the code does not
    /// end with the source's last line as read here).
    pub(super) fn after_parse(shape: FenceShape, fence_line: &str, src: &str, code: &str) -> Option<OpenFence> {
        let before_fence = fence_line.get(..shape.container + shape.offset)?;
        if before_fence.contains('\t') || fence_line.as_bytes().get(before_fence.len()) != Some(&shape.fence_char) {
            return None;
        }
        let line_start = src.rfind('\n').map_or(0, |at| at + 1);
        let partial = &src[line_start..];
        // The last complete line must be the code's last line (it may be the fence line itself only with no code), with
        // its line ending as written (code keeps a CRLF).
        let complete = src[..line_start].strip_suffix('\n')?;
        let (last, ending) = match complete.strip_suffix('\r') {
            Some(last) => (last, "\r\n"),
            None => (complete, "\n"),
        };
        let last = &last[last.rfind('\n').map_or(0, |at| at + 1)..];
        let mut plan = OpenFence { shape, shown_to: line_start, in_line: false };
        let shown_partial = match fit(&shape, partial, false) {
            LineFit::Code(at) if !partial.contains(['\r', '\0']) => {
                plan.shown_to = src.len();
                plan.in_line = true;
                &partial[at..]
            }
            LineFit::Undecided => "", // spaces alone show nothing, fence characters alone are held back
            _ => return None,
        };
        if last == fence_line {
            // The first line of code is being typed: the code is what is shown of it.
            return (code == shown_partial).then_some(plan);
        }
        let LineFit::Code(from) = fit(&shape, last, true) else { return None };
        let mut rest = code;
        for piece in [&last[from..], ending, shown_partial].iter().rev() {
            rest = rest.strip_suffix(piece)?;
        }
        // The code's line before the last one ends there (no more of the last line is shown than the source has).
        (rest.is_empty() || rest.ends_with('\n')).then_some(plan)
    }

    /// The code that the source after what is shown adds (possibly nothing: a partial line not known yet), or `None`
    /// when a line does not fit (the block needs a parse; the plan is spent).
    pub(super) fn append(&mut self, src: &str) -> Option<String> {
        let mut code = String::new();
        let mut at = self.shown_to;
        while at < src.len() {
            let line_end = src[at..].find('\n').map(|end| at + end);
            let end = line_end.unwrap_or(src.len());
            let mut line = &src[at..end];
            // Code keeps the line ending as written.
            let ending = match line.strip_suffix('\r').filter(|_| line_end.is_some()) {
                Some(without_cr) => {
                    line = without_cr;
                    "\r\n"
                }
                None => "\n",
            };
            if line.contains(['\r', '\0']) {
                return None; // a lone CR ends a line; NUL becomes U+FFFD: the parse decides
            }
            if !self.in_line {
                match fit(&self.shape, line, line_end.is_some()) {
                    LineFit::Code(from) => line = &line[from..],
                    LineFit::Undecided => break,
                    LineFit::Leaves => return None,
                }
                self.in_line = true;
            }
            code.push_str(line);
            match line_end {
                Some(end) => {
                    code.push_str(ending);
                    at = end + 1;
                    self.in_line = false;
                }
                None => at = end,
            }
        }
        self.shown_to = at;
        Some(code)
    }
}

impl OpenFence {
    /// Whether the source after what is shown holds text a parse would show (a partial line of fence characters,
    /// held back until it is known): the DOM is then not the parse of the text as it is.
    pub(super) fn holds_text(&self, src: &str) -> bool {
        src.get(self.shown_to..).is_some_and(|held| !held.trim_matches([' ', '\t']).is_empty())
    }
}

/// How comrak reads `line` (without its line ending; `complete`: the ending has arrived) inside the open fence.
fn fit(shape: &FenceShape, line: &str, complete: bool) -> LineFit {
    let spaces = line.len() - line.trim_start_matches(' ').len();
    let rest = &line[spaces..];
    if rest.starts_with('\t') {
        return LineFit::Leaves;
    }
    if rest.is_empty() {
        // A blank line stays in the list items; it loses their indentation and up to the fence's own.
        let own = spaces.saturating_sub(shape.container);
        return if complete {
            LineFit::Code(spaces.min(shape.container) + own.min(shape.offset))
        } else {
            LineFit::Undecided
        };
    }
    if spaces < shape.container {
        return LineFit::Leaves; // less indented than the item's content: the item ends
    }
    let own = spaces - shape.container;
    if own <= 3 && rest.as_bytes()[0] == shape.fence_char {
        let run = rest.bytes().take_while(|&b| b == shape.fence_char).count();
        if rest[run..].bytes().all(|b| b == b' ' || b == b'\t') {
            if !complete {
                return LineFit::Undecided; // more fence characters may come
            }
            if run >= shape.fence_len {
                return LineFit::Leaves; // the closing fence
            }
        }
    }
    LineFit::Code(shape.container + own.min(shape.offset))
}

/// Where the next parse of a fence at the top level resumes: at the end of the text (which ends a line), with the
/// opening fence line as context and the code shown so far as the boundary the parsed code continues.
pub(super) fn line_resume(at: usize, context: String, defs: String, code_text: Option<String>) -> Resume {
    Resume {
        at,
        defs,
        context,
        block_tag: "pre",
        target: Target::Child(0),
        kept: 0,
        boundary: code_text.map(Boundary::Copied),
        drop_first: 0,
        tight: None,
        lead_word: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::render::render;
    use crate::options::RenderOptions;

    /// The code text of the first code block of a one-shot render, and the open fence's shape.
    fn parsed(doc: &str) -> (String, Option<FenceShape>) {
        let rendered = render(doc, &RenderOptions::default());
        let shape = rendered.blocks.first().and_then(|b| b.open_fence);
        let html = rendered.to_html();
        let code = html.split_once("<code>").and_then(|(_, rest)| rest.split_once("</code>")).map(|(code, _)| code);
        (code.unwrap_or_default().to_owned(), shape)
    }

    #[track_caller]
    fn appends_as_parsed(start: &str, more: &str) {
        let (code, shape) = parsed(start);
        let shape = shape.expect("the document should end in an open fence");
        let fence_line = start.lines().nth(shape.start_line - 1).unwrap();
        let mut plan = OpenFence::after_parse(shape, fence_line, start, &code).expect("the plan should fit the parse");
        let whole = format!("{start}{more}");
        let added = plan.append(&whole).expect("the lines should fit");
        let (after, _) = parsed(&whole);
        assert_eq!(format!("{code}{added}"), after, "appending {more:?} to {start:?} should show what a parse shows");
    }

    #[test]
    fn lines_of_a_fence_in_a_list_item_append_as_comrak_reads_them() {
        appends_as_parsed("1. a\n\n   ```\n", "   x\n   y");
        appends_as_parsed("1. a\n\n   ```\n   x", "y\n   z");
        appends_as_parsed("~~~\n", "a\n");
        let start = "1. a\n\n   ```\n   x\n";
        for more in [
            "   y\n",
            "      y\n",
            "\n",
            "      \n",
            "  \n",
            "   ``x\n",
            "   ``\n",
            "   y",
            "   ",
            "  ",
            "       ```\n",
        ] {
            appends_as_parsed(start, more);
        }
        appends_as_parsed("- a\n  - b\n     ~~~~\n     x\n", "      y\n     ~~~\n  \n");
        appends_as_parsed("```\r\na\r\n", "b\r\n  \r\n\r\nc");
        appends_as_parsed("- x\n  ```\n  a\r\n", "  b\r\n\r\n   c\r\n  d");
    }

    #[test]
    fn a_line_that_may_close_or_leave_the_fence_does_not_fit() {
        let start = "1. a\n\n   ```\n   x\n";
        let (code, shape) = parsed(start);
        let shape = shape.unwrap();
        for more in ["   ```\n", "  y\n", "\ty\n", "   \ty\n", "y\rz\n"] {
            let mut plan = OpenFence::after_parse(shape, "   ```", start, &code).unwrap();
            assert_eq!(plan.append(&format!("{start}{more}")), None, "{more:?} should need a parse");
        }
        let mut plan = OpenFence::after_parse(shape, "   ```", start, &code).unwrap();
        assert_eq!(plan.append(&format!("{start}   ``")).as_deref(), Some(""), "a possible fence waits");
    }
}
