//! The chat-completions language model, shaped entirely by the provider's mapping: the general
//! engine for every OpenAI-compatible vendor.
//!
//! A call builds the generated `CreateChatCompletionRequest` from the call options, then applies
//! the mapping's request shaping (value maps, fields the vendor rejects, renames, model renames,
//! the request hook) to the JSON body only when the mapping has any; a vendor without quirks
//! gets the typed body serialized once.

use async_trait::async_trait;
use serde::Serialize;
use serde_json::{Map, Value};
use specai_generated::mappings::{Capabilities, StructuredOutputs};
use specai_generated::openai_compatible::types::{
    ChatCompletionStreamOptions, ChatResponseFormat, CreateChatCompletionRequest, CreateChatCompletionResponse, JsonSchemaFormat,
    ReasoningEffort, StopConfiguration,
};

use super::convert_to_openai_compatible_messages::convert_to_openai_compatible_messages;
use super::json_path::lookup;
use super::lenient_json::from_value_lenient;
use super::map_openai_compatible_finish_reason::map_openai_compatible_finish_reason;
use super::openai_compatible_options::{OpenAiCompatibleOptions, parse_options};
use super::openai_compatible_prepare_tools::prepare_tools;
use super::openai_compatible_stream::{ChatStreamState, StreamSetup, simulate_stream};
use super::openai_compatible_usage::usage_from_value;
use super::{Config, SharedConfig, config_for_call, timestamp};
use crate::error::{Error, Result};
use crate::provider::{
    CallOptions, Content, GenerateResponse, LanguageModel, Message, ProviderMetadata, RequestMetadata, ResponseFormat,
    ResponseMetadata, Source, StreamPart, StreamResponse, SupportedUrl, ToolCall, Warning,
};
use crate::provider_utils::{PartsStream, api_call_error, emulate_json_response_format};

/// A chat-completions model of an OpenAI-compatible provider.
#[derive(Debug, Clone)]
pub struct OpenAiCompatibleChatLanguageModel {
    model_id: String,
    provider: String,
    config: SharedConfig,
}

impl OpenAiCompatibleChatLanguageModel {
    pub(crate) fn new(model_id: String, config: SharedConfig, name: &str) -> Self {
        OpenAiCompatibleChatLanguageModel { model_id, provider: format!("{name}.chat"), config }
    }
}

/// The body sent: the typed request, or its JSON after the mapping reshaped it.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub(crate) enum RequestBody<T> {
    Typed(T),
    Json(Map<String, Value>),
}

/// Applies the mapping's request shaping: value maps, dropped fields (with a warning each),
/// renames (the provider's, then the model's), then the request hook. Untouched when there is
/// nothing to apply.
pub(crate) fn shape_request<T: Serialize>(
    config: &Config,
    request: T,
    model_renames: &[(&str, &str)],
    warnings: &mut Vec<Warning>,
) -> Result<RequestBody<T>> {
    let shaping = &config.mapping.request;
    if shaping.value_maps.is_empty()
        && shaping.unsupported_fields.is_empty()
        && shaping.renames.is_empty()
        && model_renames.is_empty()
        && config.hooks.request.is_none()
    {
        return Ok(RequestBody::Typed(request));
    }
    let Value::Object(mut body) = serde_json::to_value(&request).map_err(|error| Error::invalid_argument("request body", error.to_string()))? else {
        return Err(Error::invalid_argument("request body", "not a JSON object"));
    };
    for map in shaping.value_maps {
        if let Some(Value::String(value)) = body.get_mut(map.field)
            && let Some((_, to)) = map.values.iter().find(|(from, _)| from == value)
        {
            *value = (*to).to_owned();
        }
    }
    for field in shaping.unsupported_fields {
        if body.remove(*field).is_some() {
            warnings.push(Warning::unsupported(*field, Some(format!("{} does not accept `{field}`; it was not sent", config.mapping.display_name))));
        }
    }
    for (from, to) in shaping.renames.iter().chain(model_renames) {
        if let Some(value) = body.remove(*from) {
            body.insert((*to).to_owned(), value);
        }
    }
    if let Some(hook) = config.hooks.request {
        hook(&mut body);
    }
    Ok(RequestBody::Json(body))
}

/// The `reasoning_effort` to send: the provider option as spelt, else the call option.
pub(crate) fn reasoning_effort(options: &CallOptions, provider_options: &OpenAiCompatibleOptions) -> Option<ReasoningEffort> {
    let text = provider_options.reasoning_effort.clone().or_else(|| options.reasoning_effort.map(|effort| effort.as_str().to_owned()))?;
    Some(text.parse().unwrap_or(ReasoningEffort::Unlisted(text)))
}

impl OpenAiCompatibleChatLanguageModel {
    fn capabilities(&self, config: &Config) -> (Capabilities, &'static [(&'static str, &'static str)]) {
        config.capabilities_for(&self.model_id)
    }

    /// Maps the call options to a request body; the warnings list what was not sent as asked.
    fn prepare(&self, config: &Config, options: &CallOptions, stream: bool) -> Result<(RequestBody<CreateChatCompletionRequest>, Vec<Warning>)> {
        let (capabilities, model_renames) = self.capabilities(config);
        let mut warnings = Vec::new();
        let provider_options: OpenAiCompatibleOptions = parse_options(&options.provider_options, &config.name)?;
        if !options.tools.is_empty() && !capabilities.tools {
            return Err(Error::unsupported(
                "tools",
                Some(format!("{} model `{}` does not take tools (per its mapping)", config.mapping.display_name, self.model_id)),
            ));
        }

        let mut prompt: Option<Vec<Message>> = None;
        let mut response_format = None;
        if let Some(ResponseFormat::Json { schema, name, description }) = &options.response_format {
            match (capabilities.structured_outputs, schema) {
                (StructuredOutputs::JsonSchema, Some(schema)) => {
                    response_format = Some(ChatResponseFormat::JsonSchema(JsonSchemaFormat {
                        name: name.clone().unwrap_or_else(|| "response".to_owned()),
                        description: description.clone(),
                        schema: schema.as_object().cloned().unwrap_or_default(),
                        strict: provider_options.strict_json_schema,
                        ..Default::default()
                    }));
                }
                (StructuredOutputs::JsonSchema, None) => response_format = Some(ChatResponseFormat::JsonObject),
                (StructuredOutputs::JsonObject, _) => {
                    if schema.is_some() {
                        let mut emulated = options.prompt.clone();
                        warnings.extend(emulate_json_response_format(&mut emulated, options.response_format.as_ref()));
                        prompt = Some(emulated);
                    }
                    response_format = Some(ChatResponseFormat::JsonObject);
                }
                (StructuredOutputs::None, _) => {
                    let mut emulated = options.prompt.clone();
                    warnings.extend(emulate_json_response_format(&mut emulated, options.response_format.as_ref()));
                    prompt = Some(emulated);
                }
            }
        }

        let reasoning = &config.mapping.reasoning;
        let send_reasoning = !reasoning.strip_from_history && reasoning.fields.contains(&"reasoning_content");
        let messages = convert_to_openai_compatible_messages(prompt.as_deref().unwrap_or(&options.prompt), &capabilities, send_reasoning, &mut warnings)?;
        let (tools, tool_choice) = prepare_tools(&options.tools, options.tool_choice.as_ref(), &mut warnings);
        let parallel_tool_calls = match provider_options.parallel_tool_calls {
            Some(_) if !capabilities.parallel_tool_calls => {
                warnings.push(Warning::unsupported("parallel_tool_calls", Some(format!("not accepted by {}", config.mapping.display_name))));
                None
            }
            other => other,
        };
        let request = CreateChatCompletionRequest {
            model: self.model_id.clone(),
            messages,
            max_tokens: options.max_output_tokens.map(i64::from),
            temperature: options.temperature.map(f64::from),
            top_p: options.top_p.map(f64::from),
            top_k: options.top_k.map(i64::from),
            frequency_penalty: options.frequency_penalty.map(f64::from),
            presence_penalty: options.presence_penalty.map(f64::from),
            seed: options.seed.and_then(|seed| i64::try_from(seed).ok()),
            stop: (!options.stop_sequences.is_empty()).then(|| StopConfiguration::Array(options.stop_sequences.clone())),
            response_format,
            tools,
            tool_choice,
            parallel_tool_calls,
            reasoning_effort: reasoning_effort(options, &provider_options),
            user: provider_options.user.clone(),
            stream: stream.then_some(true),
            stream_options: (stream && config.mapping.request.stream_include_usage)
                .then(|| ChatCompletionStreamOptions { include_usage: Some(true), ..Default::default() }),
            extra: provider_options.extra,
            ..Default::default()
        };
        Ok((shape_request(config, request, model_renames, &mut warnings)?, warnings))
    }

    fn url(&self, config: &Config) -> Result<String> {
        let operation = config.mapping.operations.chat.as_ref().ok_or_else(|| {
            Error::unsupported("chat", Some(format!("{} has no chat operation in its mapping", config.mapping.display_name)))
        })?;
        config.url(operation, &self.model_id)
    }

    fn reasoning_text(config: &Config, message: &mut specai_generated::openai_compatible::types::ChatCompletionResponseMessage) -> Option<String> {
        config.mapping.reasoning.fields.iter().find_map(|field| {
            let text = match *field {
                "reasoning_content" => message.reasoning_content.take(),
                "reasoning" => message.reasoning.take(),
                other => match message.extra.remove(other) {
                    Some(Value::String(text)) => Some(text),
                    _ => None,
                },
            };
            text.filter(|text| !text.is_empty())
        })
    }
}

#[async_trait]
impl LanguageModel for OpenAiCompatibleChatLanguageModel {
    fn provider(&self) -> &str {
        &self.provider
    }

    fn model_id(&self) -> &str {
        &self.model_id
    }

    fn supported_urls(&self) -> Vec<SupportedUrl> {
        match &self.config {
            Ok(config) if self.capabilities(config).0.image_input => vec![SupportedUrl::new("image/*", "https://")],
            _ => Vec::new(),
        }
    }

    async fn do_generate(&self, options: &CallOptions) -> Result<GenerateResponse> {
        let config = config_for_call(&self.config)?;
        let (body, warnings) = self.prepare(config, options, false)?;
        let url = self.url(config)?;
        let response = config.post_json(&url, &body, &options.headers).await?.read().await?;
        let request = RequestMetadata::sent(response.request_body.as_ref());
        let mut raw: Value = response.decode()?;
        if let Some(hook) = config.hooks.response {
            hook(&mut raw);
        }
        let completion = match from_value_lenient::<CreateChatCompletionResponse>(&raw) {
            Ok(completion) => completion,
            Err(error) => {
                // A 200 carrying an error body (some servers do this).
                let text = String::from_utf8_lossy(&response.body).into_owned();
                if raw.get("choices").is_none() && config.errors.parse_value(&raw).is_some() {
                    let error = api_call_error(200, response.url, response.headers, Some(text), &config.errors);
                    return Err(error.with_retryable(false).into());
                }
                return Err(Error::invalid_response(
                    format!("unexpected chat completion from {}: {error}", response.url),
                    Some(text),
                    Some(std::sync::Arc::new(error)),
                ));
            }
        };

        let mut content = Vec::new();
        let mut raw_finish_reason = None;
        if let Some(mut choice) = completion.choices.into_iter().next() {
            raw_finish_reason = choice.finish_reason.as_ref().map(ToString::to_string);
            if let Some(reasoning) = Self::reasoning_text(config, &mut choice.message) {
                content.push(Content::Reasoning { text: reasoning, provider_metadata: None });
            }
            if let Some(text) = choice.message.content.take().filter(|text| !text.is_empty()) {
                content.push(Content::Text { text, provider_metadata: None });
            }
            for (index, call) in choice.message.tool_calls.into_iter().enumerate() {
                content.push(Content::ToolCall(ToolCall {
                    tool_call_id: call.id.filter(|id| !id.is_empty()).unwrap_or_else(|| format!("call_{index}")),
                    tool_name: call.function.name,
                    input: call.function.arguments.filter(|arguments| !arguments.trim().is_empty()).unwrap_or_else(|| "{}".to_owned()),
                    provider_executed: false,
                    provider_metadata: None,
                }));
            }
            for (index, annotation) in choice.message.annotations.into_iter().enumerate() {
                content.push(Content::Source(Source::Url {
                    id: format!("source-{index}"),
                    url: annotation.url_citation.url,
                    title: Some(annotation.url_citation.title),
                    provider_metadata: None,
                }));
            }
        }
        let usage_value = raw
            .get("usage")
            .filter(|usage| usage.is_object())
            .or_else(|| lookup(&raw, config.mapping.stream.usage_path.segments).filter(|usage| usage.is_object()));
        let usage = usage_value.map(|usage| usage_from_value(usage.clone(), &config.mapping.usage)).unwrap_or_default();
        let mut metadata = Map::new();
        for path in config.mapping.response_metadata {
            if let Some(found) = lookup(&raw, path.path.segments) {
                metadata.insert(path.key.to_owned(), found.clone());
            }
        }
        let mut result = GenerateResponse::new(content, map_openai_compatible_finish_reason(raw_finish_reason.as_deref()), usage);
        result.raw_finish_reason = raw_finish_reason;
        result.provider_metadata = (!metadata.is_empty()).then(|| ProviderMetadata::new().with(config.name.clone(), Value::Object(metadata)));
        result.request = request;
        result.response = ResponseMetadata::new(completion.id, completion.model, timestamp(completion.created))
            .with_headers(response.headers)
            .with_body(Some(raw));
        result.warnings = warnings;
        Ok(result)
    }

    async fn do_stream(&self, options: &CallOptions) -> Result<StreamResponse> {
        let config = config_for_call(&self.config)?;
        if !self.capabilities(config).0.streaming {
            let response = self.do_generate(options).await?;
            let (request, metadata) = (response.request.clone(), response.response.clone());
            let parts = simulate_stream(response, Vec::new());
            return Ok(StreamResponse::new(Box::pin(futures::stream::iter(parts)), request, metadata));
        }
        let (body, warnings) = self.prepare(config, options, true)?;
        let url = self.url(config)?;
        let response = config.post_json(&url, &body, &options.headers).await?;
        let request = RequestMetadata::sent(response.request_body.as_ref());
        let metadata = ResponseMetadata::default().with_headers(response.headers.clone());
        let setup = StreamSetup {
            provider_name: config.name.clone(),
            url: response.url.clone(),
            include_raw_chunks: options.include_raw_chunks,
            usage_path: config.mapping.stream.usage_path.segments,
            usage: config.mapping.usage,
            reasoning: config.mapping.reasoning,
            metadata_paths: config.mapping.response_metadata,
            errors: config.errors,
            chunk_hook: config.hooks.stream_chunk,
        };
        let stream = PartsStream::starting_with(response.sse(), ChatStreamState::new(setup), StreamPart::StreamStart { warnings });
        Ok(StreamResponse::new(Box::pin(stream), request, metadata))
    }
}
