//! Provider options, read from `provider_options["<provider name>"]` (e.g. `"groq"`), and
//! also from `provider_options["openai-compatible"]` (the provider's own key wins).
//!
//! A few options are typed because the adapter maps them; every other key is a vendor field
//! sent in the request body as given (`reasoning_format` for Groq, `provider` for OpenRouter,
//! `search_domain_filter` for Perplexity), as the AI SDK's OpenAI-compatible provider does.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::Result;
use crate::provider::ProviderOptions;
use crate::provider_utils::optional_fields;

/// The generic key every OpenAI-compatible provider also reads.
pub const GENERIC_OPTIONS_KEY: &str = "openai-compatible";

optional_fields! {
    /// Options of the chat and completion models: the chat-completions fields the engine maps
    /// (OpenAI's among them), then vendor fields.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct OpenAiCompatibleOptions {
        /// A stable id of the end user.
        pub user: Option<String>,
        /// Reasoning effort as the vendor spells it; overrides the call option.
        pub reasoning_effort: Option<String>,
        /// Allow several tool calls in one step, where the vendor takes the flag.
        pub parallel_tool_calls: Option<bool>,
        /// Whether the output schema is enforced strictly (default: the mapping's
        /// `request.strict_json_schema`, else not sent).
        pub strict_json_schema: Option<bool>,
        /// Use `json_schema` structured outputs when a schema is given (default: per the mapping's
        /// capabilities); false falls back to `json_object` with the schema in the prompt.
        pub structured_outputs: Option<bool>,
        /// How system messages are sent (`system`, `developer`, `remove`); default: the model's
        /// mapping rule, else `system`.
        pub system_message_mode: Option<SystemMessageMode>,
        /// Token id -> bias (-100..100).
        pub logit_bias: Option<BTreeMap<String, f64>>,
        /// The number of top alternatives per token whose log probabilities are returned (0: only
        /// the chosen tokens'); `None`: no log probabilities.
        pub top_logprobs: Option<u8>,
        /// `max_completion_tokens`, sent beside or instead of `max_tokens`.
        pub max_completion_tokens: Option<u32>,
        /// Whether the vendor stores the output.
        pub store: Option<bool>,
        /// Key-value pairs stored with the request.
        pub metadata: Option<BTreeMap<String, String>>,
        /// Predicted output, e.g. `{"type": "content", "content": "..."}`.
        pub prediction: Option<Value>,
        /// The processing tier as the vendor spells it (`auto`, `flex`, `priority`, ...).
        pub service_tier: Option<String>,
        /// How verbose the text output is (`low`, `medium`, `high`).
        pub text_verbosity: Option<String>,
        /// A key to improve prompt-cache hits across requests.
        pub prompt_cache_key: Option<String>,
        /// A stable, hashed identifier of the end user for safety monitoring.
        pub safety_identifier: Option<String>,
        /// Legacy completions: echo the prompt back.
        pub echo: Option<bool>,
        /// Legacy completions: text after the completion.
        pub suffix: Option<String>,
        /// Vendor fields, sent in the request body unchanged.
        #[serde(flatten)]
        pub extra: Map<String, Value>,
    }
}

optional_fields! {
    /// Options of the embedding model.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct OpenAiCompatibleEmbeddingOptions {
        /// The number of dimensions, for models that can shorten their vectors.
        pub dimensions: Option<u32>,
        /// A stable id of the end user.
        pub user: Option<String>,
        /// Vendor fields, sent in the request body unchanged.
        #[serde(flatten)]
        pub extra: Map<String, Value>,
    }
}

optional_fields! {
    /// Options of the reranking model.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    #[non_exhaustive]
    pub struct OpenAiCompatibleRerankingOptions {
        /// The fields of JSON-object documents to rank on (Together AI's `rank_fields`).
        pub rank_fields: Option<Vec<String>>,
        /// Vendor fields, sent in the request body unchanged.
        #[serde(flatten)]
        pub extra: Map<String, Value>,
    }
}

optional_fields! {
    /// Options of the image model.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct OpenAiCompatibleImageOptions {
        /// A stable id of the end user.
        pub user: Option<String>,
        /// Vendor fields (`quality`, `steps`, ...), sent in the request body unchanged.
        #[serde(flatten)]
        pub extra: Map<String, Value>,
    }
}

optional_fields! {
    /// Options of the transcription model (typed: the multipart form takes these fields only).
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[non_exhaustive]
    pub struct OpenAiCompatibleTranscriptionOptions {
        /// The spoken language, ISO 639-1 (improves accuracy and latency).
        pub language: Option<String>,
        /// Text to guide the style or continue a previous segment.
        pub prompt: Option<String>,
        /// Sampling temperature, 0..1.
        pub temperature: Option<f32>,
        /// `segment` and/or `word` timestamps (whisper-1; asks for `verbose_json`).
        pub timestamp_granularities: Option<Vec<String>>,
        /// Extra output, e.g. `logprobs` (gpt-4o-transcribe).
        pub include: Option<Vec<String>>,
    }
}

/// How system messages are sent in chat completions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum SystemMessageMode {
    /// `role: system`.
    System,
    /// `role: developer` (OpenAI's reasoning models).
    Developer,
    /// Left out, with a warning.
    Remove,
}

impl From<specai_generated::mappings::SystemMessageMode> for SystemMessageMode {
    fn from(mode: specai_generated::mappings::SystemMessageMode) -> Self {
        match mode {
            specai_generated::mappings::SystemMessageMode::System => SystemMessageMode::System,
            specai_generated::mappings::SystemMessageMode::Developer => SystemMessageMode::Developer,
            specai_generated::mappings::SystemMessageMode::Remove => SystemMessageMode::Remove,
        }
    }
}

/// Reads a provider's chat options, with the warnings reading them gave. The default reader
/// ([`parse_options`]) keeps unknown keys as vendor fields; a provider with a typed, strict
/// options struct of its own (OpenAI) installs its own reader.
pub(crate) type OptionsReader =
    fn(&ProviderOptions, &str, &str, &[specai_generated::mappings::ModelOptionRule]) -> Result<(OpenAiCompatibleOptions, Vec<crate::provider::Warning>)>;

/// The default [`OptionsReader`]: the generic key merged with the provider's own.
pub(crate) fn read_options(
    options: &ProviderOptions,
    provider_name: &str,
    _model_id: &str,
    _option_rules: &[specai_generated::mappings::ModelOptionRule],
) -> Result<(OpenAiCompatibleOptions, Vec<crate::provider::Warning>)> {
    Ok((parse_options(options, provider_name)?, Vec::new()))
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
