//! The mapping from the full stream's parts to UI message chunks: one place, matched
//! exhaustively, so that a new part kind cannot be forgotten here.

use std::collections::{HashMap, VecDeque};

use crate::error::Error;
use crate::provider::{FileData, Source};
use crate::step::{ParsedToolCall, ToolCallError};
use crate::stream_text::TextStreamPart;

use super::ui_message_chunk::UiMessageChunk;
use super::ui_message_stream_options::{MetadataEvent, UiMessageStreamOptions};

/// Maps the parts of one generation to chunks, remembering invalid tool calls until the error
/// that explains them arrives.
pub(crate) struct ChunkMapper {
    options: UiMessageStreamOptions,
    /// Invalid calls by id: their `tool-input-error` chunk carries the error of the
    /// [`TextStreamPart::ToolError`] that follows.
    invalid_calls: HashMap<String, Box<ParsedToolCall>>,
    /// Whether the stream's abort part was sent (the cancellation error that follows sends no
    /// second one).
    aborted: bool,
}

impl ChunkMapper {
    pub(crate) fn new(options: UiMessageStreamOptions) -> Self {
        ChunkMapper { options, invalid_calls: HashMap::new(), aborted: false }
    }

    /// The `start` chunk, with the message id and the start metadata.
    pub(crate) fn start(&self, output: &mut VecDeque<UiMessageChunk>) {
        let message_metadata = self.metadata(MetadataEvent::Start);
        if self.options.send_start {
            output.push_back(UiMessageChunk::Start { message_id: self.options.message_id.clone(), message_metadata });
        } else if let Some(message_metadata) = message_metadata {
            output.push_back(UiMessageChunk::MessageMetadata { message_metadata });
        }
    }

    /// The chunks for one part: its own (if any), then a metadata chunk (if the callback has one).
    pub(crate) fn part(&mut self, part: TextStreamPart, output: &mut VecDeque<UiMessageChunk>) {
        let metadata = self.metadata(MetadataEvent::Part(&part));
        if let TextStreamPart::Finish(finish) = &part {
            if self.options.send_finish {
                output.push_back(UiMessageChunk::Finish { finish_reason: Some(finish.finish_reason), message_metadata: metadata });
            }
            return;
        }
        self.map(part, output);
        if let Some(message_metadata) = metadata {
            output.push_back(UiMessageChunk::MessageMetadata { message_metadata });
        }
    }

    /// The chunks for the error that ended the stream: `abort` for a cancellation, else `error`.
    pub(crate) fn error(&mut self, error: &Error, output: &mut VecDeque<UiMessageChunk>) {
        self.flush_invalid_calls(output);
        match error {
            Error::Cancelled if self.aborted => {}
            Error::Cancelled => output.push_back(UiMessageChunk::Abort { reason: None }),
            error => output.push_back(UiMessageChunk::Error { error_text: self.options.error_text(error) }),
        }
    }

    /// Invalid calls whose error never came (the stream ended first) still reach the client.
    pub(crate) fn flush_invalid_calls(&mut self, output: &mut VecDeque<UiMessageChunk>) {
        for (_, call) in self.invalid_calls.drain() {
            output.push_back(input_chunk(*call, Some("Invalid tool input.".to_owned())));
        }
    }

    fn metadata(&self, event: MetadataEvent<'_>) -> Option<serde_json::Value> {
        self.options.message_metadata.as_ref().and_then(|metadata| metadata(event))
    }

    fn map(&mut self, part: TextStreamPart, output: &mut VecDeque<UiMessageChunk>) {
        let send_reasoning = self.options.send_reasoning;
        let chunk = match part {
            TextStreamPart::StartStep { .. } => UiMessageChunk::StartStep,
            TextStreamPart::FinishStep(_) => UiMessageChunk::FinishStep,
            TextStreamPart::TextStart { id, provider_metadata } => UiMessageChunk::TextStart { id: id.to_string(), provider_metadata },
            TextStreamPart::TextDelta { id, delta } => {
                UiMessageChunk::TextDelta { id: id.to_string(), delta, provider_metadata: None }
            }
            TextStreamPart::TextEnd { id, provider_metadata } => UiMessageChunk::TextEnd { id: id.to_string(), provider_metadata },
            TextStreamPart::ReasoningStart { id, provider_metadata } if send_reasoning => {
                UiMessageChunk::ReasoningStart { id: id.to_string(), provider_metadata }
            }
            TextStreamPart::ReasoningDelta { id, delta } if send_reasoning => {
                UiMessageChunk::ReasoningDelta { id: id.to_string(), delta, provider_metadata: None }
            }
            TextStreamPart::ReasoningEnd { id, provider_metadata } if send_reasoning => {
                UiMessageChunk::ReasoningEnd { id: id.to_string(), provider_metadata }
            }
            TextStreamPart::ReasoningStart { .. } | TextStreamPart::ReasoningDelta { .. } | TextStreamPart::ReasoningEnd { .. } => {
                return;
            }
            TextStreamPart::ToolInputStart { id, tool_name, provider_executed } => UiMessageChunk::ToolInputStart {
                tool_call_id: id.to_string(),
                tool_name,
                provider_executed: provider_executed.then_some(true),
                provider_metadata: None,
                dynamic: None,
                title: None,
            },
            TextStreamPart::ToolInputDelta { id, delta } => {
                UiMessageChunk::ToolInputDelta { tool_call_id: id.to_string(), input_text_delta: delta }
            }
            TextStreamPart::ToolInputEnd { .. } | TextStreamPart::Raw { .. } => return,
            TextStreamPart::ToolCall(call) if call.invalid => {
                self.invalid_calls.insert(call.tool_call_id.clone(), call);
                return;
            }
            TextStreamPart::ToolCall(call) => input_chunk(*call, None),
            TextStreamPart::ToolResult(result) => UiMessageChunk::ToolOutputAvailable {
                tool_call_id: result.tool_call_id,
                output: result.output,
                provider_executed: result.provider_executed.then_some(true),
                provider_metadata: None,
                dynamic: None,
                preliminary: None,
            },
            TextStreamPart::ToolError(error) => return self.tool_error(*error, output),
            // An event the SDK could not read was skipped and the stream went on; the result's
            // warnings say so. The client sees no error chunk, which would end its message.
            TextStreamPart::Error(_) => return,
            TextStreamPart::ToolApprovalRequest(request) => UiMessageChunk::ToolApprovalRequest {
                approval_id: request.approval_id,
                tool_call_id: request.tool_call.tool_call_id,
                is_automatic: None,
                signature: None,
            },
            TextStreamPart::ToolOutputDenied { tool_call_id, .. } => UiMessageChunk::ToolOutputDenied { tool_call_id },
            TextStreamPart::Abort { reason } => {
                self.aborted = true;
                UiMessageChunk::Abort { reason }
            }
            TextStreamPart::File(file) => UiMessageChunk::File {
                url: file_url(&file.data, &file.media_type),
                media_type: file.media_type,
                provider_metadata: file.provider_metadata,
            },
            TextStreamPart::Source(source) if self.options.send_sources => match *source {
                Source::Url { id, url, title, provider_metadata } => {
                    UiMessageChunk::SourceUrl { source_id: id, url, title, provider_metadata }
                }
                Source::Document { id, media_type, title, filename, provider_metadata } => {
                    UiMessageChunk::SourceDocument { source_id: id, media_type, title, filename, provider_metadata }
                }
                // A source kind this mapping predates has no chunk in protocol v1.
                _ => return,
            },
            TextStreamPart::Source(_) => return,
            TextStreamPart::Finish(finish) => {
                UiMessageChunk::Finish { finish_reason: Some(finish.finish_reason), message_metadata: None }
            }
        };
        output.push_back(chunk);
    }

    /// A failed call: `tool-input-error` first when its input was invalid, then `tool-output-error`.
    fn tool_error(&mut self, error: ToolCallError, output: &mut VecDeque<UiMessageChunk>) {
        let error_text = self.options.tool_error_text(&error.error);
        if let Some(call) = self.invalid_calls.remove(&error.tool_call_id) {
            output.push_back(input_chunk(*call, Some(error_text.clone())));
        }
        output.push_back(UiMessageChunk::ToolOutputError {
            tool_call_id: error.tool_call_id,
            error_text,
            provider_executed: error.provider_executed.then_some(true),
            provider_metadata: None,
            dynamic: None,
        });
    }
}

/// The chunk of a call's complete input: `tool-input-available`, or `tool-input-error` with
/// `error_text` for an invalid call. One function, so that both carry the call's fields alike.
fn input_chunk(call: ParsedToolCall, error_text: Option<String>) -> UiMessageChunk {
    let ParsedToolCall { tool_call_id, tool_name, input, provider_executed, provider_metadata, .. } = call;
    let provider_executed = provider_executed.then_some(true);
    match error_text {
        None => UiMessageChunk::ToolInputAvailable {
            tool_call_id, tool_name, input, provider_executed, provider_metadata, dynamic: None, title: None,
        },
        Some(error_text) => UiMessageChunk::ToolInputError {
            tool_call_id, tool_name, input, provider_executed, provider_metadata, dynamic: None, error_text, title: None,
        },
    }
}

/// A file's URL for the client: its own URL, or a `data:` URL of its content.
fn file_url(data: &FileData, media_type: &str) -> String {
    match data {
        FileData::Url(url) => url.clone(),
        other => format!("data:{media_type};base64,{}", other.to_base64().unwrap_or_default()),
    }
}
