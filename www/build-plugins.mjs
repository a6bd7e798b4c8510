// Bundles the demo's plug-ins (www/plugins.mjs: Shiki, highlight.js, KaTeX, Mermaid from the root node_modules) with
// esbuild into www/vendor/ (git-ignored), with KaTeX's stylesheet and fonts and highlight.js's GitHub themes, so the
// page works offline with no CDN. `./build.sh setup` and `./build.sh demo` run it; it does nothing when its inputs
// (this file, plugins.mjs, package-lock.json, the node version) are those of the last build (www/vendor/inputs.sha256).
//
//   node www/build-plugins.mjs           build if the inputs changed
//   node www/build-plugins.mjs --force   build anyway
//
// Output: vendor/plugins.js (the entry, ES module) and vendor/chunks/ (one chunk per library, grammar and theme,
// loaded on demand), vendor/meta.json (esbuild's metafile: which package each output byte comes from, read by
// benches/highlight.mjs), vendor/katex/ and vendor/hljs/ (stylesheets).
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.join(HERE, "..");
export const VENDOR = path.join(HERE, "vendor");
const STAMP = path.join(VENDOR, "inputs.sha256");

function inputsHash() {
  const hash = createHash("sha256");
  for (const file of [path.join(HERE, "plugins.mjs"), fileURLToPath(import.meta.url), path.join(ROOT, "package-lock.json")]) {
    hash.update(file).update(fs.readFileSync(file));
  }
  return hash.update(process.version).digest("hex");
}

export async function buildPlugins({ force = false, log = console.log } = {}) {
  const want = inputsHash();
  if (!force && fs.existsSync(STAMP) && fs.readFileSync(STAMP, "utf8").trim() === want) return { built: false };
  const esbuild = path.join(ROOT, "node_modules", "esbuild", "lib", "main.js");
  if (!fs.existsSync(esbuild)) throw new Error("node_modules/esbuild is missing: run npm ci (./build.sh setup)");
  const { build } = await import(esbuild);
  fs.rmSync(VENDOR, { recursive: true, force: true });
  const started = Date.now();
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: { plugins: path.join(HERE, "plugins.mjs") },
    outdir: VENDOR,
    chunkNames: "chunks/[name]-[hash]",
    bundle: true,
    splitting: true,
    format: "esm",
    target: "es2022",
    minify: true,
    metafile: true,
    legalComments: "linked",
    define: { "process.env.NODE_ENV": '"production"' },
    logLevel: "warning",
  });
  fs.writeFileSync(path.join(VENDOR, "meta.json"), JSON.stringify(result.metafile));
  const katex = path.join(ROOT, "node_modules", "katex", "dist");
  fs.mkdirSync(path.join(VENDOR, "katex"), { recursive: true });
  fs.copyFileSync(path.join(katex, "katex.min.css"), path.join(VENDOR, "katex", "katex.min.css"));
  fs.cpSync(path.join(katex, "fonts"), path.join(VENDOR, "katex", "fonts"), { recursive: true });
  fs.mkdirSync(path.join(VENDOR, "hljs"), { recursive: true });
  for (const theme of ["github.min.css", "github-dark.min.css"]) {
    fs.copyFileSync(path.join(ROOT, "node_modules", "highlight.js", "styles", theme), path.join(VENDOR, "hljs", theme));
  }
  fs.writeFileSync(STAMP, want + "\n");
  const files = Object.keys(result.metafile.outputs).filter((f) => f.endsWith(".js"));
  const bytes = files.reduce((n, f) => n + result.metafile.outputs[f].bytes, 0);
  log(`  + www/vendor/: ${files.length} chunks, ${(bytes / 1024).toFixed(0)} KiB of JS, in ${Date.now() - started} ms`);
  return { built: true };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { built } = await buildPlugins({ force: process.argv.includes("--force") });
  if (!built) console.log("  = www/vendor/ (plug-in bundle): inputs unchanged, skipped");
}
