//! The open table's resume plan: a body row is its own line, final once the line is complete, so the next parse
//! starts after the last complete row shown (partial rows are never shown), with a minimal header as context.
//!
//! - **Context** ([`table_context`]): a header of as many cells as the delimiter row has, and the delimiter row reduced
//!   to its alignments.
//! - **Fit check**: the parse's first block must be a table (a line that ends the table makes it something else).
//! - **Splice**: the parsed rows replace the mounted `<tbody>`'s rows from the resumed one on.

use super::resume::{Resume, Target};

/// The resume at the start of body row `kept` (byte `at`), parsed after `context` (see [`table_context`]).
pub(super) fn row_resume(at: usize, context: String, kept: usize, defs: String) -> Resume {
    Resume {
        at,
        defs,
        context,
        block_tag: "table",
        target: Target::Child(1),
        kept,
        boundary: None,
        drop_first: 0,
        tight: None,
        lead_word: false,
    }
}

/// The smallest text a table body row parses after as it does in place: a header of as many cells as the delimiter
/// row has, and the delimiter row with each cell reduced to its alignment (`-`, `:-`, `-:`, `:-:`). Body cells take
/// their count and alignment from these two lines and nothing else.
pub(super) fn table_context(delimiter_row: &str) -> Option<String> {
    let cells: Vec<&str> = delimiter_row.trim().split('|').collect();
    let mut header = Vec::with_capacity(cells.len());
    let mut delimiter = Vec::with_capacity(cells.len());
    for (i, cell) in cells.iter().enumerate() {
        let cell = cell.trim();
        let outer = i == 0 || i == cells.len() - 1;
        if cell.is_empty() && outer {
            header.push("");
            delimiter.push("");
            continue;
        }
        if cell.is_empty() || !cell.trim_matches(':').chars().all(|c| c == '-') || cell.trim_matches(':').is_empty() {
            return None; // not a delimiter row as read here: keep resuming at row starts with the real lines
        }
        header.push("x");
        delimiter.push(match (cell.starts_with(':'), cell.ends_with(':') && cell.len() > 1) {
            (true, true) => ":-:",
            (true, false) => ":-",
            (false, true) => "-:",
            (false, false) => "-",
        });
    }
    Some(format!("{}\n{}\n", header.join("|"), delimiter.join("|")))
}
