use rillmark::markdown::render::render;
use rillmark::options::RenderOptions;
fn main() {
    let doc = std::env::args().nth(1).unwrap().replace("\\n", "\n");
    let opts = if std::env::var("CM").is_ok() {
        RenderOptions { gfm: false, trusted: true, ..RenderOptions::default() }
    } else {
        RenderOptions::default()
    };
    for b in render(&doc, &opts).blocks {
        println!("{}..{} {:?}", b.start_line, b.end_line, b.detail);
    }
}
