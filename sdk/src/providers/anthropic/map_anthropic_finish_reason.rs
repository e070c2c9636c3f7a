//! Anthropic's `stop_reason` mapped onto the unified [`FinishReason`].

use crate::provider::FinishReason;

/// Maps a `stop_reason`. `tool_use` is `Stop` when the only tool called was the forced JSON tool
/// of structured output (`is_json_response_from_tool`), because then no tool was really called.
///
/// ```
/// use specai::anthropic::map_anthropic_finish_reason;
/// use specai::provider::FinishReason;
///
/// assert_eq!(map_anthropic_finish_reason(Some("max_tokens"), false), FinishReason::Length);
/// assert_eq!(map_anthropic_finish_reason(Some("tool_use"), false), FinishReason::ToolCalls);
/// assert_eq!(map_anthropic_finish_reason(Some("tool_use"), true), FinishReason::Stop); // structured output
/// ```
pub fn map_anthropic_finish_reason(stop_reason: Option<&str>, is_json_response_from_tool: bool) -> FinishReason {
    match stop_reason {
        // `pause_turn`: a server tool (web search) paused a long turn; the answer so far is whole.
        Some("end_turn" | "stop_sequence" | "pause_turn") => FinishReason::Stop,
        Some("tool_use") if is_json_response_from_tool => FinishReason::Stop,
        Some("tool_use") => FinishReason::ToolCalls,
        Some("max_tokens" | "model_context_window_exceeded") => FinishReason::Length,
        Some("refusal") => FinishReason::ContentFilter,
        _ => FinishReason::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_every_documented_stop_reason() {
        assert_eq!(map_anthropic_finish_reason(Some("end_turn"), false), FinishReason::Stop);
        assert_eq!(map_anthropic_finish_reason(Some("stop_sequence"), false), FinishReason::Stop);
        assert_eq!(map_anthropic_finish_reason(Some("pause_turn"), false), FinishReason::Stop);
        assert_eq!(map_anthropic_finish_reason(Some("tool_use"), false), FinishReason::ToolCalls);
        assert_eq!(map_anthropic_finish_reason(Some("max_tokens"), false), FinishReason::Length);
        assert_eq!(map_anthropic_finish_reason(Some("refusal"), false), FinishReason::ContentFilter);
        assert_eq!(map_anthropic_finish_reason(Some("something_new"), false), FinishReason::Other);
        assert_eq!(map_anthropic_finish_reason(None, false), FinishReason::Other);
    }

    #[test]
    fn forced_json_tool_use_is_a_stop() {
        assert_eq!(map_anthropic_finish_reason(Some("tool_use"), true), FinishReason::Stop);
    }
}
