#!/usr/bin/env python3
"""Size breakdown of the shipped wasm: how many gzip -9 bytes each group of functions or data would save if it went.

Usage (after `./build.sh build`; twiggy gives the same per-function raw sizes, this adds the gzip effect):

    # a copy with the name section kept (and, for data attribution, one data segment per symbol)
    RUSTFLAGS="-C link-arg=--no-merge-data-segments" CARGO_TARGET_DIR=/tmp/t-seg \
        cargo build --release --target wasm32-unknown-unknown --locked
    wasm-bindgen --target web --out-dir /tmp/pkg-seg --remove-producers-section \
        /tmp/t-seg/wasm32-unknown-unknown/release/rillmark.wasm
    wasm-bindgen --target web --out-dir /tmp/pkg-names --remove-producers-section \
        $CARGO_TARGET_DIR/wasm32-unknown-unknown/release/rillmark.wasm
    python3 benches/size_breakdown.py /tmp/pkg-names/rillmark_bg.wasm /tmp/pkg-seg/rillmark_bg.wasm

"Saved" = gzip(the module without its name section) - gzip(the same bytes with the group's function bodies or data
segment contents cut out). The result is not a valid module; it only measures what the group costs on the wire. The
segmented build is ~7% larger (a header per segment), so data figures are close, not exact.
"""
import gzip
import re
import sys


def leb(b, i):
    r = s = 0
    while True:
        x = b[i]
        i += 1
        r |= (x & 0x7F) << s
        s += 7
        if x < 0x80:
            return r, i


def sections(b):
    i, out = 8, []
    while i < len(b):
        sid, st = b[i], i
        n, i = leb(b, i + 1)
        out.append((sid, st, i, i + n))
        i += n
    return out


def is_name_section(b, s):
    l, j = leb(b, s)
    return b[j : j + l] == b"name"


def names(b, secs):
    fn, dn, imported = {}, {}, 0
    for sid, st, s, e in secs:
        if sid == 2:
            c, j = leb(b, s)
            for _ in range(c):
                for _ in range(2):
                    l, j = leb(b, j)
                    j += l
                kind = b[j]
                j += 1
                if kind == 0:
                    _, j = leb(b, j)
                    imported += 1
                elif kind == 1:
                    j += 1
                    _, j = leb(b, j)
                    _, j = leb(b, j)
                elif kind == 2:
                    _, j = leb(b, j)
                    _, j = leb(b, j)
                else:
                    j += 2
        if sid == 0 and is_name_section(b, s):
            l, j = leb(b, s)
            j += l
            while j < e:
                sub = b[j]
                sl, j = leb(b, j + 1)
                end = j + sl
                if sub in (1, 9):
                    c, j = leb(b, j)
                    for _ in range(c):
                        idx, j = leb(b, j)
                        ln, j = leb(b, j)
                        (fn if sub == 1 else dn)[idx] = b[j : j + ln].decode("utf8", "replace")
                        j += ln
                j = end
    return fn, dn, imported


def items(b, secs):
    fn, dn, imported = names(b, secs)
    out = []
    for sid, st, s, e in secs:
        if sid == 10:
            c, j = leb(b, s)
            for k in range(c):
                sz, j2 = leb(b, j)
                out.append(("f", fn.get(imported + k, "?"), j, j2 + sz))
                j = j2 + sz
        if sid == 11:
            c, j = leb(b, s)
            for k in range(c):
                flag, j = leb(b, j)
                if flag == 0:
                    _, j = leb(b, j + 1)
                    j += 1
                elif flag == 2:
                    _, j = leb(b, j)
                    _, j = leb(b, j + 1)
                    j += 1
                sz, j = leb(b, j)
                out.append(("d", dn.get(k, "?"), j, j + sz))
                j += sz
    return out


def without(b, secs, cut):
    out = bytearray(b[:8])
    cut = sorted(cut)
    for sid, st, s, e in secs:
        if sid == 0 and is_name_section(b, s):
            continue
        p = st
        for a, z in cut:
            if a >= st and z <= e:
                out += b[p:a]
                p = z
        out += b[p:e]
    return bytes(out)


FUNCTION_GROUPS = [
    ("comrak (code)", r"^comrak::"),
    ("  of which handle_pointy_brace (inline HTML scanners)", r"handle_pointy_brace"),
    ("rillmark::markdown", r"rillmark::markdown"),
    ("rillmark::dialect (serde_json Value walking)", r"rillmark::dialect"),
    ("serde_json + serde_core + zmij + itoa", r"serde_json|serde_core|zmij|itoa"),
    ("wasm-bindgen + js-sys + web-sys glue", r"wasm_bindgen|js_sys|web_sys"),
    ("futures + wasm-streams", r"futures|wasm_streams"),
    ("rillmark::web", r"rillmark::web"),
    ("rillmark::frame + decode + pipeline + patch + error", r"rillmark::(frame|decode|pipeline|patch|error)"),
    ("memchr-n (comrak's scanner)", r"memchr_n"),
    ("core::fmt", r"core[^:]*::fmt|fmt::"),
    ("<str>::to_lowercase (called by comrak)", r"^<str>::to_lowercase"),
    ("hashbrown", r"hashbrown"),
    ("dlmalloc", r"dlmalloc"),
    ("panic machinery", r"panic"),
    ("all functions", r"."),
]
DATA_GROUPS = [
    ("finl_unicode category tables (comrak: is_punctuation/is_symbol)", r"finl_unicode"),
    ("HTML entity phf map (comrak build.rs)", r"b563584456995fecce7474a81111c173\.(4259|643)$"),
    ("caseless case-fold table (comrak: link labels)", r"659d55f3f444fb02438f0bfef65b441e\.17$"),
    ("core LOWERCASE_TABLE (str::to_lowercase)", r"1e22b08c66e67b71f03f1dc3c7604e96\.212$"),
    ("core unicode property tables", r"core7unicode"),
    ("serde_json/zmij/itoa tables", r"serde_json|zmij|itoa"),
    ("all data", r"."),
]


def report(path, groups, kind):
    b = open(path, "rb").read()
    secs = sections(b)
    its = items(b, secs)
    base = without(b, secs, [])
    g0 = len(gzip.compress(base, 9))
    print(f"\n{path}: {len(base)} B raw, {g0} B gzip -9 without the name section")
    print(f"| {'functions' if kind == 'f' else 'data'} | items | raw bytes | gzip bytes saved if gone |")
    print("|---|---|---|---|")
    for label, rx in groups:
        cut = [(a, z) for k, n, a, z in its if k == kind and re.search(rx, n)]
        raw = sum(z - a for a, z in cut)
        g = len(gzip.compress(without(b, secs, cut), 9))
        print(f"| {label} | {len(cut)} | {raw} | {g0 - g} |")


if __name__ == "__main__":
    report(sys.argv[1], FUNCTION_GROUPS, "f")
    if len(sys.argv) > 2:
        report(sys.argv[2], DATA_GROUPS, "d")
