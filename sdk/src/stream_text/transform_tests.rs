//! Stream transforms (`smooth_stream`, `map_parts`, custom) and the stream callbacks.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::StreamExt;
use tokio_util::sync::CancellationToken;

use super::*;
use crate::error::{Error, Result};
use crate::provider::{BlockId, StreamPart};
use crate::test_util::{MockLanguageModel, MockStream};

/// The text deltas read through `transform`, for a stream of these deltas.
async fn pieces(deltas: &[&str], transform: impl StreamTransform + 'static) -> Vec<String> {
    let model = MockLanguageModel::new().with_stream(MockStream::text(deltas.iter().copied()));
    let mut result = stream_text(model).prompt("hi").transform(transform).start();
    let pieces: Vec<String> = result.text_stream().map(Result::unwrap).collect().await;
    assert_eq!(pieces.concat(), deltas.concat(), "re-chunking keeps the text");
    assert_eq!(result.text().await.unwrap(), deltas.concat());
    pieces
}

fn smooth(chunking: Chunking) -> SmoothStream {
    smooth_stream().chunking(chunking).delay(None)
}

#[tokio::test]
async fn smooth_stream_chunks_by_word_line_and_regex() {
    assert_eq!(pieces(&["The qu", "ick brown", " fox"], smooth(Chunking::Word)).await, ["The ", "quick ", "brown ", "fox"]);
    assert_eq!(pieces(&["a\nb", "c\n\nd"], smooth(Chunking::Line)).await, ["a\n", "bc\n\n", "d"]);
    let sentence = regex::Regex::new(r"[.!?]\s*").unwrap();
    assert_eq!(pieces(&["Hi. How", " are you? Fine"], smooth(Chunking::Regex(sentence))).await, ["Hi. ", "How are you? ", "Fine"]);
}

#[tokio::test]
async fn smooth_stream_splits_cjk_at_word_boundaries_and_keeps_grapheme_clusters_whole() {
    // The word regex waits for whitespace, which Japanese text has none of.
    assert_eq!(pieces(&["今日は", "晴れ"], smooth(Chunking::Word)).await, ["今日は晴れ"]);
    assert_eq!(pieces(&["今日は", "晴れ"], smooth(Chunking::UnicodeWord)).await, ["今", "日", "は", "晴", "れ"]);
    // A family emoji (ZWJ sequence) and an e with a combining accent, split across deltas.
    let family = "👨\u{200d}👩\u{200d}👧";
    let deltas = ["👨\u{200d}", "👩\u{200d}👧e", "\u{301}x"];
    assert_eq!(pieces(&deltas, smooth(Chunking::Grapheme)).await, [family, "e\u{301}", "x"]);
    // A detector that cuts inside a cluster is extended to the cluster's end.
    let first_char = Chunking::custom(|buffer: &str| buffer.chars().next().map(char::len_utf8));
    assert_eq!(pieces(&["e\u{301}a"], smooth(first_char)).await, ["e\u{301}", "a"]);
}

#[tokio::test]
async fn a_detector_returning_a_bad_length_is_an_error() {
    let model = MockLanguageModel::new().with_stream(MockStream::text(["héllo"]));
    let mut result = stream_text(model).prompt("hi").transform(smooth(Chunking::custom(|_| Some(2)))).start();
    let items: Vec<Result<String>> = result.text_stream().collect().await;
    assert!(matches!(items.last(), Some(Err(Error::InvalidArgument { .. }))), "{items:?}");
}

#[tokio::test(start_paused = true)]
async fn smooth_stream_waits_between_pieces() {
    let model = MockLanguageModel::new().with_stream(MockStream::text(["one two three "]));
    let mut result =
        stream_text(model).prompt("hi").transform(smooth_stream().delay(Some(Duration::from_millis(100)))).start();
    let started = tokio::time::Instant::now();
    let mut stream = result.text_stream();
    let mut times = Vec::new();
    while let Some(piece) = stream.next().await {
        times.push((piece.unwrap(), started.elapsed().as_millis()));
    }
    assert_eq!(times, [("one ".to_owned(), 0), ("two ".to_owned(), 100), ("three ".to_owned(), 200)]);
}

#[tokio::test]
async fn smooth_stream_keeps_blocks_apart_and_passes_other_parts_through() {
    let text: BlockId = Arc::from("t");
    let reasoning: BlockId = Arc::from("r");
    let stream = MockStream::new().part(StreamPart::StreamStart { warnings: Vec::new() }).parts([
        StreamPart::ReasoningStart { id: reasoning.clone(), provider_metadata: None },
        StreamPart::ReasoningDelta { id: reasoning.clone(), delta: "think hard".into(), provider_metadata: None },
        StreamPart::ReasoningEnd { id: reasoning, provider_metadata: None },
        StreamPart::TextStart { id: text.clone(), provider_metadata: None },
        StreamPart::TextDelta { id: text.clone(), delta: "an answer".into() },
        StreamPart::TextEnd { id: text, provider_metadata: None },
    ]);
    let model = MockLanguageModel::new().with_stream(stream.finish(crate::provider::FinishReason::Stop));
    let mut result = stream_text(model).prompt("hi").transform(smooth(Chunking::Word)).start();
    let parts: Vec<String> = result
        .full_stream()
        .map(|part| match part.unwrap() {
            TextStreamPart::ReasoningDelta { delta, .. } => format!("reasoning {delta:?}"),
            TextStreamPart::TextDelta { delta, .. } => format!("text {delta:?}"),
            TextStreamPart::ReasoningEnd { .. } => "reasoning end".into(),
            TextStreamPart::TextStart { .. } => "text start".into(),
            TextStreamPart::TextEnd { .. } => "text end".into(),
            _ => String::new(),
        })
        .filter(|part| std::future::ready(!part.is_empty()))
        .collect()
        .await;
    assert_eq!(
        parts,
        [
            "reasoning \"think \"",
            "reasoning \"hard\"",
            "reasoning end",
            "text start",
            "text \"an \"",
            "text \"answer\"",
            "text end"
        ]
    );
}

#[tokio::test]
async fn transforms_compose_in_the_order_added() {
    let upper = map_parts(|part| match part {
        TextStreamPart::TextDelta { id, delta } => Some(TextStreamPart::TextDelta { id, delta: delta.to_uppercase() }),
        other => Some(other),
    });
    // Words first, then each word marked: the marks show the words the first transform made.
    let mark = map_parts(|part| match part {
        TextStreamPart::TextDelta { id, delta } => Some(TextStreamPart::TextDelta { id, delta: format!("[{delta}]") }),
        other => Some(other),
    });
    let model = MockLanguageModel::new().with_stream(MockStream::text(["ab c", "d e"]));
    let mut result = stream_text(model).prompt("hi").transform(smooth(Chunking::Word)).transform(upper).transform(mark).start();
    let text: String = result.text_stream().map(Result::unwrap).collect().await;
    assert_eq!(text, "[AB ][CD ][E]");
    assert_eq!(result.text().await.unwrap(), "ab cd e", "final values are untransformed");
}

#[tokio::test]
async fn on_chunk_sees_every_part_and_on_error_the_failure() {
    let chunks = Arc::new(Mutex::new(Vec::new()));
    let errors = Arc::new(Mutex::new(Vec::new()));
    let (seen_chunks, seen_errors) = (chunks.clone(), errors.clone());
    let finished = Arc::new(Mutex::new(false));
    let seen_finish = finished.clone();
    let stream = MockStream::new().text_block(["a", "b"]).error(Error::invalid_response("cut", None, None));
    let model = MockLanguageModel::new().with_stream(stream);
    let mut result = stream_text(model)
        .prompt("hi")
        .max_retries(0)
        .on_chunk(move |part| {
            if let TextStreamPart::TextDelta { delta, .. } = part {
                seen_chunks.lock().unwrap().push(delta.clone());
            }
        })
        .on_error(move |error| seen_errors.lock().unwrap().push(error.to_string()))
        .on_finish(move |_, _| *seen_finish.lock().unwrap() = true)
        .start();
    // Only the final values are awaited: the callbacks still see every part.
    assert!(result.text().await.is_err());
    assert_eq!(*chunks.lock().unwrap(), ["a", "b"]);
    assert_eq!(errors.lock().unwrap().len(), 1);
    assert!(!*finished.lock().unwrap(), "on_finish is for generations that complete");
}

#[tokio::test(start_paused = true)]
async fn cancellation_calls_on_abort_and_streams_an_abort_part_then_the_error() {
    let aborted = Arc::new(Mutex::new(None));
    let errors = Arc::new(Mutex::new(0));
    let (seen_abort, seen_errors) = (aborted.clone(), errors.clone());
    let token = CancellationToken::new();
    let model = MockLanguageModel::new().with_stream(MockStream::text(["a"]).delay(Duration::from_secs(10)));
    let mut result = stream_text(model)
        .prompt("hi")
        .cancellation_token(token.clone())
        .on_abort(move |steps| *seen_abort.lock().unwrap() = Some(steps.len()))
        .on_error(move |_| *seen_errors.lock().unwrap() += 1)
        .start();
    let mut parts = result.full_stream();
    loop {
        if let TextStreamPart::TextDelta { .. } = parts.next().await.unwrap().unwrap() {
            break;
        }
    }
    token.cancel();
    assert!(matches!(parts.next().await, Some(Ok(TextStreamPart::Abort { reason: None }))));
    assert!(matches!(parts.next().await, Some(Err(Error::Cancelled))));
    assert!(parts.next().await.is_none());
    assert_eq!(*aborted.lock().unwrap(), Some(0));
    assert_eq!(*errors.lock().unwrap(), 0, "a cancellation is not an error callback");
}
