// rillmark's framework bindings share this module (rillmark/react, rillmark/vue, rillmark/svelte import it; it is not
// an entry point of its own). It holds what every binding needs and no framework code:
//   - load(): the WebAssembly loaded once per page, memoised;
//   - MarkdownView: a container that shows a markdown text given whole (`text`, `streaming`, `options`);
//   - StreamSession: a container that shows a fetch() or stream(), with cancel, status, outcome and live stats.
// A MarkdownView hydrates what its container holds when it starts (server HTML the framework's hydration kept; other
// content is replaced); a StreamSession clears it. Both toggle the `rillmark-streaming` caret class, and on close
// cancel then free the renderer (the server sees the connection close).
import init, { Renderer } from "./rillmark.js";

let loading;

/** Loads the WebAssembly once (memoised; a failed load is retried by the next call). */
export function load() {
  loading ??= init().then(
    () => undefined,
    (error) => {
      loading = undefined;
      throw error;
    },
  );
  return loading;
}

const STREAMING = "rillmark-streaming";

/** Whether two option objects ask for the same renderer: values compared by value (arrays element by element),
 * callbacks not at all (the renderer calls the latest ones), so an options literal re-created on every render of a
 * component does not start a new renderer. */
export function sameOptions(a, b) {
  if (a === b) return true;
  const keys = new Set([...Object.keys(a ?? {}), ...Object.keys(b ?? {})]);
  for (const key of keys) {
    const x = a?.[key];
    const y = b?.[key];
    if (typeof x === "function" || typeof y === "function") {
      if (typeof x !== typeof y) return false; // a callback added or removed changes the renderer
      continue;
    }
    if (Array.isArray(x) && Array.isArray(y)) {
      if (x.length !== y.length || x.some((v, i) => v !== y[i])) return false;
    } else if (isPlainObject(x) && isPlainObject(y)) {
      if (!sameOptions(x, y)) return false; // `blocks: { mermaid() {…} }`: the same languages
    } else if (x !== y) {
      return false;
    }
  }
  return true;
}

function isPlainObject(value) {
  return typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}

/** The options handed to a renderer: the callbacks call whatever the holder's options hold now. */
function liveOptions(holder) {
  const options = holder.options;
  if (!options) return undefined;
  const live = { ...options };
  for (const key of ["onEvent", "onPatch", "onBlock", "highlight", "math"]) {
    if (typeof options[key] === "function") live[key] = (...args) => holder.options?.[key]?.(...args);
  }
  return live;
}

function report(error) {
  // A failed load or a bad option is the page's error to see, as a throw in an event handler would be.
  queueMicrotask(() => {
    throw error;
  });
}

/**
 * Shows a markdown text given whole into `element`: `set({ text, streaming, options })` on every change. Growing text
 * appends (renderer.update), other text resets with a minimal DOM change; `streaming: false` finishes the answer (the
 * DOM is then the one-shot render); a text changed after that, or new options, start a new renderer. Nodes the
 * element already holds are hydrated as the render of the first `set()`'s text (the text may grow meanwhile).
 */
export class MarkdownView {
  constructor(element) {
    this.element = element;
    this.renderer = null;
    /** The text the element's nodes show (the first set()'s) until they are hydrated. */
    this.hydrateFrom = undefined;
    this.adoptFirstText = element.hasChildNodes();
    this.text = "";
    this.streaming = false;
    this.options = undefined;
    this.ready = false;
    this.closed = false;
    load().then(
      () => {
        if (this.closed) return;
        this.ready = true;
        this.sync();
      },
      report,
    );
  }

  set({ text, streaming, options } = {}) {
    this.text = typeof text === "string" ? text : "";
    if (this.adoptFirstText) {
      this.adoptFirstText = false;
      this.hydrateFrom = this.text;
    }
    this.streaming = Boolean(streaming);
    if (!sameOptions(options, this.options)) this.drop();
    this.options = options;
    if (this.ready && !this.closed) this.sync();
  }

  sync() {
    const { element } = this;
    let r = this.renderer;
    const ended = r && r.status !== "idle" && r.status !== "writing";
    if (ended && r.text !== this.text) r = this.drop();
    try {
      if (!r) {
        const hydrateFrom = this.hydrateFrom;
        this.hydrateFrom = undefined;
        if (hydrateFrom === undefined) element.replaceChildren();
        r = this.renderer = new Renderer(element, liveOptions(this));
        if (hydrateFrom !== undefined) r.hydrate(hydrateFrom);
      }
      if (r.status === "idle" || r.status === "writing") {
        r.update(this.text);
        if (!this.streaming) r.finish();
      }
    } catch (error) {
      report(error);
    }
    element.classList.toggle(STREAMING, this.streaming && r?.status === "writing");
  }

  /** Frees the renderer (cancelled first); returns null. */
  drop() {
    const r = this.renderer;
    this.renderer = null;
    r?.free();
    return null;
  }

  close() {
    this.closed = true;
    this.drop();
    this.element.classList.remove(STREAMING);
  }
}

const EMPTY_STATS = { bytes: 0, frames: 0, malformed: 0, unknown: 0, finishRepairs: 0 };

/** The outcome of a stream that never started (cancelled, or closed, while the WebAssembly loaded). */
function abortedBeforeStart() {
  return { status: "aborted", ...EMPTY_STATS, text: "" };
}

/**
 * fetch() and stream() into an element, one answer at a time, for useRillmark(): `onChange({ status, outcome, stats })`
 * is called as they change (stats once per animation frame while streaming). A new fetch()/stream() replaces the
 * answer shown; cancel() stops the running one; close() (unmount) cancels and frees; open() after close() (React's
 * StrictMode remount) makes it usable again. A call made before the WebAssembly loaded and cancelled or closed
 * meanwhile sends no request and resolves "aborted".
 */
export class StreamSession {
  constructor(options, onChange) {
    this.options = options;
    this.onChange = onChange;
    this.element = null;
    this.renderer = null;
    this.generation = 0;
    this.frame = 0;
    this.closed = false;
    this.state = { status: "idle", outcome: undefined, stats: EMPTY_STATS };
  }

  attach(element) {
    this.element = element ?? null;
  }

  setOptions(options) {
    this.options = options;
  }

  fetch(url, init) {
    return this.run((r) => r.fetch(url, init));
  }

  stream(source, options) {
    return this.run((r) => r.stream(source, options));
  }

  async run(start) {
    const generation = ++this.generation;
    await load();
    if (this.closed || generation !== this.generation) return abortedBeforeStart();
    const { element } = this;
    if (!element) throw new Error("useRillmark(): attach its ref to an element before fetch() or stream()");
    this.drop();
    element.replaceChildren();
    const r = (this.renderer = new Renderer(element, liveOptions(this)));
    element.classList.add(STREAMING);
    this.emit({ status: "streaming", outcome: undefined, stats: EMPTY_STATS });
    this.watchStats(r);
    const outcome = await start(r);
    if (this.renderer === r) {
      cancelAnimationFrame(this.frame);
      element.classList.remove(STREAMING);
      const { status, text, error, reason, ...stats } = outcome;
      this.emit({ status, outcome, stats });
    }
    return outcome;
  }

  watchStats(r) {
    const tick = () => {
      if (this.renderer !== r || r.status !== "streaming") return;
      const stats = r.stats;
      if (stats.bytes !== this.state.stats.bytes) this.emit({ ...this.state, stats });
      this.frame = requestAnimationFrame(tick);
    };
    this.frame = requestAnimationFrame(tick);
  }

  emit(state) {
    this.state = state;
    if (!this.closed) this.onChange?.(state);
  }

  /** Stops the running stream (or one still waiting for the WebAssembly): it resolves "aborted". */
  cancel() {
    this.generation++;
    this.renderer?.cancel();
  }

  drop() {
    const r = this.renderer;
    this.renderer = null;
    cancelAnimationFrame(this.frame);
    r?.free();
  }

  open() {
    this.closed = false;
  }

  close() {
    this.closed = true;
    this.generation++;
    this.drop();
    this.element?.classList.remove(STREAMING);
  }
}
