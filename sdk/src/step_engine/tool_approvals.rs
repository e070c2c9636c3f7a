//! Tool approval at the start of a generation: the caller's answers to the previous run's
//! approval requests are read from the conversation, approved calls are run, and denied ones are
//! answered with `execution-denied` results, as AI SDK 7 does.
//!
//! Approval parts are for the loop only: they are removed from the conversation before any of it
//! reaches a model.

use std::collections::HashMap;

use crate::error::{Error, Result};
use crate::provider::{AssistantPart, Message, ToolCall, ToolCallPart, ToolResultOutput, ToolResultPart};
use crate::step::{ParsedToolCall, StepContent, response_messages};
use crate::tool::{ToolSet, parse_tool_call};

/// The answered approval requests of a conversation.
#[derive(Debug, Default)]
pub(crate) struct ApprovalAnswers {
    /// Calls approved by the caller, to run before the first step.
    pub(crate) approved: Vec<ParsedToolCall>,
    /// Calls denied by the caller: id, tool name and reason.
    pub(crate) denied: Vec<(String, String, Option<String>)>,
}

impl ApprovalAnswers {
    /// Whether there is nothing to do.
    pub(crate) fn is_empty(&self) -> bool {
        self.approved.is_empty() && self.denied.is_empty()
    }

    /// The ids of the calls these answers settle, approved or denied.
    pub(crate) fn call_ids(&self) -> Vec<&str> {
        let approved = self.approved.iter().map(|call| call.tool_call_id.as_str());
        approved.chain(self.denied.iter().map(|(id, _, _)| id.as_str())).collect()
    }

    /// The tool message that answers the calls: the approved calls' outcomes (results or errors),
    /// then the denials.
    pub(crate) fn into_tool_message(self, outcomes: &[StepContent]) -> Option<Message> {
        let mut parts: Vec<ToolResultPart> = response_messages(outcomes)
            .into_iter()
            .flat_map(|message| match message {
                Message::Tool { content, .. } => content,
                _ => Vec::new(),
            })
            .collect();
        parts.extend(self.denied.into_iter().map(|(tool_call_id, tool_name, reason)| {
            ToolResultPart::new(tool_call_id, tool_name, ToolResultOutput::execution_denied(reason))
        }));
        (!parts.is_empty()).then(|| Message::tool(parts))
    }
}

/// Reads the answers in the conversation's trailing approval message (if any) and removes every
/// approval part. An answer naming no request, or a request naming no call, is an error; a call
/// that already has a result is skipped. Approved calls are parsed again against the tools.
pub(crate) fn take_approval_answers(conversation: &mut Vec<Message>, tools: &ToolSet) -> Result<ApprovalAnswers> {
    let mut answers = ApprovalAnswers::default();
    if let Some(Message::ToolApproval { content, .. }) = conversation.last() {
        let content = content.clone();
        let calls = tool_calls(conversation);
        let requests = approval_requests(conversation);
        let answered = answered_calls(conversation);
        for response in content {
            let Some(tool_call_id) = requests.get(response.approval_id.as_str()) else {
                return Err(invalid(format!("no tool approval request has the id `{}`", response.approval_id)));
            };
            if answered.contains(tool_call_id) {
                continue;
            }
            let Some(call) = calls.get(tool_call_id) else {
                return Err(invalid(format!(
                    "the tool approval request `{}` names the tool call `{tool_call_id}`, which is not in the conversation",
                    response.approval_id
                )));
            };
            if response.approved {
                let call = ToolCall::new(call.tool_call_id.clone(), call.tool_name.clone(), call.input.to_string());
                answers.approved.push(parse_tool_call(&call, tools, None)?);
            } else {
                answers.denied.push((call.tool_call_id.clone(), call.tool_name.clone(), response.reason));
            }
        }
    }
    strip_approval_parts(conversation);
    Ok(answers)
}

fn invalid(message: String) -> Error {
    Error::invalid_argument("messages", message)
}

/// The application's tool calls in assistant messages, by id.
fn tool_calls(conversation: &[Message]) -> HashMap<&str, &ToolCallPart> {
    assistant_parts(conversation)
        .filter_map(|part| match part {
            AssistantPart::ToolCall(call) => Some((call.tool_call_id.as_str(), call)),
            _ => None,
        })
        .collect()
}

/// The tool call id of each approval request, by approval id.
fn approval_requests(conversation: &[Message]) -> HashMap<&str, &str> {
    assistant_parts(conversation)
        .filter_map(|part| match part {
            AssistantPart::ToolApprovalRequest(request) => {
                Some((request.approval_id.as_str(), request.tool_call_id.as_str()))
            }
            _ => None,
        })
        .collect()
}

/// The ids of the calls that already have a result.
fn answered_calls(conversation: &[Message]) -> std::collections::HashSet<&str> {
    conversation
        .iter()
        .flat_map(|message| match message {
            Message::Tool { content, .. } => content.as_slice(),
            _ => &[],
        })
        .map(|part| part.tool_call_id.as_str())
        .collect()
}

fn assistant_parts(conversation: &[Message]) -> impl Iterator<Item = &AssistantPart> {
    conversation.iter().flat_map(|message| match message {
        Message::Assistant { content, .. } => content.as_slice(),
        _ => &[],
    })
}

/// Removes approval messages and approval request parts (and assistant messages left empty).
fn strip_approval_parts(conversation: &mut Vec<Message>) {
    let has_approval_parts = conversation.iter().any(|message| match message {
        Message::ToolApproval { .. } => true,
        Message::Assistant { content, .. } => {
            content.iter().any(|part| matches!(part, AssistantPart::ToolApprovalRequest(_)))
        }
        _ => false,
    });
    if !has_approval_parts {
        return;
    }
    conversation.retain_mut(|message| match message {
        Message::ToolApproval { .. } => false,
        Message::Assistant { content, .. } => {
            content.retain(|part| !matches!(part, AssistantPart::ToolApprovalRequest(_)));
            !content.is_empty()
        }
        _ => true,
    });
}
