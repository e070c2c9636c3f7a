//! A server-sent-events reader over a byte stream.
//!
//! Why not a crate: `eventsource-stream` copies the rest of its buffer after every line
//! (quadratic in the read size); `sse-stream` 0.3 is linear and robust, but it copies every data
//! line into a fresh `String` and silently discards an unterminated final event at end of input,
//! which hides a server that ends with `data: [DONE]` and no blank line, or a stream cut between
//! a line and its blank line. This reader is one `Stream` deep (no task, no channel), scans with
//! `memchr`, and hands out field values as [`Bytes`] slices of the chunk they arrived in: a data
//! line inside one chunk is never copied. Only a line split across chunks is copied, once, into
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

use std::ops::Deref;
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
        self.data.as_ref() == b"[DONE]"
    }
}

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

    fn take(&mut self) -> Option<Bytes> {
        match std::mem::take(self) {
            DataLines::None => None,
            DataLines::One(bytes) => Some(bytes),
            DataLines::Many(joined) => Some(joined.freeze()),
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
    fn next_event(&mut self, chunk: &Bytes, position: &mut usize) -> Result<Option<SseEvent>> {
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
                if self.carry.len() + rest.len() > self.max_event_bytes {
                    self.carry = BytesMut::new();
                    return Err(self.too_large("line"));
                }
                self.carry.extend_from_slice(rest);
                return Ok(None);
            };
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
            if event.is_some() {
                return Ok(event);
            }
        }
        Ok(None)
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
        let mut this = self.project();
        loop {
            if *this.finished {
                return Poll::Ready(None);
            }
            match this.parser.next_event(this.chunk, this.position) {
                Ok(Some(event)) => return Poll::Ready(Some(Ok(event))),
                Ok(None) => {}
                Err(error) => {
                    // A too-large line cannot be skipped safely; a bad event name only spoils its event.
                    if matches!(error, Error::ResponseTooLarge { .. }) {
                        *this.finished = true;
                        *this.chunk = Bytes::new();
                    }
                    return Poll::Ready(Some(Err(error)));
                }
            }
            match ready!(this.inner.as_mut().poll_next(context)) {
                Some(Ok(chunk)) => {
                    *this.chunk = chunk.into();
                    *this.position = 0;
                }
                Some(Err(error)) => {
                    *this.finished = true;
                    *this.chunk = Bytes::new();
                    if let Some(timeout) = super::idle_timeout::BodyError::idle_timeout(&error) {
                        return Poll::Ready(Some(Err(timeout)));
                    }
                    let message = format!("stream interrupted: {error}");
                    return Poll::Ready(Some(Err(Error::Connection {
                        url: this.url.clone(),
                        message,
                        source: Some(std::sync::Arc::new(error)),
                    })));
                }
                None => {
                    *this.finished = true;
                    *this.chunk = Bytes::new();
                    return Poll::Ready(this.parser.finish().transpose());
                }
            }
        }
    }
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
mod tests {
    use futures::StreamExt;

    use super::*;

    /// Parses `input` delivered as the given chunks.
    fn parse_chunks(chunks: &[&[u8]]) -> Vec<Result<SseEvent>> {
        let owned: Vec<std::result::Result<Bytes, std::io::Error>> =
            chunks.iter().map(|chunk| Ok(Bytes::copy_from_slice(chunk))).collect();
        futures::executor::block_on(SseStream::new(futures::stream::iter(owned)).collect())
    }

    fn simple(events: &[Result<SseEvent>]) -> Vec<(Option<String>, String)> {
        events
            .iter()
            .map(|event| {
                let event = event.as_ref().expect("no error");
                (event.event.as_ref().map(ToString::to_string), event.text().unwrap().to_owned())
            })
            .collect()
    }

    /// Every way of cutting `input` into two or three chunks gives the same events.
    fn assert_every_split(input: &[u8], expected: &[(Option<&str>, &str)]) {
        let expected: Vec<(Option<String>, String)> =
            expected.iter().map(|(name, data)| (name.map(str::to_owned), (*data).to_owned())).collect();
        assert_eq!(simple(&parse_chunks(&[input])), expected, "whole input");
        for first in 0..=input.len() {
            let got = simple(&parse_chunks(&[&input[..first], &input[first..]]));
            assert_eq!(got, expected, "split at {first}");
            for second in first..=input.len() {
                let got = simple(&parse_chunks(&[&input[..first], &input[first..second], &input[second..]]));
                assert_eq!(got, expected, "split at {first} and {second}");
            }
        }
        let bytes: Vec<&[u8]> = input.chunks(1).collect();
        assert_eq!(simple(&parse_chunks(&bytes)), expected, "byte by byte");
    }

    #[test]
    fn reads_openai_style_events_and_done() {
        assert_every_split(
            b"data: {\"a\":1}\n\ndata: {\"b\":\"x\"}\n\ndata: [DONE]\n\n",
            &[(None, "{\"a\":1}"), (None, "{\"b\":\"x\"}"), (None, "[DONE]")],
        );
    }

    #[test]
    fn reads_named_events_comments_and_pings() {
        assert_every_split(
            b": keep-alive\n\nevent: message_start\ndata: {\"type\":\"message_start\"}\n\n:ping\nevent: ping\ndata: {}\n\n",
            &[(Some("message_start"), "{\"type\":\"message_start\"}"), (Some("ping"), "{}")],
        );
    }

    #[test]
    fn accepts_crlf_and_lone_cr_line_ends() {
        assert_every_split(
            b"event: a\r\ndata: 1\r\n\r\ndata: 2\r\rdata: 3\n\r\ndata:4\r\n\n",
            &[(Some("a"), "1"), (None, "2"), (None, "3"), (None, "4")],
        );
    }

    #[test]
    fn joins_multi_line_data() {
        assert_every_split(
            b"data: first\ndata:second\ndata:  third\ndata\n\n",
            &[(None, "first\nsecond\n third\n")],
        );
    }

    #[test]
    fn keeps_utf8_split_across_chunks() {
        assert_every_split("data: héllo → 世界 🎉\n\n".as_bytes(), &[(None, "héllo → 世界 🎉")]);
    }

    #[test]
    fn drops_bom_and_ignores_unknown_fields_and_events_without_data() {
        assert_every_split(
            b"\xEF\xBB\xBFdata: x\nfoo: bar\nid: 7\nretry: 10\n\nevent: lonely\n\ndata: y\n\n",
            &[(None, "x"), (None, "y")],
        );
        let events = parse_chunks(&[b"id: 7\nretry: 10\ndata: x\n\n"]);
        let event = events[0].as_ref().unwrap();
        assert_eq!(event.id.as_ref().unwrap(), "7");
        assert_eq!(event.retry, Some(10));
    }

    #[test]
    fn dispatches_last_event_without_blank_line_at_end_of_input() {
        assert_every_split(b"data: 1\n\ndata: [DONE]\n", &[(None, "1"), (None, "[DONE]")]);
        assert_every_split(b"data: 1\n\ndata: [DONE]", &[(None, "1"), (None, "[DONE]")]);
    }

    #[test]
    fn empty_data_line_gives_an_empty_event() {
        assert_every_split(b"data:\n\n", &[(None, "")]);
    }

    #[test]
    fn invalid_utf8_is_an_invalid_response_with_raw_text() {
        let events = parse_chunks(&[b"data: \xff\xfe\n\nevent: \xff\ndata: x\n\ndata: later\n\n"]);
        match events[0].as_ref().unwrap().text() {
            Err(Error::InvalidResponse { raw: Some(raw), .. }) => assert!(raw.contains('\u{fffd}')),
            other => panic!("{other:?}"),
        }
        assert!(matches!(&events[1], Err(Error::InvalidResponse { .. })), "{:?}", events[1]);
        assert_eq!(events.len(), 3, "the event after a bad name is still read");
        assert_eq!(events[2].as_ref().unwrap().data, "later".as_bytes());
    }

    /// Parses `chunks` with a limit of `limit` bytes per line or event.
    fn parse_limited(chunks: &[&'static [u8]], limit: usize) -> Vec<Result<SseEvent>> {
        let owned: Vec<std::result::Result<Bytes, std::io::Error>> = chunks.iter().map(|chunk| Ok(Bytes::from_static(chunk))).collect();
        futures::executor::block_on(SseStream::new(futures::stream::iter(owned)).with_max_event_bytes(limit).collect())
    }

    #[test]
    fn a_line_with_no_end_stops_at_the_limit_with_a_typed_error() {
        let events = parse_limited(&[b"data: ok\n\ndata: 0123", b"456789", b"abcdef", b"never read\n\n"], 12);
        assert_eq!(events.len(), 2, "{events:?}");
        assert_eq!(events[0].as_ref().unwrap().data, "ok".as_bytes());
        assert!(matches!(&events[1], Err(Error::ResponseTooLarge { limit: 12, .. })), "{:?}", events[1]);
        // Many data lines that never end their event are bounded too.
        let events = parse_limited(&[b"data: 01234\ndata: 56789\ndata: abcde\n"], 12);
        assert!(matches!(&events[..], [Err(Error::ResponseTooLarge { .. })]), "{events:?}");
        // Under the limit, a line split across chunks is read as usual.
        let events = parse_limited(&[b"data: 01", b"2345\n\n"], 12);
        assert_eq!(events[0].as_ref().unwrap().data, "012345".as_bytes());
    }

    #[test]
    fn a_long_line_fails_alike_whole_or_in_pieces() {
        // Regression (fuzz/artifacts/sse_splitter): an unknown-field line and a data line just
        // over the limit, in one chunk and cut in two.
        for line in ["x".repeat(100), format!("data: {}", "y".repeat(97))] {
            let text: &'static str = Box::leak(format!("data: a\n\n{line}\n\n").into_boxed_str());
            let whole = parse_limited(&[text.as_bytes()], 96);
            let (head, tail) = text.split_at(20);
            let cut = parse_limited(&[head.as_bytes(), tail.as_bytes()], 96);
            let simple = |events: &[Result<SseEvent>]| events.iter().map(|event| event.as_ref().map(|event| event.data.clone()).map_err(|error| format!("{error:?}"))).collect::<Vec<_>>();
            assert_eq!(simple(&whole), simple(&cut), "{line}");
            assert!(matches!(whole.last(), Some(Err(Error::ResponseTooLarge { .. }))), "{whole:?}");
        }
    }

    #[test]
    fn transport_error_becomes_connection_error_and_ends() {
        let chunks: Vec<std::result::Result<Bytes, std::io::Error>> = vec![
            Ok(Bytes::from_static(b"data: 1\n\ndata: par")),
            Err(std::io::Error::new(std::io::ErrorKind::ConnectionReset, "reset")),
            Ok(Bytes::from_static(b"tial\n\n")),
        ];
        let events: Vec<_> =
            futures::executor::block_on(SseStream::with_url(futures::stream::iter(chunks), "http://x/y").collect());
        assert_eq!(events.len(), 2);
        assert_eq!(events[0].as_ref().unwrap().data, "1".as_bytes());
        match &events[1] {
            Err(Error::Connection { url, source: Some(_), .. }) => assert_eq!(url, "http://x/y"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn single_line_data_shares_the_chunk() {
        let chunk = Bytes::from_static(b"data: shared\n\n");
        let start = chunk.as_ptr() as usize;
        let mut parser = Parser::new();
        let mut position = 0;
        let event = parser.next_event(&chunk, &mut position).unwrap().unwrap();
        let data_start = event.data.as_ptr() as usize;
        assert_eq!(data_start, start + 6, "data is a slice of the chunk, not a copy");
    }

    #[test]
    fn large_input_in_big_chunks_is_read_linearly() {
        // 20,000 events in 64 KiB chunks: a quadratic reader takes seconds here, this one ms.
        let mut input = Vec::new();
        for index in 0..20_000 {
            input.extend_from_slice(format!("data: {{\"i\":{index},\"t\":\"abcd\"}}\n\n").as_bytes());
        }
        let chunks: Vec<&[u8]> = input.chunks(64 * 1024).collect();
        let started = std::time::Instant::now();
        let events = parse_chunks(&chunks);
        assert_eq!(events.len(), 20_000);
        assert!(events.iter().all(Result::is_ok));
        assert!(started.elapsed() < std::time::Duration::from_secs(2), "{:?}", started.elapsed());
    }
}
