//! The speech model.

use serde_json::json;
use specai::provider::{SpeechModel, SpeechOptions};

use super::{assert_standard_headers, provider};
use specai::provider_utils::test_server::{TestResponse, TestServer};

#[tokio::test]
async fn speech_sends_voice_format_speed_instructions_and_returns_audio() {
    let audio = b"RIFF\x24\x00\x00\x00WAVEfmt ".to_vec();
    let server = TestServer::start([TestResponse::bytes(200, audio.clone(), "audio/wav")]).await;
    let model = provider(&server).speech("gpt-4o-mini-tts");
    let mut options = SpeechOptions::new("Hello there");
    options.voice = Some("coral".into());
    options.output_format = Some("wav".into());
    options.speed = Some(1.25);
    options.instructions = Some("Cheerful".into());
    options.language = Some("en".into());
    let result = model.do_generate(&options).await.unwrap();
    let request = server.single_request();
    assert_eq!(request.path, "/v1/audio/speech");
    assert_standard_headers(&request, "application/json");
    assert_eq!(
        request.json(),
        json!({"model": "gpt-4o-mini-tts", "input": "Hello there", "voice": "coral", "response_format": "wav", "speed": 1.25, "instructions": "Cheerful"})
    );
    assert_eq!(result.audio.as_ref(), audio.as_slice());
    assert_eq!(result.media_type, "audio/wav");
    assert_eq!(result.warnings.len(), 1, "language is not supported: {:?}", result.warnings);
}

#[tokio::test]
async fn speech_defaults_to_alloy_and_mp3() {
    let server = TestServer::start([TestResponse::bytes(200, vec![0xFF, 0xFB], "audio/mpeg")]).await;
    let result = provider(&server).speech("tts-1").do_generate(&SpeechOptions::new("Hi")).await.unwrap();
    let body = server.single_request().json();
    assert_eq!((body["voice"].clone(), body["response_format"].clone()), (json!("alloy"), json!("mp3")));
    assert_eq!(result.media_type, "audio/mpeg");
}
