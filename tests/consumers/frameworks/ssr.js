// The server side of the hydration tests (frameworks.test.mjs): built with `vite build --ssr ssr.js` and imported by
// the test in Node. Each framework renders the same tree its page hydrates, with the answer's HTML from the packed
// rillmark/server (renderToString, the WebAssembly read from the package's files).
import { createElement } from "react";
import { renderToString as renderReact } from "react-dom/server";
import { renderToString } from "rillmark/server";
import { Markdown as VueMarkdown } from "rillmark/vue";
import { render as renderSvelte } from "svelte/server";
import { createSSRApp, h } from "vue";
import { renderToString as renderVue } from "vue/server-renderer";
import App from "./App.svelte";
import { MarkdownHost } from "./react-app.js";

/** `{ props, html }`: the props the page hydrates with (`html` added) and the app's server-rendered HTML. */
export async function renderApp(framework, { text, streaming = false, options }) {
  const props = { text, streaming, options, html: renderToString(text, options) };
  if (framework === "react") return { props, html: renderReact(createElement(MarkdownHost, props)) };
  if (framework === "vue") {
    const app = createSSRApp({ render: () => h(VueMarkdown, { ...props, id: "md" }) });
    return { props, html: await renderVue(app) };
  }
  if (framework === "svelte") return { props, html: renderSvelte(App, { props }).body };
  throw new Error(`no framework ${framework}`);
}
