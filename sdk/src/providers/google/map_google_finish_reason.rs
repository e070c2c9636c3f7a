//! Gemini's `Candidate.finishReason` mapped onto the unified [`FinishReason`].

use crate::provider::FinishReason;

/// Maps a Gemini finish reason; `has_tool_calls` turns a plain `STOP` into
/// [`FinishReason::ToolCalls`], because Gemini ends a function-calling turn with `STOP`.
///
/// ```
/// use specai::google::map_google_finish_reason;
/// use specai::provider::FinishReason;
///
/// assert_eq!(map_google_finish_reason(Some("STOP"), true), FinishReason::ToolCalls);
/// assert_eq!(map_google_finish_reason(Some("SAFETY"), false), FinishReason::ContentFilter);
/// ```
pub fn map_google_finish_reason(raw: Option<&str>, has_tool_calls: bool) -> FinishReason {
    match raw {
        Some("STOP") if has_tool_calls => FinishReason::ToolCalls,
        Some("STOP") => FinishReason::Stop,
        Some("MAX_TOKENS") => FinishReason::Length,
        Some(
            "SAFETY" | "RECITATION" | "BLOCKLIST" | "PROHIBITED_CONTENT" | "SPII" | "IMAGE_SAFETY"
            | "IMAGE_PROHIBITED_CONTENT" | "IMAGE_RECITATION",
        ) => FinishReason::ContentFilter,
        Some("MALFORMED_FUNCTION_CALL" | "UNEXPECTED_TOOL_CALL" | "TOO_MANY_TOOL_CALLS") => FinishReason::Error,
        // FINISH_REASON_UNSPECIFIED, OTHER, LANGUAGE, IMAGE_OTHER, NO_IMAGE and future values.
        _ => FinishReason::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_every_documented_reason() {
        assert_eq!(map_google_finish_reason(Some("STOP"), false), FinishReason::Stop);
        assert_eq!(map_google_finish_reason(Some("STOP"), true), FinishReason::ToolCalls);
        assert_eq!(map_google_finish_reason(Some("MAX_TOKENS"), true), FinishReason::Length);
        for reason in ["SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY"] {
            assert_eq!(map_google_finish_reason(Some(reason), false), FinishReason::ContentFilter, "{reason}");
        }
        assert_eq!(map_google_finish_reason(Some("MALFORMED_FUNCTION_CALL"), false), FinishReason::Error);
        for reason in ["OTHER", "LANGUAGE", "FINISH_REASON_UNSPECIFIED", "SOMETHING_NEW"] {
            assert_eq!(map_google_finish_reason(Some(reason), false), FinishReason::Other, "{reason}");
        }
        assert_eq!(map_google_finish_reason(None, false), FinishReason::Other);
    }
}
