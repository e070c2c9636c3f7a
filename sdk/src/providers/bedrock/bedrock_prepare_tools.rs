//! Tools and tool choice as Converse's `toolConfig`.
//!
//! Function tools become `toolSpec`s (name, description, `inputSchema.json`); a `cachePoint` in
//! a tool's Bedrock options adds a cache point after it. Choice `auto` -> `auto`, `required` ->
//! `any`, a named tool -> `tool`; Converse has no "none", so `none` sends no tools at all.
//! Bedrock has no provider-defined tools: those are left out with a warning.

use serde_json::{Map, Value};

use super::bedrock_options::BedrockPartOptions;
use super::wire;
use crate::error::Result;
use crate::provider::{ToolChoice, ToolDefinition, Warning};

/// A function tool on the wire.
pub(crate) fn tool_spec(name: &str, description: Option<&str>, input_schema: &Value) -> wire::Tool {
    wire::Tool::ToolSpec(wire::ToolSpecification {
        description: description.map(str::to_owned),
        input_schema: wire::ToolInputSchema::Json(input_schema.clone()),
        name: name.to_owned(),
        extra: Map::new(),
    })
}

/// The `toolConfig` of the call's tools and choice; `None` when no tool is sent.
pub(crate) fn prepare_tools(
    tools: &[ToolDefinition],
    tool_choice: Option<&ToolChoice>,
    warnings: &mut Vec<Warning>,
) -> Result<Option<wire::ToolConfiguration>> {
    if tools.is_empty() {
        return Ok(None);
    }
    if matches!(tool_choice, Some(ToolChoice::None)) {
        return Ok(None);
    }
    let mut wire_tools = Vec::with_capacity(tools.len());
    for tool in tools {
        match tool {
            ToolDefinition::Function(function) => {
                wire_tools.push(tool_spec(
                    &function.name,
                    function.description.as_deref(),
                    &function.input_schema,
                ));
                if BedrockPartOptions::from_provider_options(&function.provider_options)?
                    .cache_point
                    .is_some()
                {
                    wire_tools.push(wire::Tool::CachePoint(wire::CachePointBlock {
                        type_: wire::CachePointType::Default,
                        extra: Map::new(),
                    }));
                }
            }
            other => warnings.push(Warning::unknown_tool_kind(other)),
        }
    }
    let choice = match tool_choice {
        None | Some(ToolChoice::Auto) => None,
        Some(ToolChoice::Required) => Some(wire::ToolChoice::Any(wire::AnyToolChoice(Map::new()))),
        Some(ToolChoice::Tool { tool_name }) => {
            Some(wire::ToolChoice::Tool(wire::SpecificToolChoice {
                name: tool_name.clone(),
                extra: Map::new(),
            }))
        }
        Some(other) => {
            warnings.push(Warning::unknown_tool_choice(other));
            None
        }
    };
    if wire_tools.is_empty() {
        return Ok(None);
    }
    Ok(Some(wire::ToolConfiguration {
        tool_choice: choice,
        tools: wire_tools,
        extra: Map::new(),
    }))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::provider::{FunctionTool, ProviderDefinedTool};

    #[test]
    fn functions_and_choices() {
        let tools = vec![
            ToolDefinition::Function(
                FunctionTool::new("weather", json!({"type": "object"})).with_description("Weather"),
            ),
            ToolDefinition::ProviderDefined(ProviderDefinedTool::new(
                "google.search",
                "search",
                json!({}),
            )),
        ];
        let mut warnings = Vec::new();
        let config = prepare_tools(&tools, Some(&ToolChoice::Required), &mut warnings)
            .unwrap()
            .unwrap();
        assert_eq!(
            serde_json::to_value(&config).unwrap(),
            json!({"tools": [{"toolSpec": {"name": "weather", "description": "Weather", "inputSchema": {"json": {"type": "object"}}}}], "toolChoice": {"any": {}}})
        );
        assert_eq!(warnings.len(), 1);
        let named = prepare_tools(
            &tools[..1],
            Some(&ToolChoice::Tool {
                tool_name: "weather".into(),
            }),
            &mut warnings,
        )
        .unwrap()
        .unwrap();
        assert_eq!(
            serde_json::to_value(named.tool_choice).unwrap(),
            json!({"tool": {"name": "weather"}})
        );
        assert!(
            prepare_tools(&tools, Some(&ToolChoice::None), &mut warnings)
                .unwrap()
                .is_none()
        );
    }
}
