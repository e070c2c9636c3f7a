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
///
/// Non-exhaustive: the AI SDK's prompt may gain roles, so a `match` outside this crate needs a
/// wildcard arm. Build messages with the constructors:
/// ```
/// use specai_provider::{Message, ProviderOptions, UserPart};
///
/// let conversation = vec![
///     Message::system("Answer in one word."),
///     Message::user_parts(vec![
///         UserPart::text("Which colour?"),
///         UserPart::file_url("https://example.com/a.png", "image/png"),
///     ]),
///     Message::assistant("Blue.").with_provider_options(ProviderOptions::new()),
/// ];
/// assert!(matches!(&conversation[2], Message::Assistant { .. }));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "role", rename_all = "lowercase")]
#[non_exhaustive]
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
        Message::Assistant { content: vec![AssistantPart::text(text)], provider_options: ProviderOptions::default() }
    }

    /// An assistant message of several parts.
    pub fn assistant_parts(content: Vec<AssistantPart>) -> Self {
        Message::Assistant { content, provider_options: ProviderOptions::default() }
    }

    /// A tool message.
    pub fn tool(content: Vec<ToolResultPart>) -> Self {
        Message::Tool { content, provider_options: ProviderOptions::default() }
    }

    /// The role's wire name (`"system"`, `"user"`...), for errors naming what a provider cannot send.
    pub fn role(&self) -> &'static str {
        match self {
            Message::System { .. } => "system",
            Message::User { .. } => "user",
            Message::Assistant { .. } => "assistant",
            Message::Tool { .. } => "tool",
        }
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

/// A part of a user message. Non-exhaustive: the AI SDK has added and removed user part kinds
/// (images became files).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum UserPart {
    /// Text.
    Text(TextPart),
    /// A file: an image, a PDF, audio...
    File(FilePart),
}

impl UserPart {
    /// The part kind's wire name (`"text"`, `"file"`), for errors naming what a provider cannot send.
    pub fn kind(&self) -> &'static str {
        match self {
            UserPart::Text(_) => "text",
            UserPart::File(_) => "file",
        }
    }

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

/// A part of an assistant message. Non-exhaustive: the AI SDK has added assistant part kinds
/// (files, provider-executed tool results).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
#[non_exhaustive]
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

impl AssistantPart {
    /// The part kind's wire name (`"text"`, `"tool-call"`...), for errors naming what a provider
    /// cannot send.
    pub fn kind(&self) -> &'static str {
        match self {
            AssistantPart::Text(_) => "text",
            AssistantPart::File(_) => "file",
            AssistantPart::Reasoning(_) => "reasoning",
            AssistantPart::ToolCall(_) => "tool-call",
            AssistantPart::ToolResult(_) => "tool-result",
        }
    }

    /// A text part.
    pub fn text(text: impl Into<String>) -> Self {
        AssistantPart::Text(TextPart::new(text))
    }

    /// A reasoning part without options.
    pub fn reasoning(text: impl Into<String>) -> Self {
        AssistantPart::Reasoning(ReasoningPart::new(text))
    }

    /// A tool call executed by the application.
    pub fn tool_call(tool_call_id: impl Into<String>, tool_name: impl Into<String>, input: Value) -> Self {
        AssistantPart::ToolCall(ToolCallPart::new(tool_call_id, tool_name, input))
    }
}

/// Text.
///
/// ```
/// use specai_provider::{ProviderOptions, TextPart};
/// use serde_json::json;
///
/// let cached = ProviderOptions::new().with("anthropic", json!({"cache_control": {"type": "ephemeral"}}));
/// let part = TextPart::new("Hello").with_provider_options(cached);
/// assert_eq!(part.text, "Hello");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
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

    /// Sets the part's provider options.
    pub fn with_provider_options(mut self, provider_options: ProviderOptions) -> Self {
        self.provider_options = provider_options;
        self
    }
}

/// A file, with its IANA media type (`image/png`, `application/pdf`; `image/*` when unknown).
///
/// ```
/// use specai_provider::{FileData, FilePart};
///
/// let part = FilePart::new(FileData::Url("https://example.com/report.pdf".into()), "application/pdf")
///     .with_filename("report.pdf");
/// assert_eq!(part.filename.as_deref(), Some("report.pdf"));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
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

    /// Sets the file's name.
    pub fn with_filename(mut self, filename: impl Into<String>) -> Self {
        self.filename = Some(filename.into());
        self
    }

    /// Sets the part's provider options.
    pub fn with_provider_options(mut self, provider_options: ProviderOptions) -> Self {
        self.provider_options = provider_options;
        self
    }
}

/// The model's reasoning text.
///
/// ```
/// use specai_provider::{ProviderOptions, ReasoningPart};
/// use serde_json::json;
///
/// let signed = ProviderOptions::new().with("anthropic", json!({"signature": "sig"}));
/// let part = ReasoningPart::new("First, ...").with_provider_options(signed);
/// assert_eq!(part.text, "First, ...");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ReasoningPart {
    /// The reasoning text (may be empty for redacted or encrypted reasoning).
    pub text: String,
    /// Per-part provider options: signatures, encrypted content.
    #[serde(default, skip_serializing_if = "ProviderOptions::is_empty")]
    pub provider_options: ProviderOptions,
}

impl ReasoningPart {
    /// A reasoning part without options.
    pub fn new(text: impl Into<String>) -> Self {
        ReasoningPart { text: text.into(), provider_options: ProviderOptions::default() }
    }

    /// Sets the part's provider options (signatures, encrypted content).
    pub fn with_provider_options(mut self, provider_options: ProviderOptions) -> Self {
        self.provider_options = provider_options;
        self
    }
}

/// A tool call the model made earlier.
///
/// ```
/// use specai_provider::ToolCallPart;
/// use serde_json::json;
///
/// let call = ToolCallPart::new("call_1", "weather", json!({"city": "Paris"}));
/// let search = ToolCallPart::new("srv_1", "web_search", json!({"query": "news"})).with_provider_executed(true);
/// assert!(!call.provider_executed && search.provider_executed);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
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

impl ToolCallPart {
    /// A call executed by the application, without options.
    pub fn new(tool_call_id: impl Into<String>, tool_name: impl Into<String>, input: Value) -> Self {
        ToolCallPart {
            tool_call_id: tool_call_id.into(),
            tool_name: tool_name.into(),
            input,
            provider_executed: false,
            provider_options: ProviderOptions::default(),
        }
    }

    /// Sets whether the provider executed the tool itself.
    pub fn with_provider_executed(mut self, provider_executed: bool) -> Self {
        self.provider_executed = provider_executed;
        self
    }

    /// Sets the part's provider options.
    pub fn with_provider_options(mut self, provider_options: ProviderOptions) -> Self {
        self.provider_options = provider_options;
        self
    }
}

/// The result of a tool call.
///
/// ```
/// use specai_provider::{Message, ToolResultOutput, ToolResultPart};
/// use serde_json::json;
///
/// let result = ToolResultPart::new("call_1", "weather", ToolResultOutput::json(json!({"celsius": 21})));
/// let message = Message::tool(vec![result]);
/// assert!(matches!(message, Message::Tool { .. }));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
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

impl ToolResultPart {
    /// The result of a call, without options.
    pub fn new(tool_call_id: impl Into<String>, tool_name: impl Into<String>, output: ToolResultOutput) -> Self {
        ToolResultPart {
            tool_call_id: tool_call_id.into(),
            tool_name: tool_name.into(),
            output,
            provider_options: ProviderOptions::default(),
        }
    }

    /// Sets the part's provider options.
    pub fn with_provider_options(mut self, provider_options: ProviderOptions) -> Self {
        self.provider_options = provider_options;
        self
    }
}

/// What a tool returned.
///
/// Non-exhaustive, and so is each variant: the AI SDK has added output kinds (denials) and fields
/// (per-output provider options). Build outputs with the constructors and match with `..`:
/// ```
/// use specai_provider::ToolResultOutput;
///
/// let output = ToolResultOutput::error_text("city not found");
/// assert!(output.is_error());
/// match &output {
///     ToolResultOutput::ErrorText { value, .. } => assert_eq!(value, "city not found"),
///     other => panic!("{other:?}"),
/// }
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum ToolResultOutput {
    /// Text.
    #[non_exhaustive]
    Text {
        /// The text.
        value: String,
    },
    /// JSON.
    #[non_exhaustive]
    Json {
        /// The value.
        value: Value,
    },
    /// The tool failed; the message for the model.
    #[non_exhaustive]
    ErrorText {
        /// The error text.
        value: String,
    },
    /// The tool failed; a JSON error for the model.
    #[non_exhaustive]
    ErrorJson {
        /// The error value.
        value: Value,
    },
    /// The user or the application refused to run the tool.
    #[non_exhaustive]
    ExecutionDenied {
        /// Why, when known.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    /// Several parts: text and media.
    #[non_exhaustive]
    Content {
        /// The parts.
        value: Vec<ToolResultContent>,
    },
}

impl ToolResultOutput {
    /// A text output.
    pub fn text(value: impl Into<String>) -> Self {
        ToolResultOutput::Text { value: value.into() }
    }

    /// A JSON output.
    pub fn json(value: Value) -> Self {
        ToolResultOutput::Json { value }
    }

    /// A failure, told to the model as text.
    pub fn error_text(value: impl Into<String>) -> Self {
        ToolResultOutput::ErrorText { value: value.into() }
    }

    /// A failure, told to the model as JSON.
    pub fn error_json(value: Value) -> Self {
        ToolResultOutput::ErrorJson { value }
    }

    /// A refusal to run the tool, with the reason when known.
    pub fn execution_denied(reason: Option<String>) -> Self {
        ToolResultOutput::ExecutionDenied { reason }
    }

    /// A multi-part output of text and media.
    pub fn content(value: Vec<ToolResultContent>) -> Self {
        ToolResultOutput::Content { value }
    }

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
///
/// Non-exhaustive, and so is each variant: the AI SDK has added part kinds (file ids, custom
/// parts) and fields (per-part provider options).
/// ```
/// use specai_provider::{ToolResultContent, ToolResultOutput};
///
/// let output = ToolResultOutput::content(vec![
///     ToolResultContent::text("A screenshot:"),
///     ToolResultContent::media("iVBORw0KGgo=", "image/png"),
/// ]);
/// assert_eq!(output.to_text(), "A screenshot:");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum ToolResultContent {
    /// Text.
    #[non_exhaustive]
    Text {
        /// The text.
        text: String,
    },
    /// Inline media, base64-encoded.
    #[non_exhaustive]
    Media {
        /// Base64 data.
        data: String,
        /// The media type.
        media_type: String,
    },
    /// Media by URL.
    #[non_exhaustive]
    MediaUrl {
        /// The URL.
        url: String,
        /// The media type, when known.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        media_type: Option<String>,
    },
}

impl ToolResultContent {
    /// The part kind's wire name (`"text"`, `"media"`...), for messages naming what a provider
    /// cannot send.
    pub fn kind(&self) -> &'static str {
        match self {
            ToolResultContent::Text { .. } => "text",
            ToolResultContent::Media { .. } => "media",
            ToolResultContent::MediaUrl { .. } => "media-url",
        }
    }

    /// A text part.
    pub fn text(text: impl Into<String>) -> Self {
        ToolResultContent::Text { text: text.into() }
    }

    /// Inline media from base64 data.
    pub fn media(data: impl Into<String>, media_type: impl Into<String>) -> Self {
        ToolResultContent::Media { data: data.into(), media_type: media_type.into() }
    }

    /// Media by URL, with its media type when known.
    pub fn media_url(url: impl Into<String>, media_type: Option<String>) -> Self {
        ToolResultContent::MediaUrl { url: url.into(), media_type }
    }
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
            Message::assistant_parts(vec![AssistantPart::tool_call("call_1", "look", json!({"q": 1}))]),
            Message::tool(vec![ToolResultPart::new("call_1", "look", ToolResultOutput::json(json!({"ok": true})))]),
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
