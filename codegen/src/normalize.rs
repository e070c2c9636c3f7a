//! Normalization: ordered, named passes that turn a (pruned) spec into something progenitor
//! digests and whose generated types decode what real servers send.
//!
//! Each pass logs every change it makes; the log is committed beside the generated module
//! (`generated/src/<module>/normalize.log`) so that a spec update shows as a reviewable diff.
//! Passes marked `import` make an OpenAPI 3.1 document valid 3.0 and also run on
//! `cargo codegen import`; the others adjust the generated types and run only when generating.

use serde_json::{Map, Value, json};

use crate::prune::HTTP_METHODS;

/// What the passes changed, in pass order.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Log {
    entries: Vec<(String, Vec<String>)>,
}

impl Log {
    /// Records a change made by `pass`.
    pub fn change(&mut self, pass: &str, message: impl Into<String>) {
        self.section(pass).push(message.into());
    }

    /// Starts (or continues) the section of `pass`, so passes without changes are listed too.
    fn section(&mut self, pass: &str) -> &mut Vec<String> {
        if self.entries.last().is_none_or(|(name, _)| name != pass) {
            self.entries.push((pass.to_string(), Vec::new()));
        }
        &mut self.entries.last_mut().expect("just pushed").1
    }

    /// Changes recorded by one pass.
    pub fn changes(&self, pass: &str) -> Vec<String> {
        self.entries.iter().filter(|(name, _)| name == pass).flat_map(|(_, c)| c.clone()).collect()
    }

    /// Renders the log as committed beside the output.
    pub fn render(&self, title: &str) -> String {
        let mut out = format!(
            "# {title}\n# Passes ran in this order; each line below a pass is one change it made.\n"
        );
        for (pass, changes) in &self.entries {
            out.push_str(&format!("\n## {pass} ({} changes)\n", changes.len()));
            for change in changes {
                out.push_str(change);
                out.push('\n');
            }
        }
        out
    }
}

/// A normalization pass.
pub struct Pass {
    /// Name used in the log.
    pub name: &'static str,
    /// Whether `cargo codegen import` runs it (OpenAPI 3.1 -> 3.0 structure).
    pub import: bool,
    /// One line on why the pass exists.
    pub why: &'static str,
    /// The transformation.
    pub run: fn(&mut Value, &mut Vec<String>),
}

/// All passes, in the order they run.
pub const PASSES: &[Pass] = &[
    Pass { name: "openapi-version", import: true, why: "progenitor accepts only OpenAPI 3.0.x", run: openapi_version },
    Pass { name: "operation-ids", import: true, why: "progenitor needs a unique operationId on every operation", run: operation_ids },
    Pass { name: "type-arrays", import: true, why: "3.1 `type: [X, \"null\"]` is 3.0 `type: X, nullable: true`", run: type_arrays },
    Pass { name: "null-unions", import: true, why: "3.1 `anyOf: [X, {type: null}]` is 3.0 nullable X", run: null_unions },
    Pass { name: "const-to-enum", import: true, why: "3.0 has no `const`: a one-value enum says the same", run: const_to_enum },
    Pass { name: "exclusive-bounds", import: true, why: "3.1 numeric exclusive bounds are 3.0 booleans beside minimum/maximum", run: exclusive_bounds },
    Pass { name: "unsupported-keywords", import: true, why: "JSON Schema keywords that 3.0 (and openapiv3) lacks", run: unsupported_keywords },
    Pass { name: "enum-cleanup", import: true, why: "null inside `enum` means nullable; non-string enum values break typify's string enums", run: enum_cleanup },
    Pass { name: "single-composition", import: true, why: "typify asserts a schema has not both anyOf and oneOf: keep oneOf", run: single_composition },
    Pass { name: "ref-siblings", import: true, why: "3.0 ignores keywords beside `$ref`; keep `nullable` via allOf", run: ref_siblings },
    Pass { name: "drop-defaults", import: false, why: "typify panics on some defaults; clients should not send what the caller did not set", run: drop_defaults },
    Pass { name: "plain-scalars", import: false, why: "formats, patterns, lengths and bounds make chrono/uuid/regress types, constrained newtypes and NonZero integers: the server validates, callers pass plain String/i64/f64", run: plain_scalars },
    Pass { name: "hoist-top-level-nullable", import: false, why: "typify emits duplicate types for nullable top-level components", run: hoist_top_level_nullable },
    Pass { name: "relax-required-nullable", import: false, why: "lenient servers omit nullable fields that the spec requires", run: relax_required_nullable },
    Pass { name: "enum-or-string", import: false, why: "`anyOf: [enum, string]` (an open enum) is what every generated string enum already is", run: enum_or_string },
    Pass { name: "tagged-unions", import: false, why: "typify tags a union only when its variants are inline objects: inline $ref variants that share a constant `type`-like property, so decoding picks the variant by tag", run: tagged_unions },
    Pass { name: "inline-titles", import: false, why: "typify names inline types by title: a title equal to a component name makes two types of one name", run: inline_titles },
    Pass { name: "open-objects", import: false, why: "keep vendor extras (reasoning_content, x_groq, ...) in a flattened `extra` map", run: open_objects },
    Pass { name: "parameters", import: false, why: "header parameters (keys, versions) come from provider.toml, not method arguments; nullable parameters make Option<Option<_>>", run: parameters },
    Pass { name: "single-success-response", import: false, why: "progenitor panics on several response types per operation", run: single_success_response },
    Pass { name: "json-request-bodies", import: false, why: "progenitor has no multipart methods: such operations become types only", run: json_request_bodies },
];

/// Runs the passes (all, or only the import ones), recording into `log`.
pub fn run(doc: &mut Value, import_only: bool, log: &mut Log) {
    for pass in PASSES.iter().filter(|p| p.import || !import_only) {
        let mut changes = Vec::new();
        (pass.run)(doc, &mut changes);
        let section = log.section(pass.name);
        section.extend(changes);
    }
}

// ---------------------------------------------------------------------------------------------
// Walking schemas.

fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// Calls `f` on every schema object in the document (pre-order: children are visited after
/// `f` ran on the parent), with its JSON pointer.
fn for_each_schema(doc: &mut Value, f: &mut dyn FnMut(&mut Map<String, Value>, &str)) {
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
        if let Some(child) = map.get_mut(key) {
            if child.is_object() {
                walk(child, &format!("{pointer}/{key}"), f);
            }
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

fn operations_mut(doc: &mut Value) -> Vec<(String, String, &mut Map<String, Value>)> {
    let mut out = Vec::new();
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for (path, item) in paths.iter_mut() {
            let Some(item) = item.as_object_mut() else { continue };
            for (method, operation) in item.iter_mut() {
                if HTTP_METHODS.contains(&method.as_str()) {
                    if let Some(operation) = operation.as_object_mut() {
                        out.push((path.clone(), method.clone(), operation));
                    }
                }
            }
        }
    }
    out
}

fn is_null_schema(value: &Value) -> bool {
    let Some(map) = value.as_object() else { return false };
    let meaningful = map.keys().filter(|k| !matches!(k.as_str(), "description" | "title")).count();
    (map.get("type") == Some(&json!("null")) && meaningful == 1)
        || (map.get("enum") == Some(&json!([null])) && meaningful <= 2 && map.get("type").is_none_or(|t| t == "null"))
        || (map.get("nullable") == Some(&json!(true)) && meaningful == 1)
}

// ---------------------------------------------------------------------------------------------
// Import passes: OpenAPI 3.1 -> 3.0.

fn openapi_version(doc: &mut Value, changes: &mut Vec<String>) {
    let version = doc.get("openapi").and_then(Value::as_str).unwrap_or("").to_string();
    if !version.starts_with("3.0.") {
        doc["openapi"] = json!("3.0.3");
        changes.push(format!("openapi `{version}` -> `3.0.3`"));
    }
    if let Some(object) = doc.as_object_mut() {
        if object.remove("jsonSchemaDialect").is_some() {
            changes.push("removed `jsonSchemaDialect`".into());
        }
    }
    if let Some(license) = doc.pointer_mut("/info/license").and_then(Value::as_object_mut) {
        if license.remove("identifier").is_some() {
            changes.push("removed `info.license.identifier`".into());
        }
    }
}

fn operation_ids(doc: &mut Value, changes: &mut Vec<String>) {
    let mut seen = std::collections::BTreeSet::new();
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

fn type_arrays(doc: &mut Value, changes: &mut Vec<String>) {
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

fn null_unions(doc: &mut Value, changes: &mut Vec<String>) {
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

fn const_to_enum(doc: &mut Value, changes: &mut Vec<String>) {
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

fn exclusive_bounds(doc: &mut Value, changes: &mut Vec<String>) {
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
                if let Some(value) = schema.get(bound) {
                    if value.as_i64().is_none() {
                        changes.push(format!("{pointer}: integer {bound} {value} is not an i64: removed"));
                        schema.remove(bound);
                    }
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

fn unsupported_keywords(doc: &mut Value, changes: &mut Vec<String>) {
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

fn enum_cleanup(doc: &mut Value, changes: &mut Vec<String>) {
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
        let mut seen = std::collections::BTreeSet::new();
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

fn single_composition(doc: &mut Value, changes: &mut Vec<String>) {
    for_each_schema(doc, &mut |schema, pointer| {
        if schema.contains_key("anyOf") && schema.contains_key("oneOf") {
            schema.remove("anyOf");
            changes.push(format!("{pointer}: anyOf beside oneOf removed"));
        }
    });
}

fn ref_siblings(doc: &mut Value, changes: &mut Vec<String>) {
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

// ---------------------------------------------------------------------------------------------
// Generation passes.

fn drop_defaults(doc: &mut Value, changes: &mut Vec<String>) {
    for_each_schema(doc, &mut |schema, pointer| {
        if let Some(default) = schema.remove("default") {
            changes.push(format!("{pointer}: removed default {default}"));
        }
    });
}

fn plain_scalars(doc: &mut Value, changes: &mut Vec<String>) {
    for_each_schema(doc, &mut |schema, pointer| {
        let mut removed = Vec::new();
        if schema.get("type") == Some(&json!("string")) {
            if let Some(format) = schema.get("format").and_then(Value::as_str).map(str::to_string) {
                if !matches!(format.as_str(), "binary" | "byte" | "password") {
                    schema.remove("format");
                    removed.push(format!("format {format}"));
                }
            }
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

fn hoist_top_level_nullable(doc: &mut Value, changes: &mut Vec<String>) {
    let mut hoisted = std::collections::BTreeSet::new();
    if let Some(schemas) = doc.pointer_mut("/components/schemas").and_then(Value::as_object_mut) {
        for (name, schema) in schemas.iter_mut() {
            if let Some(map) = schema.as_object_mut() {
                if map.remove("nullable") == Some(json!(true)) {
                    hoisted.insert(format!("#/components/schemas/{}", escape(name)));
                    changes.push(format!("#/components/schemas/{}: nullable moved to its uses", escape(name)));
                }
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

fn relax_required_nullable(doc: &mut Value, changes: &mut Vec<String>) {
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

fn enum_or_string(doc: &mut Value, changes: &mut Vec<String>) {
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

/// Marks an inline variant of a tagged union: typify cannot tag variants with extras.
const TAGGED_VARIANT: &str = "x-specai-tagged-variant";

/// The single string value of a const-like schema.
fn constant(schema: &Value) -> Option<&str> {
    match schema.get("enum").and_then(Value::as_array) {
        Some(values) if values.len() == 1 => values[0].as_str(),
        _ => None,
    }
}

fn tagged_unions(doc: &mut Value, changes: &mut Vec<String>) {
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
    let mut inlined = std::collections::BTreeSet::new();
    for_each_schema(doc, &mut |schema, pointer| {
        for key in ["oneOf", "anyOf"] {
            let Some(Value::Array(members)) = schema.get(key) else { continue };
            if members.len() < 2 {
                continue;
            }
            let Some(resolved) = members.iter().map(|m| resolve(m)).collect::<Option<Vec<_>>>() else { continue };
            let is_plain_object = |object: &Map<String, Value>| {
                object.get("properties").is_some_and(Value::is_object)
                    && !["oneOf", "anyOf", "allOf", "$ref"].iter().any(|k| object.contains_key(*k))
                    && object.get("type").is_none_or(|t| t == "object")
            };
            if !resolved.iter().all(|(_, object)| is_plain_object(object)) {
                continue;
            }
            // A property that every variant requires with a distinct constant value.
            let first = &resolved[0].1;
            let candidates: Vec<String> = first["properties"].as_object().map(|p| p.keys().cloned().collect()).unwrap_or_default();
            let tag = candidates.into_iter().find(|name| {
                let mut values = std::collections::BTreeSet::new();
                resolved.iter().all(|(_, object)| {
                    let required = object.get("required").and_then(Value::as_array).is_some_and(|r| r.iter().any(|v| v == name));
                    let value = object["properties"].get(name).and_then(constant);
                    required && value.is_some_and(|v| values.insert(v.to_string()))
                })
            });
            let Some(tag) = tag else { continue };
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
    // Inlined components that nothing references any more (and no mapping keeps) are dropped.
    let roots: Vec<String> = doc
        .get("x-specai-roots")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
        .unwrap_or_default();
    let mut referenced = std::collections::BTreeSet::new();
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
    let component_names: std::collections::BTreeSet<String> =
        components.as_object().map(|c| c.keys().map(|k| pascal(k).to_lowercase()).collect()).unwrap_or_default();
    let mut first: std::collections::BTreeMap<String, Value> = std::collections::BTreeMap::new();
    let mut clashing = std::collections::BTreeSet::new();
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

fn open_objects(doc: &mut Value, changes: &mut Vec<String>) {
    for_each_schema(doc, &mut |schema, pointer| {
        if schema.remove(TAGGED_VARIANT).is_some() {
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

fn inline_titles(doc: &mut Value, changes: &mut Vec<String>) {
    let components: std::collections::BTreeSet<String> = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|s| s.keys().map(|k| pascal(k).to_lowercase()).collect())
        .unwrap_or_default();
    for_each_schema(doc, &mut |schema, pointer| {
        let is_component_root = pointer.starts_with("#/components/schemas/") && pointer.matches('/').count() == 3;
        if is_component_root {
            return;
        }
        if let Some(Value::String(title)) = schema.get("title") {
            if components.contains(&pascal(title).to_lowercase()) {
                changes.push(format!("{pointer}: removed title `{title}` (a component has that name)"));
                schema.remove("title");
            }
        }
    });
}

fn parameters(doc: &mut Value, changes: &mut Vec<String>) {
    let fix = |parameters: &mut Value, at: &str, changes: &mut Vec<String>| {
        let Some(list) = parameters.as_array_mut() else { return };
        let before = list.len();
        list.retain(|p| p.get("in") != Some(&json!("header")));
        if list.len() != before {
            changes.push(format!("{at}: removed {} header parameters", before - list.len()));
        }
        for parameter in list.iter_mut() {
            if let Some(schema) = parameter.get_mut("schema").and_then(Value::as_object_mut) {
                if schema.remove("nullable").is_some() {
                    changes.push(format!("{at}: parameter {} is not nullable", parameter["name"]));
                }
            }
        }
    };
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for (path, item) in paths.iter_mut() {
            let Some(item) = item.as_object_mut() else { continue };
            for (key, value) in item.iter_mut() {
                if key == "parameters" {
                    fix(value, path, changes);
                } else if HTTP_METHODS.contains(&key.as_str()) {
                    if let Some(parameters) = value.get_mut("parameters") {
                        fix(parameters, &format!("{key} {path}"), changes);
                    }
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

fn single_success_response(doc: &mut Value, changes: &mut Vec<String>) {
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
                if !is_json(media) {
                    if let Some(body) = body.as_object_mut() {
                        if body.remove("schema").is_some() {
                            changes.push(format!("{method} {path}: {code} {media} body is raw bytes"));
                        }
                    }
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

fn json_request_bodies(doc: &mut Value, changes: &mut Vec<String>) {
    // Operations whose body progenitor cannot send become types only: their body and response
    // schemas move to components so the types are still generated.
    let mut hoist: Vec<(String, Value)> = Vec::new();
    let mut remove: Vec<(String, String)> = Vec::new();
    let request_bodies = doc.pointer("/components/requestBodies").cloned().unwrap_or(Value::Null);
    for (path, method, operation) in operations_mut(doc) {
        let id = operation.get("operationId").and_then(Value::as_str).unwrap_or("operation").to_string();
        let Some(body) = operation.get_mut("requestBody") else { continue };
        if let Some(Value::String(reference)) = body.get("$ref").cloned() {
            if let Some((_, name)) = crate::prune::parse_ref(&reference) {
                *body = request_bodies.get(&name).cloned().unwrap_or(Value::Null);
                changes.push(format!("{method} {path}: inlined requestBody {reference}"));
            }
        }
        let Some(Value::Object(content)) = body.get_mut("content") else { continue };
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
                changes.push(format!("{method} {path}: request body keeps {json} only, dropped {}", dropped.join(", ")));
            }
            if let Some(Value::Object(media)) = content.get_mut(&json) {
                if media.remove("encoding").is_some() {
                    changes.push(format!("{method} {path}: removed request encoding"));
                }
            }
            continue;
        }
        if content.keys().all(|m| supported(m)) && content.len() == 1 {
            let media = content.keys().next().cloned().unwrap_or_default();
            if media.starts_with("application/octet-stream") || media.starts_with("text/plain") {
                content.insert(media.clone(), json!({ "schema": { "type": "string", "format": "binary" } }));
            }
            continue;
        }
        // multipart/form-data (or several non-JSON types): keep the types, drop the method.
        let media = content.keys().next().cloned().unwrap_or_default();
        if let Some(schema) = content.get(&media).and_then(|m| m.get("schema")) {
            if schema.get("$ref").is_none() {
                hoist.push((format!("{}Request", pascal(&id)), schema.clone()));
            }
        }
        if let Some(responses) = operation.get("responses").and_then(Value::as_object) {
            if let Some((_, response)) = responses.iter().find(|(c, _)| c.starts_with('2')) {
                if let Some(schema) = response.get("content").and_then(Value::as_object).and_then(|c| {
                    c.iter().find(|(m, _)| is_json(m)).and_then(|(_, v)| v.get("schema"))
                }) {
                    if schema.get("$ref").is_none() {
                        hoist.push((format!("{}Response", pascal(&id)), schema.clone()));
                    }
                }
            }
        }
        changes.push(format!(
            "{method} {path}: `{id}` sends {media}: no client method, types only (the SDK writes this call)"
        ));
        remove.push((path.clone(), method.clone()));
    }
    for (path, method) in remove {
        if let Some(item) = doc.pointer_mut(&format!("/paths/{}", escape(&path))).and_then(Value::as_object_mut) {
            // Its schemas stay in components (pruning already ran), so the types are generated.
            item.remove(&method);
        }
        if doc.pointer(&format!("/paths/{}", escape(&path))).and_then(Value::as_object).is_some_and(|item| {
            !item.keys().any(|k| HTTP_METHODS.contains(&k.as_str()))
        }) {
            doc["paths"].as_object_mut().expect("paths").remove(&path);
        }
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

/// `createTranscription` -> `CreateTranscription`; `post_audio_x` -> `PostAudioX`.
pub fn pascal(id: &str) -> String {
    let mut out = String::new();
    let mut upper = true;
    for c in id.chars() {
        if !c.is_ascii_alphanumeric() {
            upper = true;
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc_with(schema: Value) -> Value {
        json!({"openapi": "3.1.0", "paths": {}, "components": {"schemas": {"S": schema}}})
    }

    fn apply(pass: &str, mut doc: Value) -> (Value, Vec<String>) {
        let pass = PASSES.iter().find(|p| p.name == pass).expect("pass exists");
        let mut changes = Vec::new();
        (pass.run)(&mut doc, &mut changes);
        (doc, changes)
    }

    fn schema(doc: &Value) -> &Value {
        &doc["components"]["schemas"]["S"]
    }

    #[test]
    fn every_pass_is_tested_here() {
        // Keep this list in step with PASSES: each name has a test below.
        let tested = [
            "openapi-version", "operation-ids", "type-arrays", "null-unions", "const-to-enum", "exclusive-bounds",
            "unsupported-keywords", "enum-cleanup", "single-composition", "ref-siblings", "drop-defaults", "plain-scalars",
            "hoist-top-level-nullable", "relax-required-nullable", "enum-or-string", "tagged-unions", "inline-titles", "open-objects", "parameters",
            "single-success-response",
            "json-request-bodies",
        ];
        let names: Vec<_> = PASSES.iter().map(|p| p.name).collect();
        assert_eq!(names, tested);
    }

    #[test]
    fn openapi_version_sets_3_0() {
        let (doc, changes) = apply("openapi-version", json!({"openapi": "3.1.0", "jsonSchemaDialect": "x"}));
        assert_eq!(doc, json!({"openapi": "3.0.3"}));
        assert_eq!(changes.len(), 2);
        let (_, changes) = apply("openapi-version", json!({"openapi": "3.0.1"}));
        assert!(changes.is_empty());
    }

    #[test]
    fn operation_ids_are_added_and_deduplicated() {
        let doc = json!({"paths": {"/v1/things/{id}": {"get": {}, "post": {"operationId": "x"}}, "/y": {"get": {"operationId": "x"}}}});
        let (doc, changes) = apply("operation-ids", doc);
        assert_eq!(doc["paths"]["/v1/things/{id}"]["get"]["operationId"], "get_v1_things_id");
        assert_eq!(doc["paths"]["/y"]["get"]["operationId"], "x_2");
        assert_eq!(changes.len(), 2);
    }

    #[test]
    fn type_arrays_become_nullable() {
        let (doc, _) = apply("type-arrays", doc_with(json!({"type": ["string", "null"]})));
        assert_eq!(schema(&doc), &json!({"type": "string", "nullable": true}));
        let (doc, _) = apply("type-arrays", doc_with(json!({"type": ["string", "integer"]})));
        assert_eq!(schema(&doc), &json!({}));
    }

    #[test]
    fn null_unions_become_nullable() {
        let (doc, changes) = apply(
            "null-unions",
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
        let (doc, _) = apply("const-to-enum", doc_with(json!({"const": "chat.completion"})));
        assert_eq!(schema(&doc), &json!({"type": "string", "enum": ["chat.completion"]}));
    }

    #[test]
    fn exclusive_bounds_become_booleans() {
        let (doc, _) = apply("exclusive-bounds", doc_with(json!({"type": "number", "exclusiveMinimum": 0})));
        assert_eq!(schema(&doc), &json!({"type": "number", "minimum": 0, "exclusiveMinimum": true}));
        let (doc, _) = apply("exclusive-bounds", doc_with(json!({"type": "integer", "minimum": -9.2e18, "maximum": 5})));
        assert_eq!(schema(&doc), &json!({"type": "integer", "maximum": 5}));
    }

    #[test]
    fn unsupported_keywords_are_removed() {
        let (doc, changes) = apply(
            "unsupported-keywords",
            doc_with(json!({"type": "string", "contentMediaType": "audio/wav", "examples": ["a"], "$comment": "c"})),
        );
        assert_eq!(schema(&doc), &json!({"type": "string", "format": "binary"}));
        assert_eq!(changes.len(), 2);
        let (doc, _) = apply("unsupported-keywords", doc_with(json!({"type": "array"})));
        assert_eq!(schema(&doc), &json!({"type": "array", "items": {}}));
    }

    #[test]
    fn enum_cleanup_handles_null_and_mixed_values() {
        let (doc, _) = apply("enum-cleanup", doc_with(json!({"type": "string", "enum": ["a", null]})));
        assert_eq!(schema(&doc), &json!({"type": "string", "enum": ["a"], "nullable": true}));
        let (doc, _) = apply("enum-cleanup", doc_with(json!({"enum": ["a", 1]})));
        assert_eq!(schema(&doc), &json!({}));
        let (doc, _) = apply("enum-cleanup", doc_with(json!({"type": "integer", "enum": [1, 2]})));
        assert_eq!(schema(&doc), &json!({"type": "integer"}));
        let (doc, _) = apply("enum-cleanup", doc_with(json!({"type": "string", "enum": ["a-b", "a_b", ""]})));
        assert_eq!(schema(&doc), &json!({"type": "string", "enum": ["a-b"]}));
    }

    #[test]
    fn one_composition_keyword_per_schema() {
        let (doc, _) = apply("single-composition", doc_with(json!({"anyOf": [{"type": "string"}], "oneOf": [{"type": "integer"}]})));
        assert_eq!(schema(&doc), &json!({"oneOf": [{"type": "integer"}]}));
    }

    #[test]
    fn ref_siblings_keep_nullable_only() {
        let (doc, _) = apply(
            "ref-siblings",
            doc_with(json!({"properties": {
                "a": {"$ref": "#/components/schemas/X", "nullable": true},
                "b": {"$ref": "#/components/schemas/X", "description": "d"}
            }})),
        );
        let p = &schema(&doc)["properties"];
        assert_eq!(p["a"], json!({"allOf": [{"$ref": "#/components/schemas/X"}], "nullable": true}));
        assert_eq!(p["b"], json!({"$ref": "#/components/schemas/X"}));
    }

    #[test]
    fn defaults_are_dropped() {
        let (doc, changes) = apply("drop-defaults", doc_with(json!({"type": "integer", "default": 1})));
        assert_eq!(schema(&doc), &json!({"type": "integer"}));
        assert_eq!(changes, ["#/components/schemas/S: removed default 1"]);
    }

    #[test]
    fn scalars_become_plain() {
        let (doc, _) = apply("plain-scalars", doc_with(json!({"type": "string", "format": "date-time", "pattern": "x", "maxLength": 3})));
        assert_eq!(schema(&doc), &json!({"type": "string"}));
        let (doc, _) = apply("plain-scalars", doc_with(json!({"type": "string", "format": "binary"})));
        assert_eq!(schema(&doc), &json!({"type": "string", "format": "binary"}));
        let (doc, _) = apply("plain-scalars", doc_with(json!({"type": "integer", "minimum": 1, "maximum": 10})));
        assert_eq!(schema(&doc), &json!({"type": "integer"}));
    }

    #[test]
    fn top_level_nullable_moves_to_uses() {
        let doc = json!({"components": {"schemas": {
            "N": {"type": "object", "nullable": true, "properties": {"x": {"type": "string"}}},
            "U": {"properties": {"n": {"$ref": "#/components/schemas/N"}}}
        }}});
        let (doc, _) = apply("hoist-top-level-nullable", doc);
        assert!(doc["components"]["schemas"]["N"].get("nullable").is_none());
        assert_eq!(
            doc["components"]["schemas"]["U"]["properties"]["n"],
            json!({"allOf": [{"$ref": "#/components/schemas/N"}], "nullable": true})
        );
    }

    #[test]
    fn required_nullable_becomes_optional() {
        let (doc, _) = apply(
            "relax-required-nullable",
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
        let (doc, changes) = apply("enum-or-string", doc);
        assert_eq!(
            doc["components"]["schemas"]["S"]["properties"]["c"],
            json!({"allOf": [{"$ref": "#/components/schemas/Code"}], "description": "d"})
        );
        assert_eq!(changes.len(), 1);
    }

    #[test]
    fn ref_variants_with_a_constant_tag_are_inlined() {
        let doc = json!({"components": {"schemas": {
            "U": {"oneOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}]},
            "A": {"type": "object", "required": ["type", "a"], "properties": {"type": {"type": "string", "enum": ["a"]}, "a": {"type": "string"}}},
            "B": {"type": "object", "required": ["type"], "properties": {"type": {"type": "string", "enum": ["b"]}}},
            "NotTagged": {"oneOf": [{"type": "string"}, {"$ref": "#/components/schemas/A"}]}
        }}});
        let (doc, changes) = apply("tagged-unions", doc);
        let variants = doc["components"]["schemas"]["U"]["oneOf"].as_array().unwrap();
        assert_eq!(variants[0]["title"], "A");
        assert_eq!(variants[1][TAGGED_VARIANT], true);
        // A is still referenced by NotTagged; B is not referenced any more.
        assert!(doc["components"]["schemas"].get("A").is_some());
        assert!(doc["components"]["schemas"].get("B").is_none());
        assert_eq!(changes.len(), 2, "{changes:?}");
        let (doc, changes) = apply("open-objects", doc);
        assert!(doc["components"]["schemas"]["U"]["oneOf"][0].get("additionalProperties").is_none());
        assert!(doc["components"]["schemas"]["U"]["oneOf"][0].get(TAGGED_VARIANT).is_none());
        assert_eq!(changes.len(), 1, "only A itself is opened: {changes:?}");
    }

    #[test]
    fn objects_keep_extras() {
        let (doc, changes) = apply("open-objects", doc_with(json!({"properties": {"a": {"type": "string"}}})));
        assert_eq!(schema(&doc)["additionalProperties"], json!({}));
        assert_eq!(changes.len(), 1);
        let (_, changes) =
            apply("open-objects", doc_with(json!({"additionalProperties": {"type": "string"}, "properties": {"a": {}}})));
        assert!(changes.is_empty());
    }

    #[test]
    fn inline_titles_that_clash_with_components_are_removed() {
        let doc = json!({"components": {"schemas": {
            "ToolChoice": {"title": "ToolChoice", "type": "object", "properties": {"a": {"type": "string"}}},
            "U": {"oneOf": [{"$ref": "#/components/schemas/ToolChoice"}, {"title": "ToolChoice", "type": "string"}]}
        }}});
        let (doc, changes) = apply("inline-titles", doc);
        assert!(doc["components"]["schemas"]["U"]["oneOf"][1].get("title").is_none());
        assert_eq!(doc["components"]["schemas"]["ToolChoice"]["title"], "ToolChoice");
        assert_eq!(changes.len(), 1);
    }

    #[test]
    fn header_parameters_are_removed() {
        let doc = json!({"paths": {"/x": {"get": {"operationId": "x", "parameters": [
            {"name": "xi-api-key", "in": "header", "schema": {"type": "string"}},
            {"name": "q", "in": "query", "schema": {"type": "string", "nullable": true}}
        ]}}}});
        let (doc, changes) = apply("parameters", doc);
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
        let (doc, _) = apply("single-success-response", doc);
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
        let (doc, changes) = apply("json-request-bodies", doc);
        assert!(doc["paths"].get("/audio").is_none());
        assert!(doc["components"]["schemas"].get("CreateTranscriptionRequest").is_some());
        assert_eq!(changes.len(), 2, "{changes:?}");
    }
}
