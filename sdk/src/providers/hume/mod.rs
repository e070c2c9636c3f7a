//! Hume: Octave speech models over `POST /v0/tts/file` (one utterance with its voice and acting
//! instructions in, an audio file out).
//!
//! ```no_run
//! # async fn example() -> specai::Result<()> {
//! use specai::hume::{HumeSettings, create_hume};
//!
//! let hume = create_hume(HumeSettings::default()); // key from HUME_API_KEY
//! let speech = specai::generate_speech(hume.speech("octave-2")).text("Hello!").instructions("warm, unhurried").await?;
//! println!("{} bytes of {}", speech.audio.len(), speech.media_type);
//! # Ok(()) }
//! ```
//!
//! The base URL, key variable, `x-hume-api-key` header, operation path and error paths come from
//! `specs/hume/provider.toml`; the request body is the type generated from `specs/hume/openapi.json`
//! (written from Hume's documented wire format). Hume-only settings are [`HumeSpeechOptions`]
//! under `provider_options["hume"]`.

mod hume_options;
mod hume_speech_model;
#[cfg(test)]
mod tests;

/// The wire types, generated from specs/hume/openapi.json.
use specai_generated::hume::types as wire;

use specai_generated::mappings::HUME;

pub use hume_options::{HumeContext, HumeSpeechOptions};
pub use hume_speech_model::{DEFAULT_VOICE, HumeSpeechModel};

use crate::error::Error;
use crate::provider::{Provider, SpeechModel};
use crate::provider_utils::{connection_for_call, mapped_provider, provider_models};

/// The key of this provider's options in `provider_options`.
const PROVIDER_ID: &str = "hume";

mapped_provider! {
    /// How to reach Hume, built with `with_*` methods; every setting is optional, and the
    /// defaults come from `specs/hume/provider.toml` (the key from `HUME_API_KEY`, sent
    /// as `x-hume-api-key`).
    ///
    /// ```
    /// use specai::hume::{HumeSettings, create_hume};
    ///
    /// let provider = create_hume(HumeSettings::default().with_api_key("..."));
    /// let model = provider.speech("octave-2");
    /// ```
    pub struct HumeSettings;

    /// The Hume provider: hands out speech models.
    pub struct HumeProvider;

    /// A Hume provider with these settings. Invalid settings are reported by every call of
    /// its models.
    ///
    /// ```
    /// use specai::hume::{HumeSettings, create_hume};
    /// use specai::provider::SpeechModel;
    ///
    /// let provider = create_hume(HumeSettings::default().with_api_key("my-key").with_base_url("http://127.0.0.1:8080"));
    /// let model = provider.speech("octave-2");
    /// assert_eq!(model.model_id(), "octave-2");
    /// ```
    pub fn create_hume(HUME);
}

/// A provider with default settings (the key from the environment).
///
/// ```no_run
/// # async fn example() -> specai::Result<()> {
/// use specai::hume::hume;
///
/// // The key from HUME_API_KEY.
/// let speech = specai::generate_speech(hume().speech("octave-2")).text("Hello!").await?;
/// # Ok(()) }
/// ```
pub fn hume() -> HumeProvider {
    create_hume(HumeSettings::default())
}

provider_models! {
    impl Provider for HumeProvider {
        /// The speech model of this id, e.g. `octave-2`.
        pub fn speech -> HumeSpeechModel as speech_model: SpeechModel;
    }
    /// Hume has no language models: always [`Error::NoSuchModel`].
    fn language_model -> Err(Error::NoSuchModel);
}
