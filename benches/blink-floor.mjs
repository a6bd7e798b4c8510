// Blink's floor: what one DOM text mutation costs Chromium as a function of the size of the block it lands in, with no
// markdown renderer involved (plain DOM calls in a blank page, no wasm).
//
//   node benches/blink-floor.mjs [--out benches/results/blink-floor.md] [--reps 3] [--sizes 1,4,16,32,64]
//
// Question: does appending 64 characters to the last text node of one big `<pre><code>` (or `<p>`) and then forcing
// layout (`offsetHeight`) cost time that grows with the block's text? If so, streaming into one growing block is
// quadratic whatever the renderer does. Variants, each built and extended by the same code:
//   one      one text node in the block (the baseline);
//   split    (a) text nodes of at most 1,024 UTF-16 units, a new one when the last is full (as rillmark's web applier,
//            SEGMENT_UNITS in src/web/apply.rs);
//   groups   (b) code only: one `<span style="display:block">` per 32 complete lines inside `<code>`, each its own
//            inline formatting context, text split as in (a); appends go to the last span (not layout-equivalent for
//            a `<p>`, so not measured there);
//   contain  (c) the block has `contain: content`;
//   cv       (c) the block has `content-visibility: auto`.
// Measurements, per kind (code: lines of ~32 chars; prose: words) and variant:
// - per append, at a fixed block size (1, 4, 16, 32, 64 KB less 512 units; KB = 1,024 UTF-16 units): the block is
//   built at that size and laid out, then each round appends the next 64 characters and reads `offsetHeight` (timed), then takes the
//   append back and lays out again (untimed), so every round starts from the same laid-out block. "append alone" is
//   a batch of 8 appends without a layout read, divided by 8 (performance.now() is 5 µs-grained even when
//   cross-origin isolated, too coarse for one append);
// - a whole stream: an empty block filled to 64 KB by 64-character appends with a layout read after each (total ms),
//   against one-shot (all the text in one append, then one layout read), and the ratio of the two.
// Medians everywhere. Paint is not measured (no frame is drawn inside a timed loop). The interpretation in
// benches/results/blink-floor.md is written by hand for the run it follows.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { dirname } from "node:path";
import { CHROMIUM, launchChromium } from "./chromium.mjs";
import { prng } from "./prng.mjs";

// ---------------------------------------------------------------------------------------------------------------------
// Arguments.
const argv = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < argv.length ? argv[i + 1] : fallback;
};
const OUT = opt("out", "");
const REPS = Number(opt("reps", 3));
const SIZES_KB = opt("sizes", "1,4,16,32,64").split(",").map(Number);
const STREAM_KB = 64;
const CHUNK = 64;
// Per-append rounds: at most ROUNDS (after WARM discarded ones), at least MIN_ROUNDS, else stop after BUDGET_MS, so the
// 64 KB cases do not dominate the run.
const ROUNDS = 41;
const MIN_ROUNDS = 15;
const WARM = 3;
const BUDGET_MS = 400;
const BATCH = 8;
// A per-append block of "n KB" holds n × 1,024 − SIZE_SLACK units: with whole 1,024-unit nodes every timed append of
// the split variants would start a new text node (a cost a stream pays once per 16 appends); with 512 units in the
// last node, the timed append and the batch of 8 × 64 fit in it.
const SIZE_SLACK = 512;
// One-shot builds are cheap and noisier relative to their size: several per rep.
const ONE_SHOTS_PER_REP = 3;

const VARIANTS = {
  one: "one text node",
  split: "(a) text nodes ≤ 1,024 units",
  groups: "(b) `display:block` span per 32 lines",
  contain: "(c) `contain: content`",
  cv: "(c) `content-visibility: auto`",
};
const KINDS = {
  code: { label: "`<pre><code>`, code lines", variants: ["one", "split", "groups", "contain", "cv"] },
  prose: { label: "`<p>`, prose", variants: ["one", "split", "contain", "cv"] },
};

// ---------------------------------------------------------------------------------------------------------------------
// Text: deterministic, ASCII (one UTF-16 unit per char), long enough for the biggest block plus the appended chunks.
const TEXT_LEN = Math.max(STREAM_KB, ...SIZES_KB) * 1024 + BATCH * CHUNK + CHUNK;

/** Code-like lines of 20–44 characters (mean ~32), newline included, with indentation and punctuation. */
function codeText(len, seed = 7) {
  const r = prng(seed);
  const letter = () => "abcdefghijklmnopqrstuvwxyz"[Math.floor(r() * 26)];
  const word = () => Array.from({ length: 2 + Math.floor(r() * 6) }, letter).join("");
  const punct = [" = ", "(", ", ", ").", "; ", " + ", "[", "] ", " { ", " "];
  let out = "";
  while (out.length < len) {
    const target = 20 + Math.floor(r() * 25);
    let line = " ".repeat(2 * Math.floor(r() * 4));
    while (line.length < target - 1) line += word() + punct[Math.floor(r() * punct.length)];
    out += line.slice(0, target - 1).trimEnd() + "\n";
  }
  return out.slice(0, len);
}

/** Prose: words of 1–10 letters, spaces, a sentence end now and then; no newlines (a `<p>` wraps it at 720 px). */
function proseText(len, seed = 11) {
  const r = prng(seed);
  let out = "";
  while (out.length < len) {
    out += Array.from({ length: 1 + Math.floor(r() * 10) }, () => "etaoinshrdlucmfwyp"[Math.floor(r() * 18)]).join("");
    out += r() < 0.08 ? ". " : " ";
  }
  return out.slice(0, len);
}
const TEXTS = { code: codeText(TEXT_LEN), prose: proseText(TEXT_LEN) };

// ---------------------------------------------------------------------------------------------------------------------
// The page: served through page.route with COOP/COEP from a loopback origin (a secure context), so it is cross-origin
// isolated and performance.now() has 5 µs resolution instead of 100 µs. Same column and fonts as benches/page.html.
const PAGE_URL = "http://127.0.0.1:9/blink-floor.html";
const PAGE_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>blink floor</title>
<style>
  body { margin: 0; font: 15px/1.5 sans-serif; }
  .out { width: 720px; padding: 8px; }
  pre { overflow-x: auto; }
  .g { display: block; }
</style></head>
<body><div class="out" id="host"></div></body></html>`;

// In-page code, installed with page.evaluate: it must not use anything from this module's scope.
function installFloor({ segment, groupLines: GROUP_LINES }) {
  const host = document.getElementById("host");
  const frames = async (n = 2) => {
    for (let i = 0; i < n; i++) await new Promise(requestAnimationFrame);
  };

  /** An empty block of `kind` in the host (replacing the previous one), extended by `append` as `variant` says. */
  function makeBlock(kind, variant) {
    host.replaceChildren();
    const root = document.createElement(kind === "code" ? "pre" : "p");
    const parent = kind === "code" ? root.appendChild(document.createElement("code")) : root;
    if (variant === "contain") root.style.contain = "content";
    if (variant === "cv") root.style.contentVisibility = "auto";
    host.append(root);
    const split = variant === "split" || variant === "groups";
    let last = null; // the text node being extended
    let group = null; // groups: the last block-level span, and its complete lines so far
    let groupLines = 0;
    let created = []; // nodes created since the last mark(), removed by undo()

    function appendText(container, s) {
      while (s.length) {
        if (!last || last.parentNode !== container || (split && last.length >= segment)) {
          last = container.appendChild(document.createTextNode(""));
          created.push(last);
        }
        const take = split ? Math.min(s.length, segment - last.length) : s.length;
        last.appendData(take === s.length ? s : s.slice(0, take));
        s = s.slice(take);
      }
    }
    function append(s) {
      if (variant !== "groups") return appendText(parent, s);
      while (s.length) {
        if (!group || groupLines === GROUP_LINES) {
          group = parent.appendChild(document.createElement("span"));
          group.className = "g";
          created.push(group);
          groupLines = 0;
        }
        // The text up to the newline that completes the group goes in; the rest starts the next group.
        let from = 0;
        while (groupLines < GROUP_LINES) {
          const nl = s.indexOf("\n", from);
          if (nl < 0) break;
          groupLines++;
          from = nl + 1;
        }
        const end = groupLines === GROUP_LINES ? from : s.length;
        appendText(group, s.slice(0, end));
        s = s.slice(end);
      }
    }
    const mark = () => {
      created = [];
      return { last, lastLength: last ? last.length : 0, group, groupLines };
    };
    const undo = (m) => {
      for (const node of created.reverse()) node.remove();
      created = [];
      if (m.last) m.last.deleteData(m.lastLength, m.last.length - m.lastLength);
      ({ last, group, groupLines } = m);
    };
    const shape = () => ({
      height: root.offsetHeight,
      width: root.scrollWidth,
      textNodes: countText(root),
      children: parent.childElementCount,
    });
    return { root, append, mark, undo, shape, created: () => created.length };
  }
  function countText(root) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    let n = 0;
    while (walker.nextNode()) n++;
    return n;
  }

  window.floor = {
    isolated: crossOriginIsolated,

    /** Per-append cost at a fixed size: arrays of µs (append + layout read; append alone, per append of a batch). */
    async perAppend({ kind, variant, text, size, chunk, rounds, minRounds, warm, budgetMs, batch }) {
      const b = makeBlock(kind, variant);
      b.append(text.slice(0, size));
      void b.root.offsetHeight;
      // Frames let `content-visibility: auto` decide the block is on screen (it is decided at a rendering update).
      await frames();
      const shape = b.shape();
      const piece = text.slice(size, size + chunk);
      const withLayout = [];
      const alone = [];
      let newNodes = 0;
      const start = performance.now();
      for (let r = 0; r < warm + rounds; r++) {
        if (r >= warm + minRounds && performance.now() - start > budgetMs) break;
        let m = b.mark();
        const t0 = performance.now();
        b.append(piece);
        void b.root.offsetHeight;
        const t1 = performance.now();
        newNodes = b.created();
        b.undo(m);
        void b.root.offsetHeight;

        m = b.mark();
        const t2 = performance.now();
        for (let i = 0; i < batch; i++) b.append(piece);
        const t3 = performance.now();
        b.undo(m);
        void b.root.offsetHeight;
        if (r >= warm) {
          withLayout.push((t1 - t0) * 1000);
          alone.push(((t3 - t2) * 1000) / batch);
        }
      }
      return { withLayout, alone, newNodes, shape };
    },

    /** One 0 → `size` build: by `chunk`-character appends with a layout read after each, or in one append. ms. */
    async build({ kind, variant, text, size, chunk, oneShot }) {
      const b = makeBlock(kind, variant);
      await frames();
      if (globalThis.gc) globalThis.gc();
      const t0 = performance.now();
      if (oneShot) {
        b.append(text.slice(0, size));
        void b.root.offsetHeight;
      } else {
        for (let i = 0; i < size; i += chunk) {
          b.append(text.slice(i, i + chunk));
          void b.root.offsetHeight;
        }
      }
      const ms = performance.now() - t0;
      return { ms, shape: b.shape() };
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------------
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
/** Least-squares line through (x, y): slope, intercept and R². */
function fit(xs, ys) {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
    syy += (ys[i] - my) ** 2;
  }
  const slope = sxy / sxx;
  return { slope, intercept: my - slope * mx, r2: syy ? (sxy * sxy) / (sxx * syy) : 1 };
}
/** Rotates `xs` by `k` so no variant always runs first (or right after the same neighbour). */
const rotate = (xs, k) => xs.map((_, i) => xs[(i + k) % xs.length]);
const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)}s`;

// ---------------------------------------------------------------------------------------------------------------------
const browser = await launchChromium();
const page = await browser.newPage({ viewport: { width: 800, height: 900 } });
page.on("pageerror", (e) => console.error("page error:", e.message));
await page.route(PAGE_URL, (route) =>
  route.fulfill({
    status: 200,
    contentType: "text/html; charset=utf-8",
    headers: { "cross-origin-opener-policy": "same-origin", "cross-origin-embedder-policy": "require-corp" },
    body: PAGE_HTML,
  }),
);
await page.goto(PAGE_URL);
await page.evaluate(installFloor, { segment: 1024, groupLines: 32 });
const isolated = await page.evaluate(() => window.floor.isolated);
if (!isolated) console.warn("warning: page is not cross-origin isolated; performance.now() is coarse (100 µs)");

// The texts go to the page once; every call then names them by kind.
await page.evaluate((texts) => void (window.floorTexts = texts), TEXTS);
const perAppend = (kind, variant, size) =>
  page.evaluate((a) => window.floor.perAppend({ ...a, text: window.floorTexts[a.kind] }), {
    kind,
    variant,
    size,
    chunk: CHUNK,
    rounds: ROUNDS,
    minRounds: MIN_ROUNDS,
    warm: WARM,
    budgetMs: BUDGET_MS,
    batch: BATCH,
  });
const build = (kind, variant, oneShot, size = STREAM_KB * 1024) =>
  page.evaluate((a) => window.floor.build({ ...a, text: window.floorTexts[a.kind] }), {
    kind,
    variant,
    size,
    chunk: CHUNK,
    oneShot,
  });

// Warm-up, discarded: JIT tiers and Blink's caches (fonts, shaping) settle before anything is measured.
for (const kind of Object.keys(KINDS)) {
  for (const variant of KINDS[kind].variants) {
    await perAppend(kind, variant, 4096);
    await build(kind, variant, false, 8192);
  }
}
console.error(`warm-up done (${elapsed()})`);

// Per append at fixed sizes.
const perAppendResults = {}; // kind/variant -> size KB -> { layout, alone, rounds, shape }
for (const [si, kb] of SIZES_KB.entries()) {
  for (const kind of Object.keys(KINDS)) {
    for (const variant of rotate(KINDS[kind].variants, si)) {
      const r = await perAppend(kind, variant, kb * 1024 - SIZE_SLACK);
      (perAppendResults[`${kind}/${variant}`] ??= {})[kb] = {
        layout: median(r.withLayout),
        alone: median(r.alone),
        rounds: r.withLayout.length,
        newNodes: r.newNodes,
        shape: r.shape,
      };
    }
  }
  console.error(`per append, ${kb} KB done (${elapsed()})`);
}

// Whole streams against one-shot builds, reps interleaved across variants.
const builds = {}; // kind/variant -> { streamed: [], oneShot: [], streamedShape, oneShotShape }
for (let rep = 0; rep < REPS; rep++) {
  for (const kind of Object.keys(KINDS)) {
    for (const variant of rotate(KINDS[kind].variants, rep)) {
      const key = `${kind}/${variant}`;
      const entry = (builds[key] ??= { streamed: [], oneShot: [] });
      const s = await build(kind, variant, false);
      entry.streamed.push(s.ms);
      entry.streamedShape = s.shape;
      for (let i = 0; i < ONE_SHOTS_PER_REP; i++) {
        const o = await build(kind, variant, true);
        entry.oneShot.push(o.ms);
        entry.oneShotShape = o.shape;
      }
    }
  }
  console.error(`streamed rep ${rep + 1}/${REPS} done (${elapsed()})`);
}
await browser.close();

// ---------------------------------------------------------------------------------------------------------------------
// Report.
const cpu = (readFileSync("/proc/cpuinfo", "utf8").match(/model name\s*:\s*(.*)/) ?? [])[1] ?? cpus()[0]?.model;
const chromiumVersion = spawnSync(CHROMIUM, ["--version"], { encoding: "utf8" }).stdout.trim();
const lines = [];
const out = (s = "") => lines.push(s);
const us = (x) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const ms = (x) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
const rows = Object.keys(KINDS).flatMap((kind) => KINDS[kind].variants.map((v) => [kind, v]));

out("# Blink's floor: one text append into a block of growing size");
out();
out(`${new Date().toISOString()} · ${cpu} (${cpus().length} cores, shared) · ${chromiumVersion} · node ${process.version} ·`);
out(`cross-origin isolated: ${isolated} (timer grain 5 µs) · viewport 800 × 900, column 720 px, 15px/1.5 sans-serif`);
out();
out("Command: `node benches/blink-floor.mjs --out benches/results/blink-floor.md`. No markdown renderer: plain DOM calls");
out("in a blank page. KB = 1,024 UTF-16 units (ASCII). Code = lines of 20–44 chars (mean ~32) in `<pre><code>`; prose");
out("= words in a `<p>` that wraps at 720 px. Each append is 64 characters to the block's last text node (variants:");
out("see the script's header). Medians; per-append rounds at each size: " +
  `${MIN_ROUNDS}–${ROUNDS} after ${WARM} discarded, each starting from the same laid-out block.`);
out();
out("## Append 64 chars + `offsetHeight`, median µs, by block size");
out();
const sizeHeads = SIZES_KB.map((kb) => `${kb} KB`).join(" | ");
out(`| block | variant | ${sizeHeads} | ${SIZES_KB.at(-1)} KB / ${SIZES_KB[0]} KB | fit µs per KB | R² |`);
out(`|---|---|${SIZES_KB.map(() => "---:").join("|")}|---:|---:|---:|`);
for (const [kind, v] of rows) {
  const r = perAppendResults[`${kind}/${v}`];
  const ys = SIZES_KB.map((kb) => r[kb].layout);
  const f = fit(SIZES_KB, ys);
  const growth = `${(ys.at(-1) / ys[0]).toFixed(1)}×`;
  out(`| ${kind} | ${VARIANTS[v]} | ${ys.map(us).join(" | ")} | ${growth} | ${f.slope.toFixed(1)} | ${f.r2.toFixed(3)} |`);
}
const creating = rows.flatMap(([kind, v]) =>
  SIZES_KB.filter((kb) => perAppendResults[`${kind}/${v}`][kb].newNodes).map((kb) => `${kind} ${v} at ${kb} KB`),
);
out();
out(`A block of "n KB" holds n × 1,024 − ${SIZE_SLACK} units. Timed appends that created nodes (a text node or a group`);
out(`span): ${creating.length ? creating.join(", ") : "none"}.`);
out();
out(`## Append alone (no layout read), median µs per append (batches of ${BATCH})`);
out();
out(`| block | variant | ${sizeHeads} |`);
out(`|---|---|${SIZES_KB.map(() => "---:").join("|")}|`);
for (const [kind, v] of rows) {
  const r = perAppendResults[`${kind}/${v}`];
  out(`| ${kind} | ${VARIANTS[v]} | ${SIZES_KB.map((kb) => us(r[kb].alone)).join(" | ")} |`);
}
out();
const appends = (STREAM_KB * 1024) / CHUNK;
out(`## Streamed ${STREAM_KB} KB (${appends} appends of ${CHUNK} chars, layout read after each) vs one-shot`);
out();
out(`Streamed: median of ${REPS} runs; one-shot: median of ${REPS * ONE_SHOTS_PER_REP}. "same layout" compares the final`);
out("block's `offsetHeight` and `scrollWidth` with the one-text-node block of the same kind.");
out();
out("| block | variant | streamed ms | one-shot ms | streamed / one-shot | text nodes | block children | same layout |");
out("|---|---|---:|---:|---:|---:|---:|---|");
for (const [kind, v] of rows) {
  const b = builds[`${kind}/${v}`];
  const base = builds[`${kind}/one`].oneShotShape;
  const s = median(b.streamed);
  const o = median(b.oneShot);
  const same = [b.streamedShape, b.oneShotShape].every((x) => x.height === base.height && x.width === base.width);
  const shape = b.oneShotShape;
  const sizeNote = same ? "yes" : `no (${shape.width} × ${shape.height} vs ${base.width} × ${base.height})`;
  out(`| ${kind} | ${VARIANTS[v]} | ${ms(s)} | ${ms(o)} | ${(s / o).toFixed(1)}× | ${shape.textNodes} | ${shape.children} | ${sizeNote} |`);
}
const report = lines.join("\n") + "\n";
console.log(report);
if (OUT) {
  mkdirSync(dirname(OUT), { recursive: true });
  writeFileSync(OUT, report);
  console.error(`wrote ${OUT} in ${elapsed()}`);
} else {
  console.error(`done in ${elapsed()}`);
}
