//! Stage ⑥: the thin wasm32 shell (cargo feature `web`), laid out by concern:
//!
//! - [`renderer`]: the `Renderer` class, the JavaScript API's facade, and the state its parts share;
//! - [`lifecycle`]: idle, writing, streaming, ended, each state holding its data;
//! - [`stream`]: the routine of `fetch()` / `stream()`, reading the body through wasm-streams;
//! - [`frames`] and [`pace`]: when to render (animation frames) and how much to read per frame;
//! - [`apply`]: patch ops → real DOM, through a queue safe against re-entrant calls; [`headless`]: ops → `onPatch`;
//! - [`js`]: the JavaScript edge (options in, outcomes, events and ops out, serde-wasm-bindgen), whose TypeScript
//!   declarations are `rillmark.d.ts`.
//!
//! Everything with logic in it lives in the native-tested stages ①–⑤.

pub mod apply;
mod frames;
pub mod headless;
mod js;
mod lifecycle;
pub mod pace;
mod renderer;
mod stream;

pub use renderer::Renderer;
