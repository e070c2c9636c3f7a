//! `do_stream` against SSE fixtures (named events, as Anthropic sends them), cut into small HTTP
//! chunks so events and UTF-8 characters straddle chunk boundaries.

use serde_json::{Value, json};
use specai::provider::{
    BlockId, CallOptions, FinishReason, FunctionTool, LanguageModel, Message, ProviderOptions, ResponseFormat,
    StreamPart, ToolDefinition,
};

use super::{MODEL, PROVIDER, assert_messages_request, collect, provider};
use crate::support::text_of;
use crate::support::fixtures::{error_response, raw_sse_response, sse_raw, split_every};
use specai::provider_utils::test_server::{TestResponse, TestServer};

fn weather_tool() -> ToolDefinition {
    ToolDefinition::Function(FunctionTool::new(
        "get_weather",
        json!({"type": "object", "properties": {"city": {"type": "string"}}}),
    ))
}

#[tokio::test]
async fn text_stream() {
    let server = TestServer::start([raw_sse_response(PROVIDER, "text_stream", 7)]).await;
    let model = provider(&server).language_model(MODEL);
    let mut options = CallOptions::new(vec![Message::user("Hello!")]);
    options.max_output_tokens = Some(256);

    let response = model.do_stream(&options).await.unwrap();
    let body = response.request.body.clone();
    let (parts, error) = collect(response.stream).await;

    assert!(error.is_none(), "{error:?}");
    let sent = assert_messages_request(&server.single_request());
    assert_eq!(
        sent,
        json!({
            "model": MODEL,
            "max_tokens": 256,
            "messages": [{"role": "user", "content": [{"type": "text", "text": "Hello!"}]}],
            "stream": true
        })
    );
    assert_eq!(body.and_then(|body| body.json()), Some(sent));
    let id = BlockId::from("0");
    assert_eq!(parts[0], StreamPart::StreamStart { warnings: vec![] });
    match &parts[1] {
        StreamPart::ResponseMetadata(metadata) => {
            assert_eq!(metadata.id.as_deref(), Some("msg_01XFDUDYJgAACzvnptvVoYEL"));
            assert_eq!(metadata.model_id.as_deref(), Some(MODEL));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(parts[2], StreamPart::TextStart { id: id.clone(), provider_metadata: None });
    assert_eq!(text_of(&parts), "Hello! How can I help you today? ✨");
    assert_eq!(parts[6], StreamPart::TextEnd { id, provider_metadata: None });
    match &parts[7] {
        StreamPart::Finish { usage, finish_reason, raw_finish_reason, .. } => {
            assert_eq!(*finish_reason, FinishReason::Stop);
            assert_eq!(raw_finish_reason.as_deref(), Some("end_turn"));
            assert_eq!(usage.input_tokens.total, Some(12));
            assert_eq!(usage.output_tokens.total, Some(13));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(parts.len(), 8);
}

#[tokio::test]
async fn parallel_tool_calls_stream_their_input_under_the_call_id() {
    let server = TestServer::start([raw_sse_response(PROVIDER, "parallel_tool_calls_stream", 64)]).await;
    let model = provider(&server).language_model(MODEL);
    let mut options = CallOptions::new(vec![Message::user("Weather in Paris and Tokyo?")]);
    options.tools = vec![weather_tool()];

    let (parts, error) = collect(model.do_stream(&options).await.unwrap().stream).await;

    assert!(error.is_none(), "{error:?}");
    let calls: Vec<_> = parts
        .iter()
        .filter_map(|part| match part {
            StreamPart::ToolCall(call) => Some((call.tool_call_id.clone(), call.tool_name.clone(), call.input.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(
        calls,
        [
            ("toolu_01Paris0000000000000000".into(), "get_weather".into(), r#"{"city": "Paris"}"#.into()),
            ("toolu_01Tokyo0000000000000000".into(), "get_weather".into(), r#"{"city": "Tokyo"}"#.into()),
        ]
    );
    for (id, input) in [("toolu_01Paris0000000000000000", r#"{"city": "Paris"}"#), ("toolu_01Tokyo0000000000000000", r#"{"city": "Tokyo"}"#)] {
        let deltas: String = parts
            .iter()
            .filter_map(|part| match part {
                StreamPart::ToolInputDelta { id: block, delta } if block.as_ref() == id => Some(delta.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(deltas, input);
        assert!(parts.contains(&StreamPart::ToolInputStart {
            id: id.into(),
            tool_name: "get_weather".into(),
            provider_executed: false,
            provider_metadata: None
        }));
        assert!(parts.contains(&StreamPart::ToolInputEnd { id: id.into(), provider_metadata: None }));
    }
    assert!(matches!(parts.last(), Some(StreamPart::Finish { finish_reason: FinishReason::ToolCalls, .. })));
}

#[tokio::test]
async fn streamed_thinking_carries_signature_and_redacted_data() {
    let server = TestServer::start([raw_sse_response(PROVIDER, "thinking_stream", 50)]).await;
    let model = provider(&server).language_model(MODEL);
    let mut options = CallOptions::new(vec![Message::user("What's the weather in Paris?")]);
    options.tools = vec![weather_tool()];
    options.provider_options =
        ProviderOptions::new().with("anthropic", json!({"thinking": {"type": "enabled", "budget_tokens": 1024}}));

    let (parts, error) = collect(model.do_stream(&options).await.unwrap().stream).await;

    assert!(error.is_none(), "{error:?}");
    let anthropic = |value: Value| Some(ProviderOptions::new().with("anthropic", value));
    let reasoning: String = parts
        .iter()
        .filter_map(|part| match part {
            StreamPart::ReasoningDelta { id, delta, .. } if id.as_ref() == "0" => Some(delta.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(reasoning, "The user wants the weather in Paris. I should call get_weather.");
    assert!(parts.contains(&StreamPart::ReasoningEnd {
        id: "0".into(),
        provider_metadata: anthropic(json!({"signature": "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds0EqQBCgIYAhIM"})),
    }));
    let redacted = json!({"redacted_data": "EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpPkNRj2YfWXGmKDxH4mPnZ5sQ7vB8URj2pLmN3kLx"});
    assert!(parts.contains(&StreamPart::ReasoningStart { id: "1".into(), provider_metadata: anthropic(redacted.clone()) }));
    assert!(parts.contains(&StreamPart::ReasoningEnd { id: "1".into(), provider_metadata: anthropic(redacted) }));
    assert!(parts.iter().any(|part| matches!(part, StreamPart::ToolCall(call) if call.input == r#"{"city": "Paris"}"#)));
    let body = assert_messages_request(&server.single_request());
    assert_eq!(body["max_tokens"], 65024 - 1024, "clamped to the model's limit of 64000");
}

#[tokio::test]
async fn streamed_structured_output_is_text() {
    let events = [
        r#"{"type":"message_start","message":{"id":"msg_s","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":40,"output_tokens":1}}}"#,
        r#"{"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"toolu_01Json","name":"json","input":{}}}"#,
        r#"{"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"{\"name\": \"Las"}}"#,
        r#"{"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"agna\"}"}}"#,
        r#"{"type":"content_block_stop","index":0}"#,
        r#"{"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":12}}"#,
        r#"{"type":"message_stop"}"#,
    ];
    let chunks = events.iter().map(|event| bytes::Bytes::from(format!("data: {event}\n\n"))).collect::<Vec<_>>();
    let server = TestServer::start([TestResponse::sse_chunks(chunks)]).await;
    let model = provider(&server).language_model(MODEL);
    let mut options = CallOptions::new(vec![Message::user("A recipe.")]);
    options.response_format = Some(ResponseFormat::Json { schema: Some(json!({"type": "object"})), name: None, description: None });

    let (parts, error) = collect(model.do_stream(&options).await.unwrap().stream).await;

    assert!(error.is_none(), "{error:?}");
    assert_eq!(text_of(&parts), r#"{"name": "Lasagna"}"#);
    assert!(!parts.iter().any(|part| matches!(part, StreamPart::ToolCall(_))));
    assert!(matches!(parts.last(), Some(StreamPart::Finish { finish_reason: FinishReason::Stop, .. })));
    assert!(matches!(&parts[0], StreamPart::StreamStart { warnings } if warnings.len() == 1));
}

#[tokio::test]
async fn mid_stream_overloaded_error_is_a_retryable_api_error() {
    let server = TestServer::start([raw_sse_response(PROVIDER, "stream_error_overloaded", 40)]).await;
    let model = provider(&server).language_model(MODEL);

    let (parts, error) = collect(model.do_stream(&CallOptions::new(vec![Message::user("A story.")])).await.unwrap().stream).await;

    assert_eq!(text_of(&parts), "Once upon");
    assert!(!parts.iter().any(|part| matches!(part, StreamPart::Finish { .. })));
    let error = error.expect("the error event ends the stream with an error");
    assert!(error.is_retryable());
    let error = error.as_api_call().unwrap();
    assert_eq!(error.error_type.as_deref(), Some("overloaded_error"));
    assert_eq!(error.message, "Overloaded");
    assert!(error.url.ends_with("/v1/messages"));
}

/// An overload sent as the stream's first event fails the call itself, as a 529 does.
#[tokio::test]
async fn an_overload_event_before_the_message_fails_the_call() {
    let server = TestServer::start([raw_sse_response(PROVIDER, "stream_error_overloaded_first", 4096)]).await;
    let model = provider(&server).language_model(MODEL);

    let error = model.do_stream(&CallOptions::new(vec![Message::user("Hi")])).await.expect_err("the call fails");

    assert!(error.is_retryable(), "{error:?}");
    assert_eq!(error.as_api_call().unwrap().error_type.as_deref(), Some("overloaded_error"));
}

#[tokio::test]
async fn http_529_before_the_stream_is_retryable() {
    let server = TestServer::start([error_response(PROVIDER, "error_overloaded", 529)]).await;
    let model = provider(&server).language_model(MODEL);

    let error = model.do_stream(&CallOptions::new(vec![Message::user("Hi")])).await.unwrap_err();

    assert!(error.is_retryable());
    assert_eq!(error.as_api_call().unwrap().status, 529);
}

#[tokio::test]
async fn cut_connection_ends_the_stream_with_an_error() {
    let raw = sse_raw(PROVIDER, "text_stream");
    let half = &raw[..raw.len() / 2];
    let server = TestServer::start([TestResponse::sse_chunks(split_every(half, 100))
        .chunk_delay(std::time::Duration::from_millis(5))
        .cut_connection()]).await;
    let model = provider(&server).language_model(MODEL);

    let (parts, error) = collect(model.do_stream(&CallOptions::new(vec![Message::user("Hi")])).await.unwrap().stream).await;

    assert!(error.is_some(), "a cut stream must not look finished: {parts:?}");
    assert!(!parts.iter().any(|part| matches!(part, StreamPart::Finish { .. })));
}

#[tokio::test]
async fn raw_chunks_when_asked() {
    let server = TestServer::start([raw_sse_response(PROVIDER, "text_stream", 4096)]).await;
    let model = provider(&server).language_model(MODEL);
    let mut options = CallOptions::new(vec![Message::user("Hi")]);
    options.include_raw_chunks = true;

    let (parts, _) = collect(model.do_stream(&options).await.unwrap().stream).await;

    let raw: Vec<_> = parts
        .iter()
        .filter_map(|part| match part {
            StreamPart::Raw { raw_value } => Some(raw_value["type"].as_str().unwrap().to_owned()),
            _ => None,
        })
        .collect();
    assert_eq!(raw.len(), 9, "{raw:?}");
    assert_eq!(raw[2], "ping");
}

#[tokio::test]
async fn streamed_web_search_is_a_provider_executed_call_result_and_source() {
    let server = TestServer::start([raw_sse_response(PROVIDER, "web_search_stream", 97)]).await;
    let model = provider(&server).language_model(MODEL);
    let mut options = CallOptions::new(vec![Message::user("Weather in NYC today?")]);
    options.tools = vec![ToolDefinition::ProviderDefined(specai::provider::ProviderDefinedTool::new(
        "anthropic.web_search_20250305",
        "web_search",
        json!({"max_uses": 1, "user_location": {"type": "approximate", "city": "New York", "country": "US"}}),
    ))];

    let (parts, error) = collect(model.do_stream(&options).await.unwrap().stream).await;

    assert!(error.is_none(), "{error:?}");
    let body = assert_messages_request(&server.single_request());
    assert_eq!(
        body["tools"],
        json!([{"type": "web_search_20250305", "name": "web_search", "max_uses": 1,
                "user_location": {"type": "approximate", "city": "New York", "country": "US"}}])
    );
    let id = "srvtoolu_014hJH82Qum7Td6UV8gDXThB";
    assert!(parts.contains(&StreamPart::ToolInputStart {
        id: id.into(),
        tool_name: "web_search".into(),
        provider_executed: true,
        provider_metadata: None
    }));
    let call = parts
        .iter()
        .find_map(|part| match part {
            StreamPart::ToolCall(call) => Some(call),
            _ => None,
        })
        .unwrap();
    assert!(call.provider_executed);
    assert_eq!((call.tool_call_id.as_str(), call.input.as_str()), (id, r#"{"query": "weather NYC today"}"#));
    let result = parts
        .iter()
        .find_map(|part| match part {
            StreamPart::ToolResult(result) => Some(result),
            _ => None,
        })
        .unwrap();
    assert_eq!(result.tool_call_id, id);
    assert_eq!(result.result[0]["title"], "Weather in New York City in May 2025");
    assert!(parts.iter().any(|part| matches!(part,
        StreamPart::Source(source) if matches!(&**source, specai::provider::Source::Url { url, .. } if url == "https://www.timeanddate.com/weather/usa/new-york/historic"))));
    assert_eq!(text_of(&parts), "I'll search for that.It is mild and cloudy in New York today.");
    match parts.last() {
        Some(StreamPart::Finish { usage, finish_reason, .. }) => {
            assert_eq!(*finish_reason, FinishReason::Stop);
            assert_eq!(usage.input_tokens.total, Some(10682), "message_delta usage replaces message_start's");
            assert_eq!(usage.output_tokens.total, Some(510));
            assert_eq!(usage.raw.as_ref().and_then(|raw| raw.json()).unwrap()["server_tool_use"]["web_search_requests"], 1);
        }
        other => panic!("{other:?}"),
    }
}
