//! Anthropic: the Messages API as a [`LanguageModel`], with tools (including server tools such as
//! web search), extended thinking, prompt caching, PDFs and images, and streaming.
//!
//! ```no_run
//! # async fn run() -> specai::Result<()> {
//! use specai::anthropic::{AnthropicSettings, anthropic, create_anthropic};
//!
//! // The key comes from ANTHROPIC_API_KEY, read at the first call.
//! let model = anthropic("claude-sonnet-4-5");
//! let answer = specai::generate_text(model).prompt("Hi!").await?;
//!
//! // Explicit settings: a key, a proxy's base URL, a beta flag.
//! let provider = create_anthropic(
//!     AnthropicSettings::default()
//!         .with_api_key("sk-ant-...")
//!         .with_base_url("https://proxy.example.com/v1")
//!         .with_beta("context-1m-2025-08-07"),
//! );
//! let model = provider.language_model("claude-sonnet-4-5");
//! # Ok(()) }
//! ```
//!
//! The base URL, key variables, auth header, `anthropic-version`, the Messages path and the
//! retryable statuses and error types come from `specs/anthropic/provider.toml`, read through the
//! shared mapping-driven connection; none is restated here. The configuration is built once per
//! provider and shared by its models (`Arc`); the static headers (`x-api-key`,
//! `anthropic-version`, `anthropic-beta`, the caller's headers) are built at the first call, so a
//! missing key is reported then, naming `ANTHROPIC_API_KEY`. Options that
//! only Anthropic has (thinking, cache breakpoints, document citations) travel as provider
//! options under the `anthropic` key; see [`AnthropicOptions`] and [`AnthropicPartOptions`].
//!
//! Mappings worth knowing: structured output is a forced tool named `json` whose input is
//! returned as text (with a compatibility warning); the unified reasoning effort becomes a
//! thinking budget (minimal 1024, low 2048, medium 8192, high 16384, xhigh 32000 tokens) unless
//! provider options set one; `max_tokens` defaults to the model's limit for known models (the
//! thinking budget is added on top, within that limit) and to 4096 with a warning for others.
//!
//! Not covered: the Files API (`file` sources), message batches, token counting, and the result
//! blocks of server tools other than web search (code execution, web fetch); such blocks are
//! skipped. The models list is reachable through the generated client,
//! [`AnthropicProvider::api_client`]. Versioned client tools (bash, text editor, computer) are sent
//! as given, and their calls come back as ordinary tool calls.

mod anthropic_api;
mod anthropic_error;
mod anthropic_language_model;
mod anthropic_options;
mod anthropic_prepare_tools;
mod anthropic_stream;
mod convert_to_anthropic_messages;
mod map_anthropic_finish_reason;

use std::future::Future;
use std::sync::Arc;

use http::{HeaderMap, HeaderName, HeaderValue};
use specai_generated::mappings::{ANTHROPIC, ProviderMapping};

pub use anthropic_language_model::{AnthropicLanguageModel, known_max_output_tokens};
pub use anthropic_options::{
    AnthropicOptions, AnthropicPartOptions, AnthropicToolOptions, CacheControl, CitationsOptions, PROVIDER_KEY,
    ThinkingOptions,
};
pub use map_anthropic_finish_reason::map_anthropic_finish_reason;

use crate::error::{Error, Result};
use crate::provider::{CallOptions, ExtraRequest, LanguageModel, Provider};
use crate::provider_utils::{ApiResponse, ConnectionSettings, MappedConnection, ModelOperation, combine_headers, connection_setters, operation_body, send_prepared};

const BETA_HEADER: HeaderName = HeaderName::from_static("anthropic-beta");

/// How to reach Anthropic, built with `with_*` methods; every setting is optional, and the
/// defaults come from `specs/anthropic/provider.toml`.
///
/// ```
/// use specai::anthropic::{AnthropicSettings, create_anthropic};
///
/// let provider = create_anthropic(
///     AnthropicSettings::default()
///         .with_api_key("sk-ant-...")
///         .with_base_url("https://proxy.example.com/v1")
///         .with_beta("context-1m-2025-08-07"),
/// );
/// let model = provider.language_model("claude-sonnet-4-5");
/// ```
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct AnthropicSettings {
    connection: ConnectionSettings,
    betas: Vec<String>,
}

impl AnthropicSettings {
    connection_setters!();

    /// Settings with these connection settings (for providers built on Anthropic's, e.g. Vertex).
    #[cfg_attr(not(feature = "vertex"), allow(dead_code))]
    pub(crate) fn from_connection(connection: ConnectionSettings) -> Self {
        AnthropicSettings { connection, ..Default::default() }
    }

    /// Turns on a beta feature: sent in `anthropic-beta` (comma-separated) with every request.
    pub fn with_beta(mut self, beta: impl Into<String>) -> Self {
        self.betas.push(beta.into());
        self
    }
}

/// What every model of one provider shares: the connection its mapping describes, and the
/// provider id models report.
#[derive(Debug)]
pub(crate) struct AnthropicConfig {
    connection: MappedConnection,
    provider_id: String,
    /// Whether the Messages path names the model (Vertex's rawPredict), so the body must not.
    model_in_url: bool,
}

impl AnthropicConfig {
    fn new(mapping: ProviderMapping, settings: AnthropicSettings) -> Result<AnthropicConfig> {
        let AnthropicSettings { mut connection, betas: beta_names } = settings;
        let mut betas = HeaderMap::new();
        if !beta_names.is_empty() {
            let value = HeaderValue::from_str(&beta_names.join(","))
                .map_err(|_| Error::invalid_argument("betas", "not a valid HTTP header value"))?;
            betas.insert(BETA_HEADER, value);
        }
        // The caller's headers replace ours of the same name (a proxy's own auth, say).
        connection.headers = combine_headers(&betas, &connection.headers);
        let connection = MappedConnection::new(mapping, connection, None)?;
        let model_in_url = mapping.operations.chat.is_some_and(|operation| operation.path.contains("{model}"));
        Ok(AnthropicConfig { provider_id: format!("{}.messages", connection.name), connection, model_in_url })
    }

    /// The provider id models report, e.g. `anthropic.messages`.
    pub fn provider_id(&self) -> &str {
        &self.provider_id
    }

    /// The Messages operation of a model, its URL built once.
    pub fn messages(config: &Result<Arc<AnthropicConfig>>, model_id: &str) -> ModelOperation {
        let connection = config.as_deref().ok().map(|config| &config.connection);
        ModelOperation::new(connection, |operations| operations.chat.as_ref(), "messages", model_id)
    }

    /// The streaming Messages operation: the mapping's `chat_stream` where it has one (Vertex's
    /// `streamRawPredict`), else the Messages operation itself.
    pub fn stream_messages(config: &Result<Arc<AnthropicConfig>>, model_id: &str) -> ModelOperation {
        let connection = config.as_deref().ok().map(|config| &config.connection);
        ModelOperation::new(connection, |operations| operations.chat_stream.as_ref().or(operations.chat.as_ref()), "messages", model_id)
    }

    /// Whether the service fetches `https:` images and PDFs itself (Vertex does not: the model
    /// is named in the URL there, a sign of its rawPredict front end).
    pub fn url_sources(&self) -> bool {
        !self.model_in_url
    }

    /// The static headers, one call's headers on top, and `betas` added to `anthropic-beta`.
    pub fn headers(&self, call_headers: &HeaderMap, betas: &[&str]) -> Result<HeaderMap> {
        let mut headers = self.connection.headers(call_headers)?;
        if !betas.is_empty() {
            let mut all: Vec<&str> = headers
                .get_all(&BETA_HEADER)
                .iter()
                .filter_map(|value| value.to_str().ok())
                .flat_map(|value| value.split(','))
                .map(str::trim)
                .filter(|beta| !beta.is_empty())
                .collect();
            for beta in betas {
                if !all.contains(beta) {
                    all.push(beta);
                }
            }
            let value = HeaderValue::from_str(&all.join(","))
                .map_err(|_| Error::invalid_argument("anthropic-beta", "not a valid HTTP header value"))?;
            headers.insert(BETA_HEADER, value);
        }
        Ok(headers)
    }

    /// POSTs a typed JSON body to a model's Messages operation; a non-2xx answer is read with the
    /// mapping's error paths.
    ///
    /// The body is serialized before the future exists, so a caller that hands it over does
    /// not keep it while the request is out.
    pub fn post_messages<'a, B: serde::Serialize>(
        &'a self,
        messages: &'a ModelOperation,
        model_id: &'a str,
        body: B,
        options: &'a CallOptions,
        betas: &[&str],
    ) -> impl Future<Output = Result<ApiResponse>> + 'a {
        let prepared = self.headers(&options.headers, betas).and_then(|headers| Ok((headers, self.messages_body(body, &options.extra)?)));
        send_prepared(prepared, move |(headers, body)| self.connection.post_operation_text(messages, model_id, body, headers, &options.extra))
    }

    /// A Messages request's JSON body as sent. Vertex takes the model in the URL, not the
    /// body, and the mapping's fields (`anthropic_version`) join the body.
    fn messages_body(&self, body: impl serde::Serialize, extra: &ExtraRequest) -> Result<bytes::Bytes> {
        let fields = self.connection.mapping.request.body;
        if !self.model_in_url && fields.is_empty() {
            return operation_body(&body, extra);
        }
        let mut value = serde_json::to_value(body).map_err(|error| Error::invalid_argument("body", error.to_string()))?;
        if let Some(object) = value.as_object_mut() {
            if self.model_in_url {
                object.remove("model");
            }
            for (name, field) in fields {
                object.insert((*name).to_owned(), serde_json::Value::String((*field).to_owned()));
            }
        }
        operation_body(&value, extra)
    }

    /// Reads an `error` event sent mid-stream under a response of `status` from `url`.
    pub fn stream_errors(&self, status: u16, url: String) -> anthropic_error::StreamErrorContext {
        anthropic_error::StreamErrorContext { status, url, errors: self.connection.errors }
    }
}

/// An Anthropic provider: hands out language models sharing one configuration.
///
/// Made by [`create_anthropic`]; [`anthropic`] is a default one's model.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> specai::Result<()> {
/// use serde_json::json;
/// use specai::anthropic::{AnthropicSettings, create_anthropic};
/// use specai::provider_utils::test_server::{TestResponse, TestServer};
///
/// let server = TestServer::start([TestResponse::json(200, json!({
///     "id": "msg_1", "type": "message", "role": "assistant", "model": "claude-sonnet-4-5",
///     "content": [{"type": "text", "text": "Hello!"}], "stop_reason": "end_turn",
///     "usage": {"input_tokens": 3, "output_tokens": 2}
/// }))]).await;
/// let anthropic = create_anthropic(AnthropicSettings::default().with_api_key("my-key").with_base_url(server.url("/v1")));
/// let result = specai::generate_text(anthropic.language_model("claude-sonnet-4-5")).prompt("Hi").temperature(0.7).await?;
/// assert_eq!(result.text(), "Hello!");
/// let request = server.single_request();
/// assert_eq!((request.path.as_str(), request.header("x-api-key")), ("/v1/messages", Some("my-key")));
/// // `max_tokens` is required by the API: the model's own limit when the call sets none.
/// assert_eq!((&request.json()["temperature"], &request.json()["max_tokens"]), (&json!(0.7), &json!(64000)));
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct AnthropicProvider {
    config: Result<Arc<AnthropicConfig>>,
}

impl AnthropicProvider {
    /// The Messages API model of this id (`claude-sonnet-4-5`, `claude-opus-4-1`...).
    pub fn language_model(&self, model_id: impl Into<String>) -> AnthropicLanguageModel {
        AnthropicLanguageModel::new(model_id.into(), self.config.clone())
    }

    /// The same as [`language_model`](Self::language_model).
    pub fn messages(&self, model_id: impl Into<String>) -> AnthropicLanguageModel {
        self.language_model(model_id)
    }

    /// The generated API client with this provider's base URL, headers (key, version, betas)
    /// and HTTP client, for endpoints the models do not wrap, such as `list_models`.
    ///
    /// # Errors
    /// [`Error::MissingApiKey`] when no key is set; invalid settings.
    #[cfg(feature = "api-client")]
    pub fn api_client(&self) -> Result<specai_generated::anthropic::Client> {
        let config = self.config.clone()?;
        let (base_url, client, headers) = config.connection.client_parts()?;
        Ok(specai_generated::anthropic::Client::new_with_client(base_url, client).with_headers(headers))
    }
}

impl Provider for AnthropicProvider {
    fn language_model(&self, model_id: &str) -> Result<Arc<dyn LanguageModel>> {
        Ok(Arc::new(AnthropicProvider::language_model(self, model_id)))
    }
}

/// A provider with these settings. Invalid settings (a beta flag that is not a valid header)
/// are reported by the first call of any of its models.
///
/// ```
/// use specai::anthropic::{AnthropicSettings, create_anthropic};
/// use specai::provider::LanguageModel;
///
/// let provider = create_anthropic(AnthropicSettings::default().with_api_key("my-key").with_base_url("http://127.0.0.1:8080"));
/// let model = provider.language_model("claude-sonnet-4-5");
/// assert_eq!(model.model_id(), "claude-sonnet-4-5");
/// ```
pub fn create_anthropic(settings: AnthropicSettings) -> AnthropicProvider {
    create_anthropic_from_mapping(ANTHROPIC, settings)
}

/// A provider following `mapping` (a modified copy of the Anthropic mapping, in tests).
pub(crate) fn create_anthropic_from_mapping(mapping: ProviderMapping, settings: AnthropicSettings) -> AnthropicProvider {
    AnthropicProvider { config: AnthropicConfig::new(mapping, settings).map(Arc::new) }
}

/// A provider following `mapping` whose requests carry bearer tokens from `token_provider`
/// (Anthropic's models on Vertex).
#[cfg(feature = "vertex")]
pub(crate) fn create_anthropic_with_token_provider(
    mapping: ProviderMapping,
    settings: Result<AnthropicSettings>,
    token_provider: Arc<dyn crate::provider_utils::TokenProvider>,
) -> AnthropicProvider {
    let config = settings.and_then(|settings| AnthropicConfig::new(mapping, settings)).map(|mut config| {
        config.connection = config.connection.with_token_provider(token_provider);
        Arc::new(config)
    });
    AnthropicProvider { config }
}

/// The language model of this id from the default provider (key from `ANTHROPIC_API_KEY`).
///
/// ```no_run
/// # async fn example() -> specai::Result<()> {
/// use specai::anthropic::anthropic;
///
/// let answer = specai::generate_text(anthropic("claude-sonnet-4-5")).prompt("Hi!").await?; // key from ANTHROPIC_API_KEY
/// # Ok(()) }
/// ```
pub fn anthropic(model_id: impl Into<String>) -> AnthropicLanguageModel {
    create_anthropic(AnthropicSettings::default()).language_model(model_id)
}

/// The stream decoder with raw chunks on, for the fuzz targets (`fuzz/`).
#[cfg(feature = "fuzzing")]
pub(crate) fn fuzz_mapper() -> impl crate::provider_utils::EventMapper {
    let errors = anthropic_error::StreamErrorContext {
        status: 200,
        url: "http://fuzz.invalid".to_owned(),
        errors: crate::provider_utils::MappingErrorParser::new(ANTHROPIC.errors, None),
    };
    anthropic_stream::AnthropicEventMapper::new(false, Vec::new(), true, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn provider(settings: AnthropicSettings) -> Arc<AnthropicConfig> {
        create_anthropic(settings).config.unwrap()
    }

    #[test]
    fn static_headers_carry_key_version_and_betas() {
        let mut extra = HeaderMap::new();
        extra.insert("x-extra", HeaderValue::from_static("1"));
        let config = provider(AnthropicSettings::default().with_api_key("sk-ant-test").with_base_url("http://127.0.0.1:1/v1/").with_beta("a-beta").with_headers(extra));
        let messages = AnthropicConfig::messages(&Ok(config.clone()), "claude");
        assert_eq!(messages.url().map(|url| url.as_str()), Some("http://127.0.0.1:1/v1/messages"));
        assert_eq!(config.provider_id(), "anthropic.messages");
        let headers = config.headers(&HeaderMap::new(), &["pdfs-2024-09-25", "a-beta"]).unwrap();
        assert_eq!(headers["x-api-key"], "sk-ant-test");
        assert!(headers["x-api-key"].is_sensitive());
        assert_eq!(ANTHROPIC.request.headers, [("anthropic-version", "2023-06-01")]);
        assert_eq!(headers["anthropic-version"], "2023-06-01");
        assert_eq!(headers["anthropic-beta"], "a-beta,pdfs-2024-09-25");
        assert_eq!(headers["x-extra"], "1");
        assert!(!format!("{config:?}").contains("sk-ant-test"));
    }

    #[test]
    fn missing_key_is_reported_at_the_call_naming_the_variable() {
        // ANTHROPIC_API_KEY may be set where tests run; a name of our own makes the case certain.
        let config = provider(AnthropicSettings::default().with_api_key("  "));
        if std::env::var("ANTHROPIC_API_KEY").is_err() {
            match config.headers(&HeaderMap::new(), &[]).unwrap_err() {
                Error::MissingApiKey { env_var, .. } => assert_eq!(env_var, "ANTHROPIC_API_KEY"),
                other => panic!("{other:?}"),
            }
        }
    }

    #[test]
    fn registry_resolves_anthropic_models() {
        let provider = create_anthropic(AnthropicSettings::default().with_api_key("k"));
        let registry = crate::create_provider_registry().provider("anthropic", provider).build();
        let model = registry.language_model("anthropic:claude-sonnet-4-5").unwrap();
        assert_eq!(model.model_id(), "claude-sonnet-4-5");
        assert_eq!(model.provider(), "anthropic.messages");
    }
}
