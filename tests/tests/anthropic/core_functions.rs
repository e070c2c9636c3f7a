//! The provider through the core functions: `generate_text` and `stream_text` with the tool loop,
//! extended thinking across tool steps, typed structured output, and retries of 529.

use std::time::Duration;

use futures::StreamExt;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Value, json};
use specai::provider::{FinishReason, ProviderOptions};
use specai::retry::RetryPolicy;
use specai::{Output, Tool, ToolError, generate_text, step_count_is, stream_text};

use super::{MODEL, PROVIDER, assert_messages_request, provider};
use crate::support::fixtures::{error_response, json_response, raw_sse_response};
use specai::provider_utils::test_server::TestServer;

#[derive(Debug, Deserialize, JsonSchema)]
struct WeatherInput {
    city: String,
}

fn weather_tool() -> Tool {
    Tool::typed::<WeatherInput>("The current weather of a city")
        .execute(|input: WeatherInput, _context| async move { Ok::<_, ToolError>(format!("18°C and sunny in {}", input.city)) })
}

fn thinking() -> ProviderOptions {
    ProviderOptions::new().with("anthropic", json!({"thinking": {"type": "enabled", "budget_tokens": 1024}}))
}

/// The assistant turn and the tool-result turn of the second request.
fn second_request_turns(server: &TestServer) -> (Value, Value) {
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    let body = assert_messages_request(&requests[1]);
    (body["messages"][1].clone(), body["messages"][2].clone())
}

#[tokio::test]
async fn generate_text_runs_the_tool_loop() {
    let server =
        TestServer::start([json_response(PROVIDER, "tool_call"), json_response(PROVIDER, "tool_result_answer")])
            .await;

    let result = generate_text(provider(&server).language_model(MODEL))
        .prompt("What's the weather in Paris?")
        .tool("get_weather", weather_tool())
        .stop_when(step_count_is(5))
        .await
        .unwrap();

    assert_eq!(result.text(), "It is 18°C and sunny in Paris.");
    assert_eq!(result.steps.len(), 2);
    assert_eq!(result.finish_reason(), FinishReason::Stop);
    let (assistant, tool_results) = second_request_turns(&server);
    assert_eq!(
        assistant["content"][1],
        json!({"type": "tool_use", "id": "toolu_01A09q90qw90lq917835lq9", "name": "get_weather", "input": {"city": "Paris"}})
    );
    assert_eq!(tool_results["role"], "user");
    assert_eq!(tool_results["content"][0]["type"], "tool_result");
    assert_eq!(tool_results["content"][0]["tool_use_id"], "toolu_01A09q90qw90lq917835lq9");
    assert!(tool_results["content"][0]["content"].as_str().unwrap().contains("18°C and sunny in Paris"));
}

#[tokio::test]
async fn generate_text_sends_thinking_back_in_the_tool_loop() {
    let server = TestServer::start([
        json_response(PROVIDER, "thinking_tool_call"),
        json_response(PROVIDER, "tool_result_answer"),
    ])
    .await;

    let result = generate_text(provider(&server).language_model(MODEL))
        .prompt("What's the weather in Paris?")
        .tool("get_weather", weather_tool())
        .provider_options(thinking())
        .stop_when(step_count_is(5))
        .await
        .unwrap();

    assert_eq!(result.steps.len(), 2);
    assert_eq!(
        result.steps[0].reasoning_text().as_deref(),
        Some("The user wants the weather in Paris. I should call get_weather.")
    );
    let (assistant, _) = second_request_turns(&server);
    let blocks = assistant["content"].as_array().unwrap();
    assert_eq!(blocks[0]["type"], "thinking");
    assert_eq!(blocks[0]["signature"], "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds0EqQBCgIYAhIM");
    assert_eq!(blocks[1]["type"], "redacted_thinking");
    assert_eq!(blocks[2]["type"], "tool_use");
}

#[tokio::test]
async fn stream_text_deltas_concatenate_to_the_final_text() {
    let server = TestServer::start([raw_sse_response(PROVIDER, "text_stream", 5)]).await;

    let mut result = stream_text(provider(&server).language_model(MODEL)).prompt("Hello!").start();
    let mut streamed = String::new();
    {
        let mut deltas = result.text_stream();
        while let Some(delta) = deltas.next().await {
            streamed.push_str(&delta.unwrap());
        }
    }

    assert_eq!(streamed, "Hello! How can I help you today? ✨");
    assert_eq!(result.text().await.unwrap(), streamed);
    assert_eq!(result.finish_reason().await.unwrap(), FinishReason::Stop);
    assert_eq!(result.usage().await.unwrap().output_tokens.total, Some(13));
}

#[tokio::test]
async fn stream_text_sends_streamed_signatures_back_in_the_tool_loop() {
    let server = TestServer::start([
        raw_sse_response(PROVIDER, "thinking_stream", 33),
        raw_sse_response(PROVIDER, "text_stream", 4096),
    ])
    .await;

    let mut result = stream_text(provider(&server).language_model(MODEL))
        .prompt("What's the weather in Paris?")
        .tool("get_weather", weather_tool())
        .provider_options(thinking())
        .stop_when(step_count_is(5))
        .start();

    assert_eq!(result.text().await.unwrap(), "Hello! How can I help you today? ✨");
    let (assistant, tool_results) = second_request_turns(&server);
    assert_eq!(
        assistant["content"],
        json!([
            {"type": "thinking", "thinking": "The user wants the weather in Paris. I should call get_weather.",
             "signature": "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds0EqQBCgIYAhIM"},
            {"type": "redacted_thinking", "data": "EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpPkNRj2YfWXGmKDxH4mPnZ5sQ7vB8URj2pLmN3kLx"},
            {"type": "tool_use", "id": "toolu_01Thk000000000000000000", "name": "get_weather", "input": {"city": "Paris"}}
        ])
    );
    assert_eq!(tool_results["content"][0]["tool_use_id"], "toolu_01Thk000000000000000000");
}

#[derive(Debug, Deserialize, JsonSchema, PartialEq)]
struct Recipe {
    name: String,
    minutes: u32,
    ingredients: Vec<String>,
}

#[tokio::test]
async fn output_object_through_the_forced_json_tool() {
    let server = TestServer::start([json_response(PROVIDER, "structured_output")]).await;

    let result = generate_text(provider(&server).language_model(MODEL))
        .prompt("A lasagna recipe.")
        .output(Output::object::<Recipe>())
        .await
        .unwrap();

    assert_eq!(
        result.output,
        Recipe { name: "Lasagna".into(), minutes: 90, ingredients: vec!["pasta".into(), "tomato".into(), "cheese".into()] }
    );
    let body = assert_messages_request(&server.single_request());
    assert_eq!(body["tool_choice"], json!({"type": "tool", "name": "json"}));
    assert_eq!(body["tools"][0]["name"], "json");
    assert!(result.warnings().iter().any(|warning| matches!(warning, specai::provider::Warning::Compatibility { .. })));
}

#[tokio::test]
async fn overloaded_529_is_retried_then_succeeds() {
    let server = TestServer::start([
        error_response(PROVIDER, "error_overloaded", 529),
        json_response(PROVIDER, "text"),
    ])
    .await;

    let result = generate_text(provider(&server).language_model(MODEL))
        .prompt("Hello!")
        .retry_policy(RetryPolicy { initial_delay: Duration::from_millis(10), ..RetryPolicy::with_max_retries(2) })
        .await
        .unwrap();

    assert_eq!(result.text(), "Hello! How can I help you today?");
    assert_eq!(server.requests().len(), 2);
}

/// Anthropic answers an overload with 200 and an `overloaded_error` event before anything else:
/// the call fails, so it is retried as a 529 is, and the second answer streams.
#[tokio::test]
async fn an_overload_before_the_first_event_is_retried_then_streams() {
    let server = TestServer::start([
        raw_sse_response(PROVIDER, "stream_error_overloaded_first", 4096),
        raw_sse_response(PROVIDER, "text_stream", 4096),
    ])
    .await;

    let mut result = stream_text(provider(&server).language_model(MODEL))
        .prompt("Hello!")
        .retry_policy(RetryPolicy { initial_delay: Duration::from_millis(10), ..RetryPolicy::with_max_retries(2) })
        .start();

    assert_eq!(result.text().await.unwrap(), "Hello! How can I help you today? ✨");
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn mid_stream_overloaded_error_reaches_the_caller() {
    let server = TestServer::start([raw_sse_response(PROVIDER, "stream_error_overloaded", 4096)]).await;

    let mut result = stream_text(provider(&server).language_model(MODEL)).prompt("A story.").max_retries(0).start();
    let error = result.text().await.unwrap_err();

    assert!(error.is_retryable(), "{error:?}");
    let api = error.as_api_call().or_else(|| match &error {
        specai::Error::RetriesExhausted { errors } => errors.last().and_then(specai::Error::as_api_call),
        _ => None,
    });
    assert_eq!(api.and_then(|api| api.error_type.as_deref()), Some("overloaded_error"), "{error:?}");
}

#[tokio::test]
async fn stream_text_output_object_streams_partial_objects() {
    let server = TestServer::start([raw_sse_response(PROVIDER, "structured_output_stream", 61)]).await;

    let mut result = stream_text(provider(&server).language_model(MODEL))
        .prompt("A lasagna recipe.")
        .output(Output::object::<Recipe>())
        .start();
    let mut partials = 0;
    {
        let mut stream = result.partial_output_stream();
        while let Some(partial) = stream.next().await {
            partial.unwrap();
            partials += 1;
        }
    }

    assert!(partials >= 2, "several partial objects arrive while the tool input streams ({partials})");
    assert_eq!(
        result.output().await.unwrap(),
        Recipe { name: "Lasagna".into(), minutes: 90, ingredients: vec!["pasta".into(), "tomato".into(), "cheese".into()] }
    );
    assert_eq!(result.finish_reason().await.unwrap(), FinishReason::Stop);
    let body = assert_messages_request(&server.single_request());
    assert_eq!(body["stream"], true);
    assert_eq!(body["tool_choice"], json!({"type": "tool", "name": "json"}));
}
