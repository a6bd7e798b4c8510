// Consumer tests of the npm package (issue 5): run with `node --test tests/consumers/` after `./build.sh build`
// (`./build.sh test` runs them). They use pkg/ as a consumer would:
//   - `npm pack` output: the file list, sizes and package.json;
//   - TypeScript: a consumer that uses the whole API type-checks against pkg/rillmark.d.ts, and a wrong one fails
//     with exactly the errors it marks;
//   - the packed tarball installed into a scratch Vite 7 app (in $TMPDIR, from the npm cache when warm): its own
//     tsc check (TypeScript 5.9, bundler and nodenext resolution), `vite build` served under a strict CSP with Trusted
//     Types and streamed in headless Chromium, and the Vite dev server (with and without optimizeDeps.exclude);
//   - the tarball's files used by a plain static page with <script type="module">, no bundler, same CSP.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import zlib from "node:zlib";
import { PACKAGE_FILES, exportedNames, PUBLIC_EXPORTS } from "../../scripts/package.mjs";
import {
  CSP, HERE, PKG, ROOT, checkStreamedPage, copyDir, launchBrowser, requirePkg, run, staticServer, viteDevServer,
} from "./helpers.mjs";

// Guards against unnoticed growth: ~3% headroom over the sizes measured when they were set (bytes). Set on 2026-12-07
// after the module moved onto the named stack (serde_json, comrak's own dependencies, wasm-streams, futures,
// serde-wasm-bindgen) and gained the html modes' inert parser and policy: the wasm is 298,622 B at zlib's default level
// here, 292,027 B at gzip -9, over issue 14's 230 KiB gzip -9 budget; where the bytes go and the options are in
// benches/results/size.md. Lower these as it shrinks. Raised on 2026-12-07 for issue 17 (the framework bindings in
// bindings/, update() and hydrate(), and the server build `rillmark/server` in server/: the module with html5ever,
// without the wire formats, never sent to a browser) and issue 13 (the shown-text counter, the block resume plans).
// Measured then, zlib's default level: wasm 314,749 B, server wasm 418,546 B, rillmark.js 11,207 B; .d.ts 17,089 B;
// tarball 773,590 B.
// Issue 16's plug-ins (highlight, math, blocks, codeActions, onBlock) raised wasmGzip by 14,700, serverWasmGzip by
// 16,300, jsGzip by 350, dts by 5,200 and the tarball by 34,800 (measured against the build before them).
const BUDGET = {
  tarball: 831_800, wasmGzip: 338_700, jsGzip: 11_900, css: 11_000, dts: 22_800, serverWasmGzip: 447_300,
};
const TS5 = "5.9.3"; // the scratch app's TypeScript: the most used major (the repo's own is 7)

const rootPackage = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
const tsc = path.join(ROOT, "node_modules", ".bin", "tsc");
let scratch, app, tarball, browser;

before(async () => {
  requirePkg();
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), "rillmark-consumers-"));
  const packed = await run("npm", ["pack", "--json", "--pack-destination", scratch, PKG]);
  assert.equal(packed.code, 0, packed.stderr);
  tarball = path.join(scratch, JSON.parse(packed.stdout)[0].filename);

  // The scratch consumer: a Vite + TypeScript app that depends on the tarball, like `npm install rillmark`.
  app = path.join(scratch, "app");
  copyDir(path.join(HERE, "vite-app"), app);
  fs.copyFileSync(path.join(HERE, "shared", "demo.js"), path.join(app, "demo.js"));
  fs.copyFileSync(path.join(HERE, "types", "good.ts"), path.join(app, "good.ts"));
  copyDir(path.join(HERE, "plain"), path.join(app, "plain"));
  fs.copyFileSync(path.join(HERE, "shared", "demo.js"), path.join(app, "plain", "demo.js"));
  fs.writeFileSync(path.join(app, "package.json"), JSON.stringify({
    name: "rillmark-consumer-app",
    private: true,
    type: "module",
    dependencies: { rillmark: `file:../${path.basename(tarball)}` },
    devDependencies: { vite: rootPackage.devDependencies.vite, typescript: TS5 },
  }, null, 2));
  // --prefer-offline: from the npm cache (warm after the repo's own `npm ci`) without revalidating.
  const installed = await run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"],
    { cwd: app });
  assert.equal(installed.code, 0, `npm install in the scratch app failed:\n${installed.stdout}\n${installed.stderr}`);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  if (scratch && !process.env.KEEP_SCRATCH) fs.rmSync(scratch, { recursive: true, force: true });
});

describe("npm pack", () => {
  test("ships exactly the package files, within the size budgets", async (t) => {
    const dry = await run("npm", ["pack", "--dry-run", "--json", PKG]);
    assert.equal(dry.code, 0, dry.stderr);
    const [info] = JSON.parse(dry.stdout);
    const files = Object.fromEntries(info.files.map((f) => [f.path, f.size]));
    assert.deepEqual(Object.keys(files).sort(), [...PACKAGE_FILES, "package.json"].sort());

    const gzip = (file) => zlib.gzipSync(fs.readFileSync(path.join(PKG, file)), { level: 9 }).length;
    const sizes = {
      tarball: info.size,
      unpacked: info.unpackedSize,
      wasm: files["rillmark_bg.wasm"],
      wasmGzip: gzip("rillmark_bg.wasm"),
      js: files["rillmark.js"],
      jsGzip: gzip("rillmark.js"),
      css: files["rillmark.css"],
      cssGzip: gzip("rillmark.css"),
      dts: files["rillmark.d.ts"],
      serverWasm: files["server/rillmark_bg.wasm"],
      serverWasmGzip: gzip("server/rillmark_bg.wasm"),
    };
    t.diagnostic(`sizes (bytes): ${JSON.stringify(sizes)}`);
    for (const [key, budget] of Object.entries(BUDGET)) {
      assert.ok(sizes[key] <= budget, `${key} is ${sizes[key]} bytes, over its budget of ${budget}`);
    }
    assert.equal(fs.statSync(tarball).size, info.size, "the dry run describes the tarball the tests install");
  });

  test("package.json: name, version from Cargo.toml, ESM exports, types, side effects", () => {
    const json = JSON.parse(fs.readFileSync(path.join(PKG, "package.json"), "utf8"));
    const cargoVersion = fs.readFileSync(path.join(ROOT, "Cargo.toml"), "utf8").match(/^version = "(.+)"/m)[1];
    assert.equal(json.name, "rillmark");
    assert.equal(json.version, cargoVersion);
    assert.equal(json.type, "module");
    assert.equal(json.license, "MIT OR Apache-2.0");
    assert.ok(json.description && json.keywords.length && json.repository.url && json.homepage);
    assert.equal(json.types, "./rillmark.d.ts");
    assert.deepEqual(json.exports, {
      ".": { types: "./rillmark.d.ts", default: "./rillmark.js" },
      "./rillmark_bg.wasm": "./rillmark_bg.wasm",
      "./rillmark.css": "./rillmark.css",
      "./react": { types: "./react.d.ts", default: "./react.js" },
      "./vue": { types: "./vue.d.ts", default: "./vue.js" },
      "./svelte": { types: "./svelte/index.d.ts", svelte: "./svelte/index.js", default: "./svelte/index.js" },
      "./server": { types: "./server/index.d.ts", default: "./server/index.js" },
      "./package.json": "./package.json",
    });
    assert.deepEqual(json.sideEffects, ["./rillmark.css"], "only the stylesheet has side effects");
    assert.deepEqual(json.peerDependencies, { react: ">=18", vue: "^3.3", svelte: "^5.20" });
    assert.deepEqual(json.peerDependenciesMeta, { react: { optional: true }, vue: { optional: true }, svelte: { optional: true } },
      "every framework is an optional peer: a page that imports only rillmark needs none");
  });

  test("the public .d.ts exports the API and nothing internal", () => {
    const dts = fs.readFileSync(path.join(PKG, "rillmark.d.ts"), "utf8");
    assert.deepEqual([...exportedNames(dts)].sort(), [...PUBLIC_EXPORTS].sort());
    const code = dts.replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/[^\n]*/g, "");
    for (const internal of ["IntoUnderlying", "ReadableStreamType", "__wbg", "__wbindgen", "any"]) {
      assert.ok(!new RegExp(`\\b${internal}`).test(code), `the public .d.ts mentions ${internal}`);
    }
  });
});

describe("TypeScript", () => {
  test("a consumer of the whole API type-checks against pkg/rillmark.d.ts", async () => {
    const { code, stdout } = await run(tsc, ["-p", path.join(HERE, "types", "tsconfig.json")]);
    assert.equal(code, 0, stdout);
  });

  test("a wrong consumer fails with exactly the errors it marks", async () => {
    const { code, stdout } = await run(tsc, ["-p", path.join(HERE, "types", "tsconfig.bad.json")]);
    assert.notEqual(code, 0);
    const source = fs.readFileSync(path.join(HERE, "types", "bad.ts"), "utf8").split("\n");
    const expected = source.flatMap((line, i) => {
      const m = line.match(/\/\/ error (TS\d+)$/);
      return m ? [`${i + 1} ${m[1]}`] : [];
    });
    const reported = [...stdout.matchAll(/^[^\s(]*bad\.ts\((\d+),\d+\): error (TS\d+)/gm)].map((m) => `${m[1]} ${m[2]}`);
    assert.ok(expected.length >= 15);
    assert.deepEqual(reported, expected, stdout);
    assert.ok(!/rillmark\.d\.ts/.test(stdout), `errors inside the package's .d.ts:\n${stdout}`);
  });

  test(`the scratch app type-checks the installed tarball (TypeScript ${TS5}, bundler and nodenext)`, async () => {
    const appTsc = path.join(app, "node_modules", ".bin", "tsc");
    for (const config of ["tsconfig.json", "tsconfig.nodenext.json"]) {
      const { code, stdout } = await run(appTsc, ["-p", config], { cwd: app });
      assert.equal(code, 0, `${config}:\n${stdout}`);
    }
  });
});

describe("Vite 7 app from the packed tarball", () => {
  test("vite build; the built site streams an answer under CSP + Trusted Types (default init and ?url)", async () => {
    const built = await run(path.join(app, "node_modules", ".bin", "vite"), ["build", "--logLevel", "warn"], { cwd: app });
    assert.equal(built.code, 0, `${built.stdout}\n${built.stderr}`);
    const assets = fs.readdirSync(path.join(app, "dist", "assets"));
    assert.ok(assets.some((f) => /^rillmark_bg-.*\.wasm$/.test(f)), `the .wasm is emitted as an asset: ${assets}`);
    const server = await staticServer(path.join(app, "dist"), { headers: { "content-security-policy": CSP } });
    try {
      await checkStreamedPage(browser, `${server.url}/index.html`);
      await checkStreamedPage(browser, `${server.url}/url.html`);
    } finally {
      await server.close();
    }
  });

  test("vite dev server with optimizeDeps.exclude: default init and ?url", async () => {
    const dev = await viteDevServer(app, "vite.config.js");
    try {
      await checkStreamedPage(browser, `${dev.url}/`);
      await checkStreamedPage(browser, `${dev.url}/url.html`);
    } finally {
      await dev.close();
    }
  });

  test("vite dev server without optimizeDeps.exclude: ?url + module_or_path works, default init() does not", async () => {
    fs.rmSync(path.join(app, "node_modules", ".vite"), { recursive: true, force: true });
    const dev = await viteDevServer(app, "vite.no-exclude.config.js");
    try {
      await checkStreamedPage(browser, `${dev.url}/url.html`);
      // Why the README asks for the exclude: a pre-bundled rillmark looks for the .wasm in node_modules/.vite/deps/,
      // gets the dev server's HTML fallback, and init() fails. If this starts passing, Vite fixed it: drop the advice.
      await assert.rejects(checkStreamedPage(browser, `${dev.url}/`), /expected magic word 00 61 73 6d/);
    } finally {
      await dev.close();
    }
  });
});

describe("plain static page, no bundler", () => {
  const cdnPath = "/cdn/engine-3f9a.wasm";

  async function serve() {
    return staticServer(app, {
      headers: { "content-security-policy": CSP },
      aliases: { [cdnPath]: path.join(app, "node_modules", "rillmark", "rillmark_bg.wasm") },
    });
  }

  test("default init() fetches the .wasm next to rillmark.js; CSP + Trusted Types, no violation", async () => {
    const server = await serve();
    try {
      await checkStreamedPage(browser, `${server.url}/plain/index.html`);
      const wasm = server.requests.filter((p) => p.endsWith(".wasm"));
      assert.deepEqual(wasm, ["/node_modules/rillmark/rillmark_bg.wasm"]);
    } finally {
      await server.close();
    }
  });

  test("init({ module_or_path }) loads the .wasm from where the host serves it", async () => {
    const server = await serve();
    try {
      await checkStreamedPage(browser, `${server.url}/plain/elsewhere.html`);
      const wasm = server.requests.filter((p) => p.endsWith(".wasm"));
      assert.deepEqual(wasm, [cdnPath]);
    } finally {
      await server.close();
    }
  });
});
