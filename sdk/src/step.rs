//! One step of a generation: a model call and the tool executions that followed it.
//!
//! A step's content keeps the model's output in order, with tool results and tool errors appended
//! as they are known. From it come the messages that continue the conversation: an assistant
//! message with what the model said, and a tool message with the results of the tools the
//! application ran.

use std::borrow::Cow;
use serde_json::Value;

use crate::error::Error;
use crate::provider::{
    AssistantPart, FinishReason, GeneratedFile, Message, ProviderMetadata, ReasoningPart, RequestMetadata,
    ResponseMetadata, Source, TextPart, ToolApprovalRequestPart, ToolCallPart, ToolResultOutput, ToolResultPart, Usage, Warning,
};

/// A tool call whose input was parsed as JSON.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ParsedToolCall {
    /// The call's id.
    pub tool_call_id: String,
    /// The tool's name.
    pub tool_name: String,
    /// The input.
    pub input: Value,
    /// Whether the provider executes the tool itself.
    pub provider_executed: bool,
    /// Provider metadata of the call.
    pub provider_metadata: Option<ProviderMetadata>,
    /// Whether the call could not be parsed or names no available tool; it is answered with a
    /// [`ToolCallError`] and never executed.
    pub invalid: bool,
}

/// The output of a tool execution (or of a provider-executed tool).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ToolCallResult {
    /// The call's id.
    pub tool_call_id: String,
    /// The tool's name.
    pub tool_name: String,
    /// The call's input.
    pub input: Value,
    /// What the tool returned.
    pub output: Value,
    /// What the model receives instead of `output`, when the tool converts its output
    /// ([`Tool::to_model_output`](crate::tool::Tool::to_model_output)).
    pub model_output: Option<ToolResultOutput>,
    /// Whether the provider executed the tool.
    pub provider_executed: bool,
    /// Whether this is a partial output of a tool that streams its outputs; the last output is
    /// the result. Only stream parts carry preliminary outputs; step content holds results.
    pub preliminary: bool,
}

/// A tool call that waits for the caller's approval before it runs.
///
/// The loop stops with it; the caller answers with a
/// [`Message::tool_approval`](crate::provider::Message::tool_approval) naming `approval_id`.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> specai::Result<()> {
/// use specai::provider::{Message, ToolApprovalResponsePart};
/// use specai::test_util::{MockLanguageModel, text_response, tool_calls_response};
/// use specai::{Tool, ToolError, generate_text};
///
/// let model = MockLanguageModel::new()
///     .with_response(tool_calls_response([("c1", "delete", serde_json::json!({"path": "a.txt"}))]))
///     .with_response(text_response("Deleted."));
/// let delete = Tool::dynamic("Deletes a file", serde_json::json!({"type": "object"}))
///     .execute(|_input, _context| async { Ok::<_, ToolError>("deleted") })
///     .needs_approval(true);
///
/// let first = generate_text(model.clone()).prompt("Delete a.txt").tool("delete", delete.clone()).await?;
/// let request = first.tool_approval_requests().next().expect("one call waits for approval");
/// // Ask a human, then continue the conversation with the answer.
/// let mut messages = vec![Message::user("Delete a.txt")];
/// messages.extend(first.response_messages());
/// messages.push(Message::tool_approval(vec![ToolApprovalResponsePart::approve(request.approval_id.clone())]));
/// let second = generate_text(model).messages(messages).tool("delete", delete).await?;
/// assert_eq!(second.text(), "Deleted.");
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ToolApprovalRequest {
    /// The request's id, which the answer refers to.
    pub approval_id: String,
    /// The call waiting for approval.
    pub tool_call: ParsedToolCall,
}

/// A tool call that failed: the tool's error, a timeout, an unknown tool or invalid input.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> specai::Result<()> {
/// use serde_json::json;
/// use specai::test_util::{MockLanguageModel, text_response, tool_calls_response};
/// use specai::{Tool, ToolError, step_count_is};
///
/// // A failing tool does not end the generation: the model sees the error and answers.
/// let lookup = Tool::dynamic("Looks up an order", json!({"type": "object"}))
///     .execute(|_input, _context| async { Err::<String, ToolError>("the order service is down".into()) });
/// let model = MockLanguageModel::new()
///     .with_response(tool_calls_response([("call_1", "lookup", json!({"id": 7}))]))
///     .with_response(text_response("Sorry, I cannot reach the order service."));
/// let result = specai::generate_text(model).prompt("Where is order 7?").tool("lookup", lookup).stop_when(step_count_is(3)).await?;
/// let failure = result.steps[0].tool_errors().next().unwrap();
/// assert_eq!((failure.tool_name.as_str(), failure.input["id"].as_i64()), ("lookup", Some(7)));
/// assert!(failure.error.to_string().contains("the order service is down"));
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ToolCallError {
    /// The call's id.
    pub tool_call_id: String,
    /// The tool's name.
    pub tool_name: String,
    /// The call's input (the raw text as a JSON string when it did not parse).
    pub input: Value,
    /// What went wrong.
    pub error: Error,
    /// Whether the provider executed the tool.
    pub provider_executed: bool,
}

/// Accessors that iterate over the step's content of one kind: `name: Variant(Type);`.
macro_rules! content_of_kind {
    ($($(#[$doc:meta])* $name:ident: $variant:ident($type:ty);)*) => {$(
        $(#[$doc])*
        pub fn $name(&self) -> impl Iterator<Item = &$type> {
            self.content.iter().filter_map(|content| match content {
                StepContent::$variant(item) => Some(item),
                _ => None,
            })
        }
    )*};
}

/// One piece of a step's output, in order.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum StepContent {
    /// Text.
    Text {
        /// The text.
        text: String,
        /// Provider metadata.
        provider_metadata: Option<ProviderMetadata>,
    },
    /// Reasoning.
    Reasoning {
        /// The reasoning text.
        text: String,
        /// Provider metadata (signatures, encrypted content).
        provider_metadata: Option<ProviderMetadata>,
    },
    /// A generated file.
    File(GeneratedFile),
    /// A cited source.
    Source(Source),
    /// A tool call.
    ToolCall(ParsedToolCall),
    /// A tool's result.
    ToolResult(ToolCallResult),
    /// A tool's failure.
    ToolError(ToolCallError),
    /// A tool call that waits for approval.
    ToolApprovalRequest(ToolApprovalRequest),
}

/// The result of one step.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct StepResult {
    /// The step's number, from 0.
    pub step_number: usize,
    /// The output, in order, with tool results and errors.
    pub content: Vec<StepContent>,
    /// Why the model stopped.
    pub finish_reason: FinishReason,
    /// The provider's own finish reason.
    pub raw_finish_reason: Option<String>,
    /// Token usage of this step's model call.
    pub usage: Usage,
    /// Warnings of this step's model call.
    pub warnings: Vec<Warning>,
    /// What was sent.
    pub request: RequestMetadata,
    /// What came back besides the content.
    pub response: ResponseMetadata,
    /// Provider metadata of the response.
    pub provider_metadata: Option<ProviderMetadata>,
}

impl StepResult {
    /// The text: all text parts joined.
    pub fn text(&self) -> Cow<'_, str> {
        join_text(&self.content, |content| match content {
            StepContent::Text { text, .. } => Some(text),
            _ => None,
        })
    }

    /// The reasoning text: all reasoning parts joined.
    pub fn reasoning_text(&self) -> Option<String> {
        let has_reasoning = self.content.iter().any(|content| matches!(content, StepContent::Reasoning { .. }));
        has_reasoning.then(|| {
            join_text(&self.content, |content| match content {
                StepContent::Reasoning { text, .. } => Some(text),
                _ => None,
            })
            .into_owned()
        })
    }

    content_of_kind! {
        /// The tool calls.
        tool_calls: ToolCall(ParsedToolCall);
        /// The tool results.
        tool_results: ToolResult(ToolCallResult);
        /// The tool errors.
        tool_errors: ToolError(ToolCallError);
        /// The generated files.
        files: File(GeneratedFile);
        /// The cited sources.
        sources: Source(Source);
    }

    /// The messages this step adds to the conversation: the assistant's output, then the results
    /// of the tools the application ran.
    ///
    /// Built from [`content`](Self::content) when asked for, not kept: most steps are never
    /// continued, and building them for every step cost each request three allocations.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> specai::Result<()> {
    /// use specai::provider::Message;
    /// use specai::test_util::{MockLanguageModel, text_response};
    ///
    /// let model = MockLanguageModel::new().with_response(text_response("Hi!"));
    /// let result = specai::generate_text(model).prompt("Hello").await?;
    /// assert_eq!(result.final_step().response_messages(), vec![Message::assistant("Hi!")]);
    /// # Ok(()) }
    /// ```
    pub fn response_messages(&self) -> Vec<Message> {
        response_messages(&self.content)
    }

    /// The tool calls waiting for approval.
    pub fn tool_approval_requests(&self) -> impl Iterator<Item = &ToolApprovalRequest> {
        self.content.iter().filter_map(|content| match content {
            StepContent::ToolApprovalRequest(request) => Some(request),
            _ => None,
        })
    }

    /// Whether the loop may go on after this step: there are tool calls for the application and
    /// every one of them has a result or an error (no call was left for the caller).
    pub(crate) fn all_client_tool_calls_answered(&self) -> bool {
        let mut calls = 0usize;
        let mut answered = 0usize;
        for content in &self.content {
            match content {
                StepContent::ToolCall(call) if !call.provider_executed => calls += 1,
                StepContent::ToolResult(result) if !result.provider_executed => answered += 1,
                StepContent::ToolError(error) if !error.provider_executed => answered += 1,
                _ => {}
            }
        }
        calls > 0 && answered >= calls
    }
}

/// The selected texts joined: borrowed when there is one (the usual answer), owned otherwise.
fn join_text<'a>(content: &'a [StepContent], select: impl Fn(&'a StepContent) -> Option<&'a String>) -> Cow<'a, str> {
    let mut texts = content.iter().filter_map(select);
    let Some(first) = texts.next() else { return Cow::Borrowed("") };
    match texts.next() {
        None => Cow::Borrowed(first),
        Some(second) => {
            let mut joined = first.clone();
            joined.push_str(second);
            texts.for_each(|text| joined.push_str(text));
            Cow::Owned(joined)
        }
    }
}

/// What the model receives for a tool's output: a string as text, anything else as JSON.
pub(crate) fn tool_output_for_model(output: &Value) -> ToolResultOutput {
    match output {
        Value::String(text) => ToolResultOutput::text(text.clone()),
        other => ToolResultOutput::json(other.clone()),
    }
}

/// The messages a step adds to the conversation: the assistant's output, then the results of the
/// tools the application ran (if any).
pub(crate) fn response_messages(content: &[StepContent]) -> Vec<Message> {
    let mut assistant = Vec::new();
    let mut tool = Vec::new();
    for part in content {
        match part {
            StepContent::Text { text, provider_metadata } => {
                if !text.is_empty() {
                    let part = TextPart::new(text.clone())
                        .with_provider_options(provider_metadata.clone().unwrap_or_default());
                    assistant.push(AssistantPart::Text(part));
                }
            }
            StepContent::Reasoning { text, provider_metadata } => {
                let part = ReasoningPart::new(text.clone())
                    .with_provider_options(provider_metadata.clone().unwrap_or_default());
                assistant.push(AssistantPart::Reasoning(part));
            }
            StepContent::File(file) => {
                let part = crate::provider::FilePart::new(file.data.clone(), file.media_type.clone())
                    .with_provider_options(file.provider_metadata.clone().unwrap_or_default());
                assistant.push(AssistantPart::File(part));
            }
            StepContent::Source(_) => {}
            StepContent::ToolCall(call) => assistant.push(AssistantPart::ToolCall(
                ToolCallPart::new(call.tool_call_id.clone(), call.tool_name.clone(), call.input.clone())
                    .with_provider_executed(call.provider_executed)
                    .with_provider_options(call.provider_metadata.clone().unwrap_or_default()),
            )),
            StepContent::ToolResult(result) => {
                let output = match &result.model_output {
                    Some(output) => output.clone(),
                    None => tool_output_for_model(&result.output),
                };
                let part = ToolResultPart::new(result.tool_call_id.clone(), result.tool_name.clone(), output);
                if result.provider_executed { assistant.push(AssistantPart::ToolResult(part)) } else { tool.push(part) }
            }
            StepContent::ToolError(error) => {
                let output = ToolResultOutput::error_text(error.error.to_string());
                let part = ToolResultPart::new(error.tool_call_id.clone(), error.tool_name.clone(), output);
                if error.provider_executed { assistant.push(AssistantPart::ToolResult(part)) } else { tool.push(part) }
            }
            StepContent::ToolApprovalRequest(request) => assistant.push(AssistantPart::ToolApprovalRequest(
                ToolApprovalRequestPart::new(request.approval_id.clone(), request.tool_call.tool_call_id.clone()),
            )),
        }
    }
    let mut messages = Vec::with_capacity(2);
    if !assistant.is_empty() {
        messages.push(Message::assistant_parts(assistant));
    }
    if !tool.is_empty() {
        messages.push(Message::tool(tool));
    }
    messages
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn call(id: &str, name: &str) -> ParsedToolCall {
        ParsedToolCall {
            tool_call_id: id.into(),
            tool_name: name.into(),
            input: json!({"city": "Paris"}),
            provider_executed: false,
            provider_metadata: None,
            invalid: false,
        }
    }

    #[test]
    fn response_messages_hold_assistant_output_then_tool_results() {
        let content = vec![
            StepContent::Reasoning { text: "think".into(), provider_metadata: None },
            StepContent::Text { text: "Let me look.".into(), provider_metadata: None },
            StepContent::ToolCall(call("c1", "weather")),
            StepContent::ToolCall(call("c2", "time")),
            StepContent::ToolResult(ToolCallResult {
                tool_call_id: "c1".into(),
                tool_name: "weather".into(),
                input: json!({}),
                output: json!({"celsius": 20}),
                model_output: None,
                provider_executed: false,
                preliminary: false,
            }),
            StepContent::ToolError(ToolCallError {
                tool_call_id: "c2".into(),
                tool_name: "time".into(),
                input: json!({}),
                error: Error::invalid_argument("x", "broken clock"),
                provider_executed: false,
            }),
        ];
        let messages = response_messages(&content);
        assert_eq!(messages.len(), 2);
        match &messages[0] {
            Message::Assistant { content, .. } => {
                assert_eq!(content.len(), 4);
                assert!(matches!(&content[0], AssistantPart::Reasoning(part) if part.text == "think"));
                assert!(matches!(&content[1], AssistantPart::Text(part) if part.text == "Let me look."));
                assert!(matches!(&content[3], AssistantPart::ToolCall(part) if part.tool_call_id == "c2"));
            }
            other => panic!("{other:?}"),
        }
        match &messages[1] {
            Message::Tool { content, .. } => {
                assert_eq!(content[0].output, ToolResultOutput::json(json!({"celsius": 20})));
                assert!(content[1].output.is_error());
                assert!(content[1].output.to_text().contains("broken clock"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn step_is_answered_only_when_every_client_call_has_an_output() {
        let mut step = StepResult { content: vec![StepContent::ToolCall(call("c1", "weather"))], ..Default::default() };
        assert!(!step.all_client_tool_calls_answered());
        step.content.push(StepContent::ToolResult(ToolCallResult {
            tool_call_id: "c1".into(),
            tool_name: "weather".into(),
            input: json!({}),
            output: json!(1),
            model_output: None,
            provider_executed: false,
            preliminary: false,
        }));
        assert!(step.all_client_tool_calls_answered());
    }
}
