//! `specs/<id>/provider.toml`: parsing, validation, defaults, and emission as Rust statics.
//!
//! The format is documented in specs/README.md. Parsing rejects unknown keys and wrong types
//! (`serde(deny_unknown_fields)`); [`validate`] then checks what serde cannot (ids, URLs,
//! header names, JSON paths, operation ids that must exist in the spec). Every error names the
//! file and the key.

use std::collections::BTreeMap;
use std::path::Path;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde::Deserialize;
use serde_json::Value;

/// An error in a mapping file: which file, which key, what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MappingError {
    /// File the error is in.
    pub file: String,
    /// Dotted key, e.g. `auth.name`; empty when the whole file is at fault.
    pub key: String,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for MappingError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.key.is_empty() {
            write!(f, "{}: {}", self.file, self.message)
        } else {
            write!(f, "{}: key `{}`: {}", self.file, self.key, self.message)
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The file format (raw, as written). Fields are the TOML keys, documented in specs/README.md.

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
    #[serde(default)]
    pub path_prefix: String,
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
    pub request: RawRequest,
    #[serde(default)]
    pub stream: RawStream,
    #[serde(default)]
    pub reasoning: RawReasoning,
    #[serde(default)]
    pub errors: RawErrors,
    #[serde(default)]
    pub response_metadata: Vec<RawMetadataPath>,
    #[serde(default)]
    pub usage: RawUsage,
    #[serde(default)]
    pub hooks: RawHooks,
}

#[allow(missing_docs)]
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum ApiKind {
    Openai,
    OpenaiCompatible,
    Anthropic,
    Google,
}

#[allow(missing_docs)]
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case", deny_unknown_fields)]
pub enum RawAuth {
    None,
    Bearer,
    Header { name: String, scheme: Option<String> },
    Query { param: String },
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
}

impl Capability {
    /// Every capability, in the order `Operations` lists them.
    pub const ALL: [Capability; 11] = [
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
}

impl RawOperation {
    fn parts(&self) -> (&str, Option<&str>, Option<&str>, Vec<(String, String)>) {
        match self {
            RawOperation::Id(id) => (id, None, None, Vec::new()),
            RawOperation::Full(full) => (
                &full.operation,
                full.spec.as_deref(),
                full.path.as_deref(),
                full.query.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
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
    fn into_vec(self) -> Vec<String> {
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
}

#[allow(missing_docs)]
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMetadataPath {
    pub key: String,
    pub path: String,
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
}

// ---------------------------------------------------------------------------------------------
// Resolved form.

/// A resolved operation: the spec supplies method and path unless the mapping overrides the path.
#[allow(missing_docs)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedOperation {
    pub capability: Capability,
    /// The spec directory the operation is in.
    pub spec: String,
    pub operation_id: String,
    pub method: String,
    pub path: String,
    pub query: Vec<(String, String)>,
}

/// A validated mapping file with defaults applied.
#[derive(Debug, Clone)]
pub struct Mapping {
    /// The file it came from, e.g. `specs/groq/provider.toml`.
    pub file: String,
    /// The file as written.
    pub raw: RawMapping,
    /// Spec directory providing the wire format.
    pub spec: String,
    /// The operations per capability, with method and path from the spec.
    pub operations: Vec<ResolvedOperation>,
}

/// Spec directory name -> Rust module name (`openai-compatible` -> `openai_compatible`).
pub fn module_name(spec_dir: &str) -> String {
    spec_dir.replace('-', "_")
}

/// Parses a mapping file's text. `file` is used in error messages only.
pub fn parse(file: &str, text: &str) -> Result<RawMapping, MappingError> {
    toml::from_str::<RawMapping>(text).map_err(|error| {
        let key = error_key(text, &error);
        MappingError { file: file.to_string(), key, message: error.message().to_string() }
    })
}

/// Best effort: the dotted key an error from `toml` is about.
fn error_key(text: &str, error: &toml::de::Error) -> String {
    // Unknown or missing fields are named in the message; otherwise take the key at the span.
    let message = error.message();
    if let Some(rest) = message.strip_prefix("unknown field `") {
        if let Some(end) = rest.find('`') {
            return table_prefix(text, error.span()) + &rest[..end];
        }
    }
    if let Some(rest) = message.strip_prefix("missing field `") {
        if let Some(end) = rest.find('`') {
            return table_prefix(text, error.span()) + &rest[..end];
        }
    }
    let Some(span) = error.span() else { return String::new() };
    let line_start = text[..span.start.min(text.len())].rfind('\n').map_or(0, |i| i + 1);
    let line = &text[line_start..];
    let line = line.lines().next().unwrap_or("");
    match line.split_once('=') {
        Some((key, _)) if !line.trim_start().starts_with('[') => {
            table_prefix(text, Some(line_start..line_start)) + key.trim()
        }
        _ => line.trim().trim_matches(|c| c == '[' || c == ']').to_string(),
    }
}

/// `table.` for the `[table]` header above a span, or empty at top level.
fn table_prefix(text: &str, span: Option<std::ops::Range<usize>>) -> String {
    let Some(span) = span else { return String::new() };
    let before = &text[..span.start.min(text.len())];
    // A span that starts on a table header belongs to that table.
    let line_end = text[span.start.min(text.len())..].find('\n').map_or(text.len(), |i| span.start + i);
    let upto = &text[..line_end];
    let _ = before;
    for line in upto.lines().rev() {
        let trimmed = line.trim();
        if let Some(name) = trimmed.strip_prefix("[[").and_then(|l| l.strip_suffix("]]")) {
            return format!("{}.", name.trim());
        }
        if let Some(name) = trimmed.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            return format!("{}.", name.trim());
        }
    }
    String::new()
}

fn err(file: &str, key: &str, message: impl Into<String>) -> MappingError {
    MappingError { file: file.to_string(), key: key.to_string(), message: message.into() }
}

fn is_identifier(text: &str, upper: bool) -> bool {
    let mut chars = text.chars();
    let first_ok = match chars.next() {
        Some(c) if upper => c.is_ascii_uppercase(),
        Some(c) => c.is_ascii_lowercase() || c == '_',
        None => false,
    };
    first_ok
        && chars.all(|c| {
            c == '_' || c.is_ascii_digit() || if upper { c.is_ascii_uppercase() } else { c.is_ascii_lowercase() }
        })
}

fn is_header_name(text: &str) -> bool {
    !text.is_empty()
        && text.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

fn check_path(file: &str, key: &str, path: &str) -> Result<(), MappingError> {
    let ok = !path.is_empty()
        && path.split('.').all(|segment| {
            !segment.is_empty()
                && segment.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        });
    if ok {
        Ok(())
    } else {
        Err(err(file, key, format!("`{path}` is not a JSON path (dot-separated keys, e.g. `x_groq.usage`)")))
    }
}

/// What validation needs to know about a spec: its operations (id -> method, path) and schemas.
#[derive(Debug, Clone, Default)]
pub struct SpecIndex {
    /// operationId -> (METHOD, path).
    pub operations: BTreeMap<String, (String, String)>,
    /// Component schema names.
    pub schemas: std::collections::BTreeSet<String>,
}

impl SpecIndex {
    /// Indexes an OpenAPI document (any version).
    pub fn of(doc: &Value) -> SpecIndex {
        let mut index = SpecIndex::default();
        if let Some(paths) = doc.get("paths").and_then(Value::as_object) {
            for (path, item) in paths {
                let Some(item) = item.as_object() else { continue };
                for (method, operation) in item {
                    if !crate::prune::HTTP_METHODS.contains(&method.as_str()) {
                        continue;
                    }
                    if let Some(id) = operation.get("operationId").and_then(Value::as_str) {
                        index.operations.insert(id.to_string(), (method.to_uppercase(), path.clone()));
                    }
                }
            }
        }
        if let Some(schemas) = doc.pointer("/components/schemas").and_then(Value::as_object) {
            index.schemas.extend(schemas.keys().cloned());
        }
        index
    }
}

/// Validates a parsed mapping against its directory name and the specs available.
/// `specs` maps spec directory names to their index.
pub fn validate(
    file: &str,
    dir_name: &str,
    raw: RawMapping,
    specs: &BTreeMap<String, SpecIndex>,
) -> Result<Mapping, MappingError> {
    let e = |key: &str, message: String| err(file, key, message);
    if !raw.id.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        || !raw.id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Err(e("id", format!("`{}` must be lowercase letters, digits and `-`", raw.id)));
    }
    if raw.id != dir_name {
        return Err(e("id", format!("`{}` must equal the directory name `{dir_name}`", raw.id)));
    }
    if raw.display_name.trim().is_empty() {
        return Err(e("display_name", "must not be empty".into()));
    }
    let spec = raw.spec.clone().unwrap_or_else(|| raw.id.clone());
    let Some(index) = specs.get(&spec) else {
        return Err(e(
            "spec",
            format!("no specs/{spec}/openapi.json (set `spec` to the directory whose spec this provider speaks)"),
        ));
    };
    if let Some(url) = &raw.base_url {
        if !(url.starts_with("http://") || url.starts_with("https://")) || url.ends_with('/') {
            return Err(e("base_url", format!("`{url}` must be an http(s) URL without a trailing slash")));
        }
    }
    if let Some(var) = &raw.base_url_env {
        if !is_identifier(var, true) {
            return Err(e("base_url_env", format!("`{var}` is not an environment variable name")));
        }
    }
    if !raw.path_prefix.is_empty() && (!raw.path_prefix.starts_with('/') || raw.path_prefix.ends_with('/')) {
        return Err(e("path_prefix", "must start with `/` and not end with `/`".into()));
    }
    match &raw.auth {
        RawAuth::Header { name, scheme } => {
            if !is_header_name(name) {
                return Err(e("auth.name", format!("`{name}` is not a lowercase header name")));
            }
            if scheme.as_deref().is_some_and(|s| s.is_empty() || s.contains(' ')) {
                return Err(e("auth.scheme", "must be one word, e.g. `Token`".into()));
            }
        }
        RawAuth::Query { param } => {
            if param.is_empty() {
                return Err(e("auth.param", "must not be empty".into()));
            }
        }
        RawAuth::None | RawAuth::Bearer => {}
    }
    let needs_key = !matches!(raw.auth, RawAuth::None);
    if needs_key && raw.api_key.env.is_empty() {
        return Err(e("api_key.env", "name at least one environment variable (auth is not `none`)".into()));
    }
    for (key, vars) in [("api_key.env", &raw.api_key.env), ("api_key.deprecated_env", &raw.api_key.deprecated_env)] {
        for var in vars.iter() {
            if !is_identifier(var, true) {
                return Err(e(key, format!("`{var}` is not an environment variable name")));
            }
        }
    }
    if raw.operations.is_empty() {
        return Err(e("operations", "name at least one capability's operation".into()));
    }
    let mut operations = Vec::new();
    for (capability, operation) in &raw.operations {
        let key = format!("operations.{}", capability.name());
        let (id, operation_spec, path, query) = operation.parts();
        let operation_spec = operation_spec.unwrap_or(&spec);
        let Some(operation_index) = specs.get(operation_spec) else {
            return Err(e(&format!("{key}.spec"), format!("no specs/{operation_spec}/openapi.json")));
        };
        let Some((method, spec_path)) = operation_index.operations.get(id) else {
            return Err(e(&key, format!("operation `{id}` is not in specs/{operation_spec}/openapi.json")));
        };
        if let Some(path) = path {
            if !path.starts_with('/') {
                return Err(e(&format!("{key}.path"), "must start with `/`".into()));
            }
        }
        operations.push(ResolvedOperation {
            capability: *capability,
            spec: operation_spec.to_string(),
            operation_id: id.to_string(),
            method: method.clone(),
            path: path.unwrap_or(spec_path).to_string(),
            query,
        });
    }
    let generate = &raw.generate;
    let owns_spec = spec == raw.id;
    if !owns_spec
        && !(generate.stream_schemas.is_empty()
            && generate.extra_schemas.is_empty()
            && generate.extra_operations.is_empty()
            && generate.lean_schemas.is_empty()
            && generate.lean_variants.is_empty()
            && generate.lean_omit.is_empty()
            && generate.lean_owned.is_empty()
            && generate.lean_raw.is_empty())
    {
        return Err(e("generate", format!("only the mapping in specs/{spec}/ decides what its spec generates")));
    }
    for (key, names) in [
        ("generate.stream_schemas", &generate.stream_schemas),
        ("generate.extra_schemas", &generate.extra_schemas),
        ("generate.lean_schemas", &generate.lean_schemas),
        ("generate.lean_owned", &generate.lean_owned),
        ("generate.lean_raw", &generate.lean_raw),
    ] {
        for name in names.iter() {
            if !index.schemas.contains(name) {
                return Err(e(key, format!("schema `{name}` is not in specs/{spec}/openapi.json components")));
            }
        }
    }
    for (variant, of) in &generate.lean_variants {
        if !generate.lean_schemas.contains(of) {
            return Err(e("generate.lean_variants", format!("`{variant}` is of `{of}`, which is not in generate.lean_schemas")));
        }
        if index.schemas.contains(variant) {
            return Err(e("generate.lean_variants", format!("`{variant}` is already a schema name")));
        }
    }
    for id in &generate.extra_operations {
        if !index.operations.contains_key(id) {
            return Err(e("generate.extra_operations", format!("operation `{id}` is not in specs/{spec}/openapi.json")));
        }
    }
    for (i, model_override) in raw.model_overrides.iter().enumerate() {
        let key = format!("model_overrides[{i}]");
        if model_override.models.is_empty() || model_override.models.iter().any(|m| m.is_empty() || m[..m.len() - 1].contains('*')) {
            return Err(e(&format!("{key}.models"), "list model ids, or prefixes ending in `*`".into()));
        }
        let o = model_override;
        if o.tools.is_none()
            && o.streaming.is_none()
            && o.structured_outputs.is_none()
            && o.image_input.is_none()
            && o.pdf_input.is_none()
            && o.reasoning.is_none()
            && o.parallel_tool_calls.is_none()
            && o.renames.is_empty()
            && o.unsupported_fields.is_empty()
            && o.system_message_mode.is_none()
        {
            return Err(e(&key, "overrides nothing".into()));
        }
    }
    for name in raw.request.headers.keys() {
        if !is_header_name(name) {
            return Err(e(&format!("request.headers.{name}"), "header names are lowercase token characters".into()));
        }
        if name == "authorization" {
            return Err(e(&format!("request.headers.{name}"), "the API key belongs in [auth]".into()));
        }
    }
    for (field, map) in &raw.request.value_maps {
        if map.is_empty() {
            return Err(e(&format!("request.value_maps.{field}"), "must map at least one value".into()));
        }
    }
    for (from, to) in &raw.request.renames {
        if from.is_empty() || to.is_empty() || from == to {
            return Err(e(&format!("request.renames.{from}"), "renames a field to a different, non-empty name".into()));
        }
    }
    if let Some(path) = &raw.stream.usage_path {
        check_path(file, "stream.usage_path", path)?;
    }
    for field in &raw.reasoning.fields {
        if !is_identifier(field, false) {
            return Err(e("reasoning.fields", format!("`{field}` is not a field name")));
        }
    }
    for (key, paths) in [("errors.message", &raw.errors.message), ("errors.type", &raw.errors.error_type), ("errors.code", &raw.errors.code)] {
        if let Some(paths) = paths {
            let list = paths.clone().into_vec();
            if list.is_empty() {
                return Err(e(key, "give at least one path".into()));
            }
            for path in &list {
                check_path(file, key, path)?;
            }
        }
    }
    if let Some(statuses) = &raw.errors.retryable_statuses {
        if let Some(bad) = statuses.iter().find(|s| !(100..=599).contains(*s)) {
            return Err(e("errors.retryable_statuses", format!("{bad} is not an HTTP status")));
        }
    }
    let mut keys = std::collections::BTreeSet::new();
    for (i, item) in raw.response_metadata.iter().enumerate() {
        let key = format!("response_metadata[{i}]");
        if item.key.is_empty() || !keys.insert(item.key.clone()) {
            return Err(e(&format!("{key}.key"), format!("`{}` is empty or repeated", item.key)));
        }
        check_path(file, &format!("{key}.path"), &item.path)?;
    }
    let usage = &raw.usage;
    for (key, path) in [
        ("usage.input_tokens", &usage.input_tokens),
        ("usage.output_tokens", &usage.output_tokens),
        ("usage.total_tokens", &usage.total_tokens),
        ("usage.cached_input_tokens", &usage.cached_input_tokens),
        ("usage.reasoning_tokens", &usage.reasoning_tokens),
    ] {
        if let Some(path) = path {
            check_path(file, key, path)?;
        }
    }
    for (key, hook) in [
        ("hooks.request", &raw.hooks.request),
        ("hooks.response", &raw.hooks.response),
        ("hooks.stream_chunk", &raw.hooks.stream_chunk),
        ("hooks.error", &raw.hooks.error),
    ] {
        if let Some(hook) = hook {
            if !is_identifier(hook, false) {
                return Err(e(key, format!("`{hook}` is not a snake_case function name")));
            }
        }
    }
    Ok(Mapping { file: file.to_string(), raw, spec, operations })
}

/// Reads and validates every `specs/*/provider.toml`.
pub fn load_all(specs_dir: &Path, specs: &BTreeMap<String, SpecIndex>) -> Result<Vec<Mapping>, MappingError> {
    let mut mappings = Vec::new();
    for dir in crate::list_dirs(specs_dir) {
        let path = specs_dir.join(&dir).join("provider.toml");
        if !path.exists() {
            continue;
        }
        let file = format!("specs/{dir}/provider.toml");
        let text = std::fs::read_to_string(&path).map_err(|error| err(&file, "", error.to_string()))?;
        let raw = parse(&file, &text)?;
        mappings.push(validate(&file, &dir, raw, specs)?);
    }
    Ok(mappings)
}

// ---------------------------------------------------------------------------------------------
// Emission.

fn opt_str(value: &Option<String>) -> TokenStream {
    match value {
        Some(s) => quote! { Some(#s) },
        None => quote! { None },
    }
}

fn opt_bool(value: Option<bool>) -> TokenStream {
    match value {
        Some(b) => quote! { Some(#b) },
        None => quote! { None },
    }
}

fn strs(values: &[String]) -> TokenStream {
    quote! { &[#(#values),*] }
}

fn pairs<'a>(values: impl IntoIterator<Item = (&'a String, &'a String)>) -> TokenStream {
    let items = values.into_iter().map(|(k, v)| quote! { (#k, #v) });
    quote! { &[#(#items),*] }
}

fn json_path(path: &str) -> TokenStream {
    let segments = path.split('.');
    quote! { JsonPath { text: #path, segments: &[#(#segments),*] } }
}

fn opt_json_path(path: &Option<String>) -> TokenStream {
    match path {
        Some(p) => {
            let p = json_path(p);
            quote! { Some(#p) }
        }
        None => quote! { None },
    }
}

fn structured(value: StructuredOutputs) -> TokenStream {
    match value {
        StructuredOutputs::JsonSchema => quote! { StructuredOutputs::JsonSchema },
        StructuredOutputs::JsonObject => quote! { StructuredOutputs::JsonObject },
        StructuredOutputs::None => quote! { StructuredOutputs::None },
    }
}

/// The name of the static for a provider id (`openai-compatible` -> `OPENAI_COMPATIBLE`).
pub fn static_name(id: &str) -> proc_macro2::Ident {
    format_ident!("{}", id.replace('-', "_").to_uppercase())
}

impl Mapping {
    /// The `pub static <ID>: ProviderMapping = ...;` item.
    pub fn to_tokens(&self) -> TokenStream {
        let raw = &self.raw;
        let name = static_name(&raw.id);
        let id = &raw.id;
        let display_name = &raw.display_name;
        let api = match raw.api {
            ApiKind::Openai => quote! { Api::OpenAi },
            ApiKind::OpenaiCompatible => quote! { Api::OpenAiCompatible },
            ApiKind::Anthropic => quote! { Api::Anthropic },
            ApiKind::Google => quote! { Api::Google },
        };
        let module = module_name(&self.spec);
        let base_url = opt_str(&raw.base_url);
        let base_url_env = opt_str(&raw.base_url_env);
        let path_prefix = &raw.path_prefix;
        let auth = match &raw.auth {
            RawAuth::None => quote! { Auth::None },
            RawAuth::Bearer => quote! { Auth::Bearer },
            RawAuth::Header { name, scheme } => {
                let scheme = opt_str(scheme);
                quote! { Auth::Header { name: #name, scheme: #scheme } }
            }
            RawAuth::Query { param } => quote! { Auth::Query { param: #param } },
        };
        let env = strs(&raw.api_key.env);
        let deprecated_env = strs(&raw.api_key.deprecated_env);
        let optional = raw.api_key.optional || matches!(raw.auth, RawAuth::None);
        let operation_fields = Capability::ALL.iter().map(|capability| {
            let field = format_ident!("{}", capability.name());
            let value = match self.operations.iter().find(|o| o.capability == *capability) {
                Some(op) => {
                    let operation_id = &op.operation_id;
                    let method = &op.method;
                    let path = &op.path;
                    let query = pairs(op.query.iter().map(|(k, v)| (k, v)));
                    quote! { Some(Operation { operation_id: #operation_id, method: #method, path: #path, query: #query }) }
                }
                None => quote! { None },
            };
            quote! { #field: #value }
        });
        let c = &raw.capabilities;
        let (tools, streaming, image_input, pdf_input, reasoning, parallel) =
            (c.tools, c.streaming, c.image_input, c.pdf_input, c.reasoning, c.parallel_tool_calls);
        let structured_outputs = structured(c.structured_outputs);
        let overrides = raw.model_overrides.iter().map(|o| {
            let models = strs(&o.models);
            let tools = opt_bool(o.tools);
            let streaming = opt_bool(o.streaming);
            let structured_outputs = match o.structured_outputs {
                Some(s) => {
                    let s = structured(s);
                    quote! { Some(#s) }
                }
                None => quote! { None },
            };
            let image_input = opt_bool(o.image_input);
            let pdf_input = opt_bool(o.pdf_input);
            let reasoning = opt_bool(o.reasoning);
            let parallel = opt_bool(o.parallel_tool_calls);
            let renames = pairs(&o.renames);
            let unsupported_fields = strs(&o.unsupported_fields);
            let system_message_mode = match o.system_message_mode {
                Some(SystemMessageMode::System) => quote! { Some(SystemMessageMode::System) },
                Some(SystemMessageMode::Developer) => quote! { Some(SystemMessageMode::Developer) },
                Some(SystemMessageMode::Remove) => quote! { Some(SystemMessageMode::Remove) },
                None => quote! { None },
            };
            quote! {
                ModelOverride {
                    models: #models, tools: #tools, streaming: #streaming,
                    structured_outputs: #structured_outputs, image_input: #image_input,
                    pdf_input: #pdf_input, reasoning: #reasoning, parallel_tool_calls: #parallel,
                    renames: #renames, unsupported_fields: #unsupported_fields,
                    system_message_mode: #system_message_mode,
                }
            }
        });
        let request = &raw.request;
        let headers = pairs(&request.headers);
        let query = pairs(&request.query);
        let stream_include_usage = request.stream_include_usage;
        let renames = pairs(&request.renames);
        let value_maps = request.value_maps.iter().map(|(field, map)| {
            let values = pairs(map);
            quote! { ValueMap { field: #field, values: #values } }
        });
        let unsupported_fields = strs(&request.unsupported_fields);
        let strict_json_schema = opt_bool(request.strict_json_schema);
        let usage_path = json_path(raw.stream.usage_path.as_deref().unwrap_or("usage"));
        let reasoning_fields = strs(&raw.reasoning.fields);
        let strip = raw.reasoning.strip_from_history;
        let paths = |value: &Option<OneOrMany>, default: &str| {
            let list = value.clone().map(OneOrMany::into_vec).unwrap_or_else(|| vec![default.to_string()]);
            let items = list.iter().map(|p| json_path(p));
            quote! { &[#(#items),*] }
        };
        let message = paths(&raw.errors.message, "error.message");
        let error_type = paths(&raw.errors.error_type, "error.type");
        let code = paths(&raw.errors.code, "error.code");
        let statuses: Vec<u16> = raw
            .errors
            .retryable_statuses
            .clone()
            .unwrap_or_else(|| vec![408, 409, 429, 500, 502, 503, 504])
            .into_iter()
            .map(|s| s as u16)
            .collect();
        let metadata = raw.response_metadata.iter().map(|m| {
            let key = &m.key;
            let path = json_path(&m.path);
            quote! { MetadataPath { key: #key, path: #path } }
        });
        let u = &raw.usage;
        let input_tokens = json_path(u.input_tokens.as_deref().unwrap_or("prompt_tokens"));
        let output_tokens = json_path(u.output_tokens.as_deref().unwrap_or("completion_tokens"));
        let openai_like = matches!(raw.api, ApiKind::Openai | ApiKind::OpenaiCompatible);
        let or_default = |value: &Option<String>, default: &str| {
            value.clone().or_else(|| openai_like.then(|| default.to_string()))
        };
        let total_tokens = opt_json_path(&or_default(&u.total_tokens, "total_tokens"));
        let cached = opt_json_path(&or_default(&u.cached_input_tokens, "prompt_tokens_details.cached_tokens"));
        let reasoning_tokens =
            opt_json_path(&or_default(&u.reasoning_tokens, "completion_tokens_details.reasoning_tokens"));
        let excludes = u.output_excludes_reasoning;
        let hook_request = opt_str(&raw.hooks.request);
        let hook_response = opt_str(&raw.hooks.response);
        let hook_stream = opt_str(&raw.hooks.stream_chunk);
        let hook_error = opt_str(&raw.hooks.error);
        let doc = format!("`{id}`: {display_name}, from specs/{id}/provider.toml.");
        quote! {
            #[doc = #doc]
            pub static #name: ProviderMapping = ProviderMapping {
                id: #id,
                display_name: #display_name,
                api: #api,
                module: #module,
                base_url: #base_url,
                base_url_env: #base_url_env,
                path_prefix: #path_prefix,
                auth: #auth,
                api_key: ApiKey { env: #env, deprecated_env: #deprecated_env, optional: #optional },
                operations: Operations { #(#operation_fields),* },
                capabilities: Capabilities {
                    tools: #tools, streaming: #streaming, structured_outputs: #structured_outputs,
                    image_input: #image_input, pdf_input: #pdf_input, reasoning: #reasoning,
                    parallel_tool_calls: #parallel,
                },
                model_overrides: &[#(#overrides),*],
                request: RequestMapping {
                    headers: #headers, query: #query, stream_include_usage: #stream_include_usage,
                    renames: #renames, value_maps: &[#(#value_maps),*],
                    unsupported_fields: #unsupported_fields, strict_json_schema: #strict_json_schema,
                },
                stream: StreamMapping { usage_path: #usage_path },
                reasoning: ReasoningMapping { fields: #reasoning_fields, strip_from_history: #strip },
                errors: ErrorMapping {
                    message: #message, error_type: #error_type, code: #code,
                    retryable_statuses: &[#(#statuses),*],
                },
                response_metadata: &[#(#metadata),*],
                usage: UsageMapping {
                    input_tokens: #input_tokens, output_tokens: #output_tokens, total_tokens: #total_tokens,
                    cached_input_tokens: #cached, reasoning_tokens: #reasoning_tokens,
                    output_excludes_reasoning: #excludes,
                },
                hooks: Hooks {
                    request: #hook_request, response: #hook_response,
                    stream_chunk: #hook_stream, error: #hook_error,
                },
            };
        }
    }
}

/// The body of generated/src/mappings.rs after the header: template types, statics, `ALL`.
pub fn emit_module(mappings: &[Mapping]) -> Result<String, String> {
    let statics = mappings.iter().map(Mapping::to_tokens);
    let names = mappings.iter().map(|m| static_name(&m.raw.id));
    let tokens = quote! {
        #(#statics)*

        /// Every provider mapping in specs/, sorted by id.
        pub static ALL: &[&ProviderMapping] = &[#(&#names),*];
    };
    let file: syn::File = syn::parse2(tokens).map_err(|e| format!("mappings: {e}"))?;
    let statics = prettyplease::unparse(&file);
    let template = include_str!("../templates/mappings_types.rs");
    // Drop the template's own comment header: it speaks about the template, not the output.
    let body: String = template.lines().skip_while(|l| l.starts_with("//")).collect::<Vec<_>>().join("\n");
    Ok(format!(
        "//! Provider mapping data emitted from specs/*/provider.toml (format: specs/README.md).\n//!\n//! Always compiled, whatever features are on: the SDK registry lists every provider from\n//! [`ALL`]; `ProviderMapping::module` names the feature that holds its wire types.\n{}\n\n{}",
        body.trim_end(),
        statics
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn specs() -> BTreeMap<String, SpecIndex> {
        let doc = serde_json::json!({
            "openapi": "3.0.3",
            "paths": {
                "/chat/completions": {"post": {"operationId": "createChatCompletion"}},
                "/embeddings": {"post": {"operationId": "createEmbedding"}}
            },
            "components": {"schemas": {"Chunk": {"type": "object"}}}
        });
        let mut specs = BTreeMap::new();
        specs.insert("openai-compatible".to_string(), SpecIndex::of(&doc));
        specs
    }

    const GOOD: &str = r#"
id = "groq"
display_name = "Groq"
api = "openai-compatible"
spec = "openai-compatible"
base_url = "https://api.groq.com/openai/v1"
auth = { type = "bearer" }

[api_key]
env = ["GROQ_API_KEY"]

[operations]
chat = "createChatCompletion"
embedding = { operation = "createEmbedding", path = "/v2/embeddings" }

[stream]
usage_path = "x_groq.usage"

[errors]
message = ["error.message", "error"]
"#;

    fn check(text: &str) -> Result<Mapping, MappingError> {
        let file = "specs/groq/provider.toml";
        validate(file, "groq", parse(file, text)?, &specs())
    }

    #[test]
    fn good_mapping_resolves_paths_and_defaults() {
        let mapping = check(GOOD).unwrap();
        assert_eq!(mapping.operations[0].path, "/chat/completions");
        assert_eq!(mapping.operations[0].method, "POST");
        assert_eq!(mapping.operations[1].path, "/v2/embeddings");
        let tokens = mapping.to_tokens().to_string();
        assert!(tokens.contains("\"x_groq\" , \"usage\""), "{tokens}");
    }

    #[test]
    fn unknown_key_is_named() {
        let error = check(&GOOD.replace("[stream]", "[stream]\nusage_pth = \"x\"")).unwrap_err();
        assert_eq!(error.file, "specs/groq/provider.toml");
        assert_eq!(error.key, "stream.usage_pth", "{error}");
        assert!(error.message.contains("unknown field"), "{error}");
    }

    #[test]
    fn unknown_top_level_key_is_named() {
        let error = check(&format!("colour = \"red\"\n{GOOD}")).unwrap_err();
        assert_eq!(error.key, "colour", "{error}");
    }

    #[test]
    fn missing_required_key_is_named() {
        let error = check(&GOOD.replace("display_name = \"Groq\"\n", "")).unwrap_err();
        assert_eq!(error.key, "display_name", "{error}");
        assert!(error.message.contains("missing field"), "{error}");
    }

    #[test]
    fn wrong_type_is_named() {
        let error = check(&GOOD.replace("usage_path = \"x_groq.usage\"", "usage_path = 3")).unwrap_err();
        assert_eq!(error.key, "stream.usage_path", "{error}");
        assert!(error.message.contains("invalid type"), "{error}");
    }

    #[test]
    fn invalid_enum_value_is_rejected() {
        let error = check(&GOOD.replace("api = \"openai-compatible\"", "api = \"cohere\"")).unwrap_err();
        assert_eq!(error.key, "api", "{error}");
    }

    #[test]
    fn unknown_auth_type_is_rejected() {
        let error = check(&GOOD.replace("type = \"bearer\"", "type = \"basic\"")).unwrap_err();
        assert!(error.to_string().contains("specs/groq/provider.toml"), "{error}");
        assert!(error.message.contains("basic"), "{error}");
    }

    #[test]
    fn header_auth_needs_a_valid_name() {
        let error =
            check(&GOOD.replace("auth = { type = \"bearer\" }", "auth = { type = \"header\", name = \"X Key\" }"))
                .unwrap_err();
        assert_eq!(error.key, "auth.name");
    }

    #[test]
    fn unknown_operation_is_rejected() {
        let error = check(&GOOD.replace("chat = \"createChatCompletion\"", "chat = \"createChat\"")).unwrap_err();
        assert_eq!(error.key, "operations.chat");
        assert!(error.message.contains("createChat"));
    }

    #[test]
    fn unknown_capability_is_rejected() {
        let error = check(&GOOD.replace("chat = ", "rerank = ")).unwrap_err();
        assert!(error.message.contains("rerank"), "{error}");
    }

    #[test]
    fn id_must_match_directory() {
        let error = check(&GOOD.replace("id = \"groq\"", "id = \"grok\"")).unwrap_err();
        assert_eq!(error.key, "id");
    }

    #[test]
    fn bad_json_path_is_rejected() {
        let error = check(&GOOD.replace("x_groq.usage", "x_groq..usage")).unwrap_err();
        assert_eq!(error.key, "stream.usage_path");
    }

    #[test]
    fn missing_api_key_env_is_rejected_unless_auth_none() {
        let text = GOOD.replace("[api_key]\nenv = [\"GROQ_API_KEY\"]\n", "");
        assert_eq!(check(&text).unwrap_err().key, "api_key.env");
        assert!(check(&text.replace("type = \"bearer\"", "type = \"none\"")).is_ok());
    }

    #[test]
    fn bad_status_and_hook_and_header_are_rejected() {
        let text = format!("{GOOD}retryable_statuses = [429, 1000]\n");
        assert_eq!(check(&text).unwrap_err().key, "errors.retryable_statuses");
        let text = format!("{GOOD}[hooks]\nrequest = \"Fix-It\"\n");
        assert_eq!(check(&text).unwrap_err().key, "hooks.request");
        let text = format!("{GOOD}[request]\nheaders = {{ authorization = \"x\" }}\n");
        assert_eq!(check(&text).unwrap_err().key, "request.headers.authorization");
    }

    #[test]
    fn generate_section_only_for_spec_owner() {
        let text = format!("{GOOD}[generate]\nstream_schemas = [\"Chunk\"]\n");
        assert_eq!(check(&text).unwrap_err().key, "generate");
    }

    #[test]
    fn lean_variants_must_be_of_a_lean_schema_and_not_shadow_a_schema() {
        let owner = |generate: &str| {
            let text = format!("{}[generate]\n{generate}", GOOD.replace("spec = \"openai-compatible\"", "spec = \"groq\""));
            let mut specs = specs();
            let index = specs.remove("openai-compatible").unwrap();
            specs.insert("groq".to_string(), index);
            validate("specs/groq/provider.toml", "groq", parse("specs/groq/provider.toml", &text)?, &specs)
        };
        owner("lean_schemas = [\"Chunk\"]\nlean_variants = { ChunkRest = \"Chunk\" }\n").unwrap();
        let error = owner("lean_variants = { ChunkRest = \"Chunk\" }\n").unwrap_err();
        assert_eq!(error.key, "generate.lean_variants", "{error}");
        assert!(error.message.contains("not in generate.lean_schemas"), "{error}");
        let error = owner("lean_schemas = [\"Chunk\"]\nlean_variants = { Chunk = \"Chunk\" }\n").unwrap_err();
        assert!(error.message.contains("already a schema name"), "{error}");
    }

    #[test]
    fn empty_model_override_is_rejected() {
        let text = format!("{GOOD}[[model_overrides]]\nmodels = [\"a*\"]\n");
        assert_eq!(check(&text).unwrap_err().key, "model_overrides[0]");
        let text = format!("{GOOD}[[model_overrides]]\nmodels = [\"a*\"]\ntools = \"no\"\n");
        let error = check(&text).unwrap_err();
        assert_eq!(error.key, "model_overrides.tools", "{error}");
    }
}
