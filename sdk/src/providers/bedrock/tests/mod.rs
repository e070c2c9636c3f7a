//! Every Bedrock model against the mock server (one file per API: `converse`, `converse_stream`,
//! `invoke_model` for embeddings, images and Rerank), from fixtures written from the documented wire
//! formats (tests/fixtures/bedrock/); event streams are framed with the AWS framing crate.
//! Each test asserts what the server received (path, auth headers, body) and what was parsed.

use std::time::{Duration, UNIX_EPOCH};

use futures::StreamExt;
use serde_json::json;

use super::bedrock_event_stream::tests::{event_frame, exception_frame};
use super::bedrock_signing::{SigningScope, sign_request};
use super::*;
use crate::error::Error;
use crate::provider::{
    CallOptions, Content, FinishReason, FunctionTool, Message, ProviderOptions, ResponseFormat, StreamPart, ToolDefinition,
};
#[cfg(feature = "embedding")]
use crate::provider::EmbedOptions;
#[cfg(feature = "image")]
use crate::provider::ImageOptions;
#[cfg(feature = "reranking")]
use crate::provider::RerankOptions;
use crate::provider_utils::test_server::{RecordedRequest, TestResponse, TestServer};

pub(super) const ACCESS_KEY: &str = "AKIDEXAMPLE";
pub(super) const SECRET_KEY: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
pub(super) const TOKEN: &str = "session-token-example";

pub(super) fn fixture(name: &str) -> String {
    crate::providers::vendor_test_support::fixture_text("bedrock", name)
}

pub(super) fn signed_provider(server: &TestServer) -> BedrockProvider {
    create_bedrock(
        BedrockSettings::default()
            .with_region("us-east-1")
            .with_base_url(server.base_url())
            .with_credentials(Credentials::new(
                ACCESS_KEY,
                SECRET_KEY,
                Some(TOKEN.into()),
                None,
                "test",
            )),
    )
}

/// The frames of an `.events.jsonl` fixture (`<eventType> <json payload>` per line).
pub(super) fn event_stream_fixture(name: &str) -> Vec<u8> {
    let mut bytes = Vec::new();
    for line in fixture(name).lines().filter(|line| !line.trim().is_empty()) {
        let (event_type, payload) = line.split_once(' ').expect("`<eventType> <json>`");
        bytes.extend(event_frame(event_type, payload));
    }
    bytes
}

pub(super) fn event_stream_response(bytes: Vec<u8>) -> TestResponse {
    TestResponse::bytes(200, bytes, "application/vnd.amazon.eventstream")
        .header("x-amzn-requestid", "req-stream-1")
}

/// Checks the request's SigV4 signature as the server sees it: the signature is recomputed
/// over the received method, path, signed headers and body at the request's `x-amz-date`.
/// (The signer itself is checked against AWS's published vectors in `bedrock_signing`.)
pub(super) fn assert_signed(request: &RecordedRequest, path: &str) {
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, path);
    let authorization = request
        .header("authorization")
        .expect("authorization header");
    let date = request.header("x-amz-date").expect("x-amz-date header");
    assert!(
        authorization.starts_with(&format!(
            "AWS4-HMAC-SHA256 Credential={ACCESS_KEY}/{}/us-east-1/bedrock/aws4_request, ",
            &date[..8]
        )),
        "{authorization}"
    );
    assert_eq!(request.header("x-amz-security-token"), Some(TOKEN));
    let time = httpdate_from_amz(date);
    let mut headers = http::HeaderMap::new();
    let signed_names = authorization
        .split("SignedHeaders=")
        .nth(1)
        .unwrap()
        .split(',')
        .next()
        .unwrap();
    for name in signed_names
        .split(';')
        .filter(|name| !matches!(*name, "host" | "x-amz-date" | "x-amz-security-token"))
    {
        headers.insert(
            http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
            request.headers[name].clone(),
        );
    }
    let url = format!("http://{}{}", request.header("host").unwrap(), request.path);
    let credentials = Credentials::new(ACCESS_KEY, SECRET_KEY, Some(TOKEN.into()), None, "check");
    sign_request(
        "POST",
        &url,
        &mut headers,
        &request.body,
        &credentials,
        SigningScope {
            region: "us-east-1",
            service: "bedrock",
        },
        time,
    )
    .unwrap();
    assert_eq!(headers["authorization"], authorization);
}

/// `20150830T123600Z` as a time.
fn httpdate_from_amz(date: &str) -> std::time::SystemTime {
    let number = |range: std::ops::Range<usize>| date[range].parse::<u64>().unwrap();
    let (year, month, day) = (number(0..4), number(4..6), number(6..8));
    // Days from the civil date (Howard Hinnant's algorithm).
    let (year, month) = if month <= 2 {
        (year - 1, month + 9)
    } else {
        (year, month - 3)
    };
    let era = year / 400;
    let day_of_year = (153 * month + 2) / 5 + day - 1;
    let day_of_era =
        (year - era * 400) * 365 + (year - era * 400) / 4 - (year - era * 400) / 100 + day_of_year;
    let days = era * 146_097 + day_of_era - 719_468;
    UNIX_EPOCH
        + Duration::from_secs(
            days * 86_400 + number(9..11) * 3600 + number(11..13) * 60 + number(13..15),
        )
}

pub(super) fn weather_tool() -> ToolDefinition {
    ToolDefinition::Function(
        FunctionTool::new(
            "weather",
            json!({"type": "object", "properties": {"city": {"type": "string"}}}),
        )
        .with_description("Weather by city"),
    )
}

mod converse;
mod converse_stream;
mod invoke_model;
