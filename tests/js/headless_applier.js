// A reference applier for rillmark's headless mode: what a React/Vue/Svelte host does with `onPatch` ops.
// Id 0 is the host's container. Raw HTML (trusted mode only) is left out of this reference.
export function makeApplier(container) {
  const nodes = new Map([[0, container]]);
  return function apply(ops) {
    for (const o of ops) {
      switch (o.op) {
        case "createElement": nodes.set(o.id, document.createElement(o.tag)); break;
        case "createText": nodes.set(o.id, document.createTextNode(o.text)); break;
        case "setAttribute": nodes.get(o.id).setAttribute(o.name, o.value); break;
        case "removeAttribute": nodes.get(o.id).removeAttribute(o.name); break;
        case "appendText": nodes.get(o.id).appendData(o.text); break;
        case "replaceText": nodes.get(o.id).replaceData(o.start, o.delete, o.text); break;
        case "append": nodes.get(o.parent).appendChild(nodes.get(o.child)); break;
        case "prepend": nodes.get(o.parent).prepend(nodes.get(o.child)); break;
        case "insertBefore": nodes.get(o.parent).insertBefore(nodes.get(o.child), nodes.get(o.before)); break;
        case "replace": nodes.get(o.old).replaceWith(nodes.get(o.new)); break;
        case "remove": nodes.get(o.id).remove(); break;
        case "release": nodes.delete(o.id); break;
        default: throw new Error(`unknown op ${o.op}`);
      }
    }
  };
}

export function collectInto(list) {
  return (ops) => { for (const op of ops) list.push(op); };
}

// Records uncaught errors from now on (e.g. a queued animation frame calling a freed closure).
export function watchErrors() {
  const errors = [];
  window.addEventListener("error", (event) => errors.push(String(event.message)));
  return errors;
}

export function afterFrames(n) {
  return new Promise((resolve) => {
    const step = (left) => (left === 0 ? resolve() : requestAnimationFrame(() => step(left - 1)));
    step(n);
  });
}
