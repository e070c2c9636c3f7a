//! [`fallback`]: a language model made of an ordered list of models, each one tried when the
//! ones before it failed.
//!
//! A generate call moves on when a model's call fails with an error that may pass (retryable:
//! 408, 409, 429, 5xx, a cut connection) or that the caller's predicate matches. A stream call
//! moves on the same way until the first content part arrives (the parts before it, the stream
//! start and response metadata, are held back meanwhile); after that, an error is the stream's
//! error, since the caller has already seen content. The answer records the model that answered
//! and the attempts that failed ([`FallbackMetadata`], in the provider metadata).
//!
//! The chain does not retry a model itself: `generate_text` and `stream_text` retry whole calls,
//! and a chain whose models all failed ends with [`Error::RetriesExhausted`](crate::Error::RetriesExhausted), which they do not
//! retry again.

use std::collections::VecDeque;
use std::sync::Arc;

use async_trait::async_trait;
use futures::StreamExt;

use super::fallback_chain::{Fallback, FallbackMetadata};
use super::part_transform::{PartTransform, transform_parts};
use crate::error::Result;
use crate::provider::{
    CallOptions, GenerateResponse, LanguageModel, StreamPart, StreamResponse, SupportedUrl,
};

/// A model that tries `models` in order; an empty list is an [`Error::InvalidArgument`](crate::Error::InvalidArgument).
///
/// ```
/// use std::sync::Arc;
/// use specai::error::ApiCallError;
/// use specai::middleware::fallback;
/// use specai::test_util::{MockLanguageModel, MockStream};
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> specai::Result<()> {
/// let primary = MockLanguageModel::with_ids("openai.chat", "gpt-4o").with_stream_error(ApiCallError::new(429, "https://api", "rate limited"));
/// let backup = MockLanguageModel::with_ids("anthropic.messages", "claude").with_stream(MockStream::text(["Hello", "!"]));
/// let model = fallback(vec![Arc::new(primary), Arc::new(backup)])?
///     .fallback_if(|error| error.status() == Some(400))
///     .on_fallback(|attempt, error| eprintln!("{} failed: {error}", attempt.model_id));
/// let mut stream = specai::stream_text(model).prompt("Hi").max_retries(0).start();
/// assert_eq!(stream.text().await?, "Hello!");
/// # Ok(()) }
/// ```
pub fn fallback(models: Vec<Arc<dyn LanguageModel>>) -> Result<FallbackModel> {
    Fallback::new(models, |model| (model.provider(), model.model_id()))
}

/// An ordered list of language models acting as one; built with [`fallback`].
///
/// Its supported URLs are those every model supports, so that any model of the chain can take
/// the same prompt.
pub type FallbackModel = Fallback<dyn LanguageModel>;

#[async_trait]
impl LanguageModel for FallbackModel {
    crate::provider::model_identity!(provider, model_id);

    fn supported_urls(&self) -> Vec<SupportedUrl> {
        let mut models = self.models().iter();
        let mut common = models
            .next()
            .map(|model| model.supported_urls())
            .unwrap_or_default();
        for model in models {
            let supported = model.supported_urls();
            common.retain(|rule| supported.contains(rule));
        }
        common
    }

    async fn do_generate(&self, options: &CallOptions) -> Result<GenerateResponse> {
        let (mut response, record) = self.run(|model| model.do_generate(options)).await?;
        record.record_in(&mut response.provider_metadata);
        Ok(response)
    }

    async fn do_stream(&self, options: &CallOptions) -> Result<StreamResponse> {
        let ((mut response, held), record) = self
            .run(|model| until_first_content(model, options))
            .await?;
        let stream = futures::stream::iter(held.into_iter().map(Ok)).chain(response.stream);
        response.stream = transform_parts(Box::pin(stream), RecordOnFinish(record));
        Ok(response)
    }
}

/// Starts a stream and reads it up to its first content part: an error before it fails the
/// attempt (dropping the stream cancels the request); the parts read are handed back to be
/// replayed.
async fn until_first_content(
    model: &Arc<dyn LanguageModel>,
    options: &CallOptions,
) -> Result<(StreamResponse, Vec<StreamPart>)> {
    let mut response = model.do_stream(options).await?;
    let mut held = Vec::new();
    while let Some(part) = response.stream.next().await {
        let part = part?;
        let is_content = !matches!(
            part,
            StreamPart::StreamStart { .. }
                | StreamPart::ResponseMetadata(_)
                | StreamPart::Raw { .. }
        );
        held.push(part);
        if is_content {
            break;
        }
    }
    Ok((response, held))
}

/// Adds the chain's record to the finish part's provider metadata.
struct RecordOnFinish(FallbackMetadata);

impl PartTransform for RecordOnFinish {
    fn on_part(&mut self, mut part: StreamPart, out: &mut VecDeque<StreamPart>) {
        if let StreamPart::Finish {
            provider_metadata, ..
        } = &mut part
        {
            self.0.record_in(provider_metadata);
        }
        out.push_back(part);
    }
}

#[cfg(test)]
#[path = "fallback_model_tests.rs"]
mod tests;
