// rillmark/svelte as an app uses it: <Markdown {text} {streaming} /> and useRillmark().fetch() (App.svelte,
// Fetch.svelte).
import { flushSync, hydrate, mount as mountComponent, unmount as unmountComponent } from "svelte";
import App from "./App.svelte";
import Fetch from "./Fetch.svelte";
import { observeHydration } from "./hydration.js";
import { oneShot } from "./one-shot.js";

let component = null;

function mount(Component, props) {
  component = mountComponent(Component, { target: document.getElementById("app"), props });
  flushSync();
}

window.__driver = {
  mountMarkdown: (props) => mount(App, props),
  // The page holds the server's render of App.svelte (ssr.js): hydrate it.
  hydrate: (props) =>
    observeHydration(() => {
      component = hydrate(App, { target: document.getElementById("app"), props });
      flushSync();
    }),
  setProps: (props) => {
    component.set(props);
    flushSync();
  },
  mountFetch: (url) => mount(Fetch, { url }),
  unmount: () => {
    if (component) unmountComponent(component);
    component = null;
  },
  oneShot,
};
