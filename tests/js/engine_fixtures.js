// Browser-side fixtures for tests/web_engine.rs: live selections, text-node counting, a safety scan of the rendered
// DOM, a network-request detector and the trusted-mode oracle. Plain ES module (self-contained: wasm-bindgen copies
// only this file), imported through `#[wasm_bindgen(module = "/tests/js/engine_fixtures.js")]`.

// ---------------------------------------------------------------------------------------------------------------
// Text nodes

function textNodes(root) {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const nodes = [];
  while (walker.nextNode()) nodes.push(walker.currentNode);
  return nodes;
}

/** Every text node under `root` (whitespace-only ones included: they are DOM nodes too). */
export function countTextNodes(root) {
  return textNodes(root).length;
}

/** The first text node under `root` whose data contains `needle`, or null. */
export function findText(root, needle) {
  return textNodes(root).find((node) => node.data.includes(needle)) || null;
}

/**
 * Counts the distinct text nodes ever inserted under `target` (a text node created and later replaced counts each
 * time; one inserted inside a new element counts once), from construction until `take()`, and remembers which text
 * nodes were taken out again (for failure messages). Call `take()` right after each synchronous render, so subtrees
 * are walked before later text is appended to them (later appends are deduplicated anyway).
 */
export class TextInsertionLog {
  constructor(target) {
    this.seen = new Set();
    this.removals = [];
    this.observer = new MutationObserver((list) => this.count(list));
    this.observer.observe(target, { subtree: true, childList: true });
  }

  count(list) {
    for (const record of list) {
      for (const node of record.addedNodes) {
        for (const text of node.nodeType === Node.TEXT_NODE ? [node] : textNodes(node)) this.seen.add(text);
      }
      for (const node of record.removedNodes) {
        const texts = node.nodeType === Node.TEXT_NODE ? [node] : textNodes(node);
        for (const text of texts) {
          const where = record.target.localName || record.target.nodeName;
          this.removals.push(`${JSON.stringify(text.data)} from ${where}${text === node ? "" : ` in <${node.localName}>`}`);
        }
      }
    }
  }

  take() {
    this.count(this.observer.takeRecords());
    return this.seen.size;
  }

  /** The text nodes removed so far (with their data and where from), first `n` of them. */
  removed(n) {
    const shown = this.removals.slice(0, n).join(", ");
    return `${this.removals.length} removed: ${shown}${this.removals.length > n ? ", …" : ""}`;
  }

  disconnect() {
    this.observer.disconnect();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Live selections

/**
 * Selects `word` inside the text node that contains it (`occurrence`-th match under `root`, 0-based) with
 * `getSelection().setBaseAndExtent`, and remembers the node, the selected string and the live Range, so later
 * `check()`s can tell whether streaming disturbed the selection.
 */
export class SelectionProbe {
  constructor(root, word) {
    this.root = root;
    this.word = word;
    this.node = findText(root, word);
    this.error = "";
    if (this.node === null) {
      this.error = `no text node contains ${JSON.stringify(word)}`;
      return;
    }
    const at = this.node.data.indexOf(word);
    const selection = document.getSelection();
    selection.removeAllRanges();
    selection.setBaseAndExtent(this.node, at, this.node, at + word.length);
    this.range = selection.getRangeAt(0);
    this.expected = selection.toString();
  }

  /**
   * Selects from `startWord` (in its text node) to the end of `endWord` (in its own, possibly different, text node):
   * a selection across element boundaries.
   */
  static across(root, startWord, endWord) {
    const probe = Object.create(SelectionProbe.prototype);
    probe.root = root;
    probe.word = `${startWord}…${endWord}`;
    probe.error = "";
    probe.node = findText(root, startWord);
    probe.endNode = findText(root, endWord);
    if (probe.node === null || probe.endNode === null) {
      probe.error = `no text nodes contain ${JSON.stringify(startWord)} and ${JSON.stringify(endWord)}`;
      return probe;
    }
    const selection = document.getSelection();
    selection.removeAllRanges();
    const end = probe.endNode.data.indexOf(endWord) + endWord.length;
    selection.setBaseAndExtent(probe.node, probe.node.data.indexOf(startWord), probe.endNode, end);
    probe.range = selection.getRangeAt(0);
    probe.expected = selection.toString();
    return probe;
  }

  /** What was selected when the probe was made. */
  get selected() {
    return this.expected === undefined ? "" : this.expected;
  }

  /** "" when the selection still covers the same text in the same node(s); otherwise what is wrong. */
  check() {
    if (this.error) return this.error;
    const problems = [];
    if (!this.node.isConnected || !this.root.contains(this.node)) problems.push("the selected text node was removed");
    if (this.endNode && (!this.endNode.isConnected || !this.root.contains(this.endNode))) {
      problems.push("the text node holding the selection's end was removed");
    }
    const selection = document.getSelection();
    if (selection.rangeCount !== 1) {
      problems.push(`the selection has ${selection.rangeCount} ranges`);
    } else {
      if (selection.toString() !== this.expected) {
        problems.push(`selection.toString() is ${JSON.stringify(selection.toString())}`);
      }
      if (selection.anchorNode !== this.node) problems.push("the selection's anchor moved to another node");
      if (selection.focusNode !== (this.endNode || this.node)) problems.push("the selection's focus moved");
    }
    if (this.range.toString() !== this.expected) {
      problems.push(`the live Range now covers ${JSON.stringify(this.range.toString())}`);
    }
    if (this.range.collapsed) problems.push("the live Range collapsed");
    return problems.join("; ");
  }

  clear() {
    document.getSelection().removeAllRanges();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Safety scan

const FORBIDDEN = ["script", "iframe", "frame", "frameset", "object", "embed", "svg", "math", "img", "picture",
  "source", "video", "audio", "track", "style", "link", "meta", "base", "form", "input", "button", "textarea",
  "select", "template", "noscript", "applet", "portal", "rillmark-html"];

function safeUrl(value) {
  // A URL attribute is safe when the browser resolves it to http(s) or mailto (relative URLs resolve against the
  // page, which is http here).
  let url;
  try {
    url = new URL(value, document.baseURI);
  } catch (_) {
    return false;
  }
  return url.protocol === "http:" || url.protocol === "https:" || url.protocol === "mailto:";
}

/**
 * Everything unsafe under `root`, as a list of strings ("" when clean). `imagePolicy`: `"block"` (no `img` at all),
 * `"allow"` (an `img` is fine if its `src` is http(s)), or an origin such as `"https://cdn.example"` (an `img` only
 * from there). Checkbox inputs of task lists (`<input type="checkbox" disabled>`) are allowed.
 */
export function unsafeNodes(root, imagePolicy) {
  const problems = [];
  for (const el of root.querySelectorAll("*")) {
    const name = el.localName;
    const isTaskCheckbox =
      name === "input" && el.getAttribute("type") === "checkbox" && el.hasAttribute("disabled") &&
      [...el.attributes].every((a) => ["type", "disabled", "checked"].includes(a.name));
    let isAllowedImage = false;
    if (name === "img" && imagePolicy !== "block") {
      const src = el.getAttribute("src") || "";
      const resolved = safeUrl(src) ? new URL(src, document.baseURI) : null;
      isAllowedImage = resolved !== null && resolved.protocol !== "mailto:" &&
        (imagePolicy === "allow" || resolved.origin === imagePolicy);
      if (!isAllowedImage) problems.push(`img[src=${JSON.stringify(src)}] under policy ${imagePolicy}`);
    }
    if (FORBIDDEN.includes(name) && !isTaskCheckbox && !isAllowedImage && name !== "img") {
      problems.push(`<${name}>`);
    }
    if (el.namespaceURI !== "http://www.w3.org/1999/xhtml") problems.push(`<${name}> in ${el.namespaceURI}`);
    for (const attr of el.attributes) {
      const attrName = attr.name.toLowerCase();
      if (attrName.startsWith("on")) problems.push(`<${name} ${attr.name}>`);
      if (["style", "srcset", "formaction", "action", "background", "poster", "xlink:href", "srcdoc"]
        .includes(attrName)) {
        problems.push(`<${name} ${attr.name}=${JSON.stringify(attr.value)}>`);
      }
      if ((attrName === "href" || attrName === "src") && !safeUrl(attr.value)) {
        problems.push(`<${name} ${attr.name}=${JSON.stringify(attr.value)}>`);
      }
    }
  }
  return problems.join("; ");
}

/** The global a payload in the corpus sets if it ever runs. */
export function xssFlag() {
  const value = globalThis.__rillmarkEngineXss;
  return value === undefined ? "" : String(value);
}

// ---------------------------------------------------------------------------------------------------------------
// Network requests

const attempted = [];
let violationListener = false;

/**
 * Installs a second request detector beside Resource Timing (which Chromium may leave empty for requests that fail
 * before a response, e.g. on DNS errors in a closed network): a `securitypolicyviolation` listener plus a
 * Content-Security-Policy limiting images, frames, media and objects to `allowedImageOrigins` and the page's own
 * origin. Every attempt to load a blocked URL then fires a violation naming it, whether or not the network is up.
 */
export function installRequestDetector(allowedImageOrigins) {
  if (violationListener) return;
  violationListener = true;
  document.addEventListener("securitypolicyviolation", (event) => attempted.push(event.blockedURI));
  const meta = document.createElement("meta");
  meta.httpEquiv = "Content-Security-Policy";
  const images = ["'self'", ...allowedImageOrigins].join(" ");
  meta.content = `img-src ${images}; media-src 'self'; frame-src 'self'; object-src 'none'; font-src 'self'`;
  document.head.appendChild(meta);
}

/** Requests to URLs containing `needle`: Resource Timing entries plus CSP-blocked attempts. */
export function requestsTo(needle) {
  const timed = performance.getEntriesByType("resource").filter((e) => e.name.includes(needle)).length;
  const blocked = attempted.filter((url) => String(url).includes(needle)).length;
  return timed + blocked;
}

/** Starts loading an image from `url` (positive control for the detector) and resolves when it loads or fails. */
export function loadImage(url) {
  return new Promise((resolve) => {
    const img = new Image();
    img.onload = () => resolve("load");
    img.onerror = () => resolve("error");
    img.src = url;
    setTimeout(() => resolve("timeout"), 3000);
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Trusted mode oracle

/**
 * A copy of `root` with every `rillmark-html` holder replaced by its children and adjacent text merged: the structure
 * a reader's browser shows (the holders are `display: contents`).
 */
export function unwrapHolders(root) {
  const copy = root.cloneNode(true);
  for (const holder of [...copy.querySelectorAll("rillmark-html")].reverse()) {
    holder.replaceWith(...holder.childNodes);
  }
  copy.normalize();
  return copy;
}

/** A detached `<div>` whose content is the browser's parse of `html` (the test oracle only: never the renderer). */
export function parsedHtml(html) {
  const div = document.createElement("div");
  div.innerHTML = html;
  return div;
}

export function countHolders(root) {
  return root.querySelectorAll("rillmark-html").length;
}

// ---------------------------------------------------------------------------------------------------------------
// Node identity

/**
 * Watches `parent`'s child list (not its subtree) and counts how often one of the `watch()`ed nodes was removed or
 * inserted: a committed block taken out and put back (or replaced) would not show in an observer on the block itself.
 */
export class ChildMoveLog {
  constructor(parent) {
    this.watched = new Set();
    this.moves = 0;
    this.observer = new MutationObserver((list) => this.count(list));
    this.observer.observe(parent, { childList: true });
  }

  watch(node) {
    this.watched.add(node);
  }

  count(list) {
    for (const record of list) {
      for (const node of [...record.addedNodes, ...record.removedNodes]) {
        if (this.watched.has(node)) this.moves += 1;
      }
    }
  }

  take() {
    this.count(this.observer.takeRecords());
    const n = this.moves;
    this.moves = 0;
    return n;
  }
}
