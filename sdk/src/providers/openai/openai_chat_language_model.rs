//! The chat-completions language model (`POST /chat/completions`), also the way to reach
//! OpenAI-compatible servers.

use std::collections::BTreeMap;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::Result;
use crate::provider_utils::json_instruction;
use crate::provider::{
    CallOptions, Content, GenerateResponse, LanguageModel, ProviderMetadata, ResponseFormat, ResponseMetadata, Source,
    StreamResponse, SupportedUrl, ToolCall, Warning,
};

use super::convert_to_openai_messages::{ChatMessage, convert_to_openai_messages};
use super::map_openai_finish_reason::map_openai_finish_reason;
use super::openai_options::{
    OPENAI_PROVIDER_ID, OpenAiOptions, ServiceTier, SystemMessageMode, TextVerbosity, is_reasoning_model,
};
use super::openai_prepare_tools::{ChatTool, ChatToolChoice, prepare_chat_tools};
use super::openai_stream::{ChatStreamState, ChatUsage, PartsStream};
use super::{SharedConfig, config_for_call, request_metadata, timestamp};

/// A chat-completions model. Built by [`OpenAiProvider::chat`](super::OpenAiProvider::chat).
#[derive(Debug, Clone)]
pub struct OpenAiChatLanguageModel {
    model_id: String,
    provider: String,
    url: String,
    config: SharedConfig,
}

impl OpenAiChatLanguageModel {
    pub(crate) fn new(model_id: String, config: SharedConfig) -> Self {
        let (provider, url) = match &config {
            Ok(config) => (config.provider_id("chat"), config.url("/chat/completions")),
            Err(_) => ("openai.chat".to_owned(), String::new()),
        };
        OpenAiChatLanguageModel { model_id, provider, url, config }
    }
}

/// The request body (the spec's `CreateChatCompletionRequest`), borrowing from the call options.
#[derive(Debug, Serialize)]
pub(crate) struct ChatRequest<'a> {
    model: &'a str,
    messages: Vec<ChatMessage<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_tokens: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_completion_tokens: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    temperature: Option<f32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    top_p: Option<f32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    frequency_penalty: Option<f32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    presence_penalty: Option<f32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    seed: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    stop: Option<&'a [String]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    response_format: Option<ChatResponseFormat<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tools: Option<Vec<ChatTool<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tool_choice: Option<ChatToolChoice<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    parallel_tool_calls: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    logit_bias: Option<&'a BTreeMap<String, f64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    logprobs: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    top_logprobs: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    user: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reasoning_effort: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    store: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    metadata: Option<&'a BTreeMap<String, String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    prediction: Option<&'a Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    service_tier: Option<ServiceTier>,
    #[serde(skip_serializing_if = "Option::is_none")]
    verbosity: Option<TextVerbosity>,
    #[serde(skip_serializing_if = "Option::is_none")]
    prompt_cache_key: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    safety_identifier: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    stream: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    stream_options: Option<StreamOptions>,
}

#[derive(Debug, Serialize)]
struct StreamOptions {
    include_usage: bool,
}

/// `response_format` of chat completions (and of OpenAI-compatible servers).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub(crate) enum ChatResponseFormat<'a> {
    JsonObject,
    JsonSchema { json_schema: JsonSchemaFormat<'a> },
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct JsonSchemaFormat<'a> {
    pub name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<&'a str>,
    pub schema: &'a Value,
    pub strict: bool,
}

/// A chat completion (the spec's `CreateChatCompletionResponse`), lenient about absent and
/// `null` fields as compatible servers send them.
#[derive(Debug, Deserialize)]
struct ChatCompletion {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    model: Option<String>,
    #[serde(default)]
    created: Option<i64>,
    #[serde(default)]
    choices: Vec<ChatChoice>,
    #[serde(default)]
    usage: Option<ChatUsage>,
    #[serde(default)]
    service_tier: Option<String>,
}

#[derive(Debug, Deserialize)]
struct ChatChoice {
    message: ChatResponseMessage,
    #[serde(default)]
    finish_reason: Option<String>,
    #[serde(default)]
    logprobs: Option<ChoiceLogprobs>,
}

#[derive(Debug, Deserialize)]
struct ChoiceLogprobs {
    #[serde(default)]
    content: Option<Vec<Value>>,
}

#[derive(Debug, Deserialize)]
struct ChatResponseMessage {
    #[serde(default)]
    content: Option<String>,
    #[serde(default, alias = "reasoning")]
    reasoning_content: Option<String>,
    #[serde(default)]
    tool_calls: Option<Vec<ResponseToolCall>>,
    #[serde(default)]
    annotations: Option<Vec<Annotation>>,
}

#[derive(Debug, Deserialize)]
struct ResponseToolCall {
    #[serde(default)]
    id: Option<String>,
    function: ResponseFunction,
}

#[derive(Debug, Deserialize)]
struct ResponseFunction {
    name: String,
    #[serde(default)]
    arguments: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Annotation {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    url_citation: Option<UrlCitation>,
}

#[derive(Debug, Deserialize)]
struct UrlCitation {
    url: String,
    #[serde(default)]
    title: Option<String>,
}

impl OpenAiChatLanguageModel {
    /// Maps the call options to a request body; the warnings list what was not sent.
    fn request<'a>(
        &'a self,
        options: &'a CallOptions,
        provider_options: &'a OpenAiOptions,
        stream: bool,
    ) -> Result<(ChatRequest<'a>, Vec<Warning>)> {
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
                Some(ChatResponseFormat::JsonSchema {
                    json_schema: JsonSchemaFormat {
                        name: name.as_deref().unwrap_or("response"),
                        description: description.as_deref(),
                        schema,
                        strict,
                    },
                })
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
                Some(ChatResponseFormat::JsonObject)
            }
        };
        let (tools, tool_choice) = prepare_chat_tools(&options.tools, options.tool_choice.as_ref(), &mut warnings);
        let top_logprobs = provider_options.logprobs.and_then(|logprobs| logprobs.top());
        let mut request = ChatRequest {
            model: &self.model_id,
            messages,
            max_tokens: options.max_output_tokens,
            max_completion_tokens: provider_options.max_completion_tokens,
            temperature: options.temperature,
            top_p: options.top_p,
            frequency_penalty: options.frequency_penalty,
            presence_penalty: options.presence_penalty,
            seed: options.seed,
            stop: (!options.stop_sequences.is_empty()).then_some(options.stop_sequences.as_slice()),
            response_format,
            tools,
            tool_choice,
            parallel_tool_calls: provider_options.parallel_tool_calls,
            logit_bias: provider_options.logit_bias.as_ref(),
            logprobs: top_logprobs.map(|_| true),
            top_logprobs: top_logprobs.filter(|top| *top > 0),
            user: provider_options.user.as_deref(),
            reasoning_effort: provider_options.reasoning_effort.or(options.reasoning_effort).map(|effort| effort.as_str()),
            store: provider_options.store,
            metadata: provider_options.metadata.as_ref(),
            prediction: provider_options.prediction.as_ref(),
            service_tier: provider_options.service_tier,
            verbosity: provider_options.text_verbosity,
            prompt_cache_key: provider_options.prompt_cache_key.as_deref(),
            safety_identifier: provider_options.safety_identifier.as_deref(),
            stream: stream.then_some(true),
            stream_options: stream.then_some(StreamOptions { include_usage: true }),
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
fn inject_schema_instruction(messages: &mut Vec<ChatMessage<'_>>, schema: &Value) {
    match messages.first_mut() {
        Some(ChatMessage::System { content } | ChatMessage::Developer { content }) => {
            *content = std::borrow::Cow::Owned(json_instruction(Some(content), Some(schema)));
        }
        _ => messages.insert(0, ChatMessage::System { content: std::borrow::Cow::Owned(json_instruction(None, Some(schema))) }),
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
        let response = config.post_json(&self.url, &request, &options.headers).await?;
        let response = response.json::<ChatCompletion>().await?;
        let completion = response.value;
        let mut content = Vec::new();
        let mut finish_reason = None;
        let mut metadata = serde_json::Map::new();
        if let Some(choice) = completion.choices.into_iter().next() {
            let message = choice.message;
            if let Some(reasoning) = message.reasoning_content.filter(|text| !text.is_empty()) {
                content.push(Content::Reasoning { text: reasoning, provider_metadata: None });
            }
            if let Some(text) = message.content.filter(|text| !text.is_empty()) {
                content.push(Content::text(text));
            }
            for (index, call) in message.tool_calls.into_iter().flatten().enumerate() {
                content.push(Content::ToolCall(ToolCall {
                    tool_call_id: call.id.filter(|id| !id.is_empty()).unwrap_or_else(|| format!("call_{index}")),
                    tool_name: call.function.name,
                    input: call.function.arguments.filter(|arguments| !arguments.trim().is_empty()).unwrap_or_else(|| "{}".to_owned()),
                    provider_executed: false,
                    provider_metadata: None,
                }));
            }
            for (index, annotation) in message.annotations.into_iter().flatten().enumerate() {
                if let (true, Some(citation)) = (annotation.kind == "url_citation", annotation.url_citation) {
                    content.push(Content::Source(Source::Url {
                        id: format!("source-{index}"),
                        url: citation.url,
                        title: citation.title,
                        provider_metadata: None,
                    }));
                }
            }
            if let Some(logprobs) = choice.logprobs.and_then(|logprobs| logprobs.content) {
                metadata.insert("logprobs".into(), Value::Array(logprobs));
            }
            finish_reason = choice.finish_reason;
        }
        if let Some(usage) = &completion.usage {
            usage.prediction_metadata(&mut metadata);
        }
        if let Some(tier) = completion.service_tier {
            metadata.insert("service_tier".into(), Value::String(tier));
        }
        let mut result = GenerateResponse::new(
            content,
            map_openai_finish_reason(finish_reason.as_deref()),
            completion.usage.as_ref().map(ChatUsage::to_usage).unwrap_or_default(),
        );
        result.raw_finish_reason = finish_reason;
        result.provider_metadata =
            (!metadata.is_empty()).then(|| ProviderMetadata::new().with(OPENAI_PROVIDER_ID, Value::Object(metadata)));
        result.request = request_metadata(response.request_body.as_ref());
        result.response = ResponseMetadata::new(completion.id, completion.model, timestamp(completion.created))
            .with_headers(response.headers);
        result.warnings = warnings;
        Ok(result)
    }

    async fn do_stream(&self, options: &CallOptions) -> Result<StreamResponse> {
        let config = config_for_call(&self.config)?;
        let provider_options: OpenAiOptions = options.provider_options.parse(OPENAI_PROVIDER_ID)?.unwrap_or_default();
        let (request, warnings) = self.request(options, &provider_options, true)?;
        let mut response = config.post_json(&self.url, &request, &options.headers).await?;
        let request = request_metadata(response.request_body.as_ref());
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
