//! `generate_text`: a complete answer, with tools run in a multi-step loop.
//!
//! The builder collects the model, the prompt, tools and settings; awaiting it runs the loop:
//! call the model (with retries), run the tool calls it made concurrently, append the results to
//! the conversation and call the model again, until a stop condition holds or a tool call is left
//! for the caller. Everything runs inside the awaited future: no task is spawned, so dropping the
//! future cancels the call, and a call costs one boxed future beyond the provider's own work.
//!
//! The loop itself is the crate's step engine, which `stream_text` runs too; this module is the
//! builder (here) and the awaited run of the loop (`run`).

use std::future::IntoFuture;

use futures::future::BoxFuture;

use crate::call_settings::{CallSettings, call_settings_methods};
use crate::error::{Error, Result};
use crate::into_model::IntoModel;
use crate::provider::LanguageModel;
use crate::step_engine::{TextRequest, response_format_of, text_request_methods};
use crate::telemetry::{in_operation, spans};
use crate::tool::Tool;

pub use crate::output::{OutputParseError, OutputSpec, TextOutput};
pub use crate::step_engine::{GenerateTextResult, OnFinish, OnStart, OnStepFinish, OnStepStart, StartEvent, StepStartEvent};

mod run;
#[cfg(test)]
mod step_hooks_tests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tool_approval_tests;

/// Generates text, running tools in a multi-step loop. Configure the returned builder, then
/// `.await` it.
///
/// ```
/// # async fn example() -> specai::Result<()> {
/// # let model = specai::test_util::MockLanguageModel::new().with_response(specai::test_util::text_response("4"));
/// let result = specai::generate_text(model).system("Answer with a number.").prompt("2 + 2?").await?;
/// println!("{} ({:?} tokens)", result.text(), result.total_usage.total_tokens());
/// # Ok(()) }
/// ```
pub fn generate_text(model: impl IntoModel<dyn LanguageModel>) -> GenerateText {
    GenerateText {
        request: Box::new(TextRequest::new(model.into_model())),
        settings: Box::default(),
        output: TextOutput,
        error: None,
    }
}

/// The builder of a `generate_text` call; `.await` runs it.
///
/// A plain value until awaited: build it in one place, await it in another (or move it into a
/// spawned task, it is `Send + 'static`).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> specai::Result<()> {
/// use std::time::Duration;
/// use specai::test_util::{MockLanguageModel, text_response};
///
/// let model = MockLanguageModel::new().with_response(text_response("Paris"));
/// let call: specai::GenerateText = specai::generate_text(model.clone())
///     .system("Answer in one word.")
///     .prompt("Capital of France?")
///     .temperature(0.0)
///     .max_output_tokens(16)
///     .timeout(Duration::from_secs(30));
/// let result = tokio::spawn(call.into_future()).await.unwrap()?;
/// assert_eq!(result.text(), "Paris");
/// assert_eq!(model.calls()[0].max_output_tokens, Some(16));
/// # Ok(()) }
/// ```
#[must_use = "a generate_text builder does nothing until awaited: add `.await` (for a stream, use `stream_text(..).start()`)"]
pub struct GenerateText<O: OutputSpec = TextOutput> {
    // Boxed: the builder moves at every method call and into the run's future, which every
    // request allocates; boxed, each move is a pointer, and the future stays in the allocator's
    // small-block cache (the test `the_run_future_fits_the_allocators_small_block_cache`).
    request: Box<TextRequest>,
    settings: Box<CallSettings>,
    output: O,
    error: Option<Error>,
}

impl<O: OutputSpec> GenerateText<O> {
    /// A builder from prepared parts (the agent's runs).
    #[cfg(feature = "agent")]
    pub(crate) fn from_parts(request: TextRequest, settings: CallSettings, output: O, error: Option<Error>) -> Self {
        GenerateText { request: Box::new(request), settings: Box::new(settings), output, error }
    }

    text_request_methods!();
    call_settings_methods!();

    /// Asks for structured output (`Output::object::<T>()`...): the result's `output` holds the
    /// parsed value, and a text that does not parse fails with [`Error::NoObjectGenerated`].
    pub fn output<Next: OutputSpec>(self, output: Next) -> GenerateText<Next> {
        GenerateText { request: self.request, settings: self.settings, output, error: self.error }
    }

    // The result's methods, for an error that says to add `.await` (`builder_hints`).
    crate::builder_hints::result_method_hints!(crate::builder_hints::AwaitTheBuilderFirst:
        final_step, text, content, reasoning_text, tool_calls, tool_results, tool_errors, files, sources,
        finish_reason, usage, warnings, request, response, provider_metadata, response_messages,
        tool_approval_requests, into_output);
}

impl<O: OutputSpec> IntoFuture for GenerateText<O> {
    type Output = Result<GenerateTextResult<O::Complete>>;
    type IntoFuture = BoxFuture<'static, Self::Output>;

    fn into_future(self) -> Self::IntoFuture {
        let total = self.settings.timeouts.total;
        let token = self.settings.cancellation_token.clone();
        let output = &self.output;
        let span = spans::text_operation_span(
            self.request.defaults.model.as_ref(),
            false,
            || response_format_of(output).is_some(),
            &self.settings.telemetry,
        );
        let record = |span: &tracing::Span, result: &GenerateTextResult<O::Complete>| {
            spans::record_generation(span, &result.steps, &result.total_usage)
        };
        // A builder error fails the call, in its span, before anything runs: the run's future
        // need not carry it.
        if let Some(error) = self.error {
            return Box::pin(in_operation(span, std::future::ready(Err(error)), record));
        }
        let run = run::run(self.request, self.settings, self.output);
        // Without a deadline or token the guard adds nothing but its own fields and checks.
        // Without a subscriber the span is disabled and `in_operation` is the bare future.
        match (total, token) {
            (None, None) if span.is_disabled() => Box::pin(run),
            (None, None) => Box::pin(in_operation(span, run, record)),
            (total, token) => Box::pin(in_operation(span, run::guard(run, total, token), record)),
        }
    }
}

#[allow(dead_code)]
fn assert_tool_is_send_sync() {
    fn check<T: Send + Sync>() {}
    check::<Tool>();
    check::<GenerateText>();
}
