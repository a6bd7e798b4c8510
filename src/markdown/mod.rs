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
//! [`render`]: IncrementalMarkdown::render

pub mod render;
mod scan;
pub mod settle;
pub mod speculate;
pub mod url;

mod fence;
mod footnotes;
mod html_block;
mod list;
mod paragraph;
mod quote;
mod replace;
mod resume;
mod table;

pub use replace::Shown;

use crate::options::RenderOptions;
use crate::patch::diff::{Differ, IdAllocator, Mounted, MountedKind};
use crate::patch::shown_words::ShownWords;
use crate::patch::{Element, Node, NodeId, PatchOp};
use list::{is_empty_item_marker, item_prefix, list_marker, loose_list_context};
use paragraph::SEGMENT_BYTES;
use render::RenderedDoc;
use resume::{is_block_tag, mounted_tag, spine_matches, splice_children, splice_spine, Resume, Target, STITCH_CONTEXT};
use scan::{line_starts, starts_definition};
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

/// Counters that make the engine's work visible to tests and benchmarks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MarkdownStats {
    /// Bytes handed to comrak, over all parses (the work measure: linear streaming keeps this near the text size).
    pub bytes_parsed: u64,
    /// Number of parses.
    pub parses: u64,
    /// Top-level blocks committed (frozen) while streaming.
    pub blocks_committed: u64,
    /// Ops the final reconcile had to emit for blocks that were already committed (0 when streaming was exact).
    pub reconcile_ops_on_committed: u64,
    /// Resumed parses whose result did not fit the open block (each cost one full parse of the open tail).
    pub resumes_abandoned: u64,
    /// Committed blocks re-rendered because a definition they use arrived after them.
    pub late_definition_patches: u64,
    /// Renders that appended plain text to a text node without parsing.
    pub appended_in_place: u64,
    /// Ops the verified finish emitted to bring the streamed DOM in line with one parse of the whole text. Streaming
    /// is meant to be exact, so tests assert 0; users are protected from an engine bug either way.
    pub finish_repairs: u64,
    /// Bytes the verified finish parsed (the whole text, once; kept apart from `bytes_parsed`, the streaming work).
    pub finish_verified_bytes: u64,
    /// Renders that took a shown word off the screen without showing it again (the open tail's patch removed a word
    /// and added it nowhere: see `patch/shown_words.rs`). Committed blocks are final, so only the tail's patch is
    /// watched. Streaming is meant never to do it, so tests assert 0.
    pub shown_text_losses: u64,
}

/// A markdown document that grows by appended text and renders itself into a DOM subtree through patch ops.
pub struct IncrementalMarkdown {
    opts: RenderOptions,
    /// The node the blocks are children of.
    root: NodeId,
    /// All text received so far.
    src: String,
    /// `src[..committed_len]` holds only final blocks.
    committed_len: usize,
    /// Link reference definitions from committed text, by normalised label: resolved through comrak's broken-link
    /// callback, so that a long run of definitions is not parsed again with every chunk.
    link_defs: Arc<ByLabel<(String, String)>>,
    /// The source range of every committed block (for re-rendering one when a definition arrives after its use).
    committed_sources: Vec<std::ops::Range<usize>>,
    /// Every `[…]` in the committed blocks' sources (case-folded) → the blocks it is in, so a late definition finds
    /// the blocks that use it without scanning them all (a run of definitions would be quadratic).
    bracketed: HashMap<String, usize>,
    bracket_users: Vec<Vec<usize>>,
    /// Footnote definitions found in committed text, by label.
    footnote_defs: ByLabel<String>,
    /// Mounted top-level blocks in document order; the first `committed_blocks` are frozen.
    blocks: Vec<Mounted>,
    committed_blocks: usize,
    /// The footnotes section, kept after every block.
    footnotes: Option<Mounted>,
    /// Footnote numbers across the answer (see `footnotes.rs`).
    book: footnotes::FootnoteBook,
    /// Where the next parse resumes inside the open block (see [`Resume`]).
    resume: Option<Resume>,
    /// A resume point inside a quote line or list item, waiting for the next character to confirm it.
    candidate: Option<Resume>,
    /// Settledness of the open paragraph's inline text.
    settle: Option<ParagraphSettle>,
    /// The open paragraph is shown as segments parsed apart (see [`Self::cut_paragraph_segment`]): the DOM is not its
    /// parse as a whole, so it ends with a whole parse, never by a resumed one.
    stitched: bool,
    /// `src.len()` at the last render.
    rendered_len: usize,
    /// The text the last parse read, and where it started and whether it resumed inside the open block: a parse of
    /// the same text from the same place would change nothing (the new text is all in a line speculation holds).
    last_parse_text: String,
    last_parse_key: Option<(usize, bool)>,
    /// `(end, start)`: the line that ends at byte `end` of `src` starts at `start` (see [`Self::line_start`]).
    line_cache: std::cell::Cell<(usize, usize)>,
    /// The last render showed the source as it is (no speculation), so plain text may be appended in place.
    exact: bool,
    /// The open block ends in an open fenced code block whose lines append in place (see `fence.rs`).
    open_fence: Option<fence::OpenFence>,
    /// The open block is an HTML block shown as text whose lines append in place (see `html_block.rs`).
    open_html: Option<html_block::OpenHtmlBlock>,
    /// Text arrived since the last render.
    dirty: bool,
    /// A committed link definition repeated a label an earlier one took: parses that saw both disagree with the
    /// one-shot render, so `finish` reconciles with a whole parse.
    redefined_label: bool,
    /// The last [`Self::ancestor_items`] answer, by (line start, indentation, depth, commit point).
    ancestors: std::cell::RefCell<Option<AncestorsAnswer>>,
    /// Link definitions at the end of the committed text with no blank line after them, `(where their run of lines
    /// starts, how many link definitions there were before it)`: they are still in the paragraph the next lines may
    /// continue, and a table delimiter row under one of those lines turns the whole paragraph, definitions included,
    /// into text and a table. The run is taken back then (see [`Self::reopen_definition_run`]).
    definition_run: Option<(usize, usize)>,
    /// The last parse's last block is a paragraph (not an HTML block shown as text, which is a `<p>` too).
    last_parse_ends_in_paragraph: bool,
    /// The looseness of the open list as its last parse showed it (`Some(true)`: tight). An item's DOM does not always
    /// show it (an item whose first line is empty holds no paragraph either way), so resumes inside the list take it
    /// from here.
    open_list_tight: Option<bool>,
    /// The last parse committed blocks and left one open paragraph (not an HTML block shown as text), starting here.
    paragraph_after_commit: Option<usize>,
    /// The line open at the last render holds a `]:`: a link or footnote definition may be in it, and a definition
    /// changes how references show (text → link), so the renders until its line ends are not watched for lost words.
    definition_line_open: bool,
    /// The render being made is watched for shown words it takes away (see [`MarkdownStats::shown_text_losses`]),
    /// with these buffers (kept between renders).
    watch_shown_words: bool,
    shown_words: Option<ShownWords>,
    finished: bool,
    stats: MarkdownStats,
}

impl IncrementalMarkdown {
    /// A new, empty document rendering into the element with id `root`.
    pub fn new(opts: RenderOptions, root: NodeId) -> IncrementalMarkdown {
        let shown_words = Some(ShownWords::new(opts.gfm));
        IncrementalMarkdown {
            opts,
            root,
            src: String::new(),
            committed_len: 0,
            link_defs: Arc::default(),
            footnote_defs: ByLabel::default(),
            committed_sources: Vec::new(),
            bracketed: HashMap::new(),
            bracket_users: Vec::new(),
            blocks: Vec::new(),
            committed_blocks: 0,
            footnotes: None,
            book: footnotes::FootnoteBook::default(),
            resume: None,
            candidate: None,
            settle: None,
            stitched: false,
            rendered_len: 0,
            last_parse_text: String::new(),
            last_parse_key: None,
            line_cache: std::cell::Cell::new((0, 0)),
            exact: false,
            open_fence: None,
            open_html: None,
            dirty: false,
            redefined_label: false,
            paragraph_after_commit: None,
            open_list_tight: None,
            last_parse_ends_in_paragraph: false,
            definition_run: None,
            ancestors: std::cell::RefCell::new(None),
            definition_line_open: false,
            watch_shown_words: false,
            shown_words,
            finished: false,
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
        self.footnotes = None;
        self.book = footnotes::FootnoteBook::default();
        self.committed_sources = Vec::new();
        self.bracketed = HashMap::new();
        self.bracket_users = Vec::new();
        self.footnote_defs = ByLabel::default();
        self.link_defs = Arc::default();
        self.last_parse_text = String::new();
        self.last_parse_key = None;
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
        self.committed_blocks
    }

    /// How many bytes of the text the committed blocks (and the definitions among them) cover.
    pub fn committed_text_len(&self) -> usize {
        self.committed_len
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
        let appended = self.append_in_place(ops);
        self.rendered_len = self.src.len();
        if appended {
            return;
        }
        self.open_fence = None;
        self.open_html = None;
        self.commit_settled_definitions(ids, ops);
        if self.promote_candidate() {
            return; // only the indentation of a line that may continue the open item: nothing to show yet
        }
        if let Some(resume) = self.resume.take() {
            if self.render_pass(Some(&resume), ids, ops) {
                return;
            }
            // The resumed parse showed the open block changed shape (a list turned loose, a paragraph became a
            // heading…): parse the whole open tail instead.
            self.stats.resumes_abandoned += 1;
            self.candidate = None;
        }
        self.render_pass(None, ids, ops);
    }

    /// Whether this render is watched for lost words: not while a line with a `]:` is open or ends (its definition
    /// may turn references into links), nor at the end. Reads only the new text (and the byte before it).
    fn note_definition_lines(&mut self) {
        let from = self.rendered_len.saturating_sub(1);
        let from = (0..=from).rev().find(|&at| self.src.is_char_boundary(at)).unwrap_or(0);
        let new_text = &self.src[from..];
        self.watch_shown_words = !self.finished && !self.definition_line_open && !new_text.contains("]:");
        let open_line = new_text.rfind(['\n', '\r']).map(|at| &new_text[at + 1..]);
        self.definition_line_open = match open_line {
            Some(line) => line.contains("]:"),
            None => self.definition_line_open || new_text.contains("]:"),
        };
    }

    /// Definitions alone at the start of the open tail (the last parse read them and showed nothing) are final once
    /// the next line starts where none of them can go on: for link definitions with `[` at the margin, for footnote
    /// definitions at the margin after a blank line. They are committed without a parse, so the
    /// next parse (of the line being typed, held until its end) reads only that line.
    fn commit_settled_definitions(&mut self, ids: &mut IdAllocator, ops: &mut Vec<PatchOp>) {
        if self.finished
            || self.blocks.len() != self.committed_blocks
            || self.last_parse_key != Some((self.committed_len, false))
        {
            return;
        }
        let tail = &self.src[self.committed_len..];
        let Some(region_end) = tail.rfind('\n').map(|at| at + 1) else { return };
        let region = &tail[..region_end];
        let Some(next) = tail[region_end..].chars().next() else { return };
        if next.is_whitespace() || !self.last_parse_text.ends_with(region) {
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
        let blocks = self.committed_sources.len();
        let links_before = self.link_defs.len();
        self.commit_definitions(defs, blocks, &mut Differ::new(ids, ops));
        self.committed_len += region_end;
        self.track_definition_run(links_before);
        self.last_parse_key = None;
        self.resume = None;
        self.candidate = None;
        self.settle = None;
    }

    /// One parse of the open part of the document and the patch that shows it. With `resume`, the parse starts inside
    /// the open block and its first block is spliced into it; returns `false`, having emitted nothing, when the
    /// result does not fit (the caller then parses the whole open tail).
    fn render_pass(&mut self, resume: Option<&Resume>, ids: &mut IdAllocator, ops: &mut Vec<PatchOp>) -> bool {
        let base = resume.map_or(self.committed_len, |r| r.at);
        let context = resume.map_or("", |r| r.context.as_str());
        let open_defs = resume.map_or("", |r| r.defs.as_str());
        let body = &self.src[base..];
        if self.stitched {
            // A paragraph shown in segments ends with one parse of it whole: at the end of input, or once a blank line
            // may end it. That whole parse shows it exactly, and its scan starts afresh.
            if resume.is_none() {
                self.stitched = false;
                self.settle = None;
            } else if self.finished || has_blank_line(body) {
                return false;
            }
        }
        if let Some(resume) = resume.filter(|r| matches!(r.target, Target::Spine(_)) && r.context.is_empty()) {
            // A quote resumed at a line start: the line must continue the paragraph, as its first characters after
            // the quote markers tell (a blank line, list marker, `===` underline… would not).
            let markers = body.len() - body.trim_start_matches(['>', ' ', '\t']).len();
            match starts_plainly(&body[markers..]) {
                Some(true) => {}
                Some(false) => return false,
                None if self.finished => return false,
                None => {
                    self.resume = Some(resume.clone());
                    self.exact = false; // the line is held back
                    return true;
                }
            }
        }
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
        self.exact = !speculated;
        // How much of `body` the parse sees (speculation may hold back its last lines; a rewrite keeps them all).
        let shown_body_len =
            if matches!(shown, Cow::Owned(_)) { body.len() } else { shown.len().saturating_sub(context.len()) };
        let shortcuts = !self.finished; // the last pass commits every definition it reads
        if let Some(resume) = resume.filter(|r| shortcuts && shown.len() == context.len() && r.boundary.is_none()) {
            // Nothing after the resume point is shown yet (a table row being typed): when the DOM shows nothing
            // there either, there is nothing to parse.
            let open_block = self.blocks.get_mut(self.committed_blocks);
            if open_block
                .and_then(|b| resume.target.find_mut(b))
                .is_some_and(|(_, children)| children.len() == resume.kept)
            {
                self.resume = Some(resume.clone());
                return true;
            }
        }
        // Committed footnote definitions go along only when this text references them (there may be many).
        let mut prefix = self.footnote_prefix(&shown);
        let closed_prefix = !prefix.is_empty();
        prefix.push_str(open_defs);
        let parse_text = format!("{prefix}{shown}");
        let key = Some((base, resume.is_some()));
        // A line ending shows nothing until the next line says what it is: after an open paragraph's last line
        // (or a quote's, or a list item's text), or after footnote definitions alone (no open block; unless a
        // fence in a footnote may take the blank line). Not after link definitions: a blank line makes them final,
        // and the parse commits them.
        let only_line_end = || {
            let last = self.last_parse_text.as_str();
            if !matches!(parse_text.strip_prefix(last), Some("\n" | "\r\n")) || last.ends_with('\r') {
                return false;
            }
            let open_blocks = &self.blocks[self.committed_blocks..];
            // (A paragraph as parsed: an HTML block shown as text is a `<p>` too, and its text keeps a `\r`.)
            let after_paragraph = !last.ends_with(['\n', '\r'])
                && open_blocks.len() == 1
                && open_blocks.first().is_some_and(|b| mounted_tag(b) == "p")
                && self.last_parse_ends_in_paragraph;
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
        };
        if shortcuts && key == self.last_parse_key && (parse_text == self.last_parse_text || only_line_end()) {
            self.last_parse_text = parse_text;
            // What is shown did not change (the new text is all in a line speculation holds back): nothing to do.
            self.resume = resume.cloned();
            if let Some(resume) = resume.filter(|_| self.src.ends_with('\n')) {
                // The line a list item's text was resumed on has ended: the next line may continue it.
                self.line_candidate_after(resume);
            }
            return true;
        }
        self.last_parse_key = key;
        self.last_parse_text.clone_from(&parse_text);
        self.stats.bytes_parsed += parse_text.len() as u64;
        self.stats.parses += 1;
        let mut doc = render::render_speculative(&parse_text, &self.opts, self.definitions_callback());
        if closed_prefix {
            drop_prefix_blocks(&mut doc, &prefix);
        }
        if self.stitched && resume.is_some() && doc.blocks.len() > 1 {
            return false; // a block interrupted the paragraph: it ends, parsed whole
        }
        if resume.is_none() && self.table_takes_definition_run(&doc, &prefix) {
            // The committed definitions before this text are a table's paragraph after all: parse them with it.
            self.reopen_definition_run(&mut Differ::new(ids, ops));
            return self.render_pass(None, ids, ops);
        }
        if let Some(block) = doc.blocks.first_mut().filter(|_| quote_depth > 0) {
            for _ in 0..quote_depth {
                let inner = std::mem::replace(&mut block.node, Node::Text(String::new()));
                block.node = Node::Element(Element::new("blockquote").child(inner));
            }
            block.detail = render::BlockDetail::Other;
        }
        let footnotes = self.opts.gfm && (resume.is_none() || parse_text.contains("[^"));
        if footnotes {
            let mut nodes: Vec<&mut Node> = doc.blocks.iter_mut().map(|b| &mut b.node).collect();
            self.book.number_tail(&mut nodes, resume.is_none());
            self.book.capture(std::mem::take(&mut doc.footnote_items), !speculated);
        }

        // Block lines are lines of `parse_text`; shift them to lines of `body` (0 or less: inside the context).
        let skip_lines = (line_starts(&prefix).len() - 1 + line_starts(context).len() - 1) as isize;
        let to_body_line = |line: usize| line as isize - skip_lines;
        let body_lines = line_starts(body);
        let incomplete_last_line =
            if body.ends_with(['\n', '\r']) || body.is_empty() { None } else { Some(body_lines.len() as isize) };
        let start_lines: Vec<isize> = doc.blocks.iter().map(|b| to_body_line(b.start_line)).collect();
        let end_lines: Vec<isize> = doc.blocks.iter().map(|b| to_body_line(b.end_line)).collect();
        // A paragraph a table's header line left (the table starts right under it) keeps its definition lines as
        // text: comrak takes definitions out of a paragraph only when the paragraph closes.
        let definition_counts: Vec<isize> = doc
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
        let open_detail = doc.blocks.first().map(|b| b.detail.clone());
        // The open fence that ends the open block, and its opening line: its next lines may append in place.
        let open_fence = doc.blocks.first().and_then(|b| b.open_fence).and_then(|shape| {
            let line = parse_text.split('\n').nth(shape.start_line.checked_sub(1)?)?;
            Some((shape, line.trim_end_matches('\r').to_owned()))
        });
        let last_is_paragraph = doc.blocks.last().is_some_and(|b| b.detail == render::BlockDetail::Paragraph);
        self.last_parse_ends_in_paragraph = last_is_paragraph;
        self.paragraph_after_commit = None;
        let closes: Vec<Closing> = doc.blocks.iter().map(closing).collect();
        // In trusted mode an HTML block that opens an element takes the blocks after it until it closes (render.rs
        // joins them): definitions after it do not end it.
        let last_is_raw_html = doc.blocks.last().is_some_and(|b| matches!(b.node, Node::RawHtml(_)));
        let is_table: Vec<bool> =
            doc.blocks.iter().map(|b| matches!(b.detail, render::BlockDetail::Table { .. })).collect();
        let open_start_line = start_lines.first().copied();
        let block_count = doc.blocks.len();

        let mut differ = Differ::new(ids, ops);
        if self.watch_shown_words {
            differ.watch = self.shown_words.take();
        }
        let before = self.footnotes.as_ref().map(|f| f.id);
        match resume {
            Some(resume) => {
                let mut blocks = doc.blocks.into_iter();
                let first = blocks.next();
                let Some(open_block) = self.blocks.get_mut(self.committed_blocks) else { return false };
                if let Target::Spine(path) = &resume.target {
                    if let (Some(tight), Some(block)) = (resume.tight, first.as_ref()) {
                        // A list resumed inside its last item must still parse tight (its kept items stay tight).
                        if !matches!(block.detail, render::BlockDetail::List { tight: parsed, .. } if parsed == tight) {
                            return false;
                        }
                    }
                    match first.as_ref().map(|b| &b.node) {
                        // Resumed inside a line: the parse always shows the resumed word.
                        None if !resume.context.is_empty() => return false,
                        // Nothing of the next line shown yet (its quote markers alone): the DOM stays as it is.
                        None => {}
                        Some(Node::Element(parsed)) if spine_matches(open_block, parsed, path, resume.kept) => {
                            splice_spine(&mut differ, open_block, parsed, path, resume);
                        }
                        Some(_) => return false,
                    }
                } else {
                    let Some(spliced) = splice_children(resume, first.as_ref()) else { return false };
                    let Some((target_id, target_children)) = resume.target.find_mut(open_block) else { return false };
                    if target_children.len() < resume.kept {
                        return false;
                    }
                    let mut open_part = target_children.split_off(resume.kept);
                    differ.sync_children(target_id, &mut open_part, &spliced, None);
                    target_children.append(&mut open_part);
                }
                let rest: Vec<Node> = blocks.map(|b| b.node).collect();
                let mut after = self.blocks.split_off(self.committed_blocks + 1);
                differ.sync_children(self.root, &mut after, &rest, before);
                self.blocks.append(&mut after);
            }
            None => {
                let nodes: Vec<Node> = doc.blocks.into_iter().map(|b| b.node).collect();
                let mut open = self.blocks.split_off(self.committed_blocks);
                differ.sync_children(self.root, &mut open, &nodes, before);
                self.blocks.append(&mut open);
            }
        }
        // (The footnotes section is numbered and rebuilt as references arrive: not watched.)
        if let Some(mut watch) = differ.watch.take() {
            if watch.lost_a_word() {
                self.stats.shown_text_losses += 1;
            }
            watch.clear();
            self.shown_words = Some(watch);
        }
        if footnotes {
            self.book.sync_section(&mut differ, self.root, &mut self.footnotes);
        }

        // Every block but the last whose successor starts on a complete line is final.
        let mut final_count = 0;
        // (A table whose delimiter row is the partial last line is not one yet: with more cells it may not be, and
        // its header line then goes on the paragraph before it.)
        for (index, &start_line) in start_lines.iter().enumerate().skip(1) {
            let pending_table = is_table[index] && Some(start_line + 1) == incomplete_last_line;
            if Some(start_line) != incomplete_last_line && start_line >= 1 && !pending_table {
                final_count = index;
            }
        }
        let line_offset = |line: isize| body_lines.get((line.max(1) - 1) as usize).copied();
        // A block that nothing after it can change is final too, even while the next block is on a partial line
        // (a long paragraph after a code fence must not keep the fence in every parse).
        let blank_after = |line: isize| {
            Some(line + 1) != incomplete_last_line
                && line_offset(line + 1)
                    .is_some_and(|at| at < shown_body_len && first_line(&body[at..]).trim().is_empty())
                && line_offset(line + 2).is_some()
        };
        // The last block too, once a blank line ends it: the commit point is then the line after the blank line.
        while final_count < block_count {
            let done = match closes[final_count] {
                Closing::Closed => final_count + 1 < block_count,
                Closing::ByBlankLine => blank_after(end_lines[final_count]),
                // Not indented, not a list marker, after a blank line: no item of the list goes on there.
                Closing::ByUnindentedText => start_lines.get(final_count + 1).is_some_and(|&next| {
                    next >= 2
                        && line_offset(next - 1).is_some_and(|at| first_line(&body[at..]).trim().is_empty())
                        && line_offset(next).is_some_and(|at| {
                            at < shown_body_len
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
        let mut commit_line = match final_count.checked_sub(1) {
            Some(last) if final_count == block_count => Some(end_lines[last] + 2),
            _ => start_lines.get(final_count).copied(),
        };
        if self.finished {
            // The end of input ends every block.
            final_count = block_count;
            commit_line = Some(body_lines.len() as isize + 1);
        }
        // Definitions make no block, but a definition that starts on a complete line after the last block ends
        // every block before it just the same (and ends the definitions before it).
        let last_end = end_lines.last().copied().unwrap_or(0);
        let complete_lines = body_lines.len() as isize - isize::from(incomplete_last_line.is_some());
        if !self.finished && (resume.is_none() || block_count > 0) && !last_is_raw_html {
            let line_text = |line: isize| line_offset(line).map_or("", |at| first_line(&body[at..]));
            let footnote_start = |line: isize| self.opts.gfm && footnote_label(line_text(line)).is_some();
            // Under a footnote definition, only another footnote definition or a blank line starts anew: any other
            // line (a link definition too) continues the footnote's paragraph. The footnote goes on past a blank line
            // with an indented line, whose paragraph takes lazy lines just the same.
            let under_footnote = |line: isize| {
                let mut above = line - 1;
                while above > last_end {
                    if line_text(above).trim().is_empty() {
                        if indent_columns(line_text(above + 1)) < 4 {
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
            let after_list = closes.last() == Some(&Closing::ByUnindentedText);
            let outside_blocks = |line: isize| {
                !after_list
                    || (last_end + 1..=line).all(|l| {
                        let text = line_text(l);
                        text.trim().is_empty() || !text.starts_with([' ', '\t'])
                    })
            };
            let definition_start = (last_end + 1..complete_lines).rev().find(|&line| {
                // Only a line the parse saw: a hidden one (a pending table header…) may yet be something else.
                // (At most 3 spaces in: a line indented more is code, or continues a footnote after a blank line.)
                line_offset(line).is_some_and(|at| {
                    let indented = body[at..].trim_start_matches(' ');
                    at < shown_body_len && indented.starts_with('[') && body.len() - indented.len() - at <= 3
                }) && (footnote_start(line) || !under_footnote(line))
                    && outside_blocks(line)
            });
            if let Some(line) = definition_start.filter(|&line| line > 1) {
                final_count = block_count;
                commit_line = Some(line);
            }
            // A blank line after them ends link definitions too, and footnote definitions once the line after it
            // starts at the margin (an indented one would continue the footnote; hidden or not, its start is known).
            let blank = (last_end + 1..body_lines.len() as isize).rev().find(|&line| {
                line_offset(line).is_some_and(|at| at < shown_body_len && first_line(&body[at..]).trim().is_empty())
                    && line_offset(line + 1).is_some()
            });
            if let (Some(blank), Some(from)) = (blank, line_offset(last_end + 1)) {
                let region = &body[from..line_offset(blank).unwrap_or(from)];
                let next_at_margin =
                    line_offset(blank + 1).and_then(|at| body[at..].chars().next()).is_some_and(|c| !c.is_whitespace());
                if region.contains("]:")
                    && (!(self.opts.gfm && region.contains("[^")) || next_at_margin)
                    && outside_blocks(blank)
                {
                    final_count = block_count;
                    commit_line = Some(blank + 1);
                }
            }
        }
        let commits = commit_line.is_some() && (final_count > 0 || block_count == 0);
        if commits && self.stitched && resume.is_some() {
            // A paragraph shown in segments is never committed from a resumed parse (a line that may start a
            // definition ends it here): the next render, or the finish, parses it whole.
            self.resume = None;
            self.candidate = None;
            return true;
        }
        if let Some(commit_line) = commit_line.filter(|_| final_count > 0 || block_count == 0) {
            let offset_or_end = |line: isize| line_offset(line).unwrap_or(body.len());
            let commit_offset = offset_or_end(commit_line);
            // A resumed parse's first block began before `base`, at the commit point.
            // A paragraph's leading definition lines are definitions, not the block's text.
            let block_start = |i: usize| {
                if i == 0 && resume.is_some() {
                    0
                } else {
                    offset_or_end(start_lines[i] + definition_counts[i])
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
            let covered: Vec<(usize, usize)> = (0..final_count)
                .map(|i| (block_start(i), through_blank_lines(offset_or_end(end_lines[i] + 1))))
                .collect();
            let mut defs = definition_lines(&body[..commit_offset], &covered, self.opts.gfm);
            if !open_defs.is_empty() {
                // The definitions before a resumed block went along with its parses; they are final with it.
                let mut before = definition_lines(open_defs, &[], self.opts.gfm);
                before.links.push_str(&defs.links);
                before.footnotes.append(&mut defs.footnotes);
                defs = before;
            }
            let earlier_blocks = self.committed_sources.len();
            let links_before = self.link_defs.len();
            for (i, &(from, to)) in covered.iter().enumerate() {
                let from = if i == 0 && resume.is_some() { self.committed_len } else { base + from };
                let lower = fold_case(&self.src[from..base + to]);
                self.index_brackets(&lower, self.committed_sources.len());
                self.committed_sources.push(from..base + to);
            }
            let labels = self.commit_definitions(defs, earlier_blocks, &mut differ);
            self.committed_len = base + commit_offset;
            self.track_definition_run(links_before);
            if final_count + 1 == block_count && last_is_paragraph && definition_counts[final_count] == 0 {
                self.paragraph_after_commit = Some(self.committed_len);
            }
            if self.opts.gfm {
                let first = self.committed_blocks;
                let count = final_count.min(self.blocks.len() - first);
                let (done, open) = self.blocks[first..].split_at_mut(count);
                self.book.number_committed(done, first, &mut differ);
                self.book.recount_tail(open);
                self.book.sync_section(&mut differ, self.root, &mut self.footnotes);
            }
            if resume.is_some() && final_count > 0 && !labels.is_empty() {
                // A resumed block kept nodes rendered before definitions in its own tail arrived: patch it like the
                // committed blocks before it, once it is numbered as committed (or its references count twice).
                self.patch_late_definitions(&labels, earlier_blocks..earlier_blocks + 1, &mut differ);
            }
            self.committed_blocks += final_count;
            self.stats.blocks_committed += final_count as u64;
            self.resume = None;
            self.candidate = None;
            self.settle = None;
            return true;
        }

        'candidates: {
            // One open block: find where the next parse may resume inside it.
            self.resume = resume.cloned();
            self.open_list_tight = None;
            // A block that began with definitions never resumes (the last definition may yet take following lines
            // as its title), and the open block must reach the end of the text (definition lines after a paragraph
            // are not its text, and a paragraph resume assumes they are).
            let last_line = body_lines.len() as isize - isize::from(incomplete_last_line.is_none());
            let only_open_block = self.blocks.len() == self.committed_blocks + 1
                && block_count <= 1
                && definition_counts.first().is_none_or(|&count| count == 0)
                && end_lines.first().is_none_or(|&end| end >= last_line);
            let open_is_quote = self.blocks.last().is_some_and(|b| mounted_tag(b) == "blockquote");
            let open_is_tight_list = matches!(open_detail, Some(render::BlockDetail::List { tight: true, .. }));
            // A last line speculation holds back (Unicode spaces, a marker alone) is not in the parse: a paragraph
            // that reaches the end of what was parsed is still the one open block, and keeps its scan (once dropped,
            // it would not resume again before its end).
            let held_back = shown_body_len < body.len();
            let parsed_last_line = body_lines.iter().filter(|&&start| start < shown_body_len).count() as isize;
            let paragraph_to_parsed_end = held_back
                && open_detail == Some(render::BlockDetail::Paragraph)
                && self.blocks.len() == self.committed_blocks + 1
                && block_count == 1
                && definition_counts.first() == Some(&0)
                && end_lines.first().is_some_and(|&end| end >= parsed_last_line);
            if !only_open_block
                || (open_detail != Some(render::BlockDetail::Paragraph) && !open_is_quote && !open_is_tight_list)
            {
                // Settledness is tracked only while an open paragraph is the one open block (an HTML block shown as
                // text is not a paragraph; a second open block would not be where a paragraph resume splices).
                if !paragraph_to_parsed_end {
                    self.settle = None;
                }
                self.candidate = None;
            }
            if !only_open_block {
                break 'candidates;
            }
            let (Some(detail), Some(open_start)) = (open_detail, open_start_line) else { break 'candidates };
            if let Some((shape, fence_line)) = open_fence.filter(|_| !speculated) {
                let code = match self.blocks.last_mut().and_then(leaf_text) {
                    Some((Leaf::Code, Mounted { kind: MountedKind::Text(code), .. })) => code.as_str(),
                    _ => "",
                };
                self.open_fence = fence::OpenFence::after_parse(shape, &fence_line, &self.src, code);
            }
            let complete = |line: isize| Some(line) != incomplete_last_line && line >= 1;
            // Items (or rows) before the parse's first: a resume inside the last item continues the item at its path.
            let kept_before = resume.map_or(0, |r| match &r.target {
                Target::Spine(path) => path.first().map_or(0, |&(index, _)| index),
                _ => r.kept,
            });
            // Definitions the open tail holds before its block must reach parses resumed inside the block.
            let open_defs = match resume {
                Some(r) => r.defs.clone(),
                None => {
                    // With the definitions a paragraph starts with: a resume point lies after them.
                    let text_start = open_start + definition_counts.first().copied().unwrap_or(0);
                    let before_block = &body[..line_offset(text_start).unwrap_or(0)];
                    if before_block.contains("]:") {
                        format!("{before_block}\n")
                    } else {
                        String::new()
                    }
                }
            };
            let next = match detail {
                render::BlockDetail::Fence { closed: false } if incomplete_last_line.is_none() && !speculated => {
                    // (A resumed parse's fence opened in its context: the body's first line is content.)
                    let context = match resume {
                        Some(r) => r.context.clone(),
                        None => line_offset(open_start)
                            .map(|at| format!("{}\n", first_line(&body[at..])))
                            .unwrap_or_default(),
                    };
                    let code_text = self.blocks.last().and_then(code_text);
                    Some(fence::line_resume(self.src.len(), context, open_defs.clone(), code_text))
                }
                render::BlockDetail::List { tight, marker, item_lines } => {
                    self.open_list_tight = Some(tight);
                    // Resume at the last item that started on a complete line; the items before it are final.
                    let open_list = list::OpenList {
                        tight,
                        marker,
                        tag: self.blocks.last().map_or("ul", mounted_tag),
                        defs: open_defs.clone(),
                    };
                    let last_item = list::ItemMap::of(resume).last_complete_item(&item_lines, to_body_line, complete);
                    let item = last_item.and_then(|(index, line)| {
                        let at = line_offset(line)?;
                        let kept_source = &self.src[self.committed_len.min(base + at)..base + at];
                        list::item_resume(
                            &open_list,
                            base + at,
                            index,
                            body[at..].starts_with([' ', '\t']),
                            kept_source,
                        )
                    });
                    // Inside the first line of the last item (or of an item of its nested list), being typed:
                    // after its last settled word.
                    if !speculated && incomplete_last_line.is_some() {
                        // The item's scan begins at its text (any parse may begin it); the line may start an item of
                        // the last item's nested list too.
                        self.nested_candidate(Some(0), open_defs.clone(), true);
                    }
                    // At the end of a line of a tight list's last item: the next line may continue its paragraph.
                    if !speculated && incomplete_last_line.is_none() && tight {
                        let item_line = item_lines.last().map(|&line| to_body_line(line)).filter(|&line| line >= 1);
                        let item_start = match (item_line.and_then(line_offset), resume) {
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
                            self.list_line_candidate(start, prefix, open_defs.clone());
                        }
                    }
                    item
                }
                render::BlockDetail::QuotedList { path, tight, item_lines } => {
                    // Resume at the last item that started on a complete line, quote markers and all (a resumed
                    // parse's path leads through its own quotes; the mounted one is the resume's).
                    let path = match resume.map(|r| &r.target) {
                        Some(Target::Descendant(mounted)) => mounted.clone(),
                        _ => path,
                    };
                    let last_item = list::ItemMap::of(resume).last_complete_item(&item_lines, to_body_line, complete);
                    last_item.and_then(|(index, line)| {
                        quote::item_resume(base + line_offset(line)?, index, path, tight, open_defs.clone())
                    })
                }
                render::BlockDetail::Table { row_lines } => {
                    // A body row is its own line, final once the line is complete: resume after the last row shown
                    // (partial rows are never shown), so each row is parsed once, with a minimal header as context.
                    let rows: Vec<isize> = row_lines.iter().map(|&l| to_body_line(l)).filter(|&l| l >= 1).collect();
                    let after_rows = rows.last().filter(|&&last| complete(last)).map(|&last| last + 1);
                    match after_rows.and_then(line_offset) {
                        Some(at) => {
                            let context = match resume {
                                Some(r) => Some(r.context.clone()),
                                None => {
                                    let header = line_offset(open_start).unwrap_or(0);
                                    let header_line = first_line(&body[header..]);
                                    let after_header =
                                        body[header + header_line.len()..].trim_start_matches(['\r', '\n']);
                                    table::table_context(first_line(after_header))
                                }
                            };
                            context.map(|context| {
                                table::row_resume(base + at, context, kept_before + rows.len(), open_defs.clone())
                            })
                        }
                        None => None,
                    }
                }
                render::BlockDetail::Other
                    if incomplete_last_line.is_none()
                        && !speculated
                        && self.blocks.last().is_some_and(|b| mounted_tag(b) == "blockquote") =>
                {
                    let start = resume.map_or_else(|| line_offset(open_start).map(|at| base + at), |_| None);
                    self.quote_candidate(start, open_defs)
                }
                render::BlockDetail::Other
                    if !speculated && self.blocks.last().is_some_and(|b| mounted_tag(b) == "blockquote") =>
                {
                    let start = resume.map_or_else(|| line_offset(open_start).map(|at| base + at), |_| None);
                    self.nested_candidate(start, open_defs, false);
                    None
                }
                render::BlockDetail::Html { until_blank_line: true }
                    if resume.is_none() && !speculated && !self.opts.raw_html_passes() =>
                {
                    let shown = match self.blocks.last_mut().and_then(leaf_text) {
                        Some((Leaf::Inline, Mounted { kind: MountedKind::Text(text), .. })) => text.as_str(),
                        _ => "",
                    };
                    let start = line_offset(open_start).map(|at| base + at);
                    self.open_html =
                        start.and_then(|start| html_block::OpenHtmlBlock::after_parse(&self.src, start, shown));
                    None
                }
                render::BlockDetail::Paragraph => {
                    let start = resume.map_or_else(|| line_offset(open_start).map(|at| base + at), |_| None);
                    let paragraph_start = start.or(self.settle.as_ref().map(|s| s.start));
                    if !speculated {
                        self.paragraph_candidate(start, open_defs.clone());
                    }
                    if shows_all_text {
                        self.cut_paragraph_segment(paragraph_start, open_defs);
                    }
                    None
                }
                _ => None,
            };
            if let Some(next) = next {
                if self.resume.as_ref().is_none_or(|r| next.at > r.at) {
                    self.resume = Some(next);
                }
            }
        }

        // Definitions before the first open block are final once that block has started on a complete line: commit
        // them (no block) so that parses resumed inside the block still see them.
        if let (None, Some(&first)) = (resume, start_lines.first()) {
            // A block's partial first line ends them too when a blank line comes before it and it starts at the
            // margin with no possible title (`"`, `'`, `(`): no definition continues past that.
            let body = &self.src[base..];
            let ends_definitions = || {
                line_offset(first - 1).is_some_and(|at| first_line(&body[at..]).trim().is_empty())
                    && line_offset(first).is_some_and(|at| !body[at..].starts_with([' ', '\t', '"', '\'', '(']))
            };
            if first > 1 && (Some(first) != incomplete_last_line || ends_definitions()) {
                let offset = line_offset(first).unwrap_or(0);
                let defs = definition_lines(&self.src[base..base + offset], &[], self.opts.gfm);
                let blocks = self.committed_sources.len();
                let links_before = self.link_defs.len();
                self.commit_definitions(defs, blocks, &mut differ);
                self.committed_len = base + offset;
                self.track_definition_run(links_before);
                // Committed definitions reach later parses through the committed maps, not as text.
                for defs in [self.resume.as_mut().map(|r| &mut r.defs), self.candidate.as_mut().map(|r| &mut r.defs)]
                    .into_iter()
                    .chain([self.settle.as_mut().map(|s| &mut s.defs)])
                    .flatten()
                {
                    defs.clear();
                }
            }
        }

        true
    }

    /// After a commit: whether the committed text now ends with link definitions that a later line may still share a
    /// paragraph with (no blank line and no block after them), and where their run of lines started.
    fn track_definition_run(&mut self, links_before: usize) {
        let committed = &self.src[..self.committed_len];
        let block_end = self.committed_sources.last().map_or(0, |range| range.end);
        let content_end = committed.trim_end_matches([' ', '\t', '\n', '\r']).len();
        let ends_with_blank_line = line_starts(&committed[content_end..]).len() > 2;
        if !self.opts.gfm || content_end <= block_end || ends_with_blank_line {
            self.definition_run = None;
            return;
        }
        if self.definition_run.is_some() || self.link_defs.len() == links_before {
            return; // the run goes on (or holds no link definition of its own)
        }
        // The run starts after the last blank line (or block) before it: scanned once per run.
        let lines = &committed[block_end..content_end];
        let mut start = block_end;
        for (at, _) in lines.match_indices(['\n', '\r']).collect::<Vec<_>>().into_iter().rev() {
            let next_line = first_line(&lines[at + 1..]);
            if next_line.trim().is_empty() && at + 1 < lines.len() {
                start = block_end + at + 1 + next_line.len();
                break;
            }
        }
        self.definition_run = Some((start, links_before));
    }

    /// Whether a parse of the open tail (from the commit point, after `prefix`) shows a table whose header follows the
    /// committed definition run in the same paragraph: the table is first, or second after a paragraph that leads
    /// to it directly.
    fn table_takes_definition_run(&self, doc: &RenderedDoc, prefix: &str) -> bool {
        let Some((start, _)) = self.definition_run else { return false };
        if start >= self.committed_len {
            return false;
        }
        let first_line = line_starts(prefix).len(); // the tail's first line, 1-based, after the prefix
        let is_table = |block: &render::RenderedBlock| matches!(block.detail, render::BlockDetail::Table { .. });
        match (doc.blocks.first(), doc.blocks.get(1)) {
            (Some(table), _) if is_table(table) => table.start_line == first_line,
            (Some(paragraph), Some(table)) => {
                paragraph.detail == render::BlockDetail::Paragraph
                    && paragraph.start_line == first_line
                    && is_table(table)
                    && table.start_line == paragraph.end_line + 1
            }
            _ => false,
        }
    }

    /// Takes the committed definition run back into the open tail: its link definitions are forgotten (and the
    /// committed blocks that used them rendered again), and the commit point moves back to the run's start.
    fn reopen_definition_run(&mut self, differ: &mut Differ<'_>) {
        let Some((start, links_before)) = self.definition_run.take() else { return };
        let removed = Arc::make_mut(&mut self.link_defs).truncate(links_before);
        let run = definition_lines(&self.src[start..self.committed_len], &[], self.opts.gfm);
        let labels: Vec<String> = render::read_definitions(&run.links, &self.opts)
            .into_iter()
            .filter(|(label, _, _)| removed.contains(&normalize_label(label)))
            .map(|(label, _, _)| fold_case(&label))
            .collect();
        self.committed_len = start;
        self.last_parse_key = None;
        self.resume = None;
        self.candidate = None;
        self.settle = None;
        if !labels.is_empty() {
            self.patch_late_definitions(&labels, 0..self.committed_sources.len(), differ);
        }
    }

    /// The committed footnote definitions `text` references, and those they reference in turn (a footnote used only
    /// inside another footnote is shown only if its definition is in the parse too), then a thematic break that ends
    /// them (its block is dropped from the parse, see [`drop_prefix_blocks`]). Each definition starts at the margin,
    /// which ends the one before it; the break ends the last one whatever it ends with: a blank line would go into
    /// an open fence, and an indented line after it would continue the footnote.
    fn footnote_prefix(&self, text: &str) -> String {
        let mut prefix = String::new();
        let mut labels = footnote_references(text);
        let mut next = 0;
        while let Some(&label) = labels.get(next) {
            next += 1;
            let Some(definition) = self.footnote_defs.get(label) else { continue };
            prefix.push_str(definition);
            if !definition.ends_with(['\n', '\r']) {
                prefix.push('\n');
            }
            for inner in footnote_references(definition) {
                if !labels.contains(&inner) {
                    labels.push(inner);
                }
            }
        }
        if !prefix.is_empty() {
            prefix.push_str("***\n");
        }
        prefix
    }

    /// A parse of the committed blocks `first..=last` from their sources, with the footnote definitions they use.
    fn render_committed(&mut self, first: usize, last: usize) -> RenderedDoc {
        let range = self.committed_sources[first].start..self.committed_sources[last].end;
        let source = self.src.get(range).unwrap_or_default();
        let mut text = self.footnote_prefix(source);
        let closed_prefix = !text.is_empty();
        let prefix_len = text.len();
        text.push_str(source);
        self.stats.bytes_parsed += text.len() as u64;
        self.stats.parses += 1;
        let mut doc = render::render_with(&text, &self.opts, self.definitions_callback());
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
            if self.settle.as_ref().is_none_or(|s| s.start != start || s.quote != quote) {
                let state = settle::InlineSettle::new(self.opts.gfm, self.opts.gfm && self.opts.math);
                self.settle = Some(ParagraphSettle {
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
        let scan = self.settle.as_mut()?;
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
        if line_start < self.committed_len {
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
        if list && self.settle.as_ref().is_none_or(|s| s.start != content_start || s.quote) {
            return;
        }
        if !list && self.settle.as_ref().is_none_or(|s| !s.quote) {
            return;
        }
        // The spine: through the quotes to their last paragraph, or to the list's last item — in a loose list its
        // paragraph (the item's first line, so its only child), in a nested list the last item of the last list.
        let mut path: Vec<(usize, usize)> = Vec::new();
        let Some(mut level) = self.blocks.last() else { return };
        let block_tag = mounted_tag(level);
        let mut quotes = 0;
        let mut loose = false;
        let mut nested = 0;
        let leaf_children = if list {
            let Some(spine) = list::item_spine(level, self.open_list_tight) else { return };
            path = spine.path;
            loose = spine.loose;
            nested = spine.nested;
            spine.leaf
        } else {
            loop {
                let MountedKind::Element { tag, children, .. } = &level.kind else { return };
                let wanted = match *tag {
                    "blockquote" => {
                        quotes += 1;
                        "blockquote"
                    }
                    "p" if !path.is_empty() => break children,
                    _ => return,
                };
                let Some(index) = children.len().checked_sub(1) else { return };
                let last = &children[index];
                let tag = mounted_tag(last);
                if tag != wanted && !(wanted == "blockquote" && tag == "p") {
                    return;
                }
                path.push((index, 0));
                level = last;
            }
        };
        if !list && quotes != depth {
            return; // a lazy line, or markers that open a new quote
        }
        // A nested item parses under its parent items' markers, each with a dummy word (from the source: the nearest
        // item lines above with less indentation); a top-level item's marker starts within 3 columns.
        let context = if list && nested > 0 {
            let Some(ancestors) = self.ancestor_items(line_start, depth, nested) else { return };
            // A loose top-level list parses loose too, after a dummy first item.
            let Some(top_tight) = self.open_list_tight else { return };
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
        // A tight item's text is inline: no block in it yet (a nested list, a code block…).
        let inline_only = leaf_children.iter().all(|child| match &child.kind {
            MountedKind::Element { tag, .. } => !is_block_tag(tag),
            _ => true,
        });
        if !inline_only {
            return;
        }
        let last_text = match leaf_children.last() {
            Some(Mounted { kind: MountedKind::Text(text), .. }) => Some(text.as_str()),
            _ => None,
        };
        let count = leaf_children.len();
        let src = self.src.as_str();
        let single_space_at = |at: usize| src[..at].ends_with(' ') && !src[..at - 1].ends_with(char::is_whitespace);
        // A loose item parses after a dummy first item that makes the list loose too.
        let context = match list_marker(&context).filter(|_| loose && nested == 0) {
            Some(marker) => format!("{}{context}", loose_list_context(marker)),
            None => context,
        };
        let resume_at = |at: usize, kept: usize, boundary: String, path: Vec<(usize, usize)>| Resume {
            at,
            defs: defs.clone(),
            context: context.clone(),
            block_tag,
            target: Target::Spine(path),
            kept,
            boundary: Some(boundary),
            drop_first: 0,
            tight: list.then_some(!loose),
            lead_word: false,
        };
        if src.len() > content_start + 1 && single_space_at(src.len()) {
            // The text node must end with the word before the space, as written (a task item's `[ ]` is not text).
            let before = &src[..src.len() - 1];
            let word = &before[before.rfind(' ').map_or(0, |at| at + 1).max(content_start)..];
            if let Some(text) = last_text.filter(|text| {
                !word.is_empty() && word.chars().all(|c| is_plain(c) && c != ' ') && text.ends_with(word)
            }) {
                self.candidate = Some(resume_at(src.len(), count - 1, format!("{text} "), path));
            }
            return;
        }
        let Some(word_at) = src.rfind(' ').map(|at| at + 1) else { return };
        let word = &src[word_at..];
        let Some(text) = last_text else { return };
        if word_at <= content_start + 1
            || !single_space_at(word_at)
            || !word.chars().all(is_plain)
            || !resumes_nested(word)
            || !text.ends_with(word)
            || self.resume.as_ref().is_some_and(|r| r.at >= word_at)
        {
            return;
        }
        let boundary = text[..text.len() - word.len()].to_owned();
        self.resume = Some(resume_at(word_at, count - 1, boundary, path));
        self.candidate = None;
    }

    /// At the end of a line of a tight list's last item (at the top level, inline text only, all of it settled), the
    /// next line may continue the item's paragraph, lazily or indented: it can be parsed alone after the item's marker
    /// (`prefix`), its text joined to the item's after a line break. `start` begins the item's scan at its text (see
    /// [`Self::scan_settled`]). Sets a candidate that [`Self::promote_candidate`] takes once the line's start shows it
    /// continues the paragraph.
    fn list_line_candidate(&mut self, start: Option<usize>, prefix: String, defs: String) {
        let Some(defs) = self.scan_settled(start, defs, false) else { return };
        if self.settle.as_ref().is_none_or(|s| s.quote) {
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
        let Some(spine) = list::item_spine(list, self.open_list_tight) else { return };
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
        self.candidate =
            Some(list::line_resume(self.src.len(), prefix, mounted_tag(list), spine.path, kept, boundary, defs));
    }

    /// After a parse resumed inside the line of a top-level list item's text (its marker the context), once that line
    /// has ended: the next line may continue the item (see [`Self::list_line_candidate`]).
    fn line_candidate_after(&mut self, resume: &Resume) {
        let in_list = self.blocks.last().is_some_and(|b| matches!(mounted_tag(b), "ul" | "ol"));
        if !in_list || !matches!(resume.target, Target::Spine(_)) || self.open_list_tight != Some(true) {
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
        let key = (line_start, indent, count, self.committed_len);
        if let Some((known, ancestors)) = &*self.ancestors.borrow() {
            if *known == key {
                return ancestors.clone();
            }
        }
        let ancestors = list::ancestor_items(&self.src, self.committed_len, line_start, indent, count);
        *self.ancestors.borrow_mut() = Some((key, ancestors.clone()));
        ancestors
    }

    /// Definitions leave the open tail: remember them (the first definition of a label wins) and patch committed
    /// blocks among the first `blocks` that used them before they arrived.
    fn commit_definitions(&mut self, defs: Definitions, blocks: usize, differ: &mut Differ<'_>) -> Vec<String> {
        let mut new_labels = Vec::new();
        if !defs.links.is_empty() {
            // Shared only while a parse runs: no copy here (a copy per commit would make a run of definitions
            // quadratic).
            let link_defs = Arc::make_mut(&mut self.link_defs);
            for (label, url, title) in render::read_definitions(&defs.links, &self.opts) {
                if link_defs.insert_new(normalize_label(&label), (url, title)) {
                    new_labels.push(fold_case(&label));
                } else {
                    // The earlier definition wins, also for references parsed next to this one (see `finish`).
                    self.redefined_label = true;
                }
            }
        }
        // A footnote's content was rendered before this link definition arrived.
        let in_footnote = |label: &String| {
            self.bracketed.get(label).is_some_and(|&at| self.bracket_users[at].contains(&FOOTNOTE_TEXT))
        };
        if new_labels.iter().any(in_footnote) {
            self.book.give_up();
        }
        for (label, text) in defs.footnotes {
            new_labels.push(format!("^{}", fold_case(&label)));
            if self.footnote_defs.contains(&label) {
                // The first definition wins; which one a parse shows depends on what it read.
                self.book.give_up();
            } else {
                // (Its content only: the definition's own label is no use of it.)
                let content = text.find("]:").map_or(text.as_str(), |at| &text[at + 2..]);
                self.index_brackets(&fold_case(content), FOOTNOTE_TEXT);
                self.footnote_defs.insert_new(label, text);
            }
        }
        // A footnote used inside a committed footnote's text arrived after that footnote's section item was made.
        let in_footnote = |label: &&String| {
            self.bracketed.get(*label).is_some_and(|&at| self.bracket_users[at].contains(&FOOTNOTE_TEXT))
        };
        if new_labels.iter().filter(|label| label.starts_with('^')).any(|label| in_footnote(&label)) {
            self.book.give_up();
        }
        if !new_labels.is_empty() {
            self.patch_late_definitions(&new_labels, 0..blocks, differ);
        }
        new_labels
    }

    /// Adds the `[…]` spans of `lower` (case-folded text) to [`Self::bracketed`], used by `user` (a committed
    /// block's index, or [`FOOTNOTE_TEXT`]).
    fn index_brackets(&mut self, lower: &str, user: usize) {
        let mut rest = lower;
        while let Some(open) = rest.find('[') {
            rest = &rest[open + 1..];
            let Some(close) = rest.find([']', '[']).filter(|&close| rest[close..].starts_with(']')) else { continue };
            // (A map to positions in a list, not to lists: one map type fewer in the wasm.)
            let at = match self.bracketed.get(&rest[..close]) {
                Some(&at) => at,
                None => {
                    self.bracketed.insert(rest[..close].to_owned(), self.bracket_users.len());
                    self.bracket_users.push(Vec::new());
                    self.bracket_users.len() - 1
                }
            };
            let users = &mut self.bracket_users[at];
            if users.last() != Some(&user) {
                users.push(user);
            }
        }
    }

    /// Resolves references to committed definitions in a parse of the open tail.
    fn definitions_callback(&self) -> Option<Arc<dyn comrak::options::BrokenLinkCallback>> {
        if self.link_defs.is_empty() {
            return None;
        }
        let defs = Arc::clone(&self.link_defs);
        Some(Arc::new(move |reference: comrak::options::BrokenLinkReference| {
            defs.get(&normalize_label(reference.normalized))
                .map(|(url, title)| comrak::ResolvedReference { url: url.clone(), title: title.clone() })
        }))
    }

    /// A link reference or footnote definition arrived after its use: re-render the committed blocks that mention
    /// one of `labels` (lowercased; footnotes as `^label`) and patch them in place — only the nodes that change.
    fn patch_late_definitions(&mut self, labels: &[String], blocks: std::ops::Range<usize>, differ: &mut Differ<'_>) {
        let first = blocks.start;
        let blocks = blocks.end.min(self.committed_sources.len());
        // The blocks in order, once each (kept sorted by insertion: the few users need no sort routine in the wasm).
        let mut users: Vec<usize> = Vec::new();
        let mut add = |index: usize| {
            if let Err(at) = users.binary_search(&index) {
                users.insert(at, index);
            }
        };
        for label in labels {
            if label.contains(['[', ']']) {
                // Not a key of the index (labels hold no unescaped brackets; an escaped one is rare): scan them all.
                for index in first..blocks {
                    let source = self.src.get(self.committed_sources[index].clone()).unwrap_or_default();
                    if fold_case(source).contains(&format!("[{label}]")) {
                        add(index);
                    }
                }
            } else if let Some(&found) = self.bracketed.get(label) {
                let users = self.bracket_users[found].iter().copied();
                users.filter(|index| (first..blocks).contains(index)).for_each(&mut add);
            }
        }
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
            if !same_tag(&doc, self.blocks.get(index)) && index + 1 < self.committed_sources.len() {
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
            self.book.sync_section(differ, self.root, &mut self.footnotes);
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
            self.settle.as_ref().is_some_and(|s| self.src[s.start..].trim_start().starts_with('['));
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
        let paragraph_start = self.settle.as_ref().map_or(0, |s| s.start);
        let (kept, boundary) = match last_text {
            Some(text) => (children.len() - 1, Some(text.to_owned())),
            None => (children.len(), None),
        };
        let single_space_at = |at: usize| src[..at].ends_with(' ') && !src[..at - 1].ends_with(char::is_whitespace);
        if src.ends_with('\n') {
            // At a line break: the next line parses after the dummy word as it does in place.
            let at = paragraph::line_break_at(src, paragraph_start);
            if let Some(at) = at.filter(|&at| self.resume.as_ref().is_none_or(|r| r.at < at)) {
                self.resume = Some(paragraph::lead_word_resume(at, kept, boundary, defs));
                self.candidate = None;
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
            if self.resume.as_ref().is_none_or(|r| r.at < at) {
                self.resume = Some(paragraph::lead_word_resume(at, kept, boundary, defs));
                self.candidate = None;
            }
            return;
        }
        // Resume at the start of the last word when it is plain text that ends the last text node (only after the
        // current resume point: a search back through a word of megabytes with every chunk would be quadratic).
        let lower = self.resume.as_ref().map_or(paragraph_start, |r| r.at).min(src.len());
        let Some(word_at) = src[lower..].rfind(' ').map(|at| lower + at + 1) else { return };
        let word = &src[word_at..];
        let Some(text) = last_text else { return };
        if word_at < 2
            || !single_space_at(word_at)
            || !word.chars().all(is_plain)
            || starts_plainly(word) != Some(true)
            || !text.ends_with(word)
            || self.resume.as_ref().is_some_and(|r| r.at >= word_at)
        {
            return;
        }
        let boundary = text[..text.len() - word.len()].to_owned();
        self.resume = Some(paragraph::word_resume(word_at, children.len() - 1, boundary, defs));
        self.candidate = None;
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
        let Some(from) = self.resume.as_ref().map(|r| r.at).or(paragraph_start) else { return };
        let src = self.src.as_str();
        let reach = src.len().saturating_sub(from);
        if reach < SEGMENT_BYTES || self.finished || self.blocks.len() != self.committed_blocks + 1 {
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
        self.resume = Some(paragraph::segment_resume(at, children.len(), defs));
        self.candidate = None;
        self.stitched = true;
        // The cut keeps every child shown, the last text node too: text appended in place to it would be parsed again
        // after the cut and shown twice. The next render parses, and later text continues the segment's own node.
        self.exact = false;
        if let Some(scan) = self.settle.as_mut() {
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
    fn append_in_place(&mut self, ops: &mut Vec<PatchOp>) -> bool {
        if !self.exact || self.rendered_len >= self.src.len() || self.blocks.len() <= self.committed_blocks {
            return false;
        }
        let shown_line_start = self.line_start(self.rendered_len);
        let shown = &self.src[..self.rendered_len];
        let new_text = &self.src[self.rendered_len..];
        let Some((leaf, text_node)) = self.blocks.last_mut().and_then(leaf_text) else { return false };
        let MountedKind::Text(current) = &mut text_node.kind else { return false };
        // The text node must end where the source ends (it does not after a setext underline, an entity, …).
        let tail_of_node = last_chars(current, 48);
        let append = match leaf {
            Leaf::Code => match self.open_fence.as_mut().and_then(|plan| plan.append(&self.src)) {
                Some(code) => {
                    // A held partial line of fence characters would show in a parse: the next render parses.
                    self.exact = !self.open_fence.as_ref().is_some_and(|plan| plan.holds_text(&self.src));
                    code
                }
                None => return false,
            },
            Leaf::Inline if self.open_html.is_some() => {
                match self.open_html.as_mut().and_then(|plan| plan.append(&self.src)) {
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
                let lower = self.resume.as_ref().map_or(self.committed_len, |r| r.at).min(shown.len());
                let word_start = shown[lower..]
                    .char_indices()
                    .rfind(|(_, c)| c.is_whitespace())
                    .map_or(lower, |(at, c)| lower + at + c.len_utf8());
                // The start of the line the text continues must be decided: `1` + `. ` makes a list item.
                let line_start = shown_line_start.max(self.committed_len);
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
                    let from = self.resume.as_ref().map_or(self.committed_len, |r| r.at.max(self.committed_len));
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
        if !append.is_empty() {
            ops.push(PatchOp::AppendText { id: text_node.id, text: append.clone() });
            current.push_str(&append);
        }
        self.stats.appended_in_place += 1;
        self.last_parse_key = None; // the DOM no longer shows what that parse read
        if leaf == Leaf::Inline && self.open_html.is_none() {
            // After a commit the open paragraph has no scan yet: it starts at the commit point.
            let start = self.settle.is_none().then_some(self.paragraph_after_commit).flatten();
            let paragraph_start = start.or(self.settle.as_ref().map(|s| s.start));
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
        let Some(candidate) = &mut self.candidate else { return false };
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
            Some(_) if resumes_nested(rest) => self.resume = self.candidate.take(),
            Some(_) => self.candidate = None,
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
        let shown_as_final = self.exact && !self.stitched && !self.dirty && self.finished_blocks_known() && !self.src[self.committed_len..].contains("]:")
                // Trailing spaces were held back; at the very end of the text comrak keeps them.
                && !self.src.ends_with([' ', '\t', '\r']);
        self.finished = true;
        self.dirty = false;
        self.candidate = None;
        self.settle = None;
        self.exact = false;
        // Footnotes are numbered as blocks commit: the last pass commits the open block.
        let footnotes = self.opts.gfm && self.src.contains("[^");
        if !footnotes && shown_as_final && !self.redefined_label && self.definitions_all_known() {
            self.committed_blocks = self.blocks.len();
            self.committed_len = self.src.len();
            return false;
        }
        // The last pass runs even when a reconcile must follow: it commits the definitions the open tail holds, and
        // committed blocks that use them are patched as while streaming (the reconcile's count of ops on committed
        // blocks is about what streaming showed as final, not about the open tail this pass commits).
        let streamed_commits = self.committed_blocks;
        let resume = self.resume.take();
        let fitted = resume.is_some_and(|resume| self.render_pass(Some(&resume), ids, ops));
        if !fitted {
            self.render_pass(None, ids, ops);
        }
        let footnotes_exact = !footnotes || (self.book.is_exact() && self.committed_blocks == self.blocks.len());
        if footnotes_exact && !self.redefined_label && self.definitions_all_known() {
            self.committed_blocks = self.blocks.len();
            self.committed_len = self.src.len();
            return false;
        }
        self.committed_blocks = streamed_commits.min(self.blocks.len());
        self.resume = None;
        self.reconcile(ids, ops);
        true
    }

    /// Whether every `[label]:` in the text is a definition this engine read (then every reference resolved as in a
    /// one-shot parse). Definitions inside quotes or list items, labels over several lines or with escapes are
    /// read only by a whole parse.
    fn definitions_all_known(&self) -> bool {
        self.src.match_indices("]:").all(|(at, _)| {
            let line_start = self.src[..at].rfind(['\n', '\r']).map_or(0, |i| i + 1);
            let line = &self.src[line_start..at];
            let Some(label) = line.trim_start_matches(' ').strip_prefix('[') else { return false };
            let known = match label.strip_prefix('^').filter(|_| self.opts.gfm) {
                Some(footnote) => self.footnote_defs.contains(footnote),
                None => self.link_defs.contains(&normalize_label(label)),
            };
            // (A line inside a committed block is a definition inside a container, or text: a label known from
            // another definition says nothing about it.)
            let in_block = {
                let after = self.committed_sources.partition_point(|range| range.start <= line_start);
                after > 0 && self.committed_sources[after - 1].contains(&line_start)
            };
            line.len() - line.trim_start_matches(' ').len() <= 3
                && !label.contains(['\\', '[', ']'])
                && known
                && !in_block
        })
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
        let before = self.footnotes.as_ref().map(|f| f.id);
        differ.sync_children(self.root, &mut self.blocks, &nodes, before);
        sync_footnotes(&mut differ, self.root, &mut self.footnotes, doc.footnotes.as_ref());
        self.stats.finish_repairs += (differ.ops.len() - ops_before) as u64;
        self.committed_blocks = self.blocks.len();
        self.committed_len = self.src.len();
    }

    /// Brings the DOM in line with a one-shot parse of the whole text.
    fn reconcile(&mut self, ids: &mut IdAllocator, ops: &mut Vec<PatchOp>) {
        let doc = parse(&self.opts, &mut self.stats, &self.src);
        let nodes: Vec<Node> = doc.blocks.into_iter().map(|block| block.node).collect();

        let mut differ = Differ::new(ids, ops);
        let ops_before = differ.ops.len();
        let committed = self.committed_blocks.min(nodes.len());
        for (mounted, node) in self.blocks.iter_mut().zip(&nodes).take(committed) {
            differ.update(mounted, node);
        }
        self.stats.reconcile_ops_on_committed += (differ.ops.len() - ops_before) as u64;
        let before = self.footnotes.as_ref().map(|f| f.id);
        let mut open = self.blocks.split_off(committed);
        differ.sync_children(self.root, &mut open, &nodes[committed..], before);
        self.blocks.append(&mut open);
        sync_footnotes(&mut differ, self.root, &mut self.footnotes, doc.footnotes.as_ref());
        self.book.forget_section();
        self.committed_blocks = self.blocks.len();
        self.committed_len = self.src.len();
    }

    /// How many top-level blocks are committed: the first this many children of the root are final (tests check
    /// that each already shows its one-shot HTML).
    pub fn committed_blocks(&self) -> usize {
        self.committed_blocks
    }
}

/// One comrak parse, counted.
fn parse(opts: &RenderOptions, stats: &mut MarkdownStats, text: &str) -> RenderedDoc {
    stats.bytes_parsed += text.len() as u64;
    stats.parses += 1;
    render::render(text, opts)
}

/// Brings the footnotes section (always the root's last child) in line with the new render.
fn sync_footnotes(differ: &mut Differ<'_>, root: NodeId, mounted: &mut Option<Mounted>, new: Option<&Node>) {
    match (mounted.as_mut(), new) {
        (Some(current), Some(node)) => differ.update(current, node),
        (Some(_), None) => {
            if let Some(gone) = mounted.take() {
                differ.remove(gone);
            }
        }
        (None, Some(node)) => {
            let created = differ.create(node);
            differ.ops.push(PatchOp::Append { parent: root, child: created.id });
            *mounted = Some(created);
        }
        (None, None) => {}
    }
}

/// How many columns of indentation start `line` (tabs to the next multiple of 4).
fn indent_columns(line: &str) -> usize {
    let mut columns = 0;
    for c in line.chars() {
        match c {
            ' ' => columns += 1,
            '\t' => columns += 4 - columns % 4,
            _ => break,
        }
    }
    columns
}

/// Takes the blocks that start inside `prefix` (the thematic break that ends [`IncrementalMarkdown::footnote_prefix`])
/// out of a parse.
fn drop_prefix_blocks(doc: &mut RenderedDoc, prefix: &str) {
    let prefix_lines = line_starts(prefix).len() - 1;
    doc.blocks.retain(|block| block.start_line > prefix_lines);
}

/// The link reference definition lines of committed text: lines no block covers that are not blank.
fn definition_lines(committed: &str, covered: &[(usize, usize)], gfm: bool) -> Definitions {
    let mut defs = Definitions::default();
    let mut starts = line_starts(committed);
    if starts.last().is_some_and(|&last| last < committed.len()) {
        starts.push(committed.len()); // a last line without its line ending (the end of the text)
    }
    let mut footnote: Option<(String, String)> = None;
    // Blank lines inside a footnote definition: it goes on after them with an indented line.
    let mut blanks = String::new();
    // The footnote's last line is paragraph text, which a line at the margin continues lazily (a definition whose
    // first line is empty has no paragraph: the next line at the margin is a definition of its own).
    let mut paragraph_open = false;
    for pair in starts.windows(2) {
        let (start, end) = (pair[0], pair[1]);
        let line = &committed[start..end];
        let inside_block = covered.iter().any(|&(from, to)| start >= from && start < to);
        if inside_block {
            defs.footnotes.extend(footnote.take());
            continue;
        }
        if line.trim().is_empty() {
            if footnote.is_some() {
                blanks.push_str(line);
            }
            continue;
        }
        let indented = indent_columns(line) >= 4;
        let continues = indented || (blanks.is_empty() && paragraph_open);
        if let Some(label) = footnote_label(line).filter(|_| gfm) {
            defs.footnotes.extend(footnote.take());
            footnote = Some((label.to_owned(), line.to_owned()));
            paragraph_open = line.find("]:").is_some_and(|at| !line[at + 2..].trim().is_empty());
        } else if let Some((_, text)) = footnote.as_mut().filter(|_| continues) {
            // A continuation line of the footnote definition (lazy, or indented after blank lines).
            text.push_str(&blanks);
            text.push_str(line);
            // (Indented 8 or more past a blank line: code, which no line continues lazily.)
            paragraph_open = blanks.is_empty() || indent_columns(line) < 8;
        } else {
            defs.footnotes.extend(footnote.take());
            defs.links.push_str(line);
        }
        blanks.clear();
    }
    defs.footnotes.extend(footnote);
    if !defs.links.is_empty() {
        defs.links.push('\n');
    }
    defs
}

/// Definitions by label, the first of a label kept: a map to positions in a list rather than to the values, so that
/// the engine's maps are all one type (`HashMap<String, usize>`) and its hash table code is linked once.
#[derive(Clone)]
struct ByLabel<T> {
    index: HashMap<String, usize>,
    values: Vec<T>,
}

impl<T> Default for ByLabel<T> {
    fn default() -> Self {
        ByLabel { index: HashMap::new(), values: Vec::new() }
    }
}

impl<T> ByLabel<T> {
    fn get(&self, label: &str) -> Option<&T> {
        self.index.get(label).and_then(|&at| self.values.get(at))
    }

    fn contains(&self, label: &str) -> bool {
        self.index.contains_key(label)
    }

    fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    fn len(&self) -> usize {
        self.values.len()
    }

    /// Forgets every value after the first `len` (in insertion order): the labels that lose theirs.
    fn truncate(&mut self, len: usize) -> Vec<String> {
        let removed: Vec<String> =
            self.index.iter().filter(|&(_, &at)| at >= len).map(|(label, _)| label.clone()).collect();
        for label in &removed {
            self.index.remove(label);
        }
        self.values.truncate(len);
        removed
    }

    /// Adds `value` under `label` unless the label has one: whether it was added.
    fn insert_new(&mut self, label: String, value: T) -> bool {
        if self.index.contains_key(&label) {
            return false;
        }
        self.index.insert(label, self.values.len());
        self.values.push(value);
        true
    }
}

/// Definitions found in committed text.
#[derive(Debug, Default)]
struct Definitions {
    /// Link reference definition lines (read once; later parses resolve them through the broken-link callback).
    links: String,
    /// Footnote definitions by label (prepended only to tail parses that reference them).
    footnotes: Vec<(String, String)>,
}

/// The label of a footnote definition line (`[^label]: …`).
fn footnote_label(line: &str) -> Option<&str> {
    let rest = line.trim_start_matches(' ').strip_prefix("[^")?;
    let close = rest.find(']')?;
    rest[close + 1..].starts_with(':').then(|| &rest[..close])
}

/// The footnote labels `text` references (`[^label]`), in order, without repeats.
fn footnote_references(text: &str) -> Vec<&str> {
    let mut labels: Vec<&str> = Vec::new();
    for (at, _) in text.match_indices("[^") {
        let rest = &text[at + 2..];
        let label = rest.find([']', '\n']).filter(|&close| rest[close..].starts_with(']'));
        // A label still being typed is shown as a pending link: it references nothing yet.
        let pending =
            label.is_some_and(|close| rest[close + 1..].starts_with(&format!("({})", speculate::PENDING_URL)));
        if let Some(label) = label.filter(|_| !pending).map(|close| &rest[..close]) {
            if !labels.contains(&label) {
                labels.push(label);
            }
        }
    }
    labels
}

/// The user a footnote definition's text has in the bracket index (no block has this index, so late definitions never
/// re-render it; the footnote book re-reads footnotes itself).
const FOOTNOTE_TEXT: usize = usize::MAX;

/// An answer of `ancestor_items` and the question it answered.
type AncestorsAnswer = ((usize, usize, usize, usize), Option<String>);

/// The settledness scan of the open paragraph, from its start.
#[derive(Debug, Clone)]
struct ParagraphSettle {
    start: usize,
    /// The open tail's own definitions before the paragraph (see [`Resume::defs`]).
    defs: String,
    scanned: usize,
    /// The paragraph has a `|`: it never resumes mid-line (see `paragraph_candidate`).
    has_pipe: bool,
    state: settle::InlineSettle,
    /// The text is a block quote's: quote markers at line starts are skipped, a line of markers alone resets.
    quote: bool,
    /// (Quote scans) at a line start, before its text; the line has text; the last character was a CR.
    line_start: bool,
    line_has_text: bool,
    after_cr: bool,
}

/// The text of a mounted `<pre><code>`, if it has any.
fn code_text(block: &Mounted) -> Option<String> {
    let MountedKind::Element { children, .. } = &block.kind else { return None };
    let MountedKind::Element { children: code, .. } = &children.first()?.kind else { return None };
    match &code.first()?.kind {
        MountedKind::Text(text) => Some(text.clone()),
        _ => None,
    }
}

/// When a top-level block can no longer change, whatever follows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Closing {
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

/// The first line of `text`, without its ending.
fn first_line(text: &str) -> &str {
    text.split(['\n', '\r']).next().unwrap_or("")
}

/// What kind of text ends the open block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Leaf {
    /// Inline text of a paragraph, heading or tight list item.
    Inline,
    /// The text of a fenced code block.
    Code,
}

/// The text node that ends a mounted block, descending through lists, items and quotes to the last leaf block.
fn leaf_text(block: &mut Mounted) -> Option<(Leaf, &mut Mounted)> {
    let MountedKind::Element { tag, children, .. } = &mut block.kind else { return None };
    match *tag {
        // A paragraph that starts with `[` may still become a link reference definition (it then shows nothing).
        "p" if matches!(children.first(), Some(Mounted { kind: MountedKind::Text(t), .. }) if t.starts_with('[')) => {
            None
        }
        "p" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => last_text(children).map(|t| (Leaf::Inline, t)),
        "pre" => {
            let code = children.first_mut()?;
            let MountedKind::Element { tag: "code", children, .. } = &mut code.kind else { return None };
            last_text(children).map(|t| (Leaf::Code, t))
        }
        "ul" | "ol" | "blockquote" => leaf_text(children.last_mut()?),
        "li" => {
            let last_is_block = matches!(
                children.last().map(|c| &c.kind),
                Some(MountedKind::Element {
                    tag: "p" | "ul" | "ol" | "blockquote" | "pre" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6",
                    ..
                })
            );
            if last_is_block {
                leaf_text(children.last_mut()?)
            } else {
                last_text(children).map(|t| (Leaf::Inline, t))
            }
        }
        _ => None,
    }
}

/// Whether `line`, the last line shown, a quote line (`> > text`), holds exactly the text after the last line break
/// of `node` (the paragraph's text node, whose lines have no quote markers), its start decided.
fn quote_line_ends_node(line: &str, node: &str) -> bool {
    let Some(break_at) = node.rfind('\n') else { return false };
    let content = line.trim_start_matches(['>', ' ']);
    line.starts_with('>')
        && !content.is_empty()
        && content == &node[break_at + 1..]
        && starts_plainly(content) == Some(true)
}

fn last_text(children: &mut [Mounted]) -> Option<&mut Mounted> {
    children.last_mut().filter(|c| matches!(c.kind, MountedKind::Text(_)))
}

/// At most the first `n` bytes of `text`, on a character boundary (less decides nothing that more would not: a
/// line cut short reads as incomplete).
fn first_chars(text: &str, n: usize) -> &str {
    let mut end = n.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// At most the last `n` bytes of `text`, on a character boundary.
fn last_chars(text: &str, n: usize) -> &str {
    let mut start = text.len().saturating_sub(n);
    while !text.is_char_boundary(start) {
        start += 1;
    }
    &text[start..]
}

/// Whether `text` has a complete blank line (only spaces or tabs) after a line break; CR, LF and CRLF end lines.
fn has_blank_line(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut line_start = None; // the start of the current line, once a break came before it
    let mut i = 0;
    while i < bytes.len() {
        if matches!(bytes[i], b'\n' | b'\r') {
            if line_start.is_some_and(|start| text[start..i].trim().is_empty()) {
                return true;
            }
            if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
                i += 1;
            }
            line_start = Some(i + 1);
        }
        i += 1;
    }
    false
}

/// Characters that cannot open, close or change any markdown construct when they continue a line of plain text.
fn is_plain(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, ' ' | ',' | '.' | '?' | '\'' | '"' | '(' | ')' | '-' | '/' | '%' | '+' | '=')
}

/// Whether paragraph text resumed at the start of `rest` parses alone as it does in place: `Some(true)` when its
/// first line cannot start a block (a list item, heading, quote, fence, rule, HTML block or link definition),
/// `Some(false)` when it may, `None` when too little has arrived to tell.
fn starts_plainly(rest: &str) -> Option<bool> {
    // The answer lies in the line's first characters (a marker, a run, a label of at most 999): only they are read,
    // so asking about a line of 50 KB costs no more than about a short one (it is asked with every chunk).
    let mut window = rest.len().min(1024);
    while !rest.is_char_boundary(window) {
        window -= 1;
    }
    let line = rest[..window].split(['\n', '\r']).next().unwrap_or("");
    // Complete: a line break follows, or the line goes on past what is read (its start is known either way).
    let complete = line.len() < rest.len();
    let mut chars = line.chars();
    let Some(first) = chars.next() else { return if complete { Some(false) } else { None } };
    let run = 1 + chars.clone().take_while(|&c| c == first).count();
    let after_run = line.chars().nth(run);
    let decide = |ok: bool| Some(ok);
    let need = |next: Option<char>| if next.is_none() && !complete { None } else { Some(next) };
    match first {
        c if c.is_alphabetic() => decide(true),
        ' ' | '\t' | '>' | '<' | '|' => decide(false),
        // A line of `=` alone underlines the paragraph above as a heading.
        '=' => match line[run..].trim_end_matches([' ', '\t']) {
            "" if complete => decide(false),
            "" => None,
            _ => decide(true),
        },
        '0'..='9' => {
            let digits = line.chars().take_while(char::is_ascii_digit).count();
            match need(line.chars().nth(digits))? {
                Some('.' | ')') => decide(!matches!(need(line.chars().nth(digits + 1))?, None | Some(' ' | '\t'))),
                _ => decide(true),
            }
        }
        '*' | '_' | '~' | '`' | '-' | '+' | '#' => {
            let next = need(after_run)?;
            let block_marker = match first {
                '*' | '-' | '+' => run >= 2 || matches!(next, None | Some(' ' | '\t')),
                '#' => run <= 6 && matches!(next, None | Some(' ' | '\t')),
                _ => run >= 3 || (first == '_' && next.is_none()),
            };
            decide(!block_marker)
        }
        '[' => match line.find(']') {
            // `[label]:` at the start of a paragraph is a link reference definition.
            Some(close) => decide(need(line[close + 1..].chars().next())? != Some(':')),
            None if line.len() > 200 || complete => decide(false),
            None => None,
        },
        _ => decide(true),
    }
}

/// Whether text resumed inside a nested leaf (after container markers as context) parses as it does in place: it
/// must start plainly, and with a letter or digit (`[ ] x` after a list marker would make a task item).
fn resumes_nested(rest: &str) -> bool {
    rest.starts_with(|c: char| c.is_alphanumeric()) && starts_plainly(rest) == Some(true)
}

/// The quote markers that start `line` (`> > `, at the margin, spaces only): their length, the context that rebuilds
/// them (`> ` per level) and their count.
fn quote_prefix(line: &str) -> Option<(usize, String, usize)> {
    if !line.starts_with('>') {
        return None;
    }
    let len = line.len() - line.trim_start_matches(['>', ' ']).len();
    let depth = line[..len].matches('>').count();
    Some((len, "> ".repeat(depth), depth))
}

/// A label as CommonMark matches it: Unicode case-folded, inner whitespace collapsed.
fn normalize_label(label: &str) -> String {
    fold_case(&label.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// Unicode full case folding (`ẞ` and `SS` match), as comrak folds labels.
fn fold_case(text: &str) -> String {
    caseless::default_case_fold_str(text)
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
        engine.committed_blocks = engine.committed_blocks.min(engine.blocks.len());
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
        engine.last_parse_key = None;
        engine.resume = None;
        engine.candidate = None;
        engine.settle = None;
        engine.stitched = false;
        engine.exact = false;
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
