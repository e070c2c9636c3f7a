//! The Responses API language model (`POST /responses`), what [`openai`](super::openai) returns.
//!
//! Output items map to content in order: `message` text (with its citations as sources),
//! `reasoning` summaries (one reasoning block per summary part, carrying the item id and the
//! encrypted reasoning in provider metadata so they can be sent back), `function_call`s, and the
//! built-in tools' calls (web search, file search, code interpreter) as provider-executed tool
//! calls with their results.

use std::borrow::Cow;
use std::collections::BTreeMap;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::error::{Error, Result};
use crate::provider::{
    CallOptions, Content, GenerateResponse, InputTokens, LanguageModel, OutputTokens, ProviderMetadata, ResponseFormat,
    ResponseMetadata, Source, StreamResponse, SupportedUrl, ToolCall, ToolResult, Usage, Warning,
};

use super::convert_to_openai_responses_input::{InputItem, convert_to_openai_responses_input};
use super::map_openai_finish_reason::map_openai_responses_finish_reason;
use super::openai_error::{OpenAiErrorDetail, stream_error};
use super::openai_options::{
    OPENAI_PROVIDER_ID, OpenAiOptions, ServiceTier, SystemMessageMode, TextVerbosity, is_reasoning_model,
};
use super::openai_prepare_tools::{ResponsesTool, ResponsesToolChoice, prepare_responses_tools};
use super::openai_responses_stream::ResponsesStreamState;
use super::openai_stream::PartsStream;
use super::{SharedConfig, config_for_call, request_metadata, timestamp};

/// A Responses API model. Built by [`openai`](super::openai) or
/// [`OpenAiProvider::responses`](super::OpenAiProvider::responses).
#[derive(Debug, Clone)]
pub struct OpenAiResponsesLanguageModel {
    model_id: String,
    provider: String,
    url: String,
    config: SharedConfig,
}

impl OpenAiResponsesLanguageModel {
    pub(crate) fn new(model_id: String, config: SharedConfig) -> Self {
        let (provider, url) = match &config {
            Ok(config) => (config.provider_id("responses"), config.url("/responses")),
            Err(_) => ("openai.responses".to_owned(), String::new()),
        };
        OpenAiResponsesLanguageModel { model_id, provider, url, config }
    }
}

/// The request body (the spec's `CreateResponse`), borrowing from the call options.
#[derive(Debug, Serialize)]
struct ResponsesRequest<'a> {
    model: &'a str,
    input: Vec<InputItem<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    temperature: Option<f32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    top_p: Option<f32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_output_tokens: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<TextConfig<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tools: Option<Vec<ResponsesTool<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tool_choice: Option<ResponsesToolChoice<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    parallel_tool_calls: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    store: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    metadata: Option<&'a BTreeMap<String, String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    previous_response_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    instructions: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    user: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    service_tier: Option<ServiceTier>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    include: Vec<Cow<'a, str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    prompt_cache_key: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    safety_identifier: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    truncation: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_tool_calls: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    conversation: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reasoning: Option<ReasoningConfig<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    top_logprobs: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    stream: Option<bool>,
}

#[derive(Debug, Serialize)]
struct TextConfig<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    format: Option<TextFormat<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    verbosity: Option<TextVerbosity>,
}

#[derive(Debug, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum TextFormat<'a> {
    JsonObject,
    JsonSchema {
        name: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        description: Option<&'a str>,
        schema: &'a Value,
        strict: bool,
    },
}

#[derive(Debug, Serialize)]
struct ReasoningConfig<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    effort: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    summary: Option<&'a str>,
}

/// A response object (the spec's `Response`), as returned by `POST /responses` and inside the
/// `response.*` stream events.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ResponseObject {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub model: Option<String>,
    #[serde(default)]
    pub created_at: Option<i64>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub error: Option<OpenAiErrorDetail>,
    #[serde(default)]
    pub incomplete_details: Option<IncompleteDetails>,
    #[serde(default)]
    pub output: Vec<OutputItem>,
    #[serde(default)]
    pub usage: Option<ResponsesUsage>,
    #[serde(default)]
    pub service_tier: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct IncompleteDetails {
    #[serde(default)]
    pub reason: Option<String>,
}

/// An output item (the spec's `OutputItem` union), keeping the kinds specai maps.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub(crate) enum OutputItem {
    Message {
        id: String,
        #[serde(default)]
        content: Vec<OutputContent>,
    },
    FunctionCall {
        #[serde(default)]
        id: Option<String>,
        call_id: String,
        name: String,
        #[serde(default)]
        arguments: String,
    },
    Reasoning {
        id: String,
        #[serde(default)]
        summary: Vec<SummaryPart>,
        #[serde(default)]
        encrypted_content: Option<String>,
    },
    WebSearchCall {
        id: String,
        #[serde(default)]
        status: Option<String>,
        #[serde(default)]
        action: Option<Value>,
    },
    FileSearchCall {
        id: String,
        #[serde(default)]
        status: Option<String>,
        #[serde(default)]
        queries: Option<Value>,
        #[serde(default)]
        results: Option<Value>,
    },
    CodeInterpreterCall {
        id: String,
        #[serde(default)]
        status: Option<String>,
        #[serde(default)]
        code: Option<String>,
        #[serde(default)]
        container_id: Option<String>,
        #[serde(default)]
        outputs: Option<Value>,
    },
    #[serde(other)]
    Other,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub(crate) enum OutputContent {
    OutputText {
        text: String,
        #[serde(default)]
        annotations: Vec<Annotation>,
    },
    Refusal {
        refusal: String,
    },
    #[serde(other)]
    Other,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct SummaryPart {
    #[serde(default)]
    pub text: String,
}

/// A citation inside output text.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub(crate) enum Annotation {
    UrlCitation {
        url: String,
        #[serde(default)]
        title: Option<String>,
    },
    FileCitation {
        file_id: String,
        #[serde(default)]
        filename: Option<String>,
    },
    #[serde(other)]
    Other,
}

/// Token usage of a response (the spec's `ResponseUsage`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct ResponsesUsage {
    #[serde(default)]
    pub input_tokens: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_tokens_details: Option<InputTokensDetails>,
    #[serde(default)]
    pub output_tokens: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_tokens_details: Option<OutputTokensDetails>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_tokens: Option<u64>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct InputTokensDetails {
    #[serde(default)]
    pub cached_tokens: Option<u64>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct OutputTokensDetails {
    #[serde(default)]
    pub reasoning_tokens: Option<u64>,
}

impl ResponsesUsage {
    pub fn to_usage(&self) -> Usage {
        let cached = self.input_tokens_details.as_ref().and_then(|details| details.cached_tokens);
        let reasoning = self.output_tokens_details.as_ref().and_then(|details| details.reasoning_tokens);
        Usage {
            input_tokens: InputTokens {
                total: self.input_tokens,
                no_cache: self.input_tokens.map(|total| total.saturating_sub(cached.unwrap_or(0))),
                cache_read: cached,
                cache_write: None,
            },
            output_tokens: OutputTokens {
                total: self.output_tokens,
                text: self.output_tokens.map(|total| total.saturating_sub(reasoning.unwrap_or(0))),
                reasoning,
            },
            raw: serde_json::to_value(self).ok(),
        }
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
pub(crate) fn annotation_source(annotation: Annotation, id: String) -> Option<Source> {
    match annotation {
        Annotation::UrlCitation { url, title } => Some(Source::Url { id, url, title, provider_metadata: None }),
        Annotation::FileCitation { file_id, filename } => Some(Source::Document {
            id,
            media_type: "text/plain".to_owned(),
            title: filename.clone().unwrap_or_else(|| file_id.clone()),
            filename,
            provider_metadata: Some(openai_metadata(json!({"file_id": file_id}))),
        }),
        Annotation::Other => None,
    }
}

/// The call and result of a built-in tool's output item, when the item is one.
pub(crate) fn built_in_tool_call(item: &OutputItem) -> Option<(ToolCall, ToolResult)> {
    let (id, tool_name, input, result) = match item {
        OutputItem::WebSearchCall { id, status, action } => {
            (id, "web_search", json!({}), json!({"status": status, "action": action}))
        }
        OutputItem::FileSearchCall { id, status, queries, results } => {
            (id, "file_search", json!({}), json!({"status": status, "queries": queries, "results": results}))
        }
        OutputItem::CodeInterpreterCall { id, status, code, container_id, outputs } => (
            id,
            "code_interpreter",
            json!({"code": code, "container_id": container_id}),
            json!({"status": status, "outputs": outputs}),
        ),
        _ => return None,
    };
    let metadata = openai_metadata(json!({"item_id": id}));
    Some((
        ToolCall {
            tool_call_id: id.clone(),
            tool_name: tool_name.to_owned(),
            input: input.to_string(),
            provider_executed: true,
            provider_metadata: Some(metadata.clone()),
        },
        ToolResult {
            tool_call_id: id.clone(),
            tool_name: tool_name.to_owned(),
            result,
            is_error: false,
            provider_metadata: Some(metadata),
        },
    ))
}

impl OpenAiResponsesLanguageModel {
    fn request<'a>(
        &'a self,
        options: &'a CallOptions,
        provider_options: &'a OpenAiOptions,
        stream: bool,
    ) -> Result<(ResponsesRequest<'a>, Vec<Warning>)> {
        let reasoning_model = is_reasoning_model(&self.model_id);
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
            Some(ResponseFormat::Json { schema: Some(schema), name, description })
                if provider_options.structured_outputs.unwrap_or(true) =>
            {
                Some(TextFormat::JsonSchema {
                    name: name.as_deref().unwrap_or("response"),
                    description: description.as_deref(),
                    schema,
                    strict,
                })
            }
            Some(ResponseFormat::Json { .. }) => Some(TextFormat::JsonObject),
        };
        let text = (format.is_some() || provider_options.text_verbosity.is_some())
            .then_some(TextConfig { format, verbosity: provider_options.text_verbosity });
        let (tools, tool_choice) = prepare_responses_tools(&options.tools, options.tool_choice.as_ref(), &mut warnings);
        let mut include: Vec<Cow<'a, str>> =
            provider_options.include.iter().flatten().map(|item| Cow::Borrowed(item.as_str())).collect();
        let top_logprobs = provider_options.logprobs.and_then(|logprobs| logprobs.top());
        if top_logprobs.is_some() && !include.iter().any(|item| item == "message.output_text.logprobs") {
            include.push(Cow::Borrowed("message.output_text.logprobs"));
        }
        // Without server-side storage, reasoning can only be sent back encrypted.
        if reasoning_model && !store && !include.iter().any(|item| item == "reasoning.encrypted_content") {
            include.push(Cow::Borrowed("reasoning.encrypted_content"));
        }
        let effort = provider_options.reasoning_effort.or(options.reasoning_effort).map(|effort| effort.as_str());
        let reasoning = (effort.is_some() || provider_options.reasoning_summary.is_some())
            .then_some(ReasoningConfig { effort, summary: provider_options.reasoning_summary.as_deref() });
        let mut request = ResponsesRequest {
            model: &self.model_id,
            input,
            temperature: options.temperature,
            top_p: options.top_p,
            max_output_tokens: options.max_output_tokens,
            text,
            tools,
            tool_choice,
            parallel_tool_calls: provider_options.parallel_tool_calls,
            store: provider_options.store,
            metadata: provider_options.metadata.as_ref(),
            previous_response_id: provider_options.previous_response_id.as_deref(),
            instructions: provider_options.instructions.as_deref(),
            user: provider_options.user.as_deref(),
            service_tier: provider_options.service_tier,
            include,
            prompt_cache_key: provider_options.prompt_cache_key.as_deref(),
            safety_identifier: provider_options.safety_identifier.as_deref(),
            truncation: provider_options.truncation.as_deref(),
            max_tool_calls: provider_options.max_tool_calls,
            conversation: provider_options.conversation.as_deref(),
            reasoning,
            top_logprobs: top_logprobs.filter(|top| *top > 0),
            stream: stream.then_some(true),
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

/// Maps a complete response's output to content, and says whether it holds function calls.
fn map_output(output: Vec<OutputItem>) -> (Vec<Content>, bool) {
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
            OutputItem::Message { id, content: parts } => {
                for part in parts {
                    match part {
                        OutputContent::OutputText { text, annotations } => {
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
                        OutputContent::Refusal { refusal } => content.push(Content::Text {
                            text: refusal,
                            provider_metadata: Some(openai_metadata(json!({"item_id": id, "refusal": true}))),
                        }),
                        OutputContent::Other => {}
                    }
                }
            }
            OutputItem::FunctionCall { id, call_id, name, arguments } => {
                has_function_calls = true;
                content.push(Content::ToolCall(ToolCall {
                    tool_call_id: call_id,
                    tool_name: name,
                    input: if arguments.trim().is_empty() { "{}".to_owned() } else { arguments },
                    provider_executed: false,
                    provider_metadata: id.map(|id| openai_metadata(json!({"item_id": id}))),
                }));
            }
            OutputItem::Reasoning { id, summary, encrypted_content } => {
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

#[async_trait]
impl LanguageModel for OpenAiResponsesLanguageModel {
    fn provider(&self) -> &str {
        &self.provider
    }

    fn model_id(&self) -> &str {
        &self.model_id
    }

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
        let provider_options: OpenAiOptions = options.provider_options.parse(OPENAI_PROVIDER_ID)?.unwrap_or_default();
        let (request, warnings) = self.request(options, &provider_options, false)?;
        let response = config.post_json(&self.url, &request, &options.headers).await?.json::<ResponseObject>().await?;
        let body = response.value;
        if let Some(error) = body.error.filter(|_| body.status.as_deref() == Some("failed")) {
            return Err(stream_error(error, &self.url));
        }
        let (content, has_function_calls) = map_output(body.output);
        let incomplete_reason = body.incomplete_details.and_then(|details| details.reason);
        let mut result = GenerateResponse::new(
            content,
            map_openai_responses_finish_reason(incomplete_reason.as_deref(), has_function_calls),
            body.usage.as_ref().map(ResponsesUsage::to_usage).unwrap_or_default(),
        );
        result.raw_finish_reason = incomplete_reason.or(body.status);
        result.provider_metadata =
            Some(openai_metadata(json!({"response_id": body.id, "service_tier": body.service_tier})));
        result.request = request_metadata(response.request_body.as_ref());
        result.response = ResponseMetadata::new(body.id, body.model, timestamp(body.created_at)).with_headers(response.headers);
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
        let state = ResponsesStreamState::new(warnings, options.include_raw_chunks, response.url.clone());
        let stream = PartsStream::new(response.sse(), state);
        Ok(StreamResponse::new(Box::pin(stream), request, ResponseMetadata::default().with_headers(headers)))
    }
}

/// An error for a response that failed while streaming (`response.failed`).
pub(crate) fn failed_response_error(response: &ResponseObject, url: &str) -> Error {
    let detail = response.error.clone().unwrap_or_else(|| OpenAiErrorDetail {
        message: "the response failed".to_owned(),
        ..Default::default()
    });
    stream_error(detail, url)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::{Message, ProviderOptions, ProviderDefinedTool, ToolDefinition};
    use crate::providers::openai::{OpenAiSettings, create_openai};

    fn body(model_id: &str, options: &CallOptions) -> (Value, Vec<Warning>) {
        let model = create_openai(OpenAiSettings { api_key: Some("k".into()), ..Default::default() }).responses(model_id);
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
        options.tools = vec![ToolDefinition::ProviderDefined(ProviderDefinedTool {
            id: "openai.file_search".into(),
            name: "file_search".into(),
            args: json!({"vector_store_ids": ["vs_1"]}),
        })];
        options.provider_options = ProviderOptions::new().with(
            "openai",
            json!({"store": false, "reasoning_effort": "low", "reasoning_summary": "auto", "previous_response_id": "resp_0"}),
        );
        let (request, warnings) = body("o4-mini", &options);
        assert_eq!(
            request,
            json!({
                "model": "o4-mini",
                "input": [{"role": "developer", "content": "s"}, {"role": "user", "content": [{"type": "input_text", "text": "hi"}]}],
                "max_output_tokens": 300,
                "text": {"format": {"type": "json_schema", "name": "answer", "schema": {"type": "object"}, "strict": true}},
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
