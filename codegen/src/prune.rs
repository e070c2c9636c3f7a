//! Pruning a spec to the operations a mapping file names, keeping the transitive closure of
//! everything they (and the mapping's extra root schemas, such as stream events) reference.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::log::Log;

/// HTTP methods that can appear as keys of a path item.
pub const HTTP_METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// What to keep.
#[derive(Debug, Clone, Default)]
pub struct Roots {
    /// Operation ids.
    pub operations: BTreeSet<String>,
    /// Component schema names kept even if no operation references them.
    pub schemas: BTreeSet<String>,
    /// Component schemas that get lean decode types: kept for the lean emitter, and given owned
    /// types only where an operation or `schemas` reaches them too ([`drop_lean_only`]).
    pub lean: BTreeSet<String>,
    /// Further lean types: name -> the lean schema it is a variant of.
    pub lean_variants: BTreeMap<String, String>,
    /// Properties each lean type (by type name) leaves out.
    pub lean_omit: BTreeMap<String, BTreeSet<String>>,
    /// Properties each lean type (by type name) holds boxed.
    pub lean_boxed: BTreeMap<String, BTreeSet<String>>,
    /// Components lean types refer to as their owned generated types.
    pub lean_owned: BTreeSet<String>,
    /// Components lean types keep as raw JSON text (their lean type is still emitted).
    pub lean_raw: BTreeSet<String>,
}

/// A `#/components/<kind>/<name>` reference, split.
pub fn parse_ref(reference: &str) -> Option<(String, String)> {
    let rest = reference.strip_prefix("#/components/")?;
    let (kind, name) = rest.split_once('/')?;
    Some((kind.to_string(), name.replace("~1", "/").replace("~0", "~")))
}

/// Collects every `$ref` target inside `value`.
pub fn collect_refs(value: &Value, out: &mut BTreeSet<(String, String)>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get("$ref")
                && let Some(target) = parse_ref(reference)
            {
                out.insert(target);
            }
            for child in map.values() {
                collect_refs(child, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|item| collect_refs(item, out)),
        _ => {}
    }
}

/// Removes every operation not in `roots`, then every component not reachable from what is
/// left. Logs what it removed under the pass name `prune`.
pub fn prune(doc: &mut Value, roots: &Roots, log: &mut Log) -> Result<(), String> {
    let pass = "prune";
    let (found, removed_operations) = keep_operations(doc, roots);
    let missing: Vec<_> = roots.operations.difference(&found).cloned().collect();
    if !missing.is_empty() {
        return Err(format!("operations named by the mapping but not in the spec: {}", missing.join(", ")));
    }
    log.change(pass, format!("kept {} operations, removed {removed_operations}", found.len()));
    let reachable = reachable_components(doc, roots.schemas.iter().chain(&roots.lean))?;
    for (kind, count) in remove_components(doc, &reachable) {
        log.change(pass, format!("removed {count} unreferenced components.{kind}"));
    }
    remove_unused_tags(doc);
    for key in ["webhooks", "x-oaiMeta", "x-stainless", "x-fern-base-path"] {
        if doc.as_object_mut().and_then(|d| d.remove(key)).is_some() {
            log.change(pass, format!("removed top-level `{key}`"));
        }
    }
    Ok(())
}

/// Removes the components that only the lean roots reach, once the lean types are emitted: an
/// owned type of them would be dead code (a stream event only its lean type decodes).
pub fn drop_lean_only(doc: &mut Value, roots: &Roots, log: &mut Log) -> Result<(), String> {
    let owned = reachable_components(doc, roots.schemas.iter())?;
    let all = reachable_components(doc, roots.schemas.iter().chain(&roots.lean))?;
    let mut lean_only: BTreeSet<_> = all.difference(&owned).cloned().collect();
    // A component that stays (normalizing may leave some that nothing reaches) keeps what it
    // refers to.
    let components = doc.get("components").unwrap_or(&Value::Null);
    loop {
        let mut referenced = BTreeSet::new();
        for (kind, entries) in components.as_object().into_iter().flatten() {
            for (name, value) in entries.as_object().into_iter().flatten() {
                if !lean_only.contains(&(kind.clone(), name.clone())) {
                    collect_refs(value, &mut referenced);
                }
            }
        }
        let before = lean_only.len();
        lean_only.retain(|component| !referenced.contains(component));
        if lean_only.len() == before {
            break;
        }
    }
    let present = components.as_object().into_iter().flatten().flat_map(|(kind, entries)| {
        entries.as_object().into_iter().flatten().map(move |(name, _)| (kind.clone(), name.clone()))
    });
    let keep: BTreeSet<_> = present.filter(|component| !lean_only.contains(component)).collect();
    remove_components(doc, &keep);
    if !lean_only.is_empty() {
        let names: Vec<&str> = lean_only.iter().map(|(_, name)| name.as_str()).collect();
        log.change("prune", format!("no owned types for {}: only lean types read them", names.join(", ")));
    }
    Ok(())
}

/// Removes the operations `roots` does not name (and paths left empty); returns the ids kept and
/// how many were removed.
fn keep_operations(doc: &mut Value, roots: &Roots) -> (BTreeSet<String>, usize) {
    let mut found = BTreeSet::new();
    let mut removed_operations = 0usize;
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else { return (found, removed_operations) };
    let mut empty_paths = Vec::new();
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else { continue };
        let methods: Vec<String> = item.keys().filter(|k| HTTP_METHODS.contains(&k.as_str())).cloned().collect();
        for method in methods {
            let id = item[&method].get("operationId").and_then(Value::as_str).map(str::to_string);
            match id {
                Some(id) if roots.operations.contains(&id) => {
                    found.insert(id);
                }
                _ => {
                    item.remove(&method);
                    removed_operations += 1;
                }
            }
        }
        if !item.keys().any(|k| HTTP_METHODS.contains(&k.as_str())) {
            empty_paths.push(path.clone());
        }
    }
    for path in empty_paths {
        paths.remove(&path);
    }
    (found, removed_operations)
}

/// The components (kind, name) reachable from everything but components, and from the root
/// schemas; a reference to a missing component is an error.
fn reachable_components<'a>(doc: &Value, root_schemas: impl Iterator<Item = &'a String>) -> Result<BTreeSet<(String, String)>, String> {
    let mut pending = BTreeSet::new();
    if let Some(object) = doc.as_object() {
        for (key, value) in object {
            if key != "components" {
                collect_refs(value, &mut pending);
            }
        }
    }
    for schema in root_schemas {
        pending.insert(("schemas".to_string(), schema.clone()));
    }
    let mut reachable: BTreeSet<(String, String)> = BTreeSet::new();
    let components = doc.get("components").unwrap_or(&Value::Null);
    while let Some(next) = pending.pop_first() {
        if !reachable.insert(next.clone()) {
            continue;
        }
        let (kind, name) = &next;
        match components.get(kind).and_then(|c| c.get(name)) {
            Some(value) => {
                let mut refs = BTreeSet::new();
                collect_refs(value, &mut refs);
                pending.extend(refs.into_iter().filter(|r| !reachable.contains(r)));
            }
            None => return Err(format!("dangling reference #/components/{kind}/{name}")),
        }
    }
    Ok(reachable)
}

/// Removes the components not in `reachable`; returns how many of each kind were removed.
fn remove_components(doc: &mut Value, reachable: &BTreeSet<(String, String)>) -> BTreeMap<String, usize> {
    let mut removed: BTreeMap<String, usize> = BTreeMap::new();
    if let Some(components) = doc.get_mut("components").and_then(Value::as_object_mut) {
        for (kind, entries) in components.iter_mut() {
            // Security schemes are referenced by name, not `$ref`: keep them.
            if kind == "securitySchemes" {
                continue;
            }
            let Some(entries) = entries.as_object_mut() else { continue };
            let before = entries.len();
            entries.retain(|name, _| reachable.contains(&(kind.clone(), name.clone())));
            if before != entries.len() {
                removed.insert(kind.clone(), before - entries.len());
            }
        }
        components.retain(|_, entries| entries.as_object().is_none_or(|e| !e.is_empty()));
    }
    removed
}

/// Removes the tags that no kept operation uses.
fn remove_unused_tags(doc: &mut Value) {
    let mut used_tags = BTreeSet::new();
    if let Some(paths) = doc.get("paths").and_then(Value::as_object) {
        for item in paths.values().filter_map(Value::as_object) {
            for (method, operation) in item {
                if HTTP_METHODS.contains(&method.as_str()) {
                    for tag in operation.get("tags").and_then(Value::as_array).into_iter().flatten() {
                        if let Some(tag) = tag.as_str() {
                            used_tags.insert(tag.to_string());
                        }
                    }
                }
            }
        }
    }
    if let Some(tags) = doc.get_mut("tags").and_then(Value::as_array_mut) {
        tags.retain(|tag| tag.get("name").and_then(Value::as_str).is_some_and(|n| used_tags.contains(n)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keeps_closure_of_named_operations_and_roots() {
        let mut doc = json!({
            "openapi": "3.0.3",
            "paths": {
                "/a": {"post": {"operationId": "a", "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/A"}}}}}},
                "/b": {"get": {"operationId": "b", "responses": {"200": {"$ref": "#/components/responses/B"}}}}
            },
            "components": {
                "schemas": {
                    "A": {"properties": {"x": {"$ref": "#/components/schemas/X"}}},
                    "X": {"type": "string"},
                    "B": {"type": "string"},
                    "Event": {"properties": {"y": {"$ref": "#/components/schemas/Y"}}},
                    "Y": {"type": "integer"},
                    "Unused": {"type": "string"}
                },
                "responses": {"B": {"description": "", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/B"}}}}}
            }
        });
        let roots = Roots {
            operations: ["a".to_string()].into(),
            schemas: ["Event".to_string()].into(),
            ..Roots::default()
        };
        let mut log = Log::default();
        prune(&mut doc, &roots, &mut log).unwrap();
        let schemas: Vec<_> = doc["components"]["schemas"].as_object().unwrap().keys().cloned().collect();
        assert_eq!(schemas, ["A", "Event", "X", "Y"]);
        assert!(doc["paths"].get("/b").is_none());
        assert!(doc["components"].get("responses").is_none());
    }

    #[test]
    fn components_only_lean_roots_reach_are_dropped_after_the_lean_types() {
        let mut doc = json!({
            "openapi": "3.0.3",
            "paths": {"/a": {"post": {"operationId": "a", "responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/A"}}}}}}}},
            "components": {"schemas": {
                "A": {"properties": {"shared": {"$ref": "#/components/schemas/Shared"}}},
                "Shared": {"type": "string"},
                "Event": {"properties": {"shared": {"$ref": "#/components/schemas/Shared"}, "own": {"$ref": "#/components/schemas/Own"}}},
                "Own": {"type": "integer"},
                "Orphan": {"properties": {"kept": {"$ref": "#/components/schemas/Kept"}}},
                "Kept": {"type": "boolean"}
            }}
        });
        let roots = Roots {
            operations: ["a".to_string()].into(),
            lean: ["Event".to_string(), "Kept".to_string()].into(),
            ..Roots::default()
        };
        let mut log = Log::default();
        prune(&mut doc, &roots, &mut log).unwrap();
        // Left by a pass after pruning, as normalizing may leave one: it keeps what it refers to.
        doc["components"]["schemas"]["Orphan"] = json!({"properties": {"kept": {"$ref": "#/components/schemas/Kept"}}});
        drop_lean_only(&mut doc, &roots, &mut log).unwrap();
        let schemas: Vec<_> = doc["components"]["schemas"].as_object().unwrap().keys().cloned().collect();
        assert_eq!(schemas, ["A", "Kept", "Orphan", "Shared"]);
    }

    #[test]
    fn missing_operation_is_an_error() {
        let mut doc = json!({"paths": {}});
        let roots = Roots { operations: ["nope".to_string()].into(), ..Roots::default() };
        assert!(prune(&mut doc, &roots, &mut Log::default()).unwrap_err().contains("nope"));
    }
}
