//! The provider trait: hands out models by id.

use std::sync::Arc;

use super::embedding_model::EmbeddingModel;
use super::image_model::ImageModel;
use super::language_model::LanguageModel;
use super::reranking_model::RerankingModel;
use super::speech_model::SpeechModel;
use super::transcription_model::TranscriptionModel;
use crate::error::{Error, ModelType, Result};

/// A source of models, as used by registries. Kinds a provider lacks return
/// [`Error::NoSuchModel`] (the default of every method but `language_model`).
///
/// ```
/// use std::sync::Arc;
///
/// use specai_provider::error::ModelType;
/// use specai_provider::{EmbedOptions, EmbedResponse, EmbeddingModel, Error, LanguageModel, Provider, Result, async_trait};
///
/// /// Hands out its length embeddings under any id, and no other kind of model.
/// struct LengthProvider;
///
/// struct LengthModel(String);
///
/// #[async_trait]
/// impl EmbeddingModel for LengthModel {
///     fn provider(&self) -> &str {
///         "length"
///     }
///
///     fn model_id(&self) -> &str {
///         &self.0
///     }
///
///     fn max_embeddings_per_call(&self) -> Option<usize> {
///         None
///     }
///
///     fn supports_parallel_calls(&self) -> bool {
///         true
///     }
///
///     async fn do_embed(&self, options: &EmbedOptions) -> Result<EmbedResponse> {
///         Ok(EmbedResponse::new(options.values.iter().map(|value| vec![value.len() as f32]).collect(), None))
///     }
/// }
///
/// impl Provider for LengthProvider {
///     fn language_model(&self, model_id: &str) -> Result<Arc<dyn LanguageModel>> {
///         Err(Error::NoSuchModel { model_id: model_id.to_owned(), model_type: ModelType::Language })
///     }
///
///     fn embedding_model(&self, model_id: &str) -> Result<Arc<dyn EmbeddingModel>> {
///         Ok(Arc::new(LengthModel(model_id.to_owned())))
///     }
/// }
///
/// let model = LengthProvider.embedding_model("bytes-1")?;
/// assert_eq!((model.provider(), model.model_id()), ("length", "bytes-1"));
/// // Kinds the provider does not override answer `NoSuchModel`.
/// assert!(matches!(LengthProvider.image_model("any"), Err(Error::NoSuchModel { model_type: ModelType::Image, .. })));
/// # Ok::<(), Error>(())
/// ```
pub trait Provider: Send + Sync {
    /// The language model of this id.
    fn language_model(&self, model_id: &str) -> Result<Arc<dyn LanguageModel>>;

    /// The embedding model of this id.
    fn embedding_model(&self, model_id: &str) -> Result<Arc<dyn EmbeddingModel>> {
        Err(no_such_model(model_id, ModelType::Embedding))
    }

    /// The image model of this id.
    fn image_model(&self, model_id: &str) -> Result<Arc<dyn ImageModel>> {
        Err(no_such_model(model_id, ModelType::Image))
    }

    /// The speech model of this id.
    fn speech_model(&self, model_id: &str) -> Result<Arc<dyn SpeechModel>> {
        Err(no_such_model(model_id, ModelType::Speech))
    }

    /// The transcription model of this id.
    fn transcription_model(&self, model_id: &str) -> Result<Arc<dyn TranscriptionModel>> {
        Err(no_such_model(model_id, ModelType::Transcription))
    }

    /// The reranking model of this id.
    fn reranking_model(&self, model_id: &str) -> Result<Arc<dyn RerankingModel>> {
        Err(no_such_model(model_id, ModelType::Reranking))
    }
}

fn no_such_model(model_id: &str, model_type: ModelType) -> Error {
    Error::NoSuchModel { model_id: model_id.to_owned(), model_type }
}
