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

use std::sync::Arc;

use specai_generated::mappings::{LMNT, ProviderMapping};

pub use lmnt_options::LmntSpeechOptions;
pub use lmnt_speech_model::{DEFAULT_VOICE, LmntSpeechModel};

use crate::error::Result;
use crate::provider::{Provider, SpeechModel};
use crate::provider_utils::{ConnectionSettings, MappedConnection, connection_setters};

/// The key of this provider's options in `provider_options`.
const PROVIDER_ID: &str = "lmnt";

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
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct LmntSettings {
    connection: ConnectionSettings,
}

impl LmntSettings {
    connection_setters!();
}

/// The connection every model of one provider shares, or the error building it gave.
type SharedConnection = Result<Arc<MappedConnection>>;

fn connection_for_call(connection: &SharedConnection) -> Result<&MappedConnection> {
    connection.as_deref().map_err(Clone::clone)
}

/// The LMNT provider: hands out speech models.
#[derive(Debug, Clone)]
pub struct LmntProvider {
    connection: SharedConnection,
}

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
pub fn create_lmnt(settings: LmntSettings) -> LmntProvider {
    create_lmnt_from_mapping(LMNT, settings)
}

/// A provider following `mapping` (a modified copy of the LMNT mapping, in tests).
pub(crate) fn create_lmnt_from_mapping(mapping: ProviderMapping, settings: LmntSettings) -> LmntProvider {
    LmntProvider { connection: MappedConnection::new(mapping, settings.connection, None).map(Arc::new) }
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

impl LmntProvider {
    /// The speech model of this id, e.g. `blizzard`.
    pub fn speech(&self, model_id: &str) -> LmntSpeechModel {
        LmntSpeechModel::new(model_id, self.connection.clone())
    }
}

impl Provider for LmntProvider {
    /// LMNT has no language models: always [`Error::NoSuchModel`](crate::Error::NoSuchModel).
    fn language_model(&self, model_id: &str) -> Result<Arc<dyn crate::provider::LanguageModel>> {
        Err(crate::Error::NoSuchModel { model_id: model_id.to_owned(), model_type: crate::error::ModelType::Language })
    }

    fn speech_model(&self, model_id: &str) -> Result<Arc<dyn SpeechModel>> {
        Ok(Arc::new(self.speech(model_id)))
    }
}
