//! UI messages back into the prompt: the AI SDK's `convertToModelMessages`.
//!
//! A user message becomes its text and file parts; an assistant message becomes one assistant
//! message per step (split at `step-start`), each followed by a tool message with the results of
//! the tools the application ran in that step. Sources and step markers are display-only; data
//! parts are dropped unless a converter turns them into text or files.

use std::sync::Arc;

use serde_json::Value;

use crate::provider::{
    AssistantPart, FileData, FilePart, Message, ProviderMetadata, ProviderOptions, ReasoningPart, TextPart, ToolCallPart,
    ToolResultOutput, ToolResultPart, UserPart,
};

use super::ui_message::{
    FileUiPart, TextUiPart, ToolUiPart, ToolUiState, UiMessage, UiMessageError, UiMessagePart, UiMessageRole,
};

/// Turns a data part (name, data) into a prompt part; `None` drops it.
type ConvertDataPart = Arc<dyn Fn(&str, &Value) -> Option<UserPart> + Send + Sync>;

/// Options for [`convert_to_model_messages`].
///
/// ```
/// use specai::provider::UserPart;
/// use specai::ui_message_stream::ConvertOptions;
///
/// let options = ConvertOptions::new()
///     .ignore_incomplete_tool_calls(true)
///     .convert_data_part(|name, data| (name == "note").then(|| UserPart::text(data.to_string())));
/// # let _ = options;
/// ```
#[derive(Clone, Default)]
#[non_exhaustive]
pub struct ConvertOptions {
    ignore_incomplete_tool_calls: bool,
    convert_data_part: Option<ConvertDataPart>,
}

impl std::fmt::Debug for ConvertOptions {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("ConvertOptions")
            .field("ignore_incomplete_tool_calls", &self.ignore_incomplete_tool_calls)
            .field("convert_data_part", &self.convert_data_part.as_ref().map(|_| "<function>"))
            .finish()
    }
}

impl ConvertOptions {
    /// No conversion of data parts; incomplete tool calls kept.
    pub fn new() -> Self {
        Self::default()
    }

    /// Drops tool calls without a final result (still streaming, awaiting output, preliminary),
    /// e.g. when the user interrupted a generation.
    pub fn ignore_incomplete_tool_calls(mut self, ignore: bool) -> Self {
        self.ignore_incomplete_tool_calls = ignore;
        self
    }

    /// Converts data parts to text or file parts (by name and data); others are dropped.
    pub fn convert_data_part(mut self, convert: impl Fn(&str, &Value) -> Option<UserPart> + Send + Sync + 'static) -> Self {
        self.convert_data_part = Some(Arc::new(convert));
        self
    }
}

/// The prompt for a model from a `useChat` conversation.
///
/// ```
/// use specai::provider::Message;
/// use specai::ui_message_stream::{ChatRequest, ConvertOptions, convert_to_model_messages};
///
/// let body = br#"{"messages": [
///     {"id": "u1", "role": "user", "parts": [{"type": "text", "text": "Weather in Paris?"}]},
///     {"id": "a1", "role": "assistant", "parts": [
///         {"type": "step-start"},
///         {"type": "tool-weather", "toolCallId": "call_1", "state": "output-available",
///          "input": {"city": "Paris"}, "output": {"celsius": 21}},
///         {"type": "step-start"},
///         {"type": "text", "text": "It is 21 degrees."}]},
///     {"id": "u2", "role": "user", "parts": [{"type": "text", "text": "Thanks!"}]}]}"#;
/// let request = ChatRequest::from_slice(body).unwrap();
/// let messages = convert_to_model_messages(&request.messages, &ConvertOptions::new()).unwrap();
/// let roles: Vec<&str> = messages.iter().map(Message::role).collect();
/// assert_eq!(roles, ["user", "assistant", "tool", "assistant", "user"]);
/// ```
pub fn convert_to_model_messages(messages: &[UiMessage], options: &ConvertOptions) -> Result<Vec<Message>, UiMessageError> {
    let mut converted = Vec::with_capacity(messages.len());
    for (index, message) in messages.iter().enumerate() {
        let path = format!("messages[{index}]");
        match message.role {
            UiMessageRole::System => converted.push(system_message(message)),
            UiMessageRole::User => converted.push(user_message(message, options)),
            UiMessageRole::Assistant => assistant_messages(message, options, &path, &mut converted)?,
        }
    }
    Ok(converted)
}

/// A system message: its text parts joined, their provider metadata merged.
fn system_message(message: &UiMessage) -> Message {
    let mut text = String::new();
    let mut provider_options = ProviderOptions::new();
    for part in &message.parts {
        if let UiMessagePart::Text(part) = part {
            text.push_str(&part.text);
            if let Some(metadata) = &part.provider_metadata {
                provider_options.0.extend(metadata.0.clone());
            }
        }
    }
    Message::system(text).with_provider_options(provider_options)
}

fn user_message(message: &UiMessage, options: &ConvertOptions) -> Message {
    let content = message
        .parts
        .iter()
        .filter_map(|part| match part {
            UiMessagePart::Text(part) => Some(UserPart::Text(text_part(part))),
            UiMessagePart::File(part) => Some(UserPart::File(file_part(part))),
            UiMessagePart::Data { name, data, .. } => convert_data(options, name, data),
            _ => None,
        })
        .collect();
    Message::user_parts(content)
}

/// One assistant message (and tool message) per step.
fn assistant_messages(
    message: &UiMessage,
    options: &ConvertOptions,
    path: &str,
    converted: &mut Vec<Message>,
) -> Result<(), UiMessageError> {
    let mut step: Vec<(usize, &UiMessagePart)> = Vec::new();
    for (index, part) in message.parts.iter().enumerate() {
        match part {
            UiMessagePart::StepStart => flush_step(&mut step, options, path, converted)?,
            UiMessagePart::SourceUrl { .. } | UiMessagePart::SourceDocument { .. } => {}
            UiMessagePart::Tool(tool) if options.ignore_incomplete_tool_calls && !is_complete(tool) => {}
            part => step.push((index, part)),
        }
    }
    flush_step(&mut step, options, path, converted)
}

/// Whether a tool part has its final answer.
fn is_complete(tool: &ToolUiPart) -> bool {
    match tool.state {
        ToolUiState::OutputAvailable => !tool.preliminary,
        ToolUiState::ApprovalResponded | ToolUiState::OutputError | ToolUiState::OutputDenied => true,
        _ => false,
    }
}

fn flush_step(
    step: &mut Vec<(usize, &UiMessagePart)>,
    options: &ConvertOptions,
    path: &str,
    converted: &mut Vec<Message>,
) -> Result<(), UiMessageError> {
    let mut content = Vec::new();
    let mut results = Vec::new();
    for (index, part) in step.drain(..) {
        match part {
            UiMessagePart::Text(part) => content.push(AssistantPart::Text(text_part(part))),
            UiMessagePart::Reasoning(part) => {
                content.push(AssistantPart::Reasoning(
                    ReasoningPart::new(part.text.clone()).with_provider_options(options_of(&part.provider_metadata)),
                ));
            }
            UiMessagePart::File(part) => content.push(AssistantPart::File(file_part(part))),
            UiMessagePart::Data { name, data, .. } => match convert_data(options, name, data) {
                Some(UserPart::Text(text)) => content.push(AssistantPart::Text(text)),
                Some(UserPart::File(file)) => content.push(AssistantPart::File(file)),
                _ => {}
            },
            UiMessagePart::Tool(tool) => tool_parts(tool, &format!("{path}.parts[{index}]"), &mut content, &mut results)?,
            UiMessagePart::StepStart | UiMessagePart::SourceUrl { .. } | UiMessagePart::SourceDocument { .. } => {}
        }
    }
    if !content.is_empty() {
        converted.push(Message::assistant_parts(content));
    }
    if !results.is_empty() {
        converted.push(Message::tool(results));
    }
    Ok(())
}

/// A tool part's call (in the assistant message) and result (in the assistant message for a
/// provider-executed tool, else in the tool message).
fn tool_parts(
    tool: &ToolUiPart,
    path: &str,
    content: &mut Vec<AssistantPart>,
    results: &mut Vec<ToolResultPart>,
) -> Result<(), UiMessageError> {
    if tool.state == ToolUiState::InputStreaming {
        return Ok(());
    }
    // Tool approval: the AI SDK sends an approval request with the call and the user's answer
    // with the results. specai's prompt has no approval parts yet, so a call still waiting for
    // its approval, or approved and not yet run, cannot be sent faithfully; say so.
    let denied = tool.approval.as_ref().is_some_and(|approval| approval.approved == Some(false));
    if tool.state == ToolUiState::ApprovalRequested || (tool.state == ToolUiState::ApprovalResponded && !denied) {
        return Err(UiMessageError::new(
            path,
            Some(&part_type(tool)),
            "tool approval requests and approved calls cannot be sent to a model yet (specai's prompt has no approval parts)",
        ));
    }
    let call_options = options_of(&tool.call_provider_metadata);
    content.push(AssistantPart::ToolCall(
        ToolCallPart::new(tool.tool_call_id.clone(), tool.tool_name.clone(), tool.input.clone().unwrap_or(Value::Null))
            .with_provider_executed(tool.provider_executed)
            .with_provider_options(call_options.clone()),
    ));
    let output = match tool.state {
        ToolUiState::OutputAvailable => Some(model_output(tool.output.clone().unwrap_or(Value::Null))),
        ToolUiState::OutputError => {
            let error_text = tool.error_text.clone().unwrap_or_default();
            Some(if tool.provider_executed { ToolResultOutput::error_json(Value::String(error_text)) } else { ToolResultOutput::error_text(error_text) })
        }
        ToolUiState::OutputDenied => Some(ToolResultOutput::error_text(
            tool.approval.as_ref().and_then(|approval| approval.reason.clone()).unwrap_or_else(|| "Tool call execution denied.".to_owned()),
        )),
        ToolUiState::ApprovalResponded => {
            Some(ToolResultOutput::execution_denied(tool.approval.as_ref().and_then(|approval| approval.reason.clone())))
        }
        ToolUiState::InputStreaming | ToolUiState::InputAvailable | ToolUiState::ApprovalRequested => None,
    };
    if let Some(output) = output {
        let mut result = ToolResultPart::new(tool.tool_call_id.clone(), tool.tool_name.clone(), output);
        result.provider_options = call_options;
        if tool.provider_executed {
            content.push(AssistantPart::ToolResult(result));
        } else {
            results.push(result);
        }
    }
    Ok(())
}

/// What the model is told a tool returned: text as text, anything else as JSON.
fn model_output(output: Value) -> ToolResultOutput {
    match output {
        Value::String(text) => ToolResultOutput::text(text),
        other => ToolResultOutput::json(other),
    }
}

fn part_type(tool: &ToolUiPart) -> String {
    if tool.dynamic { "dynamic-tool".to_owned() } else { format!("tool-{}", tool.tool_name) }
}

fn convert_data(options: &ConvertOptions, name: &str, data: &Value) -> Option<UserPart> {
    options.convert_data_part.as_ref().and_then(|convert| convert(name, data))
}

fn text_part(part: &TextUiPart) -> TextPart {
    TextPart::new(part.text.clone()).with_provider_options(options_of(&part.provider_metadata))
}

fn file_part(part: &FileUiPart) -> FilePart {
    let mut file = FilePart::new(FileData::Url(part.url.clone()), part.media_type.clone())
        .with_provider_options(options_of(&part.provider_metadata));
    file.filename = part.filename.clone();
    file
}

fn options_of(metadata: &Option<ProviderMetadata>) -> ProviderOptions {
    metadata.clone().unwrap_or_default()
}
