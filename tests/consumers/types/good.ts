// A consumer that uses every part of the public API; must type-check (tests/consumers/consumers.test.mjs).
import init, {
  initSync,
  Renderer,
  type Dialect,
  type ImagePolicy,
  type InitOutput,
  type Outcome,
  type PatchOp,
  type RendererOptions,
  type RendererStatus,
  type StreamError,
  type StreamEvent,
  type StreamOptions,
  type StreamSource,
  type BlockInfo,
  type Highlighter,
  type HighlightToken,
} from "rillmark";

export async function main(container: HTMLElement, wasm: BufferSource): Promise<void> {
  // Initialisation: next to the JS, from elsewhere, or synchronously from bytes.
  const out: InitOutput = await init();
  const pages: number = out.memory.buffer.byteLength / 65536;
  await init({ module_or_path: new URL("https://cdn.example.com/rillmark_bg.wasm") });
  await init({ module_or_path: "/assets/rillmark_bg.wasm" });
  await init({ module_or_path: fetch("/assets/rillmark_bg.wasm") });
  initSync({ module: wasm });

  const dialects: Dialect[] = [
    "auto", "openai", "openai-responses", "anthropic", "gemini", "ollama", "vercel", "vercel-legacy", "llamacpp",
    "plain",
  ];
  const images: ImagePolicy[] = ["block", "allow", ["https://cdn.example.com"]];
  const options: RendererOptions = {
    gfm: true,
    unsafe: false,
    images: images[2] ?? "block",
    links: "new-tab",
    dialect: dialects[1] ?? "auto",
    onEvent(event: StreamEvent) {
      switch (event.type) {
        case "text":
        case "reasoning":
          console.log(event.text.length);
          break;
        case "toolCall":
          console.log(event.index, event.id ?? "", event.name ?? "", event.arguments);
          break;
        case "usage":
          console.log((event.inputTokens ?? 0) + (event.outputTokens ?? 0));
          break;
        case "finish":
          console.log(event.reason?.toUpperCase());
          break;
        case "error":
          console.log(event.message, event.code);
          break;
        case "unknown":
          console.log(event.name);
          break;
        case "malformed":
          console.log(event.detail);
          break;
        default: {
          const never: never = event;
          throw new Error(String(never));
        }
      }
    },
  };

  // Headless mode: no container, the ops go to the host.
  const nodes = new Map<number, Node>([[0, container]]);
  const headless = new Renderer(null, {
    onPatch(ops: PatchOp[]) {
      for (const op of ops) {
        switch (op.op) {
          case "createElement": nodes.set(op.id, document.createElement(op.tag)); break;
          case "createText": nodes.set(op.id, document.createTextNode(op.text)); break;
          case "createRawHtml": nodes.set(op.id, document.createElement("div")); break;
          case "setAttribute": (nodes.get(op.id) as Element).setAttribute(op.name, op.value); break;
          case "removeAttribute": (nodes.get(op.id) as Element).removeAttribute(op.name); break;
          case "appendText": (nodes.get(op.id) as Text).appendData(op.text); break;
          case "replaceText": (nodes.get(op.id) as Text).replaceData(op.start, op.delete, op.text); break;
          case "append": nodes.get(op.parent)?.appendChild(nodes.get(op.child)!); break;
          case "prepend": nodes.get(op.parent)?.insertBefore(nodes.get(op.child)!, nodes.get(op.parent)!.firstChild); break;
          case "insertBefore": nodes.get(op.parent)?.insertBefore(nodes.get(op.child)!, nodes.get(op.before)!); break;
          case "replace": (nodes.get(op.old) as ChildNode).replaceWith(nodes.get(op.new)!); break;
          case "remove": (nodes.get(op.id) as ChildNode).remove(); break;
          case "release": nodes.delete(op.id); break;
          default: {
            const never: never = op;
            throw new Error(String(never));
          }
        }
      }
    },
  });
  headless.write("*headless*");
  headless.finish();

  // Options are optional everywhere.
  new Renderer(container);
  const written = new Renderer(container, {});
  written.write("# Hello **wor");
  written.update("# Hello **world**");
  written.flush();
  const finished: Outcome | undefined = written.finish();
  if (finished?.status === "done") console.log(finished.reason, finished.text);

  const r = new Renderer(container, options);
  const status: RendererStatus = r.status;
  const outcome = await r.fetch("/v1/chat/completions", { method: "POST", body: "{}" });
  await new Renderer(container).fetch("/answer.md");
  console.log(status, describe(outcome), r.text.length, r.mutations + 1);
  r.cancel();
  r.free();

  // stream(): a Response, a byte stream, a string stream; per-stream dialect.
  const streamOptions: StreamOptions = { dialect: "anthropic" };
  const response = new Response("data: [DONE]\n\n", { headers: { "content-type": "text/event-stream" } });
  await new Renderer(container).stream(response);
  await new Renderer(container).stream(response.clone(), streamOptions);
  if (response.body) await new Renderer(container).stream(response.body);
  const strings = new ReadableStream<string>({ start: (c) => c.close() });
  const source: StreamSource = strings;
  await new Renderer(container, { dialect: "plain" }).stream(source, {});

  // Plug-ins (issue 16): a stateful highlighter, math into an element, a block renderer, copy buttons, onBlock.
  const highlight: Highlighter = (code, lang, previous) => {
    const lines: HighlightToken[][] = code.split("\n").map((content) => [{ content, color: "#24292e", fontStyle: 1 }]);
    return lang === "async" ? Promise.resolve(lines) : { lines, state: previous ?? 0 };
  };
  const plugged = new Renderer(container, {
    highlight,
    math: (tex, { display }, element) => void (element.textContent = display ? tex : `$${tex}$`),
    blocks: { mermaid: async (code, element) => void (element.textContent = code) },
    codeActions: true,
    onBlock: ({ type, element, lang }: BlockInfo) => console.log(type, element.tagName, lang ?? ""),
  });
  console.log(plugged.stats.pluginErrors);
  console.log(pages);
}

function describe(outcome: Outcome): string {
  const counts = `${outcome.bytes} bytes, ${outcome.frames} frames, ${outcome.malformed} malformed, ${outcome.unknown} unknown`;
  switch (outcome.status) {
    case "done":
      return `done (${outcome.reason ?? "no reason"}), ${counts}`;
    case "incomplete":
      return `cut off after ${outcome.text.length} chars, ${counts}`;
    case "error": {
      const error: StreamError = outcome.error;
      return `${error.kind}: ${error.message} ${error.status ?? ""} ${error.code ?? ""}`;
    }
    case "aborted":
      return "aborted";
  }
}
