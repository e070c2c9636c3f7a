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

use std::sync::Arc;

use specai_generated::mappings::{ASSEMBLYAI, ProviderMapping};

pub use assemblyai_options::{AssemblyAiOptions, AssemblyAiSpeakerOptions};
pub use assemblyai_transcription_model::AssemblyAiTranscriptionModel;

use crate::error::{Error, ModelType, Result};
use crate::provider::{LanguageModel, Provider, TranscriptionModel};
use crate::provider_utils::{ConnectionSettings, MappedConnection, PollSettings, connection_setters};

/// The provider id models report.
const PROVIDER_ID: &str = "assemblyai";

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
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct AssemblyAiSettings {
    connection: ConnectionSettings,
    poll_settings: PollSettings,
}

impl AssemblyAiSettings {
    connection_setters!();

    /// Sets how transcripts are polled (default: [`PollSettings::default`], 10 minutes in all).
    pub fn with_poll_settings(mut self, poll_settings: PollSettings) -> Self {
        self.poll_settings = poll_settings;
        self
    }
}

/// The connection every model of one provider shares, or the error building it gave.
type SharedConnection = Result<Arc<MappedConnection>>;

/// The AssemblyAI provider: hands out transcription models.
#[derive(Debug, Clone)]
pub struct AssemblyAiProvider {
    connection: SharedConnection,
    poll_settings: PollSettings,
}

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
pub fn create_assemblyai(settings: AssemblyAiSettings) -> AssemblyAiProvider {
    create_assemblyai_from_mapping(ASSEMBLYAI, settings)
}

/// A provider following `mapping` (a modified copy of the AssemblyAI mapping, in tests).
pub(crate) fn create_assemblyai_from_mapping(mapping: ProviderMapping, settings: AssemblyAiSettings) -> AssemblyAiProvider {
    AssemblyAiProvider {
        connection: MappedConnection::new(mapping, settings.connection, None).map(Arc::new),
        poll_settings: settings.poll_settings,
    }
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

impl AssemblyAiProvider {
    /// The transcription model of this id (a speech model: `universal`, `slam-1`...).
    pub fn transcription(&self, model_id: &str) -> AssemblyAiTranscriptionModel {
        AssemblyAiTranscriptionModel::new(model_id, self.connection.clone(), self.poll_settings)
    }
}

impl Provider for AssemblyAiProvider {
    /// AssemblyAI has no language models here: always [`Error::NoSuchModel`].
    fn language_model(&self, model_id: &str) -> Result<Arc<dyn LanguageModel>> {
        Err(Error::NoSuchModel { model_id: model_id.to_owned(), model_type: ModelType::Language })
    }

    fn transcription_model(&self, model_id: &str) -> Result<Arc<dyn TranscriptionModel>> {
        Ok(Arc::new(self.transcription(model_id)))
    }
}

#[cfg(test)]
mod tests;
