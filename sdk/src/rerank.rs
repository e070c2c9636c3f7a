//! Reranking: `rerank(model).query("...").documents([...]).top_n(3).await`.

use std::sync::Arc;

use serde_json::Value;

use crate::error::{Error, Result};
use crate::into_model::IntoModel;
use crate::provider::{ProviderMetadata, RerankOptions, RerankingModel, ResponseMetadata, Warning};
use crate::telemetry::attributes::operation;
use crate::telemetry::spans::ModelCall;
use crate::option_setters::option_setters;
use crate::request_settings::{RequestSettings, into_future_runs, request_settings_methods};

/// Orders documents by relevance to a query.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> specai::Result<()> {
/// use specai::test_util::MockRerankingModel;
///
/// let result = specai::rerank(MockRerankingModel::new())
///     .query("sunny beach")
///     .documents(["rainy city", "sunny beach day"])
///     .await?;
/// assert_eq!(result.reranked_documents(), vec!["sunny beach day", "rainy city"]);
/// # Ok(()) }
/// ```
pub fn rerank(model: impl IntoModel<dyn RerankingModel>) -> Rerank {
    Rerank {
        model: model.into_model(),
        options: RerankOptions::default(),
        settings: RequestSettings::default(),
        error: None,
    }
}

/// The builder of [`rerank`]; await it.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> specai::Result<()> {
/// use serde_json::json;
/// use specai::test_util::MockRerankingModel;
///
/// // Documents may be JSON objects; `top_n` asks the provider for the best ones only.
/// let documents = [json!({"title": "rainy city"}), json!({"title": "sunny beach day"}), json!({"title": "sunny park"})];
/// let model = MockRerankingModel::new();
/// let result = specai::rerank(model.clone()).query("sunny beach").documents(documents).top_n(1).await?;
/// assert_eq!(model.calls()[0].top_n, Some(1));
/// assert_eq!(result.reranked_documents()[0], &json!({"title": "sunny beach day"}));
/// # Ok(()) }
/// ```
#[must_use = "a rerank request does nothing until awaited"]
pub struct Rerank {
    model: Arc<dyn RerankingModel>,
    options: RerankOptions,
    settings: RequestSettings,
    error: Option<Error>,
}

impl Rerank {
    option_setters! {
        /// The query.
        query(impl Into<String>) => options.query;
        /// Return only the best N.
        top_n(usize) => Some(options.top_n);
    }

    /// The documents: strings or JSON objects.
    pub fn documents<I, D>(mut self, documents: I) -> Self
    where
        I: IntoIterator<Item = D>,
        D: Into<Value>,
    {
        self.options.documents = documents.into_iter().map(Into::into).collect();
        self
    }

    request_settings_methods!();
}

/// A document with its place in the ranking.
#[derive(Debug, Clone, PartialEq)]
pub struct RerankedDocument {
    /// Its index in the input.
    pub index: usize,
    /// Its relevance score.
    pub relevance_score: f64,
    /// The document.
    pub document: Value,
}

/// The result of [`rerank`].
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct RerankResult {
    /// The documents by decreasing relevance.
    pub ranking: Vec<RerankedDocument>,
    /// Options the model could not honour.
    pub warnings: Vec<Warning>,
    /// Response metadata.
    pub response: ResponseMetadata,
    /// Provider-specific metadata.
    pub provider_metadata: Option<ProviderMetadata>,
}

impl RerankResult {
    /// The documents alone, by decreasing relevance.
    pub fn reranked_documents(&self) -> Vec<&Value> {
        self.ranking.iter().map(|ranked| &ranked.document).collect()
    }
}

into_future_runs!(Rerank => RerankResult, "rerank", operation::RERANK);

impl Rerank {
    /// What awaiting the builder does.
    async fn run(self) -> Result<RerankResult> {
        let options = self.settings.start(self.error, self.options)?;
        if options.documents.is_empty() {
            return Ok(RerankResult::default());
        }
        let model = &*self.model;
        let call = ModelCall::start(operation::RERANK, model.provider(), model.model_id(), self.settings.telemetry.records_content());
        call.record_input_text(&options.query);
        let attempts = self.settings.call(|| model.do_rerank(&options));
        let response = call.run(attempts, |call, response| call.record_response(&response.response)).await?;
        let mut ranking = Vec::with_capacity(response.ranking.len());
        for ranked in response.ranking {
            let document = options.documents.get(ranked.index).cloned().ok_or_else(|| {
                Error::invalid_response(
                    format!("the reranking model returned index {} for {} documents", ranked.index, options.documents.len()),
                    None,
                    None,
                )
            })?;
            ranking.push(RerankedDocument { index: ranked.index, relevance_score: ranked.relevance_score, document });
        }
        ranking.sort_by(|left, right| right.relevance_score.total_cmp(&left.relevance_score));
        Ok(RerankResult {
            ranking,
            warnings: response.warnings,
            response: response.response,
            provider_metadata: response.provider_metadata,
        })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::provider::{RankedDocument, RerankResponse};
    use crate::test_util::MockRerankingModel;

    #[tokio::test]
    async fn ranks_by_score_and_keeps_documents() {
        let model = MockRerankingModel::new();
        let result = rerank(model.clone())
            .query("sunny beach")
            .documents(vec![json!("rainy city"), json!("sunny beach day"), json!({"text": "sunny hills"})])
            .top_n(2)
            .await
            .unwrap();
        let indexes: Vec<usize> = result.ranking.iter().map(|ranked| ranked.index).collect();
        assert_eq!(indexes, [1, 2, 0]);
        assert_eq!(result.reranked_documents()[0], &json!("sunny beach day"));
        assert_eq!(model.calls()[0].top_n, Some(2));
    }

    #[tokio::test]
    async fn no_documents_makes_no_call() {
        let model = MockRerankingModel::new();
        let result = rerank(model.clone()).query("q").documents(Vec::<Value>::new()).await.unwrap();
        assert!(result.ranking.is_empty());
        assert!(model.calls().is_empty());
    }

    #[tokio::test]
    async fn an_index_beyond_the_documents_is_an_invalid_response() {
        let model = MockRerankingModel::new().with_response(RerankResponse::new(vec![RankedDocument { index: 5, relevance_score: 1.0 }]));
        let error = rerank(model).query("q").documents(["a"]).await.unwrap_err();
        assert!(matches!(error, Error::InvalidResponse { .. }), "{error:?}");
    }
}
