//! One parse of markdown text with comrak, converted to trees of safe [`Node`]s.
//!
//! ```text
//! text ─▶ comrak::parse_document ─▶ AST ─▶ one RenderedBlock per top-level block (+ the footnotes section)
//! ```
//!
//! **Trusted mode** (`RenderOptions::trusted`): the trees serialise with [`crate::patch::html::to_html`] to exactly
//! what `comrak::markdown_to_html` prints with [`comrak_options`] (which sets `render.unsafe_`); raw HTML becomes
//! [`Node::RawHtml`]. With `gfm` the GFM tag filter, which comrak 0.59 lacks, is applied to raw HTML here.
//!
//! **Safe mode** (the default, DESIGN.md §2.5): only the tags and attributes of [`SAFE_TAGS`] and [`SAFE_ATTRS`] are
//! created; raw HTML is shown as text (an HTML block becomes a `<p>` holding its source); link and image URLs go
//! through [`super::url`]:
//! - a link whose URL is refused keeps its text and title in an `<a>` *without* `href` (not clickable, not focusable,
//!   still a link to assistive technology); accepted links get `rel="noopener noreferrer"`, and `target="_blank"`
//!   with `links_new_tab`;
//! - an image that may not be fetched becomes `<span class="rillmark-image" data-src="…" title="…">alt</span>`
//!   (`data-src` only when the URL's scheme is acceptable; the text is the alt text, or `image` when it is empty), so
//!   nothing is fetched and the reader still sees that an image was there.
//!
//! Trees are at most [`MAX_DEPTH`] elements deep: deeper content is kept as plain text, so that converting, diffing,
//! serialising and dropping a tree never recurse without bound (a stack overflow would kill the wasm instance).

use std::sync::Arc;

use comrak::nodes::{AstNode, ListType, NodeHeading, NodeValue, TableAlignment};
use comrak::options::BrokenLinkCallback;
use comrak::{Arena, Options};

use super::speculate::PENDING_URL;
use super::url;
use crate::options::RenderOptions;
use crate::patch::{Element, Node};

/// A top-level block of a parse, with the lines of the parsed text it came from (1-based, inclusive).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedBlock {
    pub node: Node,
    pub start_line: usize,
    pub end_line: usize,
    /// Leading lines that are link reference definitions comrak took out of the paragraph the block began as (they
    /// count as the block's lines in its source positions, but render nothing).
    pub definition_lines: usize,
    /// What the incremental engine needs to know about the block's inner structure.
    pub detail: BlockDetail,
    /// The open fenced code block that ends the block (the block itself, or the last block of the last item of its
    /// lists, through list items only), for appending its lines in place.
    pub open_fence: Option<FenceShape>,
}

/// Where an open fenced code block sits in its lines: what a content line loses before it is code, and what would
/// close it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FenceShape {
    /// The line (1-based, of the parsed text) of the opening fence.
    pub start_line: usize,
    /// Bytes of container indentation before each line's own (the list items' content column; 0 at the margin).
    pub container: usize,
    /// The opening fence's own indentation (content lines lose up to as many spaces).
    pub offset: usize,
    /// `b'`'` or `b'~'`, and how many of them opened the fence.
    pub fence_char: u8,
    pub fence_len: usize,
}

/// The inner structure of a top-level block, for resuming a parse inside it (lines are 1-based, of the parsed text).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum BlockDetail {
    #[default]
    Other,
    Paragraph,
    /// A list: its looseness, its marker (`b'-'`, `b'*'`, `b'+'`, or `b'.'`/`b')'` for ordered lists) and the line each
    /// item starts on.
    List {
        tight: bool,
        marker: u8,
        item_lines: Vec<usize>,
    },
    /// A block quote (in quotes, each the last child of the one before) whose last block is a list: the index of
    /// the last child at each quote level down to the list, the list's looseness and the line each item starts on.
    QuotedList {
        path: Vec<usize>,
        tight: bool,
        item_lines: Vec<usize>,
    },
    /// A table: the line each body row starts on.
    Table {
        row_lines: Vec<usize>,
    },
    /// A fenced code block: whether its closing fence arrived.
    Fence {
        closed: bool,
    },
    /// An HTML block: whether only a blank line ends it (CommonMark's kinds 6 and 7), so every other line is its own.
    Html {
        until_blank_line: bool,
    },
    /// A block quote whose last block (through quotes) is an HTML block: its last line is the HTML block's, never a
    /// paragraph's to resume at (with html "text" an HTML block shows as a paragraph of its source).
    QuotedHtml,
}

/// The result of one parse.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RenderedDoc {
    /// Top-level blocks in document order.
    pub blocks: Vec<RenderedBlock>,
    /// The footnotes section comrak appends after the blocks, when any footnote is referenced.
    pub footnotes: Option<Node>,
    /// The section's items without their numbers, for a renderer that numbers footnotes across parses.
    pub footnote_items: Vec<FootnoteItem>,
}

/// A footnote of the section before it is numbered: its content, without the links back to its references.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FootnoteItem {
    /// The footnote's name as its ids and links spell it (percent-encoded): `fn-{key}`, `fnref-{key}`.
    pub key: String,
    /// `<li id="fn-…">` and the definition's content.
    pub li: Element,
    /// The back-references go at the end of the content's last paragraph (else after its last block).
    pub in_last_paragraph: bool,
}

impl FootnoteItem {
    /// The `<li>` as the section shows it when the footnote is number `ix` with `total` references.
    pub fn render(&self, ix: usize, total: u32) -> Node {
        let mut li = self.li.clone();
        match li.children.last_mut() {
            Some(Node::Element(p)) if self.in_last_paragraph && p.tag == "p" => {
                push_text(&mut p.children, " ");
                backrefs(&mut p.children, &self.key, total, ix);
            }
            _ => backrefs(&mut li.children, &self.key, total, ix),
        }
        Node::Element(li)
    }
}

/// The name (percent-encoded) of the footnote a rendered footnote reference (`<a data-footnote-ref href="#fn-…">`)
/// points to.
pub fn footnote_reference_key<'a>(a: &'a [(&'static str, String)]) -> Option<&'a str> {
    if !a.iter().any(|(name, _)| *name == "data-footnote-ref") {
        return None;
    }
    a.iter().find(|(name, _)| *name == "href").and_then(|(_, href)| href.strip_prefix("#fn-"))
}

/// The attributes of the `n`-th reference (1-based) to the footnote `key`: as [`Converter`] renders them.
pub fn footnote_reference_attrs(key: &str, n: u32) -> Vec<(&'static str, String)> {
    let suffix = if n > 1 { format!("-{n}") } else { String::new() };
    vec![("href", format!("#fn-{key}")), ("id", format!("fnref-{key}{suffix}")), ("data-footnote-ref", String::new())]
}

impl RenderedDoc {
    /// Every node of the document in order: the blocks, then the footnotes section.
    pub fn nodes(&self) -> impl Iterator<Item = &Node> {
        self.blocks.iter().map(|b| &b.node).chain(self.footnotes.as_ref())
    }

    /// The whole document as HTML (in trusted mode, what `comrak::markdown_to_html` prints).
    pub fn to_html(&self) -> String {
        crate::patch::html::to_html_iter(self.nodes())
    }
}

/// Elements the renderer can create in safe mode.
pub const SAFE_TAGS: &[&str] = &[
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "ul",
    "ol",
    "li",
    "pre",
    "code",
    "em",
    "strong",
    "del",
    "a",
    "img",
    "span",
    "br",
    "hr",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "input",
    "section",
    "sup",
    "div",
];

/// Attributes the renderer can set in safe mode. URL-valued ones (`href`, `src`) only ever hold checked URLs.
pub const SAFE_ATTRS: &[&str] = &[
    "href",
    "title",
    "rel",
    "target",
    "src",
    "alt",
    "class",
    "start",
    "align",
    "type",
    "checked",
    "disabled",
    "id",
    "data-src",
    "data-footnotes",
    "data-footnote-ref",
    "data-footnote-backref",
    "data-footnote-backref-idx",
    "data-math-style",
    "aria-label",
];

/// How deep element trees may nest; deeper content is flattened to text (see the module docs). Browsers cap the DOM
/// depth their HTML parser builds at 512; markdown written by people or models stays far below this.
pub const MAX_DEPTH: usize = 100;

/// The comrak options matching `opts`: GFM extensions when `gfm`, `render.unsafe_` when `trusted`.
pub fn comrak_options(opts: &RenderOptions) -> Options<'static> {
    let mut o = Options::default();
    if opts.gfm {
        o.extension.table = true;
        o.extension.strikethrough = true;
        o.extension.autolink = true;
        o.extension.tasklist = true;
        o.extension.footnotes = true;
    }
    // Math is part of the extended (GFM) mode: pure CommonMark leaves `$` alone.
    if opts.gfm && opts.math {
        o.extension.math_dollars = true;
    }
    // The conversion below never uses comrak's HTML renderer; this makes `markdown_to_html` with these options the
    // reference for trusted mode.
    o.render.r#unsafe = opts.trusted;
    o
}

/// Parses `text` and converts every top-level block.
pub fn render(text: &str, opts: &RenderOptions) -> RenderedDoc {
    render_with(text, opts, None)
}

/// Like [`render`], resolving otherwise broken reference links through `broken_link_callback` (the incremental engine
/// parses only the open tail of a document and resolves references defined earlier this way).
pub fn render_with(
    text: &str,
    opts: &RenderOptions,
    broken_link_callback: Option<Arc<dyn BrokenLinkCallback>>,
) -> RenderedDoc {
    convert_document(text, opts, broken_link_callback, false)
}

/// Renders an open tail rewritten by [`super::speculate::speculate`]: links and images pointing to
/// [`PENDING_URL`] become pending spans and placeholders. Never used for a final render.
pub fn render_speculative(
    text: &str,
    opts: &RenderOptions,
    broken_link_callback: Option<Arc<dyn BrokenLinkCallback>>,
) -> RenderedDoc {
    convert_document(text, opts, broken_link_callback, true)
}

/// Reads link reference definitions: `(label as written, url, title)` for each definition line of `definitions`
/// (comrak parses them, with a reference to each label after them, so escapes, entities and titles read exactly
/// as in the document).
pub fn read_definitions(definitions: &str, opts: &RenderOptions) -> Vec<(String, String, String)> {
    let labels: Vec<&str> = definitions
        .lines()
        .filter_map(|line| {
            let rest = line.trim_start_matches(' ').strip_prefix('[')?;
            let close = rest.find("]:")?;
            Some(&rest[..close])
        })
        .filter(|label| {
            let footnote = opts.gfm && label.starts_with('^');
            !footnote && !label.contains(['[', ']'])
        })
        .collect();
    let mut probe = format!("{definitions}\n\n");
    for label in &labels {
        probe.push_str(&format!("[{label}]\n\n"));
    }
    let arena = Arena::new();
    let root = comrak::parse_document(&arena, &probe, &comrak_options(opts));
    let links = root.children().map(|paragraph| {
        paragraph.first_child().and_then(|first| match &first.data().value {
            NodeValue::Link(link) => Some((link.url.clone(), link.title.clone())),
            _ => None,
        })
    });
    let links: Vec<_> = links.collect();
    // The probes are the last paragraphs, one per label.
    let probes = links.len().saturating_sub(labels.len());
    labels
        .into_iter()
        .zip(links.into_iter().skip(probes))
        .filter_map(|(label, link)| link.map(|(url, title)| (label.to_owned(), url, title)))
        .collect()
}

/// How many of the lines `start..=end` (1-based) of `text`, a block's, are link reference definitions that comrak
/// took out of the paragraph the block began as (a paragraph, or a setext heading): the most leading lines that parse
/// alone to no block at all. comrak's source positions count those lines as the block's. `line_starts` are the offsets
/// of `text`'s lines (see `super::scan::line_starts`).
fn leading_definition_lines(
    text: &str,
    line_starts: &[usize],
    start: usize,
    end: usize,
    options: &Options<'_>,
) -> usize {
    let line = |n: usize| match (line_starts.get(n - 1), line_starts.get(n)) {
        (Some(&from), Some(&to)) => &text[from..to],
        (Some(&from), None) => &text[from..],
        _ => "",
    };
    let first = line(start).trim_start_matches(' ');
    if !(first.starts_with('[') && first.contains("]:")) {
        return 0;
    }
    let from = line_starts.get(start - 1).copied().unwrap_or(0);
    (start..end)
        .rev()
        .find(|&last| {
            let to = line_starts.get(last).copied().unwrap_or(text.len());
            let arena = Arena::new();
            comrak::parse_document(&arena, &text[from..to], options).first_child().is_none()
        })
        .map_or(0, |last| last + 1 - start)
}

fn convert_document(
    text: &str,
    opts: &RenderOptions,
    broken_link_callback: Option<Arc<dyn BrokenLinkCallback>>,
    speculative: bool,
) -> RenderedDoc {
    let mut options = comrak_options(opts);
    options.parse.broken_link_callback = broken_link_callback;
    let arena = Arena::new();
    let root = comrak::parse_document(&arena, text, &options);
    let conv = Converter { opts, speculative };

    let mut doc = RenderedDoc::default();
    let mut footnote_items = Vec::new();
    let mut line_starts: Option<Vec<usize>> = None; // made on first need
    for child in root.children() {
        let (value_is_footnote, start, end) = {
            let ast = child.data();
            let sp = ast.sourcepos;
            (matches!(ast.value, NodeValue::FootnoteDefinition(_)), sp.start.line, sp.end.line)
        };
        if value_is_footnote {
            // comrak moves referenced footnote definitions to the end and drops the others; they form one section.
            let index = footnote_items.len() + 1;
            if let Some((item, total)) = conv.footnote_item(child) {
                footnote_items.push(item.render(index, total));
                doc.footnote_items.push(item);
            }
            continue;
        }
        let detail = block_detail(child);
        let open_fence = open_fence_shape(child);
        let mut nodes = Vec::new();
        conv.convert(child, &mut nodes, 1);
        let start_line = start.max(1);
        // Only paragraphs (and setext headings, which began as paragraphs) can have definitions taken out of them.
        let definition_lines = match child.data().value {
            NodeValue::Paragraph | NodeValue::Heading(NodeHeading { setext: true, .. }) => {
                let starts = line_starts.get_or_insert_with(|| super::scan::line_starts(text));
                leading_definition_lines(text, starts, start_line, end, &options)
            }
            _ => 0,
        };
        let end_line = end.max(start_line);
        // Every top-level block converts to exactly one node; a block that produced none (front matter) is skipped.
        if let Some(mut node) = single(nodes) {
            if opts.raw_html_passes() && holds_inline_html(child) {
                // Inline raw HTML is tags, not elements: `<b>` and `</b>` come as separate nodes around text. Only the
                // browser's parser can build the element they form, so the whole block goes to it as one piece.
                node = Node::RawHtml(crate::patch::html::to_html(std::slice::from_ref(&node)));
            }
            doc.blocks.push(RenderedBlock { node, start_line, end_line, definition_lines, detail, open_fence });
        }
    }
    if opts.raw_html_passes() {
        doc.blocks = join_open_html_blocks(std::mem::take(&mut doc.blocks));
    }
    if !footnote_items.is_empty() {
        let list = Element { tag: "ol", attrs: Vec::new(), children: footnote_items };
        let section =
            Element::new("section").attr("class", "footnotes").attr("data-footnotes", "").child(Node::Element(list));
        doc.footnotes = Some(Node::Element(section));
    }
    doc
}

/// In trusted mode an HTML block may open an element that later blocks fill (`<details>` … markdown … `</details>`):
/// the browser nests them, so from such a block until the element closes, the blocks go to the parser as one piece.
fn join_open_html_blocks(blocks: Vec<RenderedBlock>) -> Vec<RenderedBlock> {
    let mut joined: Vec<RenderedBlock> = Vec::with_capacity(blocks.len());
    let mut open: Vec<String> = Vec::new();
    for block in blocks {
        let html = match &block.node {
            Node::RawHtml(html) => html.clone(),
            other => crate::patch::html::to_html(std::slice::from_ref(other)),
        };
        match joined.last_mut() {
            Some(last) if !open.is_empty() => {
                if let Node::RawHtml(previous) = &mut last.node {
                    previous.push_str(&html);
                }
                last.end_line = block.end_line;
                last.detail = BlockDetail::Other;
                last.open_fence = None;
                track_open_tags(&html, &mut open);
            }
            _ => {
                if let Node::RawHtml(raw) = &block.node {
                    track_open_tags(raw, &mut open);
                }
                joined.push(block);
            }
        }
    }
    joined
}

/// Follows the elements `html` opens and closes (void elements, self-closing tags and comments aside).
fn track_open_tags(html: &str, open: &mut Vec<String>) {
    // Void elements never close; `<p>` is closed implicitly by the parser, so it never holds later blocks open.
    const UNTRACKED: [&str; 14] =
        ["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr", "p"];
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        rest = &rest[at + 1..];
        if let Some(after) = rest.strip_prefix("!--") {
            rest = after.find("-->").map_or("", |end| &after[end + 3..]);
            continue;
        }
        let closing = rest.starts_with('/');
        let name_start = usize::from(closing);
        let name: String = rest[name_start..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect::<String>()
            .to_ascii_lowercase();
        if name.is_empty() || !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
            continue;
        }
        let tag_end = rest.find('>').unwrap_or(rest.len());
        let self_closing = rest[..tag_end].ends_with('/');
        if closing {
            if let Some(pos) = open.iter().rposition(|tag| *tag == name) {
                open.truncate(pos);
            }
        } else if !self_closing && !UNTRACKED.contains(&name.as_str()) {
            open.push(name);
        }
    }
}

/// Whether any inline raw HTML is inside `block`.
fn holds_inline_html<'a>(block: &'a AstNode<'a>) -> bool {
    block.descendants().any(|node| matches!(node.data().value, NodeValue::HtmlInline(_)))
}

fn block_detail<'a>(block: &'a AstNode<'a>) -> BlockDetail {
    let start_line = |node: &'a AstNode<'a>| node.data().sourcepos.start.line;
    match &block.data().value {
        NodeValue::Paragraph => BlockDetail::Paragraph,
        NodeValue::List(list) => BlockDetail::List {
            tight: list.tight,
            marker: match list.list_type {
                ListType::Bullet => list.bullet_char,
                ListType::Ordered if list.delimiter == comrak::nodes::ListDelimType::Paren => b')',
                ListType::Ordered => b'.',
            },
            item_lines: block.children().map(start_line).collect(),
        },
        NodeValue::BlockQuote => quoted_list(block).unwrap_or_else(|| quoted_html(block)),
        NodeValue::Table(_) => BlockDetail::Table { row_lines: block.children().skip(1).map(start_line).collect() },
        NodeValue::CodeBlock(code) if code.fenced => BlockDetail::Fence { closed: code.closed },
        NodeValue::HtmlBlock(html) => BlockDetail::Html { until_blank_line: matches!(html.block_type, 6 | 7) },
        _ => BlockDetail::Other,
    }
}

/// The detail of a block quote whose last block (through quotes) is a list.
fn quoted_list<'a>(quote: &'a AstNode<'a>) -> Option<BlockDetail> {
    let mut path = Vec::new();
    let mut node = quote;
    loop {
        let last = node.last_child()?;
        path.push(node.children().count() - 1);
        match &last.data().value {
            NodeValue::BlockQuote => node = last,
            NodeValue::List(list) => {
                let item_lines = last.children().map(|item| item.data().sourcepos.start.line).collect();
                return Some(BlockDetail::QuotedList { path, tight: list.tight, item_lines });
            }
            _ => return None,
        }
    }
}

/// [`BlockDetail::QuotedHtml`] when the quote's last block, through quotes, is an HTML block, else `Other`.
fn quoted_html<'a>(quote: &'a AstNode<'a>) -> BlockDetail {
    let mut node = quote;
    while let Some(last) = node.last_child() {
        match &last.data().value {
            NodeValue::BlockQuote => node = last,
            NodeValue::HtmlBlock(_) => return BlockDetail::QuotedHtml,
            _ => break,
        }
    }
    BlockDetail::Other
}

/// The open fenced code block that ends `block`, reached through lists and their last items only (their lines hold
/// nothing but spaces before the content), and its shape.
fn open_fence_shape<'a>(block: &'a AstNode<'a>) -> Option<FenceShape> {
    let mut node = block;
    loop {
        match &node.data().value {
            NodeValue::List(_) | NodeValue::Item(_) => node = node.last_child()?,
            NodeValue::CodeBlock(code) if code.fenced && !code.closed => {
                let start = node.data().sourcepos.start;
                // The block starts at its fence character: the bytes before it are the containers' and its own.
                let container = (start.column - 1).checked_sub(code.fence_offset)?;
                return Some(FenceShape {
                    start_line: start.line,
                    container,
                    offset: code.fence_offset,
                    fence_char: code.fence_char,
                    fence_len: code.fence_length,
                });
            }
            _ => return None,
        }
    }
}

fn single(mut nodes: Vec<Node>) -> Option<Node> {
    match nodes.len() {
        0 => None,
        1 => nodes.pop(),
        // Not expected for a top-level block (comrak gives each one a single node); keep everything in a neutral
        // container rather than lose content.
        _ => Some(Node::Element(Element { tag: "div", attrs: Vec::new(), children: nodes })),
    }
}

/// Appends `node` to `out`, merging adjacent text (fewer DOM nodes) and dropping empty text.
fn push(out: &mut Vec<Node>, node: Node) {
    if let Node::Text(t) = &node {
        if t.is_empty() {
            return;
        }
        if let Some(Node::Text(prev)) = out.last_mut() {
            prev.push_str(t);
            return;
        }
    }
    out.push(node);
}

fn push_text(out: &mut Vec<Node>, text: &str) {
    if text.is_empty() {
        return;
    }
    if let Some(Node::Text(prev)) = out.last_mut() {
        prev.push_str(text);
    } else {
        out.push(Node::Text(text.to_owned()));
    }
}

struct Converter<'o> {
    opts: &'o RenderOptions,
    /// Rendering a speculated tail: [`PENDING_URL`] marks links and images still being typed.
    speculative: bool,
}

impl Converter<'_> {
    fn element<'a>(&self, tag: &'static str, node: &'a AstNode<'a>, depth: usize) -> Element {
        let mut e = Element::new(tag);
        self.children(node, &mut e.children, depth + 1);
        e
    }

    fn children<'a>(&self, node: &'a AstNode<'a>, out: &mut Vec<Node>, depth: usize) {
        for child in node.children() {
            self.convert(child, out, depth);
        }
    }

    /// Converts `node` (at element depth `depth`) and appends the result to `out`: usually one node, none for nodes
    /// that print nothing, several for a tight paragraph (its inlines go straight into the list item).
    fn convert<'a>(&self, node: &'a AstNode<'a>, out: &mut Vec<Node>, depth: usize) {
        if depth > MAX_DEPTH {
            push_text(out, &plain_text(node));
            return;
        }
        let ast = node.data();
        let el = |tag| Node::Element(self.element(tag, node, depth));
        match &ast.value {
            NodeValue::Document => self.children(node, out, depth),
            NodeValue::BlockQuote | NodeValue::MultilineBlockQuote(_) => out.push(el("blockquote")),
            NodeValue::List(nl) => {
                let mut e = if nl.list_type == ListType::Bullet {
                    Element::new("ul")
                } else if nl.start == 1 {
                    Element::new("ol")
                } else {
                    Element::new("ol").attr("start", nl.start.to_string())
                };
                self.children(node, &mut e.children, depth + 1);
                out.push(Node::Element(e));
            }
            NodeValue::Item(_) => out.push(el("li")),
            NodeValue::TaskItem(task) => self.task_item(node, task.symbol.is_some(), out, depth),
            NodeValue::Paragraph => self.paragraph(node, out, depth),
            NodeValue::Heading(h) => {
                const TAGS: [&str; 6] = ["h1", "h2", "h3", "h4", "h5", "h6"];
                let tag = TAGS[usize::from(h.level.clamp(1, 6)) - 1];
                out.push(el(tag));
            }
            NodeValue::CodeBlock(cb) => out.push(code_block(&cb.info, &cb.literal)),
            NodeValue::HtmlBlock(hb) => {
                if self.opts.raw_html_passes() {
                    // comrak puts an HTML block on lines of its own; the serialiser recognises a block by its final
                    // newline, which the literal lacks only at the very end of the text.
                    let mut literal = self.raw_html(&hb.literal);
                    if !literal.ends_with('\n') {
                        literal.push('\n');
                    }
                    out.push(Node::RawHtml(literal));
                } else {
                    let source = hb.literal.trim_end_matches('\n');
                    let mut p = Element::new("p");
                    push_text(&mut p.children, source);
                    out.push(Node::Element(p));
                }
            }
            NodeValue::HtmlInline(literal) | NodeValue::Raw(literal) => {
                if self.opts.raw_html_passes() {
                    out.push(Node::RawHtml(self.raw_html(literal)));
                } else {
                    push_text(out, literal);
                }
            }
            NodeValue::ThematicBreak => out.push(Node::Element(Element::new("hr"))),
            NodeValue::Table(table) => {
                let alignments = table.alignments.clone();
                out.push(Node::Element(self.table(node, &alignments, depth)));
            }
            NodeValue::Text(t) => push_text(out, t),
            NodeValue::SoftBreak => push_text(out, "\n"),
            NodeValue::LineBreak => {
                out.push(Node::Element(Element::new("br")));
                push_text(out, "\n");
            }
            NodeValue::Code(c) => {
                let mut code = Element::new("code");
                push_text(&mut code.children, &c.literal);
                out.push(Node::Element(code));
            }
            NodeValue::Math(math) => {
                // As comrak prints it: the TeX source in an element a math renderer can find.
                let style = if math.display_math { "display" } else { "inline" };
                let tag = if math.dollar_math { "span" } else { "code" };
                let mut e = Element::new(tag).attr("data-math-style", style);
                push_text(&mut e.children, &math.literal);
                out.push(Node::Element(e));
            }
            NodeValue::Emph => out.push(el("em")),
            NodeValue::Strong => out.push(el("strong")),
            NodeValue::Strikethrough => out.push(el("del")),
            NodeValue::Link(link) if self.speculative && link.url == PENDING_URL => {
                let mut span = Element::new("span").attr("class", "rillmark-pending");
                self.children(node, &mut span.children, depth + 1);
                out.push(Node::Element(span));
            }
            NodeValue::Image(_)
                if self.speculative && matches!(&ast.value, NodeValue::Image(l) if l.url == PENDING_URL) =>
            {
                let alt = plain_text(node);
                let label = if alt.is_empty() { "image".to_owned() } else { alt };
                let span =
                    Element::new("span").attr("class", "rillmark-image rillmark-pending").child(Node::Text(label));
                out.push(Node::Element(span));
            }
            NodeValue::Link(link) => out.push(Node::Element(self.link(node, &link.url, &link.title, depth))),
            NodeValue::Image(link) => out.push(Node::Element(self.image(node, &link.url, &link.title))),
            NodeValue::FootnoteReference(r) => {
                let key = url::href_encode(&r.name);
                let mut a = Element::new("a").child(Node::Text(r.ix.to_string()));
                a.attrs = footnote_reference_attrs(&key, r.ref_num);
                let sup = Element::new("sup").attr("class", "footnote-ref").child(Node::Element(a));
                out.push(Node::Element(sup));
            }
            // Collected by `render_with` at the top level, where comrak puts every referenced definition.
            NodeValue::FootnoteDefinition(_) | NodeValue::FrontMatter(_) => {}
            // Rows and cells are built by `table`; a stray one (never produced by comrak) keeps its content.
            NodeValue::TableRow(_) | NodeValue::TableCell => self.children(node, out, depth),
            // Everything else belongs to extensions `comrak_options` never enables; keep their text.
            _ => self.children(node, out, depth),
        }
    }

    /// A task list item: its checkbox, then its content (in an `<li>` when it is a list's item).
    fn task_item<'a>(&self, node: &'a AstNode<'a>, checked: bool, out: &mut Vec<Node>, depth: usize) {
        let mut input = Element::new("input").attr("type", "checkbox");
        if checked {
            input = input.attr("checked", "");
        }
        input = input.attr("disabled", "");
        let in_list = node.parent().is_some_and(|p| matches!(p.data().value, NodeValue::List(_)));
        if in_list {
            let mut li = Element::new("li").child(Node::Element(input));
            push(&mut li.children, Node::Text(" ".into()));
            self.children(node, &mut li.children, depth + 1);
            out.push(Node::Element(li));
        } else {
            out.push(Node::Element(input));
            push(out, Node::Text(" ".into()));
            self.children(node, out, depth);
        }
    }

    /// A link: safe URLs only (trusted mode keeps any), with `rel` and `target` as the options say.
    fn link<'a>(&self, node: &'a AstNode<'a>, dest: &str, title: &str, depth: usize) -> Element {
        let mut a = Element::new("a");
        if self.opts.trusted {
            a = a.attr("href", url::href_encode(dest));
            if !title.is_empty() {
                a = a.attr("title", title.to_owned());
            }
        } else {
            // A refused URL leaves an `<a>` without href: the text stays, nothing can be followed.
            let ok = url::is_safe_url(dest);
            if ok {
                a = a.attr("href", url::href_encode(dest));
            }
            if !title.is_empty() {
                a = a.attr("title", title.to_owned());
            }
            if ok {
                a = a.attr("rel", "noopener noreferrer");
                if self.opts.links_new_tab {
                    a = a.attr("target", "_blank");
                }
            }
        }
        self.children(node, &mut a.children, depth + 1);
        a
    }

    /// An image, or the placeholder of one the image policy blocks.
    fn image<'a>(&self, node: &'a AstNode<'a>, dest: &str, title: &str) -> Element {
        let alt = plain_text(node);
        if self.opts.trusted || url::image_allowed(dest, &self.opts.images) {
            let mut img = Element::new("img").attr("src", url::href_encode(dest)).attr("alt", alt);
            if !title.is_empty() {
                img = img.attr("title", title.to_owned());
            }
            img
        } else {
            let mut span = Element::new("span").attr("class", "rillmark-image");
            if url::is_safe_url(dest) {
                span = span.attr("data-src", url::href_encode(dest));
            }
            if !title.is_empty() {
                span = span.attr("title", title.to_owned());
            }
            let label = if alt.is_empty() { "image".to_owned() } else { alt };
            span.children.push(Node::Text(label));
            span
        }
    }

    fn paragraph<'a>(&self, node: &'a AstNode<'a>, out: &mut Vec<Node>, depth: usize) {
        let tight = node
            .parent()
            .and_then(|p| p.parent())
            .is_some_and(|gp| matches!(gp.data().value, NodeValue::List(ref nl) if nl.tight));
        if tight {
            // A tight paragraph prints no tags; two in a row are separated by a newline.
            let after_paragraph =
                node.previous_sibling().is_some_and(|s| matches!(s.data().value, NodeValue::Paragraph));
            if after_paragraph {
                push_text(out, "\n");
            }
            self.children(node, out, depth);
            return;
        }
        out.push(Node::Element(self.element("p", node, depth)));
    }

    fn table<'a>(&self, node: &'a AstNode<'a>, alignments: &[TableAlignment], depth: usize) -> Element {
        let mut table = Element::new("table");
        let mut body = Element::new("tbody");
        for row in node.children() {
            let header = matches!(row.data().value, NodeValue::TableRow(true));
            let cell_tag = if header { "th" } else { "td" };
            let mut tr = Element::new("tr");
            for (i, cell) in row.children().enumerate() {
                let mut c = self.element(cell_tag, cell, depth + 3);
                let align = match alignments.get(i) {
                    Some(TableAlignment::Left) => Some("left"),
                    Some(TableAlignment::Right) => Some("right"),
                    Some(TableAlignment::Center) => Some("center"),
                    _ => None,
                };
                if let Some(a) = align {
                    c.attrs.push(("align", a.to_owned()));
                }
                tr.children.push(Node::Element(c));
            }
            if header {
                table.children.push(Node::Element(Element::new("thead").child(Node::Element(tr))));
            } else {
                body.children.push(Node::Element(tr));
            }
        }
        if !body.children.is_empty() {
            table.children.push(Node::Element(body));
        }
        table
    }

    /// One item of the footnotes section, unnumbered, and its number of references.
    fn footnote_item<'a>(&self, node: &'a AstNode<'a>) -> Option<(FootnoteItem, u32)> {
        let NodeValue::FootnoteDefinition(fd) = &node.data().value else {
            return None;
        };
        let key = url::href_encode(&fd.name);
        // The section is at depth 1, its list at 2, the items at 3.
        let mut li = Element::new("li").attr("id", format!("fn-{key}"));
        self.children(node, &mut li.children, 4);
        // The back-references go at the end of the last paragraph when the footnote ends with one, else after its
        // last block.
        let in_last_paragraph = node.last_child().is_some_and(|c| matches!(c.data().value, NodeValue::Paragraph));
        Some((FootnoteItem { key, li, in_last_paragraph }, fd.total_references))
    }

    /// Raw HTML as it may reach the DOM in trusted mode: with `gfm`, after the GFM tag filter.
    fn raw_html(&self, literal: &str) -> String {
        if self.opts.gfm {
            gfm_tag_filter(literal)
        } else {
            literal.to_owned()
        }
    }
}

/// The links from a footnote back to each of its references, separated by spaces; `name` is percent-encoded.
fn backrefs(out: &mut Vec<Node>, name: &str, total: u32, ix: usize) {
    for n in 1..=total {
        let suffix = if n > 1 { format!("-{n}") } else { String::new() };
        if n > 1 {
            push_text(out, " ");
        }
        let mut a = Element::new("a")
            .attr("href", format!("#fnref-{name}{suffix}"))
            .attr("class", "footnote-backref")
            .attr("data-footnote-backref", "")
            .attr("data-footnote-backref-idx", format!("{ix}{suffix}"))
            .attr("aria-label", format!("Back to reference {ix}{suffix}"))
            .child(Node::Text("↩".into()));
        if n > 1 {
            let sup = Element::new("sup").attr("class", "footnote-ref").child(Node::Text(n.to_string()));
            a.children.push(Node::Element(sup));
        }
        out.push(Node::Element(a));
    }
}

/// The text of a subtree as comrak prints it inside an attribute (an image's alt text): literal text, code and inline
/// HTML, breaks as spaces. Iterative, so any depth is fine.
fn plain_text<'a>(node: &'a AstNode<'a>) -> String {
    let mut s = String::new();
    for d in node.descendants() {
        match &d.data().value {
            NodeValue::Text(t) => s.push_str(t),
            NodeValue::Code(c) => s.push_str(&c.literal),
            NodeValue::HtmlInline(l) => s.push_str(l),
            NodeValue::Math(m) => s.push_str(&m.literal),
            NodeValue::SoftBreak | NodeValue::LineBreak => s.push(' '),
            _ => {}
        }
    }
    s
}

/// The tag names GFM's tag filter disarms in raw HTML.
const FILTERED_TAGS: [&str; 9] =
    ["title", "textarea", "style", "xmp", "iframe", "noembed", "noframes", "script", "plaintext"];

/// GFM's "disallowed raw HTML" extension: the `<` of an opening or closing tag named in [`FILTERED_TAGS`] (any case,
/// followed by whitespace, `>` or `/>`) becomes `&lt;`, so the browser shows the tag instead of obeying it.
pub fn gfm_tag_filter(html: &str) -> String {
    let b = html.as_bytes();
    let mut out = String::with_capacity(html.len());
    let mut last = 0;
    for (i, c) in b.iter().enumerate() {
        if *c == b'<' && is_filtered_tag(&b[i..]) {
            out.push_str(&html[last..i]);
            out.push_str("&lt;");
            last = i + 1;
        }
    }
    out.push_str(&html[last..]);
    out
}

fn is_filtered_tag(s: &[u8]) -> bool {
    let mut i = 1;
    if s.get(i) == Some(&b'/') {
        i += 1;
    }
    FILTERED_TAGS.iter().any(|name| {
        let end = i + name.len();
        let Some(candidate) = s.get(i..end) else {
            return false;
        };
        if !candidate.eq_ignore_ascii_case(name.as_bytes()) {
            return false;
        }
        match s.get(end) {
            Some(b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r' | b'>') => true,
            // GFM asks for `/>`, but a browser ends the tag name at any `/` (`<script/x>` is a script) and a name
            // cut off at the end of the text may be one: filter both, so the filter cannot be stepped around.
            Some(b'/') | None => true,
            _ => false,
        }
    })
}

/// A fenced or indented code block: `<pre><code>`, with the language of its info string.
fn code_block(info: &str, literal: &str) -> Node {
    let mut code = Element::new("code");
    if !info.is_empty() {
        // The language is the info string's first word, as comrak reads it.
        let lang = info.split([' ', '\t', '\n', '\x0b', '\x0c', '\r']).next().unwrap_or("");
        code = code.attr("class", format!("language-{lang}"));
        if lang == "math" {
            // comrak marks a `math` fence for math renderers whatever the options.
            code = code.attr("data-math-style", "display");
        }
    }
    push(&mut code.children, Node::Text(literal.to_owned()));
    Node::Element(Element::new("pre").child(Node::Element(code)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_filter_disarms_listed_tags_only() {
        assert_eq!(gfm_tag_filter("<strong> <title> <style> <em>"), "<strong> &lt;title> &lt;style> <em>");
        assert_eq!(gfm_tag_filter("</SCRIPT>"), "&lt;/SCRIPT>");
        assert_eq!(gfm_tag_filter("<xmp/>"), "&lt;xmp/>");
        assert_eq!(gfm_tag_filter("<titles>"), "<titles>", "should not touch a longer name");
        assert_eq!(gfm_tag_filter("<title"), "&lt;title", "a name cut off at the end may become the tag");
        assert_eq!(gfm_tag_filter("<div><script/x>"), "<div>&lt;script/x>", "a browser ends the name at any `/`");
    }
}
