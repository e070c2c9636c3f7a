//! FAL speech (Kokoro's `prompt` rename from the mapping) and transcription (bytes as a `data:`
//! URL, or the caller's URL for FAL to fetch), through the registry and the entry points too.

use serde_json::json;

use super::{REQUEST_ID, assert_get, assert_submit, fixture, provider, server_with};
use crate::error::Error;
use crate::provider::{ProviderOptions, SpeechModel, SpeechOptions, TranscriptionModel, TranscriptionOptions, Warning};
use crate::provider_utils::test_server::TestResponse;

const WAV: &[u8] = b"RIFF\x24\x00\x00\x00WAVEfmt ";

#[tokio::test]
async fn kokoro_speech_sends_the_text_as_prompt_and_downloads_the_audio() {
    let server = server_with(|server| {
        vec![
            fixture(server, "queue_submit"),
            fixture(server, "status_in_queue"),
            fixture(server, "status_completed"),
            fixture(server, "speech_result"),
            TestResponse::bytes(200, WAV.to_vec(), "audio/wav"),
        ]
    })
    .await;
    let registry = crate::create_provider_registry().provider("fal", provider(&server)).build();
    let model = registry.speech_model("fal:fal-ai/kokoro/american-english").unwrap();
    let result = crate::generate_speech(model).text("Hello from the lighthouse").voice("af_heart").speed(1.2).language("en").await.unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 5);
    assert_submit(&requests[0], "/fal-ai/kokoro/american-english", json!({"prompt": "Hello from the lighthouse", "voice": "af_heart", "speed": 1.2}));
    assert_get(&requests[1], &format!("/fal-ai/kokoro/requests/{REQUEST_ID}/status"));
    assert_get(&requests[3], &format!("/fal-ai/kokoro/requests/{REQUEST_ID}"));
    assert_eq!(requests[4].path, "/files/tiger/speech_0c1e.wav");
    assert_eq!((&result.audio[..], result.media_type.as_str()), (WAV, "audio/wav"));
    assert!(result.warnings.iter().any(|warning| matches!(warning, Warning::Unsupported { feature, .. } if feature == "language")));
}

#[tokio::test]
async fn other_speech_models_get_text_and_typed_options_and_no_audio_is_no_speech_generated() {
    let server = server_with(|server| vec![fixture(server, "queue_submit"), fixture(server, "status_completed"), TestResponse::json(200, json!({"request_id": REQUEST_ID}))]).await;
    let mut options = SpeechOptions::new("Hi");
    options.provider_options = ProviderOptions::new().with("fal", json!({"languageBoost": "English", "voiceSetting": {"voice_id": "Wise_Woman", "emotion": "happy"}}));
    let error = provider(&server).speech("fal-ai/minimax/speech-02-hd").do_generate(&options).await.unwrap_err();
    assert_submit(
        &server.requests()[0],
        "/fal-ai/minimax/speech-02-hd",
        json!({"text": "Hi", "language_boost": "English", "voice_setting": {"voice_id": "Wise_Woman", "emotion": "happy"}}),
    );
    assert!(matches!(&error, Error::NoSpeechGenerated { provider, .. } if provider == "fal.speech"), "{error:?}");
}

#[tokio::test]
async fn audio_bytes_are_sent_as_a_data_url_and_the_chunks_become_segments() {
    let server = server_with(|server| vec![fixture(server, "queue_submit"), fixture(server, "status_in_progress"), fixture(server, "status_completed"), fixture(server, "transcription_result")]).await;
    let mut options = TranscriptionOptions::new(b"ID3\x04abc".to_vec(), "audio/mpeg");
    options.provider_options = ProviderOptions::new().with("fal", json!({"language": "en", "diarize": true}));
    let result = provider(&server).transcription("fal-ai/whisper").do_generate(&options).await.unwrap();
    assert_submit(
        &server.requests()[0],
        "/fal-ai/whisper",
        json!({"audio_url": "data:audio/mpeg;base64,SUQzBGFiYw==", "task": "transcribe", "language": "en", "chunk_level": "segment", "diarize": true}),
    );
    assert_get(&server.requests()[3], &format!("/fal-ai/whisper/requests/{REQUEST_ID}"));
    assert_eq!(result.text, "Hello from the lighthouse. The fog is lifting.");
    assert_eq!(result.segments.len(), 2);
    assert_eq!((result.segments[1].text.as_str(), result.segments[1].start_second, result.segments[1].end_second), ("The fog is lifting.", 2.1, 3.84));
    assert_eq!((result.language.as_deref(), result.duration_in_seconds), (Some("en"), Some(3.84)));
    let metadata = result.provider_metadata.as_ref().unwrap().get("fal").unwrap();
    assert_eq!(metadata["requestId"], REQUEST_ID);
    assert_eq!(metadata["speakers"], json!(["SPEAKER_00", "SPEAKER_00"]));
}

#[tokio::test]
async fn an_audio_url_is_passed_for_fal_to_fetch_and_no_text_is_no_transcript_generated() {
    let server = server_with(|server| vec![fixture(server, "queue_submit"), fixture(server, "status_completed"), TestResponse::json(200, json!({"chunks": []}))]).await;
    let error = crate::transcribe(provider(&server).transcription("fal-ai/wizper")).audio_url("https://example.com/talk.mp3").await.unwrap_err();
    let requests = server.requests();
    assert_eq!(requests.len(), 3, "nothing is downloaded: FAL fetches the URL");
    assert_eq!(requests[0].json()["audio_url"], "https://example.com/talk.mp3");
    assert!(matches!(&error, Error::NoTranscriptGenerated { provider, .. } if provider == "fal.transcription"), "{error:?}");
}
