//! Fault tests: every stream format (OpenAI chat, Responses, Anthropic, Gemini, a compatible
//! vendor) and plain JSON calls against a server that misbehaves on purpose, byte for byte
//! (`provider_utils::fault_server`, a real socket on 127.0.0.1).
//!
//! One table of faults runs over one table of formats ([`formats::FORMATS`]); each case asserts
//! the typed outcome and the partial output a caller can still read.

mod formats;
mod idle;

use std::time::Duration;

use futures::StreamExt;
use specai::error::Error;
use specai::provider::{CallOptions, FinishReason, LanguageModel, Message, StreamPart};
use specai::provider_utils::DEFAULT_IDLE_TIMEOUT;
use specai::provider_utils::fault_server::{FaultServer, FaultStep, json_head, sse_head};

use formats::{FIRST, FORMATS, Format, TEXT};

fn options() -> CallOptions {
    CallOptions::new(vec![Message::user("Hi")])
}

/// What a stream gave: its parts until the end or the first `Err`, and that error.
struct Outcome {
    parts: Vec<StreamPart>,
    error: Option<Error>,
}

impl Outcome {
    fn text(&self) -> String {
        crate::support::text_of(&self.parts)
    }

    fn error_parts(&self) -> Vec<&Error> {
        self.parts.iter().filter_map(|part| match part { StreamPart::Error { error } => Some(error), _ => None }).collect()
    }

    fn finish_reason(&self) -> Option<FinishReason> {
        self.parts.iter().find_map(|part| match part { StreamPart::Finish { finish_reason, .. } => Some(*finish_reason), _ => None })
    }
}

/// Streams from `format`'s model on a server running `script`; the server is returned so that
/// a test can look at what it saw.
async fn stream(format: &Format, script: Vec<FaultStep>) -> (Outcome, FaultServer) {
    let server = FaultServer::start([script]).await;
    let outcome = stream_from(format, &server).await;
    (outcome, server)
}

async fn stream_from(format: &Format, server: &FaultServer) -> Outcome {
    let model = (format.model)(server.base_url(), Some(DEFAULT_IDLE_TIMEOUT));
    let response = match model.do_stream(&options()).await {
        Ok(response) => response,
        Err(error) => return Outcome { parts: Vec::new(), error: Some(error) },
    };
    collect(format, response.stream).await
}

/// Reads a stream to its end or its first `Err` (after which it must end).
async fn collect(format: &Format, mut stream: specai::provider::PartStream) -> Outcome {
    let mut parts = Vec::new();
    while let Some(item) = stream.next().await {
        match item {
            Ok(part) => parts.push(part),
            Err(error) => {
                assert!(stream.next().await.is_none(), "{}: the stream ends after an error", format.name);
                return Outcome { parts, error: Some(error) };
            }
        }
    }
    Outcome { parts, error: None }
}

/// Asserts the whole answer arrived: all the text, the finish reason `stop`, no error.
fn assert_complete(format: &Format, outcome: &Outcome, case: &str) {
    assert!(outcome.error.is_none(), "{} {case}: {:?}", format.name, outcome.error);
    assert_eq!(outcome.text(), TEXT, "{} {case}", format.name);
    assert!(outcome.error_parts().is_empty(), "{} {case}: {:?}", format.name, outcome.error_parts());
    assert_eq!(outcome.finish_reason(), Some(FinishReason::Stop), "{} {case}", format.name);
}

/// Asserts a cut: the first delta was read, then a connection error ended the stream.
fn assert_cut(format: &Format, outcome: &Outcome, case: &str) {
    assert_eq!(outcome.text(), FIRST, "{} {case}: the text before the cut is kept", format.name);
    assert!(matches!(outcome.error, Some(Error::Connection { .. })), "{} {case}: {:?}", format.name, outcome.error);
    assert_eq!(outcome.finish_reason(), None, "{} {case}: no made-up finish", format.name);
}

#[tokio::test]
async fn a_reset_mid_stream_is_a_connection_error_after_the_text_so_far() {
    for format in FORMATS {
        let (outcome, _server) = stream(format, vec![FaultStep::write(sse_head()), FaultStep::write(format.through_first()), FaultStep::Reset]).await;
        assert_cut(format, &outcome, "reset");
    }
}

#[tokio::test]
async fn a_content_length_larger_than_the_body_is_a_connection_error() {
    for format in FORMATS {
        let body = format.through_first();
        let head = sse_head().replace("connection: close\r\n", &format!("content-length: {}\r\n", body.len() + 100));
        let (outcome, _server) = stream(format, vec![FaultStep::write(head), FaultStep::write(body)]).await;
        assert_cut(format, &outcome, "short body");
    }
}

#[tokio::test]
async fn a_body_trickled_one_byte_at_a_time_is_read_whole() {
    for format in FORMATS {
        let (outcome, server) = stream(format, vec![FaultStep::write(sse_head()), FaultStep::trickle(format.complete())]).await;
        assert_complete(format, &outcome, "trickle");
        let request = &server.requests()[0];
        assert!(request.head.starts_with("POST "), "{}: {}", format.name, request.head);
        assert!(!request.body.is_empty(), "{}: a request body was sent", format.name);
    }
}

#[tokio::test]
async fn an_event_split_at_every_byte_is_read_whole() {
    for format in FORMATS {
        // Every byte of both text events (two- and four-byte UTF-8 among them), one connection each.
        let body = format.complete();
        let start = format.prelude.concat().len();
        let splits = start + 1..start + format.text[0].len() + format.text[1].len();
        let scripts = splits.clone().map(|split| {
            vec![
                FaultStep::write(sse_head()),
                FaultStep::write(body.as_bytes()[..split].to_vec()),
                FaultStep::Pause(Duration::from_millis(1)),
                FaultStep::write(body.as_bytes()[split..].to_vec()),
            ]
        });
        let server = FaultServer::start(scripts).await;
        for split in splits {
            let outcome = stream_from(format, &server).await;
            assert_complete(format, &outcome, &format!("split at byte {split}"));
        }
    }
}

#[tokio::test]
async fn a_stream_ending_without_its_terminator_keeps_the_text_and_says_so() {
    for format in FORMATS {
        let (outcome, _server) = stream(format, vec![FaultStep::write(sse_head()), FaultStep::write(format.without_end())]).await;
        // The one rule: an error part saying the stream ended early, then a finish `other`.
        assert!(outcome.error.is_none(), "{}: {:?}", format.name, outcome.error);
        assert_eq!(outcome.text(), TEXT, "{}", format.name);
        let errors = outcome.error_parts();
        assert_eq!(errors.len(), 1, "{}: {errors:?}", format.name);
        assert!(errors[0].to_string().contains("ended before its final event"), "{}: {}", format.name, errors[0]);
        assert_eq!(outcome.finish_reason(), Some(FinishReason::Other), "{}", format.name);
    }
}

#[tokio::test]
async fn a_malformed_event_between_good_ones_is_an_error_part_and_the_stream_goes_on() {
    for format in FORMATS {
        let body = format.through_first() + format.malformed + format.text[1] + &format.end.concat();
        let (outcome, _server) = stream(format, vec![FaultStep::write(sse_head()), FaultStep::write(body)]).await;
        assert!(outcome.error.is_none(), "{}: {:?}", format.name, outcome.error);
        assert_eq!(outcome.text(), TEXT, "{}: the text after the bad event is kept", format.name);
        let errors = outcome.error_parts();
        assert_eq!(errors.len(), 1, "{}: {errors:?}", format.name);
        let bad_data = format.malformed.rsplit("data: ").next().unwrap().trim_end();
        match errors[0] {
            Error::InvalidResponse { raw: Some(raw), .. } => assert_eq!(raw, bad_data, "{}: the raw event is kept", format.name),
            other => panic!("{}: {other:?}", format.name),
        }
        assert_eq!(outcome.finish_reason(), Some(FinishReason::Stop), "{}", format.name);
    }
}

#[tokio::test]
async fn a_provider_error_event_mid_stream_is_an_api_error_after_the_text_so_far() {
    for format in FORMATS {
        let body = format.through_first() + format.error_event;
        let (outcome, _server) = stream(format, vec![FaultStep::write(sse_head()), FaultStep::write(body)]).await;
        assert_eq!(outcome.text(), FIRST, "{}", format.name);
        match &outcome.error {
            Some(Error::ApiCall(error)) => {
                assert!(error.is_retryable, "{}: a server failure may be retried: {error:?}", format.name);
                assert!(!error.message.is_empty(), "{}", format.name);
            }
            other => panic!("{}: {other:?}", format.name),
        }
    }
}

#[tokio::test]
async fn dropping_a_stream_closes_its_connection() {
    for format in FORMATS {
        let server = FaultServer::start([vec![FaultStep::write(sse_head()), FaultStep::write(format.through_first()), FaultStep::AwaitClientClose]]).await;
        let model = (format.model)(server.base_url(), Some(DEFAULT_IDLE_TIMEOUT));
        let mut stream = model.do_stream(&options()).await.unwrap().stream;
        loop {
            match stream.next().await {
                Some(Ok(StreamPart::TextDelta { delta, .. })) => {
                    assert_eq!(delta, FIRST, "{}", format.name);
                    break;
                }
                Some(Ok(_)) => {}
                other => panic!("{}: {other:?}", format.name),
            }
        }
        drop(stream);
        assert!(server.client_closed(Duration::from_secs(5)).await, "{}: the server saw the connection close", format.name);
    }
}

/// A server that goes silent (headers sent, then nothing; or nothing at all) does not hold a
/// call forever: the idle timeout ends it, keeping the text that arrived.
#[tokio::test]
async fn a_silent_server_ends_the_call_with_an_idle_timeout() {
    let idle = Some(Duration::from_millis(300));
    let is_idle = |error: &Error| matches!(error, Error::Timeout { kind: specai::error::TimeoutKind::Idle, .. });
    for format in FORMATS {
        // Mid-stream: the first delta, then silence.
        let server = FaultServer::start([vec![FaultStep::write(sse_head()), FaultStep::write(format.through_first()), FaultStep::Pause(Duration::from_secs(5))]]).await;
        let model = (format.model)(server.base_url(), idle);
        let outcome = collect(format, model.do_stream(&options()).await.unwrap().stream).await;
        assert_eq!(outcome.text(), FIRST, "{}", format.name);
        let error = outcome.error.as_ref().or(outcome.error_parts().first().copied());
        assert!(error.is_some_and(is_idle), "{}: {error:?}", format.name);

        // Before the response headers, for a stream and for a plain call.
        let server = FaultServer::start([vec![FaultStep::Pause(Duration::from_secs(5))], vec![FaultStep::Pause(Duration::from_secs(5))]]).await;
        let model = (format.model)(server.base_url(), idle);
        let error = model.do_stream(&options()).await.err();
        assert!(error.as_ref().is_some_and(is_idle), "{} stream: {error:?}", format.name);
        let error = model.do_generate(&options()).await.err();
        assert!(error.as_ref().is_some_and(is_idle), "{} generate: {error:?}", format.name);

        // With the limit removed, the same silence is still being waited for after a second.
        let server = FaultServer::start([vec![FaultStep::Pause(Duration::from_secs(5))]]).await;
        let model = (format.model)(server.base_url(), None);
        let waiting = tokio::time::timeout(Duration::from_secs(1), model.do_generate(&options())).await;
        assert!(waiting.is_err(), "{}: no idle timeout without a limit", format.name);
    }
}

/// Generates from `format`'s model on a server running `script`.
async fn generate(format: &Format, script: Vec<FaultStep>) -> specai::Result<String> {
    let server = FaultServer::start([script]).await;
    let model = (format.model)(server.base_url(), Some(DEFAULT_IDLE_TIMEOUT));
    let response = model.do_generate(&options()).await?;
    Ok(response.content.iter().filter_map(|content| match content {
        specai::provider::Content::Text { text, .. } => Some(text.as_str()),
        _ => None,
    }).collect())
}

#[tokio::test]
async fn plain_json_calls_survive_a_trickle_and_report_cuts() {
    for format in FORMATS {
        let body = format.json;
        let text = generate(format, vec![FaultStep::write(json_head(body.len())), FaultStep::trickle(body)]).await;
        assert_eq!(text.as_deref().ok(), Some(TEXT), "{} trickle: {text:?}", format.name);

        let half = body.len() / 2;
        let reset = generate(format, vec![FaultStep::write(json_head(body.len())), FaultStep::write(&body.as_bytes()[..half]), FaultStep::Reset]).await;
        assert!(matches!(reset, Err(Error::Connection { .. })), "{} reset mid-body: {reset:?}", format.name);

        let short = generate(format, vec![FaultStep::write(json_head(body.len() + 100)), FaultStep::write(body)]).await;
        assert!(matches!(short, Err(Error::Connection { .. })), "{} content-length larger than the body: {short:?}", format.name);
    }
}

#[tokio::test]
async fn stream_text_reports_a_skipped_event_as_a_warning_and_keeps_the_answer() {
    let format = &FORMATS[0];
    let body = format.through_first() + format.malformed + format.text[1] + &format.end.concat();
    let server = FaultServer::start([vec![FaultStep::write(sse_head()), FaultStep::write(body)]]).await;
    let mut result = specai::stream_text((format.model)(server.base_url(), Some(DEFAULT_IDLE_TIMEOUT))).prompt("Hi").start();
    let mut error_parts = 0;
    let mut parts = result.full_stream();
    while let Some(part) = parts.next().await {
        if let specai::stream_text::TextStreamPart::Error(error) = part.unwrap() {
            assert!(matches!(*error, Error::InvalidResponse { .. }), "{error:?}");
            error_parts += 1;
        }
    }
    drop(parts);
    assert_eq!(error_parts, 1);
    assert_eq!(result.text().await.unwrap(), TEXT);
    assert_eq!(result.finish_reason().await.unwrap(), FinishReason::Stop);
    let warnings = result.warnings().await.unwrap();
    assert!(warnings.iter().any(|warning| warning.to_string().contains("the stream went on past an error")), "{warnings:?}");
}

/// A server that never ends a line cannot grow the reader's buffer without end: past the
/// provider's event limit the stream ends with a typed error, after the text that arrived.
#[tokio::test]
async fn a_line_with_no_end_stops_at_the_event_limit() {
    let format = &FORMATS[0];
    let endless = format!("data: {{\"choices\":[{{\"delta\":{{\"content\":\"{}", "x".repeat(256 * 1024));
    let server = FaultServer::start([vec![FaultStep::write(sse_head()), FaultStep::write(format.through_first()), FaultStep::write(endless), FaultStep::Pause(Duration::from_secs(5))]]).await;
    let settings = specai::openai::OpenAiSettings::default().with_api_key("k").with_base_url(server.base_url()).with_max_event_bytes(64 * 1024);
    let model = specai::openai::create_openai(settings).chat("gpt-4o");
    let outcome = collect(format, model.do_stream(&options()).await.unwrap().stream).await;
    assert_eq!(outcome.text(), FIRST);
    let error = outcome.error.as_ref().or(outcome.error_parts().first().copied());
    assert!(matches!(error, Some(Error::ResponseTooLarge { limit: 65536, .. })), "{error:?}");
}
