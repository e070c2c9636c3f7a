//! Bedrock's ConverseStream decoder (AWS event-stream frames, then the parts state machine) on
//! arbitrary bytes cut into arbitrary chunks: never panics, and a fatal error is the last item.
//!
//! The first byte picks the chunk length (its low six bits), whether the rest is raw frame bytes
//! or lines framed first (bit 7: `<eventType> <payload>` per line, `!<type>` an exception, so the
//! fuzzer reaches the state machine past the frames' CRCs), and the forced JSON tool (bit 6).
#![no_main]

use bytes::Bytes;
use libfuzzer_sys::fuzz_target;
use specai::fuzzing::{bedrock_frames, cut, decode_bedrock_stream};

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else { return };
    let bytes = if first & 0x80 != 0 { Bytes::from(bedrock_frames(rest)) } else { Bytes::copy_from_slice(rest) };
    let chunks = cut(bytes, usize::from(first % 64) + 1);
    let parts = decode_bedrock_stream(chunks, first & 0x40 != 0);
    if let Some(position) = parts.iter().position(Result::is_err) {
        assert_eq!(position + 1, parts.len(), "nothing follows a fatal error");
    }
});
