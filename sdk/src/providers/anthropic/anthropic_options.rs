//! Anthropic's own options: per call (`provider_options["anthropic"]` of the call), per message
//! and part (prompt caching, document citations, reasoning signatures), and per tool.
//!
//! Every struct denies unknown fields, so a misspelt option is an error naming it rather than a
//! silent no-op. Keys are snake_case, like the rest of the Rust API; the reasoning metadata this
//! provider returns uses the same keys, so it can be sent back unchanged.

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::provider::ProviderOptions;
use crate::provider_utils::optional_fields;

/// The key under which this provider reads options and writes metadata.
pub const PROVIDER_KEY: &str = "anthropic";

optional_fields! {
    /// Options of one call, read from `CallOptions::provider_options["anthropic"]`.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[non_exhaustive]
    pub struct AnthropicOptions {
        /// Extended thinking: `{"type": "enabled", "budget_tokens": 1024}`.
        pub thinking: Option<ThinkingOptions>,
        /// Send reasoning parts of earlier assistant messages back to the model (default `true`).
        pub send_reasoning: Option<bool>,
        /// Ask for at most one tool call per turn.
        pub disable_parallel_tool_use: Option<bool>,
        /// An opaque end-user id, sent as `metadata.user_id` (abuse detection).
        pub user_id: Option<String>,
    }
}

impl AnthropicOptions {
    /// Options with thinking enabled and this budget.
    pub fn with_thinking_budget(budget_tokens: u32) -> Self {
        AnthropicOptions { thinking: Some(ThinkingOptions::Enabled { budget_tokens }), ..Default::default() }
    }

    /// Parses the `anthropic` entry of provider options; absent means defaults.
    pub fn from_provider_options(options: &ProviderOptions) -> Result<Self> {
        Ok(options.parse::<Self>(PROVIDER_KEY)?.unwrap_or_default())
    }
}

/// Extended thinking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ThinkingOptions {
    /// Think, with at most this many tokens (at least 1024; counted in `max_tokens`).
    Enabled {
        /// The thinking budget.
        budget_tokens: u32,
    },
    /// No thinking.
    Disabled,
}

/// A prompt-cache breakpoint: `{"type": "ephemeral"}`, optionally with a `ttl` (`"5m"`, `"1h"`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum CacheControl {
    /// The only kind the API has.
    Ephemeral {
        /// How long the entry lives; the API's default is five minutes.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ttl: Option<String>,
    },
}

impl CacheControl {
    /// `{"type": "ephemeral"}`.
    pub fn ephemeral() -> Self {
        CacheControl::Ephemeral { ttl: None }
    }
}

optional_fields! {
    /// Options of a message or a part (text, file, tool call, tool result, reasoning), read from its
    /// `provider_options["anthropic"]`.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[non_exhaustive]
    pub struct AnthropicPartOptions {
        /// Cache the prompt up to and including this block (on a message: its last block).
        pub cache_control: Option<CacheControl>,
        /// Documents (PDF, text): let the model cite them.
        pub citations: Option<CitationsOptions>,
        /// Documents: a title.
        pub title: Option<String>,
        /// Documents: context about the document that the model reads but does not cite.
        pub context: Option<String>,
        /// Reasoning: the signature of a thinking block, as returned in the reasoning's metadata.
        pub signature: Option<String>,
        /// Reasoning: the encrypted data of a redacted thinking block, as returned in its metadata.
        pub redacted_data: Option<String>,
    }
}

impl AnthropicPartOptions {
    /// Parses the `anthropic` entry of a message's or part's options; absent means defaults.
    pub fn from_provider_options(options: &ProviderOptions) -> Result<Self> {
        Ok(options.parse::<Self>(PROVIDER_KEY)?.unwrap_or_default())
    }

    /// Options holding only a cache breakpoint.
    pub fn cache(cache_control: CacheControl) -> Self {
        AnthropicPartOptions { cache_control: Some(cache_control), ..Default::default() }
    }
}

/// Whether a document may be cited.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CitationsOptions {
    /// Enable citations.
    pub enabled: bool,
}

optional_fields! {
    /// Options of a function tool, read from its `provider_options["anthropic"]`.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[non_exhaustive]
    pub struct AnthropicToolOptions {
        /// Cache the prompt up to and including this tool definition.
        pub cache_control: Option<CacheControl>,
    }
}

impl AnthropicToolOptions {
    /// Parses the `anthropic` entry of a tool's options; absent means defaults.
    pub fn from_provider_options(options: &ProviderOptions) -> Result<Self> {
        Ok(options.parse::<Self>(PROVIDER_KEY)?.unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::error::Error;

    #[test]
    fn parses_thinking_and_rejects_unknown_keys() {
        let options = ProviderOptions::new()
            .with("anthropic", json!({"thinking": {"type": "enabled", "budget_tokens": 2048}, "send_reasoning": false}));
        let parsed = AnthropicOptions::from_provider_options(&options).unwrap();
        assert_eq!(parsed.thinking, Some(ThinkingOptions::Enabled { budget_tokens: 2048 }));
        assert_eq!(parsed.send_reasoning, Some(false));

        let misspelt = ProviderOptions::new().with("anthropic", json!({"thinkng": {"type": "disabled"}}));
        match AnthropicOptions::from_provider_options(&misspelt).unwrap_err() {
            Error::InvalidArgument { argument, message } => {
                assert_eq!(argument, "provider_options.anthropic");
                assert!(message.contains("thinkng"), "{message}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn absent_options_are_defaults() {
        assert_eq!(AnthropicOptions::from_provider_options(&ProviderOptions::new()).unwrap(), AnthropicOptions::default());
        assert_eq!(
            AnthropicPartOptions::from_provider_options(&ProviderOptions::new().with("openai", json!({"x": 1}))).unwrap(),
            AnthropicPartOptions::default()
        );
    }

    #[test]
    fn cache_control_serializes_as_the_wire_object() {
        assert_eq!(serde_json::to_value(CacheControl::ephemeral()).unwrap(), json!({"type": "ephemeral"}));
        let with_ttl: CacheControl = serde_json::from_value(json!({"type": "ephemeral", "ttl": "1h"})).unwrap();
        assert_eq!(with_ttl, CacheControl::Ephemeral { ttl: Some("1h".into()) });
    }
}
