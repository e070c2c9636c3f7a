//! Tools and tool choice for the chat and Responses APIs.
//!
//! Function tools go to both. Provider-defined tools (`openai.web_search`,
//! `openai.web_search_preview`, `openai.file_search`, `openai.code_interpreter`) exist only in
//! the Responses API: their `args` are the tool's wire fields (`search_context_size`,
//! `vector_store_ids`, `container`...), passed through. The chat API drops them with a warning.

use serde_json::{Map, Value};
use specai_generated::openai::types as api;

use crate::error::{Error, Result};
use crate::provider::{ToolChoice, ToolDefinition, Warning};
use crate::provider_utils::strict_schema_or_warning;

/// The Responses API type of a provider-defined tool id.
pub(crate) fn built_in_tool_type(id: &str) -> Option<&'static str> {
    match id {
        "openai.web_search" => Some("web_search"),
        "openai.web_search_preview" => Some("web_search_preview"),
        "openai.file_search" => Some("file_search"),
        "openai.code_interpreter" => Some("code_interpreter"),
        "openai.image_generation" => Some("image_generation"),
        _ => None,
    }
}

/// Tools and choice for the Responses API. A built-in tool's arguments are checked against the
/// generated `Tool` type: a misspelt argument is an [`Error::InvalidArgument`].
pub(crate) fn prepare_responses_tools(
    tools: &[ToolDefinition],
    tool_choice: Option<&ToolChoice>,
    warnings: &mut Vec<Warning>,
) -> Result<(Vec<api::Tool>, Option<api::ToolChoice>)> {
    let mut wire_tools = Vec::with_capacity(tools.len());
    for tool in tools {
        match tool {
            ToolDefinition::Function(function) => {
                // The Responses API defaults `strict` to true; say false unless asked for.
                let strict = Some(function.strict.unwrap_or(false));
                let (parameters, strict) = match &function.input_schema {
                    Value::Object(schema) => {
                        let what = format!("tool:{}", function.name);
                        let (schema, strict) = strict_schema_or_warning(schema.clone(), strict, &what, warnings);
                        (Some(schema), strict)
                    }
                    _ => (None, strict),
                };
                wire_tools.push(api::Tool::Function {
                    name: function.name.clone(),
                    description: function.description.clone(),
                    parameters,
                    strict,
                })
            }
            ToolDefinition::ProviderDefined(tool) => match built_in_tool_type(&tool.id) {
                Some(kind) => {
                    let mut wire = match &tool.args {
                        Value::Object(args) => args.clone(),
                        Value::Null => Map::new(),
                        _ => return Err(Error::invalid_argument(format!("tool {}", tool.name), "arguments must be an object")),
                    };
                    wire.insert("type".to_owned(), Value::String(kind.to_owned()));
                    let wire = serde_json::from_value::<api::Tool>(Value::Object(wire))
                        .map_err(|error| Error::invalid_argument(format!("tool {}", tool.name), error.to_string()))?;
                    wire_tools.push(wire);
                }
                None => warnings.push(Warning::unsupported(format!("tool:{}", tool.name), Some(format!("unknown tool `{}`", tool.id)))),
            },
            other => warnings.push(Warning::unknown_tool_kind(other)),
        }
    }
    if wire_tools.is_empty() {
        return Ok((wire_tools, None));
    }
    let choice = tool_choice.and_then(|choice| match choice {
        ToolChoice::Auto => Some(api::ToolChoice::String(api::ToolChoiceString::Auto)),
        ToolChoice::None => Some(api::ToolChoice::String(api::ToolChoiceString::None)),
        ToolChoice::Required => Some(api::ToolChoice::String(api::ToolChoiceString::Required)),
        ToolChoice::Tool { tool_name } => Some(named_tool_choice(tools, tool_name)),
        other => {
            warnings.push(Warning::unknown_tool_choice(other));
            None
        }
    });
    Ok((wire_tools, choice))
}

/// The choice of one tool: a built-in tool by its type, a function by its name.
fn named_tool_choice(tools: &[ToolDefinition], tool_name: &str) -> api::ToolChoice {
    let built_in = tools.iter().find_map(|tool| match tool {
        ToolDefinition::ProviderDefined(tool) if tool.name == tool_name => built_in_tool_type(&tool.id),
        _ => None,
    });
    match built_in {
        Some(kind) => api::ToolChoice::ToolChoiceTypes(api::ToolChoiceTypes {
            type_: serde_json::from_value(Value::String(kind.to_owned()))
                .unwrap_or_else(|_| api::ToolChoiceTypesType::Unlisted(kind.to_owned())),
            extra: Map::new(),
        }),
        None => api::ToolChoice::ToolChoiceFunction(api::ToolChoiceFunction {
            name: tool_name.to_owned(),
            type_: api::ToolChoiceFunctionType::Function,
            extra: Map::new(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::{FunctionTool, ProviderDefinedTool};
    use serde_json::json;

    fn tools() -> Vec<ToolDefinition> {
        vec![
            ToolDefinition::Function(
                FunctionTool::new("weather", json!({"type": "object", "properties": {"city": {"type": "string"}}}))
                    .with_description("Weather of a city")
                    .with_strict(true),
            ),
            ToolDefinition::ProviderDefined(ProviderDefinedTool::new(
                "openai.web_search",
                "web_search",
                json!({"search_context_size": "low"}),
            )),
        ]
    }

    #[test]
    fn responses_tools_include_built_ins() {
        let tools = tools();
        let choice = ToolChoice::tool("web_search");
        let mut warnings = Vec::new();
        let (wire, choice) = prepare_responses_tools(&tools, Some(&choice), &mut warnings).unwrap();
        assert_eq!(
            serde_json::to_value(&wire).unwrap(),
            json!([
                {"type": "function", "name": "weather", "description": "Weather of a city",
                 "parameters": {"type": "object", "properties": {"city": {"type": ["string", "null"]}}, "required": ["city"], "additionalProperties": false},
                 "strict": true},
                {"type": "web_search", "search_context_size": "low"}
            ])
        );
        assert_eq!(serde_json::to_value(&choice).unwrap(), json!({"type": "web_search"}));
        assert!(warnings.is_empty());
        let required = ToolChoice::Required;
        let (_, choice) = prepare_responses_tools(&tools, Some(&required), &mut warnings).unwrap();
        assert_eq!(serde_json::to_value(&choice).unwrap(), json!("required"));
    }
}
