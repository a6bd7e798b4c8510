// The demo chat page (www/index.html) against the replay server, in headless Chromium: the main flow through the
// form, Stop, every dialect through fetch() and stream(), every fault, scrolling, copy, images, pass-through.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { startServer } from "../../www/server.mjs";
import { ROOT, clearRequests, eventually, requests, screenshot, setUp, withPage } from "./helpers.mjs";

const ANSWERS = path.join(ROOT, "www", "answers");
let env;

before(async () => {
  env = await setUp();
});
after(async () => {
  await env?.close();
});

export const DIALECTS = {
  openai: { type: "text/event-stream; charset=utf-8", reason: "stop", reasoning: true },
  "openai-responses": { type: "text/event-stream; charset=utf-8", reason: "completed", reasoning: true },
  anthropic: { type: "text/event-stream; charset=utf-8", reason: "end_turn", reasoning: true },
  gemini: { type: "text/event-stream", reason: "STOP", reasoning: true },
  ollama: { type: "application/x-ndjson", reason: "stop", reasoning: true },
  vercel: { type: "text/event-stream", reason: "stop", reasoning: true },
  "vercel-legacy": { type: "text/plain; charset=utf-8", reason: "stop", reasoning: true },
  llamacpp: { type: "text/event-stream", reason: "eos", reasoning: false },
  plain: { type: "text/plain; charset=utf-8", reason: undefined, reasoning: false },
};
const NAMES = Object.keys(DIALECTS);

/** Opens the demo with `query` and waits for the wasm module. */
async function open(page, query = "", base = env.url) {
  await page.goto(`${base}/?${query}`);
  await page.waitForSelector("body[data-ready=true]", { timeout: 15_000 });
}

/** Opens the demo, types a prompt and clicks Send; returns the new turn's locators. */
async function startTurn(page, query) {
  await open(page, query);
  await page.fill("#prompt", "Show me what you can do");
  await page.click("#send");
  const turn = page.locator(".turn").last();
  return { turn, answer: turn.locator(".answer") };
}

async function outcomeOf(turn, timeout = 30_000) {
  await turn.locator(".status[data-outcome]").waitFor({ timeout });
  return turn.getAttribute("data-outcome");
}

/** Runs one answer through the page's own send() (no form), returning the outcome with its message and metrics. */
const send = (page, options) => page.evaluate((o) => window.rillmarkDemo.send({ prompt: "x", ...o }), options);
const newChat = (page) => page.evaluate(() => window.rillmarkDemo.newChat());
const lastTurnText = (page, selector = ".answer") =>
  page.evaluate((s) => document.querySelector(`.turn:last-child ${s}`)?.textContent ?? "", selector);

// Mutations that are rillmark's (the page's own chrome, added after the outcome, carries data-demo).
const WATCH_RILLMARK_MUTATIONS = () => {
  const seen = (window.mutationsAfterStop = []);
  const ours = (node) => node?.nodeType === 1 && (node.closest("[data-demo]") !== null);
  new MutationObserver((records) => {
    for (const r of records) {
      const nodes = [...r.addedNodes, ...r.removedNodes];
      if (ours(r.target) || (nodes.length && nodes.every((n) => ours(n) || (n.nodeName === "PRE" && ours(n.parentElement))))) continue;
      if (r.type === "attributes" && ["tabindex", "role", "title"].includes(r.attributeName)) continue; // keyboard access
      seen.push(`${r.type} on ${r.target.nodeName}`);
    }
  }).observe(document.querySelector(".turn:last-child .answer"), {
    childList: true, subtree: true, characterData: true, attributes: true,
  });
};

describe("demo page", () => {
  test("the main flow: Send streams an answer with reasoning and a caret, ends done, fills the metrics", () =>
    withPage(env.browser, {}, async ({ page, problems, external }) => {
      const { turn, answer } = await startTurn(page, "answer=tour&dialect=anthropic&speed=400&seed=7&plugins=off");
      // Part of the answer is on screen, with the caret after it, while the rest is still on the wire.
      const caret = await page.waitForFunction(() => {
        const t = document.querySelector(".turn:last-child");
        if (!t || t.dataset.outcome || t.querySelector(".answer").textContent.length < 40) return null;
        const blocks = t.querySelectorAll(".answer > *, .answer > :is(ul, ol) > li, .answer pre code");
        return [...blocks].map((b) => getComputedStyle(b, "::after").content).find((c) => c.includes("▍")) ?? null;
      }, null, { timeout: 15_000 });
      assert.match(await caret.jsonValue(), /▍/, "a caret should follow the text while streaming");
      assert.equal(await page.isDisabled("#send"), true, "Send is disabled while streaming");
      assert.equal(await page.isEnabled("#stop"), true, "Stop is enabled while streaming");

      assert.equal(await outcomeOf(turn), "done", "the stream should end with outcome done");
      assert.match(await turn.locator(".status").textContent(), /^Done \(finish reason: end_turn\)/);

      const reasoning = answer.locator("details.rillmark-reasoning");
      assert.equal(await reasoning.count(), 1, "the reasoning should render in its own <details>");
      assert.match(await reasoning.textContent(), /what is hard/, "the reasoning text should be in it");
      assert.equal(await reasoning.getAttribute("open"), null, "the reasoning should close once the answer starts");

      assert.equal(await answer.locator("h2").first().textContent(), "A quick tour of streaming markdown");
      assert.ok(await answer.locator("strong").count() >= 3, "should render bold text as <strong>");
      assert.equal(await answer.locator('a[href="https://spec.commonmark.org/0.31.2/"]').count(), 1);
      assert.equal(await answer.locator("ol > li > ul > li > ul > li").count(), 1, "should nest lists three deep");
      assert.equal(await answer.locator("blockquote blockquote").count(), 1, "should nest a quote in a quote");
      const table = answer.locator("table");
      assert.equal(await table.locator("thead th").count(), 4, "the table should have 4 header cells");
      assert.equal(await table.locator("tbody tr").count(), 3, "the table should have 3 body rows, no phantom rows");

      // The page's chrome around the finished code block (plug-ins off: with them, rillmark's codeActions make it).
      const block = answer.locator(".codeblock");
      assert.equal(await block.count(), 1);
      assert.equal(await block.locator(".codebar").getAttribute("data-lang"), "rust");
      assert.equal(await block.locator("pre > code.language-rust").count(), 1);
      assert.equal(await block.locator("button.copy").textContent(), "Copy");

      // The metrics panel.
      const metric = (id) => page.locator(`#m-${id}`).textContent();
      assert.match(await metric("ttft"), /^\d[\d,]* ms$/);
      assert.ok(Number((await metric("tokens")).replace(/,/g, "")) > 500, "tokens counted from onEvent");
      assert.match(await metric("tps"), /^\d[\d,]*\.\d$/);
      assert.ok(Number((await metric("bytes")).replace(/,/g, "")) > 50_000, "bytes from the outcome");
      assert.match(await metric("frames"), /^\d[\d,]*$/);
      assert.ok(Number((await metric("mutations")).replace(/,/g, "")) > 50, "DOM mutations from renderer.mutations");
      assert.match(await metric("frame"), /^\d+\.\d\d · \d+\.\d\d ms \(\d+ frames\)$/, "rillmark ms per frame p50 · p99");
      assert.equal(await metric("outcome"), "done");
      const outcome = await page.evaluate(() => window.rillmarkDemo.outcomes.at(-1));
      assert.equal(outcome.status, "done");
      assert.ok(outcome.metrics.frames > 3 && outcome.metrics.frameP99 >= outcome.metrics.frameP50);

      await screenshot(page, "demo-done.png", turn);
      assert.deepEqual(external, [], "nothing may be fetched from outside 127.0.0.1");
      assert.deepEqual(problems, [], "the page should log no errors");
    }));

  for (const api of ["fetch", "stream"]) {
    test(`Stop mid-stream (${api}()) keeps the partial answer, ends aborted and closes the connection`, () =>
      withPage(env.browser, {}, async ({ page, problems }) => {
        await clearRequests(env.url);
        const { turn, answer } = await startTurn(page, `answer=compare&speed=40&seed=3&api=${api}`);
        await page.waitForFunction(
          () => document.querySelector(".turn:last-child .answer")?.textContent.length > 80, null, { timeout: 15_000 });
        // Watch the answer from the moment cancel() has returned (this listener runs after the app's).
        await page.evaluate(`document.querySelector("#stop").addEventListener("click", ${WATCH_RILLMARK_MUTATIONS})`);
        await page.click("#stop");
        const stoppedAt = Date.now();

        assert.equal(await outcomeOf(turn, 5_000), "aborted", "Stop should end the stream with outcome aborted");
        const partial = await answer.textContent();
        const full = fs.readFileSync(path.join(ANSWERS, "compare.md"), "utf8");
        assert.ok(partial.length > 80, "the partial answer should stay in the DOM");
        assert.ok(partial.length < full.length * 0.8, `the answer should be cut short (${partial.length} chars)`);
        await page.waitForTimeout(300);
        assert.equal(await answer.textContent(), partial, "the answer should not change after Stop");
        assert.deepEqual(await page.evaluate(() => window.mutationsAfterStop), [],
          "rillmark should make no DOM mutation after cancel() returns");

        const record = await eventually(async () => {
          const chats = (await requests(env.url)).filter((r) => r.path.startsWith("/api/chat"));
          return chats.length === 1 && chats[0].endedAt ? chats[0] : null;
        }, { message: "the server should see the request end" });
        assert.equal(record.clientClosedEarly, true, "the server should see the client close the connection");
        assert.equal(record.completed, false, "the server should not have finished the answer");
        assert.ok(record.tokensSent < record.tokensTotal, "the connection should close before the last token");
        assert.ok(record.disconnectedAt - stoppedAt < 2_000, "the connection should close promptly after Stop");
        assert.match(await turn.locator(".status").textContent(), /^Stopped: you cancelled the answer/);
        assert.equal(await page.locator("#m-outcome").textContent(), "aborted");
        assert.deepEqual(problems, [], "the page should log no errors");
      }));
  }

  test("every dialect streams to done: fetch() with auto and explicit dialect, stream(Response) with auto", () =>
    withPage(env.browser, {}, async ({ page, problems }) => {
      await open(page);
      await clearRequests(env.url);
      const runs = [];
      for (const dialect of NAMES) {
        for (const [parse, api] of [["auto", "fetch"], ["backend", "fetch"], ["auto", "stream"], ["backend", "stream"]]) {
          const label = `${dialect} parse=${parse} api=${api}`;
          const o = await send(page, { dialect, parse, api, speed: 0, answer: "tour", seed: 11 });
          runs.push(label);
          const want = DIALECTS[dialect];
          assert.equal(o.status, "done", `${label}: ${JSON.stringify(o)}`);
          assert.equal(o.reason, want.reason, `${label}: finish reason`);
          assert.equal(o.malformed, 0, `${label}: no malformed frames`);
          const turn = page.locator(".turn").last();
          assert.equal(await turn.locator(".answer h2").first().textContent(), "A quick tour of streaming markdown", label);
          assert.equal(await turn.locator(".answer table tbody tr").count(), 3, label);
          assert.equal(await turn.locator(".answer pre > code.language-rust").count(), 1, label);
          assert.equal(await turn.locator("details.rillmark-reasoning").count(), want.reasoning ? 1 : 0,
            `${label}: reasoning ${want.reasoning ? "shown" : "absent"}`);
          if (api === "stream") assert.equal(await turn.getAttribute("data-content-type"), want.type, `${label}: content type`);
        }
        await newChat(page);
      }
      const records = (await requests(env.url)).filter((r) => r.path.startsWith("/api/chat"));
      assert.equal(records.length, runs.length);
      for (const r of records) {
        assert.equal(r.contentType, DIALECTS[r.dialect].type, `server content type for ${r.dialect}`);
        assert.equal(r.completed, true);
        assert.equal(r.clientClosedEarly, false, `${r.dialect}: the client should read to the end`);
      }
      assert.deepEqual(problems, [], "the page should log no errors");
    }));

  // Each fault: its expected outcome per dialect. `partial`: the answer received before the fault stays rendered.
  const notFor = (names, other) => (d) => (names.includes(d) ? other : null);
  const FAULTS = [
    { name: "connection dropped mid-stream", fault: "dropAfter=30", dialects: NAMES,
      expect: { status: "error", kind: "network" }, message: /^The connection failed mid-stream: .+ The part that arrived is kept above\.$/,
      partial: true, allow: [/ERR_INCOMPLETE_CHUNKED_ENCODING|network/i] },
    { name: "stall for 1 s", fault: "stall=1000&stallAfter=10", dialects: ["openai", "ollama"], speed: 0,
      expect: { status: "done" }, message: /^Done/, minMs: 950 },
    { name: "malformed frame", fault: "malformedAfter=10", dialects: NAMES, expect: { status: "done", malformed: 1 },
      message: /^Done.* 1 malformed frame was skipped\.$/, other: notFor(["plain"], { status: "done", malformed: 0 }) },
    { name: "HTTP 429 with a JSON error body", fault: "status=429", dialects: NAMES,
      expect: { status: "error", kind: "http", status_: 429 }, message: /^HTTP 429.*Rate limit reached/,
      allow: [/status of 429/] },
    { name: "HTTP 500 with a JSON error body", fault: "status=500", dialects: NAMES,
      expect: { status: "error", kind: "http", status_: 500 }, message: /^HTTP 500.*error while processing/,
      allow: [/status of 500/] },
    { name: "provider error event mid-stream", fault: "errorAfter=30", dialects: NAMES,
      expect: { status: "error", kind: "provider" }, partial: true,
      message: /^The provider reported an error mid-stream: The model is overloaded .* The part that arrived is kept above\.$/,
      // Plain text cannot carry an error event: the body just ends, which is plain text's normal end.
      other: notFor(["plain"], { status: "done" }) },
    { name: "byte-at-a-time drip", fault: "drip=1", dialects: ["gemini", "anthropic", "vercel-legacy"],
      answer: "hello", expect: { status: "done" }, message: /^Done/, exact: true },
    { name: "a 1 MB single line", fault: "bigLine=1", dialects: ["openai", "vercel-legacy", "plain"],
      expect: { status: "done" }, message: /^Done/, minText: 1 << 20 },
    { name: "a 5 MB single line (over the 4 MiB line bound)", fault: "bigLine=5", dialects: ["openai", "ollama"],
      expect: { status: "error", kind: "overflow" }, message: /^The stream could not be read: .*exceeded/, partial: true },
    { name: "wrong content-type (application/octet-stream)", fault: "contentType=application/octet-stream",
      dialects: NAMES, expect: { status: "done" }, message: /^Done/ },
    { name: "missing terminal marker", fault: "noEnd=1", dialects: NAMES, expect: { status: "incomplete" },
      message: /^Incomplete: the stream ended without its end marker.* The part that arrived is kept above\.$/,
      other: notFor(["plain"], { status: "done" }) },
    { name: "body cut mid-answer", fault: "cutAfter=30", dialects: NAMES, expect: { status: "incomplete" },
      message: /^Incomplete: /, partial: true, other: notFor(["plain"], { status: "done" }) },
  ];
  for (const f of FAULTS) {
    test(`fault: ${f.name} (${f.fault}) → ${f.expect.status}${f.expect.kind ? ` (${f.expect.kind})` : ""}`, () =>
      withPage(env.browser, { allow: f.allow ?? [] }, async ({ page, problems }) => {
        await open(page);
        const answerName = f.answer ?? "lists";
        const source = fs.readFileSync(path.join(ANSWERS, `${answerName}.md`), "utf8");
        for (const dialect of f.dialects) {
          const want = f.other?.(dialect) ?? f.expect;
          const t0 = Date.now();
          const o = await send(page, { dialect, speed: f.speed ?? 0, answer: answerName, fault: f.fault, seed: 5 });
          const label = `${dialect} ${f.fault}: ${JSON.stringify(o)}`;
          assert.equal(o.status, want.status, label);
          if (want.kind) assert.equal(o.error?.kind, want.kind, label);
          if (want.status_) assert.equal(o.error?.status, want.status_, label);
          if (want.malformed !== undefined) assert.equal(o.malformed, want.malformed, label);
          if (f.minMs) assert.ok(Date.now() - t0 >= f.minMs, `${label}: should stall`);
          const status = await lastTurnText(page, ".status");
          if (want === f.expect) assert.match(status, f.message, `${dialect}: the page should say what happened`);
          assert.equal(await page.locator(".turn:last-child").getAttribute("data-outcome"), want.status);
          const shown = await lastTurnText(page);
          if (f.partial && want === f.expect) {
            assert.ok(o.textLength > 0 && shown.length > 20, `${label}: the partial answer should stay rendered`);
            assert.ok(o.textLength < source.length, `${label}: it is partial`);
          }
          if (f.exact) assert.equal(await page.evaluate(() => window.rillmarkDemo.outcomes.at(-1).textLength), source.length);
          if (f.exact) assert.match(shown, /你好，世界 · こんにちは · 안녕하세요 · 🚀✨👩‍💻/u, `${dialect}: multi-byte text intact`);
          if (f.minText) assert.ok(o.textLength > f.minText, `${label}: the long line should arrive whole`);
          assert.doesNotMatch(shown, /\uFFFD/, `${dialect}: no replacement characters`);
          await newChat(page);
        }
        assert.deepEqual(problems, [], "the page should log no unexpected errors");
      }));
  }

  test("the fault menu: HTTP 429 chosen in the page shows its message in the transcript and the metrics panel", () =>
    withPage(env.browser, { allow: [/status of 429/] }, async ({ page, problems }) => {
      await open(page, "answer=hello&speed=0");
      await page.selectOption("#fault", "status=429");
      await page.selectOption("#dialect", "gemini");
      await page.fill("#prompt", "hi");
      await page.click("#send");
      const turn = page.locator(".turn").last();
      assert.equal(await outcomeOf(turn), "error");
      assert.match(await turn.locator(".status").textContent(), /^HTTP 429.*Rate limit reached/);
      assert.equal(await page.locator("#m-outcome").textContent(), "error");
      assert.match(await page.locator("#m-message").textContent(), /HTTP 429/);
      assert.deepEqual(problems, []);
    }));

  test("several answers share one transcript; New chat clears it", () =>
    withPage(env.browser, {}, async ({ page, problems }) => {
      // Plug-ins off: the math elements keep their TeX (plugins.test.mjs covers KaTeX).
      await open(page, "speed=0&dialect=ollama&plugins=off");
      for (const prompt of ["say hello", "show me math"]) {
        await page.fill("#prompt", prompt);
        await page.click("#send");
        await page.locator(".turn").last().locator(".status[data-outcome]").waitFor();
      }
      assert.equal(await page.locator(".turn").count(), 2);
      assert.equal(await page.locator(".turn").first().locator(".answer h1").textContent(), "Hello 👋");
      const math = page.locator(".turn").last().locator(".answer");
      assert.equal(await math.locator("h1").textContent(), "Math, footnotes and references");
      // Math arrives as elements holding the TeX source, for the page's typesetter (KaTeX, MathJax).
      assert.match(await math.locator('[data-math-style="display"]').first().textContent(), /\\sum_\{k=1\}\^\{n\} k = \\frac\{n\(n\+1\)\}\{2\}/, "display math element with its source");
      const inline = await math.locator('[data-math-style="inline"]').allTextContents();
      assert.ok(inline.includes("e^{i\\pi} + 1 = 0"), `inline math element with its source: ${JSON.stringify(inline)}`);
      assert.ok(await math.locator("section.footnotes li, .footnotes li").count() >= 3, "footnotes rendered");
      assert.equal(await math.locator('a[href="https://spec.commonmark.org/0.31.2/"]').count(), 1, "a late reference definition resolves");
      await page.click("#reset");
      assert.equal(await page.locator(".turn").count(), 0);
      assert.equal(await page.locator("#m-outcome").textContent(), "–");
      assert.deepEqual(problems, []);
    }));

  test("stick-to-bottom follows the stream, releases on scroll-up and re-engages at the bottom", () =>
    withPage(env.browser, { viewport: { width: 1100, height: 700 } }, async ({ page, problems }) => {
      await open(page, "answer=longcode&speed=150&seed=2&dialect=vercel-legacy");
      await page.fill("#prompt", "a long one");
      await page.click("#send");
      const gap = () => page.evaluate(() => {
        const log = document.querySelector("#log");
        return { gap: log.scrollHeight - log.scrollTop - log.clientHeight, top: log.scrollTop, stuck: window.rillmarkDemo.stuck };
      });
      await page.waitForFunction(() => document.querySelector("#log").scrollHeight > document.querySelector("#log").clientHeight + 300);
      await page.waitForTimeout(200);
      let s = await gap();
      assert.ok(s.stuck && s.gap < 60, `should follow the stream at the bottom: ${JSON.stringify(s)}`);

      await page.mouse.move(400, 400);
      const before = await gap();
      await page.mouse.wheel(0, -400);
      await page.waitForFunction(() => window.rillmarkDemo.stuck === false);
      // The wheel event (which releases) fires before the browser applies its scroll, and under load the scroll can
      // land later still: wait until the log has moved up and then held still for two frames before reading.
      await page.waitForFunction((from) => document.querySelector("#log").scrollTop <= from - 200, before.top);
      const heldStill = () => page.evaluate(() => new Promise((done) => {
        const log = document.querySelector("#log");
        const top = log.scrollTop;
        requestAnimationFrame(() => requestAnimationFrame(() => done(log.scrollTop === top)));
      }));
      while (!(await heldStill()));
      const released = await gap();
      await page.waitForTimeout(600);
      s = await gap();
      assert.equal(s.stuck, false);
      assert.ok(Math.abs(s.top - released.top) < 2, `should stay where the reader scrolled: ${released.top} → ${s.top}`);
      assert.ok(s.gap > released.gap, "the answer should keep growing below");
      assert.equal(await page.isVisible("#jump"), true, "a jump-to-latest button should appear");

      await page.evaluate(() => { const log = document.querySelector("#log"); log.scrollTop = log.scrollHeight; });
      await page.waitForFunction(() => window.rillmarkDemo.stuck === true);
      await page.waitForTimeout(400);
      s = await gap();
      assert.ok(s.stuck && s.gap < 60, `should follow again after returning to the bottom: ${JSON.stringify(s)}`);
      assert.equal(await page.isVisible("#jump"), false);
      await page.click("#stop");
      assert.deepEqual(problems, []);
    }));

  test("the copy button copies the code block's text (plug-ins off: the page's own button)", () =>
    withPage(env.browser, { permissions: ["clipboard-read", "clipboard-write"] }, async ({ page, problems }) => {
      await open(page, "answer=code&speed=0&dialect=openai-responses&plugins=off");
      await page.fill("#prompt", "code please");
      await page.click("#send");
      await page.locator(".turn .status[data-outcome=done]").waitFor();
      const block = page.locator(".codeblock").filter({ has: page.locator("code.language-python") });
      assert.equal(await block.locator(".codebar").getAttribute("data-lang"), "python");
      await block.locator("button.copy").click();
      await page.waitForFunction(() => document.querySelector(".codeblock:has(code.language-python) button.copy").textContent === "Copied");
      const copied = await page.evaluate(() => navigator.clipboard.readText());
      const code = await block.locator("code").textContent();
      assert.equal(copied, code);
      assert.match(copied, /^import asyncio\n\nasync def batched/);
      assert.deepEqual(problems, []);
    }));

  test("images are click-to-load placeholders; nothing is fetched until clicked; only http(s) loads", () =>
    withPage(env.browser, {}, async ({ page, problems, external }) => {
      // The external image is answered here, so the test never leaves the machine.
      const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="30"><rect width="40" height="30" fill="teal"/></svg>';
      const fetched = [];
      await page.route("https://upload.wikimedia.org/**", (route) => {
        fetched.push(route.request().url());
        return route.fulfill({ status: 200, contentType: "image/svg+xml", body: svg });
      });
      await open(page, "answer=media&speed=300&seed=4&dialect=openai");
      await page.fill("#prompt", "images");
      await page.click("#send");
      // Clicked while streaming: queued until the answer ends (rillmark owns the nodes until then).
      const local = page.locator('span.rillmark-image[data-src="/img/pipeline.svg"]');
      await local.waitFor({ timeout: 15_000 });
      if ((await page.locator(".turn").getAttribute("data-state")) === "streaming") {
        await local.click();
        assert.equal(await local.getAttribute("data-queued"), "true");
      }
      await page.locator(".turn .status[data-outcome=done]").waitFor();
      if (await local.count()) await local.click();
      const img = page.locator('img[data-demo=loaded-image][src$="/img/pipeline.svg"]');
      await img.waitFor();
      await page.waitForFunction(() => document.querySelector("img[data-demo=loaded-image]")?.naturalWidth > 0);
      assert.equal(fetched.length, 0, "the external image should not be fetched before a click");

      const remote = page.locator("span.rillmark-image[data-src^='https://upload.wikimedia.org/']");
      assert.equal(await remote.count(), 1);
      await remote.click();
      await page.waitForFunction(() => [...document.images].some((i) => i.src.startsWith("https://upload.wikimedia.org/") && i.naturalWidth === 40));
      assert.equal(fetched.length, 1);

      const answer = page.locator(".turn .answer");
      assert.equal(await answer.locator("script").count(), 0, "raw <script> stays text");
      assert.equal(await answer.locator("img:not([data-demo])").count(), 0, "no image is rillmark's own <img>");
      assert.equal(await answer.locator('a[href^="javascript:"]').count(), 0, "javascript: links are refused");
      assert.match(await answer.textContent(), /<script>alert\(1\)<\/script>/, "raw HTML is shown as text");
      for (const a of await answer.locator("a[href]").all()) assert.match(await a.getAttribute("rel"), /noopener/);
      assert.deepEqual(external, [], "nothing else may leave the machine");
      assert.deepEqual(problems, []);
    }));

  test("pass-through: a live endpoint (here a second replay server on 127.0.0.1) streams through, and Stop reaches it", () =>
    withPage(env.browser, {}, async ({ page, problems }) => {
      const upstream = await startServer({ port: 0, upstream: null });
      const proxy = await startServer({ port: 0, upstream: { url: `${upstream.url}/v1`, kind: "openai", model: "replay", key: "sk-test" } });
      try {
        await open(page, "", proxy.url);
        assert.equal(await page.locator('#dialect option[value="upstream"]').count(), 1, "the page offers the live model");
        const o = await send(page, { dialect: "upstream", prompt: "say hello" });
        assert.equal(o.status, "done", JSON.stringify(o));
        assert.equal(await page.locator(".turn:last-child .answer h1").textContent(), "Hello 👋");
        assert.equal(upstream.records.at(-1).path, "/v1/chat/completions");
        assert.equal(upstream.records.at(-1).completed, true);

        const pending = send(page, { dialect: "upstream", prompt: "longcode please" });
        await page.waitForFunction(() => document.querySelector(".turn:last-child .answer")?.textContent.length > 40);
        await page.click("#stop");
        assert.equal((await pending).status, "aborted");
        const seen = await eventually(() => upstream.records.at(-1).endedAt && upstream.records.at(-1),
          { message: "the upstream request should end" });
        assert.equal(seen.clientClosedEarly, true, "the upstream should see the connection close");
        assert.equal(proxy.records.at(-1).clientClosedEarly, true);
      } finally {
        await proxy.close();
        await upstream.close();
      }
      assert.deepEqual(problems, []);
    }));
});
