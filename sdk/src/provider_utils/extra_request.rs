//! A call's extra body members and query parameters ([`ExtraRequest`]), added to the request a
//! provider builds. With nothing extra, which is the common case, the body serializes as it is
//! and the URL is untouched: no copy, no parse.

use serde::ser::{Error as _, Serialize, Serializer};
use serde_json::Value;

use super::post_to_api::Endpoint;
use crate::provider::ExtraRequest;

/// `body` with the extra members merged in at the top level (they replace the body's own).
pub(crate) struct WithExtraBody<'a, B: ?Sized> {
    pub body: &'a B,
    pub extra: &'a ExtraRequest,
}

impl<B: Serialize + ?Sized> Serialize for WithExtraBody<'_, B> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.extra.body.is_empty() {
            return self.body.serialize(serializer);
        }
        // Through the body's JSON text, not `to_value`: the serializer the request is sent with
        // is the one every request type already compiles to, where `to_value` would compile a
        // second serializer for each of them, for this rare path alone.
        let text = serde_json::to_vec(self.body).map_err(S::Error::custom)?;
        let mut value: Value = serde_json::from_slice(&text).map_err(S::Error::custom)?;
        let Value::Object(members) = &mut value else {
            return Err(S::Error::custom("extra body members need a request body that is a JSON object"));
        };
        for (name, extra) in &self.extra.body {
            members.insert(name.clone(), extra.clone());
        }
        value.serialize(serializer)
    }
}

/// `form` with the extra body members as text fields after its own: a string as it is, any
/// other value as its JSON text. A multipart form cannot replace a part, so a member named like
/// one of the provider's fields is sent beside it (servers usually read the last).
pub(crate) fn with_extra_fields(form: reqwest::multipart::Form, extra: &ExtraRequest) -> reqwest::multipart::Form {
    extra.body.iter().fold(form, |form, (name, value)| match value {
        Value::String(text) => form.text(name.clone(), text.clone()),
        other => form.text(name.clone(), other.to_string()),
    })
}

/// Warnings for a request whose body is neither JSON nor a form (raw audio): the extra body
/// members cannot be sent, and are reported rather than dropped.
#[cfg_attr(not(feature = "deepgram"), allow(dead_code))]
pub(crate) fn extra_body_unsupported(extra: &ExtraRequest, body: &str) -> Option<crate::provider::Warning> {
    if extra.body.is_empty() {
        return None;
    }
    let names: Vec<&str> = extra.body.keys().map(String::as_str).collect();
    Some(crate::provider::Warning::unsupported(
        "extra_body",
        Some(format!("the request body is {body}, which takes no extra members (not sent: {})", names.join(", "))),
    ))
}

/// The URL with the extra query parameters appended, or `None` when there are none.
pub(crate) fn with_extra_query(url: Endpoint<'_>, extra: &ExtraRequest) -> Option<String> {
    if extra.query.is_empty() {
        return None;
    }
    let mut parsed = match url {
        Endpoint::Parsed(parsed) => parsed.clone(),
        // An invalid URL is reported by the request itself, as without extras.
        Endpoint::Text(text) => reqwest::Url::parse(text).ok()?,
    };
    parsed.query_pairs_mut().extend_pairs(extra.query.iter().map(|(name, value)| (name.as_str(), value.as_str())));
    Some(parsed.into())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn extra_members_replace_and_add_and_nothing_changes_without_them() {
        let body = json!({"model": "m", "temperature": 0.5});
        let none = ExtraRequest::default();
        assert_eq!(serde_json::to_value(WithExtraBody { body: &body, extra: &none }).unwrap(), body);
        let extra = ExtraRequest::default().with_body_member("temperature", 0.1).with_body_member("new_field", json!({"a": 1}));
        let merged = serde_json::to_value(WithExtraBody { body: &body, extra: &extra }).unwrap();
        assert_eq!(merged, json!({"model": "m", "temperature": 0.1, "new_field": {"a": 1}}));
        let error = serde_json::to_value(WithExtraBody { body: &json!([1]), extra: &extra }).unwrap_err();
        assert!(error.to_string().contains("JSON object"), "{error}");
    }

    #[test]
    fn extra_query_parameters_are_encoded_after_the_existing_ones() {
        let extra = ExtraRequest::default().with_query_param("a b", "c&d");
        let url = with_extra_query(Endpoint::Text("http://h/v1/x?key=1"), &extra).unwrap();
        assert_eq!(url, "http://h/v1/x?key=1&a+b=c%26d");
        assert_eq!(with_extra_query(Endpoint::Text("http://h/v1/x"), &ExtraRequest::default()), None);
    }
}
