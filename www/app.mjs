// Demo chat page: each answer streams from the replay server (www/server.mjs) into its own container through
// rillmark's Renderer. No bundler: the package is served at /pkg/ by the dev server (`./build.sh demo`).
//
// URL parameters preset the controls, e.g. /?answer=tour&dialect=anthropic&speed=30&prompt=hi&autostart=1
// (`parse=` sets the renderer's dialect option, default "auto"). For tests, window.rillmarkDemo holds the outcomes.
//
// The package is imported dynamically so that a missing pkg/ shows a message instead of a blank page.
let Renderer;

const $ = (selector) => document.querySelector(selector);
const ui = {
  form: $("#composer"), prompt: $("#prompt"), send: $("#send"), stop: $("#stop"), log: $("#log"),
  answer: $("#answer"), dialect: $("#dialect"), speed: $("#speed"), fault: $("#fault"), fatal: $("#fatal"),
};
const params = new URLSearchParams(location.search);
const demo = { ready: false, outcomes: [], current: null };
window.rillmarkDemo = demo;
const history = [];

function showFatal(message) {
  ui.fatal.textContent = message;
  ui.fatal.hidden = false;
}

function describe(outcome, ms) {
  const parts = [outcome.status];
  if (outcome.reason) parts[0] += ` (${outcome.reason})`;
  if (outcome.error) {
    const e = outcome.error;
    parts.push(`${e.kind ?? "error"}${e.status ? ` ${e.status}` : ""}: ${e.message ?? ""}`.trim());
  }
  if (typeof outcome.bytes === "number") parts.push(`${outcome.bytes.toLocaleString("en")} bytes`);
  parts.push(`${(ms / 1000).toFixed(1)} s`);
  return parts.join(" · ");
}

// Copies the outcome's plain fields (it may be a wasm-bindgen object) so tests can read it as JSON.
function plain(outcome) {
  const out = {};
  for (const key of ["status", "reason", "error", "bytes", "partial"]) {
    const v = outcome?.[key];
    if (v === undefined || v === null) continue;
    out[key] = typeof v === "object" ? { kind: v.kind, message: v.message, status: v.status } : v;
  }
  return out;
}

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
  return { turn, answer, status };
}

function setBusy(busy) {
  ui.send.disabled = busy;
  ui.stop.disabled = !busy;
}

async function send() {
  if (demo.current) return;
  const prompt = ui.prompt.value.trim() || "Give me a quick tour";
  ui.prompt.value = "";
  history.push({ role: "user", content: prompt });
  const { turn, answer, status } = addTurn(prompt);

  const query = new URLSearchParams({ dialect: ui.dialect.value, speed: ui.speed.value || "60" });
  if (ui.answer.value !== "auto") query.set("answer", ui.answer.value);
  if (ui.fault.value) for (const [k, v] of new URLSearchParams(ui.fault.value)) query.set(k, v);
  if (params.has("seed")) query.set("seed", params.get("seed"));

  const renderer = new Renderer(answer, { images: "block", dialect: params.get("parse") ?? "auto" });
  demo.current = renderer;
  setBusy(true);
  const started = performance.now();
  const firstByte = new MutationObserver(() => {
    status.textContent = "streaming…";
    firstByte.disconnect();
  });
  firstByte.observe(answer, { childList: true, subtree: true, characterData: true });

  let outcome;
  try {
    outcome = await renderer.fetch(`/api/chat?${query}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "rillmark-replay", stream: true, messages: history }),
    });
  } catch (err) {
    // The contract is that fetch() resolves with an outcome; a rejection is a bug worth seeing.
    console.warn("Renderer.fetch rejected instead of resolving with an outcome:", err);
    outcome = { status: "error", error: { kind: "exception", message: String(err?.message ?? err) } };
  }
  firstByte.disconnect();
  const ms = performance.now() - started;
  const result = plain(outcome);
  history.push({ role: "assistant", content: answer.textContent });
  turn.dataset.state = "ended";
  turn.dataset.outcome = result.status;
  status.textContent = describe(result, ms);
  status.dataset.outcome = result.status;
  demo.outcomes.push(result);
  demo.current = null;
  setBusy(false);
  ui.prompt.focus();
}

async function loadAnswers() {
  try {
    const res = await fetch("/api/answers");
    if (!res.ok) return;
    for (const { name, title } of await res.json()) {
      const option = document.createElement("option");
      option.value = name;
      option.textContent = `${name}: ${title}`;
      ui.answer.append(option);
    }
  } catch {
    // Served by a plain static server: no replay API, the page still loads.
  }
}

async function boot() {
  await loadAnswers();
  for (const [key, el] of [["answer", ui.answer], ["dialect", ui.dialect], ["speed", ui.speed], ["prompt", ui.prompt]]) {
    if (params.has(key)) el.value = params.get(key);
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
  ui.form.addEventListener("submit", (event) => {
    event.preventDefault();
    send();
  });
  ui.prompt.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      send();
    }
  });
  ui.stop.addEventListener("click", () => demo.current?.cancel());
  setBusy(false);
  demo.ready = true;
  document.body.dataset.ready = "true";
  ui.prompt.focus();
  if (params.has("autostart")) send();
}

boot();
