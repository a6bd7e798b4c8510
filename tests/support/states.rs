//! Streams markdown through [`IncrementalMarkdown`] into an [`HtmlRecorder`] and checks every intermediate state,
//! not only the end. Self-contained (it uses only `rillmark`): `tests/support/mod.rs` and `fuzz/src/properties.rs`
//! both include it.
//!
//! What is checked, with `final` meaning the one-shot render of the whole text (`markdown::render::render`):
//! - **The engine's own count**: `MarkdownStats::shown_text_losses` is 0 (renders whose patch took a shown word off the
//!   screen and showed it nowhere; stricter than the check below, which reads only words of `final`: it also counts a
//!   word that flickers and never comes back, such as a tag name shown as text while the tag is typed).
//! - **The end**: the streamed DOM equals `final`, the recorder saw no invalid op, and the verified finish repaired
//!   nothing (`MarkdownStats::finish_repairs == 0`: the net must not hide a bug).
//! - **Committed blocks are final** (at every render): the first `committed_blocks()` children of the root show their
//!   HTML in `final`. A definition can legitimately change a block after it is committed (a `[ref]` or `[^note]`
//!   used before its definition renders as text until the definition arrives), so the check is skipped until the
//!   engine has committed the text's last line that starts with `[` and holds `]:` (the only way to spell a link or
//!   footnote definition). The engine reads a definition when it commits it: a link definition once another
//!   definition starts on the line after it (its title may be on that line, and a table delimiter row there takes it
//!   back), at a blank line, with the block after it, or at the end; a footnote definition when its block ends.
//!   Footnote reference labels are not read as words: a reference shows as text (`[^2]`) until its definition
//!   arrives, then as a number that later definitions may change (see [`ShownText::push_text`]).
//! - **Shown text never vanishes** (at every render). Text content is read as words: the text of every text node, and
//!   of raw HTML outside its tags, in document order, with a space at every element that is not inline (paragraphs,
//!   items, cells, `<br>`), split at whitespace, each word stripped of ASCII punctuation (words left empty are
//!   dropped): the check is about the answer's text, not its markup, which speculation may show and take back while a
//!   construct is open (`*a` shown in italics, then as `*a` once the next character proves no emphasis closes it). The
//!   footnotes section is left out (it is numbered and rebuilt as references arrive). At each render, *shown* is the
//!   number of leading words of the DOM that equal the leading words of `final`; the DOM's last word counts only once
//!   another word follows it or it counted before (it may be a word still being typed: `the` of `theory`). *Shown*
//!   must never decrease from one render to the next: a decrease is a word of the final answer that was on screen, in
//!   place, and went away (to come back later, since the end is checked too). Comparing words, not characters, lets a
//!   word being typed change (`the` → `theory`) without counting as a loss.
#![allow(dead_code)]

use rillmark::markdown::render::render;
use rillmark::markdown::{IncrementalMarkdown, MarkdownStats};
use rillmark::options::RenderOptions;
use rillmark::patch::diff::IdAllocator;
use rillmark::patch::html::to_html;
use rillmark::patch::recorder::HtmlRecorder;
use rillmark::patch::{Node, PatchSink, ROOT};

/// What went wrong, from the worst kind down.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ProblemKind {
    /// The DOM at the end differs from the one-shot render.
    FinalDiffers,
    /// An op broke the patch protocol.
    InvalidOps,
    /// The DOM at the end was right only because the verified finish repaired it.
    FinishRepaired,
    /// A committed block showed HTML other than its final HTML.
    CommittedBlockDiffers,
    /// Words of the final answer that were shown vanished at a later render.
    TextVanished,
    /// The engine's own count of renders that took a shown word away (`MarkdownStats::shown_text_losses`) is not 0.
    CountedTextLoss,
}

impl ProblemKind {
    pub const ALL: [ProblemKind; 6] = [
        ProblemKind::FinalDiffers,
        ProblemKind::InvalidOps,
        ProblemKind::FinishRepaired,
        ProblemKind::CommittedBlockDiffers,
        ProblemKind::TextVanished,
        ProblemKind::CountedTextLoss,
    ];

    /// A short name for summaries and the known-differences list.
    pub fn name(self) -> &'static str {
        match self {
            ProblemKind::FinalDiffers => "final-differs",
            ProblemKind::InvalidOps => "invalid-ops",
            ProblemKind::FinishRepaired => "finish-repaired",
            ProblemKind::CommittedBlockDiffers => "committed-block-differs",
            ProblemKind::TextVanished => "text-vanished",
            ProblemKind::CountedTextLoss => "counted-text-loss",
        }
    }
}

/// One problem: its kind, the render it was seen at (the number of pieces pushed; `None` for the end) and what was
/// seen.
#[derive(Debug, Clone)]
pub struct Problem {
    pub kind: ProblemKind,
    pub render: Option<usize>,
    pub detail: String,
}

/// Which intermediate checks to run (the end is always checked). Each costs a walk of the DOM per render.
#[derive(Debug, Clone, Copy)]
pub struct Checks {
    pub committed_blocks: bool,
    pub shown_text: bool,
}

impl Checks {
    pub const ALL: Checks = Checks { committed_blocks: true, shown_text: true };
    pub const END_ONLY: Checks = Checks { committed_blocks: false, shown_text: false };
}

/// What streaming one text gave.
#[derive(Debug)]
pub struct Report {
    /// The first problem of each kind, in the order seen.
    pub problems: Vec<Problem>,
    /// Renders that lost shown words (each counts once however many words it lost).
    pub text_losses: usize,
    pub renders: usize,
    pub stats: MarkdownStats,
    pub streamed_html: String,
    pub expected_html: String,
}

impl Report {
    pub fn is_clean(&self) -> bool {
        self.problems.is_empty()
    }

    pub fn has(&self, kind: ProblemKind) -> bool {
        self.problems.iter().any(|p| p.kind == kind)
    }

    /// The worst problem, if any.
    pub fn worst(&self) -> Option<&Problem> {
        self.problems.iter().min_by_key(|p| p.kind)
    }

    fn note(&mut self, kind: ProblemKind, render: Option<usize>, detail: impl FnOnce() -> String) {
        if !self.has(kind) {
            self.problems.push(Problem { kind, render, detail: detail() });
        }
    }
}

/// Streams `pieces` (which must add up to `text`) with a render after each one, as the browser does once per frame,
/// then finishes, checking what `checks` asks at every render and the end always.
pub fn stream_checked<'a>(
    text: &str,
    pieces: impl IntoIterator<Item = &'a str>,
    opts: &RenderOptions,
    checks: Checks,
) -> Report {
    let doc = render(text, opts);
    let expected_html = doc.to_html();
    let final_blocks: Vec<&Node> = doc.blocks.iter().map(|b| &b.node).collect();
    let final_block_html: Vec<String> = final_blocks.iter().map(|node| to_html(std::slice::from_ref(*node))).collect();
    // The final words, and where the words of each block start in them: blocks verified final need no walk.
    let (final_text, block_text_starts) = shown_text_by_block_in(&final_blocks, opts.gfm);
    // Blocks found equal to their final HTML, kept to compare later renders cheaply (by tree, not by HTML).
    let mut verified: Vec<Node> = Vec::new();
    // The words of each root child at the last render it was read, by index: a child that did not change is not
    // read again.
    let mut shown_by_child: Vec<(Node, String)> = Vec::new();
    // A definition is read once the engine commits it (see the module comment), so a committed block may show a
    // reference to it as text until the engine has committed the last line that may be one: a `]:` on a line that
    // starts with `[` (after indentation and quote markers; `dict[str, int]:` in code is none).
    let last_definition = text
        .match_indices("]:")
        .filter(|(at, _)| {
            let line_start = text[..*at].rfind(['\n', '\r']).map_or(0, |end| end + 1);
            text[line_start..*at].trim_start_matches([' ', '\t', '>']).starts_with('[')
        })
        .map(|(at, _)| at)
        .last();

    let mut report = Report {
        problems: Vec::new(),
        text_losses: 0,
        renders: 0,
        stats: MarkdownStats::default(),
        streamed_html: String::new(),
        expected_html,
    };
    let mut engine = IncrementalMarkdown::new(opts.clone(), ROOT);
    let mut ids = IdAllocator::default();
    let mut recorder = HtmlRecorder::new();
    let mut ops = Vec::new();
    let mut received = 0;
    let mut shown = 0;
    for piece in pieces {
        engine.push(piece);
        engine.render(&mut ids, &mut ops);
        recorder.apply(&ops);
        let changed = !ops.is_empty();
        ops.clear();
        received += piece.len();
        report.renders += 1;
        // A render that changed nothing cannot break what the last one passed.
        if !changed || !(checks.committed_blocks || checks.shown_text) {
            continue;
        }
        let nodes = recorder.root_nodes();
        let render = Some(report.renders);
        // Leading root children that show their final HTML at this render.
        let mut final_prefix = 0;
        let definitions_read = last_definition.is_none_or(|at| engine.committed_text_len() > at);
        if checks.committed_blocks && definitions_read {
            let committed = engine.committed_blocks();
            if committed > nodes.len() || committed > final_blocks.len() {
                report.note(ProblemKind::CommittedBlockDiffers, render, || {
                    format!(
                        "{committed} blocks committed, but the DOM has {} and the final render {}",
                        nodes.len(),
                        final_blocks.len()
                    )
                });
            }
            for (i, node) in nodes.iter().enumerate().take(committed.min(final_blocks.len())) {
                if verified.get(i) != Some(node) {
                    let html = to_html(std::slice::from_ref(node));
                    if html != final_block_html[i] {
                        report.note(ProblemKind::CommittedBlockDiffers, render, || {
                            format!(
                                "after {received} bytes, committed block {i} shows\n{html:?}\nbut its final HTML is\n{:?}",
                                final_block_html[i]
                            )
                        });
                        break;
                    }
                    verified.truncate(i);
                    verified.push(node.clone());
                }
                final_prefix = i + 1;
            }
        }
        if checks.shown_text {
            // The words of the blocks shown final are the final words up to them; only the rest is read.
            let (start, words_before) = block_text_starts[final_prefix];
            let mut tail = String::new();
            for (i, node) in nodes.iter().enumerate().skip(final_prefix).filter(|(_, n)| !is_footnotes_section(n)) {
                if shown_by_child.get(i).is_none_or(|(cached, _)| cached != node) {
                    shown_by_child.truncate(i);
                    shown_by_child.resize_with(i, || (Node::Text(String::new()), String::new()));
                    shown_by_child.push((node.clone(), shown_text_in(std::iter::once(node), opts.gfm)));
                }
                let words = &shown_by_child[i].1;
                if !words.is_empty() {
                    if !tail.is_empty() {
                        tail.push(' ');
                    }
                    tail.push_str(words);
                }
            }
            let (tail_matching, tail_words) = matching_words(&tail, &final_text[start..]);
            let (matching, words) = (words_before + tail_matching, words_before + tail_words);
            // The DOM's last word counts once a word follows it, and stays counted while it still matches.
            let now = if matching == words { matching.saturating_sub(1).max(shown.min(matching)) } else { matching };
            if now < shown {
                report.text_losses += 1;
                let lost: Vec<&str> = final_text.split(' ').skip(now).take((shown - now).min(12)).collect();
                let lost = lost.join(" ");
                report.note(ProblemKind::TextVanished, render, || {
                    format!(
                        "after {received} bytes, {} shown words of the final answer went away, from word {now}: {lost:?}",
                        shown - now
                    )
                });
            }
            shown = now;
        }
    }
    engine.finish(&mut ids, &mut ops);
    recorder.apply(&ops);
    report.stats = engine.stats();
    report.streamed_html = recorder.html();
    if report.streamed_html != report.expected_html {
        let (streamed, expected) = (report.streamed_html.clone(), report.expected_html.clone());
        report
            .note(ProblemKind::FinalDiffers, None, || format!("streamed\n{streamed:?}\nbut one-shot is\n{expected:?}"));
    }
    if !recorder.violations().is_empty() {
        report.note(ProblemKind::InvalidOps, None, || format!("{:?}", recorder.violations()));
    }
    if report.stats.shown_text_losses > 0 {
        let losses = report.stats.shown_text_losses;
        report.note(ProblemKind::CountedTextLoss, None, || {
            format!("the engine counted {losses} renders that took a shown word away (stats.shown_text_losses)")
        });
    }
    if report.stats.finish_repairs > 0 {
        let repairs = report.stats.finish_repairs;
        report.note(ProblemKind::FinishRepaired, None, || format!("the verified finish emitted {repairs} ops"));
    }
    report
}

/// Whether a root child is the footnotes section (`<section class="footnotes" data-footnotes>`).
pub fn is_footnotes_section(node: &Node) -> bool {
    matches!(node, Node::Element(e) if e.tag == "section" && e.attrs.iter().any(|(k, v)| *k == "class" && v == "footnotes"))
}

/// Elements that flow inside a line of text: no word boundary at their edges.
const INLINE_TAGS: &[&str] = &["a", "em", "strong", "del", "code", "span", "sup", "sub", "s", "mark", "ins", "kbd"];

/// The words the nodes show (see the module doc), each keeping only its characters that are not ASCII punctuation,
/// joined by single spaces.
pub fn shown_text<'n>(nodes: impl IntoIterator<Item = &'n Node>) -> String {
    shown_text_in(nodes, true)
}

/// [`shown_text`], reading `[^label]` as a footnote reference (skipped) only with `footnotes` (GFM).
pub fn shown_text_in<'n>(nodes: impl IntoIterator<Item = &'n Node>, footnotes: bool) -> String {
    let mut words = ShownText { footnotes, ..ShownText::default() };
    for node in nodes {
        words.walk(node);
    }
    words.out
}

/// [`shown_text`] of `blocks`, and for each `k` in `0..=blocks.len()`, where the words after the first `k` blocks
/// start in it (a byte offset past the joining space) and how many words come before.
pub fn shown_text_by_block(blocks: &[&Node]) -> (String, Vec<(usize, usize)>) {
    shown_text_by_block_in(blocks, true)
}

/// [`shown_text_by_block`], reading footnote references as [`shown_text_in`] does.
pub fn shown_text_by_block_in(blocks: &[&Node], footnotes: bool) -> (String, Vec<(usize, usize)>) {
    let mut words = ShownText { footnotes, ..ShownText::default() };
    let mut marks = Vec::with_capacity(blocks.len() + 1);
    for node in blocks {
        marks.push(words.mark());
        words.walk(node);
    }
    marks.push(words.mark());
    for mark in &mut marks {
        mark.0 = mark.0.min(words.out.len());
    }
    (words.out, marks)
}

#[derive(Default)]
struct ShownText {
    out: String,
    /// A word boundary was seen since the last character written.
    space: bool,
    words: usize,
    /// Where the text is in a footnote reference spelled out (`[^label]`, see [`ShownText::push_text`]), when
    /// `footnotes` (GFM) makes it one.
    footnote_label: FootnoteLabel,
    footnotes: bool,
}

/// Reading a footnote reference written as text: `[`, then `^`, then the label up to `]` or a space.
#[derive(Default, Clone, Copy, PartialEq, Eq)]
enum FootnoteLabel {
    #[default]
    Outside,
    Bracket,
    Label,
}

impl ShownText {
    /// Where the next word will start (past its joining space; at most the end) and how many words came before.
    fn mark(&self) -> (usize, usize) {
        let start = if self.out.is_empty() { 0 } else { self.out.len() + 1 };
        (start, self.words)
    }

    fn push(&mut self, c: char) {
        if c.is_whitespace() {
            self.space = true;
        } else if !c.is_ascii_punctuation() {
            if self.out.is_empty() {
                self.words = 1;
            } else if self.space {
                self.out.push(' ');
                self.words += 1;
            }
            self.space = false;
            self.out.push(c);
        }
    }

    /// Text of a text node. A footnote reference's label is no word of the answer: a reference shows as its text
    /// (`[^2]`) until its definition arrives, then as a number that depends on which definitions arrived (a later
    /// definition may renumber it: comrak numbers footnotes in order of reference among those defined), so both
    /// spellings are skipped, as the numbered footnotes section is.
    fn push_text(&mut self, c: char) {
        if !self.footnotes {
            return self.push(c);
        }
        self.footnote_label = match (self.footnote_label, c) {
            (FootnoteLabel::Label, ']') => FootnoteLabel::Outside,
            (FootnoteLabel::Label, c) if !c.is_whitespace() => return,
            (FootnoteLabel::Bracket, '^') => FootnoteLabel::Label,
            (_, '[') => FootnoteLabel::Bracket,
            _ => FootnoteLabel::Outside,
        };
        self.push(c);
    }

    fn walk(&mut self, node: &Node) {
        match node {
            Node::Text(text) => text.chars().for_each(|c| self.push_text(c)),
            Node::Element(e) if is_footnote_reference(e) => {}
            // Raw HTML (trusted mode) shows the text between its tags; the engine may hold text in a raw node that
            // the one-shot render splits into text and tags, so tags are no word boundary.
            // Its text is HTML: character references are read as the characters they stand for (`&gt;` is `>`).
            Node::RawHtml(html) => {
                let mut in_tag = false;
                let mut chars = html.char_indices();
                while let Some((at, c)) = chars.next() {
                    match c {
                        '<' => in_tag = true,
                        '>' if in_tag => in_tag = false,
                        _ if in_tag => {}
                        '&' => match character_reference(&html[at..]) {
                            Some((decoded, len)) => {
                                self.push_text(decoded);
                                chars.nth(len - 2);
                            }
                            None => self.push_text(c),
                        },
                        _ => self.push_text(c),
                    }
                }
            }
            Node::Element(e) => {
                let inline = INLINE_TAGS.contains(&e.tag);
                self.space |= !inline;
                for child in &e.children {
                    self.walk(child);
                }
                self.space |= !inline;
            }
        }
    }
}

/// Whether an element is a footnote reference (`<sup class="footnote-ref">`).
fn is_footnote_reference(e: &rillmark::patch::Element) -> bool {
    e.tag == "sup" && e.attrs.iter().any(|(k, v)| *k == "class" && v == "footnote-ref")
}

/// The character a character reference at the start of `html` (`&amp;`, `&#39;`, `&#x27;`…) stands for, and its
/// length in bytes; `None` for a `&` that starts none this reader knows (only the ones HTML escaping writes, and
/// `&nbsp;`).
fn character_reference(html: &str) -> Option<(char, usize)> {
    let end = html.bytes().take(12).position(|b| b == b';')?;
    let name = &html[1..end];
    let decoded = match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        _ => {
            let code = match name.strip_prefix("#x").or_else(|| name.strip_prefix("#X")) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => name.strip_prefix('#')?.parse().ok()?,
            };
            char::from_u32(code)?
        }
    };
    Some((decoded, end + 1))
}

/// How many leading words of `shown` (as [`shown_text`] joins them) equal the leading words of `last`, and how many
/// words `shown` has.
pub fn matching_words(shown: &str, last: &str) -> (usize, usize) {
    if shown.is_empty() {
        return (0, 0);
    }
    let (a, b) = (shown.as_bytes(), last.as_bytes());
    // Whole runs first (a slice comparison is one memcmp even in a debug build), then byte by byte.
    let mut common = 0;
    while common + 64 <= a.len().min(b.len()) && a[common..common + 64] == b[common..common + 64] {
        common += 64;
    }
    while common < a.len().min(b.len()) && a[common] == b[common] {
        common += 1;
    }
    let spaces = shown.as_bytes()[..common].iter().filter(|&&b| b == b' ').count();
    let words = shown.bytes().filter(|&b| b == b' ').count() + 1;
    let last_word_matches = common == shown.len() && last.as_bytes().get(common).is_none_or(|&b| b == b' ');
    (spaces + usize::from(last_word_matches), words)
}

/// `text` cut the way a model's tokenizer cuts it, roughly: a word with the one space before it (` the`), long words
/// in pieces of up to 6 bytes, runs of one punctuation mark up to 3 (`**`, `` ``` ``, `---`), other characters alone,
/// line breaks in runs of up to 2. Never cuts inside a code point.
pub fn token_pieces(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut pieces = Vec::new();
    let mut start = 0;
    while start < text.len() {
        let mut end = start;
        if bytes[start] == b' ' && bytes.get(start + 1).is_some_and(|b| b.is_ascii_alphanumeric()) {
            end += 1; // the space goes with the word after it
        }
        let lead = bytes[end];
        if lead.is_ascii_alphanumeric() {
            while end < text.len() && bytes[end].is_ascii_alphanumeric() && end - start < 6 {
                end += 1;
            }
        } else if lead == b'\n' || lead == b'\r' {
            while end < text.len() && (bytes[end] == b'\n' || bytes[end] == b'\r') && end - start < 2 {
                end += 1;
            }
        } else if lead.is_ascii_punctuation() || lead == b' ' {
            while end < text.len() && bytes[end] == lead && end - start < 3 {
                end += 1;
            }
        } else {
            end += 1;
            while !text.is_char_boundary(end) {
                end += 1;
            }
        }
        pieces.push(&text[start..end]);
        start = end;
    }
    pieces
}

/// `text` in pieces of 1, 2, 3, 4, 5, 6, 1, 2, … bytes, each cut moved forward to a char boundary.
pub fn cycling_pieces(text: &str) -> Vec<&str> {
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut len = 1;
    while start < text.len() {
        let mut end = (start + len).min(text.len());
        while !text.is_char_boundary(end) {
            end += 1;
        }
        pieces.push(&text[start..end]);
        start = end;
        len = len % 6 + 1;
    }
    pieces
}
