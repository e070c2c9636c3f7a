//! Finish reasons of chat completions mapped to the unified [`FinishReason`].

use crate::provider::FinishReason;

/// `stop`, `length`, `content_filter`, `tool_calls` (or the legacy `function_call`); anything
/// else, including values a vendor added (`eos`, `model_length`), is `Other`.
pub(crate) fn map_openai_compatible_finish_reason(reason: Option<&str>) -> FinishReason {
    match reason {
        Some("stop") => FinishReason::Stop,
        Some("length" | "model_length") => FinishReason::Length,
        Some("content_filter") => FinishReason::ContentFilter,
        Some("tool_calls" | "function_call") => FinishReason::ToolCalls,
        Some("error") => FinishReason::Error,
        _ => FinishReason::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_known_and_unknown_values() {
        assert_eq!(map_openai_compatible_finish_reason(Some("tool_calls")), FinishReason::ToolCalls);
        assert_eq!(map_openai_compatible_finish_reason(Some("eos")), FinishReason::Other);
        assert_eq!(map_openai_compatible_finish_reason(None), FinishReason::Other);
    }
}
