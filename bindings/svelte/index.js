// rillmark/svelte, for Svelte 5. Shipped as source under the "svelte" export condition, as Svelte libraries are: the
// app's own Svelte compiler compiles Markdown.svelte and rillmark.svelte.js, so they always match its version.
//   - <Markdown text streaming options />, the component;
//   - useRillmark(), runes-based: fetch() and stream() into an element (`use:md.attach`), with status, outcome, stats;
//   - markdown, the action under the component (`<div use:markdown={{ text, streaming, options }}>`), plain JS.
export { default as Markdown } from "./Markdown.svelte";
export { useRillmark } from "./rillmark.svelte.js";
export { markdown } from "./action.js";
