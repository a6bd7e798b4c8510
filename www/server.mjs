// rillmark dev server: serves the demo page (www/) and the built package (/pkg/), and replays stored markdown
// answers (www/answers/*.md) as a streamed LLM response in every wire format rillmark reads, with fault injection.
// Zero dependencies; binds 127.0.0.1 only. Run: `node www/server.mjs` (PORT env, default 8080), or import
// `startServer()` from a test (port 0 picks a free port).
//
// Endpoints
//   GET  /, /app.mjs, …          static files from www/
//   GET  /pkg/…                  static files from pkg/ (built by ./build.sh build)
//   POST /api/chat  (or GET)     replay an answer; parameters from the query string, else from the JSON body:
//        answer=<name>           which www/answers/<name>.md (default: chosen from the last user message)
//        dialect=<name>          wire format: openai | openai-responses | anthropic | gemini | ollama | vercel |
//                                vercel-legacy | llamacpp | plain (default openai); see www/dialects.mjs
//        speed=<tokens/s>        default 60, with jitter; 0 = as fast as the socket takes it
//        seed=<int>              makes tokenisation and timing reproducible
//        reasoning=0             leave out the answer's reasoning (www/answers/<name>.reasoning.md), if it has one
//      Faults (combine freely):
//        status=<code>           fail before streaming with this HTTP status and the provider's JSON error body
//                                (429 also sends retry-after)
//        delay=<ms>              wait before sending the response headers
//        stall=<ms>              after stallAfter=<n> tokens (default 20) send nothing for <ms>, then go on
//        errorAfter=<n>          after n tokens send the dialect's in-stream provider error event, then end
//        malformedAfter=<n>      after n tokens send one frame with its JSON cut in half, then go on
//        cutAfter=<n>            after n tokens end the body cleanly, without the terminal marker
//        noEnd=1                 send the whole answer but not the terminal marker (nor Gemini's finishReason)
//        dropAfter=<n>           after n tokens destroy the connection (a network error on the client)
//        drip=1                  write the body one byte per socket write (TCP_NODELAY)
//        bigLine=<MB>            after bigLineAfter=<n> tokens (default 20) send one token of <MB> MiB (default 1)
//                                on a single line (one frame, no newline in it)
//        contentType=<type>      send this Content-Type instead of the dialect's (e.g. application/octet-stream)
//   Provider-style paths replay in their dialect: POST /v1/chat/completions (openai), /v1/responses,
//   /v1/messages (anthropic), /v1beta/models/<m>:streamGenerateContent (gemini), /completion (llama.cpp),
//   /api/ollama/chat (ollama); the parameters above work there too.
//   GET  /api/answers            [{name, title, bytes, reasoning}]
//   GET  /api/config             {dialects, upstream: null | {kind, model, url}, plugins: whether www/vendor/plugins.js
//                                is built (www/build-plugins.mjs)} (for the page's pickers)
//   GET  /api/requests           [{id, path, method, dialect, answer, contentType, status, fault, startedAt,
//                                  endedAt, completed, clientClosedEarly, disconnectedAt, bytesSent, tokensSent,
//                                  tokensTotal}] (times: epoch ms; completed: the server sent its whole response,
//                                  injected faults included; clientClosedEarly/disconnectedAt: the client closed
//                                  the connection before that)
//   DELETE /api/requests         forget the recorded requests
//
// Pass-through to a real model (optional; replay stays the default). With these environment variables set,
// `POST /api/chat?dialect=upstream` (the page offers it as "live model") forwards the conversation to the endpoint
// and streams its response back unchanged (status, content type, body); closing the client connection aborts the
// upstream request.
//   RILLMARK_UPSTREAM_URL     base URL, e.g. http://127.0.0.1:11434 (Ollama), http://127.0.0.1:8000/v1 (vLLM,
//                             llama.cpp server), https://api.openai.com/v1
//   RILLMARK_UPSTREAM_KIND    openai (POST <url>/chat/completions, SSE) or ollama (POST <url>/api/chat, NDJSON);
//                             default: ollama when the URL's port is 11434, else openai
//   RILLMARK_UPSTREAM_MODEL   the model name to request (required)
//   RILLMARK_UPSTREAM_KEY     sent as `Authorization: Bearer …` (optional; never logged or sent to the page)
// The tests never set these; they check the pass-through against a second replay server on 127.0.0.1.

import http from "node:http";
import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { DIALECTS, DIALECT_PATHS } from "./dialects.mjs";

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
  // KaTeX's fonts (www/vendor/katex/fonts/)
  ".woff2": "font/woff2",
  ".woff": "font/woff",
  ".ttf": "font/ttf",
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
  const files = (await fsp.readdir(dir)).sort();
  for (const file of files.filter((f) => f.endsWith(".md") && !f.endsWith(".reasoning.md"))) {
    const name = file.slice(0, -3);
    const text = await fsp.readFile(path.join(dir, file), "utf8");
    const title = (text.match(/^#+\s+(.*)$/m)?.[1] ?? file).trim();
    const reasoningFile = path.join(dir, `${name}.reasoning.md`);
    const reasoning = files.includes(`${name}.reasoning.md`) ? await fsp.readFile(reasoningFile, "utf8") : null;
    answers.set(name, { text, title, reasoning });
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

// A line of `bytes` bytes of prose with no newline (a model that never breaks its paragraph).
function bigLine(bytes) {
  const words = "a single line that never ends keeps going without any newline at all".split(" ");
  const parts = [" "];
  let size = 1;
  for (let i = 0; size < bytes; i++) { const w = words[i % words.length] + " "; parts.push(w); size += w.length; }
  return parts.join("").slice(0, bytes);
}

/** The pass-through configuration from RILLMARK_UPSTREAM_* (see the header), or null. */
export function upstreamFromEnv(env = process.env) {
  const url = env.RILLMARK_UPSTREAM_URL;
  if (!url) return null;
  if (!env.RILLMARK_UPSTREAM_MODEL) throw new Error("RILLMARK_UPSTREAM_URL is set but RILLMARK_UPSTREAM_MODEL is not");
  let kind = env.RILLMARK_UPSTREAM_KIND;
  if (!kind) kind = new URL(url).port === "11434" ? "ollama" : "openai";
  if (kind !== "openai" && kind !== "ollama") throw new Error(`RILLMARK_UPSTREAM_KIND must be openai or ollama, not ${kind}`);
  return { url, kind, model: env.RILLMARK_UPSTREAM_MODEL, key: env.RILLMARK_UPSTREAM_KEY || null };
}

// ---------------------------------------------------------------------------------------------------------------
export async function startServer({ port = 0, host = HOST, wwwDir = HERE, pkgDir = path.join(HERE, "..", "pkg"),
  answersDir = path.join(wwwDir, "answers"), log = false, upstream = upstreamFromEnv() } = {}) {
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

  async function chat(req, res, url, pathDialect = null) {
    let body = {};
    if (req.method === "POST") {
      const raw = await readBody(req);
      if (raw.trim()) {
        try { body = JSON.parse(raw); } catch { return sendJson(res, 400, { error: { message: "body is not JSON" } }); }
      }
    } else if (req.method !== "GET") return sendText(res, 405, "method not allowed");
    const param = (name) => url.searchParams.get(name) ??
      (body[name] !== undefined && typeof body[name] !== "object" ? String(body[name]) : null);
    const num = (name, dflt) => {
      const v = param(name);
      return v === null || v === "" || !Number.isFinite(Number(v)) ? dflt : Number(v);
    };

    const dialectName = pathDialect ?? param("dialect") ?? "openai";
    if (dialectName === "upstream") return passThrough(req, res, url, body);
    if (!DIALECTS[dialectName]) {
      return sendJson(res, 400, { error: { message: `unknown dialect ${dialectName}`, dialects: Object.keys(DIALECTS) } });
    }
    const messages = Array.isArray(body.messages) ? body.messages : Array.isArray(body.input) ? body.input
      : Array.isArray(body.contents) ? body.contents.map((c) => ({ role: c.role, content: c.parts?.[0]?.text })) : [];
    const prompt = param("prompt") ?? [...messages].reverse().find((m) => m?.role === "user")?.content ?? body.prompt;
    const answerName = pickAnswer(answers, param("answer"), typeof prompt === "string" ? prompt : "");
    if (!answerName) return sendJson(res, 404, { error: { message: `no answer named ${param("answer")}`,
      answers: [...answers.keys()] } });

    const seed = num("seed", Math.floor(Math.random() * 2 ** 31));
    const random = rng(seed);
    const answer = answers.get(answerName);
    const tokens = tokenize(answer.text, random);
    const id = nextId++;
    const dialect = DIALECTS[dialectName](`replay-${id}`, "rillmark-replay");
    const thoughts = answer.reasoning && dialect.reasoning && param("reasoning") !== "0"
      ? tokenize(answer.reasoning, random) : [];
    const speed = Math.max(0, num("speed", 60));
    const fault = {
      status: num("status", 0), delay: Math.max(0, num("delay", 0)),
      stall: Math.max(0, num("stall", 0)), stallAfter: num("stallAfter", 20),
      errorAfter: num("errorAfter", -1), malformedAfter: num("malformedAfter", -1), cutAfter: num("cutAfter", -1),
      noEnd: param("noEnd") === "1" || param("noEnd") === "true", dropAfter: num("dropAfter", -1),
      drip: param("drip") === "1" || param("drip") === "true",
      bigLine: param("bigLine") === null ? 0 : num("bigLine", 1) || 1, bigLineAfter: num("bigLineAfter", 20),
      contentType: param("contentType"),
    };
    const faults = [];
    const record = { id, path: req.url, method: req.method, dialect: dialectName, answer: answerName, seed, speed,
      contentType: null, status: null, fault: null, startedAt: Date.now(), endedAt: null, completed: false,
      clientClosedEarly: false, disconnectedAt: null, bytesSent: 0, tokensSent: 0, tokensTotal: tokens.length,
      reasoningTokens: thoughts.length };
    const noteFault = (what) => { faults.push(what); record.fault = faults.join(", "); };
    records.push(record);
    if (records.length > MAX_RECORDS) records.shift();

    let timer = null;
    let wake = null;
    let finished = false;
    const finish = (completed) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      wake?.();
      record.endedAt = Date.now();
      record.completed = completed;
    };
    res.on("close", () => {
      if (!res.writableFinished && !finished) {
        record.clientClosedEarly = true;
        record.disconnectedAt = Date.now();
      }
      finish(false);
      if (log) {
        console.log(`#${id} ${dialectName} ${answerName}${record.fault ? ` [${record.fault}]` : ""}: ` +
          `${record.clientClosedEarly ? "client closed early" : "ended"} after ${record.tokensSent}/${tokens.length} tokens`);
      }
    });
    const write = (buf) => { record.bytesSent += buf.length; res.write(buf); };
    const sleep = (ms) => new Promise((r) => { wake = r; timer = setTimeout(r, ms); });

    if (fault.delay) { noteFault(`delay ${fault.delay} ms`); await sleep(fault.delay); }
    if (finished) return;
    if (fault.status >= 400) {
      noteFault(`status ${fault.status}`);
      const message = fault.status === 429
        ? "Rate limit reached for requests (replay server: injected HTTP 429). Please try again in 1s."
        : `The server had an error while processing your request (replay server: injected HTTP ${fault.status}).`;
      const { type, body: errBody } = dialect.httpError(fault.status, message);
      record.status = fault.status;
      record.contentType = type;
      res.writeHead(fault.status, { "content-type": type, "cache-control": "no-store", "x-request-id": String(id),
        ...(fault.status === 429 ? { "retry-after": "1" } : {}) });
      record.bytesSent += Buffer.byteLength(errBody);
      res.end(errBody, () => finish(true));
      return;
    }

    const contentType = fault.contentType ?? dialect.contentType;
    if (fault.contentType) noteFault(`content-type ${fault.contentType}`);
    record.status = 200;
    record.contentType = contentType;
    res.writeHead(200, { "content-type": contentType, "cache-control": "no-cache", connection: "keep-alive",
      "x-accel-buffering": "no", "x-request-id": String(id), ...(dialect.headers ?? {}) });
    res.flushHeaders();
    if (fault.drip) { noteFault("drip"); res.socket?.setNoDelay(true); }

    let due = Date.now();
    // Writes each frame, cut at the byte level (or byte by byte for drip), with a realistic inter-token delay.
    const emit = async (frames, pause) => {
      for (const frame of frames) {
        const buf = Buffer.from(frame, "utf8");
        const parts = fault.drip ? Array.from(buf, (_, i) => buf.subarray(i, i + 1)) : byteSplits(buf, random);
        for (let i = 0; i < parts.length; i++) {
          if (finished) return;
          write(parts[i]);
          if (i < parts.length - 1) {
            if (fault.drip) await new Promise((r) => setImmediate(r));
            else if (speed > 0) await sleep(random.int(1, 4));
          }
        }
      }
      if (pause && speed > 0 && !finished) {
        // A virtual clock keeps the average rate honest whatever the timer overhead.
        due += (1000 / speed) * (0.4 + 1.2 * random());
        if (random() < 0.01) due += 100 + 200 * random(); // an occasional stall
        await sleep(Math.max(0, due - Date.now()));
      } else if (fault.drip && !finished) await new Promise((r) => setImmediate(r));
    };
    const ended = () => finished;

    await emit(dialect.start(), false);
    for (const t of thoughts) {
      if (ended()) return;
      await emit(dialect.reasoning(t), true);
    }
    for (let i = 0; i < tokens.length; i++) {
      if (ended()) return;
      if (i === fault.dropAfter) {
        // Let what was written reach the client, then reset the connection mid-body.
        noteFault(`drop after ${i}`);
        await new Promise((r) => setTimeout(r, 20));
        finish(false);
        res.destroy();
        return;
      }
      if (i === fault.cutAfter) { noteFault(`cut after ${i}`); res.end(() => finish(true)); return; }
      if (i === fault.errorAfter) {
        noteFault(`error after ${i}`);
        await emit(dialect.error("The model is overloaded (replay server: injected provider error). Please retry."), false);
        if (!finished) res.end(() => finish(true));
        return;
      }
      if (i === fault.malformedAfter) { noteFault(`malformed after ${i}`); await emit(dialect.malformed(), false); }
      if (fault.stall && i === fault.stallAfter) {
        noteFault(`stall ${fault.stall} ms after ${i}`);
        await sleep(fault.stall);
        due = Date.now();
        if (ended()) return;
      }
      if (fault.bigLine && i === fault.bigLineAfter) {
        noteFault(`${fault.bigLine} MiB line after ${i}`);
        const big = bigLine(fault.bigLine * (1 << 20));
        const frame = dialect.token(big, { last: false }).join("");
        record.bytesSent += Buffer.byteLength(frame);
        res.write(frame); // one write: drip and byte splits would only slow this down
      }
      await emit(dialect.token(tokens[i], { last: i === tokens.length - 1 && !fault.noEnd }), true);
      record.tokensSent = i + 1;
    }
    if (ended()) return;
    if (fault.noEnd) noteFault("no terminal marker");
    else await emit(dialect.end(tokens.length), false);
    if (!finished) res.end(() => finish(true));
  }

  // Forwards the conversation to RILLMARK_UPSTREAM_URL (see the header) and streams the response back unchanged.
  async function passThrough(req, res, url, body) {
    if (!upstream) {
      return sendJson(res, 501, { error: { message: "no upstream configured: set RILLMARK_UPSTREAM_URL and RILLMARK_UPSTREAM_MODEL" } });
    }
    const id = nextId++;
    const record = { id, path: req.url, method: req.method, dialect: `upstream:${upstream.kind}`, answer: null,
      contentType: null, status: null, fault: null, startedAt: Date.now(), endedAt: null, completed: false,
      clientClosedEarly: false, disconnectedAt: null, bytesSent: 0, tokensSent: 0, tokensTotal: 0 };
    records.push(record);
    if (records.length > MAX_RECORDS) records.shift();
    const controller = new AbortController();
    res.on("close", () => {
      if (!res.writableFinished) {
        record.clientClosedEarly = true;
        record.disconnectedAt = Date.now();
        controller.abort();
      }
      record.endedAt ??= Date.now();
    });
    const messages = (Array.isArray(body.messages) ? body.messages : [])
      .filter((m) => m && typeof m.content === "string" && ["user", "assistant", "system"].includes(m.role))
      .map((m) => ({ role: m.role, content: m.content }));
    const base = upstream.url.replace(/\/+$/, "");
    const target = upstream.kind === "ollama" ? `${base}/api/chat` : `${base}/chat/completions`;
    const headers = { "content-type": "application/json", ...(upstream.key ? { authorization: `Bearer ${upstream.key}` } : {}) };
    try {
      const up = await fetch(target, { method: "POST", headers, signal: controller.signal,
        body: JSON.stringify({ model: upstream.model, stream: true, messages }) });
      record.status = up.status;
      record.contentType = up.headers.get("content-type");
      const pass = { "cache-control": "no-cache", "x-request-id": String(id) };
      for (const h of ["content-type", "x-vercel-ai-data-stream", "x-vercel-ai-ui-message-stream", "retry-after"]) {
        if (up.headers.has(h)) pass[h] = up.headers.get(h);
      }
      res.writeHead(up.status, pass);
      res.flushHeaders();
      if (up.body) {
        for await (const chunk of up.body) {
          record.bytesSent += chunk.length;
          res.write(chunk);
        }
      }
      record.completed = true;
      res.end();
    } catch (err) {
      if (controller.signal.aborted) return;
      if (!res.headersSent) sendJson(res, 502, { error: { message: `upstream ${target}: ${err.message}` } });
      else res.destroy();
    } finally {
      record.endedAt = Date.now();
    }
  }

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, "http://localhost");
    try {
      if (url.pathname === "/api/chat") return await chat(req, res, url);
      const aliased = DIALECT_PATHS.find(([re]) => re.test(url.pathname));
      if (aliased) return await chat(req, res, url, aliased[1]);
      if (url.pathname === "/api/config") {
        return sendJson(res, 200, { dialects: Object.keys(DIALECTS),
          upstream: upstream ? { kind: upstream.kind, model: upstream.model, url: upstream.url } : null,
          plugins: fs.existsSync(path.join(roots.www, "vendor", "plugins.js")) });
      }
      if (url.pathname === "/api/answers") {
        return sendJson(res, 200, [...answers].map(([name, a]) => ({ name, title: a.title, bytes: Buffer.byteLength(a.text),
          reasoning: a.reasoning !== null })));
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
  console.log(`  replay API: ${srv.url}/api/chat?answer=<name>&dialect=<${Object.keys(DIALECTS).join("|")}>&speed=60`);
  const up = upstreamFromEnv();
  if (up) console.log(`  pass-through: dialect=upstream -> ${up.kind} ${up.url} (model ${up.model})`);
  console.log(`  answers: ${[...(await loadAnswers()).keys()].join(", ")}`);
  const stop = () => srv.close().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}
