//! Text to speech: `generate_speech(model).text("...").voice("alloy").await`.

use std::sync::Arc;

use bytes::Bytes;

use crate::error::{Error, Result};
use crate::into_model::IntoModel;
use crate::provider::{ProviderMetadata, RequestMetadata, ResponseMetadata, SpeechModel, SpeechOptions, Warning};
use crate::telemetry::attributes::operation;
use crate::telemetry::spans::ModelCall;
use crate::option_setters::option_setters;
use crate::request_settings::{RequestSettings, into_future_runs, request_settings_methods};

/// Speaks a text.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> specai::Result<()> {
/// use specai::test_util::MockSpeechModel;
///
/// let model = MockSpeechModel::new();
/// let speech = specai::generate_speech(model).text("Hello").voice("alloy").output_format("mp3").await?;
/// assert_eq!(speech.media_type, "audio/mpeg");
/// # Ok(()) }
/// ```
pub fn generate_speech(model: impl IntoModel<dyn SpeechModel>) -> GenerateSpeech {
    GenerateSpeech {
        model: model.into_model(),
        options: SpeechOptions::default(),
        settings: RequestSettings::default(),
        error: None,
    }
}

/// The builder of [`generate_speech`]; await it.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> specai::Result<()> {
/// use specai::provider::ProviderOptions;
/// use specai::test_util::MockSpeechModel;
///
/// // Options a vendor adds beyond the common ones travel under its provider id.
/// let model = MockSpeechModel::new();
/// let options = ProviderOptions::new().with("elevenlabs", serde_json::json!({"stability": 0.4}));
/// let speech = specai::generate_speech(model.clone()).text("Welcome aboard").speed(1.2).language("en").provider_options(options).await?;
/// assert!(!speech.audio.is_empty());
/// let call = &model.calls()[0];
/// assert_eq!((call.speed, call.language.as_deref()), (Some(1.2), Some("en")));
/// assert_eq!(call.provider_options.get("elevenlabs").unwrap()["stability"], 0.4);
/// # Ok(()) }
/// ```
#[must_use = "a speech request does nothing until awaited"]
pub struct GenerateSpeech {
    model: Arc<dyn SpeechModel>,
    options: SpeechOptions,
    settings: RequestSettings,
    error: Option<Error>,
}

impl GenerateSpeech {
    option_setters! {
        /// The text to speak.
        text(impl Into<String>) => options.text;
        /// The voice.
        voice(impl Into<String>) => Some(options.voice);
        /// The audio format, e.g. `mp3`, `wav`.
        output_format(impl Into<String>) => Some(options.output_format);
        /// How to speak (tone, pace), for models that take instructions.
        instructions(impl Into<String>) => Some(options.instructions);
        /// Speed factor.
        speed(f32) => Some(options.speed);
        /// The language, as an ISO 639-1 code.
        language(impl Into<String>) => Some(options.language);
    }

    request_settings_methods!();
}

/// The result of [`generate_speech`].
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct SpeechResult {
    /// The audio.
    pub audio: Bytes,
    /// Its media type, e.g. `audio/mpeg`.
    pub media_type: String,
    /// Options the model could not honour.
    pub warnings: Vec<Warning>,
    /// What was sent.
    pub request: RequestMetadata,
    /// Response metadata.
    pub response: ResponseMetadata,
    /// Provider-specific metadata.
    pub provider_metadata: Option<ProviderMetadata>,
}

into_future_runs!(GenerateSpeech => SpeechResult, "generate_speech", operation::GENERATE_CONTENT);

impl GenerateSpeech {
    /// What awaiting the builder does.
    async fn run(self) -> Result<SpeechResult> {
        let options = self.settings.start(self.error, self.options)?;
        if options.text.is_empty() {
            return Err(Error::invalid_argument("text", "no text to speak was given"));
        }
        let model = &*self.model;
        let call = ModelCall::start(operation::GENERATE_CONTENT, model.provider(), model.model_id(), self.settings.telemetry.records_content());
        call.record_output_type("speech");
        call.record_input_text(&options.text);
        let attempts = self.settings.call(|| model.do_generate(&options));
        let response = call.run(attempts, |call, response| call.record_response(&response.response)).await?;
        if response.audio.is_empty() {
            return Err(Error::NoSpeechGenerated { provider: model.provider().to_owned(), message: "the model returned no audio".into() });
        }
        Ok(SpeechResult {
            audio: response.audio,
            media_type: response.media_type,
            warnings: response.warnings,
            request: response.request,
            response: response.response,
            provider_metadata: response.provider_metadata,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::SpeechResponse;
    use crate::test_util::MockSpeechModel;

    #[tokio::test]
    async fn passes_options_and_returns_audio() {
        let model = MockSpeechModel::new();
        let result = generate_speech(model.clone()).text("hello").voice("alloy").speed(1.5).output_format("mp3").await.unwrap();
        assert_eq!(&result.audio[..], b"hello");
        assert_eq!(result.media_type, "audio/mpeg");
        let call = &model.calls()[0];
        assert_eq!((call.voice.as_deref(), call.speed, call.output_format.as_deref()), (Some("alloy"), Some(1.5), Some("mp3")));
    }

    #[tokio::test]
    async fn empty_text_or_audio_is_an_error() {
        assert!(matches!(generate_speech(MockSpeechModel::new()).await, Err(Error::InvalidArgument { .. })));
        let silent = MockSpeechModel::new().with_response(SpeechResponse::default());
        // An answer without audio is the typed error, naming the provider.
        assert!(matches!(generate_speech(silent).text("x").await, Err(Error::NoSpeechGenerated { provider, .. }) if provider == "mock"));
    }
}
