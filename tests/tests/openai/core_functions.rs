//! The provider through the core functions (`generate_text`, `stream_text`, `embed_many`).

use futures::StreamExt;
use specai::{embed_many, generate_text, stream_text};

use super::{FIXTURES, provider};
use crate::support::fixtures::{json_response, sse_response};
use specai::provider_utils::test_server::TestServer;

#[tokio::test]
async fn generate_text_with_the_chat_model() {
    let server = TestServer::start([json_response(FIXTURES, "chat_text")]).await;
    let result = generate_text(provider(&server).chat("gpt-4o-mini")).prompt("Hello!").await.unwrap();
    assert_eq!(result.text(), "Hello! How can I assist you today?");
    assert_eq!(result.usage().input_tokens.total, Some(19));
}

#[tokio::test]
async fn stream_text_deltas_concatenate_to_the_final_text() {
    let server = TestServer::start([sse_response(FIXTURES, "chat_text")]).await;
    let mut result = stream_text(provider(&server).chat("gpt-4o-mini")).prompt("Hello").start();
    let mut streamed = String::new();
    {
        let mut text_stream = result.text_stream();
        while let Some(delta) = text_stream.next().await {
            streamed.push_str(&delta.unwrap());
        }
    }
    assert_eq!(streamed, "Hello, wörld!");
    assert_eq!(result.text().await.unwrap(), streamed);
}

#[tokio::test]
async fn embed_many_with_the_embedding_model() {
    let server = TestServer::start([json_response(FIXTURES, "embedding")]).await;
    let result = embed_many(provider(&server).embedding("text-embedding-3-small"))
        .values(["a", "b"])
        .await
        .unwrap();
    assert_eq!(result.embeddings.len(), 2);
}

#[tokio::test]
async fn registry_resolves_openai_models_by_id() {
    let server = TestServer::start([json_response(FIXTURES, "responses_text"), json_response(FIXTURES, "embedding")]).await;
    let registry = specai::create_provider_registry().provider("openai", provider(&server)).build();
    let model = registry.language_model("openai:gpt-4o-mini").unwrap();
    assert_eq!(model.provider(), "openai.responses");
    let result = generate_text(model).prompt("Story?").await.unwrap();
    assert!(result.text().starts_with("In a peaceful grove"));
    let embedder = registry.embedding_model("openai:text-embedding-3-small").unwrap();
    let embedded = embed_many(embedder).values(["a", "b"]).await.unwrap();
    assert_eq!(embedded.embeddings.len(), 2);
    let paths: Vec<String> = server.requests().into_iter().map(|request| request.path).collect();
    assert_eq!(paths, ["/v1/responses", "/v1/embeddings"]);
}

#[tokio::test]
async fn the_generated_client_shares_the_providers_configuration() {
    let server = TestServer::start([json_response(FIXTURES, "models")]).await;
    let client = provider(&server).api_client().unwrap();
    let models = client.list_models().await.unwrap().into_inner();
    let ids: Vec<&str> = models.data.iter().map(|model| model.id.as_str()).collect();
    assert_eq!(ids, ["gpt-4o-mini", "text-embedding-3-small"]);
    let request = server.single_request();
    assert_eq!((request.method.as_str(), request.path.as_str()), ("GET", "/v1/models"));
    assert_eq!(request.header("authorization"), Some("Bearer sk-test-key"));
    assert_eq!(request.header("openai-organization"), Some("org-123"));
}
