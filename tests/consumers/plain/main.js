// The package straight from node_modules, no bundler: default init() fetches rillmark_bg.wasm next to rillmark.js.
import init, { Renderer } from "/node_modules/rillmark/rillmark.js";
import { runDemo } from "./demo.js";

runDemo({ init, Renderer });
