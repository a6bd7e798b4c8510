// rillmark/server: renderToString on a server (Node ≥ 20, Deno, Bun, a Next.js server component). The server build of
// the WebAssembly module (with an HTML parser for html: "sanitize" and "trusted") is read from the file next to this
// one and instantiated synchronously on the first call: no fetch, no init() to await.
import { readFileSync } from "node:fs";
import { initSync, renderToString as render } from "./rillmark.js";

let loaded = false;

function load() {
  if (!loaded) {
    initSync({ module: readFileSync(new URL("./rillmark_bg.wasm", import.meta.url)) });
    loaded = true;
  }
}

/**
 * The HTML a container holds after `new Renderer(container, options)` drew `markdown` and finished (its final
 * `innerHTML`), sanitised the same way. Throws a `TypeError` for a non-string or a bad option, as `new Renderer()`.
 */
export function renderToString(markdown, options) {
  load();
  return render(markdown, options);
}
