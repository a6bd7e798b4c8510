// Shared set-up of the browser end-to-end tests: the replay dev server on a free port, headless Chromium through
// playwright-core, and a page wrapper that records console errors and uncaught exceptions.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { startServer } from "../../www/server.mjs";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const ARTIFACTS = path.join(ROOT, "tests", "e2e", "artifacts");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

// Chromium without the network chatter it would otherwise aim at a closed network.
const CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", "--disable-quic"];

/** Starts the dev server (port 0) and Chromium; call `close()` in `after`. */
export async function setUp() {
  if (!fs.existsSync(path.join(ROOT, "pkg", "rillmark.js"))) {
    throw new Error("pkg/rillmark.js is missing: run ./build.sh build first (./build.sh test does it for you)");
  }
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run ./build.sh setup`);
  const server = await startServer({ port: 0 });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  return {
    server,
    browser,
    url: server.url,
    close: async () => {
      await browser.close();
      await server.close();
    },
  };
}

/**
 * Opens a page that collects console errors and page errors. `allow` lists regular expressions of console errors a
 * test expects (e.g. Chromium's "Failed to load resource: … status of 500" for an injected HTTP error).
 */
export async function openPage(browser, { allow = [], permissions = [], viewport = { width: 1100, height: 900 } } = {}) {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
  if (permissions.length) await context.grantPermissions(permissions);
  // Unhandled rejections become console errors, which every test fails on.
  await context.addInitScript(() => addEventListener("unhandledrejection", (event) =>
    console.error(`unhandledrejection: ${event.reason?.stack ?? event.reason}`)));
  const page = await context.newPage();
  const problems = [];
  // Nothing may leave the machine: requests to any host but 127.0.0.1 are refused here (a test that wants one
  // answered routes it on the page first, which takes precedence) and recorded.
  const external = [];
  await context.route((url) => !/^(https?|wss?):\/\/127\.0\.0\.1[:/]/.test(url.href) && /^(https?|wss?):/.test(url.protocol),
    (route) => { external.push(route.request().url()); return route.abort("blockedbyclient"); });
  let fatal;
  const failed = new Promise((_, reject) => { fatal = reject; });
  failed.catch(() => {});
  page.on("console", (msg) => {
    if (msg.type() !== "error") return;
    const text = msg.text();
    if (!allow.some((re) => re.test(text))) problems.push(`console.error: ${text}`);
  });
  page.on("pageerror", (err) => {
    problems.push(`uncaught: ${err.stack ?? err.message}`);
    fatal(new Error(`uncaught exception in the page (a wasm panic shows as "unreachable"):\n${err.stack ?? err.message}`));
  });
  page.on("crash", () => {
    problems.push("the page crashed");
    fatal(new Error("the page crashed"));
  });
  page.on("console", (msg) => {
    // Unhandled promise rejections surface as console errors in Chromium ("Uncaught (in promise)"): already caught
    // by the listener above; this one keeps warnings from the page visible in a failure message.
    if (msg.type() === "warning" && /rillmark|rejected/i.test(msg.text())) problems.push(`console.warn: ${msg.text()}`);
  });
  return {
    page,
    problems,
    /** URLs of requests to hosts other than 127.0.0.1 (refused). */
    external,
    /** Rejects at the first uncaught exception in the page, so a test fails at once instead of timing out. */
    failed,
    close: () => context.close(),
  };
}

/**
 * Runs `fn(tab)` with a fresh page; fails as soon as the page throws, adds the page's console errors to a failure
 * message, and closes the page in every case.
 */
export async function withPage(browser, options, fn) {
  const tab = await openPage(browser, options);
  const run = fn(tab);
  run.catch(() => {});
  try {
    await Promise.race([run, tab.failed]);
  } catch (err) {
    const extra = tab.problems.filter((p) => !err.message.includes(p.slice(10, 80)));
    if (extra.length) err.message += `\npage problems:\n  ${extra.join("\n  ")}`;
    throw err;
  } finally {
    await tab.close();
  }
}

/** Waits until `check()` returns a truthy value (polled), or throws after `timeout` ms with `message`. */
export async function eventually(check, { timeout = 5000, interval = 50, message = "condition not met" } = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`${message} (after ${timeout} ms)`);
    await new Promise((r) => setTimeout(r, interval));
  }
}

/**
 * Saves a PNG of the page (or of `locator`) to tests/e2e/artifacts/. The demo's sticky prompt box is hidden while
 * capturing, so it does not cover the answer. (CJK and emoji need fonts such as fonts-noto-cjk and
 * fonts-noto-color-emoji, or they show as boxes.)
 */
export async function screenshot(page, name, locator) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, name);
  // The transcript scrolls inside a fixed-height layout; let it grow so the capture holds the whole answer.
  const style = ".composer { display: none !important; } body { height: auto !important; } " +
    ".transcript { overflow: visible !important; } .layout { display: block !important; }";
  await (locator ?? page).screenshot({ path: file, style, ...(locator ? {} : { fullPage: true }) });
  return file;
}

export async function requests(serverUrl) {
  const res = await fetch(`${serverUrl}/api/requests`);
  return res.json();
}

export async function clearRequests(serverUrl) {
  await fetch(`${serverUrl}/api/requests`, { method: "DELETE" });
}
