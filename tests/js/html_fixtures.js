// Fixtures of tests/web_html.rs: raw HTML in the three `html` modes. Payloads in the corpus push to
// `window.__hits`; any page error (a content script that throws, a handler) is counted here.

globalThis.__hits = [];
let pageErrors = 0;
const errorMessages = [];
window.addEventListener("error", (event) => {
  // Resource load failures (an <img> that 404s) fire `error` on the element, not on window with a message.
  if (event.target === window || event.message) {
    pageErrors += 1;
    errorMessages.push(String(event.message));
  }
});
window.addEventListener("unhandledrejection", (event) => {
  pageErrors += 1;
  errorMessages.push(`unhandled rejection: ${event.reason}`);
});

/** How many times a content script or handler ran (`window.__hits` pushes). */
export function hitCount() {
  return Array.isArray(globalThis.__hits) ? globalThis.__hits.length : -1;
}

/** What ran, for failure messages. */
export function hitLog() {
  return JSON.stringify(globalThis.__hits);
}

/** Page errors since the page loaded, and their messages. */
export function pageErrorCount() {
  return pageErrors;
}

export function pageErrorLog() {
  return errorMessages.join(" | ");
}

// Elements that run script or load a document that can, in any namespace (the tests' own list, written
// independently of src/html_policy.rs).
const SCRIPTY = ["script", "iframe", "frame", "frameset", "object", "embed", "applet", "portal", "base", "meta",
  "animate", "set", "animatemotion", "animatetransform", "noscript"];
const URL_ATTRS = ["href", "src", "action", "formaction", "data", "poster", "background", "cite", "xlink:href"];

/** The scheme a browser would read from `url`: ASCII whitespace and controls dropped, lowercased. */
function scheme(url) {
  const cleaned = url.replace(/[\u0000-\u0020\u007f]/g, "");
  const match = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(cleaned);
  return match ? match[1].toLowerCase() : "";
}

/**
 * Everything under `root` that could run script: a script-capable element in any namespace, an `on*` attribute, a
 * `srcdoc`, a URL attribute with a `javascript:`/`vbscript:` scheme or a non-image `data:` one. "" when clean.
 * `allowed`: when not empty, a comma-separated list of the only element names allowed (sanitize mode).
 */
export function scriptableNodes(root, allowed) {
  const allowedNames = allowed ? new Set(allowed.split(",")) : null;
  const problems = [];
  for (const el of root.querySelectorAll("*")) {
    const name = el.localName.toLowerCase();
    if (SCRIPTY.includes(name)) problems.push(`<${name}> in ${el.namespaceURI}`);
    if (allowedNames && !allowedNames.has(name)) problems.push(`<${name}> outside the allowlist`);
    for (const attr of el.attributes) {
      const attrName = attr.name.toLowerCase();
      if (attrName.startsWith("on") || attrName === "srcdoc") problems.push(`<${name} ${attr.name}>`);
      if (URL_ATTRS.includes(attrName) || attr.localName === "href") {
        const s = scheme(attr.value);
        const dataImage = s === "data" && attrName === "src" && name === "img";
        if (s === "javascript" || s === "vbscript" || (s === "data" && !dataImage)) {
          problems.push(`<${name} ${attr.name}=${JSON.stringify(attr.value)}>`);
        }
      }
    }
  }
  return problems.join("; ");
}

/**
 * The structure a reader sees under `root`: `rillmark-html` holders (`display: contents`) replaced by their
 * children, text merged, comments dropped; serialised.
 */
export function shownHtml(root) {
  const copy = root.cloneNode(true);
  for (const holder of [...copy.querySelectorAll("rillmark-html")].reverse()) holder.replaceWith(...holder.childNodes);
  const walker = copy.ownerDocument.createTreeWalker(copy, NodeFilter.SHOW_COMMENT);
  const comments = [];
  while (walker.nextNode()) comments.push(walker.currentNode);
  for (const comment of comments) comment.remove();
  copy.normalize();
  return structure(copy);
}

/**
 * `node`'s children as `tag[attrs](children)` with attributes sorted, whitespace-only text left out and other
 * whitespace runs (outside `pre` and `code`) collapsed and trimmed: the renderer writes no newline between blocks,
 * nor at the end of a tight list item's text before its sublist, where comrak's HTML has one, and no reader sees it.
 */
function structure(node) {
  const parts = [];
  for (const child of node.childNodes) {
    if (child.nodeType === Node.TEXT_NODE) {
      if (node.localName === "pre" || node.localName === "code") parts.push(JSON.stringify(child.data));
      else if (child.data.trim() !== "") parts.push(JSON.stringify(child.data.replace(/\s+/g, " ").trim()));
    } else if (child.nodeType === Node.ELEMENT_NODE) {
      const attrs = [...child.attributes].map((a) => `${a.name}=${JSON.stringify(a.value)}`).sort().join(" ");
      parts.push(`${child.localName}${attrs ? `[${attrs}]` : ""}(${structure(child)})`);
    }
  }
  return parts.join(" ");
}

/**
 * The test oracle for trusted mode: `html` (comrak's output) parsed inertly in a `<template>` (nothing runs), then
 * stripped of what trusted mode promises never to build, by this file's own rules; serialised like `shownHtml`.
 */
export function trustedOracle(html) {
  const template = document.createElement("template");
  template.innerHTML = html;
  const content = template.content;
  for (const el of [...content.querySelectorAll("*")]) {
    const name = el.localName.toLowerCase();
    if (SCRIPTY.includes(name) || name === "template") {
      el.remove();
      continue;
    }
    for (const attr of [...el.attributes]) {
      const attrName = attr.name.toLowerCase();
      const s = URL_ATTRS.includes(attrName) || attr.localName === "href" ? scheme(attr.value) : "";
      const dataImage = s === "data" && attrName === "src" && ["img", "image", "source"].includes(name);
      if (attrName.startsWith("on") || attrName === "srcdoc" || s === "javascript" || s === "vbscript" ||
        s === "livescript" || (s === "data" && !dataImage)) {
        el.removeAttributeNode(attr);
      }
    }
  }
  // Serialised inside the template's inert document: nothing is imported into the page, so nothing loads.
  const div = content.ownerDocument.createElement("div");
  div.appendChild(content);
  return shownHtml(div);
}

/**
 * Positive control: inserts an `<img src=x onerror>` the way trusted mode used to (`createContextualFragment`) and
 * resolves once its handler had the chance to run; `hitCount()` must then have grown.
 */
export function runControlPayload() {
  const holder = document.createElement("div");
  document.body.appendChild(holder);
  const range = document.createRange();
  range.selectNodeContents(holder);
  holder.appendChild(range.createContextualFragment("<img src=\"data:,\" onerror=\"__hits.push('control')\">"));
  return new Promise((resolve) => setTimeout(() => { holder.remove(); resolve(); }, 300));
}
