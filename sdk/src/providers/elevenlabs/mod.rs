//! ElevenLabs: speech models over `POST /v1/text-to-speech/{voice_id}` and Scribe transcription
//! models over `POST /v1/speech-to-text` (a multipart upload, or a `cloud_storage_url` for audio
//! given by URL, which ElevenLabs fetches itself).
//!
//! ```no_run
//! # async fn example() -> specai::Result<()> {
//! use specai::elevenlabs::{ElevenLabsSettings, create_elevenlabs};
//!
//! let elevenlabs = create_elevenlabs(ElevenLabsSettings::default()); // key from ELEVENLABS_API_KEY
//! let speech = specai::generate_speech(elevenlabs.speech("eleven_multilingual_v2")).text("Hello!").await?;
//! let transcript = specai::transcribe(elevenlabs.transcription("scribe_v1")).audio_url("https://example.com/talk.mp3").await?;
//! println!("{} bytes of {}; heard: {}", speech.audio.len(), speech.media_type, transcript.text);
//! # Ok(()) }
//! ```
//!
//! The base URL, key variable, `xi-api-key` header, operation paths and error paths come from
//! `specs/elevenlabs/provider.toml`; request and response bodies are the types generated from
//! `specs/elevenlabs/openapi.json`, the official document pruned to these two operations.
//! ElevenLabs-only settings are [`ElevenLabsSpeechOptions`] and [`ElevenLabsTranscriptionOptions`]
//! under `provider_options["elevenlabs"]`.

mod elevenlabs_options;
mod elevenlabs_speech_model;
mod elevenlabs_transcription_model;
#[cfg(test)]
mod tests;

/// The wire types, generated from specs/elevenlabs/openapi.json.
use specai_generated::elevenlabs::types as wire;

use specai_generated::mappings::ELEVENLABS;

pub use elevenlabs_options::{ElevenLabsPronunciationDictionary, ElevenLabsSpeechOptions, ElevenLabsTranscriptionOptions, ElevenLabsVoiceSettings};
pub use elevenlabs_speech_model::{DEFAULT_VOICE, ElevenLabsSpeechModel};
pub use elevenlabs_transcription_model::ElevenLabsTranscriptionModel;

use crate::error::Error;
use crate::provider::{Provider, SpeechModel, TranscriptionModel};
use crate::provider_utils::{connection_for_call, mapped_provider, provider_models};

/// The key of this provider's options in `provider_options`.
const PROVIDER_ID: &str = "elevenlabs";

mapped_provider! {
    /// How to reach ElevenLabs, built with `with_*` methods; every setting is optional, and the
    /// defaults come from `specs/elevenlabs/provider.toml` (the key from `ELEVENLABS_API_KEY`, sent
    /// as `xi-api-key`).
    ///
    /// ```
    /// use specai::elevenlabs::{ElevenLabsSettings, create_elevenlabs};
    ///
    /// let provider = create_elevenlabs(ElevenLabsSettings::default().with_api_key("..."));
    /// let model = provider.speech("eleven_multilingual_v2");
    /// ```
    pub struct ElevenLabsSettings;

    /// The ElevenLabs provider: hands out speech and transcription models.
    pub struct ElevenLabsProvider;

    /// An ElevenLabs provider with these settings. Invalid settings are reported by every call of
    /// its models.
    ///
    /// ```
    /// use specai::elevenlabs::{ElevenLabsSettings, create_elevenlabs};
    /// use specai::provider::SpeechModel;
    ///
    /// let provider = create_elevenlabs(ElevenLabsSettings::default().with_api_key("my-key").with_base_url("http://127.0.0.1:8080"));
    /// let model = provider.speech("eleven_multilingual_v2");
    /// assert_eq!(model.model_id(), "eleven_multilingual_v2");
    /// ```
    pub fn create_elevenlabs(ELEVENLABS);
}

/// A provider with default settings (the key from the environment).
///
/// ```no_run
/// # async fn example() -> specai::Result<()> {
/// use specai::elevenlabs::elevenlabs;
///
/// // The key from ELEVENLABS_API_KEY.
/// let speech = specai::generate_speech(elevenlabs().speech("eleven_multilingual_v2")).text("Hello!").await?;
/// # Ok(()) }
/// ```
pub fn elevenlabs() -> ElevenLabsProvider {
    create_elevenlabs(ElevenLabsSettings::default())
}

provider_models! {
    impl Provider for ElevenLabsProvider {
        /// The speech model of this id, e.g. `eleven_multilingual_v2` or `eleven_flash_v2_5`.
        pub fn speech -> ElevenLabsSpeechModel as speech_model: SpeechModel;
        /// The transcription model of this id, e.g. `scribe_v1`.
        pub fn transcription -> ElevenLabsTranscriptionModel as transcription_model: TranscriptionModel;
    }
    /// ElevenLabs has no language models: always [`Error::NoSuchModel`].
    fn language_model -> Err(Error::NoSuchModel);
}

/// ISO 639-1 code of a language code as Scribe reports it (ISO 639-3, `"eng"` -> `"en"`); a
/// two-letter code is kept, and an unknown one is returned as given.
pub(crate) fn iso_639_1(code: &str) -> String {
    const CODES: [(&str, &str); 40] = [
        ("eng", "en"), ("deu", "de"), ("ger", "de"), ("fra", "fr"), ("fre", "fr"), ("spa", "es"), ("ita", "it"),
        ("por", "pt"), ("nld", "nl"), ("dut", "nl"), ("rus", "ru"), ("zho", "zh"), ("chi", "zh"), ("cmn", "zh"),
        ("jpn", "ja"), ("kor", "ko"), ("ara", "ar"), ("hin", "hi"), ("tur", "tr"), ("pol", "pl"), ("ukr", "uk"),
        ("swe", "sv"), ("dan", "da"), ("nor", "no"), ("fin", "fi"), ("ell", "el"), ("gre", "el"), ("ces", "cs"),
        ("cze", "cs"), ("hun", "hu"), ("ron", "ro"), ("rum", "ro"), ("heb", "he"), ("ind", "id"), ("vie", "vi"),
        ("tha", "th"), ("cat", "ca"), ("msa", "ms"), ("tam", "ta"), ("fil", "tl"),
    ];
    let lower = code.trim().to_ascii_lowercase();
    CODES.iter().find(|(three, _)| *three == lower).map_or(lower, |(_, two)| (*two).to_owned())
}
