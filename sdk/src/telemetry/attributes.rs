//! Attribute values in the OpenTelemetry GenAI semantic conventions' forms: the provider's
//! well-known name, the error type, and prompts and outputs as the conventions' JSON messages
//! (`gen_ai.input.messages`, `gen_ai.output.messages`, `gen_ai.system_instructions`).
//!
//! Inline file data is never recorded (only its media type): it can be megabytes, and a trace
//! backend is the wrong place for it. URLs are recorded as they are.

// Parts of this module serve only the single-call builders of the other model kinds (embed,
// generate_image, ...), each behind its feature: unused code is caught in builds with all of them.
#![cfg_attr(
    not(all(feature = "embedding", feature = "image", feature = "speech", feature = "transcription", feature = "reranking")),
    allow(dead_code)
)]

use serde_json::{Map, Value, json};

use crate::error::Error;
use crate::provider::{AssistantPart, Content, FileData, FinishReason, Message, UserPart};
use crate::step::StepContent;

/// The conventions' `gen_ai.operation.name` values specai uses.
pub(crate) mod operation {
    /// Chat completion (every language model call).
    pub(crate) const CHAT: &str = "chat";
    /// Embeddings.
    pub(crate) const EMBEDDINGS: &str = "embeddings";
    /// Images, speech and transcripts (multimodal content).
    pub(crate) const GENERATE_CONTENT: &str = "generate_content";
    /// A tool's execution.
    pub(crate) const EXECUTE_TOOL: &str = "execute_tool";
    /// Reranking: no conventions value yet, so a custom one.
    pub(crate) const RERANK: &str = "rerank";
}

/// The conventions' `gen_ai.provider.name` for a model's provider string (`openai.chat`,
/// `google.vertex.chat`...): the well-known value where there is one, else the provider's
/// own first segment.
pub(crate) fn provider_name(provider: &str) -> &str {
    let first = provider.split('.').next().unwrap_or(provider);
    match first {
        "google" => "gcp.gemini",
        "vertex" => "gcp.vertex_ai",
        "bedrock" | "amazon-bedrock" => "aws.bedrock",
        "azure" => "azure.ai.openai",
        "mistral" => "mistral_ai",
        "xai" => "x_ai",
        other => other,
    }
}

/// A low-cardinality name for an error (`error.type`): the HTTP status of an API error, else
/// the kind of error; a retried call is named after its last error.
pub(crate) fn error_type(error: &Error) -> String {
    let kind = match error.last_error() {
        Error::ApiCall(api) => return api.status.to_string(),
        Error::Timeout { .. } => "timeout",
        Error::Connection { .. } => "connection",
        Error::InvalidResponse { .. } => "invalid_response",
        Error::NoSuchTool { .. } => "no_such_tool",
        Error::InvalidToolInput { .. } => "invalid_tool_input",
        Error::ToolExecution { .. } => "tool_execution",
        Error::NoObjectGenerated(_) => "no_object_generated",
        Error::Unsupported { .. } => "unsupported",
        Error::InvalidArgument { .. } => "invalid_argument",
        Error::MissingToolResults { .. } => "missing_tool_results",
        Error::MissingApiKey { .. } => "missing_api_key",
        Error::NoSuchModel { .. } => "no_such_model",
        Error::NoSuchProvider { .. } => "no_such_provider",
        Error::Cancelled => "cancelled",
        Error::ResponseTooLarge { .. } => "response_too_large",
        _ => "_OTHER",
    };
    kind.to_owned()
}

/// The conventions' finish reason names (`tool_call` rather than the AI SDK's `tool-calls`).
pub(crate) fn finish_reason(reason: FinishReason) -> &'static str {
    match reason {
        FinishReason::Stop => "stop",
        FinishReason::Length => "length",
        FinishReason::ContentFilter => "content_filter",
        FinishReason::ToolCalls => "tool_call",
        FinishReason::Error => "error",
        _ => "other",
    }
}

/// The system text as `gen_ai.system_instructions`.
pub(crate) fn system_instructions(system: &str) -> String {
    json!([{"type": "text", "content": system}]).to_string()
}

/// The prompt as `gen_ai.input.messages` (system messages go to `gen_ai.system_instructions`).
pub(crate) fn input_messages(messages: &[Message]) -> String {
    let messages: Vec<Value> = messages.iter().filter_map(input_message).collect();
    Value::Array(messages).to_string()
}

fn input_message(message: &Message) -> Option<Value> {
    let (role, parts): (&str, Vec<Value>) = match message {
        Message::System { .. } | Message::ToolApproval { .. } => return None,
        Message::User { content, .. } => ("user", content.iter().filter_map(user_part).collect()),
        Message::Assistant { content, .. } => ("assistant", content.iter().filter_map(assistant_part).collect()),
        Message::Tool { content, .. } => (
            "tool",
            content.iter().map(|result| tool_response(&result.tool_call_id, to_json(&result.output))).collect(),
        ),
        _ => return None,
    };
    Some(json!({"role": role, "parts": parts}))
}

fn user_part(part: &UserPart) -> Option<Value> {
    match part {
        UserPart::Text(text) => Some(text_part("text", &text.text)),
        UserPart::File(file) => Some(file_part(&file.data, &file.media_type)),
        _ => None,
    }
}

fn assistant_part(part: &AssistantPart) -> Option<Value> {
    match part {
        AssistantPart::Text(text) => Some(text_part("text", &text.text)),
        AssistantPart::Reasoning(reasoning) => Some(text_part("reasoning", &reasoning.text)),
        AssistantPart::File(file) => Some(file_part(&file.data, &file.media_type)),
        AssistantPart::ToolCall(call) => Some(tool_call(&call.tool_call_id, &call.tool_name, call.input.clone())),
        AssistantPart::ToolResult(result) => Some(tool_response(&result.tool_call_id, to_json(&result.output))),
        _ => None,
    }
}

/// A model response's content as `gen_ai.output.messages`: one assistant message.
pub(crate) fn output_messages(content: &[Content], reason: FinishReason) -> String {
    let parts: Vec<Value> = content
        .iter()
        .filter_map(|part| match part {
            Content::Text { text, .. } => Some(text_part("text", text)),
            Content::Reasoning { text, .. } => Some(text_part("reasoning", text)),
            Content::File(file) => Some(file_part(&file.data, &file.media_type)),
            Content::ToolCall(call) => {
                let arguments = serde_json::from_str(&call.input).unwrap_or_else(|_| Value::String(call.input.clone()));
                Some(tool_call(&call.tool_call_id, &call.tool_name, arguments))
            }
            Content::ToolResult(result) => Some(tool_response(&result.tool_call_id, result.result.clone())),
            _ => None,
        })
        .collect();
    output_message(parts, reason)
}

/// A streamed step's content as `gen_ai.output.messages` (results of tools run here are not
/// the model's output, and are left out).
pub(crate) fn step_output_messages(content: &[StepContent], reason: FinishReason) -> String {
    let parts: Vec<Value> = content
        .iter()
        .filter_map(|part| match part {
            StepContent::Text { text, .. } => Some(text_part("text", text)),
            StepContent::Reasoning { text, .. } => Some(text_part("reasoning", text)),
            StepContent::File(file) => Some(file_part(&file.data, &file.media_type)),
            StepContent::ToolCall(call) => Some(tool_call(&call.tool_call_id, &call.tool_name, call.input.clone())),
            StepContent::ToolResult(result) if result.provider_executed => {
                Some(tool_response(&result.tool_call_id, result.output.clone()))
            }
            _ => None,
        })
        .collect();
    output_message(parts, reason)
}

fn output_message(parts: Vec<Value>, reason: FinishReason) -> String {
    json!([{"role": "assistant", "parts": parts, "finish_reason": finish_reason(reason)}]).to_string()
}

/// One message of one text part, in the conventions' form (outputs with a finish reason).
pub(crate) fn text_messages(role: &str, text: &str, reason: Option<FinishReason>) -> String {
    let mut message = json!({"role": role, "parts": [text_part("text", text)]});
    if let Some(reason) = reason {
        message["finish_reason"] = finish_reason(reason).into();
    }
    Value::Array(vec![message]).to_string()
}

fn text_part(kind: &str, content: &str) -> Value {
    json!({"type": kind, "content": content})
}

fn tool_call(id: &str, name: &str, arguments: Value) -> Value {
    json!({"type": "tool_call", "id": id, "name": name, "arguments": arguments})
}

fn tool_response(id: &str, response: Value) -> Value {
    json!({"type": "tool_call_response", "id": id, "response": response})
}

/// A file by URL (`uri`), or inline data by its media type only (`blob` without content).
fn file_part(data: &FileData, media_type: &str) -> Value {
    let mut part = Map::new();
    match data {
        FileData::Url(url) => {
            part.insert("type".into(), "uri".into());
            part.insert("uri".into(), url.as_str().into());
        }
        _ => {
            part.insert("type".into(), "blob".into());
        }
    }
    part.insert("mime_type".into(), media_type.into());
    part.insert("modality".into(), modality(media_type).into());
    Value::Object(part)
}

fn modality(media_type: &str) -> &'static str {
    match media_type.split('/').next() {
        Some("image") => "image",
        Some("audio") => "audio",
        Some("video") => "video",
        _ => "file",
    }
}

fn to_json(value: &impl serde::Serialize) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::{FilePart, ToolCallPart};

    #[test]
    fn provider_names_follow_the_conventions() {
        assert_eq!(provider_name("openai.chat"), "openai");
        assert_eq!(provider_name("google.generative-ai"), "gcp.gemini");
        assert_eq!(provider_name("anthropic.messages"), "anthropic");
        assert_eq!(provider_name("groq"), "groq");
    }

    #[test]
    fn error_types_are_low_cardinality() {
        assert_eq!(error_type(&Error::Cancelled), "cancelled");
        let retried = Error::RetriesExhausted { errors: vec![Error::invalid_argument("a", "b")] };
        assert_eq!(error_type(&retried), "invalid_argument");
    }

    #[test]
    fn input_messages_have_the_conventions_shape_without_inline_data() {
        let messages = vec![
            Message::system("be terse"),
            Message::User {
                content: vec![UserPart::text("hi"), UserPart::File(FilePart::new(FileData::Base64("AAAA".into()), "image/png"))],
                provider_options: Default::default(),
            },
            Message::Assistant {
                content: vec![AssistantPart::ToolCall(ToolCallPart::new("c1", "weather", json!({"city": "Paris"})))],
                provider_options: Default::default(),
            },
        ];
        let recorded: Value = serde_json::from_str(&input_messages(&messages)).unwrap();
        assert_eq!(
            recorded,
            json!([
                {"role": "user", "parts": [
                    {"type": "text", "content": "hi"},
                    {"type": "blob", "mime_type": "image/png", "modality": "image"}
                ]},
                {"role": "assistant", "parts": [
                    {"type": "tool_call", "id": "c1", "name": "weather", "arguments": {"city": "Paris"}}
                ]}
            ])
        );
    }
}
