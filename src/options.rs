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

/// What happens to raw HTML written in the markdown (`<sup>`, `<details>`, an HTML block).
///
/// In every mode no script from the content ever runs and no event-handler attribute is ever set: HTML is parsed
/// inertly and only the nodes [`crate::html_policy`] allows are built (see README.md, Security).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HtmlMode {
    /// Shown as text, tags and all (the default).
    #[default]
    Text,
    /// GitHub's allowlist of elements and attributes; everything else is dropped (its text kept), URLs go through
    /// the scheme check and images through the image policy.
    Sanitize,
    /// As written, minus scripts, script-capable elements, event handlers and `javascript:`-like URLs.
    Trusted,
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
    /// Raw HTML handling when not `trusted` ([`RenderOptions::html_mode`] is what applies).
    pub html: HtmlMode,
}

impl RenderOptions {
    /// The raw HTML mode in effect: [`HtmlMode::Trusted`] whenever the content is `trusted`, else `html`.
    pub fn html_mode(&self) -> HtmlMode {
        if self.trusted {
            HtmlMode::Trusted
        } else {
            self.html
        }
    }

    /// Whether raw HTML reaches the DOM as HTML (through [`crate::html_policy`]) rather than as text.
    pub fn raw_html_passes(&self) -> bool {
        self.html_mode() != HtmlMode::Text
    }
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            gfm: true,
            math: true,
            trusted: false,
            images: ImagePolicy::Block,
            links_new_tab: false,
            html: HtmlMode::Text,
        }
    }
}
