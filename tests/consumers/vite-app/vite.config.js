import { defineConfig } from "vite";

export default defineConfig({
  // The dev server pre-bundles dependencies into node_modules/.vite/deps/, where rillmark's
  // `new URL("rillmark_bg.wasm", import.meta.url)` no longer finds the .wasm: keep rillmark out of pre-bundling.
  // (Not needed by `vite build`, nor by pages that pass `module_or_path` from a `?url` import.)
  optimizeDeps: { exclude: ["rillmark"] },
  build: { rollupOptions: { input: { main: "index.html", url: "url.html" } } },
});
