//! A step's tool calls: starting the executable ones, and recording the results of the tools the
//! provider ran itself.

use std::sync::Arc;

use futures::stream::BoxStream;
use serde_json::Value;

use crate::call_settings::CallSettings;
use crate::error::Error;
use crate::provider::{Message, ToolResult};
use crate::step::{ParsedToolCall, StepContent, ToolCallError, ToolCallResult};
use crate::tool::{ToolEvent, ToolExecution, execute_tool_call};

use super::text_request::TextRequest;

/// Starts executing a parsed call, when its tool has an execute function (or asks for approval,
/// when the tool needs it and `check_approval` holds). The conversation the tools see is built
/// once per step (in `shared_messages`), and only if a tool runs.
pub(crate) fn start_tool_call(
    request: &TextRequest,
    settings: &CallSettings,
    call: &ParsedToolCall,
    check_approval: bool,
    shared_messages: &mut Option<Arc<[Message]>>,
    conversation: &[Message],
) -> Option<BoxStream<'static, ToolEvent>> {
    let execution = ToolExecution {
        timeout: settings.timeouts.tool,
        cancellation_token: settings.cancellation_token.as_ref(),
        hooks: &request.callbacks.tool_calls,
        check_approval,
        record_content: settings.telemetry.records_content(),
    };
    execute_tool_call(&request.defaults.tools, call, &execution, || {
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
            preliminary: false,
        })
    }
}
