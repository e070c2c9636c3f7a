//! The transcription-model trait (speech to text).

use async_trait::async_trait;
use bytes::Bytes;
use http::HeaderMap;

use super::metadata::{ProviderMetadata, ProviderOptions, ResponseMetadata};
use super::warning::Warning;
use crate::error::Result;

/// A model that transcribes audio.
///
/// ```
/// use specai_provider::{Error, Result, TranscriptionModel, TranscriptionOptions, TranscriptionResponse, async_trait, model_identity};
///
/// /// "Transcribes" UTF-8 text files; audio given by URL is refused with a typed error.
/// struct TextFileModel;
///
/// #[async_trait]
/// impl TranscriptionModel for TextFileModel {
///     model_identity!("text-file", "text-file-1");
///
///     async fn do_generate(&self, options: &TranscriptionOptions) -> Result<TranscriptionResponse> {
///         if options.audio_url.is_some() {
///             return Err(Error::unsupported("audio URLs", None));
///         }
///         let text = std::str::from_utf8(&options.audio).map_err(|_| Error::invalid_argument("audio", "not UTF-8 text"))?;
///         Ok(TranscriptionResponse::new(text))
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
/// let response = TextFileModel.do_generate(&TranscriptionOptions::new(&b"hello world"[..], "text/plain")).await?;
/// assert_eq!(response.text, "hello world");
/// let by_url = TranscriptionOptions::from_url("https://example.com/talk.mp3");
/// assert!(matches!(TextFileModel.do_generate(&by_url).await, Err(Error::Unsupported { .. })));
/// # Ok::<(), Error>(()) }).unwrap();
/// ```
#[async_trait]
pub trait TranscriptionModel: Send + Sync {
    /// The provider id.
    fn provider(&self) -> &str;

    /// The model id.
    fn model_id(&self) -> &str;

    /// Transcribes audio.
    async fn do_generate(&self, options: &TranscriptionOptions) -> Result<TranscriptionResponse>;
}

/// The options of one transcription call.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct TranscriptionOptions {
    /// The audio; empty when it is given by [`audio_url`](Self::audio_url) instead.
    pub audio: Bytes,
    /// Its media type, e.g. `audio/wav`; empty when unknown (audio given by URL).
    pub media_type: String,
    /// Where to fetch the audio, when it was given by URL: vendors that fetch URLs themselves
    /// are sent the URL; the others download it with their own HTTP client, with a size cap.
    pub audio_url: Option<String>,
    /// Extra HTTP headers.
    pub headers: HeaderMap,
    /// Provider-specific options (language, prompt, timestamp granularities...).
    pub provider_options: ProviderOptions,
    /// Body members and query parameters added to this call's request as they are (see
    /// [`ExtraRequest`](crate::ExtraRequest)).
    pub extra: crate::ExtraRequest,
}

impl TranscriptionOptions {
    /// Options for transcribing audio of a media type.
    pub fn new(audio: impl Into<Bytes>, media_type: impl Into<String>) -> Self {
        TranscriptionOptions { audio: audio.into(), media_type: media_type.into(), ..Default::default() }
    }

    /// Options for transcribing audio the vendor (or the provider) fetches from a URL.
    pub fn from_url(url: impl Into<String>) -> Self {
        TranscriptionOptions { audio_url: Some(url.into()), ..Default::default() }
    }
}

/// The result of one transcription call.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct TranscriptionResponse {
    /// The full text.
    pub text: String,
    /// Timed segments, when the provider returns them.
    pub segments: Vec<TranscriptionSegment>,
    /// The detected language, ISO 639-1.
    pub language: Option<String>,
    /// The audio's duration in seconds.
    pub duration_in_seconds: Option<f64>,
    /// Provider-specific metadata.
    pub provider_metadata: Option<ProviderMetadata>,
    /// Response metadata.
    pub response: ResponseMetadata,
    /// Options the model could not honour.
    pub warnings: Vec<Warning>,
}

impl TranscriptionResponse {
    /// A response holding the full text; the rest empty.
    pub fn new(text: impl Into<String>) -> Self {
        TranscriptionResponse { text: text.into(), ..Default::default() }
    }
}

/// A timed piece of a transcript.
#[derive(Debug, Clone, PartialEq)]
pub struct TranscriptionSegment {
    /// The text.
    pub text: String,
    /// Start, in seconds from the beginning.
    pub start_second: f64,
    /// End, in seconds from the beginning.
    pub end_second: f64,
}
