//! Speculative rendering of the open tail: what the reader sees *while* a construct is still being typed.
//!
//! Raw markdown is never what a reader should see mid-stream (`**bo`, `[text](http://exa`), and a partial line must
//! not flash a structure the next characters may take back (`#` before `#hashtag`, `-` before `- item`). Before the
//! open tail is parsed, [`speculate`] rewrites *only its unfinished end* — never finished text, and never anything
//! that reaches the final render, which always parses the real source:
//!
//! | the tail ends with | shown as |
//! |---|---|
//! | `**bo`, `_it`, `~~st` (an opener by CommonMark's flanking rules) | closed: **bo**, *it*, ~~st~~ |
//! | `` `co `` | closed: `co` |
//! | `Hello **` (an opener with nothing after it yet) | `Hello ` |
//! | `[text`, `[text]`, `[text](http://exa` | `text` as a pending, non-clickable span |
//! | `[^no`, `[^note]` (a footnote reference, GFM) | hidden until the character after its `]` |
//! | `![alt](http://par` | an image placeholder; nothing is fetched |
//! | `see https://exa`, `www.exa`, `me@exa` | the partial URL as pending text, never an autolink |
//! | a partial line of only block markers (`#`, `-`, `>`, `1.`, `===`, `` ` ``, `\|--`) or indentation | hidden until it has text |
//! | a table header row starting with `\|`, not yet followed by its delimiter row | hidden until the delimiter row decides |
//! | a header row without a leading `\|` (`a \| b`), shown as paragraph text while typed | kept as that text until the delimiter row decides |
//! | a partial table row | hidden until its line ends (rows appear whole, never padded) |
//! | a partial line that may be a definition (`[label]: …`, `[^note]: …`, `[label`) where one may start | hidden until its line ends |
//! | inside an open code fence: a partial line that may close it | hidden until its line ends |
//!
//! `snake_case_name` never flashes emphasis: `_` between letters cannot open (CommonMark flanking rules), and the
//! scanner follows those rules. The rewrite is cheap (one pass over the tail's lines) and only ever appends closers,
//! truncates the partial last line, or drops trailing lines, so the block structure of complete lines is unchanged.

use std::borrow::Cow;

use super::scan;

/// The URL a speculative pending link or image points to; the renderer shows such links as pending spans and such
/// images as placeholders (only in tail renders: the final render never sees it).
pub const PENDING_URL: &str = "rillmark:pending";

/// The tail as it should be parsed for display right now (`math`: `$…$` and `$$…$$` are math).
pub fn speculate(tail: &str, gfm: bool, math: bool) -> Cow<'_, str> {
    speculate_tail(tail, gfm, math).text
}

/// What [`speculate_tail`] made of a tail.
pub struct Speculation<'t> {
    /// The tail as it should be parsed for display.
    pub text: Cow<'t, str>,
    /// Every non-blank character of the tail is in `text` (speculation only appended closers or wrapped a word as
    /// pending), so what is shown holds all the text received: nothing is held back for a later character to decide.
    pub shows_all_text: bool,
}

/// [`speculate`], telling also whether any text was held back.
pub fn speculate_tail(tail: &str, gfm: bool, math: bool) -> Speculation<'_> {
    let held_back = |kept: usize| Speculation {
        text: Cow::Borrowed(&tail[..kept]),
        shows_all_text: tail[kept..].trim().is_empty(),
    };
    let speculation = speculate_inner(tail, gfm, math);
    match speculation {
        Inner::Borrowed(kept) => held_back(kept),
        Inner::Owned(text, shows_all_text) => Speculation { text: Cow::Owned(text), shows_all_text },
    }
}

enum Inner {
    /// `tail[..n]`.
    Borrowed(usize),
    /// A rewrite, and whether it kept every character.
    Owned(String, bool),
}

fn speculate_inner(tail: &str, gfm: bool, math: bool) -> Inner {
    let lines = split_lines(tail);
    let Some(&(last_start, last_end)) = lines.last() else { return Inner::Borrowed(tail.len()) };
    let partial = &tail[last_start..last_end];
    let ends_with_newline = last_end < tail.len() || partial.is_empty();
    let context = scan_context(tail, &lines, gfm);

    // A line with fewer quote markers than the fence's opening line ends the quote, and the fence with it (a fence
    // takes no lazy continuation line).
    let leaves_fence = quote_depth(partial) < context.fence_quote_depth
        || (!partial.trim().is_empty() && content_indent(partial) < context.fence_item_column);
    if context.in_fence && !leaves_fence {
        let may_close = !ends_with_newline && is_fence_prefix(partial);
        return if may_close { Inner::Borrowed(last_start) } else { Inner::Borrowed(tail.len()) };
    }
    // The content column of the innermost open item the partial line is indented into (0: none).
    let item_column = item_column_at(&context.item_columns, content_indent(partial));
    if !partial.trim().is_empty() && is_indented_code(partial, &tail[..last_start], item_column) {
        // An indented code line is literal: no inline is closed, no link made pending, no tag or marker held.
        return Inner::Borrowed(tail.len());
    }
    // An HTML block's lines are raw (trusted) or shown as they are (safe): nothing in them is closed or made pending,
    // and its opening line shows once its tag is whole.
    let stripped = strip_containers(partial);
    let in_html = context.in_html.is_some_and(|(html_depth, column)| {
        quote_depth(partial) >= html_depth && (partial.trim().is_empty() || content_indent(partial) >= column)
    });
    // (Four columns past the item's content, a tag is indented code or a paragraph's continuation: no HTML block.)
    let starts_html = !four_columns_in(content_indent(partial), item_column) && html_block_start(stripped, false);
    if in_html || starts_html {
        let tag_open = stripped.strip_prefix('<').is_some_and(tag_in_progress);
        return Inner::Borrowed(if !in_html && tag_open { last_start } else { tail.len() });
    }
    if gfm {
        if let Some(header_start) = context.pending_table_header {
            // The header row (and a partial delimiter row after it) wait for the delimiter row. A header row that
            // does not start with `|` was shown as paragraph text while it was typed (nothing marked it as a row
            // then), so it stays shown as that text until the delimiter row decides: hiding it when its line ends
            // would make shown words vanish. Only a partial delimiter row after it waits (`a | b` over `-` alone
            // would be a setext heading).
            let partial_is_delimiter = !ends_with_newline && is_partial_delimiter_row(partial);
            if ends_with_newline || partial_is_delimiter {
                let header_line = &tail[header_start..];
                if strip_containers(header_line).starts_with('|') {
                    return Inner::Borrowed(header_start);
                }
                return Inner::Borrowed(if ends_with_newline { tail.len() } else { last_start });
            }
        }
        if context.in_table && !ends_with_newline {
            return Inner::Borrowed(last_start);
        }
        if !ends_with_newline && strip_containers(partial).starts_with('|') {
            // A row of pipes being typed is a table header until its line (and the delimiter row) says otherwise.
            return Inner::Borrowed(last_start);
        }
    }
    if let Some(open) = math.then(|| open_display_math(tail, &lines, &context.item_columns)).flatten() {
        // What stays of the line before the `$$` must not turn into a block of its own (`*` alone is a list item,
        // `<b>` alone an HTML block): it stays only when it starts with a letter or digit inside its containers.
        let line_start = tail[..open].rfind(['\n', '\r']).map_or(0, |at| at + 1);
        let before = &tail[line_start..open];
        // Inside its containers (quote markers, list markers), any text that starts no block of its own stays: it was
        // shown as it was typed, and hiding it now would take shown words away (`- **Step 1** $$`). Markers alone
        // and a `<` (an HTML block start alone on its line) go.
        let inside = strip_container_markers(before);
        let plain = !inside.trim().is_empty() && !inside.starts_with('<') && !is_block_marker_only(inside);
        let held = if plain { open } else { line_start };
        return Inner::Borrowed(held);
    }
    if ends_with_newline {
        return Inner::Borrowed(tail.len());
    }
    if partial.trim().is_empty() {
        // Only indentation so far: it shows nothing until the line's text says where it belongs.
        return Inner::Borrowed(last_start);
    }
    if may_be_definition(strip_container_markers(partial)) {
        // Held wherever it stands, not only where a definition may start: whether one may start depends on the lines
        // before, and a render that parses from a later point (after a commit, inside a list item) sees fewer of them,
        // so a line shown by one render would be hidden by the next.
        return Inner::Borrowed(last_start);
    }
    if is_block_marker_only(partial) || opens_fence(strip_containers(partial)).is_some() {
        // (A fence's opening line shows nothing of its own: its info string is no text, so it waits for its end.)
        return Inner::Borrowed(last_start);
    }
    // Under paragraph text, a list marker that cannot interrupt a paragraph (`7. `, an ordered item not starting at
    // 1) is that paragraph's text, shown as it was typed: it must not be held back once something after it hides.
    let innermost = context.item_columns.last().copied().unwrap_or(0);
    let paragraph_text = context.after_text
        && content_indent(partial) >= innermost
        && cannot_interrupt_paragraph(strip_containers(partial));
    match close_inlines(partial, gfm, math) {
        // What is left may be a marker alone (`1. *` → `1. `), which would show as text: the line waits.
        Some((rewritten, _))
            if rewritten.ends_with([' ', '\t']) && is_block_marker_only(&rewritten) && !paragraph_text =>
        {
            Inner::Borrowed(last_start)
        }
        Some((rewritten, kept_all)) => Inner::Owned(format!("{}{rewritten}", &tail[..last_start]), kept_all),
        None => Inner::Borrowed(tail.len()),
    }
}

/// `(start, end)` of every line, without its ending; a final partial line (or empty line after a final newline)
/// is always the last entry.
fn split_lines(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut lines = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\n' || bytes[i] == b'\r' {
            lines.push((start, i));
            if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
                i += 1;
            }
            start = i + 1;
        }
        i += 1;
    }
    lines.push((start, bytes.len()));
    lines
}

#[derive(Default)]
struct Context {
    /// The last line is inside a fenced code block that has not closed, opened inside this many quotes.
    in_fence: bool,
    fence_quote_depth: usize,
    /// The content column of the list item the open fence is in (0 outside items): a line indented less ends the
    /// item, and the fence with it.
    fence_item_column: usize,
    /// The complete line before the partial one is a table body or delimiter row.
    in_table: bool,
    /// The content columns of the list items still open after the complete lines, outermost first.
    item_columns: Vec<usize>,
    /// The last complete line is in an HTML block (which a blank line ends: see [`html_block_start`]), opened inside
    /// this many quotes and this list item column.
    in_html: Option<(usize, usize)>,
    /// Start offset of the last complete line when it could be a table header awaiting its delimiter row.
    pending_table_header: Option<usize>,
    /// The last complete line is text a paragraph may go on from (not blank, not a block of its own).
    after_text: bool,
}

/// One pass over the complete lines: open fences and tables at the end (container markers are stripped first, so
/// fences in list items and quotes count too).
fn scan_context(text: &str, lines: &[(usize, usize)], gfm: bool) -> Context {
    let mut scan = ContextScan::default();
    for &(start, end) in &lines[..lines.len() - 1] {
        scan.line(start, &text[start..end], gfm);
    }
    scan.finish(gfm)
}

/// What [`scan_context`] knows after each complete line.
#[derive(Default)]
struct ContextScan<'a> {
    /// The open fence: (fence character, length, quote depth, item column).
    fence: Option<(u8, usize, usize, usize)>,
    /// The content columns of the open list items, outermost first: a line is inside those it is indented to.
    item_columns: Vec<usize>,
    /// The last line started a list item with nothing after its marker (which a blank line then ends).
    empty_item: bool,
    /// The last line was blank.
    after_blank: bool,
    /// (quote depth, item column) of the open HTML block's first line
    in_html: Option<(usize, usize)>,
    /// What ends the open HTML block other than a blank line (its types 1 to 5), if anything.
    html_end: Option<&'static [&'static str]>,
    after_text: bool,
    in_table: bool,
    previous_has_pipe: bool,
    last_complete: Option<(usize, &'a str)>,
    /// The last line was text (a paragraph's, or indented: not a fence's, an HTML block's or a blank one).
    last_is_text: bool,
}

impl<'a> ContextScan<'a> {
    /// One complete line, `raw` with its container markers, starting at `start`.
    fn line(&mut self, start: usize, raw: &'a str, gfm: bool) {
        self.last_is_text = false;
        let line = strip_containers(raw);
        let depth = quote_depth(raw);
        let indent = content_indent(raw);
        if self.continues_fence(line, depth, indent) {
            self.last_complete = None;
            return;
        }
        let blank = line.trim().is_empty();
        let item_column = self.track_items(raw, line, (depth, indent), blank);
        if let Some((ch, len)) = opens_fence(line).filter(|_| !four_columns_in(indent, item_column)) {
            let fence_column = if indent >= item_column { item_column } else { 0 };
            self.fence = Some((ch, len, depth, fence_column));
            self.in_table = false;
            self.previous_has_pipe = false;
            self.last_complete = None;
            return;
        }
        if blank {
            return self.blank_line(depth);
        }
        if self.html_line(line, (depth, indent), item_column) {
            return;
        }
        self.after_text = !self.empty_item;
        if gfm && !self.in_table && self.previous_has_pipe && is_delimiter_row(line) {
            self.in_table = true;
        }
        self.previous_has_pipe = line.contains('|');
        // (An indented code line is no table header: `    a | b` stays code.)
        self.last_complete = Some((start, line)).filter(|_| !four_columns_in(indent, item_column));
        self.last_is_text = true;
    }

    /// Whether the line belongs to the open fence (closing it, maybe). Fewer quote markers or less indentation than
    /// its list item's content end the quote or the item, and the fence inside it.
    fn continues_fence(&mut self, line: &str, depth: usize, indent: usize) -> bool {
        let Some((ch, len, fence_depth, fence_column)) = self.fence else { return false };
        if depth >= fence_depth && (line.trim().is_empty() || indent >= fence_column) {
            if closes_fence(line, ch, len) {
                self.fence = None;
            }
            return true;
        }
        self.fence = None;
        false
    }

    /// Ends the list items the line leaves and opens the one it starts; the content column of the item it is in.
    fn track_items(&mut self, raw: &str, line: &str, (depth, indent): (usize, usize), blank: bool) -> usize {
        if blank && std::mem::take(&mut self.empty_item) {
            // An item can begin with at most one blank line: one that began empty ends here (`1.`, blank, then
            // `    code` is code at the margin).
            self.item_columns.pop();
        }
        if !blank && self.after_blank {
            // After a blank line no text continues an item lazily: a line less indented than its content ends it.
            self.item_columns.retain(|&open| open <= indent);
        }
        self.after_blank = blank;
        self.empty_item = false;
        let item_column = item_column_at(&self.item_columns, indent);
        // (A line of an HTML block is raw: `1. n` in it starts no item.)
        let in_html_block = self.in_html.is_some_and(|(html_depth, column)| depth >= html_depth && indent >= column);
        let item = list_item_content_column(raw).filter(|_| !in_html_block && !four_columns_in(indent, item_column));
        // (Under text in the same item, an item that cannot interrupt a paragraph is its text or underline: `-` is
        // a setext underline, `4. t` a continuation line.)
        let innermost = self.item_columns.last().copied().unwrap_or(0);
        let item = item.filter(|_| !(self.after_text && indent >= innermost && cannot_interrupt_paragraph(line)));
        let Some(column) = item else { return item_column };
        self.item_columns.retain(|&open| open <= indent);
        self.item_columns.push(column);
        self.empty_item = item_is_empty(line);
        column
    }

    fn blank_line(&mut self, depth: usize) {
        self.last_complete = None;
        if self.html_end.is_some() && self.in_html.is_some_and(|(html_depth, _)| depth >= html_depth) {
            // A blank line is part of a comment, a `<script>`…: they end only at their terminator.
            return;
        }
        self.in_table = false;
        self.in_html = None;
        self.html_end = None;
        self.after_text = false;
        self.previous_has_pipe = false;
    }

    /// Whether the line is an HTML block's (its first, one inside it, or the one that ends it).
    fn html_line(&mut self, line: &str, (depth, indent): (usize, usize), item_column: usize) -> bool {
        // Like a fence, an HTML block ends with its quote or list item.
        if self.in_html.is_some_and(|(html_depth, column)| depth < html_depth || indent < column) {
            self.in_html = None;
            self.html_end = None;
        }
        let mut html_line = line;
        if self.in_html.is_none()
            && !self.in_table
            && !four_columns_in(indent, item_column)
            && html_block_start(line, !self.after_text)
        {
            self.in_html = Some((depth, if indent >= item_column { item_column } else { 0 }));
            self.html_end = html_block_end(line);
            html_line = &line[2.min(line.len())..]; // (`<!-->` does not end the comment it opens)
        }
        if self.in_html.is_none() {
            return false;
        }
        self.previous_has_pipe = false;
        self.last_complete = None;
        if self.html_end.is_some_and(|ends| ends.iter().any(|end| contains_ignoring_case(html_line, end))) {
            // A comment, declaration, processing instruction, CDATA section or `<script>`-like block ends on the
            // line holding its terminator; the next line starts afresh.
            self.in_html = None;
            self.html_end = None;
            self.after_text = false;
        }
        true
    }

    fn finish(self, gfm: bool) -> Context {
        let fence = self.fence;
        let pending_table_header = match self.last_complete {
            Some((start, line)) if gfm && !self.in_table && line.contains('|') && fence.is_none() => Some(start),
            _ => None,
        };
        Context {
            in_fence: fence.is_some(),
            fence_quote_depth: fence.map_or(0, |f| f.2),
            fence_item_column: fence.map_or(0, |f| f.3),
            item_columns: self.item_columns,
            in_html: self.in_html.filter(|_| fence.is_none()),
            in_table: self.in_table,
            pending_table_header,
            after_text: self.after_text && self.last_is_text,
        }
    }
}

/// The column the line's content starts at inside its quote markers (each with the one space after it; tabs to the
/// next multiple of 4).
fn content_indent(line: &str) -> usize {
    let mut rest = line;
    while let Some(after) = rest.trim_start_matches([' ', '\t']).strip_prefix('>') {
        if leading_columns(rest) >= 4 {
            break; // `    >`, ` \t>`: indented code that starts with `>`, no quote
        }
        rest = after.strip_prefix(' ').unwrap_or(after);
    }
    leading_columns(rest)
}

/// The columns of the spaces and tabs that start `text` (tabs to the next multiple of 4).
fn leading_columns(text: &str) -> usize {
    let mut column = 0;
    for b in text.bytes() {
        match b {
            b' ' => column += 1,
            b'\t' => column += 4 - column % 4,
            _ => break,
        }
    }
    column
}

/// Where the content of the list item this line starts begins (after quote markers), if it starts one: `- a` → 2,
/// `  10. a` → 6, `3.` alone → 3.
fn list_item_content_column(line: &str) -> Option<usize> {
    let indent = content_indent(line);
    let rest = strip_containers(line);
    let marker = if rest.starts_with(['-', '*', '+']) {
        1
    } else {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if !(1..=9).contains(&digits) || !rest[digits..].starts_with(['.', ')']) {
            return None;
        }
        digits + 1
    };
    let after = &rest[marker..];
    if !after.is_empty() && !after.starts_with([' ', '\t']) {
        return None;
    }
    let spaces = after.bytes().take_while(|&b| b == b' ').count();
    // One to four spaces after the marker set the content column; none (an empty item) or five (indented code) take one.
    let gap = if (1..=4).contains(&spaces) && spaces < after.len() { spaces } else { 1 };
    Some(indent + marker + gap)
}

/// Whether `rest` (what follows a `&` to the end of the line) is a character reference being typed: a name or
/// `#` and digits, not ended by `;` yet (`amp`, `#x2`), at most as long as the longest reference.
fn reference_in_progress(rest: &str) -> bool {
    let body = rest.strip_prefix('#').unwrap_or(rest);
    !rest.is_empty() && rest.len() <= 32 && body.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// Whether `rest` (what follows a `<` to the end of the line) is an HTML tag being typed: a name, then attributes,
/// all unfinished (`b`, `/di`, `a href="x`), with no `>` yet.
fn tag_in_progress(rest: &str) -> bool {
    let name = rest.strip_prefix('/').unwrap_or(rest);
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return false;
    }
    let mut quote: Option<char> = None;
    for c in name.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '>' | '<' | '`') => return false,
            (None, c) if c.is_ascii_alphanumeric() || c.is_whitespace() || "-_:.=/".contains(c) => {}
            (None, _) => return false,
        }
    }
    true
}

/// Whether `line` (inside its containers) starts an HTML block (CommonMark 4.6): a comment, declaration or
/// processing instruction, `script`/`pre`/`style`/`textarea`, a block-level tag; with `whole_tag_alone` also any
/// whole tag alone on its line (type 7, which cannot interrupt a paragraph, and is decided only at its line end).
pub(super) fn html_block_start(line: &str, whole_tag_alone: bool) -> bool {
    let Some(rest) = line.strip_prefix('<') else { return false };
    if rest.starts_with(['!', '?']) {
        return true;
    }
    let closing = rest.starts_with('/');
    let named = rest.strip_prefix('/').unwrap_or(rest);
    let name_len = named.bytes().take_while(u8::is_ascii_alphanumeric).count();
    if name_len == 0 {
        return false;
    }
    let name = named[..name_len].to_ascii_lowercase();
    let after = &named[name_len..];
    if !closing && ["script", "pre", "style", "textarea"].contains(&name.as_str()) {
        return after.is_empty() || after.starts_with([' ', '\t', '>']);
    }
    let ends_name = after.is_empty() || after.starts_with([' ', '\t', '>']) || after.starts_with("/>");
    if ends_name && HTML_BLOCK_TAGS.contains(&name.as_str()) {
        return true;
    }
    let line = line.trim_end();
    whole_tag_alone && line.len() > 2 && line.ends_with('>') && tag_in_progress(&line[1..line.len() - 1])
}

/// What ends the HTML block `line` starts (inside its containers), when a line holding it does (CommonMark 4.6 types
/// 1 to 5, at any of the strings, in any case); `None` for a block that a blank line ends.
fn html_block_end(line: &str) -> Option<&'static [&'static str]> {
    let rest = line.strip_prefix('<')?;
    if rest.starts_with("!--") {
        Some(&["-->"])
    } else if rest.starts_with('?') {
        Some(&["?>"])
    } else if rest.starts_with("![CDATA[") {
        Some(&["]]>"])
    } else if rest.strip_prefix('!').is_some_and(|r| r.starts_with(|c: char| c.is_ascii_alphabetic())) {
        Some(&[">"])
    } else {
        let name_len = rest.bytes().take_while(u8::is_ascii_alphanumeric).count();
        let after = &rest[name_len..];
        let raw = ["script", "pre", "style", "textarea"].iter().any(|name| rest[..name_len].eq_ignore_ascii_case(name));
        (raw && (after.is_empty() || after.starts_with([' ', '\t', '>']))).then_some(&[
            "</script>",
            "</pre>",
            "</style>",
            "</textarea>",
        ])
    }
}

fn contains_ignoring_case(text: &str, needle: &str) -> bool {
    text.as_bytes().windows(needle.len()).any(|window| window.eq_ignore_ascii_case(needle.as_bytes()))
}

/// The tag names that start an HTML block of type 6 (CommonMark 4.6).
const HTML_BLOCK_TAGS: &[&str] = &[
    "address",
    "article",
    "aside",
    "base",
    "basefont",
    "blockquote",
    "body",
    "caption",
    "center",
    "col",
    "colgroup",
    "dd",
    "details",
    "dialog",
    "dir",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "frame",
    "frameset",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "head",
    "header",
    "hr",
    "html",
    "iframe",
    "legend",
    "li",
    "link",
    "main",
    "menu",
    "menuitem",
    "nav",
    "noframes",
    "ol",
    "optgroup",
    "option",
    "p",
    "param",
    "search",
    "section",
    "summary",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "title",
    "tr",
    "track",
    "ul",
];

/// Whether the partial line is a line of indented code: four columns past the last list item's content (or the
/// margin), in a run of such lines that starts the tail or follows a blank line (a paragraph takes indented lines as
/// its continuation). The run is read back at most [`CODE_RUN_LOOKBACK`] lines: a longer one is code.
fn is_indented_code(partial: &str, before: &str, item_column: usize) -> bool {
    if item_starts_with_code(partial) {
        return true;
    }
    let indent = content_indent(partial);
    if !four_columns_in(indent, item_column) {
        return false;
    }
    let code_column = code_column(indent, item_column);
    let mut lines = before.lines().rev();
    for _ in 0..CODE_RUN_LOOKBACK {
        match lines.next() {
            None => return true,
            // (A line of quote markers alone is blank inside the quote, and ends a paragraph outside it.)
            Some(line) if strip_containers(line).is_empty() => return true,
            // Markers alone (an empty item, a rule): no paragraph goes on from them either.
            Some(line) if is_block_marker_only(line) => return true,
            Some(line) if content_indent(line) >= code_column => {}
            Some(_) => return false,
        }
    }
    true
}

const CODE_RUN_LOOKBACK: usize = 64;

/// The column indented code starts at for a line indented `indent` columns, after a list item whose content starts at
/// `item_column` (0: none): four past the item's content, or past the margin for a line less indented than the item.
fn code_column(indent: usize, item_column: usize) -> usize {
    if indent < item_column {
        4
    } else {
        item_column + 4
    }
}

/// Whether a list item's line (inside its containers) cannot interrupt a paragraph: an empty item, or an ordered one
/// that does not start at 1 (CommonMark 5.2).
fn cannot_interrupt_paragraph(line: &str) -> bool {
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    item_is_empty(line) || (digits > 0 && line[..digits].trim_start_matches('0') != "1")
}

/// Whether a list item's line (inside its containers) holds nothing after its marker (`1.`, `-  `; not `1. 3`).
fn item_is_empty(line: &str) -> bool {
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    line.get(digits + 1..).is_none_or(|after| after.trim().is_empty())
}

/// The content column of the innermost of the open items `columns` (outermost first) that a line indented `indent`
/// columns is inside (0: none).
fn item_column_at(columns: &[usize], indent: usize) -> usize {
    columns.iter().rev().find(|&&column| column <= indent).copied().unwrap_or(0)
}

/// Whether a line indented `indent` columns reaches the indented-code column (see [`code_column`]): it is code or a
/// paragraph's continuation, and starts no other block.
fn four_columns_in(indent: usize, item_column: usize) -> bool {
    indent >= code_column(indent, item_column)
}

/// Whether the line starts a list item whose first content is indented code (`-     code`: five spaces or more
/// after the marker).
fn item_starts_with_code(line: &str) -> bool {
    let Some(column) = list_item_content_column(line) else { return false };
    let indent = content_indent(line);
    let rest = strip_containers(line);
    let marker = column - indent - 1; // the gap of an item starting with code is one space
    let after = &rest[marker.min(rest.len())..];
    let spaces = after.bytes().take_while(|&b| b == b' ').count();
    spaces >= 5 && spaces < after.len()
}

/// How many block-quote markers (`>`) start the line.
fn quote_depth(line: &str) -> usize {
    let mut rest = line.trim_start_matches([' ', '\t']);
    let mut depth = 0;
    while let Some(after) = rest.strip_prefix('>') {
        depth += 1;
        rest = after.trim_start_matches([' ', '\t']);
    }
    depth
}

/// Drops leading block-quote markers, list markers (`- `, `1. `) and indentation: what is left is the line's content
/// inside its containers.
fn strip_container_markers(line: &str) -> &str {
    let mut rest = strip_containers(line);
    loop {
        let before = rest.len();
        if let Some(after) = ["- ", "* ", "+ "].iter().find_map(|marker| rest.strip_prefix(marker)) {
            rest = after;
        }
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if (1..=9).contains(&digits) && (rest[digits..].starts_with(". ") || rest[digits..].starts_with(") ")) {
            rest = &rest[digits + 2..];
        }
        rest = strip_containers(rest);
        if rest.len() == before {
            return rest;
        }
    }
}

/// Drops leading block-quote markers and list-item indentation, so a fence inside a container is recognised.
fn strip_containers(line: &str) -> &str {
    let mut rest = line.trim_start_matches([' ', '\t']);
    while let Some(after) = rest.strip_prefix('>') {
        rest = after.trim_start_matches([' ', '\t']);
    }
    rest
}

fn opens_fence(line: &str) -> Option<(u8, usize)> {
    let ch = *line.as_bytes().first()?;
    if ch != b'`' && ch != b'~' {
        return None;
    }
    let len = line.bytes().take_while(|&b| b == ch).count();
    // A backtick fence's info string may not contain a backtick.
    (len >= 3 && !(ch == b'`' && line[len..].contains('`'))).then_some((ch, len))
}

fn closes_fence(line: &str, ch: u8, len: usize) -> bool {
    let run = line.bytes().take_while(|&b| b == ch).count();
    run >= len && line[run..].trim().is_empty()
}

/// A partial line that may still become a closing fence: indentation and fence characters only.
fn is_fence_prefix(partial: &str) -> bool {
    let rest = strip_containers(partial);
    !rest.is_empty() && (rest.bytes().all(|b| b == b'`') || rest.bytes().all(|b| b == b'~'))
}

/// A GFM delimiter row: cells of `-` with optional `:` at either end, separated by `|`.
fn is_delimiter_row(line: &str) -> bool {
    let trimmed = line.trim().trim_start_matches('|').trim_end_matches('|');
    !trimmed.is_empty()
        && trimmed.split('|').all(|cell| {
            let cell = cell.trim().trim_start_matches(':').trim_end_matches(':');
            !cell.is_empty() && cell.bytes().all(|b| b == b'-')
        })
}

fn is_partial_delimiter_row(partial: &str) -> bool {
    partial.bytes().all(|b| matches!(b, b'|' | b'-' | b':' | b' ' | b'\t'))
}

/// A partial line holding nothing but block markers: it may still become a heading, list item, quote, rule,
/// setext underline, fence or table row, so it shows nothing yet.
fn is_block_marker_only(partial: &str) -> bool {
    // (Inside quote markers and list markers too: `>3` may still become `> 3. item`, `1. 1` `1. 1. item`.)
    let rest = strip_container_markers(partial);
    if rest.len() < partial.trim_start_matches([' ', '\t']).len() && rest.is_empty() {
        return true;
    }
    if rest.is_empty() {
        return false;
    }
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    if digits > 0 && digits <= 9 {
        // (`1. ` with nothing after it yet: an empty item cannot interrupt a paragraph, so it would show as text.
        // `2 ` is no marker: a space before the `.` or `)` makes the number text for good.)
        let after = &rest[digits..];
        return after.is_empty() || matches!(after.trim_end_matches([' ', '\t']), "." | ")");
    }
    rest.bytes().all(|b| matches!(b, b'#' | b'-' | b'=' | b'*' | b'+' | b'_' | b'>' | b'`' | b'~' | b'|' | b':' | b' '))
}

/// A partial line that may still become a link reference or footnote definition (`[label]: …`, `[^note]: …`): it
/// waits for its line end. A definition shows nothing where it stands, its label alone would flash as text, and a
/// held line changes nothing shown, so the engine need not parse again until the line ends.
fn may_be_definition(partial: &str) -> bool {
    let indent = partial.len() - partial.trim_start_matches(' ').len();
    let Some(label) = partial.get(indent..).filter(|_| indent <= 3).and_then(|rest| rest.strip_prefix('[')) else {
        return false;
    };
    let bytes = label.as_bytes();
    let mut i = 0;
    // A label is at most 999 characters and holds no unescaped bracket (CommonMark 4.7).
    while i < bytes.len() && i <= 999 {
        match bytes[i] {
            b'\\' => i += 2,
            b'[' => return false,
            b']' => return i > 0 && (i + 1 == bytes.len() || bytes[i + 1] == b':'),
            _ => i += 1,
        }
    }
    i <= 999
}

/// Where display math (`$$`) opens in the tail's last paragraph without closing yet. Its TeX waits until it closes
/// (a math renderer cannot typeset half a formula, and a paragraph's math reaches no further than its blank line).
fn open_display_math(text: &str, lines: &[(usize, usize)], item_columns: &[usize]) -> Option<usize> {
    let complete = &lines[..lines.len() - 1];
    let mut paragraph =
        complete.iter().rposition(|&(start, end)| text[start..end].trim().is_empty()).map_or(0, |i| i + 1);
    // Indented code lines at its start are no paragraph (`    $$x` is code): the scan starts after them. (They follow
    // a blank line or start the tail, so each is code by its own indentation: no look back as `is_indented_code`
    // does for a partial line, which would read up to its lookback of lines for every line of a long code run.)
    while let Some(&(start, end)) = complete.get(paragraph) {
        let line = &text[start..end];
        let indent = content_indent(line);
        if !item_starts_with_code(line) && !four_columns_in(indent, item_column_at(item_columns, indent)) {
            break;
        }
        paragraph += 1;
    }
    let from = lines.get(paragraph)?.0;
    let bytes = text.as_bytes();
    let (mut open, mut i) = (None, from);
    while i + 1 < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'$' if bytes[i + 1] == b'$' => {
                open = if open.is_some() { None } else { Some(i) };
                i += 2;
            }
            _ => i += 1,
        }
    }
    open
}

/// What an open construct in the partial line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Open {
    /// A delimiter run (`*`, `_`, `~`) that can open, with its remaining length (as far as closers go), its original
    /// length and whether it may also close (for the rule of 3).
    Emphasis { ch: u8, len: usize, original: usize, both: bool },
    /// `[` or `![` at `at`; `closed` is set once its `]` arrived, `dest_at` once `(` followed it.
    Bracket { image: bool, closed: bool, dest_at: Option<usize>, at: usize },
}

/// Closes what the partial line leaves open, and tells whether every character stayed; `None` when nothing is open
/// (`math`: `$` delimits math).
fn close_inlines(partial: &str, gfm: bool, math: bool) -> Option<(String, bool)> {
    let body_start = partial.len() - strip_line_markers(partial).len();
    if partial[body_start..].starts_with('[') && partial.contains("]:") {
        return None; // a link reference definition being typed: it shows nothing, speculation must not make it text
    }
    let mut walk = InlineWalk { partial, gfm, math, stack: Vec::new(), cut: partial.len(), trailing_backslash: None };
    let mut i = body_start;
    while i < partial.len() {
        match walk.step(i) {
            WalkStep::To(next) => i = next,
            WalkStep::UnclosedCodeSpan { run } => return Some(walk.close_before_code_span(run)),
        }
    }
    walk.close(body_start)
}

/// One walk over a partial line's inlines, left to right: what is open, and where the text shown must end.
struct InlineWalk<'a> {
    partial: &'a str,
    gfm: bool,
    /// `$` delimits math.
    math: bool,
    /// The constructs open so far, innermost last.
    stack: Vec<Open>,
    /// Text from `cut` on is dropped: it waits for more.
    cut: usize,
    /// Where a backslash ends the line.
    trailing_backslash: Option<usize>,
}

/// Where the walk goes after one step.
enum WalkStep {
    /// On from this offset.
    To(usize),
    /// A backtick run of this length with text after it and no closer on the line: the rest is code.
    UnclosedCodeSpan { run: usize },
}

impl InlineWalk<'_> {
    /// Reads the construct at `i`.
    fn step(&mut self, i: usize) -> WalkStep {
        let bytes = self.partial.as_bytes();
        let b = bytes[i];
        // Inside a link destination only its closing `)` matters.
        if let Some(Open::Bracket { dest_at: Some(_), .. }) = self.stack.last() {
            if b == b')' {
                self.stack.pop();
            }
            return WalkStep::To(i + utf8_len(b));
        }
        // A `]` not followed by `(` ends the bracket: `[0]` stays literal text (or a reference), never pending.
        if let Some(Open::Bracket { closed: true, dest_at: None, .. }) = self.stack.last() {
            if b != b'(' {
                self.stack.pop();
                return WalkStep::To(i);
            }
        }
        WalkStep::To(match b {
            // A backslash that ends the line escapes whatever comes next: a closer appended after it would show as
            // text (`[a \` + `](…)` is no link), so it waits for its character when there is anything to close.
            b'\\' if i + 1 == bytes.len() => {
                self.trailing_backslash = Some(i);
                i + 1
            }
            b'\\' => i + 2,
            b'`' => return self.code_span(i),
            b'*' | b'_' | b'~' if b != b'~' || self.gfm => self.delimiter_run(i, b),
            // `&am`: a character reference being typed shows as its character once it ends
            b'&' if reference_in_progress(&self.partial[i + 1..]) => self.hold_from(i),
            // `<b`, `<a href="x`: a tag being typed shows as a tag once it closes, never as text
            b'<' if tag_in_progress(&self.partial[i + 1..]) => self.hold_from(i),
            b'$' if self.math => {
                // It may close math opened before an open bracket, which takes the bracket in: the closer appended to
                // show the link as pending would be text after the math. The brackets stay literal.
                self.stack.retain(|open| !matches!(open, Open::Bracket { .. }));
                i + 1
            }
            b'!' if bytes.get(i + 1) == Some(&b'[') => {
                self.stack.push(Open::Bracket { image: true, closed: false, dest_at: None, at: i });
                i + 2
            }
            // a footnote reference appears whole, as its number
            b'[' if self.gfm && footnote_reference_unfinished(&self.partial[i..]) => self.hold_from(i),
            b'[' => {
                self.stack.push(Open::Bracket { image: false, closed: false, dest_at: None, at: i });
                i + 1
            }
            b']' => {
                self.close_bracket();
                i + 1
            }
            b'(' => {
                self.open_destination(i);
                i + 1
            }
            _ => i + utf8_len(b),
        })
    }

    /// Drops the text from `at` on (what is being typed there shows once it is complete) and ends the walk.
    fn hold_from(&mut self, at: usize) -> usize {
        self.cut = self.cut.min(at);
        self.partial.len()
    }

    /// A backtick run at `i`: a code span the line closes is skipped; a bare run at the end waits for the code.
    fn code_span(&mut self, i: usize) -> WalkStep {
        let bytes = self.partial.as_bytes();
        let run = run_len(bytes, i, b'`');
        match find_closing_backticks(bytes, i + run, run) {
            Some(end) => WalkStep::To(end),
            None if i + run == bytes.len() => WalkStep::To(self.hold_from(i)),
            None => WalkStep::UnclosedCodeSpan { run },
        }
    }

    /// The line with its open code span closed by a run of `run` backticks, then what was open before it.
    fn close_before_code_span(self, run: usize) -> (String, bool) {
        let len = self.partial.len();
        let mut closed = self.partial[..self.cut.min(len)].to_owned();
        close_stack(&mut closed, &self.stack, "`".repeat(run));
        (closed, self.cut >= len)
    }

    /// A delimiter run of `b` (`*`, `_`, `~`) at `i`: it closes what it can, and what is left of it may open.
    /// Returns where the run ends.
    fn delimiter_run(&mut self, i: usize, b: u8) -> usize {
        let bytes = self.partial.as_bytes();
        let run = run_len(bytes, i, b);
        let (can_open, can_close) = flanking(self.partial, i, run, b);
        let remaining = if can_close { self.close_emphasis(b, run, can_open && can_close) } else { run };
        if can_open && remaining > 0 {
            if i + run == bytes.len() {
                self.cut = self.cut.min(i + run - remaining); // an opener with nothing after it yet
            } else {
                let len = remaining.min(if b == b'~' { 2 } else { 3 });
                self.stack.push(Open::Emphasis { ch: b, len, original: run, both: can_open && can_close });
            }
        } else if !can_open && remaining > 0 && i + run == bytes.len() && preceded_by_space(self.partial, i) {
            self.cut = self.cut.min(i); // `Hello **`: about to open once text follows
        }
        i + run
    }

    /// A closing run of `run` × `ch` (`both`: it may open too) matches the nearest openers it may (the rule of 3);
    /// returns how much of it is left.
    fn close_emphasis(&mut self, ch: u8, run: usize, both: bool) -> usize {
        let mut remaining = run;
        while remaining > 0 {
            let Some(pos) = self.stack.iter().rposition(|o| {
                matches!(o, Open::Emphasis { ch: o_ch, original, both: o_both, .. }
                    if *o_ch == ch && scan::may_match(*original, *o_both, run, both))
            }) else {
                break;
            };
            // Openers above the match are left unmatched by this closer; CommonMark drops them.
            self.stack.truncate(pos + 1);
            if let Some(Open::Emphasis { len, .. }) = self.stack.last_mut() {
                let used = (*len).min(remaining);
                *len -= used;
                remaining -= used;
                if *len == 0 {
                    self.stack.pop();
                }
            }
        }
        remaining
    }

    /// `]` closes the innermost open bracket; brackets opened after it stay literal.
    fn close_bracket(&mut self) {
        if let Some(pos) = self.stack.iter().rposition(|o| matches!(o, Open::Bracket { closed: false, .. })) {
            self.stack.truncate(pos + 1);
            if let Some(Open::Bracket { closed, .. }) = self.stack.last_mut() {
                *closed = true;
            }
        }
    }

    /// `(` at `at` right after a closed bracket opens its destination.
    fn open_destination(&mut self, at: usize) {
        if let Some(Open::Bracket { closed: true, dest_at, .. }) = self.stack.last_mut() {
            if dest_at.is_none() {
                *dest_at = Some(at);
            }
        }
    }

    /// The end of the line: the text that waits is dropped and what stays open is closed; `None` when nothing changes
    /// (`body_start`: where the line's text starts after its markers).
    fn close(mut self, body_start: usize) -> Option<(String, bool)> {
        let partial = self.partial;
        // A bracket still in its destination drops the partial URL.
        if let Some(Open::Bracket { dest_at: Some(at), .. }) =
            self.stack.iter().rev().find(|o| matches!(o, Open::Bracket { .. }))
        {
            self.cut = self.cut.min(*at);
        }
        if let Some(at) = self.trailing_backslash.filter(|_| !self.stack.is_empty()) {
            self.cut = self.cut.min(at);
        }
        self.hold_empty_image();
        let mut text = partial[..self.cut].to_owned();
        if self.gfm && !self.stack.iter().any(|o| matches!(o, Open::Bracket { .. })) {
            pend_trailing_autolink(&mut text, body_start, self.math);
        }
        if self.stack.is_empty() && self.cut == partial.len() && text.len() == partial.len() {
            return None;
        }
        close_stack(&mut text, &self.stack, String::new());
        Some((text, self.cut == partial.len()))
    }

    /// An image with no alt text yet would show its placeholder's stand-in word, which the alt text then replaces:
    /// it waits for its first character (and for good when its alt stays empty: the final render shows it).
    fn hold_empty_image(&mut self) {
        let (partial, cut) = (self.partial, self.cut);
        let empty_image = self.stack.iter().position(|open| {
            matches!(*open, Open::Bracket { image: true, at, .. }
                if at + 2 >= cut.min(partial.len()) || partial[at..].starts_with("![]"))
        });
        if let Some(index) = empty_image {
            if let Open::Bracket { at, .. } = self.stack[index] {
                self.cut = self.cut.min(at);
            }
            self.stack.truncate(index);
        }
    }
}

/// `text` starts with a footnote reference still being typed: `[^lab`, or `[^label]` with nothing after it yet.
fn footnote_reference_unfinished(text: &str) -> bool {
    let Some(label) = text.strip_prefix("[^") else { return false };
    match label.find(|c: char| c == ']' || c.is_whitespace()) {
        None => true,
        Some(end) => label[end..].starts_with(']') && end + 1 == label.len(),
    }
}

/// Appends `first` and then the closers of `stack`, innermost first. Only the innermost open link is closed: a link
/// cannot hold another, so CommonMark would leave the brackets around it literal, and closing them too would show
/// their `](…)` as text (images nest, so every open image is closed).
fn close_stack(text: &mut String, stack: &[Open], first: String) {
    text.push_str(&first);
    let mut link_closed = false;
    for open in stack.iter().rev() {
        match *open {
            Open::Emphasis { ch, len, .. } => {
                for _ in 0..len {
                    text.push(ch as char);
                }
            }
            Open::Bracket { image: false, .. } if link_closed => {}
            Open::Bracket { closed, image, .. } => {
                link_closed |= !image;
                if !closed {
                    text.push(']');
                }
                text.push('(');
                text.push_str(PENDING_URL);
                text.push(')');
            }
        }
    }
}

/// A paragraph segment parsed apart from the text before it (see `IncrementalMarkdown::cut_paragraph_segment`) that
/// begins inside a word: the word's start is in the segment before, so a URL in it is only the end of one and must
/// not become a link. `text[from..]` is the segment; its first word is wrapped as pending when it may be (or hold) a
/// link. `None` when nothing changes.
pub fn pend_leading_word(text: &str, from: usize) -> Option<String> {
    let segment = text.get(from..)?;
    let end = segment.find(char::is_whitespace).unwrap_or(segment.len());
    let word = &segment[..end];
    let looks_like_link = word.contains("://") || word.contains("www.") || word.contains('@');
    if !looks_like_link || word.contains(['[', ']', '(', ')', '<', '`', '\\']) {
        return None;
    }
    Some(format!("{}[{word}]({PENDING_URL}){}", &text[..from], &segment[end..]))
}

/// A URL or email still being typed at the end of the line is shown as pending text: its end is unknown, so it
/// must not become an autolink yet.
fn pend_trailing_autolink(text: &mut String, body_start: usize, math: bool) {
    let Some(body) = text.get(body_start..) else { return };
    let word_start = match body.char_indices().rev().find(|(_, c)| c.is_whitespace()) {
        Some((at, space)) => body_start + at + space.len_utf8(),
        None => body_start,
    };
    let word = &text[word_start..];
    let looks_like_link = word.contains("://") || word.starts_with("www.") || (word.contains('@') && word.len() > 1);
    // (A `$` in the word may close math opened before it, which would take the bracket in: `$< > $@`.)
    if !looks_like_link || word.contains(['[', ']', '(', ')', '<', '`', '\\']) || (math && word.contains('$')) {
        return;
    }
    let pending = format!("[{word}]({PENDING_URL})");
    text.truncate(word_start);
    text.push_str(&pending);
}

/// The line without leading list/quote/heading markers and a task-list checkbox.
fn strip_line_markers(line: &str) -> &str {
    let mut rest = strip_containers(line);
    loop {
        let before = rest.len();
        for marker in ["- ", "* ", "+ "] {
            if let Some(after) = rest.strip_prefix(marker) {
                rest = after.trim_start();
            }
        }
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0 && (rest[digits..].starts_with(". ") || rest[digits..].starts_with(") ")) {
            rest = rest[digits + 2..].trim_start();
        }
        let hashes = rest.bytes().take_while(|&b| b == b'#').count();
        if (1..=6).contains(&hashes) && rest[hashes..].starts_with(' ') {
            rest = rest[hashes..].trim_start();
        }
        for checkbox in ["[ ] ", "[x] ", "[X] "] {
            if let Some(after) = rest.strip_prefix(checkbox) {
                rest = after;
            }
        }
        if let Some(after) = rest.strip_prefix('>') {
            rest = after.trim_start();
        }
        if rest.len() == before {
            return rest;
        }
    }
}

fn run_len(bytes: &[u8], at: usize, ch: u8) -> usize {
    bytes[at..].iter().take_while(|&&b| b == ch).count()
}

/// The end of a backtick run of exactly `len` after `from`, if the line has one.
fn find_closing_backticks(bytes: &[u8], from: usize, len: usize) -> Option<usize> {
    let mut i = from;
    while i < bytes.len() {
        if bytes[i] == b'`' {
            let run = run_len(bytes, i, b'`');
            if run == len {
                return Some(i + run);
            }
            i += run;
        } else {
            i += 1;
        }
    }
    None
}

fn utf8_len(first: u8) -> usize {
    match first {
        0xf0..=0xff => 4,
        0xe0..=0xef => 3,
        0xc0..=0xdf => 2,
        _ => 1,
    }
}

fn preceded_by_space(text: &str, at: usize) -> bool {
    text[..at].chars().next_back().is_none_or(char::is_whitespace)
}

/// CommonMark's flanking rules ([`scan::delimiter_run`]) for the delimiter run `text[at..at + run]`:
/// `(can_open, can_close)`. The end of the partial line counts as "not yet known": a run there is judged as if text
/// followed.
fn flanking(text: &str, at: usize, run: usize, ch: u8) -> (bool, bool) {
    let before = scan::class_of(text[..at].chars().next_back());
    let after =
        if at + run == text.len() { scan::CharClass::Other } else { scan::class_of(text[at + run..].chars().next()) };
    scan::delimiter_run(ch, before, after)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn shows(tail: &str, expected: &str) {
        assert_eq!(speculate(tail, true, true), expected, "speculating {tail:?}");
    }

    #[test]
    fn closes_open_inlines() {
        shows("a **bo", "a **bo**");
        shows("a `co", "a `co`");
        shows("a ~~st", "a ~~st~~");
        shows("**bold** and *it", "**bold** and *it*");
        shows("**bold*", "**bold**");
        shows("- item **x", "- item **x**");
    }

    #[test]
    fn hides_what_is_not_decided() {
        shows("Hello **", "Hello ");
        shows("para\n#", "para\n");
        shows("- a\n    ", "- a\n");
        shows("Title\n-", "Title\n");
        shows("Title\n==", "Title\n");
        shows("1. 1.", "");
        shows("> - 2", "");
        shows("a `", "a ");
        shows("| a | b |\n", "");
        shows("Intro.\n\n| col a | col", "Intro.\n\n");
        shows("| a | b |\n|--", "");
        shows("| a | b |\n|---|---|\n| 1 | 2", "| a | b |\n|---|---|\n");
        shows("```\ncode\n``", "```\ncode\n");
    }

    #[test]
    fn makes_partial_links_pending() {
        shows("see [text", "see [text](rillmark:pending)");
        shows("see [text](http://exa", "see [text](rillmark:pending)");
        shows("![alt](http://par", "![alt](rillmark:pending)");
        // No alt text yet: nothing to show but a stand-in word that the alt text would replace.
        shows("see ![", "see ");
        shows("see ![](http://par", "see ");
        shows("see ![A", "see ![A](rillmark:pending)");
        shows("go to https://exa", "go to [https://exa](rillmark:pending)");
        shows("[0] is fine", "[0] is fine");
        shows("at 4\u{202f}PM see https://exa", "at 4\u{202f}PM see [https://exa](rillmark:pending)");
        shows("[text](http://exa", "[text](rillmark:pending)");
        // A `$` may close math opened before the bracket: the bracket stays literal.
        shows("a $x [panel$ba", "a $x [panel$ba");
        shows("cmd $< > $@", "cmd $< > $@");
        assert_eq!(speculate("x [a$b", true, false), "x [a$b](rillmark:pending)", "without math `$` is text");
    }

    #[test]
    fn an_html_block_that_ends_on_its_own_line_does_not_take_the_next_one() {
        // The declaration is a whole HTML block; `<html` being typed is a tag in progress, hidden until it is whole.
        shows("<!DOCTYPE html>\n<html", "<!DOCTYPE html>\n");
        shows("<!-- a\nb -->\n<div", "<!-- a\nb -->\n");
        shows("<script>\nx\n</SCRIPT>\n<div", "<script>\nx\n</SCRIPT>\n");
        // Open, it takes the line as it is, after a blank line too.
        shows("<!-- a\n<div", "<!-- a\n<div");
        shows("<script setup>\nx\n\nf(a[", "<script setup>\nx\n\nf(a[");
        shows("<div>\nx\n\nf(a[", "<div>\nx\n\nf(a[](rillmark:pending)");
        shows("<div>\n<span", "<div>\n<span");
    }

    #[test]
    fn a_backslash_at_the_end_waits_for_the_character_it_escapes_before_anything_is_closed() {
        // `\](…)` would be an escaped bracket: the pending link would show its markup as text.
        shows("\\left[ \\", "\\left[ ](rillmark:pending)");
        shows("see [a \\", "see [a ](rillmark:pending)");
        shows("a **bo\\", "a **bo**");
        shows("a **bo\\*", "a **bo\\***");
        shows("nothing to close \\", "nothing to close \\");
        shows("a `co\\", "a `co\\`"); // a backslash in code is no escape
    }

    #[test]
    fn shows_footnote_references_whole() {
        shows("a claim[^1", "a claim");
        shows("a claim[^note]", "a claim");
        shows("a claim[^note] and", "a claim[^note] and");
        shows("a claim[^note]. **Bo", "a claim[^note]. **Bo**");
        shows("an [^ odd", "an [^ odd](rillmark:pending)"); // not a reference: a bracket
        assert_eq!(
            speculate("a claim[^1", false, false),
            "a claim[^1](rillmark:pending)",
            "CommonMark has no footnotes"
        );
    }

    #[test]
    fn holds_display_math_until_it_closes() {
        shows("Sum:\n\n$$\n\\sum_{k", "Sum:\n\n");
        shows("Sum:\n\n$$\n\\sum_k\n", "Sum:\n\n");
        shows("Sum: $$x", "Sum: ");
        shows("$$\n\\sum_k\n$$\n", "$$\n\\sum_k\n$$\n");
        shows("$$x$$ and $y", "$$x$$ and $y");
        shows("costs \\$$5", "costs \\$$5");
        // A blank line ends the paragraph and the math with it.
        shows("$$x\n\nNext", "$$x\n\nNext");
        shows("> a\n*$$x", "> a\n"); // `*` alone would start a list
        shows("a\n- $$x", "a\n");
        shows("> a\n<b>$$x", "> a\n"); // `<b>` alone would leave the quote
        shows("> Sum: $$x", "> Sum: ");
        // Text before the `$$` inside a list item stays shown, whatever its first character.
        shows("- Y 6$$", "- Y 6");
        shows("1. **Step** $$x", "1. **Step** ");
        shows("- $$x", "");
        assert_eq!(speculate("Sum: $$x", true, false), "Sum: $$x", "without the math option `$$` is text");
    }

    #[test]
    fn shows_indented_code_as_it_is() {
        shows("    |e\n", "    |e\n");
        shows("Text.\n\n    code [x](http://a", "Text.\n\n    code [x](http://a");
        shows("- a\n\n      x = a*b", "- a\n\n      x = a*b");
        shows("    <div", "    <div");
        shows("   +\n    |n J\n", "   +\n    |n J\n");
    }

    #[test]
    fn holds_lines_that_may_be_definitions() {
        shows("[r1]: https://e.c", "");
        shows("See [r1].\n\n[r2", "See [r1].\n\n");
        shows("[r1]: /a\n[r2]", "[r1]: /a\n");
        shows("Text.\n\n[^note]: Foot", "Text.\n\n");
        shows("   [x]:", "");
        // Wherever it stands: whether a definition may start there depends on lines a resumed parse does not see.
        shows("See\n[r1]: /a", "See\n");
        shows("- [t 4]:", "");
        shows("> 3. [a", "");
        // Not a definition: an empty label, a link.
        shows("[]: x", "[]: x");
        shows("[a] b", "[a] b");
        shows("[a][b", "[a][b](rillmark:pending)");
    }

    #[test]
    fn never_panics_on_any_prefix() {
        let text =
            "# T\u{202f}\n\n- **é `x` [a](http://b) ~~c~~ _d_ ![i](j) <b> \\* 中 www.x.y 😀\n| a | b |\n|-|-|\n| 1 |\n";
        for (end, _) in text.char_indices() {
            for start in (0..end).filter(|&i| text.is_char_boundary(i)) {
                let _ = speculate(&text[start..end], true, true);
                let _ = speculate(&text[start..end], false, false);
            }
        }
    }

    #[test]
    fn leaves_finished_or_literal_text_alone() {
        shows("snake_case_name", "snake_case_name");
        shows("5 * 3 = 15", "5 * 3 = 15");
        shows("done.\n", "done.\n");
        shows("```rust\nlet a = `x", "```rust\nlet a = `x");
        shows("- [ ] task", "- [ ] task");
    }
}
