//! `POST /embedding-model`, `POST /image-model`, `GET /config`, and the registry.

use serde_json::json;
use specai::provider::{ImageModel, ImageOptions, ProviderOptions, Warning};
use specai::provider_utils::test_server::TestServer;
use specai::{create_provider_registry, embed_many};

use super::{assert_gateway_headers, json_response, provider};

#[tokio::test]
async fn embeddings_through_the_registry() {
    let server = TestServer::start(vec![json_response("embed")]).await;
    let registry = create_provider_registry().provider("gateway", provider(&server)).build();
    let model = registry.embedding_model("gateway:openai/text-embedding-3-small").unwrap();
    let result = embed_many(model)
        .values(["sunny day", "rainy day"])
        .provider_options(ProviderOptions::new().with("openai", json!({"dimensions": 3})))
        .await
        .unwrap();
    let request = server.single_request();
    assert_gateway_headers(&request, "POST", "/v4/ai/embedding-model");
    assert_eq!(request.header("ai-embedding-model-specification-version"), Some("4"));
    assert_eq!(request.header("ai-model-id"), Some("openai/text-embedding-3-small"));
    assert_eq!(request.json(), json!({"values": ["sunny day", "rainy day"], "providerOptions": {"openai": {"dimensions": 3}}}));
    assert_eq!(result.embeddings[1], vec![-0.0321, 0.0654, -0.0987]);
    assert_eq!(result.usage.unwrap().tokens, 9);
}

#[tokio::test]
async fn images_with_their_media_types_and_warnings() {
    let server = TestServer::start(vec![json_response("image")]).await;
    let model = provider(&server).image_model("google/imagen-4.0-generate-001");
    let mut options = ImageOptions::new("A lighthouse at dusk", 2);
    options.aspect_ratio = Some("16:9".into());
    options.seed = Some(7);
    let response = model.do_generate(&options).await.unwrap();
    let request = server.single_request();
    assert_gateway_headers(&request, "POST", "/v4/ai/image-model");
    assert_eq!(request.header("ai-image-model-specification-version"), Some("4"));
    assert_eq!(request.header("ai-model-id"), Some("google/imagen-4.0-generate-001"));
    assert_eq!(request.json(), json!({"prompt": "A lighthouse at dusk", "n": 2, "aspectRatio": "16:9", "seed": 7}));
    let types: Vec<&str> = response.images.iter().map(|image| image.media_type.as_str()).collect();
    assert_eq!(types, ["image/png", "image/jpeg"]);
    assert!(matches!(&response.warnings[..], [Warning::Unsupported { feature, .. }] if feature == "seed"));
    assert_eq!(response.provider_metadata.unwrap().get("gateway").unwrap()["cost"], "0.08");
}

#[tokio::test]
async fn the_model_list_with_pricing_and_types() {
    let server = TestServer::start(vec![json_response("config")]).await;
    let models = provider(&server).available_models().await.unwrap();
    assert_gateway_headers(&server.single_request(), "GET", "/v4/ai/config");
    assert_eq!(models.len(), 3);
    assert_eq!((models[0].id.as_str(), models[0].provider.as_deref(), models[0].model_type.as_deref()), ("anthropic/claude-sonnet-4.5", Some("anthropic"), Some("language")));
    let pricing = models[0].pricing.as_ref().unwrap();
    assert_eq!((pricing.input.as_deref(), pricing.cached_input_tokens.as_deref()), (Some("0.000003"), Some("0.0000003")));
    assert!(models[2].pricing.is_none() && models[2].model_type.is_none());
}
