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
        let value: Value = serde_yaml_ng::from_str(text).map_err(|e| e.to_string())?;
        Ok(value)
    } else {
        serde_json::from_str(text).map_err(|e| e.to_string())
    }
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
    fn yaml_numbers_and_nulls() {
        let value = parse("a: 1\nb: 1.5\nc: null\nd: ~\ne: '0755'\n", true).unwrap();
        assert_eq!(value, json!({"a": 1, "b": 1.5, "c": null, "d": null, "e": "0755"}));
    }
}
