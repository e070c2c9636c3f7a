//! Each language model's non-streaming path, from the HTTP status and body to its result, on
//! arbitrary answers served over 127.0.0.1: never panics, and an error status is always an error.
//!
//! The first byte picks the model (`Generator::ALL`), the second the status (`STATUSES`); the
//! rest is the body.
#![no_main]

use libfuzzer_sys::fuzz_target;
use specai::fuzzing::{Generator, STATUSES, generate};

fuzz_target!(|data: &[u8]| {
    let [model, status, body @ ..] = data else { return };
    let generator = Generator::ALL[usize::from(*model) % Generator::ALL.len()];
    let status = STATUSES[usize::from(*status) % STATUSES.len()];
    let result = generate(generator, status, body);
    if status >= 400 {
        assert!(result.is_err(), "{generator:?} took a {status} answer for a result: {result:?}");
    }
});
