//! Error bodies read at the mapping's paths (`error.message`, `error`, `message`, ...), for failed
//! responses and for error events inside a stream; retryable statuses and error types come from
//! the mapping's `[errors]`.
//!
//! Every mapping-driven provider reads its errors here, so a provider's error shape is data: a
//! body no path can read gets a named hook (a function from the body text), not a parser type.

use serde_json::Value;
use specai_generated::mappings::ErrorMapping;

use super::json_path::first_scalar;
use super::response_handler::{ErrorBody, ErrorBodyParser};

/// Reads a vendor's error body as its mapping describes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct MappingErrorParser {
    mapping: ErrorMapping,
    hook: Option<fn(&str) -> Option<ErrorBody>>,
    /// The mapping's key parameter, when the key travels in the query.
    secret_parameter: Option<&'static str>,
}

impl MappingErrorParser {
    /// A parser of the mapping's paths; `hook`, when given, is tried first.
    pub fn new(mapping: ErrorMapping, hook: Option<fn(&str) -> Option<ErrorBody>>) -> Self {
        MappingErrorParser { mapping, hook, secret_parameter: None }
    }

    /// Removes `parameter` (the mapping's query-auth parameter) from URLs in errors.
    pub fn with_secret_parameter(mut self, parameter: Option<&'static str>) -> Self {
        self.secret_parameter = parameter;
        self
    }

    /// Whether an error of this type is worth retrying, whatever the status (the mapping's
    /// `retryable_types`): an overload reported mid-stream under a 200, say.
    pub fn is_retryable_type(&self, error_type: &str) -> bool {
        self.mapping.retryable_types.contains(&error_type)
    }

    /// The error in a JSON value, when its message path holds a string.
    pub fn parse_value(&self, value: &Value) -> Option<ErrorBody> {
        let message = first_scalar(value, self.mapping.message)?;
        Some(
            ErrorBody::new(message).with_details(
                first_scalar(value, self.mapping.error_type),
                first_scalar(value, self.mapping.code),
                value.pointer("/error/param").or_else(|| value.get("param")).and_then(Value::as_str).map(str::to_owned),
            ),
        )
    }
}

impl ErrorBodyParser for MappingErrorParser {
    fn secret_query_parameters(&self) -> &[&'static str] {
        self.secret_parameter.as_slice()
    }

    fn parse(&self, body: &str) -> Option<ErrorBody> {
        if let Some(parsed) = self.hook.and_then(|hook| hook(body)) {
            return Some(parsed);
        }
        // The failure path: a `Value` is fine here and tolerates every shape.
        let value: Value = serde_json::from_str(body).ok()?;
        self.parse_value(&value)
    }

    fn is_retryable(&self, status: u16, body: Option<&ErrorBody>) -> bool {
        self.mapping.retryable_statuses.contains(&status)
            || body.and_then(|body| body.error_type.as_deref()).is_some_and(|error_type| self.is_retryable_type(error_type))
    }
}

#[cfg(test)]
mod tests {
    use specai_generated::mappings::{ANTHROPIC, OPENAI_COMPATIBLE};

    use super::*;

    #[test]
    fn reads_the_three_shapes_of_the_core_mapping() {
        let parser = MappingErrorParser::new(OPENAI_COMPATIBLE.errors, None);
        let nested = parser.parse(r#"{"error":{"message":"bad","type":"invalid_request_error","code":"x"}}"#).unwrap();
        assert_eq!((nested.message.as_str(), nested.error_type.as_deref(), nested.code.as_deref()), ("bad", Some("invalid_request_error"), Some("x")));
        assert_eq!(parser.parse(r#"{"error":"model not found"}"#).unwrap().message, "model not found");
        let top = parser.parse(r#"{"message":"top","type":"t","code":400}"#).unwrap();
        assert_eq!((top.message.as_str(), top.code.as_deref()), ("top", Some("400")));
        assert!(parser.parse("<html>").is_none());
        assert!(parser.is_retryable(429, None) && parser.is_retryable(503, None) && !parser.is_retryable(400, None));
    }

    #[test]
    fn retryable_types_retry_whatever_the_status() {
        let parser = MappingErrorParser::new(ANTHROPIC.errors, None);
        let overloaded = parser.parse(r#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#).unwrap();
        assert_eq!((overloaded.message.as_str(), overloaded.error_type.as_deref()), ("Overloaded", Some("overloaded_error")));
        assert!(parser.is_retryable(400, Some(&overloaded)));
        assert!(parser.is_retryable(529, None));
        let invalid = parser.parse(r#"{"type":"error","error":{"type":"invalid_request_error","message":"no"}}"#).unwrap();
        assert!(!parser.is_retryable(400, Some(&invalid)));
    }
}
