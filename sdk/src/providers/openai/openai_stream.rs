//! The chat-completions stream: SSE events decoded once into borrowed chunk types and mapped to
//! [`StreamPart`]s in one place.
//!
//! This is the hot path of every chat product, so it is one `Stream` deep over the SSE reader
//! (no task, no channel) and each event is decoded once, straight from the read buffer, into
//! small types that borrow their strings (`Cow<str>`, owned only when the JSON string has
//! escapes). Only the first choice is kept and the `choices` array is never collected, constant
//! fields (`object`, `system_fingerprint`, `service_tier`) are skipped without allocating, and
//! `id`/`model` become owned once, for the [`StreamPart::ResponseMetadata`] part. A text delta
//! costs one allocation: the `String` of its [`StreamPart::TextDelta`].
//!
//! Tool calls arrive as fragments keyed by `index`: the first fragment usually carries the id
//! and the name, later ones only argument text. Some servers send the id and arguments before the
//! name (the input block starts once the name is known, with the arguments so far), repeat the
//! id and name in every fragment, or send the whole arguments at once. A call is completed when
//! the choice's `finish_reason` arrives (or the stream ends), so tools can run before the
//! usage-only final chunk. Errors sent as an event (`{"error": {...}}`) end the stream with
//! [`Error::ApiCall`]; a cut connection ends it with [`Error::Connection`].

use std::borrow::Cow;
use std::collections::VecDeque;
use std::fmt;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};

use bytes::Bytes;
use futures::Stream;
use serde::de::{Deserializer, IgnoredAny, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{Error, Result};
use crate::provider::{
    BlockId, InputTokens, OutputTokens, ProviderMetadata, ResponseMetadata, StreamPart, ToolCall, Usage,
    Warning,
};
use crate::provider_utils::{SseEvent, SseStream};

use super::map_openai_finish_reason::map_openai_finish_reason;
use super::openai_error::{OpenAiErrorDetail, stream_error};
use super::openai_options::OPENAI_PROVIDER_ID;
use super::timestamp;

/// One chunk of a chat-completions stream (the spec's `CreateChatCompletionStreamResponse`),
/// keeping only what the stream maps.
#[derive(Debug, Deserialize)]
pub(crate) struct ChatChunk<'a> {
    #[serde(borrow, default, deserialize_with = "borrowed_text")]
    pub id: Option<Cow<'a, str>>,
    #[serde(borrow, default, deserialize_with = "borrowed_text")]
    pub model: Option<Cow<'a, str>>,
    #[serde(default)]
    pub created: Option<i64>,
    /// The first choice (`choices[0]`); further choices (`n > 1`) are skipped.
    #[serde(borrow, default, rename = "choices", deserialize_with = "first_choice")]
    pub choice: Option<ChunkChoice<'a>>,
    #[serde(default)]
    pub usage: Option<ChatUsage>,
    #[serde(default)]
    pub error: Option<OpenAiErrorDetail>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct ChunkChoice<'a> {
    #[serde(borrow, default)]
    pub delta: Option<ChunkDelta<'a>>,
    #[serde(borrow, default, deserialize_with = "borrowed_text")]
    pub finish_reason: Option<Cow<'a, str>>,
    #[serde(default)]
    pub logprobs: Option<ChunkLogprobs>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct ChunkDelta<'a> {
    #[serde(borrow, default, deserialize_with = "borrowed_text")]
    pub content: Option<Cow<'a, str>>,
    /// Reasoning text, as some OpenAI-compatible servers send it (`reasoning_content`, or
    /// `reasoning`); OpenAI itself does not send reasoning in chat completions.
    #[serde(borrow, default, alias = "reasoning", deserialize_with = "borrowed_text")]
    pub reasoning_content: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub tool_calls: Option<Vec<ToolCallDelta<'a>>>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct ToolCallDelta<'a> {
    #[serde(default)]
    pub index: Option<usize>,
    #[serde(borrow, default, deserialize_with = "borrowed_text")]
    pub id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub function: Option<FunctionDelta<'a>>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct FunctionDelta<'a> {
    #[serde(borrow, default, deserialize_with = "borrowed_text")]
    pub name: Option<Cow<'a, str>>,
    #[serde(borrow, default, deserialize_with = "borrowed_text")]
    pub arguments: Option<Cow<'a, str>>,
}

/// Log probabilities of a choice (only present when asked for).
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct ChunkLogprobs {
    #[serde(default)]
    pub content: Option<Vec<Value>>,
}

/// Token usage of a chat completion (the spec's `CompletionUsage`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct ChatUsage {
    #[serde(default)]
    pub prompt_tokens: Option<u64>,
    #[serde(default)]
    pub completion_tokens: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_tokens: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompt_tokens_details: Option<PromptTokensDetails>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completion_tokens_details: Option<CompletionTokensDetails>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct PromptTokensDetails {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cached_tokens: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audio_tokens: Option<u64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct CompletionTokensDetails {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reasoning_tokens: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audio_tokens: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accepted_prediction_tokens: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rejected_prediction_tokens: Option<u64>,
}

impl ChatUsage {
    /// As the SDK's usage: cached input tokens are `cache_read`, reasoning tokens are split from
    /// text tokens.
    pub fn to_usage(&self) -> Usage {
        let cached = self.prompt_tokens_details.as_ref().and_then(|details| details.cached_tokens);
        let reasoning = self.completion_tokens_details.as_ref().and_then(|details| details.reasoning_tokens);
        Usage {
            input_tokens: InputTokens {
                total: self.prompt_tokens,
                no_cache: self.prompt_tokens.map(|total| total.saturating_sub(cached.unwrap_or(0))),
                cache_read: cached,
                cache_write: None,
            },
            output_tokens: OutputTokens {
                total: self.completion_tokens,
                text: self.completion_tokens.map(|total| total.saturating_sub(reasoning.unwrap_or(0))),
                reasoning,
            },
            raw: serde_json::to_value(self).ok(),
        }
    }

    /// Prediction-token counts for the provider metadata.
    pub fn prediction_metadata(&self, metadata: &mut serde_json::Map<String, Value>) {
        if let Some(details) = &self.completion_tokens_details {
            if let Some(accepted) = details.accepted_prediction_tokens {
                metadata.insert("accepted_prediction_tokens".into(), accepted.into());
            }
            if let Some(rejected) = details.rejected_prediction_tokens {
                metadata.insert("rejected_prediction_tokens".into(), rejected.into());
            }
        }
    }
}

/// An optional string that borrows from the input unless it has escapes (serde does not borrow
/// `Option<Cow<str>>` by itself).
pub(crate) fn borrowed_text<'de: 'a, 'a, D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Option<Cow<'a, str>>, D::Error> {
    #[derive(Deserialize)]
    struct Text<'a>(#[serde(borrow)] Cow<'a, str>);
    Ok(Option::<Text<'a>>::deserialize(deserializer)?.map(|text| text.0))
}

/// Deserializes `choices` keeping only the first element, without collecting a `Vec`.
fn first_choice<'de: 'a, 'a, D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Option<ChunkChoice<'a>>, D::Error> {
    struct FirstChoice<'a>(std::marker::PhantomData<ChunkChoice<'a>>);
    impl<'de: 'a, 'a> Visitor<'de> for FirstChoice<'a> {
        type Value = Option<ChunkChoice<'a>>;
        fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
            formatter.write_str("an array of choices or null")
        }
        fn visit_unit<E: serde::de::Error>(self) -> std::result::Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_none<E: serde::de::Error>(self) -> std::result::Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> std::result::Result<Self::Value, D::Error> {
            deserializer.deserialize_seq(self)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Self::Value, A::Error> {
            let first = seq.next_element::<ChunkChoice<'a>>()?;
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            Ok(first)
        }
    }
    deserializer.deserialize_option(FirstChoice(std::marker::PhantomData))
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
    reasoning_id: Option<BlockId>,
    tool_calls: Vec<ToolCallState>,
    finish_reason: Option<String>,
    usage: Option<ChatUsage>,
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
            reasoning_id: None,
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
        if self.include_raw_chunks {
            if let Ok(raw_value) = serde_json::from_slice(data) {
                out.push_back(StreamPart::Raw { raw_value });
            }
        }
        let chunk: ChatChunk<'_> = serde_json::from_slice(data).map_err(|error| {
            Error::invalid_response(
                format!("malformed chat completion chunk: {error}"),
                Some(String::from_utf8_lossy(data).into_owned()),
                Some(Arc::new(error)),
            )
        })?;
        if let Some(error) = chunk.error {
            return Err(stream_error(error, &self.url));
        }
        if !self.metadata_sent && (chunk.id.is_some() || chunk.model.is_some()) {
            self.metadata_sent = true;
            out.push_back(StreamPart::ResponseMetadata(ResponseMetadata::new(
                chunk.id.map(Cow::into_owned),
                chunk.model.map(Cow::into_owned),
                timestamp(chunk.created),
            )));
        }
        if let Some(usage) = chunk.usage {
            self.usage = Some(usage);
        }
        let Some(choice) = chunk.choice else { return Ok(()) };
        if let Some(delta) = choice.delta {
            if let Some(reasoning) = delta.reasoning_content.filter(|text| !text.is_empty()) {
                let id = self.reasoning_id.get_or_insert_with(|| {
                    let id: BlockId = Arc::from("reasoning-0");
                    out.push_back(StreamPart::ReasoningStart { id: id.clone(), provider_metadata: None });
                    id
                });
                out.push_back(StreamPart::ReasoningDelta { id: id.clone(), delta: reasoning.into_owned(), provider_metadata: None });
            }
            if let Some(content) = delta.content.filter(|text| !text.is_empty()) {
                self.end_reasoning(out);
                let id = self.text_id.get_or_insert_with(|| {
                    let id: BlockId = Arc::from("txt-0");
                    out.push_back(StreamPart::TextStart { id: id.clone(), provider_metadata: None });
                    id
                });
                out.push_back(StreamPart::TextDelta { id: id.clone(), delta: content.into_owned() });
            }
            for fragment in delta.tool_calls.into_iter().flatten() {
                self.end_reasoning(out);
                self.on_tool_call_fragment(fragment, out)?;
            }
        }
        if let Some(logprobs) = choice.logprobs.and_then(|logprobs| logprobs.content) {
            self.logprobs.get_or_insert_with(Vec::new).extend(logprobs);
        }
        if let Some(reason) = choice.finish_reason {
            self.finish_reason = Some(reason.into_owned());
            self.end_blocks(out)?;
        }
        Ok(())
    }

    fn on_tool_call_fragment(&mut self, fragment: ToolCallDelta<'_>, out: &mut VecDeque<StreamPart>) -> Result<()> {
        let (name, arguments) = match fragment.function {
            Some(function) => (function.name, function.arguments),
            None => (None, None),
        };
        // Servers without `index` send one fragment stream per call: a new id starts a new call.
        let index = fragment.index.unwrap_or_else(|| match (&fragment.id, self.tool_calls.last()) {
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
            let id: BlockId = match fragment.id {
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
        if call.name.is_none() {
            if let Some(name) = name.filter(|name| !name.is_empty()) {
                call.name = Some(name.into_owned());
            }
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

    fn end_reasoning(&mut self, out: &mut VecDeque<StreamPart>) {
        if let Some(id) = self.reasoning_id.take() {
            out.push_back(StreamPart::ReasoningEnd { id, provider_metadata: None });
        }
    }

    /// Closes the open text and reasoning blocks and completes the tool calls.
    fn end_blocks(&mut self, out: &mut VecDeque<StreamPart>) -> Result<()> {
        self.end_reasoning(out);
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
            usage.prediction_metadata(&mut metadata);
        }
        if let Some(logprobs) = self.logprobs.take() {
            metadata.insert("logprobs".into(), Value::Array(logprobs));
        }
        out.push_back(StreamPart::Finish {
            usage: self.usage.as_ref().map(ChatUsage::to_usage).unwrap_or_default(),
            finish_reason: map_openai_finish_reason(self.finish_reason.as_deref()),
            raw_finish_reason: self.finish_reason.take(),
            provider_metadata: (!metadata.is_empty())
                .then(|| ProviderMetadata::new().with(OPENAI_PROVIDER_ID, Value::Object(metadata))),
        });
        Ok(())
    }
}

/// What a provider stream decoder does with each event's data and at the end.
pub(crate) trait EventMapper: Send + Unpin + 'static {
    /// Maps one event (never `[DONE]`).
    fn on_event(&mut self, event: &SseEvent, out: &mut VecDeque<StreamPart>) -> Result<()>;
    /// Maps the end of the stream.
    fn on_end(&mut self, out: &mut VecDeque<StreamPart>) -> Result<()>;
}

impl EventMapper for ChatStreamState {
    fn on_event(&mut self, event: &SseEvent, out: &mut VecDeque<StreamPart>) -> Result<()> {
        self.on_data(&event.data, out)
    }

    fn on_end(&mut self, out: &mut VecDeque<StreamPart>) -> Result<()> {
        ChatStreamState::on_end(self, out)
    }
}

pin_project_lite::pin_project! {
    /// SSE events mapped to parts by an [`EventMapper`], one `Stream` deep.
    pub(crate) struct PartsStream<S, M> {
        #[pin]
        events: SseStream<S>,
        mapper: M,
        pending: VecDeque<StreamPart>,
        done: bool,
    }
}

impl<S, M> PartsStream<S, M> {
    pub fn new(events: SseStream<S>, mapper: M) -> Self {
        PartsStream { events, mapper, pending: VecDeque::with_capacity(4), done: false }
    }
}

impl<S, B, E, M> Stream for PartsStream<S, M>
where
    S: Stream<Item = std::result::Result<B, E>>,
    B: Into<Bytes>,
    E: std::error::Error + Send + Sync + 'static,
    M: EventMapper,
{
    type Item = Result<StreamPart>;

    fn poll_next(self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let mut this = self.project();
        loop {
            if let Some(part) = this.pending.pop_front() {
                return Poll::Ready(Some(Ok(part)));
            }
            if *this.done {
                return Poll::Ready(None);
            }
            let result = match ready!(this.events.as_mut().poll_next(context)) {
                Some(Ok(event)) if event.is_done() => {
                    *this.done = true;
                    this.mapper.on_end(this.pending)
                }
                Some(Ok(event)) => this.mapper.on_event(&event, this.pending),
                Some(Err(error)) => Err(error),
                None => {
                    *this.done = true;
                    this.mapper.on_end(this.pending)
                }
            };
            if let Err(error) = result {
                *this.done = true;
                this.pending.clear();
                return Poll::Ready(Some(Err(error)));
            }
        }
    }
}

#[cfg(test)]
mod tests {
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
    fn decodes_borrowed_chunks_keeping_only_the_first_choice() {
        let data = r#"{"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","system_fingerprint":"fp","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null},{"index":1,"delta":{"content":"other"}}]}"#;
        let chunk: ChatChunk<'_> = serde_json::from_str(data).unwrap();
        assert!(matches!(chunk.id, Some(Cow::Borrowed("c1"))));
        let delta = chunk.choice.unwrap().delta.unwrap();
        assert!(matches!(delta.content, Some(Cow::Borrowed("Hi"))));
        let escaped: ChatChunk<'_> = serde_json::from_str(r#"{"choices":[{"delta":{"content":"a\nb"}}]}"#).unwrap();
        assert_eq!(escaped.choice.unwrap().delta.unwrap().content.as_deref(), Some("a\nb"));
        let empty: ChatChunk<'_> = serde_json::from_str(r#"{"choices":[],"usage":{"prompt_tokens":1,"completion_tokens":2}}"#).unwrap();
        assert!(empty.choice.is_none());
        let null: ChatChunk<'_> = serde_json::from_str(r#"{"choices":null}"#).unwrap();
        assert!(null.choice.is_none());
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
    fn reasoning_content_of_compatible_servers_becomes_a_reasoning_block() {
        let (parts, _) = run(&[
            r#"{"choices":[{"delta":{"reasoning_content":"think"}}]}"#,
            r#"{"choices":[{"delta":{"content":"answer"},"finish_reason":"stop"}]}"#,
        ]);
        let kinds: Vec<&str> = parts
            .iter()
            .map(|part| match part {
                StreamPart::StreamStart { .. } => "start",
                StreamPart::ReasoningStart { .. } => "reasoning-start",
                StreamPart::ReasoningDelta { .. } => "reasoning-delta",
                StreamPart::ReasoningEnd { .. } => "reasoning-end",
                StreamPart::TextStart { .. } => "text-start",
                StreamPart::TextDelta { .. } => "text-delta",
                StreamPart::TextEnd { .. } => "text-end",
                StreamPart::Finish { .. } => "finish",
                _ => "other",
            })
            .collect();
        assert_eq!(
            kinds,
            ["start", "reasoning-start", "reasoning-delta", "reasoning-end", "text-start", "text-delta", "text-end", "finish"]
        );
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
