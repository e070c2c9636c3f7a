//! The Cohere reranking model: the mapping's `rerank` operation (`POST /v2/rerank`).
//!
//! Cohere ranks strings: a JSON-object document is sent as its JSON text, with a
//! compatibility warning. The billed search units come back in provider metadata under
//! `cohere.billedUnits`.

use async_trait::async_trait;
use serde_json::{Map, Value, json};

use super::cohere_options::CohereRerankingOptions;
use super::wire::{RerankRequest, RerankResponse};
use super::{PROVIDER_ID, SharedConnection, connection_for_call};
use crate::error::{Error, Result};
use crate::provider::{ProviderMetadata, RankedDocument, RerankOptions, RerankResponse as Ranked, RerankingModel, ResponseMetadata, Warning};
use crate::provider_utils::ModelOperation;

/// A Cohere reranking model, e.g. `rerank-v3.5`.
#[derive(Debug, Clone)]
pub struct CohereRerankingModel {
    model_id: String,
    connection: SharedConnection,
    rerank: ModelOperation,
}

impl CohereRerankingModel {
    pub(crate) fn new(model_id: &str, connection: SharedConnection) -> Self {
        let rerank = ModelOperation::new(connection.as_deref().ok(), |operations| operations.rerank.as_ref(), "rerank", model_id);
        CohereRerankingModel { model_id: model_id.to_owned(), connection, rerank }
    }
}

/// The documents as strings (JSON text for anything but a string), and whether any was not one.
pub(crate) fn documents_as_text(documents: &[Value]) -> (Vec<String>, bool) {
    let mut converted = false;
    let texts = documents
        .iter()
        .map(|document| match document {
            Value::String(text) => text.clone(),
            other => {
                converted = true;
                other.to_string()
            }
        })
        .collect();
    (texts, converted)
}

/// A ranking from `(index, score)` pairs, each index checked against the documents sent.
pub(crate) fn ranking(results: impl IntoIterator<Item = (i64, f64)>, documents: usize) -> Result<Vec<RankedDocument>> {
    results
        .into_iter()
        .map(|(index, relevance_score)| {
            let index = usize::try_from(index).ok().filter(|index| *index < documents).ok_or_else(|| {
                Error::invalid_response(format!("the reranking model returned index {index} for {documents} documents"), None, None)
            })?;
            Ok(RankedDocument { index, relevance_score })
        })
        .collect()
}

#[async_trait]
impl RerankingModel for CohereRerankingModel {
    crate::provider::model_identity!(const PROVIDER_ID, model_id);

    async fn do_rerank(&self, options: &RerankOptions) -> Result<Ranked> {
        let cohere: CohereRerankingOptions = options.provider_options.parse("cohere")?.unwrap_or_default();
        let (documents, converted) = documents_as_text(&options.documents);
        let mut warnings = Vec::new();
        if converted {
            warnings.push(Warning::compatibility("object documents", "Cohere ranks text: object documents were sent as JSON text".to_owned()));
        }
        let body = RerankRequest {
            model: self.model_id.clone(),
            query: options.query.clone(),
            documents,
            top_n: options.top_n.map(|top_n| i64::try_from(top_n).unwrap_or(i64::MAX)),
            max_tokens_per_doc: cohere.max_tokens_per_doc.map(i64::from),
            priority: cohere.priority.map(i64::from),
            extra: Map::new(),
        };
        let connection = connection_for_call(&self.connection)?;
        let headers = connection.headers(&options.headers)?;
        let response = connection.post_operation(&self.rerank, &self.model_id, body, headers, &options.extra).await?.json::<RerankResponse>().await?;
        let raw = response.raw_json();
        let answer = response.value;
        let billed = answer.meta.as_ref().and_then(|meta| meta.billed_units.as_ref());
        let provider_metadata = billed.map(|billed| ProviderMetadata::new().with("cohere", json!({"billedUnits": billed})));
        let mut result = Ranked::new(ranking(answer.results.iter().map(|result| (result.index, result.relevance_score)), options.documents.len())?);
        result.provider_metadata = provider_metadata;
        result.response = ResponseMetadata::new(answer.id, Some(self.model_id.clone()), None).with_headers(response.headers).with_body(raw);
        result.warnings = warnings;
        Ok(result)
    }
}
