/* rillmark/server: TypeScript declarations. */
import type { RendererOptions } from "../rillmark.js";

export type { RendererOptions };

/**
 * The HTML a container holds after `new Renderer(container, options)` drew `markdown` and finished (its final
 * `innerHTML`), sanitised the same way: images policy, URL checks and the three html modes. `onEvent`, `onPatch` and
 * `dialect` are accepted and unused. Throws a `TypeError` for a non-string or a bad option, as `new Renderer()` does.
 * The WebAssembly is read from the package's files on the first call (synchronously).
 */
export function renderToString(markdown: string, options?: RendererOptions): string;
