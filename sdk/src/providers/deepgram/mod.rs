//! Deepgram: Aura speech models over `POST /v1/speak` (the model and audio encoding in the query,
//! `{"text"}` in the body) and pre-recorded transcription models over `POST /v1/listen` (the audio
//! as the raw body with its content type, or `{"url"}` for audio given by URL, which Deepgram
//! fetches itself).
//!
//! ```no_run
//! # async fn example() -> specai::Result<()> {
//! use specai::deepgram::{DeepgramSettings, create_deepgram};
//!
//! let deepgram = create_deepgram(DeepgramSettings::default()); // key from DEEPGRAM_API_KEY
//! let speech = specai::generate_speech(deepgram.speech("aura-2-helena-en")).text("Hello!").await?;
//! let transcript = specai::transcribe(deepgram.transcription("nova-3")).audio_url("https://example.com/talk.mp3").await?;
//! println!("{} bytes of {}; heard: {}", speech.audio.len(), speech.media_type, transcript.text);
//! # Ok(()) }
//! ```
//!
//! The base URL, key variable, `Authorization: Token <key>` auth, operation paths and error paths
//! come from `specs/deepgram/provider.toml`; bodies are the types generated from
//! `specs/deepgram/openapi.json`, the official document pruned to these two operations.
//! Deepgram-only settings are [`DeepgramSpeechOptions`] and [`DeepgramTranscriptionOptions`]
//! under `provider_options["deepgram"]`.

mod deepgram_options;
mod deepgram_speech_model;
mod deepgram_transcription_model;
#[cfg(test)]
mod tests;

/// The wire types, generated from specs/deepgram/openapi.json.
use specai_generated::deepgram::types as wire;

use specai_generated::mappings::DEEPGRAM;

pub use deepgram_options::{DeepgramSpeechOptions, DeepgramTranscriptionOptions};
pub use deepgram_speech_model::DeepgramSpeechModel;
pub use deepgram_transcription_model::DeepgramTranscriptionModel;

use crate::error::Error;
use crate::provider::{Provider, SpeechModel, TranscriptionModel};
use crate::provider_utils::{connection_for_call, mapped_provider, provider_models};

/// The key of this provider's options in `provider_options`.
const PROVIDER_ID: &str = "deepgram";

mapped_provider! {
    /// How to reach Deepgram, built with `with_*` methods; every setting is optional, and the
    /// defaults come from `specs/deepgram/provider.toml` (the key from `DEEPGRAM_API_KEY`, sent
    /// as `Authorization: Token <key>`).
    ///
    /// ```
    /// use specai::deepgram::{DeepgramSettings, create_deepgram};
    ///
    /// let provider = create_deepgram(DeepgramSettings::default().with_api_key("..."));
    /// let model = provider.speech("aura-2-helena-en");
    /// ```
    pub struct DeepgramSettings;

    /// The Deepgram provider: hands out speech and transcription models.
    pub struct DeepgramProvider;

    /// A Deepgram provider with these settings. Invalid settings are reported by every call of
    /// its models.
    ///
    /// ```
    /// use specai::deepgram::{DeepgramSettings, create_deepgram};
    /// use specai::provider::SpeechModel;
    ///
    /// let provider = create_deepgram(DeepgramSettings::default().with_api_key("my-key").with_base_url("http://127.0.0.1:8080"));
    /// let model = provider.speech("aura-2-helena-en");
    /// assert_eq!(model.model_id(), "aura-2-helena-en");
    /// ```
    pub fn create_deepgram(DEEPGRAM);
}

/// A provider with default settings (the key from the environment).
///
/// ```no_run
/// # async fn example() -> specai::Result<()> {
/// use specai::deepgram::deepgram;
///
/// // The key from DEEPGRAM_API_KEY.
/// let speech = specai::generate_speech(deepgram().speech("aura-2-helena-en")).text("Hello!").await?;
/// let transcript = specai::transcribe(deepgram().transcription("nova-3")).audio_url("https://example.com/hello.wav").await?;
/// # Ok(()) }
/// ```
pub fn deepgram() -> DeepgramProvider {
    create_deepgram(DeepgramSettings::default())
}

provider_models! {
    impl Provider for DeepgramProvider {
        /// The speech model of this id, e.g. `aura-2-helena-en` (Aura models name their voice).
        pub fn speech -> DeepgramSpeechModel as speech_model: SpeechModel;
        /// The transcription model of this id, e.g. `nova-3`.
        pub fn transcription -> DeepgramTranscriptionModel as transcription_model: TranscriptionModel;
    }
    /// Deepgram has no language models: always [`Error::NoSuchModel`].
    fn language_model -> Err(Error::NoSuchModel);
}
