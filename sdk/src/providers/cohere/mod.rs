//! Cohere (API v2): language models over `/v2/chat`, embedding models over `/v2/embed` and
//! reranking models over `/v2/rerank`.
//!
//! ```no_run
//! # async fn example() -> specai::Result<()> {
//! use specai::cohere::{CohereSettings, create_cohere};
//!
//! let cohere = create_cohere(CohereSettings::default()); // key from COHERE_API_KEY
//! let model = cohere.language_model("command-a-03-2025");
//! let response = specai::generate_text(model).prompt("Hello").await?;
//! let ranked = specai::rerank(cohere.reranking_model("rerank-v3.5"))
//!     .query("sunny beach")
//!     .documents(["rainy city", "sunny beach day"])
//!     .await?;
//! # Ok(()) }
//! ```
//!
//! The base URL, key variables, bearer auth, operation paths and error paths come from
//! `specs/cohere/provider.toml`, read through the shared mapping-driven connection; none is
//! restated here. Request and response bodies are the types generated from
//! `specs/cohere/openapi.json` (written from Cohere's documented wire format). Cohere's
//! citations arrive as document sources; non-image files of the prompt are sent as the
//! request's `documents`, which the model cites. Cohere-only settings are [`CohereOptions`]
//! (and [`CohereEmbeddingOptions`], [`CohereRerankingOptions`]) under `provider_options["cohere"]`.

mod cohere_embedding_model;
mod cohere_language_model;
mod cohere_options;
mod cohere_prepare_tools;
mod cohere_reranking_model;
mod cohere_stream;
mod convert_to_cohere_messages;
mod map_cohere_finish_reason;

/// The wire types, generated from specs/cohere/openapi.json.
use specai_generated::cohere::types as wire;

use std::sync::Arc;

use specai_generated::mappings::{COHERE, ProviderMapping};

pub use cohere_embedding_model::{CohereEmbeddingModel, MAX_EMBEDDINGS_PER_CALL};
pub use cohere_language_model::CohereLanguageModel;
pub use cohere_options::{CohereEmbeddingOptions, CohereImagePartOptions, CohereOptions, CohereRerankingOptions, CohereThinking};
pub use cohere_reranking_model::CohereRerankingModel;
pub use map_cohere_finish_reason::map_cohere_finish_reason;

use crate::error::Result;
use crate::provider::{EmbeddingModel, LanguageModel, Provider, RerankingModel};
use crate::provider_utils::{ConnectionSettings, MappedConnection, connection_setters};

/// The provider id models report.
const PROVIDER_ID: &str = "cohere";

/// How to reach Cohere, built with `with_*` methods; every setting is optional, and the
/// defaults come from `specs/cohere/provider.toml` (the key from `COHERE_API_KEY`, or the
/// deprecated `CO_API_KEY`, sent as a bearer token; the base URL without `/v2`).
///
/// ```
/// use specai::cohere::{CohereSettings, create_cohere};
///
/// let provider = create_cohere(CohereSettings::default().with_api_key("..."));
/// let model = provider.language_model("command-a-03-2025");
/// ```
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct CohereSettings {
    connection: ConnectionSettings,
}

impl CohereSettings {
    connection_setters!();
}

/// The connection every model of one provider shares, or the error building it gave.
pub(crate) type SharedConnection = Result<Arc<MappedConnection>>;

fn connection_for_call(connection: &SharedConnection) -> Result<&MappedConnection> {
    connection.as_deref().map_err(Clone::clone)
}

/// The Cohere provider: hands out language, embedding and reranking models.
#[derive(Debug, Clone)]
pub struct CohereProvider {
    connection: SharedConnection,
}

/// A Cohere provider with these settings. Invalid settings are reported by every call of its
/// models.
///
/// ```
/// use specai::cohere::{CohereSettings, create_cohere};
/// use specai::provider::LanguageModel;
///
/// let provider = create_cohere(CohereSettings::default().with_api_key("my-key").with_base_url("http://127.0.0.1:8080"));
/// let model = provider.language_model("command-a-03-2025");
/// assert_eq!(model.model_id(), "command-a-03-2025");
/// ```
pub fn create_cohere(settings: CohereSettings) -> CohereProvider {
    create_cohere_from_mapping(COHERE, settings)
}

/// A provider following `mapping` (a modified copy of the Cohere mapping, in tests).
pub(crate) fn create_cohere_from_mapping(mapping: ProviderMapping, settings: CohereSettings) -> CohereProvider {
    CohereProvider { connection: MappedConnection::new(mapping, settings.connection, None).map(Arc::new) }
}

/// The language model of this id from a default provider (settings from the environment).
///
/// ```no_run
/// # async fn example() -> specai::Result<()> {
/// use specai::cohere::cohere;
///
/// let answer = specai::generate_text(cohere("command-a-03-2025")).prompt("Hi!").await?; // key from COHERE_API_KEY
/// # Ok(()) }
/// ```
pub fn cohere(model_id: &str) -> CohereLanguageModel {
    create_cohere(CohereSettings::default()).language_model(model_id)
}

impl CohereProvider {
    /// The language model of this id, e.g. `command-a-03-2025`.
    pub fn language_model(&self, model_id: &str) -> CohereLanguageModel {
        CohereLanguageModel::new(model_id, self.connection.clone())
    }

    /// The embedding model of this id, e.g. `embed-v4.0`.
    pub fn embedding_model(&self, model_id: &str) -> CohereEmbeddingModel {
        CohereEmbeddingModel::new(model_id, self.connection.clone())
    }

    /// The reranking model of this id, e.g. `rerank-v3.5`.
    pub fn reranking_model(&self, model_id: &str) -> CohereRerankingModel {
        CohereRerankingModel::new(model_id, self.connection.clone())
    }
}

impl Provider for CohereProvider {
    fn language_model(&self, model_id: &str) -> Result<Arc<dyn LanguageModel>> {
        Ok(Arc::new(CohereProvider::language_model(self, model_id)))
    }

    fn embedding_model(&self, model_id: &str) -> Result<Arc<dyn EmbeddingModel>> {
        Ok(Arc::new(CohereProvider::embedding_model(self, model_id)))
    }

    fn reranking_model(&self, model_id: &str) -> Result<Arc<dyn RerankingModel>> {
        Ok(Arc::new(CohereProvider::reranking_model(self, model_id)))
    }
}

/// The stream decoder with raw chunks on, for the fuzz targets (`fuzz/`).
#[cfg(feature = "fuzzing")]
pub(crate) fn fuzz_mapper() -> impl crate::provider_utils::EventMapper {
    cohere_stream::CohereEventMapper::new(true, "command-fuzz".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_urls_come_from_the_mapping() {
        let provider = create_cohere(CohereSettings::default().with_base_url("http://h/"));
        let connection = provider.connection.unwrap();
        let operations = COHERE.operations;
        assert_eq!(connection.url(&operations.chat.unwrap(), "m").unwrap(), "http://h/v2/chat");
        assert_eq!(connection.url(&operations.embedding.unwrap(), "m").unwrap(), "http://h/v2/embed");
        assert_eq!(connection.url(&operations.rerank.unwrap(), "m").unwrap(), "http://h/v2/rerank");
    }

    #[test]
    fn settings_debug_hides_the_key() {
        let settings = CohereSettings::default().with_api_key("secret-key");
        assert!(!format!("{settings:?}").contains("secret-key"));
    }
}
