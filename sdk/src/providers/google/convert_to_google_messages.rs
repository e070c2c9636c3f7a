//! The prompt as Gemini `contents` plus a `systemInstruction`.
//!
//! System messages become the system instruction (for Gemma models, which have none, they are
//! prepended to the first user message); user and tool messages have role `user`, assistant
//! messages role `model`. Thought signatures travel in each part's provider options under
//! `google.thoughtSignature`, as the model returned them. Function-call ids are sent back only
//! when Gemini gave them (`google.functionCallId` in the tool call's options): an id it did not
//! produce is never invented on the wire.

use std::collections::HashSet;

use serde_json::{Map, Value, json};

use super::wire::{Blob, CodeExecutionResult, Content, ExecutableCode, FileData, FunctionCall, FunctionResponse, Part};
use crate::error::{Error, Result};
use crate::provider::{
    AssistantPart, FileData as PromptFileData, FilePart, Message, ProviderOptions, ToolResultContent,
    ToolResultOutput, ToolResultPart, UserPart,
};
use crate::provider_utils::concrete_image_media_type;

/// The converted prompt.
#[derive(Debug, Clone, PartialEq)]
pub struct GooglePrompt {
    /// The system instruction, when the prompt had system messages (and the model takes one).
    pub system_instruction: Option<Content>,
    /// The conversation.
    pub contents: Vec<Content>,
}

/// A part with every field empty.
pub(crate) fn empty_part() -> Part {
    Part {
        text: None,
        inline_data: None,
        function_call: None,
        function_response: None,
        file_data: None,
        executable_code: None,
        code_execution_result: None,
        thought: None,
        thought_signature: None,
        video_metadata: None,
        extra: Map::new(),
    }
}

/// A wire enum from its wire name (unknown names are kept as `Unlisted`).
pub(crate) fn wire_enum<T: std::str::FromStr>(name: &str) -> Result<T>
where
    T::Err: std::fmt::Display,
{
    name.parse().map_err(|error: T::Err| Error::invalid_argument(name.to_owned(), error.to_string()))
}

/// A text part.
pub(crate) fn text_part(text: impl Into<String>) -> Part {
    Part { text: Some(text.into()), ..empty_part() }
}

fn content(role: &str, parts: Vec<Part>) -> Content {
    Content { parts, role: Some(role.to_owned()), extra: Map::new() }
}

/// The `google.<key>` string of a part's provider options.
fn google_option<'a>(options: &'a ProviderOptions, key: &str) -> Option<&'a str> {
    options.get("google").and_then(|google| google.get(key)).and_then(Value::as_str)
}

/// The thought signature Google documents for a function call whose own was not kept.
const SKIP_SIGNATURE_VALIDATION: &str = "skip_thought_signature_validator";

/// Signs the first function call of each model turn that has none, for Gemini 3, which
/// rejects a turn whose first call is unsigned (a call from another model's history, or one kept
/// without its provider options); later calls of a turn are unsigned by design (Gemini signs the
/// first of parallel calls). Returns whether any call was signed so, for a warning.
pub(crate) fn sign_unsigned_function_calls(contents: &mut [Content]) -> bool {
    let mut signed_any = false;
    for content in contents.iter_mut().filter(|content| content.role.as_deref() == Some("model")) {
        if let Some(first) = content.parts.iter_mut().find(|part| part.function_call.is_some())
            && first.thought_signature.is_none()
        {
            first.thought_signature = Some(SKIP_SIGNATURE_VALIDATION.to_owned());
            signed_any = true;
        }
    }
    signed_any
}

/// Converts the prompt; `is_gemma` folds system messages into the first user message.
pub fn convert_to_google_messages(prompt: &[Message], is_gemma: bool) -> Result<GooglePrompt> {
    let mut system_parts: Vec<Part> = Vec::new();
    let mut contents: Vec<Content> = Vec::new();
    let mut system_allowed = true;
    // Tool calls whose id came from Gemini: their results carry it back.
    let mut server_ids: HashSet<&str> = HashSet::new();

    for message in prompt {
        match message {
            Message::System { content: text, .. } => {
                if !system_allowed {
                    return Err(Error::unsupported(
                        "system messages after the first user or assistant message",
                        Some("Gemini takes one system instruction, at the beginning of the conversation".into()),
                    ));
                }
                system_parts.push(text_part(text.clone()));
            }
            Message::User { content: parts, .. } => {
                system_allowed = false;
                let mut converted = Vec::with_capacity(parts.len());
                for part in parts {
                    match part {
                        UserPart::Text(text) => converted.push(text_part(text.text.clone())),
                        UserPart::File(file) => converted.push(convert_file(file)?),
                        other => {
                            return Err(Error::unsupported(format!("{} parts in user messages", other.kind()), None));
                        }
                    }
                }
                contents.push(content("user", converted));
            }
            Message::Assistant { content: parts, .. } => {
                system_allowed = false;
                let mut converted = Vec::with_capacity(parts.len());
                for part in parts {
                    match part {
                        AssistantPart::Text(text) => {
                            let signature = google_option(&text.provider_options, "thoughtSignature").map(str::to_owned);
                            // Gemini may sign an empty text part; keep it so the signature goes back.
                            if text.text.is_empty() && signature.is_none() {
                                continue;
                            }
                            converted.push(Part { thought_signature: signature, ..text_part(text.text.clone()) });
                        }
                        AssistantPart::Reasoning(reasoning) => {
                            let signature =
                                google_option(&reasoning.provider_options, "thoughtSignature").map(str::to_owned);
                            if reasoning.text.is_empty() && signature.is_none() {
                                continue;
                            }
                            converted.push(Part {
                                thought: Some(true),
                                thought_signature: signature,
                                ..text_part(reasoning.text.clone())
                            });
                        }
                        AssistantPart::File(file) => converted.push(convert_file(file)?),
                        AssistantPart::ToolCall(call) if call.provider_executed && call.tool_name == "code_execution" => {
                            converted.push(Part {
                                executable_code: Some(ExecutableCode {
                                    language: wire_enum(call.input.get("language").and_then(Value::as_str).unwrap_or("PYTHON"))?,
                                    code: call.input.get("code").and_then(Value::as_str).unwrap_or_default().to_owned(),
                                    extra: Map::new(),
                                }),
                                thought_signature: google_option(&call.provider_options, "thoughtSignature")
                                    .map(str::to_owned),
                                ..empty_part()
                            });
                        }
                        AssistantPart::ToolCall(call) if call.provider_executed => {
                            // Google search and URL context leave no call in the conversation.
                        }
                        AssistantPart::ToolCall(call) => {
                            let server_id = google_option(&call.provider_options, "functionCallId");
                            if let Some(id) = server_id {
                                server_ids.insert(id);
                            }
                            let args = match &call.input {
                                Value::Object(object) => object.clone(),
                                Value::Null => Map::new(),
                                other => {
                                    return Err(Error::invalid_argument(
                                        "tool call input",
                                        format!("Gemini function call arguments must be a JSON object, got {other}"),
                                    ));
                                }
                            };
                            converted.push(Part {
                                function_call: Some(FunctionCall {
                                    id: server_id.map(str::to_owned),
                                    name: call.tool_name.clone(),
                                    args,
                                    extra: Map::new(),
                                }),
                                thought_signature: google_option(&call.provider_options, "thoughtSignature")
                                    .map(str::to_owned),
                                ..empty_part()
                            });
                        }
                        AssistantPart::ToolResult(result) if result.tool_name == "code_execution" => {
                            let output = match &result.output {
                                ToolResultOutput::Json { value, .. } | ToolResultOutput::ErrorJson { value, .. } => {
                                    value.clone()
                                }
                                other => json!({"outcome": "OUTCOME_OK", "output": other.to_text()}),
                            };
                            converted.push(Part {
                                code_execution_result: Some(CodeExecutionResult {
                                    outcome: wire_enum(output.get("outcome").and_then(Value::as_str).unwrap_or("OUTCOME_OK"))?,
                                    output: output.get("output").and_then(Value::as_str).map(str::to_owned),
                                    extra: Map::new(),
                                }),
                                ..empty_part()
                            });
                        }
                        AssistantPart::ToolResult(_) => {
                            // Results of Google search / URL context are not sent back.
                        }
                        other => {
                            return Err(Error::unsupported(
                                format!("{} parts in assistant messages", other.kind()),
                                None,
                            ));
                        }
                    }
                }
                if !converted.is_empty() {
                    contents.push(content("model", converted));
                }
            }
            Message::Tool { content: results, .. } => {
                system_allowed = false;
                let mut converted = Vec::with_capacity(results.len());
                for result in results {
                    convert_tool_result(result, server_ids.contains(result.tool_call_id.as_str()), &mut converted)?;
                }
                contents.push(content("user", converted));
            }
            other => return Err(Error::unsupported(format!("{} messages", other.role()), None)),
        }
    }

    if is_gemma && !system_parts.is_empty() {
        let system_text =
            system_parts.iter().filter_map(|part| part.text.as_deref()).collect::<Vec<_>>().join("\n\n");
        match contents.iter_mut().find(|content| content.role.as_deref() == Some("user")) {
            Some(first_user) => first_user.parts.insert(0, text_part(format!("{system_text}\n\n"))),
            None => contents.insert(0, content("user", vec![text_part(system_text)])),
        }
        return Ok(GooglePrompt { system_instruction: None, contents });
    }

    let system_instruction =
        (!system_parts.is_empty()).then(|| Content { parts: system_parts, role: None, extra: Map::new() });
    Ok(GooglePrompt { system_instruction, contents })
}

fn convert_file(file: &FilePart) -> Result<Part> {
    // Gemini wants a concrete media type.
    let media_type = concrete_image_media_type(&file.media_type, &file.data);
    Ok(match &file.data {
        PromptFileData::Url(url) => match url.strip_prefix("data:").and_then(|rest| rest.split_once(";base64,")) {
            Some((data_media_type, data)) => Part {
                inline_data: Some(Blob {
                    mime_type: if data_media_type.is_empty() { media_type.to_owned() } else { data_media_type.to_owned() },
                    data: data.to_owned(),
                    extra: Map::new(),
                }),
                ..empty_part()
            },
            None => Part {
                file_data: Some(FileData { mime_type: Some(media_type.to_owned()), file_uri: url.clone(), extra: Map::new() }),
                ..empty_part()
            },
        },
        inline => Part {
            inline_data: Some(Blob {
                mime_type: media_type.to_owned(),
                data: inline
                    .to_base64()
                    .ok_or_else(|| Error::unsupported(format!("{} file data", inline.kind()), None))?,
                extra: Map::new(),
            }),
            ..empty_part()
        },
    })
}

fn function_response(result: &ToolResultPart, send_id: bool, content: Value) -> Part {
    let mut response = Map::new();
    response.insert("name".into(), Value::String(result.tool_name.clone()));
    response.insert("content".into(), content);
    Part {
        function_response: Some(FunctionResponse {
            id: send_id.then(|| result.tool_call_id.clone()),
            name: result.tool_name.clone(),
            response,
            will_continue: None,
            extra: Map::new(),
        }),
        ..empty_part()
    }
}

fn convert_tool_result(result: &ToolResultPart, send_id: bool, parts: &mut Vec<Part>) -> Result<()> {
    match &result.output {
        ToolResultOutput::Text { value, .. } | ToolResultOutput::ErrorText { value, .. } => {
            parts.push(function_response(result, send_id, Value::String(value.clone())));
        }
        ToolResultOutput::Json { value, .. } | ToolResultOutput::ErrorJson { value, .. } => {
            parts.push(function_response(result, send_id, value.clone()));
        }
        ToolResultOutput::Content { value, .. } => {
            // Text goes into the function response; media follow it as parts of the same turn.
            parts.push(function_response(result, send_id, Value::String(result.output.to_text())));
            for item in value {
                match item {
                    ToolResultContent::Text { .. } => {}
                    ToolResultContent::Media { data, media_type, .. } => parts.push(Part {
                        inline_data: Some(Blob { mime_type: media_type.clone(), data: data.clone(), extra: Map::new() }),
                        ..empty_part()
                    }),
                    ToolResultContent::MediaUrl { url, media_type, .. } => parts.push(Part {
                        file_data: Some(FileData { mime_type: media_type.clone(), file_uri: url.clone(), extra: Map::new() }),
                        ..empty_part()
                    }),
                    other => return Err(Error::unsupported(format!("{} parts in tool results", other.kind()), None)),
                }
            }
        }
        // Denials, and output kinds added to the spec later: the spec's text form.
        other => parts.push(function_response(result, send_id, Value::String(other.to_text()))),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::{ReasoningPart, TextPart, ToolCallPart};

    fn to_json<T: serde::Serialize + ?Sized>(value: &T) -> Value {
        serde_json::to_value(value).unwrap()
    }

    #[test]
    fn system_user_and_files() {
        let prompt = vec![
            Message::system("be brief"),
            Message::user_parts(vec![
                UserPart::text("what is this?"),
                UserPart::file(vec![1u8, 2, 3], "image/*"),
                UserPart::file_url("https://example.com/a.pdf", "application/pdf"),
                UserPart::file(b"GIF89a\x01\x00".to_vec(), "image/*"),
            ]),
        ];
        let converted = convert_to_google_messages(&prompt, false).unwrap();
        assert_eq!(to_json(&converted.system_instruction), json!({"parts": [{"text": "be brief"}]}));
        assert_eq!(
            to_json(&converted.contents),
            json!([{"role": "user", "parts": [
                {"text": "what is this?"},
                {"inlineData": {"mimeType": "image/jpeg", "data": "AQID"}},
                {"fileData": {"mimeType": "application/pdf", "fileUri": "https://example.com/a.pdf"}},
                {"inlineData": {"mimeType": "image/gif", "data": "R0lGODlhAQA="}}
            ]}])
        );
    }

    #[test]
    fn gemma_gets_system_text_in_first_user_message() {
        let prompt = vec![Message::system("be brief"), Message::user("hi")];
        let converted = convert_to_google_messages(&prompt, true).unwrap();
        assert_eq!(converted.system_instruction, None);
        assert_eq!(to_json(&converted.contents), json!([{"role": "user", "parts": [{"text": "be brief\n\n"}, {"text": "hi"}]}]));
    }

    #[test]
    fn multi_part_tool_results_send_media_after_the_response() {
        let prompt = vec![Message::tool(vec![ToolResultPart::new(
            "c1",
            "screenshot",
            ToolResultOutput::content(vec![
                ToolResultContent::text("the screen"),
                ToolResultContent::media("iVBORw==", "image/png"),
            ]),
        )])];
        let converted = convert_to_google_messages(&prompt, false).unwrap();
        assert_eq!(
            to_json(&converted.contents),
            json!([{"role": "user", "parts": [
                {"functionResponse": {"name": "screenshot", "response": {"name": "screenshot", "content": "the screen"}}},
                {"inlineData": {"mimeType": "image/png", "data": "iVBORw=="}}
            ]}])
        );
    }

    #[test]
    fn late_system_message_is_an_error() {
        let prompt = vec![Message::user("hi"), Message::system("late")];
        assert!(matches!(convert_to_google_messages(&prompt, false), Err(Error::Unsupported { .. })));
    }

    #[test]
    fn tool_round_trip_with_signatures_and_ids() {
        let signed = ProviderOptions::new().with("google", json!({"thoughtSignature": "c2ln"}));
        let with_id = ProviderOptions::new().with("google", json!({"functionCallId": "fc-1"}));
        let prompt = vec![
            Message::user("weather?"),
            Message::assistant_parts(vec![
                AssistantPart::Reasoning(ReasoningPart::new("thinking").with_provider_options(signed.clone())),
                AssistantPart::Text(TextPart::new("let me check")),
                AssistantPart::ToolCall(
                    ToolCallPart::new("fc-1", "weather", json!({"city": "Paris"})).with_provider_options(with_id),
                ),
                AssistantPart::ToolCall(
                    ToolCallPart::new("local-2", "weather", json!({"city": "Rome"})).with_provider_options(signed),
                ),
            ]),
            Message::tool(vec![
                ToolResultPart::new("fc-1", "weather", ToolResultOutput::json(json!({"temp": 21}))),
                ToolResultPart::new("local-2", "weather", ToolResultOutput::text("sunny")),
            ]),
        ];
        let converted = convert_to_google_messages(&prompt, false).unwrap();
        assert_eq!(
            to_json(&converted.contents[1..]),
            json!([
                {"role": "model", "parts": [
                    {"text": "thinking", "thought": true, "thoughtSignature": "c2ln"},
                    {"text": "let me check"},
                    {"functionCall": {"id": "fc-1", "name": "weather", "args": {"city": "Paris"}}},
                    {"functionCall": {"name": "weather", "args": {"city": "Rome"}}, "thoughtSignature": "c2ln"}
                ]},
                {"role": "user", "parts": [
                    {"functionResponse": {"id": "fc-1", "name": "weather", "response": {"name": "weather", "content": {"temp": 21}}}},
                    {"functionResponse": {"name": "weather", "response": {"name": "weather", "content": "sunny"}}}
                ]}
            ])
        );
    }
}
