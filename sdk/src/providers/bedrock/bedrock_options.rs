//! Bedrock's own options, under `provider_options["bedrock"]`: on a call ([`BedrockOptions`]),
//! on a message or part (`{"cachePoint": {"type": "default"}}` puts a cache point after it;
//! `signature` / `redactedData` on a reasoning part are sent back), on an embedding, image or
//! rerank call. Unknown keys are an error, so a typo is not silently ignored.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::Result;
use crate::provider::ProviderOptions;
use crate::provider_utils::optional_fields;

/// The key of Bedrock's options in `provider_options` and of its provider metadata.
pub(crate) const PROVIDER_KEY: &str = "bedrock";

optional_fields! {
    /// Options of a Converse call.
    ///
    /// ```
    /// use specai::bedrock::{BedrockOptions, BedrockReasoningConfig};
    /// use specai::provider::ProviderOptions;
    ///
    /// let mut options = BedrockOptions::default();
    /// options.reasoning_config = Some(BedrockReasoningConfig::enabled(4096));
    /// let provider_options = ProviderOptions::new().with_typed("bedrock", &options).unwrap();
    /// # let _ = provider_options;
    /// ```
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    #[non_exhaustive]
    pub struct BedrockOptions {
        /// Model-specific request fields, sent as Converse's `additionalModelRequestFields`.
        pub additional_model_request_fields: Option<Map<String, Value>>,
        /// Paths of model-specific response fields to return (`additionalModelResponseFieldPaths`).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub additional_model_response_field_paths: Vec<String>,
        /// Extended thinking (Claude): sent as `thinking` in the additional request fields.
        pub reasoning_config: Option<BedrockReasoningConfig>,
        /// A guardrail to apply; its trace comes back in provider metadata under `bedrock.trace`.
        pub guardrail_config: Option<BedrockGuardrailConfig>,
    }
}

impl BedrockOptions {
    /// The call's options, or the defaults when there are none.
    pub(crate) fn from_provider_options(options: &ProviderOptions) -> Result<Self> {
        Ok(options.parse(PROVIDER_KEY)?.unwrap_or_default())
    }
}

optional_fields! {
    /// Extended thinking.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    #[non_exhaustive]
    pub struct BedrockReasoningConfig {
        /// `enabled` or `disabled`.
        #[serde(rename = "type")]
        pub kind: BedrockReasoningType,
        /// The thinking budget in tokens (added on top of the output limit).
        pub budget_tokens: Option<u32>,
    }
}

impl BedrockReasoningConfig {
    /// Thinking with this budget.
    pub fn enabled(budget_tokens: u32) -> Self {
        BedrockReasoningConfig {
            kind: BedrockReasoningType::Enabled,
            budget_tokens: Some(budget_tokens),
        }
    }
}

/// Whether thinking is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum BedrockReasoningType {
    /// Thinking on.
    Enabled,
    /// Thinking off.
    Disabled,
}

optional_fields! {
    /// A guardrail, by identifier and version.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    #[non_exhaustive]
    pub struct BedrockGuardrailConfig {
        /// The guardrail's identifier or ARN.
        pub guardrail_identifier: String,
        /// Its version, e.g. `1` or `DRAFT`.
        pub guardrail_version: String,
        /// `enabled` to get the guardrail's assessment back as the trace.
        pub trace: Option<String>,
    }
}

/// Options on a message or a prompt part.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct BedrockPartOptions {
    /// A cache point after this message or part.
    pub cache_point: Option<Value>,
    /// A reasoning part's signature, sent back with its text.
    pub signature: Option<String>,
    /// A redacted reasoning part's data, sent back as it came.
    pub redacted_data: Option<String>,
}

impl BedrockPartOptions {
    pub(crate) fn from_provider_options(options: &ProviderOptions) -> Result<Self> {
        Ok(options.parse(PROVIDER_KEY)?.unwrap_or_default())
    }
}

optional_fields! {
    /// Options of an embedding call (Titan text v2 and Cohere embed).
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    #[non_exhaustive]
    pub struct BedrockEmbeddingOptions {
        /// Titan: the vector size (256, 512 or 1024).
        pub dimensions: Option<u32>,
        /// Titan: whether vectors are normalized.
        pub normalize: Option<bool>,
        /// Cohere: `search_document`, `search_query`, `classification` or `clustering`
        /// (default `search_query`).
        pub input_type: Option<String>,
        /// Cohere: `NONE`, `START` or `END`.
        pub truncate: Option<String>,
    }
}

optional_fields! {
    /// Options of an image call (Nova Canvas and Titan image generator).
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    #[non_exhaustive]
    pub struct BedrockImageOptions {
        /// What the image must not show.
        pub negative_text: Option<String>,
        /// `standard` or `premium`.
        pub quality: Option<String>,
        /// How closely the image follows the prompt (1.1 to 10).
        pub cfg_scale: Option<f64>,
        /// Nova Canvas: a style preset, e.g. `PHOTOREALISM`.
        pub style: Option<String>,
    }
}

optional_fields! {
    /// Options of a rerank call.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    #[non_exhaustive]
    pub struct BedrockRerankingOptions {
        /// The token of the next page of results.
        pub next_token: Option<String>,
        /// Model-specific request fields.
        pub additional_model_request_fields: Option<Map<String, Value>>,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn typos_are_errors_not_silently_ignored() {
        let options = ProviderOptions::new()
            .with(PROVIDER_KEY, json!({"reasoningConfg": {"type": "enabled"}}));
        assert!(BedrockOptions::from_provider_options(&options).is_err());
        let options = ProviderOptions::new().with(
            PROVIDER_KEY,
            json!({"reasoningConfig": {"type": "enabled", "budgetTokens": 2048}}),
        );
        assert_eq!(
            BedrockOptions::from_provider_options(&options)
                .unwrap()
                .reasoning_config,
            Some(BedrockReasoningConfig::enabled(2048))
        );
    }
}
