//! `POST /v2/embed` and `POST /v2/rerank`, and reranking through a registry.

use serde_json::json;
use specai::cohere::{CohereSettings, create_cohere};
use specai::provider::{EmbedOptions, EmbeddingModel, ProviderOptions, Warning};
use specai::provider_utils::test_server::TestServer;
use specai::{create_provider_registry, embed_many, rerank};

use super::{assert_request, json_response, provider};

#[tokio::test]
async fn embed_many_sends_float_search_queries_and_reports_billed_tokens() {
    let server = TestServer::start(vec![json_response("embed")]).await;
    let result = embed_many(provider(&server).embedding_model("embed-v4.0"))
        .values(["sunny day at the beach", "rainy day in the city"])
        .await
        .unwrap();
    assert_request(
        &server.single_request(),
        "/v2/embed",
        json!({"model": "embed-v4.0", "texts": ["sunny day at the beach", "rainy day in the city"], "input_type": "search_query", "embedding_types": ["float"]}),
    );
    assert_eq!(result.embeddings.len(), 2);
    assert_eq!(result.embeddings[0], vec![0.0234375, -0.0456543, 0.0712891, 0.005127]);
    assert_eq!(result.usage.unwrap().tokens, 12);
}

#[tokio::test]
async fn embedding_options_are_sent_and_int8_vectors_read() {
    let server = TestServer::start(vec![json_response("embed_int8")]).await;
    let model = provider(&server).embedding_model("embed-v4.0");
    assert_eq!(model.max_embeddings_per_call(), Some(96));
    let mut options = EmbedOptions::new(vec!["sunny day at the beach".into()]);
    options.provider_options = ProviderOptions::new().with(
        "cohere",
        json!({"inputType": "search_document", "truncate": "END", "outputDimension": 256, "embeddingType": "int8"}),
    );
    let response = model.do_embed(&options).await.unwrap();
    assert_eq!(
        server.single_request().json(),
        json!({"model": "embed-v4.0", "texts": ["sunny day at the beach"], "input_type": "search_document",
               "embedding_types": ["int8"], "output_dimension": 256, "truncate": "END"})
    );
    assert_eq!(response.embeddings, vec![vec![12.0, -45.0, 71.0, 5.0]]);
    let too_many = EmbedOptions::new(vec!["x".to_owned(); 97]);
    assert!(matches!(model.do_embed(&too_many).await, Err(specai::Error::InvalidArgument { .. })));
}

#[tokio::test]
async fn rerank_through_the_registry_ranks_text_and_json_documents() {
    let server = TestServer::start(vec![json_response("rerank")]).await;
    let cohere = create_cohere(CohereSettings::default().with_api_key("test-key").with_base_url(server.base_url()));
    let registry = create_provider_registry().provider("cohere", cohere).build();
    let model = registry.reranking_model("cohere:rerank-v3.5").unwrap();
    let documents = vec![json!("rainy city"), json!({"title": "Beach", "text": "sunny day"}), json!("sunny beach day")];
    let result = rerank(model)
        .query("sunny beach")
        .documents(documents.clone())
        .top_n(2)
        .provider_options(ProviderOptions::new().with("cohere", json!({"maxTokensPerDoc": 512})))
        .await
        .unwrap();
    assert_request(
        &server.single_request(),
        "/v2/rerank",
        json!({"model": "rerank-v3.5", "query": "sunny beach", "top_n": 2, "max_tokens_per_doc": 512,
               "documents": ["rainy city", "{\"text\":\"sunny day\",\"title\":\"Beach\"}", "sunny beach day"]}),
    );
    let ranked: Vec<(usize, f64)> = result.ranking.iter().map(|ranked| (ranked.index, ranked.relevance_score)).collect();
    assert_eq!(ranked, [(2, 0.9845), (0, 0.3127)]);
    assert_eq!(result.ranking[0].document, documents[2]);
    assert!(matches!(&result.warnings[..], [Warning::Compatibility { feature, .. }] if feature == "object documents"));
    assert_eq!(result.provider_metadata.unwrap().get("cohere").unwrap()["billedUnits"]["search_units"], 1.0);
    assert_eq!(result.response.id.as_deref(), Some("7e1b5d9f-3a0c-4f6e-8d2a-4c6e8a0b2c77"));
}
