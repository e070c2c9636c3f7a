//! The ways to read a [`StreamTextResult`]: the final values (each drives the rest of the stream
//! first), and the text, full, partial-output and element streams.

use std::collections::VecDeque;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::stream::{Stream, StreamExt};
use serde::de::DeserializeOwned;

use crate::error::Result;
use crate::output::{ArrayOutput, ElementCursor, OutputSpec};
use crate::provider::{FinishReason, Message, ResponseMetadata, Source, Usage, Warning};
use crate::step::{ParsedToolCall, StepContent, StepResult, ToolApprovalRequest, ToolCallResult};
use crate::step_engine::{GenerateTextResult, parse_output};

use super::driver::StreamTextResult;
use super::part::TextStreamPart;

impl<O: OutputSpec> StreamTextResult<O> {
    /// The text deltas of all steps. Yields an error and ends if the generation fails.
    pub fn text_stream(&mut self) -> TextStream<'_, O> {
        TextStream { result: self }
    }

    /// The text deltas, owning the result: `Send + 'static`, so it can be returned from a web
    /// handler or moved into a spawned task.
    ///
    /// ```
    /// use futures::{Stream, StreamExt};
    /// use specai::test_util::{MockLanguageModel, MockStream};
    ///
    /// // What an HTTP handler returns as its streaming body.
    /// fn answer(question: &str) -> impl Stream<Item = specai::Result<String>> + Send + 'static {
    ///     let model = MockLanguageModel::new().with_stream(MockStream::text(["Hello", " there"]));
    ///     specai::stream_text(model).prompt(question).into_text_stream()
    /// }
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let task = tokio::spawn(answer("Hi?").map(|delta| delta.unwrap()).collect::<String>());
    /// assert_eq!(task.await.unwrap(), "Hello there");
    /// # }
    /// ```
    pub fn into_text_stream(self) -> IntoTextStream<O> {
        IntoTextStream { result: self }
    }

    /// Every part, owning the result (the result is itself that stream): `Send + 'static`.
    pub fn into_stream(self) -> Self {
        self
    }

    /// Every part: step boundaries, text, reasoning, tool calls, results and errors, finish.
    pub fn full_stream(&mut self) -> FullStream<'_, O> {
        FullStream { result: self }
    }

    /// Partial structured outputs as the text grows (each new parseable prefix of a step's text).
    pub fn partial_output_stream(&mut self) -> PartialOutputStream<'_, O> {
        PartialOutputStream { result: self, text: String::new(), previous: None }
    }

    /// Drives the generation to its end without reading it (the final values stay available).
    pub async fn consume(&mut self) -> Result<()> {
        self.drive().await
    }

    /// Waits for the end and returns the steps.
    pub async fn steps(&mut self) -> Result<&[StepResult]> {
        self.drive().await?;
        Ok(&self.state.steps)
    }

    /// The final step's text.
    pub async fn text(&mut self) -> Result<String> {
        self.drive().await?;
        Ok(self.state.last_step()?.text().into_owned())
    }

    /// The final step's content.
    pub async fn content(&mut self) -> Result<&[StepContent]> {
        self.drive().await?;
        Ok(&self.state.last_step()?.content)
    }

    /// The final step's reasoning text, when it reasoned.
    pub async fn reasoning_text(&mut self) -> Result<Option<String>> {
        self.drive().await?;
        Ok(self.state.last_step()?.reasoning_text())
    }

    /// The final step's tool calls.
    pub async fn tool_calls(&mut self) -> Result<impl Iterator<Item = &ParsedToolCall>> {
        self.drive().await?;
        Ok(self.state.last_step()?.tool_calls())
    }

    /// The final step's tool results.
    pub async fn tool_results(&mut self) -> Result<impl Iterator<Item = &ToolCallResult>> {
        self.drive().await?;
        Ok(self.state.last_step()?.tool_results())
    }

    /// The sources cited in all steps.
    pub async fn sources(&mut self) -> Result<impl Iterator<Item = &Source>> {
        self.drive().await?;
        Ok(self.state.steps.iter().flat_map(StepResult::sources))
    }

    /// Why the final step stopped.
    pub async fn finish_reason(&mut self) -> Result<FinishReason> {
        self.drive().await?;
        Ok(self.state.last_step()?.finish_reason)
    }

    /// The final step's usage.
    pub async fn usage(&mut self) -> Result<Usage> {
        self.drive().await?;
        Ok(self.state.last_step()?.usage.clone())
    }

    /// Token usage summed over all steps.
    pub async fn total_usage(&mut self) -> Result<Usage> {
        self.drive().await?;
        Ok(self.state.total_usage.clone())
    }

    /// The warnings of all steps.
    pub async fn warnings(&mut self) -> Result<Vec<Warning>> {
        self.drive().await?;
        Ok(self.state.steps.iter().flat_map(|step| step.warnings.iter().cloned()).collect())
    }

    /// The final step's response metadata.
    pub async fn response(&mut self) -> Result<&ResponseMetadata> {
        self.drive().await?;
        Ok(&self.state.last_step()?.response)
    }

    /// The messages this generation added, to append to the conversation for the next turn: the
    /// answers to the caller's tool approvals (if any), then every step's messages.
    pub async fn response_messages(&mut self) -> Result<Vec<Message>> {
        self.drive().await?;
        Ok(self.state.response_messages())
    }

    /// The final step's tool calls that wait for approval.
    pub async fn tool_approval_requests(&mut self) -> Result<Vec<&ToolApprovalRequest>> {
        self.drive().await?;
        Ok(self.state.last_step()?.tool_approval_requests().collect())
    }

    /// The final text parsed by the output spec; [`Error::NoObjectGenerated`](crate::Error::NoObjectGenerated) when it does not parse.
    pub async fn output(&mut self) -> Result<O::Complete> {
        self.drive().await?;
        parse_output(self.output.as_ref(), self.state.last_step()?, &self.state.total_usage)
    }

    /// Waits for the end and returns everything as a [`GenerateTextResult`].
    pub async fn into_result(mut self) -> Result<GenerateTextResult<O::Complete>> {
        self.drive().await?;
        let output = parse_output(self.output.as_ref(), self.state.last_step()?, &self.state.total_usage)?;
        Ok(self.state.into_result(output))
    }
}

/// The full stream is the result itself.
impl<O: OutputSpec> Stream for StreamTextResult<O> {
    type Item = Result<TextStreamPart>;

    fn poll_next(self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().poll_part(context)
    }
}

/// The text deltas of a [`StreamTextResult`].
#[must_use = "streams do nothing unless polled"]
pub struct TextStream<'a, O: OutputSpec> {
    result: &'a mut StreamTextResult<O>,
}

impl<O: OutputSpec> Stream for TextStream<'_, O> {
    type Item = Result<String>;

    fn poll_next(self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        poll_text(self.get_mut().result, context)
    }
}

/// The text deltas of a [`StreamTextResult`] it owns; see
/// [`into_text_stream`](StreamTextResult::into_text_stream).
#[must_use = "streams do nothing unless polled"]
pub struct IntoTextStream<O: OutputSpec> {
    result: StreamTextResult<O>,
}

impl<O: OutputSpec> Stream for IntoTextStream<O> {
    type Item = Result<String>;

    fn poll_next(self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        poll_text(&mut self.get_mut().result, context)
    }
}

/// The next text delta, skipping the other parts.
fn poll_text<O: OutputSpec>(result: &mut StreamTextResult<O>, context: &mut Context<'_>) -> Poll<Option<Result<String>>> {
    loop {
        match result.poll_part(context) {
            Poll::Ready(Some(Ok(TextStreamPart::TextDelta { delta, .. }))) => return Poll::Ready(Some(Ok(delta))),
            Poll::Ready(Some(Ok(_))) => continue,
            Poll::Ready(Some(Err(error))) => return Poll::Ready(Some(Err(error))),
            Poll::Ready(None) => return Poll::Ready(None),
            Poll::Pending => return Poll::Pending,
        }
    }
}

impl<T> StreamTextResult<ArrayOutput<T>>
where
    T: DeserializeOwned + Clone + Send + Sync + 'static,
{
    /// Each element of the array, once, as soon as it is complete.
    pub fn element_stream(&mut self) -> ElementStream<'_, T> {
        ElementStream { partials: self.partial_output_stream(), cursor: ElementCursor::new(), ready: VecDeque::new(), ended: false }
    }
}

/// The completed elements of an array output, from [`StreamTextResult::element_stream`].
#[must_use = "streams do nothing unless polled"]
pub struct ElementStream<'a, T>
where
    T: DeserializeOwned + Clone + Send + Sync + 'static,
{
    partials: PartialOutputStream<'a, ArrayOutput<T>>,
    cursor: ElementCursor,
    ready: VecDeque<T>,
    ended: bool,
}

// Nothing in it is ever pinned in place.
impl<T> Unpin for ElementStream<'_, T> where T: DeserializeOwned + Clone + Send + Sync + 'static {}

impl<T> Stream for ElementStream<'_, T>
where
    T: DeserializeOwned + Clone + Send + Sync + 'static,
{
    type Item = Result<T>;

    fn poll_next(self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(element) = this.ready.pop_front() {
                return Poll::Ready(Some(Ok(element)));
            }
            if this.ended {
                return Poll::Ready(None);
            }
            match this.partials.poll_next_unpin(context) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Some(Err(error))) => {
                    this.ended = true;
                    return Poll::Ready(Some(Err(error)));
                }
                Poll::Ready(Some(Ok(elements))) => this.ready.extend(this.cursor.next_elements(&elements).iter().cloned()),
                Poll::Ready(None) => {
                    // The last element is complete only once the whole array is.
                    this.ended = true;
                    let result = &mut *this.partials.result;
                    if result.error.is_none() {
                        let state = &result.state;
                        let last = state.last_step().and_then(|step| parse_output(result.output.as_ref(), step, &state.total_usage));
                        match last {
                            Ok(elements) => this.ready.extend(this.cursor.next_elements(&elements).iter().cloned()),
                            Err(error) => return Poll::Ready(Some(Err(error))),
                        }
                    }
                }
            }
        }
    }
}

/// All parts of a [`StreamTextResult`].
#[must_use = "streams do nothing unless polled"]
pub struct FullStream<'a, O: OutputSpec> {
    result: &'a mut StreamTextResult<O>,
}

impl<O: OutputSpec> Stream for FullStream<'_, O> {
    type Item = Result<TextStreamPart>;

    fn poll_next(self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().result.poll_part(context)
    }
}

/// Partial structured outputs of a [`StreamTextResult`].
#[must_use = "streams do nothing unless polled"]
pub struct PartialOutputStream<'a, O: OutputSpec> {
    result: &'a mut StreamTextResult<O>,
    text: String,
    previous: Option<O::Partial>,
}

// Nothing in it is ever pinned in place.
impl<O: OutputSpec> Unpin for PartialOutputStream<'_, O> {}

impl<O: OutputSpec> Stream for PartialOutputStream<'_, O> {
    type Item = Result<O::Partial>;

    fn poll_next(self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            match this.result.poll_part(context) {
                Poll::Ready(Some(Ok(TextStreamPart::TextDelta { delta, .. }))) => {
                    this.text.push_str(&delta);
                    let output = &this.result.output;
                    if let Some(partial) = output.parse_partial(&this.text)
                        && output.is_new_partial(this.previous.as_ref(), &partial)
                    {
                        this.previous = Some(partial.clone());
                        return Poll::Ready(Some(Ok(partial)));
                    }
                }
                Poll::Ready(Some(Ok(TextStreamPart::StartStep { .. }))) => {
                    this.text.clear();
                    this.previous = None;
                }
                Poll::Ready(Some(Ok(_))) => continue,
                Poll::Ready(Some(Err(error))) => return Poll::Ready(Some(Err(error))),
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}
