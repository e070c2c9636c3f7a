//! OpenAI's error body (`{"error": {"message", "type", "param", "code"}}`) turned into
//! [`ApiCallError`], for failed responses and for error events inside a stream.

use serde::Deserialize;


use crate::error::{ApiCallError, Error};
use crate::provider_utils::ErrorBody;

/// The error object OpenAI sends, in a failed response body or as a stream event.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub(crate) struct OpenAiErrorDetail {
    /// The human-readable message.
    #[serde(default)]
    pub message: String,
    /// The error type, e.g. `invalid_request_error`.
    #[serde(default, rename = "type")]
    pub error_type: Option<String>,
    /// The request parameter at fault.
    #[serde(default, deserialize_with = "string_or_number")]
    pub param: Option<String>,
    /// The machine-readable code, e.g. `rate_limit_exceeded` (some compatible servers send a
    /// number).
    #[serde(default, deserialize_with = "string_or_number")]
    pub code: Option<String>,
}

/// `"x"`, `42` or `null` as an optional string.
fn string_or_number<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Loose {
        Text(String),
        Number(serde_json::Number),
        Other(serde::de::IgnoredAny),
    }
    Ok(match Option::<Loose>::deserialize(deserializer)? {
        Some(Loose::Text(text)) => Some(text),
        Some(Loose::Number(number)) => Some(number.to_string()),
        Some(Loose::Other(_)) | None => None,
    })
}

impl OpenAiErrorDetail {
    fn into_error_body(self) -> ErrorBody {
        let message = if self.message.is_empty() { "unknown error".to_owned() } else { self.message };
        ErrorBody::new(message).with_details(self.error_type, self.code, self.param)
    }
}

/// An error event received inside a successful (HTTP 200) stream. Server errors are retryable.
pub(crate) fn stream_error(detail: OpenAiErrorDetail, url: &str) -> Error {
    let retryable = matches!(detail.error_type.as_deref(), Some("server_error"))
        || matches!(detail.code.as_deref(), Some("server_error" | "rate_limit_exceeded"));
    let body = detail.into_error_body();
    let error = ApiCallError::new(200, url, body.message)
        .with_error_type(body.error_type)
        .with_code(body.code)
        .with_param(body.param)
        .with_retryable(retryable);
    Error::from(error)
}

#[cfg(test)]
mod tests {
    use http::HeaderMap;

    use specai_generated::mappings::OPENAI;

    use super::*;
    use crate::provider_utils::MappingErrorParser;
    use crate::provider_utils::api_call_error;

    /// OpenAI's error bodies are read at the paths of its mapping.
    fn error(status: u16, body: &str) -> ApiCallError {
        let parser = MappingErrorParser::new(OPENAI.errors, None);
        api_call_error(status, "https://api.openai.com/v1/x".into(), HeaderMap::new(), Some(body.into()), &parser)
    }

    #[test]
    fn parses_openai_error_bodies() {
        let body = r#"{"error":{"message":"Invalid value for 'temperature'.","type":"invalid_request_error","param":"temperature","code":"invalid_value"}}"#;
        let error = error(400, body);
        assert_eq!(error.message, "Invalid value for 'temperature'.");
        assert_eq!(error.error_type.as_deref(), Some("invalid_request_error"));
        assert_eq!(error.param.as_deref(), Some("temperature"));
        assert_eq!(error.code.as_deref(), Some("invalid_value"));
        assert!(!error.is_retryable);
        assert_eq!(error.response_body.as_deref(), Some(body));
    }

    #[test]
    fn keeps_non_json_bodies_and_numeric_codes() {
        let bad_gateway = error(502, "<html>Bad gateway</html>");
        assert_eq!(bad_gateway.message, "<html>Bad gateway</html>");
        assert!(bad_gateway.is_retryable);
        assert_eq!(error(500, r#"{"error":{"message":"x","code":500}}"#).code.as_deref(), Some("500"));
    }

    #[test]
    fn stream_errors_are_retryable_when_the_server_failed() {
        let detail = OpenAiErrorDetail { message: "boom".into(), error_type: Some("server_error".into()), ..Default::default() };
        assert!(stream_error(detail, "u").is_retryable());
        let detail = OpenAiErrorDetail { message: "bad".into(), error_type: Some("invalid_request_error".into()), ..Default::default() };
        assert!(!stream_error(detail, "u").is_retryable());
    }
}
