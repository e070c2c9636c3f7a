//! The embedding model (`POST /embeddings`).

use async_trait::async_trait;
use serde_json::Map;
use specai_generated::openai::types as api;

use crate::error::{Error, Result};
use crate::provider::{EmbedOptions, EmbedResponse, EmbeddingModel, EmbeddingUsage, ResponseMetadata};

use super::openai_options::{OPENAI_PROVIDER_ID, OpenAiEmbeddingOptions};
use super::{SharedConfig, config_for_call};

/// The most inputs one embeddings request may hold.
pub const MAX_EMBEDDINGS_PER_CALL: usize = 2048;

/// An embedding model. Built by [`OpenAiProvider::embedding`](super::OpenAiProvider::embedding).
#[derive(Debug, Clone)]
pub struct OpenAiEmbeddingModel {
    model_id: String,
    provider: String,
    url: String,
    config: SharedConfig,
}

impl OpenAiEmbeddingModel {
    pub(crate) fn new(model_id: String, config: SharedConfig) -> Self {
        let (provider, url) = match &config {
            Ok(config) => (config.provider_id("embedding"), config.url("/embeddings")),
            Err(_) => ("openai.embedding".to_owned(), String::new()),
        };
        OpenAiEmbeddingModel { model_id, provider, url, config }
    }
}

#[async_trait]
impl EmbeddingModel for OpenAiEmbeddingModel {
    fn provider(&self) -> &str {
        &self.provider
    }

    fn model_id(&self) -> &str {
        &self.model_id
    }

    fn max_embeddings_per_call(&self) -> Option<usize> {
        Some(MAX_EMBEDDINGS_PER_CALL)
    }

    fn supports_parallel_calls(&self) -> bool {
        true
    }

    async fn do_embed(&self, options: &EmbedOptions) -> Result<EmbedResponse> {
        let config = config_for_call(&self.config)?;
        options.check_value_count(MAX_EMBEDDINGS_PER_CALL)?;
        let provider_options: OpenAiEmbeddingOptions =
            options.provider_options.parse(OPENAI_PROVIDER_ID)?.unwrap_or_default();
        let request = api::CreateEmbeddingRequest {
            model: self.model_id.clone(),
            input: api::CreateEmbeddingRequestInput::Variant1(options.values.clone()),
            encoding_format: Some(api::CreateEmbeddingRequestEncodingFormat::Float),
            dimensions: provider_options.dimensions.map(i64::from),
            user: provider_options.user.clone(),
            extra: Map::new(),
        };
        let response =
            config.post_json(&self.url, &request, &options.headers).await?.json::<api::CreateEmbeddingResponse>().await?;
        let mut data = response.value.data;
        if data.len() != options.values.len() {
            return Err(Error::invalid_response(
                format!("asked for {} embeddings, got {}", options.values.len(), data.len()),
                None,
                None,
            ));
        }
        // The API returns them in input order with their index; sort in case a server does not.
        data.sort_by_key(|item| item.index);
        let mut embeddings = Vec::with_capacity(data.len());
        for item in data {
            match item.embedding {
                api::EmbeddingEmbedding::Array(vector) => embeddings.push(vector),
                api::EmbeddingEmbedding::String(_) => {
                    return Err(Error::invalid_response("a base64 embedding where floats were asked for", None, None));
                }
            }
        }
        let tokens = u64::try_from(response.value.usage.prompt_tokens).unwrap_or(0);
        let mut result = EmbedResponse::new(embeddings, Some(EmbeddingUsage { tokens }));
        result.response = Some(ResponseMetadata::new(None, Some(response.value.model), None).with_headers(response.headers));
        Ok(result)
    }
}
