//! Every OpenAI-compatible provider, configured by its mapping file alone, against fixtures in
//! its own wire shape (`tests/fixtures/<id>/`) served by the mock server on 127.0.0.1.
//!
//! Per provider: a generated answer, a stream (usage read where the vendor puts it), a tool
//! call, and an error body in the vendor's shape; each asserts the request the server got
//! (path under the vendor's base-URL prefix, auth header, body field names).

mod contributor_path;
mod providers;
mod real_server;
mod rerank;
mod runtime;
mod transcription;

use futures::StreamExt;
use serde_json::Value;
use specai::openai_compatible::{OpenAiCompatibleProvider, OpenAiCompatibleSettings, create_openai_compatible};
use specai::provider::{
    CallOptions, Content, FunctionTool, GenerateResponse, LanguageModel, Message, StreamPart, ToolDefinition, Usage,
};

use crate::support::fixtures::{error_response, json_response, sse_response};
use specai::provider_utils::test_server::{TestServer, RecordedRequest};

const API_KEY: &str = "test-key-123";

/// What a provider's test expects, beside its fixtures.
pub(crate) struct Vendor {
    /// Mapping id and fixture directory.
    pub id: &'static str,
    /// The model of the fixtures.
    pub model: &'static str,
    /// The path of the vendor's base URL (`/openai/v1` for Groq), served by the mock server.
    pub prefix: &'static str,
    /// Whether the provider sends the key as `Authorization: Bearer` (false: local, no auth).
    pub bearer: bool,
    /// The reasoning text of the fixtures, for providers that emit reasoning.
    pub reasoning: Option<&'static str>,
    /// Whether the provider takes tools.
    pub tools: bool,
    /// Whether `stream_options.include_usage` is sent.
    pub include_usage: bool,
    /// The body field `seed` is sent as.
    pub seed_field: &'static str,
    /// The status and message of the vendor's error fixture (`error_<status>.json`).
    pub error: (u16, &'static str),
}

pub(crate) fn provider(vendor: &Vendor, server: &TestServer) -> OpenAiCompatibleProvider {
    create_openai_compatible(
        vendor.id,
        OpenAiCompatibleSettings::default().with_api_key(API_KEY).with_base_url(server.url(vendor.prefix)),
    )
    .unwrap_or_else(|error| panic!("{}: {error}", vendor.id))
}

fn options() -> CallOptions {
    let mut options = CallOptions::new(vec![Message::system("Be brief."), Message::user("Hi!")]);
    options.max_output_tokens = Some(100);
    options.temperature = Some(0.7);
    options.seed = Some(42);
    options
}

fn weather_tool() -> ToolDefinition {
    ToolDefinition::Function(
        FunctionTool::new(
            "get_weather",
            serde_json::json!({"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}),
        )
        .with_description("The weather in a city"),
    )
}

/// The request went to `POST <prefix>/chat/completions` with the vendor's auth; returns the body.
pub(crate) fn check_request(vendor: &Vendor, request: &RecordedRequest) -> Value {
    assert_eq!(request.method, "POST", "{}", vendor.id);
    assert_eq!(request.path, format!("{}/chat/completions", vendor.prefix), "{}", vendor.id);
    let expected_auth = vendor.bearer.then(|| format!("Bearer {API_KEY}"));
    assert_eq!(request.header("authorization").map(str::to_owned), expected_auth, "{}: authorization", vendor.id);
    assert_eq!(request.header("content-type"), Some("application/json"), "{}", vendor.id);
    let body = request.json();
    assert_eq!(body["model"], vendor.model, "{}", vendor.id);
    assert_eq!(
        body["messages"],
        serde_json::json!([{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi!"}]),
        "{}",
        vendor.id
    );
    assert_eq!(body["max_tokens"], 100, "{}", vendor.id);
    // As written: 0.7, not the widened f32 0.699999988079071.
    let text = request.body_text();
    assert!(text.contains("\"temperature\":0.7") && !text.contains("0.6999"), "{}: {text}", vendor.id);
    assert_eq!(body[vendor.seed_field], 42, "{}: seed as `{}`", vendor.id, vendor.seed_field);
    if vendor.seed_field != "seed" {
        assert!(body.get("seed").is_none(), "{}: `seed` renamed", vendor.id);
    }
    body
}

fn check_usage(vendor: &Vendor, usage: &Usage) {
    assert_eq!(usage.input_tokens.total, Some(12), "{}: input tokens", vendor.id);
    assert_eq!(usage.output_tokens.total, Some(3), "{}: output tokens", vendor.id);
    assert!(usage.raw.is_some(), "{}: raw usage kept", vendor.id);
}

/// Generate: text, reasoning, usage, response metadata.
pub(crate) async fn generate(vendor: &Vendor) -> GenerateResponse {
    let server = TestServer::start([json_response(vendor.id, "chat_text")]).await;
    let model = provider(vendor, &server).chat(vendor.model);
    assert_eq!(model.provider(), format!("{}.chat", vendor.id));
    let response = model.do_generate(&options()).await.unwrap_or_else(|error| panic!("{}: {error}", vendor.id));
    let body = check_request(vendor, &server.single_request());
    assert!(body.get("stream").is_none(), "{}", vendor.id);
    let texts: Vec<&str> = response.content.iter().filter_map(Content::as_text).collect();
    assert_eq!(texts, ["Hello!"], "{}", vendor.id);
    let reasoning = response.content.iter().find_map(|content| match content {
        Content::Reasoning { text, .. } => Some(text.as_str()),
        _ => None,
    });
    assert_eq!(reasoning, vendor.reasoning, "{}: reasoning", vendor.id);
    assert_eq!(response.finish_reason, specai::provider::FinishReason::Stop, "{}", vendor.id);
    check_usage(vendor, &response.usage);
    assert_eq!(response.response.model_id.as_deref(), Some(vendor.model), "{}", vendor.id);
    assert!(response.response.body.is_some(), "{}: raw body kept (vendor extras included)", vendor.id);
    response
}

/// Stream: deltas, reasoning, usage from the vendor's location; returns the parts.
pub(crate) async fn stream(vendor: &Vendor) -> Vec<StreamPart> {
    let server = TestServer::start([sse_response(vendor.id, "chat_stream")]).await;
    let model = provider(vendor, &server).chat(vendor.model);
    let response = model.do_stream(&options()).await.unwrap_or_else(|error| panic!("{}: {error}", vendor.id));
    let parts: Vec<StreamPart> = response.stream.map(|part| part.unwrap_or_else(|error| panic!("{}: {error}", vendor.id))).collect().await;
    let body = check_request(vendor, &server.single_request());
    assert_eq!(body["stream"], true, "{}", vendor.id);
    let expected_options = vendor.include_usage.then(|| serde_json::json!({"include_usage": true}));
    assert_eq!(body.get("stream_options").cloned(), expected_options, "{}: stream_options", vendor.id);
    assert!(matches!(parts.first(), Some(StreamPart::StreamStart { .. })), "{}", vendor.id);
    let text = crate::support::text_of(&parts);
    assert_eq!(text, "Hello!", "{}", vendor.id);
    let reasoning: String = parts
        .iter()
        .filter_map(|part| match part {
            StreamPart::ReasoningDelta { delta, .. } => Some(delta.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!((!reasoning.is_empty()).then_some(reasoning.as_str()), vendor.reasoning, "{}: reasoning", vendor.id);
    match parts.last() {
        Some(StreamPart::Finish { usage, finish_reason, .. }) => {
            check_usage(vendor, usage);
            assert_eq!(*finish_reason, specai::provider::FinishReason::Stop, "{}", vendor.id);
        }
        other => panic!("{}: last part {other:?}", vendor.id),
    }
    parts
}

/// A tool call (or, for a provider without tools, a typed `Unsupported` error and no request).
pub(crate) async fn tool_call(vendor: &Vendor) {
    let server = if vendor.tools {
        TestServer::start([json_response(vendor.id, "chat_tool_call")]).await
    } else {
        TestServer::start([]).await
    };
    let model = provider(vendor, &server).chat(vendor.model);
    let mut options = options();
    options.tools = vec![weather_tool()];
    options.tool_choice = Some(specai::provider::ToolChoice::Required);
    let result = model.do_generate(&options).await;
    if !vendor.tools {
        assert!(matches!(result, Err(specai::Error::Unsupported { .. })), "{}: {result:?}", vendor.id);
        assert!(server.requests().is_empty(), "{}", vendor.id);
        return;
    }
    let response = result.unwrap_or_else(|error| panic!("{}: {error}", vendor.id));
    let body = check_request(vendor, &server.single_request());
    assert_eq!(body["tools"][0]["type"], "function", "{}", vendor.id);
    assert_eq!(body["tools"][0]["function"]["name"], "get_weather", "{}", vendor.id);
    assert_eq!(body["tools"][0]["function"]["parameters"]["required"], serde_json::json!(["city"]), "{}", vendor.id);
    assert_eq!(body["tool_choice"], "required", "{}", vendor.id);
    let calls: Vec<_> = response
        .content
        .iter()
        .filter_map(|content| match content {
            Content::ToolCall(call) => Some(call),
            _ => None,
        })
        .collect();
    assert_eq!(calls.len(), 1, "{}", vendor.id);
    assert_eq!(calls[0].tool_name, "get_weather", "{}", vendor.id);
    assert_eq!(serde_json::from_str::<Value>(&calls[0].input).unwrap(), serde_json::json!({"city": "Paris"}), "{}", vendor.id);
    assert!(!calls[0].tool_call_id.is_empty(), "{}", vendor.id);
    assert_eq!(response.finish_reason, specai::provider::FinishReason::ToolCalls, "{}", vendor.id);
}

/// An error body in the vendor's shape becomes an `ApiCall` error with the vendor's message.
pub(crate) async fn error(vendor: &Vendor) {
    let (status, message) = vendor.error;
    let server = TestServer::start([error_response(vendor.id, &format!("error_{status}"), status)]).await;
    let model = provider(vendor, &server).chat(vendor.model);
    let error = model.do_generate(&options()).await.expect_err(vendor.id);
    let api = error.as_api_call().unwrap_or_else(|| panic!("{}: {error:?}", vendor.id));
    assert_eq!(api.status, status, "{}", vendor.id);
    assert_eq!(api.message, message, "{}", vendor.id);
    assert_eq!(api.is_retryable, status >= 500 || status == 429, "{}", vendor.id);
    assert!(api.response_body.is_some(), "{}", vendor.id);
    assert!(!format!("{error:?}").contains(API_KEY), "{}: key leaked", vendor.id);
}

/// All four checks.
pub(crate) async fn all(vendor: &Vendor) {
    generate(vendor).await;
    stream(vendor).await;
    tool_call(vendor).await;
    error(vendor).await;
}
