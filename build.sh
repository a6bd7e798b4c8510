#!/usr/bin/env bash
# rillmark build script: toolchain setup, release build of the npm package in pkg/, all tests, demo server.
# Run `./build.sh help` for the subcommands. Needs Rust via rustup, node >= 20 and npm; `setup` installs the rest.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$ROOT"

CRATE=rillmark
WASM_TARGET=wasm32-unknown-unknown
# Cargo features of the npm package: the JavaScript API (src/web) and talc as its global allocator, with `wire` (on by
# default: fetch()/stream(), the dialects, serde_json). The rlib alone has neither web nor talc; the browser tests
# need `web`, and `server` (html5ever) for tests/web_ssr.rs, which checks SSR against the browser's DOM. WRITE_ONLY_FEATURES is the smaller build for hosts that only write() text (`build-write-only`).
PACKAGE_FEATURES=wire,web,talc
WRITE_ONLY_FEATURES=web,talc
# The server build (`rillmark/server`, pkg/server/): renderToString with html5ever for raw HTML; no `wire` (a server
# renders text it has).
SERVER_FEATURES=web,talc,server
TEST_FEATURES=web,server
CHROMIUM=/usr/bin/chromium
CHROMEDRIVER_BIN=/usr/bin/chromedriver
FIREFOX=/usr/bin/firefox-esr
GECKODRIVER_VERSION=0.37.1 # crates.io; GitHub release binaries are unreachable here
geckodriver_bin() {
  if [[ -n "${GECKODRIVER:-}" ]]; then echo "$GECKODRIVER"
  elif command -v geckodriver >/dev/null 2>&1; then command -v geckodriver
  else echo "${CARGO_HOME:-$HOME/.cargo}/bin/geckodriver"
  fi
}
SCRATCH="$ROOT/.tmp"
NPM_STAMP="node_modules/.rillmark-lock-stamp"

# ---------------------------------------------------------------------------------------------------------------------
# Output helpers. No colour under CI=true, NO_COLOR or when stdout is not a terminal.
if [[ "${CI:-}" == "true" || -n "${NO_COLOR:-}" || ! -t 1 ]]; then
  C_BOLD="" C_RED="" C_GREEN="" C_DIM="" C_OFF=""
  export CARGO_TERM_COLOR=never NO_COLOR=1
else
  C_BOLD=$'\e[1m' C_RED=$'\e[31m' C_GREEN=$'\e[32m' C_DIM=$'\e[2m' C_OFF=$'\e[0m'
fi
if [[ "${CI:-}" == "true" ]]; then
  export DEBIAN_FRONTEND=noninteractive npm_config_yes=true npm_config_fund=false npm_config_audit=false
fi

step() { printf '%s==> %s%s\n' "$C_BOLD" "$*" "$C_OFF"; }
did() { printf '  %s+%s %s\n' "$C_GREEN" "$C_OFF" "$*"; }
skip() { printf '  %s= %s: present, skipped%s\n' "$C_DIM" "$*" "$C_OFF"; }
die() { printf '%serror:%s %s\n' "$C_RED$C_BOLD" "$C_OFF" "$*" >&2; exit 1; }
need() { command -v "$1" >/dev/null 2>&1 || die "$1 not found on PATH. $2"; }

# The first line a command prints, or "?" when it fails. Never `cmd | head -n1`: head exits after one line, the
# command's next write fails with EPIPE, a Rust program (geckodriver) panics with exit code 101, and pipefail plus
# `set -e` turn that race into a failed setup.
first_line() {
  local out
  out="$("$@" 2>/dev/null)" || out="?"
  printf '%s\n' "${out%%$'\n'*}"
}

as_root() {
  if [[ "$(id -u)" == 0 ]]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else die "need root (or sudo) to run: $*"
  fi
}

# The version of a [[package]] in Cargo.lock, e.g. lock_version wasm-bindgen -> 0.2.130.
lock_version() {
  awk -v want="$1" '
    $0 == "[[package]]" { name = "" }
    $1 == "name" && $2 == "=" { gsub(/"/, "", $3); name = $3 }
    $1 == "version" && $2 == "=" && name == want { gsub(/"/, "", $3); print $3; exit }
  ' Cargo.lock
}

# The version in Cargo.toml's [package] table.
crate_version() {
  awk '
    /^\[/ { in_pkg = ($0 == "[package]") }
    in_pkg && $1 == "version" && $2 == "=" { gsub(/"/, "", $3); print $3; exit }
  ' Cargo.toml
}

wasm_path() { echo "${CARGO_TARGET_DIR:-target}/$WASM_TARGET/release/$CRATE.wasm"; }

# ---------------------------------------------------------------------------------------------------------------------
# Each step of `test` is timed and listed in a summary, also when one fails.
SUMMARY=()
CURRENT=""
STARTED=0
run_step() {
  local name="$1"; shift
  CURRENT="$name"; STARTED=$SECONDS
  step "$name"
  "$@"
  SUMMARY+=("$(printf '  %sok%s   %-34s %4ss' "$C_GREEN" "$C_OFF" "$name" $((SECONDS - STARTED)))")
  CURRENT=""
}
print_summary() {
  local rc=$?
  if [[ ${#SUMMARY[@]} -gt 0 || -n "$CURRENT" ]]; then
    step "summary"
    local line
    for line in "${SUMMARY[@]+"${SUMMARY[@]}"}"; do echo "$line"; done
    if [[ -n "$CURRENT" ]]; then
      printf '  %sFAIL%s %-34s %4ss\n' "$C_RED$C_BOLD" "$C_OFF" "$CURRENT" $((SECONDS - STARTED))
      printf '%sFAILED%s at step "%s" (exit code %s); stopped there.\n' "$C_RED$C_BOLD" "$C_OFF" "$CURRENT" "$rc" >&2
    elif [[ $rc == 0 ]]; then
      printf '%sall %s steps passed%s in %ss\n' "$C_GREEN$C_BOLD" "${#SUMMARY[@]}" "$C_OFF" "$SECONDS"
    fi
  fi
  rm -rf "$SCRATCH"
}

# ---------------------------------------------------------------------------------------------------------------------
setup_rust_target() {
  need rustup "Install Rust with rustup (https://rustup.rs) first."
  if rustup target list --installed | grep -qx "$WASM_TARGET"; then
    skip "rust target $WASM_TARGET"
  else
    rustup target add "$WASM_TARGET"
    did "installed rust target $WASM_TARGET"
  fi
}

setup_wasm_bindgen() {
  local want have=""
  want="$(lock_version wasm-bindgen)"
  [[ -n "$want" ]] || die "no wasm-bindgen package in Cargo.lock"
  if command -v wasm-bindgen >/dev/null 2>&1; then have="$(wasm-bindgen --version | awk '{print $2}')"; fi
  if [[ "$have" == "$want" ]] && command -v wasm-bindgen-test-runner >/dev/null 2>&1; then
    skip "wasm-bindgen-cli $want"
  else
    echo "  wasm-bindgen-cli ${have:-(none)} found, Cargo.lock wants $want: installing (about 5 minutes on 2 cores)"
    # No --locked: the CLI's own lockfile pins a crate version the registry mirror may lack.
    cargo install wasm-bindgen-cli --version "$want"
    have="$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')"
    [[ "$have" == "$want" ]] ||
      die "installed wasm-bindgen-cli $want, but $(command -v wasm-bindgen || echo wasm-bindgen) reports ${have:-nothing}: put ~/.cargo/bin first on PATH"
    did "installed wasm-bindgen-cli $want"
  fi
}

setup_npm() {
  need node "Install Node.js >= 20."
  need npm "Install npm."
  local want
  want="$(node -v) $(sha256sum package-lock.json | cut -d' ' -f1)"
  if [[ -f "$NPM_STAMP" && "$(cat "$NPM_STAMP")" == "$want" ]]; then
    skip "node_modules (matches package-lock.json)"
  else
    npm ci --no-audit --no-fund
    echo "$want" >"$NPM_STAMP"
    did "npm ci"
  fi
}

# The demo's plug-in bundle (Shiki, highlight.js, KaTeX, Mermaid from node_modules) in www/vendor/, by esbuild; the
# script skips the build when its inputs (www/plugins.mjs, itself, package-lock.json) are unchanged.
setup_demo_plugins() {
  node www/build-plugins.mjs
}

setup_chromium() {
  if [[ -x "$CHROMIUM" && -x "$CHROMEDRIVER_BIN" ]]; then
    skip "chromium + chromedriver ($(first_line "$CHROMIUM" --version))"
  else
    need apt-get "Install Chromium and ChromeDriver at $CHROMIUM and $CHROMEDRIVER_BIN by hand."
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium chromium-driver
    did "installed chromium + chromium-driver"
  fi
}

setup_firefox() {
  if [[ -x "$FIREFOX" ]]; then
    skip "firefox-esr ($(first_line "$FIREFOX" --version))"
  else
    need apt-get "Install Firefox ESR at $FIREFOX by hand."
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y firefox-esr
    did "installed firefox-esr"
  fi
  local bin have=""
  bin="$(geckodriver_bin)"
  if [[ -x "$bin" ]]; then have="$(first_line "$bin" --version | awk '{print $2}')"; fi
  if [[ "$have" == "$GECKODRIVER_VERSION" ]]; then
    skip "geckodriver $GECKODRIVER_VERSION"
  else
    echo "  geckodriver ${have:-(none)} found, want $GECKODRIVER_VERSION: installing with cargo (about 2 minutes on 2 cores)"
    cargo install geckodriver --version "$GECKODRIVER_VERSION"
    did "installed geckodriver $GECKODRIVER_VERSION"
  fi
}

# WebKit is opt-in (RILLMARK_WEBKIT=1 ./build.sh setup): Debian's webkit2gtk-driver (WebKitWebDriver + MiniBrowser,
# about 150 MB with its libraries) and Xvfb, since WebKitGTK's MiniBrowser cannot run headless.
setup_webkit() {
  if [[ "${RILLMARK_WEBKIT:-0}" != 1 ]]; then return; fi
  if [[ -x /usr/bin/WebKitWebDriver ]] && command -v xvfb-run >/dev/null 2>&1; then
    skip "webkit2gtk-driver + xvfb"
  else
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends webkit2gtk-driver xvfb xauth
    did "installed webkit2gtk-driver + xvfb"
  fi
}

cmd_setup() {
  step "setup"
  need cargo "Install Rust with rustup (https://rustup.rs) first."
  setup_rust_target
  setup_wasm_bindgen
  setup_npm
  setup_demo_plugins
  setup_chromium
  setup_firefox
  setup_webkit
}

# ---------------------------------------------------------------------------------------------------------------------
check_build_tools() {
  need cargo "Install Rust with rustup, then run ./build.sh setup."
  need wasm-bindgen "Run ./build.sh setup."
  local want have
  want="$(lock_version wasm-bindgen)"
  have="$(wasm-bindgen --version | awk '{print $2}')"
  [[ "$have" == "$want" ]] || die "wasm-bindgen CLI is $have but Cargo.lock has wasm-bindgen $want. Run ./build.sh setup."
}

# The publishable package: public .d.ts, package.json (version from Cargo.toml), npm README, licences, rillmark.css.
# scripts/package.mjs says what it does and why the .d.ts needs a post-processing step.
write_pkg_json() {
  need node "Install Node.js >= 20."
  node scripts/package.mjs pkg
}

# Raw and gzip -9 sizes of the module and JS glue in directory $1 (and the stylesheet, when there is one).
print_sizes() {
  local dir="$1" f
  printf '  %-22s %10s %12s\n' "file" "raw bytes" "gzip -9"
  for f in "$dir/rillmark_bg.wasm" "$dir/rillmark.js" "$dir/rillmark.css"; do
    [[ -f "$f" ]] || continue
    printf '  %-22s %10s %12s\n' "${f#"$dir"/}" "$(wc -c <"$f")" "$(gzip -9c "$f" | wc -c)"
  done
}

# What a release build needs (each step skips what is present): `demo` and `build` install it themselves.
setup_build_tools() {
  need cargo "Install Rust with rustup (https://rustup.rs) first."
  setup_rust_target
  setup_wasm_bindgen
  setup_npm
}

# The release module with cargo features $1 (cargo build, wasm-bindgen, wasm-opt) into directory $2.
build_wasm() {
  local features="$1" out="$2" wasm
  cargo build --release --target "$WASM_TARGET" --locked --no-default-features --features "$features"
  wasm="$(wasm_path)"
  [[ -f "$wasm" ]] || die "cargo did not produce $wasm"
  rm -rf "$out"
  wasm-bindgen --target web --out-dir "$out" --remove-name-section --remove-producers-section "$wasm"
  # binaryen's wasm-opt from npm (pinned in package.json; Debian's binaryen 108 miscompiles wasm-bindgen output).
  # -O1 at shrink level 1 and the passes after it make the gzip smaller; -Oz, -O2 and inlining make the raw module smaller but its gzip
  # larger (benches/results/size.md). The target_features section only matters to wasm-bindgen, which has run.
  ./node_modules/.bin/wasm-opt -O1 --shrink-level=1 --duplicate-function-elimination --dae-optimizing --rse --precompute-propagate \
    --code-pushing --local-cse --converge --strip-target-features "$out/rillmark_bg.wasm" -o "$out/rillmark_bg.wasm"
}

cmd_build() {
  step "build (release wasm -> pkg/)"
  setup_build_tools
  check_build_tools
  build_wasm "$PACKAGE_FEATURES" pkg
  build_wasm "$SERVER_FEATURES" "$SCRATCH/pkg-server"
  mkdir -p pkg/server
  cp "$SCRATCH/pkg-server/rillmark.js" "$SCRATCH/pkg-server/rillmark_bg.wasm" pkg/server/
  write_pkg_json
  did "pkg/ written ($CRATE $(crate_version))"
  print_sizes pkg
  echo "  server build (rillmark/server):"
  print_sizes pkg/server
}

# The write-only module (no `wire`: no fetch()/stream(), dialects or serde_json) into .tmp/pkg-write-only, built to
# check that it still builds and to print its size; it is not published.
cmd_build_write_only() {
  step "build (release wasm, write() only -> $SCRATCH/pkg-write-only/)"
  setup_build_tools
  check_build_tools
  build_wasm "$WRITE_ONLY_FEATURES" "$SCRATCH/pkg-write-only"
  print_sizes "$SCRATCH/pkg-write-only"
}

# ---------------------------------------------------------------------------------------------------------------------
# Formatting and lints, native and wasm32, warnings as errors (the project's standard).
lint() {
  cargo fmt --check
  cargo clippy --locked --all-targets -- -D warnings
  cargo clippy --locked --target "$WASM_TARGET" --all-targets -- -D warnings
  cargo clippy --locked --target "$WASM_TARGET" --all-targets --features "$PACKAGE_FEATURES" -- -D warnings
  # The server build and the SSR tests (html5ever): natively and for wasm32 with the browser tests' features.
  cargo clippy --locked --all-targets --features server -- -D warnings
  cargo clippy --locked --target "$WASM_TARGET" --all-targets --features "$TEST_FEATURES" -- -D warnings
  cargo clippy --locked --target "$WASM_TARGET" --lib --no-default-features --features "$SERVER_FEATURES" -- -D warnings
  # The write-only build (no `wire`), library only: the test files exercise the wire formats.
  cargo clippy --locked --lib --no-default-features -- -D warnings
  cargo clippy --locked --target "$WASM_TARGET" --lib --no-default-features --features "$WRITE_ONLY_FEATURES" -- -D warnings
}

# All tests, then the library's own tests without `wire` (the write-only build), then SSR with its HTML parser.
native_tests() {
  cargo test --locked
  cargo test --locked --lib --no-default-features
  # Server-side rendering with the HTML parser (feature `server`); the run above tests it without.
  cargo test --locked --features server --lib --test ssr
}

# wasm-bindgen-test's time limit for one test file's whole browser run (its default is 20 s): tests/web.rs takes about
# 20 s in Chromium on a loaded 2-core machine. A hang still fails, after this long.
WASM_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-180}"

wasm_tests() {
  # Chromium leaves 15-50 MB profiles per run in TMPDIR: keep them in .tmp/ (gitignored, removed at exit).
  mkdir -p "$SCRATCH/tmp" "$SCRATCH/config" "$SCRATCH/cache"
  TMPDIR="$SCRATCH/tmp" XDG_CONFIG_HOME="$SCRATCH/config" XDG_CACHE_HOME="$SCRATCH/cache" \
    CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
    CHROMEDRIVER="$CHROMEDRIVER_BIN" \
    WASM_BINDGEN_TEST_WEBDRIVER_JSON="$ROOT/webdriver.json" \
    WASM_BINDGEN_TEST_TIMEOUT="$WASM_TEST_TIMEOUT" \
    cargo test --target "$WASM_TARGET" --locked --features "$TEST_FEATURES"
  rm -rf "$SCRATCH"
}

# The same wasm-bindgen-test browser suite (tests/web.rs) in headless Firefox: the runner picks geckodriver when
# GECKODRIVER is set (it checks GECKODRIVER before CHROMEDRIVER) and adds -headless; prefs from webdriver.json.
# Only the test files that run in a browser (wasm_bindgen_test_configure!(run_in_browser)); the Node ones ran above.
wasm_tests_firefox() {
  mkdir -p "$SCRATCH/tmp" "$SCRATCH/config" "$SCRATCH/cache"
  local tests=() f
  for f in $(grep -l 'wasm_bindgen_test_configure!(run_in_browser)' tests/*.rs); do
    tests+=(--test "$(basename "$f" .rs)")
  done
  [[ ${#tests[@]} -gt 0 ]] || die "no browser test files (run_in_browser) in tests/"
  TMPDIR="$SCRATCH/tmp" XDG_CONFIG_HOME="$SCRATCH/config" XDG_CACHE_HOME="$SCRATCH/cache" \
    CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
    GECKODRIVER="$(geckodriver_bin)" \
    WASM_BINDGEN_TEST_WEBDRIVER_JSON="$ROOT/webdriver.json" \
    WASM_BINDGEN_TEST_TIMEOUT="$WASM_TEST_TIMEOUT" \
    cargo test --target "$WASM_TARGET" --locked --features "$TEST_FEATURES" "${tests[@]}"
  rm -rf "$SCRATCH"
}

# Browser end-to-end tests: every tests/e2e/*.test.mjs but firefox.test.mjs (playwright-core + Chromium), or only
# that one (Firefox through WebDriver) with `e2e_tests firefox`.
e2e_tests() {
  mkdir -p "$SCRATCH/tmp" "$SCRATCH/config" "$SCRATCH/cache"
  local files=() f
  for f in tests/e2e/*.test.mjs; do
    if [[ "${1:-chromium}" == firefox ]]; then [[ "$f" == */firefox.test.mjs ]] && files+=("$f")
    else [[ "$f" != */firefox.test.mjs ]] && files+=("$f")
    fi
  done
  [[ ${#files[@]} -gt 0 ]] || die "no tests/e2e/*.test.mjs files"
  TMPDIR="$SCRATCH/tmp" XDG_CONFIG_HOME="$SCRATCH/config" XDG_CACHE_HOME="$SCRATCH/cache" \
    GECKODRIVER="$(geckodriver_bin)" FIREFOX_BIN="$FIREFOX" \
    node --test --test-concurrency=1 --test-reporter=spec "${files[@]}"
  rm -rf "$SCRATCH"
}

# --- npm package consumer tests (tests/consumers/; owned with the package: scripts/package.mjs, npm/, css/) ---------
# npm pack output, tsc against the .d.ts, the tarball in a scratch Vite 7 app (build + dev server) and in a plain page,
# streamed in headless Chromium; the React, Vue and Svelte bindings in apps built with Vite 7 and 8, hydrating
# server-rendered answers, and a Next.js app (frameworks.test.mjs); rillmark/server in Node (server.test.mjs).
# Needs pkg/ (run after the release build) and network or a warm npm cache.
consumer_tests() {
  mkdir -p "$SCRATCH/tmp" "$SCRATCH/config" "$SCRATCH/cache"
  TMPDIR="$SCRATCH/tmp" XDG_CONFIG_HOME="$SCRATCH/config" XDG_CACHE_HOME="$SCRATCH/cache" \
    node --test --test-concurrency=1 --test-reporter=spec tests/consumers/
  rm -rf "$SCRATCH"
}

# The WebDriver flows of tests/e2e/firefox.test.mjs in WebKitGTK, under Xvfb (only when both are installed).
e2e_webkit() {
  mkdir -p "$SCRATCH/tmp" "$SCRATCH/config" "$SCRATCH/cache"
  TMPDIR="$SCRATCH/tmp" XDG_CONFIG_HOME="$SCRATCH/config" XDG_CACHE_HOME="$SCRATCH/cache" \
    RILLMARK_E2E_FIREFOX=0 RILLMARK_E2E_WEBKIT=1 \
    xvfb-run -a node --test --test-concurrency=1 --test-reporter=spec tests/e2e/firefox.test.mjs
  rm -rf "$SCRATCH"
}

cmd_test() {
  trap print_summary EXIT
  run_step "setup" cmd_setup
  run_step "lint (fmt, clippy native + wasm32)" lint
  run_step "native tests (cargo test)" native_tests
  run_step "wasm tests (node + chromium)" wasm_tests
  run_step "wasm tests (firefox)" wasm_tests_firefox
  run_step "release build" cmd_build
  run_step "release build (write() only)" cmd_build_write_only
  run_step "browser e2e (chromium)" e2e_tests chromium
  run_step "browser e2e (firefox)" e2e_tests firefox
  if [[ -x /usr/bin/WebKitWebDriver ]] && command -v xvfb-run >/dev/null 2>&1; then
    run_step "browser e2e (webkit, xvfb)" e2e_webkit
  else
    skip "browser e2e (webkit): needs webkit2gtk-driver and xvfb (RILLMARK_WEBKIT=1 ./build.sh setup)"
  fi
  run_step "npm package consumers" consumer_tests
}

cmd_demo() {
  cmd_build
  step "demo plug-ins (www/vendor/)"
  setup_demo_plugins
  step "demo server"
  need node "Install Node.js >= 20."
  export PORT="${PORT:-8080}"
  exec node www/server.mjs
}

usage() {
  cat <<EOF
usage: ./build.sh <command>

  setup   install what the build and tests need, skipping what is present: rust target $WASM_TARGET,
          wasm-bindgen-cli at the version in Cargo.lock, npm ci, the demo's plug-in bundle (www/vendor/, esbuild),
          chromium + chromedriver and firefox-esr (apt-get), geckodriver $GECKODRIVER_VERSION (cargo install)
  build   release build: cargo (wasm32, --locked) + wasm-bindgen --target web + wasm-opt into pkg/, with
          pkg/package.json; prints the raw and gzip size of the wasm (installs the rust target, wasm-bindgen-cli
          and npm packages first when missing)
  build-write-only
          the same release build without the \`wire\` feature (no fetch()/stream(), dialects or serde_json), for
          hosts that only write() text, into .tmp/pkg-write-only/ with its sizes (not published)
  test    setup, native cargo test, wasm-bindgen tests (Node + headless Chromium, then headless Firefox), build,
          browser e2e tests (Chromium via playwright-core, Firefox via WebDriver); stops at the first failure and
          prints a summary
  demo    build (as above) and the plug-in bundle (www/vendor/), then serve the demo chat page on http://127.0.0.1:\${PORT:-8080}/
  help    this text

Environment: CARGO_TARGET_DIR (respected), PORT (demo), CI=true (no colour, no prompts), NO_COLOR,
GECKODRIVER (path; default: on PATH, else ~/.cargo/bin/geckodriver), RILLMARK_UPSTREAM_* (demo pass-through to a
real model: see the header of www/server.mjs).
EOF
}

case "${1:-}" in
  setup) cmd_setup ;;
  build) cmd_build ;;
  build-write-only) cmd_build_write_only ;;
  test) cmd_test ;;
  demo) cmd_demo ;;
  help | -h | --help) usage ;;
  *)
    usage >&2
    [[ -n "${1:-}" ]] && printf '\nunknown command: %s\n' "$1" >&2
    exit 2
    ;;
esac
