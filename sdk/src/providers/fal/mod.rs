//! FAL (fal.ai): image, speech and transcription models, every one through FAL's queue.
//!
//! ```no_run
//! # async fn example() -> specai::Result<()> {
//! use specai::fal::{FalSettings, create_fal};
//!
//! let fal = create_fal(FalSettings::default()); // key from FAL_API_KEY, else FAL_KEY
//! let image = specai::generate_image(fal.image("fal-ai/flux/dev")).prompt("A lighthouse at dawn").await?;
//! let speech = specai::generate_speech(fal.speech("fal-ai/kokoro/american-english")).text("Hello").await?;
//! let transcript = specai::transcribe(fal.transcription("fal-ai/wizper")).audio_url("https://example.com/a.mp3").await?;
//! # Ok(()) }
//! ```
//!
//! Why the queue for everything: FAL's models can wait minutes for a runner, longer than a
//! held-open HTTP request should. A request is submitted (`POST /{model}`), its status polled
//! through the shared [`Job`](crate::provider_utils::Job) poller with the provider's
//! [`PollSettings`], its result read when `COMPLETED`, and the request cancelled when the caller
//! gives up. Images and audio come back as URLs on FAL's CDN, downloaded with the provider's own
//! HTTP client and a size cap; audio to transcribe is sent as a URL (FAL fetches it) or, as
//! bytes, in a `data:` URL. The base URL, key variables, `Key` auth, queue paths, error paths and
//! per-model renames come from `specs/fal/provider.toml`; the wire types are generated from
//! `specs/fal/openapi.json` (written from FAL's documented queue API and model schemas).

mod fal_image_model;
mod fal_options;
mod fal_queue;
mod fal_speech_model;
mod fal_transcription_model;
#[cfg(test)]
mod tests;

/// The wire types, generated from specs/fal/openapi.json.
use specai_generated::fal::types as wire;

use std::sync::Arc;

use specai_generated::mappings::FAL;

pub use fal_image_model::FalImageModel;
pub use fal_options::{FalImageOptions, FalSpeechOptions, FalTranscriptionOptions};
pub use fal_speech_model::FalSpeechModel;
pub use fal_transcription_model::FalTranscriptionModel;

use crate::error::{Error, Result};
use crate::provider::{ImageModel, Provider, SpeechModel, TranscriptionModel};
use crate::provider_utils::{MappedConnection, PollSettings, SharedConnection, mapped_provider, provider_models};

/// The provider id models report (with `.image`, `.speech`, `.transcription`) and read their
/// options under.
const PROVIDER_ID: &str = "fal";

mapped_provider! {
    /// How to reach FAL, built with `with_*` methods; every setting is optional, and the defaults
    /// come from `specs/fal/provider.toml` (the key from `FAL_API_KEY` or `FAL_KEY`, sent as
    /// `Authorization: Key <key>`; the queue at `https://queue.fal.run`).
    ///
    /// ```
    /// use std::time::Duration;
    /// use specai::fal::{FalSettings, create_fal};
    /// use specai::provider_utils::PollSettings;
    ///
    /// let settings = FalSettings::default()
    ///     .with_api_key("...")
    ///     .with_poll_settings(PollSettings::default().with_total_timeout(Duration::from_secs(120)));
    /// let model = create_fal(settings).image("fal-ai/flux/schnell");
    /// ```
    pub struct FalSettings {
        /// Sets how queued requests are polled (default: [`PollSettings::default`]).
        poll: PollSettings,
    }

    /// The FAL provider: hands out image, speech and transcription models.
    pub struct FalProvider;

    /// A FAL provider with these settings. Invalid settings are reported by every call of its models.
    pub fn create_fal(FAL);
}

/// The connection, or the error its construction gave (reported by every call).
fn connection_for_call(connection: &SharedConnection) -> Result<&Arc<MappedConnection>> {
    connection.as_ref().map_err(Clone::clone)
}

/// The image model of this id from a default provider (settings from the environment).
///
/// ```no_run
/// # async fn example() -> specai::Result<()> {
/// let image = specai::generate_image(specai::fal::fal("fal-ai/flux/schnell")).prompt("A red kite").await?;
/// # Ok(()) }
/// ```
pub fn fal(model_id: &str) -> FalImageModel {
    create_fal(FalSettings::default()).image(model_id)
}

provider_models! {
    impl Provider for FalProvider with poll {
        /// The image model of this id, e.g. `fal-ai/flux/dev`.
        pub fn image -> FalImageModel as image_model: ImageModel;
        /// The speech model of this id, e.g. `fal-ai/kokoro/american-english` or `fal-ai/dia-tts`.
        pub fn speech -> FalSpeechModel as speech_model: SpeechModel;
        /// The transcription model of this id, e.g. `fal-ai/whisper` or `fal-ai/wizper`.
        pub fn transcription -> FalTranscriptionModel as transcription_model: TranscriptionModel;
    }
    /// FAL has no language models: [`Error::NoSuchModel`].
    fn language_model -> Err(Error::NoSuchModel);
}
