//! A server-sent-events reader over a byte stream.
//!
//! Why not a crate: `eventsource-stream` copies the rest of its buffer after every line
//! (quadratic in the read size); `sse-stream` 0.3 is linear and robust, but it copies every data
//! line into a fresh `String` and silently discards an unterminated final event at end of input,
//! which hides a server that ends with `data: [DONE]` and no blank line, or a stream cut between
//! a line and its blank line. This reader is one `Stream` deep (no task, no channel), scans with
//! `memchr`, and hands out field values as [`Bytes`] slices of the chunk they arrived in: a data
//! line inside one chunk is never copied. [`PartsStream`](super::PartsStream) goes one step
//! further for a mapper that asks: it hands over a plain event's data borrowed from the chunk,
//! without even a slice's reference count. Only a line split across chunks is copied, once, into
//! a carry buffer, so the work is linear in the input. It follows the WHATWG event-stream rules
//! (comments, `\n`, `\r\n` and lone `\r` line ends, multi-line `data:`, a leading BOM, UTF-8
//! split across chunks) and, at end of input, dispatches an event whose last line was complete.
//!
//! Memory is bounded: a line or an event longer than [`DEFAULT_MAX_EVENT_BYTES`] (or the limit
//! given to [`SseStream::with_max_event_bytes`]) is an [`Error::ResponseTooLarge`] that ends the
//! stream, so a server that never sends a newline cannot grow the buffer without end. An event
//! that is not valid (a name that is not UTF-8) is an error for that event only.

/// The default limit on one line or one event of a stream: 16 MiB, far above any model's event
/// (a whole image in base64 fits) and far below what would hurt a server.
pub const DEFAULT_MAX_EVENT_BYTES: usize = 16 * 1024 * 1024;

use std::ops::{Deref, Range};
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use bytes::{Bytes, BytesMut};
use futures::Stream;

use crate::error::{Error, Result};

/// UTF-8 text that shares the buffer it was read from.
#[derive(Clone, PartialEq, Eq, Hash, Default)]
pub struct SseText(Bytes);

impl SseText {
    /// Validates bytes as UTF-8.
    pub fn from_bytes(bytes: Bytes) -> std::result::Result<Self, std::str::Utf8Error> {
        std::str::from_utf8(&bytes)?;
        Ok(SseText(bytes))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        // Validated in `from_bytes`; `SseText` is only built from validated bytes. Without
        // unsafe code the check runs again, which is one linear pass over already-hot bytes.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }

    /// The underlying bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The underlying shared buffer.
    pub fn into_bytes(self) -> Bytes {
        self.0
    }
}

impl Deref for SseText {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl std::fmt::Debug for SseText {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), formatter)
    }
}

impl std::fmt::Display for SseText {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(self.as_str())
    }
}

impl PartialEq<str> for SseText {
    fn eq(&self, other: &str) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl PartialEq<&str> for SseText {
    fn eq(&self, other: &&str) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

/// One dispatched event.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct SseEvent {
    /// The `event:` name, when the event had one.
    pub event: Option<SseText>,
    /// The `data:` lines joined with `\n`, as raw bytes: a JSON decoder validates UTF-8 itself,
    /// so it is not checked twice. [`SseEvent::text`] gives it as `&str`.
    pub data: Bytes,
    /// The `id:` of this event, when it had one.
    pub id: Option<SseText>,
    /// The `retry:` delay in milliseconds, when given.
    pub retry: Option<u64>,
}

impl SseEvent {
    /// The event name, or `None` for an unnamed (`message`) event.
    pub fn event_name(&self) -> Option<&str> {
        self.event.as_deref()
    }

    /// The data as text; invalid UTF-8 is an [`Error::InvalidResponse`] keeping the lossy text.
    pub fn text(&self) -> Result<&str> {
        std::str::from_utf8(&self.data).map_err(|error| {
            Error::invalid_response(
                "server-sent event data is not valid UTF-8",
                Some(String::from_utf8_lossy(&self.data).into_owned()),
                Some(std::sync::Arc::new(error)),
            )
        })
    }

    /// Whether the data is the `[DONE]` sentinel OpenAI-style APIs end with.
    pub fn is_done(&self) -> bool {
        self.data.as_ref() == DONE
    }
}

/// The data of the event that ends OpenAI-style streams.
pub(crate) const DONE: &[u8] = b"[DONE]";

/// The data lines of the event being read: the first kept as a slice, later ones joined.
#[derive(Default)]
enum DataLines {
    #[default]
    None,
    One(Bytes),
    Many(BytesMut),
}

impl DataLines {
    fn len(&self) -> usize {
        match self {
            DataLines::None => 0,
            DataLines::One(bytes) => bytes.len(),
            DataLines::Many(joined) => joined.len(),
        }
    }

    fn push(&mut self, line: Bytes) {
        *self = match std::mem::take(self) {
            DataLines::None => DataLines::One(line),
            DataLines::One(first) => {
                let mut joined = BytesMut::with_capacity(first.len() + 1 + line.len());
                joined.extend_from_slice(&first);
                joined.extend_from_slice(b"\n");
                joined.extend_from_slice(&line);
                DataLines::Many(joined)
            }
            DataLines::Many(mut joined) => {
                joined.extend_from_slice(b"\n");
                joined.extend_from_slice(&line);
                DataLines::Many(joined)
            }
        }
    }

    /// Holds its own copy of a line kept as a slice of the chunk (joined lines are a copy
    /// already).
    fn detach(&mut self) {
        if let DataLines::One(bytes) = self {
            *bytes = Bytes::copy_from_slice(bytes);
        }
    }

    fn take(&mut self) -> Option<Bytes> {
        match std::mem::take(self) {
            DataLines::None => None,
            DataLines::One(bytes) => Some(bytes),
            DataLines::Many(joined) => Some(joined.freeze()),
        }
    }
}

/// What the parser read next: an event, or a plain one (a `data:` line and a blank line, no
/// other field) as the range of its data in the chunk.
enum Found {
    Event(SseEvent),
    Data(Range<usize>),
}

/// The plain event whose data is `chunk[data]`, owning a slice of the chunk.
fn plain_event(chunk: &Bytes, data: Range<usize>) -> SseEvent {
    SseEvent { data: chunk.slice(data), event: None, id: None, retry: None }
}

/// The next event of an [`SseStream`], for a reader that can take a plain event's data
/// borrowed from the read buffer ([`PartsStream`](super::PartsStream)).
pub(crate) enum NextEvent<'a> {
    /// An event with its fields.
    Event(SseEvent),
    /// A plain event (no name, id or retry): its data is `chunk[range]`.
    Data { chunk: &'a Bytes, range: Range<usize> },
}

impl NextEvent<'_> {
    /// The event, owning a slice of the chunk.
    pub(crate) fn into_event(self) -> SseEvent {
        match self {
            NextEvent::Event(event) => event,
            NextEvent::Data { chunk, range } => plain_event(chunk, range),
        }
    }
}

/// The line-and-field state machine, fed one chunk at a time.
#[derive(Default)]
struct Parser {
    /// The start of a line that continues in the next chunk.
    carry: BytesMut,
    /// The previous chunk ended with `\r`: a leading `\n` of the next one belongs to it.
    skip_leading_newline: bool,
    /// No line has been read yet (a leading BOM is dropped from the first line).
    at_start: bool,
    data: DataLines,
    event: Option<Bytes>,
    id: Option<Bytes>,
    retry: Option<u64>,
    /// The longest line or event accepted.
    max_event_bytes: usize,
}

impl Parser {
    fn new() -> Self {
        Parser { at_start: true, max_event_bytes: DEFAULT_MAX_EVENT_BYTES, ..Default::default() }
    }

    fn too_large(&self, what: &str) -> Error {
        Error::ResponseTooLarge { what: format!("server-sent event {what}"), limit: self.max_event_bytes }
    }

    /// Reads lines of `chunk` from `*position` until an event is complete or the chunk ends.
    #[cfg(test)]
    fn next_event(&mut self, chunk: &Bytes, position: &mut usize) -> Result<Option<SseEvent>> {
        Ok(self.next_found(chunk, position)?.map(|found| match found {
            Found::Event(event) => event,
            Found::Data(data) => plain_event(chunk, data),
        }))
    }

    /// [`next_event`](Self::next_event), with a plain data event inside `chunk` given as its
    /// range, so that a reader that only borrows the data takes no reference to the chunk.
    fn next_found(&mut self, chunk: &Bytes, position: &mut usize) -> Result<Option<Found>> {
        if self.skip_leading_newline && *position < chunk.len() {
            self.skip_leading_newline = false;
            if chunk[*position] == b'\n' {
                *position += 1;
            }
        }
        while *position < chunk.len() {
            let rest = &chunk[*position..];
            let Some(end) = memchr::memchr2(b'\n', b'\r', rest) else {
                *position = chunk.len();
                return self.carry_over(rest);
            };
            if let Some(data) = self.single_line_event(chunk, position, end) {
                return Ok(Some(Found::Data(data)));
            }
            let carried = if self.carry.is_empty() {
                None
            } else {
                self.carry.extend_from_slice(&rest[..end]);
                Some(self.carry.split().freeze())
            };
            let start = *position;
            *position += end + 1;
            if rest[end] == b'\r' {
                match chunk.get(*position) {
                    Some(b'\n') => *position += 1,
                    Some(_) => {}
                    None => self.skip_leading_newline = true,
                }
            }
            let event = match carried {
                None => self.line(chunk, start, start + end)?,
                Some(line) => self.line(&line, 0, line.len())?,
            };
            if let Some(event) = event {
                return Ok(Some(Found::Event(event)));
            }
        }
        Ok(None)
    }

    /// Keeps the start of a line that the chunk cuts, for the next chunk to complete. Out of line,
    /// as the rest of the line-by-line state machine: the code each common event runs stays small.
    #[cold]
    #[inline(never)]
    fn carry_over(&mut self, rest: &[u8]) -> Result<Option<Found>> {
        if self.carry.len() + rest.len() > self.max_event_bytes {
            self.carry = BytesMut::new();
            return Err(self.too_large("line"));
        }
        self.carry.extend_from_slice(rest);
        Ok(None)
    }

    /// The common event, `data: ...` and a blank line, both inside the chunk at `*position`, with
    /// no field of another line pending: dispatched without the line-by-line state machine,
    /// exactly as it would be, so each event of a typical stream runs less code. `end` is the
    /// offset of the data line's `\n` from `*position`. Returns the data's range in `chunk`.
    #[inline]
    fn single_line_event(&mut self, chunk: &Bytes, position: &mut usize, end: usize) -> Option<Range<usize>> {
        let start = *position;
        let line = &chunk[start..start + end];
        let pending = !self.carry.is_empty() || self.at_start || !matches!(self.data, DataLines::None);
        if pending || self.event.is_some() || self.id.is_some() || self.retry.is_some() || end > self.max_event_bytes {
            return None;
        }
        if chunk.get(start + end..start + end + 2) != Some(b"\n\n") {
            return None;
        }
        let value = line.strip_prefix(b"data:")?;
        let skip = usize::from(value.first() == Some(&b' '));
        *position = start + end + 2;
        Some(start + end - value.len() + skip..start + end)
    }

    /// Copies the fields of an unfinished event out of the chunk that is done with, so that
    /// nothing holds that chunk. Rare (the chunk ended between an event's lines) and small.
    #[inline]
    fn detach(&mut self) {
        if matches!(self.data, DataLines::One(_)) || self.event.is_some() || self.id.is_some() {
            self.copy_fields();
        }
    }

    /// [`detach`](Self::detach)'s copies, out of the per-chunk path.
    #[cold]
    fn copy_fields(&mut self) {
        self.data.detach();
        for field in [&mut self.event, &mut self.id].into_iter().flatten() {
            *field = Bytes::copy_from_slice(field);
        }
    }

    /// Ends the input: an unterminated last line counts as a line, then a pending event is sent.
    fn finish(&mut self) -> Result<Option<SseEvent>> {
        if !self.carry.is_empty() {
            let line = self.carry.split().freeze();
            if let Some(event) = self.line(&line, 0, line.len())? {
                return Ok(Some(event));
            }
        }
        self.dispatch()
    }

    /// Reads the line `source[start..end]`; values are kept as slices of `source`.
    #[inline(never)]
    fn line(&mut self, source: &Bytes, mut start: usize, end: usize) -> Result<Option<SseEvent>> {
        // A whole line over the limit fails as it does when it arrives in pieces (found by the
        // sse_splitter fuzz target: a long unknown-field line passed only when in one chunk).
        if end - start > self.max_event_bytes {
            return Err(self.too_large("line"));
        }
        if self.at_start {
            self.at_start = false;
            if source[start..end].starts_with(b"\xEF\xBB\xBF") {
                start += 3;
            }
        }
        let line = &source[start..end];
        let Some(&first) = line.first() else {
            return self.dispatch();
        };
        if first == b':' {
            return Ok(None);
        }
        // The common case first: a `data:` line.
        if let Some(value) = line.strip_prefix(b"data:") {
            if self.data.len() + value.len() > self.max_event_bytes {
                self.data = DataLines::None;
                return Err(self.too_large("data"));
            }
            let skip = usize::from(value.first() == Some(&b' '));
            self.data.push(source.slice(end - value.len() + skip..end));
            return Ok(None);
        }
        let (name_end, value_start) = match memchr::memchr(b':', line) {
            Some(colon) if line.get(colon + 1) == Some(&b' ') => (colon, colon + 2),
            Some(colon) => (colon, colon + 1),
            None => (line.len(), line.len()),
        };
        let value = || source.slice(start + value_start..end);
        match &line[..name_end] {
            b"data" => self.data.push(value()),
            b"event" => self.event = Some(value()),
            b"id" if !line[value_start..].contains(&0) => self.id = Some(value()),
            b"retry" => {
                let digits = &line[value_start..];
                if !digits.is_empty() && digits.iter().all(u8::is_ascii_digit) {
                    self.retry = std::str::from_utf8(digits).ok().and_then(|text| text.parse().ok());
                }
            }
            _ => {}
        }
        Ok(None)
    }

    /// Completes the current event. Per the standard, an event without data lines is not sent.
    fn dispatch(&mut self) -> Result<Option<SseEvent>> {
        let event = self.event.take();
        let id = self.id.take();
        let retry = self.retry.take();
        let Some(data) = self.data.take() else {
            return Ok(None);
        };
        let text = |bytes: Bytes, what: &str| {
            SseText::from_bytes(bytes.clone()).map_err(|error| {
                Error::invalid_response(
                    format!("server-sent event {what} is not valid UTF-8"),
                    Some(String::from_utf8_lossy(&bytes).into_owned()),
                    Some(std::sync::Arc::new(error)),
                )
            })
        };
        Ok(Some(SseEvent {
            data,
            event: event.map(|bytes| text(bytes, "name")).transpose()?,
            id: id.map(|bytes| text(bytes, "id")).transpose()?,
            retry,
        }))
    }
}

pin_project_lite::pin_project! {
    /// Server-sent events read from a stream of byte chunks, such as
    /// `reqwest::Response::bytes_stream()`.
    ///
    /// Yields each event with data; a transport error becomes [`Error::Connection`] (naming the
    /// URL given to [`SseStream::with_url`]) and ends the stream; an event name or id that is not
    /// UTF-8 becomes [`Error::InvalidResponse`] with the raw text (data is checked by its reader).
    pub struct SseStream<S> {
        #[pin]
        inner: S,
        parser: Parser,
        chunk: Bytes,
        position: usize,
        url: String,
        finished: bool,
    }
}

impl<S> SseStream<S> {
    /// Reads events from a byte stream.
    pub fn new(inner: S) -> Self {
        SseStream { inner, parser: Parser::new(), chunk: Bytes::new(), position: 0, url: String::new(), finished: false }
    }

    /// Reads events from a byte stream, naming `url` in connection errors.
    pub fn with_url(inner: S, url: impl Into<String>) -> Self {
        SseStream { url: url.into(), ..SseStream::new(inner) }
    }

    /// Sets the longest line or event accepted (default [`DEFAULT_MAX_EVENT_BYTES`]); a longer
    /// one is an [`Error::ResponseTooLarge`] and ends the stream.
    pub fn with_max_event_bytes(mut self, limit: usize) -> Self {
        self.parser.max_event_bytes = limit;
        self
    }

    /// The URL named in connection errors.
    pub fn url(&self) -> &str {
        &self.url
    }
}

impl<S, B, E> Stream for SseStream<S>
where
    S: Stream<Item = std::result::Result<B, E>>,
    B: Into<Bytes>,
    E: std::error::Error + Send + Sync + 'static,
{
    type Item = Result<SseEvent>;

    fn poll_next(self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.poll_next_event(context).map(|next| next.map(|next| next.map(NextEvent::into_event)))
    }
}

impl<S, B, E> SseStream<S>
where
    S: Stream<Item = std::result::Result<B, E>>,
    B: Into<Bytes>,
    E: std::error::Error + Send + Sync + 'static,
{
    /// The next event, a plain one given as its range in the read buffer, so that a reader
    /// which only borrows the data takes no reference count on the chunk (an owned slice costs
    /// two atomic operations per event).
    pub(crate) fn poll_next_event(self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<Option<Result<NextEvent<'_>>>> {
        let mut this = self.project();
        loop {
            if *this.finished {
                return Poll::Ready(None);
            }
            match this.parser.next_found(this.chunk, this.position) {
                Ok(Some(Found::Event(event))) => return Poll::Ready(Some(Ok(NextEvent::Event(event)))),
                Ok(Some(Found::Data(range))) => return Poll::Ready(Some(Ok(NextEvent::Data { chunk: this.chunk, range }))),
                // The chunk is read: let it go before asking for the next, so that the HTTP
                // client's read buffer, which the chunk shares, is reused rather than replaced
                // (for a large buffer, fresh memory and its page faults on every read).
                Ok(None) if !this.chunk.is_empty() => {
                    this.parser.detach();
                    *this.chunk = Bytes::new();
                }
                Ok(None) => {}
                Err(error) => return Poll::Ready(Some(Err(parse_failed(this.finished, this.chunk, error)))),
            }
            match ready!(this.inner.as_mut().poll_next(context)) {
                Some(Ok(chunk)) => {
                    *this.chunk = chunk.into();
                    *this.position = 0;
                }
                Some(Err(error)) => return Poll::Ready(Some(Err(interrupted(this.finished, this.chunk, this.url, error)))),
                None => {
                    *this.finished = true;
                    *this.chunk = Bytes::new();
                    return Poll::Ready(this.parser.finish().map(|event| event.map(NextEvent::Event)).transpose());
                }
            }
        }
    }
}

/// A parse error of the event stream. A too-large line cannot be skipped safely, and ends the
/// stream; a bad event name only spoils its event.
#[cold]
#[inline(never)]
fn parse_failed(finished: &mut bool, chunk: &mut Bytes, error: Error) -> Error {
    if matches!(error, Error::ResponseTooLarge { .. }) {
        *finished = true;
        *chunk = Bytes::new();
    }
    error
}

/// The error of a body that failed mid-stream: the idle timeout's, or a connection error.
#[cold]
#[inline(never)]
fn interrupted<E: std::error::Error + Send + Sync + 'static>(finished: &mut bool, chunk: &mut Bytes, url: &str, error: E) -> Error {
    *finished = true;
    *chunk = Bytes::new();
    if let Some(timeout) = super::idle_timeout::BodyError::idle_timeout(&error) {
        return timeout;
    }
    let message = format!("stream interrupted: {error}");
    Error::Connection { url: url.to_owned(), message, source: Some(std::sync::Arc::new(error)) }
}

/// Reads the events of an HTTP response body.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> specai::Result<()> {
/// use futures::StreamExt;
/// use specai::provider_utils::sse_from_response;
/// use specai::provider_utils::test_server::{TestResponse, TestServer};
///
/// let server = TestServer::start([TestResponse::sse_chunks(["event: ping\ndata: 1\n\n", "data: [DONE]\n\n"])]).await;
/// let mut events = sse_from_response(reqwest::get(server.url("/events")).await.unwrap());
/// let first = events.next().await.unwrap()?;
/// assert_eq!((first.event_name(), first.text()?), (Some("ping"), "1"));
/// assert!(events.next().await.unwrap()?.is_done());
/// # Ok(()) }
/// ```
pub fn sse_from_response(
    response: reqwest::Response,
) -> SseStream<impl Stream<Item = reqwest::Result<Bytes>> + Send + 'static> {
    let url = super::redact_url(response.url().as_str());
    SseStream::with_url(response.bytes_stream(), url)
}

#[cfg(test)]
#[path = "sse_tests.rs"]
mod tests;
