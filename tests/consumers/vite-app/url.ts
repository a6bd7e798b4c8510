// init({ module_or_path }) with the wasm URL from Vite's `?url` import: works in the dev server without
// optimizeDeps.exclude, and in the build.
import init, { Renderer } from "rillmark";
import wasmUrl from "rillmark/rillmark_bg.wasm?url";
import "rillmark/rillmark.css";
import { runDemo } from "./demo.js";

void runDemo({ init, Renderer, initArg: { module_or_path: wasmUrl } });
