//! JSON schemas in the form OpenAI's strict structured outputs accept.
//!
//! Strict mode (`strict: true` on a response format or a function tool) takes a subset of JSON
//! Schema: every object closes with `additionalProperties: false` and lists every property in
//! `required` (an optional field is a nullable one), `oneOf` is not taken (`anyOf` is), and only
//! some string formats are. A schema from an ordinary `#[derive(JsonSchema)]` struct breaks these
//! rules as soon as it has an `Option` field or an integer (`"format": "uint32"`), and the first
//! real call fails with a 400. [`to_strict_schema`] rewrites such a schema into the strict form;
//! where no rewrite keeps the meaning (a map with free keys, a tuple), it says why, and the
//! caller sends `strict: false` with a warning.

use serde_json::{Map, Value};

use crate::provider::Warning;

/// String formats strict mode accepts; others are dropped (they only constrain, never change
/// the value's type).
const STRICT_FORMATS: &[&str] = &["date-time", "time", "date", "duration", "email", "hostname", "ipv4", "ipv6", "uuid"];

/// Keywords strict mode rejects that can be dropped without changing what a valid value is for
/// the model's purpose (annotations).
const DROPPED_KEYWORDS: &[&str] = &["$schema", "default", "examples", "readOnly", "writeOnly", "deprecated", "$comment"];

/// Keywords for which no strict form exists.
const UNSUPPORTED_KEYWORDS: &[&str] = &["prefixItems", "patternProperties", "if", "then", "else", "not", "dependentSchemas", "unevaluatedProperties"];

/// `schema` in the strict form, or why it has none.
///
/// ```
/// use serde_json::json;
/// use specai::provider_utils::to_strict_schema;
///
/// let schema = json!({
///     "type": "object",
///     "properties": {"name": {"type": "string"}, "age": {"type": "integer", "format": "uint32"}},
///     "required": ["name"]
/// });
/// assert_eq!(
///     to_strict_schema(&schema).unwrap(),
///     json!({
///         "type": "object",
///         "properties": {"name": {"type": "string"}, "age": {"type": ["integer", "null"]}},
///         "required": ["age", "name"],
///         "additionalProperties": false
///     })
/// );
/// let map = json!({"type": "object", "additionalProperties": {"type": "string"}});
/// assert!(to_strict_schema(&map).unwrap_err().contains("free keys"));
/// ```
pub fn to_strict_schema(schema: &Value) -> Result<Value, String> {
    let mut schema = schema.clone();
    strict_node(&mut schema, "#")?;
    Ok(schema)
}

/// What to send for a schema and a `strict` flag: with `strict: true`, the strict form of the
/// schema, or (when it has none) the schema as given with `strict: false` and a warning naming
/// `what` (e.g. `response_format` or `tool:weather`) and why.
///
/// ```
/// use serde_json::json;
/// use specai::provider_utils::strict_schema_or_warning;
///
/// let mut warnings = Vec::new();
/// let schema = json!({"type": "object", "properties": {"city": {"type": "string"}}});
/// let (sent, strict) = strict_schema_or_warning(schema.as_object().unwrap().clone(), Some(true), "tool:weather", &mut warnings);
/// assert_eq!((strict, &sent["required"]), (Some(true), &json!(["city"])));
/// // A schema with no strict form goes as given, with `strict: false` and a warning.
/// let free_keys = json!({"type": "object", "additionalProperties": {"type": "string"}});
/// let (_, strict) = strict_schema_or_warning(free_keys.as_object().unwrap().clone(), Some(true), "tool:tags", &mut warnings);
/// assert_eq!((strict, warnings.len()), (Some(false), 1));
/// ```
pub fn strict_schema_or_warning(
    schema: Map<String, Value>,
    strict: Option<bool>,
    what: &str,
    warnings: &mut Vec<Warning>,
) -> (Map<String, Value>, Option<bool>) {
    if strict != Some(true) {
        return (schema, strict);
    }
    let mut candidate = Value::Object(schema.clone());
    match strict_node(&mut candidate, "#") {
        Ok(()) => match candidate {
            Value::Object(strict_schema) => (strict_schema, Some(true)),
            _ => (schema, Some(false)),
        },
        Err(why) => {
            warnings.push(Warning::compatibility(what, Some(format!("sent with strict: false: {why}"))));
            (schema, Some(false))
        }
    }
}

fn strict_node(node: &mut Value, at: &str) -> Result<(), String> {
    let Value::Object(object) = node else {
        // `true`/`false` schemas: `true` allows anything, which strict mode cannot say.
        return match node {
            Value::Bool(false) => Ok(()),
            _ => Err(format!("{at} allows any value")),
        };
    };
    if let Some(keyword) = UNSUPPORTED_KEYWORDS.iter().find(|keyword| object.contains_key(**keyword)) {
        return Err(format!("{at} uses `{keyword}`, which strict mode does not take"));
    }
    for keyword in DROPPED_KEYWORDS {
        object.remove(*keyword);
    }
    if let Some(Value::String(format)) = object.get("format")
        && !STRICT_FORMATS.contains(&format.as_str())
    {
        object.remove("format");
    }
    // `oneOf` of schemas that exclude each other means the same as `anyOf`.
    if let Some(one_of) = object.remove("oneOf") {
        object.insert("anyOf".into(), one_of);
    }
    for keyword in ["$defs", "definitions"] {
        if let Some(Value::Object(definitions)) = object.get_mut(keyword) {
            for (name, definition) in definitions.iter_mut() {
                strict_node(definition, &format!("{at}/{keyword}/{name}"))?;
            }
        }
    }
    for keyword in ["anyOf", "allOf"] {
        if let Some(Value::Array(branches)) = object.get_mut(keyword) {
            for (index, branch) in branches.iter_mut().enumerate() {
                strict_node(branch, &format!("{at}/{keyword}/{index}"))?;
            }
        }
    }
    if let Some(items) = object.get_mut("items") {
        strict_node(items, &format!("{at}/items"))?;
    }
    if is_object_schema(object) {
        close_object(object, at)?;
    }
    Ok(())
}

fn is_object_schema(object: &Map<String, Value>) -> bool {
    match object.get("type") {
        Some(Value::String(kind)) => kind == "object",
        Some(Value::Array(kinds)) => kinds.iter().any(|kind| kind == "object"),
        _ => object.contains_key("properties"),
    }
}

/// Closes an object: no extra properties, every property required, the optional ones nullable.
fn close_object(object: &mut Map<String, Value>, at: &str) -> Result<(), String> {
    match object.get("additionalProperties") {
        None | Some(Value::Bool(false)) => {}
        Some(_) => return Err(format!("{at} is a map with free keys, which strict mode cannot express")),
    }
    let required: Vec<String> = match object.get("required") {
        Some(Value::Array(names)) => names.iter().filter_map(Value::as_str).map(str::to_owned).collect(),
        _ => Vec::new(),
    };
    let mut all = Vec::new();
    if let Some(Value::Object(properties)) = object.get_mut("properties") {
        for (name, property) in properties.iter_mut() {
            strict_node(property, &format!("{at}/properties/{name}"))?;
            if !required.contains(name) {
                make_nullable(property);
            }
            all.push(Value::String(name.clone()));
        }
    }
    object.insert("required".into(), Value::Array(all));
    object.insert("additionalProperties".into(), Value::Bool(false));
    Ok(())
}

/// Lets `null` through as well: `type: [T, "null"]` where the type is plain, else an `anyOf`.
fn make_nullable(property: &mut Value) {
    let Value::Object(object) = property else { return };
    match object.get_mut("type") {
        Some(Value::String(kind)) if kind != "null" => {
            let kind = std::mem::take(kind);
            object.insert("type".into(), Value::Array(vec![Value::String(kind), Value::String("null".into())]));
            if let Some(Value::Array(values)) = object.get_mut("enum")
                && !values.contains(&Value::Null)
            {
                values.push(Value::Null);
            }
        }
        Some(Value::Array(kinds)) => {
            if !kinds.iter().any(|kind| kind == "null") {
                kinds.push(Value::String("null".into()));
            }
        }
        _ => {
            if let Some(Value::Array(branches)) = object.get_mut("anyOf") {
                if !branches.iter().any(|branch| branch.get("type").is_some_and(|kind| kind == "null")) {
                    branches.push(serde_json::json!({"type": "null"}));
                }
                return;
            }
            let inner = std::mem::take(object);
            object.insert("anyOf".into(), Value::Array(vec![Value::Object(inner), serde_json::json!({"type": "null"})]));
        }
    }
}

#[cfg(test)]
mod tests {
    #[cfg(feature = "schemars")]
    use schemars::JsonSchema;
    use serde_json::json;

    use super::*;

    #[cfg(feature = "schemars")]
    #[allow(dead_code)]
    #[derive(JsonSchema)]
    struct Address {
        street: String,
        zip: Option<String>,
    }

    #[cfg(feature = "schemars")]
    #[allow(dead_code)]
    #[derive(JsonSchema)]
    enum Mood {
        Happy,
        Sad,
    }

    #[cfg(feature = "schemars")]
    #[allow(dead_code)]
    #[derive(JsonSchema)]
    struct Person {
        name: String,
        age: Option<u32>,
        address: Address,
        other_addresses: Vec<Address>,
        mood: Mood,
        nickname: Option<Address>,
    }

    /// Every object is closed with every property required, recursively (through `$defs` and
    /// `$ref`s), optional fields are nullable, and non-strict formats are gone.
    #[cfg(feature = "schemars")]
    fn assert_strict(node: &Value) {
        match node {
            Value::Object(object) => {
                if object.contains_key("properties") {
                    assert_eq!(object["additionalProperties"], false, "{node}");
                    let properties: Vec<&String> = object["properties"].as_object().unwrap().keys().collect();
                    let required: Vec<&str> = object["required"].as_array().unwrap().iter().map(|name| name.as_str().unwrap()).collect();
                    assert_eq!(properties.len(), required.len(), "{node}");
                }
                assert!(!object.contains_key("oneOf") && !object.contains_key("$schema"), "{node}");
                if let Some(Value::String(format)) = object.get("format") {
                    assert!(STRICT_FORMATS.contains(&format.as_str()), "{node}");
                }
                object.values().for_each(assert_strict);
            }
            Value::Array(items) => items.iter().for_each(assert_strict),
            _ => {}
        }
    }

    #[cfg(feature = "schemars")]
    #[test]
    fn a_derived_struct_with_options_nested_structs_enums_and_vecs() {
        let schema = serde_json::to_value(schemars::schema_for!(Person)).unwrap();
        let strict = to_strict_schema(&schema).unwrap();
        assert_strict(&strict);
        let age = &strict["properties"]["age"];
        assert!(age["type"].as_array().unwrap().contains(&json!("null")), "{age}");
        assert!(age.get("format").is_none(), "uint32 is not a strict format: {age}");
        let zip = &strict["$defs"]["Address"]["properties"]["zip"];
        assert!(zip["type"].as_array().unwrap().contains(&json!("null")), "{zip}");
        assert_eq!(strict["$defs"]["Address"]["required"], json!(["street", "zip"]));
    }

    #[test]
    fn optional_refs_become_nullable_unions() {
        let schema = json!({"type": "object", "properties": {"home": {"$ref": "#/$defs/Address"}}, "$defs": {"Address": {"type": "object", "properties": {"street": {"type": "string"}}, "required": ["street"]}}});
        let strict = to_strict_schema(&schema).unwrap();
        assert_eq!(strict["properties"]["home"], json!({"anyOf": [{"$ref": "#/$defs/Address"}, {"type": "null"}]}));
        assert_eq!(strict["required"], json!(["home"]));
    }

    #[test]
    fn one_of_becomes_any_of_and_optional_enums_take_null() {
        let schema = json!({"type": "object", "properties": {
            "kind": {"type": "string", "enum": ["a", "b"]},
            "shape": {"oneOf": [{"type": "string"}, {"type": "integer"}]}
        }, "required": ["shape"]});
        let strict = to_strict_schema(&schema).unwrap();
        assert_eq!(strict["properties"]["kind"], json!({"type": ["string", "null"], "enum": ["a", "b", null]}));
        assert_eq!(strict["properties"]["shape"], json!({"anyOf": [{"type": "string"}, {"type": "integer"}]}));
    }

    #[cfg(feature = "schemars")]
    #[test]
    fn maps_tuples_and_open_schemas_have_no_strict_form() {
        let map = serde_json::to_value(schemars::schema_for!(std::collections::HashMap<String, u8>)).unwrap();
        assert!(to_strict_schema(&map).unwrap_err().contains("free keys"));
        let tuple = serde_json::to_value(schemars::schema_for!((String, u8))).unwrap();
        assert!(to_strict_schema(&tuple).unwrap_err().contains("prefixItems"));
        let open = json!({"type": "object", "properties": {"anything": true}, "required": ["anything"]});
        assert!(to_strict_schema(&open).unwrap_err().contains("any value"));
    }
}
