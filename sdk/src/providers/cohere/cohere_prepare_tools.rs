//! Function tools and the tool choice as Cohere's `tools` and `tool_choice`.
//!
//! Cohere has no provider-defined tools (each yields a warning) and no "call this tool"
//! choice: a named tool is sent alone with `tool_choice: REQUIRED`.

use serde_json::{Map, Value};

use super::wire::{ChatRequestToolChoice, ToolFunction, ToolV2, ToolV2Type};
use crate::error::{Error, Result};
use crate::provider::{ToolChoice, ToolDefinition, Warning};

/// The tools and tool choice of a request, with warnings about what was not sent.
#[derive(Debug, Default)]
pub(crate) struct PreparedTools {
    pub tools: Vec<ToolV2>,
    pub tool_choice: Option<ChatRequestToolChoice>,
    pub warnings: Vec<Warning>,
}

/// Prepares the call's tools and tool choice.
pub(crate) fn cohere_prepare_tools(tools: &[ToolDefinition], tool_choice: Option<&ToolChoice>) -> Result<PreparedTools> {
    let mut prepared = PreparedTools::default();
    for tool in tools {
        match tool {
            ToolDefinition::Function(function) => {
                let parameters = match &function.input_schema {
                    Value::Object(schema) => schema.clone(),
                    other => {
                        return Err(Error::invalid_argument(
                            format!("tools.{}.input_schema", function.name),
                            format!("an input schema is a JSON object, not {other}"),
                        ));
                    }
                };
                prepared.tools.push(ToolV2 {
                    type_: ToolV2Type::Function,
                    function: ToolFunction {
                        name: function.name.clone(),
                        description: function.description.clone(),
                        parameters,
                        extra: Map::new(),
                    },
                    extra: Map::new(),
                });
            }
            ToolDefinition::ProviderDefined(defined) => prepared.warnings.push(Warning::unsupported(
                format!("tool:{}", defined.name),
                format!("Cohere has no provider-defined tools; `{}` was not sent", defined.id),
            )),
            other => prepared.warnings.push(Warning::unknown_tool_kind(other)),
        }
    }
    if prepared.tools.is_empty() {
        return Ok(prepared);
    }
    prepared.tool_choice = match tool_choice {
        None | Some(ToolChoice::Auto) => None,
        Some(ToolChoice::None) => Some(ChatRequestToolChoice::None),
        Some(ToolChoice::Required) => Some(ChatRequestToolChoice::Required),
        Some(ToolChoice::Tool { tool_name }) => {
            prepared.tools.retain(|tool| &tool.function.name == tool_name);
            if prepared.tools.is_empty() {
                return Err(Error::invalid_argument("tool_choice", format!("no function tool named `{tool_name}`")));
            }
            Some(ChatRequestToolChoice::Required)
        }
        Some(other) => {
            prepared.warnings.push(Warning::unknown_tool_choice(other));
            None
        }
    };
    Ok(prepared)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::provider::{FunctionTool, ProviderDefinedTool};

    fn tools() -> Vec<ToolDefinition> {
        vec![
            ToolDefinition::Function(FunctionTool::new("weather", json!({"type": "object"})).with_description("Weather.")),
            ToolDefinition::Function(FunctionTool::new("time", json!({"type": "object"}))),
            ToolDefinition::ProviderDefined(ProviderDefinedTool::new("openai.web_search", "web_search", json!({}))),
        ]
    }

    #[test]
    fn functions_are_sent_and_provider_tools_warned_about() {
        let prepared = cohere_prepare_tools(&tools(), Some(&ToolChoice::Required)).unwrap();
        assert_eq!(
            serde_json::to_value(&prepared.tools).unwrap(),
            json!([
                {"type": "function", "function": {"name": "weather", "description": "Weather.", "parameters": {"type": "object"}}},
                {"type": "function", "function": {"name": "time", "parameters": {"type": "object"}}}
            ])
        );
        assert_eq!(prepared.tool_choice, Some(ChatRequestToolChoice::Required));
        assert!(matches!(&prepared.warnings[..], [Warning::Unsupported { feature, .. }] if feature == "tool:web_search"));
    }

    #[test]
    fn a_named_tool_is_sent_alone_and_required() {
        let prepared = cohere_prepare_tools(&tools(), Some(&ToolChoice::tool("time"))).unwrap();
        assert_eq!(prepared.tools.len(), 1);
        assert_eq!(prepared.tools[0].function.name, "time");
        assert_eq!(prepared.tool_choice, Some(ChatRequestToolChoice::Required));
        assert!(cohere_prepare_tools(&tools(), Some(&ToolChoice::tool("nope"))).is_err());
        let none = cohere_prepare_tools(&tools(), Some(&ToolChoice::None)).unwrap();
        assert_eq!(none.tool_choice, Some(ChatRequestToolChoice::None));
    }
}
