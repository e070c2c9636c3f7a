//! The Google Gemini provider against a scripted server on 127.0.0.1, with wire-exact fixtures
//! from `tests/fixtures/google/` (response bodies and SSE streams in Gemini's documented shape).
//! Every test asserts the exact request the server received: path, headers and body.

mod embed;
mod generate;
mod media;
mod registry;
mod stream;

use serde_json::Value;
use specai::google::{GoogleProvider, GoogleSettings, create_google};
use specai::provider_utils::test_server::{RecordedRequest, TestResponse, TestServer};

/// The model every test uses.
pub const MODEL: &str = "gemini-2.5-flash";

/// The text of a fixture file.
pub fn fixture(file: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/google").join(file);
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("reading {}: {error}", path.display()))
}

/// A 200 response serving `<case>.json`.
pub fn json_response(case: &str) -> TestResponse {
    TestResponse::text(200, fixture(&format!("{case}.json"))).header("content-type", "application/json")
}

/// An error response serving `<case>.json` with a status.
pub fn error_response(case: &str, status: u16) -> TestResponse {
    TestResponse::text(status, fixture(&format!("{case}.json"))).header("content-type", "application/json")
}

/// A 200 SSE response of `<case>.chunks.txt`, each line one `data:` event in its own chunk,
/// framed with CRLF as Gemini frames them.
pub fn sse_response(case: &str) -> TestResponse {
    let text = fixture(&format!("{case}.chunks.txt"));
    TestResponse::sse_chunks(
        text.lines().filter(|line| !line.trim().is_empty()).map(|line| format!("data: {line}\r\n\r\n")).collect::<Vec<_>>(),
    )
}

/// A 200 SSE response of the raw bytes of `<case>.sse`, cut into chunks of `size` bytes.
pub fn raw_sse_response(case: &str, size: usize) -> TestResponse {
    let bytes = fixture(&format!("{case}.sse")).into_bytes();
    TestResponse::sse_chunks(bytes.chunks(size).map(bytes::Bytes::copy_from_slice).collect::<Vec<_>>())
}

/// A provider pointed at the server, with a fixed key.
pub fn provider(server: &TestServer) -> GoogleProvider {
    create_google(GoogleSettings::default().with_api_key("test-key").with_base_url(server.url("/v1beta")))
}

/// Asserts the path, the authentication and content-type headers, and the exact JSON body.
pub fn assert_request(request: &RecordedRequest, path: &str, body: Value) {
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, path);
    assert_eq!(request.header("x-goog-api-key"), Some("test-key"));
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert!(request.header("authorization").is_none(), "Gemini takes the key in x-goog-api-key only");
    assert_eq!(request.json(), body, "request body");
}
