//! OpenAI: the Responses API (the default language model), chat completions, legacy completions,
//! embeddings, images, speech and transcription.
//!
//! ```no_run
//! # async fn run() -> specai::Result<()> {
//! use specai::provider::{CallOptions, LanguageModel, Message};
//! use specai::openai::{create_openai, openai, OpenAiSettings};
//!
//! // The Responses API model, with the key from OPENAI_API_KEY.
//! let model = openai("gpt-4o-mini");
//! let answer = model.do_generate(&CallOptions::new(vec![Message::user("Hi!")])).await?;
//!
//! // Chat completions against any OpenAI-compatible server.
//! let local = create_openai(OpenAiSettings {
//!     base_url: Some("http://127.0.0.1:8080/v1".into()),
//!     api_key: Some("unused".into()),
//!     ..Default::default()
//! });
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

mod convert_to_openai_messages;
mod convert_to_openai_responses_input;
mod map_openai_finish_reason;
mod openai_chat_language_model;
mod openai_completion_language_model;
mod openai_embedding_model;
mod openai_error;
mod openai_image_model;
mod openai_options;
mod openai_prepare_tools;
mod openai_responses_language_model;
mod openai_responses_stream;
mod openai_speech_model;
mod openai_stream;
mod openai_transcription_model;

use std::sync::Arc;

use http::header::AUTHORIZATION;
use http::{HeaderMap, HeaderName, HeaderValue};

pub use openai_chat_language_model::OpenAiChatLanguageModel;
pub use openai_completion_language_model::OpenAiCompletionLanguageModel;
pub use openai_embedding_model::OpenAiEmbeddingModel;
pub use openai_image_model::OpenAiImageModel;
pub use openai_options::{
    Logprobs, OPENAI_PROVIDER_ID, OpenAiEmbeddingOptions, OpenAiImageOptions, OpenAiOptions, OpenAiSpeechOptions,
    OpenAiTranscriptionOptions, ServiceTier, SystemMessageMode, TextVerbosity, is_reasoning_model,
};
pub use openai_responses_language_model::OpenAiResponsesLanguageModel;
pub use openai_speech_model::OpenAiSpeechModel;
pub use openai_transcription_model::OpenAiTranscriptionModel;

use crate::error::{Error, Result};
use crate::provider::{
    EmbeddingModel, ImageModel, LanguageModel, Provider, SpeechModel, TranscriptionModel,
};
use crate::provider_utils::{
    ApiKey, ApiResponse, LazyHeaders, load_api_key, load_setting, post_json, post_multipart, without_trailing_slash,
};
use openai_error::OpenAiErrorParser;

/// The API's default base URL.
pub const DEFAULT_BASE_URL: &str = "https://api.openai.com/v1";
/// The environment variable the API key is read from.
pub const API_KEY_ENV_VAR: &str = "OPENAI_API_KEY";
/// The environment variable the base URL is read from.
pub const BASE_URL_ENV_VAR: &str = "OPENAI_BASE_URL";

/// How to reach OpenAI (or an OpenAI-compatible server). Every field is optional.
#[derive(Debug, Clone, Default)]
pub struct OpenAiSettings {
    /// The API key; default: the `OPENAI_API_KEY` environment variable, read at the first call.
    pub api_key: Option<ApiKey>,
    /// The base URL; default: `OPENAI_BASE_URL`, else `https://api.openai.com/v1`.
    pub base_url: Option<String>,
    /// Sent as `OpenAI-Organization`.
    pub organization: Option<String>,
    /// Sent as `OpenAI-Project`.
    pub project: Option<String>,
    /// Extra headers sent with every request.
    pub headers: HeaderMap,
    /// The HTTP client to use (proxies, timeouts, TLS); default: a new `reqwest::Client`.
    pub client: Option<reqwest::Client>,
    /// The provider name models report (`<name>.chat`...); default `openai`.
    pub name: Option<String>,
}

/// What every OpenAI model of one provider shares.
pub(crate) struct OpenAiConfig {
    /// The provider name, e.g. `openai`.
    pub name: String,
    base_url: String,
    headers: LazyHeaders,
    client: reqwest::Client,
}

impl std::fmt::Debug for OpenAiConfig {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("OpenAiConfig")
            .field("name", &self.name)
            .field("base_url", &self.base_url)
            .field("headers", &self.headers)
            .finish_non_exhaustive()
    }
}

impl OpenAiConfig {
    fn new(settings: OpenAiSettings) -> Result<OpenAiConfig> {
        let base_url = load_setting(settings.base_url.as_deref(), BASE_URL_ENV_VAR)
            .map(|url| without_trailing_slash(&url).to_owned())
            .unwrap_or_else(|| DEFAULT_BASE_URL.to_owned());
        let mut fixed = HeaderMap::new();
        if let Some(organization) = &settings.organization {
            fixed.insert(HeaderName::from_static("openai-organization"), header_value("organization", organization)?);
        }
        if let Some(project) = &settings.project {
            fixed.insert(HeaderName::from_static("openai-project"), header_value("project", project)?);
        }
        for (name, value) in &settings.headers {
            fixed.append(name.clone(), value.clone());
        }
        let api_key = settings.api_key;
        let headers = LazyHeaders::new(move || {
            let key = load_api_key(api_key.clone(), API_KEY_ENV_VAR, &[], "OpenAI")?;
            let mut headers = HeaderMap::with_capacity(fixed.len() + 1);
            headers.insert(AUTHORIZATION, key.bearer_header()?);
            // The caller's headers may replace the authorization header (proxies with their own).
            for (name, value) in &fixed {
                headers.insert(name.clone(), value.clone());
            }
            Ok(headers)
        });
        Ok(OpenAiConfig {
            name: settings.name.unwrap_or_else(|| OPENAI_PROVIDER_ID.to_owned()),
            base_url,
            headers,
            client: settings.client.unwrap_or_default(),
        })
    }

    /// The full URL of an API path such as `/chat/completions`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// The provider id a model reports, e.g. `openai.chat`.
    pub fn provider_id(&self, kind: &str) -> String {
        format!("{}.{kind}", self.name)
    }

    /// The provider's headers with one call's headers on top.
    pub fn headers(&self, call_headers: &HeaderMap) -> Result<HeaderMap> {
        self.headers.with_call_headers(call_headers)
    }

    /// POSTs a typed JSON body; a non-2xx answer is OpenAI's error as [`Error::ApiCall`].
    pub async fn post_json<'a, B: serde::Serialize + ?Sized>(
        &self,
        url: impl Into<crate::provider_utils::Endpoint<'a>>,
        body: &B,
        call_headers: &HeaderMap,
    ) -> Result<ApiResponse> {
        post_json(&self.client, url, self.headers(call_headers)?, body, &OpenAiErrorParser).await
    }

    /// POSTs a multipart form.
    pub async fn post_multipart(
        &self,
        url: &str,
        form: reqwest::multipart::Form,
        call_headers: &HeaderMap,
    ) -> Result<ApiResponse> {
        post_multipart(&self.client, url, self.headers(call_headers)?, form, &OpenAiErrorParser).await
    }
}

fn header_value(setting: &str, value: &str) -> Result<HeaderValue> {
    HeaderValue::from_str(value).map_err(|_| Error::invalid_argument(setting, "not a valid HTTP header value"))
}


/// A generated string enum from its wire name (unknown names become its `Unlisted` variant).
pub(crate) fn wire_enum<T: serde::de::DeserializeOwned>(setting: &str, value: &str) -> Result<T> {
    serde_json::from_value(serde_json::Value::String(value.to_owned()))
        .map_err(|error| Error::invalid_argument(setting, error.to_string()))
}

/// Seconds since the epoch as a time.
pub(crate) fn timestamp(seconds: Option<i64>) -> Option<std::time::SystemTime> {
    let seconds = u64::try_from(seconds?).ok()?;
    Some(std::time::UNIX_EPOCH + std::time::Duration::from_secs(seconds))
}

/// An OpenAI provider: hands out models of every kind, sharing one configuration.
#[derive(Debug, Clone)]
pub struct OpenAiProvider {
    config: Result<Arc<OpenAiConfig>>,
}

impl OpenAiProvider {
    fn config(&self) -> Result<Arc<OpenAiConfig>> {
        self.config.clone()
    }

    /// The generated client of the OpenAI API (`specai_generated::openai::Client`) with this
    /// provider's base URL, HTTP client and headers, for the operations specai does not wrap
    /// (listing models, say). Reads the API key, so a missing key is an error here.
    pub fn api_client(&self) -> Result<specai_generated::openai::Client> {
        let config = self.config()?;
        Ok(specai_generated::openai::Client::new_with_client(&config.base_url, config.client.clone())
            .with_headers(config.headers.get()?.clone()))
    }

    /// The Responses API language model (what [`openai`] returns).
    pub fn responses(&self, model_id: impl Into<String>) -> OpenAiResponsesLanguageModel {
        OpenAiResponsesLanguageModel::new(model_id.into(), self.config())
    }

    /// The chat-completions language model (also for OpenAI-compatible servers).
    pub fn chat(&self, model_id: impl Into<String>) -> OpenAiChatLanguageModel {
        OpenAiChatLanguageModel::new(model_id.into(), self.config())
    }

    /// The legacy completions language model (`gpt-3.5-turbo-instruct`).
    pub fn completion(&self, model_id: impl Into<String>) -> OpenAiCompletionLanguageModel {
        OpenAiCompletionLanguageModel::new(model_id.into(), self.config())
    }

    /// The default language model: the Responses API.
    pub fn language_model(&self, model_id: impl Into<String>) -> OpenAiResponsesLanguageModel {
        self.responses(model_id)
    }

    /// An embedding model (`text-embedding-3-small`...).
    pub fn embedding(&self, model_id: impl Into<String>) -> OpenAiEmbeddingModel {
        OpenAiEmbeddingModel::new(model_id.into(), self.config())
    }

    /// An image model (`gpt-image-1`, `dall-e-3`...).
    pub fn image(&self, model_id: impl Into<String>) -> OpenAiImageModel {
        OpenAiImageModel::new(model_id.into(), self.config())
    }

    /// A speech model (`gpt-4o-mini-tts`, `tts-1`...).
    pub fn speech(&self, model_id: impl Into<String>) -> OpenAiSpeechModel {
        OpenAiSpeechModel::new(model_id.into(), self.config())
    }

    /// A transcription model (`whisper-1`, `gpt-4o-transcribe`...).
    pub fn transcription(&self, model_id: impl Into<String>) -> OpenAiTranscriptionModel {
        OpenAiTranscriptionModel::new(model_id.into(), self.config())
    }
}

impl Provider for OpenAiProvider {
    fn language_model(&self, model_id: &str) -> Result<Arc<dyn LanguageModel>> {
        Ok(Arc::new(self.responses(model_id)))
    }

    fn embedding_model(&self, model_id: &str) -> Result<Arc<dyn EmbeddingModel>> {
        Ok(Arc::new(self.embedding(model_id)))
    }

    fn image_model(&self, model_id: &str) -> Result<Arc<dyn ImageModel>> {
        Ok(Arc::new(self.image(model_id)))
    }

    fn speech_model(&self, model_id: &str) -> Result<Arc<dyn SpeechModel>> {
        Ok(Arc::new(self.speech(model_id)))
    }

    fn transcription_model(&self, model_id: &str) -> Result<Arc<dyn TranscriptionModel>> {
        Ok(Arc::new(self.transcription(model_id)))
    }
}

/// A provider from settings. Nothing is checked or read from the environment for the key until
/// the first call; an invalid header value in the settings is reported by every call.
pub fn create_openai(settings: OpenAiSettings) -> OpenAiProvider {
    OpenAiProvider { config: OpenAiConfig::new(settings).map(Arc::new) }
}

/// The Responses API model of this id, configured from the environment (`OPENAI_API_KEY`,
/// `OPENAI_BASE_URL`).
pub fn openai(model_id: impl Into<String>) -> OpenAiResponsesLanguageModel {
    create_openai(OpenAiSettings::default()).responses(model_id)
}

/// The models keep the configuration or the error that building it gave, reported at each call.
pub(crate) type SharedConfig = Result<Arc<OpenAiConfig>>;

/// The configuration, or the construction error, for a call.
pub(crate) fn config_for_call(config: &SharedConfig) -> Result<&OpenAiConfig> {
    config.as_deref().map_err(Clone::clone)
}
