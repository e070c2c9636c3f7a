//! Entry points for the fuzz targets in `fuzz/` (feature `fuzzing`; not part of the API): each
//! runs one decoder over bytes cut into chunks, as a socket would deliver them.
//!
//! The decoders are crate-private; these functions build each with a harmless configuration
//! (raw chunks on, so that every event is also parsed as a JSON value) and run it exactly as a
//! model's stream does ([`PartsStream`] over [`SseStream`]), with a small event limit so that
//! the limit's error path is reached too.

use bytes::Bytes;
use futures::StreamExt;

use crate::error::Result;
use crate::provider::StreamPart;
use crate::provider_utils::{EventMapper, PartsStream, SseEvent, SseStream};

/// The event limit of the fuzzed readers.
pub const MAX_EVENT_BYTES: usize = 4096;

/// A stream decoder to fuzz.
#[derive(Debug, Clone, Copy)]
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
}

/// `data` without its first byte, cut into chunks of the length that byte picks (1 to 64).
pub fn chunks(data: &[u8]) -> Vec<Bytes> {
    let Some((&first, rest)) = data.split_first() else { return Vec::new() };
    rest.chunks(usize::from(first % 64) + 1).map(Bytes::copy_from_slice).collect()
}

fn byte_stream(chunks: Vec<Bytes>) -> SseStream<impl futures::Stream<Item = std::result::Result<Bytes, std::io::Error>>> {
    SseStream::new(futures::stream::iter(chunks.into_iter().map(Ok))).with_max_event_bytes(MAX_EVENT_BYTES)
}

/// The SSE events of `chunks`.
pub fn sse_events(chunks: Vec<Bytes>) -> Vec<Result<SseEvent>> {
    futures::executor::block_on(byte_stream(chunks).collect())
}

fn run(mapper: impl EventMapper, chunks: Vec<Bytes>) -> Vec<Result<StreamPart>> {
    futures::executor::block_on(PartsStream::new(byte_stream(chunks), mapper).collect())
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
    }
}

/// The parts Bedrock's ConverseStream decoder (event-stream frames, then the parts) makes of
/// `chunks`, with or without the forced JSON tool. No event limit: frames carry their length.
pub fn decode_bedrock_stream(chunks: Vec<Bytes>, uses_json_response_tool: bool) -> Vec<Result<StreamPart>> {
    let bytes = futures::stream::iter(chunks.into_iter().map(Ok::<_, reqwest::Error>));
    futures::executor::block_on(crate::providers::bedrock::fuzz_stream(bytes, uses_json_response_tool).collect())
}

/// The event-stream frames of `lines`, one per line: `<eventType> <payload>` an event,
/// `!<exceptionType> <payload>` an exception.
pub fn bedrock_frames(lines: &[u8]) -> Vec<u8> {
    crate::providers::bedrock::fuzz_frames(lines)
}

/// The partial-JSON parser (crate-private otherwise).
pub use crate::partial_json::{parse_partial_array, parse_partial_json};
