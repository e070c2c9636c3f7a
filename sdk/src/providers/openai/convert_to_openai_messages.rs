//! The prompt as chat-completions `messages`.
//!
//! Text-only user content is sent as a plain string, never as an array of one text part: OpenAI
//! accepts both, some compatible servers (llama.cpp's Python server) fail on arrays. An assistant
//! message without text has `content: ""` rather than `null` for the same reason. Reasoning parts
//! cannot be sent to this API and are dropped with a warning.

use std::borrow::Cow;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::provider::{AssistantPart, FileData, FilePart, Message, ToolResultContent, ToolResultOutput, UserPart, Warning};

use super::openai_options::{OPENAI_PROVIDER_ID, SystemMessageMode};

/// One chat message on the wire.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "role", rename_all = "lowercase")]
pub(crate) enum ChatMessage<'a> {
    System { content: Cow<'a, str> },
    Developer { content: Cow<'a, str> },
    User { content: ChatUserContent<'a> },
    Assistant {
        content: Cow<'a, str>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        tool_calls: Vec<ChatToolCall<'a>>,
    },
    Tool { tool_call_id: &'a str, content: String },
}

/// A user message's content: a string, or parts when there are files.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub(crate) enum ChatUserContent<'a> {
    Text(Cow<'a, str>),
    Parts(Vec<ChatContentPart<'a>>),
}

/// One part of a user message with files.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub(crate) enum ChatContentPart<'a> {
    Text { text: &'a str },
    ImageUrl { image_url: ImageUrl },
    InputAudio { input_audio: InputAudio },
    File { file: InputFile<'a> },
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct ImageUrl {
    pub url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct InputAudio {
    pub data: String,
    pub format: &'static str,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct InputFile<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filename: Option<Cow<'a, str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file_data: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file_id: Option<&'a str>,
}

/// A tool call in an assistant message.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct ChatToolCall<'a> {
    pub id: &'a str,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub function: ChatFunctionCall<'a>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct ChatFunctionCall<'a> {
    pub name: &'a str,
    pub arguments: String,
}

/// Converts the prompt; `Err` for content the API cannot take at all (an audio URL, say).
pub(crate) fn convert_to_openai_messages(
    prompt: &[Message],
    system_message_mode: SystemMessageMode,
) -> Result<(Vec<ChatMessage<'_>>, Vec<Warning>)> {
    let mut messages = Vec::with_capacity(prompt.len());
    let mut warnings = Vec::new();
    for message in prompt {
        match message {
            Message::System { content, .. } => match system_message_mode {
                SystemMessageMode::System => messages.push(ChatMessage::System { content: Cow::Borrowed(content) }),
                SystemMessageMode::Developer => messages.push(ChatMessage::Developer { content: Cow::Borrowed(content) }),
                SystemMessageMode::Remove => warnings.push(Warning::other("system messages are removed for this model")),
            },
            Message::User { content, .. } => messages.push(ChatMessage::User { content: convert_user_content(content)? }),
            Message::Assistant { content, .. } => {
                let mut text = Cow::Borrowed("");
                let mut tool_calls = Vec::new();
                for part in content {
                    match part {
                        AssistantPart::Text(part) => {
                            if text.is_empty() {
                                text = Cow::Borrowed(&part.text);
                            } else {
                                text.to_mut().push_str(&part.text);
                            }
                        }
                        AssistantPart::ToolCall(call) if !call.provider_executed => tool_calls.push(ChatToolCall {
                            id: &call.tool_call_id,
                            kind: "function",
                            function: ChatFunctionCall { name: &call.tool_name, arguments: call.input.to_string() },
                        }),
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
                messages.push(ChatMessage::Assistant { content: text, tool_calls });
            }
            Message::Tool { content, .. } => {
                for result in content {
                    messages.push(ChatMessage::Tool { tool_call_id: &result.tool_call_id, content: tool_output_text(&result.output) });
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

fn convert_user_content(content: &[UserPart]) -> Result<ChatUserContent<'_>> {
    if content.iter().all(|part| matches!(part, UserPart::Text(_))) {
        let mut texts = content.iter().filter_map(|part| match part {
            UserPart::Text(part) => Some(part.text.as_str()),
            UserPart::File(_) => None,
        });
        let first = texts.next().unwrap_or("");
        let text = match texts.next() {
            None => Cow::Borrowed(first),
            Some(second) => {
                let mut joined = format!("{first}\n{second}");
                texts.for_each(|text| {
                    joined.push('\n');
                    joined.push_str(text);
                });
                Cow::Owned(joined)
            }
        };
        return Ok(ChatUserContent::Text(text));
    }
    let mut parts = Vec::with_capacity(content.len());
    for (index, part) in content.iter().enumerate() {
        match part {
            UserPart::Text(part) => parts.push(ChatContentPart::Text { text: &part.text }),
            UserPart::File(file) => parts.push(convert_file(file, index)?),
        }
    }
    Ok(ChatUserContent::Parts(parts))
}

/// The `openai` provider option of a file part, e.g. `{"image_detail": "low"}`.
pub(crate) fn image_detail(file: &FilePart) -> Option<String> {
    file.provider_options
        .get(OPENAI_PROVIDER_ID)
        .and_then(|options| options.get("image_detail"))
        .and_then(|detail| detail.as_str())
        .map(str::to_owned)
}

fn convert_file(file: &FilePart, index: usize) -> Result<ChatContentPart<'_>> {
    let media_type = file.media_type.as_str();
    if media_type.starts_with("image/") {
        let media_type = if media_type == "image/*" { "image/jpeg" } else { media_type };
        return Ok(ChatContentPart::ImageUrl {
            image_url: ImageUrl { url: file.data.to_data_url(media_type), detail: image_detail(file) },
        });
    }
    if media_type.starts_with("audio/") {
        let format = match media_type {
            "audio/wav" | "audio/x-wav" | "audio/wave" => "wav",
            "audio/mp3" | "audio/mpeg" => "mp3",
            other => return Err(Error::unsupported(format!("audio file of type {other}"), Some("send wav or mp3".to_owned()))),
        };
        let data = file.data.to_base64().ok_or_else(|| {
            Error::unsupported("audio file URL", Some("the chat API takes audio inline only; download it first".to_owned()))
        })?;
        return Ok(ChatContentPart::InputAudio { input_audio: InputAudio { data, format } });
    }
    if media_type == "application/pdf" {
        return Ok(ChatContentPart::File {
            file: match &file.data {
                // An uploaded file's id (`file-...`) is passed by reference.
                FileData::Url(url) if url.starts_with("file-") => InputFile { filename: None, file_data: None, file_id: Some(url) },
                FileData::Url(_) => {
                    return Err(Error::unsupported(
                        "PDF file URL",
                        Some("the chat API takes PDFs inline or by file id; download it first".to_owned()),
                    ));
                }
                inline => InputFile {
                    filename: Some(
                        file.filename.as_deref().map(Cow::Borrowed).unwrap_or_else(|| Cow::Owned(format!("part-{index}.pdf"))),
                    ),
                    file_data: Some(inline.to_data_url(media_type)),
                    file_id: None,
                },
            },
        });
    }
    Err(Error::unsupported(format!("file of type {media_type} in a chat prompt"), None))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::{ProviderOptions, ReasoningPart, TextPart, ToolCallPart, ToolResultPart};
    use serde_json::json;

    fn to_json(messages: &[ChatMessage<'_>]) -> serde_json::Value {
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
