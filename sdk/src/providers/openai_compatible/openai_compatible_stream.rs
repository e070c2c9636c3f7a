//! The chat-completions stream: each SSE event decoded once into the generated
//! `CreateChatCompletionStreamResponse` and mapped to [`StreamPart`]s in one place.
//!
//! One `Stream` deep over the SSE reader (no task, no channel). The generated chunk type keeps
//! unknown fields in `extra` maps, so the mapping's usage location (`x_groq.usage`), vendor
//! reasoning fields and metadata paths (`citations`) are read from the typed value, without a
//! `serde_json::Value` per event; only a mapping with a `stream_chunk` hook pays for one.
//! Tool calls arrive as fragments keyed by `index` and complete at the end of the stream. An
//! error sent as an event (`{"error": {...}}`) ends the stream with [`Error::ApiCall`].

use std::collections::VecDeque;
use std::sync::Arc;

use http::HeaderMap;
use serde_json::{Map, Value};
use specai_generated::mappings::{MetadataPath, ReasoningMapping, UsageMapping};
use specai_generated::openai_compatible::types::{ChatCompletionStreamResponseDelta, CompletionUsage, CreateChatCompletionStreamResponse};

use super::hooks::ResponseHook;
use super::json_path::lookup;
use super::lenient_json::{decode_lenient, from_value_lenient};
use super::map_openai_compatible_finish_reason::map_openai_compatible_finish_reason;
use super::openai_compatible_error::MappingErrorParser;
use super::openai_compatible_usage::usage_from_value;
use super::timestamp;
use crate::error::{Error, Result};
use crate::provider::{
    BlockId, Content, GenerateResponse, ProviderMetadata, ResponseMetadata, StreamPart, ToolCall, Usage, Warning,
};
use crate::provider_utils::{EventMapper, SseEvent, api_call_error};

/// Everything the stream needs from the provider configuration, copied once per call.
pub(crate) struct StreamSetup {
    pub provider_name: String,
    pub url: String,
    pub include_raw_chunks: bool,
    pub usage_path: &'static [&'static str],
    pub usage: UsageMapping,
    pub reasoning: ReasoningMapping,
    pub metadata_paths: &'static [MetadataPath],
    pub errors: MappingErrorParser,
    pub chunk_hook: Option<ResponseHook>,
}

#[derive(Debug, Default)]
struct ToolCallState {
    id: Option<String>,
    name: Option<String>,
    arguments: String,
    started: Option<BlockId>,
}

enum UsageSource {
    Typed(CompletionUsage),
    Json(Value),
}

/// The decoder's state between events.
pub(crate) struct ChatStreamState {
    setup: StreamSetup,
    metadata_sent: bool,
    text: Option<BlockId>,
    reasoning: Option<BlockId>,
    tool_calls: Vec<ToolCallState>,
    finish_reason: Option<String>,
    usage: Option<UsageSource>,
    metadata: Map<String, Value>,
}

const TEXT_ID: &str = "text-0";
const REASONING_ID: &str = "reasoning-0";

impl ChatStreamState {
    pub fn new(setup: StreamSetup) -> Self {
        ChatStreamState {
            setup,
            metadata_sent: false,
            text: None,
            reasoning: None,
            tool_calls: Vec::new(),
            finish_reason: None,
            usage: None,
            metadata: Map::new(),
        }
    }

    fn decode(&self, data: &[u8]) -> Result<CreateChatCompletionStreamResponse> {
        let decoded = match self.setup.chunk_hook {
            None => decode_lenient::<CreateChatCompletionStreamResponse>(data),
            Some(hook) => serde_json::from_slice::<Value>(data).and_then(|mut value| {
                hook(&mut value);
                from_value_lenient(&value)
            }),
        };
        decoded.map_err(|error| {
            // Not a chunk: perhaps an error event in the vendor's error shape.
            let text = String::from_utf8_lossy(data).into_owned();
            if let Ok(value) = serde_json::from_slice::<Value>(data)
                && value.get("choices").is_none()
                && self.setup.errors.parse_value(&value).is_some()
            {
                return api_call_error(200, self.setup.url.clone(), HeaderMap::new(), Some(text), &self.setup.errors)
                    .with_retryable(false)
                    .into();
            }
            Error::invalid_response(format!("invalid stream chunk: {error}"), Some(text), Some(Arc::new(error)))
        })
    }

    /// Maps one event's data.
    pub fn on_data(&mut self, data: &[u8], out: &mut VecDeque<StreamPart>) -> Result<()> {
        let mut chunk = self.decode(data)?;
        if self.setup.include_raw_chunks
            && let Ok(raw_value) = serde_json::from_slice(data)
        {
            out.push_back(StreamPart::Raw { raw_value });
        }
        if !self.metadata_sent {
            self.metadata_sent = true;
            out.push_back(StreamPart::ResponseMetadata(ResponseMetadata::new(
                chunk.id.take(),
                chunk.model.take(),
                timestamp(chunk.created),
            )));
        }
        let mut usage_value = None;
        for path in self.setup.metadata_paths {
            let Some((first, rest)) = path.path.segments.split_first() else { continue };
            if let Some(found) = chunk.extra.get(*first).and_then(|root| lookup(root, rest)) {
                self.metadata.insert(path.key.to_owned(), found.clone());
            } else if *first == "usage" && chunk.usage.is_some() {
                // A vendor field inside the typed usage object (Perplexity's `citation_tokens`).
                let usage = usage_value.get_or_insert_with(|| serde_json::to_value(&chunk.usage).unwrap_or_default());
                if let Some(found) = lookup(usage, rest) {
                    self.metadata.insert(path.key.to_owned(), found.clone());
                }
            }
        }
        self.take_usage(&mut chunk);
        if let Some(choice) = chunk.choices.into_iter().next() {
            if let Some(reason) = choice.finish_reason {
                self.finish_reason = Some(reason.to_string());
            }
            self.on_delta(choice.delta, out)?;
        }
        Ok(())
    }

    fn take_usage(&mut self, chunk: &mut CreateChatCompletionStreamResponse) {
        match self.setup.usage_path {
            ["usage"] => {
                if let Some(usage) = chunk.usage.take() {
                    self.usage = Some(UsageSource::Typed(usage));
                }
            }
            [first, rest @ ..] => {
                if let Some(found) = chunk.extra.get(*first).and_then(|root| lookup(root, rest)) {
                    self.usage = Some(UsageSource::Json(found.clone()));
                } else if let (Some(usage), None) = (chunk.usage.take(), &self.usage) {
                    self.usage = Some(UsageSource::Typed(usage));
                }
            }
            [] => {}
        }
    }

    fn reasoning_text(&self, delta: &mut ChatCompletionStreamResponseDelta) -> Option<String> {
        self.setup.reasoning.fields.iter().find_map(|field| {
            let text = match *field {
                "reasoning_content" => delta.reasoning_content.take(),
                "reasoning" => delta.reasoning.take(),
                other => match delta.extra.remove(other) {
                    Some(Value::String(text)) => Some(text),
                    _ => None,
                },
            };
            text.filter(|text| !text.is_empty())
        })
    }

    fn on_delta(&mut self, mut delta: ChatCompletionStreamResponseDelta, out: &mut VecDeque<StreamPart>) -> Result<()> {
        if let Some(reasoning) = self.reasoning_text(&mut delta) {
            let id = self.reasoning.get_or_insert_with(|| {
                let id: BlockId = Arc::from(REASONING_ID);
                out.push_back(StreamPart::ReasoningStart { id: id.clone(), provider_metadata: None });
                id
            });
            out.push_back(StreamPart::ReasoningDelta { id: id.clone(), delta: reasoning, provider_metadata: None });
        }
        if let Some(text) = delta.content.filter(|text| !text.is_empty()) {
            self.end_reasoning(out);
            let id = self.text.get_or_insert_with(|| {
                let id: BlockId = Arc::from(TEXT_ID);
                out.push_back(StreamPart::TextStart { id: id.clone(), provider_metadata: None });
                id
            });
            out.push_back(StreamPart::TextDelta { id: id.clone(), delta: text });
        }
        for fragment in delta.tool_calls {
            self.end_reasoning(out);
            let index = usize::try_from(fragment.index).unwrap_or(0);
            if self.tool_calls.len() <= index {
                self.tool_calls.resize_with(index + 1, ToolCallState::default);
            }
            let call = &mut self.tool_calls[index];
            if call.id.is_none() {
                call.id = fragment.id.filter(|id| !id.is_empty());
            }
            let (name, arguments) = match fragment.function {
                Some(function) => (function.name, function.arguments),
                None => (None, None),
            };
            if call.name.is_none() {
                call.name = name.filter(|name| !name.is_empty());
            }
            let arguments = arguments.unwrap_or_default();
            match &call.started {
                Some(id) => {
                    if !arguments.is_empty() {
                        out.push_back(StreamPart::ToolInputDelta { id: id.clone(), delta: arguments.clone() });
                    }
                    call.arguments.push_str(&arguments);
                }
                None => {
                    call.arguments.push_str(&arguments);
                    if let Some(name) = &call.name {
                        let id: BlockId = Arc::from(call.id.get_or_insert_with(|| format!("call_{index}")).as_str());
                        out.push_back(StreamPart::ToolInputStart {
                            id: id.clone(),
                            tool_name: name.clone(),
                            provider_executed: false,
                            provider_metadata: None,
                        });
                        if !call.arguments.is_empty() {
                            out.push_back(StreamPart::ToolInputDelta { id: id.clone(), delta: call.arguments.clone() });
                        }
                        call.started = Some(id);
                    }
                }
            }
        }
        Ok(())
    }

    fn end_reasoning(&mut self, out: &mut VecDeque<StreamPart>) {
        if let Some(id) = self.reasoning.take() {
            out.push_back(StreamPart::ReasoningEnd { id, provider_metadata: None });
        }
    }
}

impl EventMapper for ChatStreamState {
    /// Maps the end of the stream: open blocks end, tool calls complete, then the finish part.
    fn on_end(&mut self, out: &mut VecDeque<StreamPart>) -> Result<()> {
        self.end_reasoning(out);
        if let Some(id) = self.text.take() {
            out.push_back(StreamPart::TextEnd { id, provider_metadata: None });
        }
        for (index, call) in std::mem::take(&mut self.tool_calls).into_iter().enumerate() {
            let (Some(id), Some(name)) = (call.started, call.name) else {
                if call.id.is_none() && call.arguments.is_empty() {
                    continue;
                }
                return Err(Error::invalid_response(format!("tool call {index} in the stream has no function name"), None, None));
            };
            out.push_back(StreamPart::ToolInputEnd { id: id.clone(), provider_metadata: None });
            let input = if call.arguments.trim().is_empty() { "{}".to_owned() } else { call.arguments };
            out.push_back(StreamPart::ToolCall(ToolCall {
                tool_call_id: id.to_string(),
                tool_name: name,
                input,
                provider_executed: false,
                provider_metadata: None,
            }));
        }
        let usage = match self.usage.take() {
            Some(UsageSource::Typed(usage)) => serde_json::to_value(&usage).map(|value| usage_from_value(value, &self.setup.usage)).unwrap_or_default(),
            Some(UsageSource::Json(value)) => usage_from_value(value, &self.setup.usage),
            None => Usage::default(),
        };
        let metadata = std::mem::take(&mut self.metadata);
        out.push_back(StreamPart::Finish {
            usage,
            finish_reason: map_openai_compatible_finish_reason(self.finish_reason.as_deref()),
            raw_finish_reason: self.finish_reason.take(),
            provider_metadata: (!metadata.is_empty())
                .then(|| ProviderMetadata::new().with(self.setup.provider_name.clone(), Value::Object(metadata))),
        });
        Ok(())
    }

    fn on_event(&mut self, event: &SseEvent, out: &mut VecDeque<StreamPart>) -> Result<()> {
        if event.data.iter().all(u8::is_ascii_whitespace) {
            return Ok(());
        }
        self.on_data(&event.data, out)
    }
}

/// The parts of a generated response, for models whose mapping says they cannot stream.
pub(crate) fn simulate_stream(response: GenerateResponse, mut warnings: Vec<Warning>) -> Vec<Result<StreamPart>> {
    warnings.extend(response.warnings);
    warnings.push(Warning::compatibility("streaming", Some("the model does not stream; the whole answer was generated and replayed as parts".to_owned())));
    let mut parts = vec![
        StreamPart::StreamStart { warnings },
        StreamPart::ResponseMetadata(ResponseMetadata::new(response.response.id.clone(), response.response.model_id.clone(), response.response.timestamp)),
    ];
    for (index, content) in response.content.into_iter().enumerate() {
        let id: BlockId = Arc::from(format!("{index}").as_str());
        match content {
            Content::Text { text, provider_metadata } => {
                parts.push(StreamPart::TextStart { id: id.clone(), provider_metadata });
                parts.push(StreamPart::TextDelta { id: id.clone(), delta: text });
                parts.push(StreamPart::TextEnd { id, provider_metadata: None });
            }
            Content::Reasoning { text, provider_metadata } => {
                parts.push(StreamPart::ReasoningStart { id: id.clone(), provider_metadata });
                parts.push(StreamPart::ReasoningDelta { id: id.clone(), delta: text, provider_metadata: None });
                parts.push(StreamPart::ReasoningEnd { id, provider_metadata: None });
            }
            Content::ToolCall(call) => {
                let id: BlockId = Arc::from(call.tool_call_id.as_str());
                parts.push(StreamPart::ToolInputStart { id: id.clone(), tool_name: call.tool_name.clone(), provider_executed: false, provider_metadata: None });
                parts.push(StreamPart::ToolInputDelta { id: id.clone(), delta: call.input.clone() });
                parts.push(StreamPart::ToolInputEnd { id, provider_metadata: None });
                parts.push(StreamPart::ToolCall(call));
            }
            Content::Source(source) => parts.push(StreamPart::Source(source)),
            Content::File(file) => parts.push(StreamPart::File(file)),
            Content::ToolResult(result) => parts.push(StreamPart::ToolResult(result)),
            unknown => tracing::debug!(?unknown, "content kind newer than this SDK, not replayed"),
        }
    }
    parts.push(StreamPart::Finish {
        usage: response.usage,
        finish_reason: response.finish_reason,
        raw_finish_reason: response.raw_finish_reason,
        provider_metadata: response.provider_metadata,
    });
    parts.into_iter().map(Ok).collect()
}

#[cfg(test)]
mod tests {
    use specai_generated::mappings::OPENAI_COMPATIBLE;

    use super::*;
    use crate::provider::FinishReason;

    fn setup(usage_path: &'static [&'static str]) -> StreamSetup {
        StreamSetup {
            provider_name: "test".into(),
            url: "http://x".into(),
            include_raw_chunks: false,
            usage_path,
            usage: OPENAI_COMPATIBLE.usage,
            reasoning: OPENAI_COMPATIBLE.reasoning,
            metadata_paths: &[],
            errors: MappingErrorParser::new(OPENAI_COMPATIBLE.errors, None),
            chunk_hook: None,
        }
    }

    fn run(usage_path: &'static [&'static str], events: &[&str]) -> Result<Vec<StreamPart>> {
        let mut state = ChatStreamState::new(setup(usage_path));
        let mut out = VecDeque::new();
        for event in events {
            state.on_data(event.as_bytes(), &mut out)?;
        }
        state.on_end(&mut out)?;
        Ok(out.into_iter().collect())
    }

    #[test]
    fn reasoning_text_tool_call_and_vendor_usage_location() {
        let parts = run(
            &["x_groq", "usage"],
            &[
                r#"{"id":"c1","model":"m","created":1,"choices":[{"index":0,"delta":{"role":"assistant","reasoning":"hm"}}]}"#,
                r#"{"id":"c1","choices":[{"index":0,"delta":{"content":"Hi"}}]}"#,
                r#"{"id":"c1","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_a","type":"function","function":{"name":"f","arguments":"{\"a\""}}]}}]}"#,
                r#"{"id":"c1","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":":1}"}}]},"finish_reason":"tool_calls"}],"x_groq":{"id":"req_1","usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}}}"#,
            ],
        )
        .unwrap();
        let kinds: Vec<String> = parts.iter().map(|part| format!("{part:?}").split([' ', '(', '{']).next().unwrap().to_owned()).collect();
        assert_eq!(
            kinds,
            [
                "ResponseMetadata", "ReasoningStart", "ReasoningDelta", "ReasoningEnd", "TextStart", "TextDelta", "ToolInputStart",
                "ToolInputDelta", "ToolInputDelta", "TextEnd", "ToolInputEnd", "ToolCall", "Finish"
            ]
        );
        match &parts[11] {
            StreamPart::ToolCall(call) => assert_eq!((call.tool_call_id.as_str(), call.input.as_str()), ("call_a", "{\"a\":1}")),
            other => panic!("{other:?}"),
        }
        match parts.last().unwrap() {
            StreamPart::Finish { usage, finish_reason, .. } => {
                assert_eq!(*finish_reason, FinishReason::ToolCalls);
                assert_eq!((usage.input_tokens.total, usage.output_tokens.total), (Some(3), Some(2)));
            }
            other => panic!("{other:?}"),
        }
    }

    /// The per-event decode cost against a `serde_json::Value` parse and a skip-only parse, for
    /// issue 7. Timing, not a check: `cargo test --release -p specai --no-default-features
    /// --features openai-compatible --lib -- --ignored --nocapture decode_cost`.
    #[test]
    #[ignore = "timing; run in release with --ignored --nocapture"]
    fn decode_cost_per_event() {
        use std::time::Instant;
        let chunk = br#"{"id":"chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG","object":"chat.completion.chunk","created":1741569952,"model":"gpt-4o-2024-08-06","service_tier":"default","system_fingerprint":"fp_eb9dce56a8","choices":[{"index":0,"delta":{"content":"abcd"},"logprobs":null,"finish_reason":null}]}"#;
        const N: u32 = 200_000;
        let time = |label: &str, run: &mut dyn FnMut()| {
            let start = Instant::now();
            for _ in 0..N {
                run();
            }
            eprintln!("{label}: {:.0} ns/event", start.elapsed().as_nanos() as f64 / f64::from(N));
        };
        time("skip only (IgnoredAny)", &mut || {
            std::hint::black_box(serde_json::from_slice::<serde::de::IgnoredAny>(chunk).unwrap());
        });
        time("serde_json::Value", &mut || {
            std::hint::black_box(serde_json::from_slice::<Value>(chunk).unwrap());
        });
        time("generated CreateChatCompletionStreamResponse", &mut || {
            std::hint::black_box(serde_json::from_slice::<CreateChatCompletionStreamResponse>(chunk).unwrap());
        });
        let mut state = ChatStreamState::new(setup(&["usage"]));
        let mut out = VecDeque::new();
        time("adapter: decode and map to parts", &mut || {
            state.on_data(chunk, &mut out).unwrap();
            out.clear();
        });
    }

    #[test]
    fn error_event_is_an_api_error_and_garbage_keeps_raw_text() {
        let error = run(&["usage"], &[r#"{"error":{"message":"overloaded","type":"server_error"}}"#]).unwrap_err();
        assert_eq!(error.as_api_call().unwrap().message, "overloaded");
        match run(&["usage"], &[r#"{"choices": 3}"#]).unwrap_err() {
            Error::InvalidResponse { raw: Some(raw), .. } => assert_eq!(raw, r#"{"choices": 3}"#),
            other => panic!("{other:?}"),
        }
    }
}
