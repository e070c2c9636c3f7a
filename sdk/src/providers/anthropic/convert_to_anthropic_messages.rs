//! The prompt as Anthropic messages.
//!
//! Anthropic takes the system prompt apart from the conversation, and a conversation of strictly
//! alternating `user` and `assistant` turns in which tool results are user content. So leading
//! system messages become `system`; consecutive user and tool messages merge into one user turn,
//! consecutive assistant messages into one assistant turn. Cache breakpoints come from
//! `provider_options["anthropic"].cache_control` of a part, or of a message (its last block).
//! Reasoning goes back as `thinking` (with its signature) or `redacted_thinking` blocks, as the
//! API requires for a tool conversation with extended thinking.

use base64::Engine as _;
use serde_json::Map;

use super::anthropic_api::{cache_control, cache_control_slot, image_media_type, tool_input, types};
use super::anthropic_options::AnthropicPartOptions;
use crate::error::{Error, Result};
use crate::provider::{
    AssistantPart, FileData, FilePart, Message, ProviderOptions, ToolResultContent, ToolResultOutput, ToolResultPart,
    UserPart, Warning,
};
use crate::provider_utils::concrete_image_media_type;

use types::ContentBlockParam as Block;

/// The converted prompt.
#[derive(Debug, Clone, PartialEq)]
pub struct AnthropicPrompt {
    /// The system prompt, when there is one.
    pub system: Option<types::CreateMessageParamsSystem>,
    /// The conversation.
    pub messages: Vec<types::InputMessage>,
    /// Beta features the content needs (sent in `anthropic-beta`).
    pub betas: Vec<&'static str>,
    /// The documents of the prompt in order, which citations refer to by index.
    pub documents: Vec<CitedDocument>,
}

/// A document of the prompt, as citations of it are reported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CitedDocument {
    /// Its media type.
    pub media_type: String,
    /// Its title (the given title, else the file name, else a placeholder).
    pub title: String,
    /// Its file name, when known.
    pub filename: Option<String>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    User,
    Assistant,
}

/// Converts a prompt; `send_reasoning` says whether earlier reasoning is sent back.
pub fn convert_to_anthropic_messages(
    prompt: &[Message],
    send_reasoning: bool,
    warnings: &mut Vec<Warning>,
) -> Result<AnthropicPrompt> {
    let mut system_blocks: Vec<types::RequestTextBlock> = Vec::new();
    let mut turns: Vec<(Role, Vec<Block>)> = Vec::new();
    let mut betas = Vec::new();
    let mut documents = Vec::new();
    let last_assistant_index = prompt.iter().rposition(|message| matches!(message, Message::Assistant { .. }));
    let is_last_message_assistant = matches!(prompt.last(), Some(Message::Assistant { .. }));

    for (index, message) in prompt.iter().enumerate() {
        let message_options = AnthropicPartOptions::from_provider_options(message.provider_options())?;
        match message {
            Message::System { content, .. } => {
                if !turns.is_empty() {
                    return Err(Error::unsupported(
                        "system messages after the conversation started",
                        Some("Anthropic takes system instructions only before the first user message".into()),
                    ));
                }
                system_blocks.push(types::RequestTextBlock {
                    cache_control: message_options.cache_control.as_ref().map(cache_control),
                    citations: None,
                    text: content.clone(),
                    type_: types::RequestTextBlockType::Text,
                    extra: Map::new(),
                });
            }
            Message::User { content, .. } => {
                let blocks = turn(&mut turns, Role::User);
                let start = blocks.len();
                for part in content {
                    blocks.push(convert_user_part(part, &mut betas, &mut documents)?);
                }
                apply_message_cache_control(&mut blocks[start..], &message_options);
            }
            Message::Tool { content, .. } => {
                let blocks = turn(&mut turns, Role::User);
                let start = blocks.len();
                for part in content {
                    blocks.push(convert_tool_result(part)?);
                }
                apply_message_cache_control(&mut blocks[start..], &message_options);
            }
            Message::Assistant { content, .. } => {
                let blocks = turn(&mut turns, Role::Assistant);
                let start = blocks.len();
                // The API rejects a final assistant turn (a prefill) that ends in whitespace.
                let trim_last_text = is_last_message_assistant && Some(index) == last_assistant_index;
                let last_text_part = content.iter().rposition(|part| matches!(part, AssistantPart::Text(_)));
                for (part_index, part) in content.iter().enumerate() {
                    let trim = trim_last_text && Some(part_index) == last_text_part;
                    if let Some(block) = convert_assistant_part(part, trim, send_reasoning, warnings)? {
                        blocks.push(block);
                    }
                }
                apply_message_cache_control(&mut blocks[start..], &message_options);
            }
            other => return Err(Error::unsupported(format!("{} messages", other.role()), None)),
        }
    }

    let system = match system_blocks.len() {
        0 => None,
        1 if system_blocks[0].cache_control.is_none() => {
            system_blocks.pop().map(|block| types::CreateMessageParamsSystem::String(block.text))
        }
        _ => Some(types::CreateMessageParamsSystem::Array(system_blocks)),
    };
    let messages = turns
        .into_iter()
        .filter(|(_, blocks)| !blocks.is_empty())
        .map(|(role, blocks)| types::InputMessage {
            content: types::InputMessageContent::Array(blocks),
            role: match role {
                Role::User => types::InputMessageRole::User,
                Role::Assistant => types::InputMessageRole::Assistant,
            },
            extra: Map::new(),
        })
        .collect();
    Ok(AnthropicPrompt { system, messages, betas, documents })
}

/// The blocks of the current turn of `role`, starting a new turn when the role changes.
fn turn(turns: &mut Vec<(Role, Vec<Block>)>, role: Role) -> &mut Vec<Block> {
    if turns.last().is_none_or(|(last, _)| *last != role) {
        turns.push((role, Vec::new()));
    }
    &mut turns.last_mut().expect("a turn was just pushed").1
}

/// A message-level breakpoint goes on the message's last block, unless that block has its own.
fn apply_message_cache_control(blocks: &mut [Block], options: &AnthropicPartOptions) {
    let Some(control) = &options.cache_control else { return };
    if let Some(slot) = blocks.iter_mut().rev().find_map(cache_control_slot)
        && slot.is_none()
    {
        *slot = Some(cache_control(control));
    }
}

fn part_options(options: &ProviderOptions) -> Result<AnthropicPartOptions> {
    AnthropicPartOptions::from_provider_options(options)
}

fn text_block(text: String, options: &AnthropicPartOptions) -> Block {
    Block::Text { cache_control: options.cache_control.as_ref().map(cache_control), citations: None, text }
}

fn convert_user_part(part: &UserPart, betas: &mut Vec<&'static str>, documents: &mut Vec<CitedDocument>) -> Result<Block> {
    match part {
        UserPart::Text(text) => Ok(text_block(text.text.clone(), &part_options(&text.provider_options)?)),
        UserPart::File(file) => convert_file(file, betas, documents),
        other => Err(Error::unsupported(format!("{} parts in user messages", other.kind()), None)),
    }
}

fn convert_file(file: &FilePart, betas: &mut Vec<&'static str>, documents: &mut Vec<CitedDocument>) -> Result<Block> {
    let options = part_options(&file.provider_options)?;
    let media_type = file.media_type.as_str();
    let control = options.cache_control.as_ref().map(cache_control);
    if media_type.starts_with("image/") {
        let media_type = concrete_image_media_type(media_type, &file.data);
        let source = match inline_or_url(&file.data)? {
            Inline::Base64 { media_type: data_media_type, data } => types::ImageSource::Base64 {
                data,
                media_type: image_media_type(data_media_type.unwrap_or(media_type)),
            },
            Inline::Url(url) => types::ImageSource::Url { url },
        };
        return Ok(Block::Image { cache_control: control, source });
    }
    let source = match media_type {
        "application/pdf" => {
            if !betas.contains(&PDF_BETA) {
                betas.push(PDF_BETA);
            }
            match inline_or_url(&file.data)? {
                Inline::Base64 { data, .. } => {
                    types::DocumentSource::Base64 { data, media_type: types::DocumentSourceMediaType::ApplicationPdf }
                }
                Inline::Url(url) => types::DocumentSource::Url { url },
            }
        }
        "text/plain" => match &file.data {
            FileData::Url(url) if !url.starts_with("data:") => types::DocumentSource::Url { url: url.clone() },
            data => types::DocumentSource::Text { data: text_of(data)?, media_type: types::PlainTextSourceMediaType::TextPlain },
        },
        other => {
            return Err(Error::unsupported(
                format!("file parts of media type {other}"),
                Some("Anthropic takes images, PDFs and plain text".into()),
            ));
        }
    };
    let title = options.title.or_else(|| file.filename.clone());
    documents.push(CitedDocument {
        media_type: media_type.to_owned(),
        title: title.clone().unwrap_or_else(|| "Untitled Document".to_owned()),
        filename: file.filename.clone(),
    });
    Ok(Block::Document {
        cache_control: control,
        citations: options
            .citations
            .map(|citations| types::ContentBlockParamCitations { enabled: Some(citations.enabled), extra: Map::new() }),
        context: options.context,
        source,
        title,
    })
}

/// PDF input was a beta feature; the header is harmless where it is generally available.
const PDF_BETA: &str = "pdfs-2024-09-25";

enum Inline<'a> {
    Base64 { media_type: Option<&'a str>, data: String },
    Url(String),
}

/// Inline data as base64 (a `data:` URL unpacked, with its media type), any other URL passed on
/// (the API fetches it); file data of another kind is an `Unsupported` error.
fn inline_or_url(data: &FileData) -> Result<Inline<'_>> {
    Ok(match data {
        FileData::Url(url) => match parse_data_url(url) {
            Some((media_type, base64)) => Inline::Base64 { media_type, data: base64.to_owned() },
            None => Inline::Url(url.clone()),
        },
        inline => match inline.to_base64() {
            Some(data) => Inline::Base64 { media_type: None, data },
            None => return Err(Error::unsupported(format!("{} file data", inline.kind()), None)),
        },
    })
}

/// `data:<media type>;base64,<data>` -> (media type, data).
fn parse_data_url(url: &str) -> Option<(Option<&str>, &str)> {
    let rest = url.strip_prefix("data:")?;
    let (header, data) = rest.split_once(',')?;
    let media_type = header.strip_suffix(";base64")?;
    Some(((!media_type.is_empty()).then_some(media_type), data))
}

fn text_of(data: &FileData) -> Result<String> {
    let bytes = match data {
        FileData::Url(url) => {
            let (_, base64) = parse_data_url(url)
                .ok_or_else(|| Error::invalid_argument("file data", "expected a base64 data URL"))?;
            base64::engine::general_purpose::STANDARD
                .decode(base64)
                .map_err(|error| Error::invalid_argument("file data", format!("invalid base64: {error}")))?
                .into()
        }
        inline => inline.to_bytes()?,
    };
    String::from_utf8(bytes.to_vec()).map_err(|_| Error::invalid_argument("file data", "text/plain file is not UTF-8"))
}

fn convert_tool_result(part: &ToolResultPart) -> Result<Block> {
    let options = part_options(&part.provider_options)?;
    let content = match &part.output {
        ToolResultOutput::Text { value, .. } | ToolResultOutput::ErrorText { value, .. } => {
            types::ContentBlockParamContent::String(value.clone())
        }
        ToolResultOutput::Json { value, .. } | ToolResultOutput::ErrorJson { value, .. } => {
            types::ContentBlockParamContent::String(value.to_string())
        }
        ToolResultOutput::Content { value, .. } => types::ContentBlockParamContent::Array(
            value.iter().map(convert_tool_result_content).collect::<Result<Vec<_>>>()?,
        ),
        // Denials, and output kinds added to the spec later: the spec's text form.
        other => types::ContentBlockParamContent::String(other.to_text()),
    };
    Ok(Block::ToolResult {
        cache_control: options.cache_control.as_ref().map(cache_control),
        content: Some(content),
        is_error: part.output.is_error().then_some(true),
        tool_use_id: part.tool_call_id.clone(),
    })
}

fn convert_tool_result_content(part: &ToolResultContent) -> Result<types::ToolResultContentBlock> {
    use types::ToolResultContentBlock as Content;
    match part {
        ToolResultContent::Text { text, .. } => {
            Ok(Content::Text { cache_control: None, citations: None, text: text.clone() })
        }
        ToolResultContent::Media { data, media_type, .. } if media_type.starts_with("image/") => Ok(Content::Image {
            cache_control: None,
            source: types::ImageSource::Base64 { data: data.clone(), media_type: image_media_type(media_type) },
        }),
        ToolResultContent::Media { data, media_type, .. } if media_type == "application/pdf" => Ok(Content::Document {
            cache_control: None,
            citations: None,
            context: None,
            source: types::DocumentSource::Base64 { data: data.clone(), media_type: types::DocumentSourceMediaType::ApplicationPdf },
            title: None,
        }),
        ToolResultContent::MediaUrl { url, media_type, .. }
            if media_type.as_deref().is_none_or(|media_type| media_type.starts_with("image/")) =>
        {
            Ok(Content::Image { cache_control: None, source: types::ImageSource::Url { url: url.clone() } })
        }
        ToolResultContent::MediaUrl { url, media_type: Some(media_type), .. } if media_type == "application/pdf" => {
            Ok(Content::Document {
                cache_control: None,
                citations: None,
                context: None,
                source: types::DocumentSource::Url { url: url.clone() },
                title: None,
            })
        }
        ToolResultContent::Media { media_type, .. } | ToolResultContent::MediaUrl { media_type: Some(media_type), .. } => {
            Err(Error::unsupported(format!("tool result content of media type {media_type}"), None))
        }
        ToolResultContent::MediaUrl { media_type: None, .. } => unreachable!("matched above"),
        other => Err(Error::unsupported(format!("{} parts in tool results", other.kind()), None)),
    }
}

fn convert_assistant_part(
    part: &AssistantPart,
    trim: bool,
    send_reasoning: bool,
    warnings: &mut Vec<Warning>,
) -> Result<Option<Block>> {
    Ok(match part {
        AssistantPart::Text(text) => {
            let value = if trim { text.text.trim_end().to_owned() } else { text.text.clone() };
            // The API rejects empty text blocks; an empty assistant text says nothing anyway.
            if value.is_empty() {
                return Ok(None);
            }
            Some(text_block(value, &part_options(&text.provider_options)?))
        }
        AssistantPart::File(_) => {
            warnings.push(Warning::unsupported(
                "assistant file parts",
                Some("Anthropic assistant turns take no files; the part was left out".into()),
            ));
            None
        }
        AssistantPart::Reasoning(reasoning) => {
            let options = part_options(&reasoning.provider_options)?;
            if !send_reasoning {
                warnings.push(Warning::other("reasoning was not sent back because `send_reasoning` is false"));
                None
            } else if let Some(signature) = options.signature {
                Some(Block::Thinking { signature, thinking: reasoning.text.clone() })
            } else if let Some(data) = options.redacted_data {
                Some(Block::RedactedThinking { data })
            } else {
                warnings.push(Warning::other(
                    "reasoning without an Anthropic signature or redacted data was not sent back",
                ));
                None
            }
        }
        AssistantPart::ToolCall(call) => {
            let cache_control = part_options(&call.provider_options)?.cache_control.as_ref().map(cache_control);
            let (id, name, input) = (call.tool_call_id.clone(), call.tool_name.clone(), tool_input(&call.input));
            Some(if call.provider_executed {
                Block::ServerToolUse { cache_control, id, input, name }
            } else {
                Block::ToolUse { cache_control, id, input, name }
            })
        }
        AssistantPart::ToolResult(result) => match (result.tool_name.as_str(), &result.output) {
            ("web_search", ToolResultOutput::Json { value, .. } | ToolResultOutput::ErrorJson { value, .. }) => {
                match serde_json::from_value::<types::WebSearchToolResultContent>(value.clone()) {
                    Ok(content) => Some(Block::WebSearchToolResult {
                        cache_control: part_options(&result.provider_options)?.cache_control.as_ref().map(cache_control),
                        content,
                        tool_use_id: result.tool_call_id.clone(),
                    }),
                    Err(error) => {
                        warnings.push(Warning::other(format!(
                            "a web_search result that is not in Anthropic's shape was left out: {error}"
                        )));
                        None
                    }
                }
            }
            (name, _) => {
                warnings.push(Warning::unsupported(
                    format!("provider-executed tool result of `{name}`"),
                    Some("only web_search results can be sent back; the part was left out".into()),
                ));
                None
            }
        },
        other => return Err(Error::unsupported(format!("{} parts in assistant messages", other.kind()), None)),
    })
}

#[cfg(test)]
#[path = "convert_to_anthropic_messages_tests.rs"]
mod tests;
