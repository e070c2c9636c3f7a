//! Decoding one Gemini stream event (`streamGenerateContent?alt=sse`), as the Google stream
//! does it: into the borrowing `lean` types (the text and its usage object kept as the stream
//! keeps them), against the owned wire types it used before, whose flattened maps of unknown
//! fields make serde buffer every field of every object first.
//!
//! `cargo bench -p specai-tests --bench gemini_event_decode` prints nanoseconds per event, the
//! fastest of 7 rounds of 200,000 decodes each (one thread, no I/O: the fastest round is the
//! one least disturbed by the other core's work).

use std::time::Instant;

use specai_generated::google::{lean, types};

/// A text event as Gemini sends it: one text part, the running usage, the model and the id.
const EVENT: &[u8] = br#"{"candidates": [{"content": {"parts": [{"text": " quick brown fox jumps"}],"role": "model"},"index": 0}],"usageMetadata": {"promptTokenCount": 8,"candidatesTokenCount": 12,"totalTokenCount": 20,"promptTokensDetails": [{"modality": "TEXT","tokenCount": 8}]},"modelVersion": "gemini-2.5-flash","responseId": "mM2Sabc123xyz"}"#;

/// The text of the event's first part, owned, as a text delta holds it.
fn owned_text(event: &types::GenerateContentResponse) -> String {
    let content = event.candidates.first().and_then(|candidate| candidate.content.as_ref());
    content.and_then(|content| content.parts.first()).and_then(|part| part.text.clone()).unwrap_or_default()
}

fn lean_text(event: &lean::GenerateContentResponse<'_>) -> String {
    let content = event.candidates.first().and_then(|candidate| candidate.content.as_ref());
    content.and_then(|content| content.parts.first()).and_then(|part| part.text.as_deref()).unwrap_or_default().to_owned()
}

/// The fastest of `rounds` rounds of `count` runs of `work`, in nanoseconds per run.
fn fastest(rounds: usize, count: usize, mut work: impl FnMut() -> usize) -> f64 {
    let mut best = f64::MAX;
    for _ in 0..rounds {
        let started = Instant::now();
        let mut sink = 0;
        for _ in 0..count {
            sink += work();
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
    let owned = fastest(rounds, count, || {
        let event: types::GenerateContentResponse = serde_json::from_slice(EVENT).expect("owned decode");
        let usage = event.usage_metadata.as_ref().and_then(|usage| usage.total_token_count).unwrap_or(0) as usize;
        owned_text(&event).len() + usage
    });
    let borrowed = fastest(rounds, count, || {
        let event: lean::GenerateContentResponse = serde_json::from_slice(EVENT).expect("lean decode");
        let usage: Option<Box<serde_json::value::RawValue>> = event.usage_metadata.map(|raw| raw.0.to_owned());
        lean_text(&event).len() + usage.map_or(0, |raw| raw.get().len())
    });
    println!("| Gemini text event | ns per event |");
    println!("|---|---|");
    println!("| owned wire types (before) | {owned:.0} |");
    println!("| lean types, usage kept as text (the stream now) | {borrowed:.0} ({:.2} of owned) |", borrowed / owned);
}
