// rillmark/vue as an app uses it: <Markdown :text :streaming /> and useRillmark().fetch() (render functions).
import { createApp, createSSRApp, h, nextTick, onMounted, reactive } from "vue";
import { Markdown, useRillmark } from "rillmark/vue";
import { observeHydration } from "./hydration.js";
import { oneShot } from "./one-shot.js";

let app = null;
const props = reactive({ text: "", streaming: false, options: undefined });

const FetchHost = {
  props: { url: String },
  setup(hostProps) {
    const md = useRillmark();
    window.__md = md;
    onMounted(() => {
      md.fetch(hostProps.url).then((outcome) => {
        (window.__outcomes ??= []).push(outcome);
      });
    });
    return () => h("div", { ref: md.ref, id: "fetched", class: "rillmark", "data-status": md.status.value });
  },
};

function mount(component) {
  app = createApp(component);
  app.mount("#app");
}

window.__driver = {
  mountMarkdown: (initial) => {
    Object.assign(props, initial);
    mount({ render: () => h(Markdown, { ...props, id: "md" }) });
  },
  // The page holds the server's render of the same tree (ssr.js): hydrate it (createSSRApp + mount).
  hydrate: (initial) =>
    observeHydration(() => {
      Object.assign(props, initial);
      app = createSSRApp({ render: () => h(Markdown, { ...props, id: "md" }) });
      app.mount("#app");
    }),
  setProps: async (next) => {
    Object.assign(props, next);
    await nextTick();
  },
  mountFetch: (url) => mount({ render: () => h(FetchHost, { url }) }),
  unmount: () => {
    app?.unmount();
    app = null;
  },
  oneShot,
};
