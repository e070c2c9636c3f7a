//! Reading values at the dot-separated JSON paths of a mapping file (`x_groq.usage`,
//! `error.message`, `detail.0.msg`): error bodies, usage objects, response metadata.

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
}
