//! The embedding model.

use serde_json::json;
use specai::provider::{EmbedOptions, EmbeddingModel, ProviderOptions};

use super::{FIXTURES, assert_standard_headers, provider};
use crate::support::fixtures::json_response;
use specai::provider_utils::test_server::TestServer;

#[tokio::test]
async fn embedding_request_and_vectors_in_order() {
    let server = TestServer::start([json_response(FIXTURES, "embedding")]).await;
    let model = provider(&server).embedding("text-embedding-3-small");
    assert_eq!(model.max_embeddings_per_call(), Some(2048));
    assert!(model.supports_parallel_calls());
    let mut options = EmbedOptions::new(vec!["sunny day".into(), "rainy day".into()]);
    options.provider_options = ProviderOptions::new().with("openai", json!({"dimensions": 3, "user": "u1"}));
    let result = model.do_embed(&options).await.unwrap();
    let request = server.single_request();
    assert_eq!(request.path, "/v1/embeddings");
    assert_standard_headers(&request, "application/json");
    assert_eq!(
        request.json(),
        json!({"model": "text-embedding-3-small", "input": ["sunny day", "rainy day"], "encoding_format": "float", "dimensions": 3, "user": "u1"})
    );
    assert_eq!(result.embeddings, vec![vec![0.0023064255, -0.009327292, 0.015797347], vec![-0.006_998_014, 0.012345, -0.5]]);
    assert_eq!(result.usage.unwrap().tokens, 8);
}

#[tokio::test]
async fn embedding_more_than_2048_values_is_refused_before_sending() {
    let server = TestServer::start([]).await;
    let model = provider(&server).embedding("text-embedding-3-small");
    let error = model.do_embed(&EmbedOptions::new(vec!["x".into(); 2049])).await.unwrap_err();
    assert!(matches!(error, specai::Error::InvalidArgument { .. }), "{error:?}");
    assert!(server.requests().is_empty());
}
