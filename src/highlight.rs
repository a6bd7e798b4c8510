//! The plain-Rust half of the web shell's code and math plug-ins (issue 16; the DOM half is `src/web/plugins.rs`):
//! how a growing code block splits into lines, which shown lines an edit leaves valid, which lines an incremental
//! highlight call covers, and the UTF-16 text edits the engine's ops make. Tested natively.

/// Lines a highlighter that keeps no state across calls (it returns a bare array of lines) is given again before the
/// new ones, for context: a construct opened a few lines up (a block comment, a string) still colours the new lines.
/// The final highlight of the closed fence covers the whole code, so what this window misses is corrected then.
pub const CONTEXT_LINES: usize = 8;

/// The complete lines of `code` (each without its `\n`) and the incomplete last line (empty when `code` ends with a
/// newline).
pub fn split_lines(code: &str) -> (Vec<&str>, &str) {
    let mut lines: Vec<&str> = code.split('\n').collect();
    let tail = lines.pop().unwrap_or("");
    (lines, tail)
}

/// How many complete lines of `old` are still complete and unchanged in `new`: the newlines in their common prefix.
pub fn unchanged_lines(old: &str, new: &str) -> usize {
    let common = old.bytes().zip(new.bytes()).take_while(|(a, b)| a == b).count();
    old.as_bytes()[..common].iter().filter(|&&b| b == b'\n').count()
}

/// The complete lines in the first `bytes` bytes of `text`.
pub fn lines_before(text: &str, bytes: usize) -> usize {
    text.as_bytes()[..bytes.min(text.len())].iter().filter(|&&b| b == b'\n').count()
}

/// The byte offset of UTF-16 offset `units` in `text` (its end when `units` is past it; inside a surrogate pair, the
/// character's start).
pub fn utf16_to_byte(text: &str, units: u32) -> usize {
    let mut seen = 0u32;
    for (at, c) in text.char_indices() {
        let next = seen + c.len_utf16() as u32;
        if next > units {
            return at;
        }
        seen = next;
    }
    text.len()
}

/// The DOM's `replaceData(start, delete, with)` on a Rust string (offsets in UTF-16 code units); returns the byte
/// offset of the edit.
pub fn replace_utf16(text: &mut String, start: u32, delete: u32, with: &str) -> usize {
    let from = utf16_to_byte(text, start);
    let to = from + utf16_to_byte(&text[from..], delete);
    text.replace_range(from..to, with);
    from
}

/// Which lines the next highlight call covers, for a block whose first `done` complete lines are highlighted and
/// which now has `complete` complete lines: `None` when there is nothing new. A stateful highlighter (one that gave
/// a grammar state back) continues from `done` with that state; a stateless one is given [`CONTEXT_LINES`] lines
/// before `done` again.
pub fn next_window(done: usize, complete: usize, stateful: bool) -> Option<std::ops::Range<usize>> {
    if done >= complete {
        return None;
    }
    let start = if stateful { done } else { done.saturating_sub(CONTEXT_LINES) };
    Some(start..complete)
}

/// The language of a code element from its `class` attribute (`language-rust` → `rust`), as the renderer writes it.
pub fn language_of(class: &str) -> &str {
    class.split_ascii_whitespace().find_map(|name| name.strip_prefix("language-")).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_splits_into_complete_lines_and_the_line_still_arriving() {
        assert_eq!(split_lines("a\nb\nc"), (vec!["a", "b"], "c"));
        assert_eq!(split_lines("a\nb\n"), (vec!["a", "b"], ""));
        assert_eq!(split_lines(""), (vec![], ""));
        assert_eq!(split_lines("\n"), (vec![""], ""));
    }

    #[test]
    fn an_edit_keeps_the_complete_lines_before_it() {
        assert_eq!(unchanged_lines("a\nb\nc", "a\nb\ncd\n"), 2, "an append keeps every complete line");
        assert_eq!(unchanged_lines("a\nb\n", "a\nx\n"), 1, "an edit in line 2 keeps line 1");
        assert_eq!(unchanged_lines("a\nb\n", "z"), 0);
        assert_eq!(lines_before("a\nb\nc", 4), 2);
        assert_eq!(lines_before("a\nb", 99), 1, "an offset past the end counts the whole text");
    }

    #[test]
    fn utf16_offsets_become_byte_offsets_as_the_dom_counts_them() {
        assert_eq!(utf16_to_byte("😀 x", 2), 4, "an astral character is two UTF-16 units and four bytes");
        assert_eq!(utf16_to_byte("é", 1), 2);
        assert_eq!(utf16_to_byte("ab", 9), 2, "past the end is the end");
        let mut text = String::from("let 😀 = 1;");
        replace_utf16(&mut text, 4, 2, "x");
        assert_eq!(text, "let x = 1;");
        let mut text = String::from("abc");
        assert_eq!(replace_utf16(&mut text, 3, 0, "d"), 3);
        assert_eq!(text, "abcd");
    }

    #[test]
    fn a_window_covers_only_new_lines_plus_bounded_context() {
        assert_eq!(next_window(10, 10, false), None, "nothing new, no call");
        assert_eq!(next_window(0, 3, false), Some(0..3));
        assert_eq!(next_window(20, 21, true), Some(20..21), "a stateful grammar continues where it stopped");
        assert_eq!(next_window(20, 21, false), Some(12..21), "a stateless one sees CONTEXT_LINES lines again");
        assert_eq!(next_window(3, 5, false), Some(0..5));
    }

    #[test]
    fn the_language_is_read_from_the_class_the_renderer_writes() {
        assert_eq!(language_of("language-rust"), "rust");
        assert_eq!(language_of(""), "");
        assert_eq!(language_of("x language-c++"), "c++");
    }
}
