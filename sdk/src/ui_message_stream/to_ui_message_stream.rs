//! [`UiMessageStream`]: a stream of chunks, from a `stream_text` result or any source.

use std::collections::VecDeque;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::stream::{Stream, StreamExt};

use crate::error::Result;
use crate::output::OutputSpec;
use crate::stream_text::{StreamTextResult, TextStreamPart};

use super::text_stream_response::TextStreamResponse;
use super::to_ui_message_chunk::ChunkMapper;
use super::ui_message_chunk::UiMessageChunk;
use super::ui_message_stream_options::UiMessageStreamOptions;
use super::ui_message_stream_response::UiMessageStreamResponse;

/// A stream of UI message chunks, `Send + 'static`: what a chat endpoint sends.
///
/// Errors are already chunks (`error`, `abort`), so the stream itself cannot fail. Turn it into
/// an HTTP response with [`into_response`](Self::into_response).
///
/// ```
/// use futures::StreamExt;
/// use specai::ui_message_stream::{UiMessageChunk, UiMessageStream};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let stream = UiMessageStream::from_chunks([UiMessageChunk::data("status", serde_json::json!("ready"))]);
/// let chunks: Vec<UiMessageChunk> = stream.collect().await;
/// assert_eq!(chunks[0].kind(), "data-status");
/// # }
/// ```
#[must_use = "streams do nothing unless polled"]
pub struct UiMessageStream {
    inner: Pin<Box<dyn Stream<Item = UiMessageChunk> + Send>>,
}

impl UiMessageStream {
    /// Wraps any stream of chunks.
    pub fn new(stream: impl Stream<Item = UiMessageChunk> + Send + 'static) -> Self {
        UiMessageStream { inner: Box::pin(stream) }
    }

    /// A stream of these chunks.
    pub fn from_chunks(chunks: impl IntoIterator<Item = UiMessageChunk, IntoIter: Send + 'static>) -> Self {
        Self::new(futures::stream::iter(chunks))
    }

    /// The chunks of a stream of full-stream parts (e.g. a filtered `stream_text` result).
    ///
    /// ```
    /// use futures::StreamExt;
    /// use specai::test_util::{MockLanguageModel, MockStream};
    /// use specai::ui_message_stream::{UiMessageStream, UiMessageStreamOptions};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let model = MockLanguageModel::new().with_stream(MockStream::text(["Hi"]));
    /// let parts = specai::stream_text(model).prompt("Hello").start();
    /// let chunks: Vec<_> = UiMessageStream::from_parts(parts, UiMessageStreamOptions::new()).collect().await;
    /// let kinds: Vec<&str> = chunks.iter().map(|chunk| chunk.kind()).collect();
    /// assert_eq!(kinds, ["start", "start-step", "text-start", "text-delta", "text-end", "finish-step", "finish"]);
    /// # }
    /// ```
    pub fn from_parts(
        parts: impl Stream<Item = Result<TextStreamPart>> + Send + 'static,
        options: UiMessageStreamOptions,
    ) -> Self {
        Self::new(PartsToChunks { parts: Box::pin(parts), mapper: ChunkMapper::new(options), ready: VecDeque::new(), state: State::New })
    }

    /// The HTTP response: SSE with the protocol's headers, ending with `data: [DONE]`.
    pub fn into_response(self) -> UiMessageStreamResponse {
        UiMessageStreamResponse::new(self)
    }
}

impl Stream for UiMessageStream {
    type Item = UiMessageChunk;

    fn poll_next(mut self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<Option<UiMessageChunk>> {
        self.inner.as_mut().poll_next(context)
    }
}

impl std::fmt::Debug for UiMessageStream {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.debug_struct("UiMessageStream").finish_non_exhaustive()
    }
}

impl<O: OutputSpec> StreamTextResult<O> {
    /// The generation as UI message chunks, owning the result: the AI SDK's
    /// `toUIMessageStream`.
    ///
    /// ```
    /// use futures::StreamExt;
    /// use specai::test_util::{MockLanguageModel, MockStream};
    /// use specai::ui_message_stream::{UiMessageChunk, UiMessageStreamOptions};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let model = MockLanguageModel::new().with_stream(MockStream::text(["Hel", "lo"]));
    /// let result = specai::stream_text(model).prompt("Say hello").start();
    /// let chunks: Vec<UiMessageChunk> = result.into_ui_message_stream(UiMessageStreamOptions::new()).collect().await;
    /// let text: String = chunks
    ///     .iter()
    ///     .filter_map(|chunk| match chunk {
    ///         UiMessageChunk::TextDelta { delta, .. } => Some(delta.as_str()),
    ///         _ => None,
    ///     })
    ///     .collect();
    /// assert_eq!(text, "Hello");
    /// # }
    /// ```
    pub fn into_ui_message_stream(self, options: UiMessageStreamOptions) -> UiMessageStream {
        UiMessageStream::from_parts(self, options)
    }

    /// The generation as an SSE response of the UI message stream protocol (for `useChat`'s
    /// default transport): the AI SDK's `toUIMessageStreamResponse`.
    ///
    /// ```
    /// use specai::test_util::{MockLanguageModel, MockStream};
    /// use specai::ui_message_stream::UiMessageStreamOptions;
    ///
    /// let model = MockLanguageModel::new().with_stream(MockStream::text(["Hi"]));
    /// let response = specai::stream_text(model).prompt("Hello").start().into_ui_message_stream_response(UiMessageStreamOptions::new());
    /// assert_eq!(response.headers()["x-vercel-ai-ui-message-stream"], "v1");
    /// ```
    pub fn into_ui_message_stream_response(self, options: UiMessageStreamOptions) -> UiMessageStreamResponse {
        self.into_ui_message_stream(options).into_response()
    }

    /// The text deltas as a plain `text/plain` response (the text stream protocol, for
    /// `TextStreamChatTransport` and `useCompletion`).
    ///
    /// ```
    /// use specai::test_util::{MockLanguageModel, MockStream};
    ///
    /// let model = MockLanguageModel::new().with_stream(MockStream::text(["Hi"]));
    /// let response = specai::stream_text(model).prompt("Hello").start().into_text_stream_response();
    /// assert_eq!(response.headers()["content-type"], "text/plain; charset=utf-8");
    /// ```
    pub fn into_text_stream_response(self) -> TextStreamResponse {
        TextStreamResponse::new(self.into_text_stream())
    }
}

/// Where [`PartsToChunks`] is in the generation.
#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    New,
    Streaming,
    Ended,
}

/// Maps parts to chunks as they are polled.
struct PartsToChunks {
    parts: Pin<Box<dyn Stream<Item = Result<TextStreamPart>> + Send>>,
    mapper: ChunkMapper,
    ready: VecDeque<UiMessageChunk>,
    state: State,
}

impl Stream for PartsToChunks {
    type Item = UiMessageChunk;

    fn poll_next(self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<Option<UiMessageChunk>> {
        let this = self.get_mut();
        loop {
            if let Some(chunk) = this.ready.pop_front() {
                return Poll::Ready(Some(chunk));
            }
            match this.state {
                State::Ended => return Poll::Ready(None),
                State::New => {
                    this.state = State::Streaming;
                    this.mapper.start(&mut this.ready);
                }
                State::Streaming => match this.parts.poll_next_unpin(context) {
                    Poll::Pending => return Poll::Pending,
                    Poll::Ready(Some(Ok(part))) => this.mapper.part(part, &mut this.ready),
                    Poll::Ready(Some(Err(error))) => {
                        // The full stream ends after its error; stop reading it here too.
                        this.state = State::Ended;
                        this.mapper.error(&error, &mut this.ready);
                    }
                    Poll::Ready(None) => {
                        this.state = State::Ended;
                        this.mapper.flush_invalid_calls(&mut this.ready);
                    }
                },
            }
        }
    }
}
