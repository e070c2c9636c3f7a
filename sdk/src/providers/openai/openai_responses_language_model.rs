//! The Responses API language model (`POST /responses`), what [`openai`](super::openai) returns.
//!
//! Output items map to content in order: `message` text (with its citations as sources),
//! `reasoning` summaries (one reasoning block per summary part, carrying the item id and the
//! encrypted reasoning in provider metadata so they can be sent back), `function_call`s, and the
//! built-in tools' calls (web search, file search, code interpreter) as provider-executed tool
//! calls with their results. Request and response bodies are the generated `CreateResponse` and
//! `Response`.

use async_trait::async_trait;
use serde_json::{Map, Value, json};
use specai_generated::openai::types as api;

use crate::error::{Error, Result};
use crate::provider::{
    CallOptions, Content, GenerateResponse, InputTokens, JsonBody, LanguageModel, OutputTokens, ProviderMetadata,
    RequestMetadata, ResponseFormat, ResponseMetadata, Source, StreamResponse, SupportedUrl, ToolCall, ToolResult,
    Usage, Warning,
};
use crate::provider_utils::{ModelUrl, PartsStream, redact_url, shortest_decimal, strict_schema_or_warning};

use super::convert_to_openai_responses_input::convert_to_openai_responses_input;
use super::map_openai_finish_reason::map_openai_responses_finish_reason;
use super::openai_error::{OpenAiErrorDetail, stream_error};
use super::openai_options::{OPENAI_PROVIDER_ID, OpenAiOptions, ServiceTier, SystemMessageMode, TextVerbosity, is_reasoning_model, supported_service_tier};
use super::openai_prepare_tools::prepare_responses_tools;
use super::openai_responses_stream::ResponsesStreamState;
use super::{SharedConfig, config_for_call, model_endpoint, timestamp, wire_enum};

/// A Responses API model. Built by [`openai`](super::openai) or
/// [`OpenAiProvider::responses`](super::OpenAiProvider::responses).
#[derive(Debug, Clone)]
pub struct OpenAiResponsesLanguageModel {
    model_id: String,
    provider: String,
    url: ModelUrl,
    config: SharedConfig,
}

impl OpenAiResponsesLanguageModel {
    pub(crate) fn new(model_id: String, config: SharedConfig) -> Self {
        let (provider, url) = model_endpoint(&config, "responses", |operations| operations.responses.as_ref(), &model_id);
        OpenAiResponsesLanguageModel { model_id, provider, url: ModelUrl::new(url), config }
    }
}

pub(crate) fn api_reasoning_effort(effort: crate::provider::ReasoningEffort) -> api::ReasoningEffort {
    use crate::provider::ReasoningEffort;
    match effort {
        ReasoningEffort::None => api::ReasoningEffort::None,
        ReasoningEffort::Minimal => api::ReasoningEffort::Minimal,
        ReasoningEffort::Low => api::ReasoningEffort::Low,
        ReasoningEffort::Medium => api::ReasoningEffort::Medium,
        ReasoningEffort::High => api::ReasoningEffort::High,
        ReasoningEffort::ExtraHigh => api::ReasoningEffort::Xhigh,
        // A level added to the spec later: the API's own middle.
        _ => api::ReasoningEffort::Medium,
    }
}

pub(crate) fn api_service_tier(tier: ServiceTier) -> api::ServiceTier {
    match tier {
        ServiceTier::Auto => api::ServiceTier::Auto,
        ServiceTier::Default => api::ServiceTier::Default,
        ServiceTier::Flex => api::ServiceTier::Flex,
        ServiceTier::Priority => api::ServiceTier::Priority,
        ServiceTier::Scale => api::ServiceTier::Scale,
    }
}

/// Usage of a response: cached input tokens are `cache_read`, reasoning tokens are split from
/// text tokens.
pub(crate) fn responses_usage(usage: &api::ResponseUsage) -> Usage {
    let known = |count: i64| u64::try_from(count).ok();
    let cached = usage.input_tokens_details.as_ref().and_then(|details| details.cached_tokens).and_then(known);
    let reasoning = usage.output_tokens_details.as_ref().and_then(|details| details.reasoning_tokens).and_then(known);
    let input = known(usage.input_tokens);
    let output = known(usage.output_tokens);
    Usage::new(InputTokens::with_cache_read(input, cached), OutputTokens::with_reasoning(output, reasoning))
        .with_raw(JsonBody::from_serialize(usage))
}

/// The wire name of an incomplete reason.
pub(crate) fn incomplete_reason(details: Option<&api::ResponseIncompleteDetails>) -> Option<String> {
    details.and_then(|details| details.reason.as_ref()).map(|reason| match reason {
        api::ResponseIncompleteDetailsReason::Unlisted(other) => other.clone(),
        known => known.to_string(),
    })
}

/// The wire name of a response status.
pub(crate) fn status_text(status: &api::ResponseStatus) -> String {
    match status {
        api::ResponseStatus::Unlisted(other) => other.clone(),
        known => known.to_string(),
    }
}

/// `{"openai": {...}}` metadata.
pub(crate) fn openai_metadata(value: Value) -> ProviderMetadata {
    ProviderMetadata::new().with(OPENAI_PROVIDER_ID, value)
}

/// The metadata of a reasoning block: its item id and encrypted content.
pub(crate) fn reasoning_metadata(item_id: &str, encrypted_content: Option<&str>) -> ProviderMetadata {
    openai_metadata(json!({"item_id": item_id, "reasoning_encrypted_content": encrypted_content}))
}

/// A source from a citation.
pub(crate) fn annotation_source(annotation: api::Annotation, id: String) -> Option<Source> {
    match annotation {
        api::Annotation::UrlCitation { url, title, .. } => Some(Source::Url { id, url, title, provider_metadata: None }),
        api::Annotation::FileCitation { file_id, filename, .. } => Some(Source::Document {
            id,
            media_type: "text/plain".to_owned(),
            title: filename.clone().unwrap_or_else(|| file_id.clone()),
            filename,
            provider_metadata: Some(openai_metadata(json!({"file_id": file_id}))),
        }),
        _ => None,
    }
}

/// The call and result of a built-in tool's output item, when the item is one.
pub(crate) fn built_in_tool_call(item: &api::OutputItem) -> Option<(ToolCall, ToolResult)> {
    let (id, tool_name, input, result) = match item {
        api::OutputItem::WebSearchCall { id, status, action } => {
            (id, "web_search", json!({}), json!({"status": status, "action": action}))
        }
        api::OutputItem::FileSearchCall { id, status, queries, results } => {
            (id, "file_search", json!({}), json!({"status": status, "queries": queries, "results": results}))
        }
        api::OutputItem::CodeInterpreterCall { id, status, code, container_id, outputs } => (
            id,
            "code_interpreter",
            json!({"code": code, "container_id": container_id}),
            json!({"status": status, "outputs": outputs}),
        ),
        _ => return None,
    };
    let metadata = openai_metadata(json!({"item_id": id}));
    Some((
        ToolCall::new(id.clone(), tool_name, input.to_string())
            .with_provider_executed(true)
            .with_provider_metadata(Some(metadata.clone())),
        ToolResult::new(id.clone(), tool_name, result).with_provider_metadata(Some(metadata)),
    ))
}

impl OpenAiResponsesLanguageModel {
    /// The mapping's rules for option values only some models take; without a valid
    /// configuration (the call fails anyway), the first-party mapping's.
    fn option_rules(&self) -> &'static [specai_generated::mappings::ModelOptionRule] {
        match &self.config {
            Ok(config) => config.mapping.model_option_rules,
            Err(_) => specai_generated::mappings::OPENAI.model_option_rules,
        }
    }

    /// [`Self::request`] with the call's OpenAI options read here, so that a call's future
    /// keeps neither them nor the typed request while it is out.
    fn request_with_options(&self, options: &CallOptions, stream: bool) -> Result<(api::CreateResponse, Vec<Warning>)> {
        let provider_options: OpenAiOptions = options.provider_options.parse(OPENAI_PROVIDER_ID)?.unwrap_or_default();
        self.request(options, &provider_options, stream)
    }

    fn request(
        &self,
        options: &CallOptions,
        provider_options: &OpenAiOptions,
        stream: bool,
    ) -> Result<(api::CreateResponse, Vec<Warning>)> {
        // The mapping's per-model rule says which models reason (and so take developer messages).
        let reasoning_model = match &self.config {
            Ok(config) => config.model_rules(&self.model_id).capabilities.reasoning,
            Err(_) => is_reasoning_model(&self.model_id),
        };
        let system_message_mode = provider_options.system_message_mode.unwrap_or(if reasoning_model {
            SystemMessageMode::Developer
        } else {
            SystemMessageMode::System
        });
        let store = provider_options.store.unwrap_or(true);
        let (input, mut warnings) = convert_to_openai_responses_input(&options.prompt, system_message_mode, store)?;
        for (name, set) in [
            ("top_k", options.top_k.is_some()),
            ("seed", options.seed.is_some()),
            ("presence_penalty", options.presence_penalty.is_some()),
            ("frequency_penalty", options.frequency_penalty.is_some()),
            ("stop_sequences", !options.stop_sequences.is_empty()),
        ] {
            if set {
                warnings.push(Warning::unsupported(name, Some("not supported by the Responses API".to_owned())));
            }
        }
        for (name, set) in [
            ("logit_bias", provider_options.logit_bias.is_some()),
            ("prediction", provider_options.prediction.is_some()),
            ("max_completion_tokens", provider_options.max_completion_tokens.is_some()),
            ("echo", provider_options.echo.is_some()),
            ("suffix", provider_options.suffix.is_some()),
        ] {
            if set {
                warnings.push(Warning::unsupported(
                    format!("provider_options.openai.{name}"),
                    Some("not supported by the Responses API".to_owned()),
                ));
            }
        }
        let strict = provider_options.strict_json_schema.unwrap_or(true);
        let format = match &options.response_format {
            None | Some(ResponseFormat::Text) => None,
            Some(ResponseFormat::Json { schema: Some(Value::Object(schema)), name, description })
                if provider_options.structured_outputs.unwrap_or(true) =>
            {
                let (schema, strict) = strict_schema_or_warning(schema.clone(), Some(strict), "response_format", &mut warnings);
                Some(api::TextResponseFormat::JsonSchema {
                    name: name.clone().unwrap_or_else(|| "response".to_owned()),
                    description: description.clone(),
                    schema,
                    strict,
                })
            }
            Some(ResponseFormat::Json { .. }) => Some(api::TextResponseFormat::JsonObject),
            Some(other) => return Err(Error::unsupported(format!("{} response format", other.kind()), None)),
        };
        let text = (format.is_some() || provider_options.text_verbosity.is_some()).then(|| api::ResponseTextConfig {
            format,
            verbosity: provider_options.text_verbosity.map(|verbosity| match verbosity {
                TextVerbosity::Low => api::ResponseTextConfigVerbosity::Low,
                TextVerbosity::Medium => api::ResponseTextConfigVerbosity::Medium,
                TextVerbosity::High => api::ResponseTextConfigVerbosity::High,
            }),
            extra: Map::new(),
        });
        let (tools, tool_choice) = prepare_responses_tools(&options.tools, options.tool_choice.as_ref(), &mut warnings)?;
        let mut include: Vec<String> = provider_options.include.clone().unwrap_or_default();
        let top_logprobs = provider_options.logprobs.and_then(|logprobs| logprobs.top());
        if top_logprobs.is_some() && !include.iter().any(|item| item == "message.output_text.logprobs") {
            include.push("message.output_text.logprobs".to_owned());
        }
        // Without server-side storage, reasoning can only be sent back encrypted.
        if reasoning_model && !store && !include.iter().any(|item| item == "reasoning.encrypted_content") {
            include.push("reasoning.encrypted_content".to_owned());
        }
        let effort = provider_options.reasoning_effort.or(options.reasoning_effort);
        let reasoning = match (effort, &provider_options.reasoning_summary) {
            (None, None) => None,
            (effort, summary) => Some(api::Reasoning {
                effort: effort.map(api_reasoning_effort),
                summary: summary.as_deref().map(|summary| wire_enum("reasoning_summary", summary)).transpose()?,
                extra: Map::new(),
            }),
        };
        let mut extra = Map::new();
        if let Some(conversation) = &provider_options.conversation {
            // Not in the generated subset of `CreateResponse`.
            extra.insert("conversation".to_owned(), Value::String(conversation.clone()));
        }
        let mut request = api::CreateResponse {
            model: self.model_id.clone(),
            input: Some(api::CreateResponseInput::Array(input)),
            temperature: options.temperature.map(shortest_decimal),
            top_p: options.top_p.map(shortest_decimal),
            max_output_tokens: options.max_output_tokens.map(i64::from),
            text,
            tools,
            tool_choice,
            parallel_tool_calls: provider_options.parallel_tool_calls,
            store: provider_options.store,
            metadata: provider_options
                .metadata
                .as_ref()
                .map(|metadata| api::Metadata(metadata.iter().map(|(key, value)| (key.clone(), value.clone())).collect())),
            previous_response_id: provider_options.previous_response_id.clone(),
            instructions: provider_options.instructions.clone(),
            user: provider_options.user.clone(),
            service_tier: supported_service_tier(self.option_rules(), &self.model_id, provider_options.service_tier, &mut warnings)
                .map(api_service_tier),
            include: (!include.is_empty()).then_some(include),
            prompt_cache_key: provider_options.prompt_cache_key.clone(),
            safety_identifier: provider_options.safety_identifier.clone(),
            truncation: provider_options.truncation.as_deref().map(|truncation| wire_enum("truncation", truncation)).transpose()?,
            max_tool_calls: provider_options.max_tool_calls.map(i64::from),
            reasoning,
            top_logprobs: top_logprobs.filter(|top| *top > 0).map(i64::from),
            stream: stream.then_some(true),
            extra,
        };
        if reasoning_model {
            for (name, set) in
                [("temperature", request.temperature.take().is_some()), ("top_p", request.top_p.take().is_some())]
            {
                if set {
                    warnings.push(Warning::unsupported(name, Some("not supported by reasoning models".to_owned())));
                }
            }
        } else if request.reasoning.is_some() {
            warnings.push(Warning::unsupported(
                "reasoning",
                Some(format!("{} is not known to be a reasoning model; reasoning settings sent anyway", self.model_id)),
            ));
        }
        Ok((request, warnings))
    }
}

/// Maps a complete response's output to content, and says whether it holds function calls; the
/// log probabilities of the output text (when asked for) are added to `logprobs`.
fn map_output(output: Vec<api::OutputItem>, logprobs: &mut Vec<Value>) -> (Vec<Content>, bool) {
    let mut content = Vec::new();
    let mut has_function_calls = false;
    let mut source_count = 0;
    for item in output {
        if let Some((call, result)) = built_in_tool_call(&item) {
            content.push(Content::ToolCall(call));
            content.push(Content::ToolResult(result));
            continue;
        }
        match item {
            api::OutputItem::Message { id, content: parts, .. } => {
                for part in parts {
                    match part {
                        api::OutputMessageContent::OutputText { text, annotations, logprobs: tokens } => {
                            logprobs.extend(tokens.iter().filter_map(|token| serde_json::to_value(token).ok()));
                            content.push(Content::Text {
                                text,
                                provider_metadata: Some(openai_metadata(json!({"item_id": id}))),
                            });
                            for annotation in annotations {
                                if let Some(source) = annotation_source(annotation, format!("source-{source_count}")) {
                                    source_count += 1;
                                    content.push(Content::Source(source));
                                }
                            }
                        }
                        api::OutputMessageContent::Refusal { refusal } => content.push(Content::Text {
                            text: refusal,
                            provider_metadata: Some(openai_metadata(json!({"item_id": id, "refusal": true}))),
                        }),
                        api::OutputMessageContent::Unlisted => {}
                    }
                }
            }
            api::OutputItem::FunctionCall { id, call_id, name, arguments, .. } => {
                has_function_calls = true;
                let input = if arguments.trim().is_empty() { "{}".to_owned() } else { arguments };
                let metadata = id.map(|id| openai_metadata(json!({"item_id": id})));
                content.push(Content::ToolCall(ToolCall::new(call_id, name, input).with_provider_metadata(metadata)));
            }
            api::OutputItem::Reasoning { id, summary, encrypted_content, .. } => {
                let metadata = reasoning_metadata(&id, encrypted_content.as_deref());
                if summary.is_empty() {
                    content.push(Content::Reasoning { text: String::new(), provider_metadata: Some(metadata) });
                } else {
                    for part in summary {
                        content.push(Content::Reasoning { text: part.text, provider_metadata: Some(metadata.clone()) });
                    }
                }
            }
            _ => {}
        }
    }
    (content, has_function_calls)
}

/// The error of a failed response.
pub(crate) fn failed_response_error(error: Option<&api::ResponseError>, url: &str) -> Error {
    let detail = match error {
        Some(error) => OpenAiErrorDetail {
            message: error.message.clone(),
            error_type: None,
            param: None,
            code: Some(error.code.clone()),
        },
        None => OpenAiErrorDetail { message: "the response failed".to_owned(), ..Default::default() },
    };
    stream_error(detail, url)
}

#[async_trait]
impl LanguageModel for OpenAiResponsesLanguageModel {
    crate::provider::model_identity!(provider, model_id);

    fn supported_urls(&self) -> Vec<SupportedUrl> {
        vec![
            SupportedUrl::new("image/*", "https://"),
            SupportedUrl::new("image/*", "http://"),
            SupportedUrl::new("application/pdf", "https://"),
            SupportedUrl::new("application/pdf", "http://"),
        ]
    }

    async fn do_generate(&self, options: &CallOptions) -> Result<GenerateResponse> {
        let config = config_for_call(&self.config)?;
        let (request, warnings) = self.request_with_options(options, false)?;
        let response = config.post_json(&self.url, request, &options.headers, &options.extra).await?;
        let response = response.json::<api::Response>().await?;
        let body = response.value;
        if body.status == api::ResponseStatus::Failed {
            return Err(failed_response_error(body.error.as_ref(), &redact_url(self.url.as_str())));
        }
        let mut logprobs = Vec::new();
        let (content, has_function_calls) = map_output(body.output, &mut logprobs);
        let incomplete = incomplete_reason(body.incomplete_details.as_ref());
        let mut result = GenerateResponse::new(
            content,
            map_openai_responses_finish_reason(incomplete.as_deref(), has_function_calls),
            body.usage.as_ref().map(responses_usage).unwrap_or_default(),
        );
        result.raw_finish_reason = incomplete.or_else(|| Some(status_text(&body.status)));
        let mut metadata = json!({"response_id": body.id, "service_tier": body.service_tier});
        if !logprobs.is_empty() {
            metadata["logprobs"] = Value::Array(logprobs);
        }
        result.provider_metadata = Some(openai_metadata(metadata));
        result.request = RequestMetadata::sent(response.request_body.as_ref());
        let created = (body.created_at >= 0.0).then_some(body.created_at as i64);
        result.response = ResponseMetadata::new(Some(body.id), Some(body.model), timestamp(created)).with_headers(response.headers);
        result.warnings = warnings;
        Ok(result)
    }

    async fn do_stream(&self, options: &CallOptions) -> Result<StreamResponse> {
        let config = config_for_call(&self.config)?;
        let (request, warnings) = self.request_with_options(options, true)?;
        let mut response = config.post_json(&self.url, request, &options.headers, &options.extra).await?;
        let request = RequestMetadata::sent(response.request_body.as_ref());
        let headers = std::mem::take(&mut response.headers);
        let state = ResponsesStreamState::new(warnings, options.include_raw_chunks, response.url.clone());
        let stream = PartsStream::new(response.sse(), state);
        Ok(StreamResponse::new(Box::pin(stream), request, ResponseMetadata::default().with_headers(headers)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::{Message, ProviderOptions, ProviderDefinedTool, ToolDefinition};
    use crate::providers::openai::{OpenAiSettings, create_openai};

    fn body(model_id: &str, options: &CallOptions) -> (Value, Vec<Warning>) {
        let model = create_openai(OpenAiSettings::default().with_api_key("k")).responses(model_id);
        let provider_options: OpenAiOptions = options.provider_options.parse("openai").unwrap().unwrap_or_default();
        let (request, warnings) = model.request(options, &provider_options, false).unwrap();
        (serde_json::to_value(&request).unwrap(), warnings)
    }

    #[test]
    fn maps_options_for_a_reasoning_model_without_storage() {
        let mut options = CallOptions::new(vec![Message::system("s"), Message::user("hi")]);
        options.temperature = Some(1.0);
        options.max_output_tokens = Some(300);
        options.seed = Some(1);
        options.response_format = Some(ResponseFormat::Json {
            schema: Some(json!({"type": "object"})),
            name: Some("answer".into()),
            description: None,
        });
        options.tools = vec![ToolDefinition::ProviderDefined(ProviderDefinedTool::new(
            "openai.file_search",
            "file_search",
            json!({"vector_store_ids": ["vs_1"]}),
        ))];
        options.provider_options = ProviderOptions::new().with(
            "openai",
            json!({"store": false, "reasoning_effort": "low", "reasoning_summary": "auto", "previous_response_id": "resp_0"}),
        );
        let (request, warnings) = body("o4-mini", &options);
        assert_eq!(
            request,
            json!({
                "model": "o4-mini",
                "input": [
                    {"type": "message", "role": "developer", "content": "s"},
                    {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "hi"}]}
                ],
                "max_output_tokens": 300,
                "text": {"format": {"type": "json_schema", "name": "answer", "schema": {"type": "object", "required": [], "additionalProperties": false}, "strict": true}},
                "tools": [{"type": "file_search", "vector_store_ids": ["vs_1"]}],
                "store": false,
                "previous_response_id": "resp_0",
                "include": ["reasoning.encrypted_content"],
                "reasoning": {"effort": "low", "summary": "auto"}
            })
        );
        let features: Vec<String> = warnings
            .iter()
            .map(|warning| match warning {
                Warning::Unsupported { feature, .. } => feature.clone(),
                other => other.to_string(),
            })
            .collect();
        assert_eq!(features, ["seed", "temperature"]);
    }
}
