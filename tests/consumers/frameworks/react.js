// rillmark/react as an app uses it: <Markdown text streaming /> and useRillmark().fetch() (no JSX: no plugin needed).
import { createElement as h, StrictMode, useEffect, useState } from "react";
import { flushSync } from "react-dom";
import { createRoot } from "react-dom/client";
import { Markdown, useRillmark } from "rillmark/react";
import { oneShot } from "./one-shot.js";

const strict = new URLSearchParams(location.search).has("strict");
const wrap = (element) => (strict ? h(StrictMode, null, element) : element);
let root = null;
let setProps = null;

// `?child`: the text goes in as a string child (`<Markdown>{text}</Markdown>`, as Streamdown takes it).
const asChild = new URLSearchParams(location.search).has("child");
function MarkdownHost(initial) {
  const [props, set] = useState(initial);
  setProps = set;
  if (!asChild) return h(Markdown, { ...props, id: "md" });
  const { text, ...rest } = props;
  return h(Markdown, { ...rest, id: "md" }, text);
}

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
  mountMarkdown: (props) => mount(h(MarkdownHost, props)),
  setProps: (props) => flushSync(() => setProps((old) => ({ ...old, ...props }))),
  mountFetch: (url) => mount(h(FetchHost, { url })),
  unmount: () => {
    root?.unmount();
    root = null;
  },
  oneShot,
};
