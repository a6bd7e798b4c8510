//! One parse of markdown text with comrak, converted to [`Node`] trees. (Being implemented.)
use crate::options::RenderOptions;
use crate::patch::Node;

/// A top-level block of a parse, with the lines of the parsed text it came from (1-based, inclusive).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedBlock {
    pub node: Node,
    pub start_line: usize,
    pub end_line: usize,
}

/// The result of one parse.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RenderedDoc {
    /// Top-level blocks in document order.
    pub blocks: Vec<RenderedBlock>,
    /// The footnotes section comrak appends after the blocks, when any footnote is referenced.
    pub footnotes: Option<Node>,
}

/// Parses `text` and converts every top-level block.
pub fn render(_text: &str, _opts: &RenderOptions) -> RenderedDoc {
    todo!()
}
