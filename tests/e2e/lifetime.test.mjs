// A renderer's lifetime against a real server (the replay dev server): free() mid-stream, as a component that
// unmounts does it, must close the connection (the model stops generating), settle the promise `aborted` and leave
// the DOM as it was; and a Response whose fetch the host aborted with its own signal ends `aborted`.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { clearRequests, eventually, requests, setUp, withPage } from "./helpers.mjs";

let env;
before(async () => {
  env = await setUp();
});
after(async () => {
  await env?.close();
});

/** A page with the package loaded and an empty `#out` container. */
async function loadPackage(page) {
  await page.goto(`${env.url}/minimal.html`);
  await page.waitForSelector("body[data-state=rendered]", { timeout: 15_000 });
  await page.evaluate(async () => {
    const mod = await import("/pkg/rillmark.js");
    await mod.default();
    window.rillmark = mod;
    document.querySelector("#out").replaceChildren();
  });
}

/** The one /api/chat request the server saw, once it ended. */
async function chatRecord() {
  return eventually(async () => {
    const chats = (await requests(env.url)).filter((r) => r.path.startsWith("/api/chat"));
    return chats.length === 1 && chats[0].endedAt ? chats[0] : null;
  }, { message: "the server should see the request end" });
}

for (const api of ["fetch", "stream"]) {
  test(`free() mid-stream (${api}()) closes the connection, settles aborted and changes the DOM no more`, () =>
    withPage(env.browser, {}, async ({ page, problems }) => {
      await clearRequests(env.url);
      await loadPackage(page);
      await page.evaluate(async (api) => {
        const out = document.querySelector("#out");
        const renderer = new window.rillmark.Renderer(out);
        const url = "/api/chat?answer=compare&speed=40&seed=3";
        const pending = api === "fetch" ? renderer.fetch(url) : renderer.stream(await fetch(url));
        window.freed = { renderer, status: pending.then((outcome) => outcome.status) };
      }, api);
      await page.waitForFunction(() => document.querySelector("#out").textContent.length > 80, null, { timeout: 15_000 });
      const freedAt = Date.now();
      const seen = await page.evaluate(async () => {
        const out = document.querySelector("#out");
        const mutations = [];
        const observer = new MutationObserver((list) => mutations.push(...list));
        observer.observe(out, { subtree: true, childList: true, characterData: true, attributes: true });
        window.freed.renderer.free();
        // free() cancels first, and cancel() flushes the text that had arrived into the DOM before it returns (the
        // README's contract): only what happens after it returns is counted.
        observer.takeRecords();
        const text = out.textContent;
        const status = await window.freed.status;
        await new Promise((resolve) => setTimeout(resolve, 300));
        mutations.push(...observer.takeRecords());
        return { status, text, textAfter: out.textContent, mutations: mutations.length };
      });
      assert.equal(seen.status, "aborted", "the promise of a freed renderer should settle aborted");
      assert.ok(seen.text.length > 80, "what arrived should stay in the DOM");
      assert.equal(seen.textAfter, seen.text, "the DOM should not change after free()");
      assert.equal(seen.mutations, 0, "rillmark should make no DOM mutation after free() returns");

      const record = await chatRecord();
      assert.equal(record.clientClosedEarly, true, "the server should see the client close the connection");
      assert.equal(record.completed, false, "the server should not have finished the answer");
      assert.ok(record.tokensSent < record.tokensTotal, "the connection should close before the last token");
      assert.ok(record.disconnectedAt - freedAt < 2_000, "the connection should close promptly after free()");
      assert.deepEqual(problems, [], "the page should log no errors");
    }));
}

test("a Response whose fetch the host aborted with its own signal ends aborted", () =>
  withPage(env.browser, {}, async ({ page, problems }) => {
    await clearRequests(env.url);
    await loadPackage(page);
    await page.evaluate(async () => {
      const out = document.querySelector("#out");
      const renderer = new window.rillmark.Renderer(out);
      const host = new AbortController();
      const response = await fetch("/api/chat?answer=compare&speed=40&seed=3", { signal: host.signal });
      window.hostAbort = { host, status: renderer.stream(response).then((outcome) => outcome.status) };
    });
    await page.waitForFunction(() => document.querySelector("#out").textContent.length > 80, null, { timeout: 15_000 });
    const status = await page.evaluate(async () => {
      window.hostAbort.host.abort();
      return window.hostAbort.status;
    });
    assert.equal(status, "aborted", "a body the host aborted should end aborted, not as a network error");
    const record = await chatRecord();
    assert.equal(record.clientClosedEarly, true, "the server should see the client close the connection");
    assert.deepEqual(problems, [], "the page should log no errors");
  }));
