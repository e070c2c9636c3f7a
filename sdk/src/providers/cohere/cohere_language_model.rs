//! The Cohere chat model: the mapping's `chat` operation (`POST /v2/chat`), answered with one
//! JSON body or, with `stream: true`, server-sent events (mapped in `cohere_stream`).


use async_trait::async_trait;
use serde_json::{Map, Value, json};

use super::cohere_options::CohereOptions;
use super::cohere_prepare_tools::cohere_prepare_tools;
use super::cohere_stream::CohereEventMapper;
use super::convert_to_cohere_messages::convert_to_cohere_messages;
use super::map_cohere_finish_reason::map_cohere_finish_reason;
use super::wire::{AssistantContent, ChatRequest, ChatResponse, Citation, CitationOptions, ResponseFormat, ResponseFormatType, Thinking, ThinkingType, Usage as WireUsage};
use super::{PROVIDER_ID, SharedConnection, connection_for_call};
use crate::error::{Error, Result};
use crate::provider::{
    CallOptions, Content, GenerateResponse, InputTokens, JsonBody, LanguageModel, OutputTokens, ProviderMetadata, ReasoningEffort,
    RequestMetadata, ResponseMetadata, Source, StreamPart, StreamResponse, SupportedUrl, ToolCall, Usage, Warning,
};
use crate::provider_utils::{ModelOperation, PartsStream, generate_id, shortest_decimal};

/// A Cohere chat model, e.g. `command-a-03-2025`.
#[derive(Debug, Clone)]
pub struct CohereLanguageModel {
    model_id: String,
    connection: SharedConnection,
    /// `POST /v2/chat`, its URL built once.
    chat: ModelOperation,
}

impl CohereLanguageModel {
    pub(crate) fn new(model_id: &str, connection: SharedConnection) -> Self {
        let chat = ModelOperation::new(connection.as_deref().ok(), |operations| operations.chat.as_ref(), "chat", model_id);
        CohereLanguageModel { model_id: model_id.to_owned(), connection, chat }
    }

    /// The request body for these options, and the warnings about what it could not express.
    pub(crate) fn request_body(&self, options: &CallOptions, stream: bool) -> Result<(ChatRequest, Vec<Warning>)> {
        let cohere: CohereOptions = options.provider_options.parse("cohere")?.unwrap_or_default();
        let prompt = convert_to_cohere_messages(&options.prompt)?;
        let mut warnings = prompt.warnings;
        let tools = cohere_prepare_tools(&options.tools, options.tool_choice.as_ref())?;
        warnings.extend(tools.warnings);
        let response_format = match &options.response_format {
            None | Some(crate::provider::ResponseFormat::Text) => None,
            Some(crate::provider::ResponseFormat::Json { schema, .. }) => Some(ResponseFormat {
                type_: ResponseFormatType::JsonObject,
                json_schema: schema.as_ref().and_then(Value::as_object).cloned().unwrap_or_default(),
                extra: Map::new(),
            }),
            Some(other) => return Err(Error::unsupported(format!("{} response format", other.kind()), None)),
        };
        let thinking = thinking(&cohere, options.reasoning_effort, &mut warnings)?;
        let citation_options = match cohere.citation_mode.as_deref() {
            Some(mode) => {
                let mode = mode.parse().map_err(|error| Error::invalid_argument("provider_options.cohere.citationMode", format!("{error}")))?;
                Some(CitationOptions { mode: Some(mode), extra: Map::new() })
            }
            None => None,
        };
        let request = ChatRequest {
            model: self.model_id.clone(),
            messages: prompt.messages,
            documents: prompt.documents,
            tools: tools.tools,
            tool_choice: tools.tool_choice,
            strict_tools: cohere.strict_tools,
            citation_options,
            safety_mode: cohere.safety_mode,
            response_format,
            max_tokens: options.max_output_tokens.map(i64::from),
            stop_sequences: options.stop_sequences.clone(),
            temperature: options.temperature.map(shortest_decimal),
            p: options.top_p.map(shortest_decimal),
            k: options.top_k.map(i64::from),
            seed: options.seed.map(|seed| i64::try_from(seed).unwrap_or(i64::MAX)),
            frequency_penalty: options.frequency_penalty.map(shortest_decimal),
            presence_penalty: options.presence_penalty.map(shortest_decimal),
            thinking,
            stream: stream.then_some(true),
            ..Default::default()
        };
        Ok((request, warnings))
    }
}

/// The thinking setting: the provider option wins over the reasoning effort (with a warning).
fn thinking(cohere: &CohereOptions, effort: Option<ReasoningEffort>, warnings: &mut Vec<Warning>) -> Result<Option<Thinking>> {
    if let Some(config) = &cohere.thinking {
        if effort.is_some() {
            warnings.push(Warning::unsupported("reasoningEffort", "provider_options.cohere.thinking takes precedence".to_owned()));
        }
        let type_ = match config.kind.as_deref() {
            None | Some("enabled") => ThinkingType::Enabled,
            Some("disabled") => ThinkingType::Disabled,
            Some(other) => return Err(Error::invalid_argument("provider_options.cohere.thinking.type", format!("`{other}` is not `enabled` or `disabled`"))),
        };
        return Ok(Some(Thinking { type_, token_budget: config.token_budget.map(i64::from), extra: Map::new() }));
    }
    let budget = match effort {
        None => return Ok(None),
        Some(ReasoningEffort::None) => return Ok(Some(Thinking { type_: ThinkingType::Disabled, token_budget: None, extra: Map::new() })),
        Some(ReasoningEffort::Minimal) => 1024,
        Some(ReasoningEffort::Low) => 2048,
        Some(ReasoningEffort::Medium) => 8192,
        Some(ReasoningEffort::High) => 16384,
        Some(_) => 32768,
    };
    Ok(Some(Thinking { type_: ThinkingType::Enabled, token_budget: Some(budget), extra: Map::new() }))
}

/// Cohere's usage as the unified usage: `tokens` are what the model read and wrote (billed
/// units, which may be fewer, stay in the raw object), `cached_tokens` the cache reads.
pub(crate) fn convert_usage(usage: Option<&WireUsage>) -> Usage {
    let Some(usage) = usage else { return Usage::default() };
    let count = |value: Option<f64>| value.filter(|value| *value >= 0.0).map(|value| value as u64);
    let tokens = usage.tokens.as_ref();
    let input = count(tokens.and_then(|tokens| tokens.input_tokens));
    let output = count(tokens.and_then(|tokens| tokens.output_tokens));
    let cached = usage.cached_tokens.and_then(|cached| u64::try_from(cached).ok());
    Usage::new(InputTokens::with_cache_read(input, cached), OutputTokens::from_total(output)).with_raw(JsonBody::from_serialize(usage))
}

/// A citation as a document source: the title of its first document, and under `cohere` in
/// its metadata the cited span (`start`, `end`, `text`), the sources and the citation type.
pub(crate) fn citation_source(citation: &Citation) -> Source {
    let title = citation
        .sources
        .iter()
        .find_map(|source| source.document.get("title").and_then(Value::as_str))
        .filter(|title| !title.is_empty())
        .unwrap_or("Document")
        .to_owned();
    let mut cohere = json!({"start": citation.start, "end": citation.end, "text": citation.text, "sources": citation.sources});
    if let Some(kind) = &citation.type_ {
        cohere["citationType"] = Value::String(kind.clone());
    }
    Source::Document {
        id: generate_id("source"),
        media_type: "text/plain".into(),
        title,
        filename: None,
        provider_metadata: Some(ProviderMetadata::new().with(PROVIDER_ID_KEY, cohere)),
    }
}

/// The provider-metadata key of Cohere's data.
pub(crate) const PROVIDER_ID_KEY: &str = "cohere";

/// Tool-call input as JSON text: Cohere sends `null` (or nothing) for tools without arguments.
pub(crate) fn tool_input(arguments: Option<&str>) -> String {
    match arguments.map(str::trim) {
        None | Some("" | "null") => "{}".to_owned(),
        Some(arguments) => arguments.to_owned(),
    }
}

/// Response-level metadata under `cohere`: the tool plan (the text before tool calls) and the
/// billed units.
pub(crate) fn response_metadata(tool_plan: Option<&str>, usage: Option<&WireUsage>) -> Option<ProviderMetadata> {
    let mut cohere = Map::new();
    if let Some(plan) = tool_plan.filter(|plan| !plan.is_empty()) {
        cohere.insert("toolPlan".into(), Value::String(plan.to_owned()));
    }
    if let Some(billed) = usage.and_then(|usage| usage.billed_units.as_ref()) {
        cohere.insert("billedUnits".into(), serde_json::to_value(billed).unwrap_or(Value::Null));
    }
    (!cohere.is_empty()).then(|| ProviderMetadata::new().with(PROVIDER_ID_KEY, Value::Object(cohere)))
}

fn convert_response(answer: &ChatResponse) -> Vec<Content> {
    let message = &answer.message;
    let mut content = Vec::new();
    for item in &message.content {
        match item {
            AssistantContent::Thinking { thinking } if !thinking.is_empty() => {
                content.push(Content::Reasoning { text: thinking.clone(), provider_metadata: None })
            }
            AssistantContent::Text { text } if !text.is_empty() => content.push(Content::text(text.clone())),
            _ => {}
        }
    }
    content.extend(message.citations.iter().map(|citation| Content::Source(citation_source(citation))));
    for call in &message.tool_calls {
        let function = call.function.as_ref();
        content.push(Content::ToolCall(ToolCall::new(
            call.id.clone().unwrap_or_else(|| generate_id("call")),
            function.and_then(|function| function.name.clone()).unwrap_or_default(),
            tool_input(function.and_then(|function| function.arguments.as_deref())),
        )));
    }
    content
}

#[async_trait]
impl LanguageModel for CohereLanguageModel {
    crate::provider::model_identity!(const PROVIDER_ID, model_id);

    fn supported_urls(&self) -> Vec<SupportedUrl> {
        vec![SupportedUrl::new("image/*", "https://"), SupportedUrl::new("image/*", "http://")]
    }

    async fn do_generate(&self, options: &CallOptions) -> Result<GenerateResponse> {
        let (body, warnings) = self.request_body(options, false)?;
        let connection = connection_for_call(&self.connection)?;
        let headers = connection.headers(&options.headers)?;
        let response = connection.post_operation(&self.chat, &self.model_id, body, headers, &options.extra).await?.json::<ChatResponse>().await?;
        let answer = &response.value;
        let raw_finish_reason = answer.finish_reason.to_string();
        let mut result = GenerateResponse::new(
            convert_response(answer),
            map_cohere_finish_reason(Some(&raw_finish_reason)),
            convert_usage(answer.usage.as_ref()),
        );
        result.raw_finish_reason = Some(raw_finish_reason);
        result.provider_metadata = response_metadata(answer.message.tool_plan.as_deref(), answer.usage.as_ref());
        result.request = RequestMetadata::sent(response.request_body.as_ref());
        result.response = ResponseMetadata::new(Some(answer.id.clone()), Some(self.model_id.clone()), None)
            .with_headers(response.headers.clone())
            .with_body(response.raw_json());
        result.warnings = warnings;
        Ok(result)
    }

    async fn do_stream(&self, options: &CallOptions) -> Result<StreamResponse> {
        let (body, warnings) = self.request_body(options, true)?;
        let connection = connection_for_call(&self.connection)?;
        let headers = connection.headers(&options.headers)?;
        let mut response = connection.post_operation(&self.chat, &self.model_id, body, headers, &options.extra).await?;
        let request = RequestMetadata::sent(response.request_body.as_ref());
        let metadata = ResponseMetadata::default().with_headers(std::mem::take(&mut response.headers));
        let mapper = CohereEventMapper::new(options.include_raw_chunks, self.model_id.clone());
        let stream = PartsStream::starting_with(response.sse(), mapper, StreamPart::StreamStart { warnings });
        Ok(StreamResponse::new(Box::pin(stream), request, metadata))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::{Message, ProviderOptions, ResponseFormat};
    use crate::providers::vendor_test_support::every_core_option;

    fn model() -> CohereLanguageModel {
        super::super::create_cohere(Default::default()).language_model("command-a-03-2025")
    }

    #[test]
    fn request_maps_every_core_option() {
        let mut options = every_core_option();
        options.response_format = Some(ResponseFormat::Json { schema: Some(json!({"type": "object"})), name: None, description: None });
        options.provider_options = ProviderOptions::new().with("cohere", json!({"citationMode": "FAST", "safetyMode": "STRICT"}));
        let (body, warnings) = model().request_body(&options, true).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(
            serde_json::to_value(&body).unwrap(),
            json!({
                "model": "command-a-03-2025", "messages": [{"role": "user", "content": [{"type": "text", "text": "hi"}]}],
                "max_tokens": 100, "temperature": 0.5, "p": 0.25, "k": 40, "stop_sequences": ["END"], "seed": 7,
                "presence_penalty": 0.5, "frequency_penalty": 0.25,
                "response_format": {"type": "json_object", "json_schema": {"type": "object"}},
                "citation_options": {"mode": "FAST"}, "safety_mode": "STRICT", "stream": true
            })
        );
    }

    #[test]
    fn reasoning_effort_becomes_a_thinking_budget_unless_the_option_says() {
        let mut options = CallOptions::new(vec![Message::user("hi")]);
        options.reasoning_effort = Some(ReasoningEffort::Low);
        let (body, _) = model().request_body(&options, false).unwrap();
        assert_eq!(serde_json::to_value(&body.thinking).unwrap(), json!({"type": "enabled", "token_budget": 2048}));
        options.reasoning_effort = Some(ReasoningEffort::None);
        let (body, _) = model().request_body(&options, false).unwrap();
        assert_eq!(serde_json::to_value(&body.thinking).unwrap(), json!({"type": "disabled"}));
        options.provider_options = ProviderOptions::new().with("cohere", json!({"thinking": {"tokenBudget": 500}}));
        let (body, warnings) = model().request_body(&options, false).unwrap();
        assert_eq!(serde_json::to_value(&body.thinking).unwrap(), json!({"type": "enabled", "token_budget": 500}));
        assert_eq!(warnings.len(), 1);
    }

    #[test]
    fn tool_input_of_tools_without_arguments_is_an_empty_object() {
        assert_eq!(tool_input(Some("null")), "{}");
        assert_eq!(tool_input(None), "{}");
        assert_eq!(tool_input(Some(r#"{"a":1}"#)), r#"{"a":1}"#);
    }
}
