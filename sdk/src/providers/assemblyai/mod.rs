//! AssemblyAI: transcription models over its asynchronous API (upload the audio, submit a
//! transcript, poll it until it is completed).
//!
//! ```no_run
//! # async fn example() -> specai::Result<()> {
//! use specai::assemblyai::assemblyai;
//!
//! let transcript = specai::transcribe(assemblyai("universal")).audio_url("https://example.com/talk.mp3").await?;
//! println!("{} ({:?} s)", transcript.text, transcript.duration_in_seconds);
//! # Ok(()) }
//! ```
//!
//! Why a provider of its own: the protocol is three requests and a wait, which the mapping keys
//! cannot say. The base URL, key variable, `authorization` header (the key with no scheme), the
//! upload, submit, status and cancel paths and the error paths come from
//! `specs/assemblyai/provider.toml`; the bodies are the types generated from
//! `specs/assemblyai/openapi.json` (AssemblyAI's official spec, pruned by `cargo codegen import`).
//! Waiting is the shared [`Job`](crate::provider_utils::Job) poller: a transcript abandoned while
//! queued or processing is deleted at AssemblyAI. Audio given by URL is passed to AssemblyAI,
//! which fetches it; bytes are uploaded first. AssemblyAI-only settings are
//! [`AssemblyAiOptions`] under `provider_options["assemblyai"]`.

mod assemblyai_options;
mod assemblyai_transcription_model;

/// The wire types, generated from specs/assemblyai/openapi.json.
use specai_generated::assemblyai::types as wire;

use specai_generated::mappings::ASSEMBLYAI;

pub use assemblyai_options::{AssemblyAiOptions, AssemblyAiSpeakerOptions};
pub use assemblyai_transcription_model::AssemblyAiTranscriptionModel;

use crate::error::Error;
use crate::provider::{Provider, TranscriptionModel};
use crate::provider_utils::{PollSettings, SharedConnection, mapped_provider, provider_models};

/// The provider id models report.
const PROVIDER_ID: &str = "assemblyai";

mapped_provider! {
    /// How to reach AssemblyAI, built with `with_*` methods; every setting is optional, and the
    /// defaults come from `specs/assemblyai/provider.toml` (the key from `ASSEMBLYAI_API_KEY`).
    ///
    /// ```
    /// use std::time::Duration;
    /// use specai::assemblyai::{AssemblyAiSettings, create_assemblyai};
    /// use specai::provider_utils::PollSettings;
    ///
    /// let settings = AssemblyAiSettings::default()
    ///     .with_api_key("...")
    ///     .with_base_url("https://api.eu.assemblyai.com")
    ///     .with_poll_settings(PollSettings::default().with_total_timeout(Duration::from_secs(120)));
    /// let model = create_assemblyai(settings).transcription("universal");
    /// ```
    pub struct AssemblyAiSettings {
        /// Sets how transcripts are polled (default: [`PollSettings::default`], 10 minutes in all).
        poll: PollSettings,
    }

    /// The AssemblyAI provider: hands out transcription models.
    pub struct AssemblyAiProvider;

    /// An AssemblyAI provider with these settings. Invalid settings are reported by every call of
    /// its models.
    ///
    /// ```no_run
    /// # async fn example() -> Result<(), Box<dyn std::error::Error>> {
    /// use specai::assemblyai::{AssemblyAiSettings, create_assemblyai};
    ///
    /// let provider = create_assemblyai(AssemblyAiSettings::default().with_api_key("..."));
    /// let transcript = specai::transcribe(provider.transcription("universal")).audio(std::fs::read("talk.wav")?).await?;
    /// println!("{}", transcript.text);
    /// # Ok(()) }
    /// ```
    pub fn create_assemblyai(ASSEMBLYAI);
}

/// The transcription model of this id from a default provider (settings from the environment).
///
/// ```no_run
/// # async fn example() -> specai::Result<()> {
/// use specai::assemblyai::assemblyai;
///
/// // The key from ASSEMBLYAI_API_KEY.
/// let transcript = specai::transcribe(assemblyai("universal")).audio_url("https://example.com/hello.wav").await?;
/// println!("{}", transcript.text);
/// # Ok(()) }
/// ```
pub fn assemblyai(model_id: &str) -> AssemblyAiTranscriptionModel {
    create_assemblyai(AssemblyAiSettings::default()).transcription(model_id)
}

provider_models! {
    impl Provider for AssemblyAiProvider with poll {
        /// The transcription model of this id (a speech model: `universal`, `slam-1`...).
        pub fn transcription -> AssemblyAiTranscriptionModel as transcription_model: TranscriptionModel;
    }
    /// AssemblyAI has no language models here: always [`Error::NoSuchModel`].
    fn language_model -> Err(Error::NoSuchModel);
}

#[cfg(test)]
mod tests;
