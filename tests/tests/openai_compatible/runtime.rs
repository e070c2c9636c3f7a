//! `create_openai_compatible(name, settings with a base URL)`: a server not in the mappings, configured at run time,
//! and the embedding and image models of mapped providers.

use futures::StreamExt;
use serde_json::json;
use specai::openai_compatible::{OpenAiCompatibleSettings, create_openai_compatible};
use specai::provider::{EmbedOptions, EmbeddingModel, ImageModel, ImageOptions, LanguageModel, StreamPart};

use super::options;
use crate::support::fixtures::{json_response, json_text};
use specai::provider_utils::test_server::{TestResponse, TestServer};

#[tokio::test]
async fn runtime_provider_sends_key_headers_and_query_parameters() {
    let server = TestServer::start([json_response("llamacpp", "chat_text")]).await;
    let provider = create_openai_compatible(
        "my-server",
        OpenAiCompatibleSettings::default()
            .with_base_url(server.url("/v1"))
            .with_api_key("local-key")
            .with_header("x-team", "search")
            .with_query_param("api-version", "2025-01-01"),
    )
    .unwrap();
    let model = provider.chat("smollm2-chat");
    assert_eq!(model.provider(), "my-server.chat");
    let response = model.do_generate(&options()).await.unwrap();
    assert_eq!(response.content.len(), 1);
    let request = server.single_request();
    assert_eq!(request.path, "/v1/chat/completions?api-version=2025-01-01");
    assert_eq!(request.header("authorization"), Some("Bearer local-key"));
    assert_eq!(request.header("x-team"), Some("search"));
}

#[tokio::test]
async fn runtime_provider_without_key_or_streaming_or_json_schema() {
    let server = TestServer::start([json_response("llamacpp", "chat_text")]).await;
    let provider = create_openai_compatible("plain", OpenAiCompatibleSettings::default().with_base_url(server.url("/v1")).with_streaming(false)).unwrap();
    let mut call = options();
    call.response_format = Some(specai::provider::ResponseFormat::Json { schema: Some(json!({"type": "object"})), name: None, description: None });
    let response = provider.chat("m").do_stream(&call).await.unwrap();
    let parts: Vec<StreamPart> = response.stream.map(Result::unwrap).collect().await;
    let request = server.single_request();
    assert_eq!(request.header("authorization"), None);
    let body = request.json();
    assert!(body.get("stream").is_none(), "a non-streaming server gets a plain request: {body}");
    assert_eq!(body["response_format"], json!({"type": "json_object"}));
    match &parts[0] {
        StreamPart::StreamStart { warnings } => assert_eq!(warnings.len(), 2, "{warnings:?}"),
        other => panic!("{other:?}"),
    }
    assert!(parts.iter().any(|part| matches!(part, StreamPart::TextDelta { delta, .. } if delta == "Hello!")));
    assert!(matches!(parts.last(), Some(StreamPart::Finish { .. })));
}

/// Regression: an unknown server got no image (refused before any request) and a `json_schema`
/// response format few servers take; it now gets the parts and `json_object` with the schema in
/// the prompt, as the AI SDK sends.
#[tokio::test]
async fn unknown_server_gets_images_and_json_object_by_default() {
    let server = TestServer::start([json_response("llamacpp", "chat_text")]).await;
    let provider = create_openai_compatible("plain", OpenAiCompatibleSettings::default().with_base_url(server.url("/v1"))).unwrap();
    let mut call = specai::provider::CallOptions::new(vec![specai::provider::Message::user_parts(vec![
        specai::provider::UserPart::text("What is this?"),
        specai::provider::UserPart::file(vec![1u8, 2, 3], "image/png"),
    ])]);
    call.response_format = Some(specai::provider::ResponseFormat::Json { schema: Some(json!({"type": "object"})), name: None, description: None });
    let response = provider.chat("m").do_generate(&call).await.unwrap();
    let body = server.single_request().json();
    assert_eq!(body["response_format"], json!({"type": "json_object"}));
    let messages = body["messages"].as_array().unwrap();
    assert_eq!(messages[0]["role"], "system", "the schema travels in the prompt: {body}");
    assert!(messages[0]["content"].as_str().unwrap().contains(r#"{"type":"object"}"#), "{body}");
    assert_eq!(messages[1]["content"][1], json!({"type": "image_url", "image_url": {"url": "data:image/png;base64,AQID"}}));
    assert!(!response.warnings.is_empty(), "the emulated JSON mode is reported");
}

#[tokio::test]
async fn retryable_status_comes_from_the_mapping() {
    let server = TestServer::start([json_text(503, r#"{"error":{"message":"overloaded","type":"server_error"}}"#)]).await;
    let provider = create_openai_compatible("flaky", OpenAiCompatibleSettings::default().with_base_url(server.url("/v1"))).unwrap();
    let error = provider.chat("m").do_generate(&options()).await.unwrap_err();
    assert!(error.is_retryable());
    assert_eq!(error.as_api_call().unwrap().message, "overloaded");
}

#[tokio::test]
async fn embeddings_through_a_mapping() {
    let server = TestServer::start([TestResponse::json(
        200,
        json!({"object": "list", "model": "mistral-embed", "data": [
            {"object": "embedding", "index": 1, "embedding": [0.5, 0.25]},
            {"object": "embedding", "index": 0, "embedding": [0.1, 0.2]}],
            "usage": {"prompt_tokens": 6, "total_tokens": 6}}),
    )])
    .await;
    let mistral = create_openai_compatible(
        "mistral",
        OpenAiCompatibleSettings::default().with_api_key("k").with_base_url(server.url("/v1")),
    )
    .unwrap();
    let model = mistral.embedding("mistral-embed");
    let response = model.do_embed(&EmbedOptions::new(vec!["a".into(), "b".into()])).await.unwrap();
    assert_eq!(response.embeddings, vec![vec![0.1, 0.2], vec![0.5, 0.25]]);
    assert_eq!(response.usage.unwrap().tokens, 6);
    let request = server.single_request();
    assert_eq!(request.path, "/v1/embeddings");
    assert_eq!(request.json(), json!({"model": "mistral-embed", "input": ["a", "b"], "encoding_format": "float"}));
}

#[tokio::test]
async fn images_through_a_mapping() {
    let server = TestServer::start([TestResponse::json(200, json!({"created": 1764000000, "data": [{"b64_json": "aGVsbG8="}]}))]).await;
    let together = create_openai_compatible(
        "togetherai",
        OpenAiCompatibleSettings::default().with_api_key("k").with_base_url(server.url("/v1")),
    )
    .unwrap();
    let model = together.image("black-forest-labs/FLUX.1-schnell");
    let mut options = ImageOptions::new("a cat", 1);
    options.size = Some("512x512".into());
    let response = model.do_generate(&options).await.unwrap();
    assert_eq!(response.images.len(), 1);
    assert_eq!(response.images[0].data.to_bytes().unwrap().as_ref(), b"hello");
    let request = server.single_request();
    assert_eq!(request.path, "/v1/images/generations");
    assert_eq!(
        request.json(),
        json!({"model": "black-forest-labs/FLUX.1-schnell", "prompt": "a cat", "n": 1, "size": "512x512", "response_format": "b64_json"})
    );
}

#[tokio::test]
async fn text_completions_through_a_mapping() {
    use crate::support::fixtures::sse_response;
    let server = TestServer::start([json_response("togetherai", "completion_text"), sse_response("togetherai", "completion_stream")]).await;
    let together = create_openai_compatible(
        "togetherai",
        OpenAiCompatibleSettings::default().with_api_key("k").with_base_url(server.url("/v1")),
    )
    .unwrap();
    let model = together.completion("meta-llama/Llama-3.3-70B-Instruct-Turbo");
    assert_eq!(model.provider(), "togetherai.completion");
    let response = model.do_generate(&options()).await.unwrap();
    assert_eq!(response.content.iter().filter_map(specai::provider::Content::as_text).collect::<Vec<_>>(), ["Hello!"]);
    assert_eq!(response.usage.input_tokens.total, Some(12));
    let request = &server.requests()[0];
    assert_eq!(request.path, "/v1/completions");
    let body = request.json();
    assert_eq!(body["prompt"], "Be brief.\n\nuser:\nHi!\n\nassistant:\n");
    assert_eq!(body["stop"], json!(["\nuser:"]));
    assert_eq!(body["max_tokens"], 100);

    let parts: Vec<StreamPart> = model.do_stream(&options()).await.unwrap().stream.map(Result::unwrap).collect().await;
    let text = crate::support::text_of(&parts);
    assert_eq!(text, "Hello!");
    match parts.last() {
        Some(StreamPart::Finish { usage, finish_reason, .. }) => {
            assert_eq!((usage.input_tokens.total, usage.output_tokens.total), (Some(12), Some(3)));
            assert_eq!(*finish_reason, specai::provider::FinishReason::Stop);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(server.requests()[1].json()["stream_options"], json!({"include_usage": true}));
}
