//! Typed provider options of Vertex's `predict` models, read from `provider_options["vertex"]`.
//! (Gemini on Vertex reads [`GoogleOptions`](crate::google::GoogleOptions) under `google`, and
//! Claude on Vertex [`AnthropicOptions`](crate::anthropic::AnthropicOptions) under `anthropic`.)

use serde::Deserialize;

/// The key Vertex's embedding and image models read their options under.
pub const VERTEX_PROVIDER_KEY: &str = "vertex";

/// Options of a Vertex text embedding model.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct VertexEmbeddingOptions {
    /// Truncate the embeddings to this many dimensions.
    pub output_dimensionality: Option<u32>,
    /// What the embeddings are for: `RETRIEVAL_QUERY`, `RETRIEVAL_DOCUMENT`,
    /// `SEMANTIC_SIMILARITY`, `CLASSIFICATION`, `CLUSTERING`, `QUESTION_ANSWERING`,
    /// `FACT_VERIFICATION`, `CODE_RETRIEVAL_QUERY`.
    pub task_type: Option<String>,
    /// The title of the documents (with `RETRIEVAL_DOCUMENT`).
    pub title: Option<String>,
    /// Truncate input longer than the model takes, instead of failing (the service's default).
    pub auto_truncate: Option<bool>,
}

/// Options of an Imagen model.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct VertexImageOptions {
    /// What to keep out of the image.
    pub negative_prompt: Option<String>,
    /// `dont_allow`, `allow_adult` or `allow_all`.
    pub person_generation: Option<String>,
    /// `block_low_and_above`, `block_medium_and_above`, `block_only_high` or `block_none`.
    pub safety_setting: Option<String>,
    /// The invisible SynthID watermark (on by default; a seed needs it off).
    pub add_watermark: Option<bool>,
    /// Let the model rewrite the prompt; the rewritten prompt comes back in provider metadata.
    pub enhance_prompt: Option<bool>,
    /// `1K` or `2K`.
    pub sample_image_size: Option<String>,
    /// `image/png` (default) or `image/jpeg`.
    pub output_mime_type: Option<String>,
    /// JPEG quality, 0-100.
    pub compression_quality: Option<u32>,
    /// A `gs://` prefix to write the images to instead of returning them.
    pub storage_uri: Option<String>,
}
