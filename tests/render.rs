//! The one-shot renderer: trusted mode prints exactly what comrak prints, safe mode keeps every policy rule of
//! DESIGN.md §2.5, blocks carry their source lines, and no input makes it panic.
// Native tests: the wasm32 build of the test suite runs only the browser files (tests/web*.rs).
#![cfg(not(target_arch = "wasm32"))]

use std::path::Path;
use std::sync::Arc;

use rillmark::markdown::render::{comrak_options, render, render_with, RenderedDoc, MAX_DEPTH, SAFE_ATTRS, SAFE_TAGS};
use rillmark::options::{ImagePolicy, RenderOptions};
use rillmark::patch::html::to_html;
use rillmark::patch::Node;

fn trusted(gfm: bool) -> RenderOptions {
    RenderOptions { gfm, trusted: true, ..RenderOptions::default() }
}

fn safe() -> RenderOptions {
    RenderOptions::default()
}

#[track_caller]
fn assert_like_comrak(markdown: &str, gfm: bool) {
    let opts = trusted(gfm);
    let expected = comrak::markdown_to_html(markdown, &comrak_options(&opts));
    let doc = render(markdown, &opts);
    let got = doc.to_html();
    assert_eq!(got, expected, "should print what comrak prints (gfm: {gfm}) for {markdown:?}");
    // The incremental engine serialises blocks one by one: that must give the same bytes.
    let one_by_one: String = doc.nodes().map(|n| to_html(std::slice::from_ref(n))).collect();
    assert_eq!(one_by_one, got, "should print the same when each block is serialised alone, for {markdown:?}");
}

fn html(markdown: &str, opts: &RenderOptions) -> String {
    render(markdown, opts).to_html()
}

const CORPUS: &[&str] = &[
    "",
    "plain",
    "# H1\n## H2 ##\n### H3\n#### H4\n##### H5\n###### H6\n####### not a heading\n",
    "Setext\n======\n\nTwo\n---\n",
    "- a\n- b\n  - c\n  - d\n    - e\n- f\n",
    "- a\n\n- b\n\n  more\n- c\n",
    "1. one\n2. two\n\n   para\n3) other list\n",
    "7. seven\n8. eight\n",
    "0. zero\n",
    "- a\n  b\n- c\n\n  d\n",
    "- \n- x\n",
    "> quote\n> > nested\n> > > deeper\n>\n> - list in quote\n",
    ">\n",
    "```rust\nfn main() {}\n```\n",
    "```rust ignore extra\nlet x = 1 < 2 && 3 > 2;\n```\n",
    "~~~\nno info\n~~~\n",
    "```\nunclosed fence\n",
    "```math\nx^2\n```\n",
    "    indented\n    code\n\n      more\n",
    "| a | b | c | d |\n|:--|:-:|--:|---|\n| 1 | 2 | 3 | 4 |\n| x |\n",
    "| only | header |\n|---|---|\n",
    "- [ ] todo\n- [x] done\n  - [X] nested\n",
    "- [ ] loose\n\n- [x] task\n",
    "~~strike~~ and ~one~ tilde\n",
    "www.example.com and https://example.com/a?b=c&d=e and foo@bar.example\n",
    "<https://auto.link/x> <mailto:a@b.c> <a@b.c>\n",
    "Footnote[^1] and another[^note] and again[^1].\n\n[^1]: First.\n[^note]: Second\n    with more.\n",
    "Ref[^a].\n\n[^a]:\n    ```\n    code last\n    ```\n",
    "Ref[^a].\n\n[^a]: para\n\n    > quote last\n",
    "Unused[^x]\n\n[^y]: never referenced\n",
    "&amp; &copy; &#35; &#x22; &nbsp; &bogus; & < > \"\n",
    "<div>\n*raw* block\n</div>\n\ninline <span class=\"x\">html</span> <!-- c --> <?pi?>\n",
    "<div>\nno newline at end</div>",
    "- <div>\n- <b>inline</b>\n- a\n  <div>\n",
    "hard  \nbreak\\\nand soft\nbreak\n",
    "*em* **strong** ***both*** _u_ __uu__ `code` `` a`b ``\n",
    "[link](/url \"title\") [ref][r] [collapsed][] ![img](/i.png \"t\") ![alt *em* `c`](</a b.png>)\n\n[r]: https://example.com/'q' 'T'\n[collapsed]: /c\n",
    "[bad](javascript:alert(1)) [x](http://[::1]:80/p) [y](</sp ace>)\n",
    "中文段落，**粗体**和*斜体*。\n\n日本語のテキスト\n\n😀 emoji 👩‍👩‍👧 text\n",
    "***\n---\n___\n",
    "line one\nline two\n\n\n\nafter blanks\n",
    "a\u{0}b\n",
    "\t\tfoo\n",
    "<script>alert(1)</script>\n\n<title>t</title> <textarea>\n",
    "Table in list:\n\n- | a |\n  |---|\n  | 1 |\n",
    "> | a |\n> |---|\n> | b |\n",
];

#[test]
fn trusted_mode_prints_what_comrak_prints() {
    for md in CORPUS {
        // The GFM tag filter is rillmark's own (comrak 0.59 lacks it): compare those inputs without GFM only.
        let filtered = ["<script", "<title", "<textarea"].iter().any(|t| md.contains(t));
        assert_like_comrak(md, false);
        if !filtered {
            assert_like_comrak(md, true);
        }
    }
}

#[test]
fn trusted_mode_prints_what_comrak_prints_for_every_spec_example() {
    for (file, gfm) in
        [("commonmark-0.31.2.json", false), ("commonmark-0.31.2.json", true), ("gfm-0.29-extensions.json", true)]
    {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(file);
        let text = std::fs::read_to_string(&path).expect("should read the vendored spec examples");
        let json: serde_json::Value = serde_json::from_str(&text).expect("should parse the spec examples");
        for ex in json.as_array().expect("should hold an array") {
            let md = ex["markdown"].as_str().expect("should have markdown");
            // Example 652 of GFM is the tag filter, which comrak 0.59 does not implement.
            if gfm
                && [
                    "<title",
                    "<textarea",
                    "<style",
                    "<xmp",
                    "<iframe",
                    "<noembed",
                    "<noframes",
                    "<script",
                    "<plaintext",
                ]
                .iter()
                .any(|t| md.to_ascii_lowercase().contains(t))
            {
                continue;
            }
            assert_like_comrak(md, gfm);
        }
    }
}

#[test]
fn trusted_gfm_applies_the_tag_filter() {
    let out = html("<strong> <title> <style> <em>\n\n<script>x</script>\n", &trusted(true));
    assert_eq!(
        out, "<p><strong> &lt;title> &lt;style> <em></p>\n&lt;script>x&lt;/script>\n",
        "should disarm the listed tags in inline and block HTML"
    );
    let plain = html("<script>x</script>\n", &trusted(false));
    assert_eq!(plain, "<script>x</script>\n", "should pass raw HTML through without GFM");
}

#[test]
fn raw_html_is_a_raw_node_in_trusted_mode() {
    let doc = render("<div>x</div>\n\na <b>b</b>\n\nplain *text*\n", &trusted(false));
    assert_eq!(doc.blocks[0].node, Node::RawHtml("<div>x</div>\n".into()), "should keep an HTML block raw");
    assert_eq!(
        doc.blocks[1].node,
        Node::RawHtml("<p>a <b>b</b></p>\n".into()),
        "a block with inline HTML should go to the browser's parser whole (`<b>` and `</b>` are separate tags)"
    );
    assert!(matches!(&doc.blocks[2].node, Node::Element(p) if p.tag == "p"), "a block without HTML stays elements");
}

#[test]
fn adjacent_text_is_merged() {
    let doc = render("one\ntwo &amp; three\\\nfour", &safe());
    let Node::Element(p) = &doc.blocks[0].node else {
        panic!("should render a paragraph");
    };
    assert_eq!(p.children.len(), 3, "should hold text, <br>, text: {:?}", p.children);
    assert_eq!(p.children[0], Node::Text("one\ntwo & three".into()), "should merge text, soft breaks and entities");
    assert_eq!(p.children[2], Node::Text("\nfour".into()), "should merge the newline after <br /> into the next text");
}

// ---- Safe mode ----

fn walk<'a>(node: &'a Node, f: &mut dyn FnMut(&'a Node)) {
    f(node);
    if let Node::Element(e) = node {
        for c in &e.children {
            walk(c, f);
        }
    }
}

#[track_caller]
fn assert_only_allowlisted(doc: &RenderedDoc) {
    for n in doc.nodes() {
        walk(n, &mut |n| match n {
            Node::RawHtml(h) => panic!("should never emit raw HTML in safe mode, got {h:?}"),
            Node::Element(e) => {
                assert!(SAFE_TAGS.contains(&e.tag), "should only create allowlisted tags, got {}", e.tag);
                for (name, value) in &e.attrs {
                    assert!(SAFE_ATTRS.contains(name), "should only set allowlisted attributes, got {name}");
                    if *name == "href" || *name == "src" {
                        assert!(
                            rillmark::markdown::url::is_safe_url(value),
                            "should only put safe URLs in {name}, got {value:?}"
                        );
                    }
                }
            }
            Node::Text(_) => {}
        });
    }
}

#[test]
fn safe_mode_creates_only_allowlisted_elements() {
    let mut all = CORPUS.join("\n\n");
    all.push_str("\n\n[x](javascript:alert(1)) ![i](data:image/png;base64,AA) <img src=x onerror=alert(1)>\n");
    for opts in [
        safe(),
        RenderOptions { gfm: false, ..safe() },
        RenderOptions { images: ImagePolicy::Allow, links_new_tab: true, ..safe() },
    ] {
        for md in CORPUS.iter().copied().chain([all.as_str()]) {
            assert_only_allowlisted(&render(md, &opts));
        }
    }
}

#[test]
fn safe_mode_shows_raw_html_as_text() {
    assert_eq!(
        html("<script>alert(1)</script>\n", &safe()),
        "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n",
        "should show an HTML block as the text of a paragraph"
    );
    assert_eq!(
        html("a <img src=x onerror=alert(1)> b\n", &safe()),
        "<p>a &lt;img src=x onerror=alert(1)&gt; b</p>\n",
        "should show inline HTML as text"
    );
    let doc = render("a <b>b</b> c\n", &safe());
    let Node::Element(p) = &doc.blocks[0].node else {
        panic!("should render a paragraph");
    };
    assert_eq!(p.children, vec![Node::Text("a <b>b</b> c".into())], "should merge raw HTML into one text node");
}

#[test]
fn safe_links_get_rel_and_optionally_target() {
    assert_eq!(
        html("[a](https://x.example/p?q=1&r=2 \"T\")\n", &safe()),
        "<p><a href=\"https://x.example/p?q=1&amp;r=2\" title=\"T\" rel=\"noopener noreferrer\">a</a></p>\n",
        "should add rel to a safe link"
    );
    let new_tab = RenderOptions { links_new_tab: true, ..safe() };
    assert_eq!(
        html("<https://x.example>\n", &new_tab),
        "<p><a href=\"https://x.example\" rel=\"noopener noreferrer\" target=\"_blank\">https://x.example</a></p>\n",
        "should add target=_blank with links_new_tab"
    );
    assert_eq!(
        html("[m](mailto:a@b.example) [r](/rel) [f](#frag) [q](?x)\n", &safe()),
        "<p><a href=\"mailto:a@b.example\" rel=\"noopener noreferrer\">m</a> <a href=\"/rel\" rel=\"noopener noreferrer\">r</a> <a href=\"#frag\" rel=\"noopener noreferrer\">f</a> <a href=\"?x\" rel=\"noopener noreferrer\">q</a></p>\n",
        "should keep mailto and relative links"
    );
    assert_eq!(
        html("www.example.com\n", &safe()),
        "<p><a href=\"http://www.example.com\" rel=\"noopener noreferrer\">www.example.com</a></p>\n",
        "should treat GFM autolinks like links"
    );
}

#[test]
fn safe_mode_refuses_dangerous_link_schemes() {
    for md in [
        "[x](javascript:alert(1))",
        "[x](JAVASCRIPT:alert(1))",
        "[x](java&#9;script:alert(1))",
        "[x](java&#x09;script:alert(1))",
        "[x](<java\tscript:alert(1)>)",
        "[x](%6Aavascript:alert(1))",
        "[x](&#106;avascript:alert(1))",
        "[x](&#x20;javascript:alert(1))",
        "[x](vbscript:msgbox)",
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
        "[x](file:///etc/passwd)",
        "<javascript:alert(1)>",
        "[x][r]\n\n[r]: javascript:alert(1)",
    ] {
        let out = html(md, &safe());
        assert!(!out.contains("href"), "should drop the href of {md:?}, got {out}");
        assert!(
            out.contains("<a>x</a>") || out.contains("<a>javascript"),
            "should keep the link text of {md:?}, got {out}"
        );
    }
    assert_eq!(
        html("[x](javascript:alert(1) \"t\")", &safe()),
        "<p><a title=\"t\">x</a></p>\n",
        "should keep the title of a refused link but add no rel or href"
    );
}

#[test]
fn safe_images_are_blocked_by_default() {
    let out = html("![a cat](https://img.example/cat.png \"Cat\")\n", &safe());
    assert_eq!(
        out,
        "<p><span class=\"rillmark-image\" data-src=\"https://img.example/cat.png\" title=\"Cat\">a cat</span></p>\n",
        "should show a placeholder with the alt text and no src"
    );
    assert!(!html("![](/x.png)", &safe()).contains("<img"), "should block relative images too");
    assert_eq!(
        html("![](https://img.example/x.png)", &safe()),
        "<p><span class=\"rillmark-image\" data-src=\"https://img.example/x.png\">image</span></p>\n",
        "should make a placeholder without alt text visible"
    );
    assert_eq!(
        html("![x](javascript:alert(1))", &safe()),
        "<p><span class=\"rillmark-image\">x</span></p>\n",
        "should not even keep a dangerous URL as data"
    );
}

#[test]
fn safe_images_allow_and_origins() {
    let allow = RenderOptions { images: ImagePolicy::Allow, ..safe() };
    assert_eq!(
        html("![a *b*](https://img.example/x.png \"t\")", &allow),
        "<p><img src=\"https://img.example/x.png\" alt=\"a b\" title=\"t\" /></p>\n",
        "should load any safe image under Allow"
    );
    assert!(
        !html("![x](data:image/png;base64,AA)", &allow).contains("<img"),
        "should refuse data: images even under Allow"
    );
    let origins = RenderOptions {
        images: ImagePolicy::Origins(vec!["https://IMG.example".into(), "http://localhost:8080".into()]),
        ..safe()
    };
    assert!(html("![x](https://img.example/a.png)", &origins).contains("<img src="), "should load a listed origin");
    assert!(
        html("![x](HTTPS://img.EXAMPLE:443/a.png)", &origins).contains("<img src="),
        "should compare origins lowercased without the default port"
    );
    assert!(html("![x](http://localhost:8080/a)", &origins).contains("<img src="), "should keep a listed port");
    for url in [
        "http://img.example/a.png",
        "https://img.example:8443/a.png",
        "https://img.example.evil/a.png",
        "https://img.example@evil.example/a.png",
        "https://evil.example/?https://img.example/",
        "/relative.png",
        "//img.example/a.png",
    ] {
        let out = html(&format!("![x](<{url}>)"), &origins);
        assert!(!out.contains("<img"), "should block {url} under an origin list, got {out}");
        assert!(out.contains("rillmark-image"), "should show a placeholder for {url}");
    }
}

#[test]
fn footnotes_are_a_separate_section() {
    let doc = render("a[^1]\n\n[^1]: note\n", &safe());
    assert_eq!(doc.blocks.len(), 1, "should not count footnote definitions as blocks");
    let footnotes = doc.footnotes.as_ref().expect("should render the footnotes section");
    assert!(
        to_html(std::slice::from_ref(footnotes))
            .starts_with("<section class=\"footnotes\" data-footnotes>\n<ol>\n<li id=\"fn-1\">"),
        "should print comrak's section"
    );
    assert!(render("a\n\n[^1]: unused\n", &safe()).footnotes.is_none(), "should drop unreferenced footnotes");
    assert!(
        render("a[^1]\n\n[^1]: x\n", &trusted(false)).footnotes.is_none(),
        "should not parse footnotes without GFM"
    );
}

// ---- Line ranges ----

#[test]
fn blocks_carry_their_source_lines() {
    let md =
        "# Title\n\npara one\npara two\n\n- a\n- b\n\n  c\n\n```\ncode\n```\n\n[r]: /u\n\n> q\n> q2\n\n|a|\n|-|\n|1|\n";
    let doc = render(md, &safe());
    let lines: Vec<(usize, usize)> = doc.blocks.iter().map(|b| (b.start_line, b.end_line)).collect();
    assert_eq!(
        lines,
        vec![(1, 1), (3, 4), (6, 9), (11, 13), (17, 18), (20, 22)],
        "should give each top-level block its 1-based inclusive lines, skipping reference definitions"
    );
    let doc = render("x\n\n\n\n", &safe());
    assert_eq!((doc.blocks[0].start_line, doc.blocks[0].end_line), (1, 1), "should not count trailing blank lines");
    assert!(render("", &safe()).blocks.is_empty(), "should render nothing for empty text");
}

// ---- Broken link callback ----

struct Resolver;

impl comrak::options::BrokenLinkCallback for Resolver {
    fn resolve(&self, r: comrak::options::BrokenLinkReference) -> Option<comrak::ResolvedReference> {
        (r.normalized == "known")
            .then(|| comrak::ResolvedReference { url: "https://known.example/".into(), title: "K".into() })
    }
}

#[test]
fn render_with_resolves_references_defined_elsewhere() {
    let doc = render_with("[a][known] [b][unknown]\n", &safe(), Some(Arc::new(Resolver)));
    assert_eq!(
        doc.to_html(),
        "<p><a href=\"https://known.example/\" title=\"K\" rel=\"noopener noreferrer\">a</a> [b][unknown]</p>\n",
        "should resolve a reference through the callback and leave unknown ones as text"
    );
}

// ---- Robustness ----

#[test]
fn deep_nesting_is_flattened_not_overflowed() {
    for md in [
        ">".repeat(5000) + " deep",
        "- ".repeat(2000) + "deep",
        "*".repeat(5000) + "x" + &"*".repeat(5000),
        "[".repeat(5000) + "x" + &"](/u)".repeat(5000),
    ] {
        for opts in [safe(), trusted(true)] {
            let doc = render(&md, &opts);
            let mut max = 0;
            for n in doc.nodes() {
                depth(n, 1, &mut max);
            }
            assert!(max <= MAX_DEPTH + 1, "should cap the tree depth, got {max}");
            assert!(doc.to_html().contains("deep") || doc.to_html().contains('x'), "should keep the deep text");
        }
    }
}

fn depth(n: &Node, d: usize, max: &mut usize) {
    *max = (*max).max(d);
    if let Node::Element(e) = n {
        for c in &e.children {
            depth(c, d + 1, max);
        }
    }
}

#[test]
fn odd_inputs_do_not_panic() {
    let odd = [
        "\u{0}",
        "\r",
        "\r\n\r\n",
        "|",
        "|-|",
        "[^]",
        "[^",
        "[^x]:",
        "- [ ]",
        "- [x]\n",
        "```\u{0}",
        "<",
        "<!--",
        "&#0;",
        "&#xFFFFFFFF;",
        "![",
        "![]()",
        "[](<>)",
        "\u{FEFF}# bom",
        "\t-\t[ ]\t",
        "a[^1][^1][^1]\n\n[^1]:\n",
        "> [^1]: x\n\na[^1]",
    ];
    for md in odd {
        for opts in [safe(), trusted(true), trusted(false)] {
            let _ = render(md, &opts).to_html();
        }
    }
}

/// Documents stitched from fragments by a seeded generator (override with `RILLMARK_SEED`), each compared with comrak:
/// finds layout rules the hand-written corpus misses (constructs inside each other, at the end of the text, …).
#[test]
fn trusted_mode_prints_what_comrak_prints_for_generated_documents() {
    const FRAGMENTS: &[&str] = &[
        "text",
        "*em*",
        "**strong**",
        "`code`",
        "[l](/u)",
        "![i](/i)",
        "<b>",
        "</b>",
        "<div>",
        "\n",
        "\n\n",
        "- ",
        "1. ",
        "> ",
        "    ",
        "  ",
        "\t",
        "# ",
        "---",
        "```",
        "~~~",
        "| a | b |\n|---|:-:|\n| c | d |",
        "[^1]",
        "[^1]: note",
        "- [ ] ",
        "- [x] ",
        "~~s~~",
        "www.x.example",
        "a@b.example",
        "&amp;",
        "\\",
        "  \n",
        "<!-- c -->",
        "[r]: /ref",
        "[r]",
        "中文",
        "😀",
        "|",
        "***",
        "_",
        "<",
        ">",
        "\"",
        "'",
    ];
    let mut seed: u64 = std::env::var("RILLMARK_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(0x5eed_cafe);
    let mut next = || {
        // xorshift64*: deterministic and dependency-free.
        seed ^= seed >> 12;
        seed ^= seed << 25;
        seed ^= seed >> 27;
        seed.wrapping_mul(0x2545_f491_4f6c_dd1d)
    };
    let mut skipped = 0;
    for _ in 0..3000 {
        let len = 1 + (next() % 24) as usize;
        let md: String = (0..len).map(|_| FRAGMENTS[(next() % FRAGMENTS.len() as u64) as usize]).collect();
        assert_like_comrak(&md, false);
        if has_nested_footnote_definition(&md) {
            skipped += 1;
            continue;
        }
        assert_like_comrak(&md, true);
    }
    assert!(skipped < 300, "should compare most generated documents, skipped {skipped}");
}

/// comrak opens its footnotes `<section>` where it meets the first footnote definition. When that is not among the
/// definitions it gathers at the end — one inside a container (`1. [^1]: x`), or an unreferenced duplicate left in
/// place — its HTML is unbalanced (blocks inside the section, a section inside a `<li>`), which no tree reproduces;
/// rillmark leaves such definitions out.
fn has_nested_footnote_definition(md: &str) -> bool {
    use comrak::nodes::NodeValue::FootnoteDefinition;
    let arena = comrak::Arena::new();
    let root = comrak::parse_document(&arena, md, &comrak_options(&trusted(true)));
    root.descendants().any(|n| {
        matches!(n.data().value, FootnoteDefinition(_))
            && (n.parent().is_some_and(|p| !p.same_node(root))
                || n.next_sibling().is_some_and(|s| !matches!(s.data().value, FootnoteDefinition(_))))
    })
}

#[test]
fn dollar_math_renders_as_elements_a_math_renderer_can_find() {
    let out = html("Euler: $e^{i\\pi}+1=0$ and\n\n$$\\int_0^1 x\\,dx$$\n\nCosts $5 and $10.\n", &safe());
    assert!(
        out.contains("<span data-math-style=\"inline\">e^{i\\pi}+1=0</span>"),
        "inline math should be a span holding the TeX source: {out}"
    );
    assert!(out.contains("<span data-math-style=\"display\">\\int_0^1 x\\,dx</span>"), "display math: {out}");
    assert!(out.contains("Costs $5 and $10."), "prices should stay text: {out}");
    let commonmark = html("$x$\n", &RenderOptions { gfm: false, ..safe() });
    assert_eq!(commonmark, "<p>$x$</p>\n", "pure CommonMark should leave dollars alone");
}
