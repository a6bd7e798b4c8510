// The demo's plug-ins (www/plugins.mjs, bundled into www/vendor/ by www/build-plugins.mjs) in headless Chromium:
// the adapters themselves (Shiki, highlight.js, KaTeX, Mermaid: offline, in the shapes of rillmark's plug-in API),
// then the `plugins` answer streamed with each plug-in this build of rillmark takes. The page probes the Renderer
// for each option (a build without it throws a TypeError); what the build does not take must degrade visibly (code
// plain, TeX as its source, a note beside the picker), and what it takes must show: coloured spans whose text is the
// code, KaTeX, one Mermaid SVG, rillmark's copy buttons.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { ROOT, screenshot, setUp, withPage } from "./helpers.mjs";

const SOURCE = fs.readFileSync(path.join(ROOT, "www", "answers", "plugins.md"), "utf8");
/** The answer's fences: [{ lang, code }] (code with its last newline, as a code element holds it). */
const FENCES = [...SOURCE.matchAll(/^```(\w+)\n([\s\S]*?)^```$/gm)].map(([, lang, code]) => ({ lang, code }));
const KEYS = ["highlight", "math", "blocks", "codeActions"];

let env;
before(async () => {
  if (!fs.existsSync(path.join(ROOT, "www", "vendor", "plugins.js"))) {
    throw new Error("www/vendor/plugins.js is missing: run ./build.sh setup (or node www/build-plugins.mjs)");
  }
  env = await setUp();
});
after(async () => {
  await env?.close();
});

async function open(page, query) {
  await page.goto(`${env.url}/?${query}`);
  await page.waitForSelector("body[data-ready=true]", { timeout: 15_000 });
}

describe("demo plug-ins", () => {
  test("the answer has code in several languages, a Mermaid fence and inline and display math", () => {
    const langs = FENCES.map((f) => f.lang);
    assert.deepEqual(langs, ["mermaid", "python", "ts", "rust", "bash", "sql"]);
    assert.ok((SOURCE.match(/(^|[^$])\$[^$\n]+\$/gm) ?? []).length >= 8, "inline math spans");
    assert.match(SOURCE, /^\$\$\n.+\n\$\$$/m, "a display math block");
  });

  test("the adapters work offline in the API's shapes: Shiki with grammar state, highlight.js, KaTeX, Mermaid", () =>
    withPage(env.browser, {}, async ({ page, problems, external }) => {
      await open(page, "plugins=off");
      const r = await page.evaluate(async () => {
        const m = await import("/vendor/plugins.js");
        const shiki = await m.loadShiki({ theme: "light" });
        const text = (lines) => lines.map((line) => line.map((t) => t.content).join(""));
        const styles = (lines) => JSON.stringify(lines.map((line) => line.map((t) => [t.content, t.color, t.fontStyle])));
        // A docstring and a block comment span lines: the state after line 2 must carry them into line 3.
        const py = "def f(x):\n    '''a docstring\n    on two lines'''\n    return x + 1";
        const ts = "/* a comment\n   that goes on */\nconst a: number = 1;";
        const out = { shiki: {}, hljs: {} };
        for (const [lang, code] of [["py", py], ["ts", ts]]) {
          const whole = await shiki.highlight(code, lang);
          const lines = code.split("\n");
          let state;
          const pieces = [];
          for (const line of lines) {
            const part = await shiki.highlight(line, lang, state);
            pieces.push(...part.lines);
            state = part.state;
          }
          out.shiki[lang] = {
            stateful: Array.isArray(whole.lines) && whole.state !== undefined,
            text: text(whole.lines).join("\n") === code,
            lineByLineEqualsWhole: styles(pieces) === styles(whole.lines),
            colours: whole.lines.flat().every((t) => /^#[0-9a-f]{6}([0-9a-f]{2})?$/i.test(t.color)),
            fontStyles: whole.lines.flat().every((t) => Number.isInteger(t.fontStyle)),
            distinctColours: new Set(whole.lines.flat().map((t) => t.color)).size,
          };
        }
        const plain = await shiki.highlight("no\ngrammar", "no-such-language");
        out.shiki.unknown = { bare: Array.isArray(plain), text: text(plain).join("\n") };
        out.shiki.sync = !(shiki.highlight("x = 1", "python") instanceof Promise);

        const hljs = await m.loadHighlightJs();
        const markup = '<script>alert("x")</script>\n<img src=x onerror=alert(1)>';
        const before = document.querySelectorAll("script, img").length;
        const html = await hljs.highlight(markup, "html");
        const js = await hljs.highlight("const s = `two\nlines`; // done", "js");
        out.hljs = {
          text: text(html).join("\n") === markup && text(js).join("\n") === "const s = `two\nlines`; // done",
          nothingAdded: document.querySelectorAll("script, img").length === before,
          classes: [...html, ...js].flat().every((t) => t.className === undefined || t.className.split(" ").every((c) => /^[A-Za-z0-9_-]{1,64}$/.test(c))),
          stringSpansLines: js.map((line) => line.filter((t) => t.className === "hljs-string").map((t) => t.content)),
          keyword: js[0].find((t) => t.content === "const")?.className,
        };

        const { math } = await m.loadKatex();
        const display = document.createElement("div");
        math("\\sum_{k=1}^{n} k", { display: true }, display);
        const inline = document.createElement("span");
        math("e^{i\\pi}", { display: false }, inline);
        let thrown = null;
        try {
          math("\\frac{", { display: false }, document.createElement("span"));
        } catch (err) {
          thrown = err.name;
        }
        out.katex = {
          display: display.querySelector(".katex-display .katex") !== null,
          inline: inline.querySelector(".katex") !== null && inline.querySelector(".katex-display") === null,
          source: inline.querySelector('annotation[encoding="application/x-tex"]')?.textContent,
          thrown,
        };

        const a = document.createElement("div");
        const b = document.createElement("div");
        // mermaid.render removes any element with the id it is given: an id already in the page must be skipped.
        const squatter = document.createElement("span");
        squatter.id = "rillmark-mermaid-1";
        document.body.append(a, b, squatter);
        // Two at once: the adapter queues them (mermaid.render is not re-entrant).
        await Promise.all([m.mermaidBlock("flowchart LR\n  A --> B", a), m.mermaidBlock("sequenceDiagram\n  A->>B: hi", b)]);
        let rejected = false;
        const bad = document.createElement("div");
        try {
          await m.mermaidBlock("flowchart LR\n  A -->", bad);
        } catch {
          rejected = true;
        }
        out.mermaid = {
          svgs: [a, b].map((el) => el.querySelectorAll(":scope > svg").length),
          scripts: a.querySelectorAll("script").length + b.querySelectorAll("script").length,
          rejected,
          badEmpty: bad.childNodes.length === 0,
          leftovers: document.querySelectorAll('body > [id^="drillmark-mermaid"], body > [id^="rillmark-mermaid"]:not(span)').length,
          squatterKept: document.getElementById("rillmark-mermaid-1") === squatter,
        };
        return out;
      });
      for (const lang of ["py", "ts"]) {
        const s = r.shiki[lang];
        assert.equal(s.stateful, true, `${lang}: Shiki's adapter returns { lines, state }`);
        assert.equal(s.text, true, `${lang}: the tokens' text is the code, line by line`);
        assert.equal(s.lineByLineEqualsWhole, true, `${lang}: highlighting line by line with the grammar state equals one pass`);
        assert.equal(s.colours, true, `${lang}: every colour is a hex colour`);
        assert.equal(s.fontStyles, true, `${lang}: fontStyle is a number of bit flags`);
        assert.ok(s.distinctColours >= 3, `${lang}: the code is coloured (${s.distinctColours} colours)`);
      }
      assert.deepEqual(r.shiki.unknown, { bare: true, text: "no\ngrammar" }, "an unknown language is plain text");
      assert.equal(r.shiki.sync, true, "a loaded grammar highlights synchronously");
      assert.equal(r.hljs.text, true, "highlight.js tokens hold the code's text, markup included, as text");
      assert.equal(r.hljs.nothingAdded, true, "reading highlight.js's HTML back adds nothing to the page");
      assert.equal(r.hljs.classes, true, "every class name fits the API's class pattern");
      assert.deepEqual(r.hljs.stringSpansLines, [["`two"], ["lines`"]], "a string over two lines is split at the line end");
      assert.equal(r.hljs.keyword, "hljs-keyword");
      assert.deepEqual(r.katex, { display: true, inline: true, source: "e^{i\\pi}", thrown: "ParseError" });
      assert.deepEqual(r.mermaid, { svgs: [1, 1], scripts: 0, rejected: true, badEmpty: true, leftovers: 0, squatterKept: true });
      assert.deepEqual(external, [], "the plug-ins load nothing from outside 127.0.0.1");
      assert.deepEqual(problems, [], "the page should log no errors");
    }));

  test("the plugins answer shows what this rillmark build's options can do and degrades visibly for the rest", () =>
    withPage(env.browser, { permissions: ["clipboard-read", "clipboard-write"] }, async ({ page, problems, external }) => {
      await open(page, "answer=plugins&speed=0&seed=3&plugins=shiki");
      const support = await page.evaluate(() => window.rillmarkDemo.pluginSupport);
      assert.deepEqual(Object.keys(support), KEYS);
      const used = KEYS.filter((k) => support[k]);
      const note = page.locator("#plugins-note");
      if (used.length === KEYS.length) assert.equal(await note.isHidden(), true, "no note when every option is taken");
      else assert.match(await note.textContent(), used.length ? /does not take/ : /takes no plug-in options yet: code stays plain, TeX shows as source/);

      // The same answer without plug-ins, then with them.
      const send = (plugins) => page.evaluate((p) => window.rillmarkDemo.send({ prompt: "x", answer: "plugins", speed: 0, plugins: p }), plugins);
      assert.equal((await send("off")).status, "done");
      assert.equal((await send("shiki")).status, "done");
      const [plain, shown] = [page.locator(".turn").nth(0).locator(".answer"), page.locator(".turn").nth(1).locator(".answer")];
      assert.equal(await page.locator(".turn").nth(1).getAttribute("data-plugins"), used.join(" ") || "none");

      // Code: the text of every block is the same with and without plug-ins (copy and selection see the code).
      const codeTexts = (answer) => answer.evaluate((a) =>
        [...a.querySelectorAll("pre > code")].map((c) => ({ lang: c.className, text: c.textContent, spans: c.querySelectorAll("span").length })));
      const before = await codeTexts(plain);
      assert.deepEqual(before.map((c) => c.lang), FENCES.map((f) => `language-${f.lang}`));
      assert.deepEqual(before.map((c) => c.text), FENCES.map((f) => f.code), "plain code blocks hold the fences' text");
      assert.ok(before.every((c) => c.spans === 0), "without plug-ins code is plain");
      if (support.blocks) {
        await page.waitForFunction(() => document.querySelectorAll(".turn:nth-child(2) .mermaid-diagram svg").length === 1, null, { timeout: 20_000 });
        assert.equal(await shown.locator("code.language-mermaid").count(), 0, "the diagram replaces its code block");
      }
      const after = await codeTexts(shown);
      const expected = before.filter((c) => !(support.blocks && c.lang === "language-mermaid"));
      assert.deepEqual(after.map((c) => [c.lang, c.text]), expected.map((c) => [c.lang, c.text]), "code text unchanged by highlighting");
      if (support.highlight) {
        const coloured = await shown.evaluate((a) => [...a.querySelectorAll("pre > code")].filter((c) => !c.classList.contains("language-mermaid"))
          .map((c) => new Set([...c.querySelectorAll("span[style*=color]")].map((s) => s.style.color)).size));
        assert.ok(coloured.every((n) => n >= 3), `every highlighted block has several colours: ${coloured}`);
      } else {
        assert.ok(after.every((c) => c.spans === 0), "a build without `highlight` leaves code plain");
      }

      // Math: KaTeX in place of every TeX span, or the TeX as text.
      const tex = await plain.evaluate((a) => ({
        inline: a.querySelectorAll('[data-math-style="inline"]').length,
        display: [...a.querySelectorAll('[data-math-style="display"]')].map((e) => e.textContent.trim()),
      }));
      assert.ok(tex.inline >= 8, `inline math elements: ${tex.inline}`);
      assert.deepEqual(tex.display, ["P(\\text{reject}) \\approx \\left(\\frac{\\lambda}{r}\\right)^{C}"]);
      if (support.math) {
        assert.equal(await shown.locator(".katex").count(), tex.inline + tex.display.length, "every formula typeset");
        assert.equal(await shown.locator(".katex-display").count(), tex.display.length, "the display formula as display");
        assert.equal(await shown.locator(".rillmark-math-error").count(), 0, "no formula of this answer fails");
      } else {
        assert.equal(await shown.locator(".katex").count(), 0);
        assert.deepEqual(await shown.locator('[data-math-style="display"]').allTextContents().then((t) => t.map((x) => x.trim())), tex.display,
          "a build without `math` shows the TeX source");
      }
      if (!support.blocks) {
        assert.match(await shown.locator("code.language-mermaid").textContent(), /^flowchart LR\n/, "a build without `blocks` shows the diagram's code");
      }

      // Copy buttons: rillmark's (codeActions) or the page's own.
      if (support.codeActions) {
        assert.equal(await shown.locator("[data-demo=codeblock]").count(), 0, "the page adds no chrome of its own");
        assert.equal(await shown.locator(".rillmark-code-actions").count(), expected.length, "one action bar per code block");
        assert.equal(await shown.locator(".rillmark-lang").first().textContent(), expected[0].lang.slice("language-".length));
        await shown.locator(".rillmark-copy").first().click();
        await page.waitForFunction((want) => navigator.clipboard.readText().then((t) => t === want), expected[0].text);
      } else {
        assert.equal(await shown.locator("[data-demo=codeblock] button.copy").count(), expected.length, "the page's copy buttons");
      }
      await screenshot(page, "demo-plugins.png", page.locator(".turn").nth(1));
      assert.deepEqual(external, [], "nothing is fetched from outside 127.0.0.1");
      assert.deepEqual(problems, [], "the page should log no errors");
    }));

  test("the picker: highlight.js colours through its classes; off passes no plug-in option and hides the note", () =>
    withPage(env.browser, {}, async ({ page, problems }) => {
      await open(page, "answer=plugins&speed=0&plugins=hljs");
      const support = await page.evaluate(() => window.rillmarkDemo.pluginSupport);
      const o = await page.evaluate(() => window.rillmarkDemo.send({ prompt: "x" }));
      assert.equal(o.status, "done");
      const python = page.locator(".turn:last-child .answer code.language-python");
      if (support.highlight) {
        assert.ok(await python.locator("span.hljs-keyword").count() >= 5, "Python keywords carry highlight.js's class");
        const colour = await python.locator("span.hljs-keyword").first().evaluate((s) => getComputedStyle(s).color);
        assert.notEqual(colour, await python.evaluate((c) => getComputedStyle(c).color), "its stylesheet colours them");
      } else {
        assert.equal(await python.locator("span").count(), 0, "a build without `highlight` leaves code plain");
      }
      await page.selectOption("#plugins", "off");
      assert.equal(await page.locator("#plugins-note").isHidden(), true, "no note with plug-ins off");
      await page.evaluate(() => window.rillmarkDemo.send({ prompt: "x" }));
      assert.equal(await page.locator(".turn:last-child").getAttribute("data-plugins"), "none");
      assert.equal(await page.locator(".turn:last-child .answer code.language-python span").count(), 0);
      assert.deepEqual(problems, []);
    }));
});
