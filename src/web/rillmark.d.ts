/**
 * Options of `new Renderer(container, options)`. Every field is optional (`undefined` is the default). A value of the
 * wrong type (`null` included), an unknown value or an unknown key throws a `TypeError` from the constructor that
 * names the option and what it expects.
 */
export interface RendererOptions {
  /**
   * GFM extensions: tables, strikethrough, autolink literals, task lists, footnotes and the tag filter
   * (default `true`). `false` renders pure CommonMark.
   */
  gfm?: boolean;
  /**
   * `$…$` and `$$…$$` math (default `true`; only with `gfm`): rendered as `<span data-math-style="inline|display">` holding
   * the TeX source. A function turns math on and typesets it: it is called once per complete span with a fresh
   * `span.rillmark-math` element rillmark put in place of the TeX text, e.g.
   * `math: (tex, { display }, element) => katex.render(tex, element, { displayMode: display })`. rillmark never touches
   * that element's subtree again (if the engine re-renders the span with other TeX, the element is replaced and the
   * function called again). A throw shows the TeX as text (class `rillmark-math-error`). Display math waits until its
   * `$$` closes. A ```` ```math ```` fence (without `blocks.math`) is typeset once final, `display: true`, into a
   * `div.rillmark-block` in place of its `<pre>`.
   */
  math?: boolean | MathRenderer;
  /**
   * Declares the content trusted (default `false`): raw HTML passes through and no URL or image policy applies.
   * Leave it off for model output.
   */
  unsafe?: boolean;
  /**
   * Raw HTML in the markdown (default `"text"`). In every mode no script from the content runs and no event-handler
   * attribute is set: HTML is parsed inertly and only allowed nodes are built.
   * - `"text"`: shown as text, tags and all.
   * - `"sanitize"`: GitHub's allowlist (`<sup>`, `<sub>`, `<kbd>`, `<br>`, `<details>`/`<summary>`, tables, …; the
   *   full list is in the README); other elements are unwrapped (their text stays), `<style>`, `<textarea>`, `<svg>`
   *   and the like are dropped with their content; links go through the URL check and images the `images` policy.
   * - `"trusted"`: as written, minus `<script>`, `<iframe>`, `<object>`, `<embed>`, `<base>`, `<meta>`, `on*`
   *   attributes and `javascript:` URLs; same as `unsafe: true` (giving both with different meanings throws).
   */
  html?: "text" | "sanitize" | "trusted";
  /**
   * External images: `"block"` (default: a `<span class="rillmark-image">` placeholder, nothing is fetched),
   * `"allow"`, or the origins allowed to load, e.g. `["https://cdn.example.com"]`.
   */
  images?: ImagePolicy;
  /** `"same-tab"` (default) or `"new-tab"` (adds `target="_blank"`); links always get `rel="noopener noreferrer"`. */
  links?: "same-tab" | "new-tab";
  /** Wire format of `fetch`/`stream` bodies (default `"auto"`: from the content type and the first frame). */
  dialect?: Dialect;
  /** Receives every stream event, in order; an exception it throws is ignored (rendering goes on). */
  onEvent?: (event: StreamEvent) => void;
  /**
   * Headless mode: receives the DOM patch ops as plain objects, in order, a batch per render (once per animation
   * frame while streaming), for hosts that own their DOM (React, Vue, Svelte, a worker). With a `null` container the
   * ops go only here; with a container they are applied to it and also handed here. An exception it throws is
   * ignored.
   */
  onPatch?: (ops: PatchOp[]) => void;
  /**
   * Syntax highlighting of fenced code, e.g. Shiki's `codeToTokensBase` (see {@link Highlighter}). Incremental: in an
   * open fence each complete line is highlighted once and kept (the line still arriving shows plain); when the fence
   * is final the whole block is highlighted once more and the lines that differ are patched, so the end equals a
   * one-shot highlight. rillmark builds the spans itself: token text is text, a `color` must be `#rgb`, `#rrggbb`,
   * `#rrggbbaa` or `rgb()`/`hsl()` with numbers, each `className` name must match `[A-Za-z0-9_-]{1,64}`; anything else
   * is dropped. `code.textContent` is always the code. A throw, a rejection or a wrong shape leaves that block plain
   * (counted in `stats.pluginErrors`). Ignored in headless mode.
   */
  highlight?: Highlighter;
  /**
   * Renderers of finished fences by language, e.g. `{ mermaid: async (code, element) => { … } }`: called once per
   * fence of that language when it is final (until then it shows as code), with a `div.rillmark-block[data-lang]`
   * element put in place of the `<pre>`; rillmark never touches its subtree again. A throw or a rejection puts the code
   * block back (counted in `stats.pluginErrors`). Ignored in headless mode.
   */
  blocks?: Record<string, BlockRenderer>;
  /**
   * A copy button and a language label on each finished code block (default `false`): `span.rillmark-code-actions`
   * holding `span.rillmark-lang` and `button.rillmark-copy` (copies the code with `navigator.clipboard`), first in the
   * `<pre>`; styled by rillmark.css. Ignored in headless mode.
   */
  codeActions?: boolean;
  /**
   * Called once for each block of the answer when it becomes final: top-level blocks when they commit (while the
   * answer streams) or at the end, in document order, and a fence inside a list or quote just before its block. An
   * exception it throws is counted in `stats.pluginErrors`. Ignored in headless mode.
   */
  onBlock?: (block: BlockInfo) => void;
}

/** One token of a highlighted line: Shiki's `ThemedToken` shape (`codeToTokensBase`). */
export interface HighlightToken {
  /** The token's text; the tokens of a line must spell the line exactly, or the line stays plain. */
  content: string;
  /** A CSS colour: `#rgb`, `#rrggbb`, `#rrggbbaa`, or `rgb()`/`rgba()`/`hsl()`/`hsla()` with numbers; else dropped. */
  color?: string;
  /** Bit flags: 1 italic, 2 bold, 4 underline, 8 strikethrough. */
  fontStyle?: number;
  /** Space-separated class names, each `[A-Za-z0-9_-]{1,64}` (others are dropped). */
  className?: string;
}

/** A highlighter's answer: one array of tokens per line of `code`, and optionally the grammar state after them. */
export type HighlightResult = HighlightToken[][] | { lines: HighlightToken[][]; state?: unknown };

/**
 * Highlights `code` (lines joined with `\n`, no final newline) in language `lang` (the fence's info word, maybe
 * `""`). While a fence streams `code` is only the new complete lines: a highlighter that answers `{ lines, state }`
 * gets that `state` back as `previous` for the next lines (Shiki: `grammarState` / `getLastGrammarState`); one that
 * answers a bare array is given the 8 lines before the new ones again, for context. `previous` is `undefined` for the
 * first call and for the whole-block call at the end. May return a promise; a result for lines that changed since is
 * dropped.
 */
export type Highlighter = (
  code: string,
  lang: string,
  previous: unknown,
) => HighlightResult | Promise<HighlightResult>;

/** Typesets `tex` into `element` (a fresh `span.rillmark-math`), e.g. with `katex.render`. */
export type MathRenderer = (tex: string, options: { display: boolean }, element: HTMLElement) => void;

/** Renders a finished fence's `code` into `element` (in the page in place of the `<pre>`). */
export type BlockRenderer = (code: string, element: HTMLElement) => void | Promise<void>;

/** What `onBlock` receives. */
export interface BlockInfo {
  type: "paragraph" | "heading" | "code" | "math" | "list" | "quote" | "table" | "html" | "rule" | "footnotes";
  /** The block's element in the page (for a fence a block renderer took, its element). */
  element: Element;
  /** The fence's language (`""` when it has none), for `type: "code"` and `"math"` fences. */
  lang?: string;
}

/**
 * A DOM patch op of headless mode (`onPatch`). Nodes are named by small integer ids; id `0` is the container. An id
 * is never reused before a `release` op for it. Apply them in order:
 */
export type PatchOp =
  /** Create a detached element (tag names come from a fixed allowlist). */
  | { op: "createElement"; id: number; tag: string }
  /** Create a detached text node. */
  | { op: "createText"; id: number; text: string }
  /**
   * Create detached nodes from raw HTML: only with `html: "sanitize"` or `"trusted"` (or `unsafe: true`). The HTML is
   * as the content wrote it: a host applying it itself must parse it inertly and filter it as the README says.
   */
  | { op: "createRawHtml"; id: number; html: string }
  /** `setAttribute(name, value)` (names come from a fixed allowlist; URLs are already checked). */
  | { op: "setAttribute"; id: number; name: string; value: string }
  | { op: "removeAttribute"; id: number; name: string }
  /** Extend a text node (`appendData`): the node stays, so a selection in it survives. */
  | { op: "appendText"; id: number; text: string }
  /** `replaceData(start, delete, text)` on a text node; offsets in UTF-16 code units. */
  | { op: "replaceText"; id: number; start: number; delete: number; text: string }
  /** Append `child` as the last child of `parent`. */
  | { op: "append"; parent: number; child: number }
  /** Insert `child` as the first child of `parent`. */
  | { op: "prepend"; parent: number; child: number }
  /** Insert `child` into `parent` just before its child `before`. */
  | { op: "insertBefore"; parent: number; child: number; before: number }
  /** Put `new` where `old` is; `old` is detached. */
  | { op: "replace"; old: number; new: number }
  /** Detach a node from its parent. */
  | { op: "remove"; id: number }
  /** Forget an id: its node is detached and never referenced again; the id may be reused afterwards. */
  | { op: "release"; id: number };

/** Which external images may load: all, none (placeholder), or those from the listed origins. */
export type ImagePolicy = "block" | "allow" | readonly string[];

/**
 * Wire formats. `"auto"` detects from the content type and the first frame. Also accepted as aliases:
 * `"openai-chat"`, `"responses"`, `"ai-sdk"`, `"llama.cpp"`, `"text"`.
 */
export type Dialect =
  | "auto"
  /** OpenAI chat completions SSE (and compatible servers). */
  | "openai"
  /** OpenAI Responses API SSE. */
  | "openai-responses"
  /** Anthropic Messages SSE. */
  | "anthropic"
  /** Gemini `streamGenerateContent?alt=sse`. */
  | "gemini"
  /** Ollama NDJSON (`/api/chat`, `/api/generate`). */
  | "ollama"
  /** Vercel AI SDK UI message stream (SSE). */
  | "vercel"
  /** Vercel AI SDK 4 data stream (`0:"text"` lines). */
  | "vercel-legacy"
  /** llama.cpp server `/completion` SSE. */
  | "llamacpp"
  /** The body is the markdown itself. */
  | "plain";

/** Options of `stream(source, options)`. */
export interface StreamOptions {
  /** Overrides the renderer's `dialect` option for this stream. */
  dialect?: Dialect;
}

/**
 * What `stream()` reads: a `Response`, or a `ReadableStream` of bytes (UTF-8: any `ArrayBufferView` such as
 * `Uint8Array` or `DataView`, or an `ArrayBuffer`) or of strings. A chunk of any other type ends the stream with a
 * `usage` error.
 */
export type StreamSource = Response | ReadableStream<ArrayBufferView | ArrayBuffer | string>;

/** Live counters of a stream (`renderer.stats`). */
export interface LiveStats {
  /** Body bytes received. */
  bytes: number;
  /** Frames (SSE events, NDJSON lines, text runs) received. */
  frames: number;
  /** Frames that could not be read (counted; the stream went on). */
  malformed: number;
  /** Frames of a type the dialect does not know (counted; the stream went on). */
  unknown: number;
  /**
   * DOM patch ops the verified end needed: at the end, the streamed DOM is compared with one parse of the whole text
   * and any difference repaired. 0 unless incremental rendering slipped somewhere (users are protected anyway).
   */
  finishRepairs: number;
  /**
   * 1 when `hydrate(text)` found content other than this renderer's render of `text` in the container (other
   * options on the server, an open tail, Trusted Types) and replaced it instead of adopting it; else 0.
   */
  hydrationReplaced: number;
  /**
   * Renders that took a word already on screen away again (the words each patch removes are checked against the
   * words it adds). 0 unless incremental rendering slipped somewhere.
   */
  shownTextLosses: number;
  /**
   * Plug-in calls (`highlight`, `math`, `blocks`, `onBlock`) that threw, rejected or answered in the wrong shape; the
   * content they were for stays readable (plain code, the TeX as text, the code block).
   */
  pluginErrors: number;
}

/** Counters and text shared by every outcome. */
export interface OutcomeStats extends LiveStats {
  /** The answer's markdown source received. */
  text: string;
}

/** The dialect's terminal marker arrived: the answer is complete. */
export interface DoneOutcome extends OutcomeStats {
  status: "done";
  /** The provider's finish reason (`"stop"`, `"end_turn"`, `"length"`, …), or `null` when it gave none. */
  reason: string | null;
}

/** The body ended without the dialect's terminal marker: the answer may be cut off. */
export interface IncompleteOutcome extends OutcomeStats {
  status: "incomplete";
}

/** HTTP error, provider error in the stream, network failure, overflow or misuse. What arrived stays rendered. */
export interface ErrorOutcome extends OutcomeStats {
  status: "error";
  error: StreamError;
}

/** `cancel()` was called (or the host aborted the request). What arrived stays rendered. */
export interface AbortedOutcome extends OutcomeStats {
  status: "aborted";
}

/** How a stream or written answer ended: exactly one per renderer. Switch on `status`. */
export type Outcome = DoneOutcome | IncompleteOutcome | ErrorOutcome | AbortedOutcome;

/** Why a stream failed. */
export interface StreamError {
  /**
   * `"http"`: a non-2xx response; `"provider"`: an error event inside the stream; `"network"`: the request or the
   * body read failed; `"overflow"`: a line or frame exceeded the size limit; `"usage"`: the API was misused (e.g.
   * `stream()` given something that is neither a `Response` nor a `ReadableStream`).
   */
  kind: "http" | "provider" | "network" | "overflow" | "usage";
  /** Human-readable; for HTTP errors, the provider's message from the body when it has one. */
  message: string;
  /** The HTTP status, for `kind: "http"`. */
  status?: number;
  /** The provider's error type or code (e.g. `"rate_limit_error"`), when it gave one. */
  code?: string;
}

/** A piece of the answer text (markdown). */
export interface TextStreamEvent { type: "text"; text: string }
/** A piece of reasoning ("thinking") text; rendered in `<details class="rillmark-reasoning">`. */
export interface ReasoningStreamEvent { type: "reasoning"; text: string }
/** A piece of a tool call: `arguments` is a delta of its JSON arguments text; `id`/`name` come with the first piece. */
export interface ToolCallStreamEvent { type: "toolCall"; index: number; id?: string; name?: string; arguments: string }
/** Token usage as the provider reported it (cumulative where the provider's is). */
export interface UsageStreamEvent { type: "usage"; inputTokens?: number; outputTokens?: number }
/** The terminal marker, with the provider's finish reason. */
export interface FinishStreamEvent { type: "finish"; reason: string | null }
/** An error reported by the provider inside the stream (terminal). */
export interface ErrorStreamEvent { type: "error"; message: string; code?: string }
/** A frame of a kind the dialect does not know; `name` is its event type. */
export interface UnknownStreamEvent { type: "unknown"; name: string }
/** A frame that could not be read (bad JSON, wrong shape); `detail` says why. */
export interface MalformedStreamEvent { type: "malformed"; detail: string }

/** Everything `onEvent` receives. Switch on `type`. */
export type StreamEvent =
  | TextStreamEvent
  | ReasoningStreamEvent
  | ToolCallStreamEvent
  | UsageStreamEvent
  | FinishStreamEvent
  | ErrorStreamEvent
  | UnknownStreamEvent
  | MalformedStreamEvent;

/** `Renderer.status`: before, during, or (the outcome's status) after the answer. */
export type RendererStatus = "idle" | "writing" | "streaming" | Outcome["status"];
