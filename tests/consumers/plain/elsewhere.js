// A host that serves the .wasm from another path (a CDN, an asset pipeline): init({ module_or_path }).
import init, { Renderer } from "/node_modules/rillmark/rillmark.js";
import { runDemo } from "./demo.js";

runDemo({ init, Renderer, initArg: { module_or_path: "/cdn/engine-3f9a.wasm" } });
