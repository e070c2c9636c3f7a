//! Gemini TTS (`gemini-2.5-flash-preview-tts`, `gemini-2.5-pro-preview-tts`): the mapping's
//! `speech` operation (`generateContent`) with the AUDIO modality and a prebuilt voice.
//!
//! Gemini answers raw PCM (`audio/L16;codec=pcm;rate=24000`: 16-bit little-endian mono). By
//! default it is wrapped in a 44-byte WAV header and returned as `audio/wav`, because raw PCM
//! plays nowhere without its sample format, and every player takes WAV; `output_format: "pcm"`
//! returns the bytes unchanged with Gemini's own media type, which names the rate.

use async_trait::async_trait;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde_json::{Map, Value};

use super::google_inline_output::generate_inline;
use super::google_options::GoogleSpeechOptions;
use super::wire::{GenerationConfig, GenerationConfigResponseModalitiesItem, PrebuiltVoiceConfig, SpeechConfig, VoiceConfig};
use super::{SharedConnection, connection_for_call};
use crate::error::{Error, Result};
use crate::provider::{ProviderMetadata, ResponseMetadata, SpeechModel, SpeechOptions, SpeechResponse, Warning};
use crate::provider_utils::ModelOperation;

/// The voice used when the call names none.
pub const DEFAULT_VOICE: &str = "Kore";

/// The sample rate Gemini TTS produces when its media type does not say.
const DEFAULT_SAMPLE_RATE: u32 = 24_000;

/// A Gemini TTS model, e.g. `gemini-2.5-flash-preview-tts`.
#[derive(Debug, Clone)]
pub struct GoogleSpeechModel {
    model_id: String,
    provider: String,
    connection: SharedConnection,
    generate: ModelOperation,
}

impl GoogleSpeechModel {
    pub(crate) fn new(model_id: &str, connection: SharedConnection) -> Self {
        let shared = connection.as_deref().ok();
        let generate = ModelOperation::new(shared, |operations| operations.speech.as_ref(), "speech", model_id);
        let provider = format!("{}.speech", shared.map_or("google", |connection| connection.name.as_str()));
        GoogleSpeechModel { model_id: model_id.to_owned(), provider, connection, generate }
    }
}

/// The sample rate a PCM media type names (`audio/L16;codec=pcm;rate=24000`).
fn sample_rate(media_type: &str) -> Option<u32> {
    media_type.split(';').find_map(|parameter| parameter.trim().strip_prefix("rate=")?.parse().ok())
}

/// 16-bit mono PCM at `rate` wrapped in a WAV (RIFF) header.
fn wav(pcm: &[u8], rate: u32) -> Vec<u8> {
    let data_size = u32::try_from(pcm.len()).unwrap_or(u32::MAX);
    let (channels, bits) = (1u16, 16u16);
    let block_align = channels * bits / 8;
    let mut out = Vec::with_capacity(44 + pcm.len());
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&data_size.saturating_add(36).to_le_bytes());
    out.extend_from_slice(b"WAVEfmt ");
    out.extend_from_slice(&16u32.to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes());
    out.extend_from_slice(&channels.to_le_bytes());
    out.extend_from_slice(&rate.to_le_bytes());
    out.extend_from_slice(&(rate * u32::from(block_align)).to_le_bytes());
    out.extend_from_slice(&block_align.to_le_bytes());
    out.extend_from_slice(&bits.to_le_bytes());
    out.extend_from_slice(b"data");
    out.extend_from_slice(&data_size.to_le_bytes());
    out.extend_from_slice(pcm);
    out
}

#[async_trait]
impl SpeechModel for GoogleSpeechModel {
    crate::provider::model_identity!(provider, model_id);

    async fn do_generate(&self, options: &SpeechOptions) -> Result<SpeechResponse> {
        let connection = connection_for_call(&self.connection)?;
        let google: GoogleSpeechOptions = options.provider_options.parse("google")?.unwrap_or_default();
        let mut warnings = Vec::new();
        let raw_pcm = match options.output_format.as_deref() {
            None | Some("wav") => false,
            Some("pcm") => true,
            Some(other) => {
                warnings.push(Warning::unsupported("output_format", Some(format!("Gemini TTS produces PCM; `{other}` is not offered, using wav"))));
                false
            }
        };
        if options.speed.is_some() {
            warnings.push(Warning::unsupported("speed", Some("Gemini TTS takes pace from the prompt, not a speed setting".to_owned())));
        }
        // Gemini TTS takes style direction in the prompt itself.
        let text = match &options.instructions {
            Some(instructions) if google.multi_speaker_voice_config.is_none() => format!("{instructions}: {}", options.text),
            Some(_) => {
                warnings.push(Warning::unsupported("instructions", Some("ignored with multiSpeakerVoiceConfig: direct the speakers in the text".to_owned())));
                options.text.clone()
            }
            None => options.text.clone(),
        };
        let voice_config = google.multi_speaker_voice_config.is_none().then(|| VoiceConfig {
            prebuilt_voice_config: Some(PrebuiltVoiceConfig {
                voice_name: Some(options.voice.clone().unwrap_or_else(|| DEFAULT_VOICE.to_owned())),
                extra: Map::new(),
            }),
            extra: Map::new(),
        });
        let speech_config = SpeechConfig {
            voice_config,
            multi_speaker_voice_config: google.multi_speaker_voice_config,
            language_code: google.language_code.or_else(|| options.language.clone()),
            extra: Map::new(),
        };
        let generation_config = GenerationConfig {
            response_modalities: vec![GenerationConfigResponseModalitiesItem::Audio],
            speech_config: Some(speech_config),
            ..Default::default()
        };
        let output = generate_inline(connection, &self.generate, &self.model_id, &text, generation_config, &options.headers, &options.extra).await?;
        let Some(blob) = output.blobs.into_iter().find(|blob| blob.mime_type.starts_with("audio/")) else {
            let reason = output.finish.unwrap_or_else(|| "no audio part".to_owned());
            return Err(Error::NoSpeechGenerated { provider: self.provider.clone(), message: format!("the response has no audio ({reason})") });
        };
        let pcm = BASE64.decode(blob.data.as_bytes()).map_err(|error| {
            Error::invalid_response("the audio is not valid base64", None, Some(std::sync::Arc::new(error)))
        })?;
        let (audio, media_type) = if raw_pcm || !blob.mime_type.to_ascii_lowercase().starts_with("audio/l16") {
            // PCM asked for, or a format that is already a container: returned as sent.
            (pcm, blob.mime_type.clone())
        } else {
            (wav(&pcm, sample_rate(&blob.mime_type).unwrap_or(DEFAULT_SAMPLE_RATE)), "audio/wav".to_owned())
        };
        let mut metadata = output.metadata;
        metadata.insert("mimeType".to_owned(), Value::String(blob.mime_type));
        let mut result = SpeechResponse::new(audio, media_type);
        result.provider_metadata = Some(ProviderMetadata::new().with("google", Value::Object(metadata)));
        result.request = output.request;
        result.response = ResponseMetadata::new(None, Some(self.model_id.clone()), Some(std::time::SystemTime::now()))
            .with_headers(output.headers)
            .with_body(output.body);
        result.warnings = warnings;
        Ok(result)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wav_header_names_the_rate_and_sizes() {
        let out = wav(&[1, 0, 2, 0], 24_000);
        assert_eq!(&out[..4], b"RIFF");
        assert_eq!(u32::from_le_bytes(out[4..8].try_into().unwrap()), 40);
        assert_eq!(u32::from_le_bytes(out[24..28].try_into().unwrap()), 24_000);
        assert_eq!(u32::from_le_bytes(out[28..32].try_into().unwrap()), 48_000, "byte rate");
        assert_eq!(u32::from_le_bytes(out[40..44].try_into().unwrap()), 4);
        assert_eq!(&out[44..], &[1, 0, 2, 0]);
        assert_eq!(sample_rate("audio/L16;codec=pcm;rate=16000"), Some(16_000));
        assert_eq!(sample_rate("audio/L16"), None);
    }
}
