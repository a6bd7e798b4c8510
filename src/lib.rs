//! rillmark: an LLM's streamed HTTP response, rendered token by token as safe, correct markdown.
//!
//! ```text
//! bytes ─▶ ① decode ─▶ ② frame ─▶ ③ dialect ─▶ ④ markdown ─▶ ⑤ patch ─▶ ⑥ web (stream, apply, JS API)
//! ```
//!
//! Stages ①–⑤ are plain Rust with no JavaScript types and are tested natively; stage ⑥ (`web`, cargo feature `web`) is
//! the thin wasm32-only shell. [`pipeline::Pipeline`] wires ①–⑤ together; a host that already has text uses
//! [`markdown::IncrementalMarkdown`] directly. [`ssr::render_to_string`] gives the HTML a browser's container ends with
//! for a text (server-side rendering; raw HTML needs the `server` feature's HTML parser).

pub mod decode;
pub mod dialect;
pub mod error;
pub mod frame;
pub mod highlight;
pub mod html_policy;
pub mod markdown;
pub mod options;
pub mod patch;
pub mod pipeline;
pub mod ssr;

/// The JavaScript API, only with the `web` feature (the npm package's build and the browser tests enable it): a Rust
/// user of the rlib gets no `#[wasm_bindgen]` exports.
#[cfg(all(target_arch = "wasm32", feature = "web"))]
pub mod web;

/// talc instead of the default dlmalloc, only with the `talc` feature (the npm package's build): 2.5 KB smaller
/// gzipped; 1–4.5% slower in the headless proxy, no difference measurable in Chromium (benches/results/size.md,
/// session 3). A Rust user of the rlib keeps their own allocator.
#[cfg(all(target_arch = "wasm32", feature = "talc"))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
