//! The tagged-unions pass: a `oneOf` of `$ref` objects that share a constant tag property is
//! inlined, so typify generates a serde-tagged enum that picks the variant by its tag instead
//! of trying each in turn; inline types that would get one name for different shapes are named.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};

use super::naming::pascal;
use super::walk::{escape, for_each_schema};

pub(super) const TAGGED_VARIANT: &str = "x-specai-tagged-variant";

/// The single string value of a const-like schema.
fn constant(schema: &Value) -> Option<&str> {
    match schema.get("enum").and_then(Value::as_array) {
        Some(values) if values.len() == 1 => values[0].as_str(),
        _ => None,
    }
}

pub(super) fn tagged_unions(doc: &mut Value, changes: &mut Vec<String>) {
    let components = doc.pointer("/components/schemas").cloned().unwrap_or(json!({}));
    let resolve = |member: &Value| -> Option<(Option<String>, Map<String, Value>)> {
        let member = member.as_object()?;
        match member.get("$ref").and_then(Value::as_str) {
            Some(reference) => {
                let (_, name) = crate::prune::parse_ref(reference)?;
                Some((Some(name.clone()), components.get(&name)?.as_object()?.clone()))
            }
            None => Some((None, member.clone())),
        }
    };
    let mut inlined = BTreeSet::new();
    for_each_schema(doc, &mut |schema, pointer| {
        for key in ["oneOf", "anyOf"] {
            let Some(Value::Array(members)) = schema.get(key) else { continue };
            if members.len() < 2 {
                continue;
            }
            let Some(resolved) = members.iter().map(&resolve).collect::<Option<Vec<_>>>() else { continue };
            let objects: Vec<&Map<String, Value>> = resolved.iter().map(|(_, object)| object).collect();
            let Some(tag) = union_tag(&objects) else { continue };
            let mut variants: Vec<Map<String, Value>> = resolved
                .into_iter()
                .map(|(name, mut object)| {
                    object.remove("additionalProperties");
                    object.insert(TAGGED_VARIANT.into(), json!(true));
                    if let Some(name) = name {
                        inlined.insert(name.clone());
                        object.entry("title").or_insert(json!(name));
                    }
                    object
                })
                .collect();
            let union_name = pointer.rsplit('/').next().map(pascal).unwrap_or_default();
            title_clashing_variant_properties(&mut variants, &tag, &union_name, &components, pointer, changes);
            schema.remove(key);
            schema.insert("oneOf".into(), Value::Array(variants.into_iter().map(Value::Object).collect()));
            changes.push(format!("{pointer}: {key} inlined as a union tagged by `{tag}`"));
        }
    });
    drop_inlined_components(doc, inlined, changes);
}

/// The tag of a union of plain objects: a property that every variant requires with a
/// distinct constant value.
fn union_tag(objects: &[&Map<String, Value>]) -> Option<String> {
    let is_plain_object = |object: &Map<String, Value>| {
        object.get("properties").is_some_and(Value::is_object)
            && !["oneOf", "anyOf", "allOf", "$ref"].iter().any(|k| object.contains_key(*k))
            && object.get("type").is_none_or(|t| t == "object")
    };
    if !objects.iter().all(|object| is_plain_object(object)) {
        return None;
    }
    let candidates: Vec<String> = objects[0]["properties"].as_object().map(|p| p.keys().cloned().collect()).unwrap_or_default();
    candidates.into_iter().find(|name| {
        let mut values = BTreeSet::new();
        objects.iter().all(|object| {
            let required = object.get("required").and_then(Value::as_array).is_some_and(|r| r.iter().any(|v| v == name));
            let value = object["properties"].get(name).and_then(constant);
            required && value.is_some_and(|v| values.insert(v.to_string()))
        })
    })
}

/// Inlined components that nothing references any more (and no mapping keeps) are dropped.
fn drop_inlined_components(doc: &mut Value, inlined: BTreeSet<String>, changes: &mut Vec<String>) {
    let roots: Vec<String> = doc
        .get("x-specai-roots")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
        .unwrap_or_default();
    let mut referenced = BTreeSet::new();
    crate::prune::collect_refs(doc, &mut referenced);
    if let Some(schemas) = doc.pointer_mut("/components/schemas").and_then(Value::as_object_mut) {
        for name in inlined {
            if !referenced.contains(&("schemas".to_string(), name.clone())) && !roots.contains(&name) {
                schemas.remove(&name);
                changes.push(format!("#/components/schemas/{}: removed (only used inline in a tagged union)", escape(&name)));
            }
        }
    }
}
/// Whether typify makes a named type of this inline schema (an enum or an object with
/// properties), which it names `<Union><Property>` inside a tagged union's variant. Unions
/// (`oneOf`...) are named the same way but not handled yet: the one clash, OpenAI's assistant
/// message `content` typed as the user's, needs the SDK adapters changed with it.
fn makes_named_type(schema: &Value) -> bool {
    schema.get("$ref").is_none()
        && ["oneOf", "anyOf", "allOf"].iter().all(|k| schema.get(*k).is_none())
        && (schema.get("enum").is_some() || schema.get("properties").and_then(Value::as_object).is_some_and(|p| !p.is_empty()))
}

/// typify names an inline type in a tagged union's variant `<Union><Property>` and, when two
/// variants have different inline types under one property name, silently reuses the first
/// (Anthropic's document sources: the text source's `media_type` became the PDF source's enum).
/// Each variant whose inline type differs from the first one's gets its own name by a title:
/// `<Variant><Property>` (the variant's title, or the union's name and the tag value).
fn title_clashing_variant_properties(
    variants: &mut [Map<String, Value>],
    tag: &str,
    union_name: &str,
    components: &Value,
    pointer: &str,
    changes: &mut Vec<String>,
) {
    let shape = |schema: &Value| {
        let mut schema = schema.clone();
        if let Some(object) = schema.as_object_mut() {
            for key in ["nullable", "description", "title"] {
                object.remove(key);
            }
        }
        schema
    };
    let component_names: BTreeSet<String> =
        components.as_object().map(|c| c.keys().map(|k| pascal(k).to_lowercase()).collect()).unwrap_or_default();
    let mut first: BTreeMap<String, Value> = BTreeMap::new();
    let mut clashing = BTreeSet::new();
    for variant in variants.iter() {
        for (property, schema) in variant.get("properties").and_then(Value::as_object).into_iter().flatten() {
            if property == tag || !makes_named_type(schema) || schema.get("title").is_some() {
                continue;
            }
            match first.get(property) {
                Some(seen) if *seen != shape(schema) => {
                    clashing.insert(property.clone());
                }
                Some(_) => {}
                None => {
                    first.insert(property.clone(), shape(schema));
                }
            }
        }
    }
    for property in clashing {
        for variant in variants.iter_mut() {
            let variant_name = match (variant.get("title").and_then(Value::as_str), variant["properties"].get(tag).and_then(constant)) {
                (Some(title), _) => pascal(title),
                (None, Some(value)) => format!("{union_name}{}", pascal(value)),
                (None, None) => continue,
            };
            let required: Vec<String> = variant
                .get("required")
                .and_then(Value::as_array)
                .map(|r| r.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
                .unwrap_or_default();
            let Some(schema) = variant.get_mut("properties").and_then(|p| p.get_mut(&property)).and_then(Value::as_object_mut) else {
                continue;
            };
            let inline = Value::Object(schema.clone());
            if !makes_named_type(&inline) || inline.get("title").is_some() || shape(&inline) == first[&property] {
                continue;
            }
            let title = format!("{variant_name}{}", pascal(&property));
            if component_names.contains(&title.to_lowercase()) {
                changes.push(format!("{pointer}: variant {variant_name} property `{property}` shares a name (`{title}` is a component)"));
                continue;
            }
            changes.push(format!("{pointer}: variant {variant_name} property `{property}` named `{title}` (another variant has a different `{property}`)"));
            schema.insert("title".into(), json!(title));
            // progenitor moves the title of a nullable union to a null wrapper, leaving the union
            // unnamed; an optional property decodes `null` as `None` without `nullable`.
            if !required.contains(&property) && schema.remove("nullable").is_some() {
                changes.push(format!("{pointer}: variant {variant_name} property `{property}`: nullable dropped (optional, null decodes as None)"));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::testing::{apply, tagged_union_doc};

    #[test]
    fn ref_variants_with_a_constant_tag_are_inlined() {
        let doc = tagged_union_doc();
        let (doc, changes) = apply(tagged_unions, doc);
        let variants = doc["components"]["schemas"]["U"]["oneOf"].as_array().unwrap();
        assert_eq!(variants[0]["title"], "A");
        assert_eq!(variants[1][TAGGED_VARIANT], true);
        assert!(doc["components"]["schemas"].get("A").is_some());
        assert!(doc["components"]["schemas"].get("B").is_none());
        assert_eq!(changes.len(), 2, "{changes:?}");
    }
}
