//! Typed provider options for FAL, read from `provider_options["fal"]`.
//!
//! Misspelt keys are rejected (`deny_unknown_fields`), so a typo is an
//! [`Error::InvalidArgument`](crate::Error::InvalidArgument) rather than a silent no-op. Names are
//! lowerCamelCase, as in `@ai-sdk/fal`. FAL hosts hundreds of models, each with inputs of its
//! own: the common ones are typed here, and any other goes in `input`, sent as given.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::provider_utils::with_poll_overrides;

with_poll_overrides! {
    /// Options of a FAL image call.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    #[non_exhaustive]
    pub struct FalImageOptions {
        /// How closely the image follows the prompt (`guidance_scale`).
        pub guidance_scale: Option<f64>,
        /// Denoising steps (`num_inference_steps`).
        pub num_inference_steps: Option<u32>,
        /// Whether FAL's safety checker runs (`enable_safety_checker`).
        pub enable_safety_checker: Option<bool>,
        /// `jpeg` or `png` (`output_format`).
        pub output_format: Option<String>,
        /// Return the images inline as `data:` URLs instead of CDN URLs (`sync_mode`).
        pub sync_mode: Option<bool>,
        /// How far an edit departs from the input image (`strength`).
        pub strength: Option<f64>,
        /// `none`, `regular` or `high` (`acceleration`).
        pub acceleration: Option<String>,
        /// 1 (strict) to 6 (permissive), as a number or a string (`safety_tolerance`).
        pub safety_tolerance: Option<Value>,
        /// What the image should not show (`negative_prompt`).
        pub negative_prompt: Option<String>,
        /// Send the input images as the list `image_urls` (models taking several, e.g.
        /// `fal-ai/flux-2/edit`) instead of the first one as `image_url`.
        pub use_multiple_images: Option<bool>,
        /// Further inputs of the model, sent as given (FAL's names).
        #[serde(default, skip_serializing_if = "Map::is_empty")]
        pub input: Map<String, Value>,
    }
}

with_poll_overrides! {
    /// Options of a FAL speech call.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    #[non_exhaustive]
    pub struct FalSpeechOptions {
        /// MiniMax voices: `{speed, vol, voice_id, pitch, english_normalization, emotion}` (`voice_setting`).
        pub voice_setting: Option<Value>,
        /// MiniMax audio: `{sample_rate, bitrate, format, channel}` (`audio_setting`).
        pub audio_setting: Option<Value>,
        /// The language to favour, e.g. `English` or `auto` (`language_boost`).
        pub language_boost: Option<String>,
        /// Pronunciations: `{"tone": ["word/(pronunciation)"]}` (`pronunciation_dict`).
        pub pronunciation_dict: Option<Value>,
        /// Further inputs of the model, sent as given (FAL's names).
        #[serde(default, skip_serializing_if = "Map::is_empty")]
        pub input: Map<String, Value>,
    }
}

with_poll_overrides! {
    /// Options of a FAL transcription call (Whisper and Wizper).
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    #[non_exhaustive]
    pub struct FalTranscriptionOptions {
        /// `transcribe` (the default) or `translate` (into English).
        pub task: Option<String>,
        /// The spoken language (ISO 639-1); detected when absent.
        pub language: Option<String>,
        /// Whether speakers are told apart (`diarize`).
        pub diarize: Option<bool>,
        /// `segment` (the default here) or `word`: what one segment of the result is (`chunk_level`).
        pub chunk_level: Option<String>,
        /// The Whisper version, e.g. `3`.
        pub version: Option<String>,
        /// Batch size of the inference (`batch_size`).
        pub batch_size: Option<u32>,
        /// How many speakers to expect (`num_speakers`).
        pub num_speakers: Option<u32>,
        /// Text that primes the model (names, spelling) (`prompt`).
        pub prompt: Option<String>,
        /// Further inputs of the model, sent as given (FAL's names).
        #[serde(default, skip_serializing_if = "Map::is_empty")]
        pub input: Map<String, Value>,
    }
}
