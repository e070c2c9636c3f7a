//! The parts of the full stream: the provider's stream vocabulary, plus step boundaries, the
//! application's tool results and errors, and the overall finish.

use crate::provider::{
    BlockId, FinishReason, GeneratedFile, ProviderMetadata, RequestMetadata, ResponseMetadata, Source, Usage, Warning,
};
use crate::step::{ParsedToolCall, StepContent, StepResult, ToolApprovalRequest, ToolCallError, ToolCallResult};

/// One event of a `stream_text` generation: the provider's stream vocabulary, plus step
/// boundaries, the application's tool results and errors, and the overall finish.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum TextStreamPart {
    /// A step (model call) starts.
    StartStep {
        /// The step's number, from 0.
        step_number: usize,
        /// What was sent.
        request: RequestMetadata,
        /// Options the model could not honour.
        warnings: Vec<Warning>,
    },
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
    },
    /// A reasoning block ends.
    ReasoningEnd {
        /// Block id.
        id: BlockId,
        /// Provider metadata.
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
    },
    /// A complete tool call.
    ToolCall(Box<ParsedToolCall>),
    /// A tool's result, or a preliminary output of a tool that streams its outputs
    /// ([`ToolCallResult::preliminary`]).
    ToolResult(Box<ToolCallResult>),
    /// A tool's failure (also for unknown tools and invalid input).
    ToolError(Box<ToolCallError>),
    /// A tool call waits for the caller's approval; the generation stops after this step.
    ToolApprovalRequest(Box<ToolApprovalRequest>),
    /// A call the caller denied was answered with an `execution-denied` result.
    ToolOutputDenied {
        /// The call's id.
        tool_call_id: String,
        /// The tool's name.
        tool_name: String,
    },
    /// The generation was cancelled (its cancellation token fired); the stream then yields
    /// [`Error::Cancelled`](crate::Error::Cancelled) and ends.
    Abort {
        /// Why, when known.
        reason: Option<String>,
    },
    /// A generated file.
    File(Box<GeneratedFile>),
    /// A cited source.
    Source(Box<Source>),
    /// A step ends (after its tools ran).
    FinishStep(Box<StepFinish>),
    /// The generation ends.
    Finish(Box<GenerationFinish>),
    /// A provider event that could not be read, or a stream cut before its end: the stream went
    /// on, and the step's warnings record it. (An error that ends the generation is an `Err`.)
    Error(Box<crate::error::Error>),
    /// A provider chunk as received, when raw chunks were asked for.
    Raw {
        /// The chunk.
        raw_value: serde_json::Value,
    },
}

/// The end of a step, as [`TextStreamPart::FinishStep`] reports it.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct StepFinish {
    /// The step's number.
    pub step_number: usize,
    /// Why the model stopped.
    pub finish_reason: FinishReason,
    /// The provider's own finish reason.
    pub raw_finish_reason: Option<String>,
    /// The step's token usage.
    pub usage: Usage,
    /// The step's response metadata.
    pub response: ResponseMetadata,
    /// Provider metadata of the step.
    pub provider_metadata: Option<ProviderMetadata>,
}

/// The end of a generation, as [`TextStreamPart::Finish`] reports it.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct GenerationFinish {
    /// Why the final step stopped.
    pub finish_reason: FinishReason,
    /// The provider's own finish reason of the final step.
    pub raw_finish_reason: Option<String>,
    /// Token usage summed over all steps.
    pub total_usage: Usage,
}

impl TextStreamPart {
    /// The part announcing a step's start.
    pub(super) fn start_step(step_number: usize, request: &RequestMetadata, warnings: &[Warning]) -> Self {
        TextStreamPart::StartStep { step_number, request: request.clone(), warnings: warnings.to_vec() }
    }

    /// The part announcing a tool result or error recorded as step content.
    pub(super) fn of_tool_outcome(content: &StepContent) -> Option<Self> {
        match content {
            StepContent::ToolResult(result) => Some(TextStreamPart::ToolResult(Box::new(result.clone()))),
            StepContent::ToolError(error) => Some(TextStreamPart::ToolError(Box::new(error.clone()))),
            StepContent::ToolApprovalRequest(request) => {
                Some(TextStreamPart::ToolApprovalRequest(Box::new(request.clone())))
            }
            _ => None,
        }
    }
}

impl StepFinish {
    /// The finish of a recorded step.
    pub(super) fn of(step: &StepResult) -> Self {
        StepFinish {
            step_number: step.step_number,
            finish_reason: step.finish_reason,
            raw_finish_reason: step.raw_finish_reason.clone(),
            usage: step.usage.clone(),
            response: step.response.clone(),
            provider_metadata: step.provider_metadata.clone(),
        }
    }
}

impl GenerationFinish {
    /// The finish of a generation whose final step is `last`.
    pub(super) fn of(last: &StepResult, total_usage: &Usage) -> Self {
        GenerationFinish {
            finish_reason: last.finish_reason,
            raw_finish_reason: last.raw_finish_reason.clone(),
            total_usage: total_usage.clone(),
        }
    }
}
