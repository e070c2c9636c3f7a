//! The reranking-model trait.

use async_trait::async_trait;
use http::HeaderMap;
use serde_json::Value;

use super::metadata::{ProviderMetadata, ProviderOptions, ResponseMetadata};
use super::warning::Warning;
use crate::error::Result;

/// A model that orders documents by relevance to a query.
#[async_trait]
pub trait RerankingModel: Send + Sync {
    /// The provider id.
    fn provider(&self) -> &str;

    /// The model id.
    fn model_id(&self) -> &str;

    /// Ranks the documents.
    async fn do_rerank(&self, options: &RerankOptions) -> Result<RerankResponse>;
}

/// The options of one rerank call.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct RerankOptions {
    /// The query.
    pub query: String,
    /// The documents: strings or JSON objects.
    pub documents: Vec<Value>,
    /// Return only the best N.
    pub top_n: Option<usize>,
    /// Extra HTTP headers.
    pub headers: HeaderMap,
    /// Provider-specific options.
    pub provider_options: ProviderOptions,
    /// Body members and query parameters added to this call's request as they are (see
    /// [`ExtraRequest`](crate::ExtraRequest)).
    pub extra: crate::ExtraRequest,
}

impl RerankOptions {
    /// Options for ranking documents against a query.
    pub fn new(query: impl Into<String>, documents: Vec<Value>) -> Self {
        RerankOptions { query: query.into(), documents, ..Default::default() }
    }
}

/// The result of one rerank call.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct RerankResponse {
    /// The documents by decreasing relevance.
    pub ranking: Vec<RankedDocument>,
    /// Provider-specific metadata.
    pub provider_metadata: Option<ProviderMetadata>,
    /// Response metadata.
    pub response: ResponseMetadata,
    /// Options the model could not honour.
    pub warnings: Vec<Warning>,
}

impl RerankResponse {
    /// A response holding a ranking; the rest empty.
    pub fn new(ranking: Vec<RankedDocument>) -> Self {
        RerankResponse { ranking, ..Default::default() }
    }
}

/// A document's place in a ranking.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RankedDocument {
    /// Its index in the input.
    pub index: usize,
    /// Its relevance score.
    pub relevance_score: f64,
}
