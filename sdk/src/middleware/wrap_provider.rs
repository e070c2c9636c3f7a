//! [`wrap_provider`]: middleware on every model a provider hands out.
//!
//! [`ModelMiddlewares`] holds one list of middleware per model kind and wraps a model of that
//! kind; [`WrappedProvider`] and the registry's builder (`language_model_middleware`) both use
//! it, so a provider and a registry apply middleware the same way. Kinds without middleware
//! (speech, transcription, reranking) pass through unchanged.

use std::sync::Arc;

use super::LanguageModelMiddleware;
use super::wrap_embedding_model::{EmbeddingModelMiddleware, wrap_embedding_model};
use super::wrap_image_model::{ImageModelMiddleware, wrap_image_model};
use super::wrap_language_model::wrap_language_model;
use crate::error::Result;
use crate::provider::{
    EmbeddingModel, ImageModel, LanguageModel, Provider, RerankingModel, SpeechModel,
    TranscriptionModel,
};

/// Middleware per model kind, applied to each model of that kind; an empty list leaves the
/// model as it is (not even wrapped).
///
/// ```
/// use std::sync::Arc;
/// use specai::middleware::{ModelMiddlewares, default_instructions};
/// use specai::provider::LanguageModel;
/// use specai::test_util::MockLanguageModel;
///
/// let middlewares = ModelMiddlewares::new().with_language_model(vec![Arc::new(default_instructions("Be brief."))]);
/// let model = middlewares.language_model(Arc::new(MockLanguageModel::new()));
/// assert_eq!(model.model_id(), "mock-model");
/// ```
#[derive(Clone, Default)]
#[non_exhaustive]
pub struct ModelMiddlewares {
    /// Applied to every language model.
    pub language_model: Vec<Arc<dyn LanguageModelMiddleware>>,
    /// Applied to every embedding model.
    pub embedding_model: Vec<Arc<dyn EmbeddingModelMiddleware>>,
    /// Applied to every image model.
    pub image_model: Vec<Arc<dyn ImageModelMiddleware>>,
}

impl ModelMiddlewares {
    /// No middleware.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the language-model middleware.
    pub fn with_language_model(
        mut self,
        middlewares: Vec<Arc<dyn LanguageModelMiddleware>>,
    ) -> Self {
        self.language_model = middlewares;
        self
    }

    /// Sets the embedding-model middleware.
    pub fn with_embedding_model(
        mut self,
        middlewares: Vec<Arc<dyn EmbeddingModelMiddleware>>,
    ) -> Self {
        self.embedding_model = middlewares;
        self
    }

    /// Sets the image-model middleware.
    pub fn with_image_model(mut self, middlewares: Vec<Arc<dyn ImageModelMiddleware>>) -> Self {
        self.image_model = middlewares;
        self
    }

    /// Whether there is no middleware of any kind.
    pub fn is_empty(&self) -> bool {
        self.language_model.is_empty()
            && self.embedding_model.is_empty()
            && self.image_model.is_empty()
    }

    /// The language model with the language-model middleware around it.
    pub fn language_model(&self, model: Arc<dyn LanguageModel>) -> Arc<dyn LanguageModel> {
        if self.language_model.is_empty() {
            return model;
        }
        Arc::new(wrap_language_model(model, self.language_model.clone()))
    }

    /// The embedding model with the embedding-model middleware around it.
    pub fn embedding_model(&self, model: Arc<dyn EmbeddingModel>) -> Arc<dyn EmbeddingModel> {
        if self.embedding_model.is_empty() {
            return model;
        }
        Arc::new(wrap_embedding_model(model, self.embedding_model.clone()))
    }

    /// The image model with the image-model middleware around it.
    pub fn image_model(&self, model: Arc<dyn ImageModel>) -> Arc<dyn ImageModel> {
        if self.image_model.is_empty() {
            return model;
        }
        Arc::new(wrap_image_model(model, self.image_model.clone()))
    }
}

impl std::fmt::Debug for ModelMiddlewares {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("ModelMiddlewares")
            .field("language_model", &self.language_model.len())
            .field("embedding_model", &self.embedding_model.len())
            .field("image_model", &self.image_model.len())
            .finish()
    }
}

/// Wraps every language model a provider hands out in `middlewares` (first transforms first);
/// [`WrappedProvider::with_image_middleware`] and
/// [`with_embedding_middleware`](WrappedProvider::with_embedding_middleware) add middleware for
/// those kinds.
///
/// ```
/// use std::sync::Arc;
/// use specai::middleware::{default_settings, wrap_provider};
/// use specai::provider::Provider;
/// use specai::test_util::{MockLanguageModel, text_response};
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> specai::Result<()> {
/// let mock = MockLanguageModel::new().with_response(text_response("ok"));
/// let provider = specai::custom_provider().with_language_model("fast", Arc::new(mock.clone()));
/// let provider = wrap_provider(provider, vec![Arc::new(default_settings().temperature(0.2))]);
/// specai::generate_text(provider.language_model("fast")?).prompt("Hi").await?;
/// assert_eq!(mock.calls()[0].temperature, Some(0.2));
/// # Ok(()) }
/// ```
pub fn wrap_provider(
    provider: impl Provider + 'static,
    middlewares: Vec<Arc<dyn LanguageModelMiddleware>>,
) -> WrappedProvider {
    WrappedProvider::new(
        Arc::new(provider),
        ModelMiddlewares::new().with_language_model(middlewares),
    )
}

/// A provider whose models come wrapped in middleware.
///
/// ```
/// use std::sync::Arc;
/// use specai::middleware::{ModelMiddlewares, WrappedProvider};
/// use specai::provider::Provider;
///
/// let shared: Arc<dyn Provider> = Arc::new(specai::custom_provider());
/// let provider = WrappedProvider::new(shared, ModelMiddlewares::new());
/// assert!(provider.language_model("none").is_err());
/// ```
#[derive(Clone)]
pub struct WrappedProvider {
    provider: Arc<dyn Provider>,
    middlewares: ModelMiddlewares,
}

impl WrappedProvider {
    /// A shared provider with middleware per model kind.
    pub fn new(provider: Arc<dyn Provider>, middlewares: ModelMiddlewares) -> Self {
        WrappedProvider {
            provider,
            middlewares,
        }
    }

    /// Wraps every image model in `middlewares` too.
    pub fn with_image_middleware(
        mut self,
        middlewares: Vec<Arc<dyn ImageModelMiddleware>>,
    ) -> Self {
        self.middlewares.image_model = middlewares;
        self
    }

    /// Wraps every embedding model in `middlewares` too.
    pub fn with_embedding_middleware(
        mut self,
        middlewares: Vec<Arc<dyn EmbeddingModelMiddleware>>,
    ) -> Self {
        self.middlewares.embedding_model = middlewares;
        self
    }
}

impl std::fmt::Debug for WrappedProvider {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("WrappedProvider")
            .field("middlewares", &self.middlewares)
            .finish_non_exhaustive()
    }
}

impl Provider for WrappedProvider {
    fn language_model(&self, model_id: &str) -> Result<Arc<dyn LanguageModel>> {
        Ok(self
            .middlewares
            .language_model(self.provider.language_model(model_id)?))
    }

    fn embedding_model(&self, model_id: &str) -> Result<Arc<dyn EmbeddingModel>> {
        Ok(self
            .middlewares
            .embedding_model(self.provider.embedding_model(model_id)?))
    }

    fn image_model(&self, model_id: &str) -> Result<Arc<dyn ImageModel>> {
        Ok(self
            .middlewares
            .image_model(self.provider.image_model(model_id)?))
    }

    fn speech_model(&self, model_id: &str) -> Result<Arc<dyn SpeechModel>> {
        self.provider.speech_model(model_id)
    }

    fn transcription_model(&self, model_id: &str) -> Result<Arc<dyn TranscriptionModel>> {
        self.provider.transcription_model(model_id)
    }

    fn reranking_model(&self, model_id: &str) -> Result<Arc<dyn RerankingModel>> {
        self.provider.reranking_model(model_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;
    use crate::middleware::{default_embedding_settings, default_settings};
    use crate::provider::{CallOptions, EmbedOptions, ImageOptions};
    use crate::test_util::{
        MockEmbeddingModel, MockImageModel, MockLanguageModel, MockSpeechModel, text_response,
    };

    struct Renamer;

    impl ImageModelMiddleware for Renamer {
        fn override_model_id(&self, _model: &dyn ImageModel) -> Option<String> {
            Some("renamed".into())
        }
    }

    #[tokio::test]
    async fn every_kind_gets_its_own_middleware_and_the_rest_pass_through() {
        let language = MockLanguageModel::new().with_response(text_response("ok"));
        let embedding = MockEmbeddingModel::new().with_embed_fn(|_| vec![0.0]);
        let image = MockImageModel::new();
        let speech: Arc<dyn SpeechModel> = Arc::new(MockSpeechModel::new());
        let provider = crate::custom_provider()
            .with_language_model("l", Arc::new(language.clone()))
            .with_embedding_model("e", Arc::new(embedding.clone()))
            .with_image_model("i", Arc::new(image.clone()))
            .with_speech_model("s", speech.clone());
        let provider = wrap_provider(provider, vec![Arc::new(default_settings().seed(7))])
            .with_embedding_middleware(vec![Arc::new(
                default_embedding_settings()
                    .header("x-tenant", "t1")
                    .unwrap(),
            )])
            .with_image_middleware(vec![Arc::new(Renamer)]);

        provider
            .language_model("l")
            .unwrap()
            .do_generate(&CallOptions::default())
            .await
            .unwrap();
        assert_eq!(language.calls()[0].seed, Some(7));
        provider
            .embedding_model("e")
            .unwrap()
            .do_embed(&EmbedOptions::new(vec!["v".into()]))
            .await
            .unwrap();
        assert_eq!(embedding.calls()[0].headers["x-tenant"], "t1");
        let image_model = provider.image_model("i").unwrap();
        assert_eq!(image_model.model_id(), "renamed");
        image_model
            .do_generate(&ImageOptions::new("p", 1))
            .await
            .unwrap();
        assert_eq!(image.calls().len(), 1);
        assert!(
            Arc::ptr_eq(&provider.speech_model("s").unwrap(), &speech),
            "no middleware: the same model"
        );
        assert!(matches!(
            provider.language_model("missing"),
            Err(Error::NoSuchModel { .. })
        ));
    }
}
