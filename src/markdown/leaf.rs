//! The open block's leaf, as mounted: the text node that ends it (where plain text is appended in place), the
//! spine to a block quote's last paragraph, where the line being typed of a nested leaf may be parsed alone, and how
//! many children a resume point's target holds.

use super::resume::{is_block_tag, mounted_tag, Target};
use super::scan::{is_plain, resumes_nested, starts_plainly};
use crate::patch::diff::{Mounted, MountedKind};

/// The spine of a block quote's last paragraph (`> > text`).
pub(super) struct QuoteSpine<'m> {
    /// The path through the quotes to the paragraph (see [`Target::Spine`]).
    pub(super) path: Vec<(usize, usize)>,
    /// How many quotes the paragraph is in.
    pub(super) quotes: usize,
    /// The paragraph's children.
    pub(super) leaf: &'m [Mounted],
}

pub(super) fn quote_spine(block: &Mounted) -> Option<QuoteSpine<'_>> {
    let mut path = Vec::new();
    let mut quotes = 0;
    let mut level = block;
    loop {
        let MountedKind::Element { tag, children, .. } = &level.kind else { return None };
        let wanted = match *tag {
            "blockquote" => {
                quotes += 1;
                "blockquote"
            }
            "p" if !path.is_empty() => return Some(QuoteSpine { path, quotes, leaf: children }),
            _ => return None,
        };
        let index = children.len().checked_sub(1)?;
        let last = &children[index];
        let tag = mounted_tag(last);
        if tag != wanted && !(wanted == "blockquote" && tag == "p") {
            return None;
        }
        path.push((index, 0));
        level = last;
    }
}

/// Where the line being typed of a nested leaf (`leaf`: its mounted children; its text starts at `content_start`)
/// may be parsed alone, after its last settled word.
pub(super) enum LeafPoint {
    /// At the single space that ends the text, once the next character confirms it (see `promote_candidate`).
    Candidate { at: usize, kept: usize, boundary: String },
    /// At the start of the plain last word.
    Resume { at: usize, kept: usize, boundary: String },
}

/// The [`LeafPoint`] of a nested leaf whose text ends `src`, if any (only after `resume_from`, the current resume
/// point).
pub(super) fn nested_leaf_point(
    src: &str,
    content_start: usize,
    leaf: &[Mounted],
    resume_from: Option<usize>,
) -> Option<LeafPoint> {
    // A tight item's text is inline: no block in it yet (a nested list, a code block…).
    let inline_only = leaf.iter().all(|child| match &child.kind {
        MountedKind::Element { tag, .. } => !is_block_tag(tag),
        _ => true,
    });
    if !inline_only {
        return None;
    }
    let last_text = match leaf.last() {
        Some(Mounted { kind: MountedKind::Text(text), .. }) => Some(text.as_str()),
        _ => None,
    };
    let count = leaf.len();
    let single_space_at = |at: usize| src[..at].ends_with(' ') && !src[..at - 1].ends_with(char::is_whitespace);
    if src.len() > content_start + 1 && single_space_at(src.len()) {
        // The text node must end with the word before the space, as written (a task item's `[ ]` is not text).
        let before = &src[..src.len() - 1];
        let word = &before[before.rfind(' ').map_or(0, |at| at + 1).max(content_start)..];
        let text = last_text
            .filter(|text| !word.is_empty() && word.chars().all(|c| is_plain(c) && c != ' ') && text.ends_with(word))?;
        return Some(LeafPoint::Candidate { at: src.len(), kept: count - 1, boundary: format!("{text} ") });
    }
    let word_at = src.rfind(' ').map(|at| at + 1)?;
    let word = &src[word_at..];
    let text = last_text?;
    if word_at <= content_start + 1
        || !single_space_at(word_at)
        || !word.chars().all(is_plain)
        || !resumes_nested(word)
        || !text.ends_with(word)
        || resume_from.is_some_and(|at| at >= word_at)
    {
        return None;
    }
    let boundary = text[..text.len() - word.len()].to_owned();
    Some(LeafPoint::Resume { at: word_at, kept: count - 1, boundary })
}

/// How many children the element a resume point's target names has in `mounted` (`None`: no such element, or a
/// spine, which has no one element).
pub(super) fn target_len(target: &Target, mounted: &Mounted) -> Option<usize> {
    target_children(target, mounted).map(<[Mounted]>::len)
}

/// The children of the element a resume point's target names in `mounted` (see [`target_len`]).
pub(super) fn target_children<'m>(target: &Target, mounted: &'m Mounted) -> Option<&'m [Mounted]> {
    let MountedKind::Element { children, .. } = &mounted.kind else { return None };
    let children = match target {
        Target::Spine(_) => return None,
        Target::Block => children,
        Target::Descendant(path) => {
            let mut children = children;
            for &index in path {
                let MountedKind::Element { children: inner, .. } = &children.get(index)?.kind else { return None };
                children = inner;
            }
            children
        }
        &Target::Child(index) => match &children.get(index)?.kind {
            MountedKind::Element { children, .. } => children,
            _ => return None,
        },
    };
    Some(children)
}

/// The text of a mounted `<pre><code>`, if it has any.
pub(super) fn code_text(block: &Mounted) -> Option<String> {
    let MountedKind::Element { children, .. } = &block.kind else { return None };
    let MountedKind::Element { children: code, .. } = &children.first()?.kind else { return None };
    match &code.first()?.kind {
        MountedKind::Text(text) => Some(text.clone()),
        _ => None,
    }
}

/// What kind of text ends the open block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Leaf {
    /// Inline text of a paragraph, heading or tight list item.
    Inline,
    /// The text of a fenced code block.
    Code,
}

/// The text node that ends a mounted block, descending through lists, items and quotes to the last leaf block.
pub(super) fn leaf_text(block: &mut Mounted) -> Option<(Leaf, &mut Mounted)> {
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
pub(super) fn quote_line_ends_node(line: &str, node: &str) -> bool {
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
