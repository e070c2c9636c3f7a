//! The Hume speech model against the mock server, with error bodies written from Hume's documented
//! formats (tests/fixtures/hume/). Each test asserts what the server received (path,
//! `x-hume-api-key`, JSON body) and what was parsed.

use serde_json::json;

use super::*;
use crate::error::Error;
use crate::provider::{ProviderOptions, SpeechOptions};
use crate::provider_utils::test_server::{TestResponse, TestServer};
use crate::providers::vendor_test_support::{SECRET_KEY, assert_audio_provider, fixture_text, json_answer, unsupported_features};

fn error_response(status: u16, name: &str) -> TestResponse {
    json_answer(status, fixture_text("hume", name))
}

fn provider(server: &TestServer) -> HumeProvider {
    create_hume(HumeSettings::default().with_api_key("hume-test-key").with_base_url(server.base_url()))
}

#[tokio::test]
async fn speech_sends_one_utterance_with_voice_description_and_speed() {
    let server = TestServer::start([TestResponse::bytes(200, &b"RIFF wav"[..], "audio/wav")]).await;
    let mut options = SpeechOptions::new("Welcome back.");
    options.voice = Some("Ava Song".into());
    options.instructions = Some("warm, unhurried".into());
    options.speed = Some(0.9);
    options.output_format = Some("wav".into());
    options.provider_options = ProviderOptions::new().with(
        "hume",
        json!({"voiceProvider": "CUSTOM_VOICE", "trailingSilence": 0.5, "instantMode": true, "context": {"generationId": "gen-42"}}),
    );
    let response = provider(&server).speech("octave-2").do_generate(&options).await.unwrap();
    let request = server.single_request();
    assert_eq!((request.method.as_str(), request.path.as_str()), ("POST", "/v0/tts/file"));
    assert_eq!(request.header("x-hume-api-key"), Some("hume-test-key"));
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert_eq!(
        request.json(),
        json!({"utterances": [{"text": "Welcome back.", "description": "warm, unhurried", "speed": 0.9, "trailing_silence": 0.5,
                               "voice": {"name": "Ava Song", "provider": "CUSTOM_VOICE"}}],
               "context": {"generation_id": "gen-42"}, "format": {"type": "wav"}, "version": "2", "instant_mode": true})
    );
    assert_eq!(&response.audio[..], b"RIFF wav");
    assert_eq!(response.media_type, "audio/wav");
    assert!(response.warnings.is_empty());
}

#[tokio::test]
async fn defaults_voice_ids_context_utterances_and_unsupported_settings() {
    let server = TestServer::start([TestResponse::bytes(200, &b"mp3"[..], "audio/mpeg")]).await;
    let mut options = SpeechOptions::new("Hi");
    options.language = Some("fr".into());
    options.output_format = Some("ogg".into());
    options.provider_options =
        ProviderOptions::new().with("hume", json!({"context": {"utterances": [{"text": "Earlier line.", "description": "tired"}]}}));
    let response = provider(&server).speech("octave").do_generate(&options).await.unwrap();
    assert_eq!(
        server.single_request().json(),
        json!({"utterances": [{"text": "Hi", "voice": {"id": "d8ab67c6-953d-4bd8-9370-8fa53a0f1453", "provider": "HUME_AI"}}],
               "context": {"utterances": [{"text": "Earlier line.", "description": "tired"}]}, "format": {"type": "mp3"}})
    );
    assert_eq!(unsupported_features(&response.warnings), ["output_format", "language"]);
    assert_eq!(response.media_type, "audio/mpeg");
}

#[tokio::test]
async fn error_bodies_typos_and_empty_audio() {
    let server = TestServer::start([
        error_response(401, "error_401.json"),
        error_response(400, "error_400.json"),
        TestResponse::bytes(200, &b""[..], "audio/mpeg"),
    ])
    .await;
    let model = provider(&server).speech("octave-2");
    let error = model.do_generate(&SpeechOptions::new("Hi")).await.unwrap_err();
    let api = error.as_api_call().unwrap();
    assert_eq!((api.status, api.message.as_str(), api.code.as_deref()), (401, "Invalid ApiKey", Some("oauth.v2.InvalidApiKey")));
    let error = model.do_generate(&SpeechOptions::new("Hi")).await.unwrap_err();
    let api = error.as_api_call().unwrap();
    assert_eq!((api.status, api.message.as_str(), api.code.as_deref()), (400, "Voice with name \"Nobody\" not found.", Some("E0716")));
    let error = model.do_generate(&SpeechOptions::new("Hi")).await.unwrap_err();
    assert!(matches!(error, Error::NoSpeechGenerated { ref provider, .. } if provider == "hume.speech"), "{error}");
    let mut typo = SpeechOptions::new("Hi");
    typo.provider_options = ProviderOptions::new().with("hume", json!({"voice_provider": "HUME_AI"}));
    assert!(matches!(model.do_generate(&typo).await, Err(Error::InvalidArgument { .. })));
    assert_eq!(server.requests().len(), 3, "a rejected option sends nothing");
}

#[test]
fn the_provider_has_no_language_models_and_hides_the_key() {
    assert_audio_provider(&create_hume(HumeSettings::default().with_api_key(SECRET_KEY)), "speech", "octave-2", "hume.speech");
}
