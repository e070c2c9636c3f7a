//! Google Gemini (the Generative Language API): language models over `generateContent` and
//! `streamGenerateContent`, embedding models over `embedContent` and `batchEmbedContents`.
//!
//! ```no_run
//! # async fn example() -> specai::Result<()> {
//! use specai::google::{GoogleSettings, create_google};
//! use specai::provider::{CallOptions, LanguageModel, Message};
//!
//! let google = create_google(GoogleSettings::default()); // key from GOOGLE_GENERATIVE_AI_API_KEY
//! let model = google.language_model("gemini-2.5-flash");
//! let response = model.do_generate(&CallOptions::new(vec![Message::user("Hello")])).await?;
//! # Ok(()) }
//! ```
//!
//! Request and response bodies are the Gemini wire types; streaming decodes each SSE event once
//! into the response type and maps it in `google_stream`. Gemini-only features (thinking
//! budget, safety settings, cached content) are [`GoogleOptions`] under `provider_options["google"]`;
//! thought signatures come back in provider metadata under `google.thoughtSignature` and are sent
//! back from the same key.

mod convert_json_schema_to_openapi_schema;
mod convert_to_google_messages;
mod google_embedding_model;
mod google_error;
mod google_language_model;
mod google_options;
mod google_prepare_tools;
mod google_stream;
mod map_google_finish_reason;

/// The wire types, generated from specs/google/openapi.json.
use specai_generated::google::types as wire;

use std::sync::Arc;

use http::{HeaderMap, HeaderName, HeaderValue};

pub use convert_json_schema_to_openapi_schema::{ConvertedSchema, convert_json_schema_to_openapi_schema};
pub use google_embedding_model::GoogleEmbeddingModel;
pub use google_error::GoogleErrorParser;
pub use google_language_model::GoogleLanguageModel;
pub use google_options::{GoogleEmbeddingOptions, GoogleOptions, GoogleSafetySetting, GoogleThinkingConfig};
pub use map_google_finish_reason::map_google_finish_reason;

use crate::error::Result;
use crate::provider::{EmbeddingModel, LanguageModel, Provider};
use crate::provider_utils::{
    ApiKey, LazyHeaders, load_api_key, load_setting, sensitive_header_value, without_trailing_slash,
};
use specai_generated::mappings::GOOGLE;

/// The default base URL.
pub const DEFAULT_BASE_URL: &str = "https://generativelanguage.googleapis.com/v1beta";

/// The environment variable the API key is read from (`GOOGLE_API_KEY` and `GEMINI_API_KEY` are
/// read too, as deprecated fallbacks, as specs/google/provider.toml lists them).
pub const API_KEY_ENV_VAR: &str = "GOOGLE_GENERATIVE_AI_API_KEY";

/// The environment variable that overrides the default base URL.
pub const BASE_URL_ENV_VAR: &str = "GOOGLE_GENERATIVE_AI_BASE_URL";

/// Settings of a Google provider; every field is optional.
#[derive(Clone, Default)]
#[non_exhaustive]
pub struct GoogleSettings {
    /// The API key, sent as `x-goog-api-key`; by default read from
    /// `GOOGLE_GENERATIVE_AI_API_KEY` when the first call is made.
    pub api_key: Option<ApiKey>,
    /// The base URL; by default `GOOGLE_GENERATIVE_AI_BASE_URL`, else [`DEFAULT_BASE_URL`].
    pub base_url: Option<String>,
    /// Headers sent with every request.
    pub headers: HeaderMap,
    /// The HTTP client (proxies, timeouts, TLS); by default a new `reqwest::Client`.
    pub client: Option<reqwest::Client>,
}

impl GoogleSettings {
    /// Sets the API key.
    pub fn with_api_key(mut self, api_key: impl Into<ApiKey>) -> Self {
        self.api_key = Some(api_key.into());
        self
    }

    /// Sets the base URL.
    pub fn with_base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = Some(base_url.into());
        self
    }

    /// Adds a header sent with every request.
    pub fn with_header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.insert(name, value);
        self
    }

    /// Sets the HTTP client.
    pub fn with_client(mut self, client: reqwest::Client) -> Self {
        self.client = Some(client);
        self
    }
}

impl std::fmt::Debug for GoogleSettings {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("GoogleSettings")
            .field("api_key", &self.api_key)
            .field("base_url", &self.base_url)
            .field("headers", &self.headers)
            .finish_non_exhaustive()
    }
}

/// What every model of one provider shares: URL, client and the static headers.
#[derive(Debug)]
pub(crate) struct GoogleConfig {
    /// The provider id reported by models, `google.generative-ai`.
    pub provider: &'static str,
    pub base_url: String,
    pub client: reqwest::Client,
    pub headers: LazyHeaders,
}

impl GoogleConfig {
    /// `{base}/models/{model}:{method}`; a model id with a `/` (`tunedModels/x`) is used as is.
    pub fn model_url(&self, model_id: &str, method: &str) -> String {
        if model_id.contains('/') {
            format!("{}/{model_id}:{method}", self.base_url)
        } else {
            format!("{}/models/{model_id}:{method}", self.base_url)
        }
    }

    /// The `models/...` resource name of a model, as request bodies name it.
    pub fn model_name(model_id: &str) -> String {
        if model_id.contains('/') { model_id.to_owned() } else { format!("models/{model_id}") }
    }
}

/// The Google Gemini provider: hands out language and embedding models.
#[derive(Debug, Clone)]
pub struct GoogleProvider {
    config: Arc<GoogleConfig>,
}

/// A Google provider with these settings.
pub fn create_google(settings: GoogleSettings) -> GoogleProvider {
    let GoogleSettings { api_key, base_url, headers: extra_headers, client } = settings;
    let base_url = load_setting(base_url.as_deref(), BASE_URL_ENV_VAR);
    let base_url = without_trailing_slash(base_url.as_deref().unwrap_or(DEFAULT_BASE_URL)).to_owned();
    let headers = LazyHeaders::new(move || {
        let key = load_api_key(api_key.clone(), API_KEY_ENV_VAR, GOOGLE.api_key.deprecated_env, GOOGLE.display_name)?;
        let mut headers = HeaderMap::new();
        headers.insert(HeaderName::from_static("x-goog-api-key"), sensitive_header_value(key.expose())?);
        for (name, value) in &extra_headers {
            headers.insert(name.clone(), value.clone());
        }
        Ok(headers)
    });
    GoogleProvider {
        config: Arc::new(GoogleConfig {
            provider: "google.generative-ai",
            base_url,
            client: client.unwrap_or_default(),
            headers,
        }),
    }
}

/// The language model of this id from a default provider (settings from the environment).
pub fn google(model_id: &str) -> GoogleLanguageModel {
    create_google(GoogleSettings::default()).language_model(model_id)
}

impl GoogleProvider {
    /// The language model of this id, e.g. `gemini-2.5-flash`.
    pub fn language_model(&self, model_id: &str) -> GoogleLanguageModel {
        GoogleLanguageModel::new(model_id, self.config.clone())
    }

    /// The embedding model of this id, e.g. `gemini-embedding-001`.
    pub fn embedding_model(&self, model_id: &str) -> GoogleEmbeddingModel {
        GoogleEmbeddingModel::new(model_id, self.config.clone())
    }
}

impl Provider for GoogleProvider {
    fn language_model(&self, model_id: &str) -> Result<Arc<dyn LanguageModel>> {
        Ok(Arc::new(GoogleProvider::language_model(self, model_id)))
    }

    fn embedding_model(&self, model_id: &str) -> Result<Arc<dyn EmbeddingModel>> {
        Ok(Arc::new(GoogleProvider::embedding_model(self, model_id)))
    }
}

/// The provider-executed tools Gemini offers, as tool definitions for a call's tool list.
pub mod tools {
    use serde_json::json;

    use crate::provider::{ProviderDefinedTool, ToolDefinition};

    fn provider_tool(id: &str, name: &str) -> ToolDefinition {
        ToolDefinition::ProviderDefined(ProviderDefinedTool { id: id.into(), name: name.into(), args: json!({}) })
    }

    /// Grounding with Google Search; the sources arrive as source parts.
    pub fn google_search() -> ToolDefinition {
        provider_tool("google.google_search", "google_search")
    }

    /// Code execution: the code and its result arrive as a provider-executed tool call and result.
    pub fn code_execution() -> ToolDefinition {
        provider_tool("google.code_execution", "code_execution")
    }

    /// URL context: the model reads URLs named in the prompt.
    pub fn url_context() -> ToolDefinition {
        provider_tool("google.url_context", "url_context")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_urls_and_names() {
        let provider = create_google(GoogleSettings::default().with_base_url("http://h/v1beta/"));
        assert_eq!(provider.config.model_url("gemini-2.5-flash", "generateContent"), "http://h/v1beta/models/gemini-2.5-flash:generateContent");
        assert_eq!(provider.config.model_url("tunedModels/t1", "generateContent"), "http://h/v1beta/tunedModels/t1:generateContent");
        assert_eq!(GoogleConfig::model_name("gemini-embedding-001"), "models/gemini-embedding-001");
    }

    #[test]
    fn settings_debug_hides_the_key() {
        let settings = GoogleSettings::default().with_api_key("secret-key");
        assert!(!format!("{settings:?}").contains("secret-key"));
    }
}
