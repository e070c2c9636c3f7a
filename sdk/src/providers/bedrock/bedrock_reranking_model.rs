//! The agent runtime's Rerank as a [`RerankingModel`].
//!
//! The model is named by ARN (`arn:aws:bedrock:<region>::foundation-model/<id>`, built from the
//! region unless the id is an ARN already); string documents are sent as text, other JSON
//! values as JSON documents. Results come back sorted by relevance, with their input index.

use async_trait::async_trait;
use serde_json::{Map, Value};

use super::bedrock_api::bedrock_model;
use super::bedrock_options::{BedrockRerankingOptions, PROVIDER_KEY};
use super::wire;
use crate::error::{Error, Result};
use crate::provider::{
    RankedDocument, RerankOptions, RerankResponse, RerankingModel, ResponseMetadata,
};

bedrock_model! {
    /// A Bedrock reranking model.
    pub struct BedrockRerankingModel;
}

fn text_document(text: String) -> wire::RerankTextDocument {
    wire::RerankTextDocument {
        text: Some(text),
        extra: Map::new(),
    }
}

fn source(document: &Value) -> wire::RerankSource {
    let inline = match document {
        Value::String(text) => wire::RerankDocument {
            json_document: None,
            text_document: Some(text_document(text.clone())),
            type_: wire::RerankDocumentType::Text,
            extra: Map::new(),
        },
        other => wire::RerankDocument {
            json_document: Some(other.clone()),
            text_document: None,
            type_: wire::RerankDocumentType::Json,
            extra: Map::new(),
        },
    };
    wire::RerankSource {
        inline_document_source: inline,
        type_: wire::RerankSourceType::Inline,
        extra: Map::new(),
    }
}

#[async_trait]
impl RerankingModel for BedrockRerankingModel {
    crate::provider::model_identity!(provider, model_id);

    async fn do_rerank(&self, options: &RerankOptions) -> Result<RerankResponse> {
        let connection = self.connection.clone()?;
        let bedrock: BedrockRerankingOptions = options
            .provider_options
            .parse(PROVIDER_KEY)?
            .unwrap_or_default();
        let model_arn = if self.model_id.starts_with("arn:") {
            self.model_id.clone()
        } else {
            format!(
                "arn:aws:bedrock:{}::foundation-model/{}",
                connection.region()?,
                self.model_id
            )
        };
        let number_of_results = options
            .top_n
            .map(|top_n| {
                i32::try_from(top_n).map_err(|_| Error::invalid_argument("top_n", "too large"))
            })
            .transpose()?;
        let body = wire::RerankRequest {
            next_token: bedrock.next_token,
            queries: vec![wire::RerankQuery {
                text_query: text_document(options.query.clone()),
                type_: wire::RerankQueryContentType::Text,
                extra: Map::new(),
            }],
            reranking_configuration: wire::RerankingConfiguration {
                bedrock_reranking_configuration: wire::BedrockRerankingConfiguration {
                    model_configuration: wire::BedrockRerankingModelConfiguration {
                        additional_model_request_fields: bedrock
                            .additional_model_request_fields
                            .unwrap_or_default(),
                        model_arn,
                        extra: Map::new(),
                    },
                    number_of_results,
                    extra: Map::new(),
                },
                type_: wire::RerankingConfigurationType::BedrockRerankingModel,
                extra: Map::new(),
            },
            sources: options.documents.iter().map(source).collect(),
            extra: Map::new(),
        };
        let url = connection.url(
            connection.mapping().operations.rerank.as_ref(),
            "rerank",
            &self.model_id,
        )?;
        let answer = connection
            .post_json(&url, body, &options.headers, &options.extra, "application/json")
            .await?
            .json::<wire::RerankResponse>()
            .await?;
        let ranking = answer
            .value
            .results
            .iter()
            .map(|result| {
                let index = usize::try_from(result.index)
                    .ok()
                    .filter(|index| *index < options.documents.len());
                index
                    .map(|index| RankedDocument {
                        index,
                        relevance_score: f64::from(result.relevance_score),
                    })
                    .ok_or_else(|| {
                        Error::invalid_response(
                            format!(
                                "rerank result index {} is not one of the {} documents",
                                result.index,
                                options.documents.len()
                            ),
                            None,
                            None,
                        )
                    })
            })
            .collect::<Result<Vec<_>>>()?;
        let mut response = RerankResponse::new(ranking);
        response.provider_metadata = answer.value.next_token.as_ref().map(|token| {
            super::bedrock_language_model::bedrock_metadata(serde_json::json!({"nextToken": token}))
        });
        response.response = ResponseMetadata::new(None, Some(self.model_id.clone()), None)
            .with_headers(answer.headers.clone())
            .with_body(answer.raw_json());
        Ok(response)
    }
}
