//! Settings shared by every generation function: sampling, retries, headers, provider options,
//! timeouts and cancellation.
//!
//! One struct, so that `generate_text` and `stream_text` (and the structured-output functions)
//! take the same settings under the same names; the builders expose each field as a method.
//! The settings a single call also has (headers, provider options, retries, cancellation) get
//! their methods from [`request_settings`](crate::request_settings), the module below this one.

use std::time::Duration;

use http::HeaderMap;
use tokio_util::sync::CancellationToken;

use crate::error::{Error, Result};
use crate::provider::{CallOptions, ExtraRequest, Message, ProviderOptions, ReasoningEffort, ResponseFormat, ToolChoice, ToolDefinition};
use crate::retry::RetryPolicy;
use crate::telemetry::TelemetrySettings;

/// Settings of one generation: what is sent with every model call, and how calls are controlled.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> specai::Result<()> {
/// use specai::CallSettings;
/// use specai::test_util::{MockLanguageModel, text_response};
///
/// // One set of settings for many calls (each builder also sets the fields one by one).
/// let mut settings = CallSettings::default();
/// settings.temperature = Some(0.2);
/// settings.max_output_tokens = Some(256);
/// settings.stop_sequences = vec!["END".into()];
/// let model = MockLanguageModel::new().with_response(text_response("Bonjour"));
/// specai::generate_text(model.clone()).prompt("Say hello in French").settings(settings).await?;
/// let call = &model.calls()[0];
/// assert_eq!((call.temperature, call.max_output_tokens), (Some(0.2), Some(256)));
/// assert_eq!(call.stop_sequences, ["END"]);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct CallSettings {
    /// The most tokens to generate per model call.
    pub max_output_tokens: Option<u32>,
    /// Sampling temperature.
    pub temperature: Option<f32>,
    /// Nucleus sampling.
    pub top_p: Option<f32>,
    /// Sample only from the top K tokens.
    pub top_k: Option<u32>,
    /// Penalise tokens that already appeared.
    pub presence_penalty: Option<f32>,
    /// Penalise tokens by how often they appeared.
    pub frequency_penalty: Option<f32>,
    /// Stop generating at any of these.
    pub stop_sequences: Vec<String>,
    /// Seed for deterministic sampling, where supported.
    pub seed: Option<u64>,
    /// How hard a reasoning model should think.
    pub reasoning_effort: Option<ReasoningEffort>,
    /// Extra HTTP headers for every call.
    pub headers: HeaderMap,
    /// Provider-specific options, keyed by provider id.
    pub provider_options: ProviderOptions,
    /// Body members and query parameters sent with every call as they are (see
    /// [`ExtraRequest`]).
    pub extra: ExtraRequest,
    /// Ask streams for the provider's raw chunks.
    pub include_raw_chunks: bool,
    /// Retries per model call (default: 2 retries with exponential backoff).
    pub retry: RetryPolicy,
    /// Deadlines.
    pub timeouts: Timeouts,
    /// Cancels the operation when triggered; the operation then fails with [`Error::Cancelled`].
    pub cancellation_token: Option<CancellationToken>,
    /// Whether prompts and outputs go into the telemetry spans (see [`crate::telemetry`]).
    pub telemetry: TelemetrySettings,
}

/// Deadlines of a generation; `None` means no deadline.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use std::time::Duration;
/// use specai::error::{Error, TimeoutKind};
/// use specai::test_util::{MockLanguageModel, text_response};
///
/// // A model that takes a minute to answer, and a caller who waits 20 ms per call.
/// let slow = MockLanguageModel::new().with_delayed_response(Duration::from_secs(60), text_response("late"));
/// let result = specai::generate_text(slow).prompt("Hi").step_timeout(Duration::from_millis(20)).await;
/// assert!(matches!(result, Err(Error::Timeout { kind: TimeoutKind::Step, .. })));
///
/// // The same deadlines as a value, e.g. inside `CallSettings::timeouts`.
/// let mut timeouts = specai::Timeouts::default();
/// timeouts.total = Some(Duration::from_secs(120));
/// timeouts.tool = Some(Duration::from_secs(10));
/// assert_eq!(timeouts.step, None); // no deadline unless set
/// # }
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Timeouts {
    /// The whole operation, all steps and tools included.
    pub total: Option<Duration>,
    /// One model call, retries included (for streams: until the stream ends).
    pub step: Option<Duration>,
    /// Waiting for a stream's first part.
    pub first_chunk: Option<Duration>,
    /// Waiting for each next part of a stream.
    pub between_chunks: Option<Duration>,
    /// One tool execution; a timed-out tool becomes an error result for the model.
    pub tool: Option<Duration>,
    /// How long the server may stay silent in each model call (no response headers, no body
    /// bytes, no stream chunk), over the provider's idle timeout (10 minutes by default, see
    /// [`DEFAULT_IDLE_TIMEOUT`](crate::provider_utils::DEFAULT_IDLE_TIMEOUT)): `None` keeps the
    /// provider's, `Some(None)` removes the limit for these calls. Ends a call with
    /// [`TimeoutKind::Idle`](crate::error::TimeoutKind::Idle).
    pub idle: Option<Option<Duration>>,
}

impl CallSettings {
    /// Builds the options of one model call from these settings.
    pub(crate) fn call_options(
        &self,
        prompt: Vec<Message>,
        tools: Vec<ToolDefinition>,
        tool_choice: Option<ToolChoice>,
        response_format: Option<ResponseFormat>,
    ) -> CallOptions {
        let mut options = CallOptions::new(prompt);
        options.max_output_tokens = self.max_output_tokens;
        options.temperature = self.temperature;
        options.top_p = self.top_p;
        options.top_k = self.top_k;
        options.presence_penalty = self.presence_penalty;
        options.frequency_penalty = self.frequency_penalty;
        options.stop_sequences.clone_from(&self.stop_sequences);
        options.seed = self.seed;
        options.reasoning_effort = self.reasoning_effort;
        options.include_raw_chunks = self.include_raw_chunks;
        // Most calls set none of these three: cloning an empty one still drops the default and
        // copies the empty parts.
        if !self.headers.is_empty() {
            options.headers.clone_from(&self.headers);
        }
        if !self.provider_options.is_empty() {
            options.provider_options.clone_from(&self.provider_options);
        }
        if self.extra != ExtraRequest::default() {
            options.extra.clone_from(&self.extra);
        }
        if self.timeouts.idle.is_some() {
            options.extra.idle_timeout = self.timeouts.idle;
        }
        options.tools = tools;
        options.tool_choice = tool_choice;
        options.response_format = response_format;
        options
    }

    /// Checks the settings that can be wrong before any call is made.
    pub(crate) fn validate(&self) -> Result<()> {
        if let Some(temperature) = self.temperature
            && (!temperature.is_finite() || temperature < 0.0)
        {
            return Err(Error::invalid_argument("temperature", "must be a finite number >= 0"));
        }
        if self.max_output_tokens == Some(0) {
            return Err(Error::invalid_argument("max_output_tokens", "must be at least 1"));
        }
        Ok(())
    }
}

/// The builder methods for [`CallSettings`] fields, shared by the generation builders, which keep
/// their settings in a `settings` field and may record a deferred error in `error`.
macro_rules! call_settings_methods {
    () => {
        /// Replaces all call settings at once.
        pub fn settings(mut self, settings: $crate::call_settings::CallSettings) -> Self {
            // `into`: the builder keeps its settings inline or boxed.
            self.settings = settings.into();
            self
        }

        $crate::request_settings::settings_setters! {
            /// The most tokens to generate per model call.
            max_output_tokens(u32) => Some(max_output_tokens);
            /// Sampling temperature.
            temperature(f32) => Some(temperature);
            /// Nucleus sampling.
            top_p(f32) => Some(top_p);
            /// Sample only from the top K tokens.
            top_k(u32) => Some(top_k);
            /// Penalise tokens that already appeared.
            presence_penalty(f32) => Some(presence_penalty);
            /// Penalise tokens by how often they appeared.
            frequency_penalty(f32) => Some(frequency_penalty);
        }

        /// Stop generating at any of these sequences.
        pub fn stop_sequences<I: IntoIterator<Item = S>, S: Into<String>>(mut self, sequences: I) -> Self {
            self.settings.stop_sequences = sequences.into_iter().map(Into::into).collect();
            self
        }

        $crate::request_settings::settings_setters! {
            /// Seed for deterministic sampling.
            seed(u64) => Some(seed);
            /// How hard a reasoning model should think.
            reasoning_effort($crate::provider::ReasoningEffort) => Some(reasoning_effort);
        }

        // header, headers, provider_options, extra_body, extra_query, max_retries, retry_policy,
        // cancellation_token: the same fields and methods as the single-call functions' settings.
        $crate::request_settings::request_settings_methods!();

        $crate::request_settings::settings_setters! {
            /// Asks streams for the provider's raw chunks.
            include_raw_chunks(bool) => include_raw_chunks;
            /// A deadline for the whole operation.
            timeout(std::time::Duration) => Some(timeouts.total);
            /// A deadline for each model call (step).
            step_timeout(std::time::Duration) => Some(timeouts.step);
            /// A deadline for a stream's first part.
            first_chunk_timeout(std::time::Duration) => Some(timeouts.first_chunk);
            /// A deadline for each next part of a stream.
            chunk_timeout(std::time::Duration) => Some(timeouts.between_chunks);
            /// A deadline for each tool execution.
            tool_timeout(std::time::Duration) => Some(timeouts.tool);
            /// How long the server may stay silent in each model call, over the provider's idle
            /// timeout; `None` removes the limit for this operation's calls.
            idle_timeout(Option<std::time::Duration>) => Some(timeouts.idle);
        }
    };
}

pub(crate) use call_settings_methods;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn call_options_carry_every_setting() {
        let settings = CallSettings {
            max_output_tokens: Some(10),
            temperature: Some(0.5),
            seed: Some(7),
            stop_sequences: vec!["END".into()],
            headers: HeaderMap::from_iter([(http::header::HeaderName::from_static("x-call"), http::HeaderValue::from_static("1"))]),
            provider_options: ProviderOptions::new().with("openai", serde_json::json!({"user": "u"})),
            extra: ExtraRequest::default().with_body_member("x", 1),
            ..Default::default()
        };
        let options = settings.call_options(vec![Message::user("hi")], Vec::new(), Some(ToolChoice::Auto), None);
        assert_eq!(options.headers["x-call"], "1");
        assert_eq!(options.provider_options, settings.provider_options);
        assert_eq!(options.extra, settings.extra);
        assert_eq!(options.max_output_tokens, Some(10));
        assert_eq!(options.temperature, Some(0.5));
        assert_eq!(options.seed, Some(7));
        assert_eq!(options.stop_sequences, vec!["END".to_owned()]);
        assert_eq!(options.tool_choice, Some(ToolChoice::Auto));
        assert_eq!(options.prompt.len(), 1);
    }

    #[test]
    fn the_idle_timeout_goes_with_each_call_only_when_set() {
        let options = |settings: &CallSettings| settings.call_options(vec![Message::user("hi")], Vec::new(), None, None);
        assert_eq!(options(&CallSettings::default()).extra.idle_timeout, None);
        let mut settings = CallSettings::default();
        settings.timeouts.idle = Some(Some(Duration::from_secs(5)));
        assert_eq!(options(&settings).extra.idle_timeout, Some(Some(Duration::from_secs(5))));
        settings.timeouts.idle = Some(None);
        assert_eq!(options(&settings).extra.idle_timeout, Some(None));
    }

    #[test]
    fn default_retries_twice() {
        assert_eq!(CallSettings::default().retry.max_retries, 2);
    }

    #[test]
    fn rejects_negative_temperature() {
        let settings = CallSettings { temperature: Some(-1.0), ..Default::default() };
        assert!(matches!(settings.validate(), Err(Error::InvalidArgument { .. })));
    }
}
