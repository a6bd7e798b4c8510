// Browser-side fixtures for tests/web_edge.rs: hostile or unusual page objects (throwing getters, Proxies, byte
// views of every kind), page code that calls back into the renderer from inside a DOM change, and a check of values
// against the TypeScript declarations. Plain ES module, imported through `#[wasm_bindgen(module = ...)]`.

/** `new Renderer(container, options)` from JavaScript, as a page calls it: `{ threw, value | error, isTypeError, isTrap, message }`. */
export function construct(Renderer, container, options) {
  try {
    return { threw: false, value: new Renderer(container, options) };
  } catch (error) {
    return describe({ threw: true }, error);
  }
}

function describe(into, error) {
  into.error = error;
  into.isError = error instanceof Error;
  into.isTypeError = error instanceof TypeError;
  into.isTrap = error instanceof WebAssembly.RuntimeError;
  into.message = error && typeof error.message === "string" ? error.message : String(error);
  return into;
}

/** An options object whose every property read throws. */
export function throwingOptions() {
  return new Proxy({}, {
    get() { throw new Error("options getter (scripted)"); },
    ownKeys() { throw new Error("options ownKeys (scripted)"); },
  });
}

/** A `RequestInit` whose `method` getter throws. */
export function throwingInit() {
  return { get method() { throw new Error("init getter (scripted)"); } };
}

/** An `Error` whose `message` (and `name`) getter throws. */
function errorWithThrowingMessage() {
  const error = new Error("hidden");
  Object.defineProperty(error, "message", { get() { throw new Error("message getter (scripted)"); } });
  Object.defineProperty(error, "name", { get() { throw new Error("name getter (scripted)"); } });
  return error;
}

/** A Proxy whose every trap throws. */
function hostileProxy() {
  const thrower = () => { throw new Error("proxy trap (scripted)"); };
  return new Proxy({}, { get: thrower, has: thrower, getPrototypeOf: thrower, ownKeys: thrower, getOwnPropertyDescriptor: thrower });
}

/**
 * A stream that hands out `chunks` (any values), then errors with `how`: "throwing-message" (an Error whose message
 * getter throws), "proxy" (a Proxy whose traps throw), "abort" (the AbortError DOMException an aborted fetch's body
 * errors with), or ends ("close"). Counts cancels.
 */
export class OddSource {
  constructor(chunks, how) {
    this.cancelCalls = 0;
    const queue = [...chunks];
    const self = this;
    this.stream = new ReadableStream({
      pull(controller) {
        if (queue.length > 0) return controller.enqueue(queue.shift());
        if (how === "close") return controller.close();
        if (how === "throwing-message") return controller.error(errorWithThrowingMessage());
        if (how === "proxy") return controller.error(hostileProxy());
        if (how === "abort") return controller.error(new DOMException("The user aborted a request.", "AbortError"));
        return new Promise(() => {}); // "hang"
      },
      cancel() { self.cancelCalls += 1; },
    }, { highWaterMark: 0 });
  }
}

/** `text` (UTF-8) as a chunk of the given kind: "DataView", "Int16Array" (padded to even length with a space), ... */
export function bytesAs(kind, text) {
  let bytes = new TextEncoder().encode(text);
  if (kind === "Int16Array" && bytes.length % 2 === 1) bytes = new TextEncoder().encode(text + " ");
  // A view into the middle of a larger buffer, so offset and length must be honoured.
  const buffer = new ArrayBuffer(bytes.length + 8);
  new Uint8Array(buffer, 4, bytes.length).set(bytes);
  switch (kind) {
    case "DataView": return new DataView(buffer, 4, bytes.length);
    case "Int16Array": return new Int16Array(buffer, 4, bytes.length / 2);
    case "Uint8ClampedArray": return new Uint8ClampedArray(buffer, 4, bytes.length);
    case "ArrayBuffer": return buffer.slice(4, 4 + bytes.length);
    default: throw new Error(`unknown kind ${kind}`);
  }
}

/** A Proxy around a real Response: passes `instanceof Response`, but every getter throws "Illegal invocation". */
export function proxiedResponse(text) {
  return new Proxy(new Response(text, { headers: { "content-type": "text/plain" } }), {});
}

/** The two halves of U+1F600 as separate strings. */
export function surrogateHalves() {
  const pair = "\u{1F600}";
  return [pair[0], pair[1]];
}

// ---------------------------------------------------------------------------------------------------------------
// Page code inside the renderer's DOM changes

/**
 * Has every DOM mutation method the renderer uses (`appendChild`, `insertBefore`, `removeChild`, `replaceChild`,
 * `appendData`) call `target[member]` (a getter, or a method with `args`) the first time it runs while armed, as a
 * content script that wraps DOM methods would. Records what the call returned or threw.
 */
export class DomHook {
  constructor() {
    this.armed = false;
    this.calls = 0;
    this.results = [];
    this.saved = [];
    const hook = this;
    const wrap = (proto, name) => {
      const original = proto[name];
      this.saved.push([proto, name, original]);
      proto[name] = function (...args) {
        if (hook.armed) {
          hook.armed = false;
          hook.calls += 1;
          hook.results.push(hook.invoke());
        }
        return original.apply(this, args);
      };
    };
    wrap(Node.prototype, "appendChild");
    wrap(Node.prototype, "insertBefore");
    wrap(Node.prototype, "removeChild");
    wrap(Node.prototype, "replaceChild");
    wrap(CharacterData.prototype, "appendData");
  }

  arm(target, member, args) {
    this.target = target;
    this.member = member;
    this.args = args;
    this.armed = true;
  }

  invoke() {
    try {
      const value = this.target[this.member];
      const result = typeof value === "function" ? value.apply(this.target, this.args) : value;
      return { threw: false, value: result };
    } catch (error) {
      return describe({ threw: true }, error);
    }
  }

  get lastResult() {
    return this.results[this.results.length - 1];
  }

  restore() {
    for (const [proto, name, original] of this.saved.reverse()) proto[name] = original;
    this.saved = [];
  }
}

/** Whether this browser fires `focusout` when a focused element is removed from the document (Chromium does). */
export function removalFiresFocusout() {
  const button = document.createElement("button");
  document.body.appendChild(button);
  button.focus();
  let fired = false;
  button.addEventListener("focusout", () => { fired = true; });
  button.remove();
  return fired;
}

/**
 * Focuses the first link in `container` and, on its `focusout`, calls `target[member]` (getter, or method with
 * `args`) once, recording the result: the scenario of page code reacting to a DOM event that the renderer's
 * own update fires.
 */
export class FocusoutProbe {
  constructor(container, target, member, args) {
    this.fired = false;
    this.result = null;
    const link = container.querySelector("a");
    if (!link) throw new Error("FocusoutProbe: no link in the container");
    link.focus();
    this.focused = document.activeElement === link;
    link.addEventListener("focusout", () => {
      if (this.fired) return;
      this.fired = true;
      try {
        const value = target[member];
        this.result = { threw: false, value: typeof value === "function" ? value.apply(target, args) : value };
      } catch (error) {
        this.result = describe({ threw: true }, error);
      }
    });
  }
}

/** Calls `renderer[Symbol.dispose]()` where the runtime defines it; `false` when it does not. */
export function disposeIfSupported(renderer) {
  if (typeof Symbol.dispose !== "symbol" || typeof renderer[Symbol.dispose] !== "function") return false;
  renderer[Symbol.dispose]();
  return true;
}

// ---------------------------------------------------------------------------------------------------------------
// The TypeScript declarations against real values

/**
 * Checks `value` against the type `name` declared in `dts` (the text of src/web/rillmark.d.ts). Understands what
 * that file uses: interfaces (with `extends`), type aliases of unions, inline object types, string literal types,
 * `string`, `number`, `boolean`, `null`, `readonly string[]`, and optional (`?`) fields. Returns a list of problems
 * (empty when the value matches): every required field present with its type, no field the type does not declare.
 */
export function checkAgainstDts(dts, name, value) {
  const code = dts.replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/[^\n]*/g, "");
  const problems = [];
  check(code, name, value, name, problems);
  return problems;
}

function declaration(code, name) {
  const iface = new RegExp(String.raw`export interface ${name}(?:\s+extends\s+([\w,\s]+))?\s*\{([^}]*)\}`).exec(code);
  if (iface) return { kind: "interface", extends: iface[1] ? iface[1].split(",").map((s) => s.trim()) : [], body: iface[2] };
  const start = new RegExp(String.raw`export type ${name}\s*=`).exec(code);
  if (!start) return null;
  // The alias runs to the first `;` outside braces (inline object types have `;` of their own).
  let depth = 0;
  for (let i = start.index + start[0].length; i < code.length; i += 1) {
    if (code[i] === "{") depth += 1;
    else if (code[i] === "}") depth -= 1;
    else if (code[i] === ";" && depth === 0) return { kind: "alias", body: code.slice(start.index + start[0].length, i) };
  }
  return null;
}

function fieldsOf(code, decl) {
  const fields = {};
  for (const base of decl.extends || []) Object.assign(fields, fieldsOf(code, declaration(code, base)));
  for (const part of decl.body.split(/[;\n]/)) {
    const m = /^\s*(?:readonly\s+)?(\w+)(\??)\s*:\s*(.+?)\s*$/.exec(part);
    if (m) fields[m[1]] = { optional: m[2] === "?", type: m[3] };
  }
  return fields;
}

function splitUnion(type) {
  const parts = [];
  let depth = 0, current = "";
  for (const ch of type) {
    if (ch === "{" || ch === "(" || ch === "<") depth += 1;
    if (ch === "}" || ch === ")" || ch === ">") depth -= 1;
    if (ch === "|" && depth === 0) { parts.push(current.trim()); current = ""; } else current += ch;
  }
  parts.push(current.trim());
  return parts.filter((p) => p !== "");
}

function matches(code, type, value, path) {
  const problems = [];
  check(code, type, value, path, problems);
  return problems;
}

function check(code, type, value, path, problems) {
  type = type.trim();
  const alternatives = splitUnion(type);
  if (alternatives.length > 1) {
    const results = alternatives.map((alt) => matches(code, alt, value, path));
    if (!results.some((r) => r.length === 0)) {
      problems.push(`${path}: ${JSON.stringify(value)} matches none of ${type} (${results.map((r) => r[0]).join("; ")})`);
    }
    return;
  }
  if (type === "string" || type === "number" || type === "boolean") {
    if (typeof value !== type) problems.push(`${path}: expected ${type}, got ${JSON.stringify(value)}`);
    return;
  }
  if (type === "null") {
    if (value !== null) problems.push(`${path}: expected null, got ${JSON.stringify(value)}`);
    return;
  }
  if (/^"[^"]*"$/.test(type)) {
    if (value !== JSON.parse(type)) problems.push(`${path}: expected ${type}, got ${JSON.stringify(value)}`);
    return;
  }
  if (type === "readonly string[]" || type === "string[]") {
    if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) problems.push(`${path}: expected ${type}`);
    return;
  }
  if (type.startsWith("{")) {
    checkObject(code, fieldsOf(code, { body: type.slice(1, -1) }), value, path, problems);
    return;
  }
  const decl = declaration(code, type);
  if (!decl) {
    problems.push(`${path}: type ${type} is not declared in the .d.ts`);
    return;
  }
  if (decl.kind === "alias") check(code, decl.body, value, path, problems);
  else checkObject(code, fieldsOf(code, decl), value, path, problems);
}

function checkObject(code, fields, value, path, problems) {
  if (value === null || typeof value !== "object" || Object.getPrototypeOf(value) !== Object.prototype) {
    problems.push(`${path}: expected a plain object, got ${Object.prototype.toString.call(value)}`);
    return;
  }
  for (const [key, field] of Object.entries(fields)) {
    if (!(key in value)) {
      if (!field.optional) problems.push(`${path}.${key}: missing (declared ${field.type})`);
    } else {
      check(code, field.type, value[key], `${path}.${key}`, problems);
    }
  }
  for (const key of Object.keys(value)) {
    if (!(key in fields)) problems.push(`${path}.${key}: not declared (value ${JSON.stringify(value[key])})`);
  }
}
