//! Converse's `stopReason` mapped onto the unified [`FinishReason`].

use crate::provider::FinishReason;

/// Maps a `stopReason`. `tool_use` is `Stop` when the only tool called was the forced JSON tool
/// of structured output (`is_json_response_from_tool`): then no tool was really called.
///
/// ```
/// use specai::bedrock::map_bedrock_finish_reason;
/// use specai::provider::FinishReason;
///
/// assert_eq!(map_bedrock_finish_reason("guardrail_intervened", false), FinishReason::ContentFilter);
/// assert_eq!(map_bedrock_finish_reason("tool_use", false), FinishReason::ToolCalls);
/// assert_eq!(map_bedrock_finish_reason("tool_use", true), FinishReason::Stop); // structured output
/// ```
pub fn map_bedrock_finish_reason(
    stop_reason: &str,
    is_json_response_from_tool: bool,
) -> FinishReason {
    match stop_reason {
        "end_turn" | "stop_sequence" => FinishReason::Stop,
        "tool_use" if is_json_response_from_tool => FinishReason::Stop,
        "tool_use" => FinishReason::ToolCalls,
        "max_tokens" | "model_context_window_exceeded" => FinishReason::Length,
        "guardrail_intervened" | "content_filtered" => FinishReason::ContentFilter,
        _ => FinishReason::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_every_stop_reason_of_the_model() {
        assert_eq!(
            map_bedrock_finish_reason("end_turn", false),
            FinishReason::Stop
        );
        assert_eq!(
            map_bedrock_finish_reason("stop_sequence", false),
            FinishReason::Stop
        );
        assert_eq!(
            map_bedrock_finish_reason("tool_use", false),
            FinishReason::ToolCalls
        );
        assert_eq!(
            map_bedrock_finish_reason("tool_use", true),
            FinishReason::Stop
        );
        assert_eq!(
            map_bedrock_finish_reason("max_tokens", false),
            FinishReason::Length
        );
        assert_eq!(
            map_bedrock_finish_reason("guardrail_intervened", false),
            FinishReason::ContentFilter
        );
        assert_eq!(
            map_bedrock_finish_reason("content_filtered", false),
            FinishReason::ContentFilter
        );
        assert_eq!(
            map_bedrock_finish_reason("something_new", false),
            FinishReason::Other
        );
    }
}
