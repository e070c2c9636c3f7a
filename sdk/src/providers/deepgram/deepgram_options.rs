//! Typed provider options for Deepgram, read from `provider_options["deepgram"]`.
//!
//! Misspelt keys are rejected (`deny_unknown_fields`), so a typo is an
//! [`Error::InvalidArgument`](crate::Error::InvalidArgument) rather than a silent no-op. Names are
//! lowerCamelCase, as in `@ai-sdk/deepgram`; each is sent as the query parameter of its
//! snake_case name.

use serde::{Deserialize, Serialize};

use crate::provider_utils::optional_fields;

optional_fields! {
    /// Options of a Deepgram (Aura) speech call.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    #[non_exhaustive]
    pub struct DeepgramSpeechOptions {
        /// The audio encoding (`linear16`, `mulaw`, `alaw`, `mp3`, `opus`, `flac`, `aac`), over the
        /// call's output format.
        pub encoding: Option<String>,
        /// The container (`wav`, `ogg` or `none`), over the one the output format implies.
        pub container: Option<String>,
        /// The sample rate in Hz, for the encodings that take one.
        pub sample_rate: Option<u32>,
        /// The bit rate in bits per second, for the compressed encodings.
        pub bit_rate: Option<u32>,
        /// `true`: opt out of the Deepgram Model Improvement Program.
        pub mip_opt_out: Option<bool>,
        /// Labels for usage reports.
        pub tag: Option<Vec<String>>,
    }
}

optional_fields! {
    /// Options of a Deepgram pre-recorded transcription call.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    #[non_exhaustive]
    pub struct DeepgramTranscriptionOptions {
        /// The audio's language (BCP-47, e.g. `en`, `en-US`, or `multi`).
        pub language: Option<String>,
        /// Detect the dominant language (reported as the transcript's language).
        pub detect_language: Option<bool>,
        /// Punctuation, capitalization and formatting of dates, numbers and more.
        pub smart_format: Option<bool>,
        /// Punctuation and capitalization.
        pub punctuate: Option<bool>,
        /// Split the transcript into paragraphs.
        pub paragraphs: Option<bool>,
        /// Recognize speaker changes (each word's speaker in provider metadata).
        pub diarize: Option<bool>,
        /// Split the transcript into utterances, which become the segments instead of the words.
        pub utterances: Option<bool>,
        /// Seconds of silence that end an utterance (default 0.8).
        pub utt_split: Option<f64>,
        /// Keep filler words such as "uh" and "um".
        pub filler_words: Option<bool>,
        /// Written numbers as digits.
        pub numerals: Option<bool>,
        /// Remove profanity.
        pub profanity_filter: Option<bool>,
        /// Redact sensitive information: `pci`, `pii`, `numbers`...
        pub redact: Option<Vec<String>>,
        /// Key terms to boost (Nova-3).
        pub keyterm: Option<Vec<String>>,
        /// Keywords with optional intensifiers, `word:2` (Nova-2 and older).
        pub keywords: Option<Vec<String>>,
        /// Terms to search for.
        pub search: Option<Vec<String>>,
        /// Terms to replace, `old:new`.
        pub replace: Option<Vec<String>>,
        /// Summarize the audio (`v2`).
        pub summarize: Option<String>,
        /// Detect topics.
        pub topics: Option<bool>,
        /// Detect intents.
        pub intents: Option<bool>,
        /// Detect sentiment.
        pub sentiment: Option<bool>,
        /// Detect entities.
        pub detect_entities: Option<bool>,
        /// Transcribe each audio channel on its own.
        pub multichannel: Option<bool>,
        /// `true`: opt out of the Deepgram Model Improvement Program.
        pub mip_opt_out: Option<bool>,
        /// Labels for usage reports.
        pub tag: Option<Vec<String>>,
    }
}

impl DeepgramTranscriptionOptions {
    /// The query parameters these options stand for, in a fixed order; lists repeat their name.
    pub(crate) fn query(&self) -> Vec<(&'static str, String)> {
        let flags = [
            ("detect_language", self.detect_language),
            ("smart_format", self.smart_format),
            ("punctuate", self.punctuate),
            ("paragraphs", self.paragraphs),
            ("diarize", self.diarize),
            ("utterances", self.utterances),
            ("filler_words", self.filler_words),
            ("numerals", self.numerals),
            ("profanity_filter", self.profanity_filter),
            ("topics", self.topics),
            ("intents", self.intents),
            ("sentiment", self.sentiment),
            ("detect_entities", self.detect_entities),
            ("multichannel", self.multichannel),
            ("mip_opt_out", self.mip_opt_out),
        ];
        let mut query: Vec<(&'static str, String)> = Vec::new();
        if let Some(language) = &self.language {
            query.push(("language", language.clone()));
        }
        query.extend(flags.into_iter().filter_map(|(name, value)| value.map(|value| (name, value.to_string()))));
        if let Some(seconds) = self.utt_split {
            query.push(("utt_split", seconds.to_string()));
        }
        if let Some(summarize) = &self.summarize {
            query.push(("summarize", summarize.clone()));
        }
        let lists = [
            ("redact", &self.redact),
            ("keyterm", &self.keyterm),
            ("keywords", &self.keywords),
            ("search", &self.search),
            ("replace", &self.replace),
            ("tag", &self.tag),
        ];
        for (name, values) in lists {
            query.extend(values.iter().flatten().map(|value| (name, value.clone())));
        }
        query
    }
}
