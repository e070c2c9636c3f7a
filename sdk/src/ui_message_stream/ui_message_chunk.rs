//! The chunks of the UI message stream, as the AI SDK's `useChat` and `readUIMessageStream` read
//! them: one JSON object per chunk, tagged by `type`, with camelCase fields.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::provider::{FinishReason, ProviderMetadata};

/// One chunk of the UI message stream (protocol `v1`).
///
/// Blocks of text, reasoning and tool input are linked by an id, as in the full stream. Build
/// chunks with the variants, or [`UiMessageChunk::data`] for a custom data part; serialize one
/// with `serde_json` to get its wire form:
///
/// ```
/// use specai::ui_message_stream::UiMessageChunk;
///
/// let chunk = UiMessageChunk::TextDelta { id: "text-1".into(), delta: "Hel".into(), provider_metadata: None };
/// assert_eq!(serde_json::to_string(&chunk).unwrap(), r#"{"type":"text-delta","id":"text-1","delta":"Hel"}"#);
///
/// let data = UiMessageChunk::data("weather", serde_json::json!({"city": "Paris"}));
/// assert_eq!(serde_json::to_string(&data).unwrap(), r#"{"type":"data-weather","data":{"city":"Paris"}}"#);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case", rename_all_fields = "camelCase")]
#[non_exhaustive]
pub enum UiMessageChunk {
    /// The assistant message starts.
    Start {
        /// The message's id, when the server assigns it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        message_id: Option<String>,
        /// Message metadata.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        message_metadata: Option<Value>,
    },
    /// A step (model call) starts.
    StartStep,
    /// A step ends.
    FinishStep,
    /// A text block starts.
    TextStart {
        /// Block id.
        id: String,
        /// Provider metadata.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        provider_metadata: Option<ProviderMetadata>,
    },
    /// More text.
    TextDelta {
        /// Block id.
        id: String,
        /// The new text.
        delta: String,
        /// Provider metadata.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        provider_metadata: Option<ProviderMetadata>,
    },
    /// A text block ends.
    TextEnd {
        /// Block id.
        id: String,
        /// Provider metadata.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        provider_metadata: Option<ProviderMetadata>,
    },
    /// A reasoning block starts.
    ReasoningStart {
        /// Block id.
        id: String,
        /// Provider metadata.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        provider_metadata: Option<ProviderMetadata>,
    },
    /// More reasoning text.
    ReasoningDelta {
        /// Block id.
        id: String,
        /// The new text.
        delta: String,
        /// Provider metadata.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        provider_metadata: Option<ProviderMetadata>,
    },
    /// A reasoning block ends.
    ReasoningEnd {
        /// Block id.
        id: String,
        /// Provider metadata.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        provider_metadata: Option<ProviderMetadata>,
    },
    /// A tool call's input starts streaming.
    ToolInputStart {
        /// The call's id.
        tool_call_id: String,
        /// The tool's name.
        tool_name: String,
        /// Whether the provider executes the tool.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        provider_executed: Option<bool>,
        /// Provider metadata.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        provider_metadata: Option<ProviderMetadata>,
        /// Whether the UI shows the call as a `dynamic-tool` part rather than `tool-{name}`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        dynamic: Option<bool>,
        /// A title for the call.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        title: Option<String>,
    },
    /// A fragment of a tool call's JSON input.
    ToolInputDelta {
        /// The call's id.
        tool_call_id: String,
        /// The fragment.
        input_text_delta: String,
    },
    /// A tool call's input is complete.
    ToolInputAvailable {
        /// The call's id.
        tool_call_id: String,
        /// The tool's name.
        tool_name: String,
        /// The parsed input.
        input: Value,
        /// Whether the provider executes the tool.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        provider_executed: Option<bool>,
        /// Provider metadata.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        provider_metadata: Option<ProviderMetadata>,
        /// Whether the UI shows the call as a `dynamic-tool` part.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        dynamic: Option<bool>,
        /// A title for the call.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        title: Option<String>,
    },
    /// A tool call's input is invalid (it did not parse, or names no tool).
    ToolInputError {
        /// The call's id.
        tool_call_id: String,
        /// The tool's name.
        tool_name: String,
        /// The input as the model sent it.
        input: Value,
        /// Whether the provider executes the tool.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        provider_executed: Option<bool>,
        /// Provider metadata.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        provider_metadata: Option<ProviderMetadata>,
        /// Whether the UI shows the call as a `dynamic-tool` part.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        dynamic: Option<bool>,
        /// What is wrong, as shown to the user.
        error_text: String,
        /// A title for the call.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        title: Option<String>,
    },
    /// A tool call waits for the user's approval.
    ToolApprovalRequest {
        /// The approval's id.
        approval_id: String,
        /// The call's id.
        tool_call_id: String,
        /// Whether the approval was decided without asking the user.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        is_automatic: Option<bool>,
        /// A signature over the request, when the server signs it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        signature: Option<String>,
    },
    /// The user's answer to an approval request.
    ToolApprovalResponse {
        /// The approval's id.
        approval_id: String,
        /// Whether the call may run.
        approved: bool,
        /// Why, when given.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
        /// Whether the provider executes the tool.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        provider_executed: Option<bool>,
    },
    /// A tool's output.
    ToolOutputAvailable {
        /// The call's id.
        tool_call_id: String,
        /// What the tool returned.
        output: Value,
        /// Whether the provider executed the tool.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        provider_executed: Option<bool>,
        /// Provider metadata.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        provider_metadata: Option<ProviderMetadata>,
        /// Whether the UI shows the call as a `dynamic-tool` part.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        dynamic: Option<bool>,
        /// Whether more output follows for this call.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        preliminary: Option<bool>,
    },
    /// A tool failed.
    ToolOutputError {
        /// The call's id.
        tool_call_id: String,
        /// What went wrong, as shown to the user.
        error_text: String,
        /// Whether the provider executed the tool.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        provider_executed: Option<bool>,
        /// Provider metadata.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        provider_metadata: Option<ProviderMetadata>,
        /// Whether the UI shows the call as a `dynamic-tool` part.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        dynamic: Option<bool>,
    },
    /// The user denied a tool call.
    ToolOutputDenied {
        /// The call's id.
        tool_call_id: String,
    },
    /// A cited web page.
    SourceUrl {
        /// The source's id.
        source_id: String,
        /// The URL.
        url: String,
        /// The page title.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        title: Option<String>,
        /// Provider metadata.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        provider_metadata: Option<ProviderMetadata>,
    },
    /// A cited document.
    SourceDocument {
        /// The source's id.
        source_id: String,
        /// The document's media type.
        media_type: String,
        /// The title.
        title: String,
        /// The file name.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        filename: Option<String>,
        /// Provider metadata.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        provider_metadata: Option<ProviderMetadata>,
    },
    /// A generated file, by URL (a `data:` URL for inline content).
    File {
        /// The file's URL.
        url: String,
        /// The media type.
        media_type: String,
        /// Provider metadata.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        provider_metadata: Option<ProviderMetadata>,
    },
    /// New message metadata (merged into the message's metadata by the client).
    MessageMetadata {
        /// The metadata.
        message_metadata: Value,
    },
    /// The assistant message is complete.
    Finish {
        /// Why the final step stopped.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        finish_reason: Option<FinishReason>,
        /// Message metadata.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        message_metadata: Option<Value>,
    },
    /// The generation failed; the client shows `error_text`.
    Error {
        /// The text shown to the user (by default it hides the server's error details).
        error_text: String,
    },
    /// The generation was cancelled.
    Abort {
        /// Why, when known.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    /// A custom data part (`data-{name}`).
    #[serde(untagged)]
    Data(DataChunk),
}

impl UiMessageChunk {
    /// A custom data part `data-{name}` that the client appends to the message.
    ///
    /// ```
    /// use specai::ui_message_stream::UiMessageChunk;
    ///
    /// let chunk = UiMessageChunk::data("status", serde_json::json!("searching"));
    /// assert!(matches!(chunk, UiMessageChunk::Data(_)));
    /// ```
    pub fn data(name: &str, data: Value) -> Self {
        UiMessageChunk::Data(DataChunk::new(name, data))
    }

    /// An error chunk.
    ///
    /// ```
    /// use specai::ui_message_stream::UiMessageChunk;
    ///
    /// let chunk = UiMessageChunk::error("The weather service is down.");
    /// assert_eq!(serde_json::to_string(&chunk).unwrap(), r#"{"type":"error","errorText":"The weather service is down."}"#);
    /// ```
    pub fn error(error_text: impl Into<String>) -> Self {
        UiMessageChunk::Error { error_text: error_text.into() }
    }

    /// The chunk's `type` on the wire (`"text-delta"`, `"data-weather"`...).
    ///
    /// ```
    /// use specai::ui_message_stream::UiMessageChunk;
    ///
    /// assert_eq!(UiMessageChunk::StartStep.kind(), "start-step");
    /// assert_eq!(UiMessageChunk::data("weather", serde_json::Value::Null).kind(), "data-weather");
    /// ```
    pub fn kind(&self) -> &str {
        match self {
            UiMessageChunk::Start { .. } => "start",
            UiMessageChunk::StartStep => "start-step",
            UiMessageChunk::FinishStep => "finish-step",
            UiMessageChunk::TextStart { .. } => "text-start",
            UiMessageChunk::TextDelta { .. } => "text-delta",
            UiMessageChunk::TextEnd { .. } => "text-end",
            UiMessageChunk::ReasoningStart { .. } => "reasoning-start",
            UiMessageChunk::ReasoningDelta { .. } => "reasoning-delta",
            UiMessageChunk::ReasoningEnd { .. } => "reasoning-end",
            UiMessageChunk::ToolInputStart { .. } => "tool-input-start",
            UiMessageChunk::ToolInputDelta { .. } => "tool-input-delta",
            UiMessageChunk::ToolInputAvailable { .. } => "tool-input-available",
            UiMessageChunk::ToolInputError { .. } => "tool-input-error",
            UiMessageChunk::ToolApprovalRequest { .. } => "tool-approval-request",
            UiMessageChunk::ToolApprovalResponse { .. } => "tool-approval-response",
            UiMessageChunk::ToolOutputAvailable { .. } => "tool-output-available",
            UiMessageChunk::ToolOutputError { .. } => "tool-output-error",
            UiMessageChunk::ToolOutputDenied { .. } => "tool-output-denied",
            UiMessageChunk::SourceUrl { .. } => "source-url",
            UiMessageChunk::SourceDocument { .. } => "source-document",
            UiMessageChunk::File { .. } => "file",
            UiMessageChunk::MessageMetadata { .. } => "message-metadata",
            UiMessageChunk::Finish { .. } => "finish",
            UiMessageChunk::Error { .. } => "error",
            UiMessageChunk::Abort { .. } => "abort",
            UiMessageChunk::Data(data) => &data.kind,
        }
    }
}

/// A custom data part: `{"type": "data-{name}", "id"?, "data", "transient"?}`.
///
/// A part with an id replaces the earlier part of the same type and id in the client's message
/// (progress that updates in place); a transient part reaches `useChat`'s `onData` only and is not
/// added to the message.
///
/// ```
/// use specai::ui_message_stream::DataChunk;
///
/// let progress = DataChunk::new("progress", serde_json::json!({"percent": 40})).with_id("upload-1");
/// let toast = DataChunk::new("notification", serde_json::json!("Saved")).transient();
/// assert_eq!(progress.name(), "progress");
/// assert_eq!(toast.transient, Some(true));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawDataChunk")]
#[non_exhaustive]
pub struct DataChunk {
    /// The wire type, `data-{name}`.
    #[serde(rename = "type")]
    pub kind: String,
    /// An id; a later part with the same type and id replaces this one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The data.
    pub data: Value,
    /// Whether the part is only an event for `onData`, not part of the message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transient: Option<bool>,
}

impl DataChunk {
    /// A data part `data-{name}`.
    pub fn new(name: &str, data: Value) -> Self {
        DataChunk { kind: format!("data-{name}"), id: None, data, transient: None }
    }

    /// Sets the id, so that later parts with it replace this one.
    pub fn with_id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
    }

    /// Marks the part as transient: delivered to `onData`, not kept in the message.
    pub fn transient(mut self) -> Self {
        self.transient = Some(true);
        self
    }

    /// The name after `data-`.
    pub fn name(&self) -> &str {
        self.kind.strip_prefix("data-").unwrap_or(&self.kind)
    }
}

/// A data chunk as read, before its type is checked.
#[derive(Deserialize)]
struct RawDataChunk {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    data: Value,
    #[serde(default)]
    transient: Option<bool>,
}

impl TryFrom<RawDataChunk> for DataChunk {
    type Error = String;

    fn try_from(raw: RawDataChunk) -> Result<Self, Self::Error> {
        if !raw.kind.starts_with("data-") {
            return Err(format!("unknown UI message chunk type `{}`", raw.kind));
        }
        Ok(DataChunk { kind: raw.kind, id: raw.id, data: raw.data, transient: raw.transient })
    }
}
