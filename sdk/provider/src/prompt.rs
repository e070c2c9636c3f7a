//! The prompt: a conversation of typed messages.
//!
//! Roles and parts follow the AI SDK's language-model prompt: system messages carry text only;
//! user messages text and files; assistant messages text, files, reasoning, tool calls and the
//! results of provider-executed tools; tool messages the results of tool calls. Every message and
//! part may carry [`ProviderOptions`] (e.g. Anthropic's `cache_control`). All of it serializes, so
//! a conversation can be stored and resumed.

use bytes::Bytes;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::content::FileData;
use super::metadata::ProviderOptions;

/// One message of the conversation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "role", rename_all = "lowercase")]
pub enum Message {
    /// Instructions for the model.
    System {
        /// The instructions.
        content: String,
        /// Per-message provider options.
        #[serde(default, skip_serializing_if = "ProviderOptions::is_empty")]
        provider_options: ProviderOptions,
    },
    /// What the user said.
    User {
        /// Text and file parts.
        content: Vec<UserPart>,
        /// Per-message provider options.
        #[serde(default, skip_serializing_if = "ProviderOptions::is_empty")]
        provider_options: ProviderOptions,
    },
    /// What the model said earlier.
    Assistant {
        /// Text, files, reasoning, tool calls and provider-executed tool results.
        content: Vec<AssistantPart>,
        /// Per-message provider options.
        #[serde(default, skip_serializing_if = "ProviderOptions::is_empty")]
        provider_options: ProviderOptions,
    },
    /// The results of tool calls.
    Tool {
        /// One result per call.
        content: Vec<ToolResultPart>,
        /// Per-message provider options.
        #[serde(default, skip_serializing_if = "ProviderOptions::is_empty")]
        provider_options: ProviderOptions,
    },
}

impl Message {
    /// A system message.
    pub fn system(content: impl Into<String>) -> Self {
        Message::System { content: content.into(), provider_options: ProviderOptions::default() }
    }

    /// A user message of one text part.
    pub fn user(text: impl Into<String>) -> Self {
        Message::User { content: vec![UserPart::text(text)], provider_options: ProviderOptions::default() }
    }

    /// A user message of several parts.
    pub fn user_parts(content: Vec<UserPart>) -> Self {
        Message::User { content, provider_options: ProviderOptions::default() }
    }

    /// An assistant message of one text part.
    pub fn assistant(text: impl Into<String>) -> Self {
        Message::Assistant {
            content: vec![AssistantPart::Text(TextPart::new(text))],
            provider_options: ProviderOptions::default(),
        }
    }

    /// An assistant message of several parts.
    pub fn assistant_parts(content: Vec<AssistantPart>) -> Self {
        Message::Assistant { content, provider_options: ProviderOptions::default() }
    }

    /// A tool message.
    pub fn tool(content: Vec<ToolResultPart>) -> Self {
        Message::Tool { content, provider_options: ProviderOptions::default() }
    }

    /// The message's provider options.
    pub fn provider_options(&self) -> &ProviderOptions {
        match self {
            Message::System { provider_options, .. }
            | Message::User { provider_options, .. }
            | Message::Assistant { provider_options, .. }
            | Message::Tool { provider_options, .. } => provider_options,
        }
    }

    /// Sets the message's provider options.
    pub fn with_provider_options(mut self, options: ProviderOptions) -> Self {
        match &mut self {
            Message::System { provider_options, .. }
            | Message::User { provider_options, .. }
            | Message::Assistant { provider_options, .. }
            | Message::Tool { provider_options, .. } => *provider_options = options,
        }
        self
    }
}

/// A part of a user message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum UserPart {
    /// Text.
    Text(TextPart),
    /// A file: an image, a PDF, audio...
    File(FilePart),
}

impl UserPart {
    /// A text part.
    pub fn text(text: impl Into<String>) -> Self {
        UserPart::Text(TextPart::new(text))
    }

    /// A file part from bytes.
    pub fn file(data: impl Into<Bytes>, media_type: impl Into<String>) -> Self {
        UserPart::File(FilePart::new(FileData::Bytes(data.into()), media_type))
    }

    /// A file part from a URL.
    pub fn file_url(url: impl Into<String>, media_type: impl Into<String>) -> Self {
        UserPart::File(FilePart::new(FileData::Url(url.into()), media_type))
    }
}

/// A part of an assistant message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum AssistantPart {
    /// Text.
    Text(TextPart),
    /// A file the model generated.
    File(FilePart),
    /// The model's reasoning (signatures and encrypted content travel in provider options).
    Reasoning(ReasoningPart),
    /// A tool call.
    ToolCall(ToolCallPart),
    /// The result of a provider-executed tool.
    ToolResult(ToolResultPart),
}

/// Text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TextPart {
    /// The text.
    pub text: String,
    /// Per-part provider options.
    #[serde(default, skip_serializing_if = "ProviderOptions::is_empty")]
    pub provider_options: ProviderOptions,
}

impl TextPart {
    /// A text part without options.
    pub fn new(text: impl Into<String>) -> Self {
        TextPart { text: text.into(), provider_options: ProviderOptions::default() }
    }
}

/// A file, with its IANA media type (`image/png`, `application/pdf`; `image/*` when unknown).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FilePart {
    /// The content, inline or by URL.
    pub data: FileData,
    /// The media type.
    pub media_type: String,
    /// The file's name, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filename: Option<String>,
    /// Per-part provider options.
    #[serde(default, skip_serializing_if = "ProviderOptions::is_empty")]
    pub provider_options: ProviderOptions,
}

impl FilePart {
    /// A file part without filename or options.
    pub fn new(data: FileData, media_type: impl Into<String>) -> Self {
        FilePart { data, media_type: media_type.into(), filename: None, provider_options: ProviderOptions::default() }
    }
}

/// The model's reasoning text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReasoningPart {
    /// The reasoning text (may be empty for redacted or encrypted reasoning).
    pub text: String,
    /// Per-part provider options: signatures, encrypted content.
    #[serde(default, skip_serializing_if = "ProviderOptions::is_empty")]
    pub provider_options: ProviderOptions,
}

/// A tool call the model made earlier.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolCallPart {
    /// The call's id, which its result refers to.
    pub tool_call_id: String,
    /// The tool's name.
    pub tool_name: String,
    /// The call's input, as JSON.
    pub input: Value,
    /// Whether the provider executed the tool itself (e.g. web search).
    #[serde(default)]
    pub provider_executed: bool,
    /// Per-part provider options.
    #[serde(default, skip_serializing_if = "ProviderOptions::is_empty")]
    pub provider_options: ProviderOptions,
}

/// The result of a tool call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolResultPart {
    /// The id of the call this answers.
    pub tool_call_id: String,
    /// The tool's name.
    pub tool_name: String,
    /// The result.
    pub output: ToolResultOutput,
    /// Per-part provider options.
    #[serde(default, skip_serializing_if = "ProviderOptions::is_empty")]
    pub provider_options: ProviderOptions,
}

/// What a tool returned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum ToolResultOutput {
    /// Text.
    Text {
        /// The text.
        value: String,
    },
    /// JSON.
    Json {
        /// The value.
        value: Value,
    },
    /// The tool failed; the message for the model.
    ErrorText {
        /// The error text.
        value: String,
    },
    /// The tool failed; a JSON error for the model.
    ErrorJson {
        /// The error value.
        value: Value,
    },
    /// The user or the application refused to run the tool.
    ExecutionDenied {
        /// Why, when known.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    /// Several parts: text and media.
    Content {
        /// The parts.
        value: Vec<ToolResultContent>,
    },
}

impl ToolResultOutput {
    /// Whether this reports a failure (error text, error JSON or denial).
    pub fn is_error(&self) -> bool {
        matches!(
            self,
            ToolResultOutput::ErrorText { .. } | ToolResultOutput::ErrorJson { .. } | ToolResultOutput::ExecutionDenied { .. }
        )
    }

    /// The output as one string for providers that take text only: JSON is serialized.
    pub fn to_text(&self) -> String {
        match self {
            ToolResultOutput::Text { value } | ToolResultOutput::ErrorText { value } => value.clone(),
            ToolResultOutput::Json { value } | ToolResultOutput::ErrorJson { value } => value.to_string(),
            ToolResultOutput::ExecutionDenied { reason } => {
                reason.clone().unwrap_or_else(|| "Tool execution denied.".to_owned())
            }
            ToolResultOutput::Content { value } => value
                .iter()
                .filter_map(|part| match part {
                    ToolResultContent::Text { text } => Some(text.as_str()),
                    _ => None,
                })
                .collect::<Vec<_>>()
                .join("\n"),
        }
    }
}

/// A part of a multi-part tool result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum ToolResultContent {
    /// Text.
    Text {
        /// The text.
        text: String,
    },
    /// Inline media, base64-encoded.
    Media {
        /// Base64 data.
        data: String,
        /// The media type.
        media_type: String,
    },
    /// Media by URL.
    MediaUrl {
        /// The URL.
        url: String,
        /// The media type, when known.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        media_type: Option<String>,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn messages_round_trip_through_json() {
        let conversation = vec![
            Message::system("be brief"),
            Message::user_parts(vec![UserPart::text("what is this?"), UserPart::file(vec![1u8, 2, 3], "image/png")]),
            Message::assistant_parts(vec![AssistantPart::ToolCall(ToolCallPart {
                tool_call_id: "call_1".into(),
                tool_name: "look".into(),
                input: json!({"q": 1}),
                provider_executed: false,
                provider_options: ProviderOptions::default(),
            })]),
            Message::tool(vec![ToolResultPart {
                tool_call_id: "call_1".into(),
                tool_name: "look".into(),
                output: ToolResultOutput::Json { value: json!({"ok": true}) },
                provider_options: ProviderOptions::default(),
            }]),
        ];
        let text = serde_json::to_string(&conversation).unwrap();
        let back: Vec<Message> = serde_json::from_str(&text).unwrap();
        assert_eq!(back.len(), 4);
        assert_eq!(back[0], conversation[0]);
        assert_eq!(back[2], conversation[2]);
        assert_eq!(back[3], conversation[3]);
        // Bytes come back as base64: the same content, another representation.
        match &back[1] {
            Message::User { content, .. } => match &content[1] {
                UserPart::File(file) => assert_eq!(file.data.to_bytes().unwrap().as_ref(), &[1, 2, 3]),
                other => panic!("{other:?}"),
            },
            other => panic!("{other:?}"),
        }
    }
}
