// Highlighted streaming (issue 16, item 6) in headless Chromium: a code-heavy answer (benches/docs/code-heavy.md,
// 31 KB, 9 fences in 8 languages) streamed into
//   rillmark            no highlighting: the anchor;
//   rillmark+shiki      rillmark's `highlight` option with the demo's Shiki adapter (www/plugins.mjs: Shiki core,
//                       JavaScript regex engine, github-light, grammar state carried from line to line);
//   streamdown+shiki    Streamdown with @streamdown/code (Shiki, the same engine and theme family), re-rendered with
//                       the whole text per chunk inside flushSync, as benches/run.mjs does;
// and the bytes a page loads for each plug-in (wasm, JS, Shiki core + one grammar + theme, highlight.js, KaTeX JS +
// CSS + fonts, Mermaid, Streamdown).
//
//   ./build.sh build && ./build.sh setup && node benches/streamdown/build.mjs && node benches/highlight.mjs
//   node benches/highlight.mjs --chunkings token --reps 1 --cap 10000     quicker
//   node benches/highlight.mjs --bytes-only                              only the bytes table
//
// Needs pkg/ (./build.sh build), www/vendor/ (the demo's plug-in bundle: ./build.sh setup or node
// www/build-plugins.mjs) and, for Streamdown, benches/streamdown/dist/code/ (node benches/streamdown/build.mjs).
// Until rillmark takes the `highlight` option, rillmark+shiki is skipped and the report says why.
//
// Method: one page; each (chunking, rep) runs the adapters in rotating order after a warm-up run of each on the
// document's first 4 KB (grammars loaded, JIT settled). Per chunk: `write + flush` ("own"), then two task yields so
// asynchronous highlighting lands (Streamdown's Shiki plug-in highlights in a promise and sets React state), then a
// forced layout read; "per chunk" is all three. The yields' own floor (no renderer) is reported. A Streamdown run
// stops after `--cap` ms (default 15000), a rillmark run after `--cap-all` ms (default 120000); a stopped run's total
// is extrapolated linearly by chunks, a floor (`≥`).
// Writes benches/results/report-highlight.md and raw-highlight.json.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { CHROMIUM, launchChromium } from "./chromium.mjs";
import { serveBenchFiles } from "./serve.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const argv = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < argv.length ? argv[i + 1] : fallback;
};
const DOC = opt("doc", "code-heavy");
const CHUNKINGS = opt("chunkings", "token,64").split(",");
const REPS = Number(opt("reps", 3));
// Streamdown re-renders the whole text per chunk (quadratic): its runs stop after `--cap` ms; rillmark's after
// `--cap-all` ms (both extrapolated as floors when they stop early).
const CAP_MS = Number(opt("cap", 15000));
const CAP_ALL_MS = Number(opt("cap-all", 120000));
const BYTES_ONLY = argv.includes("--bytes-only");
const OUT = opt("out", join(ROOT, "benches", "results"));
const ADAPTERS = ["rillmark", "rillmark+shiki", "streamdown+shiki"];
// The grammars code-heavy.md and answer-100k.md use, loaded before timing (a real page loads each on its first block).
const LANGS = ["rust", "javascript", "typescript", "shellscript", "python", "css", "json", "go"];

for (const [path, how] of [["pkg/rillmark_bg.wasm", "./build.sh build"], ["www/vendor/plugins.js", "./build.sh setup (or node www/build-plugins.mjs)"]]) {
  if (!existsSync(join(ROOT, path))) {
    console.error(`${path} is missing: run ${how} first`);
    process.exit(1);
  }
}

const { server, base } = await serveBenchFiles(ROOT);
const browser = await launchChromium();
const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)}s`;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  if (!s.length) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

// ---------------------------------------------------------------------------------------------------------------------
// Bytes per plug-in: a fresh context (empty cache) per scenario on an empty page; every response's body, raw and
// gzip -9 (as a server would send it compressed; the dev servers here send it raw).
const SCENARIOS = [
  ["rillmark (wasm + JS glue)", async () => {
    const m = await import("/pkg/rillmark.js");
    await m.default();
  }],
  ["Shiki: core + JS regex engine + github-light + python grammar", async () => {
    const p = await import("/www/vendor/plugins.js");
    const { highlight } = await p.loadShiki({ theme: "light", langs: ["python"] });
    highlight("def f(x):\n    return x", "python");
  }],
  ["… each further Shiki grammar (here typescript)", async () => {
    const p = await import("/www/vendor/plugins.js");
    const { highlight } = await p.loadShiki({ theme: "light", langs: ["python"] });
    await highlight("const a: number = 1;", "typescript");
  }, { only: /typescript/i }],
  ["highlight.js: core + python + github.css", async () => {
    const p = await import("/www/vendor/plugins.js");
    const { highlight } = await p.loadHighlightJs({ langs: ["python"] });
    highlight("def f(x):\n    return x", "python");
    const link = Object.assign(document.createElement("link"), { rel: "stylesheet", href: "/www/vendor/hljs/github.min.css" });
    document.head.append(link);
    await new Promise((resolve) => link.addEventListener("load", resolve));
  }],
  ["KaTeX: JS + CSS + the fonts one inline and one display formula use", async () => {
    const p = await import("/www/vendor/plugins.js");
    const { math } = await p.loadKatex();
    const link = Object.assign(document.createElement("link"), { rel: "stylesheet", href: "/www/vendor/katex/katex.min.css" });
    document.head.append(link);
    await new Promise((resolve) => link.addEventListener("load", resolve));
    const a = document.createElement("p");
    const b = document.createElement("div");
    document.body.append(a, b);
    math("e^{i\\pi} + 1 = 0", { display: false }, a);
    math("P(\\text{reject}) \\approx \\left(\\frac{\\lambda}{r}\\right)^{C} = \\sum_{k=1}^{n} k", { display: true }, b);
    await document.fonts.ready;
  }],
  ["Mermaid: one flowchart", async () => {
    const p = await import("/www/vendor/plugins.js");
    const el = document.createElement("div");
    document.body.append(el);
    await p.mermaidBlock("flowchart LR\n  A[Client] --> B{Bucket?}\n  B -->|yes| C[Stream]\n  B -->|no| D[429]", el);
  }],
  ["Streamdown + React (no plug-ins)", async () => {
    await import("/benches/streamdown/dist/streamdown-adapter.js");
  }, { needs: "benches/streamdown/dist/streamdown-adapter.js" }],
  ["Streamdown + React + @streamdown/code: one python block highlighted", async () => {
    const { streamdownShiki } = await import("/benches/streamdown/dist/code/streamdown-code.js");
    const el = document.createElement("div");
    document.body.append(el);
    const a = streamdownShiki();
    a.create(el);
    a.write("```python\ndef f(x):\n    return x\n```\n");
    a.end();
    // Plain (not yet highlighted) lines carry --sdm-c too, set to inherit: wait for a colour.
    const coloured = () => [...el.querySelectorAll("pre span[style]")].some((s) => /--sdm-c:\s*#/.test(s.getAttribute("style")));
    for (let i = 0; i < 500 && !coloured(); i++) await new Promise((r) => setTimeout(r, 10));
    if (!coloured()) throw new Error("Streamdown did not highlight the block within 5 s");
  }, { needs: "benches/streamdown/dist/code/streamdown-code.js" }],
];

async function measureBytes() {
  const rows = [];
  for (const [name, fn, { only = null, needs = null } = {}] of SCENARIOS) {
    if (needs && !existsSync(join(ROOT, needs))) {
      rows.push({ name, skipped: `${needs} is missing: run node benches/streamdown/build.mjs` });
      continue;
    }
    const context = await browser.newContext();
    const page = await context.newPage();
    const bodies = [];
    page.on("response", (r) => bodies.push(r.finished().then(() => r.body().then((b) => ({ url: r.url(), b }), () => null))));
    await page.goto(`${base}/benches/highlight.html?empty`);
    await page.waitForLoadState("load");
    const skip = bodies.length; // the empty page itself
    await page.evaluate(`(${fn})()`);
    await page.waitForTimeout(300);
    const all = (await Promise.all(bodies)).filter(Boolean).slice(skip);
    // `only`: what one more grammar adds, after the set-up the row above measured.
    const files = only ? all.filter((f) => only.test(f.url)) : all;
    const raw = files.reduce((n, f) => n + f.b.length, 0);
    const gz = files.reduce((n, f) => n + gzipSync(f.b, { level: 9 }).length, 0);
    const kinds = {};
    for (const f of files) {
      const ext = (f.url.match(/\.(\w+)(?:\?|$)/) ?? [])[1] ?? "?";
      kinds[ext] = (kinds[ext] ?? 0) + 1;
    }
    rows.push({ name, files: files.length, kinds, raw, gzip: gz,
      list: files.map((f) => ({ file: new URL(f.url).pathname, raw: f.b.length, gzip: gzipSync(f.b, { level: 9 }).length })) });
    console.log(`[${elapsed()}] bytes: ${name}: ${files.length} files, ${raw} B raw, ${gz} B gzip -9`);
    await context.close();
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------------------------------
const raw = { streamed: [], bytes: [], floor: null, unavailable: {} };
raw.bytes = await measureBytes();

if (!BYTES_ONLY) {
  const page = await browser.newPage({ viewport: { width: 800, height: 900 } });
  page.on("pageerror", (e) => console.error("page error:", e.message));
  await page.goto(`${base}/benches/highlight.html`);
  await page.waitForFunction(() => window.highlightBench?.ready === true, null, { timeout: 30_000 });
  raw.unavailable = (await page.evaluate((langs) => window.highlightBench.load({ langs }), LANGS)).unavailable;
  for (const [adapter, why] of Object.entries(raw.unavailable)) console.log(`skipped ${adapter}: ${why}`);
  for (const adapter of ADAPTERS) {
    await page.evaluate((a) => window.highlightBench.streamed({ doc: a.doc, adapter: a.adapter, chunking: "token", prefix: 4096 }), { doc: DOC, adapter });
  }
  raw.floor = await page.evaluate(() => window.highlightBench.yieldFloor({ n: 2000 }));
  for (const chunking of CHUNKINGS) {
    for (let rep = 0; rep < REPS; rep++) {
      for (let k = 0; k < ADAPTERS.length; k++) {
        const adapter = ADAPTERS[(k + rep) % ADAPTERS.length];
        const capMs = adapter.startsWith("streamdown") ? CAP_MS : CAP_ALL_MS;
        const r = await page.evaluate((a) => window.highlightBench.streamed(a), { doc: DOC, adapter, chunking, capMs });
        if (r.skipped) continue;
        r.rep = rep;
        raw.streamed.push(r);
        console.log(`[${elapsed()}] ${chunking} ${adapter} rep ${rep}: ${r.totalMs.toFixed(1)} ms, p99 ${r.perChunk.p99.toFixed(3)} ms` +
          (r.truncated ? ` (capped after ${r.chunksDone}/${r.chunks} chunks)` : "") + `, ${r.colouredSpans} coloured spans`);
      }
    }
  }
  await page.close();
}
await browser.close();
server.close();

// ---------------------------------------------------------------------------------------------------------------------
const git = (args) => spawnSync("git", args, { cwd: ROOT, encoding: "utf8" }).stdout.trim();
const cpu = (readFileSync("/proc/cpuinfo", "utf8").match(/model name\s*:\s*(.*)/) ?? [])[1] ?? cpus()[0]?.model;
raw.machine = {
  date: new Date().toISOString(),
  commit: git(["rev-parse", "--short", "HEAD"]) + (git(["status", "--porcelain", "--", "src", "www/plugins.mjs"]) ? "+dirty" : ""),
  cpu,
  cores: cpus().length,
  chromium: spawnSync(CHROMIUM, ["--version"], { encoding: "utf8" }).stdout.trim(),
  node: process.version,
  settings: { doc: DOC, chunkings: CHUNKINGS, reps: REPS, capMs: CAP_MS, capAllMs: CAP_ALL_MS },
};
const f = (x, d = 2) => (x == null || Number.isNaN(x) ? "–" : x.toFixed(d));
function agg(chunking, adapter) {
  const runs = raw.streamed.filter((r) => r.chunking === chunking && r.adapter === adapter);
  if (!runs.length) return null;
  const capped = runs.find((r) => r.truncated);
  const m = (pick) => median(runs.map(pick));
  return {
    runs,
    total: capped ? (capped.totalMs * capped.chunks) / capped.chunksDone : m((r) => r.totalMs),
    lowerBound: Boolean(capped),
    p50: m((r) => r.perChunk.p50),
    p99: m((r) => r.perChunk.p99),
    max: m((r) => r.perChunk.max),
    own50: m((r) => r.own.p50),
    own99: m((r) => r.own.p99),
    ownSum: m((r) => r.own.sum),
    yieldSum: m((r) => r.yields.sum),
    layoutSum: m((r) => r.layout.sum),
    coloured: m((r) => r.colouredSpans),
  };
}
const lines = [];
const out = (s = "") => lines.push(s);
out("# Highlighted streaming: rillmark + Shiki against Streamdown + Shiki");
out();
out(`${raw.machine.date} · commit ${raw.machine.commit} · ${raw.machine.cpu} (${raw.machine.cores} cores, shared) · ${raw.machine.chromium} · node ${raw.machine.node}`);
out();
out("Command: `node benches/highlight.mjs` (see its header). Per chunk = `write + flush` (own work) + two task yields (so");
out("asynchronous highlighting lands in the chunk that caused it) + a forced layout read. Totals include `end()`.");
out(`Median over reps; a run stopped at its cap (Streamdown ${CAP_MS} ms, rillmark ${CAP_ALL_MS} ms) has its total extrapolated`);
out("linearly by chunks, a floor (`≥`): Streamdown's cost per chunk grows with the text, so the real total is higher.");
if (raw.floor) out(`The two yields and a layout read alone cost p50 ${f(raw.floor.p50, 3)} ms, p99 ${f(raw.floor.p99, 3)} ms per chunk (no renderer).`);
for (const [adapter, why] of Object.entries(raw.unavailable)) out(`\n**${adapter} skipped**: ${why}.`);
if (!BYTES_ONLY) {
  out();
  out(`## Streaming ${DOC}.md`);
  out();
  out("Where the time goes: own = `write + flush`; yields = work a chunk started that ran in the next tasks (highlighting");
  out("that lands asynchronously, React's render) and any frame the browser rendered between them; layout = the forced");
  out("layout read (style and layout of the new DOM). The sums of a capped run cover the chunks it did.");
  out();
  out("| chunking | adapter | chunks | total ms | × rillmark | per chunk p50 / p99 / max ms | own p50 / p99 ms | own · yields · layout, sums ms | coloured spans at the end |");
  out("|---|---|---|---|---|---|---|---|---|");
  for (const chunking of CHUNKINGS) {
    const anchor = agg(chunking, "rillmark");
    for (const adapter of ADAPTERS) {
      const a = agg(chunking, adapter);
      if (!a) {
        out(`| ${chunking} | ${adapter} | – | skipped | – | – | – | – | – |`);
        continue;
      }
      const ratio = anchor ? `${a.lowerBound ? "≥" : ""}${f(a.total / anchor.total)}` : "–";
      out(`| ${chunking} | ${adapter} | ${a.runs[0].chunks}${a.lowerBound ? ` (capped at ${a.runs.find((r) => r.truncated).chunksDone})` : ""} | ${a.lowerBound ? "≥" : ""}${f(a.total, 1)} | ${ratio} | ${f(a.p50, 3)} / ${f(a.p99, 3)} / ${f(a.max, 1)} | ${f(a.own50, 3)} / ${f(a.own99, 3)} | ${f(a.ownSum, 0)} · ${f(a.yieldSum, 0)} · ${f(a.layoutSum, 0)} | ${a.coloured} |`);
    }
    const r = agg(chunking, "rillmark+shiki");
    const s = agg(chunking, "streamdown+shiki");
    if (r && s) {
      const bound = s.lowerBound && r.lowerBound ? "≈" : s.lowerBound ? "≥" : r.lowerBound ? "≤" : "";
      out(`| ${chunking} | streamdown+shiki / rillmark+shiki | | ${bound}${f(s.total / r.total)}${bound === "≈" ? " (both capped)" : ""} | | p99 ${f(s.p99 / r.p99)}× | | | |`);
    }
  }
}
out();
out("## Bytes a page loads per plug-in");
out();
out("A fresh browser context (empty cache) per row on an empty page; every response body, raw and gzip -9. The demo's");
out("bundle (`www/build-plugins.mjs`: esbuild, minified, split per library, grammar and theme) and Streamdown's");
out("(`benches/streamdown/build.mjs`).");
out();
out("| what | files | raw bytes | gzip -9 |");
out("|---|---|---|---|");
for (const b of raw.bytes) {
  if (b.skipped) out(`| ${b.name} | skipped: ${b.skipped} | | |`);
  else out(`| ${b.name} | ${b.files} (${Object.entries(b.kinds).map(([k, n]) => `${n} ${k}`).join(", ")}) | ${b.raw.toLocaleString("en")} | ${b.gzip.toLocaleString("en")} |`);
}
mkdirSync(OUT, { recursive: true });
const suffix = BYTES_ONLY ? "-bytes" : "";
writeFileSync(join(OUT, `report-highlight${suffix}.md`), lines.join("\n") + "\n");
writeFileSync(join(OUT, `raw-highlight${suffix}.json`), JSON.stringify(raw, null, 1) + "\n");
console.log(lines.join("\n"));
console.log(`\nwrote ${join(OUT, `report-highlight${suffix}.md`)} in ${elapsed()}`);
