"use client";
// rillmark/react: <Markdown text streaming options html /> and useRillmark() for React 18 and 19 (no JSX in this file,
// so it ships as is; "use client" lets a Next.js server component render <Markdown>). The work is in ./binding.js;
// this file only ties it to React's lifecycle:
//   - the element is React's (a <div> React never gives children), filled by rillmark's renderer;
//   - `html` (renderToString of `text`) is the div's innerHTML in the server render and while hydrating, where React
//     writes nothing; a client render never sets it, and it never changes (dropping it would make React clear the div);
//   - effects create on mount and close on unmount, so StrictMode's mount → unmount → mount leaves one renderer,
//     and a fetch() started in the first mount's effect sends no request (it waits for the WebAssembly, sees the
//     close and resolves "aborted").
import { createElement, useCallback, useEffect, useLayoutEffect, useRef, useState, useSyncExternalStore } from "react";
import { MarkdownView, StreamSession } from "./binding.js";

// Layout effects fill the element before the browser paints; on a server (Next.js renders client components there
// too) neither kind runs, and React 18 warns about a layout effect, so the server gets the plain one.
const useClientEffect = typeof document === "undefined" ? useEffect : useLayoutEffect;

const subscribeToNothing = () => () => {};
const inClientRender = () => false;
const inServerRenderOrHydration = () => true;

/**
 * Renders `text` (the whole markdown text so far) as rillmark renders a stream: growing text appends, other text
 * resets with a minimal DOM change, `streaming` shows the caret and `streaming={false}` finishes the answer. A string
 * child is the text when there is no `text` prop (`<Markdown>{text}</Markdown>`). `html`, renderToString(text,
 * options) from rillmark/server, makes the server render show the answer; the client adopts those nodes (renderer
 * .hydrate) and streams on. Other props (className, id, style, aria-*) go to the <div>, which always has the class
 * "rillmark" and never gets React children.
 */
export function Markdown({ text, children, html, streaming = false, options, className, ...rest }) {
  text ??= typeof children === "string" ? children : "";
  // The server snapshot is read on the server and while hydrating.
  const serverOrHydrating = useSyncExternalStore(subscribeToNothing, inClientRender, inServerRenderOrHydration);
  const [serverHtml] = useState(() =>
    serverOrHydrating && typeof html === "string" && html !== "" ? { __html: html } : undefined,
  );
  const element = useRef(null);
  const view = useRef(null);
  useClientEffect(() => {
    view.current = new MarkdownView(element.current);
    return () => {
      view.current.close();
      view.current = null;
    };
  }, []);
  useClientEffect(() => {
    view.current?.set({ text, streaming, options });
  });
  const props = { ...rest, ref: element, className: className ? `rillmark ${className}` : "rillmark" };
  if (serverHtml) props.dangerouslySetInnerHTML = serverHtml;
  return createElement("div", props);
}

/**
 * fetch() and stream() rendered into an element: put `ref` on it. Returns `{ ref, fetch, stream, cancel, status,
 * outcome, stats }`; status, outcome and stats are state (stats update once per frame while streaming). Unmounting
 * cancels the stream (the server sees the connection close) and frees the renderer.
 */
export function useRillmark(options) {
  const [state, setState] = useState(() => ({ status: "idle", outcome: undefined, stats: undefined }));
  const session = useRef(null);
  session.current ??= new StreamSession(options, setState);
  session.current.setOptions(options);
  useEffect(() => {
    const current = session.current;
    current.open();
    return () => current.close();
  }, []);
  const ref = useCallback((element) => session.current.attach(element), []);
  const fetch = useCallback((url, init) => session.current.fetch(url, init), []);
  const stream = useCallback((source, streamOptions) => session.current.stream(source, streamOptions), []);
  const cancel = useCallback(() => session.current.cancel(), []);
  const stats = state.stats ?? session.current.state.stats;
  return { ref, fetch, stream, cancel, status: state.status, outcome: state.outcome, stats };
}
