//! `do_generate` failures and set-up: error bodies, retryable statuses, misspelt options, the
//! registry, document citations, the caller's HTTP client and the generated client.

use serde_json::json;
use specai::Error;
use specai::anthropic::{AnthropicSettings, create_anthropic};
use specai::provider::{CallOptions, Content, LanguageModel, Message, Source, UserPart};

use super::generate::anthropic_options;
use super::{API_KEY, MODEL, PROVIDER, assert_messages_request, provider};
use crate::support::fixtures::{error_response, json_response};
use specai::provider_utils::test_server::TestServer;

#[tokio::test]
async fn error_body_becomes_an_api_call_error() {
    let server = TestServer::start([error_response(PROVIDER, "error_invalid_request", 400)]).await;
    let model = provider(&server).language_model(MODEL);

    let error = model.do_generate(&CallOptions::new(vec![Message::user("Hi")])).await.unwrap_err();

    let Error::ApiCall(error) = error else { panic!("{error:?}") };
    assert_eq!(error.status, 400);
    assert_eq!(error.message, "messages.0.content: Input should be a valid list");
    assert_eq!(error.error_type.as_deref(), Some("invalid_request_error"));
    assert!(error.url.ends_with("/v1/messages"));
    assert!(error.response_body.as_deref().unwrap().contains("invalid_request_error"));
    assert!(!error.is_retryable);
    assert!(!format!("{error:?}").contains(API_KEY));
}

#[tokio::test]
async fn overloaded_529_is_retryable() {
    let server = TestServer::start([error_response(PROVIDER, "error_overloaded", 529)]).await;
    let model = provider(&server).language_model(MODEL);

    let error = model.do_generate(&CallOptions::new(vec![Message::user("Hi")])).await.unwrap_err();

    assert!(error.is_retryable());
    let error = error.as_api_call().unwrap();
    assert_eq!((error.status, error.error_type.as_deref()), (529, Some("overloaded_error")));
    assert_eq!(error.message, "Overloaded");
}

#[tokio::test]
async fn misspelt_provider_option_is_an_error_naming_it() {
    let server = TestServer::start([]).await;
    let model = provider(&server).language_model(MODEL);
    let mut options = CallOptions::new(vec![Message::user("Hi")]);
    options.provider_options = anthropic_options(json!({"thinkin": {"type": "enabled", "budget_tokens": 1024}}));

    let error = model.do_generate(&options).await.unwrap_err();

    assert!(matches!(&error, Error::InvalidArgument { message, .. } if message.contains("thinkin")), "{error:?}");
    assert!(server.requests().is_empty(), "nothing is sent");
}

#[tokio::test]
async fn registry_resolves_anthropic_models() {
    let server = TestServer::start([json_response(PROVIDER, "text")]).await;
    let registry = specai::create_provider_registry().provider("anthropic", provider(&server)).build();

    let model = registry.language_model(&format!("anthropic:{MODEL}")).unwrap();
    let response = model.do_generate(&CallOptions::new(vec![Message::user("Hello!")])).await.unwrap();

    assert_eq!(model.model_id(), MODEL);
    assert_eq!(model.provider(), "anthropic.messages");
    assert_eq!(response.content, vec![Content::text("Hello! How can I help you today?")]);

    // The default provider resolves without a key; the key is needed only when calling.
    let registry = specai::create_provider_registry()
        .provider("anthropic", create_anthropic(Default::default()))
        .build();
    assert_eq!(registry.language_model("anthropic:claude-opus-4-1").unwrap().model_id(), "claude-opus-4-1");
}

#[tokio::test]
async fn document_citations_become_document_sources() {
    let server = TestServer::start([json_response(PROVIDER, "document_citations")]).await;
    let model = provider(&server).language_model(MODEL);
    let options = CallOptions::new(vec![Message::user_parts(vec![
        UserPart::File(
            specai::provider::FilePart::new(
                specai::provider::FileData::Url("https://example.com/annual-report-2024.pdf".into()),
                "application/pdf",
            )
            .with_filename("annual-report-2024.pdf")
            .with_provider_options(anthropic_options(
                json!({"citations": {"enabled": true}, "title": "Annual report 2024"}),
            )),
        ),
        UserPart::text("How did revenue develop?"),
    ])]);

    let response = model.do_generate(&options).await.unwrap();

    let body = assert_messages_request(&server.single_request());
    assert_eq!(
        body["messages"][0]["content"][0],
        json!({"type": "document", "source": {"type": "url", "url": "https://example.com/annual-report-2024.pdf"},
               "title": "Annual report 2024", "citations": {"enabled": true}})
    );
    let texts: String = response.content.iter().filter_map(Content::as_text).collect();
    assert_eq!(texts, "According to the report, revenue grew 12% in 2024.");
    let sources: Vec<_> = response.content.iter().filter(|item| matches!(item, Content::Source(_))).collect();
    assert_eq!(
        sources,
        [&Content::Source(Source::Document {
            id: "citation:0".into(),
            media_type: "application/pdf".into(),
            title: "Annual report 2024".into(),
            filename: Some("annual-report-2024.pdf".into()),
            provider_metadata: Some(anthropic_options(json!({
                "cited_text": "Revenue grew 12% year over year, driven by subscriptions.",
                "start_page_number": 2,
                "end_page_number": 3
            }))),
        })]
    );
}

#[tokio::test]
async fn the_callers_reqwest_client_is_used() {
    let server = TestServer::start([json_response(PROVIDER, "text")]).await;
    let mut default_headers = http::HeaderMap::new();
    default_headers.insert("x-from-client", http::HeaderValue::from_static("yes"));
    let client = reqwest::Client::builder().default_headers(default_headers).build().unwrap();
    let provider = create_anthropic(AnthropicSettings::default().with_api_key(API_KEY).with_base_url(format!("{}/", server.url("/v1"))).with_client(client));

    provider.language_model(MODEL).do_generate(&CallOptions::new(vec![Message::user("Hello!")])).await.unwrap();

    let request = server.single_request();
    assert_messages_request(&request);
    assert_eq!(request.header("x-from-client"), Some("yes"));
}

#[tokio::test]
async fn generated_client_lists_models_with_the_providers_headers() {
    let server = TestServer::start([json_response(PROVIDER, "models").for_path("/v1/models")]).await;

    let client = provider(&server).api_client().unwrap();
    let models = client.list_models(None, None, Some(20)).await.unwrap().into_inner();

    let ids: Vec<_> = models.data.iter().map(|model| model.id.as_str()).collect();
    assert_eq!(ids, ["claude-sonnet-4-5-20250929", "claude-opus-4-1-20250805"]);
    let request = server.single_request();
    assert_eq!((request.method.as_str(), request.path.as_str()), ("GET", "/v1/models?limit=20"));
    assert_eq!(request.header("x-api-key"), Some(API_KEY));
    assert_eq!(request.header("anthropic-version"), Some("2023-06-01"));
}
