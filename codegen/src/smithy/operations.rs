//! Smithy operations with an `smithy.api#http` trait -> OpenAPI operations (restJson1 bindings).
//!
//! The input's members are split by their binding traits: `httpLabel` -> path parameter,
//! `httpQuery` -> query parameter, `httpHeader` -> header parameter, `httpPayload` -> the whole
//! body (a structure or union as JSON, a blob as raw bytes, an event-stream union as
//! `application/vnd.amazon.eventstream`); the unbound members form the JSON body, a component
//! named after the input shape. The output is split the same way; each error in the
//! operation's (and the service's) `errors` becomes a response of its `httpError` status.

use serde_json::{Map, Value, json};

use super::shapes::{Converter, Location, member_target, members};
use super::{Model, PASS, local_name, trait_value};
use crate::log::Log;

/// The media type of an AWS event stream.
pub const EVENT_STREAM: &str = "application/vnd.amazon.eventstream";

/// The HTTP bindings of a member, as read from its traits.
enum Binding<'v> {
    Label,
    Query(&'v str),
    Header(&'v str),
    Payload,
    Body,
    Unsupported(&'static str),
}

fn binding(member: &Value) -> Binding<'_> {
    if trait_value(member, "smithy.api#httpLabel").is_some() {
        Binding::Label
    } else if let Some(name) = trait_value(member, "smithy.api#httpQuery").and_then(Value::as_str) {
        Binding::Query(name)
    } else if let Some(name) = trait_value(member, "smithy.api#httpHeader").and_then(Value::as_str)
    {
        Binding::Header(name)
    } else if trait_value(member, "smithy.api#httpPayload").is_some() {
        Binding::Payload
    } else if trait_value(member, "smithy.api#httpQueryParams").is_some() {
        Binding::Unsupported("httpQueryParams")
    } else if trait_value(member, "smithy.api#httpPrefixHeaders").is_some() {
        Binding::Unsupported("httpPrefixHeaders")
    } else if trait_value(member, "smithy.api#httpResponseCode").is_some() {
        Binding::Unsupported("httpResponseCode")
    } else {
        Binding::Body
    }
}

/// `(path, method, operation object)` of one operation; `None` without an HTTP binding.
pub fn convert(
    model: &Model,
    converter: &mut Converter<'_>,
    id: &str,
    operation: &Value,
    log: &mut Log,
) -> Result<Option<(String, String, Value)>, String> {
    let Some(http) = trait_value(operation, "smithy.api#http") else {
        return Ok(None);
    };
    let method = http
        .get("method")
        .and_then(Value::as_str)
        .ok_or_else(|| format!("{id}: http trait without method"))?
        .to_ascii_lowercase();
    let uri = http
        .get("uri")
        .and_then(Value::as_str)
        .ok_or_else(|| format!("{id}: http trait without uri"))?;
    let (path, literal_query) = uri.split_once('?').unwrap_or((uri, ""));
    if !literal_query.is_empty() {
        log.change(PASS, format!("{id}: literal query `{literal_query}` of the URI left out (set it in the mapping's operation query)"));
    }
    // Greedy labels (`{key+}`) are plain path parameters in OpenAPI.
    let path = path.replace("+}", "}");
    let code = http
        .get("code")
        .and_then(Value::as_u64)
        .unwrap_or(200)
        .to_string();
    let name = local_name(id);
    let mut item = json!({ "operationId": name });

    if let Some(input) = operation
        .get("input")
        .and_then(|i| i.get("target"))
        .and_then(Value::as_str)
    {
        let (parameters, body) = input_parts(model, converter, id, input, log)?;
        if !parameters.is_empty() {
            item["parameters"] = Value::Array(parameters);
        }
        if let Some(body) = body {
            item["requestBody"] = body;
        }
    }
    let mut responses = Map::new();
    let success = match operation
        .get("output")
        .and_then(|o| o.get("target"))
        .and_then(Value::as_str)
    {
        Some(output) => output_response(model, converter, id, output, log)?,
        None => json!({ "description": "success" }),
    };
    responses.insert(code, success);
    let service_errors: Vec<Value> = model
        .of_type("service")
        .flat_map(|(_, s)| {
            s.get("errors")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default()
        })
        .collect();
    for error in operation
        .get("errors")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .chain(&service_errors)
    {
        let Some(target) = error.get("target").and_then(Value::as_str) else {
            continue;
        };
        let shape = model
            .shape(target)
            .ok_or_else(|| format!("{id}: error `{target}` is not defined"))?;
        let status = trait_value(shape, "smithy.api#httpError")
            .and_then(Value::as_u64)
            .unwrap_or_else(|| {
                if trait_value(shape, "smithy.api#error").and_then(Value::as_str) == Some("client")
                {
                    400
                } else {
                    500
                }
            });
        let schema = converter.schema(target, None, Location::Body)?;
        // Two errors of one status: the first is named, both bodies are `{"message": ...}`.
        responses.entry(status.to_string()).or_insert_with(|| json!({ "description": local_name(target), "content": { "application/json": { "schema": schema } } }));
    }
    item["responses"] = Value::Object(responses);
    Ok(Some((path, method, item)))
}

/// The parameters and request body of an operation's input structure.
fn input_parts(
    model: &Model,
    converter: &mut Converter<'_>,
    id: &str,
    input: &str,
    log: &mut Log,
) -> Result<(Vec<Value>, Option<Value>), String> {
    let shape = model
        .shape(input)
        .ok_or_else(|| format!("{id}: input `{input}` is not defined"))?;
    let mut parameters = Vec::new();
    let mut payload = None;
    let mut has_body_members = false;
    for (member_name, member) in members(shape) {
        let target = member_target(member, input)?;
        let required = trait_value(member, "smithy.api#required").is_some();
        let (location, name, schema_location) = match binding(member) {
            Binding::Label => ("path", member_name.as_str(), Location::Label),
            Binding::Query(name) => ("query", name, Location::Label),
            Binding::Header(name) => ("header", name, Location::Header),
            Binding::Payload => {
                payload = Some(payload_content(model, converter, target, member)?);
                continue;
            }
            Binding::Body => {
                has_body_members = true;
                continue;
            }
            Binding::Unsupported(what) => {
                log.change(
                    PASS,
                    format!("{id}: input member `{member_name}` ({what}) left out"),
                );
                continue;
            }
        };
        let schema = converter.schema(target, Some(member), schema_location)?;
        parameters.push(json!({ "name": name, "in": location, "required": required || location == "path", "schema": schema }));
    }
    let body = match payload {
        Some(content) => Some(json!({ "required": true, "content": content })),
        None if has_body_members => {
            let reference = converter.body_component(input, local_name(input), &|member| {
                matches!(binding(member), Binding::Body)
            })?;
            Some(
                json!({ "required": true, "content": { "application/json": { "schema": { "$ref": reference } } } }),
            )
        }
        None => None,
    };
    Ok((parameters, body))
}

/// The success response of an operation's output structure (response headers are left out:
/// the SDK reads the few it needs by name).
fn output_response(
    model: &Model,
    converter: &mut Converter<'_>,
    id: &str,
    output: &str,
    log: &mut Log,
) -> Result<Value, String> {
    let shape = model
        .shape(output)
        .ok_or_else(|| format!("{id}: output `{output}` is not defined"))?;
    let mut payload = None;
    let mut has_body_members = false;
    for (member_name, member) in members(shape) {
        match binding(member) {
            Binding::Payload => {
                payload = Some(payload_content(
                    model,
                    converter,
                    member_target(member, output)?,
                    member,
                )?)
            }
            Binding::Body => has_body_members = true,
            Binding::Header(header) => log.change(
                PASS,
                format!(
                    "{id}: output header `{header}` ({member_name}) not in the response schema"
                ),
            ),
            _ => log.change(
                PASS,
                format!("{id}: output member `{member_name}` left out (not a body binding)"),
            ),
        }
    }
    let content = match payload {
        Some(content) => content,
        None if has_body_members => {
            let reference = converter.body_component(output, local_name(output), &|member| {
                matches!(binding(member), Binding::Body)
            })?;
            json!({ "application/json": { "schema": { "$ref": reference } } })
        }
        None => return Ok(json!({ "description": "success" })),
    };
    Ok(json!({ "description": "success", "content": content }))
}

/// The content of an `httpPayload` member: JSON for structures, unions and documents, raw
/// bytes for blobs (the JSON a model-specific body holds is not described by the model), text
/// for strings, an event stream for a streaming union.
fn payload_content(
    model: &Model,
    converter: &mut Converter<'_>,
    target: &str,
    member: &Value,
) -> Result<Value, String> {
    let shape = model.shape(target);
    let prelude_kind = match target {
        "smithy.api#Blob" => "blob",
        "smithy.api#String" => "string",
        "smithy.api#Document" => "document",
        _ => "",
    };
    let kind = shape
        .and_then(|s| s.get("type"))
        .and_then(Value::as_str)
        .unwrap_or(prelude_kind);
    let streaming = shape.is_some_and(|s| trait_value(s, "smithy.api#streaming").is_some());
    Ok(match kind {
        "union" if streaming => {
            json!({ EVENT_STREAM: { "schema": converter.schema(target, Some(member), Location::Body)? } })
        }
        "structure" | "union" | "document" => {
            json!({ "application/json": { "schema": converter.schema(target, Some(member), Location::Body)? } })
        }
        "blob" => {
            json!({ "application/octet-stream": { "schema": { "type": "string", "format": "binary" } } })
        }
        "string" => json!({ "text/plain": { "schema": { "type": "string" } } }),
        other => return Err(format!("{target}: a `{other}` payload is not supported")),
    })
}
