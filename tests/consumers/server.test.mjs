// The server entry of the npm package (`rillmark/server`, issue 17 item 4), as a Node consumer uses it: the packed
// tarball installed into a scratch app, `import { renderToString } from "rillmark/server"` in a Node ES module with no
// fetch (the WebAssembly is read from the package's files), and its types checked with TypeScript (nodenext).
// That the HTML equals the browser's final DOM is checked in a browser on real answers: tests/web_ssr.rs.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { PKG, ROOT, requirePkg, run } from "./helpers.mjs";

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
