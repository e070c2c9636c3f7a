//! The prompt: a conversation of typed messages.
//!
//! Roles and parts follow the AI SDK's language-model prompt: system messages carry text only;
//! user messages text and files; assistant messages text, files, reasoning, tool calls and the
//! results of provider-executed tools; tool messages the results of tool calls. Every message and
//! part may carry [`ProviderOptions`] (e.g. Anthropic's `cache_control`). All of it serializes, so
//! a conversation can be stored and resumed.
//!
//! The part structs are in `parts` and the tool-result types in `tool_result`; all are
//! re-exported here.

mod parts;
mod tool_approval;
mod tool_result;

use bytes::Bytes;
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use parts::{FilePart, ReasoningPart, TextPart, ToolCallPart};
pub use tool_approval::{ToolApprovalRequestPart, ToolApprovalResponsePart};
pub use tool_result::{ToolResultContent, ToolResultOutput, ToolResultPart};

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
    /// The caller's answers to tool approval requests, which the generation loop reads (and
    /// never sends to a model). The AI SDK carries them inside the tool message; here they are a
    /// message of their own because a tool message holds results only.
    #[serde(rename = "tool-approval")]
    ToolApproval {
        /// One answer per request.
        content: Vec<ToolApprovalResponsePart>,
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

    /// A message of answers to tool approval requests.
    pub fn tool_approval(content: Vec<ToolApprovalResponsePart>) -> Self {
        Message::ToolApproval { content, provider_options: ProviderOptions::default() }
    }

    /// The role's wire name (`"system"`, `"user"`...), for errors naming what a provider cannot send.
    pub fn role(&self) -> &'static str {
        match self {
            Message::System { .. } => "system",
            Message::User { .. } => "user",
            Message::Assistant { .. } => "assistant",
            Message::Tool { .. } => "tool",
            Message::ToolApproval { .. } => "tool-approval",
        }
    }

    /// The message's provider options.
    pub fn provider_options(&self) -> &ProviderOptions {
        match self {
            Message::System { provider_options, .. }
            | Message::User { provider_options, .. }
            | Message::Assistant { provider_options, .. }
            | Message::Tool { provider_options, .. }
            | Message::ToolApproval { provider_options, .. } => provider_options,
        }
    }

    /// Sets the message's provider options.
    pub fn with_provider_options(mut self, options: ProviderOptions) -> Self {
        match &mut self {
            Message::System { provider_options, .. }
            | Message::User { provider_options, .. }
            | Message::Assistant { provider_options, .. }
            | Message::Tool { provider_options, .. }
            | Message::ToolApproval { provider_options, .. } => *provider_options = options,
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
    /// A request to approve a tool call before it runs (read by the generation loop, never sent
    /// to a model).
    ToolApprovalRequest(ToolApprovalRequestPart),
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
            AssistantPart::ToolApprovalRequest(_) => "tool-approval-request",
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

    /// `kind()` and `role()` name what wildcard arms cannot send; they must be the wire tags.
    #[test]
    fn kinds_are_the_wire_tags() {
        let tag = |value: serde_json::Value, key: &str| value[key].as_str().unwrap().to_owned();
        let approval = Message::tool_approval(vec![ToolApprovalResponsePart::approve("a")]);
        for message in [Message::system("s"), Message::user("u"), Message::assistant("a"), Message::tool(vec![]), approval] {
            assert_eq!(tag(serde_json::to_value(&message).unwrap(), "role"), message.role());
        }
        for part in [UserPart::text("t"), UserPart::file_url("https://example.com/a.png", "image/png")] {
            assert_eq!(tag(serde_json::to_value(&part).unwrap(), "type"), part.kind());
        }
        let output = ToolResultOutput::text("done");
        let parts = [
            AssistantPart::text("t"),
            AssistantPart::reasoning("r"),
            AssistantPart::tool_call("c", "n", json!({})),
            AssistantPart::ToolResult(ToolResultPart::new("c", "n", output)),
            AssistantPart::File(FilePart::new(FileData::Base64("AA==".into()), "image/png")),
            AssistantPart::ToolApprovalRequest(ToolApprovalRequestPart::new("a", "c")),
        ];
        for part in parts {
            assert_eq!(tag(serde_json::to_value(&part).unwrap(), "type"), part.kind());
        }
        let contents =
            [ToolResultContent::text("t"), ToolResultContent::media("AA==", "image/png"), ToolResultContent::media_url("u", None)];
        for part in contents {
            assert_eq!(tag(serde_json::to_value(&part).unwrap(), "type"), part.kind());
        }
        for data in [FileData::Bytes(vec![1u8].into()), FileData::Base64("AQ==".into()), FileData::Url("u".into())] {
            assert_eq!(tag(serde_json::to_value(&data).unwrap(), "type"), data.kind());
        }
    }
}
