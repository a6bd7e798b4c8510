//! Link reference and footnote definitions that crossed the commit point.
//!
//! Link reference definitions are document-wide, but the engine parses only the open tail: the definitions in
//! committed text are read once ([`definition_lines`]: the lines no committed block covers) and kept here, by
//! normalised label, and later parses resolve references to them through comrak's broken-link callback
//! ([`CommittedDefinitions::callback`]). Footnote definitions are kept as text and prepended to the parses that
//! reference them ([`CommittedDefinitions::footnote_prefix`]). Every `[…]` in committed text is indexed, so that a
//! definition that arrives after its use finds the committed blocks that use it ([`CommittedDefinitions::users`])
//! without scanning them all.
//!
//! A run of link definitions at the end of the committed text with no blank line after it is still in the paragraph
//! the next lines may continue: a table delimiter row under it turns the whole paragraph into text and a table, and
//! the run is taken back ([`CommittedDefinitions::reopen_run`]).

use super::footnotes::{footnote_label, footnote_references};
use super::render::{self, RenderedDoc};
use super::scan::{first_line, indent_columns, line_starts};
use crate::options::RenderOptions;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

/// The user a footnote definition's text has in the bracket index (no block has this index, so late definitions never
/// re-render it; the footnote book re-reads footnotes itself).
const FOOTNOTE_TEXT: usize = usize::MAX;

/// The definitions read from committed text, and what they need to patch the blocks that used them too early.
#[derive(Debug, Default)]
pub(super) struct CommittedDefinitions {
    /// Link reference definitions by normalised label: resolved through comrak's broken-link callback, so that a long
    /// run of definitions is not parsed again with every chunk.
    links: Arc<ByLabel<(String, String)>>,
    /// Footnote definitions by label, as text.
    footnotes: ByLabel<String>,
    /// Every `[…]` in the committed blocks' sources (case-folded) → the blocks it is in, so a late definition finds
    /// the blocks that use it without scanning them all (a run of definitions would be quadratic).
    bracketed: HashMap<String, usize>,
    bracket_users: Vec<Vec<usize>>,
    /// A committed link definition repeated a label an earlier one took: parses that saw both disagree with the
    /// one-shot render, so `finish` reconciles with a whole parse.
    redefined_label: bool,
    /// Link definitions at the end of the committed text with no blank line after them, `(where their run of lines
    /// starts, how many link definitions there were before it)` (see [`Self::reopen_run`]).
    run: Option<(usize, usize)>,
}

/// What committing definitions found.
pub(super) struct Committed {
    /// The labels that got their first definition (case-folded; footnotes as `^label`): committed blocks that use
    /// them were rendered without it.
    pub(super) labels: Vec<String>,
    /// A footnote definition repeated a label, or arrived after footnote text that uses it was shown: the footnote
    /// numbers can no longer follow the one-shot render.
    pub(super) footnotes_unordered: bool,
}

impl CommittedDefinitions {
    /// How many link definitions are known (a mark for [`Self::track_run`]).
    pub(super) fn link_count(&self) -> usize {
        self.links.len()
    }

    pub(super) fn redefined_label(&self) -> bool {
        self.redefined_label
    }

    /// Definitions leave the open tail: remember them (the first definition of a label wins).
    pub(super) fn commit(&mut self, defs: Definitions, opts: &RenderOptions) -> Committed {
        let mut labels = Vec::new();
        let mut footnotes_unordered = false;
        if !defs.links.is_empty() {
            // Shared only while a parse runs: no copy here (a copy per commit would make a run of definitions
            // quadratic).
            let links = Arc::make_mut(&mut self.links);
            for (label, url, title) in render::read_definitions(&defs.links, opts) {
                if links.insert_new(normalize_label(&label), (url, title)) {
                    labels.push(fold_case(&label));
                } else {
                    // The earlier definition wins, also for references parsed next to this one (see `finish`).
                    self.redefined_label = true;
                }
            }
        }
        // A footnote's content was rendered before this link definition arrived.
        footnotes_unordered |= labels.iter().any(|label| self.used_in_footnote(label));
        for (label, text) in defs.footnotes {
            labels.push(format!("^{}", fold_case(&label)));
            if self.footnotes.contains(&label) {
                // The first definition wins; which one a parse shows depends on what it read.
                footnotes_unordered = true;
            } else {
                // (Its content only: the definition's own label is no use of it.)
                let content = text.find("]:").map_or(text.as_str(), |at| &text[at + 2..]);
                self.index_brackets(&fold_case(content), FOOTNOTE_TEXT);
                self.footnotes.insert_new(label, text);
            }
        }
        // A footnote used inside a committed footnote's text arrived after that footnote's section item was made.
        footnotes_unordered |= labels.iter().filter(|label| label.starts_with('^')).any(|l| self.used_in_footnote(l));
        Committed { labels, footnotes_unordered }
    }

    fn used_in_footnote(&self, label: &str) -> bool {
        self.bracketed.get(label).is_some_and(|&at| self.bracket_users[at].contains(&FOOTNOTE_TEXT))
    }

    /// Indexes the `[…]` spans of a committed block's source (`block`: its index among the committed blocks).
    pub(super) fn index_block(&mut self, source: &str, block: usize) {
        self.index_brackets(&fold_case(source), block);
    }

    /// Adds the `[…]` spans of `lower` (case-folded text) to the bracket index, used by `user` (a committed block's
    /// index, or [`FOOTNOTE_TEXT`]).
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

    /// The committed blocks among `blocks` (by index; their sources in `src` are `sources`) that mention one of
    /// `labels` (case-folded; footnotes as `^label`), in order, once each.
    pub(super) fn users(
        &self,
        labels: &[String],
        blocks: Range<usize>,
        src: &str,
        sources: &[Range<usize>],
    ) -> Vec<usize> {
        let first = blocks.start;
        let blocks = blocks.end.min(sources.len());
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
                for (index, range) in sources.iter().enumerate().take(blocks).skip(first) {
                    let source = src.get(range.clone()).unwrap_or_default();
                    if fold_case(source).contains(&format!("[{label}]")) {
                        add(index);
                    }
                }
            } else if let Some(&found) = self.bracketed.get(label) {
                let users = self.bracket_users[found].iter().copied();
                users.filter(|index| (first..blocks).contains(index)).for_each(&mut add);
            }
        }
        users
    }

    /// Resolves references to committed definitions in a parse of the open tail.
    pub(super) fn callback(&self) -> Option<Arc<dyn comrak::options::BrokenLinkCallback>> {
        if self.links.is_empty() {
            return None;
        }
        let defs = Arc::clone(&self.links);
        Some(Arc::new(move |reference: comrak::options::BrokenLinkReference| {
            defs.get(&normalize_label(reference.normalized))
                .map(|(url, title)| comrak::ResolvedReference { url: url.clone(), title: title.clone() })
        }))
    }

    /// The committed footnote definitions `text` references, and those they reference in turn (a footnote used only
    /// inside another footnote is shown only if its definition is in the parse too), then a thematic break that ends
    /// them (its block is dropped from the parse, see [`drop_prefix_blocks`]). Each definition starts at the margin,
    /// which ends the one before it; the break ends the last one whatever it ends with: a blank line would go into
    /// an open fence, and an indented line after it would continue the footnote.
    pub(super) fn footnote_prefix(&self, text: &str) -> String {
        let mut prefix = String::new();
        let mut labels = footnote_references(text);
        let mut next = 0;
        while let Some(&label) = labels.get(next) {
            next += 1;
            let Some(definition) = self.footnotes.get(label) else { continue };
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

    /// Whether every `[label]:` in `src` is a definition read here (then every reference resolved as in a one-shot
    /// parse). Definitions inside quotes or list items (lines inside a committed block's source, `sources`), labels
    /// over several lines or with escapes are read only by a whole parse.
    pub(super) fn all_known(&self, src: &str, gfm: bool, sources: &[Range<usize>]) -> bool {
        src.match_indices("]:").all(|(at, _)| {
            let line_start = src[..at].rfind(['\n', '\r']).map_or(0, |i| i + 1);
            let line = &src[line_start..at];
            let Some(label) = line.trim_start_matches(' ').strip_prefix('[') else { return false };
            let known = match label.strip_prefix('^').filter(|_| gfm) {
                Some(footnote) => self.footnotes.contains(footnote),
                None => self.links.contains(&normalize_label(label)),
            };
            // (A line inside a committed block is a definition inside a container, or text: a label known from
            // another definition says nothing about it.)
            let in_block = {
                let after = sources.partition_point(|range| range.start <= line_start);
                after > 0 && sources[after - 1].contains(&line_start)
            };
            line.len() - line.trim_start_matches(' ').len() <= 3
                && !label.contains(['\\', '[', ']'])
                && known
                && !in_block
        })
    }

    /// After a commit: whether the committed text now ends with link definitions that a later line may still share a
    /// paragraph with (no blank line and no block after them, the last block ending at `block_end`), and where their
    /// run of lines started. `links_before`: [`Self::link_count`] before the commit.
    pub(super) fn track_run(&mut self, committed: &str, block_end: usize, links_before: usize, gfm: bool) {
        let content_end = committed.trim_end_matches([' ', '\t', '\n', '\r']).len();
        let ends_with_blank_line = line_starts(&committed[content_end..]).len() > 2;
        if !gfm || content_end <= block_end || ends_with_blank_line {
            self.run = None;
            return;
        }
        if self.run.is_some() || self.links.len() == links_before {
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
        self.run = Some((start, links_before));
    }

    /// Whether a parse of the open tail (from the commit point `committed_len`, after `prefix`) shows a table whose
    /// header follows the committed definition run in the same paragraph: the table is first, or second after a
    /// paragraph that leads to it directly.
    pub(super) fn table_takes_run(&self, doc: &RenderedDoc, prefix: &str, committed_len: usize) -> bool {
        let Some((start, _)) = self.run else { return false };
        if start >= committed_len {
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

    /// Takes the committed definition run back into the open tail (`src[..committed_len]` is the committed text): its
    /// link definitions are forgotten. Returns where the run starts (the new commit point) and the labels that lost
    /// their definition (committed blocks that use them must render again).
    pub(super) fn reopen_run(
        &mut self,
        src: &str,
        committed_len: usize,
        opts: &RenderOptions,
    ) -> Option<(usize, Vec<String>)> {
        let (start, links_before) = self.run.take()?;
        let removed = Arc::make_mut(&mut self.links).truncate(links_before);
        let run = definition_lines(&src[start..committed_len], &[], opts.gfm);
        let labels: Vec<String> = render::read_definitions(&run.links, opts)
            .into_iter()
            .filter(|(label, _, _)| removed.contains(&normalize_label(label)))
            .map(|(label, _, _)| fold_case(&label))
            .collect();
        Some((start, labels))
    }
}

/// Takes the blocks that start inside `prefix` (the thematic break that ends
/// [`CommittedDefinitions::footnote_prefix`]) out of a parse.
pub(super) fn drop_prefix_blocks(doc: &mut RenderedDoc, prefix: &str) {
    let prefix_lines = line_starts(prefix).len() - 1;
    doc.blocks.retain(|block| block.start_line > prefix_lines);
}

/// Definitions found in committed text.
#[derive(Debug, Default)]
pub(super) struct Definitions {
    /// Link reference definition lines (read once; later parses resolve them through the broken-link callback).
    pub(super) links: String,
    /// Footnote definitions by label (prepended only to tail parses that reference them).
    pub(super) footnotes: Vec<(String, String)>,
}

impl Definitions {
    /// `self`'s definitions, then `later`'s.
    pub(super) fn then(mut self, mut later: Definitions) -> Definitions {
        self.links.push_str(&later.links);
        self.footnotes.append(&mut later.footnotes);
        self
    }
}

/// The link reference definition lines of committed text: lines no block covers (`covered`: offset ranges) that are
/// not blank.
pub(super) fn definition_lines(committed: &str, covered: &[(usize, usize)], gfm: bool) -> Definitions {
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
#[derive(Debug, Clone)]
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

/// A label as CommonMark matches it: Unicode case-folded, inner whitespace collapsed.
fn normalize_label(label: &str) -> String {
    fold_case(&label.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// Unicode full case folding (`ẞ` and `SS` match), as comrak folds labels.
fn fold_case(text: &str) -> String {
    caseless::default_case_fold_str(text)
}
