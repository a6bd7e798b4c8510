//! Which renders are watched for shown words they take away ([`super::stats::MarkdownStats::shown_text_losses`]), and the
//! buffers that watch them (`patch/shown_words.rs`), lent to the differ of each watched render.

use crate::patch::shown_words::ShownWords;

pub(super) struct WordWatch {
    /// The render being made is watched.
    watching: bool,
    /// The line open at the last render holds a `]:`: a link or footnote definition may be in it, and a definition
    /// changes how references show (text → link), so the renders until its line ends are not watched.
    definition_line_open: bool,
    /// The buffers, kept between renders (`None` while lent, or once a watched pass was abandoned: see
    /// [`Self::lend`]).
    words: Option<ShownWords>,
}

impl WordWatch {
    pub(super) fn new(gfm: bool) -> WordWatch {
        WordWatch { watching: false, definition_line_open: false, words: Some(ShownWords::new(gfm)) }
    }

    /// Decides whether this render is watched: not while a line with a `]:` is open or ends (its definition may turn
    /// references into links), nor at the end. `new_text`: the text since the last render (and the byte before it).
    pub(super) fn note_new_text(&mut self, new_text: &str, finished: bool) {
        self.watching = !finished && !self.definition_line_open && !new_text.contains("]:");
        let open_line = new_text.rfind(['\n', '\r']).map(|at| &new_text[at + 1..]);
        self.definition_line_open = match open_line {
            Some(line) => line.contains("]:"),
            None => self.definition_line_open || new_text.contains("]:"),
        };
    }

    /// The buffers for the differ of a pass that shows a parse, when this render is watched. They come back through
    /// [`Self::give_back`]; a pass that never gives them back (none does today) ends the watching for good.
    pub(super) fn lend(&mut self) -> Option<ShownWords> {
        if self.watching {
            self.words.take()
        } else {
            None
        }
    }

    /// The buffers after a watched patch: whether it took a shown word away.
    pub(super) fn give_back(&mut self, mut words: ShownWords) -> bool {
        let lost = words.lost_a_word();
        words.clear();
        self.words = Some(words);
        lost
    }
}
