#!/usr/bin/env node
// Turns wasm-bindgen's output in pkg/ into the publishable npm package:
//   1. the public rillmark.d.ts: the raw wasm exports removed (see below), then checked against the list of names the
//      package means to export, and for `any`;
//   2. README.md (npm/README.md), LICENSE-MIT, LICENSE-APACHE and rillmark.css (css/rillmark.css) copied in, and the
//      framework bindings (bindings/: rillmark/react, rillmark/vue, rillmark/svelte and the module they share);
//   3. the server entry (`rillmark/server`): npm/server/index.js and index.d.ts copied into pkg/server/, next to the
//      server build's wasm-bindgen output (build.sh puts it there), whose own .d.ts is dropped; the entry's .d.ts
//      checked against its list of names;
//   4. package.json written (name, version from Cargo.toml, exports, files, sideEffects, optional peer
//      dependencies, ...).
// Usage: node scripts/package.mjs [pkg-dir]   (run by `./build.sh build` after wasm-bindgen)
//
// The check fails the build if anything unexpected appears, so a wasm-bindgen upgrade or a new dependency cannot
// silently widen the public API. (wasm-streams exports its adapter classes `IntoUnderlying*` with `#[wasm_bindgen]`,
// and wasm-bindgen declares them and web-sys' `ReadableStreamType` in the .d.ts: they are removed here, since only
// wasm-streams' own Rust code constructs them, and stay on the list of names that must never appear.)
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const PKG = path.resolve(process.argv[2] ?? path.join(ROOT, "pkg"));
const NAME = "rillmark";

/** Internal names the public .d.ts must never mention. */
const PRIVATE_NAMES = ["IntoUnderlyingByteSource", "IntoUnderlyingSink", "IntoUnderlyingSource", "ReadableStreamType"];

/** Every name the public .d.ts may export; anything else fails the build. */
export const PUBLIC_EXPORTS = [
  // src/web/renderer.rs: the Renderer class, and src/web/rillmark.d.ts (its typescript_custom_section)
  "Renderer", "RendererOptions", "ImagePolicy", "Dialect", "StreamOptions", "StreamSource", "LiveStats", "OutcomeStats",
  "DoneOutcome", "IncompleteOutcome", "ErrorOutcome", "AbortedOutcome", "Outcome", "StreamError",
  "TextStreamEvent", "ReasoningStreamEvent", "ToolCallStreamEvent", "UsageStreamEvent", "FinishStreamEvent",
  "ErrorStreamEvent", "UnknownStreamEvent", "MalformedStreamEvent", "StreamEvent", "RendererStatus", "PatchOp",
  "Highlighter", "HighlightToken", "HighlightResult", "MathRenderer", "BlockRenderer", "BlockInfo", // issue 16 plug-ins
  // wasm-bindgen --target web: the initialisers
  "InitInput", "InitOutput", "SyncInitInput", "initSync", "default",
];

/** The framework bindings, copied from bindings/ as they are (same paths in the package). */
export const BINDING_FILES = [
  "binding.js", "react.js", "react.d.ts", "vue.js", "vue.d.ts",
  "svelte/index.js", "svelte/index.d.ts", "svelte/action.js", "svelte/Markdown.svelte", "svelte/rillmark.svelte.js",
];

/** Every name the server entry's .d.ts (`rillmark/server`) may export. */
export const SERVER_EXPORTS = ["renderToString", "RendererOptions"];

/** The files of the server entry, in pkg/server/: the entry, its types, and the server build of the module. */
export const SERVER_FILES = ["server/index.js", "server/index.d.ts", `server/${NAME}.js`, `server/${NAME}_bg.wasm`];

/** The files of the package, besides package.json. */
export const PACKAGE_FILES = [
  `${NAME}.js`, `${NAME}.d.ts`, `${NAME}_bg.wasm`, `${NAME}.css`, "README.md", "LICENSE-MIT", "LICENSE-APACHE",
  ...BINDING_FILES,
  ...SERVER_FILES,
];

/** The frameworks the bindings are for: optional peer dependencies (only the binding a page imports needs its). */
export const PEER_DEPENDENCIES = { react: ">=18", vue: "^3.3", svelte: "^5.20" }; // Svelte 5.20: $props.id()

/** Every file under `dir`, as paths relative to it with `/` separators. */
function listFiles(dir, prefix = "") {
  return fs.readdirSync(path.join(dir, prefix), { withFileTypes: true }).flatMap((entry) => {
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    return entry.isDirectory() ? listFiles(dir, relative) : [relative];
  });
}

function fail(message) {
  console.error(`scripts/package.mjs: ${message}`);
  process.exit(1);
}

function crateVersion() {
  const toml = fs.readFileSync(path.join(ROOT, "Cargo.toml"), "utf8");
  const pkg = toml.split(/^\[/m).find((section) => section.startsWith("package]"));
  const version = pkg?.match(/^version\s*=\s*"([^"]+)"/m)?.[1];
  if (!version) fail("no [package] version in Cargo.toml");
  return version;
}

/** Replaces (by default: removes) one declaration of the generated .d.ts; fails if it is not there. */
function removeDeclaration(dts, name, pattern, replacement = "") {
  if (!pattern.test(dts)) fail(`expected ${name} in the generated .d.ts; wasm-bindgen's output changed: review`);
  return dts.replace(pattern, replacement);
}

export function publicDts(dts) {
  // wasm-streams' adapters between Rust streams and JS ones (rillmark only reads JS streams): internal classes.
  // wasm-bindgen 0.2.130 declares them `declare class X { … }` + `export type { X };`.
  dts = dts.replace(/(?:export )?(?:declare )?class (IntoUnderlying\w+) \{\n[\s\S]*?\n\}\n(?:export type \{ \1 \};\n)?/g, "");
  // web-sys' enum, used only by those classes, with its doc comment (only ` *` lines: it cannot reach further up).
  dts = dts.replace(/(?:\/\*\*\n(?: \*(?: [^\n]*)?\n)* \*\/\n\s*)?export type ReadableStreamType = [^\n]*\n/, "");
  // `init()` resolves with the wasm instance's exports: raw functions typed with `any` and the internals' shims.
  // Hosts need at most the memory; the narrower type is a true supertype of what they get.
  dts = removeDeclaration(dts, "InitOutput", /export interface InitOutput \{\n[\s\S]*?\n\}\n/);
  dts = dts.replace(
    /(export type InitInput = [^\n]*\n)/,
    "$1\n/** What `init()` and `initSync()` resolve with: the module's memory (the other wasm exports are internal). */\n" +
      "export interface InitOutput {\n    readonly memory: WebAssembly.Memory;\n}\n",
  );
  // The default export's local name shows in editors' hovers: `init`, as the docs call it, not `__wbg_init`.
  dts = removeDeclaration(dts, "__wbg_init", /export default function __wbg_init ?\(/, "export default function init(");
  dts = dts.replace(/\n{3,}/g, "\n\n").replace(/^\/\* tslint:disable \*\/\n\/\* eslint-disable \*\/\n\n?/, "");
  // wasm-bindgen declares `[Symbol.dispose](): void` on Renderer (the runtime adds it where Symbol.dispose exists).
  // `Symbol.dispose` is typed only in TypeScript's esnext.disposable lib (TS >= 5.2), so a consumer compiling with
  // `lib: ["es2022", "dom"]` and skipLibCheck off gets TS2550 inside our .d.ts; the lib reference makes it resolve.
  dts = `/* ${NAME}: TypeScript declarations of the public API. Generated by wasm-bindgen and scripts/package.mjs. */\n` +
    `/// <reference lib="esnext.disposable" />\n` + dts;
  checkDts(dts);
  return dts;
}

/** The names a .d.ts exports (top-level `export ...` forms wasm-bindgen and the custom section use). */
export function exportedNames(dts) {
  const names = new Set();
  for (const m of dts.matchAll(/^export (?:declare )?(?:class|interface|type|function|const|enum) (\w+)/gm)) names.add(m[1]);
  for (const m of dts.matchAll(/^export (?:type )?\{([^}]*)\}/gm)) {
    for (const n of m[1].split(",")) names.add(n.trim().split(/\s+as\s+/).pop());
  }
  if (/^export default /m.test(dts)) names.add("default");
  return names;
}

function stripComments(text) {
  return text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/[^\n]*/g, "");
}

function checkDts(dts) {
  const names = exportedNames(dts);
  const unexpected = [...names].filter((n) => !PUBLIC_EXPORTS.includes(n));
  const missing = PUBLIC_EXPORTS.filter((n) => !names.has(n));
  if (unexpected.length) fail(`unexpected exports in the public .d.ts: ${unexpected.join(", ")} (internal? public?)`);
  if (missing.length) fail(`the public .d.ts lacks: ${missing.join(", ")}`);
  const code = stripComments(dts);
  for (const word of [...PRIVATE_NAMES, "any"]) {
    if (new RegExp(String.raw`\b${word}\b`).test(code)) fail(`the public .d.ts still mentions \`${word}\``);
  }
}

function packageJson(version, sideEffects) {
  return {
    name: NAME,
    version,
    description:
      "Streams an LLM's HTTP response into safe, incrementally rendered markdown in the browser (Rust → WebAssembly)",
    keywords: ["markdown", "streaming", "llm", "sse", "wasm", "webassembly", "commonmark", "gfm", "openai", "anthropic"],
    homepage: "https://github.com/rillmark/rillmark#readme",
    bugs: { url: "https://github.com/rillmark/rillmark/issues" },
    repository: { type: "git", url: "git+https://github.com/rillmark/rillmark.git" },
    license: "MIT OR Apache-2.0",
    type: "module",
    main: `./${NAME}.js`,
    module: `./${NAME}.js`,
    types: `./${NAME}.d.ts`,
    exports: {
      ".": { types: `./${NAME}.d.ts`, default: `./${NAME}.js` },
      [`./${NAME}_bg.wasm`]: `./${NAME}_bg.wasm`,
      [`./${NAME}.css`]: `./${NAME}.css`,
      "./react": { types: "./react.d.ts", default: "./react.js" },
      "./vue": { types: "./vue.d.ts", default: "./vue.js" },
      // Svelte libraries ship their components as source under the "svelte" condition (the app compiles them).
      "./svelte": { types: "./svelte/index.d.ts", svelte: "./svelte/index.js", default: "./svelte/index.js" },
      "./server": { types: "./server/index.d.ts", default: "./server/index.js" },
      "./package.json": "./package.json",
    },
    files: PACKAGE_FILES,
    sideEffects,
    peerDependencies: PEER_DEPENDENCIES,
    peerDependenciesMeta: Object.fromEntries(Object.keys(PEER_DEPENDENCIES).map((name) => [name, { optional: true }])),
  };
}

function main() {
  const dtsPath = path.join(PKG, `${NAME}.d.ts`);
  if (!fs.existsSync(dtsPath)) fail(`${dtsPath} is missing: run wasm-bindgen first`);
  const dts = fs.readFileSync(dtsPath, "utf8");
  if (dts.startsWith(`/* ${NAME}: `)) checkDts(dts); // already processed (the script ran twice on one pkg/)
  else fs.writeFileSync(dtsPath, publicDts(dts));
  // The raw wasm exports' declarations are internals too; no supported use imports the .wasm as an ES module.
  fs.rmSync(path.join(PKG, `${NAME}_bg.wasm.d.ts`), { force: true });

  const copies = [
    ["npm/README.md", "README.md"], ["LICENSE-MIT", "LICENSE-MIT"], ["LICENSE-APACHE", "LICENSE-APACHE"],
    [`css/${NAME}.css`, `${NAME}.css`],
  ];
  for (const file of BINDING_FILES) copies.push([path.join("bindings", file), file]);
  for (const [from, to] of copies) {
    fs.mkdirSync(path.dirname(path.join(PKG, to)), { recursive: true });
    fs.copyFileSync(path.join(ROOT, from), path.join(PKG, to));
  }
  const inBindings = listFiles(path.join(ROOT, "bindings"));
  const unlisted = inBindings.filter((f) => !BINDING_FILES.includes(f));
  if (unlisted.length) fail(`bindings/ holds files BINDING_FILES does not list: ${unlisted.join(", ")}`);

  // The server entry: its two hand-written files beside the server build (wasm-bindgen's .d.ts of that build declares
  // the browser API and raw exports: the entry's own .d.ts is the public one).
  const server = path.join(PKG, "server");
  if (!fs.existsSync(path.join(server, `${NAME}_bg.wasm`))) fail(`${server}/${NAME}_bg.wasm is missing: build.sh builds it`);
  for (const file of ["index.js", "index.d.ts"]) fs.copyFileSync(path.join(ROOT, "npm", "server", file), path.join(server, file));
  for (const file of [`${NAME}.d.ts`, `${NAME}_bg.wasm.d.ts`]) fs.rmSync(path.join(server, file), { force: true });
  if (fs.existsSync(path.join(server, "snippets"))) fail("the server build has wasm-bindgen snippets: ship them");
  const serverNames = exportedNames(fs.readFileSync(path.join(server, "index.d.ts"), "utf8"));
  if ([...serverNames].sort().join() !== [...SERVER_EXPORTS].sort().join()) {
    fail(`server/index.d.ts exports ${[...serverNames].join(", ")}; expected ${SERVER_EXPORTS.join(", ")}`);
  }

  // The stylesheet is a side effect when imported (`import "rillmark/rillmark.css"`); so are wasm-bindgen snippets.
  const sideEffects = [`./${NAME}.css`];
  const files = [...PACKAGE_FILES];
  if (fs.existsSync(path.join(PKG, "snippets"))) {
    sideEffects.push("./snippets/*");
    files.push("snippets/");
  }
  const version = crateVersion();
  const json = packageJson(version, sideEffects);
  json.files = files;
  fs.writeFileSync(path.join(PKG, "package.json"), `${JSON.stringify(json, null, 2)}\n`);

  const present = new Set(listFiles(PKG));
  const shipped = (f) => files.includes(f) || files.some((entry) => entry.endsWith("/") && f.startsWith(entry));
  const stray = [...present].filter((f) => f !== "package.json" && !shipped(f));
  if (stray.length) fail(`files in ${PKG} that the package would not ship: ${stray.join(", ")}`);
  for (const f of PACKAGE_FILES) if (!present.has(f)) fail(`${f} missing from ${PKG}`);
  console.log(`  + ${path.relative(process.cwd(), PKG) || "."}/: package.json (${NAME} ${version}), public .d.ts, ` +
    "README.md, licences, rillmark.css, bindings (react, vue, svelte), server/ (rillmark/server)");
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
