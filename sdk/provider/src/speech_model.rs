//! The speech-model trait (text to speech).

use async_trait::async_trait;
use bytes::Bytes;
use http::HeaderMap;

use super::metadata::{ProviderMetadata, ProviderOptions, RequestMetadata, ResponseMetadata};
use super::warning::Warning;
use crate::error::Result;

/// A model that speaks text.
///
/// ```
/// use specai_provider::{Result, SpeechModel, SpeechOptions, SpeechResponse, Warning, async_trait, model_identity};
///
/// /// "Speaks" by returning silence: one zero byte per character, as 8-bit PCM.
/// struct SilentModel;
///
/// #[async_trait]
/// impl SpeechModel for SilentModel {
///     model_identity!("silent", "silent-1");
///
///     async fn do_generate(&self, options: &SpeechOptions) -> Result<SpeechResponse> {
///         let mut response = SpeechResponse::new(vec![0_u8; options.text.len()], "audio/pcm");
///         if options.voice.is_some() {
///             // An option the model cannot honour is reported, never dropped silently.
///             response.warnings.push(Warning::unsupported("voice", Some("silent-1 has one voice".into())));
///         }
///         Ok(response)
///     }
/// }
/// # fn block_on<F: std::future::Future>(future: F) -> F::Output {
/// #     let mut context = std::task::Context::from_waker(std::task::Waker::noop());
/// #     match std::pin::pin!(future).poll(&mut context) {
/// #         std::task::Poll::Ready(output) => output,
/// #         std::task::Poll::Pending => unreachable!("the model never waits"),
/// #     }
/// # }
/// # block_on(async {
/// let mut options = SpeechOptions::new("Hello");
/// options.voice = Some("alloy".into());
/// let response = SilentModel.do_generate(&options).await?;
/// assert_eq!((response.audio.len(), response.media_type.as_str()), (5, "audio/pcm"));
/// assert_eq!(response.warnings.len(), 1);
/// # Ok::<(), specai_provider::Error>(()) }).unwrap();
/// ```
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
