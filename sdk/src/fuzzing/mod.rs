//! Entry points for the fuzz targets in `fuzz/` (feature `fuzzing`; not part of the API): each
//! runs one decoder over bytes cut into chunks, as a socket would deliver them.
//!
//! The decoders are crate-private; these functions build each with a harmless configuration
//! (raw chunks on, so that every event is also parsed as a JSON value) and run it exactly as a
//! model's stream does ([`PartsStream`] over [`SseStream`]), with a small event limit so that
//! the limit's error path is reached too. The non-streaming path is fuzzed whole, through each
//! model's public API against a server on 127.0.0.1 ([`call()`]), and the parts a decoder makes
//! are run on through `stream_text` ([`stream_text()`]). A `useChat` request body, which comes
//! from browsers rather than providers, is fuzzed on its way to a model ([`chat_request()`]).

use std::pin::pin;
use std::task::{Context, Poll, Waker};

use bytes::Bytes;
use futures::Stream;

use crate::error::Result;
use crate::provider::StreamPart;
use crate::provider_utils::{EventMapper, PartsStream, SseEvent, SseStream};

mod chat_request;
mod generate;
mod text_stream;

pub use chat_request::chat_request;
pub use generate::{Endpoint, STATUSES, call, generate};
pub use text_stream::{Consumer, stream_text};

/// The event limit of the fuzzed readers.
pub const MAX_EVENT_BYTES: usize = 4096;

/// A language model's wire dialect: its stream decoder to fuzz, and its non-streaming answer
/// ([`Endpoint::Language`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decoder {
    /// OpenAI's chat completions.
    OpenAiChat,
    /// A compatible vendor's chat completions (Groq: usage and metadata at vendor paths).
    CompatibleChat,
    /// Text completions.
    Completion,
    /// OpenAI's Responses.
    Responses,
    /// Anthropic's Messages.
    Anthropic,
    /// Gemini.
    Google,
    /// Cohere's chat.
    Cohere,
    /// The AI Gateway's stream parts.
    Gateway,
    /// Bedrock's Converse: event-stream frames (here with an API key, so unsigned).
    Bedrock,
}

impl Decoder {
    /// Every decoder, in the order of [`Endpoint::ALL`]'s language models.
    pub const ALL: [Decoder; 9] = [
        Decoder::OpenAiChat,
        Decoder::CompatibleChat,
        Decoder::Completion,
        Decoder::Responses,
        Decoder::Anthropic,
        Decoder::Google,
        Decoder::Cohere,
        Decoder::Gateway,
        Decoder::Bedrock,
    ];
}

/// `data` without its first byte, cut into chunks of the length that byte picks (1 to 64).
pub fn chunks(data: &[u8]) -> Vec<Bytes> {
    let Some((&first, rest)) = data.split_first() else { return Vec::new() };
    cut(Bytes::copy_from_slice(rest), usize::from(first % 64) + 1)
}

/// `bytes` cut into chunks of `size` bytes (the last may be shorter), as slices of one buffer:
/// one copy of the input per run rather than one per chunk.
pub fn cut(bytes: Bytes, size: usize) -> Vec<Bytes> {
    let size = size.max(1);
    (0..bytes.len()).step_by(size).map(|start| bytes.slice(start..bytes.len().min(start + size))).collect()
}

/// Every item of `stream`, polled in place. Its chunks are all ready at once, so a decoder never
/// has to wait: no executor is needed, and a `Pending` is a decoder that lost its wake-up (it
/// would hang a real stream), so it panics for the fuzzer to report.
fn collect<S: Stream>(stream: S) -> Vec<S::Item> {
    let mut stream = pin!(stream);
    let mut context = Context::from_waker(Waker::noop());
    let mut items = Vec::new();
    loop {
        match stream.as_mut().poll_next(&mut context) {
            Poll::Ready(Some(item)) => items.push(item),
            Poll::Ready(None) => return items,
            Poll::Pending => panic!("a decoder returned Pending over chunks that were all ready"),
        }
    }
}

fn byte_stream(chunks: Vec<Bytes>) -> SseStream<impl futures::Stream<Item = std::result::Result<Bytes, std::io::Error>>> {
    SseStream::new(futures::stream::iter(chunks.into_iter().map(Ok))).with_max_event_bytes(MAX_EVENT_BYTES)
}

/// The SSE events of `chunks`.
pub fn sse_events(chunks: Vec<Bytes>) -> Vec<Result<SseEvent>> {
    collect(byte_stream(chunks))
}

fn run(mapper: impl EventMapper, chunks: Vec<Bytes>) -> Vec<Result<StreamPart>> {
    collect(PartsStream::new(byte_stream(chunks), mapper))
}

/// The parts `decoder` makes of `chunks`.
pub fn decode_stream(decoder: Decoder, chunks: Vec<Bytes>) -> Vec<Result<StreamPart>> {
    use specai_generated::mappings::{GROQ, OPENAI};
    let compatible = |mapping| crate::providers::openai_compatible::fuzz_mappers(mapping).expect("a shipped mapping builds");
    match decoder {
        Decoder::OpenAiChat => run(compatible(OPENAI).0, chunks),
        Decoder::CompatibleChat => run(compatible(GROQ).0, chunks),
        Decoder::Completion => run(compatible(OPENAI).1, chunks),
        Decoder::Responses => run(crate::providers::openai::fuzz_responses_mapper(), chunks),
        Decoder::Anthropic => run(crate::providers::anthropic::fuzz_mapper(), chunks),
        Decoder::Google => run(crate::providers::google::fuzz_mapper(), chunks),
        Decoder::Cohere => run(crate::providers::cohere::fuzz_mapper(), chunks),
        Decoder::Gateway => run(crate::providers::gateway::fuzz_mapper(), chunks),
        Decoder::Bedrock => decode_bedrock_stream(chunks, false),
    }
}

/// The parts Bedrock's ConverseStream decoder (event-stream frames, then the parts) makes of
/// `chunks`, with or without the forced JSON tool. No event limit: frames carry their length.
pub fn decode_bedrock_stream(chunks: Vec<Bytes>, uses_json_response_tool: bool) -> Vec<Result<StreamPart>> {
    let bytes = futures::stream::iter(chunks.into_iter().map(Ok::<_, reqwest::Error>));
    collect(crate::providers::bedrock::fuzz_stream(bytes, uses_json_response_tool))
}

/// The event-stream frames of `lines`, one per line: `<eventType> <payload>` an event,
/// `!<exceptionType> <payload>` an exception.
pub fn bedrock_frames(lines: &[u8]) -> Vec<u8> {
    crate::providers::bedrock::fuzz_frames(lines)
}

/// The partial-JSON parser (crate-private otherwise).
pub use crate::partial_json::{parse_partial_array, parse_partial_json};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cut_slices_one_buffer_into_chunks_of_the_size() {
        let pieces = cut(Bytes::from_static(b"abcdefg"), 3);
        assert_eq!(pieces, [&b"abc"[..], b"def", b"g"]);
        assert!(cut(Bytes::new(), 3).is_empty());
        assert_eq!(chunks(b"\x01abc"), [&b"ab"[..], b"c"], "the first byte picks chunks of 2");
    }

    #[test]
    fn the_harness_decodes_a_whole_stream_and_keeps_the_mapper_per_run() {
        let body = b"\x07data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n";
        // Twice: the cached configuration must not carry one run's state into the next.
        for _ in 0..2 {
            let parts = decode_stream(Decoder::OpenAiChat, chunks(body));
            assert!(parts.iter().all(Result::is_ok), "{parts:?}");
            let text: String = parts.iter().filter_map(|part| match part {
                Ok(StreamPart::TextDelta { delta, .. }) => Some(delta.as_str()),
                _ => None,
            }).collect();
            assert_eq!(text, "hi");
            assert!(matches!(parts.last(), Some(Ok(StreamPart::Finish { .. }))), "{parts:?}");
        }
    }
}
