//! The provider factory and settings against the mock server: the mapping's model rules,
//! auth and headers as the server receives them.

use serde_json::json;
use specai_generated::mappings::{Auth, by_id};

use super::*;
use crate::provider::{CallOptions, LanguageModel, Message, Warning};
use crate::provider_utils::test_server::{TestResponse, TestServer};

fn answer() -> TestResponse {
    TestResponse::json(
        200,
        json!({"id": "c", "object": "chat.completion", "created": 1, "model": "m",
               "choices": [{"index": 0, "message": {"role": "assistant", "content": "ok"}, "finish_reason": "stop"}],
               "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}),
    )
}

fn call() -> CallOptions {
    CallOptions::new(vec![Message::user("hi")])
}

#[tokio::test]
async fn header_auth_with_scheme_and_query_auth() {
    let server = TestServer::start(vec![answer(), answer()]).await;
    let mut mapping = *by_id("groq").unwrap();
    mapping.auth = Auth::Header { name: "x-api-key", scheme: Some("Token") };
    let settings = || OpenAiCompatibleSettings::default().with_api_key("k1").with_base_url(server.url("/v1"));
    from_mapping(&mapping, settings()).chat("m").do_generate(&call()).await.unwrap();
    let request = server.requests().remove(0);
    assert_eq!(request.header("x-api-key"), Some("Token k1"));
    assert_eq!(request.header("authorization"), None);

    mapping.auth = Auth::Query { param: "key" };
    from_mapping(&mapping, settings()).chat("m").do_generate(&call()).await.unwrap();
    let request = server.requests().remove(1);
    assert_eq!(request.path, "/v1/chat/completions?key=k1");
    assert_eq!(request.header("authorization"), None);
}

#[tokio::test]
async fn configuration_errors_are_reported_by_every_call() {
    let mut mapping = *by_id("groq").unwrap();
    mapping.hooks.request = Some("no_such_hook");
    let error = from_mapping(&mapping, Default::default()).chat("m").do_generate(&call()).await.unwrap_err();
    assert!(error.to_string().contains("no_such_hook"), "{error}");
    // The core mapping has no base URL: the runtime constructor or settings must give one.
    let error = create_openai_compatible("openai-compatible", Default::default()).unwrap().chat("m").do_generate(&call()).await.unwrap_err();
    assert!(matches!(&error, Error::InvalidArgument { argument, .. } if argument == "base_url"), "{error}");
    assert!(matches!(create_openai_compatible("nope", Default::default()), Err(Error::NoSuchProvider { .. })));
    assert!(matches!(create_openai_compatible("openai", Default::default()), Err(Error::NoSuchProvider { .. })), "not OpenAI-compatible");
}

#[tokio::test]
async fn model_overrides_change_capabilities_and_renames() {
    let server = TestServer::start(vec![answer()]).await;
    let mut mapping = *by_id("groq").unwrap();
    static OVERRIDES: &[specai_generated::mappings::ModelOverride] = &[specai_generated::mappings::ModelOverride {
        models: &["o-*"],
        tools: Some(false),
        streaming: None,
        structured_outputs: None,
        image_input: None,
        pdf_input: None,
        reasoning: None,
        parallel_tool_calls: None,
        renames: &[("max_tokens", "max_completion_tokens")],
        unsupported_fields: &["temperature"],
        system_message_mode: Some(specai_generated::mappings::SystemMessageMode::Developer),
        max_output_tokens: None,
        limits: specai_generated::mappings::Limits { embeddings_per_call: None, images_per_call: None },
    }];
    mapping.model_overrides = OVERRIDES;
    let provider = from_mapping(&mapping, OpenAiCompatibleSettings::default().with_api_key("k").with_base_url(server.url("/v1")));
    let mut options = call();
    options.max_output_tokens = Some(9);
    options.temperature = Some(0.5);
    options.prompt.insert(0, Message::system("rules"));
    let result = provider.chat("o-mini").do_generate(&options).await.unwrap();
    let body = server.last_request().json();
    assert_eq!(body["max_completion_tokens"], 9);
    assert!(body.get("max_tokens").is_none());
    assert!(body.get("temperature").is_none(), "the model's rule drops it");
    assert_eq!(body["messages"][0]["role"], "developer");
    assert!(
        matches!(&result.warnings[..], [Warning::Unsupported { feature, .. }] if feature == "temperature"),
        "{:?}",
        result.warnings
    );
    options.tools = vec![crate::provider::ToolDefinition::Function(crate::provider::FunctionTool::new(
        "f",
        json!({"type": "object"}),
    ))];
    assert!(matches!(provider.chat("o-mini").do_generate(&options).await, Err(Error::Unsupported { .. })));
}

/// A server that names no tool call: each call gets a unique id, so the next step's calls do not
/// take this step's ids (the step loop keys calls and results by id across the conversation).
#[tokio::test]
async fn tool_calls_without_ids_get_unique_ids() {
    let unnamed = || {
        TestResponse::json(
            200,
            json!({"choices": [{"index": 0, "finish_reason": "tool_calls", "message": {"role": "assistant", "content": null,
                   "tool_calls": [{"type": "function", "function": {"name": "f", "arguments": "{}"}},
                                  {"type": "function", "function": {"name": "g", "arguments": "{}"}}]}}]}),
        )
    };
    let server = TestServer::start(vec![unnamed(), unnamed()]).await;
    let model = create_openai_compatible("openai-compatible", OpenAiCompatibleSettings::default().with_api_key("k").with_base_url(server.url("/v1"))).unwrap().chat("m");
    let mut ids = std::collections::HashSet::new();
    for _ in 0..2 {
        for part in model.do_generate(&call()).await.unwrap().content {
            let crate::provider::Content::ToolCall(call) = part else { panic!("a tool call: {part:?}") };
            assert!(call.tool_call_id.starts_with("call_"), "{}", call.tool_call_id);
            ids.insert(call.tool_call_id);
        }
    }
    assert_eq!(ids.len(), 4, "{ids:?}");
}
