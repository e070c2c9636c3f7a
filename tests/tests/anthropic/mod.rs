//! The Anthropic provider against wire-exact fixtures (`tests/fixtures/anthropic/`) served by the
//! mock server on 127.0.0.1: each test asserts the request the server received (path, headers,
//! exact body) and what the provider made of the answer.

mod core_functions;
mod errors_and_setup;
mod generate;
mod stream;

use futures::StreamExt;
use serde_json::Value;
use specai::anthropic::{AnthropicProvider, AnthropicSettings, create_anthropic};
use specai::provider::StreamPart;

use specai::provider_utils::test_server::{TestServer, RecordedRequest};

const PROVIDER: &str = "anthropic";
const MODEL: &str = "claude-sonnet-4-5-20250929";
const API_KEY: &str = "sk-ant-test-key";

/// A provider pointed at the mock server, with a fixed key.
fn provider(server: &TestServer) -> AnthropicProvider {
    create_anthropic(AnthropicSettings::default().with_api_key(API_KEY).with_base_url(server.url("/v1")))
}

/// The request went to `POST /v1/messages` with the key, the API version and a JSON body; the
/// body is returned.
fn assert_messages_request(request: &RecordedRequest) -> Value {
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, "/v1/messages");
    assert_eq!(request.header("x-api-key"), Some(API_KEY));
    assert_eq!(request.header("anthropic-version"), Some("2023-06-01"));
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert_eq!(request.header("authorization"), None, "Anthropic takes the key as x-api-key only");
    request.json()
}

/// Every part of a stream, and the error that ended it, if one did.
async fn collect(mut stream: specai::provider::PartStream) -> (Vec<StreamPart>, Option<specai::Error>) {
    let mut parts = Vec::new();
    while let Some(item) = stream.next().await {
        match item {
            Ok(part) => parts.push(part),
            Err(error) => {
                assert!(stream.next().await.is_none(), "the stream ends after an error");
                return (parts, Some(error));
            }
        }
    }
    (parts, None)
}

