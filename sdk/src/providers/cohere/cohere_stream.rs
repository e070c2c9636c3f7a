//! Cohere's chat stream events mapped into [`StreamPart`]s, in one place.
//!
//! Events are told apart by `type`: `message-start` (the response id), `content-start` /
//! `content-delta` / `content-end` (a text or thinking block, by index), `tool-plan-delta`
//! (the plan before tool calls, kept for the finish metadata), `tool-call-start` / `-delta` /
//! `-end` (one call at a time, its arguments streamed), `citation-start` / `-end` (a source),
//! and `message-end` (finish reason and usage). Unknown event types are skipped; an
//! undecodable event, or a stream that ends before `message-end`, ends the stream with an error.

use std::collections::VecDeque;
use std::sync::Arc;

use serde_json::Value;

use super::cohere_language_model::{citation_source, convert_usage, response_metadata, tool_input};
use super::map_cohere_finish_reason::map_cohere_finish_reason;
use super::lean;
use super::wire::{ChatStreamEvent, ToolCall, Usage};
use crate::error::Result;
use crate::provider::{BlockId, ResponseMetadata, StreamPart, ToolCall as CompletedToolCall};
use crate::provider_utils::{EventMapper, SseEvent, decode_json, generate_id, invalid_event};

/// A tool call whose arguments are still streaming.
#[derive(Debug)]
struct PendingToolCall {
    id: BlockId,
    name: String,
    arguments: String,
}

/// What the stream remembers between events.
#[derive(Debug, Default)]
pub(crate) struct CohereStreamState {
    model_id: String,
    /// The open content block: its index, id and whether it is thinking.
    block: Option<(i64, BlockId, bool)>,
    tool_call: Option<PendingToolCall>,
    tool_plan: String,
    finish_reason: Option<String>,
    usage: Option<Usage>,
    error: Option<String>,
}

impl CohereStreamState {
    pub(crate) fn new(model_id: String) -> Self {
        CohereStreamState { model_id, ..Default::default() }
    }

    fn close_block(&mut self, out: &mut VecDeque<StreamPart>) {
        if let Some((_, id, thinking)) = self.block.take() {
            out.push_back(if thinking {
                StreamPart::ReasoningEnd { id, provider_metadata: None }
            } else {
                StreamPart::TextEnd { id, provider_metadata: None }
            });
        }
    }

    fn start_tool_call(&mut self, call: ToolCall, out: &mut VecDeque<StreamPart>) {
        self.end_tool_call(out);
        let function = call.function.unwrap_or_default();
        let id: BlockId = Arc::from(call.id.unwrap_or_else(|| generate_id("call")));
        let name = function.name.unwrap_or_default();
        let arguments = function.arguments.unwrap_or_default();
        out.push_back(StreamPart::ToolInputStart { id: id.clone(), tool_name: name.clone(), provider_executed: false, provider_metadata: None });
        if !arguments.is_empty() {
            out.push_back(StreamPart::ToolInputDelta { id: id.clone(), delta: arguments.clone() });
        }
        self.tool_call = Some(PendingToolCall { id, name, arguments });
    }

    fn end_tool_call(&mut self, out: &mut VecDeque<StreamPart>) {
        if let Some(call) = self.tool_call.take() {
            out.push_back(StreamPart::ToolInputEnd { id: call.id.clone(), provider_metadata: None });
            out.push_back(StreamPart::ToolCall(Box::new(CompletedToolCall::new(call.id.to_string(), call.name, tool_input(Some(&call.arguments))))));
        }
    }

    /// Maps one decoded event.
    pub(crate) fn process(&mut self, event: ChatStreamEvent, out: &mut VecDeque<StreamPart>) {
        match event {
            ChatStreamEvent::MessageStart { id, .. } => {
                out.push_back(StreamPart::ResponseMetadata(Box::new(ResponseMetadata::new(id, Some(self.model_id.clone()), None))));
            }
            ChatStreamEvent::ContentStart { index, delta } => {
                self.close_block(out);
                let content = delta.and_then(|delta| delta.message).and_then(|message| message.content).unwrap_or_default();
                let thinking = content.type_.as_deref() == Some("thinking");
                let index = index.unwrap_or(0);
                let id: BlockId = Arc::from(index.to_string());
                out.push_back(if thinking {
                    StreamPart::ReasoningStart { id: id.clone(), provider_metadata: None }
                } else {
                    StreamPart::TextStart { id: id.clone(), provider_metadata: None }
                });
                self.block = Some((index, id, thinking));
                // A start event may already carry text.
                self.delta(content.text.or(content.thinking), out);
            }
            ChatStreamEvent::ContentDelta { delta, .. } => {
                let content = delta.and_then(|delta| delta.message).and_then(|message| message.content).unwrap_or_default();
                self.delta(content.text.or(content.thinking), out);
            }
            ChatStreamEvent::ContentEnd { .. } => self.close_block(out),
            ChatStreamEvent::ToolPlanDelta { delta } => {
                if let Some(plan) = delta.and_then(|delta| delta.message).and_then(|message| message.tool_plan) {
                    self.tool_plan.push_str(&plan);
                }
            }
            ChatStreamEvent::ToolCallStart { delta, .. } => {
                self.close_block(out);
                let call = delta.and_then(|delta| delta.message).and_then(|message| message.tool_calls).unwrap_or_default();
                self.start_tool_call(call, out);
            }
            ChatStreamEvent::ToolCallDelta { delta, .. } => {
                let fragment = delta
                    .and_then(|delta| delta.message)
                    .and_then(|message| message.tool_calls)
                    .and_then(|call| call.function)
                    .and_then(|function| function.arguments);
                self.tool_call_delta(fragment, out);
            }
            ChatStreamEvent::ToolCallEnd { .. } => self.end_tool_call(out),
            ChatStreamEvent::CitationStart { delta, .. } => {
                if let Some(citation) = delta.and_then(|delta| delta.message).and_then(|message| message.citations) {
                    out.push_back(StreamPart::Source(Box::new(citation_source(&citation))));
                }
            }
            ChatStreamEvent::MessageEnd { delta, .. } => {
                let delta = delta.unwrap_or_default();
                self.finish_reason = Some(delta.finish_reason.map(|reason| reason.to_string()).unwrap_or_else(|| "COMPLETE".into()));
                self.usage = delta.usage;
                self.error = delta.error;
            }
            // citation-end, debug, and event types added later carry nothing to map.
            _ => {}
        }
    }

    /// A fragment of the open tool call's arguments.
    fn tool_call_delta(&mut self, fragment: Option<String>, out: &mut VecDeque<StreamPart>) {
        if let Some(call) = self.tool_call.as_mut()
            && let Some(fragment) = fragment.filter(|fragment| !fragment.is_empty())
        {
            call.arguments.push_str(&fragment);
            out.push_back(StreamPart::ToolInputDelta { id: call.id.clone(), delta: fragment });
        }
    }

    fn delta(&mut self, text: Option<String>, out: &mut VecDeque<StreamPart>) {
        let (Some(text), Some((_, id, thinking))) = (text.filter(|text| !text.is_empty()), &self.block) else { return };
        out.push_back(if *thinking {
            StreamPart::ReasoningDelta { id: id.clone(), delta: text, provider_metadata: None }
        } else {
            StreamPart::TextDelta { id: id.clone(), delta: text }
        });
    }

    /// Closes open blocks and emits the finish part; an error when `message-end` never came.
    pub(crate) fn finish(&mut self, out: &mut VecDeque<StreamPart>) -> Result<()> {
        // Without message-end the stream ended early: the parts stream has said so with an error
        // part, and the answer so far finishes with reason `other` (the one rule for every
        // provider).
        let raw_finish_reason = self.finish_reason.take();
        self.close_block(out);
        self.end_tool_call(out);
        let plan = (!self.tool_plan.is_empty()).then_some(self.tool_plan.as_str());
        let mut provider_metadata = response_metadata(plan, self.usage.as_ref());
        if let Some(error) = self.error.take() {
            let metadata = provider_metadata.get_or_insert_with(Default::default);
            metadata.merge("cohere", serde_json::json!({"error": error}));
        }
        out.push_back(StreamPart::Finish {
            usage: Box::new(convert_usage(self.usage.as_ref())),
            finish_reason: raw_finish_reason.as_deref().map_or(crate::provider::FinishReason::Other, |reason| map_cohere_finish_reason(Some(reason))),
            raw_finish_reason,
            provider_metadata,
        });
        Ok(())
    }
}

/// Maps the SSE events of one response to parts (with
/// [`PartsStream`](crate::provider_utils::PartsStream)).
pub(crate) struct CohereEventMapper {
    state: CohereStreamState,
    include_raw: bool,
}

impl CohereEventMapper {
    pub(crate) fn new(include_raw: bool, model_id: String) -> Self {
        CohereEventMapper { state: CohereStreamState::new(model_id), include_raw }
    }

    /// Maps a hot event, `content-delta` or `tool-call-delta` by its SSE name, through the lean
    /// types: one pass, where the owned union buffers each event to read its `type`. `false`
    /// for any other event, and for one the lean types cannot read or whose data names another
    /// type: the owned path then maps it, or reports it.
    fn lean_event(&mut self, name: Option<&str>, data: &[u8], out: &mut VecDeque<StreamPart>) -> bool {
        let is = |kind: Option<lean::CowStr<'_>>, expected: &str| kind.is_none_or(|kind| *kind == *expected);
        match name {
            Some(name @ "content-delta") => {
                let Ok(event) = decode_json::<lean::ContentDeltaEvent>(data) else { return false };
                if !is(event.type_, name) {
                    return false;
                }
                let content = event.delta.and_then(|delta| delta.message).and_then(|message| message.content).unwrap_or_default();
                self.state.delta(content.text.or(content.thinking).map(|text| text.0.into_owned()), out);
                true
            }
            Some(name @ "tool-call-delta") => {
                let Ok(event) = decode_json::<lean::ToolCallDeltaEvent>(data) else { return false };
                if !is(event.type_, name) {
                    return false;
                }
                let call = event.delta.and_then(|delta| delta.message).and_then(|message| message.tool_calls);
                let fragment = call.and_then(|call| call.function).and_then(|function| function.arguments);
                self.state.tool_call_delta(fragment.map(|fragment| fragment.0.into_owned()), out);
                true
            }
            _ => false,
        }
    }
}

impl EventMapper for CohereEventMapper {
    fn on_event(&mut self, event: &SseEvent, out: &mut VecDeque<StreamPart>) -> Result<()> {
        let data = &event.data;
        if data.iter().all(u8::is_ascii_whitespace) {
            return Ok(());
        }
        if self.include_raw {
            out.push_back(StreamPart::Raw { raw_value: serde_json::from_slice(data).unwrap_or(Value::Null) });
        }
        if self.lean_event(event.event_name(), data, out) {
            return Ok(());
        }
        let decoded = decode_json::<ChatStreamEvent>(data)
            .map_err(|error| invalid_event(format!("invalid Cohere stream event: {error}"), data, error))?;
        self.state.process(decoded, out);
        Ok(())
    }

    fn on_end(&mut self, out: &mut VecDeque<StreamPart>) -> Result<()> {
        self.state.finish(out)
    }

    fn is_complete(&self) -> bool {
        self.state.finish_reason.is_some()
    }
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;
    use futures::StreamExt;

    use super::*;
    use crate::provider_utils::{PartsStream, SseStream};

    fn parts(body: String) -> Vec<StreamPart> {
        let chunks = futures::stream::iter([Ok::<_, std::io::Error>(Bytes::from(body))]);
        let mapper = CohereEventMapper::new(false, "command-a-03-2025".to_owned());
        futures::executor::block_on(PartsStream::new(SseStream::new(chunks), mapper).map(Result::unwrap).collect())
    }

    /// Named `content-delta` and `tool-call-delta` events decode into the lean types: the parts
    /// are those of the owned decode of the same events without names, escaped text, thinking,
    /// streamed tool arguments, an unknown field and unreadable deltas (an error part either
    /// way) included.
    #[test]
    fn named_content_deltas_take_the_lean_path_to_the_same_parts() {
        let events = [
            r#"{"type":"message-start","id":"m1","delta":{"message":{"role":"assistant"}}}"#,
            r#"{"type":"content-start","index":0,"delta":{"message":{"content":{"type":"text","text":""}}}}"#,
            r#"{"type":"content-delta","index":0,"delta":{"message":{"content":{"text":"Bon\"jour\""}}},"logprobs":null}"#,
            r#"{"type":"content-delta","index":0,"delta":{"message":{"content":{"text":""}}}}"#,
            r#"{"type":"content-end","index":0}"#,
            r#"{"type":"content-start","index":1,"delta":{"message":{"content":{"type":"thinking","thinking":""}}}}"#,
            r#"{"type":"content-delta","index":1,"delta":{"message":{"content":{"thinking":"Hmm"}}}}"#,
            r#"{"type":"content-delta","index":1,"delta":{"message":{"content":{"thinking":5}}}}"#,
            r#"{"type":"content-end","index":1}"#,
            r#"{"type":"tool-call-start","index":0,"delta":{"message":{"tool_calls":{"id":"call_1","type":"function","function":{"name":"weather","arguments":""}}}}}"#,
            r#"{"type":"tool-call-delta","index":0,"delta":{"message":{"tool_calls":{"function":{"arguments":"{\"city\": "}}}}}"#,
            r#"{"type":"tool-call-delta","index":0,"delta":{"message":{"tool_calls":{"function":{"arguments":"\"Paris\"}"}}}}}"#,
            r#"{"type":"tool-call-delta","index":0,"delta":{"message":{"tool_calls":{"function":{"arguments":["no"]}}}}}"#,
            r#"{"type":"tool-call-end","index":0}"#,
            r#"{"type":"message-end","delta":{"finish_reason":"TOOL_CALL"}}"#,
        ];
        let kind = |data: &str| serde_json::from_str::<Value>(data).unwrap()["type"].as_str().unwrap().to_owned();
        let named = parts(events.iter().map(|data| format!("event: {}\ndata: {data}\n\n", kind(data))).collect());
        let unnamed = parts(events.iter().map(|data| format!("data: {data}\n\n")).collect());
        assert_eq!(named, unnamed);
        assert!(named.contains(&StreamPart::TextDelta { id: "0".into(), delta: "Bon\"jour\"".to_owned() }), "{named:?}");
        assert!(named.contains(&StreamPart::ReasoningDelta { id: "1".into(), delta: "Hmm".to_owned(), provider_metadata: None }));
        assert!(named.contains(&StreamPart::ToolInputDelta { id: "call_1".into(), delta: "\"Paris\"}".to_owned() }), "{named:?}");
        assert!(named.iter().any(|part| matches!(part, StreamPart::ToolCall(call) if call.input == r#"{"city": "Paris"}"#)), "{named:?}");
        assert_eq!(named.iter().filter(|part| matches!(part, StreamPart::Error { .. })).count(), 2, "{named:?}");
        // An event named `content-delta` whose data says otherwise is read as what its data says.
        let mismatched = format!("event: content-delta\ndata: {}\n\n", events[4]);
        assert_eq!(parts(mismatched), parts(format!("data: {}\n\n", events[4])));
    }

    /// A `content-delta` event allocates its text and nothing else. Counted per thread; an
    /// allocation added per event fails here, where no benchmark runs (CI).
    #[test]
    fn a_content_delta_event_allocates_only_its_text() {
        let start = r#"{"type":"message-start","id":"m1","delta":{"message":{"role":"assistant"}}}"#;
        let block = r#"{"type":"content-start","index":0,"delta":{"message":{"content":{"type":"text","text":""}}}}"#;
        let delta = r#"{"type":"content-delta","index":0,"delta":{"message":{"content":{"text":"abcd"}}},"logprobs":null}"#;
        let opening = format!("event: message-start\ndata: {start}\n\nevent: content-start\ndata: {block}\n\n");
        let repeated = format!("event: content-delta\ndata: {delta}\n\n");
        let mapper = || CohereEventMapper::new(false, "command-a".into());
        assert_eq!(crate::provider_utils::allocation_count::allocations_of_hundred_text_deltas(mapper, &opening, 2, &repeated), 100);
    }
}
