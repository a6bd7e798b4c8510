//! `renderToString(markdown, options)`, the server build's export (cargo feature `server`; `rillmark/server` in
//! the npm package): the HTML a container holds after a `Renderer` with the same options drew `markdown` and
//! finished, from [`crate::ssr`].

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::js;

/// The container's final `innerHTML` for `markdown` rendered with `options` (the `Renderer`'s options; `onEvent`,
/// `onPatch`, `dialect` and the plug-ins are accepted and unused: code and TeX stay plain). Throws a `TypeError` for a non-string or a bad option, as
/// `new Renderer()` does.
#[wasm_bindgen(js_name = renderToString)]
pub fn render_to_string(
    #[wasm_bindgen(unchecked_param_type = "string")] markdown: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "RendererOptions")] options: JsValue,
) -> Result<String, JsValue> {
    let markdown: js_sys::JsString =
        markdown.dyn_into().map_err(|_| js::type_error("renderToString() takes a markdown string"))?;
    let parsed = js::renderer_options(&options)?;
    // A lone surrogate becomes U+FFFD, as `write()` stores it.
    let text = String::from(markdown);
    crate::ssr::render_to_string(&text, &parsed.opts).map_err(|error| js::type_error(&error.to_string()))
}
