//! Rendering options shared by every stage that cares (markdown parsing, safety policy).

/// What to do with images in the markdown.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum ImagePolicy {
    /// Never load an image: show a placeholder with the alt text (the default: a prompt-injected model must not be
    /// able to exfiltrate data through an image URL).
    #[default]
    Block,
    /// Load every image whose URL passes the scheme check.
    Allow,
    /// Load images only from these origins (`scheme://host[:port]`, compared exactly); block the rest.
    Origins(Vec<String>),
}

/// How markdown is parsed and what the renderer may emit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderOptions {
    /// GFM extensions: tables, strikethrough, autolink literals, task lists, footnotes, tag filter.
    pub gfm: bool,
    /// `$…$` and `$$…$$` math (comrak's dollar-math extension), rendered as `<span data-math-style="inline|display">`
    /// elements holding the TeX source, for a host to hand to KaTeX or MathJax. Only with `gfm`.
    pub math: bool,
    /// Trusted content: raw HTML passes through and no URL or image policy applies (comrak's `render.unsafe_`).
    pub trusted: bool,
    /// Image policy (ignored when `trusted`).
    pub images: ImagePolicy,
    /// Add `target="_blank"` to links (ignored when `trusted`).
    pub links_new_tab: bool,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions { gfm: true, math: true, trusted: false, images: ImagePolicy::Block, links_new_tab: false }
    }
}
