//! The UI message stream as an HTTP response: server-sent events, one `data: {json}` event per
//! chunk, then `data: [DONE]`, with the headers the AI SDK's client checks.

use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::{BufMut, Bytes, BytesMut};
use futures::stream::{Stream, StreamExt};
use http::{HeaderMap, HeaderName, HeaderValue, StatusCode};

use super::to_ui_message_stream::UiMessageStream;
use super::ui_message_chunk::UiMessageChunk;

/// The status and header methods both streaming responses have (fields `status`, `headers`).
macro_rules! response_head_methods {
    () => {
        /// Sets the status.
        pub fn with_status(mut self, status: http::StatusCode) -> Self {
            self.status = status;
            self
        }

        /// Adds or replaces a header.
        pub fn with_header(mut self, name: http::HeaderName, value: http::HeaderValue) -> Self {
            self.headers.insert(name, value);
            self
        }

        /// The headers.
        pub fn headers(&self) -> &http::HeaderMap {
            &self.headers
        }

        /// The status.
        pub fn status(&self) -> http::StatusCode {
            self.status
        }
    };
}
pub(super) use response_head_methods;

/// The header that names the protocol version, which the AI SDK's client requires.
///
/// ```
/// use specai::ui_message_stream::{UI_MESSAGE_STREAM_HEADER, ui_message_stream_headers};
///
/// assert_eq!(ui_message_stream_headers()[UI_MESSAGE_STREAM_HEADER], "v1");
/// ```
pub const UI_MESSAGE_STREAM_HEADER: &str = "x-vercel-ai-ui-message-stream";

/// The last event of every UI message stream.
const DONE_EVENT: &[u8] = b"data: [DONE]\n\n";

/// The protocol's response headers: `content-type: text/event-stream`, `cache-control: no-cache`,
/// `x-vercel-ai-ui-message-stream: v1` and `x-accel-buffering: no` (so that nginx does not buffer
/// the stream). The AI SDK also sends `connection: keep-alive`; it is left to the HTTP server,
/// since HTTP/2 forbids it and HTTP/1.1 keeps connections alive by default.
///
/// ```
/// let headers = specai::ui_message_stream::ui_message_stream_headers();
/// assert_eq!(headers["content-type"], "text/event-stream");
/// assert_eq!(headers["x-vercel-ai-ui-message-stream"], "v1");
/// ```
pub fn ui_message_stream_headers() -> HeaderMap {
    let mut headers = HeaderMap::with_capacity(4);
    headers.insert(http::header::CONTENT_TYPE, HeaderValue::from_static("text/event-stream"));
    headers.insert(http::header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    headers.insert(HeaderName::from_static(UI_MESSAGE_STREAM_HEADER), HeaderValue::from_static("v1"));
    headers.insert(HeaderName::from_static("x-accel-buffering"), HeaderValue::from_static("no"));
    headers
}

/// One chunk as an SSE event: `data: {json}\n\n`.
///
/// ```
/// use specai::ui_message_stream::{UiMessageChunk, encode_sse_event};
///
/// let event = encode_sse_event(&UiMessageChunk::StartStep);
/// assert_eq!(&event[..], b"data: {\"type\":\"start-step\"}\n\n");
/// ```
pub fn encode_sse_event(chunk: &UiMessageChunk) -> Bytes {
    encode_into(&mut BytesMut::with_capacity(64), chunk)
}

/// Writes one chunk's event into `buffer`, which is empty, and splits it off.
fn encode_into(buffer: &mut BytesMut, chunk: &UiMessageChunk) -> Bytes {
    buffer.extend_from_slice(b"data: ");
    if serde_json::to_writer(buffer.writer(), chunk).is_err() {
        // Only a map with non-string keys fails to serialize, which a `Value` cannot hold; say so
        // on the wire rather than sending half an event.
        buffer.truncate(6);
        buffer.extend_from_slice(br#"{"type":"error","errorText":"An error occurred."}"#);
    }
    buffer.extend_from_slice(b"\n\n");
    buffer.split().freeze()
}

/// A UI message stream response: status 200, [`ui_message_stream_headers`] and an SSE body.
/// With feature `axum` it is an `IntoResponse`; elsewhere take it apart with
/// [`into_parts`](Self::into_parts) and hand the body to the server.
///
/// ```
/// use futures::StreamExt;
/// use specai::ui_message_stream::{UiMessageChunk, UiMessageStream};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let response = UiMessageStream::from_chunks([UiMessageChunk::StartStep]).into_response();
/// let (status, headers, body) = response.into_parts();
/// assert_eq!(status, 200);
/// assert_eq!(headers["cache-control"], "no-cache");
/// let events: Vec<_> = body.map(|event| event.unwrap()).collect().await;
/// assert_eq!(events.concat(), b"data: {\"type\":\"start-step\"}\n\ndata: [DONE]\n\n");
/// # }
/// ```
#[derive(Debug)]
pub struct UiMessageStreamResponse {
    status: StatusCode,
    headers: HeaderMap,
    body: SseBody,
}

impl UiMessageStreamResponse {
    /// A 200 response of this stream.
    pub fn new(stream: UiMessageStream) -> Self {
        UiMessageStreamResponse { status: StatusCode::OK, headers: ui_message_stream_headers(), body: SseBody::new(stream) }
    }

    response_head_methods!();

    /// Status, headers and body, for any HTTP server.
    pub fn into_parts(self) -> (StatusCode, HeaderMap, SseBody) {
        (self.status, self.headers, self.body)
    }
}

/// The SSE body of a UI message stream: one `Bytes` per event, then `data: [DONE]`. It cannot
/// fail (errors are chunks), hence `Infallible`.
///
/// Events are written one after another into a shared buffer and split off it, so an event
/// costs no allocation of its own: the buffer is reused once the server has sent and dropped
/// the events before, or replaced by a new one when it is full.
#[must_use = "streams do nothing unless polled"]
#[derive(Debug)]
pub struct SseBody {
    chunks: Option<UiMessageStream>,
    buffer: BytesMut,
}

/// The size of [`SseBody`]'s buffer: room for dozens of text deltas.
const BUFFER_BYTES: usize = 4096;

/// The room made before each event, enough for a usual text delta's.
const EVENT_BYTES: usize = 256;

impl SseBody {
    /// The SSE events of a chunk stream.
    pub fn new(stream: UiMessageStream) -> Self {
        SseBody { chunks: Some(stream), buffer: BytesMut::with_capacity(BUFFER_BYTES) }
    }
}

impl Stream for SseBody {
    type Item = Result<Bytes, Infallible>;

    fn poll_next(self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        let Some(chunks) = &mut this.chunks else { return Poll::Ready(None) };
        match chunks.poll_next_unpin(context) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Some(chunk)) => {
                // Room for a text delta's event: when the buffer is full, bytes reuses it whole
                // if no event split from it is still held, and allocates a new one of the
                // buffer's first size if one is (a larger event grows it as it is written).
                this.buffer.reserve(EVENT_BYTES);
                let event = encode_into(&mut this.buffer, &chunk);
                if event.len() > BUFFER_BYTES {
                    // The buffer grew for a large event (a tool's output, say): start a new one
                    // rather than keep that much for the rest of the stream.
                    this.buffer = BytesMut::with_capacity(BUFFER_BYTES);
                }
                Poll::Ready(Some(Ok(event)))
            }
            Poll::Ready(None) => {
                this.chunks = None;
                Poll::Ready(Some(Ok(Bytes::from_static(DONE_EVENT))))
            }
        }
    }
}
