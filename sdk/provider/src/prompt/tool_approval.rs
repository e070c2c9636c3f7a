//! Tool approval in the prompt: the request an assistant message records when a tool call waits
//! for a human, and the answer the caller sends back.
//!
//! These parts are for the generation loop, not for providers: the loop reads them to run or deny
//! the calls, and removes them before a prompt reaches a model (as the AI SDK does).

use serde::{Deserialize, Serialize};

use crate::metadata::ProviderOptions;

/// A request to approve a tool call before it runs, recorded in the assistant message that made
/// the call.
///
/// ```
/// use specai_provider::{AssistantPart, ToolApprovalRequestPart};
///
/// let part = AssistantPart::ToolApprovalRequest(ToolApprovalRequestPart::new("approval_1", "call_1"));
/// assert_eq!(part.kind(), "tool-approval-request");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ToolApprovalRequestPart {
    /// The request's id, which the response refers to.
    pub approval_id: String,
    /// The id of the tool call waiting for approval.
    pub tool_call_id: String,
    /// Per-part provider options.
    #[serde(default, skip_serializing_if = "ProviderOptions::is_empty")]
    pub provider_options: ProviderOptions,
}

impl ToolApprovalRequestPart {
    /// A request for the call `tool_call_id`.
    pub fn new(approval_id: impl Into<String>, tool_call_id: impl Into<String>) -> Self {
        ToolApprovalRequestPart {
            approval_id: approval_id.into(),
            tool_call_id: tool_call_id.into(),
            provider_options: ProviderOptions::default(),
        }
    }
}

/// The answer to a [`ToolApprovalRequestPart`]: approved, or denied with an optional reason.
///
/// ```
/// use specai_provider::{Message, ToolApprovalResponsePart};
///
/// let answers = Message::tool_approval(vec![
///     ToolApprovalResponsePart::approve("approval_1"),
///     ToolApprovalResponsePart::deny("approval_2", Some("not on weekends".into())),
/// ]);
/// assert_eq!(answers.role(), "tool-approval");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ToolApprovalResponsePart {
    /// The id of the request this answers.
    pub approval_id: String,
    /// Whether the call may run.
    pub approved: bool,
    /// Why, when given (a denial's reason reaches the model).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Per-part provider options.
    #[serde(default, skip_serializing_if = "ProviderOptions::is_empty")]
    pub provider_options: ProviderOptions,
}

impl ToolApprovalResponsePart {
    /// An approval or a denial.
    pub fn new(approval_id: impl Into<String>, approved: bool, reason: Option<String>) -> Self {
        ToolApprovalResponsePart {
            approval_id: approval_id.into(),
            approved,
            reason,
            provider_options: ProviderOptions::default(),
        }
    }

    /// Approves the request.
    pub fn approve(approval_id: impl Into<String>) -> Self {
        Self::new(approval_id, true, None)
    }

    /// Denies the request, with the reason when there is one.
    pub fn deny(approval_id: impl Into<String>, reason: Option<String>) -> Self {
        Self::new(approval_id, false, reason)
    }
}

setter!(
    /// Sets the part's provider options.
    with_provider_options(provider_options: ProviderOptions) for ToolApprovalRequestPart, ToolApprovalResponsePart
);
