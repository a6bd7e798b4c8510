// What a page's hydration changes (frameworks.test.mjs, "hydrates the server's render"): the page holds the server
// render (ssr.js) of the app; the driver's hydrate() runs the framework's hydration, then this waits until the
// WebAssembly is loaded and two frames passed (the binding's renderer has adopted the container's nodes by then) and
// reports the mutations seen in #app meanwhile and which of #md's nodes are still the same objects.
import init from "rillmark";

const frame = () => new Promise((resolve) => requestAnimationFrame(() => resolve()));

function allNodes(root) {
  const nodes = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_ALL);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) nodes.push(node);
  return nodes;
}

function describeNode(node) {
  if (node.nodeType === Node.COMMENT_NODE) return `<!--${node.data}-->`;
  if (node.nodeType === Node.TEXT_NODE) return `"${node.data.slice(0, 20)}"`;
  return `<${node.nodeName.toLowerCase()}${node.id ? `#${node.id}` : ""}>`;
}

function describeRecord(record) {
  const parts = [record.type, describeNode(record.target)];
  if (record.attributeName) parts.push(`${record.attributeName}: ${record.oldValue} → ${record.target.getAttribute(record.attributeName)}`);
  for (const node of record.addedNodes) parts.push(`+${describeNode(node)}`);
  for (const node of record.removedNodes) parts.push(`-${describeNode(node)}`);
  return parts.join(" ");
}

/** Runs `hydrate()` (resolves once the framework committed), waits for the renderer, and reports. */
export async function observeHydration(hydrate) {
  const app = document.getElementById("app");
  const md = document.getElementById("md");
  const before = allNodes(md);
  const records = [];
  const observer = new MutationObserver((list) => records.push(...list));
  observer.observe(app, { subtree: true, childList: true, attributes: true, attributeOldValue: true, characterData: true });
  await hydrate();
  await init();
  await frame();
  await frame();
  records.push(...observer.takeRecords());
  observer.disconnect();
  const after = allNodes(document.getElementById("md"));
  const kept = new Set(before);
  return {
    sameContainer: document.getElementById("md") === md,
    before: before.length,
    after: after.length,
    kept: after.filter((node) => kept.has(node)).length,
    mutations: records.map(describeRecord),
    html: md.innerHTML,
  };
}
