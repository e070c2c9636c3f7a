// Template: the type definitions of `specai_generated::mappings`. codegen copies this file
// verbatim to the top of generated/src/mappings.rs and appends one `static` per
// specs/<id>/provider.toml. The format is documented in specs/README.md.

/// Everything `specs/<id>/provider.toml` says about one provider, resolved (defaults applied).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProviderMapping {
    /// Provider id, as used in `"<id>:<model>"` registry strings.
    pub id: &'static str,
    /// Human-readable name.
    pub display_name: &'static str,
    /// Which SDK adapter family speaks this provider's wire format.
    pub api: Api,
    /// Module of `specai_generated` (and its cargo feature) that holds the wire types.
    pub module: &'static str,
    /// Default base URL without a trailing slash; `None` when the caller must give one.
    pub base_url: Option<&'static str>,
    /// Environment variable that overrides the base URL.
    pub base_url_env: Option<&'static str>,
    /// `{placeholder}`s of `base_url` and the environment variable giving each value
    /// (`resource` -> `AZURE_RESOURCE_NAME`); the adapter fills them from settings or the variable.
    pub base_url_vars: &'static [(&'static str, &'static str)],
    /// OAuth scopes of the bearer tokens the credentials fetch (Google Cloud's `cloud-platform`).
    pub oauth_scopes: &'static [&'static str],
    /// Prefix inserted between the base URL and every operation path.
    pub path_prefix: &'static str,
    /// Put before a model id given without a `/` ([`ProviderMapping::full_model_id`]); empty
    /// for most providers.
    pub model_namespace: &'static str,
    /// How the API key is sent.
    pub auth: Auth,
    /// Where the API key comes from.
    pub api_key: ApiKey,
    /// Operation per capability; `None` when the provider lacks the capability.
    pub operations: Operations,
    /// Model-independent capabilities.
    pub capabilities: Capabilities,
    /// Capability overrides for some models, first match wins.
    pub model_overrides: &'static [ModelOverride],
    /// Request options only some models take (OpenAI's `flex` and `priority` processing).
    pub model_option_rules: &'static [ModelOptionRule],
    /// Models the adapter treats apart (their own wire, endpoint or prompt rule), by family.
    pub model_families: &'static [ModelFamily],
    /// The most values or images one request may carry (`limits_for` applies the overrides).
    pub limits: Limits,
    /// Request shaping: static headers and query parameters, renames, value maps.
    pub request: RequestMapping,
    /// Streaming quirks.
    pub stream: StreamMapping,
    /// Reasoning text fields in messages and stream deltas.
    pub reasoning: ReasoningMapping,
    /// Where the error body keeps its message, type and code, and which statuses retry.
    pub errors: ErrorMapping,
    /// Values copied by JSON path from responses (and stream chunks) into provider metadata.
    pub response_metadata: &'static [MetadataPath],
    /// Lists of cited sources in responses and stream chunks, read in order, each URL once.
    pub sources: &'static [SourcePath],
    /// Where token counts are inside the provider's usage object.
    pub usage: UsageMapping,
    /// Named hook functions that the SDK resolves, for quirks a mapping cannot express.
    pub hooks: Hooks,
}

/// SDK adapter family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Api {
    /// OpenAI's own API (Responses, chat completions, ...).
    OpenAi,
    /// The chat-completions dialect shared by OpenAI-compatible vendors.
    OpenAiCompatible,
    /// Anthropic Messages API.
    Anthropic,
    /// Google Gemini API.
    Google,
    /// Amazon Bedrock runtime (Converse, InvokeModel) and agent runtime (Rerank).
    Bedrock,
    /// Cohere API v2 (chat, embed, rerank).
    Cohere,
    /// Vercel AI Gateway, spoken as the AI SDK's own gateway provider.
    Gateway,
    /// ElevenLabs (text to speech, Scribe speech to text).
    ElevenLabs,
    /// Deepgram (Aura text to speech, pre-recorded speech to text).
    Deepgram,
    /// LMNT text to speech.
    Lmnt,
    /// Hume Octave text to speech.
    Hume,
    /// FAL's queue (submit, status, result, cancel) for image, speech and transcription models.
    Fal,
    /// Replicate predictions (`Prefer: wait`, then polled) for image models.
    Replicate,
    /// Luma's Dream Machine generations (polled) for image models.
    Luma,
    /// AssemblyAI transcription (upload, submit, poll).
    AssemblyAi,
    /// Gladia pre-recorded transcription (upload, submit, poll).
    Gladia,
    /// Rev.ai asynchronous transcription (job, poll, transcript).
    RevAi,
}

/// How the API key is attached to requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Auth {
    /// No authentication (local servers).
    None,
    /// `Authorization: Bearer <key>`.
    Bearer,
    /// `<name>: [<scheme> ]<key>`.
    Header {
        /// Header name, lowercase.
        name: &'static str,
        /// Optional scheme written before the key, e.g. `Token`.
        scheme: Option<&'static str>,
    },
    /// `?<param>=<key>`.
    Query {
        /// Query parameter name.
        param: &'static str,
    },
    /// AWS Signature Version 4 over each request; a key from the `api_key` variables, when
    /// set, is sent as a bearer token instead (Bedrock API keys).
    AwsSigV4 {
        /// The signing name of the service, e.g. `bedrock`.
        service: &'static str,
        /// Variables naming the region, first set one wins; it fills `{region}` in URLs.
        region_env: &'static [&'static str],
    },
}

/// Where the API key is read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApiKey {
    /// Environment variables, first set one wins.
    pub env: &'static [&'static str],
    /// Deprecated variables read after `env`, with a warning naming the replacement.
    pub deprecated_env: &'static [&'static str],
    /// Whether a missing key is acceptable (local servers).
    pub optional: bool,
}

/// One HTTP operation of the provider's spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operation {
    /// `operationId` in the spec (also the generated client's method name, snake-cased).
    pub operation_id: &'static str,
    /// HTTP method, uppercase.
    pub method: &'static str,
    /// Path relative to base URL and prefix; `{name}` marks a path parameter (e.g. `{model}`).
    pub path: &'static str,
    /// Static query parameters for this operation (e.g. `alt=sse`).
    pub query: &'static [(&'static str, &'static str)],
    /// A base URL of its own, when the operation is served elsewhere (Bedrock's agent runtime).
    pub base_url: Option<&'static str>,
}

/// Operation per capability.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operations {
    /// Chat / messages / generateContent.
    pub chat: Option<Operation>,
    /// Streaming chat when it is a different operation (Gemini); `None` means `chat` with `stream: true`.
    pub chat_stream: Option<Operation>,
    /// OpenAI Responses API.
    pub responses: Option<Operation>,
    /// Legacy text completions.
    pub completion: Option<Operation>,
    /// Embeddings (one or many inputs).
    pub embedding: Option<Operation>,
    /// Batch embeddings when it is a different operation (Gemini).
    pub embedding_batch: Option<Operation>,
    /// Image generation.
    pub image: Option<Operation>,
    /// Image edit.
    pub image_edit: Option<Operation>,
    /// Text to speech.
    pub speech: Option<Operation>,
    /// Speech to text (multipart upload).
    pub transcription: Option<Operation>,
    /// Model list.
    pub models: Option<Operation>,
    /// Document reranking.
    pub rerank: Option<Operation>,
    /// The status of a queued job (`{request_id}` in the path).
    pub status: Option<Operation>,
    /// The result of a finished job.
    pub result: Option<Operation>,
    /// Cancelling a queued or running job.
    pub cancel: Option<Operation>,
    /// Submitting a job where a kind's own operation does not fit (Replicate's versioned predictions).
    pub submit: Option<Operation>,
    /// Media upload before a job is submitted (AssemblyAI, Gladia).
    pub upload: Option<Operation>,
    /// An image model run as a workflow answering the image's bytes (Fireworks' FLUX models).
    pub image_workflow: Option<Operation>,
    /// An image model of a vendor's older image API answering the image's bytes (Fireworks' SDXL models).
    pub image_generation: Option<Operation>,
}

/// How system messages are sent in chat completions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SystemMessageMode {
    /// `role: system`.
    System,
    /// `role: developer` (OpenAI's reasoning models).
    Developer,
    /// Left out, with a warning.
    Remove,
}

/// How structured output is requested.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StructuredOutputs {
    /// `response_format: {type: json_schema}` (or the provider's equivalent).
    JsonSchema,
    /// Only `response_format: {type: json_object}`; the schema goes in the prompt.
    JsonObject,
    /// No native support.
    None,
}

/// Model-independent capabilities.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Capabilities {
    /// Function tools.
    pub tools: bool,
    /// Streaming chat.
    pub streaming: bool,
    /// Structured-output mode.
    pub structured_outputs: StructuredOutputs,
    /// Image parts in user messages.
    pub image_input: bool,
    /// PDF/document parts in user messages.
    pub pdf_input: bool,
    /// Emits reasoning text.
    pub reasoning: bool,
    /// Accepts `parallel_tool_calls`.
    pub parallel_tool_calls: bool,
}

/// Capability overrides for models matched by id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModelOverride {
    /// Exact model ids, or prefixes ending in `*`.
    pub models: &'static [&'static str],
    /// Overrides `Capabilities::tools`.
    pub tools: Option<bool>,
    /// Overrides `Capabilities::streaming`.
    pub streaming: Option<bool>,
    /// Overrides `Capabilities::structured_outputs`.
    pub structured_outputs: Option<StructuredOutputs>,
    /// Overrides `Capabilities::image_input`.
    pub image_input: Option<bool>,
    /// Overrides `Capabilities::pdf_input`.
    pub pdf_input: Option<bool>,
    /// Overrides `Capabilities::reasoning`.
    pub reasoning: Option<bool>,
    /// Overrides `Capabilities::parallel_tool_calls`.
    pub parallel_tool_calls: Option<bool>,
    /// Request renames for these models, applied after the provider's.
    pub renames: &'static [(&'static str, &'static str)],
    /// Body fields these models reject: dropped with an unsupported-setting warning.
    pub unsupported_fields: &'static [&'static str],
    /// How system messages are sent to these models (default: as `system`).
    pub system_message_mode: Option<SystemMessageMode>,
    /// The most output tokens these models write in one call (what an adapter that must send a
    /// maximum, Anthropic's `max_tokens`, sends by default and clamps to); `None`: not stated.
    pub max_output_tokens: Option<u32>,
    /// These models' limits; `None` in a field keeps the provider's.
    pub limits: Limits,
}

impl ModelOverride {
    /// Whether this override applies to `model_id`.
    pub fn matches(&self, model_id: &str) -> bool {
        any_matches(self.models, model_id)
    }
}

/// The most values or images one request may carry: the SDK splits a larger call into several
/// requests, or rejects it where one request must carry it all.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Limits {
    /// Values per embedding request; `None` when the provider states no limit.
    pub embeddings_per_call: Option<usize>,
    /// Images per image-generation request; `None` when the provider states no limit.
    pub images_per_call: Option<usize>,
}

/// Models an adapter treats apart, named by a family the adapter knows (Vertex's `anthropic`:
/// Claude, over Anthropic's wire). The adapter documents its families; one it does not know is
/// treated as any other model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModelFamily {
    /// The family's name, as the adapter knows it.
    pub family: &'static str,
    /// Exact model ids, or prefixes ending in `*`.
    pub models: &'static [&'static str],
}

/// The family of `model_id` among `families`: the first entry naming it.
///
/// ```
/// use specai_generated::mappings::{ModelFamily, family_of};
///
/// let families = [ModelFamily { family: "gemma", models: &["gemma-*"] }];
/// assert_eq!(family_of(&families, "gemma-3-27b-it"), Some("gemma"));
/// assert_eq!(family_of(&families, "gemini-2.5-flash"), None);
/// ```
pub fn family_of(families: &[ModelFamily], model_id: &str) -> Option<&'static str> {
    families.iter().find(|family| any_matches(family.models, model_id)).map(|family| family.family)
}

impl ProviderMapping {
    /// The `[[model_overrides]]` entry of `model_id`: the first that names it (first match
    /// wins, for every key of the entry).
    ///
    /// ```
    /// let openai = specai_generated::mappings::by_id("openai").unwrap();
    /// assert_eq!(openai.override_for("o3-mini").and_then(|entry| entry.reasoning), Some(true));
    /// assert!(openai.override_for("gpt-4o").is_none());
    /// ```
    pub fn override_for(&self, model_id: &str) -> Option<&'static ModelOverride> {
        self.model_overrides.iter().find(|model_override| model_override.matches(model_id))
    }

    /// The family of `model_id`: the first `[[model_families]]` entry naming it.
    pub fn family_of(&self, model_id: &str) -> Option<&'static str> {
        family_of(self.model_families, model_id)
    }

    /// The id a model goes by on the wire: `model_id` itself when it has a `/` or the mapping
    /// has no `model_namespace`, else the namespace before it.
    ///
    /// ```
    /// let fireworks = specai_generated::mappings::by_id("fireworks").unwrap();
    /// assert_eq!(fireworks.full_model_id("flux-1-dev-fp8"), "accounts/fireworks/models/flux-1-dev-fp8");
    /// assert_eq!(fireworks.full_model_id("accounts/me/models/mine"), "accounts/me/models/mine");
    /// let openai = specai_generated::mappings::by_id("openai").unwrap();
    /// assert_eq!(openai.full_model_id("gpt-4o"), "gpt-4o");
    /// ```
    pub fn full_model_id(&self, model_id: &str) -> String {
        if self.model_namespace.is_empty() || model_id.contains('/') {
            model_id.to_owned()
        } else {
            format!("{}{model_id}", self.model_namespace)
        }
    }

    /// The limits of `model_id`: those the first matching override states, the provider's for the
    /// rest (the same first-match rule as the capability overrides).
    ///
    /// ```
    /// let openai = specai_generated::mappings::by_id("openai").unwrap();
    /// assert_eq!(openai.limits_for("dall-e-3").images_per_call, Some(1));
    /// assert_eq!(openai.limits_for("dall-e-2").images_per_call, Some(10));
    /// ```
    pub fn limits_for(&self, model_id: &str) -> Limits {
        let own = self.override_for(model_id).map(|model_override| model_override.limits).unwrap_or_default();
        Limits {
            embeddings_per_call: own.embeddings_per_call.or(self.limits.embeddings_per_call),
            images_per_call: own.images_per_call.or(self.limits.images_per_call),
        }
    }
}

/// Whether `model_id` is one of `patterns`: exact ids, or prefixes ending in `*`.
fn any_matches(patterns: &[&str], model_id: &str) -> bool {
    patterns.iter().any(|pattern| match pattern.strip_suffix('*') {
        Some(prefix) => model_id.starts_with(prefix),
        None => *pattern == model_id,
    })
}

/// One value of a request option that only some models take: asked of another model, the
/// value is dropped with a warning (the API would reject the call). Values without a rule are
/// taken by every model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModelOptionRule {
    /// The option, as the provider's options name it (`service_tier`).
    pub option: &'static str,
    /// Its value, as sent (`flex`).
    pub value: &'static str,
    /// Exact model ids, or prefixes ending in `*`, that take the value.
    pub models: &'static [&'static str],
    /// Model ids or prefixes among those that do not (`gpt-5-chat*`).
    pub except: &'static [&'static str],
}

impl ModelOptionRule {
    /// Whether `model_id` takes this rule's value.
    pub fn allows(&self, model_id: &str) -> bool {
        any_matches(self.models, model_id) && !any_matches(self.except, model_id)
    }
}

/// Whether `model_id` takes `value` for `option`: the rule for that value allows the model, or
/// no rule names the value. A value the caller asked for and a model does not take is dropped
/// with a warning; one the SDK chose falls back to the wire's default.
///
/// ```
/// use specai_generated::mappings::{ModelOptionRule, takes_option};
///
/// let rules = [ModelOptionRule { option: "service_tier", value: "flex", models: &["o3*"], except: &[] }];
/// assert!(takes_option(&rules, "service_tier", "flex", "o3-mini"));
/// assert!(!takes_option(&rules, "service_tier", "flex", "gpt-4o"));
/// assert!(takes_option(&rules, "service_tier", "auto", "gpt-4o"), "no rule names `auto`");
/// ```
pub fn takes_option(rules: &[ModelOptionRule], option: &str, value: &str, model_id: &str) -> bool {
    rules.iter().find(|rule| rule.option == option && rule.value == value).is_none_or(|rule| rule.allows(model_id))
}

/// Maps values of one request field (e.g. clamps `reasoning_effort`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ValueMap {
    /// Request body field name (after renames are not applied: the OpenAI name).
    pub field: &'static str,
    /// `(from, to)` pairs.
    pub values: &'static [(&'static str, &'static str)],
}

/// Request shaping.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestMapping {
    /// Headers sent with every request, names lowercase.
    pub headers: &'static [(&'static str, &'static str)],
    /// Query parameters added to every request.
    pub query: &'static [(&'static str, &'static str)],
    /// Whether to send `stream_options: {include_usage: true}` when streaming.
    pub stream_include_usage: bool,
    /// Body field renames `(openai_name, vendor_name)`, e.g. `max_tokens` -> `max_completion_tokens`.
    pub renames: &'static [(&'static str, &'static str)],
    /// Value maps per field.
    pub value_maps: &'static [ValueMap],
    /// Body fields the vendor rejects: dropped with an unsupported-setting warning.
    pub unsupported_fields: &'static [&'static str],
    /// The `strict` flag sent with JSON schemas when the caller does not choose (`None`: not sent).
    pub strict_json_schema: Option<bool>,
    /// String fields added to every request body (Vertex's `anthropic_version`).
    pub body: &'static [(&'static str, &'static str)],
}

/// A dot-separated JSON path, e.g. `x_groq.usage`; numeric segments index arrays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JsonPath {
    /// The path as written in the mapping file.
    pub text: &'static str,
    /// The path split at dots.
    pub segments: &'static [&'static str],
}

/// Streaming quirks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StreamMapping {
    /// Where a chunk carries usage (e.g. `usage`, or `x_groq.usage`).
    pub usage_path: JsonPath,
}

/// Reasoning text fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReasoningMapping {
    /// Field names carrying reasoning text in assistant messages and deltas, first present wins.
    pub fields: &'static [&'static str],
    /// Whether reasoning must be removed from assistant messages sent back as history.
    pub strip_from_history: bool,
}

/// Error body shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrorMapping {
    /// Candidate paths of the message, first string found wins (`error.message`, `error`, `message`).
    pub message: &'static [JsonPath],
    /// Candidate paths of the error type.
    pub error_type: &'static [JsonPath],
    /// Candidate paths of the error code.
    pub code: &'static [JsonPath],
    /// HTTP statuses worth retrying.
    pub retryable_statuses: &'static [u16],
    /// Error types (read at the type paths) worth retrying whatever the status, e.g. an
    /// overload reported mid-stream under a 200.
    pub retryable_types: &'static [&'static str],
}

/// A value copied into provider metadata.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MetadataPath {
    /// Key in provider metadata.
    pub key: &'static str,
    /// Where the value is in a response body or stream chunk.
    pub path: JsonPath,
}

/// A list of cited sources in a response body or stream chunk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SourcePath {
    /// The array of sources.
    pub path: JsonPath,
    /// The URL inside each item; `None` when the items are URL strings.
    pub url: Option<JsonPath>,
    /// The title inside each item, if any.
    pub title: Option<JsonPath>,
}

/// Where token counts are inside the usage object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UsageMapping {
    /// Input (prompt) tokens.
    pub input_tokens: JsonPath,
    /// Output (completion) tokens.
    pub output_tokens: JsonPath,
    /// Total tokens, if reported.
    pub total_tokens: Option<JsonPath>,
    /// Input tokens read from cache, if reported.
    pub cached_input_tokens: Option<JsonPath>,
    /// Reasoning tokens, if reported.
    pub reasoning_tokens: Option<JsonPath>,
    /// Whether `output_tokens` excludes reasoning tokens (add them to get the real output).
    pub output_excludes_reasoning: bool,
}

/// Named hook functions, resolved by the SDK.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hooks {
    /// Rewrites the JSON request body before it is sent.
    pub request: Option<&'static str>,
    /// Rewrites a JSON response body before it is decoded.
    pub response: Option<&'static str>,
    /// Rewrites each stream chunk before it is decoded.
    pub stream_chunk: Option<&'static str>,
    /// Extracts an error from a body the error paths cannot read.
    pub error: Option<&'static str>,
    /// Reads provider metadata from each response body and stream chunk (typed vendor fields).
    pub metadata: Option<&'static str>,
}

/// Finds a provider mapping by id.
pub fn by_id(id: &str) -> Option<&'static ProviderMapping> {
    ALL.iter().copied().find(|mapping| mapping.id == id)
}
