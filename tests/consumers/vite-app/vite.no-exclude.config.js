import { defineConfig } from "vite";

// Without optimizeDeps.exclude: the dev server pre-bundles rillmark. Pages that pass `module_or_path` from a `?url`
// import still work (the consumer tests load url.html with this config).
export default defineConfig({
  build: { rollupOptions: { input: { main: "index.html", url: "url.html" } } },
});
