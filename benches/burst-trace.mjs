// Where the time of a burst's frames goes: a document streamed through `stream()` as 16 KB pieces all enqueued at
// once (as `run.mjs --burst`), under a Chromium trace; each gap between two animation frames is split into script
// (rillmark's feed/render, the DOM applier), style, layout, paint (pre-paint, paint, layerize, commit) and other.
//
//   ./build.sh build && node benches/burst-trace.mjs [--docs table-500,list-1000] [--reps 3] [--top 3] [--all]
//                                                     [--css] [--style "CSS"] [--console]
//
// `--css` loads pkg/rillmark.css and puts class="rillmark" on the container (as a host using the stylesheet would);
// `--style` adds CSS to the page (experiments: containment, table layout); `--all` lists every gap of the last rep;
// `--console` prints the page's console.
// Prints, per document, the median over reps of the longest gap and of its parts, and the parts of the `--top`
// longest gaps of the last rep. Nothing is written to benches/results/.
import { serveBenchFiles } from "./serve.mjs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { launchChromium } from "./chromium.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const argv = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < argv.length ? argv[i + 1] : fallback;
};
const DOCS = opt("docs", "answer-20k,answer-100k,list-1000,table-500,footnotes-refs").split(",");
const REPS = Number(opt("reps", 3));
const TOP = Number(opt("top", 3));
const CSS = argv.includes("--css");
// Extra CSS for the page (experiments: containment, table layout), e.g. --style ".out > * { contain: content }".
const STYLE = opt("style", "");

const { server, base } = await serveBenchFiles(ROOT);
const browser = await launchChromium();
const page = await browser.newPage({ viewport: { width: 800, height: 900 } });
if (argv.includes("--console")) page.on("console", (m) => console.log("  page:", m.text()));
await page.goto(`${base}/benches/page.html`);
await page.waitForFunction(() => window.bench?.ready === true);
if (CSS) await page.addStyleTag({ url: "/pkg/rillmark.css" });
if (STYLE) await page.addStyleTag({ content: STYLE });

/** In the page: one burst with a `performance.mark` at every animation frame. */
async function burst({ doc, css }) {
  const { Renderer } = await import("/pkg/rillmark.js");
  const text = await (await fetch(`./docs/${doc}.md`)).text();
  const pieces = [];
  for (let i = 0; i < text.length; i += 16 * 1024) pieces.push(text.slice(i, i + 16 * 1024));
  const el = document.createElement("div");
  el.className = css ? "out rillmark" : "out";
  document.body.append(el);
  const r = new Renderer(el);
  let running = true;
  const tick = () => {
    performance.mark("rm-frame");
    if (running) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  await new Promise((r) => requestAnimationFrame(r));
  await new Promise((r) => requestAnimationFrame(r));
  performance.mark("rm-start");
  const rs = new ReadableStream({
    start(c) {
      for (const p of pieces) c.enqueue(p);
      c.close();
    },
  });
  await r.stream(rs, { dialect: "plain" });
  performance.mark("rm-end");
  await new Promise((r) => requestAnimationFrame(r));
  await new Promise((r) => requestAnimationFrame(r));
  running = false;
  r.free();
  el.remove();
}

const PAINT = new Set(["PrePaint", "Paint", "Layerize", "Commit", "UpdateLayer", "PaintImage", "CompositeLayers", "UpdateLayerTree"]);
const SCRIPT = new Set(["FunctionCall", "RunMicrotasks", "FireAnimationFrame", "TimerFire", "v8.execute", "EvaluateScript", "EventDispatch"]);
const label = (name) =>
  name === "Layout" ? ["layout", 4] : name === "UpdateLayoutTree" ? ["style", 4] : PAINT.has(name) ? ["paint", 3] : SCRIPT.has(name) ? ["script", 2] : name === "RunTask" || name === "ThreadControllerImpl::RunTask" ? ["other", 1] : null;

function analyse(events) {
  const main = events.find((e) => e.ph === "M" && e.name === "thread_name" && e.args?.name === "CrRendererMain");
  const onMain = events.filter((e) => e.pid === main.pid && e.tid === main.tid);
  const marks = onMain.filter((e) => e.name === "rm-frame").map((e) => e.ts).sort((a, b) => a - b);
  const start = onMain.find((e) => e.name === "rm-start")?.ts;
  const end = onMain.find((e) => e.name === "rm-end")?.ts;
  const spans = [];
  for (const e of onMain) {
    if (e.ph !== "X" || !e.dur) continue;
    const l = label(e.name);
    if (l) spans.push({ from: e.ts, to: e.ts + e.dur, kind: l[0], prio: l[1], depth: 0 });
  }
  // Gaps that overlap the stream: from the last frame before its start to two frames after its end.
  const first = marks.findLastIndex((t) => t <= start);
  const lastEnd = marks.findIndex((t) => t >= end);
  const gaps = [];
  for (let i = Math.max(first, 0); i < Math.min(lastEnd + 2, marks.length - 1); i++) {
    const a = marks[i], b = marks[i + 1];
    // Sweep: at each moment the innermost (highest priority, latest start) span names the time.
    const inside = spans.filter((s) => s.to > a && s.from < b);
    const points = [...new Set([a, b, ...inside.flatMap((s) => [Math.max(a, s.from), Math.min(b, s.to)])])].sort((x, y) => x - y);
    const parts = { script: 0, style: 0, layout: 0, paint: 0, other: 0, idle: 0 };
    for (let k = 0; k + 1 < points.length; k++) {
      const mid = (points[k] + points[k + 1]) / 2;
      let best = null;
      for (const s of inside) if (s.from <= mid && mid < s.to && (!best || s.prio > best.prio || (s.prio === best.prio && s.from > best.from))) best = s;
      parts[best ? best.kind : "idle"] += (points[k + 1] - points[k]) / 1000;
    }
    gaps.push({ ms: (b - a) / 1000, ...parts });
  }
  return { gaps, streamMs: (end - start) / 1000 };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const f = (x) => x.toFixed(1);
const fmt = (g) => `${f(g.ms)} ms = script ${f(g.script)} + style ${f(g.style)} + layout ${f(g.layout)} + paint ${f(g.paint)} + other ${f(g.other)} + idle ${f(g.idle)}`;
const categories = ["devtools.timeline", "blink.user_timing", "v8.execute", "toplevel", "disabled-by-default-devtools.timeline"];
// Warm-up (JIT tiers), untraced.
await page.evaluate(burst, { doc: "answer-20k", css: CSS });
for (const doc of DOCS) {
  const runs = [];
  for (let rep = 0; rep < REPS; rep++) {
    await browser.startTracing(page, { categories });
    await page.evaluate(burst, { doc, css: CSS });
    const events = JSON.parse((await browser.stopTracing()).toString()).traceEvents;
    runs.push(analyse(events));
  }
  const longest = runs.map((r) => r.gaps.reduce((a, b) => (b.ms > a.ms ? b : a)));
  const med = (k) => median(longest.map((g) => g[k]));
  console.log(`${doc}: longest gap median ${f(med("ms"))} ms [${longest.map((g) => f(g.ms)).join(", ")}]; stream ${f(median(runs.map((r) => r.streamMs)))} ms, ${median(runs.map((r) => r.gaps.length))} gaps`);
  console.log(`  longest, medians of parts: script ${f(med("script"))} style ${f(med("style"))} layout ${f(med("layout"))} paint ${f(med("paint"))} other ${f(med("other"))} idle ${f(med("idle"))}`);
  const last = [...runs.at(-1).gaps].sort((a, b) => b.ms - a.ms).slice(0, TOP);
  for (const g of last) console.log(`  ${fmt(g)}`);
  if (argv.includes("--all")) for (const g of runs.at(-1).gaps) console.log(`    · ${fmt(g)}`);
}
await browser.close();
server.close();
