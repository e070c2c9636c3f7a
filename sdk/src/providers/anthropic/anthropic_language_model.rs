//! The Messages API as a [`LanguageModel`].
//!
//! One function builds the request from the call options (warning about what Anthropic cannot
//! take); `do_generate` maps the answer's content blocks, `do_stream` hands the events to
//! `anthropic_stream`. Structured output uses a forced tool named `json` whose input is the
//! object (Anthropic has no JSON mode), reported as text and flagged with a compatibility warning.

use std::sync::Arc;

use async_trait::async_trait;
use serde_json::{Value, json};
use specai_generated::mappings::ProviderMapping;

use super::AnthropicConfig;
use serde_json::Map;

use super::anthropic_api::{MAX_CACHE_BREAKPOINTS, count, limit_cache_breakpoints, types};
use super::anthropic_options::{AnthropicOptions, AnthropicToolOptions, PROVIDER_KEY, ThinkingOptions};
use super::anthropic_prepare_tools::{custom_tool, prepare_tools};
use super::anthropic_stream::{anthropic_stream, fail_before_the_first_part};
use super::convert_to_anthropic_messages::{CitedDocument, convert_to_anthropic_messages};
use super::map_anthropic_finish_reason::map_anthropic_finish_reason;
use crate::error::{Error, Result};
use crate::provider_utils::{ModelOperation, emulate_json_response_format, shortest_decimal, thinking_budget};
use crate::provider::{
    CallOptions, Content, GenerateResponse, InputTokens, JsonBody, LanguageModel, OutputTokens, ProviderMetadata,
    RequestMetadata, ResponseFormat, ResponseMetadata, Source, StreamResponse, SupportedUrl, ToolCall,
    ToolResult, Usage, Warning,
};

/// The name of the tool that carries structured output.
pub(crate) const JSON_TOOL_NAME: &str = "json";

/// `max_tokens` when the model is unknown and the call sets no limit.
const FALLBACK_MAX_TOKENS: u32 = 4096;

/// The most output tokens a known model takes, which is also the default `max_tokens` (the API
/// requires one): the `max_output_tokens` of the Anthropic mapping's `[[model_overrides]]`
/// (specs/anthropic/provider.toml). `None` for models the mapping does not know.
///
/// ```
/// use specai::anthropic::known_max_output_tokens;
///
/// assert_eq!(known_max_output_tokens("claude-sonnet-4-5-20250929"), Some(64_000));
/// assert_eq!(known_max_output_tokens("claude-3-5-haiku-latest"), Some(8_192));
/// assert_eq!(known_max_output_tokens("my-fine-tune"), None); // the call's max_output_tokens, or 4096
/// ```
pub fn known_max_output_tokens(model_id: &str) -> Option<u32> {
    max_output_tokens_in(&specai_generated::mappings::ANTHROPIC, model_id)
}

/// The most output tokens of `model_id` that `mapping` states.
fn max_output_tokens_in(mapping: &ProviderMapping, model_id: &str) -> Option<u32> {
    mapping.override_for(model_id).and_then(|entry| entry.max_output_tokens)
}

/// A Messages API model.
#[derive(Debug, Clone)]
pub struct AnthropicLanguageModel {
    model_id: String,
    config: Result<Arc<AnthropicConfig>>,
    /// The Messages operation, its URL built once.
    messages: ModelOperation,
    /// The streaming operation: the same, unless the mapping has its own (Vertex's `streamRawPredict`).
    stream_messages: ModelOperation,
}

/// A request ready to send, with what it needs besides the body.
#[derive(Debug)]
pub(crate) struct PreparedRequest {
    pub body: types::CreateMessageParams,
    pub warnings: Vec<Warning>,
    pub betas: Vec<&'static str>,
    /// Structured output through the forced `json` tool: its input is the answer's text.
    pub uses_json_response_tool: bool,
    /// The prompt's documents, which citations refer to.
    pub documents: Vec<CitedDocument>,
}

impl AnthropicLanguageModel {
    pub(crate) fn new(model_id: String, config: Result<Arc<AnthropicConfig>>) -> Self {
        let messages = AnthropicConfig::messages(&config, &model_id);
        let stream_messages = AnthropicConfig::stream_messages(&config, &model_id);
        AnthropicLanguageModel { model_id, config, messages, stream_messages }
    }

    /// Builds the request body for these options.
    pub(crate) fn prepare(&self, options: &CallOptions, stream: bool) -> Result<PreparedRequest> {
        let mut warnings = Vec::new();
        let anthropic = AnthropicOptions::from_provider_options(&options.provider_options)?;

        if options.seed.is_some() {
            warnings.push(Warning::unsupported("seed", None));
        }
        if options.presence_penalty.is_some() {
            warnings.push(Warning::unsupported("presence_penalty", None));
        }
        if options.frequency_penalty.is_some() {
            warnings.push(Warning::unsupported("frequency_penalty", None));
        }

        let thinking_budget = match anthropic.thinking {
            Some(ThinkingOptions::Enabled { budget_tokens }) => Some(budget_tokens),
            Some(ThinkingOptions::Disabled) => None,
            None => options.reasoning_effort.and_then(thinking_budget),
        };

        let (mut temperature, mut top_p, mut top_k) = (options.temperature, options.top_p, options.top_k);
        if thinking_budget.is_some() {
            for (name, set) in [("temperature", temperature.is_some()), ("top_p", top_p.is_some()), ("top_k", top_k.is_some())] {
                if set {
                    warnings.push(Warning::unsupported(name, Some("not supported when thinking is enabled".to_owned())));
                }
            }
            (temperature, top_p, top_k) = (None, None, None);
        }
        // Anthropic's temperature runs from 0 to 1 and a higher one is a 400: clamped, as the AI
        // SDK does.
        if let Some(requested) = temperature.filter(|temperature| *temperature > 1.0) {
            temperature = Some(1.0);
            warnings.push(Warning::unsupported(
                "temperature",
                Some(format!("{requested} is above Anthropic's maximum of 1; 1 was sent")),
            ));
        }
        // Current Claude models reject a request with both ("temperature and top_p cannot both
        // be specified for this model"): temperature is sent, as the AI SDK does.
        if temperature.is_some() && top_p.take().is_some() {
            warnings.push(Warning::unsupported(
                "top_p",
                Some("Anthropic takes temperature or top_p, not both; temperature was sent".to_owned()),
            ));
        }

        // The mapping of this model's connection: Vertex's states its own model ids.
        let known_max = match self.config.as_deref() {
            Ok(config) => max_output_tokens_in(&config.connection.mapping, &self.model_id),
            Err(_) => known_max_output_tokens(&self.model_id),
        };
        let requested = match (options.max_output_tokens, known_max) {
            (Some(max), _) => max,
            (None, Some(known)) => known,
            (None, None) => {
                warnings.push(Warning::other(format!(
                    "unknown model `{}`: max_tokens defaults to {FALLBACK_MAX_TOKENS}; set max_output_tokens",
                    self.model_id
                )));
                FALLBACK_MAX_TOKENS
            }
        };
        // The thinking budget counts against max_tokens, so it is added on top.
        let mut max_tokens = requested.saturating_add(thinking_budget.unwrap_or(0));
        if let Some(known) = known_max
            && max_tokens > known
        {
            if options.max_output_tokens.is_some() {
                warnings.push(Warning::unsupported(
                    "max_output_tokens",
                    Some(format!("{max_tokens} (thinking budget included) is over the model's limit of {known}; {known} was sent")),
                ));
            }
            max_tokens = known;
        }
        // The API takes a budget only below max_tokens. Clamped to the model's limit, a large
        // budget (ExtraHigh's 32,000 on a 32,000-token model) would reach it: it is cut to 90% of
        // max_tokens, the share the AI SDK gives its highest effort, leaving room for the answer.
        let thinking_budget = thinking_budget.map(|budget| {
            if budget < max_tokens {
                return budget;
            }
            let most = max_tokens / 10 * 9;
            warnings.push(Warning::compatibility(
                "thinking budget",
                Some(format!("{budget} tokens is not below max_tokens ({max_tokens}); {most} was sent")),
            ));
            most
        });
        let thinking = match (anthropic.thinking, thinking_budget) {
            (_, Some(budget_tokens)) => Some(types::ThinkingConfig::Enabled(i64::from(budget_tokens))),
            (Some(ThinkingOptions::Disabled), None) => Some(types::ThinkingConfig::Disabled),
            _ => None,
        };

        let send_reasoning = anthropic.send_reasoning.unwrap_or(true);
        let json_schema = match &options.response_format {
            Some(ResponseFormat::Json { schema: Some(schema), .. }) => Some(schema.clone()),
            None | Some(ResponseFormat::Text | ResponseFormat::Json { .. }) => None,
            Some(other) => return Err(Error::unsupported(format!("{} response format", other.kind()), None)),
        };
        let prompt = match &options.response_format {
            // JSON without a schema has no tool to force: the instruction goes into the system prompt.
            Some(ResponseFormat::Json { schema: None, .. }) => {
                let mut prompt = options.prompt.clone();
                warnings.extend(emulate_json_response_format(&mut prompt, options.response_format.as_ref()));
                convert_to_anthropic_messages(&prompt, send_reasoning, &mut warnings)?
            }
            _ => convert_to_anthropic_messages(&options.prompt, send_reasoning, &mut warnings)?,
        };
        let mut betas = prompt.betas;
        let documents = prompt.documents;

        let uses_json_response_tool = json_schema.is_some();
        let (tools, tool_choice) = match json_schema {
            Some(schema) => {
                warnings.push(Warning::compatibility(
                    "response_format",
                    Some("JSON output is produced through a forced tool call named `json`".to_owned()),
                ));
                if !options.tools.is_empty() {
                    warnings.push(Warning::unsupported(
                        "tools",
                        Some("tools cannot be combined with JSON output on Anthropic; they were left out".to_owned()),
                    ));
                }
                let description = match &options.response_format {
                    Some(ResponseFormat::Json { description: Some(description), .. }) => description.clone(),
                    _ => "Respond with a JSON object.".to_owned(),
                };
                let tool = custom_tool(JSON_TOOL_NAME, Some(&description), &schema, &AnthropicToolOptions::default())?;
                let choice = if thinking_budget.is_some() {
                    // The API refuses a forced tool choice while thinking.
                    warnings.push(Warning::compatibility(
                        "response_format",
                        Some("with thinking enabled the `json` tool cannot be forced; the model is asked to use it (tool_choice auto)".to_owned()),
                    ));
                    types::ToolChoice::Auto { disable_parallel_tool_use: None }
                } else {
                    types::ToolChoice::Tool { disable_parallel_tool_use: None, name: JSON_TOOL_NAME.to_owned() }
                };
                (vec![tool], Some(choice))
            }
            None => {
                let prepared = prepare_tools(
                    &options.tools,
                    options.tool_choice.as_ref(),
                    anthropic.disable_parallel_tool_use,
                    &mut warnings,
                )?;
                for beta in prepared.betas {
                    if !betas.contains(&beta) {
                        betas.push(beta);
                    }
                }
                (prepared.tools, prepared.tool_choice)
            }
        };

        let mut body = types::CreateMessageParams {
            max_tokens: i64::from(max_tokens),
            messages: prompt.messages,
            metadata: anthropic
                .user_id
                .map(|user_id| types::CreateMessageParamsMetadata { user_id: Some(user_id), extra: Map::new() }),
            model: self.model_id.clone(),
            service_tier: None,
            stop_sequences: options.stop_sequences.clone(),
            stream: stream.then_some(true),
            system: prompt.system,
            temperature: temperature.map(shortest_decimal),
            thinking,
            tool_choice,
            tools,
            top_k: top_k.map(i64::from),
            top_p: top_p.map(shortest_decimal),
            extra: Map::new(),
        };
        let removed = limit_cache_breakpoints(&mut body);
        if removed > 0 {
            warnings.push(Warning::unsupported(
                "cache_control",
                Some(format!("Anthropic takes at most {MAX_CACHE_BREAKPOINTS} cache breakpoints a request; the last {removed} were not sent")),
            ));
        }
        Ok(PreparedRequest { body, warnings, betas, uses_json_response_tool, documents })
    }
}

#[async_trait]
impl LanguageModel for AnthropicLanguageModel {
    fn provider(&self) -> &str {
        match &self.config {
            Ok(config) => config.provider_id(),
            Err(_) => "anthropic.messages",
        }
    }

    fn model_id(&self) -> &str {
        &self.model_id
    }

    fn supported_urls(&self) -> Vec<SupportedUrl> {
        // Vertex does not fetch URLs: the SDK downloads them and sends the bytes.
        if self.config.as_ref().is_ok_and(|config| !config.url_sources()) {
            return Vec::new();
        }
        vec![SupportedUrl::new("image/*", "https://"), SupportedUrl::new("application/pdf", "https://")]
    }

    async fn do_generate(&self, options: &CallOptions) -> Result<GenerateResponse> {
        let config = self.config.clone()?;
        let PreparedRequest { body, warnings, betas, uses_json_response_tool, documents } = self.prepare(options, false)?;
        let response = config.post_messages(&self.messages, &self.model_id, body, options, &betas).await?;
        // Not borrowed before it is handed over: a borrowed local stays in the future.
        let answer = response.json::<types::Message>().await?;
        let request = RequestMetadata::sent(answer.request_body.as_ref());
        let raw = answer.raw_json();
        let message = answer.value;

        let mut content = Vec::with_capacity(message.content.len());
        let mut citation_count = 0;
        for block in message.content {
            match block {
                types::ContentBlock::Text { citations, text } => {
                    // With the forced JSON tool, stray text is not the answer.
                    if !uses_json_response_tool {
                        content.push(Content::text(text));
                        for citation in citations.iter().flatten() {
                            let id = format!("citation:{citation_count}");
                            if let Some(source) = citation_source(citation, &documents, id) {
                                citation_count += 1;
                                content.push(Content::Source(source));
                            }
                        }
                    }
                }
                types::ContentBlock::Thinking { signature, thinking } => content.push(Content::Reasoning {
                    text: thinking,
                    provider_metadata: signature.map(|signature| anthropic_metadata(json!({"signature": signature}))),
                }),
                types::ContentBlock::RedactedThinking { data } => content.push(Content::Reasoning {
                    text: String::new(),
                    provider_metadata: Some(anthropic_metadata(json!({"redacted_data": data}))),
                }),
                types::ContentBlock::ToolUse { id, input, name } => {
                    let input = Value::Object(input).to_string();
                    if uses_json_response_tool {
                        content.push(Content::text(input));
                    } else {
                        content.push(Content::ToolCall(ToolCall::new(id, name, input)));
                    }
                }
                types::ContentBlock::ServerToolUse { id, input, name } => content.push(Content::ToolCall(
                    ToolCall::new(id, name, Value::Object(input).to_string()).with_provider_executed(true),
                )),
                types::ContentBlock::WebSearchToolResult { content: result, tool_use_id } => {
                    let (tool_result, sources) = web_search_result(tool_use_id, result);
                    content.push(Content::ToolResult(tool_result));
                    content.extend(sources.into_iter().map(Content::Source));
                }
                types::ContentBlock::Unlisted => {}
            }
        }

        let stop_reason = message.stop_reason.map(|reason| reason.to_string());
        // Only the usage member is parsed again (for `Usage.raw` and the metadata), not the body.
        let raw_usage = JsonBody::member_of(&answer.raw_body, "usage").json();
        let mut result = GenerateResponse::new(
            content,
            map_anthropic_finish_reason(stop_reason.as_deref(), uses_json_response_tool),
            convert_usage(&UsageCounts::from(&message.usage), raw_usage.clone()),
        );
        result.raw_finish_reason = stop_reason;
        result.provider_metadata = Some(response_provider_metadata(raw_usage, message.stop_sequence));
        result.request = request;
        result.response = ResponseMetadata::new(Some(message.id), Some(message.model), None)
            .with_headers(answer.headers)
            .with_body(raw);
        result.warnings = warnings;
        Ok(result)
    }

    async fn do_stream(&self, options: &CallOptions) -> Result<StreamResponse> {
        let config = self.config.clone()?;
        let PreparedRequest { body, warnings, betas, uses_json_response_tool, documents } = self.prepare(options, true)?;
        let response = config.post_messages(&self.stream_messages, &self.model_id, body, options, &betas).await?;
        let request = RequestMetadata::sent(response.request_body.as_ref());
        let metadata = ResponseMetadata::default().with_headers(response.headers.clone());
        let errors = config.stream_errors(response.status, response.url.clone());
        let events = response.sse();
        let stream = anthropic_stream(
            events,
            warnings,
            uses_json_response_tool,
            documents,
            options.include_raw_chunks,
            errors,
        );
        let stream = fail_before_the_first_part(Box::pin(stream)).await?;
        Ok(StreamResponse::new(stream, request, metadata))
    }
}


/// `{"anthropic": value}`.
pub(crate) fn anthropic_metadata(value: Value) -> ProviderMetadata {
    ProviderMetadata::new().with(PROVIDER_KEY, value)
}

/// The response-level metadata: the usage object as sent and the stop sequence that matched.
pub(crate) fn response_provider_metadata(raw_usage: Option<Value>, stop_sequence: Option<String>) -> ProviderMetadata {
    anthropic_metadata(json!({"usage": raw_usage, "stop_sequence": stop_sequence}))
}

/// The token counts of a response or of a stream so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct UsageCounts {
    pub input: Option<u64>,
    pub output: Option<u64>,
    pub cache_read: Option<u64>,
    pub cache_write: Option<u64>,
}

impl From<&types::Usage> for UsageCounts {
    fn from(usage: &types::Usage) -> Self {
        UsageCounts {
            input: count(usage.input_tokens),
            output: count(usage.output_tokens),
            cache_read: usage.cache_read_input_tokens.and_then(count),
            cache_write: usage.cache_creation_input_tokens.and_then(count),
        }
    }
}

/// Anthropic's usage in the unified shape: `input_tokens` counts only uncached input, so the
/// total adds cache reads and writes.
pub(crate) fn convert_usage(usage: &UsageCounts, raw: Option<Value>) -> Usage {
    Usage::new(
        InputTokens::from_uncached(usage.input, usage.cache_read, usage.cache_write),
        OutputTokens::from_total(usage.output),
    )
    .with_raw(raw.map(|raw| JsonBody::from_value(&raw)))
}

/// A citation of one of the prompt's documents as a document source (web search citations are
/// covered by the search results' sources). The location travels in the provider metadata.
pub(crate) fn citation_source(citation: &types::TextCitation, documents: &[CitedDocument], id: String) -> Option<Source> {
    use types::TextCitation as Citation;
    let (document_index, document_title, location) = match citation {
        Citation::CharLocation { cited_text, document_index, document_title, end_char_index, start_char_index } => (
            *document_index,
            document_title,
            json!({"cited_text": cited_text, "start_char_index": start_char_index, "end_char_index": end_char_index}),
        ),
        Citation::PageLocation { cited_text, document_index, document_title, end_page_number, start_page_number } => (
            *document_index,
            document_title,
            json!({"cited_text": cited_text, "start_page_number": start_page_number, "end_page_number": end_page_number}),
        ),
        Citation::ContentBlockLocation { cited_text, document_index, document_title, end_block_index, start_block_index } => (
            *document_index,
            document_title,
            json!({"cited_text": cited_text, "start_block_index": start_block_index, "end_block_index": end_block_index}),
        ),
        Citation::WebSearchResultLocation { .. } | Citation::Unlisted => return None,
    };
    let document = usize::try_from(document_index).ok().and_then(|index| documents.get(index));
    Some(Source::Document {
        id,
        media_type: document.map_or_else(|| "application/octet-stream".to_owned(), |document| document.media_type.clone()),
        title: document_title
            .clone()
            .or_else(|| document.map(|document| document.title.clone()))
            .unwrap_or_else(|| "Untitled Document".to_owned()),
        filename: document.and_then(|document| document.filename.clone()),
        provider_metadata: Some(anthropic_metadata(location)),
    })
}

/// A `web_search_tool_result` block: the provider-executed tool result (sent back unchanged in
/// later turns) and a source per result found.
pub(crate) fn web_search_result(tool_use_id: String, content: types::WebSearchToolResultContent) -> (ToolResult, Vec<Source>) {
    let (is_error, sources) = match &content {
        types::WebSearchToolResultContent::Array(results) => (
            false,
            results
                .iter()
                .enumerate()
                .map(|(index, item)| Source::Url {
                    id: format!("{tool_use_id}:{index}"),
                    url: item.url.clone(),
                    title: Some(item.title.clone()),
                    provider_metadata: item.page_age.as_ref().map(|age| anthropic_metadata(json!({"page_age": age}))),
                })
                .collect(),
        ),
        types::WebSearchToolResultContent::WebSearchToolResultError(_) => (true, Vec::new()),
    };
    let result = serde_json::to_value(&content).unwrap_or(Value::Null);
    let tool_result = ToolResult::new(tool_use_id, "web_search", result).with_is_error(is_error);
    (tool_result, sources)
}

#[cfg(test)]
#[path = "anthropic_language_model_tests.rs"]
mod tests;
