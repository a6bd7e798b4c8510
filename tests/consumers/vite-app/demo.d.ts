import type { default as init, Renderer } from "rillmark";
export declare function runDemo(args: {
  init: typeof init;
  Renderer: typeof Renderer;
  initArg?: Parameters<typeof init>[0];
  container?: Element;
}): Promise<void>;
