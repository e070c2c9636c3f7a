//! Reranking on the chat-completions engine's `/rerank` operation: Together AI through the
//! default registry (its mapping names the operation), and a run-time server.

use serde_json::json;
use specai::openai_compatible::{
    OpenAiCompatibleSettings, create_openai_compatible,
};
use specai::provider::{ProviderOptions, Warning};
use specai::provider_utils::test_server::TestServer;
use specai::{Error, default_registry_builder, rerank};

use crate::support::fixtures::json_response;

const DOCUMENTS: fn() -> Vec<serde_json::Value> = || {
    vec![
        json!({"title": "Llama", "text": "The llama is a domesticated South American camelid."}),
        json!({"title": "Panda", "text": "The giant panda is a bear species endemic to China."}),
    ]
};

#[tokio::test]
async fn together_ranks_json_documents_on_rank_fields_through_the_registry() {
    let server = TestServer::start(vec![json_response("togetherai", "rerank")]).await;
    let settings = OpenAiCompatibleSettings::default().with_api_key("test-key").with_base_url(server.url("/v1"));
    let together = create_openai_compatible("togetherai", settings).unwrap();
    let registry = default_registry_builder()
        .provider("togetherai", together)
        .build();
    let model = registry
        .reranking_model("togetherai:Salesforce/Llama-Rank-V1")
        .unwrap();
    assert_eq!(model.provider(), "togetherai.reranking");
    let result = rerank(model)
        .query("Which animal lives in China?")
        .documents(DOCUMENTS())
        .top_n(2)
        .provider_options(
            ProviderOptions::new().with("togetherai", json!({"rankFields": ["text"]})),
        )
        .await
        .unwrap();
    let request = server.single_request();
    assert_eq!(
        (request.method.as_str(), request.path.as_str()),
        ("POST", "/v1/rerank")
    );
    assert_eq!(request.header("authorization"), Some("Bearer test-key"));
    assert_eq!(
        request.json(),
        json!({"model": "Salesforce/Llama-Rank-V1", "query": "Which animal lives in China?", "documents": DOCUMENTS(),
               "top_n": 2, "return_documents": false, "rank_fields": ["text"]})
    );
    let ranked: Vec<(usize, f64)> = result
        .ranking
        .iter()
        .map(|ranked| (ranked.index, ranked.relevance_score))
        .collect();
    assert_eq!(ranked, [(1, 0.9472), (0, 0.0811)]);
    assert_eq!(result.ranking[0].document["title"], "Panda");
    assert!(result.warnings.is_empty());
    assert_eq!(
        result.provider_metadata.unwrap().get("togetherai").unwrap()["usage"]["total_tokens"],
        1838
    );
    assert_eq!(
        result.response.model_id.as_deref(),
        Some("Salesforce/Llama-Rank-V1")
    );
}

#[tokio::test]
async fn mixed_documents_go_as_text_with_a_warning_and_bad_indexes_are_errors() {
    let server = TestServer::start(vec![
        json_response("togetherai", "rerank"),
        specai::provider_utils::test_server::TestResponse::json(
            200,
            json!({"results": [{"index": 7, "relevance_score": 0.5}]}),
        ),
    ])
    .await;
    let provider = create_openai_compatible("local", OpenAiCompatibleSettings::default().with_base_url(server.url("/v1"))).unwrap();
    let model = provider.reranking("bge-reranker");
    let result = rerank(model.clone())
        .query("q")
        .documents([json!("plain text"), json!({"text": "an object"})])
        .await
        .unwrap();
    assert_eq!(
        server.requests()[0].json()["documents"],
        json!(["plain text", "{\"text\":\"an object\"}"])
    );
    assert!(matches!(
        &result.warnings[..],
        [Warning::Compatibility { .. }]
    ));
    let error = rerank(model)
        .query("q")
        .documents(["a", "b"])
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidResponse { .. }), "{error:?}");
}

#[tokio::test]
async fn providers_without_a_rerank_operation_have_no_reranking_models() {
    let groq = create_openai_compatible("groq", OpenAiCompatibleSettings::default()).unwrap();
    let error = specai::provider::Provider::reranking_model(&groq, "m")
        .err()
        .unwrap();
    assert!(matches!(error, Error::NoSuchModel { .. }), "{error:?}");
}
