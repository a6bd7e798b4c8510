//! URL safety for links and images in safe mode (DESIGN.md §2.5), and the `href` encoding comrak applies.
//!
//! Two different questions are asked of a URL:
//!
//! - **May it be followed at all?** [`is_safe_url`]: the scheme is checked after the decodings an attacker could hide
//!   a scheme behind (entity decoding, already done by the markdown parser; percent-decoding; ASCII whitespace and
//!   control characters, which browsers drop). Only `http`, `https`, `mailto` and relative URLs pass.
//! - **May an image be fetched from it?** [`image_allowed`]: for [`ImagePolicy::Origins`] the origin is parsed from
//!   the exact string the browser will receive ([`href_encode`]'s output), following the WHATWG URL parser where it
//!   matters (backslashes, userinfo, default ports), and anything it cannot be sure about is refused.
//!
//! Both are conservative: a refusal only costs a link its `href` or an image its fetch.

use crate::options::ImagePolicy;

/// Percent-encodes a URL the way comrak does for `href` and `src` (cmark-gfm's `houdini_href_e`), minus the HTML
/// escaping: the result is the attribute *value* (what the DOM holds); the serialiser escapes `&` and `'` as comrak does.
///
/// Keeps ASCII letters, digits and `-_.+!*(),#@?=;:/$~&'`, keeps `%` when two hex digits follow (the author meant an
/// escape), encodes every other byte as `%XX`, and NUL as the UTF-8 of U+FFFD. A leading `http[s]://[ipv6]` keeps its
/// brackets, as comrak does without relaxed autolinks.
pub fn href_encode(url: &str) -> String {
    let bytes = url.as_bytes();
    let mut out = String::with_capacity(url.len());
    let start = ipv6_url_prefix(url).unwrap_or(0);
    out.push_str(&url[..start]);
    let mut i = start;
    while i < bytes.len() {
        let b = bytes[i];
        if is_href_safe(b) {
            out.push(b as char);
        } else if b == b'%' {
            let hex_follows = bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit);
            if hex_follows {
                // Copy the escape as written: the author already encoded this byte.
                out.push('%');
                out.push(bytes[i + 1] as char);
                out.push(bytes[i + 2] as char);
                i += 2;
            } else {
                out.push_str("%25");
            }
        } else if b == 0 {
            out.push_str("%EF%BF%BD");
        } else {
            push_percent(&mut out, b);
        }
        i += 1;
    }
    out
}

fn is_href_safe(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-_.+!*(),#@?=;:/$~&'".contains(&b)
}

fn push_percent(out: &mut String, b: u8) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    out.push('%');
    out.push(HEX[usize::from(b >> 4)] as char);
    out.push(HEX[usize::from(b & 0xF)] as char);
}

/// Length of a leading `http[s]://[…]` IPv6 authority (`'http' [s]? '://[' [0-9a-fA-F:]+ ('%25' [a-zA-Z0-9]+)? ']'`,
/// `http` in any case), which comrak copies verbatim so the brackets survive.
fn ipv6_url_prefix(url: &str) -> Option<usize> {
    let b = url.as_bytes();
    if b.len() < 4 || !b[..4].eq_ignore_ascii_case(b"http") {
        return None;
    }
    let mut i = 4;
    if b.get(i) == Some(&b's') {
        i += 1;
    }
    if !b[i..].starts_with(b"://[") {
        return None;
    }
    i += 4;
    let hex_start = i;
    while b.get(i).is_some_and(|c| c.is_ascii_hexdigit() || *c == b':') {
        i += 1;
    }
    if i == hex_start {
        return None;
    }
    // The zone id is optional: only take it when it is complete, as a backtracking regex would.
    if b[i..].starts_with(b"%25") {
        let mut j = i + 3;
        while b.get(j).is_some_and(u8::is_ascii_alphanumeric) {
            j += 1;
        }
        if j > i + 3 && b.get(j) == Some(&b']') {
            return Some(j + 1);
        }
    }
    (b.get(i) == Some(&b']')).then_some(i + 1)
}

/// Whether a link or image URL may be put in an attribute: `http`, `https`, `mailto` (any case) or relative.
///
/// `url` is the destination as the markdown parser returns it (entities and backslash escapes already decoded). It is
/// percent-decoded once and stripped of ASCII whitespace and control characters before the scheme is read, so
/// `java\tscript:`, `%6Aavascript:` and `JAVASCRIPT:` are all refused. A `:` before any `/`, `?` or `#` means a scheme;
/// an unknown or empty scheme is refused.
pub fn is_safe_url(url: &str) -> bool {
    let cleaned: Vec<u8> = percent_decode(url.as_bytes()).into_iter().filter(|b| *b > b' ' && *b != 0x7F).collect();
    for (i, b) in cleaned.iter().enumerate() {
        match b {
            b':' => {
                let scheme = &cleaned[..i];
                return [&b"http"[..], b"https", b"mailto"].iter().any(|allowed| scheme.eq_ignore_ascii_case(allowed));
            }
            b'/' | b'?' | b'#' => return true,
            _ => {}
        }
    }
    true
}

/// The scheme of `url` (lowercase ASCII), read after the same decodings as [`is_safe_url`] (percent-decoding once,
/// ASCII whitespace and control characters dropped), or `None` for a relative URL. For raw HTML attributes, whose
/// entities the browser's parser has already decoded: `&#106;ava&#x09;script:` arrives here as `java\tscript:` and
/// reads as `javascript`.
pub fn decoded_scheme(url: &str) -> Option<String> {
    let cleaned: Vec<u8> = percent_decode(url.as_bytes()).into_iter().filter(|b| *b > b' ' && *b != 0x7F).collect();
    for (i, b) in cleaned.iter().enumerate() {
        match b {
            b':' => return Some(String::from_utf8_lossy(&cleaned[..i]).to_ascii_lowercase()),
            b'/' | b'?' | b'#' => return None,
            _ => {}
        }
    }
    None
}

/// Decodes every `%XX` escape once; a `%` without two hex digits stays as it is.
fn percent_decode(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'%' {
            if let (Some(h), Some(l)) =
                (bytes.get(i + 1).and_then(|c| hex_value(*c)), bytes.get(i + 2).and_then(|c| hex_value(*c)))
            {
                out.push(h << 4 | l);
                i += 3;
                continue;
            }
        }
        out.push(b);
        i += 1;
    }
    out
}

fn hex_value(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// The origin (`scheme://host[:port]`, lowercase, default port dropped) of an absolute `http` or `https` URL, or
/// `None` when there is none or it cannot be read with certainty.
///
/// Parses like a browser would parse the same string: `\` counts as `/`, the host starts after the last `@` of the
/// authority, and the scheme must be followed by two slashes (`https:host` would be relative to an `https` page).
/// Hosts holding anything but ASCII letters, digits, `.` and `-` (or a bracketed IPv6 address) are refused, because a
/// browser would percent-decode or IDNA-map them into something else.
pub fn origin(url: &str) -> Option<String> {
    let colon = url.find(':')?;
    let scheme = url[..colon].to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "http" => 80,
        "https" => 443,
        _ => return None,
    };
    let rest = &url.as_bytes()[colon + 1..];
    let is_slash = |c: &u8| *c == b'/' || *c == b'\\';
    if !(rest.len() >= 2 && is_slash(&rest[0]) && is_slash(&rest[1])) {
        return None;
    }
    // Browsers skip any further slashes before the authority.
    let start = rest.iter().position(|c| !is_slash(c))?;
    let rest = &rest[start..];
    let end = rest.iter().position(|c| matches!(c, b'/' | b'\\' | b'?' | b'#')).unwrap_or(rest.len());
    let authority = &rest[..end];
    let host_port = match authority.iter().rposition(|c| *c == b'@') {
        Some(at) => &authority[at + 1..],
        None => authority,
    };
    let (host, port) = split_host_port(host_port)?;
    let host = std::str::from_utf8(host).ok()?.to_ascii_lowercase();
    let port = match port {
        None => None,
        Some([]) => None,
        Some(p) => {
            if !p.iter().all(u8::is_ascii_digit) {
                return None;
            }
            // Leading zeros are allowed by browsers ("0443" is 443); more than 5 significant digits cannot fit.
            let digits = std::str::from_utf8(p).ok()?.trim_start_matches('0');
            let n: u32 = if digits.is_empty() { 0 } else { digits.parse().ok()? };
            (n != default_port).then_some(u16::try_from(n).ok()?)
        }
    };
    Some(match port {
        Some(p) => format!("{scheme}://{host}:{p}"),
        None => format!("{scheme}://{host}"),
    })
}

fn split_host_port(hp: &[u8]) -> Option<(&[u8], Option<&[u8]>)> {
    let (host, after) = if hp.first() == Some(&b'[') {
        let close = hp.iter().position(|c| *c == b']')?;
        let host = &hp[..=close];
        if !host[1..close].iter().all(|c| c.is_ascii_hexdigit() || *c == b':' || *c == b'.') {
            return None;
        }
        (host, &hp[close + 1..])
    } else {
        let colon = hp.iter().position(|c| *c == b':').unwrap_or(hp.len());
        let host = &hp[..colon];
        if !host.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'.' || *c == b'-') {
            return None;
        }
        (host, &hp[colon..])
    };
    if host.is_empty() {
        return None;
    }
    match after.split_first() {
        None => Some((host, None)),
        Some((b':', port)) => Some((host, Some(port))),
        Some(_) => None,
    }
}

/// Whether an image at `url` (the parser's destination) may be fetched under `policy`.
pub fn image_allowed(url: &str, policy: &ImagePolicy) -> bool {
    match policy {
        ImagePolicy::Block => false,
        ImagePolicy::Allow => is_safe_url(url),
        ImagePolicy::Origins(list) => {
            if !is_safe_url(url) {
                return false;
            }
            // Judge the string the browser will receive, not the one before encoding.
            let Some(found) = origin(&href_encode(url)) else {
                return false;
            };
            list.iter().any(|entry| origin(entry.trim()).is_some_and(|o| o == found))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn href_encode_matches_comrak() {
        assert_eq!(href_encode("/url?a=b&c=d"), "/url?a=b&c=d");
        assert_eq!(href_encode("a b"), "a%20b", "should encode a space");
        assert_eq!(href_encode("%20%zz"), "%20%25zz", "should keep a valid escape and encode a stray %");
        assert_eq!(href_encode("ä"), "%C3%A4", "should encode UTF-8 bytes");
        assert_eq!(href_encode("\\"), "%5C");
        assert_eq!(href_encode("a\0b"), "a%EF%BF%BDb", "should encode NUL as U+FFFD");
        assert_eq!(href_encode("\"<>[]"), "%22%3C%3E%5B%5D");
        assert_eq!(href_encode("https://[::1]:80/[x]"), "https://[::1]:80/%5Bx%5D", "should keep IPv6 brackets");
        assert_eq!(href_encode("ftp://[::1]/"), "ftp://%5B::1%5D/", "should keep brackets only for http(s)");
    }

    #[test]
    fn safe_schemes_pass() {
        for url in [
            "http://example.com",
            "HTTPS://example.com",
            "mailto:a@b.c",
            "/relative",
            "relative/path",
            "#frag",
            "?q=1",
            "",
            "./javascript:alert(1)",
            "MailTo:x@y",
        ] {
            assert!(is_safe_url(url), "should accept {url:?}");
        }
    }

    #[test]
    fn dangerous_schemes_are_refused() {
        for url in [
            "javascript:alert(1)",
            "JAVASCRIPT:alert(1)",
            "java\tscript:alert(1)",
            "java\nscript:alert(1)",
            " javascript:alert(1)",
            "\u{1}javascript:alert(1)",
            "%6Aavascript:alert(1)",
            "java%09script:alert(1)",
            "vbscript:msgbox(1)",
            "data:text/html,<script>alert(1)</script>",
            "DATA:image/png;base64,AAAA",
            "file:///etc/passwd",
            "ftp://example.com",
            ":nothing",
        ] {
            assert!(!is_safe_url(url), "should refuse {url:?}");
        }
    }

    #[test]
    fn origins_are_read_like_a_browser() {
        assert_eq!(origin("https://Img.Example.com/a.png").as_deref(), Some("https://img.example.com"));
        assert_eq!(origin("https://img.example.com:443/a").as_deref(), Some("https://img.example.com"));
        assert_eq!(origin("http://img.example.com:8080").as_deref(), Some("http://img.example.com:8080"));
        assert_eq!(origin("https://evil.com\\@good.com/").as_deref(), Some("https://evil.com"));
        assert_eq!(origin("https://good.com@evil.com/").as_deref(), Some("https://evil.com"));
        assert_eq!(origin("https:\\\\evil.com/").as_deref(), Some("https://evil.com"));
        assert_eq!(origin("https:evil.com"), None, "should refuse a scheme without slashes");
        assert_eq!(origin("https://ev%69l.com/"), None, "should refuse a percent-encoded host");
        assert_eq!(origin("https://%C3%A9.com/"), None, "should refuse a non-ASCII host");
        assert_eq!(origin("https://a.com:99999/"), None, "should refuse an impossible port");
        assert_eq!(origin("https://[::1]:8443/").as_deref(), Some("https://[::1]:8443"));
        assert_eq!(origin("/relative.png"), None);
        assert_eq!(origin("ftp://a.com/"), None);
    }

    #[test]
    fn image_policy() {
        let list = ImagePolicy::Origins(vec!["https://img.example.com".into(), "http://LOCALHOST:8080/".into()]);
        assert!(image_allowed("https://img.example.com/a.png", &list));
        assert!(image_allowed("http://localhost:8080/a.png", &list), "should normalise list entries");
        assert!(!image_allowed("https://img.example.com.evil.com/a.png", &list));
        // comrak sends `\` as `%5C`, so the browser reads `evil.com%5C` as userinfo and fetches from the allowed host.
        assert!(
            image_allowed("https://evil.com\\@img.example.com/", &list),
            "should judge the encoded URL the browser receives"
        );
        assert!(!image_allowed("https://img.example.com\\@evil.com/", &list));
        assert!(!image_allowed("https://img.example.com%2F@evil.com/", &list));
        assert!(!image_allowed("https://evil.com/?u=https://img.example.com", &list));
        assert!(!image_allowed("/same-origin.png", &list), "should block relative images under an origin list");
        assert!(!image_allowed("https://img.example.com/a.png", &ImagePolicy::Block));
        assert!(image_allowed("https://any.example/a.png", &ImagePolicy::Allow));
        assert!(!image_allowed("javascript:alert(1)", &ImagePolicy::Allow));
    }
}
