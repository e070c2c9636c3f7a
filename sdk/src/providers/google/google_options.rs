//! Typed provider options for Gemini, read from `provider_options["google"]`.
//!
//! Misspelt keys are rejected (`deny_unknown_fields`), so a typo is an
//! [`Error::InvalidArgument`](crate::Error::InvalidArgument) rather than a silent no-op. Names are
//! the wire's lowerCamelCase, as in `@ai-sdk/google`.

use serde::{Deserialize, Serialize};

use crate::provider_utils::optional_fields;

optional_fields! {
    /// Options of a Gemini language-model call.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    #[non_exhaustive]
    pub struct GoogleOptions {
        /// Thinking: a token budget and whether thoughts are returned.
        pub thinking_config: Option<GoogleThinkingConfig>,
        /// The name of a cached content (`cachedContents/...`) to use as prompt prefix.
        pub cached_content: Option<String>,
        /// Send a JSON response format as `responseSchema` (default `true`); `false` sends only
        /// `responseMimeType: application/json`.
        pub structured_outputs: Option<bool>,
        /// Safety settings: a block threshold per harm category.
        pub safety_settings: Option<Vec<GoogleSafetySetting>>,
        /// Output modalities, e.g. `["TEXT", "IMAGE"]`.
        pub response_modalities: Option<Vec<String>>,
        /// Token budget per image, video frame or PDF page: `MEDIA_RESOLUTION_LOW`, `_MEDIUM`, `_HIGH`.
        pub media_resolution: Option<String>,
        /// Location context for Google Search and Maps grounding: `{"latLng": {"latitude", "longitude"},
        /// "languageCode"}`, sent as `toolConfig.retrievalConfig`.
        pub retrieval_config: Option<serde_json::Value>,
        /// The images a Gemini image model writes in its answer: `{"aspectRatio": "16:9",
        /// "imageSize": "2K"}`, sent as `generationConfig.imageConfig`.
        pub image_config: Option<GoogleImageConfig>,
    }
}

optional_fields! {
    /// Gemini's `ImageConfig`: the shape of the images an image model writes.
    #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    #[non_exhaustive]
    pub struct GoogleImageConfig {
        /// The aspect ratio, e.g. `1:1`, `16:9`, `9:16`.
        pub aspect_ratio: Option<String>,
        /// The size, e.g. `1K`, `2K`, `4K`.
        pub image_size: Option<String>,
    }
}

optional_fields! {
    /// Gemini's `ThinkingConfig`.
    #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    #[non_exhaustive]
    pub struct GoogleThinkingConfig {
        /// The number of thinking tokens the model may use (0 turns thinking off where allowed,
        /// -1 lets the model decide).
        pub thinking_budget: Option<i32>,
        /// Return thought summaries as reasoning parts.
        pub include_thoughts: Option<bool>,
        /// Gemini 3's thinking effort in place of a budget: `minimal`, `low`, `medium` or
        /// `high`, as the model takes them (sent as given).
        pub thinking_level: Option<String>,
    }
}

impl GoogleThinkingConfig {
    /// A thinking config with a budget and thoughts included.
    pub fn new(thinking_budget: Option<i32>, include_thoughts: Option<bool>) -> Self {
        GoogleThinkingConfig { thinking_budget, include_thoughts, thinking_level: None }
    }
}

/// One safety setting: block content of `category` at or above `threshold`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GoogleSafetySetting {
    /// The harm category, e.g. `HARM_CATEGORY_HATE_SPEECH`.
    pub category: String,
    /// The threshold, e.g. `BLOCK_ONLY_HIGH`, `BLOCK_NONE`.
    pub threshold: String,
}

optional_fields! {
    /// Options of a Gemini embedding call, read from `provider_options["google"]`.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    #[non_exhaustive]
    pub struct GoogleEmbeddingOptions {
        /// Truncate the vectors to this many dimensions.
        pub output_dimensionality: Option<u32>,
        /// What the embeddings are for, e.g. `RETRIEVAL_QUERY`, `SEMANTIC_SIMILARITY`.
        pub task_type: Option<String>,
    }
}

optional_fields! {
    /// Options of a Gemini TTS call, read from `provider_options["google"]`.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    #[non_exhaustive]
    pub struct GoogleSpeechOptions {
        /// Two speakers, each with a prebuilt voice (`{"speakerVoiceConfigs": [{"speaker": "Joe",
        /// "voiceConfig": {"prebuiltVoiceConfig": {"voiceName": "Kore"}}}]}`); replaces the call's voice.
        pub multi_speaker_voice_config: Option<specai_generated::google::types::MultiSpeakerVoiceConfig>,
        /// The BCP 47 language of the speech (`en-US`); overrides the call's `language`.
        pub language_code: Option<String>,
    }
}

optional_fields! {
    /// Options of a Gemini API image call (Imagen or a Gemini image model), read from
    /// `provider_options["google"]`.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    #[non_exhaustive]
    pub struct GoogleImageOptions {
        /// Imagen: `dont_allow`, `allow_adult` or `allow_all`.
        pub person_generation: Option<String>,
        /// `1K` or `2K` (Imagen's `sampleImageSize`, Gemini's `imageConfig.imageSize`).
        pub image_size: Option<String>,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::ProviderOptions;
    use serde_json::json;

    #[test]
    fn parses_wire_names_and_rejects_typos() {
        let options = ProviderOptions::new().with(
            "google",
            json!({"thinkingConfig": {"thinkingBudget": 1024, "includeThoughts": true}, "cachedContent": "cachedContents/abc"}),
        );
        let parsed: GoogleOptions = options.parse("google").unwrap().unwrap();
        assert_eq!(parsed.thinking_config, Some(GoogleThinkingConfig::new(Some(1024), Some(true))));
        assert_eq!(parsed.cached_content.as_deref(), Some("cachedContents/abc"));

        let typo = ProviderOptions::new().with("google", json!({"thinkingConfig": {"thinkingBudgett": 1}}));
        let error = typo.parse::<GoogleOptions>("google").unwrap_err();
        assert!(error.to_string().contains("thinkingBudgett"), "{error}");
    }
}
