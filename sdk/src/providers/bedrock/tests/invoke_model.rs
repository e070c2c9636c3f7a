//! InvokeModel (embeddings, images) and the agent runtime's Rerank.

#[cfg(any(feature = "embedding", feature = "image", feature = "reranking"))]
use serde_json::json;

use super::*;

#[cfg(feature = "embedding")]
#[tokio::test]
async fn titan_and_cohere_embeddings() {
    let server = TestServer::start([
        TestResponse::json(200, json!({"embedding": [0.1, -0.2, 0.3], "inputTextTokenCount": 4})),
        TestResponse::json(200, json!({"id": "e1", "response_type": "embeddings_floats", "texts": ["a", "b"], "embeddings": [[0.5, 0.5], [0.25, 0.75]]})),
    ])
    .await;
    let provider = signed_provider(&server);
    let mut options = EmbedOptions::new(vec!["sunny day".into()]);
    options.provider_options =
        ProviderOptions::new().with("bedrock", json!({"dimensions": 256, "normalize": true}));
    let titan = provider
        .embedding_model("amazon.titan-embed-text-v2:0")
        .do_embed(&options)
        .await
        .unwrap();
    assert_eq!(titan.embeddings, vec![vec![0.1, -0.2, 0.3]]);
    assert_eq!(titan.usage.unwrap().tokens, 4);
    let request = server.requests()[0].clone();
    assert_signed(&request, "/model/amazon.titan-embed-text-v2%3A0/invoke");
    assert_eq!(
        request.json(),
        json!({"inputText": "sunny day", "dimensions": 256, "normalize": true})
    );

    let cohere = provider.embedding_model("cohere.embed-english-v3");
    assert_eq!(cohere.max_embeddings_per_call(), Some(96));
    let response = cohere
        .do_embed(&EmbedOptions::new(vec!["a".into(), "b".into()]))
        .await
        .unwrap();
    assert_eq!(response.embeddings, vec![vec![0.5, 0.5], vec![0.25, 0.75]]);
    assert_eq!(
        server.last_request().json(),
        json!({"texts": ["a", "b"], "input_type": "search_query"})
    );
}

#[cfg(feature = "image")]
#[tokio::test]
async fn nova_canvas_images() {
    let server = TestServer::start([TestResponse::json(
        200,
        json!({"images": ["iVBORw0KGgo=", "iVBORw0KGgp="]}),
    )])
    .await;
    let mut options = ImageOptions::new("a lighthouse at dusk", 2);
    options.size = Some("1024x768".into());
    options.seed = Some(42);
    options.provider_options = ProviderOptions::new().with(
        "bedrock",
        json!({"quality": "premium", "negativeText": "people"}),
    );
    let response = signed_provider(&server)
        .image_model("amazon.nova-canvas-v1:0")
        .do_generate(&options)
        .await
        .unwrap();
    assert_eq!(response.images.len(), 2);
    assert_eq!(
        response.images[0].data,
        crate::provider::FileData::Base64("iVBORw0KGgo=".into())
    );
    let request = server.single_request();
    assert_signed(&request, "/model/amazon.nova-canvas-v1%3A0/invoke");
    assert_eq!(
        request.json(),
        json!({"taskType": "TEXT_IMAGE", "textToImageParams": {"text": "a lighthouse at dusk", "negativeText": "people"},
               "imageGenerationConfig": {"numberOfImages": 2, "width": 1024, "height": 768, "quality": "premium", "seed": 42}})
    );
}

#[cfg(feature = "reranking")]
#[tokio::test]
async fn rerank_through_the_agent_runtime() {
    let server = TestServer::start([TestResponse::json(200, json!({"results": [{"index": 1, "relevanceScore": 0.92}, {"index": 0, "relevanceScore": 0.13}]}))]).await;
    let mut options = RerankOptions::new(
        "rainy weather",
        vec![json!("sunny skies"), json!({"forecast": "rain"})],
    );
    options.top_n = Some(2);
    let model = signed_provider(&server).reranking_model("cohere.rerank-v3-5:0");
    let response = model.do_rerank(&options).await.unwrap();
    assert_eq!(
        response
            .ranking
            .iter()
            .map(|ranked| ranked.index)
            .collect::<Vec<_>>(),
        [1, 0]
    );
    assert!((response.ranking[0].relevance_score - 0.92).abs() < 1e-6);
    let request = server.single_request();
    assert_signed(&request, "/rerank");
    assert_eq!(
        request.json(),
        json!({
            "queries": [{"type": "TEXT", "textQuery": {"text": "rainy weather"}}],
            "sources": [
                {"type": "INLINE", "inlineDocumentSource": {"type": "TEXT", "textDocument": {"text": "sunny skies"}}},
                {"type": "INLINE", "inlineDocumentSource": {"type": "JSON", "jsonDocument": {"forecast": "rain"}}}
            ],
            "rerankingConfiguration": {"type": "BEDROCK_RERANKING_MODEL", "bedrockRerankingConfiguration": {
                "numberOfResults": 2, "modelConfiguration": {"modelArn": "arn:aws:bedrock:us-east-1::foundation-model/cohere.rerank-v3-5:0"}}}
        })
    );
}

#[test]
fn settings_debug_hides_the_key_and_the_credentials() {
    let settings = BedrockSettings::default()
        .with_api_key("secret-api-key")
        .with_credentials(Credentials::new(
            "AKID",
            "very-secret",
            Some("tok-secret".into()),
            None,
            "t",
        ));
    let shown = format!("{settings:?}");
    assert!(
        !shown.contains("secret-api-key")
            && !shown.contains("very-secret")
            && !shown.contains("tok-secret"),
        "{shown}"
    );
}
