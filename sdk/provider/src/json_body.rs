//! JSON kept as the bytes that went over the wire, parsed only when read.

use std::fmt;
use std::sync::{Arc, OnceLock};

use bytes::Bytes;
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use serde_json::value::RawValue;

/// The largest body a [`JsonBody::member_of`] shares rather than copies its member from: a
/// small answer costs nothing more to keep, a large one must not be kept alive by a usage object.
const SHARED_BODY_LIMIT: usize = 64 * 1024;

/// JSON exactly as it went over the wire: a request body, or a provider's usage object. It is
/// kept as the bytes that were sent or received (shared, not copied where possible) and parsed
/// only when read: most calls never look at it, and turning every request body back into a
/// `Value` cost about a tenth of a small request (a usage object, about a twentieth).
///
/// One pointer wide (the bytes live behind an `Arc`): it sits in stream parts and metadata that
/// are moved on every event, and `Option<JsonBody>` stays one pointer too.
#[derive(Clone, Default)]
pub struct JsonBody(Arc<Kept>);

enum Kept {
    Bytes(Bytes),
    /// A member of a small body, found when first read: finding it while the body is decoded
    /// would cost a second decode of it on every call, for a value most callers never read.
    Member(Member),
}

struct Member {
    body: Bytes,
    key: &'static str,
    found: OnceLock<Bytes>,
}

impl Default for Kept {
    fn default() -> Self {
        Kept::Bytes(Bytes::new())
    }
}

impl JsonBody {
    /// A body from the bytes that were sent.
    pub fn new(bytes: impl Into<Bytes>) -> Self {
        JsonBody(Arc::new(Kept::Bytes(bytes.into())))
    }

    /// `part` of `buffer` (a usage object inside a response body), copied: a slice would share
    /// the buffer and keep the whole body alive as long as this small value lives.
    pub fn within(_buffer: &Bytes, part: &str) -> Self {
        JsonBody(Arc::new(Kept::Bytes(Bytes::copy_from_slice(part.as_bytes()))))
    }

    /// The member `key` of the JSON object `body`, exactly as it arrived (empty when there is no
    /// such member). A body of up to 64 KiB is shared and the member found when first read; from
    /// a larger one the member is copied out now, so that it does not keep the body alive.
    ///
    /// ```
    /// use specai_provider::JsonBody;
    ///
    /// let body = bytes::Bytes::from_static(br#"{"text": "hi", "usage": {"prompt_tokens": 3}}"#);
    /// let usage = JsonBody::member_of(&body, "usage");
    /// assert_eq!(usage.as_bytes(), br#"{"prompt_tokens": 3}"#);
    /// assert_eq!(usage.json(), Some(serde_json::json!({"prompt_tokens": 3})));
    /// ```
    pub fn member_of(body: &Bytes, key: &'static str) -> Self {
        if body.len() > SHARED_BODY_LIMIT {
            let member = member_text(body, key).map(Bytes::copy_from_slice).unwrap_or_default();
            return JsonBody(Arc::new(Kept::Bytes(member)));
        }
        JsonBody(Arc::new(Kept::Member(Member { body: body.clone(), key, found: OnceLock::new() })))
    }

    /// A body serialized from `value`.
    pub fn from_value(value: &Value) -> Self {
        JsonBody::new(value.to_string())
    }

    /// `value` serialized as JSON; `None` if it does not serialize.
    pub fn from_serialize<T: Serialize + ?Sized>(value: &T) -> Option<Self> {
        serde_json::to_vec(value).ok().map(JsonBody::new)
    }

    /// The bytes as sent.
    pub fn as_bytes(&self) -> &[u8] {
        match self.0.as_ref() {
            Kept::Bytes(bytes) => bytes,
            Kept::Member(member) => member
                .found
                .get_or_init(|| member_text(&member.body, member.key).map(|text| member.body.slice_ref(text)).unwrap_or_default()),
        }
    }

    /// The body as text (bodies are serialized JSON, so UTF-8).
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(self.as_bytes())
    }

    /// The body parsed as JSON; `None` if it is not JSON.
    pub fn json(&self) -> Option<Value> {
        serde_json::from_slice(self.as_bytes()).ok()
    }
}

/// The text of the member `key` of the JSON object `body`; the other members are skipped
/// unbuilt. `None` when `body` is not an object or has no such member.
fn member_text<'a>(body: &'a [u8], key: &str) -> Option<&'a [u8]> {
    struct Finder<'k>(&'k str);
    impl<'de> Visitor<'de> for Finder<'_> {
        type Value = Option<&'de RawValue>;
        fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
            formatter.write_str("a JSON object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut found = None;
            while let Some(name) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                if found.is_none() && name == self.0 {
                    found = Some(map.next_value::<&'de RawValue>()?);
                } else {
                    map.next_value::<IgnoredAny>()?;
                }
            }
            Ok(found)
        }
    }
    impl<'de> DeserializeSeed<'de> for Finder<'_> {
        type Value = Option<&'de RawValue>;
        fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
            deserializer.deserialize_map(self)
        }
    }
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let raw = Finder(key).deserialize(&mut deserializer).ok().flatten()?;
    Some(raw.get().as_bytes())
}

/// Equal when the bytes are.
impl PartialEq for JsonBody {
    fn eq(&self, other: &Self) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl Eq for JsonBody {}

impl fmt::Debug for JsonBody {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
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

impl fmt::Display for JsonBody {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.text())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_usage_object_within_a_body_does_not_pin_the_body() {
        // A regression test: `within` used to slice the body, so keeping `Usage.raw` kept the
        // whole (possibly 100 MB) response alive.
        let body = Bytes::from(format!("{{\"text\":\"{}\",\"usage\":{{\"n\":1}}}}", "x".repeat(1000)));
        let text = std::str::from_utf8(&body).unwrap();
        let usage = JsonBody::within(&body, &text[text.find("{\"n\"").unwrap()..text.len() - 1]);
        assert_eq!(usage.as_bytes(), br#"{"n":1}"#);
        let range = body.as_ptr() as usize..body.as_ptr() as usize + body.len();
        assert!(!range.contains(&(usage.as_bytes().as_ptr() as usize)), "the usage bytes are a copy");
    }

    #[test]
    fn a_json_body_is_one_pointer_wide_even_when_optional() {
        assert_eq!(std::mem::size_of::<Option<JsonBody>>(), std::mem::size_of::<usize>());
    }

    #[test]
    fn a_member_of_a_small_body_is_shared_and_found_when_read() {
        let body = Bytes::from_static(br#"{"choices": [{"text": "\"usage\": {}"}], "usage" : {"n": 1, "d": {"m": [2]}}, "x": {"usage": 3}}"#);
        let usage = JsonBody::member_of(&body, "usage");
        assert_eq!(usage.as_bytes(), br#"{"n": 1, "d": {"m": [2]}}"#, "exactly as it arrived");
        let range = body.as_ptr() as usize..body.as_ptr() as usize + body.len();
        assert!(range.contains(&(usage.as_bytes().as_ptr() as usize)), "shared, not copied");
        assert_eq!(usage, JsonBody::new(r#"{"n": 1, "d": {"m": [2]}}"#));
        assert_eq!(format!("{usage:?}"), r#"{"n": 1, "d": {"m": [2]}}"#);
        assert_eq!(JsonBody::member_of(&body, "missing").as_bytes(), b"");
        assert_eq!(JsonBody::member_of(&Bytes::from_static(b"[1]"), "usage").json(), None);
    }

    #[test]
    fn a_member_of_a_large_body_is_copied_so_that_it_does_not_pin_the_body() {
        let body = Bytes::from(format!(r#"{{"text":"{}","usage":{{"n":1}}}}"#, "x".repeat(SHARED_BODY_LIMIT)));
        let usage = JsonBody::member_of(&body, "usage");
        assert_eq!(usage.json(), Some(json!({"n": 1})));
        let range = body.as_ptr() as usize..body.as_ptr() as usize + body.len();
        assert!(!range.contains(&(usage.as_bytes().as_ptr() as usize)), "a copy");
    }
}
