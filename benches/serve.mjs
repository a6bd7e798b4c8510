// The benchmarks' static server on loopback: the bench page, the built package, node_modules and the demo's plug-in
// bundle (www/vendor/) from the repository root, cross-origin isolated (COOP/COEP) so the page gets `performance.measureUserAgentSpecificMemory` and precise
// timers. Shared by run.mjs and burst-trace.mjs; chromium.mjs launches the browser they all use.
import { createReadStream, existsSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { extname, join, normalize } from "node:path";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".wasm": "application/wasm",
  ".md": "text/markdown; charset=utf-8",
  ".json": "application/json",
  ".css": "text/css; charset=utf-8",
  ".woff2": "font/woff2",
  ".woff": "font/woff",
  ".ttf": "font/ttf",
};

/** Serves `root` on 127.0.0.1 (a free port); resolves to `{ server, base }` (`base` = "http://127.0.0.1:<port>"). */
export async function serveBenchFiles(root) {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, "http://x").pathname));
    // /www/vendor/: the demo's plug-in bundle (www/build-plugins.mjs), for benches/highlight.mjs.
    const allowed = ["/benches/", "/pkg/", "/node_modules/", "/www/vendor/"].some((p) => path.startsWith(p));
    const file = join(root, path);
    if (!allowed || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, {
      "content-type": TYPES[extname(file)] ?? "application/octet-stream",
      "cross-origin-opener-policy": "same-origin",
      "cross-origin-embedder-policy": "require-corp",
      "cache-control": "no-store",
    });
    createReadStream(file).pipe(res);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, base: `http://127.0.0.1:${server.address().port}` };
}
