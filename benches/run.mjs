// Browser benchmark: rillmark against streaming-markdown (smd), marked, markdown-it and (optionally) streamdown in
// headless Chromium.
//
//   ./build.sh build && node benches/run.mjs            full run (~20 min on 2 shared cores)
//   node benches/run.mjs --quick                        2 KB + 20 KB answers, token chunking, 1 rep (~1 min)
//   node benches/run.mjs --docs answer-20k --chunkings token,64 --adapters rillmark,smd --reps 5 --no-memory
//   node benches/streamdown/build.mjs && node benches/run.mjs --quick --adapters rillmark,smd,streamdown
//
// Writes benches/results/report.md (tables, ratios to smd) and benches/results/raw.json (every run).
// Method: one page per (document, chunking); in it every adapter runs `reps` times in rotating order. Each chunk is
// `write + flush` followed by a forced layout read (`offsetHeight`); "own" times leave the layout read out. The page
// is cross-origin isolated (COOP/COEP) so performance.now() has 5 µs resolution instead of 100 µs.
// Every page first runs each adapter once on answer-2k (discarded) so JIT tiers settle.
// Subsampling, to keep a full run near 20 minutes on 2 cores:
// - the re-render-everything adapters (`--capped`, default marked,markdown-it,streamdown: quadratic) stop after
//   `--cap` ms (default 2000) of streaming; the total is extrapolated linearly by chunks and reported as a floor
//   ("≥"), and a capped adapter is not repeated;
// - a run with more than `--big` chunks (default 30000: char chunking of the ≥ 36 KB documents) is done once, not
//   `--reps` times;
// - rillmark and smd stop after `--cap-all` ms (default 30000), also reported as a floor, and a run slower than
//   `--slow` ms (default 15000) is not repeated (quadratic layout cases: see results/findings.md);
// - char chunking runs only on documents of at most `--char-max` bytes (default 30000).
// `--from a.json,b.json` makes the report from earlier raw files without running (for a run done in parts).
//
//   node benches/run.mjs --burst [--docs answer-100k,... --reps 3]     only the 16 KB-burst `stream()` figures (~2 min)
// `--burst` streams each document through `stream()` as 16 KB pieces all enqueued at once, rillmark and smd in turn,
// and writes report-burst.md and raw-burst.json: the longest gap between animation frames (the longest main-thread
// block, layout and paint included), the long tasks, the frames drawn while the stream was read, and whether
// rillmark's final DOM equals its one-shot render.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { serveBenchFiles } from "./serve.mjs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { CHROMIUM, launchChromium } from "./chromium.mjs";
import { PATHOLOGICAL } from "./docs.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

// ---------------------------------------------------------------------------------------------------------------------
// Arguments.
const argv = process.argv.slice(2);
const flag = (name) => argv.includes(`--${name}`);
const opt = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < argv.length ? argv[i + 1] : fallback;
};
const quick = flag("quick");
const BURST = flag("burst");
const BURST_DOCS = "answer-20k,answer-100k,list-1000,table-500,footnotes-refs";
const ANSWERS = ["answer-2k", "answer-20k", "answer-100k"];
const DOCS = opt("docs", BURST ? BURST_DOCS : quick ? "answer-2k,answer-20k" : [...ANSWERS, ...PATHOLOGICAL].join(",")).split(",");
const CHUNKINGS = opt("chunkings", quick ? "token" : "char,token,64,burst").split(",");
const ADAPTERS = opt("adapters", "rillmark,smd,marked,markdown-it").split(",");
const REPS = Number(opt("reps", quick ? 1 : 3));
const ONE_SHOT_REPS = 9; // timed one-shot reps per adapter and document (each well under a second)
const CAP_MS = Number(opt("cap", 2000));
// One-character chunking only on documents up to this size (bytes): on the big ones a run takes minutes (see the
// report's note on text node growth).
const CHAR_MAX = Number(opt("char-max", 30000));
// Incremental renderers (linear) always run to the end; the re-render-everything ones are capped. streamdown (only with
// `--adapters ...,streamdown`: its bundle is built apart, see below) splits and parses the whole text on every render.
const CAPPED = new Set(opt("capped", "marked,markdown-it,streamdown").split(","));
// Every other adapter stops after `--cap-all` ms (default 30000), also reported as a floor; and an adapter whose run
// took longer than `--slow` ms (default 15000) is not repeated.
const CAP_ALL_MS = Number(opt("cap-all", 30000));
const SLOW_MS = Number(opt("slow", 15000));
// `--from a.json,b.json`: no runs; the report is made from earlier raw files (e.g. a run split in parts).
const FROM = opt("from", "");
// Runs with more chunks than this are done once instead of `reps` times (char chunking of the big documents).
const BIG_RUN_CHUNKS = Number(opt("big", 30000));
const MEMORY = !flag("no-memory") && !quick;
const OUT = opt("out", join(ROOT, "benches", "results"));

if (!existsSync(join(ROOT, "pkg", "rillmark_bg.wasm"))) {
  console.error("pkg/ is missing: run ./build.sh build first");
  process.exit(1);
}
// streamdown (React and a remark/rehype tree) is kept out of the root package.json; page.mjs imports its bundle on first
// use, so only runs that ask for it need it built.
if (ADAPTERS.includes("streamdown") && !existsSync(join(ROOT, "benches", "streamdown", "dist", "streamdown-adapter.js"))) {
  console.error("benches/streamdown/dist/ is missing: run node benches/streamdown/build.mjs first");
  process.exit(1);
}

// ---------------------------------------------------------------------------------------------------------------------
// Static server for /benches, /pkg and /node_modules, cross-origin isolated.
const { server, base: URL_BASE } = await serveBenchFiles(ROOT);

const browser = await launchChromium(["--enable-precise-memory-info"]);

const pageErrors = [];
async function openPage({ warm = true } = {}) {
  const page = await browser.newPage({ viewport: { width: 800, height: 900 } });
  page.on("pageerror", (e) => {
    pageErrors.push(e.message);
    if (pageErrors.length <= 3) console.error("page error:", e.message);
  });
  await page.goto(`${URL_BASE}/benches/page.html`);
  await page.waitForFunction(() => window.bench?.ready === true, null, { timeout: 30_000 });
  if (warm) {
    // Warm-up, discarded: JIT tiers (wasm Liftoff -> TurboFan, JS baseline -> optimised) settle before measuring.
    for (const adapter of ADAPTERS) {
      await page.evaluate((a) => window.bench.streamed(a), { doc: "answer-2k", adapter, chunking: "token", capMs: 2000 });
    }
  }
  return page;
}

// ---------------------------------------------------------------------------------------------------------------------
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)}s`;

const raw = { streamed: [], oneShot: [], firstToken: null, burst: null, memory: [] };

const probe = await openPage({ warm: false });
const isolated = await probe.evaluate(() => window.bench.crossOriginIsolated);
const userAgent = await probe.evaluate(() => window.bench.userAgent);
if (!isolated) console.warn("warning: page is not cross-origin isolated; performance.now() is coarse (100 µs)");
await probe.close();

if (FROM) {
  for (const file of FROM.split(",")) {
    const part = JSON.parse(readFileSync(file, "utf8"));
    raw.streamed.push(...part.streamed);
    raw.oneShot.push(...part.oneShot);
    raw.firstToken ??= part.firstToken;
    raw.burst ??= part.burst;
    raw.memory.push(...(part.memory ?? []));
    for (const e of part.machine?.pageErrors ?? []) pageErrors.push(e);
  }
  DOCS.splice(0, DOCS.length, ...new Set(raw.streamed.map((r) => r.doc)));
  CHUNKINGS.splice(0, CHUNKINGS.length, ...["char", "token", "64", "burst"].filter((c) => raw.streamed.some((r) => r.chunking === c)));
}
if (BURST) {
  const page = await openPage();
  const runs = [];
  for (const doc of DOCS) {
    for (let rep = 0; rep < REPS; rep++) {
      for (const adapter of rep % 2 ? ["smd", "rillmark"] : ["rillmark", "smd"]) {
        const [r] = await page.evaluate((a) => window.bench.burstStream(a), { doc, reps: 1, adapter });
        runs.push(r);
        console.log(`[${elapsed()}] ${doc} ${adapter}: longest frame gap ${r.maxFrameGapMs.toFixed(1)} ms, ${r.framesDuring} frames`);
      }
    }
  }
  await page.close();
  await browser.close();
  server.close();
  const f1 = (x) => x.toFixed(1);
  const commit = spawnSync("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT, encoding: "utf8" }).stdout.trim();
  const wasm = statSync(join(ROOT, "pkg", "rillmark_bg.wasm")).size;
  const lines = [
    "# 16 KB bursts through `stream()`",
    "",
    `${new Date().toISOString()} · commit ${commit} · ${cpus().length} cores (shared) · wasm ${wasm} B · ${REPS} reps per adapter`,
    "",
    "Command: `./build.sh build && node benches/run.mjs --burst`. Each document is enqueued as 16 KB pieces at once",
    "(`dialect: \"plain\"`); smd reads the same stream with a reader loop into `parser_write`. Longest frame gap: the",
    "longest time between two animation frames from the start of the stream to two frames after its outcome (own work,",
    "style, layout and paint: the longest the page was unresponsive). Frames: animation frames drawn while the stream was",
    "read. Median [max] over the reps.",
    "",
    "| document | size | adapter | longest frame gap ms | longest long task ms | frames during the stream | stream ms | final DOM = one-shot |",
    "|---|---|---|---|---|---|---|---|",
  ];
  for (const doc of DOCS) {
    for (const adapter of ["rillmark", "smd"]) {
      const rs = runs.filter((r) => r.doc === doc && r.adapter === adapter);
      if (!rs.length) continue;
      const mm = (pick) => `${f1(median(rs.map(pick)))} [${f1(Math.max(...rs.map(pick)))}]`;
      const same = adapter === "rillmark" ? (rs.every((r) => r.sameAsOneShot) ? "yes" : "NO") : "–";
      lines.push(
        `| ${doc} | ${(rs[0].bytes / 1024).toFixed(0)} KB | ${adapter} | ${mm((r) => r.maxFrameGapMs)} | ${mm((r) => Math.max(0, ...r.longTasksMs))} | ${median(rs.map((r) => r.framesDuring))} [${Math.min(...rs.map((r) => r.framesDuring))}–${Math.max(...rs.map((r) => r.framesDuring))}] | ${mm((r) => r.ms)} | ${same} |`,
      );
    }
  }
  if (pageErrors.length) lines.push("", "Page errors:", ...[...new Set(pageErrors)].map((e) => `- ${e}`));
  mkdirSync(OUT, { recursive: true });
  writeFileSync(join(OUT, "report-burst.md"), lines.join("\n") + "\n");
  writeFileSync(join(OUT, "raw-burst.json"), JSON.stringify(runs, null, 1) + "\n");
  console.log(lines.join("\n"));
  process.exit(0);
}
for (const doc of FROM ? [] : DOCS) {
  // One-shot cost: whole document, one write, end, layout; rotating. Rep 0 is not timed: on a fresh page it runs cold
  // code (wasm compiled lazily and tiered up, JS not yet optimised) and took up to twice as long as later reps, while
  // a streamed run spends nearly all its chunks in warm code.
  {
    const page = await openPage();
    for (let rep = 0; rep <= ONE_SHOT_REPS; rep++) {
      for (let k = 0; k < ADAPTERS.length; k++) {
        const adapter = ADAPTERS[(k + rep) % ADAPTERS.length];
        const ms = await page.evaluate((a) => window.bench.oneShot(a), { doc, adapter });
        if (rep > 0) raw.oneShot.push({ doc, adapter, rep, ms });
      }
    }
    await page.close();
  }
  for (const chunking of CHUNKINGS) {
    if (chunking === "char" && readFileSync(join(ROOT, "benches", "docs", `${doc}.md`)).length > CHAR_MAX) continue;
    const page = await openPage();
    const capped = new Set();
    const reps = (await page.evaluate((a) => window.bench.chunkCount(a), { doc, chunking })) > BIG_RUN_CHUNKS ? 1 : REPS;
    for (let rep = 0; rep < reps; rep++) {
      for (let k = 0; k < ADAPTERS.length; k++) {
        const adapter = ADAPTERS[(k + rep) % ADAPTERS.length];
        if (capped.has(adapter)) continue;
        const r = await page.evaluate((a) => window.bench.streamed(a), {
          doc,
          adapter,
          chunking,
          capMs: CAPPED.has(adapter) ? CAP_MS : CAP_ALL_MS,
        });
        r.rep = rep;
        raw.streamed.push(r);
        if (r.truncated || r.totalMs > SLOW_MS) capped.add(adapter);
        console.log(
          `[${elapsed()}] ${doc} ${chunking} ${adapter} rep ${rep}: ${r.totalMs.toFixed(1)} ms` +
            (r.truncated ? ` (capped after ${r.chunksDone}/${r.chunks} chunks)` : ""),
        );
      }
    }
    await page.close();
  }
  mkdirSync(OUT, { recursive: true });
  writeFileSync(join(OUT, "raw-partial.json"), JSON.stringify(raw) + "\n");
}

if (ADAPTERS.includes("rillmark") && !quick && !FROM) {
  const page = await openPage();
  raw.firstToken = await page.evaluate(() => window.bench.firstToken({ reps: 20 }));
  raw.burst = [];
  for (const adapter of ["rillmark", "smd", "rillmark", "smd"]) {
    raw.burst.push(...(await page.evaluate((a) => window.bench.burstStream({ doc: "answer-100k", reps: 2, adapter: a }), adapter)));
  }
  await page.close();
  console.log(`[${elapsed()}] first token and burst done`);
}
if (MEMORY && !FROM) {
  for (const free of ["after-frame", "now", "never"]) {
    const page = await openPage();
    raw.memory.push(await page.evaluate((f) => window.bench.memory({ free: f }), free));
    await page.close();
    console.log(`[${elapsed()}] memory (free=${free}) done`);
  }
}
await browser.close();
server.close();

// ---------------------------------------------------------------------------------------------------------------------
// Report.
const cpu = (readFileSync("/proc/cpuinfo", "utf8").match(/model name\s*:\s*(.*)/) ?? [])[1] ?? cpus()[0]?.model;
const chromiumVersion = spawnSync(CHROMIUM, ["--version"], { encoding: "utf8" }).stdout.trim();
const git = (args) => spawnSync("git", args, { cwd: ROOT, encoding: "utf8" }).stdout.trim();
const wasmPath = join(ROOT, "pkg", "rillmark_bg.wasm");
const gzip = spawnSync("sh", ["-c", `gzip -9c '${wasmPath}' | wc -c`], { encoding: "utf8" }).stdout.trim();
const machine = {
  date: new Date().toISOString(),
  commit: git(["rev-parse", "--short", "HEAD"]) + (git(["status", "--porcelain", "--", "src", "Cargo.toml"]) ? "+dirty" : ""),
  cpu,
  cores: cpus().length,
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  chromium: chromiumVersion,
  userAgent,
  node: process.version,
  crossOriginIsolated: isolated,
  wasmBytes: statSync(wasmPath).size,
  wasmGzipBytes: Number(gzip),
  settings: { docs: DOCS, chunkings: CHUNKINGS, adapters: ADAPTERS, reps: REPS, capMs: CAP_MS, capped: [...CAPPED], bigRunChunks: BIG_RUN_CHUNKS },
  pageErrors: [...new Set(pageErrors)].map((m) => `${m} (×${pageErrors.filter((x) => x === m).length})`),
};
raw.machine = machine;

/** Median over reps of one field; `lowerBound` when a run was capped. */
function agg(doc, chunking, adapter, pick = (r) => r.totalMs) {
  const runs = raw.streamed.filter((r) => r.doc === doc && r.chunking === chunking && r.adapter === adapter);
  if (runs.length === 0) return null;
  const capped = runs.find((r) => r.truncated);
  if (capped) {
    // Extrapolate linearly by chunks done: a floor for quadratic re-renderers.
    return { value: (pick(capped) * capped.chunks) / capped.chunksDone, lowerBound: true, runs };
  }
  return { value: median(runs.map(pick)), lowerBound: false, runs };
}
const oneShot = (doc, adapter) => median(raw.oneShot.filter((r) => r.doc === doc && r.adapter === adapter).map((r) => r.ms));
const f = (x, d = 2) => (x == null || Number.isNaN(x) ? "–" : x.toFixed(d));
const ratio = (a, b) => {
  if (!a || !b) return "–";
  if (a.lowerBound && b.lowerBound) return `≈${f(a.value / b.value)} (both capped: rate per chunk)`;
  return `${a.lowerBound ? "≥" : b.lowerBound ? "≤" : ""}${f(a.value / b.value)}`;
};
const kb = (bytes) => `${(bytes / 1024).toFixed(0)} KB`;

const lines = [];
const out = (s = "") => lines.push(s);
out("# rillmark browser benchmark");
out();
out(`${machine.date} · commit ${machine.commit} · ${machine.cpu} (${machine.cores} cores, shared) · ${machine.chromium} ·`);
out(`node ${machine.node} · cross-origin isolated: ${machine.crossOriginIsolated} · wasm ${machine.wasmBytes} B raw,`);
out(`${machine.wasmGzipBytes} B gzip -9 · reps ${REPS} (median; 1 for runs over ${BIG_RUN_CHUNKS} chunks) · cap ${CAP_MS} ms per run of ${[...CAPPED].join(", ")} ·`);
out(`char chunking only on documents ≤ ${CHAR_MAX} B`);
out();
out("Command: `./build.sh build && node benches/run.mjs`. Each chunk = `write + flush` + a forced layout read; totals");
out("include `end()`. Ratios are adapter total / smd total in the same page (lower is better). A capped run's total is");
out("extrapolated linearly by chunks, a floor (the slow cases are quadratic): `≥` when the adapter was capped, `≤` when");
out("smd was.");
out("A MutationObserver counts mutations during the timed loop (its bookkeeping is in every adapter's time).");
out("marked and markdown-it re-render the whole text into `innerHTML` per chunk, unsanitised.");
if (ADAPTERS.includes("streamdown")) {
  out("streamdown re-renders `<Streamdown>` (React 19, production build) with the whole text per chunk inside");
  out("`flushSync`, its defaults kept (parseIncompleteMarkdown on); its CSS (Tailwind classes) is not loaded.");
}
out();
out("## Streamed total, ratio to smd");
out();
const others = ADAPTERS.filter((a) => a !== "smd");
out(`| document | size | chunking | chunks | smd total ms | ${others.map((a) => `${a} / smd`).join(" | ")} |`);
out(`|---|---|---|---|---|${others.map(() => "---|").join("")}`);
for (const doc of DOCS) {
  for (const chunking of CHUNKINGS) {
    const s = agg(doc, chunking, "smd");
    const any = agg(doc, chunking, ADAPTERS[0]);
    if (!any) continue;
    const row = others.map((a) => ratio(agg(doc, chunking, a), s));
    out(`| ${doc} | ${kb(any.runs[0].bytes)} | ${chunking} | ${any.runs[0].chunks} | ${s ? (s.lowerBound ? "≥" : "") + f(s.value, 1) : "–"} | ${row.join(" | ")} |`);
  }
}
out();
out("## rillmark in detail");
out();
out("Per chunk with layout (p50/p99/max), rillmark's own work per chunk without the layout read (p50/p99/max), DOM");
out("mutation records per chunk, text nodes and elements at the end (smd's in brackets), JS heap kept by the rendered");
out("answer, wasm memory growth, and streamed total / one-shot (own work only, and with layout).");
out();
out("| document | chunking | total ms | p50 / p99 / max ms | own p50 / p99 / max ms | mutations/chunk | text nodes [smd] | heap kept | streamed / one-shot (own, total) |");
out("|---|---|---|---|---|---|---|---|---|");
for (const doc of DOCS) {
  const one = oneShot(doc, "rillmark");
  for (const chunking of CHUNKINGS) {
    const a = agg(doc, chunking, "rillmark");
    if (!a) continue;
    const m = (pick) => median(a.runs.map(pick));
    const s = agg(doc, chunking, "smd");
    const smdNodes = s ? median(s.runs.map((r) => r.textNodes)) : null;
    out(
      `| ${doc} | ${chunking} | ${f(a.value, 1)} | ${f(m((r) => r.perChunk.p50), 3)} / ${f(m((r) => r.perChunk.p99), 3)} / ${f(m((r) => r.perChunk.max), 1)}` +
        ` | ${f(m((r) => r.own.p50), 3)} / ${f(m((r) => r.own.p99), 3)} / ${f(m((r) => r.own.max), 1)} | ${f(m((r) => r.mutationsPerChunk), 2)}` +
        ` | ${m((r) => r.textNodes)} [${smdNodes ?? "–"}] | ${kb(m((r) => r.heapKeptBytes))} | ${f(m((r) => r.own.sum + r.endMs) / one, 1)}×, ${f(a.value / one, 1)}× |`,
    );
  }
}
out();
out(`## One-shot cost (whole document, one write, end, layout), ms, median of ${ONE_SHOT_REPS} after a warm-up`);
out();
out(`| document | ${ADAPTERS.join(" | ")} |`);
out(`|---|${ADAPTERS.map(() => "---|").join("")}`);
for (const doc of DOCS) out(`| ${doc} | ${ADAPTERS.map((a) => f(oneShot(doc, a), 2)).join(" | ")} |`);
out();
out("## All adapters: p99 per chunk (ms, with layout) · text nodes at the end · mutation records per chunk");
out();
out(`| document | chunking | ${ADAPTERS.join(" | ")} |`);
out(`|---|---|${ADAPTERS.map(() => "---|").join("")}`);
for (const doc of DOCS) {
  for (const chunking of CHUNKINGS) {
    const cells = ADAPTERS.map((ad) => {
      const a = agg(doc, chunking, ad);
      if (!a) return "–";
      const m = (pick) => median(a.runs.map(pick));
      return `${f(m((r) => r.perChunk.p99), 3)} · ${m((r) => r.textNodes)} · ${f(m((r) => r.mutationsPerChunk), 2)}${a.lowerBound ? " (capped)" : ""}`;
    });
    if (cells.every((c) => c === "–")) continue;
    out(`| ${doc} | ${chunking} | ${cells.join(" | ")} |`);
  }
}
if (raw.firstToken) {
  const ms = raw.firstToken.map((r) => r.ms);
  const fr = raw.firstToken.map((r) => r.framesStarted);
  out();
  out("## `stream()`: first token, 16 KB bursts");
  out();
  out(`First token (enqueue → text in the DOM, ${ms.length} reps): median ${f(median(ms))} ms, max ${f(Math.max(...ms))} ms;`);
  out(`animation frames started meanwhile: median ${median(fr)}, max ${Math.max(...fr)}.`);
  for (const b of raw.burst ?? []) {
    out(`${b.adapter}: answer-100k as 16 KB enqueues: ${f(b.ms, 1)} ms to outcome ${b.status}; longest gap between animation frames ${f(b.maxFrameGapMs, 1)} ms.`);
  }
}
for (const m of raw.memory) {
  out();
  const how = { "after-frame": "`free()` one animation frame after the outcome", now: "`free()` right after the outcome", never: "no `free()` (FinalizationRegistry only)" };
  out(`## Memory: 1,000 sequential + 50 concurrent streams of answer-2k, ${how[m.free]}`);
  out();
  out("| checkpoint | JS heap | wasm memory | elements in page |");
  out("|---|---|---|---|");
  for (const p of m.points) out(`| ${p.label} | ${(p.heap / 2 ** 20).toFixed(2)} MiB | ${(p.wasm / 2 ** 20).toFixed(2)} MiB | ${p.nodes} |`);
  out(`\n50 concurrent streams took ${f(m.concurrentMs, 0)} ms.`);
}
if (machine.pageErrors.length) {
  out();
  out("## Uncaught page errors during the run");
  out();
  for (const e of machine.pageErrors) out(`- ${e}`);
}
mkdirSync(OUT, { recursive: true });
const suffix = quick ? "-quick" : "";
writeFileSync(join(OUT, `report${suffix}.md`), lines.join("\n") + "\n");
writeFileSync(join(OUT, `raw${suffix}.json`), JSON.stringify(raw, null, 1) + "\n");
console.log(lines.join("\n"));
console.log(`\nwrote ${join(OUT, `report${suffix}.md`)} and raw${suffix}.json in ${elapsed()}`);
