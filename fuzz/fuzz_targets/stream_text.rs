//! `stream_text` over what a decoder makes of arbitrary bytes: the first byte picks the decoder
//! (`Decoder::ALL`), the second how the generation is consumed (`Consumer::from_byte`: tools,
//! JSON output, the UI message stream, smoothing, a second step), the rest is the wire as the
//! stream targets take it (a chunk-length byte, then SSE; for Bedrock, frame lines). Never
//! panics, and every run ends.
#![no_main]

use bytes::Bytes;
use libfuzzer_sys::fuzz_target;
use specai::fuzzing::{Consumer, Decoder, bedrock_frames, chunks, cut, stream_text};

fuzz_target!(|data: &[u8]| {
    let [dialect, consumer, wire @ ..] = data else { return };
    let decoder = Decoder::ALL[usize::from(*dialect) % Decoder::ALL.len()];
    let wire = match (decoder, wire.split_first()) {
        // Lines framed first, as `bedrock_stream` does with bit 7, so that parts come out.
        (Decoder::Bedrock, Some((&first, lines))) => cut(Bytes::from(bedrock_frames(lines)), usize::from(first % 64) + 1),
        _ => chunks(wire),
    };
    stream_text(decoder, wire, &Consumer::from_byte(*consumer));
});
