//! The prompt as Converse's `system` blocks and `messages`.
//!
//! Converse wants user and assistant turns to alternate and puts tool results in user turns,
//! so consecutive user and tool messages become one user message and consecutive assistant
//! messages one assistant message. Files travel as bytes (images as `image`, everything else as
//! `document` with its format); a URL cannot be sent and is an `Unsupported` error. A
//! `cachePoint` in a message's or part's Bedrock options adds a cache point after it. Reasoning
//! goes back with its signature (or as redacted content), which Claude requires for thinking
//! turns with tool use.

use serde_json::Map;

use super::bedrock_options::BedrockPartOptions;
use super::wire;
use crate::error::{Error, Result};
use crate::provider::{
    AssistantPart, FileData, FilePart, Message, ProviderOptions, ToolResultContent,
    ToolResultOutput, ToolResultPart, UserPart,
};

/// The converted prompt.
#[derive(Debug, Default)]
pub(crate) struct BedrockPrompt {
    pub system: Vec<wire::SystemContentBlock>,
    pub messages: Vec<wire::Message>,
}

/// Converts the prompt.
///
/// # Errors
/// A system message after the conversation started, a file given by URL, a media type Bedrock
/// does not take, or invalid Bedrock options on a part.
pub(crate) fn convert_to_bedrock_messages(prompt: &[Message]) -> Result<BedrockPrompt> {
    let mut converted = BedrockPrompt::default();
    let mut document_count = 0;
    for message in prompt {
        match message {
            Message::System {
                content,
                provider_options,
            } => {
                if !converted.messages.is_empty() {
                    return Err(Error::unsupported(
                        "system message after user or assistant messages",
                        Some(
                            "Bedrock's Converse API takes system text before the conversation only"
                                .to_owned(),
                        ),
                    ));
                }
                converted
                    .system
                    .push(wire::SystemContentBlock::Text(content.clone()));
                if has_cache_point(provider_options)? {
                    converted
                        .system
                        .push(wire::SystemContentBlock::CachePoint(cache_point()));
                }
            }
            Message::User {
                content,
                provider_options,
            } => {
                let blocks = turn(&mut converted.messages, wire::ConversationRole::User);
                for part in content {
                    match part {
                        UserPart::Text(text) => {
                            blocks.push(wire::ContentBlock::Text(text.text.clone()));
                            push_cache_point(blocks, &text.provider_options)?;
                        }
                        UserPart::File(file) => {
                            blocks.push(file_block(file, &mut document_count)?);
                            push_cache_point(blocks, &file.provider_options)?;
                        }
                        other => {
                            return Err(Error::unsupported(
                                format!("user part `{}`", other.kind()),
                                None,
                            ));
                        }
                    }
                }
                push_cache_point(blocks, provider_options)?;
            }
            Message::Tool {
                content,
                provider_options,
            } => {
                let blocks = turn(&mut converted.messages, wire::ConversationRole::User);
                for part in content {
                    blocks.push(wire::ContentBlock::ToolResult(tool_result(
                        part,
                        &mut document_count,
                    )?));
                    push_cache_point(blocks, &part.provider_options)?;
                }
                push_cache_point(blocks, provider_options)?;
            }
            Message::Assistant {
                content,
                provider_options,
            } => {
                let blocks = turn(&mut converted.messages, wire::ConversationRole::Assistant);
                for part in content {
                    assistant_part(part, blocks)?;
                }
                push_cache_point(blocks, provider_options)?;
            }
            other => {
                return Err(Error::unsupported(
                    format!("`{}` message", other.role()),
                    None,
                ));
            }
        }
    }
    trim_last_assistant_text(&mut converted.messages);
    Ok(converted)
}

/// The content of the last message if it has `role`, else of a new message of that role.
fn turn(
    messages: &mut Vec<wire::Message>,
    role: wire::ConversationRole,
) -> &mut Vec<wire::ContentBlock> {
    if messages.last().is_none_or(|last| last.role != role) {
        messages.push(wire::Message {
            content: Vec::new(),
            role,
            extra: Map::new(),
        });
    }
    &mut messages
        .last_mut()
        .expect("a message was just ensured")
        .content
}

fn cache_point() -> wire::CachePointBlock {
    wire::CachePointBlock {
        type_: wire::CachePointType::Default,
        extra: Map::new(),
    }
}

fn has_cache_point(options: &ProviderOptions) -> Result<bool> {
    Ok(BedrockPartOptions::from_provider_options(options)?
        .cache_point
        .is_some())
}

fn push_cache_point(blocks: &mut Vec<wire::ContentBlock>, options: &ProviderOptions) -> Result<()> {
    if has_cache_point(options)? {
        blocks.push(wire::ContentBlock::CachePoint(cache_point()));
    }
    Ok(())
}

fn assistant_part(part: &AssistantPart, blocks: &mut Vec<wire::ContentBlock>) -> Result<()> {
    match part {
        AssistantPart::Text(text) => {
            // Bedrock rejects blank text blocks.
            if !text.text.trim().is_empty() {
                blocks.push(wire::ContentBlock::Text(text.text.clone()));
            }
            push_cache_point(blocks, &text.provider_options)?;
        }
        AssistantPart::Reasoning(reasoning) => {
            let options = BedrockPartOptions::from_provider_options(&reasoning.provider_options)?;
            let block = match options.redacted_data {
                Some(data) => wire::ReasoningContentBlock::RedactedContent(data),
                None => wire::ReasoningContentBlock::ReasoningText(wire::ReasoningTextBlock {
                    signature: options.signature,
                    text: reasoning.text.clone(),
                    extra: Map::new(),
                }),
            };
            blocks.push(wire::ContentBlock::ReasoningContent(block));
        }
        AssistantPart::ToolCall(call) => {
            blocks.push(wire::ContentBlock::ToolUse(wire::ToolUseBlock {
                input: call.input.clone(),
                name: call.tool_name.clone(),
                tool_use_id: call.tool_call_id.clone(),
                extra: Map::new(),
            }));
            push_cache_point(blocks, &call.provider_options)?;
        }
        AssistantPart::File(file) => {
            let mut count = 0;
            blocks.push(file_block(file, &mut count)?);
        }
        other => {
            return Err(Error::unsupported(
                format!("assistant part `{}`", other.kind()),
                Some("Bedrock has no provider-executed tools".to_owned()),
            ));
        }
    }
    Ok(())
}

/// Claude on Bedrock rejects a final assistant text that ends in whitespace.
fn trim_last_assistant_text(messages: &mut [wire::Message]) {
    if let Some(last) = messages
        .last_mut()
        .filter(|message| message.role == wire::ConversationRole::Assistant)
        && let Some(wire::ContentBlock::Text(text)) = last
            .content
            .iter_mut()
            .rev()
            .find(|block| !matches!(block, wire::ContentBlock::CachePoint(_)))
    {
        let trimmed = text.trim_end().len();
        text.truncate(trimmed);
    }
}

fn tool_result(part: &ToolResultPart, document_count: &mut usize) -> Result<wire::ToolResultBlock> {
    let content = match &part.output {
        ToolResultOutput::Json { value, .. } | ToolResultOutput::ErrorJson { value, .. } => {
            vec![wire::ToolResultContentBlock::Json(value.clone())]
        }
        ToolResultOutput::Content { value, .. } => value
            .iter()
            .map(|item| tool_result_content(item, document_count))
            .collect::<Result<_>>()?,
        other => vec![wire::ToolResultContentBlock::Text(other.to_text())],
    };
    Ok(wire::ToolResultBlock {
        content,
        status: part
            .output
            .is_error()
            .then_some(wire::ToolResultStatus::Error),
        tool_use_id: part.tool_call_id.clone(),
        extra: Map::new(),
    })
}

fn tool_result_content(
    item: &ToolResultContent,
    document_count: &mut usize,
) -> Result<wire::ToolResultContentBlock> {
    match item {
        ToolResultContent::Text { text, .. } => {
            Ok(wire::ToolResultContentBlock::Text(text.clone()))
        }
        ToolResultContent::Media {
            data, media_type, ..
        } => {
            let file = FilePart::new(FileData::Base64(data.clone()), media_type.clone());
            Ok(match file_block(&file, document_count)? {
                wire::ContentBlock::Image(image) => wire::ToolResultContentBlock::Image(image),
                wire::ContentBlock::Document(document) => {
                    wire::ToolResultContentBlock::Document(document)
                }
                _ => {
                    return Err(Error::unsupported(
                        format!("tool result media `{media_type}`"),
                        None,
                    ));
                }
            })
        }
        other => Err(Error::unsupported(
            "tool result content",
            Some(format!(
                "{other:?} cannot be sent to Bedrock (files travel as bytes)"
            )),
        )),
    }
}

/// An image or document block of a file given as bytes.
fn file_block(file: &FilePart, document_count: &mut usize) -> Result<wire::ContentBlock> {
    let Some(data) = file.data.to_base64() else {
        return Err(Error::unsupported(
            "file URLs",
            Some("Bedrock's Converse API takes files as bytes; download the file first".to_owned()),
        ));
    };
    let media_type = file.media_type.to_ascii_lowercase();
    if let Some(subtype) = media_type.strip_prefix("image/") {
        let format = match subtype {
            "jpeg" | "jpg" => wire::ImageFormat::Jpeg,
            "png" => wire::ImageFormat::Png,
            "gif" => wire::ImageFormat::Gif,
            "webp" => wire::ImageFormat::Webp,
            _ => {
                return Err(Error::unsupported(
                    format!("image type `{media_type}`"),
                    Some("Bedrock takes jpeg, png, gif and webp".to_owned()),
                ));
            }
        };
        return Ok(wire::ContentBlock::Image(wire::ImageBlock {
            format,
            source: wire::ImageSource::Bytes(data),
            extra: Map::new(),
        }));
    }
    let format =
        match media_type.as_str() {
            "application/pdf" => wire::DocumentFormat::Pdf,
            "text/csv" => wire::DocumentFormat::Csv,
            "application/msword" => wire::DocumentFormat::Doc,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => {
                wire::DocumentFormat::Docx
            }
            "application/vnd.ms-excel" => wire::DocumentFormat::Xls,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" => {
                wire::DocumentFormat::Xlsx
            }
            "text/html" => wire::DocumentFormat::Html,
            "text/markdown" => wire::DocumentFormat::Md,
            "text/plain" => wire::DocumentFormat::Txt,
            _ => return Err(Error::unsupported(
                format!("file type `{media_type}`"),
                Some(
                    "Bedrock takes images and pdf, csv, doc(x), xls(x), html, md and txt documents"
                        .to_owned(),
                ),
            )),
        };
    *document_count += 1;
    // Bedrock restricts document names to letters, digits, spaces, hyphens, parentheses and brackets.
    let name = file
        .filename
        .as_deref()
        .map(|name| name.rsplit_once('.').map_or(name, |(stem, _)| stem))
        .map(|stem| {
            stem.chars()
                .filter(|c| {
                    c.is_ascii_alphanumeric() || matches!(c, ' ' | '-' | '(' | ')' | '[' | ']')
                })
                .collect::<String>()
        })
        .filter(|name| !name.trim().is_empty())
        .unwrap_or_else(|| format!("document-{document_count}"));
    Ok(wire::ContentBlock::Document(wire::DocumentBlock {
        format,
        name,
        source: wire::DocumentSource::Bytes(data),
        extra: Map::new(),
    }))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::provider::{ReasoningPart, TextPart, ToolCallPart};

    fn to_json(prompt: &[Message]) -> serde_json::Value {
        let converted = convert_to_bedrock_messages(prompt).unwrap();
        json!({"system": converted.system, "messages": converted.messages})
    }

    #[test]
    fn turns_merge_and_parts_map_to_converse_blocks() {
        let cached =
            ProviderOptions::new().with("bedrock", json!({"cachePoint": {"type": "default"}}));
        let signed = ProviderOptions::new().with("bedrock", json!({"signature": "sig-1"}));
        let prompt = vec![
            Message::system("Be brief.").with_provider_options(cached.clone()),
            Message::user_parts(vec![
                UserPart::Text(TextPart::new("Read this")),
                UserPart::File(
                    FilePart::new(FileData::Bytes(b"%PDF".to_vec().into()), "application/pdf")
                        .with_filename("Q3 report.pdf"),
                ),
                UserPart::file(b"png".to_vec(), "image/png"),
            ]),
            Message::assistant_parts(vec![
                AssistantPart::Reasoning(ReasoningPart::new("think").with_provider_options(signed)),
                AssistantPart::ToolCall(ToolCallPart::new(
                    "t1",
                    "weather",
                    json!({"city": "Paris"}),
                )),
            ]),
            Message::tool(vec![ToolResultPart::new(
                "t1",
                "weather",
                ToolResultOutput::json(json!({"temp": 20})),
            )]),
            Message::user("Thanks").with_provider_options(cached),
            Message::assistant("Sure.  "),
        ];
        assert_eq!(
            to_json(&prompt),
            json!({
                "system": [{"text": "Be brief."}, {"cachePoint": {"type": "default"}}],
                "messages": [
                    {"role": "user", "content": [
                        {"text": "Read this"},
                        {"document": {"format": "pdf", "name": "Q3 report", "source": {"bytes": "JVBERg=="}}},
                        {"image": {"format": "png", "source": {"bytes": "cG5n"}}}
                    ]},
                    {"role": "assistant", "content": [
                        {"reasoningContent": {"reasoningText": {"text": "think", "signature": "sig-1"}}},
                        {"toolUse": {"toolUseId": "t1", "name": "weather", "input": {"city": "Paris"}}}
                    ]},
                    {"role": "user", "content": [
                        {"toolResult": {"toolUseId": "t1", "content": [{"json": {"temp": 20}}]}},
                        {"text": "Thanks"},
                        {"cachePoint": {"type": "default"}}
                    ]},
                    {"role": "assistant", "content": [{"text": "Sure."}]}
                ]
            })
        );
    }

    #[test]
    fn errors_and_redacted_reasoning() {
        let redacted = ProviderOptions::new().with("bedrock", json!({"redactedData": "opaque"}));
        let prompt = vec![
            Message::user("q"),
            Message::assistant_parts(vec![AssistantPart::Reasoning(
                ReasoningPart::new("").with_provider_options(redacted),
            )]),
            Message::tool(vec![ToolResultPart::new(
                "t",
                "f",
                ToolResultOutput::error_text("boom"),
            )]),
        ];
        let value = to_json(&prompt);
        assert_eq!(
            value["messages"][1]["content"][0],
            json!({"reasoningContent": {"redactedContent": "opaque"}})
        );
        assert_eq!(
            value["messages"][2]["content"][0],
            json!({"toolResult": {"toolUseId": "t", "content": [{"text": "boom"}], "status": "error"}})
        );
        let url = vec![Message::user_parts(vec![UserPart::file_url(
            "https://x/y.png",
            "image/png",
        )])];
        assert!(matches!(
            convert_to_bedrock_messages(&url),
            Err(Error::Unsupported { .. })
        ));
        let late_system = vec![Message::user("q"), Message::system("s")];
        assert!(matches!(
            convert_to_bedrock_messages(&late_system),
            Err(Error::Unsupported { .. })
        ));
    }
}
