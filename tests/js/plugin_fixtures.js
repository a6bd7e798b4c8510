// Browser-side fixtures for tests/web_plugins.rs (issue 16): highlighters written for the tests (a deterministic
// tokenizer, a stateful one, one that throws, an async one, a hostile one), a math renderer that fails on `\bad`, a
// block renderer that counts its calls, and readers that describe the rendered spans. Plain ES module.

const KEYWORDS = new Set(["fn", "let", "const", "return", "if", "else", "for", "while"]);

/** Counters the highlighters and renderers update: calls made, lines highlighted, and what they were given. */
export const counts = { calls: 0, lines: 0, math: [], blocks: [], onBlock: [] };

export function resetCounts() {
  counts.calls = 0;
  counts.lines = 0;
  counts.math = [];
  counts.blocks = [];
  counts.onBlock = [];
}

export function calls() {
  return counts.calls;
}

export function linesHighlighted() {
  return counts.lines;
}

/** Tokens of one line: keywords red with class `kw`, numbers italic, the rest bare. */
function tokenizeLine(line, inComment) {
  const tokens = [];
  let rest = line;
  while (rest.length > 0) {
    if (inComment) {
      const end = rest.indexOf("*/");
      const content = end < 0 ? rest : rest.slice(0, end + 2);
      tokens.push({ content, color: "#888888", className: "comment" });
      rest = rest.slice(content.length);
      inComment = end < 0;
      continue;
    }
    if (rest.startsWith("/*")) {
      inComment = true;
      tokens.push({ content: "/*", color: "#888888", className: "comment" });
      rest = rest.slice(2);
      continue;
    }
    const match = /^([A-Za-z_]+|[0-9]+|\s+|.)/.exec(rest);
    const content = match[0];
    if (KEYWORDS.has(content)) tokens.push({ content, color: "#ff0000", className: "kw" });
    else if (/^[0-9]+$/.test(content)) tokens.push({ content, fontStyle: 1 });
    else tokens.push({ content });
    rest = rest.slice(content.length);
  }
  return { tokens, inComment };
}

/** Stateful over the given lines only (a comment opened before them is unknown to it). */
function tokenizeFrom(code, inComment) {
  const lines = [];
  for (const line of code.split("\n")) {
    const result = tokenizeLine(line, inComment);
    lines.push(result.tokens);
    inComment = result.inComment;
  }
  return { lines, inComment };
}

/** A deterministic highlighter that keeps no state: a bare array of lines. */
export function simpleHighlighter(code, lang) {
  counts.calls += 1;
  counts.lines += code.split("\n").length;
  return tokenizeFrom(code, false).lines;
}

/** A highlighter with a grammar state (inside a block comment or not), as Shiki's `grammarState`. */
export function statefulHighlighter(code, lang, previous) {
  counts.calls += 1;
  counts.lines += code.split("\n").length;
  const result = tokenizeFrom(code, previous ? previous.inComment : false);
  return { lines: result.lines, state: { inComment: result.inComment } };
}

export function throwingHighlighter(code) {
  counts.calls += 1;
  throw new Error("highlighter broke on " + code.length + " characters");
}

/** The stateless highlighter's answer, a macrotask later. */
export function asyncHighlighter(code, lang) {
  counts.calls += 1;
  counts.lines += code.split("\n").length;
  const lines = tokenizeFrom(code, false).lines;
  return new Promise((resolve) => setTimeout(() => resolve(lines), 1));
}

/**
 * A hostile highlighter: colours that try to break out of `color`, class names with quotes and angle brackets,
 * `fontStyle` garbage, and for lines holding `BAD` tokens spelling markup instead of the line.
 */
export function hostileHighlighter(code) {
  counts.calls += 1;
  return code.split("\n").map((line) => {
    if (line.includes("BAD")) return [{ content: '<img src=x onerror="window.__pluginHits=(window.__pluginHits||0)+1">' }];
    const half = Math.floor(line.length / 2);
    return [
      { content: line.slice(0, half), color: "red;background:url(javascript:window.__pluginHits=1)", className: 'a" onclick="x ok-name' },
      { content: line.slice(half), color: "rgb(1,2,3)</style><script>window.__pluginHits=1</script>", className: "<b> also_ok", fontStyle: "bold" },
    ];
  });
}

export function pluginHits() {
  return window.__pluginHits || 0;
}

/** The expected description of `code` highlighted one-shot by `simpleHighlighter`'s tokenizer. */
export function expectedDescription(code) {
  const trimmed = code.endsWith("\n") ? code.slice(0, -1) : code;
  const lines = tokenizeFrom(trimmed, false).lines;
  return JSON.stringify(lines.map((tokens) => tokens.filter((t) => t.content !== "").map(describeToken)));
}

function describeToken(token) {
  const probe = document.createElement("span");
  if (token.color) probe.style.setProperty("color", token.color);
  if (token.fontStyle & 1) probe.style.setProperty("font-style", "italic");
  const styled = token.color || token.className || token.fontStyle;
  return [token.content, styled ? token.className || null : null, styled ? probe.getAttribute("style") : null];
}

/** What a rendered code element shows: per `span.rillmark-line`, its tokens as [text, class, style]. */
export function describeCode(code) {
  const lines = [...code.querySelectorAll(":scope > span.rillmark-line")].map((line) =>
    [...line.childNodes]
      .map((node) =>
        node.nodeType === Node.TEXT_NODE
          ? [node.data, null, null]
          : [node.textContent, node.getAttribute("class"), node.getAttribute("style")],
      )
      .map(([text, cls, style]) => [text.replace(/\n$/, ""), cls, style])
      .filter(([text]) => text !== ""),
  );
  return JSON.stringify(lines);
}

/** Every class and style attribute value in `root`, and any element that is not a span, code, pre, div or p. */
export function attributesIn(root) {
  const found = [];
  for (const element of root.querySelectorAll("*")) {
    for (const attribute of element.attributes) found.push(`${element.localName} ${attribute.name}=${attribute.value}`);
  }
  return found.join("\n");
}

export function mathRenderer(tex, options, element) {
  counts.math.push(tex);
  if (tex.includes("\\bad")) throw new Error("KaTeX parse error: undefined control sequence");
  element.textContent = (options.display ? "D:" : "I:") + tex;
}

export function mermaidRenderer(code, element) {
  counts.blocks.push(code);
  element.textContent = "diagram of " + code.length + " characters";
}

export function mathCalls() {
  return JSON.stringify(counts.math);
}

export function blockCalls() {
  return JSON.stringify(counts.blocks);
}

export function onBlock(info) {
  counts.onBlock.push({ type: info.type, lang: info.lang, element: info.element });
}

/** The `onBlock` calls so far: type, lang, and whether the element is in `container` (directly, for top blocks). */
export function onBlockLog(container) {
  return JSON.stringify(
    counts.onBlock.map(({ type, lang, element }) => [
      type,
      lang === undefined ? null : lang,
      element.parentNode === container ? "top" : container.contains(element) ? "nested" : "detached",
    ]),
  );
}

/** A fixture function by name, for the Rust side. */
export function fixture(name) {
  const all = {
    simple: simpleHighlighter,
    stateful: statefulHighlighter,
    throwing: throwingHighlighter,
    async: asyncHighlighter,
    hostile: hostileHighlighter,
    math: mathRenderer,
    mermaid: mermaidRenderer,
    rejecting: rejectingRenderer,
    short: shortHighlighter,
    onBlock,
  };
  return all[name];
}

/** A block renderer whose promise rejects (after drawing half a diagram). */
export function rejectingRenderer(code, element) {
  counts.blocks.push(code);
  element.textContent = "half a diagram";
  return Promise.reject(new Error("Parse error on line 1"));
}

/** Answers one line too few. */
export function shortHighlighter(code) {
  counts.calls += 1;
  return tokenizeFrom(code, false).lines.slice(1);
}
