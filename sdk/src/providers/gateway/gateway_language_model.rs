//! A language model behind the gateway: `POST /language-model` with the AI SDK's call options
//! as JSON, the model named by `ai-language-model-id`, and `ai-language-model-streaming`
//! choosing between one JSON result and a stream of the AI SDK's stream parts (SSE).

use async_trait::async_trait;
use http::{HeaderMap, HeaderName, HeaderValue};
use serde::Deserialize;
use serde_json::Value;

use super::convert_to_gateway_call_options::convert_to_gateway_call_options;
use super::gateway_options::check_gateway_options;
use super::gateway_parts::{GatewayPart, Mapped, finish, timestamp, usage, warning};
use super::gateway_stream::GatewayEventMapper;
use super::{SharedConnection, connection_for_call, provider_name};
use crate::error::{Error, Result};
use crate::provider::{
    CallOptions, GenerateResponse, LanguageModel, ProviderMetadata, RequestMetadata, ResponseMetadata, StreamResponse, SupportedUrl,
    Warning,
};
use crate::provider_utils::{MappedConnection, ModelOperation, PartsStream};

/// The per-call headers of the language-model protocol: they carry the model id and the mode,
/// which a mapping's static headers cannot.
const SPECIFICATION_VERSION: (&str, &str) = ("ai-language-model-specification-version", "4");
const MODEL_ID_HEADER: &str = "ai-language-model-id";
const STREAMING_HEADER: &str = "ai-language-model-streaming";

/// A model behind the gateway, e.g. `anthropic/claude-sonnet-4.5` or `openai/gpt-5`.
#[derive(Debug, Clone)]
pub struct GatewayLanguageModel {
    model_id: String,
    provider: String,
    connection: SharedConnection,
    /// `POST /language-model`, its URL built once.
    operation: ModelOperation,
}

/// A generate result as the gateway sends it (`LanguageModelV4GenerateResult` in JSON).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct GenerateResult {
    #[serde(default)]
    content: Vec<Value>,
    finish_reason: Option<Value>,
    usage: Option<Value>,
    provider_metadata: Option<ProviderMetadata>,
    response: Option<ResponseInfo>,
    #[serde(default)]
    warnings: Vec<Value>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ResponseInfo {
    id: Option<String>,
    timestamp: Option<String>,
    model_id: Option<String>,
}

/// The headers of one model call: the protocol's, then the caller's.
pub(crate) fn model_headers(connection: &MappedConnection, pairs: &[(&'static str, &str)], call_headers: &HeaderMap) -> Result<HeaderMap> {
    let mut headers = HeaderMap::new();
    for (name, value) in pairs {
        let value = HeaderValue::from_str(value).map_err(|_| Error::invalid_argument("model id", format!("`{value}` cannot be sent in the `{name}` header")))?;
        headers.insert(HeaderName::from_static(name), value);
    }
    for (name, value) in call_headers {
        headers.insert(name.clone(), value.clone());
    }
    connection.headers(&headers)
}

impl GatewayLanguageModel {
    pub(crate) fn new(model_id: &str, connection: SharedConnection) -> Self {
        let operation = ModelOperation::new(connection.as_deref().ok(), |operations| operations.chat.as_ref(), "language model", model_id);
        GatewayLanguageModel { model_id: model_id.to_owned(), provider: provider_name(&connection), connection, operation }
    }

    async fn post(&self, options: &CallOptions, streaming: bool) -> Result<(&MappedConnection, crate::provider_utils::ApiResponse)> {
        check_gateway_options(&options.provider_options)?;
        let body = convert_to_gateway_call_options(options)?;
        let connection = connection_for_call(&self.connection)?;
        let pairs = [SPECIFICATION_VERSION, (MODEL_ID_HEADER, self.model_id.as_str()), (STREAMING_HEADER, if streaming { "true" } else { "false" })];
        let headers = model_headers(connection, &pairs, &options.headers)?;
        Ok((connection, connection.post_operation(&self.operation, &self.model_id, body, headers, &options.extra).await?))
    }
}

#[async_trait]
impl LanguageModel for GatewayLanguageModel {
    crate::provider::model_identity!(provider, model_id);

    fn supported_urls(&self) -> Vec<SupportedUrl> {
        // The gateway (or the provider behind it) fetches URLs itself.
        vec![SupportedUrl::new("*/*", "")]
    }

    async fn do_generate(&self, options: &CallOptions) -> Result<GenerateResponse> {
        let (_, response) = self.post(options, false).await?;
        let response = response.json::<GenerateResult>().await?;
        let raw_body = response.raw_json();
        let answer = response.value;
        let mut warnings: Vec<Warning> = answer.warnings.into_iter().map(warning).collect();
        let mut content = Vec::with_capacity(answer.content.len());
        for part in answer.content {
            let kind = part.get("type").and_then(Value::as_str).unwrap_or("?").to_owned();
            let decoded: GatewayPart = serde_json::from_value(part).map_err(|error| {
                Error::invalid_response(format!("invalid `{kind}` content from the gateway: {error}"), raw_body.as_ref().map(|raw| raw.text().into_owned()), None)
            })?;
            match decoded.map() {
                Mapped::Content(item) => content.push(item),
                _ => warnings.push(Warning::other(format!("gateway content of type `{kind}` is not supported by specai; it was left out"))),
            }
        }
        let (finish_reason, raw_finish_reason) = finish(answer.finish_reason.as_ref());
        let mut result = GenerateResponse::new(content, finish_reason, usage(answer.usage.as_ref()));
        result.raw_finish_reason = raw_finish_reason;
        result.provider_metadata = answer.provider_metadata;
        let info = answer.response;
        let (id, time, model_id) = match info {
            Some(ResponseInfo { id, timestamp: time, model_id }) => (id, time.as_deref().and_then(timestamp), model_id),
            None => (None, None, None),
        };
        result.request = RequestMetadata::sent(response.request_body.as_ref());
        result.response = ResponseMetadata::new(id, model_id.or_else(|| Some(self.model_id.clone())), time).with_headers(response.headers).with_body(raw_body);
        result.warnings = warnings;
        Ok(result)
    }

    async fn do_stream(&self, options: &CallOptions) -> Result<StreamResponse> {
        let (connection, mut response) = self.post(options, true).await?;
        let request = RequestMetadata::sent(response.request_body.as_ref());
        let headers = std::mem::take(&mut response.headers);
        let metadata = ResponseMetadata::default().with_headers(headers.clone());
        let mapper = GatewayEventMapper::new(options.include_raw_chunks, response.url.clone(), headers, connection.errors);
        let stream = PartsStream::new(response.sse(), mapper);
        Ok(StreamResponse::new(Box::pin(stream), request, metadata))
    }
}
