//! No secret in `Debug` or `Display`: every public type that holds settings (settings, providers,
//! models of every kind, the run-time builder), built with an API key and a base URL carrying
//! `user:password@`, and the errors of a failed call, print neither the key nor the password.
//! A mapping whose key travels in a query parameter of its own name has that parameter removed
//! too, by what the mapping declares rather than by a list of usual names.

use serde_json::json;

use crate::provider::{CallOptions, LanguageModel, Message};
use crate::provider_utils::test_server::{TestResponse, TestServer};

const KEY: &str = "sk-secret-key-4242";
const PASSWORD: &str = "hunter2-password";

/// The server's URL with `user:PASSWORD@` in it.
fn base_url(server: &TestServer, path: &str) -> String {
    server.url(path).replacen("http://", &format!("http://user:{PASSWORD}@"), 1)
}

fn assert_clean(name: &str, text: &str) {
    assert!(!text.contains(KEY), "{name} shows the key: {text}");
    assert!(!text.contains(PASSWORD), "{name} shows the password: {text}");
}

fn assert_debug_clean(values: &[(&str, &dyn std::fmt::Debug)]) {
    for (name, value) in values {
        assert_clean(name, &format!("{value:?}"));
        assert_clean(name, &format!("{value:#?}"));
    }
}

/// A call that fails with an API error; its `Display` and `Debug` are clean.
async fn assert_error_clean(name: &str, model: &dyn LanguageModel) {
    let error = model.do_generate(&CallOptions::new(vec![Message::user("hi")])).await.expect_err("the server answers 400");
    assert_clean(name, &error.to_string());
    assert_clean(name, &format!("{error:?}"));
}

fn failing_server_responses() -> Vec<TestResponse> {
    (0..8).map(|_| TestResponse::json(400, json!({"error": {"message": "bad", "type": "invalid_request_error"}}))).collect()
}

#[cfg(feature = "openai")]
#[tokio::test]
async fn openai_types_print_no_secret() {
    use crate::openai::{OpenAiSettings, create_openai};
    let server = TestServer::start(failing_server_responses()).await;
    let settings = OpenAiSettings::default().with_api_key(KEY).with_base_url(base_url(&server, "/v1"));
    let provider = create_openai(settings.clone());
    let chat = provider.chat("gpt-4o");
    assert_error_clean("chat error", &chat).await;
    assert_debug_clean(&[
        ("settings", &settings),
        ("provider", &provider),
        ("chat model", &chat),
        ("completion model", &provider.completion("gpt-3.5-turbo-instruct")),
    ]);
    #[cfg(feature = "openai-responses")]
    {
        let responses = provider.responses("gpt-4o");
        assert_error_clean("responses error", &responses).await;
        assert_debug_clean(&[("responses model", &responses)]);
    }
    #[cfg(feature = "embedding")]
    assert_debug_clean(&[("embedding model", &provider.embedding("text-embedding-3-small"))]);
    #[cfg(feature = "image")]
    assert_debug_clean(&[("image model", &provider.image("gpt-image-1"))]);
    #[cfg(feature = "speech")]
    assert_debug_clean(&[("speech model", &provider.speech("gpt-4o-mini-tts"))]);
    #[cfg(feature = "transcription")]
    assert_debug_clean(&[("transcription model", &provider.transcription("whisper-1"))]);
}

#[cfg(feature = "anthropic")]
#[tokio::test]
async fn anthropic_types_print_no_secret() {
    use crate::anthropic::{AnthropicSettings, create_anthropic};
    let server = TestServer::start(failing_server_responses()).await;
    let settings = AnthropicSettings::default().with_api_key(KEY).with_base_url(base_url(&server, "/v1"));
    let provider = create_anthropic(settings.clone());
    let model = provider.language_model("claude-sonnet-4-5");
    assert_error_clean("anthropic error", &model).await;
    assert_debug_clean(&[("settings", &settings), ("provider", &provider), ("model", &model)]);
}

#[cfg(feature = "google")]
#[tokio::test]
async fn google_types_print_no_secret() {
    use crate::google::{GoogleSettings, create_google};
    let server = TestServer::start(failing_server_responses()).await;
    let settings = GoogleSettings::default().with_api_key(KEY).with_base_url(base_url(&server, "/v1beta"));
    let provider = create_google(settings.clone());
    let model = provider.language_model("gemini-2.5-flash");
    assert_error_clean("google error", &model).await;
    assert_debug_clean(&[("settings", &settings), ("provider", &provider), ("model", &model)]);
    #[cfg(feature = "embedding")]
    assert_debug_clean(&[("embedding model", &provider.embedding_model("text-embedding-004"))]);
}

#[cfg(feature = "openai-compatible")]
#[tokio::test]
async fn compatible_types_print_no_secret() {
    use crate::openai_compatible::{OpenAiCompatibleSettings, create_openai_compatible};
    let server = TestServer::start(failing_server_responses()).await;
    // A caller's own query parameter carries the key too.
    let settings = OpenAiCompatibleSettings::default()
        .with_api_key(KEY)
        .with_base_url(base_url(&server, "/openai/v1"))
        .with_query_param("token", KEY);
    let provider = create_openai_compatible("groq", settings.clone()).unwrap();
    let chat = provider.chat("llama-3.3-70b-versatile");
    assert_error_clean("compatible error", &chat).await;
    let own_settings = OpenAiCompatibleSettings::default().with_base_url(base_url(&server, "/v1")).with_api_key(KEY).with_query_param("token", KEY);
    let built = create_openai_compatible("local", own_settings.clone()).unwrap();
    assert_debug_clean(&[
        ("settings", &settings),
        ("provider", &provider),
        ("chat model", &chat),
        ("completion model", &provider.completion("m")),
        ("own server's settings", &own_settings),
        ("built provider", &built),
        ("built model", &built.chat("m")),
    ]);
    #[cfg(feature = "embedding")]
    assert_debug_clean(&[("embedding model", &provider.embedding("m"))]);
    #[cfg(feature = "image")]
    assert_debug_clean(&[("image model", &provider.image("m"))]);
}

#[cfg(feature = "openai-compatible")]
#[tokio::test]
async fn a_key_parameter_the_mapping_declares_is_removed_by_its_name() {
    use specai_generated::mappings::{Auth, OPENAI_COMPATIBLE};

    use crate::openai_compatible::{OpenAiCompatibleSettings, from_mapping};
    let server = TestServer::start(failing_server_responses()).await;
    let mut mapping = OPENAI_COMPATIBLE;
    // Not one of the usual names (`key`, `api-key`...): only the mapping says it is the key.
    mapping.auth = Auth::Query { param: "subscription-code" };
    let settings = OpenAiCompatibleSettings::default().with_api_key(KEY).with_base_url(server.url("/v1"));
    let provider = from_mapping(&mapping, settings);
    let model = provider.chat("m");
    assert_error_clean("query-auth error", &model).await;
    assert!(server.requests()[0].path.ends_with(&format!("subscription-code={KEY}")), "the key was sent in the query");
    assert_debug_clean(&[("provider", &provider), ("model", &model)]);
}
