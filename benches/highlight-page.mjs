// The in-page half of benches/highlight.mjs: a code-heavy document streamed into rillmark without highlighting (the
// anchor), rillmark with Shiki through its `highlight` option (the demo's adapter, www/plugins.mjs), and Streamdown
// with its Shiki plug-in (benches/streamdown/adapter-code.mjs). Driven through `window.highlightBench`; every
// function returns plain JSON.
import init, { Renderer } from "../pkg/rillmark.js";
import { chunk, rendererAdapter } from "./page.mjs";
import { measureChunks, streamedResult, summary } from "./measure.mjs";

await init();
const now = () => performance.now();
const params = new URLSearchParams(location.search);

// One macrotask (MessageChannel: no 4 ms clamp as with nested setTimeout). Two of them after each chunk let work
// that a chunk starts asynchronously land inside that chunk's time: promise callbacks run before the first, and a
// React update they schedule (React's scheduler posts a MessageChannel task) runs before the second.
const channel = new MessageChannel();
const waiting = [];
channel.port1.onmessage = () => waiting.shift()?.();
const task = () => new Promise((resolve) => { waiting.push(resolve); channel.port2.postMessage(0); });
const settle = async () => { await task(); await task(); };

let shiki = null;
let streamdownShiki = null;
const unavailable = {};

/** rillmark with `highlight`: null plus a reason when this build of rillmark does not take the option. */
function highlightRenderer(el) {
  try {
    return new Renderer(el, { highlight: shiki.highlight });
  } catch (err) {
    if (err instanceof TypeError) return null;
    throw err;
  }
}

const ADAPTERS = {
  rillmark: () => rendererAdapter(),
  "rillmark+shiki": () => rendererAdapter(highlightRenderer),
  "streamdown+shiki": () => streamdownShiki(),
};

async function load({ langs }) {
  const plugins = await import("../www/vendor/plugins.js");
  shiki = await plugins.loadShiki({ theme: "light", langs });
  const probe = highlightRenderer(document.createElement("div"));
  if (probe) probe.free();
  else unavailable["rillmark+shiki"] = "this build of rillmark has no `highlight` option (new Renderer threw a TypeError)";
  try {
    streamdownShiki = (await import("./streamdown/dist/code/streamdown-code.js")).streamdownShiki;
  } catch (err) {
    unavailable["streamdown+shiki"] = `benches/streamdown/dist/code/ did not load (${err.message}): run node benches/streamdown/build.mjs`;
  }
  return { unavailable };
}

const docs = {};
async function doc(name) {
  docs[name] ??= await (await fetch(`./docs/${name}.md`)).text();
  return docs[name];
}

/**
 * Spans with an inline colour inside code blocks: how much of the code ended up highlighted. rillmark sets `color`;
 * Streamdown sets the custom properties `--sdm-c` (light) and `--shiki-dark` that its Tailwind classes read (and
 * `--sdm-c: inherit` on lines not highlighted yet, which do not count).
 */
function colouredSpans(el) {
  return [...el.querySelectorAll("pre span[style]")].filter((s) => /(^|;)\s*(color|--sdm-c)\s*:\s*(#|rgb)/.test(s.getAttribute("style"))).length;
}

/**
 * One streamed run. Per chunk: `write + flush` (own work, synchronous), then two task yields so asynchronous
 * highlighting lands, then a forced layout read; "total" is all three.
 */
async function streamed({ doc: name, adapter, chunking, seed = 1, capMs = 15_000, prefix = 0 }) {
  if (unavailable[adapter]) return { adapter, skipped: unavailable[adapter] };
  let text = await doc(name);
  if (prefix) text = text.slice(0, prefix);
  const chunks = chunk(text, chunking, seed);
  const el = document.createElement("div");
  el.className = "out";
  document.body.append(el);
  const a = ADAPTERS[adapter]();
  a.create(el);
  const run = await measureChunks({ a, el, chunks, capMs, between: settle });
  // Late highlighting (Streamdown's callbacks for the last blocks) before counting what got coloured.
  for (let i = 0; i < 20; i++) await task();
  const coloured = colouredSpans(el);
  const codeBlocks = el.querySelectorAll("pre").length;
  a.dispose();
  el.remove();
  const yieldS = summary(run.waited);
  const layoutS = summary(run.total.map((t, i) => t - run.own[i] - run.waited[i]));
  return {
    ...streamedResult({ doc: name, adapter, chunking, text, chunks, run }),
    // What the chunk cost after `write + flush`: the two task yields (work the chunk started asynchronously) and
    // the layout read.
    yields: { sum: yieldS.sum, p50: yieldS.p50, p99: yieldS.p99 },
    layout: { sum: layoutS.sum, p50: layoutS.p50, p99: layoutS.p99 },
    colouredSpans: coloured,
    codeBlocks,
  };
}

/** The cost of two task yields and a layout read of an empty container: the floor under every chunk's total. */
async function yieldFloor({ n = 2000 }) {
  const el = document.createElement("div");
  document.body.append(el);
  const times = [];
  for (let i = 0; i < n; i++) {
    const t0 = now();
    await settle();
    void el.offsetHeight;
    times.push(now() - t0);
  }
  el.remove();
  return summary(times);
}

window.highlightBench = { load, streamed, yieldFloor, ready: true, crossOriginIsolated: globalThis.crossOriginIsolated };
if (params.has("ready")) document.title = "ready";
