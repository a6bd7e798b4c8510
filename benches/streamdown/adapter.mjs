// The streamdown adapter of the browser benchmark (benches/page.mjs), bundled with React by build.mjs into
// dist/streamdown-adapter.js. Used the way a chat app uses it: one React root per answer, re-rendered with the whole
// text so far on every chunk. Streamdown's own defaults are kept (mode "streaming", parseIncompleteMarkdown on, which
// closes unfinished emphasis, links and fences through remend); `isAnimating` is true while the answer streams and false
// at the end, as its docs show for a chat, which only changes whether the copy and download buttons are enabled.
import { createElement } from "react";
import { flushSync } from "react-dom";
import { createRoot } from "react-dom/client";
import { Streamdown } from "streamdown";

/** Same interface as the other adapters: `{ create(container), write(chunk), flush(), end(), dispose() }`. */
export function streamdown() {
  return streamdownWith({});
}

/** The adapter with extra Streamdown props (adapter-code.mjs passes its Shiki plug-in). */
export function streamdownWith(props) {
  let root;
  let text = "";
  // flushSync renders and commits before it returns (and runs the effects of that render), so `write + flush` is the
  // whole chunk's work, as for the other adapters; a plain root.render() would defer it to a later task.
  const render = (isAnimating) =>
    flushSync(() => root.render(createElement(Streamdown, { ...props, isAnimating }, text)));
  return {
    create: (el) => void (root = createRoot(el)),
    write: (chunk) => void (text += chunk),
    flush: () => render(true),
    end: () => render(false),
    dispose: () => root.unmount(),
  };
}
