//! The transcription model (`POST /audio/transcriptions`, a multipart upload) of OpenAI and of
//! every OpenAI-compatible vendor whose mapping names a `transcription` operation (Groq): one
//! engine for the one wire dialect, its URL, auth, options key and error paths from the mapping.
//!
//! Whisper models are asked for `verbose_json`, which carries the language, the duration and
//! timed segments; OpenAI's gpt-4o transcribe models only answer `json` (text, and usage).

use async_trait::async_trait;
use reqwest::multipart::{Form, Part};
use serde_json::{Map, Value};
use specai_generated::openai_compatible::types as api;

use super::openai_compatible_options::{OpenAiCompatibleTranscriptionOptions, parse_options};
use super::{SharedConfig, config_for_call};
use crate::error::{Error, Result};
use crate::provider::{
    ProviderMetadata, ResponseMetadata, TranscriptionModel, TranscriptionOptions, TranscriptionResponse, TranscriptionSegment, Warning,
};
use crate::provider_utils::json_path::lookup;
use crate::provider_utils::{DEFAULT_MAX_DOWNLOAD_BYTES, audio_file_extension, transcription_audio};

/// A transcription model: OpenAI's ([`crate::openai::OpenAiProvider::transcription`]) or an
/// OpenAI-compatible vendor's ([`super::OpenAiCompatibleProvider::transcription`]).
#[derive(Debug, Clone)]
pub struct OpenAiCompatibleTranscriptionModel {
    model_id: String,
    provider: String,
    config: SharedConfig,
}

impl OpenAiCompatibleTranscriptionModel {
    pub(crate) fn new(model_id: String, config: SharedConfig, name: &str) -> Self {
        OpenAiCompatibleTranscriptionModel { model_id, provider: format!("{name}.transcription"), config }
    }
}

/// ISO 639-1 code of a language name as `verbose_json` reports it (`"english"` -> `"en"`).
fn language_code(name: &str) -> Option<String> {
    const CODES: [(&str, &str); 30] = [
        ("english", "en"), ("german", "de"), ("french", "fr"), ("spanish", "es"), ("italian", "it"),
        ("portuguese", "pt"), ("dutch", "nl"), ("russian", "ru"), ("chinese", "zh"), ("japanese", "ja"),
        ("korean", "ko"), ("arabic", "ar"), ("hindi", "hi"), ("turkish", "tr"), ("polish", "pl"),
        ("ukrainian", "uk"), ("swedish", "sv"), ("danish", "da"), ("norwegian", "no"), ("finnish", "fi"),
        ("greek", "el"), ("czech", "cs"), ("hungarian", "hu"), ("romanian", "ro"), ("hebrew", "he"),
        ("indonesian", "id"), ("vietnamese", "vi"), ("thai", "th"), ("catalan", "ca"), ("malay", "ms"),
    ];
    let lower = name.trim().to_ascii_lowercase();
    if lower.len() == 2 {
        return Some(lower);
    }
    CODES.iter().find(|(language, _)| *language == lower).map(|(_, code)| (*code).to_owned())
}

/// A timed piece of the transcript.
fn segment(text: String, start: f32, end: f32) -> TranscriptionSegment {
    TranscriptionSegment { text, start_second: f64::from(start), end_second: f64::from(end) }
}

#[async_trait]
impl TranscriptionModel for OpenAiCompatibleTranscriptionModel {
    crate::provider::model_identity!(provider, model_id);

    async fn do_generate(&self, options: &TranscriptionOptions) -> Result<TranscriptionResponse> {
        let config = config_for_call(&self.config)?;
        let url = config.operation_url(config.mapping.operations.transcription.as_ref(), "transcription", &self.model_id)?;
        let provider_options: OpenAiCompatibleTranscriptionOptions = parse_options(&options.provider_options, &config.name)?;
        // The API takes bytes only: audio given by URL is downloaded with this provider's client.
        let (audio, media_type) = transcription_audio(config.client(), options, DEFAULT_MAX_DOWNLOAD_BYTES).await?;
        let file = Part::stream_with_length(reqwest::Body::from(audio.clone()), audio.len() as u64)
            .file_name(format!("audio.{}", audio_file_extension(&media_type)))
            .mime_str(&media_type)
            .map_err(|_| Error::invalid_argument("media_type", format!("`{media_type}` is not a media type")))?;
        // `verbose_json` (segments, language, duration) where the model answers it: the mapping's
        // rules name those that answer `json` only (OpenAI's gpt-4o transcribe models).
        let verbose = specai_generated::mappings::takes_option(config.mapping.model_option_rules, "response_format", "verbose_json", &self.model_id);
        let mut form = Form::new()
            .part("file", file)
            .text("model", self.model_id.clone())
            .text("response_format", if verbose { "verbose_json" } else { "json" });
        if let Some(language) = provider_options.language {
            form = form.text("language", language);
        }
        if let Some(prompt) = provider_options.prompt {
            form = form.text("prompt", prompt);
        }
        if let Some(temperature) = provider_options.temperature {
            form = form.text("temperature", temperature.to_string());
        }
        let mut warnings = Vec::new();
        for granularity in provider_options.timestamp_granularities.into_iter().flatten() {
            if verbose {
                form = form.text("timestamp_granularities[]", granularity);
            } else {
                warnings.push(Warning::unsupported("timestamp_granularities", Some(format!("{} does not return timestamps", self.model_id))));
                break;
            }
        }
        for include in provider_options.include.into_iter().flatten() {
            form = form.text("include[]", include);
        }
        let decoded = super::read_json::<api::CreateTranscriptionResponse>(config.post_multipart(&url, form, &options.headers, &options.extra).await?).await?;
        let (text, segments, language, duration) = match decoded.value {
            api::CreateTranscriptionResponse::VerboseJson(body) => {
                let segments: Vec<TranscriptionSegment> = if body.segments.is_empty() {
                    // Word timestamps alone (`timestamp_granularities: ["word"]`): the words are the segments.
                    body.words.into_iter().map(|word| segment(word.word, word.start, word.end)).collect()
                } else {
                    body.segments.into_iter().map(|part| segment(part.text, part.start, part.end)).collect()
                };
                (body.text, segments, language_code(&body.language), Some(body.duration))
            }
            api::CreateTranscriptionResponse::Json(body) => (body.text, Vec::new(), None, None),
        };
        if text.is_empty() && segments.is_empty() && duration.is_none_or(|seconds| seconds <= 0.0) {
            // Nothing heard in no audio: an answer without a transcript.
            return Err(Error::NoTranscriptGenerated { provider: config.name.clone(), message: "the response has no text".to_owned() });
        }
        let mut result = TranscriptionResponse::new(text);
        result.segments = segments;
        result.language = language;
        result.duration_in_seconds = duration;
        // Vendor fields the mapping names (Groq's `x_groq.id`), under the provider's name.
        let mut metadata = Map::new();
        if !config.mapping.response_metadata.is_empty()
            && let Some(body) = decoded.raw.json()
        {
            for path in config.mapping.response_metadata {
                if let Some(found) = lookup(&body, path.path.segments) {
                    metadata.insert(path.key.to_owned(), found.clone());
                }
            }
        }
        result.provider_metadata = (!metadata.is_empty()).then(|| ProviderMetadata::new().with(config.name.clone(), Value::Object(metadata)));
        result.response = ResponseMetadata::new(None, Some(self.model_id.clone()), Some(std::time::SystemTime::now()))
            .with_headers(decoded.headers)
            .with_body(Some(decoded.raw));
        result.warnings = warnings;
        Ok(result)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_languages() {
        assert_eq!(language_code("english").as_deref(), Some("en"));
        assert_eq!(language_code("de").as_deref(), Some("de"));
        assert_eq!(language_code("klingon"), None);
    }
}
