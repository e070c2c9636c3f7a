//! Provider options, read from `provider_options["<provider name>"]` (e.g. `"groq"`), and
//! also from `provider_options["openai-compatible"]` (the provider's own key wins).
//!
//! A few options are typed because the adapter maps them; every other key is a vendor field
//! sent in the request body as given (`reasoning_format` for Groq, `provider` for OpenRouter,
//! `search_domain_filter` for Perplexity), as the AI SDK's OpenAI-compatible provider does.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::Result;
use crate::provider::ProviderOptions;

/// The generic key every OpenAI-compatible provider also reads.
pub const GENERIC_OPTIONS_KEY: &str = "openai-compatible";

/// Options of the chat and completion models.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct OpenAiCompatibleOptions {
    /// A stable id of the end user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// Reasoning effort as the vendor spells it; overrides the call option.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reasoning_effort: Option<String>,
    /// Allow several tool calls in one step, where the vendor takes the flag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parallel_tool_calls: Option<bool>,
    /// Whether the output schema is enforced strictly (default true).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strict_json_schema: Option<bool>,
    /// Vendor fields, sent in the request body unchanged.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Options of the embedding model.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct OpenAiCompatibleEmbeddingOptions {
    /// The number of dimensions, for models that can shorten their vectors.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dimensions: Option<u32>,
    /// A stable id of the end user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// Vendor fields, sent in the request body unchanged.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Options of the image model.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct OpenAiCompatibleImageOptions {
    /// A stable id of the end user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// Vendor fields (`quality`, `steps`, ...), sent in the request body unchanged.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The options under the generic key, with the provider's own key merged on top.
pub(crate) fn parse_options<T: serde::de::DeserializeOwned + Default>(options: &ProviderOptions, provider_name: &str) -> Result<T> {
    let generic = options.get(GENERIC_OPTIONS_KEY).filter(|value| value.is_object());
    let own = options.get(provider_name).filter(|value| value.is_object());
    let key = if own.is_some() { provider_name } else { GENERIC_OPTIONS_KEY };
    let merged = match (generic, own) {
        (None, None) => return Ok(T::default()),
        (Some(Value::Object(generic)), Some(Value::Object(own))) => {
            let mut merged = generic.clone();
            merged.extend(own.clone());
            Value::Object(merged)
        }
        (Some(one), None) | (None, Some(one)) => one.clone(),
        (Some(_), Some(own)) => own.clone(),
    };
    T::deserialize(&merged).map_err(|error| crate::Error::invalid_argument(format!("provider_options.{key}"), error.to_string()))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn own_key_wins_and_vendor_fields_are_kept() {
        let options = ProviderOptions::new()
            .with(GENERIC_OPTIONS_KEY, json!({"user": "generic", "strict_json_schema": false}))
            .with("groq", json!({"user": "u", "reasoning_format": "parsed"}));
        let parsed: OpenAiCompatibleOptions = parse_options(&options, "groq").unwrap();
        assert_eq!(parsed.user.as_deref(), Some("u"));
        assert_eq!(parsed.strict_json_schema, Some(false));
        assert_eq!(parsed.extra.get("reasoning_format"), Some(&json!("parsed")));
        let none: OpenAiCompatibleOptions = parse_options(&ProviderOptions::new(), "groq").unwrap();
        assert_eq!(none, OpenAiCompatibleOptions::default());
        let bad = ProviderOptions::new().with("groq", json!({"user": 3}));
        assert!(parse_options::<OpenAiCompatibleOptions>(&bad, "groq").is_err());
    }
}
