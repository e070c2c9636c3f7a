//! Decoding the hot event of each stream that decodes into the borrowing `lean` types, as the
//! provider's stream does it, against the owned wire types it decoded into before:
//! - Gemini (`streamGenerateContent?alt=sse`): the owned types' flattened maps of unknown fields
//!   make serde buffer every field of every object first;
//! - Anthropic (`content_block_delta`): the owned delta is a tagged enum, which serde decodes by
//!   buffering the object first;
//! - Bedrock (`contentBlockDelta`): the owned event has a flattened map and its delta union an
//!   untagged fallback member, each of which buffers;
//! - Cohere (`content-delta`): the owned event union is told apart by `type`, which serde
//!   decodes by buffering the event first.
//!
//! Each decode ends with the owned text a text delta part holds, as the stream's does.
//! `cargo bench -p specai-tests --bench stream_event_decode` prints nanoseconds per event, the
//! fastest of 7 rounds of 200,000 decodes each (one thread, no I/O: the fastest round is the
//! one least disturbed by the other core's work).

use std::time::Instant;

use serde::Deserialize;
use specai_generated::{anthropic, bedrock, cohere, google};

/// A text event as Gemini sends it: one text part, the running usage, the model and the id.
const GEMINI_EVENT: &[u8] = br#"{"candidates": [{"content": {"parts": [{"text": " quick brown fox jumps"}],"role": "model"},"index": 0}],"usageMetadata": {"promptTokenCount": 8,"candidatesTokenCount": 12,"totalTokenCount": 20,"promptTokensDetails": [{"modality": "TEXT","tokenCount": 8}]},"modelVersion": "gemini-2.5-flash","responseId": "mM2Sabc123xyz"}"#;

/// A text delta as Anthropic sends it (`event: content_block_delta`).
const ANTHROPIC_EVENT: &[u8] = br#"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" quick brown fox jumps"}}"#;

/// A text delta as Bedrock's ConverseStream sends it, with the `p` padding field it adds.
const BEDROCK_EVENT: &[u8] = br#"{"contentBlockIndex":0,"delta":{"text":" quick brown fox jumps"},"p":"abcdefghijklmnopqrstuvwxyzABCDEFGHIJ"}"#;

/// A text delta as Cohere sends it (`event: content-delta`).
const COHERE_EVENT: &[u8] = br#"{"type":"content-delta","index":0,"delta":{"message":{"content":{"text":" quick brown fox jumps"}}}}"#;

/// The Anthropic event as the stream decoded it before: the owned, tagged delta.
#[derive(Deserialize)]
struct OwnedAnthropicDelta {
    index: u32,
    delta: anthropic::types::ContentBlockDelta,
}

/// The Anthropic event as the stream decodes it now.
#[derive(Deserialize)]
struct LeanAnthropicDelta<'a> {
    index: u32,
    #[serde(borrow)]
    delta: anthropic::lean::ContentBlockDelta<'a>,
}

fn gemini_owned() -> usize {
    let event: google::types::GenerateContentResponse = serde_json::from_slice(GEMINI_EVENT).expect("owned decode");
    std::hint::black_box(event.usage_metadata.as_ref().and_then(|usage| usage.total_token_count));
    let content = event.candidates.first().and_then(|candidate| candidate.content.as_ref());
    let text = content.and_then(|content| content.parts.first()).and_then(|part| part.text.clone()).unwrap_or_default();
    text.len()
}

fn gemini_lean() -> usize {
    let event: google::lean::GenerateContentResponse = serde_json::from_slice(GEMINI_EVENT).expect("lean decode");
    // The stream keeps the usage as JSON text and decodes it once, at the end.
    let usage: Option<Box<serde_json::value::RawValue>> = event.usage_metadata.map(|raw| raw.0.to_owned());
    std::hint::black_box(usage);
    let content = event.candidates.first().and_then(|candidate| candidate.content.as_ref());
    let text = content.and_then(|content| content.parts.first()).and_then(|part| part.text.as_deref()).unwrap_or_default().to_owned();
    text.len()
}

fn anthropic_owned() -> usize {
    let event: OwnedAnthropicDelta = serde_json::from_slice(ANTHROPIC_EVENT).expect("owned decode");
    match event.delta {
        anthropic::types::ContentBlockDelta::TextDelta { text } => text.len() + event.index as usize,
        _ => 0,
    }
}

fn anthropic_lean() -> usize {
    let event: LeanAnthropicDelta = serde_json::from_slice(ANTHROPIC_EVENT).expect("lean decode");
    match (event.delta.type_.as_deref(), event.delta.text) {
        (Some("text_delta"), Some(text)) => text.0.into_owned().len() + event.index as usize,
        _ => 0,
    }
}

fn bedrock_owned() -> usize {
    let event: bedrock::types::ContentBlockDeltaEvent = serde_json::from_slice(BEDROCK_EVENT).expect("owned decode");
    match event.delta {
        bedrock::types::ContentBlockDelta::Text(text) => text.len() + event.content_block_index as usize,
        _ => 0,
    }
}

fn bedrock_lean() -> usize {
    let event: bedrock::lean::ContentBlockDeltaEvent = serde_json::from_slice(BEDROCK_EVENT).expect("lean decode");
    let text = event.delta.and_then(|delta| delta.text).map(|text| text.0.into_owned());
    text.map_or(0, |text| text.len()) + event.content_block_index.unwrap_or(0) as usize
}

fn cohere_owned() -> usize {
    let event: cohere::types::ChatStreamEvent = serde_json::from_slice(COHERE_EVENT).expect("owned decode");
    let cohere::types::ChatStreamEvent::ContentDelta { delta, .. } = event else { return 0 };
    let content = delta.and_then(|delta| delta.message).and_then(|message| message.content).unwrap_or_default();
    content.text.or(content.thinking).map_or(0, |text| text.len())
}

fn cohere_lean() -> usize {
    let event: cohere::lean::ContentDeltaEvent = serde_json::from_slice(COHERE_EVENT).expect("lean decode");
    let content = event.delta.and_then(|delta| delta.message).and_then(|message| message.content).unwrap_or_default();
    content.text.or(content.thinking).map_or(0, |text| text.0.into_owned().len())
}

/// One decode of an event, returning the length of the text it read.
type Decode = fn() -> usize;

/// The fastest of `rounds` rounds of `count` runs of `work`, in nanoseconds per run.
fn fastest(rounds: usize, count: usize, work: Decode) -> f64 {
    let mut best = f64::MAX;
    for _ in 0..rounds {
        let started = Instant::now();
        let mut sink = 0;
        for _ in 0..count {
            sink += std::hint::black_box(work)();
        }
        std::hint::black_box(sink);
        best = best.min(started.elapsed().as_nanos() as f64 / count as f64);
    }
    best
}

fn main() {
    // `cargo test --benches` passes no `--bench`: a tiny run then, as a smoke test.
    let quick = !std::env::args().any(|argument| argument == "--bench");
    let (rounds, count) = if quick { (1, 1_000) } else { (7, 200_000) };
    println!("| text event | owned wire types (before), ns | lean types (the stream now), ns | ratio |");
    println!("|---|---|---|---|");
    let providers: [(&str, Decode, Decode); 4] = [
        ("Gemini", gemini_owned, gemini_lean),
        ("Anthropic `content_block_delta`", anthropic_owned, anthropic_lean),
        ("Bedrock `contentBlockDelta`", bedrock_owned, bedrock_lean),
        ("Cohere `content-delta`", cohere_owned, cohere_lean),
    ];
    for (name, owned, lean) in providers {
        assert_eq!(owned(), lean(), "{name}: both decodes read the same text");
        let owned = fastest(rounds, count, owned);
        let lean = fastest(rounds, count, lean);
        println!("| {name} | {owned:.0} | {lean:.0} | {:.2} |", lean / owned);
    }
}
