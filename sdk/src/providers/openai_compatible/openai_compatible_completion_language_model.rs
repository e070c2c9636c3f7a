//! The legacy text-completions model (`POST /completions` of the mapping's `completion`
//! operation): the prompt is flattened to text (`user:` / `assistant:` turns), tools are not taken.

use std::collections::VecDeque;
use std::sync::Arc;

use async_trait::async_trait;
use serde_json::Value;
use specai_generated::openai_compatible::types::{
    ChatCompletionStreamOptions, CreateCompletionRequest, CreateCompletionRequestPrompt, CreateCompletionResponse, StopConfiguration,
};

use super::map_openai_compatible_finish_reason::map_openai_compatible_finish_reason;
use super::openai_compatible_request::shape_request;
use super::openai_compatible_options::{OpenAiCompatibleOptions, parse_options};
use super::openai_compatible_usage::usage_from_value;
use super::{Config, SharedConfig, config_for_call, timestamp};
use crate::error::{Error, Result};
use crate::provider::{
    AssistantPart, BlockId, CallOptions, Content, GenerateResponse, LanguageModel, Message, RequestMetadata,
    ResponseFormat, ResponseMetadata, StreamPart, StreamResponse, Usage, UserPart, Warning,
};
use crate::provider_utils::{EventMapper, PartsStream, emulate_json_response_format, map_events_by_data, shortest_decimal};

/// A text-completions model of an OpenAI-compatible provider.
#[derive(Debug, Clone)]
pub struct OpenAiCompatibleCompletionLanguageModel {
    model_id: String,
    provider: String,
    config: SharedConfig,
}

impl OpenAiCompatibleCompletionLanguageModel {
    pub(crate) fn new(model_id: String, config: SharedConfig, name: &str) -> Self {
        OpenAiCompatibleCompletionLanguageModel { model_id, provider: format!("{name}.completion"), config }
    }
}

/// The prompt as one text: system text first, then `user:` and `assistant:` turns, ending with
/// `assistant:` so the model continues as the assistant. The stop sequence `\nuser:` is added.
fn completion_prompt(prompt: &[Message]) -> Result<String> {
    let mut text = String::new();
    for message in prompt {
        match message {
            Message::System { content, .. } => {
                text.push_str(content);
                text.push_str("\n\n");
            }
            Message::User { content, .. } => {
                let parts: Vec<&str> = content
                    .iter()
                    .map(|part| match part {
                        UserPart::Text(part) => Ok(part.text.as_str()),
                        other => {
                            Err(Error::unsupported(format!("{} parts in a text-completion prompt", other.kind()), None))
                        }
                    })
                    .collect::<Result<_>>()?;
                text.push_str(&format!("user:\n{}\n\n", parts.join("")));
            }
            Message::Assistant { content, .. } => {
                let mut turn = String::new();
                for part in content {
                    match part {
                        AssistantPart::Text(part) => turn.push_str(&part.text),
                        AssistantPart::ToolCall(_) => return Err(Error::unsupported("tool calls in a text-completion prompt", None)),
                        _ => {}
                    }
                }
                text.push_str(&format!("assistant:\n{turn}\n\n"));
            }
            // Tool messages, and roles added to the spec later.
            other => {
                return Err(Error::unsupported(format!("{} messages in a text-completion prompt", other.role()), None));
            }
        }
    }
    text.push_str("assistant:\n");
    Ok(text)
}

impl OpenAiCompatibleCompletionLanguageModel {
    fn prepare(&self, config: &Config, options: &CallOptions, stream: bool) -> Result<(super::openai_compatible_request::RequestBody<CreateCompletionRequest>, Vec<Warning>, String)> {
        let mut warnings = Vec::new();
        if !options.tools.is_empty() {
            return Err(Error::unsupported("tools", Some("the text-completions API takes no tools".to_owned())));
        }
        let provider_options: OpenAiCompatibleOptions = parse_options(&options.provider_options, &config.name)?;
        let mut prompt = options.prompt.clone();
        if let Some(ResponseFormat::Json { .. }) = &options.response_format {
            warnings.extend(emulate_json_response_format(&mut prompt, options.response_format.as_ref()));
        }
        if options.top_k.is_some() {
            warnings.push(Warning::unsupported("topK", None));
        }
        let mut stop = vec!["\nuser:".to_owned()];
        stop.extend(options.stop_sequences.iter().cloned());
        let request = CreateCompletionRequest {
            model: self.model_id.clone(),
            prompt: Some(CreateCompletionRequestPrompt::Variant0(completion_prompt(&prompt)?)),
            max_tokens: options.max_output_tokens.map(i64::from),
            temperature: options.temperature.map(shortest_decimal),
            top_p: options.top_p.map(shortest_decimal),
            frequency_penalty: options.frequency_penalty.map(shortest_decimal),
            presence_penalty: options.presence_penalty.map(shortest_decimal),
            seed: options.seed.and_then(|seed| i64::try_from(seed).ok()),
            stop: Some(StopConfiguration::Array(stop)),
            stream: stream.then_some(true),
            stream_options: (stream && config.mapping.request.stream_include_usage)
                .then(|| ChatCompletionStreamOptions { include_usage: Some(true), ..Default::default() }),
            user: provider_options.user,
            extra: provider_options.extra,
            ..Default::default()
        };
        let url = {
            let operation = config.mapping.operations.completion.as_ref().ok_or_else(|| {
                Error::unsupported("text completions", Some(format!("{} has no completion operation in its mapping", config.mapping.display_name)))
            })?;
            config.url(operation, &self.model_id)?
        };
        Ok((shape_request(config, request, &[], Some(&mut warnings))?, warnings, url))
    }
}

fn usage_of(config: &Config, completion: &CreateCompletionResponse) -> Usage {
    completion
        .usage
        .as_ref()
        .and_then(|usage| serde_json::to_value(usage).ok())
        .map(|usage| usage_from_value(&usage, &config.mapping.usage).usage)
        .unwrap_or_default()
}

#[async_trait]
impl LanguageModel for OpenAiCompatibleCompletionLanguageModel {
    crate::provider::model_identity!(provider, model_id);

    async fn do_generate(&self, options: &CallOptions) -> Result<GenerateResponse> {
        let config = config_for_call(&self.config)?;
        let (body, warnings, url) = self.prepare(config, options, false)?;
        let response = config.post_json(&url, body, &options.headers, &options.extra).await?;
        let request = RequestMetadata::sent(response.request_body.as_ref());
        let decoded = super::read_json::<CreateCompletionResponse>(response).await?;
        let raw = decoded.raw;
        let completion = decoded.value;
        let usage = usage_of(config, &completion);
        let choice = completion.choices.first();
        let raw_finish_reason = choice.and_then(|choice| choice.finish_reason.as_ref().map(ToString::to_string));
        let text = choice.map(|choice| choice.text.clone()).unwrap_or_default();
        let content = if text.is_empty() { Vec::new() } else { vec![Content::text(text)] };
        let mut result = GenerateResponse::new(content, map_openai_compatible_finish_reason(raw_finish_reason.as_deref()), usage);
        result.raw_finish_reason = raw_finish_reason;
        result.request = request;
        result.response = ResponseMetadata::new(completion.id, completion.model, timestamp(completion.created))
            .with_headers(decoded.headers)
            .with_body(Some(raw));
        result.warnings = warnings;
        Ok(result)
    }

    async fn do_stream(&self, options: &CallOptions) -> Result<StreamResponse> {
        let config = config_for_call(&self.config)?;
        let (body, warnings, url) = self.prepare(config, options, true)?;
        let response = config.post_json(&url, body, &options.headers, &options.extra).await?;
        let request = RequestMetadata::sent(response.request_body.as_ref());
        let metadata = ResponseMetadata::default().with_headers(response.headers.clone());
        let state = CompletionStreamState::new(config.mapping.usage, options.include_raw_chunks);
        let stream = PartsStream::starting_with(response.sse(), state, StreamPart::StreamStart { warnings });
        Ok(StreamResponse::new(Box::pin(stream), request, metadata))
    }
}

/// Maps text-completion chunks (the `CreateCompletionResponse` shape) to parts.
pub(super) struct CompletionStreamState {
    usage_mapping: specai_generated::mappings::UsageMapping,
    include_raw_chunks: bool,
    text: Option<BlockId>,
    metadata_sent: bool,
    finish_reason: Option<String>,
    usage: Option<Value>,
}

impl CompletionStreamState {
    pub(super) fn new(usage_mapping: specai_generated::mappings::UsageMapping, include_raw_chunks: bool) -> Self {
        CompletionStreamState { usage_mapping, include_raw_chunks, text: None, metadata_sent: false, finish_reason: None, usage: None }
    }

    /// Maps one event's data: a completion chunk.
    fn map_data(&mut self, data: &[u8], out: &mut VecDeque<StreamPart>) -> Result<()> {
        let chunk: CreateCompletionResponse = super::lenient_json::decode_lenient(data).map_err(|error| {
            let raw = String::from_utf8_lossy(data).into_owned();
            Error::invalid_response(format!("invalid completion chunk: {error}"), Some(raw), Some(Arc::new(error)))
        })?;
        if self.include_raw_chunks
            && let Ok(raw_value) = serde_json::from_slice(data)
        {
            out.push_back(StreamPart::Raw { raw_value });
        }
        if !self.metadata_sent {
            self.metadata_sent = true;
            out.push_back(StreamPart::ResponseMetadata(Box::new(ResponseMetadata::new(chunk.id.clone(), chunk.model.clone(), timestamp(chunk.created)))));
        }
        if let Some(usage) = chunk.usage.as_ref().and_then(|usage| serde_json::to_value(usage).ok()) {
            self.usage = Some(usage);
        }
        if let Some(choice) = chunk.choices.into_iter().next() {
            if let Some(reason) = choice.finish_reason {
                self.finish_reason = Some(reason.to_string());
            }
            if !choice.text.is_empty() {
                let id = self.text.get_or_insert_with(|| {
                    let id: BlockId = Arc::from("text-0");
                    out.push_back(StreamPart::TextStart { id: id.clone(), provider_metadata: None });
                    id
                });
                out.push_back(StreamPart::TextDelta { id: id.clone(), delta: choice.text });
            }
        }
        Ok(())
    }
}

impl EventMapper for CompletionStreamState {
    map_events_by_data!();

    fn on_end(&mut self, out: &mut VecDeque<StreamPart>) -> Result<()> {
        if let Some(id) = self.text.take() {
            out.push_back(StreamPart::TextEnd { id, provider_metadata: None });
        }
        out.push_back(StreamPart::Finish {
            usage: Box::new(self.usage.take().map(|usage| usage_from_value(&usage, &self.usage_mapping).usage).unwrap_or_default()),
            finish_reason: map_openai_compatible_finish_reason(self.finish_reason.as_deref()),
            raw_finish_reason: self.finish_reason.take(),
            provider_metadata: None,
        });
        Ok(())
    }

    fn is_complete(&self) -> bool {
        self.finish_reason.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prompt_is_flattened_into_turns() {
        let prompt = vec![Message::system("Be brief."), Message::user("Hi"), Message::assistant("Hello"), Message::user("Bye")];
        assert_eq!(completion_prompt(&prompt).unwrap(), "Be brief.\n\nuser:\nHi\n\nassistant:\nHello\n\nuser:\nBye\n\nassistant:\n");
    }

    /// A text chunk costs its decode into the generated (owned) types: the id, model and
    /// fingerprint strings, the choice list and the text.
    #[test]
    fn a_text_chunk_allocates_its_strings_and_choice_list() {
        let chunk = r#"{"id":"cmpl-1","object":"text_completion","created":1741570283,"model":"gpt-3.5-turbo-instruct","system_fingerprint":"fp_1","choices":[{"index":0,"text":"abcd","logprobs":null,"finish_reason":null}]}"#;
        let event = format!("data: {chunk}\n\n");
        let mapper = || CompletionStreamState::new(specai_generated::mappings::OPENAI.usage, false);
        assert_eq!(crate::provider_utils::allocation_count::allocations_of_hundred_text_deltas(mapper, &event, 3, &event), 500);
    }
}
