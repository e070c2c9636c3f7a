//! The prompt as chat-completions messages (the generated `ChatCompletionRequestMessage`).
//!
//! System text stays a `system` message; user files become `image_url`, `input_audio` or `file`
//! parts where the model's capabilities allow them (otherwise a typed `Unsupported` error, never
//! a silent drop); assistant text is one string, tool calls carry their input as JSON text, and
//! reasoning is sent back as `reasoning_content` only when the mapping does not strip it.

use serde_json::Map;
use specai_generated::mappings::Capabilities;
use specai_generated::openai_compatible::types::{
    ChatCompletionMessageToolCall, ChatCompletionMessageToolCallFunction, ChatCompletionMessageToolCallType,
    ChatCompletionRequestMessage, ChatCompletionRequestMessageContent, ChatCompletionRequestUserMessageContentPart,
    ChatCompletionRequestUserMessageContentPartFile, ChatCompletionRequestUserMessageContentPartImageUrl,
    ChatCompletionRequestUserMessageContentPartInputAudio, ChatCompletionRequestUserMessageContentPartInputAudioFormat,
    TextContent,
};

use crate::error::{Error, Result};
use crate::provider::{AssistantPart, FileData, Message, UserPart, Warning};

/// The messages, and warnings for parts that could not be sent.
pub(crate) fn convert_to_openai_compatible_messages(
    prompt: &[Message],
    capabilities: &Capabilities,
    send_reasoning: bool,
    warnings: &mut Vec<Warning>,
) -> Result<Vec<ChatCompletionRequestMessage>> {
    let mut messages = Vec::with_capacity(prompt.len());
    for message in prompt {
        match message {
            Message::System { content, .. } => {
                messages.push(ChatCompletionRequestMessage::System { content: TextContent::String(content.clone()), name: None });
            }
            Message::User { content, .. } => {
                let content = match content.as_slice() {
                    [UserPart::Text(text)] => ChatCompletionRequestMessageContent::String(text.text.clone()),
                    parts => ChatCompletionRequestMessageContent::Array(
                        parts.iter().map(|part| user_part(part, capabilities)).collect::<Result<_>>()?,
                    ),
                };
                messages.push(ChatCompletionRequestMessage::User { content, name: None });
            }
            Message::Assistant { content, .. } => {
                let mut text = String::new();
                let mut reasoning = String::new();
                let mut tool_calls = Vec::new();
                for part in content {
                    match part {
                        AssistantPart::Text(part) => text.push_str(&part.text),
                        AssistantPart::Reasoning(part) => reasoning.push_str(&part.text),
                        AssistantPart::ToolCall(call) => tool_calls.push(ChatCompletionMessageToolCall {
                            id: Some(call.tool_call_id.clone()),
                            type_: Some(ChatCompletionMessageToolCallType::Function),
                            function: ChatCompletionMessageToolCallFunction {
                                name: call.tool_name.clone(),
                                arguments: Some(call.input.to_string()),
                                extra: Map::new(),
                            },
                            extra: Map::new(),
                        }),
                        AssistantPart::File(_) => {
                            warnings.push(Warning::unsupported("assistant file part", Some("not sent: chat completions take no files from the assistant".to_owned())));
                        }
                        AssistantPart::ToolResult(_) => {
                            warnings.push(Warning::unsupported("provider-executed tool result", Some("not sent to an OpenAI-compatible API".to_owned())));
                        }
                    }
                }
                messages.push(ChatCompletionRequestMessage::Assistant {
                    audio: None,
                    content: Some(ChatCompletionRequestMessageContent::String(text)),
                    name: None,
                    reasoning_content: (send_reasoning && !reasoning.is_empty()).then_some(reasoning),
                    refusal: None,
                    tool_calls,
                });
            }
            Message::Tool { content, .. } => {
                for result in content {
                    messages.push(ChatCompletionRequestMessage::Tool {
                        content: TextContent::String(result.output.to_text()),
                        tool_call_id: result.tool_call_id.clone(),
                    });
                }
            }
        }
    }
    Ok(messages)
}

fn user_part(part: &UserPart, capabilities: &Capabilities) -> Result<ChatCompletionRequestUserMessageContentPart> {
    let file = match part {
        UserPart::Text(text) => return Ok(ChatCompletionRequestUserMessageContentPart::Text { text: text.text.clone() }),
        UserPart::File(file) => file,
    };
    let media_type = file.media_type.as_str();
    if media_type.starts_with("image/") {
        if !capabilities.image_input {
            return Err(Error::unsupported("image input", Some("this provider's mapping does not declare image input for the model".to_owned())));
        }
        let media_type = if media_type == "image/*" { "image/jpeg" } else { media_type };
        return Ok(ChatCompletionRequestUserMessageContentPart::ImageUrl {
            image_url: ChatCompletionRequestUserMessageContentPartImageUrl { url: file.data.to_data_url(media_type), detail: None, extra: Map::new() },
        });
    }
    if media_type.starts_with("audio/") {
        let format = match media_type {
            "audio/wav" | "audio/x-wav" | "audio/wave" => ChatCompletionRequestUserMessageContentPartInputAudioFormat::Wav,
            "audio/mp3" | "audio/mpeg" => ChatCompletionRequestUserMessageContentPartInputAudioFormat::Mp3,
            other => return Err(Error::unsupported(format!("audio input of type {other}"), Some("only wav and mp3 are sent as input_audio".to_owned()))),
        };
        let data = file.data.to_base64().ok_or_else(|| Error::unsupported("audio file URLs", Some("download the audio first".to_owned())))?;
        return Ok(ChatCompletionRequestUserMessageContentPart::InputAudio {
            input_audio: ChatCompletionRequestUserMessageContentPartInputAudio { data, format, extra: Map::new() },
        });
    }
    if media_type == "application/pdf" {
        if !capabilities.pdf_input {
            return Err(Error::unsupported("PDF input", Some("this provider's mapping does not declare PDF input for the model".to_owned())));
        }
        if let FileData::Url(_) = file.data {
            return Err(Error::unsupported("PDF file URLs", Some("download the PDF first".to_owned())));
        }
        return Ok(ChatCompletionRequestUserMessageContentPart::File {
            file: ChatCompletionRequestUserMessageContentPartFile {
                file_data: Some(file.data.to_data_url(media_type)),
                file_id: None,
                filename: Some(file.filename.clone().unwrap_or_else(|| "document.pdf".to_owned())),
                extra: Map::new(),
            },
        });
    }
    if media_type.starts_with("text/")
        && let Ok(bytes) = file.data.to_bytes()
    {
        return Ok(ChatCompletionRequestUserMessageContentPart::Text { text: String::from_utf8_lossy(&bytes).into_owned() });
    }
    Err(Error::unsupported(format!("file part of type {media_type}"), None))
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use specai_generated::mappings::OPENAI_COMPATIBLE;

    use super::*;
    use crate::provider::{ReasoningPart, ToolCallPart, ToolResultOutput, ToolResultPart, ProviderOptions};

    #[test]
    fn converts_a_tool_conversation() {
        let prompt = vec![
            Message::system("be brief"),
            Message::user("weather?"),
            Message::assistant_parts(vec![
                AssistantPart::Reasoning(ReasoningPart { text: "think".into(), provider_options: ProviderOptions::new() }),
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
                output: ToolResultOutput::Json { value: json!({"c": 20}) },
                provider_options: ProviderOptions::new(),
            }]),
        ];
        let mut warnings = Vec::new();
        let messages = convert_to_openai_compatible_messages(&prompt, &OPENAI_COMPATIBLE.capabilities, false, &mut warnings).unwrap();
        assert_eq!(
            serde_json::to_value(&messages).unwrap(),
            json!([
                {"role": "system", "content": "be brief"},
                {"role": "user", "content": "weather?"},
                {"role": "assistant", "content": "", "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "weather", "arguments": "{\"city\":\"Paris\"}"}}]},
                {"role": "tool", "content": "{\"c\":20}", "tool_call_id": "call_1"}
            ])
        );
        let with_reasoning = convert_to_openai_compatible_messages(&prompt, &OPENAI_COMPATIBLE.capabilities, true, &mut warnings).unwrap();
        assert_eq!(serde_json::to_value(&with_reasoning[2]).unwrap()["reasoning_content"], json!("think"));
    }

    #[test]
    fn images_need_the_capability() {
        let prompt = vec![Message::user_parts(vec![UserPart::text("what?"), UserPart::file(vec![1u8, 2], "image/png")])];
        let mut capabilities = OPENAI_COMPATIBLE.capabilities;
        capabilities.image_input = false;
        assert!(matches!(convert_to_openai_compatible_messages(&prompt, &capabilities, false, &mut Vec::new()), Err(Error::Unsupported { .. })));
        capabilities.image_input = true;
        let messages = convert_to_openai_compatible_messages(&prompt, &capabilities, false, &mut Vec::new()).unwrap();
        assert_eq!(serde_json::to_value(&messages).unwrap()[0]["content"][1], json!({"type": "image_url", "image_url": {"url": "data:image/png;base64,AQI="}}));
    }
}
