// What the `highlight` plug-in adds per chunk in Chromium (issue 16): a code-heavy document streamed in token-like
// chunks (1-6 characters, a flush after each, as a frame would render), without plug-ins and with a trivial
// highlighter (words and spaces as tokens, keywords coloured), stateless (a bare array: the 8-line context window) and
// stateful (`{ lines, state }`). Own work per chunk (write + flush, no layout read), median of reps; the highlighter's
// own cost is inside the figures, and the lines it was given are counted.
//
//   node benches/plugin-cost.mjs [--reps 5] [--docs fence-2000,howto-long-fences]
//
// Needs pkg/ (./build.sh build) and node_modules (npm ci). Prints a Markdown table.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { launchChromium } from "./chromium.mjs";
import { serveBenchFiles } from "./serve.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const arg = (name, fallback) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? process.argv[at + 1] : fallback;
};
const reps = Number(arg("reps", "5"));
const docs = arg("docs", "fence-2000,howto-long-fences").split(",");

const { server, base } = await serveBenchFiles(ROOT);
const browser = await launchChromium();
const page = await browser.newPage();
await page.goto(`${base}/benches/page.html`);
await page.waitForFunction(() => window.bench !== undefined);

console.log(`| document | bytes | chunks | highlight | per chunk ms: median / p99 / max | total ms | lines given to the highlighter |`);
console.log("|---|---|---|---|---|---|---|");
for (const name of docs) {
  const text = readFileSync(join(ROOT, "benches/docs", `${name}.md`), "utf8");
  for (const mode of ["none", "stateless", "stateful"]) {
    const result = await page.evaluate(
      async ({ text, reps, mode }) => {
        const { Renderer } = await import("/pkg/rillmark.js");
        const KEYWORDS = new Set(["let", "fn", "def", "return", "const", "if", "for"]);
        let lines = 0;
        const tokenize = (code) =>
          code.split("\n").map((line) =>
            (line.match(/\w+|\s+|[^\w\s]+/g) ?? []).map((content) =>
              KEYWORDS.has(content) ? { content, color: "#d73a49" } : { content },
            ),
          );
        const highlighters = {
          stateless: (code) => {
            lines += code.split("\n").length;
            return tokenize(code);
          },
          stateful: (code) => {
            lines += code.split("\n").length;
            return { lines: tokenize(code), state: 0 };
          },
        };
        const options = mode === "none" ? {} : { highlight: highlighters[mode] };
        const perChunk = [];
        const totals = [];
        let chunks = 0;
        for (let rep = 0; rep <= reps; rep++) {
          lines = 0;
          const into = document.createElement("div");
          document.body.append(into);
          const r = new Renderer(into, options);
          const times = [];
          let started = performance.now();
          for (let at = 0, step = 0; at < text.length; step++) {
            const size = 1 + (step % 6);
            const t0 = performance.now();
            r.write(text.slice(at, at + size));
            r.flush();
            times.push(performance.now() - t0);
            at += size;
          }
          r.finish();
          const total = performance.now() - started;
          r.free();
          into.remove();
          chunks = times.length;
          if (rep > 0) {
            perChunk.push(...times); // rep 0 warms the code up
            totals.push(total);
          }
        }
        perChunk.sort((a, b) => a - b);
        totals.sort((a, b) => a - b);
        const at = (q) => perChunk[Math.min(perChunk.length - 1, Math.floor(q * perChunk.length))];
        return { chunks, median: at(0.5), p99: at(0.99), max: perChunk[perChunk.length - 1], total: totals[totals.length >> 1], lines };
      },
      { text, reps, mode },
    );
    const f = (x) => x.toFixed(3);
    console.log(
      `| ${name} | ${Buffer.byteLength(text)} | ${result.chunks} | ${mode} | ${f(result.median)} / ${f(result.p99)} / ${f(result.max)} | ${result.total.toFixed(1)} | ${mode === "none" ? "-" : result.lines} |`,
    );
  }
}
await browser.close();
server.close();
