//! The legacy completions language model (`POST /completions`, `gpt-3.5-turbo-instruct`).
//!
//! The prompt is flattened into text: the system message first, then `user:` and `assistant:`
//! turns, ending with `assistant:`; `\nuser:` is added as a stop sequence so the model does not
//! write the user's next turn. Tools, files and JSON schemas cannot be expressed and fail or warn.

use async_trait::async_trait;
use serde::Deserialize;
use serde_json::{Map, Value};
use specai_generated::openai::types as api;

use crate::error::{Error, Result};
use crate::provider::{
    AssistantPart, CallOptions, Content, GenerateResponse, LanguageModel, Message, ProviderMetadata, RequestMetadata,
    ResponseFormat, ResponseMetadata, StreamResponse, UserPart, Warning,
};
use crate::provider_utils::{EventMapper, PartsStream, SseEvent};

use super::map_openai_finish_reason::map_openai_finish_reason;
use super::openai_options::{OPENAI_PROVIDER_ID, OpenAiOptions};
use super::openai_chat_language_model::widen;
use super::openai_chat_language_model::chat_usage;

use super::{SharedConfig, config_for_call, timestamp};

/// A legacy completions model. Built by [`OpenAiProvider::completion`](super::OpenAiProvider::completion).
#[derive(Debug, Clone)]
pub struct OpenAiCompletionLanguageModel {
    model_id: String,
    provider: String,
    url: String,
    config: SharedConfig,
}

impl OpenAiCompletionLanguageModel {
    pub(crate) fn new(model_id: String, config: SharedConfig) -> Self {
        let (provider, url) = match &config {
            Ok(config) => (config.provider_id("completion"), config.url("/completions")),
            Err(_) => ("openai.completion".to_owned(), String::new()),
        };
        OpenAiCompletionLanguageModel { model_id, provider, url, config }
    }
}

/// A stream chunk (the spec's `CreateCompletionResponse`), lenient and without the flattened
/// `extra` map of the generated type, which would make serde buffer every field of every event.
#[derive(Debug, Deserialize)]
struct CompletionChunk {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    model: Option<String>,
    #[serde(default)]
    created: Option<i64>,
    #[serde(default)]
    choices: Vec<CompletionChoice>,
    #[serde(default)]
    usage: Option<api::CompletionUsage>,
    #[serde(default)]
    error: Option<super::openai_error::OpenAiErrorDetail>,
}

#[derive(Debug, Deserialize)]
struct CompletionChoice {
    #[serde(default)]
    text: String,
    #[serde(default)]
    finish_reason: Option<String>,
}

/// The prompt as one text, and the stop sequence that ends the assistant's turn.
fn completion_prompt(prompt: &[Message]) -> Result<String> {
    let mut text = String::new();
    for message in prompt {
        match message {
            Message::System { content, .. } => {
                text.push_str(content);
                text.push_str("\n\n");
            }
            Message::User { content, .. } => {
                text.push_str("user:\n");
                for part in content {
                    match part {
                        UserPart::Text(part) => text.push_str(&part.text),
                        UserPart::File(_) => return Err(Error::unsupported("file parts in a completions prompt", None)),
                    }
                }
                text.push_str("\n\n");
            }
            Message::Assistant { content, .. } => {
                text.push_str("assistant:\n");
                for part in content {
                    match part {
                        AssistantPart::Text(part) => text.push_str(&part.text),
                        AssistantPart::ToolCall(_) => {
                            return Err(Error::unsupported("tool calls in a completions prompt", None));
                        }
                        _ => {}
                    }
                }
                text.push_str("\n\n");
            }
            Message::Tool { .. } => return Err(Error::unsupported("tool messages in a completions prompt", None)),
        }
    }
    text.push_str("assistant:\n");
    Ok(text)
}

impl OpenAiCompletionLanguageModel {
    fn request<'a>(
        &'a self,
        options: &'a CallOptions,
        provider_options: &'a OpenAiOptions,
        stream: bool,
    ) -> Result<(api::CreateCompletionRequest, Vec<Warning>)> {
        let mut warnings = Vec::new();
        if options.top_k.is_some() {
            warnings.push(Warning::unsupported("top_k", None));
        }
        if !options.tools.is_empty() {
            warnings.push(Warning::unsupported("tools", Some("the completions API has no tools".to_owned())));
        }
        if options.tool_choice.is_some() {
            warnings.push(Warning::unsupported("tool_choice", None));
        }
        if let Some(ResponseFormat::Json { .. }) = options.response_format {
            warnings.push(Warning::unsupported("response_format", Some("JSON output is not supported".to_owned())));
        }
        if options.reasoning_effort.is_some() {
            warnings.push(Warning::unsupported("reasoning_effort", None));
        }
        let mut stop = vec!["\nuser:".to_owned()];
        stop.extend(options.stop_sequences.iter().cloned());
        Ok((
            api::CreateCompletionRequest {
                model: self.model_id.clone(),
                prompt: Some(api::CreateCompletionRequestPrompt::Variant0(completion_prompt(&options.prompt)?)),
                max_tokens: options.max_output_tokens.map(i64::from),
                temperature: options.temperature.map(widen),
                top_p: options.top_p.map(widen),
                frequency_penalty: options.frequency_penalty.map(widen),
                presence_penalty: options.presence_penalty.map(widen),
                seed: options.seed.map(|seed| seed as i64),
                stop: Some(api::StopConfiguration::Array(stop)),
                logit_bias: provider_options
                    .logit_bias
                    .as_ref()
                    .map(|bias| bias.iter().map(|(token, bias)| (token.clone(), bias.round() as i64)).collect()),
                logprobs: provider_options.logprobs.and_then(|logprobs| logprobs.top()).map(|top| i64::from(top.max(1))),
                echo: provider_options.echo,
                suffix: provider_options.suffix.clone(),
                user: provider_options.user.clone(),
                best_of: None,
                n: None,
                stream: stream.then_some(true),
                stream_options: stream.then(|| api::ChatCompletionStreamOptions {
                    include_usage: Some(true),
                    include_obfuscation: None,
                    extra: Map::new(),
                }),
                extra: Map::new(),
            },
            warnings,
        ))
    }
}

#[async_trait]
impl LanguageModel for OpenAiCompletionLanguageModel {
    fn provider(&self) -> &str {
        &self.provider
    }

    fn model_id(&self) -> &str {
        &self.model_id
    }

    async fn do_generate(&self, options: &CallOptions) -> Result<GenerateResponse> {
        let config = config_for_call(&self.config)?;
        let provider_options: OpenAiOptions = options.provider_options.parse(OPENAI_PROVIDER_ID)?.unwrap_or_default();
        let (request, warnings) = self.request(options, &provider_options, false)?;
        let response =
            config.post_json(&self.url, &request, &options.headers).await?.json::<api::CreateCompletionResponse>().await?;
        let completion = response.value;
        let choice = completion.choices.into_iter().next();
        let finish_reason = choice.as_ref().and_then(|choice| choice.finish_reason.as_ref()).map(|reason| match reason {
            api::FinishReason::Unlisted(other) => other.clone(),
            known => known.to_string(),
        });
        let mut result = GenerateResponse::new(
            choice.as_ref().filter(|choice| !choice.text.is_empty()).map(|choice| Content::text(choice.text.clone())).into_iter().collect(),
            map_openai_finish_reason(finish_reason.as_deref()),
            completion.usage.as_ref().map(chat_usage).unwrap_or_default(),
        );
        if let Some(logprobs) = choice.and_then(|choice| choice.logprobs) {
            let logprobs = serde_json::to_value(logprobs).unwrap_or(Value::Null);
            result.provider_metadata = Some(ProviderMetadata::new().with(OPENAI_PROVIDER_ID, serde_json::json!({"logprobs": logprobs})));
        }
        result.raw_finish_reason = finish_reason;
        result.request = RequestMetadata::sent(response.request_body.as_ref());
        result.response = ResponseMetadata::new(Some(completion.id), Some(completion.model), timestamp(Some(completion.created)))
            .with_headers(response.headers);
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
        let mapper = CompletionStreamState {
            warnings: Some(warnings),
            metadata_sent: false,
            text_started: false,
            finish_reason: None,
            usage: None,
            url: response.url.clone(),
            ended: false,
        };
        let stream = PartsStream::new(response.sse(), mapper);
        Ok(StreamResponse::new(Box::pin(stream), request, ResponseMetadata::default().with_headers(headers)))
    }
}

/// Maps legacy completion chunks to parts.
struct CompletionStreamState {
    warnings: Option<Vec<Warning>>,
    metadata_sent: bool,
    text_started: bool,
    finish_reason: Option<String>,
    usage: Option<api::CompletionUsage>,
    url: String,
    ended: bool,
}

const TEXT_ID: &str = "txt-0";

impl EventMapper for CompletionStreamState {
    fn on_event(&mut self, event: &SseEvent, out: &mut std::collections::VecDeque<crate::provider::StreamPart>) -> Result<()> {
        use crate::provider::StreamPart;
        if let Some(warnings) = self.warnings.take() {
            out.push_back(StreamPart::StreamStart { warnings });
        }
        let chunk: CompletionChunk = serde_json::from_slice(&event.data).map_err(|error| {
            Error::invalid_response(
                format!("malformed completion chunk: {error}"),
                Some(String::from_utf8_lossy(&event.data).into_owned()),
                Some(std::sync::Arc::new(error)),
            )
        })?;
        if let Some(error) = chunk.error {
            return Err(super::openai_error::stream_error(error, &self.url));
        }
        if !self.metadata_sent {
            self.metadata_sent = true;
            out.push_back(StreamPart::ResponseMetadata(ResponseMetadata::new(chunk.id, chunk.model, timestamp(chunk.created))));
        }
        if chunk.usage.is_some() {
            self.usage = chunk.usage;
        }
        if let Some(choice) = chunk.choices.into_iter().next() {
            if !choice.text.is_empty() {
                if !self.text_started {
                    self.text_started = true;
                    out.push_back(StreamPart::TextStart { id: TEXT_ID.into(), provider_metadata: None });
                }
                out.push_back(StreamPart::TextDelta { id: TEXT_ID.into(), delta: choice.text });
            }
            if choice.finish_reason.is_some() {
                self.finish_reason = choice.finish_reason;
            }
        }
        Ok(())
    }

    fn on_end(&mut self, out: &mut std::collections::VecDeque<crate::provider::StreamPart>) -> Result<()> {
        use crate::provider::StreamPart;
        if std::mem::replace(&mut self.ended, true) {
            return Ok(());
        }
        if let Some(warnings) = self.warnings.take() {
            out.push_back(StreamPart::StreamStart { warnings });
        }
        if self.text_started {
            out.push_back(StreamPart::TextEnd { id: TEXT_ID.into(), provider_metadata: None });
        }
        out.push_back(StreamPart::Finish {
            usage: self.usage.as_ref().map(chat_usage).unwrap_or_default(),
            finish_reason: map_openai_finish_reason(self.finish_reason.as_deref()),
            raw_finish_reason: self.finish_reason.take(),
            provider_metadata: None,
        });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flattens_the_conversation() {
        let prompt = vec![Message::system("Be brief."), Message::user("Hi"), Message::assistant("Hello"), Message::user("Bye")];
        assert_eq!(completion_prompt(&prompt).unwrap(), "Be brief.\n\nuser:\nHi\n\nassistant:\nHello\n\nuser:\nBye\n\nassistant:\n");
    }
}
