//! A scripted reranking model that records its calls.

use serde_json::Value;

use super::script::scripted_mock;
use crate::error::Result;
use crate::provider::{RankedDocument, RerankOptions, RerankResponse, RerankingModel};

scripted_mock! {
    /// A reranking model that answers with scripted responses in order, and otherwise scores
    /// each document by how many of the query's words its JSON text contains; it records every
    /// call.
    ///
    #[cfg_attr(feature = "reranking", doc = " ```")]
    #[cfg_attr(not(feature = "reranking"), doc = " ```ignore")]
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> specai::Result<()> {
    /// use specai::test_util::MockRerankingModel;
    /// let model = MockRerankingModel::new();
    /// let result = specai::rerank(model.clone()).query("sunny beach").documents(["rainy city", "sunny beach day"]).await?;
    /// assert_eq!(result.reranked_documents()[0], "sunny beach day");
    /// assert_eq!(model.calls()[0].query, "sunny beach");
    /// # Ok(()) }
    /// ```
    MockRerankingModel: RerankingModel::do_rerank(RerankOptions) -> RerankResponse,
    model_id: "mock-reranking",
    unscripted: word_overlap,
}

/// Each document scored by how many of the query's words its JSON text contains, in input order.
fn word_overlap(options: &RerankOptions, _call: usize) -> Result<RerankResponse> {
    let ranked = |(index, document): (usize, &Value)| {
        let text = document.to_string();
        let score = options.query.split_whitespace().filter(|word| text.contains(word)).count();
        RankedDocument { index, relevance_score: score as f64 }
    };
    Ok(RerankResponse::new(options.documents.iter().enumerate().map(ranked).collect()))
}
