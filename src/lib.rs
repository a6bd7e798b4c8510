//! rillmark: an LLM's streamed HTTP response, rendered token by token as safe, correct markdown.
//!
//! ```text
//! bytes ─▶ ① decode ─▶ ② frame ─▶ ③ dialect ─▶ ④ markdown ─▶ ⑤ patch ─▶ ⑥ web (apply, source, JS API)
//! ```
//!
//! Stages ①–⑤ are plain Rust with no JavaScript types and are tested natively; stage ⑥ ([`web`]) is the thin
//! wasm32-only shell. [`pipeline::Pipeline`] wires ①–⑤ together; a host that already has text uses
//! [`markdown::IncrementalMarkdown`] directly.

pub mod decode;
pub mod dialect;
pub mod error;
pub mod frame;
pub mod json;
pub mod markdown;
pub mod options;
pub mod patch;
pub mod pipeline;

#[cfg(target_arch = "wasm32")]
pub mod web;
