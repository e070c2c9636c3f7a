//! Embeddings over InvokeModel: Titan text embeddings v2 (one text per call, calls run in
//! parallel) and Cohere embed (the mapping's `cohere` family, up to its `embeddings_per_call`
//! texts per call).
//!
//! InvokeModel's body is the model's own JSON, which AWS's Smithy model types as a blob: these
//! request and response shapes are written here from each model family's documented format.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use specai_generated::mappings::families;

use super::bedrock_api::bedrock_model;
use super::bedrock_options::{BedrockEmbeddingOptions, PROVIDER_KEY};

use crate::error::{Error, Result};
use crate::provider::{
    EmbedOptions, EmbedResponse, Embedding, EmbeddingModel, EmbeddingUsage, ResponseMetadata,
};

bedrock_model! {
    /// A Bedrock embedding model.
    pub struct BedrockEmbeddingModel;
}

/// Titan text embeddings v2: `{"inputText", "dimensions", "normalize"}`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct TitanRequest<'a> {
    input_text: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    dimensions: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    normalize: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct TitanResponse {
    embedding: Embedding,
    input_text_token_count: Option<u64>,
}

/// Cohere embed: `{"texts", "input_type", "truncate"}`.
#[derive(Debug, Serialize)]
struct CohereRequest<'a> {
    texts: &'a [String],
    input_type: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    truncate: Option<&'a str>,
}

/// `embeddings` is a list of vectors, or `{"float": [...]}` when embedding types were asked for.
#[derive(Debug, Deserialize)]
struct CohereResponse {
    embeddings: CohereEmbeddings,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum CohereEmbeddings {
    Floats(Vec<Embedding>),
    ByType { float: Vec<Embedding> },
}

impl BedrockEmbeddingModel {
    /// Cohere's embedding models (the mapping's `cohere` family) take Cohere's body; the others
    /// Titan's.
    fn is_cohere(&self) -> bool {
        self.connection.as_deref().is_ok_and(|connection| connection.mapping().family_of(&self.model_id) == Some(families::COHERE))
    }

    /// The mapping's `[limits]` for this model (Titan's body holds one text).
    fn embeddings_per_call(&self) -> Option<usize> {
        let connection = self.connection.as_deref().ok()?;
        connection.mapping().limits_for(&self.model_id).embeddings_per_call
    }

    async fn invoke<T: serde::de::DeserializeOwned>(
        &self,
        body: &impl Serialize,
        options: &EmbedOptions,
    ) -> Result<crate::provider_utils::JsonResponse<T>> {
        let connection = self.connection.clone()?;
        let url = connection.url(
            connection.mapping().operations.embedding.as_ref(),
            "embedding",
            &self.model_id,
        )?;
        connection
            .post_json(&url, body, &options.headers, &options.extra, "application/json")
            .await?
            .json::<T>()
            .await
    }
}

#[async_trait]
impl EmbeddingModel for BedrockEmbeddingModel {
    crate::provider::model_identity!(provider, model_id);

    fn max_embeddings_per_call(&self) -> Option<usize> {
        self.embeddings_per_call()
    }

    fn supports_parallel_calls(&self) -> bool {
        true
    }

    async fn do_embed(&self, options: &EmbedOptions) -> Result<EmbedResponse> {
        let bedrock: BedrockEmbeddingOptions = options
            .provider_options
            .parse(PROVIDER_KEY)?
            .unwrap_or_default();
        if self.is_cohere() {
            options.check_value_count(self.embeddings_per_call())?;
            let body = CohereRequest {
                texts: &options.values,
                input_type: bedrock.input_type.as_deref().unwrap_or("search_query"),
                truncate: bedrock.truncate.as_deref(),
            };
            let answer = self.invoke::<CohereResponse>(&body, options).await?;
            let raw = answer.raw_json();
            let embeddings = match answer.value.embeddings {
                CohereEmbeddings::Floats(vectors) | CohereEmbeddings::ByType { float: vectors } => {
                    vectors
                }
            };
            if embeddings.len() != options.values.len() {
                return Err(Error::invalid_response(
                    format!(
                        "{} embeddings for {} texts",
                        embeddings.len(),
                        options.values.len()
                    ),
                    None,
                    None,
                ));
            }
            let mut response = EmbedResponse::new(embeddings, None);
            response.response = Some(
                ResponseMetadata::default()
                    .with_headers(answer.headers)
                    .with_body(raw),
            );
            return Ok(response);
        }
        options.check_value_count(1)?;
        let Some(text) = options.values.first() else {
            return Ok(EmbedResponse::new(Vec::new(), None));
        };
        let body = TitanRequest {
            input_text: text,
            dimensions: bedrock.dimensions,
            normalize: bedrock.normalize,
        };
        let answer = self.invoke::<TitanResponse>(&body, options).await?;
        let raw = answer.raw_json();
        let usage = answer
            .value
            .input_text_token_count
            .map(|tokens| EmbeddingUsage { tokens });
        let mut response = EmbedResponse::new(vec![answer.value.embedding], usage);
        response.response = Some(
            ResponseMetadata::default()
                .with_headers(answer.headers)
                .with_body(raw),
        );
        Ok(response)
    }
}
