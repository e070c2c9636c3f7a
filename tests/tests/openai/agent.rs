//! An agent on the OpenAI chat model against the mock server: the tool loop, tool approval and a
//! smoothed stream, with assertions on every request the agent sent.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use futures::StreamExt;
use serde_json::{Value, json};
use specai::provider::{Message, ToolApprovalResponsePart};
use specai::provider_utils::test_server::TestServer;
use specai::stream_text::{Chunking, smooth_stream};
use specai::{Agent, TextStreamPart, Tool, ToolError};

use super::{FIXTURES, assert_standard_headers, provider};
use crate::support::fixtures::{json_response, sse_response};

/// A weather tool that counts its runs and answers with the city in the input field `field`.
fn counting_weather_tool(runs: Arc<AtomicUsize>, field: &'static str) -> Tool {
    Tool::dynamic("The current weather", json!({"type": "object"})).execute(move |input: Value, _| {
        let runs = runs.clone();
        async move {
            runs.fetch_add(1, Ordering::SeqCst);
            Ok::<_, ToolError>(format!("sunny in {}", input[field].as_str().unwrap_or_default()))
        }
    })
}

/// The weather tool of the chat fixtures; Paris needs approval.
fn weather_tool(runs: Arc<AtomicUsize>) -> Tool {
    counting_weather_tool(runs, "location")
        .needs_approval_when(|input: Value, _| async move { input["location"] == "Paris, France" })
}

fn agent(server: &TestServer, runs: Arc<AtomicUsize>) -> Agent {
    Agent::builder(provider(server).chat("gpt-4o-mini"))
        .instructions("You report the weather.")
        .tool("get_current_weather", weather_tool(runs))
        .temperature(0.0)
        .max_retries(0)
        .build()
}

#[tokio::test]
async fn agent_runs_tools_stops_for_approval_and_continues_with_the_answer() {
    let server = TestServer::start([
        json_response(FIXTURES, "chat_tool_calls"),
        json_response(FIXTURES, "chat_text"),
    ])
    .await;
    let runs = Arc::new(AtomicUsize::new(0));
    let agent = agent(&server, runs.clone());

    // Turn 1: two calls; Boston runs, Paris waits for approval, so the loop stops after one step.
    let first = agent
        .generate("Weather in Boston and Paris?")
        .await
        .unwrap();
    assert_eq!(first.steps.len(), 1);
    assert_eq!(runs.load(Ordering::SeqCst), 1);
    assert_eq!(first.tool_results().next().unwrap().output, json!("sunny in Boston, MA"));
    let requests: Vec<_> = first.tool_approval_requests().collect();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].tool_call.tool_call_id, "call_def456");
    let request = server.single_request();
    assert_standard_headers(&request, "application/json");
    assert_eq!(request.path, "/v1/chat/completions");
    let body = request.json();
    assert_eq!(
        body["messages"],
        json!([
            {"role": "system", "content": "You report the weather."},
            {"role": "user", "content": "Weather in Boston and Paris?"},
        ])
    );
    assert_eq!(body["tools"][0]["function"]["name"], "get_current_weather");
    assert_eq!(body["temperature"], 0.0);

    // Turn 2: the caller approves; the call runs before the model is asked again.
    let mut conversation = vec![Message::user("Weather in Boston and Paris?")];
    conversation.extend(first.response_messages());
    conversation.push(Message::tool_approval(vec![
        ToolApprovalResponsePart::approve(requests[0].approval_id.clone()),
    ]));
    let second = agent.generate(conversation).await.unwrap();
    assert_eq!(second.text(), "Hello! How can I assist you today?");
    assert_eq!(runs.load(Ordering::SeqCst), 2);
    let body = server.last_request().json();
    let messages = body["messages"].as_array().unwrap();
    let roles: Vec<&str> = messages
        .iter()
        .map(|message| message["role"].as_str().unwrap())
        .collect();
    assert_eq!(
        roles,
        ["system", "user", "assistant", "tool", "tool"],
        "{body}"
    );
    assert_eq!(messages[2]["tool_calls"].as_array().unwrap().len(), 2);
    assert_eq!(
        messages[3],
        json!({"role": "tool", "tool_call_id": "call_abc123", "content": "sunny in Boston, MA"})
    );
    assert_eq!(
        messages[4],
        json!({"role": "tool", "tool_call_id": "call_def456", "content": "sunny in Paris, France"})
    );
    // No approval part reached the provider.
    assert!(!body.to_string().contains("approval"), "{body}");
}

#[tokio::test]
async fn agent_streams_through_the_tool_loop_with_smoothed_text() {
    let server = TestServer::start([
        sse_response(FIXTURES, "chat_tool_call"),
        sse_response(FIXTURES, "chat_text"),
    ])
    .await;
    let runs = Arc::new(AtomicUsize::new(0));
    let weather = counting_weather_tool(runs.clone(), "city");
    let agent = Agent::builder(provider(&server).chat("gpt-4o-mini"))
        .tool("get_weather", weather)
        .max_retries(0)
        .build();
    let mut result = agent
        .stream("Weather in Paris?")
        .transform(smooth_stream().chunking(Chunking::Word).delay(None))
        .start();
    let mut deltas = Vec::new();
    let mut tool_results = 0;
    while let Some(part) = result.next().await {
        match part.unwrap() {
            TextStreamPart::TextDelta { delta, .. } => deltas.push(delta),
            TextStreamPart::ToolResult(_) => tool_results += 1,
            _ => {}
        }
    }
    assert_eq!(deltas, ["Hello, ", "wörld!"]);
    assert_eq!(tool_results, 1);
    assert_eq!(runs.load(Ordering::SeqCst), 1);
    assert_eq!(result.steps().await.unwrap().len(), 2);
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].json()["stream"], true);
    let second = requests[1].json();
    assert_eq!(second["messages"][2]["role"], "tool");
    assert_eq!(second["messages"][2]["content"], "sunny in Paris");
}
