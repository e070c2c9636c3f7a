//! Embeddings: `embed` for one value, `embed_many` for many, and `cosine_similarity`.
//!
//! `embed_many` splits the values by the model's per-call limit, runs the calls with bounded
//! concurrency when the model allows parallel calls (one at a time otherwise), retries each
//! call on its own, and returns the vectors in input order with the usage summed.
//!
//! ```
//! # async fn example(model: specai::test_util::MockEmbeddingModel) -> specai::Result<()> {
//! use specai::{cosine_similarity, embed, embed_many};
//! let one = embed(model.clone()).value("sunny day at the beach").await?;
//! let many = embed_many(model).values(["rainy day", "sunny afternoon"]).max_parallel_calls(2).await?;
//! let closest = cosine_similarity(&one.embedding, &many.embeddings[1])?;
//! # let _ = closest; Ok(()) }
//! ```

use std::sync::Arc;

use futures::{StreamExt, TryStreamExt};

use crate::error::{Error, Result};
use crate::into_model::IntoModel;
use crate::provider::{
    EmbedOptions, EmbedResponse, Embedding, EmbeddingModel, EmbeddingUsage, ProviderMetadata, ResponseMetadata,
    Warning,
};
use crate::telemetry::attributes::operation;
use crate::telemetry::spans::ModelCall;
use crate::option_setters::option_setters;
use crate::request_settings::{RequestSettings, into_future_runs, request_settings_methods};

/// Embeds one value: `embed(model).value("...").await`.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> specai::Result<()> {
/// use specai::test_util::MockEmbeddingModel;
///
/// let model = MockEmbeddingModel::new().with_embed_fn(|value| vec![value.len() as f32, 1.0]);
/// let result = specai::embed(model).value("sunny day").await?;
/// assert_eq!(result.embedding, vec![9.0, 1.0]);
/// # Ok(()) }
/// ```
pub fn embed(model: impl IntoModel<dyn EmbeddingModel>) -> Embed {
    Embed { model: model.into_model(), value: None, settings: RequestSettings::default(), error: None }
}

/// Embeds many values: `embed_many(model).values([...]).await`.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> specai::Result<()> {
/// use specai::test_util::MockEmbeddingModel;
///
/// // Split into calls of at most two values, run in parallel where the model allows.
/// let model = MockEmbeddingModel::new().with_max_embeddings_per_call(Some(2)).with_embed_fn(|value| vec![value.len() as f32]);
/// let result = specai::embed_many(model).values(["a", "bb", "ccc"]).await?;
/// assert_eq!(result.embeddings, vec![vec![1.0], vec![2.0], vec![3.0]]);
/// assert_eq!(result.responses.len(), 2);
/// # Ok(()) }
/// ```
pub fn embed_many(model: impl IntoModel<dyn EmbeddingModel>) -> EmbedMany {
    EmbedMany {
        model: model.into_model(),
        values: Vec::new(),
        max_parallel_calls: None,
        settings: RequestSettings::default(),
        error: None,
    }
}

/// The builder of [`embed`]; await it.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> specai::Result<()> {
/// use specai::test_util::MockEmbeddingModel;
///
/// // Per-call settings ride on the builder: a header, fewer retries, provider options.
/// let model = MockEmbeddingModel::new().with_embed_fn(|value| vec![value.len() as f32]);
/// let request = specai::embed(model.clone()).value("sunny day").header("x-request-id", "42").max_retries(0);
/// let result = request.await?;
/// assert_eq!(result.value, "sunny day");
/// assert_eq!(model.calls()[0].headers["x-request-id"], "42");
/// # Ok(()) }
/// ```
#[must_use = "an embedding request does nothing until awaited"]
pub struct Embed {
    model: Arc<dyn EmbeddingModel>,
    value: Option<String>,
    settings: RequestSettings,
    error: Option<Error>,
}

impl Embed {
    option_setters! {
        /// The value to embed.
        value(impl Into<String>) => Some(value);
    }

    request_settings_methods!();
}

/// The result of [`embed`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct EmbedResult {
    /// The value embedded.
    pub value: String,
    /// Its vector.
    pub embedding: Embedding,
    /// Tokens used, when the provider reports them.
    pub usage: Option<EmbeddingUsage>,
    /// Provider-specific metadata.
    pub provider_metadata: Option<ProviderMetadata>,
    /// Response metadata.
    pub response: Option<ResponseMetadata>,
    /// Options the model could not honour.
    pub warnings: Vec<Warning>,
}

into_future_runs!(Embed => EmbedResult, "embed", operation::EMBEDDINGS);

impl Embed {
    /// What awaiting the builder does.
    async fn run(self) -> Result<EmbedResult> {
        let mut options = self.settings.start(self.error, EmbedOptions::default())?;
        let value = self.value.ok_or_else(|| Error::invalid_argument("value", "no value to embed was given"))?;
        options.values = vec![value];
        let response = call_model(&*self.model, &self.settings, &options).await?;
        let EmbedOptions { mut values, .. } = options;
        let mut embeddings = response.embeddings;
        Ok(EmbedResult {
            value: values.remove(0),
            embedding: embeddings.remove(0),
            usage: response.usage,
            provider_metadata: response.provider_metadata,
            response: response.response,
            warnings: response.warnings,
        })
    }
}

/// The builder of [`embed_many`]; await it.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use specai::Error;
/// use specai::test_util::MockEmbeddingModel;
///
/// // Builder methods never fail: a bad argument is reported when the builder is awaited.
/// let builder = specai::embed_many(MockEmbeddingModel::new()).values(["a", "b"]).max_parallel_calls(0);
/// let result = builder.await;
/// assert!(matches!(result, Err(Error::InvalidArgument { ref argument, .. }) if argument == "max_parallel_calls"));
/// # }
/// ```
#[must_use = "an embedding request does nothing until awaited"]
pub struct EmbedMany {
    model: Arc<dyn EmbeddingModel>,
    values: Vec<String>,
    max_parallel_calls: Option<usize>,
    settings: RequestSettings,
    error: Option<Error>,
}

impl EmbedMany {
    /// The values to embed.
    pub fn values<I, S>(mut self, values: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.values = values.into_iter().map(Into::into).collect();
        self
    }

    /// The most calls in flight at once, when the model allows parallel calls (default: all).
    pub fn max_parallel_calls(mut self, limit: usize) -> Self {
        if limit == 0 {
            self.error.get_or_insert(Error::invalid_argument("max_parallel_calls", "must be at least 1"));
        }
        self.max_parallel_calls = Some(limit.max(1));
        self
    }

    request_settings_methods!();
}

/// The result of [`embed_many`].
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct EmbedManyResult {
    /// The values embedded, in input order.
    pub values: Vec<String>,
    /// One vector per value, in input order.
    pub embeddings: Vec<Embedding>,
    /// Tokens used by all calls, when any call reported them.
    pub usage: Option<EmbeddingUsage>,
    /// Provider-specific metadata, merged over the calls.
    pub provider_metadata: Option<ProviderMetadata>,
    /// The response metadata of each call, in order.
    pub responses: Vec<Option<ResponseMetadata>>,
    /// Options the model could not honour, from every call.
    pub warnings: Vec<Warning>,
}

into_future_runs!(EmbedMany => EmbedManyResult, "embed_many", operation::EMBEDDINGS);

impl EmbedMany {
    /// What awaiting the builder does.
    async fn run(self) -> Result<EmbedManyResult> {
        let base = self.settings.start(self.error, EmbedOptions::default())?;
        if self.values.is_empty() {
            return Ok(EmbedManyResult::default());
        }
        let chunk_size = match self.model.max_embeddings_per_call() {
            Some(0) => return Err(Error::invalid_argument("max_embeddings_per_call", "the model reports a limit of 0")),
            Some(limit) => limit,
            None => self.values.len(),
        };
        let concurrency = if self.model.supports_parallel_calls() { self.max_parallel_calls.unwrap_or(usize::MAX) } else { 1 };
        let model = &*self.model;
        let settings = &self.settings;
        let call_options: Vec<EmbedOptions> = self
            .values
            .chunks(chunk_size)
            .map(|chunk| {
                let mut options = base.clone();
                options.values = chunk.to_vec();
                options
            })
            .collect();
        // The futures are built up front (a closure inside the stream trips the `Send`
        // check of the boxed future); `buffered` keeps results in input order while up to
        // `concurrency` calls run.
        let calls: Vec<_> = call_options.iter().map(|options| call_model(model, settings, options)).collect();
        let responses: Vec<EmbedResponse> = futures::stream::iter(calls).buffered(concurrency).try_collect().await?;
        let mut result = EmbedManyResult { embeddings: Vec::with_capacity(self.values.len()), ..Default::default() };
        for response in responses {
            result.embeddings.extend(response.embeddings);
            if let Some(usage) = response.usage {
                result.usage.get_or_insert_with(EmbeddingUsage::default).tokens += usage.tokens;
            }
            if let Some(metadata) = response.provider_metadata {
                let merged = result.provider_metadata.get_or_insert_with(ProviderMetadata::default);
                for (provider, value) in metadata.0 {
                    merged.merge(&provider, value);
                }
            }
            result.responses.push(response.response);
            result.warnings.extend(response.warnings);
        }
        result.values = self.values;
        Ok(result)
    }
}

/// One model call with retries; checks that one vector came back per value.
async fn call_model(model: &dyn EmbeddingModel, settings: &RequestSettings, options: &EmbedOptions) -> Result<EmbedResponse> {
    let call = ModelCall::start(operation::EMBEDDINGS, model.provider(), model.model_id(), false);
    let response = call
        .run(settings.call(|| model.do_embed(options)), |call, response| {
            if let Some(metadata) = &response.response {
                call.record_response(metadata);
            }
            if let Some(usage) = &response.usage {
                call.record_input_tokens(usage.tokens);
            }
        })
        .await?;
    if response.embeddings.len() != options.values.len() {
        return Err(Error::invalid_response(
            format!(
                "the embedding model returned {} vectors for {} values",
                response.embeddings.len(),
                options.values.len()
            ),
            None,
            None,
        ));
    }
    Ok(response)
}

/// The cosine similarity of two vectors, in [-1, 1]; 0 when either is all zeros.
///
/// # Errors
/// [`Error::InvalidArgument`] when the vectors differ in length.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> specai::Result<()> {
/// let similarity = specai::cosine_similarity(&[1.0, 0.0], &[1.0, 0.0])?;
/// assert!((similarity - 1.0).abs() < 1e-9);
/// assert!(specai::cosine_similarity(&[1.0], &[1.0, 2.0]).is_err());
/// # Ok(()) }
/// ```
pub fn cosine_similarity(left: &[f32], right: &[f32]) -> Result<f64> {
    if left.len() != right.len() {
        return Err(Error::invalid_argument(
            "vectors",
            format!("vectors must have the same length ({} and {})", left.len(), right.len()),
        ));
    }
    let (mut dot, mut left_norm, mut right_norm) = (0.0f64, 0.0f64, 0.0f64);
    for (&a, &b) in left.iter().zip(right) {
        let (a, b) = (f64::from(a), f64::from(b));
        dot += a * b;
        left_norm += a * a;
        right_norm += b * b;
    }
    if left_norm == 0.0 || right_norm == 0.0 {
        return Ok(0.0);
    }
    Ok(dot / (left_norm.sqrt() * right_norm.sqrt()))
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::error::ApiCallError;
    use crate::test_util::MockEmbeddingModel;

    fn length_embedding(value: &str) -> Embedding {
        vec![value.len() as f32, 1.0]
    }

    #[tokio::test]
    async fn embed_returns_the_vector_usage_and_sends_headers() {
        let model = MockEmbeddingModel::new().with_embed_fn(length_embedding);
        let result = embed(model.clone()).value("four").header("x-test", "1").await.unwrap();
        assert_eq!(result.embedding, vec![4.0, 1.0]);
        assert_eq!(result.value, "four");
        assert_eq!(result.usage, Some(EmbeddingUsage { tokens: 1 }));
        assert_eq!(model.calls()[0].headers["x-test"], "1");
        assert!(matches!(embed(model).await, Err(Error::InvalidArgument { .. })));
    }

    #[tokio::test(start_paused = true)]
    async fn embed_many_splits_by_limit_keeps_order_sums_usage_and_bounds_concurrency() {
        let model = MockEmbeddingModel::new()
            .with_max_embeddings_per_call(Some(2))
            .with_delay(Duration::from_millis(10))
            .with_embed_fn(length_embedding);
        let values: Vec<String> = (1..=7).map(|length| "x".repeat(length)).collect();
        let result = embed_many(model.clone()).values(values.clone()).max_parallel_calls(2).await.unwrap();
        assert_eq!(result.values, values);
        let lengths: Vec<f32> = result.embeddings.iter().map(|embedding| embedding[0]).collect();
        assert_eq!(lengths, [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]);
        assert_eq!(result.usage, Some(EmbeddingUsage { tokens: 7 }));
        let call_sizes: Vec<usize> = model.calls().iter().map(|call| call.values.len()).collect();
        assert_eq!(call_sizes, [2, 2, 2, 1]);
        assert_eq!(model.max_concurrent_calls(), 2);
        assert_eq!(result.responses.len(), 4);
    }

    #[tokio::test(start_paused = true)]
    async fn embed_many_runs_one_call_at_a_time_without_parallel_support() {
        let model = MockEmbeddingModel::new()
            .with_max_embeddings_per_call(Some(1))
            .with_parallel_calls(false)
            .with_delay(Duration::from_millis(10))
            .with_embed_fn(length_embedding);
        let result = embed_many(model.clone()).values(["a", "bb", "ccc"]).max_parallel_calls(8).await.unwrap();
        assert_eq!(result.embeddings.len(), 3);
        assert_eq!(model.max_concurrent_calls(), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn each_call_is_retried_on_its_own() {
        let model = MockEmbeddingModel::new()
            .with_max_embeddings_per_call(Some(1))
            .with_parallel_calls(false)
            .with_error(ApiCallError::new(503, "http://mock", "busy").into())
            .with_embed_fn(length_embedding);
        let result = embed_many(model.clone()).values(["a", "bb"]).await.unwrap();
        assert_eq!(result.embeddings, vec![vec![1.0, 1.0], vec![2.0, 1.0]]);
        assert_eq!(model.calls().len(), 3, "the failed first call was retried once");

        let failing = MockEmbeddingModel::new().with_error(ApiCallError::new(400, "http://mock", "bad").into());
        let error = embed_many(failing.clone()).values(["a"]).await.unwrap_err();
        assert!(matches!(error, Error::ApiCall(_)));
        assert_eq!(failing.calls().len(), 1, "client errors are not retried");
    }

    #[tokio::test]
    async fn empty_input_makes_no_call_and_wrong_vector_count_is_an_error() {
        let model = MockEmbeddingModel::new().with_embed_fn(length_embedding);
        let result = embed_many(model.clone()).values(Vec::<String>::new()).await.unwrap();
        assert!(result.embeddings.is_empty());
        assert!(model.calls().is_empty());

        let short = MockEmbeddingModel::new().with_response(EmbedResponse::new(vec![vec![1.0]], None));
        let error = embed_many(short).values(["a", "b"]).await.unwrap_err();
        assert!(matches!(error, Error::InvalidResponse { .. }), "{error:?}");
    }

    #[tokio::test]
    async fn cancellation_stops_the_operation() {
        let token = tokio_util::sync::CancellationToken::new();
        token.cancel();
        let model = MockEmbeddingModel::new().with_embed_fn(length_embedding);
        let error = embed(model).value("x").cancellation_token(token).await.unwrap_err();
        assert!(matches!(error, Error::Cancelled));
    }

    #[test]
    fn cosine_similarity_of_known_vectors() {
        assert!((cosine_similarity(&[1.0, 0.0], &[1.0, 0.0]).unwrap() - 1.0).abs() < 1e-12);
        assert!(cosine_similarity(&[1.0, 0.0], &[0.0, 2.0]).unwrap().abs() < 1e-12);
        assert!((cosine_similarity(&[1.0, 2.0], &[-1.0, -2.0]).unwrap() + 1.0).abs() < 1e-12);
        assert!((cosine_similarity(&[1.0, 2.0, 3.0], &[4.0, 5.0, 6.0]).unwrap() - 0.974_631_846_197_076_2).abs() < 1e-9);
        assert_eq!(cosine_similarity(&[0.0, 0.0], &[1.0, 1.0]).unwrap(), 0.0);
        assert!(matches!(cosine_similarity(&[1.0], &[1.0, 2.0]), Err(Error::InvalidArgument { .. })));
    }
}
