//! The chat-completions stream of OpenAI and every compatible vendor: SSE events decoded once
//! into borrowed chunk types and mapped to [`StreamPart`]s in one place.
//!
//! This is the hot path of every chat product, so it is one `Stream` deep over the SSE reader
//! (no task, no channel) and each event is decoded once, straight from the read buffer, into the
//! generated lean types (`specai_generated::openai_compatible::lean`), whose strings borrow from
//! the buffer unless they hold escapes and which skip unknown fields. Fields the stream never
//! reads are left out of them (`lean_omit` in specs/openai-compatible/provider.toml); `id`,
//! `model` and `created` are read from the first chunk only. A vendor whose mapping reads fields
//! the lean types do not have (usage under `x_groq`, `citations`, a reasoning field of its own,
//! a chunk hook) pays for a `serde_json::Value` of each chunk as well; OpenAI does not.
//!
//! Tool calls arrive as fragments keyed by `index`: the first fragment usually carries the id
//! and the name, later ones only argument text. A fragment continues the call of its id, else
//! the call of its `index`, else the latest call, as in the AI SDK: some servers send no `index`,
//! give every call `index` 0 and tell them apart by id (Ollama), start at `index` 1 after text,
//! send the id and arguments before the name (the input block starts once the name is known,
//! with the arguments so far), repeat the id and name in every fragment, or send the whole
//! arguments at once. A call without an id gets a unique one. A call is completed when the
//! choice's `finish_reason` arrives (or the stream ends), so tools can run before the usage-only
//! final chunk; an empty `finish_reason`, which some servers send on every chunk, is no finish.
//!
//! Errors sent as an event (`{"error": ...}` in any shape the mapping's error paths read) end the
//! stream with [`Error::ApiCall`], retryable when the server says it failed; a cut connection
//! ends it with [`Error::Connection`]; a malformed chunk is skipped as a [`StreamPart::Error`]
//! (see [`PartsStream`](crate::provider_utils::PartsStream) for these rules).

use std::collections::{HashSet, VecDeque};
use std::sync::Arc;

use http::HeaderMap;
use serde_json::{Map, Value, json};
use specai_generated::mappings::{MetadataPath, ReasoningMapping, SourcePath, UsageMapping};
use specai_generated::openai_compatible::lean;

use super::hooks::{MetadataHook, ResponseHook};
use crate::provider_utils::json_path::lookup;
use super::map_openai_compatible_finish_reason::map_openai_compatible_finish_reason;
use crate::provider_utils::MappingErrorParser;
use super::openai_compatible_sources::new_sources;
use super::openai_compatible_usage::{CountedUsage, counted_usage, is_default_usage, usage_from_value};
use super::timestamp;
use crate::error::{Error, Result};
use crate::provider::{
    BlockId, JsonBody, ProviderMetadata, ResponseMetadata, StreamPart, ToolCall,
};
use crate::provider_utils::{EventMapper, api_call_error, decode_json, generate_id, map_events_by_data};

/// Everything the stream needs from the provider configuration, copied once per call.
pub(crate) struct StreamSetup {
    pub provider_name: String,
    pub url: String,
    pub include_raw_chunks: bool,
    pub usage_path: &'static [&'static str],
    pub usage: UsageMapping,
    pub reasoning: ReasoningMapping,
    pub metadata_paths: &'static [MetadataPath],
    pub sources: &'static [SourcePath],
    pub errors: MappingErrorParser,
    pub chunk_hook: Option<ResponseHook>,
    pub metadata_hook: Option<MetadataHook>,
}

impl StreamSetup {
    /// The setup of a stream from `url` of a provider configured by `config`.
    pub fn new(config: &super::Config, url: String, include_raw_chunks: bool) -> Self {
        StreamSetup {
            provider_name: config.name.clone(),
            url,
            include_raw_chunks,
            usage_path: config.mapping.stream.usage_path.segments,
            usage: config.mapping.usage,
            reasoning: config.mapping.reasoning,
            metadata_paths: config.mapping.response_metadata,
            sources: config.mapping.sources,
            errors: config.errors,
            chunk_hook: config.hooks.stream_chunk,
            metadata_hook: config.hooks.metadata,
        }
    }

    /// Whether chunks must also be read as JSON values: the mapping reads fields the lean types
    /// do not have, or rewrites chunks, or reads their metadata with a hook.
    fn needs_value(&self) -> bool {
        self.chunk_hook.is_some() || self.metadata_hook.is_some() || reads_vendor_fields(self.metadata_paths, self.usage_path, &self.reasoning, self.sources)
    }
}

/// Whether a mapping reads fields the lean types do not hold (metadata paths, usage at a vendor
/// path, vendor reasoning fields, source lists), so that a completion or chunk must also be
/// read as JSON.
pub(super) fn reads_vendor_fields(metadata_paths: &[MetadataPath], usage_path: &[&str], reasoning: &ReasoningMapping, sources: &[SourcePath]) -> bool {
    !metadata_paths.is_empty()
        || !sources.is_empty()
        || usage_path != ["usage"]
        || reasoning.fields.iter().any(|field| !matches!(*field, "reasoning_content" | "reasoning"))
}

/// One tool call being assembled from fragments.
#[derive(Debug)]
struct ToolCallState {
    id: BlockId,
    /// The `index` the server gave the call's fragments, when it gave one.
    wire_index: Option<i64>,
    name: Option<String>,
    arguments: String,
    /// Whether `ToolInputStart` was sent (it waits for the name).
    started: bool,
    finished: bool,
}

/// The mapping from chunks to parts: everything the stream remembers between events.
pub(crate) struct ChatStreamState {
    setup: StreamSetup,
    needs_value: bool,
    metadata_sent: bool,
    text_id: Option<BlockId>,
    reasoning_id: Option<BlockId>,
    tool_calls: Vec<ToolCallState>,
    finish_reason: Option<String>,
    usage: Option<CountedUsage>,
    logprobs: Option<Vec<Value>>,
    metadata: Map<String, Value>,
    /// Source URLs already sent (vendors repeat their lists in every chunk).
    source_urls: HashSet<String>,
    ended: bool,
}

const TEXT_ID: &str = "txt-0";
const REASONING_ID: &str = "reasoning-0";

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

/// The chunk's parts that every chunk type has.
struct Chunk<'a> {
    choices: Vec<lean::ChatCompletionStreamChoice<'a>>,
    usage: Option<Box<lean::CompletionUsage<'a>>>,
    has_error: bool,
}

impl ChatStreamState {
    pub fn new(setup: StreamSetup) -> Self {
        ChatStreamState {
            needs_value: setup.needs_value(),
            setup,
            metadata_sent: false,
            text_id: None,
            reasoning_id: None,
            tool_calls: Vec::new(),
            finish_reason: None,
            usage: None,
            logprobs: None,
            metadata: Map::new(),
            source_urls: HashSet::new(),
            ended: false,
        }
    }

    /// Maps one event's data: a chunk, or an error object.
    pub(crate) fn map_data(&mut self, data: &[u8], out: &mut VecDeque<StreamPart>) -> Result<()> {
        if self.setup.include_raw_chunks
            && let Ok(raw_value) = serde_json::from_slice(data)
        {
            out.push_back(StreamPart::Raw { raw_value });
        }
        if !self.needs_value {
            return self.on_chunk(data, None, out);
        }
        let mut value: Value = serde_json::from_slice(data).map_err(|error| malformed(data, error))?;
        if let Some(hook) = self.setup.chunk_hook {
            hook(&mut value);
            let rewritten = serde_json::to_vec(&value).map_err(|error| malformed(data, error))?;
            return self.on_chunk(&rewritten, Some(&value), out);
        }
        self.on_chunk(data, Some(&value), out)
    }

    /// The hot path of a stream: a chunk with a delta. What comes once a stream (metadata, usage,
    /// the finish reason) or only with some vendors is in functions of its own, kept out of line
    /// so that the code each delta runs stays small (the whole pipeline's code per event does not
    /// fit the instruction cache, and every line of it that a delta touches is fetched again).
    #[inline]
    fn on_chunk(&mut self, data: &[u8], value: Option<&Value>, out: &mut VecDeque<StreamPart>) -> Result<()> {
        let chunk = match self.decode(data, out) {
            Ok(chunk) => chunk,
            Err(error) => return Err(self.decode_error(data, error)),
        };
        if chunk.has_error {
            return Err(self.error_chunk(data));
        }
        if let Some(value) = value {
            self.on_value(value, out)?;
        }
        if let Some(counts) = &chunk.usage {
            self.on_usage(data, counts);
        }
        // Only the first choice is mapped; further choices (`n > 1`) are not.
        // The choice is read in place: moving the borrowed structs costs a copy of each.
        let mut choices = chunk.choices;
        let Some(choice) = choices.first_mut() else { return Ok(()) };
        if let Some(delta) = &mut choice.delta {
            self.on_delta(delta, value, out)?;
        }
        if let Some(logprobs) = choice.logprobs.as_ref().filter(|logprobs| !logprobs.content.is_empty()) {
            self.on_logprobs(logprobs);
        }
        if let Some(reason) = choice.finish_reason.take().filter(|reason| !reason.0.is_empty()) {
            self.on_finish_reason(reason, out)?;
        }
        Ok(())
    }

    /// A chunk that did not decode: the vendor's error event, if it is one.
    #[cold]
    #[inline(never)]
    fn decode_error(&self, data: &[u8], error: Error) -> Error {
        self.error_event(data).unwrap_or(error)
    }

    /// A chunk with an `error` member.
    #[cold]
    #[inline(never)]
    fn error_chunk(&self, data: &[u8]) -> Error {
        self.error_event(data).unwrap_or_else(|| {
            Error::invalid_response("an error event without a message", Some(String::from_utf8_lossy(data).into_owned()), None)
        })
    }

    /// The vendor fields and sources of a mapping that reads the chunk as a JSON value.
    #[inline(never)]
    fn on_value(&mut self, value: &Value, out: &mut VecDeque<StreamPart>) -> Result<()> {
        self.read_vendor_fields(value)?;
        for source in new_sources(value, self.setup.sources, &mut self.source_urls) {
            out.push_back(StreamPart::Source(Box::new(source)));
        }
        Ok(())
    }

    /// The usage object (once a stream).
    #[cold]
    #[inline(never)]
    fn on_usage(&mut self, data: &[u8], counts: &lean::CompletionUsage<'_>) {
        // Copied out of the event: sharing it would keep the chunk alive.
        let raw = JsonBody::member_of(&bytes::Bytes::copy_from_slice(data), "usage");
        self.usage = Some(counted_usage(counts, raw, &self.setup.usage, is_default_usage(&self.setup.usage)));
    }

    #[cold]
    #[inline(never)]
    fn on_logprobs(&mut self, logprobs: &lean::ChatChoiceLogprobs<'_>) {
        self.logprobs.get_or_insert_with(Vec::new).extend(logprobs_metadata(logprobs));
    }

    /// The finish reason (once a stream) ends the open blocks.
    #[cold]
    #[inline(never)]
    fn on_finish_reason(&mut self, reason: lean::CowStr<'_>, out: &mut VecDeque<StreamPart>) -> Result<()> {
        self.finish_reason = Some(reason.0.into_owned());
        self.end_blocks(out)
    }

    /// Decodes a chunk; `id`, `model` and `created` are constant for a stream, so once they
    /// have been read, later chunks are decoded into the lean type that skips them.
    #[inline]
    fn decode<'a>(&mut self, data: &'a [u8], out: &mut VecDeque<StreamPart>) -> Result<Chunk<'a>> {
        if !self.metadata_sent {
            return self.decode_first(data, out);
        }
        let chunk: lean::CreateChatCompletionStreamResponseContinued<'_> = decode_json(data).map_err(|error| malformed(data, error))?;
        Ok(Chunk { choices: chunk.choices, usage: chunk.usage, has_error: chunk.error.is_some() })
    }

    /// Decodes a chunk before the stream's metadata came, and sends the metadata. Usually the
    /// first chunk only; every chunk of a vendor that sends neither id nor model (so not marked
    /// cold, which would have it compiled for size).
    #[inline(never)]
    fn decode_first<'a>(&mut self, data: &'a [u8], out: &mut VecDeque<StreamPart>) -> Result<Chunk<'a>> {
        let chunk: lean::CreateChatCompletionStreamResponse<'_> = decode_json(data).map_err(|error| malformed(data, error))?;
        if chunk.error.is_none() && (chunk.id.is_some() || chunk.model.is_some()) {
            self.metadata_sent = true;
            out.push_back(StreamPart::ResponseMetadata(Box::new(ResponseMetadata::new(
                chunk.id.map(|id| id.0.into_owned()),
                chunk.model.map(|model| model.0.into_owned()),
                timestamp(chunk.created),
            ))));
        }
        Ok(Chunk { choices: chunk.choices, usage: chunk.usage, has_error: chunk.error.is_some() })
    }

    /// An error event (`{"error": {...}}`, `{"error": "text"}`, ...) as the mapping reads it;
    /// `None` when the data is no error. Server failures are retryable.
    fn error_event(&self, data: &[u8]) -> Option<Error> {
        let value: Value = serde_json::from_slice(data).ok()?;
        if value.get("choices").is_some() {
            return None;
        }
        let parsed = self.setup.errors.parse_value(&value)?;
        let server_failed = matches!(parsed.error_type.as_deref(), Some("server_error"))
            || matches!(parsed.code.as_deref(), Some("server_error" | "rate_limit_exceeded"));
        let text = String::from_utf8_lossy(data).into_owned();
        let error = api_call_error(200, self.setup.url.clone(), HeaderMap::new(), Some(text), &self.setup.errors);
        Some(error.with_retryable(server_failed).into())
    }

    /// The mapping's vendor fields: usage at its own path, metadata paths.
    fn read_vendor_fields(&mut self, value: &Value) -> Result<()> {
        for path in self.setup.metadata_paths {
            if let Some(found) = lookup(value, path.path.segments) {
                // An empty object in a later chunk (Azure's `content_filter_results: {}` on
                // chunks not yet filtered) does not erase what an earlier chunk said.
                if found.as_object().is_some_and(serde_json::Map::is_empty) && self.metadata.contains_key(path.key) {
                    continue;
                }
                self.metadata.insert(path.key.to_owned(), found.clone());
            }
        }
        if let Some(hook) = self.setup.metadata_hook {
            hook(value, &mut self.metadata);
        }
        if self.setup.usage_path != ["usage"]
            && let Some(usage) = lookup(value, self.setup.usage_path).filter(|usage| usage.is_object())
        {
            self.usage = Some(usage_from_value(usage, &self.setup.usage));
        }
        Ok(())
    }

    fn reasoning_text(&self, delta: &lean::ChatCompletionStreamResponseDelta<'_>, value: Option<&Value>) -> Option<String> {
        self.setup.reasoning.fields.iter().find_map(|field| {
            let text = match *field {
                "reasoning_content" => delta.reasoning_content.as_ref().map(|text| text.0.to_string()),
                "reasoning" => delta.reasoning.as_ref().map(|text| text.0.to_string()),
                other => value
                    .and_then(|value| lookup(value, &["choices", "0", "delta", other]))
                    .and_then(Value::as_str)
                    .map(str::to_owned),
            };
            text.filter(|text| !text.is_empty())
        })
    }

    #[inline]
    fn on_delta(&mut self, delta: &mut lean::ChatCompletionStreamResponseDelta<'_>, value: Option<&Value>, out: &mut VecDeque<StreamPart>) -> Result<()> {
        if !self.setup.reasoning.fields.is_empty() {
            self.on_reasoning(delta, value, out);
        }
        if let Some(content) = delta.content.take().filter(|text| !text.is_empty()) {
            self.end_reasoning(out);
            let id = match &self.text_id {
                Some(id) => id.clone(),
                None => self.start_text(out),
            };
            out.push_back(StreamPart::TextDelta { id, delta: content.0.into_owned() });
        }
        if !delta.tool_calls.is_empty() {
            self.on_tool_calls(delta, out)?;
        }
        Ok(())
    }

    /// The reasoning text of a delta, at the fields the mapping names.
    #[inline(never)]
    fn on_reasoning(&mut self, delta: &lean::ChatCompletionStreamResponseDelta<'_>, value: Option<&Value>, out: &mut VecDeque<StreamPart>) {
        if let Some(reasoning) = self.reasoning_text(delta, value) {
            let id = self.reasoning_id.get_or_insert_with(|| {
                let id: BlockId = Arc::from(REASONING_ID);
                out.push_back(StreamPart::ReasoningStart { id: id.clone(), provider_metadata: None });
                id
            });
            out.push_back(StreamPart::ReasoningDelta { id: id.clone(), delta: reasoning, provider_metadata: None });
        }
    }

    /// Opens the text block (once a stream).
    #[cold]
    #[inline(never)]
    fn start_text(&mut self, out: &mut VecDeque<StreamPart>) -> BlockId {
        let id: BlockId = Arc::from(TEXT_ID);
        out.push_back(StreamPart::TextStart { id: id.clone(), provider_metadata: None });
        self.text_id = Some(id.clone());
        id
    }

    #[inline(never)]
    fn on_tool_calls(&mut self, delta: &mut lean::ChatCompletionStreamResponseDelta<'_>, out: &mut VecDeque<StreamPart>) -> Result<()> {
        for fragment in std::mem::take(&mut delta.tool_calls) {
            self.end_reasoning(out);
            self.on_tool_call_fragment(fragment, out)?;
        }
        Ok(())
    }

    fn on_tool_call_fragment(&mut self, fragment: lean::ChatCompletionMessageToolCallChunk<'_>, out: &mut VecDeque<StreamPart>) -> Result<()> {
        let (name, arguments) = match fragment.function {
            Some(function) => (function.name.map(|name| name.0), function.arguments.map(|arguments| arguments.0)),
            None => (None, None),
        };
        let fragment_id = fragment.id.map(|id| id.0).filter(|id| !id.is_empty());
        let index = match self.tool_call_position(fragment_id.as_deref(), fragment.index) {
            Some(index) => index,
            None => {
                let id: BlockId = match fragment_id {
                    Some(id) => Arc::from(id.as_ref()),
                    None => Arc::from(generate_id("call").as_str()),
                };
                self.tool_calls.push(ToolCallState { id, wire_index: fragment.index, name: None, arguments: String::new(), started: false, finished: false });
                self.tool_calls.len() - 1
            }
        };
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
            return Ok(());
        }
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
        Ok(())
    }

    /// The call a fragment continues, as the AI SDK finds it: by its id when it has one (servers
    /// such as Ollama give every call `index` 0 and tell them apart by id), else by its `index`
    /// (which need not start at 0: a call may follow a text block at index 1), else the latest
    /// call. `None`: the fragment starts a new call.
    fn tool_call_position(&self, id: Option<&str>, wire_index: Option<i64>) -> Option<usize> {
        match (id, wire_index) {
            (Some(id), _) => self.tool_calls.iter().rposition(|call| &*call.id == id),
            (None, Some(wire_index)) => self.tool_calls.iter().rposition(|call| call.wire_index == Some(wire_index)),
            (None, None) => self.tool_calls.len().checked_sub(1),
        }
    }

    fn end_reasoning(&mut self, out: &mut VecDeque<StreamPart>) {
        if let Some(id) = self.reasoning_id.take() {
            out.push_back(StreamPart::ReasoningEnd { id, provider_metadata: None });
        }
    }

    /// Closes the open blocks and completes the tool calls.
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
            out.push_back(StreamPart::ToolCall(Box::new(ToolCall::new(call.id.to_string(), name, input))));
        }
        Ok(())
    }

    /// The end of the stream (`[DONE]` or a clean end of the body): close blocks, then `Finish`.
    pub fn on_end(&mut self, out: &mut VecDeque<StreamPart>) -> Result<()> {
        if self.ended {
            return Ok(());
        }
        self.ended = true;
        self.end_blocks(out)?;
        let mut metadata = std::mem::take(&mut self.metadata);
        let usage = self.usage.take().unwrap_or_default();
        usage.metadata(&mut metadata);
        if let Some(logprobs) = self.logprobs.take() {
            metadata.insert("logprobs".into(), Value::Array(logprobs));
        }
        out.push_back(StreamPart::Finish {
            usage: Box::new(usage.usage),
            finish_reason: map_openai_compatible_finish_reason(self.finish_reason.as_deref()),
            raw_finish_reason: self.finish_reason.take(),
            provider_metadata: (!metadata.is_empty())
                .then(|| ProviderMetadata::new().with(self.setup.provider_name.clone(), Value::Object(metadata))),
        });
        Ok(())
    }
}

#[cold]
#[inline(never)]
fn malformed(data: &[u8], error: serde_json::Error) -> Error {
    Error::invalid_response(
        format!("malformed chat completion chunk: {error}"),
        Some(String::from_utf8_lossy(data).into_owned()),
        Some(Arc::new(error)),
    )
}

impl EventMapper for ChatStreamState {
    map_events_by_data!();

    fn on_end(&mut self, out: &mut VecDeque<StreamPart>) -> Result<()> {
        ChatStreamState::on_end(self, out)
    }

    /// Some servers end without `[DONE]` after the finish reason; that stream is complete.
    fn is_complete(&self) -> bool {
        self.finish_reason.is_some()
    }
}

#[cfg(test)]
#[path = "openai_compatible_stream_tests.rs"]
mod tests;
