// What the verified finish costs in Chromium: `finish()` after a document streamed in token-like chunks (its last
// render plus one parse of the whole text compared with the DOM), against a one-shot render of the same document
// (one `write` of everything, then `finish()`) in the same run. Own work only (no layout read), median of reps.
//
//   node benches/finish-cost.mjs [--reps 9] [--docs answer-20k,answer-100k]
//
// Needs pkg/ (./build.sh build) and node_modules (npm ci). Prints a Markdown table; a frame is 16.7 ms at 60 Hz.
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
const reps = Number(arg("reps", "9"));
const docs = arg("docs", "answer-2k,answer-20k,answer-100k,list-1000,table-500").split(",");

const { server, base } = await serveBenchFiles(ROOT);
const browser = await launchChromium();
const page = await browser.newPage();
await page.goto(`${base}/benches/page.html`);
await page.waitForFunction(() => window.bench !== undefined);

console.log(`| document | bytes | finish() after streaming, ms (median / max of ${reps}) | one-shot write + finish, ms | finish / one-shot | repairs |`);
console.log("|---|---|---|---|---|---|");
for (const name of docs) {
  const text = readFileSync(join(ROOT, "benches/docs", `${name}.md`), "utf8");
  const result = await page.evaluate(
    async ({ text, reps }) => {
      const { Renderer } = await import("/pkg/rillmark.js");
      const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
      const finishes = [];
      const oneShots = [];
      let repairs = 0; // the counter as `stats.finishRepairs` shows it
      for (let rep = 0; rep <= reps; rep++) {
        const streamedInto = document.createElement("div");
        document.body.append(streamedInto);
        const streamed = new Renderer(streamedInto);
        // Token-like chunks of 1-6 characters, a flush (one render) after each, as a frame would.
        for (let at = 0, step = 0; at < text.length; step++) {
          const size = 1 + (step % 6);
          streamed.write(text.slice(at, at + size));
          streamed.flush();
          at += size;
        }
        let started = performance.now();
        streamed.finish();
        const finishMs = performance.now() - started;
        const counted = streamed.stats?.finishRepairs;
        repairs = counted === undefined ? "not exposed" : repairs + counted;
        streamed.free();
        streamedInto.remove();

        const oneShotInto = document.createElement("div");
        document.body.append(oneShotInto);
        const oneShot = new Renderer(oneShotInto);
        started = performance.now();
        oneShot.write(text);
        oneShot.finish();
        const oneShotMs = performance.now() - started;
        oneShot.free();
        oneShotInto.remove();
        if (rep > 0) {
          // rep 0 warms the code up
          finishes.push(finishMs);
          oneShots.push(oneShotMs);
        }
      }
      return { finish: median(finishes), finishMax: Math.max(...finishes), oneShot: median(oneShots), repairs };
    },
    { text, reps },
  );
  const f = (x) => x.toFixed(2);
  console.log(
    `| ${name} | ${Buffer.byteLength(text)} | ${f(result.finish)} / ${f(result.finishMax)} | ${f(result.oneShot)} | ${(result.finish / result.oneShot).toFixed(2)}× | ${result.repairs} |`,
  );
}
await browser.close();
server.close();
