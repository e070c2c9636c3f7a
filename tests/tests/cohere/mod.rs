//! The Cohere provider (API v2) against a scripted server on 127.0.0.1, with wire-exact fixtures
//! from `tests/fixtures/cohere/` written from Cohere's documented format (chat bodies, chat stream
//! events, embed and rerank bodies, error bodies). Every test asserts the request the server
//! received: path, headers and body.

mod embed_rerank;
mod generate;
mod stream;

use serde_json::Value;
use specai::cohere::{CohereProvider, CohereSettings, create_cohere};
use specai::provider_utils::test_server::{RecordedRequest, TestResponse, TestServer};

use crate::support::fixtures::{json_body, sse_chunks, sse_raw, split_every};

/// The chat model every test uses.
pub const MODEL: &str = "command-a-03-2025";

/// A 200 response serving `<case>.json`.
pub fn json_response(case: &str) -> TestResponse {
    TestResponse::new(200, json_body("cohere", case)).header("content-type", "application/json")
}

/// An error response serving `<case>.json` with a status.
pub fn error_response(case: &str, status: u16) -> TestResponse {
    TestResponse::new(status, json_body("cohere", case)).header("content-type", "application/json")
}

/// A 200 SSE response of `<case>.chunks.txt`, one event per chunk.
pub fn sse_response(case: &str) -> TestResponse {
    TestResponse::sse_chunks(sse_chunks("cohere", case))
}

/// A 200 SSE response of the raw `<case>.sse` (named events), cut into chunks of `size` bytes.
pub fn raw_sse_response(case: &str, size: usize) -> TestResponse {
    TestResponse::sse_chunks(split_every(&sse_raw("cohere", case), size))
}

/// A provider pointed at the server, with a fixed key.
pub fn provider(server: &TestServer) -> CohereProvider {
    create_cohere(CohereSettings::default().with_api_key("test-key").with_base_url(server.base_url()))
}

/// Asserts the path, the bearer key and content type, and the exact JSON body.
pub fn assert_request(request: &RecordedRequest, path: &str, body: Value) {
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, path);
    assert_eq!(request.header("authorization"), Some("Bearer test-key"));
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert_eq!(request.json(), body, "request body");
}
