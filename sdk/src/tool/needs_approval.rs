//! Whether a tool call waits for a human before it runs (AI SDK 7's `needsApproval`).
//!
//! A tool that needs approval is not executed when the model calls it: the step records a
//! [`ToolApprovalRequest`](crate::step::ToolApprovalRequest), the loop stops, and the caller
//! continues the conversation with a [`Message::tool_approval`](crate::provider::Message::tool_approval)
//! answer. Approved calls then run; denied ones reach the model as `execution-denied` results.

use std::fmt;
use std::future::Future;
use std::sync::Arc;

use futures::future::BoxFuture;
#[cfg(feature = "schemars")]
use schemars::JsonSchema;
#[cfg(feature = "schemars")]
use serde::de::DeserializeOwned;
use serde_json::Value;

#[cfg(feature = "schemars")]
use super::TypedTool;
use super::{Tool, ToolContext};

type ApprovalFunction = Arc<dyn Fn(Value, ToolContext) -> BoxFuture<'static, bool> + Send + Sync>;

/// Whether a tool's calls need approval: never (the default), always, or as a function decides.
#[derive(Clone, Default)]
pub(crate) enum NeedsApproval {
    #[default]
    Never,
    Always,
    When(ApprovalFunction),
}

impl fmt::Debug for NeedsApproval {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(match self {
            NeedsApproval::Never => "Never",
            NeedsApproval::Always => "Always",
            NeedsApproval::When(_) => "When(..)",
        })
    }
}

impl Tool {
    /// Makes every call of this tool wait for approval (`true`), or none (`false`, the default).
    ///
    /// ```
    /// use specai::{Tool, ToolError};
    ///
    /// let delete = Tool::dynamic("Deletes a file", serde_json::json!({"type": "object"}))
    ///     .execute(|_input, _context| async { Ok::<_, ToolError>("deleted") })
    ///     .needs_approval(true);
    /// # let _ = delete;
    /// ```
    pub fn needs_approval(mut self, always: bool) -> Tool {
        self.needs_approval = if always { NeedsApproval::Always } else { NeedsApproval::Never };
        self
    }

    /// Lets an async function of the JSON input and the call's context decide whether a call
    /// waits for approval.
    ///
    /// ```
    /// use specai::{Tool, ToolError};
    ///
    /// let pay = Tool::dynamic("Pays an amount", serde_json::json!({"type": "object"}))
    ///     .execute(|_input, _context| async { Ok::<_, ToolError>("paid") })
    ///     .needs_approval_when(|input, _context| async move { input["amount"].as_f64().unwrap_or(0.0) > 100.0 });
    /// # let _ = pay;
    /// ```
    pub fn needs_approval_when<F, Fut>(mut self, decide: F) -> Tool
    where
        F: Fn(Value, ToolContext) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = bool> + Send + 'static,
    {
        self.needs_approval = NeedsApproval::When(Arc::new(move |input, context| Box::pin(decide(input, context))));
        self
    }

    /// Whether the tool's calls may need approval.
    pub fn may_need_approval(&self) -> bool {
        !matches!(self.needs_approval, NeedsApproval::Never)
    }
}

#[cfg(feature = "schemars")]
impl<I> TypedTool<I>
where
    I: JsonSchema + DeserializeOwned + Send + 'static,
{
    /// Makes every call of this tool wait for approval (`true`), or none (`false`, the default).
    ///
    /// ```
    /// use specai::{Tool, ToolError};
    ///
    /// #[derive(serde::Deserialize, schemars::JsonSchema)]
    /// struct Path { path: String }
    ///
    /// let delete = Tool::typed::<Path>("Deletes a file")
    ///     .needs_approval(true)
    ///     .execute(|path: Path, _context| async move { Ok::<_, ToolError>(format!("deleted {}", path.path)) });
    /// # let _ = delete;
    /// ```
    pub fn needs_approval(mut self, always: bool) -> Self {
        self.tool = self.tool.needs_approval(always);
        self
    }

    /// Lets an async function of the typed input and the call's context decide whether a call
    /// waits for approval. An input that does not deserialize asks for approval.
    ///
    /// ```
    /// use specai::{Tool, ToolError};
    ///
    /// #[derive(serde::Deserialize, schemars::JsonSchema)]
    /// struct Payment { amount: f64 }
    ///
    /// let pay = Tool::typed::<Payment>("Pays an amount")
    ///     .needs_approval_when(|payment: Payment, _context| async move { payment.amount > 100.0 })
    ///     .execute(|payment: Payment, _context| async move { Ok::<_, ToolError>(payment.amount) });
    /// # let _ = pay;
    /// ```
    pub fn needs_approval_when<F, Fut>(mut self, decide: F) -> Self
    where
        F: Fn(I, ToolContext) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = bool> + Send + 'static,
    {
        let decide: ApprovalFunction = Arc::new(move |input, context| match serde_json::from_value::<I>(input) {
            Ok(input) => Box::pin(decide(input, context)),
            Err(_) => Box::pin(std::future::ready(true)),
        });
        self.tool.needs_approval = NeedsApproval::When(decide);
        self
    }
}
