//! A generator of markdown shaped like models write it: numbered how-tos whose items hold bullet lists, indented
//! paragraphs, fences and display math; tables, quotes holding lists, footnotes, reference definitions, setext
//! headings, inline and block HTML; CRLF, tabs and the indentation widths models use (2, 3 and 4 spaces); bold,
//! italic, code spans, links and inline math in the text.
//!
//! Every decision is drawn from a [`Choices`]: [`Seeded`] for the seeded property tests, [`FromBytes`] for cargo-fuzz
//! (the fuzzer's bytes steer the shape, so its mutations explore structure rather than characters). Drawing 0 always
//! means the smallest option, so an exhausted byte source ends the document quickly.
//!
//! Self-contained (it uses only `std`): `tests/support/mod.rs` and `fuzz/src/properties.rs` both include it.
#![allow(dead_code)]

/// Where the generator's decisions come from.
pub trait Choices {
    /// A number in `0..n` (0 when `n` is 0).
    fn below(&mut self, n: usize) -> usize;

    /// True with probability about `1 / n` (never when `n` is 0).
    fn one_in(&mut self, n: usize) -> bool {
        n > 0 && self.below(n) == n - 1
    }

    fn pick<'a>(&mut self, options: &[&'a str]) -> &'a str {
        options[self.below(options.len())]
    }
}

/// SplitMix64 from a seed.
pub struct Seeded(pub u64);

impl Choices for Seeded {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) % n.max(1) as u64) as usize
    }
}

/// Decisions read from bytes, one byte each (0 once they run out).
pub struct FromBytes<'a>(pub &'a [u8]);

impl Choices for FromBytes<'_> {
    fn below(&mut self, n: usize) -> usize {
        let Some((&first, rest)) = self.0.split_first() else { return 0 };
        self.0 = rest;
        usize::from(first) % n.max(1)
    }
}

/// One document's habits: models keep a line ending, an indentation width and a bullet for a whole answer.
struct Style {
    newline: &'static str,
    /// Extra spaces before a nested list's marker, past its parent's content (0: the content column exactly).
    indent: usize,
    bullet: &'static str,
    /// Ordered markers: `1.` then `2.`…, or all `1.`.
    same_numbers: bool,
    tabs: bool,
}

/// A whole answer of at most about `max_blocks` top-level blocks.
pub fn generate(choices: &mut impl Choices, max_blocks: usize) -> String {
    let style = Style {
        newline: if choices.one_in(4) { "\r\n" } else { "\n" },
        indent: choices.pick(&["0", "1", "2"]).parse().unwrap_or(0),
        bullet: choices.pick(&["-", "*", "+"]),
        same_numbers: choices.one_in(5),
        tabs: choices.one_in(6),
    };
    let mut doc = Doc { out: String::new(), style, footnotes: Vec::new(), references: Vec::new() };
    let blocks = 1 + choices.below(max_blocks.max(1));
    for i in 0..blocks {
        if i > 0 {
            // Models separate blocks by a blank line, but not always (a list right under its lead-in line).
            let separator = if choices.one_in(5) { "" } else { doc.style.newline };
            doc.out.push_str(separator);
        }
        doc.block(choices, "", 0);
    }
    doc.definitions(choices);
    if choices.one_in(4) {
        // The stream may stop anywhere: no final newline, or a cut mid-line.
        while doc.out.ends_with(['\n', '\r']) {
            doc.out.pop();
        }
    }
    doc.out
}

struct Doc {
    out: String,
    style: Style,
    /// Footnote labels referenced so far (each gets a definition at the end, or sometimes none).
    footnotes: Vec<String>,
    /// Reference labels used so far.
    references: Vec<String>,
}

const WORDS: &[&str] = &[
    "the",
    "value",
    "of",
    "a",
    "function",
    "returns",
    "data",
    "step",
    "first",
    "then",
    "use",
    "this",
    "model",
    "request",
    "server",
    "config_file",
    "user_id",
    "error",
    "example",
    "note:",
    "e.g.",
    "(optional)",
    "Python",
    "JSON",
    "2.5",
    "100%",
    "x",
    "é",
    "naïve",
    "日本語",
    "😀",
    "—",
    "can't",
    "\"quoted\"",
    "it's",
    "C++",
    "A/B",
];

impl Doc {
    fn line(&mut self, prefix: &str, text: &str) {
        self.out.push_str(prefix);
        self.out.push_str(text);
        self.out.push_str(self.style.newline);
    }

    fn blank(&mut self, prefix: &str) {
        self.out.push_str(prefix.trim_end());
        self.out.push_str(self.style.newline);
    }

    /// One block at `prefix` (the indentation or quote markers of its container), `depth` containers deep.
    fn block(&mut self, c: &mut impl Choices, prefix: &str, depth: usize) {
        let kinds = if depth >= 3 { 3 } else { 14 };
        match c.below(kinds) {
            0 | 1 => self.paragraph(c, prefix),
            2 => self.fence(c, prefix),
            3 | 4 => self.list(c, prefix, depth, true),
            5 | 6 => self.list(c, prefix, depth, false),
            7 => self.heading(c, prefix),
            8 => self.display_math(c, prefix),
            9 => self.table(c, prefix),
            10 => self.quote(c, prefix, depth),
            11 => self.html_block(c, prefix),
            12 => self.line(prefix, c.pick(&["---", "***", "___", "- - -"])),
            _ => self.paragraph(c, prefix),
        }
    }

    fn paragraph(&mut self, c: &mut impl Choices, prefix: &str) {
        let lines = 1 + c.below(3);
        for i in 0..lines {
            let text = self.inline(c, 3, 12);
            // Lazy continuation: models sometimes drop the indentation of a paragraph's later lines.
            let lead = if i > 0 && c.one_in(6) { "" } else { prefix };
            let end = if i + 1 < lines && c.one_in(6) { c.pick(&["  ", "\\"]) } else { "" };
            self.line(lead, &format!("{text}{end}"));
        }
    }

    fn heading(&mut self, c: &mut impl Choices, prefix: &str) {
        let text = self.inline(c, 1, 6);
        match c.below(4) {
            0 => {
                self.line(prefix, &text);
                let underline = c.pick(&["===", "---", "=", "--", "======"]);
                self.line(prefix, underline);
            }
            level => self.line(prefix, &format!("{} {text}", "#".repeat(level.min(3) + c.below(2)))),
        }
    }

    fn fence(&mut self, c: &mut impl Choices, prefix: &str) {
        let fence = c.pick(&["```", "```", "~~~", "````"]);
        let info = c.pick(&["", "python", "json", "bash", "rust", "js title=\"a b\""]);
        self.line(prefix, &format!("{fence}{info}"));
        for _ in 0..c.below(6) {
            let code = c.pick(&[
                "import os",
                "def f(x):",
                "    return x * 2",
                "[1, 2, 3]",
                "]",
                "[x]: y",
                "{\"key\": [\"a\", \"b\"]}",
                "",
                "# comment",
                "- not a list",
                "| a | b |",
                "\tindented with a tab",
                "$ echo $HOME",
                "<div>",
                "```inner",
            ]);
            if code.is_empty() {
                self.blank(prefix);
            } else {
                self.line(prefix, code);
            }
        }
        if !c.one_in(8) {
            self.line(prefix, fence);
        }
    }

    fn display_math(&mut self, c: &mut impl Choices, prefix: &str) {
        let (open, close) = if c.one_in(2) { ("\\[", "\\]") } else { ("$$", "$$") };
        let body =
            c.pick(&["x = \\frac{-b \\pm \\sqrt{b^2-4ac}}{2a}", "\\sum_{i=1}^n i^2", "a_1 * b_2 * c", "E = mc^2"]);
        match c.below(3) {
            0 => self.line(prefix, &format!("{open}{body}{close}")),
            1 => self.line(prefix, &format!("{open} {body} {close}")),
            _ => {
                self.line(prefix, open);
                self.line(prefix, body);
                self.line(prefix, close);
            }
        }
    }

    fn table(&mut self, c: &mut impl Choices, prefix: &str) {
        let columns = 1 + c.below(4);
        let edge = c.one_in(4);
        let row = |cells: Vec<String>| {
            let inner = cells.join(" | ");
            if edge {
                inner
            } else {
                format!("| {inner} |")
            }
        };
        let header: Vec<String> = (0..columns).map(|_| self.inline(c, 1, 3)).collect();
        self.line(prefix, &row(header));
        let delimiter: Vec<String> =
            (0..columns).map(|_| c.pick(&["---", ":---", "---:", ":-:", "-"]).to_owned()).collect();
        self.line(prefix, &row(delimiter));
        for _ in 0..c.below(4) {
            let cells: Vec<String> = (0..columns).map(|_| self.inline(c, 0, 4)).collect();
            self.line(prefix, &row(cells));
        }
    }

    fn quote(&mut self, c: &mut impl Choices, prefix: &str, depth: usize) {
        let inner = format!("{prefix}> ");
        for i in 0..1 + c.below(2) {
            if i > 0 {
                self.blank(&inner);
            }
            self.block(c, &inner, depth + 1);
        }
    }

    fn html_block(&mut self, c: &mut impl Choices, prefix: &str) {
        match c.below(3) {
            0 => {
                self.line(prefix, "<details>");
                self.line(prefix, "<summary>Show the answer</summary>");
                self.blank(prefix);
                self.paragraph(c, prefix);
                self.blank(prefix);
                self.line(prefix, "</details>");
            }
            1 => {
                self.line(prefix, "<div align=\"center\">");
                let text = self.inline(c, 3, 1);
                self.line(prefix, &text);
                self.line(prefix, "</div>");
            }
            _ => self.line(prefix, c.pick(&["<!-- note -->", "<br>", "<img src=\"a.png\" alt=\"x\">", "<hr/>"])),
        }
    }

    /// A list at `prefix`: each item's text, then maybe nested blocks at the item's content column.
    fn list(&mut self, c: &mut impl Choices, prefix: &str, depth: usize, ordered: bool) {
        let items = 1 + c.below(4);
        let loose = c.one_in(3);
        let start = if c.one_in(6) { 1 + c.below(9) } else { 1 };
        let delimiter = if c.one_in(8) { ")" } else { "." };
        let task = !ordered && c.one_in(8);
        for i in 0..items {
            if i > 0 && loose {
                self.blank(prefix);
            }
            let marker = if ordered {
                let n = if self.style.same_numbers { start } else { start + i };
                format!("{n}{delimiter}")
            } else {
                self.style.bullet.to_owned()
            };
            let checkbox = if task { c.pick(&["[ ] ", "[x] "]) } else { "" };
            let text = self.inline(c, 0, 10);
            self.line(prefix, format!("{marker} {checkbox}{text}").trim_end());
            if depth < 3 && c.one_in(2) {
                let width = marker.len() + 1;
                let pad = if self.style.tabs && c.one_in(3) {
                    "\t".to_owned()
                } else {
                    " ".repeat(width + if c.one_in(3) { self.style.indent } else { 0 })
                };
                let inner = format!("{prefix}{pad}");
                for j in 0..1 + c.below(2) {
                    // A nested list follows right under the item; a paragraph, fence or math usually after a blank.
                    if j > 0 || c.one_in(2) {
                        self.blank(&inner);
                    }
                    self.block(c, &inner, depth + 1);
                }
            }
        }
    }

    /// `least` words of inline text and up to `more - 1` more, with the spans models use.
    fn inline(&mut self, c: &mut impl Choices, least: usize, more: usize) -> String {
        let words = least + c.below(more);
        let mut out = String::new();
        for i in 0..words {
            if i > 0 {
                out.push(' ');
            }
            let word = c.pick(WORDS);
            match c.below(24) {
                0 => out.push_str(&format!("**{word}**")),
                1 => out.push_str(&format!("*{word}*")),
                2 => out.push_str(&format!("_{word}_")),
                3 => out.push_str(&format!("`{word}`")),
                4 => out.push_str(&format!("[{word}](https://example.com/{i})")),
                5 => out.push_str(&format!("${word}$")),
                6 => out.push_str(&format!("\\({word}\\)")),
                7 => out.push_str(&format!("<b>{word}</b>")),
                8 => {
                    let label = c.pick(&["1", "2", "note", "a"]).to_owned();
                    out.push_str(&format!("{word}[^{label}]"));
                    self.footnotes.push(label);
                }
                9 => {
                    let label = c.pick(&["ref", "docs", "Ref"]).to_owned();
                    out.push_str(&format!("[{word}][{label}]"));
                    self.references.push(label);
                }
                10 => out.push_str(&format!("**{word}:**")),
                11 => out.push_str(&format!("~~{word}~~")),
                12 => out.push_str(&format!("{word}_{word}")),
                13 => out.push_str(&format!("${}", 1 + c.below(99))),
                14 => out.push_str("https://example.org/path"),
                _ => out.push_str(word),
            }
        }
        if c.one_in(4) {
            out.push_str(c.pick(&[".", ":", "?", "!", ";"]));
        }
        out
    }

    /// Definitions of the footnotes and references used, at the end (or sometimes missing).
    fn definitions(&mut self, c: &mut impl Choices) {
        let newline = self.style.newline;
        let mut footnotes = std::mem::take(&mut self.footnotes);
        footnotes.dedup();
        let references = std::mem::take(&mut self.references);
        if footnotes.is_empty() && references.is_empty() {
            return;
        }
        self.out.push_str(newline);
        for label in footnotes {
            if c.one_in(5) {
                continue;
            }
            let text = self.inline(c, 2, 6);
            self.line("", &format!("[^{label}]: {text}"));
            if c.one_in(4) {
                self.blank("");
                let more = self.inline(c, 3, 1);
                self.line("    ", &more);
            }
        }
        for label in references {
            if c.one_in(5) {
                continue;
            }
            let title = c.pick(&["", " \"Title\"", " 'T'"]);
            self.line("", &format!("[{label}]: https://example.com/{}{title}", label.to_lowercase()));
        }
    }
}
