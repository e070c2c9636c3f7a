//! Cohere's `finish_reason` mapped onto the unified [`FinishReason`].

use crate::provider::FinishReason;

/// Maps a Cohere finish reason (`COMPLETE`, `MAX_TOKENS`, `TOOL_CALL`...).
///
/// ```
/// use specai::cohere::map_cohere_finish_reason;
/// use specai::provider::FinishReason;
///
/// assert_eq!(map_cohere_finish_reason(Some("MAX_TOKENS")), FinishReason::Length);
/// assert_eq!(map_cohere_finish_reason(Some("TIMEOUT")), FinishReason::Other);
/// ```
pub fn map_cohere_finish_reason(raw: Option<&str>) -> FinishReason {
    match raw {
        Some("COMPLETE" | "STOP_SEQUENCE") => FinishReason::Stop,
        Some("MAX_TOKENS") => FinishReason::Length,
        Some("TOOL_CALL") => FinishReason::ToolCalls,
        Some("ERROR") => FinishReason::Error,
        // TIMEOUT and values added later.
        _ => FinishReason::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_every_documented_reason() {
        assert_eq!(map_cohere_finish_reason(Some("COMPLETE")), FinishReason::Stop);
        assert_eq!(map_cohere_finish_reason(Some("STOP_SEQUENCE")), FinishReason::Stop);
        assert_eq!(map_cohere_finish_reason(Some("MAX_TOKENS")), FinishReason::Length);
        assert_eq!(map_cohere_finish_reason(Some("TOOL_CALL")), FinishReason::ToolCalls);
        assert_eq!(map_cohere_finish_reason(Some("ERROR")), FinishReason::Error);
        assert_eq!(map_cohere_finish_reason(Some("TIMEOUT")), FinishReason::Other);
        assert_eq!(map_cohere_finish_reason(None), FinishReason::Other);
    }
}
