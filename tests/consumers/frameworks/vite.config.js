// The framework consumer app (tests/consumers/frameworks.test.mjs): one page per binding, built by the Vite under
// test. `optimizeDeps.exclude` is the dev server's advice from the README (the React StrictMode page runs there), and
// so is `ssr.external` (the server build of ssr.js): rillmark/server reads its .wasm beside itself, so Node loads it
// from node_modules, while rillmark/svelte's components are compiled into the server bundle.
import { svelte } from "@sveltejs/vite-plugin-svelte";
import { defineConfig } from "vite";

export default defineConfig({
  plugins: [svelte()],
  optimizeDeps: { exclude: ["rillmark"] },
  ssr: { external: ["rillmark/server"] },
  // Vue's esm-bundler build asks for its feature flags (a console warning in the development build otherwise).
  define: { __VUE_OPTIONS_API__: "true", __VUE_PROD_DEVTOOLS__: "false", __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: "false" },
  build: {
    rollupOptions: { input: { index: "index.html", react: "react.html", vue: "vue.html", svelte: "svelte.html" } },
  },
});
