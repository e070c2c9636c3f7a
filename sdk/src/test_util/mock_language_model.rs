//! A scripted language model that records its calls.

use std::collections::VecDeque;
use std::future::Future as _;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use async_trait::async_trait;
use futures::Stream;
use serde_json::Value;

use super::script::Script;
use crate::error::{Error, Result};
use crate::provider::{
    BlockId, CallOptions, Content, FinishReason, GenerateResponse, LanguageModel, RequestMetadata, ResponseMetadata,
    StreamPart, StreamResponse, SupportedUrl, ToolCall, Usage,
};

/// A language model that answers with scripted responses, in order, and records every call.
///
/// ```
/// # tokio_test_block_on(async {
/// use specai::test_util::{MockLanguageModel, MockStream, text_response};
///
/// let model = MockLanguageModel::new()
///     .with_response(text_response("Hello!"))
///     .with_stream(MockStream::text(["Hel", "lo!"]));
/// let answer = specai::generate_text(model.clone()).prompt("Hi").await?;
/// assert_eq!(answer.text(), "Hello!");
/// assert_eq!(model.calls().len(), 1);
/// # Ok::<(), specai::Error>(()) });
/// # fn tokio_test_block_on<F: std::future::Future>(future: F) -> F::Output {
/// #     tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(future)
/// # }
/// ```
#[derive(Clone)]
pub struct MockLanguageModel {
    inner: Arc<Inner>,
}

struct Inner {
    provider: String,
    model_id: String,
    supported_urls: Vec<SupportedUrl>,
    /// The `do_generate` answers, and every call (`do_stream`'s too).
    responses: Script<GenerateResponse, CallOptions>,
    /// The `do_stream` answers.
    streams: Script<MockStream>,
    streams_dropped_early: Arc<AtomicUsize>,
    streams_finished: Arc<AtomicUsize>,
}

impl Default for MockLanguageModel {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for MockLanguageModel {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("MockLanguageModel")
            .field("provider", &self.inner.provider)
            .field("model_id", &self.inner.model_id)
            .finish_non_exhaustive()
    }
}

impl MockLanguageModel {
    /// A mock with provider id `mock` and model id `mock-model`, and nothing scripted.
    pub fn new() -> Self {
        Self::with_ids("mock", "mock-model")
    }

    /// A mock with the given provider and model ids.
    pub fn with_ids(provider: impl Into<String>, model_id: impl Into<String>) -> Self {
        MockLanguageModel {
            inner: Arc::new(Inner {
                provider: provider.into(),
                model_id: model_id.into(),
                supported_urls: Vec::new(),
                responses: Script::default(),
                streams: Script::default(),
                streams_dropped_early: Arc::default(),
                streams_finished: Arc::default(),
            }),
        }
    }

    /// The URLs the mock claims to read itself (set before cloning the mock).
    pub fn with_supported_urls(mut self, urls: Vec<SupportedUrl>) -> Self {
        match Arc::get_mut(&mut self.inner) {
            Some(inner) => inner.supported_urls = urls,
            None => panic!("set supported URLs before cloning the mock"),
        }
        self
    }

    /// Scripts the next `do_generate` answer.
    pub fn with_response(self, response: GenerateResponse) -> Self {
        self.inner.responses.push(Ok(response));
        self
    }

    /// Scripts the next `do_generate` answer, given after a delay (on the tokio clock).
    pub fn with_delayed_response(self, delay: Duration, response: GenerateResponse) -> Self {
        self.inner.responses.push_delayed(Some(delay), Ok(response));
        self
    }

    /// Scripts the next `do_generate` call to fail.
    pub fn with_error(self, error: impl Into<Error>) -> Self {
        self.inner.responses.push(Err(error.into()));
        self
    }

    /// Scripts the next `do_stream` answer.
    pub fn with_stream(self, stream: MockStream) -> Self {
        self.inner.streams.push(Ok(stream));
        self
    }

    /// Scripts the next `do_stream` call to fail before any part.
    pub fn with_stream_error(self, error: impl Into<Error>) -> Self {
        self.inner.streams.push(Err(error.into()));
        self
    }

    /// Every call received so far, in order (both `do_generate` and `do_stream`).
    pub fn calls(&self) -> Vec<CallOptions> {
        self.inner.responses.calls()
    }

    /// How many calls were received.
    pub fn call_count(&self) -> usize {
        self.inner.responses.call_count()
    }

    /// How many returned streams were dropped before their end: each one a cancelled request.
    pub fn streams_dropped_early(&self) -> usize {
        self.inner.streams_dropped_early.load(Ordering::SeqCst)
    }

    /// How many returned streams were read to their end.
    pub fn streams_finished(&self) -> usize {
        self.inner.streams_finished.load(Ordering::SeqCst)
    }
}

fn script_exhausted(kind: &str) -> Error {
    Error::invalid_argument("mock language model", format!("no scripted {kind} left"))
}

#[async_trait]
impl LanguageModel for MockLanguageModel {
    crate::provider::model_identity!(inner.provider, inner.model_id);

    fn supported_urls(&self) -> Vec<SupportedUrl> {
        self.inner.supported_urls.clone()
    }

    async fn do_generate(&self, options: &CallOptions) -> Result<GenerateResponse> {
        self.inner.responses.answer(options, |_| Err(script_exhausted("response"))).await
    }

    async fn do_stream(&self, options: &CallOptions) -> Result<StreamResponse> {
        self.inner.responses.record(options);
        let script = self.inner.streams.next().await.unwrap_or_else(|| Err(script_exhausted("stream")))?;
        let stream = PlayingStream {
            items: script.items,
            sleep: None,
            finished: false,
            dropped_early: self.inner.streams_dropped_early.clone(),
            finished_count: self.inner.streams_finished.clone(),
        };
        Ok(StreamResponse::new(Box::pin(stream), RequestMetadata::default(), ResponseMetadata::default()))
    }
}

/// A scripted stream: parts, pauses and errors, played in order.
#[derive(Debug, Clone, Default)]
pub struct MockStream {
    items: VecDeque<MockStreamItem>,
}

#[derive(Debug, Clone)]
enum MockStreamItem {
    Part(StreamPart),
    Delay(Duration),
    Error(Error),
}

impl MockStream {
    /// An empty script.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a part.
    pub fn part(mut self, part: StreamPart) -> Self {
        self.items.push_back(MockStreamItem::Part(part));
        self
    }

    /// Adds parts.
    pub fn parts(mut self, parts: impl IntoIterator<Item = StreamPart>) -> Self {
        self.items.extend(parts.into_iter().map(MockStreamItem::Part));
        self
    }

    /// Waits before the next item (on the tokio clock).
    pub fn delay(mut self, delay: Duration) -> Self {
        self.items.push_back(MockStreamItem::Delay(delay));
        self
    }

    /// Yields an error, which ends the stream.
    pub fn error(mut self, error: impl Into<Error>) -> Self {
        self.items.push_back(MockStreamItem::Error(error.into()));
        self
    }

    /// A complete text answer: stream start, one text block of these deltas, and a `stop` finish
    /// with 10 input and 5 output tokens.
    pub fn text<I: IntoIterator<Item = S>, S: Into<String>>(deltas: I) -> Self {
        Self::new().part(StreamPart::StreamStart { warnings: Vec::new() }).text_block(deltas).finish(FinishReason::Stop)
    }

    /// A complete tool-calling answer: for each `(id, tool name, input)` a tool-input block and the
    /// call, then a `tool-calls` finish with 10 input and 5 output tokens.
    pub fn tool_calls<I: IntoIterator<Item = (S, N, Value)>, S: Into<String>, N: Into<String>>(calls: I) -> Self {
        let mut stream = Self::new().part(StreamPart::StreamStart { warnings: Vec::new() });
        for (id, name, input) in calls {
            let id: String = id.into();
            let tool_name: String = name.into();
            let block: BlockId = Arc::from(id.as_str());
            stream = stream.parts([
                StreamPart::ToolInputStart {
                    id: block.clone(),
                    tool_name: tool_name.clone(),
                    provider_executed: false,
                    provider_metadata: None,
                },
                StreamPart::ToolInputDelta { id: block.clone(), delta: input.to_string() },
                StreamPart::ToolInputEnd { id: block, provider_metadata: None },
                StreamPart::ToolCall(Box::new(ToolCall::new(id, tool_name, input.to_string()))),
            ]);
        }
        stream.finish(FinishReason::ToolCalls)
    }

    /// Adds a text block (`text-0`, `text-1`... by position) of these deltas.
    pub fn text_block<I: IntoIterator<Item = S>, S: Into<String>>(mut self, deltas: I) -> Self {
        let index = self.items.iter().filter(|item| matches!(item, MockStreamItem::Part(StreamPart::TextStart { .. }))).count();
        let id: BlockId = Arc::from(format!("text-{index}"));
        self = self.part(StreamPart::TextStart { id: id.clone(), provider_metadata: None });
        for delta in deltas {
            self = self.part(StreamPart::TextDelta { id: id.clone(), delta: delta.into() });
        }
        self.part(StreamPart::TextEnd { id, provider_metadata: None })
    }

    /// Adds a finish part with 10 input and 5 output tokens.
    pub fn finish(self, finish_reason: FinishReason) -> Self {
        self.part(StreamPart::Finish {
            usage: Box::new(Usage::from_totals(Some(10), Some(5))),
            finish_reason,
            raw_finish_reason: None,
            provider_metadata: None,
        })
    }
}

/// A text answer with a `stop` finish and 10 input and 5 output tokens.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> specai::Result<()> {
/// use specai::test_util::{MockLanguageModel, text_response};
///
/// let model = MockLanguageModel::new().with_response(text_response("Hello!"));
/// assert_eq!(specai::generate_text(model).prompt("Hi").await?.text(), "Hello!");
/// # Ok(()) }
/// ```
pub fn text_response(text: impl Into<String>) -> GenerateResponse {
    GenerateResponse::new(vec![Content::text(text)], FinishReason::Stop, Usage::from_totals(Some(10), Some(5)))
}

/// A tool-calling answer: a call per `(id, tool name, input)`, a `tool-calls` finish, and 10 input
/// and 5 output tokens.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> specai::Result<()> {
/// use serde_json::json;
/// use specai::Tool;
/// use specai::test_util::{MockLanguageModel, text_response, tool_calls_response};
///
/// // Testing a tool loop: the model asks for the tool, then answers with its result.
/// let model = MockLanguageModel::new()
///     .with_response(tool_calls_response([("call_1", "add", json!({"a": 2, "b": 3}))]))
///     .with_response(text_response("2 + 3 = 5"));
/// let add = Tool::dynamic("Adds two numbers", json!({"type": "object"}))
///     .execute(|input, _context| async move { Ok(input["a"].as_i64().unwrap_or(0) + input["b"].as_i64().unwrap_or(0)) });
/// let result = specai::generate_text(model.clone()).prompt("2 + 3?").tool("add", add).stop_when(specai::step_count_is(2)).await?;
/// assert_eq!(result.steps[0].tool_results().next().unwrap().output, json!(5));
/// assert_eq!((result.text(), model.call_count()), ("2 + 3 = 5".into(), 2));
/// # Ok(()) }
/// ```
pub fn tool_calls_response<I: IntoIterator<Item = (S, N, Value)>, S: Into<String>, N: Into<String>>(
    calls: I,
) -> GenerateResponse {
    let content = calls
        .into_iter()
        .map(|(id, name, input)| Content::ToolCall(ToolCall::new(id, name, input.to_string())))
        .collect();
    GenerateResponse::new(content, FinishReason::ToolCalls, Usage::from_totals(Some(10), Some(5)))
}

struct PlayingStream {
    items: VecDeque<MockStreamItem>,
    sleep: Option<Pin<Box<tokio::time::Sleep>>>,
    finished: bool,
    dropped_early: Arc<AtomicUsize>,
    finished_count: Arc<AtomicUsize>,
}

impl Stream for PlayingStream {
    type Item = Result<crate::provider::StreamPart>;

    fn poll_next(mut self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        loop {
            if let Some(sleep) = &mut self.sleep {
                if sleep.as_mut().poll(context).is_pending() {
                    return Poll::Pending;
                }
                self.sleep = None;
            }
            match self.items.pop_front() {
                Some(MockStreamItem::Delay(delay)) => self.sleep = Some(Box::pin(tokio::time::sleep(delay))),
                Some(MockStreamItem::Part(part)) => return Poll::Ready(Some(Ok(part))),
                Some(MockStreamItem::Error(error)) => {
                    self.items.clear();
                    return Poll::Ready(Some(Err(error)));
                }
                None => {
                    if !self.finished {
                        self.finished = true;
                        self.finished_count.fetch_add(1, Ordering::SeqCst);
                    }
                    return Poll::Ready(None);
                }
            }
        }
    }
}

impl Drop for PlayingStream {
    fn drop(&mut self) {
        if !self.finished {
            self.dropped_early.fetch_add(1, Ordering::SeqCst);
        }
    }
}

#[cfg(test)]
mod tests {
    use futures::StreamExt;

    use super::*;

    #[tokio::test]
    async fn plays_scripts_in_order_and_records_calls() {
        let model = MockLanguageModel::new()
            .with_response(text_response("one"))
            .with_error(crate::error::ApiCallError::new(500, "http://x", "down"));
        let options = CallOptions::new(vec![crate::provider::Message::user("hi")]);
        assert_eq!(model.do_generate(&options).await.unwrap().content[0].as_text(), Some("one"));
        assert!(model.do_generate(&options).await.is_err());
        assert!(model.do_generate(&options).await.is_err());
        assert_eq!(model.call_count(), 3);
    }

    #[tokio::test]
    async fn tracks_streams_dropped_early() {
        let model = MockLanguageModel::new().with_stream(MockStream::text(["a", "b"])).with_stream(MockStream::text(["c"]));
        let options = CallOptions::default();
        let parts: Vec<_> = model.do_stream(&options).await.unwrap().stream.collect().await;
        assert_eq!(parts.len(), 6);
        let mut second = model.do_stream(&options).await.unwrap().stream;
        second.next().await;
        drop(second);
        assert_eq!(model.streams_finished(), 1);
        assert_eq!(model.streams_dropped_early(), 1);
    }
}
