//! The result of a whole generation: what `generate_text` returns, and `stream_text` too once it
//! has ended (`StreamTextResult::into_result`).

use crate::provider::{
    FinishReason, GeneratedFile, Message, ProviderMetadata, RequestMetadata, ResponseMetadata, Source, Usage, Warning,
};
use crate::step::{ParsedToolCall, StepContent, StepResult, ToolApprovalRequest, ToolCallError, ToolCallResult};

/// The result of `generate_text`: every step, the total usage, and the output. Accessors without
/// a step in their name read the final step.
///
/// This differs from AI SDK 7, whose `usage`, `toolCalls` and `toolResults` span all steps: here
/// [`usage`](Self::usage), [`tool_calls`](Self::tool_calls) and
/// [`tool_results`](Self::tool_results) are the final step's (the one the answer came from), and
/// the whole run is [`total_usage`](Self::total_usage) and [`steps`](Self::steps).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct GenerateTextResult<T = String> {
    /// Every step, in order.
    pub steps: Vec<StepResult>,
    /// Token usage summed over all steps.
    pub total_usage: Usage,
    /// The output: the final text, or the parsed structured output.
    pub output: T,
    /// The tool message answering the caller's tool approvals, sent before the first step.
    initial_response_messages: Vec<Message>,
}

impl<T> GenerateTextResult<T> {
    pub(crate) fn new(steps: Vec<StepResult>, total_usage: Usage, output: T, initial_response_messages: Vec<Message>) -> Self {
        GenerateTextResult { steps, total_usage, output, initial_response_messages }
    }

    /// The final step.
    pub fn final_step(&self) -> &StepResult {
        self.steps.last().expect("a result has at least one step")
    }

    /// The final step's text.
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        self.final_step().text()
    }

    /// The final step's content.
    pub fn content(&self) -> &[StepContent] {
        &self.final_step().content
    }

    /// The final step's reasoning text, when it reasoned.
    pub fn reasoning_text(&self) -> Option<String> {
        self.final_step().reasoning_text()
    }

    /// The final step's tool calls, an iterator as a [`StepResult`]'s
    /// [`tool_calls`](StepResult::tool_calls) is (`steps.iter().flat_map(StepResult::tool_calls)`
    /// gives every step's, as AI SDK 7's `toolCalls` does).
    pub fn tool_calls(&self) -> impl Iterator<Item = &ParsedToolCall> {
        self.final_step().tool_calls()
    }

    /// The final step's tool results.
    pub fn tool_results(&self) -> impl Iterator<Item = &ToolCallResult> {
        self.final_step().tool_results()
    }

    /// The final step's tool errors.
    pub fn tool_errors(&self) -> impl Iterator<Item = &ToolCallError> {
        self.final_step().tool_errors()
    }

    /// The final step's generated files.
    pub fn files(&self) -> impl Iterator<Item = &GeneratedFile> {
        self.final_step().files()
    }

    /// The sources cited in all steps.
    pub fn sources(&self) -> impl Iterator<Item = &Source> {
        self.steps.iter().flat_map(StepResult::sources)
    }

    /// Why the final step stopped.
    pub fn finish_reason(&self) -> FinishReason {
        self.final_step().finish_reason
    }

    /// The final step's usage (see `total_usage` for all steps).
    pub fn usage(&self) -> &Usage {
        &self.final_step().usage
    }

    /// The warnings of all steps.
    pub fn warnings(&self) -> Vec<&Warning> {
        self.steps.iter().flat_map(|step| &step.warnings).collect()
    }

    /// What was sent in the final step.
    pub fn request(&self) -> &RequestMetadata {
        &self.final_step().request
    }

    /// The final step's response metadata.
    pub fn response(&self) -> &ResponseMetadata {
        &self.final_step().response
    }

    /// The final step's provider metadata.
    pub fn provider_metadata(&self) -> Option<&ProviderMetadata> {
        self.final_step().provider_metadata.as_ref()
    }

    /// The messages this generation added, to append to the conversation for the next turn: the
    /// answers to the caller's tool approvals (if any), then every step's messages.
    pub fn response_messages(&self) -> Vec<Message> {
        response_messages(&self.initial_response_messages, &self.steps)
    }

    /// The final step's tool calls that wait for approval: answer them with
    /// [`Message::tool_approval`](crate::provider::Message::tool_approval) after
    /// [`response_messages`](Self::response_messages), and run again.
    pub fn tool_approval_requests(&self) -> impl Iterator<Item = &ToolApprovalRequest> {
        self.final_step().tool_approval_requests()
    }

    /// The output, consuming the result.
    pub fn into_output(self) -> T {
        self.output
    }
}

/// The messages a generation added: the answers to the caller's approvals, then every step's. One
/// function for the finished result and for the loop still running (`StepLoop`).
pub(crate) fn response_messages(initial: &[Message], steps: &[StepResult]) -> Vec<Message> {
    let steps = steps.iter().flat_map(StepResult::response_messages);
    initial.iter().cloned().chain(steps).collect()
}
