//! Typed provider options for LMNT, read from `provider_options["lmnt"]`.
//!
//! Misspelt keys are rejected (`deny_unknown_fields`), so a typo is an
//! [`Error::InvalidArgument`](crate::Error::InvalidArgument) rather than a silent no-op. Names are
//! lowerCamelCase, as in `@ai-sdk/lmnt`.

use serde::{Deserialize, Serialize};

use crate::provider_utils::optional_fields;

optional_fields! {
    /// Options of an LMNT speech call.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    #[non_exhaustive]
    pub struct LmntSpeechOptions {
        /// The sample rate in Hz: 8000, 16000 or 24000 (the default).
        pub sample_rate: Option<u32>,
        /// A seed for repeatable output.
        pub seed: Option<i64>,
        /// A conversational rather than a reading style (aurora).
        pub conversational: Option<bool>,
        /// The audio's length in seconds, at most 300 (aurora).
        pub length: Option<f64>,
        /// Speech stability, 0 to 1 (blizzard).
        pub top_p: Option<f64>,
        /// Expressiveness, at least 0 (blizzard).
        pub temperature: Option<f64>,
        /// The exact `format` (`aac`, `mp3`, `mulaw`, `raw`, `wav`), over the call's output format.
        pub format: Option<String>,
    }
}
