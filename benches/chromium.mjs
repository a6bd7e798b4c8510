// The headless Chromium every benchmark script launches: Debian's build (the one the tests use), without the
// background work (networking, component updates, sync, QUIC) that would add noise to timings, and with `gc()` exposed
// so a run can start from a collected heap.
import { chromium } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";

/** Launches Chromium headless with the benchmarks' flags plus `extraArgs`. */
export function launchChromium(extraArgs = []) {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-quic",
      "--js-flags=--expose-gc",
      ...extraArgs,
    ],
  });
}
