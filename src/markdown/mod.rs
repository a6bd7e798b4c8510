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
//! # What crosses the commit point
//! Link reference definitions are document-wide. The source lines of committed text that no block covers are the
//! definitions; they are kept and prepended to every tail parse, so links in the tail resolve (and the first
//! definition still wins). Anything the incremental path cannot see — a definition arriving after its use, footnotes
//! referenced across the commit point — is settled by [`IncrementalMarkdown::finish`], which reconciles the DOM with a
//! one-shot parse of the whole text: the final DOM always equals the one-shot render.
//!
//! [`render`]: IncrementalMarkdown::render

pub mod render;
pub mod speculate;
pub mod url;

use crate::options::RenderOptions;
use crate::patch::diff::{Differ, IdAllocator, Mounted};
use crate::patch::{Node, NodeId, PatchOp};
use render::RenderedDoc;

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
    /// Link reference definition lines found in committed text, prepended to each tail parse.
    defs_prefix: String,
    /// Mounted top-level blocks in document order; the first `committed_blocks` are frozen.
    blocks: Vec<Mounted>,
    committed_blocks: usize,
    /// The footnotes section, kept after every block.
    footnotes: Option<Mounted>,
    /// Text arrived since the last render.
    dirty: bool,
    finished: bool,
    stats: MarkdownStats,
}

impl IncrementalMarkdown {
    /// A new, empty document rendering into the element with id `root`.
    pub fn new(opts: RenderOptions, root: NodeId) -> IncrementalMarkdown {
        IncrementalMarkdown {
            opts,
            root,
            src: String::new(),
            committed_len: 0,
            defs_prefix: String::new(),
            blocks: Vec::new(),
            committed_blocks: 0,
            footnotes: None,
            dirty: false,
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

    /// All text received so far.
    pub fn text(&self) -> &str {
        &self.src
    }

    pub fn stats(&self) -> MarkdownStats {
        self.stats
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
        self.dirty = false;
        let tail = &self.src[self.committed_len..];
        let shown = speculate::speculate(tail, self.opts.gfm);
        let parse_text = format!("{}{shown}", self.defs_prefix);
        let prefix_lines = line_starts(&self.defs_prefix).len() - 1;
        self.stats.bytes_parsed += parse_text.len() as u64;
        self.stats.parses += 1;
        let doc = render::render_speculative(&parse_text, &self.opts);

        // Blocks start on lines of `parse_text`; shift them to lines of `tail`. Blocks inside the prefix (none
        // expected: definitions produce no block) are ignored.
        let tail_lines = line_starts(tail);
        let incomplete_last_line =
            if tail.ends_with(['\n', '\r']) || tail.is_empty() { None } else { Some(tail_lines.len()) };
        let start_lines: Vec<usize> =
            doc.blocks.iter().map(|block| block.start_line.saturating_sub(prefix_lines)).collect();
        let end_lines: Vec<usize> =
            doc.blocks.iter().map(|block| block.end_line.saturating_sub(prefix_lines)).collect();
        let nodes: Vec<Node> = doc.blocks.into_iter().map(|block| block.node).collect();

        let mut differ = Differ { ids, ops };
        let before = self.footnotes.as_ref().map(|f| f.id);
        let mut open = self.blocks.split_off(self.committed_blocks);
        differ.sync_children(self.root, &mut open, &nodes, before);
        self.blocks.append(&mut open);
        sync_footnotes(&mut differ, self.root, &mut self.footnotes, doc.footnotes.as_ref());

        // Every block but the last whose successor starts on a complete line is final.
        let mut final_count = 0;
        for (index, &start_line) in start_lines.iter().enumerate().skip(1) {
            if Some(start_line) != incomplete_last_line && start_line >= 1 {
                final_count = index;
            }
        }
        if final_count > 0 {
            let commit_line = start_lines[final_count];
            let commit_offset = tail_lines[commit_line - 1];
            let covered = covered_ranges(&start_lines[..final_count], &end_lines[..final_count], &tail_lines);
            let committed_text = &tail[..commit_offset];
            self.defs_prefix.push_str(&definition_lines(committed_text, &covered));
            self.committed_len += commit_offset;
            self.committed_blocks += final_count;
            self.stats.blocks_committed += final_count as u64;
        }
    }

    /// End of input: reconciles the DOM with a one-shot parse of the whole text, so the final DOM equals the one-shot
    /// render whatever the chunking was. Nothing is emitted after this.
    pub fn finish(&mut self, ids: &mut IdAllocator, ops: &mut Vec<PatchOp>) {
        if self.finished {
            return;
        }
        self.finished = true;
        self.dirty = false;
        let doc = parse(&self.opts, &mut self.stats, &self.src);
        let nodes: Vec<Node> = doc.blocks.into_iter().map(|block| block.node).collect();

        let mut differ = Differ { ids, ops };
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
        self.committed_blocks = self.blocks.len();
        self.committed_len = self.src.len();
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

/// Byte offsets at which each line of `text` starts (CR, LF and CRLF end lines, as in CommonMark); the last entry
/// is `text.len()` when the text ends with a line ending, so `len() - 1` complete lines precede it.
fn line_starts(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut starts = vec![0];
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => starts.push(i + 1),
            b'\r' if bytes.get(i + 1) == Some(&b'\n') => {
                i += 1;
                starts.push(i + 1);
            }
            b'\r' => starts.push(i + 1),
            _ => {}
        }
        i += 1;
    }
    starts
}

/// Byte ranges covered by blocks spanning the given 1-based inclusive line ranges.
fn covered_ranges(start_lines: &[usize], end_lines: &[usize], tail_lines: &[usize]) -> Vec<(usize, usize)> {
    let offset_of_line = |line: usize| tail_lines.get(line.saturating_sub(1)).copied().unwrap_or(usize::MAX);
    start_lines.iter().zip(end_lines).map(|(&start, &end)| (offset_of_line(start), offset_of_line(end + 1))).collect()
}

/// The link reference definition lines of committed text: lines no block covers that are not blank.
fn definition_lines(committed: &str, covered: &[(usize, usize)]) -> String {
    let mut defs = String::new();
    let starts = line_starts(committed);
    for pair in starts.windows(2) {
        let (start, end) = (pair[0], pair[1]);
        let line = &committed[start..end];
        let inside_block = covered.iter().any(|&(from, to)| start >= from && start < to);
        if !inside_block && !line.trim().is_empty() {
            defs.push_str(line);
        }
    }
    if !defs.is_empty() {
        defs.push('\n');
    }
    defs
}
