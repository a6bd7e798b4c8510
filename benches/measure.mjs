// What benches/page.mjs and benches/highlight-page.mjs measure the same way: the per-chunk loop of a streamed run
// (`write + flush` as the adapter's own work, then optional work the chunk started asynchronously, then a forced
// layout read), its cap on wall time, and the summaries and result fields both reports read.
const now = () => performance.now();

function quantile(sorted, q) {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** Sum, median, p99 and max of a list of times (ms). */
export function summary(times) {
  const sorted = Float64Array.from(times).sort();
  let sum = 0;
  for (const t of times) sum += t;
  return { sum, p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99), max: sorted[sorted.length - 1] ?? 0 };
}

/**
 * Streams `chunks` into adapter `a` (already created on `el`). Per chunk: `write + flush` (own), then `await
 * between()` when given (awaited only then, so a synchronous run stays synchronous), then a forced layout read;
 * `afterChunk(i)` runs outside the timed span. Stops once `capMs` of wall time has passed with chunks left
 * (truncated, no `end()`); otherwise calls `end()`, `await between()` and a layout read, timed as `endMs`.
 */
export async function measureChunks({ a, el, chunks, capMs, between = null, afterChunk = null }) {
  const own = new Float64Array(chunks.length);
  const waited = new Float64Array(chunks.length);
  const total = new Float64Array(chunks.length);
  let done = 0;
  let truncated = false;
  const start = now();
  for (let i = 0; i < chunks.length; i++) {
    const t0 = now();
    a.write(chunks[i]);
    a.flush();
    const t1 = now();
    if (between) await between();
    const t1b = now();
    void el.offsetHeight; // forced layout
    const t2 = now();
    own[i] = t1 - t0;
    waited[i] = t1b - t1;
    total[i] = t2 - t0;
    afterChunk?.(i);
    done++;
    if (t2 - start > capMs && i + 1 < chunks.length) {
      truncated = true;
      break;
    }
  }
  const e0 = now();
  if (!truncated) a.end();
  if (between) await between();
  void el.offsetHeight;
  const endMs = now() - e0;
  return { own: own.subarray(0, done), waited: waited.subarray(0, done), total: total.subarray(0, done), done, truncated, endMs };
}

/** The result fields every streamed run reports, from `measureChunks`'s run. */
export function streamedResult({ doc, adapter, chunking, text, chunks, run }) {
  const ownS = summary(run.own);
  const totalS = summary(run.total);
  return {
    doc,
    adapter,
    chunking,
    bytes: text.length,
    chunks: chunks.length,
    chunksDone: run.done,
    truncated: run.truncated,
    // Streamed total: every chunk (with its layout) plus `end()`; for a truncated run, the chunks done so far.
    totalMs: totalS.sum + (run.truncated ? 0 : run.endMs),
    endMs: run.endMs,
    perChunk: { p50: totalS.p50, p99: totalS.p99, max: totalS.max },
    own: { sum: ownS.sum, p50: ownS.p50, p99: ownS.p99, max: ownS.max },
  };
}
