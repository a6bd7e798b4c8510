//! The engine's side of the open block: after a parse, where the next parse may resume inside the block that is
//! still open (or a candidate for that), chosen by the block's construct from the parse that was shown and the
//! mounted DOM; and the cheapest render, text appended in place. The constructs' own resume plans (their context,
//! fit check and splice) are in `fence.rs`, `list.rs`, `paragraph.rs`, `quote.rs`, `table.rs` and `html_block.rs`
//! one level up; `mod.rs` there runs the render and calls in here.
//!
//! - this file: the choice by construct ([`IncrementalMarkdown::plan_next_resume`]), the fence's, table's and HTML
//!   block's plans, and a candidate taken once the text after it shows it parses as in place;
//! - `paragraph.rs`: the open paragraph's settledness scan, its resume after the last settled word, and its
//!   segments;
//! - `list_items.rs`: the open list's resume at its last item, and the next line of a tight list's last item;
//! - `nested.rs`: the line being typed inside block quotes or a list item, parsed alone after its container markers;
//! - `append.rs`: plain text appended in place to the node that ends the open block, with no parse.

mod append;
mod list_items;
mod nested;
mod paragraph;

use crate::markdown::fence;
use crate::markdown::html_block;
use crate::markdown::leaf::{code_text, leaf_text, Leaf};
use crate::markdown::list;
use crate::markdown::pass::ShownTail;
use crate::markdown::quote;
use crate::markdown::render;
use crate::markdown::resume::{mounted_tag, Boundary, Resume, Target};
use crate::markdown::scan::{first_line, resumes_nested, starts_plainly};
use crate::markdown::table;
use crate::markdown::IncrementalMarkdown;
use crate::patch::diff::{Mounted, MountedKind};

impl IncrementalMarkdown {
    /// After a parse that left one open block: where the next parse may resume inside it (or a candidate for that),
    /// by the block's construct.
    pub(in crate::markdown) fn plan_next_resume(&mut self, shown: &mut ShownTail<'_>) {
        let open_detail = shown.open_detail.take();
        let shown = &*shown;
        let (resume, layout) = (shown.resume, &shown.layout);
        self.tail.resume = resume.cloned();
        self.tail.open_list_tight = None;
        // A block that began with definitions never resumes (the last definition may yet take following lines
        // as its title), and the open block must reach the end of the text (definition lines after a paragraph
        // are not its text, and a paragraph resume assumes they are).
        let only_open_block = self.blocks.len() == self.commit.blocks + 1
            && layout.block_count() <= 1
            && layout.definition_counts.first().is_none_or(|&count| count == 0)
            && layout.end_lines.first().is_none_or(|&end| end >= layout.last_line());
        let open_is_quote = self.blocks.last().is_some_and(|b| mounted_tag(b) == "blockquote");
        let open_is_tight_list = matches!(open_detail, Some(render::BlockDetail::List { tight: true, .. }));
        // A last line speculation holds back (Unicode spaces, a marker alone) is not in the parse: a paragraph that
        // reaches the end of what was parsed is still the one open block, and keeps its scan (once dropped, it would
        // not resume again before its end).
        let held_back = layout.shown_body_len < self.src.len() - shown.base;
        let parsed_last_line =
            layout.body_lines.iter().filter(|&&start| start < layout.shown_body_len).count() as isize;
        let paragraph_to_parsed_end = held_back
            && open_detail == Some(render::BlockDetail::Paragraph)
            && self.blocks.len() == self.commit.blocks + 1
            && layout.block_count() == 1
            && layout.definition_counts.first() == Some(&0)
            && layout.end_lines.first().is_some_and(|&end| end >= parsed_last_line);
        if !only_open_block
            || (open_detail != Some(render::BlockDetail::Paragraph) && !open_is_quote && !open_is_tight_list)
        {
            // Settledness is tracked only while an open paragraph is the one open block (an HTML block shown as
            // text is not a paragraph; a second open block would not be where a paragraph resume splices).
            if !paragraph_to_parsed_end {
                self.tail.settle = None;
            }
            self.tail.candidate = None;
        }
        if !only_open_block {
            return;
        }
        let (Some(detail), Some(&open_start)) = (open_detail, layout.start_lines.first()) else { return };
        if let Some((shape, fence_line)) = shown.open_fence.as_ref().filter(|_| !shown.speculated) {
            let code = match self.blocks.last_mut().and_then(leaf_text) {
                Some((Leaf::Code, Mounted { kind: MountedKind::Text(code), .. })) => code.as_str(),
                _ => "",
            };
            self.tail.open_fence = fence::OpenFence::after_parse(*shape, fence_line, &self.src, code);
        }
        // Definitions the open tail holds before its block must reach parses resumed inside the block.
        let open_defs = match resume {
            Some(r) => r.defs.clone(),
            None => {
                // With the definitions a paragraph starts with: a resume point lies after them.
                let text_start = open_start + layout.definition_counts.first().copied().unwrap_or(0);
                let body = &self.src[shown.base..];
                let before_block = &body[..layout.line_offset(text_start).unwrap_or(0)];
                if before_block.contains("]:") {
                    format!("{before_block}\n")
                } else {
                    String::new()
                }
            }
        };
        // Where the open block starts, for constructs that begin a scan there (a resumed parse continues one).
        let start = resume.map_or_else(|| layout.line_offset(open_start).map(|at| shown.base + at), |_| None);
        let in_quote = self.blocks.last().is_some_and(|b| mounted_tag(b) == "blockquote");
        let next = match detail {
            render::BlockDetail::Fence { closed: false }
                if layout.incomplete_last_line.is_none() && !shown.speculated =>
            {
                Some(self.fence_resume(shown, open_start, open_defs))
            }
            render::BlockDetail::List { tight, marker, item_lines } => {
                self.list_resume(shown, list::OpenList { tight, marker, tag: "", defs: open_defs }, &item_lines)
            }
            render::BlockDetail::QuotedList { path, tight, item_lines } => {
                // Resume at the last item that started on a complete line, quote markers and all (a resumed
                // parse's path leads through its own quotes; the mounted one is the resume's).
                let path = match resume.map(|r| &r.target) {
                    Some(Target::Descendant(mounted)) => mounted.clone(),
                    _ => path,
                };
                let last_item = list::ItemMap::of(resume).last_complete_item(
                    &item_lines,
                    |line| layout.to_body_line(line),
                    |line| layout.complete(line),
                );
                last_item.and_then(|(index, line)| {
                    quote::item_resume(shown.base + layout.line_offset(line)?, index, path, tight, open_defs)
                })
            }
            render::BlockDetail::Table { row_lines } => self.table_resume(shown, open_start, &row_lines, open_defs),
            render::BlockDetail::Other if layout.incomplete_last_line.is_none() && !shown.speculated && in_quote => {
                self.quote_candidate(start, open_defs)
            }
            render::BlockDetail::Other if !shown.speculated && in_quote => {
                self.nested_candidate(start, open_defs, false);
                None
            }
            render::BlockDetail::Html { until_blank_line: true }
                if resume.is_none() && !shown.speculated && !self.opts.raw_html_passes() =>
            {
                self.html_block_plan(start);
                None
            }
            render::BlockDetail::Paragraph => {
                self.paragraph_plan(start, open_defs, shown.speculated, shown.shows_all_text);
                None
            }
            _ => None,
        };
        if let Some(next) = next {
            if self.tail.resume.as_ref().is_none_or(|r| next.at > r.at) {
                self.tail.resume = Some(next);
            }
        }
    }

    /// The open HTML block shown as text (starting at `start`): its next lines may append in place.
    fn html_block_plan(&mut self, start: Option<usize>) {
        let shown_text = match self.blocks.last_mut().and_then(leaf_text) {
            Some((Leaf::Inline, Mounted { kind: MountedKind::Text(text), .. })) => text.as_str(),
            _ => "",
        };
        self.tail.open_html =
            start.and_then(|start| html_block::OpenHtmlBlock::after_parse(&self.src, start, shown_text));
    }

    /// The open fence's next parse: at its last complete line, with its opening line as context.
    fn fence_resume(&self, shown: &ShownTail<'_>, open_start: isize, open_defs: String) -> Resume {
        // (A resumed parse's fence opened in its context: the body's first line is content.)
        let context = match shown.resume {
            Some(r) => r.context.clone(),
            None => {
                let body = &self.src[shown.base..];
                let at = shown.layout.line_offset(open_start);
                at.map(|at| format!("{}\n", first_line(&body[at..]))).unwrap_or_default()
            }
        };
        let code_text = self.blocks.last().and_then(code_text);
        fence::line_resume(self.src.len(), context, open_defs, code_text)
    }

    /// The open table's next parse: after its last complete row (partial rows are never shown), so each row is
    /// parsed once, with a minimal header as context. A body row is its own line, final once the line is complete.
    fn table_resume(
        &self,
        shown: &ShownTail<'_>,
        open_start: isize,
        row_lines: &[usize],
        open_defs: String,
    ) -> Option<Resume> {
        let (resume, base, layout) = (shown.resume, shown.base, &shown.layout);
        let rows: Vec<isize> = row_lines.iter().map(|&l| layout.to_body_line(l)).filter(|&l| l >= 1).collect();
        let after_rows = rows.last().filter(|&&last| layout.complete(last)).map(|&last| last + 1);
        let at = after_rows.and_then(|line| layout.line_offset(line))?;
        // Items (or rows) before the parse's first: a resume inside the last item continues the item at its path.
        let kept_before = resume.map_or(0, |r| match &r.target {
            Target::Spine(path) => path.first().map_or(0, |&(index, _)| index),
            _ => r.kept,
        });
        let context = match resume {
            Some(r) => Some(r.context.clone()),
            None => {
                let body = &self.src[base..];
                let header = layout.line_offset(open_start).unwrap_or(0);
                let header_line = first_line(&body[header..]);
                let after_header = body[header + header_line.len()..].trim_start_matches(['\r', '\n']);
                table::table_context(first_line(after_header))
            }
        };
        context.map(|context| table::row_resume(base + at, context, kept_before + rows.len(), open_defs))
    }

    /// A candidate inside a quote line or list item becomes the resume point once the text after it shows it parses
    /// after the container markers exactly as in place (see [`resumes_nested`]). Returns whether the text after a
    /// line-start candidate is indentation alone (the render waits for more).
    pub(in crate::markdown) fn promote_candidate(&mut self) -> bool {
        let Some(candidate) = &mut self.tail.candidate else { return false };
        if matches!(&candidate.boundary, Some(Boundary::Copied(b)) if b.ends_with('\n')) {
            // At a line start (a list item's next line): the line's indentation is not its text. While it is all
            // that arrived, nothing is shown and nothing needs a parse.
            let spaces = self.src[candidate.at..].len() - self.src[candidate.at..].trim_start_matches(' ').len();
            if candidate.at + spaces == self.src.len() {
                return true;
            }
            candidate.at += spaces;
        }
        let rest = &self.src[candidate.at..];
        match starts_plainly(rest) {
            None => {} // too little text after the candidate to tell yet
            Some(_) if resumes_nested(rest) => self.tail.resume = self.tail.candidate.take(),
            Some(_) => self.tail.candidate = None,
        }
        false
    }
}
