//! Typed provider options for LMNT, read from `provider_options["lmnt"]`.
//!
//! Misspelt keys are rejected (`deny_unknown_fields`), so a typo is an
//! [`Error::InvalidArgument`](crate::Error::InvalidArgument) rather than a silent no-op. Names are
//! lowerCamelCase, as in `@ai-sdk/lmnt`.

use serde::{Deserialize, Serialize};

/// Options of an LMNT speech call.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct LmntSpeechOptions {
    /// The sample rate in Hz: 8000, 16000 or 24000 (the default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sample_rate: Option<u32>,
    /// A seed for repeatable output.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<i64>,
    /// A conversational rather than a reading style (aurora).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversational: Option<bool>,
    /// The audio's length in seconds, at most 300 (aurora).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub length: Option<f64>,
    /// Speech stability, 0 to 1 (blizzard).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub top_p: Option<f64>,
    /// Expressiveness, at least 0 (blizzard).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub temperature: Option<f64>,
    /// The exact `format` (`aac`, `mp3`, `mulaw`, `raw`, `wav`), over the call's output format.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
}
