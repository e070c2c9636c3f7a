//! Tools and tool choice in Anthropic's shape.
//!
//! Function tools become custom tools (`name`, `description`, `input_schema`, optional
//! `cache_control`). Provider-defined tools with an `anthropic.` id become Anthropic's versioned
//! tools: `anthropic.web_search_20250305` is `{"type": "web_search_20250305", "name":
//! "web_search", ...args}`; tools that are still in beta add their `anthropic-beta` flag.
//! Tool choice maps `auto`, `required` (`any`), a named tool (`tool`) and `none`;
//! `disable_parallel_tool_use` rides on the choice.

use serde_json::{Map, Value};

use super::anthropic_api::{cache_control, types};
use super::anthropic_options::AnthropicToolOptions;
use crate::error::{Error, Result};
use crate::provider::{ToolChoice, ToolDefinition, Warning};

/// The tools and choice of a request.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PreparedTools {
    /// `tools`.
    pub tools: Vec<types::Tool>,
    /// `tool_choice`.
    pub tool_choice: Option<types::ToolChoice>,
    /// Beta flags the tools need.
    pub betas: Vec<&'static str>,
}

/// A function tool on the wire.
pub fn custom_tool(
    name: &str,
    description: Option<&str>,
    input_schema: &Value,
    options: &AnthropicToolOptions,
) -> Result<types::Tool> {
    let Value::Object(input_schema) = input_schema else {
        return Err(Error::invalid_argument(
            format!("tools.{name}.input_schema"),
            "Anthropic takes an object schema for tool input",
        ));
    };
    Ok(types::Tool::CustomTool(types::CustomTool {
        cache_control: options.cache_control.as_ref().map(cache_control),
        description: description.map(str::to_owned),
        input_schema: input_schema.clone(),
        name: name.to_owned(),
        type_: None,
        extra: Map::new(),
    }))
}

/// Maps the call's tools and tool choice.
pub fn prepare_tools(
    tools: &[ToolDefinition],
    tool_choice: Option<&ToolChoice>,
    disable_parallel_tool_use: Option<bool>,
    warnings: &mut Vec<Warning>,
) -> Result<PreparedTools> {
    let mut prepared = PreparedTools::default();
    for tool in tools {
        match tool {
            ToolDefinition::Function(function) => {
                let options = AnthropicToolOptions::from_provider_options(&function.provider_options)?;
                if function.strict.is_some() {
                    warnings.push(Warning::unsupported(
                        format!("tool:{}:strict", function.name),
                        Some("Anthropic does not enforce tool input schemas strictly".to_owned()),
                    ));
                }
                prepared.tools.push(custom_tool(
                    &function.name,
                    function.description.as_deref(),
                    &function.input_schema,
                    &options,
                )?);
            }
            ToolDefinition::ProviderDefined(tool) => match tool.id.strip_prefix("anthropic.") {
                Some(tool_type) => {
                    let mut settings = match &tool.args {
                        Value::Object(settings) => settings.clone(),
                        Value::Null => Map::new(),
                        other => {
                            return Err(Error::invalid_argument(
                                format!("tools.{}.args", tool.name),
                                format!("expected an object of tool settings, got {other}"),
                            ));
                        }
                    };
                    if let Some(beta) = beta_for_tool(tool_type)
                        && !prepared.betas.contains(&beta)
                    {
                        prepared.betas.push(beta);
                    }
                    settings.insert("type".to_owned(), Value::String(tool_type.to_owned()));
                    settings.insert("name".to_owned(), Value::String(tool.name.clone()));
                    // The spec subset types one versioned tool, web search; its shape (`type`,
                    // `name`, settings kept in the flattened `extra`) carries the others too
                    // (bash, text editor, code execution), which the subset does not describe.
                    let versioned: types::WebSearchTool = serde_json::from_value(Value::Object(settings))
                        .map_err(|error| Error::invalid_argument(format!("tools.{}.args", tool.name), error.to_string()))?;
                    prepared.tools.push(types::Tool::WebSearchTool(versioned));
                }
                None => warnings.push(Warning::unsupported(
                    format!("tool:{}", tool.id),
                    Some("not an Anthropic tool; it was left out".to_owned()),
                )),
            },
            other => warnings.push(Warning::unknown_tool_kind(other)),
        }
    }

    prepared.tool_choice = match tool_choice {
        // The API rejects a tool choice without tools (an agent's default choice, or tools that
        // were all left out above); a choice that asks for a tool is said to be dropped.
        _ if prepared.tools.is_empty() => {
            if let Some(choice @ (ToolChoice::Required | ToolChoice::Tool { .. })) = tool_choice {
                warnings.push(Warning::unsupported("tool_choice", Some(format!("{choice:?} without tools to choose from; no tool choice was sent"))));
            }
            None
        }
        None if disable_parallel_tool_use.is_some() => {
            Some(types::ToolChoice::Auto { disable_parallel_tool_use })
        }
        None => None,
        Some(ToolChoice::Auto) => Some(types::ToolChoice::Auto { disable_parallel_tool_use }),
        Some(ToolChoice::Required) => Some(types::ToolChoice::Any { disable_parallel_tool_use }),
        Some(ToolChoice::Tool { tool_name }) => {
            Some(types::ToolChoice::Tool { disable_parallel_tool_use, name: tool_name.clone() })
        }
        Some(ToolChoice::None) => Some(types::ToolChoice::None),
        Some(other) => {
            warnings.push(Warning::unknown_tool_choice(other));
            None
        }
    };
    Ok(prepared)
}

/// The `anthropic-beta` flag a versioned tool needs, when it is not generally available.
fn beta_for_tool(tool_type: &str) -> Option<&'static str> {
    match tool_type {
        "code_execution_20250522" => Some("code-execution-2025-05-22"),
        "computer_20241022" | "bash_20241022" | "text_editor_20241022" => Some("computer-use-2024-10-22"),
        "computer_20250124" => Some("computer-use-2025-01-24"),
        "web_fetch_20250910" => Some("web-fetch-2025-09-10"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::provider::{FunctionTool, ProviderDefinedTool, ProviderOptions};

    fn weather_tool(provider_options: ProviderOptions) -> ToolDefinition {
        ToolDefinition::Function(
            FunctionTool::new(
                "get_weather",
                json!({"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}),
            )
            .with_description("Weather of a city")
            .with_provider_options(provider_options),
        )
    }

    #[test]
    fn function_and_web_search_tools() {
        let mut warnings = Vec::new();
        let tools = [
            weather_tool(ProviderOptions::new().with("anthropic", json!({"cache_control": {"type": "ephemeral"}}))),
            ToolDefinition::ProviderDefined(ProviderDefinedTool::new(
                "anthropic.web_search_20250305",
                "web_search",
                json!({"max_uses": 3, "allowed_domains": ["wikipedia.org"]}),
            )),
        ];
        let prepared = prepare_tools(&tools, Some(&ToolChoice::Auto), None, &mut warnings).unwrap();
        assert!(warnings.is_empty());
        assert_eq!(
            serde_json::to_value(&prepared.tools).unwrap(),
            json!([
                {"name": "get_weather", "description": "Weather of a city",
                 "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
                 "cache_control": {"type": "ephemeral"}},
                {"type": "web_search_20250305", "name": "web_search", "max_uses": 3, "allowed_domains": ["wikipedia.org"]}
            ])
        );
        assert_eq!(serde_json::to_value(&prepared.tool_choice).unwrap(), json!({"type": "auto"}));
    }

    #[test]
    fn tool_choices() {
        let tools = [weather_tool(ProviderOptions::new())];
        let choice = |choice: Option<ToolChoice>, disable: Option<bool>| {
            let prepared = prepare_tools(&tools, choice.as_ref(), disable, &mut Vec::new()).unwrap();
            serde_json::to_value(prepared.tool_choice).unwrap()
        };
        assert_eq!(choice(Some(ToolChoice::Required), None), json!({"type": "any"}));
        assert_eq!(choice(Some(ToolChoice::None), None), json!({"type": "none"}));
        assert_eq!(
            choice(Some(ToolChoice::Tool { tool_name: "get_weather".into() }), Some(true)),
            json!({"type": "tool", "name": "get_weather", "disable_parallel_tool_use": true})
        );
        assert_eq!(choice(None, Some(true)), json!({"type": "auto", "disable_parallel_tool_use": true}));
        assert_eq!(choice(None, None), Value::Null);
    }

    /// The API rejects a tool choice without tools: none is sent, and a choice that asks for a
    /// tool says so in a warning.
    #[test]
    fn no_tool_choice_without_tools() {
        for (choice, warned) in [(ToolChoice::Auto, false), (ToolChoice::None, false), (ToolChoice::Required, true)] {
            let mut warnings = Vec::new();
            let prepared = prepare_tools(&[], Some(&choice), Some(true), &mut warnings).unwrap();
            assert!(prepared.tool_choice.is_none(), "{choice:?}");
            assert_eq!(warnings.len(), usize::from(warned), "{choice:?}: {warnings:?}");
        }
    }

    #[test]
    fn foreign_provider_tools_are_left_out_with_a_warning() {
        let mut warnings = Vec::new();
        let tools =
            [ToolDefinition::ProviderDefined(ProviderDefinedTool::new("openai.web_search", "web_search", json!({})))];
        let prepared = prepare_tools(&tools, None, None, &mut warnings).unwrap();
        assert!(prepared.tools.is_empty());
        assert!(matches!(&warnings[0], Warning::Unsupported { feature, .. } if feature == "tool:openai.web_search"));
    }

    #[test]
    fn beta_tools_add_their_flag() {
        let tools = [ToolDefinition::ProviderDefined(ProviderDefinedTool::new(
            "anthropic.code_execution_20250522",
            "code_execution",
            Value::Null,
        ))];
        let prepared = prepare_tools(&tools, None, None, &mut Vec::new()).unwrap();
        assert_eq!(prepared.betas, vec!["code-execution-2025-05-22"]);
    }
}
