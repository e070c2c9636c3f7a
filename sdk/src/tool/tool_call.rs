//! A model's tool call: parsed against the tools, and repaired by the hook when it is invalid.

use std::sync::Arc;

use futures::future::BoxFuture;
use serde_json::Value;

use crate::error::{Error, Result};
use crate::provider::{Message, ToolCall, ToolDefinition};
use crate::step::{ParsedToolCall, ToolCallError};

use super::tool_set::{ToolSet, is_active};

/// What the tool-call repair hook receives: the failed call, why it failed, and the tools.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ToolCallRepairRequest {
    /// The call as the model made it.
    pub tool_call: ToolCall,
    /// Why it failed: [`Error::NoSuchTool`] or [`Error::InvalidToolInput`].
    pub error: Error,
    /// The tools the model was given.
    pub tools: Vec<ToolDefinition>,
    /// The conversation the model answered.
    pub messages: Vec<Message>,
}

/// A hook that repairs a tool call with an unknown tool name or invalid input: it returns the
/// corrected call, or `None` to give up (the call then becomes an error result for the model).
pub type ToolCallRepair =
    Arc<dyn Fn(ToolCallRepairRequest) -> BoxFuture<'static, Result<Option<ToolCall>>> + Send + Sync>;

/// Parses a model's tool call against the tools: the tool must exist (and be active) and the
/// input must be JSON that fits a typed tool's type. Provider-executed calls are taken as they are.
pub(crate) fn parse_tool_call(call: &ToolCall, tools: &ToolSet, active_tools: Option<&[String]>) -> Result<ParsedToolCall> {
    let input = parse_input(&call.input);
    if call.provider_executed {
        return Ok(parsed(call, input.unwrap_or_else(|_| Value::String(call.input.clone())), false));
    }
    let tool = match tools.get(&call.tool_name) {
        Some(tool) if is_active(active_tools, &call.tool_name) => tool,
        _ => {
            return Err(Error::NoSuchTool {
                tool_name: call.tool_name.clone(),
                available_tools: tools.names().filter(|name| is_active(active_tools, name)).map(str::to_owned).collect(),
            });
        }
    };
    let invalid = |message: String| Error::InvalidToolInput {
        tool_name: call.tool_name.clone(),
        input: call.input.clone(),
        message,
    };
    let input = input.map_err(|error| invalid(error.to_string()))?;
    if let Some(check) = &tool.check_input {
        check(&input).map_err(invalid)?;
    }
    Ok(parsed(call, input, false))
}

fn parse_input(text: &str) -> serde_json::Result<Value> {
    if text.trim().is_empty() { Ok(Value::Object(Default::default())) } else { serde_json::from_str(text) }
}

fn parsed(call: &ToolCall, input: Value, invalid: bool) -> ParsedToolCall {
    ParsedToolCall {
        tool_call_id: call.tool_call_id.clone(),
        tool_name: call.tool_name.clone(),
        input,
        provider_executed: call.provider_executed,
        provider_metadata: call.provider_metadata.clone(),
        invalid,
    }
}

/// A call that failed to parse, and the error result that answers it.
pub(crate) fn invalid_tool_call(call: &ToolCall, error: Error) -> (ParsedToolCall, ToolCallError) {
    let input = parse_input(&call.input).unwrap_or_else(|_| Value::String(call.input.clone()));
    let parsed_call = parsed(call, input.clone(), true);
    let failure = ToolCallError {
        tool_call_id: call.tool_call_id.clone(),
        tool_name: call.tool_name.clone(),
        input,
        error,
        provider_executed: false,
    };
    (parsed_call, failure)
}

/// Parses a call, asking the repair hook once when parsing fails. Returns the parsed call and,
/// when it stayed invalid, the error that answers it.
pub(crate) async fn parse_or_repair_tool_call(
    call: ToolCall,
    tools: &ToolSet,
    active_tools: Option<&[String]>,
    repair: Option<&ToolCallRepair>,
    messages: impl FnOnce() -> Vec<Message>,
) -> (ParsedToolCall, Option<ToolCallError>) {
    let error = match parse_tool_call(&call, tools, active_tools) {
        Ok(parsed_call) => return (parsed_call, None),
        Err(error) => error,
    };
    let Some(repair) = repair else {
        let (parsed_call, failure) = invalid_tool_call(&call, error);
        return (parsed_call, Some(failure));
    };
    let request = ToolCallRepairRequest {
        tool_call: call.clone(),
        error: error.clone(),
        tools: tools.definitions(active_tools),
        messages: messages(),
    };
    let outcome = match repair(request).await {
        Ok(Some(repaired)) => parse_tool_call(&repaired, tools, active_tools),
        Ok(None) => Err(error),
        Err(repair_error) => Err(repair_error),
    };
    match outcome {
        Ok(parsed_call) => (parsed_call, None),
        Err(error) => {
            let (parsed_call, failure) = invalid_tool_call(&call, error);
            (parsed_call, Some(failure))
        }
    }
}
