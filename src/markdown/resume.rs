//! How a parse resumed inside the open block joins what is shown: the [`Resume`] point every construct's plan
//! produces (`list.rs`, `fence.rs`, and the paragraph, quote and table plans in `mod.rs`), the [`Target`] it fills,
//! and the splices that put its result after the kept nodes.

use super::render;
use crate::patch::diff::{Differ, Mounted, MountedKind};
use crate::patch::{Element, Node, NodeId};

/// Where the next parse of the open tail starts — inside the open (first uncommitted, and only) block — and how its
/// result joins what is already shown. This keeps the work per chunk proportional to new text for long blocks: a long
/// paragraph resumes after its last settled word, a code fence after its last complete line, a list at its last item,
/// a table at its last row.
#[derive(Debug, Clone)]
pub(super) struct Resume {
    /// Source offset the parse starts at.
    pub(super) at: usize,
    /// Uncommitted link definitions before the open block (the open tail's own), kept for resumed parses.
    pub(super) defs: String,
    /// Text put before `src[at..]` so the isolated parse reads it as it reads in place: the fence's opening line, the
    /// table's header and delimiter rows, a dummy item that keeps a loose list loose.
    pub(super) context: String,
    /// The open block's tag; the resumed parse's first block must have it.
    pub(super) block_tag: &'static str,
    /// Which element of the block receives the re-parsed children.
    pub(super) target: Target,
    /// Children of the target that are final and kept as they are.
    pub(super) kept: usize,
    /// Final text that the first re-parsed text continues (the resume point splits a text node).
    pub(super) boundary: Option<Boundary>,
    /// Leading parsed children that come from `context` (the dummy list item).
    pub(super) drop_first: usize,
    /// For lists: the looseness the resumed parse must show; a change means the whole list renders again.
    pub(super) tight: Option<bool>,
    /// `context` is the dummy word `x`, put before text resumed mid-line so that it never parses as the start of a
    /// block; it is taken off the first parsed text again.
    pub(super) lead_word: bool,
}

/// The kept text a resume point splits: the start of the target's mounted child at index `kept`, a text node.
#[derive(Debug, Clone)]
pub(super) enum Boundary {
    /// A copy of the text.
    Copied(String),
    /// The first this many bytes of that text node as mounted. A paragraph resumes after text it shows, and until its
    /// resume is replaced, renders only extend that node (an append in place; a resumed parse joins the node's start
    /// to what it parsed again): copying the node whenever a resume is set (at each space of a long paragraph) would
    /// make the work per chunk grow with the paragraph.
    Mounted(usize),
}

impl Resume {
    /// The kept text the resume point split (`Some(None)`: the resume splits none), read from the mounted children of
    /// its target for a [`Boundary::Mounted`]; `None` when they no longer start with it.
    pub(super) fn boundary_in<'a>(&'a self, target_children: &'a [Mounted]) -> Option<Option<&'a str>> {
        match &self.boundary {
            None => Some(None),
            Some(Boundary::Copied(text)) => Some(Some(text)),
            Some(Boundary::Mounted(len)) => match &target_children.get(self.kept)?.kind {
                MountedKind::Text(text) => text.get(..*len).map(Some),
                _ => None,
            },
        }
    }
}

/// The element of the open block that a resumed parse fills.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Target {
    /// The block element itself (paragraph, list).
    Block,
    /// Its n-th child element (`<code>` of `<pre>`, `<tbody>` of `<table>`); the context reproduces the children
    /// before it, so the parse has it at the same index.
    Child(usize),
    /// Inline text at the end of nested containers (`> > text`, a list's last item, an item of a nested list): at
    /// each level, the mounted child at the first index continues as the parse's child at the second (the parse's
    /// children before it are context: a loose list's dummy first item, a parent item's dummy text), and the
    /// parse's later children follow it as new siblings.
    Spine(Vec<(usize, usize)>),
    /// A descendant of the block reached through the mounted children at these indices (a list in block quotes):
    /// the parse reaches it through its only child at each level, and nothing may follow it there.
    Descendant(Vec<usize>),
}

impl Target {
    pub(super) fn find<'n>(&self, node: &'n Node) -> Option<&'n [Node]> {
        let Node::Element(el) = node else { return None };
        match self {
            Target::Spine(_) => None,
            Target::Descendant(path) => {
                let mut el = el;
                for _ in path {
                    match el.children.as_slice() {
                        [Node::Element(only)] => el = only,
                        _ => return None,
                    }
                }
                Some(&el.children)
            }
            Target::Block => Some(&el.children),
            &Target::Child(index) => match el.children.get(index) {
                Some(Node::Element(child)) => Some(&child.children),
                // No such child: nothing parsed into it yet (a table whose body has no rows has no `<tbody>`).
                None if el.children.len() == index => Some(&[]),
                _ => None,
            },
        }
    }

    pub(super) fn find_mut<'m>(&self, mounted: &'m mut Mounted) -> Option<(NodeId, &'m mut Vec<Mounted>)> {
        let id = mounted.id;
        let MountedKind::Element { children, .. } = &mut mounted.kind else { return None };
        match self {
            Target::Spine(_) => None,
            Target::Descendant(path) => {
                let (mut id, mut children) = (id, children);
                for &index in path {
                    let child = children.get_mut(index)?;
                    id = child.id;
                    let MountedKind::Element { children: inner, .. } = &mut child.kind else { return None };
                    children = inner;
                }
                Some((id, children))
            }
            Target::Block => Some((id, children)),
            &Target::Child(index) => {
                let child = children.get_mut(index)?;
                let child_id = child.id;
                match &mut child.kind {
                    MountedKind::Element { children, .. } => Some((child_id, children)),
                    _ => None,
                }
            }
        }
    }
}

/// The children a resumed parse puts after the kept ones, or `None` when its first block does not fit the resume.
/// `boundary` is the resume's, as read by [`Resume::boundary_in`].
pub(super) fn splice_children(
    resume: &Resume,
    boundary: Option<&str>,
    first: Option<&render::RenderedBlock>,
) -> Option<Vec<Node>> {
    let parsed: &[Node] = match first {
        // Nothing parsed after the resume point yet (only a paragraph can be empty there).
        None if resume.block_tag == "p" => &[],
        None => return None,
        Some(block) => {
            let Node::Element(el) = &block.node else { return None };
            if el.tag != resume.block_tag {
                return None;
            }
            let parsed_tight = match &block.detail {
                render::BlockDetail::List { tight, .. } | render::BlockDetail::QuotedList { tight, .. } => Some(*tight),
                _ => None,
            };
            if let (Some(tight), Some(parsed_tight)) = (resume.tight, parsed_tight) {
                // The dummy item makes a loose list's parse loose; a tight list must still parse tight.
                if tight != parsed_tight {
                    return None;
                }
            }
            resume.target.find(&block.node)?
        }
    };
    let parsed = parsed.get(resume.drop_first..).unwrap_or(&[]);
    if !resume.lead_word {
        return Some(join_boundary(boundary, parsed));
    }
    // Take the dummy word off again: the parse must begin with it as plain text.
    let Some(Node::Text(first)) = parsed.first() else { return None };
    let mut rest = first.strip_prefix('x')?;
    if resume.context == STITCH_CONTEXT {
        // The segment's own text follows the separating space (comrak drops the space before a line break).
        rest = rest.strip_prefix(' ').unwrap_or(rest);
    }
    let mut without: Vec<Node> = Vec::with_capacity(parsed.len());
    if !rest.is_empty() {
        without.push(Node::Text(rest.to_owned()));
    }
    without.extend(parsed[1..].iter().cloned());
    Some(join_boundary(boundary, &without))
}

/// The parsed children, with `boundary` (kept text the resume point split) joined to the first text.
fn join_boundary(boundary: Option<&str>, parsed: &[Node]) -> Vec<Node> {
    let mut spliced = Vec::with_capacity(parsed.len() + 1);
    let mut rest = parsed.iter();
    if let Some(boundary) = boundary {
        match parsed.first() {
            Some(Node::Text(first)) => {
                rest.next();
                spliced.push(Node::Text(format!("{boundary}{first}")));
            }
            _ => spliced.push(Node::Text(boundary.to_owned())),
        }
    }
    spliced.extend(rest.cloned());
    spliced
}

/// Whether a resumed parse has the shape of the mounted spine: the same tags along the path, ending in the target.
pub(super) fn spine_matches(mounted: &Mounted, parsed: &Element, path: &[(usize, usize)], kept: usize) -> bool {
    let MountedKind::Element { tag, children, .. } = &mounted.kind else { return false };
    if *tag != parsed.tag {
        return false;
    }
    // An item of a tight list holds its text, of a loose one paragraphs: a list must not have turned loose.
    let starts_with_p = |first: Option<&'static str>| first == Some("p");
    let parsed_first = parsed.children.first().and_then(|c| match c {
        Node::Element(el) => Some(el.tag),
        _ => None,
    });
    if *tag == "li" && starts_with_p(children.first().map(mounted_tag)) != starts_with_p(parsed_first) {
        return false;
    }
    match path.split_first() {
        // The parse's leaf holds inline text only: a block in it (a table header, a nested list…) was text in place.
        None => {
            // (A list item may gain a nested list after its text: the context gave the line its real indentation.)
            let inline = |child: &Node| !matches!(child, Node::Element(el) if is_block_tag(el.tag));
            let nested_list = |child: &Node| matches!(child, Node::Element(el) if matches!(el.tag, "ul" | "ol"));
            let text_end = parsed.children.iter().position(|child| !inline(child)).unwrap_or(parsed.children.len());
            children.len() >= kept
                && (parsed.children[text_end..].is_empty()
                    || (*tag == "li" && parsed.children[text_end..].iter().all(nested_list)))
        }
        Some((&(index, parsed_index), rest)) => match (children.get(index), parsed.children.get(parsed_index)) {
            (Some(next), Some(Node::Element(parsed_next))) => spine_matches(next, parsed_next, rest, kept),
            _ => false,
        },
    }
}

/// Splices a resumed parse along a spine checked by [`spine_matches`].
pub(super) fn splice_spine(
    differ: &mut Differ<'_>,
    mounted: &mut Mounted,
    parsed: &Element,
    path: &[(usize, usize)],
    resume: &Resume,
) {
    let id = mounted.id;
    let MountedKind::Element { children, .. } = &mut mounted.kind else { return };
    match path.split_first() {
        None => {
            // (A spine's resume copies its boundary, which always reads.)
            let Some(boundary) = resume.boundary_in(children) else { return };
            let spliced = join_boundary(boundary, &parsed.children);
            let mut open = children.split_off(resume.kept.min(children.len()));
            differ.sync_children(id, &mut open, &spliced, None);
            children.append(&mut open);
        }
        Some((&(index, parsed_index), rest)) => {
            let continued = parsed.children.get(parsed_index);
            if let (Some(next), Some(Node::Element(parsed_next))) = (children.get_mut(index), continued) {
                splice_spine(differ, next, parsed_next, rest, resume);
            }
            // The parse's later children are new siblings after the continued one.
            let mut after = children.split_off((index + 1).min(children.len()));
            differ.sync_children(id, &mut after, parsed.children.get(parsed_index + 1..).unwrap_or(&[]), None);
            children.append(&mut after);
        }
    }
}

pub(super) fn mounted_tag(block: &Mounted) -> &'static str {
    match block.kind {
        MountedKind::Element { tag, .. } => tag,
        _ => "",
    }
}

/// The context of a parse resumed at a segment cut: a dummy word and a space.
pub(super) const STITCH_CONTEXT: &str = "x ";

/// Tags of block elements (a tight list item holding one is not inline text only).
pub(super) fn is_block_tag(tag: &str) -> bool {
    matches!(
        tag,
        "p" | "ul"
            | "ol"
            | "li"
            | "blockquote"
            | "pre"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "hr"
            | "table"
            | "div"
    )
}
