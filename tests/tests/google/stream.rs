//! `streamGenerateContent?alt=sse`: text, parallel tool calls, thinking, errors mid-stream.

use futures::StreamExt;
use serde_json::json;
use specai::provider::{
    AssistantPart, CallOptions, FinishReason, FunctionTool, LanguageModel, Message, ProviderOptions, StreamPart,
    ToolDefinition,
};
use specai::provider_utils::test_server::{TestResponse, TestServer};
use specai::{Error, generate_text, stream_text};

use super::{MODEL, assert_request, json_response, provider, raw_sse_response, sse_response};

const STREAM_PATH: &str = "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse";

async fn collect(model: &impl LanguageModel, options: &CallOptions) -> Vec<specai::Result<StreamPart>> {
    model.do_stream(options).await.unwrap().stream.collect().await
}

#[tokio::test]
async fn streamed_text_over_crlf_events_split_anywhere() {
    // 7-byte chunks cut events, CRLF pairs and JSON apart.
    let server = TestServer::start(vec![raw_sse_response("stream_text", 7)]).await;
    let model = provider(&server).language_model(MODEL);
    let mut stream = stream_text(model).system("Be brief.").prompt("Hello").start();
    let mut deltas = Vec::new();
    {
        let mut text_stream = stream.text_stream();
        while let Some(delta) = text_stream.next().await {
            deltas.push(delta.unwrap());
        }
    }
    assert_eq!(deltas, vec!["Hello", "! How can I help", " you today?"]);
    assert_eq!(stream.text().await.unwrap(), "Hello! How can I help you today?");
    assert_eq!(stream.finish_reason().await.unwrap(), FinishReason::Stop);
    let usage = stream.usage().await.unwrap();
    assert_eq!((usage.input_tokens.total, usage.output_tokens.total), (Some(4), Some(9)));
    assert_request(
        &server.requests()[0],
        STREAM_PATH,
        json!({
            "systemInstruction": {"parts": [{"text": "Be brief."}]},
            "contents": [{"role": "user", "parts": [{"text": "Hello"}]}],
            "generationConfig": {}
        }),
    );
}

#[tokio::test]
async fn stream_parts_in_order_with_response_metadata() {
    let server = TestServer::start(vec![raw_sse_response("stream_text", 4096)]).await;
    let model = provider(&server).language_model(MODEL);
    let parts: Vec<StreamPart> =
        collect(&model, &CallOptions::new(vec![Message::user("Hello")])).await.into_iter().map(Result::unwrap).collect();
    assert!(matches!(&parts[0], StreamPart::StreamStart { warnings } if warnings.is_empty()));
    match &parts[1] {
        StreamPart::ResponseMetadata(metadata) => {
            assert_eq!(metadata.id.as_deref(), Some("UQitaKDGJ9rmz7IP2c7a4Q0"));
            assert_eq!(metadata.model_id.as_deref(), Some("gemini-2.5-flash"));
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(&parts[2], StreamPart::TextStart { .. }));
    assert!(matches!(&parts[6], StreamPart::TextEnd { .. }));
    assert!(matches!(&parts[7], StreamPart::Finish { finish_reason: FinishReason::Stop, .. }));
    assert_eq!(parts.len(), 8);
}

#[tokio::test]
async fn parallel_tool_calls_in_one_event() {
    let server = TestServer::start(vec![sse_response("parallel_tool_calls")]).await;
    let model = provider(&server).language_model(MODEL);
    let mut options = CallOptions::new(vec![Message::user("Weather in Paris and Rome?")]);
    options.tools = vec![ToolDefinition::Function(
        FunctionTool::new(
            "weather",
            json!({"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}),
        )
        .with_description("The weather in a city"),
    )];
    let parts: Vec<StreamPart> = collect(&model, &options).await.into_iter().map(Result::unwrap).collect();
    let calls: Vec<_> = parts
        .iter()
        .filter_map(|part| match part {
            StreamPart::ToolCall(call) => Some((call.tool_call_id.clone(), call.tool_name.clone(), call.input.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(calls.len(), 2);
    assert_ne!(calls[0].0, calls[1].0, "each call has its own id");
    assert_eq!((calls[0].1.as_str(), calls[0].2.as_str()), ("weather", r#"{"city":"Paris"}"#));
    assert_eq!((calls[1].1.as_str(), calls[1].2.as_str()), ("weather", r#"{"city":"Rome"}"#));
    // Each call's input block shares the call's id.
    let input_ids: Vec<String> = parts
        .iter()
        .filter_map(|part| match part {
            StreamPart::ToolInputStart { id, .. } => Some(id.to_string()),
            _ => None,
        })
        .collect();
    assert_eq!(input_ids, vec![calls[0].0.clone(), calls[1].0.clone()]);
    assert!(matches!(parts.last(), Some(StreamPart::Finish { finish_reason: FinishReason::ToolCalls, .. })));
    assert_eq!(
        server.requests()[0].json()["tools"],
        json!([{"functionDeclarations": [{"name": "weather", "description": "The weather in a city",
            "parameters": {"type": "OBJECT", "properties": {"city": {"type": "STRING"}}, "required": ["city"]}}]}])
    );
}

#[tokio::test]
async fn streamed_thinking_is_reasoning_and_its_signature_goes_back() {
    let server = TestServer::start(vec![sse_response("thinking"), json_response("text")]).await;
    let model = provider(&server).language_model(MODEL);
    let thinking = ProviderOptions::new().with("google", json!({"thinkingConfig": {"includeThoughts": true}}));
    let mut stream = stream_text(model.clone()).prompt("What is 2 + 2?").provider_options(thinking).start();
    assert_eq!(stream.text().await.unwrap(), "2 + 2 = 4.");
    assert_eq!(stream.reasoning_text().await.unwrap().as_deref(), Some("**Adding numbers**\n\nTwo plus two is four."));
    let usage = stream.usage().await.unwrap();
    assert_eq!((usage.output_tokens.reasoning, usage.output_tokens.text, usage.output_tokens.total), (Some(31), Some(7), Some(38)));

    // The next turn carries the reasoning and the signed text back.
    let mut history = vec![Message::user("What is 2 + 2?")];
    history.extend(stream.response_messages().await.unwrap());
    match &history[1] {
        Message::Assistant { content, .. } => assert!(matches!(&content[0], AssistantPart::Reasoning(_))),
        other => panic!("{other:?}"),
    }
    history.push(Message::user("And 3 + 3?"));
    generate_text(model).messages(history).await.unwrap();
    let second = server.requests()[1].json();
    assert_eq!(
        second["contents"][1],
        json!({"role": "model", "parts": [
            {"text": "**Adding numbers**\n\nTwo plus two is four.", "thought": true},
            {"text": "2 + 2 = 4.", "thoughtSignature": "EuYBCuMBAdHtim9Kz4h1"}
        ]})
    );
}

#[tokio::test]
async fn error_event_mid_stream_is_a_retryable_api_error() {
    let server = TestServer::start(vec![sse_response("error_mid_stream")]).await;
    let model = provider(&server).language_model(MODEL);
    let items = collect(&model, &CallOptions::new(vec![Message::user("Tell me a story")])).await;
    let (last, before) = items.split_last().unwrap();
    assert!(before.iter().all(Result::is_ok));
    assert!(before.iter().any(|part| matches!(part, Ok(StreamPart::TextDelta { delta, .. }) if delta == "Once upon a")));
    let error = last.as_ref().unwrap_err();
    let api = error.as_api_call().unwrap_or_else(|| panic!("{error:?}"));
    assert_eq!(api.status, 503);
    assert_eq!(api.message, "The model is overloaded. Please try again later.");
    assert_eq!(api.error_type.as_deref(), Some("UNAVAILABLE"));
    assert!(error.is_retryable());
}

#[tokio::test]
async fn cut_connection_is_a_connection_error() {
    let first = "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"Once\"}],\"role\": \"model\"},\"index\": 0}]}\r\n\r\n";
    let server = TestServer::start(vec![TestResponse::sse_chunks(vec![first]).cut_connection()]).await;
    let model = provider(&server).language_model(MODEL);
    let items = collect(&model, &CallOptions::new(vec![Message::user("Tell me a story")])).await;
    match items.last().unwrap() {
        Err(Error::Connection { url, .. }) => assert!(url.contains("streamGenerateContent"), "{url}"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn clean_end_without_finish_reason_keeps_the_text_with_an_error_part() {
    // The rule every provider follows (tests/faults): an error part, then finish reason `other`.
    let first = "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"Once\"}],\"role\": \"model\"},\"index\": 0}]}\r\n\r\n";
    let server = TestServer::start(vec![TestResponse::sse_chunks(vec![first])]).await;
    let model = provider(&server).language_model(MODEL);
    let items = collect(&model, &CallOptions::new(vec![Message::user("Tell me a story")])).await;
    assert!(items.iter().any(|item| matches!(item, Ok(StreamPart::Error { error: Error::InvalidResponse { .. } }))), "{items:?}");
    assert!(matches!(items.last().unwrap(), Ok(StreamPart::Finish { finish_reason: FinishReason::Other, .. })), "{:?}", items.last());
}

#[tokio::test]
async fn raw_chunks_when_asked() {
    let server = TestServer::start(vec![raw_sse_response("stream_text", 4096)]).await;
    let model = provider(&server).language_model(MODEL);
    let mut options = CallOptions::new(vec![Message::user("Hello")]);
    options.include_raw_chunks = true;
    let raw: Vec<serde_json::Value> = collect(&model, &options)
        .await
        .into_iter()
        .filter_map(|part| match part.unwrap() {
            StreamPart::Raw { raw_value } => Some(raw_value),
            _ => None,
        })
        .collect();
    assert_eq!(raw.len(), 3);
    assert_eq!(raw[2]["candidates"][0]["finishReason"], "STOP");
}

#[derive(Debug, serde::Deserialize, schemars::JsonSchema, PartialEq)]
struct Person {
    name: String,
    born: u32,
}

#[tokio::test]
async fn streamed_structured_output() {
    let server = TestServer::start(vec![sse_response("stream_object")]).await;
    let model = provider(&server).language_model(MODEL);
    let mut stream = specai::stream_object::<Person>(model).prompt("Who wrote the first program?").start();
    let mut partials = 0;
    {
        let mut partial_stream = stream.partial_output_stream();
        while let Some(partial) = partial_stream.next().await {
            partial.unwrap();
            partials += 1;
        }
    }
    assert!(partials >= 2, "{partials} partial objects");
    assert_eq!(stream.output().await.unwrap(), Person { name: "Ada Lovelace".into(), born: 1815 });
    let body = server.requests()[0].json();
    assert_eq!(body["generationConfig"]["responseMimeType"], "application/json");
    assert_eq!(body["generationConfig"]["responseSchema"]["type"], "OBJECT");
}

#[tokio::test]
async fn error_status_on_a_stream_request_fails_before_streaming() {
    let server = TestServer::start(vec![super::error_response("error_429", 429)]).await;
    let model = provider(&server).language_model(MODEL);
    let error = model.do_stream(&CallOptions::new(vec![Message::user("Hello")])).await.unwrap_err();
    let api = error.as_api_call().unwrap_or_else(|| panic!("{error:?}"));
    assert_eq!((api.status, api.error_type.as_deref()), (429, Some("RESOURCE_EXHAUSTED")));
    assert!(api.is_retryable);
}
