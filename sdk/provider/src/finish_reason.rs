//! Why a model stopped, unified across providers.

use serde::{Deserialize, Serialize};

/// Why the model stopped generating. Providers map their own values onto these and keep the
/// original string beside it (`raw_finish_reason`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum FinishReason {
    /// A natural stop or a stop sequence.
    Stop,
    /// The output-token limit was reached.
    Length,
    /// A content filter stopped the output.
    ContentFilter,
    /// The model called tools.
    ToolCalls,
    /// The model stopped because of an error.
    Error,
    /// Any other reason, including ones the provider added after this SDK was written.
    #[default]
    Other,
}

impl std::fmt::Display for FinishReason {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(match self {
            FinishReason::Stop => "stop",
            FinishReason::Length => "length",
            FinishReason::ContentFilter => "content-filter",
            FinishReason::ToolCalls => "tool-calls",
            FinishReason::Error => "error",
            FinishReason::Other => "other",
        })
    }
}
