//! Google Vertex AI: Gemini (the Google provider's code over Vertex's URLs), Anthropic's Claude
//! models (the Anthropic provider's code over `rawPredict`/`streamRawPredict`), text embedding
//! models and Imagen (over `predict`), with Google Cloud credentials or an express-mode API key.
//!
#![cfg_attr(feature = "embedding", doc = " ```no_run")]
#![cfg_attr(not(feature = "embedding"), doc = " ```ignore")]
//! # async fn run() -> specai::Result<()> {
//! use specai::vertex::{VertexSettings, create_vertex, vertex};
//!
//! // Project and location from GOOGLE_VERTEX_PROJECT and GOOGLE_VERTEX_LOCATION, credentials
//! // from Application Default Credentials.
//! let gemini = vertex("gemini-2.5-flash");
//! let answer = specai::generate_text(gemini).prompt("Hi!").await?;
//!
//! let provider = create_vertex(VertexSettings::default().with_project("my-project").with_location("global"));
//! let claude = provider.anthropic("claude-sonnet-4-5@20250929");
//! let embedder = provider.embedding("text-embedding-005");
//! # Ok(()) }
//! ```
//!
//! URLs come from the mappings: `specs/vertex/provider.toml` (Gemini and `predict`,
//! `https://{location}-aiplatform.googleapis.com/v1/projects/{project}/locations/{location}/publishers/google`,
//! `aiplatform.googleapis.com` for the `global` location), `specs/vertex-anthropic/` (the same
//! under `publishers/anthropic`, the body with `anthropic_version: vertex-2023-10-16` and no
//! `model`) and `specs/vertex-express/` (an API key in `x-goog-api-key`, from the settings or
//! `GOOGLE_VERTEX_API_KEY`, on the global endpoint without a project). Auth otherwise is a bearer
//! token from [`GoogleCredentials`] (Application Default Credentials unless the settings give
//! credentials), cached and refreshed before it expires.
//!
//! Provider options: Gemini reads [`GoogleOptions`](crate::google::GoogleOptions) under
//! `google`, Claude [`AnthropicOptions`](crate::anthropic::AnthropicOptions) under `anthropic`,
//! the embedding and Imagen models [`VertexEmbeddingOptions`] and [`VertexImageOptions`] under
//! `vertex`.
//!
//! Not covered: tuned-model endpoints (`endpoints/{id}`), Gemini's `embedContent` on Vertex,
//! Imagen editing and upscaling, Veo, Cloud TTS/STT, other publishers' models (Llama, Mistral
//! through Model-as-a-Service), Anthropic's token counting, and batch prediction.

mod vertex_credentials;
#[cfg(feature = "embedding")]
mod vertex_embedding_model;
#[cfg(feature = "image")]
mod vertex_image_model;
mod vertex_options;

#[cfg(test)]
mod vertex_provider_tests;

/// The wire types of `predict`, generated from specs/vertex/openapi.json.
#[cfg(any(feature = "embedding", feature = "image"))]
use specai_generated::vertex::types as wire;

use std::sync::Arc;

use specai_generated::mappings::{ModelFamily, ProviderMapping, VERTEX, VERTEX_ANTHROPIC, VERTEX_EXPRESS, families, family_of};

pub use vertex_credentials::GoogleCredentials;
#[cfg(feature = "embedding")]
pub use vertex_embedding_model::VertexEmbeddingModel;
#[cfg(feature = "image")]
pub use vertex_image_model::VertexImageModel;
pub use vertex_options::{VERTEX_PROVIDER_KEY, VertexEmbeddingOptions, VertexImageOptions};

use crate::anthropic::{AnthropicLanguageModel, AnthropicProvider, AnthropicSettings};
use crate::error::Result;
use crate::google::GoogleLanguageModel;
#[cfg(feature = "embedding")]
use crate::provider::EmbeddingModel;
#[cfg(feature = "image")]
use crate::provider::ImageModel;
use crate::provider::{LanguageModel, Provider};
use crate::provider_utils::{
    ApiKey, ConnectionSettings, MappedConnection, TokenProvider, connection_setters, fill_base_url, load_setting,
    provider_model_methods,
};
use crate::provider_utils::SharedConnection;
#[cfg(any(feature = "embedding", feature = "image"))]
use crate::provider_utils::connection_for_call;

/// Settings of a Vertex provider; every field is optional, and the defaults come from the
/// mappings and the environment.
///
/// Either a project and location with Google Cloud credentials (Application Default
/// Credentials unless given), or an express-mode API key alone (Gemini, embedding and Imagen).
///
/// ```
/// use std::sync::Arc;
/// use specai::provider::LanguageModel;
/// use specai::vertex::{GoogleCredentials, VertexSettings, create_vertex};
///
/// // A project and location, with a service-account key read when the first call needs a token.
/// let credentials = GoogleCredentials::from_service_account_json(r#"{"type": "service_account"}"#);
/// let settings = VertexSettings::default().with_project("my-project").with_location("europe-west4").with_credentials(Arc::new(credentials));
/// assert_eq!(create_vertex(settings).language_model("gemini-2.5-flash").provider(), "google.vertex.chat");
/// // Express mode: a key and nothing else.
/// let express = create_vertex(VertexSettings::default().with_api_key("my-express-key"));
/// # let _ = express;
/// ```
#[derive(Clone, Default)]
#[non_exhaustive]
pub struct VertexSettings {
    connection: ConnectionSettings,
    project: Option<String>,
    location: Option<String>,
    credentials: Option<Arc<dyn TokenProvider>>,
}

impl VertexSettings {
    // The key is an express-mode API key (default: `GOOGLE_VERTEX_API_KEY`): with one, Gemini,
    // embedding and Imagen calls use express mode and need no project or credentials. The base
    // URL replaces the URL up to `/publishers/...`, e.g.
    // `https://us-central1-aiplatform.googleapis.com/v1/projects/p/locations/us-central1`.
    connection_setters!();

    crate::option_setters::option_setters! {
        /// Sets the Google Cloud project (default: `GOOGLE_VERTEX_PROJECT`).
        with_project(impl Into<String>) => Some(project);
        /// Sets the location: `us-central1`, `europe-west4`, `global`... (default:
        /// `GOOGLE_VERTEX_LOCATION`).
        with_location(impl Into<String>) => Some(location);
    }

    /// Sets where bearer tokens come from, e.g. a [`GoogleCredentials`] from a service-account
    /// key (default: [`GoogleCredentials::application_default`]).
    pub fn with_credentials(mut self, credentials: Arc<dyn TokenProvider>) -> Self {
        self.credentials = Some(credentials);
        self
    }
}

impl std::fmt::Debug for VertexSettings {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("VertexSettings")
            .field("connection", &self.connection)
            .field("project", &self.project)
            .field("location", &self.location)
            .field("credentials", &self.credentials.as_ref().map(|_| "<credentials>"))
            .finish_non_exhaustive()
    }
}

/// The Vertex AI provider: Gemini, Claude, embedding and Imagen models of one project and
/// location (or of express mode).
///
/// Made by [`create_vertex`]; [`vertex`] is a default one's Gemini model.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> specai::Result<()> {
/// use std::time::Duration;
/// use serde_json::json;
/// use specai::provider_utils::test_server::{TestResponse, TestServer};
/// use specai::provider_utils::{AccessToken, token_provider_fn};
/// use specai::vertex::{VertexSettings, create_vertex};
///
/// let server = TestServer::start([TestResponse::json(200, json!({
///     "candidates": [{"content": {"role": "model", "parts": [{"text": "Hello!"}]}, "finishReason": "STOP"}]
/// }))]).await;
/// // Tokens from a function of your own (Application Default Credentials when none is given).
/// let tokens = token_provider_fn(|| async { Ok(AccessToken::expires_in("ya29.token", Duration::from_secs(3600))) });
/// let base_url = server.url("/v1/projects/my-project/locations/us-east5");
/// let vertex = create_vertex(VertexSettings::default().with_base_url(base_url).with_credentials(tokens));
/// let result = specai::generate_text(vertex.language_model("gemini-2.5-flash")).prompt("Hi").await?;
/// assert_eq!(result.text(), "Hello!");
/// let request = server.single_request();
/// assert_eq!(request.path, "/v1/projects/my-project/locations/us-east5/publishers/google/models/gemini-2.5-flash:generateContent");
/// assert_eq!(request.header("authorization"), Some("Bearer ya29.token"));
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct VertexProvider {
    google: SharedConnection,
    anthropic: AnthropicProvider,
    /// The Vertex mapping's model families: its `anthropic` family is served by `anthropic`.
    families: &'static [ModelFamily],
}

/// A Vertex provider with these settings. Invalid settings (no project or location, and no
/// express-mode key) are reported by every call of its models.
///
/// ```
/// use specai::vertex::{VertexSettings, create_vertex};
/// use specai::provider::LanguageModel;
///
/// let provider = create_vertex(VertexSettings::default().with_project("my-project").with_location("global").with_api_key("my-key").with_base_url("http://127.0.0.1:8080"));
/// let model = provider.language_model("gemini-2.5-flash");
/// assert_eq!(model.model_id(), "gemini-2.5-flash");
/// ```
pub fn create_vertex(settings: VertexSettings) -> VertexProvider {
    create_vertex_from_mappings([VERTEX, VERTEX_EXPRESS, VERTEX_ANTHROPIC], settings)
}

/// The Gemini model of this id from a default provider (settings from the environment).
///
/// ```no_run
/// # async fn example() -> specai::Result<()> {
/// use specai::vertex::vertex;
///
/// // Project and location from GOOGLE_VERTEX_PROJECT and GOOGLE_VERTEX_LOCATION, credentials from
/// // Application Default Credentials.
/// let answer = specai::generate_text(vertex("gemini-2.5-flash")).prompt("Hi!").await?;
/// # Ok(()) }
/// ```
pub fn vertex(model_id: &str) -> GoogleLanguageModel {
    create_vertex(VertexSettings::default()).language_model(model_id)
}

/// A provider following these mappings (the Vertex, express and Anthropic ones, or modified
/// copies in tests).
pub(crate) fn create_vertex_from_mappings([google, express, anthropic]: [ProviderMapping; 3], settings: VertexSettings) -> VertexProvider {
    let express_key = load_setting(settings.connection.api_key.as_ref().map(ApiKey::expose), express.api_key.env.first().copied().unwrap_or_default());
    let credentials: Arc<dyn TokenProvider> = match &settings.credentials {
        Some(credentials) => credentials.clone(),
        None => Arc::new(GoogleCredentials::application_default()),
    };
    let google_connection = match &express_key {
        Some(key) if settings.credentials.is_none() => {
            connect(express, &settings, Some(ApiKey::new(key.clone())), None, "google.vertex.chat")
        }
        _ => connect(google, &settings, None, Some(credentials.clone()), "google.vertex.chat"),
    };
    let anthropic_settings = base_url(anthropic, &settings).map(|base_url| {
        AnthropicSettings::from_connection(ConnectionSettings {
            api_key: None,
            base_url: Some(base_url),
            name: Some("vertex.anthropic".to_owned()),
            ..settings.connection.clone()
        })
    });
    let anthropic = crate::providers::anthropic::create_anthropic_with_token_provider(anthropic, anthropic_settings, credentials);
    VertexProvider { google: google_connection, anthropic, families: google.model_families }
}

/// A connection following `mapping`: its base URL filled, a key or a token provider for auth.
fn connect(
    mapping: ProviderMapping,
    settings: &VertexSettings,
    api_key: Option<ApiKey>,
    token_provider: Option<Arc<dyn TokenProvider>>,
    name: &str,
) -> SharedConnection {
    let connection_settings = ConnectionSettings {
        api_key,
        base_url: Some(base_url(mapping, settings)?),
        name: Some(name.to_owned()),
        ..settings.connection.clone()
    };
    let connection = MappedConnection::new(mapping, connection_settings, None)?.with_model_path(crate::providers::google::resource_path);
    Ok(Arc::new(match token_provider {
        Some(provider) => connection.with_token_provider(provider),
        None => connection,
    }))
}

/// The mapping's base URL: the settings' base URL with the mapping's `/publishers/...` suffix,
/// else the template filled with the project and location (`global` has no regional prefix).
fn base_url(mapping: ProviderMapping, settings: &VertexSettings) -> Result<String> {
    let template = mapping.base_url.unwrap_or_default();
    if let Some(base_url) = &settings.connection.base_url {
        let publisher = template.rfind("/publishers/").map_or("", |at| &template[at..]);
        return Ok(format!("{}{publisher}", base_url.trim_end_matches('/')));
    }
    let location_variable = mapping.base_url_vars.iter().find(|(name, _)| *name == "location").map(|(_, variable)| *variable);
    let location = location_variable.and_then(|variable| load_setting(settings.location.as_deref(), variable));
    let template = if location.as_deref() == Some("global") { template.replace("{location}-", "") } else { template.to_owned() };
    fill_base_url(
        &template,
        mapping.base_url_vars,
        &[("project", settings.project.as_deref()), ("location", location.as_deref())],
        mapping.display_name,
    )
}

impl VertexProvider {
    /// The Gemini model of this id, e.g. `gemini-2.5-flash`.
    pub fn language_model(&self, model_id: &str) -> GoogleLanguageModel {
        crate::providers::google::GoogleLanguageModel::new(model_id, self.google.clone())
    }

    /// The Claude model of this id, e.g. `claude-sonnet-4-5@20250929` (never in express mode).
    pub fn anthropic(&self, model_id: &str) -> AnthropicLanguageModel {
        self.anthropic.language_model(model_id)
    }

    /// A text embedding model, e.g. `text-embedding-005`.
    #[cfg(feature = "embedding")]
    pub fn embedding(&self, model_id: &str) -> VertexEmbeddingModel {
        VertexEmbeddingModel::new(model_id, self.google.clone())
    }

    /// An Imagen model, e.g. `imagen-4.0-generate-001`.
    #[cfg(feature = "image")]
    pub fn image(&self, model_id: &str) -> VertexImageModel {
        VertexImageModel::new(model_id, self.google.clone())
    }
}

impl Provider for VertexProvider {
    /// Gemini models, and Claude models (the Vertex mapping's `anthropic` family, `claude-*`).
    fn language_model(&self, model_id: &str) -> Result<Arc<dyn LanguageModel>> {
        if family_of(self.families, model_id) == Some(families::ANTHROPIC) {
            return Ok(Arc::new(self.anthropic(model_id)));
        }
        Ok(Arc::new(VertexProvider::language_model(self, model_id)))
    }

    provider_model_methods! {
        embedding_model: EmbeddingModel = embedding if feature = "embedding";
        image_model: ImageModel = image if feature = "image";
    }
}
