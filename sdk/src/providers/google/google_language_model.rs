//! The Gemini language model: the mapping's `chat` operation (`generateContent`) and its
//! `chat_stream` operation (`streamGenerateContent?alt=sse`).


use async_trait::async_trait;
use serde_json::{Map, Value, json};
use specai_generated::mappings::families;

use super::{PROVIDER_ID, SharedConnection, connection_for_call};
use super::convert_json_schema_to_openapi_schema::convert_json_schema_to_openapi_schema;
use super::convert_to_google_messages::{convert_to_google_messages, sign_unsigned_function_calls, wire_enum};
use super::google_options::GoogleOptions;
use super::google_prepare_tools::{google_prepare_tools, to_wire_schema};
use super::google_stream::GoogleEventMapper;
use super::map_google_finish_reason::map_google_finish_reason;
use super::wire::{
    CodeExecutionResult, ExecutableCode, GenerateContentRequest, GenerateContentResponse, GenerationConfig,
    GroundingMetadata, ImageConfig, Part, SafetyRating, SafetySetting, ThinkingConfig, ToolConfig, UsageMetadata,
};
use crate::error::{Error, Result};
use crate::provider::{
    CallOptions, Content, FileData, FinishReason, GenerateResponse, GeneratedFile, InputTokens, JsonBody, LanguageModel,
    OutputTokens, ProviderMetadata, ReasoningEffort, RequestMetadata, ResponseFormat, ResponseMetadata, Source,
    StreamPart, StreamResponse, SupportedUrl, ToolCall, ToolResult, Usage, Warning,
};
use crate::provider_utils::{ModelOperation, PartsStream, generate_id, shortest_decimal};

/// A Gemini model, e.g. `gemini-2.5-flash`.
#[derive(Debug, Clone)]
pub struct GoogleLanguageModel {
    model_id: String,
    connection: SharedConnection,
    /// `generateContent` and `streamGenerateContent`, their URLs built once.
    generate: ModelOperation,
    stream: ModelOperation,
}

impl GoogleLanguageModel {
    pub(crate) fn new(model_id: &str, connection: SharedConnection) -> Self {
        let shared = connection.as_deref().ok();
        let generate = ModelOperation::new(shared, |operations| operations.chat.as_ref(), "chat", model_id);
        let stream = ModelOperation::new(shared, |operations| operations.chat_stream.as_ref(), "chat streaming", model_id);
        GoogleLanguageModel { model_id: model_id.to_owned(), connection, generate, stream }
    }

    /// The model's family in the mapping.
    fn family(&self) -> Option<&'static str> {
        self.connection.as_deref().ok().and_then(|connection| connection.mapping.family_of(&self.model_id))
    }

    /// The request body for these options, and the warnings about what it could not express.
    pub(crate) fn request_body(&self, options: &CallOptions) -> Result<(GenerateContentRequest, Vec<Warning>)> {
        let google: GoogleOptions = options.provider_options.parse("google")?.unwrap_or_default();
        let mut warnings = Vec::new();

        // Gemma takes no system instruction: its system text opens the first user message.
        let family = self.family();
        let mut prompt = convert_to_google_messages(&options.prompt, family == Some(families::GEMMA))?;
        if family == Some(families::GEMINI_3) && sign_unsigned_function_calls(&mut prompt.contents) {
            warnings.push(Warning::compatibility(
                "tool call",
                Some("a function call without its thought signature was sent with Google's skip value; Gemini 3 checks signatures".to_owned()),
            ));
        }
        let prepared = google_prepare_tools(&options.tools, options.tool_choice.as_ref())?;
        warnings.extend(prepared.warnings);

        let (response_mime_type, response_schema) = match &options.response_format {
            Some(ResponseFormat::Json { schema, name, description }) => {
                let schema = match schema {
                    Some(schema) if google.structured_outputs != Some(false) => {
                        let converted = convert_json_schema_to_openapi_schema(schema);
                        if let Some(details) = converted.removed_details() {
                            warnings.push(Warning::unsupported("responseFormat schema", details));
                        }
                        // Gemini has no separate name and description for the output: they go
                        // into the schema's own `title` and `description` when it has none.
                        let schema = converted.schema.map(|mut schema| {
                            if let Some(object) = schema.as_object_mut() {
                                if let Some(name) = name {
                                    object.entry("title").or_insert_with(|| Value::String(name.clone()));
                                }
                                if let Some(description) = description {
                                    object.entry("description").or_insert_with(|| Value::String(description.clone()));
                                }
                            }
                            schema
                        });
                        schema.map(to_wire_schema).transpose()?
                    }
                    Some(_) => {
                        warnings.push(Warning::unsupported(
                            "responseFormat schema",
                            Some("structuredOutputs is off: only responseMimeType application/json is sent".to_owned()),
                        ));
                        None
                    }
                    None => None,
                };
                (Some("application/json".to_owned()), schema)
            }
            None | Some(ResponseFormat::Text) => (None, None),
            Some(other) => return Err(Error::unsupported(format!("{} response format", other.kind()), None)),
        };

        let thinking_config = match (&google.thinking_config, options.reasoning_effort) {
            (Some(config), effort) => {
                if effort.is_some() {
                    warnings.push(Warning::unsupported(
                        "reasoningEffort",
                        Some("provider_options.google.thinkingConfig takes precedence".to_owned()),
                    ));
                }
                Some(ThinkingConfig {
                    include_thoughts: config.include_thoughts,
                    thinking_budget: config.thinking_budget,
                    thinking_level: config.thinking_level.clone(),
                    extra: Map::new(),
                })
            }
            (None, Some(effort)) => Some(ThinkingConfig {
                include_thoughts: None,
                thinking_budget: Some(thinking_budget_for(effort)),
                thinking_level: None,
                extra: Map::new(),
            }),
            (None, None) => None,
        };

        let seed = options.seed.map(|seed| {
            i32::try_from(seed).unwrap_or_else(|_| {
                warnings.push(Warning::unsupported(
                    "seed",
                    Some(format!("Gemini seeds are 32-bit; {seed} was sent as {}", seed as u32 as i32)),
                ));
                seed as u32 as i32
            })
        });
        let generation_config = GenerationConfig {
            candidate_count: None,
            image_config: google.image_config.as_ref().map(|config| ImageConfig {
                aspect_ratio: config.aspect_ratio.clone(),
                image_size: config.image_size.clone(),
                extra: Map::new(),
            }),
            speech_config: None,
            logprobs: None,
            media_resolution: google.media_resolution.as_deref().map(wire_enum).transpose()?,
            response_json_schema: Map::new(),
            response_logprobs: None,
            stop_sequences: options.stop_sequences.clone(),
            max_output_tokens: options.max_output_tokens.map(saturating_i32),
            temperature: options.temperature.map(shortest_decimal),
            top_p: options.top_p.map(shortest_decimal),
            top_k: options.top_k.map(saturating_i32),
            seed,
            presence_penalty: options.presence_penalty.map(shortest_decimal),
            frequency_penalty: options.frequency_penalty.map(shortest_decimal),
            response_mime_type,
            response_schema,
            response_modalities: google
                .response_modalities
                .iter()
                .flatten()
                .map(|modality| wire_enum(modality))
                .collect::<Result<_>>()?,
            thinking_config,
            extra: Map::new(),
        };

        let mut tool_config = prepared.tool_config;
        if let Some(retrieval) = google.retrieval_config {
            let retrieval = serde_json::from_value(retrieval).map_err(|error| {
                Error::invalid_argument("provider_options.google.retrievalConfig", error.to_string())
            })?;
            match &mut tool_config {
                Some(config) => config.retrieval_config = Some(retrieval),
                None => {
                    tool_config =
                        Some(ToolConfig { function_calling_config: None, retrieval_config: Some(retrieval), extra: Map::new() })
                }
            }
        }

        let request = GenerateContentRequest {
            contents: prompt.contents,
            system_instruction: prompt.system_instruction,
            tools: prepared.tools,
            tool_config,
            safety_settings: google
                .safety_settings
                .unwrap_or_default()
                .into_iter()
                .map(|setting| {
                    Ok(SafetySetting {
                        category: wire_enum(&setting.category)?,
                        threshold: wire_enum(&setting.threshold)?,
                        extra: Map::new(),
                    })
                })
                .collect::<Result<_>>()?,
            generation_config: Some(generation_config),
            cached_content: google.cached_content,
            extra: Map::new(),
        };
        Ok((request, warnings))
    }
}

/// A thinking budget for a reasoning effort: Gemini 2.5's budgets span 0 to 24576 tokens.
fn thinking_budget_for(effort: ReasoningEffort) -> i32 {
    match effort {
        ReasoningEffort::None => 0,
        ReasoningEffort::Minimal => 512,
        ReasoningEffort::Low => 1024,
        ReasoningEffort::Medium => 8192,
        ReasoningEffort::High => 16384,
        _ => 24576,
    }
}

fn saturating_i32(value: u32) -> i32 {
    i32::try_from(value).unwrap_or(i32::MAX)
}

/// Gemini's usage as the unified usage: thoughts count as output (reasoning) tokens, cached
/// content as cache-read input tokens.
pub(crate) fn convert_usage(usage: Option<&UsageMetadata>) -> Usage {
    let Some(usage) = usage else { return Usage::default() };
    let count = |value: Option<i32>| value.map(|value| value.max(0) as u64);
    let prompt = count(usage.prompt_token_count);
    let cached = count(usage.cached_content_token_count);
    let candidates = count(usage.candidates_token_count);
    let thoughts = count(usage.thoughts_token_count);
    Usage::new(
        InputTokens::with_cache_read(prompt, cached),
        OutputTokens::from_text_and_reasoning(candidates, thoughts),
    )
    .with_raw(JsonBody::from_serialize(usage))
}

/// `{"google": {"thoughtSignature": ...}}` for a part that carries a signature.
/// The provider-executed call of Gemini's code execution tool.
pub(crate) fn code_execution_call(id: String, code: &ExecutableCode, signature: Option<&str>) -> ToolCall {
    let input = json!({"language": code.language.to_string(), "code": code.code}).to_string();
    ToolCall::new(id, "code_execution", input)
        .with_provider_executed(true)
        .with_provider_metadata(signature_metadata(signature))
}

/// The result of Gemini's code execution for the call `id`: an error unless the outcome is `OUTCOME_OK`.
pub(crate) fn code_execution_result(id: String, result: &CodeExecutionResult) -> ToolResult {
    let outcome = result.outcome.to_string();
    let is_error = outcome != "OUTCOME_OK";
    ToolResult::new(id, "code_execution", json!({"outcome": outcome, "output": result.output})).with_is_error(is_error)
}

pub(crate) fn signature_metadata(signature: Option<&str>) -> Option<ProviderMetadata> {
    signature.map(|signature| ProviderMetadata::new().with("google", json!({"thoughtSignature": signature})))
}

/// The response-level metadata under `google`: prompt feedback, grounding, URL context,
/// safety ratings and the usage object.
pub(crate) fn response_provider_metadata(
    prompt_feedback: Option<&impl serde::Serialize>,
    safety_ratings: Option<&[SafetyRating]>,
    url_context_metadata: Value,
    grounding: Option<&GroundingMetadata>,
    usage: Option<&UsageMetadata>,
) -> ProviderMetadata {
    fn to_value<T: serde::Serialize>(value: Option<T>) -> Value {
        value.and_then(|value| serde_json::to_value(value).ok()).unwrap_or(Value::Null)
    }
    ProviderMetadata::new().with(
        "google",
        json!({
            "promptFeedback": to_value(prompt_feedback),
            "groundingMetadata": to_value(grounding),
            "urlContextMetadata": url_context_metadata,
            "safetyRatings": to_value(safety_ratings),
            "usageMetadata": to_value(usage),
        }),
    )
}

/// The web and retrieved-context chunks of grounding metadata as URL sources.
pub(crate) fn grounding_sources(grounding: &GroundingMetadata) -> impl Iterator<Item = (String, Option<String>)> + '_ {
    grounding.grounding_chunks.iter().filter_map(|chunk| {
        let source = chunk.web.as_ref().or(chunk.retrieved_context.as_ref())?;
        Some((source.uri.clone()?, source.title.clone()))
    })
}

/// A function call's provider metadata: its signature and Gemini's id for it, when given.
pub(crate) fn function_call_metadata(signature: Option<&str>, server_id: Option<&str>) -> Option<ProviderMetadata> {
    if signature.is_none() && server_id.is_none() {
        return None;
    }
    let mut google = Map::new();
    if let Some(signature) = signature {
        google.insert("thoughtSignature".into(), Value::String(signature.to_owned()));
    }
    if let Some(id) = server_id {
        google.insert("functionCallId".into(), Value::String(id.to_owned()));
    }
    Some(ProviderMetadata::new().with("google", Value::Object(google)))
}

/// The contents of one candidate, in order; the second value says whether it called functions.
fn convert_parts(parts: &[Part]) -> (Vec<Content>, bool) {
    let mut content = Vec::with_capacity(parts.len());
    let mut has_tool_calls = false;
    let mut last_code_id: Option<String> = None;
    for part in parts {
        let signature = part.thought_signature.as_deref();
        if let Some(text) = &part.text {
            if text.is_empty() && signature.is_none() {
                continue;
            }
            let provider_metadata = signature_metadata(signature);
            content.push(if part.thought == Some(true) {
                Content::Reasoning { text: text.clone(), provider_metadata }
            } else {
                Content::Text { text: text.clone(), provider_metadata }
            });
        } else if let Some(call) = &part.function_call {
            has_tool_calls = true;
            let tool_call_id = call.id.clone().unwrap_or_else(|| generate_id("call"));
            let input = serde_json::to_string(&call.args).unwrap_or_else(|_| "{}".into());
            let metadata = function_call_metadata(signature, call.id.as_deref());
            content.push(Content::ToolCall(
                ToolCall::new(tool_call_id, call.name.clone(), input).with_provider_metadata(metadata),
            ));
        } else if let Some(code) = &part.executable_code {
            let id = generate_id("code");
            last_code_id = Some(id.clone());
            content.push(Content::ToolCall(code_execution_call(id, code, signature)));
        } else if let Some(result) = &part.code_execution_result {
            let id = last_code_id.take().unwrap_or_else(|| generate_id("code"));
            content.push(Content::ToolResult(code_execution_result(id, result)));
        } else if let Some(blob) = &part.inline_data {
            let file = GeneratedFile::new(FileData::Base64(blob.data.clone()), blob.mime_type.clone());
            content.push(Content::File(file.with_provider_metadata(signature_metadata(signature))));
        }
    }
    (content, has_tool_calls)
}

#[async_trait]
impl LanguageModel for GoogleLanguageModel {
    fn provider(&self) -> &str {
        // Another mapping on the Gemini wire (Vertex) reports the name its provider gave it.
        match &self.connection {
            Ok(connection) if connection.mapping.id != specai_generated::mappings::GOOGLE.id => &connection.name,
            _ => PROVIDER_ID,
        }
    }

    fn model_id(&self) -> &str {
        &self.model_id
    }

    fn supported_urls(&self) -> Vec<SupportedUrl> {
        // Vertex fetches any http(s) URL and Cloud Storage objects itself.
        if let Ok(connection) = &self.connection
            && connection.mapping.id != specai_generated::mappings::GOOGLE.id
        {
            return ["https://", "http://", "gs://"].into_iter().map(|prefix| SupportedUrl::new("*/*", prefix)).collect();
        }
        // Files uploaded through the Files API (under the mapping's default base URL, whatever
        // URL the requests go to), and YouTube videos.
        let files = self.connection.as_deref().ok().and_then(|connection| connection.mapping.base_url).map(|base| format!("{base}/files/"));
        files
            .map(|files| SupportedUrl { media_type: "*/*".into(), url_prefix: files.into() })
            .into_iter()
            .chain([SupportedUrl::new("video/*", "https://www.youtube.com/"), SupportedUrl::new("video/*", "https://youtu.be/")])
            .collect()
    }

    async fn do_generate(&self, options: &CallOptions) -> Result<GenerateResponse> {
        let (body, warnings) = self.request_body(options)?;
        let connection = connection_for_call(&self.connection)?;
        let headers = connection.headers(&options.headers)?;
        let mut response = connection
            .post_operation(&self.generate, &self.model_id, body, headers, &options.extra)
            .await?
            .json::<GenerateContentResponse>()
            .await?;
        let response_headers = std::mem::take(&mut response.headers);
        let answer = &response.value;
        let candidate = answer.candidates.first();
        let parts = candidate.and_then(|candidate| candidate.content.as_ref()).map(|content| content.parts.as_slice());
        let (mut content, has_tool_calls) = convert_parts(parts.unwrap_or_default());
        let grounding = candidate.and_then(|candidate| candidate.grounding_metadata.as_ref());
        if let Some(grounding) = grounding {
            for (url, title) in grounding_sources(grounding) {
                content.push(Content::Source(Source::Url {
                    id: generate_id("source"),
                    url,
                    title,
                    provider_metadata: None,
                }));
            }
        }
        let raw_finish_reason = candidate.and_then(|candidate| candidate.finish_reason.as_ref()).map(ToString::to_string);
        // A blocked prompt has no candidate, only `promptFeedback.blockReason`.
        let blocked = candidate.is_none()
            && answer.prompt_feedback.as_ref().is_some_and(|feedback| feedback.block_reason.is_some());
        let finish_reason = if blocked {
            FinishReason::ContentFilter
        } else {
            map_google_finish_reason(raw_finish_reason.as_deref(), has_tool_calls)
        };
        let raw_finish_reason = raw_finish_reason.or_else(|| {
            answer.prompt_feedback.as_ref().and_then(|feedback| feedback.block_reason.as_ref()).map(ToString::to_string)
        });

        let mut result = GenerateResponse::new(
            content,
            finish_reason,
            convert_usage(answer.usage_metadata.as_ref()),
        );
        result.raw_finish_reason = raw_finish_reason;
        result.provider_metadata = Some(response_provider_metadata(
            answer.prompt_feedback.as_ref(),
            candidate.map(|candidate| candidate.safety_ratings.as_slice()),
            candidate.and_then(|candidate| serde_json::to_value(candidate.url_context_metadata.as_ref()?).ok()).unwrap_or(Value::Null),
            grounding,
            answer.usage_metadata.as_ref(),
        ));
        result.request = RequestMetadata::sent(response.request_body.as_ref());
        result.response = ResponseMetadata::new(answer.response_id.clone(), answer.model_version.clone(), None)
            .with_headers(response_headers)
            .with_body(response.raw_json());
        result.warnings = warnings;
        Ok(result)
    }

    async fn do_stream(&self, options: &CallOptions) -> Result<StreamResponse> {
        let (body, warnings) = self.request_body(options)?;
        let connection = connection_for_call(&self.connection)?;
        let headers = connection.headers(&options.headers)?;
        let mut response = connection.post_operation(&self.stream, &self.model_id, body, headers, &options.extra).await?;
        let request = RequestMetadata::sent(response.request_body.as_ref());
        let headers = std::mem::take(&mut response.headers);
        let response_metadata = ResponseMetadata::default().with_headers(headers.clone());
        let mapper = GoogleEventMapper::new(options.include_raw_chunks, response.url.clone(), headers, connection.errors);
        let stream = PartsStream::starting_with(response.sse(), mapper, StreamPart::StreamStart { warnings });
        Ok(StreamResponse::new(Box::pin(stream), request, response_metadata))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::{Message, ProviderOptions};
    use crate::providers::vendor_test_support::every_core_option;

    fn model() -> GoogleLanguageModel {
        super::super::create_google(Default::default()).language_model("gemini-2.5-flash")
    }

    /// Gemini 3 rejects a model turn whose first function call has no thought signature (history
    /// from another model): that call gets Google's skip value, the turn's later calls stay
    /// unsigned as Gemini leaves them, and earlier Gemini models are sent the history unchanged.
    #[test]
    fn gemini_3_signs_an_unsigned_first_function_call() {
        use crate::provider::{AssistantPart, ToolCallPart};
        let call = |id: &str| AssistantPart::ToolCall(ToolCallPart::new(id, "weather", json!({"city": "Paris"})));
        let options = CallOptions::new(vec![Message::user("Weather?"), Message::assistant_parts(vec![call("a"), call("b")])]);
        let signatures = |model_id: &str| {
            let model = super::super::create_google(Default::default()).language_model(model_id);
            let (body, warnings) = model.request_body(&options).unwrap();
            let body = serde_json::to_value(&body).unwrap();
            let parts = body["contents"][1]["parts"].as_array().unwrap().clone();
            (parts.iter().map(|part| part["thoughtSignature"].clone()).collect::<Vec<_>>(), warnings.len())
        };
        assert_eq!(signatures("gemini-3-pro-preview"), (vec![json!("skip_thought_signature_validator"), Value::Null], 1));
        assert_eq!(signatures("gemini-2.5-flash"), (vec![Value::Null, Value::Null], 0));
    }

    /// Gemini 3's `thinkingLevel` and an image model's `imageConfig` are taken and sent (both
    /// were rejected as unknown options).
    #[test]
    fn a_thinking_level_and_an_image_config_are_sent() {
        let mut options = CallOptions::new(vec![Message::user("hi")]);
        options.provider_options = ProviderOptions::new().with(
            "google",
            json!({"thinkingConfig": {"thinkingLevel": "low", "includeThoughts": true}, "imageConfig": {"aspectRatio": "16:9", "imageSize": "2K"}}),
        );
        let (body, warnings) = model().request_body(&options).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        let body = serde_json::to_value(&body).unwrap();
        assert_eq!(body["generationConfig"]["thinkingConfig"], json!({"thinkingLevel": "low", "includeThoughts": true}));
        assert_eq!(body["generationConfig"]["imageConfig"], json!({"aspectRatio": "16:9", "imageSize": "2K"}));
    }

    #[test]
    fn generation_config_maps_every_core_option() {
        let mut options = every_core_option();
        options.provider_options = ProviderOptions::new().with(
            "google",
            json!({"thinkingConfig": {"thinkingBudget": 1024, "includeThoughts": true}, "cachedContent": "cachedContents/c1",
                   "safetySettings": [{"category": "HARM_CATEGORY_HATE_SPEECH", "threshold": "BLOCK_ONLY_HIGH"}]}),
        );
        let (body, warnings) = model().request_body(&options).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(
            serde_json::to_value(&body).unwrap(),
            json!({
                "contents": [{"role": "user", "parts": [{"text": "hi"}]}],
                "generationConfig": {
                    "maxOutputTokens": 100, "temperature": 0.5, "topP": 0.25, "topK": 40, "stopSequences": ["END"],
                    "seed": 7, "presencePenalty": 0.5, "frequencyPenalty": 0.25,
                    "thinkingConfig": {"thinkingBudget": 1024, "includeThoughts": true}
                },
                "safetySettings": [{"category": "HARM_CATEGORY_HATE_SPEECH", "threshold": "BLOCK_ONLY_HIGH"}],
                "cachedContent": "cachedContents/c1"
            })
        );
    }

    #[test]
    fn json_response_format_with_schema_and_warning() {
        let mut options = CallOptions::new(vec![Message::user("hi")]);
        options.response_format = Some(ResponseFormat::Json {
            schema: Some(json!({"type": "object", "properties": {"n": {"type": "integer", "multipleOf": 2}}, "required": ["n"]})),
            name: None,
            description: None,
        });
        let (body, warnings) = model().request_body(&options).unwrap();
        let config = serde_json::to_value(&body.generation_config).unwrap();
        assert_eq!(config["responseMimeType"], "application/json");
        assert_eq!(config["responseSchema"], json!({"type": "OBJECT", "properties": {"n": {"type": "INTEGER"}}, "required": ["n"]}));
        assert_eq!(warnings.len(), 1);
        assert!(matches!(&warnings[0], Warning::Unsupported { feature, details: Some(details) } if feature == "responseFormat schema" && details.contains("multipleOf")));
    }

    #[test]
    fn reasoning_effort_becomes_a_thinking_budget() {
        let mut options = CallOptions::new(vec![Message::user("hi")]);
        options.reasoning_effort = Some(ReasoningEffort::Low);
        let (body, warnings) = model().request_body(&options).unwrap();
        assert!(warnings.is_empty());
        assert_eq!(
            serde_json::to_value(&body.generation_config).unwrap(),
            json!({"thinkingConfig": {"thinkingBudget": 1024}})
        );
        options.provider_options = ProviderOptions::new().with("google", json!({"thinkingConfig": {"thinkingBudget": 0}}));
        let (body, warnings) = model().request_body(&options).unwrap();
        assert_eq!(serde_json::to_value(&body.generation_config).unwrap(), json!({"thinkingConfig": {"thinkingBudget": 0}}));
        assert_eq!(warnings.len(), 1, "the explicit config wins, with a warning");
    }

    #[test]
    fn output_name_and_description_go_into_the_schema() {
        let mut options = CallOptions::new(vec![Message::user("hi")]);
        options.response_format = Some(ResponseFormat::Json {
            schema: Some(json!({"type": "object", "properties": {"n": {"type": "integer"}}})),
            name: Some("count".into()),
            description: Some("A count.".into()),
        });
        let (body, _) = model().request_body(&options).unwrap();
        assert_eq!(
            serde_json::to_value(&body.generation_config.unwrap().response_schema).unwrap(),
            json!({"type": "OBJECT", "properties": {"n": {"type": "INTEGER"}}, "title": "count", "description": "A count."})
        );
    }

    #[test]
    fn usage_counts_thoughts_as_output_and_cache_as_input() {
        let usage: UsageMetadata = serde_json::from_value(json!({
            "promptTokenCount": 100, "cachedContentTokenCount": 40, "candidatesTokenCount": 20,
            "thoughtsTokenCount": 30, "totalTokenCount": 150
        }))
        .unwrap();
        let usage = convert_usage(Some(&usage));
        let (input, output) = (usage.input_tokens, usage.output_tokens);
        assert_eq!(
            (input.total, input.no_cache, input.cache_read, input.cache_write),
            (Some(100), Some(60), Some(40), None)
        );
        assert_eq!((output.total, output.text, output.reasoning), (Some(50), Some(20), Some(30)));
    }
}
