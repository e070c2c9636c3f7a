//! [`fallback_embedding`]: an embedding model made of an ordered list of embedding models, with
//! the same rules as the language-model chain ([`fallback`](super::fallback)).
//!
//! Vectors of different models are not comparable, so chain models that embed into the same
//! space (the same model at two providers, or two deployments of one model).

use std::sync::Arc;

use async_trait::async_trait;

use super::fallback_chain::Fallback;
use crate::error::Result;
use crate::provider::{EmbedOptions, EmbedResponse, EmbeddingModel};

/// An embedding model that tries `models` in order; an empty list is an
/// [`Error::InvalidArgument`](crate::Error::InvalidArgument).
///
/// ```
/// use std::sync::Arc;
/// use specai::error::ApiCallError;
/// use specai::middleware::{FallbackMetadata, fallback_embedding};
/// use specai::test_util::MockEmbeddingModel;
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> specai::Result<()> {
/// let primary = MockEmbeddingModel::new().with_error(ApiCallError::new(500, "https://primary", "down").into());
/// let backup = MockEmbeddingModel::new().with_embed_fn(|value| vec![value.len() as f32]);
/// let model = fallback_embedding(vec![Arc::new(primary), Arc::new(backup)])?;
/// let result = specai::embed(model).value("four").max_retries(0).await?;
/// assert_eq!(result.embedding, vec![4.0]);
/// let record = FallbackMetadata::from_provider_metadata(result.provider_metadata.as_ref()).unwrap();
/// assert_eq!(record.model_index, 1);
/// # Ok(()) }
/// ```
pub fn fallback_embedding(models: Vec<Arc<dyn EmbeddingModel>>) -> Result<FallbackEmbeddingModel> {
    Fallback::new(models, |model| (model.provider(), model.model_id()))
}

/// An ordered list of embedding models acting as one; built with [`fallback_embedding`]. It
/// reports the smallest per-call limit of its models, and parallel calls only when every model
/// takes them.
pub type FallbackEmbeddingModel = Fallback<dyn EmbeddingModel>;

#[async_trait]
impl EmbeddingModel for FallbackEmbeddingModel {
    crate::provider::model_identity!(provider, model_id);

    fn max_embeddings_per_call(&self) -> Option<usize> {
        self.models()
            .iter()
            .filter_map(|model| model.max_embeddings_per_call())
            .min()
    }

    fn supports_parallel_calls(&self) -> bool {
        self.models()
            .iter()
            .all(|model| model.supports_parallel_calls())
    }

    async fn do_embed(&self, options: &EmbedOptions) -> Result<EmbedResponse> {
        let (mut response, record) = self.run(|model| model.do_embed(options)).await?;
        record.record_in(&mut response.provider_metadata);
        Ok(response)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;
    use crate::error::{ApiCallError, Error};
    use crate::middleware::FallbackMetadata;
    use crate::test_util::MockEmbeddingModel;

    #[tokio::test]
    async fn moves_on_after_retryable_errors_and_reports_the_limits_of_all() {
        let first = MockEmbeddingModel::new()
            .with_max_embeddings_per_call(Some(8))
            .with_error(ApiCallError::new(429, "u", "slow").into());
        let second = MockEmbeddingModel::new()
            .with_max_embeddings_per_call(Some(4))
            .with_parallel_calls(false)
            .with_embed_fn(|_| vec![1.0]);
        let third = MockEmbeddingModel::new();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        let model = fallback_embedding(vec![
            Arc::new(first.clone()),
            Arc::new(second.clone()),
            Arc::new(third.clone()),
        ])
        .unwrap()
        .on_fallback(move |attempt, error| {
            log.lock()
                .unwrap()
                .push((attempt.model_index, error.status()))
        });
        assert_eq!(
            (
                model.max_embeddings_per_call(),
                model.supports_parallel_calls()
            ),
            (Some(4), false)
        );
        let response = model
            .do_embed(&EmbedOptions::new(vec!["a".into()]))
            .await
            .unwrap();
        assert_eq!(response.embeddings, [vec![1.0]]);
        let record =
            FallbackMetadata::from_provider_metadata(response.provider_metadata.as_ref()).unwrap();
        assert_eq!((record.model_index, record.failed_attempts.len()), (1, 1));
        assert_eq!(*seen.lock().unwrap(), [(0, Some(429))]);
        assert_eq!(
            (
                first.calls().len(),
                second.calls().len(),
                third.calls().len()
            ),
            (1, 1, 0)
        );
    }

    #[tokio::test]
    async fn stops_at_an_error_that_does_not_pass_and_rejects_an_empty_chain() {
        let first =
            MockEmbeddingModel::new().with_error(ApiCallError::new(401, "u", "bad key").into());
        let second = MockEmbeddingModel::new().with_embed_fn(|_| vec![1.0]);
        let model = fallback_embedding(vec![Arc::new(first), Arc::new(second.clone())]).unwrap();
        assert_eq!(
            model
                .do_embed(&EmbedOptions::new(vec!["a".into()]))
                .await
                .unwrap_err()
                .status(),
            Some(401)
        );
        assert!(second.calls().is_empty());
        assert!(matches!(
            fallback_embedding(Vec::new()),
            Err(Error::InvalidArgument { .. })
        ));
    }
}
