//! Anthropic's error body, `{"type": "error", "error": {"type": "...", "message": "..."}}`, read
//! into an [`ApiCallError`]; it arrives as an HTTP error response or as an `error` event
//! mid-stream.
//!
//! Retrying: by status, 408, 409, 429 and 5xx (Anthropic's 529 "overloaded" among them); by
//! error type, `overloaded_error`, `rate_limit_error`, `api_error` and `timeout_error`, which is
//! what decides for an error sent mid-stream under a 200 status.

use super::anthropic_api::types::{ErrorDetail, ErrorResponse};
use crate::error::{ApiCallError, Error, is_retryable_status};
use crate::provider_utils::{ErrorBody, ErrorBodyParser};

/// Whether an Anthropic error type says that trying again may succeed.
pub fn is_retryable_error_type(error_type: &str) -> bool {
    matches!(error_type, "overloaded_error" | "rate_limit_error" | "api_error" | "timeout_error")
}

/// Reads Anthropic's error bodies for [`post_json`](crate::provider_utils::post_json).
#[derive(Debug, Clone, Copy, Default)]
pub struct AnthropicErrorParser;

impl ErrorBodyParser for AnthropicErrorParser {
    fn parse(&self, body: &str) -> Option<ErrorBody> {
        let detail = serde_json::from_str::<ErrorResponse>(body).ok()?.error;
        Some(ErrorBody::new(detail.message).with_type(Some(detail.type_)))
    }

    fn is_retryable(&self, status: u16, body: Option<&ErrorBody>) -> bool {
        is_retryable_status(status)
            || body.and_then(|body| body.error_type.as_deref()).is_some_and(is_retryable_error_type)
    }
}

/// The error for an `error` event received mid-stream, under a response of `status` from `url`.
pub fn stream_error_event(detail: ErrorDetail, raw: &str, status: u16, url: &str) -> Error {
    let retryable = is_retryable_error_type(&detail.type_);
    ApiCallError::new(status, url, detail.message)
        .with_body(raw)
        .with_error_type(Some(detail.type_))
        .with_retryable(retryable)
        .into()
}

#[cfg(test)]
mod tests {
    use http::HeaderMap;

    use super::*;
    use crate::provider_utils::api_call_error;

    const OVERLOADED: &str = r#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#;

    fn error_for(status: u16, body: &str) -> ApiCallError {
        api_call_error(status, "https://api.anthropic.com/v1/messages".into(), HeaderMap::new(), Some(body.into()), &AnthropicErrorParser)
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
        let detail = serde_json::from_str::<ErrorResponse>(OVERLOADED).unwrap().error;
        let error = stream_error_event(detail, OVERLOADED, 200, "u");
        assert!(error.is_retryable());
        assert_eq!(error.as_api_call().unwrap().error_type.as_deref(), Some("overloaded_error"));
        let detail = ErrorDetail { type_: "invalid_request_error".into(), message: "no".into(), extra: Default::default() };
        assert!(!stream_error_event(detail, "{}", 200, "u").is_retryable());
    }
}
