//! The embedding model (`POST /embeddings`).

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::provider::{EmbedOptions, EmbedResponse, Embedding, EmbeddingModel, EmbeddingUsage, ResponseMetadata};

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

/// The spec's `CreateEmbeddingRequest`.
#[derive(Debug, Serialize)]
struct EmbeddingRequest<'a> {
    model: &'a str,
    input: &'a [String],
    encoding_format: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    dimensions: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    user: Option<&'a str>,
}

/// The spec's `CreateEmbeddingResponse`.
#[derive(Debug, Deserialize)]
struct EmbeddingResponse {
    data: Vec<EmbeddingData>,
    #[serde(default)]
    model: Option<String>,
    #[serde(default)]
    usage: Option<EmbeddingResponseUsage>,
}

#[derive(Debug, Deserialize)]
struct EmbeddingData {
    #[serde(default)]
    index: Option<usize>,
    embedding: Embedding,
}

#[derive(Debug, Deserialize)]
struct EmbeddingResponseUsage {
    #[serde(default)]
    prompt_tokens: u64,
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
        if options.values.len() > MAX_EMBEDDINGS_PER_CALL {
            return Err(Error::invalid_argument(
                "values",
                format!("{} values exceed the limit of {MAX_EMBEDDINGS_PER_CALL} per call", options.values.len()),
            ));
        }
        let provider_options: OpenAiEmbeddingOptions =
            options.provider_options.parse(OPENAI_PROVIDER_ID)?.unwrap_or_default();
        let request = EmbeddingRequest {
            model: &self.model_id,
            input: &options.values,
            encoding_format: "float",
            dimensions: provider_options.dimensions,
            user: provider_options.user.as_deref(),
        };
        let response = config.post_json(&self.url, &request, &options.headers).await?.json::<EmbeddingResponse>().await?;
        let mut data = response.value.data;
        if data.len() != options.values.len() {
            return Err(Error::invalid_response(
                format!("asked for {} embeddings, got {}", options.values.len(), data.len()),
                None,
                None,
            ));
        }
        // The API returns them in input order with their index; sort in case a server does not.
        if data.iter().all(|item| item.index.is_some()) {
            data.sort_by_key(|item| item.index);
        }
        let mut result = EmbedResponse::new(
            data.into_iter().map(|item| item.embedding).collect(),
            response.value.usage.map(|usage| EmbeddingUsage { tokens: usage.prompt_tokens }),
        );
        result.response = Some(ResponseMetadata::new(None, response.value.model, None).with_headers(response.headers));
        Ok(result)
    }
}
