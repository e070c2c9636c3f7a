//! `stream_text`: text as it is generated, with tools run in the same multi-step loop as
//! `generate_text`.
//!
//! [`StreamTextResult`] is a state machine driven by whoever polls it: the caller's text stream,
//! full stream, partial-output stream, or one of the awaitable final values (which drive the
//! rest of the stream themselves). Nothing is spawned and no channel sits between the provider and
//! the caller: polling the text stream polls the provider's
//! [`PartStream`](crate::provider::PartStream) directly, moves each delta out to the caller and
//! appends it to the step's text, which is what the final values are built from. Tool calls run concurrently inside the same poll loop (a `FuturesUnordered`), as
//! soon as the model has made them. Dropping the result drops the provider's stream, which cancels
//! the request.
//!
//! The loop's bookkeeping is the crate's step engine, which `generate_text` runs too. Here: the
//! builder, the parts ([`TextStreamPart`]), the recorder that turns parts into the step result,
//! the driver (the state machine and its deadlines) and the views that read it.

use crate::call_settings::{CallSettings, call_settings_methods};
use crate::error::Error;
use crate::into_model::IntoModel;
use crate::output::{OutputSpec, TextOutput};
use crate::provider::LanguageModel;
use crate::step_engine::{TextRequest, text_request_methods};

mod deadlines;
mod driver;
mod part;
mod recorder;
#[cfg(feature = "smooth-stream")]
mod smooth_stream;
mod stream_extras;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tool_approval_tests;
mod transform;
#[cfg(all(test, feature = "smooth-stream"))]
mod transform_tests;
mod views;

pub use driver::StreamTextResult;
pub use part::{GenerationFinish, StepFinish, TextStreamPart};
#[cfg(feature = "smooth-stream")]
pub use smooth_stream::{ChunkDetector, Chunking, SmoothStream, smooth_stream};
pub use stream_extras::{OnAbort, OnChunk, OnError};
pub(crate) use stream_extras::StreamExtras;
pub use transform::{MapParts, PartSource, StreamTransform, map_parts};
pub use views::{ElementStream, FullStream, IntoTextStream, PartialOutputStream, TextStream};

/// Streams text, running tools in a multi-step loop. Configure the returned builder, then call
/// [`start`](StreamText::start), which returns at once; the request is made when the result is
/// first polled.
///
/// ```
/// # async fn example() -> specai::Result<()> {
/// # let model = specai::test_util::MockLanguageModel::new().with_stream(specai::test_util::MockStream::text(["Hel", "lo"]));
/// use futures::StreamExt;
///
/// let mut result = specai::stream_text(model).prompt("Say hello").start();
/// let mut deltas = result.text_stream();
/// while let Some(delta) = deltas.next().await {
///     print!("{}", delta?);
/// }
/// println!("\n{:?} tokens", result.total_usage().await?.total_tokens());
/// # Ok(()) }
/// ```
pub fn stream_text(model: impl IntoModel<dyn LanguageModel>) -> StreamText {
    StreamText {
        request: TextRequest::new(model.into_model()),
        settings: CallSettings::default(),
        output: TextOutput,
        error: None,
        extras: StreamExtras::default(),
    }
}

// The attribute before the docs: .ci/missing_doc_examples.py reads the doc lines right above an item.
#[must_use = "a stream_text builder does nothing by itself: call `.start()` for the result (then \
              `.text_stream()`, `.text().await`...), or `.into_text_stream()` for an owned stream"]
/// The builder of a `stream_text` call; [`start`](StreamText::start) returns the result.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> specai::Result<()> {
/// use specai::test_util::{MockLanguageModel, MockStream};
///
/// let model = MockLanguageModel::new().with_stream(MockStream::text(["Once", " upon", " a time"]));
/// let mut result = specai::stream_text(model.clone()).system("You tell stories.").prompt("Begin a story").temperature(0.9).start();
/// assert_eq!(model.call_count(), 0, "nothing is sent until the result is read");
/// // The final values can be awaited without reading the stream.
/// assert_eq!(result.text().await?, "Once upon a time");
/// assert_eq!(model.calls()[0].temperature, Some(0.9));
/// # Ok(()) }
/// ```
pub struct StreamText<O: OutputSpec = TextOutput> {
    request: TextRequest,
    settings: CallSettings,
    output: O,
    error: Option<Error>,
    extras: StreamExtras,
}

impl<O: OutputSpec> StreamText<O> {
    /// A builder from prepared parts (the agent's runs).
    #[cfg(feature = "agent")]
    pub(crate) fn from_parts(request: TextRequest, settings: CallSettings, output: O, error: Option<Error>) -> Self {
        StreamText { request, settings, output, error, extras: StreamExtras::default() }
    }

    text_request_methods!();
    call_settings_methods!();

    /// Asks for structured output: partial values stream from
    /// [`partial_output_stream`](StreamTextResult::partial_output_stream), and
    /// [`output`](StreamTextResult::output) parses the final text.
    pub fn output<Next: OutputSpec>(self, output: Next) -> StreamText<Next> {
        StreamText { request: self.request, settings: self.settings, output, error: self.error, extras: self.extras }
    }

    // The result's methods, for an error that says to add `.start()` (`builder_hints`).
    crate::builder_hints::result_method_hints!(crate::builder_hints::StartTheBuilderFirst:
        consume, content, element_stream, finish_reason, full_stream, into_stream, into_result,
        partial_output_stream, reasoning_text, response, response_messages, sources, steps, text,
        text_stream, tool_approval_requests, tool_calls, tool_results, total_usage, usage, warnings);

    /// Adds a transform of the parts the caller reads ([`smooth_stream()`], [`map_parts`] or
    /// your own [`StreamTransform`]); transforms apply in the order added. The final values
    /// (`text().await`...) come from the untransformed parts.
    pub fn transform(mut self, transform: impl StreamTransform + 'static) -> Self {
        self.extras.transforms.push(Box::new(transform));
        self
    }

    /// Called with each part the generation makes, before transforms (also when only the final
    /// values are awaited).
    pub fn on_chunk(mut self, callback: impl Fn(&TextStreamPart) + Send + Sync + 'static) -> Self {
        self.extras.callbacks.on_chunk = Some(std::sync::Arc::new(callback));
        self
    }

    /// Called when the generation fails; the error also reaches the reader. Not called for a
    /// cancellation, which calls `on_abort`.
    pub fn on_error(mut self, callback: impl Fn(&Error) + Send + Sync + 'static) -> Self {
        self.extras.callbacks.on_error = Some(std::sync::Arc::new(callback));
        self
    }

    /// Called with the steps so far when the cancellation token fires; the reader then gets a
    /// [`TextStreamPart::Abort`] part and [`Error::Cancelled`].
    pub fn on_abort(mut self, callback: impl Fn(&[crate::step::StepResult]) + Send + Sync + 'static) -> Self {
        self.extras.callbacks.on_abort = Some(std::sync::Arc::new(callback));
        self
    }

    /// Returns the result at once; nothing is sent until it is polled.
    pub fn start(self) -> StreamTextResult<O> {
        StreamTextResult::new(self.request, self.settings, self.output, self.error, self.extras)
    }

    /// Starts the call and returns its text deltas as an owned, `Send + 'static` stream
    /// (`.start().into_text_stream()`); see [`StreamTextResult::into_text_stream`].
    pub fn into_text_stream(self) -> IntoTextStream<O> {
        self.start().into_text_stream()
    }
}
