use std::sync::Mutex;
use std::time::Duration;

use serde_json::json;

use super::*;
use crate::error::{ApiCallError, Error, TimeoutKind};
use crate::middleware::FallbackMetadata;
use crate::provider::{FinishReason, Message, ProviderOptions, ResponseMetadata, Usage};
use crate::test_util::{MockLanguageModel, MockStream, text_response};

fn api(status: u16) -> Error {
    ApiCallError::new(status, "https://api.example/v1", format!("status {status}")).into()
}

fn options() -> CallOptions {
    CallOptions::new(vec![Message::user("hi")])
}

fn chain(models: &[&MockLanguageModel]) -> FallbackModel {
    fallback(
        models
            .iter()
            .map(|model| Arc::new((*model).clone()) as Arc<dyn LanguageModel>)
            .collect(),
    )
    .unwrap()
}

fn record(metadata: Option<&ProviderOptions>) -> FallbackMetadata {
    FallbackMetadata::from_provider_metadata(metadata).expect("a fallback record")
}

/// Every kind of error, and whether a chain without a predicate moves on after it.
fn error_kinds() -> Vec<(Error, bool)> {
    let mut kinds: Vec<(Error, bool)> = [408, 409, 429, 500, 502, 503, 529]
        .into_iter()
        .map(|status| (api(status), true))
        .collect();
    kinds.extend(
        [400, 401, 403, 404, 422]
            .into_iter()
            .map(|status| (api(status), false)),
    );
    kinds.extend([
        (
            Error::Connection {
                url: "https://api".into(),
                message: "reset".into(),
                source: None,
            },
            true,
        ),
        (
            Error::invalid_response("bad json", Some("{".into()), None),
            false,
        ),
        (
            Error::Timeout {
                kind: TimeoutKind::Step,
                duration: Duration::from_secs(1),
            },
            false,
        ),
        (Error::unsupported("tools", None), false),
        (Error::invalid_argument("prompt", "empty"), false),
        (
            Error::RetriesExhausted {
                errors: vec![api(500), api(503)],
            },
            true,
        ),
        (
            Error::RetriesExhausted {
                errors: vec![api(500), api(400)],
            },
            false,
        ),
        (Error::Cancelled, false),
    ]);
    kinds
}

#[tokio::test]
async fn generate_moves_on_after_a_retryable_error_and_records_the_answering_model() {
    let first = MockLanguageModel::with_ids("one", "m1").with_error(api(503));
    let second = MockLanguageModel::with_ids("two", "m2").with_response(text_response("from two"));
    let third = MockLanguageModel::with_ids("three", "m3");
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let model = chain(&[&first, &second, &third]).on_fallback(move |attempt, error| {
        log.lock().unwrap().push((attempt.clone(), error.status()))
    });
    assert_eq!((model.provider(), model.model_id()), ("one", "m1"));
    let response = model.do_generate(&options()).await.unwrap();
    assert_eq!(response.content[0].as_text(), Some("from two"));
    assert_eq!(
        (first.call_count(), second.call_count(), third.call_count()),
        (1, 1, 0)
    );
    assert_eq!(
        first.calls()[0].prompt,
        second.calls()[0].prompt,
        "the same options go to each model"
    );
    let record = record(response.provider_metadata.as_ref());
    assert_eq!(
        (
            record.model_index,
            record.provider.as_str(),
            record.model_id.as_str()
        ),
        (1, "two", "m2")
    );
    assert_eq!(record.failed_attempts.len(), 1);
    let attempt = &record.failed_attempts[0];
    assert_eq!(
        (
            attempt.model_index,
            attempt.model_id.as_str(),
            attempt.status,
            attempt.retryable
        ),
        (0, "m1", Some(503), true)
    );
    assert!(
        attempt.message.contains("status 503"),
        "{}",
        attempt.message
    );
    assert_eq!(*seen.lock().unwrap(), [(attempt.clone(), Some(503))]);
}

#[tokio::test]
async fn the_first_model_answering_is_recorded_too_and_keeps_other_metadata() {
    let mut response = text_response("first");
    response.provider_metadata = Some(ProviderOptions::new().with("vendor", json!({"cost": 2})));
    let first = MockLanguageModel::new().with_response(response);
    let result = chain(&[&first, &MockLanguageModel::new()])
        .do_generate(&options())
        .await
        .unwrap();
    let metadata = result.provider_metadata.unwrap();
    assert_eq!(metadata.get("vendor"), Some(&json!({"cost": 2})));
    assert_eq!(
        record(Some(&metadata)),
        FallbackMetadata {
            model_index: 0,
            provider: "mock".into(),
            model_id: "mock-model".into(),
            failed_attempts: Vec::new()
        }
    );
}

#[tokio::test]
async fn generate_falls_back_on_each_retryable_kind_and_stops_on_the_others() {
    for (error, moves_on) in error_kinds() {
        let description = format!("{error:?}");
        let first = MockLanguageModel::new().with_error(error);
        let second = MockLanguageModel::new().with_response(text_response("ok"));
        let result = chain(&[&first, &second]).do_generate(&options()).await;
        assert_eq!(result.is_ok(), moves_on, "{description}");
        assert_eq!(second.call_count(), usize::from(moves_on), "{description}");
        if !moves_on {
            let error = result.unwrap_err();
            assert!(
                !matches!(error, Error::RetriesExhausted { ref errors } if errors.len() == 1),
                "{description}: one attempt is its own error"
            );
        }
    }
}

#[tokio::test]
async fn a_predicate_adds_errors_to_fall_back_on_but_never_cancellation() {
    for (error, retryable) in error_kinds() {
        let cancelled = matches!(error, Error::Cancelled);
        let first = MockLanguageModel::new().with_error(error);
        let second = MockLanguageModel::new().with_response(text_response("ok"));
        let result = chain(&[&first, &second])
            .fallback_if(|_| true)
            .do_generate(&options())
            .await;
        assert_eq!(result.is_ok(), !cancelled, "retryable {retryable}");
    }
    let first = MockLanguageModel::new()
        .with_error(api(400))
        .with_error(api(401));
    let second = MockLanguageModel::new().with_response(text_response("ok"));
    let model = chain(&[&first, &second]).fallback_if(|error| error.status() == Some(400));
    assert!(model.do_generate(&options()).await.is_ok());
    assert_eq!(
        model.do_generate(&options()).await.unwrap_err().status(),
        Some(401)
    );
}

#[tokio::test]
async fn when_every_model_fails_all_the_errors_are_kept_in_order() {
    let first = MockLanguageModel::new().with_error(api(500));
    let second = MockLanguageModel::new().with_error(api(429));
    let third = MockLanguageModel::new().with_error(api(503));
    let error = chain(&[&first, &second, &third])
        .do_generate(&options())
        .await
        .unwrap_err();
    match &error {
        Error::RetriesExhausted { errors } => {
            assert_eq!(
                errors.iter().map(Error::status).collect::<Vec<_>>(),
                [Some(500), Some(429), Some(503)]
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(error.status(), Some(503));
    assert!(
        !error.is_retryable(),
        "generate_text does not retry an exhausted chain"
    );

    // A chain stopped by an error that does not pass keeps the attempts before it.
    let first = MockLanguageModel::new().with_error(api(500));
    let second = MockLanguageModel::new().with_error(api(401));
    let error = chain(&[&first, &second, &MockLanguageModel::new()])
        .do_generate(&options())
        .await
        .unwrap_err();
    assert!(matches!(&error, Error::RetriesExhausted { errors } if errors.len() == 2));
    assert_eq!(error.status(), Some(401));
    assert!(matches!(
        fallback(Vec::new()),
        Err(Error::InvalidArgument { .. })
    ));
}

#[tokio::test]
async fn a_nested_chain_that_is_exhausted_moves_the_outer_chain_on() {
    let inner = chain(&[
        &MockLanguageModel::new().with_error(api(500)),
        &MockLanguageModel::new().with_error(api(502)),
    ]);
    let outer_backup =
        MockLanguageModel::with_ids("backup", "b").with_response(text_response("saved"));
    let outer = fallback(vec![Arc::new(inner), Arc::new(outer_backup)]).unwrap();
    let response = outer.do_generate(&options()).await.unwrap();
    let record = record(response.provider_metadata.as_ref());
    assert_eq!(record.model_id, "b");
    assert_eq!(record.failed_attempts[0].status, Some(502));
}

/// The parts of a stream call through `model`, up to its first error (given beside them).
async fn streamed(model: &dyn LanguageModel) -> (Vec<StreamPart>, Option<Error>) {
    let mut stream = model.do_stream(&options()).await.unwrap().stream;
    let mut parts = Vec::new();
    while let Some(item) = stream.next().await {
        match item {
            Ok(part) => parts.push(part),
            Err(error) => return (parts, Some(error)),
        }
    }
    (parts, None)
}

fn finish_record(parts: &[StreamPart]) -> FallbackMetadata {
    match parts.last() {
        Some(StreamPart::Finish {
            provider_metadata, ..
        }) => record(provider_metadata.as_ref()),
        other => panic!("no finish part: {other:?}"),
    }
}

#[tokio::test]
async fn stream_moves_on_when_the_call_fails_or_the_stream_fails_before_content() {
    let before_content = MockStream::new()
        .part(StreamPart::StreamStart {
            warnings: Vec::new(),
        })
        .part(StreamPart::ResponseMetadata(Box::new(ResponseMetadata::new(
            Some("first".into()),
            None,
            None,
        ))))
        .error(api(529));
    let refused = MockLanguageModel::with_ids("a", "refused").with_stream_error(api(503));
    let dying = MockLanguageModel::with_ids("b", "dying").with_stream(before_content);
    let healthy = MockLanguageModel::with_ids("c", "healthy").with_stream(
        MockStream::new()
            .part(StreamPart::ResponseMetadata(Box::new(ResponseMetadata::new(
                Some("third".into()),
                None,
                None,
            ))))
            .text_block(["Hel", "lo"])
            .finish(FinishReason::Stop),
    );
    let model = chain(&[&refused, &dying, &healthy]);
    let (parts, error) = streamed(&model).await;
    assert!(error.is_none());
    assert!(
        matches!(&parts[0], StreamPart::ResponseMetadata(metadata) if metadata.id.as_deref() == Some("third")),
        "nothing of a failed attempt is replayed: {parts:?}"
    );
    assert_eq!(
        parts
            .iter()
            .filter(|part| matches!(part, StreamPart::TextDelta { .. }))
            .count(),
        2
    );
    let record = finish_record(&parts);
    assert_eq!(record.model_id, "healthy");
    assert_eq!(
        record
            .failed_attempts
            .iter()
            .map(|attempt| attempt.status)
            .collect::<Vec<_>>(),
        [Some(503), Some(529)]
    );
    assert_eq!(
        (dying.streams_dropped_early(), healthy.streams_finished()),
        (1, 1)
    );
}

#[tokio::test]
async fn stream_errors_after_the_first_content_part_surface_without_fallback() {
    let first = MockLanguageModel::new().with_stream(
        MockStream::new()
            .part(StreamPart::StreamStart {
                warnings: Vec::new(),
            })
            .part(StreamPart::TextStart {
                id: "t".into(),
                provider_metadata: None,
            })
            .part(StreamPart::TextDelta {
                id: "t".into(),
                delta: "partial".into(),
            })
            .error(api(503)),
    );
    let second = MockLanguageModel::new().with_stream(MockStream::text(["unused"]));
    let (parts, error) = streamed(&chain(&[&first, &second])).await;
    assert_eq!(parts.len(), 3);
    assert_eq!(error.unwrap().status(), Some(503));
    assert_eq!(second.call_count(), 0);

    // A tool call (or any other content) is content as much as text is.
    let first = MockLanguageModel::new()
        .with_stream(MockStream::tool_calls([("c1", "t", json!({}))]).error(api(500)));
    let (_, error) = streamed(&chain(&[&first, &second])).await;
    assert_eq!(error.unwrap().status(), Some(500));
    assert_eq!(second.call_count(), 0);
}

#[tokio::test]
async fn stream_stops_at_errors_that_do_not_pass_and_reports_exhaustion() {
    let first = MockLanguageModel::new().with_stream(MockStream::new().error(api(400)));
    let second = MockLanguageModel::new().with_stream(MockStream::text(["x"]));
    assert_eq!(
        chain(&[&first, &second])
            .do_stream(&options())
            .await
            .unwrap_err()
            .status(),
        Some(400)
    );
    assert_eq!(second.call_count(), 0);

    let first = MockLanguageModel::new().with_stream_error(api(500));
    let second = MockLanguageModel::new().with_stream(MockStream::new().error(Error::Connection {
        url: "u".into(),
        message: "cut".into(),
        source: None,
    }));
    let error = chain(&[&first, &second])
        .do_stream(&options())
        .await
        .unwrap_err();
    assert!(matches!(&error, Error::RetriesExhausted { errors } if errors.len() == 2));

    // A stream that ends without content (or a finish) is an answer, not a failure.
    let empty =
        MockLanguageModel::new().with_stream(MockStream::new().part(StreamPart::StreamStart {
            warnings: Vec::new(),
        }));
    let (parts, error) = streamed(&chain(&[&empty, &second])).await;
    assert_eq!((parts.len(), error.is_none()), (1, true));
}

#[tokio::test]
async fn the_finish_part_keeps_its_metadata_and_gains_the_record() {
    let finish = StreamPart::Finish {
        usage: Box::new(Usage::default()),
        finish_reason: FinishReason::Stop,
        raw_finish_reason: None,
        provider_metadata: Some(ProviderOptions::new().with("vendor", json!({"id": 1}))),
    };
    let first = MockLanguageModel::new().with_stream(MockStream::new().part(finish));
    let (parts, _) = streamed(&chain(&[&first])).await;
    let StreamPart::Finish {
        provider_metadata: Some(metadata),
        ..
    } = &parts[0]
    else {
        panic!("{parts:?}")
    };
    assert_eq!(metadata.get("vendor"), Some(&json!({"id": 1})));
    assert_eq!(finish_record(&parts).model_index, 0);
}

#[test]
fn supported_urls_are_those_every_model_supports() {
    let images = SupportedUrl::new("image/*", "https://");
    let pdfs = SupportedUrl::new("application/pdf", "https://");
    let first = MockLanguageModel::new().with_supported_urls(vec![images.clone(), pdfs.clone()]);
    let second = MockLanguageModel::new().with_supported_urls(vec![pdfs.clone()]);
    assert_eq!(chain(&[&first, &second]).supported_urls(), [pdfs]);
    assert_eq!(chain(&[&first]).supported_urls().len(), 2);
}
