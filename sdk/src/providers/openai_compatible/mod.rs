//! OpenAI-compatible providers: one adapter, configured entirely by a mapping file.
//!
//! Groq, Together AI, Fireworks, DeepSeek, xAI, Cerebras, DeepInfra, Perplexity, Mistral,
//! Baseten, OpenRouter, Vercel v0 and the local servers (Ollama, LM Studio, vLLM, llama.cpp)
//! all speak a dialect of OpenAI's chat-completions API. Each is described by
//! `specs/<id>/provider.toml`, which `cargo codegen` turns into a
//! [`ProviderMapping`] static; this module reads
//! that data (base URL, auth, key variables, capabilities, request renames and value maps,
//! stream usage location, reasoning fields, error paths, metadata paths) and needs no code per
//! vendor. A quirk a mapping cannot say is a named function in [`hooks`], referred to by name.
//!
//! ```no_run
//! # async fn run() -> specai::Result<()> {
//! use specai::openai_compatible::{create_openai_compatible, openai_compatible, OpenAiCompatibleSettings};
//! use specai::provider::{CallOptions, LanguageModel, Message};
//!
//! // A provider from its mapping file (key from GROQ_API_KEY, read at the first call).
//! let groq = create_openai_compatible("groq", OpenAiCompatibleSettings::default())?;
//! let answer = groq.chat("llama-3.3-70b-versatile").do_generate(&CallOptions::new(vec![Message::user("Hi!")])).await?;
//!
//! // Any other server, configured at run time.
//! let local = openai_compatible("my-server", "http://127.0.0.1:8080/v1").structured_outputs_json_object().build();
//! let model = local.chat("local-model");
//! # Ok(()) }
//! ```
//!
//! Wire types are the ones generated from `specs/openai-compatible/openapi.json`: every object
//! keeps unknown fields in its `extra` map, so vendor additions (`x_groq`, `citations`,
//! `reasoning`) survive decoding without a `serde_json::Value` per stream event.

pub mod hooks;

mod convert_to_openai_compatible_messages;
mod json_path;
mod lenient_json;
mod map_openai_compatible_finish_reason;
mod openai_compatible_chat_language_model;
mod openai_compatible_completion_language_model;
mod openai_compatible_embedding_model;
mod openai_compatible_error;
mod openai_compatible_image_model;
mod openai_compatible_options;
mod openai_compatible_prepare_tools;
mod openai_compatible_request;
mod openai_compatible_stream;
mod openai_compatible_usage;

use std::sync::{Arc, OnceLock};

use http::header::AUTHORIZATION;
use http::{HeaderMap, HeaderName, HeaderValue};
use specai_generated::mappings::{self, Api, Auth, Capabilities, ProviderMapping, StructuredOutputs};

pub use openai_compatible_chat_language_model::OpenAiCompatibleChatLanguageModel;
pub use openai_compatible_completion_language_model::OpenAiCompatibleCompletionLanguageModel;
pub use openai_compatible_embedding_model::OpenAiCompatibleEmbeddingModel;
pub use openai_compatible_image_model::OpenAiCompatibleImageModel;
pub use openai_compatible_options::{OpenAiCompatibleEmbeddingOptions, OpenAiCompatibleImageOptions, OpenAiCompatibleOptions, SystemMessageMode};
pub use specai_generated::mappings::ProviderMapping as Mapping;

use crate::error::{Error, Result};
use crate::provider::{EmbeddingModel, ImageModel, LanguageModel, Provider};
use crate::provider_utils::{
    ApiKey, ApiResponse, Endpoint, LazyHeaders, load_api_key, load_setting, post_json, sensitive_header_value,
};
use hooks::ResolvedHooks;
#[cfg(feature = "openai")]
pub(crate) use convert_to_openai_compatible_messages::{image_detail, tool_output_text};
pub(crate) use openai_compatible_error::MappingErrorParser;
use openai_compatible_options::{OptionsReader, read_options};

/// Overrides of what a mapping file says. Every field is optional.
#[derive(Debug, Clone, Default)]
pub struct OpenAiCompatibleSettings {
    /// The API key; default: the mapping's environment variables, read at the first call.
    pub api_key: Option<ApiKey>,
    /// The base URL; default: the mapping's `base_url_env` variable, else its `base_url`.
    pub base_url: Option<String>,
    /// Extra headers sent with every request.
    pub headers: HeaderMap,
    /// Extra query parameters sent with every request.
    pub query_params: Vec<(String, String)>,
    /// The HTTP client (proxies, timeouts, TLS); default: a new `reqwest::Client`.
    pub client: Option<reqwest::Client>,
    /// The provider name models report (`<name>.chat`) and read provider options under;
    /// default: the mapping's id.
    pub name: Option<String>,
}

/// What every model of one provider shares, built once.
pub(crate) struct Config {
    /// The mapping, with run-time capability overrides applied.
    pub mapping: ProviderMapping,
    /// The provider name, e.g. `groq`.
    pub name: String,
    base_url: String,
    /// Query parameters for every request (the mapping's and the caller's), pre-encoded.
    query: String,
    headers: LazyHeaders,
    key: Arc<KeySource>,
    client: reqwest::Client,
    pub hooks: ResolvedHooks,
    pub errors: MappingErrorParser,
    /// Reads the chat options from the provider options.
    pub options_reader: OptionsReader,
}

/// What the mapping says about one model: the provider's capabilities with the first matching
/// override applied, and the override's request rules.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ModelRules {
    pub capabilities: Capabilities,
    pub renames: &'static [(&'static str, &'static str)],
    pub unsupported_fields: &'static [&'static str],
    pub system_message_mode: Option<SystemMessageMode>,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("Config")
            .field("name", &self.name)
            .field("base_url", &self.base_url)
            .field("headers", &self.headers)
            .finish_non_exhaustive()
    }
}

/// Where the API key comes from; loaded at the first call and then kept.
struct KeySource {
    explicit: Option<ApiKey>,
    env: &'static [&'static str],
    deprecated_env: &'static [&'static str],
    optional: bool,
    display_name: String,
    loaded: OnceLock<Option<ApiKey>>,
}

impl KeySource {
    fn load(&self) -> Result<Option<ApiKey>> {
        if let Some(key) = self.loaded.get() {
            return Ok(key.clone());
        }
        let found = match self.explicit.clone().filter(|key| !key.is_empty()) {
            Some(key) => Some(key),
            None => match self.env.iter().find_map(|var| load_setting(None, var)) {
                Some(key) => Some(ApiKey::new(key)),
                None => {
                    let primary = self.env.first().copied().unwrap_or("API_KEY");
                    match load_api_key(None, primary, self.deprecated_env, &self.display_name) {
                        Ok(key) => Some(key),
                        Err(_) if self.optional => None,
                        Err(error) => return Err(error),
                    }
                }
            },
        };
        Ok(self.loaded.get_or_init(|| found).clone())
    }
}

impl Config {
    pub(crate) fn new(mapping: ProviderMapping, settings: OpenAiCompatibleSettings) -> Result<Config> {
        if !matches!(mapping.api, Api::OpenAiCompatible | Api::OpenAi) {
            return Err(Error::invalid_argument(
                "mapping",
                format!("`{}` is not an OpenAI-compatible provider (api = {:?})", mapping.id, mapping.api),
            ));
        }
        let hooks = ResolvedHooks::resolve(&mapping.hooks)?;
        let explicit_base = settings.base_url.as_deref();
        let base_url = match mapping.base_url_env {
            Some(var) => load_setting(explicit_base, var),
            None => explicit_base.filter(|url| !url.trim().is_empty()).map(str::to_owned),
        }
        .or_else(|| mapping.base_url.map(str::to_owned))
        .ok_or_else(|| {
            Error::invalid_argument(
                "base_url",
                format!(
                    "{} has no default base URL: pass one in the settings{}",
                    mapping.display_name,
                    mapping.base_url_env.map(|var| format!(" or set `{var}`")).unwrap_or_default()
                ),
            )
        })?;
        let base_url = format!("{}{}", base_url.trim_end_matches('/'), mapping.path_prefix);
        let mut query = reqwest::Url::parse("http://q/").expect("static URL");
        {
            let mut pairs = query.query_pairs_mut();
            for (name, value) in mapping.request.query {
                pairs.append_pair(name, value);
            }
            for (name, value) in &settings.query_params {
                pairs.append_pair(name, value);
            }
        }
        let query = query.query().unwrap_or_default().to_owned();
        let mut fixed = HeaderMap::new();
        for (name, value) in mapping.request.headers {
            let name = HeaderName::from_static(name);
            let value = HeaderValue::from_str(value)
                .map_err(|_| Error::invalid_argument("headers", format!("invalid value of header `{name}`")))?;
            fixed.insert(name, value);
        }
        for (name, value) in &settings.headers {
            fixed.insert(name.clone(), value.clone());
        }
        let name = settings.name.unwrap_or_else(|| mapping.id.to_owned());
        let key = Arc::new(KeySource {
            explicit: settings.api_key,
            env: mapping.api_key.env,
            deprecated_env: mapping.api_key.deprecated_env,
            optional: mapping.api_key.optional,
            display_name: mapping.display_name.to_owned(),
            loaded: OnceLock::new(),
        });
        let auth = mapping.auth;
        let header_key = key.clone();
        let headers = LazyHeaders::new(move || {
            let mut headers = HeaderMap::with_capacity(fixed.len() + 1);
            if let Some(key) = header_key.load()? {
                match auth {
                    Auth::Bearer => {
                        headers.insert(AUTHORIZATION, key.bearer_header()?);
                    }
                    Auth::Header { name, scheme } => {
                        let value = match scheme {
                            Some(scheme) => sensitive_header_value(&format!("{scheme} {}", key.expose()))?,
                            None => key.header_value()?,
                        };
                        headers.insert(HeaderName::from_static(name), value);
                    }
                    Auth::Query { .. } | Auth::None => {}
                }
            }
            // The caller's headers may replace the authorization header (proxies with their own).
            for (name, value) in &fixed {
                headers.insert(name.clone(), value.clone());
            }
            Ok(headers)
        });
        let errors = MappingErrorParser::new(mapping.errors, hooks.error);
        Ok(Config {
            mapping,
            name,
            base_url,
            query,
            headers,
            key,
            client: settings.client.unwrap_or_default(),
            hooks,
            errors,
            options_reader: read_options,
        })
    }

    /// The URL of an operation when it is the same for every call (the key is not in the query).
    pub fn fixed_url(&self, operation: Option<&mappings::Operation>, model_id: &str) -> Option<String> {
        match self.mapping.auth {
            Auth::Query { .. } => None,
            _ => self.url(operation?, model_id).ok(),
        }
    }

    /// The URL of the operation of a capability; `Unsupported` when the mapping has none.
    pub fn operation_url(&self, operation: Option<&mappings::Operation>, capability: &str, model_id: &str) -> Result<String> {
        let operation = operation.ok_or_else(|| {
            Error::unsupported(capability, Some(format!("{} has no {capability} operation in its mapping", self.mapping.display_name)))
        })?;
        self.url(operation, model_id)
    }

    /// The full URL of an operation path such as `/chat/completions`, with `{model}` replaced,
    /// the operation's and the provider's query parameters, and a query-parameter key.
    pub fn url(&self, operation: &mappings::Operation, model_id: &str) -> Result<String> {
        let path = operation.path.replace("{model}", model_id);
        let mut url = format!("{}{path}", self.base_url);
        let mut separator = if url.contains('?') { '&' } else { '?' };
        let mut push = |url: &mut String, text: &str| {
            if !text.is_empty() {
                url.push(separator);
                url.push_str(text);
                separator = '&';
            }
        };
        for (name, value) in operation.query {
            push(&mut url, &format!("{name}={value}"));
        }
        push(&mut url, &self.query);
        if let Auth::Query { param } = self.mapping.auth
            && let Some(key) = self.key.load()?
        {
            let encoded: String = reqwest::Url::parse_with_params("http://q/", [(param, key.expose())])
                .ok()
                .and_then(|url| url.query().map(str::to_owned))
                .unwrap_or_default();
            push(&mut url, &encoded);
        }
        Ok(url)
    }

    /// The provider's headers with one call's headers on top.
    pub fn headers(&self, call_headers: &HeaderMap) -> Result<HeaderMap> {
        self.headers.with_call_headers(call_headers)
    }

    /// POSTs a JSON body; a non-2xx answer is read with the mapping's error paths.
    pub async fn post_json<'a, B: serde::Serialize + ?Sized>(&self, url: impl Into<Endpoint<'a>>, body: &B, call_headers: &HeaderMap) -> Result<ApiResponse> {
        post_json(&self.client, url, self.headers(call_headers)?, body, &self.errors).await
    }

    /// POSTs a multipart form; a non-2xx answer is read with the mapping's error paths.
    #[cfg(feature = "openai")]
    pub async fn post_multipart(&self, url: &str, form: reqwest::multipart::Form, call_headers: &HeaderMap) -> Result<ApiResponse> {
        crate::provider_utils::post_multipart(&self.client, url, self.headers(call_headers)?, form, &self.errors).await
    }

    /// The HTTP client and the base URL, for a generated client.
    #[cfg(feature = "openai")]
    pub fn client_parts(&self) -> Result<(&str, reqwest::Client, HeaderMap)> {
        Ok((&self.base_url, self.client.clone(), self.headers.get()?.clone()))
    }

    /// What the mapping says about one model (see [`ModelRules`]).
    pub fn model_rules(&self, model_id: &str) -> ModelRules {
        let mut capabilities = self.mapping.capabilities;
        let Some(found) = self.mapping.model_overrides.iter().find(|o| o.matches(model_id)) else {
            return ModelRules { capabilities, renames: &[], unsupported_fields: &[], system_message_mode: None };
        };
        let set = |slot: &mut bool, value: Option<bool>| {
            if let Some(value) = value {
                *slot = value;
            }
        };
        set(&mut capabilities.tools, found.tools);
        set(&mut capabilities.streaming, found.streaming);
        set(&mut capabilities.image_input, found.image_input);
        set(&mut capabilities.pdf_input, found.pdf_input);
        set(&mut capabilities.reasoning, found.reasoning);
        set(&mut capabilities.parallel_tool_calls, found.parallel_tool_calls);
        if let Some(structured) = found.structured_outputs {
            capabilities.structured_outputs = structured;
        }
        ModelRules {
            capabilities,
            renames: found.renames,
            unsupported_fields: found.unsupported_fields,
            system_message_mode: found.system_message_mode.map(SystemMessageMode::from),
        }
    }
}

/// A decoded JSON response body, with the response headers and the body as JSON.
pub(crate) struct DecodedResponse<T> {
    pub value: T,
    pub headers: HeaderMap,
    /// The body as it arrived, parsed only when read.
    pub raw: crate::provider::JsonBody,
}

/// Reads a JSON body into `T`, tolerating `null` members (see `lenient_json`); an undecodable
/// body is an [`Error::InvalidResponse`] keeping the raw text.
pub(crate) async fn read_json<T: serde::de::DeserializeOwned>(response: ApiResponse) -> Result<DecodedResponse<T>> {
    let read = response.read().await?;
    let value = lenient_json::decode_lenient::<T>(&read.body).map_err(|error| read.undecodable(error))?;
    Ok(DecodedResponse { value, headers: read.headers, raw: crate::provider::JsonBody::new(read.body) })
}


/// Seconds since the epoch as a time.
pub(crate) fn timestamp(seconds: Option<i64>) -> Option<std::time::SystemTime> {
    let seconds = u64::try_from(seconds?).ok()?;
    Some(std::time::UNIX_EPOCH + std::time::Duration::from_secs(seconds))
}

/// The models keep the configuration or the error that building it gave, reported at each call.
pub(crate) type SharedConfig = Result<Arc<Config>>;

/// The configuration, or the construction error, for a call.
pub(crate) fn config_for_call(config: &SharedConfig) -> Result<&Config> {
    config.as_deref().map_err(Clone::clone)
}

/// An OpenAI-compatible provider: hands out the models its mapping supports.
#[derive(Debug, Clone)]
pub struct OpenAiCompatibleProvider {
    id: String,
    config: SharedConfig,
}

impl OpenAiCompatibleProvider {
    /// The provider's name (its mapping id unless renamed in the settings).
    pub fn name(&self) -> &str {
        &self.id
    }

    /// The mapping this provider follows, when it was built without error.
    pub fn mapping(&self) -> Option<&ProviderMapping> {
        self.config.as_ref().ok().map(|config| &config.mapping)
    }

    /// The chat-completions language model.
    pub fn chat(&self, model_id: impl Into<String>) -> OpenAiCompatibleChatLanguageModel {
        OpenAiCompatibleChatLanguageModel::new(model_id.into(), self.config.clone(), &self.id)
    }

    /// The default language model: chat completions.
    pub fn language_model(&self, model_id: impl Into<String>) -> OpenAiCompatibleChatLanguageModel {
        self.chat(model_id)
    }

    /// The legacy text-completions model.
    pub fn completion(&self, model_id: impl Into<String>) -> OpenAiCompatibleCompletionLanguageModel {
        OpenAiCompatibleCompletionLanguageModel::new(model_id.into(), self.config.clone(), &self.id)
    }

    /// An embedding model.
    pub fn embedding(&self, model_id: impl Into<String>) -> OpenAiCompatibleEmbeddingModel {
        OpenAiCompatibleEmbeddingModel::new(model_id.into(), self.config.clone(), &self.id)
    }

    /// An image model.
    pub fn image(&self, model_id: impl Into<String>) -> OpenAiCompatibleImageModel {
        OpenAiCompatibleImageModel::new(model_id.into(), self.config.clone(), &self.id)
    }

    fn has(&self, operation: impl Fn(&mappings::Operations) -> bool) -> bool {
        // A provider whose configuration failed hands out models that report the error.
        self.config.as_ref().map_or(true, |config| operation(&config.mapping.operations))
    }
}

impl Provider for OpenAiCompatibleProvider {
    fn language_model(&self, model_id: &str) -> Result<Arc<dyn LanguageModel>> {
        if !self.has(|operations| operations.chat.is_some()) {
            return Err(Error::NoSuchModel { model_id: model_id.to_owned(), model_type: crate::error::ModelType::Language });
        }
        Ok(Arc::new(self.chat(model_id)))
    }

    fn embedding_model(&self, model_id: &str) -> Result<Arc<dyn EmbeddingModel>> {
        if !self.has(|operations| operations.embedding.is_some()) {
            return Err(Error::NoSuchModel { model_id: model_id.to_owned(), model_type: crate::error::ModelType::Embedding });
        }
        Ok(Arc::new(self.embedding(model_id)))
    }

    fn image_model(&self, model_id: &str) -> Result<Arc<dyn ImageModel>> {
        if !self.has(|operations| operations.image.is_some()) {
            return Err(Error::NoSuchModel { model_id: model_id.to_owned(), model_type: crate::error::ModelType::Image });
        }
        Ok(Arc::new(self.image(model_id)))
    }
}

/// A provider from a mapping, with settings on top. Nothing is read from the environment for
/// the key until the first call; a configuration error (no base URL, an unknown hook) is
/// reported by every call.
pub fn from_mapping(mapping: &ProviderMapping, settings: OpenAiCompatibleSettings) -> OpenAiCompatibleProvider {
    let id = settings.name.clone().unwrap_or_else(|| mapping.id.to_owned());
    OpenAiCompatibleProvider { id, config: Config::new(*mapping, settings).map(Arc::new) }
}

/// The provider of `specs/<id>/provider.toml`, e.g. `"groq"`.
///
/// # Errors
/// [`Error::NoSuchProvider`] when no OpenAI-compatible mapping has this id.
pub fn create_openai_compatible(id: &str, settings: OpenAiCompatibleSettings) -> Result<OpenAiCompatibleProvider> {
    match mappings::by_id(id).filter(|mapping| mapping.api == Api::OpenAiCompatible) {
        Some(mapping) => Ok(from_mapping(mapping, settings)),
        None => Err(Error::NoSuchProvider { provider_id: id.to_owned(), available_providers: provider_ids() }),
    }
}

/// The ids of every OpenAI-compatible mapping compiled into this build, sorted.
pub fn provider_ids() -> Vec<String> {
    mappings::ALL.iter().filter(|mapping| mapping.api == Api::OpenAiCompatible).map(|mapping| mapping.id.to_owned()).collect()
}

/// Starts a provider for a server not in the mappings: a name and a base URL (e.g.
/// `http://127.0.0.1:8080/v1`), optionally a key, headers, query parameters and capability flags.
pub fn openai_compatible(name: impl Into<String>, base_url: impl Into<String>) -> OpenAiCompatibleBuilder {
    OpenAiCompatibleBuilder {
        mapping: mappings::OPENAI_COMPATIBLE,
        settings: OpenAiCompatibleSettings {
            name: Some(name.into()),
            base_url: Some(base_url.into()),
            ..Default::default()
        },
    }
}

/// Builds a run-time OpenAI-compatible provider; see [`openai_compatible`].
#[derive(Debug, Clone)]
#[must_use]
pub struct OpenAiCompatibleBuilder {
    mapping: ProviderMapping,
    settings: OpenAiCompatibleSettings,
}

impl OpenAiCompatibleBuilder {
    /// Sends this key as `Authorization: Bearer <key>` (without one, no auth header is sent).
    pub fn api_key(mut self, key: impl Into<ApiKey>) -> Self {
        self.settings.api_key = Some(key.into());
        self
    }

    /// Adds a header sent with every request.
    pub fn header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.settings.headers.insert(name, value);
        self
    }

    /// Adds a query parameter sent with every request (e.g. `api-version`).
    pub fn query_param(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.settings.query_params.push((name.into(), value.into()));
        self
    }

    /// Uses this HTTP client.
    pub fn client(mut self, client: reqwest::Client) -> Self {
        self.settings.client = Some(client);
        self
    }

    /// Whether the server takes function tools (default true).
    pub fn tools(mut self, supported: bool) -> Self {
        self.mapping.capabilities.tools = supported;
        self
    }

    /// Whether the server streams (default true); without, streams are simulated.
    pub fn streaming(mut self, supported: bool) -> Self {
        self.mapping.capabilities.streaming = supported;
        self
    }

    /// How structured output is requested (default `json_schema`).
    pub fn structured_outputs(mut self, mode: StructuredOutputs) -> Self {
        self.mapping.capabilities.structured_outputs = mode;
        self
    }

    /// Only `json_object` is accepted; a schema goes into the prompt.
    pub fn structured_outputs_json_object(self) -> Self {
        self.structured_outputs(StructuredOutputs::JsonObject)
    }

    /// Whether user messages may hold images (default false).
    pub fn image_input(mut self, supported: bool) -> Self {
        self.mapping.capabilities.image_input = supported;
        self
    }

    /// Whether user messages may hold PDFs (default false).
    pub fn pdf_input(mut self, supported: bool) -> Self {
        self.mapping.capabilities.pdf_input = supported;
        self
    }

    /// Whether to send `stream_options.include_usage` (default true; some servers reject it).
    pub fn stream_include_usage(mut self, include: bool) -> Self {
        self.mapping.request.stream_include_usage = include;
        self
    }

    /// The provider.
    pub fn build(self) -> OpenAiCompatibleProvider {
        let mut mapping = self.mapping;
        // The core mapping's key variable is generic; a run-time provider sends a key only when given one.
        mapping.api_key.env = &[];
        mapping.api_key.optional = true;
        from_mapping(&mapping, self.settings)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use specai_generated::mappings::{Auth, by_id};

    use super::*;
    use crate::provider::{CallOptions, LanguageModel, Message, Warning};
    use crate::provider_utils::test_server::{TestResponse, TestServer};

    fn answer() -> TestResponse {
        TestResponse::json(
            200,
            json!({"id": "c", "object": "chat.completion", "created": 1, "model": "m",
                   "choices": [{"index": 0, "message": {"role": "assistant", "content": "ok"}, "finish_reason": "stop"}],
                   "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}),
        )
    }

    fn call() -> CallOptions {
        CallOptions::new(vec![Message::user("hi")])
    }

    #[tokio::test]
    async fn header_auth_with_scheme_and_query_auth() {
        let server = TestServer::start(vec![answer(), answer()]).await;
        let mut mapping = *by_id("groq").unwrap();
        mapping.auth = Auth::Header { name: "x-api-key", scheme: Some("Token") };
        let settings = || OpenAiCompatibleSettings { api_key: Some("k1".into()), base_url: Some(server.url("/v1")), ..Default::default() };
        from_mapping(&mapping, settings()).chat("m").do_generate(&call()).await.unwrap();
        let request = server.requests().remove(0);
        assert_eq!(request.header("x-api-key"), Some("Token k1"));
        assert_eq!(request.header("authorization"), None);

        mapping.auth = Auth::Query { param: "key" };
        from_mapping(&mapping, settings()).chat("m").do_generate(&call()).await.unwrap();
        let request = server.requests().remove(1);
        assert_eq!(request.path, "/v1/chat/completions?key=k1");
        assert_eq!(request.header("authorization"), None);
    }

    #[tokio::test]
    async fn configuration_errors_are_reported_by_every_call() {
        let mut mapping = *by_id("groq").unwrap();
        mapping.hooks.request = Some("no_such_hook");
        let error = from_mapping(&mapping, Default::default()).chat("m").do_generate(&call()).await.unwrap_err();
        assert!(error.to_string().contains("no_such_hook"), "{error}");
        // The core mapping has no base URL: the runtime constructor or settings must give one.
        let error = create_openai_compatible("openai-compatible", Default::default()).unwrap().chat("m").do_generate(&call()).await.unwrap_err();
        assert!(matches!(&error, Error::InvalidArgument { argument, .. } if argument == "base_url"), "{error}");
        assert!(matches!(create_openai_compatible("nope", Default::default()), Err(Error::NoSuchProvider { .. })));
        assert!(matches!(create_openai_compatible("openai", Default::default()), Err(Error::NoSuchProvider { .. })), "not OpenAI-compatible");
    }

    #[tokio::test]
    async fn model_overrides_change_capabilities_and_renames() {
        let server = TestServer::start(vec![answer()]).await;
        let mut mapping = *by_id("groq").unwrap();
        static OVERRIDES: &[specai_generated::mappings::ModelOverride] = &[specai_generated::mappings::ModelOverride {
            models: &["o-*"],
            tools: Some(false),
            streaming: None,
            structured_outputs: None,
            image_input: None,
            pdf_input: None,
            reasoning: None,
            parallel_tool_calls: None,
            renames: &[("max_tokens", "max_completion_tokens")],
            unsupported_fields: &["temperature"],
            system_message_mode: Some(specai_generated::mappings::SystemMessageMode::Developer),
        }];
        mapping.model_overrides = OVERRIDES;
        let provider = from_mapping(&mapping, OpenAiCompatibleSettings { api_key: Some("k".into()), base_url: Some(server.url("/v1")), ..Default::default() });
        let mut options = call();
        options.max_output_tokens = Some(9);
        options.temperature = Some(0.5);
        options.prompt.insert(0, Message::system("rules"));
        let result = provider.chat("o-mini").do_generate(&options).await.unwrap();
        let body = server.last_request().json();
        assert_eq!(body["max_completion_tokens"], 9);
        assert!(body.get("max_tokens").is_none());
        assert!(body.get("temperature").is_none(), "the model's rule drops it");
        assert_eq!(body["messages"][0]["role"], "developer");
        assert!(matches!(&result.warnings[..], [Warning::Unsupported { feature, .. }] if feature == "temperature"), "{:?}", result.warnings);
        options.tools = vec![crate::provider::ToolDefinition::Function(crate::provider::FunctionTool {
            name: "f".into(),
            description: None,
            input_schema: json!({"type": "object"}),
            strict: None,
            provider_options: Default::default(),
        })];
        assert!(matches!(provider.chat("o-mini").do_generate(&options).await, Err(Error::Unsupported { .. })));
    }
}
