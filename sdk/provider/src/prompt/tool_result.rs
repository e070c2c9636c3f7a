//! Tool results in the prompt: the part that answers a call, and what the tool returned.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::metadata::ProviderOptions;

/// The result of a tool call.
///
/// ```
/// use specai_provider::{Message, ToolResultOutput, ToolResultPart};
/// use serde_json::json;
///
/// let result = ToolResultPart::new("call_1", "weather", ToolResultOutput::json(json!({"celsius": 21})));
/// let message = Message::tool(vec![result]);
/// assert!(matches!(message, Message::Tool { .. }));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ToolResultPart {
    /// The id of the call this answers.
    pub tool_call_id: String,
    /// The tool's name.
    pub tool_name: String,
    /// The result.
    pub output: ToolResultOutput,
    /// Per-part provider options.
    #[serde(default, skip_serializing_if = "ProviderOptions::is_empty")]
    pub provider_options: ProviderOptions,
}

impl ToolResultPart {
    /// The result of a call, without options.
    pub fn new(tool_call_id: impl Into<String>, tool_name: impl Into<String>, output: ToolResultOutput) -> Self {
        ToolResultPart {
            tool_call_id: tool_call_id.into(),
            tool_name: tool_name.into(),
            output,
            provider_options: ProviderOptions::default(),
        }
    }
}

/// What a tool returned.
///
/// Non-exhaustive, and so is each variant: the AI SDK has added output kinds (denials) and fields
/// (per-output provider options). Build outputs with the constructors and match with `..`:
/// ```
/// use specai_provider::ToolResultOutput;
///
/// let output = ToolResultOutput::error_text("city not found");
/// assert!(output.is_error());
/// match &output {
///     ToolResultOutput::ErrorText { value, .. } => assert_eq!(value, "city not found"),
///     other => panic!("{other:?}"),
/// }
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum ToolResultOutput {
    /// Text.
    #[non_exhaustive]
    Text {
        /// The text.
        value: String,
    },
    /// JSON.
    #[non_exhaustive]
    Json {
        /// The value.
        value: Value,
    },
    /// The tool failed; the message for the model.
    #[non_exhaustive]
    ErrorText {
        /// The error text.
        value: String,
    },
    /// The tool failed; a JSON error for the model.
    #[non_exhaustive]
    ErrorJson {
        /// The error value.
        value: Value,
    },
    /// The user or the application refused to run the tool.
    #[non_exhaustive]
    ExecutionDenied {
        /// Why, when known.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    /// Several parts: text and media.
    #[non_exhaustive]
    Content {
        /// The parts.
        value: Vec<ToolResultContent>,
    },
}

impl ToolResultOutput {
    /// A text output.
    pub fn text(value: impl Into<String>) -> Self {
        ToolResultOutput::Text { value: value.into() }
    }

    /// A JSON output.
    pub fn json(value: Value) -> Self {
        ToolResultOutput::Json { value }
    }

    /// A failure, told to the model as text.
    pub fn error_text(value: impl Into<String>) -> Self {
        ToolResultOutput::ErrorText { value: value.into() }
    }

    /// A failure, told to the model as JSON.
    pub fn error_json(value: Value) -> Self {
        ToolResultOutput::ErrorJson { value }
    }

    /// A refusal to run the tool, with the reason when known.
    pub fn execution_denied(reason: Option<String>) -> Self {
        ToolResultOutput::ExecutionDenied { reason }
    }

    /// A multi-part output of text and media.
    pub fn content(value: Vec<ToolResultContent>) -> Self {
        ToolResultOutput::Content { value }
    }

    /// Whether this reports a failure (error text, error JSON or denial).
    pub fn is_error(&self) -> bool {
        matches!(
            self,
            ToolResultOutput::ErrorText { .. } | ToolResultOutput::ErrorJson { .. } | ToolResultOutput::ExecutionDenied { .. }
        )
    }

    /// The output as one string for providers that take text only: JSON is serialized.
    pub fn to_text(&self) -> String {
        match self {
            ToolResultOutput::Text { value } | ToolResultOutput::ErrorText { value } => value.clone(),
            ToolResultOutput::Json { value } | ToolResultOutput::ErrorJson { value } => value.to_string(),
            ToolResultOutput::ExecutionDenied { reason } => {
                reason.clone().unwrap_or_else(|| "Tool execution denied.".to_owned())
            }
            ToolResultOutput::Content { value } => value
                .iter()
                .filter_map(|part| match part {
                    ToolResultContent::Text { text } => Some(text.as_str()),
                    _ => None,
                })
                .collect::<Vec<_>>()
                .join("\n"),
        }
    }
}

/// A part of a multi-part tool result.
///
/// Non-exhaustive, and so is each variant: the AI SDK has added part kinds (file ids, custom
/// parts) and fields (per-part provider options).
/// ```
/// use specai_provider::{ToolResultContent, ToolResultOutput};
///
/// let output = ToolResultOutput::content(vec![
///     ToolResultContent::text("A screenshot:"),
///     ToolResultContent::media("iVBORw0KGgo=", "image/png"),
/// ]);
/// assert_eq!(output.to_text(), "A screenshot:");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum ToolResultContent {
    /// Text.
    #[non_exhaustive]
    Text {
        /// The text.
        text: String,
    },
    /// Inline media, base64-encoded.
    #[non_exhaustive]
    Media {
        /// Base64 data.
        data: String,
        /// The media type.
        media_type: String,
    },
    /// Media by URL.
    #[non_exhaustive]
    MediaUrl {
        /// The URL.
        url: String,
        /// The media type, when known.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        media_type: Option<String>,
    },
}

impl ToolResultContent {
    /// The part kind's wire name (`"text"`, `"media"`...), for messages naming what a provider
    /// cannot send.
    pub fn kind(&self) -> &'static str {
        match self {
            ToolResultContent::Text { .. } => "text",
            ToolResultContent::Media { .. } => "media",
            ToolResultContent::MediaUrl { .. } => "media-url",
        }
    }

    /// A text part.
    pub fn text(text: impl Into<String>) -> Self {
        ToolResultContent::Text { text: text.into() }
    }

    /// Inline media from base64 data.
    pub fn media(data: impl Into<String>, media_type: impl Into<String>) -> Self {
        ToolResultContent::Media { data: data.into(), media_type: media_type.into() }
    }

    /// Media by URL, with its media type when known.
    pub fn media_url(url: impl Into<String>, media_type: Option<String>) -> Self {
        ToolResultContent::MediaUrl { url: url.into(), media_type }
    }
}

setter!(
    /// Sets the part's provider options.
    with_provider_options(provider_options: ProviderOptions) for ToolResultPart
);
