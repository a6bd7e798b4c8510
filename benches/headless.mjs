// Browser-free speed proxy for comparing wasm builds: the headless Renderer (onPatch, no container) in Node, several
// builds (pkg/ directories from `./build.sh build`, copied aside) in one process, reps interleaved; write + flush per
// 64-byte chunk, then finish. Prints min and median per build and document.
//
//   node benches/headless.mjs /tmp/pkg-a,/tmp/pkg-b 15 answer-20k list-1000 answer-100k
//
// No layout, no DOM: it times the engine and the patch glue only (benches/run.mjs is the real browser benchmark).
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const [dirs, reps, ...docs] = process.argv.slice(2);
globalThis.requestAnimationFrame ??= (f) => setTimeout(f, 0);
globalThis.cancelAnimationFrame ??= (id) => clearTimeout(id);
const mods = [];
for (const dir of dirs.split(",")) {
  const mod = await import(pathToFileURL(join(resolve(dir), "rillmark.js")).href);
  mod.initSync({ module: readFileSync(join(dir, "rillmark_bg.wasm")) });
  mods.push([dir, mod]);
}
for (const doc of docs) {
  const text = readFileSync(new URL(`docs/${doc}.md`, import.meta.url), "utf8");
  const times = mods.map(() => []);
  for (let rep = 0; rep < +reps; rep++) {
    mods.forEach(([, mod], k) => {
      const t0 = performance.now();
      const r = new mod.Renderer(null, { onPatch: () => {} });
      for (let i = 0; i < text.length; i += 64) {
        r.write(text.slice(i, i + 64));
        r.flush();
      }
      r.finish();
      r.free();
      times[k].push(performance.now() - t0);
    });
  }
  mods.forEach(([dir], k) => {
    const t = times[k].sort((a, b) => a - b);
    console.log(`${doc} ${dir}: min ${t[0].toFixed(1)} median ${t[t.length >> 1].toFixed(1)} ms`);
  });
}
