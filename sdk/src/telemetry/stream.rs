//! The spans of a `stream_text` generation, which a poll loop drives: the operation's, the
//! current step's and the current model call's are kept here and entered only to make their
//! children, since the generation runs in whoever polls it.

use tracing::Span;

use crate::error::Error;
use crate::provider::{CallOptions, LanguageModel, ResponseMetadata, Usage};
use crate::step::StepResult;

use super::attributes::{self, operation};
use super::settings::TelemetrySettings;
use super::spans::{self, ModelCall};

/// The spans of a stream in progress.
pub(crate) struct StreamTelemetry {
    operation: Span,
    step: Span,
    call: Option<ModelCall>,
    record_content: bool,
}

impl StreamTelemetry {
    /// Opens the operation's span, a child of the current span.
    pub(crate) fn new(model: &dyn LanguageModel, is_object: impl FnOnce() -> bool, telemetry: &TelemetrySettings) -> Self {
        StreamTelemetry {
            operation: spans::text_operation_span(model, true, is_object, telemetry),
            step: Span::none(),
            call: None,
            record_content: telemetry.records_content(),
        }
    }

    /// Runs `start` (tools run before the first step) inside the operation's span.
    pub(crate) fn in_operation<R>(&self, start: impl FnOnce() -> R) -> R {
        self.operation.in_scope(start)
    }

    /// Runs `start` (the step's tools) inside the step's span.
    pub(crate) fn in_step<R>(&self, start: impl FnOnce() -> R) -> R {
        self.step.in_scope(start)
    }

    /// Opens a step's span and its model call's; gives the call's span to connect in.
    pub(crate) fn start_step(&mut self, step_number: usize, model: &dyn LanguageModel, options: &CallOptions) -> Span {
        self.step = self.operation.in_scope(|| spans::step_span(step_number));
        let call = self.step.in_scope(|| {
            ModelCall::start(operation::CHAT, model.provider(), model.model_id(), self.record_content)
        });
        call.record_options(options);
        let span = call.span.clone();
        self.call = Some(call);
        span
    }

    /// Records the response metadata known once connected.
    pub(crate) fn connected(&self, response: &ResponseMetadata) {
        if let Some(call) = &self.call {
            call.record_response(response);
        }
    }

    /// Notes a chunk of output, for the chunk timings.
    #[inline]
    pub(crate) fn chunk(&mut self) {
        if let Some(call) = &mut self.call {
            call.chunk();
        }
    }

    /// Ends the model call when its stream ends: the step so far has its usage, finish reason
    /// and the model's output.
    pub(crate) fn end_call(&mut self, step: &StepResult) {
        if let Some(mut call) = self.call.take() {
            // Metadata that came as a stream part.
            call.record_response(&step.response);
            call.record_finish(step.finish_reason, &step.usage);
            call.record_output(|| attributes::step_output_messages(&step.content, step.finish_reason));
            call.finish(None);
        }
    }

    /// Ends the step's span.
    pub(crate) fn end_step(&mut self, step: &StepResult) {
        spans::record_step(&self.step, step);
        self.step = Span::none();
    }

    /// Ends the operation's span.
    pub(crate) fn end(&mut self, steps: &[StepResult], total_usage: &Usage) {
        spans::record_generation(&self.operation, steps, total_usage);
        self.operation = Span::none();
    }

    /// Records a failure on every open span and closes them.
    pub(crate) fn fail(&mut self, error: &Error) {
        if let Some(call) = self.call.take() {
            call.finish(Some(error));
        }
        spans::record_error(&self.step, error);
        spans::record_error(&self.operation, error);
        self.step = Span::none();
        self.operation = Span::none();
    }
}

/// Whether a provider part carries output (text, reasoning, a tool call or its input), which
/// the chunk timings count; metadata and framing parts do not.
pub(crate) fn is_output_chunk(part: &crate::provider::StreamPart) -> bool {
    use crate::provider::StreamPart;
    matches!(
        part,
        StreamPart::TextDelta { .. }
            | StreamPart::ReasoningDelta { .. }
            | StreamPart::ToolInputDelta { .. }
            | StreamPart::ToolCall(_)
            | StreamPart::File(_)
    )
}
