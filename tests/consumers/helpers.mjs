// Shared set-up of the consumer tests: packing pkg/, a scratch consumer app installed from the tarball, a static
// file server with security headers, headless Chromium (playwright-core), and the page check every consumer runs.
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { chromium } from "playwright-core";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const HERE = path.join(ROOT, "tests", "consumers");
export const PKG = path.join(ROOT, "pkg");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", "--disable-quic"];

/** The strict policy the built site and the plain page are served with: no inline script or style, no eval, wasm
 * allowed, Trusted Types enforced for every DOM XSS sink. */
export const CSP = [
  "default-src 'none'", "script-src 'self' 'wasm-unsafe-eval'", "style-src 'self'", "connect-src 'self'",
  "img-src 'self'", "base-uri 'none'", "form-action 'none'", "require-trusted-types-for 'script'",
].join("; ");

const exec = promisify(execFile);

/** Runs a command; resolves with { code, stdout, stderr } and never rejects for a non-zero exit. */
export async function run(cmd, args, options = {}) {
  try {
    const { stdout, stderr } = await exec(cmd, args, { maxBuffer: 64 << 20, ...options });
    return { code: 0, stdout, stderr };
  } catch (error) {
    if (typeof error.code !== "number") throw error;
    return { code: error.code, stdout: error.stdout ?? "", stderr: error.stderr ?? "" };
  }
}

export function requirePkg() {
  if (!fs.existsSync(path.join(PKG, "package.json")) || !fs.existsSync(path.join(PKG, "rillmark_bg.wasm"))) {
    throw new Error("pkg/ is missing: run ./build.sh build first (./build.sh test does it for you)");
  }
}

export function copyDir(from, to) {
  fs.mkdirSync(to, { recursive: true });
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    if (entry.isFile()) fs.copyFileSync(path.join(from, entry.name), path.join(to, entry.name));
  }
}

const TYPES = {
  ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8", ".wasm": "application/wasm", ".json": "application/json", ".svg": "image/svg+xml",
};

/**
 * A static server on 127.0.0.1 (port 0) for `root`, sending `headers` with every response. `aliases` maps URL paths
 * to files. Records every request path in `requests`.
 */
export async function staticServer(root, { headers = {}, aliases = {} } = {}) {
  const requests = [];
  const server = http.createServer((req, res) => {
    const urlPath = decodeURIComponent(new URL(req.url, "http://x").pathname);
    requests.push(urlPath);
    let file = aliases[urlPath] ?? path.join(root, urlPath);
    if (!file.startsWith(root) && !aliases[urlPath]) return void res.writeHead(403).end();
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, "index.html");
    if (!fs.existsSync(file)) return void res.writeHead(404, headers).end("not found");
    res.writeHead(200, { "content-type": TYPES[path.extname(file)] ?? "application/octet-stream", ...headers });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    requests,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Starts `vite` (the scratch app's own CLI) as a dev server; resolves once it answers HTTP. */
export async function viteDevServer(app, configFile) {
  const port = await freePort();
  const child = spawn(path.join(app, "node_modules", ".bin", "vite"),
    ["--config", configFile, "--host", "127.0.0.1", "--port", String(port), "--strictPort", "--clearScreen", "false"],
    { cwd: app, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (d) => { output += d; });
  child.stderr.on("data", (d) => { output += d; });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`vite dev server exited (${child.exitCode}):\n${output}`);
    try {
      const res = await fetch(`${url}/`);
      if (res.ok) break;
    } catch {}
    if (Date.now() > deadline) {
      child.kill();
      throw new Error(`vite dev server did not answer on ${url}:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    url,
    output: () => output,
    close: () => new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once("exit", resolve);
      child.kill("SIGTERM");
    }),
  };
}

export async function launchBrowser() {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run ./build.sh setup`);
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/**
 * What a page reports as a problem, collected as it happens into the returned array: failed requests (the favicon
 * browsers ask for on their own aside), console errors and the console messages `also(msg)` picks, and uncaught
 * exceptions.
 */
export function watchPage(page, { also = () => false } = {}) {
  const problems = [];
  page.on("response", (res) => {
    if (res.status() >= 400 && new URL(res.url()).pathname !== "/favicon.ico") {
      problems.push(`HTTP ${res.status()}: ${res.url()}`);
    }
  });
  page.on("console", (msg) => {
    if (/^Failed to load resource/.test(msg.text())) return; // reported with its URL by the response listener
    if (msg.type() === "error" || also(msg)) problems.push(`console.${msg.type()}: ${msg.text()}`);
  });
  page.on("pageerror", (err) => problems.push(`uncaught: ${err.stack ?? err.message}`));
  return problems;
}

/**
 * Loads `url`, waits for the page's runDemo() result, and checks it: the stream ended `done` with the whole answer,
 * the DOM holds the rendered constructs (and nothing unsafe), rillmark.css applied, and the page logged no error,
 * no CSP or Trusted Types violation, and no wasm MIME fallback. Returns the result for further checks.
 */
export async function checkStreamedPage(browser, url) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = watchPage(page, { also: (msg) => /instantiateStreaming|MIME/i.test(msg.text()) });
  // Registered by the browser before any page script runs, outside the page's CSP.
  await page.addInitScript(() => {
    window.__violations = [];
    document.addEventListener("securitypolicyviolation", (e) => {
      window.__violations.push(`${e.effectiveDirective}: ${e.blockedURI} ${e.sample}`);
    });
  });
  try {
    await page.goto(url);
    await page.waitForFunction(() => window.__rillmark !== undefined, null, { timeout: 30_000 }).catch((err) => {
      throw new Error(`${url}: no result from the page (${err.message.split("\n")[0]})\n${problems.join("\n")}`);
    });
    const result = await page.evaluate(() => ({ ...window.__rillmark, violations: window.__violations }));
    assert.equal(result.error, undefined, `${url}: the page failed: ${result.error}\n${problems.join("\n")}`);
    assert.deepEqual(problems, [], `${url}: console errors or failed requests`);
    assert.deepEqual(result.violations, [], `${url}: CSP / Trusted Types violations`);

    const { outcome, events, html, expected } = result;
    assert.equal(outcome.status, "done", `${url}: outcome ${JSON.stringify(outcome)}`);
    assert.equal(outcome.reason, "stop");
    assert.equal(outcome.text, expected.answer, "the outcome's text is the whole answer");
    assert.equal(outcome.malformed, 0);
    assert.equal(outcome.unknown, 0);
    assert.ok(outcome.bytes > 1000 && outcome.frames > 50, JSON.stringify(outcome));
    assert.equal(result.status, "done");
    assert.ok(events.text > 10 && events.reasoning > 3 && events.finish === 1, JSON.stringify(events));

    for (const fragment of [
      '<details class="rillmark-reasoning"', '<div class="rillmark-reasoning-body">',
      "<h1>Streaming demo</h1>", "<strong>bold</strong>", "<del>struck</del>",
      '<a href="https://example.com/docs" title="Docs" rel="noopener noreferrer" target="_blank">link</a>',
      '<pre><code class="language-rust">fn main() {', '<input type="checkbox"', "<table>", '<th align="right">value</th>',
      '<span class="rillmark-image" data-src="https://evil.example/leak?q=secret">diagram</span>',
      "&lt;script&gt;alert(1)&lt;/script&gt; stays text.",
    ]) {
      assert.ok(html.includes(fragment), `${url}: the DOM lacks ${fragment}\n${html}`);
    }
    assert.ok(!/<img|<script|rillmark-pending|rillmark-streaming/.test(html), `${url}: unexpected markup\n${html}`);
    assert.notEqual(result.styled.background, "rgba(0, 0, 0, 0)", "rillmark.css gives code blocks a background");
    assert.equal(result.styled.label, '"language-rust"', "rillmark.css labels code blocks");
    return result;
  } finally {
    await context.close();
  }
}
