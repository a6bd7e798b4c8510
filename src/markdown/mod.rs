//! Stage ④: incremental markdown.
pub mod render;
pub mod url;
