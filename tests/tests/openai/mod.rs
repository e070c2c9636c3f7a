//! The OpenAI provider against a scripted mock server: wire-exact fixtures from
//! `tests/fixtures/openai/`, assertions on the request the server received (path, headers, body)
//! and on the parsed result, for every model kind and mode.

mod agent;
mod chat;
mod completion;
mod core_functions;
mod embedding;
mod errors;
mod image;
mod responses;
mod speech;
mod transcription;

use futures::StreamExt;
use http::{HeaderMap, HeaderValue};
use specai::openai::{OpenAiProvider, OpenAiSettings, create_openai};
use specai::provider::{PartStream, StreamPart};

use specai::provider_utils::test_server::{TestServer, RecordedRequest};

/// The fixture folder.
pub const FIXTURES: &str = "openai";

/// A provider pointed at the mock server, with a key, an organization, a project and a custom
/// header.
pub fn provider(server: &TestServer) -> OpenAiProvider {
    let mut headers = HeaderMap::new();
    headers.insert("x-custom", HeaderValue::from_static("custom-value"));
    create_openai(OpenAiSettings::default().with_api_key("sk-test-key").with_base_url(server.url("/v1")).with_organization("org-123").with_project("proj-456").with_headers(headers))
}

/// Asserts the headers every request carries.
pub fn assert_standard_headers(request: &RecordedRequest, content_type: &str) {
    assert_eq!(request.method, "POST");
    assert_eq!(request.header("authorization"), Some("Bearer sk-test-key"));
    assert_eq!(request.header("openai-organization"), Some("org-123"));
    assert_eq!(request.header("openai-project"), Some("proj-456"));
    assert_eq!(request.header("x-custom"), Some("custom-value"));
    let actual = request.header("content-type").unwrap_or_default();
    assert!(actual.starts_with(content_type), "content-type {actual}");
}

/// Every part of a stream; panics on an error.
pub async fn collect_parts(stream: PartStream) -> Vec<StreamPart> {
    stream.map(|part| part.expect("stream part")).collect().await
}

/// The parts up to and including the first error.
pub async fn collect_until_error(mut stream: PartStream) -> (Vec<StreamPart>, Option<specai::Error>) {
    let mut parts = Vec::new();
    while let Some(part) = stream.next().await {
        match part {
            Ok(part) => parts.push(part),
            Err(error) => return (parts, Some(error)),
        }
    }
    (parts, None)
}

pub use crate::support::text_of;

/// A short name per part, to compare sequences.
pub fn kinds(parts: &[StreamPart]) -> Vec<&'static str> {
    parts
        .iter()
        .map(|part| match part {
            StreamPart::StreamStart { .. } => "stream-start",
            StreamPart::ResponseMetadata(_) => "response-metadata",
            StreamPart::TextStart { .. } => "text-start",
            StreamPart::TextDelta { .. } => "text-delta",
            StreamPart::TextEnd { .. } => "text-end",
            StreamPart::ReasoningStart { .. } => "reasoning-start",
            StreamPart::ReasoningDelta { .. } => "reasoning-delta",
            StreamPart::ReasoningEnd { .. } => "reasoning-end",
            StreamPart::ToolInputStart { .. } => "tool-input-start",
            StreamPart::ToolInputDelta { .. } => "tool-input-delta",
            StreamPart::ToolInputEnd { .. } => "tool-input-end",
            StreamPart::ToolCall(_) => "tool-call",
            StreamPart::ToolResult(_) => "tool-result",
            StreamPart::File(_) => "file",
            StreamPart::Source(_) => "source",
            StreamPart::Finish { .. } => "finish",
            StreamPart::Raw { .. } => "raw",
            _ => "other",
        })
        .collect()
}
