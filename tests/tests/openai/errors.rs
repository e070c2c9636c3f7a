//! OpenAI error bodies become API call errors; 429 and 5xx are retried honouring `retry-after`.

use std::time::{Duration, Instant};

use specai::provider::{CallOptions, LanguageModel, Message};
use specai::retry::RetryPolicy;

use super::{FIXTURES, provider};
use crate::support::fixtures::{error_response, json_response};
use specai::provider_utils::test_server::{TestResponse, TestServer};

async fn failed_call(response: TestResponse) -> (specai::Error, TestServer) {
    let server = TestServer::start([response]).await;
    let model = provider(&server).chat("gpt-4o-mini");
    let error = model.do_generate(&CallOptions::new(vec![Message::user("Hi")])).await.unwrap_err();
    (error, server)
}

#[tokio::test]
async fn error_401_keeps_message_type_and_code_and_is_not_retryable() {
    let (error, server) = failed_call(error_response(FIXTURES, "error_401", 401)).await;
    let api = error.as_api_call().expect("API error");
    assert_eq!(api.status, 401);
    assert!(api.message.starts_with("Incorrect API key provided"), "{}", api.message);
    assert_eq!(api.error_type.as_deref(), Some("invalid_request_error"));
    assert_eq!(api.code.as_deref(), Some("invalid_api_key"));
    assert_eq!(api.url, server.url("/v1/chat/completions"));
    assert!(api.response_body.as_deref().unwrap().contains("invalid_api_key"));
    assert!(!error.is_retryable());
    assert!(!format!("{error:?} {error}").contains("sk-test-key"), "the key never shows");
}

#[tokio::test]
async fn error_400_names_the_param() {
    let (error, _) = failed_call(error_response(FIXTURES, "error_400_param", 400)).await;
    let api = error.as_api_call().unwrap();
    assert_eq!(api.param.as_deref(), Some("temperature"));
    assert_eq!(api.code.as_deref(), Some("invalid_value"));
    assert!(!error.is_retryable());
}

#[tokio::test]
async fn error_500_is_retryable() {
    let (error, _) = failed_call(error_response(FIXTURES, "error_500", 500)).await;
    assert_eq!(error.as_api_call().unwrap().error_type.as_deref(), Some("server_error"));
    assert!(error.is_retryable());
}

#[tokio::test]
async fn a_non_json_error_body_becomes_the_message() {
    let (error, _) = failed_call(TestResponse::new(502, "<html>Bad Gateway</html>")).await;
    let api = error.as_api_call().unwrap();
    assert_eq!(api.message, "<html>Bad Gateway</html>");
    assert!(error.is_retryable());
}

#[tokio::test]
async fn error_429_with_retry_after_then_success() {
    let server = TestServer::start([
        error_response(FIXTURES, "error_429", 429).header("retry-after-ms", "300").header("retry-after", "1"),
        json_response(FIXTURES, "chat_text"),
    ])
    .await;
    let model = provider(&server).chat("gpt-4o-mini");
    let options = CallOptions::new(vec![Message::user("Hi")]);
    // The retry loop of the generation functions, with a backoff far longer than retry-after:
    // the wait must come from the server's header.
    let policy = RetryPolicy { initial_delay: Duration::from_secs(30), ..RetryPolicy::default() };
    let started = Instant::now();
    let result = specai::retry::retry_with_backoff(&policy, || model.do_generate(&options)).await.unwrap();
    let waited = started.elapsed();
    assert_eq!(result.content[0].as_text(), Some("Hello! How can I assist you today?"));
    assert_eq!(server.requests().len(), 2);
    assert!(waited >= Duration::from_millis(300) && waited < Duration::from_secs(5), "{waited:?}");
}

#[tokio::test]
async fn error_429_carries_the_headers_the_retry_loop_reads() {
    let (error, _) = failed_call(error_response(FIXTURES, "error_429", 429).header("retry-after", "20")).await;
    let api = error.as_api_call().unwrap();
    assert_eq!(api.code.as_deref(), Some("rate_limit_exceeded"));
    assert!(error.is_retryable());
    assert_eq!(specai::retry::server_requested_delay(&api.response_headers), Some(Duration::from_secs(20)));
}

/// The server's `x-should-retry` decides over the status, both ways, through the retry loop.
#[tokio::test]
async fn x_should_retry_is_obeyed_both_ways() {
    let policy = RetryPolicy { initial_delay: Duration::from_millis(10), ..RetryPolicy::default() };
    let options = CallOptions::new(vec![Message::user("Hi")]);
    // A 400 the server says to retry: retried, then the answer.
    let server = TestServer::start([
        error_response(FIXTURES, "error_400_param", 400).header("x-should-retry", "true"),
        json_response(FIXTURES, "chat_text"),
    ])
    .await;
    let model = provider(&server).chat("gpt-4o-mini");
    let result = specai::retry::retry_with_backoff(&policy, || model.do_generate(&options)).await.unwrap();
    assert_eq!(result.content[0].as_text(), Some("Hello! How can I assist you today?"));
    assert_eq!(server.requests().len(), 2);
    // A 503 the server says not to retry: one request, and the error says it is final.
    let server = TestServer::start([TestResponse::text(503, "busy").header("x-should-retry", "false")]).await;
    let model = provider(&server).chat("gpt-4o-mini");
    let error = specai::retry::retry_with_backoff(&policy, || model.do_generate(&options)).await.unwrap_err();
    assert_eq!(server.requests().len(), 1);
    assert!(!error.is_retryable());
    assert_eq!(error.status(), Some(503));
}
