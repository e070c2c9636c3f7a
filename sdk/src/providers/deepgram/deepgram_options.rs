//! Typed provider options for Deepgram, read from `provider_options["deepgram"]`.
//!
//! Misspelt keys are rejected (`deny_unknown_fields`), so a typo is an
//! [`Error::InvalidArgument`](crate::Error::InvalidArgument) rather than a silent no-op. Names are
//! lowerCamelCase, as in `@ai-sdk/deepgram`; each is sent as the query parameter of its
//! snake_case name.

use serde::{Deserialize, Serialize};

/// Options of a Deepgram (Aura) speech call.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct DeepgramSpeechOptions {
    /// The audio encoding (`linear16`, `mulaw`, `alaw`, `mp3`, `opus`, `flac`, `aac`), over the
    /// call's output format.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
    /// The container (`wav`, `ogg` or `none`), over the one the output format implies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container: Option<String>,
    /// The sample rate in Hz, for the encodings that take one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sample_rate: Option<u32>,
    /// The bit rate in bits per second, for the compressed encodings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bit_rate: Option<u32>,
    /// `true`: opt out of the Deepgram Model Improvement Program.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mip_opt_out: Option<bool>,
    /// Labels for usage reports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag: Option<Vec<String>>,
}

/// Options of a Deepgram pre-recorded transcription call.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct DeepgramTranscriptionOptions {
    /// The audio's language (BCP-47, e.g. `en`, `en-US`, or `multi`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// Detect the dominant language (reported as the transcript's language).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detect_language: Option<bool>,
    /// Punctuation, capitalization and formatting of dates, numbers and more.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub smart_format: Option<bool>,
    /// Punctuation and capitalization.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub punctuate: Option<bool>,
    /// Split the transcript into paragraphs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paragraphs: Option<bool>,
    /// Recognize speaker changes (each word's speaker in provider metadata).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub diarize: Option<bool>,
    /// Split the transcript into utterances, which become the segments instead of the words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub utterances: Option<bool>,
    /// Seconds of silence that end an utterance (default 0.8).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub utt_split: Option<f64>,
    /// Keep filler words such as "uh" and "um".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filler_words: Option<bool>,
    /// Written numbers as digits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub numerals: Option<bool>,
    /// Remove profanity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profanity_filter: Option<bool>,
    /// Redact sensitive information: `pci`, `pii`, `numbers`...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redact: Option<Vec<String>>,
    /// Key terms to boost (Nova-3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keyterm: Option<Vec<String>>,
    /// Keywords with optional intensifiers, `word:2` (Nova-2 and older).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keywords: Option<Vec<String>>,
    /// Terms to search for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub search: Option<Vec<String>>,
    /// Terms to replace, `old:new`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replace: Option<Vec<String>>,
    /// Summarize the audio (`v2`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summarize: Option<String>,
    /// Detect topics.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topics: Option<bool>,
    /// Detect intents.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intents: Option<bool>,
    /// Detect sentiment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sentiment: Option<bool>,
    /// Detect entities.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detect_entities: Option<bool>,
    /// Transcribe each audio channel on its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub multichannel: Option<bool>,
    /// `true`: opt out of the Deepgram Model Improvement Program.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mip_opt_out: Option<bool>,
    /// Labels for usage reports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag: Option<Vec<String>>,
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
