//! The prompt as chat-completions `messages`.
//!
//! Text-only user content is sent as a plain string, never as an array of one text part: OpenAI
//! accepts both, some compatible servers (llama.cpp's Python server) fail on arrays. An assistant
//! message without text has `content: ""` rather than `null` for the same reason. Reasoning parts
//! cannot be sent to this API and are dropped with a warning.

use serde_json::Map;
use specai_generated::openai::types as api;

use crate::error::{Error, Result};
use crate::provider::{AssistantPart, FileData, FilePart, Message, ToolResultContent, ToolResultOutput, UserPart, Warning};

use super::openai_options::{OPENAI_PROVIDER_ID, SystemMessageMode};

/// Converts the prompt; `Err` for content the API cannot take at all (an audio URL, say).
pub(crate) fn convert_to_openai_messages(
    prompt: &[Message],
    system_message_mode: SystemMessageMode,
) -> Result<(Vec<api::ChatCompletionRequestMessage>, Vec<Warning>)> {
    let mut messages = Vec::with_capacity(prompt.len());
    let mut warnings = Vec::new();
    for message in prompt {
        match message {
            Message::System { content, .. } => match system_message_mode {
                SystemMessageMode::System => messages.push(api::ChatCompletionRequestMessage::System {
                    content: api::TextContent::String(content.clone()),
                    name: None,
                }),
                SystemMessageMode::Developer => messages.push(api::ChatCompletionRequestMessage::Developer {
                    content: api::TextContent::String(content.clone()),
                    name: None,
                }),
                SystemMessageMode::Remove => warnings.push(Warning::other("system messages are removed for this model")),
            },
            Message::User { content, .. } => {
                messages.push(api::ChatCompletionRequestMessage::User { content: convert_user_content(content)?, name: None })
            }
            Message::Assistant { content, .. } => {
                let mut text = String::new();
                let mut tool_calls = Vec::new();
                for part in content {
                    match part {
                        AssistantPart::Text(part) => text.push_str(&part.text),
                        AssistantPart::ToolCall(call) if !call.provider_executed => {
                            tool_calls.push(api::ChatCompletionMessageToolCall {
                                id: call.tool_call_id.clone(),
                                type_: api::ChatCompletionMessageToolCallType::Function,
                                function: api::ChatCompletionMessageToolCallFunction {
                                    name: call.tool_name.clone(),
                                    arguments: call.input.to_string(),
                                    extra: Map::new(),
                                },
                                extra: Map::new(),
                            })
                        }
                        AssistantPart::ToolCall(_) | AssistantPart::ToolResult(_) => warnings.push(Warning::unsupported(
                            "provider-executed tool in chat prompt",
                            Some("the chat API cannot replay provider-executed tools; they were dropped".to_owned()),
                        )),
                        AssistantPart::Reasoning(_) => warnings.push(Warning::unsupported(
                            "reasoning part in chat prompt",
                            Some("the chat API does not take reasoning; it was dropped".to_owned()),
                        )),
                        AssistantPart::File(_) => warnings.push(Warning::unsupported(
                            "file part in assistant message",
                            Some("the chat API does not take assistant files; it was dropped".to_owned()),
                        )),
                    }
                }
                // `""`, not `null`, when there is no text: llama.cpp rejects `null` beside tool calls.
                messages.push(api::ChatCompletionRequestMessage::Assistant {
                    content: Some(api::ChatCompletionRequestMessageContent::String(text)),
                    tool_calls,
                    audio: None,
                    name: None,
                    refusal: None,
                });
            }
            Message::Tool { content, .. } => {
                for result in content {
                    messages.push(api::ChatCompletionRequestMessage::Tool {
                        tool_call_id: result.tool_call_id.clone(),
                        content: api::TextContent::String(tool_output_text(&result.output)),
                    });
                }
            }
        }
    }
    Ok((messages, warnings))
}

/// A tool's output as the text a `tool` message carries: text as is, JSON serialized.
pub(crate) fn tool_output_text(output: &ToolResultOutput) -> String {
    match output {
        ToolResultOutput::Content { value } => {
            // Media cannot go into a tool message; keep the text and say what was left out.
            let mut parts = Vec::with_capacity(value.len());
            for part in value {
                match part {
                    ToolResultContent::Text { text } => parts.push(text.clone()),
                    ToolResultContent::Media { media_type, .. } => parts.push(format!("[{media_type} omitted]")),
                    ToolResultContent::MediaUrl { url, .. } => parts.push(url.clone()),
                }
            }
            parts.join("\n")
        }
        other => other.to_text(),
    }
}

fn convert_user_content(content: &[UserPart]) -> Result<api::ChatCompletionRequestMessageContent> {
    if content.iter().all(|part| matches!(part, UserPart::Text(_))) {
        let texts: Vec<&str> = content
            .iter()
            .filter_map(|part| match part {
                UserPart::Text(part) => Some(part.text.as_str()),
                UserPart::File(_) => None,
            })
            .collect();
        return Ok(api::ChatCompletionRequestMessageContent::String(texts.join("\n")));
    }
    let mut parts = Vec::with_capacity(content.len());
    for (index, part) in content.iter().enumerate() {
        match part {
            UserPart::Text(part) => {
                parts.push(api::ChatCompletionRequestUserMessageContentPart::Text { text: part.text.clone() })
            }
            UserPart::File(file) => parts.push(convert_file(file, index)?),
        }
    }
    Ok(api::ChatCompletionRequestMessageContent::Array(parts))
}

/// The `openai` provider option of a file part, e.g. `{"image_detail": "low"}`.
pub(crate) fn image_detail(file: &FilePart) -> Option<String> {
    file.provider_options
        .get(OPENAI_PROVIDER_ID)
        .and_then(|options| options.get("image_detail"))
        .and_then(|detail| detail.as_str())
        .map(str::to_owned)
}

fn convert_file(file: &FilePart, index: usize) -> Result<api::ChatCompletionRequestUserMessageContentPart> {
    let media_type = file.media_type.as_str();
    if media_type.starts_with("image/") {
        let media_type = if media_type == "image/*" { "image/jpeg" } else { media_type };
        return Ok(api::ChatCompletionRequestUserMessageContentPart::ImageUrl {
            image_url: api::ChatCompletionRequestUserMessageContentPartImageUrl {
                url: file.data.to_data_url(media_type),
                detail: image_detail(file).map(|detail| match detail.as_str() {
                    "auto" => api::ChatCompletionRequestUserMessageContentPartImageUrlDetail::Auto,
                    "low" => api::ChatCompletionRequestUserMessageContentPartImageUrlDetail::Low,
                    "high" => api::ChatCompletionRequestUserMessageContentPartImageUrlDetail::High,
                    _ => api::ChatCompletionRequestUserMessageContentPartImageUrlDetail::Unlisted(detail),
                }),
                extra: Map::new(),
            },
        });
    }
    if media_type.starts_with("audio/") {
        let format = match media_type {
            "audio/wav" | "audio/x-wav" | "audio/wave" => api::ChatCompletionRequestUserMessageContentPartInputAudioFormat::Wav,
            "audio/mp3" | "audio/mpeg" => api::ChatCompletionRequestUserMessageContentPartInputAudioFormat::Mp3,
            other => return Err(Error::unsupported(format!("audio file of type {other}"), Some("send wav or mp3".to_owned()))),
        };
        let data = file.data.to_base64().ok_or_else(|| {
            Error::unsupported("audio file URL", Some("the chat API takes audio inline only; download it first".to_owned()))
        })?;
        return Ok(api::ChatCompletionRequestUserMessageContentPart::InputAudio {
            input_audio: api::ChatCompletionRequestUserMessageContentPartInputAudio { data, format, extra: Map::new() },
        });
    }
    if media_type == "application/pdf" {
        let file = match &file.data {
            // An uploaded file's id (`file-...`) is passed by reference.
            FileData::Url(url) if url.starts_with("file-") => api::ChatCompletionRequestUserMessageContentPartFile {
                file_id: Some(url.clone()),
                file_data: None,
                filename: None,
                extra: Map::new(),
            },
            FileData::Url(_) => {
                return Err(Error::unsupported(
                    "PDF file URL",
                    Some("the chat API takes PDFs inline or by file id; download it first".to_owned()),
                ));
            }
            inline => api::ChatCompletionRequestUserMessageContentPartFile {
                filename: Some(file.filename.clone().unwrap_or_else(|| format!("part-{index}.pdf"))),
                file_data: Some(inline.to_data_url(media_type)),
                file_id: None,
                extra: Map::new(),
            },
        };
        return Ok(api::ChatCompletionRequestUserMessageContentPart::File { file });
    }
    Err(Error::unsupported(format!("file of type {media_type} in a chat prompt"), None))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::{ProviderOptions, ReasoningPart, TextPart, ToolCallPart, ToolResultPart};
    use serde_json::json;

    fn to_json(messages: &[api::ChatCompletionRequestMessage]) -> serde_json::Value {
        serde_json::to_value(messages).unwrap()
    }

    #[test]
    fn text_only_content_is_a_plain_string_and_tool_calls_have_empty_content() {
        let prompt = vec![
            Message::system("be brief"),
            Message::user("hi"),
            Message::assistant_parts(vec![
                AssistantPart::Reasoning(ReasoningPart { text: "hmm".into(), provider_options: ProviderOptions::new() }),
                AssistantPart::ToolCall(ToolCallPart {
                    tool_call_id: "call_1".into(),
                    tool_name: "weather".into(),
                    input: json!({"city": "Paris"}),
                    provider_executed: false,
                    provider_options: ProviderOptions::new(),
                }),
            ]),
            Message::tool(vec![ToolResultPart {
                tool_call_id: "call_1".into(),
                tool_name: "weather".into(),
                output: ToolResultOutput::Json { value: json!({"temperature": 21}) },
                provider_options: ProviderOptions::new(),
            }]),
        ];
        let (messages, warnings) = convert_to_openai_messages(&prompt, SystemMessageMode::System).unwrap();
        assert_eq!(
            to_json(&messages),
            json!([
                {"role": "system", "content": "be brief"},
                {"role": "user", "content": "hi"},
                {"role": "assistant", "content": "", "tool_calls": [
                    {"id": "call_1", "type": "function", "function": {"name": "weather", "arguments": "{\"city\":\"Paris\"}"}}
                ]},
                {"role": "tool", "tool_call_id": "call_1", "content": "{\"temperature\":21}"}
            ])
        );
        assert_eq!(warnings.len(), 1, "{warnings:?}");
    }

    #[test]
    fn system_message_modes() {
        let prompt = vec![Message::system("rules")];
        let (developer, _) = convert_to_openai_messages(&prompt, SystemMessageMode::Developer).unwrap();
        assert_eq!(to_json(&developer), json!([{"role": "developer", "content": "rules"}]));
        let (removed, warnings) = convert_to_openai_messages(&prompt, SystemMessageMode::Remove).unwrap();
        assert!(removed.is_empty());
        assert_eq!(warnings.len(), 1);
    }

    #[test]
    fn images_pdfs_and_audio_become_parts() {
        let mut pdf = FilePart::new(FileData::Base64("JVBERi0=".into()), "application/pdf");
        pdf.filename = Some("report.pdf".into());
        let mut image = FilePart::new(FileData::Url("https://example.com/cat.png".into()), "image/png");
        image.provider_options = ProviderOptions::new().with("openai", json!({"image_detail": "low"}));
        let prompt = vec![Message::user_parts(vec![
            UserPart::Text(TextPart::new("what are these?")),
            UserPart::File(image),
            UserPart::file(vec![1u8, 2, 3], "image/png"),
            UserPart::File(pdf),
            UserPart::File(FilePart::new(FileData::Base64("UklGRg==".into()), "audio/wav")),
        ])];
        let (messages, _) = convert_to_openai_messages(&prompt, SystemMessageMode::System).unwrap();
        assert_eq!(
            to_json(&messages),
            json!([{"role": "user", "content": [
                {"type": "text", "text": "what are these?"},
                {"type": "image_url", "image_url": {"url": "https://example.com/cat.png", "detail": "low"}},
                {"type": "image_url", "image_url": {"url": "data:image/png;base64,AQID"}},
                {"type": "file", "file": {"filename": "report.pdf", "file_data": "data:application/pdf;base64,JVBERi0="}},
                {"type": "input_audio", "input_audio": {"data": "UklGRg==", "format": "wav"}}
            ]}])
        );
    }

    #[test]
    fn several_text_parts_are_joined_and_unsupported_files_fail() {
        let prompt = vec![Message::user_parts(vec![UserPart::text("a"), UserPart::text("b")])];
        let (messages, _) = convert_to_openai_messages(&prompt, SystemMessageMode::System).unwrap();
        assert_eq!(to_json(&messages), json!([{"role": "user", "content": "a\nb"}]));
        let prompt = vec![Message::user_parts(vec![UserPart::file(vec![0u8], "video/mp4")])];
        assert!(matches!(convert_to_openai_messages(&prompt, SystemMessageMode::System), Err(Error::Unsupported { .. })));
    }
}
