//! An embedding model behind the gateway: `POST /embedding-model` with the values and the
//! call's provider options, the model named by `ai-model-id`.

use async_trait::async_trait;
use serde_json::Map;

use super::gateway_language_model::model_headers;
use super::gateway_options::{check_gateway_options, options_object};
use super::gateway_parts::warning;
use super::wire::{EmbeddingModelRequest, EmbeddingModelResponse};
use super::{SharedConnection, connection_for_call, provider_name};
use crate::error::{Error, Result};
use crate::provider::{EmbedOptions, EmbedResponse, EmbeddingModel, EmbeddingUsage, ProviderOptions, ResponseMetadata};
use crate::provider_utils::ModelOperation;

/// An embedding model behind the gateway, e.g. `openai/text-embedding-3-small`.
#[derive(Debug, Clone)]
pub struct GatewayEmbeddingModel {
    model_id: String,
    provider: String,
    connection: SharedConnection,
    /// The most values one call embeds: the mapping's `[limits]`.
    embeddings_per_call: Option<usize>,
    operation: ModelOperation,
}

impl GatewayEmbeddingModel {
    pub(crate) fn new(model_id: &str, connection: SharedConnection) -> Self {
        let operation = ModelOperation::new(connection.as_deref().ok(), |operations| operations.embedding.as_ref(), "embedding", model_id);
        let embeddings_per_call = crate::provider_utils::model_limits(&connection, model_id).embeddings_per_call;
        GatewayEmbeddingModel { model_id: model_id.to_owned(), provider: provider_name(&connection), connection, embeddings_per_call, operation }
    }
}

#[async_trait]
impl EmbeddingModel for GatewayEmbeddingModel {
    crate::provider::model_identity!(provider, model_id);

    crate::provider_utils::mapped_embedding_limits!();

    async fn do_embed(&self, options: &EmbedOptions) -> Result<EmbedResponse> {
        options.check_value_count(self.embeddings_per_call)?;
        check_gateway_options(&options.provider_options)?;
        let body = EmbeddingModelRequest {
            values: options.values.clone(),
            provider_options: options_object(&options.provider_options),
            extra: Map::new(),
        };
        let connection = connection_for_call(&self.connection)?;
        let pairs = [("ai-embedding-model-specification-version", "4"), ("ai-model-id", self.model_id.as_str())];
        let headers = model_headers(connection, &pairs, &options.headers)?;
        let response = connection.post_operation(&self.operation, &self.model_id, body, headers, &options.extra).await?.json::<EmbeddingModelResponse>().await?;
        let raw = response.raw_json();
        let answer = response.value;
        if answer.embeddings.len() != options.values.len() {
            return Err(Error::invalid_response(
                format!("asked for {} embeddings, got {}", options.values.len(), answer.embeddings.len()),
                raw.map(|raw| raw.text().into_owned()),
                None,
            ));
        }
        let embeddings = answer.embeddings.into_iter().map(|vector| vector.into_iter().map(|value| value as f32).collect()).collect();
        let usage = answer.usage.and_then(|usage| usage.tokens).map(|tokens| EmbeddingUsage { tokens: tokens.max(0.0) as u64 });
        let mut result = EmbedResponse::new(embeddings, usage);
        result.warnings = answer.warnings.into_iter().map(|item| warning(serde_json::to_value(item).unwrap_or_default())).collect();
        result.provider_metadata = (!answer.provider_metadata.is_empty()).then(|| ProviderOptions(answer.provider_metadata.into_iter().collect()));
        result.response = Some(ResponseMetadata::new(None, Some(self.model_id.clone()), None).with_headers(response.headers).with_body(raw));
        Ok(result)
    }
}
