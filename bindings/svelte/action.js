// The action under <Markdown>, in plain JS: `<div use:markdown={{ text, streaming, options }}>`.
import { MarkdownView } from "../binding.js";

/** Renders `{ text, streaming, options }` into the element, updated as they change; closed with the element. Nodes
 * the element holds (server HTML) are hydrated as the render of the first text. */
export function markdown(node, parameters) {
  dropHtmlBlockMarkers(node);
  const view = new MarkdownView(node);
  view.set(parameters);
  return {
    update: (next) => view.set(next),
    destroy: () => view.close(),
  };
}

/** Svelte's server render wraps `{@html}` in two comments (`<!---->`, or `<!--hash-->` in development). They are not
 * rillmark's, so they go before hydration (Svelte needs them only to change the html value, which <Markdown> never
 * does). */
function dropHtmlBlockMarkers(node) {
  const { firstChild: first, lastChild: last } = node;
  if (first !== last && first?.nodeType === Node.COMMENT_NODE && last?.nodeType === Node.COMMENT_NODE) {
    if (last.data === "") {
      first.remove();
      last.remove();
    }
  }
}
