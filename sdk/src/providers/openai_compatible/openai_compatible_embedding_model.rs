//! The embedding model (`POST /embeddings` of the mapping's `embedding` operation).

use async_trait::async_trait;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use specai_generated::openai_compatible::types::{
    CreateEmbeddingRequest, CreateEmbeddingRequestEncodingFormat, CreateEmbeddingRequestInput, CreateEmbeddingResponse, EmbeddingEmbedding,
};

use super::openai_compatible_request::shape_request;
use super::openai_compatible_options::{OpenAiCompatibleEmbeddingOptions, parse_options};
use super::{SharedConfig, config_for_call};
use crate::error::{Error, Result};
use crate::provider::{EmbedOptions, EmbedResponse, EmbeddingModel, EmbeddingUsage, ResponseMetadata};

/// An embedding model of an OpenAI-compatible provider.
#[derive(Debug, Clone)]
pub struct OpenAiCompatibleEmbeddingModel {
    model_id: String,
    provider: String,
    /// The most values one request carries: the mapping's `[limits]` for this model.
    embeddings_per_call: Option<usize>,
    config: SharedConfig,
}

impl OpenAiCompatibleEmbeddingModel {
    pub(crate) fn new(model_id: String, config: SharedConfig, name: &str) -> Self {
        let embeddings_per_call = super::model_limits(&config, &model_id).embeddings_per_call;
        OpenAiCompatibleEmbeddingModel { model_id, provider: format!("{name}.embedding"), embeddings_per_call, config }
    }
}

fn decode(embedding: EmbeddingEmbedding) -> Result<Vec<f32>> {
    match embedding {
        EmbeddingEmbedding::Array(values) => Ok(values),
        EmbeddingEmbedding::String(text) => {
            let bytes = BASE64
                .decode(text.trim())
                .map_err(|error| Error::invalid_response(format!("embedding is not base64: {error}"), None, None))?;
            Ok(bytes.chunks_exact(4).map(|chunk| f32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]])).collect())
        }
    }
}

#[async_trait]
impl EmbeddingModel for OpenAiCompatibleEmbeddingModel {
    crate::provider::model_identity!(provider, model_id);

    crate::provider_utils::mapped_embedding_limits!();

    async fn do_embed(&self, options: &EmbedOptions) -> Result<EmbedResponse> {
        let config = config_for_call(&self.config)?;
        options.check_value_count(self.embeddings_per_call)?;
        let operation = config.mapping.operations.embedding.as_ref().ok_or_else(|| {
            Error::unsupported("embeddings", Some(format!("{} has no embedding operation in its mapping", config.mapping.display_name)))
        })?;
        let provider_options: OpenAiCompatibleEmbeddingOptions = parse_options(&options.provider_options, &config.name)?;
        let request = CreateEmbeddingRequest {
            model: self.model_id.clone(),
            input: CreateEmbeddingRequestInput::Variant1(options.values.clone()),
            encoding_format: Some(CreateEmbeddingRequestEncodingFormat::Float),
            dimensions: provider_options.dimensions.map(i64::from),
            user: provider_options.user,
            extra: provider_options.extra,
        };
        let mut warnings = Vec::new();
        let body = shape_request(config, request, &[], Some(&mut warnings))?;
        let url = config.url(operation, &self.model_id)?;
        let response = config.post_json(&url, body, &options.headers, &options.extra).await?;
        let decoded = super::read_json::<CreateEmbeddingResponse>(response).await?;
        let raw = decoded.raw;
        let mut data = decoded.value.data;
        data.sort_by_key(|item| item.index.unwrap_or(0));
        let embeddings = data.into_iter().map(|item| decode(item.embedding)).collect::<Result<Vec<_>>>()?;
        let usage = decoded.value.usage.map(|usage| EmbeddingUsage { tokens: u64::try_from(usage.prompt_tokens).unwrap_or(0) });
        let mut result = EmbedResponse::new(embeddings, usage);
        result.response = Some(ResponseMetadata::new(None, decoded.value.model, None).with_headers(decoded.headers).with_body(Some(raw)));
        result.warnings = warnings;
        Ok(result)
    }
}
