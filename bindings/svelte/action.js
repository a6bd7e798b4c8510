// The action under <Markdown>, in plain JS: `<div use:markdown={{ text, streaming, options }}>`.
import { MarkdownView } from "../binding.js";

/** Renders `{ text, streaming, options }` into the element, updated as they change; closed with the element. */
export function markdown(node, parameters) {
  const view = new MarkdownView(node);
  view.set(parameters);
  return {
    update: (next) => view.set(next),
    destroy: () => view.close(),
  };
}
