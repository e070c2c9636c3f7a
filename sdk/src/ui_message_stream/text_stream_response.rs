//! The plain text stream protocol: the text deltas as a `text/plain` body, nothing else.

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures::stream::{Stream, StreamExt};
use http::{HeaderMap, HeaderValue, StatusCode};

use crate::error::{Error, Result};

use super::ui_message_stream_response::response_head_methods;

/// A text stream response: status 200, `content-type: text/plain; charset=utf-8`, and the text
/// deltas as the body. An error mid-stream fails the body, so the server cuts the response short
/// and the client sees an incomplete transfer instead of a silently truncated answer.
///
/// ```
/// use futures::StreamExt;
/// use specai::ui_message_stream::TextStreamResponse;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let deltas = futures::stream::iter(["Hel", "lo"].map(|delta| Ok(delta.to_owned())));
/// let (status, headers, body) = TextStreamResponse::new(deltas).into_parts();
/// assert_eq!(status, 200);
/// assert_eq!(headers["content-type"], "text/plain; charset=utf-8");
/// let text: Vec<_> = body.map(|bytes| bytes.unwrap()).collect().await;
/// assert_eq!(text.concat(), b"Hello");
/// # }
/// ```
#[derive(Debug)]
pub struct TextStreamResponse {
    status: StatusCode,
    headers: HeaderMap,
    body: TextBody,
}

impl TextStreamResponse {
    /// A 200 response of these text deltas.
    pub fn new(deltas: impl Stream<Item = Result<String>> + Send + 'static) -> Self {
        let mut headers = HeaderMap::with_capacity(1);
        headers.insert(http::header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
        TextStreamResponse { status: StatusCode::OK, headers, body: TextBody { deltas: Box::pin(deltas) } }
    }

    response_head_methods!();

    /// Status, headers and body, for any HTTP server.
    pub fn into_parts(self) -> (StatusCode, HeaderMap, TextBody) {
        (self.status, self.headers, self.body)
    }
}

/// The body of a [`TextStreamResponse`]: UTF-8 text deltas, or the error that ended them.
#[must_use = "streams do nothing unless polled"]
pub struct TextBody {
    deltas: Pin<Box<dyn Stream<Item = Result<String>> + Send>>,
}

impl std::fmt::Debug for TextBody {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.debug_struct("TextBody").finish_non_exhaustive()
    }
}

impl Stream for TextBody {
    type Item = Result<Bytes, Error>;

    fn poll_next(mut self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.deltas.poll_next_unpin(context).map(|delta| delta.map(|delta| delta.map(Bytes::from)))
    }
}
