//! The prompt as chat-completions messages (the generated `ChatCompletionRequestMessage`), for
//! OpenAI and every compatible vendor.
//!
//! Text-only user content is one plain string, never an array of text parts: OpenAI accepts
//! both, some compatible servers (llama.cpp's Python server) fail on arrays. An assistant message
//! without text has `content: ""` rather than `null` for the same reason. System messages go as
//! `system`, `developer` or not at all, as the model's mapping rule or the caller says. User files
//! become `image_url`, `input_audio` or `file` parts where the model's capabilities allow them
//! (otherwise a typed `Unsupported` error, never a silent drop). Reasoning goes back as
//! `reasoning_content` where the mapping says the vendor reads it, is left out silently where the
//! mapping says to strip it, and is dropped with a warning otherwise.

use serde_json::Map;
use specai_generated::mappings::Capabilities;
use specai_generated::openai_compatible::types as api;

use super::openai_compatible_options::SystemMessageMode;
use crate::error::{Error, Result};
use crate::provider::{AssistantPart, FileData, FilePart, Message, ToolResultContent, ToolResultOutput, UserPart, Warning};
use crate::provider_utils::concrete_image_media_type;

/// What the conversion needs to know about the provider and the model.
#[derive(Debug, Clone, Copy)]
pub(crate) struct MessageRules<'a> {
    /// The model's capabilities (image and PDF input).
    pub capabilities: &'a Capabilities,
    /// How system messages are sent.
    pub system_message_mode: SystemMessageMode,
    /// Send assistant reasoning back as `reasoning_content`.
    pub send_reasoning: bool,
    /// The mapping strips reasoning from history: leaving it out needs no warning.
    pub strip_reasoning: bool,
    /// The provider-options key file parts are read under (`image_detail`).
    pub provider_name: &'a str,
}

/// The messages; `Err` for content the API cannot take at all (an audio URL, say).
pub(crate) fn convert_to_openai_compatible_messages(
    prompt: &[Message],
    rules: MessageRules<'_>,
    warnings: &mut Vec<Warning>,
) -> Result<Vec<api::ChatCompletionRequestMessage>> {
    let mut messages = Vec::with_capacity(prompt.len());
    for message in prompt {
        match message {
            Message::System { content, .. } => {
                let content = api::TextContent::String(content.clone());
                match rules.system_message_mode {
                    SystemMessageMode::System => messages.push(api::ChatCompletionRequestMessage::System { content, name: None }),
                    SystemMessageMode::Developer => messages.push(api::ChatCompletionRequestMessage::Developer { content, name: None }),
                    SystemMessageMode::Remove => warnings.push(Warning::other("system messages are removed for this model")),
                }
            }
            Message::User { content, .. } => {
                messages.push(api::ChatCompletionRequestMessage::User { content: user_content(content, &rules)?, name: None });
            }
            Message::Assistant { content, .. } => messages.push(assistant_message(content, &rules, warnings)?),
            Message::Tool { content, .. } => {
                for result in content {
                    messages.push(api::ChatCompletionRequestMessage::Tool {
                        tool_call_id: result.tool_call_id.clone(),
                        content: api::TextContent::String(tool_output_text(&result.output)),
                    });
                }
            }
            other => return Err(Error::unsupported(format!("{} messages", other.role()), None)),
        }
    }
    Ok(messages)
}

fn assistant_message(
    content: &[AssistantPart],
    rules: &MessageRules<'_>,
    warnings: &mut Vec<Warning>,
) -> Result<api::ChatCompletionRequestMessage> {
    let mut text = String::new();
    let mut reasoning = String::new();
    let mut tool_calls = Vec::new();
    for part in content {
        match part {
            AssistantPart::Text(part) => text.push_str(&part.text),
            AssistantPart::Reasoning(part) if rules.send_reasoning => reasoning.push_str(&part.text),
            AssistantPart::Reasoning(_) if rules.strip_reasoning => {}
            AssistantPart::Reasoning(_) => warnings.push(Warning::unsupported(
                "reasoning part in chat prompt",
                Some("the chat API does not take reasoning; it was dropped".to_owned()),
            )),
            AssistantPart::ToolCall(call) if !call.provider_executed => tool_calls.push(api::ChatCompletionMessageToolCall {
                id: Some(call.tool_call_id.clone()),
                type_: Some(api::ChatCompletionMessageToolCallType::Function),
                function: api::ChatCompletionMessageToolCallFunction {
                    name: call.tool_name.clone(),
                    arguments: Some(call.input.to_string()),
                    extra: Map::new(),
                },
                extra: Map::new(),
            }),
            AssistantPart::ToolCall(_) | AssistantPart::ToolResult(_) => warnings.push(Warning::unsupported(
                "provider-executed tool in chat prompt",
                Some("the chat API cannot replay provider-executed tools; they were dropped".to_owned()),
            )),
            AssistantPart::File(_) => warnings.push(Warning::unsupported(
                "file part in assistant message",
                Some("the chat API does not take assistant files; it was dropped".to_owned()),
            )),
            other => return Err(Error::unsupported(format!("{} parts in assistant messages", other.kind()), None)),
        }
    }
    // `""`, not `null`, when there is no text: llama.cpp rejects `null` beside tool calls.
    Ok(api::ChatCompletionRequestMessage::Assistant {
        audio: None,
        content: Some(api::ChatCompletionRequestMessageContent::String(text)),
        name: None,
        reasoning_content: (!reasoning.is_empty()).then_some(reasoning),
        refusal: None,
        tool_calls,
    })
}

/// A tool's output as the text a `tool` message carries: text as is, JSON serialized, media
/// named (a tool message cannot hold it).
pub(crate) fn tool_output_text(output: &ToolResultOutput) -> String {
    match output {
        ToolResultOutput::Content { value, .. } => value
            .iter()
            .map(|part| match part {
                ToolResultContent::Text { text, .. } => text.clone(),
                ToolResultContent::Media { media_type, .. } => format!("[{media_type} omitted]"),
                ToolResultContent::MediaUrl { url, .. } => url.clone(),
                other => {
                    tracing::debug!(kind = other.kind(), "a tool result part a tool message cannot hold was omitted");
                    format!("[{} omitted]", other.kind())
                }
            })
            .collect::<Vec<_>>()
            .join("\n"),
        other => other.to_text(),
    }
}

fn user_content(content: &[UserPart], rules: &MessageRules<'_>) -> Result<api::ChatCompletionRequestMessageContent> {
    if let [UserPart::Text(part)] = content {
        return Ok(api::ChatCompletionRequestMessageContent::String(part.text.clone()));
    }
    if content.iter().all(|part| matches!(part, UserPart::Text(_))) {
        let texts: Vec<&str> = content
            .iter()
            .filter_map(|part| match part {
                UserPart::Text(part) => Some(part.text.as_str()),
                _ => None,
            })
            .collect();
        return Ok(api::ChatCompletionRequestMessageContent::String(texts.join("\n")));
    }
    let mut parts = Vec::with_capacity(content.len());
    for (index, part) in content.iter().enumerate() {
        parts.push(match part {
            UserPart::Text(part) => api::ChatCompletionRequestUserMessageContentPart::Text { text: part.text.clone() },
            UserPart::File(file) => file_part(file, index, rules)?,
            other => return Err(Error::unsupported(format!("{} parts in user messages", other.kind()), None)),
        });
    }
    Ok(api::ChatCompletionRequestMessageContent::Array(parts))
}

/// The `image_detail` provider option of a file part (`auto`, `low`, `high`).
pub(crate) fn image_detail(file: &FilePart, provider_name: &str) -> Option<String> {
    file.provider_options
        .get(provider_name)
        .and_then(|options| options.get("image_detail"))
        .and_then(|detail| detail.as_str())
        .map(str::to_owned)
}

fn file_part(file: &FilePart, index: usize, rules: &MessageRules<'_>) -> Result<api::ChatCompletionRequestUserMessageContentPart> {
    let media_type = file.media_type.as_str();
    if media_type.starts_with("image/") {
        if !rules.capabilities.image_input {
            return Err(Error::unsupported("image input", Some("this provider's mapping does not declare image input for the model".to_owned())));
        }
        let media_type = concrete_image_media_type(media_type, &file.data);
        return Ok(api::ChatCompletionRequestUserMessageContentPart::ImageUrl {
            image_url: api::ChatCompletionRequestUserMessageContentPartImageUrl {
                url: file.data.to_data_url(media_type),
                detail: image_detail(file, rules.provider_name).map(|detail| match detail.as_str() {
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
        return audio_part(file);
    }
    if media_type == "application/pdf" {
        if !rules.capabilities.pdf_input {
            return Err(Error::unsupported("PDF input", Some("this provider's mapping does not declare PDF input for the model".to_owned())));
        }
        return pdf_part(file, index);
    }
    if media_type.starts_with("text/")
        && let Ok(bytes) = file.data.to_bytes()
    {
        return Ok(api::ChatCompletionRequestUserMessageContentPart::Text { text: String::from_utf8_lossy(&bytes).into_owned() });
    }
    Err(Error::unsupported(format!("file of type {media_type} in a chat prompt"), None))
}

fn audio_part(file: &FilePart) -> Result<api::ChatCompletionRequestUserMessageContentPart> {
    let format = match file.media_type.as_str() {
        "audio/wav" | "audio/x-wav" | "audio/wave" => api::ChatCompletionRequestUserMessageContentPartInputAudioFormat::Wav,
        "audio/mp3" | "audio/mpeg" => api::ChatCompletionRequestUserMessageContentPartInputAudioFormat::Mp3,
        other => return Err(Error::unsupported(format!("audio file of type {other}"), Some("send wav or mp3".to_owned()))),
    };
    let data = file.data.to_base64().ok_or_else(|| {
        Error::unsupported("audio file URL", Some("the chat API takes audio inline only; download it first".to_owned()))
    })?;
    Ok(api::ChatCompletionRequestUserMessageContentPart::InputAudio {
        input_audio: api::ChatCompletionRequestUserMessageContentPartInputAudio { data, format, extra: Map::new() },
    })
}

fn pdf_part(file: &FilePart, index: usize) -> Result<api::ChatCompletionRequestUserMessageContentPart> {
    let part = match &file.data {
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
            file_data: Some(inline.to_data_url("application/pdf")),
            file_id: None,
            extra: Map::new(),
        },
    };
    Ok(api::ChatCompletionRequestUserMessageContentPart::File { file: part })
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use specai_generated::mappings::{OPENAI, OPENAI_COMPATIBLE};

    use super::*;
    use crate::provider::{ProviderOptions, ReasoningPart, TextPart, ToolCallPart, ToolResultPart};

    fn rules(capabilities: &Capabilities, mode: SystemMessageMode, send_reasoning: bool) -> MessageRules<'_> {
        MessageRules { capabilities, system_message_mode: mode, send_reasoning, strip_reasoning: false, provider_name: "openai" }
    }

    fn convert(prompt: &[Message], rules: MessageRules<'_>) -> Result<(serde_json::Value, Vec<Warning>)> {
        let mut warnings = Vec::new();
        let messages = convert_to_openai_compatible_messages(prompt, rules, &mut warnings)?;
        Ok((serde_json::to_value(messages).unwrap(), warnings))
    }

    fn tool_conversation() -> Vec<Message> {
        vec![
            Message::system("be brief"),
            Message::user("weather?"),
            Message::assistant_parts(vec![
                AssistantPart::Reasoning(ReasoningPart::new("think")),
                AssistantPart::ToolCall(ToolCallPart::new("call_1", "weather", json!({"city": "Paris"}))),
            ]),
            Message::tool(vec![ToolResultPart::new("call_1", "weather", ToolResultOutput::json(json!({"c": 20})))]),
        ]
    }

    #[test]
    fn converts_a_tool_conversation_with_reasoning_sent_or_dropped_with_a_warning() {
        let capabilities = OPENAI_COMPATIBLE.capabilities;
        let (messages, warnings) = convert(&tool_conversation(), rules(&capabilities, SystemMessageMode::System, false)).unwrap();
        assert_eq!(
            messages,
            json!([
                {"role": "system", "content": "be brief"},
                {"role": "user", "content": "weather?"},
                {"role": "assistant", "content": "", "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "weather", "arguments": "{\"city\":\"Paris\"}"}}]},
                {"role": "tool", "content": "{\"c\":20}", "tool_call_id": "call_1"}
            ])
        );
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        let (with_reasoning, warnings) = convert(&tool_conversation(), rules(&capabilities, SystemMessageMode::System, true)).unwrap();
        assert_eq!(with_reasoning[2]["reasoning_content"], json!("think"));
        assert!(warnings.is_empty());
        let mut stripped = rules(&capabilities, SystemMessageMode::System, false);
        stripped.strip_reasoning = true;
        assert!(convert(&tool_conversation(), stripped).unwrap().1.is_empty(), "the mapping asked for it: no warning");
    }

    #[test]
    fn system_message_modes() {
        let prompt = vec![Message::system("rules")];
        let (developer, _) = convert(&prompt, rules(&OPENAI.capabilities, SystemMessageMode::Developer, false)).unwrap();
        assert_eq!(developer, json!([{"role": "developer", "content": "rules"}]));
        let (removed, warnings) = convert(&prompt, rules(&OPENAI.capabilities, SystemMessageMode::Remove, false)).unwrap();
        assert_eq!(removed, json!([]));
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
        let (messages, _) = convert(&prompt, rules(&OPENAI.capabilities, SystemMessageMode::System, false)).unwrap();
        assert_eq!(
            messages,
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
    fn images_need_the_capability() {
        let prompt = vec![Message::user_parts(vec![UserPart::text("what?"), UserPart::file(vec![1u8, 2], "image/png")])];
        let mut capabilities = OPENAI_COMPATIBLE.capabilities;
        capabilities.image_input = false;
        let refused = convert(&prompt, rules(&capabilities, SystemMessageMode::System, false));
        assert!(matches!(refused, Err(Error::Unsupported { .. })));
        capabilities.image_input = true;
        let (messages, _) = convert(&prompt, rules(&capabilities, SystemMessageMode::System, false)).unwrap();
        assert_eq!(messages[0]["content"][1], json!({"type": "image_url", "image_url": {"url": "data:image/png;base64,AQI="}}));
    }

    #[test]
    fn several_text_parts_are_joined_and_unsupported_files_fail() {
        let prompt = vec![Message::user_parts(vec![UserPart::text("a"), UserPart::text("b")])];
        let (messages, _) = convert(&prompt, rules(&OPENAI.capabilities, SystemMessageMode::System, false)).unwrap();
        assert_eq!(messages, json!([{"role": "user", "content": "a\nb"}]));
        let prompt = vec![Message::user_parts(vec![UserPart::file(vec![0u8], "video/mp4")])];
        let refused = convert(&prompt, rules(&OPENAI.capabilities, SystemMessageMode::System, false));
        assert!(matches!(refused, Err(Error::Unsupported { .. })));
    }
}
