// The demo chat page (www/index.html) against the replay server, in headless Chromium.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { ROOT, clearRequests, eventually, requests, screenshot, setUp, withPage } from "./helpers.mjs";

const ANSWERS = path.join(ROOT, "www", "answers");
let env;

before(async () => {
  env = await setUp();
});
after(async () => {
  await env?.close();
});

/** Opens the demo with `query`, waits for the wasm module, sends a prompt; returns the new turn's locators. */
async function startTurn(page, query) {
  await page.goto(`${env.url}/?${query}`);
  await page.waitForSelector("body[data-ready=true]", { timeout: 15_000 });
  await page.fill("#prompt", "Show me what you can do");
  await page.click("#send");
  const turn = page.locator(".turn").last();
  return { turn, answer: turn.locator(".answer") };
}

async function outcomeOf(turn, timeout = 30_000) {
  await turn.locator(".status[data-outcome]").waitFor({ timeout });
  return turn.getAttribute("data-outcome");
}

describe("demo page", () => {
  test("streams an answer from the server into the DOM and ends with outcome done", () =>
    withPage(env.browser, {}, async ({ page, problems }) => {
      const { turn, answer } = await startTurn(page, "answer=tour&speed=400&seed=7");
      // Part of the answer is on screen while the rest is still on the wire.
      await page.waitForFunction(() => {
        const t = document.querySelector(".turn:last-child");
        return t && !t.dataset.outcome && t.querySelector(".answer").textContent.length > 20;
      }, null, { timeout: 15_000 });

      assert.equal(await outcomeOf(turn), "done", "the stream should end with outcome done");
      assert.match(await turn.locator(".status").textContent(), /^done/, "the status line should say done");

      assert.equal(await answer.locator("h2").first().textContent(), "A quick tour of streaming markdown");
      assert.ok(await answer.locator("strong").count() >= 3, "should render bold text as <strong>");
      assert.ok(await answer.locator("em").count() >= 2, "should render italic text as <em>");
      assert.equal(await answer.locator('a[href="https://spec.commonmark.org/0.31.2/"]').count(), 1,
        "should render the spec link with its href");
      assert.equal(await answer.locator("ol > li > ul > li > ul > li").count(), 1, "should nest lists three deep");
      assert.equal(await answer.locator("blockquote blockquote").count(), 1, "should nest a quote in a quote");

      const table = answer.locator("table");
      assert.equal(await table.count(), 1, "should render one <table>");
      assert.equal(await table.locator("thead th").count(), 4, "the table should have 4 header cells");
      assert.equal(await table.locator("tbody tr").count(), 3, "the table should have 3 body rows, no phantom rows");
      assert.equal((await table.locator("tbody tr").last().locator("td").last().textContent()).trim(), "yes");

      const code = answer.locator("pre > code.language-rust");
      assert.equal(await code.count(), 1, 'should render the fence as <pre><code class="language-rust">');
      assert.match(await code.textContent(), /println!\("\{text:\?\}"\);/);
      assert.match(await answer.textContent(), /That is the whole idea/, "should render the last paragraph");

      const outcome = await page.evaluate(() => window.rillmarkDemo.outcomes.at(-1));
      assert.equal(outcome.status, "done");
      assert.ok(outcome.bytes > 1900, `the outcome should count the body bytes, got ${outcome.bytes}`);

      await screenshot(page, "demo-done.png", turn);
      assert.deepEqual(problems, [], "the page should log no errors");
    }));

  test("Stop mid-stream keeps the partial answer, ends with aborted and closes the connection", () =>
    withPage(env.browser, {}, async ({ page, problems }) => {
      await clearRequests(env.url);
      const { turn, answer } = await startTurn(page, "answer=compare&speed=40&seed=3");
      await page.waitForFunction(
        () => document.querySelector(".turn:last-child .answer")?.textContent.length > 80, null, { timeout: 15_000 });
      // Watch the answer for mutations from the moment cancel() has returned (this listener runs after the app's).
      await page.evaluate(() => {
        document.querySelector("#stop").addEventListener("click", () => {
          const seen = (window.mutationsAfterStop = []);
          new MutationObserver((records) => seen.push(...records.map((r) => r.type)))
            .observe(document.querySelector(".turn:last-child .answer"), {
              childList: true, subtree: true, characterData: true, attributes: true,
            });
        });
      });
      await page.click("#stop");
      const stoppedAt = Date.now();

      assert.equal(await outcomeOf(turn, 5_000), "aborted", "Stop should end the stream with outcome aborted");
      const partial = await answer.textContent();
      const full = fs.readFileSync(path.join(ANSWERS, "compare.md"), "utf8");
      assert.ok(partial.length > 80, "the partial answer should stay in the DOM");
      assert.ok(partial.length < full.length * 0.8, `the answer should be cut short (${partial.length} chars)`);

      await page.waitForTimeout(400);
      assert.equal(await answer.textContent(), partial, "the answer should not change after Stop");
      assert.deepEqual(await page.evaluate(() => window.mutationsAfterStop), [],
        "no DOM mutation should happen after cancel() returns");

      const record = await eventually(async () => {
        const chats = (await requests(env.url)).filter((r) => r.path.startsWith("/api/chat"));
        return chats.length === 1 && chats[0].endedAt ? chats[0] : null;
      }, { message: "the server should see the request end" });
      assert.equal(record.clientClosedEarly, true, "the server should see the client close the connection");
      assert.equal(record.completed, false, "the server should not have finished the answer");
      assert.ok(record.tokensSent < record.tokensTotal, "the connection should close before the last token");
      assert.ok(record.endedAt - stoppedAt < 2_000, "the connection should close promptly after Stop");
      assert.match(await turn.locator(".status").textContent(), /^aborted/);
      assert.deepEqual(problems, [], "the page should log no errors");
    }));

  for (const dialect of ["anthropic", "ollama"]) {
    test(`renders the ${dialect} wire format with outcome done`, () =>
      withPage(env.browser, {}, async ({ page, problems }) => {
        const { turn, answer } = await startTurn(page, `answer=i18n&dialect=${dialect}&speed=0`);
        assert.equal(await outcomeOf(turn), "done");
        const text = await answer.textContent();
        assert.match(text, /流式渲染的关键是增量更新/, "CJK split across byte boundaries should arrive intact");
        assert.match(text, /👨‍👩‍👧‍👦/u, "a 7-code-point emoji should arrive intact");
        assert.doesNotMatch(text, /\uFFFD/, "no replacement characters");
        assert.equal(await answer.locator("table tbody tr").count(), 5);
        if (dialect === "anthropic") await screenshot(page, "demo-i18n.png", turn);
        assert.deepEqual(problems, [], "the page should log no errors");
      }));
  }

  test("renders plain text bodies", () =>
    withPage(env.browser, {}, async ({ page, problems }) => {
      const { turn, answer } = await startTurn(page, "answer=code&dialect=plain&speed=0");
      // Plain text has no terminal marker: end of body is its normal end.
      assert.match(await outcomeOf(turn), /^(done|incomplete)$/);
      assert.equal(await answer.locator("pre > code.language-python").count(), 1);
      assert.equal(await answer.locator("pre > code.language-js").count(), 1);
      assert.equal(await answer.locator("script").count(), 0, "inline `<script>` must stay text");
      assert.deepEqual(problems, [], "the page should log no errors");
    }));

  const faults = [
    { fault: "status=500", outcome: "error", kind: "http", allow: [/status of 500/] },
    { fault: "errorAfter=50", outcome: "error", kind: "provider", allow: [] },
    { fault: "cutAfter=50", outcome: "incomplete", allow: [] },
    { fault: "dropAfter=50", outcome: "error", kind: "network", allow: [/ERR_INCOMPLETE_CHUNKED_ENCODING|network/i] },
  ];
  for (const { fault, outcome, kind, allow } of faults) {
    test(`reports ${fault} as outcome ${outcome}${kind ? ` (${kind})` : ""}`, () =>
      withPage(env.browser, { allow }, async ({ page, problems }) => {
        const { turn, answer } = await startTurn(page, `answer=tour&speed=500&fault=${encodeURIComponent(fault)}`);
        assert.equal(await outcomeOf(turn), outcome);
        const result = await page.evaluate(() => window.rillmarkDemo.outcomes.at(-1));
        if (kind) assert.equal(result.error?.kind, kind, `error kind should be ${kind}: ${JSON.stringify(result)}`);
        if (fault === "status=500") assert.equal(result.error?.status, 500);
        else assert.ok((await answer.textContent()).length > 0, "what arrived before the fault should be kept");
        assert.deepEqual(problems, [], "the page should log no unexpected errors");
      }));
  }
});
