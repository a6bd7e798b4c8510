// rillmark dev server: serves the demo page (www/) and the built package (/pkg/), and replays stored markdown
// answers (www/answers/*.md) as a streamed LLM response in several wire formats, with fault injection.
// Zero dependencies; binds 127.0.0.1 only. Run: `node www/server.mjs` (PORT env, default 8080), or import
// `startServer()` from a test (port 0 picks a free port).
//
// Endpoints
//   GET  /, /app.mjs, …          static files from www/
//   GET  /pkg/…                  static files from pkg/ (built by ./build.sh build)
//   POST /api/chat  (or GET)     replay an answer; parameters from the query string, else from the JSON body:
//        answer=<name>           which www/answers/<name>.md (default: chosen from the last user message)
//        dialect=openai|anthropic|ollama|plain   wire format (default openai)
//        speed=<tokens/s>        default 60, with jitter; 0 = everything at once
//        seed=<int>              makes tokenisation and timing reproducible
//        status=<code>           fail before streaming with this HTTP status and a provider-style error body
//        delay=<ms>              wait before sending the response headers
//        errorAfter=<n>          after n tokens send the dialect's in-stream error event, then end
//        cutAfter=<n>            after n tokens end the body cleanly but without the terminal marker
//        dropAfter=<n>           after n tokens destroy the connection (network error on the client)
//   GET  /api/answers            [{name, title, bytes}]
//   GET  /api/requests           [{id, path, method, dialect, answer, startedAt, endedAt, completed,
//                                  clientClosedEarly, bytesSent, tokensSent, tokensTotal, fault}] (times: epoch ms;
//                                  completed: the server sent its whole response, injected faults included)
//   DELETE /api/requests         forget the recorded requests

import http from "node:http";
import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const HOST = "127.0.0.1";
const MAX_RECORDS = 500;
const MAX_BODY = 1 << 20;

const CONTENT_TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".wasm": "application/wasm",
  ".md": "text/markdown; charset=utf-8",
  ".ts": "text/plain; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
};

// ---------------------------------------------------------------------------------------------------------------
// Seeded randomness so a replay can be reproduced with ?seed=.
function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  next.int = (lo, hi) => lo + Math.floor(next() * (hi - lo + 1));
  return next;
}

// Split text into LLM-like tokens: a word with its leading space, cut into 1–6 character pieces; punctuation and
// whitespace runs on their own; CJK one or two characters at a time; emoji sequences code point by code point
// (so ZWJ sequences, skin tones and flags arrive in pieces, as real tokenisers do).
export function tokenize(text, random = Math.random) {
  const rand = typeof random.int === "function" ? random : Object.assign(random, {
    int: (lo, hi) => lo + Math.floor(random() * (hi - lo + 1)),
  });
  const pieces = text.match(/[ \t]*[\p{L}\p{N}_'’]+|\n+|[ \t]+|[^\s\p{L}\p{N}_]/gu) ?? [];
  const tokens = [];
  for (const piece of pieces) {
    const chars = Array.from(piece);
    const cjk = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u.test(piece);
    let i = 0;
    // Common short words are usually one token.
    if (!cjk && chars.length <= 6 && rand() < 0.75) { tokens.push(piece); continue; }
    while (i < chars.length) {
      const n = cjk ? rand.int(1, 2) : rand.int(1, 6);
      tokens.push(chars.slice(i, i + n).join(""));
      i += n;
    }
  }
  // Sometimes merge short neighbours (", " or ".\n") as tokenisers do.
  const merged = [];
  for (const t of tokens) {
    const last = merged[merged.length - 1];
    if (last !== undefined && Array.from(last + t).length <= 3 && /^[^\p{L}\p{N}]+$/u.test(t) && rand() < 0.5) {
      merged[merged.length - 1] = last + t;
    } else merged.push(t);
  }
  if (merged.join("") !== text) throw new Error("tokenize lost text"); // never expected
  return merged;
}

// ---------------------------------------------------------------------------------------------------------------
// Wire formats. Each returns the frames as strings; `start`, `token`, `end`, `error` are called in order.
const now = () => Math.floor(Date.now() / 1000);

function openaiDialect(id, model) {
  const chunk = (delta, finish = null) => JSON.stringify({
    id, object: "chat.completion.chunk", created: now(), model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  });
  return {
    contentType: "text/event-stream; charset=utf-8",
    start: () => [`data: ${chunk({ role: "assistant", content: "", refusal: null })}\n\n`],
    token: (t) => [`data: ${chunk({ content: t })}\n\n`],
    end: (n, usage) => [
      `data: ${chunk({}, "stop")}\n\n`,
      ...(usage ? [`data: ${JSON.stringify({ id, object: "chat.completion.chunk", created: now(), model, choices: [],
        usage: { prompt_tokens: 12, completion_tokens: n, total_tokens: 12 + n } })}\n\n`] : []),
      "data: [DONE]\n\n",
    ],
    error: () => [`data: ${JSON.stringify({ error: { message: "The server had an error while processing your request.",
      type: "server_error", param: null, code: null } })}\n\n`],
    httpError: (status) => ({ type: "application/json", body: JSON.stringify({ error: {
      message: `Replay server: injected HTTP ${status}`, type: status === 429 ? "rate_limit_exceeded" : "server_error",
      param: null, code: String(status) } }) }),
  };
}

function anthropicDialect(id, model) {
  const ev = (type, data) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
  return {
    contentType: "text/event-stream; charset=utf-8",
    start: () => [
      ev("message_start", { message: { id, type: "message", role: "assistant", model, content: [], stop_reason: null,
        stop_sequence: null, usage: { input_tokens: 12, output_tokens: 1 } } }),
      ev("content_block_start", { index: 0, content_block: { type: "text", text: "" } }),
      ev("ping", {}),
    ],
    token: (t) => [ev("content_block_delta", { index: 0, delta: { type: "text_delta", text: t } })],
    end: (n) => [
      ev("content_block_stop", { index: 0 }),
      ev("message_delta", { delta: { stop_reason: "end_turn", stop_sequence: null }, usage: { output_tokens: n } }),
      ev("message_stop", {}),
    ],
    error: () => [ev("error", { error: { type: "overloaded_error", message: "Overloaded" } })],
    httpError: (status) => ({ type: "application/json", body: JSON.stringify({ type: "error", error: {
      type: status === 429 ? "rate_limit_error" : status === 529 ? "overloaded_error" : "api_error",
      message: `Replay server: injected HTTP ${status}` } }) }),
  };
}

function ollamaDialect(_id, model) {
  const line = (o) => JSON.stringify({ model, created_at: new Date().toISOString(), ...o }) + "\n";
  return {
    contentType: "application/x-ndjson",
    start: () => [],
    token: (t) => [line({ message: { role: "assistant", content: t }, done: false })],
    end: (n) => [line({ message: { role: "assistant", content: "" }, done_reason: "stop", done: true,
      total_duration: 1_234_567_890, load_duration: 12_345_678, prompt_eval_count: 12, prompt_eval_duration: 23_456_789,
      eval_count: n, eval_duration: 1_100_000_000 })],
    error: () => [JSON.stringify({ error: "an error was encountered while running the model: unexpected EOF" }) + "\n"],
    httpError: (status) => ({ type: "application/json", body: JSON.stringify({ error: `Replay server: injected HTTP ${status}` }) }),
  };
}

function plainDialect() {
  return {
    contentType: "text/plain; charset=utf-8",
    start: () => [],
    token: (t) => [t],
    end: () => [],
    error: () => [],
    httpError: (status) => ({ type: "text/plain; charset=utf-8", body: `Replay server: injected HTTP ${status}\n` }),
  };
}

const DIALECTS = { openai: openaiDialect, anthropic: anthropicDialect, ollama: ollamaDialect, plain: plainDialect };

// Split a frame's bytes into the pieces handed to separate socket writes: a frame containing multi-byte characters
// is often cut inside one of them (so the client's UTF-8 decoder must carry bytes over); other frames are
// sometimes cut at a random byte (mid-line, between the two newlines of an SSE event).
function byteSplits(buf, random) {
  const starts = [];
  for (let i = 1; i < buf.length; i++) if ((buf[i] & 0xc0) === 0x80 && (buf[i - 1] & 0xc0) !== 0x80) starts.push(i);
  if (starts.length > 0 && random() < 0.6) {
    const cut = starts[Math.floor(random() * starts.length)];
    return [buf.subarray(0, cut), buf.subarray(cut)];
  }
  if (buf.length > 2 && random() < 0.1) {
    const cut = 1 + Math.floor(random() * (buf.length - 1));
    return [buf.subarray(0, cut), buf.subarray(cut)];
  }
  return [buf];
}

// ---------------------------------------------------------------------------------------------------------------
export async function loadAnswers(dir = path.join(HERE, "answers")) {
  const answers = new Map();
  for (const file of (await fsp.readdir(dir)).filter((f) => f.endsWith(".md")).sort()) {
    const text = await fsp.readFile(path.join(dir, file), "utf8");
    const title = (text.match(/^#+\s+(.*)$/m)?.[1] ?? file).trim();
    answers.set(file.slice(0, -3), { text, title });
  }
  return answers;
}

function pickAnswer(answers, requested, prompt) {
  if (requested && answers.has(requested)) return requested;
  if (requested) return null;
  const names = [...answers.keys()];
  const lower = (prompt ?? "").toLowerCase();
  const named = names.find((n) => lower.includes(n));
  if (named) return named;
  let h = 0;
  for (const ch of lower) h = (h * 31 + ch.codePointAt(0)) >>> 0;
  return names[h % names.length];
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on("data", (c) => {
      size += c.length;
      if (size > MAX_BODY) { reject(Object.assign(new Error("body too large"), { status: 413 })); req.destroy(); }
      else chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function sendJson(res, status, value) {
  const body = JSON.stringify(value, null, 2);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
  res.end(body);
}

function sendText(res, status, text) {
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" });
  res.end(text + "\n");
}

// ---------------------------------------------------------------------------------------------------------------
export async function startServer({ port = 0, host = HOST, wwwDir = HERE, pkgDir = path.join(HERE, "..", "pkg"),
  answersDir = path.join(wwwDir, "answers"), log = false } = {}) {
  const answers = await loadAnswers(answersDir);
  const records = [];
  let nextId = 1;
  const roots = { www: path.resolve(wwwDir), pkg: path.resolve(pkgDir) };

  async function serveStatic(req, res, root, rel) {
    if (req.method !== "GET" && req.method !== "HEAD") return sendText(res, 405, "method not allowed");
    let decoded;
    try { decoded = decodeURIComponent(rel); } catch { return sendText(res, 400, "bad path"); }
    if (decoded.includes("\0") || decoded.split(/[\\/]/).includes("..")) return sendText(res, 400, "bad path");
    let file = path.resolve(root, "." + path.posix.normalize("/" + decoded));
    const inside = (p) => p === root || p.startsWith(root + path.sep);
    if (!inside(file)) return sendText(res, 400, "bad path");
    try {
      let stat = await fsp.stat(file);
      if (stat.isDirectory()) { file = path.join(file, "index.html"); stat = await fsp.stat(file); }
      // No escape through symlinks either.
      const [real, realRoot] = await Promise.all([fsp.realpath(file), fsp.realpath(root)]);
      if (real !== realRoot && !real.startsWith(realRoot + path.sep)) return sendText(res, 403, "forbidden");
      res.writeHead(200, {
        "content-type": CONTENT_TYPES[path.extname(file)] ?? "application/octet-stream",
        "content-length": stat.size,
        "cache-control": "no-store",
        "x-content-type-options": "nosniff",
      });
      if (req.method === "HEAD") return res.end();
      fs.createReadStream(file).pipe(res);
    } catch {
      const hint = root === roots.pkg ? " (pkg/ is built by ./build.sh build)" : "";
      sendText(res, 404, `not found: ${req.url}${hint}`);
    }
  }

  async function chat(req, res, url) {
    let body = {};
    if (req.method === "POST") {
      const raw = await readBody(req);
      if (raw.trim()) {
        try { body = JSON.parse(raw); } catch { return sendJson(res, 400, { error: { message: "body is not JSON" } }); }
      }
    } else if (req.method !== "GET") return sendText(res, 405, "method not allowed");
    const param = (name) => url.searchParams.get(name) ?? (body[name] !== undefined ? String(body[name]) : null);
    const num = (name, dflt) => {
      const v = param(name);
      return v === null || v === "" || !Number.isFinite(Number(v)) ? dflt : Number(v);
    };

    const dialectName = param("dialect") ?? "openai";
    if (!DIALECTS[dialectName]) return sendJson(res, 400, { error: { message: `unknown dialect ${dialectName}` } });
    const messages = Array.isArray(body.messages) ? body.messages : [];
    const prompt = param("prompt") ?? [...messages].reverse().find((m) => m?.role === "user")?.content;
    const answerName = pickAnswer(answers, param("answer"), typeof prompt === "string" ? prompt : "");
    if (!answerName) return sendJson(res, 404, { error: { message: `no answer named ${param("answer")}`,
      answers: [...answers.keys()] } });

    const seed = num("seed", Math.floor(Math.random() * 2 ** 31));
    const random = rng(seed);
    const tokens = tokenize(answers.get(answerName).text, random);
    const speed = Math.max(0, num("speed", 60));
    const fault = { status: num("status", 0), delay: Math.max(0, num("delay", 0)), errorAfter: num("errorAfter", -1),
      cutAfter: num("cutAfter", -1), dropAfter: num("dropAfter", -1) };
    const id = nextId++;
    const dialect = DIALECTS[dialectName](`replay-${id}`, "rillmark-replay");

    const record = { id, path: req.url, method: req.method, dialect: dialectName, answer: answerName, seed, speed,
      fault: null, startedAt: Date.now(), endedAt: null, completed: false, clientClosedEarly: false, bytesSent: 0,
      tokensSent: 0, tokensTotal: tokens.length };
    records.push(record);
    if (records.length > MAX_RECORDS) records.shift();

    let timer = null;
    let finished = false;
    const finish = (completed) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      record.endedAt = Date.now();
      record.completed = completed;
    };
    res.on("close", () => {
      if (!res.writableFinished && !finished) record.clientClosedEarly = true;
      finish(false);
      if (log) console.log(`#${id} ${record.dialect} ${answerName}: ${record.clientClosedEarly ? "client closed early" : "ended"} after ${record.tokensSent}/${tokens.length} tokens`);
    });
    const write = (buf) => { record.bytesSent += buf.length; res.write(buf); };
    const sleep = (ms) => new Promise((r) => { timer = setTimeout(r, ms); });

    if (fault.delay) await sleep(fault.delay);
    if (finished) return;
    if (fault.status >= 400) {
      record.fault = `status ${fault.status}`;
      const { type, body: errBody } = dialect.httpError(fault.status);
      res.writeHead(fault.status, { "content-type": type, "cache-control": "no-store", "x-request-id": String(id) });
      record.bytesSent += Buffer.byteLength(errBody);
      res.end(errBody, () => finish(true));
      return;
    }

    res.writeHead(200, { "content-type": dialect.contentType, "cache-control": "no-cache", connection: "keep-alive",
      "x-accel-buffering": "no", "x-request-id": String(id) });
    res.flushHeaders();
    const usage = body.stream_options?.include_usage === true;

    let due = Date.now();
    // Writes each frame, cut at the byte level, with a realistic inter-token delay.
    const emit = async (frames, pause) => {
      for (const frame of frames) {
        const parts = byteSplits(Buffer.from(frame, "utf8"), random);
        for (let i = 0; i < parts.length; i++) {
          if (finished) return;
          write(parts[i]);
          if (i < parts.length - 1 && speed > 0) await sleep(random.int(1, 4));
        }
      }
      if (pause && speed > 0 && !finished) {
        // A virtual clock keeps the average rate honest whatever the timer overhead.
        due += (1000 / speed) * (0.4 + 1.2 * random());
        if (random() < 0.01) due += 100 + 200 * random(); // an occasional stall
        await sleep(Math.max(0, due - Date.now()));
      }
    };

    await emit(dialect.start(), false);
    for (let i = 0; i < tokens.length; i++) {
      if (finished) return;
      if (i === fault.dropAfter) {
        // Let what was written reach the client, then reset the connection mid-body.
        record.fault = "drop";
        await new Promise((r) => setTimeout(r, 20));
        finish(false);
        res.destroy();
        return;
      }
      if (i === fault.cutAfter) { record.fault = "cut"; res.end(() => finish(true)); return; }
      if (i === fault.errorAfter) {
        record.fault = "error";
        await emit(dialect.error(), false);
        if (!finished) res.end(() => finish(true));
        return;
      }
      await emit(dialect.token(tokens[i]), true);
      record.tokensSent = i + 1;
    }
    if (finished) return;
    await emit(dialect.end(tokens.length, usage), false);
    if (!finished) res.end(() => finish(true));
  }

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, "http://localhost");
    try {
      if (url.pathname === "/api/chat") return await chat(req, res, url);
      if (url.pathname === "/api/answers") {
        return sendJson(res, 200, [...answers].map(([name, a]) => ({ name, title: a.title, bytes: Buffer.byteLength(a.text) })));
      }
      if (url.pathname === "/api/requests") {
        if (req.method === "DELETE") { records.length = 0; return sendJson(res, 200, []); }
        return sendJson(res, 200, records);
      }
      if (url.pathname.startsWith("/api/")) return sendText(res, 404, "unknown api");
      if (url.pathname === "/pkg" || url.pathname.startsWith("/pkg/")) {
        return await serveStatic(req, res, roots.pkg, url.pathname.slice(4) || "/");
      }
      return await serveStatic(req, res, roots.www, url.pathname);
    } catch (err) {
      if (!res.headersSent) sendText(res, err.status ?? 500, String(err.message ?? err));
      else res.destroy();
    }
  });

  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, resolve);
  });
  const actual = server.address().port;
  return {
    server,
    port: actual,
    url: `http://${host}:${actual}`,
    records,
    close: () => new Promise((resolve) => { server.closeAllConnections?.(); server.close(() => resolve()); }),
  };
}

// ---------------------------------------------------------------------------------------------------------------
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const port = Number(process.env.PORT ?? 8080);
  const srv = await startServer({ port, log: true });
  if (!fs.existsSync(path.join(HERE, "..", "pkg", "rillmark.js"))) {
    console.warn("warning: pkg/rillmark.js is missing; run ./build.sh build (the page needs it)");
  }
  console.log(`rillmark demo server: ${srv.url}/`);
  console.log(`  replay API: ${srv.url}/api/chat?answer=<name>&dialect=openai|anthropic|ollama|plain&speed=60`);
  console.log(`  answers: ${[...(await loadAnswers()).keys()].join(", ")}`);
  const stop = () => srv.close().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}
