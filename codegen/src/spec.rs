//! Loading OpenAPI documents (JSON or YAML 1.2) into `serde_json::Value`, and writing them back.
//!
//! Every transformation (pruning, normalization) works on the untyped JSON tree: official
//! documents are OpenAPI 3.1, which `openapiv3` cannot parse until normalized to 3.0.

use std::path::Path;

use serde_json::Value;
use sha2::{Digest, Sha256};

/// Parses an OpenAPI document; YAML when the file name ends in `.yaml`/`.yml`, JSON otherwise.
pub fn load(path: &Path) -> Result<Value, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    parse(&text, is_yaml(path)).map_err(|e| format!("{}: {e}", path.display()))
}

/// Whether a path names a YAML file.
pub fn is_yaml(path: &Path) -> bool {
    matches!(path.extension().and_then(|e| e.to_str()), Some("yaml" | "yml"))
}

/// Parses document text. YAML goes through `serde_yaml_ng`, which resolves scalars with the
/// YAML 1.2 core schema: only `true`/`false` are booleans, so enum values such as `no` or
/// `OFF` stay strings (YAML 1.1 parsers turn them into booleans).
pub fn parse(text: &str, yaml: bool) -> Result<Value, String> {
    if yaml {
        yaml_to_json(text)
    } else {
        serde_json::from_str(text).map_err(|e| e.to_string())
    }
}

/// YAML -> JSON through a visitor: serde_json's own `Value` rejects integers beyond i64/u64
/// (OpenAI writes int64 bounds as `-9223372036854776000`, which YAML reads as i128); those
/// become floats here.
fn yaml_to_json(text: &str) -> Result<Value, String> {
    struct Lenient(Value);
    struct LenientVisitor;
    impl<'de> serde::de::Visitor<'de> for LenientVisitor {
        type Value = Lenient;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("any YAML value")
        }
        fn visit_bool<E>(self, v: bool) -> Result<Lenient, E> {
            Ok(Lenient(Value::Bool(v)))
        }
        fn visit_i64<E>(self, v: i64) -> Result<Lenient, E> {
            Ok(Lenient(Value::from(v)))
        }
        fn visit_u64<E>(self, v: u64) -> Result<Lenient, E> {
            Ok(Lenient(Value::from(v)))
        }
        fn visit_i128<E>(self, v: i128) -> Result<Lenient, E> {
            Ok(Lenient(Value::from(v as f64)))
        }
        fn visit_u128<E>(self, v: u128) -> Result<Lenient, E> {
            Ok(Lenient(Value::from(v as f64)))
        }
        fn visit_f64<E>(self, v: f64) -> Result<Lenient, E> {
            Ok(Lenient(serde_json::Number::from_f64(v).map(Value::Number).unwrap_or(Value::Null)))
        }
        fn visit_str<E>(self, v: &str) -> Result<Lenient, E> {
            Ok(Lenient(Value::String(v.to_string())))
        }
        fn visit_string<E>(self, v: String) -> Result<Lenient, E> {
            Ok(Lenient(Value::String(v)))
        }
        fn visit_unit<E>(self) -> Result<Lenient, E> {
            Ok(Lenient(Value::Null))
        }
        fn visit_none<E>(self) -> Result<Lenient, E> {
            Ok(Lenient(Value::Null))
        }
        fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Lenient, D::Error> {
            serde::Deserialize::deserialize(d)
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Lenient, A::Error> {
            let mut items = Vec::new();
            while let Some(Lenient(item)) = seq.next_element()? {
                items.push(item);
            }
            Ok(Lenient(Value::Array(items)))
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Lenient, A::Error> {
            let mut out = serde_json::Map::new();
            while let Some((Lenient(key), Lenient(value))) = map.next_entry()? {
                let key = match key {
                    Value::String(s) => s,
                    other => other.to_string(),
                };
                out.insert(key, value);
            }
            Ok(Lenient(Value::Object(out)))
        }
    }
    impl<'de> serde::Deserialize<'de> for Lenient {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            d.deserialize_any(LenientVisitor)
        }
    }
    let Lenient(value) = serde_yaml_ng::from_str(text).map_err(|e| e.to_string())?;
    Ok(value)
}

/// Serializes a document the way specs/ stores it: two-space JSON with a trailing newline.
pub fn to_pretty_json(value: &Value) -> String {
    let mut text = serde_json::to_string_pretty(value).expect("a JSON value always serializes");
    text.push('\n');
    text
}

/// Lowercase hex sha256 of some bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn yaml_1_2_keeps_no_and_off_as_strings() {
        let doc = "enum: [no, OFF, yes, On, n, y, 'true']\nflag: true\nother: false\n";
        let value = parse(doc, true).unwrap();
        assert_eq!(
            value,
            json!({"enum": ["no", "OFF", "yes", "On", "n", "y", "true"], "flag": true, "other": false})
        );
    }

    #[test]
    fn yaml_integers_beyond_i64_become_floats() {
        let value = parse("min: -9223372036854776000\nmax: 18446744073709551615\n", true).unwrap();
        assert_eq!(value["min"].as_f64(), Some(-9223372036854776000.0));
        assert_eq!(value["max"].as_u64(), Some(u64::MAX));
    }

    #[test]
    fn yaml_numbers_and_nulls() {
        let value = parse("a: 1\nb: 1.5\nc: null\nd: ~\ne: '0755'\n", true).unwrap();
        assert_eq!(value, json!({"a": 1, "b": 1.5, "c": null, "d": null, "e": "0755"}));
    }
}
