//! Smithy data shapes -> JSON schemas, as restJson1 puts them on the wire.
//!
//! Aggregate shapes with a name of their own (structures, unions, enums, intEnums) become
//! components, reached on demand from the operations; simple shapes, lists and maps are
//! inlined where used. A structure's members are properties (renamed by `jsonName`), required
//! when `smithy.api#required` is set without a default; a union is a `oneOf` of one-property
//! objects (restJson1's `{"text": "..."}`), which typify turns into an externally tagged enum.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use serde_json::{Map, Value, json};

use super::{Model, PASS, local_name, trait_value};
use crate::log::Log;

/// Where a value travels: timestamps default to a different format in each place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    /// A JSON body: epoch seconds unless `timestampFormat` says otherwise.
    Body,
    /// A header: HTTP date.
    Header,
    /// A path label or a query parameter: RFC 3339 date-time.
    Label,
}

/// Converts shapes to schemas, collecting the components they reach.
pub struct Converter<'a> {
    model: &'a Model,
    /// Components made so far, by OpenAPI name.
    components: BTreeMap<String, Value>,
    /// Shape ids whose component is made or queued.
    seen: BTreeSet<String>,
    queue: VecDeque<String>,
    /// OpenAPI name -> shape id, to report two shapes of one local name.
    names: BTreeMap<String, String>,
    notes: Vec<String>,
}

impl<'a> Converter<'a> {
    /// A converter over `model`'s shapes.
    pub fn new(model: &'a Model) -> Self {
        Converter {
            model,
            components: BTreeMap::new(),
            seen: BTreeSet::new(),
            queue: VecDeque::new(),
            names: BTreeMap::new(),
            notes: Vec::new(),
        }
    }

    /// The schema of a member (or top-level use) targeting `target`; `member` supplies member
    /// traits (`timestampFormat`) that override the target's.
    pub fn schema(
        &mut self,
        target: &str,
        member: Option<&Value>,
        location: Location,
    ) -> Result<Value, String> {
        let timestamp_format = member.and_then(|m| trait_value(m, "smithy.api#timestampFormat"));
        if let Some(schema) = prelude(target, timestamp_format, location) {
            return Ok(schema);
        }
        let Some(shape) = self.model.shape(target) else {
            return Err(format!("shape `{target}` is referenced but not defined"));
        };
        let kind = shape
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or_default();
        match kind {
            "structure" | "union" | "enum" | "intEnum" => {
                Ok(json!({ "$ref": self.reference(target)? }))
            }
            "list" | "set" => {
                let items = shape
                    .get("member")
                    .ok_or_else(|| format!("{target}: list without member"))?;
                let item_target = member_target(items, target)?;
                let mut item = self.schema(item_target, Some(items), location)?;
                if trait_value(shape, "smithy.api#sparse").is_some() {
                    item = nullable(item);
                }
                Ok(json!({ "type": "array", "items": item }))
            }
            "map" => {
                let value = shape
                    .get("value")
                    .ok_or_else(|| format!("{target}: map without value"))?;
                let mut values =
                    self.schema(member_target(value, target)?, Some(value), location)?;
                if trait_value(shape, "smithy.api#sparse").is_some() {
                    values = nullable(values);
                }
                Ok(json!({ "type": "object", "additionalProperties": values }))
            }
            "timestamp" => {
                let format =
                    timestamp_format.or_else(|| trait_value(shape, "smithy.api#timestampFormat"));
                Ok(timestamp(format, location))
            }
            "string" => Ok(
                match trait_value(shape, "smithy.api#enum").and_then(Value::as_array) {
                    // Smithy 1.0 enum trait on a string.
                    Some(values) => {
                        json!({ "type": "string", "enum": values.iter().filter_map(|v| v.get("value")).collect::<Vec<_>>() })
                    }
                    None => json!({ "type": "string" }),
                },
            ),
            "blob" if trait_value(shape, "smithy.api#streaming").is_some() => {
                Ok(json!({ "type": "string", "format": "binary" }))
            }
            simple => prelude_kind(simple, location)
                .ok_or_else(|| format!("{target}: shape type `{simple}` is not supported")),
        }
    }

    /// `#/components/schemas/<Name>` for an aggregate shape, queueing its conversion.
    fn reference(&mut self, id: &str) -> Result<String, String> {
        let name = local_name(id).to_owned();
        match self.names.get(&name) {
            Some(other) if other != id => {
                return Err(format!(
                    "shapes `{other}` and `{id}` have one local name `{name}`"
                ));
            }
            _ => {}
        }
        self.names.insert(name.clone(), id.to_owned());
        if self.seen.insert(id.to_owned()) {
            self.queue.push_back(id.to_owned());
        }
        Ok(format!("#/components/schemas/{name}"))
    }

    /// A component for a structure shape with only the members `keep` accepts (an operation's
    /// body members), under `name`.
    pub fn body_component(
        &mut self,
        id: &str,
        name: &str,
        keep: &dyn Fn(&Value) -> bool,
    ) -> Result<String, String> {
        let shape = self
            .model
            .shape(id)
            .ok_or_else(|| format!("shape `{id}` is not defined"))?
            .clone();
        let schema = self.structure(id, &shape, keep)?;
        self.names.insert(name.to_owned(), id.to_owned());
        self.seen.insert(id.to_owned());
        self.components.insert(name.to_owned(), schema);
        Ok(format!("#/components/schemas/{name}"))
    }

    /// Converts the queued shapes; returns every component, sorted, and logs the notes.
    pub fn finish(mut self, log: &mut Log) -> Result<Map<String, Value>, String> {
        while let Some(id) = self.queue.pop_front() {
            let shape = self
                .model
                .shape(&id)
                .cloned()
                .ok_or_else(|| format!("shape `{id}` is not defined"))?;
            let schema = match shape
                .get("type")
                .and_then(Value::as_str)
                .unwrap_or_default()
            {
                "structure" => self.structure(&id, &shape, &|_| true)?,
                "union" => self.union(&id, &shape)?,
                "enum" => enumeration(&shape, false),
                "intEnum" => enumeration(&shape, true),
                other => return Err(format!("{id}: `{other}` cannot be a component")),
            };
            self.components.insert(local_name(&id).to_owned(), schema);
        }
        for note in self.notes {
            log.change(PASS, note);
        }
        Ok(self.components.into_iter().collect())
    }

    fn structure(
        &mut self,
        id: &str,
        shape: &Value,
        keep: &dyn Fn(&Value) -> bool,
    ) -> Result<Value, String> {
        let mut properties = Map::new();
        let mut required = Vec::new();
        for (name, member) in members(shape) {
            if !keep(member) {
                continue;
            }
            if trait_value(member, "smithy.api#eventHeader").is_some() {
                self.notes.push(format!(
                    "{id}.{name}: event header, not in the JSON payload: left out"
                ));
                continue;
            }
            let wire_name = trait_value(member, "smithy.api#jsonName")
                .and_then(Value::as_str)
                .unwrap_or(name);
            let schema = self.schema(member_target(member, id)?, Some(member), Location::Body)?;
            if trait_value(member, "smithy.api#required").is_some()
                && trait_value(member, "smithy.api#default").is_none()
            {
                required.push(json!(wire_name));
            }
            properties.insert(wire_name.to_owned(), schema);
        }
        let mut schema = json!({ "type": "object", "properties": properties });
        if !required.is_empty() {
            schema["required"] = Value::Array(required);
        }
        Ok(schema)
    }

    fn union(&mut self, id: &str, shape: &Value) -> Result<Value, String> {
        let mut variants = Vec::new();
        for (name, member) in members(shape) {
            let target = member_target(member, id)?;
            let wire_name = trait_value(member, "smithy.api#jsonName")
                .and_then(Value::as_str)
                .unwrap_or(name);
            // A unit member is `{"name": {}}` on the wire.
            let schema = if target == "smithy.api#Unit" {
                json!({ "type": "object" })
            } else {
                self.schema(target, Some(member), Location::Body)?
            };
            variants.push(json!({
                "type": "object",
                "properties": { wire_name: schema },
                "required": [wire_name],
                "additionalProperties": false
            }));
        }
        if trait_value(shape, "smithy.api#streaming").is_some() {
            self.notes.push(format!("{id}: event stream union: one variant per event type (decoded from event-stream frames by the SDK)"));
        }
        Ok(json!({ "oneOf": variants }))
    }
}

/// A member's `target`.
pub fn member_target<'v>(member: &'v Value, owner: &str) -> Result<&'v str, String> {
    member
        .get("target")
        .and_then(Value::as_str)
        .ok_or_else(|| format!("{owner}: a member has no target"))
}

/// The members of a structure, union or enum, in the model's order (serde_json keeps keys
/// sorted: member order does not matter on the wire).
pub fn members(shape: &Value) -> impl Iterator<Item = (&String, &Value)> {
    shape
        .get("members")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
}

fn nullable(mut schema: Value) -> Value {
    if schema.get("$ref").is_some() {
        return json!({ "allOf": [schema], "nullable": true });
    }
    schema["nullable"] = json!(true);
    schema
}

/// An enum's values: `enumValue` traits, else the member names.
fn enumeration(shape: &Value, integer: bool) -> Value {
    let values: Vec<Value> = members(shape)
        .map(|(name, member)| {
            trait_value(member, "smithy.api#enumValue")
                .cloned()
                .unwrap_or_else(|| json!(name))
        })
        .collect();
    if integer {
        json!({ "type": "integer", "format": "int32", "enum": values })
    } else {
        json!({ "type": "string", "enum": values })
    }
}

/// A timestamp in the format its trait names, else the location's default.
fn timestamp(format: Option<&Value>, location: Location) -> Value {
    let format = format.and_then(Value::as_str).unwrap_or(match location {
        Location::Body => "epoch-seconds",
        Location::Header => "http-date",
        Location::Label => "date-time",
    });
    match format {
        "epoch-seconds" => json!({ "type": "number", "format": "double" }),
        "date-time" => json!({ "type": "string", "format": "date-time" }),
        _ => json!({ "type": "string" }),
    }
}

/// The schema of a prelude shape (`smithy.api#String`, ...), if `target` is one.
fn prelude(target: &str, timestamp_format: Option<&Value>, location: Location) -> Option<Value> {
    let name = target.strip_prefix("smithy.api#")?;
    match name {
        "Timestamp" => Some(timestamp(timestamp_format, location)),
        "Unit" => Some(json!({ "type": "object" })),
        _ => {
            let mut kind = name.to_ascii_lowercase();
            // Primitive* are the 1.0 non-nullable forms of the same types.
            if let Some(rest) = kind.strip_prefix("primitive") {
                kind = rest.to_owned();
            }
            let kind = match kind.as_str() {
                "biginteger" => "bigInteger",
                "bigdecimal" => "bigDecimal",
                other => other,
            };
            prelude_kind(kind, location)
        }
    }
}

/// The schema of a simple shape type.
fn prelude_kind(kind: &str, location: Location) -> Option<Value> {
    Some(match kind {
        "string" => json!({ "type": "string" }),
        "boolean" => json!({ "type": "boolean" }),
        "byte" | "short" | "integer" => json!({ "type": "integer", "format": "int32" }),
        "long" => json!({ "type": "integer", "format": "int64" }),
        "float" => json!({ "type": "number", "format": "float" }),
        "double" => json!({ "type": "number", "format": "double" }),
        "bigInteger" | "bigDecimal" => json!({ "type": "number" }),
        // Base64 text in a JSON body or a header.
        "blob" if location != Location::Label => json!({ "type": "string", "format": "byte" }),
        "blob" => json!({ "type": "string" }),
        // Any JSON value.
        "document" => json!({}),
        _ => return None,
    })
}
