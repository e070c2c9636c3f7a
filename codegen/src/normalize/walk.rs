//! Walking a document: every schema object with its JSON pointer (for the log), and every
//! operation with its path and method. The passes change values through these, never by
//! walking the document themselves.

use serde_json::{Map, Value};

use crate::prune::HTTP_METHODS;

pub(super) fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// Calls `f` on every schema object in the document (pre-order: children are visited after
/// `f` ran on the parent), with its JSON pointer.
pub(super) fn for_each_schema(doc: &mut Value, f: &mut dyn FnMut(&mut Map<String, Value>, &str)) {
    if let Some(schemas) = doc.pointer_mut("/components/schemas").and_then(Value::as_object_mut) {
        for (name, schema) in schemas.iter_mut() {
            walk(schema, &format!("#/components/schemas/{}", escape(name)), f);
        }
    }
    for kind in ["parameters", "requestBodies", "responses", "headers"] {
        if let Some(items) = doc.pointer_mut(&format!("/components/{kind}")).and_then(Value::as_object_mut) {
            for (name, item) in items.iter_mut() {
                walk_container(item, &format!("#/components/{kind}/{}", escape(name)), f);
            }
        }
    }
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for (path, item) in paths.iter_mut() {
            walk_container(item, &format!("#/paths/{}", escape(path)), f);
        }
    }
}

/// Walks non-schema containers (path items, operations, parameters, bodies, responses) to the
/// schemas inside them.
fn walk_container(value: &mut Value, pointer: &str, f: &mut dyn FnMut(&mut Map<String, Value>, &str)) {
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                let child_pointer = format!("{pointer}/{}", escape(key));
                if key == "schema" {
                    walk(child, &child_pointer, f);
                } else if key != "example" && key != "examples" && !key.starts_with("x-") {
                    walk_container(child, &child_pointer, f);
                }
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter_mut().enumerate() {
                walk_container(child, &format!("{pointer}/{i}"), f);
            }
        }
        _ => {}
    }
}

fn walk(schema: &mut Value, pointer: &str, f: &mut dyn FnMut(&mut Map<String, Value>, &str)) {
    let Value::Object(map) = schema else { return };
    f(map, pointer);
    for key in ["items", "additionalProperties", "not"] {
        if let Some(child) = map.get_mut(key)
            && child.is_object()
        {
            walk(child, &format!("{pointer}/{key}"), f);
        }
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(Value::Array(items)) = map.get_mut(key) {
            for (i, child) in items.iter_mut().enumerate() {
                walk(child, &format!("{pointer}/{key}/{i}"), f);
            }
        }
    }
    if let Some(Value::Object(properties)) = map.get_mut("properties") {
        for (name, child) in properties.iter_mut() {
            walk(child, &format!("{pointer}/properties/{}", escape(name)), f);
        }
    }
}

pub(super) fn operations_mut(doc: &mut Value) -> Vec<(String, String, &mut Map<String, Value>)> {
    let mut out = Vec::new();
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for (path, item) in paths.iter_mut() {
            let Some(item) = item.as_object_mut() else { continue };
            for (method, operation) in item.iter_mut() {
                if HTTP_METHODS.contains(&method.as_str())
                    && let Some(operation) = operation.as_object_mut()
                {
                    out.push((path.clone(), method.clone(), operation));
                }
            }
        }
    }
    out
}
