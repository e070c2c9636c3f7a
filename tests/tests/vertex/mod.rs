//! Google Vertex AI against scripted servers on 127.0.0.1, with fixtures from
//! `tests/fixtures/vertex/` in Vertex's documented shapes: Gemini's generateContent and its SSE
//! stream, `predict` for embeddings and Imagen, Claude's rawPredict/streamRawPredict, Google
//! errors. The credential tests run the real service-account flow offline: a key file whose
//! `token_uri` is the local server, a JWT signed with the test key by `gcp_auth`, checked here
//! with the public key, exchanged for the bearer token the model endpoint then receives.

mod credentials;

use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::json;
use specai::provider::{FinishReason, ProviderOptions};
use specai::provider_utils::test_server::{RecordedRequest, TestServer};
use specai::provider_utils::{AccessToken, TokenProvider, token_provider_fn};
use specai::retry::RetryPolicy;
use specai::vertex::{VertexProvider, VertexSettings, create_vertex};
use specai::{Tool, ToolError, embed_many, generate_image, generate_object, generate_text, step_count_is, stream_text};

use crate::support::fixtures::{error_response, json_response, raw_sse_response, sse_response};

const FIXTURES: &str = "vertex";
const PREFIX: &str = "/v1/projects/specai-test/locations/us-central1";

fn bearer() -> Arc<dyn TokenProvider> {
    token_provider_fn(|| async { Ok(AccessToken::expires_in("ya29.fixed", Duration::from_secs(3600))) })
}

fn provider(server: &TestServer) -> VertexProvider {
    create_vertex(VertexSettings::default().with_base_url(server.url(PREFIX)).with_credentials(bearer()))
}

/// The path, the bearer token and the JSON body.
fn assert_vertex_request(request: &RecordedRequest, path: &str) -> serde_json::Value {
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, path);
    assert_eq!(request.header("authorization"), Some("Bearer ya29.fixed"));
    assert_eq!(request.header("x-goog-api-key"), None);
    request.json()
}

#[derive(Debug, Deserialize, JsonSchema, PartialEq)]
struct Person {
    name: String,
    age: u32,
}

#[derive(Debug, Deserialize, JsonSchema)]
struct WeatherInput {
    city: String,
}

#[tokio::test]
async fn gemini_generates_on_the_projects_publisher_url() {
    let server = TestServer::start([json_response(FIXTURES, "gemini_text")]).await;
    let result = generate_text(provider(&server).language_model("gemini-2.5-flash")).prompt("Hi").await.unwrap();
    assert_eq!(result.text(), "Hello from Vertex!");
    assert_eq!(result.finish_reason(), FinishReason::Stop);
    assert_eq!(result.total_usage.input_tokens.total, Some(5));
    assert_eq!(result.total_usage.output_tokens.reasoning, Some(12));
    let body = assert_vertex_request(&server.single_request(), &format!("{PREFIX}/publishers/google/models/gemini-2.5-flash:generateContent"));
    assert_eq!(body["contents"], json!([{"role": "user", "parts": [{"text": "Hi"}]}]));
}

#[tokio::test]
async fn gemini_streams_with_alt_sse() {
    let server = TestServer::start([sse_response(FIXTURES, "gemini_stream")]).await;
    let mut result = stream_text(provider(&server).language_model("gemini-2.5-flash")).prompt("Hi").start();
    let mut streamed = String::new();
    {
        let mut text = result.text_stream();
        while let Some(delta) = text.next().await {
            streamed.push_str(&delta.unwrap());
        }
    }
    assert_eq!(streamed, "Hello from Vertex!");
    assert_eq!(result.usage().await.unwrap().output_tokens.total, Some(4));
    assert_vertex_request(&server.single_request(), &format!("{PREFIX}/publishers/google/models/gemini-2.5-flash:streamGenerateContent?alt=sse"));
}

#[tokio::test]
async fn gemini_runs_the_tool_loop_and_structured_output() {
    let server = TestServer::start([
        json_response(FIXTURES, "gemini_tool_call"),
        json_response(FIXTURES, "gemini_tool_followup"),
        json_response(FIXTURES, "gemini_json"),
    ])
    .await;
    let model = provider(&server).language_model("gemini-2.5-flash");
    let weather = Tool::typed::<WeatherInput>("The weather in a city")
        .execute(|input: WeatherInput, _context| async move { Ok::<_, ToolError>(format!("4 °C in {}", input.city)) });
    let result = generate_text(model.clone()).prompt("Weather in Oslo?").tool("weather", weather).stop_when(step_count_is(3)).await.unwrap();
    assert_eq!(result.text(), "It is 4 °C in Oslo.");
    let person = generate_object::<Person>(model).prompt("Who?").await.unwrap();
    assert_eq!(person.output, Person { name: "Ada".into(), age: 36 });
    let requests = server.requests();
    let path = format!("{PREFIX}/publishers/google/models/gemini-2.5-flash:generateContent");
    let first = assert_vertex_request(&requests[0], &path);
    assert_eq!(first["tools"][0]["functionDeclarations"][0]["name"], "weather");
    let second = assert_vertex_request(&requests[1], &path);
    assert_eq!(second["contents"][2]["parts"][0]["functionResponse"]["name"], "weather");
    let third = assert_vertex_request(&requests[2], &path);
    assert_eq!(third["generationConfig"]["responseMimeType"], "application/json");
}

#[tokio::test]
async fn text_embeddings_go_through_predict_with_typed_options() {
    let server = TestServer::start([json_response(FIXTURES, "embedding_predict")]).await;
    let options = ProviderOptions::new().with("vertex", json!({"taskType": "RETRIEVAL_DOCUMENT", "outputDimensionality": 3, "title": "Notes"}));
    let result = embed_many(provider(&server).embedding("text-embedding-005"))
        .values(["first note", "second"])
        .provider_options(options)
        .await
        .unwrap();
    assert_eq!(result.embeddings, vec![vec![0.0123, -0.0456, 0.0789], vec![-0.0111, 0.0222, -0.0333]]);
    assert_eq!(result.usage.map(|usage| usage.tokens), Some(10));
    let body = assert_vertex_request(&server.single_request(), &format!("{PREFIX}/publishers/google/models/text-embedding-005:predict"));
    assert_eq!(
        body,
        json!({"instances": [{"content": "first note", "task_type": "RETRIEVAL_DOCUMENT", "title": "Notes"},
                             {"content": "second", "task_type": "RETRIEVAL_DOCUMENT", "title": "Notes"}],
               "parameters": {"outputDimensionality": 3}})
    );
}

#[tokio::test]
async fn imagen_generates_through_predict_and_reports_filtered_images() {
    let server = TestServer::start([json_response(FIXTURES, "imagen_predict")]).await;
    let options = ProviderOptions::new().with("vertex", json!({"negativePrompt": "blur", "enhancePrompt": true}));
    let result = generate_image(provider(&server).image("imagen-4.0-generate-001"))
        .prompt("A red square")
        .n(2)
        .aspect_ratio("1:1")
        .provider_options(options)
        .await
        .unwrap();
    assert_eq!(result.images.len(), 1);
    assert_eq!(result.images[0].media_type, "image/png");
    assert!(result.warnings.iter().any(|warning| format!("{warning:?}").contains("56562880")), "{:?}", result.warnings);
    let body = assert_vertex_request(&server.single_request(), &format!("{PREFIX}/publishers/google/models/imagen-4.0-generate-001:predict"));
    assert_eq!(
        body,
        json!({"instances": [{"prompt": "A red square"}],
               "parameters": {"sampleCount": 2, "aspectRatio": "1:1", "negativePrompt": "blur", "enhancePrompt": true}})
    );
}

#[tokio::test]
async fn claude_generates_and_streams_through_raw_predict() {
    let server = TestServer::start([json_response(FIXTURES, "claude_message"), raw_sse_response(FIXTURES, "claude_stream", 64)]).await;
    let vertex = provider(&server);
    let result = generate_text(vertex.anthropic("claude-sonnet-4-5@20250929")).prompt("Hi").await.unwrap();
    assert_eq!(result.text(), "Hello from Claude on Vertex!");
    let mut stream = stream_text(vertex.anthropic("claude-sonnet-4-5@20250929")).prompt("Hi").start();
    assert_eq!(stream.text().await.unwrap(), "Hello from Claude!");
    assert_eq!(stream.finish_reason().await.unwrap(), FinishReason::Stop);
    let requests = server.requests();
    let base = format!("{PREFIX}/publishers/anthropic/models/claude-sonnet-4-5@20250929");
    let generated = assert_vertex_request(&requests[0], &format!("{base}:rawPredict"));
    assert_eq!(generated["anthropic_version"], "vertex-2023-10-16");
    assert!(generated.get("model").is_none());
    let streamed = assert_vertex_request(&requests[1], &format!("{base}:streamRawPredict"));
    assert_eq!(streamed["stream"], true);
    assert!(streamed.get("model").is_none());
}

#[tokio::test]
async fn express_mode_sends_the_key_and_no_bearer() {
    let server = TestServer::start([json_response(FIXTURES, "gemini_text")]).await;
    let vertex = create_vertex(VertexSettings::default().with_base_url(server.url("/v1")).with_api_key("express-key"));
    generate_text(vertex.language_model("gemini-2.5-flash")).prompt("Hi").await.unwrap();
    let request = server.single_request();
    assert_eq!(request.path, "/v1/publishers/google/models/gemini-2.5-flash:generateContent");
    assert_eq!(request.header("x-goog-api-key"), Some("express-key"));
    assert_eq!(request.header("authorization"), None);
}

#[tokio::test]
async fn resource_exhausted_is_retried_then_succeeds() {
    let server = TestServer::start([error_response(FIXTURES, "error_429", 429), json_response(FIXTURES, "gemini_text")]).await;
    let policy = RetryPolicy { max_retries: 1, initial_delay: Duration::from_millis(5), ..RetryPolicy::default() };
    let result = generate_text(provider(&server).language_model("gemini-2.5-flash")).prompt("Hi").retry_policy(policy).await.unwrap();
    assert_eq!(result.text(), "Hello from Vertex!");
    assert_eq!(server.requests().len(), 2);

    let server = TestServer::start([error_response(FIXTURES, "error_429", 429)]).await;
    let error = generate_text(provider(&server).language_model("gemini-2.5-flash")).prompt("Hi").retry_policy(RetryPolicy { max_retries: 0, ..RetryPolicy::default() }).await.unwrap_err();
    let api = error.as_api_call().expect("an API error");
    assert_eq!(api.error_type.as_deref(), Some("RESOURCE_EXHAUSTED"));
    assert!(api.is_retryable);
}

#[tokio::test]
async fn a_cut_gemini_stream_is_an_error() {
    let server = TestServer::start([sse_response(FIXTURES, "gemini_stream").cut_connection()]).await;
    let mut result = stream_text(provider(&server).language_model("gemini-2.5-flash")).prompt("Hi").start();
    assert!(result.text().await.is_err());
}

#[tokio::test]
async fn the_registry_resolves_vertex_ids() {
    let server = TestServer::start([json_response(FIXTURES, "gemini_text"), json_response(FIXTURES, "claude_message")]).await;
    let registry = specai::create_provider_registry().provider("vertex", provider(&server)).build();
    generate_text(registry.language_model("vertex:gemini-2.5-flash").unwrap()).prompt("Hi").await.unwrap();
    let claude = registry.language_model("vertex:claude-sonnet-4-5@20250929").unwrap();
    assert_eq!(claude.provider(), "vertex.anthropic.messages");
    generate_text(claude).prompt("Hi").await.unwrap();
    assert!(specai::default_registry().provider_ids().contains(&"vertex".to_owned()));
}
