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
}

impl CallOptions {
    /// Options holding only a prompt.
    pub fn new(prompt: Vec<Message>) -> Self {
        CallOptions { prompt, ..Default::default() }
    }
}

/// The output format.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
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

/// A tool the model may call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum ToolDefinition {
    /// A function the application executes.
    Function(FunctionTool),
    /// A tool defined by the provider (web search, code execution, ...).
    ProviderDefined(ProviderDefinedTool),
}

impl ToolDefinition {
    /// The name the model calls the tool by.
    pub fn name(&self) -> &str {
        match self {
            ToolDefinition::Function(tool) => &tool.name,
            ToolDefinition::ProviderDefined(tool) => &tool.name,
        }
    }
}

/// A function tool: name, description and a JSON Schema for its input.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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

/// A provider-defined tool, identified as `<provider>.<tool>` (e.g. `openai.web_search`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProviderDefinedTool {
    /// The id, `<provider>.<tool>`.
    pub id: String,
    /// The name the model calls it by.
    pub name: String,
    /// The tool's configuration, as the provider defines it.
    pub args: Value,
}

/// How the model chooses tools.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
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
