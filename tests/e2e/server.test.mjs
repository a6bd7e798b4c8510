// The replay dev server on its own (no browser): wire shapes and content types per dialect, provider-style paths,
// error bodies, fault mechanics and the per-request record.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { loadAnswers, startServer, tokenize } from "../../www/server.mjs";
import { eventually } from "./helpers.mjs";

let srv;
before(async () => { srv = await startServer({ port: 0, upstream: null }); });
after(async () => { await srv?.close(); });

const chat = (query, init = {}) => fetch(`${srv.url}/api/chat?seed=1&${query}${query.includes("speed=") ? "" : "&speed=0"}${query.includes("answer=") ? "" : "&answer=hello"}`,
  { method: "POST", body: "{}", ...init });

test("every dialect: content type, extra headers, first and last frame", async () => {
  const want = {
    openai: ["text/event-stream; charset=utf-8", /^data: \{"id":"replay-\d+","object":"chat.completion.chunk"/, /data: \[DONE\]\n\n$/],
    "openai-responses": ["text/event-stream; charset=utf-8", /^event: response.created\ndata: /, /event: response.completed\ndata: .*"status":"completed".*\n\n$/],
    anthropic: ["text/event-stream; charset=utf-8", /^event: message_start\n/, /event: message_stop\ndata: \{"type":"message_stop"\}\n\n$/],
    gemini: ["text/event-stream", /^data: \{"candidates":\[\{"content":\{"parts":\[\{"text":/, /"finishReason":"STOP".*\r\n\r\n$/],
    ollama: ["application/x-ndjson", /^\{"model":"rillmark-replay"/, /"done_reason":"stop","done":true.*\}\n$/],
    vercel: ["text/event-stream", /^data: \{"type":"start","messageId":/, /data: \{"type":"finish","finishReason":"stop"\}\n\ndata: \[DONE\]\n\n$/],
    "vercel-legacy": ["text/plain; charset=utf-8", /^f:\{"messageId":/, /\nd:\{"finishReason":"stop","usage":\{"promptTokens":12,"completionTokens":\d+\}\}\n$/],
    llamacpp: ["text/event-stream", /^data: \{"index":0,"content":"#","tokens":\[\],"stop":false/, /"stop":true,.*"stop_type":"eos".*\n\n$/],
    plain: ["text/plain; charset=utf-8", /^# Hello 👋\n/, /Done — that's all\. ✅\n$/u],
  };
  for (const [dialect, [type, first, last]] of Object.entries(want)) {
    const res = await chat(`dialect=${dialect}`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), type, dialect);
    const body = await res.text();
    assert.match(body, first, `${dialect} first frame`);
    assert.match(body, last, `${dialect} terminal frame`);
    if (dialect === "vercel") assert.equal(res.headers.get("x-vercel-ai-ui-message-stream"), "v1");
    if (dialect === "vercel-legacy") assert.equal(res.headers.get("x-vercel-ai-data-stream"), "v1");
  }
});

test("reasoning is sent first in the dialects that carry it", async () => {
  const shapes = {
    openai: '"reasoning_content":"', "openai-responses": "event: response.reasoning_summary_text.delta",
    anthropic: '"type":"thinking_delta"', gemini: '"thought":true', ollama: '"thinking":"', vercel: '"type":"reasoning-delta"',
    "vercel-legacy": "\ng:\"",
  };
  for (const [dialect, marker] of Object.entries(shapes)) {
    const body = await (await chat(`dialect=${dialect}&answer=tour`)).text();
    assert.ok(body.includes(marker), `${dialect} should carry reasoning (${marker})`);
    const noReasoning = await (await chat(`dialect=${dialect}&answer=tour&reasoning=0`)).text();
    assert.ok(!noReasoning.includes(marker), `${dialect}: reasoning=0 leaves it out`);
  }
});

test("provider-style paths replay in their dialect", async () => {
  const paths = { "/v1/chat/completions": "openai", "/v1/responses": "openai-responses", "/v1/messages": "anthropic",
    "/v1beta/models/gemini-2.5-flash:streamGenerateContent": "gemini", "/completion": "llamacpp", "/api/ollama/chat": "ollama" };
  for (const [p, dialect] of Object.entries(paths)) {
    const res = await fetch(`${srv.url}${p}?alt=sse&speed=0`, { method: "POST", body: JSON.stringify({ messages: [{ role: "user", content: "hello" }] }) });
    assert.equal(res.status, 200, p);
    await res.text();
    assert.equal(srv.records.at(-1).dialect, dialect, p);
    assert.equal(srv.records.at(-1).answer, "hello", `${p}: the answer is chosen from the prompt`);
  }
});

test("HTTP 429/500 carry the provider's JSON error body (and retry-after for 429)", async () => {
  for (const dialect of ["openai", "anthropic", "gemini", "ollama", "llamacpp"]) {
    const res = await chat(`dialect=${dialect}&status=429`);
    assert.equal(res.status, 429);
    assert.equal(res.headers.get("retry-after"), "1");
    assert.match(res.headers.get("content-type"), /^application\/json/);
    const body = await res.json();
    assert.match(JSON.stringify(body), /Rate limit reached/, dialect);
    const r500 = await chat(`dialect=${dialect}&status=500`);
    assert.equal(r500.status, 500);
    assert.match(JSON.stringify(await r500.json()), /error while processing/);
  }
});

test("faults: drip writes byte by byte, bigLine sends one long line, contentType overrides, noEnd drops the marker", async () => {
  // Count the chunks the client receives for a dripped body (each socket write arrives as its own HTTP chunk).
  const chunks = await new Promise((resolve, reject) => {
    http.request(`${srv.url}/api/chat?answer=hello&speed=0&dialect=vercel-legacy&drip=1`, { method: "POST" }, (res) => {
      let n = 0;
      res.on("data", () => { n += 1; });
      res.on("end", () => resolve(n));
    }).on("error", reject).end("{}");
  });
  const bytes = srv.records.at(-1).bytesSent;
  assert.ok(chunks > bytes / 4, `a dripped body should arrive in many pieces (${chunks} reads for ${bytes} bytes)`);

  const big = await (await chat("dialect=ollama&bigLine=1&bigLineAfter=3")).text();
  const longest = Math.max(...big.split("\n").map((l) => l.length));
  assert.ok(longest > 1 << 20, `one line over 1 MiB (${longest})`);

  const wrong = await chat("dialect=anthropic&contentType=application/octet-stream");
  assert.equal(wrong.headers.get("content-type"), "application/octet-stream");
  await wrong.text();

  const noEnd = await (await chat("dialect=openai&noEnd=1")).text();
  assert.doesNotMatch(noEnd, /\[DONE\]|"finish_reason":"stop"/);
  assert.equal(srv.records.at(-1).fault, "no terminal marker");

  const bad = await (await chat("dialect=anthropic&malformedAfter=2")).text();
  assert.equal(bad.split("\n\n").filter((f) => f.startsWith("event: content_block_delta") && !f.trim().endsWith("}")).length, 1);
});

test("the record notes when a client disconnects early", async () => {
  const controller = new AbortController();
  const res = await chat("dialect=openai&speed=50&answer=longcode", { signal: controller.signal });
  const reader = res.body.getReader();
  await reader.read();
  controller.abort();
  const rec = await eventually(() => srv.records.at(-1).endedAt && srv.records.at(-1), { message: "the request to end" });
  assert.equal(rec.clientClosedEarly, true, JSON.stringify(rec));
  assert.equal(rec.completed, false);
  assert.ok(rec.disconnectedAt >= rec.startedAt);
  assert.ok(rec.tokensSent < rec.tokensTotal);
});

test("tokenize keeps every answer's text, and the pass-through needs its configuration", async () => {
  for (const [name, { text, reasoning }] of await loadAnswers()) {
    assert.equal(tokenize(text).join(""), text, name);
    if (reasoning) assert.equal(tokenize(reasoning).join(""), reasoning, name);
  }
  const res = await chat("dialect=upstream");
  assert.equal(res.status, 501);
  const config = await (await fetch(`${srv.url}/api/config`)).json();
  assert.equal(config.upstream, null);
  assert.ok(config.dialects.includes("llamacpp"));
});
