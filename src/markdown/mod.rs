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
//! - `open/`: the engine's methods for the open block, by construct: after a parse, where the next one resumes
//!   (`open/mod.rs` chooses by the block's construct; `open/paragraph.rs`, `open/list_items.rs`, `open/nested.rs`
//!   for quote lines and list item lines), and text appended in place (`open/append.rs`).
//! - `scan.rs`: line and delimiter checks; `settle.rs`, `speculate.rs`: the open paragraph's inline text.
//! - `watch.rs`: which renders are watched for lost words; `stats.rs`: the work counters; `replace.rs`: `update()`
//!   with a text that does not extend the shown one.
//!
//! No module in `markdown/` imports anything from this one but `open/`, whose methods extend the engine type, and this
//! one imports nothing from `open/`: the imports form no cycle. The other modules hold types and functions; the
//! render's orchestration (a pass planned, then shown, then committed) is here.
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
mod open;
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
use leaf::{target_children, target_len};
use pass::{Abandoned, Fit, ParsedTail, PassPlan, PassText, ShownTail};
use render::RenderedDoc;
use resume::{mounted_tag, spine_matches, splice_children, splice_spine, Resume, Target, STITCH_CONTEXT};
use scan::{first_line, has_blank_line, starts_definition, starts_plainly};
use std::borrow::Cow;
use tail::OpenTail;
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
            let Some(children) = target_children(&resume.target, open_block).filter(|c| c.len() >= resume.kept) else {
                return Fit::No;
            };
            let Some(boundary) = resume.boundary_in(children) else { return Fit::No };
            return splice_children(resume, boundary, first).map_or(Fit::No, Fit::Spliced);
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
            } else if let (Some(spliced), Some((target_id, target_children))) = (
                spliced.or_else(|| {
                    let boundary = resume.boundary_in(target_children(&resume.target, open_block)?)?;
                    splice_children(resume, boundary, first.as_ref())
                }),
                resume.target.find_mut(open_block),
            ) {
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
