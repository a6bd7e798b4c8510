// The server entry of the npm package (`rillmark/server`, issue 17 item 4), as a Node consumer uses it: the packed
// tarball installed into a scratch app, `import { renderToString } from "rillmark/server"` in a Node ES module with no
// fetch (the WebAssembly is read from the package's files), and its types checked with TypeScript (nodenext). Then the
// packaged pair end to end: HTML the server build rendered in Node equals what the browser build leaves in a
// container in headless Chromium, and the browser build hydrates it without a mutation (tests/web_ssr.rs checks the
// same on more answers and options, within one build).
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import zlib from "node:zlib";
import { PKG, ROOT, launchBrowser, requirePkg, run, staticServer } from "./helpers.mjs";

let scratch, app;

before(async () => {
  requirePkg();
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), "rillmark-server-"));
  const packed = await run("npm", ["pack", "--json", "--pack-destination", scratch, PKG]);
  assert.equal(packed.code, 0, packed.stderr);
  const tarball = JSON.parse(packed.stdout)[0].filename;
  app = path.join(scratch, "app");
  fs.mkdirSync(app);
  fs.writeFileSync(path.join(app, "package.json"), JSON.stringify({
    name: "rillmark-server-consumer", private: true, type: "module",
    dependencies: { rillmark: `file:../${tarball}` },
  }, null, 2));
  const installed = await run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"],
    { cwd: app });
  assert.equal(installed.code, 0, `npm install failed:\n${installed.stdout}\n${installed.stderr}`);
});

after(() => {
  if (scratch && !process.env.KEEP_SCRATCH) fs.rmSync(scratch, { recursive: true, force: true });
});

/** Runs `source` as an ES module in the scratch app (a fresh Node process, resolving "rillmark" from its
 * node_modules) and returns what it printed as JSON. */
async function inApp(source) {
  const file = path.join(app, `check-${Math.random().toString(36).slice(2)}.mjs`);
  fs.writeFileSync(file, source);
  const result = await run(process.execPath, [file], { cwd: app });
  assert.equal(result.code, 0, `the script should run:\n${result.stderr}`);
  return JSON.parse(result.stdout);
}

describe("rillmark/server in Node", () => {
  test("renderToString returns the final DOM's HTML in each html mode, with no fetch", async () => {
    const out = await inApp(`
      globalThis.fetch = () => { throw new Error("the server entry must not fetch"); };
      const { renderToString } = await import("rillmark/server");
      const text = "# Hi\\n\\n**b** <sup>1</sup> <img src=x onerror=alert(1)> [j](javascript:x) ![i](https://cdn.test/i.png)\\n";
      console.log(JSON.stringify({
        text: renderToString(text),
        sanitize: renderToString(text, { html: "sanitize" }),
        trusted: renderToString(text, { html: "trusted" }),
        allowed: renderToString(text, { html: "sanitize", images: ["https://cdn.test"], links: "new-tab" }),
        empty: renderToString(""),
      }));
    `);
    // The container's innerHTML: no layout newlines between blocks (the DOM has none); a paragraph with raw HTML is
    // parsed whole in sanitize and trusted modes, and keeps the newline that ended it.
    const img = '<span class="rillmark-image" data-src="https://cdn.test/i.png">i</span>';
    assert.equal(out.text,
      `<h1>Hi</h1><p><strong>b</strong> &lt;sup&gt;1&lt;/sup&gt; &lt;img src=x onerror=alert(1)&gt; <a>j</a> ${img}</p>`,
      "text mode shows raw HTML as text, refuses the script URL and blocks the image");
    assert.equal(out.sanitize,
      '<h1>Hi</h1><p><strong>b</strong> <sup>1</sup> <span class="rillmark-image" data-src="x">image</span> ' +
        `<a>j</a> ${img}</p>\n`,
      "sanitize mode keeps <sup>, makes the raw image a placeholder and drops its handler");
    assert.equal(out.trusted,
      '<h1>Hi</h1><p><strong>b</strong> <sup>1</sup> <img src="x"> <a>j</a> <img src="https://cdn.test/i.png" alt="i">' +
        "</p>\n",
      "trusted mode keeps the HTML as written, minus the event handler and the script URL");
    assert.equal(out.allowed,
      '<h1>Hi</h1><p><strong>b</strong> <sup>1</sup> <span class="rillmark-image" data-src="x">image</span> <a>j</a> ' +
        '<img src="https://cdn.test/i.png" alt="i"></p>\n',
      "an allowed origin's image is an <img>");
    assert.equal(out.empty, "", "no text, no HTML");
  });

  test("bad input throws the TypeErrors new Renderer() throws", async () => {
    const out = await inApp(`
      const { renderToString } = await import("rillmark/server");
      const errors = [[1], ["x", { html: "nope" }], ["x", { colour: "red" }], ["x", null]].map((args) => {
        try { renderToString(...args); return "no error"; } catch (e) { return e.constructor.name + ": " + e.message; }
      });
      console.log(JSON.stringify(errors));
    `);
    assert.deepEqual(out.map((e) => e.split(":")[0]), ["TypeError", "TypeError", "TypeError", "TypeError"], out.join("\n"));
    assert.match(out[1], /html/, "the error names the option");
  });

  test("the server entry's types check with TypeScript (nodenext)", async () => {
    fs.writeFileSync(path.join(app, "server.ts"), [
      'import { renderToString, type RendererOptions } from "rillmark/server";',
      'const options: RendererOptions = { html: "sanitize", images: ["https://cdn.test"] };',
      "const html: string = renderToString(\"# Hi\", options);",
      "// @ts-expect-error: the markdown is a string",
      "renderToString(1);",
      "export { html };",
    ].join("\n"));
    fs.writeFileSync(path.join(app, "tsconfig.json"), JSON.stringify({
      compilerOptions: { strict: true, noEmit: true, module: "nodenext", moduleResolution: "nodenext",
        target: "es2022", lib: ["es2022", "dom"], skipLibCheck: false },
      files: ["server.ts"],
    }));
    const tsc = path.join(ROOT, "node_modules", ".bin", "tsc");
    const checked = await run(tsc, ["-p", app]);
    assert.equal(checked.code, 0, `tsc should accept the server entry's types:\n${checked.stdout}${checked.stderr}`);
  });
});

/** Answers of the corpus (tests/data/corpus/README.md): the first `n / 2` with something like an HTML tag, and
 * `n / 2` others spread over the file. */
function corpusSample(n) {
  const gz = fs.readFileSync(path.join(ROOT, "tests", "data", "corpus", "arena-hard-answers.jsonl.gz"));
  const texts = zlib.gunzipSync(gz).toString("utf8").trim().split("\n").map((line) => JSON.parse(line).text);
  const html = texts.filter((t) => /<[A-Za-z\/!]/.test(t));
  const other = texts.filter((t) => !/<[A-Za-z\/!]/.test(t));
  const stride = Math.floor(other.length / (n / 2));
  return [...html.slice(0, n / 2), ...other.filter((_, i) => i % stride === 0).slice(0, n / 2)];
}

describe("the packaged pair: server HTML in the browser", () => {
  test("renderToString in Node equals the browser build's final DOM, and hydrate() adopts it", async (t) => {
    const modes = [{}, { html: "sanitize" }, { html: "trusted" }, { html: "sanitize", images: "allow" }];
    const texts = corpusSample(60);
    const pair = path.join(app, "pair");
    fs.mkdirSync(pair, { recursive: true });
    fs.writeFileSync(path.join(pair, "texts.json"), JSON.stringify({ texts, modes }));
    // Node: the server build renders every text in every mode.
    await inApp(`
      import fs from "node:fs";
      const { renderToString } = await import("rillmark/server");
      const { texts, modes } = JSON.parse(fs.readFileSync("pair/texts.json", "utf8"));
      const html = modes.map((options) => texts.map((text) => renderToString(text, options)));
      fs.writeFileSync("pair/server.json", JSON.stringify(html));
      console.log("true");
    `);
    // The browser: the browser build renders the same, and hydrates the server's HTML.
    fs.writeFileSync(path.join(pair, "index.html"),
      '<!doctype html><meta charset="utf-8"><title>pair</title><script type="module" src="./pair.js"></script>\n');
    fs.writeFileSync(path.join(pair, "pair.js"), `
      import init, { Renderer } from "/node_modules/rillmark/rillmark.js";
      await init();
      const { texts, modes } = await (await fetch("./texts.json")).json();
      const server = await (await fetch("./server.json")).json();
      const differences = [], hydration = { adopted: 0, replaced: 0, mutated: [] };
      modes.forEach((options, m) => texts.forEach((text, t) => {
        const fresh = document.createElement("div");
        document.body.append(fresh);
        const r = new Renderer(fresh, options);
        r.write(text);
        r.finish();
        if (fresh.innerHTML !== server[m][t]) differences.push({ mode: m, text: t });
        fresh.remove();
        const hydrated = document.createElement("div");
        document.body.append(hydrated);
        hydrated.innerHTML = server[m][t];
        const h = new Renderer(hydrated, options);
        if (h.hydrate(text) === "adopted") {
          hydration.adopted++;
          h.finish();
          if (h.mutations !== 0) hydration.mutated.push({ mode: m, text: t, mutations: h.mutations });
        } else hydration.replaced++;
        hydrated.remove();
      }));
      window.__pair = { differences, hydration, renders: modes.length * texts.length };
    `);
    const server = await staticServer(app);
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      const errors = [];
      page.on("pageerror", (error) => errors.push(error.message));
      await page.goto(`${server.url}/pair/index.html`);
      await page.waitForFunction(() => window.__pair !== undefined, null, { timeout: 120_000 });
      const result = await page.evaluate(() => window.__pair);
      t.diagnostic(`renders: ${result.renders}, hydration: ${JSON.stringify(result.hydration)}`);
      assert.deepEqual(errors, [], "the page should run without an error");
      assert.equal(result.renders, 240);
      assert.deepEqual(result.differences, [], "every server render should equal the browser's final innerHTML");
      assert.deepEqual(result.hydration.mutated, [], "an adopted whole answer should finish without a mutation");
      assert.ok(result.hydration.adopted >= 0.9 * result.renders,
        `most whole answers should hydrate in place: ${JSON.stringify(result.hydration)}`);
    } finally {
      await browser.close();
      await server.close();
    }
  });
});
