//! Anthropic's error body, `{"type": "error", "error": {"type": "...", "message": "..."}}`, as an
//! `error` event sent mid-stream; an HTTP error response is read by the connection's
//! [`MappingErrorParser`] at the paths of `specs/anthropic/provider.toml`.
//!
//! Retrying follows the mapping's `[errors]`: by status (`retryable_statuses`, 529 "overloaded"
//! among them) and by error type (`retryable_types`: `overloaded_error`, `rate_limit_error`...),
//! which is what decides for an error sent mid-stream under a 200 status.

use super::anthropic_api::types::ErrorDetail;
use crate::error::{ApiCallError, Error};
use crate::provider_utils::MappingErrorParser;

/// What an `error` event sent mid-stream is read with: the response's status and URL, and the
/// mapping's error rules.
#[derive(Debug, Clone)]
pub(crate) struct StreamErrorContext {
    pub status: u16,
    pub url: String,
    pub errors: MappingErrorParser,
}

impl StreamErrorContext {
    /// The error for an `error` event, whose raw data is `raw`.
    pub fn error(&self, detail: ErrorDetail, raw: &str) -> Error {
        let retryable = self.errors.is_retryable_type(&detail.type_);
        ApiCallError::new(self.status, &self.url, detail.message)
            .with_body(raw)
            .with_error_type(Some(detail.type_))
            .with_retryable(retryable)
            .into()
    }
}

#[cfg(test)]
mod tests {
    use http::HeaderMap;
    use specai_generated::mappings::ANTHROPIC;

    use super::*;
    use crate::provider_utils::api_call_error;

    const OVERLOADED: &str = r#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#;

    fn parser() -> MappingErrorParser {
        MappingErrorParser::new(ANTHROPIC.errors, None)
    }

    fn error_for(status: u16, body: &str) -> ApiCallError {
        api_call_error(status, "https://api.anthropic.com/v1/messages".into(), HeaderMap::new(), Some(body.into()), &parser())
    }

    #[test]
    fn reads_message_and_type_from_the_error_body() {
        let body = r#"{"type":"error","error":{"type":"invalid_request_error","message":"max_tokens: Field required"}}"#;
        let error = error_for(400, body);
        assert_eq!(error.message, "max_tokens: Field required");
        assert_eq!(error.error_type.as_deref(), Some("invalid_request_error"));
        assert_eq!(error.response_body.as_deref(), Some(body));
        assert!(!error.is_retryable);
    }

    #[test]
    fn status_529_and_overloaded_bodies_are_retryable() {
        let error = error_for(529, OVERLOADED);
        assert!(error.is_retryable);
        assert_eq!(error.error_type.as_deref(), Some("overloaded_error"));
        // An overloaded body under an unusual status is still worth retrying.
        assert!(error_for(400, OVERLOADED).is_retryable);
    }

    #[test]
    fn a_body_of_another_shape_is_kept_as_the_message() {
        let error = error_for(502, "<html>bad gateway</html>");
        assert_eq!(error.message, "<html>bad gateway</html>");
        assert!(error.is_retryable);
    }

    #[test]
    fn overloaded_mid_stream_is_retryable_but_invalid_request_is_not() {
        let context = StreamErrorContext { status: 200, url: "u".into(), errors: parser() };
        let detail = serde_json::from_str::<super::super::anthropic_api::types::ErrorResponse>(OVERLOADED).unwrap().error;
        let error = context.error(detail, OVERLOADED);
        assert!(error.is_retryable());
        assert_eq!(error.as_api_call().unwrap().error_type.as_deref(), Some("overloaded_error"));
        let detail = ErrorDetail { type_: "invalid_request_error".into(), message: "no".into(), extra: Default::default() };
        assert!(!context.error(detail, "{}").is_retryable());
    }
}
