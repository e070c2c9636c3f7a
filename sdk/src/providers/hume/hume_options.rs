//! Typed provider options for Hume, read from `provider_options["hume"]`.
//!
//! Misspelt keys are rejected (`deny_unknown_fields`), so a typo is an
//! [`Error::InvalidArgument`](crate::Error::InvalidArgument) rather than a silent no-op. Names are
//! lowerCamelCase, as in `@ai-sdk/hume`.

use serde::{Deserialize, Serialize};

use crate::provider_utils::optional_fields;

optional_fields! {
    /// Options of a Hume (Octave) speech call.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    #[non_exhaustive]
    pub struct HumeSpeechOptions {
        /// What the speech continues from: a previous generation, or utterances said before.
        pub context: Option<HumeContext>,
        /// Where the call's voice comes from: `HUME_AI` (the voice library, the default) or
        /// `CUSTOM_VOICE` (your own voices).
        pub voice_provider: Option<String>,
        /// Seconds of silence after the utterance.
        pub trailing_silence: Option<f64>,
        /// Lower latency for a given voice (no voice design from the description alone).
        pub instant_mode: Option<bool>,
        /// The Octave version (`1` or `2`), over the one the model id names.
        pub version: Option<String>,
    }
}

/// What a Hume speech call continues from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum HumeContext {
    /// A previous generation, by id.
    Generation {
        /// The generation's id.
        #[serde(rename = "generationId")]
        generation_id: String,
    },
    /// Utterances said before this one, as `{text, description?, voice?}` objects in Hume's form.
    Utterances {
        /// The utterances.
        utterances: Vec<serde_json::Value>,
    },
}
