//! The chat-completions stream: SSE events decoded once into borrowed chunk types and mapped to
//! [`StreamPart`]s in one place.
//!
//! This is the hot path of every chat product, so it is one `Stream` deep over the SSE reader
//! (no task, no channel) and each event is decoded once, straight from the read buffer, into the
//! generated lean types (`specai_generated::openai::lean`, emitted by codegen from the same
//! schema as the owned types), whose strings borrow from the buffer unless they hold escapes and
//! which have no flattened `extra` map (that map makes serde buffer every field of every event).
//! Fields the stream never reads (`object`, `system_fingerprint`, `service_tier`) are left out of
//! the lean types (`lean_omit` in specs/openai/provider.toml), so serde skips them; `id`, `model`
//! and `created` are read from the first chunk only (later chunks decode into the `Continued`
//! variant without them) and become owned once, for the [`StreamPart::ResponseMetadata`] part.
//! The usage object is kept as its JSON text (`lean_raw`) for `Usage.raw`. A text delta
//! costs two allocations: the one-element `choices` vector and the `String` of its
//! [`StreamPart::TextDelta`].
//!
//! Tool calls arrive as fragments keyed by `index`: the first fragment usually carries the id
//! and the name, later ones only argument text. Some servers send the id and arguments before the
//! name (the input block starts once the name is known, with the arguments so far), repeat the
//! id and name in every fragment, or send the whole arguments at once. A call is completed when
//! the choice's `finish_reason` arrives (or the stream ends), so tools can run before the
//! usage-only final chunk. Errors sent as an event (`{"error": {...}}`) end the stream with
//! [`Error::ApiCall`]; a cut connection ends it with [`Error::Connection`].

use std::collections::VecDeque;
use std::sync::Arc;

use serde_json::{Value, json};
use specai_generated::openai::lean;

use crate::error::{Error, Result};
use crate::provider::{
    BlockId, InputTokens, JsonBody, OutputTokens, ProviderMetadata, ResponseMetadata, StreamPart, ToolCall, Usage,
    Warning,
};
use crate::provider_utils::{EventMapper, SseEvent, decode_json};

use super::map_openai_finish_reason::map_openai_finish_reason;
use super::openai_error::{OpenAiErrorDetail, stream_error};
use super::openai_options::OPENAI_PROVIDER_ID;
use super::timestamp;

/// Decodes one chunk, keeping the event text in the error.
fn decode_chunk<'a, T: serde::Deserialize<'a>>(data: &'a [u8]) -> Result<T> {
    decode_json(data).map_err(|error| {
        Error::invalid_response(
            format!("malformed chat completion chunk: {error}"),
            Some(String::from_utf8_lossy(data).into_owned()),
            Some(Arc::new(error)),
        )
    })
}

/// The `logprobs` provider metadata of a choice: one object per token, as on the wire.
pub(crate) fn logprobs_metadata<'a>(logprobs: &'a lean::ChatChoiceLogprobs<'_>) -> impl Iterator<Item = Value> + 'a {
    logprobs.content.iter().map(|token| {
        json!({
            "token": token.token.as_deref(),
            "logprob": token.logprob,
            "bytes": token.bytes,
            "top_logprobs": token.top_logprobs.iter()
                .map(|top| json!({"token": top.token.as_deref(), "logprob": top.logprob, "bytes": top.bytes}))
                .collect::<Vec<_>>(),
        })
    })
}

/// Usage of a chat completion or of a chat stream's final chunk. The usage object is kept as
/// the JSON it arrived as (`raw`, passed on unchanged as `Usage.raw`) and decoded for the counts.
pub(crate) fn usage(raw: lean::Raw<'_>, raw_body: JsonBody) -> Result<(Usage, lean::CompletionUsage<'_>)> {
    let counts: lean::CompletionUsage<'_> = raw.decode().map_err(|error| {
        Error::invalid_response(format!("malformed usage object: {error}"), Some(raw.text().to_owned()), Some(Arc::new(error)))
    })?;
    let known = |count: Option<i64>| count.and_then(|count| u64::try_from(count).ok());
    let cached = known(counts.prompt_tokens_details.as_ref().and_then(|details| details.cached_tokens));
    let reasoning = known(counts.completion_tokens_details.as_ref().and_then(|details| details.reasoning_tokens));
    let usage = Usage {
        input_tokens: InputTokens::with_cache_read(known(counts.prompt_tokens), cached),
        output_tokens: OutputTokens::with_reasoning(known(counts.completion_tokens), reasoning),
        raw: Some(raw_body),
    };
    Ok((usage, counts))
}

/// The usage numbers kept until the end of the stream (the borrowed chunk is gone by then).
#[derive(Debug, Clone, Default)]
struct StreamUsage {
    usage: Usage,
    accepted_prediction_tokens: Option<i64>,
    rejected_prediction_tokens: Option<i64>,
}

/// One tool call being assembled from fragments.
#[derive(Debug)]
struct ToolCallState {
    id: BlockId,
    name: Option<String>,
    arguments: String,
    /// Whether `ToolInputStart` was sent (it waits for the name).
    started: bool,
    finished: bool,
}

/// The mapping from chunks to parts: everything the stream remembers between events.
#[derive(Debug)]
pub(crate) struct ChatStreamState {
    warnings: Option<Vec<Warning>>,
    metadata_sent: bool,
    text_id: Option<BlockId>,
    tool_calls: Vec<ToolCallState>,
    finish_reason: Option<String>,
    usage: Option<StreamUsage>,
    logprobs: Option<Vec<Value>>,
    include_raw_chunks: bool,
    url: String,
    ended: bool,
}

impl ChatStreamState {
    pub fn new(warnings: Vec<Warning>, include_raw_chunks: bool, url: String) -> Self {
        ChatStreamState {
            warnings: Some(warnings),
            metadata_sent: false,
            text_id: None,
            tool_calls: Vec::new(),
            finish_reason: None,
            usage: None,
            logprobs: None,
            include_raw_chunks,
            url,
            ended: false,
        }
    }

    /// The parts of the first poll: the warnings.
    fn start(&mut self, out: &mut VecDeque<StreamPart>) {
        if let Some(warnings) = self.warnings.take() {
            out.push_back(StreamPart::StreamStart { warnings });
        }
    }

    /// Maps one event's data.
    pub fn on_data(&mut self, data: &[u8], out: &mut VecDeque<StreamPart>) -> Result<()> {
        self.start(out);
        if self.include_raw_chunks
            && let Ok(raw_value) = serde_json::from_slice(data)
        {
            out.push_back(StreamPart::Raw { raw_value });
        }
        // `id`, `model` and `created` are constant for a stream: once they have been read,
        // later chunks are decoded into the lean type that skips them.
        let (choices, chunk_usage, error) = if self.metadata_sent {
            let chunk: lean::CreateChatCompletionStreamResponseContinued<'_> = decode_chunk(data)?;
            (chunk.choices, chunk.usage, chunk.error)
        } else {
            let chunk: lean::CreateChatCompletionStreamResponse<'_> = decode_chunk(data)?;
            if chunk.error.is_none() && (chunk.id.is_some() || chunk.model.is_some()) {
                self.metadata_sent = true;
                out.push_back(StreamPart::ResponseMetadata(ResponseMetadata::new(
                    chunk.id.map(|id| id.0.into_owned()),
                    chunk.model.map(|model| model.0.into_owned()),
                    timestamp(chunk.created),
                )));
            }
            (chunk.choices, chunk.usage, chunk.error)
        };
        if let Some(error) = error {
            // An error event (`{"error": {...}}`), decoded in the same pass as chunks.
            return Err(stream_error(OpenAiErrorDetail::from(error), &self.url));
        }
        if let Some(raw_usage) = chunk_usage {
            let raw_body = JsonBody::new(bytes::Bytes::copy_from_slice(raw_usage.text().as_bytes()));
            let (usage, counts) = usage(raw_usage, raw_body)?;
            let details = counts.completion_tokens_details.as_ref();
            self.usage = Some(StreamUsage {
                usage,
                accepted_prediction_tokens: details.and_then(|details| details.accepted_prediction_tokens),
                rejected_prediction_tokens: details.and_then(|details| details.rejected_prediction_tokens),
            });
        }
        // Only the first choice is mapped; further choices (`n > 1`) are not.
        let Some(choice) = choices.into_iter().next() else { return Ok(()) };
        if let Some(delta) = choice.delta {
            if let Some(content) = delta.content.filter(|text| !text.is_empty()) {
                let id = self.text_id.get_or_insert_with(|| {
                    let id: BlockId = Arc::from("txt-0");
                    out.push_back(StreamPart::TextStart { id: id.clone(), provider_metadata: None });
                    id
                });
                out.push_back(StreamPart::TextDelta { id: id.clone(), delta: content.0.into_owned() });
            }
            for fragment in delta.tool_calls {
                self.on_tool_call_fragment(fragment, out)?;
            }
        }
        if let Some(logprobs) = choice.logprobs.filter(|logprobs| !logprobs.content.is_empty()) {
            self.logprobs.get_or_insert_with(Vec::new).extend(logprobs_metadata(&logprobs));
        }
        if let Some(reason) = choice.finish_reason {
            self.finish_reason = Some(reason.0.into_owned());
            self.end_blocks(out)?;
        }
        Ok(())
    }

    fn on_tool_call_fragment(
        &mut self,
        fragment: lean::ChatCompletionMessageToolCallChunk<'_>,
        out: &mut VecDeque<StreamPart>,
    ) -> Result<()> {
        let (name, arguments) = match fragment.function {
            Some(function) => (function.name.map(|name| name.0), function.arguments.map(|arguments| arguments.0)),
            None => (None, None),
        };
        let fragment_id = fragment.id.map(|id| id.0);
        // Servers without `index` send one fragment stream per call: a new id starts a new call.
        let index = fragment.index.and_then(|index| usize::try_from(index).ok()).unwrap_or_else(|| match (&fragment_id, self.tool_calls.last()) {
            (Some(id), Some(last)) if *last.id != **id => self.tool_calls.len(),
            (_, Some(_)) => self.tool_calls.len() - 1,
            (_, None) => 0,
        });
        if index >= self.tool_calls.len() {
            if index > self.tool_calls.len() {
                return Err(Error::invalid_response(
                    format!("tool call fragment with index {index} before index {}", self.tool_calls.len()),
                    None,
                    None,
                ));
            }
            let id: BlockId = match fragment_id {
                Some(id) if !id.is_empty() => Arc::from(id.as_ref()),
                _ => Arc::from(format!("call_{index}").as_str()),
            };
            self.tool_calls.push(ToolCallState {
                id,
                name: None,
                arguments: String::new(),
                started: false,
                finished: false,
            });
        }
        let call = &mut self.tool_calls[index];
        if call.finished {
            return Ok(());
        }
        if call.name.is_none()
            && let Some(name) = name.filter(|name| !name.is_empty())
        {
            call.name = Some(name.into_owned());
        }
        let arguments = arguments.filter(|arguments| !arguments.is_empty());
        if call.started {
            if let Some(arguments) = arguments {
                call.arguments.push_str(&arguments);
                out.push_back(StreamPart::ToolInputDelta { id: call.id.clone(), delta: arguments.into_owned() });
            }
        } else {
            if let Some(arguments) = arguments {
                call.arguments.push_str(&arguments);
            }
            if let Some(name) = &call.name {
                call.started = true;
                out.push_back(StreamPart::ToolInputStart {
                    id: call.id.clone(),
                    tool_name: name.clone(),
                    provider_executed: false,
                    provider_metadata: None,
                });
                if !call.arguments.is_empty() {
                    out.push_back(StreamPart::ToolInputDelta { id: call.id.clone(), delta: call.arguments.clone() });
                }
            }
        }
        Ok(())
    }

    /// Closes the open text block and completes the tool calls.
    fn end_blocks(&mut self, out: &mut VecDeque<StreamPart>) -> Result<()> {
        if let Some(id) = self.text_id.take() {
            out.push_back(StreamPart::TextEnd { id, provider_metadata: None });
        }
        for call in self.tool_calls.iter_mut().filter(|call| !call.finished) {
            call.finished = true;
            let Some(name) = call.name.take() else {
                return Err(Error::invalid_response(
                    format!("tool call `{}` ended without a function name", call.id),
                    Some(std::mem::take(&mut call.arguments)),
                    None,
                ));
            };
            out.push_back(StreamPart::ToolInputEnd { id: call.id.clone(), provider_metadata: None });
            let input = match std::mem::take(&mut call.arguments) {
                arguments if arguments.trim().is_empty() => "{}".to_owned(),
                arguments => arguments,
            };
            out.push_back(StreamPart::ToolCall(ToolCall {
                tool_call_id: call.id.to_string(),
                tool_name: name,
                input,
                provider_executed: false,
                provider_metadata: None,
            }));
        }
        Ok(())
    }

    /// The end of the stream (`[DONE]` or a clean end of the body): close blocks, then `Finish`.
    pub fn on_end(&mut self, out: &mut VecDeque<StreamPart>) -> Result<()> {
        if self.ended {
            return Ok(());
        }
        self.ended = true;
        self.start(out);
        self.end_blocks(out)?;
        let mut metadata = serde_json::Map::new();
        if let Some(usage) = &self.usage {
            if let Some(accepted) = usage.accepted_prediction_tokens {
                metadata.insert("accepted_prediction_tokens".into(), accepted.into());
            }
            if let Some(rejected) = usage.rejected_prediction_tokens {
                metadata.insert("rejected_prediction_tokens".into(), rejected.into());
            }
        }
        if let Some(logprobs) = self.logprobs.take() {
            metadata.insert("logprobs".into(), Value::Array(logprobs));
        }
        out.push_back(StreamPart::Finish {
            usage: self.usage.take().map(|usage| usage.usage).unwrap_or_default(),
            finish_reason: map_openai_finish_reason(self.finish_reason.as_deref()),
            raw_finish_reason: self.finish_reason.take(),
            provider_metadata: (!metadata.is_empty())
                .then(|| ProviderMetadata::new().with(OPENAI_PROVIDER_ID, Value::Object(metadata))),
        });
        Ok(())
    }
}

impl EventMapper for ChatStreamState {
    fn on_event(&mut self, event: &SseEvent, out: &mut VecDeque<StreamPart>) -> Result<()> {
        self.on_data(&event.data, out)
    }

    fn on_end(&mut self, out: &mut VecDeque<StreamPart>) -> Result<()> {
        ChatStreamState::on_end(self, out)
    }
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use super::*;

    fn run(events: &[&str]) -> (Vec<StreamPart>, ChatStreamState) {
        let mut state = ChatStreamState::new(Vec::new(), false, "u".into());
        let mut out = VecDeque::new();
        for event in events {
            state.on_data(event.as_bytes(), &mut out).unwrap();
        }
        state.on_end(&mut out).unwrap();
        (out.into_iter().collect(), state)
    }

    #[test]
    fn chunks_borrow_from_the_event_data() {
        let data = r#"{"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","system_fingerprint":"fp","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}]}"#;
        let chunk: lean::CreateChatCompletionStreamResponse<'_> = serde_json::from_str(data).unwrap();
        assert!(matches!(chunk.id.as_ref().map(|id| &id.0), Some(Cow::Borrowed("c1"))));
        let delta = chunk.choices.into_iter().next().unwrap().delta.unwrap();
        assert!(matches!(delta.content.map(|content| content.0), Some(Cow::Borrowed("Hi"))));
        let escaped: lean::CreateChatCompletionStreamResponse<'_> =
            serde_json::from_str(r#"{"choices":[{"delta":{"content":"a\nb"}}]}"#).unwrap();
        let content = escaped.choices.into_iter().next().unwrap().delta.unwrap().content.unwrap();
        assert_eq!(&*content, "a\nb");
    }

    #[test]
    fn error_events_end_the_stream() {
        let mut state = ChatStreamState::new(Vec::new(), false, "u".into());
        let error = state
            .on_data(br#"{"error":{"message":"boom","type":"server_error","param":null,"code":null}}"#, &mut VecDeque::new())
            .unwrap_err();
        assert_eq!(error.as_api_call().unwrap().message, "boom");
        assert!(error.is_retryable());
    }

    /// Compatible servers behind a custom base URL may send a numeric `code`.
    #[test]
    fn error_events_with_numeric_codes_keep_the_code() {
        let mut state = ChatStreamState::new(Vec::new(), false, "u".into());
        let error = state.on_data(br#"{"error":{"message":"busy","code":503}}"#, &mut VecDeque::new()).unwrap_err();
        let api_call = error.as_api_call().unwrap();
        assert_eq!((api_call.message.as_str(), api_call.code.as_deref()), ("busy", Some("503")));
    }

    #[test]
    fn tool_call_name_after_arguments_starts_the_block_with_the_arguments_so_far() {
        let (parts, state) = run(&[
            r#"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"c","function":{"arguments":"{\"a\":"}}]}}]}"#,
            r#"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"name":"f","arguments":"1}"}}]}}]}"#,
            r#"{"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}"#,
        ]);
        let deltas: Vec<&str> = parts
            .iter()
            .filter_map(|part| match part {
                StreamPart::ToolInputDelta { delta, .. } => Some(delta.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(deltas, ["{\"a\":1}"]);
        let call = parts.iter().find_map(|part| match part {
            StreamPart::ToolCall(call) => Some(call),
            _ => None,
        });
        assert_eq!(call.unwrap().input, "{\"a\":1}");
        assert!(state.ended);
        assert!(matches!(
            parts.last(),
            Some(StreamPart::Finish { finish_reason: crate::provider::FinishReason::ToolCalls, .. })
        ));
    }

    #[test]
    fn a_tool_call_without_a_name_is_an_error() {
        let mut state = ChatStreamState::new(Vec::new(), false, "u".into());
        let mut out = VecDeque::new();
        state
            .on_data(br#"{"choices":[{"delta":{"tool_calls":[{"index":0,"id":"c","function":{"arguments":"{}"}}]}}]}"#, &mut out)
            .unwrap();
        assert!(matches!(state.on_end(&mut out), Err(Error::InvalidResponse { .. })));
    }

    #[test]
    fn malformed_chunks_keep_the_raw_text() {
        let mut state = ChatStreamState::new(Vec::new(), false, "u".into());
        match state.on_data(b"{not json", &mut VecDeque::new()) {
            Err(Error::InvalidResponse { raw, .. }) => assert_eq!(raw.as_deref(), Some("{not json")),
            other => panic!("{other:?}"),
        }
    }
}
