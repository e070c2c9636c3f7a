//! A scripted reranking model that records its calls.

use serde_json::Value;

use super::script::scripted_mock;
use crate::error::Result;
use crate::provider::{RankedDocument, RerankOptions, RerankResponse, RerankingModel};

scripted_mock! {
    /// A reranking model that answers with scripted responses in order, and otherwise ranks the
    /// documents by how many of the query's words their JSON text contains (keeping `top_n`);
    /// it records every call.
    ///
    /// ```
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

/// Each document scored by how many of the query's words its JSON text contains, best first
/// (ties in input order), and only the `top_n` best when the call asks, as a reranking API does.
fn word_overlap(options: &RerankOptions, _call: usize) -> Result<RerankResponse> {
    let ranked = |(index, document): (usize, &Value)| {
        let text = document.to_string();
        let score = options.query.split_whitespace().filter(|word| text.contains(word)).count();
        RankedDocument { index, relevance_score: score as f64 }
    };
    let mut ranking: Vec<RankedDocument> = options.documents.iter().enumerate().map(ranked).collect();
    ranking.sort_by(|first, second| second.relevance_score.total_cmp(&first.relevance_score));
    ranking.truncate(options.top_n.unwrap_or(ranking.len()));
    Ok(RerankResponse::new(ranking))
}
