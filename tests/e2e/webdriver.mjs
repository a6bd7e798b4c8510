// A small, zero-dependency W3C WebDriver client over fetch, enough to drive the demo page in Firefox (geckodriver)
// or WebKit (WebKitWebDriver): start the driver, open a session, navigate, run scripts, find, click, type.
import { spawn } from "node:child_process";
import net from "node:net";

const ELEMENT = "element-6066-11e4-a52e-4f735466cecf";

/** A free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Starts a WebDriver server (`binary args… --port=N`) and waits until /status says ready.
 * Returns { url, stop(), output() }.
 */
export async function startDriver(binary, { args = [], portFlag = (p) => [`--port=${p}`], env = process.env, timeout = 20_000 } = {}) {
  const port = await freePort();
  const child = spawn(binary, [...portFlag(port), ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  child.stdout.on("data", (d) => { log = (log + d).slice(-20_000); });
  child.stderr.on("data", (d) => { log = (log + d).slice(-20_000); });
  const exited = new Promise((resolve) => child.once("exit", (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeout;
  for (;;) {
    const code = await Promise.race([exited, new Promise((r) => setTimeout(r, 100, "running"))]);
    if (code !== "running") throw new Error(`${binary} exited with ${code}:\n${log}`);
    try {
      const res = await fetch(`${url}/status`);
      if (res.ok && (await res.json()).value?.ready !== false) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill();
      throw new Error(`${binary} did not become ready in ${timeout} ms:\n${log}`);
    }
  }
  return {
    url,
    output: () => log,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
        if (child.exitCode === null) child.kill("SIGKILL");
      }
    },
  };
}

export class WebDriverError extends Error {}

async function call(url, method, body) {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json; charset=utf-8" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json().catch(() => ({}));
  if (!res.ok || json.value?.error) {
    const v = json.value ?? {};
    throw new WebDriverError(`${method} ${url}: ${v.error ?? res.status}: ${v.message ?? ""}`);
  }
  return json.value;
}

/** One browser session. */
export class Session {
  static async create(driverUrl, alwaysMatch) {
    const value = await call(`${driverUrl}/session`, "POST", { capabilities: { alwaysMatch } });
    return new Session(driverUrl, value.sessionId, value.capabilities);
  }

  constructor(driverUrl, id, capabilities) {
    this.base = `${driverUrl}/session/${id}`;
    this.capabilities = capabilities;
  }

  cmd(method, path, body) {
    return call(`${this.base}${path}`, method, body);
  }

  /** Browser name and version, from the new-session response. */
  get browser() {
    return `${this.capabilities.browserName} ${this.capabilities.browserVersion}`;
  }

  goto(url) {
    return this.cmd("POST", "/url", { url });
  }

  /** Runs `fn` (a function or its source) in the page with `args`; returns its (awaited) value. */
  run(fn, ...args) {
    const body = typeof fn === "function" ? `return (${fn}).apply(null, arguments);` : fn;
    return this.cmd("POST", "/execute/sync", { script: body, args });
  }

  /** Runs an async function in the page; resolves with its result (WebDriver's async script callback). */
  runAsync(fn, ...args) {
    const script = `const done = arguments[arguments.length - 1];
      Promise.resolve((${fn}).apply(null, Array.prototype.slice.call(arguments, 0, -1)))
        .then((v) => done({ ok: v }), (e) => done({ error: String(e && e.stack || e) }));`;
    return this.cmd("POST", "/execute/async", { script, args }).then((r) => {
      if (r && r.error) throw new WebDriverError(`script failed in the page: ${r.error}`);
      return r?.ok;
    });
  }

  setTimeouts(timeouts) {
    return this.cmd("POST", "/timeouts", timeouts);
  }

  async find(css) {
    const value = await this.cmd("POST", "/element", { using: "css selector", value: css });
    return value[ELEMENT];
  }

  async click(css) {
    return this.cmd("POST", `/element/${await this.find(css)}/click`, {});
  }

  async type(css, text) {
    return this.cmd("POST", `/element/${await this.find(css)}/value`, { text });
  }

  /** Polls `fn` in the page until it returns a truthy value. */
  async waitFor(fn, { timeout = 15_000, interval = 50, message = "condition" } = {}, ...args) {
    const deadline = Date.now() + timeout;
    for (;;) {
      const v = await this.run(fn, ...args);
      if (v) return v;
      if (Date.now() > deadline) throw new WebDriverError(`timed out after ${timeout} ms waiting for ${message}`);
      await new Promise((r) => setTimeout(r, interval));
    }
  }

  async close() {
    try {
      await call(this.base, "DELETE");
    } catch {
      // the browser may already be gone
    }
  }
}
