//! Provider options and metadata, and what is kept of each request and response.

use std::collections::BTreeMap;
use std::time::SystemTime;

use http::HeaderMap;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{Error, Result};
use crate::json_body::JsonBody;

/// Options for one provider's own features, keyed by provider id (`"openai"`, `"anthropic"`, ...).
///
/// Each provider reads only its own key and parses it into its typed options struct, rejecting
/// keys it does not understand; other providers' keys are ignored, so one request can carry
/// options for several providers.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ProviderOptions(pub BTreeMap<String, Value>);

/// Provider-specific data returned with results, keyed by provider id. The same shape as
/// [`ProviderOptions`], so metadata such as reasoning signatures can be sent back unchanged.
pub type ProviderMetadata = ProviderOptions;

impl ProviderOptions {
    /// No options.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Sets the options of one provider.
    pub fn with(mut self, provider_id: impl Into<String>, options: Value) -> Self {
        self.0.insert(provider_id.into(), options);
        self
    }

    /// Sets the options of one provider from a serializable value.
    pub fn with_typed<T: Serialize>(self, provider_id: impl Into<String>, options: &T) -> Result<Self> {
        let provider_id = provider_id.into();
        let value = serde_json::to_value(options)
            .map_err(|error| Error::invalid_argument(format!("provider_options.{provider_id}"), error.to_string()))?;
        Ok(self.with(provider_id, value))
    }

    /// The raw options of one provider.
    pub fn get(&self, provider_id: &str) -> Option<&Value> {
        self.0.get(provider_id)
    }

    /// Inserts (or merges, key by key, into an existing object) the entry of one provider.
    pub fn merge(&mut self, provider_id: &str, value: Value) {
        match (self.0.get_mut(provider_id), value) {
            (Some(Value::Object(existing)), Value::Object(new)) => existing.extend(new),
            (_, value) => {
                self.0.insert(provider_id.to_owned(), value);
            }
        }
    }

    /// Parses one provider's options into its typed struct; `Ok(None)` when absent.
    ///
    /// The struct should use `#[serde(deny_unknown_fields)]` so that a misspelt option is an
    /// [`Error::InvalidArgument`] naming it rather than a silent no-op.
    pub fn parse<T: DeserializeOwned>(&self, provider_id: &str) -> Result<Option<T>> {
        match self.0.get(provider_id) {
            None | Some(Value::Null) => Ok(None),
            Some(value) => T::deserialize(value).map(Some).map_err(|error| {
                Error::invalid_argument(format!("provider_options.{provider_id}"), error.to_string())
            }),
        }
    }
}

/// What was sent: the request body, for logging and debugging.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct RequestMetadata {
    /// The request body, when the body was JSON.
    pub body: Option<JsonBody>,
}

impl RequestMetadata {
    /// Metadata holding a request body.
    pub fn with_body(body: Option<JsonBody>) -> Self {
        RequestMetadata { body }
    }

    /// Metadata for a request whose JSON body was sent as `body` (shared, not copied).
    pub fn sent(body: Option<&bytes::Bytes>) -> Self {
        RequestMetadata { body: body.cloned().map(JsonBody::new) }
    }
}


/// What came back, besides the content.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct ResponseMetadata {
    /// The provider's id for the response.
    pub id: Option<String>,
    /// The model that answered, as the provider names it.
    pub model_id: Option<String>,
    /// When the response was created, as the provider says.
    pub timestamp: Option<SystemTime>,
    /// The HTTP response headers.
    pub headers: HeaderMap,
    /// The raw response body as it arrived, parsed when read ([`JsonBody::json`]); not kept for
    /// streams.
    pub body: Option<JsonBody>,
}

impl ResponseMetadata {
    /// Metadata with id, model id and timestamp.
    pub fn new(id: Option<String>, model_id: Option<String>, timestamp: Option<SystemTime>) -> Self {
        ResponseMetadata { id, model_id, timestamp, ..Default::default() }
    }

    /// Sets the headers.
    pub fn with_headers(mut self, headers: HeaderMap) -> Self {
        self.headers = headers;
        self
    }

    /// Sets the raw body.
    pub fn with_body(mut self, body: Option<JsonBody>) -> Self {
        self.body = body;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_json_body_keeps_the_bytes_sent_and_parses_on_demand() {
        let sent = bytes::Bytes::from_static(br#"{"model":"m","stream":false}"#);
        let metadata = RequestMetadata::sent(Some(&sent));
        let body = metadata.body.as_ref().unwrap();
        assert_eq!(body.as_bytes(), sent.as_ref());
        assert_eq!(body.json(), Some(json!({"model": "m", "stream": false})));
        assert_eq!(format!("{body}"), r#"{"model":"m","stream":false}"#);
        assert_eq!(format!("{body:?}"), r#"{"model":"m","stream":false}"#);
        assert_eq!(JsonBody::new("not json").json(), None);
        assert_eq!(JsonBody::from_value(&json!({"a": 1})).json(), Some(json!({"a": 1})));
        assert_eq!(RequestMetadata::sent(None).body, None);
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Options {
        user: Option<String>,
    }

    #[test]
    fn parse_reads_own_key_and_names_bad_options() {
        let options = ProviderOptions::new()
            .with("openai", json!({"user": "u1"}))
            .with("other", json!({"anything": 1}));
        assert_eq!(options.parse::<Options>("openai").unwrap(), Some(Options { user: Some("u1".into()) }));
        assert_eq!(options.parse::<Options>("absent").unwrap(), None);
        let bad = ProviderOptions::new().with("openai", json!({"usr": "u1"}));
        let error = bad.parse::<Options>("openai").unwrap_err();
        assert!(error.to_string().contains("provider_options.openai"), "{error}");
        assert!(error.to_string().contains("usr"), "{error}");
    }

    #[test]
    fn merge_extends_objects() {
        let mut metadata = ProviderOptions::new().with("openai", json!({"a": 1}));
        metadata.merge("openai", json!({"b": 2}));
        assert_eq!(metadata.get("openai"), Some(&json!({"a": 1, "b": 2})));
    }
}
