//! Typed provider options for Replicate, read from `provider_options["replicate"]`.
//!
//! Misspelt keys are rejected (`deny_unknown_fields`), so a typo is an
//! [`Error::InvalidArgument`](crate::Error::InvalidArgument) rather than a silent no-op. Names are
//! lowerCamelCase, as in `@ai-sdk/replicate`. Every Replicate model has inputs of its own: the
//! common ones are typed here, and any other goes in `input`, sent as given.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::provider_utils::with_poll_overrides;

with_poll_overrides! {
    /// Options of a Replicate image call.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    #[non_exhaustive]
    pub struct ReplicateImageOptions {
        /// How long the create request waits for the prediction (`Prefer: wait=<seconds>`, 1 to 60);
        /// the mapping's `Prefer: wait` otherwise.
        pub max_wait_time_in_seconds: Option<u32>,
        /// `webp`, `jpg` or `png` (`output_format`).
        pub output_format: Option<String>,
        /// 0 to 100 (`output_quality`).
        pub output_quality: Option<u32>,
        /// What the image should not show (`negative_prompt`).
        pub negative_prompt: Option<String>,
        /// Denoising steps (`num_inference_steps`).
        pub num_inference_steps: Option<u32>,
        /// How closely the image follows the prompt (`guidance`).
        pub guidance: Option<f64>,
        /// Further inputs of the model, sent as given (Replicate's names).
        #[serde(default, skip_serializing_if = "Map::is_empty")]
        pub input: Map<String, Value>,
    }
}
