//! A scripted embedding model that records its calls.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;

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
#[derive(Clone)]
pub struct MockEmbeddingModel {
    inner: Arc<Inner>,
}

struct Inner {
    provider: String,
    model_id: String,
    max_embeddings_per_call: Option<usize>,
    supports_parallel_calls: bool,
    delay: Option<Duration>,
    embed_fn: Option<EmbedFunction>,
    responses: Mutex<VecDeque<Result<EmbedResponse>>>,
    calls: Mutex<Vec<EmbedOptions>>,
    running: AtomicUsize,
    most_running: AtomicUsize,
}

impl Default for MockEmbeddingModel {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for MockEmbeddingModel {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.debug_struct("MockEmbeddingModel").field("model_id", &self.inner.model_id).finish_non_exhaustive()
    }
}

impl MockEmbeddingModel {
    /// A mock with provider `mock`, model `mock-embedding`, no per-call limit, parallel calls
    /// allowed, and nothing scripted.
    pub fn new() -> Self {
        MockEmbeddingModel {
            inner: Arc::new(Inner {
                provider: "mock".into(),
                model_id: "mock-embedding".into(),
                max_embeddings_per_call: None,
                supports_parallel_calls: true,
                delay: None,
                embed_fn: None,
                responses: Mutex::default(),
                calls: Mutex::default(),
                running: AtomicUsize::new(0),
                most_running: AtomicUsize::new(0),
            }),
        }
    }

    fn configure(mut self, change: impl FnOnce(&mut Inner)) -> Self {
        change(Arc::get_mut(&mut self.inner).expect("configure the mock before cloning it"));
        self
    }

    /// The most values per call.
    pub fn with_max_embeddings_per_call(self, limit: Option<usize>) -> Self {
        self.configure(|inner| inner.max_embeddings_per_call = limit)
    }

    /// Whether the model allows parallel calls.
    pub fn with_parallel_calls(self, supported: bool) -> Self {
        self.configure(|inner| inner.supports_parallel_calls = supported)
    }

    /// Waits this long (on the tokio clock) in every call.
    pub fn with_delay(self, delay: Duration) -> Self {
        self.configure(|inner| inner.delay = Some(delay))
    }

    /// Answers calls that have no scripted response with `embed(value)` per value, and usage of
    /// one token per value.
    pub fn with_embed_fn(self, embed: impl Fn(&str) -> Embedding + Send + Sync + 'static) -> Self {
        self.configure(|inner| inner.embed_fn = Some(Arc::new(embed)))
    }

    /// Scripts the next answer.
    pub fn with_response(self, response: EmbedResponse) -> Self {
        self.inner.responses.lock().expect("mock state").push_back(Ok(response));
        self
    }

    /// Scripts the next call to fail.
    pub fn with_error(self, error: Error) -> Self {
        self.inner.responses.lock().expect("mock state").push_back(Err(error));
        self
    }

    /// The options of every call, in order.
    pub fn calls(&self) -> Vec<EmbedOptions> {
        self.inner.calls.lock().expect("mock state").clone()
    }

    /// The most calls that were running at the same time.
    pub fn max_concurrent_calls(&self) -> usize {
        self.inner.most_running.load(Ordering::SeqCst)
    }
}

#[async_trait]
impl EmbeddingModel for MockEmbeddingModel {
    fn provider(&self) -> &str {
        &self.inner.provider
    }

    fn model_id(&self) -> &str {
        &self.inner.model_id
    }

    fn max_embeddings_per_call(&self) -> Option<usize> {
        self.inner.max_embeddings_per_call
    }

    fn supports_parallel_calls(&self) -> bool {
        self.inner.supports_parallel_calls
    }

    async fn do_embed(&self, options: &EmbedOptions) -> Result<EmbedResponse> {
        self.inner.calls.lock().expect("mock state").push(options.clone());
        let running = self.inner.running.fetch_add(1, Ordering::SeqCst) + 1;
        self.inner.most_running.fetch_max(running, Ordering::SeqCst);
        if let Some(delay) = self.inner.delay {
            tokio::time::sleep(delay).await;
        }
        self.inner.running.fetch_sub(1, Ordering::SeqCst);
        let scripted = self.inner.responses.lock().expect("mock state").pop_front();
        match (scripted, &self.inner.embed_fn) {
            (Some(outcome), _) => outcome,
            (None, Some(embed)) => Ok(EmbedResponse::new(
                options.values.iter().map(|value| embed(value)).collect(),
                Some(EmbeddingUsage { tokens: options.values.len() as u64 }),
            )),
            (None, None) => Err(Error::invalid_argument("mock", "MockEmbeddingModel has no scripted response left")),
        }
    }
}
