// The framework consumer app (tests/consumers/frameworks.test.mjs): one page per binding, built by the Vite under
// test. `optimizeDeps.exclude` is the dev server's advice from the README (the React StrictMode page runs there).
import { svelte } from "@sveltejs/vite-plugin-svelte";
import { defineConfig } from "vite";

export default defineConfig({
  plugins: [svelte()],
  optimizeDeps: { exclude: ["rillmark"] },
  build: {
    rollupOptions: { input: { index: "index.html", react: "react.html", vue: "vue.html", svelte: "svelte.html" } },
  },
});
