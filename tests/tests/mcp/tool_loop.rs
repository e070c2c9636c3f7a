//! MCP tools in specai's tool loop, driven by the mock model: results reach the next step, tool
//! errors reach the model as tool errors, typed tools check their input, and the loop's
//! cancellation and tool timeout cancel the call on the server.

use std::time::{Duration, Instant};

use futures::StreamExt;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use specai::CancellationToken;
use specai::error::{Error, TimeoutKind};
use specai::mcp::{McpClient, McpError};
use specai::provider::{Message, ToolDefinition, ToolResultOutput};
use specai::test_util::{MockLanguageModel, MockStream, text_response, tool_calls_response};
use specai::{
    GenerateTextResult, TextStreamPart, ToolSet, generate_text, step_count_is, stream_text,
};

use super::{TRANSPORTS, Transport, connect};

/// The output the model saw for the first tool result of its second call.
fn tool_output_in_second_call(model: &MockLanguageModel) -> ToolResultOutput {
    let calls = model.calls();
    assert_eq!(calls.len(), 2, "two model calls expected");
    match calls[1].prompt.last() {
        Some(Message::Tool { content, .. }) => content[0].output.clone(),
        other => panic!("the second call does not end with tool results: {other:?}"),
    }
}

/// A loop over the server's tools with a model that calls `tool_name` once (id `call_1`), then
/// answers `answer`; with the loop's tool timeout when given.
async fn one_call_then_answer(
    client: &McpClient,
    tool_name: &str,
    input: Value,
    answer: &str,
    tool_timeout: Option<Duration>,
) -> (MockLanguageModel, GenerateTextResult) {
    let model = MockLanguageModel::new()
        .with_response(tool_calls_response([("call_1", tool_name, input)]))
        .with_response(text_response(answer));
    let mut generation = generate_text(model.clone())
        .prompt("Go.")
        .tools(client.tools().await.unwrap())
        .stop_when(step_count_is(3));
    if let Some(timeout) = tool_timeout {
        generation = generation.tool_timeout(timeout);
    }
    let result = generation
        .await
        .unwrap_or_else(|error| panic!("{tool_name}: {error:?}"));
    (model, result)
}

#[tokio::test]
async fn an_mcp_tool_result_reaches_the_next_step() {
    for transport in TRANSPORTS {
        let Some(connected) = connect(transport).await else {
            return;
        };
        let (model, result) = one_call_then_answer(
            &connected.client,
            "add",
            json!({"a": 2, "b": 3}),
            "2 + 3 = 5",
            None,
        )
        .await;
        assert_eq!(result.text(), "2 + 3 = 5");
        assert_eq!(result.steps.len(), 2);
        let results: Vec<_> = result.steps[0].tool_results().collect();
        assert_eq!(results.len(), 1, "{transport:?}: {:?}", result.steps[0]);
        assert_eq!(results[0].tool_call_id, "call_1");
        // The caller sees the whole MCP result; the model sees its content.
        assert_eq!(results[0].output["structuredContent"], json!({"result": 5}));
        assert_eq!(
            results[0].output["content"],
            json!([{"type": "text", "text": "5"}])
        );
        assert_eq!(
            tool_output_in_second_call(&model),
            ToolResultOutput::text("5"),
            "{transport:?}"
        );
        // The model was offered the server's tools, with the server's schemas.
        let offered = &model.calls()[0].tools;
        let add = offered
            .iter()
            .find_map(|tool| match tool {
                ToolDefinition::Function(function) if function.name == "add" => Some(function),
                _ => None,
            })
            .expect("the add tool was offered");
        assert_eq!(add.description.as_deref(), Some("Adds two integers."));
        assert_eq!(add.input_schema["required"], json!(["a", "b"]));
        assert_eq!(offered.len(), 4, "{transport:?}");
        connected.client.close().await.unwrap();
    }
}

#[tokio::test]
async fn a_streamed_loop_runs_mcp_tools_between_steps() {
    let Some(connected) = connect(Transport::Http).await else {
        return;
    };
    let model = MockLanguageModel::new()
        .with_stream(MockStream::tool_calls([(
            "call_1",
            "add",
            json!({"a": 20, "b": 22}),
        )]))
        .with_stream(MockStream::text(["The sum ", "is 42."]));
    let mut result = stream_text(model.clone())
        .prompt("20 + 22?")
        .tools(connected.client.tools().await.unwrap())
        .stop_when(step_count_is(3))
        .start();
    let parts: Vec<TextStreamPart> = result
        .full_stream()
        .map(|part| part.unwrap())
        .collect()
        .await;
    let outputs: Vec<_> = parts
        .iter()
        .filter_map(|part| match part {
            TextStreamPart::ToolResult(result) => Some(result.output.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(outputs.len(), 1, "{parts:?}");
    assert_eq!(outputs[0]["structuredContent"], json!({"result": 42}));
    assert_eq!(
        tool_output_in_second_call(&model),
        ToolResultOutput::text("42")
    );
    assert_eq!(result.steps().await.unwrap()[1].text(), "The sum is 42.");
    connected.client.close().await.unwrap();
}

#[tokio::test]
async fn an_mcp_tool_error_reaches_the_model_as_a_tool_error() {
    for transport in TRANSPORTS {
        let Some(connected) = connect(transport).await else {
            return;
        };
        let (model, result) = one_call_then_answer(
            &connected.client,
            "divide",
            json!({"dividend": 1, "divisor": 0}),
            "Division by zero is undefined.",
            None,
        )
        .await;
        let errors: Vec<_> = result.steps[0].tool_errors().collect();
        assert_eq!(errors.len(), 1, "{transport:?}: {:?}", result.steps[0]);
        let Error::ToolExecution {
            message, source, ..
        } = &errors[0].error
        else {
            panic!("{transport:?}: {:?}", errors[0].error);
        };
        // The server's text for the failure.
        assert_eq!(
            message,
            "Error executing tool divide: cannot divide by zero"
        );
        let mcp_error = source
            .as_ref()
            .and_then(|source| source.downcast_ref::<McpError>())
            .expect("the MCP error is the source");
        match mcp_error {
            McpError::ToolFailed {
                tool_name, result, ..
            } => {
                assert_eq!(tool_name, "divide");
                assert_eq!(result.is_error, Some(true));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            tool_output_in_second_call(&model),
            ToolResultOutput::error_text(
                "tool `divide` failed: Error executing tool divide: cannot divide by zero"
            ),
            "{transport:?}"
        );
        connected.client.close().await.unwrap();
    }
}

/// The input of the `add` tool, as the caller types it.
#[derive(Debug, Serialize, Deserialize, JsonSchema)]
struct AddInput {
    /// The first addend.
    a: i64,
    /// The second addend.
    b: i64,
}

#[tokio::test]
async fn a_typed_mcp_tool_uses_the_callers_type() {
    let Some(connected) = connect(Transport::Stdio).await else {
        return;
    };
    let add = connected
        .client
        .typed_tool::<AddInput>("add")
        .await
        .unwrap();
    assert_eq!(add.description(), Some("Adds two integers."));
    assert_eq!(
        add.input_schema()["properties"]["a"]["description"],
        "The first addend."
    );
    let tools = ToolSet::new().with("add", add);
    let model = MockLanguageModel::new()
        .with_response(tool_calls_response([
            ("call_1", "add", json!({"a": 4, "b": 5})),
            ("call_2", "add", json!({"a": "four", "b": 5})),
        ]))
        .with_response(text_response("9"));
    let result = generate_text(model.clone())
        .prompt("4 + 5?")
        .tools(tools)
        .stop_when(step_count_is(3))
        .await
        .unwrap();
    let results: Vec<_> = result.steps[0].tool_results().collect();
    assert_eq!(results.len(), 1);
    assert_eq!(results[0].output["structuredContent"], json!({"result": 9}));
    // Input that does not fit the type never reaches the server.
    let errors: Vec<_> = result.steps[0].tool_errors().collect();
    assert_eq!(errors.len(), 1);
    assert!(
        matches!(&errors[0].error, Error::InvalidToolInput { tool_name, .. } if tool_name == "add"),
        "{:?}",
        errors[0].error
    );
    let error = connected
        .client
        .typed_tool::<AddInput>("subtract")
        .await
        .unwrap_err();
    assert!(
        matches!(&error, McpError::NoSuchTool { tool_name } if tool_name == "subtract"),
        "{error:?}"
    );
    connected.client.close().await.unwrap();
}

/// How many `wait` calls the server saw cancelled, once it reaches `expected` (or after 10 s).
async fn cancelled_waits(client: &McpClient, expected: i64) -> i64 {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let result = client
            .call_tool("cancelled_waits", json!({}))
            .await
            .unwrap();
        let count = result
            .structured_content
            .as_ref()
            .and_then(|content| content["result"].as_i64())
            .unwrap_or(-1);
        if count >= expected || Instant::now() > deadline {
            return count;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn cancelling_the_loop_cancels_the_call_on_the_server() {
    for transport in TRANSPORTS {
        let Some(connected) = connect(transport).await else {
            return;
        };
        let model = MockLanguageModel::new().with_response(tool_calls_response([(
            "call_1",
            "wait",
            json!({"seconds": 60}),
        )]));
        let token = CancellationToken::new();
        let cancel = token.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(500)).await;
            cancel.cancel();
        });
        let started = Instant::now();
        let error = generate_text(model)
            .prompt("Wait a minute.")
            .tools(connected.client.tools().await.unwrap())
            .cancellation_token(token)
            .await
            .unwrap_err();
        assert!(
            matches!(error, Error::Cancelled),
            "{transport:?}: {error:?}"
        );
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "{transport:?}: the call was not cut short"
        );
        assert_eq!(
            cancelled_waits(&connected.client, 1).await,
            1,
            "{transport:?}: the server never saw the cancellation"
        );
        connected.client.close().await.unwrap();
    }
}

#[tokio::test]
async fn the_loops_tool_timeout_cancels_the_call_on_the_server() {
    for transport in TRANSPORTS {
        let Some(connected) = connect(transport).await else {
            return;
        };
        let (model, result) = one_call_then_answer(
            &connected.client,
            "wait",
            json!({"seconds": 60}),
            "It took too long.",
            Some(Duration::from_millis(500)),
        )
        .await;
        let errors: Vec<_> = result.steps[0].tool_errors().collect();
        assert!(
            matches!(errors.as_slice(), [error] if matches!(error.error, Error::Timeout { kind: TimeoutKind::Tool, .. })),
            "{transport:?}: {errors:?}"
        );
        assert!(tool_output_in_second_call(&model).is_error());
        assert_eq!(
            cancelled_waits(&connected.client, 1).await,
            1,
            "{transport:?}: the server never saw the cancellation"
        );
        assert_eq!(result.steps.len(), 2);
        connected.client.close().await.unwrap();
    }
}
