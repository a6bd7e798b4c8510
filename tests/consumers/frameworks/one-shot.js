// What the bindings must end with: the core renderer given the whole text at once. Loaded through the package's
// own memoised init(), which the bindings share.
import init, { Renderer } from "rillmark";
import "rillmark/rillmark.css";

export async function oneShot(text) {
  await init();
  const element = document.createElement("div");
  const renderer = new Renderer(element);
  renderer.write(text);
  renderer.finish();
  renderer.free();
  return element.innerHTML;
}
