//! The prompt as Cohere chat `messages`, plus the `documents` that ground the answer.
//!
//! System, user, assistant and tool messages keep their roles. Images go inline as
//! `image_url` parts (URL or `data:` URL); other files become documents of the request (Cohere
//! reads documents as text, so only text media types are accepted), and the model cites them.
//! An assistant turn that called tools sends its text as `tool_plan`, the field Cohere reads the
//! plan before a tool call from. Tool results go back as text.

use serde_json::{Map, Value};

use super::cohere_options::CohereImagePartOptions;
use super::wire::{AssistantContent, ChatMessage, Document, ImageUrl, ToolCall, ToolCallFunction, ToolContent, UserContent};
use crate::error::{Error, Result};
use crate::provider::{AssistantPart, FileData, FilePart, Message, ToolResultContent, ToolResultOutput, UserPart, Warning};

/// The converted prompt.
#[derive(Debug, Default)]
pub(crate) struct CoherePrompt {
    pub messages: Vec<ChatMessage>,
    pub documents: Vec<Document>,
    pub warnings: Vec<Warning>,
}

/// Converts the prompt.
pub(crate) fn convert_to_cohere_messages(prompt: &[Message]) -> Result<CoherePrompt> {
    let mut converted = CoherePrompt::default();
    for message in prompt {
        match message {
            Message::System { content, .. } => converted.messages.push(ChatMessage::System { content: content.clone() }),
            Message::User { content, .. } => {
                let mut parts = Vec::with_capacity(content.len());
                for part in content {
                    match part {
                        UserPart::Text(text) if text.text.is_empty() => {}
                        UserPart::Text(text) => parts.push(UserContent::Text { text: text.text.clone() }),
                        UserPart::File(file) if file.media_type.starts_with("image/") => parts.push(image(file)?),
                        UserPart::File(file) => converted.documents.push(document(file, converted.documents.len())?),
                        other => return Err(Error::unsupported(format!("{} parts in Cohere user messages", other.kind()), None)),
                    }
                }
                if parts.is_empty() {
                    // A message of documents only still asks something: Cohere rejects empty content.
                    parts.push(UserContent::Text { text: String::new() });
                }
                converted.messages.push(ChatMessage::User { content: parts });
            }
            Message::Assistant { content, .. } => converted.messages.push(assistant(content, &mut converted.warnings)?),
            Message::Tool { content, .. } => {
                for result in content {
                    if let ToolResultOutput::Content { value, .. } = &result.output
                        && value.iter().any(|part| !matches!(part, ToolResultContent::Text { .. }))
                    {
                        converted.warnings.push(Warning::unsupported(
                            "tool result media",
                            format!("Cohere tool results are text; the media of `{}` was not sent", result.tool_call_id),
                        ));
                    }
                    converted.messages.push(ChatMessage::Tool {
                        tool_call_id: result.tool_call_id.clone(),
                        content: vec![ToolContent::Text { text: result.output.to_text() }],
                    });
                }
            }
            other => return Err(Error::unsupported(format!("{} messages for Cohere", other.role()), None)),
        }
    }
    Ok(converted)
}

fn image(file: &FilePart) -> Result<UserContent> {
    let options: CohereImagePartOptions = file.provider_options.parse("cohere")?.unwrap_or_default();
    let detail = options.detail.as_deref().map(str::parse).transpose().map_err(|error| {
        Error::invalid_argument("provider_options.cohere.detail", format!("{error}"))
    })?;
    Ok(UserContent::ImageUrl { image_url: ImageUrl { url: file.data.to_data_url(&file.media_type), detail, extra: Map::new() } })
}

/// A text file as a document: its text, and its file name as the title.
fn document(file: &FilePart, index: usize) -> Result<Document> {
    let is_text = file.media_type.starts_with("text/") || file.media_type == "application/json";
    if !is_text || matches!(file.data, FileData::Url(_)) {
        return Err(Error::unsupported(
            format!("{} files for Cohere", file.media_type),
            Some("Cohere takes images and inline text documents (text/*, application/json)".to_owned()),
        ));
    }
    let bytes = file.data.to_bytes()?;
    let text = String::from_utf8(bytes.to_vec())
        .map_err(|_| Error::invalid_argument("file data", format!("document {index} of type {} is not UTF-8 text", file.media_type)))?;
    let mut data = Map::new();
    data.insert("text".into(), Value::String(text));
    if let Some(filename) = &file.filename {
        data.insert("title".into(), Value::String(filename.clone()));
    }
    Ok(Document { id: None, data, extra: Map::new() })
}

fn assistant(content: &[AssistantPart], warnings: &mut Vec<Warning>) -> Result<ChatMessage> {
    let mut text = String::new();
    let mut thinking = Vec::new();
    let mut tool_calls = Vec::new();
    for part in content {
        match part {
            AssistantPart::Text(part) => text.push_str(&part.text),
            AssistantPart::Reasoning(part) if !part.text.is_empty() => thinking.push(AssistantContent::Thinking { thinking: part.text.clone() }),
            AssistantPart::Reasoning(_) => {}
            AssistantPart::ToolCall(call) => tool_calls.push(ToolCall {
                id: Some(call.tool_call_id.clone()),
                type_: Some("function".into()),
                function: Some(ToolCallFunction {
                    name: Some(call.tool_name.clone()),
                    arguments: Some(call.input.to_string()),
                    extra: Map::new(),
                }),
                extra: Map::new(),
            }),
            other => warnings.push(Warning::unsupported(
                format!("assistant {} part", other.kind()),
                "Cohere assistant messages hold text, thinking and tool calls; the part was not sent".to_owned(),
            )),
        }
    }
    let mut parts = thinking;
    let tool_plan = if tool_calls.is_empty() {
        parts.push(AssistantContent::Text { text });
        None
    } else {
        (!text.is_empty()).then_some(text)
    };
    Ok(ChatMessage::Assistant { content: parts, tool_calls, tool_plan, citations: Vec::new() })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::provider::{ProviderOptions, ToolResultPart};

    #[test]
    fn converts_a_conversation_with_tools_images_and_documents() {
        let image = UserPart::File(
            FilePart::new(FileData::Base64("AAEC".into()), "image/png")
                .with_provider_options(ProviderOptions::new().with("cohere", json!({"detail": "high"}))),
        );
        let notes = UserPart::File(FilePart::new(FileData::Bytes("Fact one.".into()), "text/plain").with_filename("notes.txt"));
        let prompt = vec![
            Message::system("Be brief."),
            Message::user_parts(vec![UserPart::text("Look:"), image, notes]),
            Message::assistant_parts(vec![
                AssistantPart::reasoning("hmm"),
                AssistantPart::text("I will check."),
                AssistantPart::tool_call("call_1", "weather", json!({"city": "Paris"})),
            ]),
            Message::tool(vec![ToolResultPart::new("call_1", "weather", ToolResultOutput::json(json!({"celsius": 21})))]),
            Message::assistant("21 degrees."),
        ];
        let converted = convert_to_cohere_messages(&prompt).unwrap();
        assert!(converted.warnings.is_empty());
        assert_eq!(
            serde_json::to_value(&converted.messages).unwrap(),
            json!([
                {"role": "system", "content": "Be brief."},
                {"role": "user", "content": [
                    {"type": "text", "text": "Look:"},
                    {"type": "image_url", "image_url": {"url": "data:image/png;base64,AAEC", "detail": "high"}}
                ]},
                {"role": "assistant", "content": [{"type": "thinking", "thinking": "hmm"}], "tool_plan": "I will check.",
                 "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "weather", "arguments": "{\"city\":\"Paris\"}"}}]},
                {"role": "tool", "tool_call_id": "call_1", "content": [{"type": "text", "text": "{\"celsius\":21}"}]},
                {"role": "assistant", "content": [{"type": "text", "text": "21 degrees."}]}
            ])
        );
        assert_eq!(serde_json::to_value(&converted.documents).unwrap(), json!([{"data": {"text": "Fact one.", "title": "notes.txt"}}]));
    }

    #[test]
    fn binary_documents_and_document_urls_are_unsupported() {
        let pdf = Message::user_parts(vec![UserPart::file(vec![0x25u8, 0x50], "application/pdf")]);
        assert!(matches!(convert_to_cohere_messages(&[pdf]), Err(Error::Unsupported { .. })));
        let url = Message::user_parts(vec![UserPart::file_url("https://example.com/a.txt", "text/plain")]);
        assert!(matches!(convert_to_cohere_messages(&[url]), Err(Error::Unsupported { .. })));
    }
}
