//! OpenAI: the Responses API (the default language model), chat completions, legacy completions,
//! embeddings, images, speech and transcription.
//!
#![cfg_attr(feature = "openai-responses", doc = " ```no_run")]
#![cfg_attr(not(feature = "openai-responses"), doc = " ```ignore")]
//! # async fn run() -> specai::Result<()> {
//! use specai::openai::{create_openai, openai, OpenAiSettings};
//!
//! // The Responses API model, with the key from OPENAI_API_KEY.
//! let model = openai("gpt-4o-mini");
//! let answer = specai::generate_text(model).prompt("Hi!").await?;
//!
//! // Chat completions against any OpenAI-compatible server.
//! let local = create_openai(OpenAiSettings::default().with_base_url("http://127.0.0.1:8080/v1").with_api_key("unused"));
//! let chat = local.chat("smollm2-chat");
//! # Ok(()) }
//! ```
//!
//! Request and response bodies are the types generated from `specs/openai/openapi.json` where
//! they fit; streaming (SSE) and multipart calls are written here, over those types, because the
//! generator does not produce them. Each file maps one concern: messages
//! (`convert_to_openai_messages.rs`, `convert_to_openai_responses_input.rs`), tools
//! (`openai_prepare_tools.rs`), finish reasons, options, errors, and one file per model kind.
//!
//! The configuration is built once per provider and shared by its models (`Arc`): the static
//! headers (authorization, organization, project, the caller's headers) are built on the first
//! call, so a missing API key is reported then, naming `OPENAI_API_KEY`, and not rebuilt after.

#[cfg(feature = "openai-responses")]
mod convert_to_openai_responses_input;
#[cfg(feature = "openai-responses")]
mod map_openai_finish_reason;
#[cfg(feature = "openai-responses")]
mod openai_error;
#[cfg(feature = "image")]
mod openai_image_model;
mod openai_options;
#[cfg(feature = "openai-responses")]
mod openai_prepare_tools;
#[cfg(feature = "openai-responses")]
mod openai_responses_language_model;
#[cfg(feature = "openai-responses")]
mod openai_responses_stream;
#[cfg(feature = "speech")]
mod openai_speech_model;

use std::sync::Arc;

use http::{HeaderMap, HeaderName, HeaderValue};
use specai_generated::mappings::{self, ProviderMapping};

#[cfg(feature = "image")]
pub use openai_image_model::OpenAiImageModel;
pub use openai_options::{
    Logprobs, OPENAI_PROVIDER_ID, OpenAiEmbeddingOptions, OpenAiImageOptions, OpenAiOptions, OpenAiSpeechOptions,
    OpenAiTranscriptionOptions, ServiceTier, SystemMessageMode, TextVerbosity, is_reasoning_model,
};
#[cfg(feature = "openai-responses")]
pub use openai_responses_language_model::OpenAiResponsesLanguageModel;
#[cfg(feature = "speech")]
pub use openai_speech_model::OpenAiSpeechModel;

use crate::error::{Error, Result};
#[cfg(feature = "embedding")]
use crate::provider::EmbeddingModel;
#[cfg(feature = "image")]
use crate::provider::ImageModel;
use crate::provider::{LanguageModel, Provider};
#[cfg(feature = "speech")]
use crate::provider::SpeechModel;
#[cfg(feature = "transcription")]
use crate::provider::TranscriptionModel;
#[cfg(feature = "embedding")]
use crate::providers::openai_compatible::OpenAiCompatibleEmbeddingModel;
#[cfg(feature = "transcription")]
use crate::providers::openai_compatible::OpenAiCompatibleTranscriptionModel;
use crate::providers::openai_compatible::{self, Config, OpenAiCompatibleChatLanguageModel, OpenAiCompatibleCompletionLanguageModel};
use crate::provider_utils::{ConnectionSettings, combine_headers, connection_setters, provider_model_methods};

/// OpenAI's chat-completions model: the one chat-completions engine with OpenAI's mapping.
pub type OpenAiChatLanguageModel = OpenAiCompatibleChatLanguageModel;
/// OpenAI's legacy completions model: the compatible engine with OpenAI's mapping.
pub type OpenAiCompletionLanguageModel = OpenAiCompatibleCompletionLanguageModel;
/// OpenAI's embedding model: the compatible engine with OpenAI's mapping.
#[cfg(feature = "embedding")]
pub type OpenAiEmbeddingModel = OpenAiCompatibleEmbeddingModel;
/// OpenAI's transcription model: the one transcription engine, which compatible vendors (Groq) share.
#[cfg(feature = "transcription")]
pub type OpenAiTranscriptionModel = OpenAiCompatibleTranscriptionModel;

/// How to reach OpenAI (or an OpenAI-compatible server), built with `with_*` methods; every
/// setting is optional, and the defaults (base URL, key variable, its override variable) come
/// from `specs/openai/provider.toml`.
///
/// ```
/// use specai::openai::{OpenAiSettings, create_openai};
///
/// let provider = create_openai(
///     OpenAiSettings::default()
///         .with_api_key("sk-...")
///         .with_organization("org-123")
///         .with_header("x-request-source", "docs"),
/// );
/// let model = provider.chat("gpt-4o-mini");
/// ```
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct OpenAiSettings {
    connection: ConnectionSettings,
    organization: Option<String>,
    project: Option<String>,
}

impl OpenAiSettings {
    connection_setters!();

    /// Settings with these connection settings (for providers built on OpenAI's, e.g. Azure).
    #[cfg_attr(not(feature = "azure"), allow(dead_code))]
    pub(crate) fn from_connection(connection: ConnectionSettings) -> Self {
        OpenAiSettings { connection, ..Default::default() }
    }

    crate::option_setters::option_setters! {
        /// Sends `OpenAI-Organization` with every request.
        with_organization(impl Into<String>) => Some(organization);
        /// Sends `OpenAI-Project` with every request.
        with_project(impl Into<String>) => Some(project);
    }
}

/// `Debug` of a model that keeps its URL as text: the URL redacted (a base URL may carry user info).
#[cfg(any(feature = "image", feature = "speech"))]
pub(crate) fn debug_model(formatter: &mut std::fmt::Formatter<'_>, name: &str, model_id: &str, url: &str, config: &SharedConfig) -> std::fmt::Result {
    formatter
        .debug_struct(name)
        .field("model_id", &model_id)
        .field("url", &crate::provider_utils::RedactedUrl(Some(url)))
        .field("config", config)
        .finish_non_exhaustive()
}

/// The shared configuration built from an OpenAI mapping and the settings.
pub(crate) fn config(mapping: ProviderMapping, settings: OpenAiSettings) -> Result<Config> {
    let OpenAiSettings { mut connection, organization, project } = settings;
    let mut headers = HeaderMap::new();
    for (name, value) in [("openai-organization", organization), ("openai-project", project)] {
        if let Some(value) = value {
            let value = HeaderValue::try_from(value).map_err(|_| Error::invalid_argument(name, "not a valid HTTP header value"))?;
            headers.insert(HeaderName::from_static(name), value);
        }
    }
    // The caller's own headers go over these.
    connection.headers = combine_headers(&headers, &connection.headers);
    let mut config = Config::new(mapping, connection)?;
    config.options_reader = openai_options::read_chat_options;
    Ok(config)
}

/// A generated string enum from its wire name (unknown names become its `Unlisted` variant).
#[cfg(any(feature = "openai-responses", feature = "image", feature = "speech"))]
pub(crate) fn wire_enum<T: serde::de::DeserializeOwned>(setting: &str, value: &str) -> Result<T> {
    serde_json::from_value(serde_json::Value::String(value.to_owned()))
        .map_err(|error| Error::invalid_argument(setting, error.to_string()))
}

/// Seconds since the epoch as a time.
#[cfg(any(feature = "openai-responses", feature = "image"))]
pub(crate) fn timestamp(seconds: Option<i64>) -> Option<std::time::SystemTime> {
    let seconds = u64::try_from(seconds?).ok()?;
    Some(std::time::UNIX_EPOCH + std::time::Duration::from_secs(seconds))
}

/// The provider id a model reports (`openai.responses`) and the URL of its operation, from the
/// mapping; an empty URL when the configuration failed (every call reports that error).
#[cfg(any(feature = "openai-responses", feature = "image", feature = "speech"))]
pub(crate) fn model_endpoint(config: &SharedConfig, kind: &str, operation: fn(&mappings::Operations) -> Option<&mappings::Operation>, model_id: &str) -> (String, String) {
    match config {
        Ok(config) => (
            format!("{}.{kind}", config.name),
            config.fixed_url(operation(&config.mapping.operations), model_id).unwrap_or_default(),
        ),
        Err(_) => (format!("{OPENAI_PROVIDER_ID}.{kind}"), String::new()),
    }
}

/// An OpenAI provider: hands out models of every kind, sharing one configuration.
///
/// Made by [`create_openai`]; [`openai`] is a default one's Responses model. The language
/// model is the Responses API ([`responses`](Self::responses)) unless you pick
/// [`chat`](Self::chat) or [`completion`](Self::completion).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> specai::Result<()> {
/// use serde_json::json;
/// use specai::openai::{OpenAiSettings, create_openai};
/// use specai::provider_utils::test_server::{TestResponse, TestServer};
///
/// let server = TestServer::start([TestResponse::json(200, json!({
///     "id": "c1", "object": "chat.completion", "created": 1, "model": "gpt-4o-mini",
///     "choices": [{"index": 0, "message": {"role": "assistant", "content": "Hello!"}, "finish_reason": "stop"}],
///     "usage": {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5}
/// }))]).await;
/// let openai = create_openai(OpenAiSettings::default().with_api_key("sk-test").with_base_url(server.url("/v1")));
/// let result = specai::generate_text(openai.chat("gpt-4o-mini")).prompt("Hi").temperature(0.7).await?;
/// assert_eq!((&*result.text(), result.total_usage.total_tokens()), ("Hello!", Some(5)));
/// let request = server.single_request();
/// assert_eq!((request.path.as_str(), request.header("authorization")), ("/v1/chat/completions", Some("Bearer sk-test")));
/// assert!(request.header("user-agent").unwrap().starts_with("specai/"));
/// assert!(request.body_text().contains(r#""temperature":0.7"#));
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct OpenAiProvider {
    config: SharedConfig,
}

impl OpenAiProvider {
    fn config(&self) -> SharedConfig {
        self.config.clone()
    }

    fn name(&self) -> &str {
        self.config.as_ref().map_or(OPENAI_PROVIDER_ID, |config| config.name.as_str())
    }

    /// The generated client of the OpenAI API (`specai_generated::openai::Client`) with this
    /// provider's base URL, HTTP client and headers, for the operations specai does not wrap
    /// (listing models, say). Reads the API key, so a missing key is an error here. Needs the
    /// `openai-responses` feature too: the generated OpenAI types come with it.
    #[cfg(all(feature = "api-client", feature = "openai-responses"))]
    pub fn api_client(&self) -> Result<specai_generated::openai::Client> {
        let config = self.config()?;
        let (base_url, client, headers) = config.client_parts()?;
        Ok(specai_generated::openai::Client::new_with_client(base_url, client).with_headers(headers))
    }

    /// The Responses API language model (what [`openai`] returns).
    #[cfg(feature = "openai-responses")]
    pub fn responses(&self, model_id: impl Into<String>) -> OpenAiResponsesLanguageModel {
        OpenAiResponsesLanguageModel::new(model_id.into(), self.config())
    }

    /// The chat-completions language model (also for OpenAI-compatible servers).
    pub fn chat(&self, model_id: impl Into<String>) -> OpenAiChatLanguageModel {
        OpenAiChatLanguageModel::new(model_id.into(), self.config(), self.name())
    }

    /// The legacy completions language model (`gpt-3.5-turbo-instruct`).
    pub fn completion(&self, model_id: impl Into<String>) -> OpenAiCompletionLanguageModel {
        OpenAiCompletionLanguageModel::new(model_id.into(), self.config(), self.name())
    }

    /// The default language model: the Responses API.
    #[cfg(feature = "openai-responses")]
    pub fn language_model(&self, model_id: impl Into<String>) -> OpenAiResponsesLanguageModel {
        self.responses(model_id)
    }

    /// An embedding model (`text-embedding-3-small`...).
    #[cfg(feature = "embedding")]
    pub fn embedding(&self, model_id: impl Into<String>) -> OpenAiEmbeddingModel {
        OpenAiEmbeddingModel::new(model_id.into(), self.config(), self.name())
    }

    /// An image model (`gpt-image-1`, `dall-e-3`...).
    #[cfg(feature = "image")]
    pub fn image(&self, model_id: impl Into<String>) -> OpenAiImageModel {
        OpenAiImageModel::new(model_id.into(), self.config())
    }

    /// A speech model (`gpt-4o-mini-tts`, `tts-1`...).
    #[cfg(feature = "speech")]
    pub fn speech(&self, model_id: impl Into<String>) -> OpenAiSpeechModel {
        OpenAiSpeechModel::new(model_id.into(), self.config())
    }

    /// A transcription model (`whisper-1`, `gpt-4o-transcribe`...).
    #[cfg(feature = "transcription")]
    pub fn transcription(&self, model_id: impl Into<String>) -> OpenAiTranscriptionModel {
        OpenAiTranscriptionModel::new(model_id.into(), self.config(), self.name())
    }
}

impl Provider for OpenAiProvider {
    /// The Responses API model, as [`language_model`](OpenAiProvider::language_model) gives.
    #[cfg(feature = "openai-responses")]
    fn language_model(&self, model_id: &str) -> Result<Arc<dyn LanguageModel>> {
        Ok(Arc::new(self.responses(model_id)))
    }

    /// A build without the Responses API has no default language model: falling back to chat
    /// completions would send another API's requests than a default build does for the same id.
    #[cfg(not(feature = "openai-responses"))]
    fn language_model(&self, model_id: &str) -> Result<Arc<dyn LanguageModel>> {
        Err(responses_not_built(model_id))
    }

    provider_model_methods! {
        embedding_model: EmbeddingModel = embedding if feature = "embedding";
        image_model: ImageModel = image if feature = "image";
        speech_model: SpeechModel = speech if feature = "speech";
        transcription_model: TranscriptionModel = transcription if feature = "transcription";
    }
}

/// The registry's answer for `openai:<id>` in a build without the Responses API.
#[cfg_attr(feature = "openai-responses", allow(dead_code))]
fn responses_not_built(model_id: &str) -> Error {
    Error::unsupported(
        "the Responses API",
        Some(format!(
            "`{model_id}`: the default OpenAI language model is the Responses API, and specai was built without its \
             `openai-responses` feature; `create_openai(settings).chat(\"{model_id}\")` is the chat-completions model"
        )),
    )
}

/// A provider from settings. Nothing is checked or read from the environment for the key until
/// the first call; an invalid header value in the settings is reported by every call.
///
/// ```
/// use specai::openai::{OpenAiSettings, create_openai};
/// use specai::provider::LanguageModel;
///
/// let provider = create_openai(OpenAiSettings::default().with_api_key("my-key").with_base_url("http://127.0.0.1:8080"));
/// let model = provider.chat("gpt-4o-mini");
/// assert_eq!(model.model_id(), "gpt-4o-mini");
/// ```
pub fn create_openai(settings: OpenAiSettings) -> OpenAiProvider {
    create_openai_from_mapping(mappings::OPENAI, settings)
}

/// A provider sharing an already built configuration (Azure's, with its own URLs and auth).
#[cfg(feature = "azure")]
pub(crate) fn openai_from_config(config: SharedConfig) -> OpenAiProvider {
    OpenAiProvider { config }
}

/// A provider following `mapping` (a modified copy of the OpenAI mapping, in tests).
pub(crate) fn create_openai_from_mapping(mapping: ProviderMapping, settings: OpenAiSettings) -> OpenAiProvider {
    OpenAiProvider { config: config(mapping, settings).map(Arc::new) }
}

/// The Responses API model of this id, configured from the environment (the mapping's key and
/// base-URL variables, `OPENAI_API_KEY` and `OPENAI_BASE_URL`).
///
/// ```no_run
/// # async fn example() -> specai::Result<()> {
/// use specai::openai::openai;
///
/// let answer = specai::generate_text(openai("gpt-4o-mini")).prompt("Hi!").await?; // key from OPENAI_API_KEY
/// # Ok(()) }
/// ```
#[cfg(feature = "openai-responses")]
pub fn openai(model_id: impl Into<String>) -> OpenAiResponsesLanguageModel {
    create_openai(OpenAiSettings::default()).responses(model_id)
}

pub(crate) use openai_compatible::SharedConfig;
#[cfg(any(feature = "openai-responses", feature = "image", feature = "speech"))]
pub(crate) use openai_compatible::config_for_call;

/// The Responses stream decoder with raw chunks on, for the fuzz targets (`fuzz/`).
#[cfg(feature = "fuzzing")]
pub(crate) fn fuzz_responses_mapper() -> impl crate::provider_utils::EventMapper {
    openai_responses_stream::ResponsesStreamState::new(Vec::new(), true, "http://fuzz.invalid".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_the_responses_api_the_registry_names_the_feature_and_the_chat_model() {
        let Error::Unsupported { functionality, message: Some(message) } = responses_not_built("gpt-4o") else {
            panic!("not an Unsupported error with a message");
        };
        assert_eq!(functionality, "the Responses API");
        assert!(message.contains("`openai-responses` feature"), "{message}");
        assert!(message.contains(r#"chat("gpt-4o")"#), "{message}");
    }
}
