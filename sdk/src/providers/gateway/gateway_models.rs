//! The gateway's model list (`GET /config`): ids, names, descriptions, pricing and model types.

use super::wire::{GatewayConfig, GatewayModelEntry};
use crate::error::{Error, Result};
use crate::provider_utils::{MappedConnection, get_json};

/// A model the gateway offers.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct GatewayModel {
    /// The id to ask for, e.g. `anthropic/claude-sonnet-4.5`.
    pub id: String,
    /// The display name.
    pub name: String,
    /// A description, when given.
    pub description: Option<String>,
    /// Prices in USD per token, when given.
    pub pricing: Option<GatewayPricing>,
    /// The provider serving it, e.g. `anthropic`.
    pub provider: Option<String>,
    /// `language`, `embedding`, `image`... (`None`: a language model, for older gateways).
    pub model_type: Option<String>,
}

/// Prices in USD per token, as the decimal strings the gateway sends (exact, unlike floats).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct GatewayPricing {
    /// Per input token.
    pub input: Option<String>,
    /// Per output token.
    pub output: Option<String>,
    /// Per input token read from a cache.
    pub cached_input_tokens: Option<String>,
    /// Per input token written to a cache.
    pub cache_creation_input_tokens: Option<String>,
}

impl From<GatewayModelEntry> for GatewayModel {
    fn from(entry: GatewayModelEntry) -> Self {
        GatewayModel {
            id: entry.id,
            name: entry.name,
            description: entry.description,
            pricing: entry.pricing.map(|pricing| GatewayPricing {
                input: pricing.input,
                output: pricing.output,
                cached_input_tokens: pricing.input_cache_read,
                cache_creation_input_tokens: pricing.input_cache_write,
            }),
            provider: entry.specification.and_then(|specification| specification.provider),
            model_type: entry.model_type,
        }
    }
}

/// Fetches the model list.
pub(crate) async fn fetch_models(connection: &MappedConnection) -> Result<Vec<GatewayModel>> {
    let operation = connection.mapping.operations.models.ok_or_else(|| Error::unsupported("model listing", None))?;
    let url = connection.url(&operation, "")?;
    let (_, client, headers) = connection.client_parts()?;
    let response = get_json::<GatewayConfig>(&client, &url, headers, &connection.errors).await?;
    Ok(response.value.models.into_iter().map(GatewayModel::from).collect())
}
