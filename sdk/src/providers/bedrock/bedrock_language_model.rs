//! Converse and ConverseStream as a [`LanguageModel`].
//!
//! One function builds the request from the call options (warning about what Converse cannot
//! take); `do_generate` maps the answer's content blocks, `do_stream` hands the event-stream
//! bytes to `bedrock_stream`. Structured output uses a forced tool named `json` whose input is
//! the object (Converse has no JSON mode), reported as text. Extended thinking (Claude) is
//! `thinking` in `additionalModelRequestFields`; reasoning comes back with its signature in
//! provider metadata (`bedrock.signature`), which the message converter sends back.

use async_trait::async_trait;
use serde_json::{Map, Value, json};

use super::bedrock_api::bedrock_model;
use super::bedrock_options::{BedrockOptions, BedrockReasoningType, PROVIDER_KEY};
use super::bedrock_prepare_tools::{prepare_tools, tool_spec};
use super::bedrock_stream::BedrockStream;
use super::convert_to_bedrock_messages::convert_to_bedrock_messages;
use super::map_bedrock_finish_reason::map_bedrock_finish_reason;
use super::wire;
use crate::error::{Error, Result};
use crate::provider::{
    CallOptions, Content, GenerateResponse, InputTokens, JsonBody, LanguageModel, OutputTokens,
    ProviderMetadata, RequestMetadata, ResponseFormat, ResponseMetadata,
    StreamResponse, ToolCall, Usage, Warning,
};
use crate::provider_utils::{emulate_json_response_format, thinking_budget};

/// The name of the tool that carries structured output.
pub(crate) const JSON_TOOL_NAME: &str = "json";

/// The output limit sent with thinking when the call sets none (the budget is added to it).
const DEFAULT_MAX_TOKENS_WITH_THINKING: u32 = 4096;

/// The media type of an AWS event stream, which ConverseStream answers with.
const EVENT_STREAM: &str = "application/vnd.amazon.eventstream";

bedrock_model! {
    /// A Bedrock model behind the Converse API.
    pub struct BedrockLanguageModel;
}

/// A request ready to send.
#[derive(Debug)]
pub(crate) struct PreparedRequest {
    pub body: wire::ConverseRequest,
    pub warnings: Vec<Warning>,
    /// Structured output through the forced `json` tool: its input is the answer's text.
    pub uses_json_response_tool: bool,
}

impl BedrockLanguageModel {
    /// Builds the request body for these options.
    pub(crate) fn prepare(&self, options: &CallOptions) -> Result<PreparedRequest> {
        let mut warnings = Vec::new();
        let bedrock = BedrockOptions::from_provider_options(&options.provider_options)?;
        for (name, set) in [
            ("seed", options.seed.is_some()),
            ("presence_penalty", options.presence_penalty.is_some()),
            ("frequency_penalty", options.frequency_penalty.is_some()),
            ("top_k", options.top_k.is_some()),
        ] {
            if set {
                warnings.push(Warning::unsupported(
                    name,
                    Some("not a Converse inference parameter".to_owned()),
                ));
            }
        }

        let thinking_budget = match bedrock.reasoning_config {
            Some(config) if config.kind == BedrockReasoningType::Enabled => Some(
                config
                    .budget_tokens
                    .unwrap_or(DEFAULT_MAX_TOKENS_WITH_THINKING),
            ),
            Some(_) => None,
            None => options.reasoning_effort.and_then(thinking_budget),
        };
        let mut additional = bedrock
            .additional_model_request_fields
            .clone()
            .unwrap_or_default();
        let (mut temperature, mut top_p) = (options.temperature, options.top_p);
        let mut max_tokens = options.max_output_tokens;
        if let Some(budget) = thinking_budget {
            additional.insert(
                "thinking".to_owned(),
                json!({"type": "enabled", "budget_tokens": budget}),
            );
            // The budget counts against the output limit, so it is added on top.
            max_tokens = Some(
                max_tokens
                    .unwrap_or(DEFAULT_MAX_TOKENS_WITH_THINKING)
                    .saturating_add(budget),
            );
            for (name, set) in [
                ("temperature", temperature.take().is_some()),
                ("top_p", top_p.take().is_some()),
            ] {
                if set {
                    warnings.push(Warning::unsupported(
                        name,
                        Some("not supported when thinking is enabled".to_owned()),
                    ));
                }
            }
        }

        let json_schema = match &options.response_format {
            Some(ResponseFormat::Json {
                schema: Some(schema),
                ..
            }) => Some(schema.clone()),
            None | Some(ResponseFormat::Text | ResponseFormat::Json { .. }) => None,
            Some(other) => {
                return Err(Error::unsupported(
                    format!("{} response format", other.kind()),
                    None,
                ));
            }
        };
        let prompt = match &options.response_format {
            // JSON without a schema has no tool to force: the instruction goes into the prompt.
            Some(ResponseFormat::Json { schema: None, .. }) => {
                let mut prompt = options.prompt.clone();
                warnings.extend(emulate_json_response_format(
                    &mut prompt,
                    options.response_format.as_ref(),
                ));
                convert_to_bedrock_messages(&prompt)?
            }
            _ => convert_to_bedrock_messages(&options.prompt)?,
        };

        let uses_json_response_tool = json_schema.is_some();
        let tool_config = match json_schema {
            Some(schema) => {
                warnings.push(Warning::compatibility(
                    "response_format",
                    Some(
                        "JSON output is produced through a forced tool call named `json`"
                            .to_owned(),
                    ),
                ));
                if !options.tools.is_empty() {
                    warnings.push(Warning::unsupported("tools", Some("tools cannot be combined with JSON output on Bedrock; they were left out".to_owned())));
                }
                let description = match &options.response_format {
                    Some(ResponseFormat::Json {
                        description: Some(description),
                        ..
                    }) => description.as_str(),
                    _ => "Respond with a JSON object.",
                };
                let choice = if thinking_budget.is_some() {
                    warnings.push(Warning::compatibility(
                        "response_format",
                        Some("with thinking enabled the `json` tool cannot be forced; the model is asked to use it (tool choice auto)".to_owned()),
                    ));
                    None
                } else {
                    Some(wire::ToolChoice::Tool(wire::SpecificToolChoice {
                        name: JSON_TOOL_NAME.to_owned(),
                        extra: Map::new(),
                    }))
                };
                Some(wire::ToolConfiguration {
                    tool_choice: choice,
                    tools: vec![tool_spec(JSON_TOOL_NAME, Some(description), &schema)],
                    extra: Map::new(),
                })
            }
            None => prepare_tools(&options.tools, options.tool_choice.as_ref(), &mut warnings)?,
        };

        let inference = wire::InferenceConfiguration {
            max_tokens: max_tokens.map(|max| i32::try_from(max).unwrap_or(i32::MAX)),
            stop_sequences: options.stop_sequences.clone(),
            temperature,
            top_p,
            extra: Map::new(),
        };
        let has_inference = inference.max_tokens.is_some()
            || !inference.stop_sequences.is_empty()
            || temperature.is_some()
            || top_p.is_some();
        let guardrail_config =
            bedrock
                .guardrail_config
                .map(|guardrail| wire::GuardrailConfiguration {
                    guardrail_identifier: guardrail.guardrail_identifier,
                    guardrail_version: guardrail.guardrail_version,
                    trace: guardrail.trace.map(|trace| {
                        trace
                            .parse()
                            .unwrap_or(wire::GuardrailTrace::Unlisted(trace))
                    }),
                    extra: Map::new(),
                });
        let body = wire::ConverseRequest {
            additional_model_request_fields: (!additional.is_empty())
                .then_some(Value::Object(additional)),
            additional_model_response_field_paths: bedrock.additional_model_response_field_paths,
            guardrail_config,
            inference_config: has_inference.then_some(inference),
            messages: prompt.messages,
            system: prompt.system,
            tool_config,
            ..Default::default()
        };
        Ok(PreparedRequest {
            body,
            warnings,
            uses_json_response_tool,
        })
    }

    /// The response metadata of an answer: Bedrock names no model or id in its body, so the id
    /// is its request id (the `x-amzn-requestid` header) and the model the one asked for.
    fn answer_metadata(&self, headers: http::HeaderMap) -> ResponseMetadata {
        let request_id = headers
            .get("x-amzn-requestid")
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);
        ResponseMetadata::new(request_id, Some(self.model_id.clone()), None).with_headers(headers)
    }
}

#[async_trait]
impl LanguageModel for BedrockLanguageModel {
    crate::provider::model_identity!(provider, model_id);

    async fn do_generate(&self, options: &CallOptions) -> Result<GenerateResponse> {
        let connection = self.connection.clone()?;
        let PreparedRequest { body, warnings, uses_json_response_tool } = self.prepare(options)?;
        let url = connection.url(
            connection.mapping().operations.chat.as_ref(),
            "chat",
            &self.model_id,
        )?;
        let response = connection
            .post_json(&url, body, &options.headers, &options.extra, "application/json")
            .await?;
        // Not borrowed before it is handed over: a borrowed local stays in the future.
        let answer = response.json::<wire::ConverseResponse>().await?;
        let request = RequestMetadata::sent(answer.request_body.as_ref());
        let raw = answer.raw_json();
        let converse = answer.value;

        let mut content = Vec::new();
        if let wire::ConverseOutput::Message(message) = converse.output {
            for block in message.content {
                content.extend(content_of_block(block, uses_json_response_tool));
            }
        }
        let stop_reason = converse.stop_reason.to_string();
        let mut result = GenerateResponse::new(
            content,
            map_bedrock_finish_reason(&stop_reason, uses_json_response_tool),
            convert_usage(&converse.usage),
        );
        result.raw_finish_reason = Some(stop_reason);
        result.provider_metadata = Some(response_metadata(
            &converse.usage,
            converse.trace.as_ref().map(to_value),
            converse.additional_model_response_fields,
        ));
        result.request = request;
        result.response = self.answer_metadata(answer.headers).with_body(raw);
        result.warnings = warnings;
        Ok(result)
    }

    async fn do_stream(&self, options: &CallOptions) -> Result<StreamResponse> {
        let connection = self.connection.clone()?;
        let PreparedRequest { body, warnings, uses_json_response_tool } = self.prepare(options)?;
        let url = connection.url(
            connection.mapping().operations.chat_stream.as_ref(),
            "chat",
            &self.model_id,
        )?;
        let response = connection
            .post_json(&url, body, &options.headers, &options.extra, EVENT_STREAM)
            .await?;
        let request = RequestMetadata::sent(response.request_body.as_ref());
        let metadata = self.answer_metadata(response.headers.clone());
        let errors = connection.stream_errors(response.url.clone());
        let stream = BedrockStream::new(
            response.body_stream(),
            warnings,
            uses_json_response_tool,
            options.include_raw_chunks,
            errors,
        );
        Ok(StreamResponse::new(Box::pin(stream), request, metadata))
    }
}

/// The parts of one content block of an answer.
fn content_of_block(block: wire::ContentBlock, uses_json_response_tool: bool) -> Option<Content> {
    match block {
        // With the forced JSON tool, stray text is not the answer.
        wire::ContentBlock::Text(text) if !uses_json_response_tool => Some(Content::text(text)),
        wire::ContentBlock::ReasoningContent(wire::ReasoningContentBlock::ReasoningText(
            reasoning,
        )) => Some(Content::Reasoning {
            text: reasoning.text,
            provider_metadata: reasoning
                .signature
                .map(|signature| bedrock_metadata(json!({"signature": signature}))),
        }),
        wire::ContentBlock::ReasoningContent(wire::ReasoningContentBlock::RedactedContent(
            data,
        )) => Some(Content::Reasoning {
            text: String::new(),
            provider_metadata: Some(bedrock_metadata(json!({"redactedData": data}))),
        }),
        wire::ContentBlock::ToolUse(tool_use) => {
            let input = tool_use.input.to_string();
            Some(if uses_json_response_tool {
                Content::text(input)
            } else {
                Content::ToolCall(ToolCall::new(tool_use.tool_use_id, tool_use.name, input))
            })
        }
        _ => None,
    }
}

fn to_value<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// `{"bedrock": value}`.
pub(crate) fn bedrock_metadata(value: Value) -> ProviderMetadata {
    ProviderMetadata::new().with(PROVIDER_KEY, value)
}

/// The response-level metadata: the usage as sent, the guardrail (and prompt router) trace,
/// and the model-specific response fields asked for.
pub(crate) fn response_metadata(
    usage: &wire::TokenUsage,
    trace: Option<Value>,
    additional: Option<Value>,
) -> ProviderMetadata {
    let mut metadata = Map::new();
    metadata.insert("usage".to_owned(), to_value(usage));
    if let Some(trace) = trace {
        metadata.insert("trace".to_owned(), trace);
    }
    if let Some(additional) = additional {
        metadata.insert("additionalModelResponseFields".to_owned(), additional);
    }
    bedrock_metadata(Value::Object(metadata))
}

/// Converse's usage in the unified shape: `inputTokens` counts only uncached input, so the
/// total adds cache reads and writes.
pub(crate) fn convert_usage(usage: &wire::TokenUsage) -> Usage {
    let count = |tokens: i32| u64::try_from(tokens).ok();
    Usage::new(
        InputTokens::from_uncached(
            count(usage.input_tokens),
            usage.cache_read_input_tokens.and_then(count),
            usage.cache_write_input_tokens.and_then(count),
        ),
        OutputTokens::from_total(count(usage.output_tokens)),
    )
    .with_raw(Some(JsonBody::from_value(&to_value(usage))))
}
