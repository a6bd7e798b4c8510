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

use super::{sync_footnotes, IncrementalMarkdown, MarkdownStats};
use crate::patch::diff::{Differ, IdAllocator, Mounted};
use crate::patch::{Node, PatchOp};

/// What a document's DOM shows, taken out of the document it replaces ([`IncrementalMarkdown::take_shown`]).
pub struct Shown {
    blocks: Vec<Mounted>,
    footnotes: Option<Mounted>,
    stats: MarkdownStats,
}

impl IncrementalMarkdown {
    /// Gives up the mounted DOM (and the work counters) to the document that replaces this one; this one shows
    /// nothing afterwards and is meant to be dropped.
    pub fn take_shown(&mut self) -> Shown {
        Shown { blocks: std::mem::take(&mut self.blocks), footnotes: self.footnotes.take(), stats: self.stats }
    }

    /// Renders this document, which has not rendered yet, over the DOM `shown` (the document it replaces): the DOM
    /// ends as this document's own first [`render`](Self::render) would make it, and blocks equal to shown ones keep
    /// their nodes.
    pub fn render_over(&mut self, shown: Shown, ids: &mut IdAllocator, ops: &mut Vec<PatchOp>) {
        debug_assert!(self.blocks.is_empty() && self.footnotes.is_none(), "render_over on a document that rendered");
        let mut own_ids = IdAllocator::default();
        self.render(&mut own_ids, &mut Vec::new());
        let new_blocks: Vec<Node> = std::mem::take(&mut self.blocks).iter().map(Mounted::to_node).collect();
        let new_footnotes = self.footnotes.take().map(|section| section.to_node());

        let Shown { blocks: mut old, footnotes: mut section, stats } = shown;
        let kept_before = old.iter().zip(&new_blocks).take_while(|(mounted, node)| mounted.shows(node)).count();
        let room = old.len().min(new_blocks.len()) - kept_before;
        let kept_after =
            old.iter().rev().zip(new_blocks.iter().rev()).take(room).take_while(|(m, node)| m.shows(node)).count();

        // A replacement takes the old text's words away on purpose: not watched for shown-text losses.
        let mut differ = Differ::new(ids, ops);
        let after = old.split_off(old.len() - kept_after);
        let mut middle = old.split_off(kept_before);
        let before = after.first().or(section.as_ref()).map(|next| next.id);
        differ.sync_children(self.root, &mut middle, &new_blocks[kept_before..new_blocks.len() - kept_after], before);
        old.append(&mut middle);
        old.extend(after);
        sync_footnotes(&mut differ, self.root, &mut section, new_footnotes.as_ref());
        self.blocks = old;
        self.footnotes = section;
        self.stats = add_stats(stats, self.stats);
    }
}

/// Counters of the replaced document and of its replacement, summed (every field is a count of work done).
fn add_stats(a: MarkdownStats, b: MarkdownStats) -> MarkdownStats {
    let MarkdownStats {
        bytes_parsed,
        parses,
        blocks_committed,
        reconcile_ops_on_committed,
        resumes_abandoned,
        late_definition_patches,
        appended_in_place,
        finish_repairs,
        finish_verified_bytes,
        shown_text_losses,
    } = a;
    MarkdownStats {
        bytes_parsed: bytes_parsed + b.bytes_parsed,
        parses: parses + b.parses,
        blocks_committed: blocks_committed + b.blocks_committed,
        reconcile_ops_on_committed: reconcile_ops_on_committed + b.reconcile_ops_on_committed,
        resumes_abandoned: resumes_abandoned + b.resumes_abandoned,
        late_definition_patches: late_definition_patches + b.late_definition_patches,
        appended_in_place: appended_in_place + b.appended_in_place,
        finish_repairs: finish_repairs + b.finish_repairs,
        finish_verified_bytes: finish_verified_bytes + b.finish_verified_bytes,
        shown_text_losses: shown_text_losses + b.shown_text_losses,
    }
}
