//! The commit point: which top-level blocks of a parse are final.
//!
//! CommonMark decides block structure line by line, and text appended later can only change the block that holds the
//! last line. So a top-level block is final once a later block has started on a *complete* line (a partial line such
//! as `#` may yet be `#hashtag` continuing the paragraph above), and a block nothing after it can change ([`Closing`]:
//! a closed fence, a heading; a paragraph, table or quote after a blank line; a list once text no item can take starts
//! after a blank line at the margin) is final at once. Definitions make no block, but one that starts on a complete
//! line after the last block ends every block before it, and a blank line ends the definitions before it.
//!
//! [`decide`] reads a parse's [`Layout`] (where its blocks lie in the text) and returns the [`Commit`]: how many
//! blocks are final and the line the open tail starts at. The engine then freezes those blocks (their DOM is never
//! touched again), reads the definitions between them ([`Commit::covered`]: the lines the blocks cover; the others
//! are definitions) and moves its [`CommitPoint`].

use super::render::{self, RenderedDoc};
use super::scan::{first_line, indent_columns, line_starts};
use crate::patch::Node;
use std::ops::Range;

/// Where the final part of the text ends, and what it holds.
#[derive(Debug, Default)]
pub(super) struct CommitPoint {
    /// `src[..len]` holds only final blocks (and the definitions among them).
    pub(super) len: usize,
    /// The first `blocks` mounted top-level blocks are final: no later render touches their DOM (a late definition
    /// patches the ones that use it, see `definitions.rs`).
    pub(super) blocks: usize,
    /// The source range of every committed block (for re-rendering one when a definition arrives after its use).
    pub(super) sources: Vec<Range<usize>>,
}

impl CommitPoint {
    /// Where the last committed block's source ends (0 with none).
    pub(super) fn last_block_end(&self) -> usize {
        self.sources.last().map_or(0, |range| range.end)
    }
}

/// When a top-level block can no longer change, whatever follows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Closing {
    /// Already: a closed fence, an ATX heading, a thematic break.
    Closed,
    /// After a blank line: a paragraph, a table, a block quote.
    ByBlankLine,
    /// When the next block starts after a blank line at the margin with text no list item can take (a list).
    ByUnindentedText,
    /// Not by the lines after it alone (indented code, HTML blocks…).
    Open,
}

fn closing(block: &render::RenderedBlock) -> Closing {
    let tag = match &block.node {
        Node::Element(el) => el.tag,
        _ => return Closing::Open,
    };
    match (&block.detail, tag) {
        (render::BlockDetail::Fence { closed: true }, _) => Closing::Closed,
        (render::BlockDetail::Other, "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "hr") => Closing::Closed,
        (render::BlockDetail::Paragraph | render::BlockDetail::Table { .. }, _) => Closing::ByBlankLine,
        (
            render::BlockDetail::Other | render::BlockDetail::QuotedList { .. } | render::BlockDetail::QuotedHtml,
            "blockquote",
        ) => Closing::ByBlankLine,
        (render::BlockDetail::List { .. }, _) => Closing::ByUnindentedText,
        _ => Closing::Open,
    }
}

/// Where a parse's blocks lie in the text it was parsed from (`body`, the text after the parse's start), by line.
/// The parse read a prefix (footnote definitions) and a context before `body`; block lines are shifted to lines of
/// `body`, 1-based (0 or less: inside the prefix or context).
#[derive(Debug)]
pub(super) struct Layout {
    /// Where each line of the body starts (line 1 at index 0; a last entry at the end after a final line ending).
    pub(super) body_lines: Vec<usize>,
    /// The body's last line when it has no line ending yet.
    pub(super) incomplete_last_line: Option<isize>,
    pub(super) start_lines: Vec<isize>,
    pub(super) end_lines: Vec<isize>,
    /// Per block, the definition lines it starts with (0 for a paragraph a table's header line left: comrak takes
    /// definitions out of a paragraph only when the paragraph closes).
    pub(super) definition_counts: Vec<isize>,
    pub(super) closes: Vec<Closing>,
    pub(super) is_table: Vec<bool>,
    /// How much of the body the parse saw (speculation may hold back its last lines).
    pub(super) shown_body_len: usize,
    skip_lines: isize,
}

impl Layout {
    pub(super) fn of(doc: &RenderedDoc, prefix: &str, context: &str, body: &str, shown_body_len: usize) -> Layout {
        let skip_lines = (line_starts(prefix).len() - 1 + line_starts(context).len() - 1) as isize;
        let body_lines = line_starts(body);
        let incomplete_last_line =
            if body.ends_with(['\n', '\r']) || body.is_empty() { None } else { Some(body_lines.len() as isize) };
        let to_body_line = |line: usize| line as isize - skip_lines;
        let definition_counts = doc
            .blocks
            .iter()
            .enumerate()
            .map(|(i, block)| {
                let table_under = doc.blocks.get(i + 1).is_some_and(|next| {
                    matches!(next.detail, render::BlockDetail::Table { .. }) && next.start_line == block.end_line + 1
                });
                if table_under {
                    0
                } else {
                    block.definition_lines as isize
                }
            })
            .collect();
        Layout {
            body_lines,
            incomplete_last_line,
            start_lines: doc.blocks.iter().map(|b| to_body_line(b.start_line)).collect(),
            end_lines: doc.blocks.iter().map(|b| to_body_line(b.end_line)).collect(),
            definition_counts,
            closes: doc.blocks.iter().map(closing).collect(),
            is_table: doc.blocks.iter().map(|b| matches!(b.detail, render::BlockDetail::Table { .. })).collect(),
            shown_body_len,
            skip_lines,
        }
    }

    pub(super) fn block_count(&self) -> usize {
        self.start_lines.len()
    }

    /// A line of the parsed text as a line of the body.
    pub(super) fn to_body_line(&self, line: usize) -> isize {
        line as isize - self.skip_lines
    }

    /// Where body line `line` starts (lines before the first count as the first).
    pub(super) fn line_offset(&self, line: isize) -> Option<usize> {
        self.body_lines.get((line.max(1) - 1) as usize).copied()
    }

    /// The text of body line `line`, without its ending.
    pub(super) fn line_text<'b>(&self, body: &'b str, line: isize) -> &'b str {
        self.line_offset(line).map_or("", |at| first_line(&body[at..]))
    }

    /// Whether body line `line` is in the body and complete.
    pub(super) fn complete(&self, line: isize) -> bool {
        Some(line) != self.incomplete_last_line && line >= 1
    }

    /// The body's last line, complete or not.
    pub(super) fn last_line(&self) -> isize {
        self.body_lines.len() as isize - isize::from(self.incomplete_last_line.is_none())
    }

    /// Whether body line `line` is a blank line the parse saw.
    fn shown_blank(&self, body: &str, line: isize) -> bool {
        self.line_offset(line).is_some_and(|at| at < self.shown_body_len && first_line(&body[at..]).trim().is_empty())
    }
}

/// What a parse commits: its first `final_count` blocks are final, and the open tail starts at body line `line`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Commit {
    pub(super) final_count: usize,
    pub(super) line: isize,
}

/// What [`decide`] needs besides the layout.
pub(super) struct Situation<'b> {
    /// The text the parse started at (after its context).
    pub(super) body: &'b str,
    /// The end of input: every block is final.
    pub(super) finished: bool,
    /// The parse resumed inside the open block (its first block continues it).
    pub(super) resumed: bool,
    /// The parse's last block is raw HTML (in trusted mode it takes the blocks after it until it closes).
    pub(super) last_is_raw_html: bool,
    pub(super) gfm: bool,
}

/// The blocks of a parse that are final, and where the open tail starts; `None` when nothing commits.
pub(super) fn decide(layout: &Layout, at: &Situation<'_>) -> Option<Commit> {
    let block_count = layout.block_count();
    let (mut final_count, mut line) = final_blocks(layout, at.body);
    if at.finished {
        // The end of input ends every block.
        final_count = block_count;
        line = Some(layout.body_lines.len() as isize + 1);
    }
    if !at.finished && (!at.resumed || block_count > 0) && !at.last_is_raw_html {
        if let Some(after_definitions) = definitions_end(layout, at) {
            final_count = block_count;
            line = Some(after_definitions);
        }
    }
    let line = line?;
    (final_count > 0 || block_count == 0).then_some(Commit { final_count, line })
}

/// How many leading blocks are final by the blocks after them (or by a blank line), and the line after them.
fn final_blocks(layout: &Layout, body: &str) -> (usize, Option<isize>) {
    let block_count = layout.block_count();
    let incomplete = layout.incomplete_last_line;
    // Every block but the last whose successor starts on a complete line is final.
    let mut final_count = 0;
    // (A table whose delimiter row is the partial last line is not one yet: with more cells it may not be, and
    // its header line then goes on the paragraph before it.)
    for (index, &start_line) in layout.start_lines.iter().enumerate().skip(1) {
        let pending_table = layout.is_table[index] && Some(start_line + 1) == incomplete;
        if Some(start_line) != incomplete && start_line >= 1 && !pending_table {
            final_count = index;
        }
    }
    // A block that nothing after it can change is final too, even while the next block is on a partial line
    // (a long paragraph after a code fence must not keep the fence in every parse).
    let blank_after = |line: isize| {
        Some(line + 1) != incomplete && layout.shown_blank(body, line + 1) && layout.line_offset(line + 2).is_some()
    };
    // The last block too, once a blank line ends it: the commit point is then the line after the blank line.
    while final_count < block_count {
        let done = match layout.closes[final_count] {
            Closing::Closed => final_count + 1 < block_count,
            Closing::ByBlankLine => blank_after(layout.end_lines[final_count]),
            // Not indented, not a list marker, after a blank line: no item of the list goes on there.
            Closing::ByUnindentedText => layout.start_lines.get(final_count + 1).is_some_and(|&next| {
                next >= 2
                    && layout.line_offset(next - 1).is_some_and(|at| first_line(&body[at..]).trim().is_empty())
                    && layout.line_offset(next).is_some_and(|at| {
                        at < layout.shown_body_len
                            && body[at..].chars().next().is_some_and(|c| {
                                !c.is_whitespace() && !c.is_ascii_digit() && !matches!(c, '-' | '*' | '+')
                            })
                    })
            }),
            Closing::Open => false,
        };
        if !done {
            break;
        }
        final_count += 1;
    }
    let line = match final_count.checked_sub(1) {
        Some(last) if final_count == block_count => Some(layout.end_lines[last] + 2),
        _ => layout.start_lines.get(final_count).copied(),
    };
    (final_count, line)
}

/// Where definitions after the last block end every block before them: a definition that starts on a complete line
/// after the last block (that line), or a blank line after definitions (the line after it).
fn definitions_end(layout: &Layout, at: &Situation<'_>) -> Option<isize> {
    let body = at.body;
    let last_end = layout.end_lines.last().copied().unwrap_or(0);
    let complete_lines = layout.body_lines.len() as isize - isize::from(layout.incomplete_last_line.is_some());
    let footnote_start =
        |line: isize| at.gfm && super::footnotes::footnote_label(layout.line_text(body, line)).is_some();
    // Under a footnote definition, only another footnote definition or a blank line starts anew: any other
    // line (a link definition too) continues the footnote's paragraph. The footnote goes on past a blank line
    // with an indented line, whose paragraph takes lazy lines just the same.
    let under_footnote = |line: isize| {
        let mut above = line - 1;
        while above > last_end {
            if layout.line_text(body, above).trim().is_empty() {
                if indent_columns(layout.line_text(body, above + 1)) < 4 {
                    return false;
                }
            } else if footnote_start(above) {
                return true;
            }
            above -= 1;
        }
        false
    };
    // comrak may end a list whose last item holds an open fence before the fence's lines (at the end of
    // the text, after a blank line): an indented line there may be the item's, so after a list only lines
    // at the margin are known to be outside it.
    let after_list = layout.closes.last() == Some(&Closing::ByUnindentedText);
    let outside_blocks = |line: isize| {
        !after_list
            || (last_end + 1..=line).all(|l| {
                let text = layout.line_text(body, l);
                text.trim().is_empty() || !text.starts_with([' ', '\t'])
            })
    };
    let definition_start = (last_end + 1..complete_lines).rev().find(|&line| {
        // Only a line the parse saw: a hidden one (a pending table header…) may yet be something else.
        // (At most 3 spaces in: a line indented more is code, or continues a footnote after a blank line.)
        layout.line_offset(line).is_some_and(|at| {
            let indented = body[at..].trim_start_matches(' ');
            at < layout.shown_body_len && indented.starts_with('[') && body.len() - indented.len() - at <= 3
        }) && (footnote_start(line) || !under_footnote(line))
            && outside_blocks(line)
    });
    let mut end = definition_start.filter(|&line| line > 1);
    // A blank line after them ends link definitions too, and footnote definitions once the line after it
    // starts at the margin (an indented one would continue the footnote; hidden or not, its start is known).
    let blank = (last_end + 1..layout.body_lines.len() as isize)
        .rev()
        .find(|&line| layout.shown_blank(body, line) && layout.line_offset(line + 1).is_some());
    if let (Some(blank), Some(from)) = (blank, layout.line_offset(last_end + 1)) {
        let region = &body[from..layout.line_offset(blank).unwrap_or(from)];
        let next_at_margin =
            layout.line_offset(blank + 1).and_then(|at| body[at..].chars().next()).is_some_and(|c| !c.is_whitespace());
        if region.contains("]:") && (!(at.gfm && region.contains("[^")) || next_at_margin) && outside_blocks(blank) {
            end = Some(blank + 1);
        }
    }
    end
}

impl Commit {
    /// Where the open tail starts in the body, and the body ranges the final blocks cover (each from its text's
    /// start, after a paragraph's leading definition lines, through the blank lines after it): the lines between
    /// them are definitions. A resumed parse's first block began before the body, at `committed_len - base`.
    pub(super) fn covered(&self, layout: &Layout, body: &str, resumed: bool) -> (usize, Vec<(usize, usize)>) {
        let offset_or_end = |line: isize| layout.line_offset(line).unwrap_or(body.len());
        let commit_offset = offset_or_end(self.line);
        // A paragraph's leading definition lines are definitions, not the block's text.
        let block_start = |i: usize| {
            if i == 0 && resumed {
                0
            } else {
                offset_or_end(layout.start_lines[i] + layout.definition_counts[i])
            }
        };
        // A block's source runs on over the blank lines after its last line: comrak may end a block before
        // blank lines its content holds (an open fence in a list item), and a re-render of the source for a late
        // definition must see them.
        let through_blank_lines = |mut at: usize| {
            while at < commit_offset {
                let line = first_line(&body[at..]);
                if !line.trim().is_empty() {
                    break;
                }
                at += line.len();
                at += if body[at..].starts_with("\r\n") { 2 } else { 1 };
            }
            at.min(body.len())
        };
        let covered = (0..self.final_count)
            .map(|i| (block_start(i), through_blank_lines(offset_or_end(layout.end_lines[i] + 1))))
            .collect();
        (commit_offset, covered)
    }
}
