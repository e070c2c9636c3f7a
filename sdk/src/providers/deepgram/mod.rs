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

use std::sync::Arc;

use specai_generated::mappings::{DEEPGRAM, ProviderMapping};

pub use deepgram_options::{DeepgramSpeechOptions, DeepgramTranscriptionOptions};
pub use deepgram_speech_model::DeepgramSpeechModel;
pub use deepgram_transcription_model::DeepgramTranscriptionModel;

use crate::error::Result;
use crate::provider::{Provider, SpeechModel, TranscriptionModel};
use crate::provider_utils::{ConnectionSettings, MappedConnection, connection_setters};

/// The key of this provider's options in `provider_options`.
const PROVIDER_ID: &str = "deepgram";

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
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct DeepgramSettings {
    connection: ConnectionSettings,
}

impl DeepgramSettings {
    connection_setters!();
}

/// The connection every model of one provider shares, or the error building it gave.
type SharedConnection = Result<Arc<MappedConnection>>;

fn connection_for_call(connection: &SharedConnection) -> Result<&MappedConnection> {
    connection.as_deref().map_err(Clone::clone)
}

/// The Deepgram provider: hands out speech and transcription models.
#[derive(Debug, Clone)]
pub struct DeepgramProvider {
    connection: SharedConnection,
}

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
pub fn create_deepgram(settings: DeepgramSettings) -> DeepgramProvider {
    create_deepgram_from_mapping(DEEPGRAM, settings)
}

/// A provider following `mapping` (a modified copy of the Deepgram mapping, in tests).
pub(crate) fn create_deepgram_from_mapping(mapping: ProviderMapping, settings: DeepgramSettings) -> DeepgramProvider {
    DeepgramProvider { connection: MappedConnection::new(mapping, settings.connection, None).map(Arc::new) }
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

impl DeepgramProvider {
    /// The speech model of this id, e.g. `aura-2-helena-en` (Aura models name their voice).
    pub fn speech(&self, model_id: &str) -> DeepgramSpeechModel {
        DeepgramSpeechModel::new(model_id, self.connection.clone())
    }

    /// The transcription model of this id, e.g. `nova-3`.
    pub fn transcription(&self, model_id: &str) -> DeepgramTranscriptionModel {
        DeepgramTranscriptionModel::new(model_id, self.connection.clone())
    }
}

impl Provider for DeepgramProvider {
    /// Deepgram has no language models: always [`Error::NoSuchModel`](crate::Error::NoSuchModel).
    fn language_model(&self, model_id: &str) -> Result<Arc<dyn crate::provider::LanguageModel>> {
        Err(crate::Error::NoSuchModel { model_id: model_id.to_owned(), model_type: crate::error::ModelType::Language })
    }

    fn speech_model(&self, model_id: &str) -> Result<Arc<dyn SpeechModel>> {
        Ok(Arc::new(self.speech(model_id)))
    }

    fn transcription_model(&self, model_id: &str) -> Result<Arc<dyn TranscriptionModel>> {
        Ok(Arc::new(self.transcription(model_id)))
    }
}
