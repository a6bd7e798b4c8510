//! Prints the markdown engine's work ratio (bytes parsed while streaming / document size) per block shape.
//! `cargo run --release --example work_ratio`
use rillmark::markdown::IncrementalMarkdown;
use rillmark::options::RenderOptions;
use rillmark::patch::diff::IdAllocator;
use rillmark::patch::ROOT;

fn main() {
    for (name, doc) in shapes() {
        let mut engine = IncrementalMarkdown::new(RenderOptions::default(), ROOT);
        let (mut ids, mut ops) = (IdAllocator::default(), Vec::new());
        let start = std::time::Instant::now();
        let mut at = 0;
        let mut n = 0usize;
        while at < doc.len() {
            let mut end = (at + 1 + n % 6).min(doc.len());
            while !doc.is_char_boundary(end) {
                end += 1;
            }
            engine.push(&doc[at..end]);
            engine.render(&mut ids, &mut ops);
            ops.clear();
            at = end;
            n += 1;
        }
        engine.finish(&mut ids, &mut ops);
        let stats = engine.stats();
        println!(
            "{name:>14}: {:>7} bytes, {:>6} chunks, parsed {:>6.1}x, {:?}",
            doc.len(),
            n,
            stats.bytes_parsed as f64 / doc.len() as f64,
            start.elapsed()
        );
    }
}

fn shapes() -> Vec<(&'static str, String)> {
    vec![
        (
            "fence",
            format!("```rust\n{}```\n", (0..2000).map(|i| format!("let x{i} = {i}; // line\n")).collect::<String>()),
        ),
        ("list", (0..1000).map(|i| format!("- item {i} with some **bold** text\n")).collect()),
        (
            "table",
            format!(
                "| a | b | c |\n|---|---|---|\n{}",
                (0..500).map(|i| format!("| {i} | cell *{i}* | x |\n")).collect::<String>()
            ),
        ),
        (
            "paragraph",
            (0..5000).map(|i| format!("word{i} and **b{i}** ")).collect::<String>().chars().take(50_000).collect(),
        ),
        ("quotes", (0..500).map(|i| format!("> > quoted line {i} with `code`\n")).collect()),
        ("footnotes", (0..300).map(|i| format!("Claim {i}.[^{i}]\n\n[^{i}]: Source {i}.\n\n")).collect()),
        (
            "late-refs",
            format!(
                "{}\n{}",
                (0..300).map(|i| format!("See [r{i}].\n\n")).collect::<String>(),
                (0..300).map(|i| format!("[r{i}]: https://e.com/{i}\n")).collect::<String>()
            ),
        ),
        (
            "prose",
            (0..400)
                .map(|i| format!("## Section {i}\n\nSome *text* with a [link](https://e.com/{i}) and `code`.\n\n"))
                .collect(),
        ),
    ]
}
