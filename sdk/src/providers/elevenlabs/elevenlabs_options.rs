//! Typed provider options for ElevenLabs, read from `provider_options["elevenlabs"]`.
//!
//! Misspelt keys are rejected (`deny_unknown_fields`), so a typo is an
//! [`Error::InvalidArgument`](crate::Error::InvalidArgument) rather than a silent no-op. Names are
//! lowerCamelCase, as in `@ai-sdk/elevenlabs`.

use serde::{Deserialize, Serialize};

use crate::provider_utils::optional_fields;

optional_fields! {
    /// Options of an ElevenLabs speech call.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    #[non_exhaustive]
    pub struct ElevenLabsSpeechOptions {
        /// The language (ISO 639-1) the model must speak, when the call's `language` is not set.
        pub language_code: Option<String>,
        /// Voice settings for this request, over the voice's stored ones.
        pub voice_settings: Option<ElevenLabsVoiceSettings>,
        /// Up to three pronunciation dictionaries, applied in order.
        pub pronunciation_dictionary_locators: Option<Vec<ElevenLabsPronunciationDictionary>>,
        /// A seed for best-effort repeatable output (0 to 4294967295).
        pub seed: Option<u32>,
        /// The text before this request's, for continuity.
        pub previous_text: Option<String>,
        /// The text after this request's, for continuity.
        pub next_text: Option<String>,
        /// Request ids of the generations before this one (up to three).
        pub previous_request_ids: Option<Vec<String>>,
        /// Request ids of the generations after this one (up to three).
        pub next_request_ids: Option<Vec<String>>,
        /// Text normalization (numbers spelt out): `auto`, `on` or `off`.
        pub apply_text_normalization: Option<String>,
        /// Language-specific text normalization (Japanese).
        pub apply_language_text_normalization: Option<bool>,
        /// `false`: zero retention mode (enterprise), sent as the `enable_logging` query parameter.
        pub enable_logging: Option<bool>,
        /// The exact `output_format` query value (e.g. `mp3_44100_192`, `pcm_24000`, `opus_48000_64`),
        /// over the call's output format.
        pub output_format: Option<String>,
    }
}

optional_fields! {
    /// Voice settings of one ElevenLabs speech request, under
    /// [`ElevenLabsSpeechOptions::voice_settings`] (the call's `speed` joins them on the wire).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> specai::Result<()> {
    /// use specai::elevenlabs::{ElevenLabsSettings, ElevenLabsSpeechOptions, ElevenLabsVoiceSettings, create_elevenlabs};
    /// use specai::provider::ProviderOptions;
    /// use specai::provider_utils::test_server::{TestResponse, TestServer};
    ///
    /// let server = TestServer::start([TestResponse::bytes(200, &b"ID3..."[..], "audio/mpeg")]).await;
    /// let elevenlabs = create_elevenlabs(ElevenLabsSettings::default().with_api_key("el-key").with_base_url(server.base_url()));
    /// let mut voice = ElevenLabsVoiceSettings::default();
    /// voice.stability = Some(0.3);
    /// voice.use_speaker_boost = Some(true);
    /// let mut options = ElevenLabsSpeechOptions::default();
    /// options.voice_settings = Some(voice);
    /// let speech = specai::generate_speech(elevenlabs.speech("eleven_multilingual_v2"))
    ///     .text("Hello there.")
    ///     .provider_options(ProviderOptions::new().with_typed("elevenlabs", &options)?)
    ///     .await?;
    /// assert_eq!(&speech.audio[..], b"ID3...");
    /// let body = server.single_request().json();
    /// assert_eq!(body["voice_settings"], serde_json::json!({"stability": 0.3, "use_speaker_boost": true}));
    /// # Ok(()) }
    /// ```
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    #[non_exhaustive]
    pub struct ElevenLabsVoiceSettings {
        /// Stability, 0 to 1 (lower: a broader emotional range).
        pub stability: Option<f64>,
        /// How closely to keep to the original voice, 0 to 1.
        pub similarity_boost: Option<f64>,
        /// Style exaggeration, 0 to 1.
        pub style: Option<f64>,
        /// Boosts similarity to the original speaker, at some latency.
        pub use_speaker_boost: Option<bool>,
    }
}

optional_fields! {
    /// A pronunciation dictionary to apply.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    #[non_exhaustive]
    pub struct ElevenLabsPronunciationDictionary {
        /// The dictionary's id.
        pub pronunciation_dictionary_id: String,
        /// Its version; the latest when absent.
        pub version_id: Option<String>,
    }
}

optional_fields! {
    /// Options of an ElevenLabs (Scribe) transcription call.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    #[non_exhaustive]
    pub struct ElevenLabsTranscriptionOptions {
        /// The audio's language (ISO 639-1 or 639-3); detected when absent.
        pub language_code: Option<String>,
        /// Tag sounds such as `(laughter)` in the transcript (default true).
        pub tag_audio_events: Option<bool>,
        /// The most speakers in the audio (1 to 32), a hint for diarization.
        pub num_speakers: Option<u32>,
        /// `none`, `word` (the default) or `character`.
        pub timestamps_granularity: Option<String>,
        /// Annotate which speaker is talking (`speaker_id` per word, in provider metadata).
        pub diarize: Option<bool>,
        /// `pcm_s16le_16` (16-bit PCM at 16 kHz, mono, little-endian: lower latency) or `other`.
        pub file_format: Option<String>,
        /// A temperature for the transcription (0 to 2).
        pub temperature: Option<f64>,
        /// A seed for best-effort repeatable output.
        pub seed: Option<u32>,
        /// `false`: zero retention mode (enterprise), sent as the `enable_logging` query parameter.
        pub enable_logging: Option<bool>,
    }
}
