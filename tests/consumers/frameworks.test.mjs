// Consumer tests of the framework bindings (issue 17): rillmark/react, rillmark/vue and rillmark/svelte from the packed
// tarball, in a scratch app (tests/consumers/frameworks/: one page per framework, no JSX, Svelte through its Vite
// plugin) installed and built once per Vite version (7 and 8), served by a local server that also streams a slow
// plain-text answer, and driven in one headless Chromium:
//   - a growing `text` prop streams (the caret class while streaming, shown words never vanish) and the final DOM
//     equals the one-shot render;
//   - a client render ignores `html` (the server's HTML) and never writes innerHTML into the component;
//   - a replaced text resets to the new text, keeping the blocks that did not change (same DOM nodes); new options
//     start a new renderer, an equal options literal does not; React takes the text as a string child too;
//   - useRillmark().cancel() stops a fetch (aborted, the text so far kept), and unmounting mid-stream closes the
//     connection: the server sees it;
//   - React's StrictMode (development build, on the Vite dev server): one request, one rendering, no console error;
//   - Next.js 16 (app router, frameworks/next/, `next build` + `next start`): a server component renders the history
//     with rillmark/server into <Markdown html>, the client hydrates it without a mutation, and a client component
//     streams a new answer from a route handler;
//   - hydration (development builds, where the frameworks report mismatches): the app rendered in Node (ssr.js, built
//     with `vite build --ssr`) with the answer's HTML from the packed rillmark/server, hydrated in the page: no
//     warning, the container's nodes are the same objects and no mutation touches them (Svelte's two html-block
//     comments excepted), and a partial answer then streams on to the one-shot render.
// Each page logs no console error and no uncaught exception. TypeScript checks the bindings' .d.ts (types.ts). The
// bindings' own sizes (gzip -9) are printed.
import assert from "node:assert/strict";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { after, before, describe, test } from "node:test";
import zlib from "node:zlib";
import { BINDING_FILES } from "../../scripts/package.mjs";
import { spawn } from "node:child_process";
import { HERE, PKG, ROOT, copyDir, freePort, launchBrowser, requirePkg, run, viteDevServer, watchPage } from "./helpers.mjs";

const rootPackage = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
const dev = rootPackage.devDependencies;
// Vite 8 is the root's `vite8` alias; its Svelte plugin (7.x) declares a peer of Vite 8 only, which the root cannot
// hold beside Vite 7 (npm refuses the conflict), so its version is pinned here and the scratch app installs it.
// The Vite 7 app also type-checks the bindings' declarations (types.ts) with the consumers' TypeScript 5.9.
const VITE_VERSIONS = [
  { name: "Vite 7", vite: dev.vite, sveltePlugin: dev["@sveltejs/vite-plugin-svelte"], typescript: true },
  { name: "Vite 8", vite: dev.vite8.replace(/^npm:vite@/, ""), sveltePlugin: "7.3.3", typescript: false },
];
const TS5 = "5.9.3";
const FRAMEWORKS = ["react", "vue", "svelte"];

const ANSWER = [
  "# Streaming in a component\n\n",
  "The text prop grows with **every token**, as `useChat` hands it over, with a [link](https://example.com/docs).\n\n",
  "- first point\n- second point, with *emphasis*\n\n",
  "```js\nconst answer = await fetch(url);\nconsole.log(answer);\n```\n\n",
  "| name | value |\n|---|---:|\n| rows | 2 |\n| cells | 4 |\n\n",
  "> A quote to end with, and a footnote[^1].\n\n[^1]: The note.\n",
].join("");

let scratch, tarball, browser, server;
const apps = new Map(); // Vite version name → app directory (built)

/** A static server for the built apps plus `/slow`: a plain-text answer written a word every 20 ms, whose requests it
 * records (`requests`: { chunks, ended, closedEarly }) so a test can see a connection closed before the end. */
async function appServer() {
  const requests = [];
  const pages = new Map(); // URL path → HTML (server-rendered pages)
  let root = null;
  const types = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".wasm": "application/wasm" };
  const httpServer = http.createServer((req, res) => {
    const url = new URL(req.url, "http://x");
    if (url.pathname === "/slow") {
      const record = { chunks: 0, ended: false, closedEarly: false };
      requests.push(record);
      const total = Number(url.searchParams.get("words") ?? 400);
      res.writeHead(200, {
        "content-type": "text/plain; charset=utf-8", "access-control-allow-origin": "*", "cache-control": "no-store",
      });
      const timer = setInterval(() => {
        if (record.chunks >= total) {
          clearInterval(timer);
          record.ended = true;
          res.end();
          return;
        }
        res.write(`word${record.chunks} `);
        record.chunks++;
      }, 20);
      res.on("close", () => {
        clearInterval(timer);
        if (!record.ended) record.closedEarly = true;
      });
      return;
    }
    if (pages.has(url.pathname)) {
      return void res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(pages.get(url.pathname));
    }
    const file = path.join(root, url.pathname);
    if (!file.startsWith(root) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      return void res.writeHead(404).end("not found");
    }
    const type = types[path.extname(file)] ?? "application/octet-stream";
    // A charset on application/wasm makes Chromium's instantiateStreaming refuse the type (and warn).
    res.writeHead(200, { "content-type": type.startsWith("text/") ? `${type}; charset=utf-8` : type });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise((resolve) => httpServer.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${httpServer.address().port}`,
    requests,
    serve: (dir) => {
      root = dir;
    },
    page: (urlPath, html) => pages.set(urlPath, html),
    close: () => new Promise((resolve) => httpServer.close(resolve)),
  };
}

before(async () => {
  requirePkg();
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), "rillmark-frameworks-"));
  const packed = await run("npm", ["pack", "--json", "--pack-destination", scratch, PKG]);
  assert.equal(packed.code, 0, packed.stderr);
  tarball = JSON.parse(packed.stdout)[0].filename;
  for (const version of VITE_VERSIONS) {
    const app = path.join(scratch, version.name.replace(" ", "").toLowerCase());
    copyDir(path.join(HERE, "frameworks"), app);
    fs.writeFileSync(path.join(app, "package.json"), JSON.stringify({
      name: "rillmark-frameworks-app",
      private: true,
      type: "module",
      dependencies: {
        rillmark: `file:../${tarball}`,
        react: dev.react, "react-dom": dev["react-dom"], vue: dev.vue, svelte: dev.svelte,
      },
      devDependencies: {
        vite: version.vite, "@sveltejs/vite-plugin-svelte": version.sveltePlugin,
        ...(version.typescript ? { typescript: TS5, "@types/react": dev["@types/react"] } : {}),
      },
    }, null, 2));
    const installed = await run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"],
      { cwd: app });
    assert.equal(installed.code, 0, `${version.name}: npm install failed:\n${installed.stdout}\n${installed.stderr}`);
    const vite = path.join(app, "node_modules", ".bin", "vite");
    const built = await run(vite, ["build", "--logLevel", "warn"], { cwd: app });
    assert.equal(built.code, 0, `${version.name}: vite build failed:\n${built.stdout}\n${built.stderr}`);
    // The hydration tests: the server entry, and the pages in the frameworks' development builds (their hydration
    // mismatch warnings are development-only).
    const ssr = await run(vite, ["build", "--ssr", "ssr.js", "--outDir", "dist-ssr", "--logLevel", "warn"], { cwd: app });
    assert.equal(ssr.code, 0, `${version.name}: vite build --ssr failed:\n${ssr.stdout}\n${ssr.stderr}`);
    const devBuilt = await run(vite, ["build", "--outDir", "dist-dev", "--logLevel", "warn"],
      { cwd: app, env: { ...process.env, NODE_ENV: "development" } });
    assert.equal(devBuilt.code, 0, `${version.name}: development build failed:\n${devBuilt.stdout}\n${devBuilt.stderr}`);
    apps.set(version.name, app);
  }
  server = await appServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (scratch && !process.env.KEEP_SCRATCH) fs.rmSync(scratch, { recursive: true, force: true });
});

/** Opens `url` in a new context and waits for the page's driver; collects console errors and uncaught exceptions
 * (and, with `warnings`, console warnings: the frameworks' hydration mismatch reports). */
async function openPage(url, { warnings = false } = {}) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = watchPage(page, { also: (msg) => warnings && msg.type() === "warning" });
  await page.goto(url);
  await page.waitForFunction(() => window.__driver !== undefined, null, { timeout: 30_000 });
  return { page, problems, close: () => context.close() };
}

/** Grows the text prop a few characters per animation frame in the page, streaming; records what each frame shows. */
async function streamGrowingText(page, text) {
  return page.evaluate(async (answer) => {
    const frame = () => new Promise((resolve) => requestAnimationFrame(() => resolve()));
    const md = () => document.getElementById("md");
    await window.__driver.mountMarkdown({ text: "", streaming: true });
    const seen = { frames: 0, caretWhileStreaming: 0, shownFrames: 0, vanished: [] };
    let mostWords = 0;
    for (let end = 0; end <= answer.length; end += 5) {
      await window.__driver.setProps({ text: answer.slice(0, end) });
      await frame();
      seen.frames++;
      const shown = md().textContent;
      if (!shown) continue;
      seen.shownFrames++;
      if (md().classList.contains("rillmark-streaming")) seen.caretWhileStreaming++;
      const words = shown.split(/\s+/).filter(Boolean).length;
      if (words + 3 < mostWords) seen.vanished.push(`${mostWords} → ${words}: ${shown.slice(-80)}`);
      mostWords = Math.max(mostWords, words);
    }
    await window.__driver.setProps({ text: answer, streaming: false });
    await frame();
    return {
      ...seen,
      html: md().innerHTML,
      classes: md().className,
      oneShot: await window.__driver.oneShot(answer),
    };
  }, text);
}

test(`TypeScript ${TS5}: the bindings' declarations type-check as an app uses them (strict, skipLibCheck off)`,
  async () => {
    const app = apps.get("Vite 7");
    const { code, stdout } = await run(path.join(app, "node_modules", ".bin", "tsc"), ["-p", "tsconfig.json"],
      { cwd: app });
    assert.equal(code, 0, `types.ts should type-check, its @ts-expect-error lines fail:\n${stdout}`);
  });

for (const version of VITE_VERSIONS) {
  describe(`${version.name}: the bindings from the packed tarball`, () => {
    before(() => server.serve(path.join(apps.get(version.name), "dist")));

    for (const framework of FRAMEWORKS) {
      test(`${framework}: a growing text prop streams and ends as the one-shot render`, async () => {
        const { page, problems, close } = await openPage(`${server.url}/${framework}.html`);
        try {
          const seen = await streamGrowingText(page, ANSWER);
          assert.ok(seen.shownFrames > 20, `the text should show while it grows (${seen.shownFrames} frames)`);
          assert.equal(seen.caretWhileStreaming, seen.shownFrames, "the caret class should be on while streaming");
          assert.deepEqual(seen.vanished, [], "shown words should never vanish while the text grows");
          assert.equal(seen.html, seen.oneShot, "the final DOM should equal the one-shot render");
          assert.equal(seen.classes, "rillmark", "finished: the caret class goes, the rillmark class stays");
          assert.ok(seen.html.includes("<table>") && seen.html.includes('class="footnotes"'), seen.html);
          assert.deepEqual(problems, [], "no console error, no uncaught exception");
        } finally {
          await close();
        }
      });

      if (framework === "react") {
        test("react: the text as a string child streams and ends as the one-shot render", async () => {
          const { page, problems, close } = await openPage(`${server.url}/react.html?child`);
          try {
            const seen = await streamGrowingText(page, ANSWER);
            assert.ok(seen.shownFrames > 20, `the text should show while it grows (${seen.shownFrames} frames)`);
            assert.deepEqual(seen.vanished, []);
            assert.equal(seen.html, seen.oneShot, "the final DOM should equal the one-shot render");
            assert.deepEqual(problems, []);
          } finally {
            await close();
          }
        });
      }

      test(`${framework}: a client render ignores \`html\` (the server's HTML) and never sets innerHTML`, async () => {
        const { page, problems, close } = await openPage(`${server.url}/${framework}.html`);
        try {
          const result = await page.evaluate(async () => {
            const frame = () => new Promise((resolve) => requestAnimationFrame(() => resolve()));
            const md = () => document.getElementById("md");
            // Every innerHTML write on an element, counted (the page's own parse of nothing else uses it).
            const setter = Object.getOwnPropertyDescriptor(Element.prototype, "innerHTML").set;
            let writes = 0;
            Object.defineProperty(Element.prototype, "innerHTML", {
              ...Object.getOwnPropertyDescriptor(Element.prototype, "innerHTML"),
              set(value) {
                if (this.id === "md" || this.closest?.("#md")) writes++;
                setter.call(this, value);
              },
            });
            const text = "# The client's text\n\nRendered by the renderer.\n";
            await window.__driver.mountMarkdown({ text, streaming: false, html: '<p id="stale">the server said</p>' });
            const staleAtMount = document.getElementById("stale") !== null;
            for (let i = 0; i < 200 && !md().querySelector("h1"); i++) await frame();
            return { staleAtMount, writes, html: md().innerHTML, oneShot: await window.__driver.oneShot(text) };
          });
          assert.equal(result.staleAtMount, false, "the html prop is not rendered on the client");
          assert.equal(result.writes, 0, "no innerHTML write into the component");
          assert.equal(result.html, result.oneShot, "the DOM is the renderer's render of `text`");
          assert.deepEqual(problems, []);
        } finally {
          await close();
        }
      });

      test(`${framework}: a replaced text resets, keeping the blocks that did not change`, async () => {
        const { page, problems, close } = await openPage(`${server.url}/${framework}.html`);
        try {
          const result = await page.evaluate(async () => {
            const md = () => document.getElementById("md");
            const frame = () => new Promise((resolve) => requestAnimationFrame(() => resolve()));
            const first = "# Title\n\nA paragraph that stays.\n\nThe answer as first generated, with **bold**";
            const edited = "# Title\n\nA paragraph that stays.\n\nA regenerated last paragraph";
            const replaced = "Something else entirely:\n\n1. one\n2. two\n";
            await window.__driver.mountMarkdown({ text: first, streaming: true });
            for (let i = 0; i < 200 && !md().querySelector("strong"); i++) await frame();
            const [heading, paragraph] = md().children;
            await window.__driver.setProps({ text: edited });
            await frame();
            const kept = md().children[0] === heading && md().children[1] === paragraph;
            const afterEdit = md().textContent;
            await window.__driver.setProps({ text: replaced });
            await frame();
            await window.__driver.setProps({ streaming: false });
            return {
              kept, afterEdit, html: md().innerHTML, oneShot: await window.__driver.oneShot(replaced),
            };
          });
          assert.ok(result.kept, "the heading and the unchanged paragraph should be the same DOM nodes after the edit");
          assert.ok(result.afterEdit.includes("A regenerated last paragraph") && !result.afterEdit.includes("bold"),
            `the edit shows the new last paragraph only: ${result.afterEdit}`);
          assert.equal(result.html, result.oneShot, "the replaced text ends as its one-shot render");
          assert.deepEqual(problems, []);
        } finally {
          await close();
        }
      });

      test(`${framework}: new options start a new renderer, an equal options object does not`, async () => {
        const { page, problems, close } = await openPage(`${server.url}/${framework}.html`);
        try {
          const result = await page.evaluate(async () => {
            const md = () => document.getElementById("md");
            const frame = () => new Promise((resolve) => requestAnimationFrame(() => resolve()));
            const text = "A [link](https://example.com/docs) in a paragraph.\n";
            await window.__driver.mountMarkdown({ text, streaming: false, options: { links: "same-tab" } });
            for (let i = 0; i < 200 && !md().querySelector("a"); i++) await frame();
            const first = md().firstElementChild;
            await window.__driver.setProps({ options: { links: "same-tab" } }); // a new object, equal
            await frame();
            const keptForEqual = md().firstElementChild === first;
            await window.__driver.setProps({ options: { links: "new-tab" } });
            for (let i = 0; i < 200 && !md().querySelector("a[target]"); i++) await frame();
            return { keptForEqual, target: md().querySelector("a")?.getAttribute("target"), html: md().innerHTML };
          });
          assert.ok(result.keptForEqual, "equal options (a new literal) should keep the renderer and its nodes");
          assert.equal(result.target, "_blank", `links: "new-tab" should apply through a new renderer: ${result.html}`);
          assert.equal((result.html.match(/<a /g) ?? []).length, 1, "the new renderer replaces the old one's DOM");
          assert.deepEqual(problems, []);
        } finally {
          await close();
        }
      });

      test(`${framework}: useRillmark().cancel() stops the fetch; the text so far stays, the status is aborted`,
        async () => {
          const { page, problems, close } = await openPage(`${server.url}/${framework}.html`);
          const before = server.requests.length;
          try {
            await page.evaluate((url) => window.__driver.mountFetch(url), `${server.url}/slow?words=400`);
            await page.waitForFunction(() => document.getElementById("fetched")?.textContent.includes("word5"), null,
              { timeout: 15_000 });
            await page.evaluate(() => window.__md.cancel());
            await page.waitForFunction(() => document.getElementById("fetched").dataset.status === "aborted", null,
              { timeout: 5_000 });
            const shown = await page.evaluate(() => ({
              text: document.getElementById("fetched").textContent,
              classes: document.getElementById("fetched").className,
              outcomes: window.__outcomes,
            }));
            assert.deepEqual(shown.outcomes.map((o) => o.status), ["aborted"]);
            assert.equal(shown.outcomes[0].text.trim(), shown.text.trim(), "what arrived stays shown");
            assert.equal(shown.classes, "rillmark", "the caret class goes with the stream");
            const requests = server.requests.slice(before);
            const deadline = Date.now() + 5_000;
            while (!requests[0]?.closedEarly && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
            assert.ok(requests.length === 1 && requests[0].closedEarly,
              `the server sees the close: ${JSON.stringify(requests)}`);
            assert.deepEqual(problems, []);
          } finally {
            await close();
          }
        });

      test(`${framework}: unmounting mid-stream closes useRillmark().fetch()'s connection`, async () => {
        const { page, problems, close } = await openPage(`${server.url}/${framework}.html`);
        const before = server.requests.length;
        try {
          await page.evaluate((url) => window.__driver.mountFetch(url), `${server.url}/slow?words=400`);
          await page.waitForFunction(() => document.getElementById("fetched")?.textContent.includes("word5"), null,
            { timeout: 15_000 });
          const streaming = await page.evaluate(() => document.getElementById("fetched").className);
          assert.match(streaming, /rillmark-streaming/, "the caret class is on while the answer streams");
          await page.evaluate(() => window.__driver.unmount());
          const requests = server.requests.slice(before);
          const deadline = Date.now() + 5_000;
          while (!requests[0]?.closedEarly && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
          assert.equal(requests.length, 1, "one request");
          assert.ok(requests[0].closedEarly, `the server should see the connection close: ${JSON.stringify(requests)}`);
          assert.ok(requests[0].chunks < 400, "closed before the end of the answer");
          assert.equal(await page.evaluate(() => document.getElementById("fetched")), null, "unmounted");
          assert.deepEqual(problems, []);
        } finally {
          await close();
        }
      });
    }

    test("react: StrictMode (development build, dev server) makes one request, renders once, logs no error",
      async () => {
        const devServer = await viteDevServer(apps.get(version.name), "vite.config.js");
        const { page, problems, close } = await openPage(`${devServer.url}/react.html?strict`);
        const before = server.requests.length;
        try {
          const onDevServer = await page.evaluate(() => !!document.querySelector("script[src*='@vite/client']"));
          assert.ok(onDevServer, "the page runs on the dev server (React's development build, where StrictMode acts)");
          const shown = await page.evaluate(async (answer) => {
            const frame = () => new Promise((resolve) => requestAnimationFrame(() => resolve()));
            window.__driver.mountMarkdown({ text: answer, streaming: false });
            const md = () => document.getElementById("md");
            for (let i = 0; i < 300 && !md()?.querySelector("table"); i++) await frame();
            const result = { html: md().innerHTML, oneShot: await window.__driver.oneShot(answer) };
            window.__driver.unmount();
            return result;
          }, ANSWER);
          assert.equal(shown.html, shown.oneShot, "StrictMode's double mount renders the answer once");
          await page.evaluate((url) => window.__driver.mountFetch(url), `${server.url}/slow?words=30`);
          await page.waitForFunction(() => document.getElementById("fetched")?.dataset.status === "done", null,
            { timeout: 15_000 });
          const outcomes = await page.evaluate(() => window.__outcomes);
          // The first mount's fetch() waited for the WebAssembly, saw the unmount and sent nothing.
          assert.deepEqual(outcomes.map((o) => o.status), ["aborted", "done"], JSON.stringify(outcomes));
          assert.equal(outcomes[0].bytes, 0, "the first mount's fetch read nothing");
          assert.equal(outcomes[1].text.trim().split(" ").length, 30, "the whole answer arrived");
          const requests = server.requests.slice(before);
          assert.equal(requests.length, 1, "StrictMode's mount → unmount → mount should send one request, not two");
          assert.ok(requests[0].ended, "and that request ran to its end");
          assert.deepEqual(problems, [], "no console error in React's development build");
        } finally {
          await close();
          await devServer.close();
        }
      });
  });
}

/** Svelte's server render wraps `{@html}` in two comments, which its <Markdown> removes before adopting the rest. */
const SVELTE_MARKER_REMOVAL = /^childList <div#md> -<!--[^>]*-->$/;

let ssrPages = 0;

/** A page of `version`'s development build whose #app holds the server render (ssr.js, in this Node process) of
 * `framework`'s app showing `answer` ({ text, streaming }); `props` are what the page hydrates with. */
async function serverRenderedPage(version, framework, answer) {
  const app = apps.get(version.name);
  const { renderApp } = await import(pathToFileURL(path.join(app, "dist-ssr", "ssr.js")).href);
  const { props, html } = await renderApp(framework, answer);
  const page = fs.readFileSync(path.join(app, "dist-dev", `${framework}.html`), "utf8");
  assert.ok(page.includes('<div id="app"></div>'), `${framework}.html should have an empty #app`);
  const urlPath = `/ssr-${++ssrPages}-${framework}.html`;
  server.page(urlPath, page.replace('<div id="app"></div>', `<div id="app">${html}</div>`));
  return { url: `${server.url}${urlPath}`, props };
}

for (const version of VITE_VERSIONS) {
  describe(`${version.name}: server-rendered answers hydrated by the bindings (development builds)`, () => {
    before(() => server.serve(path.join(apps.get(version.name), "dist-dev")));

    for (const framework of FRAMEWORKS) {
      test(`${framework}: hydrates the server's render of an answer without a mutation or a warning`, async () => {
        const { url, props } = await serverRenderedPage(version, framework, { text: ANSWER });
        const { page, problems, close } = await openPage(url, { warnings: true });
        try {
          const seen = await page.evaluate((hydrateProps) => window.__driver.hydrate(hydrateProps), props);
          const oneShot = await page.evaluate((text) => window.__driver.oneShot(text), ANSWER);
          assert.equal(props.html, oneShot, "rillmark/server's HTML is the browser's one-shot render");
          const markers = framework === "svelte" ? 2 : 0;
          const removedMarkers = seen.mutations.filter((m) => markers && SVELTE_MARKER_REMOVAL.test(m));
          assert.equal(removedMarkers.length, markers, `only Svelte's two html-block comments go: ${seen.mutations}`);
          assert.deepEqual(seen.mutations.filter((m) => !removedMarkers.includes(m)), [],
            "hydration should not touch the server's nodes");
          assert.ok(seen.sameContainer, "the container is the server's");
          assert.ok(seen.before > 40, `the server's render has the answer's nodes (${seen.before})`);
          assert.equal(seen.after, seen.before - markers, "no node added or removed");
          assert.equal(seen.kept, seen.after, "every node is the server's object");
          assert.equal(seen.html, oneShot, "the DOM is the one-shot render");
          assert.deepEqual(problems, [], "no hydration warning, no console error");
        } finally {
          await close();
        }
      });

      test(`${framework}: hydrates a server-rendered partial answer, then streams on to the one-shot render`,
        async () => {
          const cut = ANSWER.indexOf("```js"); // after the list: every block the server rendered is closed
          const { url, props } = await serverRenderedPage(version, framework,
            { text: ANSWER.slice(0, cut), streaming: true });
          const { page, problems, close } = await openPage(url, { warnings: true });
          try {
            const seen = await page.evaluate((hydrateProps) => window.__driver.hydrate(hydrateProps), props);
            const content = seen.mutations.filter((m) => !(framework === "svelte" && SVELTE_MARKER_REMOVAL.test(m)));
            assert.deepEqual(content, ["attributes <div#md> class: rillmark → rillmark rillmark-streaming"],
              "hydrating an open answer adds the caret class and touches no node");
            assert.equal(seen.kept, seen.after, "every node is the server's object");
            const streamed = await page.evaluate(async ({ answer, from }) => {
              const frame = () => new Promise((resolve) => requestAnimationFrame(() => resolve()));
              const md = () => document.getElementById("md");
              const [heading, paragraph] = md().children;
              let vanished = 0;
              let mostWords = 0;
              for (let end = from; end <= answer.length; end += 5) {
                await window.__driver.setProps({ text: answer.slice(0, end) });
                await frame();
                const words = md().textContent.split(/\s+/).filter(Boolean).length;
                if (words + 3 < mostWords) vanished++;
                mostWords = Math.max(mostWords, words);
              }
              await window.__driver.setProps({ text: answer, streaming: false });
              await frame();
              return {
                kept: md().children[0] === heading && md().children[1] === paragraph,
                vanished,
                html: md().innerHTML,
                classes: md().className,
                oneShot: await window.__driver.oneShot(answer),
              };
            }, { answer: ANSWER, from: cut });
            assert.ok(streamed.kept, "the server's heading and paragraph stay the same DOM nodes while it streams on");
            assert.equal(streamed.vanished, 0, "shown words should never vanish");
            assert.equal(streamed.html, streamed.oneShot, "the final DOM should equal the one-shot render");
            assert.equal(streamed.classes, "rillmark", "finished: the caret class goes");
            assert.deepEqual(problems, [], "no hydration warning, no console error");
          } finally {
            await close();
          }
        });
    }
  });
}

describe("Next.js 16 (app router) from the packed tarball: next build, next start", () => {
  let app, next, url;

  before(async () => {
    app = path.join(scratch, "next");
    fs.cpSync(path.join(HERE, "frameworks", "next"), app, { recursive: true });
    const manifest = JSON.parse(fs.readFileSync(path.join(app, "package.json"), "utf8"));
    manifest.dependencies.rillmark = `file:../${tarball}`;
    fs.writeFileSync(path.join(app, "package.json"), JSON.stringify(manifest, null, 2));
    const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
    const installed = await run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"],
      { cwd: app });
    assert.equal(installed.code, 0, `npm install failed:\n${installed.stdout}\n${installed.stderr}`);
    const nextBin = path.join(app, "node_modules", ".bin", "next");
    const built = await run(nextBin, ["build"], { cwd: app, env });
    assert.equal(built.code, 0, `next build failed:\n${built.stdout}\n${built.stderr}`);
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    next = spawn(nextBin, ["start", "-H", "127.0.0.1", "-p", String(port)], { cwd: app, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    next.stdout.on("data", (d) => { output += d; });
    next.stderr.on("data", (d) => { output += d; });
    next.output = () => output;
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (next.exitCode !== null) throw new Error(`next start exited (${next.exitCode}):\n${output}`);
      try {
        if ((await fetch(`${url}/api/answer`)).ok) break;
      } catch {}
      if (Date.now() > deadline) throw new Error(`next start did not answer on ${url}:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  });

  after(async () => {
    if (next && next.exitCode === null) {
      const exited = new Promise((resolve) => next.once("exit", resolve));
      next.kill("SIGTERM");
      await exited;
    }
  });

  test("the server's history is hydrated without a mutation, and a new answer streams from a route handler",
    async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      const problems = watchPage(page);
      // From before any page script: the history's nodes and HTML as parsed, and every mutation inside the history
      // after the document is parsed (the parser's own insertions come before DOMContentLoaded).
      await page.addInitScript(() => {
        const describe = (r) => `${r.type} ${r.target.nodeName} +${r.addedNodes.length} -${r.removedNodes.length}`;
        const inHistory = (node) => (node.nodeType === 1 ? node : node.parentElement)?.closest("[id^=history-]");
        window.__mutations = [];
        let parsed = false;
        new MutationObserver((list) => {
          if (parsed) window.__mutations.push(...list.filter((r) => inHistory(r.target)).map(describe));
        }).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
        document.addEventListener("DOMContentLoaded", () => {
          parsed = true;
          const all = (root) => {
            const nodes = [];
            const walker = document.createTreeWalker(root, NodeFilter.SHOW_ALL);
            for (let n = walker.nextNode(); n; n = walker.nextNode()) nodes.push(n);
            return nodes;
          };
          const history = [...document.querySelectorAll("[id^=history-]")];
          window.__server = {
            hydratedBeforeParsed: window.__hydrated === true,
            html: history.map((el) => el.innerHTML),
            nodes: history.map(all),
          };
          window.__allNodes = all;
        });
      });
      try {
        await page.goto(url);
        await page.waitForFunction(() => window.__hydrated === true, null, { timeout: 30_000 });
        const outcome = await page.evaluate(() => window.__ask());
        const seen = await page.evaluate(() => {
          const history = [...document.querySelectorAll("[id^=history-]")];
          return {
            hydratedBeforeParsed: window.__server.hydratedBeforeParsed,
            count: history.length,
            sameHtml: history.map((el, i) => el.innerHTML === window.__server.html[i]),
            sameNodes: history.map((el, i) => {
              const now = window.__allNodes(el);
              const then = window.__server.nodes[i];
              return now.length > 10 && now.length === then.length && now.every((n, j) => n === then[j]);
            }),
            mutations: window.__mutations,
            newAnswer: document.getElementById("new-answer").innerHTML,
            status: document.getElementById("new-answer").dataset.status,
          };
        });
        const answers = await import(pathToFileURL(path.join(app, "app", "answers.mjs")).href);
        const { renderToString } = await import(
          pathToFileURL(path.join(app, "node_modules", "rillmark", "server", "index.js")).href);
        assert.equal(seen.hydratedBeforeParsed, false, "the observer starts before React hydrates");
        assert.equal(seen.count, answers.HISTORY.length, "the server rendered the history");
        assert.deepEqual(seen.sameHtml, answers.HISTORY.map(() => true), "the history shows the server's HTML");
        assert.deepEqual(seen.sameNodes, answers.HISTORY.map(() => true), "the history's nodes are the server's objects");
        assert.deepEqual(seen.mutations, [], "hydration should not touch the history");
        assert.equal(outcome.status, "done", JSON.stringify(outcome));
        assert.equal(outcome.text, answers.NEW_ANSWER, "the route handler's whole answer arrived");
        assert.equal(seen.newAnswer, renderToString(answers.NEW_ANSWER, answers.OPTIONS),
          "the new answer ends as the one-shot render");
        assert.equal(seen.status, "done");
        assert.deepEqual(problems, [], `no console error, no hydration error:\n${next.output()}`);
      } finally {
        await context.close();
      }
    });
});

test("the bindings' own sizes (gzip -9)", (t) => {
  const gzip = (file) => zlib.gzipSync(fs.readFileSync(path.join(PKG, file)), { level: 9 }).length;
  const sizes = Object.fromEntries(BINDING_FILES.filter((f) => !f.endsWith(".d.ts")).map((f) => [f, gzip(f)]));
  t.diagnostic(`bytes: ${JSON.stringify(sizes)}`);
  const svelte = ["svelte/index.js", "svelte/action.js", "svelte/Markdown.svelte", "svelte/rillmark.svelte.js"];
  const added = {
    react: sizes["binding.js"] + sizes["react.js"],
    vue: sizes["binding.js"] + sizes["vue.js"],
    svelte: sizes["binding.js"] + svelte.reduce((sum, f) => sum + sizes[f], 0),
  };
  t.diagnostic(`added per binding (its files + the shared binding.js, as shipped): ${JSON.stringify(added)}`);
  // A guard against unnoticed growth (~20% over the sizes measured on 2026-12-08, with hydration: 4.6, 4.1 and
  // 4.9 KB).
  for (const [name, bytes] of Object.entries(added)) assert.ok(bytes < 6_000, `${name}: ${bytes} bytes, over 6 KB`);
});
