//! The messages a `useChat` front end sends back: the UI messages it assembled from earlier
//! streams, read and validated part by part so that an error names the part that is wrong.

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::provider::ProviderMetadata;

/// A UI message that does not have the shape the AI SDK gives it; `path` says which one
/// (`messages[1].parts[2]`), `reason` what is wrong.
///
/// ```
/// use specai::ui_message_stream::ChatRequest;
///
/// let body = br#"{"messages": [{"id": "m1", "role": "user", "parts": [{"type": "text"}]}]}"#;
/// let error = ChatRequest::from_slice(body).unwrap_err();
/// assert_eq!(error.path, "messages[0].parts[0]");
/// assert_eq!(error.to_string(), "invalid UI message at messages[0].parts[0] (type `text`): missing field `text`");
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("invalid UI message at {path}{}: {reason}", part_type.as_ref().map(|kind| format!(" (type `{kind}`)")).unwrap_or_default())]
#[non_exhaustive]
pub struct UiMessageError {
    /// Where: `messages[i]`, `messages[i].parts[j]`, or the request itself (`body`).
    pub path: String,
    /// The part's `type`, when the part has one.
    pub part_type: Option<String>,
    /// What is wrong.
    pub reason: String,
}

impl UiMessageError {
    pub(crate) fn new(path: impl Into<String>, part_type: Option<&str>, reason: impl Into<String>) -> Self {
        UiMessageError { path: path.into(), part_type: part_type.map(str::to_owned), reason: reason.into() }
    }
}

impl From<UiMessageError> for crate::Error {
    fn from(error: UiMessageError) -> Self {
        crate::Error::invalid_argument(format!("messages ({})", error.path), error.to_string())
    }
}

/// Who wrote a UI message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum UiMessageRole {
    /// Instructions.
    System,
    /// The user.
    User,
    /// The model.
    Assistant,
}

/// A message as `useChat` holds it: an id, a role, metadata and typed parts.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct UiMessage {
    /// The message's id.
    pub id: String,
    /// Who wrote it.
    pub role: UiMessageRole,
    /// Application metadata.
    pub metadata: Option<Value>,
    /// The parts, in order.
    pub parts: Vec<UiMessagePart>,
}

/// One part of a [`UiMessage`].
///
/// ```
/// use specai::ui_message_stream::{ToolUiState, UiMessagePart};
///
/// let part = serde_json::json!({"type": "tool-weather", "toolCallId": "c1", "state": "output-available",
///                               "input": {"city": "Paris"}, "output": {"celsius": 21}});
/// match UiMessagePart::from_value(&part, "part").unwrap() {
///     UiMessagePart::Tool(tool) => {
///         assert_eq!((tool.tool_name.as_str(), tool.state), ("weather", ToolUiState::OutputAvailable));
///         assert_eq!(tool.output, Some(serde_json::json!({"celsius": 21})));
///     }
///     other => panic!("{other:?}"),
/// }
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum UiMessagePart {
    /// Text.
    Text(TextUiPart),
    /// Reasoning.
    Reasoning(TextUiPart),
    /// A file by URL (often a `data:` URL).
    File(FileUiPart),
    /// A tool call and, as it progresses, its result.
    Tool(ToolUiPart),
    /// A cited web page (not sent to models).
    SourceUrl {
        /// The source's id.
        source_id: String,
        /// The URL.
        url: String,
    },
    /// A cited document (not sent to models).
    SourceDocument {
        /// The source's id.
        source_id: String,
        /// The title.
        title: String,
    },
    /// The boundary between two steps.
    StepStart,
    /// A custom data part `data-{name}`.
    Data {
        /// The name after `data-`.
        name: String,
        /// The part's id.
        id: Option<String>,
        /// The data.
        data: Value,
    },
}

/// A text or reasoning part.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct TextUiPart {
    /// The text.
    pub text: String,
    /// Provider metadata (sent back to the provider as provider options).
    #[serde(default)]
    pub provider_metadata: Option<ProviderMetadata>,
}

/// A file part.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct FileUiPart {
    /// The file's media type.
    pub media_type: String,
    /// The file's name.
    #[serde(default)]
    pub filename: Option<String>,
    /// The file's URL (`https:` or `data:`).
    pub url: String,
    /// Provider metadata.
    #[serde(default)]
    pub provider_metadata: Option<ProviderMetadata>,
}

/// Where a tool call is in its life, as the UI tracks it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum ToolUiState {
    /// The input is still streaming.
    InputStreaming,
    /// The input is complete; no result yet.
    InputAvailable,
    /// The call waits for the user's approval.
    ApprovalRequested,
    /// The user answered the approval request.
    ApprovalResponded,
    /// The tool returned.
    OutputAvailable,
    /// The tool failed.
    OutputError,
    /// The user denied the call.
    OutputDenied,
}

impl ToolUiState {
    /// The state's wire name (`"output-available"`...).
    ///
    /// ```
    /// assert_eq!(specai::ui_message_stream::ToolUiState::OutputError.as_str(), "output-error");
    /// ```
    pub fn as_str(&self) -> &'static str {
        match self {
            ToolUiState::InputStreaming => "input-streaming",
            ToolUiState::InputAvailable => "input-available",
            ToolUiState::ApprovalRequested => "approval-requested",
            ToolUiState::ApprovalResponded => "approval-responded",
            ToolUiState::OutputAvailable => "output-available",
            ToolUiState::OutputError => "output-error",
            ToolUiState::OutputDenied => "output-denied",
        }
    }
}

/// A user's answer to a tool approval request, as the UI keeps it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct ToolUiApproval {
    /// The approval's id.
    pub id: String,
    /// The answer, once given.
    #[serde(default)]
    pub approved: Option<bool>,
    /// Why, when given.
    #[serde(default)]
    pub reason: Option<String>,
}

/// A tool part: `tool-{name}` (or `dynamic-tool` with a `toolName`).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ToolUiPart {
    /// The tool's name.
    pub tool_name: String,
    /// Whether it was a `dynamic-tool` part.
    pub dynamic: bool,
    /// The call's id.
    pub tool_call_id: String,
    /// Where the call is.
    pub state: ToolUiState,
    /// The input (`None` while it streams, or if an invalid call had none).
    pub input: Option<Value>,
    /// The output, in state `output-available`.
    pub output: Option<Value>,
    /// The error, in state `output-error`.
    pub error_text: Option<String>,
    /// Whether the provider executed the tool.
    pub provider_executed: bool,
    /// Provider metadata of the call.
    pub call_provider_metadata: Option<ProviderMetadata>,
    /// Whether the output is preliminary (more was to come).
    pub preliminary: bool,
    /// The approval request and answer, when the call needed one.
    pub approval: Option<ToolUiApproval>,
}

/// The fields of a tool part after its type.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ToolFields {
    #[serde(default)]
    tool_name: Option<String>,
    tool_call_id: String,
    state: ToolUiState,
    #[serde(default)]
    input: Option<Value>,
    #[serde(default)]
    raw_input: Option<Value>,
    #[serde(default)]
    output: Option<Value>,
    #[serde(default)]
    error_text: Option<String>,
    #[serde(default)]
    provider_executed: Option<bool>,
    #[serde(default)]
    call_provider_metadata: Option<ProviderMetadata>,
    #[serde(default)]
    preliminary: Option<bool>,
    #[serde(default)]
    approval: Option<ToolUiApproval>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SourceUrlFields {
    source_id: String,
    url: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SourceDocumentFields {
    source_id: String,
    title: String,
}

#[derive(Deserialize)]
struct DataFields {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    data: Value,
}

#[derive(Deserialize)]
struct MessageFields {
    id: String,
    role: UiMessageRole,
    #[serde(default)]
    metadata: Option<Value>,
    parts: Vec<Value>,
}

impl UiMessage {
    /// Reads and validates one UI message; `path` prefixes error locations (e.g. `messages[3]`).
    ///
    /// ```
    /// use specai::ui_message_stream::{UiMessage, UiMessagePart};
    ///
    /// let message = serde_json::json!({"id": "m1", "role": "user", "parts": [{"type": "text", "text": "Hi"}]});
    /// let message = UiMessage::from_value(&message, "message").unwrap();
    /// assert!(matches!(&message.parts[0], UiMessagePart::Text(part) if part.text == "Hi"));
    ///
    /// let wrong = serde_json::json!({"id": "m2", "role": "user", "parts": [{"type": "tool-weather", "state": "later"}]});
    /// let error = UiMessage::from_value(&wrong, "message").unwrap_err();
    /// assert_eq!(error.path, "message.parts[0]");
    /// assert_eq!(error.part_type.as_deref(), Some("tool-weather"));
    /// ```
    pub fn from_value(value: &Value, path: &str) -> Result<UiMessage, UiMessageError> {
        let fields: MessageFields = read(value, path, None)?;
        let parts = fields
            .parts
            .iter()
            .enumerate()
            .map(|(index, part)| UiMessagePart::from_value(part, &format!("{path}.parts[{index}]")))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(UiMessage { id: fields.id, role: fields.role, metadata: fields.metadata, parts })
    }

    /// Reads and validates a list of UI messages (errors name `messages[i]...`).
    ///
    /// ```
    /// use specai::ui_message_stream::UiMessage;
    ///
    /// let messages = serde_json::json!([{"id": "m1", "role": "user", "parts": []}]);
    /// assert_eq!(UiMessage::list_from_value(&messages).unwrap().len(), 1);
    /// let error = UiMessage::list_from_value(&serde_json::json!([{"id": "m1", "role": "robot", "parts": []}])).unwrap_err();
    /// assert_eq!(error.path, "messages[0]");
    /// ```
    pub fn list_from_value(value: &Value) -> Result<Vec<UiMessage>, UiMessageError> {
        let Some(messages) = value.as_array() else {
            return Err(UiMessageError::new("messages", None, "expected an array of UI messages"));
        };
        messages.iter().enumerate().map(|(index, message)| UiMessage::from_value(message, &format!("messages[{index}]"))).collect()
    }
}

impl UiMessagePart {
    /// Reads and validates one part; `path` locates it in errors.
    ///
    /// ```
    /// use specai::ui_message_stream::UiMessagePart;
    ///
    /// let part = serde_json::json!({"type": "data-weather", "data": {"celsius": 21}});
    /// assert!(matches!(UiMessagePart::from_value(&part, "part").unwrap(), UiMessagePart::Data { name, .. } if name == "weather"));
    /// ```
    pub fn from_value(value: &Value, path: &str) -> Result<UiMessagePart, UiMessageError> {
        let Some(kind) = value.get("type").and_then(Value::as_str) else {
            return Err(UiMessageError::new(path, None, "a part needs a string `type`"));
        };
        let part_type = Some(kind);
        let part = match kind {
            "text" => UiMessagePart::Text(read(value, path, part_type)?),
            "reasoning" => UiMessagePart::Reasoning(read(value, path, part_type)?),
            "file" => UiMessagePart::File(read(value, path, part_type)?),
            "step-start" => UiMessagePart::StepStart,
            "source-url" => {
                let fields: SourceUrlFields = read(value, path, part_type)?;
                UiMessagePart::SourceUrl { source_id: fields.source_id, url: fields.url }
            }
            "source-document" => {
                let fields: SourceDocumentFields = read(value, path, part_type)?;
                UiMessagePart::SourceDocument { source_id: fields.source_id, title: fields.title }
            }
            "dynamic-tool" => {
                let fields: ToolFields = read(value, path, part_type)?;
                let Some(name) = fields.tool_name.clone() else {
                    return Err(UiMessageError::new(path, part_type, "missing field `toolName`"));
                };
                UiMessagePart::Tool(tool_part(fields, name, true, path, kind)?)
            }
            data if data.starts_with("data-") => {
                let fields: DataFields = read(value, path, part_type)?;
                UiMessagePart::Data { name: data["data-".len()..].to_owned(), id: fields.id, data: fields.data }
            }
            tool if tool.starts_with("tool-") => {
                let fields: ToolFields = read(value, path, part_type)?;
                UiMessagePart::Tool(tool_part(fields, tool["tool-".len()..].to_owned(), false, path, kind)?)
            }
            other => return Err(UiMessageError::new(path, Some(other), "unknown part type")),
        };
        Ok(part)
    }
}

/// A tool part, checked for the fields its state needs.
fn tool_part(fields: ToolFields, tool_name: String, dynamic: bool, path: &str, kind: &str) -> Result<ToolUiPart, UiMessageError> {
    let missing = |field: &str| UiMessageError::new(path, Some(kind), format!("state `{}` needs `{field}`", fields.state.as_str()));
    match fields.state {
        ToolUiState::OutputError if fields.error_text.is_none() => return Err(missing("errorText")),
        ToolUiState::ApprovalRequested | ToolUiState::ApprovalResponded if fields.approval.is_none() => {
            return Err(missing("approval"));
        }
        _ => {}
    }
    Ok(ToolUiPart {
        tool_name,
        dynamic,
        tool_call_id: fields.tool_call_id,
        state: fields.state,
        input: fields.input.or(fields.raw_input),
        output: fields.output,
        error_text: fields.error_text,
        provider_executed: fields.provider_executed.unwrap_or(false),
        call_provider_metadata: fields.call_provider_metadata,
        preliminary: fields.preliminary.unwrap_or(false),
        approval: fields.approval,
    })
}

/// Deserializes `value`, naming `path` and the part type in the error.
fn read<T: DeserializeOwned>(value: &Value, path: &str, part_type: Option<&str>) -> Result<T, UiMessageError> {
    T::deserialize(value).map_err(|error| UiMessageError::new(path, part_type, error.to_string()))
}
