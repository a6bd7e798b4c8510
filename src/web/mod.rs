//! Stage ⑥: the thin wasm32 shell (cargo feature `web`), laid out by concern:
//!
//! - [`renderer`]: the `Renderer` class, the JavaScript API's facade, and the state its parts share;
//! - [`lifecycle`]: idle, writing, streaming, ended, each state holding its data;
//! - [`stream`]: the routine of `fetch()` / `stream()`, reading the body through wasm-streams (with the `wire`
//!   feature, on by default);
//! - [`frames`] and [`pace`]: when to render (animation frames) and how much to read per frame;
//! - [`apply`]: patch ops → real DOM, through a queue safe against re-entrant calls; [`headless`]: ops → `onPatch`;
//! - [`plugins`]: the host's `highlight`, `math`, `blocks`, `codeActions` and `onBlock`, on views of the code and
//!   math the ops build (their line logic is plain Rust in `crate::highlight`);
//! - [`js`]: the JavaScript edge (options in, outcomes, events and ops out, serde-wasm-bindgen), whose TypeScript
//!   declarations are `rillmark.d.ts`.
//!
//! Everything with logic in it lives in the native-tested stages ①–⑤.

// Without the `wire` feature there is no `fetch()`/`stream()` ([`stream`] is left out): what only the stream routine
// uses (its lifecycle state, frame yielding, chunk and option reading) stays compiled but is never called, and the
// linker drops it. One allowance per module instead of a `cfg` on each such item.
pub mod apply;
#[cfg_attr(not(feature = "wire"), allow(dead_code))]
mod frames;
pub mod headless;
#[cfg_attr(not(feature = "wire"), allow(dead_code))]
mod js;
#[cfg_attr(not(feature = "wire"), allow(dead_code))]
mod lifecycle;
pub mod pace;
#[cfg_attr(not(feature = "wire"), allow(dead_code))]
mod plugins;
#[cfg_attr(not(feature = "wire"), allow(dead_code))]
mod renderer;
#[cfg(feature = "server")]
mod server;
#[cfg(feature = "wire")]
mod stream;

pub use renderer::Renderer;
