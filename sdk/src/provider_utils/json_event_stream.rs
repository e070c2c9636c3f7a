//! Server-sent events whose data decode, once, into a provider's typed chunk.
//!
//! Each event's data goes straight from the read buffer into `T` with `serde_json::from_slice`:
//! no intermediate `serde_json::Value`, no second parse. The stream ends at `[DONE]` (so the
//! connection is released without waiting for the server to close it). Malformed JSON becomes
//! [`Error::InvalidResponse`] keeping the raw text and the stream goes on, so one bad chunk need
//! not end a generation; a cut connection becomes [`Error::Connection`] and ends it.

use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};

use bytes::Bytes;
use futures::Stream;
use serde::de::DeserializeOwned;

use super::sse::{SseStream, SseText};
use crate::error::{Error, Result};

/// One decoded event.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct JsonEvent<T> {
    /// The `event:` name (Anthropic sends `message_start`, `content_block_delta`...).
    pub event: Option<SseText>,
    /// The decoded data.
    pub value: T,
    /// The raw data, shared with the read buffer (for [`StreamPart::Raw`](crate::provider::StreamPart)
    /// when raw chunks are asked for).
    pub raw: Bytes,
}

impl<T> JsonEvent<T> {
    /// The event name, or `None` for an unnamed event.
    pub fn event_name(&self) -> Option<&str> {
        self.event.as_deref()
    }

    /// The raw data parsed as a JSON value (only for raw-chunk output; costs a second parse).
    pub fn raw_json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.raw).ok()
    }
}

pin_project_lite::pin_project! {
    /// Typed JSON events from server-sent events; see the module docs.
    pub struct JsonEventStream<S, T> {
        #[pin]
        events: SseStream<S>,
        done: bool,
        _chunk: PhantomData<fn() -> T>,
    }
}

impl<S, T> JsonEventStream<S, T> {
    /// Decodes the events of an SSE stream.
    pub fn new(events: SseStream<S>) -> Self {
        JsonEventStream { events, done: false, _chunk: PhantomData }
    }

    /// Whether the `[DONE]` sentinel was seen (a stream that ends without it, or without the
    /// provider's own final event, may have been cut).
    pub fn saw_done(&self) -> bool {
        self.done
    }
}

/// The error for a stream event whose data did not decode: an [`Error::InvalidResponse`] with
/// `message`, the event's text, and the decoding error as its source. Every stream decoder
/// reports an undecodable event this way.
pub(crate) fn invalid_event(message: String, data: &[u8], error: serde_json::Error) -> Error {
    Error::invalid_response(message, Some(String::from_utf8_lossy(data).into_owned()), Some(Arc::new(error)))
}

/// [`invalid_event`] for a JSON event, saying whether the JSON was cut short (the stream may
/// have been cut) or is invalid.
pub(crate) fn invalid_json_event(data: &[u8], error: serde_json::Error) -> Error {
    let message = if error.is_eof() {
        format!("truncated JSON event (the stream may have been cut): {error}")
    } else {
        format!("invalid JSON event: {error}")
    };
    invalid_event(message, data, error)
}

impl<S, B, E, T> Stream for JsonEventStream<S, T>
where
    S: Stream<Item = std::result::Result<B, E>>,
    B: Into<Bytes>,
    E: std::error::Error + Send + Sync + 'static,
    T: DeserializeOwned,
{
    type Item = Result<JsonEvent<T>>;

    fn poll_next(self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let mut this = self.project();
        loop {
            if *this.done {
                return Poll::Ready(None);
            }
            let event = match ready!(this.events.as_mut().poll_next(context)) {
                None => return Poll::Ready(None),
                Some(Err(error)) => return Poll::Ready(Some(Err(error))),
                Some(Ok(event)) => event,
            };
            if event.is_done() {
                *this.done = true;
                return Poll::Ready(None);
            }
            // Checked from the first byte only, so a JSON event costs no extra pass.
            if event.data.first().is_none_or(u8::is_ascii_whitespace) && event.data.iter().all(u8::is_ascii_whitespace) {
                // A data-less keep-alive (`data:` with nothing); not a chunk.
                continue;
            }
            return Poll::Ready(Some(match super::decode_json::<T>(&event.data) {
                Ok(value) => Ok(JsonEvent { event: event.event, value, raw: event.data }),
                Err(error) => Err(invalid_json_event(&event.data, error)),
            }));
        }
    }
}

/// Decodes the JSON events of a response body (see [`ApiResponse::json_events`](super::ApiResponse::json_events)
/// for responses from [`post_json`](super::post_json)).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> specai::Result<()> {
/// use futures::StreamExt;
/// use specai::provider_utils::json_events_from_response;
/// use specai::provider_utils::test_server::{TestResponse, TestServer};
///
/// #[derive(serde::Deserialize)]
/// struct Delta {
///     text: String,
/// }
///
/// let server = TestServer::start([TestResponse::sse_events([r#"{"text":"Hel"}"#, r#"{"text":"lo"}"#, "[DONE]"])]).await;
/// let response = reqwest::get(server.url("/v1/stream")).await.unwrap();
/// let mut events = json_events_from_response::<Delta>(response);
/// let mut text = String::new();
/// while let Some(event) = events.next().await {
///     text.push_str(&event?.value.text);
/// }
/// assert_eq!(text, "Hello");
/// # Ok(()) }
/// ```
pub fn json_events_from_response<T: DeserializeOwned>(
    response: reqwest::Response,
) -> JsonEventStream<impl Stream<Item = reqwest::Result<Bytes>> + Send + 'static, T> {
    JsonEventStream::new(super::sse::sse_from_response(response))
}

#[cfg(test)]
mod tests {
    use futures::StreamExt;
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(tag = "type", rename_all = "snake_case")]
    enum Chunk {
        Delta { text: String },
        Stop,
    }

    fn decode(chunks: Vec<std::result::Result<Bytes, std::io::Error>>) -> Vec<Result<JsonEvent<Chunk>>> {
        let stream = JsonEventStream::<_, Chunk>::new(SseStream::with_url(futures::stream::iter(chunks), "http://x"));
        futures::executor::block_on(stream.collect())
    }

    #[test]
    fn decodes_typed_events_with_names_and_stops_at_done() {
        let input = "event: delta\ndata: {\"type\":\"delta\",\"text\":\"h\\u00e9\"}\n\ndata:\n\n\
                     data: {\"type\":\"stop\"}\n\ndata: [DONE]\n\ndata: {\"type\":\"stop\"}\n\n";
        for split in 0..input.len() {
            let (first, second) = input.as_bytes().split_at(split);
            let events = decode(vec![Ok(Bytes::copy_from_slice(first)), Ok(Bytes::copy_from_slice(second))]);
            let events: Vec<_> = events.into_iter().map(Result::unwrap).collect();
            assert_eq!(events.len(), 2, "split {split}");
            assert_eq!(events[0].event_name(), Some("delta"));
            assert_eq!(events[0].value, Chunk::Delta { text: "hé".into() });
            assert_eq!(events[1].value, Chunk::Stop);
            assert_eq!(events[1].raw, Bytes::from_static(b"{\"type\":\"stop\"}"));
        }
    }

    #[test]
    fn malformed_json_keeps_raw_text_and_continues() {
        let events = decode(vec![Ok(Bytes::from_static(b"data: {\"type\":\"nope\"}\n\ndata: {\"type\":\"stop\"}\n\n"))]);
        assert_eq!(events.len(), 2);
        match &events[0] {
            Err(Error::InvalidResponse { raw: Some(raw), source: Some(_), .. }) => assert_eq!(raw, "{\"type\":\"nope\"}"),
            other => panic!("{other:?}"),
        }
        assert!(events[1].is_ok());
    }

    #[test]
    fn cut_stream_gives_truncated_event_or_connection_error() {
        // The server closed cleanly mid-event: the partial JSON is reported as truncated.
        let events = decode(vec![Ok(Bytes::from_static(b"data: {\"type\":\"stop\"}\n\ndata: {\"type\":\"del"))]);
        assert!(events[0].is_ok());
        match &events[1] {
            Err(Error::InvalidResponse { message, raw: Some(raw), .. }) => {
                assert!(message.contains("truncated"), "{message}");
                assert_eq!(raw, "{\"type\":\"del");
            }
            other => panic!("{other:?}"),
        }
        // The transport failed mid-event: a connection error, then the end.
        let events = decode(vec![
            Ok(Bytes::from_static(b"data: {\"type\":\"stop\"}\n\ndata: {\"ty")),
            Err(std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "cut")),
        ]);
        assert_eq!(events.len(), 2);
        assert!(matches!(&events[1], Err(Error::Connection { .. })), "{:?}", events[1]);
    }
}
