//! Replicate: image models through predictions.
//!
//! ```no_run
//! # async fn example() -> specai::Result<()> {
//! use specai::replicate::{ReplicateSettings, create_replicate};
//!
//! let replicate = create_replicate(ReplicateSettings::default()); // key from REPLICATE_API_TOKEN
//! let image = specai::generate_image(replicate.image("black-forest-labs/flux-schnell")).prompt("A red kite").await?;
//! # Ok(()) }
//! ```
//!
//! Why this shape: Replicate can hold the create request open until the prediction finishes
//! (`Prefer: wait`, up to 60 s), which answers most image models in one round trip; a prediction
//! still running then is polled through the shared [`Job`](crate::provider_utils::Job) poller
//! with the provider's [`PollSettings`] and cancelled when the caller gives up. `owner/name`
//! runs the model's latest version (`POST /v1/models/{owner}/{name}/predictions`);
//! `owner/name:version` that version (`POST /v1/predictions` with `version`). Output files are
//! downloaded with the provider's own client and a size cap, without the key. The base URL,
//! key variable, bearer auth, the `prefer` header, paths and error paths come from
//! `specs/replicate/provider.toml`; the wire types are generated from `specs/replicate/openapi.json`
//! (written from Replicate's documented HTTP API).

mod replicate_image_model;
mod replicate_options;
mod replicate_prediction;
#[cfg(test)]
mod tests;

/// The wire types, generated from specs/replicate/openapi.json.
use specai_generated::replicate::types as wire;

use specai_generated::mappings::REPLICATE;

pub use replicate_image_model::ReplicateImageModel;
pub use replicate_options::ReplicateImageOptions;

use crate::error::Error;
use crate::provider::{ImageModel, Provider};
use crate::provider_utils::{PollSettings, SharedConnection, mapped_provider, provider_models};

/// The provider id models report (with `.image`) and read their options under.
const PROVIDER_ID: &str = "replicate";

mapped_provider! {
    /// How to reach Replicate, built with `with_*` methods; every setting is optional, and the
    /// defaults come from `specs/replicate/provider.toml` (the key from `REPLICATE_API_TOKEN`, sent
    /// as a bearer token; `https://api.replicate.com`).
    ///
    /// ```
    /// use std::time::Duration;
    /// use specai::provider_utils::PollSettings;
    /// use specai::replicate::{ReplicateSettings, create_replicate};
    ///
    /// let settings = ReplicateSettings::default()
    ///     .with_api_key("r8_...")
    ///     .with_poll_settings(PollSettings::default().with_total_timeout(Duration::from_secs(300)));
    /// let model = create_replicate(settings).image("black-forest-labs/flux-schnell");
    /// ```
    pub struct ReplicateSettings {
        /// Sets how predictions still running after the create request are polled (default:
        /// [`PollSettings::default`]).
        poll: PollSettings,
    }

    /// The Replicate provider: hands out image models.
    pub struct ReplicateProvider;

    /// A Replicate provider with these settings. Invalid settings are reported by every call of its
    /// models.
    pub fn create_replicate(REPLICATE);
}

/// The image model of this id from a default provider (settings from the environment).
///
/// ```no_run
/// # async fn example() -> specai::Result<()> {
/// let image = specai::generate_image(specai::replicate::replicate("black-forest-labs/flux-schnell")).prompt("A red kite").await?;
/// # Ok(()) }
/// ```
pub fn replicate(model_id: &str) -> ReplicateImageModel {
    create_replicate(ReplicateSettings::default()).image(model_id)
}

provider_models! {
    impl Provider for ReplicateProvider with poll {
        /// The image model of this id: `owner/name` (latest version) or `owner/name:version`.
        pub fn image -> ReplicateImageModel as image_model: ImageModel;
    }
    /// Replicate's language models are not offered here: [`Error::NoSuchModel`].
    fn language_model -> Err(Error::NoSuchModel);
}
