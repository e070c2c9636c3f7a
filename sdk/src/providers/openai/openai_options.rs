//! Typed provider options, read from `provider_options["openai"]`.
//!
//! One struct per model kind. Unknown keys are an error (`deny_unknown_fields`), so a misspelt
//! option fails loudly instead of being ignored. Options a model cannot take (a Responses-only
//! option given to the chat model, say) produce a warning, not an error.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use specai_generated::mappings::ModelOptionRule;

use crate::provider::ReasoningEffort;
use crate::provider_utils::optional_fields;

/// The key provider options are read from.
pub const OPENAI_PROVIDER_ID: &str = "openai";

optional_fields! {
    /// Options of the OpenAI language models (Responses, chat and legacy completions).
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[non_exhaustive]
    pub struct OpenAiOptions {
        /// Token id -> bias (-100..100). Chat and completions.
        pub logit_bias: Option<BTreeMap<String, f64>>,
        /// Return log probabilities: `true`, or the number of top alternatives per token (0..20).
        pub logprobs: Option<Logprobs>,
        /// Allow several tool calls in one step (default: the API's, true).
        pub parallel_tool_calls: Option<bool>,
        /// A stable id of the end user, for abuse monitoring.
        pub user: Option<String>,
        /// Reasoning effort; overrides the call option of the same name.
        pub reasoning_effort: Option<ReasoningEffort>,
        /// `max_completion_tokens` for the chat API (reasoning models use it instead of
        /// `max_tokens`; the call's `max_output_tokens` is mapped to it automatically for them).
        pub max_completion_tokens: Option<u32>,
        /// Whether OpenAI stores the output (for distillation, evals, or `previous_response_id`).
        pub store: Option<bool>,
        /// Up to 16 key-value pairs stored with the request.
        pub metadata: Option<BTreeMap<String, String>>,
        /// Predicted output, e.g. `{"type": "content", "content": "..."}`. Chat only.
        pub prediction: Option<Value>,
        /// The processing tier: `auto`, `default`, `flex`, `priority`, `scale`.
        pub service_tier: Option<ServiceTier>,
        /// Use structured outputs (`json_schema`) when a schema is given (default true); false
        /// falls back to `json_object`.
        pub structured_outputs: Option<bool>,
        /// Whether JSON schemas (of the output and of function tools without their own setting) are
        /// enforced strictly (default true).
        pub strict_json_schema: Option<bool>,
        /// How verbose the text output is (`low`, `medium`, `high`), for models that take it.
        pub text_verbosity: Option<TextVerbosity>,
        /// A key to improve prompt-cache hits across requests.
        pub prompt_cache_key: Option<String>,
        /// A stable, hashed identifier of the end user for safety monitoring.
        pub safety_identifier: Option<String>,
        /// How system messages are sent: as `system`, as `developer`, or removed. The default is
        /// `developer` for reasoning models and `system` otherwise.
        pub system_message_mode: Option<SystemMessageMode>,
        /// Responses API: continue from a stored response.
        pub previous_response_id: Option<String>,
        /// Responses API: instructions placed before the input.
        pub instructions: Option<String>,
        /// Responses API: extra output to include, e.g. `reasoning.encrypted_content`,
        /// `file_search_call.results`, `message.output_text.logprobs`.
        pub include: Option<Vec<String>>,
        /// Responses API: reasoning summaries, `auto`, `concise` or `detailed`.
        pub reasoning_summary: Option<String>,
        /// Responses API: `auto` or `disabled` truncation of the context.
        pub truncation: Option<String>,
        /// Responses API: the most built-in tool calls in one response.
        pub max_tool_calls: Option<u32>,
        /// Responses API: the conversation this response belongs to.
        pub conversation: Option<String>,
        /// Legacy completions: echo the prompt back.
        pub echo: Option<bool>,
        /// Legacy completions: text after the completion.
        pub suffix: Option<String>,
    }
}

/// `true` (log probabilities of the chosen tokens) or a number of top alternatives per token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Logprobs {
    /// On or off.
    Enabled(bool),
    /// On, with this many top alternatives per token.
    Top(u8),
}

impl Logprobs {
    /// The number of top alternatives asked for, when log probabilities are on.
    pub fn top(self) -> Option<u8> {
        match self {
            Logprobs::Enabled(true) => Some(0),
            Logprobs::Enabled(false) => None,
            Logprobs::Top(count) => Some(count),
        }
    }
}

/// OpenAI's processing tiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum ServiceTier {
    /// The project's default.
    Auto,
    /// Standard processing.
    Default,
    /// Cheaper, slower, for some reasoning models.
    Flex,
    /// Faster, for some models.
    Priority,
    /// Scale-tier credits.
    Scale,
}

/// How verbose the text output is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TextVerbosity {
    /// Terse.
    Low,
    /// The default.
    Medium,
    /// Thorough.
    High,
}

/// How system messages are sent: the chat engine's setting, shared by the Responses model.
pub use crate::providers::openai_compatible::SystemMessageMode;

optional_fields! {
    /// Options of the embedding model.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[non_exhaustive]
    pub struct OpenAiEmbeddingOptions {
        /// The size of the vectors (text-embedding-3 and later).
        pub dimensions: Option<u32>,
        /// A stable id of the end user.
        pub user: Option<String>,
    }
}

optional_fields! {
    /// Options of the image model.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[non_exhaustive]
    pub struct OpenAiImageOptions {
        /// `standard`/`hd` (dall-e-3), `low`/`medium`/`high`/`auto` (gpt-image-1).
        pub quality: Option<String>,
        /// `vivid` or `natural` (dall-e-3).
        pub style: Option<String>,
        /// `transparent`, `opaque` or `auto` (gpt-image-1).
        pub background: Option<String>,
        /// `png`, `jpeg` or `webp` (gpt-image-1).
        pub output_format: Option<String>,
        /// 0..100 for jpeg and webp (gpt-image-1).
        pub output_compression: Option<u8>,
        /// `low` or `auto` (gpt-image-1).
        pub moderation: Option<String>,
        /// A stable id of the end user.
        pub user: Option<String>,
    }
}

optional_fields! {
    /// Options of the speech model.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[non_exhaustive]
    pub struct OpenAiSpeechOptions {
        /// Instructions for the voice (gpt-4o-mini-tts); overrides the call's `instructions`.
        pub instructions: Option<String>,
        /// Speed, 0.25..4.0; overrides the call's `speed`.
        pub speed: Option<f32>,
    }
}

/// Options of the transcription model: the compatible engine's, read from `provider_options["openai"]`.
pub type OpenAiTranscriptionOptions = crate::providers::openai_compatible::OpenAiCompatibleTranscriptionOptions;

/// The chat-completions engine's options reader for OpenAI: OpenAI's typed options (unknown
/// keys are an error), with a warning for each Responses-only option and the service tier
/// checked against the model.
pub(crate) fn read_chat_options(
    options: &crate::provider::ProviderOptions,
    provider_name: &str,
    model_id: &str,
    option_rules: &[ModelOptionRule],
) -> crate::error::Result<(crate::providers::openai_compatible::OpenAiCompatibleOptions, Vec<crate::provider::Warning>)> {
    use crate::provider::Warning;
    // Most calls set no OpenAI options: no struct to build and move field by field. The test is
    // `ProviderOptions::parse`'s own (absent or null), made before calling it: `parse` returns its
    // `Option<OpenAiOptions>` through memory, about 100 instructions a request more (callgrind).
    if options.get(provider_name).is_none_or(Value::is_null) {
        return Ok(Default::default());
    }
    let parsed: OpenAiOptions = options.parse(provider_name)?.unwrap_or_default();
    let mut warnings = Vec::new();
    for (name, set) in [
        ("previous_response_id", parsed.previous_response_id.is_some()),
        ("instructions", parsed.instructions.is_some()),
        ("include", parsed.include.is_some()),
        ("reasoning_summary", parsed.reasoning_summary.is_some()),
        ("truncation", parsed.truncation.is_some()),
        ("max_tool_calls", parsed.max_tool_calls.is_some()),
        ("conversation", parsed.conversation.is_some()),
    ] {
        if set {
            warnings.push(Warning::unsupported(format!("provider_options.{provider_name}.{name}"), Some("Responses API only".to_owned())));
        }
    }
    let service_tier = supported_service_tier(option_rules, model_id, parsed.service_tier, &mut warnings);
    let chat = crate::providers::openai_compatible::OpenAiCompatibleOptions {
        user: parsed.user,
        reasoning_effort: parsed.reasoning_effort.map(|effort| effort.as_str().to_owned()),
        parallel_tool_calls: parsed.parallel_tool_calls,
        strict_json_schema: parsed.strict_json_schema,
        structured_outputs: parsed.structured_outputs,
        system_message_mode: parsed.system_message_mode,
        logit_bias: parsed.logit_bias,
        top_logprobs: parsed.logprobs.and_then(Logprobs::top),
        max_completion_tokens: parsed.max_completion_tokens,
        store: parsed.store,
        metadata: parsed.metadata,
        prediction: parsed.prediction,
        service_tier: service_tier.as_ref().and_then(wire_name),
        text_verbosity: parsed.text_verbosity.as_ref().and_then(wire_name),
        prompt_cache_key: parsed.prompt_cache_key,
        safety_identifier: parsed.safety_identifier,
        echo: parsed.echo,
        suffix: parsed.suffix,
        ..Default::default()
    };
    Ok((chat, warnings))
}

/// A serde unit enum's wire name (`"flex"`).
fn wire_name<T: Serialize>(value: &T) -> Option<String> {
    match serde_json::to_value(value) {
        Ok(Value::String(name)) => Some(name),
        _ => None,
    }
}

/// Whether a model id names a reasoning model, as OpenAI's mapping (`specs/openai/provider.toml`,
/// its `model_overrides`) says: the o-series, gpt-5 and its variants except the chat ones,
/// codex. Reasoning models take `developer` messages, `max_completion_tokens` and
/// `reasoning_effort`, and reject sampling settings. A vendor prefix (`openai/o3`) is ignored.
///
/// The OpenAI models decide with the same rule what to send (a sampling setting given to a
/// reasoning model is dropped with a warning); call it to know beforehand.
///
/// ```
/// use specai::openai::is_reasoning_model;
///
/// assert!(is_reasoning_model("o4-mini") && is_reasoning_model("gpt-5-mini") && is_reasoning_model("openai/o3"));
/// assert!(!is_reasoning_model("gpt-4o") && !is_reasoning_model("gpt-5-chat-latest"));
/// ```
pub fn is_reasoning_model(model_id: &str) -> bool {
    crate::providers::openai_compatible::model_rules(&specai_generated::mappings::OPENAI, without_vendor(model_id)).capabilities.reasoning
}

/// A model id without a vendor prefix (`openai/o3` -> `o3`), as the mapping's patterns name it.
fn without_vendor(model_id: &str) -> &str {
    model_id.rsplit('/').next().unwrap_or(model_id)
}

/// The service tier to send. Some tiers (`flex`, `priority`) exist only for some models, as the
/// mapping's `[[model_option_rules]]` say; asked of another model, the tier is dropped with a
/// warning (the API would reject the call). A vendor prefix (`openai/o3`) is ignored.
pub(crate) fn supported_service_tier(
    rules: &[ModelOptionRule],
    model_id: &str,
    tier: Option<ServiceTier>,
    warnings: &mut Vec<crate::provider::Warning>,
) -> Option<ServiceTier> {
    let tier = tier?;
    let Some(value) = wire_name(&tier) else { return Some(tier) };
    if specai_generated::mappings::takes_option(rules, "service_tier", &value, without_vendor(model_id)) {
        return Some(tier);
    }
    warnings.push(crate::provider::Warning::unsupported(
        "service_tier",
        Some(format!("{value} processing is not available for {model_id}; the tier was not sent")),
    ));
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::ProviderOptions;
    use serde_json::json;

    #[test]
    fn parses_options_and_rejects_unknown_keys() {
        let options = ProviderOptions::new().with(
            OPENAI_PROVIDER_ID,
            json!({"logprobs": 3, "user": "u1", "service_tier": "flex", "reasoning_effort": "low", "store": false}),
        );
        let parsed: OpenAiOptions = options.parse(OPENAI_PROVIDER_ID).unwrap().unwrap();
        assert_eq!(parsed.logprobs, Some(Logprobs::Top(3)));
        assert_eq!(parsed.service_tier, Some(ServiceTier::Flex));
        assert_eq!(parsed.reasoning_effort, Some(ReasoningEffort::Low));
        assert_eq!(Logprobs::Enabled(true).top(), Some(0));
        let bad = ProviderOptions::new().with(OPENAI_PROVIDER_ID, json!({"temprature": 1}));
        let error = bad.parse::<OpenAiOptions>(OPENAI_PROVIDER_ID).unwrap_err();
        assert!(error.to_string().contains("temprature"), "{error}");
    }

    #[test]
    fn flex_and_priority_tiers_only_for_models_that_offer_them() {
        let mut warnings = Vec::new();
        let rules = specai_generated::mappings::OPENAI.model_option_rules;
        assert_eq!(supported_service_tier(rules, "o4-mini", Some(ServiceTier::Flex), &mut warnings), Some(ServiceTier::Flex));
        assert_eq!(supported_service_tier(rules, "gpt-4o-mini", Some(ServiceTier::Priority), &mut warnings), Some(ServiceTier::Priority));
        assert!(warnings.is_empty());
        assert_eq!(supported_service_tier(rules, "gpt-4o-mini", Some(ServiceTier::Flex), &mut warnings), None);
        assert_eq!(supported_service_tier(rules, "gpt-5-nano", Some(ServiceTier::Priority), &mut warnings), None);
        assert_eq!(supported_service_tier(rules, "gpt-3.5-turbo", Some(ServiceTier::Auto), &mut warnings), Some(ServiceTier::Auto));
        assert_eq!(warnings.len(), 2);
    }

    #[test]
    fn recognises_reasoning_models() {
        for id in ["o1", "o1-mini", "o3-mini-2025-01-31", "o4-mini", "gpt-5", "gpt-5-mini", "codex-mini-latest"] {
            assert!(is_reasoning_model(id), "{id}");
        }
        for id in ["gpt-4o-mini", "gpt-4.1", "gpt-5-chat-latest", "omni-moderation-latest", "smollm2-chat"] {
            assert!(!is_reasoning_model(id), "{id}");
        }
    }
}
