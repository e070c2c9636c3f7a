//! The one configuration style of every provider: a settings type built with `with_*` methods
//! and handed to `create_<provider>(settings)`.
//!
//! Every provider's settings hold the same connection fields ([`ConnectionSettings`]: key, base
//! URL, headers, query parameters, HTTP client, name) and get the same methods for them from
//! [`connection_setters!`]; a provider adds its own (`with_organization`, `with_beta`...). A
//! header is always given as a name and a value (`&str`, `String` or the `http` types); one that
//! is not valid HTTP is reported by every call of the provider's models, like any other
//! configuration error, so that building settings never fails or panics.

// A build with no provider (only `mcp` or `axum`, say) uses none of it.
#![cfg_attr(not(feature = "__chat-provider"), allow(dead_code, unused_macros))]

use http::{HeaderMap, HeaderName, HeaderValue};

use super::api_key::ApiKey;
use crate::error::{Error, Result};

/// The connection fields every provider's settings share; every field is optional, and the
/// defaults come from the provider's mapping file.
#[derive(Clone, Default)]
pub(crate) struct ConnectionSettings {
    /// The API key; default: the mapping's key variables, read at the first call.
    pub api_key: Option<ApiKey>,
    /// The base URL; default: the mapping's `base_url_env` variable, else its `base_url`.
    pub base_url: Option<String>,
    /// Headers sent with every request, over the mapping's (and over the auth header).
    pub headers: HeaderMap,
    /// Query parameters sent with every request, after the mapping's.
    pub query_params: Vec<(String, String)>,
    /// The HTTP client; default: [`default_http_client`](crate::provider_utils::default_http_client).
    pub client: Option<reqwest::Client>,
    /// The provider name models report; default: the mapping's id.
    pub name: Option<String>,
    /// The longest server-sent event line or event accepted from a stream; default
    /// [`DEFAULT_MAX_EVENT_BYTES`](crate::provider_utils::DEFAULT_MAX_EVENT_BYTES) (16 MiB).
    pub max_event_bytes: Option<usize>,
    /// How long the server may stay silent; `None`: the default
    /// ([`DEFAULT_IDLE_TIMEOUT`](crate::provider_utils::DEFAULT_IDLE_TIMEOUT)); `Some(None)`: no limit.
    pub idle_timeout: Option<Option<std::time::Duration>>,
    /// The first invalid header given, reported by every call.
    pub invalid: Option<Error>,
}

/// A header name as every builder takes it: `&str`, `String` or [`HeaderName`].
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> specai::Result<()> {
/// use specai::test_util::{MockLanguageModel, text_response};
///
/// // `&str`, `String` or `http::HeaderName`, wherever a builder takes a header.
/// let model = MockLanguageModel::new().with_response(text_response("ok"));
/// let tenant = String::from("x-tenant");
/// specai::generate_text(model.clone())
///     .prompt("Hi")
///     .header("x-trace", "1")
///     .header(tenant, "acme")
///     .header(http::header::ACCEPT_LANGUAGE, "fr")
///     .await?;
/// assert_eq!(model.calls()[0].headers.len(), 3);
/// # Ok(()) }
/// ```
pub trait HeaderNameInput: TryInto<HeaderName, Error: std::fmt::Display> {}

impl<T: TryInto<HeaderName, Error: std::fmt::Display>> HeaderNameInput for T {}

/// A header value as every builder takes it: `&str`, `String` or [`HeaderValue`].
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use specai::test_util::{MockLanguageModel, text_response};
///
/// // `&str`, `String` or `http::HeaderValue`; a value that is not valid HTTP fails the call.
/// let model = MockLanguageModel::new().with_response(text_response("ok"));
/// let result = specai::generate_text(model.clone()).prompt("Hi").header("x-note", "line\nbreak").await;
/// assert!(matches!(result, Err(specai::Error::InvalidArgument { .. })));
/// assert_eq!(model.call_count(), 0, "nothing was sent");
/// # }
/// ```
pub trait HeaderValueInput: TryInto<HeaderValue, Error: std::fmt::Display> {}

impl<T: TryInto<HeaderValue, Error: std::fmt::Display>> HeaderValueInput for T {}

impl ConnectionSettings {
    /// Adds a header, or keeps the error when the name or value is not valid HTTP.
    pub fn add_header(&mut self, name: impl HeaderNameInput, value: impl HeaderValueInput) {
        match parse_header(name, value) {
            Ok((name, value)) => {
                self.headers.insert(name, value);
            }
            Err(error) => {
                self.invalid.get_or_insert(error);
            }
        }
    }

    /// The settings, or the first invalid header given.
    pub fn checked(self) -> Result<ConnectionSettings> {
        match self.invalid {
            Some(error) => Err(error),
            None => Ok(self),
        }
    }
}

/// A header name and value, or an `InvalidArgument` error naming what is wrong (never the value,
/// which may be a credential).
pub(crate) fn parse_header(name: impl HeaderNameInput, value: impl HeaderValueInput) -> Result<(HeaderName, HeaderValue)> {
    let name = name.try_into().map_err(|error| {
        Error::invalid_argument("headers", format!("invalid header name: {error}"))
    })?;
    let value = value.try_into().map_err(|error| {
        Error::invalid_argument(
            "headers",
            format!("invalid value of header `{name}`: {error}"),
        )
    })?;
    Ok((name, value))
}

impl std::fmt::Debug for ConnectionSettings {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let header_names: Vec<&str> = self.headers.keys().map(HeaderName::as_str).collect();
        formatter
            .debug_struct("ConnectionSettings")
            .field("api_key", &self.api_key)
            .field("base_url", &super::RedactedUrl(self.base_url.as_deref()))
            // Names only: a caller's header or parameter may carry a credential.
            .field("headers", &header_names)
            .field("query_params", &super::ParameterNames(&self.query_params))
            .field("name", &self.name)
            .field("max_event_bytes", &self.max_event_bytes)
            .field("idle_timeout", &self.idle_timeout)
            .finish_non_exhaustive()
    }
}

/// The `with_*` methods of the connection fields, for a provider's settings type that keeps a
/// [`ConnectionSettings`] in its field `connection`. (Unused in a build with no provider.)
#[allow(unused_macros)]
macro_rules! connection_setters {
    () => {
        $crate::option_setters::option_setters! {
            /// Sets the API key (default: the provider's key variable, read at the first call).
            with_api_key(impl Into<$crate::provider_utils::ApiKey>) => Some(connection.api_key);
            /// Sets the base URL (default: the provider's base-URL variable, else its public URL),
            /// for a proxy, a gateway or a local server.
            with_base_url(impl Into<String>) => Some(connection.base_url);
            /// The provider name that models report (`<name>.chat`...) and read provider options
            /// under; default: the provider's id.
            with_name(impl Into<String>) => Some(connection.name);
        }

        /// Adds a header sent with every request, over the provider's own (auth included). Takes
        /// `&str`, `String` or the `http` types; a name or value that is not valid HTTP is
        /// reported by every call.
        pub fn with_header(
            mut self,
            name: impl $crate::provider_utils::HeaderNameInput,
            value: impl $crate::provider_utils::HeaderValueInput,
        ) -> Self {
            self.connection.add_header(name, value);
            self
        }

        /// Adds every header of `headers`, as [`with_header`](Self::with_header) does one.
        pub fn with_headers(mut self, headers: http::HeaderMap) -> Self {
            let mut name = None;
            for (next, value) in headers {
                // `HeaderMap`'s iterator names a header once for all its values.
                name = next.or(name);
                if let Some(name) = &name {
                    self.connection.headers.append(name.clone(), value);
                }
            }
            self
        }

        /// Adds a query parameter sent with every request (e.g. `api-version`).
        pub fn with_query_param(
            mut self,
            name: impl Into<String>,
            value: impl Into<String>,
        ) -> Self {
            self.connection
                .query_params
                .push((name.into(), value.into()));
            self
        }

        /// Uses this HTTP client (proxies, TLS, timeouts); default:
        /// [`default_http_client`]($crate::provider_utils::default_http_client), with a 10 s
        /// connect timeout.
        pub fn with_client(mut self, client: reqwest::Client) -> Self {
            self.connection.client = Some(client);
            self
        }

        /// The longest server-sent event line or event accepted from a stream (a longer one is
        /// an [`Error::ResponseTooLarge`]($crate::Error::ResponseTooLarge)); default 16 MiB.
        pub fn with_max_event_bytes(mut self, max_event_bytes: usize) -> Self {
            self.connection.max_event_bytes = Some(max_event_bytes);
            self
        }

        /// How long the server may stay silent (no response headers, no body bytes) before a
        /// call ends with an [`Error::Timeout`]($crate::Error::Timeout) of kind `Idle`; default
        /// 10 minutes, `None` for no limit.
        pub fn with_idle_timeout(mut self, idle_timeout: Option<std::time::Duration>) -> Self {
            self.connection.idle_timeout = Some(idle_timeout);
            self
        }
    };
}

#[allow(unused_imports)]
pub(crate) use connection_setters;

/// The connection every model of one provider shares: the one its mapping and settings
/// describe, or the error building it gave, which every call of its models reports.
#[cfg(feature = "__provider")]
#[cfg_attr(not(any(feature = "openai-compatible", feature = "google", feature = "cohere", feature = "gateway", feature = "elevenlabs", feature = "deepgram", feature = "lmnt", feature = "hume", feature = "fal", feature = "replicate", feature = "luma", feature = "assemblyai", feature = "gladia", feature = "revai")), allow(dead_code))]
pub(crate) type SharedConnection = Result<std::sync::Arc<super::MappedConnection>>;

/// The shared connection of a provider following `mapping` with these settings.
#[cfg(feature = "__provider")]
#[cfg_attr(not(any(all(feature = "openai-compatible", feature = "image"), feature = "cohere", feature = "elevenlabs", feature = "deepgram", feature = "lmnt", feature = "hume", feature = "fal", feature = "replicate", feature = "luma", feature = "assemblyai", feature = "gladia", feature = "revai")), allow(dead_code))]
pub(crate) fn shared_connection(mapping: specai_generated::mappings::ProviderMapping, settings: ConnectionSettings) -> SharedConnection {
    super::MappedConnection::new(mapping, settings, None).map(std::sync::Arc::new)
}

/// The connection for a call, or the error building it gave.
#[cfg(feature = "__provider")]
#[cfg_attr(not(any(feature = "google", feature = "cohere", feature = "gateway", feature = "elevenlabs", feature = "deepgram", feature = "lmnt", feature = "hume")), allow(dead_code))]
pub(crate) fn connection_for_call(connection: &SharedConnection) -> Result<&super::MappedConnection> {
    connection.as_deref().map_err(Clone::clone)
}

/// The limits the mapping states for `model_id` (`[limits]` and the overrides). None are known
/// when the connection could not be built; the model's calls report that error.
#[cfg(feature = "__provider")]
#[allow(dead_code)]
pub(crate) fn model_limits(connection: &SharedConnection, model_id: &str) -> specai_generated::mappings::Limits {
    connection.as_deref().map(|connection| connection.mapping.limits_for(model_id)).unwrap_or_default()
}

/// A provider's settings type: the [`ConnectionSettings`] in its field `connection` with
/// [`connection_setters!`], and, for a provider of long-running jobs, the
/// [`PollSettings`](crate::provider_utils::PollSettings) in its field `poll` with
/// `with_poll_settings` (documented by the field's doc comment; default
/// `PollSettings::default()` or the expression after `=`).
#[allow(unused_macros)]
macro_rules! provider_settings {
    ($(#[$meta:meta])* pub struct $settings:ident;) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Default)]
        #[non_exhaustive]
        pub struct $settings {
            connection: $crate::provider_utils::ConnectionSettings,
        }

        impl $settings {
            $crate::provider_utils::connection_setters!();
        }
    };
    ($(#[$meta:meta])* pub struct $settings:ident { $(#[$poll_meta:meta])* poll: $poll:ty $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Default)]
        #[non_exhaustive]
        pub struct $settings {
            connection: $crate::provider_utils::ConnectionSettings,
            poll: $poll,
        }

        $crate::provider_utils::provider_settings!(@setters $settings $poll, $(#[$poll_meta])*);
    };
    ($(#[$meta:meta])* pub struct $settings:ident { $(#[$poll_meta:meta])* poll: $poll:ty = $default:expr $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone)]
        #[non_exhaustive]
        pub struct $settings {
            connection: $crate::provider_utils::ConnectionSettings,
            poll: $poll,
        }

        impl Default for $settings {
            fn default() -> Self {
                $settings { connection: $crate::provider_utils::ConnectionSettings::default(), poll: $default }
            }
        }

        $crate::provider_utils::provider_settings!(@setters $settings $poll, $(#[$poll_meta])*);
    };
    (@setters $settings:ident $poll:ty, $(#[$poll_meta:meta])*) => {
        impl $settings {
            $crate::provider_utils::connection_setters!();

            $(#[$poll_meta])*
            pub fn with_poll_settings(mut self, poll: $poll) -> Self {
                self.poll = poll;
                self
            }
        }
    };
}

#[allow(unused_imports)]
pub(crate) use provider_settings;

/// A provider's settings type (as [`provider_settings!`] makes it), its provider type holding the
/// [`SharedConnection`] (and the settings' `poll`), and `create_<name>(settings)`, which builds
/// the connection from the provider's mapping.
#[allow(unused_macros)]
macro_rules! mapped_provider {
    (
        $(#[$settings_meta:meta])*
        pub struct $settings:ident $settings_body:tt
        $(#[$provider_meta:meta])*
        pub struct $provider:ident;
        $(#[$create_meta:meta])*
        pub fn $create:ident($mapping:ident);
    ) => {
        $crate::provider_utils::provider_settings!($(#[$settings_meta])* pub struct $settings $settings_body);
        $crate::provider_utils::mapped_provider!(@provider $settings $settings_body $(#[$provider_meta])* $provider $(#[$create_meta])* $create $mapping);
    };
    (@provider $settings:ident ; $(#[$provider_meta:meta])* $provider:ident $(#[$create_meta:meta])* $create:ident $mapping:ident) => {
        $(#[$provider_meta])*
        #[derive(Debug, Clone)]
        pub struct $provider {
            connection: $crate::provider_utils::SharedConnection,
        }

        $(#[$create_meta])*
        pub fn $create(settings: $settings) -> $provider {
            $provider { connection: $crate::provider_utils::shared_connection($mapping, settings.connection) }
        }
    };
    (
        @provider $settings:ident { $(#[$poll_meta:meta])* poll: $poll:ty $(= $default:expr)? $(,)? }
        $(#[$provider_meta:meta])* $provider:ident $(#[$create_meta:meta])* $create:ident $mapping:ident
    ) => {
        $(#[$provider_meta])*
        #[derive(Debug, Clone)]
        pub struct $provider {
            connection: $crate::provider_utils::SharedConnection,
            poll: $poll,
        }

        $(#[$create_meta])*
        pub fn $create(settings: $settings) -> $provider {
            $provider { connection: $crate::provider_utils::shared_connection($mapping, settings.connection), poll: settings.poll }
        }
    };
}

#[allow(unused_imports)]
pub(crate) use mapped_provider;

/// A provider's model methods (`speech(model_id)`...: the model built from the provider's
/// `connection`, and its `poll` after `with poll`) and its `Provider` implementation handing
/// them out as the model traits named, each only `if <cfg>` when it says so (the feature of its
/// model kind); `fn language_model -> Err(<error type>::NoSuchModel);` answers language models
/// with that error.
#[allow(unused_macros)]
macro_rules! provider_models {
    (impl $provider_trait:ident for $provider:ident $(with $extra:ident)? { $($models:tt)* } $($rest:tt)*) => {
        $crate::provider_utils::provider_models!(@impl $provider_trait $provider [$($extra)?] { $($models)* } $($rest)*);
    };
    (
        @impl $provider_trait:ident $provider:ident $extra:tt {
            $( $(#[$meta:meta])* pub fn $method:ident -> $model:ident as $trait_method:ident: $model_trait:ident $(if $cfg:meta)?; )*
        }
        $( $(#[$none_meta:meta])* fn language_model -> Err($error:ident::NoSuchModel); )?
    ) => {
        impl $provider {
            $(
                $(#[$meta])*
                $(#[cfg($cfg)])?
                pub fn $method(&self, model_id: &str) -> $model {
                    $crate::provider_utils::provider_models!(@new $model self model_id $extra)
                }
            )*
        }

        impl $provider_trait for $provider {
            $(
                $(#[$none_meta])*
                fn language_model(&self, model_id: &str) -> $crate::error::Result<std::sync::Arc<dyn $crate::provider::LanguageModel>> {
                    Err($error::NoSuchModel { model_id: model_id.to_owned(), model_type: $crate::error::ModelType::Language })
                }
            )?
            $crate::provider_utils::provider_model_methods! {
                $( $trait_method: $model_trait = $method $(if $cfg)?; )*
            }
        }
    };
    (@new $model:ident $self:ident $model_id:ident []) => {
        $model::new($model_id, $self.connection.clone())
    };
    (@new $model:ident $self:ident $model_id:ident [$extra:ident]) => {
        $model::new($model_id, $self.connection.clone(), $self.$extra)
    };
}

#[allow(unused_imports)]
pub(crate) use provider_models;

/// `Provider` methods that hand out the model of one of the provider's own methods as the model
/// trait named, each only `if <cfg>` when it says so: `embedding_model: EmbeddingModel =
/// embedding if feature = "embedding";`. [`provider_models!`] writes them for the models it
/// declares; a provider that implements `Provider` itself (another default language model,
/// models of another engine) writes the plain ones with it, so every provider hands out its
/// models the same way.
#[allow(unused_macros)]
macro_rules! provider_model_methods {
    ($( $trait_method:ident: $model_trait:ident = $method:ident $(if $cfg:meta)?; )*) => {
        $(
            $(#[cfg($cfg)])?
            fn $trait_method(&self, model_id: &str) -> $crate::error::Result<std::sync::Arc<dyn $model_trait>> {
                Ok(std::sync::Arc::new(Self::$method(self, model_id)))
            }
        )*
    };
}

#[allow(unused_imports)]
pub(crate) use provider_model_methods;

/// A model type of a vendor whose models hold only their id, their provider name and the
/// provider's connection: the struct and its `new(model_id, connection)`, the provider name being
/// `<connection name>.<kind>` (the connection's name defaulting to `$default_name`).
#[allow(unused_macros)]
macro_rules! connection_model {
    ($(#[$meta:meta])* pub struct $model:ident { kind: $kind:literal, default_name: $default_name:expr $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone)]
        pub struct $model {
            model_id: String,
            provider: String,
            connection: $crate::provider_utils::SharedConnection,
        }

        impl $model {
            pub(crate) fn new(model_id: &str, connection: $crate::provider_utils::SharedConnection) -> Self {
                let name = connection.as_deref().map_or($default_name, |connection| connection.name.as_str());
                $model { model_id: model_id.to_owned(), provider: format!("{name}.{}", $kind), connection }
            }
        }
    };
}

#[allow(unused_imports)]
pub(crate) use connection_model;

/// An embedding model's `max_embeddings_per_call` (its `embeddings_per_call` field: the limit
/// its mapping states for the model) and `supports_parallel_calls` (always true).
#[allow(unused_macros)]
macro_rules! mapped_embedding_limits {
    () => {
        fn max_embeddings_per_call(&self) -> Option<usize> {
            self.embeddings_per_call
        }

        fn supports_parallel_calls(&self) -> bool {
            true
        }
    };
}

#[allow(unused_imports)]
pub(crate) use mapped_embedding_limits;

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Default)]
    struct Settings {
        connection: ConnectionSettings,
    }

    // Each provider uses every setter; this test type only some.
    #[allow(dead_code)]
    impl Settings {
        connection_setters!();
    }

    #[test]
    fn headers_from_strings_or_http_types_and_invalid_ones_reported_later() {
        let settings = Settings::default()
            .with_header("x-one", "1")
            .with_header(
                HeaderName::from_static("x-two"),
                HeaderValue::from_static("2"),
            )
            .with_header(String::from("x-three"), String::from("3"));
        let connection = settings.connection.checked().unwrap();
        assert_eq!(connection.headers.len(), 3);
        assert_eq!(connection.headers["x-two"], "2");

        let settings = Settings::default()
            .with_header("bad name", "1")
            .with_header("x-ok", "line\nbreak");
        let error = settings.connection.checked().unwrap_err();
        assert!(error.to_string().contains("invalid header name"), "{error}");
    }

    #[test]
    fn debug_shows_no_credentials() {
        let settings = Settings::default()
            .with_api_key("sk-secret")
            .with_base_url("https://user:hunter2@proxy.test/v1")
            .with_header("x-proxy-token", "token-secret")
            .with_query_param("key", "query-secret");
        let printed = format!("{settings:?}");
        for secret in ["sk-secret", "hunter2", "token-secret", "query-secret"] {
            assert!(!printed.contains(secret), "{printed}");
        }
        assert!(
            printed.contains("x-proxy-token") && printed.contains("proxy.test"),
            "{printed}"
        );
    }
}
