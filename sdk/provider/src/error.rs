//! The one error type of the SDK.
//!
//! Every variant says what went wrong in terms a caller can act on: whether the request may have
//! reached the server, whether retrying can help, and the raw text that failed to decode. Source
//! errors are kept (behind `Arc`, so that [`Error`] is `Clone` and a failed stream can report the
//! same error to every awaiting caller). API keys never appear in any variant.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use http::HeaderMap;

use crate::{FinishReason, Usage};

/// A `Result` whose error is [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A shared, thread-safe source error.
pub type BoxedSource = Arc<dyn std::error::Error + Send + Sync + 'static>;

/// Everything that can go wrong in specai.
///
/// ```
/// use specai_provider::error::{ApiCallError, Error, TimeoutKind};
///
/// // What a caller decides from an error: retry, back off, or report.
/// let rate_limited: Error = ApiCallError::new(429, "https://api.example.com/v1/chat", "slow down").into();
/// assert!(rate_limited.is_retryable());
/// let exhausted = Error::RetriesExhausted { errors: vec![rate_limited.clone(), rate_limited] };
/// assert_eq!(exhausted.status(), Some(429)); // the last attempt's status
/// let advice = match exhausted.last_error() {
///     Error::ApiCall(error) if error.status == 429 => "wait and try again later",
///     Error::Timeout { kind: TimeoutKind::Idle, .. } => "the server went silent",
///     error if error.is_retryable() => "try again",
///     _ => "report it",
/// };
/// assert_eq!(advice, "wait and try again later");
/// ```
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The server answered with an error status. The request reached the server.
    #[error(transparent)]
    ApiCall(Box<ApiCallError>),

    /// A deadline passed before the operation finished.
    #[error("{kind} timed out after {duration:?}")]
    Timeout {
        /// Which deadline passed.
        kind: TimeoutKind,
        /// The configured deadline.
        duration: Duration,
    },

    /// The connection failed or was cut; the request may or may not have reached the server.
    #[error("connection to {url} failed: {message}")]
    Connection {
        /// The URL requested.
        url: String,
        /// What failed.
        message: String,
        /// The transport error.
        #[source]
        source: Option<BoxedSource>,
    },

    /// The server's answer could not be understood (malformed JSON, broken SSE, an unexpected shape).
    #[error("invalid response: {message}")]
    InvalidResponse {
        /// What was wrong.
        message: String,
        /// The raw text that failed to decode, when there was one.
        raw: Option<String>,
        /// The decoder's error.
        #[source]
        source: Option<BoxedSource>,
    },

    /// The model called a tool that is not among the available tools.
    #[error("model tried to call unavailable tool `{tool_name}`; available tools: {}", available_tools.join(", "))]
    NoSuchTool {
        /// The name the model used.
        tool_name: String,
        /// The names of the tools the model was given.
        available_tools: Vec<String>,
    },

    /// The model called a tool with input that does not fit the tool's schema.
    #[error("invalid input for tool `{tool_name}`: {message}")]
    InvalidToolInput {
        /// The tool called.
        tool_name: String,
        /// The raw input text the model produced.
        input: String,
        /// Why it is invalid.
        message: String,
    },

    /// A tool's execute function failed.
    #[error("tool `{tool_name}` failed: {message}")]
    ToolExecution {
        /// The tool that failed.
        tool_name: String,
        /// The id of the failing call.
        tool_call_id: String,
        /// The error message.
        message: String,
        /// The tool's error.
        #[source]
        source: Option<BoxedSource>,
    },

    /// Structured output was requested but the model's answer did not parse or validate.
    #[error("no object generated: {}", .0.message)]
    NoObjectGenerated(Box<NoObjectGeneratedError>),

    /// The provider or model cannot do what was asked.
    #[error("unsupported: {functionality}{}", message.as_deref().map(|m| format!(" ({m})")).unwrap_or_default())]
    Unsupported {
        /// The functionality that is not supported.
        functionality: String,
        /// More detail, when there is some.
        message: Option<String>,
    },

    /// An argument passed by the caller is invalid.
    #[error("invalid argument `{argument}`: {message}")]
    InvalidArgument {
        /// The argument's name.
        argument: String,
        /// Why it is invalid.
        message: String,
    },

    /// The conversation has tool calls without results before a user or system message, or at
    /// its end (the AI SDK's `MissingToolResultsError`).
    #[error("tool results are missing for tool calls: {}", tool_call_ids.join(", "))]
    MissingToolResults {
        /// The calls without results, in order.
        tool_call_ids: Vec<String>,
    },

    /// Every attempt failed with a retryable error.
    #[error("failed after {} attempts; last error: {}", errors.len(), errors.last().map(ToString::to_string).unwrap_or_default())]
    RetriesExhausted {
        /// Each attempt's error, in order.
        errors: Vec<Error>,
    },

    /// No API key was given and the environment variable that supplies it is not set.
    #[error("{provider} API key is missing: pass it in the settings or set the `{env_var}` environment variable")]
    MissingApiKey {
        /// The provider's display name.
        provider: String,
        /// The environment variable that was read.
        env_var: String,
    },

    /// A provider has no model of that id and kind.
    #[error("no such {model_type} model: `{model_id}`")]
    NoSuchModel {
        /// The id asked for.
        model_id: String,
        /// The kind of model asked for.
        model_type: ModelType,
    },

    /// A registry has no provider of that id.
    #[error("no such provider: `{provider_id}`; available: {}", available_providers.join(", "))]
    NoSuchProvider {
        /// The id asked for.
        provider_id: String,
        /// The ids the registry knows.
        available_providers: Vec<String>,
    },

    /// The operation was cancelled by the caller.
    #[error("operation cancelled")]
    Cancelled,

    /// A speech model answered without audio.
    #[error("no speech generated by {provider}: {message}")]
    NoSpeechGenerated {
        /// The provider id.
        provider: String,
        /// What the answer held instead.
        message: String,
    },

    /// A transcription model answered without a transcript.
    #[error("no transcript generated by {provider}: {message}")]
    NoTranscriptGenerated {
        /// The provider id.
        provider: String,
        /// What the answer held instead.
        message: String,
    },

    /// An image model answered without images.
    #[error("no image generated by {provider}: {message}")]
    NoImageGenerated {
        /// The provider id.
        provider: String,
        /// What the answer held instead.
        message: String,
    },

    /// A long-running vendor job (a queued transcription, an image prediction) ended in failure;
    /// the request reached the server and the vendor gave up on it.
    #[error("{provider} job `{job_id}` failed: {message}")]
    JobFailed {
        /// The provider id.
        provider: String,
        /// The vendor's id of the job.
        job_id: String,
        /// The vendor's own message, or its final status when it gave none.
        message: String,
    },

    /// The server sent more than a configured limit allows (an event line with no end, say);
    /// reading stopped rather than growing memory without bound.
    #[error("{what} exceeds the limit of {limit} bytes")]
    ResponseTooLarge {
        /// What grew too large, e.g. `server-sent event line`.
        what: String,
        /// The limit in bytes.
        limit: usize,
    },
}

/// Equal when the `Debug` forms are: the same variant, fields and sources (sources have no
/// equality of their own). Lets parts that carry an error, such as
/// [`StreamPart::Error`](crate::StreamPart::Error), be compared in tests.
impl PartialEq for Error {
    fn eq(&self, other: &Self) -> bool {
        std::mem::discriminant(self) == std::mem::discriminant(other) && format!("{self:?}") == format!("{other:?}")
    }
}

impl Error {
    /// Whether trying the same call again may succeed (408, 409, 429, 5xx and connection failures).
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::ApiCall(error) => error.is_retryable,
            Error::Connection { .. } => true,
            _ => false,
        }
    }

    /// A decoding error that keeps the raw text.
    pub fn invalid_response(
        message: impl Into<String>,
        raw: impl Into<Option<String>>,
        source: Option<BoxedSource>,
    ) -> Self {
        Error::InvalidResponse { message: message.into(), raw: raw.into(), source }
    }

    /// An [`Error::Unsupported`] for the named functionality.
    pub fn unsupported(functionality: impl Into<String>, message: Option<String>) -> Self {
        Error::Unsupported { functionality: functionality.into(), message }
    }

    /// An [`Error::InvalidArgument`].
    pub fn invalid_argument(argument: impl Into<String>, message: impl Into<String>) -> Self {
        Error::InvalidArgument { argument: argument.into(), message: message.into() }
    }

    /// The API call error, when this is one.
    pub fn as_api_call(&self) -> Option<&ApiCallError> {
        match self.last_error() {
            Error::ApiCall(error) => Some(error),
            _ => None,
        }
    }

    /// The error of the last attempt when retries were exhausted (seen through nested retries),
    /// else this error itself.
    pub fn last_error(&self) -> &Error {
        match self {
            Error::RetriesExhausted { errors } => errors.last().map_or(self, Error::last_error),
            other => other,
        }
    }

    /// The HTTP status of the (last attempt's) API error, if the server answered with one.
    pub fn status(&self) -> Option<u16> {
        self.as_api_call().map(|error| error.status)
    }
}

impl From<ApiCallError> for Error {
    fn from(error: ApiCallError) -> Self {
        Error::ApiCall(Box::new(error))
    }
}

impl From<NoObjectGeneratedError> for Error {
    fn from(error: NoObjectGeneratedError) -> Self {
        Error::NoObjectGenerated(Box::new(error))
    }
}

/// The server answered with an error status, or sent an error event mid-stream.
///
/// ```
/// use specai_provider::error::{ApiCallError, Error};
///
/// // What a provider builds from an error response (the body parsed for type and code).
/// let error = ApiCallError::new(400, "https://api.example.com/v1/chat", "max_tokens is too large")
///     .with_body(r#"{"error":{"message":"max_tokens is too large","type":"invalid_request_error"}}"#)
///     .with_error_type(Some("invalid_request_error".into()))
///     .with_param(Some("max_tokens".into()));
/// assert!(!error.is_retryable);
/// assert_eq!(error.to_string(), "max_tokens is too large (HTTP 400 from https://api.example.com/v1/chat) [invalid_request_error]");
/// let error = Error::from(error);
/// assert_eq!(error.as_api_call().and_then(|api| api.param.as_deref()), Some("max_tokens"));
/// ```
#[derive(Clone, thiserror::Error)]
#[error("{} (HTTP {status} from {url}){}", message, error_type.as_deref().map(|t| format!(" [{t}]")).unwrap_or_default())]
#[non_exhaustive]
pub struct ApiCallError {
    /// The error message: the provider's own when its error body had one.
    pub message: String,
    /// The HTTP status (for a mid-stream error event, the status of the stream's response).
    pub status: u16,
    /// The URL called (never carries the API key: query-parameter keys are removed).
    pub url: String,
    /// The response headers (`retry-after` among them).
    pub response_headers: HeaderMap,
    /// The raw response body.
    pub response_body: Option<String>,
    /// The provider's error type, e.g. `invalid_request_error`.
    pub error_type: Option<String>,
    /// The provider's error code, e.g. `rate_limit_exceeded`.
    pub code: Option<String>,
    /// The request parameter the error is about, when the provider says.
    pub param: Option<String>,
    /// Whether a retry may succeed.
    pub is_retryable: bool,
}

/// Header names rather than values, and the body cut to its start: a retried call keeps one of
/// these per attempt, and `{:?}` of the whole error should stay readable.
impl std::fmt::Debug for ApiCallError {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let body = self.response_body.as_deref().map(|body| match body.char_indices().nth(200) {
            Some((end, _)) => format!("{}…", &body[..end]),
            None => body.to_owned(),
        });
        let header_names: Vec<&str> = self.response_headers.keys().map(http::HeaderName::as_str).collect();
        formatter
            .debug_struct("ApiCallError")
            .field("status", &self.status)
            .field("message", &self.message)
            .field("url", &self.url)
            .field("error_type", &self.error_type)
            .field("code", &self.code)
            .field("param", &self.param)
            .field("is_retryable", &self.is_retryable)
            .field("response_header_names", &header_names)
            .field("response_body", &body)
            .finish()
    }
}

impl ApiCallError {
    /// A new error; retryable when the status is 408, 409, 429 or 5xx.
    pub fn new(status: u16, url: impl Into<String>, message: impl Into<String>) -> Self {
        ApiCallError {
            message: message.into(),
            status,
            url: url.into(),
            response_headers: HeaderMap::new(),
            response_body: None,
            error_type: None,
            code: None,
            param: None,
            is_retryable: is_retryable_status(status),
        }
    }

    /// Sets the response headers.
    pub fn with_headers(mut self, headers: HeaderMap) -> Self {
        self.response_headers = headers;
        self
    }

    /// Sets the raw response body.
    pub fn with_body(mut self, body: impl Into<String>) -> Self {
        self.response_body = Some(body.into());
        self
    }

    /// Sets the provider's error type.
    pub fn with_error_type(mut self, error_type: Option<String>) -> Self {
        self.error_type = error_type;
        self
    }

    /// Sets the provider's error code.
    pub fn with_code(mut self, code: Option<String>) -> Self {
        self.code = code;
        self
    }

    /// Sets the parameter the error is about.
    pub fn with_param(mut self, param: Option<String>) -> Self {
        self.param = param;
        self
    }

    /// Overrides whether the error is retryable.
    pub fn with_retryable(mut self, is_retryable: bool) -> Self {
        self.is_retryable = is_retryable;
        self
    }
}

/// Whether an HTTP status is worth retrying: 408, 409, 429 and 5xx.
///
/// ```
/// use specai_provider::error::is_retryable_status;
///
/// assert!(is_retryable_status(429) && is_retryable_status(503) && is_retryable_status(408));
/// assert!(!is_retryable_status(400) && !is_retryable_status(401) && !is_retryable_status(404));
/// ```
pub fn is_retryable_status(status: u16) -> bool {
    matches!(status, 408 | 409 | 429) || (500..600).contains(&status)
}

/// Structured output that did not parse or validate, with what the model did produce.
///
/// ```
/// use specai_provider::error::{Error, NoObjectGeneratedError};
/// use specai_provider::{FinishReason, Usage};
///
/// // The model ran out of tokens in the middle of its JSON: the text it did produce is kept.
/// let error: Error = NoObjectGeneratedError::new(
///     "the model's answer is not valid JSON",
///     Some(r#"{"city": "Par"#.into()),
///     Usage::default(),
///     Some(FinishReason::Length),
///     None,
/// )
/// .into();
/// if let Error::NoObjectGenerated(details) = &error {
///     assert_eq!(details.text.as_deref(), Some(r#"{"city": "Par"#));
///     assert_eq!(details.finish_reason, Some(FinishReason::Length));
/// }
/// ```
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
#[non_exhaustive]
pub struct NoObjectGeneratedError {
    /// Why no object was produced.
    pub message: String,
    /// The text the model produced, when it produced any.
    pub text: Option<String>,
    /// Token usage of the call(s).
    pub usage: Usage,
    /// Why the model stopped.
    pub finish_reason: Option<FinishReason>,
    /// The parse or validation error.
    #[source]
    pub source: Option<BoxedSource>,
}

impl NoObjectGeneratedError {
    /// A new error.
    pub fn new(
        message: impl Into<String>,
        text: Option<String>,
        usage: Usage,
        finish_reason: Option<FinishReason>,
        source: Option<BoxedSource>,
    ) -> Self {
        NoObjectGeneratedError { message: message.into(), text, usage, finish_reason, source }
    }
}

/// Which deadline passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TimeoutKind {
    /// The whole operation, all steps included.
    Total,
    /// One model call (step).
    Step,
    /// Waiting for the first chunk of a stream.
    FirstChunk,
    /// Waiting for the next chunk of a stream.
    BetweenChunks,
    /// A tool's execution.
    Tool,
    /// Waiting for a vendor's long-running job (submit, then poll) to finish.
    Job,
    /// Waiting for a server that sent nothing (no response headers, no body bytes) for a period.
    Idle,
}

impl fmt::Display for TimeoutKind {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(match self {
            TimeoutKind::Total => "operation",
            TimeoutKind::Step => "step",
            TimeoutKind::FirstChunk => "wait for first chunk",
            TimeoutKind::BetweenChunks => "wait for next chunk",
            TimeoutKind::Tool => "tool execution",
            TimeoutKind::Job => "vendor job",
            TimeoutKind::Idle => "wait for a silent server",
        })
    }
}

/// The kinds of model a provider hands out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ModelType {
    /// A [`LanguageModel`](crate::LanguageModel).
    Language,
    /// An [`EmbeddingModel`](crate::EmbeddingModel).
    Embedding,
    /// An [`ImageModel`](crate::ImageModel).
    Image,
    /// A [`SpeechModel`](crate::SpeechModel).
    Speech,
    /// A [`TranscriptionModel`](crate::TranscriptionModel).
    Transcription,
    /// A [`RerankingModel`](crate::RerankingModel).
    Reranking,
}

impl fmt::Display for ModelType {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(match self {
            ModelType::Language => "language",
            ModelType::Embedding => "embedding",
            ModelType::Image => "image",
            ModelType::Speech => "speech",
            ModelType::Transcription => "transcription",
            ModelType::Reranking => "reranking",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retryable_statuses_are_408_409_429_and_5xx() {
        for status in [408, 409, 429, 500, 502, 503, 529] {
            assert!(ApiCallError::new(status, "u", "m").is_retryable, "{status}");
        }
        for status in [400, 401, 403, 404, 422] {
            assert!(!ApiCallError::new(status, "u", "m").is_retryable, "{status}");
        }
    }

    /// Regression: after retries a 429 was `RetriesExhausted` with no status to read and a
    /// `Debug` of every attempt's headers.
    #[test]
    fn exhausted_retries_see_through_to_the_last_attempt() {
        let mut headers = HeaderMap::new();
        headers.insert("retry-after", http::HeaderValue::from_static("3"));
        headers.insert("x-request-id", http::HeaderValue::from_static("req_secret_value"));
        let attempt = |message: &str| Error::from(ApiCallError::new(429, "https://api/x", message).with_headers(headers.clone()).with_body("x".repeat(500)));
        let error = Error::RetriesExhausted { errors: vec![attempt("first"), attempt("slow down")] };
        assert_eq!(error.status(), Some(429));
        assert_eq!(error.as_api_call().unwrap().message, "slow down");
        assert!(matches!(error.last_error(), Error::ApiCall(api) if api.message == "slow down"));
        let text = error.to_string();
        assert!(text.contains("2 attempts") && text.contains("HTTP 429"), "{text}");
        let debug = format!("{error:?}");
        assert!(debug.contains("retry-after") && !debug.contains("req_secret_value"), "{debug}");
        assert!(debug.len() < 1_500, "{} bytes: {debug}", debug.len());
        let plain = Error::Cancelled;
        assert!(matches!(plain.last_error(), Error::Cancelled));
        assert_eq!(plain.status(), None);
    }

    #[test]
    fn missing_api_key_names_the_variable() {
        let error = Error::MissingApiKey { provider: "OpenAI".into(), env_var: "OPENAI_API_KEY".into() };
        assert!(error.to_string().contains("OPENAI_API_KEY"));
    }
}
