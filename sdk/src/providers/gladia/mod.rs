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

use std::sync::Arc;

use specai_generated::mappings::{GLADIA, ProviderMapping};

pub use gladia_options::{GladiaDiarizationOptions, GladiaOptions};
pub use gladia_transcription_model::GladiaTranscriptionModel;

use crate::error::{Error, ModelType, Result};
use crate::provider::{LanguageModel, Provider, TranscriptionModel};
use crate::provider_utils::{ConnectionSettings, MappedConnection, PollSettings, connection_setters};

/// The provider id models report.
const PROVIDER_ID: &str = "gladia";

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
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct GladiaSettings {
    connection: ConnectionSettings,
    poll_settings: PollSettings,
}

impl GladiaSettings {
    connection_setters!();

    /// Sets how jobs are polled (default: [`PollSettings::default`], 10 minutes in all).
    pub fn with_poll_settings(mut self, poll_settings: PollSettings) -> Self {
        self.poll_settings = poll_settings;
        self
    }
}

/// The connection every model of one provider shares, or the error building it gave.
type SharedConnection = Result<Arc<MappedConnection>>;

/// The Gladia provider: hands out transcription models.
#[derive(Debug, Clone)]
pub struct GladiaProvider {
    connection: SharedConnection,
    poll_settings: PollSettings,
}

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
pub fn create_gladia(settings: GladiaSettings) -> GladiaProvider {
    create_gladia_from_mapping(GLADIA, settings)
}

/// A provider following `mapping` (a modified copy of the Gladia mapping, in tests).
pub(crate) fn create_gladia_from_mapping(mapping: ProviderMapping, settings: GladiaSettings) -> GladiaProvider {
    GladiaProvider {
        connection: MappedConnection::new(mapping, settings.connection, None).map(Arc::new),
        poll_settings: settings.poll_settings,
    }
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

impl GladiaProvider {
    /// The transcription model of this id (Gladia has one pre-recorded model; the id is reported, not sent: `solaria-1`).
    pub fn transcription(&self, model_id: &str) -> GladiaTranscriptionModel {
        GladiaTranscriptionModel::new(model_id, self.connection.clone(), self.poll_settings)
    }
}

impl Provider for GladiaProvider {
    /// Gladia has no language models: always [`Error::NoSuchModel`].
    fn language_model(&self, model_id: &str) -> Result<Arc<dyn LanguageModel>> {
        Err(Error::NoSuchModel { model_id: model_id.to_owned(), model_type: ModelType::Language })
    }

    fn transcription_model(&self, model_id: &str) -> Result<Arc<dyn TranscriptionModel>> {
        Ok(Arc::new(self.transcription(model_id)))
    }
}

#[cfg(test)]
mod tests;
