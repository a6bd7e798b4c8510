// Mistakes the types must catch. Every line ending in `// error TSnnnn` must be reported with that code, and no other
// line may be (tests/consumers/consumers.test.mjs compiles this with tsconfig.bad.json).
import init, { Renderer, type Outcome, type StreamEvent } from "rillmark";
import { IntoUnderlyingSource } from "rillmark"; // error TS2614

export async function mistakes(el: HTMLElement, outcome: Outcome, event: StreamEvent): Promise<void> {
  new Renderer(el, { dialect: "openai-chat-v2" }); // error TS2322
  new Renderer(el, { images: "none" }); // error TS2322
  new Renderer(el, { links: "_blank" }); // error TS2322
  new Renderer(el, { gfm: "yes" }); // error TS2322
  new Renderer(el, { onEvent: (e: string) => e }); // error TS2322
  new Renderer(el, { sanitize: true }); // error TS2353
  new Renderer("#answer"); // error TS2345
  new Renderer(null, { onPatch: (ops) => ops.forEach((op) => op.tag.toLowerCase()) }); // error TS2339
  const r = new Renderer(el);
  r.write(42); // error TS2345
  r.update(["whole", "text"]); // error TS2345
  await r.stream("data: [DONE]\n\n"); // error TS2345
  await r.stream(new Response(""), { dialect: "claude" }); // error TS2322
  await r.fetch(new URL("https://example.com")); // error TS2345
  if (r.status === "finished") return; // error TS2367
  r.status = "idle"; // error TS2540
  console.log(outcome.error.message); // error TS2339
  console.log(outcome.reason); // error TS2339
  if (outcome.status === "done") {
    const reason: string = outcome.reason; // error TS2322
    console.log(reason);
  }
  if (outcome.status === "error" && outcome.error.kind === "timeout") return; // error TS2367
  console.log(event.text); // error TS2339
  if (event.type === "usage") console.log(event.inputTokens.toFixed()); // error TS18048
  const finished: Outcome = r.finish(); // error TS2322
  console.log(finished, IntoUnderlyingSource);
}
