//! The current step, recorded as its parts pass by: text and reasoning blocks grow with their
//! deltas, and the step's metadata fills in, so that the step result is ready when it ends.

use std::sync::Arc;

use crate::provider::{BlockId, GeneratedFile, Message, ProviderMetadata, Source, StreamPart, ToolCall, Warning};
use crate::step::{StepContent, StepResult};
use crate::step_engine::{provider_tool_result, tool_call_input};

use super::part::TextStreamPart;

/// The current step, recorded as its parts pass by.
#[derive(Default)]
pub(super) struct StepRecorder {
    /// The step so far (its number and response messages are set when it ends).
    pub(super) step: StepResult,
    /// The open text block: its id and index in the content.
    open_text: Option<(BlockId, usize)>,
    /// The open reasoning block.
    open_reasoning: Option<(BlockId, usize)>,
    /// Whether the step's start part was sent.
    pub(super) announced: bool,
    /// The tools this step offers, after `prepare_step`.
    pub(super) active_tools: Option<Vec<String>>,
    /// The conversation as tools see it, built once and only if a tool runs.
    pub(super) messages: Option<Arc<[Message]>>,
}

/// What the recorder made of a provider part.
pub(super) enum Recorded {
    /// The part the caller sees, if any.
    Part(Option<TextStreamPart>),
    /// The stream's start (its warnings are recorded): the step's start part is due.
    StreamStart,
    /// A tool call, for the driver to parse and run.
    ToolCall(ToolCall),
}

impl StepRecorder {
    /// A recorder for a step that offers these tools.
    pub(super) fn new(active_tools: Option<Vec<String>>) -> Self {
        StepRecorder { active_tools, ..Default::default() }
    }

    /// Records a provider part and gives the part the caller sees.
    pub(super) fn record(&mut self, part: StreamPart) -> Recorded {
        let part = match part {
            StreamPart::StreamStart { warnings } => {
                self.step.warnings = warnings;
                return Recorded::StreamStart;
            }
            StreamPart::ToolCall(call) => return Recorded::ToolCall(*call),
            StreamPart::TextDelta { id, delta } => {
                self.text_delta(&id, &delta);
                Some(TextStreamPart::TextDelta { id, delta })
            }
            StreamPart::TextStart { id, provider_metadata } => {
                let index = self.open(id.clone(), true);
                self.set_metadata(index, provider_metadata.clone());
                Some(TextStreamPart::TextStart { id, provider_metadata })
            }
            StreamPart::TextEnd { id, provider_metadata } => {
                let index = self.text_index(&id);
                self.set_metadata(index, provider_metadata.clone());
                self.open_text = None;
                Some(TextStreamPart::TextEnd { id, provider_metadata })
            }
            StreamPart::ReasoningStart { id, provider_metadata } => {
                let index = self.open(id.clone(), false);
                self.set_metadata(index, provider_metadata.clone());
                Some(TextStreamPart::ReasoningStart { id, provider_metadata })
            }
            StreamPart::ReasoningDelta { id, delta, provider_metadata } => {
                let index = self.reasoning_index(&id);
                self.push_text(index, &delta);
                self.set_metadata(index, provider_metadata);
                Some(TextStreamPart::ReasoningDelta { id, delta })
            }
            StreamPart::ReasoningEnd { id, provider_metadata } => {
                let index = self.reasoning_index(&id);
                self.set_metadata(index, provider_metadata.clone());
                self.open_reasoning = None;
                Some(TextStreamPart::ReasoningEnd { id, provider_metadata })
            }
            other => self.record_other(other),
        };
        Recorded::Part(part)
    }

    /// Records the parts that are not text or reasoning blocks.
    fn record_other(&mut self, part: StreamPart) -> Option<TextStreamPart> {
        match part {
            StreamPart::ResponseMetadata(metadata) => {
                let response = &mut self.step.response;
                response.id = metadata.id.or(response.id.take());
                response.model_id = metadata.model_id.or(response.model_id.take());
                response.timestamp = metadata.timestamp.or(response.timestamp);
                None
            }
            StreamPart::ToolInputStart { id, tool_name, provider_executed, .. } => {
                Some(TextStreamPart::ToolInputStart { id, tool_name, provider_executed })
            }
            StreamPart::ToolInputDelta { id, delta } => Some(TextStreamPart::ToolInputDelta { id, delta }),
            StreamPart::ToolInputEnd { id, .. } => Some(TextStreamPart::ToolInputEnd { id }),
            StreamPart::ToolResult(result) => {
                let input = tool_call_input(&self.step.content, &result.tool_call_id);
                self.push_tool_outcome(provider_tool_result(*result, input))
            }
            StreamPart::File(file) => {
                self.step.content.push(StepContent::File(GeneratedFile::clone(&file)));
                Some(TextStreamPart::File(file))
            }
            StreamPart::Source(source) => {
                self.step.content.push(StepContent::Source(Source::clone(&source)));
                Some(TextStreamPart::Source(source))
            }
            StreamPart::Finish { usage, finish_reason, raw_finish_reason, provider_metadata } => {
                self.step.usage = *usage;
                self.step.finish_reason = finish_reason;
                self.step.raw_finish_reason = raw_finish_reason;
                self.step.provider_metadata = provider_metadata;
                None
            }
            StreamPart::Raw { raw_value } => Some(TextStreamPart::Raw { raw_value }),
            StreamPart::Error { error } => {
                // The stream went on past it: the step's warnings say the answer may be incomplete.
                self.step.warnings.push(Warning::other(format!("the stream went on past an error; the answer may be incomplete: {error}")));
                Some(TextStreamPart::Error(Box::new(error)))
            }
            // Recorded by `record`.
            StreamPart::StreamStart { .. }
            | StreamPart::ToolCall(_)
            | StreamPart::TextDelta { .. }
            | StreamPart::TextStart { .. }
            | StreamPart::TextEnd { .. }
            | StreamPart::ReasoningStart { .. }
            | StreamPart::ReasoningDelta { .. }
            | StreamPart::ReasoningEnd { .. } => None,
            unknown => {
                tracing::debug!(?unknown, "stream part newer than this SDK, skipped");
                None
            }
        }
    }

    /// Appends a delta to the text block `id` (the stream's hot path).
    pub(super) fn text_delta(&mut self, id: &BlockId, delta: &str) {
        let index = self.text_index(id);
        self.push_text(index, delta);
    }

    /// Records a tool result or error; gives the part announcing it.
    pub(super) fn push_tool_outcome(&mut self, content: StepContent) -> Option<TextStreamPart> {
        let part = TextStreamPart::of_tool_outcome(&content);
        self.step.content.push(content);
        part
    }

    /// Closes the blocks the provider left open.
    pub(super) fn close_open_blocks(&mut self) {
        self.open_text = None;
        self.open_reasoning = None;
    }

    /// The finished step, numbered.
    pub(super) fn into_step(self, step_number: usize) -> StepResult {
        let mut step = self.step;
        step.step_number = step_number;
        step
    }

    /// The content index of the text block `id`, opening one when the provider sent no start.
    fn text_index(&mut self, id: &BlockId) -> usize {
        match &self.open_text {
            Some((open, index)) if Arc::ptr_eq(open, id) || open == id => *index,
            _ => self.open(id.clone(), true),
        }
    }

    fn reasoning_index(&mut self, id: &BlockId) -> usize {
        match &self.open_reasoning {
            Some((open, index)) if Arc::ptr_eq(open, id) || open == id => *index,
            _ => self.open(id.clone(), false),
        }
    }

    fn open(&mut self, id: BlockId, text: bool) -> usize {
        let index = self.step.content.len();
        if text {
            self.step.content.push(StepContent::Text { text: String::new(), provider_metadata: None });
            self.open_text = Some((id, index));
        } else {
            self.step.content.push(StepContent::Reasoning { text: String::new(), provider_metadata: None });
            self.open_reasoning = Some((id, index));
        }
        index
    }

    fn push_text(&mut self, index: usize, delta: &str) {
        if let Some(StepContent::Text { text, .. } | StepContent::Reasoning { text, .. }) = self.step.content.get_mut(index)
        {
            text.push_str(delta);
        }
    }

    /// Merges metadata into a block's, provider by provider (later keys win).
    fn set_metadata(&mut self, index: usize, metadata: Option<ProviderMetadata>) {
        let Some(metadata) = metadata else { return };
        if let Some(StepContent::Text { provider_metadata, .. } | StepContent::Reasoning { provider_metadata, .. }) =
            self.step.content.get_mut(index)
        {
            match provider_metadata {
                None => *provider_metadata = Some(metadata),
                Some(existing) => metadata.0.into_iter().for_each(|(provider, value)| existing.merge(&provider, value)),
            }
        }
    }
}
