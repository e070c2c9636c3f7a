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
use serde_json::Value;

use super::anthropic_api::{
    CitationsParam, ContentBlockParam, MediaSource, MessageParam, Role, SystemPrompt, TextBlockParam,
    ToolResultContentParam,
};
use super::anthropic_options::AnthropicPartOptions;
use crate::error::{Error, Result};
use crate::provider::{
    AssistantPart, FileData, FilePart, Message, ProviderOptions, ToolResultContent, ToolResultOutput, ToolResultPart,
    UserPart, Warning,
};

/// The converted prompt.
#[derive(Debug, Clone, PartialEq)]
pub struct AnthropicPrompt {
    /// The system prompt, when there is one.
    pub system: Option<SystemPrompt>,
    /// The conversation.
    pub messages: Vec<MessageParam>,
    /// Beta features the content needs (sent in `anthropic-beta`).
    pub betas: Vec<&'static str>,
}

/// Converts a prompt; `send_reasoning` says whether earlier reasoning is sent back.
pub fn convert_to_anthropic_messages(
    prompt: &[Message],
    send_reasoning: bool,
    warnings: &mut Vec<Warning>,
) -> Result<AnthropicPrompt> {
    let mut system_blocks: Vec<TextBlockParam> = Vec::new();
    let mut messages: Vec<MessageParam> = Vec::new();
    let mut betas = Vec::new();
    let last_assistant_index = prompt.iter().rposition(|message| matches!(message, Message::Assistant { .. }));
    let is_last_message_assistant = matches!(prompt.last(), Some(Message::Assistant { .. }));

    for (index, message) in prompt.iter().enumerate() {
        let message_options = AnthropicPartOptions::from_provider_options(message.provider_options())?;
        match message {
            Message::System { content, .. } => {
                if !messages.is_empty() {
                    return Err(Error::unsupported(
                        "system messages after the conversation started",
                        Some("Anthropic takes system instructions only before the first user message".into()),
                    ));
                }
                system_blocks.push(TextBlockParam { text: content.clone(), cache_control: message_options.cache_control });
            }
            Message::User { content, .. } => {
                let blocks = turn(&mut messages, Role::User);
                let start = blocks.len();
                for part in content {
                    blocks.push(convert_user_part(part, &mut betas)?);
                }
                apply_message_cache_control(&mut blocks[start..], &message_options);
            }
            Message::Tool { content, .. } => {
                let blocks = turn(&mut messages, Role::User);
                let start = blocks.len();
                for part in content {
                    blocks.push(convert_tool_result(part)?);
                }
                apply_message_cache_control(&mut blocks[start..], &message_options);
            }
            Message::Assistant { content, .. } => {
                let blocks = turn(&mut messages, Role::Assistant);
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
        }
    }

    let system = match system_blocks.len() {
        0 => None,
        1 if system_blocks[0].cache_control.is_none() => system_blocks.pop().map(|block| SystemPrompt::Text(block.text)),
        _ => Some(SystemPrompt::Blocks(system_blocks)),
    };
    messages.retain(|message| !message.content.is_empty());
    Ok(AnthropicPrompt { system, messages, betas })
}

/// The blocks of the current turn of `role`, starting a new turn when the role changes.
fn turn(messages: &mut Vec<MessageParam>, role: Role) -> &mut Vec<ContentBlockParam> {
    if messages.last().is_none_or(|message| message.role != role) {
        messages.push(MessageParam { role, content: Vec::new() });
    }
    &mut messages.last_mut().expect("a turn was just pushed").content
}

/// A message-level breakpoint goes on the message's last block, unless that block has its own.
fn apply_message_cache_control(blocks: &mut [ContentBlockParam], options: &AnthropicPartOptions) {
    let Some(cache_control) = &options.cache_control else { return };
    if let Some(slot) = blocks.iter_mut().rev().find_map(ContentBlockParam::cache_control_mut)
        && slot.is_none()
    {
        *slot = Some(cache_control.clone());
    }
}

fn part_options(options: &ProviderOptions) -> Result<AnthropicPartOptions> {
    AnthropicPartOptions::from_provider_options(options)
}

fn convert_user_part(part: &UserPart, betas: &mut Vec<&'static str>) -> Result<ContentBlockParam> {
    match part {
        UserPart::Text(text) => Ok(ContentBlockParam::Text {
            text: text.text.clone(),
            cache_control: part_options(&text.provider_options)?.cache_control,
        }),
        UserPart::File(file) => convert_file(file, betas),
    }
}

fn convert_file(file: &FilePart, betas: &mut Vec<&'static str>) -> Result<ContentBlockParam> {
    let options = part_options(&file.provider_options)?;
    let media_type = file.media_type.as_str();
    if media_type.starts_with("image/") {
        let media_type = if media_type == "image/*" { "image/jpeg" } else { media_type };
        return Ok(ContentBlockParam::Image { source: media_source(&file.data, media_type), cache_control: options.cache_control });
    }
    let source = match media_type {
        "application/pdf" => {
            if !betas.contains(&PDF_BETA) {
                betas.push(PDF_BETA);
            }
            media_source(&file.data, media_type)
        }
        "text/plain" => match &file.data {
            FileData::Url(url) if !url.starts_with("data:") => MediaSource::Url { url: url.clone() },
            data => MediaSource::Text { media_type: "text/plain".into(), data: text_of(data)? },
        },
        other => {
            return Err(Error::unsupported(
                format!("file parts of media type {other}"),
                Some("Anthropic takes images, PDFs and plain text".into()),
            ));
        }
    };
    Ok(ContentBlockParam::Document {
        source,
        title: options.title.or_else(|| file.filename.clone()),
        context: options.context,
        citations: options.citations.map(|citations| CitationsParam { enabled: citations.enabled }),
        cache_control: options.cache_control,
    })
}

/// PDF input was a beta feature; the header is harmless where it is generally available.
const PDF_BETA: &str = "pdfs-2024-09-25";

/// Inline data as base64, a `data:` URL unpacked, any other URL passed on (the API fetches it).
fn media_source(data: &FileData, media_type: &str) -> MediaSource {
    match data {
        FileData::Url(url) => match parse_data_url(url) {
            Some((data_media_type, base64)) => MediaSource::Base64 {
                media_type: data_media_type.unwrap_or(media_type).to_owned(),
                data: base64.to_owned(),
            },
            None => MediaSource::Url { url: url.clone() },
        },
        inline => MediaSource::Base64 { media_type: media_type.to_owned(), data: inline.to_base64().unwrap_or_default() },
    }
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

fn convert_tool_result(part: &ToolResultPart) -> Result<ContentBlockParam> {
    let options = part_options(&part.provider_options)?;
    let content = match &part.output {
        ToolResultOutput::Text { value } | ToolResultOutput::ErrorText { value } => {
            ToolResultContentParam::Text(value.clone())
        }
        ToolResultOutput::Json { value } | ToolResultOutput::ErrorJson { value } => {
            ToolResultContentParam::Text(value.to_string())
        }
        ToolResultOutput::ExecutionDenied { .. } => ToolResultContentParam::Text(part.output.to_text()),
        ToolResultOutput::Content { value } => ToolResultContentParam::Blocks(
            value.iter().map(convert_tool_result_content).collect::<Result<Vec<_>>>()?,
        ),
    };
    Ok(ContentBlockParam::ToolResult {
        tool_use_id: part.tool_call_id.clone(),
        content,
        is_error: part.output.is_error().then_some(true),
        cache_control: options.cache_control,
    })
}

fn convert_tool_result_content(part: &ToolResultContent) -> Result<ContentBlockParam> {
    match part {
        ToolResultContent::Text { text } => Ok(ContentBlockParam::Text { text: text.clone(), cache_control: None }),
        ToolResultContent::Media { data, media_type } if media_type.starts_with("image/") => Ok(ContentBlockParam::Image {
            source: MediaSource::Base64 { media_type: media_type.clone(), data: data.clone() },
            cache_control: None,
        }),
        ToolResultContent::Media { data, media_type } if media_type == "application/pdf" => Ok(ContentBlockParam::Document {
            source: MediaSource::Base64 { media_type: media_type.clone(), data: data.clone() },
            title: None,
            context: None,
            citations: None,
            cache_control: None,
        }),
        ToolResultContent::MediaUrl { url, media_type }
            if media_type.as_deref().is_none_or(|media_type| media_type.starts_with("image/")) =>
        {
            Ok(ContentBlockParam::Image { source: MediaSource::Url { url: url.clone() }, cache_control: None })
        }
        ToolResultContent::Media { media_type, .. } | ToolResultContent::MediaUrl { media_type: Some(media_type), .. } => {
            Err(Error::unsupported(format!("tool result content of media type {media_type}"), None))
        }
        ToolResultContent::MediaUrl { media_type: None, .. } => unreachable!("matched above"),
    }
}

fn convert_assistant_part(
    part: &AssistantPart,
    trim: bool,
    send_reasoning: bool,
    warnings: &mut Vec<Warning>,
) -> Result<Option<ContentBlockParam>> {
    Ok(match part {
        AssistantPart::Text(text) => {
            let value = if trim { text.text.trim_end().to_owned() } else { text.text.clone() };
            Some(ContentBlockParam::Text { text: value, cache_control: part_options(&text.provider_options)?.cache_control })
        }
        AssistantPart::File(_) => {
            warnings.push(Warning::unsupported("assistant file parts", Some("Anthropic assistant turns take no files; the part was left out".into())));
            None
        }
        AssistantPart::Reasoning(reasoning) => {
            let options = part_options(&reasoning.provider_options)?;
            if !send_reasoning {
                warnings.push(Warning::other("reasoning was not sent back because `send_reasoning` is false"));
                None
            } else if let Some(signature) = options.signature {
                Some(ContentBlockParam::Thinking { thinking: reasoning.text.clone(), signature })
            } else if let Some(data) = options.redacted_data {
                Some(ContentBlockParam::RedactedThinking { data })
            } else {
                warnings.push(Warning::other(
                    "reasoning without an Anthropic signature or redacted data was not sent back",
                ));
                None
            }
        }
        AssistantPart::ToolCall(call) => {
            let cache_control = part_options(&call.provider_options)?.cache_control;
            let input = if call.input.is_object() { call.input.clone() } else { Value::Object(Default::default()) };
            if call.provider_executed {
                Some(ContentBlockParam::ServerToolUse { id: call.tool_call_id.clone(), name: call.tool_name.clone(), input, cache_control })
            } else {
                Some(ContentBlockParam::ToolUse { id: call.tool_call_id.clone(), name: call.tool_name.clone(), input, cache_control })
            }
        }
        AssistantPart::ToolResult(result) => match (result.tool_name.as_str(), &result.output) {
            ("web_search", ToolResultOutput::Json { value } | ToolResultOutput::ErrorJson { value }) => {
                Some(ContentBlockParam::WebSearchToolResult {
                    tool_use_id: result.tool_call_id.clone(),
                    content: value.clone(),
                    cache_control: part_options(&result.provider_options)?.cache_control,
                })
            }
            (name, _) => {
                warnings.push(Warning::unsupported(
                    format!("provider-executed tool result of `{name}`"),
                    Some("only web_search results can be sent back; the part was left out".into()),
                ));
                None
            }
        },
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::provider::{ReasoningPart, TextPart, ToolCallPart};

    fn anthropic(value: Value) -> ProviderOptions {
        ProviderOptions::new().with("anthropic", value)
    }

    fn convert(prompt: &[Message]) -> (AnthropicPrompt, Vec<Warning>) {
        let mut warnings = Vec::new();
        let converted = convert_to_anthropic_messages(prompt, true, &mut warnings).unwrap();
        (converted, warnings)
    }

    fn to_json(prompt: &AnthropicPrompt) -> Value {
        json!({"system": prompt.system, "messages": prompt.messages})
    }

    #[test]
    fn system_text_and_merged_turns() {
        let (converted, warnings) = convert(&[
            Message::system("Be brief."),
            Message::user("Hi"),
            Message::user("Still there?"),
            Message::assistant("Yes.  "),
        ]);
        assert!(warnings.is_empty());
        assert_eq!(
            to_json(&converted),
            json!({
                "system": "Be brief.",
                "messages": [
                    {"role": "user", "content": [{"type": "text", "text": "Hi"}, {"type": "text", "text": "Still there?"}]},
                    {"role": "assistant", "content": [{"type": "text", "text": "Yes."}]}
                ]
            })
        );
    }

    #[test]
    fn cache_control_on_system_message_and_part() {
        let prompt = vec![
            Message::system("long instructions").with_provider_options(anthropic(json!({"cache_control": {"type": "ephemeral"}}))),
            Message::User {
                content: vec![
                    UserPart::Text(TextPart { text: "doc".into(), provider_options: anthropic(json!({"cache_control": {"type": "ephemeral", "ttl": "1h"}})) }),
                    UserPart::text("question"),
                ],
                provider_options: anthropic(json!({"cache_control": {"type": "ephemeral"}})),
            },
        ];
        let (converted, _) = convert(&prompt);
        assert_eq!(
            to_json(&converted),
            json!({
                "system": [{"type": "text", "text": "long instructions", "cache_control": {"type": "ephemeral"}}],
                "messages": [{"role": "user", "content": [
                    {"type": "text", "text": "doc", "cache_control": {"type": "ephemeral", "ttl": "1h"}},
                    {"type": "text", "text": "question", "cache_control": {"type": "ephemeral"}}
                ]}]
            })
        );
    }

    #[test]
    fn images_and_pdfs_inline_or_by_url() {
        let (converted, _) = convert(&[Message::user_parts(vec![
            UserPart::file(vec![1u8, 2, 3], "image/png"),
            UserPart::file_url("https://example.com/a.jpg", "image/jpeg"),
            UserPart::file_url("data:image/gif;base64,R0lG", "image/*"),
            UserPart::file(b"%PDF".to_vec(), "application/pdf"),
        ])]);
        assert_eq!(
            serde_json::to_value(&converted.messages[0].content).unwrap(),
            json!([
                {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "AQID"}},
                {"type": "image", "source": {"type": "url", "url": "https://example.com/a.jpg"}},
                {"type": "image", "source": {"type": "base64", "media_type": "image/gif", "data": "R0lG"}},
                {"type": "document", "source": {"type": "base64", "media_type": "application/pdf", "data": "JVBERg=="}}
            ])
        );
        assert_eq!(converted.betas, vec![PDF_BETA]);
    }

    #[test]
    fn unsupported_media_is_an_error() {
        let mut warnings = Vec::new();
        let error = convert_to_anthropic_messages(&[Message::user_parts(vec![UserPart::file(vec![0u8], "audio/wav")])], true, &mut warnings)
            .unwrap_err();
        assert!(matches!(error, Error::Unsupported { .. }), "{error:?}");
    }

    #[test]
    fn tool_round_trip_with_reasoning_signatures() {
        let prompt = vec![
            Message::user("Weather in Paris?"),
            Message::assistant_parts(vec![
                AssistantPart::Reasoning(ReasoningPart { text: "think".into(), provider_options: anthropic(json!({"signature": "sig"})) }),
                AssistantPart::Reasoning(ReasoningPart { text: String::new(), provider_options: anthropic(json!({"redacted_data": "opaque"})) }),
                AssistantPart::ToolCall(ToolCallPart {
                    tool_call_id: "toolu_1".into(),
                    tool_name: "get_weather".into(),
                    input: json!({"city": "Paris"}),
                    provider_executed: false,
                    provider_options: ProviderOptions::new(),
                }),
            ]),
            Message::tool(vec![
                ToolResultPart { tool_call_id: "toolu_1".into(), tool_name: "get_weather".into(), output: ToolResultOutput::Json { value: json!({"temp": 18}) }, provider_options: ProviderOptions::new() },
                ToolResultPart { tool_call_id: "toolu_2".into(), tool_name: "get_weather".into(), output: ToolResultOutput::ErrorText { value: "boom".into() }, provider_options: ProviderOptions::new() },
            ]),
        ];
        let (converted, warnings) = convert(&prompt);
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(
            serde_json::to_value(&converted.messages).unwrap(),
            json!([
                {"role": "user", "content": [{"type": "text", "text": "Weather in Paris?"}]},
                {"role": "assistant", "content": [
                    {"type": "thinking", "thinking": "think", "signature": "sig"},
                    {"type": "redacted_thinking", "data": "opaque"},
                    {"type": "tool_use", "id": "toolu_1", "name": "get_weather", "input": {"city": "Paris"}}
                ]},
                {"role": "user", "content": [
                    {"type": "tool_result", "tool_use_id": "toolu_1", "content": "{\"temp\":18}"},
                    {"type": "tool_result", "tool_use_id": "toolu_2", "content": "boom", "is_error": true}
                ]}
            ])
        );
    }

    #[test]
    fn reasoning_without_signature_is_left_out_with_a_warning() {
        let (converted, warnings) = convert(&[
            Message::user("q"),
            Message::assistant_parts(vec![
                AssistantPart::Reasoning(ReasoningPart { text: "from another provider".into(), provider_options: ProviderOptions::new() }),
                AssistantPart::Text(TextPart::new("answer")),
            ]),
        ]);
        assert_eq!(warnings.len(), 1);
        assert_eq!(serde_json::to_value(&converted.messages[1].content).unwrap(), json!([{"type": "text", "text": "answer"}]));
    }

    #[test]
    fn multi_part_tool_results_become_blocks() {
        let (converted, _) = convert(&[Message::tool(vec![ToolResultPart {
            tool_call_id: "t".into(),
            tool_name: "shot".into(),
            output: ToolResultOutput::Content {
                value: vec![
                    ToolResultContent::Text { text: "screen".into() },
                    ToolResultContent::Media { data: "AAAA".into(), media_type: "image/png".into() },
                ],
            },
            provider_options: ProviderOptions::new(),
        }])]);
        assert_eq!(
            serde_json::to_value(&converted.messages[0].content).unwrap(),
            json!([{"type": "tool_result", "tool_use_id": "t", "content": [
                {"type": "text", "text": "screen"},
                {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "AAAA"}}
            ]}])
        );
    }

    #[test]
    fn late_system_message_is_an_error() {
        let mut warnings = Vec::new();
        let error = convert_to_anthropic_messages(&[Message::user("a"), Message::system("b")], true, &mut warnings).unwrap_err();
        assert!(matches!(error, Error::Unsupported { .. }));
    }
}
