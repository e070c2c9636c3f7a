//! Google Gemini (the Generative Language API): language models over `generateContent` and
//! `streamGenerateContent`, embedding models over `embedContent` and `batchEmbedContents`,
//! speech (Gemini TTS, `generateContent` with the AUDIO modality, returned as WAV), and images
//! (Imagen over `predict`, the engine Vertex shares; Gemini image models over `generateContent`).
//!
//! ```no_run
//! # async fn example() -> specai::Result<()> {
//! use specai::google::{GoogleSettings, create_google};
//!
//! let google = create_google(GoogleSettings::default()); // key from GOOGLE_GENERATIVE_AI_API_KEY
//! let model = google.language_model("gemini-2.5-flash");
//! let response = specai::generate_text(model).prompt("Hello").await?;
//! # Ok(()) }
//! ```
//!
//! The base URL, key variables (with the deprecated `GOOGLE_API_KEY` and `GEMINI_API_KEY`), the
//! `x-goog-api-key` auth, the operation paths (`alt=sse` on the streaming one) and the retryable
//! statuses come from `specs/google/provider.toml`, read through the shared mapping-driven
//! connection; none is restated here.
//!
//! Request and response bodies are the Gemini wire types; streaming decodes each SSE event once
//! into the response type and maps it in `google_stream`. Gemini-only features (thinking
//! budget, safety settings, cached content) are [`GoogleOptions`] under `provider_options["google"]`;
//! thought signatures come back in provider metadata under `google.thoughtSignature` and are sent
//! back from the same key.

mod convert_json_schema_to_openapi_schema;
mod convert_to_google_messages;
#[cfg(feature = "embedding")]
mod google_embedding_model;
mod google_error;
#[cfg(feature = "image")]
mod google_image_model;
#[cfg(feature = "image")]
mod google_imagen;
#[cfg(any(feature = "image", feature = "speech"))]
mod google_inline_output;
mod google_language_model;
mod google_options;
mod google_prepare_tools;
#[cfg(feature = "speech")]
mod google_speech_model;
mod google_stream;
mod map_google_finish_reason;

/// The wire types, generated from specs/google/openapi.json.
use specai_generated::google::types as wire;

use std::sync::Arc;

use specai_generated::mappings::{GOOGLE, ProviderMapping};

pub use convert_json_schema_to_openapi_schema::{ConvertedSchema, convert_json_schema_to_openapi_schema};
#[cfg(feature = "embedding")]
pub use google_embedding_model::GoogleEmbeddingModel;
#[cfg(feature = "image")]
pub use google_image_model::GoogleImageModel;
#[cfg(all(feature = "vertex", feature = "image"))]
pub(crate) use google_imagen::{ImagenCaller, imagen_predict};
pub use google_language_model::GoogleLanguageModel;
pub use google_options::{
    GoogleEmbeddingOptions, GoogleImageConfig, GoogleImageOptions, GoogleOptions, GoogleSafetySetting, GoogleSpeechOptions,
    GoogleThinkingConfig,
};
#[cfg(feature = "speech")]
pub use google_speech_model::GoogleSpeechModel;
pub use map_google_finish_reason::map_google_finish_reason;

#[cfg(feature = "embedding")]
use crate::provider::EmbeddingModel;
#[cfg(feature = "image")]
use crate::provider::ImageModel;
#[cfg(feature = "speech")]
use crate::provider::SpeechModel;
use crate::provider::{LanguageModel, Provider};
use crate::provider_utils::{MappedConnection, SharedConnection, connection_for_call, provider_models, provider_settings};

/// The provider id models report.
const PROVIDER_ID: &str = "google.generative-ai";

provider_settings! {
    /// How to reach Google's Gemini API, built with `with_*` methods; every setting is optional,
    /// and the defaults come from `specs/google/provider.toml` (the key from
    /// `GOOGLE_GENERATIVE_AI_API_KEY`, sent as `x-goog-api-key`).
    ///
    /// ```
    /// use specai::google::{GoogleSettings, create_google};
    ///
    /// let provider = create_google(GoogleSettings::default().with_api_key("AIza...").with_header("x-goog-user-project", "my-project"));
    /// let model = provider.language_model("gemini-2.5-flash");
    /// ```
    pub struct GoogleSettings;
}

/// An operation path for a model: `{model}` replaced by the id, except that an id naming its own
/// collection (`tunedModels/t1`) replaces the mapping's collection segment too
/// (`/models/{model}:generateContent` becomes `/tunedModels/t1:generateContent`).
pub(crate) fn resource_path(path: &str, model_id: &str) -> String {
    if model_id.contains('/')
        && let Some(at) = path.find("{model}")
    {
        let collection = path[..at].trim_end_matches('/').rfind('/').unwrap_or(0);
        return format!("{}/{model_id}{}", &path[..collection], &path[at + "{model}".len()..]);
    }
    path.replace("{model}", model_id)
}

/// The `models/...` resource name of a model, as request bodies name it.
#[cfg_attr(not(feature = "embedding"), allow(dead_code))]
fn model_name(model_id: &str) -> String {
    if model_id.contains('/') { model_id.to_owned() } else { format!("models/{model_id}") }
}

/// The Google Gemini provider: hands out language, embedding, speech and image models.
///
/// Made by [`create_google`]; [`google`] is a default one's language model.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> specai::Result<()> {
/// use serde_json::json;
/// use specai::google::{GoogleSettings, create_google};
/// use specai::provider_utils::test_server::{TestResponse, TestServer};
///
/// let server = TestServer::start([TestResponse::json(200, json!({
///     "candidates": [{"content": {"role": "model", "parts": [{"text": "Hello!"}]}, "finishReason": "STOP"}],
///     "usageMetadata": {"promptTokenCount": 3, "candidatesTokenCount": 2, "totalTokenCount": 5}
/// }))]).await;
/// let google = create_google(GoogleSettings::default().with_api_key("my-key").with_base_url(server.url("/v1beta")));
/// let result = specai::generate_text(google.language_model("gemini-2.5-flash")).prompt("Hi").temperature(0.7).await?;
/// assert_eq!(result.text(), "Hello!");
/// let request = server.single_request();
/// assert_eq!(request.path, "/v1beta/models/gemini-2.5-flash:generateContent");
/// assert_eq!(request.header("x-goog-api-key"), Some("my-key"));
/// assert_eq!(request.json()["generationConfig"]["temperature"], json!(0.7)); // as written, not 0.699999988
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct GoogleProvider {
    connection: SharedConnection,
}

/// A Google provider with these settings. Invalid settings are reported by every call of its
/// models.
///
/// ```
/// use specai::google::{GoogleSettings, create_google};
/// use specai::provider::LanguageModel;
///
/// let provider = create_google(GoogleSettings::default().with_api_key("my-key").with_base_url("http://127.0.0.1:8080"));
/// let model = provider.language_model("gemini-2.5-flash");
/// assert_eq!(model.model_id(), "gemini-2.5-flash");
/// ```
pub fn create_google(settings: GoogleSettings) -> GoogleProvider {
    create_google_from_mapping(GOOGLE, settings)
}

/// A provider following `mapping` (a modified copy of the Google mapping, in tests).
pub(crate) fn create_google_from_mapping(mapping: ProviderMapping, settings: GoogleSettings) -> GoogleProvider {
    let connection = MappedConnection::new(mapping, settings.connection, None).map(|connection| Arc::new(connection.with_model_path(resource_path)));
    GoogleProvider { connection }
}

/// The language model of this id from a default provider (settings from the environment).
///
/// ```no_run
/// # async fn example() -> specai::Result<()> {
/// use specai::google::google;
///
/// let answer = specai::generate_text(google("gemini-2.5-flash")).prompt("Hi!").await?; // key from GOOGLE_GENERATIVE_AI_API_KEY
/// # Ok(()) }
/// ```
pub fn google(model_id: &str) -> GoogleLanguageModel {
    create_google(GoogleSettings::default()).language_model(model_id)
}

provider_models! {
    impl Provider for GoogleProvider {
        /// The language model of this id, e.g. `gemini-2.5-flash`.
        pub fn language_model -> GoogleLanguageModel as language_model: LanguageModel;
        /// The embedding model of this id, e.g. `gemini-embedding-001`.
        pub fn embedding_model -> GoogleEmbeddingModel as embedding_model: EmbeddingModel if feature = "embedding";
        /// The speech model of this id, e.g. `gemini-2.5-flash-preview-tts`.
        ///
        /// ```
        /// use specai::google::{GoogleSettings, create_google};
        /// use specai::provider::SpeechModel;
        ///
        /// let tts = create_google(GoogleSettings::default().with_api_key("AIza...")).speech_model("gemini-2.5-flash-preview-tts");
        /// assert_eq!(tts.provider(), "google.speech");
        /// ```
        pub fn speech_model -> GoogleSpeechModel as speech_model: SpeechModel if feature = "speech";
        /// The image model of this id: Imagen (`imagen-4.0-generate-001`) or a Gemini image model
        /// (`gemini-2.5-flash-image`).
        ///
        /// ```
        /// use specai::google::{GoogleSettings, create_google};
        /// use specai::provider::ImageModel;
        ///
        /// let google = create_google(GoogleSettings::default().with_api_key("AIza..."));
        /// assert_eq!(google.image_model("imagen-4.0-generate-001").max_images_per_call(), Some(4));
        /// assert_eq!(google.image_model("gemini-2.5-flash-image").max_images_per_call(), Some(1));
        /// ```
        pub fn image_model -> GoogleImageModel as image_model: ImageModel if feature = "image";
    }
}

/// The provider-executed tools Gemini offers, as tool definitions for a call's tool list.
pub mod tools {
    use serde_json::json;

    use crate::provider::{ProviderDefinedTool, ToolDefinition};

    fn provider_tool(id: &str, name: &str) -> ToolDefinition {
        ToolDefinition::ProviderDefined(ProviderDefinedTool::new(id, name, json!({})))
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

/// The stream decoder with raw chunks on, for the fuzz targets (`fuzz/`).
#[cfg(feature = "fuzzing")]
pub(crate) fn fuzz_mapper() -> impl crate::provider_utils::EventMapper {
    let errors = crate::provider_utils::MappingErrorParser::new(GOOGLE.errors, None);
    google_stream::GoogleEventMapper::new(true, "http://fuzz.invalid".to_owned(), http::HeaderMap::new(), errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_urls_and_names() {
        let provider = create_google(GoogleSettings::default().with_base_url("http://h/v1beta/"));
        let connection = provider.connection.unwrap();
        let generate = GOOGLE.operations.chat.unwrap();
        assert_eq!(connection.url(&generate, "gemini-2.5-flash").unwrap(), "http://h/v1beta/models/gemini-2.5-flash:generateContent");
        assert_eq!(connection.url(&generate, "tunedModels/t1").unwrap(), "http://h/v1beta/tunedModels/t1:generateContent");
        let stream = GOOGLE.operations.chat_stream.unwrap();
        assert_eq!(connection.url(&stream, "gemini-2.5-flash").unwrap(), "http://h/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse");
        assert_eq!(model_name("gemini-embedding-001"), "models/gemini-embedding-001");
    }

    #[test]
    fn settings_debug_hides_the_key() {
        let settings = GoogleSettings::default().with_api_key("secret-key");
        assert!(!format!("{settings:?}").contains("secret-key"));
    }
}
