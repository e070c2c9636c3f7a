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
mod lenient_json;
mod map_openai_compatible_finish_reason;
mod openai_compatible_chat_language_model;
mod openai_compatible_completion_language_model;
mod openai_compatible_embedding_model;
mod openai_compatible_image_model;
mod openai_compatible_options;
mod openai_compatible_prepare_tools;
mod openai_compatible_request;
mod openai_compatible_stream;
mod openai_compatible_usage;

use std::sync::Arc;

use http::{HeaderMap, HeaderName, HeaderValue};
use specai_generated::mappings::{self, Api, Capabilities, ProviderMapping, StructuredOutputs};

pub use openai_compatible_chat_language_model::OpenAiCompatibleChatLanguageModel;
pub use openai_compatible_completion_language_model::OpenAiCompatibleCompletionLanguageModel;
pub use openai_compatible_embedding_model::OpenAiCompatibleEmbeddingModel;
pub use openai_compatible_image_model::OpenAiCompatibleImageModel;
pub use openai_compatible_options::{OpenAiCompatibleEmbeddingOptions, OpenAiCompatibleImageOptions, OpenAiCompatibleOptions, SystemMessageMode};
pub use specai_generated::mappings::ProviderMapping as Mapping;

use crate::error::{Error, Result};
use crate::provider::{EmbeddingModel, ImageModel, LanguageModel, Provider};
use crate::provider_utils::{ApiKey, ApiResponse, ConnectionSettings, MappedConnection};
use hooks::ResolvedHooks;
#[cfg(feature = "openai")]
pub(crate) use convert_to_openai_compatible_messages::{image_detail, tool_output_text};
use openai_compatible_options::{OptionsReader, read_options};

/// Overrides of what a mapping file says (key, base URL, headers, query parameters, client,
/// name). Every field is optional.
pub type OpenAiCompatibleSettings = ConnectionSettings;

/// What every model of one provider shares, built once: the provider's connection (see
/// [`MappedConnection`], which it dereferences to) and what the chat engine adds on top.
pub(crate) struct Config {
    connection: MappedConnection,
    pub hooks: ResolvedHooks,
    /// Reads the chat options from the provider options.
    pub options_reader: OptionsReader,
    /// Whether the mapping reads usage at the chat-completions default paths (decoded typed).
    pub default_usage: bool,
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
        self.connection.fmt(formatter)
    }
}

impl std::ops::Deref for Config {
    type Target = MappedConnection;

    fn deref(&self) -> &MappedConnection {
        &self.connection
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
        let connection = MappedConnection::new(mapping, settings, hooks.error)?;
        let default_usage = openai_compatible_usage::is_default_usage(&mapping.usage);
        Ok(Config { connection, hooks, options_reader: read_options, default_usage })
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

    /// How structured output is requested (default `json_object`, with the schema in the
    /// prompt: what an unknown server most likely accepts; `json_schema` for one that takes it).
    pub fn structured_outputs(mut self, mode: StructuredOutputs) -> Self {
        self.mapping.capabilities.structured_outputs = mode;
        self
    }

    /// Only `json_object` is accepted; a schema goes into the prompt.
    pub fn structured_outputs_json_object(self) -> Self {
        self.structured_outputs(StructuredOutputs::JsonObject)
    }

    /// Whether user messages may hold images (default true: the parts are sent and the server
    /// answers for itself).
    pub fn image_input(mut self, supported: bool) -> Self {
        self.mapping.capabilities.image_input = supported;
        self
    }

    /// Whether user messages may hold PDFs (default true).
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

/// The chat and completion stream decoders of `mapping` with raw chunks on, for the fuzz targets
/// (`fuzz/`); `None` when the mapping does not build.
#[cfg(feature = "fuzzing")]
pub(crate) fn fuzz_mappers(
    mapping: ProviderMapping,
) -> Option<(impl crate::provider_utils::EventMapper, impl crate::provider_utils::EventMapper)> {
    let settings = ConnectionSettings { api_key: Some("fuzz".into()), base_url: Some("http://fuzz.invalid".into()), ..Default::default() };
    let config = Config::new(mapping, settings).ok()?;
    let setup = openai_compatible_stream::StreamSetup::new(&config, "http://fuzz.invalid".to_owned(), true);
    let completion = openai_compatible_completion_language_model::CompletionStreamState::new(config.mapping.usage, true);
    Some((openai_compatible_stream::ChatStreamState::new(setup), completion))
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
        assert!(
            matches!(&result.warnings[..], [Warning::Unsupported { feature, .. }] if feature == "temperature"),
            "{:?}",
            result.warnings
        );
        options.tools = vec![crate::provider::ToolDefinition::Function(crate::provider::FunctionTool::new(
            "f",
            json!({"type": "object"}),
        ))];
        assert!(matches!(provider.chat("o-mini").do_generate(&options).await, Err(Error::Unsupported { .. })));
    }
}
