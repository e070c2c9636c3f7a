//! [`Fallback`], an ordered list of models of one kind acting as one, and what every kind shares:
//! which errors move on to the next model, the loop over the models, and the record of what
//! failed ([`FallbackMetadata`]), which the answer carries in its provider metadata under
//! [`FallbackMetadata::KEY`]. The model traits are implemented per kind, in
//! `fallback_model.rs` (language) and `fallback_embedding_model.rs` (embedding).

use std::future::Future;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::provider::ProviderMetadata;

type Predicate = Arc<dyn Fn(&Error) -> bool + Send + Sync>;
type Observer = Arc<dyn Fn(&FallbackAttempt, &Error) + Send + Sync>;

/// When a chain moves on, and who hears about it.
#[derive(Clone, Default)]
struct FallbackPolicy {
    predicate: Option<Predicate>,
    on_fallback: Option<Observer>,
}

impl FallbackPolicy {
    /// Whether `error` moves the chain on: a retryable error (seen through a nested chain's
    /// exhausted attempts) or one the caller's predicate matches; never a cancellation.
    fn falls_back_on(&self, error: &Error) -> bool {
        if matches!(error, Error::Cancelled) {
            return false;
        }
        error.last_error().is_retryable()
            || self
                .predicate
                .as_ref()
                .is_some_and(|predicate| predicate(error))
    }
}

/// A model of a chain, by ids.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ChainMember {
    provider: String,
    model_id: String,
}

/// An ordered list of models of one kind acting as one: [`FallbackModel`](super::FallbackModel)
/// (built with [`fallback`](super::fallback)) and
/// [`FallbackEmbeddingModel`](super::FallbackEmbeddingModel) (built with
/// [`fallback_embedding`](super::fallback_embedding)).
///
/// It reports the first model's provider and model ids unless renamed
/// ([`with_provider`](Fallback::with_provider), [`with_model_id`](Fallback::with_model_id)).
///
/// ```
/// use std::sync::Arc;
/// use specai::middleware::fallback;
/// use specai::provider::LanguageModel;
/// use specai::test_util::MockLanguageModel;
///
/// let model = fallback(vec![Arc::new(MockLanguageModel::with_ids("a", "big")), Arc::new(MockLanguageModel::with_ids("b", "small"))])?
///     .fallback_if(|error| matches!(error, specai::Error::Unsupported { .. }))
///     .on_fallback(|attempt, error| eprintln!("{} failed, falling back: {error}", attempt.model_id))
///     .with_model_id("big-or-small");
/// assert_eq!((model.provider(), model.model_id()), ("a", "big-or-small"));
/// assert_eq!(model.models().len(), 2);
/// # Ok::<(), specai::Error>(())
/// ```
pub struct Fallback<M: ?Sized> {
    models: Vec<Arc<M>>,
    members: Vec<ChainMember>,
    policy: FallbackPolicy,
    pub(super) provider: String,
    pub(super) model_id: String,
}

impl<M: ?Sized> Clone for Fallback<M> {
    fn clone(&self) -> Self {
        Fallback {
            models: self.models.clone(),
            members: self.members.clone(),
            policy: self.policy.clone(),
            provider: self.provider.clone(),
            model_id: self.model_id.clone(),
        }
    }
}

impl<M: ?Sized> std::fmt::Debug for Fallback<M> {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("Fallback")
            .field("models", &self.members)
            .finish_non_exhaustive()
    }
}

impl<M: ?Sized> Fallback<M> {
    /// A chain of `models`, whose ids `ids` reads; an empty list is an [`Error::InvalidArgument`].
    pub(crate) fn new(models: Vec<Arc<M>>, ids: impl Fn(&M) -> (&str, &str)) -> Result<Self> {
        let members: Vec<ChainMember> = models
            .iter()
            .map(|model| {
                let (provider, model_id) = ids(model);
                ChainMember {
                    provider: provider.to_owned(),
                    model_id: model_id.to_owned(),
                }
            })
            .collect();
        let first = members.first().ok_or_else(|| {
            Error::invalid_argument("models", "a fallback chain needs at least one model")
        })?;
        let (provider, model_id) = (first.provider.clone(), first.model_id.clone());
        Ok(Fallback {
            models,
            members,
            policy: FallbackPolicy::default(),
            provider,
            model_id,
        })
    }

    /// Also moves on when `predicate` matches the error (retryable errors always move on).
    pub fn fallback_if(
        mut self,
        predicate: impl Fn(&Error) -> bool + Send + Sync + 'static,
    ) -> Self {
        self.policy.predicate = Some(Arc::new(predicate));
        self
    }

    /// Calls `observer` with each failed attempt (and its full error) when the chain moves on.
    pub fn on_fallback(
        mut self,
        observer: impl Fn(&FallbackAttempt, &Error) + Send + Sync + 'static,
    ) -> Self {
        self.policy.on_fallback = Some(Arc::new(observer));
        self
    }

    super::renaming_methods!();

    /// The models, in the order they are tried.
    pub fn models(&self) -> &[Arc<M>] {
        &self.models
    }

    /// The answer of the first model whose `call` succeeds, moving on as the policy says, with
    /// the record of it. When the chain ends in failure, the error is the model's own if it was
    /// the only attempt, else [`Error::RetriesExhausted`] with every attempt's.
    pub(crate) async fn run<'chain, T, Call, Attempt>(
        &'chain self,
        mut call: Call,
    ) -> Result<(T, FallbackMetadata)>
    where
        Call: FnMut(&'chain Arc<M>) -> Attempt,
        Attempt: Future<Output = Result<T>>,
    {
        let mut errors = Vec::new();
        let mut failed_attempts = Vec::new();
        for (index, (model, member)) in self.models.iter().zip(&self.members).enumerate() {
            let error = match call(model).await {
                Ok(value) => {
                    let (provider, model_id) = (member.provider.clone(), member.model_id.clone());
                    return Ok((
                        value,
                        FallbackMetadata {
                            model_index: index,
                            provider,
                            model_id,
                            failed_attempts,
                        },
                    ));
                }
                Err(error) => error,
            };
            let attempt = FallbackAttempt::new(index, member, &error);
            let moves_on = index + 1 < self.models.len() && self.policy.falls_back_on(&error);
            if moves_on {
                tracing::warn!(provider = %member.provider, model_id = %member.model_id, %error, "model failed; trying the next model of the fallback chain");
                if let Some(observer) = &self.policy.on_fallback {
                    observer(&attempt, &error);
                }
            }
            errors.push(error);
            failed_attempts.push(attempt);
            if !moves_on {
                break;
            }
        }
        Err(match errors.len() {
            1 => errors.remove(0),
            _ => Error::RetriesExhausted { errors },
        })
    }
}

/// What the answer of a fallback chain records: which model answered and which failed before it.
///
/// Read it from a result's provider metadata (a step's `provider_metadata` in `generate_text`
/// and `stream_text`, the finish part's in a raw stream, an embedding's `provider_metadata`):
///
/// ```
/// use std::sync::Arc;
/// use specai::error::ApiCallError;
/// use specai::middleware::{FallbackMetadata, fallback};
/// use specai::test_util::{MockLanguageModel, text_response};
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> specai::Result<()> {
/// let primary = MockLanguageModel::with_ids("primary", "big").with_error(ApiCallError::new(503, "https://primary/v1", "overloaded"));
/// let backup = MockLanguageModel::with_ids("backup", "small").with_response(text_response("hi"));
/// let model = fallback(vec![Arc::new(primary), Arc::new(backup)])?;
/// let result = specai::generate_text(model).prompt("Hi").max_retries(0).await?;
/// let record = FallbackMetadata::from_provider_metadata(result.final_step().provider_metadata.as_ref()).unwrap();
/// assert_eq!((record.model_index, record.model_id.as_str()), (1, "small"));
/// assert_eq!(record.failed_attempts[0].status, Some(503));
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FallbackMetadata {
    /// The position in the chain of the model that answered (0 for the first).
    pub model_index: usize,
    /// The provider id of the model that answered.
    pub provider: String,
    /// The model id of the model that answered.
    pub model_id: String,
    /// The models that failed before it, in order.
    pub failed_attempts: Vec<FallbackAttempt>,
}

impl FallbackMetadata {
    /// The provider-metadata key under which a fallback chain's answer records this.
    pub const KEY: &'static str = "fallback";

    /// The record in a result's provider metadata, if a fallback chain answered.
    ///
    /// ```
    /// use specai::middleware::FallbackMetadata;
    /// use specai::provider::ProviderMetadata;
    ///
    /// assert_eq!(FallbackMetadata::from_provider_metadata(Some(&ProviderMetadata::new())), None);
    /// ```
    pub fn from_provider_metadata(metadata: Option<&ProviderMetadata>) -> Option<Self> {
        serde_json::from_value(metadata?.get(Self::KEY)?.clone()).ok()
    }

    /// Records this in `metadata` under [`FallbackMetadata::KEY`].
    pub(crate) fn record_in(&self, metadata: &mut Option<ProviderMetadata>) {
        if let Ok(value) = serde_json::to_value(self) {
            metadata
                .get_or_insert_default()
                .0
                .insert(Self::KEY.to_owned(), value);
        }
    }
}

/// One model of a chain that failed.
///
/// ```
/// use specai::middleware::FallbackAttempt;
///
/// let attempt: FallbackAttempt = serde_json::from_value(serde_json::json!({
///     "model_index": 0, "provider": "openai.chat", "model_id": "gpt-4o",
///     "message": "overloaded", "status": 529, "retryable": true
/// }))?;
/// assert_eq!(attempt.status, Some(529));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FallbackAttempt {
    /// Its position in the chain.
    pub model_index: usize,
    /// Its provider id.
    pub provider: String,
    /// Its model id.
    pub model_id: String,
    /// The error's message.
    pub message: String,
    /// The HTTP status, when the server answered with an error.
    pub status: Option<u16>,
    /// Whether the error was retryable.
    pub retryable: bool,
}

impl FallbackAttempt {
    fn new(model_index: usize, member: &ChainMember, error: &Error) -> Self {
        FallbackAttempt {
            model_index,
            provider: member.provider.clone(),
            model_id: member.model_id.clone(),
            message: error.to_string(),
            status: error.status(),
            retryable: error.last_error().is_retryable(),
        }
    }
}
