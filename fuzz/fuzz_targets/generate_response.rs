//! Each model's non-streaming path, from the HTTP status and body to its result, on arbitrary
//! answers served over 127.0.0.1: language models, embeddings, images, transcription and rerank.
//! Never panics, and an error status is always an error.
//!
//! The first byte picks the endpoint (`Endpoint::ALL`), the second the status (`STATUSES`); the
//! rest is the body.
#![no_main]

use libfuzzer_sys::fuzz_target;
use specai::fuzzing::{Endpoint, STATUSES, call};

fuzz_target!(|data: &[u8]| {
    let [endpoint, status, body @ ..] = data else { return };
    let endpoint = Endpoint::ALL[usize::from(*endpoint) % Endpoint::ALL.len()];
    let status = STATUSES[usize::from(*status) % STATUSES.len()];
    let result = call(endpoint, status, body);
    if status >= 400 {
        assert!(result.is_err(), "{endpoint:?} took a {status} answer for a result: {result:?}");
    }
});
