//! The open list's resume plan: where a parse of the open list may start inside it, what context makes the isolated
//! parse read as it does in place, and how the parse's items map onto the mounted list.
//!
//! Two resumes reach into a list:
//! - **At an item** ([`item_resume`]): the next parse starts at the last item that began on a complete line; the
//!   items before it are kept. A loose list parses after a dummy first item that keeps it loose.
//! - **At the last item's next line** ([`line_resume`]): a line that continues the item's paragraph (lazily or
//!   indented) parses after the item's marker, its text joined to the item's after a line break.
//! - **Inside the last item's text** ([`item_spine`], [`ancestor_items`]): the line being typed is parsed after its
//!   item marker, and for an item of a nested list after its parent items' marker lines, each with a dummy word. The
//!   result continues the mounted item at the end of the spine.
//!
//! What a resume cannot rebuild it refuses: a nested list's parent items are rebuilt tight, so an item between the top
//! and the leaf must show that it is; the top list's looseness comes from the last parse, since an item whose first
//! line is empty holds no paragraph to show it.

use super::resume::{is_block_tag, mounted_tag, Boundary, Resume, Target};
use crate::patch::diff::{Mounted, MountedKind};

/// Where the items of a parse of the open list land among the mounted list's items.
#[derive(Debug, Clone, Copy)]
pub(super) struct ItemMap {
    /// The mounted index of the parse's item 0 (negative when the parse starts with dummy items from its context).
    first_index: isize,
    /// The parse's first items that come from the context or began before the resume point: a spine resume's
    /// continued item starts in its context (which spans lines for a nested item), a loose list's dummy item is
    /// context. None of them is a place to resume.
    first_own: usize,
}

impl ItemMap {
    /// The map for a parse resumed at `resume` (or of the whole open tail).
    pub(super) fn of(resume: Option<&Resume>) -> ItemMap {
        let (first_index, first_own) = match resume {
            Some(Resume { target: Target::Spine(path), .. }) => {
                path.first().map_or((0, 1), |&(mounted, parsed)| (mounted as isize - parsed as isize, parsed + 1))
            }
            Some(r) => (r.kept as isize - r.drop_first as isize, r.drop_first),
            None => (0, 0),
        };
        ItemMap { first_index, first_own }
    }

    /// The last of the parse's own items (its start lines in `item_lines`) whose line `complete` accepts, as its
    /// mounted index and its line (by `body_line`); `None` unless some item is kept before it.
    pub(super) fn last_complete_item(
        &self,
        item_lines: &[usize],
        body_line: impl Fn(usize) -> isize,
        complete: impl Fn(isize) -> bool,
    ) -> Option<(usize, isize)> {
        let (index, line) = item_lines.iter().enumerate().skip(self.first_own).rev().find_map(|(j, &line)| {
            let line = body_line(line);
            complete(line).then_some((self.first_index + j as isize, line))
        })?;
        (index >= 1).then_some((index as usize, line))
    }
}

/// What a parse showed of the open list and where its resumed parses go.
pub(super) struct OpenList {
    pub tight: bool,
    /// The marker character (`-`, `*`, `+`, `.`, `)`).
    pub marker: u8,
    /// The list's tag (`ul`, `ol`).
    pub tag: &'static str,
    /// The open tail's own definitions before the list (see [`Resume::defs`]).
    pub defs: String,
}

/// The resume at the start of the mounted list's item `index`, whose line starts at `at` (`indented`: with spaces,
/// which a loose list's dummy item would not keep its own). `kept_source` is the list's text before `at`: a loose
/// list resumes only when that text and the item at `at` make it loose (see [`holds_blank_line`]), for its parse goes
/// after a dummy item that keeps it loose whatever follows, and cannot show it turning tight again (`-` after a blank
/// line is an empty item that makes the list loose; `--` is no item).
pub(super) fn item_resume(
    list: &OpenList,
    at: usize,
    index: usize,
    indented: bool,
    kept_source: &str,
) -> Option<Resume> {
    (list.tight || (!indented && holds_blank_line(kept_source))).then(|| Resume {
        at,
        defs: list.defs.clone(),
        context: if list.tight { String::new() } else { loose_list_context(list.marker) },
        block_tag: list.tag,
        target: Target::Block,
        kept: index,
        boundary: None,
        drop_first: usize::from(!list.tight),
        tight: Some(list.tight),
        lead_word: false,
    })
}

/// The resume at the start of the line after the last item's last line (at byte `at`), for a line that continues
/// the item's paragraph (lazily or indented): it parses after the item's marker `prefix` as the item's first line,
/// and its text joins the item's kept text (`kept` children of the leaf at the end of `path`, the last one's text in
/// `boundary` with the line break after it).
pub(super) fn line_resume(
    at: usize,
    prefix: String,
    tag: &'static str,
    path: Vec<(usize, usize)>,
    kept: usize,
    boundary: String,
    defs: String,
) -> Resume {
    Resume {
        at,
        defs,
        context: prefix,
        block_tag: tag,
        target: Target::Spine(path),
        kept,
        boundary: Some(Boundary::Copied(boundary)),
        drop_first: 0,
        tight: Some(true),
        lead_word: false,
    }
}

/// Whether the kept items `text` (which ends where an item starts on a complete line) hold a blank line after their
/// first content: one between two items or two blocks of an item, which makes the list loose for good; the item
/// after `text` began on a complete line, so it stays an item. (A blank line inside a fenced code block does not;
/// the resume it allows is then abandoned as soon as its parse differs.)
pub(super) fn holds_blank_line(text: &str) -> bool {
    let inner = text.trim_start_matches(|c: char| c.is_whitespace());
    let inner = inner.strip_suffix('\n').unwrap_or(inner);
    inner.split('\n').any(|line| line.trim().is_empty())
}

/// The way from the open list to the inline text of its last item, through the last items of nested lists.
pub(super) struct ItemSpine<'m> {
    /// Per level: the mounted child that continues, and the parse's child that continues it (see [`Target::Spine`]).
    pub path: Vec<(usize, usize)>,
    /// The leaf's children: the item's own (tight), or its paragraph's (the only child of a loose item).
    pub leaf: &'m [Mounted],
    /// How many lists deep the leaf item is.
    pub nested: usize,
    /// The leaf is a loose top-level item's paragraph (its parse goes after a dummy item that keeps the list loose).
    pub loose: bool,
}

/// The spine of the open list `list` (a mounted `ul`/`ol`) whose last parse showed it `list_tight`, or `None` when a
/// resumed parse could not rebuild its shape.
pub(super) fn item_spine(list: &Mounted, list_tight: Option<bool>) -> Option<ItemSpine<'_>> {
    let MountedKind::Element { tag: "ul" | "ol", children: top, .. } = &list.kind else { return None };
    let mut path = Vec::new();
    let mut items = top;
    let mut nested = 0;
    loop {
        let index = items.len().checked_sub(1)?;
        path.push((index, 0));
        let MountedKind::Element { tag: "li", children, .. } = &items[index].kind else { return None };
        if nested == 0 && children.len() == 1 && mounted_tag(&children[0]) == "p" {
            path[0].1 = 1; // after the dummy first item
            path.push((0, 0));
            let MountedKind::Element { children: text, .. } = &children[0].kind else { return None };
            return Some(ItemSpine { path, leaf: text, nested, loose: true });
        }
        match children.last() {
            Some(last) if matches!(mounted_tag(last), "ul" | "ol") => {
                // A nested item's context rebuilds its parent items as tight ones: an item between the top and the
                // leaf must show that it is (its text first; the top list's looseness is known).
                let shows_tight = children.first().is_some_and(|first| match &first.kind {
                    MountedKind::Element { tag, .. } => !is_block_tag(tag),
                    _ => true,
                });
                if nested > 0 && !shows_tight {
                    return None;
                }
                // The parse's parent item holds its dummy word first, then the list.
                path.push((children.len() - 1, 1));
                let MountedKind::Element { children: sub, .. } = &last.kind else { return None };
                items = sub;
                nested += 1;
            }
            // A loose list's item without its paragraph yet (its first line was empty) parses tight alone.
            _ if nested == 0 && list_tight != Some(true) => return None,
            _ => return Some(ItemSpine { path, leaf: children, nested, loose: false }),
        }
    }
}

/// The lines of the `count` items that a nested item at `indent`, on the line starting at `line_start` of `src`, is
/// in, each with a dummy word: the nearest item lines above it with less indentation, no further back than `floor`
/// (the commit point) and a few hundred lines. `None` unless all are found and the outermost is a top-level item.
pub(super) fn ancestor_items(
    src: &str,
    floor: usize,
    line_start: usize,
    indent: usize,
    count: usize,
) -> Option<String> {
    let mut prefixes = Vec::new();
    let mut bound = indent;
    let mut end = line_start;
    for _ in 0..256 {
        if prefixes.len() == count || end <= floor {
            break;
        }
        let above = &src[floor..end - 1];
        let start = above.rfind('\n').map_or(floor, |at| floor + at + 1);
        let line = src[start..end - 1].trim_end_matches('\r');
        if let Some((_, prefix, at)) = item_prefix(line).filter(|&(_, _, at)| at < bound) {
            prefixes.push(prefix);
            bound = at;
        }
        end = start;
    }
    (prefixes.len() == count && bound <= 3).then(|| prefixes.iter().rev().map(|p| format!("{p}x\n")).collect())
}

/// A dummy first item that makes a resumed parse of a loose list's last item loose too.
pub(super) fn loose_list_context(marker: u8) -> String {
    match marker {
        b'.' | b')' => format!("1{} x\n\n", marker as char),
        bullet => format!("{} x\n\n", bullet as char),
    }
}

/// A list item line's marker (`- `, `12. `, with at most 3 spaces before it… as written, and 1 to 4 spaces after it):
/// its length with the spaces after it, the prefix itself (the context that rebuilds it) and its indentation.
pub(super) fn item_prefix(line: &str) -> Option<(usize, String, usize)> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    let rest = &line[indent..];
    let marker = marker_len(rest)?;
    let spaces = rest[marker..].len() - rest[marker..].trim_start_matches(' ').len();
    if !(1..=4).contains(&spaces) || rest[marker + spaces..].starts_with('\t') {
        return None;
    }
    let len = indent + marker + spaces;
    Some((len, line[..len].to_owned(), indent))
}

/// The length of the list marker `text` starts with (`-`, `*`, `+`, or up to 9 digits and `.` or `)`).
fn marker_len(text: &str) -> Option<usize> {
    match text.as_bytes().first()? {
        b'-' | b'*' | b'+' => Some(1),
        b'0'..=b'9' => {
            let digits = text.bytes().take_while(u8::is_ascii_digit).count();
            (digits <= 9 && matches!(text.as_bytes().get(digits), Some(b'.' | b')'))).then_some(digits + 1)
        }
        _ => None,
    }
}

/// Whether `line` (after any quote markers) is a list marker with only spaces after it: an empty item, which cannot
/// interrupt a paragraph until text follows it.
pub(super) fn is_empty_item_marker(line: &str) -> bool {
    let rest = line.trim_start_matches([' ', '\t', '>']);
    let Some(marker) = marker_len(rest) else { return false };
    let after = &rest[marker..];
    !after.is_empty() && after.trim_matches([' ', '\t']).is_empty()
}

/// The marker character of a list item's prefix (`-`, `*`, `+`, or `.` / `)` after an ordered item's number).
pub(super) fn list_marker(prefix: &str) -> Option<u8> {
    let rest = prefix.trim_start_matches(' ').trim_start_matches(|c: char| c.is_ascii_digit());
    rest.bytes().next().filter(|b| matches!(b, b'-' | b'*' | b'+' | b'.' | b')'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_item_prefix_keeps_its_indentation_and_spaces() {
        assert_eq!(item_prefix("   - a"), Some((5, "   - ".to_owned(), 3)));
        assert_eq!(item_prefix("12. x"), Some((4, "12. ".to_owned(), 0)));
        assert_eq!(item_prefix("-x"), None, "a marker needs a space after it");
        assert_eq!(item_prefix("1234567890. x"), None, "at most 9 digits");
    }

    #[test]
    fn an_empty_item_marker_is_a_marker_with_only_spaces_after_it() {
        assert!(is_empty_item_marker("1. "));
        assert!(is_empty_item_marker("> - "));
        assert!(!is_empty_item_marker("1."), "no space yet: the line may still be text");
        assert!(!is_empty_item_marker("1. a"));
    }

    #[test]
    fn a_kept_part_is_loose_only_with_a_blank_line_in_it() {
        assert!(holds_blank_line("- a\n\n- b\n"));
        assert!(holds_blank_line("- a\r\n\r\n- b\r\n"));
        assert!(holds_blank_line("- a\n- b\n\n"), "the blank line before the next item counts");
        assert!(!holds_blank_line("\n- a\n- b\n"), "a blank line before the list does not");
        assert!(!holds_blank_line("- a\n- b\n"));
    }

    #[test]
    fn ancestors_are_the_nearest_item_lines_with_less_indentation() {
        let src = "1. top\n   text\n   - mid\n     - leaf";
        let line_start = src.rfind('\n').unwrap() + 1;
        assert_eq!(ancestor_items(src, 0, line_start, 5, 2).as_deref(), Some("1. x\n   - x\n"));
        assert_eq!(ancestor_items(src, 7, line_start, 5, 2), None, "the top item is before the floor");
    }

    #[test]
    fn a_spine_resume_maps_its_first_own_item_after_the_continued_one() {
        // A nested item's context spans lines: the continued top item (mounted 0) is the parse's item 0.
        let resume = Resume {
            at: 0,
            defs: String::new(),
            context: "1. x\n   - ".to_owned(),
            block_tag: "ol",
            target: Target::Spine(vec![(0, 0), (0, 1), (0, 0)]),
            kept: 0,
            boundary: None,
            drop_first: 0,
            tight: Some(true),
            lead_word: false,
        };
        let map = ItemMap::of(Some(&resume));
        // Parse items start on lines 1 (in the context), 3 and 4; body lines are parse lines - 1.
        let last = map.last_complete_item(&[1, 3, 4], |line| line as isize - 1, |line| (1..3).contains(&line));
        assert_eq!(last, Some((1, 2)), "the item on body line 2 is mounted item 1, after the continued one");
    }
}
