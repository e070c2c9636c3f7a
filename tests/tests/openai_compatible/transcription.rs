//! Transcription through a compatible vendor's mapping (Groq's Whisper): the one transcription
//! engine OpenAI also runs, its URL, auth, options key and error paths from `specs/groq/provider.toml`.

use serde_json::json;
use specai::provider::{ProviderOptions, TranscriptionModel, TranscriptionOptions};
use specai::transcribe;

use super::{API_KEY, Vendor, provider};
use crate::support::fixtures::{error_response, json_response, json_text};
use specai::provider_utils::test_server::TestServer;

const GROQ: Vendor = Vendor {
    id: "groq",
    model: "whisper-large-v3",
    prefix: "/openai/v1",
    bearer: true,
    reasoning: None,
    tools: true,
    include_usage: false,
    seed_field: "seed",
    error: (401, "Invalid API Key"),
};

fn audio() -> TranscriptionOptions {
    TranscriptionOptions::new(b"ID3\x04fake-mp3-audio".to_vec(), "audio/mpeg")
}

#[tokio::test]
async fn groq_uploads_multipart_and_reads_verbose_json() {
    let server = TestServer::start([json_response("groq", "transcription_verbose")]).await;
    let model = provider(&GROQ, &server).transcription("whisper-large-v3");
    assert_eq!(model.provider(), "groq.transcription");
    let mut options = audio();
    options.provider_options = ProviderOptions::new().with(
        "groq",
        json!({"language": "en", "prompt": "Groq, Whisper.", "temperature": 0.1, "timestamp_granularities": ["segment", "word"]}),
    );
    let result = model.do_generate(&options).await.unwrap();
    let request = server.single_request();
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, "/openai/v1/audio/transcriptions");
    assert_eq!(request.header("authorization").map(str::to_owned), Some(format!("Bearer {API_KEY}")));
    assert!(request.header("content-type").unwrap().starts_with("multipart/form-data; boundary="), "{:?}", request.header("content-type"));
    let body = request.body_text();
    for expected in [
        "name=\"file\"; filename=\"audio.mp3\"\r\nContent-Type: audio/mpeg",
        "fake-mp3-audio",
        "name=\"model\"\r\n\r\nwhisper-large-v3\r\n",
        "name=\"response_format\"\r\n\r\nverbose_json\r\n",
        "name=\"language\"\r\n\r\nen\r\n",
        "name=\"prompt\"\r\n\r\nGroq, Whisper.\r\n",
        "name=\"temperature\"\r\n\r\n0.1\r\n",
        "name=\"timestamp_granularities[]\"\r\n\r\nsegment\r\n",
        "name=\"timestamp_granularities[]\"\r\n\r\nword\r\n",
    ] {
        assert!(body.contains(expected), "missing {expected:?} in {body}");
    }
    assert!(!body.contains("name=\"include[]\""), "{body}");
    assert_eq!(result.text, "Hello from the Groq transcription test.");
    assert_eq!(result.language.as_deref(), Some("en"), "`English` as ISO 639-1");
    assert_eq!(result.duration_in_seconds, Some(2.5));
    let segments: Vec<_> = result.segments.iter().map(|s| (s.text.as_str(), s.start_second, s.end_second)).collect();
    assert_eq!(segments, [(" Hello from the", 0.0, f64::from(1.3f32)), (" Groq transcription test.", f64::from(1.3f32), 2.5)]);
    let metadata = result.provider_metadata.as_ref().and_then(|metadata| metadata.get("groq")).unwrap();
    assert_eq!(metadata["request_id"], "req_01jtranscribe0groq", "the mapping's x_groq.id");
    assert!(result.warnings.is_empty(), "{:?}", result.warnings);
}

#[tokio::test]
async fn word_timestamps_alone_become_the_segments() {
    let server = TestServer::start([json_response("groq", "transcription_words")]).await;
    let result = transcribe(provider(&GROQ, &server).transcription("whisper-large-v3-turbo"))
        .audio(vec![0u8; 8])
        .media_type("audio/wav")
        .await
        .unwrap();
    assert!(server.single_request().body_text().contains("name=\"model\"\r\n\r\nwhisper-large-v3-turbo\r\n"));
    assert_eq!(result.text, "Hallo Welt.");
    assert_eq!(result.language.as_deref(), Some("de"));
    let words: Vec<_> = result.segments.iter().map(|s| s.text.as_str()).collect();
    assert_eq!(words, ["Hallo", "Welt."]);
    assert_eq!(result.segments[1].end_second, 1.0);
}

#[tokio::test]
async fn the_registry_serves_groq_whisper_and_refuses_vendors_without_the_operation() {
    let registry = specai::default_registry();
    let model = registry.transcription_model("groq:whisper-large-v3").unwrap();
    assert_eq!((model.provider(), model.model_id()), ("groq.transcription", "whisper-large-v3"));
    assert!(matches!(registry.transcription_model("cerebras:whisper"), Err(specai::Error::NoSuchModel { .. })));
}

#[tokio::test]
async fn errors_unknown_options_and_undecodable_bodies() {
    let server = TestServer::start([
        error_response("groq", "error_401", 401),
        json_text(200, "{\"text\": "),
        json_text(200, "{\"text\": \"\"}"),
    ])
    .await;
    let model = provider(&GROQ, &server).transcription("whisper-large-v3");
    let error = model.do_generate(&audio()).await.unwrap_err();
    let api = error.as_api_call().unwrap_or_else(|| panic!("{error:?}"));
    assert_eq!((api.status, api.message.as_str(), api.code.as_deref()), (401, "Invalid API Key", Some("invalid_api_key")));

    let mut options = audio();
    options.provider_options = ProviderOptions::new().with("groq", json!({"speed": 2}));
    let error = model.do_generate(&options).await.unwrap_err();
    assert!(matches!(&error, specai::Error::InvalidArgument { argument, .. } if argument == "provider_options.groq"), "{error:?}");
    assert_eq!(server.requests().len(), 1, "rejected before sending");

    match model.do_generate(&audio()).await.unwrap_err() {
        specai::Error::InvalidResponse { raw, .. } => assert_eq!(raw.as_deref(), Some("{\"text\": ")),
        error => panic!("{error:?}"),
    }
    let error = model.do_generate(&audio()).await.unwrap_err();
    assert!(matches!(&error, specai::Error::NoTranscriptGenerated { provider, .. } if provider == "groq"), "{error:?}");
}
