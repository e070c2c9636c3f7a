//! Azure's error body, `{"error": {"code", "message", "param", "type", "status", "innererror"}}`,
//! decoded with the types generated from `specs/azure/openapi.json`.
//!
//! The mapping's error hook (`azure_error`) fills the [`ApiCallError`]: `code` is Azure's code
//! (`content_filter`, `DeploymentNotFound`, `429`...), `error_type` the error's type or else the
//! inner error's code (`ResponsibleAIPolicyViolation` for a refused prompt), `param` the
//! parameter at fault. The inner error's verdicts on the prompt are read with [`azure_error`]
//! from the body the error keeps.

use specai_generated::azure::types;

use crate::error::{ApiCallError, Error};
use crate::provider_utils::ErrorBody;

/// Reads Azure's error body; `None` when the body is not in its shape (the mapping's error
/// paths then read it).
pub(crate) fn parse_azure_error(body: &str) -> Option<ErrorBody> {
    let error = serde_json::from_str::<types::ErrorResponse>(body).ok()?.error?;
    let message = error.message.clone()?;
    let inner_code = inner_error(&error).and_then(|inner| inner.code.as_ref()).map(ToString::to_string);
    let error_type = error.type_.or(inner_code).or_else(|| error.code.clone());
    Some(ErrorBody::new(message).with_details(error_type, error.code, error.param))
}

/// The inner error, under the name the service sends (`innererror`) or the one the published
/// document gives (`inner_error`).
fn inner_error(error: &types::Error) -> Option<&types::InnerError> {
    error.innererror.as_ref().or(error.inner_error.as_ref())
}

/// Azure's error object in a failed call's body, typed: its code, message, parameter and inner
/// error; `None` when the error is not an API error or its body is not in Azure's shape.
///
/// ```
/// use specai::azure::{azure_error, content_filter_error_results};
/// use specai::error::{ApiCallError, Error};
///
/// let body = r#"{"error": {"code": "content_filter", "message": "filtered", "param": "prompt", "status": 400,
///   "innererror": {"code": "ResponsibleAIPolicyViolation", "content_filter_result": {"violence": {"filtered": true, "severity": "high"}}}}}"#;
/// let error: Error = ApiCallError::new(400, "https://contoso.openai.azure.com/openai/v1/chat/completions", "filtered").with_body(body).into();
/// assert_eq!(azure_error(&error).unwrap().code.as_deref(), Some("content_filter"));
/// assert!(content_filter_error_results(&error).unwrap().violence.unwrap().filtered);
/// ```
pub fn azure_error(error: &Error) -> Option<types::Error> {
    azure_api_error(error.as_api_call()?)
}

/// [`azure_error`] of an [`ApiCallError`] (one from [`Error::as_api_call`], or a fallback
/// chain's attempt).
///
/// ```
/// use specai::azure::azure_api_error;
/// use specai::error::ApiCallError;
///
/// let body = r#"{"error": {"code": "429", "message": "Rate limit is exceeded. Try again in 5 seconds."}}"#;
/// let error = ApiCallError::new(429, "https://contoso.openai.azure.com/openai/v1/responses", "rate limited").with_body(body);
/// assert_eq!(azure_api_error(&error).unwrap().code.as_deref(), Some("429"));
/// assert!(azure_api_error(&ApiCallError::new(502, "https://contoso.openai.azure.com", "bad gateway")).is_none());
/// ```
pub fn azure_api_error(error: &ApiCallError) -> Option<types::Error> {
    serde_json::from_str::<types::ErrorResponse>(error.response_body.as_deref()?).ok()?.error
}

/// The content filter's verdicts on the prompt of a refused call (status 400, code
/// `content_filter`), from its inner error; `None` for other errors.
///
/// ```
/// use specai::azure::content_filter_error_results;
/// use specai::error::{ApiCallError, Error};
///
/// let body = r#"{"error": {"code": "content_filter", "message": "The prompt was filtered.", "status": 400,
///   "innererror": {"code": "ResponsibleAIPolicyViolation", "content_filter_result": {"jailbreak": {"filtered": true, "detected": true}}}}}"#;
/// let error: Error = ApiCallError::new(400, "https://contoso.openai.azure.com/openai/v1/chat/completions", "filtered").with_body(body).into();
/// let results = content_filter_error_results(&error).expect("a filtered prompt");
/// assert!(results.jailbreak.unwrap().detected);
/// assert!(content_filter_error_results(&Error::invalid_argument("prompt", "empty")).is_none());
/// ```
pub fn content_filter_error_results(error: &Error) -> Option<types::ContentFilterPromptResults> {
    let error = azure_error(error)?;
    let inner = inner_error(&error)?;
    inner.content_filter_results.clone().or_else(|| inner.content_filter_result.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_prompt_names_azures_code_and_the_inner_code() {
        let body = r#"{"error": {"message": "The response was filtered", "type": null, "param": "prompt", "code": "content_filter",
            "status": 400, "innererror": {"code": "ResponsibleAIPolicyViolation", "content_filter_results": {
            "custom_blocklists": [{"filtered": true, "id": "raiBlocklistName"}], "hate": {"filtered": false, "severity": "safe"}}}}}"#;
        let parsed = parse_azure_error(body).unwrap();
        assert_eq!(parsed.message, "The response was filtered");
        assert_eq!(parsed.code.as_deref(), Some("content_filter"));
        assert_eq!(parsed.error_type.as_deref(), Some("ResponsibleAIPolicyViolation"));
        assert_eq!(parsed.param.as_deref(), Some("prompt"));
        let error: Error = ApiCallError::new(400, "u", "m").with_body(body).into();
        let results = content_filter_error_results(&error).unwrap();
        let Some(types::ContentFilterBlocklists::Array(lists)) = results.custom_blocklists else { panic!("a list of blocklists") };
        assert_eq!((lists[0].id.as_str(), lists[0].filtered), ("raiBlocklistName", true));
    }

    #[test]
    fn the_published_inner_error_name_is_read_too() {
        let body = r#"{"error": {"code": "content_filter", "message": "m", "inner_error": {"code": "SomethingNew",
            "content_filter_results": {"jailbreak": {"filtered": true, "detected": true}}}}}"#;
        assert_eq!(parse_azure_error(body).unwrap().error_type.as_deref(), Some("SomethingNew"));
        let error: Error = ApiCallError::new(400, "u", "m").with_body(body).into();
        assert!(content_filter_error_results(&error).unwrap().jailbreak.unwrap().detected);
    }

    #[test]
    fn other_shapes_are_left_to_the_mapping_paths() {
        assert!(parse_azure_error("upstream timed out").is_none());
        assert!(parse_azure_error(r#"{"message": "no error object"}"#).is_none());
        assert!(parse_azure_error(r#"{"error": {"code": 500}}"#).is_none(), "a numeric code is not Azure's shape");
        let rate_limited = parse_azure_error(r#"{"error": {"code": "429", "message": "Rate limit reached"}}"#).unwrap();
        assert_eq!((rate_limited.code.as_deref(), rate_limited.error_type.as_deref()), (Some("429"), Some("429")));
        assert!(azure_error(&Error::invalid_argument("x", "y")).is_none());
    }
}
