//! Speech to text: `transcribe(model).audio(bytes).await`.
//!
//! The media type is detected from the audio's first bytes (WAV, MP3, OGG, FLAC, MP4/M4A, WebM)
//! unless given. Audio can also be given by URL (`.audio_url(url)`): vendors that fetch URLs
//! themselves are sent it, the others download it with their own HTTP client, up to a size cap.

use std::sync::Arc;

use bytes::Bytes;

use crate::error::{Error, Result};
use crate::into_model::IntoModel;
use crate::provider::{
    ProviderMetadata, ResponseMetadata, TranscriptionModel, TranscriptionOptions, TranscriptionSegment, Warning,
};
use crate::telemetry::attributes::operation;
use crate::telemetry::spans::ModelCall;
use crate::option_setters::option_setters;
use crate::request_settings::{RequestSettings, into_future_runs, request_settings_methods};

/// The media type of audio, from its signature bytes (in `provider_utils`, as the download of a
/// prompt's audio uses it too).
pub use crate::provider_utils::detect_audio_media_type;

/// Transcribes audio.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> specai::Result<()> {
/// use specai::test_util::MockTranscriptionModel;
///
/// let model = MockTranscriptionModel::new();
/// let transcript = specai::transcribe(model).audio(&b"spoken words"[..]).media_type("audio/wav").await?;
/// assert_eq!(transcript.text, "spoken words");
/// # Ok(()) }
/// ```
pub fn transcribe(model: impl IntoModel<dyn TranscriptionModel>) -> Transcribe {
    Transcribe {
        model: model.into_model(),
        audio: None,
        audio_url: None,
        media_type: None,
        settings: RequestSettings::default(),
        error: None,
    }
}

/// The builder of [`transcribe`]; await it.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> specai::Result<()> {
/// use specai::test_util::MockTranscriptionModel;
///
/// // The media type is detected from the audio's first bytes when it is not given.
/// let wav = b"RIFF\x24\x00\x00\x00WAVEfmt ".to_vec();
/// let model = MockTranscriptionModel::new();
/// specai::transcribe(model.clone()).audio(wav).await?;
/// assert_eq!(model.calls()[0].media_type, "audio/wav");
///
/// // Audio by URL: vendors that fetch URLs are sent it, the others download it.
/// specai::transcribe(model.clone()).audio_url("https://example.com/talk.mp3").await?;
/// assert_eq!(model.calls()[1].audio_url.as_deref(), Some("https://example.com/talk.mp3"));
/// # Ok(()) }
/// ```
#[must_use = "a transcription request does nothing until awaited"]
pub struct Transcribe {
    model: Arc<dyn TranscriptionModel>,
    audio: Option<Bytes>,
    audio_url: Option<String>,
    media_type: Option<String>,
    settings: RequestSettings,
    error: Option<Error>,
}

impl Transcribe {
    option_setters! {
        /// The audio.
        audio(impl Into<Bytes>) => Some(audio);
        /// The audio's media type, when detection from its bytes is not wanted.
        media_type(impl Into<String>) => Some(media_type);
    }

    /// The audio's address, instead of its bytes: sent to vendors that fetch URLs themselves,
    /// downloaded by the provider's HTTP client for the others.
    ///
    /// ```no_run
    /// # async fn example() -> specai::Result<()> {
    /// let model = specai::openai::create_openai(Default::default()).transcription("whisper-1");
    /// let transcript = specai::transcribe(model).audio_url("https://example.com/talk.mp3").await?;
    /// println!("{}", transcript.text);
    /// # Ok(()) }
    /// ```
    pub fn audio_url(mut self, url: impl Into<String>) -> Self {
        self.audio_url = Some(url.into());
        self
    }

    request_settings_methods!();
}

/// The result of [`transcribe`].
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct TranscriptionResult {
    /// The full text (empty for silence).
    pub text: String,
    /// Timed segments, when the provider returns them.
    pub segments: Vec<TranscriptionSegment>,
    /// The detected language, ISO 639-1.
    pub language: Option<String>,
    /// The audio's duration in seconds.
    pub duration_in_seconds: Option<f64>,
    /// Options the model could not honour.
    pub warnings: Vec<Warning>,
    /// Response metadata.
    pub response: ResponseMetadata,
    /// Provider-specific metadata.
    pub provider_metadata: Option<ProviderMetadata>,
}

into_future_runs!(Transcribe => TranscriptionResult, "transcribe", operation::GENERATE_CONTENT);

impl Transcribe {
    /// What awaiting the builder does.
    async fn run(self) -> Result<TranscriptionResult> {
        let mut options = self.settings.start(self.error, TranscriptionOptions::default())?;
        let audio = self.audio.filter(|audio| !audio.is_empty());
        match (audio, self.audio_url) {
            (Some(_), Some(_)) => {
                return Err(Error::invalid_argument("audio", "give the audio's bytes or its URL, not both"));
            }
            (None, None) => return Err(Error::invalid_argument("audio", "no audio was given")),
            (None, Some(url)) => {
                if !(url.starts_with("https://") || url.starts_with("http://")) {
                    return Err(Error::invalid_argument("audio_url", "the audio URL must be http or https"));
                }
                options.audio_url = Some(url);
                options.media_type = self.media_type.unwrap_or_default();
            }
            (Some(audio), None) => {
                options.media_type = match self.media_type {
                    Some(media_type) => media_type,
                    None => detect_audio_media_type(&audio)
                        .ok_or_else(|| {
                            Error::invalid_argument("media_type", "the audio format was not recognised; set the media type")
                        })?
                        .to_owned(),
                };
                options.audio = audio;
            }
        }
        let model = &*self.model;
        let call = ModelCall::start(operation::GENERATE_CONTENT, model.provider(), model.model_id(), self.settings.telemetry.records_content());
        call.record_output_type("text");
        let attempts = self.settings.call(|| model.do_generate(&options));
        let response = call
            .run(attempts, |call, response| {
                call.record_response(&response.response);
                call.record_output_text(&response.text);
            })
            .await?;
        Ok(TranscriptionResult {
            text: response.text,
            segments: response.segments,
            language: response.language,
            duration_in_seconds: response.duration_in_seconds,
            warnings: response.warnings,
            response: response.response,
            provider_metadata: response.provider_metadata,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::TranscriptionResponse;
    use crate::test_util::MockTranscriptionModel;

    #[tokio::test]
    async fn detects_the_media_type_and_returns_segments() {
        let mut response = TranscriptionResponse::new("hello world");
        response.segments = vec![TranscriptionSegment { text: "hello world".into(), start_second: 0.0, end_second: 1.2 }];
        response.language = Some("en".into());
        response.duration_in_seconds = Some(1.2);
        let model = MockTranscriptionModel::new().with_response(response);
        let wav = b"RIFF\x24\x00\x00\x00WAVEfmt ".to_vec();
        let result = transcribe(model.clone()).audio(wav).await.unwrap();
        assert_eq!(result.text, "hello world");
        assert_eq!(result.segments[0].end_second, 1.2);
        assert_eq!(model.calls()[0].media_type, "audio/wav");
    }

    #[tokio::test]
    async fn explicit_media_type_and_errors() {
        let model = MockTranscriptionModel::new();
        let result = transcribe(model.clone()).audio(&b"spoken"[..]).media_type("audio/x-custom").await.unwrap();
        assert_eq!(result.text, "spoken");
        assert_eq!(model.calls()[0].media_type, "audio/x-custom");
        assert!(matches!(transcribe(model.clone()).audio(&b"????"[..]).await, Err(Error::InvalidArgument { .. })));
        assert!(matches!(transcribe(model).await, Err(Error::InvalidArgument { .. })));
    }

    #[tokio::test]
    async fn audio_by_url_reaches_the_model_as_a_url() {
        let model = MockTranscriptionModel::new();
        transcribe(model.clone()).audio_url("https://media.example/talk.mp3").await.unwrap();
        let call = &model.calls()[0];
        assert_eq!(call.audio_url.as_deref(), Some("https://media.example/talk.mp3"));
        assert!(call.audio.is_empty() && call.media_type.is_empty());
        let both = transcribe(model.clone()).audio(&b"ID3"[..]).audio_url("https://media.example/a.mp3").await;
        assert!(matches!(both, Err(Error::InvalidArgument { argument, .. }) if argument == "audio"));
        let local = transcribe(model).audio_url("file:///etc/passwd").await;
        assert!(matches!(local, Err(Error::InvalidArgument { argument, .. }) if argument == "audio_url"));
    }

    #[test]
    fn recognises_common_signatures() {
        assert_eq!(detect_audio_media_type(b"ID3\x04"), Some("audio/mpeg"));
        assert_eq!(detect_audio_media_type(&[0xFF, 0xFB, 0x90]), Some("audio/mpeg"));
        assert_eq!(detect_audio_media_type(b"OggS\x00"), Some("audio/ogg"));
        assert_eq!(detect_audio_media_type(b"fLaC"), Some("audio/flac"));
        assert_eq!(detect_audio_media_type(b"\x00\x00\x00\x20ftypM4A "), Some("audio/mp4"));
        assert_eq!(detect_audio_media_type(&[0x1A, 0x45, 0xDF, 0xA3]), Some("audio/webm"));
        assert_eq!(detect_audio_media_type(b"RIFF\x00\x00\x00\x00AVI "), None);
    }
}
