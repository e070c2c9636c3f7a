//! Loads wire-exact fixtures from `tests/fixtures/<provider>/`.
//!
//! - `<case>.json`: a response body, served as is.
//! - `<case>.chunks.txt`: one event payload per line (JSON, or a literal such as `[DONE]`),
//!   re-framed as SSE (`data: <line>\n\n`), one HTTP chunk per event.
//! - `<case>.sse`: a raw SSE body, for cases where the framing itself matters (named events,
//!   comments, CRLF); served whole or split into chunks by the test.

#![allow(dead_code)]

use std::path::PathBuf;

use bytes::Bytes;

use specai::provider_utils::test_server::TestResponse;

/// The path of a fixture file.
pub fn fixture_path(provider: &str, file: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(provider).join(file)
}

fn read(provider: &str, file: &str) -> Vec<u8> {
    let path = fixture_path(provider, file);
    std::fs::read(&path).unwrap_or_else(|error| panic!("reading fixture {}: {error}", path.display()))
}

/// The body of `<case>.json`.
pub fn json_body(provider: &str, case: &str) -> Bytes {
    Bytes::from(read(provider, &format!("{case}.json")))
}

/// `<case>.json` parsed, for comparing with what a test decoded.
pub fn json_value(provider: &str, case: &str) -> serde_json::Value {
    serde_json::from_slice(&json_body(provider, case)).expect("fixture is JSON")
}

/// The events of `<case>.chunks.txt`, each framed as one SSE event in its own chunk.
pub fn sse_chunks(provider: &str, case: &str) -> Vec<Bytes> {
    let text = String::from_utf8(read(provider, &format!("{case}.chunks.txt"))).expect("UTF-8 fixture");
    text.lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| Bytes::from(format!("data: {line}\n\n")))
        .collect()
}

/// The raw bytes of `<case>.sse`.
pub fn sse_raw(provider: &str, case: &str) -> Bytes {
    Bytes::from(read(provider, &format!("{case}.sse")))
}

/// Splits bytes into chunks of at most `size` bytes (to cut events, even UTF-8 characters, apart).
pub fn split_every(bytes: &[u8], size: usize) -> Vec<Bytes> {
    bytes.chunks(size.max(1)).map(Bytes::copy_from_slice).collect()
}

/// A JSON response whose body is this text, byte for byte (malformed JSON included).
pub fn json_text(status: u16, body: impl Into<Bytes>) -> TestResponse {
    TestResponse::new(status, body).header("content-type", "application/json")
}

/// A 200 JSON response serving `<case>.json`.
pub fn json_response(provider: &str, case: &str) -> TestResponse {
    json_text(200, json_body(provider, case))
}

/// An error response serving `<case>.json` with a status.
pub fn error_response(provider: &str, case: &str, status: u16) -> TestResponse {
    json_text(status, json_body(provider, case))
}

/// A 200 SSE response serving `<case>.chunks.txt`, one event per HTTP chunk.
pub fn sse_response(provider: &str, case: &str) -> TestResponse {
    TestResponse::sse_chunks(sse_chunks(provider, case))
}

/// A 200 SSE response serving `<case>.sse` in chunks of `size` bytes.
pub fn raw_sse_response(provider: &str, case: &str, size: usize) -> TestResponse {
    TestResponse::sse_chunks(split_every(&sse_raw(provider, case), size))
}
