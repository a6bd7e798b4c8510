// The benchmark documents: varied LLM-style answers (~2 KB, ~20 KB, ~100 KB) and one document per pathological
// block shape. Deterministic (seeded PRNG): `node benches/docs.mjs` rewrites benches/docs/*.md, which are committed so
// the browser benchmark and the native one (`cargo bench --bench pipeline`) read the same bytes.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { prng } from "./prng.mjs";

const WORDS = (
  "the a of to and in is that for it with as on be by this are or from at an can which not have will you your " +
  "data value function stream token render parser buffer memory request response model layout browser server " +
  "client cache index query result error event frame chunk block list table code text line node tree state " +
  "update commit patch offset length string number array object option config build test bench latency " +
  "throughput budget size format schema field record batch queue worker thread async await promise closure " +
  "pointer reference lifetime borrow trait module crate package import export default public private"
).split(" ");
const LANGS = ["rust", "js", "python", "ts", "bash", "json", "go"];

function answer(targetBytes, seed) {
  const rand = prng(seed);
  const pick = (xs) => xs[Math.floor(rand() * xs.length)];
  const int = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));
  const word = () => pick(WORDS);
  const inline = () => {
    const r = rand();
    const w = word();
    if (r < 0.06) return `**${w} ${word()}**`;
    if (r < 0.1) return `*${w}*`;
    if (r < 0.15) return `\`${w}_${word()}()\``;
    if (r < 0.17) return `[${w} ${word()}](https://example.com/${w}/${int(1, 999)})`;
    if (r < 0.18) return `~~${w}~~`;
    if (r < 0.19) return `$x_${int(1, 9)}^2$`;
    if (r < 0.2) return `snake_case_${w}`;
    return w;
  };
  const sentence = () => {
    const n = int(6, 18);
    const ws = Array.from({ length: n }, inline);
    ws[0] = ws[0].charAt(0).toUpperCase() + ws[0].slice(1);
    return ws.join(" ") + pick([".", ".", ".", ":", "?", "!"]);
  };
  const paragraph = () => Array.from({ length: int(2, 5) }, sentence).join(" ");
  const code = () => {
    const lang = pick(LANGS);
    const lines = Array.from({ length: int(4, 18) }, (_, i) => {
      const ind = "    ".repeat(int(0, 2));
      return `${ind}let ${word()}_${i} = ${word()}(${int(0, 99)}, "${word()}"); // ${word()} ${word()}`;
    });
    return "```" + lang + "\n" + lines.join("\n") + "\n```";
  };
  const list = (ordered) => {
    const items = [];
    for (let i = 0; i < int(3, 7); i++) {
      items.push(`${ordered ? `${i + 1}.` : "-"} ${sentence()}`);
      if (rand() < 0.25) items.push(`   ${ordered ? "-" : "  -"} ${sentence()}`);
    }
    return items.join("\n");
  };
  const table = () => {
    const cols = int(2, 4);
    const head = Array.from({ length: cols }, () => word());
    const rows = Array.from({ length: int(3, 8) }, () =>
      "| " + Array.from({ length: cols }, () => inline()).join(" | ") + " |",
    );
    return ["| " + head.join(" | ") + " |", "|" + "---|".repeat(cols), ...rows].join("\n");
  };
  const quote = () => "> " + sentence() + "\n> " + sentence();
  const tasks = () => Array.from({ length: int(2, 4) }, () => `- [${rand() < 0.5 ? "x" : " "}] ${sentence()}`).join("\n");
  const blocks = [];
  let size = 0;
  let section = 1;
  const push = (b) => {
    blocks.push(b);
    size += b.length + 2;
  };
  push(paragraph());
  while (size < targetBytes) {
    push(`${rand() < 0.7 ? "##" : "###"} ${section++}. ${sentence().slice(0, 40).trim()}`);
    const n = int(2, 5);
    for (let i = 0; i < n && size < targetBytes; i++) {
      const r = rand();
      if (r < 0.4) push(paragraph());
      else if (r < 0.55) push(list(false));
      else if (r < 0.65) push(list(true));
      else if (r < 0.8) push(code());
      else if (r < 0.88) push(table());
      else if (r < 0.94) push(quote());
      else if (r < 0.97) push(tasks());
      else push("---");
    }
  }
  return blocks.join("\n\n") + "\n";
}

/** Every benchmark document: name → { text, kind: "answer" | "pathological" }. */
export function documents() {
  const docs = {};
  docs["answer-2k"] = answer(2_000, 2);
  docs["answer-20k"] = answer(20_000, 20);
  docs["answer-100k"] = answer(100_000, 100);
  const r = (n, f) => Array.from({ length: n }, (_, i) => f(i)).join("");
  docs["fence-2000"] = "```rust\n" + r(2000, (i) => `let x${i} = f(${i}); // line ${i}\n`) + "```\n";
  docs["list-1000"] = r(1000, (i) => `- item ${i} with some **bold** text and \`code\`\n`);
  docs["table-500"] =
    "| id | name | note |\n|---|---|---|\n" + r(500, (i) => `| ${i} | cell *${i}* | text with \`c${i}\` |\n`);
  docs["paragraph-50k"] = r(6000, (i) => `word${i} and **b${i}** `).slice(0, 50_000).trimEnd() + "\n";
  // The same length with no inline markup: one text node that only ever grows (how the DOM extends a long text).
  docs["plain-50k"] = r(7000, (i) => `word${i} and more `).slice(0, 50_000).trimEnd() + "\n";
  // Deep nesting: quotes 12 deep around nested lists 10 deep, repeated.
  docs["nesting"] = r(40, (k) => {
    const q = "> ".repeat(12);
    let s = r(6, (i) => `${q}quoted line ${k}.${i} with *emphasis*\n`) + "\n";
    s += r(10, (d) => `${"  ".repeat(d)}- level ${d} of list ${k}\n`) + "\n";
    return s;
  });
  docs["footnotes-refs"] =
    r(300, (i) => `Claim ${i} cites [ref${i}] and a note.[^n${i}]\n\n`) +
    r(300, (i) => `[^n${i}]: Footnote ${i} with *text*.\n\n`) +
    r(300, (i) => `[ref${i}]: https://example.com/ref/${i} "Title ${i}"\n`);
  docs["math"] = r(300, (i) =>
    `Equation ${i} relates $a_${i}$ and $b_{${i}}$:\n\n$$\n\\sum_{k=0}^{${i}} a_k^2 = \\frac{${i} * b_k}{c_k} + \\int_0^1 f_{k}(x)\\,dx\n$$\n\n`,
  );
  // Ordinary prose with identifiers, one paragraph: snake_case words neither open nor close emphasis, but a word like
  // `_private` opens one that never closes, so the paragraph never settles (issue 13: 24 ms a chunk at 41 KB).
  docs["prose-underscores"] = proseWithUnderscores(50_000, 13);
  // A numbered how-to with a fenced command in every step (models do this in every how-to).
  docs["list-fences"] = r(300, (i) =>
    `${i + 1}. Run the step ${i} command:\n   \`\`\`bash\n   tool --step ${i} --flag value_${i}\n   echo done_${i}\n   \`\`\`\n`,
  );
  // A how-to whose steps hold long code blocks, lines continuing the step's text, and quoted notes with lists: the
  // shapes issue 13 found quadratic (a fence in a list item, `> - item` lines, lazy and indented item lines).
  docs["howto-long-fences"] = r(20, (i) =>
    `${i + 1}. **Step ${i}**: configure the \`service_${i}\` module.\n` +
    `   Its settings live in \`config_${i}.toml\`; edit them before you build.\n\n` +
    "   ```python\n" +
    r(40, (j) => `   def handler_${i}_${j}(request):\n       return respond(request, code=${200 + j})\n`) +
    "   ```\n\n" +
    `> **Note:** step ${i} also needs\n` +
    r(4, (j) => `> - the \`dep_${j}\` package, version ${j}.${i}\n`) +
    "\n",
  );
  // An answer with CRLF line endings (some servers send them).
  docs["answer-crlf-20k"] = answer(20_000, 21).replace(/\n/g, "\r\n");
  return docs;
}

function proseWithUnderscores(targetBytes, seed) {
  const rand = prng(seed);
  const pick = (xs) => xs[Math.floor(rand() * xs.length)];
  const idents = ["foo_bar_baz", "max_len", "read_to_end", "snake_case", "__init__", "HTTP_PROXY", "user_id"];
  const lone = ["_private", "_internal", "_cache", "_id"];
  let text = "";
  while (text.length < targetBytes) {
    const words = Array.from({ length: 6 + Math.floor(rand() * 10) }, () => {
      const r = rand();
      if (r < 0.12) return pick(idents);
      if (r < 0.15) return pick(lone);
      if (r < 0.17) return "a * b";
      return pick(WORDS);
    });
    text += "Call " + words.join(" ") + ". ";
  }
  return text.slice(0, targetBytes).trimEnd() + "\n";
}

export const PATHOLOGICAL = [
  "fence-2000",
  "list-1000",
  "table-500",
  "paragraph-50k",
  "plain-50k",
  "nesting",
  "footnotes-refs",
  "math",
  "prose-underscores",
  "list-fences",
  "answer-crlf-20k",
  "howto-long-fences",
];

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = join(dirname(fileURLToPath(import.meta.url)), "docs");
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(documents())) {
    writeFileSync(join(dir, `${name}.md`), text);
    console.log(`${name.padEnd(16)} ${String(Buffer.byteLength(text)).padStart(7)} bytes`);
  }
}
