//! AssemblyAI against the mock server, with fixtures written from AssemblyAI's documented
//! answers (tests/fixtures/assemblyai/): upload, submit, the polls and the cancel, every
//! request asserted.

use std::time::Duration;

use serde_json::{Value, json};

use super::*;
use crate::provider::{ProviderOptions, TranscriptionModel, TranscriptionOptions};
use crate::provider_utils::test_server::{TestResponse, TestServer};

const TRANSCRIPT_ID: &str = "6rl3x1k2p4-8b5d-4c7e-9f0a-1e2d3c4b5a69";
const UPLOAD_URL: &str = "https://cdn.assemblyai.com/upload/4a2f9c1e-77d3-4b8e-9c61-2f0d5e8a3b17";

fn fixture(name: &str) -> Value {
    let path = format!("{}/../tests/fixtures/assemblyai/{name}.json", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{path}: {error}"))).unwrap()
}

fn answer(name: &str) -> TestResponse {
    TestResponse::json(200, fixture(name))
}

fn fast() -> PollSettings {
    PollSettings::default().with_intervals(Duration::from_millis(1), Duration::from_millis(2))
}

fn provider(server: &TestServer) -> AssemblyAiProvider {
    create_assemblyai(AssemblyAiSettings::default().with_api_key("test-key").with_base_url(server.base_url()).with_poll_settings(fast()))
}

fn assert_authorized(server: &TestServer) {
    for request in server.requests() {
        assert_eq!(request.header("authorization"), Some("test-key"), "{} {}", request.method, request.path);
    }
}

fn status_path() -> String {
    format!("/v2/transcript/{TRANSCRIPT_ID}")
}

#[tokio::test]
async fn uploads_submits_and_polls_until_completed() {
    let server = TestServer::start([
        answer("upload"),
        answer("transcript_queued"),
        answer("transcript_queued"),
        answer("transcript_processing"),
        answer("transcript_completed"),
    ])
    .await;
    let mut options = TranscriptionOptions::new(b"RIFF-audio".to_vec(), "audio/wav");
    options.provider_options = ProviderOptions::new().with("assemblyai", json!({"speakerLabels": true, "languageCode": "en_us"}));
    let response = provider(&server).transcription("universal").do_generate(&options).await.unwrap();

    let requests = server.requests();
    let calls: Vec<(&str, &str)> = requests.iter().map(|request| (request.method.as_str(), request.path.as_str())).collect();
    let status = status_path();
    assert_eq!(calls, [("POST", "/v2/upload"), ("POST", "/v2/transcript"), ("GET", &*status), ("GET", &*status), ("GET", &*status)]);
    assert_eq!(&requests[0].body[..], b"RIFF-audio");
    assert_eq!(requests[0].header("content-type"), Some("application/octet-stream"));
    assert_eq!(
        requests[1].json(),
        json!({"audio_url": UPLOAD_URL, "speech_models": ["universal"], "speaker_labels": true, "language_code": "en_us"})
    );
    assert_authorized(&server);

    assert_eq!(response.text, "Hello, world. Hi!");
    let segments: Vec<(&str, f64, f64)> =
        response.segments.iter().map(|segment| (segment.text.as_str(), segment.start_second, segment.end_second)).collect();
    assert_eq!(segments, [("Hello,", 0.24, 0.61), ("world.", 0.65, 1.13), ("Hi!", 1.5, 1.82)]);
    assert_eq!(response.language.as_deref(), Some("en"));
    assert_eq!(response.duration_in_seconds, Some(2.0));
    let metadata = &response.provider_metadata.unwrap().0["assemblyai"];
    assert_eq!(metadata["jobId"], TRANSCRIPT_ID);
    assert_eq!(metadata["utterances"][1]["speaker"], "B");
    assert_eq!(response.response.id.as_deref(), Some(TRANSCRIPT_ID));
    assert!(response.warnings.is_empty());
}

#[tokio::test]
async fn audio_given_by_url_is_sent_without_an_upload() {
    let server = TestServer::start([answer("transcript_queued"), answer("transcript_completed")]).await;
    let options = TranscriptionOptions::from_url("https://example.com/talk.mp3");
    let response = provider(&server).transcription("slam-1").do_generate(&options).await.unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!((requests[0].method.as_str(), requests[0].path.as_str()), ("POST", "/v2/transcript"));
    assert_eq!(requests[0].json(), json!({"audio_url": "https://example.com/talk.mp3", "speech_models": ["slam-1"]}));
    assert_eq!((requests[1].method.as_str(), requests[1].path.as_str()), ("GET", status_path().as_str()));
    assert_authorized(&server);
    assert_eq!(response.text, "Hello, world. Hi!");
}

#[tokio::test]
async fn a_failed_transcript_is_job_failed_with_assemblyais_message() {
    let server = TestServer::start([answer("transcript_queued"), answer("transcript_processing"), answer("transcript_error")]).await;
    let options = TranscriptionOptions::from_url("https://example.com/missing.mp3");
    let error = provider(&server).transcription("universal").do_generate(&options).await.unwrap_err();
    match error {
        Error::JobFailed { provider, job_id, message } => {
            assert_eq!((provider.as_str(), job_id.as_str()), ("assemblyai", TRANSCRIPT_ID));
            assert!(message.starts_with("Download error, unable to download https://example.com/missing.mp3"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    tokio::time::sleep(Duration::from_millis(20)).await;
    assert!(server.requests().iter().all(|request| request.method != "DELETE"), "a job that ended is not deleted");
}

#[tokio::test]
async fn abandoning_the_poll_deletes_the_transcript() {
    let mut responses = vec![answer("transcript_queued")];
    responses.extend((0..200).map(|_| answer("transcript_processing")));
    let server = TestServer::start(responses).await;
    let options = TranscriptionOptions::from_url("https://example.com/long.mp3");
    let model = provider(&server).transcription("universal");
    let polling = tokio::spawn(async move { model.do_generate(&options).await });
    // Abandoned once polling has begun (the job exists), as a caller's timeout or select! would.
    for _ in 0..400 {
        if server.requests().iter().any(|request| request.method == "GET") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    polling.abort();
    assert!(polling.await.unwrap_err().is_cancelled(), "still processing when abandoned");
    let mut deleted = None;
    for _ in 0..400 {
        deleted = server.requests().into_iter().find(|request| request.method == "DELETE");
        if deleted.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let deleted = deleted.expect("the DELETE of the abandoned transcript");
    assert_eq!(deleted.path, status_path());
    assert_eq!(deleted.header("authorization"), Some("test-key"));
}

#[tokio::test]
async fn the_total_timeout_is_a_job_timeout() {
    let mut responses = vec![answer("transcript_queued")];
    responses.extend((0..200).map(|_| answer("transcript_processing")));
    let server = TestServer::start(responses).await;
    let settings = AssemblyAiSettings::default()
        .with_api_key("test-key")
        .with_base_url(server.base_url())
        .with_poll_settings(fast().with_total_timeout(Duration::from_millis(30)));
    let error =
        create_assemblyai(settings).transcription("universal").do_generate(&TranscriptionOptions::from_url("https://example.com/a.mp3")).await.unwrap_err();
    assert!(matches!(error, Error::Timeout { kind: crate::error::TimeoutKind::Job, .. }), "{error:?}");
}

#[tokio::test]
async fn error_bodies_become_api_errors_with_assemblyais_message() {
    let server = TestServer::start([TestResponse::json(401, fixture("error_401"))]).await;
    let options = TranscriptionOptions::new(b"RIFF".to_vec(), "audio/wav");
    let error = provider(&server).transcription("universal").do_generate(&options).await.unwrap_err();
    match &error {
        Error::ApiCall(call) => {
            assert_eq!(call.status, 401);
            assert_eq!(call.message, "Authentication error, API token missing/invalid");
            assert!(!call.is_retryable);
        }
        other => panic!("{other:?}"),
    }
    let server = TestServer::start([TestResponse::json(400, fixture("error_400"))]).await;
    let error = provider(&server).transcription("universal").do_generate(&TranscriptionOptions::from_url("https://example.com/a.mp3")).await.unwrap_err();
    assert!(matches!(&error, Error::ApiCall(call) if call.status == 400 && call.message == "format_text must be a Boolean"), "{error:?}");
}

#[tokio::test]
async fn a_rate_limited_upload_is_retried_after_the_wait_asked() {
    let server = TestServer::start([
        TestResponse::json(429, json!({"error": "Too many requests"})).header("retry-after", "0"),
        answer("upload"),
        answer("transcript_queued"),
        answer("transcript_completed"),
    ])
    .await;
    let result = crate::transcribe(provider(&server).transcription("universal")).audio(b"RIFF....WAVE".to_vec()).await.unwrap();
    assert_eq!(result.text, "Hello, world. Hi!");
    let paths: Vec<String> = server.requests().into_iter().map(|request| request.path).collect();
    assert_eq!(paths, ["/v2/upload", "/v2/upload", "/v2/transcript", &status_path()]);
}

#[tokio::test]
async fn a_malformed_poll_answer_is_an_invalid_response_not_a_panic() {
    let server = TestServer::start([answer("transcript_queued"), TestResponse::text(200, "{\"id\": \"x\", \"status\": ")]).await;
    let error = provider(&server).transcription("universal").do_generate(&TranscriptionOptions::from_url("https://example.com/a.mp3")).await.unwrap_err();
    assert!(matches!(&error, Error::InvalidResponse { .. }), "{error:?}");
    assert!(format!("{error:?}").contains("\\\"status\\\": ") || format!("{error:?}").contains("\"status\": "), "keeps the raw text: {error:?}");
}

#[tokio::test]
async fn a_completed_transcript_without_text_is_no_transcript_generated() {
    let mut completed = fixture("transcript_completed");
    completed["text"] = Value::Null;
    let server = TestServer::start([answer("transcript_queued"), TestResponse::json(200, completed)]).await;
    let error = provider(&server).transcription("universal").do_generate(&TranscriptionOptions::from_url("https://example.com/a.mp3")).await.unwrap_err();
    assert!(matches!(&error, Error::NoTranscriptGenerated { provider, .. } if provider == "assemblyai"), "{error:?}");
}

#[tokio::test]
async fn unknown_options_are_rejected_before_any_request() {
    let server = TestServer::start([]).await;
    let mut options = TranscriptionOptions::from_url("https://example.com/a.mp3");
    options.provider_options = ProviderOptions::new().with("assemblyai", json!({"speakerLabel": true}));
    let error = provider(&server).transcription("universal").do_generate(&options).await.unwrap_err();
    assert!(matches!(&error, Error::InvalidArgument { .. }), "{error:?}");
    assert!(server.requests().is_empty());
}

#[test]
fn the_registry_hands_out_transcription_models_only() {
    let registry = crate::default_registry();
    assert_eq!(registry.transcription_model("assemblyai:universal").unwrap().provider(), "assemblyai");
    assert!(matches!(registry.language_model("assemblyai:universal"), Err(Error::NoSuchModel { .. })));
}

#[test]
fn operation_urls_come_from_the_mapping_and_debug_hides_the_key() {
    let provider = create_assemblyai(AssemblyAiSettings::default().with_api_key("secret-key").with_base_url("http://h/"));
    assert!(!format!("{provider:?}").contains("secret-key"));
    let connection = provider.connection.unwrap();
    let operations = ASSEMBLYAI.operations;
    assert_eq!(connection.url(&operations.upload.unwrap(), "").unwrap(), "http://h/v2/upload");
    assert_eq!(crate::provider_utils::job_operation_url(&connection, operations.status.as_ref(), "status", "", "t/1", None).unwrap(), "http://h/v2/transcript/t%2F1");
    assert_eq!(operations.cancel.unwrap().method, "DELETE");
}
