//! The Vercel AI Gateway provider against a scripted server on 127.0.0.1, with fixtures in the
//! shapes the AI SDK's gateway provider reads (generate results and stream parts of the AI SDK's
//! language-model specification v4, embedding, image, config and error bodies). Every test
//! asserts the request the server received: path, protocol headers and body.

mod embed_image_models;
mod generate;
mod stream;

use specai::gateway::{GatewayProvider, GatewaySettings, create_gateway};
use specai::provider_utils::test_server::{RecordedRequest, TestResponse, TestServer};

use crate::support::fixtures::{json_body, sse_chunks};

/// The model every language-model test uses.
pub const MODEL: &str = "anthropic/claude-sonnet-4.5";

/// A 200 response serving `<case>.json`.
pub fn json_response(case: &str) -> TestResponse {
    TestResponse::new(200, json_body("gateway", case)).header("content-type", "application/json")
}

/// An error response serving `<case>.json` with a status.
pub fn error_response(case: &str, status: u16) -> TestResponse {
    TestResponse::new(status, json_body("gateway", case)).header("content-type", "application/json")
}

/// A 200 SSE response of `<case>.chunks.txt`, one part per event and chunk.
pub fn sse_response(case: &str) -> TestResponse {
    TestResponse::sse_chunks(sse_chunks("gateway", case))
}

/// A provider pointed at the server, with a fixed key.
pub fn provider(server: &TestServer) -> GatewayProvider {
    create_gateway(GatewaySettings::default().with_api_key("test-key").with_base_url(server.url("/v4/ai")))
}

/// Asserts the method, path and the headers every gateway call carries with an API key.
pub fn assert_gateway_headers(request: &RecordedRequest, method: &str, path: &str) {
    assert_eq!(request.method, method);
    assert_eq!(request.path, path);
    assert_eq!(request.header("authorization"), Some("Bearer test-key"));
    assert_eq!(request.header("ai-gateway-protocol-version"), Some("0.0.1"));
    assert_eq!(request.header("ai-gateway-auth-method"), Some("api-key"));
}
