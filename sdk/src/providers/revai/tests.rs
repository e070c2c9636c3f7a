//! Rev.ai against the mock server, with fixtures written from Rev.ai's documented answers
//! (tests/fixtures/revai/): submit, the polls and the transcript, every request asserted.

use serde_json::{Value, json};

use super::*;
use crate::provider::{ProviderOptions, TranscriptionModel, TranscriptionOptions};
use crate::provider_utils::test_server::{TestResponse, TestServer};
use crate::providers::vendor_test_support::{
    PolledJob, PolledJobVendor, SECRET_KEY, assert_debug_hides_the_key,
    assert_no_transcript_generated, assert_registry_gives_transcription_models_only,
    assert_transcript, calls, fixture_json, job_url, poll_path, polled_job_tests, transcribe_url,
    transcription_api_error,
};

const JOB_ID: &str = "Umx5c6F7pH7r";

fn fixture(name: &str) -> Value {
    fixture_json(PROVIDER_ID, name)
}

fn answer(name: &str) -> TestResponse {
    TestResponse::json(200, fixture(name))
}

/// A job of audio given by URL, as the shared polling scenarios see it. Rev.ai has no cancel
/// request: dropping the poll stops the polling, and nothing else is sent.
struct Revai;

impl PolledJobVendor for Revai {
    const JOB: PolledJob = PolledJob {
        id: PROVIDER_ID, job_id: JOB_ID, authorization: ("authorization", "Bearer test-key"), submit: ("/speechtotext/v1/jobs", 200, "job_in_progress"),
        poll: ("GET", "/speechtotext/v1/jobs/{id}"), running: "job_in_progress", cancel: None, misspelt_option: r#"{"skipDiarisation": true}"#,
        failed: ("job_failed", "Failed to download media file. Please check your url and file type"), malformed_poll: r#"{"id": "x", "status": "#,
    };

    type Provider = RevaiProvider;

    fn provider_with(server: &TestServer, poll: PollSettings) -> RevaiProvider {
        create_revai(RevaiSettings::default().with_api_key("test-key").with_base_url(server.base_url()).with_poll_settings(poll))
    }

    fn finished(_: &TestServer) -> Vec<TestResponse> {
        vec![answer("job_transcribed"), answer("transcript")]
    }
    async fn call(server: &TestServer, poll: PollSettings, options: Value) -> crate::error::Result<()> {
        transcribe_url(Self::provider_with(server, poll).transcription("machine"), PROVIDER_ID, options).await
    }
}

polled_job_tests!(Revai);

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
    let response = Revai::provider(&server).transcription("machine").do_generate(&options).await.unwrap();

    let requests = server.requests();
    let job = poll_path::<Revai>();
    let transcript = format!("{job}/transcript");
    assert_eq!(calls(&requests), [("POST", "/speechtotext/v1/jobs"), ("GET", &*job), ("GET", &*job), ("GET", &*job), ("GET", &*transcript)]);
    let upload = requests[0].body_text();
    assert!(requests[0].header("content-type").unwrap().starts_with("multipart/form-data; boundary="));
    assert!(upload.contains("Content-Disposition: form-data; name=\"media\"; filename=\"audio\"\r\nContent-Type: audio/wav\r\n\r\nRIFF-audio\r\n"), "{upload}");
    assert!(
        upload.contains("Content-Disposition: form-data; name=\"options\"\r\n\r\n{\"language\":\"en\",\"remove_disfluencies\":true,\"transcriber\":\"machine\"}\r\n"),
        "{upload}"
    );
    assert_eq!(requests[4].header("accept"), Some("application/vnd.rev.transcript.v1.0+json"));
    server.requests().iter().for_each(Revai::assert_authorized);

    let segments = [("Hello, world.", 0.24, 1.13), ("Hi!", 1.5, 1.82)];
    assert_transcript(&response, "Hello, world. Hi!", &segments, Some("en"), 2.0);
    assert_eq!(response.provider_metadata.unwrap().0["revai"]["jobId"], JOB_ID);
    assert_eq!(response.response.id.as_deref(), Some(JOB_ID));
}

#[tokio::test]
async fn audio_given_by_url_is_sent_as_the_source() {
    let server = TestServer::start([answer("job_in_progress"), answer("job_transcribed"), answer("transcript")]).await;
    let options = TranscriptionOptions::from_url("https://example.com/talk.mp3");
    let response = Revai::provider(&server).transcription("fusion").do_generate(&options).await.unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    assert_eq!((requests[0].method.as_str(), requests[0].path.as_str()), ("POST", "/speechtotext/v1/jobs"));
    assert_eq!(requests[0].header("content-type"), Some("application/json"));
    assert_eq!(requests[0].json(), json!({"source_config": {"url": "https://example.com/talk.mp3"}, "transcriber": "fusion"}));
    server.requests().iter().for_each(Revai::assert_authorized);
    assert_eq!(response.text, "Hello, world. Hi!");
}

#[tokio::test]
async fn error_bodies_become_api_errors_with_revais_message() {
    let model = |server: &TestServer| Revai::provider(server).transcription("machine");
    let upload = TranscriptionOptions::new(b"RIFF".to_vec(), "audio/wav");
    let call = transcription_api_error(TestResponse::json(401, fixture("error_401")), upload, model).await;
    assert_eq!((call.status, call.message.as_str()), (401, "Authorization has been denied for this request"));
    let problem = TestResponse::json(400, fixture("error_400")).header("content-type", "application/problem+json");
    let call = transcription_api_error(problem, TranscriptionOptions::from_url("https://example.com/x"), model).await;
    assert_eq!((call.status, call.message.as_str()), (400, "Your request parameters didn't validate"));
    assert_eq!(call.error_type.as_deref(), Some("https://www.rev.ai/api/v1/errors/invalid-parameters"));
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
    let result = crate::transcribe(Revai::provider(&server).transcription("machine")).audio_url("https://example.com/x").await.unwrap();
    assert_eq!(result.text, "Hello, world. Hi!");
    assert_eq!(server.requests().len(), 4);
}

#[tokio::test]
async fn a_malformed_transcript_is_an_invalid_response_not_a_panic() {
    let server = TestServer::start([answer("job_in_progress"), answer("job_transcribed"), TestResponse::text(200, "{\"monologues\": [")]).await;
    let error = Revai::provider(&server).transcription("machine").do_generate(&TranscriptionOptions::from_url("https://example.com/x")).await.unwrap_err();
    assert!(matches!(&error, Error::InvalidResponse { .. }), "{error:?}");
}

#[tokio::test]
async fn an_empty_transcript_of_unknown_duration_is_no_transcript_generated() {
    let mut transcribed = fixture("job_transcribed");
    transcribed.as_object_mut().unwrap().remove("duration_seconds");
    let server = TestServer::start([answer("job_in_progress"), TestResponse::json(200, transcribed), TestResponse::json(200, json!({"monologues": []}))]).await;
    let model = Revai::provider(&server).transcription("machine");
    assert_no_transcript_generated(model, "revai").await;
}

#[test]
fn the_registry_hands_out_transcription_models_only() {
    assert_registry_gives_transcription_models_only("revai:machine", "revai");
}

#[test]
fn operation_urls_come_from_the_mapping_and_debug_hides_the_key() {
    let settings = RevaiSettings::default().with_api_key(SECRET_KEY).with_base_url("http://h/");
    let provider = create_revai(settings);
    assert_debug_hides_the_key(&provider);
    let connection = provider.connection.unwrap();
    let operations = REVAI.operations;
    let status = job_url(&connection, operations.status.as_ref(), "status", "j1");
    assert_eq!(status, "http://h/speechtotext/v1/jobs/j1");
    let result = job_url(&connection, operations.result.as_ref(), "result", "j1");
    assert_eq!(result, "http://h/speechtotext/v1/jobs/j1/transcript");
    assert!(operations.cancel.is_none());
}
