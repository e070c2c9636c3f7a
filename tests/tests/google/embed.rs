//! `embedContent` for one value, `batchEmbedContents` for several, 100 per call.

use serde_json::json;
use specai::provider::ProviderOptions;
use specai::provider_utils::test_server::TestServer;
use specai::{embed, embed_many};

use super::{json_response, provider};

fn options() -> ProviderOptions {
    ProviderOptions::new().with("google", json!({"taskType": "RETRIEVAL_DOCUMENT", "outputDimensionality": 4}))
}

#[tokio::test]
async fn one_value_uses_embed_content() {
    let server = TestServer::start(vec![json_response("embed_content")]).await;
    let model = provider(&server).embedding_model("gemini-embedding-001");
    let result = embed(model).value("Hello world").provider_options(options()).await.unwrap();
    assert_eq!(result.embedding, vec![0.013168523, -0.008711934, -0.046782676, 0.00069968984]);
    super::assert_request(
        &server.requests()[0],
        "/v1beta/models/gemini-embedding-001:embedContent",
        json!({
            "model": "models/gemini-embedding-001",
            "content": {"role": "user", "parts": [{"text": "Hello world"}]},
            "taskType": "RETRIEVAL_DOCUMENT",
            "outputDimensionality": 4
        }),
    );
}

#[tokio::test]
async fn several_values_use_batch_embed_contents() {
    let server = TestServer::start(vec![json_response("batch_embed_contents")]).await;
    let model = provider(&server).embedding_model("gemini-embedding-001");
    let result = embed_many(model).values(["first", "second"]).await.unwrap();
    assert_eq!(result.embeddings.len(), 2);
    assert_eq!(result.embeddings[1], vec![-0.011234, 0.025678, 0.0031]);
    super::assert_request(
        &server.requests()[0],
        "/v1beta/models/gemini-embedding-001:batchEmbedContents",
        json!({"requests": [
            {"model": "models/gemini-embedding-001", "content": {"role": "user", "parts": [{"text": "first"}]}},
            {"model": "models/gemini-embedding-001", "content": {"role": "user", "parts": [{"text": "second"}]}}
        ]}),
    );
}

#[tokio::test]
async fn more_than_100_values_are_split_into_calls() {
    let batch = |count: usize| {
        let embeddings: Vec<_> = (0..count).map(|index| json!({"values": [index as f32]})).collect();
        specai::provider_utils::test_server::TestResponse::json(200, json!({"embeddings": embeddings}))
    };
    let server = TestServer::start(vec![batch(100), batch(50)]).await;
    let model = provider(&server).embedding_model("gemini-embedding-001");
    let values: Vec<String> = (0..150).map(|index| format!("value {index}")).collect();
    let result = embed_many(model).values(values).max_parallel_calls(1).await.unwrap();
    assert_eq!(result.embeddings.len(), 150);
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].json()["requests"].as_array().unwrap().len(), 100);
    assert_eq!(requests[1].json()["requests"].as_array().unwrap().len(), 50);
    assert_eq!(result.embeddings[149], vec![49.0]);
}
