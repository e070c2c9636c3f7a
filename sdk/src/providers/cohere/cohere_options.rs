//! Typed provider options for Cohere, read from `provider_options["cohere"]`.
//!
//! Misspelt keys are rejected (`deny_unknown_fields`), so a typo is an
//! [`Error::InvalidArgument`](crate::Error::InvalidArgument) rather than a silent no-op. Names are
//! lowerCamelCase, as in `@ai-sdk/cohere`.

use serde::{Deserialize, Serialize};

use crate::provider_utils::optional_fields;

optional_fields! {
    /// Options of a Cohere chat call.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    #[non_exhaustive]
    pub struct CohereOptions {
        /// Thinking (reasoning models such as `command-a-reasoning-08-2025`); takes precedence over
        /// the call's reasoning effort.
        pub thinking: Option<CohereThinking>,
        /// How citations are generated: `FAST`, `ACCURATE` or `OFF`.
        pub citation_mode: Option<String>,
        /// Safety instructions: `CONTEXTUAL`, `STRICT` or `OFF`.
        pub safety_mode: Option<String>,
        /// Force tool calls to follow the tool schemas exactly (`strict_tools`).
        pub strict_tools: Option<bool>,
    }
}

optional_fields! {
    /// Cohere's thinking setting.
    #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    #[non_exhaustive]
    pub struct CohereThinking {
        /// `enabled` (the default when the object is given) or `disabled`.
        #[serde(rename = "type")]
        pub kind: Option<String>,
        /// The most tokens the model may think with.
        pub token_budget: Option<u32>,
    }
}

optional_fields! {
    /// Options of one image part of a user message, read from the part's `provider_options["cohere"]`.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    #[non_exhaustive]
    pub struct CohereImagePartOptions {
        /// The image detail: `auto`, `low` or `high`.
        pub detail: Option<String>,
    }
}

optional_fields! {
    /// Options of a Cohere embedding call.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    #[non_exhaustive]
    pub struct CohereEmbeddingOptions {
        /// What the vectors are for: `search_document`, `search_query` (the default),
        /// `classification` or `clustering`.
        pub input_type: Option<String>,
        /// What to do with texts longer than the model takes: `NONE` (an error), `START` or `END`.
        pub truncate: Option<String>,
        /// The vector size, for models that offer several (256, 512, 1024, 1536).
        pub output_dimension: Option<u32>,
        /// The number type of the vectors: `float` (the default), `int8`, `uint8`, `binary` or
        /// `ubinary`; integer types come back as their values in `f32` (binary types pack 8
        /// dimensions per value).
        pub embedding_type: Option<String>,
    }
}

optional_fields! {
    /// Options of a Cohere rerank call.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    #[non_exhaustive]
    pub struct CohereRerankingOptions {
        /// Documents longer than this many tokens are truncated (default 4096).
        pub max_tokens_per_doc: Option<u32>,
        /// The request's priority under load (lower is served first).
        pub priority: Option<u32>,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::provider::ProviderOptions;

    #[test]
    fn parses_wire_names_and_rejects_typos() {
        let options = ProviderOptions::new().with("cohere", json!({"thinking": {"type": "enabled", "tokenBudget": 2048}, "citationMode": "FAST"}));
        let parsed: CohereOptions = options.parse("cohere").unwrap().unwrap();
        assert_eq!(parsed.thinking.unwrap().token_budget, Some(2048));
        assert_eq!(parsed.citation_mode.as_deref(), Some("FAST"));
        let typo = ProviderOptions::new().with("cohere", json!({"inputTyp": "search_query"}));
        let error = typo.parse::<CohereEmbeddingOptions>("cohere").unwrap_err();
        assert!(error.to_string().contains("inputTyp"), "{error}");
    }
}
