//! The ElevenLabs speech model: the mapping's `speech` operation
//! (`POST /v1/text-to-speech/{voice_id}`), JSON in, audio bytes out.
//!
//! The voice is a path segment, the model and text go in the body, and the audio format is the
//! `output_format` query parameter (`mp3_44100_128` by default): the call's short names (`mp3`,
//! `wav`, `pcm`...) are mapped to ElevenLabs' codec_rate_bitrate names, and any ElevenLabs name
//! is sent as given.

use async_trait::async_trait;
use serde_json::Map;

use super::elevenlabs_options::ElevenLabsSpeechOptions;
use super::wire::{ApplyTextNormalization, BodyTextToSpeechV1TextToSpeechVoiceIdPost, PronunciationDictionaryVersionLocatorRequestModel, VoiceSettingsResponseModel};
use super::{PROVIDER_ID, connection_for_call};
use crate::error::Result;
use crate::provider::{ExtraRequest, SpeechModel, SpeechOptions, SpeechResponse, Warning};
use crate::provider_utils::{connection_model, speech_response};

/// The voice used when the call names none (ElevenLabs' premade voice "Rachel").
pub const DEFAULT_VOICE: &str = "21m00Tcm4TlvDq8ikWAM";

/// The format asked for when the call names none.
const DEFAULT_OUTPUT_FORMAT: &str = "mp3_44100_128";

connection_model! {
    /// A speech model, e.g. `eleven_multilingual_v2`. Built by
    /// [`ElevenLabsProvider::speech`](super::ElevenLabsProvider::speech).
    pub struct ElevenLabsSpeechModel { kind: "speech", default_name: PROVIDER_ID }
}

/// ElevenLabs' name of a format: the short names every provider takes mapped, the rest as given.
fn output_format(requested: &str) -> &str {
    match requested {
        "mp3" | "mp3_128" => "mp3_44100_128",
        "mp3_32" => "mp3_44100_32",
        "mp3_64" => "mp3_44100_64",
        "mp3_96" => "mp3_44100_96",
        "mp3_192" => "mp3_44100_192",
        "pcm" => "pcm_44100",
        "wav" => "wav_44100",
        "opus" => "opus_48000_128",
        "ulaw" => "ulaw_8000",
        "alaw" => "alaw_8000",
        other => other,
    }
}

/// The media type of an ElevenLabs format name (`codec_rate[_bitrate]`).
fn media_type(format: &str) -> Option<&'static str> {
    Some(match format.split('_').next()? {
        "mp3" => "audio/mpeg",
        "pcm" => "audio/pcm",
        "wav" => "audio/wav",
        "opus" => "audio/opus",
        "ulaw" => "audio/basic",
        "alaw" => "audio/alaw",
        _ => return None,
    })
}

/// `text` with every byte outside the unreserved set percent-encoded, for a path segment.
fn path_segment(text: &str) -> String {
    let mut encoded = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

#[async_trait]
impl SpeechModel for ElevenLabsSpeechModel {
    crate::provider::model_identity!(provider, model_id);

    async fn do_generate(&self, options: &SpeechOptions) -> Result<SpeechResponse> {
        let connection = connection_for_call(&self.connection)?;
        let elevenlabs: ElevenLabsSpeechOptions = options.provider_options.parse(PROVIDER_ID)?.unwrap_or_default();
        let mut warnings = Vec::new();
        let format = match (&elevenlabs.output_format, &options.output_format) {
            (Some(format), _) => format.clone(),
            (None, Some(requested)) => output_format(requested).to_owned(),
            (None, None) => DEFAULT_OUTPUT_FORMAT.to_owned(),
        };
        let (format, media_type) = match media_type(&format) {
            Some(media_type) => (format, media_type),
            None => {
                warnings.push(Warning::unsupported("output_format", Some(format!("unknown format `{format}`; using {DEFAULT_OUTPUT_FORMAT}"))));
                (DEFAULT_OUTPUT_FORMAT.to_owned(), "audio/mpeg")
            }
        };
        self.generate(connection, options, elevenlabs, &format, media_type, warnings).await
    }
}

impl ElevenLabsSpeechModel {
    async fn generate(
        &self,
        connection: &crate::provider_utils::MappedConnection,
        options: &SpeechOptions,
        elevenlabs: ElevenLabsSpeechOptions,
        format: &str,
        media_type: &str,
        mut warnings: Vec<Warning>,
    ) -> Result<SpeechResponse> {
        if options.instructions.is_some() {
            warnings.push(Warning::unsupported("instructions", Some("ElevenLabs speech models take no instructions".to_owned())));
        }
        let settings = elevenlabs.voice_settings.unwrap_or_default();
        let voice_settings = VoiceSettingsResponseModel {
            similarity_boost: settings.similarity_boost,
            speed: options.speed.map(crate::provider_utils::shortest_decimal),
            stability: settings.stability,
            style: settings.style,
            use_speaker_boost: settings.use_speaker_boost,
            extra: Map::new(),
        };
        let body = BodyTextToSpeechV1TextToSpeechVoiceIdPost {
            text: options.text.clone(),
            model_id: Some(self.model_id.clone()),
            language_code: options.language.clone().or(elevenlabs.language_code),
            voice_settings: (voice_settings != VoiceSettingsResponseModel::default()).then_some(voice_settings),
            pronunciation_dictionary_locators: elevenlabs.pronunciation_dictionary_locators.map(|locators| {
                locators
                    .into_iter()
                    .map(|locator| PronunciationDictionaryVersionLocatorRequestModel {
                        pronunciation_dictionary_id: locator.pronunciation_dictionary_id,
                        version_id: locator.version_id,
                        extra: Map::new(),
                    })
                    .collect()
            }),
            seed: elevenlabs.seed.map(i64::from),
            previous_text: elevenlabs.previous_text,
            next_text: elevenlabs.next_text,
            previous_request_ids: elevenlabs.previous_request_ids,
            next_request_ids: elevenlabs.next_request_ids,
            apply_text_normalization: elevenlabs.apply_text_normalization.map(|value| match value.as_str() {
                "auto" => ApplyTextNormalization::Auto,
                "on" => ApplyTextNormalization::On,
                "off" => ApplyTextNormalization::Off,
                _ => ApplyTextNormalization::Unlisted(value),
            }),
            apply_language_text_normalization: elevenlabs.apply_language_text_normalization,
            use_pvc_as_ivc: None,
            extra: Map::new(),
        };
        let voice = options.voice.as_deref().unwrap_or(DEFAULT_VOICE);
        let url = connection
            .operation_url(connection.mapping.operations.speech.as_ref(), "speech", &self.model_id)?
            .replace("{voice_id}", &path_segment(voice));
        let mut query = ExtraRequest::default().with_query_param("output_format", format);
        if let Some(enable_logging) = elevenlabs.enable_logging {
            query = query.with_query_param("enable_logging", enable_logging.to_string());
        }
        // The call's extras: its body members over the provider's, its query parameters after.
        query.body.clone_from(&options.extra.body);
        query.query.extend(options.extra.query.iter().cloned());
        let response = connection.post_json(&url, body, &options.headers, &query).await?;
        speech_response(response, &self.provider, &self.model_id, media_type, warnings).await
    }
}
