//! One pass of the open tail as data: the plan `IncrementalMarkdown::plan_pass` makes without changing the engine
//! ([`PassPlan`]: abandon, hold, nothing new, or a parse that fits), what the parse read ([`PassText`]), and what the
//! steps that show it read of it ([`ShownTail`]).

use super::commit::Layout;
use super::render::{self, RenderedDoc};
use super::resume::Resume;
use crate::patch::Node;

/// What one pass of the open tail does, decided before anything changes (`IncrementalMarkdown::plan_pass`).
pub(super) enum PassPlan<'r> {
    /// The resumed parse does not fit the open block, or may not be used: nothing changes.
    Abandon(Abandoned),
    /// The line after a quote's resume point is held back until its first characters say whether it continues the
    /// paragraph: nothing is shown yet.
    HoldLine,
    /// Nothing after the resume point is shown yet, and the DOM shows nothing there either (a table row being typed).
    NothingShown { exact: bool },
    /// The parse would read what the last one read, or that and a line ending that shows nothing yet.
    Unchanged { exact: bool, parse_text: String },
    /// The committed definitions before the open tail are a table's paragraph after all (a parse of `bytes` showed
    /// it): they are taken back and parsed with it.
    ReopenDefinitions { bytes: usize },
    /// A parse to show.
    Show(Box<ParsedTail<'r>>),
}

/// Why `IncrementalMarkdown::render_pass` showed nothing (the caller parses the whole open tail instead).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Abandoned {
    /// Before any parse: a stitched paragraph must end parsed whole, or a quote's next line does not continue it.
    Unparsed,
    /// After a parse of `bytes`: a block interrupted a stitched paragraph, or the parse did not have the open block's
    /// shape (a list turned loose, a paragraph became a heading…).
    Parsed { bytes: usize },
}

/// What a pass parses (`IncrementalMarkdown::pass_text`).
pub(super) struct PassText<'r> {
    /// The resume point's context, as parsed ("" for a quote line parsed alone).
    pub(super) context: &'r str,
    /// How many quotes a quote line parsed alone is wrapped in (0: none).
    pub(super) quote_depth: usize,
    /// Speculation held text back or closed something: the parse does not show the text as it is.
    pub(super) speculated: bool,
    /// Speculation showed every character (nothing held back).
    pub(super) shows_all_text: bool,
    /// How much of the text after the resume point the parse sees.
    pub(super) shown_body_len: usize,
    /// What the parse reads before the context: the committed footnote definitions it references (the first
    /// `closed_prefix_len` bytes, closed by a thematic break), then the open tail's own definitions.
    pub(super) prefix: String,
    pub(super) closed_prefix_len: usize,
    pub(super) parse_text: String,
    /// Where the parse starts and whether it resumed (with the text, what makes a parse a repeat of the last one).
    pub(super) key: Option<(usize, bool)>,
}

/// Whether a resumed parse fits the open block, and how it is spliced in.
pub(super) enum Fit {
    No,
    /// Along a spine (inline text at the end of nested containers).
    Spine,
    /// Into the target element, after the kept children: these children.
    Spliced(Vec<Node>),
}

/// A parse of the open tail that fits, ready to be shown.
pub(super) struct ParsedTail<'r> {
    pub(super) resume: Option<&'r Resume>,
    /// Where the parsed text (after the context) starts in the source.
    pub(super) base: usize,
    pub(super) text: PassText<'r>,
    pub(super) doc: RenderedDoc,
    /// A resumed parse's children as spliced into the target by the fit check (spliced again if its footnote
    /// references are numbered before it is shown).
    pub(super) spliced: Option<Vec<Node>>,
}

/// What the steps after a shown parse read of it.
pub(super) struct ShownTail<'r> {
    pub(super) resume: Option<&'r Resume>,
    pub(super) base: usize,
    pub(super) layout: Layout,
    pub(super) open_detail: Option<render::BlockDetail>,
    /// The open fence that ends the open block, and its opening line.
    pub(super) open_fence: Option<(render::FenceShape, String)>,
    pub(super) speculated: bool,
    pub(super) shows_all_text: bool,
    pub(super) last_is_paragraph: bool,
    pub(super) last_is_raw_html: bool,
}
