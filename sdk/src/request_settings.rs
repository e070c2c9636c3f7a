//! Settings shared by the single-call functions (`embed`, `embed_many`, `generate_image`,
//! `generate_speech`, `transcribe`, `rerank`): headers, provider options, retries and
//! cancellation, under the same builder-method names as the generation builders.
//!
//! The generation builders' settings (`call_settings`) build on this module: their builders
//! include these methods, and this module knows nothing of them.

use std::future::Future;

use http::{HeaderMap, HeaderName, HeaderValue};
use tokio_util::sync::CancellationToken;

use crate::error::{Error, Result};
use crate::provider::ProviderOptions;
use crate::retry::{RetryPolicy, retry_with_backoff};

/// Headers, provider options, retries and cancellation of a model call.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct RequestSettings {
    /// Extra HTTP headers.
    pub headers: HeaderMap,
    /// Provider-specific options, keyed by provider id.
    pub provider_options: ProviderOptions,
    /// Retries per model call (default: 2 retries with exponential backoff).
    pub retry: RetryPolicy,
    /// Cancels the operation when triggered; it then fails with [`Error::Cancelled`].
    pub cancellation_token: Option<CancellationToken>,
}

impl RequestSettings {
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

/// Parses a header pair for the builders' `header` method.
pub(crate) fn parse_header(name: &str, value: &str) -> Result<(HeaderName, HeaderValue)> {
    let header_name = HeaderName::try_from(name).map_err(|error| Error::invalid_argument("headers", error.to_string()))?;
    let header_value =
        HeaderValue::try_from(value).map_err(|error| Error::invalid_argument("headers", error.to_string()))?;
    Ok((header_name, header_value))
}

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
        /// Adds an HTTP header to every call (an invalid header fails the operation).
        pub fn header(mut self, name: &str, value: &str) -> Self {
            match $crate::request_settings::parse_header(name, value) {
                Ok((name, value)) => {
                    self.settings.headers.insert(name, value);
                }
                Err(error) => {
                    self.error.get_or_insert(error);
                }
            }
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
        }
    };
}

pub(crate) use request_settings_methods;
