// Types of rillmark/svelte (Svelte 5.20 and later).
import type { Component } from "svelte";
import type { Action } from "svelte/action";
import type { LiveStats, Outcome, RendererOptions, RendererStatus, StreamOptions, StreamSource } from "../rillmark.js";

/** What <Markdown> and the `markdown` action render. */
export interface MarkdownProps {
  /** The whole markdown text so far: growing text appends; any other text resets with a minimal DOM change. */
  text?: string;
  /** While true the answer is open and the container has the `rillmark-streaming` caret class; false finishes it. */
  streaming?: boolean;
  /** Renderer options; a change (by value; callbacks excepted) starts a new renderer. */
  options?: RendererOptions;
}

/** `<Markdown text={…} streaming={…} options={…} />`: a `<div class="rillmark">`; other attributes go to it. `html`,
 * renderToString(text, options) from "rillmark/server", is its content in the server render only: the client hydrates
 * those nodes (no re-render) and streams on. */
export declare const Markdown: Component<
  MarkdownProps & { html?: string; class?: string; [attribute: string]: unknown }
>;

/** `<div use:markdown={{ text, streaming, options }}>`: what <Markdown> uses, for an element of your own. */
export declare const markdown: Action<HTMLElement, MarkdownProps>;

/** What useRillmark() returns. status, outcome and stats are reactive. */
export interface Rillmark {
  /** The action that gives the element to render into: `<div use:md.attach class="rillmark">`. */
  attach: Action<HTMLElement>;
  /** Fetches and renders a streamed response (replacing the answer shown); resolves with its outcome. */
  fetch(url: string, init?: RequestInit): Promise<Outcome>;
  /** Renders a Response or ReadableStream you have. */
  stream(source: StreamSource, options?: StreamOptions): Promise<Outcome>;
  /** Stops the stream; it resolves "aborted" and the server sees the connection close. */
  cancel(): void;
  readonly status: RendererStatus;
  readonly outcome: Outcome | undefined;
  readonly stats: LiveStats;
}

/** fetch() and stream() into an element, with cancel, status, outcome and live stats; call it during component init. */
export declare function useRillmark(options?: RendererOptions): Rillmark;
