//! The plan of an open block quote whose last block is a list (`> - item` lines, in quotes at any depth): the next
//! parse starts at the last item that began on a complete line, quote markers and all, as a top-level list resumes
//! at its last item; the items before it are kept.
//!
//! - **Context**: none. The resumed lines carry their own quote markers, so the parse rebuilds the quotes, and the
//!   list's items follow from the resumed item on.
//! - **Fit check**: the parse must show the quotes, each holding only the next one and the last the list
//!   ([`Target::Descendant`]), and the list as tight as before (a tight list only: a loose one parses whole). A
//!   block after the list inside the quote, a list that turned loose, or a new list does not fit: the quote is parsed
//!   whole.
//! - **Splice**: the parsed items replace the mounted list's items from the resumed one on.
//!
//! The paragraph of a quote (`> > text`) resumes inside its lines instead (`quote_candidate` and `nested_candidate`
//! in `mod.rs`).

use super::resume::{Resume, Target};

/// The resume at the start of the quoted list's item `index`, whose line starts at byte `at`; `path` leads from the
/// quote to the list (see [`Target::Descendant`]). `None` for a loose list.
pub(super) fn item_resume(at: usize, index: usize, path: Vec<usize>, tight: bool, defs: String) -> Option<Resume> {
    tight.then(|| Resume {
        at,
        defs,
        context: String::new(),
        block_tag: "blockquote",
        target: Target::Descendant(path),
        kept: index,
        boundary: None,
        drop_first: 0,
        tight: Some(true),
        lead_word: false,
    })
}
