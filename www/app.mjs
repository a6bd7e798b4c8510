// Demo chat page: each answer streams from the replay server (www/server.mjs) into its own container through
// rillmark's Renderer. No bundler for the page: the package is served at /pkg/ by the dev server (`./build.sh demo`);
// only the plug-ins are bundled (below).
//
// URL parameters preset the controls, e.g. /?answer=tour&dialect=anthropic&speed=30&prompt=hi&autostart=1
// (`parse=auto|backend`, `api=fetch|stream`, `fault=<query>` for any fault of www/server.mjs, `seed=<n>`,
// `plugins=shiki|hljs|off`).
// For tests, window.rillmarkDemo holds the outcomes and `send(options)` runs one answer without the form.
//
// Plug-ins (issue 16): with the Plug-ins picker on Shiki or highlight.js, each answer's Renderer gets the
// `highlight`, `math`, `blocks: { mermaid }` and `codeActions` options from www/plugins.mjs, bundled into
// www/vendor/ by www/build-plugins.mjs (`./build.sh setup` or `./build.sh demo`). The page asks the module which of
// those options it takes (a Renderer built with one unknown option throws a TypeError) and passes only those; the
// others degrade visibly: code stays plain, TeX shows as its source, and a note beside the picker says so.
//
// What the metrics panel measures:
// - time to first token: from Send to the first `text` or `reasoning` event delivered to `onEvent`;
// - tokens/s: text + reasoning events per second between the first and the last one (a provider frame carries one
//   token in every replayed dialect, so events ≈ tokens);
// - bytes, frames (malformed in brackets): from the outcome, so they appear when the stream ends;
// - DOM mutations: `renderer.mutations`, polled;
// - rillmark ms/frame: the duration of each requestAnimationFrame callback rillmark schedules (that is where it
//   renders: markdown of the open tail, diff, DOM patch). The page wraps window.requestAnimationFrame to time them;
//   the page's own frames use the unwrapped function. Not included: decoding, framing and dialect work per network
//   chunk (done when a read resolves, out of the page's reach) and the final render inside the outcome;
// - long tasks: PerformanceObserver "longtask" entries (> 50 ms) while streaming, where the browser supports them.
let Renderer;

const $ = (selector) => document.querySelector(selector);
const ui = {
  form: $("#composer"), prompt: $("#prompt"), send: $("#send"), stop: $("#stop"), log: $("#log"), reset: $("#reset"),
  answer: $("#answer"), dialect: $("#dialect"), parse: $("#parse"), speed: $("#speed"), fault: $("#fault"),
  api: $("#api"), fatal: $("#fatal"), jump: $("#jump"), plugins: $("#plugins"), pluginsNote: $("#plugins-note"),
  m: {
    ttft: $("#m-ttft"), tps: $("#m-tps"), tokens: $("#m-tokens"), bytes: $("#m-bytes"), frames: $("#m-frames"),
    mutations: $("#m-mutations"), frame: $("#m-frame"), long: $("#m-long"), outcome: $("#m-outcome"),
    message: $("#m-message"),
  },
};
const params = new URLSearchParams(location.search);
const demo = { ready: false, outcomes: [], current: null, stuck: true, upstream: null,
  // Which plug-in options this build of rillmark takes, and whether www/vendor/ is built (set in boot()).
  pluginSupport: {}, pluginBundle: false };
window.rillmarkDemo = demo;
let history = [];
let active = null; // { renderer, turn, metrics, stop() }
let starting = false; // send() is loading the plug-ins

// ---------------------------------------------------------------------------------------------------------------
// Timing rillmark's frames: every requestAnimationFrame callback not scheduled by this page is rillmark's.
const nativeRaf = window.requestAnimationFrame.bind(window);
let frameSink = null;
window.requestAnimationFrame = (callback) => nativeRaf((ts) => {
  const t0 = performance.now();
  try {
    callback(ts);
  } finally {
    frameSink?.push(performance.now() - t0);
  }
});

let longTasks = 0;
if (PerformanceObserver.supportedEntryTypes?.includes("longtask")) {
  new PerformanceObserver((list) => { if (active) longTasks += list.getEntries().length; })
    .observe({ type: "longtask", buffered: false });
}

// ---------------------------------------------------------------------------------------------------------------
function showFatal(message) {
  ui.fatal.textContent = message;
  ui.fatal.hidden = false;
}

const fmt = (n, digits = 0) => n.toLocaleString("en", { maximumFractionDigits: digits, minimumFractionDigits: digits });

function percentile(values, p) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function newMetrics() {
  return { started: performance.now(), firstToken: null, lastToken: null, tokens: 0, frameMs: [], longTasks: 0,
    mutations: 0, outcome: null, message: "" };
}

function metricsSnapshot(m) {
  const span = m.firstToken !== null && m.lastToken > m.firstToken ? (m.lastToken - m.firstToken) / 1000 : 0;
  return {
    ttftMs: m.firstToken === null ? null : m.firstToken - m.started,
    tokens: m.tokens,
    tokensPerSecond: span > 0 ? (m.tokens - 1) / span : null,
    mutations: m.mutations,
    frames: m.frameMs.length,
    frameP50: percentile(m.frameMs, 50),
    frameP99: percentile(m.frameMs, 99),
    longTasks: m.longTasks,
  };
}

function paintMetrics(m) {
  const s = metricsSnapshot(m);
  ui.m.ttft.textContent = s.ttftMs === null ? "–" : `${fmt(s.ttftMs)} ms`;
  ui.m.tps.textContent = s.tokensPerSecond === null ? "–" : fmt(s.tokensPerSecond, 1);
  ui.m.tokens.textContent = fmt(s.tokens);
  ui.m.mutations.textContent = fmt(s.mutations);
  ui.m.frame.textContent = s.frames ? `${fmt(s.frameP50, 2)} · ${fmt(s.frameP99, 2)} ms (${s.frames} frames)` : "–";
  ui.m.long.textContent = PerformanceObserver.supportedEntryTypes?.includes("longtask") ? fmt(s.longTasks) : "n/a";
  const o = m.outcome;
  ui.m.bytes.textContent = o ? fmt(o.bytes ?? 0) : "…";
  ui.m.frames.textContent = o ? `${fmt(o.frames ?? 0)}${o.malformed ? ` (${o.malformed} malformed)` : ""}` : "…";
  ui.m.outcome.textContent = o ? o.status : active ? "streaming" : "–";
  ui.m.outcome.dataset.outcome = o ? o.status : "";
  ui.m.message.textContent = m.message;
}

function clearMetrics() {
  for (const el of Object.values(ui.m)) el.textContent = "–";
  ui.m.message.textContent = "";
  ui.m.outcome.dataset.outcome = "";
}

/** A sentence for the page: what happened, in words a user understands. */
function describe(o) {
  const kept = o.text ? " The part that arrived is kept above." : "";
  const e = o.error ?? {};
  const msg = String(e.message ?? "").replace(/[.\s]+$/, "");
  switch (o.status) {
    case "done":
      return `Done${o.reason ? ` (finish reason: ${o.reason})` : ""}.` +
        (o.malformed ? ` ${o.malformed} malformed frame${o.malformed > 1 ? "s were" : " was"} skipped.` : "");
    case "incomplete":
      return "Incomplete: the stream ended without its end marker, so the answer may be cut off." + kept;
    case "aborted":
      return "Stopped: you cancelled the answer and the connection was closed." + kept;
    case "error":
      switch (e.kind) {
        case "http": return `${/^HTTP \d/.test(msg) ? "" : `HTTP ${e.status ?? "error"}: `}${msg}.`;
        case "provider": return `The provider reported an error mid-stream: ${msg}${e.code ? ` (${e.code})` : ""}.` + kept;
        case "network": return `The connection failed mid-stream: ${msg}.` + kept;
        case "overflow": return `The stream could not be read: ${msg}.` + kept;
        default: return `Error (${e.kind ?? "unknown"}): ${msg}.` + kept;
      }
    default:
      return String(o.status);
  }
}

// Copies the outcome's plain fields (minus the text, which can be large) so tests can read it as JSON.
function plain(outcome) {
  const out = {};
  for (const key of ["status", "reason", "bytes", "frames", "malformed", "unknown"]) {
    if (outcome?.[key] !== undefined && outcome[key] !== null) out[key] = outcome[key];
  }
  const e = outcome?.error;
  if (e) out.error = { kind: e.kind, message: e.message, ...(e.status ? { status: e.status } : {}), ...(e.code ? { code: e.code } : {}) };
  out.textLength = typeof outcome?.text === "string" ? outcome.text.length : 0;
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Stick-to-bottom scrolling: follow the stream while the reader is at the bottom; scrolling up releases it,
// returning to the bottom (or the jump button) re-engages it.
const BOTTOM_SLACK = 48;
let lastTop = 0;
const atBottom = () => ui.log.scrollHeight - ui.log.scrollTop - ui.log.clientHeight <= BOTTOM_SLACK;
function setStuck(stuck) {
  demo.stuck = stuck;
  ui.log.dataset.stuck = String(stuck);
  ui.jump.hidden = stuck;
}
function scrollToBottom() {
  ui.log.scrollTop = ui.log.scrollHeight;
  lastTop = ui.log.scrollTop;
}
ui.log.addEventListener("scroll", () => {
  const top = ui.log.scrollTop;
  if (atBottom()) setStuck(true);
  else if (top < lastTop - 2) setStuck(false); // moved up: the user's doing (growth never scrolls up)
  lastTop = top;
}, { passive: true });
ui.log.addEventListener("wheel", (event) => { if (event.deltaY < 0) setStuck(false); }, { passive: true });
ui.jump.addEventListener("click", () => { setStuck(true); scrollToBottom(); });
let followQueued = false;
new MutationObserver(() => {
  if (!demo.stuck || followQueued) return;
  followQueued = true;
  nativeRaf(() => { followQueued = false; if (demo.stuck) scrollToBottom(); });
}).observe(ui.log, { childList: true, subtree: true, characterData: true });

// ---------------------------------------------------------------------------------------------------------------
// After an answer ends (rillmark makes no more DOM changes then), the page adds its own chrome: a language label
// and a copy button per code block, and keyboard access to the image placeholders. Page-made nodes carry data-demo.
function decorate(answer, { codeActions = false } = {}) {
  // With the codeActions option rillmark adds its own label and Copy button to each finished code block.
  for (const code of codeActions ? [] : answer.querySelectorAll("pre > code")) {
    const pre = code.parentElement;
    if (pre.parentElement?.dataset.demo === "codeblock") continue;
    const lang = [...code.classList].find((c) => c.startsWith("language-"))?.slice("language-".length) ?? "";
    const wrap = document.createElement("div");
    wrap.className = "codeblock";
    wrap.dataset.demo = "codeblock";
    const bar = document.createElement("div");
    bar.className = "codebar";
    bar.dataset.demo = "codebar";
    bar.dataset.lang = lang || "text";
    const copy = document.createElement("button");
    copy.type = "button";
    copy.className = "copy";
    copy.textContent = "Copy";
    copy.setAttribute("aria-label", `Copy the ${lang || "text"} code`);
    copy.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(code.textContent);
        copy.textContent = "Copied";
      } catch (err) {
        copy.textContent = "Copy failed";
        console.warn("clipboard write failed:", err?.message ?? err);
      }
      setTimeout(() => { copy.textContent = "Copy"; }, 1500);
    });
    bar.append(copy);
    pre.before(wrap);
    wrap.append(bar, pre);
  }
  for (const span of answer.querySelectorAll("span.rillmark-image[data-src]")) {
    span.tabIndex = 0;
    span.setAttribute("role", "button");
    span.title ||= `Blocked image: click to load ${span.dataset.src}`;
    if (span.dataset.queued) loadImage(span);
  }
}

/** Replaces a blocked-image placeholder by the image, if its URL is http(s). */
function loadImage(span) {
  let url;
  try {
    url = new URL(span.dataset.src, location.href);
  } catch {
    span.dataset.refused = "bad URL";
    return;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    span.dataset.refused = `not http(s): ${url.protocol}`;
    return;
  }
  const img = document.createElement("img");
  img.dataset.demo = "loaded-image";
  img.alt = span.textContent;
  if (span.title) img.title = span.title;
  img.referrerPolicy = "no-referrer";
  img.addEventListener("error", () => { img.dataset.failed = "true"; img.title = `could not load ${url.href}`; });
  img.src = url.href;
  span.replaceWith(img);
}

ui.log.addEventListener("click", (event) => {
  const span = event.target.closest?.("span.rillmark-image[data-src]");
  if (!span) return;
  // While the answer streams, its nodes are rillmark's: load once it has ended.
  if (span.closest(".turn")?.dataset.state === "streaming") span.dataset.queued = "true";
  else loadImage(span);
});
ui.log.addEventListener("keydown", (event) => {
  if ((event.key === "Enter" || event.key === " ") && event.target.matches?.("span.rillmark-image[data-src]")) {
    event.preventDefault();
    event.target.click();
  }
});

// ---------------------------------------------------------------------------------------------------------------
// Plug-ins: the option keys of issue 16, each probed on this build of rillmark.
const PLUGIN_KEYS = ["highlight", "math", "blocks", "codeActions"];
const PROBES = { highlight: () => [], math: () => {}, blocks: {}, codeActions: true };

/** Which plug-in options `Renderer` takes: a build without one throws a TypeError naming the unknown key. */
function probePluginSupport() {
  const support = {};
  for (const key of PLUGIN_KEYS) {
    let probe = null;
    try {
      probe = new Renderer(document.createElement("div"), { [key]: PROBES[key] });
      support[key] = true;
    } catch (err) {
      if (!(err instanceof TypeError)) throw err;
      support[key] = false;
    } finally {
      probe?.free();
    }
  }
  return support;
}

const pluginsLoaded = new Map();
function addStylesheet(href) {
  if (document.querySelector(`link[href="${href}"]`)) return;
  const link = document.createElement("link");
  link.rel = "stylesheet";
  link.href = href;
  document.head.append(link);
}

/** Loads the bundle's adapters for `kind` ("shiki" or "hljs") once. */
function loadPluginKind(kind) {
  if (!pluginsLoaded.has(kind)) {
    addStylesheet("vendor/katex/katex.min.css");
    if (kind === "hljs") {
      addStylesheet("vendor/hljs/github.min.css");
      const dark = document.createElement("link");
      Object.assign(dark, { rel: "stylesheet", href: "vendor/hljs/github-dark.min.css", media: "(prefers-color-scheme: dark)" });
      document.head.append(dark);
    }
    pluginsLoaded.set(kind, import("./vendor/plugins.js").then((m) => m.loadPlugins({ highlighter: kind })));
  }
  return pluginsLoaded.get(kind);
}

/** The plug-in options for one answer: those of `kind` this build takes, or none for "off". */
async function pluginOptions(kind) {
  const usable = PLUGIN_KEYS.filter((k) => demo.pluginSupport[k]);
  if (kind === "off" || !demo.pluginBundle || usable.length === 0) return {};
  let all;
  try {
    all = await loadPluginKind(kind);
  } catch (err) {
    // A bundle that does not load is a bug worth seeing; the answer still streams, without plug-ins.
    console.error(`the ${kind} plug-ins did not load:`, err);
    ui.pluginsNote.textContent = `the plug-ins did not load (${err?.message ?? err}): code stays plain, TeX shows as source`;
    ui.pluginsNote.hidden = false;
    return {};
  }
  return Object.fromEntries(usable.map((k) => [k, all[k]]));
}

/** The note beside the picker: what the page can and cannot do with the chosen plug-ins. */
function paintPluginNote() {
  const kind = ui.plugins.value;
  const missing = PLUGIN_KEYS.filter((k) => !demo.pluginSupport[k]);
  let note = "";
  if (kind !== "off" && !demo.pluginBundle) {
    note = "plug-in bundle not built (www/vendor/): run ./build.sh setup; code stays plain, TeX shows as source";
  } else if (kind !== "off" && missing.length === PLUGIN_KEYS.length) {
    note = "this rillmark build takes no plug-in options yet: code stays plain, TeX shows as source";
  } else if (kind !== "off" && missing.length) {
    note = `this rillmark build does not take ${missing.join(", ")} yet`;
  }
  ui.pluginsNote.textContent = note;
  ui.pluginsNote.hidden = note === "";
}

// ---------------------------------------------------------------------------------------------------------------
function addTurn(prompt) {
  const turn = document.createElement("article");
  turn.className = "turn";
  turn.dataset.state = "streaming";
  const user = document.createElement("div");
  user.className = "user";
  user.textContent = prompt;
  const assistant = document.createElement("div");
  assistant.className = "assistant";
  const answer = document.createElement("div");
  answer.className = "answer markdown";
  const status = document.createElement("footer");
  status.className = "status";
  status.textContent = "waiting for the first byte…";
  assistant.append(answer, status);
  turn.append(user, assistant);
  ui.log.append(turn);
  if (demo.stuck) scrollToBottom();
  return { turn, answer, status };
}

function setBusy(busy) {
  ui.send.disabled = busy;
  ui.stop.disabled = !busy;
}

function settings(overrides = {}) {
  const s = {
    dialect: ui.dialect.value, parse: ui.parse.value, speed: ui.speed.value, fault: ui.fault.value,
    answer: ui.answer.value, api: ui.api.value, seed: params.get("seed"), plugins: ui.plugins.value, ...overrides,
  };
  return s;
}

/** Streams one answer; resolves with the outcome (plain fields). `overrides` replace the pickers' values. */
async function send(overrides = {}) {
  if (active || starting) throw new Error("an answer is already streaming");
  const s = settings(overrides);
  // The plug-ins load once per kind (Shiki or highlight.js, KaTeX); later answers reuse them.
  starting = true;
  let plugins;
  try {
    plugins = await pluginOptions(s.plugins);
  } finally {
    starting = false;
  }
  const prompt = (overrides.prompt ?? ui.prompt.value).trim() || "Give me a quick tour";
  if (overrides.prompt === undefined) ui.prompt.value = "";
  history.push({ role: "user", content: prompt });
  const { turn, answer, status } = addTurn(prompt);

  const query = new URLSearchParams({ dialect: s.dialect, speed: String(s.speed ?? "60") });
  if (s.answer && s.answer !== "auto") query.set("answer", s.answer);
  if (s.fault) for (const [k, v] of new URLSearchParams(s.fault)) query.set(k, v);
  if (s.seed) query.set("seed", s.seed);
  const url = `/api/chat?${query}`;
  const explicit = s.dialect === "upstream" ? demo.upstream?.kind ?? "openai" : s.dialect;
  const dialect = s.parse === "auto" ? "auto" : explicit;

  const m = newMetrics();
  longTasks = 0;
  const onEvent = (event) => {
    if (event.type === "text" || event.type === "reasoning") {
      const t = performance.now();
      if (m.firstToken === null) {
        m.firstToken = t;
        status.textContent = "streaming…";
      }
      m.lastToken = t;
      m.tokens += 1;
    }
  };
  turn.dataset.plugins = Object.keys(plugins).join(" ") || "none";
  const renderer = new Renderer(answer, { images: "block", links: "new-tab", dialect, onEvent, ...plugins });
  const controller = new AbortController();
  active = { renderer, turn, metrics: m, stop: () => { renderer.cancel(); controller.abort(); } };
  demo.current = renderer;
  frameSink = m.frameMs;
  setBusy(true);
  turn.dataset.dialect = s.dialect;
  turn.dataset.api = s.api;
  const ticker = setInterval(() => { m.mutations = renderer.mutations; m.longTasks = longTasks; paintMetrics(m); }, 200);
  paintMetrics(m);

  const init = {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: "rillmark-replay", stream: true, messages: history.slice(0, -1).concat({ role: "user", content: prompt }) }),
  };
  let outcome;
  try {
    if (s.api === "stream") {
      // The page fetches, then hands the Response to rillmark (which reads its content type for "auto").
      let response;
      try {
        response = await fetch(url, { ...init, signal: controller.signal });
      } catch (err) {
        response = null;
        outcome = controller.signal.aborted
          ? { status: "aborted", bytes: 0, frames: 0, text: "" }
          : { status: "error", error: { kind: "network", message: String(err?.message ?? err) }, bytes: 0, frames: 0, text: "" };
      }
      if (response) {
        turn.dataset.contentType = response.headers.get("content-type") ?? "";
        outcome = await renderer.stream(response, dialect === "auto" ? undefined : { dialect });
      }
    } else {
      outcome = await renderer.fetch(url, init);
    }
  } catch (err) {
    // The contract is that fetch()/stream() resolve with an outcome; a rejection is a bug worth seeing.
    console.warn("rillmark rejected instead of resolving with an outcome:", err);
    outcome = { status: "error", error: { kind: "exception", message: String(err?.message ?? err) }, text: "" };
  }
  clearInterval(ticker);
  frameSink = null;
  const result = plain(outcome);
  m.mutations = renderer.mutations;
  m.longTasks = longTasks;
  m.outcome = result;
  m.message = describe({ ...result, text: outcome.text });
  result.message = m.message;
  result.metrics = metricsSnapshot(m);
  paintMetrics(m);

  decorate(answer, { codeActions: plugins.codeActions === true });
  history.push({ role: "assistant", content: outcome.text ?? answer.textContent });
  status.textContent = m.message;
  status.dataset.outcome = result.status;
  turn.dataset.state = "ended";
  turn.dataset.outcome = result.status;
  demo.outcomes.push(result);
  demo.current = null;
  active = null;
  setBusy(false);
  if (demo.stuck) scrollToBottom();
  if (overrides.prompt === undefined) ui.prompt.focus();
  return result;
}

function newChat() {
  active?.stop();
  ui.log.replaceChildren();
  history = [];
  clearMetrics();
  setStuck(true);
  ui.prompt.focus();
}

async function loadOptions() {
  try {
    const [answers, config] = await Promise.all([fetch("/api/answers"), fetch("/api/config")]);
    if (answers.ok) {
      for (const { name, title } of await answers.json()) ui.answer.append(new Option(`${name}: ${title}`, name));
    }
    if (config.ok) {
      const c = await config.json();
      demo.upstream = c.upstream;
      demo.pluginBundle = c.plugins === true;
      if (demo.upstream) {
        ui.dialect.append(new Option(`live model: ${demo.upstream.model} (${demo.upstream.kind})`, "upstream"));
      }
    }
  } catch {
    // Served by a plain static server: no replay API, the page still loads.
  }
}

async function boot() {
  await loadOptions();
  for (const [key, el] of [["answer", ui.answer], ["dialect", ui.dialect], ["speed", ui.speed], ["prompt", ui.prompt],
    ["parse", ui.parse], ["api", ui.api], ["plugins", ui.plugins]]) {
    if (!params.has(key)) continue;
    const value = params.get(key);
    if (el instanceof HTMLSelectElement && ![...el.options].some((o) => o.value === value)) el.append(new Option(value, value));
    el.value = value;
  }
  if (params.has("fault")) {
    // Any fault query (see www/server.mjs), not only the listed ones.
    const fault = params.get("fault");
    if (![...ui.fault.options].some((o) => o.value === fault)) ui.fault.append(new Option(fault, fault));
    ui.fault.value = fault;
  }
  try {
    const rillmark = await import("../pkg/rillmark.js");
    await rillmark.default();
    Renderer = rillmark.Renderer;
  } catch (err) {
    showFatal(`Could not load the rillmark package from /pkg/ (${err?.message ?? err}). Run ./build.sh build, then reload.`);
    return;
  }
  demo.pluginSupport = probePluginSupport();
  paintPluginNote();
  ui.plugins.addEventListener("change", paintPluginNote);
  // Start loading the chosen plug-ins now, so the first answer does not wait for them.
  if (ui.plugins.value !== "off") {
    pluginOptions(ui.plugins.value);
  }
  ui.form.addEventListener("submit", (event) => {
    event.preventDefault();
    send();
  });
  ui.prompt.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      if (!active) send();
    }
  });
  ui.stop.addEventListener("click", () => active?.stop());
  ui.reset.addEventListener("click", newChat);
  demo.send = send;
  demo.newChat = newChat;
  setBusy(false);
  demo.ready = true;
  document.body.dataset.ready = "true";
  ui.prompt.focus();
  if (params.has("autostart")) send();
}

boot();
