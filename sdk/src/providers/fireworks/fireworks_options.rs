//! Typed provider options for Fireworks' image models, read from `provider_options["fireworks"]`.
//!
//! Misspelt keys are rejected (`deny_unknown_fields`), so a typo is an
//! [`Error::InvalidArgument`](crate::Error::InvalidArgument) rather than a silent no-op. The
//! request fields keep Fireworks' snake_case names, as `@ai-sdk/fireworks` does; the poll
//! settings are lowerCamelCase (`pollIntervalMillis`, `pollTimeoutMillis`), the names every job
//! vendor's options share. An option the model's endpoint does not take is a
//! [`Warning::Unsupported`](crate::provider::Warning::Unsupported), not sent.

use serde::{Deserialize, Serialize};

use crate::provider_utils::optional_fields;

optional_fields! {
    /// Options of a Fireworks image call.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[non_exhaustive]
    pub struct FireworksImageOptions {
        /// Classifier-free guidance scale (FLUX workflows).
        pub guidance_scale: Option<f64>,
        /// Denoising steps (FLUX workflows).
        pub num_inference_steps: Option<u32>,
        /// `jpeg` or `png`: the body's `output_format` for Kontext, the `Accept` header for the
        /// models answering bytes.
        pub output_format: Option<String>,
        /// Notified when a Kontext request ends.
        pub webhook_url: Option<String>,
        /// Signs the webhook's notification (Kontext).
        pub webhook_secret: Option<String>,
        /// Whether Fireworks rewrites the prompt for more creative output (Kontext).
        pub prompt_upsampling: Option<bool>,
        /// Moderation tolerance, 0 (strict) to 6 (permissive) (Kontext).
        pub safety_tolerance: Option<u8>,
        /// How strictly the image follows the prompt (SDXL-family `image_generation` models).
        pub cfg_scale: Option<f64>,
        /// Diffusion steps (SDXL-family `image_generation` models).
        pub steps: Option<u32>,
        /// What the image should not show (SDXL-family `image_generation` models).
        pub negative_prompt: Option<String>,
        /// The fixed wait between two polls of a Kontext request, in milliseconds (instead of the
        /// provider's [`PollSettings`](crate::provider_utils::PollSettings)).
        #[serde(rename = "pollIntervalMillis")]
        pub poll_interval_millis: Option<u64>,
        /// How long a Kontext request may take in all, in milliseconds (instead of the provider's).
        #[serde(rename = "pollTimeoutMillis")]
        pub poll_timeout_millis: Option<u64>,
    }
}
