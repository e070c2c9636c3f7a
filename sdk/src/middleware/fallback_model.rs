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
//! and a chain whose models all failed ends with [`Error::RetriesExhausted`], which they do not
//! retry again.

use std::collections::VecDeque;
use std::sync::Arc;

use async_trait::async_trait;
use futures::StreamExt;

use super::fallback_chain::{ChainMember, FallbackAttempt, FallbackMetadata, FallbackPolicy, run_chain};
use super::part_transform::{PartTransform, transform_parts};
use crate::error::{Error, Result};
use crate::provider::{CallOptions, GenerateResponse, LanguageModel, StreamPart, StreamResponse, SupportedUrl};

/// A model that tries `models` in order; an empty list is an [`Error::InvalidArgument`].
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
    let first = models.first().ok_or_else(|| Error::invalid_argument("models", "a fallback chain needs at least one model"))?;
    let (provider, model_id) = (first.provider().to_owned(), first.model_id().to_owned());
    let members = models
        .iter()
        .map(|model| ChainMember { provider: model.provider().to_owned(), model_id: model.model_id().to_owned() })
        .collect();
    Ok(FallbackModel { models, members, policy: FallbackPolicy::default(), provider, model_id })
}

/// An ordered list of language models acting as one; built with [`fallback`].
///
/// It reports the first model's provider and model ids (change them with
/// [`with_provider`](FallbackModel::with_provider) and [`with_model_id`](FallbackModel::with_model_id)),
/// and as supported URLs only those every model supports, so that any model of the chain can
/// take the same prompt.
#[derive(Clone)]
pub struct FallbackModel {
    models: Vec<Arc<dyn LanguageModel>>,
    members: Vec<ChainMember>,
    policy: FallbackPolicy,
    provider: String,
    model_id: String,
}

impl FallbackModel {
    /// Also moves on when `predicate` matches the error (retryable errors always move on).
    ///
    /// ```
    /// # use std::sync::Arc;
    /// # let model = specai::middleware::fallback(vec![Arc::new(specai::test_util::MockLanguageModel::new())])?;
    /// let model = model.fallback_if(|error| matches!(error, specai::Error::Unsupported { .. }));
    /// # Ok::<(), specai::Error>(())
    /// ```
    pub fn fallback_if(mut self, predicate: impl Fn(&Error) -> bool + Send + Sync + 'static) -> Self {
        self.policy.predicate = Some(Arc::new(predicate));
        self
    }

    /// Calls `observer` with each failed attempt (and its full error) when the chain moves on.
    ///
    /// ```
    /// # use std::sync::Arc;
    /// # let model = specai::middleware::fallback(vec![Arc::new(specai::test_util::MockLanguageModel::new())])?;
    /// let model = model.on_fallback(|attempt, error| eprintln!("{} failed, falling back: {error}", attempt.model_id));
    /// # Ok::<(), specai::Error>(())
    /// ```
    pub fn on_fallback(mut self, observer: impl Fn(&FallbackAttempt, &Error) + Send + Sync + 'static) -> Self {
        self.policy.on_fallback = Some(Arc::new(observer));
        self
    }

    /// Reports this provider id instead of the first model's.
    ///
    /// ```
    /// # use std::sync::Arc;
    /// use specai::provider::LanguageModel;
    /// # let model = specai::middleware::fallback(vec![Arc::new(specai::test_util::MockLanguageModel::new())])?;
    /// assert_eq!(model.with_provider("chain").provider(), "chain");
    /// # Ok::<(), specai::Error>(())
    /// ```
    pub fn with_provider(mut self, provider: impl Into<String>) -> Self {
        self.provider = provider.into();
        self
    }

    /// Reports this model id instead of the first model's.
    ///
    /// ```
    /// # use std::sync::Arc;
    /// use specai::provider::LanguageModel;
    /// # let model = specai::middleware::fallback(vec![Arc::new(specai::test_util::MockLanguageModel::new())])?;
    /// assert_eq!(model.with_model_id("best-available").model_id(), "best-available");
    /// # Ok::<(), specai::Error>(())
    /// ```
    pub fn with_model_id(mut self, model_id: impl Into<String>) -> Self {
        self.model_id = model_id.into();
        self
    }

    /// The models, in the order they are tried.
    ///
    /// ```
    /// # use std::sync::Arc;
    /// # let model = specai::middleware::fallback(vec![Arc::new(specai::test_util::MockLanguageModel::new())])?;
    /// assert_eq!(model.models().len(), 1);
    /// # Ok::<(), specai::Error>(())
    /// ```
    pub fn models(&self) -> &[Arc<dyn LanguageModel>] {
        &self.models
    }
}

impl std::fmt::Debug for FallbackModel {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.debug_struct("FallbackModel").field("models", &self.members).finish_non_exhaustive()
    }
}

#[async_trait]
impl LanguageModel for FallbackModel {
    crate::provider::model_identity!(provider, model_id);

    fn supported_urls(&self) -> Vec<SupportedUrl> {
        let mut models = self.models.iter();
        let mut common = models.next().map(|model| model.supported_urls()).unwrap_or_default();
        for model in models {
            let supported = model.supported_urls();
            common.retain(|rule| supported.contains(rule));
        }
        common
    }

    async fn do_generate(&self, options: &CallOptions) -> Result<GenerateResponse> {
        let (mut response, record) = run_chain(&self.members, &self.policy, |index| self.models[index].do_generate(options)).await?;
        record.record_in(&mut response.provider_metadata);
        Ok(response)
    }

    async fn do_stream(&self, options: &CallOptions) -> Result<StreamResponse> {
        let started = |index: usize| until_first_content(&self.models[index], options);
        let ((mut response, held), record) = run_chain(&self.members, &self.policy, started).await?;
        let stream = futures::stream::iter(held.into_iter().map(Ok)).chain(response.stream);
        response.stream = transform_parts(Box::pin(stream), RecordOnFinish(record));
        Ok(response)
    }
}

/// Starts a stream and reads it up to its first content part: an error before it fails the
/// attempt (dropping the stream cancels the request); the parts read are handed back to be
/// replayed.
async fn until_first_content(model: &Arc<dyn LanguageModel>, options: &CallOptions) -> Result<(StreamResponse, Vec<StreamPart>)> {
    let mut response = model.do_stream(options).await?;
    let mut held = Vec::new();
    while let Some(part) = response.stream.next().await {
        let part = part?;
        let is_content = !matches!(part, StreamPart::StreamStart { .. } | StreamPart::ResponseMetadata(_) | StreamPart::Raw { .. });
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
        if let StreamPart::Finish { provider_metadata, .. } = &mut part {
            self.0.record_in(provider_metadata);
        }
        out.push_back(part);
    }
}

#[cfg(test)]
#[path = "fallback_model_tests.rs"]
mod tests;
