//! Tools and tool choice as Gemini `tools` and `toolConfig`.
//!
//! Function tools become one `Tool` holding every `functionDeclaration` (input schemas converted
//! to Gemini's schema subset); the provider tools `google.google_search`, `google.code_execution`
//! and `google.url_context` become a `Tool` each. Tool choice maps to `functionCallingConfig`:
//! auto `AUTO`, none `NONE`, required `ANY`, a named tool `ANY` with `allowedFunctionNames`.

use serde_json::Map;

use super::convert_json_schema_to_openapi_schema::convert_json_schema_to_openapi_schema;
use super::convert_to_google_messages::wire_enum;
use super::wire::{
    CodeExecution, FunctionDeclaration, GeminiSchema, Tool, ToolConfig, ToolConfigFunctionCallingConfig, ToolGoogleSearch, UrlContext,
};
use crate::error::{Error, Result};
use crate::provider::{ToolChoice, ToolDefinition, Warning};

/// The prepared tools.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct GoogleTools {
    /// The `tools` field.
    pub tools: Vec<Tool>,
    /// The `toolConfig` field.
    pub tool_config: Option<ToolConfig>,
    /// What could not be sent as asked.
    pub warnings: Vec<Warning>,
}

/// Converts a JSON Schema value to the wire schema type.
pub(crate) fn to_wire_schema(schema: serde_json::Value) -> Result<GeminiSchema> {
    serde_json::from_value(schema.clone()).map_err(|error| {
        Error::invalid_argument("schema", format!("cannot express schema {schema} for Gemini: {error}"))
    })
}

/// Prepares tools and tool choice.
pub fn google_prepare_tools(tools: &[ToolDefinition], tool_choice: Option<&ToolChoice>) -> Result<GoogleTools> {
    let mut prepared = GoogleTools::default();
    let mut declarations = Vec::new();
    for tool in tools {
        match tool {
            ToolDefinition::Function(function) => {
                let converted = convert_json_schema_to_openapi_schema(&function.input_schema);
                if let Some(details) = converted.removed_details() {
                    prepared.warnings.push(Warning::unsupported(format!("tool:{} input schema", function.name), details));
                }
                if function.strict == Some(true) {
                    prepared.warnings.push(Warning::unsupported(
                        format!("tool:{} strict", function.name),
                        Some("Gemini has no strict mode for function declarations".to_owned()),
                    ));
                }
                declarations.push(FunctionDeclaration {
                    name: function.name.clone(),
                    // Required by the API (`FunctionDeclaration.description`); empty when absent.
                    description: Some(function.description.clone().unwrap_or_default()),
                    parameters: converted.schema.map(to_wire_schema).transpose()?,
                    parameters_json_schema: Map::new(),
                    response: None,
                    response_json_schema: Map::new(),
                    extra: Map::new(),
                });
            }
            ToolDefinition::ProviderDefined(provider_tool) => {
                let tool = match provider_tool.id.as_str() {
                    "google.google_search" => Tool {
                        google_search: Some(ToolGoogleSearch { time_range_filter: None, extra: Map::new() }),
                        ..Tool::default()
                    },
                    // An empty object enables these: `Some(..)` serializes as `{}`.
                    "google.code_execution" => Tool { code_execution: Some(CodeExecution {}), ..Tool::default() },
                    "google.url_context" => Tool { url_context: Some(UrlContext {}), ..Tool::default() },
                    other => {
                        prepared.warnings.push(Warning::unsupported(format!("tool:{other}"), None));
                        continue;
                    }
                };
                prepared.tools.push(tool);
            }
            other => prepared.warnings.push(Warning::unknown_tool_kind(other)),
        }
    }
    let has_functions = !declarations.is_empty();
    if has_functions {
        prepared.tools.insert(0, Tool { function_declarations: declarations, ..Tool::default() });
    }

    if let Some(choice) = tool_choice
        && has_functions
    {
        let (mode, allowed): (&str, Vec<String>) = match choice {
            ToolChoice::Auto => ("AUTO", Vec::new()),
            ToolChoice::None => ("NONE", Vec::new()),
            ToolChoice::Required => ("ANY", Vec::new()),
            ToolChoice::Tool { tool_name } => ("ANY", vec![tool_name.clone()]),
            other => {
                prepared.warnings.push(Warning::unknown_tool_choice(other));
                return Ok(prepared);
            }
        };
        prepared.tool_config = Some(ToolConfig {
            function_calling_config: Some(ToolConfigFunctionCallingConfig {
                mode: Some(wire_enum(mode)?),
                allowed_function_names: allowed,
                extra: Map::new(),
            }),
            retrieval_config: None,
            extra: Map::new(),
        });
    } else if tool_choice.is_some_and(|choice| !matches!(choice, ToolChoice::Auto)) && !prepared.tools.is_empty() {
        prepared.warnings.push(Warning::unsupported(
            "toolChoice",
            Some("Gemini's function calling config applies to function tools only".to_owned()),
        ));
    }
    Ok(prepared)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::{FunctionTool, ProviderDefinedTool};
    use serde_json::json;

    fn function(name: &str, schema: serde_json::Value) -> ToolDefinition {
        ToolDefinition::Function(FunctionTool::new(name, schema).with_description(format!("{name} tool")))
    }

    #[test]
    fn functions_provider_tools_and_named_choice() {
        let tools = vec![
            function("weather", json!({"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]})),
            function("now", json!({"type": "object", "properties": {}})),
            ToolDefinition::ProviderDefined(ProviderDefinedTool::new(
                "google.google_search",
                "google_search",
                json!({}),
            )),
            ToolDefinition::ProviderDefined(ProviderDefinedTool::new("openai.web_search", "web", json!({}))),
        ];
        let prepared = google_prepare_tools(&tools, Some(&ToolChoice::Tool { tool_name: "weather".into() })).unwrap();
        assert_eq!(
            serde_json::to_value(&prepared.tools).unwrap(),
            json!([
                {"functionDeclarations": [
                    {"name": "weather", "description": "weather tool", "parameters": {"type": "OBJECT", "properties": {"city": {"type": "STRING"}}, "required": ["city"]}},
                    {"name": "now", "description": "now tool"}
                ]},
                {"googleSearch": {}}
            ])
        );
        assert_eq!(
            serde_json::to_value(&prepared.tool_config).unwrap(),
            json!({"functionCallingConfig": {"mode": "ANY", "allowedFunctionNames": ["weather"]}})
        );
        assert_eq!(prepared.warnings, vec![Warning::unsupported("tool:openai.web_search", None)]);
    }

    #[test]
    fn choice_modes() {
        let tools = vec![function("f", json!({"type": "object", "properties": {"a": {"type": "number"}}}))];
        for (choice, mode) in [(ToolChoice::Auto, "AUTO"), (ToolChoice::None, "NONE"), (ToolChoice::Required, "ANY")] {
            let prepared = google_prepare_tools(&tools, Some(&choice)).unwrap();
            assert_eq!(
                serde_json::to_value(&prepared.tool_config).unwrap(),
                json!({"functionCallingConfig": {"mode": mode}})
            );
        }
    }
}
