//! The embedding-model trait.

use async_trait::async_trait;
use http::HeaderMap;

use super::metadata::{ProviderMetadata, ProviderOptions, ResponseMetadata};
use super::warning::Warning;
use crate::error::{Error, Result};

/// One embedding vector.
pub type Embedding = Vec<f32>;

/// A model that turns text into vectors.
///
/// ```
/// use specai_provider::{EmbedOptions, EmbedResponse, EmbeddingModel, Result, async_trait, model_identity};
///
/// /// Embeds each value as its length in bytes and in words.
/// struct LengthModel;
///
/// #[async_trait]
/// impl EmbeddingModel for LengthModel {
///     model_identity!("length", "length-1");
///
///     fn max_embeddings_per_call(&self) -> Option<usize> {
///         Some(96)
///     }
///
///     fn supports_parallel_calls(&self) -> bool {
///         true
///     }
///
///     async fn do_embed(&self, options: &EmbedOptions) -> Result<EmbedResponse> {
///         options.check_value_count(96)?;
///         let vectors = options.values.iter().map(|value| vec![value.len() as f32, value.split_whitespace().count() as f32]);
///         Ok(EmbedResponse::new(vectors.collect(), None))
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
/// let response = LengthModel.do_embed(&EmbedOptions::new(vec!["sunny day".into()])).await?;
/// assert_eq!(response.embeddings, vec![vec![9.0, 2.0]]);
/// let too_many = EmbedOptions::new(vec![String::new(); 97]);
/// assert!(LengthModel.do_embed(&too_many).await.is_err());
/// # Ok::<(), specai_provider::Error>(()) }).unwrap();
/// ```
#[async_trait]
pub trait EmbeddingModel: Send + Sync {
    /// The provider id.
    fn provider(&self) -> &str;

    /// The model id.
    fn model_id(&self) -> &str;

    /// The most values one call may embed; `None` when unlimited. `embed_many` splits by it.
    fn max_embeddings_per_call(&self) -> Option<usize>;

    /// Whether several calls may run at once.
    fn supports_parallel_calls(&self) -> bool;

    /// Embeds the values, returning one vector per value, in order.
    async fn do_embed(&self, options: &EmbedOptions) -> Result<EmbedResponse>;
}

/// The options of one embedding call.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct EmbedOptions {
    /// The values to embed.
    pub values: Vec<String>,
    /// Extra HTTP headers.
    pub headers: HeaderMap,
    /// Provider-specific options (dimensions, task type...).
    pub provider_options: ProviderOptions,
    /// Body members and query parameters added to this call's request as they are (see
    /// [`ExtraRequest`](crate::ExtraRequest)).
    pub extra: crate::ExtraRequest,
}

impl EmbedOptions {
    /// Options for these values.
    pub fn new(values: Vec<String>) -> Self {
        EmbedOptions { values, ..Default::default() }
    }

    /// Checks that the values fit in one call of a model that embeds at most `limit` per call
    /// (its `max_embeddings_per_call`; `None`, no limit): more is an
    /// [`Error::InvalidArgument`] naming both counts.
    pub fn check_value_count(&self, limit: impl Into<Option<usize>>) -> Result<()> {
        let Some(limit) = limit.into() else { return Ok(()) };
        if self.values.len() > limit {
            return Err(Error::invalid_argument(
                "values",
                format!("{} values exceed the limit of {limit} per call", self.values.len()),
            ));
        }
        Ok(())
    }
}

/// The result of one embedding call.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct EmbedResponse {
    /// One vector per value, in input order.
    pub embeddings: Vec<Embedding>,
    /// Token usage, when reported.
    pub usage: Option<EmbeddingUsage>,
    /// Provider-specific metadata.
    pub provider_metadata: Option<ProviderMetadata>,
    /// Response metadata.
    pub response: Option<ResponseMetadata>,
    /// Options the model could not honour.
    pub warnings: Vec<Warning>,
}

impl EmbedResponse {
    /// A response holding vectors.
    pub fn new(embeddings: Vec<Embedding>, usage: Option<EmbeddingUsage>) -> Self {
        EmbedResponse { embeddings, usage, ..Default::default() }
    }
}

/// Tokens used by an embedding call.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EmbeddingUsage {
    /// Input tokens.
    pub tokens: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_count_is_checked_against_the_per_call_limit() {
        let options = EmbedOptions::new(vec!["a".into(), "b".into(), "c".into()]);
        assert!(options.check_value_count(3).is_ok());
        match options.check_value_count(2) {
            Err(Error::InvalidArgument { .. }) => {}
            other => panic!("{other:?}"),
        }
    }
}
