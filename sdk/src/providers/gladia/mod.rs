//! Gladia: transcription models over its pre-recorded API (upload the audio, submit a job,
//! poll it until it is done).
//!
//! ```no_run
//! # async fn example() -> specai::Result<()> {
//! use specai::gladia::gladia;
//!
//! let transcript = specai::transcribe(gladia("solaria-1")).audio_url("https://example.com/talk.mp3").await?;
//! println!("{} ({:?} s)", transcript.text, transcript.duration_in_seconds);
//! # Ok(()) }
//! ```
//!
//! Why a provider of its own: the protocol is three requests and a wait, which the mapping keys
//! cannot say. The base URL, key variable, `x-gladia-key` header, the
//! upload, submit, status and cancel paths and the error paths come from
//! `specs/gladia/provider.toml`; the bodies are the types generated from
//! `specs/gladia/openapi.json` (written from Gladia's documented wire format; Gladia serves
//! its REST spec only live).
//! Waiting is the shared [`Job`](crate::provider_utils::Job) poller: a job abandoned while queued
//! or processing is deleted at Gladia. Audio given by URL is passed to Gladia,
//! which fetches it; bytes are uploaded first. Gladia-only settings are
//! [`GladiaOptions`] under `provider_options["gladia"]`.

mod gladia_options;
mod gladia_transcription_model;

/// The wire types, generated from specs/gladia/openapi.json.
use specai_generated::gladia::types as wire;

use specai_generated::mappings::GLADIA;

pub use gladia_options::{GladiaDiarizationOptions, GladiaOptions};
pub use gladia_transcription_model::GladiaTranscriptionModel;

use crate::error::Error;
use crate::provider::{Provider, TranscriptionModel};
use crate::provider_utils::{PollSettings, SharedConnection, mapped_provider, provider_models};

/// The provider id models report.
const PROVIDER_ID: &str = "gladia";

mapped_provider! {
    /// How to reach Gladia, built with `with_*` methods; every setting is optional, and the
    /// defaults come from `specs/gladia/provider.toml` (the key from `GLADIA_API_KEY`).
    ///
    /// ```
    /// use std::time::Duration;
    /// use specai::gladia::{GladiaSettings, create_gladia};
    /// use specai::provider_utils::PollSettings;
    ///
    /// let settings = GladiaSettings::default()
    ///     .with_api_key("...")
    ///     .with_poll_settings(PollSettings::default().with_total_timeout(Duration::from_secs(120)));
    /// let model = create_gladia(settings).transcription("solaria-1");
    /// ```
    pub struct GladiaSettings {
        /// Sets how jobs are polled (default: [`PollSettings::default`], 10 minutes in all).
        poll: PollSettings,
    }

    /// The Gladia provider: hands out transcription models.
    pub struct GladiaProvider;

    /// A Gladia provider with these settings. Invalid settings are reported by every call of
    /// its models.
    ///
    /// ```no_run
    /// # async fn example() -> Result<(), Box<dyn std::error::Error>> {
    /// use specai::gladia::{GladiaSettings, create_gladia};
    ///
    /// let provider = create_gladia(GladiaSettings::default().with_api_key("..."));
    /// let transcript = specai::transcribe(provider.transcription("solaria-1")).audio(std::fs::read("talk.wav")?).await?;
    /// println!("{}", transcript.text);
    /// # Ok(()) }
    /// ```
    pub fn create_gladia(GLADIA);
}

/// The transcription model of this id from a default provider (settings from the environment).
///
/// ```no_run
/// # async fn example() -> specai::Result<()> {
/// use specai::gladia::gladia;
///
/// // The key from GLADIA_API_KEY.
/// let transcript = specai::transcribe(gladia("solaria-1")).audio_url("https://example.com/hello.wav").await?;
/// println!("{}", transcript.text);
/// # Ok(()) }
/// ```
pub fn gladia(model_id: &str) -> GladiaTranscriptionModel {
    create_gladia(GladiaSettings::default()).transcription(model_id)
}

provider_models! {
    impl Provider for GladiaProvider with poll {
        /// The transcription model of this id (Gladia has one pre-recorded model; the id is reported, not sent: `solaria-1`).
        pub fn transcription -> GladiaTranscriptionModel as transcription_model: TranscriptionModel;
    }
    /// Gladia has no language models: always [`Error::NoSuchModel`].
    fn language_model -> Err(Error::NoSuchModel);
}

#[cfg(test)]
mod tests;
