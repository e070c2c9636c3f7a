//! Luma (Dream Machine): image models through generations.
//!
//! ```no_run
//! # async fn example() -> specai::Result<()> {
//! use specai::luma::{LumaSettings, create_luma};
//!
//! let luma = create_luma(LumaSettings::default()); // key from LUMA_API_KEY
//! let image = specai::generate_image(luma.image("photon-1")).prompt("A lighthouse at dawn").aspect_ratio("16:9").await?;
//! # Ok(()) }
//! ```
//!
//! Why this shape: a Luma generation is started (`POST /dream-machine/v1/generations/image`) and
//! then runs on its own; it is polled through the shared [`Job`](crate::provider_utils::Job)
//! poller with the provider's [`PollSettings`] until `completed` (its image URL downloaded with
//! the provider's client and a size cap) or `failed` (a failed job with Luma's
//! `failure_reason`). Luma has no cancel request (its `DELETE` removes a generation's record),
//! so an abandoned generation runs to its end. The base URL, key variable, bearer auth, paths and
//! error paths come from `specs/luma/provider.toml`; the wire types are generated from
//! `specs/luma/openapi.json` (written from Luma's documented API).

mod luma_image_model;
mod luma_options;
#[cfg(test)]
mod tests;

/// The wire types, generated from specs/luma/openapi.json.
use specai_generated::luma::types as wire;

use specai_generated::mappings::LUMA;

pub use luma_image_model::LumaImageModel;
pub use luma_options::{LumaImageOptions, LumaReference};

use crate::error::Error;
use crate::provider::{ImageModel, Provider};
use crate::provider_utils::{PollSettings, SharedConnection, mapped_provider, provider_models};

/// The provider id models report (with `.image`) and read their options under.
const PROVIDER_ID: &str = "luma";

mapped_provider! {
    /// How to reach Luma, built with `with_*` methods; every setting is optional, and the defaults
    /// come from `specs/luma/provider.toml` (the key from `LUMA_API_KEY`, sent as a bearer token;
    /// `https://api.lumalabs.ai`).
    ///
    /// ```
    /// use std::time::Duration;
    /// use specai::luma::{LumaSettings, create_luma};
    /// use specai::provider_utils::PollSettings;
    ///
    /// let settings = LumaSettings::default()
    ///     .with_api_key("luma-...")
    ///     .with_poll_settings(PollSettings::default().with_total_timeout(Duration::from_secs(180)));
    /// let model = create_luma(settings).image("photon-flash-1");
    /// ```
    pub struct LumaSettings {
        /// Sets how generations are polled (default: [`PollSettings::default`]).
        poll: PollSettings,
    }

    /// The Luma provider: hands out image models.
    pub struct LumaProvider;

    /// A Luma provider with these settings. Invalid settings are reported by every call of its models.
    pub fn create_luma(LUMA);
}

/// The image model of this id from a default provider (settings from the environment).
///
/// ```no_run
/// # async fn example() -> specai::Result<()> {
/// let image = specai::generate_image(specai::luma::luma("photon-1")).prompt("A red kite").await?;
/// # Ok(()) }
/// ```
pub fn luma(model_id: &str) -> LumaImageModel {
    create_luma(LumaSettings::default()).image(model_id)
}

provider_models! {
    impl Provider for LumaProvider with poll {
        /// The image model of this id, e.g. `photon-1` or `photon-flash-1`.
        pub fn image -> LumaImageModel as image_model: ImageModel;
    }
    /// Luma has no language models: [`Error::NoSuchModel`].
    fn language_model -> Err(Error::NoSuchModel);
}
