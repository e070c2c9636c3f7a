//! Gladia against the mock server, with fixtures written from Gladia's documented
//! answers (tests/fixtures/gladia/): upload, submit, the polls and the cancel, every
//! request asserted.

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

const JOB_ID: &str = "45463597-20b7-4af7-b3b3-f5fb778203ab";
const UPLOAD_URL: &str = "https://api.gladia.io/file/636c70f6-92c1-4aa6-9b3c-1ff6c2b3c7e0";

fn fixture(name: &str) -> Value {
    fixture_json(PROVIDER_ID, name)
}

fn answer(name: &str) -> TestResponse {
    TestResponse::json(200, fixture(name))
}

/// Gladia's answer to a submission: 201 with the job's id.
fn created() -> TestResponse {
    TestResponse::json(201, fixture("created"))
}

/// A job of audio given by URL, as the shared polling scenarios see it.
struct Gladia;

impl PolledJobVendor for Gladia {
    const JOB: PolledJob = PolledJob {
        id: PROVIDER_ID, job_id: JOB_ID, authorization: ("x-gladia-key", "test-key"), submit: ("/v2/pre-recorded", 201, "created"),
        poll: ("GET", "/v2/pre-recorded/{id}"), running: "job_processing", cancel: Some(("DELETE", "/v2/pre-recorded/{id}")),
        failed: ("job_error", "the job ended with status `error` (error_code 422)"), misspelt_option: r#"{"language": "en"}"#,
        malformed_poll: r#"{"id": "x", "status": "#,
    };

    type Provider = GladiaProvider;

    fn provider_with(server: &TestServer, poll: PollSettings) -> GladiaProvider {
        create_gladia(GladiaSettings::default().with_api_key("test-key").with_base_url(server.base_url()).with_poll_settings(poll))
    }

    fn finished(_: &TestServer) -> Vec<TestResponse> {
        vec![answer("job_done")]
    }
    async fn call(server: &TestServer, poll: PollSettings, options: Value) -> crate::error::Result<()> {
        transcribe_url(Self::provider_with(server, poll).transcription("solaria-1"), PROVIDER_ID, options).await
    }
}

polled_job_tests!(Gladia);

#[tokio::test]
async fn uploads_submits_and_polls_until_completed() {
    let server = TestServer::start([
        answer("upload"),
        created(),
        answer("job_queued"),
        answer("job_processing"),
        answer("job_done"),
    ])
    .await;
    let mut options = TranscriptionOptions::new(b"RIFF-audio".to_vec(), "audio/wav");
    options.provider_options = ProviderOptions::new().with("gladia", json!({"languages": ["en"], "diarization": true, "diarizationConfig": {"numberOfSpeakers": 2}, "customVocabulary": ["Gladia"]}));
    let response = Gladia::provider(&server).transcription("solaria-1").do_generate(&options).await.unwrap();

    let requests = server.requests();
    let status = poll_path::<Gladia>();
    assert_eq!(calls(&requests), [("POST", "/v2/upload"), ("POST", "/v2/pre-recorded"), ("GET", &*status), ("GET", &*status), ("GET", &*status)]);
    let upload = requests[0].body_text();
    assert!(requests[0].header("content-type").unwrap().starts_with("multipart/form-data; boundary="));
    assert!(upload.contains("Content-Disposition: form-data; name=\"audio\"; filename=\"audio.wav\"\r\nContent-Type: audio/wav\r\n\r\nRIFF-audio\r\n"), "{upload}");
    assert_eq!(
        requests[1].json(),
        json!({"audio_url": UPLOAD_URL, "language_config": {"languages": ["en"]}, "diarization": true,
               "diarization_config": {"number_of_speakers": 2}, "custom_vocabulary": true, "custom_vocabulary_config": {"vocabulary": ["Gladia"]}})
    );
    server.requests().iter().for_each(Gladia::assert_authorized);

    let segments = [("Hello, world.", 0.24, 1.13), ("Hi!", 1.5, 1.82)];
    assert_transcript(&response, "Hello, world. Hi!", &segments, Some("en"), 2.0);
    let metadata = &response.provider_metadata.unwrap().0["gladia"];
    assert_eq!(metadata["jobId"], JOB_ID);
    assert_eq!(metadata["billingTime"], 2.0);
    assert_eq!(response.response.id.as_deref(), Some(JOB_ID));
    assert!(response.warnings.is_empty());
}

#[tokio::test]
async fn audio_given_by_url_is_sent_without_an_upload() {
    let server = TestServer::start([created(), answer("job_done")]).await;
    let options = TranscriptionOptions::from_url("https://example.com/talk.mp3");
    let response = Gladia::provider(&server).transcription("solaria-1").do_generate(&options).await.unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!((requests[0].method.as_str(), requests[0].path.as_str()), ("POST", "/v2/pre-recorded"));
    assert_eq!(requests[0].json(), json!({"audio_url": "https://example.com/talk.mp3"}));
    assert_eq!((requests[1].method.as_str(), requests[1].path.as_str()), ("GET", poll_path::<Gladia>().as_str()));
    server.requests().iter().for_each(Gladia::assert_authorized);
    assert_eq!(response.text, "Hello, world. Hi!");
}

#[tokio::test]
async fn error_bodies_become_api_errors_with_gladias_message() {
    let model = |server: &TestServer| Gladia::provider(server).transcription("solaria-1");
    let upload = TranscriptionOptions::new(b"RIFF".to_vec(), "audio/wav");
    let call = transcription_api_error(TestResponse::json(401, fixture("error_401")), upload, model).await;
    assert_eq!((call.status, call.message.as_str(), call.is_retryable), (401, "Invalid or missing x-gladia-key", false));
    let url = TranscriptionOptions::from_url("https://example.com/a.mp3");
    let call = transcription_api_error(TestResponse::json(400, fixture("error_400")), url, model).await;
    assert!(call.status == 400 && call.message.starts_with("Invalid parameters: diarization_config"), "{call:?}");
}

#[tokio::test]
async fn a_rate_limited_upload_is_retried_after_the_wait_asked() {
    let server = TestServer::start([
        TestResponse::json(429, json!({"statusCode": 429, "message": "Too many requests"})).header("retry-after", "0"),
        answer("upload"),
        created(),
        answer("job_done"),
    ])
    .await;
    let result = crate::transcribe(Gladia::provider(&server).transcription("solaria-1")).audio(b"RIFF....WAVE".to_vec()).await.unwrap();
    assert_eq!(result.text, "Hello, world. Hi!");
    let paths: Vec<String> = server.requests().into_iter().map(|request| request.path).collect();
    assert_eq!(paths, ["/v2/upload", "/v2/upload", "/v2/pre-recorded", &poll_path::<Gladia>()]);
}

#[tokio::test]
async fn a_done_job_without_a_transcript_is_no_transcript_generated() {
    let mut done = fixture("job_done");
    done["result"]["transcription"]["full_transcript"] = Value::Null;
    let server = TestServer::start([created(), TestResponse::json(200, done)]).await;
    let model = Gladia::provider(&server).transcription("solaria-1");
    assert_no_transcript_generated(model, "gladia").await;
}

#[test]
fn the_registry_hands_out_transcription_models_only() {
    assert_registry_gives_transcription_models_only("gladia:solaria-1", "gladia");
}

#[test]
fn operation_urls_come_from_the_mapping_and_debug_hides_the_key() {
    let settings = GladiaSettings::default().with_api_key(SECRET_KEY).with_base_url("http://h/");
    let provider = create_gladia(settings);
    assert_debug_hides_the_key(&provider);
    let connection = provider.connection.unwrap();
    let operations = GLADIA.operations;
    assert_eq!(connection.url(&operations.upload.unwrap(), "").unwrap(), "http://h/v2/upload");
    let status = job_url(&connection, operations.status.as_ref(), "status", "t/1");
    assert_eq!(status, "http://h/v2/pre-recorded/t%2F1");
    assert_eq!(operations.cancel.unwrap().method, "DELETE");
}
