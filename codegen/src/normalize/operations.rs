//! Operation passes: what progenitor turns into client methods. Header parameters come from
//! provider.toml, one JSON success response per operation, and operations it cannot send
//! (multipart) become types only, which the SDK sends itself.

use serde_json::{Map, Value, json};

use super::naming::pascal;
use super::walk::{escape, operations_mut};
use crate::prune::HTTP_METHODS;

pub(super) fn parameters(doc: &mut Value, changes: &mut Vec<String>) {
    let fix = |parameters: &mut Value, at: &str, changes: &mut Vec<String>| {
        let Some(list) = parameters.as_array_mut() else { return };
        let before = list.len();
        list.retain(|p| p.get("in") != Some(&json!("header")));
        if list.len() != before {
            changes.push(format!("{at}: removed {} header parameters", before - list.len()));
        }
        for parameter in list.iter_mut() {
            if let Some(schema) = parameter.get_mut("schema").and_then(Value::as_object_mut)
                && schema.remove("nullable").is_some()
            {
                changes.push(format!("{at}: parameter {} is not nullable", parameter["name"]));
            }
        }
    };
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for (path, item) in paths.iter_mut() {
            let Some(item) = item.as_object_mut() else { continue };
            for (key, value) in item.iter_mut() {
                if key == "parameters" {
                    fix(value, path, changes);
                } else if HTTP_METHODS.contains(&key.as_str())
                    && let Some(parameters) = value.get_mut("parameters")
                {
                    fix(parameters, &format!("{key} {path}"), changes);
                }
            }
        }
    }
    // Header parameters defined once in components and used by `$ref`.
    let headers: Vec<String> = doc
        .pointer("/components/parameters")
        .and_then(Value::as_object)
        .map(|p| p.iter().filter(|(_, p)| p.get("in") == Some(&json!("header"))).map(|(k, _)| k.clone()).collect())
        .unwrap_or_default();
    for name in headers {
        if let Some(parameters) = doc.pointer_mut("/components/parameters").and_then(Value::as_object_mut) {
            parameters.remove(&name);
        }
        changes.push(format!("#/components/parameters/{}: removed header parameter and its uses", escape(&name)));
        let reference = json!(format!("#/components/parameters/{}", escape(&name)));
        if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
            for item in paths.values_mut().filter_map(Value::as_object_mut) {
                for (key, value) in item.iter_mut() {
                    let list = if key == "parameters" { Some(value) } else { value.get_mut("parameters") };
                    if let Some(Value::Array(list)) = list {
                        list.retain(|p| p.get("$ref") != Some(&reference));
                    }
                }
            }
        }
    }
}

fn is_json(media: &str) -> bool {
    media == "application/json" || media.starts_with("application/json;")
}

pub(super) fn single_success_response(doc: &mut Value, changes: &mut Vec<String>) {
    for (path, method, operation) in operations_mut(doc) {
        let Some(Value::Object(responses)) = operation.get_mut("responses") else { continue };
        let codes: Vec<String> = responses.keys().cloned().collect();
        let success = codes.iter().find(|c| c.starts_with('2')).cloned();
        let mut removed = Vec::new();
        for code in &codes {
            if Some(code) != success.as_ref() {
                responses.remove(code);
                removed.push(code.clone());
            }
        }
        if !removed.is_empty() {
            changes.push(format!("{method} {path}: removed responses {} (the SDK reads error bodies itself)", removed.join(", ")));
        }
        let Some(code) = success else { continue };
        if let Some(Value::Object(content)) = responses.get_mut(&code).and_then(|r| r.get_mut("content")) {
            if content.len() > 1 {
                let keep = content.keys().find(|m| is_json(m)).or_else(|| content.keys().next()).cloned();
                let dropped: Vec<String> = content.keys().filter(|m| Some(*m) != keep.as_ref()).cloned().collect();
                content.retain(|m, _| Some(m) == keep.as_ref());
                changes.push(format!("{method} {path}: {code} response keeps {} only, dropped {}", keep.unwrap_or_default(), dropped.join(", ")));
            }
            for (media, body) in content.iter_mut() {
                // A non-JSON body decodes as raw bytes: progenitor needs no schema for it.
                if !is_json(media)
                    && let Some(body) = body.as_object_mut()
                    && body.remove("schema").is_some()
                {
                    changes.push(format!("{method} {path}: {code} {media} body is raw bytes"));
                }
                if let Some(body) = body.as_object_mut() {
                    if body.remove("encoding").is_some() {
                        changes.push(format!("{method} {path}: removed response encoding"));
                    }
                    if is_json(media) && !body.contains_key("schema") {
                        body.insert("schema".into(), json!({}));
                        changes.push(format!("{method} {path}: JSON response without schema -> any"));
                    }
                }
            }
        }
    }
}

pub(super) fn json_request_bodies(doc: &mut Value, changes: &mut Vec<String>) {
    // Operations whose body progenitor cannot send become types only: their body and response
    // schemas move to components so the types are still generated.
    let mut hoist: Vec<(String, Value)> = Vec::new();
    let mut remove: Vec<(String, String)> = Vec::new();
    let request_bodies = doc.pointer("/components/requestBodies").cloned().unwrap_or(Value::Null);
    for (path, method, operation) in operations_mut(doc) {
        let at = format!("{method} {path}");
        let Some(media) = unsendable_body(operation, &request_bodies, &at, changes) else { continue };
        let id = operation.get("operationId").and_then(Value::as_str).unwrap_or("operation").to_string();
        hoist.extend(inline_body_and_response(operation, &id, &media));
        changes.push(format!("{at}: `{id}` sends {media}: no client method, types only (the SDK writes this call)"));
        remove.push((path.clone(), method.clone()));
    }
    for (path, method) in remove {
        remove_operation(doc, &path, &method);
    }
    if !hoist.is_empty() {
        let components = doc.as_object_mut().expect("document is an object").entry("components").or_insert_with(|| json!({}));
        let schemas = components.as_object_mut().expect("components object").entry("schemas").or_insert_with(|| json!({}));
        for (name, schema) in hoist {
            changes.push(format!("hoisted inline schema to #/components/schemas/{name}"));
            schemas[name.as_str()] = schema;
        }
    }
}

/// Makes an operation's request body one progenitor sends (a `$ref` inlined, JSON alone,
/// raw bytes as a binary string) and returns the media type of a body it cannot send.
fn unsendable_body(
    operation: &mut Map<String, Value>,
    request_bodies: &Value,
    at: &str,
    changes: &mut Vec<String>,
) -> Option<String> {
    let body = operation.get_mut("requestBody")?;
    if let Some(Value::String(reference)) = body.get("$ref").cloned()
        && let Some((_, name)) = crate::prune::parse_ref(&reference)
    {
        *body = request_bodies.get(&name).cloned().unwrap_or(Value::Null);
        changes.push(format!("{at}: inlined requestBody {reference}"));
    }
    let Some(Value::Object(content)) = body.get_mut("content") else { return None };
    let supported = |m: &str| {
        is_json(m)
            || m.starts_with("application/x-www-form-urlencoded")
            || m.starts_with("application/octet-stream")
            || m.starts_with("text/plain")
    };
    if let Some(json) = content.keys().find(|m| is_json(m)).cloned() {
        if content.len() > 1 {
            let dropped: Vec<String> = content.keys().filter(|m| **m != json).cloned().collect();
            content.retain(|m, _| *m == json);
            changes.push(format!("{at}: request body keeps {json} only, dropped {}", dropped.join(", ")));
        }
        if let Some(Value::Object(media)) = content.get_mut(&json)
            && media.remove("encoding").is_some()
        {
            changes.push(format!("{at}: removed request encoding"));
        }
        return None;
    }
    let media = content.keys().next().cloned().unwrap_or_default();
    if content.keys().all(|m| supported(m)) && content.len() == 1 {
        if media.starts_with("application/octet-stream") || media.starts_with("text/plain") {
            content.insert(media, json!({ "schema": { "type": "string", "format": "binary" } }));
        }
        return None;
    }
    // multipart/form-data (or several non-JSON types): keep the types, drop the method.
    Some(media)
}

/// The inline request (`<Id>Request`) and JSON success response (`<Id>Response`) schemas of a
/// types-only operation, to be kept as components.
fn inline_body_and_response(operation: &Map<String, Value>, id: &str, media: &str) -> Vec<(String, Value)> {
    let mut hoist = Vec::new();
    let body = operation.get("requestBody").and_then(|b| b.get("content")).and_then(|c| c.get(media));
    if let Some(schema) = body.and_then(|m| m.get("schema"))
        && schema.get("$ref").is_none()
    {
        hoist.push((format!("{}Request", pascal(id)), schema.clone()));
    }
    let response = operation.get("responses").and_then(Value::as_object).and_then(|r| r.iter().find(|(c, _)| c.starts_with('2')));
    let content = response.and_then(|(_, response)| response.get("content")).and_then(Value::as_object);
    if let Some(schema) = content.and_then(|c| c.iter().find(|(m, _)| is_json(m))).and_then(|(_, v)| v.get("schema"))
        && schema.get("$ref").is_none()
    {
        hoist.push((format!("{}Response", pascal(id)), schema.clone()));
    }
    hoist
}

/// Removes one operation, and its path when no operation is left there.
fn remove_operation(doc: &mut Value, path: &str, method: &str) {
    let pointer = format!("/paths/{}", escape(path));
    if let Some(item) = doc.pointer_mut(&pointer).and_then(Value::as_object_mut) {
        // Its schemas stay in components (pruning already ran), so the types are generated.
        item.remove(method);
    }
    if doc.pointer(&pointer).and_then(Value::as_object).is_some_and(|item| !item.keys().any(|k| HTTP_METHODS.contains(&k.as_str()))) {
        doc["paths"].as_object_mut().expect("paths").remove(path);
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::normalize::testing::apply;

    #[test]
    fn header_parameters_are_removed() {
        let doc = json!({"paths": {"/x": {"get": {"operationId": "x", "parameters": [
            {"name": "xi-api-key", "in": "header", "schema": {"type": "string"}},
            {"name": "q", "in": "query", "schema": {"type": "string", "nullable": true}}
        ]}}}});
        let (doc, changes) = apply(parameters, doc);
        assert_eq!(doc["paths"]["/x"]["get"]["parameters"], json!([{"name": "q", "in": "query", "schema": {"type": "string"}}]));
        assert_eq!(changes.len(), 2);
    }

    #[test]
    fn one_success_response_json_only() {
        let doc = json!({"paths": {"/x": {"post": {"operationId": "x", "responses": {
            "200": {"description": "", "content": {
                "application/json": {"schema": {"type": "string"}},
                "text/event-stream": {"schema": {"type": "string"}}
            }},
            "400": {"description": "", "content": {"application/json": {"schema": {"type": "integer"}}}},
            "default": {"description": ""}
        }}}}});
        let (doc, _) = apply(single_success_response, doc);
        let responses = &doc["paths"]["/x"]["post"]["responses"];
        assert_eq!(responses.as_object().unwrap().keys().collect::<Vec<_>>(), ["200"]);
        assert_eq!(responses["200"]["content"].as_object().unwrap().len(), 1);
    }

    #[test]
    fn multipart_operations_become_types_only() {
        let doc = json!({"paths": {"/audio": {"post": {"operationId": "createTranscription",
            "requestBody": {"content": {"multipart/form-data": {"schema": {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}}}}}},
            "responses": {"200": {"description": "", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/T"}}}}}
        }}}, "components": {"schemas": {"T": {"type": "object"}}}});
        let (doc, changes) = apply(json_request_bodies, doc);
        assert!(doc["paths"].get("/audio").is_none());
        assert!(doc["components"]["schemas"].get("CreateTranscriptionRequest").is_some());
        assert_eq!(changes.len(), 2, "{changes:?}");
    }
}

