//! The prompt as Responses API `input` items.
//!
//! Messages become `message` items with typed content (`input_text`, `input_image`,
//! `input_file`, `output_text`); tool calls become `function_call` items and tool results
//! `function_call_output` items. Reasoning parts are sent back as `reasoning` items, identified by
//! the `item_id` their provider metadata carries (`{"openai": {"item_id": "rs_...",
//! "reasoning_encrypted_content": "..."}}`), so that a conversation with a reasoning model can go
//! on without server-side storage (`store: false`). Several reasoning parts of one item (one per
//! summary) are merged back into one item.

use serde_json::Map;
use specai_generated::openai::types as api;

use crate::error::{Error, Result};
use crate::provider::{AssistantPart, FileData, FilePart, Message, ProviderOptions, UserPart, Warning};

use crate::providers::openai_compatible::{image_detail, tool_output_text};
use super::openai_options::{OPENAI_PROVIDER_ID, SystemMessageMode};

fn input_message(role: api::InputItemRole, content: api::InputItemContent, id: Option<String>) -> api::InputItem {
    api::InputItem::Message { role, content, id, status: None }
}

fn summary_text(text: &str) -> api::SummaryText {
    api::SummaryText { text: text.to_owned(), type_: api::SummaryTextType::SummaryText, extra: Map::new() }
}

/// A string field of the `openai` entry of part options (`item_id`...).
fn openai_string(options: &ProviderOptions, key: &str) -> Option<String> {
    options.get(OPENAI_PROVIDER_ID)?.get(key)?.as_str().map(str::to_owned)
}

/// Converts the prompt. `store` says whether OpenAI keeps items server-side, in which case
/// provider-executed tool calls are sent back by reference.
pub(crate) fn convert_to_openai_responses_input(
    prompt: &[Message],
    system_message_mode: SystemMessageMode,
    store: bool,
) -> Result<(Vec<api::InputItem>, Vec<Warning>)> {
    let mut input = Vec::with_capacity(prompt.len());
    let mut warnings = Vec::new();
    for message in prompt {
        match message {
            Message::System { content, .. } => match system_message_mode {
                SystemMessageMode::System => {
                    input.push(input_message(api::InputItemRole::System, api::InputItemContent::String(content.clone()), None))
                }
                SystemMessageMode::Developer => {
                    input.push(input_message(api::InputItemRole::Developer, api::InputItemContent::String(content.clone()), None))
                }
                SystemMessageMode::Remove => warnings.push(Warning::other("system messages are removed for this model")),
            },
            Message::User { content, .. } => {
                let mut parts = Vec::with_capacity(content.len());
                for (index, part) in content.iter().enumerate() {
                    parts.push(match part {
                        UserPart::Text(part) => api::InputContent::InputText { text: part.text.clone() },
                        UserPart::File(file) => convert_file(file, index)?,
                        other => {
                            return Err(Error::unsupported(format!("{} parts in user messages", other.kind()), None));
                        }
                    });
                }
                input.push(input_message(api::InputItemRole::User, api::InputItemContent::Array(parts), None));
            }
            Message::Assistant { content, .. } => {
                // Index of the reasoning item of each item id, to merge summaries.
                let mut reasoning_items: Vec<(String, usize)> = Vec::new();
                for part in content {
                    match part {
                        // A prior answer goes back as an input message with plain text: `output_text`
                        // parts (and an item id) make it an output message, whose schema also
                        // requires a status and annotations.
                        AssistantPart::Text(part) => input.push(input_message(
                            api::InputItemRole::Assistant,
                            api::InputItemContent::String(part.text.clone()),
                            None,
                        )),
                        AssistantPart::ToolCall(call) if call.provider_executed => {
                            if store && let Some(id) = openai_string(&call.provider_options, "item_id") {
                                input.push(api::InputItem::ItemReference { id });
                            }
                        }
                        AssistantPart::ToolCall(call) => input.push(api::InputItem::FunctionCall {
                            call_id: call.tool_call_id.clone(),
                            name: call.tool_name.clone(),
                            arguments: call.input.to_string(),
                            id: openai_string(&call.provider_options, "item_id"),
                            status: None,
                        }),
                        AssistantPart::ToolResult(_) => {}
                        AssistantPart::Reasoning(part) => {
                            let Some(id) = openai_string(&part.provider_options, "item_id") else {
                                warnings.push(Warning::other(
                                    "a reasoning part without an OpenAI item id cannot be sent back; it was dropped",
                                ));
                                continue;
                            };
                            let encrypted = openai_string(&part.provider_options, "reasoning_encrypted_content");
                            let summary = (!part.text.is_empty()).then(|| summary_text(&part.text));
                            match reasoning_items.iter().find(|(item_id, _)| *item_id == id) {
                                Some(&(_, index)) => {
                                    if let api::InputItem::Reasoning { summary: summaries, encrypted_content, .. } = &mut input[index] {
                                        summaries.extend(summary);
                                        if encrypted_content.is_none() {
                                            *encrypted_content = encrypted;
                                        }
                                    }
                                }
                                None => {
                                    reasoning_items.push((id.clone(), input.len()));
                                    input.push(api::InputItem::Reasoning {
                                        id,
                                        encrypted_content: encrypted,
                                        summary: summary.into_iter().collect(),
                                        content: Vec::new(),
                                        status: None,
                                    });
                                }
                            }
                        }
                        AssistantPart::File(_) => warnings.push(Warning::unsupported(
                            "file part in assistant message",
                            Some("dropped".to_owned()),
                        )),
                        other => {
                            return Err(Error::unsupported(
                                format!("{} parts in assistant messages", other.kind()),
                                None,
                            ));
                        }
                    }
                }
            }
            Message::Tool { content, .. } => {
                for result in content {
                    input.push(api::InputItem::FunctionCallOutput {
                        call_id: result.tool_call_id.clone(),
                        output: api::InputItemOutput::String(tool_output_text(&result.output)),
                        id: None,
                        status: None,
                    });
                }
            }
            other => return Err(Error::unsupported(format!("{} messages", other.role()), None)),
        }
    }
    Ok((input, warnings))
}

fn convert_file(file: &FilePart, index: usize) -> Result<api::InputContent> {
    let media_type = file.media_type.as_str();
    let file_id = match &file.data {
        FileData::Url(url) if url.starts_with("file-") => Some(url.clone()),
        _ => None,
    };
    if media_type.starts_with("image/") {
        let media_type = if media_type == "image/*" { "image/jpeg" } else { media_type };
        return Ok(api::InputContent::InputImage {
            image_url: file_id.is_none().then(|| file.data.to_data_url(media_type)),
            file_id,
            detail: image_detail(file, OPENAI_PROVIDER_ID).map(|detail| match detail.as_str() {
                "low" => api::InputContentDetail::Low,
                "high" => api::InputContentDetail::High,
                "auto" => api::InputContentDetail::Auto,
                _ => api::InputContentDetail::Unlisted(detail),
            }),
        });
    }
    if media_type == "application/pdf" {
        return Ok(match (&file.data, file_id) {
            (_, Some(file_id)) => {
                api::InputContent::InputFile { file_id: Some(file_id), file_data: None, file_url: None, filename: None }
            }
            (FileData::Url(url), None) => {
                api::InputContent::InputFile { file_url: Some(url.clone()), file_data: None, file_id: None, filename: None }
            }
            (inline, None) => api::InputContent::InputFile {
                filename: Some(file.filename.clone().unwrap_or_else(|| format!("part-{index}.pdf"))),
                file_data: Some(inline.to_data_url(media_type)),
                file_id: None,
                file_url: None,
            },
        });
    }
    Err(Error::unsupported(format!("file of type {media_type} in a Responses prompt"), None))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::{ReasoningPart, TextPart, ToolCallPart, ToolResultOutput, ToolResultPart};
    use serde_json::json;

    #[test]
    fn converts_a_conversation_with_reasoning_and_tools() {
        let reasoning = |text: &str, encrypted: Option<&str>| {
            let mut options = json!({"item_id": "rs_1"});
            if let Some(encrypted) = encrypted {
                options["reasoning_encrypted_content"] = json!(encrypted);
            }
            AssistantPart::Reasoning(
                ReasoningPart::new(text).with_provider_options(ProviderOptions::new().with("openai", options)),
            )
        };
        let prompt = vec![
            Message::system("rules"),
            Message::user_parts(vec![UserPart::text("look"), UserPart::file_url("https://x/cat.png", "image/png")]),
            Message::assistant_parts(vec![
                reasoning("step 1", Some("enc")),
                reasoning("step 2", None),
                AssistantPart::Text(
                    TextPart::new("calling")
                        .with_provider_options(ProviderOptions::new().with("openai", json!({"item_id": "msg_1"}))),
                ),
                AssistantPart::ToolCall(ToolCallPart::new("call_1", "weather", json!({"city": "Oslo"}))),
            ]),
            Message::tool(vec![ToolResultPart::new("call_1", "weather", ToolResultOutput::text("sunny"))]),
        ];
        let (input, warnings) = convert_to_openai_responses_input(&prompt, SystemMessageMode::Developer, false).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(
            serde_json::to_value(&input).unwrap(),
            json!([
                {"type": "message", "role": "developer", "content": "rules"},
                {"type": "message", "role": "user", "content": [
                    {"type": "input_text", "text": "look"},
                    {"type": "input_image", "image_url": "https://x/cat.png"}
                ]},
                {"type": "reasoning", "id": "rs_1", "encrypted_content": "enc", "summary": [
                    {"type": "summary_text", "text": "step 1"}, {"type": "summary_text", "text": "step 2"}
                ]},
                {"type": "message", "role": "assistant", "content": "calling"},
                {"type": "function_call", "call_id": "call_1", "name": "weather", "arguments": "{\"city\":\"Oslo\"}"},
                {"type": "function_call_output", "call_id": "call_1", "output": "sunny"}
            ])
        );
    }

    #[test]
    fn pdfs_go_inline_or_by_url() {
        let prompt = vec![Message::user_parts(vec![
            UserPart::File(FilePart::new(FileData::Base64("JVBERi0=".into()), "application/pdf")),
            UserPart::file_url("https://x/doc.pdf", "application/pdf"),
        ])];
        let (input, _) = convert_to_openai_responses_input(&prompt, SystemMessageMode::System, true).unwrap();
        assert_eq!(
            serde_json::to_value(&input).unwrap(),
            json!([{"type": "message", "role": "user", "content": [
                {"type": "input_file", "filename": "part-0.pdf", "file_data": "data:application/pdf;base64,JVBERi0="},
                {"type": "input_file", "file_url": "https://x/doc.pdf"}
            ]}])
        );
    }
}
