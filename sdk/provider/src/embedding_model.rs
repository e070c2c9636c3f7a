//! The embedding-model trait.

use async_trait::async_trait;
use http::HeaderMap;

use super::metadata::{ProviderMetadata, ProviderOptions, ResponseMetadata};
use super::warning::Warning;
use crate::error::{Error, Result};

/// One embedding vector.
pub type Embedding = Vec<f32>;

/// A model that turns text into vectors.
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
    /// (its `max_embeddings_per_call`): more is an [`Error::InvalidArgument`] naming both counts.
    pub fn check_value_count(&self, limit: usize) -> Result<()> {
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
