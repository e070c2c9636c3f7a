//! Bedrock's errors: a failed response's body is `{"message": "..."}` (read at the mapping's
//! paths) and its type is in the `x-amzn-errortype` header (`ThrottlingException:http://...`);
//! inside an event stream an exception is a frame whose `:exception-type` header names it.
//! Whether an error is worth retrying follows the mapping's statuses and error types.

use crate::error::{ApiCallError, Error};
use crate::provider_utils::MappingErrorParser;

/// The header holding the error type of a failed response.
const ERROR_TYPE_HEADER: &str = "x-amzn-errortype";

/// `error` with its type taken from the `x-amzn-errortype` header when the body named none,
/// and its retryability decided again with that type.
pub(crate) fn with_amazon_error_type(error: Error, errors: &MappingErrorParser) -> Error {
    let Error::ApiCall(mut api) = error else {
        return error;
    };
    if api.error_type.is_none()
        && let Some(value) = api
            .response_headers
            .get(ERROR_TYPE_HEADER)
            .and_then(|value| value.to_str().ok())
    {
        let error_type = value.split(':').next().unwrap_or(value).trim().to_owned();
        api.is_retryable = api.is_retryable || errors.is_retryable_type(&error_type);
        api.error_type = Some(error_type);
    }
    Error::ApiCall(api)
}

/// What an exception frame inside a stream is read with: the response's URL and the mapping's
/// rules.
#[derive(Debug, Clone)]
pub(crate) struct StreamErrorContext {
    pub url: String,
    pub errors: MappingErrorParser,
}

impl StreamErrorContext {
    /// The error of an exception frame of type `exception_type` whose JSON payload is `payload`.
    pub(crate) fn exception(&self, exception_type: &str, payload: &str) -> Error {
        use crate::provider_utils::ErrorBodyParser;
        let message = self
            .errors
            .parse(payload)
            .map(|body| body.message)
            .unwrap_or_else(|| payload.to_owned());
        // The status the exception would have had as a response, when the model says so.
        let status = match exception_type {
            "validationException" | "ValidationException" => 400,
            "throttlingException" | "ThrottlingException" => 429,
            "serviceUnavailableException" | "ServiceUnavailableException" => 503,
            "modelStreamErrorException" | "ModelStreamErrorException" => 424,
            _ => 500,
        };
        let error_type = upper_first(exception_type);
        ApiCallError::new(status, &self.url, message)
            .with_body(payload)
            .with_retryable(
                self.errors.is_retryable_type(&error_type) || matches!(status, 429 | 500 | 503),
            )
            .with_error_type(Some(error_type))
            .into()
    }
}

/// `throttlingException` -> `ThrottlingException` (frames name the union member; responses and
/// the mapping name the shape).
fn upper_first(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use http::{HeaderMap, HeaderValue};
    use specai_generated::mappings::BEDROCK;

    use super::*;
    use crate::provider_utils::api_call_error;

    fn parser() -> MappingErrorParser {
        MappingErrorParser::new(BEDROCK.errors, None)
    }

    #[test]
    fn the_type_comes_from_the_header_and_decides_retrying() {
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-amzn-errortype",
            HeaderValue::from_static(
                "ModelNotReadyException:http://internal.amazon.com/coral/com.amazonaws.bedrock/",
            ),
        );
        let body = r#"{"message":"Model is not ready for inference"}"#;
        let error = Error::ApiCall(Box::new(api_call_error(
            400,
            "u".into(),
            headers,
            Some(body.into()),
            &parser(),
        )));
        assert!(!error.is_retryable(), "400 alone is not retryable");
        let error = with_amazon_error_type(error, &parser());
        let api = error.as_api_call().unwrap();
        assert_eq!(api.error_type.as_deref(), Some("ModelNotReadyException"));
        assert_eq!(api.message, "Model is not ready for inference");
        assert!(api.is_retryable);
    }

    #[test]
    fn exception_frames_become_api_errors() {
        let context = StreamErrorContext {
            url: "https://bedrock/x".into(),
            errors: parser(),
        };
        let error = context.exception("throttlingException", r#"{"message":"Too many requests"}"#);
        let api = error.as_api_call().unwrap();
        assert_eq!(
            (api.status, api.message.as_str(), api.error_type.as_deref()),
            (429, "Too many requests", Some("ThrottlingException"))
        );
        assert!(api.is_retryable);
        let error = context.exception("validationException", r#"{"message":"bad input"}"#);
        assert!(!error.is_retryable());
    }
}
