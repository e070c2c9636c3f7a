//! JSON Schema to the OpenAPI 3.0 subset that Gemini's `Schema` message accepts.
//!
//! Gemini takes `type` (upper-case, with `nullable` instead of `null` in a type list), `format`,
//! `title`, `description`, `nullable`, `enum` (strings), `items`, `minItems`, `maxItems`,
//! `properties`, `required`, `minProperties`, `maxProperties`, `minimum`, `maximum`,
//! `minLength`, `maxLength`, `pattern`, `example`, `anyOf`, `propertyOrdering` and `default`
//! (content.proto, `message Schema`). Local `$ref`s (`#/$defs/..`, `#/definitions/..`, as
//! schemars emits them) are inlined. Everything else is removed and reported, keyword and
//! location, so the caller can warn: a constraint the model will not see is never dropped silently.

use serde_json::{Map, Value};

/// A converted schema and what had to be removed from it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ConvertedSchema {
    /// The Gemini schema; `None` for an object schema without properties (Gemini rejects an
    /// `OBJECT` with no properties where a parameters or response schema is expected).
    pub schema: Option<Value>,
    /// Removed keywords, as `keyword at /json/pointer`.
    pub removed: Vec<String>,
}

impl ConvertedSchema {
    /// The removed keywords as one warning detail, or `None` when nothing was removed.
    pub fn removed_details(&self) -> Option<String> {
        (!self.removed.is_empty()).then(|| format!("removed unsupported JSON Schema keywords: {}", self.removed.join(", ")))
    }
}

/// Keywords that only annotate a schema document and constrain nothing.
const ANNOTATIONS: &[&str] = &["$schema", "$id", "$comment", "$defs", "definitions", "examples", "readOnly", "writeOnly", "deprecated"];

/// How deep `$ref`s are followed before a recursive schema is cut.
const MAX_REF_DEPTH: usize = 8;

/// Converts a JSON Schema to Gemini's schema subset.
///
/// The Google provider does this for every tool and response schema (and warns with
/// [`ConvertedSchema::removed_details`]); call it to see what Gemini will get.
///
/// ```
/// use serde_json::json;
/// use specai::google::convert_json_schema_to_openapi_schema;
///
/// let schema = json!({
///     "type": "object",
///     "properties": {"city": {"type": ["string", "null"], "const": "Paris"}},
///     "required": ["city"],
///     "additionalProperties": false
/// });
/// let converted = convert_json_schema_to_openapi_schema(&schema);
/// assert_eq!(converted.schema, Some(json!({
///     "type": "OBJECT",
///     "properties": {"city": {"type": "STRING", "nullable": true, "enum": ["Paris"]}},
///     "required": ["city"]
/// })));
/// assert!(converted.removed.is_empty());
/// ```
pub fn convert_json_schema_to_openapi_schema(json_schema: &Value) -> ConvertedSchema {
    if is_empty_object_schema(json_schema) {
        return ConvertedSchema::default();
    }
    let mut converter = Converter { root: json_schema, removed: Vec::new() };
    let schema = converter.convert(json_schema, "", 0);
    ConvertedSchema { schema: Some(schema), removed: converter.removed }
}

fn is_empty_object_schema(schema: &Value) -> bool {
    let Some(object) = schema.as_object() else { return false };
    object.get("type").and_then(Value::as_str) == Some("object")
        && object.get("properties").and_then(Value::as_object).is_none_or(Map::is_empty)
        && object.get("additionalProperties").is_none_or(|value| value == &Value::Bool(false))
        && !object.contains_key("anyOf")
        && !object.contains_key("oneOf")
        && !object.contains_key("allOf")
}

struct Converter<'a> {
    root: &'a Value,
    removed: Vec<String>,
}

impl<'a> Converter<'a> {
    fn remove(&mut self, keyword: &str, path: &str) {
        let location = if path.is_empty() { "/" } else { path };
        self.removed.push(format!("{keyword} at {location}"));
    }

    fn resolve(&self, reference: &str) -> Option<&'a Value> {
        let root: &'a Value = self.root;
        root.pointer(reference.strip_prefix('#')?)
    }

    fn convert(&mut self, schema: &Value, path: &str, depth: usize) -> Value {
        let object = match schema {
            Value::Object(object) => object,
            Value::Bool(true) => {
                self.remove("true (any value)", path);
                return Value::Object(Map::new());
            }
            _ => {
                self.remove("non-object schema", path);
                return Value::Object(Map::new());
            }
        };
        if let Some(reference) = object.get("$ref").and_then(Value::as_str) {
            let mut result = match self.resolve(reference) {
                Some(target) if depth < MAX_REF_DEPTH => self.convert(target, path, depth + 1),
                Some(_) => {
                    self.remove(&format!("$ref {reference} (recursive)"), path);
                    Value::Object(Map::new())
                }
                None => {
                    self.remove(&format!("$ref {reference} (unresolved)"), path);
                    Value::Object(Map::new())
                }
            };
            // Sibling keywords of a `$ref` (a description, say) apply too.
            let siblings: Map<String, Value> =
                object.iter().filter(|(key, _)| key.as_str() != "$ref").map(|(k, v)| (k.clone(), v.clone())).collect();
            if !siblings.is_empty()
                && let (Value::Object(target), Value::Object(extra)) =
                    (&mut result, self.convert(&Value::Object(siblings), path, depth))
            {
                target.extend(extra);
            }
            return result;
        }

        let mut result = Map::new();
        for (keyword, value) in object {
            let here = format!("{path}/{keyword}");
            match keyword.as_str() {
                "type" => self.convert_type(value, &mut result, path),
                "description" | "title" | "format" | "pattern" | "example" | "default" => {
                    result.insert(keyword.clone(), value.clone());
                }
                "nullable" | "minimum" | "maximum" | "minLength" | "maxLength" | "minItems" | "maxItems"
                | "minProperties" | "maxProperties" | "propertyOrdering" => {
                    result.insert(keyword.clone(), value.clone());
                }
                "required" => {
                    if value.as_array().is_some_and(|required| !required.is_empty()) {
                        result.insert(keyword.clone(), value.clone());
                    }
                }
                "enum" => self.convert_enum(value.as_array().map(Vec::as_slice).unwrap_or_default(), &mut result, path),
                "const" => self.convert_enum(std::slice::from_ref(value), &mut result, path),
                "properties" => {
                    let mut properties = Map::new();
                    for (name, property) in value.as_object().into_iter().flatten() {
                        properties.insert(name.clone(), self.convert(property, &format!("{here}/{name}"), depth));
                    }
                    result.insert("properties".into(), Value::Object(properties));
                }
                "items" => match value {
                    Value::Array(items) => {
                        self.remove("items (tuple form)", path);
                        if let Some(first) = items.first() {
                            result.insert("items".into(), self.convert(first, &here, depth));
                        }
                    }
                    items => {
                        result.insert("items".into(), self.convert(items, &here, depth));
                    }
                },
                "anyOf" | "oneOf" => {
                    if keyword == "oneOf" {
                        // Gemini has no "exactly one"; "at least one" is the nearest constraint.
                        self.remove("oneOf (sent as anyOf)", path);
                    }
                    self.convert_any_of(value.as_array().map(Vec::as_slice).unwrap_or_default(), &mut result, &here, depth);
                }
                "allOf" => match value.as_array().map(Vec::as_slice) {
                    Some([single]) => {
                        if let Value::Object(inner) = self.convert(single, &format!("{here}/0"), depth) {
                            for (key, value) in inner {
                                result.entry(key).or_insert(value);
                            }
                        }
                    }
                    _ => self.remove("allOf", path),
                },
                keyword if ANNOTATIONS.contains(&keyword) => {}
                // `additionalProperties: false` is what Gemini does anyway for typed objects
                // with the listed properties; anything else is a constraint it cannot take.
                "additionalProperties" if value == &Value::Bool(false) => {}
                other => self.remove(other, path),
            }
        }
        Value::Object(result)
    }

    fn convert_type(&mut self, value: &Value, result: &mut Map<String, Value>, path: &str) {
        match value {
            Value::String(name) => {
                if name == "null" {
                    result.insert("type".into(), Value::String("NULL".into()));
                } else {
                    result.insert("type".into(), Value::String(name.to_ascii_uppercase()));
                }
            }
            Value::Array(names) => {
                let names: Vec<&str> = names.iter().filter_map(Value::as_str).collect();
                let non_null: Vec<&str> = names.iter().copied().filter(|name| *name != "null").collect();
                if non_null.len() < names.len() {
                    result.insert("nullable".into(), Value::Bool(true));
                }
                match non_null.as_slice() {
                    [] => {
                        result.insert("type".into(), Value::String("NULL".into()));
                    }
                    [single] => {
                        result.insert("type".into(), Value::String(single.to_ascii_uppercase()));
                    }
                    several => {
                        let any_of = several
                            .iter()
                            .map(|name| serde_json::json!({"type": name.to_ascii_uppercase()}))
                            .collect();
                        result.insert("anyOf".into(), Value::Array(any_of));
                    }
                }
            }
            _ => self.remove("type (not a string or list)", path),
        }
    }

    fn convert_enum(&mut self, values: &[Value], result: &mut Map<String, Value>, path: &str) {
        // `null` among the values (OpenAI's strict form of an optional enum, and what schemars
        // writes for an `Option` of an inlined enum) is `nullable`; the rest stay the enum.
        let strings: Vec<Value> = values.iter().filter(|value| !value.is_null()).cloned().collect();
        if strings.iter().all(Value::is_string) && !strings.is_empty() {
            if strings.len() < values.len() {
                result.insert("nullable".into(), Value::Bool(true));
            }
            result.insert("enum".into(), Value::Array(strings));
            result.entry("type").or_insert_with(|| Value::String("STRING".into()));
        } else {
            // Gemini's enum holds strings only.
            self.remove("enum/const with non-string values", path);
        }
    }

    fn convert_any_of(&mut self, variants: &[Value], result: &mut Map<String, Value>, path: &str, depth: usize) {
        let is_null = |variant: &Value| variant.get("type").and_then(Value::as_str) == Some("null");
        let has_null = variants.iter().any(is_null);
        let others: Vec<(usize, &Value)> = variants.iter().enumerate().filter(|(_, variant)| !is_null(variant)).collect();
        if has_null {
            result.insert("nullable".into(), Value::Bool(true));
        }
        match others.as_slice() {
            [(index, single)] if has_null => {
                if let Value::Object(inner) = self.convert(single, &format!("{path}/{index}"), depth) {
                    for (key, value) in inner {
                        result.entry(key).or_insert(value);
                    }
                }
            }
            _ => {
                let converted =
                    others.iter().map(|(index, variant)| self.convert(variant, &format!("{path}/{index}"), depth)).collect();
                result.insert("anyOf".into(), Value::Array(converted));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// An optional enum as OpenAI's strict mode and schemars write it: `null` among the values.
    /// Gemini's enum holds strings only, so `null` becomes `nullable`; before, the whole enum
    /// was dropped and any string was allowed.
    #[test]
    fn null_in_an_enum_is_nullable() {
        let converted = convert_json_schema_to_openapi_schema(&json!({"type": ["string", "null"], "enum": ["a", "b", null]}));
        assert_eq!(converted.schema, Some(json!({"type": "STRING", "nullable": true, "enum": ["a", "b"]})));
        assert!(converted.removed.is_empty(), "{:?}", converted.removed);
        let numbers = convert_json_schema_to_openapi_schema(&json!({"type": "integer", "enum": [1, 2, null]}));
        assert_eq!(numbers.schema, Some(json!({"type": "INTEGER"})));
        assert_eq!(numbers.removed.len(), 1, "{:?}", numbers.removed);
    }

    #[test]
    fn converts_types_properties_and_nullable() {
        let converted = convert_json_schema_to_openapi_schema(&json!({
            "$schema": "http://json-schema.org/draft-07/schema#",
            "type": "object",
            "properties": {
                "name": {"type": "string", "description": "who"},
                "age": {"type": ["integer", "null"], "minimum": 0},
                "tags": {"type": "array", "items": {"type": "string"}},
                "kind": {"const": "person"}
            },
            "required": ["name"],
            "additionalProperties": false
        }));
        assert_eq!(
            converted.schema,
            Some(json!({
                "type": "OBJECT",
                "properties": {
                    "name": {"type": "STRING", "description": "who"},
                    "age": {"type": "INTEGER", "nullable": true, "minimum": 0},
                    "tags": {"type": "ARRAY", "items": {"type": "STRING"}},
                    "kind": {"type": "STRING", "enum": ["person"]}
                },
                "required": ["name"]
            }))
        );
        assert!(converted.removed.is_empty(), "{:?}", converted.removed);
    }

    #[test]
    fn empty_object_schema_becomes_none() {
        let converted = convert_json_schema_to_openapi_schema(&json!({"type": "object", "properties": {}}));
        assert_eq!(converted.schema, None);
    }

    #[test]
    fn unsupported_keywords_are_removed_and_reported() {
        let converted = convert_json_schema_to_openapi_schema(&json!({
            "type": "object",
            "properties": {"n": {"type": "number", "exclusiveMinimum": 0, "multipleOf": 2}},
            "additionalProperties": {"type": "string"}
        }));
        assert_eq!(
            converted.schema,
            Some(json!({"type": "OBJECT", "properties": {"n": {"type": "NUMBER"}}}))
        );
        assert_eq!(
            converted.removed,
            vec!["additionalProperties at /", "exclusiveMinimum at /properties/n", "multipleOf at /properties/n"]
        );
        assert!(converted.removed_details().unwrap().contains("multipleOf"));
    }

    #[test]
    fn refs_are_inlined_and_any_of_null_becomes_nullable() {
        let converted = convert_json_schema_to_openapi_schema(&json!({
            "type": "object",
            "properties": {
                "home": {"$ref": "#/$defs/Address"},
                "work": {"anyOf": [{"$ref": "#/$defs/Address"}, {"type": "null"}]}
            },
            "$defs": {"Address": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}
        }));
        let address = json!({"type": "OBJECT", "properties": {"city": {"type": "STRING"}}, "required": ["city"]});
        let mut nullable_address = address.clone();
        nullable_address["nullable"] = json!(true);
        assert_eq!(
            converted.schema,
            Some(json!({"type": "OBJECT", "properties": {"home": address, "work": nullable_address}}))
        );
        assert!(converted.removed.is_empty(), "{:?}", converted.removed);
    }

    #[test]
    fn recursive_refs_are_cut_and_reported() {
        let converted = convert_json_schema_to_openapi_schema(&json!({
            "$ref": "#/$defs/Node",
            "$defs": {"Node": {"type": "object", "properties": {"next": {"$ref": "#/$defs/Node"}}}}
        }));
        assert!(converted.removed.iter().any(|removed| removed.contains("recursive")), "{:?}", converted.removed);
    }
}
