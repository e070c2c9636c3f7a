//! Gemini's error body, `{"error": {"code": 400, "message": "...", "status": "INVALID_ARGUMENT"}}`,
//! sent as a stream event; a failed HTTP response is read by the connection's
//! [`MappingErrorParser`] at the paths of `specs/google/provider.toml` (which also name the list
//! some Google front ends wrap the object in, and the retryable canonical statuses).

use http::HeaderMap;

use super::wire::ErrorResponse;
use crate::error::Error;
use crate::provider_utils::{MappingErrorParser, api_call_error};

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
pub fn google_stream_error(data: &[u8], url: &str, headers: HeaderMap, errors: &MappingErrorParser) -> Error {
    let body = String::from_utf8_lossy(data).into_owned();
    let status = serde_json::from_slice::<ErrorResponse>(data)
        .ok()
        .and_then(|body| body.error.code)
        .and_then(|code| u16::try_from(code).ok())
        .filter(|code| (400..600).contains(code))
        .unwrap_or(500);
    Error::from(api_call_error(status, url.to_owned(), headers, Some(body), errors))
}

#[cfg(test)]
mod tests {
    use specai_generated::mappings::GOOGLE;

    use super::*;

    fn parser() -> MappingErrorParser {
        MappingErrorParser::new(GOOGLE.errors, None)
    }

    #[test]
    fn reads_google_error_body() {
        let body = r#"{"error": {"code": 400, "message": "API key not valid.", "status": "INVALID_ARGUMENT"}}"#;
        let error = api_call_error(400, "u".into(), HeaderMap::new(), Some(body.into()), &parser());
        assert_eq!(error.message, "API key not valid.");
        assert_eq!(error.error_type.as_deref(), Some("INVALID_ARGUMENT"));
        assert_eq!(error.code.as_deref(), Some("400"));
        assert!(!error.is_retryable);
    }

    #[test]
    fn reads_an_error_wrapped_in_a_list_and_retries_by_canonical_status() {
        let body = r#"[{"error": {"code": 429, "message": "Quota exceeded.", "status": "RESOURCE_EXHAUSTED"}}]"#;
        let error = api_call_error(400, "u".into(), HeaderMap::new(), Some(body.into()), &parser());
        assert_eq!((error.message.as_str(), error.code.as_deref()), ("Quota exceeded.", Some("429")));
        assert!(error.is_retryable, "RESOURCE_EXHAUSTED is retryable whatever the status");
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
        let error = google_stream_error(data, "u", HeaderMap::new(), &parser());
        assert!(error.is_retryable());
        let api = error.as_api_call().unwrap();
        assert_eq!((api.status, api.message.as_str()), (503, "The model is overloaded."));
    }
}
