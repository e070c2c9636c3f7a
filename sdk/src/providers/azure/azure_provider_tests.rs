//! Azure's URL shapes and auth forms, against the mock server: what each model kind requests,
//! with which `api-version`, and with which credentials.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use serde_json::json;

use super::*;
use crate::provider::{CallOptions, LanguageModel, Message};
#[cfg(feature = "embedding")]
use crate::provider::{EmbedOptions, EmbeddingModel};
use crate::provider_utils::test_server::{TestResponse, TestServer};
use crate::provider_utils::{AccessToken, token_provider_fn};

fn chat_answer() -> TestResponse {
    TestResponse::json(
        200,
        json!({"id": "c", "object": "chat.completion", "created": 1, "model": "gpt-4o",
               "choices": [{"index": 0, "message": {"role": "assistant", "content": "ok"}, "finish_reason": "stop"}],
               "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}),
    )
}

fn embedding_answer() -> TestResponse {
    TestResponse::json(
        200,
        json!({"object": "list", "data": [{"object": "embedding", "index": 0, "embedding": [0.5]}], "model": "e",
               "usage": {"prompt_tokens": 1, "total_tokens": 1}}),
    )
}

fn call() -> CallOptions {
    CallOptions::new(vec![Message::user("hi")])
}

#[tokio::test]
async fn v1_urls_carry_the_default_api_version_and_the_api_key_header() {
    let server = TestServer::start([chat_answer(), embedding_answer()]).await;
    let provider = create_azure(AzureSettings::default().with_base_url(server.url("/openai/")).with_api_key("azure-key"));
    let model = provider.chat("my-gpt-4o");
    assert_eq!(model.provider(), "azure.chat");
    model.do_generate(&call()).await.unwrap();
    #[cfg(feature = "embedding")]
    provider.embedding("my-embedder").do_embed(&EmbedOptions::new(vec!["a".into()])).await.unwrap();
    let requests = server.requests();
    assert_eq!(requests[0].path, "/openai/v1/chat/completions?api-version=v1");
    assert_eq!(requests[0].header("api-key"), Some("azure-key"));
    assert_eq!(requests[0].header("authorization"), None);
    assert_eq!(requests[0].json()["model"], "my-gpt-4o");
    #[cfg(feature = "embedding")]
    assert_eq!(requests[1].path, "/openai/v1/embeddings?api-version=v1");
}

#[tokio::test]
async fn deployment_urls_name_the_deployment_and_the_chosen_api_version() {
    let server = TestServer::start([chat_answer()]).await;
    let settings = AzureSettings::default()
        .with_base_url(server.url("/openai"))
        .with_api_key("azure-key")
        .with_deployment_based_urls()
        .with_api_version("2024-10-21");
    create_azure(settings).chat("prod-gpt-4o").do_generate(&call()).await.unwrap();
    assert_eq!(server.single_request().path, "/openai/deployments/prod-gpt-4o/chat/completions?api-version=2024-10-21");
}

#[test]
fn the_resource_name_fills_the_mappings_url_template() {
    let config = azure_config(AZURE, AzureSettings::default().with_resource_name("contoso").with_api_key("k")).unwrap();
    let responses = config.mapping.operations.responses.unwrap();
    assert_eq!(config.url(&responses, "d").unwrap(), "https://contoso.openai.azure.com/openai/v1/responses?api-version=v1");
    let config =
        azure_config(AZURE, AzureSettings::default().with_resource_name("contoso").with_deployment_based_urls().with_api_version("2025-04-01-preview"))
            .unwrap();
    let speech = config.mapping.operations.speech.unwrap();
    assert_eq!(
        config.url(&speech, "tts").unwrap(),
        "https://contoso.openai.azure.com/openai/deployments/tts/audio/speech?api-version=2025-04-01-preview"
    );
}

#[test]
fn a_missing_resource_name_names_its_variable() {
    let mut mapping = AZURE;
    mapping.base_url_vars = &[("resource", "SPECAI_TEST_UNSET_AZURE_RESOURCE")];
    let error = azure_config(mapping, AzureSettings::default()).unwrap_err();
    assert!(error.to_string().contains("SPECAI_TEST_UNSET_AZURE_RESOURCE"), "{error}");
}

#[tokio::test]
async fn a_key_and_a_token_provider_together_are_rejected_by_every_call() {
    let provider = token_provider_fn(|| async { Ok(AccessToken::new("t", None)) });
    let settings = AzureSettings::default().with_resource_name("r").with_api_key("k").with_token_provider(provider);
    let error = create_azure(settings).chat("d").do_generate(&call()).await.unwrap_err();
    assert!(matches!(&error, Error::InvalidArgument { argument, .. } if argument == "api_key"), "{error}");
}

#[tokio::test]
async fn entra_id_tokens_are_sent_as_bearer_and_refreshed_when_they_expire() {
    let server = TestServer::start([chat_answer(), chat_answer(), chat_answer()]).await;
    let calls = Arc::new(AtomicU32::new(0));
    let counter = calls.clone();
    // Each token expires within the refresh margin, so every request asks for a new one.
    let provider = token_provider_fn(move || {
        let call = counter.fetch_add(1, Ordering::SeqCst) + 1;
        async move { Ok(AccessToken::expires_in(format!("entra-token-{call}"), Duration::from_secs(5))) }
    });
    // No key anywhere: the mapping's key variable is not read when tokens are used.
    let mut mapping = AZURE;
    mapping.api_key.env = &["SPECAI_TEST_UNSET_AZURE_KEY"];
    let azure = create_azure_from_mapping(mapping, AzureSettings::default().with_base_url(server.url("/openai")).with_token_provider(provider));
    azure.chat("d").do_generate(&call()).await.unwrap();
    azure.chat("d").do_generate(&call()).await.unwrap();
    let requests = server.requests();
    assert_eq!(requests[0].header("authorization"), Some("Bearer entra-token-1"));
    assert_eq!(requests[1].header("authorization"), Some("Bearer entra-token-2"));
    assert_eq!(requests[0].header("api-key"), None);

    // A long-lived token is fetched once.
    let calls_before = calls.load(Ordering::SeqCst);
    let fixed = token_provider_fn(|| async { Ok(AccessToken::expires_in("long-lived", Duration::from_secs(3600))) });
    let azure = create_azure(AzureSettings::default().with_base_url(server.url("/openai")).with_token_provider(fixed));
    azure.chat("d").do_generate(&call()).await.unwrap();
    assert_eq!(server.last_request().header("authorization"), Some("Bearer long-lived"));
    assert_eq!(calls.load(Ordering::SeqCst), calls_before);
}

#[tokio::test]
async fn a_failing_token_provider_fails_the_call_before_any_request() {
    let server = TestServer::start([chat_answer()]).await;
    let provider = token_provider_fn(|| async { Err(Error::invalid_argument("credentials", "Entra ID refused")) });
    let azure = create_azure(AzureSettings::default().with_base_url(server.url("/openai")).with_token_provider(provider));
    let error = azure.chat("d").do_generate(&call()).await.unwrap_err();
    assert!(error.to_string().contains("Entra ID refused"), "{error}");
    assert_eq!(server.pending(), 1, "nothing was sent");
}

#[test]
fn settings_debug_hides_the_key() {
    let settings = AzureSettings::default().with_api_key("secret-azure-key");
    assert!(!format!("{settings:?}").contains("secret-azure-key"));
}
