// The bindings' declarations as an app's TypeScript sees them (tsc -p tsconfig.json in the scratch app): every line
// here must type-check, and every line under @ts-expect-error must not (so a declaration that accepts anything fails).
import { createElement, type JSX } from "react";
import type { Outcome, RendererStatus } from "rillmark";
import { Markdown, useRillmark, type Rillmark } from "rillmark/react";
import { h } from "vue";
import { Markdown as VueMarkdown, useRillmark as useVueRillmark } from "rillmark/vue";
import { Markdown as SvelteMarkdown, markdown, useRillmark as useSvelteRillmark } from "rillmark/svelte";
import type { Component } from "svelte";

export const element: JSX.Element = createElement(Markdown, {
  text: "# hi", streaming: true, options: { images: "allow", onEvent: (e) => e.type }, id: "answer", className: "x",
});
createElement(Markdown, { streaming: true }, "# the text as a string child");
createElement(Markdown, { text: "# hi", html: "<h1>hi</h1>" }); // the server's renderToString, hydrated
// @ts-expect-error: html is the server's HTML string
createElement(Markdown, { text: "", html: { __html: "" } });
// @ts-expect-error: text is a string
createElement(Markdown, { text: 42 });
// @ts-expect-error: an unknown option
createElement(Markdown, { text: "", options: { sanitize: true } });

export function ReactHost(): null {
  const md: Rillmark = useRillmark({ dialect: "vercel" });
  md.fetch("/api/chat", { method: "POST" }).then((outcome: Outcome) => outcome.status);
  md.stream(new Response("x"), { dialect: "plain" });
  const status: RendererStatus = md.status;
  const bytes: number = md.stats.bytes;
  md.cancel();
  // @ts-expect-error: fetch takes a URL string
  md.fetch(42);
  void status, bytes;
  return null;
}

export const vnode = h(VueMarkdown, { text: "x", streaming: false, html: "<p>x</p>" });
export function vueSetup() {
  const md = useVueRillmark();
  const status: RendererStatus = md.status.value;
  md.ref(null);
  return status;
}

export const svelteComponent: Component<{ text?: string; streaming?: boolean; html?: string }> = SvelteMarkdown;
export function svelteInit(node: HTMLElement) {
  const action = markdown(node, { text: "x", streaming: true });
  const md = useSvelteRillmark({ links: "new-tab" });
  const outcome: Outcome | undefined = md.outcome;
  return [action, outcome];
}
