//! Server-side rendering: the HTML a browser's container holds after a renderer drew `text` to the end.
//!
//! ```text
//! text ─▶ the pipeline, whole, finished (as `write(text); finish()` in the page) ─▶ HtmlRecorder ─▶ Node trees
//!      ─▶ dom::from_rendered (raw HTML: parse::parse_body + the page's policy walk) ─▶ dom::serialize (innerHTML)
//! ```
//!
//! The result is byte for byte the container's `innerHTML` in the browser (tests/web_ssr.rs checks it on real answers
//! in every html mode and image policy). Raw HTML (`html: "sanitize"` or `"trusted"`) needs an HTML parser that
//! builds what `DOMParser` builds: html5ever, with the cargo feature `server`. Without it those modes are an
//! [`SsrError::NeedsHtmlParser`], never an approximation.

pub mod dom;
#[cfg(feature = "server")]
pub mod parse;

use crate::options::{HtmlMode, RenderOptions};
use crate::patch::recorder::HtmlRecorder;
use crate::patch::Node;
use crate::pipeline::Pipeline;

/// Why [`render_to_string`] gave no HTML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SsrError {
    /// The text holds raw HTML in a mode that builds it, and this build has no HTML parser (cargo feature `server`).
    NeedsHtmlParser,
}

impl std::fmt::Display for SsrError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SsrError::NeedsHtmlParser => f.write_str(
                "raw HTML in html: \"sanitize\" or \"trusted\" needs the server build's HTML parser (cargo feature `server`)",
            ),
        }
    }
}

impl std::error::Error for SsrError {}

/// The renderer's final trees for `text`: the one-shot render, through the same pipeline the page runs.
pub fn rendered_nodes(text: &str, opts: &RenderOptions) -> Vec<Node> {
    let mut pipeline = Pipeline::for_text(opts.clone());
    let mut recorder = HtmlRecorder::new();
    pipeline.feed_text(text);
    pipeline.finish(&mut recorder);
    recorder.root_nodes()
}

/// The container's `innerHTML` after a renderer with `opts` drew `text` and finished.
pub fn render_to_string(text: &str, opts: &RenderOptions) -> Result<String, SsrError> {
    let nodes = rendered_nodes(text, opts);
    let mode = opts.html_mode();
    if mode != HtmlMode::Text && !cfg!(feature = "server") && holds_raw_html(&nodes) {
        return Err(SsrError::NeedsHtmlParser);
    }
    let dom = dom::from_rendered(&nodes, mode, &opts.images, &mut parse_raw_html);
    Ok(dom::serialize(&dom))
}

#[cfg(feature = "server")]
fn parse_raw_html(html: &str) -> Vec<dom::DomNode> {
    parse::parse_body(html)
}

/// Without the parser nothing is parsed ([`render_to_string`] refuses raw HTML first).
#[cfg(not(feature = "server"))]
fn parse_raw_html(_html: &str) -> Vec<dom::DomNode> {
    Vec::new()
}

fn holds_raw_html(nodes: &[Node]) -> bool {
    nodes.iter().any(|node| match node {
        Node::RawHtml(_) => true,
        Node::Element(e) => holds_raw_html(&e.children),
        Node::Text(_) => false,
    })
}
