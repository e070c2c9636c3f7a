//! Anthropic's stream events mapped into [`StreamPart`]s, in this one place.
//!
//! The stream is one `Stream` deep: the SSE reader, each event's data decoded once straight into
//! [`StreamEvent`] (the SSE event name picks a one-pass decoder for the many
//! `content_block_delta` events), polled by a small state machine that keeps per-block state
//! (kind, tool id, accumulated tool input, signature) by the event's `index` and queues the one
//! to three parts an event can yield. Text and reasoning blocks are identified by their index,
//! tool-input blocks by the tool call id, as the part vocabulary requires.
//!
//! `ping` and unknown events are skipped; an `error` event ends the stream with an
//! [`Error::ApiCall`] (retryable for `overloaded_error`); a malformed event is skipped as a
//! [`StreamPart::Error`]; a body that ends before `message_stop` ends, as for every provider,
//! with an error part, the open text closed, and finish reason `other` (see
//! [`PartsStream`](crate::provider_utils::PartsStream)). A tool input cut short is not made a
//! tool call: its input is incomplete.

use std::collections::VecDeque;

use futures::StreamExt;
use serde_json::Value;

use super::anthropic_api::{StreamEvent, count, types};
use super::anthropic_error::StreamErrorContext;
use super::anthropic_language_model::{
    UsageCounts, anthropic_metadata, citation_source, convert_usage, response_provider_metadata, web_search_result,
};
use super::convert_to_anthropic_messages::CitedDocument;
use super::map_anthropic_finish_reason::map_anthropic_finish_reason;
use crate::error::{Error, Result};
use crate::provider::{BlockId, PartStream, ResponseMetadata, StreamPart, ToolCall, Warning};
use crate::provider_utils::{EventMapper, PartsStream, SseEvent, SseStream, invalid_json_event};

/// What a started content block is, by its index.
#[derive(Debug)]
enum Block {
    Text { id: BlockId },
    Reasoning { id: BlockId, signature: Option<String>, redacted_data: Option<String> },
    ToolInput { id: BlockId, tool_name: String, input: String, provider_executed: bool },
    /// Input of the forced JSON tool, streamed as text.
    JsonText { id: BlockId },
    /// A block that yields nothing more after its start (a server tool's result).
    Done,
}

/// The state machine, separate from the transport so it can be tested on events alone.
#[derive(Debug)]
pub(crate) struct StreamState {
    /// The open blocks by their index, in the order they started. Not a vector indexed by it:
    /// the index is the wire's to give, and one far out of line would size the vector.
    blocks: Vec<(u32, Block)>,
    /// The id of the message this stream is answering with (its `message_start`).
    message_id: Option<String>,
    usage: UsageCounts,
    /// The usage object as sent (`message_start`'s, updated by `message_delta`).
    raw_usage: Option<types::Usage>,
    stop_reason: Option<String>,
    stop_sequence: Option<String>,
    uses_json_response_tool: bool,
    /// The prompt's documents, which citations refer to.
    documents: Vec<CitedDocument>,
    citation_count: usize,
    /// Reads an `error` event.
    errors: StreamErrorContext,
    finished: bool,
}

impl StreamState {
    pub(crate) fn new(uses_json_response_tool: bool, documents: Vec<CitedDocument>, errors: StreamErrorContext) -> Self {
        StreamState {
            blocks: Vec::new(),
            message_id: None,
            usage: UsageCounts::default(),
            raw_usage: None,
            stop_reason: None,
            stop_sequence: None,
            uses_json_response_tool,
            documents,
            citation_count: 0,
            errors,
            finished: false,
        }
    }

    /// Whether `message_stop` was seen.
    pub(crate) fn is_finished(&self) -> bool {
        self.finished
    }

    fn block_mut(&mut self, index: u32) -> Option<&mut Block> {
        // From the last: a delta is almost always for the block started last.
        self.blocks.iter_mut().rev().find(|(open, _)| *open == index).map(|(_, block)| block)
    }

    /// Starts a block; a second start of an open index replaces its block, as before.
    fn start_block(&mut self, index: u32, block: Block) {
        match self.block_mut(index) {
            Some(open) => *open = block,
            None => self.blocks.push((index, block)),
        }
    }

    /// Maps one event, pushing the parts it yields; `raw` is the event's data (for errors).
    pub(crate) fn process(&mut self, event: StreamEvent, raw: &[u8], parts: &mut VecDeque<StreamPart>) -> Result<()> {
        match event {
            StreamEvent::MessageStart { message } => {
                // A proxy that splices two answers into one stream would merge their blocks
                // (and their signed thinking): a repeated start is ignored, another message's
                // start ends the stream.
                match &self.message_id {
                    Some(id) if *id == message.id => return Ok(()),
                    Some(id) => {
                        self.finished = true;
                        return Err(Error::invalid_response(
                            format!("a second message (`{}`) started in the stream of message `{id}`", message.id),
                            Some(String::from_utf8_lossy(raw).into_owned()),
                            None,
                        ));
                    }
                    None => self.message_id = Some(message.id.clone()),
                }
                self.usage = UsageCounts::from(&message.usage);
                self.raw_usage = Some(message.usage);
                parts.push_back(StreamPart::ResponseMetadata(Box::new(ResponseMetadata::new(
                    Some(message.id),
                    Some(message.model),
                    None,
                ))));
            }
            StreamEvent::ContentBlockStart { index, content_block } => self.start(index, content_block, parts),
            StreamEvent::ContentBlockDelta { index, delta } => self.delta(index, delta, parts),
            StreamEvent::ContentBlockStop { index } => self.stop(index, parts),
            StreamEvent::MessageDelta { delta, usage } => {
                if let Some(reason) = delta.stop_reason {
                    self.stop_reason = Some(reason.to_string());
                }
                self.stop_sequence = delta.stop_sequence.or(self.stop_sequence.take());
                // `message_delta` usage is cumulative; fields it leaves out keep their value.
                let counts = &mut self.usage;
                counts.output = count(usage.output_tokens).or(counts.output);
                counts.input = usage.input_tokens.and_then(count).or(counts.input);
                counts.cache_write = usage.cache_creation_input_tokens.and_then(count).or(counts.cache_write);
                counts.cache_read = usage.cache_read_input_tokens.and_then(count).or(counts.cache_read);
                if let Some(raw) = &mut self.raw_usage {
                    raw.output_tokens = usage.output_tokens;
                    raw.input_tokens = usage.input_tokens.unwrap_or(raw.input_tokens);
                    raw.cache_creation_input_tokens = usage.cache_creation_input_tokens.or(raw.cache_creation_input_tokens);
                    raw.cache_read_input_tokens = usage.cache_read_input_tokens.or(raw.cache_read_input_tokens);
                    if let Some(server_tool_use) = usage.server_tool_use {
                        raw.server_tool_use = Some(types::UsageServerToolUse {
                            web_search_requests: server_tool_use.web_search_requests,
                            extra: server_tool_use.extra,
                        });
                    }
                }
            }
            StreamEvent::MessageStop => {
                self.finished = true;
                parts.push_back(self.finish());
            }
            StreamEvent::Error { error } => {
                self.finished = true;
                return Err(self.errors.error(error, &String::from_utf8_lossy(raw)));
            }
            StreamEvent::Ping | StreamEvent::Unknown => {}
        }
        Ok(())
    }

    fn start(&mut self, index: u32, content_block: types::ContentBlock, parts: &mut VecDeque<StreamPart>) {
        use types::ContentBlock;
        let block_id = || BlockId::from(index.to_string());
        let block = match content_block {
            ContentBlock::Text { text, .. } => {
                let id = block_id();
                if !self.uses_json_response_tool {
                    parts.push_back(StreamPart::TextStart { id: id.clone(), provider_metadata: None });
                    if !text.is_empty() {
                        parts.push_back(StreamPart::TextDelta { id: id.clone(), delta: text });
                    }
                    Block::Text { id }
                } else {
                    // Text beside the forced JSON tool is not the answer.
                    Block::Done
                }
            }
            ContentBlock::Thinking { signature, thinking } => {
                let id = block_id();
                parts.push_back(StreamPart::ReasoningStart { id: id.clone(), provider_metadata: None });
                if !thinking.is_empty() {
                    parts.push_back(StreamPart::ReasoningDelta { id: id.clone(), delta: thinking, provider_metadata: None });
                }
                let signature = signature.filter(|signature| !signature.is_empty());
                Block::Reasoning { id, signature, redacted_data: None }
            }
            ContentBlock::RedactedThinking { data } => {
                let id = block_id();
                let metadata = anthropic_metadata(serde_json::json!({"redacted_data": data}));
                parts.push_back(StreamPart::ReasoningStart { id: id.clone(), provider_metadata: Some(metadata) });
                Block::Reasoning { id, signature: None, redacted_data: Some(data) }
            }
            ContentBlock::ToolUse { input, .. } if self.uses_json_response_tool => {
                let id = block_id();
                parts.push_back(StreamPart::TextStart { id: id.clone(), provider_metadata: None });
                if let Some(text) = nonempty_input(input) {
                    parts.push_back(StreamPart::TextDelta { id: id.clone(), delta: text });
                }
                Block::JsonText { id }
            }
            ContentBlock::ToolUse { id, name, input } => Self::start_tool_input(id, name, input, false, parts),
            ContentBlock::ServerToolUse { id, name, input } => Self::start_tool_input(id, name, input, true, parts),
            ContentBlock::WebSearchToolResult { tool_use_id, content } => {
                let (result, sources) = web_search_result(tool_use_id, content);
                parts.push_back(StreamPart::ToolResult(Box::new(result)));
                parts.extend(sources.into_iter().map(|source| StreamPart::Source(Box::new(source))));
                Block::Done
            }
            ContentBlock::Unlisted => Block::Done,
        };
        self.start_block(index, block);
    }

    fn start_tool_input(
        id: String,
        name: String,
        input: serde_json::Map<String, Value>,
        provider_executed: bool,
        parts: &mut VecDeque<StreamPart>,
    ) -> Block {
        let id = BlockId::from(id);
        parts.push_back(StreamPart::ToolInputStart {
            id: id.clone(),
            tool_name: name.clone(),
            provider_executed,
            provider_metadata: None,
        });
        // The input usually arrives in deltas; a block may also start with all of it.
        let input = nonempty_input(input).unwrap_or_default();
        if !input.is_empty() {
            parts.push_back(StreamPart::ToolInputDelta { id: id.clone(), delta: input.clone() });
        }
        Block::ToolInput { id, tool_name: name, input, provider_executed }
    }

    fn delta(&mut self, index: u32, delta: types::ContentBlockDelta, parts: &mut VecDeque<StreamPart>) {
        use types::ContentBlockDelta;
        if let ContentBlockDelta::CitationsDelta { citation } = &delta {
            if matches!(self.block_mut(index), Some(Block::Text { .. })) {
                let id = format!("citation:{}", self.citation_count);
                if let Some(source) = citation_source(citation, &self.documents, id) {
                    self.citation_count += 1;
                    parts.push_back(StreamPart::Source(Box::new(source)));
                }
            }
            return;
        }
        let Some(block) = self.block_mut(index) else { return };
        match (block, delta) {
            (Block::Text { id }, ContentBlockDelta::TextDelta { text }) => {
                parts.push_back(StreamPart::TextDelta { id: id.clone(), delta: text });
            }
            (Block::Reasoning { id, .. }, ContentBlockDelta::ThinkingDelta { thinking }) => {
                parts.push_back(StreamPart::ReasoningDelta { id: id.clone(), delta: thinking, provider_metadata: None });
            }
            (Block::Reasoning { signature, .. }, ContentBlockDelta::SignatureDelta { signature: delta }) => {
                signature.get_or_insert_with(String::new).push_str(&delta);
            }
            (Block::ToolInput { id, input, .. }, ContentBlockDelta::InputJsonDelta { partial_json })
                if !partial_json.is_empty() =>
            {
                input.push_str(&partial_json);
                parts.push_back(StreamPart::ToolInputDelta { id: id.clone(), delta: partial_json });
            }
            (Block::JsonText { id }, ContentBlockDelta::InputJsonDelta { partial_json }) if !partial_json.is_empty() => {
                parts.push_back(StreamPart::TextDelta { id: id.clone(), delta: partial_json });
            }
            // Citations, deltas of unknown kinds, and deltas that do not fit their block.
            _ => {}
        }
    }

    /// The body ended before `message_stop`: close the open text and reasoning, end unfinished
    /// tool inputs without calling the tool, and finish with what was counted.
    fn end_early(&mut self, parts: &mut VecDeque<StreamPart>) {
        let mut open = std::mem::take(&mut self.blocks);
        open.sort_by_key(|(index, _)| *index);
        for (_, block) in open {
            match block {
                Block::ToolInput { id, .. } => parts.push_back(StreamPart::ToolInputEnd { id, provider_metadata: None }),
                block => Self::end_block(block, parts),
            }
        }
        parts.push_back(self.finish());
    }

    /// The `Finish` part: the stop reason and usage so far.
    fn finish(&self) -> StreamPart {
        let raw_usage = self.raw_usage.as_ref().and_then(|usage| serde_json::to_value(usage).ok());
        StreamPart::Finish {
            usage: Box::new(convert_usage(&self.usage, raw_usage.clone())),
            finish_reason: map_anthropic_finish_reason(self.stop_reason.as_deref(), self.uses_json_response_tool),
            raw_finish_reason: self.stop_reason.clone(),
            provider_metadata: Some(response_provider_metadata(raw_usage, self.stop_sequence.clone())),
        }
    }

    fn stop(&mut self, index: u32, parts: &mut VecDeque<StreamPart>) {
        let Some(position) = self.blocks.iter().rposition(|(open, _)| *open == index) else { return };
        let (_, block) = self.blocks.remove(position);
        Self::end_block(block, parts);
    }

    /// The parts that end a block: its end, and for a tool input the call.
    fn end_block(block: Block, parts: &mut VecDeque<StreamPart>) {
        match block {
            Block::Text { id } | Block::JsonText { id } => parts.push_back(StreamPart::TextEnd { id, provider_metadata: None }),
            Block::Reasoning { id, signature, redacted_data } => {
                let metadata = match (signature, redacted_data) {
                    (Some(signature), _) => Some(anthropic_metadata(serde_json::json!({"signature": signature}))),
                    (None, Some(data)) => Some(anthropic_metadata(serde_json::json!({"redacted_data": data}))),
                    (None, None) => None,
                };
                parts.push_back(StreamPart::ReasoningEnd { id, provider_metadata: metadata });
            }
            Block::ToolInput { id, tool_name, input, provider_executed } => {
                parts.push_back(StreamPart::ToolInputEnd { id: id.clone(), provider_metadata: None });
                let input = if input.trim().is_empty() { "{}".to_owned() } else { input };
                parts.push_back(StreamPart::ToolCall(
                    Box::new(ToolCall::new(id.to_string(), tool_name, input).with_provider_executed(provider_executed)),
                ));
            }
            Block::Done => {}
        }
    }
}

/// A start block's input, as JSON text, unless it is the empty object the API starts with.
fn nonempty_input(input: serde_json::Map<String, Value>) -> Option<String> {
    (!input.is_empty()).then(|| Value::Object(input).to_string())
}

/// The parts of a streamed answer from the events of `events`, starting with the stream start:
/// each event decoded and mapped by [`StreamState`], with the fault rules every provider shares
/// ([`PartsStream`]).
pub(crate) fn anthropic_stream<S>(
    events: SseStream<S>,
    warnings: Vec<Warning>,
    uses_json_response_tool: bool,
    documents: Vec<CitedDocument>,
    include_raw_chunks: bool,
    errors: StreamErrorContext,
) -> PartsStream<S, AnthropicEventMapper> {
    let mapper = AnthropicEventMapper::new(uses_json_response_tool, documents, include_raw_chunks, errors);
    PartsStream::starting_with(events, mapper, StreamPart::StreamStart { warnings })
}

/// Waits for the stream's first part after `StreamStart` (the message's start, which Anthropic
/// sends at once) and fails the call if an error comes first. Anthropic answers an overload with
/// 200 and then an `overloaded_error` event; as an error of the call rather than of its stream,
/// it is retried like a 529 (the AI SDK does the same).
pub(crate) async fn fail_before_the_first_part(mut stream: PartStream) -> Result<PartStream> {
    let mut head = Vec::with_capacity(2);
    while let Some(part) = stream.next().await {
        let started = matches!(part, Ok(StreamPart::StreamStart { .. }));
        head.push(Ok(part?));
        if !started {
            break;
        }
    }
    Ok(Box::pin(futures::stream::iter(head).chain(stream)))
}

/// Decodes each event (the SSE name picks the decoder) and hands it to the state machine.
pub(crate) struct AnthropicEventMapper {
    state: StreamState,
    include_raw_chunks: bool,
}

impl AnthropicEventMapper {
    pub(crate) fn new(uses_json_response_tool: bool, documents: Vec<CitedDocument>, include_raw_chunks: bool, errors: StreamErrorContext) -> Self {
        AnthropicEventMapper { state: StreamState::new(uses_json_response_tool, documents, errors), include_raw_chunks }
    }
}

impl EventMapper for AnthropicEventMapper {
    fn on_event(&mut self, event: &SseEvent, out: &mut VecDeque<StreamPart>) -> Result<()> {
        let data: &[u8] = &event.data;
        if data.iter().all(u8::is_ascii_whitespace) {
            return Ok(());
        }
        let decoded = StreamEvent::decode(event.event_name(), data).map_err(|error| invalid_json_event(data, error))?;
        if self.include_raw_chunks
            && let Ok(raw_value) = serde_json::from_slice::<Value>(data)
        {
            out.push_back(StreamPart::Raw { raw_value });
        }
        self.state.process(decoded, data, out)
    }

    /// The body ended before `message_stop` (which ends the stream itself, [`Self::is_done`]).
    fn on_end(&mut self, out: &mut VecDeque<StreamPart>) -> Result<()> {
        self.state.end_early(out);
        Ok(())
    }

    fn is_complete(&self) -> bool {
        self.state.is_finished()
    }

    /// Nothing follows `message_stop`: the stream ends without waiting for the body to close.
    fn is_done(&self) -> bool {
        self.state.is_finished()
    }
}

#[cfg(test)]
#[path = "anthropic_stream_tests.rs"]
mod tests;
