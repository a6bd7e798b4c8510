//! (Being implemented.)
use super::Node;
/// Serialises rendered nodes as comrak would print them.
pub fn to_html(_nodes: &[Node]) -> String {
    todo!()
}
