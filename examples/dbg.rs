use rillmark::markdown::IncrementalMarkdown;
use rillmark::options::RenderOptions;
use rillmark::patch::diff::IdAllocator;
use rillmark::patch::recorder::HtmlRecorder;
use rillmark::patch::{PatchSink, ROOT};
fn main() {
    let doc = std::env::args().nth(1).unwrap().replace("\\n", "\n");
    let step: usize = std::env::args().nth(2).map_or(1, |s| s.parse().unwrap());
    let opts = if std::env::var("NT").is_ok() {
        RenderOptions { images: rillmark::options::ImagePolicy::Allow, links_new_tab: true, ..RenderOptions::default() }
    } else if std::env::var("CM").is_ok() {
        RenderOptions { gfm: false, trusted: true, ..RenderOptions::default() }
    } else {
        RenderOptions::default()
    };
    let mut engine = IncrementalMarkdown::new(opts, ROOT);
    let (mut ids, mut ops, mut rec) = (IdAllocator::default(), Vec::new(), HtmlRecorder::new());
    let mut at = 0;
    if let Ok(p) = std::env::var("PIECES") {
        for piece in p.split('|') {
            let piece = piece.replace("\\n", "\n");
            engine.push(&piece);
            engine.render(&mut ids, &mut ops);
            rec.apply(&ops);
            ops.clear();
            println!("{:?} -> {}", piece, rec.html().replace('\n', "⏎"));
        }
        at = doc.len();
    }
    while at < doc.len() {
        let step = if std::env::var("CYCLE").is_ok() { 1 + (at * 7 / 3) % 6 } else { step };
        let mut end = (at + step).min(doc.len());
        while !doc.is_char_boundary(end) {
            end += 1;
        }
        engine.push(&doc[at..end]);
        engine.render(&mut ids, &mut ops);
        rec.apply(&ops);
        ops.clear();
        at = end;
        println!(
            "{:>4} {:>6} {:?} -> {}",
            at,
            engine.stats().bytes_parsed,
            &doc[..at].chars().rev().take(12).collect::<String>().chars().rev().collect::<String>(),
            rec.html().replace('\n', "⏎")
        );
    }
    engine.finish(&mut ids, &mut ops);
    rec.apply(&ops);
    println!("final {}\n{:?}", rec.html(), engine.stats());
}
