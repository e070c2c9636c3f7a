//! Import passes: OpenAPI 3.1 (and JSON Schema) structure rewritten as OpenAPI 3.0, which is
//! all progenitor and openapiv3 read. They run on `cargo codegen import` too, so that the spec
//! committed in specs/ is already valid 3.0.

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};

use super::walk::{for_each_schema, operations_mut};

fn is_null_schema(value: &Value) -> bool {
    let Some(map) = value.as_object() else { return false };
    let meaningful = map.keys().filter(|k| !matches!(k.as_str(), "description" | "title")).count();
    (map.get("type") == Some(&json!("null")) && meaningful == 1)
        || (map.get("enum") == Some(&json!([null])) && meaningful <= 2 && map.get("type").is_none_or(|t| t == "null"))
        || (map.get("nullable") == Some(&json!(true)) && meaningful == 1)
}

pub(super) fn openapi_version(doc: &mut Value, changes: &mut Vec<String>) {
    let version = doc.get("openapi").and_then(Value::as_str).unwrap_or("").to_string();
    if !version.starts_with("3.0.") {
        doc["openapi"] = json!("3.0.3");
        changes.push(format!("openapi `{version}` -> `3.0.3`"));
    }
    if let Some(object) = doc.as_object_mut()
        && object.remove("jsonSchemaDialect").is_some()
    {
        changes.push("removed `jsonSchemaDialect`".into());
    }
    if let Some(license) = doc.pointer_mut("/info/license").and_then(Value::as_object_mut)
        && license.remove("identifier").is_some()
    {
        changes.push("removed `info.license.identifier`".into());
    }
}

pub(super) fn operation_ids(doc: &mut Value, changes: &mut Vec<String>) {
    let mut seen = BTreeSet::new();
    for (path, method, operation) in operations_mut(doc) {
        let id = operation.get("operationId").and_then(Value::as_str).map(str::to_string);
        let base = id.clone().unwrap_or_else(|| {
            let words: Vec<String> = std::iter::once(method.clone())
                .chain(path.split(|c: char| !c.is_ascii_alphanumeric()).filter(|s| !s.is_empty()).map(str::to_lowercase))
                .collect();
            words.join("_")
        });
        let mut unique = base.clone();
        let mut n = 2;
        while !seen.insert(unique.clone()) {
            unique = format!("{base}_{n}");
            n += 1;
        }
        if id.as_deref() != Some(unique.as_str()) {
            changes.push(format!("{method} {path}: operationId {:?} -> `{unique}`", id));
            operation.insert("operationId".into(), json!(unique));
        }
    }
}

pub(super) fn type_arrays(doc: &mut Value, changes: &mut Vec<String>) {
    for_each_schema(doc, &mut |schema, pointer| {
        let Some(Value::Array(types)) = schema.get("type").cloned() else { return };
        let non_null: Vec<Value> = types.iter().filter(|t| *t != "null").cloned().collect();
        let nullable = non_null.len() != types.len();
        match non_null.len() {
            0 => {
                schema.remove("type");
                schema.insert("enum".into(), json!([null]));
            }
            1 => {
                schema.insert("type".into(), non_null[0].clone());
            }
            _ => {
                schema.remove("type");
            }
        }
        if nullable {
            schema.insert("nullable".into(), json!(true));
        }
        changes.push(format!("{pointer}: type {} -> {}", Value::Array(types), describe_type(schema)));
    });
}

fn describe_type(schema: &Map<String, Value>) -> String {
    let base = match schema.get("type") {
        Some(t) => t.to_string(),
        None => "any".into(),
    };
    if schema.get("nullable") == Some(&json!(true)) { format!("{base}, nullable") } else { base }
}

pub(super) fn null_unions(doc: &mut Value, changes: &mut Vec<String>) {
    for_each_schema(doc, &mut |schema, pointer| {
        for key in ["anyOf", "oneOf"] {
            let Some(Value::Array(members)) = schema.get(key) else { continue };
            if !members.iter().any(is_null_schema) {
                continue;
            }
            let rest: Vec<Value> = members.iter().filter(|m| !is_null_schema(m)).cloned().collect();
            schema.remove(key);
            schema.insert("nullable".into(), json!(true));
            match rest.len() {
                0 => {}
                1 => {
                    let only = rest.into_iter().next().expect("one member");
                    let only = only.as_object().cloned().unwrap_or_default();
                    if only.contains_key("$ref") {
                        schema.insert("allOf".into(), json!([{"$ref": only["$ref"]}]));
                    } else {
                        for (k, v) in only {
                            // The outer schema's own keywords (its description) win.
                            schema.entry(k).or_insert(v);
                        }
                    }
                }
                _ => {
                    schema.insert(key.into(), Value::Array(rest));
                }
            }
            changes.push(format!("{pointer}: {key} with null -> nullable"));
        }
    });
}

pub(super) fn const_to_enum(doc: &mut Value, changes: &mut Vec<String>) {
    for_each_schema(doc, &mut |schema, pointer| {
        let Some(value) = schema.remove("const") else { return };
        if !schema.contains_key("type") {
            let inferred = match &value {
                Value::String(_) => Some("string"),
                Value::Bool(_) => Some("boolean"),
                Value::Number(n) if n.is_i64() || n.is_u64() => Some("integer"),
                Value::Number(_) => Some("number"),
                _ => None,
            };
            if let Some(t) = inferred {
                schema.insert("type".into(), json!(t));
            }
        }
        changes.push(format!("{pointer}: const {value} -> enum"));
        schema.insert("enum".into(), json!([value]));
    });
}

pub(super) fn exclusive_bounds(doc: &mut Value, changes: &mut Vec<String>) {
    for_each_schema(doc, &mut |schema, pointer| {
        for (exclusive, bound) in [("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")] {
            if let Some(Value::Number(n)) = schema.get(exclusive).cloned() {
                schema.insert(bound.into(), Value::Number(n.clone()));
                schema.insert(exclusive.into(), json!(true));
                changes.push(format!("{pointer}: {exclusive} {n} -> {bound} {n}, {exclusive} true"));
            }
        }
        // 3.0 integer bounds are i64: drop ones written as (or parsed to) non-integers.
        if schema.get("type") == Some(&json!("integer")) {
            for bound in ["minimum", "maximum"] {
                if let Some(value) = schema.get(bound)
                    && value.as_i64().is_none()
                {
                    changes.push(format!("{pointer}: integer {bound} {value} is not an i64: removed"));
                    schema.remove(bound);
                }
            }
        }
    });
}

const UNSUPPORTED_KEYWORDS: &[&str] = &[
    "$schema", "$id", "$anchor", "$comment", "$defs", "$dynamicAnchor", "$dynamicRef", "contentEncoding",
    "contentSchema", "prefixItems", "unevaluatedProperties", "unevaluatedItems", "patternProperties",
    "propertyNames", "if", "then", "else", "dependentRequired", "dependentSchemas", "contains", "minContains",
    "maxContains", "examples",
];

pub(super) fn unsupported_keywords(doc: &mut Value, changes: &mut Vec<String>) {
    for_each_schema(doc, &mut |schema, pointer| {
        let mut removed = Vec::new();
        for key in UNSUPPORTED_KEYWORDS {
            if schema.remove(*key).is_some() {
                removed.push(*key);
            }
        }
        if let Some(media) = schema.remove("contentMediaType") {
            if schema.get("type") == Some(&json!("string")) && !schema.contains_key("format") {
                schema.insert("format".into(), json!("binary"));
                changes.push(format!("{pointer}: contentMediaType {media} -> format binary"));
            } else {
                removed.push("contentMediaType");
            }
        }
        // Draft-4 tuple `items: [..]`: keep the first item type.
        if let Some(Value::Array(items)) = schema.get("items").cloned() {
            schema.insert("items".into(), items.into_iter().next().unwrap_or(json!({})));
            removed.push("items (tuple form)");
        }
        // `additionalProperties` must be a bool or a schema object.
        if schema.get("type") == Some(&json!("array")) && !schema.contains_key("items") {
            schema.insert("items".into(), json!({}));
            changes.push(format!("{pointer}: array without items -> items {{}}"));
        }
        if !removed.is_empty() {
            changes.push(format!("{pointer}: removed {}", removed.join(", ")));
        }
    });
    // 3.1 parameter/body `examples` maps are fine in 3.0; only schema-level ones were removed.
}

pub(super) fn enum_cleanup(doc: &mut Value, changes: &mut Vec<String>) {
    for_each_schema(doc, &mut |schema, pointer| {
        let Some(Value::Array(values)) = schema.get("enum").cloned() else { return };
        if values.len() == 1 && values[0].is_null() {
            return;
        }
        let mut kept: Vec<Value> = values.iter().filter(|v| !v.is_null()).cloned().collect();
        if kept.len() != values.len() {
            schema.insert("nullable".into(), json!(true));
            changes.push(format!("{pointer}: null in enum -> nullable"));
        }
        let declared = schema.get("type").and_then(Value::as_str).map(str::to_string);
        let all_strings = kept.iter().all(Value::is_string);
        match declared.as_deref() {
            Some("string") | None if !all_strings => {
                // Mixed or non-string values: keep the values as documentation only.
                schema.remove("enum");
                changes.push(format!("{pointer}: non-string enum values {} -> removed", Value::Array(kept.clone())));
                return;
            }
            Some("integer" | "number" | "boolean") => {
                schema.remove("enum");
                changes.push(format!("{pointer}: {} enum -> plain {}", declared.unwrap_or_default(), "type"));
                return;
            }
            _ => {}
        }
        let before = kept.len();
        let mut seen = BTreeSet::new();
        kept.retain(|v| seen.insert(v.as_str().unwrap_or_default().to_lowercase().replace(['-', '_', '.', ' '], "")));
        if kept.len() != before {
            changes.push(format!("{pointer}: removed enum values that differ only in case or punctuation"));
        }
        if kept.iter().any(|v| v == "") {
            kept.retain(|v| v != "");
            changes.push(format!("{pointer}: removed empty-string enum value"));
        }
        if kept.is_empty() {
            schema.remove("enum");
        } else {
            schema.insert("enum".into(), Value::Array(kept));
        }
    });
}

pub(super) fn single_composition(doc: &mut Value, changes: &mut Vec<String>) {
    for_each_schema(doc, &mut |schema, pointer| {
        if schema.contains_key("anyOf") && schema.contains_key("oneOf") {
            schema.remove("anyOf");
            changes.push(format!("{pointer}: anyOf beside oneOf removed"));
        }
    });
}

pub(super) fn ref_siblings(doc: &mut Value, changes: &mut Vec<String>) {
    for_each_schema(doc, &mut |schema, pointer| {
        let Some(reference) = schema.get("$ref").cloned() else { return };
        if schema.len() == 1 {
            return;
        }
        let nullable = schema.get("nullable") == Some(&json!(true));
        let description = schema.get("description").cloned();
        schema.clear();
        if nullable {
            schema.insert("allOf".into(), json!([{ "$ref": reference }]));
            schema.insert("nullable".into(), json!(true));
            if let Some(description) = description {
                schema.insert("description".into(), description);
            }
            changes.push(format!("{pointer}: $ref with nullable -> allOf [$ref], nullable"));
        } else {
            schema.insert("$ref".into(), reference);
            changes.push(format!("{pointer}: dropped keywords beside $ref"));
        }
    });
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::normalize::testing::{apply, doc_with, schema};

    #[test]
    fn openapi_version_sets_3_0() {
        let (doc, changes) = apply(openapi_version, json!({"openapi": "3.1.0", "jsonSchemaDialect": "x"}));
        assert_eq!(doc, json!({"openapi": "3.0.3"}));
        assert_eq!(changes.len(), 2);
        let (_, changes) = apply(openapi_version, json!({"openapi": "3.0.1"}));
        assert!(changes.is_empty());
    }

    #[test]
    fn operation_ids_are_added_and_deduplicated() {
        let doc = json!({"paths": {"/v1/things/{id}": {"get": {}, "post": {"operationId": "x"}}, "/y": {"get": {"operationId": "x"}}}});
        let (doc, changes) = apply(operation_ids, doc);
        assert_eq!(doc["paths"]["/v1/things/{id}"]["get"]["operationId"], "get_v1_things_id");
        assert_eq!(doc["paths"]["/y"]["get"]["operationId"], "x_2");
        assert_eq!(changes.len(), 2);
    }

    #[test]
    fn type_arrays_become_nullable() {
        let (doc, _) = apply(type_arrays, doc_with(json!({"type": ["string", "null"]})));
        assert_eq!(schema(&doc), &json!({"type": "string", "nullable": true}));
        let (doc, _) = apply(type_arrays, doc_with(json!({"type": ["string", "integer"]})));
        assert_eq!(schema(&doc), &json!({}));
    }

    #[test]
    fn null_unions_become_nullable() {
        let (doc, changes) = apply(null_unions,
            doc_with(json!({"properties": {
                "a": {"anyOf": [{"$ref": "#/components/schemas/X"}, {"type": "null"}], "description": "d"},
                "b": {"oneOf": [{"type": "string"}, {"type": "null"}]},
                "c": {"anyOf": [{"type": "string"}, {"type": "integer"}, {"type": "null"}]}
            }})),
        );
        let p = &schema(&doc)["properties"];
        assert_eq!(p["a"], json!({"allOf": [{"$ref": "#/components/schemas/X"}], "nullable": true, "description": "d"}));
        assert_eq!(p["b"], json!({"type": "string", "nullable": true}));
        assert_eq!(p["c"], json!({"anyOf": [{"type": "string"}, {"type": "integer"}], "nullable": true}));
        assert_eq!(changes.len(), 3);
    }

    #[test]
    fn const_becomes_one_value_enum() {
        let (doc, _) = apply(const_to_enum, doc_with(json!({"const": "chat.completion"})));
        assert_eq!(schema(&doc), &json!({"type": "string", "enum": ["chat.completion"]}));
    }

    #[test]
    fn exclusive_bounds_become_booleans() {
        let (doc, _) = apply(exclusive_bounds, doc_with(json!({"type": "number", "exclusiveMinimum": 0})));
        assert_eq!(schema(&doc), &json!({"type": "number", "minimum": 0, "exclusiveMinimum": true}));
        let (doc, _) = apply(exclusive_bounds, doc_with(json!({"type": "integer", "minimum": -9.2e18, "maximum": 5})));
        assert_eq!(schema(&doc), &json!({"type": "integer", "maximum": 5}));
    }

    #[test]
    fn unsupported_keywords_are_removed() {
        let (doc, changes) = apply(unsupported_keywords,
            doc_with(json!({"type": "string", "contentMediaType": "audio/wav", "examples": ["a"], "$comment": "c"})),
        );
        assert_eq!(schema(&doc), &json!({"type": "string", "format": "binary"}));
        assert_eq!(changes.len(), 2);
        let (doc, _) = apply(unsupported_keywords, doc_with(json!({"type": "array"})));
        assert_eq!(schema(&doc), &json!({"type": "array", "items": {}}));
    }

    #[test]
    fn enum_cleanup_handles_null_and_mixed_values() {
        let (doc, _) = apply(enum_cleanup, doc_with(json!({"type": "string", "enum": ["a", null]})));
        assert_eq!(schema(&doc), &json!({"type": "string", "enum": ["a"], "nullable": true}));
        let (doc, _) = apply(enum_cleanup, doc_with(json!({"enum": ["a", 1]})));
        assert_eq!(schema(&doc), &json!({}));
        let (doc, _) = apply(enum_cleanup, doc_with(json!({"type": "integer", "enum": [1, 2]})));
        assert_eq!(schema(&doc), &json!({"type": "integer"}));
        let (doc, _) = apply(enum_cleanup, doc_with(json!({"type": "string", "enum": ["a-b", "a_b", ""]})));
        assert_eq!(schema(&doc), &json!({"type": "string", "enum": ["a-b"]}));
    }

    #[test]
    fn one_composition_keyword_per_schema() {
        let (doc, _) = apply(single_composition, doc_with(json!({"anyOf": [{"type": "string"}], "oneOf": [{"type": "integer"}]})));
        assert_eq!(schema(&doc), &json!({"oneOf": [{"type": "integer"}]}));
    }

    #[test]
    fn ref_siblings_keep_nullable_only() {
        let (doc, _) = apply(ref_siblings,
            doc_with(json!({"properties": {
                "a": {"$ref": "#/components/schemas/X", "nullable": true},
                "b": {"$ref": "#/components/schemas/X", "description": "d"}
            }})),
        );
        let p = &schema(&doc)["properties"];
        assert_eq!(p["a"], json!({"allOf": [{"$ref": "#/components/schemas/X"}], "nullable": true}));
        assert_eq!(p["b"], json!({"$ref": "#/components/schemas/X"}));
    }

}
