//! Type passes: schema changes that make typify generate types which decode what real servers
//! send (plain scalars, optional nullable fields, open enums, kept vendor extras) and that do not
//! clash by name. They run on generation only.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use super::naming::pascal;
use super::tagged_unions::TAGGED_VARIANT;
use super::walk::{escape, for_each_schema};

pub(super) fn drop_defaults(doc: &mut Value, changes: &mut Vec<String>) {
    for_each_schema(doc, &mut |schema, pointer| {
        if let Some(default) = schema.remove("default") {
            changes.push(format!("{pointer}: removed default {default}"));
        }
    });
}

pub(super) fn plain_scalars(doc: &mut Value, changes: &mut Vec<String>) {
    for_each_schema(doc, &mut |schema, pointer| {
        let mut removed = Vec::new();
        if schema.get("type") == Some(&json!("string"))
            && let Some(format) = schema.get("format").and_then(Value::as_str).map(str::to_string)
            && !matches!(format.as_str(), "binary" | "byte" | "password")
        {
            schema.remove("format");
            removed.push(format!("format {format}"));
        }
        for key in ["pattern", "minLength", "maxLength", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"] {
            if let Some(value) = schema.remove(key) {
                removed.push(format!("{key} {value}"));
            }
        }
        if !removed.is_empty() {
            changes.push(format!("{pointer}: removed {}", removed.join(", ")));
        }
    });
}

pub(super) fn hoist_top_level_nullable(doc: &mut Value, changes: &mut Vec<String>) {
    let mut hoisted = BTreeSet::new();
    if let Some(schemas) = doc.pointer_mut("/components/schemas").and_then(Value::as_object_mut) {
        for (name, schema) in schemas.iter_mut() {
            if let Some(map) = schema.as_object_mut()
                && map.remove("nullable") == Some(json!(true))
            {
                hoisted.insert(format!("#/components/schemas/{}", escape(name)));
                changes.push(format!("#/components/schemas/{}: nullable moved to its uses", escape(name)));
            }
        }
    }
    if hoisted.is_empty() {
        return;
    }
    for_each_schema(doc, &mut |schema, pointer| {
        let Some(Value::String(reference)) = schema.get("$ref") else { return };
        // The `allOf: [$ref]` this pass wraps a use in is visited next: leave it.
        if hoisted.contains(reference) && !pointer.ends_with("/allOf/0") {
            let reference = reference.clone();
            schema.remove("$ref");
            schema.insert("allOf".into(), json!([{ "$ref": reference }]));
            schema.insert("nullable".into(), json!(true));
            changes.push(format!("{pointer}: $ref {reference} -> allOf, nullable"));
        }
    });
}

pub(super) fn relax_required_nullable(doc: &mut Value, changes: &mut Vec<String>) {
    for_each_schema(doc, &mut |schema, pointer| {
        let Some(Value::Array(required)) = schema.get("required").cloned() else { return };
        let Some(Value::Object(properties)) = schema.get("properties") else { return };
        let relaxed: Vec<String> = required
            .iter()
            .filter_map(Value::as_str)
            .filter(|name| properties.get(*name).is_some_and(|p| p.get("nullable") == Some(&json!(true))))
            .map(str::to_string)
            .collect();
        if relaxed.is_empty() {
            return;
        }
        let kept: Vec<Value> = required.into_iter().filter(|r| !relaxed.iter().any(|n| r == n)).collect();
        if kept.is_empty() {
            schema.remove("required");
        } else {
            schema.insert("required".into(), Value::Array(kept));
        }
        changes.push(format!("{pointer}: required but nullable -> optional: {}", relaxed.join(", ")));
    });
}

pub(super) fn enum_or_string(doc: &mut Value, changes: &mut Vec<String>) {
    let components = doc.pointer("/components/schemas").cloned().unwrap_or(json!({}));
    let is_string_enum = |member: &Value| -> bool {
        let target = match member.get("$ref").and_then(Value::as_str).and_then(crate::prune::parse_ref) {
            Some((_, name)) => components.get(&name).cloned().unwrap_or(Value::Null),
            None => member.clone(),
        };
        target.get("enum").is_some() && target.get("type").is_none_or(|t| t == "string")
    };
    let is_plain_string = |member: &Value| -> bool {
        member.get("type") == Some(&json!("string"))
            && member.as_object().is_some_and(|m| m.keys().all(|k| matches!(k.as_str(), "type" | "description" | "title")))
    };
    for_each_schema(doc, &mut |schema, pointer| {
        for key in ["anyOf", "oneOf"] {
            let Some(Value::Array(members)) = schema.get(key) else { continue };
            if members.len() != 2 {
                continue;
            }
            let enum_member = if is_string_enum(&members[0]) && is_plain_string(&members[1]) {
                members[0].clone()
            } else if is_string_enum(&members[1]) && is_plain_string(&members[0]) {
                members[1].clone()
            } else {
                continue;
            };
            schema.remove(key);
            if enum_member.get("$ref").is_some() {
                schema.insert("allOf".into(), json!([enum_member]));
            } else if let Some(object) = enum_member.as_object() {
                for (k, v) in object {
                    schema.entry(k.clone()).or_insert(v.clone());
                }
            }
            changes.push(format!("{pointer}: {key} [enum, string] -> the enum (generated enums keep unlisted strings)"));
        }
    });
}


/// Whether a schema is a variant of an externally tagged union (Smithy's restJson1 unions):
/// a closed object with one property, which is required.
fn is_external_tag_variant(schema: &Value) -> bool {
    let one_property = schema.get("properties").and_then(Value::as_object).filter(|p| p.len() == 1);
    let required = schema.get("required").and_then(Value::as_array);
    schema.get("additionalProperties") == Some(&json!(false))
        && one_property.zip(required).is_some_and(|(properties, required)| required.len() == 1 && properties.contains_key(required[0].as_str().unwrap_or_default()))
}

pub(super) fn open_objects(doc: &mut Value, changes: &mut Vec<String>) {
    for_each_schema(doc, &mut |schema, pointer| {
        if schema.remove(TAGGED_VARIANT).is_some() {
            return;
        }
        // An externally tagged union stays closed, or typify would not see its tags: each
        // variant is marked, and visited (and unmarked) after its parent.
        if let Some(Value::Array(variants)) = schema.get_mut("oneOf")
            && !variants.is_empty()
            && variants.iter().all(is_external_tag_variant)
        {
            for variant in variants.iter_mut() {
                variant[TAGGED_VARIANT] = json!(true);
            }
            changes.push(format!("{pointer}: externally tagged union, variants stay closed"));
            return;
        }
        let has_properties = schema.get("properties").and_then(Value::as_object).is_some_and(|p| !p.is_empty());
        if !has_properties {
            return;
        }
        match schema.get("additionalProperties") {
            None | Some(Value::Bool(true)) => {
                changes.push(format!("{pointer}: additionalProperties -> {{}} (keeps extras)"));
            }
            Some(Value::Bool(false)) => {
                changes.push(format!("{pointer}: additionalProperties false -> {{}} (keeps extras)"));
            }
            Some(_) => return,
        }
        schema.insert("additionalProperties".into(), json!({}));
    });
}

pub(super) fn inline_titles(doc: &mut Value, changes: &mut Vec<String>) {
    let components: BTreeSet<String> = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|s| s.keys().map(|k| pascal(k).to_lowercase()).collect())
        .unwrap_or_default();
    for_each_schema(doc, &mut |schema, pointer| {
        let is_component_root = pointer.starts_with("#/components/schemas/") && pointer.matches('/').count() == 3;
        if is_component_root {
            return;
        }
        if let Some(Value::String(title)) = schema.get("title")
            && components.contains(&pascal(title).to_lowercase())
        {
            changes.push(format!("{pointer}: removed title `{title}` (a component has that name)"));
            schema.remove("title");
        }
    });
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::normalize::testing::{apply, doc_with, schema};

    #[test]
    fn defaults_are_dropped() {
        let (doc, changes) = apply(drop_defaults, doc_with(json!({"type": "integer", "default": 1})));
        assert_eq!(schema(&doc), &json!({"type": "integer"}));
        assert_eq!(changes, ["#/components/schemas/S: removed default 1"]);
    }

    #[test]
    fn scalars_become_plain() {
        let (doc, _) = apply(plain_scalars, doc_with(json!({"type": "string", "format": "date-time", "pattern": "x", "maxLength": 3})));
        assert_eq!(schema(&doc), &json!({"type": "string"}));
        let (doc, _) = apply(plain_scalars, doc_with(json!({"type": "string", "format": "binary"})));
        assert_eq!(schema(&doc), &json!({"type": "string", "format": "binary"}));
        let (doc, _) = apply(plain_scalars, doc_with(json!({"type": "integer", "minimum": 1, "maximum": 10})));
        assert_eq!(schema(&doc), &json!({"type": "integer"}));
    }

    #[test]
    fn top_level_nullable_moves_to_uses() {
        let doc = json!({"components": {"schemas": {
            "N": {"type": "object", "nullable": true, "properties": {"x": {"type": "string"}}},
            "U": {"properties": {"n": {"$ref": "#/components/schemas/N"}}}
        }}});
        let (doc, _) = apply(hoist_top_level_nullable, doc);
        assert!(doc["components"]["schemas"]["N"].get("nullable").is_none());
        assert_eq!(
            doc["components"]["schemas"]["U"]["properties"]["n"],
            json!({"allOf": [{"$ref": "#/components/schemas/N"}], "nullable": true})
        );
    }

    #[test]
    fn externally_tagged_union_variants_stay_closed() {
        let variant = |name: &str| json!({"type": "object", "properties": {name: {"type": "string"}}, "required": [name], "additionalProperties": false});
        let (doc, changes) = apply(open_objects, doc_with(json!({"oneOf": [variant("text"), variant("image")]})));
        assert_eq!(schema(&doc)["oneOf"][0], variant("text"), "closed and unmarked");
        assert_eq!(changes.len(), 1, "{changes:?}");
        // One open variant: not an externally tagged union, every object opened as usual.
        let (doc, _) = apply(open_objects, doc_with(json!({"oneOf": [variant("text"), {"properties": {"a": {}}}]})));
        assert_eq!(schema(&doc)["oneOf"][0]["additionalProperties"], json!({}));
    }

    #[test]
    fn required_nullable_becomes_optional() {
        let (doc, _) = apply(relax_required_nullable,
            doc_with(json!({"required": ["a", "b"], "properties": {"a": {"type": "string", "nullable": true}, "b": {"type": "string"}}})),
        );
        assert_eq!(schema(&doc)["required"], json!(["b"]));
    }

    #[test]
    fn enum_or_string_becomes_the_enum() {
        let doc = json!({"components": {"schemas": {
            "Code": {"type": "string", "enum": ["en", "fr"]},
            "S": {"properties": {"c": {"anyOf": [{"$ref": "#/components/schemas/Code"}, {"type": "string"}], "description": "d"}}}
        }}});
        let (doc, changes) = apply(enum_or_string, doc);
        assert_eq!(
            doc["components"]["schemas"]["S"]["properties"]["c"],
            json!({"allOf": [{"$ref": "#/components/schemas/Code"}], "description": "d"})
        );
        assert_eq!(changes.len(), 1);
    }

    #[test]
    fn objects_keep_extras() {
        let (doc, changes) = apply(open_objects, doc_with(json!({"properties": {"a": {"type": "string"}}})));
        assert_eq!(schema(&doc)["additionalProperties"], json!({}));
        assert_eq!(changes.len(), 1);
        let (_, changes) =
            apply(open_objects, doc_with(json!({"additionalProperties": {"type": "string"}, "properties": {"a": {}}})));
        assert!(changes.is_empty());
    }

    #[test]
    fn inline_titles_that_clash_with_components_are_removed() {
        let doc = json!({"components": {"schemas": {
            "ToolChoice": {"title": "ToolChoice", "type": "object", "properties": {"a": {"type": "string"}}},
            "U": {"oneOf": [{"$ref": "#/components/schemas/ToolChoice"}, {"title": "ToolChoice", "type": "string"}]}
        }}});
        let (doc, changes) = apply(inline_titles, doc);
        assert!(doc["components"]["schemas"]["U"]["oneOf"][1].get("title").is_none());
        assert_eq!(doc["components"]["schemas"]["ToolChoice"]["title"], "ToolChoice");
        assert_eq!(changes.len(), 1);
    }

}
