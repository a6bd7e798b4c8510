//! Spec conformance of the one-shot renderer: every CommonMark 0.31.2 example and every GFM extension example, through
//! `render` + `to_html` in trusted mode, compared with the spec's HTML.
//!
//! The examples are data in `tests/data/` (see `tests/data/README-spec.md`; regenerate with `tests/spec/regenerate.mjs`).
//! A failure names the example number and section. Set `RILLMARK_SPEC_VERBOSE=1` to print every failing example.
// Native tests: the wasm32 build of the test suite runs only the browser files (tests/web*.rs).
#![cfg(not(target_arch = "wasm32"))]

mod support;

use rillmark::markdown::render::render;
use rillmark::options::RenderOptions;
use support::{normalise_attributes, spec_examples as load, SpecExample as Example};

struct Tally {
    exact: usize,
    normalised: usize,
    failures: Vec<String>,
}

fn run(examples: &[Example], opts: &RenderOptions, skip: &[u64]) -> Tally {
    let mut tally = Tally { exact: 0, normalised: 0, failures: Vec::new() };
    for ex in examples.iter().filter(|e| !skip.contains(&e.number)) {
        let got = render(&ex.markdown, opts).to_html();
        if got == ex.html {
            tally.exact += 1;
        } else if normalise_attributes(&got) == normalise_attributes(&ex.html) {
            tally.normalised += 1;
        } else {
            tally.failures.push(format!(
                "example {} ({}) should render as the spec says\n  markdown: {:?}\n  expected: {:?}\n  got:      {:?}",
                ex.number, ex.section, ex.markdown, ex.html, got
            ));
        }
    }
    tally
}

fn report(name: &str, total: usize, tally: &Tally) {
    eprintln!(
        "{name}: {} of {total} pass ({} byte for byte, {} more with attribute order and void-tag slashes normalised)",
        tally.exact + tally.normalised,
        tally.exact,
        tally.normalised
    );
    if std::env::var_os("RILLMARK_SPEC_VERBOSE").is_some() {
        for f in &tally.failures {
            eprintln!("{f}");
        }
    }
}

#[test]
fn commonmark_spec_examples() {
    let examples = load("commonmark-0.31.2.json");
    assert_eq!(examples.len(), 652, "should vendor all 652 CommonMark 0.31.2 examples");
    let opts = RenderOptions { gfm: false, trusted: true, ..RenderOptions::default() };
    let tally = run(&examples, &opts, &[]);
    report("CommonMark 0.31.2", examples.len(), &tally);
    assert!(tally.failures.is_empty(), "{}", tally.failures.join("\n"));
    assert_eq!(tally.normalised, 0, "should match every CommonMark example byte for byte");
}

/// GFM examples not required: `xmpp:` autolinks, which cmark-gfm does not implement either (DESIGN.md §3).
const GFM_NOT_REQUIRED: &[u64] = &[634, 635];

#[test]
fn gfm_extension_examples() {
    let examples = load("gfm-0.29-extensions.json");
    assert_eq!(examples.len(), 28, "should vendor all 28 GFM extension examples");
    for n in GFM_NOT_REQUIRED {
        let ex = examples.iter().find(|e| e.number == *n);
        assert!(
            ex.is_some_and(|e| e.markdown.contains("xmpp:")),
            "should skip only the xmpp: autolink examples, not example {n}"
        );
    }
    let opts = RenderOptions { trusted: true, ..RenderOptions::default() };
    let tally = run(&examples, &opts, GFM_NOT_REQUIRED);
    report("GFM 0.29 extensions (xmpp: examples skipped)", examples.len() - GFM_NOT_REQUIRED.len(), &tally);
    assert!(tally.failures.is_empty(), "{}", tally.failures.join("\n"));
}
