//! Cohere (API v2): language models over `/v2/chat`, embedding models over `/v2/embed` and
//! reranking models over `/v2/rerank`.
//!
#![cfg_attr(feature = "reranking", doc = " ```no_run")]
#![cfg_attr(not(feature = "reranking"), doc = " ```ignore")]
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

#[cfg(feature = "embedding")]
mod cohere_embedding_model;
mod cohere_language_model;
mod cohere_options;
mod cohere_prepare_tools;
#[cfg(feature = "reranking")]
mod cohere_reranking_model;
mod cohere_stream;
mod convert_to_cohere_messages;
mod map_cohere_finish_reason;

/// The wire types, generated from specs/cohere/openapi.json.
use specai_generated::cohere::types as wire;
/// The borrowing decode types of the hot stream event (specs/cohere `lean_schemas`).
use specai_generated::cohere::lean;

use specai_generated::mappings::COHERE;

#[cfg(feature = "embedding")]
pub use cohere_embedding_model::CohereEmbeddingModel;
pub use cohere_language_model::CohereLanguageModel;
pub use cohere_options::{CohereEmbeddingOptions, CohereImagePartOptions, CohereOptions, CohereRerankingOptions, CohereThinking};
#[cfg(feature = "reranking")]
pub use cohere_reranking_model::CohereRerankingModel;
pub use map_cohere_finish_reason::map_cohere_finish_reason;

#[cfg(feature = "embedding")]
use crate::provider::EmbeddingModel;
#[cfg(feature = "reranking")]
use crate::provider::RerankingModel;
use crate::provider::{LanguageModel, Provider};
use crate::provider_utils::{SharedConnection, connection_for_call, mapped_provider, provider_models};

/// The provider id models report.
const PROVIDER_ID: &str = "cohere";

mapped_provider! {
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
    pub struct CohereSettings;

    /// The Cohere provider: hands out language, embedding and reranking models.
    pub struct CohereProvider;

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
    pub fn create_cohere(COHERE);
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

provider_models! {
    impl Provider for CohereProvider {
        /// The language model of this id, e.g. `command-a-03-2025`.
        pub fn language_model -> CohereLanguageModel as language_model: LanguageModel;
        /// The embedding model of this id, e.g. `embed-v4.0`.
        pub fn embedding_model -> CohereEmbeddingModel as embedding_model: EmbeddingModel if feature = "embedding";
        /// The reranking model of this id, e.g. `rerank-v3.5`.
        pub fn reranking_model -> CohereRerankingModel as reranking_model: RerankingModel if feature = "reranking";
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
