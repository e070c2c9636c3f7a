//! Fireworks AI: chat, completion and embedding models on the OpenAI-compatible engine, and
//! Fireworks' own image models.
//!
//! ```no_run
//! # async fn example() -> specai::Result<()> {
//! use specai::fireworks::{FireworksSettings, create_fireworks};
//!
//! let fireworks = create_fireworks(FireworksSettings::default()); // key from FIREWORKS_API_KEY
//! let image = specai::generate_image(fireworks.image("accounts/fireworks/models/flux-1-dev-fp8")).prompt("A lighthouse").await?;
//! let text = specai::generate_text(fireworks.chat("accounts/fireworks/models/llama-v3p3-70b-instruct")).prompt("Hi").await?;
//! # Ok(()) }
//! ```
//!
//! Why an image model of its own: Fireworks' images are not the OpenAI images wire. The FLUX
//! workflows (`flux-1-dev-fp8`, `flux-1-schnell-fp8`) and the SDXL-family `image_generation`
//! models answer the image's bytes in one request; FLUX Kontext (`flux-kontext-pro`, `-max`)
//! queues a request and is polled at `get_result` through the shared
//! [`Job`](crate::provider_utils::Job) poller until `Ready`, its image then downloaded with the
//! provider's client and a size cap (without the key). Which endpoint a model uses follows the
//! model family, as `@ai-sdk/fireworks` decides it; the paths, base URL, key variable and error
//! paths come from `specs/fireworks/provider.toml`, the wire types from
//! `specs/fireworks/openapi.json`. The language models are the same ones the default registry's
//! `fireworks` mapping gives (`specai::openai_compatible`), so a Fireworks mapping needs no Rust
//! for them. The provider is part of features `openai-compatible` and `image` together; without
//! `image`, the registry's `fireworks` is the mapping's chat provider alone.

mod fireworks_image_model;
mod fireworks_options;
#[cfg(test)]
mod tests;

/// The wire types, generated from specs/fireworks/openapi.json.
use specai_generated::fireworks::types as wire;

use std::sync::Arc;
use std::time::Duration;

use specai_generated::mappings::{FIREWORKS, ProviderMapping};

pub use fireworks_image_model::FireworksImageModel;
pub use fireworks_options::FireworksImageOptions;

use crate::error::Result;
#[cfg(feature = "embedding")]
use crate::openai_compatible::OpenAiCompatibleEmbeddingModel;
use crate::openai_compatible::{
    OpenAiCompatibleChatLanguageModel, OpenAiCompatibleCompletionLanguageModel, OpenAiCompatibleProvider, OpenAiCompatibleSettings,
};
#[cfg(feature = "embedding")]
use crate::provider::EmbeddingModel;
use crate::provider::{ImageModel, LanguageModel, Provider};
use crate::provider_utils::{PollSettings, SharedConnection, provider_model_methods, provider_settings, shared_connection};

/// The provider id image models report (with `.image`) and read their options under.
const PROVIDER_ID: &str = "fireworks";

provider_settings! {
    /// How to reach Fireworks, built with `with_*` methods; every setting is optional, and the
    /// defaults come from `specs/fireworks/provider.toml` (the key from `FIREWORKS_API_KEY`, sent as
    /// a bearer token; `https://api.fireworks.ai/inference/v1`). Kontext requests are polled every
    /// 500 ms for up to 2 minutes (the AI SDK's defaults) unless
    /// [`with_poll_settings`](Self::with_poll_settings) says otherwise.
    ///
    /// ```
    /// use std::time::Duration;
    /// use specai::fireworks::{FireworksSettings, create_fireworks};
    /// use specai::provider_utils::PollSettings;
    ///
    /// let settings = FireworksSettings::default()
    ///     .with_api_key("fw_...")
    ///     .with_poll_settings(PollSettings::default().with_total_timeout(Duration::from_secs(300)));
    /// let model = create_fireworks(settings).image("accounts/fireworks/models/flux-kontext-pro");
    /// ```
    pub struct FireworksSettings {
        /// Sets how Kontext requests are polled (default: every 500 ms, 2 minutes in all).
        poll: PollSettings = PollSettings::default().with_intervals(KONTEXT_POLL_INTERVAL, KONTEXT_POLL_INTERVAL).with_total_timeout(Duration::from_secs(120)),
    }
}

/// The wait between two polls of a Kontext request by default.
const KONTEXT_POLL_INTERVAL: Duration = Duration::from_millis(500);

/// The Fireworks provider: language and embedding models (OpenAI-compatible) and image models.
///
/// Made by [`create_fireworks`]; [`fireworks`] is a default one's image model.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> specai::Result<()> {
/// use specai::fireworks::{FireworksSettings, create_fireworks};
/// use specai::provider_utils::test_server::{TestResponse, TestServer};
///
/// const JPEG: &[u8] = &[0xFF, 0xD8, 0xFF, 0xE0];
/// let server = TestServer::start([TestResponse::bytes(200, JPEG, "image/jpeg")]).await;
/// let fireworks = create_fireworks(FireworksSettings::default().with_api_key("fw-key").with_base_url(server.base_url()));
/// let result = specai::generate_image(fireworks.image("flux-1-dev-fp8")).prompt("A red kite").aspect_ratio("16:9").await?;
/// assert_eq!(result.image().unwrap().media_type, "image/jpeg");
/// let request = server.single_request();
/// assert_eq!(request.path, "/workflows/accounts/fireworks/models/flux-1-dev-fp8/text_to_image");
/// assert_eq!(request.json(), serde_json::json!({"prompt": "A red kite", "aspect_ratio": "16:9"}));
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct FireworksProvider {
    compatible: OpenAiCompatibleProvider,
    connection: SharedConnection,
    poll: PollSettings,
}

/// A Fireworks provider with these settings. Invalid settings are reported by every call of its models.
///
/// ```
/// use specai::fireworks::{FireworksSettings, create_fireworks};
/// use specai::provider::{ImageModel, LanguageModel};
///
/// let fireworks = create_fireworks(FireworksSettings::default().with_api_key("fw-key"));
/// let chat = fireworks.chat("accounts/fireworks/models/llama-v3p1-8b-instruct");
/// assert_eq!(chat.provider(), "fireworks.chat");
/// let image = fireworks.image("flux-1-schnell-fp8"); // short for accounts/fireworks/models/flux-1-schnell-fp8
/// assert_eq!(image.provider(), "fireworks.image");
/// ```
pub fn create_fireworks(settings: FireworksSettings) -> FireworksProvider {
    create_fireworks_from_mapping(FIREWORKS, settings)
}

/// A provider following `mapping` (a modified copy of the Fireworks mapping, in tests).
fn create_fireworks_from_mapping(mapping: ProviderMapping, settings: FireworksSettings) -> FireworksProvider {
    let mut compatible_settings = OpenAiCompatibleSettings::default();
    compatible_settings.connection = settings.connection.clone();
    FireworksProvider {
        compatible: crate::openai_compatible::from_mapping(&mapping, compatible_settings),
        connection: shared_connection(mapping, settings.connection),
        poll: settings.poll,
    }
}

/// The image model of this id from a default provider (settings from the environment).
///
/// ```no_run
/// # async fn example() -> specai::Result<()> {
/// let model = specai::fireworks::fireworks("accounts/fireworks/models/flux-1-schnell-fp8");
/// let image = specai::generate_image(model).prompt("A red kite").aspect_ratio("16:9").await?;
/// # Ok(()) }
/// ```
pub fn fireworks(model_id: &str) -> FireworksImageModel {
    create_fireworks(FireworksSettings::default()).image(model_id)
}

impl FireworksProvider {
    /// The image model of this id: `accounts/fireworks/models/<name>`, or `<name>` alone.
    pub fn image(&self, model_id: &str) -> FireworksImageModel {
        FireworksImageModel::new(model_id, self.connection.clone(), self.poll)
    }

    /// The chat language model of this id (OpenAI-compatible chat completions).
    pub fn chat(&self, model_id: &str) -> OpenAiCompatibleChatLanguageModel {
        self.compatible.chat(model_id)
    }

    /// The text-completion model of this id.
    pub fn completion(&self, model_id: &str) -> OpenAiCompatibleCompletionLanguageModel {
        self.compatible.completion(model_id)
    }

    /// The embedding model of this id.
    #[cfg(feature = "embedding")]
    pub fn embedding(&self, model_id: &str) -> OpenAiCompatibleEmbeddingModel {
        self.compatible.embedding(model_id)
    }
}

impl Provider for FireworksProvider {
    fn language_model(&self, model_id: &str) -> Result<Arc<dyn LanguageModel>> {
        Provider::language_model(&self.compatible, model_id)
    }

    #[cfg(feature = "embedding")]
    fn embedding_model(&self, model_id: &str) -> Result<Arc<dyn EmbeddingModel>> {
        Provider::embedding_model(&self.compatible, model_id)
    }

    provider_model_methods! {
        image_model: ImageModel = image;
    }
}
