//! The gateway's errors: a failed HTTP response is read by the connection at the paths of
//! `specs/gateway/provider.toml` (`{"error": {"message", "type", "param", "code"},
//! "generationId"}`), and its retryable statuses and types decide retries. An error part sent
//! in a stream (`{"type": "error", "error": ...}`) becomes the same typed error here.

use http::HeaderMap;
use serde_json::{Value, json};

use crate::error::Error;
use crate::provider_utils::{MappingErrorParser, api_call_error};

/// The error for an error part that arrived in a stream after a 200 response: its status is
/// the error's own `statusCode` when it has one (so a mid-stream 429 is retryable), else 500.
pub(crate) fn gateway_stream_error(error: &Value, url: &str, headers: HeaderMap, errors: &MappingErrorParser) -> Error {
    let detail = match error {
        Value::String(message) => json!({"message": message}),
        other => other.clone(),
    };
    let status = ["statusCode", "status"]
        .iter()
        .find_map(|key| detail.get(*key).and_then(Value::as_u64))
        .and_then(|status| u16::try_from(status).ok())
        .filter(|status| (400..600).contains(status))
        .unwrap_or(500);
    let body = if detail.get("error").is_some() { detail } else { json!({"error": detail}) };
    Error::from(api_call_error(status, url.to_owned(), headers, Some(body.to_string()), errors))
}

#[cfg(test)]
mod tests {
    use specai_generated::mappings::GATEWAY;

    use super::*;

    fn parser() -> MappingErrorParser {
        MappingErrorParser::new(GATEWAY.errors, None)
    }

    #[test]
    fn reads_the_gateway_error_body() {
        let body = r#"{"error": {"message": "Model 'x/y' not found", "type": "model_not_found", "param": {"modelId": "x/y"}}, "generationId": "gen_1"}"#;
        let error = api_call_error(404, "u".into(), HeaderMap::new(), Some(body.into()), &parser());
        assert_eq!(error.message, "Model 'x/y' not found");
        assert_eq!(error.error_type.as_deref(), Some("model_not_found"));
        assert!(!error.is_retryable);
    }

    #[test]
    fn stream_errors_keep_their_status_and_type() {
        let error = gateway_stream_error(&json!({"message": "Too many requests", "type": "rate_limit_exceeded", "statusCode": 429}), "u", HeaderMap::new(), &parser());
        assert!(error.is_retryable());
        assert_eq!(error.as_api_call().unwrap().status, 429);
        let error = gateway_stream_error(&json!("upstream failed"), "u", HeaderMap::new(), &parser());
        assert_eq!(error.as_api_call().unwrap().message, "upstream failed");
    }
}
