//! `smooth_stream`: re-chunks text and reasoning deltas into words, lines or other pieces,
//! optionally with a delay between pieces, so that text appears evenly whatever sizes the
//! provider sends (AI SDK 7's `smoothStream`).
//!
//! A piece never splits a character (Rust strings cannot) nor a grapheme cluster: a detected
//! piece that ends inside a cluster is extended to the cluster's end. The word detector waits for
//! the whitespace after a word, so text without spaces (Chinese, Japanese) would wait for the end
//! of the block: [`Chunking::UnicodeWord`] splits it at UAX #29 word boundaries instead.

use std::fmt;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use regex::Regex;
use tokio::time::Sleep;
use unicode_segmentation::{GraphemeCursor, UnicodeSegmentation};

use crate::error::{Error, Result};
use crate::provider::BlockId;

use super::part::TextStreamPart;
use super::transform::{PartSource, StreamTransform};

/// A custom detector: the byte length of the first piece of the buffer, or `None` to wait for
/// more text. The length must be above 0, at most the buffer's length, and on a char boundary;
/// anything else ends the stream with [`Error::InvalidArgument`].
///
/// ```
/// use specai::stream_text::{ChunkDetector, Chunking};
///
/// let two_chars: ChunkDetector = std::sync::Arc::new(|buffer: &str| buffer.char_indices().nth(2).map(|(at, _)| at));
/// let chunking = Chunking::Custom(two_chars);
/// # let _ = chunking;
/// ```
pub type ChunkDetector = Arc<dyn Fn(&str) -> Option<usize> + Send + Sync>;

/// How [`smooth_stream`] cuts text into pieces.
///
/// ```
/// use specai::stream_text::{Chunking, smooth_stream};
///
/// let by_sentence = smooth_stream().chunking(Chunking::Regex(regex::Regex::new(r"[.!?]\s+").unwrap()));
/// let for_japanese = smooth_stream().chunking(Chunking::UnicodeWord);
/// let by_comma = smooth_stream().chunking(Chunking::custom(|buffer: &str| buffer.find(',').map(|at| at + 1)));
/// # let _ = (by_sentence, for_japanese, by_comma);
/// ```
#[derive(Clone)]
#[non_exhaustive]
pub enum Chunking {
    /// A word with the whitespace after it (the default).
    Word,
    /// Up to and including a run of newlines.
    Line,
    /// Up to the end of the regex's first match.
    Regex(Regex),
    /// A word or the space between words, at UAX #29 word boundaries: for scripts written
    /// without spaces (each CJK ideograph is a piece). The last piece waits for the next one.
    UnicodeWord,
    /// One grapheme cluster at a time. The last one waits for the next one.
    Grapheme,
    /// A custom detector.
    Custom(ChunkDetector),
}

impl fmt::Debug for Chunking {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Chunking::Word => formatter.write_str("Word"),
            Chunking::Line => formatter.write_str("Line"),
            Chunking::Regex(regex) => formatter.debug_tuple("Regex").field(&regex.as_str()).finish(),
            Chunking::UnicodeWord => formatter.write_str("UnicodeWord"),
            Chunking::Grapheme => formatter.write_str("Grapheme"),
            Chunking::Custom(_) => formatter.write_str("Custom(..)"),
        }
    }
}

impl Chunking {
    /// A custom detector (see [`ChunkDetector`]).
    pub fn custom(detect: impl Fn(&str) -> Option<usize> + Send + Sync + 'static) -> Self {
        Chunking::Custom(Arc::new(detect))
    }

    /// The byte length of the first piece of `buffer`, if one is complete.
    fn detect(&self, buffer: &str) -> Result<Option<usize>> {
        let length = match self {
            Chunking::Word => word_regex().find(buffer).map(|found| found.end()),
            Chunking::Line => line_regex().find(buffer).map(|found| found.end()),
            Chunking::Regex(regex) => regex.find(buffer).map(|found| found.end()),
            Chunking::UnicodeWord => all_but_last(buffer.split_word_bound_indices().map(|(start, _)| start)),
            Chunking::Grapheme => all_but_last(buffer.grapheme_indices(true).map(|(start, _)| start)),
            Chunking::Custom(detect) => {
                let length = detect(buffer);
                if let Some(length) = length
                    && (length == 0 || length > buffer.len() || !buffer.is_char_boundary(length))
                {
                    let message = format!("the detector returned {length} for a buffer of {} bytes", buffer.len());
                    return Err(Error::invalid_argument("chunking", message));
                }
                length
            }
        };
        Ok(length.filter(|length| *length > 0).map(|length| grapheme_end(buffer, length)))
    }
}

fn word_regex() -> &'static Regex {
    static WORD: std::sync::OnceLock<Regex> = std::sync::OnceLock::new();
    WORD.get_or_init(|| Regex::new(r"\S+\s+").expect("a valid regex"))
}

fn line_regex() -> &'static Regex {
    static LINE: std::sync::OnceLock<Regex> = std::sync::OnceLock::new();
    LINE.get_or_init(|| Regex::new(r"\n+").expect("a valid regex"))
}

/// The end of the first segment, when a second one starts (the last may still grow).
fn all_but_last(mut starts: impl Iterator<Item = usize>) -> Option<usize> {
    starts.next()?;
    starts.next()
}

/// `length`, moved forward to the end of the grapheme cluster it falls in.
fn grapheme_end(buffer: &str, length: usize) -> usize {
    let mut cursor = GraphemeCursor::new(length, buffer.len(), true);
    match cursor.is_boundary(buffer, 0) {
        Ok(false) => cursor.next_boundary(buffer, 0).ok().flatten().unwrap_or(buffer.len()),
        _ => length,
    }
}

/// Re-chunks text and reasoning deltas by words, with 10 ms between pieces; configure with
/// [`chunking`](SmoothStream::chunking) and [`delay`](SmoothStream::delay), then add it with
/// [`StreamText::transform`](super::StreamText::transform).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> specai::Result<()> {
/// use futures::StreamExt;
/// use specai::stream_text::{Chunking, smooth_stream};
/// use specai::test_util::{MockLanguageModel, MockStream};
///
/// let model = MockLanguageModel::new().with_stream(MockStream::text(["Hello wo", "rld, how are", " you?"]));
/// let mut result = specai::stream_text(model)
///     .prompt("Hi")
///     .transform(smooth_stream().chunking(Chunking::Word).delay(None))
///     .start();
/// let pieces: Vec<String> = result.text_stream().map(|delta| delta.unwrap()).collect().await;
/// assert_eq!(pieces, ["Hello ", "world, ", "how ", "are ", "you?"]);
/// # Ok(()) }
/// ```
pub fn smooth_stream() -> SmoothStream {
    SmoothStream {
        chunking: Chunking::Word,
        delay: Some(Duration::from_millis(10)),
        buffer: String::new(),
        block: None,
        ready: std::collections::VecDeque::new(),
        sleep: None,
        ended: false,
    }
}

/// The kind of delta being buffered.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    Reasoning,
}

/// The [`smooth_stream`] transform.
///
/// ```
/// let transform: specai::stream_text::SmoothStream = specai::smooth_stream().delay(Some(std::time::Duration::from_millis(20)));
/// # let _ = transform;
/// ```
pub struct SmoothStream {
    chunking: Chunking,
    delay: Option<Duration>,
    /// Text of the current block not yet sent.
    buffer: String,
    /// The kind and id of the buffered block.
    block: Option<(Kind, BlockId)>,
    /// Parts to send before pulling more.
    ready: std::collections::VecDeque<Result<TextStreamPart>>,
    /// The pause after a piece.
    sleep: Option<Pin<Box<Sleep>>>,
    ended: bool,
}

impl fmt::Debug for SmoothStream {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.debug_struct("SmoothStream").field("chunking", &self.chunking).field("delay", &self.delay).finish_non_exhaustive()
    }
}

impl SmoothStream {
    /// How to cut the text (default: [`Chunking::Word`]).
    pub fn chunking(mut self, chunking: Chunking) -> Self {
        self.chunking = chunking;
        self
    }

    /// The pause after each piece (default: 10 ms); `None` for none.
    pub fn delay(mut self, delay: Option<Duration>) -> Self {
        self.delay = delay;
        self
    }

    /// A delta part of the buffered block's kind.
    fn delta(&self, delta: String) -> Option<TextStreamPart> {
        let (kind, id) = self.block.clone()?;
        Some(match kind {
            Kind::Text => TextStreamPart::TextDelta { id, delta },
            Kind::Reasoning => TextStreamPart::ReasoningDelta { id, delta },
        })
    }

    /// Queues whatever is buffered as one delta.
    fn flush(&mut self) {
        if !self.buffer.is_empty() {
            let text = std::mem::take(&mut self.buffer);
            if let Some(part) = self.delta(text) {
                self.ready.push_back(Ok(part));
            }
        }
    }

    /// Buffers a delta, flushing first when it belongs to another block.
    fn push_delta(&mut self, kind: Kind, id: BlockId, delta: &str) {
        let same = matches!(&self.block, Some((open_kind, open_id)) if *open_kind == kind && open_id == &id);
        if !same {
            self.flush();
            self.block = Some((kind, id));
        }
        self.buffer.push_str(delta);
    }

    /// The next piece of the buffer, when one is complete.
    fn next_piece(&mut self) -> Option<Result<TextStreamPart>> {
        if self.buffer.is_empty() {
            return None;
        }
        match self.chunking.detect(&self.buffer) {
            Err(error) => {
                // The error ends the stream.
                self.buffer.clear();
                self.ready.clear();
                self.ended = true;
                Some(Err(error))
            }
            Ok(None) => None,
            Ok(Some(length)) => {
                let rest = self.buffer.split_off(length);
                let piece = std::mem::replace(&mut self.buffer, rest);
                if let Some(delay) = self.delay {
                    self.sleep = Some(Box::pin(tokio::time::sleep(delay)));
                }
                self.delta(piece).map(Ok)
            }
        }
    }
}

impl StreamTransform for SmoothStream {
    fn poll_transform(
        &mut self,
        context: &mut Context<'_>,
        upstream: &mut dyn PartSource,
    ) -> Poll<Option<Result<TextStreamPart>>> {
        loop {
            if let Some(sleep) = &mut self.sleep {
                std::task::ready!(sleep.as_mut().poll(context));
                self.sleep = None;
            }
            if let Some(part) = self.ready.pop_front() {
                return Poll::Ready(Some(part));
            }
            if let Some(piece) = self.next_piece() {
                return Poll::Ready(Some(piece));
            }
            if self.ended {
                return Poll::Ready(None);
            }
            match std::task::ready!(upstream.poll_next_part(context)) {
                Some(Ok(TextStreamPart::TextDelta { id, delta })) => self.push_delta(Kind::Text, id, &delta),
                Some(Ok(TextStreamPart::ReasoningDelta { id, delta })) => self.push_delta(Kind::Reasoning, id, &delta),
                Some(other) => {
                    self.flush();
                    self.ready.push_back(other);
                }
                None => {
                    self.flush();
                    self.ended = true;
                }
            }
        }
    }
}
