//! What raw HTML from the content may become in the DOM, per [`HtmlMode`]: pure decisions, tested natively. The web
//! shell (`src/web/apply.rs`) parses raw HTML inertly (a `DOMParser` document: no script runs, nothing loads), walks
//! the parsed nodes and builds, with `createElement` and `setAttribute`, only what these functions allow.
//!
//! - **Every mode**: no `<script>` or other script-capable element ([`SCRIPT_CAPABLE`]), no event-handler (`on*`)
//!   attribute, no `srcdoc`, and no URL attribute ([`URL_ATTRIBUTES`]) whose scheme, read after decoding
//!   ([`url::decoded_scheme`]), is `javascript:`, `vbscript:` or `livescript:`; `data:` only in an image's `src`.
//! - **[`HtmlMode::Trusted`]**: everything else as written, in its namespace (HTML, SVG, MathML).
//! - **[`HtmlMode::Sanitize`]**: the elements and attributes GitHub keeps when it renders markdown
//!   ([`GITHUB_ELEMENTS`], [`GITHUB_ATTRIBUTES`]; our own table, from GitHub's documentation: the github/markup
//!   README's "HTML sanitization" section and the html-pipeline `SanitizationFilter` allowlist it points to), plus the
//!   attributes rillmark's own markdown output needs when a block with inline HTML is parsed whole
//!   ([`RENDERER_ATTRIBUTES`]). An element outside the list is unwrapped (its content stays), except the
//!   [`DROPPED_WITH_CONTENT`] ones, whose content is not prose. `href` must pass [`url::is_safe_url`]; an image the
//!   image policy refuses becomes the same placeholder as a markdown image.

use crate::markdown::url;
use crate::options::{HtmlMode, ImagePolicy};

/// The namespace of a parsed element (from its `namespaceURI`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Namespace {
    Html,
    Svg,
    MathMl,
    /// Anything else (cannot come out of the HTML parser; never built).
    Other,
}

impl Namespace {
    pub const HTML_URI: &'static str = "http://www.w3.org/1999/xhtml";
    pub const SVG_URI: &'static str = "http://www.w3.org/2000/svg";
    pub const MATHML_URI: &'static str = "http://www.w3.org/1998/Math/MathML";

    pub fn from_uri(uri: Option<&str>) -> Namespace {
        match uri {
            Some(Self::HTML_URI) => Namespace::Html,
            Some(Self::SVG_URI) => Namespace::Svg,
            Some(Self::MATHML_URI) => Namespace::MathMl,
            _ => Namespace::Other,
        }
    }

    pub fn uri(self) -> Option<&'static str> {
        match self {
            Namespace::Html => Some(Self::HTML_URI),
            Namespace::Svg => Some(Self::SVG_URI),
            Namespace::MathMl => Some(Self::MATHML_URI),
            Namespace::Other => None,
        }
    }
}

/// What becomes of a parsed element.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ElementAction {
    /// Built, with the attributes [`attribute_value`] allows, and its children walked.
    Keep,
    /// Not built; its children are walked into its parent (GitHub's treatment of an element outside the allowlist).
    Unwrap,
    /// Neither it nor anything inside it is built.
    Drop,
}

/// Elements that run script, load a document that can, or change how the page itself behaves, in any namespace.
/// Dropped with their content in every mode. (`noscript` and `template` hold no visible content in a page with
/// scripting on; `base` would redirect every relative URL of the host page; `meta` can refresh it.)
pub const SCRIPT_CAPABLE: &[&str] = &[
    "script",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "portal",
    "fencedframe",
    "noscript",
    "template",
    "base",
    "meta",
    // SVG animation can set an attribute (an `href`) to a `javascript:` URL after our checks ran.
    "animate",
    "animatemotion",
    "animatetransform",
    "set",
    "handler",
    "listener",
];

/// Elements GitHub keeps when it renders markdown (HTML namespace only).
pub const GITHUB_ELEMENTS: &[&str] = &[
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "h7",
    "h8",
    "br",
    "b",
    "i",
    "strong",
    "em",
    "a",
    "pre",
    "code",
    "img",
    "tt",
    "div",
    "ins",
    "del",
    "sup",
    "sub",
    "p",
    "ol",
    "ul",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "blockquote",
    "dl",
    "dt",
    "dd",
    "kbd",
    "q",
    "samp",
    "var",
    "hr",
    "ruby",
    "rt",
    "rp",
    "li",
    "tr",
    "td",
    "th",
    "s",
    "strike",
    "summary",
    "details",
    "caption",
    "figure",
    "figcaption",
    "abbr",
    "bdo",
    "cite",
    "dfn",
    "mark",
    "small",
    "span",
    "time",
    "wbr",
];

/// Attributes GitHub keeps on any allowed element (the per-element ones are in [`github_element_attribute`]). Form
/// submission targets (`action`) and URL-valued ones other than `href`/`src` are left out: no allowed element uses
/// them, and a URL we do not check is a URL we do not set.
pub const GITHUB_ATTRIBUTES: &[&str] = &[
    "abbr",
    "accept",
    "accept-charset",
    "accesskey",
    "align",
    "alt",
    "aria-describedby",
    "aria-hidden",
    "aria-label",
    "aria-labelledby",
    "axis",
    "border",
    "cellpadding",
    "cellspacing",
    "char",
    "charoff",
    "charset",
    "checked",
    "clear",
    "cols",
    "colspan",
    "color",
    "compact",
    "coords",
    "datetime",
    "dir",
    "disabled",
    "enctype",
    "for",
    "frame",
    "headers",
    "height",
    "hreflang",
    "hspace",
    "ismap",
    "label",
    "lang",
    "maxlength",
    "media",
    "method",
    "multiple",
    "name",
    "nohref",
    "noshade",
    "nowrap",
    "open",
    "progress",
    "prompt",
    "readonly",
    "rel",
    "rev",
    "role",
    "rows",
    "rowspan",
    "rules",
    "scope",
    "selected",
    "shape",
    "size",
    "span",
    "start",
    "summary",
    "tabindex",
    "target",
    "title",
    "type",
    "usemap",
    "valign",
    "value",
    "vspace",
    "width",
    "itemprop",
];

/// Attributes rillmark's markdown output sets (render.rs's `SAFE_ATTRS`) that GitHub's list lacks: a paragraph with
/// inline HTML is parsed whole, markdown-made elements included, so they must survive the walk. `class` and `id`
/// only with the values rillmark writes ([`renderer_token_allowed`]), so content cannot borrow the host's classes.
pub const RENDERER_ATTRIBUTES: &[&str] = &[
    "class",
    "id",
    "data-src",
    "data-footnotes",
    "data-footnote-ref",
    "data-footnote-backref",
    "data-footnote-backref-idx",
    "data-math-style",
];

/// Dropped with their content in sanitize mode (outside the allowlist, and their content is not prose to keep).
pub const DROPPED_WITH_CONTENT: &[&str] =
    &["style", "title", "textarea", "select", "option", "xmp", "noembed", "noframes", "plaintext", "svg", "math"];

/// Attributes holding a URL: checked for a script scheme in every mode (compared by local name, so `xlink:href` too).
pub const URL_ATTRIBUTES: &[&str] = &[
    "href",
    "src",
    "action",
    "formaction",
    "data",
    "poster",
    "background",
    "cite",
    "longdesc",
    "ping",
    "codebase",
    "dynsrc",
    "lowsrc",
    "manifest",
    "profile",
    "usemap",
    "classid",
    "archive",
    "icon",
    "srcset",
    "imagesrcset",
];

/// What becomes of element `name` (its local name, any case) in namespace `ns` under `mode`.
pub fn element_action(mode: HtmlMode, ns: Namespace, name: &str) -> ElementAction {
    let name = name.to_ascii_lowercase();
    if ns == Namespace::Other || SCRIPT_CAPABLE.contains(&name.as_str()) {
        return ElementAction::Drop;
    }
    match mode {
        HtmlMode::Trusted => ElementAction::Keep,
        // Text mode never builds raw HTML; should any reach the walker, nothing of it becomes markup.
        HtmlMode::Text => ElementAction::Drop,
        HtmlMode::Sanitize => {
            if ns != Namespace::Html || DROPPED_WITH_CONTENT.contains(&name.as_str()) {
                ElementAction::Drop
            } else if GITHUB_ELEMENTS.contains(&name.as_str()) || name == "input" || name == "section" {
                // `input` (a task list's checkbox) and `section` (footnotes) are rillmark's own markdown output.
                ElementAction::Keep
            } else {
                ElementAction::Unwrap
            }
        }
    }
}

/// Whether an `<input>` whose `type` attribute is `input_type` is built under `mode`: in sanitize mode only a
/// checkbox (what a task list makes), never a text field a page could be tricked into filling.
pub fn input_allowed(mode: HtmlMode, input_type: Option<&str>) -> bool {
    match mode {
        HtmlMode::Trusted => true,
        HtmlMode::Text => false,
        HtmlMode::Sanitize => input_type.is_some_and(|t| t.trim().eq_ignore_ascii_case("checkbox")),
    }
}

/// Whether attribute `name` is an event handler (`onclick`, `ONERROR`, …).
pub fn is_event_handler(name: &str) -> bool {
    name.len() > 2 && name[..2].eq_ignore_ascii_case("on")
}

/// Whether `value` of URL attribute `name` on `element` could run script: a `javascript:`, `vbscript:` or
/// `livescript:` scheme after decoding, or `data:` anywhere but an image's `src`.
pub fn url_runs_script(element: &str, name: &str, value: &str) -> bool {
    // `srcset` lists URLs separated by commas, each followed by a descriptor: check every candidate.
    if name.eq_ignore_ascii_case("srcset") || name.eq_ignore_ascii_case("imagesrcset") {
        return value.split(',').any(|candidate| {
            let url = candidate.split_ascii_whitespace().next().unwrap_or("");
            url_runs_script(element, "src", url)
        });
    }
    match url::decoded_scheme(value).as_deref() {
        Some("javascript" | "vbscript" | "livescript") => true,
        Some("data") => {
            !(name.eq_ignore_ascii_case("src")
                && ["img", "image", "source"].contains(&element.to_ascii_lowercase().as_str()))
        }
        _ => false,
    }
}

/// The value attribute `name` (local name) of a kept `element` gets under `mode`, or `None` to leave it off.
/// `images` is the image policy (sanitize mode checks an `img`'s `src` separately: [`image_fetch_allowed`]).
pub fn attribute_value(mode: HtmlMode, element: &str, name: &str, value: &str) -> Option<String> {
    let name = name.to_ascii_lowercase();
    let element = element.to_ascii_lowercase();
    if is_event_handler(&name) || name == "srcdoc" {
        return None;
    }
    if URL_ATTRIBUTES.contains(&name.as_str()) && url_runs_script(&element, &name, value) {
        return None;
    }
    match mode {
        HtmlMode::Trusted => Some(value.to_owned()),
        HtmlMode::Text => None,
        HtmlMode::Sanitize => sanitized_attribute(&element, &name, value),
    }
}

fn sanitized_attribute(element: &str, name: &str, value: &str) -> Option<String> {
    match (element, name) {
        ("a", "href") => return url::is_safe_url(value).then(|| value.to_owned()),
        ("img", "src") => return url::is_safe_url(value).then(|| value.to_owned()),
        // A task list's checkbox, as the markdown renderer makes it: never an editable form field.
        ("input", "type") => return value.eq_ignore_ascii_case("checkbox").then(|| "checkbox".to_owned()),
        ("input", "checked" | "disabled") => return Some(value.to_owned()),
        ("input", _) => return None,
        // A named `<img>` or `<form>` becomes a property of `document` that shadows its methods (`<img
        // name="querySelector">` breaks the host page): GitHub prefixes the name, and so do we.
        (_, "name") => return Some(format!("user-content-{value}")),
        _ => {}
    }
    if github_element_attribute(element, name) || GITHUB_ATTRIBUTES.contains(&name) {
        return (!URL_ATTRIBUTES.contains(&name) || url::is_safe_url(value)).then(|| value.to_owned());
    }
    if RENDERER_ATTRIBUTES.contains(&name) {
        return match name {
            "class" => {
                let kept: Vec<&str> = value.split_ascii_whitespace().filter(|t| renderer_token_allowed(t)).collect();
                (!kept.is_empty()).then(|| kept.join(" "))
            }
            "id" => (value.starts_with("fn-") || value.starts_with("fnref-")).then(|| value.to_owned()),
            "data-src" => url::is_safe_url(value).then(|| value.to_owned()),
            _ => Some(value.to_owned()),
        };
    }
    None
}

/// The `rel` a link element of the content gets whatever it wrote, once its `href` is set: in sanitize mode the one
/// every markdown link gets (`noopener noreferrer`: the linked page gets no handle on the reader's page and no
/// referrer); `None` in trusted mode (as written).
pub fn forced_link_rel(mode: HtmlMode, element: &str, has_href: bool) -> Option<&'static str> {
    (mode == HtmlMode::Sanitize && has_href && element.eq_ignore_ascii_case("a")).then_some("noopener noreferrer")
}

/// GitHub's per-element attributes beyond [`GITHUB_ATTRIBUTES`].
fn github_element_attribute(element: &str, name: &str) -> bool {
    matches!(
        (element, name),
        ("img", "longdesc") | ("div", "itemscope" | "itemtype") | ("blockquote" | "del" | "ins" | "q", "cite")
    )
}

/// The `class` tokens rillmark's markdown output writes: a code block's `language-…`, footnote and image classes.
pub fn renderer_token_allowed(token: &str) -> bool {
    token.starts_with("language-")
        || [
            "footnote-ref",
            "footnote-backref",
            "footnotes",
            "rillmark-image",
            "rillmark-pending",
            "contains-task-list",
            "task-list-item",
        ]
        .contains(&token)
}

/// Whether the browser may fetch an image whose `src` is `src` under `mode` (`src` already allowed by
/// [`attribute_value`]). In sanitize mode the image policy decides; an image it refuses becomes
/// [`image_placeholder`].
pub fn image_fetch_allowed(mode: HtmlMode, src: &str, images: &ImagePolicy) -> bool {
    match mode {
        HtmlMode::Trusted => true,
        HtmlMode::Text => false,
        HtmlMode::Sanitize => url::image_allowed(src, images),
    }
}

/// A `<span class="rillmark-image">` standing for an image that may not be fetched, as the markdown renderer makes
/// for `![alt](src "title")`: the attributes to set, in order, and the text (the alt text, or `image`).
pub fn image_placeholder(
    src: Option<&str>,
    alt: Option<&str>,
    title: Option<&str>,
) -> (Vec<(&'static str, String)>, String) {
    let mut attrs = vec![("class", "rillmark-image".to_owned())];
    if let Some(src) = src.filter(|src| url::is_safe_url(src)) {
        attrs.push(("data-src", url::href_encode(src)));
    }
    if let Some(title) = title.filter(|t| !t.is_empty()) {
        attrs.push(("title", title.to_owned()));
    }
    let label = alt.filter(|a| !a.is_empty()).unwrap_or("image").to_owned();
    (attrs, label)
}

/// Whether a highlighter token's `color` may be set as a CSS colour (issue 16): `#rgb`, `#rrggbb` or `#rrggbbaa`, or
/// `rgb()` / `rgba()` / `hsl()` / `hsla()` with only numbers, `%`, `deg`, commas, spaces, `/`, `.`, `+` and `-` inside.
/// Nothing else (no `url()`, `var()`, `expression()`, keywords or escapes) can reach a style.
pub fn token_color_allowed(color: &str) -> bool {
    if let Some(hex) = color.strip_prefix('#') {
        return matches!(hex.len(), 3 | 6 | 8) && hex.bytes().all(|b| b.is_ascii_hexdigit());
    }
    let lower = color.to_ascii_lowercase();
    let Some(args) = ["rgb(", "rgba(", "hsl(", "hsla("].iter().find_map(|f| lower.strip_prefix(f)) else {
        return false;
    };
    let Some(args) = args.strip_suffix(')') else { return false };
    args.len() <= 64
        && args.bytes().any(|b| b.is_ascii_digit())
        && args.replace("deg", "").bytes().all(|b| b.is_ascii_digit() || b" .,%/+-".contains(&b))
}

/// The class names of a highlighter token's `className` that may be set (issue 16): each space-separated name that
/// matches `[A-Za-z0-9_-]{1,64}`; the others are dropped. `None` when none is left.
pub fn token_class_names(class_name: &str) -> Option<String> {
    let allowed =
        |name: &&str| name.len() <= 64 && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    let names: Vec<&str> = class_name.split_ascii_whitespace().filter(allowed).collect();
    (!names.is_empty()).then(|| names.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlighter_colours_are_only_plain_numbers() {
        for good in ["#abc", "#A0B1C2", "#a0b1c2ff", "rgb(1, 2, 3)", "rgba(1 2 3 / 50%)", "hsl(120deg 50% 40%)"] {
            assert!(token_color_allowed(good), "{good} should be allowed");
        }
        for bad in [
            "red",
            "#abcd1",
            "#ggg",
            "rgb(1,2,3); background:url(x)",
            "rgb(var(--x))",
            "url(https://x)",
            "expression(alert(1))",
            "rgb(1,2,3",
            "rgb()",
            "rgb(\\31 ,2,3)",
            "",
        ] {
            assert!(!token_color_allowed(bad), "{bad} should be dropped");
        }
    }

    #[test]
    fn highlighter_class_names_keep_only_plain_names() {
        assert_eq!(token_class_names("hljs-keyword  token").as_deref(), Some("hljs-keyword token"));
        assert_eq!(token_class_names("a\"onclick=x b").as_deref(), Some("b"), "a name with a quote is dropped");
        assert_eq!(token_class_names("<img>").as_deref(), None);
        assert_eq!(token_class_names(&"x".repeat(65)), None, "a name over 64 characters is dropped");
        assert_eq!(token_class_names(""), None);
    }

    #[track_caller]
    fn assert_action(mode: HtmlMode, ns: Namespace, name: &str, want: ElementAction) {
        assert_eq!(element_action(mode, ns, name), want, "<{name}> in {ns:?} under {mode:?} should be {want:?}");
    }

    #[test]
    fn script_capable_elements_are_dropped_in_every_mode_and_namespace() {
        for mode in [HtmlMode::Text, HtmlMode::Sanitize, HtmlMode::Trusted] {
            for ns in [Namespace::Html, Namespace::Svg, Namespace::MathMl] {
                for name in
                    ["script", "SCRIPT", "iframe", "object", "embed", "frame", "noscript", "base", "meta", "set"]
                {
                    assert_action(mode, ns, name, ElementAction::Drop);
                }
            }
        }
    }

    #[test]
    fn trusted_mode_keeps_other_elements_in_their_namespace() {
        for name in ["div", "details", "style", "form", "custom-el", "video"] {
            assert_action(HtmlMode::Trusted, Namespace::Html, name, ElementAction::Keep);
        }
        assert_action(HtmlMode::Trusted, Namespace::Svg, "circle", ElementAction::Keep);
        assert_action(HtmlMode::Trusted, Namespace::MathMl, "mi", ElementAction::Keep);
        assert_action(HtmlMode::Trusted, Namespace::Other, "div", ElementAction::Drop);
    }

    #[test]
    fn sanitize_mode_keeps_githubs_elements_and_unwraps_the_rest() {
        for name in ["br", "sup", "sub", "kbd", "details", "summary", "table", "td", "img", "a", "ins", "ruby"] {
            assert_action(HtmlMode::Sanitize, Namespace::Html, name, ElementAction::Keep);
        }
        for name in ["font", "center", "u", "form", "button", "video", "custom-el", "label", "input2"] {
            assert_action(HtmlMode::Sanitize, Namespace::Html, name, ElementAction::Unwrap);
        }
        for name in ["style", "textarea", "title", "svg", "math"] {
            assert_action(HtmlMode::Sanitize, Namespace::Html, name, ElementAction::Drop);
        }
        assert_action(HtmlMode::Sanitize, Namespace::Svg, "circle", ElementAction::Drop);
    }

    #[test]
    fn event_handlers_and_srcdoc_are_never_set() {
        for mode in [HtmlMode::Text, HtmlMode::Sanitize, HtmlMode::Trusted] {
            for name in ["onerror", "onclick", "ONLOAD", "onAnimationStart", "srcdoc", "SRCDOC"] {
                assert_eq!(
                    attribute_value(mode, "img", name, "alert(1)"),
                    None,
                    "{name} should never be set in {mode:?}"
                );
            }
        }
        assert!(!is_event_handler("on"), "an attribute named `on` is not a handler");
    }

    #[test]
    fn script_urls_are_refused_after_decoding_in_every_mode() {
        let hostile = [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            " \tjava\nscript:alert(1)",
            "java\u{0}script:alert(1)",
            "%6Aavascript:alert(1)",
            "vbscript:msgbox(1)",
            "data:text/html,<script>alert(1)</script>",
        ];
        for mode in [HtmlMode::Sanitize, HtmlMode::Trusted] {
            for url in hostile {
                for (element, name) in [("a", "href"), ("form", "action"), ("button", "formaction"), ("a", "HREF")] {
                    assert_eq!(attribute_value(mode, element, name, url), None, "{element} {name}={url:?} in {mode:?}");
                }
            }
        }
        assert_eq!(attribute_value(HtmlMode::Trusted, "img", "srcset", "ok.png 1x, javascript:x 2x"), None);
    }

    #[test]
    fn trusted_mode_keeps_ordinary_urls_and_data_images() {
        for (element, name, value) in [
            ("a", "href", "https://example.com/?q=1"),
            ("a", "href", "tel:+123"),
            ("a", "href", "/relative"),
            ("img", "src", "data:image/png;base64,AAAA"),
            ("a", "style", "color: red"),
        ] {
            assert_eq!(attribute_value(HtmlMode::Trusted, element, name, value).as_deref(), Some(value));
        }
    }

    #[test]
    fn sanitize_mode_keeps_githubs_attributes_only() {
        let s = |element, name, value| attribute_value(HtmlMode::Sanitize, element, name, value);
        assert_eq!(s("details", "open", "").as_deref(), Some(""), "details keeps open");
        assert_eq!(s("td", "align", "center").as_deref(), Some("center"));
        assert_eq!(s("a", "href", "https://x.test/").as_deref(), Some("https://x.test/"));
        assert_eq!(s("a", "href", "tel:1"), None, "only http, https, mailto and relative links");
        assert_eq!(s("div", "style", "position:fixed"), None, "no inline styles");
        assert_eq!(s("div", "class", "btn hidden"), None, "no host classes");
        assert_eq!(s("code", "class", "language-rust x").as_deref(), Some("language-rust"));
        assert_eq!(s("div", "id", "login"), None);
        assert_eq!(s("blockquote", "cite", "javascript:x"), None);
        assert_eq!(s("input", "type", "text").as_deref(), None, "only checkboxes");
        assert_eq!(s("input", "value", "x"), None);
        assert_eq!(forced_link_rel(HtmlMode::Sanitize, "a", true), Some("noopener noreferrer"));
        assert_eq!(forced_link_rel(HtmlMode::Sanitize, "a", false), None, "a link without href is no link");
        assert_eq!(forced_link_rel(HtmlMode::Trusted, "a", true), None, "trusted links stay as written");
        assert_eq!(s("img", "name", "querySelector").as_deref(), Some("user-content-querySelector"), "no clobbering");
        assert!(input_allowed(HtmlMode::Sanitize, Some("CheckBox")), "task list checkboxes stay");
        assert!(!input_allowed(HtmlMode::Sanitize, Some("text")), "no text fields");
        assert!(!input_allowed(HtmlMode::Sanitize, None), "no untyped (text) fields");
    }

    #[test]
    fn sanitize_mode_passes_raw_html_on_and_keeps_the_url_policy_for_markdown() {
        use crate::markdown::render::render;
        use crate::options::RenderOptions;
        let opts = RenderOptions { html: HtmlMode::Sanitize, ..RenderOptions::default() };
        assert!(!opts.trusted && opts.raw_html_passes(), "sanitize is not trusted, but raw HTML passes to the walk");
        let html = render("[x](javascript:alert(1)) <sup>2</sup> ![i](https://evil.test/a.png)\n", &opts).to_html();
        assert!(html.contains("<sup>2</sup>"), "raw HTML reaches the DOM builder as HTML: {html}");
        assert!(!html.contains("href=\"javascript"), "markdown links keep the URL check: {html}");
        assert!(!html.contains("<img"), "markdown images keep the image policy: {html}");
        let text = render("<sup>2</sup>\n", &RenderOptions::default()).to_html();
        assert!(text.contains("&lt;sup&gt;"), "text mode shows raw HTML as text: {text}");
    }

    #[test]
    fn sanitize_mode_images_follow_the_image_policy() {
        assert!(!image_fetch_allowed(HtmlMode::Sanitize, "https://evil.test/?secret", &ImagePolicy::Block));
        assert!(image_fetch_allowed(HtmlMode::Sanitize, "https://cdn.test/a.png", &ImagePolicy::Allow));
        let origins = ImagePolicy::Origins(vec!["https://cdn.test".into()]);
        assert!(image_fetch_allowed(HtmlMode::Sanitize, "https://cdn.test/a.png", &origins));
        assert!(!image_fetch_allowed(HtmlMode::Sanitize, "https://evil.test/a.png", &origins));
        let (attrs, label) = image_placeholder(Some("https://evil.test/a b"), Some("cat"), Some("T"));
        assert_eq!(
            attrs,
            vec![
                ("class", "rillmark-image".to_owned()),
                ("data-src", "https://evil.test/a%20b".to_owned()),
                ("title", "T".to_owned())
            ]
        );
        assert_eq!(label, "cat");
        assert_eq!(image_placeholder(Some("javascript:x"), None, None).0.len(), 1, "no data-src for a script URL");
    }
}
