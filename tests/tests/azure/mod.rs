//! Azure OpenAI against a scripted server on 127.0.0.1: fixtures from `tests/fixtures/azure/` in
//! Azure's documented shapes (chat completions with `prompt_filter_results` and
//! `content_filter_results`, streamed with the filter's annotations, its error bodies), through
//! the core functions. Every test asserts the URL (`/openai/v1/...?api-version=...`), the
//! `api-key` header and the body the server received.

use std::time::Duration;

use futures::StreamExt;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::json;
use specai::azure::types::{ContentFilterBlocklists, ContentFilterSeverity, InnerErrorCode};
use specai::azure::{AzureProvider, AzureSettings, content_filter_error_results, content_filter_results, create_azure, prompt_filter_results};
use specai::provider::FinishReason;
use specai::provider_utils::test_server::{RecordedRequest, TestResponse, TestServer};
use specai::retry::RetryPolicy;
use specai::{Tool, ToolError, embed_many, generate_image, generate_object, generate_text, step_count_is, stream_text, transcribe};

use crate::support::fixtures::{error_response, json_response, sse_response};

const FIXTURES: &str = "azure";

fn provider(server: &TestServer) -> AzureProvider {
    create_azure(AzureSettings::default().with_base_url(server.url("/openai")).with_api_key("azure-test-key"))
}

/// The path, the key header and the JSON body's deployment.
fn assert_azure_request(request: &RecordedRequest, path: &str) -> serde_json::Value {
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, path);
    assert_eq!(request.header("api-key"), Some("azure-test-key"));
    assert_eq!(request.header("authorization"), None);
    request.json()
}

#[derive(Debug, Deserialize, JsonSchema, PartialEq)]
struct Person {
    name: String,
    age: u32,
}

#[derive(Debug, Deserialize, JsonSchema)]
struct WeatherInput {
    city: String,
}

#[tokio::test]
async fn a_filtered_completion_ends_with_content_filter_and_keeps_the_verdicts() {
    let server = TestServer::start([json_response(FIXTURES, "chat_content_filter")]).await;
    let result = generate_text(provider(&server).chat("gpt-4o")).prompt("Write a duel scene.").await.unwrap();
    assert_eq!(result.finish_reason(), FinishReason::ContentFilter);
    assert_eq!(result.text(), "The duel began at dawn and");
    let azure = result.provider_metadata().and_then(|metadata| metadata.get("azure")).expect("azure metadata");
    assert_eq!(azure["content_filter_results"]["violence"], json!({"filtered": true, "severity": "medium"}));
    assert_eq!(azure["prompt_filter_results"][0]["content_filter_results"]["jailbreak"]["detected"], false);
    let body = assert_azure_request(&server.single_request(), "/openai/v1/chat/completions?api-version=v1");
    assert_eq!(body["model"], "gpt-4o");
    assert_eq!(body["messages"], json!([{"role": "user", "content": "Write a duel scene."}]));
}

#[tokio::test]
async fn a_stream_keeps_the_filter_annotations_across_empty_ones() {
    let server = TestServer::start([sse_response(FIXTURES, "chat_text")]).await;
    let mut result = stream_text(provider(&server).chat("gpt-4o")).prompt("Hi").start();
    let mut streamed = String::new();
    {
        let mut text = result.text_stream();
        while let Some(delta) = text.next().await {
            streamed.push_str(&delta.unwrap());
        }
    }
    assert_eq!(streamed, "Hello from Azure!");
    let result = result.into_result().await.unwrap();
    assert_eq!(result.finish_reason(), FinishReason::Stop);
    assert_eq!(result.total_usage.input_tokens.total, Some(9));
    let azure = result.provider_metadata().and_then(|metadata| metadata.get("azure")).expect("azure metadata");
    // The later chunks' empty `content_filter_results: {}` do not erase the verdict.
    assert_eq!(azure["content_filter_results"]["hate"], json!({"filtered": false, "severity": "safe"}));
    assert_eq!(azure["prompt_filter_results"][0]["prompt_index"], 0);
    let body = assert_azure_request(&server.single_request(), "/openai/v1/chat/completions?api-version=v1");
    assert_eq!(body["stream"], true);
    assert_eq!(body["stream_options"], json!({"include_usage": true}));
}

#[tokio::test]
async fn the_tool_loop_runs_on_a_deployment_url() {
    let server = TestServer::start([json_response(FIXTURES, "chat_tool_call"), json_response(FIXTURES, "chat_tool_followup")]).await;
    let provider = create_azure(
        AzureSettings::default()
            .with_base_url(server.url("/openai"))
            .with_api_key("azure-test-key")
            .with_deployment_based_urls()
            .with_api_version("2024-10-21"),
    );
    let weather = Tool::typed::<WeatherInput>("The weather in a city")
        .execute(|input: WeatherInput, _context| async move { Ok::<_, ToolError>(format!("4 °C in {}", input.city)) });
    let result = generate_text(provider.chat("prod-gpt-4o"))
        .prompt("Weather in Oslo?")
        .tool("weather", weather)
        .stop_when(step_count_is(3))
        .await
        .unwrap();
    assert_eq!(result.text(), "It is 4 °C in Oslo.");
    assert_eq!(result.steps.len(), 2);
    let requests = server.requests();
    let path = "/openai/deployments/prod-gpt-4o/chat/completions?api-version=2024-10-21";
    let first = assert_azure_request(&requests[0], path);
    assert_eq!(first["tools"][0]["function"]["name"], "weather");
    let second = assert_azure_request(&requests[1], path);
    assert_eq!(second["messages"][1]["tool_calls"][0]["id"], "call_azure1");
    assert_eq!(second["messages"][2], json!({"role": "tool", "tool_call_id": "call_azure1", "content": "4 °C in Oslo"}));
}

#[tokio::test]
async fn structured_output_sends_a_strict_json_schema() {
    let server = TestServer::start([json_response(FIXTURES, "chat_json_schema")]).await;
    let result = generate_object::<Person>(provider(&server).chat("gpt-4o")).prompt("Who?").await.unwrap();
    assert_eq!(result.output, Person { name: "Ada".into(), age: 36 });
    let body = assert_azure_request(&server.single_request(), "/openai/v1/chat/completions?api-version=v1");
    assert_eq!(body["response_format"]["type"], "json_schema");
    assert_eq!(body["response_format"]["json_schema"]["strict"], true);
}

#[tokio::test]
async fn responses_embeddings_images_and_transcription_use_azure_urls() {
    let server = TestServer::start([
        json_response(FIXTURES, "responses_text"),
        json_response(FIXTURES, "embedding"),
        json_response(FIXTURES, "image_b64"),
        json_response(FIXTURES, "transcription_text"),
        TestResponse::bytes(200, vec![0x49u8, 0x44, 0x33, 0x04], "audio/mpeg"),
    ])
    .await;
    let azure = provider(&server);
    let story = generate_text(azure.responses("gpt-4o-mini")).prompt("Story?").await.unwrap();
    assert!(story.text().starts_with("In a peaceful grove"));
    let embedded = embed_many(azure.embedding("text-embedding-3-small")).values(["a", "b"]).await.unwrap();
    assert_eq!(embedded.embeddings.len(), 2);
    let image = generate_image(azure.image("dall-e-3")).prompt("A red square").await.unwrap();
    assert_eq!(image.images.len(), 1);
    let transcript = transcribe(azure.transcription("whisper")).audio(vec![0u8; 16]).media_type("audio/wav").await.unwrap();
    assert!(transcript.text.starts_with("Imagine the wildest idea"));
    let speech = specai::generate_speech(azure.speech("tts")).text("Hello").await.unwrap();
    assert_eq!(speech.audio.as_ref(), [0x49, 0x44, 0x33, 0x04]);
    let paths: Vec<String> = server.requests().into_iter().map(|request| request.path).collect();
    assert_eq!(
        paths,
        [
            "/openai/v1/responses?api-version=v1",
            "/openai/v1/embeddings?api-version=v1",
            "/openai/v1/images/generations?api-version=v1",
            "/openai/v1/audio/transcriptions?api-version=v1",
            "/openai/v1/audio/speech?api-version=v1",
        ]
    );
    for request in server.requests() {
        assert_eq!(request.header("api-key"), Some("azure-test-key"));
    }
}

#[tokio::test]
async fn a_filtered_prompt_is_a_typed_error_with_azures_codes() {
    let server = TestServer::start([error_response(FIXTURES, "error_content_filter", 400)]).await;
    let error = generate_text(provider(&server).chat("gpt-4o")).prompt("…").await.unwrap_err();
    let api = error.as_api_call().expect("an API error");
    assert_eq!(api.status, 400);
    assert_eq!(api.code.as_deref(), Some("content_filter"));
    assert_eq!(api.error_type.as_deref(), Some("ResponsibleAIPolicyViolation"));
    assert!(api.message.starts_with("The response was filtered"), "{}", api.message);
    assert!(api.response_body.as_deref().is_some_and(|body| body.contains("\"violence\":{\"filtered\":true")));
    assert!(!error.is_retryable());
    // The inner error's verdicts (sent as `content_filter_result` here), typed.
    let verdicts = content_filter_error_results(&error).expect("the inner error's verdicts");
    assert_eq!(verdicts.violence.map(|violence| (violence.filtered, violence.severity)), Some((true, ContentFilterSeverity::High)));
}

#[tokio::test]
async fn blocklist_and_protected_code_verdicts_are_decoded_typed() {
    let server = TestServer::start([json_response(FIXTURES, "chat_protected_code")]).await;
    let provider = create_azure(
        AzureSettings::default()
            .with_base_url(server.url("/openai"))
            .with_api_key("azure-test-key")
            .with_deployment_based_urls()
            .with_api_version("2024-10-21"),
    );
    let result = generate_text(provider.chat("prod-gpt-4o")).prompt("Write a quicksort.").await.unwrap();
    assert_eq!(result.finish_reason(), FinishReason::Stop);
    assert!(result.text().starts_with("def quicksort"));
    let metadata = result.provider_metadata().expect("provider metadata");
    let choice = content_filter_results(metadata).expect("the choice's verdicts");
    let code = choice.protected_material_code.expect("protected code verdict");
    assert!(code.detected && !code.filtered);
    assert_eq!(code.citation.and_then(|citation| citation.url).as_deref(), Some("https://github.com/contoso/sorting/blob/main/quicksort.py"));
    let Some(ContentFilterBlocklists::ContentFilterBlocklistResults(blocklists)) = choice.custom_blocklists else {
        panic!("the blocklist verdicts with their details")
    };
    assert_eq!((blocklists.filtered, blocklists.details[0].id.as_str()), (false, "contoso-banned-terms"));
    let prompts = prompt_filter_results(metadata);
    let prompt = prompts[0].content_filter_results.as_ref().expect("the prompt's verdicts");
    assert_eq!(prompt.indirect_attack.as_ref().map(|attack| attack.detected), Some(false));
    assert_eq!(prompt.violence.as_ref().map(|violence| violence.severity.clone()), Some(ContentFilterSeverity::Safe));
    // The metadata keeps Azure's wire names and values.
    let wire = crate::support::fixtures::json_value(FIXTURES, "chat_protected_code");
    assert_eq!(metadata.get("azure").unwrap()["content_filter_results"], wire["choices"][0]["content_filter_results"]);
    let body = assert_azure_request(&server.single_request(), "/openai/deployments/prod-gpt-4o/chat/completions?api-version=2024-10-21");
    assert_eq!(body["messages"], json!([{"role": "user", "content": "Write a quicksort."}]));
}

#[tokio::test]
async fn a_stream_cut_short_by_the_filter_ends_with_content_filter_and_its_verdict() {
    let server = TestServer::start([sse_response(FIXTURES, "chat_filtered")]).await;
    let mut result = stream_text(provider(&server).chat("gpt-4o")).prompt("Tell a battle story.").start();
    let mut streamed = String::new();
    {
        let mut text = result.text_stream();
        while let Some(delta) = text.next().await {
            streamed.push_str(&delta.unwrap());
        }
    }
    assert_eq!(streamed, "The knight drew his sword and");
    let result = result.into_result().await.unwrap();
    assert_eq!(result.finish_reason(), FinishReason::ContentFilter);
    assert_eq!(result.total_usage.input_tokens.total, Some(11));
    let metadata = result.provider_metadata().expect("provider metadata");
    // The verdict of the last chunk that carried one: the one that stopped the completion.
    let violence = content_filter_results(metadata).and_then(|choice| choice.violence).expect("a violence verdict");
    assert_eq!((violence.filtered, violence.severity), (true, ContentFilterSeverity::High));
    let prompt = prompt_filter_results(metadata);
    assert_eq!(prompt[0].content_filter_results.as_ref().and_then(|results| results.violence.as_ref()).map(|v| v.severity.clone()), Some(ContentFilterSeverity::Low));
    let body = assert_azure_request(&server.single_request(), "/openai/v1/chat/completions?api-version=v1");
    assert_eq!(body["stream"], true);
    assert_eq!(body["model"], "gpt-4o");
}

#[tokio::test]
async fn a_blocklisted_prompt_is_a_typed_error_with_its_inner_error() {
    let server = TestServer::start([error_response(FIXTURES, "error_blocklist", 400)]).await;
    let settings = AzureSettings::default().with_base_url(server.url("/openai")).with_api_key("azure-test-key").with_api_version("2025-04-01-preview");
    let error = generate_text(create_azure(settings).chat("gpt-4o")).prompt("…").await.unwrap_err();
    let api = error.as_api_call().expect("an API error");
    assert_eq!((api.status, api.code.as_deref(), api.param.as_deref()), (400, Some("content_filter"), Some("prompt")));
    assert_eq!(api.error_type.as_deref(), Some("ResponsibleAIPolicyViolation"));
    let azure = specai::azure::azure_error(&error).expect("Azure's error object");
    assert_eq!(azure.status, Some(400));
    assert_eq!(azure.innererror.as_ref().and_then(|inner| inner.code.clone()), Some(InnerErrorCode::ResponsibleAiPolicyViolation));
    let verdicts = content_filter_error_results(&error).expect("the inner error's verdicts");
    let Some(ContentFilterBlocklists::Array(blocklists)) = verdicts.custom_blocklists else { panic!("the blocklists that matched") };
    assert_eq!((blocklists[0].filtered, blocklists[0].id.as_str()), (true, "contoso-banned-terms"));
    assert_eq!(verdicts.jailbreak.map(|jailbreak| jailbreak.detected), Some(false));
    assert!(!error.is_retryable());
    assert_eq!(server.requests().len(), 1, "a refused prompt is not retried");
    assert_azure_request(&server.single_request(), "/openai/v1/chat/completions?api-version=2025-04-01-preview");
}

#[tokio::test]
async fn a_rate_limit_is_retried_after_the_servers_delay() {
    let server = TestServer::start([
        error_response(FIXTURES, "error_429", 429).header("retry-after", "0"),
        json_response(FIXTURES, "chat_json_schema"),
    ])
    .await;
    let policy = RetryPolicy { max_retries: 1, initial_delay: Duration::from_millis(5), ..RetryPolicy::default() };
    let result = generate_text(provider(&server).chat("gpt-4o")).prompt("Hi").retry_policy(policy).await.unwrap();
    assert!(result.text().contains("Ada"));
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_missing_deployment_is_not_retried_and_keeps_its_code() {
    let server = TestServer::start([error_response(FIXTURES, "error_404_deployment", 404)]).await;
    let error = generate_text(provider(&server).chat("nope")).prompt("Hi").await.unwrap_err();
    let api = error.as_api_call().unwrap();
    assert_eq!((api.status, api.code.as_deref()), (404, Some("DeploymentNotFound")));
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_cut_stream_is_an_error_after_the_text_so_far() {
    // The first three events (prompt filter, role, "Hello"), then the connection drops.
    let events = crate::support::fixtures::sse_chunks(FIXTURES, "chat_text").into_iter().take(3).collect::<Vec<_>>();
    let server = TestServer::start([TestResponse::sse_chunks(events).cut_connection()]).await;
    let mut result = stream_text(provider(&server).chat("gpt-4o")).prompt("Hi").start();
    let mut text = result.text_stream();
    let mut received = String::new();
    let mut failed = false;
    while let Some(delta) = text.next().await {
        match delta {
            Ok(delta) => received.push_str(&delta),
            Err(_) => {
                failed = true;
                break;
            }
        }
    }
    assert_eq!(received, "Hello", "the text before the cut is kept");
    assert!(failed, "a cut connection must surface as an error");
}

#[tokio::test]
async fn the_registry_resolves_azure_ids() {
    let server = TestServer::start([json_response(FIXTURES, "responses_text")]).await;
    let registry = specai::create_provider_registry().provider("azure", provider(&server)).build();
    let model = registry.language_model("azure:gpt-4o-mini").unwrap();
    assert_eq!(model.provider(), "azure.responses");
    generate_text(model).prompt("Story?").await.unwrap();
    assert_eq!(server.single_request().path, "/openai/v1/responses?api-version=v1");
    assert!(specai::default_registry().provider_ids().contains(&"azure".to_owned()));
}
