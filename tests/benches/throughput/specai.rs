//! specai's clients: the generation functions, and the provider's model alone.

use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use specai::openai::{OpenAiSettings, create_openai};
use specai::provider::{CallOptions, LanguageModel, Message, StreamPart};
use specai::{CancellationToken, TextStreamPart, generate_text, stream_text};

use super::{DELTA, Measured, Stopwatch, Work, run_requests};

fn chat_model(base_url: String) -> specai::openai_compatible::OpenAiCompatibleChatLanguageModel {
    create_openai(OpenAiSettings::default().with_api_key("sk-bench").with_base_url(base_url)).chat("gpt-4o-mini")
}

/// The guarded client's total timeout: far beyond the run, set as production code sets one.
const GUARD_TIMEOUT: Duration = Duration::from_secs(3_600);

/// How the generation functions are called.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Calling {
    /// `stream_text`'s text stream, and `generate_text`.
    TextStream,
    /// `stream_text`'s full stream (requests as [`Calling::TextStream`]).
    FullStream,
    /// As [`Calling::TextStream`], with a total timeout and a cancellation token.
    Guarded,
}

/// `stream_text` (its text stream, or its full stream) and `generate_text`.
pub(super) async fn run(work: Work, base_url: String, deltas: usize, calling: Calling) -> Measured {
    let model = Arc::new(chat_model(base_url));
    let guarded = calling == Calling::Guarded;
    match work {
        Work::Stream(_) => {
            let started = Stopwatch::start();
            let mut request = stream_text(model).prompt("Say something.").max_retries(0);
            if guarded {
                request = request.timeout(GUARD_TIMEOUT).cancellation_token(CancellationToken::new());
            }
            let mut result = request.start();
            let mut text = String::new();
            if calling == Calling::FullStream {
                let mut parts = result.full_stream();
                while let Some(part) = parts.next().await {
                    if let TextStreamPart::TextDelta { delta, .. } = part.expect("specai part") {
                        text.push_str(&delta);
                    }
                }
            } else {
                let mut stream = result.text_stream();
                while let Some(delta) = stream.next().await {
                    text.push_str(&delta.expect("specai delta"));
                }
            }
            assert_eq!(text.len(), deltas * DELTA.len());
            let usage = result.usage().await.expect("specai usage");
            assert_eq!(usage.output_tokens.total, Some(20_000));
            started.stop(deltas)
        }
        Work::Sequential | Work::Concurrent => {
            run_requests(work, || {
                let mut request = generate_text(model.clone()).prompt("Say something.").max_retries(0);
                if guarded {
                    request = request.timeout(GUARD_TIMEOUT).cancellation_token(CancellationToken::new());
                }
                async move {
                    let result = request.await.expect("specai request");
                    assert!(result.text().len() > 200);
                }
            })
            .await
        }
    }
}

/// The chat model called directly: the provider engine's share of specai's cost (request
/// building, SSE and JSON decoding, stream parts), without the step loop, results and views.
pub(super) async fn run_model(work: Work, base_url: String, deltas: usize) -> Measured {
    let model = Arc::new(chat_model(base_url));
    let options = Arc::new(CallOptions::new(vec![Message::user("Say something.")]));
    match work {
        Work::Stream(_) => {
            let started = Stopwatch::start();
            let response = model.do_stream(&options).await.expect("specai model stream");
            let mut parts = response.stream;
            let mut text = String::new();
            let mut output_tokens = None;
            while let Some(part) = parts.next().await {
                match part.expect("specai model part") {
                    StreamPart::TextDelta { delta, .. } => text.push_str(&delta),
                    StreamPart::Finish { usage, .. } => output_tokens = usage.output_tokens.total,
                    _ => {}
                }
            }
            assert_eq!(text.len(), deltas * DELTA.len());
            assert_eq!(output_tokens, Some(20_000));
            started.stop(deltas)
        }
        Work::Sequential | Work::Concurrent => {
            run_requests(work, || {
                let (model, options) = (model.clone(), options.clone());
                async move {
                    let response = model.do_generate(&options).await.expect("specai model request");
                    assert!(matches!(response.content.first(), Some(specai::provider::Content::Text { text, .. }) if text.len() > 200));
                }
            })
            .await
        }
    }
}
