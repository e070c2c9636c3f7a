//! Simulate streaming: a model's `do_stream` served from its `do_generate`, for models (or
//! gateways) that cannot stream, so that `stream_text` works with them all the same.

use std::sync::Arc;

use async_trait::async_trait;

use super::language_model_middleware::LanguageModelMiddleware;
use crate::error::Result;
use crate::provider::{
    BlockId, CallOptions, Content, GenerateResponse, LanguageModel, StreamPart, StreamResponse,
};

/// Answers stream calls with one generate call, replayed as a stream: the stream start, the
/// response metadata, one block per text and reasoning part, the other parts as they are, and
/// the finish.
///
/// ```
/// use std::sync::Arc;
/// use specai::middleware::{simulate_streaming, wrap_language_model};
/// use specai::test_util::{MockLanguageModel, text_response};
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> specai::Result<()> {
/// let mock = MockLanguageModel::new().with_response(text_response("Hello from generate"));
/// let model = wrap_language_model(mock, vec![Arc::new(simulate_streaming())]);
/// let mut stream = specai::stream_text(model).prompt("Hi").start();
/// assert_eq!(stream.text().await?, "Hello from generate");
/// # Ok(()) }
/// ```
pub fn simulate_streaming() -> SimulateStreaming {
    SimulateStreaming
}

/// The simulate-streaming middleware; built with [`simulate_streaming`].
#[derive(Debug, Clone, Copy, Default)]
pub struct SimulateStreaming;

#[async_trait]
impl LanguageModelMiddleware for SimulateStreaming {
    async fn wrap_stream(
        &self,
        options: &CallOptions,
        model: &Arc<dyn LanguageModel>,
    ) -> Result<StreamResponse> {
        let response = model.do_generate(options).await?;
        let request = response.request.clone();
        let metadata = response.response.clone();
        let parts = replay(response);
        Ok(StreamResponse::new(
            Box::pin(futures::stream::iter(parts.into_iter().map(Ok))),
            request,
            metadata,
        ))
    }
}

/// The parts a stream of `response` would have had.
fn replay(response: GenerateResponse) -> Vec<StreamPart> {
    let mut parts = Vec::with_capacity(response.content.len() * 3 + 3);
    parts.push(StreamPart::StreamStart {
        warnings: response.warnings,
    });
    let mut metadata = response.response;
    metadata.body = None; // not kept for streams
    parts.push(StreamPart::ResponseMetadata(Box::new(metadata)));
    for (index, content) in response.content.into_iter().enumerate() {
        let id = BlockId::from(index.to_string());
        match content {
            Content::Text {
                text,
                provider_metadata,
            } => {
                if text.is_empty() {
                    continue;
                }
                parts.push(StreamPart::TextStart {
                    id: id.clone(),
                    provider_metadata: provider_metadata.clone(),
                });
                parts.push(StreamPart::TextDelta {
                    id: id.clone(),
                    delta: text,
                });
                parts.push(StreamPart::TextEnd {
                    id,
                    provider_metadata,
                });
            }
            Content::Reasoning {
                text,
                provider_metadata,
            } => {
                parts.push(StreamPart::ReasoningStart {
                    id: id.clone(),
                    provider_metadata: provider_metadata.clone(),
                });
                parts.push(StreamPart::ReasoningDelta {
                    id: id.clone(),
                    delta: text,
                    provider_metadata: None,
                });
                parts.push(StreamPart::ReasoningEnd {
                    id,
                    provider_metadata,
                });
            }
            Content::ToolCall(call) => parts.push(StreamPart::ToolCall(Box::new(call))),
            Content::ToolResult(result) => parts.push(StreamPart::ToolResult(Box::new(result))),
            Content::File(file) => parts.push(StreamPart::File(Box::new(file))),
            Content::Source(source) => parts.push(StreamPart::Source(Box::new(source))),
            other => {
                // A content kind added to the spec later: not silently dropped.
                tracing::warn!(
                    ?other,
                    "simulate_streaming: content kind without a stream part"
                );
            }
        }
    }
    parts.push(StreamPart::Finish {
        usage: Box::new(response.usage),
        finish_reason: response.finish_reason,
        raw_finish_reason: response.raw_finish_reason,
        provider_metadata: response.provider_metadata,
    });
    parts
}

#[cfg(test)]
mod tests {
    use futures::StreamExt;
    use serde_json::json;

    use super::*;
    use crate::middleware::wrap_language_model;
    use crate::provider::{
        FileData, FinishReason, GeneratedFile, JsonBody, ProviderOptions, RequestMetadata,
        ResponseMetadata, Source, ToolCall, Usage, Warning,
    };
    use crate::test_util::MockLanguageModel;

    #[tokio::test]
    async fn every_content_kind_is_replayed_in_order_with_the_metadata() {
        let signature = Some(ProviderOptions::new().with("anthropic", json!({"signature": "sig"})));
        let mut response = GenerateResponse::new(
            vec![
                Content::Reasoning {
                    text: "hmm".into(),
                    provider_metadata: signature.clone(),
                },
                Content::text("Hello"),
                Content::text(""),
                Content::ToolCall(ToolCall::new("c1", "weather", r#"{"city":"Paris"}"#)),
                Content::File(GeneratedFile::new(
                    FileData::Base64("AA==".into()),
                    "image/png",
                )),
                Content::Source(Source::Url {
                    id: "s".into(),
                    url: "https://x".into(),
                    title: None,
                    provider_metadata: None,
                }),
            ],
            FinishReason::ToolCalls,
            Usage::from_totals(Some(3), Some(4)),
        );
        response.raw_finish_reason = Some("tool_use".into());
        response.warnings = vec![Warning::unsupported("seed", None)];
        response.request =
            RequestMetadata::with_body(Some(JsonBody::from_value(&json!({"model": "m"}))));
        response.response = ResponseMetadata::new(Some("resp-1".into()), Some("m-1".into()), None)
            .with_body(Some(JsonBody::new("{}")));
        response.provider_metadata =
            Some(ProviderOptions::new().with("vendor", json!({"cost": 1})));
        let mock = MockLanguageModel::new().with_response(response);
        let model = wrap_language_model(mock.clone(), vec![Arc::new(simulate_streaming())]);
        let streamed = model.do_stream(&CallOptions::default()).await.unwrap();
        assert_eq!(
            streamed.request.body.unwrap().json(),
            Some(json!({"model": "m"}))
        );
        assert_eq!(streamed.response.id.as_deref(), Some("resp-1"));
        let parts: Vec<StreamPart> = streamed.stream.map(Result::unwrap).collect().await;
        assert_eq!(
            parts[0],
            StreamPart::StreamStart {
                warnings: vec![Warning::unsupported("seed", None)]
            }
        );
        assert_eq!(
            parts[1],
            StreamPart::ResponseMetadata(Box::new(ResponseMetadata::new(
                Some("resp-1".into()),
                Some("m-1".into()),
                None
            )))
        );
        assert_eq!(
            parts[2],
            StreamPart::ReasoningStart {
                id: "0".into(),
                provider_metadata: signature.clone()
            }
        );
        assert_eq!(
            parts[4],
            StreamPart::ReasoningEnd {
                id: "0".into(),
                provider_metadata: signature
            }
        );
        assert_eq!(
            parts[6],
            StreamPart::TextDelta {
                id: "1".into(),
                delta: "Hello".into()
            }
        );
        assert!(
            matches!(parts[8], StreamPart::ToolCall(ref call) if call.tool_call_id == "c1"),
            "the empty text is skipped"
        );
        assert!(
            matches!(parts[9], StreamPart::File(_)) && matches!(parts[10], StreamPart::Source(_))
        );
        assert!(matches!(
            &parts[11],
            StreamPart::Finish { finish_reason: FinishReason::ToolCalls, raw_finish_reason: Some(raw), provider_metadata: Some(_), .. } if raw == "tool_use"
        ));
        assert_eq!(parts.len(), 12);
        assert_eq!(mock.call_count(), 1);
    }

    #[tokio::test]
    async fn a_failed_generate_fails_the_stream_call() {
        let mock = MockLanguageModel::new()
            .with_error(crate::error::ApiCallError::new(503, "http://x", "down"));
        let model = wrap_language_model(mock, vec![Arc::new(simulate_streaming())]);
        assert_eq!(
            model
                .do_stream(&CallOptions::default())
                .await
                .unwrap_err()
                .status(),
            Some(503)
        );
    }
}
