//! The reranking-model trait.

use async_trait::async_trait;
use http::HeaderMap;
use serde_json::Value;

use super::metadata::{ProviderMetadata, ProviderOptions, ResponseMetadata};
use super::warning::Warning;
use crate::error::Result;

/// A model that orders documents by relevance to a query.
///
/// ```
/// use specai_provider::{RankedDocument, RerankOptions, RerankResponse, RerankingModel, Result, async_trait, model_identity};
///
/// /// Ranks documents by how many of the query's words they contain.
/// struct WordOverlap;
///
/// #[async_trait]
/// impl RerankingModel for WordOverlap {
///     model_identity!("overlap", "overlap-1");
///
///     async fn do_rerank(&self, options: &RerankOptions) -> Result<RerankResponse> {
///         let score = |document: &serde_json::Value| {
///             let text = document.as_str().unwrap_or_default();
///             options.query.split_whitespace().filter(|word| text.contains(word)).count() as f64
///         };
///         let mut ranking: Vec<RankedDocument> =
///             options.documents.iter().enumerate().map(|(index, document)| RankedDocument { index, relevance_score: score(document) }).collect();
///         ranking.sort_by(|a, b| b.relevance_score.total_cmp(&a.relevance_score));
///         ranking.truncate(options.top_n.unwrap_or(ranking.len()));
///         Ok(RerankResponse::new(ranking))
///     }
/// }
/// # fn block_on<F: std::future::Future>(future: F) -> F::Output {
/// #     let mut context = std::task::Context::from_waker(std::task::Waker::noop());
/// #     match std::pin::pin!(future).poll(&mut context) {
/// #         std::task::Poll::Ready(output) => output,
/// #         std::task::Poll::Pending => unreachable!("the model never waits"),
/// #     }
/// # }
/// # block_on(async {
/// let options = RerankOptions::new("sunny beach", vec!["rainy city".into(), "sunny beach day".into()]);
/// let response = WordOverlap.do_rerank(&options).await?;
/// assert_eq!(response.ranking[0], RankedDocument { index: 1, relevance_score: 2.0 });
/// # Ok::<(), specai_provider::Error>(()) }).unwrap();
/// ```
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
