//! The file format of `specs/<id>/provider.toml`, as written: one serde type per table.
//!
//! The keys are documented in specs/README.md. `deny_unknown_fields` everywhere, so that a typo
//! is an error naming the key rather than a setting silently ignored; defaults live here, beside
//! the field they apply to. What serde cannot check is left to validation (validate.rs).

use std::collections::BTreeMap;

use serde::Deserialize;

#[allow(missing_docs)]
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMapping {
    pub id: String,
    pub display_name: String,
    pub api: ApiKind,
    pub spec: Option<String>,
    pub base_url: Option<String>,
    pub base_url_env: Option<String>,
    /// `{placeholder}` in `base_url` -> the environment variable giving its value.
    #[serde(default)]
    pub base_url_vars: BTreeMap<String, String>,
    /// OAuth scopes of the bearer tokens a cloud provider's credentials fetch.
    #[serde(default)]
    pub oauth_scopes: Vec<String>,
    #[serde(default)]
    pub path_prefix: String,
    /// Put before a model id given without a `/` (Fireworks' `accounts/fireworks/models/`).
    #[serde(default)]
    pub model_namespace: String,
    pub auth: RawAuth,
    #[serde(default)]
    pub api_key: RawApiKey,
    pub operations: BTreeMap<Capability, RawOperation>,
    #[serde(default)]
    pub generate: RawGenerate,
    #[serde(default)]
    pub capabilities: RawCapabilities,
    #[serde(default)]
    pub model_overrides: Vec<RawModelOverride>,
    #[serde(default)]
    pub model_option_rules: Vec<RawModelOptionRule>,
    #[serde(default)]
    pub model_families: Vec<RawModelFamily>,
    #[serde(default)]
    pub limits: RawLimits,
    #[serde(default)]
    pub request: RawRequest,
    #[serde(default)]
    pub stream: RawStream,
    #[serde(default)]
    pub reasoning: RawReasoning,
    #[serde(default)]
    pub errors: RawErrors,
    #[serde(default)]
    pub response_metadata: Vec<RawMetadataPath>,
    /// Where responses and stream chunks list cited sources (Perplexity's `search_results`).
    #[serde(default)]
    pub sources: Vec<RawSourcePath>,
    #[serde(default)]
    pub usage: RawUsage,
    #[serde(default)]
    pub hooks: RawHooks,
}

/// The `[[model_families]]` names the SDK's adapters read, by wire dialect, each with what its
/// models get. A name outside this list would be read by no adapter, its models treated as any
/// other, so codegen rejects it; the adapters match the constants emitted from this list
/// (`mappings::families`), so the two cannot drift apart.
pub const MODEL_FAMILIES: &[(ApiKind, &str, &str)] = &[
    (ApiKind::Google, "imagen", "Imagen models: images on `predict`, as the Google provider's image model serves them."),
    (ApiKind::Google, "gemma", "Gemma models: no system instruction, so system text goes into the first user message."),
    (ApiKind::Google, "gemini_3", "Gemini 3 models: the first function call of each model turn sent back must carry a thought signature."),
    (ApiKind::Google, "anthropic", "Claude on Vertex: served by the Anthropic adapter over specs/vertex-anthropic."),
    (ApiKind::OpenaiCompatible, "kontext", "Fireworks' FLUX Kontext image models: queued, then polled."),
    (ApiKind::OpenaiCompatible, "image_generation", "Fireworks' SDXL-family image models: the `image_generation` endpoint, with a size."),
    (ApiKind::Bedrock, "cohere", "Cohere's embedding models on Bedrock: Cohere's embed body, not Titan's."),
];

#[allow(missing_docs)]
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum ApiKind {
    Openai,
    OpenaiCompatible,
    Anthropic,
    Google,
    Bedrock,
    Cohere,
    Gateway,
    Elevenlabs,
    Deepgram,
    Lmnt,
    Hume,
    Fal,
    Replicate,
    Luma,
    Assemblyai,
    Gladia,
    Revai,
}

#[allow(missing_docs)]
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case", deny_unknown_fields)]
pub enum RawAuth {
    None,
    Bearer,
    Header { name: String, scheme: Option<String> },
    Query { param: String },
    AwsSigv4 { service: String, region_env: Vec<String> },
}

#[allow(missing_docs)]
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawApiKey {
    #[serde(default)]
    pub env: Vec<String>,
    #[serde(default)]
    pub deprecated_env: Vec<String>,
    #[serde(default)]
    pub optional: bool,
}

#[allow(missing_docs)]
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Capability {
    Chat,
    ChatStream,
    Responses,
    Completion,
    Embedding,
    EmbeddingBatch,
    Image,
    ImageEdit,
    Speech,
    Transcription,
    Models,
    Rerank,
    Status,
    Result,
    Cancel,
    Submit,
    Upload,
    ImageWorkflow,
    ImageGeneration,
}

impl Capability {
    /// Every capability, in the order `Operations` lists them.
    pub const ALL: [Capability; 19] = [
        Capability::Chat,
        Capability::ChatStream,
        Capability::Responses,
        Capability::Completion,
        Capability::Embedding,
        Capability::EmbeddingBatch,
        Capability::Image,
        Capability::ImageEdit,
        Capability::Speech,
        Capability::Transcription,
        Capability::Models,
        Capability::Rerank,
        Capability::Status,
        Capability::Result,
        Capability::Cancel,
        Capability::Submit,
        Capability::Upload,
        Capability::ImageWorkflow,
        Capability::ImageGeneration,
    ];

    /// The key in `[operations]`.
    pub fn name(self) -> &'static str {
        match self {
            Capability::Chat => "chat",
            Capability::ChatStream => "chat_stream",
            Capability::Responses => "responses",
            Capability::Completion => "completion",
            Capability::Embedding => "embedding",
            Capability::EmbeddingBatch => "embedding_batch",
            Capability::Image => "image",
            Capability::ImageEdit => "image_edit",
            Capability::Speech => "speech",
            Capability::Transcription => "transcription",
            Capability::Models => "models",
            Capability::Rerank => "rerank",
            Capability::Status => "status",
            Capability::Result => "result",
            Capability::Cancel => "cancel",
            Capability::Submit => "submit",
            Capability::Upload => "upload",
            Capability::ImageWorkflow => "image_workflow",
            Capability::ImageGeneration => "image_generation",
        }
    }
}

#[allow(missing_docs)]
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum RawOperation {
    Id(String),
    Full(RawOperationFull),
}

#[allow(missing_docs)]
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawOperationFull {
    pub operation: String,
    /// The spec holding the operation, when not the mapping's own (OpenAI's chat completions
    /// live in the shared `openai-compatible` spec: one type set for one wire format).
    pub spec: Option<String>,
    pub path: Option<String>,
    #[serde(default)]
    pub query: BTreeMap<String, String>,
    /// A base URL of the operation's own (another host of the same provider).
    pub base_url: Option<String>,
}

/// An operation reference split into its parts: operation id, spec, path, query, base URL.
pub(super) type OperationParts<'a> = (&'a str, Option<&'a str>, Option<&'a str>, Vec<(String, String)>, Option<&'a str>);

impl RawOperation {
    pub(super) fn parts(&self) -> OperationParts<'_> {
        match self {
            RawOperation::Id(id) => (id, None, None, Vec::new(), None),
            RawOperation::Full(full) => (
                &full.operation,
                full.spec.as_deref(),
                full.path.as_deref(),
                full.query.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
                full.base_url.as_deref(),
            ),
        }
    }
}

#[allow(missing_docs)]
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawGenerate {
    /// Schemas no operation references that must still be generated (stream events).
    #[serde(default)]
    pub stream_schemas: Vec<String>,
    /// Further schemas to keep.
    #[serde(default)]
    pub extra_schemas: Vec<String>,
    /// Operations to keep that no capability names.
    #[serde(default)]
    pub extra_operations: Vec<String>,
    /// Object schemas that also get lean, borrowing decode types (module `lean`).
    #[serde(default)]
    pub lean_schemas: Vec<String>,
    /// Further lean types, by name, each of a schema in `lean_schemas`, so that one schema can
    /// be decoded with different `lean_omit` lists (e.g. stream chunks after the first).
    #[serde(default)]
    pub lean_variants: BTreeMap<String, String>,
    /// Properties a lean type leaves out, by lean type name: skipped like unknown fields,
    /// which costs less than decoding a value the decoder never reads.
    #[serde(default)]
    pub lean_omit: BTreeMap<String, Vec<String>>,
    /// Properties a lean type holds boxed, by lean type name: large members that few payloads
    /// carry (a stream's usage, error or logprobs). Serde moves a decoded struct several times,
    /// and a struct over about 128 bytes is moved by a `memcpy` call each time.
    #[serde(default)]
    pub lean_boxed: BTreeMap<String, Vec<String>>,
    /// Schemas that lean types refer to as their owned generated types (`types::X`), for
    /// payloads decoded a few times per response, whose owned form the SDK maps anyway.
    #[serde(default)]
    pub lean_owned: Vec<String>,
    /// Schemas that lean types keep as their JSON text (`lean::Raw`, borrowed), decoded into
    /// their lean type when read: for objects the SDK passes on unchanged (a usage object).
    #[serde(default)]
    pub lean_raw: Vec<String>,
}

#[allow(missing_docs)]
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum StructuredOutputs {
    JsonSchema,
    JsonObject,
    None,
}

#[allow(missing_docs)]
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCapabilities {
    #[serde(default = "yes")]
    pub tools: bool,
    #[serde(default = "yes")]
    pub streaming: bool,
    #[serde(default = "json_schema")]
    pub structured_outputs: StructuredOutputs,
    #[serde(default)]
    pub image_input: bool,
    #[serde(default)]
    pub pdf_input: bool,
    #[serde(default)]
    pub reasoning: bool,
    #[serde(default = "yes")]
    pub parallel_tool_calls: bool,
}

impl Default for RawCapabilities {
    fn default() -> Self {
        RawCapabilities {
            tools: true,
            streaming: true,
            structured_outputs: StructuredOutputs::JsonSchema,
            image_input: false,
            pdf_input: false,
            reasoning: false,
            parallel_tool_calls: true,
        }
    }
}

fn yes() -> bool {
    true
}
fn json_schema() -> StructuredOutputs {
    StructuredOutputs::JsonSchema
}

#[allow(missing_docs)]
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawModelOverride {
    pub models: Vec<String>,
    pub tools: Option<bool>,
    pub streaming: Option<bool>,
    pub structured_outputs: Option<StructuredOutputs>,
    pub image_input: Option<bool>,
    pub pdf_input: Option<bool>,
    pub reasoning: Option<bool>,
    pub parallel_tool_calls: Option<bool>,
    #[serde(default)]
    pub renames: BTreeMap<String, String>,
    /// Body fields these models reject: dropped with a warning.
    #[serde(default)]
    pub unsupported_fields: Vec<String>,
    /// How system messages are sent to these models.
    pub system_message_mode: Option<SystemMessageMode>,
    /// The most output tokens these models write in one call.
    pub max_output_tokens: Option<u32>,
    /// These models' `[limits]`.
    pub embeddings_per_call: Option<usize>,
    pub images_per_call: Option<usize>,
}

/// One `[[model_families]]` entry: models the adapter treats apart, by a name it knows.
#[allow(missing_docs)]
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawModelFamily {
    pub family: String,
    pub models: Vec<String>,
}

/// `[limits]`: the most values or images one request may carry; the SDK splits larger calls.
#[allow(missing_docs)]
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLimits {
    pub embeddings_per_call: Option<usize>,
    pub images_per_call: Option<usize>,
}

/// One `[[model_option_rules]]` entry: an option value only some models take.
#[allow(missing_docs)]
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawModelOptionRule {
    pub option: String,
    pub value: String,
    pub models: Vec<String>,
    #[serde(default)]
    pub except: Vec<String>,
}

#[allow(missing_docs)]
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum SystemMessageMode {
    System,
    Developer,
    Remove,
}

#[allow(missing_docs)]
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRequest {
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    #[serde(default)]
    pub query: BTreeMap<String, String>,
    #[serde(default = "yes")]
    pub stream_include_usage: bool,
    #[serde(default)]
    pub renames: BTreeMap<String, String>,
    #[serde(default)]
    pub value_maps: BTreeMap<String, BTreeMap<String, String>>,
    #[serde(default)]
    pub unsupported_fields: Vec<String>,
    /// The `strict` flag sent with JSON schemas when the caller does not choose (unset: not sent).
    pub strict_json_schema: Option<bool>,
    /// String fields added to every request body.
    #[serde(default)]
    pub body: BTreeMap<String, String>,
}

impl Default for RawRequest {
    fn default() -> Self {
        RawRequest {
            headers: BTreeMap::new(),
            query: BTreeMap::new(),
            stream_include_usage: true,
            renames: BTreeMap::new(),
            value_maps: BTreeMap::new(),
            unsupported_fields: Vec::new(),
            body: BTreeMap::new(),
            strict_json_schema: None,
        }
    }
}

#[allow(missing_docs)]
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStream {
    pub usage_path: Option<String>,
}

#[allow(missing_docs)]
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawReasoning {
    #[serde(default)]
    pub fields: Vec<String>,
    #[serde(default)]
    pub strip_from_history: bool,
}

/// One path or a list of candidate paths.
#[allow(missing_docs)]
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    pub(super) fn into_vec(self) -> Vec<String> {
        match self {
            OneOrMany::One(one) => vec![one],
            OneOrMany::Many(many) => many,
        }
    }
}

#[allow(missing_docs)]
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawErrors {
    pub message: Option<OneOrMany>,
    #[serde(rename = "type")]
    pub error_type: Option<OneOrMany>,
    pub code: Option<OneOrMany>,
    pub retryable_statuses: Option<Vec<i64>>,
    #[serde(default)]
    pub retryable_types: Vec<String>,
}

#[allow(missing_docs)]
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMetadataPath {
    pub key: String,
    pub path: String,
}

/// A list of cited sources in a response body or stream chunk: `path` names the array; `url`
/// and `title` the fields of each item (no `url`: the items are URL strings).
#[allow(missing_docs)]
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSourcePath {
    pub path: String,
    pub url: Option<String>,
    pub title: Option<String>,
}

#[allow(missing_docs)]
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawUsage {
    pub input_tokens: Option<String>,
    pub output_tokens: Option<String>,
    pub total_tokens: Option<String>,
    pub cached_input_tokens: Option<String>,
    pub reasoning_tokens: Option<String>,
    #[serde(default)]
    pub output_excludes_reasoning: bool,
}

#[allow(missing_docs)]
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHooks {
    pub request: Option<String>,
    pub response: Option<String>,
    pub stream_chunk: Option<String>,
    pub error: Option<String>,
    pub metadata: Option<String>,
}
