//! The transcription model (multipart upload).

use serde_json::json;
use specai::provider::{ProviderOptions, TranscriptionModel, TranscriptionOptions};

use super::{FIXTURES, assert_standard_headers, provider};
use crate::support::fixtures::json_response;
use specai::provider_utils::test_server::TestServer;

#[tokio::test]
async fn transcription_uploads_multipart_and_returns_segments_language_and_duration() {
    let server = TestServer::start([json_response(FIXTURES, "transcription_verbose")]).await;
    let model = provider(&server).transcription("whisper-1");
    let audio = b"RIFF....WAVEfmt fake-audio".to_vec();
    let mut options = TranscriptionOptions::new(audio.clone(), "audio/wav");
    options.provider_options = ProviderOptions::new().with(
        "openai",
        json!({"language": "en", "prompt": "A beach.", "temperature": 0.2, "timestamp_granularities": ["segment", "word"]}),
    );
    let result = model.do_generate(&options).await.unwrap();
    let request = server.single_request();
    assert_eq!(request.path, "/v1/audio/transcriptions");
    assert_standard_headers(&request, "multipart/form-data");
    let body = request.body_text();
    for expected in [
        "name=\"file\"; filename=\"audio.wav\"",
        "Content-Type: audio/wav",
        "fake-audio",
        "name=\"model\"\r\n\r\nwhisper-1",
        "name=\"response_format\"\r\n\r\nverbose_json",
        "name=\"language\"\r\n\r\nen",
        "name=\"prompt\"\r\n\r\nA beach.",
        "name=\"temperature\"\r\n\r\n0.2",
        "name=\"timestamp_granularities[]\"\r\n\r\nsegment",
        "name=\"timestamp_granularities[]\"\r\n\r\nword",
    ] {
        assert!(body.contains(expected), "missing {expected:?} in {body}");
    }
    assert_eq!(result.text, "The beach was a popular spot on a hot summer day.");
    assert_eq!(result.language.as_deref(), Some("en"));
    assert_eq!(result.duration_in_seconds, Some(8.470000267028809));
    assert_eq!(result.segments.len(), 2);
    assert_eq!(result.segments[1].text, " on a hot summer day.");
    assert_eq!(result.segments[1].start_second, 3.319999933242798);
}

#[tokio::test]
async fn gpt_4o_transcribe_asks_for_json_and_returns_text() {
    let server = TestServer::start([json_response(FIXTURES, "transcription_text")]).await;
    let model = provider(&server).transcription("gpt-4o-transcribe");
    let result = model.do_generate(&TranscriptionOptions::new(vec![1u8, 2, 3], "audio/mpeg")).await.unwrap();
    let body = server.single_request().body_text();
    assert!(body.contains("name=\"response_format\"\r\n\r\njson"), "{body}");
    assert!(body.contains("filename=\"audio.mp3\""), "{body}");
    assert!(result.text.starts_with("Imagine the wildest idea"));
    assert!(result.segments.is_empty());
}
