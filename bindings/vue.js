// rillmark/vue: the <Markdown> component and the useRillmark() composable for Vue 3 (render functions, no SFC, so it
// ships as is). The work is in ./binding.js; this file ties it to Vue's lifecycle (mounted → set on every prop change
// → unmounted). `html` (the server's renderToString of `text`) is the div's content in the server render only: on the
// client the div has no vnode children, so hydration leaves the server's nodes alone and the renderer adopts them;
// a client render never sets innerHTML.
import { defineComponent, h, onBeforeUnmount, onMounted, shallowRef, watch } from "vue";
import { MarkdownView, StreamSession } from "./binding.js";

const onServer = typeof document === "undefined";

/**
 * `<Markdown :text="…" :streaming="…" :options="…" />`: renders `text` (the whole markdown text so far); growing
 * text appends, other text resets with a minimal DOM change, `streaming` shows the caret and `false` finishes the
 * answer. `html`, renderToString(text, options) from rillmark/server, makes the server render show the answer; the
 * client adopts those nodes (renderer.hydrate) and streams on. The root is a <div class="rillmark">; other
 * attributes fall through to it.
 */
export const Markdown = defineComponent({
  name: "RillmarkMarkdown",
  props: {
    text: { type: String, default: "" },
    streaming: { type: Boolean, default: false },
    options: { type: Object, default: undefined },
    html: { type: String, default: "" },
  },
  setup(props) {
    const element = shallowRef(null);
    let view = null;
    onMounted(() => {
      view = new MarkdownView(element.value);
      view.set(props);
    });
    watch(
      () => [props.text, props.streaming, props.options],
      () => view?.set(props),
      { flush: "post" },
    );
    onBeforeUnmount(() => {
      view?.close();
      view = null;
    });
    return () =>
      onServer && props.html
        ? h("div", { class: "rillmark", innerHTML: props.html })
        : h("div", { ref: element, class: "rillmark" });
  },
});

/**
 * fetch() and stream() rendered into an element: bind `ref` on it (`<div :ref="md.ref">`, or destructure it).
 * Returns `{ ref, fetch, stream, cancel, status, outcome, stats }`; status, outcome and stats are shallow refs.
 * Unmounting cancels the stream (the server sees the connection close) and frees the renderer.
 */
export function useRillmark(options) {
  const status = shallowRef("idle");
  const outcome = shallowRef(undefined);
  const stats = shallowRef({ bytes: 0, frames: 0, malformed: 0, unknown: 0, finishRepairs: 0 });
  const session = new StreamSession(options, (state) => {
    status.value = state.status;
    outcome.value = state.outcome;
    stats.value = state.stats;
  });
  onBeforeUnmount(() => session.close());
  return {
    ref: (element) => session.attach(element),
    fetch: (url, init) => session.fetch(url, init),
    stream: (source, streamOptions) => session.stream(source, streamOptions),
    cancel: () => session.cancel(),
    status,
    outcome,
    stats,
  };
}
