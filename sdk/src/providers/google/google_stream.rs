//! Gemini's `streamGenerateContent?alt=sse` events mapped into [`StreamPart`]s, in one place.
//!
//! Each SSE event is a whole `GenerateContentResponse` holding the next parts; it is decoded
//! once, straight from the read buffer, into the borrowing `lean` type: text borrows from the
//! event, unknown fields are skipped, and the usage object (in every event, read from the last)
//! is kept as JSON text and decoded once, at the end. That text is copied into one buffer that
//! each event's usage overwrites: a slice of the event would hold the HTTP client's read buffer
//! while the next chunk is read, which then cannot reuse it.
//!
//! Text and thought parts extend the open text or reasoning block (a thought after text closes
//! the text block, and the other way round); function calls arrive whole and become a
//! tool-input block plus the call; executable code and its result a provider-executed call and
//! result; grounding chunks sources. The last event carries the finish reason and usage. An
//! error object in place of a chunk, or a stream that ends before a finish reason, ends the
//! stream with an error.

use std::collections::{HashSet, VecDeque};
use std::sync::Arc;

use http::HeaderMap;
use serde_json::Value;
use specai_generated::google::lean::{GenerateContentResponse, Part};

use super::google_error::{google_stream_error, is_error_event};
use super::google_language_model::{
    code_execution_call, code_execution_result, convert_usage, function_call_metadata, grounding_sources,
    response_provider_metadata, signature_metadata,
};
use super::map_google_finish_reason::map_google_finish_reason;
use super::wire::{GroundingMetadata, PromptFeedback, SafetyRating, UsageMetadata};
use crate::error::Result;
use crate::provider::{
    BlockId, FileData, FinishReason, GeneratedFile, ProviderMetadata, ResponseMetadata, Source, StreamPart, ToolCall,
};
use crate::provider_utils::{EventMapper, MappingErrorParser, generate_id, invalid_event, map_events_by_data};

/// What the stream remembers between events.
#[derive(Debug, Default)]
pub(crate) struct GoogleStreamState {
    text_block: Option<BlockId>,
    /// The last thought signature seen on the open text block, reported at its end.
    text_signature: Option<String>,
    reasoning_block: Option<BlockId>,
    reasoning_signature: Option<String>,
    next_block: u32,
    sent_metadata: bool,
    has_tool_calls: bool,
    last_code_id: Option<String>,
    source_urls: HashSet<String>,
    raw_finish_reason: Option<String>,
    /// The last usage object, as sent (JSON text; empty before the first): decoded once, by
    /// `finish`. One buffer, overwritten by each event's usage.
    usage: Vec<u8>,
    grounding: Option<GroundingMetadata>,
    /// The last event's prompt feedback, its candidate's safety ratings (`None` without a
    /// candidate) and URL context metadata (JSON text): the finish part's metadata.
    prompt_feedback: Option<PromptFeedback>,
    safety_ratings: Option<Vec<SafetyRating>>,
    url_context_metadata: Option<Box<serde_json::value::RawValue>>,
    prompt_blocked: bool,
}

impl GoogleStreamState {
    fn block_id(&mut self) -> BlockId {
        let id = self.next_block;
        self.next_block += 1;
        Arc::from(id.to_string())
    }

    fn close_text(&mut self, out: &mut VecDeque<StreamPart>) {
        if let Some(id) = self.text_block.take() {
            out.push_back(StreamPart::TextEnd { id, provider_metadata: signature_metadata(self.text_signature.take().as_deref()) });
        }
    }

    fn close_reasoning(&mut self, out: &mut VecDeque<StreamPart>) {
        if let Some(id) = self.reasoning_block.take() {
            let provider_metadata = signature_metadata(self.reasoning_signature.take().as_deref());
            out.push_back(StreamPart::ReasoningEnd { id, provider_metadata });
        }
    }

    /// Maps one decoded chunk.
    pub(crate) fn process(&mut self, mut chunk: GenerateContentResponse<'_>, out: &mut VecDeque<StreamPart>) {
        if !self.sent_metadata && (chunk.response_id.is_some() || chunk.model_version.is_some()) {
            self.sent_metadata = true;
            out.push_back(StreamPart::ResponseMetadata(Box::new(ResponseMetadata::new(
                chunk.response_id.as_deref().map(str::to_owned),
                chunk.model_version.as_deref().map(str::to_owned),
                None,
            ))));
        }
        if let Some(usage) = chunk.usage_metadata {
            self.usage.clear();
            self.usage.extend_from_slice(usage.text().as_bytes());
        }
        if chunk.candidates.is_empty()
            && let Some(reason) = chunk.prompt_feedback.as_ref().and_then(|feedback| feedback.block_reason.as_ref())
        {
            // A blocked prompt: no candidate, only the block reason.
            self.raw_finish_reason = Some(reason.to_string());
            self.prompt_blocked = true;
        }
        if let Some(candidate) = chunk.candidates.first_mut() {
            if let Some(content) = candidate.content.take() {
                for part in content.parts {
                    self.process_part(part, out);
                }
            }
            if let Some(grounding) = candidate.grounding_metadata.take() {
                for (url, title) in grounding_sources(&grounding) {
                    if self.source_urls.insert(url.clone()) {
                        out.push_back(StreamPart::Source(Box::new(Source::Url {
                            id: generate_id("source"),
                            url,
                            title,
                            provider_metadata: None,
                        })));
                    }
                }
                self.grounding = Some(grounding);
            }
            if let Some(reason) = &candidate.finish_reason {
                self.raw_finish_reason = Some(reason.to_string());
            }
        }
        // The last prompt feedback, safety ratings and URL context metadata sent go into the
        // finish part's metadata. Each is kept until a later chunk brings another: Google sends
        // URL context metadata in an early chunk, and a trailing chunk may have no candidate.
        if let Some(candidate) = chunk.candidates.into_iter().next() {
            if let Some(raw) = candidate.url_context_metadata {
                self.url_context_metadata = Some(raw.0.to_owned());
            }
            if !candidate.safety_ratings.is_empty() || self.safety_ratings.is_none() {
                self.safety_ratings = Some(candidate.safety_ratings);
            }
        }
        if chunk.prompt_feedback.is_some() {
            self.prompt_feedback = chunk.prompt_feedback;
        }
    }

    /// The id of the open reasoning or text block, opening one (with its start part) if none is.
    fn open_block(&mut self, reasoning: bool, out: &mut VecDeque<StreamPart>) -> BlockId {
        let open = if reasoning { &self.reasoning_block } else { &self.text_block };
        if let Some(id) = open {
            return id.clone();
        }
        let id = self.block_id();
        out.push_back(if reasoning {
            StreamPart::ReasoningStart { id: id.clone(), provider_metadata: None }
        } else {
            StreamPart::TextStart { id: id.clone(), provider_metadata: None }
        });
        *(if reasoning { &mut self.reasoning_block } else { &mut self.text_block }) = Some(id.clone());
        id
    }

    fn process_part(&mut self, part: Part<'_>, out: &mut VecDeque<StreamPart>) {
        let signature = part.thought_signature.map(|signature| signature.0.into_owned());
        if let Some(text) = part.text.map(|text| text.0.into_owned()) {
            if part.thought == Some(true) {
                self.close_text(out);
                let id = self.open_block(true, out);
                let provider_metadata = signature_metadata(signature.as_deref());
                if signature.is_some() {
                    self.reasoning_signature = signature;
                }
                if !text.is_empty() || provider_metadata.is_some() {
                    out.push_back(StreamPart::ReasoningDelta { id, delta: text, provider_metadata });
                }
            } else {
                if text.is_empty() && signature.is_none() {
                    return;
                }
                self.close_reasoning(out);
                let id = self.open_block(false, out);
                if signature.is_some() {
                    self.text_signature = signature;
                }
                if !text.is_empty() {
                    out.push_back(StreamPart::TextDelta { id, delta: text });
                }
            }
        } else if let Some(call) = part.function_call {
            self.has_tool_calls = true;
            let tool_call_id = call.id.clone().unwrap_or_else(|| generate_id("call"));
            let id: BlockId = Arc::from(tool_call_id.as_str());
            let input = serde_json::to_string(&call.args).unwrap_or_else(|_| "{}".into());
            let provider_metadata = function_call_metadata(signature.as_deref(), call.id.as_deref());
            out.push_back(StreamPart::ToolInputStart {
                id: id.clone(),
                tool_name: call.name.clone(),
                provider_executed: false,
                provider_metadata: provider_metadata.clone(),
            });
            out.push_back(StreamPart::ToolInputDelta { id: id.clone(), delta: input.clone() });
            out.push_back(StreamPart::ToolInputEnd { id, provider_metadata: provider_metadata.clone() });
            out.push_back(StreamPart::ToolCall(
                Box::new(ToolCall::new(tool_call_id, call.name, input).with_provider_metadata(provider_metadata)),
            ));
        } else if let Some(code) = part.executable_code {
            let tool_call_id = generate_id("code");
            self.last_code_id = Some(tool_call_id.clone());
            out.push_back(StreamPart::ToolCall(Box::new(code_execution_call(tool_call_id, &code, signature.as_deref()))));
        } else if let Some(result) = part.code_execution_result {
            let id = self.last_code_id.take().unwrap_or_else(|| generate_id("code"));
            out.push_back(StreamPart::ToolResult(Box::new(code_execution_result(id, &result))));
        } else if let Some(blob) = part.inline_data {
            // Open blocks end before the file, so text after it is a block of its own and the
            // step keeps text and images in the order they came, as a generated answer does.
            self.close_reasoning(out);
            self.close_text(out);
            let file = GeneratedFile::new(FileData::Base64(blob.data), blob.mime_type);
            out.push_back(StreamPart::File(Box::new(file.with_provider_metadata(signature_metadata(signature.as_deref())))));
        }
    }

    /// Closes open blocks and emits the finish part; an error when no finish reason arrived.
    pub(crate) fn finish(&mut self, out: &mut VecDeque<StreamPart>) -> Result<()> {
        // Without a finish reason the stream was cut: `PartsStream` has said so with an error
        // part, and the finish reason is `other`.
        let raw_finish_reason = self.raw_finish_reason.take();
        self.close_reasoning(out);
        self.close_text(out);
        let raw = std::mem::take(&mut self.usage);
        let usage: Option<UsageMetadata> = if raw.is_empty() {
            None
        } else {
            Some(serde_json::from_slice(&raw).map_err(|error| invalid_event(format!("invalid Gemini usage metadata: {error}"), &raw, error))?)
        };
        let url_context_metadata =
            self.url_context_metadata.take().and_then(|raw| serde_json::from_str(raw.get()).ok()).unwrap_or(Value::Null);
        let provider_metadata: ProviderMetadata = response_provider_metadata(
            self.prompt_feedback.as_ref(),
            self.safety_ratings.as_deref(),
            url_context_metadata,
            self.grounding.as_ref(),
            usage.as_ref(),
        );
        out.push_back(StreamPart::Finish {
            usage: Box::new(convert_usage(usage.as_ref())),
            finish_reason: if self.prompt_blocked {
                FinishReason::ContentFilter
            } else {
                map_google_finish_reason(raw_finish_reason.as_deref(), self.has_tool_calls)
            },
            raw_finish_reason,
            provider_metadata: Some(provider_metadata),
        });
        Ok(())
    }
}

/// Maps the SSE events of one response to parts (with [`PartsStream`]: one `Stream` deep, no
/// task). Gemini sends no `[DONE]`: the stream ends with the body.
pub(crate) struct GoogleEventMapper {
    state: GoogleStreamState,
    include_raw: bool,
    url: String,
    headers: HeaderMap,
    errors: MappingErrorParser,
}

impl GoogleEventMapper {
    pub(crate) fn new(include_raw: bool, url: String, headers: HeaderMap, errors: MappingErrorParser) -> Self {
        GoogleEventMapper { state: GoogleStreamState::default(), include_raw, url, headers, errors }
    }

    /// Maps one event's data: a whole `GenerateContentResponse`, or an error object.
    fn map_data(&mut self, data: &[u8], out: &mut VecDeque<StreamPart>) -> Result<()> {
        if is_error_event(data) {
            return Err(google_stream_error(data, &self.url, self.headers.clone(), &self.errors));
        }
        if self.include_raw {
            let raw_value = serde_json::from_slice(data).unwrap_or(Value::Null);
            out.push_back(StreamPart::Raw { raw_value });
        }
        let chunk = crate::provider_utils::decode_json::<GenerateContentResponse>(data)
            .map_err(|error| invalid_event(format!("invalid Gemini stream event: {error}"), data, error))?;
        self.state.process(chunk, out);
        Ok(())
    }
}

impl EventMapper for GoogleEventMapper {
    map_events_by_data!();

    fn on_end(&mut self, out: &mut VecDeque<StreamPart>) -> Result<()> {
        self.state.finish(out)
    }

    fn is_complete(&self) -> bool {
        self.state.raw_finish_reason.is_some()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::provider::FinishReason;

    fn run(chunks: &[Value]) -> (Vec<StreamPart>, Result<()>) {
        let mut state = GoogleStreamState::default();
        let mut out = VecDeque::new();
        for chunk in chunks {
            let text = serde_json::to_vec(chunk).unwrap();
            state.process(serde_json::from_slice(&text).unwrap(), &mut out);
        }
        let finished = state.finish(&mut out);
        (out.into_iter().collect(), finished)
    }

    #[test]
    fn the_last_event_gives_the_finish_metadata_and_usage() {
        let url_context = json!({"urlMetadata": [{"retrievedUrl": "https://a.example/", "urlRetrievalStatus": "URL_RETRIEVAL_STATUS_SUCCESS", "newField": 1}]});
        let (parts, finished) = run(&[
            json!({"candidates": [{"content": {"parts": [{"text": "Hi"}]}}], "usageMetadata": {"promptTokenCount": 5, "candidatesTokenCount": 1}}),
            json!({"candidates": [{"content": {"parts": [{"text": "!"}]}, "finishReason": "STOP", "urlContextMetadata": url_context,
                   "safetyRatings": [{"category": "HARM_CATEGORY_HARASSMENT", "probability": "NEGLIGIBLE"}]}],
                   "promptFeedback": {"safetyRatings": [{"category": "HARM_CATEGORY_HATE_SPEECH", "probability": "LOW"}]},
                   "usageMetadata": {"promptTokenCount": 5, "candidatesTokenCount": 2, "totalTokenCount": 7}}),
        ]);
        finished.unwrap();
        let Some(StreamPart::Finish { usage, provider_metadata: Some(metadata), .. }) = parts.last() else { panic!("{parts:?}") };
        assert_eq!((usage.input_tokens.total, usage.output_tokens.total), (Some(5), Some(2)), "the last usage object counts");
        let google = metadata.get("google").unwrap();
        assert_eq!(google["urlContextMetadata"], url_context, "kept whole, unknown fields too");
        assert_eq!(google["safetyRatings"][0]["category"], "HARM_CATEGORY_HARASSMENT");
        assert_eq!(google["promptFeedback"]["safetyRatings"][0]["probability"], "LOW");
        assert_eq!(google["usageMetadata"]["totalTokenCount"], 7);
    }

    /// Google sends URL context metadata in an early chunk, and may end with a chunk without a
    /// candidate: what was sent stays in the finish metadata.
    #[test]
    fn metadata_of_an_early_chunk_is_kept_to_the_finish() {
        let url_context = json!({"urlMetadata": [{"retrievedUrl": "https://a.example/", "urlRetrievalStatus": "URL_RETRIEVAL_STATUS_SUCCESS"}]});
        let (parts, finished) = run(&[
            json!({"candidates": [{"content": {"parts": [{"text": "Hi"}]}, "urlContextMetadata": url_context,
                   "safetyRatings": [{"category": "HARM_CATEGORY_HARASSMENT", "probability": "NEGLIGIBLE"}]}]}),
            json!({"candidates": [{"content": {"parts": [{"text": "!"}]}, "finishReason": "STOP"}]}),
            json!({"usageMetadata": {"promptTokenCount": 5, "candidatesTokenCount": 2, "totalTokenCount": 7}}),
        ]);
        finished.unwrap();
        let Some(StreamPart::Finish { provider_metadata: Some(metadata), .. }) = parts.last() else { panic!("{parts:?}") };
        let google = metadata.get("google").unwrap();
        assert_eq!(google["urlContextMetadata"], url_context);
        assert_eq!(google["safetyRatings"][0]["category"], "HARM_CATEGORY_HARASSMENT");
    }

    /// An image model's text, image, text: the image ends the first text block.
    #[test]
    fn a_file_ends_the_open_text_block() {
        let (parts, finished) = run(&[
            json!({"candidates": [{"content": {"parts": [{"text": "Here:"}]}}]}),
            json!({"candidates": [{"content": {"parts": [{"inlineData": {"mimeType": "image/png", "data": "iVBO"}}]}}]}),
            json!({"candidates": [{"content": {"parts": [{"text": "Done."}]}, "finishReason": "STOP"}]}),
        ]);
        finished.unwrap();
        let kinds: Vec<&str> = parts
            .iter()
            .map(|part| match part {
                StreamPart::TextStart { .. } => "start",
                StreamPart::TextDelta { .. } => "delta",
                StreamPart::TextEnd { .. } => "end",
                StreamPart::File(_) => "file",
                _ => "other",
            })
            .filter(|kind| *kind != "other")
            .collect();
        assert_eq!(kinds, ["start", "delta", "end", "file", "start", "delta", "end"]);
    }

    #[test]
    fn an_invalid_usage_object_fails_the_stream() {
        let (parts, finished) = run(&[
            json!({"candidates": [{"content": {"parts": [{"text": "Hi"}]}, "finishReason": "STOP"}], "usageMetadata": {"promptTokenCount": "five"}}),
        ]);
        let error = finished.expect_err("the usage is decoded at the end, and must be valid");
        assert!(error.to_string().contains("usage"), "{error}");
        assert!(!parts.iter().any(|part| matches!(part, StreamPart::Finish { .. })), "{parts:?}");
    }

    #[test]
    fn thoughts_then_text_then_finish() {
        let (parts, finished) = run(&[
            json!({"candidates": [{"content": {"role": "model", "parts": [{"text": "Let me think", "thought": true}]}}], "modelVersion": "gemini-2.5-flash", "responseId": "r1"}),
            json!({"candidates": [{"content": {"role": "model", "parts": [{"text": "Hello", "thoughtSignature": "c2ln"}]}}]}),
            json!({"candidates": [{"content": {"role": "model", "parts": [{"text": " world"}]}, "finishReason": "STOP"}],
                   "usageMetadata": {"promptTokenCount": 5, "candidatesTokenCount": 2, "thoughtsTokenCount": 3, "totalTokenCount": 10}}),
        ]);
        finished.unwrap();
        let block = |id: &str| -> BlockId { Arc::from(id) };
        assert_eq!(parts[0], StreamPart::ResponseMetadata(Box::new(ResponseMetadata::new(Some("r1".into()), Some("gemini-2.5-flash".into()), None))));
        assert_eq!(parts[1], StreamPart::ReasoningStart { id: block("0"), provider_metadata: None });
        assert_eq!(parts[2], StreamPart::ReasoningDelta { id: block("0"), delta: "Let me think".into(), provider_metadata: None });
        assert_eq!(parts[3], StreamPart::ReasoningEnd { id: block("0"), provider_metadata: None });
        assert_eq!(parts[4], StreamPart::TextStart { id: block("1"), provider_metadata: None });
        assert_eq!(parts[5], StreamPart::TextDelta { id: block("1"), delta: "Hello".into() });
        assert_eq!(parts[6], StreamPart::TextDelta { id: block("1"), delta: " world".into() });
        assert_eq!(parts[7], StreamPart::TextEnd { id: block("1"), provider_metadata: signature_metadata(Some("c2ln")) });
        match &parts[8] {
            StreamPart::Finish { usage, finish_reason, raw_finish_reason, .. } => {
                assert_eq!(*finish_reason, FinishReason::Stop);
                assert_eq!(raw_finish_reason.as_deref(), Some("STOP"));
                assert_eq!(usage.output_tokens.total, Some(5));
                assert_eq!(usage.output_tokens.reasoning, Some(3));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(parts.len(), 9);
    }

    #[test]
    fn function_calls_end_with_tool_calls() {
        let (parts, finished) = run(&[json!({"candidates": [{"content": {"role": "model", "parts": [
            {"functionCall": {"name": "weather", "args": {"city": "Paris"}}, "thoughtSignature": "c2ln"},
            {"functionCall": {"id": "fc-2", "name": "weather", "args": {"city": "Rome"}}}
        ]}, "finishReason": "STOP"}]})]);
        finished.unwrap();
        let calls: Vec<&ToolCall> = parts.iter().filter_map(|part| match part { StreamPart::ToolCall(call) => Some(&**call), _ => None }).collect();
        assert_eq!(calls.len(), 2);
        assert_eq!(calls[0].input, r#"{"city":"Paris"}"#);
        assert_eq!(calls[0].provider_metadata, signature_metadata(Some("c2ln")));
        assert_eq!(calls[1].tool_call_id, "fc-2");
        match &parts[0] {
            StreamPart::ToolInputStart { id, tool_name, .. } => {
                assert_eq!(id.as_ref(), calls[0].tool_call_id);
                assert_eq!(tool_name, "weather");
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(parts.last(), Some(StreamPart::Finish { finish_reason: FinishReason::ToolCalls, .. })));
    }

    #[test]
    fn signature_on_an_empty_final_text_part_reaches_the_text_end() {
        let (parts, finished) = run(&[
            json!({"candidates": [{"content": {"parts": [{"text": "Hi"}]}}]}),
            json!({"candidates": [{"content": {"parts": [{"text": "", "thoughtSignature": "c2ln"}]}, "finishReason": "STOP"}]}),
        ]);
        finished.unwrap();
        let deltas = parts.iter().filter(|part| matches!(part, StreamPart::TextDelta { .. })).count();
        assert_eq!(deltas, 1, "no empty delta");
        assert!(parts.iter().any(|part| matches!(part,
            StreamPart::TextEnd { provider_metadata, .. } if *provider_metadata == signature_metadata(Some("c2ln")))));
    }

    #[test]
    fn stream_without_finish_reason_finishes_as_other_with_the_text_closed() {
        // `PartsStream` adds the error part saying the stream ended early (tests/faults).
        let (parts, finished) = run(&[json!({"candidates": [{"content": {"parts": [{"text": "Hel"}]}}]})]);
        finished.unwrap();
        assert!(matches!(parts[parts.len() - 2], StreamPart::TextEnd { .. }), "{parts:?}");
        match parts.last().unwrap() {
            StreamPart::Finish { finish_reason, raw_finish_reason, .. } => {
                assert_eq!(*finish_reason, FinishReason::Other);
                assert_eq!(*raw_finish_reason, None);
            }
            other => panic!("{other:?}"),
        }
    }

    /// A text event allocates three times: its candidate list, its parts list and its text.
    /// Its usage object (in every event, read from the last) is copied into the buffer the
    /// previous one used. Counted per thread; an allocation added per event fails here, where no
    /// benchmark runs (CI).
    #[test]
    fn a_text_event_allocates_its_lists_and_its_text_only() {
        let chunk = r#"{"candidates":[{"content":{"parts":[{"text":"abcd"}],"role":"model"},"index":0}],"usageMetadata":{"promptTokenCount":5,"candidatesTokenCount":1,"totalTokenCount":6},"modelVersion":"gemini-2.5-flash","responseId":"r1"}"#;
        let event = format!("data: {chunk}\n\n");
        let errors = || MappingErrorParser::new(specai_generated::mappings::GOOGLE.errors, None);
        let mapper = || GoogleEventMapper::new(false, "u".into(), HeaderMap::new(), errors());
        // The first event also gives the response metadata and opens the text block.
        assert_eq!(crate::provider_utils::allocation_count::allocations_of_hundred_text_deltas(mapper, &event, 3, &event), 300);
    }
}
