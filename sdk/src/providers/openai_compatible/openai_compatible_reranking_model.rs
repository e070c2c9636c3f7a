//! The reranking model (`POST /rerank` of the mapping's `rerank` operation): the Cohere-style
//! endpoint Together AI and several servers (vLLM, llama.cpp) offer beside chat completions.
//!
//! Documents go as given when they are all strings or all JSON objects (ranked on the
//! `rankFields` option); a mix is sent as strings (objects as their JSON text) with a
//! compatibility warning. Usage, when the server reports it, comes back in provider metadata
//! under the provider's name (`usage`).

use async_trait::async_trait;
use serde_json::{Map, Value};
use specai_generated::openai_compatible::types::{CreateRerankRequest, CreateRerankResponse};

use super::openai_compatible_options::{OpenAiCompatibleRerankingOptions, parse_options};
use super::{SharedConfig, config_for_call};
use crate::error::{Error, Result};
use crate::provider::{
    ProviderMetadata, RankedDocument, RerankOptions, RerankResponse, RerankingModel,
    ResponseMetadata, Warning,
};

/// A reranking model of an OpenAI-compatible provider, e.g. Together AI's `Salesforce/Llama-Rank-V1`.
#[derive(Debug, Clone)]
pub struct OpenAiCompatibleRerankingModel {
    model_id: String,
    provider: String,
    config: SharedConfig,
}

impl OpenAiCompatibleRerankingModel {
    pub(crate) fn new(model_id: String, config: SharedConfig, name: &str) -> Self {
        OpenAiCompatibleRerankingModel {
            model_id,
            provider: format!("{name}.reranking"),
            config,
        }
    }
}

/// The documents as sent, with a warning when strings and objects were mixed.
fn documents(documents: &[Value], warnings: &mut Vec<Warning>) -> Vec<Value> {
    let all_strings = documents.iter().all(Value::is_string);
    let all_objects = documents.iter().all(Value::is_object);
    if all_strings || all_objects {
        return documents.to_vec();
    }
    warnings.push(Warning::compatibility(
        "object documents",
        "strings and objects were mixed: every document was sent as text".to_owned(),
    ));
    documents
        .iter()
        .map(|document| {
            Value::String(
                document
                    .as_str()
                    .map_or_else(|| document.to_string(), str::to_owned),
            )
        })
        .collect()
}

#[async_trait]
impl RerankingModel for OpenAiCompatibleRerankingModel {
    crate::provider::model_identity!(provider, model_id);

    async fn do_rerank(&self, options: &RerankOptions) -> Result<RerankResponse> {
        let config = config_for_call(&self.config)?;
        let operation = config.mapping.operations.rerank.as_ref().ok_or_else(|| {
            Error::unsupported(
                "reranking",
                Some(format!(
                    "{} has no rerank operation in its mapping",
                    config.mapping.display_name
                )),
            )
        })?;
        let reranking: OpenAiCompatibleRerankingOptions =
            parse_options(&options.provider_options, &config.name)?;
        let mut warnings = Vec::new();
        let request = CreateRerankRequest {
            model: self.model_id.clone(),
            query: options.query.clone(),
            documents: documents(&options.documents, &mut warnings),
            top_n: options
                .top_n
                .map(|top_n| i64::try_from(top_n).unwrap_or(i64::MAX)),
            // The documents are the caller's already: do not send them back.
            return_documents: Some(false),
            rank_fields: reranking.rank_fields.unwrap_or_default(),
            extra: reranking.extra,
        };
        let url = config.url(operation, &self.model_id)?;
        let response = config.post_json(&url, request, &options.headers, &options.extra).await?;
        let decoded = super::read_json::<CreateRerankResponse>(response).await?;
        let answer = decoded.value;
        let ranking = answer
            .results
            .iter()
            .map(|result| {
                let index = usize::try_from(result.index)
                    .ok()
                    .filter(|index| *index < options.documents.len())
                    .ok_or_else(|| {
                        Error::invalid_response(
                            format!(
                                "the reranking model returned index {} for {} documents",
                                result.index,
                                options.documents.len()
                            ),
                            None,
                            None,
                        )
                    })?;
                Ok(RankedDocument {
                    index,
                    relevance_score: result.relevance_score,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let mut result = RerankResponse::new(ranking);
        if !answer.usage.is_empty() {
            let mut metadata = Map::new();
            metadata.insert("usage".into(), Value::Object(answer.usage));
            result.provider_metadata =
                Some(ProviderMetadata::new().with(config.name.clone(), Value::Object(metadata)));
        }
        result.response = ResponseMetadata::new(answer.id, answer.model, None)
            .with_headers(decoded.headers)
            .with_body(Some(decoded.raw));
        result.warnings = warnings;
        Ok(result)
    }
}
