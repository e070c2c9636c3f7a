//! Typed provider options for Gladia, read from `provider_options["gladia"]`.
//!
//! Misspelt keys are rejected (`deny_unknown_fields`), so a typo is an
//! [`Error::InvalidArgument`](crate::Error::InvalidArgument) rather than a silent no-op. Names are
//! lowerCamelCase, as in `@ai-sdk/gladia`; each maps to a field of Gladia's
//! `POST /v2/pre-recorded` body.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::provider_utils::{optional_fields, with_poll_overrides};

with_poll_overrides! {
    /// Options of a Gladia transcription call.
    ///
    /// ```
    /// use specai::provider::ProviderOptions;
    ///
    /// let options = ProviderOptions::new().with("gladia", serde_json::json!({"languages": ["en", "fr"], "codeSwitching": true, "diarization": true}));
    /// ```
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    #[non_exhaustive]
    pub struct GladiaOptions {
        /// The languages expected, ISO 639-1 (`language_config.languages`); none: detected.
        pub languages: Option<Vec<String>>,
        /// Whether the language may change within the audio (`language_config.code_switching`).
        pub code_switching: Option<bool>,
        /// Label who speaks each utterance (speaker diarization).
        pub diarization: Option<bool>,
        /// How many speakers to expect (with `diarization`).
        pub diarization_config: Option<GladiaDiarizationOptions>,
        /// Words and phrases to recognise better (sets `custom_vocabulary`).
        pub custom_vocabulary: Option<Vec<String>>,
        /// Context for the model, in natural language.
        pub context_prompt: Option<String>,
        /// Better punctuation.
        pub punctuation_enhanced: Option<bool>,
        /// Split the transcript into sentences.
        pub sentences: Option<bool>,
        /// Summarize the audio.
        pub summarization: Option<bool>,
        /// Detect named entities.
        pub named_entity_recognition: Option<bool>,
        /// Sentiment per utterance.
        pub sentiment_analysis: Option<bool>,
        /// Data Gladia keeps with the job and returns with it.
        pub custom_metadata: Option<Map<String, Value>>,
    }
}

optional_fields! {
    /// How many speakers to expect.
    #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    #[non_exhaustive]
    pub struct GladiaDiarizationOptions {
        /// Exactly this many speakers.
        pub number_of_speakers: Option<i64>,
        /// At least this many speakers.
        pub min_speakers: Option<i64>,
        /// At most this many speakers.
        pub max_speakers: Option<i64>,
    }
}
