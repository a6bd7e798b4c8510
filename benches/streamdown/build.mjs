// Installs this folder's pinned dependencies (streamdown, @streamdown/code, React, esbuild) and bundles adapter.mjs into
// one ES module, dist/streamdown-adapter.js, for `node benches/run.mjs --adapters ...,streamdown`, and adapter-code.mjs
// (streamdown with its Shiki plug-in) with code splitting into dist/code/, for `node benches/highlight.mjs`. A separate package so the root
// `npm ci` (CI, users) never pulls React and streamdown's unified/remark tree.
//
//   node benches/streamdown/build.mjs
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const HERE = dirname(fileURLToPath(import.meta.url));
const npm = spawnSync("npm", ["ci", "--no-audit", "--no-fund"], { cwd: HERE, stdio: "inherit" });
if (npm.status !== 0) process.exit(npm.status ?? 1);

// Imported only now: esbuild is one of the packages just installed.
const { build } = await import(join(HERE, "node_modules", "esbuild", "lib", "main.js"));
await build({
  entryPoints: [join(HERE, "adapter.mjs")],
  outfile: join(HERE, "dist", "streamdown-adapter.js"),
  bundle: true,
  format: "esm",
  // No splitting: streamdown's lazy imports (the code-block body, mermaid's hook) are inlined, so one file is served.
  target: "es2022",
  // React's production build, as a deployed app runs it; the development build checks and warns on every render.
  define: { "process.env.NODE_ENV": '"production"' },
  minify: true,
  logLevel: "info",
});
// Split: Shiki's bundled languages and themes are dynamic imports, one chunk each, loaded when a block names one.
await build({
  entryPoints: { "streamdown-code": join(HERE, "adapter-code.mjs") },
  outdir: join(HERE, "dist", "code"),
  chunkNames: "chunks/[name]-[hash]",
  bundle: true,
  splitting: true,
  format: "esm",
  target: "es2022",
  define: { "process.env.NODE_ENV": '"production"' },
  minify: true,
  metafile: true,
  logLevel: "warning",
}).then((r) => writeFileSync(join(HERE, "dist", "code", "meta.json"), JSON.stringify(r.metafile)));
