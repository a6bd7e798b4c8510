//! Stages ①–⑤ wired together: response bytes in, patch ops and exactly one [`Outcome`] out.
//!
//! The pipeline is synchronous and owns no I/O: the web shell feeds it the body's chunks as they arrive, asks it to
//! [`render`](Pipeline::render) once per animation frame, and calls [`finish`](Pipeline::finish) at EOF or
//! [`abort`](Pipeline::abort) on cancel. Answer text renders into the root; reasoning renders into its own
//! collapsible `<details>` element, inserted above the answer the first time reasoning arrives.

use crate::decode::Utf8Decoder;
use crate::dialect::{Dialect, DialectKind, StreamEvent};
#[cfg(feature = "wire")]
use crate::dialect::{Hints, DETECT_WINDOW};
use crate::error::{ErrorKind, StreamError};
use crate::frame::{Frame, Framer};
use crate::markdown::{IncrementalMarkdown, Shown};
use crate::options::RenderOptions;
use crate::patch::diff::{Differ, IdAllocator, Mounted, MountedKind};
use crate::patch::{Element, Node, NodeId, PatchOp, PatchSink, ROOT};

/// The response headers that tell which dialect a body speaks.
#[cfg(feature = "wire")]
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResponseHeaders {
    pub content_type: Option<String>,
    /// `x-vercel-ai-data-stream` (AI SDK 3–4 data streams).
    pub vercel_data_stream: Option<String>,
    /// `x-vercel-ai-ui-message-stream` (AI SDK 5 UI message streams).
    pub vercel_ui_message_stream: Option<String>,
}

#[cfg(feature = "wire")]
impl ResponseHeaders {
    fn hints(&self) -> Hints<'_> {
        Hints {
            content_type: self.content_type.as_deref(),
            vercel_data_stream: self.vercel_data_stream.as_deref(),
            vercel_ui_message_stream: self.vercel_ui_message_stream.as_deref(),
        }
    }
}

/// Which dialect to read: a fixed one, or decided from the content type and the first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DialectChoice {
    Auto,
    Fixed(DialectKind),
}

impl DialectChoice {
    /// `"auto"` or a dialect name ([`DialectKind::from_name`]).
    pub fn from_name(name: &str) -> Option<DialectChoice> {
        if name == "auto" {
            return Some(DialectChoice::Auto);
        }
        DialectKind::from_name(name).map(DialectChoice::Fixed)
    }
}

/// How a stream ended. Exactly one per stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The dialect's terminal marker arrived.
    Done { reason: Option<String> },
    /// The body ended without the terminal marker: the answer may be cut off.
    Incomplete,
    /// The stream failed; everything received before stays rendered.
    Error(StreamError),
    /// The host cancelled.
    Aborted,
}

impl Outcome {
    /// The `status` the JavaScript API reports.
    pub fn status(&self) -> &'static str {
        match self {
            Outcome::Done { .. } => "done",
            Outcome::Incomplete => "incomplete",
            Outcome::Error(_) => "error",
            Outcome::Aborted => "aborted",
        }
    }
}

/// What [`Pipeline::update_text`] did with the whole text it was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextChange {
    /// The text is the current one: nothing to do.
    Unchanged,
    /// The text extends the current one: the rest was appended, as a write of it would.
    Appended,
    /// The text does not extend the current one: the answer starts over with it, and the next render changes the DOM
    /// only where the new text's blocks differ from the shown ones.
    Replaced,
    /// The answer has ended: nothing changes.
    Ended,
}

/// Counters over one stream.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StreamStats {
    pub bytes: u64,
    pub frames: u64,
    /// Text and reasoning events.
    pub deltas: u64,
    /// Frames the dialect could not read (counted; the stream went on).
    pub malformed: u64,
    /// Frames of a type the dialect does not know.
    pub unknown: u64,
    /// Characters of answer text received.
    pub text_chars: u64,
    /// Characters of reasoning received.
    pub reasoning_chars: u64,
}

/// The dialect in use, or the bytes held back until `Auto` can decide.
enum Reader {
    #[cfg(feature = "wire")]
    Undecided {
        headers: ResponseHeaders,
        pending: String,
    },
    Ready {
        framer: Box<dyn Framer>,
        dialect: Box<dyn Dialect>,
    },
}

/// Reasoning text, rendered into `<details><summary>Reasoning</summary><div>…</div></details>` above the answer.
struct Reasoning {
    /// The `<details>` as mounted (see [`reasoning_scaffold`]). Its body's children are `markdown`'s blocks, which
    /// this mirror leaves out: the scaffolds the differ compares it with have an empty body too, so no diff of the
    /// scaffold reaches them.
    scaffold: Mounted,
    markdown: IncrementalMarkdown,
}

impl Reasoning {
    /// Creates the scaffold (prepended to the root: reasoning comes before the answer) with the differ; its body
    /// renders `opts`' markdown.
    fn new(opts: RenderOptions, differ: &mut Differ<'_>) -> Reasoning {
        let scaffold = differ.prepend_new(ROOT, &reasoning_scaffold(true));
        let body = match &scaffold.kind {
            MountedKind::Element { children, .. } => children.last().map_or(scaffold.id, |body| body.id),
            _ => scaffold.id, // (never: the scaffold is an element with its body last)
        };
        Reasoning { scaffold, markdown: IncrementalMarkdown::new(opts, body) }
    }

    /// Whether the `<details>` is open: it is while reasoning streams.
    fn is_open(&self) -> bool {
        matches!(&self.scaffold.kind, MountedKind::Element { attrs, .. } if attrs.iter().any(|(name, _)| *name == "open"))
    }

    /// Closes the `<details>` once the answer begins (the reader's attention moves to the answer).
    fn collapse(&mut self, differ: &mut Differ<'_>) {
        if self.is_open() {
            differ.update(&mut self.scaffold, &reasoning_scaffold(false));
        }
    }
}

/// `<details class="rillmark-reasoning" open><summary>Reasoning</summary><div class="rillmark-reasoning-body"></div>
/// </details>`, without `open` once closed. The body is empty here: the reasoning's blocks render into it apart.
fn reasoning_scaffold(open: bool) -> Node {
    let element = |tag, attrs: Vec<(&'static str, String)>, children| Node::Element(Element { tag, attrs, children });
    let mut details_attrs = vec![("class", "rillmark-reasoning".to_owned())];
    if open {
        details_attrs.push(("open", String::new()));
    }
    let summary = element("summary", Vec::new(), vec![Node::Text("Reasoning".to_owned())]);
    let body = element("div", vec![("class", "rillmark-reasoning-body".to_owned())], Vec::new());
    element("details", details_attrs, vec![summary, body])
}

/// Response bytes → rendered DOM ops, for one stream (or one written document).
pub struct Pipeline {
    opts: RenderOptions,
    decoder: Utf8Decoder,
    reader: Reader,
    answer: IncrementalMarkdown,
    /// What the DOM shows of an answer [`replace_text`](Self::replace_text) replaced, until the next render takes
    /// it over.
    replaced: Option<Shown>,
    reasoning: Option<Reasoning>,
    ids: IdAllocator,
    ops: Vec<PatchOp>,
    /// Set once the stream has ended (terminal marker, error); later bytes are ignored.
    end: Option<Outcome>,
    finished: bool,
    stats: StreamStats,
    /// Bytes fed since the last render.
    backlog: usize,
    /// Events kept for the host, when it asked for them.
    keep_events: bool,
    events: Vec<StreamEvent>,
    scratch_text: String,
    scratch_frames: Vec<Frame>,
    scratch_events: Vec<StreamEvent>,
    /// How many of the answer's top-level blocks [`take_final_blocks`](Self::take_final_blocks) has handed out, and
    /// whether the footnotes section was among them.
    final_blocks_taken: usize,
    final_footnotes_taken: bool,
}

// Without the `wire` feature, `Reader` has one variant, and the `if let`s that pick it are irrefutable.
#[cfg_attr(not(feature = "wire"), allow(irrefutable_let_patterns))]
impl Pipeline {
    /// A pipeline reading `dialect`. `content_type` (the response's) helps `Auto` decide.
    #[cfg(feature = "wire")]
    pub fn new(opts: RenderOptions, dialect: DialectChoice, content_type: Option<&str>) -> Pipeline {
        let headers = ResponseHeaders { content_type: content_type.map(str::to_owned), ..ResponseHeaders::default() };
        Pipeline::with_headers(opts, dialect, headers)
    }

    /// A pipeline reading `dialect`, with the response headers that help `Auto` decide.
    #[cfg(feature = "wire")]
    pub fn with_headers(opts: RenderOptions, dialect: DialectChoice, headers: ResponseHeaders) -> Pipeline {
        let reader = match dialect {
            DialectChoice::Fixed(kind) => ready(kind),
            DialectChoice::Auto => Reader::Undecided { headers, pending: String::new() },
        };
        Pipeline::with_reader(opts, reader)
    }

    fn with_reader(opts: RenderOptions, reader: Reader) -> Pipeline {
        Pipeline {
            answer: IncrementalMarkdown::new(opts.clone(), ROOT),
            opts,
            replaced: None,
            decoder: Utf8Decoder::default(),
            reader,
            reasoning: None,
            ids: IdAllocator::default(),
            ops: Vec::new(),
            end: None,
            finished: false,
            stats: StreamStats::default(),
            backlog: 0,
            keep_events: false,
            events: Vec::new(),
            scratch_text: String::new(),
            scratch_frames: Vec::new(),
            scratch_events: Vec::new(),
            final_blocks_taken: 0,
            final_footnotes_taken: false,
        }
    }

    /// A pipeline for markdown text the host already has (`write`): no wire format, EOF is the end.
    pub fn for_text(opts: RenderOptions) -> Pipeline {
        Pipeline::with_reader(opts, plain_reader())
    }

    /// Keep every [`StreamEvent`] for [`drain_events`](Self::drain_events) (off by default: most hosts only render).
    pub fn keep_events(&mut self, keep: bool) {
        self.keep_events = keep;
    }

    /// Events since the last drain (only when [`keep_events`](Self::keep_events) is on).
    pub fn drain_events(&mut self) -> std::vec::Drain<'_, StreamEvent> {
        self.events.drain(..)
    }

    /// The events since the last call, as a vector of their own (only when [`keep_events`](Self::keep_events) is
    /// on): for a host that hands them on after releasing the pipeline.
    pub fn take_events(&mut self) -> Vec<StreamEvent> {
        std::mem::take(&mut self.events)
    }

    pub fn stats(&self) -> StreamStats {
        self.stats
    }

    /// The answer's markdown engine (its text and work counters).
    pub fn answer(&self) -> &IncrementalMarkdown {
        &self.answer
    }

    /// Blocks the verified finish repaired, over the answer and the reasoning ([`MarkdownStats::finish_repairs`]):
    /// 0 unless streaming went wrong somewhere.
    ///
    /// [`MarkdownStats::finish_repairs`]: crate::markdown::MarkdownStats::finish_repairs
    pub fn finish_repairs(&self) -> u64 {
        let reasoning = self.reasoning.as_ref().map_or(0, |r| r.markdown.stats().finish_repairs);
        self.answer.stats().finish_repairs + reasoning
    }

    /// Renders that took a shown word off the screen, over the answer and the reasoning
    /// ([`MarkdownStats::shown_text_losses`]): 0 unless streaming went wrong somewhere.
    ///
    /// [`MarkdownStats::shown_text_losses`]: crate::markdown::MarkdownStats::shown_text_losses
    pub fn shown_text_losses(&self) -> u64 {
        let reasoning = self.reasoning.as_ref().map_or(0, |r| r.markdown.stats().shown_text_losses);
        self.answer.stats().shown_text_losses + reasoning
    }

    /// The node ids of the answer's top-level blocks that became final since the last call, in document order: the
    /// blocks committed since, and once the answer has ended every block left and then the footnotes section. The
    /// web shell's plug-ins (`onBlock`, block renderers, the final highlight) run on them. A replaced answer
    /// ([`replace_text`](Self::replace_text)) hands its blocks out again (equal blocks keep their ids).
    pub fn take_final_blocks(&mut self) -> Vec<NodeId> {
        let (blocks, footnotes) = self.answer.block_ids(self.final_blocks_taken);
        let final_count = if self.finished { usize::MAX } else { self.answer.committed_block_count() };
        let mut ids: Vec<NodeId> = blocks.take(final_count.saturating_sub(self.final_blocks_taken)).collect();
        self.final_blocks_taken += ids.len();
        if let Some(section) = footnotes.filter(|_| self.finished && !self.final_footnotes_taken) {
            self.final_footnotes_taken = true;
            ids.push(section);
        }
        ids
    }

    /// Whether the stream has ended (terminal marker or error): the host should stop reading.
    pub fn is_ended(&self) -> bool {
        self.end.is_some() || self.finished
    }

    /// Drops what only rendering needed (mounted trees, scratch buffers) once the stream has ended; the text and
    /// the counters stay.
    pub fn release_render_state(&mut self) {
        if !self.finished {
            return;
        }
        self.answer.release_render_state();
        if let Some(reasoning) = self.reasoning.as_mut() {
            reasoning.markdown.release_render_state();
        }
        self.ops = Vec::new();
        self.scratch_text = String::new();
        self.scratch_frames = Vec::new();
        self.scratch_events = Vec::new();
    }

    /// Bytes fed since the last render (the host pauses reading while this backlog is large).
    pub fn backlog(&self) -> usize {
        self.backlog
    }

    /// Whether text arrived that the DOM does not show yet.
    pub fn needs_render(&self) -> bool {
        self.answer.is_dirty()
            || self.replaced.is_some()
            || self.reasoning.as_ref().is_some_and(|r| r.markdown.is_dirty())
    }

    /// Feeds the next chunk of the response body.
    pub fn feed(&mut self, bytes: &[u8]) {
        if self.is_ended() {
            return;
        }
        self.stats.bytes += bytes.len() as u64;
        self.backlog += bytes.len();
        let mut text = std::mem::take(&mut self.scratch_text);
        text.clear();
        self.decoder.push(bytes, &mut text);
        self.feed_text(&text);
        self.scratch_text = text;
    }

    /// Feeds already-decoded text (the host's `write`).
    pub fn feed_text(&mut self, text: &str) {
        if self.is_ended() || text.is_empty() {
            return;
        }
        #[cfg(feature = "wire")]
        if let Reader::Undecided { headers, pending } = &mut self.reader {
            pending.push_str(text);
            if !can_decide(headers.hints(), pending) {
                return;
            }
            let pending = std::mem::take(pending);
            self.reader = ready(DialectKind::detect_with(headers.hints(), &pending));
            return self.feed_text(&pending);
        }
        let Reader::Ready { framer, .. } = &mut self.reader else { return };
        let mut frames = std::mem::take(&mut self.scratch_frames);
        let framed = framer.push(text, &mut frames);
        self.handle_frames(&mut frames);
        self.scratch_frames = frames;
        if let Err(error) = framed {
            self.end_with(Outcome::Error(StreamError::new(ErrorKind::Overflow, error.to_string())));
        }
    }

    /// The whole answer text so far, from a host that holds it whole (a chat UI's message state, re-rendered on each
    /// change): when it extends the current text, the rest is fed as [`feed_text`](Self::feed_text) would (the
    /// same work as a write of the delta); otherwise the answer is replaced by it ([`replace_text`](Self::replace_text)).
    pub fn update_text(&mut self, text: &str) -> TextChange {
        if self.is_ended() {
            return TextChange::Ended;
        }
        match text.strip_prefix(self.answer.text()) {
            Some("") => TextChange::Unchanged,
            Some(rest) => {
                self.feed_text(rest);
                TextChange::Appended
            }
            None => {
                self.replace_text(text);
                TextChange::Replaced
            }
        }
    }

    /// Starts the answer over with `text` (an edited, regenerated or replaced answer). The next render shows what a
    /// new pipeline given `text` would show, reached by patching the DOM where the blocks differ: blocks equal to the
    /// shown ones keep their nodes. No event is kept for it (events are deltas of a stream). Ignored after the end.
    pub fn replace_text(&mut self, text: &str) {
        if self.is_ended() {
            return;
        }
        let mut old = std::mem::replace(&mut self.answer, IncrementalMarkdown::new(self.opts.clone(), ROOT));
        // Replaced again before a render: the DOM still shows the first replaced answer.
        let shown = self.replaced.take().unwrap_or_else(|| old.take_shown());
        self.replaced = Some(shown);
        self.final_blocks_taken = 0;
        self.stats.text_chars += text.chars().count() as u64;
        self.answer.push(text);
    }

    /// Lets the answer that replaced another take over the DOM the other one shows.
    fn take_over_replaced(&mut self) {
        if let Some(shown) = self.replaced.take() {
            self.answer.render_over(shown, &mut self.ids, &mut self.ops);
        }
    }

    /// Renders what arrived since the last call into `sink` (the host calls this once per animation frame).
    pub fn render(&mut self, sink: &mut impl PatchSink) {
        self.backlog = 0;
        self.take_over_replaced();
        let answer_started = self.answer.is_dirty() && !self.answer.text().is_empty();
        if let Some(reasoning) = &mut self.reasoning {
            reasoning.markdown.render(&mut self.ids, &mut self.ops);
            if answer_started {
                reasoning.collapse(&mut Differ::new(&mut self.ids, &mut self.ops));
            }
        }
        self.answer.render(&mut self.ids, &mut self.ops);
        self.flush_ops(sink);
    }

    /// End of the body: flushes every stage, reconciles the DOM with a one-shot render, returns the outcome.
    pub fn finish(&mut self, sink: &mut impl PatchSink) -> Outcome {
        if self.end.is_none() && !self.finished {
            let mut text = String::new();
            self.decoder.finish(&mut text);
            self.feed_text(&text);
            self.decide_dialect_now();
            let mut frames = std::mem::take(&mut self.scratch_frames);
            let mut framed = Ok(());
            if let Reader::Ready { framer, .. } = &mut self.reader {
                framed = framer.finish(&mut frames);
            }
            self.handle_frames(&mut frames);
            self.scratch_frames = frames;
            if self.end.is_none() {
                let mut events = Vec::new();
                if let Reader::Ready { dialect, .. } = &mut self.reader {
                    dialect.on_eof(&mut events);
                }
                self.handle_events(&mut events);
            }
            if let Err(error) = framed {
                self.end_with(Outcome::Error(StreamError::new(ErrorKind::Overflow, error.to_string())));
            }
        }
        let outcome = self.end.take().unwrap_or(Outcome::Incomplete);
        self.settle(sink);
        self.end = Some(outcome.clone());
        outcome
    }

    /// `Auto` holds the body back until its first frame is complete; when the stream ends sooner, decide from what
    /// arrived and feed it, so nothing received is lost.
    fn decide_dialect_now(&mut self) {
        #[cfg(feature = "wire")]
        if let Reader::Undecided { headers, pending } = &mut self.reader {
            let pending = std::mem::take(pending);
            self.reader = ready(DialectKind::detect_with(headers.hints(), &pending));
            self.feed_text(&pending);
        }
    }

    /// The stream failed outside the pipeline (network, HTTP): keeps what was rendered and reports `error`.
    pub fn fail(&mut self, error: StreamError, sink: &mut impl PatchSink) -> Outcome {
        if self.end.is_none() && !self.finished {
            self.decide_dialect_now();
        }
        if self.end.is_none() {
            self.end = Some(Outcome::Error(error));
        }
        self.finish(sink)
    }

    /// The host cancelled: renders what arrived (nothing received is lost) and reports `aborted`.
    pub fn abort(&mut self, sink: &mut impl PatchSink) -> Outcome {
        if self.end.is_none() && !self.finished {
            self.decide_dialect_now();
        }
        if !self.finished {
            self.end = Some(Outcome::Aborted);
        }
        self.finish(sink)
    }

    /// Final render of both documents; nothing is emitted after this.
    fn settle(&mut self, sink: &mut impl PatchSink) {
        if self.finished {
            return;
        }
        self.finished = true;
        self.take_over_replaced();
        if let Some(reasoning) = &mut self.reasoning {
            reasoning.markdown.finish(&mut self.ids, &mut self.ops);
            if !self.answer.text().is_empty() {
                reasoning.collapse(&mut Differ::new(&mut self.ids, &mut self.ops));
            }
        }
        self.answer.finish(&mut self.ids, &mut self.ops);
        self.flush_ops(sink);
    }

    fn flush_ops(&mut self, sink: &mut impl PatchSink) {
        if !self.ops.is_empty() {
            sink.apply(&self.ops);
            self.ops.clear();
        }
    }

    fn handle_frames(&mut self, frames: &mut Vec<Frame>) {
        self.stats.frames += frames.len() as u64;
        let mut events = std::mem::take(&mut self.scratch_events);
        for frame in frames.drain(..) {
            if self.end.is_some() {
                break;
            }
            if let Reader::Ready { dialect, .. } = &mut self.reader {
                dialect.on_frame(&frame, &mut events);
            }
            self.handle_events(&mut events);
        }
        frames.clear();
        self.scratch_events = events;
    }

    fn handle_events(&mut self, events: &mut Vec<StreamEvent>) {
        for event in events.drain(..) {
            if self.end.is_some() {
                break;
            }
            match &event {
                StreamEvent::Text(text) => {
                    self.stats.deltas += 1;
                    self.stats.text_chars += text.chars().count() as u64;
                    self.answer.push(text);
                }
                StreamEvent::Reasoning(text) => {
                    self.stats.deltas += 1;
                    self.stats.reasoning_chars += text.chars().count() as u64;
                    self.reasoning_mut().markdown.push(text);
                }
                StreamEvent::Finish { reason } => self.end = Some(Outcome::Done { reason: reason.clone() }),
                StreamEvent::Error(error) => {
                    let mut failure = StreamError::new(ErrorKind::Provider, error.message.clone());
                    failure.code.clone_from(&error.code);
                    self.end = Some(Outcome::Error(failure));
                }
                StreamEvent::Malformed(_) => self.stats.malformed += 1,
                StreamEvent::Unknown(_) => self.stats.unknown += 1,
                StreamEvent::ToolCall { .. } | StreamEvent::Usage { .. } => {}
            }
            if self.keep_events {
                self.events.push(event);
            }
        }
    }

    fn end_with(&mut self, outcome: Outcome) {
        if self.end.is_none() {
            self.end = Some(outcome);
        }
    }

    /// The reasoning block, created (and its DOM scaffold emitted) on first use.
    fn reasoning_mut(&mut self) -> &mut Reasoning {
        let (ids, ops, opts) = (&mut self.ids, &mut self.ops, &self.opts);
        self.reasoning.get_or_insert_with(|| Reasoning::new(opts.clone(), &mut Differ::new(ids, ops)))
    }
}

#[cfg(feature = "wire")]
fn ready(kind: DialectKind) -> Reader {
    Reader::Ready { framer: crate::frame::framer_for(kind.framing()), dialect: kind.reader() }
}

/// The reader of text the host already has (`write`): no wire format, EOF is the end. The same reader as
/// `ready(DialectKind::Plain)`, without the `match` on the dialect that would link every other one.
fn plain_reader() -> Reader {
    Reader::Ready {
        framer: Box::<crate::frame::plain::PlainFramer>::default(),
        dialect: Box::<crate::dialect::plain::Plain>::default(),
    }
}

/// Whether `Auto` can pick the dialect from `pending` (the body so far) now. The headers may decide alone; a body
/// whose start rules out every wire format is plain text and is shown at once (detection never delays the first
/// token: before, a plain answer showed nothing until its first newline); anything else waits for its first frame
/// ([`first_frame_complete`]). The test runs after every chunk, so plain text is decided within its first chunk, or
/// as soon as its first characters tell it from an SSE field name (`da…` may still become `data:`).
#[cfg(feature = "wire")]
fn can_decide(hints: Hints<'_>, pending: &str) -> bool {
    let mime = hints.content_type.and_then(|ct| ct.split(';').next()).map(str::trim).unwrap_or_default();
    let decided_by_headers = hints.vercel_data_stream.is_some_and(|v| !v.trim().is_empty())
        || hints.vercel_ui_message_stream.is_some_and(|v| !v.trim().is_empty())
        || ["application/x-ndjson", "application/ndjson", "application/jsonl"]
            .iter()
            .any(|name| mime.eq_ignore_ascii_case(name));
    if decided_by_headers || first_frame_complete(pending) {
        return true;
    }
    !mime.eq_ignore_ascii_case("text/event-stream") && !may_start_a_wire_format(pending)
}

/// Whether the body so far may be the start of a wire format [`DialectKind::detect_with`] knows: an SSE field or
/// comment (or a prefix of a field name), a JSON line (NDJSON), a Vercel data-stream part (`0:"…`) or llama.cpp's
/// `error:` line. Nothing but leading whitespace yet also counts: there is nothing to judge.
#[cfg(feature = "wire")]
fn may_start_a_wire_format(pending: &str) -> bool {
    let body = pending.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    let first_line = body.split(['\n', '\r']).next().unwrap_or_default();
    let fields = ["data:", "event:", "id:", "retry:", ":", "error:"];
    if fields.iter().any(|field| first_line.starts_with(field) || field.starts_with(first_line)) {
        return true;
    }
    if first_line.starts_with(['{', '[']) {
        return true;
    }
    // A Vercel data-stream part: a type code (digit or lowercase letter), a colon, then a JSON string, object or
    // array; `a` and `a:` may still become one.
    let mut chars = first_line.chars();
    if !chars.next().is_some_and(|code| code.is_ascii_digit() || code.is_ascii_lowercase()) {
        return false;
    }
    let rest = chars.as_str();
    match rest.strip_prefix(':') {
        Some(payload) => payload.is_empty() || payload.starts_with(['"', '{', '[']),
        None => rest.is_empty(),
    }
}

/// Whether `pending` holds enough of the body for [`DialectKind::detect`]: the first event of an SSE-looking body
/// (a blank line after a `data:` line), the first line of anything else, or a full detection window.
#[cfg(feature = "wire")]
fn first_frame_complete(pending: &str) -> bool {
    if pending.len() >= DETECT_WINDOW {
        return true;
    }
    let body = pending.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    let Some(first_line_end) = body.find(['\n', '\r']) else { return false };
    let first_line = &body[..first_line_end];
    let sse_like = ["data:", "event:", "id:", "retry:", ":"].iter().any(|field| first_line.starts_with(field));
    if !sse_like {
        return true;
    }
    let Some(data_at) = body.find("data:") else { return false };
    let rest = &body[data_at..];
    rest.contains("\n\n") || rest.contains("\r\n\r\n") || rest.contains("\r\r")
}

#[cfg(all(test, feature = "wire"))]
mod tests {
    use super::*;

    fn auto(content_type: Option<&str>) -> Pipeline {
        Pipeline::new(RenderOptions::default(), DialectChoice::Auto, content_type)
    }

    #[test]
    fn auto_shows_plain_text_from_its_first_chunk_without_waiting_for_a_newline() {
        for content_type in [Some("text/plain; charset=utf-8"), Some("text/markdown"), None] {
            let mut pipeline = auto(content_type);
            pipeline.feed(b"Hello wor");
            assert_eq!(
                pipeline.answer().text(),
                "Hello wor",
                "a first chunk of plain text (content type {content_type:?}) should reach the markdown at once"
            );
        }
    }

    #[test]
    fn auto_holds_a_start_that_may_still_become_a_wire_format() {
        let starts =
            ["d", "da", "data: {\"cho", ":", ": OPENROUTER", "{\"model\"", "e", "error", "0", "0:", "0:\"Hi", "\n\n"];
        for start in starts {
            let mut pipeline = auto(None);
            pipeline.feed(start.as_bytes());
            assert_eq!(pipeline.answer().text(), "", "{start:?} may still start a wire format: it should be held");
        }
        let mut sse = auto(Some("text/event-stream"));
        sse.feed(b"Hello");
        assert_eq!(sse.answer().text(), "", "an event-stream body should wait for its first frame");
    }

    #[test]
    fn auto_decides_plain_as_soon_as_the_start_rules_out_a_field_name() {
        for (first, second) in [("dat", "e night"), ("a", ": b"), ("0", " apples"), ("e", "very day")] {
            let mut pipeline = auto(Some("text/plain"));
            pipeline.feed(first.as_bytes());
            pipeline.feed(second.as_bytes());
            assert_eq!(
                pipeline.answer().text(),
                format!("{first}{second}"),
                "{first:?} then {second:?} is plain text: it should show without waiting for a newline"
            );
        }
    }
}

#[cfg(test)]
mod final_block_tests {
    use super::*;

    #[test]
    fn final_blocks_are_handed_out_once_each_when_they_commit_and_all_at_the_end() {
        let mut pipeline = Pipeline::for_text(RenderOptions::default());
        let mut ops = Vec::new();
        pipeline.feed_text("# Title\n\n```rust\nfn main() {}\n");
        pipeline.render(&mut ops);
        let first = pipeline.take_final_blocks();
        assert_eq!(first.len(), 1, "the heading is final once a blank line follows it; the open fence is not");
        pipeline.feed_text("```\n\nText[^1].\n\n[^1]: Note.\n");
        pipeline.render(&mut ops);
        let second = pipeline.take_final_blocks();
        assert!(!second.contains(&first[0]), "a block is handed out once");
        assert!(!second.is_empty(), "the closed fence is final once the next block starts");
        assert!(pipeline.take_final_blocks().is_empty(), "nothing new, nothing handed out");
        pipeline.finish(&mut ops);
        let last = pipeline.take_final_blocks();
        assert!(!last.is_empty(), "at the end the open paragraph and the footnotes section are final");
        let all: Vec<NodeId> = first.iter().chain(&second).chain(&last).copied().collect();
        let created: Vec<NodeId> = ops
            .iter()
            .filter_map(|op| match op {
                PatchOp::Append { parent: ROOT, child } => Some(*child),
                _ => None,
            })
            .collect();
        assert_eq!(all, created, "every block put into the root is handed out, in document order, once");
    }
}

#[cfg(test)]
mod reasoning_tests {
    use super::*;

    fn reason(pipeline: &mut Pipeline, text: &str) {
        pipeline.handle_events(&mut vec![StreamEvent::Reasoning(text.into())]);
    }

    fn answer(pipeline: &mut Pipeline, text: &str) {
        pipeline.handle_events(&mut vec![StreamEvent::Text(text.into())]);
    }

    #[test]
    fn reasoning_builds_its_details_above_the_answer_in_one_scaffold_and_closes_it_once_when_the_answer_begins() {
        let mut pipeline = Pipeline::for_text(RenderOptions::default());
        let mut ops = Vec::new();
        reason(&mut pipeline, "Thinking");
        pipeline.render(&mut ops);
        let (details, summary, label, body) = (ROOT + 1, ROOT + 2, ROOT + 3, ROOT + 4);
        let scaffold = vec![
            PatchOp::CreateElement { id: details, tag: "details" },
            PatchOp::SetAttribute { id: details, name: "class", value: "rillmark-reasoning".into() },
            PatchOp::SetAttribute { id: details, name: "open", value: String::new() },
            PatchOp::CreateElement { id: summary, tag: "summary" },
            PatchOp::CreateText { id: label, text: "Reasoning".into() },
            PatchOp::Append { parent: summary, child: label },
            PatchOp::Append { parent: details, child: summary },
            PatchOp::CreateElement { id: body, tag: "div" },
            PatchOp::SetAttribute { id: body, name: "class", value: "rillmark-reasoning-body".into() },
            PatchOp::Append { parent: details, child: body },
            PatchOp::Prepend { parent: ROOT, child: details },
        ];
        assert_eq!(
            ops[..scaffold.len()],
            scaffold,
            "the first reasoning should create <details open><summary>Reasoning</summary><div></div></details>, \
             then put it first in the root"
        );
        assert!(
            ops[scaffold.len()..].iter().any(|op| matches!(op, PatchOp::Append { parent, .. } if *parent == body)),
            "the reasoning's text should render into the body div: {ops:?}"
        );
        reason(&mut pipeline, " more");
        ops.clear();
        pipeline.render(&mut ops);
        assert!(
            !ops.iter().any(|op| matches!(op, PatchOp::CreateElement { tag: "details" | "summary", .. })),
            "more reasoning should reuse the scaffold: {ops:?}"
        );
        answer(&mut pipeline, "Answer");
        ops.clear();
        pipeline.render(&mut ops);
        let closes: Vec<&PatchOp> = ops.iter().filter(|op| matches!(op, PatchOp::RemoveAttribute { .. })).collect();
        assert_eq!(
            closes,
            [&PatchOp::RemoveAttribute { id: details, name: "open" }],
            "the answer's first text should close the <details> once: {ops:?}"
        );
        assert_eq!(ops[0], *closes[0], "the <details> should close before the answer shows");
        answer(&mut pipeline, " goes on");
        ops.clear();
        pipeline.render(&mut ops);
        pipeline.finish(&mut ops);
        assert!(
            !ops.iter().any(|op| match op {
                PatchOp::RemoveAttribute { .. } => true,
                PatchOp::SetAttribute { id, .. } => (details..=body).contains(id),
                _ => false,
            }),
            "a closed <details> should stay as it is: {ops:?}"
        );
    }
}
