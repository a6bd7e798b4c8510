//! Tells when the inline content of an open paragraph is *settled*: no construct begun so far can still be changed by
//! text that follows, so the paragraph's rendering up to here is final and later parses may start after it.
//!
//! It follows CommonMark's inline rules closely enough to be conservative: emphasis delimiter runs with the
//! left/right-flanking and "multiple of 3" rules, brackets (`[`, `![`, `](…)`), code spans, and `<…>` (autolinks and
//! raw HTML). Anything still open — an unmatched opener, an unclosed code span or bracket, a run whose next character
//! has not arrived — means "not settled". Where it is unsure it says "not settled", which only costs work; and any
//! residual mistake is corrected by the final one-shot reconcile, never left in the DOM.
//!
//! Inline math (`$…$`, `$$…$$`) follows comrak's rules (see [`super::scan`]): while math is open a second scan
//! carries on as if its opener were text, and takes over when the math turns out never to have opened.
//!
//! It scans each byte once, twice while math is open ([`InlineSettle::feed`] continues where the last call stopped).

use super::scan::{self, CharClass as Class, SingleDollar};

/// A delimiter run that may still open emphasis.
#[derive(Debug, Clone, Copy)]
struct Opener {
    ch: u8,
    remaining: usize,
    original: usize,
    /// Both left- and right-flanking (matters for the "multiple of 3" rule).
    both: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Bracket {
    Open,
    /// `]` arrived; the next character decides (a `(` starts a destination).
    Closed,
    /// Inside `(…)`, with its parenthesis depth.
    Destination(usize),
}

/// Open inline math.
#[derive(Debug, Clone)]
struct MathOpen {
    /// Its opening run: 1 (`$`) or 2 (`$$`).
    len: usize,
    /// The scan as if the opener were text, fed everything since: it takes over if the math never opened.
    shadow: Box<InlineSettle>,
    /// The last character inside.
    last: char,
    /// (`$…$`) a `$` that closes unless a digit follows arrived.
    closing: bool,
    /// (`$$…$$`) `$` in a row just before.
    dollars: usize,
}

/// What a character does to open math.
enum MathStep {
    Inside,
    /// The math never opened: the shadow scan is the scan.
    Failed,
    /// The character closed the math.
    Closed,
    /// The math closed before the character, which is read as after it.
    ClosedBefore,
}

impl MathOpen {
    fn step(&mut self, c: char) -> MathStep {
        if self.len == 1 {
            if self.closing {
                return if c.is_ascii_digit() { MathStep::Failed } else { MathStep::ClosedBefore };
            }
            if c == '$' {
                match scan::single_dollar(self.last) {
                    SingleDollar::Fails => return MathStep::Failed,
                    SingleDollar::Skipped => {}
                    SingleDollar::ClosesUnlessDigit => self.closing = true,
                }
            }
        } else if c == '$' {
            self.dollars += 1;
            if self.dollars == 2 {
                return MathStep::Closed;
            }
        } else {
            self.dollars = 0;
        }
        self.last = c;
        MathStep::Inside
    }
}

/// An open `<`: an autolink or a raw HTML tag if its `>` says so, else text.
#[derive(Debug, Clone)]
struct AngleOpen {
    /// What followed the `<` so far.
    content: String,
    /// The scan as if the `<` were text, fed everything since: it takes over if the `<…>` is neither.
    shadow: Box<InlineSettle>,
}

/// What an open `<…>` is, read at a character.
#[derive(Debug, PartialEq, Eq)]
enum AngleRead {
    /// Not decided yet.
    Incomplete,
    /// An autolink or an HTML tag, read whole: what it holds is no inline markup.
    Inline,
    /// Neither: the `<` is text and what follows it is inline content.
    Text,
    /// A construct this scan does not follow to its end.
    Unfollowed,
}

/// What `<{content}>` is (CommonMark 6.5, 6.6): an autolink (a URI or an email address), an open or closing HTML tag,
/// or text. `Incomplete` when the `>` is inside a quoted attribute value (the tag goes on).
fn read_angle(content: &str) -> AngleRead {
    if is_uri_autolink(content) || is_email_autolink(content) {
        return AngleRead::Inline;
    }
    let (closing, rest) = match content.strip_prefix('/') {
        Some(rest) => (true, rest),
        None => (false, content),
    };
    let name = rest.bytes().take_while(|b| b.is_ascii_alphanumeric() || *b == b'-').count();
    if name == 0 || !rest.as_bytes()[0].is_ascii_alphabetic() {
        return AngleRead::Text;
    }
    let mut rest = &rest[name..];
    if closing {
        return if rest.trim_start().is_empty() { AngleRead::Inline } else { AngleRead::Text };
    }
    loop {
        let spaced = rest.trim_start();
        let had_space = spaced.len() < rest.len();
        rest = spaced;
        if rest.is_empty() || rest == "/" {
            return AngleRead::Inline;
        }
        let attr =
            rest.bytes().take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b':' | b'-')).count();
        if !had_space || attr == 0 || !matches!(rest.as_bytes()[0], b'a'..=b'z' | b'A'..=b'Z' | b'_' | b':') {
            return AngleRead::Text;
        }
        rest = &rest[attr..];
        let Some(value) = rest.trim_start().strip_prefix('=') else { continue };
        let value = value.trim_start();
        match value.chars().next() {
            Some(quote @ ('"' | '\'')) => match value[1..].find(quote) {
                Some(end) => rest = &value[end + 2..],
                None => return AngleRead::Incomplete, // the `>` is inside the value
            },
            _ => {
                let unquoted =
                    value.bytes().take_while(|b| !b.is_ascii_whitespace() && !b"\"'=<>`".contains(b)).count();
                if unquoted == 0 {
                    return AngleRead::Text;
                }
                rest = &value[unquoted..];
            }
        }
    }
}

/// `scheme:…` with a scheme of 2 to 32 characters and no space, control character, `<` or `>` after it.
fn is_uri_autolink(content: &str) -> bool {
    let Some((scheme, rest)) = content.split_once(':') else { return false };
    (2..=32).contains(&scheme.len())
        && scheme.as_bytes()[0].is_ascii_alphabetic()
        && scheme.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'.' | b'-'))
        && rest.chars().all(|c| !c.is_ascii_control() && c != ' ' && c != '<' && c != '>')
}

/// An email address as CommonMark's autolinks take it.
fn is_email_autolink(content: &str) -> bool {
    let Some((local, domain)) = content.split_once('@') else { return false };
    let local_ok =
        !local.is_empty() && local.bytes().all(|b| b.is_ascii_alphanumeric() || b".!#$%&'*+/=?^_`{|}~-".contains(&b));
    local_ok
        && domain.split('.').all(|label| {
            let bytes = label.as_bytes();
            (1..=63).contains(&bytes.len())
                && bytes.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'-')
                && bytes[0] != b'-'
                && bytes[bytes.len() - 1] != b'-'
        })
}

/// Incremental settledness of one paragraph's inline text.
#[derive(Debug, Clone, Default)]
pub struct InlineSettle {
    openers: Vec<Opener>,
    brackets: Vec<Bracket>,
    /// Length of the backtick run that opened an unclosed code span.
    code: Option<usize>,
    /// `~` and `~~` delimit strikethrough (GFM); without it a `~` is text.
    strikethrough: bool,
    /// `$` and `$$` delimit math (comrak's `math_dollars`); without it a `$` is text.
    math_dollars: bool,
    /// A delimiter was read that makes comrak stop matching delimiters: nothing later settles the paragraph.
    halted: bool,
    /// Open inline math.
    math: Option<MathOpen>,
    /// Inside `<…>` (a possible autolink or HTML tag).
    angle: Option<AngleOpen>,
    /// A run of `*`, `_`, `~` or `` ` `` whose end (and so whose flanking) is not known yet: (byte, length, class
    /// of the character before it).
    run: Option<(u8, usize, Class)>,
    /// The previous character was an unconsumed backslash.
    escape: bool,
    /// A `&` and this many name characters after it: a character reference until a `;` ends it or another character
    /// makes it text (a cut inside it would show `&` and `amp;` apart).
    reference: Option<usize>,
    prev: Class,
}

fn class(c: char) -> Class {
    scan::class_of(Some(c))
}

impl InlineSettle {
    /// A scan from the start of a paragraph: `strikethrough`, `~` delimits strikethrough (GFM); `math_dollars`, `$`
    /// delimits math (comrak's options of those names).
    pub fn new(strikethrough: bool, math_dollars: bool) -> InlineSettle {
        InlineSettle { strikethrough, math_dollars, ..InlineSettle::default() }
    }

    /// A scan from the start of a paragraph, with the same options as this one.
    pub fn fresh(&self) -> InlineSettle {
        InlineSettle::new(self.strikethrough, self.math_dollars)
    }

    /// Scans more of the paragraph's text (continuing exactly where the previous call ended).
    pub fn feed(&mut self, text: &str) {
        for c in text.chars() {
            self.step(c);
        }
    }

    /// Whether everything scanned so far is final whatever follows.
    pub fn is_settled(&self) -> bool {
        self.openers.is_empty()
            && self.brackets.is_empty()
            && self.code.is_none()
            && self.math.is_none()
            && !self.halted
            && self.angle.is_none()
            && self.run.is_none()
            && !self.escape
            && self.reference.is_none()
    }

    /// Reads one more character of the paragraph.
    fn step(&mut self, c: char) {
        if self.angle.is_some() {
            self.step_in_angle(c);
            return;
        }
        if self.step_in_math(c) || self.end_dollar_run(c) || self.end_delimiter_run(c) {
            return;
        }
        if self.escape {
            self.escape = false;
            // An escaped character is text, but flanking still sees it as what it is (`\$*a`: after punctuation).
            self.prev = class(c);
            return;
        }
        if let Some(Bracket::Closed) = self.brackets.last() {
            if c != '(' {
                // `[text]` not followed by `(`: literal or a reference, either way settled.
                self.brackets.pop();
            }
        }
        if self.step_in_reference(c) {
            return;
        }
        self.read(c);
    }

    /// Inside `<…>`: `c` goes to it and to its shadow scan, until the `<…>` is read as an autolink or a tag, or as
    /// text after all (then the shadow scan is the scan).
    fn step_in_angle(&mut self, c: char) {
        let Some(angle) = &mut self.angle else { return };
        angle.shadow.step(c);
        let read = match c {
            '>' => read_angle(&angle.content),
            // Not an autolink or a tag: `<` was text.
            _ if angle.content.is_empty() && (c.is_whitespace() || c == '<') => AngleRead::Text,
            // A comment, processing instruction, declaration or CDATA section ends at its own terminator, which
            // this scan does not follow: the paragraph is not read as settled any more.
            '!' | '?' if angle.content.is_empty() => AngleRead::Unfollowed,
            _ => AngleRead::Incomplete,
        };
        match read {
            AngleRead::Incomplete => angle.content.push(c),
            AngleRead::Inline => {
                self.angle = None;
                self.prev = Class::Punct;
            }
            AngleRead::Text => {
                let shadow = std::mem::take(&mut angle.shadow);
                *self = *shadow;
            }
            AngleRead::Unfollowed => {
                let shadow = std::mem::take(&mut angle.shadow);
                *self = *shadow;
                self.halted = true;
            }
        }
    }

    /// Inside inline math: `c` goes to the math and to its shadow scan. Returns whether `c` was taken (math that
    /// closed before `c` leaves it to be read as usual).
    fn step_in_math(&mut self, c: char) -> bool {
        let Some(math) = &mut self.math else { return false };
        math.shadow.step(c);
        match math.step(c) {
            MathStep::Inside => true,
            MathStep::Failed => {
                let shadow = std::mem::take(&mut math.shadow);
                *self = *shadow;
                true
            }
            MathStep::Closed => {
                self.math = None;
                self.prev = Class::Punct;
                true
            }
            MathStep::ClosedBefore => {
                self.math = None;
                self.prev = Class::Punct;
                false
            }
        }
    }

    /// A run of `$` ends at a character other than `$`: whether it may open math depends on that character. Returns
    /// whether `c` was taken (it extends the run, or is read inside the math the run opens).
    fn end_dollar_run(&mut self, c: char) -> bool {
        let Some((b'$', len, _)) = self.run else { return false };
        if c == '$' {
            self.run = Some((b'$', len + 1, self.prev));
            return true;
        }
        self.run = None;
        self.prev = Class::Punct;
        if self.angle.is_none() && scan::dollars_may_open(len, c) {
            let shadow = Box::new(self.clone());
            self.math = Some(MathOpen { len, shadow, last: '$', closing: false, dollars: 0 });
            self.step(c);
            return true;
        }
        false
    }

    /// A pending delimiter run ends at a character other than its own: its flanking depends on that character.
    /// Returns whether `c` was taken (it extends the run).
    fn end_delimiter_run(&mut self, c: char) -> bool {
        let Some((ch, len, before)) = self.run else { return false };
        if c as u32 == u32::from(ch) {
            self.run = Some((ch, len + 1, before));
            return true;
        }
        self.run = None;
        self.end_run(ch, len, before, class(c));
        false
    }

    /// After a `&`: a character reference being typed takes `c`, or ends (at its `;`, or as text at anything else).
    /// Returns whether `c` was taken.
    fn step_in_reference(&mut self, c: char) -> bool {
        let Some(len) = self.reference else { return false };
        if c == ';' {
            self.reference = None;
            self.prev = Class::Punct;
            return true;
        }
        if len < 32 && (c.is_ascii_alphanumeric() || (c == '#' && len == 0)) {
            self.reference = Some(len + 1);
            self.prev = class(c);
            return true;
        }
        self.reference = None;
        false
    }

    /// A character outside any pending run, escape or reference: what it opens or closes.
    fn read(&mut self, c: char) {
        match c {
            '`' => self.run = Some((b'`', 1, self.prev)),
            '$' if self.code.is_none() && self.math_dollars => self.run = Some((b'$', 1, self.prev)),
            _ if self.code.is_some() => {}
            '\\' => self.escape = true,
            '&' => self.reference = Some(0),
            '*' | '_' => self.run = Some((c as u8, 1, self.prev)),
            '~' if self.strikethrough => self.run = Some((b'~', 1, self.prev)),
            '<' => {
                self.prev = Class::Punct;
                let shadow = Box::new(self.clone());
                self.angle = Some(AngleOpen { content: String::new(), shadow });
                return;
            }
            '[' => self.brackets.push(Bracket::Open),
            '!' => {}
            ']' => {
                if let Some(pos) = self.brackets.iter().rposition(|b| *b == Bracket::Open) {
                    self.brackets.truncate(pos + 1);
                    self.brackets[pos] = Bracket::Closed;
                }
            }
            '(' => match self.brackets.last_mut() {
                Some(b @ Bracket::Closed) => *b = Bracket::Destination(0),
                Some(Bracket::Destination(depth)) => *depth += 1,
                _ => {}
            },
            ')' => match self.brackets.last_mut() {
                Some(Bracket::Destination(0)) => {
                    // A link formed: earlier `[` can no longer form links (they stay literal).
                    self.brackets.clear();
                }
                Some(Bracket::Destination(depth)) => *depth -= 1,
                _ => {}
            },
            _ => {}
        }
        self.prev = class(c);
    }

    fn end_run(&mut self, ch: u8, len: usize, before: Class, after: Class) {
        if ch == b'`' {
            match self.code {
                Some(open) if open == len => self.code = None,
                Some(_) => {}
                None if self.angle.is_none() => self.code = Some(len),
                None => {}
            }
            self.prev = Class::Punct;
            return;
        }
        self.prev = Class::Punct;
        if self.code.is_some() || self.angle.is_some() || (ch == b'~' && len > 2) {
            return; // (a run of three or more `~` is text)
        }
        let (can_open, can_close) = scan::delimiter_run(ch, before, after);
        let both = can_open && can_close;
        let mut remaining = len;
        if can_close {
            while remaining > 0 {
                // The nearest opener of the same character, by CommonMark's rule of 3 (comrak applies it to `~`
                // too).
                let matched =
                    self.openers.iter().rposition(|o| o.ch == ch && scan::may_match(o.original, o.both, len, both));
                let Some(pos) = matched else { break };
                if ch == b'~' && self.openers[pos].remaining != remaining {
                    // comrak stops matching delimiters for the rest of the paragraph at a strikethrough closer whose
                    // opener has another length: what follows is no longer read as this scan reads it.
                    self.halted = true;
                    return;
                }
                self.openers.truncate(pos + 1);
                let opener = &mut self.openers[pos];
                let used = opener.remaining.min(remaining);
                opener.remaining -= used;
                remaining -= used;
                if opener.remaining == 0 {
                    self.openers.pop();
                }
            }
        }
        if can_open && remaining > 0 {
            self.openers.push(Opener { ch, remaining, original: len, both });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settled(text: &str) -> bool {
        let mut s = InlineSettle::new(true, true);
        // Feed in pieces to exercise the carried state.
        for piece in text.as_bytes().chunks(3) {
            s.feed(std::str::from_utf8(piece).unwrap_or(""));
        }
        s.is_settled()
    }

    #[test]
    fn open_constructs_are_not_settled() {
        for text in ["a **b ", "a `b ", "a [b ", "a [b](c ", "a <span ", "x *", "a \\", "a ~~b ", "a $x ", "$$\n\\sum "]
        {
            assert!(!settled(text), "{text:?} should not be settled");
        }
    }

    #[test]
    fn closed_or_literal_constructs_are_settled() {
        for text in ["a **b** ", "a `b` ", "a [b](c) ", "[1] and ", "snake_case ", "5 * 3 ", "<b>x</b> ", "~~s~~ "] {
            assert!(settled(text), "{text:?} should be settled");
        }
    }
}
