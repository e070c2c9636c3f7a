//! Rev.ai against the mock server, with fixtures written from Rev.ai's documented answers
//! (tests/fixtures/revai/): submit, the polls and the transcript, every request asserted.

use std::time::Duration;

use serde_json::{Value, json};

use super::*;
use crate::provider::{ProviderOptions, TranscriptionModel, TranscriptionOptions};
use crate::provider_utils::test_server::{TestResponse, TestServer};

const JOB_ID: &str = "Umx5c6F7pH7r";

fn fixture(name: &str) -> Value {
    let path = format!("{}/../tests/fixtures/revai/{name}.json", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{path}: {error}"))).unwrap()
}

fn answer(name: &str) -> TestResponse {
    TestResponse::json(200, fixture(name))
}

fn fast() -> PollSettings {
    PollSettings::default().with_intervals(Duration::from_millis(1), Duration::from_millis(2))
}

fn provider(server: &TestServer) -> RevaiProvider {
    create_revai(RevaiSettings::default().with_api_key("test-key").with_base_url(server.base_url()).with_poll_settings(fast()))
}

fn assert_authorized(server: &TestServer) {
    for request in server.requests() {
        assert_eq!(request.header("authorization"), Some("Bearer test-key"), "{} {}", request.method, request.path);
    }
}

fn job_path() -> String {
    format!("/speechtotext/v1/jobs/{JOB_ID}")
}

#[tokio::test]
async fn submits_the_media_polls_until_transcribed_and_reads_the_transcript() {
    let server = TestServer::start([
        answer("job_in_progress"),
        answer("job_in_progress"),
        answer("job_in_progress"),
        answer("job_transcribed"),
        TestResponse::json(200, fixture("transcript")).header("content-type", "application/vnd.rev.transcript.v1.0+json"),
    ])
    .await;
    let mut options = TranscriptionOptions::new(b"RIFF-audio".to_vec(), "audio/wav");
    options.provider_options = ProviderOptions::new().with("revai", json!({"language": "en", "removeDisfluencies": true}));
    let response = provider(&server).transcription("machine").do_generate(&options).await.unwrap();

    let requests = server.requests();
    let calls: Vec<(&str, &str)> = requests.iter().map(|request| (request.method.as_str(), request.path.as_str())).collect();
    let job = job_path();
    let transcript = format!("{job}/transcript");
    assert_eq!(calls, [("POST", "/speechtotext/v1/jobs"), ("GET", &*job), ("GET", &*job), ("GET", &*job), ("GET", &*transcript)]);
    let upload = requests[0].body_text();
    assert!(requests[0].header("content-type").unwrap().starts_with("multipart/form-data; boundary="));
    assert!(upload.contains("Content-Disposition: form-data; name=\"media\"; filename=\"audio\"\r\nContent-Type: audio/wav\r\n\r\nRIFF-audio\r\n"), "{upload}");
    assert!(
        upload.contains("Content-Disposition: form-data; name=\"options\"\r\n\r\n{\"language\":\"en\",\"remove_disfluencies\":true,\"transcriber\":\"machine\"}\r\n"),
        "{upload}"
    );
    assert_eq!(requests[4].header("accept"), Some("application/vnd.rev.transcript.v1.0+json"));
    assert_authorized(&server);

    assert_eq!(response.text, "Hello, world. Hi!");
    let segments: Vec<(&str, f64, f64)> =
        response.segments.iter().map(|segment| (segment.text.as_str(), segment.start_second, segment.end_second)).collect();
    assert_eq!(segments, [("Hello, world.", 0.24, 1.13), ("Hi!", 1.5, 1.82)]);
    assert_eq!(response.language.as_deref(), Some("en"));
    assert_eq!(response.duration_in_seconds, Some(2.0));
    assert_eq!(response.provider_metadata.unwrap().0["revai"]["jobId"], JOB_ID);
    assert_eq!(response.response.id.as_deref(), Some(JOB_ID));
}

#[tokio::test]
async fn audio_given_by_url_is_sent_as_the_source() {
    let server = TestServer::start([answer("job_in_progress"), answer("job_transcribed"), answer("transcript")]).await;
    let options = TranscriptionOptions::from_url("https://example.com/talk.mp3");
    let response = provider(&server).transcription("fusion").do_generate(&options).await.unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    assert_eq!((requests[0].method.as_str(), requests[0].path.as_str()), ("POST", "/speechtotext/v1/jobs"));
    assert_eq!(requests[0].header("content-type"), Some("application/json"));
    assert_eq!(requests[0].json(), json!({"source_config": {"url": "https://example.com/talk.mp3"}, "transcriber": "fusion"}));
    assert_authorized(&server);
    assert_eq!(response.text, "Hello, world. Hi!");
}

#[tokio::test]
async fn a_failed_job_is_job_failed_with_the_failure_detail() {
    let server = TestServer::start([answer("job_in_progress"), answer("job_in_progress"), answer("job_failed")]).await;
    let error = provider(&server).transcription("machine").do_generate(&TranscriptionOptions::from_url("https://example.com/x")).await.unwrap_err();
    match error {
        Error::JobFailed { provider, job_id, message } => {
            assert_eq!((provider.as_str(), job_id.as_str()), ("revai", JOB_ID));
            assert_eq!(message, "Failed to download media file. Please check your url and file type");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(server.requests().len(), 3, "no transcript is fetched for a failed job");
}

#[tokio::test]
async fn abandoning_the_poll_sends_nothing_more() {
    // Rev.ai has no cancel request: dropping the poll stops the polling, and nothing else is sent.
    let mut responses = vec![answer("job_in_progress")];
    responses.extend((0..200).map(|_| answer("job_in_progress")));
    let server = TestServer::start(responses).await;
    let model = provider(&server).transcription("machine");
    let polling = tokio::spawn(async move { model.do_generate(&TranscriptionOptions::from_url("https://example.com/x")).await });
    for _ in 0..400 {
        if server.requests().iter().any(|request| request.method == "GET") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    polling.abort();
    assert!(polling.await.unwrap_err().is_cancelled());
    let seen = server.requests().len();
    tokio::time::sleep(Duration::from_millis(30)).await;
    assert_eq!(server.requests().len(), seen);
    assert!(server.requests().iter().all(|request| request.method != "DELETE"));
}

#[tokio::test]
async fn error_bodies_become_api_errors_with_revais_message() {
    let server = TestServer::start([TestResponse::json(401, fixture("error_401"))]).await;
    let error = provider(&server).transcription("machine").do_generate(&TranscriptionOptions::new(b"RIFF".to_vec(), "audio/wav")).await.unwrap_err();
    assert!(matches!(&error, Error::ApiCall(call) if call.status == 401 && call.message == "Authorization has been denied for this request"), "{error:?}");
    let server = TestServer::start([TestResponse::json(400, fixture("error_400")).header("content-type", "application/problem+json")]).await;
    let error = provider(&server).transcription("machine").do_generate(&TranscriptionOptions::from_url("https://example.com/x")).await.unwrap_err();
    match &error {
        Error::ApiCall(call) => {
            assert_eq!((call.status, call.message.as_str()), (400, "Your request parameters didn't validate"));
            assert_eq!(call.error_type.as_deref(), Some("https://www.rev.ai/api/v1/errors/invalid-parameters"));
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_rate_limited_submit_is_retried_after_the_wait_asked() {
    let server = TestServer::start([
        TestResponse::json(429, json!({"title": "Too many requests", "status": 429})).header("retry-after", "0"),
        answer("job_in_progress"),
        answer("job_transcribed"),
        answer("transcript"),
    ])
    .await;
    let result = crate::transcribe(provider(&server).transcription("machine")).audio_url("https://example.com/x").await.unwrap();
    assert_eq!(result.text, "Hello, world. Hi!");
    assert_eq!(server.requests().len(), 4);
}

#[tokio::test]
async fn a_malformed_transcript_is_an_invalid_response_not_a_panic() {
    let server = TestServer::start([answer("job_in_progress"), answer("job_transcribed"), TestResponse::text(200, "{\"monologues\": [")]).await;
    let error = provider(&server).transcription("machine").do_generate(&TranscriptionOptions::from_url("https://example.com/x")).await.unwrap_err();
    assert!(matches!(&error, Error::InvalidResponse { .. }), "{error:?}");
}

#[tokio::test]
async fn an_empty_transcript_of_unknown_duration_is_no_transcript_generated() {
    let mut transcribed = fixture("job_transcribed");
    transcribed.as_object_mut().unwrap().remove("duration_seconds");
    let server = TestServer::start([answer("job_in_progress"), TestResponse::json(200, transcribed), TestResponse::json(200, json!({"monologues": []}))]).await;
    let error = provider(&server).transcription("machine").do_generate(&TranscriptionOptions::from_url("https://example.com/x")).await.unwrap_err();
    assert!(matches!(&error, Error::NoTranscriptGenerated { provider, .. } if provider == "revai"), "{error:?}");
}

#[tokio::test]
async fn unknown_options_are_rejected_before_any_request() {
    let server = TestServer::start([]).await;
    let mut options = TranscriptionOptions::from_url("https://example.com/x");
    options.provider_options = ProviderOptions::new().with("revai", json!({"skipDiarisation": true}));
    let error = provider(&server).transcription("machine").do_generate(&options).await.unwrap_err();
    assert!(matches!(&error, Error::InvalidArgument { .. }), "{error:?}");
    assert!(server.requests().is_empty());
}

#[test]
fn the_registry_hands_out_transcription_models_only() {
    let registry = crate::default_registry();
    assert_eq!(registry.transcription_model("revai:machine").unwrap().provider(), "revai");
    assert!(matches!(registry.language_model("revai:machine"), Err(Error::NoSuchModel { .. })));
}

#[test]
fn operation_urls_come_from_the_mapping_and_debug_hides_the_key() {
    let provider = create_revai(RevaiSettings::default().with_api_key("secret-key").with_base_url("http://h/"));
    assert!(!format!("{provider:?}").contains("secret-key"));
    let connection = provider.connection.unwrap();
    let operations = REVAI.operations;
    assert_eq!(crate::provider_utils::job_operation_url(&connection, operations.status.as_ref(), "status", "", "j1", None).unwrap(), "http://h/speechtotext/v1/jobs/j1");
    assert_eq!(crate::provider_utils::job_operation_url(&connection, operations.result.as_ref(), "result", "", "j1", None).unwrap(), "http://h/speechtotext/v1/jobs/j1/transcript");
    assert!(operations.cancel.is_none());
}
