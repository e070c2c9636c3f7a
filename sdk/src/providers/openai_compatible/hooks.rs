//! Named hooks: the few vendor quirks a mapping file cannot say declaratively.
//!
//! A mapping refers to a hook by name (`[hooks] request = "mistral_tool_call_ids"`); the
//! adapter resolves the name here when the provider is built, and an unknown name is a
//! configuration error reported by every call. Keep this list short: each entry is Rust a
//! contributor had to write, which the mapping format should eventually make unnecessary.
//!
//! | hook | kind | provider | why |
//! |------|------|----------|-----|
//! | `mistral_tool_call_ids` | request | mistral | Mistral accepts only tool-call ids of 9 letters or digits; ids from other providers are rewritten consistently in assistant and tool messages. |
//! | `mistral_content_chunks` | response, stream_chunk | mistral | Magistral models answer with `content` as an array of `text`/`thinking` chunks instead of a string. |
//! | `azure_content_filter` | metadata | azure | Azure's content-filter verdicts, decoded with the types generated from `specs/azure`, become provider metadata. |
//! | `azure_error` | error | azure | Azure's error body, decoded with the generated types: the inner error's code is the type. |

use serde_json::{Map, Value};
use specai_generated::mappings::Hooks;

use crate::error::{Error, Result};
use crate::provider_utils::ErrorBody;

/// Rewrites the JSON request body before it is sent.
pub type RequestHook = fn(&mut Map<String, Value>);
/// Rewrites a JSON response body (or one stream chunk) before it is decoded.
pub type ResponseHook = fn(&mut Value);
/// Reads an error body the mapping's error paths cannot.
pub type ErrorHook = fn(&str) -> Option<ErrorBody>;
/// Reads provider metadata from a JSON response body (or one stream chunk) into the metadata
/// gathered so far (a stream's earlier chunks included).
pub type MetadataHook = fn(&Value, &mut Map<String, Value>);

/// Every request hook, by name.
pub const REQUEST_HOOKS: &[(&str, RequestHook)] = &[("mistral_tool_call_ids", mistral_tool_call_ids)];
/// Every response and stream-chunk hook, by name.
pub const RESPONSE_HOOKS: &[(&str, ResponseHook)] = &[("mistral_content_chunks", mistral_content_chunks)];
/// Every error hook, by name.
#[cfg(feature = "azure")]
pub const ERROR_HOOKS: &[(&str, ErrorHook)] = &[("azure_error", crate::providers::azure::azure_error::parse_azure_error)];
/// Every error hook, by name.
#[cfg(not(feature = "azure"))]
pub const ERROR_HOOKS: &[(&str, ErrorHook)] = &[];
/// Every metadata hook, by name.
#[cfg(feature = "azure")]
pub const METADATA_HOOKS: &[(&str, MetadataHook)] =
    &[("azure_content_filter", crate::providers::azure::azure_content_filter::azure_content_filter)];
/// Every metadata hook, by name.
#[cfg(not(feature = "azure"))]
pub const METADATA_HOOKS: &[(&str, MetadataHook)] = &[];

/// A mapping's hooks, resolved to functions.
#[derive(Debug, Clone, Copy, Default)]
pub struct ResolvedHooks {
    /// Request body hook.
    pub request: Option<RequestHook>,
    /// Response body hook.
    pub response: Option<ResponseHook>,
    /// Stream chunk hook.
    pub stream_chunk: Option<ResponseHook>,
    /// Error body hook.
    pub error: Option<ErrorHook>,
    /// Provider metadata hook.
    pub metadata: Option<MetadataHook>,
}

fn find<T: Copy>(table: &[(&str, T)], kind: &str, name: Option<&str>) -> Result<Option<T>> {
    let Some(name) = name else { return Ok(None) };
    match table.iter().find(|(known, _)| *known == name) {
        Some((_, hook)) => Ok(Some(*hook)),
        None => Err(Error::invalid_argument(
            format!("hooks.{kind}"),
            format!(
                "no {kind} hook named `{name}` in specai::openai_compatible::hooks; known: {}",
                table.iter().map(|(known, _)| *known).collect::<Vec<_>>().join(", ")
            ),
        )),
    }
}

impl ResolvedHooks {
    /// Resolves the names of a mapping's `[hooks]` table.
    pub fn resolve(hooks: &Hooks) -> Result<ResolvedHooks> {
        Ok(ResolvedHooks {
            request: find(REQUEST_HOOKS, "request", hooks.request)?,
            response: find(RESPONSE_HOOKS, "response", hooks.response)?,
            stream_chunk: find(RESPONSE_HOOKS, "stream_chunk", hooks.stream_chunk)?,
            error: find(ERROR_HOOKS, "error", hooks.error)?,
            metadata: find(METADATA_HOOKS, "metadata", hooks.metadata)?,
        })
    }
}

/// Mistral: tool-call ids must match `[a-zA-Z0-9]{9}`. Other ids (from OpenAI, say) are
/// replaced by a stable 9-character hash, the same in the assistant's call and the tool result.
pub(crate) fn mistral_tool_call_ids(body: &mut Map<String, Value>) {
    fn fix(id: &mut Value) {
        let Some(text) = id.as_str() else { return };
        if text.len() == 9 && text.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return;
        }
        // FNV-1a, printed in base 62: deterministic across calls and processes.
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for byte in text.bytes() {
            hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        }
        const DIGITS: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
        let fixed: String = (0..9)
            .map(|_| {
                let digit = DIGITS[(hash % 62) as usize] as char;
                hash /= 62;
                digit
            })
            .collect();
        *id = Value::String(fixed);
    }
    let Some(Value::Array(messages)) = body.get_mut("messages") else { return };
    for message in messages {
        if let Some(calls) = message.get_mut("tool_calls").and_then(Value::as_array_mut) {
            for call in calls {
                if let Some(id) = call.get_mut("id") {
                    fix(id);
                }
            }
        }
        if let Some(id) = message.get_mut("tool_call_id") {
            fix(id);
        }
    }
}

/// Mistral (Magistral): `content` as `[{"type": "thinking", "thinking": [{"type": "text",
/// "text": ...}]}, {"type": "text", "text": ...}]` becomes a `content` string and a
/// `reasoning_content` string, in a response's `choices[].message` or a chunk's `choices[].delta`.
pub(crate) fn mistral_content_chunks(body: &mut Value) {
    fn texts(value: &Value, out: &mut String) {
        match value {
            Value::String(text) => out.push_str(text),
            Value::Array(items) => items.iter().for_each(|item| texts(item, out)),
            Value::Object(object) => {
                if let Some(text) = object.get("text") {
                    texts(text, out);
                }
            }
            _ => {}
        }
    }
    let Some(choices) = body.get_mut("choices").and_then(Value::as_array_mut) else { return };
    for choice in choices {
        for key in ["message", "delta"] {
            let Some(Value::Object(message)) = choice.get_mut(key) else { continue };
            let Some(Value::Array(parts)) = message.get("content") else { continue };
            let (mut text, mut thinking) = (String::new(), String::new());
            for part in parts {
                match part.get("type").and_then(Value::as_str) {
                    Some("thinking") => texts(part.get("thinking").unwrap_or(&Value::Null), &mut thinking),
                    _ => texts(part, &mut text),
                }
            }
            message.insert("content".into(), Value::String(text));
            if !thinking.is_empty() {
                message.insert("reasoning_content".into(), Value::String(thinking));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn every_hook_named_by_a_mapping_exists() {
        for mapping in specai_generated::mappings::ALL {
            // Azure's hooks decode the types generated from specs/azure, compiled with its feature.
            if !cfg!(feature = "azure") && mapping.id == "azure" {
                continue;
            }
            ResolvedHooks::resolve(&mapping.hooks).unwrap_or_else(|error| panic!("{}: {error}", mapping.id));
        }
    }

    #[test]
    fn mistral_ids_are_rewritten_consistently() {
        let mut body = json!({"messages": [
            {"role": "assistant", "tool_calls": [{"id": "call_abc-123", "function": {"name": "f"}}]},
            {"role": "tool", "tool_call_id": "call_abc-123", "content": "x"},
            {"role": "tool", "tool_call_id": "abcDEF123", "content": "y"}
        ]});
        mistral_tool_call_ids(body.as_object_mut().unwrap());
        let id = body["messages"][0]["tool_calls"][0]["id"].as_str().unwrap().to_owned();
        assert_eq!(id.len(), 9);
        assert!(id.bytes().all(|b| b.is_ascii_alphanumeric()));
        assert_eq!(body["messages"][1]["tool_call_id"], json!(id));
        assert_eq!(body["messages"][2]["tool_call_id"], json!("abcDEF123"));
    }

    #[test]
    fn mistral_content_chunks_become_text_and_reasoning() {
        let mut body = json!({"choices": [{"message": {"role": "assistant", "content": [
            {"type": "thinking", "thinking": [{"type": "text", "text": "hmm"}]},
            {"type": "text", "text": "42"}
        ]}}]});
        mistral_content_chunks(&mut body);
        assert_eq!(body["choices"][0]["message"]["content"], json!("42"));
        assert_eq!(body["choices"][0]["message"]["reasoning_content"], json!("hmm"));
    }
}
