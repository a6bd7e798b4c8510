// Types of rillmark/react (React 18 and 19; with @types/react).
import type { HTMLAttributes, JSX, RefCallback } from "react";
import type { LiveStats, Outcome, RendererOptions, RendererStatus, StreamOptions, StreamSource } from "./rillmark.js";

/** Props of <Markdown>; other div attributes (className, id, style, aria-*) go to its <div class="rillmark">. */
export interface MarkdownProps extends Omit<HTMLAttributes<HTMLDivElement>, "children"> {
  /** The whole markdown text so far: growing text appends; any other text resets with a minimal DOM change. */
  text?: string;
  /** The text, as a string child, when there is no `text` prop: `<Markdown>{text}</Markdown>`. */
  children?: string;
  /** While true the answer is open and the div has the `rillmark-streaming` caret class; false finishes it. */
  streaming?: boolean;
  /** Renderer options; a change (by value; callbacks excepted) starts a new renderer. */
  options?: RendererOptions;
  /** `renderToString(text, options)` from "rillmark/server": the server render shows it, and the client hydrates
   * those nodes (no re-render) and streams on. Used in the server render and while hydrating only: a client render
   * builds the DOM from `text`. */
  html?: string;
}

/** `<Markdown text={text} streaming={streaming} />`. */
export declare function Markdown(props: MarkdownProps): JSX.Element;

/** What useRillmark() returns. */
export interface Rillmark {
  /** Put it on the element to render into: `<div ref={md.ref} className="rillmark" />`. */
  ref: RefCallback<HTMLElement>;
  /** Fetches and renders a streamed response (replacing the answer shown); resolves with its outcome. */
  fetch(url: string, init?: RequestInit): Promise<Outcome>;
  /** Renders a Response or ReadableStream you have. */
  stream(source: StreamSource, options?: StreamOptions): Promise<Outcome>;
  /** Stops the stream; it resolves "aborted" and the server sees the connection close. */
  cancel(): void;
  status: RendererStatus;
  outcome: Outcome | undefined;
  /** Live counters, updated once per animation frame while streaming. */
  stats: LiveStats;
}

/** fetch() and stream() into an element, with cancel, status, outcome and live stats. */
export declare function useRillmark(options?: RendererOptions): Rillmark;
