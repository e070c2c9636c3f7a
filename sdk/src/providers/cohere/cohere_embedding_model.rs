//! The Cohere embedding model: the mapping's `embedding` operation (`POST /v2/embed`), at most
//! the mapping's `embeddings_per_call` texts per call.

use async_trait::async_trait;
use serde_json::Map;

use super::cohere_options::CohereEmbeddingOptions;
use super::wire::{EmbedInputType, EmbedRequest, EmbedResponse, EmbeddingType};
use super::{PROVIDER_ID, SharedConnection, connection_for_call};
use crate::error::{Error, Result};
use crate::provider::{EmbedOptions, EmbedResponse as Embedded, EmbeddingModel, EmbeddingUsage, ResponseMetadata};
use crate::provider_utils::ModelOperation;

/// A Cohere embedding model, e.g. `embed-v4.0`.
#[derive(Debug, Clone)]
pub struct CohereEmbeddingModel {
    model_id: String,
    connection: SharedConnection,
    /// The most texts one `embed` call takes: the mapping's `[limits]`.
    embeddings_per_call: Option<usize>,
    embed: ModelOperation,
}

impl CohereEmbeddingModel {
    pub(crate) fn new(model_id: &str, connection: SharedConnection) -> Self {
        let embed = ModelOperation::new(connection.as_deref().ok(), |operations| operations.embedding.as_ref(), "embedding", model_id);
        let embeddings_per_call = crate::provider_utils::model_limits(&connection, model_id).embeddings_per_call;
        CohereEmbeddingModel { model_id: model_id.to_owned(), connection, embeddings_per_call, embed }
    }
}

fn parse_wire<T: std::str::FromStr>(key: &str, value: &str) -> Result<T>
where
    T::Err: std::fmt::Display,
{
    value.parse().map_err(|error: T::Err| Error::invalid_argument(format!("provider_options.cohere.{key}"), error.to_string()))
}

/// The vectors of the requested type, as `f32`.
fn vectors(response: EmbedResponse, embedding_type: &EmbeddingType) -> Result<Vec<Vec<f32>>> {
    let embeddings = response.embeddings;
    let integers = |vectors: Vec<Vec<i64>>| vectors.into_iter().map(|vector| vector.into_iter().map(|value| value as f32).collect()).collect();
    Ok(match embedding_type {
        EmbeddingType::Float => embeddings.float.into_iter().map(|vector| vector.into_iter().map(|value| value as f32).collect()).collect(),
        EmbeddingType::Int8 => integers(embeddings.int8),
        EmbeddingType::Uint8 => integers(embeddings.uint8),
        EmbeddingType::Binary => integers(embeddings.binary),
        EmbeddingType::Ubinary => integers(embeddings.ubinary),
        other => return Err(Error::unsupported(format!("{other} embeddings"), Some("embeddings are vectors of numbers".to_owned()))),
    })
}

#[async_trait]
impl EmbeddingModel for CohereEmbeddingModel {
    crate::provider::model_identity!(const PROVIDER_ID, model_id);

    crate::provider_utils::mapped_embedding_limits!();

    async fn do_embed(&self, options: &EmbedOptions) -> Result<Embedded> {
        options.check_value_count(self.embeddings_per_call)?;
        let cohere: CohereEmbeddingOptions = options.provider_options.parse("cohere")?.unwrap_or_default();
        let embedding_type: EmbeddingType = parse_wire("embeddingType", cohere.embedding_type.as_deref().unwrap_or("float"))?;
        if matches!(embedding_type, EmbeddingType::Base64 | EmbeddingType::Unlisted(_)) {
            return Err(Error::unsupported(format!("{embedding_type} embeddings"), Some("use float, int8, uint8, binary or ubinary".to_owned())));
        }
        let body = EmbedRequest {
            model: self.model_id.clone(),
            texts: options.values.clone(),
            input_type: parse_wire::<EmbedInputType>("inputType", cohere.input_type.as_deref().unwrap_or("search_query"))?,
            embedding_types: vec![embedding_type.clone()],
            output_dimension: cohere.output_dimension.map(i64::from),
            truncate: cohere.truncate.as_deref().map(|truncate| parse_wire("truncate", truncate)).transpose()?,
            max_tokens: None,
            extra: Map::new(),
        };
        let connection = connection_for_call(&self.connection)?;
        let headers = connection.headers(&options.headers)?;
        let response = connection.post_operation(&self.embed, &self.model_id, body, headers, &options.extra).await?.json::<EmbedResponse>().await?;
        let raw = response.raw_json();
        let billed = response.value.meta.as_ref().and_then(|meta| meta.billed_units.as_ref());
        let usage = billed.and_then(|billed| billed.input_tokens).map(|tokens| EmbeddingUsage { tokens: tokens.max(0.0) as u64 });
        let id = response.value.id.clone();
        let embeddings = vectors(response.value, &embedding_type)?;
        if embeddings.len() != options.values.len() {
            return Err(Error::invalid_response(
                format!("asked for {} embeddings, got {}", options.values.len(), embeddings.len()),
                raw.map(|raw| raw.text().into_owned()),
                None,
            ));
        }
        let mut result = Embedded::new(embeddings, usage);
        result.response = Some(ResponseMetadata::new(Some(id), None, None).with_headers(response.headers).with_body(raw));
        Ok(result)
    }
}
