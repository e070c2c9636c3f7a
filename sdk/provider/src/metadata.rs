//! Provider options and metadata, and what is kept of each request and response.

use std::collections::BTreeMap;
use std::time::SystemTime;

use http::HeaderMap;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{Error, Result};

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

/// JSON exactly as it went over the wire: a request body, or a provider's usage object. It is
/// kept as the bytes that were sent or received (shared, not copied where possible) and parsed
/// only when read: most calls never look at it, and turning every request body back into a
/// `Value` cost about a tenth of a small request (a usage object, about a twentieth).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct JsonBody(bytes::Bytes);

impl JsonBody {
    /// A body from the bytes that were sent.
    pub fn new(bytes: impl Into<bytes::Bytes>) -> Self {
        JsonBody(bytes.into())
    }

    /// `part` of `buffer` (a usage object inside a response body), copied: a slice would share
    /// the buffer and keep the whole body alive as long as this small value lives.
    pub fn within(_buffer: &bytes::Bytes, part: &str) -> Self {
        JsonBody(bytes::Bytes::copy_from_slice(part.as_bytes()))
    }

    /// A body serialized from `value`.
    pub fn from_value(value: &Value) -> Self {
        JsonBody(bytes::Bytes::from(value.to_string()))
    }

    /// `value` serialized as JSON; `None` if it does not serialize.
    pub fn from_serialize<T: Serialize + ?Sized>(value: &T) -> Option<Self> {
        serde_json::to_vec(value).ok().map(|bytes| JsonBody(bytes.into()))
    }

    /// The bytes as sent.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The body as text (bodies are serialized JSON, so UTF-8).
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(&self.0)
    }

    /// The body parsed as JSON; `None` if it is not JSON.
    pub fn json(&self) -> Option<Value> {
        serde_json::from_slice(&self.0).ok()
    }
}

impl std::fmt::Debug for JsonBody {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(&self.text())
    }
}

/// Serialized as the JSON value it holds (text that is not JSON, as a string).
impl Serialize for JsonBody {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        match self.json() {
            Some(value) => value.serialize(serializer),
            None => serializer.serialize_str(&self.text()),
        }
    }
}

impl<'de> Deserialize<'de> for JsonBody {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        Value::deserialize(deserializer).map(|value| JsonBody::from_value(&value))
    }
}

impl std::fmt::Display for JsonBody {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(&self.text())
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
    fn a_usage_object_within_a_body_does_not_pin_the_body() {
        // A regression test: `within` used to slice the body, so keeping `Usage.raw` kept the
        // whole (possibly 100 MB) response alive.
        let body = bytes::Bytes::from(format!("{{\"text\":\"{}\",\"usage\":{{\"n\":1}}}}", "x".repeat(1000)));
        let text = std::str::from_utf8(&body).unwrap();
        let usage = JsonBody::within(&body, &text[text.find("{\"n\"").unwrap()..text.len() - 1]);
        assert_eq!(usage.as_bytes(), br#"{"n":1}"#);
        let range = body.as_ptr() as usize..body.as_ptr() as usize + body.len();
        assert!(!range.contains(&(usage.as_bytes().as_ptr() as usize)), "the usage bytes are a copy");
    }

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
