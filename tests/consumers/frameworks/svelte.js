// rillmark/svelte as an app uses it: <Markdown {text} {streaming} /> and useRillmark().fetch() (App.svelte,
// Fetch.svelte).
import { flushSync, mount as mountComponent, unmount as unmountComponent } from "svelte";
import App from "./App.svelte";
import Fetch from "./Fetch.svelte";
import { oneShot } from "./one-shot.js";

let component = null;

function mount(Component, props) {
  component = mountComponent(Component, { target: document.getElementById("app"), props });
  flushSync();
}

window.__driver = {
  mountMarkdown: (props) => mount(App, props),
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
