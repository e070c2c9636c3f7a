//! Azure OpenAI: OpenAI's models on an Azure resource, through the OpenAI code paths (the
//! Responses model, the chat-completions engine, completions, embeddings, images, speech and
//! transcription) with Azure's URLs and auth.
//!
#![cfg_attr(feature = "openai-responses", doc = " ```no_run")]
#![cfg_attr(not(feature = "openai-responses"), doc = " ```ignore")]
//! # async fn run() -> specai::Result<()> {
//! use specai::azure::{AzureSettings, azure, create_azure};
//!
//! // The Responses API on deployment `gpt-4o-mini`; resource from AZURE_RESOURCE_NAME, key
//! // from AZURE_API_KEY.
//! let answer = specai::generate_text(azure("gpt-4o-mini")).prompt("Hi!").await?;
//!
//! // Chat completions on a deployment URL with a dated API version.
//! let provider = create_azure(
//!     AzureSettings::default().with_resource_name("my-resource").with_deployment_based_urls().with_api_version("2024-10-21"),
//! );
//! let chat = provider.chat("my-gpt-4o-deployment");
//! # Ok(()) }
//! ```
//!
//! URLs: `https://{resource}.openai.azure.com/openai` (or the base URL given, in its place),
//! then `/v1/<operation>` for the v1 API, or `/deployments/{deployment}/<operation>` with
//! [`AzureSettings::with_deployment_based_urls`]; every request carries `api-version` (default
//! from the mapping: `v1`). Model ids are deployment names. Auth: the `api-key` header
//! (`AZURE_API_KEY`), or a bearer token from a caller's [`TokenProvider`] (Microsoft Entra ID),
//! fetched again shortly before it expires. The URL template, variables, default API version,
//! error paths and content-filter metadata paths come from `specs/azure/provider.toml`.
//!
//! Azure's content filter: a filtered completion ends with finish reason `content-filter`; the
//! filter's verdicts come back in provider metadata under `azure` as `prompt_filter_results` and
//! `content_filter_results` (chat completions, generated and streamed), decoded with the types
//! generated from `specs/azure/openapi.json` ([`types`]; read them back typed with
//! [`content_filter_results`] and [`prompt_filter_results`]). A filtered prompt is an API error
//! (status 400, code `content_filter`, type `ResponsibleAIPolicyViolation`) whose inner error
//! [`content_filter_error_results`] reads; [`azure_error`] gives the whole error object typed.
//! Provider options are read
//! as OpenAI's ([`OpenAiOptions`](crate::openai::OpenAiOptions) and friends): under `azure` by the
//! chat-completions, completion and embedding models, under `openai` by the Responses, image,
//! speech and transcription models (which share OpenAI's item ids and metadata keys).
//!
//! [`OpenAiProvider::api_client`](crate::openai::OpenAiProvider::api_client) on an Azure provider
//! carries the `api-key` but not Entra ID tokens (it has no per-request hook).
//!
//! Not covered: Azure's "On Your Data" extensions (data sources, citations in `context`), the
//! assistants, batch and fine-tuning APIs, and DeepSeek-style models on Azure AI Foundry.

use std::sync::Arc;

use specai_generated::mappings::{AZURE, Auth, ProviderMapping};

use crate::error::{Error, Result};
use crate::provider_utils::{ConnectionSettings, TokenProvider, connection_setters, fill_base_url};
#[cfg(feature = "openai-responses")]
use crate::providers::openai::OpenAiResponsesLanguageModel;
use crate::providers::openai::{OpenAiProvider, OpenAiSettings};

pub(crate) mod azure_content_filter;
pub(crate) mod azure_error;
#[cfg(test)]
mod azure_provider_tests;

pub use azure_content_filter::{content_filter_results, prompt_filter_results};
pub use azure_error::{azure_api_error, azure_error, content_filter_error_results};
/// The wire types of Azure's additions to the OpenAI API (content-filter verdicts, the error
/// body), generated from `specs/azure/openapi.json`.
pub use specai_generated::azure::types;

/// How to reach an Azure OpenAI resource, built with `with_*` methods; every setting is
/// optional, and the defaults come from `specs/azure/provider.toml` and the environment. The base
/// URL, when given, replaces `https://{resource}.openai.azure.com/openai` (a gateway's URL, say).
///
/// ```
/// use specai::azure::{AzureSettings, create_azure};
///
/// let provider = create_azure(AzureSettings::default().with_resource_name("my-resource").with_api_key("..."));
/// let model = provider.chat("my-gpt-4o-deployment");
/// ```
#[derive(Clone, Default)]
#[non_exhaustive]
pub struct AzureSettings {
    connection: ConnectionSettings,
    resource_name: Option<String>,
    token_provider: Option<Arc<dyn TokenProvider>>,
    api_version: Option<String>,
    use_deployment_based_urls: bool,
}

impl AzureSettings {
    connection_setters!();

    crate::option_setters::option_setters! {
        /// Sets the resource name, the `{resource}` of `https://{resource}.openai.azure.com/openai`
        /// (default: `AZURE_RESOURCE_NAME`; not read when a base URL is given).
        with_resource_name(impl Into<String>) => Some(resource_name);
        /// Sets the `api-version` query parameter (default: the mapping's, `v1`; deployment URLs
        /// need a dated version, e.g. `2024-10-21`).
        with_api_version(impl Into<String>) => Some(api_version);
    }

    /// Authenticates with bearer tokens from `provider` (Microsoft Entra ID) instead of a key.
    pub fn with_token_provider(mut self, provider: Arc<dyn TokenProvider>) -> Self {
        self.token_provider = Some(provider);
        self
    }

    /// Uses `/deployments/{deployment}/...` URLs instead of the v1 API's `/v1/...`.
    pub fn with_deployment_based_urls(mut self) -> Self {
        self.use_deployment_based_urls = true;
        self
    }
}

impl std::fmt::Debug for AzureSettings {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("AzureSettings")
            .field("connection", &self.connection)
            .field("resource_name", &self.resource_name)
            .field("token_provider", &self.token_provider.as_ref().map(|_| "<provider>"))
            .field("api_version", &self.api_version)
            .field("use_deployment_based_urls", &self.use_deployment_based_urls)
            .finish_non_exhaustive()
    }
}

/// The Azure OpenAI provider: the OpenAI provider on Azure's URLs and auth, handing out the
/// same models (`responses`, `chat`, `completion`, `embedding`, `image`, `speech`,
/// `transcription`; the default language model is the Responses API). Model ids are deployment
/// names; models report `azure.<kind>` as their provider.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> specai::Result<()> {
/// use serde_json::json;
/// use specai::azure::{AzureSettings, create_azure};
/// use specai::provider_utils::test_server::{TestResponse, TestServer};
///
/// let server = TestServer::start([TestResponse::json(200, json!({
///     "id": "c1", "object": "chat.completion", "created": 1, "model": "gpt-4o-mini",
///     "choices": [{"index": 0, "message": {"role": "assistant", "content": "Hello!"}, "finish_reason": "stop"}]
/// }))]).await;
/// let azure = create_azure(AzureSettings::default().with_api_key("azure-key").with_base_url(server.url("/openai")));
/// let result = specai::generate_text(azure.chat("my-gpt-4o-mini-deployment")).prompt("Hi").await?;
/// assert_eq!(result.text(), "Hello!");
/// let request = server.single_request();
/// assert_eq!((request.path.as_str(), request.header("api-key")), ("/openai/v1/chat/completions?api-version=v1", Some("azure-key")));
/// # Ok(()) }
/// ```
pub type AzureProvider = OpenAiProvider;

/// An Azure provider with these settings. Invalid settings (no resource name, both a key and a
/// token provider) are reported by every call of its models.
///
/// ```
/// use specai::azure::{AzureSettings, create_azure};
/// use specai::provider::LanguageModel;
///
/// // Deployment URLs with a dated API version; the key from AZURE_API_KEY at the first call.
/// let settings = AzureSettings::default().with_resource_name("contoso").with_deployment_based_urls().with_api_version("2024-10-21");
/// let chat = create_azure(settings).chat("prod-gpt-4o");
/// assert_eq!((chat.provider(), chat.model_id()), ("azure.chat", "prod-gpt-4o"));
/// ```
pub fn create_azure(settings: AzureSettings) -> AzureProvider {
    create_azure_from_mapping(AZURE, settings)
}

/// A provider following `mapping` (a modified copy of the Azure mapping, in tests).
pub(crate) fn create_azure_from_mapping(mapping: ProviderMapping, settings: AzureSettings) -> AzureProvider {
    crate::providers::openai::openai_from_config(azure_config(mapping, settings).map(Arc::new))
}

/// The Responses API model on this deployment, with settings from the environment.
///
/// ```no_run
/// # async fn example() -> specai::Result<()> {
/// use specai::azure::azure;
///
/// // Resource from AZURE_RESOURCE_NAME, key from AZURE_API_KEY.
/// let answer = specai::generate_text(azure("my-gpt-4o-mini-deployment")).prompt("Hi!").await?;
/// # Ok(()) }
/// ```
#[cfg(feature = "openai-responses")]
pub fn azure(deployment: &str) -> OpenAiResponsesLanguageModel {
    create_azure(AzureSettings::default()).responses(deployment)
}

/// The OpenAI configuration with Azure's base URL, URL shape, `api-version` and auth.
fn azure_config(mut mapping: ProviderMapping, settings: AzureSettings) -> Result<crate::providers::openai_compatible::Config> {
    let AzureSettings { mut connection, resource_name, token_provider, api_version, use_deployment_based_urls } = settings;
    if connection.api_key.is_some() && token_provider.is_some() {
        return Err(Error::invalid_argument("api_key", "give either an API key or a token provider, not both"));
    }
    let prefix = match connection.base_url.take() {
        Some(base_url) => base_url.trim_end_matches('/').to_owned(),
        None => {
            let template = mapping.base_url.unwrap_or_default();
            fill_base_url(template, mapping.base_url_vars, &[("resource", resource_name.as_deref())], mapping.display_name)?
        }
    };
    // The caller's version replaces the mapping's default rather than joining it.
    let mut query_params: Vec<(String, String)> = mapping.request.query.iter().map(|(name, value)| ((*name).to_owned(), (*value).to_owned())).collect();
    if let Some(version) = api_version {
        query_params.retain(|(name, _)| name != "api-version");
        query_params.push(("api-version".to_owned(), version));
    }
    mapping.request.query = &[];
    if token_provider.is_some() {
        mapping.auth = Auth::None;
        mapping.api_key.env = &[];
        mapping.api_key.optional = true;
    }
    let base_url = if use_deployment_based_urls { prefix } else { format!("{prefix}/v1") };
    connection.base_url = Some(base_url);
    connection.name.get_or_insert_with(|| mapping.id.to_owned());
    let settings = OpenAiSettings::from_connection(connection);
    let config = crate::providers::openai::config(mapping, settings)?;
    let config = config.map_connection(|connection| {
        let connection = connection.with_query_params(&query_params);
        let connection = match token_provider {
            Some(provider) => connection.with_token_provider(provider),
            None => connection,
        };
        if use_deployment_based_urls { connection.with_model_path(deployment_path) } else { connection }
    });
    Ok(config)
}

/// `/deployments/{deployment}/chat/completions` from `/chat/completions`.
fn deployment_path(path: &str, deployment: &str) -> String {
    format!("/deployments/{deployment}{path}")
}
