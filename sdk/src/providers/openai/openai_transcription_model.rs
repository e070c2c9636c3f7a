//! The transcription model (`POST /audio/transcriptions`, a multipart upload).
//!
//! `whisper-1` is asked for `verbose_json`, which carries the language, the duration and timed
//! segments; the gpt-4o transcribe models only answer `json` (text, and usage).

use async_trait::async_trait;
use reqwest::multipart::{Form, Part};
use specai_generated::openai::types as api;

use crate::error::{Error, Result};
use crate::provider::{ResponseMetadata, TranscriptionModel, TranscriptionOptions, TranscriptionResponse, TranscriptionSegment};

use crate::provider_utils::{DEFAULT_MAX_DOWNLOAD_BYTES, transcription_audio};

use super::openai_options::{OPENAI_PROVIDER_ID, OpenAiTranscriptionOptions};
use super::{SharedConfig, config_for_call};

/// A transcription model. Built by [`OpenAiProvider::transcription`](super::OpenAiProvider::transcription).
#[derive(Clone)]
pub struct OpenAiTranscriptionModel {
    model_id: String,
    provider: String,
    url: String,
    config: SharedConfig,
}

/// The URL redacted: a base URL may carry user info.
impl std::fmt::Debug for OpenAiTranscriptionModel {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        super::debug_model(formatter, "OpenAiTranscriptionModel", &self.model_id, &self.url, &self.config)
    }
}

impl OpenAiTranscriptionModel {
    pub(crate) fn new(model_id: String, config: SharedConfig) -> Self {
        let (provider, url) = super::model_endpoint(&config, "transcription", |operations| operations.transcription.as_ref(), &model_id);
        OpenAiTranscriptionModel { model_id, provider, url, config }
    }

    fn supports_verbose_json(&self) -> bool {
        !self.model_id.starts_with("gpt-4o")
    }
}

/// The file extension the API recognises the audio format by.
fn extension(media_type: &str) -> &'static str {
    match media_type.split(';').next().unwrap_or(media_type).trim() {
        "audio/mpeg" | "audio/mp3" => "mp3",
        "audio/mp4" | "audio/m4a" | "audio/x-m4a" => "m4a",
        "audio/ogg" => "ogg",
        "audio/webm" | "video/webm" => "webm",
        "audio/flac" | "audio/x-flac" => "flac",
        "video/mp4" => "mp4",
        _ => "wav",
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

#[async_trait]
impl TranscriptionModel for OpenAiTranscriptionModel {
    crate::provider::model_identity!(provider, model_id);

    async fn do_generate(&self, options: &TranscriptionOptions) -> Result<TranscriptionResponse> {
        let config = config_for_call(&self.config)?;
        let provider_options: OpenAiTranscriptionOptions =
            options.provider_options.parse(OPENAI_PROVIDER_ID)?.unwrap_or_default();
        // The API takes bytes only: audio given by URL is downloaded with this provider's client.
        let (audio, media_type) = transcription_audio(config.client(), options, DEFAULT_MAX_DOWNLOAD_BYTES).await?;
        let file = Part::stream_with_length(reqwest::Body::from(audio.clone()), audio.len() as u64)
            .file_name(format!("audio.{}", extension(&media_type)))
            .mime_str(&media_type)
            .map_err(|_| Error::invalid_argument("media_type", format!("`{media_type}` is not a media type")))?;
        let verbose = self.supports_verbose_json();
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
                warnings.push(crate::provider::Warning::unsupported(
                    "timestamp_granularities",
                    Some(format!("{} does not return timestamps", self.model_id)),
                ));
                break;
            }
        }
        for include in provider_options.include.into_iter().flatten() {
            form = form.text("include[]", include);
        }
        let response =
            config.post_multipart(&self.url, form, &options.headers).await?.json::<api::CreateTranscriptionResponse>().await?;
        let (text, segments, language, duration) = match response.value {
            api::CreateTranscriptionResponse::VerboseJson(body) => {
                (body.text, body.segments, language_code(&body.language), Some(body.duration))
            }
            api::CreateTranscriptionResponse::Json(body) => (body.text, Vec::new(), None, None),
        };
        let mut result = TranscriptionResponse::new(text);
        result.segments = segments
            .into_iter()
            .map(|segment| TranscriptionSegment {
                text: segment.text,
                start_second: f64::from(segment.start),
                end_second: f64::from(segment.end),
            })
            .collect();
        result.language = language;
        result.duration_in_seconds = duration;
        result.response = ResponseMetadata::new(None, Some(self.model_id.clone()), Some(std::time::SystemTime::now()))
            .with_headers(response.headers);
        result.warnings = warnings;
        Ok(result)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_media_types_and_languages() {
        assert_eq!(extension("audio/mpeg"), "mp3");
        assert_eq!(extension("audio/wav"), "wav");
        assert_eq!(extension("audio/webm;codecs=opus"), "webm");
        assert_eq!(language_code("english").as_deref(), Some("en"));
        assert_eq!(language_code("de").as_deref(), Some("de"));
        assert_eq!(language_code("klingon"), None);
    }
}
