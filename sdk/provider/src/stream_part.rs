//! The one stream vocabulary every provider maps its wire events into.

use std::sync::Arc;

use serde_json::Value;

use super::content::{GeneratedFile, Source, ToolCall, ToolResult};
use super::finish_reason::FinishReason;
use super::metadata::{ProviderMetadata, ResponseMetadata};
use super::usage::Usage;
use super::warning::Warning;

/// The id linking a block's start, deltas and end. Cheap to clone per event.
pub type BlockId = Arc<str>;

/// One event of a language-model stream.
///
/// Text, reasoning and tool input arrive as blocks: a start, deltas and an end sharing an id.
/// A tool-input block's id equals the id of the [`ToolCall`] that completes it. Errors are not
/// parts: the stream yields `Err` and ends.
///
/// The payloads a stream carries once (metadata, usage, a tool call, a file, a source) are
/// boxed, so that a part is at most 96 bytes: every delta is moved through several layers, and
/// a larger part is copied by a `memcpy` call at each move.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum StreamPart {
    /// First part: warnings about the call options.
    StreamStart {
        /// The call's warnings.
        warnings: Vec<Warning>,
    },
    /// Response id, model and timestamp, as soon as known.
    ResponseMetadata(Box<ResponseMetadata>),
    /// A text block starts.
    TextStart {
        /// Block id.
        id: BlockId,
        /// Provider metadata.
        provider_metadata: Option<ProviderMetadata>,
    },
    /// More text.
    TextDelta {
        /// Block id.
        id: BlockId,
        /// The new text.
        delta: String,
    },
    /// A text block ends.
    TextEnd {
        /// Block id.
        id: BlockId,
        /// Provider metadata.
        provider_metadata: Option<ProviderMetadata>,
    },
    /// A reasoning block starts.
    ReasoningStart {
        /// Block id.
        id: BlockId,
        /// Provider metadata.
        provider_metadata: Option<ProviderMetadata>,
    },
    /// More reasoning text.
    ReasoningDelta {
        /// Block id.
        id: BlockId,
        /// The new text.
        delta: String,
        /// Provider metadata (e.g. a signature delta).
        provider_metadata: Option<ProviderMetadata>,
    },
    /// A reasoning block ends.
    ReasoningEnd {
        /// Block id.
        id: BlockId,
        /// Provider metadata (e.g. the signature, encrypted content).
        provider_metadata: Option<ProviderMetadata>,
    },
    /// A tool call's input starts streaming.
    ToolInputStart {
        /// Block id, equal to the tool call id.
        id: BlockId,
        /// The tool's name.
        tool_name: String,
        /// Whether the provider executes the tool.
        provider_executed: bool,
        /// Provider metadata.
        provider_metadata: Option<ProviderMetadata>,
    },
    /// A fragment of a tool call's JSON input.
    ToolInputDelta {
        /// Block id, equal to the tool call id.
        id: BlockId,
        /// The fragment.
        delta: String,
    },
    /// A tool call's input is complete.
    ToolInputEnd {
        /// Block id, equal to the tool call id.
        id: BlockId,
        /// Provider metadata.
        provider_metadata: Option<ProviderMetadata>,
    },
    /// A complete tool call.
    ToolCall(Box<ToolCall>),
    /// The result of a provider-executed tool.
    ToolResult(Box<ToolResult>),
    /// A generated file.
    File(Box<GeneratedFile>),
    /// A cited source.
    Source(Box<Source>),
    /// The end: why and how much.
    Finish {
        /// Token usage.
        usage: Box<Usage>,
        /// The unified finish reason.
        finish_reason: FinishReason,
        /// The provider's own finish reason.
        raw_finish_reason: Option<String>,
        /// Provider metadata for the whole response.
        provider_metadata: Option<ProviderMetadata>,
    },
    /// A wire event that could not be read (malformed JSON, an unexpected shape), or a stream
    /// that ended before its terminator. The event was skipped and the stream goes on, so the
    /// answer around it is kept; the error keeps the raw event text.
    Error {
        /// What was wrong, usually an [`Error::InvalidResponse`](crate::Error::InvalidResponse)
        /// carrying the raw event.
        error: crate::Error,
    },
    /// A provider chunk as received, when `include_raw_chunks` is set.
    Raw {
        /// The chunk.
        raw_value: Value,
    },
}

#[cfg(test)]
mod tests {
    use super::StreamPart;

    /// See the type's docs: a part moves in registers, not by a `memcpy` call.
    #[cfg(target_pointer_width = "64")]
    #[test]
    fn a_part_stays_small_enough_to_move_in_registers() {
        assert!(std::mem::size_of::<StreamPart>() <= 96, "{}", std::mem::size_of::<StreamPart>());
    }
}
