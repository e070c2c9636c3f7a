//! Listing and using what the server offers, over both transports: tools (with their schemas),
//! resources, resource templates and prompts, and the server's own errors.

use serde_json::json;
use specai::mcp::McpError;
use specai::mcp::model::{ContentBlock, ResourceContents, Role};

use super::{TRANSPORTS, connect};

#[tokio::test]
async fn tools_are_listed_with_their_schemas_and_called() {
    for transport in TRANSPORTS {
        let Some(connected) = connect(transport).await else {
            return;
        };
        let client = &connected.client;
        let info = client
            .server_info()
            .expect("server info after the handshake");
        assert_eq!(
            info.server_info.as_ref().map(|server| server.name.as_str()),
            Some("specai-test-server"),
            "{transport:?}"
        );

        let mut names: Vec<String> = client
            .list_tools()
            .await
            .unwrap()
            .iter()
            .map(|tool| tool.name.to_string())
            .collect();
        names.sort();
        assert_eq!(
            names,
            ["add", "cancelled_waits", "divide", "wait"],
            "{transport:?}"
        );

        let tools = client.tools().await.unwrap();
        let add = tools.get("add").expect("the add tool");
        assert_eq!(add.description(), Some("Adds two integers."));
        let schema = add.input_schema();
        assert_eq!(schema["type"], "object", "{transport:?}: {schema}");
        assert_eq!(schema["properties"]["a"]["type"], "integer", "{schema}");
        assert_eq!(schema["properties"]["b"]["type"], "integer", "{schema}");
        assert_eq!(schema["required"], json!(["a", "b"]), "{schema}");
        assert!(add.is_executable());

        let result = client
            .call_tool("add", json!({"a": 2, "b": 3}))
            .await
            .unwrap();
        assert_ne!(result.is_error, Some(true), "{transport:?}: {result:?}");
        assert_eq!(
            result.structured_content,
            Some(json!({"result": 5})),
            "{transport:?}"
        );
        assert!(
            matches!(result.content.as_slice(), [ContentBlock::Text(text)] if text.text == "5"),
            "{transport:?}: {:?}",
            result.content
        );

        // `isError` results come back as they are from `call_tool` (the tools turn them into errors).
        let failed = client
            .call_tool("divide", json!({"dividend": 1, "divisor": 0}))
            .await
            .unwrap();
        assert_eq!(failed.is_error, Some(true), "{transport:?}: {failed:?}");

        // A tool the server does not have: the server's JSON-RPC error, typed.
        let error = client.call_tool("no_such_tool", json!({})).await;
        match error {
            Err(McpError::Request {
                method: "tools/call",
                ..
            }) => {}
            Ok(result) => assert_eq!(result.is_error, Some(true), "{transport:?}: {result:?}"),
            Err(other) => panic!("{transport:?}: {other:?}"),
        }
        // MCP arguments are a JSON object.
        let error = client.call_tool("add", json!([2, 3])).await.unwrap_err();
        assert!(
            matches!(&error, McpError::InvalidToolInput { tool_name, .. } if tool_name == "add"),
            "{error:?}"
        );
        connected.client.close().await.unwrap();
    }
}

#[tokio::test]
async fn resources_and_templates_are_listed_and_read() {
    for transport in TRANSPORTS {
        let Some(connected) = connect(transport).await else {
            return;
        };
        let client = &connected.client;
        let resources = client.list_resources().await.unwrap();
        assert_eq!(resources.len(), 1, "{transport:?}: {resources:?}");
        assert_eq!(resources[0].uri, "notes://readme");
        assert_eq!(resources[0].name, "readme");
        assert_eq!(resources[0].mime_type.as_deref(), Some("text/plain"));

        let templates = client.list_resource_templates().await.unwrap();
        assert_eq!(templates.len(), 1, "{transport:?}: {templates:?}");
        assert_eq!(templates[0].uri_template, "notes://{topic}");

        for (uri, expected) in [
            ("notes://readme", "specai talks to MCP servers."),
            ("notes://rust", "A note on rust."),
        ] {
            let read = client.read_resource(uri).await.unwrap();
            match read.contents.as_slice() {
                [
                    ResourceContents::TextResourceContents {
                        uri: read_uri,
                        text,
                        ..
                    },
                ] => {
                    assert_eq!(read_uri, uri, "{transport:?}");
                    assert_eq!(text, expected, "{transport:?}");
                }
                other => panic!("{transport:?}: {other:?}"),
            }
        }
        let error = client.read_resource("unknown://thing").await.unwrap_err();
        assert!(
            matches!(
                error,
                McpError::Request {
                    method: "resources/read",
                    ..
                }
            ),
            "{transport:?}: {error:?}"
        );
        connected.client.close().await.unwrap();
    }
}

#[tokio::test]
async fn prompts_are_listed_and_filled_in() {
    for transport in TRANSPORTS {
        let Some(connected) = connect(transport).await else {
            return;
        };
        let client = &connected.client;
        let prompts = client.list_prompts().await.unwrap();
        assert_eq!(prompts.len(), 1, "{transport:?}: {prompts:?}");
        assert_eq!(prompts[0].name, "review_code");
        assert_eq!(
            prompts[0].description.as_deref(),
            Some("Asks for a review of some code.")
        );
        let arguments = prompts[0].arguments.clone().unwrap_or_default();
        let described: Vec<(&str, Option<bool>)> = arguments
            .iter()
            .map(|argument| (argument.name.as_str(), argument.required))
            .collect();
        assert_eq!(
            described,
            [("code", Some(true)), ("language", Some(false))],
            "{transport:?}"
        );

        let prompt = client
            .get_prompt(
                "review_code",
                [("code", "fn main() {}"), ("language", "Rust")],
            )
            .await
            .unwrap();
        assert_eq!(prompt.messages.len(), 1, "{transport:?}: {prompt:?}");
        assert_eq!(prompt.messages[0].role, Role::User);
        match &prompt.messages[0].content {
            ContentBlock::Text(text) => {
                assert_eq!(
                    text.text, "Please review this Rust code:\nfn main() {}",
                    "{transport:?}"
                )
            }
            other => panic!("{transport:?}: {other:?}"),
        }
        // A required argument left out: the server's error, typed.
        let error = client
            .get_prompt("review_code", std::iter::empty::<(&str, &str)>())
            .await
            .unwrap_err();
        assert!(
            matches!(
                error,
                McpError::Request {
                    method: "prompts/get",
                    ..
                }
            ),
            "{transport:?}: {error:?}"
        );
        connected.client.close().await.unwrap();
    }
}
