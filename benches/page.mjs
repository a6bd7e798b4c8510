// The in-page half of the benchmark: adapters with one interface and the measurements. Driven by benches/run.mjs
// through `window.bench`; every function returns plain JSON.
import init, { Renderer } from "../pkg/rillmark.js";
import * as smd from "../node_modules/streaming-markdown/smd.js";
import { marked } from "../node_modules/marked/lib/marked.esm.js";
import MarkdownIt from "../node_modules/markdown-it/dist/browser/markdown-it.esm.min.mjs";
import { prng } from "./prng.mjs";
import { measureChunks, streamedResult } from "./measure.mjs";

const wasm = await init();
const md = new MarkdownIt({ linkify: true });
const now = () => performance.now();
const gc = () => (globalThis.gc ? globalThis.gc() : undefined);

// ---------------------------------------------------------------------------------------------------------------------
// Adapters: { create(container), write(chunk), flush(), end(), dispose() }. `write + flush` is one chunk's work.
/** rillmark as an adapter; `make(el)` builds its renderer (benches/highlight-page.mjs passes one with options). */
export function rendererAdapter(make = (el) => new Renderer(el)) {
  let r;
  return {
    create: (el) => void (r = make(el)),
    write: (chunk) => r.write(chunk),
    flush: () => r.flush(),
    end: () => void r.finish(),
    dispose: () => r.free(),
  };
}

const ADAPTERS = {
  rillmark: () => rendererAdapter(),
  smd: () => {
    let p;
    return {
      create: (el) => void (p = smd.parser(smd.default_renderer(el))),
      write: (chunk) => smd.parser_write(p, chunk),
      flush: () => {},
      end: () => smd.parser_end(p),
      dispose: () => {},
    };
  },
  // The common "re-render everything into innerHTML per chunk" approach (unsanitised here, which flatters them).
  marked: () => rerender((text) => marked.parse(text)),
  "markdown-it": () => rerender((text) => md.render(text)),
};

// Adapters whose code is fetched on first use, built apart from the root package: runs without them never need it.
const LAZY = {
  // React + streamdown, bundled by `node benches/streamdown/build.mjs`.
  streamdown: () => import("./streamdown/dist/streamdown-adapter.js").then((m) => m.streamdown),
};

async function adapterFor(name) {
  if (!ADAPTERS[name] && LAZY[name]) {
    try {
      ADAPTERS[name] = await LAZY[name]();
    } catch (e) {
      throw new Error(`adapter ${name} did not load (${e.message}): run node benches/${name}/build.mjs`);
    }
  }
  if (!ADAPTERS[name]) throw new Error(`unknown adapter ${name}`);
  return ADAPTERS[name]();
}

function rerender(toHtml) {
  let el;
  let text = "";
  return {
    create: (container) => void (el = container),
    write: (chunk) => void (text += chunk),
    flush: () => void (el.innerHTML = toHtml(text)),
    end: () => void (el.innerHTML = toHtml(text)),
    dispose: () => {},
  };
}

// ---------------------------------------------------------------------------------------------------------------------
// Chunkings.
export function chunk(text, mode, seed = 1) {
  const out = [];
  if (mode === "char") {
    for (const c of text) out.push(c); // code points, never half a surrogate pair
    return out;
  }
  if (mode === "64" || mode === "burst") {
    const n = mode === "64" ? 64 : 16 * 1024;
    for (let i = 0; i < text.length; ) {
      let j = Math.min(text.length, i + n);
      if (j < text.length && /[\uDC00-\uDFFF]/.test(text[j])) j++;
      out.push(text.slice(i, j));
      i = j;
    }
    return out;
  }
  if (mode === "token") {
    // LLM-token-like: 1–6 characters, never across a word boundary except a leading space (" word" like BPE).
    const rand = prng(seed);
    for (let i = 0; i < text.length; ) {
      let j = Math.min(text.length, i + 1 + Math.floor(rand() * 6));
      for (let k = i + 1; k < j; k++) {
        if (/\s/.test(text[k]) && !/\s/.test(text[k - 1])) {
          j = k;
          break;
        }
      }
      if (j < text.length && /[\uDC00-\uDFFF]/.test(text[j])) j++;
      out.push(text.slice(i, j));
      i = j;
    }
    return out;
  }
  throw new Error(`unknown chunking ${mode}`);
}

const docs = {};
async function doc(name) {
  docs[name] ??= await (await fetch(`./docs/${name}.md`)).text();
  return docs[name];
}

function fresh() {
  const el = document.createElement("div");
  el.className = "out";
  document.body.append(el);
  return el;
}

function countTextNodes(el) {
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  let n = 0;
  while (walker.nextNode()) n++;
  return n;
}

const heap = () => performance.memory.usedJSHeapSize;
const wasmBytes = () => wasm.memory.buffer.byteLength;

// ---------------------------------------------------------------------------------------------------------------------
/** One streamed run: every chunk is `write + flush` and then a forced layout read (one frame per chunk). */
async function streamed({ doc: name, adapter, chunking, seed = 1, capMs = 10_000 }) {
  const text = await doc(name);
  const chunks = chunk(text, chunking, seed);
  const el = fresh();
  const a = await adapterFor(adapter); // before the heap baseline: a lazy adapter's first use loads its module
  gc();
  const heap0 = heap();
  const wasm0 = wasmBytes();
  const mo = new MutationObserver(() => {});
  mo.observe(el, { subtree: true, childList: true, characterData: true, attributes: true });
  a.create(el);
  let records = 0;
  let added = 0;
  const countMutations = () => {
    for (const r of mo.takeRecords()) {
      records++;
      added += r.addedNodes.length;
    }
  };
  const run = await measureChunks({ a, el, chunks, capMs, afterChunk: countMutations });
  countMutations();
  mo.disconnect();
  const textNodes = countTextNodes(el);
  const elements = el.getElementsByTagName("*").length;
  gc();
  const heapKept = heap() - heap0;
  a.dispose();
  el.remove();
  return {
    ...streamedResult({ doc: name, adapter, chunking, text, chunks, run }),
    mutationsPerChunk: records / run.done,
    nodesAddedPerChunk: added / run.done,
    textNodes,
    elements,
    heapKeptBytes: heapKept,
    wasmGrowthBytes: wasmBytes() - wasm0,
  };
}

/** One-shot: the whole document in one write, end, and a layout read. */
async function oneShot({ doc: name, adapter }) {
  const text = await doc(name);
  const el = fresh();
  const a = await adapterFor(adapter);
  const t0 = now();
  a.create(el);
  a.write(text);
  a.end();
  void el.offsetHeight;
  const ms = now() - t0;
  a.dispose();
  el.remove();
  return ms;
}

// ---------------------------------------------------------------------------------------------------------------------
// Streams through `stream()`: first token latency, bursts, memory.
const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Time from enqueuing the first token to its text being in the DOM, in ms and in animation frames. */
async function firstToken({ reps = 20 }) {
  const results = [];
  for (let i = 0; i < reps; i++) {
    const el = fresh();
    const r = new Renderer(el);
    let ctrl;
    const rs = new ReadableStream({ start: (c) => void (ctrl = c) });
    const outcome = r.stream(rs, { dialect: "plain" });
    await frame();
    await frame();
    let frames = 0;
    let counting = true;
    const countFrames = () => {
      if (!counting) return;
      frames++;
      requestAnimationFrame(countFrames);
    };
    requestAnimationFrame(countFrames);
    const seen = new Promise((resolve) => {
      const mo = new MutationObserver(() => {
        if (el.textContent.includes("Hello")) {
          mo.disconnect();
          resolve(now());
        }
      });
      mo.observe(el, { subtree: true, childList: true, characterData: true });
    });
    await sleep(3); // enqueue somewhere inside a frame, not right at its start
    const t0 = now();
    ctrl.enqueue("Hello wor");
    const t1 = await seen;
    counting = false;
    ctrl.close();
    await outcome;
    r.free();
    el.remove();
    results.push({ ms: t1 - t0, framesStarted: frames });
  }
  return results;
}

/**
 * A document streamed through `stream()` in 16 KB enqueues, all queued at once (a fast network or a proxy that
 * buffers): the longest main-thread block, seen as the longest gap between animation frames and as long tasks, and how
 * many frames the page drew while the stream was read.
 */
async function burstStream({ doc: name, reps = 3, adapter = "rillmark" }) {
  const text = await doc(name);
  const chunks = chunk(text, "burst");
  const out = [];
  for (let rep = 0; rep < reps; rep++) {
    const el = fresh();
    // smd has no stream(): the same ReadableStream is read with a reader loop into parser_write.
    const r =
      adapter === "rillmark"
        ? new Renderer(el)
        : {
            async stream(rs) {
              const p = smd.parser(smd.default_renderer(el));
              const reader = rs.getReader();
              for (;;) {
                const { done, value } = await reader.read();
                if (done) break;
                smd.parser_write(p, value);
              }
              smd.parser_end(p);
              return { status: "done" };
            },
            free() {},
          };
    const gaps = [];
    let last = now();
    let running = true;
    let framesDuring = 0;
    let streaming = false;
    const tick = () => {
      const n = now();
      gaps.push(n - last);
      last = n;
      if (streaming) framesDuring++;
      if (running) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
    await frame();
    const longTasks = [];
    const po = new PerformanceObserver((list) => longTasks.push(...list.getEntries().map((e) => e.duration)));
    try {
      po.observe({ type: "longtask" });
    } catch {}
    const t0 = now();
    const rs = new ReadableStream({
      start(c) {
        for (const piece of chunks) c.enqueue(piece);
        c.close();
      },
    });
    streaming = true;
    const outcome = await r.stream(rs, { dialect: "plain" });
    streaming = false;
    const ms = now() - t0;
    await frame();
    await frame();
    running = false;
    longTasks.push(...po.takeRecords().map((e) => e.duration));
    po.disconnect();
    let sameAsOneShot = null;
    if (adapter === "rillmark") {
      const ref = fresh();
      const one = new Renderer(ref);
      one.write(text);
      one.finish();
      sameAsOneShot = ref.innerHTML === el.innerHTML;
      one.free();
      ref.remove();
    }
    r.free();
    el.remove();
    out.push({
      adapter,
      doc: name,
      bytes: new TextEncoder().encode(text).length,
      ms,
      status: outcome.status,
      maxFrameGapMs: Math.max(...gaps),
      framesDuring,
      longTasksMs: longTasks,
      sameAsOneShot,
    });
  }
  return out;
}

async function settle() {
  for (let i = 0; i < 6; i++) {
    gc();
    await sleep(20); // FinalizationRegistry callbacks run as tasks
  }
  gc();
}

function readable(text, chunking, { delayMs = 0 } = {}) {
  const chunks = chunk(text, chunking);
  let i = 0;
  return new ReadableStream({
    async pull(c) {
      if (delayMs) await sleep(delayMs);
      if (i < chunks.length) c.enqueue(chunks[i++]);
      else c.close();
    },
  });
}

/** 1,000 sequential streams on one page, then 50 concurrent ones; heap and wasm memory at checkpoints. */
/** `free`: "now" (free() right after the outcome), "after-frame" (free() one animation frame later), "never" (leave it
 *  to the FinalizationRegistry). */
async function memory({ sequential = 1000, concurrent = 50, free = "after-frame", docName = "answer-2k" }) {
  const text = await doc(docName);
  const points = [];
  const mark = async (label) => {
    await settle();
    points.push({ label, heap: heap(), wasm: wasmBytes(), nodes: document.getElementsByTagName("*").length });
  };
  const release = async (r) => {
    if (free === "after-frame") await frame();
    if (free !== "never") r.free();
  };
  const one = async (chunking) => {
    const el = fresh();
    const r = new Renderer(el);
    const outcome = await r.stream(readable(text, chunking), { dialect: "plain" });
    if (outcome.status !== "incomplete" && outcome.status !== "done") throw new Error(`status ${outcome.status}`);
    await release(r);
    el.remove();
  };
  await mark("start");
  for (let i = 0; i < 10; i++) await one("64");
  await mark("after 10 (baseline)");
  for (let i = 10; i < sequential; i++) {
    await one("64");
    if (i + 1 === 100 || i + 1 === 500) await mark(`after ${i + 1}`);
  }
  await mark(`after ${sequential} sequential`);
  const t0 = now();
  await Promise.all(
    Array.from({ length: concurrent }, async () => {
      const el = fresh();
      const r = new Renderer(el);
      await r.stream(readable(text, "token", { delayMs: 1 }), { dialect: "plain" });
      await release(r);
      el.remove();
    }),
  );
  const concurrentMs = now() - t0;
  await mark(`after ${concurrent} concurrent`);
  for (let i = 0; i < sequential; i++) await one("64");
  await mark(`after ${sequential} more sequential`);
  // A cancelled stream and one through `write` too: their paths own other resources (abort, frame callback).
  for (let i = 0; i < 200; i++) {
    const el = fresh();
    const r = new Renderer(el);
    const p = r.stream(readable(text, "token", { delayMs: 0 }), { dialect: "plain" });
    await sleep(0);
    r.cancel();
    await p;
    const w = new Renderer(fresh());
    w.write(text.slice(0, 500));
    await release(r);
    await release(w);
    el.remove();
    document.querySelectorAll(".out").forEach((n) => n.remove());
  }
  await mark("after 200 cancel + 200 write-without-finish");
  return { free, points, concurrentMs };
}

window.bench = {
  ready: true,
  chunkCount: async ({ doc: name, chunking }) => chunk(await doc(name), chunking).length,
  streamed,
  oneShot,
  firstToken,
  burstStream,
  memory,
  crossOriginIsolated: globalThis.crossOriginIsolated,
  userAgent: navigator.userAgent,
  wasmBytes,
};
document.title = "ready";
