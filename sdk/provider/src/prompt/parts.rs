//! The parts of user and assistant messages that carry data: text, files, reasoning, tool calls.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::content::FileData;
use crate::metadata::ProviderOptions;

/// Text.
///
/// ```
/// use specai_provider::{ProviderOptions, TextPart};
/// use serde_json::json;
///
/// let cached = ProviderOptions::new().with("anthropic", json!({"cache_control": {"type": "ephemeral"}}));
/// let part = TextPart::new("Hello").with_provider_options(cached);
/// assert_eq!(part.text, "Hello");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TextPart {
    /// The text.
    pub text: String,
    /// Per-part provider options.
    #[serde(default, skip_serializing_if = "ProviderOptions::is_empty")]
    pub provider_options: ProviderOptions,
}

impl TextPart {
    /// A text part without options.
    pub fn new(text: impl Into<String>) -> Self {
        TextPart { text: text.into(), provider_options: ProviderOptions::default() }
    }
}

/// A file, with its IANA media type (`image/png`, `application/pdf`; `image/*` when unknown).
///
/// ```
/// use specai_provider::{FileData, FilePart};
///
/// let part = FilePart::new(FileData::Url("https://example.com/report.pdf".into()), "application/pdf")
///     .with_filename("report.pdf");
/// assert_eq!(part.filename.as_deref(), Some("report.pdf"));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FilePart {
    /// The content, inline or by URL.
    pub data: FileData,
    /// The media type.
    pub media_type: String,
    /// The file's name, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filename: Option<String>,
    /// Per-part provider options.
    #[serde(default, skip_serializing_if = "ProviderOptions::is_empty")]
    pub provider_options: ProviderOptions,
}

impl FilePart {
    /// A file part without filename or options.
    pub fn new(data: FileData, media_type: impl Into<String>) -> Self {
        FilePart { data, media_type: media_type.into(), filename: None, provider_options: ProviderOptions::default() }
    }

    /// Sets the file's name.
    pub fn with_filename(mut self, filename: impl Into<String>) -> Self {
        self.filename = Some(filename.into());
        self
    }
}

/// The model's reasoning text.
///
/// ```
/// use specai_provider::{ProviderOptions, ReasoningPart};
/// use serde_json::json;
///
/// let signed = ProviderOptions::new().with("anthropic", json!({"signature": "sig"}));
/// let part = ReasoningPart::new("First, ...").with_provider_options(signed);
/// assert_eq!(part.text, "First, ...");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ReasoningPart {
    /// The reasoning text (may be empty for redacted or encrypted reasoning).
    pub text: String,
    /// Per-part provider options: signatures, encrypted content.
    #[serde(default, skip_serializing_if = "ProviderOptions::is_empty")]
    pub provider_options: ProviderOptions,
}

impl ReasoningPart {
    /// A reasoning part without options.
    pub fn new(text: impl Into<String>) -> Self {
        ReasoningPart { text: text.into(), provider_options: ProviderOptions::default() }
    }
}

/// A tool call the model made earlier.
///
/// ```
/// use specai_provider::ToolCallPart;
/// use serde_json::json;
///
/// let call = ToolCallPart::new("call_1", "weather", json!({"city": "Paris"}));
/// let search = ToolCallPart::new("srv_1", "web_search", json!({"query": "news"})).with_provider_executed(true);
/// assert!(!call.provider_executed && search.provider_executed);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ToolCallPart {
    /// The call's id, which its result refers to.
    pub tool_call_id: String,
    /// The tool's name.
    pub tool_name: String,
    /// The call's input, as JSON.
    pub input: Value,
    /// Whether the provider executed the tool itself (e.g. web search).
    #[serde(default)]
    pub provider_executed: bool,
    /// Per-part provider options.
    #[serde(default, skip_serializing_if = "ProviderOptions::is_empty")]
    pub provider_options: ProviderOptions,
}

impl ToolCallPart {
    /// A call executed by the application, without options.
    pub fn new(tool_call_id: impl Into<String>, tool_name: impl Into<String>, input: Value) -> Self {
        ToolCallPart {
            tool_call_id: tool_call_id.into(),
            tool_name: tool_name.into(),
            input,
            provider_executed: false,
            provider_options: ProviderOptions::default(),
        }
    }
}

setter!(
    /// Sets the part's provider options.
    with_provider_options(provider_options: ProviderOptions) for TextPart, FilePart, ReasoningPart, ToolCallPart
);
setter!(
    /// Sets whether the provider executed the tool itself.
    with_provider_executed(provider_executed: bool) for ToolCallPart
);
