// A Vite + TypeScript consumer: the package as installed from the packed tarball, default init() (the .wasm next to
// the JS; Vite's build emits it as an asset; the dev server needs optimizeDeps.exclude, see vite.config.js).
import init, { Renderer } from "rillmark";
import "rillmark/rillmark.css";
import { runDemo } from "./demo.js";

void runDemo({ init, Renderer });
