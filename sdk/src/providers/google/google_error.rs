//! Gemini's error body, `{"error": {"code": 400, "message": "...", "status": "INVALID_ARGUMENT"}}`:
//! its parser for failed HTTP responses, and the error for an error object sent as a stream event.

use http::HeaderMap;

use super::wire::ErrorResponse;
use crate::error::{Error, is_retryable_status};
use crate::provider_utils::{ErrorBody, ErrorBodyParser, api_call_error};

/// Reads Gemini error bodies: the message, `status` as the error type and `code` as the code.
#[derive(Debug, Clone, Copy, Default)]
pub struct GoogleErrorParser;

impl ErrorBodyParser for GoogleErrorParser {
    fn parse(&self, body: &str) -> Option<ErrorBody> {
        // Some Google front ends answer with a list holding the error object.
        let detail = serde_json::from_str::<ErrorResponse>(body)
            .or_else(|_| serde_json::from_str::<[ErrorResponse; 1]>(body).map(|[only]| only))
            .ok()?
            .error;
        Some(
            ErrorBody::new(detail.message?)
                .with_type(detail.status)
                .with_code(detail.code.map(|code| code.to_string())),
        )
    }

    fn is_retryable(&self, status: u16, body: Option<&ErrorBody>) -> bool {
        is_retryable_status(status)
            || body.and_then(|body| body.error_type.as_deref()).is_some_and(is_retryable_google_status)
    }
}

/// Canonical statuses worth retrying (429, 500, 503, 504 in HTTP terms).
fn is_retryable_google_status(status: &str) -> bool {
    matches!(status, "RESOURCE_EXHAUSTED" | "UNAVAILABLE" | "INTERNAL" | "DEADLINE_EXCEEDED")
}

/// Whether a stream event's data is an error object (its first key is `error`); checked on the
/// raw bytes so that chunks are decoded once, into the response type.
pub fn is_error_event(data: &[u8]) -> bool {
    let mut rest = data.trim_ascii_start();
    if rest.first() == Some(&b'[') {
        rest = rest[1..].trim_ascii_start();
    }
    let Some(after_brace) = rest.strip_prefix(b"{") else { return false };
    after_brace.trim_ascii_start().starts_with(b"\"error\"")
}

/// The error for an error object that arrived as a stream event after a 200 response. Its
/// status is the error's own `code` (so a 503 `UNAVAILABLE` sent mid-stream is retryable).
pub fn google_stream_error(data: &[u8], url: &str, headers: HeaderMap) -> Error {
    let body = String::from_utf8_lossy(data).into_owned();
    let status = serde_json::from_slice::<ErrorResponse>(data)
        .ok()
        .and_then(|body| body.error.code)
        .and_then(|code| u16::try_from(code).ok())
        .filter(|code| (400..600).contains(code))
        .unwrap_or(500);
    Error::from(api_call_error(status, url.to_owned(), headers, Some(body), &GoogleErrorParser))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider_utils::api_call_error;

    #[test]
    fn reads_google_error_body() {
        let body = r#"{"error": {"code": 400, "message": "API key not valid.", "status": "INVALID_ARGUMENT"}}"#;
        let error = api_call_error(400, "u".into(), HeaderMap::new(), Some(body.into()), &GoogleErrorParser);
        assert_eq!(error.message, "API key not valid.");
        assert_eq!(error.error_type.as_deref(), Some("INVALID_ARGUMENT"));
        assert_eq!(error.code.as_deref(), Some("400"));
        assert!(!error.is_retryable);
    }

    #[test]
    fn detects_error_events_on_raw_bytes() {
        assert!(is_error_event(b"{\n  \"error\": {\"code\": 503}}"));
        assert!(is_error_event(b"[{\"error\": {}}]"));
        assert!(!is_error_event(b"{\"candidates\": []}"));
    }

    #[test]
    fn stream_error_is_retryable_by_its_own_code() {
        let data = br#"{"error": {"code": 503, "message": "The model is overloaded.", "status": "UNAVAILABLE"}}"#;
        let error = google_stream_error(data, "u", HeaderMap::new());
        assert!(error.is_retryable());
        let api = error.as_api_call().unwrap();
        assert_eq!((api.status, api.message.as_str()), (503, "The model is overloaded."));
    }
}
