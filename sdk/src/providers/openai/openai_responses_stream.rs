//! The Responses API event stream mapped to [`StreamPart`]s.
//!
//! Each event is decoded once into `lean::ResponseStreamEvent`, which codegen emits from the
//! spec's `ResponseStreamEvent` union flattened into one struct that borrows its strings: the
//! fields of all event kinds are optional, so no tagged-enum buffering happens per event. Text deltas
//! (`response.output_text.delta`), function-call argument deltas and reasoning-summary deltas
//! take no allocation but their delta `String`; whole output items (`response.output_item.*`)
//! and the response object (`response.created`, `response.completed`) are decoded into the
//! owned types of the generate path, a few times per response.
//!
//! Block ids are the item ids (`msg_...`), the call ids of function calls, and
//! `<reasoning item id>:<summary index>` for reasoning summaries.

use std::collections::VecDeque;
use std::sync::Arc;

use serde_json::{Value, json};
use specai_generated::openai::lean;
use specai_generated::openai::types as api;

use crate::error::Result;
use crate::provider::{BlockId, ResponseMetadata, StreamPart, ToolCall, Warning};
use crate::provider_utils::{EventMapper, SseEvent, decode_json, invalid_event};

use super::map_openai_finish_reason::map_openai_responses_finish_reason;
use super::openai_error::{OpenAiErrorDetail, stream_error};
use super::openai_responses_language_model::{
    annotation_source, built_in_tool_call, failed_response_error, incomplete_reason, openai_metadata, reasoning_metadata,
    responses_usage, status_text,
};
use super::timestamp;

/// A function call whose arguments are streaming.
#[derive(Debug)]
struct OpenCall {
    output_index: usize,
    call_id: BlockId,
}

/// A reasoning item and the summary blocks opened for it, in the order they were opened.
#[derive(Debug)]
struct OpenReasoning {
    item_id: BlockId,
    /// The block of each summary index the stream named. Only those: the index is the wire's to
    /// give, and one far out of line opens one block, not one for every index before it.
    blocks: Vec<(usize, BlockId)>,
}

/// What the stream remembers between events.
#[derive(Debug)]
pub(crate) struct ResponsesStreamState {
    warnings: Option<Vec<Warning>>,
    include_raw_chunks: bool,
    url: String,
    response_id: Option<String>,
    open_texts: Vec<BlockId>,
    open_calls: Vec<OpenCall>,
    /// Reasoning items with their open summary blocks.
    open_reasoning: Vec<OpenReasoning>,
    has_function_calls: bool,
    source_count: usize,
    incomplete_reason: Option<String>,
    status: Option<String>,
    usage: Option<api::ResponseUsage>,
    service_tier: Option<String>,
    ended: bool,
}

impl ResponsesStreamState {
    pub fn new(warnings: Vec<Warning>, include_raw_chunks: bool, url: String) -> Self {
        ResponsesStreamState {
            warnings: Some(warnings),
            include_raw_chunks,
            url,
            response_id: None,
            open_texts: Vec::new(),
            open_calls: Vec::new(),
            open_reasoning: Vec::new(),
            has_function_calls: false,
            source_count: 0,
            incomplete_reason: None,
            status: None,
            usage: None,
            service_tier: None,
            ended: false,
        }
    }

    fn start(&mut self, out: &mut VecDeque<StreamPart>) {
        if let Some(warnings) = self.warnings.take() {
            out.push_back(StreamPart::StreamStart { warnings });
        }
    }

    fn text_id(&self, item_id: &str) -> Option<BlockId> {
        self.open_texts.iter().find(|id| ***id == *item_id).cloned()
    }

    fn on_data(&mut self, data: &[u8], out: &mut VecDeque<StreamPart>) -> Result<()> {
        self.start(out);
        if self.include_raw_chunks
            && let Ok(raw_value) = serde_json::from_slice(data)
        {
            out.push_back(StreamPart::Raw { raw_value });
        }
        let event: lean::ResponseStreamEvent<'_> =
            decode_json(data).map_err(|error| invalid_event(format!("malformed Responses stream event: {error}"), data, error))?;
        let index = |index: Option<i64>| index.and_then(|index| usize::try_from(index).ok());
        let (output_index, summary_index) = (index(event.output_index), index(event.summary_index));
        match event.type_.as_deref().unwrap_or_default() {
            "response.output_text.delta" => {
                let (Some(item_id), Some(delta)) = (event.item_id, event.delta) else { return Ok(()) };
                let id = match self.text_id(&item_id) {
                    Some(id) => id,
                    // A delta for a message whose `output_item.added` was not seen: open it.
                    None => self.open_text(&item_id, out),
                };
                out.push_back(StreamPart::TextDelta { id, delta: delta.0.into_owned() });
            }
            "response.function_call_arguments.delta" => {
                let (Some(index), Some(delta)) = (output_index, event.delta) else { return Ok(()) };
                if let Some(call) = self.open_calls.iter().find(|call| call.output_index == index) {
                    out.push_back(StreamPart::ToolInputDelta { id: call.call_id.clone(), delta: delta.0.into_owned() });
                }
            }
            "response.reasoning_summary_text.delta" => {
                let (Some(item_id), Some(delta)) = (event.item_id, event.delta) else { return Ok(()) };
                let id = self.summary_block(&item_id, summary_index.unwrap_or(0), out);
                out.push_back(StreamPart::ReasoningDelta { id, delta: delta.0.into_owned(), provider_metadata: None });
            }
            "response.reasoning_summary_part.added" => {
                if let (Some(item_id), Some(summary_index)) = (event.item_id, summary_index) {
                    self.summary_block(&item_id, summary_index, out);
                }
            }
            "response.output_text.annotation.added" => {
                if let Some(source) =
                    event.annotation.and_then(|annotation| annotation_source(*annotation, format!("source-{}", self.source_count)))
                {
                    self.source_count += 1;
                    out.push_back(StreamPart::Source(Box::new(source)));
                }
            }
            "response.output_item.added" => {
                if let Some(item) = event.item {
                    self.on_item_added(*item, output_index.unwrap_or(0), out);
                }
            }
            "response.output_item.done" => {
                if let Some(item) = event.item {
                    self.on_item_done(*item, output_index.unwrap_or(0), out);
                }
            }
            "response.created" | "response.in_progress" => {
                if let Some(response) = event.response
                    && self.response_id.is_none()
                {
                    self.response_id = Some(response.id.clone());
                    let created = (response.created_at >= 0.0).then_some(response.created_at as i64);
                    out.push_back(StreamPart::ResponseMetadata(Box::new(ResponseMetadata::new(
                        Some(response.id),
                        Some(response.model),
                        timestamp(created),
                    ))));
                }
            }
            "response.completed" | "response.incomplete" => {
                if let Some(response) = event.response {
                    self.incomplete_reason = incomplete_reason(response.incomplete_details.as_ref());
                    self.status = Some(status_text(&response.status));
                    self.usage = response.usage;
                    self.service_tier = response.service_tier;
                }
            }
            "response.failed" => {
                let error = event.response.and_then(|response| response.error);
                return Err(failed_response_error(error.as_ref(), &self.url));
            }
            "error" => {
                let code = event.code.map(|code| code.0.into_owned());
                let detail = OpenAiErrorDetail {
                    message: event.message.map_or_else(|| "stream error".to_owned(), |message| message.0.into_owned()),
                    error_type: code.clone(),
                    param: event.param.map(|param| param.0.into_owned()),
                    code,
                };
                return Err(stream_error(detail, &self.url));
            }
            _ => {}
        }
        Ok(())
    }

    fn open_text(&mut self, item_id: &str, out: &mut VecDeque<StreamPart>) -> BlockId {
        let id: BlockId = Arc::from(item_id);
        self.open_texts.push(id.clone());
        out.push_back(StreamPart::TextStart {
            id: id.clone(),
            provider_metadata: Some(openai_metadata(json!({"item_id": item_id}))),
        });
        id
    }

    /// The block of one reasoning summary part, opening it (and its item) when new.
    fn summary_block(&mut self, item_id: &str, summary_index: usize, out: &mut VecDeque<StreamPart>) -> BlockId {
        let position = match self.open_reasoning.iter().position(|open| *open.item_id == *item_id) {
            Some(position) => position,
            None => {
                self.open_reasoning.push(OpenReasoning { item_id: Arc::from(item_id), blocks: Vec::new() });
                self.open_reasoning.len() - 1
            }
        };
        let OpenReasoning { item_id, blocks } = &mut self.open_reasoning[position];
        if let Some((_, id)) = blocks.iter().find(|(index, _)| *index == summary_index) {
            return id.clone();
        }
        let id: BlockId = Arc::from(format!("{item_id}:{summary_index}").as_str());
        out.push_back(StreamPart::ReasoningStart { id: id.clone(), provider_metadata: Some(reasoning_metadata(item_id, None)) });
        blocks.push((summary_index, id.clone()));
        id
    }

    fn on_item_added(&mut self, item: api::OutputItem, output_index: usize, out: &mut VecDeque<StreamPart>) {
        match item {
            api::OutputItem::Message { id, .. } if self.text_id(&id).is_none() => {
                self.open_text(&id, out);
            }
            api::OutputItem::FunctionCall { id, call_id, name, .. } => {
                let call_id: BlockId = Arc::from(call_id);
                self.open_calls.push(OpenCall { output_index, call_id: call_id.clone() });
                out.push_back(StreamPart::ToolInputStart {
                    id: call_id,
                    tool_name: name,
                    provider_executed: false,
                    provider_metadata: id.map(|id| openai_metadata(json!({"item_id": id}))),
                });
            }
            api::OutputItem::Reasoning { id, .. } => {
                self.summary_block(&id, 0, out);
            }
            _ => {}
        }
    }

    fn on_item_done(&mut self, item: api::OutputItem, output_index: usize, out: &mut VecDeque<StreamPart>) {
        if let Some((call, result)) = built_in_tool_call(&item) {
            out.push_back(StreamPart::ToolCall(Box::new(call)));
            out.push_back(StreamPart::ToolResult(Box::new(result)));
            return;
        }
        match item {
            api::OutputItem::Message { id, .. } => {
                if let Some(position) = self.open_texts.iter().position(|open| **open == *id) {
                    let block = self.open_texts.remove(position);
                    out.push_back(StreamPart::TextEnd {
                        id: block,
                        provider_metadata: Some(openai_metadata(json!({"item_id": id}))),
                    });
                }
            }
            api::OutputItem::FunctionCall { id, call_id, name, arguments, .. } => {
                self.has_function_calls = true;
                let block = match self.open_calls.iter().position(|call| call.output_index == output_index) {
                    Some(position) => self.open_calls.remove(position).call_id,
                    None => {
                        // Not announced by `output_item.added`: open and fill it now.
                        let block: BlockId = Arc::from(call_id.as_str());
                        out.push_back(StreamPart::ToolInputStart {
                            id: block.clone(),
                            tool_name: name.clone(),
                            provider_executed: false,
                            provider_metadata: None,
                        });
                        out.push_back(StreamPart::ToolInputDelta { id: block.clone(), delta: arguments.clone() });
                        block
                    }
                };
                let metadata = id.map(|id| openai_metadata(json!({"item_id": id})));
                out.push_back(StreamPart::ToolInputEnd { id: block, provider_metadata: metadata.clone() });
                let input = if arguments.trim().is_empty() { "{}".to_owned() } else { arguments };
                out.push_back(StreamPart::ToolCall(
                    Box::new(ToolCall::new(call_id, name, input).with_provider_metadata(metadata)),
                ));
            }
            api::OutputItem::Reasoning { id, encrypted_content, .. } => {
                let blocks = match self.open_reasoning.iter().position(|open| *open.item_id == *id) {
                    Some(position) => self.open_reasoning.remove(position).blocks,
                    None => Vec::new(),
                };
                let metadata = reasoning_metadata(&id, encrypted_content.as_deref());
                for (_, block) in blocks {
                    out.push_back(StreamPart::ReasoningEnd { id: block, provider_metadata: Some(metadata.clone()) });
                }
            }
            _ => {}
        }
    }

    fn on_end(&mut self, out: &mut VecDeque<StreamPart>) -> Result<()> {
        if std::mem::replace(&mut self.ended, true) {
            return Ok(());
        }
        self.start(out);
        for id in self.open_texts.drain(..) {
            out.push_back(StreamPart::TextEnd { id, provider_metadata: None });
        }
        for open in self.open_reasoning.drain(..) {
            for (_, id) in open.blocks {
                out.push_back(StreamPart::ReasoningEnd { id, provider_metadata: None });
            }
        }
        let finish_reason = if self.status.is_none() {
            // The stream ended without `response.completed`.
            crate::provider::FinishReason::Other
        } else {
            map_openai_responses_finish_reason(self.incomplete_reason.as_deref(), self.has_function_calls)
        };
        out.push_back(StreamPart::Finish {
            usage: Box::new(self.usage.as_ref().map(responses_usage).unwrap_or_default()),
            finish_reason,
            raw_finish_reason: self.incomplete_reason.take().or(self.status.take()),
            provider_metadata: Some(openai_metadata(json!({
                "response_id": self.response_id.take(),
                "service_tier": self.service_tier.take().map(Value::String),
            }))),
        });
        Ok(())
    }
}

impl EventMapper for ResponsesStreamState {
    fn on_event(&mut self, event: &SseEvent, out: &mut VecDeque<StreamPart>) -> Result<()> {
        // A data-less keep-alive is no event (stops at the first byte of a real one).
        if event.data.iter().all(u8::is_ascii_whitespace) {
            return Ok(());
        }
        self.on_data(&event.data, out)
    }

    fn on_end(&mut self, out: &mut VecDeque<StreamPart>) -> Result<()> {
        ResponsesStreamState::on_end(self, out)
    }

    /// `response.completed` (or `incomplete`) ends a Responses stream; no `[DONE]` follows.
    fn is_complete(&self) -> bool {
        self.status.is_some()
    }
}

#[cfg(test)]
mod tests {
    use specai_generated::openai::lean;

    use super::*;

    /// Every text delta decodes into the flattened event struct and moves it several times: the
    /// mapping's `lean_boxed` keeps it small (it was 896 bytes with items and responses inline).
    #[cfg(target_pointer_width = "64")]
    #[test]
    fn a_decoded_event_stays_small() {
        assert!(std::mem::size_of::<lean::ResponseStreamEvent<'_>>() <= 160, "{}", std::mem::size_of::<lean::ResponseStreamEvent<'_>>());
    }

    /// A `response.output_text.delta` event allocates its text and nothing else. Counted per
    /// thread; an allocation added per event fails here, where no benchmark runs (CI).
    #[test]
    fn an_output_text_delta_event_allocates_only_its_text() {
        let created = r#"{"type":"response.created","sequence_number":0,"response":{"id":"resp_1","object":"response","created_at":1741570283,"status":"in_progress","model":"gpt-4o-mini","output":[]}}"#;
        let added = r#"{"type":"response.output_item.added","sequence_number":1,"output_index":0,"item":{"id":"msg_1","type":"message","status":"in_progress","role":"assistant","content":[]}}"#;
        let delta = r#"{"type":"response.output_text.delta","sequence_number":5,"item_id":"msg_1","output_index":0,"content_index":0,"delta":"abcd","logprobs":[]}"#;
        let opening = format!("event: response.created\ndata: {created}\n\nevent: response.output_item.added\ndata: {added}\n\n");
        let repeated = format!("event: response.output_text.delta\ndata: {delta}\n\n");
        let mapper = || ResponsesStreamState::new(Vec::new(), false, "http://x".into());
        // The opening gives the stream start, the response metadata and the text start.
        assert_eq!(crate::provider_utils::allocation_count::allocations_of_hundred_text_deltas(mapper, &opening, 3, &repeated), 100);
    }

    /// A summary index far out of line opens one block. It opened one block for every index up
    /// to it, so a server's `summary_index` of 2^62 ran the client out of memory (found by the
    /// `responses_stream` fuzz target).
    #[test]
    fn a_summary_index_far_out_of_line_opens_one_block() {
        let events = [
            r#"{"type":"response.output_item.added","sequence_number":1,"output_index":0,"item":{"id":"rs_1","type":"reasoning","summary":[]}}"#,
            r#"{"type":"response.reasoning_summary_part.added","sequence_number":2,"item_id":"rs_1","output_index":0,"summary_index":4611686018427387904,"part":{"type":"summary_text","text":""}}"#,
            r#"{"type":"response.reasoning_summary_text.delta","sequence_number":3,"item_id":"rs_1","output_index":0,"summary_index":4611686018427387904,"delta":"Plan"}"#,
            r#"{"type":"response.output_item.done","sequence_number":4,"output_index":0,"item":{"id":"rs_1","type":"reasoning","summary":[]}}"#,
        ];
        let mut state = ResponsesStreamState::new(Vec::new(), false, "http://x".into());
        let mut parts = VecDeque::new();
        for event in events {
            state.on_data(event.as_bytes(), &mut parts).unwrap();
        }
        let far = "rs_1:4611686018427387904";
        let blocks: Vec<(&str, &str)> = parts
            .iter()
            .filter_map(|part| match part {
                StreamPart::ReasoningStart { id, .. } => Some(("start", &**id)),
                StreamPart::ReasoningDelta { id, .. } => Some(("delta", &**id)),
                StreamPart::ReasoningEnd { id, .. } => Some(("end", &**id)),
                _ => None,
            })
            .collect();
        assert_eq!(blocks, [("start", "rs_1:0"), ("start", far), ("delta", far), ("end", "rs_1:0"), ("end", far)]);
    }
}
