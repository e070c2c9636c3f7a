//! Typed provider options for Rev.ai, read from `provider_options["revai"]`.
//!
//! Misspelt keys are rejected (`deny_unknown_fields`), so a typo is an
//! [`Error::InvalidArgument`](crate::Error::InvalidArgument) rather than a silent no-op. Names are
//! lowerCamelCase, as in `@ai-sdk/revai`; each is the snake_case job option of Rev.ai.

use serde::{Deserialize, Serialize};

use crate::provider_utils::with_poll_overrides;

with_poll_overrides! {
    /// Options of a Rev.ai transcription call.
    ///
    /// ```
    /// use specai::provider::ProviderOptions;
    ///
    /// let options = ProviderOptions::new().with("revai", serde_json::json!({"language": "en", "skipDiarization": true}));
    /// ```
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    #[non_exhaustive]
    pub struct RevaiOptions {
        /// The audio's language, ISO 639-1 (default `en`).
        pub language: Option<String>,
        /// Do not label speakers.
        pub skip_diarization: Option<bool>,
        /// Leave punctuation out.
        pub skip_punctuation: Option<bool>,
        /// Drop filler words ("um", "uh").
        pub remove_disfluencies: Option<bool>,
        /// Mask profanity.
        pub filter_profanity: Option<bool>,
        /// How many channels carry a speaker each.
        pub speaker_channels_count: Option<i64>,
        /// A custom vocabulary made beforehand.
        pub custom_vocabulary_id: Option<String>,
        /// Text Rev.ai keeps with the job.
        pub metadata: Option<String>,
        /// Seconds after which Rev.ai deletes the job and its data.
        pub delete_after_seconds: Option<i64>,
    }
}
