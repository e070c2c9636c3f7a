//! Function tools and the tool choice as chat-completions `tools` and `tool_choice`.

use serde_json::{Map, Value};
use specai_generated::openai_compatible::types::{
    ChatCompletionNamedToolChoice, ChatCompletionNamedToolChoiceFunction, ChatCompletionNamedToolChoiceType, ChatCompletionTool,
    ChatCompletionToolChoiceOption, ChatCompletionToolChoiceOptionString, ChatCompletionToolType, FunctionObject, FunctionParameters,
};

use crate::provider::{ToolChoice, ToolDefinition, Warning};
use crate::provider_utils::strict_schema_or_warning;

/// The tools and tool choice to send; provider-defined tools are not sent (with a warning).
pub(crate) fn prepare_tools(
    tools: &[ToolDefinition],
    tool_choice: Option<&ToolChoice>,
    warnings: &mut Vec<Warning>,
) -> (Vec<ChatCompletionTool>, Option<ChatCompletionToolChoiceOption>) {
    let mut prepared = Vec::with_capacity(tools.len());
    for tool in tools {
        match tool {
            ToolDefinition::Function(function) => {
                let parameters = match &function.input_schema {
                    Value::Object(schema) => schema.clone(),
                    _ => Map::new(),
                };
                let what = format!("tool:{}", function.name);
                let (parameters, strict) = strict_schema_or_warning(parameters, function.strict, &what, warnings);
                prepared.push(ChatCompletionTool {
                    type_: ChatCompletionToolType::Function,
                    function: FunctionObject {
                        name: function.name.clone(),
                        description: function.description.clone(),
                        parameters: Some(FunctionParameters(parameters)),
                        strict,
                        extra: Map::new(),
                    },
                    extra: Map::new(),
                });
            }
            ToolDefinition::ProviderDefined(defined) => {
                warnings.push(Warning::unsupported(format!("tool:{}", defined.id), Some("OpenAI-compatible APIs take function tools only".to_owned())));
            }
            other => warnings.push(Warning::unknown_tool_kind(other)),
        }
    }
    if prepared.is_empty() {
        return (prepared, None);
    }
    let choice = tool_choice.and_then(|choice| match choice {
        ToolChoice::Auto => Some(ChatCompletionToolChoiceOption::String(ChatCompletionToolChoiceOptionString::Auto)),
        ToolChoice::None => Some(ChatCompletionToolChoiceOption::String(ChatCompletionToolChoiceOptionString::None)),
        ToolChoice::Required => {
            Some(ChatCompletionToolChoiceOption::String(ChatCompletionToolChoiceOptionString::Required))
        }
        ToolChoice::Tool { tool_name } => {
            Some(ChatCompletionToolChoiceOption::ChatCompletionNamedToolChoice(ChatCompletionNamedToolChoice {
                type_: ChatCompletionNamedToolChoiceType::Function,
                function: ChatCompletionNamedToolChoiceFunction { name: tool_name.clone(), extra: Map::new() },
                extra: Map::new(),
            }))
        }
        other => {
            warnings.push(Warning::unknown_tool_choice(other));
            None
        }
    });
    (prepared, choice)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::provider::{FunctionTool, ProviderDefinedTool};

    #[test]
    fn function_tools_and_named_choice() {
        let tools = vec![
            ToolDefinition::Function(
                FunctionTool::new("weather", json!({"type": "object", "properties": {}})).with_description("Weather"),
            ),
            ToolDefinition::ProviderDefined(ProviderDefinedTool::new("openai.web_search", "web", json!({}))),
        ];
        let mut warnings = Vec::new();
        let (tools, choice) = prepare_tools(&tools, Some(&ToolChoice::tool("weather")), &mut warnings);
        assert_eq!(
            serde_json::to_value(&tools).unwrap(),
            json!([{"type": "function", "function": {"name": "weather", "description": "Weather", "parameters": {"type": "object", "properties": {}}}}])
        );
        assert_eq!(serde_json::to_value(choice).unwrap(), json!({"type": "function", "function": {"name": "weather"}}));
        assert_eq!(warnings.len(), 1);
    }
}
