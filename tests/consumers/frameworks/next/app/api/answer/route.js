// The new answer as plain text, a few words every 10 ms.
import { NEW_ANSWER } from "../../answers.mjs";

export const dynamic = "force-dynamic";

export function GET() {
  const pieces = NEW_ANSWER.match(/\S*\s*/g).filter(Boolean);
  const encoder = new TextEncoder();
  const body = new ReadableStream({
    async pull(controller) {
      const piece = pieces.shift();
      if (piece === undefined) return controller.close();
      await new Promise((resolve) => setTimeout(resolve, 10));
      controller.enqueue(encoder.encode(piece));
    },
  });
  return new Response(body, { headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" } });
}
