//! Typed provider options for Gladia, read from `provider_options["gladia"]`.
//!
//! Misspelt keys are rejected (`deny_unknown_fields`), so a typo is an
//! [`Error::InvalidArgument`](crate::Error::InvalidArgument) rather than a silent no-op. Names are
//! lowerCamelCase, as in `@ai-sdk/gladia`; each maps to a field of Gladia's
//! `POST /v2/pre-recorded` body.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::provider_utils::with_poll_overrides;

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
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub languages: Option<Vec<String>>,
        /// Whether the language may change within the audio (`language_config.code_switching`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub code_switching: Option<bool>,
        /// Label who speaks each utterance (speaker diarization).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub diarization: Option<bool>,
        /// How many speakers to expect (with `diarization`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub diarization_config: Option<GladiaDiarizationOptions>,
        /// Words and phrases to recognise better (sets `custom_vocabulary`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub custom_vocabulary: Option<Vec<String>>,
        /// Context for the model, in natural language.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub context_prompt: Option<String>,
        /// Better punctuation.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub punctuation_enhanced: Option<bool>,
        /// Split the transcript into sentences.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub sentences: Option<bool>,
        /// Summarize the audio.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub summarization: Option<bool>,
        /// Detect named entities.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub named_entity_recognition: Option<bool>,
        /// Sentiment per utterance.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub sentiment_analysis: Option<bool>,
        /// Data Gladia keeps with the job and returns with it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub custom_metadata: Option<Map<String, Value>>,
    }
}

/// How many speakers to expect.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct GladiaDiarizationOptions {
    /// Exactly this many speakers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number_of_speakers: Option<i64>,
    /// At least this many speakers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_speakers: Option<i64>,
    /// At most this many speakers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_speakers: Option<i64>,
}
