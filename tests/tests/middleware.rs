//! Middleware and fallback chains through real providers: each model is a provider pointed at a
//! mock server on 127.0.0.1 replaying wire-exact fixtures (`tests/fixtures/middleware/` and the
//! providers' own), and each test asserts the requests every server received.

use std::sync::Arc;

use bytes::Bytes;
use futures::StreamExt;
use specai::anthropic::{AnthropicSettings, create_anthropic};
use specai::middleware::{FallbackMetadata, extract_reasoning, fallback, wrap_language_model};
use specai::openai::{OpenAiSettings, create_openai};
use specai::openai_compatible::{OpenAiCompatibleSettings, create_openai_compatible};
use specai::provider::{CallOptions, LanguageModel, Message, StreamPart};
use specai::provider_utils::test_server::{RecordedRequest, TestResponse, TestServer};

use crate::support::fixtures::{
    error_response, json_response, raw_sse_response, split_every, sse_chunks,
};

const FIXTURES: &str = "middleware";
const DISTILL: &str = "deepseek-ai/DeepSeek-R1-Distill-Qwen-7B";

fn anthropic(server: &TestServer) -> Arc<dyn LanguageModel> {
    let settings = AnthropicSettings::default().with_api_key("sk-ant-test").with_base_url(server.url("/v1"));
    Arc::new(create_anthropic(settings).messages("claude-sonnet-4-5-20250929"))
}

fn openai(server: &TestServer) -> Arc<dyn LanguageModel> {
    let settings = OpenAiSettings::default().with_api_key("sk-openai-test").with_base_url(server.url("/v1"));
    Arc::new(create_openai(settings).chat("gpt-4o-mini"))
}

fn vllm(server: &TestServer) -> Arc<dyn LanguageModel> {
    let settings = OpenAiCompatibleSettings::default().with_api_key("vllm-key").with_base_url(server.url("/v1"));
    Arc::new(
        create_openai_compatible("vllm", settings)
            .unwrap()
            .chat(DISTILL),
    )
}

/// The one request a server received, checked to be a POST to `path`; its JSON body.
fn single_post(server: &TestServer, path: &str) -> serde_json::Value {
    let requests: Vec<RecordedRequest> = server.requests();
    assert_eq!(requests.len(), 1, "requests to {path}: {requests:?}");
    assert_eq!(
        (requests[0].method.as_str(), requests[0].path.as_str()),
        ("POST", path)
    );
    requests[0].json()
}

#[tokio::test]
async fn fallback_generate_moves_from_an_overloaded_anthropic_to_openai() {
    let overloaded =
        TestServer::start([error_response("anthropic", "error_overloaded", 529)]).await;
    let healthy = TestServer::start([json_response("openai", "chat_text")]).await;
    let model = fallback(vec![anthropic(&overloaded), openai(&healthy)]).unwrap();

    let result = specai::generate_text(model).prompt("Hello!").await.unwrap();

    assert_eq!(result.text(), "Hello! How can I assist you today?");
    let sent_to_anthropic = single_post(&overloaded, "/v1/messages");
    assert_eq!(sent_to_anthropic["model"], "claude-sonnet-4-5-20250929");
    assert_eq!(
        sent_to_anthropic["messages"][0]["content"][0]["text"],
        "Hello!"
    );
    assert_eq!(
        overloaded.requests()[0].header("x-api-key"),
        Some("sk-ant-test")
    );
    let sent_to_openai = single_post(&healthy, "/v1/chat/completions");
    assert_eq!(
        sent_to_openai["messages"],
        serde_json::json!([{"role": "user", "content": "Hello!"}])
    );
    assert_eq!(
        healthy.requests()[0].header("authorization"),
        Some("Bearer sk-openai-test")
    );

    let step = result.final_step();
    assert_eq!(
        step.response.model_id.as_deref(),
        Some("gpt-4o-mini-2024-07-18")
    );
    let record = FallbackMetadata::from_provider_metadata(step.provider_metadata.as_ref()).unwrap();
    assert_eq!(
        (
            record.model_index,
            record.provider.as_str(),
            record.model_id.as_str()
        ),
        (1, "openai.chat", "gpt-4o-mini")
    );
    let attempt = &record.failed_attempts[0];
    assert_eq!(
        (attempt.provider.as_str(), attempt.status, attempt.retryable),
        ("anthropic.messages", Some(529), true)
    );
    assert!(
        attempt.message.contains("Overloaded"),
        "{}",
        attempt.message
    );
    assert_eq!(
        step.provider_metadata
            .as_ref()
            .unwrap()
            .get("openai")
            .unwrap()["service_tier"],
        "default",
        "the provider's own metadata stays"
    );
}

#[tokio::test]
async fn fallback_stream_moves_on_when_the_error_event_comes_before_any_content() {
    let failing = TestServer::start([TestResponse::sse_chunks(sse_chunks(
        FIXTURES,
        "openai_error_before_content",
    ))])
    .await;
    let healthy = TestServer::start([raw_sse_response("anthropic", "text_stream", 64)]).await;
    let model = fallback(vec![openai(&failing), anthropic(&healthy)]).unwrap();

    let mut stream = specai::stream_text(model).prompt("Hello!").start();
    let text = stream.text().await.unwrap();

    assert!(!text.is_empty());
    assert_eq!(
        single_post(&failing, "/v1/chat/completions")["stream"],
        true
    );
    assert_eq!(single_post(&healthy, "/v1/messages")["stream"], true);
    let steps = stream.steps().await.unwrap();
    let record =
        FallbackMetadata::from_provider_metadata(steps[0].provider_metadata.as_ref()).unwrap();
    assert_eq!(
        (record.model_index, record.provider.as_str()),
        (1, "anthropic.messages")
    );
    let attempt = &record.failed_attempts[0];
    assert!(
        attempt.retryable && attempt.message.contains("The server had an error"),
        "{attempt:?}"
    );
    assert_eq!(
        steps[0].response.model_id.as_deref(),
        Some("claude-sonnet-4-5-20250929")
    );
}

#[tokio::test]
async fn fallback_stream_error_after_content_surfaces_and_the_backup_is_not_called() {
    let failing = TestServer::start([raw_sse_response(
        "anthropic",
        "stream_error_overloaded",
        4096,
    )])
    .await;
    let backup = TestServer::start([json_response("openai", "chat_text")]).await;
    let model = fallback(vec![anthropic(&failing), openai(&backup)]).unwrap();

    let response = model
        .do_stream(&CallOptions::new(vec![Message::user("Tell a story")]))
        .await
        .unwrap();
    let items: Vec<_> = response.stream.collect().await;

    let text: String = items
        .iter()
        .filter_map(|item| match item {
            Ok(StreamPart::TextDelta { delta, .. }) => Some(delta.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(text, "Once upon");
    let error = items.last().unwrap().as_ref().unwrap_err();
    assert!(
        error.is_retryable() && error.to_string().contains("Overloaded"),
        "{error}"
    );
    assert_eq!(single_post(&failing, "/v1/messages")["stream"], true);
    assert!(
        backup.requests().is_empty(),
        "content had arrived: no fallback"
    );
}

#[tokio::test]
async fn extract_reasoning_over_a_vllm_stream_split_at_every_chunk_size() {
    let body: Vec<u8> = sse_chunks(FIXTURES, "vllm_think_stream").concat();
    for size in [1, 2, 3, 5, 7, 11, 64, body.len()] {
        let chunks: Vec<Bytes> = split_every(&body, size);
        let server = TestServer::start([TestResponse::sse_chunks(chunks)]).await;
        let model = wrap_language_model(vllm(&server), vec![Arc::new(extract_reasoning("think"))]);

        let mut stream = specai::stream_text(model)
            .system("Be brief.")
            .prompt("Hi!")
            .start();
        let mut kinds = Vec::new();
        let mut parts = stream.full_stream();
        while let Some(part) = parts.next().await {
            kinds.push(
                format!("{:?}", part.unwrap())
                    .split([' ', '(', '{'])
                    .next()
                    .unwrap()
                    .to_owned(),
            );
        }
        drop(parts);

        assert_eq!(
            stream.text().await.unwrap(),
            "\n\nHello! How can I help?",
            "chunks of {size} bytes"
        );
        assert_eq!(
            stream.reasoning_text().await.unwrap().as_deref(),
            Some("\nThe user greets me; answer briefly.\n"),
            "chunks of {size} bytes"
        );
        let reasoning_start = kinds
            .iter()
            .position(|kind| kind == "ReasoningStart")
            .expect("a reasoning block");
        let text_start = kinds
            .iter()
            .position(|kind| kind == "TextStart")
            .expect("a text block");
        assert!(reasoning_start < text_start, "reasoning first: {kinds:?}");
        let body = single_post(&server, "/v1/chat/completions");
        assert_eq!(
            (body["model"].as_str(), body["stream"].as_bool()),
            (Some(DISTILL), Some(true))
        );
        assert_eq!(
            body["messages"],
            serde_json::json!([{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi!"}])
        );
        assert_eq!(
            server.requests()[0].header("authorization"),
            Some("Bearer vllm-key")
        );
    }
}

#[tokio::test]
async fn extract_reasoning_over_a_vllm_completion() {
    let server = TestServer::start([json_response(FIXTURES, "vllm_think_text")]).await;
    let model = wrap_language_model(vllm(&server), vec![Arc::new(extract_reasoning("think"))]);

    let result = specai::generate_text(model).prompt("Hi!").await.unwrap();

    assert_eq!(result.text(), "\n\nHello! How can I help?");
    assert_eq!(
        result.reasoning_text().as_deref(),
        Some("\nThe user greets me; answer briefly.\n")
    );
    assert_eq!(result.total_usage.output_tokens.total, Some(26));
    let body = single_post(&server, "/v1/chat/completions");
    assert_eq!(body["model"], DISTILL);
    assert!(body.get("stream").is_none_or(|stream| stream == false));
}
