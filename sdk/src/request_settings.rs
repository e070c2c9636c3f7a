//! Settings shared by the single-call functions (`embed`, `embed_many`, `generate_image`,
//! `generate_speech`, `transcribe`, `rerank`): headers, provider options, retries and
//! cancellation, under the same builder-method names as the generation builders.
//!
//! The generation builders' settings (`call_settings`) build on this module: their builders
//! include these methods, and this module knows nothing of them.
//!
//! A single-call builder holds its model, the options of its model call, these settings and
//! the first argument error a builder method met (`error`: builder methods cannot fail, so the
//! error waits for the await). Awaiting it runs the builder's `run` (`into_future_runs!`), which
//! takes the same two steps everywhere: `RequestSettings::start` (the deferred error, or the
//! options with the settings' headers and provider options) and `RequestSettings::call` (the
//! model call, retried and cancellable).

// Parts of this module serve only the single-call builders of the other model kinds (embed,
// generate_image, ...), each behind its feature: unused code is caught in builds with all of them.
#![cfg_attr(
    not(all(feature = "embedding", feature = "image", feature = "speech", feature = "transcription", feature = "reranking")),
    allow(dead_code)
)]

use std::future::Future;

use http::HeaderMap;
use tokio_util::sync::CancellationToken;

use crate::error::{Error, Result};
use crate::provider::{EmbedOptions, ExtraRequest, ImageOptions, ProviderOptions, RerankOptions, SpeechOptions, TranscriptionOptions};
use crate::retry::{RetryPolicy, retry_with_backoff};
use crate::telemetry::TelemetrySettings;

/// Headers, provider options, retries and cancellation of a model call.
///
#[cfg_attr(feature = "embedding", doc = " ```")]
#[cfg_attr(not(feature = "embedding"), doc = " ```ignore")]
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> specai::Result<()> {
/// use specai::provider::ProviderOptions;
/// use specai::test_util::MockEmbeddingModel;
/// use specai::{CancellationToken, RetryPolicy};
///
/// // Every single-call builder (embed, generate_image, transcribe...) sets these by method.
/// let model = MockEmbeddingModel::new().with_embed_fn(|value| vec![value.len() as f32]);
/// let token = CancellationToken::new();
/// specai::embed(model.clone())
///     .value("sunny day")
///     .header("x-team", "search")
///     .provider_options(ProviderOptions::new().with("openai", serde_json::json!({"dimensions": 256})))
///     .retry_policy(RetryPolicy::with_max_retries(5))
///     .cancellation_token(token.clone())
///     .await?;
/// let call = &model.calls()[0];
/// assert_eq!(call.headers["x-team"], "search");
/// assert_eq!(call.provider_options.get("openai").unwrap()["dimensions"], 256);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct RequestSettings {
    /// Extra HTTP headers.
    pub headers: HeaderMap,
    /// Provider-specific options, keyed by provider id.
    pub provider_options: ProviderOptions,
    /// Body members and query parameters sent with the call as they are (see [`ExtraRequest`]).
    pub extra: ExtraRequest,
    /// Retries per model call (default: 2 retries with exponential backoff).
    pub retry: RetryPolicy,
    /// Cancels the operation when triggered; it then fails with [`Error::Cancelled`].
    pub cancellation_token: Option<CancellationToken>,
    /// Whether prompts and outputs go into the telemetry spans (see [`crate::telemetry`]).
    pub telemetry: TelemetrySettings,
}

impl RequestSettings {
    /// The first step of awaiting a single-call builder: its deferred argument error, if a
    /// builder method met one; otherwise `options` with these settings' headers, provider
    /// options and extra body members and query parameters.
    pub(crate) fn start<Options: ModelCallOptions>(&self, deferred_error: Option<Error>, mut options: Options) -> Result<Options> {
        if let Some(error) = deferred_error {
            return Err(error);
        }
        options.set_request_settings(self.headers.clone(), self.provider_options.clone(), self.extra.clone());
        Ok(options)
    }

    /// Runs one model call with retries, stopping early when cancelled.
    pub(crate) async fn call<T, Operation, Attempt>(&self, operation: Operation) -> Result<T>
    where
        Operation: FnMut() -> Attempt,
        Attempt: Future<Output = Result<T>>,
    {
        let attempts = retry_with_backoff(&self.retry, operation);
        match &self.cancellation_token {
            None => attempts.await,
            Some(token) => tokio::select! {
                biased;
                () = token.cancelled() => Err(Error::Cancelled),
                result = attempts => result,
            },
        }
    }
}

/// The options of one model call of a single-call builder, which carry the request settings'
/// headers, provider options and extras.
pub(crate) trait ModelCallOptions {
    /// Sets the headers, provider options and extras.
    fn set_request_settings(&mut self, headers: HeaderMap, provider_options: ProviderOptions, extra: ExtraRequest);
}

/// Implements [`ModelCallOptions`] for options types with `headers`, `provider_options` and
/// `extra` fields.
macro_rules! model_call_options {
    ($($options:ty),* $(,)?) => {$(
        impl ModelCallOptions for $options {
            fn set_request_settings(&mut self, headers: HeaderMap, provider_options: ProviderOptions, extra: ExtraRequest) {
                self.headers = headers;
                self.provider_options = provider_options;
                self.extra = extra;
            }
        }
    )*};
}

model_call_options!(EmbedOptions, ImageOptions, SpeechOptions, TranscriptionOptions, RerankOptions);

/// Parses a header pair for the builders' `header` method.
/// Builder setters that store their argument in a field of the builder's `settings`: wrapped in
/// `Some` (`name(Type) => Some(field.path);`) or as it is (`name(Type) => field.path;`).
macro_rules! settings_setters {
    () => {};
    ($(#[$doc:meta])* $name:ident($type:ty) => Some($($field:ident).+); $($rest:tt)*) => {
        $(#[$doc])*
        pub fn $name(mut self, value: $type) -> Self {
            self.settings.$($field).+ = Some(value);
            self
        }

        $crate::request_settings::settings_setters!($($rest)*);
    };
    ($(#[$doc:meta])* $name:ident($type:ty) => $($field:ident).+; $($rest:tt)*) => {
        $(#[$doc])*
        pub fn $name(mut self, value: $type) -> Self {
            self.settings.$($field).+ = value;
            self
        }

        $crate::request_settings::settings_setters!($($rest)*);
    };
}

pub(crate) use settings_setters;

/// Builder methods for [`RequestSettings`]; the builder keeps them in `settings` and a deferred
/// argument error in `error: Option<Error>`.
macro_rules! request_settings_methods {
    () => {
        /// Adds an HTTP header to every call, over the provider's. Takes `&str`, `String` or the
        /// `http` types, as the providers' `with_header` does; an invalid header fails the
        /// operation.
        pub fn header(
            mut self,
            name: impl $crate::provider_utils::HeaderNameInput,
            value: impl $crate::provider_utils::HeaderValueInput,
        ) -> Self {
            match $crate::provider_utils::parse_header(name, value) {
                Ok((name, value)) => {
                    self.settings.headers.insert(name, value);
                }
                Err(error) => {
                    self.error.get_or_insert(error);
                }
            }
            self
        }

        /// Merges the members of a JSON object into every request body, over the provider's own:
        /// the escape hatch for a field a provider added before specai knows it. A value that is
        /// not an object fails the operation.
        ///
        /// ```
        /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
        /// use specai::test_util::{MockLanguageModel, text_response};
        ///
        /// let model = MockLanguageModel::new().with_response(text_response("ok"));
        /// specai::generate_text(model.clone())
        ///     .prompt("Hi")
        ///     .extra_body(serde_json::json!({"service_tier": "flex"}))
        ///     .extra_query("trace", "1")
        ///     .await?;
        /// assert_eq!(model.calls()[0].extra.body["service_tier"], "flex");
        /// # Ok::<(), specai::Error>(()) }).unwrap();
        /// ```
        pub fn extra_body(mut self, members: serde_json::Value) -> Self {
            match members {
                serde_json::Value::Object(members) => self.settings.extra.body.extend(members),
                _ => {
                    self.error.get_or_insert($crate::Error::invalid_argument("extra_body", "must be a JSON object"));
                }
            }
            self
        }

        /// Appends a query parameter to every request URL.
        pub fn extra_query(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
            self.settings.extra.query.push((name.into(), value.into()));
            self
        }

        $crate::request_settings::settings_setters! {
            /// Replaces the extra HTTP headers.
            headers(http::HeaderMap) => headers;
            /// Provider-specific options, keyed by provider id.
            provider_options($crate::provider::ProviderOptions) => provider_options;
            /// Retries per model call (0 disables retrying).
            max_retries(u32) => retry.max_retries;
            /// The whole retry policy.
            retry_policy($crate::retry::RetryPolicy) => retry;
            /// Cancels the operation when the token is triggered.
            cancellation_token(tokio_util::sync::CancellationToken) => Some(cancellation_token);
            /// The telemetry choices of this call (see [`specai::telemetry`](crate::telemetry)).
            telemetry($crate::telemetry::TelemetrySettings) => telemetry;
            /// Records prompts and outputs in this call's telemetry spans (or not), whatever
            /// [`set_record_content`](crate::telemetry::set_record_content) says.
            record_content(bool) => Some(telemetry.record_content);
        }
    };
}

pub(crate) use request_settings_methods;

#[cfg(any(feature = "embedding", feature = "image", feature = "speech", feature = "transcription", feature = "reranking"))]
/// `IntoFuture` for a single-call builder with an `async fn run(self) -> Result<$output>`:
/// awaiting the builder runs it, as a boxed `Send` future.
/// The run happens inside the operation's telemetry span (`$function {model}`, operation
/// `$operation`), taken from the builder's `model` and `settings` fields.
#[cfg(any(feature = "embedding", feature = "image", feature = "speech", feature = "transcription", feature = "reranking"))]
macro_rules! into_future_runs {
    ($builder:ty => $output:ty, $function:literal, $operation:expr) => {
        impl std::future::IntoFuture for $builder {
            type Output = $crate::error::Result<$output>;
            type IntoFuture = futures::future::BoxFuture<'static, Self::Output>;

            fn into_future(self) -> Self::IntoFuture {
                let (provider, model) = (self.model.provider(), self.model.model_id());
                let span = $crate::telemetry::spans::operation_span($function, $operation, provider, model, &self.settings.telemetry);
                if span.is_disabled() {
                    return Box::pin(self.run());
                }
                Box::pin($crate::telemetry::in_operation(span, self.run(), |_, _| {}))
            }
        }
    };
}

#[cfg(any(feature = "embedding", feature = "image", feature = "speech", feature = "transcription", feature = "reranking"))]
pub(crate) use into_future_runs;
