//! Vertex text embedding models (`text-embedding-005`, `text-multilingual-embedding-002`,
//! `gemini-embedding-001`) over `predict`: one instance per value.

use async_trait::async_trait;

use super::vertex_options::{VERTEX_PROVIDER_KEY, VertexEmbeddingOptions};
use super::wire::{PredictInstance, PredictParameters, PredictRequest, PredictResponse};
use super::{SharedConnection, connection_for_call};
use crate::error::{Error, Result};
use crate::provider::{EmbedOptions, EmbedResponse, EmbeddingModel, EmbeddingUsage, ResponseMetadata};
use crate::provider_utils::ModelOperation;

/// A Vertex text embedding model.
#[derive(Debug, Clone)]
pub struct VertexEmbeddingModel {
    model_id: String,
    connection: SharedConnection,
    provider: String,
    /// The most values one `predict` call takes: the mapping's `[limits]` (one for Gemini's
    /// embedding models).
    embeddings_per_call: Option<usize>,
    predict: ModelOperation,
}

impl VertexEmbeddingModel {
    pub(crate) fn new(model_id: &str, connection: SharedConnection) -> Self {
        let shared = connection.as_deref().ok();
        let predict = ModelOperation::new(shared, |operations| operations.embedding.as_ref(), "embedding", model_id);
        let provider = format!("{}.embedding", shared.map_or("google.vertex", |connection| connection.name.trim_end_matches(".chat")));
        let embeddings_per_call = crate::provider_utils::model_limits(&connection, model_id).embeddings_per_call;
        VertexEmbeddingModel { model_id: model_id.to_owned(), connection, provider, embeddings_per_call, predict }
    }
}

#[async_trait]
impl EmbeddingModel for VertexEmbeddingModel {
    crate::provider::model_identity!(provider, model_id);

    crate::provider_utils::mapped_embedding_limits!();

    async fn do_embed(&self, options: &EmbedOptions) -> Result<EmbedResponse> {
        options.check_value_count(self.embeddings_per_call)?;
        let vertex: VertexEmbeddingOptions = options.provider_options.parse(VERTEX_PROVIDER_KEY)?.unwrap_or_default();
        let connection = connection_for_call(&self.connection)?;
        let body = PredictRequest {
            instances: options
                .values
                .iter()
                .map(|value| PredictInstance {
                    content: Some(value.clone()),
                    task_type: vertex.task_type.clone(),
                    title: vertex.title.clone(),
                    ..Default::default()
                })
                .collect(),
            parameters: Some(PredictParameters {
                output_dimensionality: vertex.output_dimensionality.map(i64::from),
                auto_truncate: vertex.auto_truncate,
                ..Default::default()
            }),
            ..Default::default()
        };
        let headers = connection.headers(&options.headers)?;
        let response = connection.post_operation(&self.predict, &self.model_id, body, headers, &options.extra).await?.json::<PredictResponse>().await?;
        let raw = response.raw_json();
        let mut embeddings = Vec::with_capacity(response.value.predictions.len());
        let mut tokens = 0.0;
        for prediction in response.value.predictions {
            let Some(embedding) = prediction.embeddings else {
                return Err(Error::invalid_response("a prediction without embeddings", raw.map(|raw| raw.text().into_owned()), None));
            };
            tokens += embedding.statistics.and_then(|statistics| statistics.token_count).unwrap_or(0.0);
            embeddings.push(embedding.values);
        }
        if embeddings.len() != options.values.len() {
            return Err(Error::invalid_response(
                format!("asked for {} embeddings, got {}", options.values.len(), embeddings.len()),
                raw.map(|raw| raw.text().into_owned()),
                None,
            ));
        }
        // Token counts are whole numbers sent as JSON numbers (`"token_count": 6`).
        let usage = (tokens > 0.0).then_some(EmbeddingUsage { tokens: tokens as u64 });
        let mut result = EmbedResponse::new(embeddings, usage);
        result.response = Some(ResponseMetadata::default().with_headers(response.headers).with_body(raw));
        Ok(result)
    }
}
