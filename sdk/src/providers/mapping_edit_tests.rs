//! Editing a first-party mapping changes what its provider sends: each test builds a provider
//! from a modified copy of its `ProviderMapping` (another base URL, path, auth form, static
//! header, key variable, retryable statuses, option rules and limits), makes calls against the
//! test server, and checks the requests the server received and which statuses are retried. This
//! is the proof that the Rust reads these constants from the mapping and restates none of them.

use std::time::Duration;

use serde_json::{Value, json};
use specai_generated::mappings::{Operation, ProviderMapping};

use crate::error::{Error, Result};
use crate::provider::{CallOptions, GenerateResponse, LanguageModel, Message};
use crate::provider_utils::test_server::{RecordedRequest, TestResponse, TestServer};
use crate::retry::{RetryPolicy, retry_with_backoff};

const KEY: &str = "secret-key-123";

/// The mapping with the test server's base URL (under `/edited`), no base-URL variable (so the
/// environment cannot override it), a key variable of the test's own, status 418 as the only
/// retryable one (and no retryable error type), and an extra static header.
fn edited(mapping: &ProviderMapping, server: &TestServer, extra_headers: &'static [(&'static str, &'static str)]) -> ProviderMapping {
    let mut mapping = *mapping;
    mapping.base_url = Some(Box::leak(server.url("/edited").into_boxed_str()));
    mapping.base_url_env = None;
    mapping.api_key.env = &["SPECAI_TEST_EDITED_MAPPING_KEY"];
    mapping.api_key.deprecated_env = &[];
    mapping.errors.retryable_statuses = &[418];
    mapping.errors.retryable_types = &[];
    mapping.request.headers = extra_headers;
    mapping
}

/// The same operation at another path.
fn moved(operation: Option<Operation>, path: &'static str) -> Option<Operation> {
    operation.map(|operation| Operation { path, ..operation })
}

/// One call, retried at once (no delay) when its error is retryable.
async fn call_with_one_retry(model: &dyn LanguageModel) -> Result<GenerateResponse> {
    let policy = RetryPolicy { max_retries: 1, initial_delay: Duration::ZERO, ..RetryPolicy::default() };
    let options = CallOptions::new(vec![Message::user("hi")]);
    retry_with_backoff(&policy, || model.do_generate(&options)).await
}

/// 418 (the edited mapping's retryable status) is retried and the answer then read; 503 (no
/// longer in the list) is not retried.
async fn assert_retries_follow_the_mapping(server: &TestServer, model: &dyn LanguageModel, error_body: Value, answer: Value) {
    server.push(TestResponse::json(418, error_body.clone()));
    server.push(TestResponse::json(200, answer));
    server.push(TestResponse::json(503, error_body));
    let before = server.requests().len();
    call_with_one_retry(model).await.expect("418 is retried, then the answer is read");
    assert_eq!(server.requests().len(), before + 2);
    let error = call_with_one_retry(model).await.expect_err("503 fails");
    assert!(!error.is_retryable(), "{error:?}");
    assert_debug_hides_the_key(&[&error]);
    assert_eq!(server.requests().len(), before + 3, "503 is not retried");
}

/// A missing key names the mapping's (edited) key variable.
async fn assert_missing_key_names_the_mapping_variable(model: &dyn LanguageModel) {
    match model.do_generate(&CallOptions::new(vec![Message::user("hi")])).await {
        Err(Error::MissingApiKey { env_var, .. }) => assert_eq!(env_var, "SPECAI_TEST_EDITED_MAPPING_KEY"),
        other => panic!("{other:?}"),
    }
}

/// `Debug` of everything a user holds, after a call (the key is in the built headers), never
/// shows the key.
fn assert_debug_hides_the_key(values: &[&dyn std::fmt::Debug]) {
    for value in values {
        let text = format!("{value:?}");
        assert!(!text.contains(KEY), "the key leaked: {text}");
    }
}

/// The request of one successful call.
async fn first_request(model: &dyn LanguageModel, server: &TestServer) -> RecordedRequest {
    model.do_generate(&CallOptions::new(vec![Message::user("hi")])).await.unwrap();
    server.requests().remove(0)
}

#[cfg(feature = "openai")]
#[tokio::test]
async fn editing_the_openai_mapping_changes_what_openai_sends() {
    use specai_generated::mappings::{Auth, OPENAI};

    use crate::openai::{OpenAiSettings, create_openai_from_mapping};

    let answer = json!({"id": "c", "object": "chat.completion", "created": 1, "model": "m",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": "ok"}, "finish_reason": "stop"}]});
    let server = TestServer::start(vec![TestResponse::json(200, answer.clone())]).await;
    let mut mapping = edited(&OPENAI, &server, &[("x-edited", "openai")]);
    mapping.auth = Auth::Header { name: "x-edited-key", scheme: Some("Key") };
    mapping.operations.chat = moved(mapping.operations.chat, "/v2/chat");
    let settings = OpenAiSettings::default().with_api_key(KEY);
    let provider = create_openai_from_mapping(mapping, settings.clone());
    let model = provider.chat("gpt-4o-mini");

    let request = first_request(&model, &server).await;
    assert_eq!(request.path, "/edited/v2/chat");
    assert_eq!(request.header("x-edited-key"), Some("Key secret-key-123"));
    assert_eq!(request.header("authorization"), None, "the bearer form is the mapping's, now replaced");
    assert_eq!(request.header("x-edited"), Some("openai"));
    assert_debug_hides_the_key(&[&provider, &settings, &model]);

    let error_body = json!({"error": {"message": "busy", "type": "teapot"}});
    assert_retries_follow_the_mapping(&server, &model, error_body, answer).await;
    let keyless = create_openai_from_mapping(mapping, OpenAiSettings::default());
    assert_missing_key_names_the_mapping_variable(&keyless.chat("gpt-4o-mini")).await;
}

/// The per-model option rules are the mapping's too: `flex` is dropped for `gpt-4o-mini` under
/// the first-party rules, and sent once an edited mapping lists the model.
#[cfg(feature = "openai")]
#[tokio::test]
async fn editing_the_openai_option_rules_changes_which_service_tier_is_sent() {
    use specai_generated::mappings::{ModelOptionRule, OPENAI};

    use crate::openai::{OpenAiSettings, create_openai_from_mapping};
    use crate::provider::ProviderOptions;

    let answer = json!({"id": "c", "object": "chat.completion", "created": 1, "model": "m",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": "ok"}, "finish_reason": "stop"}]});
    let server = TestServer::start(vec![TestResponse::json(200, answer.clone()), TestResponse::json(200, answer)]).await;
    let mut options = CallOptions::new(vec![Message::user("hi")]);
    options.provider_options = ProviderOptions::new().with("openai", json!({"service_tier": "flex"}));
    let first_party = edited(&OPENAI, &server, &[]);
    static FLEX_FOR_GPT_4O: [ModelOptionRule; 1] =
        [ModelOptionRule { option: "service_tier", value: "flex", models: &["gpt-4o*"], except: &[] }];
    let mut widened = first_party;
    widened.model_option_rules = &FLEX_FOR_GPT_4O;

    let settings = OpenAiSettings::default().with_api_key(KEY);
    let dropped = create_openai_from_mapping(first_party, settings.clone()).chat("gpt-4o-mini").do_generate(&options).await.unwrap();
    let sent = create_openai_from_mapping(widened, settings).chat("gpt-4o-mini").do_generate(&options).await.unwrap();
    let requests = server.requests();
    assert!(requests[0].json().get("service_tier").is_none(), "{}", requests[0].json());
    assert!(dropped.warnings.iter().any(|warning| format!("{warning:?}").contains("service_tier")), "{:?}", dropped.warnings);
    assert_eq!(requests[1].json()["service_tier"], "flex");
    assert!(sent.warnings.is_empty(), "{:?}", sent.warnings);
}

#[cfg(all(feature = "openai", feature = "image"))]
#[tokio::test]
async fn editing_the_openai_option_rules_changes_which_image_format_is_asked_for() {
    use specai_generated::mappings::{ModelOptionRule, OPENAI};

    use crate::openai::{OpenAiSettings, create_openai_from_mapping};
    use crate::provider::{ImageModel, ImageOptions};

    let answer = json!({"created": 1, "data": [{"b64_json": "aGk="}]});
    let server = TestServer::start(vec![TestResponse::json(200, answer.clone()), TestResponse::json(200, answer)]).await;
    let first_party = edited(&OPENAI, &server, &[]);
    // The SDK's own choice of `b64_json`, no longer taken by dall-e models: not sent, no warning.
    static NO_BASE64_FOR_DALL_E: [ModelOptionRule; 1] =
        [ModelOptionRule { option: "response_format", value: "b64_json", models: &["*"], except: &["dall-e*"] }];
    let mut narrowed = first_party;
    narrowed.model_option_rules = &NO_BASE64_FOR_DALL_E;

    let settings = OpenAiSettings::default().with_api_key(KEY);
    let options = ImageOptions::new("A square", 1);
    create_openai_from_mapping(first_party, settings.clone()).image("dall-e-2").do_generate(&options).await.unwrap();
    let result = create_openai_from_mapping(narrowed, settings).image("dall-e-2").do_generate(&options).await.unwrap();
    let requests = server.requests();
    assert_eq!(requests[0].json()["response_format"], "b64_json");
    assert!(requests[1].json().get("response_format").is_none(), "{}", requests[1].json());
    assert!(result.warnings.is_empty(), "{:?}", result.warnings);
}

/// A Messages API answer.
#[cfg(feature = "anthropic")]
fn anthropic_answer() -> Value {
    json!({"id": "msg_1", "type": "message", "role": "assistant", "model": "claude-sonnet-4-5",
        "content": [{"type": "text", "text": "ok"}], "stop_reason": "end_turn", "stop_sequence": null,
        "usage": {"input_tokens": 1, "output_tokens": 1}})
}

#[cfg(feature = "anthropic")]
#[tokio::test]
async fn editing_the_anthropic_mapping_changes_what_anthropic_sends() {
    use specai_generated::mappings::{ANTHROPIC, Auth};

    use crate::anthropic::{AnthropicSettings, create_anthropic_from_mapping};

    let answer = anthropic_answer();
    let server = TestServer::start(vec![TestResponse::json(200, answer.clone())]).await;
    let mut mapping = edited(&ANTHROPIC, &server, &[("anthropic-version", "2099-01-01"), ("x-edited", "anthropic")]);
    mapping.auth = Auth::Header { name: "x-edited-key", scheme: None };
    mapping.operations.chat = moved(mapping.operations.chat, "/v2/messages");
    let settings = AnthropicSettings::default().with_api_key(KEY);
    let provider = create_anthropic_from_mapping(mapping, settings.clone());
    let model = provider.language_model("claude-sonnet-4-5");

    let request = first_request(&model, &server).await;
    assert_eq!(request.path, "/edited/v2/messages");
    assert_eq!(request.header("x-edited-key"), Some(KEY));
    assert_eq!(request.header("x-api-key"), None, "the auth header's name is the mapping's");
    assert_eq!(request.header("anthropic-version"), Some("2099-01-01"));
    assert_eq!(request.header("x-edited"), Some("anthropic"));
    assert_debug_hides_the_key(&[&provider, &settings, &model]);

    let error_body = json!({"type": "error", "error": {"type": "overloaded_error", "message": "busy"}});
    assert_retries_follow_the_mapping(&server, &model, error_body, answer).await;
    let keyless = create_anthropic_from_mapping(mapping, AnthropicSettings::default());
    assert_missing_key_names_the_mapping_variable(&keyless.language_model("claude-sonnet-4-5")).await;
}

/// The default `max_tokens` of a Claude model is the mapping's `max_output_tokens` for it.
#[cfg(feature = "anthropic")]
#[tokio::test]
async fn editing_the_anthropic_model_overrides_changes_the_default_max_tokens() {
    use specai_generated::mappings::{ANTHROPIC, ModelOverride};

    use crate::anthropic::{AnthropicSettings, create_anthropic_from_mapping};

    let server = TestServer::start(vec![TestResponse::json(200, anthropic_answer()), TestResponse::json(200, anthropic_answer())]).await;
    let mut mapping = edited(&ANTHROPIC, &server, &[]);
    let model = |mapping| create_anthropic_from_mapping(mapping, AnthropicSettings::default().with_api_key(KEY)).language_model("claude-sonnet-4-5");
    let sent_max_tokens = |request: RecordedRequest| request.json()["max_tokens"].clone();
    assert_eq!(sent_max_tokens(first_request(&model(mapping), &server).await), json!(64_000));

    let sonnet = mapping.override_for("claude-sonnet-4-5").copied().expect("the mapping names Sonnet 4.5");
    mapping.model_overrides = Box::leak(Box::new([ModelOverride { max_output_tokens: Some(1_000), ..sonnet }]));
    model(mapping).do_generate(&CallOptions::new(vec![Message::user("hi")])).await.unwrap();
    assert_eq!(sent_max_tokens(server.requests().remove(1)), json!(1_000));
}

#[cfg(feature = "google")]
#[tokio::test]
async fn editing_the_google_mapping_changes_what_google_sends() {
    use specai_generated::mappings::{Auth, GOOGLE};

    use crate::google::{GoogleSettings, create_google_from_mapping};

    let answer = json!({"candidates": [{"content": {"role": "model", "parts": [{"text": "ok"}]}, "finishReason": "STOP"}],
        "usageMetadata": {"promptTokenCount": 1, "candidatesTokenCount": 1, "totalTokenCount": 2}});
    let server = TestServer::start(vec![TestResponse::json(200, answer.clone())]).await;
    let mut mapping = edited(&GOOGLE, &server, &[("x-edited", "google")]);
    // The key in the query: the URL is built per call.
    mapping.auth = Auth::Query { param: "key" };
    mapping.operations.chat = moved(mapping.operations.chat, "/v2/models/{model}:generate");
    let settings = GoogleSettings::default().with_api_key(KEY);
    let provider = create_google_from_mapping(mapping, settings.clone());
    let model = provider.language_model("gemini-2.5-flash");

    let request = first_request(&model, &server).await;
    assert_eq!(request.path, "/edited/v2/models/gemini-2.5-flash:generate?key=secret-key-123");
    assert_eq!(request.header("x-goog-api-key"), None, "the auth form is the mapping's");
    assert_eq!(request.header("x-edited"), Some("google"));
    assert_debug_hides_the_key(&[&provider, &settings, &model]);

    let error_body = json!({"error": {"code": 503, "message": "busy", "status": "UNAVAILABLE"}});
    assert_retries_follow_the_mapping(&server, &model, error_body, answer).await;
    let keyless = create_google_from_mapping(mapping, GoogleSettings::default());
    assert_missing_key_names_the_mapping_variable(&keyless.language_model("gemini-2.5-flash")).await;
}

#[cfg(all(feature = "google", feature = "embedding", feature = "image"))]
#[tokio::test]
async fn editing_the_google_limits_changes_how_calls_are_split() {
    use specai_generated::mappings::{GOOGLE, Limits, ModelOverride};

    use crate::google::{GoogleSettings, create_google_from_mapping};
    use crate::provider::{EmbeddingModel, ImageModel};

    let batch = |count: usize| {
        let embeddings: Vec<Value> = (0..count).map(|index| json!({"values": [index as f32]})).collect();
        TestResponse::json(200, json!({"embeddings": embeddings}))
    };
    let server = TestServer::start(vec![batch(2), batch(2), batch(2)]).await;
    let mut mapping = edited(&GOOGLE, &server, &[]);
    mapping.limits.embeddings_per_call = Some(2);
    // Imagen's override (four a call) becomes three; a model the override does not name keeps
    // the provider's one.
    let imagen = mapping.override_for("imagen-4.0-generate-001").copied();
    let imagen = ModelOverride { limits: Limits { images_per_call: Some(3), ..Limits::default() }, ..imagen.expect("the mapping names Imagen") };
    mapping.model_overrides = Box::leak(Box::new([imagen]));
    let provider = create_google_from_mapping(mapping, GoogleSettings::default().with_api_key(KEY));

    assert_eq!(provider.image_model("imagen-4.0-generate-001").max_images_per_call(), Some(3));
    assert_eq!(provider.image_model("gemini-2.5-flash-image").max_images_per_call(), Some(1));
    let model = provider.embedding_model("gemini-embedding-001");
    assert_eq!(model.max_embeddings_per_call(), Some(2));
    let values: Vec<String> = (0..6).map(|index| format!("value {index}")).collect();
    let result = crate::embed_many(model.clone()).values(values.clone()).max_parallel_calls(1).await.unwrap();
    assert_eq!(result.embeddings.len(), 6);
    let sizes: Vec<usize> = server.requests().iter().map(|request| request.json()["requests"].as_array().map_or(0, Vec::len)).collect();
    assert_eq!(sizes, [2, 2, 2], "six values in calls of the edited limit (the mapping says 100)");
    let error = model.do_embed(&crate::provider::EmbedOptions::new(values)).await.expect_err("one call over the limit");
    assert!(matches!(error, Error::InvalidArgument { .. }), "{error:?}");
    assert_eq!(server.requests().len(), 3, "nothing is sent over the limit");
}

#[cfg(feature = "google")]
#[tokio::test]
async fn editing_the_google_model_families_changes_where_system_text_goes() {
    use specai_generated::mappings::{GOOGLE, ModelFamily};

    use crate::google::{GoogleSettings, create_google_from_mapping};

    let answer = json!({"candidates": [{"content": {"role": "model", "parts": [{"text": "ok"}]}, "finishReason": "STOP"}],
        "usageMetadata": {"promptTokenCount": 1, "candidatesTokenCount": 1, "totalTokenCount": 2}});
    let server = TestServer::start(vec![TestResponse::json(200, answer.clone()), TestResponse::json(200, answer)]).await;
    let first_party = edited(&GOOGLE, &server, &[]);
    // The `gemma` family (no system instruction) now also names a Gemini model.
    static GEMINI_AS_GEMMA: [ModelFamily; 1] = [ModelFamily { family: "gemma", models: &["gemini-2.5-flash"] }];
    let mut widened = first_party;
    widened.model_families = &GEMINI_AS_GEMMA;

    let options = CallOptions::new(vec![Message::system("Be brief."), Message::user("hi")]);
    let settings = GoogleSettings::default().with_api_key(KEY);
    create_google_from_mapping(first_party, settings.clone()).language_model("gemini-2.5-flash").do_generate(&options).await.unwrap();
    create_google_from_mapping(widened, settings).language_model("gemini-2.5-flash").do_generate(&options).await.unwrap();
    let requests = server.requests();
    assert_eq!(requests[0].json()["systemInstruction"]["parts"][0]["text"], "Be brief.");
    assert!(requests[1].json().get("systemInstruction").is_none(), "{}", requests[1].json());
    assert_eq!(requests[1].json()["contents"][0]["parts"][0]["text"], "Be brief.\n\n");
}
