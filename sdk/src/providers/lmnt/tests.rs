//! The LMNT speech model against the mock server, with error bodies written from LMNT's documented
//! format (tests/fixtures/lmnt/). Each test asserts what the server received (path, `x-api-key`,
//! JSON body) and what was parsed.

use serde_json::json;

use super::*;
use crate::error::Error;
use crate::provider::{ProviderOptions, SpeechOptions};
use crate::provider_utils::test_server::{TestResponse, TestServer};
use crate::providers::vendor_test_support::{SECRET_KEY, assert_audio_provider, fixture_text, json_answer, unsupported_features};

fn error_response(status: u16, name: &str) -> TestResponse {
    json_answer(status, fixture_text("lmnt", name))
}

fn provider(server: &TestServer) -> LmntProvider {
    create_lmnt(LmntSettings::default().with_api_key("lmnt-test-key").with_base_url(server.base_url()))
}

#[tokio::test]
async fn speech_sends_voice_model_format_and_options_in_the_body() {
    let server = TestServer::start([TestResponse::bytes(200, &b"RIFF wav"[..], "audio/wav")]).await;
    let mut options = SpeechOptions::new("Hello there.");
    options.voice = Some("leah".into());
    options.output_format = Some("wav".into());
    options.speed = Some(1.25);
    options.language = Some("de".into());
    options.provider_options = ProviderOptions::new().with("lmnt", json!({"sampleRate": 16000, "seed": 7, "topP": 0.8, "temperature": 1.2}));
    let response = provider(&server).speech("blizzard").do_generate(&options).await.unwrap();
    let request = server.single_request();
    assert_eq!((request.method.as_str(), request.path.as_str()), ("POST", "/v1/ai/speech/bytes"));
    assert_eq!(request.header("x-api-key"), Some("lmnt-test-key"));
    assert_eq!(request.header("authorization"), None);
    assert_eq!(
        request.json(),
        json!({"voice": "leah", "text": "Hello there.", "model": "blizzard", "language": "de", "format": "wav",
               "sample_rate": 16000, "speed": 1.25, "seed": 7, "top_p": 0.8, "temperature": 1.2})
    );
    assert_eq!(&response.audio[..], b"RIFF wav");
    assert_eq!(response.media_type, "audio/wav");
    assert!(response.warnings.is_empty());
}

#[tokio::test]
async fn defaults_pcm_and_unsupported_settings() {
    let server = TestServer::start([
        TestResponse::bytes(200, &b"mp3"[..], "audio/mpeg"),
        TestResponse::bytes(200, &b"raw"[..], "application/octet-stream"),
    ])
    .await;
    let model = provider(&server).speech("aurora");
    let mut options = SpeechOptions::new("Hi");
    options.instructions = Some("whisper".into());
    options.output_format = Some("flac".into());
    let response = model.do_generate(&options).await.unwrap();
    assert_eq!(unsupported_features(&response.warnings), ["output_format", "instructions"]);
    assert_eq!(response.media_type, "audio/mpeg");
    let mut pcm = SpeechOptions::new("Hi");
    pcm.output_format = Some("pcm".into());
    assert_eq!(model.do_generate(&pcm).await.unwrap().media_type, "audio/pcm");
    let requests = server.requests();
    assert_eq!(requests[0].json(), json!({"voice": "ava", "text": "Hi", "model": "aurora", "format": "mp3"}));
    assert_eq!(requests[1].json()["format"], "raw");
}

#[tokio::test]
async fn errors_typos_and_empty_audio() {
    let server = TestServer::start([
        error_response(400, "error_400.json"),
        error_response(429, "error_429.json").header("retry-after", "0"),
        TestResponse::bytes(200, &b"mp3"[..], "audio/mpeg"),
        TestResponse::bytes(200, &b""[..], "audio/mpeg"),
    ])
    .await;
    let model = provider(&server).speech("blizzard");
    let mut nobody = SpeechOptions::new("Hi");
    nobody.voice = Some("nobody".into());
    let error = model.do_generate(&nobody).await.unwrap_err();
    let api = error.as_api_call().unwrap();
    assert_eq!((api.status, api.message.as_str(), api.is_retryable), (400, "Voice not found: nobody", false));
    let retried = crate::generate_speech(model.clone()).text("Hi").await.unwrap();
    assert_eq!(&retried.audio[..], b"mp3");
    let error = model.do_generate(&SpeechOptions::new("Hi")).await.unwrap_err();
    assert!(matches!(error, Error::NoSpeechGenerated { ref provider, .. } if provider == "lmnt.speech"), "{error}");
    assert_eq!(server.requests().len(), 4);
    let mut typo = SpeechOptions::new("Hi");
    typo.provider_options = ProviderOptions::new().with("lmnt", json!({"sample_rate": 8000}));
    assert!(matches!(model.do_generate(&typo).await, Err(Error::InvalidArgument { .. })));
    assert_eq!(server.requests().len(), 4, "a rejected option sends nothing");
}

#[test]
fn the_provider_has_no_language_models_and_hides_the_key() {
    let lmnt = create_lmnt(LmntSettings::default().with_api_key(SECRET_KEY));
    assert_audio_provider(&lmnt, "speech", "blizzard", "lmnt.speech");
    assert!(matches!(Provider::transcription_model(&lmnt, "m"), Err(Error::NoSuchModel { .. })));
}
