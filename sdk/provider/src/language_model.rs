//! The language-model trait and its results.

use std::borrow::Cow;
use std::pin::Pin;
use async_trait::async_trait;
use futures_core::Stream;

use super::call_options::CallOptions;
use super::content::Content;
use super::finish_reason::FinishReason;
use super::metadata::{ProviderMetadata, RequestMetadata, ResponseMetadata};
use super::stream_part::StreamPart;
use super::usage::Usage;
use super::warning::Warning;
use crate::error::Result;

/// The stream a language model returns: parts, then the end; an `Err` item ends it.
pub type PartStream = Pin<Box<dyn Stream<Item = Result<StreamPart>> + Send + 'static>>;

/// A language model: two calls, one options struct.
///
/// Object-safe, so models are passed as `Arc<dyn LanguageModel>`. Implementations map
/// [`CallOptions`] to their wire format, warn about options they cannot take, and map the
/// answer back. They do not retry: the generation functions do, per call.
///
/// ```
/// use specai_provider::{
///     CallOptions, Content, Error, FinishReason, GenerateResponse, LanguageModel, Message, Result, StreamResponse, Usage,
///     async_trait, model_identity,
/// };
///
/// /// Always answers "pong"; cannot stream.
/// struct PongModel;
///
/// #[async_trait]
/// impl LanguageModel for PongModel {
///     model_identity!("pong", "pong-1");
///
///     async fn do_generate(&self, _options: &CallOptions) -> Result<GenerateResponse> {
///         Ok(GenerateResponse::new(vec![Content::text("pong")], FinishReason::Stop, Usage::from_totals(Some(1), Some(1))))
///     }
///
///     async fn do_stream(&self, _options: &CallOptions) -> Result<StreamResponse> {
///         Err(Error::unsupported("streaming", None))
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
/// let response = PongModel.do_generate(&CallOptions::new(vec![Message::user("ping")])).await?;
/// assert_eq!(response.content, vec![Content::text("pong")]);
/// assert!(PongModel.supported_urls().is_empty());
/// # Ok::<(), Error>(()) }).unwrap();
/// ```
#[async_trait]
pub trait LanguageModel: Send + Sync {
    /// The provider id, e.g. `"openai.responses"`; its first dot-separated segment is the key
    /// under which the model reads [`ProviderOptions`](super::ProviderOptions).
    fn provider(&self) -> &str;

    /// The model id, e.g. `"gpt-4o-mini"`.
    fn model_id(&self) -> &str;

    /// URLs the model fetches itself, per media type; other URLs are downloaded by the caller.
    fn supported_urls(&self) -> Vec<SupportedUrl> {
        Vec::new()
    }

    /// Generates a complete response.
    async fn do_generate(&self, options: &CallOptions) -> Result<GenerateResponse>;

    /// Starts a streamed response. Returns once the response headers arrived; dropping the
    /// returned stream cancels the request.
    async fn do_stream(&self, options: &CallOptions) -> Result<StreamResponse>;
}

/// A kind of URL a model can read directly: files of a media type (`image/*`, `application/pdf`,
/// `*/*`) whose URL starts with a prefix (`https://`, `gs://`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupportedUrl {
    /// The media type pattern; `type/*` and `*/*` match families.
    pub media_type: Cow<'static, str>,
    /// The URL prefix.
    pub url_prefix: Cow<'static, str>,
}

impl SupportedUrl {
    /// A supported-URL rule.
    pub const fn new(media_type: &'static str, url_prefix: &'static str) -> Self {
        SupportedUrl { media_type: Cow::Borrowed(media_type), url_prefix: Cow::Borrowed(url_prefix) }
    }

    /// Whether a file of this media type at this URL is covered by the rule.
    pub fn matches(&self, media_type: &str, url: &str) -> bool {
        let type_matches = match self.media_type.split_once('/') {
            Some(("*", "*")) => true,
            Some((family, "*")) => media_type.split_once('/').is_some_and(|(other, _)| other == family),
            _ => self.media_type.eq_ignore_ascii_case(media_type),
        };
        type_matches && url.starts_with(self.url_prefix.as_ref())
    }
}

/// The result of [`LanguageModel::do_generate`].
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct GenerateResponse {
    /// The output, in order.
    pub content: Vec<Content>,
    /// Why the model stopped.
    pub finish_reason: FinishReason,
    /// The provider's own finish reason.
    pub raw_finish_reason: Option<String>,
    /// Token usage.
    pub usage: Usage,
    /// Provider-specific metadata.
    pub provider_metadata: Option<ProviderMetadata>,
    /// What was sent.
    pub request: RequestMetadata,
    /// What came back besides the content.
    pub response: ResponseMetadata,
    /// Options the model could not honour.
    pub warnings: Vec<Warning>,
}

impl GenerateResponse {
    /// A response with content, finish reason and usage; the rest empty.
    pub fn new(content: Vec<Content>, finish_reason: FinishReason, usage: Usage) -> Self {
        GenerateResponse { content, finish_reason, usage, ..Default::default() }
    }
}

/// The result of [`LanguageModel::do_stream`].
#[non_exhaustive]
pub struct StreamResponse {
    /// The parts.
    pub stream: PartStream,
    /// What was sent.
    pub request: RequestMetadata,
    /// The response headers (id, model and timestamp arrive as a stream part).
    pub response: ResponseMetadata,
}

impl StreamResponse {
    /// A stream response.
    pub fn new(stream: PartStream, request: RequestMetadata, response: ResponseMetadata) -> Self {
        StreamResponse { stream, request, response }
    }
}

impl std::fmt::Debug for StreamResponse {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("StreamResponse")
            .field("request", &self.request)
            .field("response", &self.response)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn supported_url_matches_families_and_prefixes() {
        let rule = SupportedUrl::new("image/*", "https://");
        assert!(rule.matches("image/png", "https://x/y.png"));
        assert!(!rule.matches("application/pdf", "https://x/y.pdf"));
        assert!(!rule.matches("image/png", "http://x/y.png"));
        assert!(SupportedUrl::new("*/*", "gs://").matches("audio/wav", "gs://b/a.wav"));
        assert!(SupportedUrl::new("application/pdf", "https://").matches("application/pdf", "https://a"));
    }

    #[test]
    fn language_model_is_object_safe() {
        fn takes(_: Option<std::sync::Arc<dyn LanguageModel>>) {}
        takes(None);
    }
}
