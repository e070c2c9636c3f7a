//! LMNT: speech models over `POST /v1/ai/speech/bytes` (JSON in, audio bytes out).
//!
//! ```no_run
//! # async fn example() -> specai::Result<()> {
//! use specai::lmnt::{LmntSettings, create_lmnt};
//!
//! let lmnt = create_lmnt(LmntSettings::default()); // key from LMNT_API_KEY
//! let speech = specai::generate_speech(lmnt.speech("blizzard")).text("Hello!").voice("leah").await?;
//! println!("{} bytes of {}", speech.audio.len(), speech.media_type);
//! # Ok(()) }
//! ```
//!
//! The base URL, key variable, `x-api-key` header, operation path and error paths come from
//! `specs/lmnt/provider.toml`; the request body is the type generated from `specs/lmnt/openapi.json`
//! (written from LMNT's documented wire format). LMNT-only settings are [`LmntSpeechOptions`]
//! under `provider_options["lmnt"]`.

mod lmnt_options;
mod lmnt_speech_model;
#[cfg(test)]
mod tests;

/// The wire types, generated from specs/lmnt/openapi.json.
use specai_generated::lmnt::types as wire;

use specai_generated::mappings::LMNT;

pub use lmnt_options::LmntSpeechOptions;
pub use lmnt_speech_model::{DEFAULT_VOICE, LmntSpeechModel};

use crate::error::Error;
use crate::provider::{Provider, SpeechModel};
use crate::provider_utils::{connection_for_call, mapped_provider, provider_models};

/// The key of this provider's options in `provider_options`.
const PROVIDER_ID: &str = "lmnt";

mapped_provider! {
    /// How to reach LMNT, built with `with_*` methods; every setting is optional, and the
    /// defaults come from `specs/lmnt/provider.toml` (the key from `LMNT_API_KEY`, sent
    /// as `x-api-key`).
    ///
    /// ```
    /// use specai::lmnt::{LmntSettings, create_lmnt};
    ///
    /// let provider = create_lmnt(LmntSettings::default().with_api_key("..."));
    /// let model = provider.speech("blizzard");
    /// ```
    pub struct LmntSettings;

    /// The LMNT provider: hands out speech models.
    pub struct LmntProvider;

    /// An LMNT provider with these settings. Invalid settings are reported by every call of
    /// its models.
    ///
    /// ```
    /// use specai::lmnt::{LmntSettings, create_lmnt};
    /// use specai::provider::SpeechModel;
    ///
    /// let provider = create_lmnt(LmntSettings::default().with_api_key("my-key").with_base_url("http://127.0.0.1:8080"));
    /// let model = provider.speech("blizzard");
    /// assert_eq!(model.model_id(), "blizzard");
    /// ```
    pub fn create_lmnt(LMNT);
}

/// A provider with default settings (the key from the environment).
///
/// ```no_run
/// # async fn example() -> specai::Result<()> {
/// use specai::lmnt::lmnt;
///
/// // The key from LMNT_API_KEY.
/// let speech = specai::generate_speech(lmnt().speech("blizzard")).text("Hello!").voice("leah").await?;
/// # Ok(()) }
/// ```
pub fn lmnt() -> LmntProvider {
    create_lmnt(LmntSettings::default())
}

provider_models! {
    impl Provider for LmntProvider {
        /// The speech model of this id, e.g. `blizzard`.
        pub fn speech -> LmntSpeechModel as speech_model: SpeechModel;
    }
    /// LMNT has no language models: always [`Error::NoSuchModel`].
    fn language_model -> Err(Error::NoSuchModel);
}
