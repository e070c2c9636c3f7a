//! The spans: one per operation (`generate_text`, `embed`...), one per step of a tool loop, one
//! per model call (`chat {model}`, `embeddings {model}`...) and one per tool execution
//! (`execute_tool {tool}`), with the GenAI conventions' attributes.
//!
//! Every span declares all its fields up front, most as `Empty`, and the values are recorded
//! when they are known; a span's OpenTelemetry name is its `otel.name`. When nothing subscribes
//! the spans are disabled: creating one is a check of its callsite's interest, recording on it
//! returns at once, and the helpers here check `is_disabled` before building any value.

// Parts of this module serve only the single-call builders of the other model kinds (embed,
// generate_image, ...), each behind its feature: unused code is caught in builds with all of them.
#![cfg_attr(
    not(all(feature = "embedding", feature = "image", feature = "speech", feature = "transcription", feature = "reranking")),
    allow(dead_code)
)]

use std::time::Instant;

use tracing::Span;
use tracing::field::Empty;

use crate::error::Error;
use crate::provider::{CallOptions, FinishReason, ResponseFormat, ResponseMetadata, Usage};

use super::attributes::{self, provider_name};
use super::metrics::{self, MetricAttributes, span_integer};
use super::settings::TelemetrySettings;

/// `tracing::info_span!` of a span that ends with an outcome (an operation, a step, a model
/// call): its own fields, then the outcome's, which every such span records the same way (the
/// finish reasons, the token counts, the error and the status), `Empty` until it ends.
macro_rules! outcome_span {
    ($name:literal, $($fields:tt)*) => {
        tracing::info_span!(
            target: "specai::telemetry",
            $name,
            $($fields)*
            gen_ai.response.finish_reasons = Empty,
            gen_ai.usage.input_tokens = Empty,
            gen_ai.usage.output_tokens = Empty,
            error.type = Empty,
            otel.status_code = Empty,
            otel.status_description = Empty,
        )
    };
}

/// The span of a whole operation: `{function} {model}`, e.g. `generate_text gpt-4o`.
pub(crate) fn operation_span(
    function: &'static str,
    operation: &'static str,
    provider: &str,
    model: &str,
    telemetry: &TelemetrySettings,
) -> Span {
    outcome_span!(
        "gen_ai.operation",
        otel.name = format_args!("{function} {model}"),
        specai.operation.name = function,
        specai.function_id = telemetry.function_id.as_deref(),
        gen_ai.operation.name = operation,
        gen_ai.provider.name = provider_name(provider),
        gen_ai.request.model = model,
    )
}

/// The span of one step of a tool loop, a child of the operation's.
pub(crate) fn step_span(step_number: usize) -> Span {
    outcome_span!(
        "gen_ai.step",
        otel.name = format_args!("step {step_number}"),
        specai.step.number = step_number,
    )
}

/// The span of one tool execution: `execute_tool {tool}`.
pub(crate) fn tool_span(tool_name: &str, tool_call_id: &str) -> Span {
    tracing::info_span!(
        target: "specai::telemetry",
        "gen_ai.execute_tool",
        otel.name = format_args!("execute_tool {tool_name}"),
        otel.kind = "internal",
        gen_ai.operation.name = attributes::operation::EXECUTE_TOOL,
        gen_ai.tool.name = tool_name,
        gen_ai.tool.call.id = tool_call_id,
        gen_ai.tool.type = "function",
        gen_ai.tool.call.arguments = Empty,
        gen_ai.tool.call.result = Empty,
        error.type = Empty,
        otel.status_code = Empty,
        otel.status_description = Empty,
    )
}

/// Records a failure on a span: `error.type` and an error status with the error's message
/// (which never holds a key).
pub(crate) fn record_error(span: &Span, error: &Error) {
    if span.is_disabled() {
        return;
    }
    span.record("error.type", attributes::error_type(error));
    span.record("otel.status_code", "error");
    span.record("otel.status_description", tracing::field::display(error));
}

/// Records token usage (and cache tokens, on spans that declare them).
pub(crate) fn record_usage(span: &Span, usage: &Usage) {
    if span.is_disabled() {
        return;
    }
    if let Some(input) = usage.input_tokens.total {
        span.record("gen_ai.usage.input_tokens", span_integer(input));
    }
    if let Some(output) = usage.output_tokens.total {
        span.record("gen_ai.usage.output_tokens", span_integer(output));
    }
    if let Some(read) = usage.input_tokens.cache_read {
        span.record("gen_ai.usage.cache_read.input_tokens", span_integer(read));
    }
    if let Some(write) = usage.input_tokens.cache_write {
        span.record("gen_ai.usage.cache_creation.input_tokens", span_integer(write));
    }
}

/// Records the finish reason, as the conventions' one-element array.
pub(crate) fn record_finish_reason(span: &Span, reason: FinishReason) {
    if span.is_disabled() {
        return;
    }
    span.record("gen_ai.response.finish_reasons", format_args!("[\"{}\"]", attributes::finish_reason(reason)));
}

/// The span of one model call, its timings and what its metrics carry.
pub(crate) struct ModelCall {
    /// The call's span; model calls run inside it.
    pub(crate) span: Span,
    /// Whether prompts and outputs are recorded.
    pub(crate) record_content: bool,
    /// Timings, only when someone listens (to the span: see `metrics`).
    timing: Option<Box<Timing>>,
}

struct Timing {
    attributes: MetricAttributes,
    started: Instant,
    last_chunk: Option<Instant>,
    usage: Option<(Option<u64>, Option<u64>)>,
}

impl ModelCall {
    /// Opens the span of a model call: `{operation} {model}`, a child of the current span.
    pub(crate) fn start(operation: &'static str, provider: &str, model: &str, record_content: bool) -> Self {
        let span = outcome_span!(
            "gen_ai.model_call",
            otel.name = format_args!("{operation} {model}"),
            otel.kind = "client",
            gen_ai.operation.name = operation,
            gen_ai.provider.name = provider_name(provider),
            gen_ai.request.model = model,
            gen_ai.output.type = Empty,
            gen_ai.request.max_tokens = Empty,
            gen_ai.request.temperature = Empty,
            gen_ai.request.top_p = Empty,
            gen_ai.request.top_k = Empty,
            gen_ai.request.presence_penalty = Empty,
            gen_ai.request.frequency_penalty = Empty,
            gen_ai.request.stop_sequences = Empty,
            gen_ai.request.seed = Empty,
            gen_ai.request.choice.count = Empty,
            gen_ai.response.id = Empty,
            gen_ai.response.model = Empty,
            gen_ai.usage.cache_read.input_tokens = Empty,
            gen_ai.usage.cache_creation.input_tokens = Empty,
            gen_ai.system_instructions = Empty,
            gen_ai.input.messages = Empty,
            gen_ai.output.messages = Empty,
        );
        let timing = (!span.is_disabled()).then(|| {
            let attributes = MetricAttributes { operation, provider: provider_name(provider).to_owned(), model: model.to_owned() };
            Box::new(Timing { attributes, started: Instant::now(), last_chunk: None, usage: None })
        });
        ModelCall { span, record_content, timing }
    }

    /// Records the settings of a language model call, and its prompt when content is recorded.
    pub(crate) fn record_options(&self, options: &CallOptions) {
        let span = &self.span;
        if span.is_disabled() {
            return;
        }
        let output_type = match options.response_format {
            Some(ResponseFormat::Json { .. }) => "json",
            _ => "text",
        };
        span.record("gen_ai.output.type", output_type);
        if let Some(max_tokens) = options.max_output_tokens {
            span.record("gen_ai.request.max_tokens", max_tokens);
        }
        if let Some(temperature) = options.temperature {
            span.record("gen_ai.request.temperature", f64::from(temperature));
        }
        if let Some(top_p) = options.top_p {
            span.record("gen_ai.request.top_p", f64::from(top_p));
        }
        if let Some(top_k) = options.top_k {
            span.record("gen_ai.request.top_k", f64::from(top_k));
        }
        if let Some(penalty) = options.presence_penalty {
            span.record("gen_ai.request.presence_penalty", f64::from(penalty));
        }
        if let Some(penalty) = options.frequency_penalty {
            span.record("gen_ai.request.frequency_penalty", f64::from(penalty));
        }
        if !options.stop_sequences.is_empty() {
            let sequences = serde_json::to_string(&options.stop_sequences).unwrap_or_default();
            span.record("gen_ai.request.stop_sequences", sequences);
        }
        if let Some(seed) = options.seed {
            span.record("gen_ai.request.seed", span_integer(seed));
        }
        if self.record_content {
            let (system, messages) = split_system(&options.prompt);
            if !system.is_empty() {
                span.record("gen_ai.system_instructions", attributes::system_instructions(&system));
            }
            span.record("gen_ai.input.messages", attributes::input_messages(messages));
        }
    }

    /// Records what kind of output a non-language model makes (`image`, `speech`, `text`...).
    pub(crate) fn record_output_type(&self, output_type: &'static str) {
        self.span.record("gen_ai.output.type", output_type);
    }

    /// Records the number of outputs asked for (images).
    pub(crate) fn record_choice_count(&self, count: u32) {
        self.span.record("gen_ai.request.choice.count", count);
    }

    /// Records the response's id and model.
    pub(crate) fn record_response(&self, response: &ResponseMetadata) {
        if self.span.is_disabled() {
            return;
        }
        if let Some(id) = &response.id {
            self.span.record("gen_ai.response.id", id.as_str());
        }
        if let Some(model) = &response.model_id {
            self.span.record("gen_ai.response.model", model.as_str());
        }
    }

    /// Records the finish reason and usage of a language model call.
    pub(crate) fn record_finish(&mut self, reason: FinishReason, usage: &Usage) {
        record_finish_reason(&self.span, reason);
        record_usage(&self.span, usage);
        if let Some(timing) = &mut self.timing {
            timing.usage = Some((usage.input_tokens.total, usage.output_tokens.total));
        }
    }

    /// Records the input tokens of a call that reports only those (embeddings).
    pub(crate) fn record_input_tokens(&mut self, tokens: u64) {
        self.span.record("gen_ai.usage.input_tokens", span_integer(tokens));
        if let Some(timing) = &mut self.timing {
            timing.usage = Some((Some(tokens), None));
        }
    }

    /// Records the model's output as `gen_ai.output.messages`, when content is recorded; the
    /// JSON is built only then.
    pub(crate) fn record_output(&self, messages: impl FnOnce() -> String) {
        if self.record_content && !self.span.is_disabled() {
            self.span.record("gen_ai.output.messages", messages());
        }
    }

    /// Records a text prompt (an image prompt, a text to speak, a rerank query) as
    /// `gen_ai.input.messages`, when content is recorded.
    pub(crate) fn record_input_text(&self, text: &str) {
        if self.record_content && !self.span.is_disabled() {
            self.span.record("gen_ai.input.messages", attributes::text_messages("user", text, None));
        }
    }

    /// Records a text output (a transcript) as `gen_ai.output.messages`, when content is
    /// recorded.
    pub(crate) fn record_output_text(&self, text: &str) {
        if self.record_content && !self.span.is_disabled() {
            self.span.record("gen_ai.output.messages", attributes::text_messages("assistant", text, Some(FinishReason::Stop)));
        }
    }

    /// Runs the model call inside the span; `record` records what the response says before the
    /// call ends (and its error, if it fails).
    pub(crate) async fn run<T>(
        mut self,
        call: impl std::future::Future<Output = crate::error::Result<T>>,
        record: impl FnOnce(&mut ModelCall, &T),
    ) -> crate::error::Result<T> {
        let result = tracing::Instrument::instrument(call, self.span.clone()).await;
        match &result {
            Ok(value) => {
                record(&mut self, value);
                self.finish(None);
            }
            Err(error) => self.finish(Some(error)),
        }
        result
    }

    /// Notes a stream chunk: the first gives the time to first chunk, each later one the time
    /// since the previous. Free when no one listens to the metrics.
    #[inline]
    pub(crate) fn chunk(&mut self) {
        if let Some(timing) = &mut self.timing {
            timing.chunk();
        }
    }

    /// Ends the call: records the error, if any, and emits the duration and token metrics.
    pub(crate) fn finish(self, error: Option<&Error>) {
        if let Some(error) = error {
            record_error(&self.span, error);
        }
        if let Some(timing) = self.timing {
            let error_type = error.map(attributes::error_type);
            metrics::operation_duration(&timing.attributes, timing.started.elapsed(), error_type.as_deref());
            if let Some((input, output)) = timing.usage {
                if let Some(input) = input {
                    metrics::token_usage(&timing.attributes, "input", input);
                }
                if let Some(output) = output {
                    metrics::token_usage(&timing.attributes, "output", output);
                }
            }
        }
    }
}

impl Timing {
    fn chunk(&mut self) {
        let now = Instant::now();
        match self.last_chunk {
            None => metrics::time_to_first_chunk(&self.attributes, now - self.started),
            Some(previous) => metrics::time_per_output_chunk(&self.attributes, now - previous),
        }
        self.last_chunk = Some(now);
    }
}

/// The system text of a prompt (its system messages joined) and the other messages, which
/// follow the leading system messages.
fn split_system(prompt: &[crate::provider::Message]) -> (String, &[crate::provider::Message]) {
    let leading = prompt.iter().take_while(|message| matches!(message, crate::provider::Message::System { .. })).count();
    let system = prompt[..leading]
        .iter()
        .filter_map(|message| match message {
            crate::provider::Message::System { content, .. } => Some(content.as_str()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("\n");
    (system, &prompt[leading..])
}

/// A tool execution's span and start time.
pub(crate) struct ToolTelemetry {
    /// The execution's span.
    pub(crate) span: Span,
    record_content: bool,
    started: Option<Instant>,
}

impl ToolTelemetry {
    /// Opens the span of a tool execution (a child of the current span), with the arguments
    /// when content is recorded.
    pub(crate) fn start(tool_name: &str, tool_call_id: &str, input: &serde_json::Value, record_content: bool) -> Self {
        let span = tool_span(tool_name, tool_call_id);
        if record_content && !span.is_disabled() {
            span.record("gen_ai.tool.call.arguments", input.to_string());
        }
        let started = (!span.is_disabled()).then(Instant::now);
        ToolTelemetry { span, record_content, started }
    }

    /// Ends the execution: its result (when content is recorded) or its error, and the
    /// duration metric.
    pub(crate) fn finish(&self, tool_name: &str, outcome: Result<&serde_json::Value, &Error>) {
        let error_type = match outcome {
            Ok(result) => {
                if self.record_content && !self.span.is_disabled() {
                    self.span.record("gen_ai.tool.call.result", result.to_string());
                }
                None
            }
            Err(error) => {
                record_error(&self.span, error);
                Some(attributes::error_type(error))
            }
        };
        if let Some(started) = self.started {
            metrics::tool_duration(tool_name, started.elapsed(), error_type.as_deref());
        }
    }
}

/// The operation span of `generate_text` / `stream_text`, renamed `generate_object` /
/// `stream_object` when the output is JSON (`is_object` is asked only when someone listens).
pub(crate) fn text_operation_span(
    model: &dyn crate::provider::LanguageModel,
    streaming: bool,
    is_object: impl FnOnce() -> bool,
    telemetry: &TelemetrySettings,
) -> Span {
    let function = if streaming { "stream_text" } else { "generate_text" };
    let span = operation_span(function, attributes::operation::CHAT, model.provider(), model.model_id(), telemetry);
    if !span.is_disabled() && is_object() {
        let function = if streaming { "stream_object" } else { "generate_object" };
        span.record("specai.operation.name", function);
        span.record("otel.name", format_args!("{function} {}", model.model_id()));
    }
    span
}

/// Records a finished generation on its operation span: the last step's finish reason and the
/// usage of all steps.
pub(crate) fn record_generation(span: &Span, steps: &[crate::step::StepResult], total_usage: &Usage) {
    if span.is_disabled() {
        return;
    }
    if let Some(last) = steps.last() {
        record_finish_reason(span, last.finish_reason);
    }
    record_usage(span, total_usage);
}

/// Records a finished step on its span.
pub(crate) fn record_step(span: &Span, step: &crate::step::StepResult) {
    if span.is_disabled() {
        return;
    }
    record_finish_reason(span, step.finish_reason);
    record_usage(span, &step.usage);
}
