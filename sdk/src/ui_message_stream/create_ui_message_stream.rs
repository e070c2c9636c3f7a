//! A UI message stream written by the application: custom data parts, and other streams merged
//! in (a `stream_text` result, a second model, a progress feed), all in one response.
//!
//! Nothing is spawned: the returned stream polls the application's future, the written chunks
//! and every merged stream, in that order, whenever it is polled. It ends when the future is done,
//! every writer handle is dropped and every merged stream has ended.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use futures::channel::mpsc;
use futures::future::BoxFuture;
use futures::stream::{SelectAll, Stream, StreamExt};
use serde_json::Value;

use super::to_ui_message_stream::UiMessageStream;
use super::ui_message_chunk::{DataChunk, UiMessageChunk};
use super::ui_message_stream_options::{DEFAULT_ERROR_TEXT, ErrorText};

/// The error an `execute` future may return.
type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Writes chunks into the stream made by [`create_ui_message_stream`]; cheap to clone, and
/// usable from spawned tasks. Writing after the stream was dropped does nothing.
///
/// ```
/// use futures::StreamExt;
/// use specai::ui_message_stream::{DataChunk, UiMessageChunk, UiMessageStream, create_ui_message_stream};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let stream = create_ui_message_stream(|writer| async move {
///     writer.write(UiMessageChunk::Start { message_id: Some("m1".into()), message_metadata: None });
///     writer.write_data_chunk(DataChunk::new("progress", serde_json::json!(50)).with_id("p"));
///     writer.merge(UiMessageStream::from_chunks([UiMessageChunk::data("progress", serde_json::json!(100))]));
///     assert_eq!(writer.error_text(&std::fmt::Error), "An error occurred.");
///     Ok::<(), specai::Error>(())
/// });
/// assert_eq!(stream.count().await, 3);
/// # }
/// ```
#[derive(Clone)]
pub struct UiMessageStreamWriter {
    sender: mpsc::UnboundedSender<Written>,
    on_error: ErrorText,
}

impl std::fmt::Debug for UiMessageStreamWriter {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.debug_struct("UiMessageStreamWriter").finish_non_exhaustive()
    }
}

/// What a writer sends to its stream.
enum Written {
    Chunk(UiMessageChunk),
    Merge(UiMessageStream),
}

impl UiMessageStreamWriter {
    /// Appends a chunk.
    pub fn write(&self, chunk: UiMessageChunk) {
        // The stream was dropped (the client went away): nothing to write to.
        let _ = self.sender.unbounded_send(Written::Chunk(chunk));
    }

    /// Appends a data part `data-{name}`.
    pub fn write_data(&self, name: &str, data: Value) {
        self.write(UiMessageChunk::data(name, data));
    }

    /// Appends a data part built with [`DataChunk`] (an id to update it in place, or transient).
    pub fn write_data_chunk(&self, chunk: DataChunk) {
        self.write(UiMessageChunk::Data(chunk));
    }

    /// Interleaves another stream's chunks as they come; the response lasts until it ends.
    pub fn merge(&self, stream: UiMessageStream) {
        let _ = self.sender.unbounded_send(Written::Merge(stream));
    }

    /// The stream's error mapping, to pass on when converting a merged `stream_text` result, so
    /// that errors are masked the same way everywhere.
    pub fn error_text(&self, error: &(dyn std::error::Error + 'static)) -> String {
        (self.on_error)(error)
    }
}

/// A UI message stream that `execute` writes to: the AI SDK's `createUIMessageStream`. An error
/// returned by `execute` becomes an `error` chunk showing "An error occurred.".
///
/// ```
/// use futures::StreamExt;
/// use specai::test_util::{MockLanguageModel, MockStream};
/// use specai::ui_message_stream::{UiMessageStreamOptions, create_ui_message_stream};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let model = MockLanguageModel::new().with_stream(MockStream::text(["Sunny."]));
/// let stream = create_ui_message_stream(|writer| async move {
///     writer.write_data("status", serde_json::json!("looking up the weather"));
///     let result = specai::stream_text(model).prompt("Weather in Paris?").start();
///     writer.merge(result.into_ui_message_stream(UiMessageStreamOptions::new()));
///     Ok::<(), specai::Error>(())
/// });
/// let kinds: Vec<String> = stream.map(|chunk| chunk.kind().to_owned()).collect().await;
/// assert_eq!(kinds[0], "data-status");
/// assert!(kinds.contains(&"text-delta".to_owned()) && kinds.last().unwrap() == "finish");
/// # }
/// ```
pub fn create_ui_message_stream<F, Fut, E>(execute: F) -> UiMessageStream
where
    F: FnOnce(UiMessageStreamWriter) -> Fut,
    Fut: Future<Output = Result<(), E>> + Send + 'static,
    E: Into<BoxError>,
{
    create_ui_message_stream_with_error_text(|_| DEFAULT_ERROR_TEXT.to_owned(), execute)
}

/// [`create_ui_message_stream`] with the text shown for `execute`'s error chosen by `on_error`.
///
/// ```
/// use futures::StreamExt;
/// use specai::ui_message_stream::{UiMessageChunk, create_ui_message_stream_with_error_text};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let stream = create_ui_message_stream_with_error_text(
///     |error| format!("failed: {error}"),
///     |_writer| async move { Err::<(), _>("no quota left") },
/// );
/// let chunks: Vec<_> = stream.collect().await;
/// assert_eq!(chunks, [UiMessageChunk::error("failed: no quota left")]);
/// # }
/// ```
pub fn create_ui_message_stream_with_error_text<F, Fut, E>(
    on_error: impl Fn(&(dyn std::error::Error + 'static)) -> String + Send + Sync + 'static,
    execute: F,
) -> UiMessageStream
where
    F: FnOnce(UiMessageStreamWriter) -> Fut,
    Fut: Future<Output = Result<(), E>> + Send + 'static,
    E: Into<BoxError>,
{
    let (sender, receiver) = mpsc::unbounded();
    let on_error: ErrorText = Arc::new(on_error);
    let writer = UiMessageStreamWriter { sender, on_error: on_error.clone() };
    let future = execute(writer);
    let execute: BoxFuture<'static, Result<(), BoxError>> = Box::pin(async move { future.await.map_err(Into::into) });
    UiMessageStream::new(WrittenStream {
        execute: Some(execute),
        written: Some(receiver),
        merged: SelectAll::new(),
        failure: None,
        on_error,
    })
}

/// The stream behind [`create_ui_message_stream`].
struct WrittenStream {
    execute: Option<BoxFuture<'static, Result<(), BoxError>>>,
    /// `None` once every writer is dropped and everything written was read.
    written: Option<mpsc::UnboundedReceiver<Written>>,
    merged: SelectAll<UiMessageStream>,
    /// The error chunk of a failed `execute`, sent after what it wrote before failing.
    failure: Option<UiMessageChunk>,
    on_error: ErrorText,
}

impl Stream for WrittenStream {
    type Item = UiMessageChunk;

    fn poll_next(self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<Option<UiMessageChunk>> {
        let this = self.get_mut();
        loop {
            let mut progressed = false;
            if let Some(execute) = &mut this.execute
                && let Poll::Ready(outcome) = execute.as_mut().poll(context)
            {
                this.execute = None;
                progressed = true;
                if let Err(error) = outcome {
                    this.failure = Some(UiMessageChunk::error((this.on_error)(&*error)));
                }
            }
            if let Some(written) = &mut this.written {
                match written.poll_next_unpin(context) {
                    Poll::Ready(Some(Written::Chunk(chunk))) => return Poll::Ready(Some(chunk)),
                    Poll::Ready(Some(Written::Merge(stream))) => {
                        this.merged.push(stream);
                        progressed = true;
                    }
                    Poll::Ready(None) => this.written = None,
                    Poll::Pending => {}
                }
            }
            if this.written.is_none()
                && let Some(failure) = this.failure.take()
            {
                return Poll::Ready(Some(failure));
            }
            if !this.merged.is_empty()
                && let Poll::Ready(Some(chunk)) = this.merged.poll_next_unpin(context)
            {
                return Poll::Ready(Some(chunk));
            }
            if this.execute.is_none() && this.written.is_none() && this.merged.is_empty() {
                return Poll::Ready(None);
            }
            if !progressed {
                return Poll::Pending;
            }
        }
    }
}
