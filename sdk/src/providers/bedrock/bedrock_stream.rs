//! ConverseStream's events mapped into [`StreamPart`]s, in this one place.
//!
//! The stream is the event-stream decoder (`bedrock_event_stream`), each event's payload decoded
//! once into its generated type, polled by a small state machine that keeps per-block state by
//! `contentBlockIndex` (kind, tool id and name, accumulated input, reasoning signature) and
//! queues the parts an event yields. Text and reasoning blocks are identified by their index,
//! tool-input blocks by the tool use id. Converse sends `contentBlockStart` for tool use only:
//! a text or reasoning block starts with its first delta.
//!
//! The finish part waits for the end of the bytes, because the `metadata` event (usage, the
//! guardrail trace) follows `messageStop`. The fault rules are those of every other stream
//! (`provider_utils::parts_stream`): an event whose payload cannot be read becomes a
//! [`StreamPart::Error`] keeping the payload, and reading goes on; a stream that ends before
//! `messageStop` gets a [`StreamPart::Error`] saying so, then a finish `other` with the usage read
//! so far. An exception frame ends the stream with an [`Error::ApiCall`], and a frame that fails
//! its checksum with an [`Error::InvalidResponse`] (the framing cannot be trusted past it); the
//! parts before either are kept.

use std::collections::VecDeque;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures::Stream;
use serde_json::{Value, json};

use super::bedrock_error::StreamErrorContext;
use super::bedrock_event_stream::{Event, EventStream};
use super::bedrock_language_model::{bedrock_metadata, convert_usage, response_metadata};
use super::map_bedrock_finish_reason::map_bedrock_finish_reason;
use super::{lean, wire};
use crate::error::{Error, Result};
use crate::provider::{BlockId, FinishReason, StreamPart, ToolCall, Warning};
use crate::provider_utils::{BodyError, decode_json, invalid_event};
use crate::provider_utils::parts_stream::ended_early;

/// What a started content block is.
#[derive(Debug)]
enum Block {
    Text {
        id: BlockId,
    },
    Reasoning {
        id: BlockId,
        signature: Option<String>,
        redacted_data: Option<String>,
    },
    ToolInput {
        id: BlockId,
        tool_name: String,
        input: String,
    },
    /// Input of the forced JSON tool, streamed as text.
    JsonText {
        id: BlockId,
    },
}

impl Block {
    fn id(&self) -> &BlockId {
        match self {
            Block::Text { id } | Block::Reasoning { id, .. } | Block::ToolInput { id, .. } | Block::JsonText { id } => id,
        }
    }
}

/// The state machine, separate from the transport so it can be tested on events alone.
#[derive(Debug)]
pub(crate) struct StreamState {
    blocks: Vec<(i32, Block)>,
    stop_reason: Option<String>,
    additional_fields: Option<Value>,
    usage: Option<wire::TokenUsage>,
    trace: Option<Value>,
    uses_json_response_tool: bool,
    include_raw_chunks: bool,
    errors: StreamErrorContext,
}

impl StreamState {
    pub(crate) fn new(
        uses_json_response_tool: bool,
        include_raw_chunks: bool,
        errors: StreamErrorContext,
    ) -> Self {
        StreamState {
            blocks: Vec::new(),
            stop_reason: None,
            additional_fields: None,
            usage: None,
            trace: None,
            uses_json_response_tool,
            include_raw_chunks,
            errors,
        }
    }

    fn block(&mut self, index: i32) -> Option<&mut Block> {
        self.blocks
            .iter_mut()
            .find(|(at, _)| *at == index)
            .map(|(_, block)| block)
    }

    /// Maps one event, queueing its parts.
    pub(crate) fn process(&mut self, event: Event, parts: &mut VecDeque<StreamPart>) -> Result<()> {
        let (event_type, payload) = match &event {
            Event::Event {
                event_type,
                payload,
            } => (event_type.as_str(), payload),
            Event::Exception {
                exception_type,
                payload,
            } => return Err(self.errors.exception(exception_type, payload)),
        };
        if self.include_raw_chunks {
            let raw = serde_json::from_slice::<Value>(payload).unwrap_or(Value::Null);
            parts.push_back(StreamPart::Raw {
                raw_value: json!({ event_type: raw }),
            });
        }
        let decode_error = |error: serde_json::Error| invalid_event(format!("undecodable `{event_type}` event: {error}"), payload, error);
        match event_type {
            "contentBlockStart" => {
                let start: wire::ContentBlockStartEvent =
                    serde_json::from_slice(payload).map_err(decode_error)?;
                if let wire::ContentBlockStart::ToolUse(tool) = start.start {
                    let block = if self.uses_json_response_tool {
                        let id = BlockId::from(start.content_block_index.to_string());
                        parts.push_back(StreamPart::TextStart {
                            id: id.clone(),
                            provider_metadata: None,
                        });
                        Block::JsonText { id }
                    } else {
                        let id = BlockId::from(tool.tool_use_id);
                        parts.push_back(StreamPart::ToolInputStart {
                            id: id.clone(),
                            tool_name: tool.name.clone(),
                            provider_executed: false,
                            provider_metadata: None,
                        });
                        Block::ToolInput {
                            id,
                            tool_name: tool.name,
                            input: String::new(),
                        }
                    };
                    self.blocks.push((start.content_block_index, block));
                }
            }
            "contentBlockDelta" => {
                let (index, delta) = lean_delta(payload).map_err(decode_error)?;
                self.delta(index, delta, parts);
            }
            "contentBlockStop" => {
                let stop: wire::ContentBlockStopEvent =
                    serde_json::from_slice(payload).map_err(decode_error)?;
                if let Some(position) = self
                    .blocks
                    .iter()
                    .position(|(at, _)| *at == stop.content_block_index)
                {
                    let (_, block) = self.blocks.remove(position);
                    end_block(block, parts);
                }
            }
            "messageStop" => {
                let stop: wire::MessageStopEvent =
                    serde_json::from_slice(payload).map_err(decode_error)?;
                self.stop_reason = Some(stop.stop_reason.to_string());
                self.additional_fields = stop.additional_model_response_fields;
            }
            "metadata" => {
                let metadata: wire::ConverseStreamMetadataEvent =
                    serde_json::from_slice(payload).map_err(decode_error)?;
                self.usage = Some(metadata.usage);
                self.trace = metadata
                    .trace
                    .map(|trace| serde_json::to_value(trace).unwrap_or(Value::Null));
            }
            // `messageStart` says only the role; events newer than this SDK are skipped.
            _ => {}
        }
        Ok(())
    }

    /// Queues a delta's part; a block's id is made once, when it starts, and each delta shares it.
    fn delta(&mut self, index: i32, delta: lean::ContentBlockDelta<'_>, parts: &mut VecDeque<StreamPart>) {
        let id = || BlockId::from(index.to_string());
        // A union member this SDK does not know sets none of these, and is skipped.
        if let Some(text) = delta.text {
            // With the forced JSON tool, stray text is not the answer.
            if self.uses_json_response_tool {
                return;
            }
            let id = match self.block(index) {
                Some(block) => block.id().clone(),
                None => {
                    let id = id();
                    parts.push_back(StreamPart::TextStart { id: id.clone(), provider_metadata: None });
                    self.blocks.push((index, Block::Text { id: id.clone() }));
                    id
                }
            };
            parts.push_back(StreamPart::TextDelta { id, delta: text.0.into_owned() });
        } else if let Some(reasoning) = delta.reasoning_content {
            if self.block(index).is_none() {
                let id = id();
                parts.push_back(StreamPart::ReasoningStart { id: id.clone(), provider_metadata: None });
                self.blocks.push((index, Block::Reasoning { id, signature: None, redacted_data: None }));
            }
            let Some(Block::Reasoning { id, signature, redacted_data }) = self.block(index) else {
                return;
            };
            if let Some(text) = reasoning.text {
                parts.push_back(StreamPart::ReasoningDelta { id: id.clone(), delta: text.0.into_owned(), provider_metadata: None });
            } else if let Some(value) = reasoning.signature {
                signature.get_or_insert_with(String::new).push_str(&value);
            } else if let Some(value) = reasoning.redacted_content {
                redacted_data.get_or_insert_with(String::new).push_str(&value);
            }
        } else if let Some(input) = delta.tool_use.and_then(|tool| tool.input) {
            match self.block(index) {
                Some(Block::ToolInput { id, input: so_far, .. }) => {
                    so_far.push_str(&input);
                    parts.push_back(StreamPart::ToolInputDelta { id: id.clone(), delta: input.0.into_owned() });
                }
                Some(Block::JsonText { id }) => {
                    parts.push_back(StreamPart::TextDelta { id: id.clone(), delta: input.0.into_owned() })
                }
                _ => {}
            }
        }
    }

    /// The finish part, once the bytes ended: the stop reason's, or `other` after an error
    /// part when `messageStop` never came (the blocks left open are closed either way).
    pub(crate) fn finish(&mut self, parts: &mut VecDeque<StreamPart>) {
        let stop_reason = self.stop_reason.take();
        if stop_reason.is_none() {
            parts.push_back(ended_early());
        }
        for (_, block) in std::mem::take(&mut self.blocks) {
            end_block(block, parts);
        }
        let usage = self.usage.as_ref().map(convert_usage).unwrap_or_default();
        let metadata = self.usage.as_ref().map(|usage| {
            response_metadata(usage, self.trace.take(), self.additional_fields.take())
        });
        let finish_reason = match &stop_reason {
            Some(stop_reason) => map_bedrock_finish_reason(stop_reason, self.uses_json_response_tool),
            None => FinishReason::Other,
        };
        parts.push_back(StreamPart::Finish {
            usage: Box::new(usage),
            finish_reason,
            raw_finish_reason: stop_reason,
            provider_metadata: metadata,
        });
    }
}

fn end_block(block: Block, parts: &mut VecDeque<StreamPart>) {
    match block {
        Block::Text { id } | Block::JsonText { id } => parts.push_back(StreamPart::TextEnd {
            id,
            provider_metadata: None,
        }),
        Block::Reasoning {
            id,
            signature,
            redacted_data,
        } => {
            let metadata = match (signature, redacted_data) {
                (Some(signature), _) => Some(bedrock_metadata(json!({"signature": signature}))),
                (None, Some(data)) => Some(bedrock_metadata(json!({"redactedData": data}))),
                (None, None) => None,
            };
            parts.push_back(StreamPart::ReasoningEnd {
                id,
                provider_metadata: metadata,
            });
        }
        Block::ToolInput {
            id,
            tool_name,
            input,
        } => {
            parts.push_back(StreamPart::ToolInputEnd {
                id: id.clone(),
                provider_metadata: None,
            });
            let input = if input.trim().is_empty() {
                "{}".to_owned()
            } else {
                input
            };
            parts.push_back(StreamPart::ToolCall(Box::new(ToolCall::new(
                id.to_string(),
                tool_name,
                input,
            ))));
        }
    }
}

/// The parts stream of one ConverseStream response.
pub(crate) struct BedrockStream<S> {
    events: EventStream<S>,
    state: StreamState,
    parts: VecDeque<StreamPart>,
    done: bool,
}

impl<S> BedrockStream<S> {
    pub(crate) fn new(
        bytes: S,
        warnings: Vec<Warning>,
        uses_json_response_tool: bool,
        include_raw_chunks: bool,
        errors: StreamErrorContext,
    ) -> Self {
        let url = errors.url.clone();
        let mut parts = VecDeque::new();
        parts.push_back(StreamPart::StreamStart { warnings });
        BedrockStream {
            events: EventStream::new(bytes, url),
            state: StreamState::new(uses_json_response_tool, include_raw_chunks, errors),
            parts,
            done: false,
        }
    }
}

impl<S, E> Stream for BedrockStream<S>
where
    S: Stream<Item = std::result::Result<Bytes, E>> + Unpin,
    E: Into<BodyError>,
{
    type Item = Result<StreamPart>;

    fn poll_next(mut self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            if let Some(part) = this.parts.pop_front() {
                return Poll::Ready(Some(Ok(part)));
            }
            if this.done {
                return Poll::Ready(None);
            }
            match Pin::new(&mut this.events).poll_next(context) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Some(Ok(event))) => match this.state.process(event, &mut this.parts) {
                    Ok(()) => {}
                    // A payload that cannot be read is skipped; the stream goes on.
                    Err(error @ Error::InvalidResponse { .. }) => this.parts.push_back(StreamPart::Error { error }),
                    Err(error) => {
                        this.done = true;
                        this.parts.clear();
                        return Poll::Ready(Some(Err(error)));
                    }
                },
                Poll::Ready(Some(Err(error))) => {
                    this.done = true;
                    return Poll::Ready(Some(Err(error)));
                }
                Poll::Ready(None) => {
                    this.done = true;
                    this.state.finish(&mut this.parts);
                }
            }
        }
    }
}

/// A `contentBlockDelta` payload, decoded into the lean types in one pass (the owned event's
/// flattened map and its union's untagged fallback each buffer the object first): the block
/// index and the delta. The index (an `i32`), the delta and a tool-use delta's `input` are
/// required. A known member of the wrong shape is an error, where the owned union's fallback
/// skipped it without a word; a member this SDK does not know is still skipped.
fn lean_delta(payload: &[u8]) -> serde_json::Result<(i32, lean::ContentBlockDelta<'_>)> {
    use serde::de::Error as _;
    let event: lean::ContentBlockDeltaEvent = decode_json(payload)?;
    let index = event.content_block_index.ok_or_else(|| serde_json::Error::missing_field("contentBlockIndex"))?;
    let index = i32::try_from(index).map_err(|_| serde_json::Error::custom(format!("contentBlockIndex {index} is out of range")))?;
    let delta = event.delta.ok_or_else(|| serde_json::Error::missing_field("delta"))?;
    if delta.tool_use.as_ref().is_some_and(|tool| tool.input.is_none()) {
        return Err(serde_json::Error::missing_field("input"));
    }
    Ok((index, delta))
}

#[cfg(test)]
#[path = "bedrock_stream_tests.rs"]
mod tests;
