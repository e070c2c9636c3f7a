//! The options of one language-model call.

use http::HeaderMap;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::metadata::ProviderOptions;
use super::prompt::Message;

/// Everything a language model needs for one call. Built by the generation functions; providers
/// read it, map what they support, and warn about the rest.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct CallOptions {
    /// The conversation.
    pub prompt: Vec<Message>,
    /// The most tokens to generate.
    pub max_output_tokens: Option<u32>,
    /// Sampling temperature.
    pub temperature: Option<f32>,
    /// Stop generating at any of these.
    pub stop_sequences: Vec<String>,
    /// Nucleus sampling.
    pub top_p: Option<f32>,
    /// Sample only from the top K tokens.
    pub top_k: Option<u32>,
    /// Penalise tokens that already appeared.
    pub presence_penalty: Option<f32>,
    /// Penalise tokens by how often they appeared.
    pub frequency_penalty: Option<f32>,
    /// Text or JSON output.
    pub response_format: Option<ResponseFormat>,
    /// Seed for deterministic sampling, where supported.
    pub seed: Option<u64>,
    /// The tools the model may call.
    pub tools: Vec<ToolDefinition>,
    /// How the model should choose tools.
    pub tool_choice: Option<ToolChoice>,
    /// How hard a reasoning model should think.
    pub reasoning_effort: Option<ReasoningEffort>,
    /// Emit [`StreamPart::Raw`](super::StreamPart::Raw) with each provider chunk.
    pub include_raw_chunks: bool,
    /// Extra HTTP headers for this call.
    pub headers: HeaderMap,
    /// Provider-specific options, keyed by provider id.
    pub provider_options: ProviderOptions,
    /// Body members and query parameters added to this call's request as they are.
    pub extra: ExtraRequest,
}

/// What a caller adds to one request beyond the typed options: the escape hatch for a field a
/// provider added last week, before its spec is regenerated (the official OpenAI and Anthropic
/// SDKs' `extra_body` and `extra_query`). Providers send it unchecked; a member of `body`
/// replaces the provider's own member of the same name. Every kind of call carries one
/// ([`EmbedOptions`](crate::EmbedOptions), [`ImageOptions`](crate::ImageOptions),
/// [`SpeechOptions`](crate::SpeechOptions), [`TranscriptionOptions`](crate::TranscriptionOptions),
/// [`RerankOptions`](crate::RerankOptions)); extra headers travel in the options' `headers`.
/// A multipart request gets the body members as form fields (text as it is, other values as JSON
/// text); a request whose body is not JSON nor a form (raw audio) cannot take them, and the
/// provider answers with a [`Warning::Unsupported`](crate::Warning::Unsupported).
///
/// ```
/// use specai_provider::{CallOptions, ExtraRequest, Message};
///
/// let mut options = CallOptions::new(vec![Message::user("Hi!")]);
/// options.extra = ExtraRequest::default().with_body_member("service_tier", "flex").with_query_param("trace", "1");
/// assert!(!options.extra.is_empty());
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct ExtraRequest {
    /// Top-level members merged into the JSON body.
    pub body: serde_json::Map<String, Value>,
    /// Query parameters appended to the URL.
    pub query: Vec<(String, String)>,
    /// How long the server may stay silent in this call (waiting for the response, reading
    /// its body, between stream chunks), over the provider's own idle timeout: `None` keeps the
    /// provider's, `Some(None)` removes the limit for this call. Not sent: it travels here
    /// because this is what every provider hands its connection with each request.
    pub idle_timeout: Option<Option<std::time::Duration>>,
}

impl ExtraRequest {
    /// Whether there is nothing to add to the request's body or URL (the common case, which
    /// costs nothing).
    pub fn is_empty(&self) -> bool {
        self.body.is_empty() && self.query.is_empty()
    }

    /// Adds a member to the body (replacing one of the same name given before).
    pub fn with_body_member(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.body.insert(name.into(), value.into());
        self
    }

    /// Adds a query parameter.
    pub fn with_query_param(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.query.push((name.into(), value.into()));
        self
    }

    /// Sets this call's idle timeout over the provider's (`None`: no limit for this call).
    pub fn with_idle_timeout(mut self, idle_timeout: Option<std::time::Duration>) -> Self {
        self.idle_timeout = Some(idle_timeout);
        self
    }
}

impl CallOptions {
    /// Options holding only a prompt.
    pub fn new(prompt: Vec<Message>) -> Self {
        CallOptions { prompt, ..Default::default() }
    }
}

/// The output format. Non-exhaustive: a `match` outside this crate needs a wildcard arm.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
#[non_exhaustive]
pub enum ResponseFormat {
    /// Free text.
    Text,
    /// JSON, optionally following a JSON Schema.
    Json {
        /// The JSON Schema the output must follow.
        schema: Option<Value>,
        /// A name for the output, for providers that take one.
        name: Option<String>,
        /// A description of the output, for providers that take one.
        description: Option<String>,
    },
}

impl ResponseFormat {
    /// The format's wire name (`"text"`, `"json"`), for errors naming what a provider cannot honour.
    pub fn kind(&self) -> &'static str {
        match self {
            ResponseFormat::Text => "text",
            ResponseFormat::Json { .. } => "json",
        }
    }
}

/// A tool the model may call. Non-exhaustive: the AI SDK may add tool kinds.
///
/// ```
/// use specai_provider::{FunctionTool, ProviderDefinedTool, ToolDefinition};
/// use serde_json::json;
///
/// let tools = vec![
///     ToolDefinition::Function(FunctionTool::new("weather", json!({"type": "object"}))),
///     ToolDefinition::ProviderDefined(ProviderDefinedTool::new("openai.web_search", "web_search", json!({}))),
/// ];
/// assert_eq!(tools[1].name(), "web_search");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum ToolDefinition {
    /// A function the application executes.
    Function(FunctionTool),
    /// A tool defined by the provider (web search, code execution, ...).
    ProviderDefined(ProviderDefinedTool),
}

impl ToolDefinition {
    /// The tool kind's wire name (`"function"`, `"provider-defined"`), for warnings naming what a
    /// provider cannot send.
    pub fn kind(&self) -> &'static str {
        match self {
            ToolDefinition::Function(_) => "function",
            ToolDefinition::ProviderDefined(_) => "provider-defined",
        }
    }

    /// The name the model calls the tool by.
    pub fn name(&self) -> &str {
        match self {
            ToolDefinition::Function(tool) => &tool.name,
            ToolDefinition::ProviderDefined(tool) => &tool.name,
        }
    }
}

/// A function tool: name, description and a JSON Schema for its input.
///
/// ```
/// use specai_provider::FunctionTool;
/// use serde_json::json;
///
/// let tool = FunctionTool::new("weather", json!({"type": "object", "properties": {"city": {"type": "string"}}}))
///     .with_description("The weather in a city.")
///     .with_strict(true);
/// assert_eq!(tool.strict, Some(true));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FunctionTool {
    /// The name.
    pub name: String,
    /// What it does, for the model.
    pub description: Option<String>,
    /// The JSON Schema of its input (an object schema).
    pub input_schema: Value,
    /// Ask the provider to enforce the schema strictly, where it can.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strict: Option<bool>,
    /// Per-tool provider options (e.g. `cache_control`).
    #[serde(default, skip_serializing_if = "ProviderOptions::is_empty")]
    pub provider_options: ProviderOptions,
}

impl FunctionTool {
    /// A tool with a name and an input schema, without description, strictness or options.
    pub fn new(name: impl Into<String>, input_schema: Value) -> Self {
        FunctionTool {
            name: name.into(),
            description: None,
            input_schema,
            strict: None,
            provider_options: ProviderOptions::default(),
        }
    }

    /// Sets what the tool does, for the model.
    pub fn with_description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// Asks the provider to enforce the schema strictly (or not), where it can.
    pub fn with_strict(mut self, strict: bool) -> Self {
        self.strict = Some(strict);
        self
    }
}

/// A provider-defined tool, identified as `<provider>.<tool>` (e.g. `openai.web_search`).
///
/// ```
/// use specai_provider::ProviderDefinedTool;
/// use serde_json::json;
///
/// let search = ProviderDefinedTool::new("openai.web_search", "web_search", json!({"search_context_size": "low"}));
/// assert_eq!(search.id, "openai.web_search");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ProviderDefinedTool {
    /// The id, `<provider>.<tool>`.
    pub id: String,
    /// The name the model calls it by.
    pub name: String,
    /// The tool's configuration, as the provider defines it.
    pub args: Value,
}

impl ProviderDefinedTool {
    /// A provider-defined tool from its id, its name and its configuration.
    pub fn new(id: impl Into<String>, name: impl Into<String>, args: Value) -> Self {
        ProviderDefinedTool { id: id.into(), name: name.into(), args }
    }
}

/// How the model chooses tools. Non-exhaustive: a `match` outside this crate needs a wildcard arm.
///
/// ```
/// use specai_provider::ToolChoice;
///
/// assert_eq!(ToolChoice::tool("weather"), ToolChoice::Tool { tool_name: "weather".into() });
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
#[non_exhaustive]
pub enum ToolChoice {
    /// The model decides.
    Auto,
    /// No tool calls.
    None,
    /// At least one tool call.
    Required,
    /// A call of this tool.
    Tool {
        /// The tool's name.
        tool_name: String,
    },
}

impl ToolChoice {
    /// The choice's wire name (`"auto"`, `"tool"`...), for warnings naming what a provider cannot honour.
    pub fn kind(&self) -> &'static str {
        match self {
            ToolChoice::Auto => "auto",
            ToolChoice::None => "none",
            ToolChoice::Required => "required",
            ToolChoice::Tool { .. } => "tool",
        }
    }

    /// A call of the named tool.
    pub fn tool(tool_name: impl Into<String>) -> Self {
        ToolChoice::Tool { tool_name: tool_name.into() }
    }
}

/// How much a reasoning model should think.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum ReasoningEffort {
    /// No reasoning, where the model allows it.
    None,
    /// The least reasoning.
    Minimal,
    /// Little reasoning.
    Low,
    /// The default for most models.
    Medium,
    /// Much reasoning.
    High,
    /// The most reasoning.
    #[serde(rename = "xhigh")]
    ExtraHigh,
}

impl ReasoningEffort {
    /// The lowercase wire name (`"low"`, `"xhigh"`...).
    pub fn as_str(self) -> &'static str {
        match self {
            ReasoningEffort::None => "none",
            ReasoningEffort::Minimal => "minimal",
            ReasoningEffort::Low => "low",
            ReasoningEffort::Medium => "medium",
            ReasoningEffort::High => "high",
            ReasoningEffort::ExtraHigh => "xhigh",
        }
    }
}

setter!(
    /// Sets the tool's provider options.
    with_provider_options(provider_options: ProviderOptions) for FunctionTool
);


#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::Warning;

    /// `kind()` names what wildcard arms cannot honour; it must be the wire tag.
    #[test]
    fn kinds_are_the_wire_tags() {
        let tag = |value: Value| value["type"].as_str().unwrap().to_owned();
        for choice in [ToolChoice::Auto, ToolChoice::None, ToolChoice::Required, ToolChoice::tool("t")] {
            assert_eq!(tag(serde_json::to_value(&choice).unwrap()), choice.kind());
        }
        let format = ResponseFormat::Json { schema: None, name: None, description: None };
        for format in [ResponseFormat::Text, format] {
            assert_eq!(tag(serde_json::to_value(&format).unwrap()), format.kind());
        }
        let tools = [
            ToolDefinition::Function(FunctionTool::new("f", json!({"type": "object"}))),
            ToolDefinition::ProviderDefined(ProviderDefinedTool::new("acme.search", "search", json!({}))),
        ];
        for tool in &tools {
            assert_eq!(tag(serde_json::to_value(tool).unwrap()), tool.kind());
        }
        assert_eq!(
            Warning::unknown_tool_kind(&tools[1]),
            Warning::unsupported("tool:search", "`provider-defined` tools are unknown to this provider; not sent".to_owned())
        );
    }
}
