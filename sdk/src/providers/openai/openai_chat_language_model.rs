//! The chat-completions language model (`POST /chat/completions`), also the way to reach
//! OpenAI-compatible servers.
//!
//! Request and response bodies are the generated `CreateChatCompletionRequest` and
//! `CreateChatCompletionResponse`; the stream is decoded by `openai_stream.rs` into the generated
//! lean (borrowing) chunk types. Vendor extras such as `reasoning_content` are not read: the
//! OpenAI-compatible adapter handles vendors.

use std::collections::HashMap;

use async_trait::async_trait;
use serde_json::{Map, Value};
use specai_generated::openai::lean;
use specai_generated::openai::types as api;

use crate::error::{Error, Result};
use crate::provider::{
    CallOptions, Content, GenerateResponse, InputTokens, JsonBody, LanguageModel, OutputTokens, ProviderMetadata,
    ReasoningEffort, RequestMetadata, ResponseFormat, ResponseMetadata, Source, StreamResponse, SupportedUrl, ToolCall,
    Usage, Warning,
};
use crate::provider_utils::{ModelUrl, PartsStream, json_instruction};

use super::convert_to_openai_messages::convert_to_openai_messages;
use super::map_openai_finish_reason::map_openai_finish_reason;
use super::openai_options::{
    OPENAI_PROVIDER_ID, OpenAiOptions, supported_service_tier, ServiceTier, SystemMessageMode, TextVerbosity, is_reasoning_model,
};
use super::openai_prepare_tools::prepare_chat_tools;
use super::openai_stream::{ChatStreamState, logprobs_metadata, usage};
use super::{SharedConfig, config_for_call, timestamp};

/// A chat-completions model. Built by [`OpenAiProvider::chat`](super::OpenAiProvider::chat).
#[derive(Debug, Clone)]
pub struct OpenAiChatLanguageModel {
    model_id: String,
    provider: String,
    url: ModelUrl,
    config: SharedConfig,
}

impl OpenAiChatLanguageModel {
    pub(crate) fn new(model_id: String, config: SharedConfig) -> Self {
        let (provider, url) = match &config {
            Ok(config) => (config.provider_id("chat"), config.url("/chat/completions")),
            Err(_) => ("openai.chat".to_owned(), String::new()),
        };
        OpenAiChatLanguageModel { model_id, provider, url: ModelUrl::new(url), config }
    }
}

/// An `f32` option as the `f64` the generated types hold, without widening noise (0.7, not
/// 0.699999988079071).
pub(crate) fn widen(value: f32) -> f64 {
    value.to_string().parse().unwrap_or(f64::from(value))
}

pub(crate) fn api_reasoning_effort(effort: ReasoningEffort) -> api::ReasoningEffort {
    match effort {
        ReasoningEffort::None => api::ReasoningEffort::None,
        ReasoningEffort::Minimal => api::ReasoningEffort::Minimal,
        ReasoningEffort::Low => api::ReasoningEffort::Low,
        ReasoningEffort::Medium => api::ReasoningEffort::Medium,
        ReasoningEffort::High => api::ReasoningEffort::High,
        ReasoningEffort::ExtraHigh => api::ReasoningEffort::Xhigh,
        // A level newer than this SDK: the API's default.
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

fn api_verbosity(verbosity: TextVerbosity) -> api::CreateChatCompletionRequestVerbosity {
    match verbosity {
        TextVerbosity::Low => api::CreateChatCompletionRequestVerbosity::Low,
        TextVerbosity::Medium => api::CreateChatCompletionRequestVerbosity::Medium,
        TextVerbosity::High => api::CreateChatCompletionRequestVerbosity::High,
    }
}

/// Usage of a chat (or legacy) completion: cached input tokens are `cache_read`, reasoning
/// tokens are split from text tokens.
pub(crate) fn chat_usage(usage: &api::CompletionUsage) -> Usage {
    let known = |count: i64| u64::try_from(count).ok();
    let cached = usage.prompt_tokens_details.as_ref().and_then(|details| details.cached_tokens).and_then(known);
    let reasoning = usage.completion_tokens_details.as_ref().and_then(|details| details.reasoning_tokens).and_then(known);
    let input = known(usage.prompt_tokens);
    let output = known(usage.completion_tokens);
    Usage {
        input_tokens: InputTokens::with_cache_read(input, cached),
        output_tokens: OutputTokens::with_reasoning(output, reasoning),
        raw: JsonBody::from_serialize(usage),
    }
}

impl OpenAiChatLanguageModel {
    /// Maps the call options to a request body; the warnings list what was not sent.
    fn request(
        &self,
        options: &CallOptions,
        provider_options: &OpenAiOptions,
        stream: bool,
    ) -> Result<(api::CreateChatCompletionRequest, Vec<Warning>)> {
        let reasoning_model = is_reasoning_model(&self.model_id);
        let system_message_mode = provider_options.system_message_mode.unwrap_or(if reasoning_model {
            SystemMessageMode::Developer
        } else {
            SystemMessageMode::System
        });
        let (mut messages, mut warnings) = convert_to_openai_messages(&options.prompt, system_message_mode)?;
        if options.top_k.is_some() {
            warnings.push(Warning::unsupported("top_k", None));
        }
        for unsupported in ["previous_response_id", "instructions", "include", "reasoning_summary", "truncation"]
            .into_iter()
            .filter(|name| responses_only_option_set(provider_options, name))
        {
            warnings.push(Warning::unsupported(
                format!("provider_options.openai.{unsupported}"),
                Some("Responses API only".to_owned()),
            ));
        }
        let strict = provider_options.strict_json_schema.unwrap_or(true);
        let response_format = match &options.response_format {
            None | Some(ResponseFormat::Text) => None,
            Some(ResponseFormat::Json { schema: Some(schema), name, description })
                if provider_options.structured_outputs.unwrap_or(true) =>
            {
                // The generated union is adjacently tagged: `{"type": "json_schema", "json_schema": {..}}`.
                let Value::Object(schema) = schema else {
                    return Err(Error::invalid_argument("response_format.schema", "a JSON schema must be an object"));
                };
                Some(api::ChatResponseFormat::JsonSchema(api::JsonSchemaFormat {
                    name: name.clone().unwrap_or_else(|| "response".to_owned()),
                    description: description.clone(),
                    schema: schema.clone(),
                    strict: Some(strict),
                    extra: Map::new(),
                }))
            }
            Some(ResponseFormat::Json { schema, .. }) => {
                if let Some(schema) = schema {
                    // Without structured outputs (servers that only know json_object), the
                    // schema goes into the system message, as the AI SDK does.
                    inject_schema_instruction(&mut messages, schema);
                    warnings.push(Warning::compatibility(
                        "response_format.schema",
                        Some("structured_outputs is false: json_object with the schema in the system message".to_owned()),
                    ));
                }
                Some(api::ChatResponseFormat::JsonObject)
            }
        };
        let (tools, tool_choice) = prepare_chat_tools(&options.tools, options.tool_choice.as_ref(), &mut warnings);
        let top_logprobs = provider_options.logprobs.and_then(|logprobs| logprobs.top());
        let prediction = match &provider_options.prediction {
            Some(prediction) => Some(
                serde_json::from_value::<api::PredictionContent>(prediction.clone())
                    .map_err(|error| Error::invalid_argument("provider_options.openai.prediction", error.to_string()))?,
            ),
            None => None,
        };
        let mut request = api::CreateChatCompletionRequest {
            model: self.model_id.clone(),
            messages,
            max_tokens: options.max_output_tokens.map(i64::from),
            max_completion_tokens: provider_options.max_completion_tokens.map(i64::from),
            temperature: options.temperature.map(widen),
            top_p: options.top_p.map(widen),
            frequency_penalty: options.frequency_penalty.map(widen),
            presence_penalty: options.presence_penalty.map(widen),
            seed: options.seed.map(|seed| seed as i64),
            stop: (!options.stop_sequences.is_empty()).then(|| api::StopConfiguration::Array(options.stop_sequences.clone())),
            response_format,
            tools,
            tool_choice,
            parallel_tool_calls: provider_options.parallel_tool_calls,
            logit_bias: provider_options
                .logit_bias
                .as_ref()
                .map(|bias| bias.iter().map(|(token, bias)| (token.clone(), bias.round() as i64)).collect()),
            logprobs: top_logprobs.map(|_| true),
            top_logprobs: top_logprobs.filter(|top| *top > 0).map(i64::from),
            user: provider_options.user.clone(),
            reasoning_effort: provider_options.reasoning_effort.or(options.reasoning_effort).map(api_reasoning_effort),
            store: provider_options.store,
            metadata: provider_options
                .metadata
                .as_ref()
                .map(|metadata| api::Metadata(metadata.iter().map(|(key, value)| (key.clone(), value.clone())).collect::<HashMap<_, _>>())),
            prediction,
            service_tier: supported_service_tier(&self.model_id, provider_options.service_tier, &mut warnings).map(api_service_tier),
            verbosity: provider_options.text_verbosity.map(api_verbosity),
            prompt_cache_key: provider_options.prompt_cache_key.clone(),
            safety_identifier: provider_options.safety_identifier.clone(),
            modalities: None,
            n: None,
            stream: stream.then_some(true),
            stream_options: stream.then(|| api::ChatCompletionStreamOptions {
                include_usage: Some(true),
                include_obfuscation: None,
                extra: Map::new(),
            }),
            extra: Map::new(),
        };
        if reasoning_model {
            // Reasoning models reject sampling settings and take max_completion_tokens.
            for (name, set) in [
                ("temperature", request.temperature.take().is_some()),
                ("top_p", request.top_p.take().is_some()),
                ("frequency_penalty", request.frequency_penalty.take().is_some()),
                ("presence_penalty", request.presence_penalty.take().is_some()),
                ("logit_bias", request.logit_bias.take().is_some()),
                ("logprobs", request.logprobs.take().is_some()),
            ] {
                if set {
                    warnings.push(Warning::unsupported(name, Some("not supported by reasoning models".to_owned())));
                }
            }
            request.top_logprobs = None;
            if let Some(max_tokens) = request.max_tokens.take() {
                request.max_completion_tokens.get_or_insert(max_tokens);
            }
        } else if request.reasoning_effort.is_some() && options.reasoning_effort.is_some() {
            warnings.push(Warning::unsupported(
                "reasoning_effort",
                Some(format!("{} is not known to be a reasoning model; sent anyway", self.model_id)),
            ));
        }
        Ok((request, warnings))
    }
}

/// Appends the JSON instruction for `schema` to the leading system (or developer) message, or
/// adds a system message with it.
fn inject_schema_instruction(messages: &mut Vec<api::ChatCompletionRequestMessage>, schema: &Value) {
    match messages.first_mut() {
        Some(
            api::ChatCompletionRequestMessage::System { content, .. } | api::ChatCompletionRequestMessage::Developer { content, .. },
        ) => {
            let system = match content {
                api::TextContent::String(text) => text.clone(),
                api::TextContent::Array(parts) => parts.iter().map(|part| part.text.as_str()).collect::<Vec<_>>().join("\n"),
            };
            *content = api::TextContent::String(json_instruction(Some(&system), Some(schema)));
        }
        _ => messages.insert(
            0,
            api::ChatCompletionRequestMessage::System {
                content: api::TextContent::String(json_instruction(None, Some(schema))),
                name: None,
            },
        ),
    }
}

fn responses_only_option_set(options: &OpenAiOptions, name: &str) -> bool {
    match name {
        "previous_response_id" => options.previous_response_id.is_some(),
        "instructions" => options.instructions.is_some(),
        "include" => options.include.is_some(),
        "reasoning_summary" => options.reasoning_summary.is_some(),
        "truncation" => options.truncation.is_some(),
        _ => false,
    }
}

#[async_trait]
impl LanguageModel for OpenAiChatLanguageModel {
    fn provider(&self) -> &str {
        &self.provider
    }

    fn model_id(&self) -> &str {
        &self.model_id
    }

    fn supported_urls(&self) -> Vec<SupportedUrl> {
        vec![SupportedUrl::new("image/*", "https://"), SupportedUrl::new("image/*", "http://")]
    }

    async fn do_generate(&self, options: &CallOptions) -> Result<GenerateResponse> {
        let config = config_for_call(&self.config)?;
        let provider_options: OpenAiOptions = options.provider_options.parse(OPENAI_PROVIDER_ID)?.unwrap_or_default();
        let (request, warnings) = self.request(options, &provider_options, false)?;
        let mut response = config.post_json(&self.url, &request, &options.headers).await?.read().await?;
        // Decoded into the lean types: strings borrow from the body until they become content.
        let completion: lean::CreateChatCompletionResponse<'_> = response.decode()?;
        // The lean types accept any object: a body without a choice is not a completion.
        let Some(choice) = completion.choices.into_iter().next() else {
            return Err(Error::invalid_response(
                format!("the response of {} has no choices", response.url),
                Some(String::from_utf8_lossy(&response.body).into_owned()),
                None,
            ));
        };
        let mut content = Vec::new();
        let mut metadata = Map::new();
        let message = choice.message.unwrap_or_default();
        if let Some(text) = message.content.filter(|text| !text.is_empty()) {
            content.push(Content::text(text.0.into_owned()));
        }
        for (index, call) in message.tool_calls.into_iter().enumerate() {
            let function = call.function.unwrap_or_default();
            let arguments = function.arguments.map(|arguments| arguments.0.into_owned()).unwrap_or_default();
            content.push(Content::ToolCall(ToolCall {
                tool_call_id: match call.id {
                    Some(id) if !id.is_empty() => id.0.into_owned(),
                    _ => format!("call_{index}"),
                },
                tool_name: function.name.map(|name| name.0.into_owned()).unwrap_or_default(),
                input: if arguments.trim().is_empty() { "{}".to_owned() } else { arguments },
                provider_executed: false,
                provider_metadata: None,
            }));
        }
        for (index, annotation) in message.annotations.into_iter().enumerate() {
            let Some(citation) = annotation.url_citation else { continue };
            content.push(Content::Source(Source::Url {
                id: format!("source-{index}"),
                url: citation.url.map(|url| url.0.into_owned()).unwrap_or_default(),
                title: citation.title.filter(|title| !title.is_empty()).map(|title| title.0.into_owned()),
                provider_metadata: None,
            }));
        }
        if let Some(logprobs) = choice.logprobs.filter(|logprobs| !logprobs.content.is_empty()) {
            metadata.insert("logprobs".into(), Value::Array(logprobs_metadata(&logprobs).collect()));
        }
        let finish_reason = choice.finish_reason.map(|reason| reason.0.into_owned());
        let (usage, counts) = match completion.usage {
            // The usage object is shared with the response body as `Usage.raw`, not copied.
            Some(raw) => {
                let (usage, counts) = usage(raw, JsonBody::within(&response.body, raw.text()))?;
                (usage, Some(counts))
            }
            None => (Usage::default(), None),
        };
        if let Some(details) = counts.as_ref().and_then(|counts| counts.completion_tokens_details.as_ref()) {
            if let Some(accepted) = details.accepted_prediction_tokens {
                metadata.insert("accepted_prediction_tokens".into(), accepted.into());
            }
            if let Some(rejected) = details.rejected_prediction_tokens {
                metadata.insert("rejected_prediction_tokens".into(), rejected.into());
            }
        }
        if let Some(tier) = completion.service_tier {
            metadata.insert("service_tier".into(), Value::String(tier.0.into_owned()));
        }
        let mut result = GenerateResponse::new(
            content,
            map_openai_finish_reason(finish_reason.as_deref()),
            usage,
        );
        result.raw_finish_reason = finish_reason;
        result.provider_metadata =
            (!metadata.is_empty()).then(|| ProviderMetadata::new().with(OPENAI_PROVIDER_ID, Value::Object(metadata)));
        let id = completion.id.map(|id| id.0.into_owned());
        let model = completion.model.map(|model| model.0.into_owned());
        let created = completion.created;
        result.request = RequestMetadata::sent(response.request_body.as_ref());
        result.response = ResponseMetadata::new(id, model, timestamp(created)).with_headers(std::mem::take(&mut response.headers));
        result.warnings = warnings;
        Ok(result)
    }

    async fn do_stream(&self, options: &CallOptions) -> Result<StreamResponse> {
        let config = config_for_call(&self.config)?;
        let provider_options: OpenAiOptions = options.provider_options.parse(OPENAI_PROVIDER_ID)?.unwrap_or_default();
        let (request, warnings) = self.request(options, &provider_options, true)?;
        let mut response = config.post_json(&self.url, &request, &options.headers).await?;
        let request = RequestMetadata::sent(response.request_body.as_ref());
        let headers = std::mem::take(&mut response.headers);
        let state = ChatStreamState::new(warnings, options.include_raw_chunks, response.url.clone());
        let stream = PartsStream::new(response.sse(), state);
        Ok(StreamResponse::new(Box::pin(stream), request, ResponseMetadata::default().with_headers(headers)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::{Message, ProviderOptions, ReasoningEffort};
    use crate::providers::openai::{OpenAiSettings, create_openai};
    use serde_json::json;

    fn model(id: &str) -> OpenAiChatLanguageModel {
        create_openai(OpenAiSettings { api_key: Some("sk-test".into()), ..Default::default() }).chat(id)
    }

    fn body(model: &OpenAiChatLanguageModel, options: &CallOptions, stream: bool) -> (Value, Vec<Warning>) {
        let provider_options: OpenAiOptions = options.provider_options.parse("openai").unwrap().unwrap_or_default();
        let (request, warnings) = model.request(options, &provider_options, stream).unwrap();
        (serde_json::to_value(&request).unwrap(), warnings)
    }

    #[test]
    fn maps_call_options_and_provider_options() {
        let mut options = CallOptions::new(vec![Message::system("s"), Message::user("hi")]);
        options.max_output_tokens = Some(100);
        options.temperature = Some(0.5);
        options.stop_sequences = vec!["\n".into()];
        options.seed = Some(7);
        options.top_k = Some(3);
        options.response_format = Some(ResponseFormat::Json { schema: Some(json!({"type": "object"})), name: None, description: None });
        options.provider_options = ProviderOptions::new().with(
            "openai",
            json!({"user": "u1", "logprobs": 2, "store": true, "metadata": {"k": "v"}, "service_tier": "priority",
                   "prediction": {"type": "content", "content": "x"}, "parallel_tool_calls": false}),
        );
        let (request, warnings) = body(&model("gpt-4o-mini"), &options, true);
        assert_eq!(
            request,
            json!({
                "model": "gpt-4o-mini",
                "messages": [{"role": "system", "content": "s"}, {"role": "user", "content": "hi"}],
                "max_tokens": 100, "temperature": 0.5, "seed": 7, "stop": ["\n"],
                "response_format": {"type": "json_schema", "json_schema": {"name": "response", "schema": {"type": "object"}, "strict": true}},
                "parallel_tool_calls": false, "logprobs": true, "top_logprobs": 2, "user": "u1", "store": true,
                "metadata": {"k": "v"}, "prediction": {"type": "content", "content": "x"}, "service_tier": "priority",
                "stream": true, "stream_options": {"include_usage": true}
            })
        );
        assert_eq!(warnings, vec![Warning::unsupported("top_k", None)]);
    }

    #[test]
    fn reasoning_models_use_developer_messages_and_max_completion_tokens() {
        let mut options = CallOptions::new(vec![Message::system("s"), Message::user("hi")]);
        options.max_output_tokens = Some(1000);
        options.temperature = Some(0.2);
        options.reasoning_effort = Some(ReasoningEffort::High);
        let (request, warnings) = body(&model("o3-mini"), &options, false);
        assert_eq!(
            request,
            json!({
                "model": "o3-mini",
                "messages": [{"role": "developer", "content": "s"}, {"role": "user", "content": "hi"}],
                "max_completion_tokens": 1000, "reasoning_effort": "high"
            })
        );
        assert_eq!(warnings.len(), 1, "{warnings:?}");
    }

    #[test]
    fn without_structured_outputs_the_schema_goes_into_the_system_message() {
        let mut options = CallOptions::new(vec![Message::user("hi")]);
        options.response_format = Some(ResponseFormat::Json { schema: Some(json!({"type": "object"})), name: None, description: None });
        options.provider_options = ProviderOptions::new().with("openai", json!({"structured_outputs": false}));
        let (request, warnings) = body(&model("smollm2-chat"), &options, false);
        assert_eq!(request["response_format"], json!({"type": "json_object"}));
        assert_eq!(
            request["messages"][0],
            json!({"role": "system", "content": "JSON schema:\n{\"type\":\"object\"}\nYou MUST answer with a JSON object that matches the JSON schema above."})
        );
        assert!(matches!(warnings[..], [Warning::Compatibility { .. }]));
    }

    #[test]
    fn json_without_schema_is_json_object() {
        let mut options = CallOptions::new(vec![Message::user("hi")]);
        options.response_format = Some(ResponseFormat::Json { schema: None, name: None, description: None });
        let (request, _) = body(&model("gpt-4o"), &options, false);
        assert_eq!(request["response_format"], json!({"type": "json_object"}));
    }
}
