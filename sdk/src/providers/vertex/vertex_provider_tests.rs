//! Vertex's URLs, auth forms and request bodies, against the mock server.

use serde_json::json;

use super::*;
use crate::provider::{CallOptions, LanguageModel, Message};
use crate::provider_utils::test_server::{TestResponse, TestServer};
use crate::provider_utils::{AccessToken, token_provider_fn};

fn credentials() -> Arc<dyn TokenProvider> {
    token_provider_fn(|| async { Ok(AccessToken::expires_in("ya29.test", std::time::Duration::from_secs(3600))) })
}

fn call() -> CallOptions {
    CallOptions::new(vec![Message::user("hi")])
}

fn url(connection: &SharedConnection, model_id: &str) -> String {
    let connection = connection.as_ref().unwrap();
    connection.url(connection.mapping.operations.chat.as_ref().unwrap(), model_id).unwrap()
}

#[test]
fn regional_and_global_urls_follow_the_mapping() {
    let settings = VertexSettings::default().with_project("p1").with_location("europe-west4").with_credentials(credentials());
    let provider = create_vertex(settings);
    assert_eq!(
        url(&provider.google, "gemini-2.5-flash"),
        "https://europe-west4-aiplatform.googleapis.com/v1/projects/p1/locations/europe-west4/publishers/google/models/gemini-2.5-flash:generateContent"
    );
    let provider = create_vertex(VertexSettings::default().with_project("p1").with_location("global").with_credentials(credentials()));
    assert_eq!(
        url(&provider.google, "gemini-2.5-pro"),
        "https://aiplatform.googleapis.com/v1/projects/p1/locations/global/publishers/google/models/gemini-2.5-pro:generateContent"
    );
    assert_eq!(provider.language_model("gemini-2.5-pro").provider(), "google.vertex.chat");
}

#[test]
fn express_mode_takes_the_key_and_needs_no_project() {
    let provider = create_vertex(VertexSettings::default().with_api_key("express-key"));
    assert_eq!(
        url(&provider.google, "gemini-2.5-flash"),
        "https://aiplatform.googleapis.com/v1/publishers/google/models/gemini-2.5-flash:generateContent"
    );
    let headers = provider.google.as_ref().unwrap().headers(&http::HeaderMap::new()).unwrap();
    assert_eq!(headers["x-goog-api-key"], "express-key");
    assert!(headers["x-goog-api-key"].is_sensitive());
}

#[tokio::test]
async fn a_missing_project_names_its_variable() {
    let mut google = VERTEX;
    google.base_url_vars = &[("project", "SPECAI_TEST_UNSET_VERTEX_PROJECT"), ("location", "SPECAI_TEST_UNSET_VERTEX_LOCATION")];
    let mut express = VERTEX_EXPRESS;
    express.api_key.env = &["SPECAI_TEST_UNSET_VERTEX_KEY"];
    let provider = create_vertex_from_mappings([google, express, VERTEX_ANTHROPIC], VertexSettings::default().with_location("us-east5"));
    let error = provider.language_model("gemini-2.5-flash").do_generate(&call()).await.unwrap_err();
    assert!(error.to_string().contains("SPECAI_TEST_UNSET_VERTEX_PROJECT"), "{error}");
}

#[tokio::test]
async fn claude_goes_to_raw_predict_with_the_vertex_version_and_no_model_in_the_body() {
    let message = json!({"id": "msg_1", "type": "message", "role": "assistant", "model": "claude-sonnet-4-5", "content": [{"type": "text", "text": "ok"}],
                         "stop_reason": "end_turn", "stop_sequence": null, "usage": {"input_tokens": 3, "output_tokens": 1}});
    let server = TestServer::start([TestResponse::json(200, message)]).await;
    let base = server.url("/v1/projects/p1/locations/us-east5");
    let provider = create_vertex(VertexSettings::default().with_base_url(base).with_credentials(credentials()));
    let model = provider.anthropic("claude-sonnet-4-5@20250929");
    assert_eq!(model.provider(), "vertex.anthropic.messages");
    assert!(model.supported_urls().is_empty(), "Vertex does not fetch URLs");
    let answer = model.do_generate(&call()).await.unwrap();
    assert_eq!(answer.content[0].as_text(), Some("ok"));
    let request = server.single_request();
    assert_eq!(request.path, "/v1/projects/p1/locations/us-east5/publishers/anthropic/models/claude-sonnet-4-5@20250929:rawPredict");
    assert_eq!(request.header("authorization"), Some("Bearer ya29.test"));
    assert_eq!(request.header("anthropic-version"), None);
    assert_eq!(request.header("x-api-key"), None);
    let body = request.json();
    assert_eq!(body["anthropic_version"], "vertex-2023-10-16");
    assert!(body.get("model").is_none(), "{body}");
    assert_eq!(body["messages"][0]["content"][0]["text"], "hi");
}

#[tokio::test]
async fn the_registry_routes_claude_ids_to_anthropic_and_others_to_gemini() {
    let provider = create_vertex(VertexSettings::default().with_project("p").with_location("us-east5").with_credentials(credentials()));
    assert_eq!(Provider::language_model(&provider, "claude-opus-4-1@20250805").unwrap().provider(), "vertex.anthropic.messages");
    assert_eq!(Provider::language_model(&provider, "gemini-2.5-flash").unwrap().provider(), "google.vertex.chat");
    #[cfg(feature = "embedding")]
    assert_eq!(Provider::embedding_model(&provider, "text-embedding-005").unwrap().provider(), "google.vertex.embedding");
}

#[test]
fn settings_and_credentials_debug_hide_secrets() {
    let settings = VertexSettings::default().with_api_key("secret-express-key");
    assert!(!format!("{settings:?}").contains("secret-express-key"));
    let credentials = GoogleCredentials::from_service_account_json("{\"private_key\": \"secret-pem\"}");
    assert!(!format!("{credentials:?}").contains("secret-pem"));
}
