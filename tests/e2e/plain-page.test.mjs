// The smallest use of the package, www/minimal.html: `import init, { Renderer } from "/pkg/rillmark.js"`, then
// write() in 1–4 character pieces and finish(). No replay server API involved.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { screenshot, setUp, withPage } from "./helpers.mjs";

let env;
before(async () => {
  env = await setUp();
});
after(async () => {
  await env?.close();
});

test("a static page renders written markdown with write() and finish()", () =>
  withPage(env.browser, {}, async ({ page, problems }) => {
    await page.goto(`${env.url}/minimal.html`);
    await page.waitForSelector("body[data-state=rendered]", { timeout: 15_000 });
    const out = page.locator("#out");

    assert.equal(await out.locator("h1").textContent(), "Hello, streaming");
    assert.equal(await out.locator("h1 > em").textContent(), "streaming");
    assert.equal(await out.locator("p strong").textContent(), "bold");
    const link = out.locator('a[href="https://example.com/"]');
    assert.equal(await link.textContent(), "link");
    assert.match((await link.getAttribute("rel")) ?? "", /noopener/, "links should get rel=noopener");
    assert.equal(await out.locator("p > code").textContent(), "inline code");
    assert.equal(await out.locator("ul > li > ul > li").textContent(), "nested");
    assert.deepEqual(await out.locator("table th").allTextContents(), ["name", "value"]);
    assert.deepEqual(await out.locator("table td").allTextContents(), ["α", "1", "語", "2"]);
    assert.equal(await out.locator("pre > code.language-js").textContent(), 'console.log("hi");\n');
    assert.equal((await out.locator("blockquote").textContent()).trim(), "quoted 🚀");
    assert.equal(await out.locator("script, iframe, img").count(), 0);

    // finish() must leave the one-shot render: no speculative leftovers from the split pieces.
    assert.doesNotMatch(await out.textContent(), /\*\*|```|\|:?-{3}/, "no raw markdown syntax should remain");
    await screenshot(page, "minimal.png");
    assert.deepEqual(problems, [], "the page should log no errors");
  }));
