//! Streamed `POST /v2/chat`: Cohere's own events (message-start, content-start/delta/end,
//! tool-plan-delta, tool-call-start/delta/end, citation-start/end, message-end), and a cut stream.

use futures::StreamExt;
use serde_json::json;
use specai::provider::{CallOptions, FinishReason, FunctionTool, LanguageModel, Message, Source, StreamPart, ToolDefinition};
use specai::provider_utils::test_server::TestServer;
use specai::{Error, stream_text};

use super::{MODEL, assert_request, provider, raw_sse_response, sse_response};
use crate::support::text_of;

async fn parts(model: &impl LanguageModel, options: &CallOptions) -> Vec<specai::Result<StreamPart>> {
    model.do_stream(options).await.unwrap().stream.collect().await
}

#[tokio::test]
async fn text_stream_of_named_events_split_anywhere() {
    // 5-byte chunks cut event names, data lines and JSON apart.
    let server = TestServer::start(vec![raw_sse_response("chat_stream", 5)]).await;
    let mut stream = stream_text(provider(&server).language_model(MODEL)).prompt("Hello").start();
    assert_eq!(stream.text().await.unwrap(), "Bonjour! How can I help?");
    assert_eq!(stream.finish_reason().await.unwrap(), FinishReason::Stop);
    let usage = stream.usage().await.unwrap();
    assert_eq!((usage.input_tokens.total, usage.output_tokens.total), (Some(212), Some(7)));
    assert_request(
        &server.single_request(),
        "/v2/chat",
        json!({"model": MODEL, "messages": [{"role": "user", "content": [{"type": "text", "text": "Hello"}]}], "stream": true}),
    );
}

#[tokio::test]
async fn stream_parts_in_order() {
    let server = TestServer::start(vec![raw_sse_response("chat_stream", 4096)]).await;
    let parts: Vec<StreamPart> =
        parts(&provider(&server).language_model(MODEL), &CallOptions::new(vec![Message::user("Hello")])).await.into_iter().map(Result::unwrap).collect();
    assert!(matches!(&parts[0], StreamPart::StreamStart { warnings } if warnings.is_empty()));
    assert!(matches!(&parts[1], StreamPart::ResponseMetadata(metadata) if metadata.id.as_deref() == Some("8c2f6a1d-3e5b-4c7a-9f0e-1b2d3c4e5f60")));
    assert!(matches!(&parts[2], StreamPart::TextStart { id, .. } if &**id == "0"));
    assert_eq!(text_of(&parts), "Bonjour! How can I help?");
    assert!(matches!(&parts[6], StreamPart::TextEnd { id, .. } if &**id == "0"));
    assert!(matches!(parts.last(), Some(StreamPart::Finish { finish_reason: FinishReason::Stop, raw_finish_reason: Some(raw), .. }) if raw == "COMPLETE"));
    assert_eq!(parts.len(), 8);
}

#[tokio::test]
async fn streamed_tool_calls_with_their_plan() {
    let server = TestServer::start(vec![sse_response("chat_tool_call_stream")]).await;
    let mut options = CallOptions::new(vec![Message::user("Weather in Paris?")]);
    options.tools = vec![
        ToolDefinition::Function(FunctionTool::new("get_weather", json!({"type": "object"}))),
        ToolDefinition::Function(FunctionTool::new("get_time", json!({"type": "object"}))),
    ];
    let parts: Vec<StreamPart> = parts(&provider(&server).language_model(MODEL), &options).await.into_iter().map(Result::unwrap).collect();
    let calls: Vec<_> = parts.iter().filter_map(|part| match part { StreamPart::ToolCall(call) => Some(call), _ => None }).collect();
    assert_eq!(calls.len(), 2);
    assert_eq!((calls[0].tool_call_id.as_str(), calls[0].tool_name.as_str(), calls[0].input.as_str()), ("get_weather_7k2m9x4p1q8r", "get_weather", r#"{"city":"Paris"}"#));
    assert_eq!(calls[1].input, "{}");
    let deltas: String = parts
        .iter()
        .filter_map(|part| match part { StreamPart::ToolInputDelta { id, delta } if &**id == "get_weather_7k2m9x4p1q8r" => Some(delta.as_str()), _ => None })
        .collect();
    assert_eq!(deltas, r#"{"city":"Paris"}"#);
    match parts.last().unwrap() {
        StreamPart::Finish { finish_reason, provider_metadata, usage, .. } => {
            assert_eq!(*finish_reason, FinishReason::ToolCalls);
            assert_eq!(provider_metadata.as_ref().unwrap().get("cohere").unwrap()["toolPlan"], "I will look up the weather.");
            assert_eq!(usage.output_tokens.total, Some(61));
        }
        other => panic!("{other:?}"),
    }
    assert!(server.single_request().json()["stream"].as_bool().unwrap());
}

#[tokio::test]
async fn streamed_thinking_text_and_citations() {
    let server = TestServer::start(vec![sse_response("chat_citations_stream")]).await;
    let parts: Vec<StreamPart> =
        parts(&provider(&server).language_model(MODEL), &CallOptions::new(vec![Message::user("When was it built?")])).await.into_iter().map(Result::unwrap).collect();
    let reasoning: String = parts.iter().filter_map(|part| match part { StreamPart::ReasoningDelta { delta, .. } => Some(delta.as_str()), _ => None }).collect();
    assert_eq!(reasoning, "The notes give a year.");
    assert!(parts.iter().any(|part| matches!(part, StreamPart::ReasoningEnd { id, .. } if &**id == "0")));
    assert_eq!(text_of(&parts), "The lighthouse was built in 1902.");
    let source = parts.iter().find_map(|part| match part { StreamPart::Source(source) => Some(source), _ => None }).unwrap();
    match &**source {
        Source::Document { title, provider_metadata, .. } => {
            assert_eq!(title, "lighthouse.txt");
            assert_eq!(provider_metadata.as_ref().unwrap().get("cohere").unwrap()["text"], "1902");
        }
        other => panic!("{other:?}"),
    }
    match parts.last().unwrap() {
        StreamPart::Finish { usage, .. } => assert_eq!((usage.input_tokens.cache_read, usage.output_tokens.total), (Some(1024), Some(25))),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_stream_cut_before_message_end_says_so_and_finishes_with_other() {
    // The one rule for every provider: the output so far, an error part, then Finish `other`.
    let server = TestServer::start(vec![sse_response("chat_cut_stream")]).await;
    let parts = parts(&provider(&server).language_model(MODEL), &CallOptions::new(vec![Message::user("Hello")])).await;
    assert!(parts.iter().any(|part| matches!(part, Ok(StreamPart::Error { error: Error::InvalidResponse { .. } }))), "{parts:?}");
    assert!(matches!(parts.last(), Some(Ok(StreamPart::Finish { finish_reason: FinishReason::Other, .. }))), "{:?}", parts.last());
}

#[tokio::test]
async fn a_malformed_event_is_an_error_keeping_the_text() {
    let server = TestServer::start(vec![specai::provider_utils::test_server::TestResponse::sse_chunks(vec![
        "data: {\"type\":\"message-start\",\"id\":\"x\"}\n\n".to_owned(),
        "data: {\"type\":\"content-delta\",\"index\":\n\n".to_owned(),
    ])])
    .await;
    let parts = parts(&provider(&server).language_model(MODEL), &CallOptions::new(vec![Message::user("Hello")])).await;
    // The unreadable event is an error part keeping its raw text, and the stream goes on.
    let skipped = parts.iter().find_map(|part| match part {
        Ok(StreamPart::Error { error }) if format!("{error:?}").contains("content-delta") => Some(error),
        _ => None,
    });
    assert!(skipped.is_some(), "{parts:?}");
    assert!(matches!(parts.last(), Some(Ok(StreamPart::Finish { .. }))), "{:?}", parts.last());
}
