//! The cohere stream decoder on arbitrary bytes cut into arbitrary chunks: never panics, and a
//! fatal error is the last item of the stream.
#![no_main]

use libfuzzer_sys::fuzz_target;
use specai::fuzzing::{Decoder, chunks, decode_stream};

fuzz_target!(|data: &[u8]| {
    let parts = decode_stream(Decoder::Cohere, chunks(data));
    if let Some(position) = parts.iter().position(Result::is_err) {
        assert_eq!(position + 1, parts.len(), "nothing follows a fatal error");
    }
});
