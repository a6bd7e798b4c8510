// The demo's plug-ins for rillmark's `highlight`, `math` and `blocks` options (issue 16): Shiki (or highlight.js),
// KaTeX and Mermaid from npm. Not served as is: www/build-plugins.mjs bundles this file with esbuild into
// www/vendor/plugins.js (git-ignored; `./build.sh setup` and `./build.sh demo` run it when its inputs changed), one
// chunk per library, grammar and theme, so a page loads only what it uses: Shiki's core, its JavaScript regex engine
// and a theme up front, each grammar when a code block first names its language, Mermaid on the first diagram.
//
// Every adapter returns exactly the shapes of the plug-in API (README, "Highlighting, math and diagrams"):
// - highlight(code, lang, previous): Shiki's `codeToTokens` with one theme gives `codeToTokensBase`'s lines of
//   tokens plus the grammar state after the last line in one pass; rillmark passes that state back as `previous`
//   with only the new complete lines, so a growing fence is tokenised once per line. Sync once the grammar is
//   loaded; a Promise for the first block of a language.
// - math(tex, { display }, element): katex.render into the element rillmark made; throwOnError so a bad formula
//   throws and rillmark shows its TeX (class rillmark-math-error).
// - blocks.mermaid(code, element): mermaid.render (loaded on the first diagram), one render at a time.

const dark = () => globalThis.matchMedia?.("(prefers-color-scheme: dark)").matches ?? false;

// ---------------------------------------------------------------------------------------------------------------
// Shiki. Grammars the demo answers use, each its own chunk; other names map to them or to plain text.
const SHIKI_LANGS = {
  python: () => import("shiki/langs/python.mjs"),
  javascript: () => import("shiki/langs/javascript.mjs"),
  typescript: () => import("shiki/langs/typescript.mjs"),
  tsx: () => import("shiki/langs/tsx.mjs"),
  rust: () => import("shiki/langs/rust.mjs"),
  go: () => import("shiki/langs/go.mjs"),
  shellscript: () => import("shiki/langs/shellscript.mjs"),
  json: () => import("shiki/langs/json.mjs"),
  sql: () => import("shiki/langs/sql.mjs"),
  yaml: () => import("shiki/langs/yaml.mjs"),
  css: () => import("shiki/langs/css.mjs"),
  html: () => import("shiki/langs/html.mjs"),
  c: () => import("shiki/langs/c.mjs"),
  java: () => import("shiki/langs/java.mjs"),
  diff: () => import("shiki/langs/diff.mjs"),
};
const LANG_ALIASES = {
  py: "python", js: "javascript", mjs: "javascript", jsx: "javascript", ts: "typescript", rs: "rust",
  golang: "go", bash: "shellscript", sh: "shellscript", shell: "shellscript", zsh: "shellscript",
  console: "shellscript", yml: "yaml", h: "c",
};
const SHIKI_THEMES = {
  light: ["github-light", () => import("shiki/themes/github-light.mjs")],
  dark: ["github-dark", () => import("shiki/themes/github-dark.mjs")],
};

/** The grammar name for a fence's info string, or "text" (Shiki's built-in plain text). */
export function shikiLang(lang) {
  const name = String(lang ?? "").toLowerCase();
  const resolved = LANG_ALIASES[name] ?? name;
  return Object.hasOwn(SHIKI_LANGS, resolved) ? resolved : "text";
}

/**
 * Loads Shiki (core + JavaScript regex engine + one theme) and returns the `highlight` adapter. `langs` preloads
 * grammars (the benchmark does, so its timed runs never wait for a chunk); others load on first use.
 */
export async function loadShiki({ theme = dark() ? "dark" : "light", langs = [] } = {}) {
  const [{ createHighlighterCore }, { createJavaScriptRegexEngine }] = await Promise.all([
    import("shiki/core"),
    import("shiki/engine/javascript"),
  ]);
  const [themeName, themeModule] = SHIKI_THEMES[theme];
  const highlighter = await createHighlighterCore({
    themes: [themeModule()],
    langs: langs.map((l) => SHIKI_LANGS[shikiLang(l)]?.()).filter(Boolean),
    engine: createJavaScriptRegexEngine(),
  });
  const loading = new Map();
  const loaded = (lang) => lang === "text" || highlighter.getLoadedLanguages().includes(lang);
  const load = (lang) => {
    if (!loading.has(lang)) loading.set(lang, highlighter.loadLanguage(SHIKI_LANGS[lang]()));
    return loading.get(lang);
  };
  const tokens = (code, lang, previous) => {
    const { tokens: lines, grammarState } = highlighter.codeToTokens(code, {
      lang,
      theme: themeName,
      ...(previous ? { grammarState: previous } : {}),
    });
    // Plain text has no grammar state: a bare array tells rillmark there is nothing to carry.
    return grammarState ? { lines, state: grammarState } : lines;
  };
  /** rillmark's `highlight` option. */
  const highlight = (code, lang, previous) => {
    const name = shikiLang(lang);
    if (loaded(name)) return tokens(code, name, previous);
    return load(name).then(() => tokens(code, name, previous));
  };
  return { highlight, highlighter, theme: themeName };
}

// ---------------------------------------------------------------------------------------------------------------
// highlight.js: its output is HTML, so the adapter reads it back in an inert <template> (no script runs, nothing is
// attached to the page) and flattens it into the token shape: one token per text run, the classes of the spans
// around it as `className` (the highlight.js stylesheet colours `.hljs-keyword` and friends), tokens split at line
// ends. It keeps no state from line to line, so it returns bare arrays: rillmark re-highlights its window of recent
// lines for context.
const HLJS_LANGS = {
  python: () => import("highlight.js/lib/languages/python"),
  javascript: () => import("highlight.js/lib/languages/javascript"),
  typescript: () => import("highlight.js/lib/languages/typescript"),
  rust: () => import("highlight.js/lib/languages/rust"),
  go: () => import("highlight.js/lib/languages/go"),
  bash: () => import("highlight.js/lib/languages/bash"),
  json: () => import("highlight.js/lib/languages/json"),
  sql: () => import("highlight.js/lib/languages/sql"),
  yaml: () => import("highlight.js/lib/languages/yaml"),
  css: () => import("highlight.js/lib/languages/css"),
  xml: () => import("highlight.js/lib/languages/xml"),
  c: () => import("highlight.js/lib/languages/c"),
  java: () => import("highlight.js/lib/languages/java"),
  diff: () => import("highlight.js/lib/languages/diff"),
};
const HLJS_ALIASES = { ...LANG_ALIASES, shellscript: "bash", html: "xml", tsx: "typescript" };

/** Lines of `{ content, className? }` tokens from highlight.js's HTML for `code`. */
export function hljsTokens(html) {
  const template = document.createElement("template");
  template.innerHTML = html;
  const lines = [[]];
  const walk = (node, classes) => {
    for (const child of node.childNodes) {
      if (child.nodeType === Node.TEXT_NODE) {
        const parts = child.data.split("\n");
        parts.forEach((part, i) => {
          if (i > 0) lines.push([]);
          if (part) lines.at(-1).push(classes ? { content: part, className: classes } : { content: part });
        });
      } else if (child.nodeType === Node.ELEMENT_NODE) {
        const own = child.getAttribute("class") ?? "";
        walk(child, [classes, own].filter(Boolean).join(" "));
      }
    }
  };
  walk(template.content, "");
  return lines;
}

export async function loadHighlightJs({ langs = [] } = {}) {
  const { default: hljs } = await import("highlight.js/lib/core");
  const resolve = (lang) => {
    const name = String(lang ?? "").toLowerCase();
    const r = HLJS_ALIASES[name] ?? name;
    return Object.hasOwn(HLJS_LANGS, r) ? r : null;
  };
  const loading = new Map();
  const load = (name) => {
    if (!loading.has(name)) {
      loading.set(name, HLJS_LANGS[name]().then((m) => hljs.registerLanguage(name, m.default)));
    }
    return loading.get(name);
  };
  await Promise.all(langs.map(resolve).filter(Boolean).map(load));
  const tokens = (code, name) =>
    name ? hljsTokens(hljs.highlight(code, { language: name, ignoreIllegals: true }).value) : code.split("\n").map((l) => (l ? [{ content: l }] : []));
  /** rillmark's `highlight` option. */
  const highlight = (code, lang) => {
    const name = resolve(lang);
    if (!name || hljs.getLanguage(name)) return tokens(code, name);
    return load(name).then(() => tokens(code, name));
  };
  return { highlight };
}

// ---------------------------------------------------------------------------------------------------------------
// KaTeX. Loaded before the first renderer, so `math` can typeset synchronously and a bad formula throws to rillmark.
export async function loadKatex() {
  const { default: katex } = await import("katex");
  /** rillmark's `math` option. */
  const math = (tex, { display }, element) => {
    katex.render(tex, element, { displayMode: Boolean(display), throwOnError: true, output: "htmlAndMathml" });
  };
  return { math, katex };
}

// ---------------------------------------------------------------------------------------------------------------
// Mermaid: about 1 MB gzip, so it loads on the first diagram only. Renders are queued: mermaid.render is not safe to
// run concurrently (it measures text in a scratch element it shares between calls).
let mermaidModule = null;
let mermaidQueue = Promise.resolve();
let diagrams = 0;

export function loadMermaid() {
  mermaidModule ??= import("mermaid").then(({ default: mermaid }) => {
    mermaid.initialize({
      startOnLoad: false,
      // "strict": mermaid sanitises the SVG it returns (DOMPurify) and disables click handlers in diagrams.
      securityLevel: "strict",
      // A syntax error throws (rillmark keeps the code block) instead of drawing an error diagram into the page.
      suppressErrorRendering: true,
      theme: dark() ? "dark" : "default",
    });
    return mermaid;
  });
  return mermaidModule;
}

/** rillmark's `blocks.mermaid`: renders the finished fence into the element rillmark gave it. */
export function mermaidBlock(code, element) {
  const run = mermaidQueue.then(async () => {
    const mermaid = await loadMermaid();
    // mermaid.render first removes any element with the id it is given: never one already in the page (another
    // copy of this module, or another mermaid user, may have drawn one).
    let id;
    do id = `rillmark-mermaid-${++diagrams}`;
    while (document.getElementById(id));
    const { svg } = await mermaid.render(id, code);
    // The SVG is mermaid's own output, sanitised under securityLevel "strict"; nothing of it comes from rillmark.
    element.innerHTML = svg;
    element.classList.add("mermaid-diagram");
  });
  mermaidQueue = run.catch(() => {});
  return run;
}

// ---------------------------------------------------------------------------------------------------------------
/**
 * The options object for `new Renderer(el, options)`: `highlighter` is "shiki" or "hljs". Loads what it needs
 * first (Shiki or highlight.js core and a theme, KaTeX); Mermaid waits for a diagram.
 */
export async function loadPlugins({ highlighter = "shiki" } = {}) {
  const [{ highlight }, { math }] = await Promise.all([
    highlighter === "hljs" ? loadHighlightJs() : loadShiki(),
    loadKatex(),
  ]);
  return { highlight, math, blocks: { mermaid: mermaidBlock }, codeActions: true };
}
