// rillmark/react as an app uses it: <Markdown text streaming /> and useRillmark().fetch() (no JSX: no plugin needed).
import { createElement as h, StrictMode, useEffect } from "react";
import { flushSync } from "react-dom";
import { createRoot, hydrateRoot } from "react-dom/client";
import { useRillmark } from "rillmark/react";
import { observeHydration } from "./hydration.js";
import { oneShot } from "./one-shot.js";
import { MarkdownHost, setHostProps } from "./react-app.js";

const strict = new URLSearchParams(location.search).has("strict");
const wrap = (element) => (strict ? h(StrictMode, null, element) : element);
let root = null;
const asChild = new URLSearchParams(location.search).has("child");

function FetchHost({ url }) {
  const md = useRillmark();
  window.__md = md;
  useEffect(() => {
    md.fetch(url).then((outcome) => {
      (window.__outcomes ??= []).push(outcome);
    });
  }, [url]);
  return h("div", { ref: md.ref, id: "fetched", className: "rillmark", "data-status": md.status });
}

function mount(element) {
  root = createRoot(document.getElementById("app"));
  flushSync(() => root.render(wrap(element)));
}

window.__driver = {
  mountMarkdown: (props) => mount(h(MarkdownHost, { ...props, asChild })),
  // The page holds the server's render of <MarkdownHost {...props} /> (ssr.js): hydrate it (React's hydrateRoot).
  hydrate: (props) =>
    observeHydration(
      () =>
        new Promise((resolve) => {
          root = hydrateRoot(document.getElementById("app"), wrap(h(MarkdownHost, { ...props, onCommit: resolve })));
        }),
    ),
  setProps: (props) => flushSync(() => setHostProps(props)),
  mountFetch: (url) => mount(h(FetchHost, { url })),
  unmount: () => {
    root?.unmount();
    root = null;
  },
  oneShot,
};
