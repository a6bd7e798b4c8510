//! `update(fullText)` natively ([`Pipeline::update_text`]): a host that holds the whole answer text (a chat UI's
//! message state) hands it over on every change. Growing text is appended exactly as writes of the deltas would be
//! (same ops, same work); a text that does not extend the shown one (edited, regenerated, replaced) starts the answer
//! over, shows what a new pipeline given that text shows, and changes only the blocks that differ. Checked on
//! hand-made edits and on generated LLM-shaped answers with seeded random edits (`RILLMARK_SEED` replays others).
#![cfg(not(target_arch = "wasm32"))]

mod support;

use std::collections::{HashMap, HashSet};

use rillmark::markdown::render::render;
use rillmark::options::RenderOptions;
use rillmark::patch::html::to_html;
use rillmark::patch::recorder::HtmlRecorder;
use rillmark::patch::{NodeId, PatchOp, PatchSink, ROOT};
use rillmark::pipeline::{Outcome, Pipeline, TextChange};

use support::llm_markdown::{generate, Seeded};
use support::{base_seed, random_char_pieces, Rng};

/// A sink that applies ops to an [`HtmlRecorder`] and also keeps the tree's shape by id, so a test can tell which
/// nodes a batch of ops touched.
#[derive(Default)]
struct Dom {
    recorder: HtmlRecorder,
    children: HashMap<NodeId, Vec<NodeId>>,
    ops: Vec<PatchOp>,
}

impl PatchSink for Dom {
    fn apply(&mut self, ops: &[PatchOp]) {
        self.recorder.apply(ops);
        self.ops.extend_from_slice(ops);
        for op in ops {
            match *op {
                PatchOp::Append { parent, child } => self.children.entry(parent).or_default().push(child),
                PatchOp::Prepend { parent, child } => self.children.entry(parent).or_default().insert(0, child),
                PatchOp::InsertBefore { parent, child, before } => {
                    let list = self.children.entry(parent).or_default();
                    let at = list.iter().position(|&id| id == before).unwrap_or(list.len());
                    list.insert(at, child);
                }
                PatchOp::Replace { old, new } => {
                    for list in self.children.values_mut() {
                        if let Some(at) = list.iter().position(|&id| id == old) {
                            list[at] = new;
                        }
                    }
                }
                PatchOp::Remove { id } => {
                    for list in self.children.values_mut() {
                        list.retain(|&child| child != id);
                    }
                }
                PatchOp::Release { id } => {
                    self.children.remove(&id);
                }
                _ => {}
            }
        }
    }
}

impl Dom {
    fn html(&self) -> String {
        self.recorder.html()
    }

    /// The ids of the root's children, in order.
    fn blocks(&self) -> Vec<NodeId> {
        self.children.get(&ROOT).cloned().unwrap_or_default()
    }

    /// Every id in the subtree of `id`.
    fn subtree(&self, id: NodeId, into: &mut HashSet<NodeId>) {
        into.insert(id);
        for &child in self.children.get(&id).into_iter().flatten() {
            self.subtree(child, into);
        }
    }

    /// The ops since `from` that name a node of `ids` (a change to it, to its children, or its removal).
    fn ops_touching(&self, from: usize, ids: &HashSet<NodeId>) -> Vec<PatchOp> {
        self.ops[from..]
            .iter()
            .filter(|op| {
                let named: &[NodeId] = &match **op {
                    PatchOp::CreateElement { .. } | PatchOp::CreateText { .. } | PatchOp::CreateRawHtml { .. } => {
                        vec![]
                    }
                    PatchOp::SetAttribute { id, .. }
                    | PatchOp::RemoveAttribute { id, .. }
                    | PatchOp::AppendText { id, .. }
                    | PatchOp::ReplaceText { id, .. }
                    | PatchOp::Remove { id }
                    | PatchOp::Release { id } => vec![id],
                    PatchOp::Append { parent, .. } | PatchOp::Prepend { parent, .. } => vec![parent],
                    PatchOp::InsertBefore { parent, .. } => vec![parent],
                    PatchOp::Replace { old, .. } => vec![old],
                };
                named.iter().any(|id| ids.contains(id))
            })
            .cloned()
            .collect()
    }
}

fn one_shot(text: &str) -> String {
    let doc = render(text, &RenderOptions::default());
    let mut nodes: Vec<_> = doc.blocks.into_iter().map(|block| block.node).collect();
    nodes.extend(doc.footnotes);
    to_html(&nodes)
}

/// What a new pipeline shows once it is given `text` in one piece and renders.
fn fresh_render(text: &str) -> String {
    let mut pipeline = Pipeline::for_text(RenderOptions::default());
    let mut dom = Dom::default();
    pipeline.feed_text(text);
    pipeline.render(&mut dom);
    dom.html()
}

/// A pipeline for written text and its DOM, given `text` and rendered.
fn shown(text: &str) -> (Pipeline, Dom) {
    let mut pipeline = Pipeline::for_text(RenderOptions::default());
    let mut dom = Dom::default();
    assert_eq!(pipeline.update_text(text), TextChange::Appended, "the first text is appended to the empty answer");
    pipeline.render(&mut dom);
    (pipeline, dom)
}

#[track_caller]
fn assert_clean(dom: &Dom) {
    assert_eq!(dom.recorder.violations(), &[] as &[String], "every op should be valid for the DOM it patches");
}

#[test]
fn growing_text_is_appended_with_the_ops_and_work_of_writes_of_the_deltas() {
    let answer = generate(&mut Seeded(base_seed()), 12);
    let pieces = random_char_pieces(&answer, base_seed(), 9);
    let (mut written, mut written_dom) = (Pipeline::for_text(RenderOptions::default()), Dom::default());
    let (mut updated, mut updated_dom) = (Pipeline::for_text(RenderOptions::default()), Dom::default());
    let mut so_far = String::new();
    for piece in pieces {
        so_far.push_str(piece);
        written.feed_text(piece);
        assert_eq!(updated.update_text(&so_far), TextChange::Appended, "a longer text that extends the shown one");
        written.render(&mut written_dom);
        updated.render(&mut updated_dom);
    }
    assert_eq!(updated.update_text(&so_far), TextChange::Unchanged, "the same text again changes nothing");
    written.finish(&mut written_dom);
    updated.finish(&mut updated_dom);
    assert_eq!(updated_dom.ops, written_dom.ops, "update() of growing text should emit exactly write()'s ops");
    assert_eq!(updated.answer().stats(), written.answer().stats(), "…after exactly the same parsing work");
    assert_eq!(updated_dom.html(), one_shot(&answer), "the final DOM should be the one-shot render");
    assert_clean(&updated_dom);
}

#[test]
fn a_changed_last_paragraph_leaves_the_blocks_before_it_untouched() {
    let (mut pipeline, mut dom) = shown("# Title\n\nFirst paragraph.\n\n- one\n- two\n\nThe last paragraph, as it was");
    let kept: Vec<NodeId> = dom.blocks()[..3].to_vec();
    let mut kept_ids = HashSet::new();
    for &block in &kept {
        dom.subtree(block, &mut kept_ids);
    }
    let before = dom.ops.len();
    let edited = "# Title\n\nFirst paragraph.\n\n- one\n- two\n\nThe last paragraph, edited";
    assert_eq!(pipeline.update_text(edited), TextChange::Replaced, "an edit is not an extension");
    pipeline.render(&mut dom);
    assert_eq!(dom.ops_touching(before, &kept_ids), vec![], "no op should touch the three unchanged blocks");
    assert_eq!(dom.blocks()[..3], kept[..], "the unchanged blocks should be the same nodes, in place");
    assert_eq!(dom.html(), fresh_render(edited), "the DOM should show what a new renderer given the text shows");
    let ops = &dom.ops[before..];
    assert!(ops.len() <= 2, "one text edit of the last paragraph (and nothing else) should do: {ops:?}");
    pipeline.finish(&mut dom);
    assert_eq!(dom.html(), one_shot(edited));
    assert_clean(&dom);
}

#[test]
fn a_block_inserted_at_the_start_keeps_the_equal_blocks_after_it() {
    let old = "Alpha.\n\n## Beta\n\n```rust\nfn gamma() {}\n```\n\nDelta, still open";
    let (mut pipeline, mut dom) = shown(old);
    let mut after_ids = HashSet::new();
    for &block in &dom.blocks()[..3] {
        dom.subtree(block, &mut after_ids);
    }
    let before = dom.ops.len();
    let new = format!("New first paragraph.\n\n{old}");
    assert_eq!(pipeline.update_text(&new), TextChange::Replaced);
    pipeline.render(&mut dom);
    let touching = dom.ops_touching(before, &after_ids);
    // Only the old first paragraph may be patched (it is at the new one's place); the heading and the code block,
    // equal in the new text, keep their nodes.
    assert!(
        touching.iter().all(|op| !matches!(op, PatchOp::Remove { .. } | PatchOp::Replace { .. })),
        "the blocks after the insertion should not be removed or replaced: {touching:?}"
    );
    assert_eq!(dom.html(), fresh_render(&new));
    pipeline.finish(&mut dom);
    assert_eq!(dom.html(), one_shot(&new));
    assert_clean(&dom);
}

#[test]
fn a_regenerated_answer_starts_over_from_empty_and_streams_as_a_new_one() {
    let first = "The first answer, with **bold** and a list:\n\n1. one\n2. two\n";
    let second = generate(&mut Seeded(base_seed() ^ 7), 8);
    let (mut pipeline, mut dom) = shown(first);
    assert_eq!(pipeline.update_text(""), TextChange::Replaced, "an empty text replaces the answer");
    pipeline.render(&mut dom);
    assert_eq!(dom.html(), "", "the replaced answer's blocks are all removed");
    let mut so_far = String::new();
    for piece in random_char_pieces(&second, base_seed(), 6) {
        so_far.push_str(piece);
        assert_eq!(pipeline.update_text(&so_far), TextChange::Appended);
        pipeline.render(&mut dom);
    }
    assert_eq!(pipeline.answer().text(), second);
    assert_eq!(pipeline.finish(&mut dom), Outcome::Done { reason: None });
    assert_eq!(dom.html(), one_shot(&second), "the regenerated answer ends as its one-shot render");
    assert_eq!(pipeline.finish_repairs(), 0, "streaming after a replacement should need no repair");
    assert_clean(&dom);
}

#[test]
fn replacements_before_a_render_show_only_the_last_text() {
    let (mut pipeline, mut dom) = shown("Shown paragraph.\n\nAnother.");
    pipeline.update_text("Something else entirely.");
    pipeline.update_text("Shown paragraph.\n\nA third text");
    assert!(pipeline.needs_render());
    pipeline.render(&mut dom);
    assert_eq!(dom.html(), fresh_render("Shown paragraph.\n\nA third text"));
    pipeline.finish(&mut dom);
    assert_eq!(dom.html(), one_shot("Shown paragraph.\n\nA third text"));
    assert_clean(&dom);
}

#[test]
fn a_replacement_waiting_at_the_end_is_rendered_by_finish() {
    let (mut pipeline, mut dom) = shown("Footnote[^a] and text.\n\n[^a]: Its note.\n\nMore");
    pipeline.update_text("Other[^b] text.\n\n[^b]: Another note.\n");
    pipeline.finish(&mut dom);
    assert_eq!(dom.html(), one_shot("Other[^b] text.\n\n[^b]: Another note.\n"));
    assert_eq!(pipeline.update_text("After the end"), TextChange::Ended, "an ended answer stays as it is");
    assert_eq!(pipeline.answer().text(), "Other[^b] text.\n\n[^b]: Another note.\n");
    assert_clean(&dom);
}

/// Seeded random edits of generated answers (cut back, a character changed, text inserted, a block dropped), each
/// or growth: after every replacement the DOM shows what a new pipeline given the same text shows, and the end is
/// the one-shot render with no repair.
#[test]
fn random_edits_of_generated_answers_show_what_a_new_renderer_would() {
    let base = base_seed();
    for round in 0..40u64 {
        let seed = base.wrapping_add(round);
        let mut rng = Rng::new(seed);
        let answer = generate(&mut Seeded(seed), 10);
        let mut pipeline = Pipeline::for_text(RenderOptions::default());
        let mut dom = Dom::default();
        let mut text = String::new();
        for step in 0..6 {
            let cut = |text: &str, at: usize| text.char_indices().nth(at).map_or(text.len(), |(i, _)| i);
            let chars = text.chars().count();
            text = match rng.below(4) {
                _ if step == 0 || chars == 0 => answer[..cut(&answer, rng.below(answer.chars().count() + 1))].into(),
                0 => text[..cut(&text, rng.below(chars))].into(),
                1 => {
                    let at = cut(&text, rng.below(chars));
                    let next = at + text[at..].chars().next().map_or(0, char::len_utf8);
                    format!("{}{}{}", &text[..at], ["x", "*", "\n", "#", "|", "`"][rng.below(6)], &text[next..])
                }
                2 => {
                    let at = cut(&text, rng.below(chars));
                    format!(
                        "{}{}{}",
                        &text[..at],
                        ["\n\nInserted.\n\n", " and more ", "- item\n"][rng.below(3)],
                        &text[at..]
                    )
                }
                _ => answer.clone(),
            };
            let change = pipeline.update_text(&text);
            pipeline.render(&mut dom);
            // (After an append the DOM is the stream's state, which other suites check; a replacement shows what a
            // new renderer would.)
            if change == TextChange::Replaced {
                assert!(
                    dom.html() == fresh_render(&text),
                    "round {round} (RILLMARK_SEED={base}), step {step}: after a replacement the DOM should show what \
                     a new renderer given the text shows; text: {text:?}"
                );
            }
        }
        pipeline.finish(&mut dom);
        assert_eq!(dom.html(), one_shot(&text), "round {round} (RILLMARK_SEED={base}): the end is the one-shot render");
        assert_eq!(pipeline.finish_repairs(), 0, "round {round}: no repair at the end; text: {text:?}");
        assert_clean(&dom);
    }
}
