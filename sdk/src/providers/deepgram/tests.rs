//! Both Deepgram models against the mock server, from fixtures written from Deepgram's documented
//! wire format (tests/fixtures/deepgram/). Each test asserts what the server received (path with
//! query, `Authorization: Token`, content type, body) and what was parsed.

use serde_json::json;

use super::*;
use crate::error::Error;
use crate::provider::{ProviderOptions, SpeechOptions, TranscriptionOptions, Warning};
use crate::provider_utils::test_server::{TestResponse, TestServer};
use crate::providers::vendor_test_support::{
    SECRET_KEY, assert_audio_provider, assert_transcript, fixture_text, json_answer,
};

fn json_response(status: u16, name: &str) -> TestResponse {
    json_answer(status, fixture_text(PROVIDER_ID, name))
}

fn provider(server: &TestServer) -> DeepgramProvider {
    create_deepgram(DeepgramSettings::default().with_api_key("dg-test-key").with_base_url(server.base_url()))
}

#[tokio::test]
async fn speech_sends_the_model_and_encoding_in_the_query_and_the_text_as_json() {
    let audio = TestResponse::bytes(200, &b"RIFF wav"[..], "audio/wav").header("dg-request-id", "req-1").header("dg-char-count", "12");
    let server = TestServer::start([audio]).await;
    let mut options = SpeechOptions::new("Hello there.");
    options.output_format = Some("wav".into());
    options.provider_options = ProviderOptions::new().with("deepgram", json!({"sampleRate": 24000, "mipOptOut": true, "tag": ["demo"]}));
    let response = provider(&server).speech("aura-2-helena-en").do_generate(&options).await.unwrap();
    let request = server.single_request();
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, "/v1/speak?model=aura-2-helena-en&encoding=linear16&container=wav&sample_rate=24000&mip_opt_out=true&tag=demo");
    assert_eq!(request.header("authorization"), Some("Token dg-test-key"));
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert_eq!(request.json(), json!({"text": "Hello there."}));
    assert_eq!(&response.audio[..], b"RIFF wav");
    assert_eq!(response.media_type, "audio/wav");
    assert!(response.warnings.is_empty(), "{:?}", response.warnings);
    assert_eq!(response.response.id.as_deref(), Some("req-1"));
    assert_eq!(response.provider_metadata.unwrap().get("deepgram").unwrap()["characterCount"], 12);
}

#[tokio::test]
async fn speech_defaults_to_mp3_and_warns_about_what_aura_cannot_take() {
    let server = TestServer::start([TestResponse::bytes(200, &b"mp3"[..], "audio/mpeg"), TestResponse::bytes(200, &b"ogg"[..], "audio/ogg")]).await;
    let model = provider(&server).speech("aura-2-thalia-en");
    let mut options = SpeechOptions::new("Hi");
    options.voice = Some("alloy".into());
    options.speed = Some(1.2);
    options.language = Some("en".into());
    options.output_format = Some("wma".into());
    let response = model.do_generate(&options).await.unwrap();
    let features: Vec<&str> = response
        .warnings
        .iter()
        .map(|warning| match warning {
            Warning::Unsupported { feature, .. } => feature.as_str(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(features, ["output_format", "voice", "speed", "language"]);
    assert_eq!(response.media_type, "audio/mpeg");
    let mut opus = SpeechOptions::new("Hi");
    opus.provider_options = ProviderOptions::new().with("deepgram", json!({"encoding": "opus", "bitRate": 48000}));
    assert_eq!(model.do_generate(&opus).await.unwrap().media_type, "audio/ogg");
    let paths: Vec<String> = server.requests().into_iter().map(|request| request.path).collect();
    assert_eq!(paths, ["/v1/speak?model=aura-2-thalia-en&encoding=mp3", "/v1/speak?model=aura-2-thalia-en&encoding=opus&bit_rate=48000"]);
}

#[tokio::test]
async fn transcription_posts_the_audio_bytes_with_their_content_type_and_reads_words() {
    let server = TestServer::start([json_response(200, "listen.json")]).await;
    let mut options = TranscriptionOptions::new(&b"ID3 mp3 audio"[..], "audio/mpeg");
    options.provider_options = ProviderOptions::new().with(
        "deepgram",
        json!({"language": "en", "smartFormat": true, "diarize": true, "detectLanguage": true, "keyterm": ["Nova", "Aura"], "uttSplit": 1.5}),
    );
    let response = provider(&server).transcription("nova-3").do_generate(&options).await.unwrap();
    let request = server.single_request();
    assert_eq!(request.method, "POST");
    assert_eq!(
        request.path,
        "/v1/listen?model=nova-3&language=en&detect_language=true&smart_format=true&diarize=true&utt_split=1.5&keyterm=Nova&keyterm=Aura"
    );
    assert_eq!(request.header("authorization"), Some("Token dg-test-key"));
    assert_eq!(request.header("content-type"), Some("audio/mpeg"));
    assert_eq!(&request.body[..], b"ID3 mp3 audio");

    let segments = [
        ("Good", f64::from(0.08f32), f64::from(0.4f32)),
        ("morning,", f64::from(0.4f32), f64::from(0.88f32)),
        ("everyone.", f64::from(0.96f32), f64::from(1.6f32)),
    ];
    assert_transcript(&response, "Good morning, everyone.", &segments, Some("en"), 2.38);
    assert_eq!(response.response.id.as_deref(), Some("5d6a3f2e-91c4-4b7a-a0d2-7e3f1c9b8a60"));
    let metadata = response.provider_metadata.unwrap();
    assert_eq!(metadata.get("deepgram").unwrap()["requestId"], "5d6a3f2e-91c4-4b7a-a0d2-7e3f1c9b8a60");
}

#[tokio::test]
async fn transcription_of_audio_by_url_sends_the_url_as_json_and_utterances_become_segments() {
    let server = TestServer::start([json_response(200, "listen_utterances.json")]).await;
    let mut options = TranscriptionOptions::from_url("https://example.com/call.wav");
    options.provider_options = ProviderOptions::new().with("deepgram", json!({"utterances": true, "punctuate": true}));
    let response = provider(&server).transcription("nova-3").do_generate(&options).await.unwrap();
    let request = server.single_request();
    assert_eq!(request.path, "/v1/listen?model=nova-3&punctuate=true&utterances=true");
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert_eq!(request.json(), json!({"url": "https://example.com/call.wav"}));
    let segments: Vec<&str> = response.segments.iter().map(|segment| segment.text.as_str()).collect();
    assert_eq!(segments, ["Hello.", "Hi there."]);
    assert_eq!(response.segments[1].start_second, 2.0);
    assert_eq!(response.language, None);
    assert_eq!(response.duration_in_seconds, Some(5.1));
}

#[tokio::test]
async fn an_answer_without_alternatives_is_no_transcript() {
    let server = TestServer::start([json_response(200, "listen_no_alternatives.json")]).await;
    let error = provider(&server).transcription("nova-3").do_generate(&TranscriptionOptions::new(&b"x"[..], "audio/wav")).await.unwrap_err();
    assert!(matches!(error, Error::NoTranscriptGenerated { ref provider, .. } if provider == "deepgram.transcription"), "{error}");
}

#[tokio::test]
async fn both_error_shapes_become_api_call_errors_with_the_message() {
    let server = TestServer::start([json_response(401, "error_401.json"), json_response(400, "error_400.json")]).await;
    let deepgram = provider(&server);
    let error = deepgram.transcription("nova-3").do_generate(&TranscriptionOptions::new(&b"x"[..], "audio/wav")).await.unwrap_err();
    let api = error.as_api_call().unwrap();
    assert_eq!((api.status, api.message.as_str(), api.code.as_deref()), (401, "Invalid credentials.", Some("INVALID_AUTH")));
    let error = deepgram.speech("aura-2-helena-en").do_generate(&SpeechOptions::new("Hi")).await.unwrap_err();
    let api = error.as_api_call().unwrap();
    assert_eq!(
        (api.status, api.message.as_str(), api.error_type.as_deref()),
        (400, "Failed to process the query parameter 'encoding'.", Some("INVALID_QUERY_PARAMETER"))
    );
    assert!(!api.is_retryable);
}

#[tokio::test]
async fn a_429_with_retry_after_is_retried_and_the_bytes_are_sent_again() {
    let server = TestServer::start([json_response(429, "error_429.json").header("retry-after", "0"), json_response(200, "listen.json")]).await;
    let result = crate::transcribe(provider(&server).transcription("nova-3")).audio(&b"audio"[..]).media_type("audio/wav").await.unwrap();
    assert_eq!(result.text, "Good morning, everyone.");
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert!(requests.iter().all(|request| &request.body[..] == b"audio" && request.header("authorization") == Some("Token dg-test-key")));
}

#[tokio::test]
async fn malformed_json_is_an_invalid_response_and_typos_are_rejected() {
    let server = TestServer::start([TestResponse::text(200, "{\"metadata\": ").header("content-type", "application/json")]).await;
    let model = provider(&server).transcription("nova-3");
    let error = model.do_generate(&TranscriptionOptions::new(&b"x"[..], "audio/wav")).await.unwrap_err();
    assert!(matches!(&error, Error::InvalidResponse { raw: Some(raw), .. } if raw == "{\"metadata\": "), "{error:?}");
    let mut typo = TranscriptionOptions::new(&b"x"[..], "audio/wav");
    typo.provider_options = ProviderOptions::new().with("deepgram", json!({"smartFormatting": true}));
    assert!(matches!(model.do_generate(&typo).await, Err(Error::InvalidArgument { .. })));
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn the_provider_has_no_language_models_and_hides_the_key() {
    let deepgram = create_deepgram(DeepgramSettings::default().with_api_key(SECRET_KEY));
    assert_audio_provider(&deepgram, "transcription", "nova-3", "deepgram.transcription");
    assert_audio_provider(&deepgram, "speech", "aura-2-helena-en", "deepgram.speech");
}
