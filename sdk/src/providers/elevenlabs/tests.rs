//! Both ElevenLabs models against the mock server, from fixtures written from ElevenLabs'
//! documented wire format (tests/fixtures/elevenlabs/). Each test asserts what the server
//! received (path with query, `xi-api-key`, JSON or multipart body) and what was parsed.

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

fn provider(server: &TestServer) -> ElevenLabsProvider {
    create_elevenlabs(ElevenLabsSettings::default().with_api_key("el-test-key").with_base_url(server.base_url()))
}

/// The value of a text field of a multipart body, if the body has that field.
fn multipart_field(body: &str, name: &str) -> Option<String> {
    let start = body.find(&format!("name=\"{name}\""))?;
    let rest = &body[start..];
    let value = &rest[rest.find("\r\n\r\n")? + 4..];
    Some(value[..value.find("\r\n")?].to_owned())
}

#[tokio::test]
async fn speech_sends_the_voice_in_the_path_the_format_in_the_query_and_options_in_the_body() {
    let server = TestServer::start([TestResponse::bytes(200, &b"ID3 mp3 bytes"[..], "audio/mpeg")]).await;
    let mut options = SpeechOptions::new("Hello there.");
    options.voice = Some("voice one".into());
    options.output_format = Some("mp3_192".into());
    options.speed = Some(1.1);
    options.language = Some("en".into());
    options.instructions = Some("cheerfully".into());
    options.provider_options = ProviderOptions::new().with(
        "elevenlabs",
        json!({"voiceSettings": {"stability": 0.5, "similarityBoost": 0.75, "useSpeakerBoost": true}, "seed": 42,
               "previousText": "Before.", "nextRequestIds": ["req_1"], "applyTextNormalization": "on",
               "pronunciationDictionaryLocators": [{"pronunciationDictionaryId": "dict_1", "versionId": "v2"}], "enableLogging": false}),
    );
    let response = provider(&server).speech("eleven_multilingual_v2").do_generate(&options).await.unwrap();
    let request = server.single_request();
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, "/v1/text-to-speech/voice%20one?output_format=mp3_44100_192&enable_logging=false");
    assert_eq!(request.header("xi-api-key"), Some("el-test-key"));
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert_eq!(
        request.json(),
        json!({"text": "Hello there.", "model_id": "eleven_multilingual_v2", "language_code": "en", "seed": 42,
               "voice_settings": {"stability": 0.5, "similarity_boost": 0.75, "use_speaker_boost": true, "speed": 1.1},
               "previous_text": "Before.", "next_request_ids": ["req_1"], "apply_text_normalization": "on",
               "pronunciation_dictionary_locators": [{"pronunciation_dictionary_id": "dict_1", "version_id": "v2"}]})
    );
    assert_eq!(&response.audio[..], b"ID3 mp3 bytes");
    assert_eq!(response.media_type, "audio/mpeg");
    assert!(matches!(&response.warnings[..], [Warning::Unsupported { feature, .. }] if feature == "instructions"));
    assert_eq!(response.request.body.unwrap().json().unwrap()["model_id"], "eleven_multilingual_v2");
}

#[tokio::test]
async fn speech_defaults_to_rachel_in_mp3_and_warns_about_an_unknown_format() {
    let server = TestServer::start([
        TestResponse::bytes(200, &b"mp3"[..], "audio/mpeg"),
        TestResponse::bytes(200, &b"pcm"[..], "audio/pcm"),
        TestResponse::bytes(200, &b"mp3"[..], "audio/mpeg"),
    ])
    .await;
    let model = provider(&server).speech("eleven_flash_v2_5");
    let plain = model.do_generate(&SpeechOptions::new("Hi")).await.unwrap();
    assert!(plain.warnings.is_empty());
    let mut pcm = SpeechOptions::new("Hi");
    pcm.output_format = Some("pcm".into());
    assert_eq!(model.do_generate(&pcm).await.unwrap().media_type, "audio/pcm");
    let mut unknown = SpeechOptions::new("Hi");
    unknown.output_format = Some("flac".into());
    let fallback = model.do_generate(&unknown).await.unwrap();
    assert!(matches!(&fallback.warnings[..], [Warning::Unsupported { feature, .. }] if feature == "output_format"));
    let paths: Vec<String> = server.requests().into_iter().map(|request| request.path).collect();
    assert_eq!(
        paths,
        [
            "/v1/text-to-speech/21m00Tcm4TlvDq8ikWAM?output_format=mp3_44100_128",
            "/v1/text-to-speech/21m00Tcm4TlvDq8ikWAM?output_format=pcm_44100",
            "/v1/text-to-speech/21m00Tcm4TlvDq8ikWAM?output_format=mp3_44100_128",
        ]
    );
    assert_eq!(server.requests()[0].json(), json!({"text": "Hi", "model_id": "eleven_flash_v2_5"}));
}

#[tokio::test]
async fn speech_rejects_unknown_option_keys_and_an_empty_answer() {
    let server = TestServer::start([TestResponse::bytes(200, &b""[..], "audio/mpeg")]).await;
    let model = provider(&server).speech("eleven_multilingual_v2");
    let mut typo = SpeechOptions::new("Hi");
    typo.provider_options = ProviderOptions::new().with("elevenlabs", json!({"voiceSetings": {}}));
    let error = model.do_generate(&typo).await.unwrap_err();
    assert!(matches!(&error, Error::InvalidArgument { message, .. } if message.contains("voiceSetings")), "{error}");
    assert_eq!(server.requests().len(), 0, "nothing is sent for a rejected option");
    let error = model.do_generate(&SpeechOptions::new("Hi")).await.unwrap_err();
    assert!(matches!(error, Error::NoSpeechGenerated { ref provider, .. } if provider == "elevenlabs.speech"), "{error}");
}

#[tokio::test]
async fn transcription_uploads_the_audio_and_maps_words_to_segments() {
    let server = TestServer::start([json_response(200, "transcription.json")]).await;
    let mut options = TranscriptionOptions::new(&b"RIFF wav bytes"[..], "audio/wav");
    options.provider_options = ProviderOptions::new().with(
        "elevenlabs",
        json!({"languageCode": "en", "diarize": true, "numSpeakers": 2, "timestampsGranularity": "word", "tagAudioEvents": true, "enableLogging": true}),
    );
    let response = provider(&server).transcription("scribe_v1").do_generate(&options).await.unwrap();
    let request = server.single_request();
    assert_eq!((request.method.as_str(), request.path.as_str()), ("POST", "/v1/speech-to-text?enable_logging=true"));
    assert_eq!(request.header("xi-api-key"), Some("el-test-key"));
    assert!(request.header("content-type").unwrap().starts_with("multipart/form-data; boundary="));
    let body = request.body_text();
    assert_eq!(multipart_field(&body, "model_id").as_deref(), Some("scribe_v1"));
    assert_eq!(multipart_field(&body, "language_code").as_deref(), Some("en"));
    assert_eq!(multipart_field(&body, "diarize").as_deref(), Some("true"));
    assert_eq!(multipart_field(&body, "num_speakers").as_deref(), Some("2"));
    assert_eq!(multipart_field(&body, "timestamps_granularity").as_deref(), Some("word"));
    assert_eq!(multipart_field(&body, "tag_audio_events").as_deref(), Some("true"));
    assert!(body.contains("name=\"file\"; filename=\"audio\"\r\nContent-Type: audio/wav\r\n\r\nRIFF wav bytes"), "{body}");
    assert_eq!(multipart_field(&body, "cloud_storage_url"), None);

    let segments = [
        ("Good", 0.12, 0.38),
        ("morning,", 0.41, 0.86),
        ("(laughs)", 0.9, 1.42),
        ("everyone.", 1.45, 2.04),
    ];
    assert_transcript(&response, "Good morning, (laughs) everyone.", &segments, Some("en"), 2.04);
    let metadata = response.provider_metadata.unwrap();
    let metadata = metadata.get("elevenlabs").unwrap();
    assert_eq!(metadata["languageProbability"], 0.98);
    assert_eq!(metadata["speakers"][2], json!({"text": "(laughs)", "speakerId": "speaker_1"}));
    assert_eq!(response.response.body.unwrap().json().unwrap()["transcription_id"], "tr_6a1d2c0f");
}

#[tokio::test]
async fn transcription_of_audio_by_url_sends_the_cloud_storage_url_and_reads_every_channel() {
    let server = TestServer::start([json_response(200, "transcription_multichannel.json")]).await;
    let options = TranscriptionOptions::from_url("https://storage.example.com/call.wav");
    let response = provider(&server).transcription("scribe_v1").do_generate(&options).await.unwrap();
    let body = server.single_request().body_text();
    assert_eq!(multipart_field(&body, "cloud_storage_url").as_deref(), Some("https://storage.example.com/call.wav"));
    assert!(!body.contains("name=\"file\""), "no file part for audio by URL: {body}");
    assert_eq!(response.text, "Hallo.\nGuten Tag.");
    assert_eq!(response.segments.len(), 3);
    assert_eq!(response.language.as_deref(), Some("de"));
    assert_eq!(response.duration_in_seconds, Some(1.5));
}

#[tokio::test]
async fn error_bodies_become_api_call_errors_with_the_message() {
    let server = TestServer::start([json_response(401, "error_401.json"), json_response(422, "error_422.json")]).await;
    let elevenlabs = provider(&server);
    let error = elevenlabs.speech("eleven_multilingual_v2").do_generate(&SpeechOptions::new("Hi")).await.unwrap_err();
    let api = error.as_api_call().unwrap();
    assert_eq!((api.status, api.message.as_str(), api.error_type.as_deref()), (401, "Invalid API key", Some("invalid_api_key")));
    assert!(!api.is_retryable);
    let error = elevenlabs.transcription("scribe_v1").do_generate(&TranscriptionOptions::new(&b"x"[..], "audio/wav")).await.unwrap_err();
    let api = error.as_api_call().unwrap();
    assert_eq!((api.status, api.message.as_str(), api.error_type.as_deref()), (422, "Field required", Some("missing")));
}

#[tokio::test]
async fn a_429_with_retry_after_is_retried() {
    let server = TestServer::start([
        json_response(429, "error_429.json").header("retry-after", "0"),
        json_response(200, "transcription.json"),
    ])
    .await;
    let result = crate::transcribe(provider(&server).transcription("scribe_v1")).audio(&b"audio"[..]).media_type("audio/mpeg").await.unwrap();
    assert_eq!(result.text, "Good morning, (laughs) everyone.");
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert!(requests.iter().all(|request| request.path == "/v1/speech-to-text" && request.header("xi-api-key") == Some("el-test-key")));
}

#[tokio::test]
async fn a_malformed_answer_is_an_invalid_response_with_the_raw_text() {
    let server = TestServer::start([TestResponse::text(200, "{\"text\": \"cut").header("content-type", "application/json")]).await;
    let error = provider(&server).transcription("scribe_v1").do_generate(&TranscriptionOptions::new(&b"x"[..], "audio/wav")).await.unwrap_err();
    assert!(matches!(&error, Error::InvalidResponse { raw: Some(raw), .. } if raw == "{\"text\": \"cut"), "{error:?}");
}

#[test]
fn the_provider_has_no_language_models_and_hides_the_key() {
    assert_audio_provider(&create_elevenlabs(ElevenLabsSettings::default().with_api_key(SECRET_KEY)), "speech", "eleven_v3", "elevenlabs.speech");
    assert_eq!(iso_639_1("eng"), "en");
    assert_eq!(iso_639_1("EN"), "en");
    assert_eq!(iso_639_1("xyz"), "xyz");
}
