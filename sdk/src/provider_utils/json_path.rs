//! Reading values at the dot-separated JSON paths of a mapping file (`x_groq.usage`,
//! `error.message`, `detail.0.msg`): error bodies, usage objects, response metadata.

use std::borrow::Cow;
use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::Value;
use specai_generated::mappings::JsonPath;

/// The value at `path` inside `value`; numeric segments index arrays.
pub(crate) fn lookup<'a>(value: &'a Value, segments: &[&str]) -> Option<&'a Value> {
    segments.iter().try_fold(value, |current, segment| match current {
        Value::Object(object) => object.get(*segment),
        Value::Array(items) => segment.parse::<usize>().ok().and_then(|index| items.get(index)),
        _ => None,
    })
}

/// The first of `paths` that holds a string (or a number or boolean, printed), non-empty.
pub(crate) fn first_scalar(value: &Value, paths: &[JsonPath]) -> Option<String> {
    paths.iter().find_map(|path| match lookup(value, path.segments)? {
        Value::String(text) if !text.is_empty() => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(flag.to_string()),
        _ => None,
    })
}

/// The member `key` of the JSON object `body`, parsed; the other members are skipped without
/// being built (a scan, no allocation). `None` when the body is not an object or has no such
/// member. For reading one small member (a usage object) of a body already decoded into types,
/// where parsing the whole body again as a `Value` would cost a second full decode.
#[cfg_attr(not(feature = "anthropic"), allow(dead_code))]
pub(crate) fn top_level_member(body: &[u8], key: &str) -> Option<Value> {
    struct Member<'k>(&'k str);
    impl<'de> Visitor<'de> for Member<'_> {
        type Value = Option<Value>;
        fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
            formatter.write_str("a JSON object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Option<Value>, A::Error> {
            let mut found = None;
            while let Some(name) = map.next_key::<Cow<'de, str>>()? {
                if found.is_none() && name == self.0 {
                    found = Some(map.next_value::<Value>()?);
                } else {
                    map.next_value::<IgnoredAny>()?;
                }
            }
            Ok(found)
        }
    }
    impl<'de> DeserializeSeed<'de> for Member<'_> {
        type Value = Option<Value>;
        fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<Value>, D::Error> {
            deserializer.deserialize_map(self)
        }
    }
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    Member(key).deserialize(&mut deserializer).ok().flatten()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn walks_objects_and_arrays() {
        let value = json!({"x_groq": {"usage": {"a": 1}}, "detail": [{"msg": "bad"}]});
        assert_eq!(lookup(&value, &["x_groq", "usage", "a"]), Some(&json!(1)));
        assert_eq!(lookup(&value, &["detail", "0", "msg"]), Some(&json!("bad")));
        assert_eq!(lookup(&value, &["detail", "x"]), None);
        let paths = [JsonPath { text: "error", segments: &["error"] }, JsonPath { text: "detail.0.msg", segments: &["detail", "0", "msg"] }];
        assert_eq!(first_scalar(&value, &paths).as_deref(), Some("bad"));
    }

    #[test]
    fn reads_one_top_level_member_and_skips_the_rest() {
        let body = br#"{"content": [{"type": "text", "text": "a \"usage\": 1"}], "usage": {"input_tokens": 3}, "x": [1, {"usage": 2}]}"#;
        assert_eq!(top_level_member(body, "usage"), Some(json!({"input_tokens": 3})));
        assert_eq!(top_level_member(body, "missing"), None);
        assert_eq!(top_level_member(b"[1, 2]", "usage"), None, "not an object");
        assert_eq!(top_level_member(br#"{"usage": {"a": 1}, "broken": "#, "usage"), None, "malformed body");
    }
}
