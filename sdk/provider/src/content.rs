//! What a model produces: text, reasoning, files, sources, tool calls and provider tool results.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use bytes::Bytes;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::metadata::ProviderMetadata;
use crate::error::{Error, Result};

/// One piece of a model's output, in the order the model produced it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Content {
    /// Text.
    Text {
        /// The text.
        text: String,
        /// Provider metadata for this block.
        provider_metadata: Option<ProviderMetadata>,
    },
    /// Reasoning text (signatures and encrypted reasoning are in the metadata).
    Reasoning {
        /// The reasoning text; empty when redacted.
        text: String,
        /// Provider metadata: signatures, encrypted content, item ids.
        provider_metadata: Option<ProviderMetadata>,
    },
    /// A file the model generated.
    File(GeneratedFile),
    /// A source the model cited (web page, document).
    Source(Source),
    /// A tool call.
    ToolCall(ToolCall),
    /// The result of a tool the provider executed itself.
    ToolResult(ToolResult),
}

/// A tool call made by the model.
///
/// ```
/// use specai_provider::{Content, ToolCall};
///
/// let call = Content::ToolCall(ToolCall::new("call_1", "weather", r#"{"city":"Paris"}"#));
/// assert!(matches!(call, Content::ToolCall(ToolCall { provider_executed: false, .. })));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ToolCall {
    /// The call's id; the matching tool-input stream blocks use the same id.
    pub tool_call_id: String,
    /// The tool's name.
    pub tool_name: String,
    /// The input as the model wrote it: a JSON text, unparsed (it may be invalid).
    pub input: String,
    /// Whether the provider executes the tool itself.
    #[serde(default)]
    pub provider_executed: bool,
    /// Provider metadata (e.g. Gemini thought signatures).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider_metadata: Option<ProviderMetadata>,
}

impl ToolCall {
    /// A call executed by the application, from its id, tool name and JSON input text.
    pub fn new(tool_call_id: impl Into<String>, tool_name: impl Into<String>, input: impl Into<String>) -> Self {
        ToolCall {
            tool_call_id: tool_call_id.into(),
            tool_name: tool_name.into(),
            input: input.into(),
            provider_executed: false,
            provider_metadata: None,
        }
    }
}

/// The result of a tool the provider executed (web search, code execution, ...).
///
/// ```
/// use specai_provider::ToolResult;
/// use serde_json::json;
///
/// let result = ToolResult::new("srv_1", "web_search", json!({"results": []}));
/// let failed = ToolResult::new("srv_2", "web_search", json!("timed out")).with_is_error(true);
/// assert!(!result.is_error && failed.is_error);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ToolResult {
    /// The id of the call this answers.
    pub tool_call_id: String,
    /// The tool's name.
    pub tool_name: String,
    /// The result, as the provider gave it.
    pub result: Value,
    /// Whether the tool failed.
    #[serde(default)]
    pub is_error: bool,
    /// Provider metadata.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider_metadata: Option<ProviderMetadata>,
}

impl ToolResult {
    /// A successful result, from the call's id, the tool's name and the provider's result.
    pub fn new(tool_call_id: impl Into<String>, tool_name: impl Into<String>, result: Value) -> Self {
        ToolResult {
            tool_call_id: tool_call_id.into(),
            tool_name: tool_name.into(),
            result,
            is_error: false,
            provider_metadata: None,
        }
    }

    /// Sets whether the tool failed.
    pub fn with_is_error(mut self, is_error: bool) -> Self {
        self.is_error = is_error;
        self
    }
}

/// A cited source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "source_type", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Source {
    /// A web page.
    Url {
        /// An id for the source.
        id: String,
        /// The URL.
        url: String,
        /// The page title, when known.
        title: Option<String>,
        /// Provider metadata.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        provider_metadata: Option<ProviderMetadata>,
    },
    /// A document.
    Document {
        /// An id for the source.
        id: String,
        /// The document's media type.
        media_type: String,
        /// The title.
        title: String,
        /// The file name, when known.
        filename: Option<String>,
        /// Provider metadata.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        provider_metadata: Option<ProviderMetadata>,
    },
}

/// A file produced by a model (an image from a multimodal model, say).
///
/// ```
/// use specai_provider::{Content, FileData, GeneratedFile};
///
/// let file = Content::File(GeneratedFile::new(FileData::Base64("iVBORw0KGgo=".into()), "image/png"));
/// assert!(matches!(file, Content::File(GeneratedFile { provider_metadata: None, .. })));
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct GeneratedFile {
    /// The content.
    pub data: FileData,
    /// The IANA media type.
    pub media_type: String,
    /// Provider metadata.
    pub provider_metadata: Option<ProviderMetadata>,
}

impl GeneratedFile {
    /// A file from its content and media type, without metadata.
    pub fn new(data: FileData, media_type: impl Into<String>) -> Self {
        GeneratedFile { data, media_type: media_type.into(), provider_metadata: None }
    }
}

/// File content: raw bytes, base64 text, or a URL. Providers convert between the first two as
/// their wire format needs, and fetch or pass URLs according to `supported_urls`.
///
/// Non-exhaustive: the AI SDK may add ways to refer to a file (provider file ids), so a `match`
/// outside this crate needs a wildcard arm; the conversions below cover every kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "data", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum FileData {
    /// Raw bytes (serialized as base64).
    #[serde(with = "base64_bytes")]
    Bytes(Bytes),
    /// Base64-encoded content.
    Base64(String),
    /// A URL (`https:`, `gs:`, `data:` ...).
    Url(String),
}

impl FileData {
    /// The kind's wire name (`"bytes"`, `"base64"`, `"url"`), for errors naming what a provider
    /// cannot send.
    pub fn kind(&self) -> &'static str {
        match self {
            FileData::Bytes(_) => "bytes",
            FileData::Base64(_) => "base64",
            FileData::Url(_) => "url",
        }
    }

    /// The content as base64, or `None` for a URL.
    pub fn to_base64(&self) -> Option<String> {
        match self {
            FileData::Bytes(bytes) => Some(BASE64.encode(bytes)),
            FileData::Base64(text) => Some(text.clone()),
            FileData::Url(_) => None,
        }
    }

    /// The content as bytes; a URL is an `Unsupported` error (download it first).
    pub fn to_bytes(&self) -> Result<Bytes> {
        match self {
            FileData::Bytes(bytes) => Ok(bytes.clone()),
            FileData::Base64(text) => BASE64
                .decode(text.trim())
                .map(Bytes::from)
                .map_err(|error| Error::invalid_argument("file data", format!("invalid base64: {error}"))),
            FileData::Url(url) => Err(Error::unsupported("file URL as bytes", Some(format!("download {url} first")))),
        }
    }

    /// A `data:` URL for inline content, or the URL itself.
    pub fn to_data_url(&self, media_type: &str) -> String {
        match self {
            FileData::Url(url) => url.clone(),
            inline => format!("data:{media_type};base64,{}", inline.to_base64().unwrap_or_default()),
        }
    }
}

mod base64_bytes {
    use super::BASE64;
    use base64::Engine as _;
    use bytes::Bytes;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &Bytes, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&BASE64.encode(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Bytes, D::Error> {
        let text = String::deserialize(deserializer)?;
        BASE64.decode(text).map(Bytes::from).map_err(serde::de::Error::custom)
    }
}

impl Content {
    /// The text of a text block.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Content::Text { text, .. } => Some(text),
            _ => None,
        }
    }

    /// A text block without metadata.
    pub fn text(text: impl Into<String>) -> Self {
        Content::Text { text: text.into(), provider_metadata: None }
    }
}

setter!(
    /// Sets the provider metadata.
    with_provider_metadata(provider_metadata: Option<ProviderMetadata>) for ToolCall, ToolResult, GeneratedFile
);
setter!(
    /// Sets whether the provider executes the tool itself.
    with_provider_executed(provider_executed: bool) for ToolCall
);
