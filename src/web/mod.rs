//! Stage ⑥: the thin wasm32 shell. Patch ops → real DOM ([`apply`]), `Response` bodies → bytes ([`source`]), time
//! slicing of the reader ([`pace`]), and the JavaScript API ([`api::Renderer`]). Everything with logic in it lives in
//! the native-tested stages ①–⑤.

pub mod api;
pub mod apply;
pub mod headless;
pub mod pace;
pub mod source;

pub use api::Renderer;
