//! Warnings: a call went through, but not exactly as asked.

use serde::{Deserialize, Serialize};

use super::call_options::{ToolChoice, ToolDefinition};

/// Something a provider could not honour exactly. Never a silent drop: each option a model
/// cannot take yields a warning (or, where going on would mislead, an `Unsupported` error).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Warning {
    /// A setting or feature the model does not support was ignored.
    Unsupported {
        /// The setting or feature, e.g. `topK` or `tool:web_search`.
        feature: String,
        /// Why, or what was done instead.
        details: Option<String>,
    },
    /// A feature was emulated, e.g. JSON output through a prompt instruction.
    Compatibility {
        /// The feature emulated.
        feature: String,
        /// How it was emulated.
        details: Option<String>,
    },
    /// Anything else.
    Other {
        /// The message.
        message: String,
    },
}

impl Warning {
    /// An [`Warning::Unsupported`] warning.
    pub fn unsupported(feature: impl Into<String>, details: impl Into<Option<String>>) -> Self {
        Warning::Unsupported { feature: feature.into(), details: details.into() }
    }

    /// A [`Warning::Compatibility`] warning.
    pub fn compatibility(feature: impl Into<String>, details: impl Into<Option<String>>) -> Self {
        Warning::Compatibility { feature: feature.into(), details: details.into() }
    }

    /// An [`Warning::Unsupported`] warning for a tool of a kind the provider does not know (the
    /// wildcard arm of a `match` on [`ToolDefinition`]); the tool is not sent.
    pub fn unknown_tool_kind(tool: &ToolDefinition) -> Self {
        let details = format!("`{}` tools are unknown to this provider; not sent", tool.kind());
        Warning::unsupported(format!("tool:{}", tool.name()), details)
    }

    /// An [`Warning::Unsupported`] warning for a tool choice the provider does not know (the
    /// wildcard arm of a `match` on [`ToolChoice`]); the provider's default choice applies.
    pub fn unknown_tool_choice(choice: &ToolChoice) -> Self {
        let details = format!("`{}` is unknown to this provider; its default applies", choice.kind());
        Warning::unsupported("toolChoice", details)
    }

    /// A [`Warning::Other`] warning.
    pub fn other(message: impl Into<String>) -> Self {
        Warning::Other { message: message.into() }
    }
}

impl std::fmt::Display for Warning {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Warning::Unsupported { feature, details } => {
                write!(formatter, "unsupported: {feature}")?;
                details.iter().try_for_each(|details| write!(formatter, " ({details})"))
            }
            Warning::Compatibility { feature, details } => {
                write!(formatter, "compatibility mode: {feature}")?;
                details.iter().try_for_each(|details| write!(formatter, " ({details})"))
            }
            Warning::Other { message } => formatter.write_str(message),
        }
    }
}
