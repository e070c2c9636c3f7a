//! The chat-completions language model (`POST /chat/completions`) of OpenAI and of every
//! OpenAI-compatible vendor: one engine, shaped by the provider's mapping.
//!
//! A call builds the generated `CreateChatCompletionRequest` from the call options
//! (`openai_compatible_request.rs`), sends it, and decodes the answer into the generated lean
//! (borrowing) types; the stream is decoded by `openai_compatible_stream.rs`. Everything that
//! differs between vendors comes from the mapping (capabilities, per-model rules, request
//! shaping, reasoning fields, usage and metadata paths, error paths) or a named hook.

use async_trait::async_trait;
use serde_json::{Map, Value};
use specai_generated::openai_compatible::lean;

use crate::provider_utils::json_path::lookup;
use super::map_openai_compatible_finish_reason::map_openai_compatible_finish_reason;
use super::openai_compatible_stream::{ChatStreamState, StreamSetup, logprobs_metadata, reads_vendor_fields};
use super::openai_compatible_sources::new_sources;
use super::openai_compatible_usage::{CountedUsage, counted_usage, usage_from_value};
use super::{Config, ModelRules, SharedConfig, config_for_call, timestamp};
use crate::error::{Error, Result};
use crate::provider::{
    CallOptions, Content, GenerateResponse, JsonBody, LanguageModel, ProviderMetadata, RequestMetadata, ResponseMetadata, Source,
    StreamPart, StreamResponse, SupportedUrl, ToolCall, Warning,
};
use crate::provider_utils::{ApiResponse, ModelOperation, PartsStream, ReadResponse, api_call_error, generate_id, operation_body, replayed_stream};

/// A chat-completions model: OpenAI's ([`crate::openai::OpenAiProvider::chat`]) or an
/// OpenAI-compatible vendor's.
#[derive(Debug, Clone)]
pub struct OpenAiCompatibleChatLanguageModel {
    pub(super) model_id: String,
    provider: String,
    pub(super) config: SharedConfig,
    /// The chat operation, its URL built once unless the key travels in the query.
    chat: ModelOperation,
    /// What the mapping says about this model, read once (the model id does not change).
    rules: Option<ModelRules>,
}

impl OpenAiCompatibleChatLanguageModel {
    pub(crate) fn new(model_id: String, config: SharedConfig, name: &str) -> Self {
        let connection = config.as_deref().ok().map(|config| &**config);
        let chat = ModelOperation::new(connection, |operations| operations.chat.as_ref(), "chat", &model_id);
        let rules = config.as_ref().ok().map(|config| config.model_rules(&model_id));
        OpenAiCompatibleChatLanguageModel { model_id, provider: format!("{name}.chat"), config, chat, rules }
    }

    /// What the mapping says about this model.
    pub(super) fn rules(&self, config: &Config) -> ModelRules {
        self.rules.unwrap_or_else(|| config.model_rules(&self.model_id))
    }

    /// The request as it goes out (the typed body serialized with the call's extra members, and
    /// the headers) and the warnings. Built before anything is awaited, so that the call's
    /// future does not carry the typed body (close to a kilobyte) while the request is out.
    /// Serialized where it was built rather than handed to `post_operation`, which would move
    /// the body once more (about 100 instructions a request, measured).
    fn request(&self, config: &Config, options: &CallOptions, stream: bool) -> Result<(OutgoingRequest, Vec<Warning>)> {
        let (body, warnings) = self.prepare(config, options, stream)?;
        let outgoing = OutgoingRequest { body: operation_body(&body, &options.extra)?, headers: config.headers(&options.headers)? };
        Ok((outgoing, warnings))
    }

    fn post<'a>(&'a self, config: &'a Config, request: OutgoingRequest, options: &'a CallOptions) -> impl Future<Output = Result<ApiResponse>> + 'a {
        config.post_operation_text(&self.chat, &self.model_id, request.body, request.headers, &options.extra)
    }
}

/// A chat request ready to send.
struct OutgoingRequest {
    body: bytes::Bytes,
    headers: http::HeaderMap,
}

/// Whether the JSON view of a response is needed: the mapping's metadata paths, usage at a
/// vendor path, vendor reasoning fields, or a response or metadata hook read what the lean types
/// do not hold.
fn needs_value(config: &Config) -> bool {
    let mapping = &config.mapping;
    config.hooks.response.is_some()
        || config.hooks.metadata.is_some()
        || reads_vendor_fields(mapping.response_metadata, mapping.stream.usage_path.segments, &mapping.reasoning, mapping.sources)
}

/// A completion whose body holds an error (some servers answer errors with 200), or one
/// without a choice.
fn no_choice(config: &Config, response: &ReadResponse, value: Option<&Value>) -> Error {
    let parsed = value.cloned().or_else(|| serde_json::from_slice(&response.body).ok());
    let text = String::from_utf8_lossy(&response.body).into_owned();
    if let Some(value) = parsed
        && value.get("choices").is_none()
        && config.errors.parse_value(&value).is_some()
    {
        let error = api_call_error(200, response.url.clone(), response.headers.clone(), Some(text), &config.errors);
        return error.with_retryable(false).into();
    }
    Error::invalid_response(format!("the response of {} has no choices", response.url), Some(text), None)
}

fn reasoning_text(config: &Config, message: &lean::ChatCompletionResponseMessage<'_>, value: Option<&Value>) -> Option<String> {
    config.mapping.reasoning.fields.iter().find_map(|field| {
        let text = match *field {
            "reasoning_content" => message.reasoning_content.as_ref().map(|text| text.0.to_string()),
            "reasoning" => message.reasoning.as_ref().map(|text| text.0.to_string()),
            other => value.and_then(|value| lookup(value, &["choices", "0", "message", other])).and_then(Value::as_str).map(str::to_owned),
        };
        text.filter(|text| !text.is_empty())
    })
}

/// The content of the first choice's message.
fn message_content(config: &Config, message: lean::ChatCompletionResponseMessage<'_>, value: Option<&Value>) -> Vec<Content> {
    let mut content = Vec::new();
    if let Some(reasoning) = reasoning_text(config, &message, value) {
        content.push(Content::Reasoning { text: reasoning, provider_metadata: None });
    }
    if let Some(text) = message.content.filter(|text| !text.is_empty()) {
        content.push(Content::text(text.0.into_owned()));
    }
    for call in message.tool_calls {
        let function = call.function.unwrap_or_default();
        let arguments = function.arguments.map(|arguments| arguments.0.into_owned()).unwrap_or_default();
        // Unique, not `call_{index}`: the step loop keys calls by id across the conversation.
        let tool_call_id = match call.id {
            Some(id) if !id.is_empty() => id.0.into_owned(),
            _ => generate_id("call"),
        };
        let tool_name = function.name.map(|name| name.0.into_owned()).unwrap_or_default();
        let input = if arguments.trim().is_empty() { "{}".to_owned() } else { arguments };
        content.push(Content::ToolCall(ToolCall::new(tool_call_id, tool_name, input)));
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
    content
}

impl OpenAiCompatibleChatLanguageModel {
    /// Decodes a completion body (after the response hook, when the mapping has one).
    fn read_completion(&self, config: &Config, mut response: ReadResponse) -> Result<GenerateResponse> {
        // The body is kept as it arrived (vendor extras included) in the response metadata,
        // parsed only when read; a JSON view is built only for what the lean types do not hold.
        let raw_body = crate::provider::JsonBody::new(response.body.clone());
        let mut value = needs_value(config).then(|| response.decode::<Value>()).transpose()?;
        if let (Some(hook), Some(value)) = (config.hooks.response, value.as_mut()) {
            hook(value);
            let rewritten = serde_json::to_vec(value).map_err(|error| Error::invalid_response(error.to_string(), None, None))?;
            response.body = rewritten.into();
        }
        let body = response.body.clone();
        let completion: lean::CreateChatCompletionResponse<'_> = crate::provider_utils::decode_json(&body).map_err(|error| response.undecodable(error))?;
        let Some(choice) = completion.choices.into_iter().next() else {
            return Err(no_choice(config, &response, value.as_ref()));
        };
        let mut content = message_content(config, choice.message.unwrap_or_default(), value.as_ref());
        if let Some(value) = &value {
            let mut seen: std::collections::HashSet<String> = content
                .iter()
                .filter_map(|part| match part {
                    Content::Source(Source::Url { url, .. }) => Some(url.clone()),
                    _ => None,
                })
                .collect();
            content.extend(new_sources(value, config.mapping.sources, &mut seen).into_iter().map(Content::Source));
        }
        let mut metadata = Map::new();
        if let Some(logprobs) = choice.logprobs.filter(|logprobs| !logprobs.content.is_empty()) {
            metadata.insert("logprobs".into(), Value::Array(logprobs_metadata(&logprobs).collect()));
        }
        let vendor_usage = value
            .as_ref()
            .filter(|_| config.mapping.stream.usage_path.segments != ["usage"])
            .and_then(|value| lookup(value, config.mapping.stream.usage_path.segments))
            .filter(|usage| usage.is_object());
        let usage = match (vendor_usage, completion.usage.as_ref()) {
            (Some(usage), _) => usage_from_value(usage, &config.mapping.usage),
            // `Usage.raw` is the usage member of the body, found only if it is read.
            (None, Some(counts)) => counted_usage(counts, JsonBody::member_of(&body, "usage"), &config.mapping.usage, config.default_usage),
            (None, None) => CountedUsage::default(),
        };
        usage.metadata(&mut metadata);
        if let Some(tier) = completion.service_tier {
            metadata.insert("service_tier".into(), Value::String(tier.0.into_owned()));
        }
        if let Some(value) = &value {
            for path in config.mapping.response_metadata {
                if let Some(found) = lookup(value, path.path.segments) {
                    metadata.insert(path.key.to_owned(), found.clone());
                }
            }
            if let Some(hook) = config.hooks.metadata {
                hook(value, &mut metadata);
            }
        }
        let finish_reason = choice.finish_reason.map(|reason| reason.0.into_owned());
        let mut result = GenerateResponse::new(content, map_openai_compatible_finish_reason(finish_reason.as_deref()), usage.usage);
        result.raw_finish_reason = finish_reason;
        result.provider_metadata = (!metadata.is_empty()).then(|| ProviderMetadata::new().with(config.name.clone(), Value::Object(metadata)));
        let id = completion.id.map(|id| id.0.into_owned());
        let model = completion.model.map(|model| model.0.into_owned());
        result.request = RequestMetadata::sent(response.request_body.as_ref());
        result.response = ResponseMetadata::new(id, model, timestamp(completion.created))
            .with_headers(std::mem::take(&mut response.headers))
            .with_body(Some(raw_body));
        Ok(result)
    }
}

#[async_trait]
impl LanguageModel for OpenAiCompatibleChatLanguageModel {
    crate::provider::model_identity!(provider, model_id);

    fn supported_urls(&self) -> Vec<SupportedUrl> {
        match &self.config {
            Ok(config) if self.rules(config).capabilities.image_input => {
                vec![SupportedUrl::new("image/*", "https://"), SupportedUrl::new("image/*", "http://")]
            }
            _ => Vec::new(),
        }
    }

    async fn do_generate(&self, options: &CallOptions) -> Result<GenerateResponse> {
        let config = config_for_call(&self.config)?;
        let (request, warnings) = self.request(config, options, false)?;
        // Two statements: in one, the first answer's `Result` would stay in the future while
        // the body is read.
        let response = self.post(config, request, options).await?;
        let response = response.read().await?;
        let mut result = self.read_completion(config, response)?;
        result.warnings = warnings;
        Ok(result)
    }

    async fn do_stream(&self, options: &CallOptions) -> Result<StreamResponse> {
        let config = config_for_call(&self.config)?;
        if !self.rules(config).capabilities.streaming {
            let response = self.do_generate(options).await?;
            let not_streamed = Warning::compatibility("streaming", Some("the model does not stream; the whole answer was generated and replayed as parts".to_owned()));
            return Ok(replayed_stream(response, vec![not_streamed]));
        }
        let (request, warnings) = self.request(config, options, true)?;
        let mut response = self.post(config, request, options).await?;
        let request = RequestMetadata::sent(response.request_body.as_ref());
        let metadata = ResponseMetadata::default().with_headers(std::mem::take(&mut response.headers));
        let setup = StreamSetup::new(config, response.url.clone(), options.include_raw_chunks);
        let stream = PartsStream::starting_with(response.sse(), ChatStreamState::new(setup), StreamPart::StreamStart { warnings });
        Ok(StreamResponse::new(Box::pin(stream), request, metadata))
    }
}
