//! OpenAI's finish reasons mapped onto [`FinishReason`].

use crate::provider::FinishReason;

/// Responses API: `incomplete_details.reason` (absent when the response completed), and whether
/// the output holds function calls the application must run.
pub(crate) fn map_openai_responses_finish_reason(incomplete_reason: Option<&str>, has_function_calls: bool) -> FinishReason {
    match incomplete_reason {
        None if has_function_calls => FinishReason::ToolCalls,
        None => FinishReason::Stop,
        Some("max_output_tokens") => FinishReason::Length,
        Some("content_filter") => FinishReason::ContentFilter,
        Some(_) if has_function_calls => FinishReason::ToolCalls,
        Some(_) => FinishReason::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_responses_reasons() {
        assert_eq!(map_openai_responses_finish_reason(None, false), FinishReason::Stop);
        assert_eq!(map_openai_responses_finish_reason(None, true), FinishReason::ToolCalls);
        assert_eq!(map_openai_responses_finish_reason(Some("max_output_tokens"), true), FinishReason::Length);
        assert_eq!(map_openai_responses_finish_reason(Some("content_filter"), false), FinishReason::ContentFilter);
        assert_eq!(map_openai_responses_finish_reason(Some("other"), false), FinishReason::Other);
    }
}
