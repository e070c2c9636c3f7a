//! AssemblyAI against the mock server, with fixtures written from AssemblyAI's documented
//! answers (tests/fixtures/assemblyai/): upload, submit, the polls and the cancel, every
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

const TRANSCRIPT_ID: &str = "6rl3x1k2p4-8b5d-4c7e-9f0a-1e2d3c4b5a69";
const UPLOAD_URL: &str = "https://cdn.assemblyai.com/upload/4a2f9c1e-77d3-4b8e-9c61-2f0d5e8a3b17";

fn fixture(name: &str) -> Value {
    fixture_json(PROVIDER_ID, name)
}

fn answer(name: &str) -> TestResponse {
    TestResponse::json(200, fixture(name))
}

/// A transcript of audio given by URL, as the shared polling scenarios see it.
struct AssemblyAi;

impl PolledJobVendor for AssemblyAi {
    const JOB: PolledJob = PolledJob {
        id: PROVIDER_ID, job_id: TRANSCRIPT_ID, authorization: ("authorization", "test-key"), submit: ("/v2/transcript", 200, "transcript_queued"),
        poll: ("GET", "/v2/transcript/{id}"), running: "transcript_processing", cancel: Some(("DELETE", "/v2/transcript/{id}")),
        failed: ("transcript_error", "Download error, unable to download https://example.com/missing.mp3. Please make sure the file exists and is accessible from the internet."),
        misspelt_option: r#"{"speakerLabel": true}"#, malformed_poll: r#"{"id": "x", "status": "#,
    };

    type Provider = AssemblyAiProvider;

    fn provider_with(server: &TestServer, poll: PollSettings) -> AssemblyAiProvider {
        create_assemblyai(AssemblyAiSettings::default().with_api_key("test-key").with_base_url(server.base_url()).with_poll_settings(poll))
    }

    fn finished(_: &TestServer) -> Vec<TestResponse> {
        vec![answer("transcript_completed")]
    }
    async fn call(server: &TestServer, poll: PollSettings, options: Value) -> crate::error::Result<()> {
        transcribe_url(Self::provider_with(server, poll).transcription("universal"), PROVIDER_ID, options).await
    }
}

polled_job_tests!(AssemblyAi);

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
    let response = AssemblyAi::provider(&server).transcription("universal").do_generate(&options).await.unwrap();

    let requests = server.requests();
    let status = poll_path::<AssemblyAi>();
    assert_eq!(calls(&requests), [("POST", "/v2/upload"), ("POST", "/v2/transcript"), ("GET", &*status), ("GET", &*status), ("GET", &*status)]);
    assert_eq!(&requests[0].body[..], b"RIFF-audio");
    assert_eq!(requests[0].header("content-type"), Some("application/octet-stream"));
    assert_eq!(
        requests[1].json(),
        json!({"audio_url": UPLOAD_URL, "speech_models": ["universal"], "speaker_labels": true, "language_code": "en_us"})
    );
    server.requests().iter().for_each(AssemblyAi::assert_authorized);

    let segments = [("Hello,", 0.24, 0.61), ("world.", 0.65, 1.13), ("Hi!", 1.5, 1.82)];
    assert_transcript(&response, "Hello, world. Hi!", &segments, Some("en"), 2.0);
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
    let response = AssemblyAi::provider(&server).transcription("slam-1").do_generate(&options).await.unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!((requests[0].method.as_str(), requests[0].path.as_str()), ("POST", "/v2/transcript"));
    assert_eq!(requests[0].json(), json!({"audio_url": "https://example.com/talk.mp3", "speech_models": ["slam-1"]}));
    assert_eq!((requests[1].method.as_str(), requests[1].path.as_str()), ("GET", poll_path::<AssemblyAi>().as_str()));
    server.requests().iter().for_each(AssemblyAi::assert_authorized);
    assert_eq!(response.text, "Hello, world. Hi!");
}

#[tokio::test]
async fn error_bodies_become_api_errors_with_assemblyais_message() {
    let model = |server: &TestServer| AssemblyAi::provider(server).transcription("universal");
    let upload = TranscriptionOptions::new(b"RIFF".to_vec(), "audio/wav");
    let call = transcription_api_error(TestResponse::json(401, fixture("error_401")), upload, model).await;
    assert_eq!((call.status, call.message.as_str(), call.is_retryable), (401, "Authentication error, API token missing/invalid", false));
    let url = TranscriptionOptions::from_url("https://example.com/a.mp3");
    let call = transcription_api_error(TestResponse::json(400, fixture("error_400")), url, model).await;
    assert_eq!((call.status, call.message.as_str()), (400, "format_text must be a Boolean"));
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
    let result = crate::transcribe(AssemblyAi::provider(&server).transcription("universal")).audio(b"RIFF....WAVE".to_vec()).await.unwrap();
    assert_eq!(result.text, "Hello, world. Hi!");
    let paths: Vec<String> = server.requests().into_iter().map(|request| request.path).collect();
    assert_eq!(paths, ["/v2/upload", "/v2/upload", "/v2/transcript", &poll_path::<AssemblyAi>()]);
}

#[tokio::test]
async fn a_completed_transcript_without_text_is_no_transcript_generated() {
    let mut completed = fixture("transcript_completed");
    completed["text"] = Value::Null;
    let server = TestServer::start([answer("transcript_queued"), TestResponse::json(200, completed)]).await;
    let model = AssemblyAi::provider(&server).transcription("universal");
    assert_no_transcript_generated(model, "assemblyai").await;
}

#[test]
fn the_registry_hands_out_transcription_models_only() {
    assert_registry_gives_transcription_models_only("assemblyai:universal", "assemblyai");
}

#[test]
fn operation_urls_come_from_the_mapping_and_debug_hides_the_key() {
    let settings =
        AssemblyAiSettings::default().with_api_key(SECRET_KEY).with_base_url("http://h/");
    let provider = create_assemblyai(settings);
    assert_debug_hides_the_key(&provider);
    let connection = provider.connection.unwrap();
    let operations = ASSEMBLYAI.operations;
    assert_eq!(connection.url(&operations.upload.unwrap(), "").unwrap(), "http://h/v2/upload");
    let status = job_url(&connection, operations.status.as_ref(), "status", "t/1");
    assert_eq!(status, "http://h/v2/transcript/t%2F1");
    assert_eq!(operations.cancel.unwrap().method, "DELETE");
}
