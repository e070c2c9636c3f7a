//! Provider registries: models by `"<provider>:<model>"` id, and custom providers with aliases.
//!
//! A registry maps provider ids to [`Provider`]s, so that an application can pick models from
//! configuration (`SPECAI_MODEL=groq:llama-3.3-70b-versatile`) without naming provider types in
//! code. The separator between provider and model id is configurable because some model ids
//! contain `:` themselves (the model id is everything after the first separator).
//! [`custom_provider`] builds a provider from aliases and pre-configured models, falling back to
//! another provider for ids it does not know. Middleware given to the builder
//! ([`ProviderRegistryBuilder::language_model_middleware`] and the like, feature `middleware`)
//! wraps every model of that kind the registry hands out.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::error::{Error, ModelType, Result};
#[cfg(feature = "middleware")]
use crate::middleware::{EmbeddingModelMiddleware, ImageModelMiddleware, LanguageModelMiddleware, ModelMiddlewares};
use crate::provider::{
    EmbeddingModel, ImageModel, LanguageModel, Provider, RerankingModel, SpeechModel, TranscriptionModel,
};

/// Without the `middleware` feature there is none to apply: models are handed out as they are.
#[cfg(not(feature = "middleware"))]
#[derive(Clone, Debug, Default)]
struct ModelMiddlewares;

#[cfg(not(feature = "middleware"))]
impl ModelMiddlewares {
    fn new() -> Self {
        Self
    }

    fn language_model(&self, model: Arc<dyn LanguageModel>) -> Arc<dyn LanguageModel> {
        model
    }

    fn embedding_model(&self, model: Arc<dyn EmbeddingModel>) -> Arc<dyn EmbeddingModel> {
        model
    }

    fn image_model(&self, model: Arc<dyn ImageModel>) -> Arc<dyn ImageModel> {
        model
    }
}

/// Models from several providers, addressed as `"<provider><separator><model>"`.
///
/// Built by [`create_provider_registry`] (or [`default_registry`](crate::default_registry())); an
/// unknown provider id is a typed [`Error::NoSuchProvider`] that lists the registered ones.
///
/// ```
/// use std::sync::Arc;
/// use specai::test_util::MockEmbeddingModel;
///
/// let local = specai::custom_provider().with_embedding_model("small", Arc::new(MockEmbeddingModel::new()));
/// let registry = specai::create_provider_registry().provider("local", local).build();
/// assert_eq!(registry.provider_ids(), ["local"]);
/// assert!(registry.embedding_model("local:small").is_ok());
/// match registry.embedding_model("remote:small") {
///     Err(specai::Error::NoSuchProvider { provider_id, available_providers }) => {
///         assert_eq!((provider_id.as_str(), available_providers), ("remote", vec!["local".to_owned()]));
///     }
///     other => panic!("expected NoSuchProvider, got {:?}", other.err()),
/// }
/// ```
#[derive(Clone)]
pub struct ProviderRegistry {
    providers: BTreeMap<String, Arc<dyn Provider>>,
    separator: String,
    middlewares: ModelMiddlewares,
}

/// Starts a registry builder with the `:` separator and no providers.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> specai::Result<()> {
/// use std::sync::Arc;
/// use specai::test_util::{MockLanguageModel, text_response};
///
/// let fast = MockLanguageModel::new().with_response(text_response("hi"));
/// let mine = specai::custom_provider().with_language_model("fast", Arc::new(fast));
/// let registry = specai::create_provider_registry().provider("mine", mine).build();
/// let model = registry.language_model("mine:fast")?;
/// assert_eq!(specai::generate_text(model).prompt("Hi").await?.text(), "hi");
/// assert!(registry.language_model("other:fast").is_err());
/// # Ok(()) }
/// ```
pub fn create_provider_registry() -> ProviderRegistryBuilder {
    ProviderRegistryBuilder { providers: BTreeMap::new(), separator: ":".to_owned(), middlewares: ModelMiddlewares::new() }
}

/// Builds a [`ProviderRegistry`]: providers under ids, the separator, and middleware for the
/// models it hands out. Start one with [`create_provider_registry`].
///
/// ```
/// use std::sync::Arc;
/// use specai::test_util::MockLanguageModel;
///
/// let local = specai::custom_provider().with_language_model("llama3:8b", Arc::new(MockLanguageModel::new()));
/// // Model ids with `:` in them read better with another separator.
/// let registry = specai::create_provider_registry().provider("local", local).separator("/").build();
/// assert!(registry.language_model("local/llama3:8b").is_ok());
/// ```
#[must_use]
pub struct ProviderRegistryBuilder {
    providers: BTreeMap<String, Arc<dyn Provider>>,
    separator: String,
    middlewares: ModelMiddlewares,
}

impl ProviderRegistryBuilder {
    /// Registers a provider under an id; a later registration of the same id replaces it.
    pub fn provider(mut self, id: impl Into<String>, provider: impl Provider + 'static) -> Self {
        self.providers.insert(id.into(), Arc::new(provider));
        self
    }

    /// Registers a shared provider under an id.
    pub fn shared_provider(mut self, id: impl Into<String>, provider: Arc<dyn Provider>) -> Self {
        self.providers.insert(id.into(), provider);
        self
    }

    /// Sets the separator between provider id and model id (default `:`).
    pub fn separator(mut self, separator: impl Into<String>) -> Self {
        self.separator = separator.into();
        self
    }

    /// Wraps every language model the registry hands out in `middlewares` (the first transforms
    /// the options first), as the AI SDK's `languageModelMiddleware` option does (feature
    /// `middleware`).
    ///
    /// ```
    /// use std::sync::Arc;
    /// use specai::middleware::default_settings;
    /// use specai::test_util::MockLanguageModel;
    ///
    /// let local = specai::custom_provider().with_language_model("tiny", Arc::new(MockLanguageModel::new()));
    /// let registry = specai::create_provider_registry()
    ///     .provider("local", local)
    ///     .language_model_middleware(vec![Arc::new(default_settings().temperature(0.0))])
    ///     .build();
    /// assert_eq!(registry.language_model("local:tiny")?.model_id(), "mock-model");
    /// # Ok::<(), specai::Error>(())
    /// ```
    #[cfg(feature = "middleware")]
    pub fn language_model_middleware(mut self, middlewares: Vec<Arc<dyn LanguageModelMiddleware>>) -> Self {
        self.middlewares.language_model = middlewares;
        self
    }

    /// Wraps every embedding model the registry hands out in `middlewares` (feature `middleware`).
    ///
    /// ```
    /// use std::sync::Arc;
    /// use specai::middleware::default_embedding_settings;
    ///
    /// let settings = default_embedding_settings().provider_options("openai", serde_json::json!({"dimensions": 256}));
    /// let registry = specai::create_provider_registry().embedding_model_middleware(vec![Arc::new(settings)]).build();
    /// ```
    #[cfg(feature = "middleware")]
    pub fn embedding_model_middleware(mut self, middlewares: Vec<Arc<dyn EmbeddingModelMiddleware>>) -> Self {
        self.middlewares.embedding_model = middlewares;
        self
    }

    /// Wraps every image model the registry hands out in `middlewares` (feature `middleware`).
    ///
    /// ```
    /// let registry = specai::create_provider_registry().image_model_middleware(Vec::new()).build();
    /// ```
    #[cfg(feature = "middleware")]
    pub fn image_model_middleware(mut self, middlewares: Vec<Arc<dyn ImageModelMiddleware>>) -> Self {
        self.middlewares.image_model = middlewares;
        self
    }

    /// The registry.
    pub fn build(self) -> ProviderRegistry {
        ProviderRegistry { providers: self.providers, separator: self.separator, middlewares: self.middlewares }
    }
}

impl ProviderRegistry {
    /// The registered provider ids, sorted.
    pub fn provider_ids(&self) -> Vec<String> {
        self.providers.keys().cloned().collect()
    }

    /// The provider registered under an id.
    pub fn provider(&self, provider_id: &str) -> Result<&Arc<dyn Provider>> {
        self.providers.get(provider_id).ok_or_else(|| Error::NoSuchProvider {
            provider_id: provider_id.to_owned(),
            available_providers: self.provider_ids(),
        })
    }

    fn split<'a>(&'a self, id: &'a str, model_type: ModelType) -> Result<(&'a Arc<dyn Provider>, &'a str)> {
        let (provider_id, model_id) = id.split_once(self.separator.as_str()).ok_or_else(|| {
            Error::invalid_argument(
                "id",
                format!(
                    "invalid {model_type} model id `{id}`: expected `<provider>{}<model>`",
                    self.separator
                ),
            )
        })?;
        Ok((self.provider(provider_id)?, model_id))
    }

    /// The language model of a `"<provider>:<model>"` id.
    pub fn language_model(&self, id: &str) -> Result<Arc<dyn LanguageModel>> {
        let (provider, model_id) = self.split(id, ModelType::Language)?;
        Ok(self.middlewares.language_model(provider.language_model(model_id)?))
    }

    /// The embedding model of a `"<provider>:<model>"` id.
    pub fn embedding_model(&self, id: &str) -> Result<Arc<dyn EmbeddingModel>> {
        let (provider, model_id) = self.split(id, ModelType::Embedding)?;
        let model = kind_built(provider.embedding_model(model_id), cfg!(feature = "embedding"))?;
        Ok(self.middlewares.embedding_model(model))
    }

    /// The image model of a `"<provider>:<model>"` id.
    pub fn image_model(&self, id: &str) -> Result<Arc<dyn ImageModel>> {
        let (provider, model_id) = self.split(id, ModelType::Image)?;
        let model = kind_built(provider.image_model(model_id), cfg!(feature = "image"))?;
        Ok(self.middlewares.image_model(model))
    }

    /// The speech model of a `"<provider>:<model>"` id.
    pub fn speech_model(&self, id: &str) -> Result<Arc<dyn SpeechModel>> {
        let (provider, model_id) = self.split(id, ModelType::Speech)?;
        kind_built(provider.speech_model(model_id), cfg!(feature = "speech"))
    }

    /// The transcription model of a `"<provider>:<model>"` id.
    pub fn transcription_model(&self, id: &str) -> Result<Arc<dyn TranscriptionModel>> {
        let (provider, model_id) = self.split(id, ModelType::Transcription)?;
        kind_built(provider.transcription_model(model_id), cfg!(feature = "transcription"))
    }

    /// The reranking model of a `"<provider>:<model>"` id.
    pub fn reranking_model(&self, id: &str) -> Result<Arc<dyn RerankingModel>> {
        let (provider, model_id) = self.split(id, ModelType::Reranking)?;
        kind_built(provider.reranking_model(model_id), cfg!(feature = "reranking"))
    }
}

/// A lookup of a model kind whose feature this build lacks: the built-in providers hand out no
/// models of the kind then, so their `NoSuchModel` becomes an `Unsupported` error naming the
/// feature (each kind's feature has the kind's name). A caller's own provider may still have
/// such models.
fn kind_built<T>(lookup: Result<T>, built: bool) -> Result<T> {
    match lookup {
        Err(Error::NoSuchModel { model_id, model_type }) if !built => Err(Error::unsupported(
            format!("{model_type} models"),
            Some(format!(
                "`{model_id}`: the provider has none, and specai was built without its `{model_type}` feature, \
                 which brings the built-in providers' {model_type} models"
            )),
        )),
        other => other,
    }
}

impl std::fmt::Debug for ProviderRegistry {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("ProviderRegistry")
            .field("providers", &self.provider_ids())
            .field("separator", &self.separator)
            .field("middlewares", &self.middlewares)
            .finish()
    }
}

/// Starts a custom provider: aliases and pre-configured models, with an optional fallback.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> specai::Result<()> {
/// use std::sync::Arc;
/// use specai::provider::Provider;
/// use specai::test_util::MockEmbeddingModel;
///
/// let provider = specai::custom_provider().with_embedding_model("small", Arc::new(MockEmbeddingModel::new()));
/// assert!(provider.embedding_model("small").is_ok());
/// assert!(provider.embedding_model("large").is_err()); // no fallback provider
/// # Ok(()) }
/// ```
pub fn custom_provider() -> CustomProvider {
    CustomProvider::default()
}

/// A provider made of named models, e.g. `"fast"` for a small model with preset options; ids it
/// does not know go to the fallback provider, or fail with [`Error::NoSuchModel`].
///
/// ```
/// use std::sync::Arc;
/// use specai::provider::Provider;
/// use specai::test_util::MockLanguageModel;
///
/// let everything = specai::custom_provider().with_language_model("big", Arc::new(MockLanguageModel::new()));
/// let aliases = specai::custom_provider()
///     .with_language_model("fast", Arc::new(MockLanguageModel::new()))
///     .with_fallback_provider(Arc::new(everything));
/// assert!(aliases.language_model("fast").is_ok());
/// assert!(aliases.language_model("big").is_ok()); // from the fallback
/// assert!(matches!(aliases.language_model("huge"), Err(specai::Error::NoSuchModel { .. })));
/// ```
#[derive(Clone, Default)]
#[must_use]
pub struct CustomProvider {
    language_models: BTreeMap<String, Arc<dyn LanguageModel>>,
    embedding_models: BTreeMap<String, Arc<dyn EmbeddingModel>>,
    image_models: BTreeMap<String, Arc<dyn ImageModel>>,
    speech_models: BTreeMap<String, Arc<dyn SpeechModel>>,
    transcription_models: BTreeMap<String, Arc<dyn TranscriptionModel>>,
    reranking_models: BTreeMap<String, Arc<dyn RerankingModel>>,
    fallback: Option<Arc<dyn Provider>>,
}

/// For each model kind, from one line (field, model trait, [`ModelType`], setter, lookup): the
/// `with_*` setter of [`CustomProvider`] and its [`Provider`] lookup (the model added under the
/// id, else the fallback provider's).
macro_rules! custom_provider_kinds {
    ($($field:ident: $model:ident, $kind:ident, $setter:ident, $lookup:ident, $name:literal;)*) => {
        impl CustomProvider {
            $(
                #[doc = concat!("Adds ", $name, " under an id.")]
                pub fn $setter(mut self, id: impl Into<String>, model: Arc<dyn $model>) -> Self {
                    self.$field.insert(id.into(), model);
                    self
                }
            )*
        }

        impl Provider for CustomProvider {
            $(
                fn $lookup(&self, model_id: &str) -> Result<Arc<dyn $model>> {
                    find(&self.$field, self.fallback.as_ref(), model_id, ModelType::$kind, |provider| provider.$lookup(model_id))
                }
            )*
        }
    };
}

custom_provider_kinds! {
    language_models: LanguageModel, Language, with_language_model, language_model, "a language model";
    embedding_models: EmbeddingModel, Embedding, with_embedding_model, embedding_model, "an embedding model";
    image_models: ImageModel, Image, with_image_model, image_model, "an image model";
    speech_models: SpeechModel, Speech, with_speech_model, speech_model, "a speech model";
    transcription_models: TranscriptionModel, Transcription, with_transcription_model, transcription_model, "a transcription model";
    reranking_models: RerankingModel, Reranking, with_reranking_model, reranking_model, "a reranking model";
}

impl CustomProvider {
    /// Sends ids this provider does not know to another provider.
    pub fn with_fallback_provider(mut self, provider: Arc<dyn Provider>) -> Self {
        self.fallback = Some(provider);
        self
    }
}

fn find<Model: ?Sized>(
    models: &BTreeMap<String, Arc<Model>>,
    fallback: Option<&Arc<dyn Provider>>,
    model_id: &str,
    model_type: ModelType,
    from_fallback: impl FnOnce(&dyn Provider) -> Result<Arc<Model>>,
) -> Result<Arc<Model>> {
    if let Some(model) = models.get(model_id) {
        return Ok(model.clone());
    }
    match fallback {
        Some(provider) => from_fallback(provider.as_ref()),
        None => Err(Error::NoSuchModel { model_id: model_id.to_owned(), model_type }),
    }
}

#[cfg(test)]
mod tests {
    use async_trait::async_trait;

    use super::*;
    use crate::provider::{CallOptions, GenerateResponse, StreamResponse};

    struct NamedModel(String);

    #[async_trait]
    impl LanguageModel for NamedModel {
        fn provider(&self) -> &str {
            "named"
        }
        fn model_id(&self) -> &str {
            &self.0
        }
        async fn do_generate(&self, _: &CallOptions) -> Result<GenerateResponse> {
            Err(Error::unsupported("generate", None))
        }
        async fn do_stream(&self, _: &CallOptions) -> Result<StreamResponse> {
            Err(Error::unsupported("stream", None))
        }
    }

    /// Hands out a model for any id.
    struct AnyModelProvider;

    impl Provider for AnyModelProvider {
        fn language_model(&self, model_id: &str) -> Result<Arc<dyn LanguageModel>> {
            Ok(Arc::new(NamedModel(model_id.to_owned())))
        }
    }

    #[test]
    fn resolves_provider_and_keeps_separators_in_model_ids() {
        let registry = create_provider_registry().provider("acme", AnyModelProvider).build();
        let model = registry.language_model("acme:ft:base:org").unwrap();
        assert_eq!(model.model_id(), "ft:base:org");
    }

    #[test]
    fn unknown_provider_and_unknown_kind_are_typed_errors() {
        let registry = create_provider_registry().provider("acme", AnyModelProvider).build();
        match registry.language_model("nope:model").err().unwrap() {
            Error::NoSuchProvider { provider_id, available_providers } => {
                assert_eq!(provider_id, "nope");
                assert_eq!(available_providers, vec!["acme".to_owned()]);
            }
            other => panic!("{other:?}"),
        }
        #[cfg(feature = "embedding")]
        assert!(matches!(
            registry.embedding_model("acme:e").err().unwrap(),
            Error::NoSuchModel { model_type: ModelType::Embedding, .. }
        ));
        // Without the model kind, the lookup names the feature that brings it.
        #[cfg(not(feature = "embedding"))]
        match registry.embedding_model("acme:e").err().unwrap() {
            Error::Unsupported { message: Some(message), .. } => assert!(message.contains("`embedding` feature"), "{message}"),
            other => panic!("{other:?}"),
        }
        assert!(matches!(registry.language_model("no-separator").err().unwrap(), Error::InvalidArgument { .. }));
    }

    #[test]
    fn custom_separator() {
        let registry = create_provider_registry().separator(" > ").provider("acme", AnyModelProvider).build();
        assert_eq!(registry.language_model("acme > m:1").unwrap().model_id(), "m:1");
    }

    #[cfg(feature = "middleware")]
    #[tokio::test]
    async fn middleware_wraps_every_language_model_handed_out() {
        let mock = crate::test_util::MockLanguageModel::new().with_response(crate::test_util::text_response("ok"));
        let provider = custom_provider().with_language_model("m", Arc::new(mock.clone()));
        let registry = create_provider_registry()
            .provider("p", provider)
            .language_model_middleware(vec![Arc::new(crate::middleware::default_settings().top_k(3))])
            .build();
        registry.language_model("p:m").unwrap().do_generate(&CallOptions::default()).await.unwrap();
        assert_eq!(mock.calls()[0].top_k, Some(3));
        assert!(matches!(registry.language_model("p:none").err().unwrap(), Error::NoSuchModel { .. }));
    }

    #[test]
    fn custom_provider_aliases_then_fallback() {
        let provider = custom_provider()
            .with_language_model("fast", Arc::new(NamedModel("small-model".into())))
            .with_fallback_provider(Arc::new(AnyModelProvider));
        assert_eq!(provider.language_model("fast").unwrap().model_id(), "small-model");
        assert_eq!(provider.language_model("other").unwrap().model_id(), "other");
        let without_fallback = custom_provider();
        assert!(matches!(without_fallback.language_model("x").err().unwrap(), Error::NoSuchModel { .. }));
        let registry = create_provider_registry().provider("mine", provider).build();
        assert_eq!(registry.language_model("mine:fast").unwrap().model_id(), "small-model");
    }

    /// In a build without a kind's feature, a provider's "no such model" says which feature is
    /// missing; in a build with it, and for other errors and found models, the lookup is as given.
    #[test]
    fn a_lookup_of_a_kind_not_built_names_the_feature() {
        let missing = || Err::<(), _>(Error::NoSuchModel { model_id: "tts-1".into(), model_type: ModelType::Speech });
        match kind_built(missing(), false).unwrap_err() {
            Error::Unsupported { functionality, message } => {
                assert_eq!(functionality, "speech models");
                assert_eq!(
                    message.as_deref(),
                    Some(
                        "`tts-1`: the provider has none, and specai was built without its `speech` feature, \
                         which brings the built-in providers' speech models"
                    )
                );
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(kind_built(missing(), true), Err(Error::NoSuchModel { .. })));
        assert!(matches!(kind_built(Ok(()), false), Ok(())));
        let other = Err::<(), _>(Error::invalid_argument("id", "bad"));
        assert!(matches!(kind_built(other, false), Err(Error::InvalidArgument { .. })));
    }
}
