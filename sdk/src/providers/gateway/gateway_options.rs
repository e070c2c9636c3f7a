//! Typed gateway options, sent as `provider_options["gateway"]` with every call: provider
//! routing (`order`, `only`), model fallbacks, and the gateway's other request-scoped settings.
//!
//! The gateway validates them itself and may add options without an SDK release, so keys this
//! struct does not know are kept (`extra`) and sent; the known ones are type-checked here, so a
//! wrong type is an [`Error::InvalidArgument`](crate::Error::InvalidArgument) before any request.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::Result;
use crate::provider::ProviderOptions;
use crate::provider_utils::optional_fields;

optional_fields! {
    /// The gateway's own options (see <https://vercel.com/docs/ai-gateway/provider-options>).
    ///
    /// ```
    /// use specai::gateway::GatewayOptions;
    ///
    /// let options = GatewayOptions::default().with_order(["bedrock", "anthropic"]).with_only(["bedrock", "anthropic"]);
    /// let provider_options = options.into_provider_options().unwrap();
    /// assert_eq!(provider_options.get("gateway").unwrap()["order"][0], "bedrock");
    /// ```
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    #[non_exhaustive]
    pub struct GatewayOptions {
        /// Provider slugs in the order the gateway should try them.
        pub order: Option<Vec<String>>,
        /// The only provider slugs the gateway may use.
        pub only: Option<Vec<String>>,
        /// Fallback model ids, tried in order when the requested model fails.
        pub models: Option<Vec<String>>,
        /// An end-user id, for spend tracking.
        pub user: Option<String>,
        /// Tags for usage reports.
        pub tags: Option<Vec<String>>,
        /// Route only to providers with zero data retention.
        pub zero_data_retention: Option<bool>,
        /// Route only to providers that do not train on prompts.
        pub disallow_prompt_training: Option<bool>,
        /// Sort providers by `cost`, `tps` or `ttft` before routing.
        pub sort: Option<String>,
        /// Options the gateway added after this SDK was written, sent as given.
        #[serde(flatten)]
        pub extra: Map<String, Value>,
    }
}

impl GatewayOptions {
    /// Sets the provider order.
    pub fn with_order<I: IntoIterator<Item = S>, S: Into<String>>(mut self, providers: I) -> Self {
        self.order = Some(providers.into_iter().map(Into::into).collect());
        self
    }

    /// Restricts routing to these providers.
    pub fn with_only<I: IntoIterator<Item = S>, S: Into<String>>(mut self, providers: I) -> Self {
        self.only = Some(providers.into_iter().map(Into::into).collect());
        self
    }

    /// Sets fallback models.
    pub fn with_models<I: IntoIterator<Item = S>, S: Into<String>>(mut self, models: I) -> Self {
        self.models = Some(models.into_iter().map(Into::into).collect());
        self
    }

    /// The options as provider options under `gateway`.
    pub fn into_provider_options(self) -> Result<ProviderOptions> {
        ProviderOptions::new().with_typed("gateway", &self)
    }
}

/// Checks `provider_options["gateway"]`, when present, against [`GatewayOptions`].
pub(crate) fn check_gateway_options(options: &ProviderOptions) -> Result<()> {
    options.parse::<GatewayOptions>("gateway").map(drop)
}

/// Provider options as the JSON object the wire types of the embedding and image models hold.
#[cfg(any(feature = "embedding", feature = "image"))]
pub(crate) fn options_object(options: &ProviderOptions) -> Map<String, Value> {
    options.0.iter().map(|(key, value)| (key.clone(), value.clone())).collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn known_options_are_typed_and_new_ones_kept() {
        let options = ProviderOptions::new().with("gateway", json!({"order": ["vertex"], "caching": "auto"}));
        let parsed: GatewayOptions = options.parse("gateway").unwrap().unwrap();
        assert_eq!(parsed.order, Some(vec!["vertex".to_owned()]));
        assert_eq!(parsed.extra["caching"], "auto");
        let wrong = ProviderOptions::new().with("gateway", json!({"only": "vertex"}));
        assert!(check_gateway_options(&wrong).is_err(), "`only` is a list");
    }
}
