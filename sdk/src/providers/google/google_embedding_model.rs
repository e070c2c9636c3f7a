//! The Gemini embedding model: `embedContent` for one value, `batchEmbedContents` for several
//! (at most the mapping's `embeddings_per_call`).

use async_trait::async_trait;
use serde_json::Map;

use super::convert_to_google_messages::{text_part, wire_enum};
use super::google_options::GoogleEmbeddingOptions;
use super::{PROVIDER_ID, SharedConnection, connection_for_call, model_name};
use super::wire::{BatchEmbedContentsRequest, BatchEmbedContentsResponse, Content, EmbedContentRequest, EmbedContentResponse};
use crate::error::{Error, Result};
use crate::provider::{EmbedOptions, EmbedResponse, EmbeddingModel, ResponseMetadata};
use crate::provider_utils::ModelOperation;

/// A Gemini embedding model, e.g. `gemini-embedding-001`.
#[derive(Debug, Clone)]
pub struct GoogleEmbeddingModel {
    model_id: String,
    connection: SharedConnection,
    /// The most values one `batchEmbedContents` call takes: the mapping's `[limits]`.
    embeddings_per_call: Option<usize>,
    /// `embedContent` and `batchEmbedContents`, their URLs built once.
    embed: ModelOperation,
    batch: ModelOperation,
}

impl GoogleEmbeddingModel {
    pub(crate) fn new(model_id: &str, connection: SharedConnection) -> Self {
        let shared = connection.as_deref().ok();
        let embed = ModelOperation::new(shared, |operations| operations.embedding.as_ref(), "embedding", model_id);
        let batch = ModelOperation::new(shared, |operations| operations.embedding_batch.as_ref(), "batch embedding", model_id);
        let embeddings_per_call = crate::provider_utils::model_limits(&connection, model_id).embeddings_per_call;
        GoogleEmbeddingModel { model_id: model_id.to_owned(), connection, embeddings_per_call, embed, batch }
    }

    fn request(&self, value: &str, options: &GoogleEmbeddingOptions) -> Result<EmbedContentRequest> {
        Ok(EmbedContentRequest {
            model: Some(model_name(&self.model_id)),
            content: Content { parts: vec![text_part(value)], role: Some("user".into()), extra: Map::new() },
            task_type: options.task_type.as_deref().map(wire_enum).transpose()?,
            output_dimensionality: options
                .output_dimensionality
                .map(|dimensions| i32::try_from(dimensions).unwrap_or(i32::MAX)),
            title: None,
            extra: Map::new(),
        })
    }
}

#[async_trait]
impl EmbeddingModel for GoogleEmbeddingModel {
    crate::provider::model_identity!(const PROVIDER_ID, model_id);

    crate::provider_utils::mapped_embedding_limits!();

    async fn do_embed(&self, options: &EmbedOptions) -> Result<EmbedResponse> {
        options.check_value_count(self.embeddings_per_call)?;
        let google: GoogleEmbeddingOptions = options.provider_options.parse("google")?.unwrap_or_default();
        let connection = connection_for_call(&self.connection)?;
        let headers = connection.headers(&options.headers)?;
        let (embeddings, headers, body) = if let [value] = options.values.as_slice() {
            let body = self.request(value, &google)?;
            let response =
                connection.post_operation(&self.embed, &self.model_id, body, headers, &options.extra).await?.json::<EmbedContentResponse>().await?;
            let raw = response.raw_json();
            (vec![response.value.embedding.values], response.headers, raw)
        } else {
            let body = BatchEmbedContentsRequest {
                requests: options.values.iter().map(|value| self.request(value, &google)).collect::<Result<_>>()?,
                extra: Map::new(),
            };
            let response = connection
                .post_operation(&self.batch, &self.model_id, body, headers, &options.extra)
                .await?
                .json::<BatchEmbedContentsResponse>()
                .await?;
            let raw = response.raw_json();
            let embeddings: Vec<Vec<f32>> =
                response.value.embeddings.into_iter().map(|embedding| embedding.values).collect();
            if embeddings.len() != options.values.len() {
                return Err(Error::invalid_response(
                    format!("asked for {} embeddings, got {}", options.values.len(), embeddings.len()),
                    raw.map(|raw| raw.text().into_owned()),
                    None,
                ));
            }
            (embeddings, response.headers, raw)
        };
        let mut result = EmbedResponse::new(embeddings, None);
        result.response = Some(ResponseMetadata::default().with_headers(headers).with_body(body));
        Ok(result)
    }
}
