// useRillmark() for Svelte 5 (runes: compiled by the app's Svelte compiler). Call it while a component initialises.
import { StreamSession } from "../binding.js";

/**
 * fetch() and stream() rendered into an element: `<div use:md.attach>`. Returns `{ attach, fetch, stream, cancel }`
 * and the reactive `status`, `outcome` and `stats`. The component's teardown cancels the stream (the server sees the
 * connection close) and frees the renderer.
 */
export function useRillmark(options) {
  const stats = { bytes: 0, frames: 0, malformed: 0, unknown: 0, finishRepairs: 0 };
  let state = $state.raw({ status: "idle", outcome: undefined, stats });
  const session = new StreamSession(options, (next) => {
    state = next;
  });
  $effect(() => () => session.close());
  return {
    attach(node) {
      session.attach(node);
      return { destroy: () => session.attach(null) };
    },
    fetch: (url, init) => session.fetch(url, init),
    stream: (source, streamOptions) => session.stream(source, streamOptions),
    cancel: () => session.cancel(),
    get status() {
      return state.status;
    },
    get outcome() {
      return state.outcome;
    },
    get stats() {
      return state.stats;
    },
  };
}
