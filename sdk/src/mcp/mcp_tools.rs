//! An MCP server's tools as specai tools.
//!
//! A tool's output is the server's `CallToolResult` as JSON (`content`, `structuredContent`), so
//! the caller sees everything the server sent; the model gets its content blocks as text and
//! media parts. An `isError` result becomes the tool's error, which the loop hands the model as a
//! tool error. The loop's cancellation token and tool timeout reach the server as
//! `notifications/cancelled`.

#[cfg(feature = "schemars")]
use schemars::JsonSchema;
#[cfg(feature = "schemars")]
use serde::Serialize;
#[cfg(feature = "schemars")]
use serde::de::DeserializeOwned;
use serde_json::Value;

use rmcp::model::{CallToolResult, ContentBlock, ResourceContents, Tool as McpTool};

use super::McpError;
use super::mcp_client::{McpClient, ToolCaller};
use crate::provider::{ToolResultContent, ToolResultOutput};
use crate::tool::{Tool, ToolContext, ToolError, ToolSet};

impl McpClient {
    /// Every tool of the server as a specai tool, by its MCP name, with the server's JSON Schema
    /// for its input (dynamic tools: the input arrives as JSON).
    ///
    /// ```no_run
    /// use specai::mcp::{McpClient, McpTransport};
    ///
    /// # async fn run() -> Result<(), specai::mcp::McpError> {
    /// let client = McpClient::connect(McpTransport::stdio("my-mcp-server", ["--stdio"])).await?;
    /// let tools = client.tools().await?;
    /// for (name, tool) in tools.iter() {
    ///     println!("{name}: {}", tool.input_schema());
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn tools(&self) -> Result<ToolSet, McpError> {
        Ok(self
            .list_tools()
            .await?
            .iter()
            .map(|tool| (tool.name.to_string(), self.dynamic_tool(tool)))
            .collect())
    }

    /// One tool of the server as a typed specai tool: the model sees the schema of `I` (derived
    /// with `schemars`), and calls whose input does not deserialize into `I` are invalid (and may
    /// be repaired). The description is the server's. Feature `schemars`.
    ///
    /// ```no_run
    /// use schemars::JsonSchema;
    /// use serde::{Deserialize, Serialize};
    /// use specai::ToolSet;
    /// use specai::mcp::{McpClient, McpTransport};
    ///
    /// #[derive(Serialize, Deserialize, JsonSchema)]
    /// struct AddInput {
    ///     a: i64,
    ///     b: i64,
    /// }
    ///
    /// # async fn run() -> Result<(), specai::mcp::McpError> {
    /// let client = McpClient::connect(McpTransport::stdio("my-mcp-server", ["--stdio"])).await?;
    /// let tools = ToolSet::new().with("add", client.typed_tool::<AddInput>("add").await?);
    /// # let _ = tools;
    /// # Ok(()) }
    /// ```
    #[cfg(feature = "schemars")]
    pub async fn typed_tool<I>(&self, name: &str) -> Result<Tool, McpError>
    where
        I: JsonSchema + Serialize + DeserializeOwned + Send + 'static,
    {
        let tools = self.list_tools().await?;
        let tool =
            tools
                .iter()
                .find(|tool| tool.name == name)
                .ok_or_else(|| McpError::NoSuchTool {
                    tool_name: name.to_owned(),
                })?;
        let caller = self.caller(name);
        let typed = Tool::typed::<I>(description_of(tool)).execute(
            move |input: I, context: ToolContext| {
                let caller = caller.clone();
                async move {
                    let arguments = serde_json::to_value(input)?;
                    run(&caller, arguments, &context).await
                }
            },
        );
        Ok(typed.to_model_output(model_output))
    }

    fn dynamic_tool(&self, tool: &McpTool) -> Tool {
        let caller = self.caller(&tool.name);
        let schema = Value::Object(tool.input_schema.as_ref().clone());
        Tool::dynamic(description_of(tool), schema)
            .execute(move |input: Value, context: ToolContext| {
                let caller = caller.clone();
                async move { run(&caller, input, &context).await }
            })
            .to_model_output(model_output)
    }
}

/// The description the model sees: the server's, else its title, else nothing.
fn description_of(tool: &McpTool) -> String {
    tool.description
        .as_deref()
        .or(tool.title.as_deref())
        .unwrap_or_default()
        .to_owned()
}

/// Calls the tool for the loop: an `isError` result is the tool's error.
async fn run(
    caller: &ToolCaller,
    arguments: Value,
    context: &ToolContext,
) -> Result<Value, ToolError> {
    let result = caller
        .call(arguments, Some(&context.cancellation_token))
        .await?;
    if result.is_error == Some(true) {
        let message = text_of(&result.content);
        return Err(Box::new(McpError::ToolFailed {
            tool_name: caller.tool_name.clone(),
            message,
            result: Box::new(result),
        }));
    }
    Ok(serde_json::to_value(result)?)
}

/// The text blocks of a result, one per line.
fn text_of(content: &[ContentBlock]) -> String {
    content
        .iter()
        .filter_map(|block| match block {
            ContentBlock::Text(text) => Some(text.text.as_str()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// What the model receives for a tool's output (a `CallToolResult` as JSON): its content blocks
/// as text and media parts; the structured content as JSON when there are no blocks.
fn model_output(output: &Value) -> ToolResultOutput {
    let Ok(result) = serde_json::from_value::<CallToolResult>(output.clone()) else {
        return ToolResultOutput::json(output.clone());
    };
    if result.content.is_empty() {
        return ToolResultOutput::json(result.structured_content.unwrap_or(Value::Null));
    }
    if let [ContentBlock::Text(text)] = result.content.as_slice() {
        return ToolResultOutput::text(text.text.clone());
    }
    ToolResultOutput::content(result.content.iter().map(content_part).collect())
}

fn content_part(block: &ContentBlock) -> ToolResultContent {
    match block {
        ContentBlock::Text(text) => ToolResultContent::text(text.text.clone()),
        ContentBlock::Image(image) => {
            ToolResultContent::media(image.data.clone(), image.mime_type.clone())
        }
        ContentBlock::Audio(audio) => {
            ToolResultContent::media(audio.data.clone(), audio.mime_type.clone())
        }
        ContentBlock::Resource(embedded) => match &embedded.resource {
            ResourceContents::TextResourceContents { text, .. } => {
                ToolResultContent::text(text.clone())
            }
            ResourceContents::BlobResourceContents {
                blob, mime_type, ..
            } => ToolResultContent::media(
                blob.clone(),
                mime_type
                    .clone()
                    .unwrap_or_else(|| "application/octet-stream".to_owned()),
            ),
            // A kind of resource contents newer than this client: what it is, as text.
            other => ToolResultContent::text(serde_json::to_string(other).unwrap_or_default()),
        },
        ContentBlock::ResourceLink(link) => {
            ToolResultContent::text(format!("Resource: {} ({})", link.name, link.uri))
        }
        // A kind of block newer than this client: the block as JSON text, rather than nothing.
        other => ToolResultContent::text(serde_json::to_string(other).unwrap_or_default()),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn one_text_block_reaches_the_model_as_text() {
        let output = json!({"content": [{"type": "text", "text": "5"}], "structuredContent": {"result": 5}, "isError": false});
        assert_eq!(model_output(&output), ToolResultOutput::text("5"));
    }

    #[test]
    fn text_and_media_blocks_reach_the_model_as_parts() {
        let output = json!({"content": [
            {"type": "text", "text": "A chart:"},
            {"type": "image", "data": "iVBORw0KGgo=", "mimeType": "image/png"},
            {"type": "audio", "data": "UklGRg==", "mimeType": "audio/wav"},
            {"type": "resource", "resource": {"uri": "notes://a", "text": "note a"}},
            {"type": "resource", "resource": {"uri": "files://b", "blob": "AAEC", "mimeType": "application/pdf"}},
            {"type": "resource_link", "uri": "notes://c", "name": "c"}
        ]});
        assert_eq!(
            model_output(&output),
            ToolResultOutput::content(vec![
                ToolResultContent::text("A chart:"),
                ToolResultContent::media("iVBORw0KGgo=", "image/png"),
                ToolResultContent::media("UklGRg==", "audio/wav"),
                ToolResultContent::text("note a"),
                ToolResultContent::media("AAEC", "application/pdf"),
                ToolResultContent::text("Resource: c (notes://c)"),
            ])
        );
    }

    #[test]
    fn structured_content_alone_reaches_the_model_as_json() {
        let output = json!({"content": [], "structuredContent": {"rows": 3}});
        assert_eq!(
            model_output(&output),
            ToolResultOutput::json(json!({"rows": 3}))
        );
    }

    #[test]
    fn an_output_that_is_not_a_call_result_is_sent_as_json() {
        let output = json!({"content": "not a list"});
        assert_eq!(
            model_output(&output),
            ToolResultOutput::json(output.clone())
        );
    }

    #[test]
    fn text_of_joins_text_blocks_only() {
        let content = vec![
            ContentBlock::text("first"),
            ContentBlock::image("AA==", "image/png"),
            ContentBlock::text("second"),
        ];
        assert_eq!(text_of(&content), "first\nsecond");
    }
}
