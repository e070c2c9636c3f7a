//! Smithy 2.0 JSON AST -> OpenAPI 3.0.3, for vendors that describe their API in Smithy (AWS).
//!
//! `cargo codegen import <provider> <model.json>...` converts one or more Smithy models (their
//! shapes merged) into one OpenAPI document, which then goes through the same pruning and import
//! passes as an official OpenAPI document: so a Smithy-described API is generated like any
//! other. Only the restJson1 binding is read (what Bedrock speaks); the mapping of each shape
//! kind is documented in codegen/README-SECTION.md ("Smithy models") and below:
//! [`shapes`] turns data shapes into schemas, [`operations`] turns operations with an
//! `smithy.api#http` trait into paths. No documentation text is carried over (the spec is our
//! subset, not a copy of the vendor's prose): names, types and wire bindings only.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use crate::log::Log;

pub mod operations;
pub mod shapes;

/// The log section of the conversion.
pub const PASS: &str = "smithy-to-openapi";

/// Whether a parsed JSON document is a Smithy JSON AST (it has a top-level `smithy` version).
pub fn is_smithy(doc: &Value) -> bool {
    doc.get("smithy").and_then(Value::as_str).is_some()
}

/// The merged shapes of several Smithy models, by absolute shape id (`namespace#Name`).
#[derive(Debug, Default)]
pub struct Model {
    shapes: BTreeMap<String, Value>,
}

impl Model {
    /// Merges the shapes of `docs`. A shape defined again with the same type and new members
    /// gets those members (a later revision's additions, listed in a model of our own); a
    /// member or trait defined twice differently is an error.
    pub fn merge(docs: &[Value]) -> Result<Self, String> {
        let mut model = Model::default();
        for doc in docs {
            let version = doc
                .get("smithy")
                .and_then(Value::as_str)
                .unwrap_or_default();
            if !version.starts_with('2') {
                return Err(format!(
                    "Smithy IDL version `{version}`: only 2.x JSON ASTs are read"
                ));
            }
            let Some(shapes) = doc.get("shapes").and_then(Value::as_object) else {
                continue;
            };
            for (id, shape) in shapes {
                match model.shapes.get_mut(id) {
                    Some(existing) => extend(id, existing, shape)?,
                    None => {
                        model.shapes.insert(id.clone(), shape.clone());
                    }
                }
            }
        }
        Ok(model)
    }

    /// The shape of an id, when the models define it (prelude shapes such as
    /// `smithy.api#String` are not defined: [`shapes`] knows them).
    pub fn shape(&self, id: &str) -> Option<&Value> {
        self.shapes.get(id)
    }

    /// Every shape of a type (`operation`, `service`, ...), sorted by id.
    pub fn of_type<'a>(
        &'a self,
        kind: &'a str,
    ) -> impl Iterator<Item = (&'a String, &'a Value)> + 'a {
        self.shapes
            .iter()
            .filter(move |(_, shape)| shape.get("type").and_then(Value::as_str) == Some(kind))
    }
}

/// Adds `addition`'s members to `existing` (same shape type; traits absent or equal).
fn extend(id: &str, existing: &mut Value, addition: &Value) -> Result<(), String> {
    if existing == addition {
        return Ok(());
    }
    let kind = |shape: &Value| shape.get("type").and_then(Value::as_str).map(str::to_owned);
    let extensible = matches!(
        kind(existing).as_deref(),
        Some("structure" | "union" | "enum" | "intEnum")
    );
    if !extensible || kind(existing) != kind(addition) {
        return Err(format!("shape `{id}` is defined twice, differently"));
    }
    if addition
        .get("traits")
        .is_some_and(|traits| Some(traits) != existing.get("traits"))
    {
        return Err(format!(
            "shape `{id}`: a model adding members must not change its traits"
        ));
    }
    let members = existing.as_object_mut().and_then(|shape| {
        shape
            .entry("members")
            .or_insert_with(|| json!({}))
            .as_object_mut()
    });
    let members = members.ok_or_else(|| format!("shape `{id}`: members is not an object"))?;
    for (name, member) in addition
        .get("members")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        match members.get(name) {
            Some(known) if known != member => {
                return Err(format!(
                    "shape `{id}`: member `{name}` is defined twice, differently"
                ));
            }
            _ => {
                members.insert(name.clone(), member.clone());
            }
        }
    }
    Ok(())
}

/// The local name of a shape id: `com.amazonaws.bedrockruntime#ConverseRequest` ->
/// `ConverseRequest`.
pub fn local_name(id: &str) -> &str {
    id.rsplit_once('#').map_or(id, |(_, name)| name)
}

/// A trait's value on a shape or member, when present.
pub fn trait_value<'a>(shape: &'a Value, name: &str) -> Option<&'a Value> {
    shape.get("traits").and_then(|traits| traits.get(name))
}

/// Converts Smithy models into an OpenAPI 3.0.3 document: every operation with an HTTP binding,
/// and the components they reach. Logs what the conversion dropped or approximated.
pub fn to_openapi(docs: &[Value], log: &mut Log) -> Result<Value, String> {
    let model = Model::merge(docs)?;
    let (title, version) = model
        .of_type("service")
        .next()
        .map(|(id, shape)| {
            (
                local_name(id).to_owned(),
                shape
                    .get("version")
                    .and_then(Value::as_str)
                    .unwrap_or("0")
                    .to_owned(),
            )
        })
        .unwrap_or_else(|| ("Smithy service".to_owned(), "0".to_owned()));
    let mut converter = shapes::Converter::new(&model);
    let mut paths = Map::new();
    for (id, operation) in model.of_type("operation") {
        let Some((path, method, item)) =
            operations::convert(&model, &mut converter, id, operation, log)?
        else {
            log.change(PASS, format!("{id}: no smithy.api#http binding, left out"));
            continue;
        };
        let entry = paths.entry(path).or_insert_with(|| json!({}));
        entry[method.as_str()] = item;
    }
    let schemas = converter.finish(log)?;
    Ok(json!({
        "openapi": "3.0.3",
        "info": {"title": title, "version": version},
        "paths": paths,
        "components": {"schemas": schemas}
    }))
}

#[cfg(test)]
mod tests;
