// Streamdown with its Shiki plug-in (@streamdown/code), for benches/highlight.mjs: the same adapter as adapter.mjs
// (one React root per answer, the whole text re-rendered per chunk inside flushSync, defaults kept) with
// `plugins={{ code }}`. @streamdown/code highlights asynchronously: a block whose tokens are not cached renders plain,
// and its tokens arrive through a callback that sets React state, which React renders in a later task; the benchmark
// waits for those tasks after each chunk (see highlight.mjs). Bundled by build.mjs with code splitting into
// dist/code/, so a page loads Shiki's core and only the grammars and themes it uses, as an app's bundler would.
import { code } from "@streamdown/code";
import { streamdownWith } from "./adapter.mjs";

/** Same interface as the other adapters: `{ create(container), write(chunk), flush(), end(), dispose() }`. */
export function streamdownShiki() {
  return streamdownWith({ plugins: { code } });
}
