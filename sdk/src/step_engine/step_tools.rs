//! A step's tool calls: starting the executable ones, and recording the results of the tools the
//! provider ran itself.

use std::sync::Arc;

use futures::future::BoxFuture;
use serde_json::Value;

use crate::call_settings::CallSettings;
use crate::error::Error;
use crate::provider::{Message, ToolResult};
use crate::step::{ParsedToolCall, StepContent, ToolCallError, ToolCallResult};
use crate::tool::{ToolSet, execute_tool_call};

/// Starts executing a parsed call, when its tool has an execute function. The conversation the
/// tools see is built once per step (in `shared_messages`), and only if a tool runs.
pub(crate) fn start_tool_call(
    tools: &ToolSet,
    settings: &CallSettings,
    call: &ParsedToolCall,
    shared_messages: &mut Option<Arc<[Message]>>,
    conversation: &[Message],
) -> Option<BoxFuture<'static, StepContent>> {
    execute_tool_call(tools, call, settings.timeouts.tool, settings.cancellation_token.as_ref(), || {
        shared_messages.get_or_insert_with(|| Arc::from(conversation)).clone()
    })
}

/// The input of the tool call with this id among the content so far.
pub(crate) fn tool_call_input(content: &[StepContent], tool_call_id: &str) -> Value {
    content
        .iter()
        .find_map(|part| match part {
            StepContent::ToolCall(call) if call.tool_call_id == tool_call_id => Some(call.input.clone()),
            _ => None,
        })
        .unwrap_or(Value::Null)
}

/// A provider-executed tool's result as step content.
pub(crate) fn provider_tool_result(result: ToolResult, input: Value) -> StepContent {
    if result.is_error {
        StepContent::ToolError(ToolCallError {
            tool_call_id: result.tool_call_id.clone(),
            tool_name: result.tool_name.clone(),
            input,
            error: Error::ToolExecution {
                tool_name: result.tool_name,
                tool_call_id: result.tool_call_id,
                message: result.result.to_string(),
                source: None,
            },
            provider_executed: true,
        })
    } else {
        StepContent::ToolResult(ToolCallResult {
            tool_call_id: result.tool_call_id,
            tool_name: result.tool_name,
            input,
            output: result.result,
            model_output: None,
            provider_executed: true,
        })
    }
}
