// Wire encoders of the replay server (www/server.mjs): one per dialect rillmark reads. Each turns a replayed answer
// (reasoning tokens, then answer tokens) into the frames a real provider would put on the wire, in the shapes of the
// recorded streams in tests/fixtures/real-streams/ and the documented ones in tests/fixtures/docs/.
//
// An encoder is made per request: `make(id, model)` returns
//   contentType, headers            what the response carries (headers: extra response headers)
//   start()                         frames before the first token
//   reasoning(text)                 frames of one reasoning ("thinking") token; null when the dialect has no reasoning
//   token(text, { last })           frames of one answer token (`last`: the final one, for Gemini's finishReason)
//   end(count)                      the terminal frames (the terminal marker is the last of them)
//   error(message)                  a provider error event, mid-stream (empty when the format has none: plain text)
//   malformed()                     one frame that cannot be read (JSON cut in half), the stream then goes on
//   httpError(status, message)      { type, body } of a non-2xx response
// Every frame is a string; the server cuts them into socket writes.

const now = () => Math.floor(Date.now() / 1000);
const sse = (data, event) => `${event ? `event: ${event}\n` : ""}data: ${data}\n\n`;
const half = (json) => json.slice(0, Math.max(1, Math.floor(json.length / 2)));
const usage = (n) => ({ prompt_tokens: 12, completion_tokens: n, total_tokens: 12 + n });

function openai(id, model) {
  const chunk = (delta, finish = null) => JSON.stringify({
    id, object: "chat.completion.chunk", created: now(), model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  });
  return {
    contentType: "text/event-stream; charset=utf-8",
    start: () => [sse(chunk({ role: "assistant", content: "", refusal: null }))],
    // DeepSeek's field; OpenRouter and Groq call it `reasoning`.
    reasoning: (t) => [sse(chunk({ reasoning_content: t }))],
    token: (t) => [sse(chunk({ content: t }))],
    end: (n) => [
      sse(chunk({}, "stop")),
      sse(JSON.stringify({ id, object: "chat.completion.chunk", created: now(), model, choices: [], usage: usage(n) })),
      sse("[DONE]"),
    ],
    error: (message) => [sse(JSON.stringify({ error: { message, type: "server_error", param: null, code: null } }))],
    malformed: () => [sse(half(chunk({ content: " (this frame is cut in half)" })))],
    httpError: (status, message) => ({ type: "application/json; charset=utf-8", body: JSON.stringify({ error: {
      message, type: status === 429 ? "requests" : "server_error", param: null,
      code: status === 429 ? "rate_limit_exceeded" : null } }) }),
  };
}

function responses(id, model) {
  let seq = 0;
  let reasoningOpen = false;
  let textOpen = false;
  const msgId = `msg_${id}`;
  const rsId = `rs_${id}`;
  const ev = (type, data) => sse(JSON.stringify({ type, sequence_number: seq++, ...data }), type);
  const response = (status, extra = {}) => ({ id: `resp_${id}`, object: "response", created_at: now(), status,
    error: null, incomplete_details: null, model, output: [], usage: null, ...extra });
  const closeReasoning = () => {
    if (!reasoningOpen) return [];
    reasoningOpen = false;
    return [
      ev("response.reasoning_summary_part.done", { item_id: rsId, output_index: 0, summary_index: 0 }),
      ev("response.output_item.done", { output_index: 0, item: { id: rsId, type: "reasoning", summary: [] } }),
    ];
  };
  return {
    contentType: "text/event-stream; charset=utf-8",
    start: () => [ev("response.created", { response: response("in_progress") }),
      ev("response.in_progress", { response: response("in_progress") })],
    reasoning: (t) => [
      ...(reasoningOpen ? [] : (reasoningOpen = true, [
        ev("response.output_item.added", { output_index: 0, item: { id: rsId, type: "reasoning", summary: [] } }),
        ev("response.reasoning_summary_part.added", { item_id: rsId, output_index: 0, summary_index: 0,
          part: { type: "summary_text", text: "" } }),
      ])),
      ev("response.reasoning_summary_text.delta", { item_id: rsId, output_index: 0, summary_index: 0, delta: t }),
    ],
    token: (t) => [
      ...closeReasoning(),
      ...(textOpen ? [] : (textOpen = true, [
        ev("response.output_item.added", { output_index: 1, item: { id: msgId, type: "message", status: "in_progress",
          content: [], role: "assistant" } }),
        ev("response.content_part.added", { item_id: msgId, output_index: 1, content_index: 0,
          part: { type: "output_text", annotations: [], logprobs: [], text: "" } }),
      ])),
      ev("response.output_text.delta", { item_id: msgId, output_index: 1, content_index: 0, delta: t, logprobs: [] }),
    ],
    end: (n) => [
      ...closeReasoning(),
      ev("response.output_text.done", { item_id: msgId, output_index: 1, content_index: 0, text: "…" }),
      ev("response.output_item.done", { output_index: 1, item: { id: msgId, type: "message", status: "completed",
        role: "assistant", content: [] } }),
      ev("response.completed", { response: response("completed", {
        usage: { input_tokens: 12, output_tokens: n, total_tokens: 12 + n } }) }),
    ],
    error: (message) => [ev("error", { code: "server_error", message, param: null })],
    malformed: () => [`event: response.output_text.delta\ndata: ${half(JSON.stringify({
      type: "response.output_text.delta", item_id: msgId, output_index: 1, content_index: 0, delta: " (cut)" }))}\n\n`],
    httpError: openai(id, model).httpError,
  };
}

function anthropic(id, model) {
  const ev = (type, data) => sse(JSON.stringify({ type, ...data }), type);
  let block = -1;
  let kind = null; // "thinking" | "text"
  const open = (want) => {
    if (kind === want) return [];
    const frames = kind ? [ev("content_block_stop", { index: block })] : [];
    block += 1;
    kind = want;
    const content_block = want === "thinking" ? { type: "thinking", thinking: "", signature: "" } : { type: "text", text: "" };
    return [...frames, ev("content_block_start", { index: block, content_block })];
  };
  return {
    contentType: "text/event-stream; charset=utf-8",
    start: () => [
      ev("message_start", { message: { id, type: "message", role: "assistant", model, content: [], stop_reason: null,
        stop_sequence: null, usage: { input_tokens: 12, output_tokens: 1 } } }),
      ev("ping", {}),
    ],
    reasoning: (t) => [...open("thinking"), ev("content_block_delta", { index: block,
      delta: { type: "thinking_delta", thinking: t } })],
    token: (t) => [...open("text"), ev("content_block_delta", { index: block, delta: { type: "text_delta", text: t } })],
    end: (n) => [
      ...(kind ? [ev("content_block_stop", { index: block })] : []),
      ev("message_delta", { delta: { stop_reason: "end_turn", stop_sequence: null }, usage: { output_tokens: n } }),
      ev("message_stop", {}),
    ],
    error: (message) => [ev("error", { error: { type: "overloaded_error", message } })],
    malformed: () => [`event: content_block_delta\ndata: ${half(JSON.stringify({ type: "content_block_delta",
      index: Math.max(block, 0), delta: { type: "text_delta", text: " (cut)" } }))}\n\n`],
    httpError: (status, message) => ({ type: "application/json", body: JSON.stringify({ type: "error", error: {
      type: status === 429 ? "rate_limit_error" : status === 529 ? "overloaded_error" : "api_error", message } }) }),
  };
}

function gemini(id) {
  // Google ends its SSE lines with CRLF; there is no end marker: the chunk with finishReason is the last one.
  const frame = (json) => `data: ${json}\r\n\r\n`;
  let count = 0;
  const chunk = (parts, finish) => JSON.stringify({
    candidates: [{ content: { parts, role: "model" }, ...(finish ? { finishReason: "STOP" } : {}), index: 0 }],
    usageMetadata: { promptTokenCount: 12, candidatesTokenCount: count, totalTokenCount: 12 + count },
    modelVersion: "gemini-2.5-flash", responseId: id,
  });
  return {
    contentType: "text/event-stream",
    start: () => [],
    reasoning: (t) => [frame(chunk([{ text: t, thought: true }]))],
    token: (t, { last = false } = {}) => { count += 1; return [frame(chunk([{ text: t }], last))]; },
    end: () => [],
    error: (message) => [frame(JSON.stringify({ error: { code: 500, message, status: "INTERNAL" } }))],
    malformed: () => [frame(half(chunk([{ text: " (cut)" }])))],
    httpError: (status, message) => ({ type: "application/json; charset=UTF-8", body: JSON.stringify({ error: {
      code: status, message, status: status === 429 ? "RESOURCE_EXHAUSTED" : "INTERNAL" } }) }),
  };
}

function ollama(_id, model) {
  const line = (o) => JSON.stringify({ model, created_at: new Date().toISOString(), ...o }) + "\n";
  return {
    contentType: "application/x-ndjson",
    start: () => [],
    reasoning: (t) => [line({ message: { role: "assistant", content: "", thinking: t }, done: false })],
    token: (t) => [line({ message: { role: "assistant", content: t }, done: false })],
    end: (n) => [line({ message: { role: "assistant", content: "" }, done_reason: "stop", done: true,
      total_duration: 1_234_567_890, load_duration: 12_345_678, prompt_eval_count: 12, prompt_eval_duration: 23_456_789,
      eval_count: n, eval_duration: 1_100_000_000 })],
    error: (message) => [JSON.stringify({ error: message }) + "\n"],
    malformed: () => [half(line({ message: { role: "assistant", content: " (cut)" }, done: false }).trim()) + "\n"],
    httpError: (_status, message) => ({ type: "application/json; charset=utf-8", body: JSON.stringify({ error: message }) }),
  };
}

function vercel(id) {
  // AI SDK 5 UI message stream: SSE of JSON parts, `[DONE]` at the end.
  const part = (o) => sse(JSON.stringify(o));
  let reasoningOpen = false;
  let textOpen = false;
  const closeReasoning = () => (reasoningOpen ? (reasoningOpen = false, [part({ type: "reasoning-end", id: "r0" })]) : []);
  return {
    contentType: "text/event-stream",
    headers: { "x-vercel-ai-ui-message-stream": "v1" },
    start: () => [part({ type: "start", messageId: `msg-${id}` }), part({ type: "start-step" })],
    reasoning: (t) => [...(reasoningOpen ? [] : (reasoningOpen = true, [part({ type: "reasoning-start", id: "r0" })])),
      part({ type: "reasoning-delta", id: "r0", delta: t })],
    token: (t) => [...closeReasoning(), ...(textOpen ? [] : (textOpen = true, [part({ type: "text-start", id: "t0" })])),
      part({ type: "text-delta", id: "t0", delta: t })],
    end: () => [...closeReasoning(), ...(textOpen ? [part({ type: "text-end", id: "t0" })] : []),
      part({ type: "finish-step" }), part({ type: "finish", finishReason: "stop" }), sse("[DONE]")],
    error: (message) => [part({ type: "error", errorText: message })],
    malformed: () => [sse(half(JSON.stringify({ type: "text-delta", id: "t0", delta: " (cut)" })))],
    httpError: (_status, message) => ({ type: "application/json", body: JSON.stringify({ error: message }) }),
  };
}

function vercelLegacy(id) {
  // AI SDK 3.x–4.x data stream: `TYPE:JSON` lines, served as text/plain with x-vercel-ai-data-stream: v1.
  const u = (n) => ({ promptTokens: 12, completionTokens: n });
  return {
    contentType: "text/plain; charset=utf-8",
    headers: { "x-vercel-ai-data-stream": "v1" },
    start: () => [`f:${JSON.stringify({ messageId: `msg-${id}` })}\n`],
    reasoning: (t) => [`g:${JSON.stringify(t)}\n`],
    token: (t) => [`0:${JSON.stringify(t)}\n`],
    end: (n) => [`e:${JSON.stringify({ finishReason: "stop", usage: u(n), isContinued: false })}\n`,
      `d:${JSON.stringify({ finishReason: "stop", usage: u(n) })}\n`],
    error: (message) => [`3:${JSON.stringify(message)}\n`],
    malformed: () => [`0:"an unterminated string\n`],
    httpError: (_status, message) => ({ type: "text/plain; charset=utf-8", body: message }),
  };
}

function llamacpp(_id, model) {
  // llama-server's native POST /completion: SSE, one object per event, `"stop": true` on the last one.
  let n = 0;
  const data = (o) => sse(JSON.stringify(o));
  return {
    contentType: "text/event-stream",
    start: () => [],
    reasoning: null,
    token: (t) => { n += 1; return [data({ index: 0, content: t, tokens: [], stop: false, id_slot: 0,
      tokens_predicted: n, tokens_evaluated: 12 })]; },
    end: (count) => [data({ index: 0, content: "", tokens: [], id_slot: 0, stop: true, model, tokens_predicted: count,
      tokens_evaluated: 12, stop_type: "eos", stopping_word: "", truncated: false,
      timings: { prompt_n: 12, prompt_ms: 45.2, predicted_n: count, predicted_ms: 20 * count } })],
    error: (message) => [data({ error: { code: 500, message, type: "server_error" } })],
    malformed: () => [sse(half(JSON.stringify({ index: 0, content: " (cut)", tokens: [], stop: false })))],
    httpError: (status, message) => ({ type: "application/json; charset=utf-8", body: JSON.stringify({ error: {
      code: status, message, type: status === 429 ? "unavailable_error" : "server_error" } }) }),
  };
}

function plain() {
  return {
    contentType: "text/plain; charset=utf-8",
    start: () => [],
    reasoning: null,
    token: (t) => [t],
    end: () => [],
    // Plain text has no way to signal an error or a malformed frame: every byte is answer text.
    error: () => [],
    malformed: () => [],
    httpError: (_status, message) => ({ type: "text/plain; charset=utf-8", body: `${message}\n` }),
  };
}

/** Encoders by the dialect names rillmark's `dialect` option uses. */
export const DIALECTS = {
  openai, "openai-responses": responses, anthropic, gemini, ollama, vercel, "vercel-legacy": vercelLegacy, llamacpp,
  plain,
};

/** Provider-style request paths that imply a dialect (the generic endpoint is /api/chat?dialect=…). */
export const DIALECT_PATHS = [
  [/^\/v1\/chat\/completions$/, "openai"],
  [/^\/v1\/responses$/, "openai-responses"],
  [/^\/v1\/messages$/, "anthropic"],
  [/^\/v1beta\/models\/[^/]+:streamGenerateContent$/, "gemini"],
  [/^\/completion$/, "llamacpp"],
  [/^\/api\/ollama\/chat$/, "ollama"],
];
