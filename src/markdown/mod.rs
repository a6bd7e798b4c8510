//! Stage ④: incremental markdown.
pub mod render;
