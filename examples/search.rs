use rillmark::markdown::render::render;
use rillmark::markdown::IncrementalMarkdown;
use rillmark::options::RenderOptions;
use rillmark::patch::diff::IdAllocator;
use rillmark::patch::recorder::HtmlRecorder;
use rillmark::patch::{PatchSink, ROOT};
fn run(doc: &str, cuts: &[usize], opts: RenderOptions) -> String {
    let mut engine = IncrementalMarkdown::new(opts, ROOT);
    let (mut ids, mut ops, mut rec) = (IdAllocator::default(), Vec::new(), HtmlRecorder::new());
    let mut at = 0;
    for &c in cuts.iter().chain(std::iter::once(&doc.len())) {
        engine.push(&doc[at..c]);
        engine.render(&mut ids, &mut ops);
        rec.apply(&ops);
        ops.clear();
        at = c;
    }
    engine.finish(&mut ids, &mut ops);
    rec.apply(&ops);
    rec.html()
}
fn main() {
    let doc = std::env::args().nth(1).unwrap().replace("\\n", "\n");
    let opts = if std::env::var("NT").is_ok() {
        RenderOptions { images: rillmark::options::ImagePolicy::Allow, links_new_tab: true, ..RenderOptions::default() }
    } else if std::env::var("CM").is_ok() {
        RenderOptions { gfm: false, trusted: true, ..RenderOptions::default() }
    } else {
        RenderOptions::default()
    };
    let want = render(&doc, &opts).to_html();
    let mut seed: u64 = 1;
    for _ in 0..20000 {
        let mut cuts = Vec::new();
        let mut at = 0;
        loop {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            at += 1 + (seed >> 33) as usize % 17;
            while at < doc.len() && !doc.is_char_boundary(at) {
                at += 1;
            }
            if at >= doc.len() {
                break;
            }
            cuts.push(at);
        }
        let got = run(&doc, &cuts, opts.clone());
        if got != want {
            let pieces: Vec<&str> = std::iter::once(0)
                .chain(cuts.iter().copied())
                .zip(cuts.iter().copied().chain(std::iter::once(doc.len())))
                .map(|(a, b)| &doc[a..b])
                .collect();
            println!("{pieces:?}\n got {got}\nwant {want}");
            return;
        }
    }
    println!("no failure");
}
