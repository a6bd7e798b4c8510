//! A document replaced by another (`Renderer.update(fullText)` with a text that does not extend the current one):
//! the new document renders as a fresh engine given the new text would, and then takes over the DOM the old one shows
//! with the fewest changes, so blocks that read the same stay untouched (their nodes, a selection in them, the
//! reader's place).
//!
//! The new engine renders into ids of its own that are never handed out (its ops are dropped); its mounted blocks are
//! then compared with the shown ones: the leading and trailing blocks that are equal are kept as they are, the blocks
//! between are patched position by position ([`Differ::sync_children`]), and the result, with the DOM's ids, becomes
//! the new engine's mounted state. Ids live only in mounted trees, so the engine's other state (commit point, resume
//! points, footnote book) is the fresh engine's, exactly as if it had been given the text in one piece.

use super::footnotes::show_section;
use super::stats::{add_stats, MarkdownStats};
use crate::patch::diff::{Differ, Mounted};
use crate::patch::{Node, NodeId};

/// What a document's DOM shows, taken out of the document it replaces (`IncrementalMarkdown::take_shown`).
pub struct Shown {
    pub(super) blocks: Vec<Mounted>,
    pub(super) footnotes: Option<Mounted>,
    pub(super) stats: MarkdownStats,
}

/// What the replacing document ends with: the shown DOM, patched to show its own first render (`new_blocks`,
/// `new_footnotes`), and the counters of both.
pub(super) struct TakenOver {
    pub(super) blocks: Vec<Mounted>,
    pub(super) footnotes: Option<Mounted>,
    pub(super) stats: MarkdownStats,
}

/// Patches the DOM `shown` (children of `root`) until it shows `new_blocks` and `new_footnotes`: the leading and
/// trailing blocks that are equal are kept as they are, the blocks between are patched position by position.
/// `stats`: the replacing document's counters.
pub(super) fn take_over(
    differ: &mut Differ<'_>,
    root: NodeId,
    shown: Shown,
    new_blocks: &[Node],
    new_footnotes: Option<&Node>,
    stats: MarkdownStats,
) -> TakenOver {
    let Shown { blocks: mut old, footnotes: mut section, stats: old_stats } = shown;
    let kept_before = old.iter().zip(new_blocks).take_while(|(mounted, node)| mounted.shows(node)).count();
    let room = old.len().min(new_blocks.len()) - kept_before;
    let kept_after =
        old.iter().rev().zip(new_blocks.iter().rev()).take(room).take_while(|(m, node)| m.shows(node)).count();
    let after = old.split_off(old.len() - kept_after);
    let mut middle = old.split_off(kept_before);
    let before = after.first().or(section.as_ref()).map(|next| next.id);
    differ.sync_children(root, &mut middle, &new_blocks[kept_before..new_blocks.len() - kept_after], before);
    old.append(&mut middle);
    old.extend(after);
    show_section(differ, root, &mut section, new_footnotes);
    TakenOver { blocks: old, footnotes: section, stats: add_stats(old_stats, stats) }
}
