// Browser-side fixtures for tests/web.rs: scripted ReadableStreams, Responses, a MutationObserver log, a spy on every
// API that parses an HTML string, and small waiting helpers. Plain ES module, imported through
// `#[wasm_bindgen(module = "/tests/js/fixtures.js")]`.

/** A fresh `<div>` attached to the page, so layout, observers and animation frames behave as in an app. */
export function makeContainer() {
  const element = document.createElement("div");
  element.className = "rillmark-test-container";
  document.body.appendChild(element);
  return element;
}

// ---------------------------------------------------------------------------------------------------------------
// HTML-parsing spy: the applier must build the DOM node by node, never by handing a string to the HTML parser.

const htmlWrites = [];
let spyInstalled = false;

/** Wraps every HTML-string sink once per page; each call is recorded with the node it targeted. */
export function installHtmlWriteSpy() {
  if (spyInstalled) return;
  spyInstalled = true;
  const wrapSetter = (proto, name) => {
    const descriptor = Object.getOwnPropertyDescriptor(proto, name);
    if (!descriptor || !descriptor.set) return;
    Object.defineProperty(proto, name, {
      ...descriptor,
      set(value) {
        htmlWrites.push({ api: name, target: this });
        return descriptor.set.call(this, value);
      },
    });
  };
  const wrapMethod = (proto, name, targetOf) => {
    const original = proto && proto[name];
    if (typeof original !== "function") return;
    proto[name] = function (...args) {
      htmlWrites.push({ api: name, target: targetOf(this) });
      return original.apply(this, args);
    };
  };
  wrapSetter(Element.prototype, "innerHTML");
  wrapSetter(Element.prototype, "outerHTML");
  wrapSetter(ShadowRoot.prototype, "innerHTML");
  wrapMethod(Element.prototype, "insertAdjacentHTML", (self) => self);
  wrapMethod(Element.prototype, "setHTMLUnsafe", (self) => self);
  wrapMethod(Range.prototype, "createContextualFragment", (self) => self.commonAncestorContainer);
  wrapMethod(Document.prototype, "write", () => null);
  wrapMethod(Document.prototype, "writeln", () => null);
  wrapMethod(DOMParser.prototype, "parseFromString", () => null);
}

/**
 * HTML-string parses aimed at `container` or inside it, plus any `document.write` / `DOMParser` call (no target:
 * nothing in the page under test should use those). The test runner's own output writes elsewhere and is ignored.
 */
export function htmlWritesInto(container) {
  return htmlWrites.filter((w) => w.target === null || (w.target instanceof Node && container.contains(w.target)))
    .length;
}

// ---------------------------------------------------------------------------------------------------------------
// DOM inspection

/**
 * A compact outline of the subtree: `tag[attr=value](children)`, text as JSON strings, whitespace-only text nodes
 * skipped. `h1("Title") p("a " strong("b"))`. Attributes sorted by name so the outline does not depend on order.
 */
export function outline(node) {
  const parts = [];
  for (const child of node.childNodes) {
    if (child.nodeType === Node.TEXT_NODE) {
      if (child.data.trim() !== "") parts.push(JSON.stringify(child.data));
    } else if (child.nodeType === Node.ELEMENT_NODE) {
      const attrs = [...child.attributes]
        .map((a) => `${a.name}=${JSON.stringify(a.value)}`)
        .sort()
        .join(" ");
      const inner = outline(child);
      parts.push(`${child.localName}${attrs ? `[${attrs}]` : ""}(${inner})`);
    } else {
      parts.push(`#${child.nodeName}`);
    }
  }
  return parts.join(" ");
}

export function countSelector(container, selector) {
  return container.querySelectorAll(selector).length;
}

/** Resource loads (images, scripts, fetches) whose URL contains `needle`. */
export function resourcesMatching(needle) {
  return performance.getEntriesByType("resource").filter((e) => e.name.includes(needle)).length;
}

// ---------------------------------------------------------------------------------------------------------------
// Mutation log

/** Records every mutation under `target` (children, text, attributes, whole subtree). */
export class MutationLog {
  constructor(target) {
    this.records = [];
    this.observer = new MutationObserver((list) => this.records.push(...list));
    this.observer.observe(target, { subtree: true, childList: true, characterData: true, attributes: true });
  }

  /** Mutations since the last `take()`, including ones not yet delivered to the observer callback. */
  take() {
    this.records.push(...this.observer.takeRecords());
    const taken = this.records;
    this.records = [];
    return taken.length;
  }

  disconnect() {
    this.observer.disconnect();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Scripted sources

/**
 * A pull-based `ReadableStream` that hands out `chunks` (Uint8Array or string) one per `pull`, then ends as `end`
 * says: `"close"` (EOF), `"hang"` (that pull never resolves: a read stays pending forever) or `"error"` (the stream
 * errors with a TypeError, as a dropped connection does; `"error-value"`: with a plain object). `highWaterMark: 0`, so each pull answers one read.
 * Records pulls and `cancel(reason)` calls.
 */
export class ScriptedSource {
  constructor(chunks, end) {
    this.pulls = 0;
    this.delivered = 0;
    this.cancelCalls = 0;
    this.cancelReason = undefined;
    this.hookTarget = null;
    this.hookMethod = null;
    this.hookPull = -1;
    this.hookError = null;
    this.hookCalled = false;
    const self = this;
    const queue = [...chunks];
    this.stream = new ReadableStream(
      {
        pull(controller) {
          self.pulls += 1;
          if (self.pulls === self.hookPull && self.hookTarget) {
            self.hookCalled = true;
            try {
              self.hookTarget[self.hookMethod]();
            } catch (error) {
              self.hookError = error;
            }
          }
          if (queue.length > 0) {
            controller.enqueue(queue.shift());
            self.delivered += 1;
            return undefined;
          }
          if (end === "close") {
            controller.close();
            return undefined;
          }
          if (end === "error") {
            controller.error(new TypeError("network error (scripted)"));
            return undefined;
          }
          if (end === "error-value") {
            controller.error({ code: 7, reason: "scripted" }); // not an Error: a plain value
            return undefined;
          }
          return new Promise(() => {}); // "hang": this read never completes
        },
        cancel(reason) {
          self.cancelCalls += 1;
          self.cancelReason = reason;
        },
      },
      { highWaterMark: 0 },
    );
  }

  /** Calls `target[method]()` synchronously inside pull number `n` (1-based): a re-entrant call from the source. */
  callOnPull(n, target, method) {
    this.hookPull = n;
    this.hookTarget = target;
    this.hookMethod = method;
  }

  get hookThrew() {
    return this.hookError !== null;
  }

  get hookErrorMessage() {
    return this.hookError === null ? "" : String(this.hookError && this.hookError.message);
  }
}

/**
 * An `onEvent` callback that records every event's type (and text), and can misbehave on purpose: throw on every
 * call, or call `target[method]()` re-entrantly the first time an event of type `onType` arrives.
 */
export class EventRecorder {
  constructor(throwing) {
    this.events = [];
    this.target = null;
    this.method = null;
    this.onType = null;
    this.hookError = null;
    this.callback = (event) => {
      this.events.push(event.type === "text" ? `text:${event.text}` : event.type);
      if (this.target && event.type === this.onType) {
        const target = this.target;
        this.target = null;
        try {
          target[this.method]();
        } catch (error) {
          this.hookError = error;
        }
      }
      if (throwing) throw new Error("host callback failure (scripted)");
    };
  }

  callOn(type, target, method) {
    this.onType = type;
    this.target = target;
    this.method = method;
  }

  get log() {
    return this.events.join(" | ");
  }

  get hookThrew() {
    return this.hookError !== null;
  }
}

/** A `Response` around `body` (a ReadableStream, string or null) with a status and content type. */
export function makeResponse(body, status, contentType) {
  return new Response(body, { status, headers: { "content-type": contentType } });
}

/** A stream already locked to a reader the test holds. */
export function lockedStream() {
  const stream = new ReadableStream({ pull() {} });
  stream.getReader();
  return stream;
}

/** A `data:` URL serving `text` with `type`. */
export function dataUrl(text, type) {
  return `data:${type},${encodeURIComponent(text)}`;
}

/** A `blob:` URL serving `text` with `type`. */
export function blobUrl(text, type) {
  return URL.createObjectURL(new Blob([text], { type }));
}

/** A `blob:` URL that was revoked: fetching it fails like a network error. */
export function revokedBlobUrl() {
  const url = blobUrl("gone", "text/plain");
  URL.revokeObjectURL(url);
  return url;
}

// ---------------------------------------------------------------------------------------------------------------
// Calling the JS API the way a page does, and waiting

/** `target[method](...args)` with a thrown exception captured: `{ threw, value, error, message, isError, isTrap }`. */
export function tryCall(target, method, args) {
  try {
    return { threw: false, value: target[method](...args) };
  } catch (error) {
    return describeError({ threw: true }, error);
  }
}

function describeError(into, error) {
  into.error = error;
  into.isError = error instanceof Error;
  // A Rust panic surfaces as a WebAssembly trap ("unreachable"), not as an ordinary Error with a message.
  into.isTrap = error instanceof WebAssembly.RuntimeError;
  into.message = error && typeof error.message === "string" ? error.message : String(error);
  return into;
}

/** Settles `promise` (or times out after `ms`) into `{ state: "fulfilled"|"rejected"|"pending", value, message… }`. */
export async function settle(promise, ms) {
  let timer;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(() => resolve({ state: "pending" }), ms);
  });
  const outcome = promise.then(
    (value) => ({ state: "fulfilled", value }),
    (error) => describeError({ state: "rejected" }, error),
  );
  const result = await Promise.race([outcome, timeout]);
  clearTimeout(timer);
  return result;
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Waits for `n` animation frames, then `ms` more: long enough for any frame-scheduled render to have run. (Gives up
 * on frames after 2 s, so a page whose frames are throttled cannot hang a test.)
 */
export function quiesce(n, ms) {
  const frames = new Promise((resolve) => {
    let left = n;
    const step = () => {
      left -= 1;
      if (left <= 0) resolve();
      else requestAnimationFrame(step);
    };
    requestAnimationFrame(step);
  });
  return Promise.race([frames, sleep(2000)]).then(() => sleep(ms));
}

/** Polls `object[property] >= value` every few ms, for up to `ms`; resolves to whether it got there. */
export async function waitUntilAtLeast(object, property, value, ms) {
  const deadline = performance.now() + ms;
  while (object[property] < value) {
    if (performance.now() > deadline) return false;
    await sleep(5);
  }
  return true;
}

// ---------------------------------------------------------------------------------------------------------------
// Bursts: a whole body available at once, and what the page saw meanwhile

/**
 * A pull-based `ReadableStream` of `text` in pieces of `pieceBytes` bytes (UTF-8, cut anywhere, also inside a
 * character), every piece available at once: each `pull` enqueues the next piece synchronously, so every read
 * resolves as a microtask, as when a fast network or a buffering proxy delivers a burst. `highWaterMark: 0`: a piece
 * is enqueued only when the reader asks, so `pulls` says how far the reader has read.
 */
export class BurstSource {
  constructor(text, pieceBytes) {
    const bytes = new TextEncoder().encode(text);
    this.pieces = [];
    for (let i = 0; i < bytes.length; i += pieceBytes) this.pieces.push(bytes.slice(i, i + pieceBytes));
    this.pulls = 0;
    this.cancelCalls = 0;
    const self = this;
    let next = 0;
    this.stream = new ReadableStream(
      {
        pull(controller) {
          self.pulls += 1;
          if (next < self.pieces.length) controller.enqueue(self.pieces[next++]);
          else controller.close();
        },
        cancel() {
          self.cancelCalls += 1;
        },
      },
      { highWaterMark: 0 },
    );
  }

  get pieceCount() {
    return this.pieces.length;
  }
}

/**
 * Records, at every animation frame until `stop()`, the length of `container`'s text and how many pieces `source`
 * had handed out: what the page could draw while a stream was read. `callAtFrame(n, target, method)` calls
 * `target[method]()` in the n-th frame (as a stop button would) and records the text length and `target.mutations`
 * right after it.
 */
export class FrameProbe {
  constructor(container, source) {
    this.samples = [];
    this.running = true;
    this.cancelAtFrame = 0;
    this.target = null;
    this.method = null;
    this.textAtCancel = -1;
    this.mutationsAtCancel = -1;
    const tick = () => {
      if (!this.running) return;
      this.samples.push({ text: container.textContent.length, pulls: source.pulls });
      if (this.samples.length === this.cancelAtFrame && this.target) {
        this.target[this.method]();
        this.textAtCancel = container.textContent.length;
        this.mutationsAtCancel = this.target.mutations;
      }
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  }

  callAtFrame(n, target, method) {
    this.cancelAtFrame = n;
    this.target = target;
    this.method = method;
  }

  stop() {
    this.running = false;
  }

  /** Frames drawn so far. */
  get frames() {
    return this.samples.length;
  }

  /** Frames at which the container showed some, but less than `finalText`, characters. */
  partialFrames(finalText) {
    return this.samples.filter((s) => s.text > 0 && s.text < finalText).length;
  }

  /** For how many of the `total` pieces a frame came after the reader had pulled it and before it pulled the next. */
  piecesFollowedByAFrame(total) {
    return new Set(this.samples.map((s) => s.pulls).filter((p) => p >= 1 && p <= total)).size;
  }

  /** Frames at which the reader had pulled some, but not all, of the `total` pieces. */
  framesMidBody(total) {
    return this.samples.filter((s) => s.pulls > 0 && s.pulls < total).length;
  }
}
