//! specai: one set of model traits and generation functions over many LLM providers, with every
//! provider's HTTP client generated from a spec.
//!
//! # A tour
//! - [`generate_text()`] and [`stream_text()`]: text from a language model, with tools run in a
//!   multi-step loop ([`Tool`], [`ToolSet`], [`step_count_is`], [`has_tool_call`],
//!   `prepare_step`), retries, timeouts and cancellation ([`CallSettings`]). Both take
//!   [`Output`] specs for typed structured output, and callbacks (`on_start`, `on_step_finish`,
//!   `on_tool_call_finish`...); streams take transforms ([`smooth_stream`]).
//! - [`Agent`] (feature `agent`): a model, instructions and tools configured once and run for
//!   many concurrent conversations, with typed per-run call options; tools may need a human's
//!   approval ([`Tool::needs_approval`]) or stream preliminary outputs
//!   ([`Tool::execute_streaming`]).
//! - [`generate_object()`] / [`Output`]: typed structured output, with partial objects and array
//!   elements while streaming (schemas derived from Rust types, and [`Tool::typed`], need the
//!   feature `schemars`, on by default); [`embed()`], [`embed_many`], [`generate_image()`], [`generate_speech()`],
//!   [`transcribe()`] and [`rerank()`] for the other model kinds, each with its providers' models
//!   behind a feature of its own (`embedding`, `image`, `speech`, `transcription`, `reranking`; all
//!   on by default).
//! - [`provider`]: the small traits every model implements ([`provider::LanguageModel`] and the
//!   other model kinds), with the [`Error`] type they share. It is the crate `specai-provider`,
//!   re-exported whole (and its `error` module as [`error`]), so that a third-party provider can
//!   depend on that crate alone. Providers live in their own modules behind cargo features:
//!   `openai` (its Responses API behind `openai-responses`, on by default), `anthropic`,
//!   `google`, `cohere`, `gateway` (the Vercel AI Gateway), `openai_compatible` (every vendor
//!   with a mapping file in `specs/`), and the clouds' `azure`, `vertex` and `bedrock` (opt-in
//!   features); the media vendors `fal`, `replicate` and `luma` (opt-in).
//! - [`middleware`] (feature `middleware`): [`wrap_language_model`] and the other wrappers,
//!   built-in middlewares (default settings and instructions, extract reasoning and JSON,
//!   simulated streaming) and [`fallback`] chains of models that move on when one fails.
//! - Escape hatches on every call builder: [`header`](GenerateText::header),
//!   [`extra_body`](GenerateText::extra_body) (members merged into the provider's JSON body, for a
//!   field specai does not know yet) and [`extra_query`](GenerateText::extra_query); the raw
//!   response body stays readable ([`GenerateTextResult::response`]`().body`).
//!   `stream_text(..).into_text_stream()` is an owned, `Send + 'static` stream to return from a
//!   web handler or move into a task. After retries, an error's [`Error::status`],
//!   [`Error::as_api_call`] and [`Error::last_error`] see through to the last attempt.
//! - [`default_registry()`] / [`create_provider_registry`]: models by `"<provider>:<model>"` id.
//!   Every builder takes its model as an [`IntoModel`]: a model value, an `Arc` of one, or an
//!   `Arc<dyn ...>` from a registry.
//! - [`ui_message_stream`] (feature `ui-message-stream`): a `stream_text` result as the AI SDK's
//!   UI message stream (or plain text stream) for a `useChat` front end, the way back from its UI
//!   messages to a prompt, and (feature `axum`) `IntoResponse` for both.
//! - [`telemetry`]: `tracing` spans and metrics in the OpenTelemetry GenAI conventions for every
//!   operation, step, model call and tool execution; prompts only when asked for (feature
//!   `opentelemetry` sends them to an OpenTelemetry exporter).
//! - `test_util` (feature `test-util`): mock models that return scripted answers and record
//!   every call, for testing code built on specai without a network; with it,
//!   `provider_utils::test_server`, the mock HTTP server that provider tests serve fixtures from.
//!
//! # When the wire misbehaves
//! Every provider's stream follows the same rules (one place: `provider_utils::PartsStream`;
//! Bedrock's binary event stream applies them in its own decoder):
//! - an event that cannot be read (malformed JSON, an unexpected shape) is skipped: it becomes a
//!   [`provider::StreamPart::Error`] keeping the raw event, and the stream goes on;
//!   [`stream_text()`] passes it on as [`stream_text::TextStreamPart::Error`] and adds a warning
//!   to the step, so the final result says the answer may be incomplete;
//! - a body that ends cleanly before its terminator (`[DONE]`, `message_stop`,
//!   `response.completed`, `messageStop`, a finish reason) gives such an error part too, then a `Finish` with
//!   finish reason [`provider::FinishReason::Other`] and the usage read so far: the partial
//!   answer stays readable, and is never passed off as complete;
//! - a cut connection ([`Error::Connection`]), an error event from the provider
//!   ([`Error::ApiCall`]) or a line or event over the size limit (16 MiB by default,
//!   `max_event_bytes` in each provider's settings; [`Error::ResponseTooLarge`]) ends the
//!   stream with `Err`, after the parts already read;
//! - a server that sends nothing for 10 minutes (no response headers, no body bytes) ends the
//!   call with [`Error::Timeout`] of kind [`error::TimeoutKind::Idle`]: no call waits forever by
//!   default (`with_idle_timeout` in each provider's settings changes or removes it; the
//!   default HTTP client also has a 10 s connect timeout; per call, [`Timeouts`] can be tighter).
//!
//! `Debug` of settings, providers and models shows base URLs without user info or key
//! parameters, and API keys as `ApiKey(<redacted>)`; errors and traces do the same.
//!
//! # Example
#![cfg_attr(feature = "schemars", doc = " ```")]
#![cfg_attr(not(feature = "schemars"), doc = " ```ignore")]
//! use futures::StreamExt;
//! use schemars::JsonSchema;
//! use serde::Deserialize;
//! use specai::test_util::{MockLanguageModel, MockStream, text_response, tool_calls_response};
//! use specai::{Tool, generate_text, step_count_is, stream_text};
//!
//! #[derive(Deserialize, JsonSchema)]
//! struct WeatherInput {
//!     city: String,
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> specai::Result<()> {
//! // A scripted model; real ones come from providers (e.g. `openai("gpt-4o-mini")`).
//! let model = MockLanguageModel::new()
//!     .with_response(tool_calls_response([("call_1", "weather", serde_json::json!({"city": "Paris"}))]))
//!     .with_response(text_response("It is sunny in Paris."))
//!     .with_stream(MockStream::text(["Hello", " there!"]));
//!
//! // generate_text: the model calls the tool, sees its result, and answers.
//! let weather = Tool::typed::<WeatherInput>("The weather in a city")
//!     .execute(|input: WeatherInput, _context| async move { Ok(format!("sunny in {}", input.city)) });
//! let result = generate_text(model.clone())
//!     .system("You are a weather bot.")
//!     .prompt("What is the weather in Paris?")
//!     .tool("weather", weather)
//!     .stop_when(step_count_is(5))
//!     .await?;
//! assert_eq!(result.text(), "It is sunny in Paris.");
//! assert_eq!(result.steps.len(), 2);
//!
//! // stream_text: deltas as they arrive, then the final values.
//! let mut stream = stream_text(model).prompt("Say hello").start();
//! let mut deltas = stream.text_stream();
//! let mut text = String::new();
//! while let Some(delta) = deltas.next().await {
//!     text.push_str(&delta?);
//! }
//! assert_eq!(text, stream.text().await?);
//! # Ok(()) }
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

#[cfg(feature = "agent")]
pub mod agent;
#[doc(hidden)]
pub mod builder_hints;
pub mod call_settings;
pub mod default_registry;
#[cfg(feature = "embedding")]
pub mod embed;
#[cfg(feature = "image")]
pub mod generate_image;
#[cfg(feature = "schemars")]
pub mod generate_object;
#[cfg(feature = "speech")]
pub mod generate_speech;
pub mod generate_text;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
mod into_model;
mod option_setters;
#[cfg(feature = "middleware")]
pub mod middleware;
#[cfg(feature = "mcp")]
pub mod mcp;
pub mod output;
pub(crate) mod partial_json;
pub mod prepare_step;
pub mod prompt;
pub mod provider_utils;
pub mod providers;
pub mod registry;
pub mod request_settings;
#[cfg(feature = "reranking")]
pub mod rerank;
// Internal: the retry loop every model call goes through. Public for the integration tests and
// providers' own tests (`retry_with_backoff`, `server_requested_delay`); its one user-facing type,
// `RetryPolicy`, is re-exported below.
#[doc(hidden)]
pub mod retry;
mod shared_model;
// The step types are all re-exported below; the module adds only crate-internal helpers.
#[doc(hidden)]
pub mod step;
mod step_engine;
pub mod stop_condition;
pub mod stream_text;
pub mod telemetry;
#[cfg(any(test, feature = "test-util"))]
pub mod test_util;
pub mod tool;
#[cfg(feature = "transcription")]
pub mod transcribe;
#[cfg(feature = "ui-message-stream")]
pub mod ui_message_stream;

// The provider specification (model traits, call options, prompt, content, stream parts, usage,
// warnings, the error type) is the crate `specai-provider`, so that a third-party provider can
// depend on it alone; `specai::provider::*` and `specai::error::*` are its paths here.
// The companion crates at the versions specai's API uses, so that a project need not pin them.
/// `schemars` 1, for [`Tool::typed`] and [`Output::object`] (feature `schemars`, on by default):
/// derive with `#[schemars(crate = "specai::schemars")]`.
///
/// ```
/// use specai::schemars::JsonSchema;
/// use specai::Tool;
///
/// #[derive(serde::Deserialize, JsonSchema)]
/// #[schemars(crate = "specai::schemars")]
/// struct City {
///     name: String,
/// }
///
/// let tool = Tool::typed::<City>("The weather in a city")
///     .execute(|city: City, _context| async move { Ok(format!("sunny in {}", city.name)) });
/// # let _ = tool;
/// ```
#[cfg(feature = "schemars")]
pub use schemars;
/// `reqwest` 0.13, for a custom HTTP client in provider settings.
///
/// ```
/// let client = specai::reqwest::Client::new();
/// let header = specai::http::HeaderValue::from_static("v1");
/// let input = specai::serde_json::json!({"name": "Paris"});
/// # let _ = (client, header, input);
/// ```
pub use reqwest;
/// `http` 1, for header names and values.
pub use http;
/// `serde_json`, for tool inputs, schemas and provider options.
pub use serde_json;
/// `regex` 1, for [`Chunking::Regex`](stream_text::Chunking::Regex) (feature `smooth-stream`).
#[cfg(feature = "smooth-stream")]
pub use regex;

pub use specai_provider as provider;
/// Re-exported from `specai_provider::error`.
pub use specai_provider::error;

#[cfg(feature = "agent")]
pub use agent::{Agent, AgentBuilder, AgentCall, AgentInput};
pub use call_settings::{CallSettings, Timeouts};
pub use default_registry::{default_registry, default_registry_builder};
#[cfg(feature = "embedding")]
pub use embed::{EmbedManyResult, EmbedResult, cosine_similarity, embed, embed_many};
pub use error::{Error, Result};
#[cfg(feature = "image")]
pub use generate_image::{GenerateImageResult, generate_image};
#[cfg(feature = "schemars")]
pub use generate_object::{generate_object, stream_object};
#[cfg(feature = "speech")]
pub use generate_speech::{SpeechResult, generate_speech};
pub use generate_text::{GenerateText, GenerateTextResult, OutputSpec, generate_text};
pub use into_model::IntoModel;
#[cfg(feature = "middleware")]
pub use middleware::{
    LanguageModelMiddleware, fallback, wrap_embedding_model, wrap_image_model, wrap_language_model, wrap_provider,
};
pub use output::{ElementCursor, Output, OutputParseError};
pub use prepare_step::{PrepareStepContext, PrepareStepResult, SamplingSettings};
pub use prompt::Prompt;
pub use registry::{ProviderRegistry, create_provider_registry, custom_provider};
#[cfg(feature = "reranking")]
pub use rerank::{RerankResult, RerankedDocument, rerank};
pub use retry::RetryPolicy;
pub use step::{ParsedToolCall, StepContent, StepResult, ToolApprovalRequest, ToolCallError, ToolCallResult};
pub use stop_condition::{StopCondition, has_tool_call, step_count_is};
pub use stream_text::{
    ElementStream, GenerationFinish, IntoTextStream, StepFinish, StreamText, StreamTextResult, TextStreamPart, stream_text,
};
#[cfg(feature = "smooth-stream")]
pub use stream_text::smooth_stream;
pub use tokio_util::sync::CancellationToken;
pub use tool::{Tool, ToolCallRepairRequest, ToolContext, ToolError, ToolSet};
#[cfg(feature = "schemars")]
pub use tool::TypedTool;
#[cfg(feature = "transcription")]
pub use transcribe::{TranscriptionResult, transcribe};

/// Every provider module at the root as well (`specai::openai`, `specai::cohere`...), each behind
/// the cargo feature of its name as [`providers`] declares it.
// Built with no provider feature (`mcp` alone, say) the glob brings nothing.
#[allow(unused_imports)]
pub use providers::*;
