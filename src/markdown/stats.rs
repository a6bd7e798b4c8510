//! The engine's work counters, for tests and benchmarks.

/// Counters that make the engine's work visible to tests and benchmarks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MarkdownStats {
    /// Bytes handed to comrak, over all parses (the work measure: linear streaming keeps this near the text size).
    pub bytes_parsed: u64,
    /// Number of parses.
    pub parses: u64,
    /// Top-level blocks committed (frozen) while streaming.
    pub blocks_committed: u64,
    /// Ops the final reconcile had to emit for blocks that were already committed (0 when streaming was exact).
    pub reconcile_ops_on_committed: u64,
    /// Resumed parses whose result did not fit the open block (each cost one full parse of the open tail).
    pub resumes_abandoned: u64,
    /// Committed blocks re-rendered because a definition they use arrived after them.
    pub late_definition_patches: u64,
    /// Renders that appended plain text to a text node without parsing.
    pub appended_in_place: u64,
    /// Ops the verified finish emitted to bring the streamed DOM in line with one parse of the whole text. Streaming
    /// is meant to be exact, so tests assert 0; users are protected from an engine bug either way.
    pub finish_repairs: u64,
    /// Bytes the verified finish parsed (the whole text, once; kept apart from `bytes_parsed`, the streaming work).
    pub finish_verified_bytes: u64,
    /// Renders that took a shown word off the screen without showing it again (the open tail's patch removed a word
    /// and added it nowhere: see `patch/shown_words.rs`). Committed blocks are final, so only the tail's patch is
    /// watched. Streaming is meant never to do it, so tests assert 0.
    pub shown_text_losses: u64,
}

/// Counters of the replaced document and of its replacement, summed (every field is a count of work done).
pub(super) fn add_stats(a: MarkdownStats, b: MarkdownStats) -> MarkdownStats {
    let MarkdownStats {
        bytes_parsed,
        parses,
        blocks_committed,
        reconcile_ops_on_committed,
        resumes_abandoned,
        late_definition_patches,
        appended_in_place,
        finish_repairs,
        finish_verified_bytes,
        shown_text_losses,
    } = a;
    MarkdownStats {
        bytes_parsed: bytes_parsed + b.bytes_parsed,
        parses: parses + b.parses,
        blocks_committed: blocks_committed + b.blocks_committed,
        reconcile_ops_on_committed: reconcile_ops_on_committed + b.reconcile_ops_on_committed,
        resumes_abandoned: resumes_abandoned + b.resumes_abandoned,
        late_definition_patches: late_definition_patches + b.late_definition_patches,
        appended_in_place: appended_in_place + b.appended_in_place,
        finish_repairs: finish_repairs + b.finish_repairs,
        finish_verified_bytes: finish_verified_bytes + b.finish_verified_bytes,
        shown_text_losses: shown_text_losses + b.shown_text_losses,
    }
}
