//! Typed provider options for AssemblyAI, read from `provider_options["assemblyai"]`.
//!
//! Misspelt keys are rejected (`deny_unknown_fields`), so a typo is an
//! [`Error::InvalidArgument`](crate::Error::InvalidArgument) rather than a silent no-op. Names are
//! lowerCamelCase, as in `@ai-sdk/assemblyai`; each is the snake_case field of AssemblyAI's
//! `POST /v2/transcript` body.

use serde::{Deserialize, Serialize};

use crate::provider_utils::{optional_fields, with_poll_overrides};

with_poll_overrides! {
    /// Options of an AssemblyAI transcription call.
    ///
    /// ```
    /// use specai::provider::ProviderOptions;
    ///
    /// let options = ProviderOptions::new().with("assemblyai", serde_json::json!({"speakerLabels": true, "languageDetection": true}));
    /// ```
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    #[non_exhaustive]
    pub struct AssemblyAiOptions {
        /// Label who speaks each word and utterance (speaker diarization).
        pub speaker_labels: Option<bool>,
        /// How many speakers to expect (with `speakerLabels`).
        pub speakers_expected: Option<i64>,
        /// A range of possible speakers (with `speakerLabels`).
        pub speaker_options: Option<AssemblyAiSpeakerOptions>,
        /// The audio's language, e.g. `en_us` or `de` (default `en_us`); not with `languageDetection`.
        pub language_code: Option<String>,
        /// Detect the dominant language.
        pub language_detection: Option<bool>,
        /// Fail the transcript when the detected language's confidence is below this (0 to 1).
        pub language_confidence_threshold: Option<f32>,
        /// Add punctuation (default true).
        pub punctuate: Option<bool>,
        /// Format text: casing, numbers (default true).
        pub format_text: Option<bool>,
        /// Keep filler words ("um", "uh").
        pub disfluencies: Option<bool>,
        /// Mask profanity.
        pub filter_profanity: Option<bool>,
        /// Transcribe each channel separately.
        pub multichannel: Option<bool>,
        /// Domain words or phrases to recognise better.
        pub keyterms_prompt: Option<Vec<String>>,
        /// Context for the model, in natural language (Universal-3 Pro).
        pub prompt: Option<String>,
        /// Sampling temperature, 0 to 1 (Universal-3 Pro).
        pub temperature: Option<f64>,
        /// Start of the audio to transcribe, in milliseconds.
        pub audio_start_from: Option<i64>,
        /// End of the audio to transcribe, in milliseconds.
        pub audio_end_at: Option<i64>,
        /// Reject audio with less than this fraction of speech (0 to 1).
        pub speech_threshold: Option<f32>,
        /// Redact personally identifiable information from the text.
        pub redact_pii: Option<bool>,
        /// Which kinds of PII to redact, e.g. `person_name`, `phone_number`.
        pub redact_pii_policies: Option<Vec<String>>,
        /// How redacted PII is written: `entity_name` or `hash`.
        pub redact_pii_sub: Option<String>,
        /// Detect entities (names, places...).
        pub entity_detection: Option<bool>,
        /// Sentiment per sentence.
        pub sentiment_analysis: Option<bool>,
        /// Key phrases.
        pub auto_highlights: Option<bool>,
        /// Summarize the audio.
        pub summarization: Option<bool>,
        /// The summary model: `informative`, `conversational` or `catchy`.
        pub summary_model: Option<String>,
        /// The summary type: `bullets`, `gist`, `headline`, `paragraph`...
        pub summary_type: Option<String>,
        /// Where AssemblyAI posts when the transcript is ready (polling still runs).
        pub webhook_url: Option<String>,
    }
}

optional_fields! {
    /// A range of possible speakers.
    #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    #[non_exhaustive]
    pub struct AssemblyAiSpeakerOptions {
        /// At least this many speakers.
        pub min_speakers_expected: Option<i64>,
        /// At most this many speakers.
        pub max_speakers_expected: Option<i64>,
    }
}
