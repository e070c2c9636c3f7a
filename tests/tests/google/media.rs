//! Gemini TTS (speech as WAV or raw PCM), Imagen over `predict` and Gemini image output, each
//! asserting the exact request and the decoded result.

use serde_json::json;
use specai::provider::{FileData, ImageModel, ImageOptions, ProviderOptions, SpeechModel, SpeechOptions, Warning};

use super::{assert_request, error_response, json_response, provider};
use specai::provider_utils::test_server::TestServer;

/// The PCM bytes of `speech_audio.json` (base64 `AQD/fwCAEAA=`).
const PCM: [u8; 8] = [1, 0, 0xff, 0x7f, 0, 0x80, 0x10, 0];

#[tokio::test]
async fn speech_asks_for_audio_with_a_voice_and_wraps_pcm_as_wav() {
    let server = TestServer::start([json_response("speech_audio")]).await;
    let model = provider(&server).speech_model("gemini-2.5-flash-preview-tts");
    let mut options = SpeechOptions::new("Have a wonderful day!");
    options.voice = Some("Puck".to_owned());
    options.instructions = Some("Say cheerfully".to_owned());
    options.language = Some("en-US".to_owned());
    options.speed = Some(1.5);
    let result = model.do_generate(&options).await.unwrap();
    assert_request(
        &server.single_request(),
        "/v1beta/models/gemini-2.5-flash-preview-tts:generateContent",
        json!({
            "contents": [{"role": "user", "parts": [{"text": "Say cheerfully: Have a wonderful day!"}]}],
            "generationConfig": {
                "responseModalities": ["AUDIO"],
                "speechConfig": {"voiceConfig": {"prebuiltVoiceConfig": {"voiceName": "Puck"}}, "languageCode": "en-US"}
            }
        }),
    );
    assert_eq!(result.media_type, "audio/wav");
    assert_eq!(&result.audio[..4], b"RIFF");
    assert_eq!(&result.audio[8..16], b"WAVEfmt ");
    assert_eq!(u32::from_le_bytes(result.audio[24..28].try_into().unwrap()), 24_000, "rate from the media type");
    assert_eq!(&result.audio[44..], &PCM, "the PCM after the 44-byte header");
    assert!(matches!(&result.warnings[..], [Warning::Unsupported { feature, .. }] if feature == "speed"), "{:?}", result.warnings);
    let google = result.provider_metadata.as_ref().and_then(|metadata| metadata.get("google")).unwrap();
    assert_eq!(google["mimeType"], "audio/L16;codec=pcm;rate=24000");
    assert_eq!(google["usageMetadata"]["totalTokenCount"], 37);
}

#[tokio::test]
async fn speech_as_pcm_with_two_speakers_and_typed_errors() {
    let server = TestServer::start([json_response("speech_audio"), json_response("speech_no_audio"), error_response("error_429", 429)]).await;
    let model = provider(&server).speech_model("gemini-2.5-pro-preview-tts");
    let speakers = json!({"speakerVoiceConfigs": [
        {"speaker": "Joe", "voiceConfig": {"prebuiltVoiceConfig": {"voiceName": "Kore"}}},
        {"speaker": "Jane", "voiceConfig": {"prebuiltVoiceConfig": {"voiceName": "Puck"}}}
    ]});
    let mut options = SpeechOptions::new("Joe: Hi!\nJane: Hello!");
    options.output_format = Some("pcm".to_owned());
    options.instructions = Some("ignored".to_owned());
    options.provider_options = ProviderOptions::new().with("google", json!({"multiSpeakerVoiceConfig": speakers}));
    let result = model.do_generate(&options).await.unwrap();
    let body = server.requests()[0].json();
    assert_eq!(body["generationConfig"]["speechConfig"], json!({"multiSpeakerVoiceConfig": speakers}), "no single voice beside it");
    assert_eq!(body["contents"][0]["parts"][0]["text"], "Joe: Hi!\nJane: Hello!");
    assert_eq!((result.media_type.as_str(), &result.audio[..]), ("audio/L16;codec=pcm;rate=24000", &PCM[..]));
    assert!(matches!(&result.warnings[..], [Warning::Unsupported { feature, .. }] if feature == "instructions"), "{:?}", result.warnings);

    let error = model.do_generate(&SpeechOptions::new("x")).await.unwrap_err();
    assert!(
        matches!(&error, specai::Error::NoSpeechGenerated { provider, message } if provider == "google.speech" && message.contains("OTHER")),
        "{error:?}"
    );
    let mut options = SpeechOptions::new("x");
    options.provider_options = ProviderOptions::new().with("google", json!({"voice": "Kore"}));
    assert!(matches!(model.do_generate(&options).await, Err(specai::Error::InvalidArgument { .. })), "unknown key rejected");
    // A 429 is retryable: the model call reports it, `generate_speech` retries it.
    let error = model.do_generate(&SpeechOptions::new("x")).await.unwrap_err();
    assert_eq!(error.as_api_call().map(|api| (api.status, api.is_retryable)), Some((429, true)), "{error:?}");
}

#[tokio::test]
async fn imagen_predicts_with_sample_count_aspect_ratio_and_person_generation() {
    let server = TestServer::start([json_response("imagen_predict"), json_response("imagen_filtered")]).await;
    let model = provider(&server).image_model("imagen-4.0-generate-001");
    assert_eq!(model.provider(), "google.image");
    let mut options = ImageOptions::new("A robot reading a book", 2);
    options.aspect_ratio = Some("16:9".to_owned());
    options.seed = Some(7);
    options.provider_options = ProviderOptions::new().with("google", json!({"personGeneration": "dont_allow", "imageSize": "2K"}));
    let result = model.do_generate(&options).await.unwrap();
    assert_request(
        &server.requests()[0],
        "/v1beta/models/imagen-4.0-generate-001:predict",
        json!({
            "instances": [{"prompt": "A robot reading a book"}],
            "parameters": {"sampleCount": 2, "aspectRatio": "16:9", "personGeneration": "dont_allow", "sampleImageSize": "2K"}
        }),
    );
    let images: Vec<_> = result.images.iter().map(|image| (&image.data, image.media_type.as_str())).collect();
    assert_eq!(
        images,
        [
            (&FileData::Base64("iVBORw0KGgppbWFnZW4tb25l".to_owned()), "image/png"),
            (&FileData::Base64("iVBORw0KGgppbWFnZW4tdHdv".to_owned()), "image/png")
        ]
    );
    assert!(matches!(&result.warnings[..], [Warning::Unsupported { feature, .. }] if feature == "seed"), "{:?}", result.warnings);

    let error = model.do_generate(&ImageOptions::new("x", 1)).await.unwrap_err();
    assert!(
        matches!(&error, specai::Error::NoImageGenerated { message, .. } if message.contains("safety filter")),
        "{error:?}"
    );
    assert!(matches!(model.do_generate(&ImageOptions::new("x", 5)).await, Err(specai::Error::InvalidArgument { .. })));
}

#[tokio::test]
async fn gemini_image_output_returns_inline_images_and_text() {
    let server = TestServer::start([json_response("gemini_image")]).await;
    let model = provider(&server).image_model("gemini-2.5-flash-image");
    let mut options = ImageOptions::new("A cat wearing a hat", 1);
    options.aspect_ratio = Some("1:1".to_owned());
    let result = model.do_generate(&options).await.unwrap();
    assert_request(
        &server.single_request(),
        "/v1beta/models/gemini-2.5-flash-image:generateContent",
        json!({
            "contents": [{"role": "user", "parts": [{"text": "A cat wearing a hat"}]}],
            "generationConfig": {"responseModalities": ["TEXT", "IMAGE"], "imageConfig": {"aspectRatio": "1:1"}}
        }),
    );
    assert_eq!(result.images.len(), 1);
    assert_eq!(result.images[0].data, FileData::Base64("iVBORw0KGgpnZW1pbmktaW1hZ2U=".to_owned()));
    assert_eq!(result.images[0].media_type, "image/png");
    let google = result.provider_metadata.as_ref().and_then(|metadata| metadata.get("google")).unwrap();
    assert_eq!(google["text"], "Here is a cat wearing a hat.");
    assert!(result.warnings.is_empty(), "{:?}", result.warnings);
}

#[tokio::test]
async fn the_registry_serves_google_speech_and_images() {
    let registry = specai::default_registry();
    assert_eq!(registry.speech_model("google:gemini-2.5-flash-preview-tts").unwrap().provider(), "google.speech");
    assert_eq!(registry.image_model("google:imagen-4.0-generate-001").unwrap().model_id(), "imagen-4.0-generate-001");
    assert_eq!(registry.image_model("google:gemini-2.5-flash-image").unwrap().provider(), "google.image");
}
