// Types of rillmark/vue (Vue 3.3 and later).
import type { DefineComponent, ShallowRef } from "vue";
import type { LiveStats, Outcome, RendererOptions, RendererStatus, StreamOptions, StreamSource } from "./rillmark.js";

/** Props of <Markdown>. */
export interface MarkdownProps {
  /** The whole markdown text so far: growing text appends; any other text resets with a minimal DOM change. */
  text?: string;
  /** While true the answer is open and the div has the `rillmark-streaming` caret class; false finishes it. */
  streaming?: boolean;
  /** Renderer options; a change (by value; callbacks excepted) starts a new renderer. */
  options?: RendererOptions;
  /** `renderToString(text, options)` from "rillmark/server": the server render shows it, and the client hydrates
   * those nodes (no re-render) and streams on. Used in the server render only: the client builds from `text`. */
  html?: string;
}

/** `<Markdown :text="text" :streaming="streaming" />`: a `<div class="rillmark">`. */
export declare const Markdown: DefineComponent<MarkdownProps>;

/** What useRillmark() returns. */
export interface Rillmark {
  /** Bind it on the element to render into: `<div :ref="md.ref" class="rillmark">`. */
  ref: (element: Element | null) => void;
  /** Fetches and renders a streamed response (replacing the answer shown); resolves with its outcome. */
  fetch(url: string, init?: RequestInit): Promise<Outcome>;
  /** Renders a Response or ReadableStream you have. */
  stream(source: StreamSource, options?: StreamOptions): Promise<Outcome>;
  /** Stops the stream; it resolves "aborted" and the server sees the connection close. */
  cancel(): void;
  status: ShallowRef<RendererStatus>;
  outcome: ShallowRef<Outcome | undefined>;
  /** Live counters, updated once per animation frame while streaming. */
  stats: ShallowRef<LiveStats>;
}

/** fetch() and stream() into an element, with cancel, status, outcome and live stats; call it in setup(). */
export declare function useRillmark(options?: RendererOptions): Rillmark;
