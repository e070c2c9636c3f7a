//! The speech-model trait (text to speech).

use async_trait::async_trait;
use bytes::Bytes;
use http::HeaderMap;

use super::metadata::{ProviderMetadata, ProviderOptions, RequestMetadata, ResponseMetadata};
use super::warning::Warning;
use crate::error::Result;

/// A model that speaks text.
#[async_trait]
pub trait SpeechModel: Send + Sync {
    /// The provider id.
    fn provider(&self) -> &str;

    /// The model id.
    fn model_id(&self) -> &str;

    /// Generates audio.
    async fn do_generate(&self, options: &SpeechOptions) -> Result<SpeechResponse>;
}

/// The options of one speech call.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct SpeechOptions {
    /// The text to speak.
    pub text: String,
    /// The voice.
    pub voice: Option<String>,
    /// The audio format, e.g. `mp3`, `wav`.
    pub output_format: Option<String>,
    /// How to speak (tone, pace), for models that take instructions.
    pub instructions: Option<String>,
    /// Speed factor.
    pub speed: Option<f32>,
    /// The language, as an ISO 639-1 code.
    pub language: Option<String>,
    /// Extra HTTP headers.
    pub headers: HeaderMap,
    /// Provider-specific options.
    pub provider_options: ProviderOptions,
    /// Body members and query parameters added to this call's request as they are (see
    /// [`ExtraRequest`](crate::ExtraRequest)).
    pub extra: crate::ExtraRequest,
}

impl SpeechOptions {
    /// Options for speaking a text.
    pub fn new(text: impl Into<String>) -> Self {
        SpeechOptions { text: text.into(), ..Default::default() }
    }
}

/// The result of one speech call.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct SpeechResponse {
    /// The audio.
    pub audio: Bytes,
    /// Its media type, e.g. `audio/mpeg`.
    pub media_type: String,
    /// Provider-specific metadata.
    pub provider_metadata: Option<ProviderMetadata>,
    /// What was sent.
    pub request: RequestMetadata,
    /// Response metadata.
    pub response: ResponseMetadata,
    /// Options the model could not honour.
    pub warnings: Vec<Warning>,
}

impl SpeechResponse {
    /// A response holding audio of a media type; the rest empty.
    pub fn new(audio: impl Into<Bytes>, media_type: impl Into<String>) -> Self {
        SpeechResponse { audio: audio.into(), media_type: media_type.into(), ..Default::default() }
    }
}
