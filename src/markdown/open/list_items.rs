//! The open list: its next parse at the last item that started on a complete line, and the next line of a tight
//! list's last item.

use crate::markdown::list::{self, item_prefix};
use crate::markdown::pass::ShownTail;
use crate::markdown::resume::{is_block_tag, mounted_tag, Resume, Target};
use crate::markdown::scan::first_line;
use crate::markdown::IncrementalMarkdown;
use crate::patch::diff::{Mounted, MountedKind};

impl IncrementalMarkdown {
    /// The open list's next parse: at its last item that started on a complete line (the items before it are final);
    /// and candidates inside the line being typed of the last item, or at the next line of a tight list's last item.
    pub(super) fn list_resume(
        &mut self,
        shown: &ShownTail<'_>,
        open_list: list::OpenList,
        item_lines: &[usize],
    ) -> Option<Resume> {
        let (resume, base, layout) = (shown.resume, shown.base, &shown.layout);
        let tight = open_list.tight;
        let open_defs = open_list.defs.clone();
        self.tail.open_list_tight = Some(tight);
        let open_list = list::OpenList { tag: self.blocks.last().map_or("ul", mounted_tag), ..open_list };
        let to_body_line = |line: usize| layout.to_body_line(line);
        let last_item = list::ItemMap::of(resume).last_complete_item(item_lines, to_body_line, |l| layout.complete(l));
        let body = &self.src[base..];
        let item = last_item.and_then(|(index, line)| {
            let at = layout.line_offset(line)?;
            let kept_source = &self.src[self.commit.len.min(base + at)..base + at];
            list::item_resume(&open_list, base + at, index, body[at..].starts_with([' ', '\t']), kept_source)
        });
        // Inside the first line of the last item (or of an item of its nested list), being typed: after its last
        // settled word.
        if !shown.speculated && layout.incomplete_last_line.is_some() {
            // The item's scan begins at its text (any parse may begin it); the line may start an item of the last
            // item's nested list too.
            self.nested_candidate(Some(0), open_defs.clone(), true);
        }
        // At the end of a line of a tight list's last item: the next line may continue its paragraph.
        if !shown.speculated && layout.incomplete_last_line.is_none() && tight {
            let item_line = item_lines.last().map(|&line| to_body_line(line)).filter(|&line| line >= 1);
            let item_start = match (item_line.and_then(|line| layout.line_offset(line)), resume) {
                // Resumed inside the item's text: the line it was resumed on has ended.
                (_, Some(r)) if matches!(r.target, Target::Spine(_)) => {
                    self.line_candidate_after(r);
                    None
                }
                (Some(at), _) => item_prefix(first_line(&self.src[base + at..]))
                    .filter(|&(_, _, indent)| indent <= 3)
                    .map(|(len, prefix, _)| (Some(base + at + len), prefix)),
                _ => None,
            };
            if let Some((start, prefix)) = item_start {
                self.list_line_candidate(start, prefix, open_defs);
            }
        }
        item
    }

    /// At the end of a line of a tight list's last item (at the top level, inline text only, all of it settled), the
    /// next line may continue the item's paragraph, lazily or indented: it can be parsed alone after the item's marker
    /// (`prefix`), its text joined to the item's after a line break. `start` begins the item's scan at its text (see
    /// [`Self::scan_settled`]). Sets a candidate that [`Self::promote_candidate`] takes once the line's start shows it
    /// continues the paragraph.
    fn list_line_candidate(&mut self, start: Option<usize>, prefix: String, defs: String) {
        let Some(defs) = self.scan_settled(start, defs, false) else { return };
        if self.tail.settle.as_ref().is_none_or(|s| s.quote) {
            return;
        }
        // The text ends one line with text: no blank line, no hard line break (two spaces, a backslash).
        let Some(complete) = self.src.strip_suffix('\n') else { return };
        let complete = complete.strip_suffix('\r').unwrap_or(complete);
        let last_line = &complete[self.line_start(complete.len())..];
        if last_line.trim().is_empty() || last_line.ends_with(['\\', '\t']) || last_line.ends_with("  ") {
            return;
        }
        let Some(list) = self.blocks.last() else { return };
        let Some(spine) = list::item_spine(list, self.tail.open_list_tight) else { return };
        let inline_only = spine.leaf.iter().all(|child| match &child.kind {
            MountedKind::Element { tag, .. } => !is_block_tag(tag),
            _ => true,
        });
        if spine.nested > 0 || spine.loose || !inline_only {
            return;
        }
        let (kept, boundary) = match spine.leaf.last() {
            Some(Mounted { kind: MountedKind::Text(text), .. }) => (spine.leaf.len() - 1, format!("{text}\n")),
            _ => (spine.leaf.len(), "\n".to_owned()),
        };
        self.tail.candidate =
            Some(list::line_resume(self.src.len(), prefix, mounted_tag(list), spine.path, kept, boundary, defs));
    }

    /// After a parse resumed inside the line of a top-level list item's text (its marker the context), once that line
    /// has ended: the next line may continue the item (see [`Self::list_line_candidate`]).
    pub(in crate::markdown) fn line_candidate_after(&mut self, resume: &Resume) {
        let in_list = self.blocks.last().is_some_and(|b| matches!(mounted_tag(b), "ul" | "ol"));
        if !in_list || !matches!(resume.target, Target::Spine(_)) || self.tail.open_list_tight != Some(true) {
            return;
        }
        let single_marker =
            item_prefix(&resume.context).filter(|&(len, _, indent)| len == resume.context.len() && indent <= 3);
        if let Some((_, prefix, _)) = single_marker {
            self.list_line_candidate(None, prefix, resume.defs.clone());
        }
    }

    /// The lines of the `count` items a nested item at `indent`, on the line starting at `line_start`, is in, each
    /// with a dummy word: the nearest item lines above it with less indentation (a few hundred lines at most).
    pub(super) fn ancestor_items(&self, line_start: usize, indent: usize, count: usize) -> Option<String> {
        // The same line asks again at every word: its ancestors do not change.
        let key = (line_start, indent, count, self.commit.len);
        if let Some((known, ancestors)) = &*self.tail.ancestors.borrow() {
            if *known == key {
                return ancestors.clone();
            }
        }
        let ancestors = list::ancestor_items(&self.src, self.commit.len, line_start, indent, count);
        *self.tail.ancestors.borrow_mut() = Some((key, ancestors.clone()));
        ancestors
    }
}
