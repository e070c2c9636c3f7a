//! Rev.ai: transcription models over its asynchronous API (submit a job with the audio or its
//! URL, poll it until it is transcribed, fetch the transcript).
//!
//! ```no_run
//! # async fn example() -> specai::Result<()> {
//! use specai::revai::revai;
//!
//! let transcript = specai::transcribe(revai("machine")).audio_url("https://example.com/talk.mp3").await?;
//! println!("{} ({:?} s)", transcript.text, transcript.duration_in_seconds);
//! # Ok(()) }
//! ```
//!
//! Why a provider of its own: the protocol is three requests and a wait, which the mapping keys
//! cannot say. The base URL, key variable, bearer auth, the
//! submit, status and transcript paths and the error paths come from
//! `specs/revai/provider.toml`; the bodies are the types generated from
//! `specs/revai/openapi.json` (written from Rev.ai's documented wire format; Rev.ai publishes
//! no machine-readable spec).
//! Waiting is the shared [`Job`](crate::provider_utils::Job) poller: Rev.ai has no cancel request (it deletes
//! finished jobs only), so an abandoned job runs to its end there. Audio given by URL is passed
//! to Rev.ai (`source_config.url`), which fetches it; bytes go in the submit request. Rev.ai-only settings are
//! [`RevaiOptions`] under `provider_options["revai"]`.

mod revai_options;
mod revai_transcription_model;

/// The wire types, generated from specs/revai/openapi.json.
use specai_generated::revai::types as wire;

use specai_generated::mappings::REVAI;

pub use revai_options::RevaiOptions;
pub use revai_transcription_model::RevaiTranscriptionModel;

use crate::error::Error;
use crate::provider::{Provider, TranscriptionModel};
use crate::provider_utils::{PollSettings, SharedConnection, mapped_provider, provider_models};

/// The provider id models report.
const PROVIDER_ID: &str = "revai";

mapped_provider! {
    /// How to reach Rev.ai, built with `with_*` methods; every setting is optional, and the
    /// defaults come from `specs/revai/provider.toml` (the key from `REVAI_API_KEY`).
    ///
    /// ```
    /// use std::time::Duration;
    /// use specai::revai::{RevaiSettings, create_revai};
    /// use specai::provider_utils::PollSettings;
    ///
    /// let settings = RevaiSettings::default()
    ///     .with_api_key("...")
    ///     .with_poll_settings(PollSettings::default().with_total_timeout(Duration::from_secs(120)));
    /// let model = create_revai(settings).transcription("machine");
    /// ```
    pub struct RevaiSettings {
        /// Sets how jobs are polled (default: [`PollSettings::default`], 10 minutes in all).
        poll: PollSettings,
    }

    /// The Rev.ai provider: hands out transcription models.
    pub struct RevaiProvider;

    /// A Rev.ai provider with these settings. Invalid settings are reported by every call of
    /// its models.
    ///
    /// ```no_run
    /// # async fn example() -> Result<(), Box<dyn std::error::Error>> {
    /// use specai::revai::{RevaiSettings, create_revai};
    ///
    /// let provider = create_revai(RevaiSettings::default().with_api_key("..."));
    /// let transcript = specai::transcribe(provider.transcription("machine")).audio(std::fs::read("talk.wav")?).await?;
    /// println!("{}", transcript.text);
    /// # Ok(()) }
    /// ```
    pub fn create_revai(REVAI);
}

/// The transcription model of this id from a default provider (settings from the environment).
///
/// ```no_run
/// # async fn example() -> specai::Result<()> {
/// use specai::revai::revai;
///
/// // The key from REVAI_API_KEY.
/// let transcript = specai::transcribe(revai("machine")).audio_url("https://example.com/hello.wav").await?;
/// println!("{}", transcript.text);
/// # Ok(()) }
/// ```
pub fn revai(model_id: &str) -> RevaiTranscriptionModel {
    create_revai(RevaiSettings::default()).transcription(model_id)
}

provider_models! {
    impl Provider for RevaiProvider with poll {
        /// The transcription model of this id (Rev.ai's transcriber: `machine`, `low_cost` or `fusion`).
        pub fn transcription -> RevaiTranscriptionModel as transcription_model: TranscriptionModel;
    }
    /// Rev.ai has no language models: always [`Error::NoSuchModel`].
    fn language_model -> Err(Error::NoSuchModel);
}

#[cfg(test)]
mod tests;
