// The React tree of react.js, shared with the server render (ssr.js) so that hydration meets the same tree.
import { createElement as h, useEffect, useState } from "react";
import { Markdown } from "rillmark/react";

let setProps = null;

/** Sets the host's props (merged), as a parent's state change would. */
export const setHostProps = (props) => setProps((old) => ({ ...old, ...props }));

// `?child` (client pages only): the text goes in as a string child (`<Markdown>{text}</Markdown>`, as Streamdown
// takes it).
/** `<Markdown {...props} id="md" />` with its props in state; `onCommit` runs once its effects ran (hydrated). */
export function MarkdownHost({ asChild = false, onCommit, ...initial }) {
  const [props, set] = useState(initial);
  setProps = set;
  useEffect(() => onCommit?.(), []);
  if (!asChild) return h(Markdown, { ...props, id: "md" });
  const { text, ...rest } = props;
  return h(Markdown, { ...rest, id: "md" }, text);
}
