//! A scripted embedding model that records its calls.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use async_trait::async_trait;

use super::script::{Script, script_methods};
use crate::error::{Error, Result};
use crate::provider::{EmbedOptions, EmbedResponse, Embedding, EmbeddingModel, EmbeddingUsage};

type EmbedFunction = Arc<dyn Fn(&str) -> Embedding + Send + Sync>;

/// An embedding model that answers with scripted responses in order, then (when set) with a
/// function of each value; it records every call and the most calls it saw at once.
///
/// ```
/// use specai::test_util::MockEmbeddingModel;
/// let model = MockEmbeddingModel::new()
///     .with_max_embeddings_per_call(Some(2))
///     .with_embed_fn(|value| vec![value.len() as f32, 1.0]);
/// ```
#[derive(Clone, Default)]
pub struct MockEmbeddingModel {
    max_embeddings_per_call: Option<usize>,
    /// Whether the model refuses parallel calls (not the default, hence the negative).
    sequential_only: bool,
    delay: Option<Duration>,
    embed_fn: Option<EmbedFunction>,
    script: Arc<Script<EmbedResponse, EmbedOptions>>,
    running: Arc<AtomicUsize>,
    most_running: Arc<AtomicUsize>,
}

impl std::fmt::Debug for MockEmbeddingModel {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.debug_struct("MockEmbeddingModel").field("script", &self.script).finish_non_exhaustive()
    }
}

impl MockEmbeddingModel {
    /// A mock with provider `mock`, model `mock-embedding`, no per-call limit, parallel calls
    /// allowed, and nothing scripted.
    pub fn new() -> Self {
        Self::default()
    }

    /// The most values per call.
    pub fn with_max_embeddings_per_call(mut self, limit: Option<usize>) -> Self {
        self.max_embeddings_per_call = limit;
        self
    }

    /// Whether the model allows parallel calls.
    pub fn with_parallel_calls(mut self, supported: bool) -> Self {
        self.sequential_only = !supported;
        self
    }

    /// Waits this long (on the tokio clock) in every call.
    pub fn with_delay(mut self, delay: Duration) -> Self {
        self.delay = Some(delay);
        self
    }

    /// Answers calls that have no scripted response with `embed(value)` per value, and usage of
    /// one token per value.
    pub fn with_embed_fn(mut self, embed: impl Fn(&str) -> Embedding + Send + Sync + 'static) -> Self {
        self.embed_fn = Some(Arc::new(embed));
        self
    }

    script_methods!(EmbedResponse, EmbedOptions);

    /// The most calls that were running at the same time.
    pub fn max_concurrent_calls(&self) -> usize {
        self.most_running.load(Ordering::SeqCst)
    }

    /// The answer to a call with no scripted response left.
    fn unscripted(&self, options: &EmbedOptions) -> Result<EmbedResponse> {
        let embed = self.embed_fn.as_ref().ok_or_else(|| Error::invalid_argument("mock", "MockEmbeddingModel has no scripted response left"))?;
        let embeddings = options.values.iter().map(|value| embed(value)).collect();
        Ok(EmbedResponse::new(embeddings, Some(EmbeddingUsage { tokens: options.values.len() as u64 })))
    }
}

#[async_trait]
impl EmbeddingModel for MockEmbeddingModel {
    crate::provider::model_identity!("mock", "mock-embedding");

    fn max_embeddings_per_call(&self) -> Option<usize> {
        self.max_embeddings_per_call
    }

    fn supports_parallel_calls(&self) -> bool {
        !self.sequential_only
    }

    async fn do_embed(&self, options: &EmbedOptions) -> Result<EmbedResponse> {
        self.script.record(options);
        let running = self.running.fetch_add(1, Ordering::SeqCst) + 1;
        self.most_running.fetch_max(running, Ordering::SeqCst);
        if let Some(delay) = self.delay {
            tokio::time::sleep(delay).await;
        }
        self.running.fetch_sub(1, Ordering::SeqCst);
        self.script.next().await.unwrap_or_else(|| self.unscripted(options))
    }
}
