//! The Vercel AI Gateway: hundreds of models from many providers behind one key, spoken as the
//! AI SDK's own gateway provider (`@ai-sdk/gateway`) speaks it.
//!
//! ```no_run
//! # async fn example() -> specai::Result<()> {
//! use specai::gateway::{GatewayOptions, GatewaySettings, create_gateway};
//!
//! let gateway = create_gateway(GatewaySettings::default()); // key from AI_GATEWAY_API_KEY
//! let answer = specai::generate_text(gateway.language_model("anthropic/claude-sonnet-4.5"))
//!     .prompt("Hello")
//!     .provider_options(GatewayOptions::default().with_order(["bedrock", "anthropic"]).into_provider_options()?)
//!     .await?;
//! let models = gateway.available_models().await?;
//! # Ok(()) }
//! ```
//!
//! Why the native protocol rather than the gateway's OpenAI-compatible endpoint: the native one
//! carries the AI SDK's model-call vocabulary end to end (reasoning parts and signatures,
//! provider-executed tools and their results, sources, files, provider options and provider
//! metadata keyed by the provider behind the model, nested cache and reasoning usage), which
//! the chat-completions dialect flattens or drops; it also serves embeddings and images under
//! the same auth and error shapes, and it is what the AI SDK itself sends, so a request from
//! specai and one from the AI SDK behave the same at the gateway.
//!
//! Endpoints (`/language-model`, `/embedding-model`, `/image-model`, `/config`), the base URL,
//! the key variable, bearer auth, the protocol-version header and the error paths come from
//! `specs/gateway/provider.toml`. Auth is an API key, or an OIDC token the caller supplies
//! ([`GatewaySettings::with_oidc_token`]), told apart by `ai-gateway-auth-method`.

mod convert_to_gateway_call_options;
#[cfg(feature = "embedding")]
mod gateway_embedding_model;
mod gateway_error;
#[cfg(feature = "image")]
mod gateway_image_model;
mod gateway_language_model;
mod gateway_models;
mod gateway_options;
mod gateway_parts;
mod gateway_stream;

/// The wire types, generated from specs/gateway/openapi.json.
use specai_generated::gateway::types as wire;

use std::sync::Arc;

use http::{HeaderName, HeaderValue};
use specai_generated::mappings::{GATEWAY, ProviderMapping};

#[cfg(feature = "embedding")]
pub use gateway_embedding_model::GatewayEmbeddingModel;
#[cfg(feature = "image")]
pub use gateway_image_model::GatewayImageModel;
pub use gateway_language_model::GatewayLanguageModel;
pub use gateway_models::{GatewayModel, GatewayPricing};
pub use gateway_options::GatewayOptions;

use crate::error::Result;
#[cfg(feature = "embedding")]
use crate::provider::EmbeddingModel;
#[cfg(feature = "image")]
use crate::provider::ImageModel;
use crate::provider::{LanguageModel, Provider};
use crate::provider_utils::{ApiKey, ConnectionSettings, MappedConnection, SharedConnection, connection_for_call, connection_setters, provider_models};

/// How the bearer token authenticates (the mapping's default is `api-key`).
const AUTH_METHOD_HEADER: HeaderName = HeaderName::from_static("ai-gateway-auth-method");
/// The team a multi-team token acts for.
const TEAM_HEADER: HeaderName = HeaderName::from_static("x-vercel-ai-gateway-team");

/// How to reach the Vercel AI Gateway, built with `with_*` methods; every setting is optional,
/// and the defaults come from `specs/gateway/provider.toml` (the key from `AI_GATEWAY_API_KEY`,
/// read at the first call; the base URL `https://ai-gateway.vercel.sh/v4/ai`).
///
/// ```
/// use specai::gateway::{GatewaySettings, create_gateway};
///
/// let provider = create_gateway(GatewaySettings::default().with_api_key("...").with_team("my-team"));
/// let model = provider.language_model("openai/gpt-4o-mini");
/// ```
#[derive(Clone, Default)]
#[non_exhaustive]
pub struct GatewaySettings {
    connection: ConnectionSettings,
    oidc_token: Option<ApiKey>,
    team: Option<String>,
}

impl GatewaySettings {
    connection_setters!();

    crate::option_setters::option_setters! {
        /// Authenticates with a Vercel OIDC token instead of a key (e.g. `VERCEL_OIDC_TOKEN` of a
        /// Vercel deployment); it wins over the key.
        with_oidc_token(impl Into<ApiKey>) => Some(oidc_token);
        /// Sets the Vercel team id or slug, for tokens that can act for several teams.
        with_team(impl Into<String>) => Some(team);
    }
}

impl std::fmt::Debug for GatewaySettings {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("GatewaySettings")
            .field("connection", &self.connection)
            .field("oidc_token", &self.oidc_token)
            .field("team", &self.team)
            .finish_non_exhaustive()
    }
}

/// The provider name models report: `gateway`.
fn provider_name(connection: &SharedConnection) -> String {
    connection.as_ref().map(|connection| connection.name.clone()).unwrap_or_else(|_| GATEWAY.id.to_owned())
}

/// The Vercel AI Gateway provider: hands out language, embedding and image models, and lists
/// the models on offer.
///
/// Made by [`create_gateway`]; [`gateway`] is a default one's language model.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> specai::Result<()> {
/// use serde_json::json;
/// use specai::gateway::{GatewaySettings, create_gateway};
/// use specai::provider_utils::test_server::{TestResponse, TestServer};
///
/// let server = TestServer::start([TestResponse::json(200, json!({"models": [{
///     "id": "anthropic/claude-sonnet-4.5", "name": "Claude Sonnet 4.5",
///     "pricing": {"input": "0.000003", "output": "0.000015"},
///     "specification": {"specificationVersion": "v4", "provider": "anthropic", "modelId": "claude-sonnet-4.5"},
///     "modelType": "language"
/// }]}))]).await;
/// let gateway = create_gateway(GatewaySettings::default().with_api_key("my-key").with_base_url(server.url("/v4/ai")));
/// let models = gateway.available_models().await?;
/// assert_eq!((models[0].id.as_str(), models[0].model_type.as_deref()), ("anthropic/claude-sonnet-4.5", Some("language")));
/// assert_eq!(server.single_request().path, "/v4/ai/config");
/// let model = gateway.language_model(&models[0].id); // what `generate_text` takes
/// # let _ = model;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct GatewayProvider {
    connection: SharedConnection,
}

/// A gateway provider with these settings. Invalid settings are reported by every call.
///
/// ```
/// use specai::gateway::{GatewaySettings, create_gateway};
/// use specai::provider::LanguageModel;
///
/// let provider = create_gateway(GatewaySettings::default().with_api_key("my-key").with_base_url("http://127.0.0.1:8080"));
/// let model = provider.language_model("openai/gpt-4o-mini");
/// assert_eq!(model.model_id(), "openai/gpt-4o-mini");
/// ```
pub fn create_gateway(settings: GatewaySettings) -> GatewayProvider {
    create_gateway_from_mapping(GATEWAY, settings)
}

/// A provider following `mapping` (a modified copy of the gateway mapping, in tests).
pub(crate) fn create_gateway_from_mapping(mapping: ProviderMapping, settings: GatewaySettings) -> GatewayProvider {
    let GatewaySettings { mut connection, oidc_token, team } = settings;
    if let Some(token) = oidc_token {
        connection.headers.insert(AUTH_METHOD_HEADER, HeaderValue::from_static("oidc"));
        connection.api_key = Some(token);
    }
    let team = team.map(|team| {
        HeaderValue::from_str(&team).map_err(|_| crate::Error::invalid_argument("team", "not a valid header value"))
    });
    let connection = match team.transpose() {
        Ok(team) => {
            if let Some(team) = team {
                connection.headers.insert(TEAM_HEADER, team);
            }
            MappedConnection::new(mapping, connection, None).map(Arc::new)
        }
        Err(error) => Err(error),
    };
    GatewayProvider { connection }
}

/// The language model of this id from a default provider (settings from the environment).
///
/// ```no_run
/// # async fn example() -> specai::Result<()> {
/// use specai::gateway::gateway;
///
/// let answer = specai::generate_text(gateway("openai/gpt-4o-mini")).prompt("Hi!").await?; // key from AI_GATEWAY_API_KEY
/// # Ok(()) }
/// ```
pub fn gateway(model_id: &str) -> GatewayLanguageModel {
    create_gateway(GatewaySettings::default()).language_model(model_id)
}

provider_models! {
    impl Provider for GatewayProvider {
        /// The language model of this id, e.g. `openai/gpt-5`.
        pub fn language_model -> GatewayLanguageModel as language_model: LanguageModel;
        /// The embedding model of this id, e.g. `openai/text-embedding-3-small`.
        pub fn embedding_model -> GatewayEmbeddingModel as embedding_model: EmbeddingModel if feature = "embedding";
        /// The image model of this id, e.g. `google/imagen-4.0-generate-001`.
        pub fn image_model -> GatewayImageModel as image_model: ImageModel if feature = "image";
    }
}

impl GatewayProvider {
    /// The models the gateway offers, with names, descriptions, pricing and types
    /// (`GET /config`), fetched on each call.
    pub async fn available_models(&self) -> Result<Vec<GatewayModel>> {
        gateway_models::fetch_models(connection_for_call(&self.connection)?).await
    }
}

/// The stream decoder with raw chunks on, for the fuzz targets (`fuzz/`).
#[cfg(feature = "fuzzing")]
pub(crate) fn fuzz_mapper() -> impl crate::provider_utils::EventMapper {
    let errors = crate::provider_utils::MappingErrorParser::new(GATEWAY.errors, None);
    gateway_stream::GatewayEventMapper::new(true, "http://fuzz.invalid".to_owned(), http::HeaderMap::new(), errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_debug_hides_key_and_token() {
        let settings = GatewaySettings::default().with_api_key("secret-key").with_oidc_token("secret-token");
        let text = format!("{settings:?}");
        assert!(!text.contains("secret-key") && !text.contains("secret-token"), "{text}");
    }
}
