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
//! use specai::openai_compatible::{create_openai_compatible, OpenAiCompatibleSettings};
//!
//! // A provider from its mapping file (key from GROQ_API_KEY, read at the first call).
//! let groq = create_openai_compatible("groq", OpenAiCompatibleSettings::default())?;
//! let answer = specai::generate_text(groq.chat("llama-3.3-70b-versatile")).prompt("Hi!").await?;
//!
//! // Any other server, configured at run time.
//! let local = create_openai_compatible("my-server", OpenAiCompatibleSettings::default().with_base_url("http://127.0.0.1:8080/v1"))?;
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
#[cfg(feature = "embedding")]
mod openai_compatible_embedding_model;
#[cfg(feature = "image")]
mod openai_compatible_image_model;
mod openai_compatible_options;
mod openai_compatible_prepare_tools;
#[cfg(feature = "reranking")]
mod openai_compatible_reranking_model;
mod openai_compatible_sources;
mod openai_compatible_request;
mod openai_compatible_stream;
#[cfg(feature = "transcription")]
mod openai_compatible_transcription_model;
mod openai_compatible_usage;

use std::sync::Arc;

use specai_generated::mappings::{self, Api, Capabilities, ProviderMapping, StructuredOutputs};

pub use openai_compatible_chat_language_model::OpenAiCompatibleChatLanguageModel;
pub use openai_compatible_completion_language_model::OpenAiCompatibleCompletionLanguageModel;
#[cfg(feature = "embedding")]
pub use openai_compatible_embedding_model::OpenAiCompatibleEmbeddingModel;
#[cfg(feature = "image")]
pub use openai_compatible_image_model::OpenAiCompatibleImageModel;
pub use openai_compatible_options::{
    OpenAiCompatibleEmbeddingOptions, OpenAiCompatibleImageOptions, OpenAiCompatibleOptions, OpenAiCompatibleRerankingOptions,
    OpenAiCompatibleTranscriptionOptions, SystemMessageMode,
};
#[cfg(feature = "reranking")]
pub use openai_compatible_reranking_model::OpenAiCompatibleRerankingModel;
#[cfg(feature = "transcription")]
pub use openai_compatible_transcription_model::OpenAiCompatibleTranscriptionModel;
pub use specai_generated::mappings::ProviderMapping as Mapping;

use crate::error::{Error, Result};
#[cfg(feature = "embedding")]
use crate::provider::EmbeddingModel;
#[cfg(feature = "image")]
use crate::provider::ImageModel;
use crate::provider::{LanguageModel, Provider};
#[cfg(feature = "reranking")]
use crate::provider::RerankingModel;
#[cfg(feature = "transcription")]
use crate::provider::TranscriptionModel;
use crate::provider_utils::{ApiResponse, ConnectionSettings, MappedConnection, connection_setters};
use hooks::ResolvedHooks;
#[cfg(feature = "openai-responses")]
pub(crate) use convert_to_openai_compatible_messages::{image_detail, tool_output_text};
use openai_compatible_options::{OptionsReader, read_options};

/// Overrides of what a mapping file says, built with `with_*` methods: the connection (key, base
/// URL, headers, query parameters, client, name) and the capabilities (tools, streaming,
/// structured outputs, image and PDF input). Every setting is optional.
///
/// ```
/// use specai::openai_compatible::{OpenAiCompatibleSettings, create_openai_compatible};
///
/// // A vendor with a mapping file, through a proxy.
/// let groq = create_openai_compatible("groq", OpenAiCompatibleSettings::default().with_base_url("https://proxy.test/groq/v1"))?;
/// // A server of your own: any name and its base URL.
/// let local = create_openai_compatible(
///     "my-server",
///     OpenAiCompatibleSettings::default().with_base_url("http://127.0.0.1:8080/v1").with_tools(false),
/// )?;
/// # let _ = (groq, local);
/// # Ok::<(), specai::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct OpenAiCompatibleSettings {
    pub(crate) connection: ConnectionSettings,
    capabilities: CapabilityOverrides,
}

/// What the caller's settings or a model override in the mapping say a server can do, over the
/// mapping's capabilities.
#[derive(Debug, Clone, Copy, Default)]
struct CapabilityOverrides {
    tools: Option<bool>,
    streaming: Option<bool>,
    structured_outputs: Option<StructuredOutputs>,
    image_input: Option<bool>,
    pdf_input: Option<bool>,
    reasoning: Option<bool>,
    parallel_tool_calls: Option<bool>,
    stream_include_usage: Option<bool>,
}

impl CapabilityOverrides {
    /// `capabilities` with every override that is set.
    fn apply_to(self, capabilities: &mut Capabilities) {
        for (slot, value) in [
            (&mut capabilities.tools, self.tools),
            (&mut capabilities.streaming, self.streaming),
            (&mut capabilities.image_input, self.image_input),
            (&mut capabilities.pdf_input, self.pdf_input),
            (&mut capabilities.reasoning, self.reasoning),
            (&mut capabilities.parallel_tool_calls, self.parallel_tool_calls),
        ] {
            *slot = value.unwrap_or(*slot);
        }
        capabilities.structured_outputs = self.structured_outputs.unwrap_or(capabilities.structured_outputs);
    }
}

/// Setters of the capability overrides: `name(Type) => field;`.
macro_rules! capability_setters {
    ($($(#[$doc:meta])* $name:ident($type:ty) => $field:ident;)*) => {$(
        $(#[$doc])*
        pub fn $name(mut self, value: $type) -> Self {
            self.capabilities.$field = Some(value);
            self
        }
    )*};
}

impl OpenAiCompatibleSettings {
    connection_setters!();

    capability_setters! {
        /// Whether the server takes function tools (default: the mapping's; true for a server
        /// of your own).
        with_tools(bool) => tools;
        /// Whether the server streams; without, streams are simulated from one answer.
        with_streaming(bool) => streaming;
        /// How structured output is requested. A server of your own defaults to `json_object`
        /// with the schema in the prompt, what an unknown server most likely accepts;
        /// `JsonSchema` for one that takes `response_format: json_schema`.
        with_structured_outputs(StructuredOutputs) => structured_outputs;
        /// Whether user messages may hold images (default true for a server of your own: the
        /// parts are sent and the server answers for itself).
        with_image_input(bool) => image_input;
        /// Whether user messages may hold PDFs.
        with_pdf_input(bool) => pdf_input;
        /// Whether to send `stream_options.include_usage` (some servers reject it).
        with_stream_include_usage(bool) => stream_include_usage;
    }
}

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
    pub(crate) fn new(mapping: ProviderMapping, settings: ConnectionSettings) -> Result<Config> {
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

    /// The configuration with its connection changed by `change` (other URLs or auth: Azure).
    #[cfg(feature = "azure")]
    pub(crate) fn map_connection(self, change: impl FnOnce(MappedConnection) -> MappedConnection) -> Config {
        Config { connection: change(self.connection), ..self }
    }

    /// What the mapping says about one model (see [`ModelRules`]).
    pub fn model_rules(&self, model_id: &str) -> ModelRules {
        model_rules(&self.mapping, model_id)
    }
}

/// What `mapping` says about one model: its capabilities with the first matching
/// `model_overrides` entry applied, and that entry's request rules.
pub(crate) fn model_rules(mapping: &ProviderMapping, model_id: &str) -> ModelRules {
    let mut capabilities = mapping.capabilities;
    let Some(found) = mapping.override_for(model_id) else {
        return ModelRules { capabilities, renames: &[], unsupported_fields: &[], system_message_mode: None };
    };
    let overrides = CapabilityOverrides {
        tools: found.tools,
        streaming: found.streaming,
        structured_outputs: found.structured_outputs,
        image_input: found.image_input,
        pdf_input: found.pdf_input,
        reasoning: found.reasoning,
        parallel_tool_calls: found.parallel_tool_calls,
        stream_include_usage: None,
    };
    overrides.apply_to(&mut capabilities);
    ModelRules {
        capabilities,
        renames: found.renames,
        unsupported_fields: found.unsupported_fields,
        system_message_mode: found.system_message_mode.map(SystemMessageMode::from),
    }
}

/// A decoded JSON response body, with the response headers and the body as JSON.
pub(crate) struct DecodedResponse<T> {
    pub value: T,
    pub headers: http::HeaderMap,
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

/// The limits the mapping states for `model_id` (`[limits]` and the overrides); none are known
/// when the configuration could not be built (the model's calls report that error).
#[cfg(any(feature = "embedding", feature = "image"))]
pub(crate) fn model_limits(config: &SharedConfig, model_id: &str) -> specai_generated::mappings::Limits {
    config.as_deref().map(|config| config.mapping.limits_for(model_id)).unwrap_or_default()
}

/// An OpenAI-compatible provider: hands out the models its mapping supports.
///
/// Made by [`create_openai_compatible`] (a vendor's mapping, or a server of your own) or
/// [`from_mapping`]; the models speak the chat-completions dialect.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> specai::Result<()> {
/// use serde_json::json;
/// use specai::openai_compatible::{OpenAiCompatibleSettings, create_openai_compatible};
/// use specai::provider_utils::test_server::{TestResponse, TestServer};
///
/// let server = TestServer::start([TestResponse::json(200, json!({
///     "id": "c1", "object": "chat.completion", "created": 1, "model": "smollm2",
///     "choices": [{"index": 0, "message": {"role": "assistant", "content": "Hello!"}, "finish_reason": "stop"}],
///     "usage": {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5}
/// }))]).await;
/// let local = create_openai_compatible("local", OpenAiCompatibleSettings::default().with_base_url(server.url("/v1")))?;
/// let result = specai::generate_text(local.chat("smollm2")).prompt("Hi").await?;
/// assert_eq!(result.text(), "Hello!");
/// let request = server.single_request();
/// assert_eq!((request.path.as_str(), &request.json()["model"]), ("/v1/chat/completions", &json!("smollm2")));
/// # Ok(()) }
/// ```
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
    #[cfg(feature = "embedding")]
    pub fn embedding(&self, model_id: impl Into<String>) -> OpenAiCompatibleEmbeddingModel {
        OpenAiCompatibleEmbeddingModel::new(model_id.into(), self.config.clone(), &self.id)
    }

    /// An image model.
    #[cfg(feature = "image")]
    pub fn image(&self, model_id: impl Into<String>) -> OpenAiCompatibleImageModel {
        OpenAiCompatibleImageModel::new(model_id.into(), self.config.clone(), &self.id)
    }

    /// A reranking model (the mapping's `rerank` operation).
    #[cfg(feature = "reranking")]
    pub fn reranking(&self, model_id: impl Into<String>) -> OpenAiCompatibleRerankingModel {
        OpenAiCompatibleRerankingModel::new(model_id.into(), self.config.clone(), &self.id)
    }

    /// A transcription model (the mapping's `transcription` operation: Groq's Whisper models).
    #[cfg(feature = "transcription")]
    pub fn transcription(&self, model_id: impl Into<String>) -> OpenAiCompatibleTranscriptionModel {
        OpenAiCompatibleTranscriptionModel::new(model_id.into(), self.config.clone(), &self.id)
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

    #[cfg(feature = "embedding")]
    fn embedding_model(&self, model_id: &str) -> Result<Arc<dyn EmbeddingModel>> {
        if !self.has(|operations| operations.embedding.is_some()) {
            return Err(Error::NoSuchModel { model_id: model_id.to_owned(), model_type: crate::error::ModelType::Embedding });
        }
        Ok(Arc::new(self.embedding(model_id)))
    }

    #[cfg(feature = "image")]
    fn image_model(&self, model_id: &str) -> Result<Arc<dyn ImageModel>> {
        if !self.has(|operations| operations.image.is_some()) {
            return Err(Error::NoSuchModel { model_id: model_id.to_owned(), model_type: crate::error::ModelType::Image });
        }
        Ok(Arc::new(self.image(model_id)))
    }

    #[cfg(feature = "reranking")]
    fn reranking_model(&self, model_id: &str) -> Result<Arc<dyn RerankingModel>> {
        if !self.has(|operations| operations.rerank.is_some()) {
            return Err(Error::NoSuchModel { model_id: model_id.to_owned(), model_type: crate::error::ModelType::Reranking });
        }
        Ok(Arc::new(self.reranking(model_id)))
    }

    #[cfg(feature = "transcription")]
    fn transcription_model(&self, model_id: &str) -> Result<Arc<dyn TranscriptionModel>> {
        if !self.has(|operations| operations.transcription.is_some()) {
            return Err(Error::NoSuchModel { model_id: model_id.to_owned(), model_type: crate::error::ModelType::Transcription });
        }
        Ok(Arc::new(self.transcription(model_id)))
    }
}

/// A provider from a mapping, with settings on top. Nothing is read from the environment for
/// the key until the first call; a configuration error (no base URL, an unknown hook) is
/// reported by every call.
///
/// For a server that speaks a known vendor's dialect under another name (a proxy, a
/// self-hosted copy): start from that vendor's mapping and change what differs.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> specai::Result<()> {
/// use serde_json::json;
/// use specai::openai_compatible::{OpenAiCompatibleSettings, create_openai_compatible, from_mapping};
/// use specai::provider_utils::test_server::{TestResponse, TestServer};
///
/// let server = TestServer::start([TestResponse::json(200, json!({
///     "id": "c1", "object": "chat.completion", "created": 1, "model": "llama",
///     "choices": [{"index": 0, "message": {"role": "assistant", "content": "ok"}, "finish_reason": "stop"}]
/// }))]).await;
/// let groq = create_openai_compatible("groq", OpenAiCompatibleSettings::default())?;
/// let mut mapping = *groq.mapping().expect("groq's mapping builds");
/// mapping.id = "groq-proxy";
/// let settings = OpenAiCompatibleSettings::default().with_api_key("proxy-key").with_base_url(server.url("/openai/v1"));
/// let proxy = from_mapping(&mapping, settings);
/// assert_eq!(proxy.name(), "groq-proxy");
/// specai::generate_text(proxy.chat("llama")).prompt("Hi").await?;
/// let request = server.single_request();
/// assert_eq!((request.path.as_str(), request.header("authorization")), ("/openai/v1/chat/completions", Some("Bearer proxy-key")));
/// # Ok(()) }
/// ```
pub fn from_mapping(mapping: &ProviderMapping, settings: OpenAiCompatibleSettings) -> OpenAiCompatibleProvider {
    let OpenAiCompatibleSettings { connection, capabilities } = settings;
    let mut mapping = *mapping;
    capabilities.apply_to(&mut mapping.capabilities);
    mapping.request.stream_include_usage = capabilities.stream_include_usage.unwrap_or(mapping.request.stream_include_usage);
    let id = connection.name.clone().unwrap_or_else(|| mapping.id.to_owned());
    OpenAiCompatibleProvider { id, config: Config::new(mapping, connection).map(Arc::new) }
}

/// The provider of `specs/<id>/provider.toml` (e.g. `"groq"`), or, for an id no mapping has and
/// settings with a base URL, a server of your own by that name: it sends a key only when given
/// one, and takes what an unknown server most likely accepts (tools, streaming, images and PDFs
/// sent as parts, structured output as `json_object` with the schema in the prompt), each
/// changeable in the settings.
///
/// ```
/// use specai::openai_compatible::{OpenAiCompatibleSettings, create_openai_compatible};
/// use specai::provider::LanguageModel;
///
/// let local = create_openai_compatible("llama", OpenAiCompatibleSettings::default().with_base_url("http://127.0.0.1:8080/v1"))?;
/// assert_eq!(local.chat("smollm2").provider(), "llama.chat");
/// # Ok::<(), specai::Error>(())
/// ```
///
/// # Errors
/// [`Error::NoSuchProvider`] when no OpenAI-compatible mapping has this id and the settings give
/// no base URL.
pub fn create_openai_compatible(id: &str, settings: OpenAiCompatibleSettings) -> Result<OpenAiCompatibleProvider> {
    if let Some(mapping) = mappings::by_id(id).filter(|mapping| mapping.api == Api::OpenAiCompatible) {
        return Ok(from_mapping(mapping, settings));
    }
    if mappings::by_id(id).is_some() || settings.connection.base_url.is_none() {
        return Err(Error::NoSuchProvider { provider_id: id.to_owned(), available_providers: provider_ids() });
    }
    let mut mapping = mappings::OPENAI_COMPATIBLE;
    // The core mapping's key variable is generic; a server of your own gets a key only when given one.
    mapping.api_key.env = &[];
    mapping.api_key.optional = true;
    let settings = OpenAiCompatibleSettings { connection: ConnectionSettings { name: Some(id.to_owned()), ..settings.connection }, ..settings };
    Ok(from_mapping(&mapping, settings))
}

/// The ids of every OpenAI-compatible mapping compiled into this build, sorted.
///
/// Each one is a valid first argument of [`create_openai_compatible`] and a provider id of
/// [`default_registry`](crate::default_registry()).
///
/// ```
/// use specai::openai_compatible::{OpenAiCompatibleSettings, create_openai_compatible, provider_ids};
///
/// let ids = provider_ids();
/// assert!(ids.contains(&"groq".to_owned()) && ids.contains(&"mistral".to_owned()));
/// for id in &ids {
///     let provider = create_openai_compatible(id, OpenAiCompatibleSettings::default().with_base_url("http://127.0.0.1:1"))?;
///     assert_eq!(provider.name(), id);
/// }
/// # Ok::<(), specai::Error>(())
/// ```
pub fn provider_ids() -> Vec<String> {
    mappings::ALL.iter().filter(|mapping| mapping.api == Api::OpenAiCompatible).map(|mapping| mapping.id.to_owned()).collect()
}

/// The chat and completion stream decoders of `mapping` with raw chunks on, for the fuzz targets
/// (`fuzz/`); `None` when the mapping does not build.
///
/// The configuration is built once per mapping and thread: it holds an HTTP client, whose making
/// cost more than decoding a fuzz input.
#[cfg(feature = "fuzzing")]
pub(crate) fn fuzz_mappers(
    mapping: ProviderMapping,
) -> Option<(impl crate::provider_utils::EventMapper, impl crate::provider_utils::EventMapper)> {
    thread_local! {
        static CONFIGS: std::cell::RefCell<Vec<Config>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    CONFIGS.with_borrow_mut(|configs| {
        let index = match configs.iter().position(|config| config.mapping.id == mapping.id) {
            Some(index) => index,
            None => {
                let settings = ConnectionSettings { api_key: Some("fuzz".into()), base_url: Some("http://fuzz.invalid".into()), ..Default::default() };
                configs.push(Config::new(mapping, settings).ok()?);
                configs.len() - 1
            }
        };
        let config = &configs[index];
        let setup = openai_compatible_stream::StreamSetup::new(config, "http://fuzz.invalid".to_owned(), true);
        let completion = openai_compatible_completion_language_model::CompletionStreamState::new(config.mapping.usage, true);
        Some((openai_compatible_stream::ChatStreamState::new(setup), completion))
    })
}

#[cfg(test)]
mod tests;
