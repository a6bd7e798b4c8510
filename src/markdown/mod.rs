//! Stage ④: incremental markdown. Text deltas in, patch ops out.
//!
//! The document is split at a *commit point*: top-level blocks before it are final and frozen (their DOM is never
//! touched again while streaming); the open tail after it is re-parsed with comrak on each [`render`] and diffed
//! against what the DOM shows, so only the nodes that changed are patched.
//!
//! # When a block is final
//! CommonMark decides block structure line by line. Text appended later can only change the block that contains the
//! last line (setext underlines, table delimiter rows and lazy continuation lines all act on the *open* block). So a
//! top-level block is final as soon as a later top-level block has started on a *complete* line: a partial last line
//! such as `#` might still turn out to be `#hashtag` continuing the paragraph above.
//!
//! # Work proportional to new text
//! Re-parsing a whole open block per chunk would be quadratic for long blocks. Three fast paths keep the work per
//! chunk proportional to the new text:
//! - **Append in place**: plain text (letters, digits, spaces, harmless punctuation) continuing a paragraph, heading,
//!   list item or code fence is appended to the existing text node with no parse at all.
//! - **Resume inside the open block** ([`Resume`]): the next parse starts after the last settled word of a paragraph
//!   (see [`settle`]), after the last complete line of a fence (with the opening fence line as context), at the last
//!   item of a list, at the last row of a table (with the header rows as context), or at the next line of a quoted
//!   paragraph; inside the line being typed of a quote or of a tight list's last item, after its last settled word
//!   (with the line's quote markers or list marker as context); its result is spliced into the open block after the
//!   nodes that are final.
//! - **Commit** as above, so finished blocks are never parsed again.
//!
//! # What crosses the commit point
//! Link reference definitions are document-wide. The source lines of committed text that no block covers are the
//! definitions; they are read once and resolved for later parses through comrak's broken-link callback. Footnote
//! definitions are prepended to the parses that reference them. A definition that arrives after its use re-renders
//! just the committed blocks that mention it, patched in place. Footnote numbers and the footnotes section are kept
//! across the answer by the footnote book (`footnotes.rs`). [`IncrementalMarkdown::finish`] gives the open block a
//! last parse without speculation; only what the engine cannot follow (definitions inside containers, labels over
//! several lines or with escapes, a repeated label, footnotes whose one-shot order differs from the order they were
//! numbered in) needs a reconcile with a one-shot parse of the whole text. Either way the final DOM equals the
//! one-shot render.
//!
//! # One render, step by step
//! [`IncrementalMarkdown::render`] appends plain text in place when it can (`append_in_place`, through the differ);
//! otherwise a *pass* parses the open tail, resumed inside the open block when a resume point is known. A pass is
//! planned first (`plan_pass`: the text it parses, the parse, and whether a resumed parse fits the open block),
//! taking `&self`, so a resumed parse that does not fit is dropped having changed nothing, and the whole open tail is
//! parsed instead. A plan that fits is shown (`show_parsed`): footnotes numbered, the DOM patched, then either the
//! blocks that became final are committed (`commit.rs` decides which) or the next resume point is found in the open
//! block, by its construct.
//!
//! # Where things live
//! - `pass.rs`: a pass's plan as data; `commit.rs`: the commit point, a parse's layout by lines, and which blocks
//!   are final.
//! - `definitions.rs`: link and footnote definitions from committed text; `footnotes.rs`: footnote numbers and the
//!   footnotes section.
//! - `tail.rs`: what is known of the open tail between renders (resume point, candidate, settledness scan, last
//!   parse); `resume.rs`: the resume point and its splices; `leaf.rs`: the mounted text that ends the open block;
//!   one plan per construct in `paragraph.rs`, `list.rs`, `quote.rs`, `table.rs`, `fence.rs`, `html_block.rs`.
//! - `scan.rs`: line and delimiter checks; `settle.rs`, `speculate.rs`: the open paragraph's inline text.
//! - `watch.rs`: which renders are watched for lost words; `stats.rs`: the work counters; `replace.rs`: `update()`
//!   with a text that does not extend the shown one.
//!
//! No module in `markdown/` imports anything from this one: they hold types and functions, and the engine's methods
//! that tie them together are here.
//!
//! [`render`]: IncrementalMarkdown::render

pub mod render;
mod scan;
pub mod settle;
pub mod speculate;
pub mod url;

mod commit;
mod definitions;
mod fence;
mod footnotes;
mod html_block;
mod leaf;
mod list;
mod paragraph;
mod pass;
mod quote;
mod replace;
mod resume;
mod stats;
mod table;
mod tail;
mod watch;

pub use replace::Shown;
use replace::TakenOver;
pub use stats::MarkdownStats;

use crate::options::RenderOptions;
use crate::patch::diff::{Differ, IdAllocator, Mounted, MountedKind};
use crate::patch::{Element, Node, NodeId, PatchOp};
use commit::{Commit, CommitPoint, Layout};
use definitions::{definition_lines, drop_prefix_blocks, CommittedDefinitions, Definitions};
use footnotes::footnote_label;
use leaf::{code_text, leaf_text, nested_leaf_point, quote_line_ends_node, quote_spine, target_len, Leaf, LeafPoint};
use list::{is_empty_item_marker, item_prefix, list_marker, loose_list_context};
use paragraph::SEGMENT_BYTES;
use pass::{Abandoned, Fit, ParsedTail, PassPlan, PassText, ShownTail};
use render::RenderedDoc;
use resume::{is_block_tag, mounted_tag, spine_matches, splice_children, splice_spine, Resume, Target, STITCH_CONTEXT};
use scan::{
    first_chars, first_line, has_blank_line, is_plain, last_chars, quote_prefix, resumes_nested, starts_definition,
    starts_plainly,
};
use std::borrow::Cow;
use tail::{OpenTail, ParagraphSettle};
use watch::WordWatch;

/// A markdown document that grows by appended text and renders itself into a DOM subtree through patch ops.
pub struct IncrementalMarkdown {
    opts: RenderOptions,
    /// The node the blocks are children of.
    root: NodeId,
    /// All text received so far.
    src: String,
    /// `src.len()` at the last render.
    rendered_len: usize,
    /// Text arrived since the last render.
    dirty: bool,
    finished: bool,
    /// `(end, start)`: the line that ends at byte `end` of `src` starts at `start` (see [`Self::line_start`]).
    line_cache: std::cell::Cell<(usize, usize)>,
    /// Mounted top-level blocks in document order; the first `commit.blocks` are frozen.
    blocks: Vec<Mounted>,
    /// Where the final text ends, how many blocks are final, and their sources (see `commit.rs`).
    commit: CommitPoint,
    /// Link and footnote definitions from committed text (see `definitions.rs`).
    defs: CommittedDefinitions,
    /// Footnote numbers across the answer and the footnotes section, kept after every block (see `footnotes.rs`).
    book: footnotes::FootnoteBook,
    /// Where the next parse may resume inside the open block, and what the last parse allowed (see `tail.rs`).
    tail: OpenTail,
    /// Which renders are watched for shown words they take away (see `watch.rs`).
    watch: WordWatch,
    stats: MarkdownStats,
}

impl IncrementalMarkdown {
    /// A new, empty document rendering into the element with id `root`.
    pub fn new(opts: RenderOptions, root: NodeId) -> IncrementalMarkdown {
        let watch = WordWatch::new(opts.gfm);
        IncrementalMarkdown {
            opts,
            root,
            src: String::new(),
            rendered_len: 0,
            dirty: false,
            finished: false,
            line_cache: std::cell::Cell::new((0, 0)),
            blocks: Vec::new(),
            commit: CommitPoint::default(),
            defs: CommittedDefinitions::default(),
            book: footnotes::FootnoteBook::default(),
            tail: OpenTail::default(),
            watch,
            stats: MarkdownStats::default(),
        }
    }

    /// Appends text. Cheap: parsing waits for the next [`render`](Self::render).
    pub fn push(&mut self, text: &str) {
        if self.finished || text.is_empty() {
            return;
        }
        self.src.push_str(text);
        self.dirty = true;
    }

    /// After [`finish`](Self::finish): drops the mounted trees and parse state (nothing renders any more); the text
    /// and the counters stay.
    pub fn release_render_state(&mut self) {
        if !self.finished {
            return;
        }
        self.blocks = Vec::new();
        self.book = footnotes::FootnoteBook::default();
        self.commit.sources = Vec::new();
        self.defs = CommittedDefinitions::default();
        self.tail.last_parse_text = String::new();
        self.tail.last_parse_key = None;
    }

    /// Where the line that ends at byte `end` of the text starts: just after the last `\n` or `\r` before `end`.
    /// Remembers how far it looked, so each byte is scanned about once: a search back from the end would cost the
    /// whole line on every chunk, and a 50 KB paragraph on one line made streaming quadratic.
    fn line_start(&self, end: usize) -> usize {
        let (scanned, start) = self.line_cache.get();
        if end < scanned {
            // The text before `scanned` never changes, so no break lies between `start` and `end`.
            return if start <= end { start } else { self.src[..end].rfind(['\n', '\r']).map_or(0, |at| at + 1) };
        }
        let start = self.src[scanned..end].rfind(['\n', '\r']).map_or(start, |at| scanned + at + 1);
        self.line_cache.set((end, start));
        start
    }

    /// All text received so far.
    pub fn text(&self) -> &str {
        &self.src
    }

    pub fn stats(&self) -> MarkdownStats {
        self.stats
    }

    /// How many top-level blocks are final: the root's first children, whose DOM no later render touches.
    pub fn committed_block_count(&self) -> usize {
        self.commit.blocks
    }

    /// The node ids of the mounted top-level blocks from index `from` on, in document order (the first
    /// [`Self::committed_block_count`] are final), and of the footnotes section after them: for a host that decorates
    /// blocks once they are final.
    pub fn block_ids(&self, from: usize) -> (impl Iterator<Item = NodeId> + '_, Option<NodeId>) {
        let blocks = self.blocks.get(from..).unwrap_or_default();
        (blocks.iter().map(|block| block.id), self.book.section_id())
    }

    /// How many bytes of the text the committed blocks (and the definitions among them) cover.
    pub fn committed_text_len(&self) -> usize {
        self.commit.len
    }

    /// Whether text arrived that is not rendered yet.
    pub fn is_dirty(&self) -> bool {
        self.dirty
    }

    /// Re-renders the open tail and emits the ops that bring the DOM up to date; commits blocks that became final.
    pub fn render(&mut self, ids: &mut IdAllocator, ops: &mut Vec<PatchOp>) {
        if !self.dirty || self.finished {
            return;
        }
        // New text that ends a line and starts another renders in two steps, the first at the line end: resume
        // points (next line of a quote, next row, next item…) are found at line ends, and a chunk that carries a
        // line break past them would otherwise leave the next parse starting lines earlier.
        let line_end = self.src[self.rendered_len..].rfind('\n').map(|at| self.rendered_len + at + 1);
        if let Some(cut) = line_end.filter(|&cut| cut < self.src.len() && cut > self.rendered_len) {
            let rest = self.src.split_off(cut);
            self.render_step(ids, ops);
            self.src.push_str(&rest);
            self.dirty = true;
        }
        // A last `\r` may be half of a CRLF whose `\n` is in the next chunk: it waits for it (or for `finish`), or
        // the line would end twice.
        if self.src.ends_with('\r') {
            self.src.pop();
            if self.src.len() > self.rendered_len {
                self.render_step(ids, ops);
            }
            self.src.push('\r');
            self.dirty = false;
            return;
        }
        self.render_step(ids, ops);
    }

    fn render_step(&mut self, ids: &mut IdAllocator, ops: &mut Vec<PatchOp>) {
        self.dirty = false;
        self.note_definition_lines();
        let appended = self.append_in_place(ids, ops);
        self.rendered_len = self.src.len();
        if appended {
            return;
        }
        self.tail.open_fence = None;
        self.tail.open_html = None;
        self.commit_settled_definitions(ids, ops);
        if self.promote_candidate() {
            return; // only the indentation of a line that may continue the open item: nothing to show yet
        }
        if let Some(resume) = self.tail.resume.take() {
            match self.render_pass(Some(&resume), ids, ops) {
                Ok(()) => return,
                // The resumed parse showed the open block changed shape (a list turned loose, a paragraph became a
                // heading…): parse the whole open tail instead.
                Err(abandoned) => self.abandoned(abandoned),
            }
            self.stats.resumes_abandoned += 1;
            self.tail.candidate = None;
        }
        self.render_whole_tail(ids, ops);
    }

    /// A pass over the whole open tail (it always shows its parse).
    fn render_whole_tail(&mut self, ids: &mut IdAllocator, ops: &mut Vec<PatchOp>) {
        if let Err(abandoned) = self.render_pass(None, ids, ops) {
            self.abandoned(abandoned); // (never: only resumed parses are abandoned)
        }
    }

    /// Whether this render is watched for lost words (see [`WordWatch::note_new_text`]). Reads only the new text (and
    /// the byte before it).
    fn note_definition_lines(&mut self) {
        let from = self.rendered_len.saturating_sub(1);
        let from = (0..=from).rev().find(|&at| self.src.is_char_boundary(at)).unwrap_or(0);
        self.watch.note_new_text(&self.src[from..], self.finished);
    }

    /// Definitions alone at the start of the open tail (the last parse read them and showed nothing) are final once
    /// the next line starts where none of them can go on: for link definitions with `[` at the margin, for footnote
    /// definitions at the margin after a blank line. They are committed without a parse, so the
    /// next parse (of the line being typed, held until its end) reads only that line.
    fn commit_settled_definitions(&mut self, ids: &mut IdAllocator, ops: &mut Vec<PatchOp>) {
        if self.finished
            || self.blocks.len() != self.commit.blocks
            || self.tail.last_parse_key != Some((self.commit.len, false))
        {
            return;
        }
        let tail = &self.src[self.commit.len..];
        let Some(region_end) = tail.rfind('\n').map(|at| at + 1) else { return };
        let region = &tail[..region_end];
        let Some(next) = tail[region_end..].chars().next() else { return };
        if next.is_whitespace() || !self.tail.last_parse_text.ends_with(region) {
            return;
        }
        let mut footnotes = false;
        for line in region.lines() {
            if starts_definition(line) {
                footnotes |= self.opts.gfm && footnote_label(line).is_some();
            } else if !line.trim().is_empty() && !footnotes {
                return; // a title line or anything else: let the parse decide
            }
        }
        let ends_blank = region.lines().last().is_some_and(|line| line.trim().is_empty());
        // Without a blank line the next line would continue the paragraph the definitions are read from (`2)` is no
        // list there), so for link definitions only another `[` line, which reads the same either way, will do.
        let done = if footnotes { ends_blank } else { next == '[' };
        if !done {
            return;
        }
        let defs = definition_lines(region, &[], self.opts.gfm);
        let blocks = self.commit.sources.len();
        let links_before = self.defs.link_count();
        self.commit_definitions(defs, blocks, &mut Differ::new(ids, ops));
        self.commit.len += region_end;
        self.track_definition_run(links_before);
        self.tail.last_parse_key = None;
        self.tail.forget_resume_points();
    }

    /// Definitions leave the open tail: remember them (the first definition of a label wins) and patch committed
    /// blocks among the first `blocks` that used them before they arrived.
    fn commit_definitions(&mut self, defs: Definitions, blocks: usize, differ: &mut Differ<'_>) -> Vec<String> {
        let committed = self.defs.commit(defs, &self.opts);
        if committed.footnotes_unordered {
            self.book.give_up();
        }
        if !committed.labels.is_empty() {
            self.patch_late_definitions(&committed.labels, 0..blocks, differ);
        }
        committed.labels
    }

    /// After a commit: whether the committed text now ends with a run of link definitions a later line may still
    /// share a paragraph with (see [`CommittedDefinitions::track_run`]).
    fn track_definition_run(&mut self, links_before: usize) {
        let committed = &self.src[..self.commit.len];
        self.defs.track_run(committed, self.commit.last_block_end(), links_before, self.opts.gfm);
    }

    /// Takes the committed definition run back into the open tail: its link definitions are forgotten (and the
    /// committed blocks that used them rendered again), and the commit point moves back to the run's start.
    fn reopen_definition_run(&mut self, differ: &mut Differ<'_>) {
        let Some((start, labels)) = self.defs.reopen_run(&self.src, self.commit.len, &self.opts) else { return };
        self.commit.len = start;
        self.tail.last_parse_key = None;
        self.tail.forget_resume_points();
        if !labels.is_empty() {
            self.patch_late_definitions(&labels, 0..self.commit.sources.len(), differ);
        }
    }

    /// One parse of the open part of the document and the patch that shows it. With `resume`, the parse starts inside
    /// the open block and its first block is spliced into it. When that result does not fit the open block it returns
    /// [`Abandoned`], having emitted nothing and changed nothing: the parse is planned and checked first
    /// ([`Self::plan_pass`], which cannot change the engine), and only a plan that fits is applied. The caller then
    /// parses the whole open tail (and counts the abandoned parse's work, see [`Self::abandoned`]).
    fn render_pass(
        &mut self,
        resume: Option<&Resume>,
        ids: &mut IdAllocator,
        ops: &mut Vec<PatchOp>,
    ) -> Result<(), Abandoned> {
        if resume.is_none() && self.tail.stitched {
            // A paragraph shown in segments ends with one parse of it whole (this one), which shows it exactly: its
            // scan starts afresh.
            self.tail.stitched = false;
            self.tail.settle = None;
        }
        match self.plan_pass(resume) {
            PassPlan::Abandon(abandoned) => return Err(abandoned),
            PassPlan::HoldLine => {
                self.tail.resume = resume.cloned();
                self.tail.exact = false; // the line is held back
            }
            PassPlan::NothingShown { exact } => {
                self.tail.exact = exact;
                self.tail.resume = resume.cloned();
            }
            PassPlan::Unchanged { exact, parse_text } => {
                self.tail.exact = exact;
                self.tail.last_parse_text = parse_text;
                self.tail.resume = resume.cloned();
                if let Some(resume) = resume.filter(|_| self.src.ends_with('\n')) {
                    // The line a list item's text was resumed on has ended: the next line may continue it.
                    self.line_candidate_after(resume);
                }
            }
            PassPlan::ReopenDefinitions { bytes } => {
                // The committed definitions before this text are a table's paragraph after all: parse them with it.
                self.count_parse(bytes);
                self.reopen_definition_run(&mut Differ::new(ids, ops));
                return self.render_pass(None, ids, ops);
            }
            PassPlan::Show(parsed) => self.show_parsed(*parsed, ids, ops),
        }
        Ok(())
    }

    /// A resumed parse was abandoned (see [`Self::render_pass`]): its work is counted, and the parse after it starts
    /// afresh.
    fn abandoned(&mut self, abandoned: Abandoned) {
        if let Abandoned::Parsed { bytes } = abandoned {
            self.count_parse(bytes);
            // That parse read text the DOM does not show: no later parse may be skipped as a repeat of it.
            self.tail.last_parse_key = None;
        }
    }

    fn count_parse(&mut self, bytes: usize) {
        self.stats.bytes_parsed += bytes as u64;
        self.stats.parses += 1;
    }

    /// Plans one pass of the open tail (see [`Self::render_pass`]): what it will parse, the parse, and whether a
    /// resumed parse fits the open block. Takes `&self`: a plan changes nothing, so a pass that does not fit leaves
    /// the engine as it was.
    fn plan_pass<'r>(&self, resume: Option<&'r Resume>) -> PassPlan<'r> {
        let base = resume.map_or(self.commit.len, |r| r.at);
        let body = &self.src[base..];
        if self.tail.stitched && resume.is_some() && (self.finished || has_blank_line(body)) {
            // A paragraph shown in segments ends with one parse of it whole: at the end of input, or once a blank line
            // may end it.
            return PassPlan::Abandon(Abandoned::Unparsed);
        }
        if resume.is_some_and(|r| matches!(r.target, Target::Spine(_)) && r.context.is_empty()) {
            // A quote resumed at a line start: the line must continue the paragraph, as its first characters after
            // the quote markers tell (a blank line, list marker, `===` underline… would not).
            let markers = body.len() - body.trim_start_matches(['>', ' ', '\t']).len();
            match starts_plainly(&body[markers..]) {
                Some(true) => {}
                Some(false) => return PassPlan::Abandon(Abandoned::Unparsed),
                None if self.finished => return PassPlan::Abandon(Abandoned::Unparsed),
                None => return PassPlan::HoldLine,
            }
        }
        let text = match self.pass_text(resume, base) {
            Ok(text) => text,
            Err(plan) => return plan,
        };
        let mut doc = render::render_speculative(&text.parse_text, &self.opts, self.defs.callback());
        if text.closed_prefix_len > 0 {
            // (Blocks of the open tail's own definitions after the footnote definitions go with them.)
            drop_prefix_blocks(&mut doc, &text.prefix);
        }
        let bytes = text.parse_text.len();
        if self.tail.stitched && resume.is_some() && doc.blocks.len() > 1 {
            // A block interrupted the paragraph: it ends, parsed whole.
            return PassPlan::Abandon(Abandoned::Parsed { bytes });
        }
        if resume.is_none() && self.defs.table_takes_run(&doc, &text.prefix, self.commit.len) {
            return PassPlan::ReopenDefinitions { bytes };
        }
        if let Some(block) = doc.blocks.first_mut().filter(|_| text.quote_depth > 0) {
            for _ in 0..text.quote_depth {
                let inner = std::mem::replace(&mut block.node, Node::Text(String::new()));
                block.node = Node::Element(Element::new("blockquote").child(inner));
            }
            block.detail = render::BlockDetail::Other;
        }
        let spliced = match resume.map(|resume| self.resumed_parse_fits(resume, doc.blocks.first())) {
            Some(Fit::No) => return PassPlan::Abandon(Abandoned::Parsed { bytes }),
            Some(Fit::Spliced(spliced)) => Some(spliced),
            Some(Fit::Spine) | None => None,
        };
        PassPlan::Show(Box::new(ParsedTail { resume, base, text, doc, spliced }))
    }

    /// What a pass parses: the open tail from `base` (after the resume point's context), as speculation shows it,
    /// after the committed footnote definitions it references. Or, when there is nothing to parse, the plan that
    /// says so.
    fn pass_text<'r>(&self, resume: Option<&'r Resume>, base: usize) -> Result<PassText<'r>, PassPlan<'r>> {
        let context = resume.map_or("", |r| r.context.as_str());
        let open_defs = resume.map_or("", |r| r.defs.as_str());
        let body = &self.src[base..];
        // Resumed inside a quote line (`> > text`): the markers only rebuild the nesting, and the text after them is
        // inline content of the quote's paragraph. It is parsed alone and wrapped in as many quotes, so a deep quote
        // does not parse its markers again with every token. (Not with definitions to parse first: a line after them
        // would continue them without its markers.)
        let quote_depth = match resume {
            Some(r)
                if r.block_tag == "blockquote"
                    && !context.is_empty()
                    && context.bytes().all(|b| b == b'>' || b == b' ')
                    && open_defs.is_empty()
                    && !body.contains(['\n', '\r'])
                    && !body.contains("[^") =>
            {
                context.bytes().filter(|&b| b == b'>').count()
            }
            _ => 0,
        };
        let context = if quote_depth > 0 { "" } else { context };
        // Only a resumed parse has context; the plain open tail is speculated on in place, without a copy.
        let with_context: Cow<'_, str> =
            if context.is_empty() { Cow::Borrowed(body) } else { format!("{context}{body}").into() };
        // At the end the text is final: nothing is held back or closed early.
        let (shown, shows_all_text) = if self.finished {
            (Cow::Borrowed(&*with_context), true)
        } else {
            let speculation = speculate::speculate_tail(&with_context, self.opts.gfm, self.opts.gfm && self.opts.math);
            (speculation.text, speculation.shows_all_text)
        };
        let shown = match resume {
            // A segment that begins inside a word must not link the end of a URL.
            Some(r) if r.context == STITCH_CONTEXT && !self.finished && !body.starts_with(char::is_whitespace) => {
                match speculate::pend_leading_word(&shown, context.len()) {
                    Some(pended) => Cow::Owned(pended),
                    None => shown,
                }
            }
            _ => shown,
        };
        // Speculation only truncates or appends: an unchanged length from the same borrowed text means no change.
        let speculated = matches!(shown, Cow::Owned(_)) || shown.len() != with_context.len();
        // How much of `body` the parse sees (speculation may hold back its last lines; a rewrite keeps them all).
        let shown_body_len =
            if matches!(shown, Cow::Owned(_)) { body.len() } else { shown.len().saturating_sub(context.len()) };
        let shortcuts = !self.finished; // the last pass commits every definition it reads
        if let Some(resume) = resume.filter(|r| shortcuts && shown.len() == context.len() && r.boundary.is_none()) {
            // Nothing after the resume point is shown yet (a table row being typed): when the DOM shows nothing
            // there either, there is nothing to parse.
            let open_block = self.blocks.get(self.commit.blocks);
            if open_block.and_then(|b| target_len(&resume.target, b)) == Some(resume.kept) {
                return Err(PassPlan::NothingShown { exact: !speculated });
            }
        }
        // Committed footnote definitions go along only when this text references them (there may be many).
        let prefix = self.defs.footnote_prefix(&shown);
        let parse_text = format!("{prefix}{open_defs}{shown}");
        let mut prefix = prefix;
        let closed_prefix_len = prefix.len();
        prefix.push_str(open_defs);
        let key = Some((base, resume.is_some()));
        if shortcuts
            && key == self.tail.last_parse_key
            && (parse_text == self.tail.last_parse_text || self.only_line_end(&parse_text, resume, body))
        {
            // What is shown did not change (the new text is all in a line speculation holds back): nothing to do.
            return Err(PassPlan::Unchanged { exact: !speculated, parse_text });
        }
        Ok(PassText {
            context,
            quote_depth,
            speculated,
            shows_all_text,
            shown_body_len,
            prefix,
            closed_prefix_len,
            parse_text,
            key,
        })
    }

    /// A line ending shows nothing until the next line says what it is: after an open paragraph's last line (or a
    /// quote's, or a list item's text), or after footnote definitions alone (no open block; unless a fence in a
    /// footnote may take the blank line). Not after link definitions: a blank line makes them final, and the parse
    /// commits them. Whether `parse_text` is the last parse's text and such a line ending.
    fn only_line_end(&self, parse_text: &str, resume: Option<&Resume>, body: &str) -> bool {
        let last = self.tail.last_parse_text.as_str();
        if !matches!(parse_text.strip_prefix(last), Some("\n" | "\r\n")) || last.ends_with('\r') {
            return false;
        }
        let open_blocks = &self.blocks[self.commit.blocks..];
        // (A paragraph as parsed: an HTML block shown as text is a `<p>` too, and its text keeps a `\r`.)
        let after_paragraph = !last.ends_with(['\n', '\r'])
            && open_blocks.len() == 1
            && open_blocks.first().is_some_and(|b| mounted_tag(b) == "p")
            && self.tail.last_parse_ends_in_paragraph;
        let footnotes_only = self.opts.gfm
            && last.lines().map(str::trim_start).filter(|l| l.starts_with('[')).all(|l| l.starts_with("[^"));
        let after_definitions =
            open_blocks.is_empty() && footnotes_only && !last.contains("```") && !last.contains("~~~");
        // A parse resumed inside a quote's paragraph or a list item's text (inline text only, by its spine), on
        // the resumed line: a spine resume outlives it while its parses fit, and a later line may be a fence's.
        let after_inline_leaf = !last.ends_with(['\n', '\r'])
            && open_blocks.len() == 1
            && resume.is_some_and(|r| matches!(r.target, Target::Spine(_)))
            && !body.trim_end_matches(['\n', '\r']).contains(['\n', '\r']);
        after_paragraph || after_definitions || after_inline_leaf
    }

    /// Whether a resumed parse (its first block `first`) fits the open block: the same shape where it is spliced in.
    fn resumed_parse_fits(&self, resume: &Resume, first: Option<&render::RenderedBlock>) -> Fit {
        let Some(open_block) = self.blocks.get(self.commit.blocks) else { return Fit::No };
        let Target::Spine(path) = &resume.target else {
            if target_len(&resume.target, open_block).is_none_or(|len| len < resume.kept) {
                return Fit::No;
            }
            return splice_children(resume, first).map_or(Fit::No, Fit::Spliced);
        };
        if let (Some(tight), Some(block)) = (resume.tight, first) {
            // A list resumed inside its last item must still parse tight (its kept items stay tight).
            if !matches!(block.detail, render::BlockDetail::List { tight: parsed, .. } if parsed == tight) {
                return Fit::No;
            }
        }
        let fits = match first.map(|b| &b.node) {
            // Resumed inside a line: the parse always shows the resumed word. (Nothing of the next line shown yet, its
            // quote markers alone: the DOM stays as it is.)
            None => resume.context.is_empty(),
            Some(Node::Element(parsed)) => spine_matches(open_block, parsed, path, resume.kept),
            Some(_) => false,
        };
        if fits {
            Fit::Spine
        } else {
            Fit::No
        }
    }

    /// Applies a planned parse: numbers its footnotes, patches the DOM, commits the blocks that became final, and
    /// finds where the next parse may resume.
    fn show_parsed(&mut self, parsed: ParsedTail<'_>, ids: &mut IdAllocator, ops: &mut Vec<PatchOp>) {
        let ParsedTail { resume, base, text, mut doc, mut spliced } = parsed;
        self.count_parse(text.parse_text.len());
        self.tail.exact = !text.speculated;
        let footnotes = self.opts.gfm && (resume.is_none() || text.parse_text.contains("[^"));
        if footnotes {
            let mut nodes: Vec<&mut Node> = doc.blocks.iter_mut().map(|b| &mut b.node).collect();
            self.book.number_tail(&mut nodes, resume.is_none());
            self.book.capture(std::mem::take(&mut doc.footnote_items), !text.speculated);
            spliced = None; // spliced before its references were numbered: splice again
        }
        let layout = Layout::of(&doc, &text.prefix, text.context, &self.src[base..], text.shown_body_len);
        // The open fence that ends the open block, and its opening line: its next lines may append in place.
        let open_fence = doc.blocks.first().and_then(|b| b.open_fence).and_then(|shape| {
            let line = text.parse_text.split('\n').nth(shape.start_line.checked_sub(1)?)?;
            Some((shape, line.trim_end_matches('\r').to_owned()))
        });
        let last_is_paragraph = doc.blocks.last().is_some_and(|b| b.detail == render::BlockDetail::Paragraph);
        let mut shown = ShownTail {
            resume,
            base,
            open_detail: doc.blocks.first().map(|b| b.detail.clone()),
            open_fence,
            speculated: text.speculated,
            shows_all_text: text.shows_all_text,
            last_is_paragraph,
            // In trusted mode an HTML block that opens an element takes the blocks after it until it closes (render.rs
            // joins them): definitions after it do not end it.
            last_is_raw_html: doc.blocks.last().is_some_and(|b| matches!(b.node, Node::RawHtml(_))),
            layout,
        };
        self.tail.last_parse_key = text.key;
        self.tail.last_parse_text = text.parse_text;
        self.tail.last_parse_ends_in_paragraph = last_is_paragraph;
        self.tail.paragraph_after_commit = None;

        let mut differ = Differ::new(ids, ops);
        differ.watch = self.watch.lend();
        self.show_blocks(resume, doc.blocks, spliced, &mut differ);
        // (The footnotes section is numbered and rebuilt as references arrive: not watched.)
        if let Some(words) = differ.watch.take() {
            if self.watch.give_back(words) {
                self.stats.shown_text_losses += 1;
            }
        }
        if footnotes {
            self.book.sync_section(&mut differ, self.root);
        }
        let situation = commit::Situation {
            body: &self.src[base..],
            finished: self.finished,
            resumed: resume.is_some(),
            last_is_raw_html: shown.last_is_raw_html,
            gfm: self.opts.gfm,
        };
        if let Some(commit) = commit::decide(&shown.layout, &situation) {
            if self.tail.stitched && resume.is_some() {
                // A paragraph shown in segments is never committed from a resumed parse (a line that may start a
                // definition ends it here): the next render, or the finish, parses it whole.
                self.tail.resume = None;
                self.tail.candidate = None;
                return;
            }
            self.apply_commit(commit, &shown, &mut differ);
            return;
        }
        self.plan_next_resume(&mut shown);
        self.commit_leading_definitions(&shown, &mut differ);
    }

    /// Patches the open blocks to show a parse's blocks: a resumed parse's first block is spliced into the open block
    /// (its fit was checked by [`Self::resumed_parse_fits`], which may have spliced its children already: `spliced`),
    /// the others follow it.
    fn show_blocks(
        &mut self,
        resume: Option<&Resume>,
        blocks: Vec<render::RenderedBlock>,
        spliced: Option<Vec<Node>>,
        differ: &mut Differ<'_>,
    ) {
        let before = self.book.section_id();
        let Some(resume) = resume else {
            let nodes: Vec<Node> = blocks.into_iter().map(|b| b.node).collect();
            let mut open = self.blocks.split_off(self.commit.blocks);
            differ.sync_children(self.root, &mut open, &nodes, before);
            self.blocks.append(&mut open);
            return;
        };
        let mut blocks = blocks.into_iter();
        let first = blocks.next();
        if let Some(open_block) = self.blocks.get_mut(self.commit.blocks) {
            if let Target::Spine(path) = &resume.target {
                if let Some(Node::Element(parsed)) = first.as_ref().map(|b| &b.node) {
                    splice_spine(differ, open_block, parsed, path, resume);
                }
            } else if let (Some(spliced), Some((target_id, target_children))) =
                (spliced.or_else(|| splice_children(resume, first.as_ref())), resume.target.find_mut(open_block))
            {
                let mut open_part = target_children.split_off(resume.kept);
                differ.sync_children(target_id, &mut open_part, &spliced, None);
                target_children.append(&mut open_part);
            }
        }
        let rest: Vec<Node> = blocks.map(|b| b.node).collect();
        let mut after = self.blocks.split_off(self.commit.blocks + 1);
        differ.sync_children(self.root, &mut after, &rest, before);
        self.blocks.append(&mut after);
    }

    /// Freezes the blocks a parse made final: reads the definitions between them, numbers their footnotes for good,
    /// and moves the commit point to where the open tail starts.
    fn apply_commit(&mut self, commit: Commit, shown: &ShownTail<'_>, differ: &mut Differ<'_>) {
        let (resume, base, layout) = (shown.resume, shown.base, &shown.layout);
        let body = &self.src[base..];
        let (commit_offset, covered) = commit.covered(layout, body, resume.is_some());
        let mut defs = definition_lines(&body[..commit_offset], &covered, self.opts.gfm);
        if let Some(open_defs) = resume.map(|r| r.defs.as_str()).filter(|defs| !defs.is_empty()) {
            // The definitions before a resumed block went along with its parses; they are final with it.
            defs = definition_lines(open_defs, &[], self.opts.gfm).then(defs);
        }
        let earlier_blocks = self.commit.sources.len();
        let links_before = self.defs.link_count();
        for (i, &(from, to)) in covered.iter().enumerate() {
            let from = if i == 0 && resume.is_some() { self.commit.len } else { base + from };
            self.defs.index_block(&self.src[from..base + to], self.commit.sources.len());
            self.commit.sources.push(from..base + to);
        }
        let labels = self.commit_definitions(defs, earlier_blocks, differ);
        self.commit.len = base + commit_offset;
        self.track_definition_run(links_before);
        let final_count = commit.final_count;
        if final_count + 1 == layout.block_count()
            && shown.last_is_paragraph
            && layout.definition_counts[final_count] == 0
        {
            self.tail.paragraph_after_commit = Some(self.commit.len);
        }
        if self.opts.gfm {
            let first = self.commit.blocks;
            let count = final_count.min(self.blocks.len() - first);
            let (done, open) = self.blocks[first..].split_at_mut(count);
            self.book.number_committed(done, first, differ);
            self.book.recount_tail(open);
            self.book.sync_section(differ, self.root);
        }
        if resume.is_some() && final_count > 0 && !labels.is_empty() {
            // A resumed block kept nodes rendered before definitions in its own tail arrived: patch it like the
            // committed blocks before it, once it is numbered as committed (or its references count twice).
            self.patch_late_definitions(&labels, earlier_blocks..earlier_blocks + 1, differ);
        }
        self.commit.blocks += final_count;
        self.stats.blocks_committed += final_count as u64;
        self.tail.forget_resume_points();
    }

    /// Definitions before the first open block are final once that block has started on a complete line: commit
    /// them (no block) so that parses resumed inside the block still see them.
    fn commit_leading_definitions(&mut self, shown: &ShownTail<'_>, differ: &mut Differ<'_>) {
        let (base, layout) = (shown.base, &shown.layout);
        let (None, Some(&first)) = (shown.resume, layout.start_lines.first()) else { return };
        // A block's partial first line ends them too when a blank line comes before it and it starts at the
        // margin with no possible title (`"`, `'`, `(`): no definition continues past that.
        let body = &self.src[base..];
        let ends_definitions = || {
            layout.line_offset(first - 1).is_some_and(|at| first_line(&body[at..]).trim().is_empty())
                && layout.line_offset(first).is_some_and(|at| !body[at..].starts_with([' ', '\t', '"', '\'', '(']))
        };
        if first <= 1 || (Some(first) == layout.incomplete_last_line && !ends_definitions()) {
            return;
        }
        let offset = layout.line_offset(first).unwrap_or(0);
        let defs = definition_lines(&self.src[base..base + offset], &[], self.opts.gfm);
        let blocks = self.commit.sources.len();
        let links_before = self.defs.link_count();
        self.commit_definitions(defs, blocks, differ);
        self.commit.len = base + offset;
        self.track_definition_run(links_before);
        self.tail.drop_own_definitions();
    }

    /// After a parse that left one open block: where the next parse may resume inside it (or a candidate for that),
    /// by the block's construct.
    fn plan_next_resume(&mut self, shown: &mut ShownTail<'_>) {
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

    /// The open paragraph (starting at `start`, or `None` when a resumed parse continues its scan): where its next
    /// parse may resume, and whether it is cut into segments.
    fn paragraph_plan(&mut self, start: Option<usize>, open_defs: String, speculated: bool, shows_all_text: bool) {
        let paragraph_start = start.or(self.tail.settle.as_ref().map(|s| s.start));
        if !speculated {
            self.paragraph_candidate(start, open_defs.clone());
        }
        if shows_all_text {
            self.cut_paragraph_segment(paragraph_start, open_defs);
        }
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

    /// The open list's next parse: at its last item that started on a complete line (the items before it are final);
    /// and candidates inside the line being typed of the last item, or at the next line of a tight list's last item.
    fn list_resume(
        &mut self,
        shown: &ShownTail<'_>,
        open_list: list::OpenList,
        item_lines: &[usize],
    ) -> Option<Resume> {
        let (resume, base, layout) = (shown.resume, shown.base, &shown.layout);
        let tight = open_list.tight;
        let open_defs = open_list.defs.clone();
        self.tail.open_list_tight = Some(tight);
        let open_list = list::OpenList { tag: self.blocks.last().map_or("ul", mounted_tag), ..open_list };
        let to_body_line = |line: usize| layout.to_body_line(line);
        let last_item = list::ItemMap::of(resume).last_complete_item(item_lines, to_body_line, |l| layout.complete(l));
        let body = &self.src[base..];
        let item = last_item.and_then(|(index, line)| {
            let at = layout.line_offset(line)?;
            let kept_source = &self.src[self.commit.len.min(base + at)..base + at];
            list::item_resume(&open_list, base + at, index, body[at..].starts_with([' ', '\t']), kept_source)
        });
        // Inside the first line of the last item (or of an item of its nested list), being typed: after its last
        // settled word.
        if !shown.speculated && layout.incomplete_last_line.is_some() {
            // The item's scan begins at its text (any parse may begin it); the line may start an item of the last
            // item's nested list too.
            self.nested_candidate(Some(0), open_defs.clone(), true);
        }
        // At the end of a line of a tight list's last item: the next line may continue its paragraph.
        if !shown.speculated && layout.incomplete_last_line.is_none() && tight {
            let item_line = item_lines.last().map(|&line| to_body_line(line)).filter(|&line| line >= 1);
            let item_start = match (item_line.and_then(|line| layout.line_offset(line)), resume) {
                // Resumed inside the item's text: the line it was resumed on has ended.
                (_, Some(r)) if matches!(r.target, Target::Spine(_)) => {
                    self.line_candidate_after(r);
                    None
                }
                (Some(at), _) => item_prefix(first_line(&self.src[base + at..]))
                    .filter(|&(_, _, indent)| indent <= 3)
                    .map(|(len, prefix, _)| (Some(base + at + len), prefix)),
                _ => None,
            };
            if let Some((start, prefix)) = item_start {
                self.list_line_candidate(start, prefix, open_defs);
            }
        }
        item
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

    /// A parse of the committed blocks `first..=last` from their sources, with the footnote definitions they use.
    fn render_committed(&mut self, first: usize, last: usize) -> RenderedDoc {
        let range = self.commit.sources[first].start..self.commit.sources[last].end;
        let source = self.src.get(range).unwrap_or_default();
        let mut text = self.defs.footnote_prefix(source);
        let closed_prefix = !text.is_empty();
        let prefix_len = text.len();
        text.push_str(source);
        self.count_parse(text.len());
        let mut doc = render::render_with(&text, &self.opts, self.defs.callback());
        if closed_prefix {
            drop_prefix_blocks(&mut doc, &text[..prefix_len]);
        }
        doc
    }

    /// Scans the open paragraph's new text for settledness. `start` is where the paragraph starts (a new scan
    /// begins there unless one for that start exists); `None` continues the current scan (a resumed parse starts
    /// mid-paragraph). Returns the paragraph's pre-block definitions when everything so far is settled.
    fn scan_settled(&mut self, start: Option<usize>, defs: String, quote: bool) -> Option<String> {
        if let Some(start) = start {
            if self.tail.settle.as_ref().is_none_or(|s| s.start != start || s.quote != quote) {
                let state = settle::InlineSettle::new(self.opts.gfm, self.opts.gfm && self.opts.math);
                self.tail.settle = Some(ParagraphSettle {
                    start,
                    defs,
                    scanned: start,
                    has_pipe: false,
                    state,
                    quote,
                    line_start: true,
                    line_has_text: false,
                    after_cr: false,
                });
            }
        }
        let scan = self.tail.settle.as_mut()?;
        let new_text = &self.src[scan.scanned..];
        // A line with a pipe may yet become a table header when a delimiter row follows: that needs the whole line.
        scan.has_pipe |= self.opts.gfm && new_text.contains('|');
        if scan.quote {
            // Quote markers are not inline text (a `>` would end a `<…>` the scan thinks open), and a line of markers
            // alone ends the paragraph: what follows starts afresh.
            for c in new_text.chars() {
                let after_cr = std::mem::replace(&mut scan.after_cr, c == '\r');
                if c == '\n' && after_cr {
                    continue; // the second half of a CRLF
                }
                if c == '\n' || c == '\r' {
                    if scan.line_has_text {
                        scan.state.feed("\n");
                    } else {
                        scan.state = scan.state.fresh();
                    }
                    scan.line_start = true;
                    scan.line_has_text = false;
                    continue;
                }
                if scan.line_start && matches!(c, '>' | ' ' | '\t') {
                    continue;
                }
                scan.line_start = false;
                scan.line_has_text = true;
                let mut buf = [0u8; 4];
                scan.state.feed(c.encode_utf8(&mut buf));
            }
        } else {
            scan.state.feed(new_text);
        }
        scan.scanned = self.src.len();
        (!scan.has_pipe && scan.state.is_settled()).then(|| scan.defs.clone())
    }

    /// At the end of a line inside block quotes whose last block is a settled paragraph (`> > text`), the next line
    /// can be parsed alone: its quote markers rebuild the nesting, and its text continues the paragraph.
    fn quote_candidate(&mut self, start: Option<usize>, defs: String) -> Option<Resume> {
        let defs = self.scan_settled(start, defs, true)?;
        // The paragraph must reach the last line: a line of quote markers alone ended it.
        let complete = self.src.trim_end_matches(['\n', '\r']);
        let last_line = &complete[self.line_start(complete.len())..];
        if last_line.trim_start_matches(['>', ' ', '\t']).is_empty() {
            return None;
        }
        // A line ending in a backslash or two spaces breaks the line before the next one: that is no plain join.
        if last_line.ends_with('\\') || last_line.ends_with("  ") || last_line.ends_with('\t') {
            return None;
        }
        let mut path = Vec::new();
        let mut level = self.blocks.last()?;
        loop {
            let MountedKind::Element { children, .. } = &level.kind else { return None };
            let index = children.len().checked_sub(1)?;
            let last = &children[index];
            path.push((index, 0));
            match mounted_tag(last) {
                "blockquote" => level = last,
                "p" => {
                    let MountedKind::Element { children, .. } = &last.kind else { return None };
                    let (kept, boundary) = match children.last() {
                        Some(Mounted { kind: MountedKind::Text(text), .. }) => {
                            (children.len() - 1, format!("{text}\n"))
                        }
                        _ => (children.len(), "\n".to_owned()),
                    };
                    return Some(Resume {
                        at: self.src.len(),
                        defs,
                        context: String::new(),
                        block_tag: "blockquote",
                        target: Target::Spine(path),
                        kept,
                        boundary: Some(boundary),
                        drop_first: 0,
                        tight: None,
                        lead_word: false,
                    });
                }
                _ => return None,
            }
        }
    }

    /// Inside the line being typed of a block quote's paragraph (`> > text`) or of a tight list's last item (`- text`),
    /// the rest of the line can be parsed alone after its last settled word, with the line's container markers as
    /// context: they rebuild the nesting, and the text continues the leaf (the quote's `<p>`, the item's `<li>`).
    /// `start` begins a quote's scan as in [`Self::quote_candidate`]; a list item's scan begins at its text, and only
    /// a render that parsed (`start` given) may begin one. Sets the resume point or a candidate, like
    /// [`Self::paragraph_candidate`].
    fn nested_candidate(&mut self, start: Option<usize>, defs: String, list: bool) {
        let line_start = self.line_start(self.src.len());
        if line_start < self.commit.len {
            return;
        }
        let line = &self.src[line_start..];
        let Some((prefix_len, context, depth)) = (if list { item_prefix(line) } else { quote_prefix(line) }) else {
            return;
        };
        let content_start = line_start + prefix_len;
        if starts_plainly(&self.src[content_start..]) != Some(true) {
            return;
        }
        let scan_start = if list { start.map(|_| content_start) } else { start };
        let Some(defs) = self.scan_settled(scan_start, defs, !list) else { return };
        // A list item's text is scanned from its own start: an earlier item's open code span ended with that item.
        if list && self.tail.settle.as_ref().is_none_or(|s| s.start != content_start || s.quote) {
            return;
        }
        if !list && self.tail.settle.as_ref().is_none_or(|s| !s.quote) {
            return;
        }
        // The spine: through the quotes to their last paragraph, or to the list's last item — in a loose list its
        // paragraph (the item's first line, so its only child), in a nested list the last item of the last list.
        let Some(level) = self.blocks.last() else { return };
        let block_tag = mounted_tag(level);
        let (mut path, quotes, leaf_children, mut loose, nested) = if list {
            let Some(spine) = list::item_spine(level, self.tail.open_list_tight) else { return };
            (spine.path, 0, spine.leaf, spine.loose, spine.nested)
        } else {
            let Some(spine) = quote_spine(level) else { return };
            (spine.path, spine.quotes, spine.leaf, false, 0)
        };
        if !list && quotes != depth {
            return; // a lazy line, or markers that open a new quote
        }
        // A nested item parses under its parent items' markers, each with a dummy word (from the source: the nearest
        // item lines above with less indentation); a top-level item's marker starts within 3 columns.
        let context = if list && nested > 0 {
            let Some(ancestors) = self.ancestor_items(line_start, depth, nested) else { return };
            // A loose top-level list parses loose too, after a dummy first item.
            let Some(top_tight) = self.tail.open_list_tight else { return };
            let top_loose = !top_tight;
            match list_marker(&ancestors).filter(|_| top_loose) {
                Some(marker) => {
                    loose = true;
                    path[0].1 = 1;
                    format!("{}{ancestors}{context}", loose_list_context(marker))
                }
                None => format!("{ancestors}{context}"),
            }
        } else if list && depth > 3 {
            return;
        } else {
            context
        };
        // A loose item parses after a dummy first item that makes the list loose too.
        let context = match list_marker(&context).filter(|_| loose && nested == 0) {
            Some(marker) => format!("{}{context}", loose_list_context(marker)),
            None => context,
        };
        let resume_from = self.tail.resume.as_ref().map(|r| r.at);
        let Some(point) = nested_leaf_point(&self.src, content_start, leaf_children, resume_from) else { return };
        let resume_at = |at: usize, kept: usize, boundary: String| Resume {
            at,
            defs,
            context,
            block_tag,
            target: Target::Spine(path),
            kept,
            boundary: Some(boundary),
            drop_first: 0,
            tight: list.then_some(!loose),
            lead_word: false,
        };
        match point {
            LeafPoint::Candidate { at, kept, boundary } => self.tail.candidate = Some(resume_at(at, kept, boundary)),
            LeafPoint::Resume { at, kept, boundary } => {
                self.tail.resume = Some(resume_at(at, kept, boundary));
                self.tail.candidate = None;
            }
        }
    }

    /// At the end of a line of a tight list's last item (at the top level, inline text only, all of it settled), the
    /// next line may continue the item's paragraph, lazily or indented: it can be parsed alone after the item's marker
    /// (`prefix`), its text joined to the item's after a line break. `start` begins the item's scan at its text (see
    /// [`Self::scan_settled`]). Sets a candidate that [`Self::promote_candidate`] takes once the line's start shows it
    /// continues the paragraph.
    fn list_line_candidate(&mut self, start: Option<usize>, prefix: String, defs: String) {
        let Some(defs) = self.scan_settled(start, defs, false) else { return };
        if self.tail.settle.as_ref().is_none_or(|s| s.quote) {
            return;
        }
        // The text ends one line with text: no blank line, no hard line break (two spaces, a backslash).
        let Some(complete) = self.src.strip_suffix('\n') else { return };
        let complete = complete.strip_suffix('\r').unwrap_or(complete);
        let last_line = &complete[self.line_start(complete.len())..];
        if last_line.trim().is_empty() || last_line.ends_with(['\\', '\t']) || last_line.ends_with("  ") {
            return;
        }
        let Some(list) = self.blocks.last() else { return };
        let Some(spine) = list::item_spine(list, self.tail.open_list_tight) else { return };
        let inline_only = spine.leaf.iter().all(|child| match &child.kind {
            MountedKind::Element { tag, .. } => !is_block_tag(tag),
            _ => true,
        });
        if spine.nested > 0 || spine.loose || !inline_only {
            return;
        }
        let (kept, boundary) = match spine.leaf.last() {
            Some(Mounted { kind: MountedKind::Text(text), .. }) => (spine.leaf.len() - 1, format!("{text}\n")),
            _ => (spine.leaf.len(), "\n".to_owned()),
        };
        self.tail.candidate =
            Some(list::line_resume(self.src.len(), prefix, mounted_tag(list), spine.path, kept, boundary, defs));
    }

    /// After a parse resumed inside the line of a top-level list item's text (its marker the context), once that line
    /// has ended: the next line may continue the item (see [`Self::list_line_candidate`]).
    fn line_candidate_after(&mut self, resume: &Resume) {
        let in_list = self.blocks.last().is_some_and(|b| matches!(mounted_tag(b), "ul" | "ol"));
        if !in_list || !matches!(resume.target, Target::Spine(_)) || self.tail.open_list_tight != Some(true) {
            return;
        }
        let single_marker =
            item_prefix(&resume.context).filter(|&(len, _, indent)| len == resume.context.len() && indent <= 3);
        if let Some((_, prefix, _)) = single_marker {
            self.list_line_candidate(None, prefix, resume.defs.clone());
        }
    }

    /// The lines of the `count` items a nested item at `indent`, on the line starting at `line_start`, is in, each
    /// with a dummy word: the nearest item lines above it with less indentation (a few hundred lines at most).
    fn ancestor_items(&self, line_start: usize, indent: usize, count: usize) -> Option<String> {
        // The same line asks again at every word: its ancestors do not change.
        let key = (line_start, indent, count, self.commit.len);
        if let Some((known, ancestors)) = &*self.tail.ancestors.borrow() {
            if *known == key {
                return ancestors.clone();
            }
        }
        let ancestors = list::ancestor_items(&self.src, self.commit.len, line_start, indent, count);
        *self.tail.ancestors.borrow_mut() = Some((key, ancestors.clone()));
        ancestors
    }

    /// A link reference or footnote definition arrived after its use: re-render the committed blocks that mention
    /// one of `labels` (lowercased; footnotes as `^label`) and patch them in place — only the nodes that change.
    fn patch_late_definitions(&mut self, labels: &[String], blocks: std::ops::Range<usize>, differ: &mut Differ<'_>) {
        let users = self.defs.users(labels, blocks, &self.src, &self.commit.sources);
        let mut fresh = Vec::new(); // footnotes these definitions number
        for index in users {
            // A block's source parses alone as that block, except a paragraph whose last line became the header of
            // the table after it (`[a]:b` alone would be a definition): then it goes with the table's source.
            let mut doc = self.render_committed(index, index);
            let same_tag = |doc: &RenderedDoc, mounted: Option<&Mounted>| match (doc.blocks.first(), mounted) {
                (Some(render::RenderedBlock { node: Node::Element(el), .. }), Some(mounted)) => {
                    el.tag == mounted_tag(mounted)
                }
                (Some(_), Some(mounted)) => !matches!(mounted.kind, MountedKind::Element { .. }),
                _ => false,
            };
            if !same_tag(&doc, self.blocks.get(index)) && index + 1 < self.commit.sources.len() {
                doc = self.render_committed(index, index + 1);
            }
            if self.opts.gfm {
                self.book.capture(std::mem::take(&mut doc.footnote_items), true);
            }
            if let (Some(block), Some(mounted)) = (doc.blocks.into_iter().next(), self.blocks.get_mut(index)) {
                let mut node = block.node;
                if self.opts.gfm {
                    self.book.number_late(&mut node, mounted, index, &mut fresh);
                }
                differ.update(mounted, &node);
                self.stats.late_definition_patches += 1;
            }
        }
        if self.opts.gfm {
            self.book.sync_section(differ, self.root);
        }
    }

    /// Scans the open paragraph's new text; when everything so far is settled and the text ends with one space, the
    /// next parse resumes at that space (behind a dummy word, so the rest never starts a block), or else at the start
    /// of a plain last word.
    fn paragraph_candidate(&mut self, start: Option<usize>, defs: String) {
        let Some(defs) = self.scan_settled(start, defs, false) else { return };
        let Some(Mounted { kind: MountedKind::Element { tag: "p", children, .. }, .. }) = self.blocks.last() else {
            return;
        };
        let starts_with_bracket =
            self.tail.settle.as_ref().is_some_and(|s| self.src[s.start..].trim_start().starts_with('['));
        if starts_with_bracket
            || matches!(children.first(), Some(Mounted { kind: MountedKind::Text(t), .. }) if t.starts_with('['))
        {
            return; // may still turn out to be a link reference definition, which parses only as a whole
        }
        let last_text = match children.last() {
            Some(Mounted { kind: MountedKind::Text(text), .. }) => Some(text.as_str()),
            _ => None,
        };
        let line_start = self.line_start(self.src.len());
        let src = self.src.as_str();
        let paragraph_start = self.tail.settle.as_ref().map_or(0, |s| s.start);
        let (kept, boundary) = match last_text {
            Some(text) => (children.len() - 1, Some(text.to_owned())),
            None => (children.len(), None),
        };
        let single_space_at = |at: usize| src[..at].ends_with(' ') && !src[..at - 1].ends_with(char::is_whitespace);
        if src.ends_with('\n') {
            // At a line break: the next line parses after the dummy word as it does in place.
            let at = paragraph::line_break_at(src, paragraph_start);
            if let Some(at) = at.filter(|&at| self.tail.resume.as_ref().is_none_or(|r| r.at < at)) {
                self.tail.resume = Some(paragraph::lead_word_resume(at, kept, boundary, defs));
                self.tail.candidate = None;
            }
            return;
        }
        // A continuation line whose start may be a block marker (`1. `, `- `) may yet interrupt the paragraph.
        if line_start > paragraph_start && starts_plainly(&src[line_start..]) != Some(true) {
            return;
        }
        if single_space_at(src.len()) {
            // Resume at the space.
            let at = src.len() - 1;
            if self.tail.resume.as_ref().is_none_or(|r| r.at < at) {
                self.tail.resume = Some(paragraph::lead_word_resume(at, kept, boundary, defs));
                self.tail.candidate = None;
            }
            return;
        }
        // Resume at the start of the last word when it is plain text that ends the last text node (only after the
        // current resume point: a search back through a word of megabytes with every chunk would be quadratic).
        let lower = self.tail.resume.as_ref().map_or(paragraph_start, |r| r.at).min(src.len());
        let Some(word_at) = src[lower..].rfind(' ').map(|at| lower + at + 1) else { return };
        let word = &src[word_at..];
        let Some(text) = last_text else { return };
        if word_at < 2
            || !single_space_at(word_at)
            || !word.chars().all(is_plain)
            || starts_plainly(word) != Some(true)
            || !text.ends_with(word)
            || self.tail.resume.as_ref().is_some_and(|r| r.at >= word_at)
        {
            return;
        }
        let boundary = text[..text.len() - word.len()].to_owned();
        self.tail.resume = Some(paragraph::word_resume(word_at, children.len() - 1, boundary, defs));
        self.tail.candidate = None;
    }

    /// Bounds how far back the open paragraph's parses reach. A paragraph resumes after its last settled word, but a
    /// construct that stays open (`[` never closed, a lone `_`, a word of 100 KB with no space) keeps it unsettled,
    /// and every render would parse it again from its start: quadratic work. Once the text since the resume point
    /// (or the paragraph's start) passes [`SEGMENT_BYTES`], what is shown is kept as it is, and later parses start at
    /// the end of the text, behind a dummy word (so nothing there starts a block) and a space: the paragraph is shown
    /// as segments parsed apart. CommonMark would let a late closer reach back into a kept segment (`*a [b ... c*`),
    /// so this is display only: a stitched paragraph never resumes its final parse, it ends with one parse of it
    /// whole (a blank line, an interrupting block, the end of input), which is the one-shot render. The work per
    /// render is bounded by the segment, plus one whole parse per paragraph.
    ///
    /// A segment is cut only where the last render showed every character it had (nothing held back that a later
    /// one would reveal), preferably after a space (a word split in two shows as two words until the end; a segment
    /// without any space is cut where it stands), never
    /// where a footnote reference or a table row is being typed (their parses need their whole text), and never
    /// inside a word that may be a URL (a tail of a URL parsed alone could become a link).
    fn cut_paragraph_segment(&mut self, paragraph_start: Option<usize>, defs: String) {
        let Some(from) = self.tail.resume.as_ref().map(|r| r.at).or(paragraph_start) else { return };
        let src = self.src.as_str();
        let reach = src.len().saturating_sub(from);
        if reach < SEGMENT_BYTES || self.finished || self.blocks.len() != self.commit.blocks + 1 {
            return;
        }
        let at_space = src.ends_with(' ') && !src.ends_with("  ");
        let segment = &src[from..];
        let word_start = segment.rfind(char::is_whitespace).map_or(from, |at| from + at + 1);
        // After a space, or anywhere in a segment with none; else a space is waited for, for a while.
        let spaceless = word_start == from;
        if !at_space && !spaceless && reach < 2 * SEGMENT_BYTES {
            return;
        }
        let Some(Mounted { kind: MountedKind::Element { tag: "p", children, .. }, .. }) = self.blocks.last() else {
            return;
        };
        let line = &src[self.line_start(src.len()).max(from)..];
        let word = &src[word_start..];
        let url_like = word.contains("://") || word.contains("www.") || word.contains('@');
        let odd_url = url_like && word.contains(['[', ']', '(', ')', '<', '`', '\\']);
        if segment.contains("[^") || line.contains('|') || (!at_space && odd_url) {
            return;
        }
        let at = from + segment.trim_end_matches([' ', '\t', '\r', '\n']).len();
        if at <= from {
            return;
        }
        self.tail.resume = Some(paragraph::segment_resume(at, children.len(), defs));
        self.tail.candidate = None;
        self.tail.stitched = true;
        // The cut keeps every child shown, the last text node too: text appended in place to it would be parsed again
        // after the cut and shown twice. The next render parses, and later text continues the segment's own node.
        self.tail.exact = false;
        if let Some(scan) = self.tail.settle.as_mut() {
            // What the segments before hold open is given up on until the whole parse: the scan starts afresh.
            scan.state = scan.state.fresh();
            scan.scanned = at;
            scan.has_pipe = false;
        }
    }

    /// The cheapest render: when the last render was exact and the new text is plain (it cannot start, end or change
    /// any construct), it is appended to the text node that ends the open block — no parse at all. Code in a fence
    /// takes any text whose lines cannot close the fence; inline text takes letters, digits, spaces and harmless
    /// punctuation, with trailing spaces held back (a paragraph's trailing spaces are not shown).
    fn append_in_place(&mut self, ids: &mut IdAllocator, ops: &mut Vec<PatchOp>) -> bool {
        if !self.tail.exact || self.rendered_len >= self.src.len() || self.blocks.len() <= self.commit.blocks {
            return false;
        }
        let shown_line_start = self.line_start(self.rendered_len);
        let shown = &self.src[..self.rendered_len];
        let new_text = &self.src[self.rendered_len..];
        let Some((leaf, text_node)) = self.blocks.last_mut().and_then(leaf_text) else { return false };
        let MountedKind::Text(current) = &text_node.kind else { return false };
        // The text node must end where the source ends (it does not after a setext underline, an entity, …).
        let tail_of_node = last_chars(current, 48);
        let append = match leaf {
            Leaf::Code => match self.tail.open_fence.as_mut().and_then(|plan| plan.append(&self.src)) {
                Some(code) => {
                    // A held partial line of fence characters would show in a parse: the next render parses.
                    self.tail.exact = !self.tail.open_fence.as_ref().is_some_and(|plan| plan.holds_text(&self.src));
                    code
                }
                None => return false,
            },
            Leaf::Inline if self.tail.open_html.is_some() => {
                match self.tail.open_html.as_mut().and_then(|plan| plan.append(&self.src)) {
                    Some(text) => text,
                    None => return false,
                }
            }
            Leaf::Inline => {
                let before = shown.trim_end_matches(' ');
                let held = &shown[before.len()..];
                let last_shown = before.chars().next_back();
                if !new_text.chars().all(is_plain)
                    || !last_shown.is_some_and(is_plain)
                    || !(before.ends_with(tail_of_node) || quote_line_ends_node(&before[shown_line_start..], current))
                {
                    return false;
                }
                // From the start of the word the new text continues: every word it touches.
                // (Not before the resume point: a paragraph cut into segments shows a word's start apart from its end,
                // and a search through a word of megabytes with every chunk would be quadratic.)
                let lower = self.tail.resume.as_ref().map_or(self.commit.len, |r| r.at).min(shown.len());
                let word_start = shown[lower..]
                    .char_indices()
                    .rfind(|(_, c)| c.is_whitespace())
                    .map_or(lower, |(at, c)| lower + at + c.len_utf8());
                // The start of the line the text continues must be decided: `1` + `. ` makes a list item.
                let line_start = shown_line_start.max(self.commit.len);
                // An empty item's marker (`1. `) does not interrupt the paragraph it is in, but with text it does.
                // After its indentation and quote markers too: `   1` + `. ` makes an item just the same (only the
                // line's first characters decide: a long line is not read again for it).
                let line = &shown[line_start..];
                let content = line.trim_start_matches([' ', '\t', '>']);
                let content_undecided =
                    content.len() != line.len() && starts_plainly(first_chars(content, 64)).is_none();
                if starts_plainly(line).is_none() || content_undecided || is_empty_item_marker(line) {
                    return false;
                }
                // A `)` may close a link destination or title opened before it in the open text.
                if new_text.contains(')') {
                    let from = self.tail.resume.as_ref().map_or(self.commit.len, |r| r.at.max(self.commit.len));
                    if self.src[from..].contains("](") {
                        return false;
                    }
                }
                let word = self.src[word_start..].to_ascii_lowercase();
                if word.contains("www.") || word.contains("://") || word.contains('@') {
                    return false; // may become or extend an autolink
                }
                if word.contains(['<', '&']) {
                    // May become a tag (`</b` + `>`) or a character reference (`&amp` + `;`), which speculation
                    // hides while they are typed.
                    return false;
                }
                format!("{held}{new_text}").trim_end_matches(' ').to_owned()
            }
        };
        // (Not watched for lost words: an append takes nothing away.)
        Differ::new(ids, ops).append_text(text_node, &append);
        self.stats.appended_in_place += 1;
        self.tail.last_parse_key = None; // the DOM no longer shows what that parse read
        if leaf == Leaf::Inline && self.tail.open_html.is_none() {
            // After a commit the open paragraph has no scan yet: it starts at the commit point.
            let start = self.tail.settle.is_none().then_some(self.tail.paragraph_after_commit).flatten();
            let paragraph_start = start.or(self.tail.settle.as_ref().map(|s| s.start));
            self.paragraph_candidate(start, String::new());
            if self.blocks.last().is_some_and(|b| mounted_tag(b) == "p") {
                self.cut_paragraph_segment(paragraph_start, String::new());
            }
            match self.blocks.last().map(mounted_tag) {
                Some("blockquote") => self.nested_candidate(None, String::new(), false),
                Some("ul" | "ol") => self.nested_candidate(None, String::new(), true),
                _ => {}
            }
        }
        true
    }

    /// A candidate inside a quote line or list item becomes the resume point once the text after it shows it parses
    /// after the container markers exactly as in place (see [`resumes_nested`]). Returns whether the text after a
    /// line-start candidate is indentation alone (the render waits for more).
    fn promote_candidate(&mut self) -> bool {
        let Some(candidate) = &mut self.tail.candidate else { return false };
        if candidate.boundary.as_deref().is_some_and(|b| b.ends_with('\n')) {
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

    /// End of input. The open tail gets one last parse without speculation (resumed inside the open block when it
    /// can be) and every block becomes final. Where the whole text decides (footnote numbers, a definition whose
    /// label an earlier committed definition already took) the document is reconciled with a one-shot parse of the
    /// whole text; otherwise the verified finish compares the DOM with one such parse. Either way the final DOM
    /// equals the one-shot render, whatever the chunking. Nothing is emitted after this.
    pub fn finish(&mut self, ids: &mut IdAllocator, ops: &mut Vec<PatchOp>) {
        if self.finished {
            return;
        }
        let reconciled = self.finish_open_tail(ids, ops);
        // A reconcile has just brought every block in line with a parse of the whole text: a second one would
        // find nothing.
        if !reconciled {
            self.verify_against_one_shot(ids, ops);
        }
    }

    /// The last render of [`Self::finish`]: the open tail without speculation, or a reconcile where the engine knows
    /// it cannot follow the whole text. Returns whether it reconciled.
    fn finish_open_tail(&mut self, ids: &mut IdAllocator, ops: &mut Vec<PatchOp>) -> bool {
        // The DOM already shows the open tail as its parse without speculation, and no definitions wait there.
        let shown_as_final = self.tail.exact && !self.tail.stitched && !self.dirty && self.finished_blocks_known() && !self.src[self.commit.len..].contains("]:")
                // Trailing spaces were held back; at the very end of the text comrak keeps them.
                && !self.src.ends_with([' ', '\t', '\r']);
        self.finished = true;
        self.dirty = false;
        self.tail.candidate = None;
        self.tail.settle = None;
        self.tail.exact = false;
        // Footnotes are numbered as blocks commit: the last pass commits the open block.
        let footnotes = self.opts.gfm && self.src.contains("[^");
        if !footnotes && shown_as_final && !self.defs.redefined_label() && self.definitions_all_known() {
            self.commit.blocks = self.blocks.len();
            self.commit.len = self.src.len();
            return false;
        }
        // The last pass runs even when a reconcile must follow: it commits the definitions the open tail holds, and
        // committed blocks that use them are patched as while streaming (the reconcile's count of ops on committed
        // blocks is about what streaming showed as final, not about the open tail this pass commits).
        let streamed_commits = self.commit.blocks;
        let resume = self.tail.resume.take();
        let fitted = match resume.map(|resume| self.render_pass(Some(&resume), ids, ops)) {
            Some(Ok(())) => true,
            Some(Err(abandoned)) => {
                self.abandoned(abandoned);
                false
            }
            None => false,
        };
        if !fitted {
            self.render_whole_tail(ids, ops);
        }
        let footnotes_exact = !footnotes || (self.book.is_exact() && self.commit.blocks == self.blocks.len());
        if footnotes_exact && !self.defs.redefined_label() && self.definitions_all_known() {
            self.commit.blocks = self.blocks.len();
            self.commit.len = self.src.len();
            return false;
        }
        self.commit.blocks = streamed_commits.min(self.blocks.len());
        self.tail.resume = None;
        self.reconcile(ids, ops);
        true
    }

    /// Whether every `[label]:` in the text is a definition this engine read (see
    /// [`CommittedDefinitions::all_known`]).
    fn definitions_all_known(&self) -> bool {
        self.defs.all_known(&self.src, self.opts.gfm, &self.commit.sources)
    }

    /// Whether a render happened at all (an engine that never rendered shows nothing yet).
    fn finished_blocks_known(&self) -> bool {
        self.rendered_len == self.src.len() && !self.src.is_empty()
    }

    /// The verified finish: compares every mounted block and the footnotes section with one parse of the whole
    /// text, and patches what differs. Whatever the streaming engine got wrong, the final DOM is the one-shot render;
    /// the ops it took are counted in [`MarkdownStats::finish_repairs`] so that tests see any slip.
    fn verify_against_one_shot(&mut self, ids: &mut IdAllocator, ops: &mut Vec<PatchOp>) {
        self.stats.finish_verified_bytes += self.src.len() as u64;
        let doc = render::render(&self.src, &self.opts);
        let nodes: Vec<Node> = doc.blocks.into_iter().map(|block| block.node).collect();
        let mut differ = Differ::new(ids, ops);
        let ops_before = differ.ops.len();
        let before = self.book.section_id();
        differ.sync_children(self.root, &mut self.blocks, &nodes, before);
        self.book.show_section(&mut differ, self.root, doc.footnotes.as_ref());
        self.stats.finish_repairs += (differ.ops.len() - ops_before) as u64;
        self.commit.blocks = self.blocks.len();
        self.commit.len = self.src.len();
    }

    /// Brings the DOM in line with a one-shot parse of the whole text.
    fn reconcile(&mut self, ids: &mut IdAllocator, ops: &mut Vec<PatchOp>) {
        let doc = parse(&self.opts, &mut self.stats, &self.src);
        let nodes: Vec<Node> = doc.blocks.into_iter().map(|block| block.node).collect();

        let mut differ = Differ::new(ids, ops);
        let ops_before = differ.ops.len();
        let committed = self.commit.blocks.min(nodes.len());
        for (mounted, node) in self.blocks.iter_mut().zip(&nodes).take(committed) {
            differ.update(mounted, node);
        }
        self.stats.reconcile_ops_on_committed += (differ.ops.len() - ops_before) as u64;
        let before = self.book.section_id();
        let mut open = self.blocks.split_off(committed);
        differ.sync_children(self.root, &mut open, &nodes[committed..], before);
        self.blocks.append(&mut open);
        self.book.show_section(&mut differ, self.root, doc.footnotes.as_ref());
        self.book.forget_section();
        self.commit.blocks = self.blocks.len();
        self.commit.len = self.src.len();
    }

    /// Gives up the mounted DOM (and the work counters) to the document that replaces this one; this one shows
    /// nothing afterwards and is meant to be dropped (see `replace.rs`).
    pub fn take_shown(&mut self) -> Shown {
        Shown { blocks: std::mem::take(&mut self.blocks), footnotes: self.book.take_section(), stats: self.stats }
    }

    /// Renders this document, which has not rendered yet, over the DOM `shown` (the document it replaces): the DOM
    /// ends as this document's own first [`render`](Self::render) would make it, and blocks equal to shown ones keep
    /// their nodes.
    pub fn render_over(&mut self, shown: Shown, ids: &mut IdAllocator, ops: &mut Vec<PatchOp>) {
        debug_assert!(
            self.blocks.is_empty() && self.book.section_id().is_none(),
            "render_over on a document that rendered"
        );
        let mut own_ids = IdAllocator::default();
        self.render(&mut own_ids, &mut Vec::new());
        let new_blocks: Vec<Node> = std::mem::take(&mut self.blocks).iter().map(Mounted::to_node).collect();
        let new_footnotes = self.book.take_section().map(|section| section.to_node());
        // A replacement takes the old text's words away on purpose: not watched for shown-text losses.
        let mut differ = Differ::new(ids, ops);
        let taken = replace::take_over(&mut differ, self.root, shown, &new_blocks, new_footnotes.as_ref(), self.stats);
        let TakenOver { blocks, footnotes, stats } = taken;
        self.blocks = blocks;
        self.book.set_section(footnotes);
        self.stats = stats;
    }

    /// How many top-level blocks are committed: the first this many children of the root are final (tests check
    /// that each already shows its one-shot HTML).
    pub fn committed_blocks(&self) -> usize {
        self.commit.blocks
    }
}

/// One comrak parse, counted.
fn parse(opts: &RenderOptions, stats: &mut MarkdownStats, text: &str) -> RenderedDoc {
    stats.bytes_parsed += text.len() as u64;
    stats.parses += 1;
    render::render(text, opts)
}

#[cfg(test)]
mod render_pass_contract_tests {
    use super::*;
    use crate::patch::ROOT;

    /// Everything a render may change, as text.
    fn state(engine: &IncrementalMarkdown) -> String {
        format!(
            "{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}",
            engine.blocks, engine.commit, engine.defs, engine.book, engine.tail, engine.stats, engine.rendered_len
        )
    }

    /// A resumed pass that does not fit the open block (a paragraph that becomes a heading, a list that turns loose,
    /// a quote's next line that starts a list…) emits nothing and changes nothing: its caller parses the whole open
    /// tail from the state the last render left.
    #[test]
    fn a_resumed_pass_that_does_not_fit_changes_nothing() {
        let mut abandoned = 0;
        for text in [
            "Some words in a paragraph\n===\n\nNext.\n",
            "- a tight item\n- another item\n\n- loose now\n",
            "> quoted words here\n> - a list\n",
            "A paragraph of words\n- an item\n",
            "1. **Step**: words here\n   ```\n   code\n   ```\n2. Done.\n",
        ] {
            let mut engine = IncrementalMarkdown::new(RenderOptions::default(), ROOT);
            let (mut ids, mut ops) = (IdAllocator::default(), Vec::new());
            for c in text.chars() {
                engine.push(c.encode_utf8(&mut [0; 4]));
                if let Some(resume) = engine.tail.resume.clone() {
                    if let PassPlan::Abandon(_) = engine.plan_pass(Some(&resume)) {
                        let before = state(&engine);
                        let mut pass_ops = Vec::new();
                        let result = engine.render_pass(Some(&resume), &mut ids, &mut pass_ops);
                        assert!(result.is_err(), "{text:?}: a pass planned as abandoned should return Err");
                        assert!(pass_ops.is_empty(), "{text:?}: an abandoned pass should emit nothing: {pass_ops:?}");
                        assert_eq!(state(&engine), before, "{text:?}: an abandoned pass should change no state");
                        abandoned += 1;
                    }
                }
                engine.render(&mut ids, &mut ops);
            }
        }
        assert!(abandoned > 0, "the texts should make some resumed passes not fit");
    }
}

#[cfg(test)]
mod verified_finish_tests {
    use super::*;
    use crate::patch::recorder::HtmlRecorder;
    use crate::patch::{PatchSink, ROOT};

    /// A streamed DOM that lost a block (as a resume bug once lost a list item) is repaired by the verified finish,
    /// and the repair is counted.
    #[test]
    fn the_verified_finish_repairs_a_lost_block_and_counts_it() {
        let text = "First paragraph.\n\n- one\n- two\n\nLast paragraph.\n";
        let opts = RenderOptions::default();
        let mut engine = IncrementalMarkdown::new(opts.clone(), ROOT);
        let (mut ids, mut ops, mut recorder) = (IdAllocator::default(), Vec::new(), HtmlRecorder::new());
        engine.push(text);
        engine.render(&mut ids, &mut ops);
        // Lose the list from the DOM and from the engine's view of it alike, as a buggy splice would.
        let lost = engine.blocks.remove(1);
        engine.commit.blocks = engine.commit.blocks.min(engine.blocks.len());
        Differ::new(&mut ids, &mut ops).remove(lost);
        recorder.apply(&ops);
        ops.clear();
        assert!(!recorder.html().contains("<ul>"), "the test should start from a DOM without the list");

        engine.finish(&mut ids, &mut ops);
        recorder.apply(&ops);
        assert_eq!(
            recorder.html(),
            render::render(text, &opts).to_html(),
            "the finish should restore the one-shot DOM"
        );
        assert!(engine.stats().finish_repairs > 0, "the repair should be counted");
        assert_eq!(engine.stats().finish_verified_bytes, text.len() as u64, "the whole text should be parsed once");
        assert!(recorder.violations().is_empty(), "repair ops should be valid: {:?}", recorder.violations());
    }

    /// The issue-13 list shape: whatever the streaming engine does with it, the finished DOM is the one-shot render.
    #[test]
    fn a_char_by_char_stream_always_finishes_as_the_one_shot_render() {
        let text = "1. \n   - a s\n3.\n4. .\n s.\n";
        let opts = RenderOptions::default();
        let mut engine = IncrementalMarkdown::new(opts.clone(), ROOT);
        let (mut ids, mut ops, mut recorder) = (IdAllocator::default(), Vec::new(), HtmlRecorder::new());
        for c in text.chars() {
            engine.push(c.encode_utf8(&mut [0; 4]));
            engine.render(&mut ids, &mut ops);
        }
        engine.finish(&mut ids, &mut ops);
        recorder.apply(&ops);
        assert_eq!(
            recorder.html(),
            render::render(text, &opts).to_html(),
            "the finished DOM should be the one-shot render"
        );
    }
}

#[cfg(test)]
mod shown_text_loss_tests {
    use super::*;
    use crate::patch::ROOT;

    fn stream(engine: &mut IncrementalMarkdown, text: &str, ids: &mut IdAllocator, ops: &mut Vec<PatchOp>) {
        for c in text.chars() {
            engine.push(c.encode_utf8(&mut [0; 4]));
            engine.render(ids, ops);
        }
    }

    /// A render that takes shown words away is counted: the open paragraph's shown words are taken out of the
    /// engine's text (as a buggy resume would drop them), and the next render's patch removes them.
    #[test]
    fn a_render_that_takes_shown_words_away_is_counted() {
        let mut engine = IncrementalMarkdown::new(RenderOptions::default(), ROOT);
        let (mut ids, mut ops) = (IdAllocator::default(), Vec::new());
        stream(&mut engine, "Intro.\n\nThe open paragraph shows these words", &mut ids, &mut ops);
        assert_eq!(engine.stats().shown_text_losses, 0, "growing text should lose nothing");
        let open = engine.src.find("The open").expect("the paragraph is in the text");
        engine.src.truncate(open + "The".len());
        engine.tail.last_parse_key = None;
        engine.tail.resume = None;
        engine.tail.candidate = None;
        engine.tail.settle = None;
        engine.tail.stitched = false;
        engine.tail.exact = false;
        engine.rendered_len = engine.src.len();
        engine.push(".");
        engine.render(&mut ids, &mut ops);
        assert_eq!(engine.stats().shown_text_losses, 1, "the render that dropped `open paragraph …` should count once");
    }

    /// Speculation that shows and takes back only markup loses no word: emphasis, links, footnotes and tags typed
    /// character by character.
    #[test]
    fn markup_typed_character_by_character_loses_no_word() {
        for (text, trusted) in [
            ("Some **bold** and _it_ and `code` [a link](https://e.com) www.example.com.\n", false),
            ("A claim[^1] and more[^2].\n\n[^2]: Two.\n[^1]: One.\n", false),
            ("Intro <b>bold</b> and <br> text.\n\n<div>\nblock\n</div>\n", true),
            ("1. **Step**: run\n   ```bash\n   pip install x\n   ```\n2. Done.\n", false),
        ] {
            let mut engine = IncrementalMarkdown::new(RenderOptions { trusted, ..RenderOptions::default() }, ROOT);
            let (mut ids, mut ops) = (IdAllocator::default(), Vec::new());
            stream(&mut engine, text, &mut ids, &mut ops);
            assert_eq!(engine.stats().shown_text_losses, 0, "{text:?} should lose no shown word");
        }
    }
}
