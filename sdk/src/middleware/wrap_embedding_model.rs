//! Middleware for embedding models: the [`EmbeddingModelMiddleware`] trait and
//! [`wrap_embedding_model`], composed in the same order as language-model middleware.

use std::borrow::Cow;
use std::sync::Arc;

use async_trait::async_trait;

use crate::IntoModel;
use crate::error::Result;
use crate::provider::{EmbedOptions, EmbedResponse, EmbeddingModel};

crate::middleware::one_call_middleware! {
    /// Changes how an embedding model is called; every method defaults to passing the call through.
    ///
    /// ```
    /// use std::borrow::Cow;
    /// use std::sync::Arc;
    /// use specai::middleware::{EmbeddingModelMiddleware, wrap_embedding_model};
    /// use specai::provider::{EmbedOptions, EmbeddingModel, async_trait};
    /// use specai::test_util::MockEmbeddingModel;
    ///
    /// /// Lower-cases every value before it is embedded.
    /// struct LowerCase;
    ///
    /// #[async_trait]
    /// impl EmbeddingModelMiddleware for LowerCase {
    ///     async fn transform_options<'a>(&self, options: Cow<'a, EmbedOptions>, _model: &dyn EmbeddingModel) -> specai::Result<Cow<'a, EmbedOptions>> {
    ///         let mut options = options.into_owned();
    ///         options.values.iter_mut().for_each(|value| *value = value.to_lowercase());
    ///         Ok(Cow::Owned(options))
    ///     }
    /// }
    ///
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> specai::Result<()> {
    /// let mock = MockEmbeddingModel::new().with_embed_fn(|value| vec![value.len() as f32]);
    /// let model = wrap_embedding_model(mock.clone(), vec![Arc::new(LowerCase)]);
    /// specai::embed(model).value("HELLO").await?;
    /// assert_eq!(mock.calls()[0].values, ["hello"]);
    /// # Ok(()) }
    /// ```
    pub trait EmbeddingModelMiddleware for EmbeddingModel: wrap_embed(EmbedOptions) -> EmbedResponse = do_embed {
        /// The most values per call the wrapped model reports; `None` keeps the model's.
        fn override_max_embeddings_per_call(&self, model: &dyn EmbeddingModel) -> Option<Option<usize>> {
            let _ = model;
            None
        }

        /// Whether the wrapped model reports parallel calls as supported; `None` keeps the model's.
        fn override_supports_parallel_calls(&self, model: &dyn EmbeddingModel) -> Option<bool> {
            let _ = model;
            None
        }
    }
}

/// Wraps an embedding model in middlewares; the first transforms the options first, the last
/// wraps the model directly.
///
/// ```
/// use std::sync::Arc;
/// use specai::middleware::{default_embedding_settings, wrap_embedding_model};
/// use specai::provider::EmbeddingModel;
/// use specai::test_util::MockEmbeddingModel;
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> specai::Result<()> {
/// let mock = MockEmbeddingModel::new().with_embed_fn(|_| vec![1.0]);
/// let settings = default_embedding_settings().provider_options("openai", serde_json::json!({"dimensions": 256}));
/// let model = wrap_embedding_model(mock.clone(), vec![Arc::new(settings)]).with_model_id("small");
/// assert_eq!(model.model_id(), "small");
/// specai::embed(model).value("hi").await?;
/// assert_eq!(mock.calls()[0].provider_options.get("openai").unwrap()["dimensions"], 256);
/// # Ok(()) }
/// ```
pub fn wrap_embedding_model(
    model: impl IntoModel<dyn EmbeddingModel>,
    middlewares: Vec<Arc<dyn EmbeddingModelMiddleware>>,
) -> WrappedEmbeddingModel {
    WrappedEmbeddingModel::layered(model.into_model(), middlewares)
}

/// One middleware around an embedding model (or none: then it only renames the model).
///
/// ```
/// use std::sync::Arc;
/// use specai::middleware::WrappedEmbeddingModel;
/// use specai::provider::EmbeddingModel;
/// use specai::test_util::MockEmbeddingModel;
///
/// let model = WrappedEmbeddingModel::new(Arc::new(MockEmbeddingModel::new()), None).with_provider("gateway");
/// assert_eq!((model.provider(), model.model_id()), ("gateway", "mock-embedding"));
/// ```
#[derive(Clone)]
pub struct WrappedEmbeddingModel {
    model: Arc<dyn EmbeddingModel>,
    middleware: Option<Arc<dyn EmbeddingModelMiddleware>>,
    provider: String,
    model_id: String,
    max_embeddings_per_call: Option<usize>,
    supports_parallel_calls: bool,
}

impl WrappedEmbeddingModel {
    /// A layer of `middleware` around `model`, with what the middleware overrides (or the model's).
    pub fn new(
        model: Arc<dyn EmbeddingModel>,
        middleware: Option<Arc<dyn EmbeddingModelMiddleware>>,
    ) -> Self {
        let inner = model.as_ref();
        let layer = middleware.as_deref();
        let (provider, model_id) = Self::layer_ids(inner, layer);
        WrappedEmbeddingModel {
            provider,
            model_id,
            max_embeddings_per_call: layer
                .and_then(|layer| layer.override_max_embeddings_per_call(inner))
                .unwrap_or_else(|| inner.max_embeddings_per_call()),
            supports_parallel_calls: layer
                .and_then(|layer| layer.override_supports_parallel_calls(inner))
                .unwrap_or_else(|| inner.supports_parallel_calls()),
            model,
            middleware,
        }
    }
}

crate::middleware::middleware_layer!(
    WrappedEmbeddingModel,
    EmbeddingModel,
    EmbeddingModelMiddleware
);

#[async_trait]
impl EmbeddingModel for WrappedEmbeddingModel {
    crate::provider::model_identity!(provider, model_id);

    fn max_embeddings_per_call(&self) -> Option<usize> {
        self.max_embeddings_per_call
    }

    fn supports_parallel_calls(&self) -> bool {
        self.supports_parallel_calls
    }

    async fn do_embed(&self, options: &EmbedOptions) -> Result<EmbedResponse> {
        crate::middleware::call_through_layer!(self, options, do_embed, wrap_embed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::MockEmbeddingModel;

    /// Appends its name to every value, halves the per-call limit and doubles every vector.
    struct Marker(&'static str);

    #[async_trait]
    impl EmbeddingModelMiddleware for Marker {
        fn override_max_embeddings_per_call(
            &self,
            model: &dyn EmbeddingModel,
        ) -> Option<Option<usize>> {
            Some(model.max_embeddings_per_call().map(|limit| limit / 2))
        }

        fn override_supports_parallel_calls(&self, _model: &dyn EmbeddingModel) -> Option<bool> {
            Some(false)
        }

        async fn transform_options<'a>(
            &self,
            options: Cow<'a, EmbedOptions>,
            _model: &dyn EmbeddingModel,
        ) -> Result<Cow<'a, EmbedOptions>> {
            let mut options = options.into_owned();
            options
                .values
                .iter_mut()
                .for_each(|value| value.push_str(self.0));
            Ok(Cow::Owned(options))
        }

        async fn wrap_embed(
            &self,
            options: &EmbedOptions,
            model: &Arc<dyn EmbeddingModel>,
        ) -> Result<EmbedResponse> {
            let mut response = model.do_embed(options).await?;
            response
                .embeddings
                .iter_mut()
                .flatten()
                .for_each(|number| *number *= 2.0);
            Ok(response)
        }
    }

    #[tokio::test]
    async fn layers_compose_in_order_and_override_capabilities() {
        let mock = MockEmbeddingModel::new()
            .with_max_embeddings_per_call(Some(8))
            .with_embed_fn(|value| vec![value.len() as f32]);
        let model = wrap_embedding_model(
            mock.clone(),
            vec![Arc::new(Marker("-a")), Arc::new(Marker("-b"))],
        );
        assert_eq!(model.max_embeddings_per_call(), Some(2), "halved twice");
        assert!(!model.supports_parallel_calls());
        let response = model
            .do_embed(&EmbedOptions::new(vec!["x".into()]))
            .await
            .unwrap();
        assert_eq!(mock.calls()[0].values, ["x-a-b"]);
        assert_eq!(
            response.embeddings,
            [vec![20.0]],
            "5 characters, doubled by each layer"
        );
        let plain = wrap_embedding_model(mock.clone(), Vec::new());
        assert_eq!(
            (
                plain.max_embeddings_per_call(),
                plain.supports_parallel_calls()
            ),
            (Some(8), true)
        );
        assert_eq!(
            plain
                .do_embed(&EmbedOptions::new(vec!["y".into()]))
                .await
                .unwrap()
                .embeddings,
            [vec![1.0]]
        );
    }
}
