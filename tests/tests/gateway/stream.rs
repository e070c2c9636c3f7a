//! `POST /language-model` streaming: the AI SDK's stream parts as SSE, raw parts on request,
//! error parts and cut streams.

use futures::StreamExt;
use serde_json::json;
use specai::provider::{CallOptions, FinishReason, LanguageModel, Message, StreamPart, Warning};
use specai::provider_utils::test_server::TestServer;
use specai::{Error, stream_text};

use super::{MODEL, assert_gateway_headers, provider, sse_response};
use crate::support::text_of;

async fn parts(model: &impl LanguageModel, options: &CallOptions) -> Vec<specai::Result<StreamPart>> {
    model.do_stream(options).await.unwrap().stream.collect().await
}

#[tokio::test]
async fn stream_text_reads_the_parts_and_sends_the_streaming_header() {
    let server = TestServer::start(vec![sse_response("stream_text")]).await;
    let mut stream = stream_text(provider(&server).language_model("openai/gpt-5")).prompt("Hello").start();
    assert_eq!(stream.text().await.unwrap(), "Hello! How can I help?");
    assert_eq!(stream.finish_reason().await.unwrap(), FinishReason::Stop);
    let usage = stream.usage().await.unwrap();
    assert_eq!((usage.input_tokens.total, usage.output_tokens.total, usage.output_tokens.reasoning), (Some(11), Some(30), Some(21)));
    let request = server.single_request();
    assert_gateway_headers(&request, "POST", "/v4/ai/language-model");
    assert_eq!(request.header("ai-language-model-id"), Some("openai/gpt-5"));
    assert_eq!(request.header("ai-language-model-streaming"), Some("true"));
    assert_eq!(request.json(), json!({"prompt": [{"role": "user", "content": [{"type": "text", "text": "Hello"}]}]}));
}

#[tokio::test]
async fn parts_in_order_with_raw_parts_only_on_request() {
    let server = TestServer::start(vec![sse_response("stream_text"), sse_response("stream_text")]).await;
    let model = provider(&server).language_model("openai/gpt-5");
    let mut options = CallOptions::new(vec![Message::user("Hello")]);
    let plain: Vec<StreamPart> = parts(&model, &options).await.into_iter().map(Result::unwrap).collect();
    assert!(matches!(&plain[0], StreamPart::StreamStart { warnings } if warnings.is_empty()));
    assert!(matches!(&plain[1], StreamPart::ResponseMetadata(metadata) if metadata.model_id.as_deref() == Some("gpt-5-2025-08-07") && metadata.timestamp.is_some()));
    assert!(matches!(&plain[2], StreamPart::ReasoningStart { id, provider_metadata: Some(_) } if &**id == "rs_0"));
    assert_eq!(text_of(&plain), "Hello! How can I help?");
    assert!(!plain.iter().any(|part| matches!(part, StreamPart::Raw { .. })));
    match plain.last().unwrap() {
        StreamPart::Finish { raw_finish_reason, provider_metadata, .. } => {
            assert_eq!(raw_finish_reason.as_deref(), Some("completed"));
            assert_eq!(provider_metadata.as_ref().unwrap().get("gateway").unwrap()["cost"], "0.000372");
        }
        other => panic!("{other:?}"),
    }
    options.include_raw_chunks = true;
    let with_raw: Vec<StreamPart> = parts(&model, &options).await.into_iter().map(Result::unwrap).collect();
    assert!(with_raw.iter().any(|part| matches!(part, StreamPart::Raw { raw_value } if raw_value["object"] == "chat.completion.chunk")));
    assert_eq!(server.requests()[1].json()["includeRawChunks"], true);
}

#[tokio::test]
async fn streamed_tool_calls_and_the_gateway_s_warnings() {
    let server = TestServer::start(vec![sse_response("stream_tool_call")]).await;
    let parts: Vec<StreamPart> =
        parts(&provider(&server).language_model(MODEL), &CallOptions::new(vec![Message::user("Weather?")])).await.into_iter().map(Result::unwrap).collect();
    assert!(matches!(&parts[0], StreamPart::StreamStart { warnings } if matches!(&warnings[..], [Warning::Unsupported { feature, .. }] if feature == "topK")));
    let deltas: String = parts.iter().filter_map(|part| match part { StreamPart::ToolInputDelta { delta, .. } => Some(delta.as_str()), _ => None }).collect();
    assert_eq!(deltas, r#"{"city":"Paris"}"#);
    assert!(parts.iter().any(|part| matches!(part, StreamPart::ToolCall(call) if call.tool_call_id == "toolu_01Weather" && call.input == r#"{"city":"Paris"}"#)));
    assert!(matches!(parts.last(), Some(StreamPart::Finish { finish_reason: FinishReason::ToolCalls, .. })));
}

#[tokio::test]
async fn an_error_part_ends_the_stream_with_a_retryable_error() {
    let server = TestServer::start(vec![sse_response("stream_error")]).await;
    let parts = parts(&provider(&server).language_model(MODEL), &CallOptions::new(vec![Message::user("Hi")])).await;
    assert!(matches!(&parts[2], Ok(StreamPart::TextDelta { delta, .. }) if delta == "Hel"));
    let error = parts.last().unwrap().as_ref().unwrap_err();
    assert!(error.is_retryable());
    let api = error.as_api_call().unwrap();
    assert_eq!((api.status, api.error_type.as_deref()), (429, Some("rate_limit_exceeded")));
}

#[tokio::test]
async fn a_cut_stream_says_so_and_finishes_with_other() {
    // The one rule for every provider: the output so far, an error part, then Finish `other`.
    let server = TestServer::start(vec![sse_response("stream_cut")]).await;
    let parts = parts(&provider(&server).language_model(MODEL), &CallOptions::new(vec![Message::user("Hi")])).await;
    assert!(parts.iter().any(|part| matches!(part, Ok(StreamPart::Error { error: Error::InvalidResponse { .. } }))), "{parts:?}");
    assert!(matches!(parts.last(), Some(Ok(StreamPart::Finish { finish_reason: FinishReason::Other, .. }))), "{:?}", parts.last());
}
